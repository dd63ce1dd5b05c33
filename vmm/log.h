/* SPDX-License-Identifier: MIT */
/*
 * vmm/log.h -- leveled logging on stderr.
 *
 * Each file may define pr_fmt() before including this header to prefix its
 * messages ("serial: "). Messages follow git's style: lowercase, no trailing
 * full stop, the error first. Anything a guest can trigger must use the
 * _ratelimited variants so that a guest cannot flood the log.
 *
 * The log is thread-safe: each message is written with one write(2).
 */
#ifndef VTLVM_LOG_H
#define VTLVM_LOG_H

#include <stdlib.h>

#include "vmm/types.h"

enum log_level {
	LOG_ERR,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
};

#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif

/* Current level; messages above it are dropped. Set once at start-up. */
extern int log_level;

void log_printf(int level, const char *fmt, ...) __printf(2, 3);
/* Parse "error", "warn", "info", "debug" (or 0-3); -EINVAL if unknown. */
int log_parse_level(const char *s, int *level) __must_check;
const char *log_level_name(int level);

/*
 * A window per call site: at most LOG_RATELIMIT_BURST messages in each
 * LOG_RATELIMIT_INTERVAL_MS window (as the kernel's ratelimit); the number
 * suppressed is reported with the first message of the next window.
 */
struct ratelimit {
	u64 window_start_ns;
	u32 printed;
	u32 suppressed;
};
#define LOG_RATELIMIT_BURST		10
#define LOG_RATELIMIT_INTERVAL_MS	5000
/* Returns true if the caller may print; *suppressed gets the count to report. */
bool ratelimit_allow(struct ratelimit *rl, u32 *suppressed);

#define pr_err(fmt, ...)	log_printf(LOG_ERR, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	log_printf(LOG_WARN, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	log_printf(LOG_INFO, pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)						\
	log_printf(LOG_DEBUG, "%s:%d: " pr_fmt(fmt), __func__, __LINE__, ##__VA_ARGS__)

#define pr_ratelimited(level, fmt, ...) do {				\
	static struct ratelimit rl_site_;				\
	u32 rl_suppressed_;						\
	if (ratelimit_allow(&rl_site_, &rl_suppressed_)) {		\
		if (rl_suppressed_)					\
			log_printf(level, pr_fmt("%u similar messages suppressed"), \
				   rl_suppressed_);				\
		log_printf(level, pr_fmt(fmt), ##__VA_ARGS__);		\
	}								\
} while (0)
#define pr_warn_ratelimited(fmt, ...) pr_ratelimited(LOG_WARN, fmt, ##__VA_ARGS__)
#define pr_err_ratelimited(fmt, ...)  pr_ratelimited(LOG_ERR, fmt, ##__VA_ARGS__)

/* An "impossible" state: log file:line and abort. */
#define BUG_ON(cond) do {						\
	if (__builtin_expect(!!(cond), 0)) {				\
		log_printf(LOG_ERR, "BUG at %s:%d: %s", __FILE__, __LINE__, #cond); \
		abort();						\
	}								\
} while (0)

#endif /* VTLVM_LOG_H */
