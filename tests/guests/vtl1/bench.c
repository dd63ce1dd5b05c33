// SPDX-License-Identifier: MIT
/*
 * The VTL1 half of bench_vtl: return at once, fast (RCX = 1), forever
 * (vtl_return_loop, the same loop the demo times).
 */
#include "vsm.h"

void guest_main(void)
{
	hv_enable_hypercalls();
	vtl_return_loop();
}
