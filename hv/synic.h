/* SPDX-License-Identifier: MIT */
/*
 * hv/synic.h -- the synthetic interrupt controller of one VP and VTL (TLFS
 * "Inter-Partition Communication": SynIC, message and event-flag pages).
 *
 * Delivering a message to SINT n (TLFS "Message Buffers"):
 *   - the SIMP slot n is free (message type HvMessageTypeNone): the message
 *     is written, type last, and SINT n's vector is raised unless the SINT is
 *     masked or in polling mode;
 *   - the slot is busy: MessagePending is set in the slot and the message
 *     waits in a per-SINT queue; when the guest writes EOM, every SINT whose
 *     slot has been freed gets its next queued message.
 * Signalling an event flag sets the bit in the SIEFP page atomically and
 * raises the SINT if the bit was clear.
 *
 * Everything here runs under vp->lock. AutoEOI is refused with #GP: the
 * VTL0 LAPIC is KVM's, which vtlvm cannot EOI for the guest (the
 * DeprecateAutoEoi hint tells guests not to use it).
 */
#ifndef VTLVM_SYNIC_H
#define VTLVM_SYNIC_H

#include "hv/hv.h"


void hv_synic_reset(struct hv_vp *vp);
int hv_synic_msr_read(struct hv_vp *vp, u32 index, u64 *val);
int hv_synic_msr_write(struct hv_vp *vp, u32 index, u64 val);

/*
 * Deliver msg to SINT sint of vp. 0: written or queued. -ENODEV: SynIC or
 * message page disabled. -ENOSPC: queue full.
 */
int hv_synic_post(struct hv_vp *vp, unsigned int sint, const struct hv_message *msg);
/*
 * Deliver msg only into a free slot, never into the queue: for a source that
 * keeps its own pending state and retries at EOM (a synthetic timer, whose
 * missed expiries must not pile up as stale messages). A busy slot gets
 * MessagePending and -EAGAIN; -ENODEV as above. vp->lock held.
 */
int hv_synic_try_post_locked(struct hv_vp *vp, unsigned int sint, const struct hv_message *msg);
/* Set event flag `flag` of SINT sint. 0, or -ENODEV if SynIC/SIEFP disabled. */
int hv_synic_signal(struct hv_vp *vp, unsigned int sint, unsigned int flag);

/* "id=msg:VP:SINT" and "id=event:VP:SINT:FLAGBASE", comma-separated, into cfg. */
int hv_connections_parse(const char *spec, struct hv_config *cfg, char *err, size_t errlen);

#endif /* VTLVM_SYNIC_H */
