// SPDX-License-Identifier: MIT
/*
 * The exit-cost benchmark guest: N writes to the test device's null port
 * between two stages. tests/bench runs this same ELF under vtlvm and under a
 * bare KVM loop, so both measure the same guest instructions.
 * Command line: "n=<count>" (default 10000).
 */
#include "guest.h"

void guest_main(void)
{
	u64 n = bootinfo_cmdline_u64('n', 10000);

	GUEST_SYNC_VAL(1, n);
	for (u64 i = 0; i < n; i++)
		outb(TESTDEV_NULL_PORT, 0);
	GUEST_SYNC_VAL(2, n);
}
