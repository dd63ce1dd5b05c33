// SPDX-License-Identifier: MIT
/* Unit tests for devices/serial8250.c, driven through its bus ops like a guest would. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/bus.h"
#include "devices/serial8250.h"
#include "vmm/log.h"

#define PORT SERIAL_COM1_PORT
#define IRQ SERIAL_COM1_IRQ

struct fixture {
	struct serial8250 s;
	struct bus pio;
	struct platform plat;
	int out[2];
	unsigned int nr_irq;		/* set_irq calls */
	int irq_level;
	unsigned int spaces;		/* space callbacks */
};

static void fake_set_irq(void *ctx, u32 gsi, int level)
{
	struct fixture *f = ctx;

	assert_int_equal(gsi, IRQ);
	f->nr_irq++;
	f->irq_level = level;
}

static void fake_stop(void *ctx, int status, const char *why)
{
	(void)ctx, (void)status, (void)why;
	fail_msg("the UART never stops the VM");
}

static const struct platform_ops fake_ops = { .set_irq = fake_set_irq, .request_stop = fake_stop };

static void space_cb(void *ctx)
{
	((struct fixture *)ctx)->spaces++;
}

static int setup_fd(void **state, bool with_out)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || pipe(f->out))
		return -1;
	fcntl(f->out[0], F_SETFL, O_NONBLOCK);
	f->plat = (struct platform) { .ops = &fake_ops, .ctx = f };
	bus_init(&f->pio, "pio");
	if (serial8250_init(&f->s, &f->pio, PORT, IRQ, &f->plat, with_out))
		return -1;
	serial8250_set_space_cb(&f->s, space_cb, f);
	*state = f;
	return 0;
}

static int setup(void **state)
{
	return setup_fd(state, true);
}

static int setup_no_out(void **state)
{
	return setup_fd(state, false);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	serial8250_exit(&f->s);
	bus_exit(&f->pio);
	close(f->out[0]);
	close(f->out[1]);
	free(f);
	return 0;
}

static void outb(struct fixture *f, unsigned int reg, u8 v)
{
	assert_true(bus_dispatch(&f->pio, PORT + reg, &v, 1, true));
}

static u8 inb(struct fixture *f, unsigned int reg)
{
	u8 v = 0x5a;

	assert_true(bus_dispatch(&f->pio, PORT + reg, &v, 1, false));
	return v;
}

/* What the UART transmitted since the last call (taken out of its ring). */
static size_t sent(struct fixture *f, char *buf, size_t size)
{
	size_t n = serial8250_tx_take(&f->s, (u8 *)buf, size - 1);

	buf[n] = '\0';
	return n;
}

static void test_serial_reset_state(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(inb(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_NO_INT);
	assert_int_equal(inb(f, UART_IER), 0);
	assert_int_equal(inb(f, UART_MCR), 0);
	assert_int_equal(inb(f, UART_MSR), UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
	assert_int_equal(inb(f, UART_RX), 0);	/* empty receive buffer */
	assert_null(bus_find(&f->pio, PORT - 1));
	assert_null(bus_find(&f->pio, PORT + 8));
	assert_int_equal(f->nr_irq, 0);
}

static void test_serial_transmit(void **state)
{
	struct fixture *f = *state;
	char buf[64];

	for (const char *p = "Hello\r\n"; *p; p++) {
		outb(f, UART_TX, *p);
		/* THR free again at once; the transmitter busy until the host takes the bytes. */
		assert_int_equal(inb(f, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
				 UART_LSR_THRE);
	}
	assert_int_equal(sent(f, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "Hello\r\n");
	assert_int_equal(inb(f, UART_LSR) & UART_LSR_TEMT, UART_LSR_TEMT);
	/* A wider access uses its low byte. */
	{
		u16 w = 0x4241;

		assert_true(bus_dispatch(&f->pio, PORT, &w, 2, true));
	}
	assert_string_equal((sent(f, buf, sizeof(buf)), buf), "A");
}

static void test_serial_transmit_discarded(void **state)
{
	struct fixture *f = *state;
	char buf[8];

	outb(f, UART_TX, 'x');
	assert_int_equal(sent(f, buf, sizeof(buf)), 0);
	assert_int_equal(inb(f, UART_LSR) & UART_LSR_TEMT, UART_LSR_TEMT);
}

static void test_serial_dlab(void **state)
{
	struct fixture *f = *state;
	char buf[8];

	outb(f, UART_IER, UART_IER_RDI);
	outb(f, UART_LCR, UART_LCR_DLAB | 0x03);
	assert_int_equal(inb(f, UART_LCR), 0x83);
	assert_int_equal(inb(f, UART_DLL), 12);		/* what a BIOS leaves: 9600 baud */
	assert_int_equal(inb(f, UART_DLM), 0);
	outb(f, UART_DLL, 0x01);			/* 115200 baud */
	outb(f, UART_DLM, 0x02);
	assert_int_equal(inb(f, UART_DLL), 0x01);
	assert_int_equal(inb(f, UART_DLM), 0x02);
	assert_int_equal(sent(f, buf, sizeof(buf)), 0);	/* DLL writes are not data */
	outb(f, UART_LCR, 0x03);
	assert_int_equal(inb(f, UART_IER), UART_IER_RDI);	/* untouched by the DLM write */
	outb(f, UART_TX, 'z');
	assert_int_equal(sent(f, buf, sizeof(buf)), 1);
	outb(f, UART_LCR, 0x83);
	assert_int_equal(inb(f, UART_DLL), 0x01);	/* latches survive */
}

static void test_serial_registers(void **state)
{
	struct fixture *f = *state;

	outb(f, UART_IER, 0xff);
	assert_int_equal(inb(f, UART_IER), 0x0f);
	outb(f, UART_MCR, 0xff);
	assert_int_equal(inb(f, UART_MCR), 0x1f);
	outb(f, UART_SCR, 0xa5);
	assert_int_equal(inb(f, UART_SCR), 0xa5);
	outb(f, UART_MCR, 0);
	outb(f, UART_LSR, 0);		/* read-only */
	outb(f, UART_MSR, 0);
	assert_int_equal(inb(f, UART_LSR), UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(inb(f, UART_MSR), UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS);
	{
		u16 w = 0;

		assert_true(bus_dispatch(&f->pio, PORT + UART_SCR, &w, 2, false) == false);
		assert_true(bus_dispatch(&f->pio, PORT + UART_LSR, &w, 2, false));
		assert_int_equal(w, 0xff00 | UART_LSR_THRE | UART_LSR_TEMT);
	}
}

static void test_serial_fifo_bits(void **state)
{
	static const struct { u8 fcr, iir_hi; } cases[] = {
		{ 0x00, 0x00 }, { UART_FCR_ENABLE, 0xc0 }, { 0xc1, 0xc0 }, { 0xc0, 0x00 },
		{ 0x07, 0xc0 }, { 0x00, 0x00 },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		outb(f, UART_FCR, cases[i].fcr);
		assert_int_equal(inb(f, UART_IIR), cases[i].iir_hi | UART_IIR_NO_INT);
	}
}

static void test_serial_receive(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(serial8250_receive(&f->s, (const u8 *)"abc", 3), 3);
	assert_true(inb(f, UART_LSR) & UART_LSR_DR);
	assert_int_equal(inb(f, UART_RX), 'a');
	assert_int_equal(inb(f, UART_RX), 'b');
	assert_true(inb(f, UART_LSR) & UART_LSR_DR);
	assert_int_equal(inb(f, UART_RX), 'c');
	assert_false(inb(f, UART_LSR) & UART_LSR_DR);
	assert_int_equal(inb(f, UART_RX), 0);
	assert_int_equal(f->spaces, 0);		/* never throttled: no callback */

	/* FCR "clear receive FIFO" empties it. */
	assert_int_equal(serial8250_receive(&f->s, (const u8 *)"xy", 2), 2);
	outb(f, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	assert_false(inb(f, UART_LSR) & UART_LSR_DR);
	assert_int_equal(serial8250_receive(&f->s, (const u8 *)"z", 1), 1);
	assert_int_equal(inb(f, UART_RX), 'z');
}

static void test_serial_receive_partial(void **state)
{
	struct fixture *f = *state;
	u8 in[SERIAL_RX_BUF + 44];

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (u8)i;
	assert_int_equal(serial8250_receive(&f->s, in, 100), 100);
	assert_int_equal(serial8250_receive(&f->s, in + 100, sizeof(in) - 100),
			 SERIAL_RX_BUF - 100);
	assert_true(f->s.rx_throttled);
	assert_int_equal(serial8250_receive(&f->s, in, 1), 0);
	/* No overrun: the host keeps what did not fit. */
	assert_false(inb(f, UART_LSR) & UART_LSR_OE);
	for (unsigned int i = 0; i < SERIAL_RX_BUF - 1; i++) {
		assert_int_equal(inb(f, UART_RX), (u8)i);
		assert_int_equal(f->spaces, 0);		/* only once drained */
	}
	assert_int_equal(inb(f, UART_RX), (u8)(SERIAL_RX_BUF - 1));
	assert_int_equal(f->spaces, 1);
	assert_false(f->s.rx_throttled);
	assert_int_equal(inb(f, UART_RX), 0);
	assert_int_equal(f->spaces, 1);		/* once per throttling */
	/* The ring wraps correctly after the drain. */
	assert_int_equal(serial8250_receive(&f->s, in + 7, 3), 3);
	assert_int_equal(inb(f, UART_RX), 7);
	assert_int_equal(inb(f, UART_RX), 8);
	assert_int_equal(inb(f, UART_RX), 9);
}

/* A guest that throws its receive FIFO away has drained it too: resume the host. */
static void test_serial_receive_throttled_fifo_clear(void **state)
{
	struct fixture *f = *state;
	u8 in[SERIAL_RX_BUF + 1];

	memset(in, 'q', sizeof(in));
	assert_int_equal(serial8250_receive(&f->s, in, sizeof(in)), SERIAL_RX_BUF);
	assert_true(f->s.rx_throttled);
	outb(f, UART_FCR, UART_FCR_ENABLE | UART_FCR_CLEAR_RX);
	assert_false(inb(f, UART_LSR) & UART_LSR_DR);
	assert_int_equal(f->spaces, 1);
	assert_false(f->s.rx_throttled);
	assert_int_equal(serial8250_receive(&f->s, in, 1), 1);
}

static void test_serial_loopback(void **state)
{
	static const struct { u8 mcr, msr_hi; } cases[] = {
		{ UART_MCR_LOOP, 0x00 },
		{ UART_MCR_LOOP | UART_MCR_OUT2 | UART_MCR_RTS, 0x90 },	/* Linux's probe */
		{ UART_MCR_LOOP | UART_MCR_DTR, UART_MSR_DSR },
		{ UART_MCR_LOOP | UART_MCR_OUT1, UART_MSR_RI },
		{ UART_MCR_LOOP | 0x0f, 0xf0 },
		{ 0x0f, UART_MSR_DCD | UART_MSR_DSR | UART_MSR_CTS },	/* not looped */
	};
	struct fixture *f = *state;
	char buf[8];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		outb(f, UART_MCR, cases[i].mcr);
		assert_int_equal(inb(f, UART_MSR) & 0xf0, cases[i].msr_hi);
	}
	outb(f, UART_MCR, UART_MCR_LOOP);
	outb(f, UART_TX, 'L');
	outb(f, UART_TX, 'B');
	assert_int_equal(sent(f, buf, sizeof(buf)), 0);	/* nothing leaves in loopback */
	assert_true(inb(f, UART_LSR) & UART_LSR_DR);
	assert_int_equal(inb(f, UART_RX), 'L');
	assert_int_equal(inb(f, UART_RX), 'B');
	outb(f, UART_MCR, 0);
	outb(f, UART_TX, 'o');
	assert_int_equal(sent(f, buf, sizeof(buf)), 1);
	assert_false(inb(f, UART_LSR) & UART_LSR_DR);
}

static void test_serial_overrun(void **state)
{
	struct fixture *f = *state;
	u8 lsr;

	outb(f, UART_MCR, UART_MCR_LOOP);
	for (unsigned int i = 0; i < SERIAL_RX_BUF + 2; i++)
		outb(f, UART_TX, (u8)i);
	lsr = inb(f, UART_LSR);
	assert_true(lsr & UART_LSR_OE);
	assert_true(lsr & UART_LSR_DR);
	assert_false(inb(f, UART_LSR) & UART_LSR_OE);	/* cleared by reading LSR */
	assert_int_equal(inb(f, UART_RX), 0);		/* the oldest bytes were kept */
}

/* RLSI > RDI > THRI > MSI, each reported until its cause is gone. */
static void test_serial_iir_priority(void **state)
{
	struct fixture *f = *state;

	outb(f, UART_MCR, UART_MCR_LOOP | UART_MCR_OUT2);
	outb(f, UART_IER, 0x0f);
	for (unsigned int i = 0; i < SERIAL_RX_BUF + 1; i++)
		outb(f, UART_TX, 'x');
	f->s.msr |= UART_MSR_DCTS;	/* MSR deltas have no bus path to set them */
	assert_int_equal(inb(f, UART_IIR), UART_IIR_RLSI);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_RLSI);	/* reading IIR does not clear it */
	inb(f, UART_LSR);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_RDI);
	for (unsigned int i = 0; i < SERIAL_RX_BUF; i++)
		inb(f, UART_RX);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_THRI);	/* and that read acknowledges it */
	assert_int_equal(inb(f, UART_IIR), UART_IIR_MSI);
	assert_true(inb(f, UART_MSR) & UART_MSR_DCTS);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_NO_INT);
	assert_false(inb(f, UART_MSR) & UART_MSR_DCTS);
	/* Masked sources are not reported. */
	outb(f, UART_IER, 0);
	assert_int_equal(serial8250_receive(&f->s, (const u8 *)"r", 1), 1);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_NO_INT);
}

static void test_serial_thri(void **state)
{
	struct fixture *f = *state;

	/* Enabling THRI with THR empty raises it at once; reading IIR clears it. */
	outb(f, UART_IER, UART_IER_THRI);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_THRI);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_NO_INT);
	/* Writing IER again without a 0 -> 1 change does not. */
	outb(f, UART_IER, UART_IER_THRI | UART_IER_RDI);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_NO_INT);
	outb(f, UART_IER, 0);
	outb(f, UART_IER, UART_IER_THRI);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_THRI);
	/* Each transmitted byte empties THR again and raises it. */
	outb(f, UART_TX, '.');
	assert_int_equal(inb(f, UART_IIR), UART_IIR_THRI);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_NO_INT);
}

static void test_serial_irq_line(void **state)
{
	struct fixture *f = *state;

	outb(f, UART_IER, UART_IER_RDI);
	assert_int_equal(serial8250_receive(&f->s, (const u8 *)"ab", 2), 2);
	assert_int_equal(f->nr_irq, 0);		/* OUT2 clear: the line is gated */
	outb(f, UART_MCR, UART_MCR_OUT2);
	assert_int_equal(f->nr_irq, 1);
	assert_int_equal(f->irq_level, 1);
	assert_int_equal(serial8250_receive(&f->s, (const u8 *)"c", 1), 1);
	inb(f, UART_RX);
	inb(f, UART_LSR);
	assert_int_equal(f->nr_irq, 1);		/* only transitions are signalled */
	outb(f, UART_MCR, 0);
	assert_int_equal(f->nr_irq, 2);
	assert_int_equal(f->irq_level, 0);
	outb(f, UART_MCR, UART_MCR_OUT2 | UART_MCR_DTR);
	assert_int_equal(f->nr_irq, 3);
	assert_int_equal(f->irq_level, 1);
	inb(f, UART_RX);
	assert_int_equal(f->nr_irq, 3);
	inb(f, UART_RX);			/* drained: the line drops */
	assert_int_equal(f->nr_irq, 4);
	assert_int_equal(f->irq_level, 0);
	/* THRI: raised on enable, dropped by the IIR read that acknowledges it. */
	outb(f, UART_IER, UART_IER_THRI);
	assert_int_equal(f->nr_irq, 5);
	assert_int_equal(f->irq_level, 1);
	assert_int_equal(inb(f, UART_IIR), UART_IIR_THRI);
	assert_int_equal(f->nr_irq, 6);
	assert_int_equal(f->irq_level, 0);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* A full transmit ring clears THRE (and TEMT); taking bytes out brings THRE and THRI back. */
static void test_serial_tx_ring_backpressure(void **state)
{
	struct fixture *f = *state;
	static char buf[SERIAL_TX_BUF + 1];

	outb(f, UART_IER, UART_IER_THRI);
	outb(f, UART_MCR, UART_MCR_OUT2);
	for (unsigned int i = 0; i < SERIAL_TX_BUF; i++)
		outb(f, UART_TX, 'a' + i % 26);
	assert_int_equal(inb(f, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT), 0);
	assert_int_equal(inb(f, UART_IIR) & 0x0f, UART_IIR_NO_INT);
	outb(f, UART_TX, '!');			/* overrun: lost */
	assert_int_equal(sent(f, buf, 11), 10);
	assert_true(inb(f, UART_LSR) & UART_LSR_THRE);
	assert_false(inb(f, UART_LSR) & UART_LSR_TEMT);
	assert_int_equal(inb(f, UART_IIR) & 0x0f, UART_IIR_THRI);
	assert_int_equal(sent(f, buf, sizeof(buf)), SERIAL_TX_BUF - 10);
	assert_int_equal(buf[SERIAL_TX_BUF - 11], 'a' + (SERIAL_TX_BUF - 1) % 26);
	assert_true(inb(f, UART_LSR) & UART_LSR_TEMT);
}

/* A disconnected UART (console:serial = none) drops what it sends, THRE always set. */
static void test_serial_tx_disconnected(void **state)
{
	struct fixture *f = *state;
	char buf[8];

	for (unsigned int i = 0; i < SERIAL_TX_BUF + 10; i++)
		outb(f, UART_TX, 'x');
	assert_int_equal(inb(f, UART_LSR) & (UART_LSR_THRE | UART_LSR_TEMT),
			 UART_LSR_THRE | UART_LSR_TEMT);
	assert_int_equal(sent(f, buf, sizeof(buf)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_serial_reset_state),
		T(test_serial_transmit),
		T(test_serial_tx_ring_backpressure),
		cmocka_unit_test_setup_teardown(test_serial_tx_disconnected, setup_no_out,
						teardown),
		cmocka_unit_test_setup_teardown(test_serial_transmit_discarded, setup_no_out,
						teardown),
		T(test_serial_dlab),
		T(test_serial_registers),
		T(test_serial_fifo_bits),
		T(test_serial_receive),
		T(test_serial_receive_partial),
		T(test_serial_receive_throttled_fifo_clear),
		T(test_serial_loopback),
		T(test_serial_overrun),
		T(test_serial_iir_priority),
		T(test_serial_thri),
		T(test_serial_irq_line),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("serial", tests, NULL, NULL);
}
