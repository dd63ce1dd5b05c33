/* SPDX-License-Identifier: MIT */
/*
 * The protocol between the demo guest (tests/guests/demo.c) and its VTL1
 * half (tests/guests/vtl1/demo.c): RDI of a VTL call names the request.
 */
#ifndef GUEST_VTL1_DEMO_H
#define GUEST_VTL1_DEMO_H

#include "guest.h"

#define DEMO_HASH	1	/* RDI = FNV-1a of the RDX bytes at RSI */
#define DEMO_TIMING	2	/* from now on, return at once to every call */

/* FNV-1a, 64-bit: what VTL1 computes and VTL0 checks. */
static inline u64 fnv1a(const u8 *p, u64 n)
{
	u64 h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

#endif /* GUEST_VTL1_DEMO_H */
