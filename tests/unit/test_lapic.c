// SPDX-License-Identifier: MIT
/*
 * vtl/lapic.c, driven through its MMIO page and MSRs as a guest would, on a
 * fake clock and TSC. The fake ops record every timer_arm, notify and
 * send_ipi, and check the locking rule of lapic.h on each call: timer_arm
 * with a->lock held, notify and send_ipi without.
 *
 * The APIC under test has ID 0x23 (x2APIC logical ID: cluster 2, bit 3),
 * is the BSP, starts software-enabled, and its guest TSC runs at 2 GHz.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>

#include "vmm/log.h"
#include "vtl/lapic.h"

#define ID		0x23
#define TSC_HZ		2000000000ULL
#define T0		1000000000ULL	/* the fake clock's start, ns */
#define TSC0		5000000ULL

/* xAPIC register offsets (SDM Table 11-1). */
#define APIC_ID		0x020
#define APIC_VER	0x030
#define APIC_TPR	0x080
#define APIC_APR	0x090
#define APIC_PPR	0x0a0
#define APIC_EOI	0x0b0
#define APIC_LDR	0x0d0
#define APIC_DFR	0x0e0
#define APIC_SPIV	0x0f0
#define APIC_ISR	0x100
#define APIC_TMR	0x180
#define APIC_IRR	0x200
#define APIC_ESR	0x280
#define APIC_CMCI	0x2f0
#define APIC_ICR	0x300
#define APIC_ICR2	0x310
#define APIC_LVTT	0x320
#define APIC_LVTTHMR	0x330
#define APIC_LVTPC	0x340
#define APIC_LINT0	0x350
#define APIC_LINT1	0x360
#define APIC_LVTERR	0x370
#define APIC_TMICT	0x380
#define APIC_TMCCT	0x390
#define APIC_TDCR	0x3e0
#define APIC_SELF_IPI	0x3f0
#define MSR(off)	(MSR_X2APIC_FIRST + ((off) >> 4))

#define EN		MSR_IA32_APICBASE_ENABLE
#define EXTD		MSR_IA32_APICBASE_EXTD
#define BSP		MSR_IA32_APICBASE_BSP
#define MASKED		BIT(16)
#define PERIODIC	(1U << 17)
#define TSC_DEADLINE	(2U << 17)
#define DIV_1		0xb

struct fixture {
	struct lapic a;
	u64 now, tsc;
	u64 armed;			/* the last timer_arm deadline */
	unsigned int nr_arms, nr_notify, nr_ipis;
	struct lapic_ipi ipi;		/* the last send_ipi */
};

static bool lock_held(struct fixture *f)
{
	if (pthread_mutex_trylock(&f->a.lock))
		return true;
	pthread_mutex_unlock(&f->a.lock);
	return false;
}

static u64 fake_now(void *ctx)
{
	return ((struct fixture *)ctx)->now;
}

static u64 fake_tsc(void *ctx)
{
	return ((struct fixture *)ctx)->tsc;
}

static void fake_timer_arm(void *ctx, u64 deadline_ns)
{
	struct fixture *f = ctx;

	assert_true(lock_held(f));
	f->armed = deadline_ns;
	f->nr_arms++;
}

static void fake_notify(void *ctx)
{
	struct fixture *f = ctx;

	assert_false(lock_held(f));
	f->nr_notify++;
}

static void fake_send_ipi(void *ctx, const struct lapic_ipi *ipi)
{
	struct fixture *f = ctx;

	assert_false(lock_held(f));
	f->ipi = *ipi;
	f->nr_ipis++;
}

static const struct lapic_ops fake_ops = {
	.now_ns = fake_now, .guest_tsc = fake_tsc, .timer_arm = fake_timer_arm,
	.notify = fake_notify, .send_ipi = fake_send_ipi,
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	log_level = -1;
	f->now = T0;
	f->tsc = TSC0;
	lapic_init(&f->a, &fake_ops, f, ID, true, true, TSC_HZ);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	lapic_destroy(&f->a);
	free(f);
	return 0;
}

static void wr(struct fixture *f, u64 off, u32 val)
{
	lapic_mmio_write(&f->a, off, &val, 4);
}

static u32 rd(struct fixture *f, u64 off)
{
	u32 val = 0x5a5a5a5a;

	lapic_mmio_read(&f->a, off, &val, 4);
	return val;
}

static u64 rdmsr(struct fixture *f, u32 msr)
{
	u64 val = 0;

	assert_int_equal(lapic_msr_read(&f->a, msr, &val), 0);
	return val;
}

static void to_x2apic(struct fixture *f)
{
	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_APICBASE, LAPIC_DEFAULT_BASE | EN | EXTD),
			 0);
}

/* Is vector v set in the 256-bit register at off (ISR, TMR, IRR)? */
static bool vec_bit(struct fixture *f, u64 off, u8 v)
{
	return rd(f, off + (v / 32) * 0x10) & (1U << (v % 32));
}

/* ---- reset and the xAPIC page ---------------------------------------------------------------- */

static void test_lapic_init_reset_state(void **state)
{
	struct fixture *f = *state;
	struct lapic b;

	assert_int_equal(rd(f, APIC_ID), ID << 24);
	assert_int_equal(rd(f, APIC_VER), 0x50014);
	assert_int_equal(rd(f, APIC_SPIV), 0x1ff);
	assert_int_equal(rd(f, APIC_DFR), 0xffffffff);
	for (u64 off = APIC_LVTT; off <= APIC_LVTERR; off += 0x10)
		assert_int_equal(rd(f, off), MASKED);
	assert_int_equal(rd(f, APIC_LDR) | rd(f, APIC_TPR) | rd(f, APIC_PPR), 0);
	assert_int_equal(rd(f, APIC_TMICT) | rd(f, APIC_TMCCT) | rd(f, APIC_ESR), 0);
	assert_int_equal(rdmsr(f, MSR_IA32_APICBASE), LAPIC_DEFAULT_BASE | EN | BSP);
	assert_int_equal(lapic_mmio_base(&f->a), LAPIC_DEFAULT_BASE);
	assert_int_equal(lapic_next_vector(&f->a), -1);
	assert_false(lapic_has_interrupt(&f->a));

	lapic_init(&b, &fake_ops, f, 7, false, false, TSC_HZ);
	assert_int_equal(b.regs[APIC_SPIV >> 4], 0xff);
	assert_int_equal(b.apic_base, LAPIC_DEFAULT_BASE | EN);
	lapic_destroy(&b);
}

static void test_lapic_mmio_write_masks(void **state)
{
	static const struct {
		u64 off;
		u32 write, read;
	} cases[] = {
		{ APIC_ID, 0, ID << 24 },		/* read-only here */
		{ APIC_VER, 0, 0x50014 },
		{ APIC_TPR, 0xffffffff, 0xff },
		{ APIC_APR, 0xff, 0 },
		{ APIC_PPR, 0x40, 0xff },		/* read-only: TPR 0xff, ISR empty */
		{ APIC_EOI, 0, 0 },
		{ APIC_LDR, 0xffffffff, 0xff000000 },
		{ APIC_DFR, 0, 0x0fffffff },
		{ APIC_SPIV, 0xffffffff, 0x3ff },
		{ APIC_ISR, 0xffffffff, 0 },
		{ APIC_TMR + 0x70, 0xffffffff, 0 },
		{ APIC_IRR + 0x10, 0xffffffff, 0 },
		{ APIC_CMCI, 0xffffffff, 0 },		/* max LVT 5: no CMCI */
		{ APIC_ICR2, 0xffffffff, 0xff000000 },
		{ APIC_LVTT, 0xfffeffff, 0x000600ff },
		{ APIC_LVTTHMR, 0xffffffff, 0x000107ff },
		{ APIC_LVTPC, 0xffffffff, 0x000107ff },
		{ APIC_LINT0, 0xffffffff, 0x0001a7ff },
		{ APIC_LINT1, 0xffffffff, 0x0001a7ff },
		{ APIC_LVTERR, 0xffffffff, 0x000100ff },
		{ APIC_TDCR, 0xffffffff, 0xb },
		{ APIC_SELF_IPI, 0x40, 0 },		/* x2APIC only */
		{ 0x3c0, 0xffffffff, 0 },
		{ 0x400, 0xffffffff, 0 },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		wr(f, cases[i].off, cases[i].write);
		if (rd(f, cases[i].off) != cases[i].read)
			fail_msg("%#llx: read %#x, want %#x", (unsigned long long)cases[i].off,
				 rd(f, cases[i].off), cases[i].read);
	}
	assert_int_equal(lapic_next_vector(&f->a), -1);	/* the SELF_IPI write sent nothing */
	assert_int_equal(f->nr_ipis, 0);
}

static void test_lapic_mmio_odd_accesses(void **state)
{
	struct fixture *f = *state;
	u64 val = ~0ULL;
	u16 half = 0;
	u8 byte = 0;

	lapic_mmio_read(&f->a, APIC_ID + 3, &byte, 1);
	assert_int_equal(byte, ID);
	lapic_mmio_read(&f->a, APIC_ID + 2, &half, 2);
	assert_int_equal(half, ID << 8);
	lapic_mmio_read(&f->a, APIC_ID + 1, &val, 4);	/* crosses the 32-bit register */
	assert_int_equal(val & 0xffffffff, 0);
	val = ~0ULL;
	lapic_mmio_read(&f->a, APIC_ID, &val, 8);
	assert_int_equal(val, 0);
	val = ~0ULL;
	lapic_mmio_read(&f->a, BIT(36) | APIC_ID, &val, 4);	/* not ID: outside the page */
	assert_int_equal(val & 0xffffffff, 0);

	half = 0x70;
	lapic_mmio_write(&f->a, APIC_TPR, &half, 2);
	wr(f, APIC_TPR + 4, 0x70);
	assert_int_equal(rd(f, APIC_TPR), 0);
}

static void test_lapic_mmio_off_outside_xapic(void **state)
{
	struct fixture *f = *state;

	to_x2apic(f);
	assert_int_equal(lapic_mmio_base(&f->a), 0);
	assert_int_equal(rd(f, APIC_VER), 0);
	wr(f, APIC_TPR, 0x30);
	assert_int_equal(rdmsr(f, MSR(APIC_TPR)), 0);
	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_APICBASE, LAPIC_DEFAULT_BASE), 0);
	assert_int_equal(lapic_mmio_base(&f->a), 0);
	assert_int_equal(rd(f, APIC_VER), 0);
}

static void test_lapic_spiv_disable_masks_lvts(void **state)
{
	struct fixture *f = *state;

	wr(f, APIC_LVTERR, 0x33);
	wr(f, APIC_LINT0, 0x700);
	assert_int_equal(rd(f, APIC_LVTERR), 0x33);
	wr(f, APIC_SPIV, 0xff);
	assert_int_equal(rd(f, APIC_LVTERR), MASKED | 0x33);
	assert_int_equal(rd(f, APIC_LINT0), MASKED | 0x700);
	wr(f, APIC_LVTERR, 0x34);			/* the mask stays while disabled */
	assert_int_equal(rd(f, APIC_LVTERR), MASKED | 0x34);
	lapic_deliver(&f->a, LAPIC_DM_FIXED, 0x40, false);
	assert_false(vec_bit(f, APIC_IRR, 0x40));
	assert_int_equal(f->nr_notify, 0);

	wr(f, APIC_SPIV, 0x1ff);
	wr(f, APIC_LVTERR, 0x34);
	assert_int_equal(rd(f, APIC_LVTERR), 0x34);
}

static void test_lapic_esr_latches_errors(void **state)
{
	struct fixture *f = *state;

	wr(f, APIC_ICR, BIT(18) | 0x05);		/* self, fixed, vector 5 */
	assert_int_equal(rd(f, APIC_ESR), 0);		/* not until written */
	wr(f, APIC_ESR, 0);
	assert_int_equal(rd(f, APIC_ESR), BIT(5));	/* send illegal vector */
	wr(f, APIC_ESR, 0);
	assert_int_equal(rd(f, APIC_ESR), 0);

	wr(f, APIC_LVTERR, 0xfe);
	lapic_deliver(&f->a, LAPIC_DM_FIXED, 0x0f, false);
	wr(f, APIC_ESR, 0);
	assert_int_equal(rd(f, APIC_ESR), BIT(6));	/* receive illegal vector */
	assert_false(vec_bit(f, APIC_IRR, 0x0f));
	assert_int_equal(lapic_next_vector(&f->a), 0xfe);	/* LVT error raised */
	assert_int_equal(f->nr_notify, 1);
}

/* ---- IA32_APIC_BASE -------------------------------------------------------------------------- */

static void test_lapic_apic_base_x2apic(void **state)
{
	struct fixture *f = *state;

	to_x2apic(f);
	assert_int_equal(rdmsr(f, MSR_IA32_APICBASE), LAPIC_DEFAULT_BASE | EN | EXTD | BSP);
	assert_int_equal(rdmsr(f, MSR(APIC_ID)), ID);
	assert_int_equal(rdmsr(f, MSR(APIC_VER)), 0x50014);
	assert_int_equal(rdmsr(f, MSR(APIC_LDR)), 2 << 16 | 1 << 3);
	assert_int_equal(rdmsr(f, MSR(APIC_SPIV)), 0x1ff);
}

enum mode { DISABLED, XAPIC, X2APIC };

static void set_mode(struct fixture *f, enum mode m)
{
	if (m == X2APIC)
		to_x2apic(f);
	if (m == DISABLED)
		assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_APICBASE, LAPIC_DEFAULT_BASE), 0);
}

static void test_lapic_apic_base_transitions(void **state)
{
	static const struct {
		enum mode from;
		u64 val;
		int ret;
	} cases[] = {
		{ XAPIC, LAPIC_DEFAULT_BASE | EXTD, -EPERM },		/* EXTD without EN */
		{ X2APIC, LAPIC_DEFAULT_BASE | EN, -EPERM },		/* x2APIC -> xAPIC */
		{ DISABLED, LAPIC_DEFAULT_BASE | EN | EXTD, -EPERM },	/* disabled -> x2APIC */
		{ XAPIC, LAPIC_DEFAULT_BASE | EN | BIT(9), -EPERM },
		{ XAPIC, LAPIC_DEFAULT_BASE | EN | BIT(0), -EPERM },
		{ XAPIC, LAPIC_DEFAULT_BASE | EN | BIT(52), -EPERM },
		{ XAPIC, LAPIC_DEFAULT_BASE | EN | EXTD, 0 },
		{ XAPIC, LAPIC_DEFAULT_BASE, 0 },
		{ X2APIC, LAPIC_DEFAULT_BASE, 0 },
		{ X2APIC, LAPIC_DEFAULT_BASE | EN | EXTD, 0 },
		{ DISABLED, LAPIC_DEFAULT_BASE | EN, 0 },
		{ DISABLED, LAPIC_DEFAULT_BASE, 0 },
		{ XAPIC, 0xfed00000 | EN, 0 },				/* moving the page */
	};
	struct fixture *f = *state;

	lapic_destroy(&f->a);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 before;

		lapic_init(&f->a, &fake_ops, f, ID, true, true, TSC_HZ);
		set_mode(f, cases[i].from);
		before = rdmsr(f, MSR_IA32_APICBASE);
		if (lapic_msr_write(&f->a, MSR_IA32_APICBASE, cases[i].val) != cases[i].ret)
			fail_msg("case %zu: %#llx from mode %d", i,
				 (unsigned long long)cases[i].val, cases[i].from);
		assert_int_equal(rdmsr(f, MSR_IA32_APICBASE),
				 cases[i].ret ? before : cases[i].val | BSP);
		lapic_destroy(&f->a);
	}
	lapic_init(&f->a, &fake_ops, f, ID, true, true, TSC_HZ);
	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_APICBASE, 0xfed00000 | EN), 0);
	assert_int_equal(lapic_mmio_base(&f->a), 0xfed00000);
}

static void test_lapic_apic_base_bsp_read_only(void **state)
{
	struct fixture *f = *state;
	struct lapic b;

	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_APICBASE, LAPIC_DEFAULT_BASE | EN), 0);
	assert_int_equal(rdmsr(f, MSR_IA32_APICBASE), LAPIC_DEFAULT_BASE | EN | BSP);

	lapic_init(&b, &fake_ops, f, 1, false, true, TSC_HZ);
	assert_int_equal(lapic_msr_write(&b, MSR_IA32_APICBASE, LAPIC_DEFAULT_BASE | EN | BSP), 0);
	assert_int_equal(b.apic_base, LAPIC_DEFAULT_BASE | EN);
	lapic_destroy(&b);
}

static void test_lapic_apic_base_disable_resets(void **state)
{
	struct fixture *f = *state;

	wr(f, APIC_TPR, 0x20);
	wr(f, APIC_LVTT, 0x40);
	wr(f, APIC_TMICT, 1000);
	lapic_deliver(&f->a, LAPIC_DM_FIXED, 0x80, false);
	assert_int_equal(f->armed, T0 + 2000);
	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_APICBASE, LAPIC_DEFAULT_BASE), 0);
	assert_int_equal(f->armed, 0);
	lapic_deliver(&f->a, LAPIC_DM_FIXED, 0x81, false);	/* nobody home */
	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_APICBASE, LAPIC_DEFAULT_BASE | EN), 0);
	assert_int_equal(rd(f, APIC_TPR), 0);
	assert_int_equal(rd(f, APIC_SPIV), 0xff);
	assert_int_equal(rd(f, APIC_LVTT), MASKED);
	assert_false(vec_bit(f, APIC_IRR, 0x80));
	assert_false(vec_bit(f, APIC_IRR, 0x81));
}

/* ---- x2APIC MSRs ----------------------------------------------------------------------------- */

static void test_lapic_x2apic_gp_rules(void **state)
{
	static const struct {
		u32 msr;
		bool write;
		u64 val;
		int ret;
	} cases[] = {
		{ 0x800, false, 0, -EPERM }, { 0x801, true, 0, -EPERM },
		{ 0x802, false, 0, 0 }, { 0x802, true, ID, -EPERM },		/* ID read-only */
		{ 0x803, true, 0, -EPERM },
		{ 0x808, true, 0x10, 0 }, { 0x808, true, BIT(32), -EPERM },
		{ 0x809, false, 0, -EPERM },					/* no APR */
		{ 0x80a, false, 0, 0 }, { 0x80a, true, 0, -EPERM },
		{ 0x80b, false, 0, -EPERM }, { 0x80b, true, 1, -EPERM }, { 0x80b, true, 0, 0 },
		{ 0x80c, false, 0, -EPERM },
		{ 0x80d, false, 0, 0 }, { 0x80d, true, 0, -EPERM },		/* LDR read-only */
		{ 0x80e, false, 0, -EPERM }, { 0x80e, true, 0, -EPERM },	/* no DFR */
		{ 0x80f, true, 0x1ff, 0 },
		{ 0x810, false, 0, 0 }, { 0x817, true, 0, -EPERM },
		{ 0x818, true, 0, -EPERM }, { 0x827, false, 0, 0 }, { 0x820, true, 0, -EPERM },
		{ 0x828, true, 1, -EPERM }, { 0x828, true, 0, 0 }, { 0x828, false, 0, 0 },
		{ 0x82f, false, 0, -EPERM },					/* no CMCI */
		{ 0x830, false, 0, 0 }, { 0x830, true, BIT(20), -EPERM },
		{ 0x830, true, BIT(16), -EPERM }, { 0x830, true, BIT(13), -EPERM },
		{ 0x830, true, 0xffULL << 32 | 0xc40, 0 },
		{ 0x831, false, 0, -EPERM }, { 0x831, true, 0, -EPERM },	/* no ICR high */
		{ 0x832, true, 0x10040, 0 }, { 0x837, true, BIT(33), -EPERM },
		{ 0x838, true, 0, 0 }, { 0x839, false, 0, 0 }, { 0x839, true, 0, -EPERM },
		{ 0x83a, false, 0, -EPERM }, { 0x83e, true, 3, 0 },
		{ 0x83f, false, 0, -EPERM }, { 0x83f, true, 0x40, 0 },	/* SELF IPI write-only */
		{ 0x840, false, 0, -EPERM }, { 0x8ff, true, 0, -EPERM },
	};
	struct fixture *f = *state;

	to_x2apic(f);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 val = cases[i].val;
		int ret = cases[i].write ? lapic_msr_write(&f->a, cases[i].msr, val) :
					   lapic_msr_read(&f->a, cases[i].msr, &val);

		if (ret != cases[i].ret)
			fail_msg("%s %#x = %#llx: %d, want %d", cases[i].write ? "wrmsr" : "rdmsr",
				 cases[i].msr, (unsigned long long)cases[i].val, ret, cases[i].ret);
	}
}

static void test_lapic_x2apic_gp_outside_x2apic(void **state)
{
	struct fixture *f = *state;
	u64 val;

	assert_int_equal(lapic_msr_read(&f->a, MSR(APIC_VER), &val), -EPERM);
	assert_int_equal(lapic_msr_write(&f->a, MSR(APIC_TPR), 0x20), -EPERM);
	assert_int_equal(rd(f, APIC_TPR), 0);
	set_mode(f, DISABLED);
	assert_int_equal(lapic_msr_read(&f->a, MSR(APIC_VER), &val), -EPERM);
	assert_int_equal(lapic_msr_read(&f->a, 0x10, &val), -ENOENT);
	assert_int_equal(lapic_msr_write(&f->a, 0x7ff, 0), -ENOENT);
	assert_int_equal(lapic_msr_write(&f->a, 0x900, 0), -ENOENT);
}

static void test_lapic_x2apic_registers(void **state)
{
	struct fixture *f = *state;

	to_x2apic(f);
	assert_int_equal(lapic_msr_write(&f->a, MSR(APIC_TPR), 0x1ff), 0);
	assert_int_equal(rdmsr(f, MSR(APIC_TPR)), 0xff);
	assert_int_equal(lapic_msr_write(&f->a, MSR(APIC_TPR), 0), 0);
	assert_int_equal(lapic_msr_write(&f->a, MSR(APIC_ICR), 0x12345ULL << 32 | 0x1040), 0);
	assert_int_equal(rdmsr(f, MSR(APIC_ICR)), 0x12345ULL << 32 | 0x40);	/* never busy */
	assert_int_equal(lapic_msr_write(&f->a, MSR(APIC_SELF_IPI), 0x51), 0);
	assert_int_equal(lapic_next_vector(&f->a), 0x51);
	lapic_accept(&f->a, 0x51);
	assert_true(rdmsr(f, MSR(APIC_ISR) + 2) & BIT(0x51 - 64));
	assert_int_equal(lapic_msr_write(&f->a, MSR(APIC_EOI), 0), 0);
	assert_int_equal(rdmsr(f, MSR(APIC_ISR) + 2), 0);
	assert_int_equal(rdmsr(f, MSR(APIC_LVTT)), MASKED);
}

/* ---- destinations ---------------------------------------------------------------------------- */

struct dest_case {
	u32 dest;
	bool logical, x2apic, match;
};

static void check_dests(struct lapic *a, const struct dest_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (lapic_match_dest(a, c[i].dest, c[i].logical, c[i].x2apic) != c[i].match)
			fail_msg("dest %#x %s %s: want %d", c[i].dest, c[i].logical ? "logical" :
				 "physical", c[i].x2apic ? "x2apic" : "xapic", c[i].match);
}

static void test_lapic_match_dest_physical(void **state)
{
	static const struct dest_case cases[] = {
		{ ID, false, false, true }, { ID + 1, false, false, false },
		{ 0xff, false, false, true },
		{ ID, false, true, true }, { 0x100 | ID, false, true, false },
		{ 0xff, false, true, false }, { 0xffffffff, false, true, true },
	};
	static const struct dest_case high[] = {	/* ID 0x123 */
		{ 0x23, false, false, true }, { 0x123, false, true, true },
		{ 0x23, false, true, false },
	};
	struct fixture *f = *state;
	struct lapic b;

	check_dests(&f->a, cases, ARRAY_SIZE(cases));
	lapic_init(&b, &fake_ops, f, 0x123, false, true, TSC_HZ);
	check_dests(&b, high, ARRAY_SIZE(high));
	lapic_destroy(&b);
	set_mode(f, DISABLED);
	assert_false(lapic_match_dest(&f->a, 0xff, false, false));
}

static void test_lapic_match_dest_xapic_logical(void **state)
{
	static const struct dest_case flat[] = {	/* LDR bits 2, 3 */
		{ 0x04, true, false, true }, { 0x09, true, false, true },
		{ 0x03, true, false, false }, { 0xff, true, false, true },
		{ 0x00, true, false, false },
	};
	static const struct dest_case cluster[] = {	/* cluster 3, bit 2 */
		{ 0x34, true, false, true }, { 0x3c, true, false, true },
		{ 0x24, true, false, false }, { 0x33, true, false, false },
		{ 0xff, true, false, true },
	};
	struct fixture *f = *state;

	wr(f, APIC_LDR, 0x0c000000);
	check_dests(&f->a, flat, ARRAY_SIZE(flat));
	wr(f, APIC_DFR, 0x0fffffff);
	wr(f, APIC_LDR, 0x34000000);
	assert_int_equal(rd(f, APIC_DFR), 0x0fffffff);
	check_dests(&f->a, cluster, ARRAY_SIZE(cluster));
}

static void test_lapic_match_dest_x2apic_cluster(void **state)
{
	static const struct dest_case cases[] = {	/* cluster 2, bit 3 */
		{ 0x00020008, true, true, true }, { 0x0002000c, true, true, true },
		{ 0x0002fff7, true, true, false }, { 0x00030008, true, true, false },
		{ 0x00000008, true, true, false }, { 0xffffffff, true, true, true },
	};
	static const struct dest_case high[] = {	/* ID 0x123: cluster 0x12, bit 3 */
		{ 0x00120008, true, true, true }, { 0x00020008, true, true, false },
	};
	struct fixture *f = *state;
	struct lapic b;

	to_x2apic(f);
	check_dests(&f->a, cases, ARRAY_SIZE(cases));
	lapic_init(&b, &fake_ops, f, 0x123, false, true, TSC_HZ);
	assert_int_equal(lapic_msr_write(&b, MSR_IA32_APICBASE, LAPIC_DEFAULT_BASE | EN | EXTD), 0);
	check_dests(&b, high, ARRAY_SIZE(high));
	lapic_destroy(&b);
}

/* ---- priorities ------------------------------------------------------------------------------ */

static void test_lapic_priority_tpr_isr_eoi(void **state)
{
	struct fixture *f = *state;

	lapic_deliver(&f->a, LAPIC_DM_FIXED, 0x45, false);
	lapic_deliver(&f->a, LAPIC_DM_FIXED, 0x61, false);
	assert_int_equal(f->nr_notify, 2);
	assert_int_equal(lapic_next_vector(&f->a), 0x61);
	wr(f, APIC_TPR, 0x70);				/* blocks both */
	assert_int_equal(lapic_next_vector(&f->a), -1);
	assert_false(lapic_has_interrupt(&f->a));
	assert_int_equal(rd(f, APIC_PPR), 0x70);
	wr(f, APIC_TPR, 0x5f);				/* 0x61 becomes deliverable */
	assert_int_equal(f->nr_notify, 3);
	assert_int_equal(lapic_next_vector(&f->a), 0x61);

	lapic_accept(&f->a, 0x61);
	assert_true(vec_bit(f, APIC_ISR, 0x61));
	assert_false(vec_bit(f, APIC_IRR, 0x61));
	assert_int_equal(rd(f, APIC_PPR), 0x60);
	wr(f, APIC_TPR, 0x65);				/* same class as ISR: PPR is TPR */
	assert_int_equal(rd(f, APIC_PPR), 0x65);
	wr(f, APIC_TPR, 0x5f);
	lapic_deliver(&f->a, LAPIC_DM_FIXED, 0x62, false);	/* same class: held */
	assert_int_equal(lapic_next_vector(&f->a), -1);
	assert_int_equal(f->nr_notify, 3);
	lapic_deliver(&f->a, LAPIC_DM_FIXED, 0x71, false);	/* higher class: nests */
	assert_int_equal(lapic_next_vector(&f->a), 0x71);
	assert_int_equal(f->nr_notify, 4);
	lapic_accept(&f->a, 0x71);
	assert_int_equal(rd(f, APIC_PPR), 0x70);

	wr(f, APIC_EOI, 0);				/* ends 0x71 only */
	assert_false(vec_bit(f, APIC_ISR, 0x71));
	assert_true(vec_bit(f, APIC_ISR, 0x61));
	assert_int_equal(lapic_next_vector(&f->a), -1);
	assert_int_equal(f->nr_notify, 4);
	lapic_eoi(&f->a);				/* Hyper-V EOI: ends 0x61, unblocks 0x62 */
	assert_int_equal(rd(f, APIC_PPR), 0x5f);
	assert_int_equal(lapic_next_vector(&f->a), 0x62);
	assert_int_equal(f->nr_notify, 5);
}

static void test_lapic_deliver_modes(void **state)
{
	static const enum lapic_dm dropped[] = {
		LAPIC_DM_SMI, LAPIC_DM_INIT, LAPIC_DM_SIPI, LAPIC_DM_EXTINT,
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(dropped); i++)
		lapic_deliver(&f->a, dropped[i], 0x40, false);
	assert_false(lapic_has_interrupt(&f->a));
	assert_int_equal(f->nr_notify, 0);

	lapic_deliver(&f->a, LAPIC_DM_LOWEST, 0x41, true);
	assert_true(vec_bit(f, APIC_TMR, 0x41));
	lapic_deliver(&f->a, LAPIC_DM_FIXED, 0x41, false);
	assert_false(vec_bit(f, APIC_TMR, 0x41));
	assert_int_equal(lapic_next_vector(&f->a), 0x41);
}

static void test_lapic_nmi(void **state)
{
	struct fixture *f = *state;

	wr(f, APIC_SPIV, 0xff);		/* NMIs reach a software-disabled APIC */
	lapic_deliver(&f->a, LAPIC_DM_NMI, 0, false);
	assert_int_equal(f->nr_notify, 1);
	assert_true(lapic_has_interrupt(&f->a));
	assert_int_equal(lapic_next_vector(&f->a), -1);
	assert_true(lapic_take_nmi(&f->a));
	assert_false(lapic_take_nmi(&f->a));
	assert_false(lapic_has_interrupt(&f->a));
}

/* ---- IPIs ------------------------------------------------------------------------------------ */

static bool ipi_equal(const struct lapic_ipi *a, const struct lapic_ipi *b)
{
	return a->vector == b->vector && a->mode == b->mode && a->logical == b->logical &&
	       a->level == b->level && a->shorthand == b->shorthand && a->dest == b->dest &&
	       a->x2apic == b->x2apic;
}

static void test_lapic_icr_decode(void **state)
{
	static const struct {
		bool x2apic;
		u64 icr;
		struct lapic_ipi ipi;
	} cases[] = {
		{ false, 0x12ULL << 56 | 0x4030,
		  { 0x30, LAPIC_DM_FIXED, false, false, LAPIC_DEST_NONE, 0x12, false } },
		{ false, 0xffULL << 56 | 0xc931,
		  { 0x31, LAPIC_DM_LOWEST, true, true, LAPIC_DEST_NONE, 0xff, false } },
		{ false, 0x00ffffffULL << 32 | 0x40,		/* xAPIC dest is 63:56 only */
		  { 0x40, LAPIC_DM_FIXED, false, false, LAPIC_DEST_NONE, 0, false } },
		{ false, 0xc0400,
		  { 0, LAPIC_DM_NMI, false, false, LAPIC_DEST_ALL_BUT_SELF, 0, false } },
		{ false, 0x80042,
		  { 0x42, LAPIC_DM_FIXED, false, false, LAPIC_DEST_ALL, 0, false } },
		{ true, 0x12345ULL << 32 | 0x40,
		  { 0x40, LAPIC_DM_FIXED, false, false, LAPIC_DEST_NONE, 0x12345, true } },
		{ true, 0xffffffffULL << 32 | 0x4d00,
		  { 0, LAPIC_DM_INIT, true, false, LAPIC_DEST_NONE, 0xffffffff, true } },
		{ true, 0x7ULL << 32 | 0x0608,
		  { 0x08, LAPIC_DM_SIPI, false, false, LAPIC_DEST_NONE, 7, true } },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		unsigned int sent = f->nr_ipis;

		if (cases[i].x2apic && !(f->a.apic_base & EXTD))
			to_x2apic(f);
		lapic_write_icr(&f->a, cases[i].icr);
		assert_int_equal(f->nr_ipis, sent + 1);
		if (!ipi_equal(&f->ipi, &cases[i].ipi))
			fail_msg("case %zu: vector %#x mode %d logical %d level %d sh %d dest %#x",
				 i, f->ipi.vector, f->ipi.mode, f->ipi.logical, f->ipi.level,
				 f->ipi.shorthand, f->ipi.dest);
	}
	assert_false(lapic_has_interrupt(&f->a));	/* nothing delivered locally */
}

static void test_lapic_icr_xapic_mmio(void **state)
{
	struct fixture *f = *state;

	wr(f, APIC_ICR2, 0x05000000);
	assert_int_equal(f->nr_ipis, 0);		/* the high half does not send */
	wr(f, APIC_ICR, 0x1841);
	assert_int_equal(f->nr_ipis, 1);
	assert_int_equal(f->ipi.dest, 5);
	assert_true(f->ipi.logical);
	assert_int_equal(f->ipi.vector, 0x41);
	assert_int_equal(rd(f, APIC_ICR), 0x841);	/* delivery status idle */
	assert_int_equal(lapic_read_icr(&f->a), 0x05000000ULL << 32 | 0x841);
}

static void test_lapic_icr_self(void **state)
{
	struct fixture *f = *state;

	wr(f, APIC_ICR, BIT(18) | 0x50);
	assert_int_equal(f->nr_ipis, 0);
	assert_int_equal(lapic_next_vector(&f->a), 0x50);
	assert_int_equal(f->nr_notify, 1);
	lapic_write_icr(&f->a, BIT(18) | 0x400);	/* self NMI */
	assert_true(lapic_take_nmi(&f->a));
	lapic_write_icr(&f->a, 0xffULL << 56 | 0x0e);	/* illegal vector: not sent */
	assert_int_equal(f->nr_ipis, 0);
}

/* ---- timer ----------------------------------------------------------------------------------- */

static void start_timer(struct fixture *f, u32 lvt, u32 tdcr, u32 count)
{
	wr(f, APIC_TDCR, tdcr);
	wr(f, APIC_LVTT, lvt);
	wr(f, APIC_TMICT, count);
}

static void test_lapic_timer_oneshot(void **state)
{
	struct fixture *f = *state;

	start_timer(f, 0x40, DIV_1, 1000);
	assert_int_equal(f->armed, T0 + 1000);
	assert_int_equal(rd(f, APIC_TMCCT), 1000);
	f->now = T0 + 300;
	assert_int_equal(rd(f, APIC_TMCCT), 700);
	f->now = T0 + 500;
	f->armed = 0;
	lapic_timer_fire(&f->a);			/* early: re-armed, nothing raised */
	assert_int_equal(f->armed, T0 + 1000);
	assert_false(lapic_has_interrupt(&f->a));

	f->now = T0 + 1000;
	lapic_timer_fire(&f->a);
	assert_int_equal(lapic_next_vector(&f->a), 0x40);
	assert_int_equal(f->nr_notify, 1);
	assert_int_equal(f->armed, 0);
	assert_int_equal(rd(f, APIC_TMCCT), 0);
	f->now = T0 + 5000;
	assert_int_equal(rd(f, APIC_TMCCT), 0);
	lapic_accept(&f->a, 0x40);
	lapic_timer_fire(&f->a);			/* spurious */
	assert_false(vec_bit(f, APIC_IRR, 0x40));
	assert_int_equal(rd(f, APIC_TMICT), 1000);
}

static void test_lapic_timer_divide_config(void **state)
{
	static const struct {
		u32 tdcr, divisor;
	} cases[] = {
		{ 0x0, 2 }, { 0x1, 4 }, { 0x2, 8 }, { 0x3, 16 },
		{ 0x8, 32 }, { 0x9, 64 }, { 0xa, 128 }, { 0xb, 1 }, { 0xf, 1 },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		f->now = T0;
		start_timer(f, 0x40, cases[i].tdcr, 10);
		assert_int_equal(f->armed - T0, 10 * cases[i].divisor);
		f->now = T0 + 3 * cases[i].divisor;
		assert_int_equal(rd(f, APIC_TMCCT), 7);
	}
}

static void test_lapic_timer_periodic(void **state)
{
	struct fixture *f = *state;

	start_timer(f, PERIODIC | 0x40, 0x0, 500000);	/* 1 ms */
	assert_int_equal(f->armed, T0 + 1000000);
	f->now = T0 + 1050000;				/* late by 50 us */
	lapic_timer_fire(&f->a);
	assert_int_equal(f->armed, T0 + 2000000);	/* no drift */
	assert_int_equal(lapic_next_vector(&f->a), 0x40);
	assert_int_equal(rd(f, APIC_TMCCT), 475000);
	f->now = T0 + 5500000;				/* missed three periods */
	lapic_timer_fire(&f->a);
	assert_int_equal(f->armed, T0 + 6000000);	/* never in the past */
	assert_int_equal(rd(f, APIC_TMCCT), 250000);
}

static void test_lapic_timer_min_period(void **state)
{
	struct fixture *f = *state;

	start_timer(f, PERIODIC | 0x40, DIV_1, 10);
	assert_int_equal(f->armed, T0 + 100000);
	f->now = T0 + 100000;
	lapic_timer_fire(&f->a);
	assert_int_equal(f->armed, T0 + 200000);
	f->now = T0;
	start_timer(f, 0x40, DIV_1, 10);		/* one-shot: not clamped */
	assert_int_equal(f->armed, T0 + 10);
}

static void test_lapic_timer_stop_and_mask(void **state)
{
	struct fixture *f = *state;

	start_timer(f, PERIODIC | MASKED | 0x40, DIV_1, 200000);
	f->now = T0 + 200000;
	lapic_timer_fire(&f->a);			/* masked: counts, raises nothing */
	assert_false(lapic_has_interrupt(&f->a));
	assert_int_equal(f->armed, T0 + 400000);
	assert_int_equal(rd(f, APIC_TMCCT), 200000);
	wr(f, APIC_TMICT, 0);
	assert_int_equal(f->armed, 0);
	assert_int_equal(rd(f, APIC_TMCCT), 0);
}

static void test_lapic_timer_tsc_deadline(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_TSC_DEADLINE, TSC0 + 100), 0);
	assert_int_equal(rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);	/* ignored in one-shot mode */
	assert_int_equal(f->nr_arms, 0);

	wr(f, APIC_LVTT, TSC_DEADLINE | 0x40);
	wr(f, APIC_TMICT, 1000);			/* ignored in TSC-deadline mode */
	assert_int_equal(rd(f, APIC_TMICT), 0);
	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_TSC_DEADLINE, TSC0 + 2000), 0);
	assert_int_equal(f->armed, T0 + 1000);		/* 2000 cycles at 2 GHz */
	assert_int_equal(rdmsr(f, MSR_IA32_TSC_DEADLINE), TSC0 + 2000);
	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_TSC_DEADLINE, 0), 0);
	assert_int_equal(f->armed, 0);

	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_TSC_DEADLINE, TSC0 - 1), 0);
	assert_int_equal(f->armed, T0);			/* passed: fire now */
	lapic_timer_fire(&f->a);
	assert_int_equal(lapic_next_vector(&f->a), 0x40);
	assert_int_equal(rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);	/* fires once */
	assert_int_equal(f->armed, 0);
	lapic_accept(&f->a, 0x40);
	lapic_timer_fire(&f->a);
	assert_false(vec_bit(f, APIC_IRR, 0x40));
}

static void test_lapic_timer_mode_switch_disarms(void **state)
{
	struct fixture *f = *state;

	start_timer(f, 0x40, DIV_1, 1000);
	wr(f, APIC_LVTT, PERIODIC | 0x40);		/* one-shot <-> periodic keeps counting */
	assert_int_equal(f->armed, T0 + 1000);
	wr(f, APIC_LVTT, TSC_DEADLINE | 0x40);
	assert_int_equal(f->armed, 0);
	assert_int_equal(rd(f, APIC_TMICT), 0);
	assert_int_equal(lapic_msr_write(&f->a, MSR_IA32_TSC_DEADLINE, TSC0 + 2000), 0);
	wr(f, APIC_LVTT, 0x40);
	assert_int_equal(f->armed, 0);
	assert_int_equal(rdmsr(f, MSR_IA32_TSC_DEADLINE), 0);
}

/* ---- Hyper-V helpers and CR8 ----------------------------------------------------------------- */

static void test_lapic_cr8_tpr(void **state)
{
	struct fixture *f = *state;

	lapic_set_cr8(&f->a, 5);
	assert_int_equal(lapic_get_tpr(&f->a), 0x50);
	assert_int_equal(rd(f, APIC_TPR), 0x50);
	lapic_set_tpr(&f->a, 0x9a);
	assert_int_equal(lapic_get_cr8(&f->a), 9);
	lapic_set_cr8(&f->a, 0x1f);
	assert_int_equal(lapic_get_tpr(&f->a), 0xf0);
	lapic_deliver(&f->a, LAPIC_DM_FIXED, 0x80, false);
	assert_int_equal(f->nr_notify, 0);
	lapic_set_cr8(&f->a, 7);			/* unblocks 0x80 */
	assert_int_equal(f->nr_notify, 1);
	assert_int_equal(lapic_next_vector(&f->a), 0x80);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_lapic_init_reset_state),
		T(test_lapic_mmio_write_masks),
		T(test_lapic_mmio_odd_accesses),
		T(test_lapic_mmio_off_outside_xapic),
		T(test_lapic_spiv_disable_masks_lvts),
		T(test_lapic_esr_latches_errors),
		T(test_lapic_apic_base_x2apic),
		T(test_lapic_apic_base_transitions),
		T(test_lapic_apic_base_bsp_read_only),
		T(test_lapic_apic_base_disable_resets),
		T(test_lapic_x2apic_gp_rules),
		T(test_lapic_x2apic_gp_outside_x2apic),
		T(test_lapic_x2apic_registers),
		T(test_lapic_match_dest_physical),
		T(test_lapic_match_dest_xapic_logical),
		T(test_lapic_match_dest_x2apic_cluster),
		T(test_lapic_priority_tpr_isr_eoi),
		T(test_lapic_deliver_modes),
		T(test_lapic_nmi),
		T(test_lapic_icr_decode),
		T(test_lapic_icr_xapic_mmio),
		T(test_lapic_icr_self),
		T(test_lapic_timer_oneshot),
		T(test_lapic_timer_divide_config),
		T(test_lapic_timer_periodic),
		T(test_lapic_timer_min_period),
		T(test_lapic_timer_stop_and_mask),
		T(test_lapic_timer_tsc_deadline),
		T(test_lapic_timer_mode_switch_disarms),
		T(test_lapic_cr8_tpr),
	};

	return cmocka_run_group_tests_name("lapic", tests, NULL, NULL);
}
