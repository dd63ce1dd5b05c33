/* SPDX-License-Identifier: MIT */
/*
 * vsm.h -- Virtual Secure Mode from the guest's side: enabling VTL1 for the
 * partition and a VP, starting VPs, and VTL call/return through the stubs
 * HvRegisterVsmCodePageOffsets names (TLFS "Virtual Secure Mode").
 *
 * VTL0 and VTL1 programs are separate images (tests/guests/ and
 * tests/guests/vtl1/) that share the general-purpose registers but RSP
 * (TLFS "Shared State"), so a call passes values in registers:
 * vtl_call()/vtl_return() load every GPR but RCX (the stub's input) from
 * struct vtl_regs, switch, and store what the other VTL left in all of them
 * back. The caller's own callee-saved registers are kept on its stack.
 *
 * A VTL1 entered for an interrupt (vsm_entry_reason()) holds VTL0's
 * registers as they were when VTL0 was preempted; it gives them back
 * unchanged with vtl_return_exact(): all GPRs from struct vtl_regs, and RAX
 * and RCX, which the return stub uses, through the VP assist page (TLFS
 * "VTL Return": a return that is not fast restores them from there).
 *
 * A VTL1 program starts at its ELF entry with RDI = its boot info, like
 * every test guest: the first vtl_call() into it passes that in RDI
 * (vsm_boot_vtl1()).
 */
#ifndef GUEST_VSM_H
#define GUEST_VSM_H

#include "hv.h"

struct vtl_regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

/* The VTL1 program vtlvm loaded (VTL0's boot info, node "vtl1"). */
struct vtl1_program {
	u64 entry, bootinfo, cr3, image_start, image_end;
};
bool vsm_vtl1_program(struct vtl1_program *p);

/* HvCallEnablePartitionVtl / EnableVpVtl / StartVirtualProcessor; the hypercall result. */
u64 vsm_enable_partition_vtl(u8 vtl, u8 flags);
u64 vsm_enable_vp_vtl(u32 vp, u8 vtl, const struct hv_initial_vp_context *c);
u64 vsm_start_vp(u32 vp, u8 vtl, const struct hv_initial_vp_context *c);
/* A flat 64-bit context on the boot GDT: CS 0x10, data 0x18, TR for VMX, PAT default. */
void vsm_context_long_mode(struct hv_initial_vp_context *c, u64 rip, u64 rsp, u64 cr3);

/* HvCallGet/SetVpRegisters of one register of VP self in VTL target_vtl; the result. */
u64 vsm_get_reg(u8 target_vtl, u32 name, union hv_register_value *v);
u64 vsm_set_reg(u8 target_vtl, u32 name, const union hv_register_value *v);
/* The same with the VP and HV_INPUT_VTL spelled out (reserved bits, no UseTargetVtl...). */
u64 vsm_get_reg_raw(u32 vp, u8 input_vtl, u32 name, union hv_register_value *v);
u64 vsm_set_reg_raw(u32 vp, u8 input_vtl, u32 name, const union hv_register_value *v);

/*
 * VTL call / return through the page; the #UD vector if it faulted, else 0.
 * input: RCX for the stub (VtlCall: must be 0; VtlReturn: bit 0 = fast).
 */
u8 vtl_call_safe(struct vtl_regs *r, u64 input);
u8 vtl_return_safe(struct vtl_regs *r, u64 input);
void vtl_call(struct vtl_regs *r);		/* asserts it did not fault */
void vtl_return(struct vtl_regs *r);		/* ditto, fast: RAX/RCX from the stub */
void vtl_return_exact(struct vtl_regs *r);	/* not fast: RAX/RCX from r via the assist page */

/*
 * n bare VTL calls: RCX = 0 through the call stub and nothing else, for
 * timing; VTL1 must return at once each time (RBX, RBP, R12-R15 are kept).
 */
void vtl_call_loop(u64 n);
/* VTL1's side of it: a fast VTL return at each entry, forever. */
void vtl_return_loop(void) __noreturn;

/*
 * VTL0: enable VTL1 for the partition and this VP with the loaded program
 * as initial context, and call into it once so that it initializes
 * (RDI = its boot info); returns what it left in the registers.
 */
void vsm_boot_vtl1(struct vtl_regs *r);

/* VTL1: this VP's assist page (enabled on first use) and the entry reason written there. */
struct hv_vp_assist_page *vsm_assist_page(void);
u32 vsm_entry_reason(void);

#endif /* GUEST_VSM_H */
