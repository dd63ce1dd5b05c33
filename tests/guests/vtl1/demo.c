// SPDX-License-Identifier: MIT
/*
 * The VTL1 half of the demo (configs/default.ini, vtl1:kernel): it greets
 * on the serial console from VTL1, then answers VTL calls: RDI = DEMO_HASH
 * hashes RDX bytes at RSI (FNV-1a); DEMO_TIMING turns it into a bare loop
 * of fast VTL returns, so that VTL0 times vtlvm's round trip rather than this
 * library's register shuffling.
 */
#include "vsm.h"

#define DEMO_HASH	1
#define DEMO_TIMING	2

static void *return_stub;

/* Return at once, fast, forever: each entry brings VTL0's registers, so the stub is in memory. */
static void __noreturn timing_loop(void)
{
	union hv_register_value off;

	GUEST_ASSERT_EQ(hv_status(vsm_get_reg_raw(HV_VP_INDEX_SELF, 0,
						  HV_REGISTER_VSM_CODE_PAGE_OFFSETS, &off)), 0);
	return_stub = hv_hcall_page + ((off.reg64 & HV_VSM_CODE_PAGE_OFFSETS_RETURN_MASK) >>
				       HV_VSM_CODE_PAGE_OFFSETS_RETURN_SHIFT);
	asm volatile("1:\tmov $1, %%ecx\n\t"
		     "call *%[stub]\n\t"
		     "jmp 1b"
		     :: [stub] "m"(return_stub)
		     : "rax", "rcx", "memory", "cc");
	__builtin_unreachable();
}

static u64 fnv1a(const u8 *p, u64 n)
{
	u64 h = 0xcbf29ce484222325ULL;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

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
			timing_loop();
	}
}
