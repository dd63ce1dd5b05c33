// SPDX-License-Identifier: MIT
/*
 * The integration runner: one cmocka test per row of tests/integ/cases.c,
 * each in a fresh vtlvm process.
 *
 * usage: run_guest BUILD_DIR [NAME-SUBSTRING]
 * VTLVM_BIN=path runs another vtlvm binary (the sanitizer build) on the same cases.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/integ/integ.h"

#define RUN_TIMEOUT_S 120	/* a hung vtlvm is killed after this */
#define OUT_MAX (1 << 20)

static const char *build_dir;
static char vtlvm_bin[512];	/* $VTLVM_BIN, or BUILD_DIR/vtlvm */
static char kvm_skip_reason[256];

struct output {
	char *buf;
	size_t len;
};

struct result {
	int status;		/* exit status, or 128 + signal */
	struct output out, err, chan;
};

static void out_append(struct output *o, const char *data, size_t n)
{
	if (o->len + n > OUT_MAX)
		n = OUT_MAX - o->len;
	o->buf = realloc(o->buf, o->len + n + 1);
	assert_non_null(o->buf);
	memcpy(o->buf + o->len, data, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static void result_free(struct result *r)
{
	free(r->out.buf);
	free(r->err.buf);
	free(r->chan.buf);
}

/*
 * "@/" at the start of s or after a comma (multiboot module lists) becomes
 * "<build>/"; the result lives in buf.
 */
static const char *expand(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *p = s; *p && n + 1 < size; p++) {
		if (p[0] == '@' && p[1] == '/' && (p == s || p[-1] == ',')) {
			n += snprintf(buf + n, size - n, "%s/", build_dir);
			p++;
			continue;
		}
		buf[n++] = *p;
	}
	buf[n < size ? n : size - 1] = '\0';
	return buf;
}

static void child_exec(char **argv, int out_fd, int err_fd, int chan_fd)
{
	int devnull = open("/dev/null", O_RDONLY);

	dup2(devnull, STDIN_FILENO);
	dup2(out_fd, STDOUT_FILENO);
	dup2(err_fd, STDERR_FILENO);
	if (chan_fd >= 0)
		dup2(chan_fd, 3);
	execv(argv[0], argv);
	fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* Read the three pipes until EOF; kill the child if it runs too long. */
static void collect(pid_t pid, int fds[3], struct result *r)
{
	struct output *outs[3] = { &r->out, &r->err, &r->chan };
	time_t deadline = time(NULL) + RUN_TIMEOUT_S;
	int open_fds = 3, wstatus;

	while (open_fds) {
		struct pollfd p[3];
		char buf[4096];

		for (int i = 0; i < 3; i++)
			p[i] = (struct pollfd) { .fd = fds[i], .events = POLLIN };
		if (poll(p, 3, 1000) < 0 && errno != EINTR)
			break;
		if (time(NULL) > deadline) {
			kill(pid, SIGKILL);
			print_error("vtlvm ran longer than %d s: killed\n", RUN_TIMEOUT_S);
			deadline = time(NULL) + 3600;
		}
		for (int i = 0; i < 3; i++) {
			ssize_t n;

			if (fds[i] < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			n = read(fds[i], buf, sizeof(buf));
			if (n > 0) {
				out_append(outs[i], buf, n);
			} else {
				close(fds[i]);
				fds[i] = -1;
				open_fds--;
			}
		}
	}
	waitpid(pid, &wstatus, 0);
	r->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

static void run_vtlvm(char **argv, bool channel, struct result *r)
{
	int out[2], err[2], chan[2] = { -1, -1 }, fds[3];
	pid_t pid;

	memset(r, 0, sizeof(*r));
	out_append(&r->out, "", 0);
	out_append(&r->err, "", 0);
	out_append(&r->chan, "", 0);
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(err), 0);
	/* Without a channel, an empty one keeps the loop simple. */
	assert_int_equal(pipe(chan), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(out[0]);
		close(err[0]);
		close(chan[0]);
		child_exec(argv, out[1], err[1], channel ? chan[1] : -1);
	}
	close(out[1]);
	close(err[1]);
	close(chan[1]);
	fds[0] = out[0];
	fds[1] = err[0];
	fds[2] = chan[0];
	collect(pid, fds, r);
}

static void dump_result(const struct result *r)
{
	print_message("--- exit status %d\n--- stderr:\n%s--- test channel:\n%s", r->status,
		      r->err.buf, r->chan.buf);
}

static void check_stderr(const struct result *r, const char *const *has)
{
	for (int i = 0; i < 4 && has[i]; i++) {
		if (!strstr(r->err.buf, has[i])) {
			dump_result(r);
			fail_msg("stderr lacks \"%s\"", has[i]);
		}
	}
}

/*
 * Walk the channel: asserts fail the test, syncs must match the expected
 * list until the row's skip stage, if it comes (*skip_value set).
 */
static bool check_channel(const struct guest_case *c, const struct result *r, bool *done,
			  uint64_t *skip_value)
{
	unsigned int next = 0;
	char *save = NULL, *copy = strdup(r->chan.buf);
	bool skipped = false;

	*done = false;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		unsigned long long ns, stage, value;
		unsigned int cpu;

		if (!strncmp(line, "assert ", 7)) {
			char *msg = strchr(line + 7, ' ');

			msg = msg ? strchr(msg + 1, ' ') : NULL;
			print_error("guest assertion: %s\n", msg ? msg + 1 : line);
			dump_result(r);
			free(copy);
			fail_msg("%s: the guest asserted", c->name);
		} else if (sscanf(line, "sync %llu %u %llu %llu", &ns, &cpu, &stage, &value) == 4) {
			const struct stage *want = &c->stages[next];

			if (skipped)
				continue;
			if (c->skip.stage && stage == c->skip.stage) {
				skipped = true;
				*skip_value = value;
				continue;
			}

			if (next >= MAX_STAGES || !want->stage) {
				dump_result(r);
				fail_msg("unexpected stage %llu", stage);
			}
			if (want->stage != stage ||
			    (want->value != ANY_VALUE && want->value != value)) {
				dump_result(r);
				fail_msg("stage #%u: got %llu (%#llx), want %llu (%#llx)", next, stage,
					 value, (unsigned long long)want->stage,
					 (unsigned long long)want->value);
			}
			next++;
		} else if (!strncmp(line, "done ", 5)) {
			*done = true;
		}
	}
	free(copy);
	if (!skipped && next < MAX_STAGES && c->stages[next].stage) {
		dump_result(r);
		fail_msg("stage %llu never came", (unsigned long long)c->stages[next].stage);
	}
	return skipped;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_guest(void **state)
{
	const struct guest_case *c = *state;
	char bufs[MAX_ARGS + 1][512], vtlvm[512], chanarg[] = "--test-channel=fd:3";
	char *argv[MAX_ARGS + 12];
	struct result r;
	int n = 0;
	bool done, skipped;
	uint64_t skip_value = 0;

	if (kvm_skip_reason[0]) {
		print_message("skipped: %s\n", kvm_skip_reason);
		skip();
	}
	snprintf(vtlvm, sizeof(vtlvm), "%s", vtlvm_bin);
	argv[n++] = vtlvm;
	argv[n++] = (char *)"run";
	argv[n++] = (char *)"--config";
	argv[n++] = (char *)(c->config ? c->config : "configs/test-guest.ini");
	if (c->kernel) {
		argv[n++] = (char *)"--kernel";
		argv[n++] = (char *)expand(c->kernel, bufs[MAX_ARGS], sizeof(bufs[0]));
	}
	argv[n++] = chanarg;
	for (int i = 0; i < MAX_ARGS && c->args[i]; i++)
		argv[n++] = (char *)expand(c->args[i], bufs[i], sizeof(bufs[i]));
	argv[n] = NULL;
	run_vtlvm(argv, true, &r);
	skipped = check_channel(c, &r, &done, &skip_value);
	if (c->expect_done && !done) {
		dump_result(&r);
		fail_msg("the guest never reported done");
	}
	if (r.status != c->status) {
		dump_result(&r);
		fail_msg("exit status %d, want %d", r.status, c->status);
	}
	check_stderr(&r, c->stderr_has);
	if (c->stdout_has && !strstr(r.out.buf, c->stdout_has)) {
		dump_result(&r);
		fail_msg("serial output lacks \"%s\"; it was:\n%s", c->stdout_has, r.out.buf);
	}
	if (c->max_stderr_lines && count_lines(r.err.buf) > c->max_stderr_lines) {
		dump_result(&r);
		fail_msg("%d stderr lines, at most %d expected", count_lines(r.err.buf),
			 c->max_stderr_lines);
	}
	result_free(&r);
	if (skipped) {
		print_message("skipped: %s (stage %llu, value %#llx)\n", c->skip.reason,
			      (unsigned long long)c->skip.stage, (unsigned long long)skip_value);
		skip();
	}
}

static void test_cli(void **state)
{
	const struct cli_case *c = *state;
	char bufs[MAX_ARGS][512], vtlvm[512];
	char *argv[MAX_ARGS + 2];
	struct result r;
	int n = 0;

	if (c->needs_kvm && kvm_skip_reason[0]) {
		print_message("skipped: %s\n", kvm_skip_reason);
		skip();
	}
	snprintf(vtlvm, sizeof(vtlvm), "%s", vtlvm_bin);
	argv[n++] = vtlvm;
	for (int i = 0; i < MAX_ARGS && c->args[i]; i++)
		argv[n++] = (char *)expand(c->args[i], bufs[i], sizeof(bufs[i]));
	argv[n] = NULL;
	run_vtlvm(argv, false, &r);
	if (r.status != c->status) {
		dump_result(&r);
		fail_msg("exit status %d, want %d", r.status, c->status);
	}
	check_stderr(&r, c->stderr_has);
	if (c->stdout_has && !strstr(r.out.buf, c->stdout_has)) {
		dump_result(&r);
		fail_msg("stdout lacks \"%s\"; it was:\n%s", c->stdout_has, r.out.buf);
	}
	result_free(&r);
}

static void probe_kvm(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		snprintf(kvm_skip_reason, sizeof(kvm_skip_reason),
			 "cannot open /dev/kvm (%s): guest tests need KVM", strerror(errno));
	else
		close(fd);
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Tests that drive vtlvm interactively (tests/integ/console.c). */
static const struct {
	const char *name;
	void (*fn)(void **state);
} special[] = {
	{ "console-pty", test_console_pty },
	{ "sigterm", test_sigterm },
};

/* The guest case tables: tests/integ/cases.c, cases_hv.c, cases_vsm.c. */
static const struct {
	const struct guest_case *cases;
	const unsigned int *count;
} guest_tables[] = {
	{ guest_cases, &nr_guest_cases },
	{ hv_guest_cases, &nr_hv_guest_cases },
	{ vsm_guest_cases, &nr_vsm_guest_cases },
};

int main(int argc, char **argv)
{
	struct CMUnitTest *tests;
	const char *filter = argc > 2 ? argv[2] : NULL;
	unsigned int n = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s BUILD_DIR [FILTER]\n", argv[0]);
		return 2;
	}
	build_dir = argv[1];
	if (getenv("VTLVM_BIN"))
		snprintf(vtlvm_bin, sizeof(vtlvm_bin), "%s", getenv("VTLVM_BIN"));
	else
		snprintf(vtlvm_bin, sizeof(vtlvm_bin), "%s/vtlvm", build_dir);
	print_message("vtlvm under test: %s\n", vtlvm_bin);
	probe_kvm();
	tests = calloc(nr_guest_cases + nr_hv_guest_cases + nr_vsm_guest_cases + nr_cli_cases +
		       ARRAY_SIZE(special), sizeof(*tests));
	for (unsigned int i = 0; i < ARRAY_SIZE(special); i++) {
		if (filter && !strstr(special[i].name, filter))
			continue;
		tests[n++] = (struct CMUnitTest) {
			.name = special[i].name, .test_func = special[i].fn,
			.initial_state = (void *)build_dir,
		};
	}
	for (unsigned int t = 0; t < ARRAY_SIZE(guest_tables); t++) {
		for (unsigned int i = 0; i < *guest_tables[t].count; i++) {
			const struct guest_case *c = &guest_tables[t].cases[i];

			if (filter && !strstr(c->name, filter))
				continue;
			tests[n++] = (struct CMUnitTest) {
				.name = c->name, .test_func = test_guest, .initial_state = (void *)c,
			};
		}
	}
	for (unsigned int i = 0; i < nr_cli_cases; i++) {
		if (filter && !strstr(cli_cases[i].name, filter))
			continue;
		tests[n++] = (struct CMUnitTest) {
			.name = cli_cases[i].name, .test_func = test_cli,
			.initial_state = (void *)&cli_cases[i],
		};
	}
	return _cmocka_run_group_tests("integration", tests, n, NULL, NULL);
}
