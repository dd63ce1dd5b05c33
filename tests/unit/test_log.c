// SPDX-License-Identifier: MIT
/* Unit tests for vmm/log.c: level names, message format, rate limiting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm/log.h"

#define INTERVAL_NS (LOG_RATELIMIT_INTERVAL_MS * 1000000ULL)

static void test_log_parse_level(void **state)
{
	static const struct { const char *s; int ret, level; } cases[] = {
		{ "error", 0, LOG_ERR }, { "err", 0, LOG_ERR }, { "ERROR", 0, LOG_ERR },
		{ "warning", 0, LOG_WARN }, { "warn", 0, LOG_WARN }, { "Warn", 0, LOG_WARN },
		{ "info", 0, LOG_INFO }, { "debug", 0, LOG_DEBUG }, { "DEBUG", 0, LOG_DEBUG },
		{ "0", 0, LOG_ERR }, { "1", 0, LOG_WARN }, { "2", 0, LOG_INFO }, { "3", 0, LOG_DEBUG },
		{ "4", -EINVAL, 0 }, { "-1", -EINVAL, 0 }, { "", -EINVAL, 0 }, { "inf", -EINVAL, 0 },
		{ "debugx", -EINVAL, 0 }, { " info", -EINVAL, 0 }, { "info ", -EINVAL, 0 },
		{ "00", -EINVAL, 0 }, { "trace", -EINVAL, 0 },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int level = 99;
		int ret = log_parse_level(cases[i].s, &level);

		if (ret != cases[i].ret || level != (ret ? 99 : cases[i].level))
			fail_msg("'%s': ret %d level %d", cases[i].s, ret, level);
	}
}

static void test_log_level_name(void **state)
{
	(void)state;

	assert_string_equal(log_level_name(LOG_ERR), "error");
	assert_string_equal(log_level_name(LOG_WARN), "warning");
	assert_string_equal(log_level_name(LOG_INFO), "info");
	assert_string_equal(log_level_name(LOG_DEBUG), "debug");
	assert_string_equal(log_level_name(-1), "?");
	assert_string_equal(log_level_name(LOG_DEBUG + 1), "?");
	/* Every name parses back to its level. */
	for (int l = LOG_ERR; l <= LOG_DEBUG; l++) {
		int back = -1;

		assert_int_equal(log_parse_level(log_level_name(l), &back), 0);
		assert_int_equal(back, l);
	}
}

/* ---- log_printf() with stderr captured ------------------------------------------- */

static char captured[4096];
static size_t captured_len;
static FILE *cap;
static int saved_stderr;

static void capture_start(void)
{
	cap = tmpfile();
	assert_non_null(cap);
	saved_stderr = dup(STDERR_FILENO);
	dup2(fileno(cap), STDERR_FILENO);
}

static const char *capture_end(void)
{
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	rewind(cap);
	captured_len = fread(captured, 1, sizeof(captured) - 1, cap);
	captured[captured_len] = '\0';
	fclose(cap);
	return captured;
}

static void test_log_printf_format(void **state)
{
	(void)state;

	log_level = LOG_WARN;
	capture_start();
	log_printf(LOG_ERR, "cannot map gpa %#x: %s", 0x1000, "no");
	log_printf(LOG_WARN, "w%d", 2);
	log_printf(LOG_INFO, "dropped");
	log_printf(LOG_DEBUG, "dropped too");
	assert_string_equal(capture_end(),
			    "vtlvm: error: cannot map gpa 0x1000: no\nvtlvm: warning: w2\n");

	log_level = LOG_DEBUG;
	capture_start();
	log_printf(LOG_INFO, "booting");
	log_printf(LOG_DEBUG, "x=%u", 7u);
	assert_string_equal(capture_end(), "vtlvm: booting\nvtlvm: debug: x=7\n");

	log_level = LOG_ERR;
	capture_start();
	pr_warn("quiet");
	pr_err("loud");
	assert_string_equal(capture_end(), "vtlvm: error: loud\n");
	log_level = -1;
}

static void test_log_printf_long_line(void **state)
{
	static char msg[2000];
	(void)state;

	memset(msg, 'x', sizeof(msg) - 1);
	log_level = LOG_ERR;
	capture_start();
	log_printf(LOG_ERR, "%s", msg);
	log_printf(LOG_ERR, "next");
	capture_end();
	log_level = -1;
	/* Cut to one 1023-byte line that still ends in a newline; the next line is whole. */
	assert_int_equal(strchr(captured, '\n') - captured, 1022);
	assert_string_equal(captured + 1023, "vtlvm: error: next\n");
	assert_int_equal(strspn(captured + strlen("vtlvm: error: "), "x"),
			 1022 - strlen("vtlvm: error: "));
}

static void test_log_printf_keeps_errno(void **state)
{
	int fd2 = dup(STDERR_FILENO);
	(void)state;

	log_level = LOG_ERR;
	close(STDERR_FILENO);		/* the write itself fails with EBADF */
	errno = ENOENT;
	log_printf(LOG_ERR, "x");
	assert_int_equal(errno, ENOENT);
	dup2(fd2, STDERR_FILENO);
	close(fd2);
	errno = EAGAIN;
	log_printf(LOG_DEBUG, "filtered");
	assert_int_equal(errno, EAGAIN);
	log_level = -1;
}

/* ---- ratelimit_allow() ------------------------------------------------------------ */

static void test_ratelimit_burst(void **state)
{
	struct ratelimit rl = { 0 };
	u32 supp = 99;
	(void)state;

	for (int i = 0; i < LOG_RATELIMIT_BURST; i++) {
		assert_true(ratelimit_allow(&rl, &supp));
		assert_int_equal(supp, 0);
	}
	assert_true(rl.window_start_ns != 0);
	for (int i = 0; i < 5; i++) {
		supp = 99;
		assert_false(ratelimit_allow(&rl, &supp));
		assert_int_equal(supp, 0);
	}
	assert_int_equal(rl.suppressed, 5);
	assert_int_equal(rl.printed, LOG_RATELIMIT_BURST);
}

static void test_ratelimit_new_window(void **state)
{
	struct ratelimit rl = { 0 };
	u32 supp;
	(void)state;

	for (int i = 0; i < LOG_RATELIMIT_BURST + 7; i++)
		ratelimit_allow(&rl, &supp);
	/* Not quite a full interval later: still the same window. */
	rl.window_start_ns -= INTERVAL_NS - 1000000000ULL;
	assert_false(ratelimit_allow(&rl, &supp));
	assert_int_equal(supp, 0);
	assert_int_equal(rl.suppressed, 8);

	/* A new window: the first message through reports what was dropped, once. */
	rl.window_start_ns -= INTERVAL_NS;
	assert_true(ratelimit_allow(&rl, &supp));
	assert_int_equal(supp, 8);
	assert_int_equal(rl.suppressed, 0);
	for (int i = 1; i < LOG_RATELIMIT_BURST; i++) {
		assert_true(ratelimit_allow(&rl, &supp));
		assert_int_equal(supp, 0);
	}
	assert_false(ratelimit_allow(&rl, &supp));

	/* A window in which nothing was dropped reports nothing. */
	rl = (struct ratelimit) { 0 };
	assert_true(ratelimit_allow(&rl, &supp));
	rl.window_start_ns -= INTERVAL_NS;
	assert_true(ratelimit_allow(&rl, &supp));
	assert_int_equal(supp, 0);
}

static void test_ratelimit_independent(void **state)
{
	struct ratelimit a = { 0 }, b = { 0 };
	u32 supp;
	(void)state;

	for (int i = 0; i < LOG_RATELIMIT_BURST; i++)
		assert_true(ratelimit_allow(&a, &supp));
	assert_false(ratelimit_allow(&a, &supp));
	assert_true(ratelimit_allow(&b, &supp));
	assert_int_equal(b.printed, 1);
	assert_int_equal(a.suppressed, 1);
}

/* The macro: one call site, one bucket. */
static void warn_many(int n)
{
	for (int i = 0; i < n; i++)
		pr_warn_ratelimited("guest poked port %d", i);
}

static void test_ratelimit_macro(void **state)
{
	unsigned int lines = 0;
	(void)state;

	log_level = LOG_WARN;
	capture_start();
	warn_many(LOG_RATELIMIT_BURST + 20);
	capture_end();
	log_level = -1;
	for (const char *p = captured; (p = strchr(p, '\n')); p++)
		lines++;
	assert_int_equal(lines, LOG_RATELIMIT_BURST);
	assert_non_null(strstr(captured, "guest poked port 9\n"));
	assert_null(strstr(captured, "guest poked port 10\n"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_parse_level),
		cmocka_unit_test(test_log_level_name),
		cmocka_unit_test(test_log_printf_format),
		cmocka_unit_test(test_log_printf_long_line),
		cmocka_unit_test(test_log_printf_keeps_errno),
		cmocka_unit_test(test_ratelimit_burst),
		cmocka_unit_test(test_ratelimit_new_window),
		cmocka_unit_test(test_ratelimit_independent),
		cmocka_unit_test(test_ratelimit_macro),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
