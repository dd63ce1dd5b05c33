// SPDX-License-Identifier: MIT
#include "vmm/caps.h"

#include "vmm/kvm_sys.h"

#define CAP(id, req, val, use_, missing)				\
	[CAP_##id] = { .cap = KVM_CAP_##id, .name = "KVM_CAP_" #id,	\
		       .required = (req), .is_value = (val), .use = (use_),	\
		       .if_missing = (missing) }

const struct kvm_cap_desc kvm_cap_table[CAP_COUNT] = {
	CAP(IRQCHIP, true, false, "in-kernel LAPIC, IOAPIC and PIC for VTL0", NULL),
	CAP(PIT2, true, false, "in-kernel PIT for VTL0", NULL),
	CAP(SET_TSS_ADDR, true, false, "real-mode guest code on Intel VMX", NULL),
	CAP(SET_IDENTITY_MAP_ADDR, false, false, "real-mode guest code on Intel VMX",
	    "KVM picks the identity-map page itself"),
	CAP(IMMEDIATE_EXIT, true, false, "kicking a vCPU out of KVM_RUN", NULL),
	CAP(USER_MEMORY, true, false, "guest RAM memslots", NULL),
	CAP(READONLY_MEM, false, false, "read-only memslots for VTL write protection",
	    "a higher VTL cannot write-protect lower-VTL memory"),
	CAP(USER_MEMORY2, false, false, "KVM_SET_USER_MEMORY_REGION2 (guest_memfd slots)",
	    "guest RAM uses a memfd instead of a guest_memfd"),
	CAP(GUEST_MEMFD, false, false, "guest RAM as a guest_memfd",
	    "guest RAM uses a memfd instead of a guest_memfd"),
	CAP(GUEST_MEMFD_FLAGS, false, true, "guest_memfd MMAP (1) and INIT_SHARED (2) flags",
	    "without both flags guest RAM uses a memfd"),
	CAP(MEMORY_ATTRIBUTES, false, true, "per-page memory attributes",
	    "execute (NX) protections cannot be enforced; protections use memslots"),
	CAP(MEMORY_FAULT_INFO, false, false, "memory-fault exits with GPA and access",
	    "protection faults are seen as MMIO exits only"),
	CAP(VM_TYPES, false, true, "VM types (bit mask)", "only the default VM type"),
	CAP(X86_USER_SPACE_MSR, true, false, "MSR exits to the VMM (#GP for unknown MSRs, "
	    "synthetic MSRs)", NULL),
	CAP(X86_MSR_FILTER, false, false, "routing chosen MSRs to the VMM",
	    "MSRs KVM knows cannot be intercepted; hyperv:vsm is refused"),
	CAP(ENFORCE_PV_FEATURE_CPUID, false, false, "KVM's paravirtual MSRs follow the "
	    "(hidden) KVM CPUID leaves", "KVM still serves kvmclock and other PV MSRs"),
	CAP(SYNC_REGS, false, true, "register state in kvm_run (hypercalls, VTL switches)",
	    "hypercalls use GET/SET_REGS ioctls; hyperv:vsm is refused"),
	CAP(XSAVE, false, false, "FPU/SSE/AVX state copy on VTL switches",
	    "hyperv:vsm is refused"),
	CAP(XSAVE2, false, true, "size of the XSAVE area", "4 KiB XSAVE area assumed"),
	CAP(XCRS, false, false, "XCR0 copy on VTL switches", "XCR0 is not shared across VTLs"),
	CAP(DEBUGREGS, false, false, "DR0-DR3 copy on VTL switches",
	    "hyperv:vsm is refused"),
	CAP(VCPU_EVENTS, false, false, "pending exception injection (PendingEvent0), #UD",
	    "a higher VTL cannot inject exceptions into a lower one"),
	CAP(MP_STATE, false, false, "AP start-up state (HvCallStartVirtualProcessor)",
	    "HvCallStartVirtualProcessor cannot start a VP's VTL0"),
	CAP(GET_TSC_KHZ, false, false, "TSC frequency for the reference time",
	    "the TSC frequency is measured"),
	CAP(TSC_CONTROL, false, false, "setting the guest TSC frequency",
	    "the guest TSC runs at the host frequency"),
	CAP(ADJUST_CLOCK, false, false, "one kvmclock timeline across VTL VMs",
	    "VTL VMs may see different kvmclock values (vtlvm hides kvmclock anyway)"),
	CAP(SIGNAL_MSI, false, false, "SynIC interrupts into VTL0's LAPIC",
	    "SynIC interrupt delivery to VTL0"),
	CAP(IRQFD, false, false, "interrupt injection from event fds", "none (not used yet)"),
	CAP(X2APIC_API, false, false, "32-bit APIC IDs", "at most 255 vCPUs"),
	CAP(EXIT_HYPERCALL, false, true, "hypercall exits (informational: vtlvm does not "
	    "use VMCALL)", "nothing"),
	CAP(HYPERV, false, false, "KVM's own Hyper-V (informational: not used, vtlvm "
	    "implements Hyper-V itself)", "nothing"),
	CAP(NR_VCPUS, false, true, "recommended vCPUs per VM", "a limit of 4 is assumed"),
	CAP(MAX_VCPUS, false, true, "maximum vCPUs per VM (--cpus limit)",
	    "the recommended count is the limit"),
	CAP(MAX_VCPU_ID, false, true, "maximum vCPU id", "ids up to MAX_VCPUS"),
	CAP(NR_MEMSLOTS, false, true, "memslots per VM (VTL protection granularity)",
	    "32 memslots assumed"),
};

void caps_probe(struct kvm_caps *caps, int kvm_fd, int vm_fd)
{
	caps->api_version = kvm_sys_ioctl_val(kvm_fd, KVM_GET_API_VERSION, 0);
	for (int i = 0; i < CAP_COUNT; i++) {
		int fd = vm_fd >= 0 ? vm_fd : kvm_fd;

		caps->value[i] = kvm_sys_check_extension(fd, kvm_cap_table[i].cap);
	}
	/* KVM documents these fallbacks for the vCPU limits. */
	if (!caps->value[CAP_NR_VCPUS])
		caps->value[CAP_NR_VCPUS] = 4;
	if (!caps->value[CAP_MAX_VCPUS])
		caps->value[CAP_MAX_VCPUS] = caps->value[CAP_NR_VCPUS];
	if (!caps->value[CAP_MAX_VCPU_ID])
		caps->value[CAP_MAX_VCPU_ID] = caps->value[CAP_MAX_VCPUS];
	if (!caps->value[CAP_NR_MEMSLOTS])
		caps->value[CAP_NR_MEMSLOTS] = 32;
}

int caps_first_missing(const struct kvm_caps *caps)
{
	for (int i = 0; i < CAP_COUNT; i++)
		if (kvm_cap_table[i].required && !caps->value[i])
			return i;
	return -1;
}

void caps_print(const struct kvm_caps *caps, const char *dev, FILE *out)
{
	fprintf(out, "%s: KVM API version %d\n\n", dev, caps->api_version);
	fprintf(out, "%-32s %-8s %-9s %s\n", "CAPABILITY", "VALUE", "STATE", "USED FOR");
	for (int i = 0; i < CAP_COUNT; i++) {
		const struct kvm_cap_desc *d = &kvm_cap_table[i];
		int v = caps->value[i];
		const char *state = v ? "present" : d->required ? "MISSING" : "absent";

		fprintf(out, "%-32s %-8d %-9s %s%s\n", d->name, v, state, d->use,
			d->required ? " (required)" : "");
		if (!v && d->if_missing)
			fprintf(out, "%-52s missing: %s\n", "", d->if_missing);
	}
}
