/* SPDX-License-Identifier: MIT */
/*
 * vtl/lapic.h -- a local APIC emulated in the VMM, for the VTL VMs above VTL0.
 *
 * VTL1's KVM VM has no in-kernel irqchip (README "Virtual Secure Mode"): the VP thread must
 * see every VTL1 interrupt source to know when VTL1 preempts VTL0, so VTL1's
 * local APIC lives here. It implements the xAPIC MMIO page, the x2APIC MSRs
 * (0x800-0x8ff), IA32_APIC_BASE and IA32_TSC_DEADLINE, the APIC timer
 * (one-shot, periodic, TSC-deadline), IPIs through the ICR, EOI, TPR/PPR
 * and the Hyper-V EOI/ICR/TPR MSRs (TLFS "Synthetic MSRs": 0x40000070-72),
 * all as the SDM vol. 3A chapter 11 ("Advanced Programmable Interrupt
 * Controller") describes them.
 *
 * What this APIC does not do (documented, and nothing advertises it): no
 * IOAPIC or legacy PIC behind it (devices interrupt VTL0 only), no LINT0/1
 * pins, no thermal/performance/CMCI sources, no level-triggered EOI
 * broadcast, no INIT/SIPI between VTL1 VPs (VTL1 APs start through
 * HvCallEnableVpVtl / HvCallStartVirtualProcessor), lowest-priority delivery
 * goes to the first matching destination (the SDM leaves arbitration model
 * specific).
 *
 * Threads: the owning VP's thread handles MMIO/MSR exits and takes interrupts
 * (lapic_next_vector, lapic_accept); any thread may raise an interrupt
 * (lapic_deliver: IPIs from other VPs, SynIC, synthetic timers) and the event
 * loop fires the timer (lapic_timer_fire). Every entry point takes a->lock;
 * notify and send_ipi are called without it held; now_ns, guest_tsc and
 * timer_arm are called with the lock held and must not call back into the
 * APIC.
 */
#ifndef VTLVM_LAPIC_H
#define VTLVM_LAPIC_H

#include <pthread.h>

#include "vmm/types.h"

#define LAPIC_DEFAULT_BASE	0xfee00000ULL
#define LAPIC_BUS_HZ		1000000000ULL	/* as KVM's in-kernel APIC: 1 ns per bus clock */

/* MSRs (SDM vol. 4). */
#define MSR_IA32_APICBASE	0x1b
#define MSR_IA32_APICBASE_BSP	BIT(8)
#define MSR_IA32_APICBASE_EXTD	BIT(10)
#define MSR_IA32_APICBASE_ENABLE BIT(11)
#define MSR_IA32_TSC_DEADLINE	0x6e0
#define MSR_X2APIC_FIRST	0x800
#define MSR_X2APIC_LAST		0x8ff

/* ICR delivery modes (SDM 11.6.1). */
enum lapic_dm {
	LAPIC_DM_FIXED = 0,
	LAPIC_DM_LOWEST = 1,
	LAPIC_DM_SMI = 2,
	LAPIC_DM_NMI = 4,
	LAPIC_DM_INIT = 5,
	LAPIC_DM_SIPI = 6,
	LAPIC_DM_EXTINT = 7,
};

enum lapic_shorthand {
	LAPIC_DEST_NONE = 0,
	LAPIC_DEST_SELF = 1,
	LAPIC_DEST_ALL = 2,		/* all including self */
	LAPIC_DEST_ALL_BUT_SELF = 3,
};

/* An IPI as the ICR described it, for the VMM to route to other APICs. */
struct lapic_ipi {
	u8 vector;
	enum lapic_dm mode;
	bool logical;		/* destination mode */
	bool level;		/* trigger mode: a level IPI sets the target's TMR bit */
	enum lapic_shorthand shorthand;
	u32 dest;		/* x2APIC: 32 bits; xAPIC: ICR bits 63:56 */
	bool x2apic;		/* the sender was in x2APIC mode (how to read dest) */
};

struct lapic_ops {
	/* CLOCK_MONOTONIC now, in ns. */
	u64 (*now_ns)(void *ctx);
	/* The guest TSC now (TSC-deadline mode converts through it and tsc_hz). */
	u64 (*guest_tsc)(void *ctx);
	/* Arm this APIC's timer for absolute monotonic time deadline_ns; 0 disarms. */
	void (*timer_arm)(void *ctx, u64 deadline_ns);
	/* An interrupt (or NMI) became deliverable: make the owning VP look. */
	void (*notify)(void *ctx);
	/*
	 * Deliver ipi to every APIC it names, the sender included for
	 * LAPIC_DEST_ALL (LAPIC_DEST_SELF is delivered by lapic.c itself).
	 */
	void (*send_ipi)(void *ctx, const struct lapic_ipi *ipi);
};

struct lapic {
	pthread_mutex_t lock;
	const struct lapic_ops *ops;
	void *ctx;
	u64 tsc_hz;

	u32 id;			/* x2APIC ID = VP index; xAPIC ID = id << 24 */
	u64 apic_base;		/* IA32_APIC_BASE */
	u32 regs[64];		/* the 16-byte-spaced registers, by offset >> 4 */
	u32 irr[8], isr[8], tmr[8];
	u32 auto_eoi[8];	/* vectors delivered to be taken without an ISR bit (VINA) */
	bool nmi_pending;
	u32 esr_pending;	/* errors since the last ESR write (SDM 11.5.3) */

	/* Timer (SDM 11.5.4): one-shot and periodic count down from start_ns. */
	u64 timer_start_ns;	/* when the current count was loaded */
	u64 timer_period_ns;	/* initial count * divisor / bus clock; 0: stopped.
				 * Periodic timers run at least 100 us apart. */
	u64 tsc_deadline;	/* IA32_TSC_DEADLINE, 0 = disarmed */
	u64 timer_deadline_ns;	/* what timer_arm was last given */
};

/*
 * Reset to the power-on state (SDM 11.4.7.1 after INIT) with the given ID;
 * bsp sets IA32_APIC_BASE.BSP. sw_enable sets SPIV to 0x1ff: VTL1 APICs start
 * software-enabled because Windows' VTL1 sends IPIs without writing SPIV
 * (seen by the QEMU VSM proof of concept, vianpl/qemu hw/hyperv/hyperv.c).
 */
void lapic_init(struct lapic *a, const struct lapic_ops *ops, void *ctx, u32 id, bool bsp,
		bool sw_enable, u64 tsc_hz);
void lapic_destroy(struct lapic *a);

/* The xAPIC page's guest-physical base, or 0 when the page is not decoded (disabled, x2APIC). */
u64 lapic_mmio_base(struct lapic *a);
/* xAPIC MMIO, offset inside the 4 KiB page. Bad sizes/offsets: reads 0, writes dropped. */
void lapic_mmio_read(struct lapic *a, u64 offset, void *data, u32 len);
void lapic_mmio_write(struct lapic *a, u64 offset, const void *data, u32 len);

/*
 * IA32_APIC_BASE, IA32_TSC_DEADLINE and the x2APIC range. 0: done. -EPERM:
 * the access raises #GP (x2APIC MSR outside x2APIC mode, read-only or
 * reserved register, reserved bits, illegal mode transition; IA32_APIC_BASE
 * takes MAXPHYADDR as 52 and ignores writes to BSP). -ENOENT: not an APIC MSR.
 */
int lapic_msr_read(struct lapic *a, u32 msr, u64 *val);
int lapic_msr_write(struct lapic *a, u32 msr, u64 val);

/* Hyper-V's HV_X64_MSR_EOI / _ICR / _TPR: work in xAPIC and x2APIC mode alike. */
void lapic_eoi(struct lapic *a);
/*
 * The ICR as one 64-bit value in the current mode's layout, as KVM has it:
 * x2APIC mode, dest in bits 63:32; xAPIC mode, dest in bits 63:56 (ICR high
 * 31:24). lapic_write_icr sends; reserved bits are ignored.
 */
void lapic_write_icr(struct lapic *a, u64 icr);
u64 lapic_read_icr(struct lapic *a);
void lapic_set_tpr(struct lapic *a, u8 tpr);
u8 lapic_get_tpr(struct lapic *a);

/* CR8 is TPR[7:4] (SDM 11.8.6.1): the VMM syncs it with kvm_run->cr8 around KVM_RUN. */
u8 lapic_get_cr8(struct lapic *a);
void lapic_set_cr8(struct lapic *a, u8 cr8);

/*
 * Raise an interrupt in this APIC: FIXED/LOWEST set IRR (and TMR for level;
 * ignored with a rate-limited log when the APIC is software-disabled; a
 * vector < 16 latches ESR "Receive Illegal Vector" and raises the error
 * LVT), NMI sets nmi_pending; other modes are dropped, and everything is
 * dropped while the APIC is hardware-disabled. Calls ops->notify when something
 * became deliverable. Any thread.
 */
void lapic_deliver(struct lapic *a, enum lapic_dm mode, u8 vector, bool level);
/*
 * A fixed interrupt that ends itself when the CPU takes it (no ISR bit, no
 * EOI): TLFS "Virtual Interrupt Notification Assist" with AutoEoi.
 */
void lapic_deliver_auto_eoi(struct lapic *a, u8 vector);
/* Does this APIC accept destination dest in the given mode (SDM 11.6.2)? */
bool lapic_match_dest(struct lapic *a, u32 dest, bool logical, bool x2apic_sender);

/*
 * The vector the CPU would take now: the highest IRR vector whose priority
 * class is above PPR, or -1. Ignores RFLAGS.IF: the VMM asks KVM for an
 * interrupt window when IF blocks it.
 */
int lapic_next_vector(struct lapic *a);
/* Is an interrupt (or NMI) deliverable by the rule above? */
bool lapic_has_interrupt(struct lapic *a);
/* The CPU took vector (KVM_INTERRUPT issued): IRR -> ISR, PPR raised. */
void lapic_accept(struct lapic *a, u8 vector);
/* Is an NMI pending (without taking it)? */
bool lapic_nmi_pending(struct lapic *a);
/* Take the pending NMI, if any. */
bool lapic_take_nmi(struct lapic *a);

/* The timer armed through ops->timer_arm fired (event loop). Re-arms periodic timers. */
void lapic_timer_fire(struct lapic *a);

#endif /* VTLVM_LAPIC_H */
