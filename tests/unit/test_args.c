// SPDX-License-Identifier: MIT
/* Unit tests for cli/args.c: args_parse() commands, flags and errors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/args.h"
#include "vmm/log.h"

#define MAX_ARGS 160

static char errbuf[1024];

/*
 * Parse a NULL-terminated list (argv[0] "vtlvm" added) with stderr captured
 * into errbuf. The argv strings stay alive: cli_args points into them.
 */
static int parse_v(struct cli_args *a, const char *const *words)
{
	static char *argv[MAX_ARGS + 2];
	FILE *tmp = tmpfile();
	int argc = 0, saved = dup(STDERR_FILENO), ret;
	size_t n;

	assert_non_null(tmp);
	argv[argc++] = (char *)"vtlvm";
	for (; words[argc - 1]; argc++) {
		assert_true(argc <= MAX_ARGS);
		argv[argc] = (char *)words[argc - 1];
	}
	argv[argc] = NULL;
	log_level = LOG_ERR;
	dup2(fileno(tmp), STDERR_FILENO);
	ret = args_parse(argc, argv, a);
	dup2(saved, STDERR_FILENO);
	close(saved);
	log_level = -1;
	rewind(tmp);
	n = fread(errbuf, 1, sizeof(errbuf) - 1, tmp);
	errbuf[n] = '\0';
	fclose(tmp);
	return ret;
}

#define PARSE(a, ...) parse_v(a, (const char *const[]) { __VA_ARGS__, NULL })
#define PARSE0(a) parse_v(a, (const char *const[]) { NULL })

static void test_args_parse_defaults(void **state)
{
	struct cli_args a;
	(void)state;

	memset(&a, 0x5a, sizeof(a));
	assert_int_equal(PARSE0(&a), 0);
	assert_int_equal(a.cmd, CMD_RUN);
	assert_null(a.config);
	assert_int_equal(a.nr_ov, 0);
	assert_false(a.print_config);
	assert_int_equal(a.test_fd, -1);
	assert_int_equal(a.verbosity, 0);
	assert_string_equal(errbuf, "");
}

static void test_args_parse_commands(void **state)
{
	static const struct { const char *word; enum cli_cmd cmd; } cases[] = {
		{ "run", CMD_RUN }, { "caps", CMD_CAPS }, { "help", CMD_HELP },
		{ "version", CMD_VERSION },
	};
	struct cli_args a;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(PARSE(&a, cases[i].word), 0);
		assert_int_equal(a.cmd, cases[i].cmd);
		assert_int_equal(PARSE(&a, cases[i].word, "-v"), 0);
		assert_int_equal(a.cmd, cases[i].cmd);
		assert_int_equal(a.verbosity, 1);
	}
	assert_int_equal(PARSE(&a, "caps", "--kvm-device", "/dev/null"), 0);
	assert_int_equal(a.cmd, CMD_CAPS);
	assert_int_equal(a.nr_ov, 1);
	assert_string_equal(a.ov[0].key, "vm:kvm_device");
}

static void test_args_parse_unknown_command(void **state)
{
	static const char *const words[] = { "boot", "Run", "runx", "", "caps2" };
	struct cli_args a;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(words); i++) {
		assert_int_equal(PARSE(&a, words[i]), -EINVAL);
		assert_non_null(strstr(errbuf, "unknown command"));
	}
	/* A command is only recognised first. */
	assert_int_equal(PARSE(&a, "-v", "caps"), -EINVAL);
	assert_non_null(strstr(errbuf, "unexpected argument 'caps'"));
}

static void test_args_parse_short_flags(void **state)
{
	static const struct { const char *opt, *key, *flag; } cases[] = {
		{ "-k", "boot:kernel", "kernel" }, { "-i", "boot:initrd", "initrd" },
		{ "-a", "boot:cmdline", "append" }, { "-m", "memory:size", "memory" },
	};
	struct cli_args a;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(PARSE(&a, "run", cases[i].opt, "VALUE"), 0);
		assert_int_equal(a.nr_ov, 1);
		assert_string_equal(a.ov[0].key, cases[i].key);
		assert_string_equal(a.ov[0].flag, cases[i].flag);
		assert_string_equal(a.ov[0].value, "VALUE");
	}
	/* Attached values, and -c for the config file. */
	assert_int_equal(PARSE(&a, "-m64M", "-cvm.ini", "-k", "k.elf"), 0);
	assert_string_equal(a.config, "vm.ini");
	assert_int_equal(a.nr_ov, 2);
	assert_string_equal(a.ov[0].value, "64M");
	assert_string_equal(a.ov[1].key, "boot:kernel");
}

/* Every schema flag, in both long forms, lands on its key; order is kept. */
static void test_args_parse_long_flags(void **state)
{
	static char opts[32][64], vals[32][16];
	const char *words[72];
	struct cli_args a;
	unsigned int n = 0, w = 0;
	const char *flag;
	(void)state;

	words[w++] = "run";
	for (; (flag = config_flag(n)); n++) {
		assert_true(n < 32);
		snprintf(vals[n], sizeof(vals[n]), "v%u", n);
		if (n % 2) {	/* --flag=value */
			snprintf(opts[n], sizeof(opts[n]), "--%s=%s", flag, vals[n]);
		} else {	/* --flag value */
			snprintf(opts[n], sizeof(opts[n]), "--%s", flag);
			words[w++] = opts[n];
			words[w++] = vals[n];
			continue;
		}
		words[w++] = opts[n];
	}
	words[w] = NULL;
	assert_int_equal(parse_v(&a, words), 0);
	assert_int_equal(a.nr_ov, n);
	for (unsigned int i = 0; i < n; i++) {
		assert_string_equal(a.ov[i].flag, config_flag(i));
		assert_string_equal(a.ov[i].key, config_key_for_flag(config_flag(i)));
		assert_string_equal(a.ov[i].value, vals[i]);
	}
	assert_int_equal(PARSE(&a, "--config", "x.ini", "--print-config", "--memory=1G"), 0);
	assert_string_equal(a.config, "x.ini");
	assert_true(a.print_config);
	assert_string_equal(a.ov[0].key, "memory:size");
	assert_string_equal(a.ov[0].value, "1G");
}

static void test_args_parse_verbosity(void **state)
{
	static const struct { const char *const words[5]; int v; } cases[] = {
		{ { "-v" }, 1 }, { { "-v", "-v" }, 2 }, { { "-vvv" }, 3 }, { { "-q" }, -1 },
		{ { "-v", "-q", "-q" }, -1 }, { { "--verbose", "--quiet", "--verbose" }, 1 },
		{ { "-vqv", "--quiet" }, 0 }, { { "run", "-qq" }, -2 },
	};
	struct cli_args a;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(parse_v(&a, cases[i].words), 0);
		assert_int_equal(a.verbosity, cases[i].v);
	}
}

static void test_args_parse_help_version(void **state)
{
	struct cli_args a;
	(void)state;

	assert_int_equal(PARSE(&a, "--help"), 0);
	assert_int_equal(a.cmd, CMD_HELP);
	assert_int_equal(PARSE(&a, "--version"), 0);
	assert_int_equal(a.cmd, CMD_VERSION);
	/* They stop parsing: what follows is not looked at. */
	assert_int_equal(PARSE(&a, "run", "--help", "--bogus", "stray"), 0);
	assert_int_equal(a.cmd, CMD_HELP);
	assert_int_equal(PARSE(&a, "caps", "-v", "--version", "-z"), 0);
	assert_int_equal(a.cmd, CMD_VERSION);
	assert_int_equal(a.verbosity, 1);
	/* ...but what precedes them is. */
	assert_int_equal(PARSE(&a, "--bogus", "--help"), -EINVAL);
}

static void test_args_parse_bad(void **state)
{
	static const struct { const char *const words[4]; const char *msg; } cases[] = {
		{ { "--bogus" }, "unknown option '--bogus'" },
		{ { "-z" }, "unknown option '-z'" },
		{ { "-vz" }, "unknown option '-z'" },
		{ { "-zv" }, "unknown option '-z'" },
		{ { "--help=1" }, "unknown option '--help=1'" },
		{ { "--verbose=2" }, "unknown option '--verbose=2'" },
		{ { "run", "--kernel" }, "--kernel: missing argument" },
		{ { "--config" }, "--config: missing argument" },
		{ { "--test-channel" }, "--test-channel: missing argument" },
		{ { "-k" }, "-k: missing argument" },
		{ { "-vc" }, "-c: missing argument" },
		{ { "run", "stray" }, "unexpected argument 'stray'" },
		{ { "run", "-k", "x", "y" }, "unexpected argument 'y'" },
		{ { "--memory", "1G", "extra" }, "unexpected argument 'extra'" },
	};
	struct cli_args a;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		int ret = parse_v(&a, cases[i].words);

		if (ret != -EINVAL || !strstr(errbuf, cases[i].msg))
			fail_msg("case %zu: ret %d, stderr '%s', want '%s'", i, ret, errbuf,
				 cases[i].msg);
		/* One line, and only printable text in it. */
		assert_int_equal(strchr(errbuf, '\n') - errbuf + 1, (long)strlen(errbuf));
		for (const char *p = errbuf; *p != '\n'; p++)
			assert_true(*p >= 0x20 && *p < 0x7f);
	}
}

/* getopt keeps state between calls: a parse that stopped inside "-zv" must not leak. */
static void test_args_parse_twice(void **state)
{
	static const char *const first[] = { "-zvvv", NULL };
	static const char *const second[] = { "-q", NULL };
	struct cli_args a;
	(void)state;

	assert_int_equal(parse_v(&a, first), -EINVAL);
	assert_int_equal(parse_v(&a, second), 0);
	assert_int_equal(a.verbosity, -1);
	assert_int_equal(PARSE(&a, "-m"), -EINVAL);
	assert_int_equal(PARSE(&a, "-v", "-m", "2M"), 0);
	assert_int_equal(a.verbosity, 1);
	assert_int_equal(a.nr_ov, 1);
}

static void test_args_parse_test_channel(void **state)
{
	int fds[2], closed_fd;
	char arg[32];
	struct cli_args a;
	(void)state;

	assert_int_equal(pipe(fds), 0);
	snprintf(arg, sizeof(arg), "fd:%d", fds[1]);
	assert_int_equal(PARSE(&a, "--test-channel", arg), 0);
	assert_int_equal(a.test_fd, fds[1]);
	snprintf(arg, sizeof(arg), "--test-channel=fd:%#x", fds[1]);
	assert_int_equal(PARSE(&a, arg), 0);
	assert_int_equal(a.test_fd, fds[1]);

	/* High enough that parse_v()'s own tmpfile() cannot reuse it. */
	closed_fd = fcntl(fds[0], F_DUPFD, 900);
	assert_true(closed_fd >= 900);
	close(closed_fd);
	snprintf(arg, sizeof(arg), "fd:%d", closed_fd);
	assert_int_equal(PARSE(&a, "--test-channel", arg), -EBADF);
	assert_non_null(strstr(errbuf, "is not open"));
	close(fds[0]);
	close(fds[1]);
}

static void test_args_parse_test_channel_syntax(void **state)
{
	static const char *const bad[] = {
		"3", "fd:", "fd:-1", "fd:+1", "fd: 1", "fd:x", "fd:1x", "FD:1", "pipe:1",
		"fd:2147483648", "fd:4294967296", "",
	};
	struct cli_args a;
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		if (PARSE(&a, "--test-channel", bad[i]) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(strstr(errbuf, "is not of the form fd:N"));
		assert_int_equal(a.test_fd, -1);
	}
}

static void test_args_parse_too_many_overrides(void **state)
{
	static const char *words[2 * ARGS_MAX_OVERRIDES + 4];
	struct cli_args a;
	unsigned int n = 0;
	(void)state;

	for (unsigned int i = 0; i < ARGS_MAX_OVERRIDES; i++) {
		words[n++] = "-m";
		words[n++] = "2M";
	}
	words[n] = NULL;
	assert_int_equal(parse_v(&a, words), 0);
	assert_int_equal(a.nr_ov, ARGS_MAX_OVERRIDES);
	words[n++] = "--cpus";
	words[n++] = "2";
	words[n] = NULL;
	assert_int_equal(parse_v(&a, words), -E2BIG);
	assert_non_null(strstr(errbuf, "--cpus: too many options"));
}

static void test_args_usage_lists_every_flag(void **state)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	const char *flag;
	(void)state;

	assert_non_null(f);
	args_usage(f);
	fclose(f);
	for (unsigned int i = 0; (flag = config_flag(i)); i++) {
		char opt[64];

		snprintf(opt, sizeof(opt), "--%s ", flag);
		if (!strstr(text, opt))
			fail_msg("usage does not mention %s", opt);
	}
	assert_non_null(strstr(text, "--test-channel fd:N"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_parse_defaults),
		cmocka_unit_test(test_args_parse_commands),
		cmocka_unit_test(test_args_parse_unknown_command),
		cmocka_unit_test(test_args_parse_short_flags),
		cmocka_unit_test(test_args_parse_long_flags),
		cmocka_unit_test(test_args_parse_verbosity),
		cmocka_unit_test(test_args_parse_help_version),
		cmocka_unit_test(test_args_parse_bad),
		cmocka_unit_test(test_args_parse_twice),
		cmocka_unit_test(test_args_parse_test_channel),
		cmocka_unit_test(test_args_parse_test_channel_syntax),
		cmocka_unit_test(test_args_parse_too_many_overrides),
		cmocka_unit_test(test_args_usage_lists_every_flag),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
