// SPDX-License-Identifier: MIT
#include "hv/reftime.h"

#include <string.h>

u64 hv_reftime_scale(u64 tsc_hz)
{
	/* 10^7 ticks per second over tsc_hz TSC ticks per second, << 64. */
	return (u64)(((unsigned __int128)HV_CLOCK_HZ << 64) / tsc_hz);
}

u64 hv_reftime_from_tsc(const struct hv_reftime *r, u64 tsc)
{
	return (u64)(((unsigned __int128)tsc * r->tsc_scale) >> 64) + r->tsc_offset;
}

static u64 ref0(const struct hv_reftime *r)
{
	return hv_reftime_from_tsc(r, r->tsc0);
}

u64 hv_reftime_at(const struct hv_reftime *r, u64 mono_ns)
{
	if (mono_ns < r->mono0_ns)
		return ref0(r) - (r->mono0_ns - mono_ns) / 100;
	return ref0(r) + (mono_ns - r->mono0_ns) / 100;
}

/*
 * Saturating: a reference time CLOCK_MONOTONIC cannot express (a guest's
 * "never", such as a one-shot timer at 2^64 - 1) must not wrap into the past.
 */
u64 hv_reftime_to_mono(const struct hv_reftime *r, u64 ref)
{
	u64 base = ref0(r);

	if (ref < base)
		return base - ref > r->mono0_ns / 100 ? 0 : r->mono0_ns - (base - ref) * 100;
	if (ref - base > (UINT64_MAX - r->mono0_ns) / 100)
		return UINT64_MAX;
	return r->mono0_ns + (ref - base) * 100;
}

u64 hv_reftime_now(const struct hv_reftime *r)
{
	return hv_reftime_at(r, monotonic_ns());
}

void hv_reftime_fill_page(const struct hv_reftime *r, struct hv_reference_tsc_page *page)
{
	/*
	 * A sequence of 0 tells the guest to fall back to TIME_REF_COUNT; any
	 * other value (but 0xFFFFFFFF, reserved) makes the page valid.
	 */
	page->tsc_scale = r->tsc_scale;
	page->tsc_offset = r->tsc_offset;
	__atomic_store_n(&page->tsc_sequence, 1, __ATOMIC_RELEASE);
}

void hv_reftime_calibrate(struct hv *hv, u64 tsc_hz, u64 guest_tsc, u64 mono_ns)
{
	struct hv_reftime *r = &hv->ref;

	r->tsc_hz = tsc_hz;
	r->tsc_scale = hv_reftime_scale(r->tsc_hz);
	/* Reference time is 0 at calibration, the start of the VM, whatever the TSC reads. */
	r->tsc_offset = -(s64)(((unsigned __int128)guest_tsc * r->tsc_scale) >> 64);
	r->tsc0 = guest_tsc;
	r->mono0_ns = mono_ns;
}
