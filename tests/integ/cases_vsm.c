// SPDX-License-Identifier: MIT
/*
 * The VSM guest pairs: a VTL0 guest (tests/guests/vsm_*.c) with the VTL1
 * service (tests/guests/vtl1/service.c) or another VTL1 program, one fresh
 * vtlvm per row, as in tests/integ/cases.c.
 */
#include "tests/integ/integ.h"

#define PASS		1	/* (0 << 1) | 1 */
#define SERVICE		"--vtl1-kernel", "@/guests/vtl1/service.elf"
#define HELLO		0x5e11

/* VsmCodePageOffsets: VTL call stub at 0x20, VTL return stub at 0x40 (hv/hcall_stub.h). */
#define CODE_OFFSETS	(0x20 | 0x40 << 12)

const struct guest_case vsm_guest_cases[] = {
	{
		.name = "vsm-echo",
		.kernel = "@/guests/vsm_echo.elf",
		.args = { "--vtl1-kernel", "@/guests/vtl1/echo.elf" },
		.stages = { { 1, HELLO }, { 2, 42 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * Partition status before (VTL0, max VTL 1) and after (VTL0+1), VP
		 * status (VTL0 active, VTL0+1 enabled), capabilities (only
		 * DenyLowerVtlStartup), code page offsets, the service's hello, and
		 * 28 refusals with their statuses or #UD.
		 */
		.name = "vsm-enable",
		.kernel = "@/guests/vsm_enable.elf",
		.args = { SERVICE },
		.stages = { { 1, 0x10001 }, { 2, 0x10003 }, { 3, 0x30000 }, { 4, 1 << 17 },
			    { 5, CODE_OFFSETS }, { 6, HELLO }, { 7, 28 } },
		.expect_done = true, .status = PASS,
	},
};
const unsigned int nr_vsm_guest_cases = sizeof(vsm_guest_cases) / sizeof(vsm_guest_cases[0]);
