// SPDX-License-Identifier: MIT
/* Running a guest under the real vtlvm and timing it from its test channel. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/bench/bench.h"

u64 bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void parse_channel(FILE *f, u64 t0, struct bench_run *out)
{
	char line[512];

	while (fgets(line, sizeof(line), f)) {
		unsigned long long ns, stage, value;
		unsigned int cpu;

		if (sscanf(line, "sync %llu %u %llu %llu", &ns, &cpu, &stage, &value) == 4 &&
		    stage < BENCH_MAX_STAGES)
			out->stage_ns[stage] = ns;
		else if (sscanf(line, "start %llu %u", &ns, &cpu) == 2)
			out->start_ns = ns - t0;
		else if (sscanf(line, "stat vtl_switches %llu", &value) == 1)
			out->vtl_switches = value;
		else if (sscanf(line, "stat vtl_switch_ioctls %llu", &value) == 1)
			out->vtl_switch_ioctls = value;
	}
}

int bench_vtlvm_run(const char *build_dir, const char *elf, const char *cmdline,
		    const char *vtl1_elf, struct bench_run *out)
{
	char vtlvm[512];
	int chan[2], wstatus;
	u64 t0;
	pid_t pid;
	FILE *f;

	memset(out, 0, sizeof(*out));
	snprintf(vtlvm, sizeof(vtlvm), "%s/vtlvm", build_dir);
	if (pipe(chan))
		return -errno;
	t0 = bench_now_ns();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDIN_FILENO);
		dup2(null, STDOUT_FILENO);
		dup2(chan[1], 3);
		if (vtl1_elf)
			execl(vtlvm, vtlvm, "run", "--config", "configs/test-guest.ini", "--kernel",
			      elf, "--vtl1-kernel", vtl1_elf, "--append", cmdline, "--serial",
			      "none", "--test-channel=fd:3", NULL);
		else
			execl(vtlvm, vtlvm, "run", "--config", "configs/test-guest.ini", "--kernel",
			      elf, "--append", cmdline, "--serial", "none", "--test-channel=fd:3",
			      NULL);
		_exit(127);
	}
	close(chan[1]);
	f = fdopen(chan[0], "r");
	if (!f)
		return -errno;
	parse_channel(f, t0, out);
	fclose(f);
	waitpid(pid, &wstatus, 0);
	out->status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1;
	return 0;
}
