/* SPDX-License-Identifier: MIT */
/*
 * devices/serial8250.h -- a 16550A UART (the reference device: copy this one
 * when writing a new device).
 *
 * Transmitted bytes go into a transmit ring that the host drains with
 * serial8250_tx_take() (the console's writer thread); tx_cb says the ring
 * has data. While the ring is full THRE is clear, so a stuck host output
 * slows the guest down instead of blocking a vCPU thread. A disconnected
 * UART (console:serial = none) drops what is transmitted.
 *
 * Received bytes come from the host through serial8250_receive(). The
 * receive buffer is deeper than the 16550's 16-byte FIFO; when the host has
 * more than fits, it keeps the rest and is told through space_cb once the
 * guest has drained the buffer.
 *
 * Locking: one mutex per UART; bus callbacks and the serial8250_* calls may
 * race freely. The callbacks run under that mutex: they may only wake
 * someone (write an eventfd), never call back into the UART.
 */
#ifndef VTLVM_SERIAL8250_H
#define VTLVM_SERIAL8250_H

#include <pthread.h>

#include "devices/bus.h"
#include "devices/platform.h"

#define SERIAL_COM1_PORT	0x3f8
#define SERIAL_COM1_IRQ		4
#define SERIAL_RX_BUF		256
#define SERIAL_TX_BUF		4096

struct serial8250 {
	pthread_mutex_t lock;
	const struct platform *plat;
	u32 irq;
	bool connected;		/* false: transmitted bytes vanish */
	u8 ier, lcr, mcr, lsr, msr, scr, fcr, dll, dlm;
	bool thr_ipending;	/* THR-empty interrupt pending until IIR read or THR write */
	int irq_level;
	u8 rx[SERIAL_RX_BUF];
	unsigned int rx_head, rx_count;
	bool rx_throttled;	/* the host holds input back until space_cb */
	void (*space_cb)(void *ctx);
	void *space_ctx;
	u8 tx[SERIAL_TX_BUF];
	unsigned int tx_head, tx_count;
	void (*tx_cb)(void *ctx);
	void *tx_ctx;
};

int serial8250_init(struct serial8250 *s, struct bus *pio, u16 port, u32 irq,
		    const struct platform *plat, bool connected) __must_check;
void serial8250_exit(struct serial8250 *s);
/* Offer host input; returns how many bytes were taken (the rest: try after space_cb). */
size_t serial8250_receive(struct serial8250 *s, const u8 *buf, size_t len);
void serial8250_set_space_cb(struct serial8250 *s, void (*cb)(void *ctx), void *ctx);
/* Take up to max transmitted bytes out of the ring (frees THR: THRE, THRI). */
size_t serial8250_tx_take(struct serial8250 *s, u8 *buf, size_t max);
/* cb(ctx) runs when the transmit ring goes from empty to non-empty. */
void serial8250_set_tx_cb(struct serial8250 *s, void (*cb)(void *ctx), void *ctx);

/* Register offsets and bits (PC16550D data sheet; Linux include/uapi/linux/serial_reg.h). */
#define UART_RX		0	/* in:  receive buffer (DLAB = 0) */
#define UART_TX		0	/* out: transmit holding (DLAB = 0) */
#define UART_DLL	0	/* divisor latch low (DLAB = 1) */
#define UART_IER	1
#define UART_DLM	1
#define UART_IIR	2	/* in */
#define UART_FCR	2	/* out */
#define UART_LCR	3
#define UART_MCR	4
#define UART_LSR	5
#define UART_MSR	6
#define UART_SCR	7

#define UART_IER_RDI	0x01
#define UART_IER_THRI	0x02
#define UART_IER_RLSI	0x04
#define UART_IER_MSI	0x08
#define UART_IIR_NO_INT	0x01
#define UART_IIR_MSI	0x00
#define UART_IIR_THRI	0x02
#define UART_IIR_RDI	0x04
#define UART_IIR_RLSI	0x06
#define UART_IIR_FIFO	0xc0
#define UART_FCR_ENABLE	0x01
#define UART_FCR_CLEAR_RX 0x02
#define UART_LCR_DLAB	0x80
#define UART_MCR_DTR	0x01
#define UART_MCR_RTS	0x02
#define UART_MCR_OUT1	0x04
#define UART_MCR_OUT2	0x08
#define UART_MCR_LOOP	0x10
#define UART_LSR_DR	0x01
#define UART_LSR_OE	0x02
#define UART_LSR_BI	0x10
#define UART_LSR_THRE	0x20
#define UART_LSR_TEMT	0x40
#define UART_LSR_INT_ANY 0x1e
#define UART_MSR_DCTS	0x01
#define UART_MSR_ANY_DELTA 0x0f
#define UART_MSR_CTS	0x10
#define UART_MSR_DSR	0x20
#define UART_MSR_RI	0x40
#define UART_MSR_DCD	0x80

#endif /* VTLVM_SERIAL8250_H */
