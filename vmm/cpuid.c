// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "cpuid: " fmt
#include "vmm/cpuid.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/kvm_sys.h"
#include "vmm/log.h"

#define CPUID_TOPOLOGY_EXTRA 3	/* leaf 0xB subleaves written by cpuid_for_vcpu() */

static size_t cpuid_bytes(u32 nent)
{
	return sizeof(struct kvm_cpuid2) + nent * sizeof(struct kvm_cpuid_entry2);
}

struct kvm_cpuid_entry2 *cpuid_find(struct kvm_cpuid2 *c, u32 function, u32 index)
{
	for (u32 i = 0; i < c->nent; i++) {
		struct kvm_cpuid_entry2 *e = &c->entries[i];

		if (e->function != function)
			continue;
		if (!(e->flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) || e->index == index)
			return e;
	}
	return NULL;
}

int cpuid_add(struct kvm_cpuid2 *c, const struct kvm_cpuid_entry2 *e)
{
	if (c->nent >= CPUID_MAX_ENTRIES)
		return -ENOSPC;
	c->entries[c->nent++] = *e;
	return 0;
}

void cpuid_remove_range(struct kvm_cpuid2 *c, u32 first, u32 last)
{
	u32 n = 0;

	for (u32 i = 0; i < c->nent; i++)
		if (c->entries[i].function < first || c->entries[i].function > last)
			c->entries[n++] = c->entries[i];
	c->nent = n;
}

int cpuid_get_base(int kvm_fd, struct kvm_cpuid2 **out)
{
	struct kvm_cpuid2 *c = calloc(1, cpuid_bytes(CPUID_MAX_ENTRIES));
	int ret;

	if (!c)
		return -ENOMEM;
	c->nent = CPUID_MAX_ENTRIES;
	ret = kvm_sys_ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c);
	if (ret < 0) {
		pr_err("KVM_GET_SUPPORTED_CPUID: %s", strerror(-ret));
		free(c);
		return ret;
	}
	/* KVM's paravirtual leaves: vtlvm's hypervisor interface is Hyper-V's. */
	cpuid_remove_range(c, 0x40000000, 0x4fffffff);
	/* Topology leaves are rewritten per vCPU; 0x1F is dropped in favour of 0xB. */
	cpuid_remove_range(c, 0xb, 0xb);
	cpuid_remove_range(c, 0x1f, 0x1f);
	*out = c;
	return 0;
}

static u32 order_base_2(u32 n)
{
	u32 shift = 0;

	while ((1u << shift) < n)
		shift++;
	return shift;
}

static void add_entry(struct kvm_cpuid2 *c, struct kvm_cpuid_entry2 e)
{
	c->entries[c->nent++] = e;
}

struct kvm_cpuid2 *cpuid_for_vcpu(const struct kvm_cpuid2 *base, u32 index, u32 nr_vcpus)
{
	u32 nent = base->nent + CPUID_TOPOLOGY_EXTRA, shift = order_base_2(nr_vcpus);
	struct kvm_cpuid2 *c = malloc(cpuid_bytes(nent));
	struct kvm_cpuid_entry2 *e;

	if (!c)
		return NULL;
	memcpy(c, base, cpuid_bytes(base->nent));
	e = cpuid_find(c, 1, 0);
	if (e) {
		/* SDM vol. 2A CPUID leaf 1: EBX[31:24] initial APIC ID, [23:16] IDs per package. */
		e->ebx = (e->ebx & 0x0000ffff) | (index << 24) | (MIN(1u << shift, 255u) << 16);
		if (nr_vcpus > 1)
			e->edx |= BIT(28);	/* HTT: the package field is valid */
		e->ecx |= BIT(31);		/* running under a hypervisor */
	}
	/*
	 * Every leaf 4 entry, walked directly: looking subleaves up by index would
	 * never end on an entry without KVM_CPUID_FLAG_SIGNIFCANT_INDEX.
	 */
	for (u32 i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		if (e->function != 4)
			continue;
		/* Leaf 4 EAX[31:26]: addressable core IDs per package - 1. */
		e->eax = (e->eax & 0x03ffffff) | ((MIN(1u << shift, 64u) - 1) << 26);
		e->eax &= ~(0xfffu << 14);	/* one logical processor per cache */
	}
	/*
	 * AMD's own topology leaves (APM vol. 3, CPUID Fn8000_0008 ECX and
	 * Fn8000_001E), which Linux reads on AMD hosts when present: one thread
	 * per core, nr_vcpus cores in one node.
	 */
	e = cpuid_find(c, 0x80000008, 0);
	if (e)
		e->ecx = (e->ecx & ~0xf0ffu) | (shift << 12) | (MIN(nr_vcpus, 256u) - 1);
	e = cpuid_find(c, 0x8000001e, 0);
	if (e) {
		e->eax = index;		/* extended APIC ID */
		e->ebx = index & 0xff;	/* core ID; threads per core - 1 = 0 */
		e->ecx = 0;		/* node 0, one node */
	}
	/* Leaf 0xB: level 0 SMT (1 thread), level 1 core (nr_vcpus), then invalid. */
	add_entry(c, (struct kvm_cpuid_entry2) { .function = 0xb, .index = 0,
		  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = 0, .ebx = 1,
		  .ecx = (1 << 8) | 0, .edx = index });
	add_entry(c, (struct kvm_cpuid_entry2) { .function = 0xb, .index = 1,
		  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = shift, .ebx = nr_vcpus,
		  .ecx = (2 << 8) | 1, .edx = index });
	add_entry(c, (struct kvm_cpuid_entry2) { .function = 0xb, .index = 2,
		  .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .ecx = 2, .edx = index });
	return c;
}
