// SPDX-License-Identifier: MIT
/*
 * The simplest VTL1 program: answer each VTL call with the sum of RSI and
 * RDX in RDI, and say hello (0x5e11) on the first return.
 */
#include "vsm.h"

void guest_main(void)
{
	struct vtl_regs r = { .rdi = 0x5e11 };

	hv_enable_hypercalls();
	for (;;) {
		vtl_return(&r);
		r.rdi = r.rsi + r.rdx;
	}
}
