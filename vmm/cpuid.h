/* SPDX-License-Identifier: MIT */
/*
 * vmm/cpuid.h -- the CPUID a vCPU sees.
 *
 * The base is what KVM supports (KVM_GET_SUPPORTED_CPUID) minus KVM's own
 * paravirtual leaves 0x40000000-0x4fffffff: vtlvm presents Hyper-V there,
 * and advertises nothing it has not implemented. Each vCPU gets a copy with
 * its APIC ID and the VM's topology (every vCPU a core of one package).
 */
#ifndef VTLVM_CPUID_H
#define VTLVM_CPUID_H

#include "vmm/types.h"
#include "vmm/uapi/kvm_compat.h"

#define CPUID_MAX_ENTRIES 256	/* the capacity cpuid_get_base() allocates */

/* Fetch and filter the base CPUID; *out is malloc()ed with CPUID_MAX_ENTRIES slots. */
int cpuid_get_base(int kvm_fd, struct kvm_cpuid2 **out) __must_check;
/* A malloc()ed copy of base patched for vCPU index of nr_vcpus, or NULL. */
struct kvm_cpuid2 *cpuid_for_vcpu(const struct kvm_cpuid2 *base, u32 index, u32 nr_vcpus);
/* The entry for (function, index), or NULL. */
struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, u32 function, u32 index);
/* Append e to c (from cpuid_get_base()); -ENOSPC when full. */
int cpuid_add(struct kvm_cpuid2 *c, const struct kvm_cpuid_entry2 *e) __must_check;
/* Drop every entry whose function lies in [first, last]. */
void cpuid_remove_range(struct kvm_cpuid2 *c, u32 first, u32 last);

#endif /* VTLVM_CPUID_H */
