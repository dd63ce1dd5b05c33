/* SPDX-License-Identifier: MIT */
/*
 * vmm/clock.h -- CLOCK_MONOTONIC in nanoseconds: the one time source of the
 * partition timeline (hv/reftime.c), the ACPI PM timer, the VTL1 APIC timer,
 * rate limits and the test device's records.
 */
#ifndef VTLVM_CLOCK_H
#define VTLVM_CLOCK_H

#include <time.h>

#include "vmm/types.h"

static inline u64 monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

#endif
