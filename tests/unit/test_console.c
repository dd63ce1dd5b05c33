// SPDX-License-Identifier: MIT
/* Unit tests for vmm/console.c: the Ctrl-A escape filter. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "vmm/console.h"
#include "vmm/log.h"

#define A "\x01"	/* Ctrl-A */

struct filter_case {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	const char *out;
	size_t out_len;		/* 0: strlen(out) */
	bool quit, pending;
};

static void run_case(struct console_escape *esc, const struct filter_case *c, size_t idx)
{
	size_t len = c->len ? c->len : strlen(c->in);
	size_t want = c->out_len ? c->out_len : strlen(c->out);
	u8 out[64];
	bool quit = !c->quit;	/* must be overwritten either way */
	size_t n;

	memset(out, 0xcc, sizeof(out));
	n = console_filter(esc, (const u8 *)c->in, len, out, &quit);
	if (n != want || memcmp(out, c->out, want))
		fail_msg("case %zu: %zu bytes out, want %zu", idx, n, want);
	assert_int_equal(out[n], 0xcc);	/* nothing written past the count */
	assert_int_equal(quit, c->quit);
	assert_int_equal(esc->pending, c->pending);
}

static void test_console_filter_single_calls(void **state)
{
	static const struct filter_case cases[] = {
		{ "abc", 0, "abc", 0, false, false },
		{ "", 0, "", 0, false, false },
		{ A "x", 0, "", 0, true, false },
		{ A "X", 0, "", 0, true, false },
		{ "ab" A "xcd", 0, "ab", 0, true, false },	/* output stops at the quit */
		{ A A, 0, A, 0, false, false },
		{ "a" A A "b", 0, "a" A "b", 0, false, false },
		{ A A "x", 0, A "x", 0, false, false },	/* the x is literal after Ctrl-A Ctrl-A */
		{ A A A "x", 0, A, 0, true, false },
		{ A "c", 0, "", 0, false, false },		/* other escapes are swallowed */
		{ "a" A "zb" A "hc", 0, "abc", 0, false, false },
		{ A "\x03" "q", 0, "q", 0, false, false },
		{ "a" A, 0, "a", 0, false, true },		/* escape left pending */
		{ "a\0b\r\n\x7f", 6, "a\0b\r\n\x7f", 6, false, false },	/* binary passes */
		{ A "\0", 2, "", 0, false, false },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct console_escape esc = { false };

		run_case(&esc, &cases[i], i);
	}
}

/* The escape state carries over between reads: Ctrl-A may end one read. */
static void test_console_filter_split(void **state)
{
	static const struct filter_case seqs[][3] = {
		{ { "ab" A, 0, "ab", 0, false, true }, { "x", 0, "", 0, true, false } },
		{ { A, 0, "", 0, false, true }, { A "y", 0, A "y", 0, false, false } },
		{ { A, 0, "", 0, false, true }, { "k", 0, "", 0, false, false },
		  { "x", 0, "x", 0, false, false } },
		{ { A, 0, "", 0, false, true }, { "", 0, "", 0, false, true },
		  { "X" "more", 0, "", 0, true, false } },
		{ { "z" A, 0, "z", 0, false, true }, { A A, 0, A, 0, false, true },
		  { A, 0, A, 0, false, false } },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(seqs); i++) {
		struct console_escape esc = { false };

		for (size_t j = 0; j < 3 && seqs[i][j].in; j++)
			run_case(&esc, &seqs[i][j], i * 10 + j);
	}
}

/* After a quit the state is clean: a new session starts without a pending escape. */
static void test_console_filter_after_quit(void **state)
{
	static const struct filter_case quit = { A "x" A, 0, "", 0, true, false };
	static const struct filter_case next = { "x", 0, "x", 0, false, false };
	struct console_escape esc = { false };
	(void)state;

	run_case(&esc, &quit, 0);
	run_case(&esc, &next, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_console_filter_single_calls),
		cmocka_unit_test(test_console_filter_split),
		cmocka_unit_test(test_console_filter_after_quit),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("console", tests, NULL, NULL);
}
