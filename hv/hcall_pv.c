// SPDX-License-Identifier: MIT
/*
 * The paravirtual hypercalls Linux and Windows use for IPIs, TLB flushes and
 * spin loops (TLFS "Virtual Processor Management", "Virtual MMU").
 *
 * Processor sets: a 64-bit mask (VPs 0-63) or an HV_VP_SET (sparse 4K
 * banks, or all). VP indices with no VP behind them are skipped, as on
 * Hyper-V and KVM, so a guest may pass a set sized for its possible CPUs.
 */
#define pr_fmt(fmt) "hv-pv: " fmt
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "hv/hcall.h"
#include "vmm/log.h"

#define HV_MAX_VP_SET_BANKS	4	/* 256 VPs: vtlvm runs at most 255 (vm:cpus) */

/* A decoded processor set: which VP indices below nr_vps it names. */
struct vp_set {
	bool all;
	u64 banks[HV_MAX_VP_SET_BANKS];	/* bank b: VPs 64b .. 64b+63 */
};

static bool vp_set_has(const struct vp_set *s, u32 vp)
{
	u32 bank = vp / HV_VCPUS_PER_SPARSE_BANK;

	return s->all || (bank < HV_MAX_VP_SET_BANKS &&
			  (s->banks[bank] & BIT(vp % HV_VCPUS_PER_SPARSE_BANK)));
}

static void vp_set_from_mask(struct vp_set *s, u64 mask)
{
	memset(s, 0, sizeof(*s));
	s->banks[0] = mask;
}

/*
 * HV_VP_SET in a variable header: format, valid_bank_mask, then one qword
 * per bit set in valid_bank_mask (TLFS "HV_VP_SET").
 */
static hv_status_t vp_set_parse(struct vp_set *s, u64 format, u64 valid, const u64 *banks,
				unsigned int nr_banks)
{
	memset(s, 0, sizeof(*s));
	if (format == HV_GENERIC_SET_ALL) {
		s->all = true;
		return nr_banks ? HV_STATUS_INVALID_HYPERCALL_INPUT : HV_STATUS_SUCCESS;
	}
	if (format != HV_GENERIC_SET_SPARSE_4K)
		return HV_STATUS_INVALID_PARAMETER;
	if ((unsigned int)__builtin_popcountll(valid) != nr_banks)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	/* Banks past the last VP vtlvm can have name no VP: skipped. */
	for (unsigned int b = 0; b < HV_MAX_VP_SET_BANKS; b++) {
		int i = hv_vp_set_bank_index(valid, b);

		if (i >= 0)
			s->banks[b] = banks[i];
	}
	return HV_STATUS_SUCCESS;
}

/*
 * HV_INPUT_VTL for IPIs (TLFS "HvCallSendSyntheticClusterIpi": TargetVtl):
 * the caller's own VTL by default, or any VTL enabled in the partition: an
 * interrupt VTL0 aims at VTL1 is how VTL0 asks the secure kernel for
 * attention, and preempts VTL0 on the target VP (README "Virtual Secure
 * Mode", Scheduling). A VTL that does not exist (yet) is
 * HV_STATUS_INVALID_VTL_STATE.
 */
static hv_status_t check_target_vtl(const struct hv_vp *vp, u8 in, u8 *target)
{
	if (!hv_input_vtl_target(in, vp->vtl, target) || *target >= HV_MAX_VTL)
		return HV_STATUS_INVALID_PARAMETER;
	if (!hv_vp_get(vp->hv, *target, vp->index))
		return HV_STATUS_INVALID_VTL_STATE;
	return HV_STATUS_SUCCESS;
}

/* VPs that have no such VP, or no such VTL yet, are skipped (as unknown VP indices are). */
static hv_status_t send_ipis(struct hv_vp *vp, u8 vtl, u32 vector, const struct vp_set *set)
{
	const struct hv_host *h = &vp->hv->host;

	for (u32 i = 0; i < vp->hv->cfg.nr_vps; i++) {
		int ret;

		if (!vp_set_has(set, i))
			continue;
		ret = h->ops->interrupt(h->ctx, vtl, i, vector);
		if (ret && ret != -ENODEV)
			pr_warn_ratelimited("vp%u: IPI to vp%u (VTL%u) failed", vp->index, i, vtl);
	}
	return HV_STATUS_SUCCESS;
}

static hv_status_t ipi_common(struct hv_vp *vp, u32 vector, u8 target_vtl, u8 flags,
			      u16 reserved, u8 *vtl)
{
	if (vector < HV_IPI_LOW_VECTOR || vector > HV_IPI_HIGH_VECTOR || flags || reserved)
		return HV_STATUS_INVALID_PARAMETER;
	return check_target_vtl(vp, target_vtl, vtl);
}

/* HvCallSendSyntheticClusterIpi (0x000b): fast form RDX = vector..., R8 = mask. */
static hv_status_t send_ipi(struct hv_hcall_ctx *ctx)
{
	const struct hv_input_send_synthetic_cluster_ipi *in = (const void *)ctx->in;
	struct vp_set set;
	u8 vtl;
	hv_status_t st = ipi_common(ctx->vp, in->vector, in->target_vtl, in->flags, in->reserved,
				    &vtl);

	if (st)
		return st;
	vp_set_from_mask(&set, in->processor_mask);
	return send_ipis(ctx->vp, vtl, in->vector, &set);
}

/* HvCallSendSyntheticClusterIpiEx (0x0015): the banks are the variable header. */
static hv_status_t send_ipi_ex(struct hv_hcall_ctx *ctx)
{
	const struct hv_input_send_synthetic_cluster_ipi_ex *in = (const void *)ctx->in;
	struct vp_set set;
	u8 vtl;
	hv_status_t st = ipi_common(ctx->vp, in->vector, in->target_vtl, in->flags, in->reserved,
				    &vtl);

	if (!st)
		st = vp_set_parse(&set, in->vp_set_format, in->vp_set_valid_bank_mask,
				  in->vp_set_bank_contents, ctx->ctl.varhead_qwords);
	return st ? st : send_ipis(ctx->vp, vtl, in->vector, &set);
}

/*
 * Flushes (TLFS "Virtual MMU", HvCallFlushVirtualAddressSpace/List): vtlvm
 * can only flush a VP's whole TLB, which over-satisfies every form (a list,
 * one address space, non-global only). It returns only once each target VP
 * has flushed, as the TLFS requires. VTL-targeted flushes (OV:hvdef
 * HvFlushFlags bits 4, 8, 9) are not offered: InvalidParameter.
 */
static hv_status_t flush_set(struct hv_vp *vp, u64 flags, const struct vp_set *set, bool list)
{
	const struct hv_host *h = &vp->hv->host;

	if (flags & ~(HV_FLUSH_ALL_PROCESSORS | HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES |
		      HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY | HV_FLUSH_USE_EXTENDED_RANGE_FORMAT))
		return HV_STATUS_INVALID_PARAMETER;
	if (list && (flags & HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY))
		return HV_STATUS_INVALID_PARAMETER;
	for (u32 i = 0; i < vp->hv->cfg.nr_vps; i++) {
		if (!(flags & HV_FLUSH_ALL_PROCESSORS) && !vp_set_has(set, i))
			continue;
		if (h->ops->flush_tlb(h->ctx, vp->vtl, i))
			return HV_STATUS_OPERATION_FAILED;
	}
	return HV_STATUS_SUCCESS;
}

static hv_status_t flush_space(struct hv_hcall_ctx *ctx)
{
	const struct hv_input_flush_virtual_address_space *in = (const void *)ctx->in;
	struct vp_set set;
	bool list = ctx->desc->code == HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST;
	hv_status_t st;

	vp_set_from_mask(&set, in->processor_mask);
	st = flush_set(ctx->vp, in->flags, &set, list);
	if (!st)
		ctx->reps_done = ctx->rep_count;	/* every GVA range is covered */
	return st;
}

static hv_status_t flush_space_ex(struct hv_hcall_ctx *ctx)
{
	const struct hv_input_flush_virtual_address_space_ex *in = (const void *)ctx->in;
	struct vp_set set;
	bool list = ctx->desc->code == HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX;
	hv_status_t st;

	st = vp_set_parse(&set, in->vp_set_format, in->vp_set_valid_bank_mask,
			  in->vp_set_bank_contents, ctx->ctl.varhead_qwords);
	if (!st)
		st = flush_set(ctx->vp, in->flags, &set, list);
	if (!st)
		ctx->reps_done = ctx->rep_count;
	return st;
}

/* TLFS "HvCallNotifyLongSpinWait" (0x0008): a hint that this VP spins; let others run. */
static hv_status_t notify_long_spin_wait(struct hv_hcall_ctx *ctx)
{
	(void)ctx;
	sched_yield();
	return HV_STATUS_SUCCESS;
}

#define FLUSH_IN	sizeof(struct hv_input_flush_virtual_address_space)
#define FLUSH_EX_IN	sizeof(struct hv_input_flush_virtual_address_space_ex)
#define IPI_IN		sizeof(struct hv_input_send_synthetic_cluster_ipi)
#define IPI_EX_IN	sizeof(struct hv_input_send_synthetic_cluster_ipi_ex)

/* Sorted by code. */
const struct hv_hcall_desc hv_hcalls_pv[] = {
	HV_HCALL(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, flush_space, 0, 0, FLUSH_IN, 0, 0, 0),
	HV_HCALL(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, flush_space, HCALL_REP, 0, FLUSH_IN, 8, 0, 0),
	HV_HCALL(HVCALL_NOTIFY_LONG_SPIN_WAIT, notify_long_spin_wait, 0, 0, 8, 0, 0, 0),
	HV_HCALL(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI, send_ipi, 0, 0, IPI_IN, 0, 0, 0),
	HV_HCALL(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, flush_space_ex, HCALL_VARHEAD, 0,
		 FLUSH_EX_IN, 0, 0, 0),
	HV_HCALL(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX, flush_space_ex, HCALL_VARHEAD | HCALL_REP,
		 0, FLUSH_EX_IN, 8, 0, 0),
	HV_HCALL(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX, send_ipi_ex, HCALL_VARHEAD, 0, IPI_EX_IN,
		 0, 0, 0),
};
const unsigned int hv_hcalls_pv_count = ARRAY_SIZE(hv_hcalls_pv);
