/* SPDX-License-Identifier: MIT */
/*
 * hv/hcall.h -- the hypercall dispatcher.
 *
 * The VMM traps a hypercall (the stub in the hypercall page does an `out` to
 * HV_HCALL_PORT), hands the caller's registers to hv_hypercall() and writes
 * back what it returns. The control word is decoded once; the common checks
 * run in one place, in this order, before any handler:
 *   1. caller not in protected mode at CPL 0, or no hypercall page  -> #UD
 *   2. unknown code                        -> HV_STATUS_INVALID_HYPERCALL_CODE
 *   3. privilege bit not granted           -> HV_STATUS_ACCESS_DENIED
 *   4. XMM input/output not advertised     -> #UD (TLFS "XMM Fast Hypercall Input")
 *   5. fast/rep/variable-header misuse, reserved bits
 *                                          -> HV_STATUS_INVALID_HYPERCALL_INPUT
 *   6. GPAs unaligned, spanning a page or not RAM -> HV_STATUS_INVALID_ALIGNMENT
 * The dispatcher then gathers the input (memory, GPRs or XMM), calls the
 * handler once, and scatters the output: the fixed output if the call
 * succeeded, and the reps from rep_start to reps_done even if it failed.
 * Output before rep_start (an earlier entry's) is never written.
 *
 * Handler contract: a handler reads ctx->in (fixed header, then variable
 * header) and, for a rep call, ctx->in_reps (element rep_start first); it
 * writes ctx->out / ctx->out_reps and, for a rep call, sets ctx->reps_done
 * to the absolute index of the first rep it did not complete. It returns an
 * HV_STATUS. A rep call sees at most HV_HCALL_REP_BUDGET reps per entry: the
 * dispatcher then restarts the hypercall with the rep start advanced, as the
 * TLFS continuation mechanism allows (the caller sees one call).
 */
#ifndef VTLVM_HCALL_H
#define VTLVM_HCALL_H

#include "hv/hv.h"

#include "hv/hcall_stub.h"

#define HV_HCALL_REP_BUDGET	512	/* reps per entry before a continuation */

/* Descriptor flags. */
#define HCALL_REP		BIT(0)	/* a rep hypercall */
#define HCALL_VARHEAD		BIT(1)	/* accepts a variable-size header */
#define HCALL_NO_FAST		BIT(2)	/* the register-based form is not allowed */
#define HCALL_NO_SLOW		BIT(3)	/* only the register-based form */
/*
 * VtlCall / VtlReturn (TLFS "VTL Call", "VTL Return"): no input or output
 * lists and no status. The handler validates ctx->control and ctx->vtl_input
 * and returns HV_STATUS_SUCCESS for a valid call, anything else for #UD; the
 * dispatcher then reports HV_HCALL_VTL_CALL / _RETURN and leaves the
 * registers alone, and the VMM switches VTLs.
 */
#define HCALL_VTL_SWITCH	BIT(4)

struct hv_hcall_ctx;

struct hv_hcall_desc {
	u16 code;
	const char *name;
	u32 flags;
	u64 privilege;		/* HV_ACCESS_* / HV_* mask bit required; 0: none */
	u16 in_size;		/* fixed input header, bytes */
	u16 rep_in_size;	/* one input element, bytes */
	u16 out_size;		/* fixed output, bytes */
	u16 rep_out_size;	/* one output element, bytes */
	hv_status_t (*fn)(struct hv_hcall_ctx *ctx);
};

#define HV_HCALL(c, f, fl, priv, in, rin, out, rout)			\
	{ .code = (c), .name = #c, .fn = (f), .flags = (fl), .privilege = (priv),	\
	  .in_size = (in), .rep_in_size = (rin), .out_size = (out), .rep_out_size = (rout) }

struct hv_hcall_ctx {
	struct hv_vp *vp;			/* the caller */
	const struct hv_hcall_desc *desc;
	struct hv_hypercall_input ctl;
	u64 control;				/* the raw control value */
	u64 vtl_input;				/* HCALL_VTL_SWITCH: RAX (x64) or ECX (x86) */
	u16 rep_start, rep_count, reps_done;	/* rep_count may be capped (continuation) */
	const u8 *in;				/* fixed + variable header */
	size_t in_len;
	const u8 *in_reps;			/* element rep_start */
	u8 *out;				/* fixed output */
	u8 *out_reps;				/* element rep_start */
	u8 inbuf[HV_PAGE_SIZE] __attribute__((aligned(8)));
	u8 outbuf[HV_PAGE_SIZE] __attribute__((aligned(8)));
};

/* The caller's registers as the VMM saw them; hv_hypercall() updates them. */
struct hv_hcall_regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, r8;
	bool protected_mode;	/* CR0.PE and not virtual-8086 */
	bool long_mode;		/* EFER.LMA and CS.L: the x64 register convention */
	u8 cpl;
};

/* The input of VtlCall/VtlReturn (TLFS "VTL Call"/"VTL Return"): RAX on x64, ECX on x86. */
static inline u64 hv_hcall_vtl_input(const struct hv_hcall_regs *r)
{
	return r->long_mode ? r->rax : (u32)r->rcx;
}

enum hv_hcall_outcome {
	HV_HCALL_DONE,		/* result (and fast output) written into the registers */
	HV_HCALL_RESTART,	/* continuation: re-execute the trapping instruction */
	HV_HCALL_UD,		/* inject #UD at the trapping instruction */
	HV_HCALL_VTL_CALL,	/* a valid VtlCall: switch up (registers untouched) */
	HV_HCALL_VTL_RETURN,	/* a valid VtlReturn: switch down */
};

/* Merge the family tables; -EINVAL (logged) if a code appears twice. */
int hv_hcall_init(struct hv *hv) __must_check;
void hv_hcall_exit(struct hv *hv);
const struct hv_hcall_desc *hv_hcall_find(const struct hv *hv, u16 code);
/* Handle one trapped hypercall of vp with registers r. */
enum hv_hcall_outcome hv_hypercall(struct hv_vp *vp, struct hv_hcall_regs *r);

/* The family tables, each sorted by code (hv/hcall_*.c, hv/synic.c). */
extern const struct hv_hcall_desc hv_hcalls_pv[];
extern const unsigned int hv_hcalls_pv_count;
extern const struct hv_hcall_desc hv_hcalls_synic[];
extern const unsigned int hv_hcalls_synic_count;
extern const struct hv_hcall_desc hv_hcalls_regs[];
extern const unsigned int hv_hcalls_regs_count;

#endif /* VTLVM_HCALL_H */
