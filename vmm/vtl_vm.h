/* SPDX-License-Identifier: MIT */
/*
 * vmm/vtl_vm.h -- creating the KVM VM of a VTL above 0 and its vCPUs.
 *
 * A higher VTL's VM (README "Virtual Secure Mode") maps the partition's RAM with ordinary
 * memslots over the one mapping, has no in-kernel irqchip (its local APICs
 * are vtl/lapic.c objects), its own CPUID (its Hyper-V privileges), an MSR
 * filter that sends the synthetic, APIC, TSC-deadline and MTRR-write MSRs to
 * the VMM, and VTL0's kvmclock. Its vCPUs get VTL0's TSC offset, so that all
 * VTLs of a VP read one TSC.
 */
#ifndef VTLVM_VTL_VM_H
#define VTLVM_VTL_VM_H

#include "vmm/types.h"

struct vm;
struct vcpu;

/* Create VTL vtl's VM and hv/'s state for the VTL (HvCallEnablePartitionVtl). */
int vtl_vm_create(struct vm *vm, u8 vtl) __must_check;
/* Free what vtl_vm_create() built besides the VM fd (vm_stage_vtl0_exit closes that). */
void vtl_vm_destroy(struct vm *vm, u8 vtl);
/*
 * The MSR filter of VTL vtl's VM: the synthetic MSRs always, MTRR writes when
 * VSM shares them, the APIC MSRs above VTL0.
 */
int vtl_vm_msr_filter(struct vm *vm, u8 vtl, bool mtrr_writes) __must_check;

/*
 * Create VP vcpu's vCPU in VTL vtl (CPUID, TSC), on the VP's thread; a
 * vCPU made by an earlier, failed try is reused (KVM keeps its id).
 */
int vtl_vcpu_create(struct vcpu *vcpu, u8 vtl) __must_check;
/* Then give it its APIC, timer and Hyper-V state: from now on other threads may use them. */
int vtl_vcpu_publish(struct vcpu *vcpu, u8 vtl) __must_check;
void vtl_vcpu_destroy(struct vcpu *vcpu, u8 vtl);

#endif /* VTLVM_VTL_VM_H */
