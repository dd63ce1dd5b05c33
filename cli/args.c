// SPDX-License-Identifier: MIT
#include "cli/args.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <string.h>

#include "vmm/log.h"

enum {
	OPT_PRINT_CONFIG = 0x100,
	OPT_TEST_CHANNEL,
	OPT_HELP,
	OPT_VERSION,
	OPT_SCHEMA,	/* OPT_SCHEMA + i: the i-th schema flag */
};

/* Short options and the schema flags they stand for. */
static const struct { char c; const char *flag; } short_flags[] = {
	{ 'k', "kernel" }, { 'i', "initrd" }, { 'a', "append" }, { 'm', "memory" },
};

void args_usage(FILE *out)
{
	fprintf(out,
		"usage: vtlvm run [--config FILE] [options]\n"
		"       vtlvm caps [--kvm-device PATH]\n"
		"       vtlvm --help | --version\n\n"
		"run options (each overrides the key in brackets from the config file):\n");
	config_print_flag_help(out);
	fprintf(out,
		"  %-34s read settings from an INI file (see configs/)\n"
		"  %-34s print the effective configuration and exit\n"
		"  %-34s write test records to file descriptor N\n"
		"  %-34s more (-v) or fewer (-q) messages\n\n"
		"short options: -c config, -k kernel, -i initrd, -a append, -m memory\n"
		"console: Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A\n",
		"-c, --config FILE", "--print-config", "--test-channel fd:N", "-v, -q");
}

static int parse_test_channel(const char *s, int *fd)
{
	u32 n;

	if (strncmp(s, "fd:", 3) || config_parse_u32(s + 3, &n) || n > INT32_MAX) {
		pr_err("--test-channel: '%s' is not of the form fd:N", s);
		return -EINVAL;
	}
	if (fcntl((int)n, F_GETFD) < 0) {
		pr_err("--test-channel: file descriptor %u is not open", n);
		return -EBADF;
	}
	*fd = n;
	return 0;
}

static int add_override(struct cli_args *a, const char *flag, const char *value)
{
	if (a->nr_ov == ARGS_MAX_OVERRIDES) {
		pr_err("--%s: too many options", flag);
		return -E2BIG;
	}
	a->ov[a->nr_ov++] = (struct cfg_override) {
		.key = config_key_for_flag(flag), .value = value, .flag = flag,
	};
	return 0;
}

static const char *short_flag(int c)
{
	for (size_t i = 0; i < ARRAY_SIZE(short_flags); i++)
		if (short_flags[i].c == c)
			return short_flags[i].flag;
	return NULL;
}

/* The long options: fixed ones, then one per schema flag. */
static void build_options(struct option *opts, size_t max)
{
	static const struct option fixed[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "print-config", no_argument, NULL, OPT_PRINT_CONFIG },
		{ "test-channel", required_argument, NULL, OPT_TEST_CHANNEL },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
	};
	size_t n = 0;
	const char *flag;

	for (; n < ARRAY_SIZE(fixed); n++)
		opts[n] = fixed[n];
	for (unsigned int i = 0; (flag = config_flag(i)) && n + 1 < max; i++, n++)
		opts[n] = (struct option) { flag, required_argument, NULL, OPT_SCHEMA + i };
	opts[n] = (struct option) { 0 };
}

/*
 * Report getopt's ':' (missing argument) or '?' (unknown option). For a long
 * option optopt is 0 or the option's val, which is no character to print, so
 * name the word itself; a short option may sit inside a group ("-vz").
 */
static int bad_option(int c, char **argv)
{
	const char *word = argv[optind - 1];
	bool is_long;

	if (c == ':')	/* optind has moved past the option's word */
		is_long = !strncmp(word, "--", 2);
	else		/* 'c', 'v' and 'q' only fail as --config, --verbose, --quiet */
		is_long = !optopt || optopt >= OPT_PRINT_CONFIG || strchr("cvq", optopt);
	if (c == ':' && is_long)
		pr_err("%s: missing argument (see vtlvm --help)", word);
	else if (c == ':')
		pr_err("-%c: missing argument (see vtlvm --help)", optopt);
	else if (is_long)
		pr_err("unknown option '%s' (see vtlvm --help)", word);
	else
		pr_err("unknown option '-%c' (see vtlvm --help)", optopt);
	return -EINVAL;
}

/* One getopt result; 1 means "stop: help or version". */
static int handle_opt(struct cli_args *a, int c, char **argv)
{
	const char *flag;

	switch (c) {
	case 'c':		a->config = optarg; return 0;
	case 'v':		a->verbosity++; return 0;
	case 'q':		a->verbosity--; return 0;
	case OPT_PRINT_CONFIG:	a->print_config = true; return 0;
	case OPT_TEST_CHANNEL:	return parse_test_channel(optarg, &a->test_fd);
	case OPT_HELP:		a->cmd = CMD_HELP; return 1;
	case OPT_VERSION:	a->cmd = CMD_VERSION; return 1;
	case ':':
	case '?':
		return bad_option(c, argv);
	}
	flag = c >= OPT_SCHEMA ? config_flag(c - OPT_SCHEMA) : short_flag(c);
	if (!flag) {
		pr_err("unexpected option (see vtlvm --help)");
		return -EINVAL;
	}
	return add_override(a, flag, optarg);
}

static int parse_command(const char *word, enum cli_cmd *cmd)
{
	if (!strcmp(word, "run"))
		*cmd = CMD_RUN;
	else if (!strcmp(word, "caps"))
		*cmd = CMD_CAPS;
	else if (!strcmp(word, "help"))
		*cmd = CMD_HELP;
	else if (!strcmp(word, "version"))
		*cmd = CMD_VERSION;
	else
		return -EINVAL;
	return 0;
}

int args_parse(int argc, char **argv, struct cli_args *a)
{
	struct option opts[64];
	int c, ret;

	*a = (struct cli_args) { .cmd = CMD_RUN, .test_fd = -1 };
	build_options(opts, ARRAY_SIZE(opts));
	if (argc > 1 && argv[1][0] != '-') {
		if (parse_command(argv[1], &a->cmd)) {
			pr_err("unknown command '%s' (commands: run, caps)", argv[1]);
			return -EINVAL;
		}
		argv++;
		argc--;
	}
	/* 0, not 1: glibc then also forgets a half-parsed "-xyz" from an earlier call. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:c:k:i:a:m:vq", opts, NULL)) != -1) {
		ret = handle_opt(a, c, argv);
		if (ret)
			return ret > 0 ? 0 : ret;
	}
	if (optind < argc) {
		pr_err("unexpected argument '%s' (see vtlvm --help)", argv[optind]);
		return -EINVAL;
	}
	return 0;
}
