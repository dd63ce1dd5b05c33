// SPDX-License-Identifier: MIT
/*
 * vtl/vsm.c through hv_hypercall(): every VSM hypercall (EnablePartitionVtl,
 * EnableVpVtl, VtlCall, VtlReturn, StartVirtualProcessor,
 * GetVpIndexFromApicId) with its checks in order, on a fake partition
 * (fake_vsm.h) of 4 VPs whose VMM side records what VSM asks of it. The VSM
 * registers (vtl/vsm_regs.c) are test_vsm_regs.c's.
 *
 * "Bring-up" below is what a guest does first: VTL0 of VP0 enables VTL1 in
 * the partition, then on VP0 itself.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "tests/unit/fake_vsm.h"

#define NR_VPS		FAKE_VSM_TEST_VPS
#define SELF		HV_PARTITION_ID_SELF
#define OK		HV_STATUS_SUCCESS
#define INVAL		HV_STATUS_INVALID_PARAMETER
#define DENIED		HV_STATUS_ACCESS_DENIED
#define epv_in		fake_epv_input
#define evv_in		fake_evv_input

static struct hv_vp *vp_of(struct fake_vsm *fv, u8 vtl, u32 index)
{
	struct hv_vp *vp = fake_vsm_vp(fv, vtl, index);

	assert_non_null(vp);
	return vp;
}

static hv_status_t epv(struct fake_vsm *fv, u8 vtl, u32 vp,
		       const struct hv_input_enable_partition_vtl *in)
{
	return fake_vsm_call(fv, vtl, vp, HVCALL_ENABLE_PARTITION_VTL, in, sizeof(*in));
}

static hv_status_t evv(struct fake_vsm *fv, u8 vtl, u32 vp, const struct hv_input_enable_vp_vtl *in)
{
	return fake_vsm_call(fv, vtl, vp, HVCALL_ENABLE_VP_VTL, in, sizeof(*in));
}

static struct hv_input_start_virtual_processor svp_in(u32 index, u8 target)
{
	return (struct hv_input_start_virtual_processor) {
		.partition_id = SELF, .vp_index = index, .target_vtl = target,
		.vp_context = fake_vp_ctx,
	};
}

static hv_status_t svp(struct fake_vsm *fv, u8 vtl, u32 vp,
		       const struct hv_input_start_virtual_processor *in)
{
	return fake_vsm_call(fv, vtl, vp, HVCALL_START_VIRTUAL_PROCESSOR, in, sizeof(*in));
}

static void bring_up(struct fake_vsm *fv)
{
	assert_int_equal(fake_vsm_bring_up(fv), OK);
	assert_true(vtl_vp_enabled(&fv->sched[0], 1));
}

/* ---- vsm_create / vsm_attach_vp / vsm_destroy ------------------------------------------------ */

static void test_vsm_create_initial_state(void **state)
{
	struct fake_vsm *fv = *state;
	struct vsm *vsm = fv->vsm;

	assert_ptr_equal(vsm_of(fv->f->hv), vsm);
	assert_ptr_equal(vsm->hv, fv->f->hv);
	assert_int_equal(vsm->nr_vps, NR_VPS);
	assert_int_equal(vsm->max_vtl, 1);
	assert_true(vsm_vtl_enabled(vsm, 0));
	assert_false(vsm_vtl_enabled(vsm, 1));
	assert_false(vsm_deny_lower_vtl_startup(vsm));
	for (u32 i = 0; i < NR_VPS; i++)
		assert_ptr_equal(vsm->vps[i].sched, &fv->sched[i]);
	/* An index past the partition is ignored. */
	vsm_attach_vp(vsm, NR_VPS, &fv->sched[0]);
	vsm_attach_vp(vsm, HV_VP_INDEX_SELF, &fv->sched[0]);
	assert_ptr_equal(vsm->vps[NR_VPS - 1].sched, &fv->sched[NR_VPS - 1]);
	assert_int_equal(fv->nr_enable_partition + fv->enable_vp.n + fv->start_vp.n, 0);
}

static void test_vsm_destroy_detaches(void **state)
{
	struct fake_vsm *fv = *state;

	vsm_destroy(fv->vsm);
	fv->vsm = NULL;
	assert_null(vsm_of(fv->f->hv));
	vsm_destroy(NULL);
}

/* The VSM family merges into hv/'s table whole, each row well formed (as test_hcall.c's walk). */
static void test_vsm_hcalls_table(void **state)
{
	static const u16 codes[] = {
		HVCALL_ENABLE_PARTITION_VTL, HVCALL_ENABLE_VP_VTL, HVCALL_VTL_CALL,
		HVCALL_VTL_RETURN, HVCALL_START_VIRTUAL_PROCESSOR, HVCALL_GET_VP_INDEX_FROM_APIC_ID,
	};
	struct fake_vsm *fv = *state;
	const struct hv *hv = fv->f->hv;

	assert_int_equal(vsm_hcalls_count, ARRAY_SIZE(codes));
	assert_int_equal(hv->nr_hcalls, hv_hcalls_pv_count + hv_hcalls_synic_count +
			 hv_hcalls_regs_count + vsm_hcalls_count);
	for (unsigned int i = 0; i < ARRAY_SIZE(codes); i++) {
		const struct hv_hcall_desc *d = hv_hcall_find(hv, codes[i]);

		assert_non_null(d);
		assert_ptr_equal(d, &vsm_hcalls[i]);	/* the family is sorted by code */
		assert_true(d->name && d->name[0]);
		assert_non_null(d->fn);
		assert_true(d->in_size <= HV_PAGE_SIZE && d->out_size <= HV_PAGE_SIZE);
		assert_true(!(d->flags & HCALL_REP) || d->rep_in_size || d->rep_out_size);
		/* VtlCall and VtlReturn alone take the switch path: no status, no lists. */
		assert_int_equal(!!(d->flags & HCALL_VTL_SWITCH),
				 codes[i] == HVCALL_VTL_CALL || codes[i] == HVCALL_VTL_RETURN);
	}
}

/* The dispatcher's privilege gate comes before any VSM check. */
static void test_vsm_hcalls_need_privileges(void **state)
{
	struct hv_config cfg = fake_hv_config(NR_VPS);
	struct hv_input_enable_partition_vtl p = epv_in(1);
	struct hv_input_start_virtual_processor s = svp_in(1, 0);
	struct hv_input_get_vp_index_from_apic_id v = { .partition_id = SELF };
	struct fake_vsm *fv;

	(void)state;
	cfg.privilege_mask = ~(HV_ACCESS_VSM | HV_START_VIRTUAL_PROCESSOR);
	fv = fake_vsm_new_cfg(&cfg);
	assert_non_null(fv);
	assert_int_equal(epv(fv, 0, 0, &p), DENIED);
	assert_int_equal(svp(fv, 0, 0, &s), DENIED);
	memcpy(fake_gpa(fv->f, FAKE_IN_GPA), &v, sizeof(v));
	assert_int_equal(fake_hcall_on(vp_of(fv, 0, 0),
				       hv_hypercall_encode(HVCALL_GET_VP_INDEX_FROM_APIC_ID,
							   false, 1, 0), NULL), DENIED);
	assert_int_equal(fv->nr_enable_partition + fv->start_vp.n, 0);
	fake_vsm_free(fv);
}

/* ---- HvCallEnablePartitionVtl ---------------------------------------------------------------- */

static void test_enable_partition_vtl_checks_in_order(void **state)
{
	static const struct {
		u64 partition;
		u8 target, flags;
		u16 rsvd0;
		u32 rsvd1;
		hv_status_t status;
	} cases[] = {
		{ 0, 1, 0, 0, 0, HV_STATUS_INVALID_PARTITION_ID },
		{ 0x1234, 5, 1, 1, 1, HV_STATUS_INVALID_PARTITION_ID },	/* partition first */
		{ SELF, 0, 0, 0, 0, DENIED },		/* not above the caller */
		{ SELF, 2, 0, 0, 0, DENIED },		/* above the partition's maximum */
		{ SELF, 0xff, 0, 0, 0, DENIED },
		{ SELF, 2, HV_ENABLE_PARTITION_VTL_MBEC, 1, 0, DENIED },	/* target first */
		{ SELF, 1, HV_ENABLE_PARTITION_VTL_MBEC, 0, 0, INVAL },	/* no MBEC in vtlvm */
		{ SELF, 1, HV_ENABLE_PARTITION_VTL_SUPERVISOR_SHADOW_STACK, 0, 0, INVAL },
		{ SELF, 1, HV_ENABLE_PARTITION_VTL_HARDWARE_HVPT, 0, 0, INVAL },
		{ SELF, 1, 0x80, 0, 0, INVAL },
		{ SELF, 1, 0, 1, 0, INVAL },
		{ SELF, 1, 0, 0, 0x100, INVAL },
	};
	struct fake_vsm *fv = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hv_input_enable_partition_vtl in = {
			cases[i].partition, cases[i].target, cases[i].flags, cases[i].rsvd0,
			cases[i].rsvd1,
		};

		if (epv(fv, 0, 0, &in) != cases[i].status)
			fail_msg("case %zu: want status %#x", i, cases[i].status);
	}
	assert_int_equal(fv->nr_enable_partition, 0);
	assert_false(vsm_vtl_enabled(fv->vsm, 1));
	assert_null(fake_vsm_vp(fv, 1, 0));
}

static void test_enable_partition_vtl_once(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_enable_partition_vtl in = epv_in(1);

	assert_int_equal(epv(fv, 0, 1, &in), OK);
	assert_int_equal(fv->nr_enable_partition, 1);
	assert_int_equal(fv->enable_partition_vtl, 1);
	assert_true(vsm_vtl_enabled(fv->vsm, 1));
	/* The partition's VTLs, not a VP's: no VP has VTL1 yet. */
	for (u32 i = 0; i < NR_VPS; i++)
		assert_false(vtl_vp_enabled(&fv->sched[i], 1));
	/* Twice: VtlAlreadyEnabled, from any VP, and the VMM is not asked again. */
	assert_int_equal(epv(fv, 0, 1, &in), HV_STATUS_VTL_ALREADY_ENABLED);
	assert_int_equal(epv(fv, 0, 3, &in), HV_STATUS_VTL_ALREADY_ENABLED);
	assert_int_equal(fv->nr_enable_partition, 1);
}

/* The input fits RDX:R8, so the fast form works too (partition id, then target VTL and flags). */
static void test_enable_partition_vtl_fast(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_hcall_regs r = fake_regs64(HVCALL_ENABLE_PARTITION_VTL | HV_HYPERCALL_FAST_BIT,
					     SELF, 1 | (u64)HV_ENABLE_PARTITION_VTL_MBEC << 8);

	assert_int_equal(hv_hypercall(vp_of(fv, 0, 0), &r), HV_HCALL_DONE);
	assert_int_equal(r.rax, INVAL);
	r = fake_regs64(HVCALL_ENABLE_PARTITION_VTL | HV_HYPERCALL_FAST_BIT, SELF, 1);
	assert_int_equal(hv_hypercall(vp_of(fv, 0, 0), &r), HV_HCALL_DONE);
	assert_int_equal(r.rax, OK);
	assert_true(vsm_vtl_enabled(fv->vsm, 1));
	assert_int_equal(fv->nr_enable_partition, 1);
}

static void test_enable_partition_vtl_from_vtl1_denied(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_enable_partition_vtl in = epv_in(1);

	bring_up(fv);
	/* VTL1 is the top: it cannot enable itself (AccessDenied precedes VtlAlreadyEnabled). */
	assert_int_equal(epv(fv, 1, 0, &in), DENIED);
	in.target_vtl = 0;
	assert_int_equal(epv(fv, 1, 0, &in), DENIED);
	assert_int_equal(fv->nr_enable_partition, 1);
}

static void test_enable_partition_vtl_host_failure(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_enable_partition_vtl in = epv_in(1);

	fv->enable_partition_ret = -ENOMEM;
	assert_int_equal(epv(fv, 0, 0, &in), HV_STATUS_INSUFFICIENT_MEMORY);
	assert_false(vsm_vtl_enabled(fv->vsm, 1));
	/* Nothing was taken: the guest may try again. */
	fv->enable_partition_ret = 0;
	assert_int_equal(epv(fv, 0, 0, &in), OK);
	assert_true(vsm_vtl_enabled(fv->vsm, 1));
	assert_int_equal(fv->nr_enable_partition, 2);
}

/* ---- HvCallEnableVpVtl ----------------------------------------------------------------------- */

static void test_enable_vp_vtl_checks_in_order(void **state)
{
	static const struct {
		u64 partition;
		u32 index;
		u8 target, rsvd;
		hv_status_t status;
	} cases[] = {
		{ 0x42, NR_VPS, 0, 1, HV_STATUS_INVALID_PARTITION_ID },
		{ SELF, NR_VPS, 0, 1, HV_STATUS_INVALID_VP_INDEX },	/* VP before VTL */
		{ SELF, HV_ANY_VP, 1, 0, HV_STATUS_INVALID_VP_INDEX },
		{ SELF, 0, 0, 0, INVAL },
		{ SELF, 0, 2, 0, INVAL },
		{ SELF, 0, 0x11, 0, INVAL },
		{ SELF, 0, 1, 1, INVAL },
		{ SELF, 0, 1, 0, HV_STATUS_INVALID_VTL_STATE },		/* not in the partition */
		{ SELF, HV_VP_INDEX_SELF, 1, 0, HV_STATUS_INVALID_VTL_STATE },
	};
	struct fake_vsm *fv = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hv_input_enable_vp_vtl in = evv_in(cases[i].index);

		in.partition_id = cases[i].partition;
		in.target_vtl = cases[i].target;
		in.reserved_z[2] = cases[i].rsvd;
		if (evv(fv, 0, 0, &in) != cases[i].status)
			fail_msg("case %zu: want status %#x", i, cases[i].status);
	}
	assert_int_equal(fv->enable_vp.n, 0);
	assert_false(vtl_vp_enabled(&fv->sched[0], 1));
}

static void test_enable_vp_vtl_bootstrap_own_vp(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_enable_partition_vtl p = epv_in(1);
	struct hv_input_enable_vp_vtl in = evv_in(HV_VP_INDEX_SELF);

	assert_int_equal(epv(fv, 0, 0, &p), OK);
	assert_int_equal(evv(fv, 0, 2, &in), OK);
	assert_int_equal(fv->enable_vp.n, 1);
	assert_ptr_equal(fv->enable_vp.caller, &fv->f->vcpu[2]);
	assert_int_equal(fv->enable_vp.vp, 2);		/* HV_VP_INDEX_SELF is the caller's */
	assert_int_equal(fv->enable_vp.vtl, 1);
	assert_memory_equal(&fv->enable_vp.ctx, &fake_vp_ctx, sizeof(fake_vp_ctx));
	assert_true(vtl_vp_enabled(&fv->sched[2], 1));
	assert_false(vtl_vp_enabled(&fv->sched[0], 1));
	/* Enabling a VTL on a VP does not enter it. */
	assert_int_equal(fv->sched[2].runnable, BIT(0));
	assert_false(fv->vsm->vps[2].enabling);
}

static void test_enable_vp_vtl_twice_already_enabled(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_enable_vp_vtl in = evv_in(0);

	bring_up(fv);
	/* From VTL0 (already-enabled comes before VTL0's restrictions) and from VTL1. */
	assert_int_equal(evv(fv, 0, 0, &in), HV_STATUS_VTL_ALREADY_ENABLED);
	assert_int_equal(evv(fv, 1, 0, &in), HV_STATUS_VTL_ALREADY_ENABLED);
	in.vp_index = HV_VP_INDEX_SELF;
	assert_int_equal(evv(fv, 1, 0, &in), HV_STATUS_VTL_ALREADY_ENABLED);
	assert_int_equal(fv->enable_vp.n, 1);
}

static void test_enable_vp_vtl_vtl0_other_vp_denied(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_enable_partition_vtl p = epv_in(1);
	struct hv_input_enable_vp_vtl in = evv_in(1);

	assert_int_equal(epv(fv, 0, 0, &p), OK);
	assert_int_equal(evv(fv, 0, 0, &in), DENIED);
	assert_int_equal(fv->enable_vp.n, 0);
	assert_false(vtl_vp_enabled(&fv->sched[1], 1));
	/* The refusal took nothing: VP0 may still bootstrap itself. */
	in.vp_index = 0;
	assert_int_equal(evv(fv, 0, 0, &in), OK);
}

static void test_enable_vp_vtl_vtl0_second_vp_denied(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_enable_vp_vtl in = evv_in(HV_VP_INDEX_SELF);

	bring_up(fv);
	/* VTL0 bootstraps one VP; after that only VTL1 enables VPs. */
	assert_int_equal(evv(fv, 0, 1, &in), DENIED);
	in.vp_index = 3;
	assert_int_equal(evv(fv, 0, 3, &in), DENIED);
	assert_int_equal(fv->enable_vp.n, 1);
	assert_false(vtl_vp_enabled(&fv->sched[1], 1));
	assert_false(vtl_vp_enabled(&fv->sched[3], 1));
}

static void test_enable_vp_vtl_vtl1_enables_other_vps(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_enable_vp_vtl in = evv_in(3);

	bring_up(fv);
	assert_int_equal(evv(fv, 1, 0, &in), OK);
	assert_int_equal(fv->enable_vp.n, 2);
	assert_ptr_equal(fv->enable_vp.caller, &fv->vcpu1[0]);	/* VTL1's vCPU asked */
	assert_int_equal(fv->enable_vp.vp, 3);
	assert_true(vtl_vp_enabled(&fv->sched[3], 1));
	in.vp_index = 1;
	assert_int_equal(evv(fv, 1, 0, &in), OK);
	assert_true(vtl_vp_enabled(&fv->sched[1], 1));
	assert_false(vtl_vp_enabled(&fv->sched[2], 1));
}

static void test_enable_vp_vtl_host_status(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_enable_partition_vtl p = epv_in(1);
	struct hv_input_enable_vp_vtl in = evv_in(0);

	assert_int_equal(epv(fv, 0, 0, &p), OK);
	fv->enable_vp_status = HV_STATUS_INVALID_REGISTER_VALUE;	/* a bad context */
	assert_int_equal(evv(fv, 0, 0, &in), HV_STATUS_INVALID_REGISTER_VALUE);
	fv->enable_vp_status = HV_STATUS_INSUFFICIENT_MEMORY;
	assert_int_equal(evv(fv, 0, 0, &in), HV_STATUS_INSUFFICIENT_MEMORY);
	assert_false(vtl_vp_enabled(&fv->sched[0], 1));
	assert_false(fv->vsm->vps[0].enabling);
	/* A failed bootstrap is not the one bootstrap VTL0 gets. */
	fv->enable_vp_status = OK;
	assert_int_equal(evv(fv, 0, 0, &in), OK);
	assert_int_equal(fv->enable_vp.n, 3);
	assert_true(vtl_vp_enabled(&fv->sched[0], 1));
}

/* ---- HvCallStartVirtualProcessor ------------------------------------------------------------- */

static void test_start_vp_checks_in_order(void **state)
{
	static const struct {
		u64 partition;
		u32 index;
		u8 target, rsvd0;
		u16 rsvd1;
		hv_status_t status;
	} cases[] = {
		{ 7, 0, 5, 1, 0, HV_STATUS_INVALID_PARTITION_ID },
		{ SELF, 0, 5, 1, 0, HV_STATUS_INVALID_VP_INDEX },	/* the caller itself */
		{ SELF, HV_VP_INDEX_SELF, 0, 0, 0, HV_STATUS_INVALID_VP_INDEX },
		{ SELF, NR_VPS, 0, 0, 0, HV_STATUS_INVALID_VP_INDEX },
		{ SELF, HV_ANY_VP, 0, 0, 0, HV_STATUS_INVALID_VP_INDEX },
		{ SELF, 1, 1, 1, 0, INVAL },			/* reserved before the VTL rules */
		{ SELF, 1, 0, 0, 1, INVAL },
		{ SELF, 1, 0x10, 0, 0, INVAL },
		{ SELF, 1, 1, 0, 0, DENIED },			/* above the caller */
		{ SELF, 1, 0, 0, 0, OK },
	};
	struct fake_vsm *fv = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hv_input_start_virtual_processor in =
			svp_in(cases[i].index, cases[i].target);

		in.partition_id = cases[i].partition;
		in.reserved_z0 = cases[i].rsvd0;
		in.reserved_z1 = cases[i].rsvd1;
		if (svp(fv, 0, 0, &in) != cases[i].status)
			fail_msg("case %zu: want status %#x", i, cases[i].status);
	}
	/* Only the last one reached the VMM. */
	assert_int_equal(fv->start_vp.n, 1);
	assert_ptr_equal(fv->start_vp.caller, &fv->f->vcpu[0]);
	assert_int_equal(fv->start_vp.vp, 1);
	assert_int_equal(fv->start_vp.vtl, 0);
	assert_memory_equal(&fv->start_vp.ctx, &fake_vp_ctx, sizeof(fake_vp_ctx));
}

static void test_start_vp_vtl_not_enabled_on_target(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_start_virtual_processor in = svp_in(2, 1);
	struct hv_input_enable_vp_vtl e = evv_in(2);

	bring_up(fv);
	assert_int_equal(svp(fv, 1, 0, &in), HV_STATUS_INVALID_VP_STATE);
	assert_int_equal(fv->start_vp.n, 0);
	assert_int_equal(evv(fv, 1, 0, &e), OK);
	assert_int_equal(svp(fv, 1, 0, &in), OK);
	assert_int_equal(fv->start_vp.n, 1);
	assert_ptr_equal(fv->start_vp.caller, &fv->vcpu1[0]);
	assert_int_equal(fv->start_vp.vp, 2);
	assert_int_equal(fv->start_vp.vtl, 1);
	/* VTL1 may start a VP's VTL0 too. */
	in = svp_in(3, 0);
	assert_int_equal(svp(fv, 1, 0, &in), OK);
	assert_int_equal(fv->start_vp.vtl, 0);
}

static void test_start_vp_deny_lower_vtl_startup(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_start_virtual_processor in = svp_in(1, 0);

	bring_up(fv);
	fv->vsm->partition_config = HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP;
	assert_true(vsm_deny_lower_vtl_startup(fv->vsm));
	assert_int_equal(svp(fv, 0, 0, &in), DENIED);
	assert_int_equal(svp(fv, 0, 2, &in), DENIED);
	assert_int_equal(fv->start_vp.n, 0);
	/* VTL1 itself is not denied. */
	assert_int_equal(svp(fv, 1, 0, &in), OK);
	assert_int_equal(fv->start_vp.n, 1);
	/* The other checks come first. */
	in.vp_index = NR_VPS;
	assert_int_equal(svp(fv, 0, 0, &in), HV_STATUS_INVALID_VP_INDEX);
}

static void test_start_vp_host_status(void **state)
{
	static const hv_status_t statuses[] = {
		HV_STATUS_INVALID_VP_STATE, HV_STATUS_INVALID_REGISTER_VALUE, OK,
	};
	struct fake_vsm *fv = *state;
	struct hv_input_start_virtual_processor in = svp_in(3, 0);

	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++) {
		fv->start_vp_status = statuses[i];
		assert_int_equal(svp(fv, 0, 1, &in), statuses[i]);
		assert_int_equal(fv->start_vp.n, i + 1);
		assert_int_equal(fv->start_vp.vp, 3);
	}
}

/*
 * Contexts KVM would take but a VM entry would refuse (ending the VM): both
 * calls answer HV_STATUS_INVALID_REGISTER_VALUE and the VMM never sees them.
 */
static void test_vp_context_checked(void **state)
{
	static const struct {
		u64 rflags;
		u16 cs, tr;
	} bad[] = {
		{ 0x2 | BIT(3), 0xa09b, 0x8b },		/* reserved RFLAGS bit */
		{ 0x2 | BIT(22), 0xa09b, 0x8b },
		{ 0x2 | BIT(17), 0xa09b, 0x8b },	/* virtual-8086 */
		{ 0x2, 0xa01b, 0x8b },			/* CS not present */
		{ 0x2, 0xa093, 0x8b },			/* CS a data segment */
		{ 0x2, 0xa08b, 0x8b },			/* CS a system segment */
		{ 0x2, 0xa09b, 0x0b },			/* TR not present */
		{ 0x2, 0xa09b, 0x83 },			/* TR not a TSS */
		{ 0x2, 0xa09b, 0x9b },			/* TR a code segment */
	};
	struct fake_vsm *fv = *state;
	struct hv_input_enable_partition_vtl p = epv_in(1);

	assert_int_equal(epv(fv, 0, 0, &p), OK);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct hv_input_enable_vp_vtl e = evv_in(0);
		struct hv_input_start_virtual_processor s = svp_in(1, 0);

		e.vp_context.rflags = s.vp_context.rflags = bad[i].rflags;
		e.vp_context.cs.attributes = s.vp_context.cs.attributes = bad[i].cs;
		e.vp_context.tr.attributes = s.vp_context.tr.attributes = bad[i].tr;
		if (evv(fv, 0, 0, &e) != HV_STATUS_INVALID_REGISTER_VALUE ||
		    svp(fv, 0, 0, &s) != HV_STATUS_INVALID_REGISTER_VALUE)
			fail_msg("context %zu taken", i);
	}
	assert_int_equal(fv->enable_vp.n, 0);
	assert_int_equal(fv->start_vp.n, 0);
	/* An available 64-bit TSS is as good as a busy one. */
	{
		struct hv_input_enable_vp_vtl e = evv_in(0);

		e.vp_context.tr.attributes = 0x89;
		assert_int_equal(evv(fv, 0, 0, &e), OK);
	}
}

/* ---- HvCallGetVpIndexFromApicId (rep) -------------------------------------------------------- */

struct vfa_result {
	hv_status_t status;
	u16 reps;
	u32 out[8];
};

static struct vfa_result vfa(struct fake_vsm *fv, u8 vtl, u64 partition, u8 target, u8 rsvd,
			     const u32 *ids, u16 n)
{
	const struct hv_input_get_vp_index_from_apic_id hdr = {
		.partition_id = partition, .target_vtl = target, .reserved = { [6] = rsvd },
	};
	u8 *in = fake_gpa(fv->f, FAKE_IN_GPA);
	u32 *out = fake_gpa(fv->f, FAKE_OUT_GPA);
	struct vfa_result r;

	assert_true(n <= ARRAY_SIZE(r.out));
	memcpy(in, &hdr, sizeof(hdr));
	memcpy(in + sizeof(hdr), ids, n * sizeof(u32));
	memset(out, 0xff, sizeof(r.out));
	r.status = fake_hcall_on(vp_of(fv, vtl, 0),
				 hv_hypercall_encode(HVCALL_GET_VP_INDEX_FROM_APIC_ID, false, n, 0),
				 &r.reps);
	memcpy(r.out, out, sizeof(r.out));
	return r;
}

static void test_get_vp_index_from_apic_id_reps(void **state)
{
	static const u32 ids[] = { 2, 0, 3, 1, 3 };
	struct fake_vsm *fv = *state;
	struct vfa_result r = vfa(fv, 0, SELF, 0, 0, ids, ARRAY_SIZE(ids));

	assert_int_equal(r.status, OK);
	assert_int_equal(r.reps, ARRAY_SIZE(ids));
	for (size_t i = 0; i < ARRAY_SIZE(ids); i++)
		assert_int_equal(r.out[i], ids[i]);	/* VP index = APIC ID */
	assert_int_equal(r.out[ARRAY_SIZE(ids)], 0xffffffff);	/* nothing past the reps */
}

static void test_get_vp_index_from_apic_id_unknown(void **state)
{
	static const u32 ids[] = { 1, 3, NR_VPS, 0 };
	static const u32 far[] = { 0x80000000 };
	struct fake_vsm *fv = *state;
	struct vfa_result r = vfa(fv, 0, SELF, 0, 0, ids, ARRAY_SIZE(ids));

	/* InvalidParameter, with the reps before the unknown ID completed and written. */
	assert_int_equal(r.status, INVAL);
	assert_int_equal(r.reps, 2);
	assert_int_equal(r.out[0], 1);
	assert_int_equal(r.out[1], 3);
	assert_int_equal(r.out[2], 0xffffffff);
	assert_int_equal(r.out[3], 0xffffffff);
	r = vfa(fv, 0, SELF, 0, 0, far, 1);
	assert_int_equal(r.status, INVAL);
	assert_int_equal(r.reps, 0);
}

static void test_get_vp_index_from_apic_id_header(void **state)
{
	static const struct {
		u64 partition;
		u8 target, rsvd;
		hv_status_t status;
	} cases[] = {
		{ 0, 1, 1, HV_STATUS_INVALID_PARTITION_ID },
		{ SELF, 1, 1, INVAL },		/* reserved bytes before the VTL */
		{ SELF, 0x10, 0, INVAL },
		{ SELF, 1, 0, DENIED },		/* VTL0 asking about VTL1 */
		{ SELF, 0, 0, OK },
	};
	static const u32 id = 1;
	struct fake_vsm *fv = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vfa_result r = vfa(fv, 0, cases[i].partition, cases[i].target,
					  cases[i].rsvd, &id, 1);

		if (r.status != cases[i].status || r.reps != (cases[i].status ? 0 : 1))
			fail_msg("case %zu: status %#x reps %u", i, r.status, r.reps);
		assert_int_equal(r.out[0], cases[i].status ? 0xffffffff : id);
	}
}

static void test_get_vp_index_from_apic_id_vtl1(void **state)
{
	static const u32 ids[] = { 0, 2 };
	struct fake_vsm *fv = *state;
	struct vfa_result r;

	bring_up(fv);
	/* VTL1 asks about VTL1: only VPs with VTL1 enabled are known there. */
	r = vfa(fv, 1, SELF, 1, 0, ids, 2);
	assert_int_equal(r.status, INVAL);
	assert_int_equal(r.reps, 1);
	assert_int_equal(r.out[0], 0);
	r = vfa(fv, 1, SELF, 0, 0, ids, 2);
	assert_int_equal(r.status, OK);
	assert_int_equal(r.reps, 2);
	assert_int_equal(r.out[1], 2);
}

/* ---- HvCallVtlCall / HvCallVtlReturn --------------------------------------------------------- */

static void assert_regs_unchanged(const struct hv_hcall_regs *a, const struct hv_hcall_regs *b)
{
	assert_int_equal(a->rax, b->rax);
	assert_int_equal(a->rbx, b->rbx);
	assert_int_equal(a->rcx, b->rcx);
	assert_int_equal(a->rdx, b->rdx);
	assert_int_equal(a->rsi, b->rsi);
	assert_int_equal(a->rdi, b->rdi);
	assert_int_equal(a->r8, b->r8);
}

/* A VTL switch from VP vp in VTL vtl, x64: control RCX, input RAX; returns the outcome. */
static enum hv_hcall_outcome vtl_switch(struct fake_vsm *fv, u8 vtl, u32 vp, u64 control,
					u64 input)
{
	struct hv_hcall_regs r = fake_regs64(control, 0x1111, 0x2222);
	struct hv_hcall_regs before;
	enum hv_hcall_outcome out;

	r.rax = input;
	r.rbx = 0x3333;
	before = r;
	out = hv_hypercall(vp_of(fv, vtl, vp), &r);
	/* Valid or not, no status is written and nothing else changes. */
	assert_regs_unchanged(&r, &before);
	return out;
}

/* Every control bit other than the code: #UD (TLFS "VTL Call": "invalid control input"). */
static const u64 bad_control_bits[] = {
	HV_HYPERCALL_FAST_BIT,
	FAKE_VARHEAD(1),
	(u64)1 << HV_HYPERCALL_REP_COMP_OFFSET,
	(u64)1 << HV_HYPERCALL_REP_START_OFFSET,
	HV_HYPERCALL_NESTED,
	BIT(27),		/* RsvdZ 30:27 */
	BIT(44),		/* RsvdZ 47:44 */
	BIT(63),		/* RsvdZ 63:60 */
};

static void test_vtl_call_valid(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_hcall_regs r = fake_regs32(HVCALL_VTL_CALL, 0, 0);

	bring_up(fv);
	assert_int_equal(vtl_switch(fv, 0, 0, HVCALL_VTL_CALL, 0), HV_HCALL_VTL_CALL);
	/* The handler decides, the VMM switches: the scheduler state is not touched. */
	assert_int_equal(fv->sched[0].runnable, BIT(0));
	/* 32-bit caller: control EDX:EAX, input ECX (masked to 32 bits). */
	r.rcx = 1ULL << 40;
	assert_int_equal(hv_hypercall(vp_of(fv, 0, 0), &r), HV_HCALL_VTL_CALL);
	assert_int_equal(r.rax, HVCALL_VTL_CALL);
	r.rcx = 1;
	assert_int_equal(hv_hypercall(vp_of(fv, 0, 0), &r), HV_HCALL_UD);
}

/* After bring-up, code with each of bad_control_bits from VP0 in VTL vtl is #UD. */
static void assert_control_is_code_alone(struct fake_vsm *fv, u8 vtl, u16 code)
{
	bring_up(fv);
	assert_int_not_equal(vtl_switch(fv, vtl, 0, code, 0), HV_HCALL_UD);
	for (size_t i = 0; i < ARRAY_SIZE(bad_control_bits); i++)
		if (vtl_switch(fv, vtl, 0, code | bad_control_bits[i], 0) != HV_HCALL_UD)
			fail_msg("control bits %#llx: not #UD",
				 (unsigned long long)bad_control_bits[i]);
}

static void test_vtl_call_control_must_be_code(void **state)
{
	assert_control_is_code_alone(*state, 0, HVCALL_VTL_CALL);
}

static void test_vtl_call_input_nonzero_ud(void **state)
{
	static const u64 inputs[] = { 1, 2, BIT(32), BIT(63) };
	struct fake_vsm *fv = *state;

	bring_up(fv);
	for (size_t i = 0; i < ARRAY_SIZE(inputs); i++)
		assert_int_equal(vtl_switch(fv, 0, 0, HVCALL_VTL_CALL, inputs[i]), HV_HCALL_UD);
}

static void test_vtl_call_without_vtl1_ud(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_input_enable_partition_vtl p = epv_in(1);
	struct hv_input_enable_vp_vtl e = evv_in(0);

	/* Nothing enabled. */
	assert_int_equal(vtl_switch(fv, 0, 0, HVCALL_VTL_CALL, 0), HV_HCALL_UD);
	/* VTL1 in the partition, not on this VP. */
	assert_int_equal(epv(fv, 0, 0, &p), OK);
	assert_int_equal(vtl_switch(fv, 0, 0, HVCALL_VTL_CALL, 0), HV_HCALL_UD);
	/* On VP0 only: VP1 still cannot call. */
	assert_int_equal(evv(fv, 0, 0, &e), OK);
	assert_int_equal(vtl_switch(fv, 0, 1, HVCALL_VTL_CALL, 0), HV_HCALL_UD);
	assert_int_equal(vtl_switch(fv, 0, 0, HVCALL_VTL_CALL, 0), HV_HCALL_VTL_CALL);
	/* VTL1 has nothing above it. */
	assert_int_equal(vtl_switch(fv, 1, 0, HVCALL_VTL_CALL, 0), HV_HCALL_UD);
}

static void test_vtl_call_legal_environment(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_hcall_regs r = fake_regs64(HVCALL_VTL_CALL, 0, 0);

	bring_up(fv);
	r.rax = 0;
	r.cpl = 3;
	assert_int_equal(hv_hypercall(vp_of(fv, 0, 0), &r), HV_HCALL_UD);
	r.cpl = 0;
	r.protected_mode = false;
	assert_int_equal(hv_hypercall(vp_of(fv, 0, 0), &r), HV_HCALL_UD);
}

static void test_vtl_return_valid(void **state)
{
	struct fake_vsm *fv = *state;
	struct hv_hcall_regs r = fake_regs32(HVCALL_VTL_RETURN, 0, 0);

	bring_up(fv);
	assert_int_equal(vtl_switch(fv, 1, 0, HVCALL_VTL_RETURN, 0), HV_HCALL_VTL_RETURN);
	assert_int_equal(vtl_switch(fv, 1, 0, HVCALL_VTL_RETURN, HV_VTL_RETURN_INPUT_FAST),
			 HV_HCALL_VTL_RETURN);
	/* 32-bit: the input is ECX; bits above 31 are not seen. */
	r.rcx = HV_VTL_RETURN_INPUT_FAST | (1ULL << 33);
	assert_int_equal(hv_hypercall(vp_of(fv, 1, 0), &r), HV_HCALL_VTL_RETURN);
	r.rcx = 2;
	assert_int_equal(hv_hypercall(vp_of(fv, 1, 0), &r), HV_HCALL_UD);
}

static void test_vtl_return_input_reserved_ud(void **state)
{
	static const u64 inputs[] = { 2, 3, BIT(31), BIT(63) | 1 };
	struct fake_vsm *fv = *state;

	bring_up(fv);
	for (size_t i = 0; i < ARRAY_SIZE(inputs); i++)
		assert_int_equal(vtl_switch(fv, 1, 0, HVCALL_VTL_RETURN, inputs[i]), HV_HCALL_UD);
}

static void test_vtl_return_control_must_be_code(void **state)
{
	assert_control_is_code_alone(*state, 1, HVCALL_VTL_RETURN);
}

static void test_vtl_return_from_vtl0_ud(void **state)
{
	struct fake_vsm *fv = *state;

	assert_int_equal(vtl_switch(fv, 0, 0, HVCALL_VTL_RETURN, 0), HV_HCALL_UD);
	bring_up(fv);
	assert_int_equal(vtl_switch(fv, 0, 0, HVCALL_VTL_RETURN, 0), HV_HCALL_UD);
	assert_int_equal(vtl_switch(fv, 0, 0, HVCALL_VTL_RETURN, HV_VTL_RETURN_INPUT_FAST),
			 HV_HCALL_UD);
}
int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, fake_vsm_setup, fake_vsm_teardown)
	const struct CMUnitTest tests[] = {
		T(test_vsm_create_initial_state),
		T(test_vsm_destroy_detaches),
		cmocka_unit_test(test_vsm_hcalls_need_privileges),
		cmocka_unit_test_setup_teardown(test_vsm_hcalls_table, fake_vsm_setup,
						fake_vsm_teardown),
		T(test_enable_partition_vtl_checks_in_order),
		T(test_enable_partition_vtl_once),
		T(test_enable_partition_vtl_fast),
		T(test_enable_partition_vtl_from_vtl1_denied),
		T(test_enable_partition_vtl_host_failure),
		T(test_enable_vp_vtl_checks_in_order),
		T(test_enable_vp_vtl_bootstrap_own_vp),
		T(test_enable_vp_vtl_twice_already_enabled),
		T(test_enable_vp_vtl_vtl0_other_vp_denied),
		T(test_enable_vp_vtl_vtl0_second_vp_denied),
		T(test_enable_vp_vtl_vtl1_enables_other_vps),
		T(test_enable_vp_vtl_host_status),
		T(test_start_vp_checks_in_order),
		T(test_start_vp_vtl_not_enabled_on_target),
		T(test_start_vp_deny_lower_vtl_startup),
		T(test_start_vp_host_status),
		T(test_vp_context_checked),
		T(test_get_vp_index_from_apic_id_reps),
		T(test_get_vp_index_from_apic_id_unknown),
		T(test_get_vp_index_from_apic_id_header),
		T(test_get_vp_index_from_apic_id_vtl1),
		T(test_vtl_call_valid),
		T(test_vtl_call_control_must_be_code),
		T(test_vtl_call_input_nonzero_ud),
		T(test_vtl_call_without_vtl1_ud),
		T(test_vtl_call_legal_environment),
		T(test_vtl_return_valid),
		T(test_vtl_return_input_reserved_ud),
		T(test_vtl_return_control_must_be_code),
		T(test_vtl_return_from_vtl0_ud),
	};

	return cmocka_run_group_tests_name("vsm", tests, NULL, NULL);
}
