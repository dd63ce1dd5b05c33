/* SPDX-License-Identifier: MIT */
/*
 * hv/reftime.h -- the partition reference time (TLFS "Partition Reference
 * Counter", "Partition Reference Time Enlightenment").
 *
 * One timeline for the whole partition, in 100 ns ticks, counting from the
 * calibration at VM start (reference time 0 there):
 *   ref = (guest_tsc * tsc_scale >> 64) + tsc_offset        (the TSC page)
 *   ref = (mono_ns - mono0_ns) / 100 + ref0                  (TIME_REF_COUNT, timers)
 * where tsc_offset makes ref0 = (tsc0 * tsc_scale >> 64) + tsc_offset zero
 * for the calibration sample (tsc0, mono0). Both clocks tick at the same
 * rate, so the two agree to within the TSC frequency's rounding (< 1 ppm).
 */
#ifndef VTLVM_REFTIME_H
#define VTLVM_REFTIME_H

#include "hv/hv.h"
#include "vmm/clock.h"

/* tsc_scale for a TSC of tsc_hz: 100 ns ticks per TSC tick, 64.64 fixed point. */
u64 hv_reftime_scale(u64 tsc_hz);
/* Reference time for a guest TSC value through the TSC page formula. */
u64 hv_reftime_from_tsc(const struct hv_reftime *r, u64 tsc);
/* Reference time now (TIME_REF_COUNT), from CLOCK_MONOTONIC. */
u64 hv_reftime_now(const struct hv_reftime *r);
/* Reference time at CLOCK_MONOTONIC mono_ns, and back (to_mono saturates at 0 and UINT64_MAX). */
u64 hv_reftime_at(const struct hv_reftime *r, u64 mono_ns);
u64 hv_reftime_to_mono(const struct hv_reftime *r, u64 ref);
/* Fill the reference TSC page (enabled: valid sequence; the guest re-reads on change). */
void hv_reftime_fill_page(const struct hv_reftime *r, struct hv_reference_tsc_page *page);

#endif /* VTLVM_REFTIME_H */
