// SPDX-License-Identifier: MIT
#include "vmm/log.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "vmm/clock.h"

int log_level = LOG_INFO;

static const char *const level_names[] = {
	[LOG_ERR] = "error",
	[LOG_WARN] = "warning",
	[LOG_INFO] = "info",
	[LOG_DEBUG] = "debug",
};

const char *log_level_name(int level)
{
	if (level < 0 || level >= (int)ARRAY_SIZE(level_names))
		return "?";
	return level_names[level];
}

int log_parse_level(const char *s, int *level)
{
	static const struct { const char *name; int level; } names[] = {
		{ "error", LOG_ERR }, { "err", LOG_ERR },
		{ "warning", LOG_WARN }, { "warn", LOG_WARN },
		{ "info", LOG_INFO }, { "debug", LOG_DEBUG },
		{ "0", LOG_ERR }, { "1", LOG_WARN }, { "2", LOG_INFO }, { "3", LOG_DEBUG },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcasecmp(s, names[i].name)) {
			*level = names[i].level;
			return 0;
		}
	}
	return -EINVAL;
}

void log_printf(int level, const char *fmt, ...)
{
	char buf[1024];
	int n, saved_errno = errno;
	va_list ap;

	if (level > log_level)
		return;
	if (level == LOG_INFO)
		n = snprintf(buf, sizeof(buf), "vtlvm: ");
	else
		n = snprintf(buf, sizeof(buf), "vtlvm: %s: ", log_level_name(level));
	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 2)
		n = sizeof(buf) - 2;
	buf[n++] = '\n';
	/* One write so that lines from different threads never interleave. */
	if (write(STDERR_FILENO, buf, n) < 0) {
		/* nowhere left to report it */
	}
	errno = saved_errno;
}

bool ratelimit_allow(struct ratelimit *rl, u32 *suppressed)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	const u64 interval = LOG_RATELIMIT_INTERVAL_MS * 1000000ULL;
	u64 now = monotonic_ns();
	bool ok;

	pthread_mutex_lock(&lock);
	*suppressed = 0;
	if (!rl->window_start_ns || now - rl->window_start_ns >= interval) {
		*suppressed = rl->suppressed;
		rl->window_start_ns = now;
		rl->printed = 0;
		rl->suppressed = 0;
	}
	ok = rl->printed < LOG_RATELIMIT_BURST;
	if (ok)
		rl->printed++;
	else
		rl->suppressed++;
	pthread_mutex_unlock(&lock);
	return ok;
}
