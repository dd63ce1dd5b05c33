// SPDX-License-Identifier: MIT
/*
 * The VTL benchmark guest (with tests/guests/vtl1/bench.c in VTL1): K
 * batches, each N null hypercalls between stages 3b+1 and 3b+2, then N VTL
 * call + return round trips until stage 3b+3, so that each batch pairs the
 * two under the same host load. Both loops are a few instructions of
 * assembly around the call through the hypercall page, so the ratio
 * compares the VMM's work: one exit for a hypercall, two exits and two VTL
 * switches for a round trip. Command line: "n=<count> k=<batches>".
 */
#include "vsm.h"

/* A null hypercall: fast SendSyntheticClusterIpi, vector 0x20, no VPs. */
static void hypercalls(u64 n)
{
	const u64 control = HVCALL_SEND_SYNTHETIC_CLUSTER_IPI | HV_HYPERCALL_FAST_BIT;

	asm volatile("1:\tmov %[c], %%rcx\n\t"
		     "mov $0x20, %%edx\n\t"
		     "xor %%r8d, %%r8d\n\t"
		     "call *%[page]\n\t"
		     "dec %[n]\n\t"
		     "jnz 1b"
		     : [n] "+b"(n)
		     : [c] "r"(control), [page] "r"(hv_hcall_page)
		     : "rax", "rcx", "rdx", "r8", "r10", "r11", "memory", "cc");
}

void guest_main(void)
{
	u64 n = bootinfo_cmdline_u64('n', 100);
	u64 k = bootinfo_cmdline_u64('k', 10);
	struct vtl_regs r;

	hv_enable_hypercalls();
	vsm_boot_vtl1(&r);
	for (u64 b = 0; b < k; b++) {
		GUEST_SYNC_VAL(3 * b + 1, n);
		hypercalls(n);
		GUEST_SYNC_VAL(3 * b + 2, n);
		vtl_call_loop(n);
		GUEST_SYNC_VAL(3 * b + 3, n);
	}
}
