/* SPDX-License-Identifier: MIT */
/*
 * hv.h -- Hyper-V from the guest's side, as Linux's arch/x86/hyperv does it:
 * detection through CPUID, the guest OS identity, the hypercall page, and
 * calls through it with the *_safe() convention (the exception vector is
 * returned; 0 means none).
 */
#ifndef GUEST_HV_H
#define GUEST_HV_H

#include "guest.h"
#include "hv/tlfs.h"

/* Linux's guest OS ID encoding (TLFS "Guest OS Identity for open source"). */
#define HV_LINUX_GUEST_ID	(HV_GUEST_OS_ID_OPEN_SOURCE | \
				 ((u64)HV_GUEST_OS_TYPE_LINUX << HV_GUEST_OS_ID_OS_TYPE_SHIFT) | \
				 (0x060c00ULL << 16))	/* "6.12.0" */

/* The page the hypercall MSR points at, once hv_enable_hypercalls() ran. */
extern u8 *hv_hcall_page;
/*
 * Faults past this offset come from the VTL call/return stubs, whatever
 * offsets HvRegisterVsmCodePageOffsets names (the hypercall stub is first).
 */
#define HV_VTL_STUBS_START	0x20

struct hv_cpuid {
	u32 max_leaf, interface;
	u64 privileges;		/* 0x40000003 EAX:EBX */
	u32 features;		/* 0x40000003 EDX */
	u32 hints;		/* 0x40000004 EAX */
	u32 spin_retries;	/* 0x40000004 EBX */
	u32 max_vps;		/* 0x40000005 EAX */
};

/* "Microsoft Hv" with Hv#1 and a max leaf >= 0x40000005, as Linux requires. */
bool hv_detect(struct hv_cpuid *c);
/* Write the guest OS ID and enable the hypercall page (a page of this guest). */
void hv_enable_hypercalls(void);

/* One call through the page: RCX = control, RDX = input, R8 = output; RAX -> *result. */
u8 hv_hypercall_safe(u64 control, u64 in, u64 out, u64 *result);
/* The same, asserting that it did not fault; returns the result value. */
u64 hv_hypercall(u64 control, u64 in, u64 out);
/*
 * An XMM fast call: block[0] -> RDX, block[1] -> R8, block[2..13] -> XMM0-5;
 * the registers are stored back into block afterwards (fast output).
 */
u8 hv_hypercall_xmm_safe(u64 control, u64 block[14], u64 *result);

/* Every GPR but RSP, for calls that check what the page preserves. */
struct hv_gprs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rflags;
};
/* XMM0-15, 16 bytes each (lib/hv_asm.S; the guests are built without SSE). */
void xmm_read(u64 xmm[16][2]);
void xmm_write(const u64 xmm[16][2]);

/* Load all of *regs (and XMM0-15 from xmm[16][2]), call the page, store them all back. */
void hv_call_with_regs(struct hv_gprs *regs, u64 xmm[16][2]);

static inline hv_status_t hv_status(u64 result)
{
	return result & HV_HYPERCALL_RESULT_MASK;
}

static inline u16 hv_reps(u64 result)
{
	return (result & HV_HYPERCALL_REP_COMP_MASK) >> HV_HYPERCALL_REP_COMP_OFFSET;
}

/* ---- Local APIC (for SINT, timer and IPI vectors) ---- */
void lapic_enable(void);	/* software-enable, spurious vector 0xff */
void lapic_eoi(void);

#endif /* GUEST_HV_H */
