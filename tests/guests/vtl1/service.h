/* SPDX-License-Identifier: MIT */
/*
 * The protocol between the VTL0 test guests (tests/guests/vsm_*.c) and the
 * VTL1 service program (tests/guests/vtl1/service.c): a VTL call carries a
 * command in RDI and arguments in RSI, RDX, R8, R9; the service answers in
 * the same registers (they are shared, TLFS "Shared State"). RDI = SVC_OK or
 * an error on return.
 */
#ifndef GUEST_VTL1_SERVICE_H
#define GUEST_VTL1_SERVICE_H

#include "vmm/types.h"

#define SVC_HELLO	0x5e11	/* RDI on the first return: the service is up */
#define SVC_OK		0
#define SVC_UNKNOWN	0xbad

enum svc_cmd {
	SVC_ADD = 1,		/* RDI = RSI + RDX */
	SVC_PRIVATE,		/* RSI = CR3, RDX = IDT base, R8 = RSP, R9 = APIC ID (MMIO) */
	SVC_BUMP_GPRS,		/* every GPR checked against the pattern, returned + 1 (below) */
	SVC_XMM,		/* XMM0-15 checked against their pattern, returned + 1 */
	SVC_DEBUG_REGS,		/* RSI = CR2, RDX = DR0, R8 = DR7; CR2 = DR0 := R9 */
	SVC_GET_REG,		/* RSI = name, RDX = target VTL: RDI = status, RSI/RDX = value */
	SVC_SET_REG,		/* RSI = name, RDX = target VTL, R8/R9 = value: RDI = status */
	SVC_HYPERCALL,		/* RSI = control, RDX = input GPA, R8 = output GPA: RDI = result */
	SVC_VTL_CALL,		/* a VtlCall from VTL1: RDI = the vector it raised */
	SVC_TIMER,		/* arm the APIC timer: RSI = initial count (ns), vector SVC_TIMER_VECTOR */
	SVC_STATUS,		/* RSI = timer ticks, RDX = interrupt entries, R8 = IPIs, R9 = stimer ticks */
	SVC_TPR,		/* RSI = CR8 now; CR8 := RDX */
	SVC_MSR,		/* RSI = rdmsr(RDX) */
	SVC_ENABLE_VP,		/* EnableVpVtl(VP RSI) with the AP entry: RDI = result */
	SVC_START_VP,		/* StartVirtualProcessor(VP RSI, VTL RDX; VTL0 at RIP R8, RSP R9) */
	SVC_IPI,		/* fixed IPI vector SVC_IPI_VECTOR to VP RSI's VTL1 (x2APIC ICR) */
	SVC_STIMER,		/* synthetic timer 0, direct mode, SVC_STIMER_VECTOR, RSI = 100 ns */
	SVC_AP_STATE,		/* RSI = what the AP's VTL1 reported (svc_ap_state) */
	SVC_AP_RELEASE,		/* let the AP's VTL1 return to its VTL0 */
	SVC_WAIT_VINA,		/* spin (IF=1) until a VINA: RSI = vina_status seen, RDX = VINAs */
	SVC_GET_REG_XMM,	/* SVC_GET_REG as an XMM fast call: RDI = result, RSI/RDX = value */
	SVC_DR123,		/* RSI/RDX/R8 = DR1/DR2/DR3; DR1-DR3 := R9 + 1, + 2, + 3 */
	SVC_XSTATE,		/* XCR0 and YMM (svc_ymm) */
	SVC_TLB_LOCK,		/* lock VTL0's TLB on this VP and hold it (svc_tlb_lock) */
};

/*
 * What the service reports, at a fixed page both VTLs can read (the "free
 * for the guest" window of mem/layout.h): VTL0 busy loops wait on it.
 */
#define SVC_SHARED_GPA		0xf000ULL

struct svc_shared {
	unsigned long long timer_ticks;		/* APIC timer interrupts in VTL1 */
	unsigned long long irq_entries;		/* entries for an interrupt (any VP) */
	unsigned long long ipis;		/* SVC_IPI_VECTOR interrupts */
	unsigned long long stimer_ticks;	/* synthetic timer interrupts */
	unsigned long long vtl0_ipis;		/* SVC_VTL0_IPI_VECTOR interrupts */
	unsigned long long ap_state;		/* 1: the AP's VTL1 started; 2: it returned */
	unsigned long long ap_counter;		/* the AP's VTL1 counts while it runs */
	unsigned long long ap_release;		/* VTL0 sets it to let the AP's VTL1 go on */
	unsigned long long last_reason;		/* the entry reason of the last entry */
	unsigned long long vinas;		/* SVC_VINA_VECTOR interrupts */
	unsigned long long tlb_state;		/* SVC_TLB_LOCK: 1 locked, 2 releasing */
	unsigned long long flush_started;	/* VTL0 of another VP is about to flush this one */
	unsigned long long flush_done;		/* ... and its flush hypercall returned */
};

#define SVC_TIMER_VECTOR	0x40
#define SVC_IPI_VECTOR		0x41
#define SVC_STIMER_VECTOR	0x42
#define SVC_VTL0_IPI_VECTOR	0x43	/* a SendSyntheticClusterIpi from VTL0 aimed at VTL1 */
#define SVC_VINA_VECTOR		0x44	/* VsmVina: VTL0 has an interrupt waiting */

/* SVC_BUMP_GPRS: GPR n (struct vtl_regs order, RAX = 0) holds svc_pattern(n) going in. */
static inline unsigned long long svc_pattern(unsigned int n)
{
	return 0x1111111111111111ULL * (n + 1) + 0x0123456789abcdefULL;
}

/*
 * SVC_XSTATE: VTL1 turns on its own CR4.OSXSAVE and reads XCR0 twice: RSI =
 * XGETBV, R9 = HvRegisterXfem through GetVpRegisters (VTL0's: shared, it is
 * the register VTL1 runs with; ~0 if refused). Then with R8 != 0 it sets
 * XCR0 := R8 (XSETBV); else, with AVX enabled in XCR0, it checks that YMMn
 * holds svc_ymm(n, 0) (bits 127:0 are the SVC_XMM pattern, 255:128 another
 * one) and leaves svc_ymm(n, 1) there: RDX = the registers that differed,
 * or ~0 without AVX in XCR0 (YMM untouched).
 */
static inline void svc_ymm(unsigned int n, u64 bump, u64 y[4])
{
	y[0] = svc_pattern(n) + bump;
	y[1] = ~svc_pattern(n) - bump;
	y[2] = svc_pattern(n + 16) + bump;
	y[3] = ~svc_pattern(n + 16) - bump;
}

/*
 * SVC_TLB_LOCK: RSI = how long to hold the lock (ms), RDX = how to let go
 * (SVC_TLB_CLEAR: clear TlbLocked and stay in VTL1 until the flush is
 * through; SVC_TLB_RETURN: return to VTL0 with the bit still set). VTL1
 * sets TlbLocked in HvRegisterVsmVpSecureConfigVtl0, sets tlb_state = 1,
 * waits for flush_started, holds the lock RSI ms more, sets tlb_state = 2
 * and lets go. RDI = the status of a failed register write, or SVC_OK;
 * RSI = flush_done when the hold ended (0: the flush still waited), RDX =
 * flush_done when VTL1 returns.
 */
#define SVC_TLB_CLEAR	0
#define SVC_TLB_RETURN	1

#endif /* GUEST_VTL1_SERVICE_H */
