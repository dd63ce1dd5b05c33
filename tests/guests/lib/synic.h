/* SPDX-License-Identifier: MIT */
/*
 * synic.h -- SynIC, reference time and waiting, for the Hyper-V test guests.
 *
 * Each VP owns its SIMP and SIEFP pages (TLFS "Inter-Partition Communication":
 * the SynIC is per virtual processor); the caller passes pages of its own
 * RAM. Waits are bounded in reference time (TIME_REF_COUNT, 100 ns ticks)
 * so that a lost interrupt fails an assert instead of hanging the guest.
 */
#ifndef GUEST_SYNIC_H
#define GUEST_SYNIC_H

#include "hv.h"

#define REF_MS	10000ULL	/* reference time ticks per millisecond */

/* Reference time now, through the MSR (one exit). */
static inline u64 hv_ref_time(void)
{
	return rdmsr(HV_X64_MSR_TIME_REF_COUNT);
}

/* Enable interrupts and halt until one arrives (the STI shadow covers the HLT). */
static inline void safe_halt(void)
{
	asm volatile("sti; hlt" ::: "memory");
}

/* SCONTROL on, this VP's message and event-flag pages (4 KiB aligned RAM), zeroed by the VMM. */
void synic_enable(struct hv_message_page *simp, struct hv_synic_event_flags_page *siefp);
/* SINT n: vector, unmasked (or masked). */
void synic_sint(unsigned int sint, u8 vector, bool masked);
/* Free a message slot as Linux does: type to None, then EOM (which redelivers). */
void synic_slot_free(struct hv_message *slot);

/*
 * Spin (or halt, with halt set) until *count reaches want or timeout_ms of
 * reference time pass; returns the final *count. A halting wait needs an
 * interrupt to end each halt, so use it only for interrupts that will come.
 */
u32 wait_count(volatile u32 *count, u32 want, u32 timeout_ms, bool halt);
/* Spin for ms of reference time. */
void ref_delay(u32 ms);

#endif /* GUEST_SYNIC_H */
