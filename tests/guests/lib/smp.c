// SPDX-License-Identifier: MIT
/* Starting application processors the way firmware does: INIT, SIPI, SIPI (SDM vol. 3A, 8.4.4). */
#include "guest.h"

#define APIC_ID		0x20
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define ICR_INIT	0x00000500
#define ICR_STARTUP	0x00000600
#define ICR_ASSERT	0x00004000
#define ICR_ALL_BUT_SELF 0x000c0000
#define ICR_BUSY	0x00001000
#define TRAMPOLINE	0x8000

extern u32 tramp_cr3;
extern const u64 guest_gdt[4];
static void (*ap_fn)(u32 apic_id);

static u32 apic_read(u32 reg)
{
	return *(volatile u32 *)(LAPIC_BASE + reg);
}

static void apic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(LAPIC_BASE + reg) = v;
}

u32 apic_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

static void icr_send(u32 lo)
{
	apic_write(APIC_ICR_HI, 0);
	apic_write(APIC_ICR_LO, lo);
	while (apic_read(APIC_ICR_LO) & ICR_BUSY)
		cpu_relax();
}

void ap_start64(void);
void ap_start64(void)
{
	struct { u16 limit; u64 base; } __attribute__((packed)) gdt = {
		4 * 8 - 1, (u64)guest_gdt,
	};

	asm volatile("lgdt %0" :: "m"(gdt));
	idt_install();
	ap_fn(apic_id());
	for (;;) {
		cli();
		hlt();
	}
}

void smp_send_init_sipi(u64 start)
{
	/* Virtual hardware needs none of the SDM's 10 ms / 200 us delays. */
	icr_send(ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_INIT);
	icr_send(ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_STARTUP | (start >> 12));
	icr_send(ICR_ALL_BUT_SELF | ICR_ASSERT | ICR_STARTUP | (start >> 12));
}

void smp_sipi_to_mark(u64 start, u64 mark)
{
	/* movb $1, mark (DS = 0 after INIT); 1: hlt; jmp 1b */
	const u8 stub[] = { 0xc6, 0x06, mark & 0xff, (mark >> 8) & 0xff, 0x01, 0xf4, 0xeb, 0xfd };

	memcpy((void *)start, stub, sizeof(stub));
	WRITE_ONCE(*(volatile u8 *)mark, 0);
	smp_send_init_sipi(start);
}

void smp_start_aps(void (*fn)(u32 apic_id))
{
	ap_fn = fn;
	tramp_cr3 = read_cr3();
	barrier();
	smp_send_init_sipi(TRAMPOLINE);
}
