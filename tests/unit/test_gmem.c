// SPDX-License-Identifier: MIT
/* Unit tests for mem/gmem.c: bounds-checked accessors, backing choice, memslots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mem/gmem.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"

/* ---- the ioctl seam ------------------------------------------------------------ */

#define RET_REAL_FD 1000000	/* will_return value: hand back a real memfd */
#define VM_FD 77

struct ioctl_call {
	unsigned long cmd;
	struct kvm_create_guest_memfd gmem;
	struct kvm_userspace_memory_region plain;
	struct kvm_userspace_memory_region2 slot2;
};

static struct ioctl_call calls[8];
static unsigned int nr_calls;

int __wrap_kvm_sys_ioctl_raw(int fd, unsigned long cmd, const char *name, void *arg)
{
	struct ioctl_call *c = &calls[nr_calls++ % ARRAY_SIZE(calls)];
	int ret = mock_type(int);

	(void)name;
	assert_int_equal(fd, VM_FD);
	memset(c, 0, sizeof(*c));
	c->cmd = cmd;
	if (cmd == KVM_CREATE_GUEST_MEMFD)
		c->gmem = *(struct kvm_create_guest_memfd *)arg;
	else if (cmd == KVM_SET_USER_MEMORY_REGION)
		c->plain = *(struct kvm_userspace_memory_region *)arg;
	else if (cmd == KVM_SET_USER_MEMORY_REGION2)
		c->slot2 = *(struct kvm_userspace_memory_region2 *)arg;
	else
		fail_msg("unexpected ioctl %#lx", cmd);
	if (ret == RET_REAL_FD) {
		ret = memfd_create("fake-guest-memfd", MFD_CLOEXEC);
		assert_true(ret >= 0);
		assert_int_equal(ftruncate(ret, c->gmem.size), 0);
	}
	return ret;
}

/* ---- accessors on a hand-built struct gmem -------------------------------------- */

struct fixture {
	struct gmem m;
	size_t map_size;
};

static int fixture_setup(void **state, u64 ram_size)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || layout_init(&f->m.layout, ram_size))
		return -1;
	f->map_size = ram_size;
	/* Sparse: only the pages a test touches get memory. */
	f->m.base = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (f->m.base == MAP_FAILED)
		return -1;
	f->m.size = ram_size;
	f->m.fd = -1;
	*state = f;
	return 0;
}

static int small_setup(void **state)
{
	return fixture_setup(state, 2 * MiB);
}

static int split_setup(void **state)
{
	return fixture_setup(state, 3 * GiB + 2 * PAGE_SIZE);	/* two pages above 4 GiB */
}

static int fixture_teardown(void **state)
{
	struct fixture *f = *state;

	munmap(f->m.base, f->map_size);
	free(f);
	return 0;
}

struct hva_case {
	u64 gpa, len;
	long long off;	/* expected offset from base, -1: NULL */
};

static void check_hva(const struct gmem *m, const struct hva_case *cases, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		u8 *p = gmem_hva(m, cases[i].gpa, cases[i].len);
		u8 *want = cases[i].off < 0 ? NULL : m->base + cases[i].off;

		if (p != want)
			fail_msg("[%#llx, +%#llx): got %p, want %p", (unsigned long long)cases[i].gpa,
				 (unsigned long long)cases[i].len, (void *)p, (void *)want);
	}
}

static void test_gmem_hva_edges(void **state)
{
	static const struct hva_case cases[] = {
		{ 0, 1, 0 }, { 0, 2 * MiB, 0 }, { 0x1234, 16, 0x1234 },
		{ 2 * MiB - 1, 1, 2 * MiB - 1 }, { 2 * MiB - 8, 8, 2 * MiB - 8 },
		{ 2 * MiB - 1, 2, -1 }, { 2 * MiB, 1, -1 }, { 0, 2 * MiB + 1, -1 },
		{ 3 * GiB, 1, -1 }, { 4 * GiB, 1, -1 },
		{ UINT64_MAX, 1, -1 }, { UINT64_MAX - 7, 8, -1 }, { 1, UINT64_MAX, -1 },
		{ 2 * MiB - 1, UINT64_MAX, -1 }, { UINT64_MAX, UINT64_MAX, -1 },
	};
	struct fixture *f = *state;

	check_hva(&f->m, cases, ARRAY_SIZE(cases));
}

/* Low RAM ends at 3 GiB; the range above 4 GiB follows it in the file. */
static void test_gmem_hva_split(void **state)
{
	static const struct hva_case cases[] = {
		{ 3 * GiB - 1, 1, 3 * GiB - 1 }, { 3 * GiB - 1, 2, -1 }, { 3 * GiB, 1, -1 },
		{ 4 * GiB - 1, 1, -1 }, { 4 * GiB - 1, 2, -1 },
		{ 4 * GiB, 1, 3 * GiB }, { 4 * GiB, 2 * PAGE_SIZE, 3 * GiB },
		{ 4 * GiB + 2 * PAGE_SIZE - 1, 1, 3 * GiB + 2 * PAGE_SIZE - 1 },
		{ 4 * GiB + 2 * PAGE_SIZE - 1, 2, -1 }, { 4 * GiB + 2 * PAGE_SIZE, 1, -1 },
		{ 0, 4 * GiB + PAGE_SIZE, -1 }, { 3 * GiB - 4, 4 * GiB, -1 },
	};
	struct fixture *f = *state;

	check_hva(&f->m, cases, ARRAY_SIZE(cases));
}

static void test_gmem_read_write_edges(void **state)
{
	struct fixture *f = *state;
	const struct gmem *m = &f->m;
	u8 buf[16], out[16];

	for (unsigned int i = 0; i < sizeof(buf); i++)
		buf[i] = 0x40 + i;
	assert_int_equal(gmem_write(m, 2 * MiB - 16, buf, 16), 0);
	assert_memory_equal(m->base + 2 * MiB - 16, buf, 16);
	memset(out, 0, sizeof(out));
	assert_int_equal(gmem_read(m, 2 * MiB - 16, out, 16), 0);
	assert_memory_equal(out, buf, 16);

	/* One byte too far: nothing is copied either way. */
	memset(out, 0x11, sizeof(out));
	assert_int_equal(gmem_read(m, 2 * MiB - 15, out, 16), -EFAULT);
	assert_int_equal(out[0], 0x11);
	assert_int_equal(out[15], 0x11);
	assert_int_equal(gmem_write(m, 2 * MiB - 15, out, 16), -EFAULT);
	assert_memory_equal(m->base + 2 * MiB - 16, buf, 16);
	assert_int_equal(gmem_fill(m, 2 * MiB - 15, 0, 16), -EFAULT);
	assert_memory_equal(m->base + 2 * MiB - 16, buf, 16);

	/* Overflowing ranges. */
	assert_int_equal(gmem_read(m, UINT64_MAX - 3, out, 8), -EFAULT);
	assert_int_equal(gmem_write(m, UINT64_MAX, buf, 1), -EFAULT);
	assert_int_equal(gmem_fill(m, 8, 0, UINT64_MAX - 4), -EFAULT);

	/* Zero length inside RAM is a successful no-op. */
	assert_int_equal(gmem_read(m, 0x1000, out, 0), 0);
	assert_int_equal(out[0], 0x11);
	assert_int_equal(gmem_write(m, 2 * MiB - 16, out, 0), 0);
	assert_int_equal(gmem_fill(m, 2 * MiB - 16, 0xff, 0), 0);
	assert_memory_equal(m->base + 2 * MiB - 16, buf, 16);
}

static void test_gmem_fill(void **state)
{
	struct fixture *f = *state;
	const struct gmem *m = &f->m;

	memset(m->base + 0x2000, 0x11, 0x30);
	assert_int_equal(gmem_fill(m, 0x2010, 0xcc, 0x10), 0);
	assert_int_equal(m->base[0x200f], 0x11);
	assert_int_equal(m->base[0x2010], 0xcc);
	assert_int_equal(m->base[0x201f], 0xcc);
	assert_int_equal(m->base[0x2020], 0x11);
	assert_int_equal(gmem_fill(m, 0, 0xab, 2 * MiB), 0);
	assert_int_equal(m->base[2 * MiB - 1], 0xab);
}

static void test_gmem_read_write_split(void **state)
{
	struct fixture *f = *state;
	const struct gmem *m = &f->m;
	u64 v = 0x1122334455667788ULL, r = 0;

	assert_int_equal(gmem_write(m, 4 * GiB + 8, &v, sizeof(v)), 0);
	assert_memory_equal(m->base + 3 * GiB + 8, &v, sizeof(v));	/* file offset 3 GiB */
	assert_int_equal(gmem_read(m, 4 * GiB + 8, &r, sizeof(r)), 0);
	assert_int_equal(r, v);
	/* Spanning the hole or leaving a range fails, even if the file is contiguous there. */
	assert_int_equal(gmem_read(m, 3 * GiB - 4, &r, 8), -EFAULT);
	assert_int_equal(gmem_write(m, 3 * GiB - 4, &v, 8), -EFAULT);
	assert_int_equal(gmem_read(m, 4 * GiB - 4, &r, 8), -EFAULT);
	assert_int_equal(gmem_read(m, 4 * GiB + 2 * PAGE_SIZE - 4, &r, 8), -EFAULT);
	assert_int_equal(gmem_fill(m, 3 * GiB, 0, 1), -EFAULT);
	assert_int_equal(gmem_fill(m, 3 * GiB - PAGE_SIZE, 0, 2 * PAGE_SIZE), -EFAULT);
	assert_int_equal(r, v);
}

/* ---- gmem_init(): which backing ---------------------------------------------------- */

static void test_gmem_init_guest_memfd(void **state)
{
	struct layout l;
	struct gmem m;
	struct stat st;
	(void)state;

	assert_int_equal(layout_init(&l, 4 * MiB), 0);
	nr_calls = 0;
	will_return(__wrap_kvm_sys_ioctl_raw, RET_REAL_FD);
	assert_int_equal(gmem_init(&m, VM_FD, &l, MEM_BACKEND_AUTO, GMEM_REQUIRED_FLAGS), 0);
	assert_int_equal(nr_calls, 1);
	assert_int_equal(calls[0].cmd, KVM_CREATE_GUEST_MEMFD);
	assert_int_equal(calls[0].gmem.size, 4 * MiB);
	assert_int_equal(calls[0].gmem.flags, GMEM_REQUIRED_FLAGS);
	assert_true(m.is_guest_memfd);
	assert_string_equal(gmem_backend_name(&m), "guest_memfd");
	assert_true(m.fd >= 0);
	assert_non_null(m.base);
	assert_int_equal(m.size, 4 * MiB);
	assert_int_equal(fstat(m.fd, &st), 0);
	assert_int_equal(st.st_size, 4 * MiB);
	/* The mapping is the file: what the accessors write, the fd holds. */
	assert_int_equal(gmem_write(&m, 4 * MiB - 1, "z", 1), 0);
	assert_int_equal(pread(m.fd, &st, 1, 4 * MiB - 1), 1);
	assert_int_equal(*(char *)&st, 'z');
	gmem_exit(&m);
	assert_int_equal(m.fd, -1);
	assert_null(m.base);
	gmem_exit(&m);	/* idempotent */
}

static void test_gmem_init_backends(void **state)
{
	static const struct {
		enum mem_backend backend;
		u64 flags;
		int ioctl_ret;	/* 0: no ioctl expected */
		int ret;
		bool is_guest_memfd;
	} cases[] = {
		/* guest_memfd offered but failing: AUTO falls back, GUEST_MEMFD does not */
		{ MEM_BACKEND_AUTO, GMEM_REQUIRED_FLAGS, -EINVAL, 0, false },
		{ MEM_BACKEND_GUEST_MEMFD, GMEM_REQUIRED_FLAGS, -ENOMEM, -ENOMEM, false },
		{ MEM_BACKEND_GUEST_MEMFD, GMEM_REQUIRED_FLAGS, RET_REAL_FD, 0, true },
		/* not offered (or only half of it): no ioctl at all */
		{ MEM_BACKEND_AUTO, 0, 0, 0, false },
		{ MEM_BACKEND_AUTO, GUEST_MEMFD_FLAG_MMAP, 0, 0, false },
		{ MEM_BACKEND_AUTO, GUEST_MEMFD_FLAG_INIT_SHARED, 0, 0, false },
		{ MEM_BACKEND_GUEST_MEMFD, 0, 0, -EOPNOTSUPP, false },
		{ MEM_BACKEND_GUEST_MEMFD, GUEST_MEMFD_FLAG_MMAP, 0, -EOPNOTSUPP, false },
		/* memfd asked for: never guest_memfd */
		{ MEM_BACKEND_MEMFD, GMEM_REQUIRED_FLAGS, 0, 0, false },
		{ MEM_BACKEND_MEMFD, ~0ULL, 0, 0, false },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct layout l;
		struct gmem m;
		struct stat st;
		int ret;

		assert_int_equal(layout_init(&l, 2 * MiB), 0);
		nr_calls = 0;
		if (cases[i].ioctl_ret)
			will_return(__wrap_kvm_sys_ioctl_raw, cases[i].ioctl_ret);
		ret = gmem_init(&m, VM_FD, &l, cases[i].backend, cases[i].flags);
		if (ret != cases[i].ret)
			fail_msg("case %zu: ret %d, want %d", i, ret, cases[i].ret);
		assert_int_equal(nr_calls, cases[i].ioctl_ret ? 1 : 0);
		if (ret) {
			assert_int_equal(m.fd, -1);
			assert_null(m.base);
			continue;
		}
		assert_int_equal(m.is_guest_memfd, cases[i].is_guest_memfd);
		assert_string_equal(gmem_backend_name(&m),
				    cases[i].is_guest_memfd ? "guest_memfd" : "memfd");
		assert_int_equal(fstat(m.fd, &st), 0);
		assert_int_equal(st.st_size, 2 * MiB);
		assert_int_equal(gmem_fill(&m, 0, 0x5a, 2 * MiB), 0);
		gmem_exit(&m);
	}
}

/* ---- gmem_map_slots(): the memslots requested -------------------------------------- */

static struct gmem fake_gmem(u64 ram_size, bool is_guest_memfd)
{
	struct gmem m = {
		.fd = 33, .is_guest_memfd = is_guest_memfd,
		.base = (u8 *)(uintptr_t)0x7f0000000000ULL, .size = ram_size,
	};

	assert_int_equal(layout_init(&m.layout, ram_size), 0);
	return m;
}

static void test_gmem_map_slots_guest_memfd(void **state)
{
	struct gmem m = fake_gmem(5 * GiB, true);
	const struct kvm_userspace_memory_region2 *s;
	(void)state;

	nr_calls = 0;
	will_return_count(__wrap_kvm_sys_ioctl_raw, 0, 2);
	assert_int_equal(gmem_map_slots(&m, VM_FD, true), 0);
	assert_int_equal(nr_calls, 2);
	for (unsigned int i = 0; i < 2; i++)
		assert_int_equal(calls[i].cmd, KVM_SET_USER_MEMORY_REGION2);
	s = &calls[0].slot2;
	assert_int_equal(s->slot, 0);
	assert_int_equal(s->flags, KVM_MEM_GUEST_MEMFD);
	assert_int_equal(s->guest_phys_addr, 0);
	assert_int_equal(s->memory_size, 3 * GiB);
	assert_int_equal(s->userspace_addr, 0x7f0000000000ULL);
	assert_int_equal(s->guest_memfd, 33);
	assert_int_equal(s->guest_memfd_offset, 0);
	s = &calls[1].slot2;
	assert_int_equal(s->slot, 1);
	assert_int_equal(s->flags, KVM_MEM_GUEST_MEMFD);
	assert_int_equal(s->guest_phys_addr, 4 * GiB);
	assert_int_equal(s->memory_size, 2 * GiB);
	assert_int_equal(s->userspace_addr, 0x7f0000000000ULL + 3 * GiB);
	assert_int_equal(s->guest_memfd, 33);
	assert_int_equal(s->guest_memfd_offset, 3 * GiB);
}

static void test_gmem_map_slots_plain(void **state)
{
	static const struct { u64 size; bool gmem, bind; } cases[] = {
		{ 5 * GiB, true, false },	/* a VM that must not bind the file */
		{ 5 * GiB, false, true },	/* memfd backing: nothing to bind */
		{ 64 * MiB, false, false },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gmem m = fake_gmem(cases[i].size, cases[i].gmem);

		nr_calls = 0;
		will_return_count(__wrap_kvm_sys_ioctl_raw, 0, m.layout.nr_ram);
		assert_int_equal(gmem_map_slots(&m, VM_FD, cases[i].bind), 0);
		assert_int_equal(nr_calls, m.layout.nr_ram);
		for (unsigned int j = 0; j < nr_calls; j++) {
			const struct kvm_userspace_memory_region *p = &calls[j].plain;

			assert_int_equal(calls[j].cmd, KVM_SET_USER_MEMORY_REGION);
			assert_int_equal(p->slot, j);
			assert_int_equal(p->flags, 0);
			assert_int_equal(p->guest_phys_addr, m.layout.ram[j].start);
			assert_int_equal(p->memory_size, m.layout.ram[j].size);
			assert_int_equal(p->userspace_addr,
					 0x7f0000000000ULL + (j ? m.layout.ram[0].size : 0));
		}
	}
}

static void test_gmem_map_slots_failure(void **state)
{
	struct gmem m = fake_gmem(5 * GiB, true);
	(void)state;

	nr_calls = 0;
	will_return(__wrap_kvm_sys_ioctl_raw, -EEXIST);
	assert_int_equal(gmem_map_slots(&m, VM_FD, true), -EEXIST);
	assert_int_equal(nr_calls, 1);	/* stops at the first failure */
	nr_calls = 0;
	will_return(__wrap_kvm_sys_ioctl_raw, 0);
	will_return(__wrap_kvm_sys_ioctl_raw, -ENOMEM);
	assert_int_equal(gmem_map_slots(&m, VM_FD, false), -ENOMEM);
	assert_int_equal(nr_calls, 2);
}

#define S(fn) cmocka_unit_test_setup_teardown(fn, small_setup, fixture_teardown)
#define SPLIT(fn) cmocka_unit_test_setup_teardown(fn, split_setup, fixture_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		S(test_gmem_hva_edges),
		SPLIT(test_gmem_hva_split),
		S(test_gmem_read_write_edges),
		S(test_gmem_fill),
		SPLIT(test_gmem_read_write_split),
		cmocka_unit_test(test_gmem_init_guest_memfd),
		cmocka_unit_test(test_gmem_init_backends),
		cmocka_unit_test(test_gmem_map_slots_guest_memfd),
		cmocka_unit_test(test_gmem_map_slots_plain),
		cmocka_unit_test(test_gmem_map_slots_failure),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("gmem", tests, NULL, NULL);
}
