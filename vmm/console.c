// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "console: " fmt
#include "vmm/console.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <termios.h>
#include <unistd.h>

#include "devices/serial8250.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vm.h"

static struct termios saved_termios;
static volatile sig_atomic_t termios_saved;
static struct console_escape escape_state;

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
	signal(sig, SIG_DFL);
	raise(sig);
}

static int terminal_raw(void)
{
	static const int fatal[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
	struct termios t;

	if (tcgetattr(STDIN_FILENO, &saved_termios))
		return -errno;
	t = saved_termios;
	cfmakeraw(&t);
	t.c_oflag |= OPOST;	/* keep \n -> \r\n for the host's own log lines */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t))
		return -errno;
	termios_saved = 1;
	atexit(console_restore_terminal);
	for (size_t i = 0; i < ARRAY_SIZE(fatal); i++)
		signal(fatal[i], fatal_signal);
	return 0;
}

static void on_input(struct loop_source *src, u32 events)
{
	struct vm *vm = src->ctx;
	u8 in[64], out[64];
	size_t free_space, n;
	ssize_t got;
	bool quit;

	(void)events;
	pthread_mutex_lock(&vm->dev.serial->lock);
	free_space = SERIAL_RX_BUF - vm->dev.serial->rx_count;
	if (!free_space)
		vm->dev.serial->rx_throttled = true;
	pthread_mutex_unlock(&vm->dev.serial->lock);
	if (!free_space) {
		/* Park stdin until the guest drains the UART (space eventfd). */
		if (loop_mod(&vm->loop, src, 0))
			pr_warn("cannot park console input");
		return;
	}
	got = read(src->fd, in, MIN(sizeof(in), free_space));
	if (got <= 0) {
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		/* EOF (stdin closed or redirected from a file): keep running without input. */
		loop_del(&vm->loop, src);
		return;
	}
	n = console_filter(&escape_state, in, got, out, &quit);
	if (n)
		serial8250_receive(vm->dev.serial, out, n);
	if (quit) {
		pr_info("Ctrl-A x: quitting");
		vm_request_stop(vm, VTLVM_EXIT_POWEROFF, "console quit");
	}
}

/* Runs on a vCPU thread (UART read): only wake the loop. */
static void uart_has_space(void *ctx)
{
	struct vm *vm = ctx;
	u64 one = 1;

	if (write(vm->space_src.fd, &one, sizeof(one)) < 0)
		pr_warn_ratelimited("cannot signal console space: %s", strerror(errno));
}

static void on_space(struct loop_source *src, u32 events)
{
	struct vm *vm = src->ctx;
	u64 v;

	(void)events;
	if (read(src->fd, &v, sizeof(v)) < 0)
		return;
	if (vm->console_src.fd >= 0 && loop_mod(&vm->loop, &vm->console_src, EPOLLIN))
		pr_warn("cannot resume console input");
}

int console_stage_init(struct vm *vm)
{
	int ret;

	vm->console_src.fd = vm->space_src.fd = -1;
	if (vm->cfg->serial != SERIAL_STDIO)
		return 0;
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
	console_restore_terminal();
	if (vm->space_src.fd >= 0)
		close(vm->space_src.fd);
	vm->space_src.fd = -1;
	vm->console_src.fd = -1;
}
