// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "console: " fmt
#include "vmm/console.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "devices/serial8250.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

#define PENDING_MAX	(64 * KiB)	/* typed or pasted input waiting for the guest */

static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;

/*
 * The console's own state. Input: bytes the UART could not take yet wait in
 * `pending` and go in as the guest drains the UART (space eventfd). Output:
 * a writer thread moves the UART's transmit ring to stdout, so a stdout
 * that blocks (a full pipe, a suspended terminal) stalls only that thread.
 */
static struct console {
	struct console_escape esc;
	u8 pending[PENDING_MAX];
	size_t pending_len;
	int tx_efd;
	pthread_t writer;
	bool writer_started;
	atomic_bool writer_drain;	/* write out what is left, then exit */
	atomic_bool writer_stop;	/* exit now */
} con = { .tx_efd = -1 };

#define WRITER_DRAIN_MS	500	/* how long the guest's last output may take at exit */

size_t console_filter(struct console_escape *esc, const u8 *in, size_t len, u8 *out, bool *quit)
{
	size_t n = 0;

	*quit = false;
	for (size_t i = 0; i < len; i++) {
		u8 c = in[i];

		if (esc->pending) {
			esc->pending = false;
			if (c == 'x' || c == 'X') {
				*quit = true;
				return n;
			}
			if (c == CONSOLE_ESCAPE_CHAR)
				out[n++] = c;
			/* Any other escape sequence is swallowed, as in QEMU. */
			continue;
		}
		if (c == CONSOLE_ESCAPE_CHAR) {
			esc->pending = true;
			continue;
		}
		out[n++] = c;
	}
	return n;
}

void console_restore_terminal(void)
{
	if (termios_saved) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_termios);
		termios_saved = 0;
	}
}

static void fatal_signal(int sig)
{
	console_restore_terminal();
	raise(sig);	/* SA_RESETHAND: the default action now */
}

/* Every signal whose default action ends the process without vtlvm's own path. */
static void restore_on_fatal_signals(void)
{
	static const int fatal[] = {
		SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS, SIGXCPU, SIGXFSZ,
		SIGVTALRM, SIGPROF, SIGPWR, SIGIO,
	};
	struct sigaction sa = { .sa_handler = fatal_signal, .sa_flags = SA_RESETHAND };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		sigaction(fatal[i], &sa, NULL);
}

static int terminal_raw(void)
{
	struct termios t;

	/* In the background a tcsetattr() would stop us with SIGTTOU: leave the tty alone. */
	if (tcgetpgrp(STDIN_FILENO) != getpgrp())
		return 0;
	if (tcgetattr(STDIN_FILENO, &saved_termios))
		return -errno;
	t = saved_termios;
	cfmakeraw(&t);
	t.c_oflag |= OPOST;	/* keep \n -> \r\n for the host's own log lines */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t))
		return -errno;
	termios_saved = 1;
	atexit(console_restore_terminal);
	restore_on_fatal_signals();
	return 0;
}

/* Give the UART what it can take from the pending input. */
static void feed_pending(struct vm *vm)
{
	size_t n;

	if (!con.pending_len)
		return;
	n = serial8250_receive(vm->dev.serial, con.pending, con.pending_len);
	memmove(con.pending, con.pending + n, con.pending_len - n);
	con.pending_len -= n;
}

static void on_input(struct loop_source *src, u32 events)
{
	struct vm *vm = src->ctx;
	u8 in[256], out[256];
	size_t n, room;
	ssize_t got;
	bool quit;

	(void)events;
	got = read(src->fd, in, sizeof(in));
	if (got <= 0) {
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* EOF (stdin closed or redirected from a file): keep running without input. */
		loop_del(&vm->loop, src);
		return;
	}
	/* Always read, so that Ctrl-A x works whatever the guest does with its UART. */
	n = console_filter(&con.esc, in, got, out, &quit);
	if (quit) {
		pr_info("Ctrl-A x: quitting");
		vm_request_stop(vm, VTLVM_EXIT_POWEROFF, "console quit");
		return;
	}
	room = PENDING_MAX - con.pending_len;
	if (n > room)
		pr_warn_ratelimited("guest is not reading COM1: %zu bytes of input dropped",
				    n - room);
	memcpy(con.pending + con.pending_len, out, MIN(n, room));
	con.pending_len += MIN(n, room);
	feed_pending(vm);
}

/* Runs under the UART lock on a vCPU thread: only wake the loop. */
static void uart_has_space(void *ctx)
{
	struct vm *vm = ctx;
	u64 one = 1;

	if (write(vm->space_src.fd, &one, sizeof(one)) < 0)
		pr_warn_ratelimited("cannot signal console space: %s", strerror(errno));
}

static void on_space(struct loop_source *src, u32 events)
{
	u64 v;

	(void)events;
	if (read(src->fd, &v, sizeof(v)) < 0)
		return;
	feed_pending(src->ctx);
}

/* Runs under the UART lock on a vCPU thread: only wake the writer. */
static void uart_has_output(void *ctx)
{
	u64 one = 1;

	(void)ctx;
	if (write(con.tx_efd, &one, sizeof(one)) < 0)
		pr_warn_ratelimited("cannot wake the console writer: %s", strerror(errno));
}

static bool write_all(const u8 *buf, size_t len)
{
	while (len) {
		ssize_t n = write(STDOUT_FILENO, buf, len);

		if (n < 0 && errno == EINTR && !atomic_load(&con.writer_stop))
			continue;
		if (n <= 0)
			return false;	/* EPIPE, or stopping: the rest is lost */
		buf += n;
		len -= n;
	}
	return true;
}

static void *console_writer(void *arg)
{
	struct serial8250 *uart = arg;
	sigset_t kick;
	u8 buf[1024];
	u64 v;

	/* The stop path interrupts a blocked write() with the kick signal. */
	sigemptyset(&kick);
	sigaddset(&kick, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);
	while (!atomic_load(&con.writer_stop)) {
		size_t n = serial8250_tx_take(uart, buf, sizeof(buf));

		if (n) {
			if (!write_all(buf, n))
				break;
			continue;
		}
		if (atomic_load(&con.writer_drain))
			break;
		if (read(con.tx_efd, &v, sizeof(v)) < 0 && errno != EINTR)
			break;
	}
	return NULL;
}

static int start_writer(struct vm *vm)
{
	int ret;

	con.tx_efd = eventfd(0, EFD_CLOEXEC);
	if (con.tx_efd < 0)
		return -errno;
	atomic_store(&con.writer_stop, false);
	atomic_store(&con.writer_drain, false);
	serial8250_set_tx_cb(vm->dev.serial, uart_has_output, vm);
	ret = pthread_create(&con.writer, NULL, console_writer, vm->dev.serial);
	if (ret)
		return -ret;
	con.writer_started = true;
	return 0;
}

/*
 * The guest's last words (a power-off message) may still be in the ring: let
 * the writer finish them, but never wait on a stdout that does not move.
 */
static void stop_writer(struct vm *vm)
{
	struct timespec deadline;
	u64 one = 1;

	if (!con.writer_started)
		return;
	atomic_store(&con.writer_drain, true);
	if (write(con.tx_efd, &one, sizeof(one)) < 0)
		pr_warn("cannot wake the console writer: %s", strerror(errno));
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_nsec += WRITER_DRAIN_MS * 1000000L;
	deadline.tv_sec += deadline.tv_nsec / 1000000000L;
	deadline.tv_nsec %= 1000000000L;
	if (pthread_timedjoin_np(con.writer, NULL, &deadline)) {
		atomic_store(&con.writer_stop, true);
		pthread_kill(con.writer, VCPU_KICK_SIGNAL);	/* out of a blocked write() */
		pthread_join(con.writer, NULL);
	}
	con.writer_started = false;
	serial8250_set_tx_cb(vm->dev.serial, NULL, NULL);
}

int console_stage_init(struct vm *vm)
{
	int ret;

	vm->console_src.fd = vm->space_src.fd = -1;
	con.pending_len = 0;
	con.esc = (struct console_escape) { 0 };
	if (vm->cfg->serial != SERIAL_STDIO)
		return 0;
	ret = start_writer(vm);
	if (ret)
		return ret;
	vm->space_src = (struct loop_source) {
		.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), .token = TOK_CONSOLE_SPACE,
		.fn = on_space, .ctx = vm,
	};
	if (vm->space_src.fd < 0)
		return -errno;
	ret = loop_add(&vm->loop, &vm->space_src, EPOLLIN);
	if (ret)
		return ret;
	serial8250_set_space_cb(vm->dev.serial, uart_has_space, vm);
	vm->console_src = (struct loop_source) {
		.fd = STDIN_FILENO, .token = TOK_CONSOLE_IN, .fn = on_input, .ctx = vm,
	};
	/* epoll refuses regular files (stdin from a file): then there is simply no input. */
	if (loop_add(&vm->loop, &vm->console_src, EPOLLIN)) {
		vm->console_src.fd = -1;
		return 0;
	}
	if (isatty(STDIN_FILENO) && terminal_raw())
		pr_warn("cannot put the terminal in raw mode: %s", strerror(errno));
	return 0;
}

void console_stage_exit(struct vm *vm)
{
	if (vm->dev.serial)
		stop_writer(vm);
	console_restore_terminal();
	if (vm->space_src.fd >= 0)
		close(vm->space_src.fd);
	if (con.tx_efd >= 0)
		close(con.tx_efd);
	con.tx_efd = -1;
	vm->space_src.fd = -1;
	vm->console_src.fd = -1;
}
