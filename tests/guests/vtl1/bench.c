// SPDX-License-Identifier: MIT
/*
 * The VTL1 half of bench_vtl: return at once, fast (RCX = 1), forever. Each
 * entry brings VTL0's registers (they are shared), so the stub's address is
 * read from memory, not kept in a register.
 */
#include "vsm.h"

static void *stub;

void guest_main(void)
{
	union hv_register_value off;

	hv_enable_hypercalls();
	GUEST_ASSERT_EQ(hv_status(vsm_get_reg_raw(HV_VP_INDEX_SELF, 0,
						  HV_REGISTER_VSM_CODE_PAGE_OFFSETS, &off)), 0);
	stub = hv_hcall_page + ((off.reg64 & HV_VSM_CODE_PAGE_OFFSETS_RETURN_MASK) >>
				HV_VSM_CODE_PAGE_OFFSETS_RETURN_SHIFT);
	asm volatile("1:\tmov $1, %%ecx\n\t"
		     "call *%[stub]\n\t"
		     "jmp 1b"
		     :: [stub] "m"(stub)
		     : "rax", "rcx", "memory", "cc");
}
