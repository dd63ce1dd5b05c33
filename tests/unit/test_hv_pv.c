// SPDX-License-Identifier: MIT
/*
 * hv/hcall_pv.c and hv/hcall_regs.c through hv_hypercall(): synthetic
 * cluster IPIs (mask and HV_VP_SET forms), TLB flushes, NotifyLongSpinWait,
 * and Get/SetVpRegisters against the MSR view of the same registers.
 *
 * Partitions have 3 VPs, or 70 where a VP set needs a second bank.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "tests/unit/fake_hv.h"

#define IPI		HVCALL_SEND_SYNTHETIC_CLUSTER_IPI
#define IPI_EX		HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX
#define SPACE		HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE
#define LIST		HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST
#define SPACE_EX	HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX
#define LIST_EX		HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX
#define SPARSE		HV_GENERIC_SET_SPARSE_4K
#define ALL		HV_GENERIC_SET_ALL
#define NON_GLOBAL	HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY
#define INVAL		HV_STATUS_INVALID_PARAMETER
#define BAD_INPUT	HV_STATUS_INVALID_HYPERCALL_INPUT

static int setup_n(void **state, u32 nr_vps)
{
	struct fake_hv *f = fake_hv_new(nr_vps);

	if (!f || fake_hv_enable_hcalls(f))
		return -1;
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_n(state, 3);
}

static int setup70(void **state)
{
	return setup_n(state, 70);
}

static int teardown(void **state)
{
	fake_hv_free(*state);
	return 0;
}

/* VPs 0-127 that got an interrupt (each at most once, all with vector) or a flush. */
static unsigned __int128 irq_set(struct fake_hv *f, u8 vector)
{
	unsigned __int128 set = 0;

	for (unsigned int i = 0; i < f->nr_irqs; i++) {
		assert_int_equal(f->irqs[i].vtl, 0);
		assert_int_equal(f->irqs[i].vector, vector);
		assert_false(set & ((unsigned __int128)1 << f->irqs[i].vp));
		set |= (unsigned __int128)1 << f->irqs[i].vp;
	}
	return set;
}

static unsigned __int128 flush_set(struct fake_hv *f)
{
	unsigned __int128 set = 0;

	for (unsigned int i = 0; i < f->nr_flushes; i++) {
		assert_int_equal(f->flushes[i].vtl, 0);
		assert_false(set & ((unsigned __int128)1 << f->flushes[i].vp));
		set |= (unsigned __int128)1 << f->flushes[i].vp;
	}
	return set;
}

#define VPS(lo, hi)	(((unsigned __int128)(hi) << 64) | (u64)(lo))
#define ALL_OF(n)	(((unsigned __int128)1 << (n)) - 1)

/* HvCallSendSyntheticClusterIpi, fast: RDX = vector, target VTL, flags, reserved; R8 = mask. */
static hv_status_t ipi(struct fake_hv *f, u32 vector, u8 vtl, u8 flags, u16 rsvd, u64 mask)
{
	u64 rdx = vector | (u64)vtl << 32 | (u64)flags << 40 | (u64)rsvd << 48;
	struct hv_hcall_regs r = fake_regs64(IPI | HV_HYPERCALL_FAST_BIT, rdx, mask);

	assert_int_equal(hv_hypercall(fake_vp(f, 0), &r), HV_HCALL_DONE);
	return hv_hypercall_result_status(r.rax);
}

/* Write a fixed header of n qwords, then banks, at FAKE_IN_GPA; returns the qwords written. */
static unsigned int put_qwords(struct fake_hv *f, const u64 *hdr, unsigned int n,
			       const u64 *banks, unsigned int nbanks)
{
	u64 *in = fake_gpa(f, FAKE_IN_GPA);

	memcpy(in, hdr, n * 8);
	if (nbanks)
		memcpy(in + n, banks, nbanks * 8);
	return n + nbanks;
}

static hv_status_t ipi_ex(struct fake_hv *f, u32 vector, u64 format, u64 valid,
			  const u64 *banks, unsigned int nbanks)
{
	const u64 hdr[] = { vector, format, valid };

	put_qwords(f, hdr, 3, banks, nbanks);
	return fake_hcall(f, 0, IPI_EX | FAKE_VARHEAD(nbanks), NULL);
}

/* A flush call: header, banks for the Ex forms, then `reps` GVA ranges. */
static hv_status_t flush(struct fake_hv *f, u16 code, u64 flags, u64 mask_or_format, u64 valid,
			 const u64 *banks, unsigned int nbanks, u16 reps, u16 *done)
{
	bool ex = code == SPACE_EX || code == LIST_EX;
	const u64 hdr[] = { 0x1000, flags, mask_or_format, valid };
	unsigned int n = put_qwords(f, hdr, ex ? 4 : 3, banks, nbanks);
	u64 *gvas = (u64 *)fake_gpa(f, FAKE_IN_GPA) + n;

	for (u16 i = 0; i < reps; i++)
		gvas[i] = 0x400000 + i * 0x1000;
	return fake_hcall(f, 1, hv_hypercall_encode(code, false, reps, 0) |
			  FAKE_VARHEAD(ex ? nbanks : 0), done);
}

/* ---- IPIs ------------------------------------------------------------------------------------- */

static void test_ipi_parameters(void **state)
{
	static const struct {
		u32 vector;
		u8 vtl, flags;
		u16 rsvd;
		hv_status_t status;
	} cases[] = {
		{ 0, 0, 0, 0, INVAL }, { 0x0f, 0, 0, 0, INVAL }, { 0x10, 0, 0, 0, 0 },
		{ 0xff, 0, 0, 0, 0 }, { 0x100, 0, 0, 0, INVAL }, { 0xffffffff, 0, 0, 0, INVAL },
		{ 0x30, 0, 1, 0, INVAL }, { 0x30, 0, 0x80, 0, INVAL }, { 0x30, 0, 0, 1, INVAL },
		{ 0x30, 0x20, 0, 0, INVAL }, { 0x30, 0x80, 0, 0, INVAL },
		{ 0x30, HV_INPUT_VTL_USE_TARGET_VTL | 1, 0, 0, HV_STATUS_INVALID_VTL_STATE },
		{ 0x30, HV_INPUT_VTL_USE_TARGET_VTL | 2, 0, 0, INVAL },
		{ 0x30, HV_INPUT_VTL_USE_TARGET_VTL | 0, 0, 0, 0 },
	};
	struct fake_hv *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		f->nr_irqs = 0;
		assert_int_equal(ipi(f, cases[i].vector, cases[i].vtl, cases[i].flags,
				     cases[i].rsvd, BIT(1)), cases[i].status);
		assert_int_equal(f->nr_irqs, cases[i].status ? 0 : 1);
	}
}

static void test_ipi_mask_names_exact_vps(void **state)
{
	struct fake_hv *f = *state;
	const u64 hdr[] = { 0x44, BIT(1) };

	/* VPs 5 and 63 do not exist: skipped, not an error. */
	assert_int_equal(ipi(f, 0x33, 0, 0, 0, BIT(0) | BIT(2) | BIT(5) | BIT(63)), 0);
	assert_true(irq_set(f, 0x33) == VPS(BIT(0) | BIT(2), 0));
	f->nr_irqs = 0;
	assert_int_equal(ipi(f, 0x33, 0, 0, 0, 0), 0);
	assert_int_equal(f->nr_irqs, 0);
	/* The memory form. */
	put_qwords(f, hdr, 2, NULL, 0);
	assert_int_equal(fake_hcall(f, 2, IPI, NULL), 0);
	assert_true(irq_set(f, 0x44) == VPS(BIT(1), 0));
}

static void test_ipi_ex_vp_sets(void **state)
{
	static const struct {
		u64 format, valid;
		unsigned int nbanks;
		u64 banks[3];
		hv_status_t status;
		unsigned __int128 vps;
	} cases[] = {
		{ SPARSE, 0x3, 2, { BIT(3), BIT(1) | BIT(5) | BIT(10) }, 0, VPS(BIT(3), 0x22) },
		{ SPARSE, 0x2, 1, { BIT(0) }, 0, VPS(0, 1) },
		{ SPARSE, 0x21, 2, { BIT(7), ~0ULL }, 0, VPS(BIT(7), 0) },
		{ SPARSE, 0, 0, { 0 }, 0, 0 },
		{ ALL, 0, 0, { 0 }, 0, ALL_OF(70) },
		{ ALL, 0, 1, { 1 }, BAD_INPUT, 0 },
		{ SPARSE, 0x3, 1, { 1 }, BAD_INPUT, 0 },
		{ SPARSE, 0x1, 2, { 1, 1 }, BAD_INPUT, 0 },
		{ SPARSE, 0x0, 1, { 1 }, BAD_INPUT, 0 },
		{ 2, 0x1, 1, { 1 }, INVAL, 0 },
		{ ~0ULL, 0, 0, { 0 }, INVAL, 0 },
	};
	struct fake_hv *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		f->nr_irqs = 0;
		assert_int_equal(ipi_ex(f, 0x55, cases[i].format, cases[i].valid, cases[i].banks,
					cases[i].nbanks), cases[i].status);
		if (irq_set(f, 0x55) != cases[i].vps)
			fail_msg("case %zu: wrong VPs", i);
	}
	/* Vector checks come first. */
	assert_int_equal(ipi_ex(f, 0x0f, ALL, 0, NULL, 0), INVAL);
}

static void test_ipi_ex_fast(void **state)
{
	struct fake_hv *f = *state;
	/* RDX = vector, R8 = format, XMM0 = valid bank mask, bank 1. */
	struct hv_hcall_regs r = fake_regs64(IPI_EX | HV_HYPERCALL_FAST_BIT | FAKE_VARHEAD(1), 0x66,
					     SPARSE);
	u64 xmm0[2] = { 0x2, BIT(4) };

	memcpy(f->xmm[0][0], xmm0, sizeof(xmm0));
	assert_int_equal(hv_hypercall(fake_vp(f, 0), &r), HV_HCALL_DONE);
	assert_int_equal(r.rax, 0);
	assert_true(irq_set(f, 0x66) == VPS(0, BIT(4)));
}

/* ---- flushes ---------------------------------------------------------------------------------- */

static void test_flush_flags(void **state)
{
	static const struct {
		u16 code;
		u64 flags;
		hv_status_t status;
	} cases[] = {
		{ SPACE, 0, 0 }, { SPACE, NON_GLOBAL | HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES, 0 },
		{ SPACE_EX, NON_GLOBAL, 0 }, { LIST, HV_FLUSH_USE_EXTENDED_RANGE_FORMAT, 0 },
		{ LIST, NON_GLOBAL, INVAL }, { LIST_EX, NON_GLOBAL, INVAL },
		{ SPACE, BIT(5), INVAL }, { SPACE, BIT(63), INVAL }, { LIST, BIT(6), INVAL },
		{ SPACE_EX, BIT(10), INVAL }, { LIST_EX, BIT(40), INVAL },
		{ SPACE, HV_FLUSH_USE_TARGET_VTL, INVAL },
	};
	struct fake_hv *f = *state;
	const u64 bank = BIT(1);

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool ex = cases[i].code == SPACE_EX || cases[i].code == LIST_EX;
		bool list = cases[i].code == LIST || cases[i].code == LIST_EX;

		f->nr_flushes = 0;
		assert_int_equal(flush(f, cases[i].code, cases[i].flags, ex ? SPARSE : BIT(1), 1,
				       &bank, ex, list, NULL), cases[i].status);
		assert_int_equal(f->nr_flushes, cases[i].status ? 0 : 1);
	}
}

static void test_flush_exact_vps(void **state)
{
	struct fake_hv *f = *state;

	assert_int_equal(flush(f, SPACE, 0, BIT(0) | BIT(2) | BIT(40), 0, NULL, 0, 0, NULL), 0);
	assert_true(flush_set(f) == VPS(BIT(0) | BIT(2), 0));
	f->nr_flushes = 0;
	assert_int_equal(flush(f, SPACE, HV_FLUSH_ALL_PROCESSORS, 0, 0, NULL, 0, 0, NULL), 0);
	assert_true(flush_set(f) == ALL_OF(3));
	f->nr_flushes = 0;
	assert_int_equal(flush(f, SPACE, 0, 0, 0, NULL, 0, 0, NULL), 0);
	assert_int_equal(f->nr_flushes, 0);
	/* A failed flush fails the call. */
	f->flush_ret = -EIO;
	assert_int_equal(flush(f, SPACE, 0, BIT(1), 0, NULL, 0, 0, NULL),
			 HV_STATUS_OPERATION_FAILED);
}

static void test_flush_ex_vp_sets(void **state)
{
	struct fake_hv *f = *state;
	const u64 banks[] = { BIT(1), BIT(5) | BIT(6) };

	assert_int_equal(flush(f, SPACE_EX, 0, SPARSE, 0x3, banks, 2, 0, NULL), 0);
	assert_true(flush_set(f) == VPS(BIT(1), BIT(5)));
	f->nr_flushes = 0;
	assert_int_equal(flush(f, SPACE_EX, 0, ALL, 0, NULL, 0, 0, NULL), 0);
	assert_true(flush_set(f) == ALL_OF(70));
	f->nr_flushes = 0;
	assert_int_equal(flush(f, SPACE_EX, HV_FLUSH_ALL_PROCESSORS, SPARSE, 0, NULL, 0, 0, NULL), 0);
	assert_true(flush_set(f) == ALL_OF(70));
	f->nr_flushes = 0;
	assert_int_equal(flush(f, SPACE_EX, 0, SPARSE, 0x3, banks, 1, 0, NULL), BAD_INPUT);
	assert_int_equal(flush(f, SPACE_EX, 0, 7, 0, NULL, 0, 0, NULL), INVAL);
	assert_int_equal(f->nr_flushes, 0);
}

static void test_flush_lists_complete_all_reps(void **state)
{
	struct fake_hv *f = *state;
	const u64 bank = BIT(2);
	u16 done = 0;
	struct hv_hcall_regs r;

	assert_int_equal(flush(f, LIST, 0, BIT(0), 0, NULL, 0, 5, &done), 0);
	assert_int_equal(done, 5);
	assert_true(flush_set(f) == VPS(BIT(0), 0));
	f->nr_flushes = 0;
	assert_int_equal(flush(f, LIST_EX, 0, SPARSE, 1, &bank, 1, 300, &done), 0);
	assert_int_equal(done, 300);
	assert_true(flush_set(f) == VPS(BIT(2), 0));
	/* From a rep start: reps completed count from 0 (the input is the previous call's). */
	assert_int_equal(flush(f, LIST, 0, BIT(1), 0, NULL, 0, 5, NULL), 0);
	r = fake_regs64(hv_hypercall_encode(LIST, false, 5, 3), FAKE_IN_GPA, 0);
	assert_int_equal(hv_hypercall(fake_vp(f, 0), &r), HV_HCALL_DONE);
	assert_int_equal(r.rax, hv_hypercall_result(0, 5));
	/* A failing list completes nothing. */
	assert_int_equal(flush(f, LIST, NON_GLOBAL, BIT(0), 0, NULL, 0, 4, &done), INVAL);
	assert_int_equal(done, 0);
}

static void test_notify_long_spin_wait(void **state)
{
	struct fake_hv *f = *state;
	struct hv_hcall_regs r = fake_regs64(HVCALL_NOTIFY_LONG_SPIN_WAIT | HV_HYPERCALL_FAST_BIT,
					     1000, 0);

	assert_int_equal(hv_hypercall(fake_vp(f, 2), &r), HV_HCALL_DONE);
	assert_int_equal(r.rax, 0);
	assert_int_equal(fake_hcall(f, 1, HVCALL_NOTIFY_LONG_SPIN_WAIT, NULL), 0);
	assert_int_equal(f->nr_irqs + f->nr_flushes, 0);
}

/* ---- Get/SetVpRegisters ----------------------------------------------------------------------- */

struct regs_hdr {
	u64 partition;
	u32 vp;
	u8 vtl;
	u8 rsvd;
};

#define SELF_HDR { HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, 0, 0 }

static void put_regs_hdr(struct fake_hv *f, struct regs_hdr h)
{
	struct hv_input_get_set_vp_registers in = {
		.partition_id = h.partition, .vp_index = h.vp, .input_vtl = h.vtl,
		.reserved = { h.rsvd },
	};

	memcpy(fake_gpa(f, FAKE_IN_GPA), &in, sizeof(in));
}

/* GetVpRegisters from VP1; out[] gets the low qwords of the values. */
static hv_status_t get(struct fake_hv *f, struct regs_hdr h, const u32 *names, u16 n, u64 *out)
{
	u8 *in = fake_gpa(f, FAKE_IN_GPA);
	const union hv_register_value *v = fake_gpa(f, FAKE_OUT_GPA);
	hv_status_t st;

	put_regs_hdr(f, h);
	memcpy(in + 16, names, n * 4);
	memset(fake_gpa(f, FAKE_OUT_GPA), 0xff, n * sizeof(*v));
	st = fake_hcall(f, 1, hv_hypercall_encode(HVCALL_GET_VP_REGISTERS, false, n, 0), NULL);
	for (u16 i = 0; out && i < n; i++)
		out[i] = v[i].reg64;
	return st;
}

static hv_status_t set(struct fake_hv *f, struct regs_hdr h, const struct hv_register_assoc *a,
		       u16 n)
{
	put_regs_hdr(f, h);
	memcpy((u8 *)fake_gpa(f, FAKE_IN_GPA) + 16, a, n * sizeof(*a));
	return fake_hcall(f, 1, hv_hypercall_encode(HVCALL_SET_VP_REGISTERS, false, n, 0), NULL);
}

#define ASSOC(n, v)	{ .name = (n), .value = { .reg64 = (v) } }

static void test_regs_target(void **state)
{
	static const struct {
		struct regs_hdr h;
		hv_status_t status;
	} cases[] = {
		{ SELF_HDR, 0 },
		{ { HV_PARTITION_ID_SELF, 1, 0, 0 }, 0 },
		{ { HV_PARTITION_ID_SELF, 0, 0, 0 }, HV_STATUS_INVALID_VP_INDEX },
		{ { HV_PARTITION_ID_SELF, 2, 0, 0 }, HV_STATUS_INVALID_VP_INDEX },
		{ { HV_PARTITION_ID_SELF, HV_ANY_VP, 0, 0 }, HV_STATUS_INVALID_VP_INDEX },
		{ { 0x1234, HV_VP_INDEX_SELF, 0, 0 }, HV_STATUS_INVALID_PARTITION_ID },
		{ { 0, HV_VP_INDEX_SELF, 0, 0 }, HV_STATUS_INVALID_PARTITION_ID },
		{ { HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, 0x10, 0 }, 0 },
		{ { HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, 0x11, 0 }, HV_STATUS_ACCESS_DENIED },
		{ { HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, 0x20, 0 }, INVAL },
		{ { HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, 0, 1 }, INVAL },
	};
	static const u32 name = HV_REGISTER_VP_INDEX;
	const struct hv_register_assoc a = ASSOC(HV_REGISTER_GUEST_OS_ID, 0x42);
	struct fake_hv *f = *state;
	u64 v;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		v = ~0ULL;
		assert_int_equal(get(f, cases[i].h, &name, 1, &v), cases[i].status);
		assert_int_equal(v, cases[i].status ? ~0ULL : 1);
		assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_GUEST_OS_ID, 7), 0);
		assert_int_equal(set(f, cases[i].h, &a, 1), cases[i].status);
		assert_int_equal(hv_msr_read(fake_vp(f, 1), HV_X64_MSR_GUEST_OS_ID, &v), 0);
		assert_int_equal(v, cases[i].status ? 7 : 0x42);
	}
}

static void test_regs_unknown_names(void **state)
{
	static const u32 unknown[] = {
		HV_X64_REGISTER_RAX, HV_X64_REGISTER_RIP, HV_X64_REGISTER_CR3,
		HV_X64_REGISTER_EOI, HV_REGISTER_SIRBP,
		HV_REGISTER_HYPERVISOR_VERSION, HV_REGISTER_STIMER_CONFIG(4), 0xdeadbeef,
	};
	struct fake_hv *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(unknown); i++) {
		struct hv_register_assoc a = ASSOC(unknown[i], 0);

		assert_int_equal(get(f, (struct regs_hdr)SELF_HDR, &unknown[i], 1, NULL),
				 HV_STATUS_UNKNOWN_REGISTER_NAME);
		assert_int_equal(set(f, (struct regs_hdr)SELF_HDR, &a, 1),
				 HV_STATUS_UNKNOWN_REGISTER_NAME);
	}
}

static void test_regs_withheld_privilege(void **state)
{
	static const struct {
		u32 name;
		u64 privilege;
		u32 feature;
	} cases[] = {
		{ HV_REGISTER_SINT(0), HV_ACCESS_SYNIC_REGS, 0 },
		{ HV_REGISTER_SCONTROL, HV_ACCESS_SYNIC_REGS, 0 },
		{ HV_REGISTER_STIMER0_COUNT, HV_ACCESS_SYNTHETIC_TIMER_REGS, 0 },
		{ HV_REGISTER_VP_INDEX, HV_ACCESS_VP_INDEX, 0 },
		{ HV_REGISTER_VP_RUNTIME, HV_ACCESS_VP_RUNTIME_REG, 0 },
		{ HV_REGISTER_REFERENCE_TSC, HV_ACCESS_PARTITION_REFERENCE_TSC, 0 },
		{ HV_REGISTER_GUEST_CRASH_P0 + 2, 0, HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hv_config cfg = fake_hv_config(2);
		struct hv_register_assoc a = ASSOC(cases[i].name, 0);
		struct fake_hv *f;

		cfg.privilege_mask = ~cases[i].privilege;
		cfg.feature_mask = ~cases[i].feature;
		f = fake_hv_new_cfg(&cfg);
		assert_non_null(f);
		assert_int_equal(fake_hv_enable_hcalls(f), 0);
		assert_int_equal(get(f, (struct regs_hdr)SELF_HDR, &cases[i].name, 1, NULL),
				 HV_STATUS_ACCESS_DENIED);
		assert_int_equal(set(f, (struct regs_hdr)SELF_HDR, &a, 1), HV_STATUS_ACCESS_DENIED);
		fake_hv_free(f);
	}
}

static void test_regs_set_refused(void **state)
{
	static const struct hv_register_assoc cases[] = {
		ASSOC(HV_REGISTER_VP_INDEX, 1), ASSOC(HV_REGISTER_VP_RUNTIME, 0),
		ASSOC(HV_REGISTER_TIME_REF_COUNT, 0), ASSOC(HV_REGISTER_SVERSION, 1),
		ASSOC(HV_REGISTER_SINT(2), 0x05), ASSOC(HV_X64_REGISTER_HYPERCALL, FAKE_HV_RAM | 1),
		ASSOC(HV_REGISTER_STIMER_CONFIG(1), BIT(63)),
	};
	struct fake_hv *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(set(f, (struct regs_hdr)SELF_HDR, &cases[i], 1),
				 HV_STATUS_INVALID_REGISTER_VALUE);
	for (int field = 0; field < 3; field++) {
		struct hv_register_assoc a = ASSOC(HV_REGISTER_SINT(2), 0x40);
		u64 v;

		if (field == 0)
			a.reserved1 = 1;
		else if (field == 1)
			a.reserved2 = 1;
		else
			a.value.reg128.high = 1;
		assert_int_equal(set(f, (struct regs_hdr)SELF_HDR, &a, 1), INVAL);
		assert_int_equal(hv_msr_read(fake_vp(f, 1), HV_X64_MSR_SINT(2), &v), 0);
		assert_int_equal(v, HV_SYNIC_SINT_RESET_VALUE);
	}
}

static void test_regs_round_trip_with_msrs(void **state)
{
	static const struct {
		u32 name, msr;
		u64 value, value2;
	} regs[] = {
		{ HV_REGISTER_GUEST_OS_ID, HV_X64_MSR_GUEST_OS_ID, FAKE_GUEST_OS_ID | 5,
		  FAKE_GUEST_OS_ID | 6 },
		{ HV_REGISTER_SINT(3), HV_X64_MSR_SINT(3), 0x4e, 0x4f },
		{ HV_REGISTER_SINT(15), HV_X64_MSR_SINT15, HV_SYNIC_SINT_MASKED | 0x07, 0x80 },
		{ HV_REGISTER_SCONTROL, HV_X64_MSR_SCONTROL, 1, 0 },
		{ HV_REGISTER_SIMP, HV_X64_MSR_SIMP, FAKE_SIMP_GPA | 1, FAKE_SIMP_GPA },
		{ HV_REGISTER_STIMER_CONFIG(2), HV_X64_MSR_STIMER_CONFIG(2),
		  (u64)3 << HV_STIMER_SINTX_SHIFT, (u64)4 << HV_STIMER_SINTX_SHIFT },
		{ HV_REGISTER_STIMER_COUNT(3), HV_X64_MSR_STIMER3_COUNT, 12345, 54321 },
		{ HV_REGISTER_GUEST_CRASH_P0 + 4, HV_X64_MSR_CRASH_P4, 0xabcdef, 0x123 },
		{ HV_REGISTER_REFERENCE_TSC, HV_X64_MSR_REFERENCE_TSC, FAKE_PAGE_GPA,
		  FAKE_PAGE_GPA | 1 },
	};
	struct fake_hv *f = *state;
	struct hv_register_assoc a[ARRAY_SIZE(regs)];
	u32 names[ARRAY_SIZE(regs) + 2];
	u64 v[ARRAY_SIZE(regs) + 2];
	const u16 n = ARRAY_SIZE(regs);

	for (u16 i = 0; i < n; i++) {
		a[i] = (struct hv_register_assoc)ASSOC(regs[i].name, regs[i].value);
		names[i] = regs[i].name;
	}
	assert_int_equal(set(f, (struct regs_hdr)SELF_HDR, a, n), 0);
	for (u16 i = 0; i < n; i++) {
		assert_int_equal(hv_msr_read(fake_vp(f, 1), regs[i].msr, &v[0]), 0);
		assert_int_equal(v[0], regs[i].value);
	}
	/* And back: MSR writes seen through GetVpRegisters, with read-only registers. */
	for (u16 i = 0; i < n; i++)
		assert_int_equal(hv_msr_write(fake_vp(f, 1), regs[i].msr, regs[i].value2), 0);
	names[n] = HV_REGISTER_VP_INDEX;
	names[n + 1] = HV_REGISTER_SVERSION;
	assert_int_equal(get(f, (struct regs_hdr)SELF_HDR, names, n + 2, v), 0);
	for (u16 i = 0; i < n; i++)
		assert_int_equal(v[i], regs[i].value2);
	assert_int_equal(v[n], 1);
	assert_int_equal(v[n + 1], HV_SYNIC_VERSION_1);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
#define T70(t) cmocka_unit_test_setup_teardown(t, setup70, teardown)
	const struct CMUnitTest tests[] = {
		T(test_ipi_parameters),
		T(test_ipi_mask_names_exact_vps),
		T70(test_ipi_ex_vp_sets),
		T70(test_ipi_ex_fast),
		T(test_flush_flags),
		T(test_flush_exact_vps),
		T70(test_flush_ex_vp_sets),
		T(test_flush_lists_complete_all_reps),
		T(test_notify_long_spin_wait),
		T(test_regs_target),
		T(test_regs_unknown_names),
		cmocka_unit_test(test_regs_withheld_privilege),
		T(test_regs_set_refused),
		T(test_regs_round_trip_with_msrs),
	};

	return cmocka_run_group_tests_name("hv_pv", tests, NULL, NULL);
}
