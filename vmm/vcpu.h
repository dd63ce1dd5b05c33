/* SPDX-License-Identifier: MIT */
/*
 * vmm/vcpu.h -- virtual processors.
 *
 * A struct vcpu is one virtual processor (VP) of the partition. It owns one
 * KVM vCPU per enabled VTL (vtl[n].fd, -1 until that VTL is enabled on this
 * VP) and one host thread, which runs exactly one of those vCPUs at a time:
 * the thread's loop is the VTL scheduler (vmm/vtl_glue.h).
 *
 * Threading: vcpu_kick() and vcpu_wake() may be called from any thread, and
 * work for the VP's thread is posted through vtl_glue_request(); everything
 * else in a struct vcpu belongs to its own thread once vcpu_start() has run.
 * The VP index equals the APIC ID in every VTL (as the QEMU VSM proof of
 * concept, vianpl/qemu, also requires).
 */
#ifndef VTLVM_VCPU_H
#define VTLVM_VCPU_H

#include <pthread.h>

#include "mem/loader.h"
#include "vmm/loop.h"
#include "vmm/types.h"
#include "vmm/uapi/kvm_compat.h"
#include "vmm/vm.h"
#include "vtl/vtl.h"

struct hv_vp;
struct lapic;
struct vp_request;

/* The TLFS-shared state a vCPU holds, as vtlvm last saw or set it (vmm/vtl_regs.h). */
struct vtl_shared {
	u8 *xsave;		/* x87/SSE/AVX image, vm->xsave_size bytes */
	struct kvm_debugregs dr;	/* DR0-3 shared; DR6, DR7 this vCPU's own */
	u64 xcr0;
	bool osxsave;		/* CR4.OSXSAVE when switched in: XSETBV was possible */
	u32 mtrr_gen;		/* vcpu->mtrr_gen this vCPU's MTRRs match */
	bool valid;
};

struct vcpu_vtl {
	struct vcpu *vcpu;	/* the VP this vCPU belongs to */
	u8 level;		/* its VTL */
	int fd;			/* KVM vCPU fd, -1 if this VTL is not enabled here */
	struct kvm_run *run;
	bool synced;		/* run->s.regs holds the registers (vmm/vtl_regs.h) */
	bool configured;	/* above VTL0: CPUID and TSC set (vmm/vtl_vm.c) */
	struct lapic *lapic;	/* above VTL0: the VMM's local APIC */
	struct loop_source timer_src;	/* its timer's timerfd, fd -1 if none */
	bool halted;		/* above VTL0: HLT, waiting for an interrupt */
	bool entered;		/* above VTL0: has run (StartVp refuses a second start) */
	struct vtl_shared shared;
};

struct vcpu {
	struct vm *vm;
	u32 index;		/* VP index = APIC ID */
	pthread_t thread;
	bool started;		/* its thread owns its vCPUs: no other thread issues their ioctls */
	bool has_thread;	/* thread is valid (kicks, CPU time, join) */
	unsigned int cur_vtl;	/* the VTL whose vCPU runs (or last ran) */
	struct vcpu_vtl vtl[VTL_MAX];
	struct hv_vp *hv_vp[VTL_MAX];	/* Hyper-V state of this VP per VTL, or NULL */
	struct vtl_vp vtls;		/* the VTL scheduler's state (vtl/vtl.h) */
	/*
	 * VTL1 was enabled here before VTL0 ever ran: INIT/SIPI aimed at VTL0 are
	 * dropped and only HvCallStartVirtualProcessor starts it (TLFS "Virtual
	 * Processor Startup"), so VTL0's vCPU stays out of KVM_RUN until then.
	 */
	bool vtl0_held;
	/* Wake-ups (vcpu_wake): the thread re-evaluates before KVM_RUN, or sleeps on cond. */
	_Atomic bool wake, in_run;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct vp_request *req;		/* work posted by another VP (lock) */
	pthread_mutex_t req_lock;	/* held by the poster while its request is out */
	/* PV TLB flushes asked of this VP by others (vmm/hv_glue.c): tickets. */
	_Atomic u64 flush_req, flush_done;
	/* The shared MTRRs, and a generation bumped when a VTL writes one. */
	u64 mtrr[VTL_NR_MTRRS];
	u32 mtrr_gen;
	u64 nr_switches, switch_ioctls;	/* VTL switches and the vCPU ioctls they made */
};

/* Create VP index's VTL0 vCPU with its CPUID and LAPIC LVTs (the BSP's entry state is separate). */
int vcpu_create(struct vm *vm, u32 index, struct vcpu **out) __must_check;
void vcpu_destroy(struct vcpu *vcpu);
/* One MSR of vCPU fd (any VTL's) through KVM_GET/SET_MSRS: 0, or -EIO if KVM refuses it. */
int vcpu_get_msr(int fd, u32 msr, u64 *val) __must_check;
int vcpu_set_msr(int fd, u32 msr, u64 val) __must_check;
/* Queue exception vector (error_code if has_error) into vCPU fd for its next entry. */
int vcpu_inject_exception(int fd, u8 vector, bool has_error, u32 error_code) __must_check;
/* KVM_SET_CPUID2 on vCPU fd (any VTL's) from base, with this VP's APIC ID; PV CPUID enforced. */
int vcpu_set_cpuid(struct vcpu *vcpu, int fd, const struct kvm_cpuid2 *base) __must_check;
int vcpu_start(struct vcpu *vcpu) __must_check;
/* Make the VP leave KVM_RUN soon (immediate_exit + signal); any thread. */
void vcpu_kick(struct vcpu *vcpu);
/* Make the VP look at its state again: kicks it out of KVM_RUN or wakes it from idle. */
void vcpu_wake(struct vcpu *vcpu);
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
