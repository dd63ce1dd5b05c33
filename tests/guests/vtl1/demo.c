// SPDX-License-Identifier: MIT
/*
 * The VTL1 half of the demo (configs/default.ini, vtl1:kernel): it greets
 * on the serial console from VTL1, then answers VTL calls: RDI = DEMO_HASH
 * hashes RDX bytes at RSI (FNV-1a); DEMO_TIMING turns it into a bare loop
 * of fast VTL returns, so that VTL0 times vtlvm's round trip rather than this
 * library's register shuffling.
 */
#include "vsm.h"
#include "demo.h"

void guest_main(void)
{
	struct vtl_regs r = { 0 };
	struct { u16 limit; u64 base; } __attribute__((packed)) idt;
	u64 cr3;

	hv_enable_hypercalls();
	vsm_assist_page();
	asm volatile("mov %%cr3, %0; sidt %1" : "=r"(cr3), "=m"(idt));
	printf("  VTL1    secure program up on VP %llu: its own page tables (CR3 %#llx) and "
	       "IDT (%#llx)\n", (unsigned long long)rdmsr(HV_X64_MSR_VP_INDEX),
	       (unsigned long long)cr3, (unsigned long long)idt.base);
	for (;;) {
		vtl_return(&r);
		if (r.rdi == DEMO_HASH)
			r.rdi = fnv1a((const u8 *)r.rsi, r.rdx);
		else if (r.rdi == DEMO_TIMING)
			vtl_return_loop();
	}
}
