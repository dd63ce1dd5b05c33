// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "loop: " fmt
#include "vmm/loop.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "vmm/log.h"

int loop_init(struct loop *loop)
{
	loop->quit = false;
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	return loop->epfd < 0 ? -errno : 0;
}

void loop_exit(struct loop *loop)
{
	if (loop->epfd >= 0)
		close(loop->epfd);
	loop->epfd = -1;
}

static int loop_ctl(struct loop *loop, int op, struct loop_source *src, u32 events)
{
	struct epoll_event ev = { .events = events, .data.ptr = src };

	return epoll_ctl(loop->epfd, op, src->fd, &ev) ? -errno : 0;
}

int loop_add(struct loop *loop, struct loop_source *src, u32 events)
{
	return loop_ctl(loop, EPOLL_CTL_ADD, src, events);
}

int loop_mod(struct loop *loop, struct loop_source *src, u32 events)
{
	return loop_ctl(loop, EPOLL_CTL_MOD, src, events);
}

int loop_del(struct loop *loop, struct loop_source *src)
{
	return loop_ctl(loop, EPOLL_CTL_DEL, src, 0);
}

void loop_quit(struct loop *loop)
{
	loop->quit = true;
}

int loop_run(struct loop *loop)
{
	struct epoll_event evs[16];

	while (!loop->quit) {
		int n = epoll_wait(loop->epfd, evs, ARRAY_SIZE(evs), -1);

		if (n < 0) {
			/* The one place where the loop's EINTR is retried. */
			if (errno == EINTR)
				continue;
			pr_err("epoll_wait: %s", strerror(errno));
			return -errno;
		}
		for (int i = 0; i < n && !loop->quit; i++) {
			struct loop_source *src = evs[i].data.ptr;

			src->fn(src, evs[i].events);
		}
	}
	return 0;
}
