// SPDX-License-Identifier: MIT
/*
 * The exit-cost benchmark guest: N writes to the test device's null port
 * between two stages. tests/bench runs this same ELF under vtlvm and under a
 * bare KVM loop, so both measure the same guest instructions.
 * Command line: "n=<count>" (default 10000).
 */
#include "guest.h"

static u64 parse_count(const char *s)
{
	u64 n = 0;

	for (; *s; s++) {
		if (s[0] == 'n' && s[1] == '=') {
			for (s += 2; *s >= '0' && *s <= '9'; s++)
				n = n * 10 + (*s - '0');
			return n;
		}
	}
	return 10000;
}

void guest_main(void)
{
	u64 n = parse_count(bootinfo_cmdline());

	GUEST_SYNC_VAL(1, n);
	for (u64 i = 0; i < n; i++)
		outb(TESTDEV_NULL_PORT, 0);
	GUEST_SYNC_VAL(2, n);
}
