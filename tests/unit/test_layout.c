// SPDX-License-Identifier: MIT
/* Unit tests for mem/layout.c: the RAM ranges, reserved areas and the e820 map. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "mem/layout.h"
#include "vmm/log.h"

#define HOLE_START LAYOUT_LOW_RAM_MAX
#define HOLE_END LAYOUT_HIGH_RAM

static void test_layout_init_sizes(void **state)
{
	static const struct { u64 size; u64 low; u64 high; } cases[] = {
		{ 2 * MiB, 2 * MiB, 0 },
		{ 2 * MiB + PAGE_SIZE, 2 * MiB + PAGE_SIZE, 0 },
		{ 256 * MiB, 256 * MiB, 0 },
		{ 3 * GiB - PAGE_SIZE, 3 * GiB - PAGE_SIZE, 0 },
		{ 3 * GiB, 3 * GiB, 0 },
		{ 3 * GiB + PAGE_SIZE, 3 * GiB, PAGE_SIZE },
		{ 4 * GiB, 3 * GiB, 1 * GiB },
		{ 1ULL << 40, 3 * GiB, (1ULL << 40) - 3 * GiB },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct layout l;

		memset(&l, 0x5a, sizeof(l));
		assert_int_equal(layout_init(&l, cases[i].size), 0);
		assert_int_equal(l.ram_size, cases[i].size);
		assert_int_equal(l.nr_ram, cases[i].high ? 2 : 1);
		assert_int_equal(l.ram[0].start, 0);
		assert_int_equal(l.ram[0].size, cases[i].low);
		assert_int_equal(layout_low_ram_end(&l), cases[i].low);
		if (cases[i].high) {
			assert_int_equal(l.ram[1].start, HOLE_END);
			assert_int_equal(l.ram[1].size, cases[i].high);
		} else {
			assert_int_equal(l.ram[1].size, 0);
		}
	}
}

static void test_layout_init_invalid(void **state)
{
	static const u64 bad[] = {
		0, PAGE_SIZE, 2 * MiB - PAGE_SIZE, 2 * MiB + 1, 256 * MiB + 512,
		(1ULL << 40) + PAGE_SIZE, 1ULL << 41, UINT64_MAX, UINT64_MAX - PAGE_SIZE + 1,
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct layout l = { .ram_size = 77 };

		assert_int_equal(layout_init(&l, bad[i]), -EINVAL);
		assert_int_equal(l.ram_size, 77);	/* untouched */
	}
}

struct ram_case {
	u64 gpa, len;
	bool ram;
};

static void check_ram(u64 size, const struct ram_case *cases, size_t n)
{
	struct layout l;

	assert_int_equal(layout_init(&l, size), 0);
	for (size_t i = 0; i < n; i++)
		if (layout_is_ram(&l, cases[i].gpa, cases[i].len) != cases[i].ram)
			fail_msg("%llu MiB: [%#llx, +%#llx) should %sbe RAM",
				 (unsigned long long)(size >> 20), (unsigned long long)cases[i].gpa,
				 (unsigned long long)cases[i].len, cases[i].ram ? "" : "not ");
}

static void test_layout_is_ram_small(void **state)
{
	static const struct ram_case cases[] = {
		{ 0, 1, true }, { 0, 64 * MiB, true }, { 64 * MiB - 1, 1, true },
		{ 64 * MiB - 8, 8, true }, { 64 * MiB - 8, 9, false }, { 64 * MiB, 1, false },
		{ 0, 64 * MiB + 1, false }, { HOLE_START, 1, false }, { HOLE_END, 1, false },
		{ UINT64_MAX, 1, false }, { UINT64_MAX - 1, 2, false },
		{ 16, UINT64_MAX, false }, { 64 * MiB - 1, UINT64_MAX, false },
	};
	(void)state;

	check_ram(64 * MiB, cases, ARRAY_SIZE(cases));
}

static void test_layout_is_ram_split(void **state)
{
	static const struct ram_case cases[] = {
		{ 0, HOLE_START, true }, { HOLE_START - 1, 1, true },
		{ HOLE_START - 1, 2, false }, { HOLE_START, 1, false },
		{ HOLE_START - PAGE_SIZE, 2 * PAGE_SIZE, false },
		{ LAYOUT_LAPIC, 4, false }, { HOLE_END - 1, 1, false }, { HOLE_END - 1, 2, false },
		{ HOLE_END, 1, true }, { HOLE_END, 2 * GiB, true }, { HOLE_END, 2 * GiB + 1, false },
		{ HOLE_END + 2 * GiB - 1, 1, true }, { HOLE_END + 2 * GiB, 1, false },
		{ 0, 5 * GiB, false },	/* covers both ranges and the hole */
		{ HOLE_START - 8, HOLE_END - HOLE_START + 16, false },
		{ UINT64_MAX - 7, 8, false }, { HOLE_END + 1, UINT64_MAX, false },
	};
	(void)state;

	check_ram(5 * GiB, cases, ARRAY_SIZE(cases));
}

static void test_layout_reserved_overlap(void **state)
{
	static const struct { u64 gpa, len; const char *name; } cases[] = {
		{ 0, 1, "real-mode IVT/BDA" }, { 0xfff, 1, "real-mode IVT/BDA" },
		{ 0xfff, 2, "real-mode IVT/BDA" },	/* the first area it touches */
		{ 0x1000, 1, "boot GDT" }, { 0x1fff, 1, "boot GDT" },
		{ 0x2000, 1, "boot page tables" }, { 0x7fff, 1, "boot page tables" },
		{ 0x8000, 0x8000, NULL },		/* free for the guest */
		{ 0x7fff, 0x8001, "boot page tables" }, { 0x8000, 0x8001, "boot info" },
		{ 0x10000, 1, "boot info" }, { 0x1ffff, 1, "boot info" },
		{ 0x20000, 1, "command line" }, { 0x2ffff, 1, "command line" },
		{ 0x30000, 1, "VTL1 boot info" }, { 0x3ffff, 1, "VTL1 boot info" },
		{ 0x40000, 1, "VTL1 page tables" }, { 0x45fff, 1, "VTL1 page tables" },
		{ 0x46000, 0x9fc00 - 0x46000, NULL },
		{ 0x46000, 0x9fc00 - 0x46000 + 1, "EBDA/legacy window" },
		{ 0x9fc00, 1, "EBDA/legacy window" }, { 0xa0000, 0x100, "EBDA/legacy window" },
		{ 0xdffff, 1, "EBDA/legacy window" }, { 0xe0000, 1, "ACPI tables" },
		{ 0xfffff, 1, "ACPI tables" }, { 0xffff0, 0x20, "ACPI tables" },
		{ LAYOUT_KERNEL, 16 * MiB, NULL }, { 0x8000, 0, NULL }, { 0, 0, NULL },
		{ HOLE_END, GiB, NULL }, { UINT64_MAX, 1, NULL },
		{ 0x9000, 0x100000, "boot info" },	/* spanning several: the lowest */
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *name = layout_reserved_overlap(cases[i].gpa, cases[i].len);

		if (cases[i].name ? !name || strcmp(name, cases[i].name) : name != NULL)
			fail_msg("[%#llx, +%#llx): got %s, want %s",
				 (unsigned long long)cases[i].gpa, (unsigned long long)cases[i].len,
				 name ? name : "NULL", cases[i].name ? cases[i].name : "NULL");
	}
}

/* Check one e820 map for l: sorted, disjoint, RAM only where the layout has RAM. */
static void check_e820(const struct layout *l, const struct e820_entry *e, unsigned int n)
{
	u64 ram = 0, reserved_low = 0;
	bool kvm_pages = false;

	for (unsigned int i = 0; i < n; i++) {
		assert_true(e[i].size > 0);
		assert_true(e[i].type == E820_RAM || e[i].type == E820_RESERVED);
		if (i)
			assert_true(e[i - 1].addr + e[i - 1].size <= e[i].addr);
		if (e[i].type == E820_RAM) {
			assert_true(layout_is_ram(l, e[i].addr, e[i].size));
			ram += e[i].size;
		} else if (e[i].addr < LAYOUT_KERNEL) {
			reserved_low += e[i].size;
		}
		if (e[i].type == E820_RESERVED && e[i].addr <= LAYOUT_KVM_IDENTITY &&
		    e[i].addr + e[i].size >= LAYOUT_KVM_TSS + 3 * PAGE_SIZE)
			kvm_pages = true;
	}
	/* Every byte of RAM is usable except the EBDA and legacy window below 1 MiB. */
	assert_int_equal(reserved_low, LAYOUT_KERNEL - LAYOUT_EBDA);
	assert_int_equal(ram + reserved_low, l->ram_size);
	assert_true(kvm_pages);
	/* The boot areas the VMM writes lie in RAM the guest is told about. */
	assert_int_equal(e[0].addr, 0);
	assert_int_equal(e[0].type, E820_RAM);
	assert_true(e[0].size >= LAYOUT_CMDLINE + LAYOUT_CMDLINE_SIZE);
}

static void test_layout_e820_sizes(void **state)
{
	static const u64 sizes[] = {
		2 * MiB, 64 * MiB, 3 * GiB - PAGE_SIZE, 3 * GiB, 3 * GiB + PAGE_SIZE, 4 * GiB,
		1ULL << 40,
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct e820_entry e[16];
		struct layout l;
		unsigned int n;

		assert_int_equal(layout_init(&l, sizes[i]), 0);
		memset(e, 0, sizeof(e));
		n = layout_e820(&l, e, ARRAY_SIZE(e));
		assert_int_equal(n, l.nr_ram == 2 ? 5 : 4);
		check_e820(&l, e, n);
		if (l.nr_ram == 2) {
			assert_int_equal(e[n - 1].addr, HOLE_END);
			assert_int_equal(e[n - 1].size, sizes[i] - 3 * GiB);
			assert_int_equal(e[n - 1].type, E820_RAM);
		}
		for (unsigned int j = n; j < ARRAY_SIZE(e); j++)
			assert_int_equal(e[j].size, 0);	/* nothing written past n */
	}
}

static void test_layout_e820_truncated(void **state)
{
	struct e820_entry full[8], part[8];
	struct layout l;
	unsigned int n;
	(void)state;

	assert_int_equal(layout_init(&l, 8 * GiB), 0);
	n = layout_e820(&l, full, ARRAY_SIZE(full));
	assert_int_equal(n, 5);
	for (unsigned int max = 0; max <= n; max++) {
		memset(part, 0xee, sizeof(part));
		assert_int_equal(layout_e820(&l, part, max), max);
		assert_memory_equal(part, full, max * sizeof(part[0]));
		/* The entry after max is never touched. */
		assert_int_equal(part[max].type, 0xeeeeeeee);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_init_sizes),
		cmocka_unit_test(test_layout_init_invalid),
		cmocka_unit_test(test_layout_is_ram_small),
		cmocka_unit_test(test_layout_is_ram_split),
		cmocka_unit_test(test_layout_reserved_overlap),
		cmocka_unit_test(test_layout_e820_sizes),
		cmocka_unit_test(test_layout_e820_truncated),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
