/* SPDX-License-Identifier: MIT */
/*
 * cli/config.h -- building a struct vm_config from the schema defaults, an
 * INI file and command-line overrides, in that order of precedence (lowest
 * first).
 *
 * One schema table (cli/config.c) holds every key with its type, default,
 * command-line flag and help text; the INI file, the flags and
 * --print-config all come from it. This file is
 * the only one that sees iniparser.
 *
 * Every error is reported as one line naming its source, either the file
 * and line ("vm.ini:7: memory:size: ...") or the flag ("--memory: ..."),
 * and all errors are collected before giving up.
 */
#ifndef VTLVM_CLI_CONFIG_H
#define VTLVM_CLI_CONFIG_H

#include <stdio.h>

#include "vmm/config.h"

/* A value given on the command line for a schema key. */
struct cfg_override {
	const char *key;	/* "section:name" */
	const char *value;
	const char *flag;	/* "--memory", for messages */
};

/*
 * Fill cfg: defaults, then ini_path (if not NULL), then the overrides, each
 * value checked against its key. Returns 0, or -EINVAL after printing every
 * problem found. Checks across keys are cli/main.c's (validate_run).
 */
int config_load(struct vm_config *cfg, const char *ini_path, const struct cfg_override *ov,
		unsigned int nr_ov) __must_check;
void config_free(struct vm_config *cfg);
/* The effective configuration as an INI file, with each key's help. */
void config_print(const struct vm_config *cfg, FILE *out);
/* The schema key a long flag ("memory") sets, or NULL. */
const char *config_key_for_flag(const char *flag);
/* The i-th long flag that sets a schema key, or NULL past the last. */
const char *config_flag(unsigned int i);
/* Help lines for the flags that set schema keys. */
void config_print_flag_help(FILE *out);

/* Parsers, exposed for unit tests. All reject trailing junk and overflow. */
int config_parse_size(const char *s, u64 *out) __must_check;	/* "256M", "1G", "4096" */
int config_parse_u32(const char *s, u32 *out) __must_check;
int config_parse_bool(const char *s, bool *out) __must_check;

#endif /* VTLVM_CLI_CONFIG_H */
