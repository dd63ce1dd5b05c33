/* SPDX-License-Identifier: MIT */
/*
 * hv/stimer.h -- synthetic timers 0-3 of one VP and VTL (TLFS "Synthetic
 * Timers").
 *
 * Each timer is a timerfd watched by the VMM's event loop, armed for the
 * CLOCK_MONOTONIC instant of its next expiry on the partition timeline
 * (hv/reftime.h). On expiry, in the event loop:
 *   - direct mode: the timer's APIC vector is raised on its VP;
 *   - message mode: an HvMessageTypeTimerExpired goes to SINT sintx; if it
 *     cannot be delivered now the expiry stays pending and is retried at the
 *     next EOM.
 * One-shot timers (count = absolute expiry time) disable themselves once
 * delivered; periodic ones (count = period) re-arm, and lazy ones skip the
 * expiries they missed instead of catching up.
 * All state is under vp->lock.
 */
#ifndef VTLVM_STIMER_H
#define VTLVM_STIMER_H

#include "hv/hv.h"

int hv_stimer_init(struct hv_vp *vp) __must_check;
void hv_stimer_exit(struct hv_vp *vp);
int hv_stimer_msr_read(struct hv_vp *vp, u32 index, u64 *val);
int hv_stimer_msr_write(struct hv_vp *vp, u32 index, u64 val);
/* Deliver expiries that were waiting for a message slot (vp->lock held; after EOM). */
void hv_stimer_retry_locked(struct hv_vp *vp);
/* Handle an expiry of t at reference time now (vp->lock held; for tests). */
void hv_stimer_expire_locked(struct hv_stimer *t, u64 now);

#endif /* VTLVM_STIMER_H */
