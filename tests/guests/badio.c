// SPDX-License-Identifier: MIT
/*
 * Accesses nobody claims get what a PC gives: reads float to all-ones,
 * writes vanish, and the VM keeps running. vtlvm logs them rate-limited.
 */
#include "guest.h"

#define UNCLAIMED_PORT	0x1234
#define UNMAPPED_MMIO	0xd0000000UL	/* inside the 3-4 GiB hole, nothing there */

void guest_main(void)
{
	volatile u32 *mmio = (volatile u32 *)UNMAPPED_MMIO;

	GUEST_ASSERT_EQ(inb(UNCLAIMED_PORT), 0xff);
	GUEST_ASSERT_EQ(inw(UNCLAIMED_PORT), 0xffff);
	GUEST_ASSERT_EQ(inl(UNCLAIMED_PORT), 0xffffffff);
	outb(UNCLAIMED_PORT, 0x12);
	GUEST_SYNC(1);
	GUEST_ASSERT_EQ(*mmio, 0xffffffff);
	*mmio = 0x1234;
	GUEST_ASSERT_EQ(*mmio, 0xffffffff);
	GUEST_SYNC(2);
	/* A flood the rate limiter must absorb. */
	for (int i = 0; i < 200; i++)
		(void)inb(UNCLAIMED_PORT + 1);
	GUEST_SYNC(3);
}
