// SPDX-License-Identifier: MIT
/*
 * A triple fault: with an empty IDT, #UD cannot be delivered, neither can
 * the #DF that follows. vtlvm must stop with its triple-fault status and a
 * register dump.
 */
#include "guest.h"

void guest_main(void)
{
	struct { u16 limit; u64 base; } __attribute__((packed)) empty = { 0, 0 };

	GUEST_SYNC(1);
	asm volatile("lidt %0; ud2" :: "m"(empty));
	GUEST_ASSERT(0);	/* not reached */
}
