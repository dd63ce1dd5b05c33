/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/fake_vsm.h -- a VSM partition without KVM: a struct fake_hv
 * (fake_hv.h) whose configuration carries the VSM hypercall family and
 * vsm_reg_ext, a struct vsm created over it with struct vsm_host_ops that
 * record every call, and one struct vtl_vp per VP, attached as the VMM's VP
 * threads attach theirs.
 *
 * What the fake host does, as vmm/vtl_glue.c does it:
 *   enable_partition_vtl  creates hv/'s VTL (hv_vtl_enable) and ties each VP
 *                         of it to a fake vCPU (vcpu1[i]); then enables
 *                         hypercalls in it (guest OS ID, page at
 *                         FAKE_VTL1_HCALL_PAGE), which VTL1's guest would do
 *   enable_vp_vtl         returns enable_vp_status; on success marks the VTL
 *                         enabled in the target VP's struct vtl_vp
 *   start_vp              returns start_vp_status
 *   get_reg / set_reg     return reg_ret; get gives reg_value
 *   inject_exception      returns inject_ret
 * A test sets those fields to choose the outcome. Each op counts its calls
 * and keeps the arguments of the last one.
 *
 * Also here: cmocka setup/teardown for a 4-VP partition, fake_vsm_call() for
 * a simple hypercall from any VP in any VTL, the inputs of EnablePartitionVtl
 * and EnableVpVtl, and fake_vsm_bring_up(), which enables VTL1 as a guest
 * first does (in the partition, then on VP0, both from VTL0 of VP0).
 */
#ifndef VTLVM_FAKE_VSM_H
#define VTLVM_FAKE_VSM_H

#include <errno.h>

#include "tests/unit/fake_hv.h"
#include "vtl/vsm.h"
#include "vtl/vtl.h"

#define FAKE_VSM_MAX_VPS	8
#define FAKE_VTL1_HCALL_PAGE	0x00806000ULL

struct fake_vsm_vp_call {		/* enable_vp_vtl, start_vp */
	unsigned int n;
	void *caller;
	u32 vp;
	u8 vtl;
	struct hv_initial_vp_context ctx;
};

struct fake_vsm_reg_call {		/* get_reg, set_reg */
	unsigned int n;
	void *vcpu;
	u8 vtl;
	u32 name;
	union hv_register_value value;	/* set: what was written */
};

struct fake_vsm {
	struct fake_hv *f;
	struct vsm *vsm;
	struct vtl_vp sched[FAKE_VSM_MAX_VPS];
	struct fake_vcpu vcpu1[FAKE_VSM_MAX_VPS];	/* VTL1's vCPUs */
	/* What the ops return. */
	int enable_partition_ret;
	hv_status_t enable_vp_status, start_vp_status;
	int reg_ret, inject_ret;
	union hv_register_value reg_value;
	/* What they were asked. */
	unsigned int nr_enable_partition;
	u8 enable_partition_vtl;
	struct fake_vsm_vp_call enable_vp, start_vp;
	struct fake_vsm_reg_call get_reg, set_reg;
	struct {
		unsigned int n;
		void *vcpu;
		u8 vtl, vector;
		bool has_error;
		u32 error_code;
		u64 param;
	} inject;
};

static inline int fake_vsm_enable_partition_vtl(void *ctx, u8 vtl)
{
	struct fake_vsm *fv = ctx;
	struct hv *hv = fv->f->hv;
	struct hv_vp *vp;

	fv->nr_enable_partition++;
	fv->enable_partition_vtl = vtl;
	if (fv->enable_partition_ret || hv_vtl_enable(hv, vtl))
		return fv->enable_partition_ret ? fv->enable_partition_ret : -EIO;
	for (u32 i = 0; i < hv->cfg.nr_vps; i++) {
		fv->vcpu1[i].index = i;
		hv_vp_get(hv, vtl, i)->vcpu = &fv->vcpu1[i];
	}
	vp = hv_vp_get(hv, vtl, 0);
	if (hv_msr_write(vp, HV_X64_MSR_GUEST_OS_ID, FAKE_GUEST_OS_ID) ||
	    hv_msr_write(vp, HV_X64_MSR_HYPERCALL, FAKE_VTL1_HCALL_PAGE | 1))
		return -EIO;
	return 0;
}

static inline void fake_vsm_record_vp(struct fake_vsm_vp_call *c, void *caller, u32 vp, u8 vtl,
				      const struct hv_initial_vp_context *ctx)
{
	c->n++;
	c->caller = caller;
	c->vp = vp;
	c->vtl = vtl;
	c->ctx = *ctx;
}

static inline hv_status_t fake_vsm_enable_vp_vtl(void *ctx, void *caller, u32 vp, u8 vtl,
						 const struct hv_initial_vp_context *c)
{
	struct fake_vsm *fv = ctx;

	fake_vsm_record_vp(&fv->enable_vp, caller, vp, vtl, c);
	if (!fv->enable_vp_status)
		vtl_vp_enable(&fv->sched[vp], vtl);
	return fv->enable_vp_status;
}

static inline hv_status_t fake_vsm_start_vp(void *ctx, void *caller, u32 vp, u8 vtl,
					    const struct hv_initial_vp_context *c)
{
	struct fake_vsm *fv = ctx;

	fake_vsm_record_vp(&fv->start_vp, caller, vp, vtl, c);
	return fv->start_vp_status;
}

static inline void fake_vsm_record_reg(struct fake_vsm_reg_call *c, void *vcpu, u8 vtl, u32 name)
{
	c->n++;
	c->vcpu = vcpu;
	c->vtl = vtl;
	c->name = name;
}

static inline int fake_vsm_get_reg(void *ctx, void *vcpu, u8 vtl, u32 name,
				   union hv_register_value *v)
{
	struct fake_vsm *fv = ctx;

	fake_vsm_record_reg(&fv->get_reg, vcpu, vtl, name);
	if (!fv->reg_ret)
		*v = fv->reg_value;
	return fv->reg_ret;
}

static inline int fake_vsm_set_reg(void *ctx, void *vcpu, u8 vtl, u32 name,
				   const union hv_register_value *v)
{
	struct fake_vsm *fv = ctx;

	fake_vsm_record_reg(&fv->set_reg, vcpu, vtl, name);
	fv->set_reg.value = *v;
	return fv->reg_ret;
}

static inline int fake_vsm_inject_exception(void *ctx, void *vcpu, u8 vtl, u8 vector,
					    bool has_error, u32 error_code, u64 param)
{
	struct fake_vsm *fv = ctx;

	fv->inject.param = param;
	fv->inject.n++;
	fv->inject.vcpu = vcpu;
	fv->inject.vtl = vtl;
	fv->inject.vector = vector;
	fv->inject.has_error = has_error;
	fv->inject.error_code = error_code;
	return fv->inject_ret;
}

static const struct vsm_host_ops fake_vsm_ops = {
	.enable_partition_vtl = fake_vsm_enable_partition_vtl,
	.enable_vp_vtl = fake_vsm_enable_vp_vtl,
	.start_vp = fake_vsm_start_vp,
	.get_reg = fake_vsm_get_reg,
	.set_reg = fake_vsm_set_reg,
	.inject_exception = fake_vsm_inject_exception,
};

static inline void fake_vsm_free(struct fake_vsm *fv)
{
	if (!fv)
		return;
	vsm_destroy(fv->vsm);
	fake_hv_free(fv->f);
	free(fv);
}

/*
 * A VSM partition of cfg->nr_vps VPs (max VTL 1) with hypercalls enabled in
 * VTL0 and the VSM family and registers added to cfg; NULL on failure.
 */
static inline struct fake_vsm *fake_vsm_new_cfg(struct hv_config *cfg)
{
	struct fake_vsm *fv = calloc(1, sizeof(*fv));

	if (!fv || cfg->nr_vps > FAKE_VSM_MAX_VPS)
		goto out_free;
	cfg->extra_hcalls = (struct hv_hcall_family) { vsm_hcalls, vsm_hcalls_count };
	cfg->reg_ext = &vsm_reg_ext;
	fv->f = fake_hv_new_cfg(cfg);
	if (!fv->f || fake_hv_enable_hcalls(fv->f) ||
	    vsm_create(fv->f->hv, &fake_vsm_ops, fv, cfg->max_vtl, &fv->vsm))
		goto out_free;
	for (u32 i = 0; i < cfg->nr_vps; i++) {
		vtl_vp_init(&fv->sched[i], cfg->max_vtl);
		vsm_attach_vp(fv->vsm, i, &fv->sched[i]);
	}
	return fv;
out_free:
	fake_vsm_free(fv);
	return NULL;
}

/* VP index in VTL vtl (NULL until the VTL is enabled). */
static inline struct hv_vp *fake_vsm_vp(struct fake_vsm *fv, u8 vtl, u32 index)
{
	return hv_vp_get(fv->f->hv, vtl, index);
}

/* cmocka setup and teardown: a fresh partition of FAKE_VSM_TEST_VPS VPs for each test. */
#define FAKE_VSM_TEST_VPS	4

static inline int fake_vsm_setup(void **state)
{
	struct hv_config cfg = fake_hv_config(FAKE_VSM_TEST_VPS);
	struct fake_vsm *fv = fake_vsm_new_cfg(&cfg);

	*state = fv;
	return fv ? 0 : -1;
}

static inline int fake_vsm_teardown(void **state)
{
	fake_vsm_free(*state);
	return 0;
}

/* ---- Hypercalls ------------------------------------------------------------------------------ */

/* The initial context the tests hand to HvCallEnableVpVtl and HvCallStartVirtualProcessor. */
static const struct hv_initial_vp_context fake_vp_ctx = {
	.rip = 0xfffff80012345678ULL, .rsp = 0x7000, .rflags = 0x2,
	.cs = { .base = 0, .limit = 0xffffffff, .selector = 0x10, .attributes = 0xa09b },
	.tr = { .limit = 0x67, .attributes = 0x8b },	/* a busy TSS, present */
	.efer = 0xd01, .cr0 = 0x80010033, .cr3 = 0x1000, .cr4 = 0x6a0,
	.msr_cr_pat = 0x0007040600070406ULL,
};

/*
 * A simple memory-form hypercall from VP index in VTL vtl, its input copied
 * to FAKE_IN_GPA; the status, or 0xffff if that VTL has no such VP.
 */
static inline hv_status_t fake_vsm_call(struct fake_vsm *fv, u8 vtl, u32 index, u16 code,
					const void *in, size_t len)
{
	struct hv_vp *vp = fake_vsm_vp(fv, vtl, index);

	if (!vp)
		return 0xffff;
	memcpy(fake_gpa(fv->f, FAKE_IN_GPA), in, len);
	return fake_hcall_on(vp, code, NULL);
}

static inline struct hv_input_enable_partition_vtl fake_epv_input(u8 target)
{
	return (struct hv_input_enable_partition_vtl) {
		.partition_id = HV_PARTITION_ID_SELF, .target_vtl = target,
	};
}

/* EnableVpVtl of VTL1 on VP index, with fake_vp_ctx. */
static inline struct hv_input_enable_vp_vtl fake_evv_input(u32 index)
{
	return (struct hv_input_enable_vp_vtl) {
		.partition_id = HV_PARTITION_ID_SELF, .vp_index = index, .target_vtl = 1,
		.vp_context = fake_vp_ctx,
	};
}

/* What a guest does first: VTL0 of VP0 enables VTL1 in the partition, then on VP0. */
static inline hv_status_t fake_vsm_bring_up(struct fake_vsm *fv)
{
	const struct hv_input_enable_partition_vtl p = fake_epv_input(1);
	const struct hv_input_enable_vp_vtl v = fake_evv_input(0);
	hv_status_t st = fake_vsm_call(fv, 0, 0, HVCALL_ENABLE_PARTITION_VTL, &p, sizeof(p));

	return st ? st : fake_vsm_call(fv, 0, 0, HVCALL_ENABLE_VP_VTL, &v, sizeof(v));
}

#endif /* VTLVM_FAKE_VSM_H */
