// SPDX-License-Identifier: MIT
/*
 * A minimal ring-3 environment for test guests, on the BSP only:
 *
 *  - GDT: the boot layout (0x08 code32, 0x10 code64, 0x18 data), then user
 *    data 0x20 and user code64 0x28 (DPL 3), then a 64-bit TSS at 0x30 whose
 *    RSP0 is a private stack: the CPU switches to it when a fault takes CPL3
 *    code to the IDT;
 *  - paging: the U bit on the identity map entries that cover the guest image
 *    [0, __guest_end) (PML4E, PDPTE, 2 MiB PDEs, mem/pgtable.c): code, data,
 *    stacks and a hypercall page in .bss become reachable from ring 3. vtlvm
 *    sets neither CR4.SMEP nor CR4.SMAP, so ring 0 keeps using them;
 *  - entry: iretq to fn at CPL3 on a private user stack, interrupts off,
 *    IOPL 0 (every port #GPs) or, if asked, 3 (ports reach the VMM);
 *  - exit: fn ends with ring3_exit(), a `hlt`, which #GPs at CPL3; the #GP
 *    handler returns to ring 0 inside ring3_run(), on the stack it left.
 *
 * Other faults in ring 3 take the normal IDT path (lib/exceptions.c); a
 * fault inside the hypercall page returns to its ring-3 caller.
 */
#include "guest.h"

#define KERNEL_CS	0x10
#define KERNEL_DS	0x18
#define USER_DS		(0x20 | 3)
#define USER_CS		(0x28 | 3)
#define TSS_SEL		0x30
#define PTE_U		BIT(2)
#define PAGE_2M		(2ULL << 20)
#define STACK_BYTES	8192
#define STR_(x)		#x
#define STR(x)		STR_(x)

struct tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3, iomap_base;
} __attribute__((packed));

extern char __guest_end[];

static struct tss64 tss;
static u64 gdt[8] __attribute__((aligned(16)));
static u8 kernel_stack[STACK_BYTES] __attribute__((aligned(16)));
static u8 user_stack[STACK_BYTES] __attribute__((aligned(16)));
static bool ready;

/* ring3_enter(fn, user_rsp, rflags) saves the callee-saved registers and RSP, then iretq to fn. */
u64 ring3_kernel_rsp;
void ring3_enter(void (*fn)(void), u64 user_rsp, u64 rflags);
void ring3_resume(void);
asm(".pushsection .text\n"
    ".globl ring3_enter\n"
    "ring3_enter:\n\t"
    "push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n\t"
    "mov %rsp, ring3_kernel_rsp(%rip)\n\t"
    "pushq $" STR(USER_DS) "\n\t"
    "pushq %rsi\n\t"
    "pushq %rdx\n\t"
    "pushq $" STR(USER_CS) "\n\t"
    "pushq %rdi\n\t"
    "iretq\n"
    ".globl ring3_resume\n"
    "ring3_resume:\n\t"		/* back at CPL0 on ring3_kernel_rsp */
    "pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n\t"
    "ret\n"
    ".popsection\n");

static void gdt_setup(void)
{
	u64 base = (u64)&tss, limit = sizeof(tss) - 1;
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) p = { sizeof(gdt) - 1, (u64)gdt };

	memcpy(gdt, guest_gdt, 4 * sizeof(u64));
	gdt[4] = 0x00cff3000000ffffULL;		/* data, DPL 3 */
	gdt[5] = 0x00affb000000ffffULL;		/* code, 64-bit, DPL 3 */
	/* 64-bit available TSS (type 9), present; base split over both descriptor words. */
	gdt[6] = (limit & 0xffff) | (base & 0xffffff) << 16 | 0x89ULL << 40 |
		 ((limit >> 16) & 0xf) << 48 | ((base >> 24) & 0xff) << 56;
	gdt[7] = base >> 32;
	tss.rsp[0] = (u64)kernel_stack + sizeof(kernel_stack);
	tss.iomap_base = sizeof(tss);		/* no I/O bitmap: IOPL alone decides */
	asm volatile("lgdt %0" :: "m"(p));
	asm volatile("ltr %w0" :: "r"(TSS_SEL));
}

/* The U bit down every level of the identity map that covers [0, end). */
static void paging_setup(u64 end)
{
	u64 *pml4 = (u64 *)(read_cr3() & ~0xfffULL);
	u64 *pdpt = (u64 *)(pml4[0] & ~0xfffULL);
	u64 *pd = (u64 *)(pdpt[0] & ~0xfffULL);

	pml4[0] |= PTE_U;
	pdpt[0] |= PTE_U;
	for (u64 i = 0; i * PAGE_2M < end; i++)
		pd[i] |= PTE_U;
	asm volatile("mov %0, %%cr3" :: "r"(read_cr3()) : "memory");	/* flush */
}

/* #GP from ring3_exit(): resume ring3_run() at CPL0. */
static void ring3_gp(struct ex_regs *regs)
{
	__GUEST_ASSERT((regs->cs & 3) == 3, "#GP at CPL0, rip %#llx, error code %#llx",
		       (unsigned long long)regs->rip, (unsigned long long)regs->error_code);
	regs->rip = (u64)ring3_resume;
	regs->cs = KERNEL_CS;
	regs->rflags = 2;
	regs->rsp = ring3_kernel_rsp;
	regs->ss = KERNEL_DS;
}

void ring3_exit(void)
{
	asm volatile("hlt" ::: "memory");	/* privileged: #GP at CPL3 */
	for (;;)
		;
}

void ring3_run(void (*fn)(void), bool io)
{
	u64 rflags = BIT(1) | (io ? 3ULL << 12 : 0);	/* IF clear; IOPL */

	if (!ready) {
		gdt_setup();
		paging_setup((u64)__guest_end);
		ready = true;
	}
	idt_set_handler(GP_VECTOR, ring3_gp);
	ring3_enter(fn, (u64)user_stack + sizeof(user_stack), rflags);
	idt_set_handler(GP_VECTOR, NULL);
}

/* ---- YMM0-15 and XCR0 at CPL3 (guest.h) ---- */

void ymm_read_raw(u64 ymm[16][4]);
void ymm_write_raw(const u64 ymm[16][4]);

static u64 ymm_buf[16][4] __attribute__((aligned(32)));
static u64 xcr0;

static void ymm_store_user(void)
{
	ymm_read_raw(ymm_buf);
	ring3_exit();
}

static void ymm_load_user(void)
{
	ymm_write_raw(ymm_buf);
	ring3_exit();
}

static void xcr0_user(void)
{
	u32 lo, hi;

	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	xcr0 = (u64)hi << 32 | lo;
	ring3_exit();
}

/* ring3_run() comes back with IF clear: put it back as it was. */
static void ring3_run_keep_if(void (*fn)(void))
{
	u64 rflags;

	asm volatile("pushf; pop %0" : "=r"(rflags));
	ring3_run(fn, false);
	if (rflags & BIT(9))
		sti();
}

void ymm_read(u64 ymm[16][4])
{
	ring3_run_keep_if(ymm_store_user);
	memcpy(ymm, ymm_buf, sizeof(ymm_buf));
}

void ymm_write(const u64 ymm[16][4])
{
	memcpy(ymm_buf, ymm, sizeof(ymm_buf));
	ring3_run_keep_if(ymm_load_user);
}

u64 xcr0_read(void)
{
	ring3_run_keep_if(xcr0_user);
	return xcr0;
}
