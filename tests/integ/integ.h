/* SPDX-License-Identifier: MIT */
/*
 * tests/integ/integ.h -- the integration runner's case tables.
 *
 * Each row of a table runs one fresh vtlvm process. Guest rows boot a
 * kernel with configs/test-guest.ini (unless they name another config) and
 * a test channel, then check the sync stages (in order), the absence of
 * guest asserts, the exit status and, optionally, text on stderr. CLI rows
 * run vtlvm with arguments only and check the status and stderr.
 *
 * Paths in rows are relative to the repository root; "@/" stands for the
 * build directory given to the runner.
 */
#ifndef VTLVM_INTEG_H
#define VTLVM_INTEG_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_ARGS	16
#define MAX_STAGES	16
#define ANY_VALUE	UINT64_MAX
#define PASS		1		/* a guest that ends with GUEST_DONE: exit port value 0 */

struct stage {
	uint64_t stage;
	uint64_t value;		/* ANY_VALUE: not checked */
};

/*
 * A guest that finds it cannot check what its row is about on this host
 * (the host lacks the property the check needs) syncs the row's skip stage,
 * with any value. The runner then compares no further stages, still checks
 * for asserts and the exit status, and reports the row as skipped, naming
 * the reason and the value: a skip is never a silent pass.
 */
struct skip_stage {
	uint64_t stage;		/* 0: the row never skips */
	const char *reason;
};

struct guest_case {
	const char *name;
	const char *kernel;			/* "@/guests/hello.elf" */
	const char *config;			/* NULL: configs/test-guest.ini */
	const char *args[MAX_ARGS];		/* extra vtlvm arguments */
	struct stage stages[MAX_STAGES];	/* expected syncs, in order; stage 0 ends */
	struct skip_stage skip;			/* "not checkable here" (see above) */
	bool expect_done;
	int status;				/* expected exit status */
	const char *stderr_has[4];		/* each must appear on stderr */
	const char *stdout_has;			/* must appear on stdout (serial) */
	int max_stderr_lines;			/* 0: no limit */
};

struct cli_case {
	const char *name;
	const char *args[MAX_ARGS];		/* after "vtlvm" */
	int status;
	const char *stderr_has[4];
	const char *stdout_has;
	bool needs_kvm;
};

extern const struct guest_case guest_cases[];
extern const unsigned int nr_guest_cases;
extern const struct guest_case hv_guest_cases[];	/* tests/integ/cases_hv.c */
extern const unsigned int nr_hv_guest_cases;
extern const struct guest_case vsm_guest_cases[];	/* tests/integ/cases_vsm.c */
extern const unsigned int nr_vsm_guest_cases;
extern const struct cli_case cli_cases[];
extern const unsigned int nr_cli_cases;

/* tests/integ/console.c: vtlvm on a pseudo-terminal; state is the build dir. */
void test_console_pty(void **state);
void test_sigterm(void **state);

#endif /* VTLVM_INTEG_H */
