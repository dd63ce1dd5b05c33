// SPDX-License-Identifier: MIT
#include "usermode.h"

#define KERNEL_CS	0x10
#define KERNEL_DS	0x18
#define USER_DS		0x20
#define USER_CS		0x28
#define TSS_SEL(cpu)	(0x30 + 16 * (cpu))
#define STACK_SIZE	4096

struct tss {
	u32 reserved0;
	u64 rsp0, rsp1, rsp2, reserved1, ist[7], reserved2;
	u16 reserved3, iomap;
} __attribute__((packed));

/* Per CPU; user_enter (usermode.S) keeps a pointer to it in R12 while at CPL3. */
struct user_cpu {
	u64 kernel_rsp;		/* offset 0: usermode.S */
	u8 user_stack[STACK_SIZE] __attribute__((aligned(16)));
	u8 kernel_stack[STACK_SIZE] __attribute__((aligned(16)));
	struct tss tss;
};

extern const u64 guest_gdt[4];
extern const char __guest_end[];
static u64 gdt[6 + 2 * USER_MAX_CPUS] __attribute__((aligned(16)));
static struct user_cpu cpus[USER_MAX_CPUS];

u64 user_enter(struct user_cpu *c, const volatile u64 *read, volatile u64 *write, u64 val,
	       void *stack_top);
extern const char user_return[];

/* The user stub's ud2: resume user_enter's epilogue at CPL0 on the kernel stack it left. */
static void user_ud(struct ex_regs *regs)
{
	struct user_cpu *c = (struct user_cpu *)regs->r12;

	GUEST_ASSERT_EQ(regs->cs, USER_CS | 3);
	regs->rip = (u64)user_return;
	regs->cs = KERNEL_CS;
	regs->ss = KERNEL_DS;
	regs->rsp = c->kernel_rsp;
}

static u64 tss_desc_lo(u64 base, u64 limit)
{
	return (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ULL << 40 |	/* present, TSS */
	       ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
}

void user_mode_init(void)
{
	u64 *pml4 = (u64 *)(read_cr3() & ~0xfffULL);
	u64 *pdpt = (u64 *)(pml4[0] & ~0xfffULL);
	u64 *pd = (u64 *)(pdpt[0] & ~0xfffULL);

	GUEST_ASSERT((u64)__guest_end <= 2 * MiB);
	for (int i = 0; i < 4; i++)
		gdt[i] = guest_gdt[i];
	gdt[USER_DS / 8] = 0x00cff3000000ffffULL;	/* data, DPL 3 */
	gdt[USER_CS / 8] = 0x00affb000000ffffULL;	/* code, 64-bit, DPL 3 */
	for (u32 i = 0; i < USER_MAX_CPUS; i++) {
		cpus[i].tss.rsp0 = (u64)cpus[i].kernel_stack + STACK_SIZE;
		cpus[i].tss.iomap = sizeof(struct tss);
		gdt[TSS_SEL(i) / 8] = tss_desc_lo((u64)&cpus[i].tss, sizeof(struct tss) - 1);
		gdt[TSS_SEL(i) / 8 + 1] = (u64)&cpus[i].tss >> 32;
	}
	pml4[0] |= PTE_U;
	pdpt[0] |= PTE_U;
	pd[0] |= PTE_U;
	asm volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax", "memory");
	idt_set_handler(UD_VECTOR, user_ud);
}

void user_mode_cpu_init(u32 cpu)
{
	struct { u16 limit; u64 base; } __attribute__((packed)) p = { sizeof(gdt) - 1, (u64)gdt };

	GUEST_ASSERT(cpu < USER_MAX_CPUS);
	asm volatile("lgdt %0" :: "m"(p));
	asm volatile("ltr %w0" :: "r"((u16)TSS_SEL(cpu)));
}

u64 user_access(u32 cpu, const volatile u64 *read, volatile u64 *write, u64 val)
{
	struct user_cpu *c = &cpus[cpu];

	return user_enter(c, read, write, val, c->user_stack + STACK_SIZE);
}
