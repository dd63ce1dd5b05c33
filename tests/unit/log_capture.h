/* SPDX-License-Identifier: MIT */
/*
 * log_capture.h -- keep the last log line a unit test provoked.
 *
 * Including this wraps log_printf (the Makefile links a test with
 * -Wl,--wrap=X for every __wrap_X in the test or a tests/unit header it
 * includes), so a test can assert that an error names what it should.
 */
#ifndef VTLVM_TEST_LOG_CAPTURE_H
#define VTLVM_TEST_LOG_CAPTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static char last_log[1024];

void __wrap_log_printf(int level, const char *fmt, ...) __printf(2, 3);
void __wrap_log_printf(int level, const char *fmt, ...)
{
	va_list ap;

	(void)level;
	va_start(ap, fmt);
	vsnprintf(last_log, sizeof(last_log), fmt, ap);
	va_end(ap);
}

/* The last message names the file (or key) and says why. */
static inline void assert_logged(const char *path, const char *what)
{
	if (!strstr(last_log, path) || !strstr(last_log, what))
		fail_msg("message \"%s\" lacks \"%s\" or \"%s\"", last_log, path, what);
}

#endif
