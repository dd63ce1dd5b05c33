// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "serial: " fmt
#include "devices/serial8250.h"

#include <errno.h>
#include <string.h>

#include "vmm/log.h"

/* The interrupt the UART raises now, by the 16550's priority order. */
static u8 serial_iir(const struct serial8250 *s)
{
	if ((s->ier & UART_IER_RLSI) && (s->lsr & UART_LSR_INT_ANY))
		return UART_IIR_RLSI;
	if ((s->ier & UART_IER_RDI) && (s->lsr & UART_LSR_DR))
		return UART_IIR_RDI;
	if ((s->ier & UART_IER_THRI) && s->thr_ipending)
		return UART_IIR_THRI;
	if ((s->ier & UART_IER_MSI) && (s->msr & UART_MSR_ANY_DELTA))
		return UART_IIR_MSI;
	return UART_IIR_NO_INT;
}

static void serial_update_irq(struct serial8250 *s)
{
	/* OUT2 gates the IRQ line on PC hardware, and guests rely on that. */
	int level = serial_iir(s) != UART_IIR_NO_INT && (s->mcr & UART_MCR_OUT2);

	if (level != s->irq_level) {
		s->irq_level = level;
		platform_set_irq(s->plat, s->irq, level);
	}
}

static void rx_push(struct serial8250 *s, u8 c)
{
	if (s->rx_count == SERIAL_RX_BUF) {
		s->lsr |= UART_LSR_OE;
		return;
	}
	s->rx[(s->rx_head + s->rx_count++) % SERIAL_RX_BUF] = c;
	s->lsr |= UART_LSR_DR;
}

static u8 rx_pop(struct serial8250 *s)
{
	u8 c;

	if (!s->rx_count)
		return 0;
	c = s->rx[s->rx_head];
	s->rx_head = (s->rx_head + 1) % SERIAL_RX_BUF;
	if (!--s->rx_count)
		s->lsr &= ~UART_LSR_DR;
	return c;
}

/* THRE while the transmit ring has room, TEMT once it is empty. */
static void tx_update_lsr(struct serial8250 *s)
{
	bool room = s->tx_count < SERIAL_TX_BUF;

	if (room && !(s->lsr & UART_LSR_THRE))
		s->thr_ipending = true;		/* THR became empty: THRI */
	s->lsr = (s->lsr & ~(UART_LSR_THRE | UART_LSR_TEMT)) |
		 (room ? UART_LSR_THRE : 0) | (!s->tx_count ? UART_LSR_TEMT : 0);
}

/*
 * A byte written to THR goes to the transmit ring, which the host drains
 * (serial8250_tx_take()) at its own pace. A full ring clears THRE, so a slow
 * or stuck host output holds the guest back the way a real line would,
 * instead of blocking a vCPU thread in write(2).
 */
static void transmit(struct serial8250 *s, u8 c)
{
	if (s->mcr & UART_MCR_LOOP) {
		rx_push(s, c);
	} else if (s->connected && s->tx_count < SERIAL_TX_BUF) {
		s->tx[(s->tx_head + s->tx_count++) % SERIAL_TX_BUF] = c;
		if (s->tx_count == 1 && s->tx_cb)
			s->tx_cb(s->tx_ctx);
	}
	/*
	 * A write while THRE is clear overruns the line: the byte is lost.
	 * Writing THR acknowledges THRI; it is pending again once THR is free,
	 * at once while the ring has room.
	 */
	tx_update_lsr(s);
	s->thr_ipending = s->lsr & UART_LSR_THRE;
}

/* MSR inputs: in loopback they mirror MCR (RTS->CTS, DTR->DSR, OUT1->RI, OUT2->DCD). */
static u8 serial_msr(const struct serial8250 *s)
{
	u8 m = s->mcr, v;

	if (!(m & UART_MCR_LOOP))
		return s->msr;
	v = (m & UART_MCR_RTS ? UART_MSR_CTS : 0) | (m & UART_MCR_DTR ? UART_MSR_DSR : 0) |
	    (m & UART_MCR_OUT1 ? UART_MSR_RI : 0) | (m & UART_MCR_OUT2 ? UART_MSR_DCD : 0);
	return v | (s->msr & UART_MSR_ANY_DELTA);
}

static u8 serial_read_reg(struct serial8250 *s, u64 off, bool *drained)
{
	u8 v, iir;

	switch (off) {
	case UART_RX:
		if (s->lcr & UART_LCR_DLAB)
			return s->dll;
		v = rx_pop(s);
		*drained = !s->rx_count;
		return v;
	case UART_IER:
		return s->lcr & UART_LCR_DLAB ? s->dlm : s->ier;
	case UART_IIR:
		iir = serial_iir(s);
		/* Reading IIR acknowledges a THR-empty interrupt (16550 data sheet, table 4). */
		if (iir == UART_IIR_THRI)
			s->thr_ipending = false;
		return iir | (s->fcr & UART_FCR_ENABLE ? UART_IIR_FIFO : 0);
	case UART_LCR:
		return s->lcr;
	case UART_MCR:
		return s->mcr;
	case UART_LSR:
		v = s->lsr;
		s->lsr &= ~(UART_LSR_OE | UART_LSR_BI);	/* error bits clear on read */
		return v;
	case UART_MSR:
		v = serial_msr(s);
		s->msr &= ~UART_MSR_ANY_DELTA;
		return v;
	case UART_SCR:
		return s->scr;
	}
	return 0xff;
}

static void serial_write_reg(struct serial8250 *s, u64 off, u8 v)
{
	switch (off) {
	case UART_TX:
		if (s->lcr & UART_LCR_DLAB)
			s->dll = v;
		else
			transmit(s, v);
		break;
	case UART_IER:
		if (s->lcr & UART_LCR_DLAB) {
			s->dlm = v;
			break;
		}
		/* Enabling THRI with THR empty raises it at once, as on a real 16550. */
		if (!(s->ier & UART_IER_THRI) && (v & UART_IER_THRI) && (s->lsr & UART_LSR_THRE))
			s->thr_ipending = true;
		s->ier = v & 0x0f;
		break;
	case UART_FCR:
		if (v & UART_FCR_CLEAR_RX) {
			s->rx_head = s->rx_count = 0;
			s->lsr &= ~UART_LSR_DR;
		}
		s->fcr = v & (UART_FCR_ENABLE | 0xc0);
		break;
	case UART_LCR:
		s->lcr = v;
		break;
	case UART_MCR:
		s->mcr = v & 0x1f;
		break;
	case UART_SCR:
		s->scr = v;
		break;
	default:
		break;	/* LSR and MSR are read-only */
	}
}

/* The guest emptied the receive buffer: let held-back host input come again. */
static void rx_resume(struct serial8250 *s)
{
	if (s->rx_throttled && !s->rx_count) {
		s->rx_throttled = false;
		if (s->space_cb)
			s->space_cb(s->space_ctx);
	}
}

static void serial_read(void *dev, u64 off, void *data, u32 len)
{
	struct serial8250 *s = dev;
	bool drained = false;

	memset(data, 0xff, len);
	pthread_mutex_lock(&s->lock);
	*(u8 *)data = serial_read_reg(s, off, &drained);
	serial_update_irq(s);
	if (drained)
		rx_resume(s);
	pthread_mutex_unlock(&s->lock);
}

static void serial_write(void *dev, u64 off, const void *data, u32 len)
{
	struct serial8250 *s = dev;

	(void)len;	/* an 8-bit device: wider accesses use the low byte */
	pthread_mutex_lock(&s->lock);
	serial_write_reg(s, off, *(const u8 *)data);
	serial_update_irq(s);
	rx_resume(s);	/* an FCR receive-FIFO clear drains it too */
	pthread_mutex_unlock(&s->lock);
}

static const struct bus_ops serial_ops = { .read = serial_read, .write = serial_write };

size_t serial8250_tx_take(struct serial8250 *s, u8 *buf, size_t max)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = MIN(max, (size_t)s->tx_count);
	for (size_t i = 0; i < n; i++)
		buf[i] = s->tx[(s->tx_head + i) % SERIAL_TX_BUF];
	s->tx_head = (s->tx_head + n) % SERIAL_TX_BUF;
	s->tx_count -= n;
	tx_update_lsr(s);
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return n;
}

void serial8250_set_tx_cb(struct serial8250 *s, void (*cb)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&s->lock);
	s->tx_cb = cb;
	s->tx_ctx = ctx;
	pthread_mutex_unlock(&s->lock);
}

size_t serial8250_receive(struct serial8250 *s, const u8 *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&s->lock);
	n = MIN(len, (size_t)(SERIAL_RX_BUF - s->rx_count));
	for (size_t i = 0; i < n; i++)
		rx_push(s, buf[i]);
	if (n < len)
		s->rx_throttled = true;
	serial_update_irq(s);
	pthread_mutex_unlock(&s->lock);
	return n;
}

void serial8250_set_space_cb(struct serial8250 *s, void (*cb)(void *ctx), void *ctx)
{
	pthread_mutex_lock(&s->lock);
	s->space_cb = cb;
	s->space_ctx = ctx;
	pthread_mutex_unlock(&s->lock);
}

int serial8250_init(struct serial8250 *s, struct bus *pio, u16 port, u32 irq,
		    const struct platform *plat, bool connected)
{
	*s = (struct serial8250) {
		.plat = plat,
		.irq = irq,
		.connected = connected,
		.lsr = UART_LSR_THRE | UART_LSR_TEMT,
		.msr = UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS,
		.dll = 12,	/* 9600 baud, what a BIOS leaves */
	};
	pthread_mutex_init(&s->lock, NULL);
	return bus_register(pio, port, 8, &serial_ops, s, "serial8250");
}

void serial8250_exit(struct serial8250 *s)
{
	pthread_mutex_destroy(&s->lock);
}
