// SPDX-License-Identifier: MIT
/*
 * The MADT tells the truth about ISA IRQ0: find the GSI it maps IRQ0 to
 * (an Interrupt Source Override, else the same number, ACPI 6.5 section
 * 5.2.12.5), route IOAPIC pins 0-15 to distinct vectors, run the in-kernel
 * PIT at about 1 kHz and check its interrupts arrive on that GSI's pin and
 * on no other.
 */
#include "guest.h"

#define IOAPIC_BASE	0xfec00000UL
#define IOAPIC_REDTBL	0x10		/* two registers per pin, low dword first */
#define LAPIC_SVR	0xf0
#define LAPIC_EOI	0xb0
#define SVR_ENABLE	0x100
#define VECTOR_BASE	0x40
#define NR_PINS		16
#define PIT_CMD		0x43
#define PIT_CH0		0x40
#define PIT_RATE_GEN	0x34		/* channel 0, lobyte/hibyte, mode 2 */
#define PIT_1KHZ	1193		/* 1.193182 MHz / 1000 */
#define WANT_TICKS	3

static volatile u32 hits[NR_PINS];

static u32 rd32(const u8 *p)
{
	u32 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static const u8 *find_madt(void)
{
	const u8 *rsdp = NULL, *xsdt;
	u64 entry;

	for (unsigned long a = 0xe0000; a < 0x100000 && !rsdp; a += 16)
		if (!memcmp((const void *)a, "RSD PTR ", 8))
			rsdp = (const u8 *)a;
	GUEST_ASSERT(rsdp);
	__builtin_memcpy(&entry, rsdp + 24, 8);
	xsdt = (const u8 *)entry;
	for (u32 off = 36; off < rd32(xsdt + 4); off += 8) {
		__builtin_memcpy(&entry, xsdt + off, 8);
		if (!memcmp((const void *)entry, "APIC", 4))
			return (const u8 *)entry;
	}
	__GUEST_ASSERT(0, "no MADT");
	return NULL;
}

static u32 irq0_gsi(const u8 *madt)
{
	for (u32 off = 44; off < rd32(madt + 4); off += madt[off + 1])
		if (madt[off] == 2 && madt[off + 3] == 0)	/* override of ISA IRQ0 */
			return rd32(madt + off + 4);
	return 0;
}

static void irq_handler(struct ex_regs *regs)
{
	hits[regs->vector - VECTOR_BASE]++;
	*(volatile u32 *)(LAPIC_BASE + LAPIC_EOI) = 0;
}

static void ioapic_write(u32 reg, u32 v)
{
	*(volatile u32 *)IOAPIC_BASE = reg;
	*(volatile u32 *)(IOAPIC_BASE + 0x10) = v;
}

/* Every pin to its own vector: fixed, physical, edge, active high, unmasked, to CPU 0. */
static void route_pins(void)
{
	outb(0x21, 0xff);		/* mask both 8259s: only the IOAPIC delivers */
	outb(0xa1, 0xff);
	*(volatile u32 *)(LAPIC_BASE + LAPIC_SVR) = SVR_ENABLE | 0xff;
	for (u32 pin = 0; pin < NR_PINS; pin++) {
		idt_set_handler(VECTOR_BASE + pin, irq_handler);
		ioapic_write(IOAPIC_REDTBL + 2 * pin, VECTOR_BASE + pin);
		ioapic_write(IOAPIC_REDTBL + 2 * pin + 1, 0);
	}
}

void guest_main(void)
{
	u32 gsi = irq0_gsi(find_madt());

	GUEST_ASSERT(gsi < NR_PINS);
	GUEST_SYNC_VAL(1, gsi);
	route_pins();
	outb(PIT_CMD, PIT_RATE_GEN);
	outb(PIT_CH0, PIT_1KHZ & 0xff);
	outb(PIT_CH0, PIT_1KHZ >> 8);
	sti();
	for (u32 spins = 0; hits[gsi] < WANT_TICKS; spins++) {
		__GUEST_ASSERT(spins < 1000000, "%u PIT interrupts on GSI %u", hits[gsi], gsi);
		cpu_relax();
	}
	cli();
	for (u32 pin = 0; pin < NR_PINS; pin++)
		__GUEST_ASSERT(pin == gsi || !hits[pin], "%u interrupts on pin %u", hits[pin], pin);
	GUEST_SYNC_VAL(2, gsi);
}
