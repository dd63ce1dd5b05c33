// SPDX-License-Identifier: MIT
/*
 * Every vCPU checks in: the BSP wakes the APs with INIT-SIPI-SIPI through
 * its in-kernel LAPIC, as firmware does, and each AP reports its APIC ID.
 */
#include "guest.h"

static volatile u32 checked_in;
static volatile u64 seen_mask, topology_ok;

/* CPUID's view of this CPU agrees with the LAPIC and the boot info (SDM CPUID 0x1, 0xB). */
static bool topology_matches(u32 id, u32 n)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (b >> 24 != id)
		return false;
	cpuid(0xb, 1, &a, &b, &c, &d);
	return d == id && (b & 0xffff) == n && (1u << (a & 0x1f)) >= n;
}

static void ap_main(u32 id)
{
	if (topology_matches(id, bootinfo_nr_cpus()))
		__atomic_fetch_or(&topology_ok, 1ULL << id, __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&seen_mask, 1ULL << id, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&checked_in, 1, __ATOMIC_SEQ_CST);
}

void guest_main(void)
{
	u32 n = bootinfo_nr_cpus(), bsp = apic_id();

	GUEST_ASSERT(n >= 2 && n <= SMP_MAX_CPUS);
	GUEST_ASSERT_EQ(bsp, 0);
	GUEST_SYNC_VAL(1, n);
	seen_mask = 1ULL << bsp;
	smp_start_aps(ap_main);
	for (u64 spins = 0; READ_ONCE(checked_in) < n - 1; spins++) {
		__GUEST_ASSERT(spins < 50000000, "only %u of %u APs checked in",
			       READ_ONCE(checked_in), n - 1);
		cpu_relax();
	}
	GUEST_SYNC_VAL(2, seen_mask);
	if (topology_matches(bsp, n))
		topology_ok |= 1ULL << bsp;
	GUEST_SYNC_VAL(3, topology_ok);
}
