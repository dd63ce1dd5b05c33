/* SPDX-License-Identifier: MIT */
/*
 * vmm/exit.h -- decoding and dispatching vCPU exits.
 *
 * exit_decode() is a pure function of a struct kvm_run: it checks what KVM
 * handed over (a data offset inside the mapping, a sane access size) and
 * turns it into a struct vmm_exit, so tests can feed it fabricated runs
 * without KVM (Firecracker's handle_kvm_exit has the same split).
 * exit_handle() then routes the decoded exit to the buses and handlers.
 */
#ifndef VTLVM_EXIT_H
#define VTLVM_EXIT_H

#include "vmm/types.h"
#include "vmm/uapi/kvm_compat.h"

struct vcpu;

enum vmm_exit_kind {
	VMM_EXIT_PIO,
	VMM_EXIT_MMIO,
	VMM_EXIT_RDMSR,
	VMM_EXIT_WRMSR,
	VMM_EXIT_HLT,		/* VTLs above 0 only: no in-kernel irqchip */
	VMM_EXIT_IRQ_WINDOW,	/* the guest can take an interrupt (we asked) */
	VMM_EXIT_SET_TPR,	/* CR8 lowered (no in-kernel irqchip) */
	VMM_EXIT_INTR,		/* a signal or immediate_exit: nothing to do */
	VMM_EXIT_SHUTDOWN,	/* triple fault */
	VMM_EXIT_SYSTEM_EVENT,
	VMM_EXIT_INTERNAL_ERROR,
	VMM_EXIT_FAIL_ENTRY,
	VMM_EXIT_UNKNOWN,	/* anything vtlvm does not expect */
};

struct vmm_exit {
	enum vmm_exit_kind kind;
	u32 reason;			/* the raw KVM_EXIT_* */
	union {
		struct {
			u16 port;
			u8 size;	/* 1, 2 or 4 */
			bool is_write;
			u32 count;	/* > 1 for rep ins/outs */
			u8 *data;	/* count * size bytes inside kvm_run */
		} pio;
		struct {
			gpa_t gpa;
			u8 *data;	/* 8 bytes inside kvm_run */
			u32 len;	/* 1..8 */
			bool is_write;
		} mmio;
		struct {
			u32 index;
			u32 reason;	/* KVM_MSR_EXIT_REASON_* */
			u64 *data;
			u8 *error;	/* set to 1 to inject #GP */
		} msr;
		struct {
			u32 type;
			u64 flags;
		} system_event;
		struct {
			u32 suberror;
			u32 ndata;
			const u64 *data;
		} internal;
		u64 hw_reason;		/* FAIL_ENTRY, UNKNOWN */
	};
};

enum vcpu_action {
	VCPU_CONTINUE,
	VCPU_STOP,		/* the VM is stopping: leave the run loop */
	VCPU_FATAL,		/* dump state and stop the VM with a crash status */
};

/*
 * Decode run (run_size bytes mapped) into *out. -EINVAL if KVM's data
 * offset or sizes point outside the mapping; *out is then VMM_EXIT_UNKNOWN.
 */
int exit_decode(struct kvm_run *run, size_t run_size, struct vmm_exit *out);
const char *exit_reason_name(u32 reason);
enum vcpu_action exit_handle(struct vcpu *vcpu, const struct vmm_exit *e);

#endif /* VTLVM_EXIT_H */
