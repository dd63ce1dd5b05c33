/* SPDX-License-Identifier: MIT */
/*
 * usermode.h -- single memory accesses at CPL3.
 *
 * On the nested development hosts KVM emulates CPL0 guest code one
 * instruction at a time and re-walks the page tables for every access,
 * while CPL3 code runs natively on KVM's shadow page tables, which cache
 * translations the way a TLB does. A test that needs the hardware's view of
 * memory (a stale translation, say) makes its accesses here.
 *
 * user_mode_init() (once, on the BSP) loads a GDT with user segments and one
 * TSS per CPU and sets the U bit on the identity map's first 2 MiB, where
 * the guest image lives (it asserts that it does); user_mode_cpu_init() then
 * loads that GDT and the CPU's TSS on each CPU that calls user_access().
 * Mappings the caller wants to reach from CPL3 need the U bit at every level.
 * Interrupts stay off at CPL3; the way back is a #UD that the library's
 * handler turns into a return (so the guest gives #UD to this library:
 * ud2_safe() cannot be used alongside).
 */
#ifndef GUEST_USERMODE_H
#define GUEST_USERMODE_H

#include "guest.h"

#define USER_MAX_CPUS	4
#define PTE_U		BIT(2)

void user_mode_init(void);
void user_mode_cpu_init(u32 cpu);
/* At CPL3 on CPU cpu: *write = val if write, then return *read if read (else 0). */
u64 user_access(u32 cpu, const volatile u64 *read, volatile u64 *write, u64 val);

#endif /* GUEST_USERMODE_H */
