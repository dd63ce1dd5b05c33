// SPDX-License-Identifier: MIT
/*
 * vtl/vtl.c: the per-VP VTL state machine (runnable set, highest-VTL pick,
 * VtlCall / VtlReturn / raise and their refusals, entry reasons), and the
 * table of TLFS-shared registers held against the TLFS list (TLFS "Virtual
 * Processor State Isolation").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "vtl/vsm.h"
#include "vtl/vtl.h"

/* ---- the state machine ----------------------------------------------------------------------- */

/* A VP of a partition whose highest VTL is 1, optionally with VTL1 enabled on it. */
static struct vtl_vp vp_with(bool vtl1)
{
	struct vtl_vp s;

	vtl_vp_init(&s, 1);
	if (vtl1)
		vtl_vp_enable(&s, 1);
	return s;
}

static void test_vtl_vp_init_only_vtl0(void **state)
{
	struct vtl_vp s;

	(void)state;
	memset(&s, 0xa5, sizeof(s));
	vtl_vp_init(&s, 1);
	assert_int_equal(s.max_vtl, 1);
	assert_int_equal(atomic_load(&s.enabled), BIT(0));
	assert_int_equal(s.runnable, BIT(0));
	assert_int_equal(s.active, 0);
	assert_int_equal(s.entry_reason[0], HV_VTL_ENTRY_RESERVED);
	assert_int_equal(s.entry_reason[1], HV_VTL_ENTRY_RESERVED);
	assert_true(vtl_vp_enabled(&s, 0));
	assert_false(vtl_vp_enabled(&s, 1));
	assert_int_equal(vtl_vp_pick(&s), 0);
}

static void test_vtl_vp_enable_sets_bit(void **state)
{
	struct vtl_vp s = vp_with(false);

	(void)state;
	vtl_vp_enable(&s, 1);
	assert_true(vtl_vp_enabled(&s, 1));
	assert_true(vtl_vp_enabled(&s, 0));
	assert_int_equal(atomic_load(&s.enabled), BIT(0) | BIT(1));
	/* Enabling does not make the VTL runnable: it is entered by a call or an event. */
	assert_int_equal(s.runnable, BIT(0));
	assert_int_equal(vtl_vp_pick(&s), 0);
	/* Again: no change. */
	vtl_vp_enable(&s, 1);
	assert_int_equal(atomic_load(&s.enabled), BIT(0) | BIT(1));
}

static void test_vtl_vp_enabled_above_max_vtl(void **state)
{
	struct vtl_vp s;

	(void)state;
	/* A partition without VSM (max VTL 0): a stray enable bit is not an enabled VTL. */
	vtl_vp_init(&s, 0);
	vtl_vp_enable(&s, 1);
	assert_false(vtl_vp_enabled(&s, 1));
	assert_int_equal(vtl_vp_call(&s), -EINVAL);
	assert_false(vtl_vp_raise(&s, 1, HV_VTL_ENTRY_INTERRUPT));
	assert_int_equal(s.runnable, BIT(0));
	s = vp_with(true);
	assert_false(vtl_vp_enabled(&s, 2));
	assert_false(vtl_vp_enabled(&s, 15));
}

static void test_vtl_vp_pick_highest_runnable(void **state)
{
	static const struct {
		u8 runnable, vtl;
	} cases[] = {
		{ BIT(0), 0 }, { BIT(0) | BIT(1), 1 }, { BIT(1), 1 }, { 0, 0 },
		{ BIT(0) | BIT(2), 2 }, { BIT(0) | BIT(1) | BIT(7), 7 },
	};
	struct vtl_vp s = vp_with(true);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		s.runnable = cases[i].runnable;
		assert_int_equal(vtl_vp_pick(&s), cases[i].vtl);
	}
}

static void test_vtl_vp_call_enters_next_vtl(void **state)
{
	struct vtl_vp s = vp_with(true);

	(void)state;
	assert_int_equal(vtl_vp_call(&s), 1);
	assert_int_equal(s.runnable, BIT(0) | BIT(1));
	assert_int_equal(s.entry_reason[1], HV_VTL_ENTRY_VTL_CALL);
	assert_int_equal(vtl_vp_pick(&s), 1);
	/* The call decides; the switch is the VP thread's. */
	assert_int_equal(s.active, 0);
	vtl_vp_set_active(&s, 1);
	assert_int_equal(s.active, 1);
}

static void test_vtl_vp_call_refused_without_higher_vtl(void **state)
{
	struct vtl_vp s = vp_with(false);

	(void)state;
	assert_int_equal(vtl_vp_call(&s), -EINVAL);
	assert_int_equal(s.runnable, BIT(0));
	assert_int_equal(s.entry_reason[1], HV_VTL_ENTRY_RESERVED);
	assert_int_equal(vtl_vp_pick(&s), 0);
	/* From VTL1 of a partition whose top is VTL1: nothing above. */
	s = vp_with(true);
	assert_int_equal(vtl_vp_call(&s), 1);
	vtl_vp_set_active(&s, 1);
	assert_int_equal(vtl_vp_call(&s), -EINVAL);
	assert_int_equal(s.runnable, BIT(0) | BIT(1));
}

static void test_vtl_vp_return_falls_back_to_vtl0(void **state)
{
	struct vtl_vp s = vp_with(true);

	(void)state;
	assert_int_equal(vtl_vp_call(&s), 1);
	vtl_vp_set_active(&s, 1);
	assert_int_equal(vtl_vp_return(&s), 0);
	assert_int_equal(s.runnable, BIT(0));
	assert_int_equal(vtl_vp_pick(&s), 0);
	/* The entry reason stays until the next entry. */
	assert_int_equal(s.entry_reason[1], HV_VTL_ENTRY_VTL_CALL);
	/* And in again. */
	vtl_vp_set_active(&s, 0);
	assert_int_equal(vtl_vp_call(&s), 1);
	assert_int_equal(vtl_vp_pick(&s), 1);
}

static void test_vtl_vp_return_refused_from_vtl0(void **state)
{
	struct vtl_vp s = vp_with(true);

	(void)state;
	assert_int_equal(vtl_vp_return(&s), -EINVAL);
	assert_int_equal(s.runnable, BIT(0));
	/* Still refused when VTL1 is runnable but VTL0 is the one running. */
	assert_int_equal(vtl_vp_call(&s), 1);
	assert_int_equal(vtl_vp_return(&s), -EINVAL);
	assert_int_equal(s.runnable, BIT(0) | BIT(1));
}

static void test_vtl_vp_raise_interrupt_and_intercept(void **state)
{
	static const u8 reasons[] = { HV_VTL_ENTRY_INTERRUPT, HV_VTL_ENTRY_INTERCEPT };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(reasons); i++) {
		struct vtl_vp s = vp_with(true);

		assert_true(vtl_vp_raise(&s, 1, reasons[i]));
		assert_int_equal(s.runnable, BIT(0) | BIT(1));
		assert_int_equal(s.entry_reason[1], reasons[i]);
		assert_int_equal(vtl_vp_pick(&s), 1);
		vtl_vp_set_active(&s, 1);
		assert_int_equal(vtl_vp_return(&s), 0);
	}
}

static void test_vtl_vp_raise_refused_not_enabled(void **state)
{
	struct vtl_vp s = vp_with(false);

	(void)state;
	assert_false(vtl_vp_raise(&s, 1, HV_VTL_ENTRY_INTERRUPT));
	assert_int_equal(s.runnable, BIT(0));
	assert_int_equal(s.entry_reason[1], HV_VTL_ENTRY_RESERVED);
}

static void test_vtl_vp_raise_refused_not_above_active(void **state)
{
	struct vtl_vp s = vp_with(true);

	(void)state;
	/* VTL0 is never "raised": it waits until it runs. */
	assert_false(vtl_vp_raise(&s, 0, HV_VTL_ENTRY_INTERRUPT));
	assert_int_equal(s.entry_reason[0], HV_VTL_ENTRY_RESERVED);
	/* VTL1 runs: an interrupt for it (or for VTL0) changes nothing. */
	assert_int_equal(vtl_vp_call(&s), 1);
	vtl_vp_set_active(&s, 1);
	s.runnable = BIT(0);	/* as if VTL1 had been entered and its bit lost: active decides */
	assert_false(vtl_vp_raise(&s, 1, HV_VTL_ENTRY_INTERRUPT));
	assert_false(vtl_vp_raise(&s, 0, HV_VTL_ENTRY_INTERRUPT));
	assert_int_equal(s.runnable, BIT(0));
	assert_int_equal(s.entry_reason[1], HV_VTL_ENTRY_VTL_CALL);
}

static void test_vtl_vp_raise_refused_already_runnable(void **state)
{
	struct vtl_vp s = vp_with(true);

	(void)state;
	/* VtlCall made VTL1 runnable; the VP has not switched yet. */
	assert_int_equal(vtl_vp_call(&s), 1);
	assert_false(vtl_vp_raise(&s, 1, HV_VTL_ENTRY_INTERRUPT));
	/* The first reason is the one VTL1 sees. */
	assert_int_equal(s.entry_reason[1], HV_VTL_ENTRY_VTL_CALL);
	assert_int_equal(s.runnable, BIT(0) | BIT(1));
	/* Two interrupts before the switch: one entry, reason of the first. */
	s = vp_with(true);
	assert_true(vtl_vp_raise(&s, 1, HV_VTL_ENTRY_INTERCEPT));
	assert_false(vtl_vp_raise(&s, 1, HV_VTL_ENTRY_INTERRUPT));
	assert_int_equal(s.entry_reason[1], HV_VTL_ENTRY_INTERCEPT);
}

/* ---- the shared-register table --------------------------------------------------------------- */

/* Rows of vtl_shared_regs with this register name. */
static unsigned int rows_named(u32 hv_name)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vtl_shared_regs_count; i++)
		n += vtl_shared_regs[i].hv_name == hv_name;
	return n;
}

static unsigned int rows_of_kind(enum vtl_shared_kind kind)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vtl_shared_regs_count; i++)
		n += vtl_shared_regs[i].kind == kind;
	return n;
}

static const struct vtl_shared_reg *row_for_msr(u32 msr)
{
	const struct vtl_shared_reg *r = NULL;

	for (unsigned int i = 0; i < vtl_shared_regs_count; i++) {
		if (vtl_shared_regs[i].msr != msr)
			continue;
		if (r)
			fail_msg("MSR %#x in two rows (%s, %s)", msr, r->name,
				 vtl_shared_regs[i].name);
		r = &vtl_shared_regs[i];
	}
	return r;
}

/* TLFS: "RAX, RBX, RCX, RDX, RSI, RDI, RBP, R8-R15" are shared; RSP is private. */
static void test_vtl_shared_regs_gprs_but_rsp(void **state)
{
	(void)state;
	for (unsigned int n = 0; n < 16; n++) {
		u32 name = HV_X64_REGISTER_GPR(n);
		unsigned int want = name == HV_X64_REGISTER_RSP ? 0 : 1;

		if (rows_named(name) != want)
			fail_msg("GPR %u (%#x): %u rows, want %u", n, name, rows_named(name), want);
	}
	assert_int_equal(rows_named(HV_X64_REGISTER_RSP), 0);
	assert_int_equal(rows_of_kind(VTL_SHARED_GPR), 15);
	for (unsigned int i = 0; i < vtl_shared_regs_count; i++) {
		const struct vtl_shared_reg *r = &vtl_shared_regs[i];

		if (r->kind != VTL_SHARED_GPR)
			continue;
		assert_in_range(r->hv_name, HV_X64_REGISTER_RAX, HV_X64_REGISTER_R15);
		assert_int_not_equal(r->hv_name, HV_X64_REGISTER_RSP);
	}
}

/* TLFS: CR2 and DR0-DR3 shared; DR6 only with VsmCapabilities.Dr6Shared; DR7 private. */
static void test_vtl_shared_regs_cr2_and_debug(void **state)
{
	static const u32 dr[] = {
		HV_X64_REGISTER_DR0, HV_X64_REGISTER_DR1, HV_X64_REGISTER_DR2, HV_X64_REGISTER_DR3,
	};

	(void)state;
	assert_int_equal(rows_named(HV_X64_REGISTER_CR2), 1);
	assert_int_equal(rows_of_kind(VTL_SHARED_CR2), 1);
	for (size_t i = 0; i < ARRAY_SIZE(dr); i++)
		assert_int_equal(rows_named(dr[i]), 1);
	assert_int_equal(rows_of_kind(VTL_SHARED_DR), 4);
	assert_int_equal(rows_named(HV_X64_REGISTER_DR7), 0);
	assert_int_equal(rows_named(HV_X64_REGISTER_DR6), 0);
	/* What VsmCapabilities says about DR6 must match the table. */
	assert_int_equal(!!(vsm_capabilities() & HV_VSM_CAPABILITIES_DR6_SHARED),
			 rows_named(HV_X64_REGISTER_DR6));
}

/* TLFS: x87, XMM and AVX state, and XCR0 (XFEM). */
static void test_vtl_shared_regs_fpu_and_xcr0(void **state)
{
	(void)state;
	assert_int_equal(rows_of_kind(VTL_SHARED_FPU), 1);
	assert_int_equal(rows_of_kind(VTL_SHARED_XCR0), 1);
	assert_int_equal(rows_named(HV_X64_REGISTER_XFEM), 1);
	for (unsigned int i = 0; i < vtl_shared_regs_count; i++)
		if (vtl_shared_regs[i].kind == VTL_SHARED_XCR0)
			assert_int_equal(vtl_shared_regs[i].hv_name, HV_X64_REGISTER_XFEM);
}

/* TLFS: the MTRRs are shared: MTRRdefType, the 11 fixed ranges, 8 variable pairs. */
static void test_vtl_shared_regs_mtrrs(void **state)
{
	static const struct {
		u32 msr, hv_name;
	} mtrrs[] = {
		{ 0x2ff, HV_X64_REGISTER_MTRR_DEF_TYPE },
		{ 0x250, HV_X64_REGISTER_MTRR_FIX64K_00000 },
		{ 0x258, 0x00080071 }, { 0x259, 0x00080072 },	/* FIX16K_80000, _A0000 */
		{ 0x268, 0x00080073 }, { 0x269, 0x00080074 },	/* FIX4K_C0000 ... */
		{ 0x26a, 0x00080075 }, { 0x26b, 0x00080076 },
		{ 0x26c, 0x00080077 }, { 0x26d, 0x00080078 },
		{ 0x26e, 0x00080079 }, { 0x26f, HV_X64_REGISTER_MTRR_FIX4K_F8000 },
	};
	unsigned int seen = 0;

	(void)state;
	assert_int_equal(VTL_NR_MTRRS, 28);
	assert_int_equal(rows_of_kind(VTL_SHARED_MTRR), VTL_NR_MTRRS);
	for (size_t i = 0; i < ARRAY_SIZE(mtrrs); i++, seen++) {
		const struct vtl_shared_reg *r = row_for_msr(mtrrs[i].msr);

		if (!r || r->kind != VTL_SHARED_MTRR || r->hv_name != mtrrs[i].hv_name)
			fail_msg("MTRR MSR %#x: missing or wrong register name", mtrrs[i].msr);
	}
	for (u32 n = 0; n < 8; n++, seen += 2) {
		const struct vtl_shared_reg *base = row_for_msr(0x200 + 2 * n);
		const struct vtl_shared_reg *mask = row_for_msr(0x201 + 2 * n);

		assert_non_null(base);
		assert_non_null(mask);
		assert_int_equal(base->kind, VTL_SHARED_MTRR);
		assert_int_equal(mask->kind, VTL_SHARED_MTRR);
		assert_int_equal(base->hv_name, HV_X64_REGISTER_MTRR_PHYS_BASE(n));
		assert_int_equal(mask->hv_name, HV_X64_REGISTER_MTRR_PHYS_MASK(n));
	}
	assert_int_equal(seen, VTL_NR_MTRRS);
	/* MTRRcap is read-only and per-CPU, not in the list. */
	assert_int_equal(rows_named(HV_X64_REGISTER_MTRR_CAP), 0);
	assert_null(row_for_msr(0xfe));
}

/* TLFS "Private State": none of these may be copied between VTLs. */
static void test_vtl_shared_regs_no_private(void **state)
{
	static const u32 names[] = {
		HV_X64_REGISTER_RSP, HV_X64_REGISTER_RIP, HV_X64_REGISTER_RFLAGS,
		HV_X64_REGISTER_CR0, HV_X64_REGISTER_CR3, HV_X64_REGISTER_CR4, HV_X64_REGISTER_CR8,
		HV_X64_REGISTER_DR7, HV_X64_REGISTER_ES, HV_X64_REGISTER_CS, HV_X64_REGISTER_SS,
		HV_X64_REGISTER_DS, HV_X64_REGISTER_FS, HV_X64_REGISTER_GS, HV_X64_REGISTER_LDTR,
		HV_X64_REGISTER_TR, HV_X64_REGISTER_IDTR, HV_X64_REGISTER_GDTR, HV_X64_REGISTER_TSC,
		HV_X64_REGISTER_EFER, HV_X64_REGISTER_KERNEL_GS_BASE, HV_X64_REGISTER_APIC_BASE,
		HV_X64_REGISTER_PAT, HV_X64_REGISTER_SYSENTER_CS, HV_X64_REGISTER_SYSENTER_EIP,
		HV_X64_REGISTER_SYSENTER_ESP, HV_X64_REGISTER_STAR, HV_X64_REGISTER_LSTAR,
		HV_X64_REGISTER_CSTAR, HV_X64_REGISTER_SFMASK, HV_X64_REGISTER_TSC_AUX,
	};
	static const u32 msrs[] = {
		0xc0000080,	/* EFER */
		0x277,		/* PAT */
		0x174, 0x175, 0x176,	/* SYSENTER_CS/ESP/EIP */
		0xc0000081, 0xc0000082, 0xc0000083, 0xc0000084,	/* STAR, LSTAR, CSTAR, SFMASK */
		0xc0000100, 0xc0000101, 0xc0000102,	/* FS.BASE, GS.BASE, KERNEL_GS_BASE */
		0xc0000103,	/* TSC_AUX */
		0x1b,		/* APIC_BASE */
		HV_X64_MSR_GUEST_OS_ID, HV_X64_MSR_HYPERCALL, HV_X64_MSR_REFERENCE_TSC,
		HV_X64_MSR_APIC_FREQUENCY, HV_X64_MSR_EOI, HV_X64_MSR_ICR, HV_X64_MSR_TPR,
		HV_X64_MSR_VP_ASSIST_PAGE, HV_X64_MSR_SCONTROL, HV_X64_MSR_SVERSION,
		HV_X64_MSR_SIEFP, HV_X64_MSR_SIMP, HV_X64_MSR_EOM, HV_X64_MSR_SIRBP,
		HV_X64_MSR_SINT(0), HV_X64_MSR_SINT(15), HV_X64_MSR_STIMER_CONFIG(0),
		HV_X64_MSR_STIMER_CONFIG(3),
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (rows_named(names[i]))
			fail_msg("private register %#x is in vtl_shared_regs", names[i]);
	for (size_t i = 0; i < ARRAY_SIZE(msrs); i++)
		if (row_for_msr(msrs[i]))
			fail_msg("private MSR %#x is in vtl_shared_regs", msrs[i]);
}

/* TLFS shared synthetic MSRs (DEBUG_DEVICE_OPTIONS left out: vtlvm has no debug device). */
static void test_vtl_shared_regs_synthetic_in_tlfs_list(void **state)
{
	static const u32 tlfs_shared[] = {
		HV_X64_MSR_TSC_FREQUENCY, HV_X64_MSR_VP_INDEX, HV_X64_MSR_VP_RUNTIME,
		HV_X64_MSR_RESET, HV_X64_MSR_TIME_REF_COUNT, HV_X64_MSR_GUEST_IDLE,
	};

	(void)state;
	assert_true(rows_of_kind(VTL_SHARED_SYNTHETIC) > 0);
	for (unsigned int i = 0; i < vtl_shared_regs_count; i++) {
		const struct vtl_shared_reg *r = &vtl_shared_regs[i];
		bool listed = false;

		if (r->kind != VTL_SHARED_SYNTHETIC)
			continue;
		for (size_t j = 0; j < ARRAY_SIZE(tlfs_shared); j++)
			listed |= r->msr == tlfs_shared[j];
		if (!listed)
			fail_msg("%s (MSR %#x) is not shared in the TLFS", r->name, r->msr);
	}
	assert_non_null(row_for_msr(HV_X64_MSR_VP_INDEX));
	assert_int_equal(row_for_msr(HV_X64_MSR_VP_INDEX)->hv_name, HV_REGISTER_VP_INDEX);
	assert_int_equal(row_for_msr(HV_X64_MSR_TIME_REF_COUNT)->hv_name,
			 HV_REGISTER_TIME_REF_COUNT);
}

/* Every row is named, and no register name or MSR appears twice. */
static void test_vtl_shared_regs_rows_unique(void **state)
{
	(void)state;
	for (unsigned int i = 0; i < vtl_shared_regs_count; i++) {
		const struct vtl_shared_reg *a = &vtl_shared_regs[i];

		assert_non_null(a->name);
		assert_true(a->name[0]);
		if ((a->kind == VTL_SHARED_MTRR || a->kind == VTL_SHARED_SYNTHETIC) && !a->msr)
			fail_msg("%s has no MSR", a->name);
		for (unsigned int j = i + 1; j < vtl_shared_regs_count; j++) {
			const struct vtl_shared_reg *b = &vtl_shared_regs[j];

			if (!strcmp(a->name, b->name) || (a->hv_name && a->hv_name == b->hv_name) ||
			    (a->msr && a->msr == b->msr))
				fail_msg("rows %s and %s collide", a->name, b->name);
		}
	}
	assert_int_equal(vtl_shared_regs_count,
			 rows_of_kind(VTL_SHARED_GPR) + rows_of_kind(VTL_SHARED_CR2) +
			 rows_of_kind(VTL_SHARED_DR) + rows_of_kind(VTL_SHARED_FPU) +
			 rows_of_kind(VTL_SHARED_XCR0) + rows_of_kind(VTL_SHARED_MTRR) +
			 rows_of_kind(VTL_SHARED_SYNTHETIC));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vtl_vp_init_only_vtl0),
		cmocka_unit_test(test_vtl_vp_enable_sets_bit),
		cmocka_unit_test(test_vtl_vp_enabled_above_max_vtl),
		cmocka_unit_test(test_vtl_vp_pick_highest_runnable),
		cmocka_unit_test(test_vtl_vp_call_enters_next_vtl),
		cmocka_unit_test(test_vtl_vp_call_refused_without_higher_vtl),
		cmocka_unit_test(test_vtl_vp_return_falls_back_to_vtl0),
		cmocka_unit_test(test_vtl_vp_return_refused_from_vtl0),
		cmocka_unit_test(test_vtl_vp_raise_interrupt_and_intercept),
		cmocka_unit_test(test_vtl_vp_raise_refused_not_enabled),
		cmocka_unit_test(test_vtl_vp_raise_refused_not_above_active),
		cmocka_unit_test(test_vtl_vp_raise_refused_already_runnable),
		cmocka_unit_test(test_vtl_shared_regs_gprs_but_rsp),
		cmocka_unit_test(test_vtl_shared_regs_cr2_and_debug),
		cmocka_unit_test(test_vtl_shared_regs_fpu_and_xcr0),
		cmocka_unit_test(test_vtl_shared_regs_mtrrs),
		cmocka_unit_test(test_vtl_shared_regs_no_private),
		cmocka_unit_test(test_vtl_shared_regs_synthetic_in_tlfs_list),
		cmocka_unit_test(test_vtl_shared_regs_rows_unique),
	};

	return cmocka_run_group_tests_name("vtl", tests, NULL, NULL);
}
