// SPDX-License-Identifier: MIT
/*
 * The console on a real terminal: vtlvm runs on a pseudo-terminal, puts it
 * in raw mode, passes typed bytes to the guest's UART (interrupt-driven in
 * the echo guest), quits on Ctrl-A x with status 0 and leaves the terminal
 * exactly as it found it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/integ/integ.h"

/* Read from fd into buf (appending) until needle shows up or timeout_ms passes. */
static bool wait_for(int fd, char *buf, size_t size, size_t *len, const char *needle,
		     int timeout_ms)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		ssize_t n;

		buf[*len] = '\0';
		if (strstr(buf, needle))
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 >
		    timeout_ms)
			return false;
		if (poll(&p, 1, 100) <= 0)
			continue;
		n = read(fd, buf + *len, size - 1 - *len);
		if (n <= 0)
			return false;
		*len += n;
	}
}

static void spawn_on_pty(const char *build, int *master, int *chan, pid_t *pid)
{
	char vtlvm[512], kernel[512];
	int c[2];

	if (getenv("VTLVM_BIN"))
		snprintf(vtlvm, sizeof(vtlvm), "%s", getenv("VTLVM_BIN"));
	else
		snprintf(vtlvm, sizeof(vtlvm), "%s/vtlvm", build);
	snprintf(kernel, sizeof(kernel), "%s/guests/echo.elf", build);
	assert_int_equal(pipe(c), 0);
	*pid = forkpty(master, NULL, NULL, NULL);
	assert_true(*pid >= 0);
	if (*pid == 0) {
		close(c[0]);
		dup2(c[1], 3);
		execl(vtlvm, vtlvm, "run", "--config", "configs/test-guest.ini", "--kernel", kernel,
		      "--test-channel=fd:3", "-q", NULL);
		_exit(127);
	}
	close(c[1]);
	*chan = c[0];
}

void test_console_pty(void **state)
{
	const char *build = *state;
	char out[8192] = "", ch[8192] = "";
	size_t out_len = 0, ch_len = 0;
	struct termios before, after;
	int master, chan, wstatus;
	pid_t pid;

	if (access("/dev/kvm", R_OK | W_OK)) {
		print_message("skipped: cannot open /dev/kvm: guest tests need KVM\n");
		skip();
	}
	spawn_on_pty(build, &master, &chan, &pid);
	assert_true(wait_for(chan, ch, sizeof(ch), &ch_len, "sync", 20000));
	assert_true(wait_for(master, out, sizeof(out), &out_len, "ready", 20000));
	/* The terminal is raw while vtlvm runs: no echo, no line buffering. */
	assert_int_equal(tcgetattr(master, &before), 0);
	assert_false(before.c_lflag & (ICANON | ECHO));
	assert_int_equal(write(master, "hi\n", 3), 3);
	assert_true(wait_for(chan, ch, sizeof(ch), &ch_len, "sync", 20000));
	if (!wait_for(chan, ch, sizeof(ch), &ch_len, " 2 3\n", 20000))
		fail_msg("the guest did not get 3 bytes by interrupt; channel:\n%s", ch);
	assert_non_null(strstr(ch, " 10 104\n"));	/* 'h' */
	assert_non_null(strstr(ch, " 10 105\n"));	/* 'i' */
	assert_int_equal(write(master, "\001x", 2), 2);	/* Ctrl-A x */
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	assert_true(WIFEXITED(wstatus));
	assert_int_equal(WEXITSTATUS(wstatus), 0);
	/* Cooked mode again: vtlvm restored what it found (forkpty's defaults). */
	assert_int_equal(tcgetattr(master, &after), 0);
	assert_true(after.c_lflag & ICANON);
	assert_true(after.c_lflag & ECHO);
	close(master);
	close(chan);
}

/* SIGTERM stops the VM cleanly with status 128 + 15, whatever the guest does. */
void test_sigterm(void **state)
{
	const char *build = *state;
	char ch[4096] = "", out[256] = "";
	size_t ch_len = 0, out_len = 0;
	int master, chan, wstatus;
	pid_t pid;

	(void)out;
	(void)out_len;
	if (access("/dev/kvm", R_OK | W_OK)) {
		print_message("skipped: cannot open /dev/kvm: guest tests need KVM\n");
		skip();
	}
	spawn_on_pty(build, &master, &chan, &pid);
	assert_true(wait_for(chan, ch, sizeof(ch), &ch_len, "sync", 20000));
	assert_int_equal(kill(pid, SIGTERM), 0);
	assert_int_equal(waitpid(pid, &wstatus, 0), pid);
	assert_true(WIFEXITED(wstatus));
	assert_int_equal(WEXITSTATUS(wstatus), 128 + SIGTERM);
	close(master);
	close(chan);
}
