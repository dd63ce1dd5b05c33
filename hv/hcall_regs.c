// SPDX-License-Identifier: MIT
/*
 * HvCallGetVpRegisters / HvCallSetVpRegisters (TLFS "HvCallGetVpRegisters",
 * "HvCallSetVpRegisters"): rep hypercalls over register names, memory or
 * XMM-fast, with output in XMM registers when called fast.
 *
 * hv/ serves the synthetic registers that mirror synthetic MSRs (TLFS
 * "HV_REGISTER_NAME": VpIndex, TimeRefCount, SynIC, timers...) through the
 * MSR handlers, so both paths share one set of rules; every other name goes
 * to hv_config.reg_ext (vtl/vsm_regs.c: VSM and architectural registers).
 *
 * The target is the calling VP (OpenHCL's rule:
 * another VP is HV_STATUS_INVALID_VP_INDEX) in the caller's VTL or a lower
 * one (TLFS "Virtual Secure Mode": "lower VTLs cannot access the private
 * state of a higher VTL": HV_STATUS_ACCESS_DENIED).
 */
#include <errno.h>
#include <string.h>

#include "hv/hcall.h"

/* A run of register names that mirror a run of MSRs. */
static const struct reg_alias {
	u32 first, last;	/* register names */
	u32 msr;		/* the MSR of `first` */
} aliases[] = {
	{ HV_REGISTER_GUEST_CRASH_P0, HV_REGISTER_GUEST_CRASH_CTL, HV_X64_MSR_CRASH_P0 },
	{ HV_REGISTER_VP_RUNTIME, HV_REGISTER_VP_RUNTIME, HV_X64_MSR_VP_RUNTIME },
	{ HV_X64_REGISTER_HYPERCALL, HV_X64_REGISTER_HYPERCALL, HV_X64_MSR_HYPERCALL },
	{ HV_REGISTER_GUEST_OS_ID, HV_REGISTER_GUEST_OS_ID, HV_X64_MSR_GUEST_OS_ID },
	{ HV_REGISTER_VP_INDEX, HV_REGISTER_VP_INDEX, HV_X64_MSR_VP_INDEX },
	{ HV_REGISTER_TIME_REF_COUNT, HV_REGISTER_TIME_REF_COUNT, HV_X64_MSR_TIME_REF_COUNT },
	{ HV_REGISTER_VP_ASSIST_PAGE, HV_REGISTER_VP_ASSIST_PAGE, HV_X64_MSR_VP_ASSIST_PAGE },
	{ HV_REGISTER_REFERENCE_TSC, HV_REGISTER_REFERENCE_TSC, HV_X64_MSR_REFERENCE_TSC },
	{ HV_REGISTER_SINT0, HV_REGISTER_SINT(15), HV_X64_MSR_SINT0 },
	{ HV_REGISTER_SCONTROL, HV_REGISTER_EOM, HV_X64_MSR_SCONTROL },
	{ HV_REGISTER_STIMER0_CONFIG, HV_REGISTER_STIMER_COUNT(3), HV_X64_MSR_STIMER0_CONFIG },
};

/* The MSR behind register name, or 0 if it is not a synthetic register. */
static u32 reg_msr(u32 name)
{
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (name >= aliases[i].first && name <= aliases[i].last)
			return aliases[i].msr + (name - aliases[i].first);
	return 0;
}

/* Validate the header; *target gets the VTL whose registers are accessed. */
static hv_status_t check_target(struct hv_hcall_ctx *ctx, u8 *target)
{
	const struct hv_input_get_set_vp_registers *in = (const void *)ctx->in;

	if (in->partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (in->reserved[0] || in->reserved[1] || in->reserved[2] ||
	    !hv_input_vtl_target(in->input_vtl, ctx->vp->vtl, target))
		return HV_STATUS_INVALID_PARAMETER;
	if (*target > ctx->vp->vtl)
		return HV_STATUS_ACCESS_DENIED;
	if (in->vp_index != HV_VP_INDEX_SELF && in->vp_index != ctx->vp->index)
		return HV_STATUS_INVALID_VP_INDEX;
	return HV_STATUS_SUCCESS;
}

/* The VP in the target VTL: the caller's own VP there (its state exists if the VTL does). */
static struct hv_vp *target_vp(struct hv_hcall_ctx *ctx, u8 target)
{
	return hv_vp_get(ctx->vp->hv, target, ctx->vp->index);
}

static hv_status_t get_one(struct hv_hcall_ctx *ctx, u8 target, u32 name,
			   union hv_register_value *v)
{
	const struct hv_reg_ext *ext = ctx->vp->hv->cfg.reg_ext;
	struct hv_vp *vp = target_vp(ctx, target);
	u32 msr = reg_msr(name);
	int ret;

	if (!msr)
		return ext ? ext->get(ctx->vp, target, name, v) : HV_STATUS_UNKNOWN_REGISTER_NAME;
	if (!vp)
		return HV_STATUS_INVALID_VTL_STATE;
	ret = hv_msr_read(vp, msr, &v->reg64);
	if (ret)
		return ret == -ENOENT ? HV_STATUS_UNKNOWN_REGISTER_NAME : HV_STATUS_ACCESS_DENIED;
	return HV_STATUS_SUCCESS;
}

static hv_status_t set_one(struct hv_hcall_ctx *ctx, u8 target, const struct hv_register_assoc *a)
{
	const struct hv_reg_ext *ext = ctx->vp->hv->cfg.reg_ext;
	struct hv_vp *vp = target_vp(ctx, target);
	u32 msr = reg_msr(a->name);

	if (a->reserved1 || a->reserved2)
		return HV_STATUS_INVALID_PARAMETER;
	if (!msr)
		return ext ? ext->set(ctx->vp, target, a->name, &a->value) :
			     HV_STATUS_UNKNOWN_REGISTER_NAME;
	if (!vp)
		return HV_STATUS_INVALID_VTL_STATE;
	if (!hv_msr_granted(vp, msr))
		return HV_STATUS_ACCESS_DENIED;
	if (a->value.reg128.high)
		return HV_STATUS_INVALID_PARAMETER;
	if (hv_msr_write(vp, msr, a->value.reg64))
		return HV_STATUS_INVALID_REGISTER_VALUE;
	return HV_STATUS_SUCCESS;
}

static hv_status_t get_vp_registers(struct hv_hcall_ctx *ctx)
{
	u8 target;
	hv_status_t st = check_target(ctx, &target);

	for (; !st && ctx->reps_done < ctx->rep_count; ctx->reps_done++) {
		unsigned int i = ctx->reps_done - ctx->rep_start;
		union hv_register_value v = { 0 };
		u32 name;

		memcpy(&name, ctx->in_reps + i * sizeof(u32), sizeof(name));
		st = get_one(ctx, target, name, &v);
		if (st)
			return st;
		memcpy(ctx->out_reps + i * sizeof(v), &v, sizeof(v));
	}
	return st;
}

static hv_status_t set_vp_registers(struct hv_hcall_ctx *ctx)
{
	u8 target;
	hv_status_t st = check_target(ctx, &target);

	for (; !st && ctx->reps_done < ctx->rep_count; ctx->reps_done++) {
		unsigned int i = ctx->reps_done - ctx->rep_start;
		struct hv_register_assoc a;

		memcpy(&a, ctx->in_reps + i * sizeof(a), sizeof(a));
		st = set_one(ctx, target, &a);
		if (st)
			return st;
	}
	return st;
}

#define REGS_IN sizeof(struct hv_input_get_set_vp_registers)

/* Sorted by code. */
const struct hv_hcall_desc hv_hcalls_regs[] = {
	HV_HCALL(HVCALL_GET_VP_REGISTERS, get_vp_registers, HCALL_REP, HV_ACCESS_VP_REGISTERS,
		 REGS_IN, sizeof(u32), 0, sizeof(union hv_register_value)),
	HV_HCALL(HVCALL_SET_VP_REGISTERS, set_vp_registers, HCALL_REP, HV_ACCESS_VP_REGISTERS,
		 REGS_IN, sizeof(struct hv_register_assoc), 0, 0),
};
const unsigned int hv_hcalls_regs_count = ARRAY_SIZE(hv_hcalls_regs);
