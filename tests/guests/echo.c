// SPDX-License-Identifier: MIT
/*
 * Serial input, interrupt-driven: COM1's IRQ 4 is routed through the
 * in-kernel IOAPIC to this CPU's LAPIC; each received byte is reported as a
 * stage-10 sync with the byte as value until a newline, then the guest
 * idles until the host quits it (Ctrl-A x), which must end vtlvm with 0.
 */
#include "guest.h"

#define IOAPIC_BASE	0xfec00000UL
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin))
#define APIC_SVR	0xf0
#define APIC_EOI	0xb0
#define COM1		0x3f8
#define SERIAL_VECTOR	0x24
#define SERIAL_IRQ	4

static volatile u32 rx_count;
static volatile bool got_newline;

static void ioapic_write(u32 reg, u32 v)
{
	*(volatile u32 *)IOAPIC_BASE = reg;
	*(volatile u32 *)(IOAPIC_BASE + 0x10) = v;
}

static void lapic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(LAPIC_BASE + reg) = v;
}

static void serial_irq(struct ex_regs *regs)
{
	(void)regs;
	while (inb(COM1 + 5) & 1) {		/* LSR.DR */
		u8 c = inb(COM1);

		rx_count++;
		GUEST_SYNC_VAL(10, c);
		if (c == '\n' || c == '\r')
			got_newline = true;
	}
	lapic_write(APIC_EOI, 0);
}

void guest_main(void)
{
	outb(0x21, 0xff);			/* mask the 8259s: IOAPIC delivery only */
	outb(0xa1, 0xff);
	lapic_write(APIC_SVR, 0x1ff);		/* software-enable, spurious vector 0xff */
	idt_set_handler(SERIAL_VECTOR, serial_irq);
	/* Edge, active high, fixed, physical destination APIC 0, unmasked. */
	ioapic_write(IOAPIC_REDTBL(SERIAL_IRQ) + 1, 0);
	ioapic_write(IOAPIC_REDTBL(SERIAL_IRQ), SERIAL_VECTOR);
	outb(COM1 + 4, 0x0b);			/* MCR: DTR, RTS, OUT2 (IRQ gate) */
	outb(COM1 + 1, 0x01);			/* IER: received data */
	GUEST_SYNC(1);
	printf("ready\n");
	while (!got_newline) {
		sti();
		hlt();				/* woken only by the interrupt */
	}
	cli();
	GUEST_SYNC_VAL(2, rx_count);
	for (;;) {
		sti();
		hlt();
	}
}
