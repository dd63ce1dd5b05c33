/* SPDX-License-Identifier: MIT */
/*
 * vmm/vtl_glue.h -- the VMM side of vtl/: VTL VMs and vCPUs, the VTL
 * scheduler in each VP thread, VTL1's local APIC, and work one VP posts to
 * another.
 *
 * The scheduler (README "Virtual Secure Mode", Scheduling). Before each
 * KVM_RUN the VP thread calls vtl_glue_schedule(): an interrupt deliverable
 * in a VTL above the running one makes that VTL runnable (TLFS "VTL
 * Interrupt Management": whatever the lower VTL's RFLAGS.IF says, only the
 * higher VTL's TPR counts), the highest runnable VTL is picked, and if it is another one the TLFS-shared registers
 * are copied into its vCPU (vmm/vtl_regs.h). VtlCall and VtlReturn arrive as
 * hypercalls (vtl_glue_vtl_call/return). A VP with nothing to run (VTL1
 * halted without a deliverable interrupt, VTL0 waiting for
 * HvCallStartVirtualProcessor) sleeps in vtl_glue_idle() until vcpu_wake().
 *
 * Interrupts for VTL1. VTL1's VM has no in-kernel irqchip: SynIC messages,
 * synthetic timers, the APIC timer and IPIs land in its struct lapic, whose
 * notify callback wakes the VP; vtl_glue_prepare_run() injects the highest
 * deliverable vector with KVM_INTERRUPT when KVM says the guest can take it,
 * and asks for an interrupt window otherwise.
 *
 * Requests. Every vCPU ioctl happens on its own VP's thread (another thread
 * would block on the vCPU mutex for as long as the guest runs), so an
 * EnableVpVtl or StartVp aimed at another VP is run by that VP:
 * vtl_glue_request() posts it, kicks the VP and waits, serving requests aimed
 * at itself meanwhile, so two VPs asking each other cannot deadlock.
 */
#ifndef VTLVM_VTL_GLUE_H
#define VTLVM_VTL_GLUE_H

#include "vmm/exit.h"
#include "vmm/types.h"

struct vm;
struct vcpu;

/* Create the partition's VSM state (inside the hyperv stage, after hv_create()). */
int vtl_glue_create(struct vm *vm) __must_check;
void vtl_glue_destroy(struct vm *vm);
/* Tie a new VP to VSM (vcpu_create). */
void vtl_glue_attach(struct vcpu *vcpu);
/* Free what a VP holds above VTL0 (vcpu_destroy). */
void vtl_glue_vcpu_exit(struct vcpu *vcpu);

enum vtl_sched {
	VTL_SCHED_RUN,		/* run vcpu->cur_vtl */
	VTL_SCHED_IDLE,		/* nothing runnable: vtl_glue_idle() */
	VTL_SCHED_FAIL,		/* KVM failed; the VM is stopping */
};

/*
 * One poll of a VP waiting for another (a request, a TLB flush): serve what
 * others ask of self (NULL: not a VP thread) and sleep briefly; two VPs
 * waiting for each other would otherwise never finish.
 */
void vtl_glue_wait_a_little(struct vcpu *self);

/* The VP thread's loop, before KVM_RUN. */
void vtl_glue_service(struct vcpu *vcpu);
enum vtl_sched vtl_glue_schedule(struct vcpu *vcpu);
int vtl_glue_prepare_run(struct vcpu *vcpu) __must_check;
/* After KVM_RUN of a VTL above 0: take CR8 back into its APIC. */
void vtl_glue_after_run(struct vcpu *vcpu);
/* Sleep until vcpu_wake(), a request, or the VM stopping. */
void vtl_glue_idle(struct vcpu *vcpu);

/* Exits of VTLs above 0 that VTL0's in-kernel irqchip would have handled; false: not one. */
bool vtl_glue_exit(struct vcpu *vcpu, const struct vmm_exit *e, enum vcpu_action *act);

/* A VtlCall / VtlReturn the dispatcher validated (vmm/hv_glue.c). */
enum vcpu_action vtl_glue_vtl_call(struct vcpu *vcpu);
enum vcpu_action vtl_glue_vtl_return(struct vcpu *vcpu, bool fast);

/* A Hyper-V interrupt (SynIC, synthetic timer, PV IPI) for VTL vtl > 0 of VP index. */
int vtl_glue_interrupt(struct vm *vm, u8 vtl, u32 index, u8 vector) __must_check;
/* vtlvm raised an interrupt for VTL0 of VP index: VINA, if VTL1 runs there and asked for it. */
void vtl_glue_vina(struct vm *vm, u32 index);
/* HV_X64_MSR_EOI/ICR/TPR of the calling VP's running VTL; -EPERM: #GP. */
int vtl_glue_apic_msr(struct vcpu *vcpu, u32 msr, u64 *val, bool write) __must_check;

/*
 * Run fn(target, arg) on target's thread and return its result; from target's
 * own thread it is a plain call. -EINTR if the VM stops first.
 */
int vtl_glue_request(struct vcpu *self, struct vcpu *target, int (*fn)(struct vcpu *, void *),
		     void *arg) __must_check;

/* The VM-wide count of VTL switches and the vCPU ioctls they made (bench). */
void vtl_glue_stats(struct vm *vm, u64 *switches, u64 *ioctls);

#endif /* VTLVM_VTL_GLUE_H */
