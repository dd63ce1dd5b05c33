/* SPDX-License-Identifier: MIT */
/*
 * devices/testdev.h -- the test device: ucall records, debug console, test
 * exit and a null port (ports in devices/testdev_abi.h).
 *
 * With a test channel (--test-channel=fd:N) every record is written to fd N
 * as one text line, for the integration runner:
 *   sync <ns> <cpu> <stage> <value>
 *   assert <ns> <cpu> <file>:<line>: <msg>
 *   print <ns> <cpu> <msg>
 *   done <ns> <cpu>
 *   console <ns> <text>               (a debug-console line)
 *   exit <ns> <status>                (test-exit port)
 *   start <ns> <cpu>                  (the BSP is about to run its first instruction)
 * <ns> is CLOCK_MONOTONIC in nanoseconds. Without a channel, records are
 * logged instead. A malformed record (bad GPA) is logged and ignored.
 */
#ifndef VTLVM_TESTDEV_H
#define VTLVM_TESTDEV_H

#include <pthread.h>

#include "devices/bus.h"
#include "devices/platform.h"
#include "devices/testdev_abi.h"

struct testdev {
	pthread_mutex_t lock;
	const struct platform *plat;
	int channel_fd;		/* -1: log instead */
	char con_line[256];
	unsigned int con_len;
};

int testdev_init(struct testdev *t, struct bus *pio, const struct platform *plat,
		 int channel_fd) __must_check;
void testdev_exit(struct testdev *t);
/* Write "<event> <ns> <cpu>" to the channel, if there is one (VMM milestones). */
void testdev_note(struct testdev *t, const char *event, unsigned int cpu);
/* A counter for the channel's reader (benchmarks): "stat NAME VALUE". */
void testdev_stat(struct testdev *t, const char *name, u64 value);
/* Format one ucall as its channel line (without the newline); pure, for tests. */
int testdev_format_ucall(char *buf, size_t size, const struct ucall *uc, unsigned long long ns,
			 unsigned int cpu);

#endif /* VTLVM_TESTDEV_H */
