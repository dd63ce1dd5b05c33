/* SPDX-License-Identifier: MIT */
/*
 * vmm/loop.h -- the event loop: epoll over tagged sources.
 *
 * Runs on the main thread once the vCPUs are started. A source is an fd, a
 * token naming what it is (as in cloud-hypervisor's EpollDispatch) and a
 * callback. vCPU threads reach the loop only through eventfds; the loop never
 * blocks on a vCPU. loop_run() returns when a callback calls loop_quit().
 */
#ifndef VTLVM_LOOP_H
#define VTLVM_LOOP_H

#include "vmm/types.h"

enum loop_token {
	TOK_STOP,		/* eventfd: the VM is to stop */
	TOK_CONSOLE_IN,		/* stdin readable */
	TOK_CONSOLE_SPACE,	/* eventfd: the UART can take input again */
	TOK_SIGNAL,		/* signalfd: SIGINT, SIGTERM, SIGHUP */
	TOK_TIMER,		/* timerfd: vm:timeout */
};

struct loop_source {
	int fd;
	enum loop_token token;
	void (*fn)(struct loop_source *src, u32 events);
	void *ctx;
};

struct loop {
	int epfd;
	bool quit;
};

int loop_init(struct loop *loop) __must_check;
void loop_exit(struct loop *loop);
/* Watch src->fd for events (EPOLLIN...). src must outlive the loop. */
int loop_add(struct loop *loop, struct loop_source *src, u32 events) __must_check;
/* Change the events watched; 0 parks the source. */
int loop_mod(struct loop *loop, struct loop_source *src, u32 events) __must_check;
int loop_del(struct loop *loop, struct loop_source *src);
/* Dispatch events until loop_quit(); -errno if epoll fails. */
int loop_run(struct loop *loop) __must_check;
void loop_quit(struct loop *loop);

#endif /* VTLVM_LOOP_H */
