/* SPDX-License-Identifier: MIT */
/*
 * vmm/vcpu.h -- virtual processors.
 *
 * A struct vcpu is one virtual processor (VP) of the partition. It owns one
 * KVM vCPU per enabled VTL (vtl[n].fd, -1 until that VTL is enabled on this
 * VP) and one host thread, which runs exactly one of those vCPUs at a time:
 * the thread's loop is the VTL scheduler. Only VTL0 exists so far.
 *
 * Threading: vcpu_kick() may be called from any thread; everything else in
 * a struct vcpu belongs to its own thread once vcpu_start() has run.
 * The VP index equals the APIC ID (REFERENCE.md pitfall 7).
 */
#ifndef VTLVM_VCPU_H
#define VTLVM_VCPU_H

#include <pthread.h>

#include "mem/loader.h"
#include "vmm/uapi/kvm_compat.h"
#include "vmm/types.h"
#include "vmm/vm.h"

struct hv_vp;

struct vcpu_vtl {
	int fd;			/* KVM vCPU fd, -1 if this VTL is not enabled here */
	struct kvm_run *run;
};

struct vcpu {
	struct vm *vm;
	u32 index;		/* VP index = APIC ID */
	pthread_t thread;
	bool started;
	unsigned int cur_vtl;	/* the VTL whose vCPU runs (or last ran) */
	struct vcpu_vtl vtl[VTL_MAX];
	struct hv_vp *hv_vp[VTL_MAX];	/* Hyper-V state of this VP per VTL, or NULL */
	/* PV TLB flushes asked of this VP by others (vmm/hv_glue.c): tickets. */
	_Atomic u64 flush_req, flush_done;
	u64 nr_exits;
};

/* Create VP index's VTL0 vCPU with its CPUID and LAPIC LVTs (the BSP's entry state is separate). */
int vcpu_create(struct vm *vm, u32 index, struct vcpu **out) __must_check;
void vcpu_destroy(struct vcpu *vcpu);
int vcpu_start(struct vcpu *vcpu) __must_check;
/* Make the VP leave KVM_RUN soon (immediate_exit + signal); any thread. */
void vcpu_kick(struct vcpu *vcpu);
void vcpu_join(struct vcpu *vcpu);
/* Set registers for entry as the loader described (BSP only). */
int vcpu_set_boot_state(struct vcpu *vcpu, const struct boot_state *bs) __must_check;
/* The segment and control registers a boot mode starts with (pure). */
void vcpu_boot_sregs(struct kvm_sregs *sr, enum boot_mode mode);
/* Log the exit reason by name, GPRs, segments and control registers. */
void vcpu_dump(struct vcpu *vcpu, const char *why);
/* The VP whose thread is calling, or NULL outside VP threads. */
struct vcpu *vcpu_self(void);
/* Install the kick signal handler; once per process, before vcpu_start(). */
int vcpu_signals_init(void) __must_check;

#define VCPU_KICK_SIGNAL SIGUSR1

#endif /* VTLVM_VCPU_H */
