// SPDX-License-Identifier: MIT
/* Unit tests for vmm/cpuid.c: per-vCPU topology patching, lookup, filtering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmm/cpuid.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"

#define SIG KVM_CPUID_FLAG_SIGNIFCANT_INDEX
#define LEAF4_EAX(type, cache_level) (0xfc000000u | (0xfffu << 14) | ((cache_level) << 5) | (type))

static struct kvm_cpuid2 *cpuid_new(const struct kvm_cpuid_entry2 *e, u32 n)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + n * sizeof(*e));

	assert_non_null(c);
	c->nent = n;
	memcpy(c->entries, e, n * sizeof(*e));
	return c;
}

/* A plausible KVM_GET_SUPPORTED_CPUID answer (leaf 0xB already removed). */
static struct kvm_cpuid2 *base_new(void)
{
	static const struct kvm_cpuid_entry2 e[] = {
		{ .function = 0, .eax = 0x1f, .ebx = 0x756e6547 },
		{ .function = 1, .eax = 0x906ea, .ebx = 0xaabbccdd, .ecx = 0x7ffafbff,
		  .edx = 0x0f8bfbff },
		{ .function = 4, .index = 0, .flags = SIG, .eax = LEAF4_EAX(1, 1) },
		{ .function = 4, .index = 1, .flags = SIG, .eax = LEAF4_EAX(2, 1) },
		{ .function = 4, .index = 2, .flags = SIG, .eax = LEAF4_EAX(3, 2) },
		{ .function = 4, .index = 3, .flags = SIG, .eax = 0 },	/* the null subleaf */
		{ .function = 7, .index = 0, .flags = SIG, .ebx = 0x29c6fbf },
		{ .function = 0x80000001, .ecx = 0x121, .edx = 0x2c100800 },
	};

	return cpuid_new(e, ARRAY_SIZE(e));
}

static void test_cpuid_find(void **state)
{
	static const struct kvm_cpuid_entry2 e[] = {
		{ .function = 7, .index = 0, .flags = SIG, .ebx = 70 },
		{ .function = 7, .index = 1, .flags = SIG, .ebx = 71 },
		{ .function = 0x80000001, .index = 9, .ebx = 81 },	/* index not significant */
		{ .function = 1, .ebx = 10 },
	};
	struct kvm_cpuid2 *c = cpuid_new(e, ARRAY_SIZE(e));
	(void)state;

	assert_int_equal(cpuid_find(c, 7, 0)->ebx, 70);
	assert_int_equal(cpuid_find(c, 7, 1)->ebx, 71);
	assert_null(cpuid_find(c, 7, 2));
	assert_int_equal(cpuid_find(c, 0x80000001, 0)->ebx, 81);
	assert_int_equal(cpuid_find(c, 0x80000001, 12345)->ebx, 81);
	assert_int_equal(cpuid_find(c, 1, 3)->ebx, 10);
	assert_null(cpuid_find(c, 2, 0));
	assert_null(cpuid_find(c, 0x80000000, 0));
	assert_ptr_equal(cpuid_find(c, 7, 1), &c->entries[1]);	/* in place, not a copy */
	c->nent = 0;
	assert_null(cpuid_find(c, 7, 0));
	free(c);
}

static void test_cpuid_remove_range(void **state)
{
	static const u32 fns[] = {
		0, 1, 0xb, 0xb, 0x3fffffff, 0x40000000, 0x40000001, 0x4fffffff, 0x50000000,
		0x80000000,
	};
	static const struct { u32 first, last; u32 nent; u32 kept[10]; } cases[] = {
		{ 0x40000000, 0x4fffffff, 7, { 0, 1, 0xb } },
		{ 0xb, 0xb, 8, { 0, 1, 0x3fffffff, 0x40000000 } },
		{ 0x2, 0xa, 10, { 0, 1, 0xb } },		/* nothing in range */
		{ 0xb, 0x2, 10, { 0, 1, 0xb } },		/* first > last: empty range */
		{ 0, 0, 9, { 1, 0xb, 0xb } },
		{ 0x80000000, 0xffffffff, 9, { 0, 1, 0xb } },
		{ 0, 0xffffffff, 0, { 0 } },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvm_cpuid_entry2 e[ARRAY_SIZE(fns)];
		struct kvm_cpuid2 *c;

		memset(e, 0, sizeof(e));
		for (size_t j = 0; j < ARRAY_SIZE(fns); j++) {
			e[j].function = fns[j];
			e[j].index = j;		/* tags the original position */
		}
		c = cpuid_new(e, ARRAY_SIZE(e));
		cpuid_remove_range(c, cases[i].first, cases[i].last);
		assert_int_equal(c->nent, cases[i].nent);
		for (u32 j = 0; j < c->nent; j++) {
			assert_true(c->entries[j].function < cases[i].first ||
				    c->entries[j].function > cases[i].last);
			if (j)	/* order kept */
				assert_true(c->entries[j - 1].index < c->entries[j].index);
		}
		for (u32 j = 0; j < 3 && j < c->nent; j++)
			assert_int_equal(c->entries[j].function, cases[i].kept[j]);
		free(c);
	}
}

struct topo_case {
	u32 index, nr;
	u32 leaf1_ids;		/* EBX[23:16] */
	bool htt;
	u32 leaf4_cores;	/* EAX[31:26] */
	u32 shift;		/* leaf 0xB level 1 EAX */
};

static void check_vcpu(const struct topo_case *t)
{
	struct kvm_cpuid2 *base = base_new(), *c, *copy;
	struct kvm_cpuid_entry2 *e;

	copy = cpuid_new(base->entries, base->nent);
	c = cpuid_for_vcpu(base, t->index, t->nr);
	assert_non_null(c);
	/* The base is shared by every vCPU: it must not change. */
	assert_memory_equal(base, copy, sizeof(*base) + base->nent * sizeof(base->entries[0]));
	assert_int_equal(c->nent, base->nent + 3);

	e = cpuid_find(c, 1, 0);
	assert_int_equal(e->ebx >> 24, t->index & 0xff);
	assert_int_equal((e->ebx >> 16) & 0xff, t->leaf1_ids);
	assert_int_equal(e->ebx & 0xffff, 0xccdd);		/* brand/CLFLUSH kept */
	assert_int_equal(!!(e->edx & BIT(28)), t->htt);
	assert_true(e->ecx & BIT(31));				/* hypervisor present */
	assert_int_equal(e->ecx & ~BIT(31), 0x7ffafbff);
	assert_int_equal(e->eax, 0x906ea);

	for (u32 sub = 0; sub < 4; sub++) {
		e = cpuid_find(c, 4, sub);
		assert_non_null(e);
		assert_int_equal(e->eax >> 26, t->leaf4_cores);
		assert_int_equal((e->eax >> 14) & 0xfff, 0);	/* one thread per cache */
		assert_int_equal(e->eax & 0x3fff, base->entries[2 + sub].eax & 0x3fff);
	}

	/* Leaf 0xB: SMT level, core level, then the invalid level; EDX = x2APIC ID. */
	e = cpuid_find(c, 0xb, 0);
	assert_true(e && (e->flags & SIG));
	assert_int_equal(e->eax, 0);
	assert_int_equal(e->ebx, 1);
	assert_int_equal(e->ecx, 0x100);
	assert_int_equal(e->edx, t->index);
	e = cpuid_find(c, 0xb, 1);
	assert_true(e && (e->flags & SIG));
	assert_int_equal(e->eax, t->shift);
	assert_int_equal(e->ebx, t->nr);
	assert_int_equal(e->ecx, 0x201);
	assert_int_equal(e->edx, t->index);
	e = cpuid_find(c, 0xb, 2);
	assert_true(e && (e->flags & SIG));
	assert_int_equal(e->eax | e->ebx, 0);
	assert_int_equal(e->ecx, 2);
	assert_int_equal(e->edx, t->index);
	assert_null(cpuid_find(c, 0xb, 3));
	/* 1 << shift covers every APIC ID, and no smaller power of two does. */
	assert_true(t->index < (1u << t->shift));
	assert_true(t->nr <= (1u << t->shift) && (t->shift == 0 || t->nr > (1u << (t->shift - 1))));

	free(c);
	free(copy);
	free(base);
}

static void test_cpuid_for_vcpu_topology(void **state)
{
	static const struct topo_case cases[] = {
		/* index nr  ids  htt    cores shift */
		{ 0,     1,  1,   false, 0,    0 },
		{ 0,     2,  2,   true,  1,    1 },
		{ 1,     2,  2,   true,  1,    1 },
		{ 2,     3,  4,   true,  3,    2 },
		{ 3,     4,  4,   true,  3,    2 },
		{ 4,     5,  8,   true,  7,    3 },
		{ 63,    64, 64,  true,  63,   6 },
		{ 64,    65, 128, true,  63,   7 },	/* leaf 4 saturates at 64 cores */
		{ 254,   255, 255, true, 63,   8 },	/* leaf 1 saturates at 255 */
		{ 300,   4096, 255, true, 63,  12 },	/* leaf 1 keeps the low 8 bits */
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		check_vcpu(&cases[i]);
}

/* Leaves absent from the base are not invented, and nothing breaks. */
static void test_cpuid_for_vcpu_sparse_base(void **state)
{
	static const struct kvm_cpuid_entry2 e[] = { { .function = 0, .eax = 0xd } };
	struct kvm_cpuid2 *base = cpuid_new(e, 1), *c;
	(void)state;

	c = cpuid_for_vcpu(base, 1, 2);
	assert_non_null(c);
	assert_int_equal(c->nent, 4);
	assert_null(cpuid_find(c, 1, 0));
	assert_null(cpuid_find(c, 4, 0));
	assert_int_equal(cpuid_find(c, 0xb, 1)->ebx, 2);
	free(c);
	base->nent = 0;
	c = cpuid_for_vcpu(base, 0, 1);
	assert_non_null(c);
	assert_int_equal(c->nent, 3);
	free(c);
	free(base);
}

/*
 * Leaf 4 entries without the significant-index flag, or with a hole in the
 * subleaves, still all get the core count -- and patching terminates.
 */
static void test_cpuid_for_vcpu_leaf4_odd(void **state)
{
	static const struct kvm_cpuid_entry2 e[] = {
		{ .function = 4, .index = 0, .eax = LEAF4_EAX(1, 1) },
		{ .function = 4, .index = 1, .flags = SIG, .eax = LEAF4_EAX(2, 1) },
		{ .function = 4, .index = 3, .flags = SIG, .eax = LEAF4_EAX(3, 2) },
	};
	struct kvm_cpuid2 *base = cpuid_new(e, ARRAY_SIZE(e)), *c;
	(void)state;

	alarm(10);	/* a hang is a failure */
	c = cpuid_for_vcpu(base, 0, 8);
	alarm(0);
	assert_non_null(c);
	for (u32 i = 0; i < 3; i++)
		assert_int_equal(c->entries[i].eax >> 26, 7);
	free(c);
	free(base);
}

/* ---- cpuid_get_base() through the ioctl seam ------------------------------------ */

int __wrap_kvm_sys_ioctl_raw(int fd, unsigned long cmd, const char *name, void *arg)
{
	static const u32 fns[] = { 0, 1, 0xb, 0xb, 0x1f, 0x40000000, 0x40000001, 0x4fffffff,
				   0x80000000 };
	struct kvm_cpuid2 *c = arg;
	int ret = mock_type(int);

	(void)name;
	assert_int_equal(fd, 5);
	assert_int_equal(cmd, KVM_GET_SUPPORTED_CPUID);
	assert_int_equal(c->nent, 256);		/* room offered to KVM */
	if (ret < 0)
		return ret;
	c->nent = ARRAY_SIZE(fns);
	for (u32 i = 0; i < c->nent; i++)
		c->entries[i] = (struct kvm_cpuid_entry2) { .function = fns[i], .index = i };
	return 0;
}

static void test_cpuid_get_base(void **state)
{
	static const u32 kept[] = { 0, 1, 0x80000000 };
	struct kvm_cpuid2 *c = (struct kvm_cpuid2 *)0x1;
	(void)state;

	will_return(__wrap_kvm_sys_ioctl_raw, -E2BIG);
	assert_int_equal(cpuid_get_base(5, &c), -E2BIG);
	assert_ptr_equal(c, (struct kvm_cpuid2 *)0x1);

	will_return(__wrap_kvm_sys_ioctl_raw, 0);
	assert_int_equal(cpuid_get_base(5, &c), 0);
	/* KVM's PV leaves and the topology leaves are gone; the rest kept in order. */
	assert_int_equal(c->nent, ARRAY_SIZE(kept));
	for (u32 i = 0; i < c->nent; i++)
		assert_int_equal(c->entries[i].function, kept[i]);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid_find),
		cmocka_unit_test(test_cpuid_remove_range),
		cmocka_unit_test(test_cpuid_for_vcpu_topology),
		cmocka_unit_test(test_cpuid_for_vcpu_sparse_base),
		cmocka_unit_test(test_cpuid_for_vcpu_leaf4_odd),
		cmocka_unit_test(test_cpuid_get_base),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("cpuid", tests, NULL, NULL);
}
