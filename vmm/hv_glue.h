/* SPDX-License-Identifier: MIT */
/*
 * vmm/hv_glue.h -- the VMM side of hv/: the struct hv_host it runs on, the
 * hyperv init stages, and the exits that belong to Hyper-V (synthetic MSRs,
 * the hypercall trap port).
 *
 * Register access for hypercalls: a hypercall needs the caller's GPRs and
 * segment state, and each vCPU ioctl costs about half an exit on nested
 * hosts. So the first hypercall of a vCPU turns on KVM's sync_regs for REGS
 * and SREGS; from then on KVM hands the registers over in kvm_run at every
 * exit and takes changes back at the next KVM_RUN, with no ioctl. vCPUs of
 * guests that never make a hypercall pay nothing.
 */
#ifndef VTLVM_HV_GLUE_H
#define VTLVM_HV_GLUE_H

#include "vmm/exit.h"
#include "vmm/types.h"

struct vm;
struct vcpu;
struct kvm_cpuid2;

/* Stage "hyperv": the hv/ partition, its MSR filter and CPUID leaves (before the vCPUs). */
int hv_stage_init(struct vm *vm);
void hv_stage_exit(struct vm *vm);
/* Stage "hv-time": tie the reference time to the guest TSC (after the vCPUs). */
int hv_time_stage_init(struct vm *vm);

/* Append the Hyper-V leaves VTL vtl is shown (its own privileges) to c: -ENOSPC if full. */
int hv_glue_add_cpuid(struct vm *vm, u8 vtl, struct kvm_cpuid2 *c);

/* Exits: true if handled as Hyper-V's. */
bool hv_glue_msr(struct vcpu *vcpu, const struct vmm_exit *e);
enum vcpu_action hv_glue_hypercall(struct vcpu *vcpu);
/* On the VP's own thread before KVM_RUN: perform a flush other VPs asked for. */
void hv_glue_service_flush(struct vcpu *vcpu);

#endif /* VTLVM_HV_GLUE_H */
