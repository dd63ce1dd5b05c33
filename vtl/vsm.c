// SPDX-License-Identifier: MIT
/*
 * The VSM hypercalls (TLFS "Virtual Secure Mode" and the pages of each
 * call). Checks follow the TLFS, in the order OpenHCL makes them where the
 * TLFS names no order; README.md ("Virtual Secure Mode") lists each status.
 */
#define pr_fmt(fmt) "vsm: " fmt
#include "vtl/vsm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/log.h"

struct vsm *vsm_of(const struct hv *hv)
{
	return hv->vsm;
}

bool vsm_vtl_enabled(struct vsm *vsm, u8 vtl)
{
	return atomic_load_explicit(&vsm->enabled, memory_order_acquire) & BIT(vtl);
}

int vsm_create(struct hv *hv, const struct vsm_host_ops *ops, void *ctx, u8 max_vtl,
	       struct vsm **out)
{
	struct vsm *vsm = calloc(1, sizeof(*vsm));

	if (!vsm)
		return -ENOMEM;
	vsm->vps = calloc(hv->cfg.nr_vps, sizeof(*vsm->vps));
	if (!vsm->vps) {
		free(vsm);
		return -ENOMEM;
	}
	vsm->hv = hv;
	vsm->ops = ops;
	vsm->ctx = ctx;
	vsm->max_vtl = max_vtl;
	vsm->nr_vps = hv->cfg.nr_vps;
	atomic_store(&vsm->enabled, BIT(0));
	pthread_mutex_init(&vsm->lock, NULL);
	hv->vsm = vsm;
	*out = vsm;
	return 0;
}

void vsm_destroy(struct vsm *vsm)
{
	if (!vsm)
		return;
	vsm->hv->vsm = NULL;
	pthread_mutex_destroy(&vsm->lock);
	free(vsm->vps);
	free(vsm);
}

void vsm_attach_vp(struct vsm *vsm, u32 index, struct vtl_vp *sched)
{
	if (index < vsm->nr_vps)
		vsm->vps[index].sched = sched;
}

static struct vsm *ctx_vsm(struct hv_hcall_ctx *ctx)
{
	return vsm_of(ctx->vp->hv);
}

static struct vtl_vp *ctx_sched(struct hv_hcall_ctx *ctx)
{
	return ctx_vsm(ctx)->vps[ctx->vp->index].sched;
}

/* ---- HvCallEnablePartitionVtl (0x000d) ---------------------------------------------------- */

/*
 * TLFS "HvCallEnablePartitionVtl" (Restrictions): a VTL may enable any lower
 * VTL, and a higher one if it is the highest VTL enabled below that target.
 * Lower targets are refused (AccessDenied): with VTL0 and VTL1 the only
 * lower target is VTL0, which is always enabled. Any VTL
 * up to max_vtl above the caller is accepted; with a VTL2 the "highest
 * enabled below" rule would have to be added. vtlvm implements no MBEC,
 * supervisor shadow stacks or HVPT, so every flag is refused rather than
 * accepted and ignored.
 */
static hv_status_t enable_partition_vtl(struct hv_hcall_ctx *ctx)
{
	const struct hv_input_enable_partition_vtl *in = (const void *)ctx->in;
	struct vsm *vsm = ctx_vsm(ctx);
	u8 vtl = in->target_vtl;
	hv_status_t st = HV_STATUS_SUCCESS;
	int ret;

	if (in->partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (vtl <= ctx->vp->vtl || vtl > vsm->max_vtl)
		return HV_STATUS_ACCESS_DENIED;
	if (in->flags || in->reserved_z0 || in->reserved_z1)
		return HV_STATUS_INVALID_PARAMETER;
	pthread_mutex_lock(&vsm->lock);
	if (vsm_vtl_enabled(vsm, vtl) || (vsm->enabling & BIT(vtl)))
		st = HV_STATUS_VTL_ALREADY_ENABLED;
	else
		vsm->enabling |= BIT(vtl);
	pthread_mutex_unlock(&vsm->lock);
	if (st)
		return st;
	/* Not under vsm->lock: creating the VM takes hv->lock, which is taken before it elsewhere. */
	ret = vsm->ops->enable_partition_vtl(vsm->ctx, vtl);
	pthread_mutex_lock(&vsm->lock);
	vsm->enabling &= ~BIT(vtl);
	if (ret) {
		pr_warn_ratelimited("cannot enable VTL%u: %s", vtl, strerror(-ret));
		st = HV_STATUS_INSUFFICIENT_MEMORY;
	} else {
		atomic_fetch_or_explicit(&vsm->enabled, (u8)BIT(vtl), memory_order_release);
		pr_debug("VTL%u enabled by vp%u", vtl, ctx->vp->index);
	}
	pthread_mutex_unlock(&vsm->lock);
	return st;
}

/* ---- HvCallEnableVpVtl (0x000f) and HvCallStartVirtualProcessor (0x0099) -------------------- */

#define RFLAGS_VM		BIT(17)
#define RFLAGS_RESERVED		(GENMASK_ULL(63, 22) | BIT(15) | BIT(5) | BIT(3))
#define SEG_TYPE_CODE		BIT(3)
#define SEG_TYPE_TSS_BUSY	0xb	/* a 64-bit or 32-bit busy TSS */
#define SEG_TYPE_TSS_AVAIL	0x9

/*
 * What KVM does not check when it takes a context (KVM_SET_REGS/SREGS) but
 * a VM entry would refuse, ending the VM: RFLAGS' reserved bits and VM86,
 * a code segment in CS, a TSS in TR. Hyper-V answers these with
 * HV_STATUS_INVALID_REGISTER_VALUE (TLFS "HvCallStartVirtualProcessor").
 */
static bool context_ok(const struct hv_initial_vp_context *c)
{
	u16 cs = c->cs.attributes, tr = c->tr.attributes;

	if ((c->rflags & RFLAGS_RESERVED) || (c->rflags & RFLAGS_VM))
		return false;
	if (!(cs & HV_X64_SEGMENT_ATTR_P) || !(cs & HV_X64_SEGMENT_ATTR_S) ||
	    !(cs & SEG_TYPE_CODE))
		return false;
	return (tr & HV_X64_SEGMENT_ATTR_P) && !(tr & HV_X64_SEGMENT_ATTR_S) &&
	       ((tr & HV_X64_SEGMENT_ATTR_TYPE_MASK) == SEG_TYPE_TSS_BUSY ||
		(tr & HV_X64_SEGMENT_ATTR_TYPE_MASK) == SEG_TYPE_TSS_AVAIL);
}

/* The VP an EnableVpVtl / StartVp names: HV_VP_INDEX_SELF is the caller's own. */
static bool vp_index_ok(struct hv_hcall_ctx *ctx, u32 *index)
{
	if (*index == HV_VP_INDEX_SELF)
		*index = ctx->vp->index;
	return *index < ctx_vsm(ctx)->nr_vps;
}

/*
 * TLFS "HvCallEnableVpVtl" (Restrictions): the VTL must be enabled in the
 * partition; it is enabled on a VP once, and once enabled there further
 * calls must come from that VTL or a higher one; VTL0 may only bootstrap
 * the first VP's VTL1, on its own VP (OpenHCL's rule: after that only VTL1
 * enables VPs). The checks for
 * "already enabled" come before the VTL0 restriction, so enabling twice
 * reports VtlAlreadyEnabled whoever asks.
 */
static hv_status_t enable_vp_vtl(struct hv_hcall_ctx *ctx)
{
	const struct hv_input_enable_vp_vtl *in = (const void *)ctx->in;
	struct vsm *vsm = ctx_vsm(ctx);
	u32 index = in->vp_index;
	u8 vtl = in->target_vtl;
	bool bootstrap = ctx->vp->vtl < vtl;
	hv_status_t st;

	if (in->partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (!vp_index_ok(ctx, &index))
		return HV_STATUS_INVALID_VP_INDEX;
	if (!vtl || vtl > vsm->max_vtl || in->reserved_z[0] || in->reserved_z[1] ||
	    in->reserved_z[2])
		return HV_STATUS_INVALID_PARAMETER;
	if (!vsm_vtl_enabled(vsm, vtl))
		return HV_STATUS_INVALID_VTL_STATE;
	if (!context_ok(&in->vp_context))
		return HV_STATUS_INVALID_REGISTER_VALUE;
	pthread_mutex_lock(&vsm->lock);
	if (vsm->vps[index].enabling || vtl_vp_enabled(vsm->vps[index].sched, vtl))
		st = HV_STATUS_VTL_ALREADY_ENABLED;
	else if (bootstrap && (vsm->vp_vtl_enabled || index != ctx->vp->index))
		st = HV_STATUS_ACCESS_DENIED;
	else
		st = HV_STATUS_SUCCESS;
	if (!st) {
		vsm->vps[index].enabling = true;
		if (bootstrap)
			vsm->vp_vtl_enabled = true;	/* taken now: one bootstrap at a time */
	}
	pthread_mutex_unlock(&vsm->lock);
	if (st)
		return st;
	/* Not under the lock: the target VP does the work, and may need the lock meanwhile. */
	st = vsm->ops->enable_vp_vtl(vsm->ctx, ctx->vp->vcpu, index, vtl, &in->vp_context);
	pthread_mutex_lock(&vsm->lock);
	vsm->vps[index].enabling = false;
	if (st && bootstrap)
		vsm->vp_vtl_enabled = false;
	else if (!st)
		vsm->vp_vtl_enabled = true;
	pthread_mutex_unlock(&vsm->lock);
	return st;
}

bool vsm_deny_lower_vtl_startup(struct vsm *vsm)
{
	bool deny;

	pthread_mutex_lock(&vsm->lock);
	deny = vsm->partition_config & HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP;
	pthread_mutex_unlock(&vsm->lock);
	return deny;
}

/*
 * TLFS "HvCallStartVirtualProcessor": starts another VP in a VTL no higher
 * than the caller's, enabled on that VP, not yet started there; VTL0 may
 * not when VTL1 set DenyLowerVtlStartup.
 */
static hv_status_t start_vp(struct hv_hcall_ctx *ctx)
{
	const struct hv_input_start_virtual_processor *in = (const void *)ctx->in;
	struct vsm *vsm = ctx_vsm(ctx);
	u32 index = in->vp_index;
	u8 vtl = in->target_vtl;

	if (in->partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	if (index == HV_VP_INDEX_SELF || index == ctx->vp->index || !vp_index_ok(ctx, &index))
		return HV_STATUS_INVALID_VP_INDEX;
	if (in->reserved_z0 || in->reserved_z1 || vtl > HV_VTL_MASK)
		return HV_STATUS_INVALID_PARAMETER;
	if (vtl > ctx->vp->vtl)
		return HV_STATUS_ACCESS_DENIED;
	if (!vtl_vp_enabled(vsm->vps[index].sched, vtl))
		return HV_STATUS_INVALID_VP_STATE;
	if (!ctx->vp->vtl && vsm_deny_lower_vtl_startup(vsm))
		return HV_STATUS_ACCESS_DENIED;
	if (!context_ok(&in->vp_context))
		return HV_STATUS_INVALID_REGISTER_VALUE;
	return vsm->ops->start_vp(vsm->ctx, ctx->vp->vcpu, index, vtl, &in->vp_context);
}

/* ---- HvCallGetVpIndexFromApicId (0x009a, rep) ----------------------------------------------- */

/*
 * TLFS "HvCallGetVpIndexFromApicId" (rep: one APIC ID in, one VP index out
 * per element). VP index = APIC ID in every VTL (vmm/vcpu.h), so the answer
 * is the ID itself if a VP has it.
 */
static hv_status_t get_vp_index_from_apic_id(struct hv_hcall_ctx *ctx)
{
	const struct hv_input_get_vp_index_from_apic_id *in = (const void *)ctx->in;
	struct vsm *vsm = ctx_vsm(ctx);

	if (in->partition_id != HV_PARTITION_ID_SELF)
		return HV_STATUS_INVALID_PARTITION_ID;
	for (unsigned int i = 0; i < ARRAY_SIZE(in->reserved); i++)
		if (in->reserved[i])
			return HV_STATUS_INVALID_PARAMETER;
	if (in->target_vtl > HV_VTL_MASK)
		return HV_STATUS_INVALID_PARAMETER;
	if (in->target_vtl > ctx->vp->vtl)
		return HV_STATUS_ACCESS_DENIED;
	for (; ctx->reps_done < ctx->rep_count; ctx->reps_done++) {
		unsigned int i = ctx->reps_done - ctx->rep_start;
		u32 apic_id;

		memcpy(&apic_id, ctx->in_reps + i * sizeof(u32), sizeof(apic_id));
		if (apic_id >= vsm->nr_vps ||
		    !vtl_vp_enabled(vsm->vps[apic_id].sched, in->target_vtl))
			return HV_STATUS_INVALID_PARAMETER;
		memcpy(ctx->out_reps + i * sizeof(u32), &apic_id, sizeof(apic_id));
	}
	return HV_STATUS_SUCCESS;
}

/* ---- HvCallVtlCall (0x0011) and HvCallVtlReturn (0x0012) ------------------------------------ */

/*
 * TLFS "VTL Call": the control is the call code alone, the input (RAX) zero,
 * and a higher VTL enabled on this VP; anything else is #UD (which the
 * dispatcher makes of a non-SUCCESS). The switch itself is the VMM's.
 */
static hv_status_t vtl_call(struct hv_hcall_ctx *ctx)
{
	struct vtl_vp *s = ctx_sched(ctx);

	if (ctx->control != HVCALL_VTL_CALL || ctx->vtl_input)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (!s || !vtl_vp_enabled(s, ctx->vp->vtl + 1))
		return HV_STATUS_INVALID_VTL_STATE;
	return HV_STATUS_SUCCESS;
}

/* TLFS "VTL Return": from VTL1 up; input bit 0 asks for a fast return, the rest is reserved. */
static hv_status_t vtl_return(struct hv_hcall_ctx *ctx)
{
	if (ctx->control != HVCALL_VTL_RETURN ||
	    (ctx->vtl_input & HV_VTL_RETURN_INPUT_RESERVED_MASK))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (!ctx->vp->vtl)
		return HV_STATUS_INVALID_VTL_STATE;
	return HV_STATUS_SUCCESS;
}

#define EPV_IN	sizeof(struct hv_input_enable_partition_vtl)
#define EVV_IN	sizeof(struct hv_input_enable_vp_vtl)
#define SVP_IN	sizeof(struct hv_input_start_virtual_processor)
#define VFA_IN	sizeof(struct hv_input_get_vp_index_from_apic_id)

/* Sorted by code. A fast form is accepted wherever the input fits the registers (pitfall 12). */
const struct hv_hcall_desc vsm_hcalls[] = {
	HV_HCALL(HVCALL_ENABLE_PARTITION_VTL, enable_partition_vtl, 0, HV_ACCESS_VSM,
		 EPV_IN, 0, 0, 0),
	HV_HCALL(HVCALL_ENABLE_VP_VTL, enable_vp_vtl, 0, HV_ACCESS_VSM, EVV_IN, 0, 0, 0),
	HV_HCALL(HVCALL_VTL_CALL, vtl_call, HCALL_VTL_SWITCH, 0, 0, 0, 0, 0),
	HV_HCALL(HVCALL_VTL_RETURN, vtl_return, HCALL_VTL_SWITCH, 0, 0, 0, 0, 0),
	HV_HCALL(HVCALL_START_VIRTUAL_PROCESSOR, start_vp, 0, HV_START_VIRTUAL_PROCESSOR,
		 SVP_IN, 0, 0, 0),
	HV_HCALL(HVCALL_GET_VP_INDEX_FROM_APIC_ID, get_vp_index_from_apic_id, HCALL_REP,
		 HV_ACCESS_VSM, VFA_IN, sizeof(u32), 0, sizeof(u32)),
};
const unsigned int vsm_hcalls_count = ARRAY_SIZE(vsm_hcalls);
