// SPDX-License-Identifier: MIT
/* Unit tests for devices/testdev.c: ucall formatting and the ports, on a fake platform. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/bus.h"
#include "devices/testdev.h"
#include "vmm/log.h"

/* ---- testdev_format_ucall() --------------------------------------------------------- */

static struct ucall make_ucall(u32 cmd, const char *file, u32 line, const char *msg)
{
	struct ucall uc;

	memset(&uc, 0, sizeof(uc));
	uc.cmd = cmd;
	uc.line = line;
	uc.args[0] = 5;
	uc.args[1] = 0xdeadbeefcafeULL;
	snprintf(uc.file, sizeof(uc.file), "%s", file);
	snprintf(uc.msg, sizeof(uc.msg), "%s", msg);
	return uc;
}

static void test_testdev_format_ucall_commands(void **state)
{
	static const struct { u32 cmd; const char *want; } cases[] = {
		{ UCALL_SYNC, "sync 123456789 2 5 244837814094590" },
		{ UCALL_ASSERT, "assert 123456789 2 lib/guest.c:42: x == y (1 vs 2)" },
		{ UCALL_PRINT, "print 123456789 2 x == y (1 vs 2)" },
		{ UCALL_DONE, "done 123456789 2" },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ucall uc = make_ucall(cases[i].cmd, "lib/guest.c", 42, "x == y (1 vs 2)");
		char buf[512];
		int n = testdev_format_ucall(buf, sizeof(buf), &uc, 123456789ULL, 2);

		assert_string_equal(buf, cases[i].want);
		assert_int_equal(n, strlen(cases[i].want));
	}
}

static void test_testdev_format_ucall_unknown(void **state)
{
	static const u32 cmds[] = { UCALL_NONE, UCALL_DONE + 1, 0x80000000u, UINT32_MAX };
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++) {
		struct ucall uc = make_ucall(cmds[i], "f", 1, "m");
		char buf[64];

		assert_int_equal(testdev_format_ucall(buf, sizeof(buf), &uc, 1, 0), -EINVAL);
	}
}

static void test_testdev_format_ucall_extremes(void **state)
{
	struct ucall uc = make_ucall(UCALL_SYNC, "", 0, "");
	char buf[512], small[12];
	int n;
	(void)state;

	uc.args[0] = UINT64_MAX;
	uc.args[1] = 0;
	n = testdev_format_ucall(buf, sizeof(buf), &uc, UINT64_MAX, UINT32_MAX);
	assert_string_equal(buf, "sync 18446744073709551615 4294967295 18446744073709551615 0");
	assert_int_equal(n, strlen(buf));
	/* A short buffer truncates like snprintf and reports the full length. */
	n = testdev_format_ucall(small, sizeof(small), &uc, 1, 0);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_true(n > (int)sizeof(small));
	assert_int_equal(strncmp(small, "sync 1 0 18", 11), 0);
}

/* Guest strings need be neither terminated nor printable. */
static void test_testdev_format_ucall_sanitised(void **state)
{
	struct ucall uc;
	char buf[1024], want[UCALL_MSG_LEN];
	int n;
	(void)state;

	memset(&uc, 'f', sizeof(uc));		/* nothing terminated anywhere */
	uc.cmd = UCALL_ASSERT;
	uc.line = 7;
	memset(uc.msg, 'm', sizeof(uc.msg));
	n = testdev_format_ucall(buf, sizeof(buf), &uc, 9, 1);
	memset(want, 'm', sizeof(want) - 1);
	want[sizeof(want) - 1] = '\0';
	assert_int_equal(n, strlen(buf));
	assert_int_equal(strncmp(buf, "assert 9 1 ", 11), 0);
	/* The file and message are cut to their fields, less one for the terminator. */
	assert_int_equal(strspn(buf + 11, "f"), UCALL_FILE_LEN - 1);
	assert_int_equal(strncmp(buf + 11 + UCALL_FILE_LEN - 1, ":7: ", 4), 0);
	assert_string_equal(buf + 11 + UCALL_FILE_LEN - 1 + 4, want);

	uc = make_ucall(UCALL_PRINT, "a\tb", 1, "line1\nline2\r\x1b[31m\x7f\x80\xff~ ok");
	n = testdev_format_ucall(buf, sizeof(buf), &uc, 1, 0);
	assert_string_equal(buf, "print 1 0 line1?line2??[31m???~ ok");
	assert_int_equal(n, strlen(buf));
	assert_null(strchr(buf, '\n'));		/* one record, one line */
}

/* ---- the ports, through a bus, with a fake platform --------------------------------- */

struct fake_plat {
	struct platform plat;
	struct gmem mem;
	int stops, status, caller_ret;
	u32 cpu;
	u64 rdi;
	int chan[2];
	struct testdev t;
	struct bus pio;
};

static void fake_request_stop(void *ctx, int status, const char *why)
{
	struct fake_plat *f = ctx;

	(void)why;
	f->stops++;
	f->status = status;
}

static int fake_caller(void *ctx, u32 *cpu, u64 *rdi)
{
	struct fake_plat *f = ctx;

	if (f->caller_ret)
		return f->caller_ret;
	*cpu = f->cpu;
	*rdi = f->rdi;
	return 0;
}

static const struct platform_ops fake_ops = {
	.request_stop = fake_request_stop, .caller = fake_caller,
};
static const struct platform_ops no_caller_ops = { .request_stop = fake_request_stop };

static int dev_setup_fd(void **state, bool channel)
{
	struct fake_plat *f = calloc(1, sizeof(*f));

	if (!f || layout_init(&f->mem.layout, 2 * MiB) || pipe(f->chan))
		return -1;
	f->mem.base = calloc(1, 2 * MiB);
	f->mem.size = 2 * MiB;
	f->plat = (struct platform) { .ops = &fake_ops, .ctx = f, .mem = &f->mem, .nr_cpus = 4 };
	fcntl(f->chan[0], F_SETFL, O_NONBLOCK);
	bus_init(&f->pio, "pio");
	if (!f->mem.base || testdev_init(&f->t, &f->pio, &f->plat, channel ? f->chan[1] : -1))
		return -1;
	*state = f;
	return 0;
}

static int dev_setup(void **state)
{
	return dev_setup_fd(state, true);
}

static int dev_setup_nochan(void **state)
{
	return dev_setup_fd(state, false);
}

static int dev_teardown(void **state)
{
	struct fake_plat *f = *state;

	testdev_exit(&f->t);
	bus_exit(&f->pio);
	close(f->chan[0]);
	close(f->chan[1]);
	free(f->mem.base);
	free(f);
	return 0;
}

/* Everything written to the channel since the last call ("" if nothing). */
static const char *channel_text(struct fake_plat *f)
{
	static char buf[4096];
	ssize_t n = read(f->chan[0], buf, sizeof(buf) - 1);

	if (n < 0) {
		assert_int_equal(errno, EAGAIN);
		n = 0;
	}
	buf[n] = '\0';
	return buf;
}

static void test_testdev_init_ports(void **state)
{
	static const struct { u16 port; u64 len; } ports[] = {
		{ TESTDEV_UCALL_PORT, 1 }, { TESTDEV_DEBUGCON_PORT, 1 },
		{ TESTDEV_NULL_PORT, 1 }, { TESTDEV_EXIT_PORT, 4 },
	};
	struct fake_plat *f = *state;
	struct testdev again;

	assert_int_equal(f->pio.nr, ARRAY_SIZE(ports));
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		const struct bus_range *r = bus_find(&f->pio, ports[i].port);

		assert_non_null(r);
		assert_int_equal(r->base, ports[i].port);
		assert_int_equal(r->len, ports[i].len);
		assert_ptr_equal(r->dev, &f->t);
	}
	/* A second test device on the same bus cannot claim the ports. */
	assert_int_equal(testdev_init(&again, &f->pio, &f->plat, -1), -EEXIST);
	testdev_exit(&again);
}

static void test_testdev_exit_port(void **state)
{
	static const struct { u32 len; u8 data[4]; int status; } cases[] = {
		{ 1, { 0x00, 0xff, 0xff, 0xff }, 1 },	/* bytes past len are ignored */
		{ 1, { 0x01 }, 3 },
		{ 1, { 0x2a }, 0x55 },
		{ 1, { 0x7f }, 0xff },
		{ 2, { 0x05, 0x00 }, 11 },
		{ 2, { 0x10, 0x01 }, 0x21 },		/* statuses are 8 bits */
		{ 4, { 0x03, 0, 0, 0 }, 7 },
		{ 4, { 0x00, 0, 0, 0x80 }, 1 },
	};
	struct fake_plat *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u8 data[4];
		unsigned long long ns;
		int status, end = 0;

		memcpy(data, cases[i].data, sizeof(data));
		assert_true(bus_dispatch(&f->pio, TESTDEV_EXIT_PORT, data, cases[i].len, true));
		assert_int_equal(f->stops, i + 1);
		assert_int_equal(f->status, cases[i].status);
		assert_int_equal(f->status & 1, 1);	/* odd: never one of vtlvm's own */
		assert_int_equal(sscanf(channel_text(f), "exit %llu %d\n%n", &ns, &status, &end), 2);
		assert_int_equal(status, cases[i].status);
		assert_true(ns > 0);
		assert_true(end > 0);
	}
}

static void put_record(struct fake_plat *f, gpa_t gpa, const struct ucall *uc)
{
	assert_int_equal(gmem_write(&f->mem, gpa, uc, sizeof(*uc)), 0);
	f->rdi = gpa;
}

static void ucall_out(struct fake_plat *f)
{
	u8 v = 0;

	assert_true(bus_dispatch(&f->pio, TESTDEV_UCALL_PORT, &v, 1, true));
}

static void test_testdev_ucall_port(void **state)
{
	struct fake_plat *f = *state;
	struct ucall uc = make_ucall(UCALL_SYNC, "g.c", 3, "");
	unsigned long long ns, a0, a1;
	unsigned int cpu;
	const char *text;

	uc.args[0] = 7;
	uc.args[1] = 8;
	f->cpu = 3;
	put_record(f, 0x5000, &uc);
	ucall_out(f);
	assert_int_equal(sscanf(channel_text(f), "sync %llu %u %llu %llu", &ns, &cpu, &a0, &a1), 4);
	assert_int_equal(cpu, 3);
	assert_int_equal(a0, 7);
	assert_int_equal(a1, 8);

	/* The last byte of RAM may end a record. */
	uc = make_ucall(UCALL_ASSERT, "t.c", 9, "boom");
	put_record(f, 2 * MiB - sizeof(uc), &uc);
	ucall_out(f);
	text = channel_text(f);
	assert_non_null(strstr(text, " 3 t.c:9: boom\n"));
	assert_int_equal(strncmp(text, "assert ", 7), 0);
	assert_int_equal(f->stops, 0);	/* an assert reports; the guest exits itself */

	uc = make_ucall(UCALL_DONE, "", 0, "");
	f->cpu = 0;
	put_record(f, 0x9000, &uc);
	ucall_out(f);
	assert_int_equal(sscanf(channel_text(f), "done %llu %u", &ns, &cpu), 2);
	assert_int_equal(cpu, 0);
}

/* Bad records are dropped: nothing on the channel, nothing stopped. */
static void test_testdev_ucall_bad(void **state)
{
	struct fake_plat *f = *state;
	struct ucall uc = make_ucall(UCALL_PRINT, "", 0, "x");
	u16 v = 0;

	put_record(f, 0x1000, &uc);
	f->rdi = 2 * MiB - sizeof(uc) + 1;	/* runs past the end of RAM */
	ucall_out(f);
	assert_string_equal(channel_text(f), "");
	f->rdi = UINT64_MAX - 8;		/* wraps */
	ucall_out(f);
	assert_string_equal(channel_text(f), "");
	f->rdi = 3 * GiB;			/* MMIO hole */
	ucall_out(f);
	assert_string_equal(channel_text(f), "");

	f->rdi = 0x1000;
	f->caller_ret = -ESRCH;			/* not on a vCPU thread */
	ucall_out(f);
	assert_string_equal(channel_text(f), "");
	f->caller_ret = 0;

	uc.cmd = 77;				/* unknown command */
	put_record(f, 0x1000, &uc);
	ucall_out(f);
	assert_string_equal(channel_text(f), "");

	/* A platform without a caller op cannot locate records. */
	f->plat.ops = &no_caller_ops;
	uc.cmd = UCALL_PRINT;
	put_record(f, 0x1000, &uc);
	ucall_out(f);
	assert_string_equal(channel_text(f), "");
	f->plat.ops = &fake_ops;
	ucall_out(f);
	assert_int_equal(strncmp(channel_text(f), "print ", 6), 0);	/* the same record is fine */
	assert_int_equal(f->stops, 0);
	/* The ucall port is one byte wide: a wider access is not the device's. */
	assert_false(bus_dispatch(&f->pio, TESTDEV_UCALL_PORT, &v, 2, true));
}

/* Write s to the debug console port, one outb per byte. */
static void con_puts(struct fake_plat *f, const char *s)
{
	for (; *s; s++) {
		u8 c = *s;

		assert_true(bus_dispatch(&f->pio, TESTDEV_DEBUGCON_PORT, &c, 1, true));
	}
}

static void test_testdev_debugcon(void **state)
{
	struct fake_plat *f = *state;
	char line[300];
	const char *text, *p;
	unsigned long long ns;
	size_t z1, z2;
	u32 r = 0;
	int end = 0;

	con_puts(f, "hel\x1blo\n");
	assert_int_equal(sscanf(channel_text(f), "console %llu hel?lo\n%n", &ns, &end), 1);
	assert_true(end > 0);

	/* Nothing is sent before the newline. */
	con_puts(f, "a");
	assert_string_equal(channel_text(f), "");
	con_puts(f, "\n");
	assert_non_null(strstr(channel_text(f), " a\n"));

	/* A line longer than the buffer is split, nothing lost. */
	memset(line, 'z', sizeof(line));
	for (size_t i = 0; i < sizeof(line); i++)
		assert_true(bus_dispatch(&f->pio, TESTDEV_DEBUGCON_PORT, &line[i], 1, true));
	con_puts(f, "\n");
	text = channel_text(f);
	p = strchr(text + 8, ' ') + 1;		/* "console <ns> " */
	z1 = strspn(p, "z");
	assert_int_equal(p[z1], '\n');
	assert_int_equal(z1, sizeof(f->t.con_line) - 1);
	p = strchr(strchr(text, '\n') + 9, ' ') + 1;
	z2 = strspn(p, "z");
	assert_string_equal(p + z2, "\n");
	assert_int_equal(z1 + z2, sizeof(line));

	/* Reads return the port number (Bochs' detection). */
	assert_true(bus_dispatch(&f->pio, TESTDEV_DEBUGCON_PORT, &r, 1, false));
	assert_int_equal(r, TESTDEV_DEBUGCON_PORT);
}

static void test_testdev_null_port(void **state)
{
	struct fake_plat *f = *state;
	u32 v = 0xffffffff;

	assert_true(bus_dispatch(&f->pio, TESTDEV_NULL_PORT, &v, 1, false));
	assert_int_equal(v, 0xffffff00);	/* exactly len bytes of zero */
	assert_true(bus_dispatch(&f->pio, TESTDEV_NULL_PORT, &v, 1, true));
	assert_string_equal(channel_text(f), "");
	assert_int_equal(f->stops, 0);
}

/* Without a channel records are logged, and the exit port still ends the VM. */
static void test_testdev_no_channel(void **state)
{
	struct fake_plat *f = *state;
	struct ucall uc = make_ucall(UCALL_ASSERT, "x.c", 1, "logged");
	u8 v = 4;

	put_record(f, 0x3000, &uc);
	ucall_out(f);
	con_puts(f, "\n");
	assert_true(bus_dispatch(&f->pio, TESTDEV_EXIT_PORT, &v, 1, true));
	assert_int_equal(f->stops, 1);
	assert_int_equal(f->status, 9);
	assert_string_equal(channel_text(f), "");
}

#define DEV(fn) cmocka_unit_test_setup_teardown(fn, dev_setup, dev_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_testdev_format_ucall_commands),
		cmocka_unit_test(test_testdev_format_ucall_unknown),
		cmocka_unit_test(test_testdev_format_ucall_extremes),
		cmocka_unit_test(test_testdev_format_ucall_sanitised),
		DEV(test_testdev_init_ports),
		DEV(test_testdev_exit_port),
		DEV(test_testdev_ucall_port),
		DEV(test_testdev_ucall_bad),
		DEV(test_testdev_debugcon),
		DEV(test_testdev_null_port),
		cmocka_unit_test_setup_teardown(test_testdev_no_channel, dev_setup_nochan,
						dev_teardown),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("testdev", tests, NULL, NULL);
}
