/* SPDX-License-Identifier: MIT */
/*
 * tests/bench/bench.h -- the benchmark driver's parts.
 *
 * bare.c runs a guest ELF on a minimal KVM loop written directly against
 * /dev/kvm (one VM, one vCPU, no threads, no device model): the baseline.
 * vtlvm.c runs the same ELF under the real vtlvm and reads its test channel.
 * Both report the CLOCK_MONOTONIC time of the guest's sync stages.
 */
#ifndef VTLVM_BENCH_H
#define VTLVM_BENCH_H

#include "vmm/types.h"

#define BENCH_MAX_STAGES 128

struct bench_run {
	u64 stage_ns[BENCH_MAX_STAGES];	/* time of "sync <stage>" */
	u64 start_ns;			/* vtlvm only: process start -> first KVM_RUN */
	u64 vtl_switches, vtl_switch_ioctls;	/* vtlvm only: its "stat" lines */
	int status;
};

u64 bench_now_ns(void);
/* Run elf with command line on the bare KVM loop. 0 or -errno. */
int bench_bare_run(const char *elf, const char *cmdline, struct bench_run *out);
/* Run elf under build/vtlvm with command line (and a VTL1 program, or NULL). 0 or -errno. */
int bench_vtlvm_run(const char *build_dir, const char *elf, const char *cmdline,
		    const char *vtl1_elf, struct bench_run *out);

#endif /* VTLVM_BENCH_H */
