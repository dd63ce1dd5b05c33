/* SPDX-License-Identifier: MIT */
/*
 * vtl/vtl.h -- the VTL state of one virtual processor: which VTLs are
 * enabled on it, which are runnable, which one runs, and why it was entered.
 *
 * This is the VTL scheduler's decision logic (README "Virtual Secure Mode",
 * Scheduling), kept pure so it can be tested without KVM; the VP thread
 * applies decisions (vmm/vtl_glue.c: vtl_glue_schedule) by copying shared
 * registers and running another VTL's vCPU.
 *
 * The model (TLFS "Virtual Secure Mode", "VTL Entry" / "VTL Exit"; the same
 * as OpenVMM's runnable-VTL set): VTL0 is always runnable; a higher VTL
 * becomes runnable when it is entered (VtlCall from the VTL below, or an
 * interrupt or intercept aimed at it) and stops being runnable when it
 * executes VtlReturn. The VP runs the highest runnable VTL, so a higher VTL
 * is never preempted by a lower one and returns to the highest VTL still
 * runnable below it.
 *
 * Threading: a struct vtl_vp is owned by its VP's thread. `enabled` is set
 * there too (HvCallEnableVpVtl runs on the target VP's thread,
 * vmm/vtl_start.c, and sets it with release order after the VTL's vCPU
 * exists) but read by hypercalls on other VPs, hence atomic.
 */
#ifndef VTLVM_VTL_H
#define VTLVM_VTL_H

#include <stdatomic.h>

#include "hv/tlfs.h"
#include "vmm/types.h"

#define VTL_NR_MTRRS	28		/* MTRRdefType, 11 fixed, 8 variable pairs */

struct vtl_vp {
	u8 max_vtl;			/* the partition's highest VTL (config) */
	_Atomic u8 enabled;		/* bit n: VTL n is enabled on this VP; bit 0 always */
	u8 runnable;			/* bit n: VTL n is runnable; bit 0 always */
	u8 active;			/* the VTL that runs (or ran last) */
	u8 entry_reason[HV_NUM_VTLS];	/* HV_VTL_ENTRY_* of the last entry, per VTL */
};

/* A VP with only VTL0, for a partition whose highest VTL is max_vtl. */
void vtl_vp_init(struct vtl_vp *s, u8 max_vtl);
bool vtl_vp_enabled(const struct vtl_vp *s, u8 vtl);
void vtl_vp_enable(struct vtl_vp *s, u8 vtl);

/* The VTL the VP should run: the highest runnable one. */
u8 vtl_vp_pick(const struct vtl_vp *s);

/*
 * VtlCall from the active VTL: the next higher VTL becomes runnable with
 * entry reason VTL_CALL. Returns it, or -EINVAL if there is none enabled on
 * this VP (TLFS "VTL Call": #UD; vtl/vsm.c checks that before the VMM calls
 * this, so there -EINVAL is an internal error).
 */
int vtl_vp_call(struct vtl_vp *s);
/*
 * VtlReturn from the active VTL: it stops being runnable. Returns the VTL to
 * run next, or -EINVAL from VTL0 (TLFS "VTL Return": #UD; checked first by
 * vtl/vsm.c, as for VtlCall).
 */
int vtl_vp_return(struct vtl_vp *s);
/*
 * An interrupt (HV_VTL_ENTRY_INTERRUPT) or intercept (..._INTERCEPT) for vtl:
 * if vtl is enabled and above the active VTL it becomes runnable with that
 * entry reason and true is returned (the VP must switch); otherwise nothing
 * changes (the event is delivered when vtl runs).
 */
bool vtl_vp_raise(struct vtl_vp *s, u8 vtl, u8 reason);
/* The VP switched: vtl now runs. */
void vtl_vp_set_active(struct vtl_vp *s, u8 vtl);

/*
 * The architectural state the TLFS shares between the VTLs of a VP (TLFS
 * "Virtual Processor State Isolation": "Shared State"); everything else is
 * private and stays in each VTL's vCPU. One row per register or register
 * group, with the TLFS register name where one exists, so a unit test can
 * hold the list against the TLFS.
 */
enum vtl_shared_kind {
	VTL_SHARED_GPR,		/* a general-purpose register: copied through sync_regs */
	VTL_SHARED_CR2,		/* sync_regs too */
	VTL_SHARED_DR,		/* DR0-DR3 (DR6 only if VsmCapabilities.Dr6Shared, which is 0) */
	VTL_SHARED_FPU,		/* x87, SSE, AVX, AVX-512 XSAVE components (not PKRU) */
	VTL_SHARED_XCR0,
	VTL_SHARED_MTRR,	/* MTRR MSRs: write-filtered, copied when written */
	VTL_SHARED_SYNTHETIC,	/* shared synthetic MSRs: one partition object in hv/ */
};

struct vtl_shared_reg {
	const char *name;
	u32 hv_name;		/* HV_X64_REGISTER_* / HV_REGISTER_*, 0 for groups */
	enum vtl_shared_kind kind;
	u32 msr;		/* MTRR and synthetic rows: the MSR */
};

extern const struct vtl_shared_reg vtl_shared_regs[];
extern const unsigned int vtl_shared_regs_count;

#endif /* VTLVM_VTL_H */
