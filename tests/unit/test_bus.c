// SPDX-License-Identifier: MIT
/* Unit tests for devices/bus.c: range registration, lookup and dispatch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "devices/bus.h"
#include "vmm/log.h"

/* A device that records its last access and answers reads with a pattern. */
struct fake_dev {
	unsigned int reads, writes;
	u64 off;
	u32 len;
	u8 written[8];
};

static void fake_read(void *dev, u64 off, void *data, u32 len)
{
	struct fake_dev *d = dev;

	d->reads++;
	d->off = off;
	d->len = len;
	for (u32 i = 0; i < len; i++)
		((u8 *)data)[i] = (u8)(0xa0 + off + i);
}

static void fake_write(void *dev, u64 off, const void *data, u32 len)
{
	struct fake_dev *d = dev;

	d->writes++;
	d->off = off;
	d->len = len;
	memcpy(d->written, data, MIN(len, (u32)sizeof(d->written)));
}

static const struct bus_ops rw_ops = { .read = fake_read, .write = fake_write };
static const struct bus_ops wo_ops = { .write = fake_write };
static const struct bus_ops ro_ops = { .read = fake_read };

static int bus_setup(void **state)
{
	static struct bus bus;

	bus_init(&bus, "test");
	*state = &bus;
	return 0;
}

static int bus_teardown(void **state)
{
	bus_exit(*state);
	return 0;
}

static int reg(struct bus *bus, u64 base, u64 len)
{
	return bus_register(bus, base, len, &rw_ops, NULL, "r");
}

static void test_bus_register_adjacent(void **state)
{
	struct bus *bus = *state;

	assert_int_equal(reg(bus, 0x20, 0x10), 0);
	assert_int_equal(reg(bus, 0x30, 0x10), 0);	/* right after */
	assert_int_equal(reg(bus, 0x10, 0x10), 0);	/* right before */
	assert_int_equal(reg(bus, 0x0, 0x1), 0);
	assert_int_equal(reg(bus, 0x1, 0xf), 0);	/* fills the gap exactly */
	assert_int_equal(bus->nr, 5);
	for (unsigned int i = 1; i < bus->nr; i++)
		assert_int_equal(bus->ranges[i].base,
				 bus->ranges[i - 1].base + bus->ranges[i - 1].len);
}

static void test_bus_register_overlap(void **state)
{
	static const struct { u64 base, len; const char *shape; } cases[] = {
		{ 0x100, 0x100, "identical" },
		{ 0x140, 0x10, "inside" },
		{ 0x0f0, 0x200, "covering" },
		{ 0x0f0, 0x11, "over the first byte" },
		{ 0x1ff, 0x10, "over the last byte" },
		{ 0x100, 0x1, "first byte only" },
		{ 0x1ff, 0x1, "last byte only" },
		{ 0x2ff, 0x2, "straddling the second range's start" },
		{ 0x1ff, 0x102, "touching both ranges" },
		{ 0x000, UINT64_MAX, "everything" },
	};
	struct bus *bus = *state;

	assert_int_equal(reg(bus, 0x100, 0x100), 0);
	assert_int_equal(reg(bus, 0x300, 0x100), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = reg(bus, cases[i].base, cases[i].len);

		if (ret != -EEXIST)
			fail_msg("%s: [%#llx, +%#llx) returned %d", cases[i].shape,
				 (unsigned long long)cases[i].base,
				 (unsigned long long)cases[i].len, ret);
	}
	assert_int_equal(bus->nr, 2);
	/* The gap between them is free, to the byte. */
	assert_int_equal(reg(bus, 0x200, 0x100), 0);
}

/* Ranges that end at the top of the address space (base + len wraps to 0). */
static void test_bus_register_overlap_at_top(void **state)
{
	struct bus *bus = *state;

	assert_int_equal(reg(bus, UINT64_MAX - 0xfff, 0x1000), 0);
	assert_int_equal(reg(bus, UINT64_MAX, 1), -EEXIST);
	assert_int_equal(reg(bus, UINT64_MAX - 0x7ff, 0x10), -EEXIST);
	assert_int_equal(reg(bus, UINT64_MAX - 0x1000, 2), -EEXIST);
	assert_int_equal(bus->nr, 1);
	assert_int_equal(reg(bus, UINT64_MAX - 0x1fff, 0x1000), 0);
	assert_non_null(bus_find(bus, UINT64_MAX));
	assert_int_equal(bus_find(bus, UINT64_MAX)->base, UINT64_MAX - 0xfff);
}

static void test_bus_register_invalid(void **state)
{
	static const struct { u64 base, len; } cases[] = {
		{ 0x100, 0 },
		{ 0, 0 },
		{ UINT64_MAX, 2 },
		{ 2, UINT64_MAX },
		{ UINT64_MAX - 0xf, 0x11 },
	};
	struct bus *bus = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(reg(bus, cases[i].base, cases[i].len), -EINVAL);
	assert_int_equal(bus_register(bus, 0x10, 1, NULL, NULL, "no ops"), -EINVAL);
	assert_int_equal(bus->nr, 0);
	/* The largest ranges that do not wrap are fine. */
	assert_int_equal(reg(bus, UINT64_MAX, 1), 0);
	assert_int_equal(reg(bus, 1, UINT64_MAX - 1), 0);
	assert_int_equal(bus->nr, 2);
}

static void test_bus_register_frozen(void **state)
{
	struct bus *bus = *state;
	struct fake_dev dev = { 0 };
	u8 v = 0;

	assert_int_equal(bus_register(bus, 0x10, 4, &rw_ops, &dev, "dev"), 0);
	bus_freeze(bus);
	assert_int_equal(reg(bus, 0x20, 4), -EBUSY);
	/* Even an invalid request gets -EBUSY: frozen is checked first. */
	assert_int_equal(reg(bus, 0x20, 0), -EBUSY);
	assert_int_equal(bus->nr, 1);
	assert_true(bus_dispatch(bus, 0x10, &v, 1, false));
	assert_int_equal(dev.reads, 1);
	assert_false(bus_dispatch(bus, 0x20, &v, 1, false));
}

/* Register many ranges in a scrambled order: the table stays sorted, lookups exact. */
static void test_bus_find_many_ranges(void **state)
{
	enum { N = 257 };	/* prime: i * 100 % N visits every slot */
	struct bus *bus = *state;

	for (unsigned int i = 0; i < N; i++) {
		u64 slot = (u64)i * 100 % N;

		assert_int_equal(bus_register(bus, 0x1000 + slot * 0x10, 8, &rw_ops,
					      (void *)(uintptr_t)(slot + 1), "r"), 0);
	}
	assert_int_equal(bus->nr, N);
	for (unsigned int i = 1; i < N; i++)
		assert_true(bus->ranges[i - 1].base < bus->ranges[i].base);
	for (u64 slot = 0; slot < N; slot++) {
		u64 base = 0x1000 + slot * 0x10;
		const struct bus_range *first = bus_find(bus, base);
		const struct bus_range *last = bus_find(bus, base + 7);

		assert_non_null(first);
		assert_ptr_equal(first, last);
		assert_int_equal(first->base, base);
		assert_ptr_equal(first->dev, (void *)(uintptr_t)(slot + 1));
		assert_null(bus_find(bus, base + 8));	/* the gap after it */
		assert_null(bus_find(bus, base + 0xf));
	}
	assert_null(bus_find(bus, 0));
	assert_null(bus_find(bus, 0xfff));
	assert_null(bus_find(bus, UINT64_MAX));
}

static void test_bus_find_empty(void **state)
{
	struct bus *bus = *state;
	u32 v = 0x12345678;

	assert_null(bus_find(bus, 0));
	assert_null(bus_find(bus, UINT64_MAX));
	assert_false(bus_dispatch(bus, 0x3f8, &v, 4, true));
	assert_int_equal(v, 0x12345678);
}

static void test_bus_dispatch_offsets(void **state)
{
	static const struct { u64 addr; u32 len; u64 off; } cases[] = {
		{ 0x3f8, 1, 0 }, { 0x3f9, 1, 1 }, { 0x3fa, 2, 2 }, { 0x3fc, 4, 4 },
		{ 0x3f8, 8, 0 }, { 0x3ff, 1, 7 },
	};
	struct bus *bus = *state;
	struct fake_dev dev = { 0 };

	assert_int_equal(bus_register(bus, 0x3f8, 8, &rw_ops, &dev, "uart"), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u8 buf[8] = { 0 };
		u64 w = 0x1122334455667788ULL;

		assert_true(bus_dispatch(bus, cases[i].addr, buf, cases[i].len, false));
		assert_int_equal(dev.off, cases[i].off);
		assert_int_equal(dev.len, cases[i].len);
		assert_int_equal(buf[0], (u8)(0xa0 + cases[i].off));
		assert_int_equal(buf[cases[i].len - 1], (u8)(0xa0 + cases[i].off + cases[i].len - 1));

		assert_true(bus_dispatch(bus, cases[i].addr, &w, cases[i].len, true));
		assert_int_equal(dev.off, cases[i].off);
		assert_memory_equal(dev.written, &w, cases[i].len);
	}
	assert_int_equal(dev.reads, ARRAY_SIZE(cases));
	assert_int_equal(dev.writes, ARRAY_SIZE(cases));
}

static void test_bus_dispatch_past_end(void **state)
{
	static const struct { u64 addr; u32 len; bool claimed; } cases[] = {
		{ 0x100, 4, true }, { 0x102, 2, true }, { 0x103, 1, true },
		{ 0x102, 4, false }, { 0x103, 2, false }, { 0x100, 8, false },
		{ 0x0ff, 2, false },	/* starts before the range */
		{ 0x104, 1, false }, { 0x100, 0, false },
	};
	struct bus *bus = *state;
	struct fake_dev dev = { 0 };

	assert_int_equal(bus_register(bus, 0x100, 4, &rw_ops, &dev, "dev"), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned int before = dev.writes;
		u64 w = 0;

		assert_int_equal(bus_dispatch(bus, cases[i].addr, &w, cases[i].len, true),
				 cases[i].claimed);
		assert_int_equal(dev.writes - before, cases[i].claimed ? 1 : 0);
	}
}

/* The last byte of the address space: off + len arithmetic must not wrap. */
static void test_bus_dispatch_top_of_space(void **state)
{
	struct bus *bus = *state;
	struct fake_dev dev = { 0 };
	u8 buf[4];

	assert_int_equal(bus_register(bus, UINT64_MAX - 3, 4, &rw_ops, &dev, "top"), 0);
	assert_true(bus_dispatch(bus, UINT64_MAX, buf, 1, false));
	assert_int_equal(dev.off, 3);
	assert_false(bus_dispatch(bus, UINT64_MAX, buf, 2, false));
	assert_true(bus_dispatch(bus, UINT64_MAX - 3, buf, 4, false));
}

static void test_bus_dispatch_missing_ops(void **state)
{
	struct bus *bus = *state;
	struct fake_dev wdev = { 0 }, rdev = { 0 };
	u32 v = 0x12345678;

	assert_int_equal(bus_register(bus, 0x10, 4, &wo_ops, &wdev, "write-only"), 0);
	assert_int_equal(bus_register(bus, 0x20, 4, &ro_ops, &rdev, "read-only"), 0);
	/* No read op: the access is claimed and reads all-ones, of exactly len bytes. */
	assert_true(bus_dispatch(bus, 0x11, &v, 2, false));
	assert_int_equal(v, 0x1234ffff);
	assert_int_equal(wdev.reads + wdev.writes, 0);
	/* No write op: claimed and dropped. */
	assert_true(bus_dispatch(bus, 0x20, &v, 4, true));
	assert_int_equal(rdev.writes + rdev.reads, 0);
	assert_int_equal(v, 0x1234ffff);
}

static void test_bus_dispatch_unclaimed(void **state)
{
	struct bus *bus = *state;
	struct fake_dev dev = { 0 };
	u32 v = 0xdeadbeef;

	assert_int_equal(bus_register(bus, 0x10, 4, &rw_ops, &dev, "a"), 0);
	assert_int_equal(bus_register(bus, 0x20, 4, &rw_ops, &dev, "b"), 0);
	assert_false(bus_dispatch(bus, 0x14, &v, 1, false));
	assert_false(bus_dispatch(bus, 0x1f, &v, 1, true));
	assert_false(bus_dispatch(bus, 0x0f, &v, 1, false));
	assert_false(bus_dispatch(bus, 0x24, &v, 4, false));
	assert_int_equal(v, 0xdeadbeef);	/* the caller decides what an unclaimed read sees */
	assert_int_equal(dev.reads + dev.writes, 0);
}

static void test_bus_exit_resets(void **state)
{
	struct bus *bus = *state;

	assert_int_equal(reg(bus, 0x10, 4), 0);
	bus_exit(bus);
	assert_int_equal(bus->nr, 0);
	assert_null(bus->ranges);
	assert_null(bus_find(bus, 0x10));
	assert_int_equal(reg(bus, 0x10, 4), 0);	/* usable again */
}

#define T(f) cmocka_unit_test_setup_teardown(f, bus_setup, bus_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bus_register_adjacent),
		T(test_bus_register_overlap),
		T(test_bus_register_overlap_at_top),
		T(test_bus_register_invalid),
		T(test_bus_register_frozen),
		T(test_bus_find_many_ranges),
		T(test_bus_find_empty),
		T(test_bus_dispatch_offsets),
		T(test_bus_dispatch_past_end),
		T(test_bus_dispatch_top_of_space),
		T(test_bus_dispatch_missing_ops),
		T(test_bus_dispatch_unclaimed),
		T(test_bus_exit_resets),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("bus", tests, NULL, NULL);
}
