// SPDX-License-Identifier: MIT
/* VTL0 half of the echo pair (tests/guests/vtl1/echo.c): enable VTL1, call it twice. */
#include "vsm.h"

void guest_main(void)
{
	struct vtl_regs r;

	hv_enable_hypercalls();
	vsm_boot_vtl1(&r);
	GUEST_SYNC_VAL(1, r.rdi);
	r.rsi = 40;
	r.rdx = 2;
	vtl_call(&r);
	GUEST_SYNC_VAL(2, r.rdi);
}
