/* SPDX-License-Identifier: MIT */
/*
 * cli/args.h -- the command line.
 *
 *   vtlvm run [--config FILE] [flags]     boot a VM
 *   vtlvm caps [--kvm-device PATH]        report the KVM capabilities vtlvm uses
 *   vtlvm --help | --version
 *
 * Flags that set configuration keys come from the schema in cli/config.c
 * and are kept as overrides, applied after the INI file.
 */
#ifndef VTLVM_ARGS_H
#define VTLVM_ARGS_H

#include <stdio.h>

#include "cli/config.h"

enum cli_cmd {
	CMD_RUN,
	CMD_CAPS,
	CMD_HELP,
	CMD_VERSION,
};

#define ARGS_MAX_OVERRIDES 64

struct cli_args {
	enum cli_cmd cmd;
	const char *config;
	struct cfg_override ov[ARGS_MAX_OVERRIDES];
	unsigned int nr_ov;
	bool print_config;
	int test_fd;		/* --test-channel fd:N, -1 if absent */
	int verbosity;		/* +1 per -v, -1 per -q */
};

/*
 * 0, or after printing one line that names the bad argument: -EINVAL, -EBADF
 * (--test-channel names a closed fd) or -E2BIG (over ARGS_MAX_OVERRIDES flags).
 * Safe to call more than once: getopt's state is reset each time.
 */
int args_parse(int argc, char **argv, struct cli_args *a) __must_check;
void args_usage(FILE *out);

#endif /* VTLVM_ARGS_H */
