// SPDX-License-Identifier: MIT
/* IDT, GDT and the exception path: table fixups for *_safe(), handlers, or an assert. */
#include "guest.h"
#include "hv.h"

struct idt_entry {
	u16 offset0, selector;
	u8 ist, type_attr;
	u16 offset1;
	u32 offset2, reserved;
} __attribute__((packed));

struct table_ptr {
	u16 limit;
	u64 base;
} __attribute__((packed));

struct ex_entry {
	u64 insn, fixup;
};

extern const struct ex_entry __ex_table_start[], __ex_table_end[];
extern const char interrupt_stubs[];

#define STUB_SIZE 16	/* .align 16 in entry.S */
#define KERNEL_CS 0x10

static struct idt_entry idt[256] __attribute__((aligned(16)));
static ex_handler_t handlers[256];

/* Same selectors as vtlvm's boot GDT: 0x08 code32, 0x10 code64, 0x18 data. */
const u64 guest_gdt[4] __attribute__((aligned(16))) = {
	0, 0x00cf9b000000ffffULL, 0x00af9b000000ffffULL, 0x00cf93000000ffffULL,
};

static void idt_build(void)
{
	for (int i = 0; i < 256; i++) {
		u64 addr = (u64)interrupt_stubs + (u64)i * STUB_SIZE;

		idt[i] = (struct idt_entry) {
			.offset0 = addr, .selector = KERNEL_CS, .type_attr = 0x8e,
			.offset1 = addr >> 16, .offset2 = addr >> 32,
		};
	}
}

void idt_install(void)
{
	struct table_ptr p = { sizeof(idt) - 1, (u64)idt };

	asm volatile("lidt %0" :: "m"(p));
}

void idt_set_handler(u8 vector, ex_handler_t fn)
{
	handlers[vector] = fn;
}

void exception_dispatch(struct ex_regs *regs);
void exception_dispatch(struct ex_regs *regs)
{
	if (handlers[regs->vector]) {
		handlers[regs->vector](regs);
		return;
	}
	/*
	 * A fault inside the hypercall page (#UD for a hypercall vtlvm refuses):
	 * finish the page's `ret` for it and report the vector in R10, which the
	 * callers in lib/hv.c zero beforehand.
	 */
	if (hv_hcall_page && regs->rip - (u64)hv_hcall_page < 4096) {
		/*
		 * Past the hypercall stub are the VTL call/return stubs, whose
		 * caller (vtl_switch_raw, lib/hv_asm.S) left a slot for the vector
		 * above the return address.
		 */
		if (regs->rip - (u64)hv_hcall_page >= HV_VTL_STUBS_START)
			*(u64 *)(regs->rsp + 8) = regs->vector;
		regs->rip = *(u64 *)regs->rsp;
		regs->rsp += 8;
		regs->r10 = regs->vector;
		return;
	}
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++) {
		if (e->insn == regs->rip) {
			regs->rip = e->fixup;
			regs->r10 = regs->vector;
			return;
		}
	}
	__guest_assert_fail(__FILE__, __LINE__, regs->vector, regs->rip,
			    "unexpected exception %llu at rip %#llx, error code %#llx",
			    (unsigned long long)regs->vector, (unsigned long long)regs->rip,
			    (unsigned long long)regs->error_code);
}

const void *bootinfo;
void guest_start(const void *info);

void guest_start(const void *info)
{
	struct table_ptr gdt = { sizeof(guest_gdt) - 1, (u64)guest_gdt };

	bootinfo = info;
	asm volatile("lgdt %0" :: "m"(gdt));
	idt_build();
	idt_install();
	guest_main();
	GUEST_DONE();
}
