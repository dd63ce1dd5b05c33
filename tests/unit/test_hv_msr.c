// SPDX-License-Identifier: MIT
/*
 * hv/msr.c: the synthetic MSR table, privilege gating, read-only MSRs, the
 * hypercall page overlay, the reference TSC page and the crash registers.
 * log_printf is wrapped to see the crash message vtlvm logs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "hv/hcall_page.h"
#include "tests/unit/fake_hv.h"
#include "vmm/status.h"

/* hv/msr.c's table, for tests only; rows mirror its struct hv_msr_desc. */
const void *hv_msr_table(unsigned int *count, size_t *row_size);

struct msr_row {
	u32 first, last;
	u64 privilege;
	u32 feature;
	int (*rd)(struct hv_vp *vp, u32 index, u64 *val);
	int (*wr)(struct hv_vp *vp, u32 index, u64 val);
};

static char logbuf[16384];

void __wrap_log_printf(int level, const char *fmt, ...) __printf(2, 3);
void __wrap_log_printf(int level, const char *fmt, ...)
{
	size_t len = strlen(logbuf);
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(logbuf + len, sizeof(logbuf) - len, fmt, ap);
	va_end(ap);
}

static int setup(void **state)
{
	struct fake_hv *f = fake_hv_new(2);

	if (!f)
		return -1;
	fake_hv_calibrate(f);
	logbuf[0] = '\0';
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fake_hv_free(*state);
	return 0;
}

static u64 rd(struct fake_hv *f, u32 vp, u32 msr)
{
	u64 v = 0xbad;

	assert_int_equal(hv_msr_read(fake_vp(f, vp), msr, &v), 0);
	return v;
}

static int wr(struct fake_hv *f, u32 vp, u32 msr, u64 v)
{
	return hv_msr_write(fake_vp(f, vp), msr, v);
}

/* ---- the table -------------------------------------------------------------------------------- */

static void test_msr_table_sorted(void **state)
{
	unsigned int n;
	size_t row_size;
	const struct msr_row *t = hv_msr_table(&n, &row_size);

	(void)state;
	assert_int_equal(row_size, sizeof(*t));
	assert_true(n > 0);
	for (unsigned int i = 0; i < n; i++) {
		assert_true(t[i].first <= t[i].last);
		assert_true(hv_msr_is_synthetic(t[i].first) && hv_msr_is_synthetic(t[i].last));
		assert_non_null(t[i].rd);
		/* At least one grant: a privilege, a feature, or both. */
		assert_true(t[i].privilege || t[i].feature);
		if (i)
			assert_true(t[i].first > t[i - 1].last);
	}
}

/* ---- privileges --------------------------------------------------------------------------------- */

static const struct gate {
	u32 msr;
	u64 privilege;
	u32 feature;
} gates[] = {
	{ HV_X64_MSR_GUEST_OS_ID, HV_ACCESS_HYPERCALL_MSRS, 0 },
	{ HV_X64_MSR_HYPERCALL, HV_ACCESS_HYPERCALL_MSRS, 0 },
	{ HV_X64_MSR_VP_INDEX, HV_ACCESS_VP_INDEX, 0 },
	{ HV_X64_MSR_VP_RUNTIME, HV_ACCESS_VP_RUNTIME_REG, 0 },
	{ HV_X64_MSR_TIME_REF_COUNT, HV_ACCESS_PARTITION_REFERENCE_COUNTER, 0 },
	{ HV_X64_MSR_REFERENCE_TSC, HV_ACCESS_PARTITION_REFERENCE_TSC, 0 },
	{ HV_X64_MSR_TSC_FREQUENCY, HV_ACCESS_FREQUENCY_REGS, HV_FEATURE_FREQUENCY_MSRS_AVAILABLE },
	{ HV_X64_MSR_APIC_FREQUENCY, HV_ACCESS_FREQUENCY_REGS, HV_FEATURE_FREQUENCY_MSRS_AVAILABLE },
	{ HV_X64_MSR_EOI, HV_ACCESS_INTR_CTRL_REGS, 0 },
	{ HV_X64_MSR_ICR, HV_ACCESS_INTR_CTRL_REGS, 0 },
	{ HV_X64_MSR_TPR, HV_ACCESS_INTR_CTRL_REGS, 0 },
	{ HV_X64_MSR_VP_ASSIST_PAGE, HV_ACCESS_INTR_CTRL_REGS, 0 },
	{ HV_X64_MSR_SCONTROL, HV_ACCESS_SYNIC_REGS, 0 },
	{ HV_X64_MSR_SVERSION, HV_ACCESS_SYNIC_REGS, 0 },
	{ HV_X64_MSR_SIEFP, HV_ACCESS_SYNIC_REGS, 0 },
	{ HV_X64_MSR_SIMP, HV_ACCESS_SYNIC_REGS, 0 },
	{ HV_X64_MSR_EOM, HV_ACCESS_SYNIC_REGS, 0 },
	{ HV_X64_MSR_SINT0, HV_ACCESS_SYNIC_REGS, 0 },
	{ HV_X64_MSR_SINT15, HV_ACCESS_SYNIC_REGS, 0 },
	{ HV_X64_MSR_STIMER0_CONFIG, HV_ACCESS_SYNTHETIC_TIMER_REGS, 0 },
	{ HV_X64_MSR_STIMER3_COUNT, HV_ACCESS_SYNTHETIC_TIMER_REGS, 0 },
	{ HV_X64_MSR_CRASH_P0, 0, HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE },
	{ HV_X64_MSR_CRASH_P4, 0, HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE },
	{ HV_X64_MSR_CRASH_CTL, 0, HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE },
};

/* Every row of the table has a case above, with the row's own grant. */
static void test_msr_gates_cover_table(void **state)
{
	unsigned int n;
	size_t row_size;
	const struct msr_row *t = hv_msr_table(&n, &row_size);

	(void)state;
	for (unsigned int i = 0; i < n; i++) {
		bool found = false;

		for (size_t g = 0; g < ARRAY_SIZE(gates); g++) {
			if (gates[g].msr < t[i].first || gates[g].msr > t[i].last)
				continue;
			assert_int_equal(gates[g].privilege, t[i].privilege);
			assert_int_equal(gates[g].feature, t[i].feature);
			found = true;
		}
		if (!found)
			fail_msg("MSR %#x has no privilege case", t[i].first);
	}
}

/* The APIC MSRs and the VP assist page are granted above VTL0 only (the VMM owns that APIC). */
static struct hv_vp *gate_vp(struct fake_hv *f, const struct gate *g)
{
	u8 vtl = g->privilege == HV_ACCESS_INTR_CTRL_REGS;

	if (vtl && !f->hv->vtl[vtl])
		assert_int_equal(hv_vtl_enable(f->hv, vtl), 0);
	return hv_vp_get(f->hv, vtl, 0);
}

static void test_msr_privilege_granted_and_withheld(void **state)
{
	(void)state;
	for (size_t g = 0; g < ARRAY_SIZE(gates); g++) {
		struct hv_config cfg = fake_hv_config(1);
		struct fake_hv *full = fake_hv_new_cfg(&cfg), *narrow;
		u32 other = gates[g].msr == HV_X64_MSR_VP_INDEX ? HV_X64_MSR_GUEST_OS_ID :
								    HV_X64_MSR_VP_INDEX;
		u64 v;

		cfg.privilege_mask = ~gates[g].privilege;
		cfg.feature_mask = ~gates[g].feature;
		narrow = fake_hv_new_cfg(&cfg);
		assert_non_null(full);
		assert_non_null(narrow);
		assert_true(hv_msr_granted(gate_vp(full, &gates[g]), gates[g].msr));
		if (gates[g].msr == HV_X64_MSR_EOI)	/* write-only */
			assert_int_equal(hv_msr_write(gate_vp(full, &gates[g]), gates[g].msr, 0), 0);
		else
			assert_int_equal(hv_msr_read(gate_vp(full, &gates[g]), gates[g].msr, &v), 0);
		assert_false(hv_msr_granted(gate_vp(narrow, &gates[g]), gates[g].msr));
		assert_int_equal(hv_msr_read(gate_vp(narrow, &gates[g]), gates[g].msr, &v), -EPERM);
		assert_int_equal(hv_msr_write(gate_vp(narrow, &gates[g]), gates[g].msr, 0), -EPERM);
		/* Withholding one grant leaves the others. */
		assert_true(hv_msr_granted(gate_vp(narrow, &gates[g]), other));
		fake_hv_free(full);
		fake_hv_free(narrow);
	}
}

/*
 * VTL0 has KVM's APIC: the Hyper-V APIC MSRs and the VP assist page are not
 * granted there (#GP). In VTL1 they reach the VMM's APIC (the fake records),
 * EOI is write-only, and the assist page must be RAM.
 */
static void test_msr_apic_and_assist_by_vtl(void **state)
{
	struct fake_hv *f = *state;
	struct hv_vp *vp0 = fake_vp(f, 0), *vp1;
	u64 v;

	assert_int_equal(hv_msr_read(vp0, HV_X64_MSR_ICR, &v), -EPERM);
	assert_int_equal(hv_msr_write(vp0, HV_X64_MSR_VP_ASSIST_PAGE, 0x1001), -EPERM);
	assert_int_equal(hv_vtl_enable(f->hv, 1), 0);
	vp1 = hv_vp_get(f->hv, 1, 0);
	assert_int_equal(hv_msr_write(vp1, HV_X64_MSR_ICR, 0x1234500000031ULL), 0);
	assert_int_equal(f->apic_icr, 0x1234500000031ULL);
	assert_int_equal(hv_msr_read(vp1, HV_X64_MSR_TPR, &v), 0);
	assert_int_equal(hv_msr_write(vp1, HV_X64_MSR_TPR, 0x20), 0);
	assert_int_equal(f->apic_tpr, 0x20);
	assert_int_equal(hv_msr_read(vp1, HV_X64_MSR_EOI, &v), -EPERM);
	assert_int_equal(hv_msr_write(vp1, HV_X64_MSR_EOI, 0xdead00000000ULL), 0);
	assert_int_equal(f->apic_eois, 1);
	assert_int_equal(hv_msr_write(vp1, HV_X64_MSR_VP_ASSIST_PAGE, 0x5001), 0);
	assert_int_equal(hv_msr_read(vp1, HV_X64_MSR_VP_ASSIST_PAGE, &v), 0);
	assert_int_equal(v, 0x5001);
	assert_int_equal(hv_msr_write(vp1, HV_X64_MSR_VP_ASSIST_PAGE, FAKE_HV_RAM | 1), -EPERM);
	assert_int_equal(hv_msr_read(vp1, HV_X64_MSR_VP_ASSIST_PAGE, &v), 0);
	assert_int_equal(v, 0x5001);
	/* Disabled, any page may be named. */
	assert_int_equal(hv_msr_write(vp1, HV_X64_MSR_VP_ASSIST_PAGE, FAKE_HV_RAM), 0);
}

/* ---- values and read-only MSRs ------------------------------------------------------------ */

static void test_msr_read_only(void **state)
{
	static const u32 ro[] = {
		HV_X64_MSR_VP_INDEX, HV_X64_MSR_VP_RUNTIME, HV_X64_MSR_TIME_REF_COUNT,
		HV_X64_MSR_TSC_FREQUENCY, HV_X64_MSR_APIC_FREQUENCY, HV_X64_MSR_SVERSION,
	};
	struct fake_hv *f = *state;
	u64 now;

	f->runtime_ns = 123456789;
	assert_int_equal(rd(f, 0, HV_X64_MSR_VP_INDEX), 0);
	assert_int_equal(rd(f, 1, HV_X64_MSR_VP_INDEX), 1);
	assert_int_equal(rd(f, 1, HV_X64_MSR_VP_RUNTIME), 1234567);
	assert_int_equal(rd(f, 0, HV_X64_MSR_TSC_FREQUENCY), 2500000000ULL);
	assert_int_equal(rd(f, 0, HV_X64_MSR_APIC_FREQUENCY), 1000000000ULL);
	assert_int_equal(rd(f, 0, HV_X64_MSR_SVERSION), 1);
	now = rd(f, 0, HV_X64_MSR_TIME_REF_COUNT);	/* calibrated 10 s ago */
	assert_true(now >= 100000000ULL && now < 200000000ULL);
	for (size_t i = 0; i < ARRAY_SIZE(ro); i++) {
		assert_int_equal(wr(f, 1, ro[i], 0), -EPERM);
		assert_int_equal(wr(f, 1, ro[i], 5), -EPERM);
	}
	assert_int_equal(rd(f, 1, HV_X64_MSR_VP_INDEX), 1);
	assert_int_equal(rd(f, 0, HV_X64_MSR_TSC_FREQUENCY), 2500000000ULL);
	assert_true(rd(f, 0, HV_X64_MSR_TIME_REF_COUNT) >= now);
}

static void test_msr_unknown_synthetic(void **state)
{
	static const u32 unknown[] = {
		HV_X64_MSR_RESET, 0x40000004, HV_X64_MSR_NPIEP_CONFIG, HV_X64_MSR_SIRBP,
		0x400000a0, 0x400000b8, HV_X64_MSR_GUEST_IDLE, HV_X64_MSR_SYNDBG_OPTIONS,
		HV_X64_MSR_REENLIGHTENMENT_CONTROL, HV_X64_MSR_TSC_INVARIANT_CONTROL, 0x400001ff,
	};
	struct fake_hv *f = *state;
	u64 v;

	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
		assert_true(hv_msr_is_synthetic(unknown[i]));
		assert_false(hv_msr_granted(fake_vp(f, 0), unknown[i]));
		assert_int_equal(hv_msr_read(fake_vp(f, 0), unknown[i], &v), -ENOENT);
		assert_int_equal(wr(f, 0, unknown[i], 0), -ENOENT);
	}
}

static void test_msr_is_synthetic_edges(void **state)
{
	static const struct {
		u32 msr;
		bool synthetic;
	} cases[] = {
		{ 0, false }, { 0x3fffffff, false }, { 0x40000000, true }, { 0x400001ff, true },
		{ 0x40000200, false }, { 0x4fffffff, false }, { 0xc0000080, false },
		{ 0xffffffff, false },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(hv_msr_is_synthetic(cases[i].msr), cases[i].synthetic);
}

/* ---- GUEST_OS_ID and the hypercall page ---------------------------------------------------- */

static u8 stub[HV_PAGE_SIZE];

static void assert_page_is(struct fake_hv *f, gpa_t gpa, int byte)
{
	const u8 *p = fake_gpa(f, gpa);

	if (byte < 0) {
		assert_memory_equal(p, stub, HV_PAGE_SIZE);
		return;
	}
	for (size_t i = 0; i < HV_PAGE_SIZE; i++)
		assert_int_equal(p[i], byte);
}

static void test_msr_hypercall_needs_guest_os_id(void **state)
{
	struct fake_hv *f = *state;

	memset(fake_gpa(f, FAKE_HCALL_PAGE), 0x11, HV_PAGE_SIZE);
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, FAKE_HCALL_PAGE | 1), 0);
	assert_int_equal(rd(f, 0, HV_X64_MSR_HYPERCALL), FAKE_HCALL_PAGE);
	assert_page_is(f, FAKE_HCALL_PAGE, 0x11);
	/* Not enabled, so the GPN need not be RAM. */
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, 8 * GiB | 1), 0);
	assert_int_equal(rd(f, 0, HV_X64_MSR_HYPERCALL), 8 * GiB);
	/* GUEST_OS_ID is per partition (VTL), not per VP. */
	assert_int_equal(wr(f, 1, HV_X64_MSR_GUEST_OS_ID, FAKE_GUEST_OS_ID), 0);
	assert_int_equal(rd(f, 0, HV_X64_MSR_GUEST_OS_ID), FAKE_GUEST_OS_ID);
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, FAKE_HCALL_PAGE | 1), 0);
	assert_int_equal(rd(f, 1, HV_X64_MSR_HYPERCALL), FAKE_HCALL_PAGE | 1);
	assert_page_is(f, FAKE_HCALL_PAGE, -1);
}

static void test_msr_hypercall_rsvdp_lock_and_range(void **state)
{
	struct fake_hv *f = *state;
	u8 page[HV_PAGE_SIZE];

	hv_hcall_page_build(page);
	assert_int_equal(page[HV_HCALL_STUB_OUT_OFFSET], 0xe6);	/* out %al, imm8 */
	assert_int_equal(page[HV_HCALL_STUB_OUT_OFFSET + 1], HV_HCALL_PORT);
	assert_int_equal(wr(f, 0, HV_X64_MSR_GUEST_OS_ID, FAKE_GUEST_OS_ID), 0);
	/* Bits 11:2 are RsvdP: they keep their value (0) whatever is written. */
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, FAKE_HCALL_PAGE | GENMASK_ULL(11, 2) | 1),
			 0);
	assert_int_equal(rd(f, 0, HV_X64_MSR_HYPERCALL), FAKE_HCALL_PAGE | 1);
	/* An enabled page outside RAM is #GP, and changes nothing. */
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, FAKE_HV_RAM | 1), -EPERM);
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, 0xfffffffffffff001ULL), -EPERM);
	assert_int_equal(rd(f, 0, HV_X64_MSR_HYPERCALL), FAKE_HCALL_PAGE | 1);
	assert_page_is(f, FAKE_HCALL_PAGE, -1);
	/* Locked: immutable until reset. */
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, FAKE_HCALL_PAGE | 3), 0);
	assert_int_equal(rd(f, 0, HV_X64_MSR_HYPERCALL), FAKE_HCALL_PAGE | 3);
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, 0), -EPERM);
	assert_int_equal(wr(f, 1, HV_X64_MSR_HYPERCALL, FAKE_PAGE_GPA | 1), -EPERM);
	assert_int_equal(rd(f, 0, HV_X64_MSR_HYPERCALL), FAKE_HCALL_PAGE | 3);
	assert_page_is(f, FAKE_HCALL_PAGE, -1);
}

static void test_msr_hypercall_overlay_move_and_disable(void **state)
{
	struct fake_hv *f = *state;
	struct hv_hcall_regs r = fake_regs64(HVCALL_NOTIFY_LONG_SPIN_WAIT | HV_HYPERCALL_FAST_BIT,
					     0, 0);

	memset(fake_gpa(f, FAKE_HCALL_PAGE), 0x11, HV_PAGE_SIZE);
	memset(fake_gpa(f, FAKE_PAGE_GPA), 0x22, HV_PAGE_SIZE);
	assert_int_equal(wr(f, 0, HV_X64_MSR_GUEST_OS_ID, FAKE_GUEST_OS_ID), 0);
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, FAKE_HCALL_PAGE | 1), 0);
	assert_page_is(f, FAKE_HCALL_PAGE, -1);
	assert_int_equal(hv_hypercall(fake_vp(f, 0), &r), HV_HCALL_DONE);
	/* Moving puts back the RAM under the old page and overlays the new one. */
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, FAKE_PAGE_GPA | 1), 0);
	assert_page_is(f, FAKE_HCALL_PAGE, 0x11);
	assert_page_is(f, FAKE_PAGE_GPA, -1);
	/* Rewriting the same value keeps the saved RAM. */
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, FAKE_PAGE_GPA | 1), 0);
	assert_page_is(f, FAKE_PAGE_GPA, -1);
	/* Disabling puts it back too, and hypercalls are #UD again. */
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, FAKE_PAGE_GPA), 0);
	assert_page_is(f, FAKE_PAGE_GPA, 0x22);
	assert_int_equal(hv_hypercall(fake_vp(f, 0), &r), HV_HCALL_UD);
	/* Clearing GUEST_OS_ID disables an enabled page. */
	assert_int_equal(wr(f, 0, HV_X64_MSR_HYPERCALL, FAKE_HCALL_PAGE | 1), 0);
	assert_page_is(f, FAKE_HCALL_PAGE, -1);
	assert_int_equal(wr(f, 0, HV_X64_MSR_GUEST_OS_ID, 0), 0);
	assert_int_equal(rd(f, 0, HV_X64_MSR_HYPERCALL), FAKE_HCALL_PAGE);
	assert_page_is(f, FAKE_HCALL_PAGE, 0x11);
	assert_int_equal(hv_hypercall(fake_vp(f, 0), &r), HV_HCALL_UD);
}

/* ---- the reference TSC page ------------------------------------------------------------------ */

static void test_msr_reference_tsc_page(void **state)
{
	struct fake_hv *f = *state;
	const struct hv_reference_tsc_page *p = fake_gpa(f, FAKE_PAGE_GPA);

	memset(fake_gpa(f, FAKE_PAGE_GPA), 0xee, HV_PAGE_SIZE);
	/* Not enabled: stored, and no page is touched, RAM or not. */
	assert_int_equal(wr(f, 0, HV_X64_MSR_REFERENCE_TSC, FAKE_HV_RAM), 0);
	assert_int_equal(rd(f, 0, HV_X64_MSR_REFERENCE_TSC), FAKE_HV_RAM);
	assert_int_equal(wr(f, 0, HV_X64_MSR_REFERENCE_TSC, FAKE_HV_RAM | 1), -EPERM);
	assert_int_equal(rd(f, 0, HV_X64_MSR_REFERENCE_TSC), FAKE_HV_RAM);
	/* Bits 11:1 are RsvdP. */
	assert_int_equal(wr(f, 1, HV_X64_MSR_REFERENCE_TSC, FAKE_PAGE_GPA | GENMASK_ULL(11, 0)), 0);
	assert_int_equal(rd(f, 0, HV_X64_MSR_REFERENCE_TSC), FAKE_PAGE_GPA | 1);
	assert_int_not_equal(p->tsc_sequence, HV_REFERENCE_TSC_SEQUENCE_INVALID);
	assert_int_not_equal(p->tsc_sequence, 0xffffffff);
	assert_int_equal(p->tsc_scale, f->hv->ref.tsc_scale);
	assert_int_equal(p->tsc_scale, hv_reftime_scale(2500000000ULL));
	assert_int_equal(p->tsc_offset, f->hv->ref.tsc_offset);
	assert_int_equal(p->reserved1, 0);
	for (size_t i = 0; i < ARRAY_SIZE(p->reserved2); i++)
		assert_int_equal(p->reserved2[i], 0);
}

/* ---- crash registers ---------------------------------------------------------------------- */

static void test_msr_crash_params_round_trip(void **state)
{
	struct fake_hv *f = *state;

	assert_int_equal(rd(f, 0, HV_X64_MSR_CRASH_CTL),
			 HV_CRASH_CTL_CRASH_NOTIFY | HV_CRASH_CTL_CRASH_NOTIFY_MSG);
	for (u32 i = 0; i < HV_X64_MSR_CRASH_PARAMS; i++)
		assert_int_equal(wr(f, 0, HV_X64_MSR_CRASH_P0 + i, 0x1111111111111111ULL * (i + 1)),
				 0);
	/* Partition-wide: another VP reads the same values. */
	for (u32 i = 0; i < HV_X64_MSR_CRASH_PARAMS; i++)
		assert_int_equal(rd(f, 1, HV_X64_MSR_CRASH_P0 + i),
				 0x1111111111111111ULL * (i + 1));
	assert_int_equal(f->nr_stops, 0);
}

static void test_msr_crash_ctl_notify(void **state)
{
	static const struct {
		u64 ctl;
		int ret;
		unsigned int stops;
	} cases[] = {
		{ 0, 0, 0 },
		{ HV_CRASH_CTL_NO_CRASH_DUMP, 0, 0 },
		{ HV_CRASH_CTL_CRASH_NOTIFY_MSG, 0, 0 },
		{ BIT(0), -EPERM, 0 },
		{ HV_CRASH_CTL_CRASH_NOTIFY | BIT(57), -EPERM, 0 },
		{ HV_CRASH_CTL_CRASH_NOTIFY, 0, 1 },
		{ HV_CRASH_CTL_CRASH_NOTIFY | HV_CRASH_CTL_NO_CRASH_DUMP |
		  HV_CRASH_CTL_PRE_OS_ID_MASK, 0, 1 },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct fake_hv *f = fake_hv_new(1);

		assert_non_null(f);
		assert_int_equal(wr(f, 0, HV_X64_MSR_CRASH_CTL, cases[i].ctl), cases[i].ret);
		assert_int_equal(f->nr_stops, cases[i].stops);
		if (cases[i].stops)
			assert_int_equal(f->stop_status, VTLVM_EXIT_GUEST_PANIC);
		fake_hv_free(f);
	}
}

static void test_msr_crash_message(void **state)
{
	static const char text[] = "Kernel panic - oops\x01\x7f\nline 2";
	static const struct {
		u64 p3, p4;
		const char *logged;	/* in the log, or NULL: "not in RAM" */
	} cases[] = {
		{ FAKE_PAGE_GPA, sizeof(text) - 1, "guest crash message:\nKernel panic - oops??\nline 2" },
		{ FAKE_PAGE_GPA, 5, "guest crash message:\nKerne" },
		{ FAKE_HV_RAM - HV_PAGE_SIZE, ~0ULL, "guest crash message:\n" },
		{ FAKE_HV_RAM - 10, 4096, NULL },
		{ FAKE_HV_RAM, 16, NULL },
		{ ~0ULL - 4, 100, NULL },
		{ 4 * GiB, 0x10, NULL },
	};
	struct fake_hv *f = *state;

	memcpy(fake_gpa(f, FAKE_PAGE_GPA), text, sizeof(text));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		logbuf[0] = '\0';
		f->nr_stops = 0;
		assert_int_equal(wr(f, 0, HV_X64_MSR_CRASH_P3, cases[i].p3), 0);
		assert_int_equal(wr(f, 0, HV_X64_MSR_CRASH_P4, cases[i].p4), 0);
		assert_int_equal(wr(f, 0, HV_X64_MSR_CRASH_CTL, HV_CRASH_CTL_CRASH_NOTIFY |
				    HV_CRASH_CTL_CRASH_NOTIFY_MSG), 0);
		/* The VM stops whether or not the message could be read. */
		assert_int_equal(f->nr_stops, 1);
		assert_int_equal(f->stop_status, VTLVM_EXIT_GUEST_PANIC);
		if (cases[i].logged)
			assert_non_null(strstr(logbuf, cases[i].logged));
		else
			assert_non_null(strstr(logbuf, "not in RAM"));
	}
	/* The crash parameters are logged with the notification. */
	assert_non_null(strstr(logbuf, "P3 0x100000000"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_msr_table_sorted),
		cmocka_unit_test(test_msr_gates_cover_table),
		cmocka_unit_test(test_msr_privilege_granted_and_withheld),
		cmocka_unit_test_setup_teardown(test_msr_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msr_apic_and_assist_by_vtl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msr_unknown_synthetic, setup, teardown),
		cmocka_unit_test(test_msr_is_synthetic_edges),
		cmocka_unit_test_setup_teardown(test_msr_hypercall_needs_guest_os_id, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_msr_hypercall_rsvdp_lock_and_range, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_msr_hypercall_overlay_move_and_disable, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_msr_reference_tsc_page, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msr_crash_params_round_trip, setup, teardown),
		cmocka_unit_test(test_msr_crash_ctl_notify),
		cmocka_unit_test_setup_teardown(test_msr_crash_message, setup, teardown),
	};

	hv_hcall_page_build(stub);
	return cmocka_run_group_tests_name("hv_msr", tests, NULL, NULL);
}
