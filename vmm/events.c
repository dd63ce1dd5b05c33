// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "events: " fmt
#include "vmm/events.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

static void on_stop(struct loop_source *src, u32 events)
{
	struct vm *vm = src->ctx;
	u64 v;

	(void)events;
	if (read(src->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		pr_err("stop eventfd: %s", strerror(errno));
	loop_quit(&vm->loop);
}

static void on_signal(struct loop_source *src, u32 events)
{
	struct signalfd_siginfo si;

	(void)events;
	if (read(src->fd, &si, sizeof(si)) != sizeof(si))
		return;
	pr_info("%s received, stopping the VM", strsignal(si.ssi_signo));
	vm_request_stop(src->ctx, VTLVM_EXIT_SIGNAL_BASE + si.ssi_signo, "signal");
}

static void on_timer(struct loop_source *src, u32 events)
{
	struct vm *vm = src->ctx;
	u64 expirations;

	(void)events;
	if (read(src->fd, &expirations, sizeof(expirations)) < 0)
		return;
	pr_err("timeout: the guest was still running after %u s (vm:timeout)",
	       vm->cfg->timeout_s);
	vm_request_stop(vm, VTLVM_EXIT_TIMEOUT, "timeout");
}

static int add_source(struct vm *vm, struct loop_source *src, int fd, enum loop_token tok,
		      void (*fn)(struct loop_source *, u32))
{
	*src = (struct loop_source) { .fd = fd, .token = tok, .fn = fn, .ctx = vm };
	return loop_add(&vm->loop, src, EPOLLIN);
}

static int setup_signals(struct vm *vm)
{
	sigset_t set;
	int fd;

	/*
	 * Every signal that would end the process by default and that a user may
	 * send comes through the loop, so the VM stops cleanly and the terminal
	 * is restored; faults are handled in vmm/console.c.
	 */
	static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR2, SIGALRM };
	int ret;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(stop_signals); i++)
		sigaddset(&set, stop_signals[i]);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	ret = pthread_sigmask(SIG_BLOCK, &set, &vm->saved_sigmask);
	if (ret)
		return -ret;
	vm->sigmask_saved = true;
	sigdelset(&set, VCPU_KICK_SIGNAL);
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	return add_source(vm, &vm->signal_src, fd, TOK_SIGNAL, on_signal);
}

static int setup_timeout(struct vm *vm)
{
	struct itimerspec its = { .it_value.tv_sec = vm->cfg->timeout_s };
	int fd;

	if (!vm->cfg->timeout_s)
		return 0;
	fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (timerfd_settime(fd, 0, &its, NULL)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return add_source(vm, &vm->timer_src, fd, TOK_TIMER, on_timer);
}

int events_stage_init(struct vm *vm)
{
	int ret;

	vm->signal_src.fd = vm->timer_src.fd = -1;
	ret = vcpu_signals_init();
	if (!ret)
		ret = loop_init(&vm->loop);
	if (ret)
		return ret;
	vm->stop_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (vm->stop_efd < 0)
		return -errno;
	ret = add_source(vm, &vm->stop_src, vm->stop_efd, TOK_STOP, on_stop);
	if (!ret)
		ret = setup_signals(vm);
	if (!ret)
		ret = setup_timeout(vm);
	if (ret)
		pr_err("cannot set up the event loop: %s", strerror(-ret));
	return ret;
}

void events_stage_exit(struct vm *vm)
{
	if (vm->sigmask_saved)
		pthread_sigmask(SIG_SETMASK, &vm->saved_sigmask, NULL);
	vm->sigmask_saved = false;
	if (vm->timer_src.fd >= 0)
		close(vm->timer_src.fd);
	if (vm->signal_src.fd >= 0)
		close(vm->signal_src.fd);
	if (vm->stop_efd >= 0)
		close(vm->stop_efd);
	vm->timer_src.fd = vm->signal_src.fd = vm->stop_efd = -1;
	loop_exit(&vm->loop);
}
