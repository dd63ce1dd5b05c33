// SPDX-License-Identifier: MIT
/*
 * make bench: vtlvm's costs next to a bare KVM loop, measured side by side
 * in one run (the hosts are shared and noisy, so only ratios from the same
 * run compare). Rounds alternate bare and vtlvm; each figure is the median.
 *
 *   bench pio_exit_bare_ns   one PIO exit + re-entry, bare KVM loop
 *   bench pio_exit_ns        the same guest loop under vtlvm
 *   bench pio_exit_ratio     median over rounds of (vtlvm / bare) within the round
 *   bench startup_us         vtlvm exec -> the BSP's first KVM_RUN
 *
 * usage: bench BUILD_DIR [ROUNDS] [EXITS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bench/bench.h"

#define DEFAULT_ROUNDS	15
#define DEFAULT_EXITS	10000
#define MAX_ROUNDS	64

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static u64 median(u64 *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Nanoseconds per loop iteration between stages 1 and 2, or 0 if missing. */
static u64 per_exit(const struct bench_run *r, u64 exits)
{
	if (!r->stage_ns[1] || r->stage_ns[2] <= r->stage_ns[1])
		return 0;
	return (r->stage_ns[2] - r->stage_ns[1]) / exits;
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";
	int rounds = argc > 2 ? atoi(argv[2]) : DEFAULT_ROUNDS;
	u64 exits = argc > 3 ? strtoull(argv[3], NULL, 0) : DEFAULT_EXITS;
	u64 bare[MAX_ROUNDS], vt[MAX_ROUNDS], start[MAX_ROUNDS], ratio[MAX_ROUNDS], mb, mv;
	char elf[512], cmdline[64];

	if (rounds < 1 || rounds > MAX_ROUNDS || !exits) {
		fprintf(stderr, "usage: %s BUILD_DIR [ROUNDS 1-%d] [EXITS]\n", argv[0], MAX_ROUNDS);
		return 2;
	}
	snprintf(elf, sizeof(elf), "%s/guests/bench_pio.elf", build);
	snprintf(cmdline, sizeof(cmdline), "n=%llu", (unsigned long long)exits);
	for (int i = 0; i < rounds; i++) {
		struct bench_run rb, rv;

		if (bench_bare_run(elf, cmdline, &rb) || bench_vtlvm_run(build, elf, cmdline, &rv) ||
		    rv.status != 1) {
			fprintf(stderr, "bench: round %d failed (vtlvm status %d)\n", i, rv.status);
			return 1;
		}
		bare[i] = per_exit(&rb, exits);
		vt[i] = per_exit(&rv, exits);
		start[i] = rv.start_ns;
		if (!bare[i] || !vt[i] || !start[i]) {
			fprintf(stderr, "bench: round %d lost its timestamps\n", i);
			return 1;
		}
		/* Paired within a round, so slow drift of the shared host cancels out. */
		ratio[i] = vt[i] * 1000 / bare[i];
	}
	mb = median(bare, rounds);
	mv = median(vt, rounds);
	printf("bench pio_exit_bare_ns %llu ns\n", (unsigned long long)mb);
	printf("bench pio_exit_ns %llu ns\n", (unsigned long long)mv);
	printf("bench pio_exit_ratio %.3f x\n", median(ratio, rounds) / 1000.0);
	printf("bench startup_us %llu us\n", (unsigned long long)median(start, rounds) / 1000);
	printf("bench rounds %d count\n", rounds);
	printf("bench exits_per_round %llu count\n", (unsigned long long)exits);
	return 0;
}
