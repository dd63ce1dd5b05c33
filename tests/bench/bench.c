// SPDX-License-Identifier: MIT
/*
 * make bench: vtlvm's costs next to a bare KVM loop, measured side by side
 * in one run (the hosts are shared and noisy, so only ratios from the same
 * run compare). Rounds alternate bare and vtlvm on the same guest ELF; each
 * figure is a median over rounds, each ratio the median of per-round ratios.
 *
 *   bench pio_exit_bare_ns   one PIO exit + re-entry, bare KVM loop
 *   bench pio_exit_ns        the same guest loop under vtlvm
 *   bench pio_exit_ratio     vtlvm / bare
 *   bench hcall_bare_ns      the hypercall page's instructions, its `out` a bare PIO exit
 *   bench hcall_ns           a null hypercall through vtlvm's hypercall page
 *   bench hcall_ratio        vtlvm / bare
 *   bench startup_us         vtlvm exec -> the BSP's first KVM_RUN
 *   bench vtl_hcall_ns       a null hypercall, in the VSM benchmark's own batches
 *   bench vtl_roundtrip_ns   VTL call + VTL return (VTL0 -> VTL1 -> VTL0)
 *   bench vtl_roundtrip_ratio  round trip / null hypercall, paired batch by batch
 *   bench vtl_switch_ioctls  vCPU ioctls the VMM made per round trip (two switches)
 *
 * usage: bench BUILD_DIR [ROUNDS] [ITERATIONS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/bench/bench.h"

#define DEFAULT_ROUNDS	15
#define DEFAULT_ITERS	10000
#define MAX_ROUNDS	64

struct series {
	u64 bare[MAX_ROUNDS], vtlvm[MAX_ROUNDS], ratio[MAX_ROUNDS], start[MAX_ROUNDS];
};

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
static u64 per_iter(const struct bench_run *r, u64 iters)
{
	if (!r->stage_ns[1] || r->stage_ns[2] <= r->stage_ns[1])
		return 0;
	return (r->stage_ns[2] - r->stage_ns[1]) / iters;
}

/* One round of one benchmark: the guest on the bare loop, then under vtlvm. */
static int round_pair(const char *build, const char *guest, u64 iters, struct series *s, int i)
{
	char elf[512], cmdline[64];
	struct bench_run rb, rv;

	snprintf(elf, sizeof(elf), "%s/guests/%s", build, guest);
	snprintf(cmdline, sizeof(cmdline), "n=%llu", (unsigned long long)iters);
	if (bench_bare_run(elf, cmdline, &rb) || bench_vtlvm_run(build, elf, cmdline, NULL, &rv) ||
	    rv.status != 1) {
		fprintf(stderr, "bench: %s round %d failed (vtlvm status %d)\n", guest, i,
			rv.status);
		return -1;
	}
	s->bare[i] = per_iter(&rb, iters);
	s->vtlvm[i] = per_iter(&rv, iters);
	s->start[i] = rv.start_ns;
	if (!s->bare[i] || !s->vtlvm[i] || !s->start[i]) {
		fprintf(stderr, "bench: %s round %d lost its timestamps\n", guest, i);
		return -1;
	}
	/* Paired within a round, so slow drift of the shared host cancels out. */
	s->ratio[i] = s->vtlvm[i] * 1000 / s->bare[i];
	return 0;
}

/* The VSM benchmark: batches of null hypercalls and VTL round trips, interleaved in one run. */
#define VTL_BATCHES	20
#define VTL_ITERS	100

struct vtl_series {
	u64 hcall[MAX_ROUNDS], trip[MAX_ROUNDS], ratio[MAX_ROUNDS], ioctls[MAX_ROUNDS];
};

static int vtl_round(const char *build, struct vtl_series *s, int i)
{
	u64 h[VTL_BATCHES], v[VTL_BATCHES], ratio[VTL_BATCHES];
	char elf[512], vtl1[512], cmdline[64];
	struct bench_run r;

	snprintf(elf, sizeof(elf), "%s/guests/bench_vtl.elf", build);
	snprintf(vtl1, sizeof(vtl1), "%s/guests/vtl1/bench.elf", build);
	snprintf(cmdline, sizeof(cmdline), "n=%d k=%d", VTL_ITERS, VTL_BATCHES);
	if (bench_vtlvm_run(build, elf, cmdline, vtl1, &r) || r.status != 1 || !r.vtl_switches) {
		fprintf(stderr, "bench: bench_vtl round %d failed (vtlvm status %d)\n", i, r.status);
		return -1;
	}
	for (int b = 0; b < VTL_BATCHES; b++) {
		const u64 *t = &r.stage_ns[3 * b + 1];

		if (!t[0] || t[1] <= t[0] || t[2] <= t[1]) {
			fprintf(stderr, "bench: bench_vtl round %d lost batch %d\n", i, b);
			return -1;
		}
		h[b] = (t[1] - t[0]) / VTL_ITERS;
		v[b] = (t[2] - t[1]) / VTL_ITERS;
		ratio[b] = v[b] * 1000 / h[b];
	}
	s->hcall[i] = median(h, VTL_BATCHES);
	s->trip[i] = median(v, VTL_BATCHES);
	s->ratio[i] = median(ratio, VTL_BATCHES);
	/* Two switches per round trip; the few of the boot call do not move the figure. */
	s->ioctls[i] = r.vtl_switch_ioctls * 2 * 100 / r.vtl_switches;
	return 0;
}

static void report_vtl(struct vtl_series *s, int rounds)
{
	u64 ioctls = median(s->ioctls, rounds);

	printf("bench vtl_hcall_ns %llu ns\n", (unsigned long long)median(s->hcall, rounds));
	printf("bench vtl_roundtrip_ns %llu ns\n", (unsigned long long)median(s->trip, rounds));
	printf("bench vtl_roundtrip_ratio %.3f x\n", median(s->ratio, rounds) / 1000.0);
	printf("bench vtl_switch_ioctls %llu.%02llu count\n", (unsigned long long)(ioctls / 100),
	       (unsigned long long)(ioctls % 100));
}

static void report(const char *name, struct series *s, int rounds)
{
	printf("bench %s_bare_ns %llu ns\n", name, (unsigned long long)median(s->bare, rounds));
	printf("bench %s_ns %llu ns\n", name, (unsigned long long)median(s->vtlvm, rounds));
	printf("bench %s_ratio %.3f x\n", name, median(s->ratio, rounds) / 1000.0);
}

int main(int argc, char **argv)
{
	const char *build = argc > 1 ? argv[1] : "build";
	int rounds = argc > 2 ? atoi(argv[2]) : DEFAULT_ROUNDS;
	u64 iters = argc > 3 ? strtoull(argv[3], NULL, 0) : DEFAULT_ITERS;
	static struct series pio, hcall;
	static struct vtl_series vtl;

	if (rounds < 1 || rounds > MAX_ROUNDS || !iters) {
		fprintf(stderr, "usage: %s BUILD_DIR [ROUNDS 1-%d] [ITERATIONS]\n", argv[0],
			MAX_ROUNDS);
		return 2;
	}
	for (int i = 0; i < rounds; i++) {
		if (round_pair(build, "bench_pio.elf", iters, &pio, i) ||
		    round_pair(build, "bench_hcall.elf", iters, &hcall, i) ||
		    vtl_round(build, &vtl, i))
			return 1;
	}
	report("pio_exit", &pio, rounds);
	report("hcall", &hcall, rounds);
	report_vtl(&vtl, rounds);
	printf("bench startup_us %llu us\n", (unsigned long long)median(pio.start, rounds) / 1000);
	printf("bench rounds %d count\n", rounds);
	printf("bench iterations_per_round %llu count\n", (unsigned long long)iters);
	return 0;
}
