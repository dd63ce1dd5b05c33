// SPDX-License-Identifier: MIT
/*
 * Faults reach the guest's IDT with the right vector: #GP from MSRs nobody
 * implements (answered by vtlvm, not KVM), #UD from ud2, #DE from a
 * division by zero through a registered handler.
 */
#include "guest.h"

static const struct msr_case {
	u32 msr;
	bool write;
	u8 vector;
} msr_cases[] = {
	{ 0xdeadbeef, false, GP_VECTOR },	/* no such MSR */
	{ 0xdeadbeef, true,  GP_VECTOR },
	{ 0x40000003, false, GP_VECTOR },	/* Hyper-V RESET: not granted */
	{ 0x4b564d00, false, GP_VECTOR },	/* KVM's PV MSRs are not exposed */
};

static volatile u32 de_count;

static void de_handler(struct ex_regs *regs)
{
	de_count++;
	regs->rip += 2;		/* skip "div %ecx" (f7 f1) */
}

void guest_main(void)
{
	u32 zero = 0, result = 0;
	u64 val;

	for (unsigned int i = 0; i < ARRAY_SIZE(msr_cases); i++) {
		const struct msr_case *c = &msr_cases[i];
		u8 vec = c->write ? wrmsr_safe(c->msr, 0) : rdmsr_safe(c->msr, &val);

		__GUEST_ASSERT(vec == c->vector, "%s %#x: vector %u, want %u",
			       c->write ? "wrmsr" : "rdmsr", c->msr, vec, c->vector);
	}
	GUEST_SYNC(1);
	GUEST_ASSERT_EQ(ud2_safe(), UD_VECTOR);
	GUEST_SYNC(2);
	idt_set_handler(DE_VECTOR, de_handler);
	asm volatile("mov $1, %%eax; xor %%edx, %%edx; .byte 0xf7, 0xf1; mov %%eax, %0"
		     : "=r"(result) : "c"(zero) : "rax", "rdx");
	GUEST_ASSERT_EQ(de_count, 1);
	GUEST_SYNC_VAL(3, de_count);
}
