/* SPDX-License-Identifier: MIT */
/*
 * vmm/caps.h -- the KVM capabilities vtlvm uses, probed once.
 *
 * One table lists every capability with what vtlvm uses it for and what its
 * absence disables; `vtlvm caps` prints it and VM creation refuses to start
 * when a required one is missing, naming it.
 */
#ifndef VTLVM_CAPS_H
#define VTLVM_CAPS_H

#include <stdio.h>

#include "vmm/types.h"

enum kvm_cap_id {
	CAP_IRQCHIP,
	CAP_PIT2,
	CAP_SET_TSS_ADDR,
	CAP_SET_IDENTITY_MAP_ADDR,
	CAP_IMMEDIATE_EXIT,
	CAP_USER_MEMORY,
	CAP_READONLY_MEM,
	CAP_USER_MEMORY2,
	CAP_GUEST_MEMFD,
	CAP_GUEST_MEMFD_FLAGS,
	CAP_MEMORY_ATTRIBUTES,
	CAP_MEMORY_FAULT_INFO,
	CAP_VM_TYPES,
	CAP_X86_USER_SPACE_MSR,
	CAP_X86_MSR_FILTER,
	CAP_ENFORCE_PV_FEATURE_CPUID,
	CAP_SYNC_REGS,
	CAP_XSAVE,
	CAP_XSAVE2,
	CAP_XCRS,
	CAP_DEBUGREGS,
	CAP_VCPU_EVENTS,
	CAP_MP_STATE,
	CAP_GET_TSC_KHZ,
	CAP_TSC_CONTROL,
	CAP_ADJUST_CLOCK,
	CAP_SIGNAL_MSI,
	CAP_IRQFD,
	CAP_X2APIC_API,
	CAP_EXIT_HYPERCALL,
	CAP_HYPERV,
	CAP_NR_VCPUS,
	CAP_MAX_VCPUS,
	CAP_MAX_VCPU_ID,
	CAP_NR_MEMSLOTS,
	CAP_COUNT
};

struct kvm_caps {
	int api_version;
	int value[CAP_COUNT];
};

struct kvm_cap_desc {
	long cap;		/* KVM_CAP_* */
	const char *name;
	bool required;		/* vtlvm refuses to run without it */
	bool is_value;		/* a number, not a yes/no */
	const char *use;	/* what vtlvm uses it for */
	const char *if_missing;	/* what its absence disables */
};

extern const struct kvm_cap_desc kvm_cap_table[CAP_COUNT];

/* Query every capability on vm_fd (VM-scoped answers), falling back to kvm_fd. */
void caps_probe(struct kvm_caps *caps, int kvm_fd, int vm_fd);
static inline int caps_value(const struct kvm_caps *caps, enum kvm_cap_id id)
{
	return caps->value[id];
}
static inline bool caps_has(const struct kvm_caps *caps, enum kvm_cap_id id)
{
	return caps->value[id] > 0;
}
/* The first required capability that is missing, or -1. */
int caps_first_missing(const struct kvm_caps *caps);
/* The `vtlvm caps` report. */
void caps_print(const struct kvm_caps *caps, const char *dev, FILE *out);

#endif /* VTLVM_CAPS_H */
