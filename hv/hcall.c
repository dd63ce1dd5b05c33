// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "hcall: " fmt
#include "hv/hcall.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/log.h"

#define FAST_GPR_BYTES	16	/* RDX and R8 (EBX:ECX and EDI:ESI) */
#define FAST_BLOCK_BYTES HV_HYPERCALL_FAST_INPUT_MAX_BYTES

static const struct {
	const struct hv_hcall_desc *table;
	const unsigned int *count;
} families[] = {
	{ hv_hcalls_pv, &hv_hcalls_pv_count },
	{ hv_hcalls_synic, &hv_hcalls_synic_count },
	{ hv_hcalls_regs, &hv_hcalls_regs_count },
};

static int cmp_desc(const void *a, const void *b)
{
	const struct hv_hcall_desc *x = *(const struct hv_hcall_desc *const *)a;
	const struct hv_hcall_desc *y = *(const struct hv_hcall_desc *const *)b;

	return (int)x->code - (int)y->code;
}

int hv_hcall_init(struct hv *hv)
{
	const struct hv_hcall_family *extra = &hv->cfg.extra_hcalls;
	unsigned int n = extra->count;

	for (size_t f = 0; f < ARRAY_SIZE(families); f++)
		n += *families[f].count;
	hv->hcalls = calloc(n ? n : 1, sizeof(*hv->hcalls));
	if (!hv->hcalls)
		return -ENOMEM;
	n = 0;
	for (size_t f = 0; f < ARRAY_SIZE(families); f++)
		for (unsigned int i = 0; i < *families[f].count; i++)
			hv->hcalls[n++] = &families[f].table[i];
	for (unsigned int i = 0; i < extra->count; i++)
		hv->hcalls[n++] = &extra->table[i];
	qsort(hv->hcalls, n, sizeof(*hv->hcalls), cmp_desc);
	for (unsigned int i = 1; i < n; i++) {
		if (hv->hcalls[i]->code == hv->hcalls[i - 1]->code) {
			pr_err("hypercall %#x is registered twice (%s, %s)", hv->hcalls[i]->code,
			       hv->hcalls[i - 1]->name, hv->hcalls[i]->name);
			free(hv->hcalls);
			hv->hcalls = NULL;
			return -EINVAL;
		}
	}
	hv->nr_hcalls = n;
	return 0;
}

void hv_hcall_exit(struct hv *hv)
{
	free(hv->hcalls);
	hv->hcalls = NULL;
	hv->nr_hcalls = 0;
}

const struct hv_hcall_desc *hv_hcall_find(const struct hv *hv, u16 code)
{
	unsigned int lo = 0, hi = hv->nr_hcalls;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;
		u16 c = hv->hcalls[mid]->code;

		if (c == code)
			return hv->hcalls[mid];
		if (c < code)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The register conventions (TLFS "Hypercall Inputs"): x64 RCX/RDX/R8, x86 EDX:EAX/EBX:ECX/EDI:ESI. */
static u64 pair(u64 hi, u64 lo)
{
	return (hi << 32) | (u32)lo;
}

static u64 reg_control(const struct hv_hcall_regs *r)
{
	return r->long_mode ? r->rcx : pair(r->rdx, r->rax);
}

static u64 reg_input(const struct hv_hcall_regs *r)
{
	return r->long_mode ? r->rdx : pair(r->rbx, r->rcx);
}

static u64 reg_output(const struct hv_hcall_regs *r)
{
	return r->long_mode ? r->r8 : pair(r->rdi, r->rsi);
}

static void set_result(struct hv_hcall_regs *r, u64 v)
{
	if (r->long_mode) {
		r->rax = v;
	} else {
		r->rax = (u32)v;
		r->rdx = v >> 32;
	}
}

/* Sizes of the whole input and output lists of a call (all reps, from 0). */
struct hcall_sizes {
	size_t in_hdr, in_total, out_total;
};

static struct hcall_sizes hcall_sizes(const struct hv_hcall_desc *d,
				      const struct hv_hypercall_input *ctl)
{
	struct hcall_sizes s;

	s.in_hdr = d->in_size + (size_t)ctl->varhead_qwords * 8;
	s.in_total = s.in_hdr + (size_t)ctl->rep_count * d->rep_in_size;
	s.out_total = d->out_size + (size_t)ctl->rep_count * d->rep_out_size;
	return s;
}

/*
 * Check 5: the shape of the call against its descriptor (TLFS "Hypercall
 * Interface": rep start below rep count, no rep fields on a simple call, a
 * variable header only where the call has one; bit 31, nested, is OV:hvdef's
 * and vtlvm offers no nested calls).
 */
static hv_status_t check_control(const struct hv_hcall_desc *d, const struct hv_hypercall_input *c)
{
	if (c->rsvd_set || c->nested)
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if (d->flags & HCALL_REP) {
		if (!c->rep_count || c->rep_start >= c->rep_count)
			return HV_STATUS_INVALID_HYPERCALL_INPUT;
	} else if (c->rep_count || c->rep_start) {
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	}
	if (c->varhead_qwords && !(d->flags & HCALL_VARHEAD))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	if ((c->fast && (d->flags & HCALL_NO_FAST)) || (!c->fast && (d->flags & HCALL_NO_SLOW)))
		return HV_STATUS_INVALID_HYPERCALL_INPUT;
	return HV_STATUS_SUCCESS;
}

/*
 * Check 6 (TLFS "Hypercall Interface", Memory-based calling convention):
 * parameter lists are 8-byte aligned and may not cross a page; vtlvm also
 * wants RAM behind them.
 */
static bool gpa_list_ok(struct hv *hv, gpa_t gpa, size_t len)
{
	if (!len)
		return true;
	return IS_ALIGNED(gpa, 8) && (gpa & (HV_PAGE_SIZE - 1)) + len <= HV_PAGE_SIZE &&
	       gmem_hva(hv->host.mem, gpa, len);
}

/* Fast form: the 112-byte block RDX | R8 | XMM0..5. */
static int fast_block_read(struct hv_vp *vp, const struct hv_hcall_regs *r, u8 *block,
			   size_t need)
{
	u64 gpr[2] = { reg_input(r), reg_output(r) };
	const struct hv_host *host = &vp->hv->host;

	memset(block, 0, FAST_BLOCK_BYTES);
	memcpy(block, gpr, sizeof(gpr));
	if (need <= FAST_GPR_BYTES)
		return 0;
	return host->ops->get_xmm(host->ctx, vp->vcpu, (u8 (*)[16])(block + FAST_GPR_BYTES), 0,
				  (need - FAST_GPR_BYTES + 15) / 16);
}

/* Fast output: the registers after the input, from byte off (16-aligned) of the block. */
static int fast_block_write(struct hv_vp *vp, struct hv_hcall_regs *r, const u8 *block,
			    size_t off, size_t len)
{
	const struct hv_host *host = &vp->hv->host;
	unsigned int first, last;

	if (!len)
		return 0;
	if (off < FAST_GPR_BYTES) {
		/* Only reachable with no input at all: output starts in RDX. */
		memcpy(&r->rdx, block, sizeof(u64));
		memcpy(&r->r8, block + 8, sizeof(u64));
	}
	if (off + len <= FAST_GPR_BYTES)
		return 0;
	first = (MAX(off, (size_t)FAST_GPR_BYTES) - FAST_GPR_BYTES) / 16;
	last = (off + len - FAST_GPR_BYTES + 15) / 16;
	return host->ops->set_xmm(host->ctx, vp->vcpu,
				  (const u8 (*)[16])(block + FAST_GPR_BYTES + first * 16), first,
				  last - first);
}

/* Returned by run_call() for #UD: not an HV_STATUS. */
#define HCALL_UD 0xffff

/* Check 4: XMM input needs its feature; XMM output, its feature and the x64 convention. */
static bool fast_xmm_ok(const struct hv *hv, const struct hv_hcall_regs *r,
			const struct hcall_sizes *s)
{
	if (s->in_total > FAST_GPR_BYTES && !(hv->features & HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE))
		return false;
	return !s->out_total ||
	       (r->long_mode && (hv->features & HV_X64_HYPERCALL_XMM_OUTPUT_AVAILABLE));
}

/* Check 6, and gathering the input. Returns SUCCESS or a status. */
static hv_status_t gather_input(struct hv_hcall_ctx *ctx, const struct hv_hcall_regs *r,
				const struct hcall_sizes *s, u8 *block)
{
	struct hv_vp *vp = ctx->vp;
	struct hv *hv = vp->hv;
	size_t out_end = ALIGN_UP(s->in_total, 16) + s->out_total;

	if (ctx->ctl.fast) {
		if (s->in_total > FAST_BLOCK_BYTES || out_end > FAST_BLOCK_BYTES)
			return HV_STATUS_INVALID_HYPERCALL_INPUT;
		/* The output registers too: what the call does not produce keeps its value. */
		if (fast_block_read(vp, r, block, out_end))
			return HV_STATUS_INVALID_HYPERCALL_INPUT;
		memcpy(ctx->inbuf, block, s->in_total);
		return HV_STATUS_SUCCESS;
	}
	if (!gpa_list_ok(hv, reg_input(r), s->in_total) ||
	    !gpa_list_ok(hv, reg_output(r), s->out_total))
		return HV_STATUS_INVALID_ALIGNMENT;
	if (s->in_total && hv_gpa_read(hv, vp->vtl, reg_input(r), ctx->inbuf, s->in_total))
		return HV_STATUS_INVALID_ALIGNMENT;
	return HV_STATUS_SUCCESS;
}

/* Bytes [from, from + len) of the output list, into memory or the fast output registers. */
static hv_status_t write_output(struct hv_hcall_ctx *ctx, struct hv_hcall_regs *r,
				const struct hcall_sizes *s, u8 *block, size_t from, size_t len)
{
	size_t off = ALIGN_UP(s->in_total, 16);

	if (ctx->ctl.fast) {
		memcpy(block + off + from, ctx->outbuf + from, len);
		if (fast_block_write(ctx->vp, r, block, off + from, len))
			return HV_STATUS_INVALID_HYPERCALL_INPUT;
		return HV_STATUS_SUCCESS;
	}
	if (hv_gpa_write(ctx->vp->hv, ctx->vp->vtl, reg_output(r) + from, ctx->outbuf + from, len))
		return HV_STATUS_INVALID_ALIGNMENT;
	return HV_STATUS_SUCCESS;
}

/*
 * Write back what the handler produced: the fixed output if it succeeded,
 * and the rep elements this call completed (rep start up to reps done), even
 * after an error. Elements before the rep start belong to an earlier call
 * (TLFS "Hypercall Continuation") and stay as they are, in memory or XMM.
 */
static hv_status_t scatter_output(struct hv_hcall_ctx *ctx, struct hv_hcall_regs *r,
				  const struct hcall_sizes *s, u8 *block, hv_status_t status)
{
	const struct hv_hcall_desc *d = ctx->desc;
	size_t first = d->out_size + (size_t)ctx->rep_start * d->rep_out_size;
	size_t last = d->out_size + (size_t)ctx->reps_done * d->rep_out_size;
	hv_status_t st = HV_STATUS_SUCCESS;

	if (!s->out_total)
		return status;
	if (status == HV_STATUS_SUCCESS && d->out_size)
		st = write_output(ctx, r, s, block, 0, d->out_size);
	if (!st && (d->flags & HCALL_REP) && last > first)
		st = write_output(ctx, r, s, block, first, last - first);
	return st ? st : status;
}

static void ctx_setup(struct hv_hcall_ctx *ctx, const struct hcall_sizes *s)
{
	const struct hv_hcall_desc *d = ctx->desc;

	ctx->rep_start = ctx->ctl.rep_start;
	ctx->rep_count = ctx->ctl.rep_count;
	/* Continuation: the handler sees a bounded slice of the reps. */
	if (ctx->rep_count - ctx->rep_start > HV_HCALL_REP_BUDGET)
		ctx->rep_count = ctx->rep_start + HV_HCALL_REP_BUDGET;
	ctx->reps_done = ctx->rep_start;
	ctx->in = ctx->inbuf;
	ctx->in_len = s->in_hdr;
	ctx->in_reps = ctx->inbuf + s->in_hdr + (size_t)ctx->rep_start * d->rep_in_size;
	ctx->out = ctx->outbuf;
	ctx->out_reps = ctx->outbuf + d->out_size + (size_t)ctx->rep_start * d->rep_out_size;
}

/* Continuation (TLFS "Hypercall Continuation"): new rep start in the control word. */
static enum hv_hcall_outcome restart(struct hv_hcall_regs *r, u16 rep_start)
{
	u64 c = reg_control(r) & ~HV_HYPERCALL_REP_START_MASK;

	c |= (u64)rep_start << HV_HYPERCALL_REP_START_OFFSET;
	if (r->long_mode) {
		r->rcx = c;
	} else {
		r->rax = (u32)c;
		r->rdx = c >> 32;
	}
	return HV_HCALL_RESTART;
}

static hv_status_t run_call(struct hv_hcall_ctx *ctx, struct hv_hcall_regs *r, u8 *block)
{
	struct hcall_sizes s = hcall_sizes(ctx->desc, &ctx->ctl);
	hv_status_t status;

	if (ctx->ctl.fast && !fast_xmm_ok(ctx->vp->hv, r, &s))
		return HCALL_UD;
	status = check_control(ctx->desc, &ctx->ctl);
	if (!status)
		status = gather_input(ctx, r, &s, block);
	if (status)
		return status;
	ctx_setup(ctx, &s);
	memset(ctx->outbuf, 0, s.out_total);
	status = ctx->desc->fn(ctx);
	if (!(ctx->desc->flags & HCALL_REP))
		ctx->reps_done = 0;
	return scatter_output(ctx, r, &s, block, status);
}

/* TLFS "VTL Call"/"VTL Return": valid or #UD, never a status in RAX. */
static enum hv_hcall_outcome vtl_switch(struct hv_hcall_ctx *ctx, const struct hv_hcall_regs *r)
{
	ctx->vtl_input = hv_hcall_vtl_input(r);
	if (ctx->desc->fn(ctx) != HV_STATUS_SUCCESS)
		return HV_HCALL_UD;
	return ctx->ctl.code == HVCALL_VTL_CALL ? HV_HCALL_VTL_CALL : HV_HCALL_VTL_RETURN;
}

enum hv_hcall_outcome hv_hypercall(struct hv_vp *vp, struct hv_hcall_regs *r)
{
	struct hv *hv = vp->hv;
	struct hv_hcall_ctx *ctx;
	u8 block[FAST_BLOCK_BYTES] __attribute__((aligned(16)));
	enum hv_hcall_outcome out = HV_HCALL_DONE;
	hv_status_t status;

	/* TLFS "Legal Hypercall Environments": protected mode, CPL 0, page established. */
	if (!r->protected_mode || r->cpl || !(hv->vtl[vp->vtl]->hypercall & HV_MSR_PAGE_ENABLE))
		return HV_HCALL_UD;
	ctx = vp->hcall_ctx;
	/* Reset all but the buffers, which are filled before they are read. */
	memset(ctx, 0, offsetof(struct hv_hcall_ctx, inbuf));
	ctx->vp = vp;
	ctx->control = reg_control(r);
	ctx->ctl = hv_hypercall_decode(ctx->control);
	ctx->desc = hv_hcall_find(hv, ctx->ctl.code);
	if (ctx->desc && (ctx->desc->flags & HCALL_VTL_SWITCH))
		return vtl_switch(ctx, r);
	if (!ctx->desc) {
		pr_warn_ratelimited("vp%u: unknown hypercall %#x", vp->index, ctx->ctl.code);
		status = HV_STATUS_INVALID_HYPERCALL_CODE;
	} else if (ctx->desc->privilege &&
		   !(hv->vtl[vp->vtl]->privileges & ctx->desc->privilege)) {
		status = HV_STATUS_ACCESS_DENIED;
	} else {
		status = run_call(ctx, r, block);
	}
	if (status == HCALL_UD)
		out = HV_HCALL_UD;
	else if (status == HV_STATUS_SUCCESS && ctx->desc && (ctx->desc->flags & HCALL_REP) &&
		 ctx->reps_done < ctx->ctl.rep_count)
		out = restart(r, ctx->reps_done);
	else
		set_result(r, hv_hypercall_result(status, ctx->reps_done));
	return out;
}
