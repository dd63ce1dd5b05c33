// SPDX-License-Identifier: MIT
/* The smallest test: two stages over the ucall port, a line on COM1, a clean exit. */
#include "guest.h"

void guest_main(void)
{
	GUEST_SYNC(1);
	printf("hello from vtlvm test guest\n");
	GUEST_SYNC_VAL(2, 0x1234);
}
