// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "exit: " fmt
#include "vmm/exit.h"

#include <errno.h>
#include <string.h>

#include "devices/bus.h"
#include "hv/hcall.h"
#include "vmm/hv_glue.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/vtl_glue.h"

static const char *const reason_names[] = {
	[KVM_EXIT_UNKNOWN] = "UNKNOWN",
	[KVM_EXIT_EXCEPTION] = "EXCEPTION",
	[KVM_EXIT_IO] = "IO",
	[KVM_EXIT_HYPERCALL] = "HYPERCALL",
	[KVM_EXIT_DEBUG] = "DEBUG",
	[KVM_EXIT_HLT] = "HLT",
	[KVM_EXIT_MMIO] = "MMIO",
	[KVM_EXIT_IRQ_WINDOW_OPEN] = "IRQ_WINDOW_OPEN",
	[KVM_EXIT_SHUTDOWN] = "SHUTDOWN",
	[KVM_EXIT_FAIL_ENTRY] = "FAIL_ENTRY",
	[KVM_EXIT_INTR] = "INTR",
	[KVM_EXIT_SET_TPR] = "SET_TPR",
	[KVM_EXIT_TPR_ACCESS] = "TPR_ACCESS",
	[KVM_EXIT_NMI] = "NMI",
	[KVM_EXIT_INTERNAL_ERROR] = "INTERNAL_ERROR",
	[KVM_EXIT_SYSTEM_EVENT] = "SYSTEM_EVENT",
	[KVM_EXIT_IOAPIC_EOI] = "IOAPIC_EOI",
	[KVM_EXIT_HYPERV] = "HYPERV",
	[KVM_EXIT_X86_RDMSR] = "X86_RDMSR",
	[KVM_EXIT_X86_WRMSR] = "X86_WRMSR",
	[KVM_EXIT_DIRTY_RING_FULL] = "DIRTY_RING_FULL",
	[KVM_EXIT_X86_BUS_LOCK] = "X86_BUS_LOCK",
	[KVM_EXIT_NOTIFY] = "NOTIFY",
	[KVM_EXIT_MEMORY_FAULT] = "MEMORY_FAULT",
};

const char *exit_reason_name(u32 reason)
{
	if (reason < ARRAY_SIZE(reason_names) && reason_names[reason])
		return reason_names[reason];
	return "?";
}

static int decode_io(struct kvm_run *run, size_t run_size, struct vmm_exit *out)
{
	u8 size = run->io.size;
	u64 bytes = (u64)size * run->io.count;

	if ((size != 1 && size != 2 && size != 4) || !run->io.count ||
	    !range_within(run->io.data_offset, bytes, 0, run_size))
		return -EINVAL;
	out->kind = VMM_EXIT_PIO;
	out->pio.port = run->io.port;
	out->pio.size = size;
	out->pio.is_write = run->io.direction == KVM_EXIT_IO_OUT;
	out->pio.count = run->io.count;
	out->pio.data = (u8 *)run + run->io.data_offset;
	return 0;
}

static int decode_mmio(struct kvm_run *run, struct vmm_exit *out)
{
	if (!run->mmio.len || run->mmio.len > sizeof(run->mmio.data))
		return -EINVAL;
	out->kind = VMM_EXIT_MMIO;
	out->mmio.gpa = run->mmio.phys_addr;
	out->mmio.data = run->mmio.data;
	out->mmio.len = run->mmio.len;
	out->mmio.is_write = run->mmio.is_write;
	return 0;
}

static void decode_msr(struct kvm_run *run, struct vmm_exit *out)
{
	out->kind = run->exit_reason == KVM_EXIT_X86_RDMSR ? VMM_EXIT_RDMSR : VMM_EXIT_WRMSR;
	out->msr.index = run->msr.index;
	out->msr.reason = run->msr.reason;
	out->msr.data = (u64 *)&run->msr.data;
	out->msr.error = &run->msr.error;
}

int exit_decode(struct kvm_run *run, size_t run_size, struct vmm_exit *out)
{
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->reason = run->exit_reason;
	out->kind = VMM_EXIT_UNKNOWN;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		ret = decode_io(run, run_size, out);
		break;
	case KVM_EXIT_MMIO:
		ret = decode_mmio(run, out);
		break;
	case KVM_EXIT_X86_RDMSR:
	case KVM_EXIT_X86_WRMSR:
		decode_msr(run, out);
		break;
	case KVM_EXIT_HLT:
		out->kind = VMM_EXIT_HLT;
		break;
	case KVM_EXIT_IRQ_WINDOW_OPEN:
		out->kind = VMM_EXIT_IRQ_WINDOW;
		break;
	case KVM_EXIT_SET_TPR:
		out->kind = VMM_EXIT_SET_TPR;
		break;
	case KVM_EXIT_INTR:
		out->kind = VMM_EXIT_INTR;
		break;
	case KVM_EXIT_SHUTDOWN:
		out->kind = VMM_EXIT_SHUTDOWN;
		break;
	case KVM_EXIT_SYSTEM_EVENT:
		out->kind = VMM_EXIT_SYSTEM_EVENT;
		out->system_event.type = run->system_event.type;
		out->system_event.flags = run->system_event.flags;
		break;
	case KVM_EXIT_INTERNAL_ERROR:
		out->kind = VMM_EXIT_INTERNAL_ERROR;
		out->internal.suberror = run->internal.suberror;
		out->internal.ndata = MIN(run->internal.ndata, (u32)ARRAY_SIZE(run->internal.data));
		out->internal.data = (const u64 *)run->internal.data;
		break;
	case KVM_EXIT_FAIL_ENTRY:
		out->kind = VMM_EXIT_FAIL_ENTRY;
		out->hw_reason = run->fail_entry.hardware_entry_failure_reason;
		break;
	default:
		out->hw_reason = run->hw.hardware_exit_reason;
		break;
	}
	if (ret)
		out->kind = VMM_EXIT_UNKNOWN;
	return ret;
}

static enum vcpu_action pio_handle(struct vcpu *vcpu, const struct vmm_exit *e)
{
	if (e->pio.port == HV_HCALL_PORT && e->pio.is_write && vcpu->vm->hv)
		return hv_glue_hypercall(vcpu);
	for (u32 i = 0; i < e->pio.count; i++) {
		u8 *data = e->pio.data + (size_t)i * e->pio.size;

		if (bus_dispatch(&vcpu->vm->pio, e->pio.port, data, e->pio.size, e->pio.is_write))
			continue;
		/* No device: reads float high, writes vanish (the ISA bus does the same). */
		if (!e->pio.is_write)
			memset(data, 0xff, e->pio.size);
		pr_warn_ratelimited("vcpu%u: unhandled port %s %#x (%u bytes)", vcpu->index,
				    e->pio.is_write ? "write" : "read", e->pio.port, e->pio.size);
	}
	return VCPU_CONTINUE;
}

static enum vcpu_action mmio_handle(struct vcpu *vcpu, const struct vmm_exit *e)
{
	if (bus_dispatch(&vcpu->vm->mmio, e->mmio.gpa, e->mmio.data, e->mmio.len,
			 e->mmio.is_write))
		return VCPU_CONTINUE;
	if (!e->mmio.is_write)
		memset(e->mmio.data, 0xff, e->mmio.len);
	pr_warn_ratelimited("vcpu%u: unhandled mmio %s %#llx (%u bytes)", vcpu->index,
			    e->mmio.is_write ? "write" : "read",
			    (unsigned long long)e->mmio.gpa, e->mmio.len);
	return VCPU_CONTINUE;
}

static enum vcpu_action msr_handle(struct vcpu *vcpu, const struct vmm_exit *e)
{
	if (hv_glue_msr(vcpu, e))
		return VCPU_CONTINUE;
	/* Nobody claimed it: #GP, as the CPU gives for an MSR it lacks (SDM RDMSR/WRMSR). */
	*e->msr.error = 1;
	pr_warn_ratelimited("vcpu%u: %s of unknown msr %#x: injecting #GP", vcpu->index,
			    e->kind == VMM_EXIT_RDMSR ? "rdmsr" : "wrmsr", e->msr.index);
	return VCPU_CONTINUE;
}

static enum vcpu_action system_event_handle(struct vcpu *vcpu, const struct vmm_exit *e)
{
	switch (e->system_event.type) {
	case KVM_SYSTEM_EVENT_SHUTDOWN:
		vm_request_stop(vcpu->vm, VTLVM_EXIT_POWEROFF, "system event: shutdown");
		return VCPU_STOP;
	case KVM_SYSTEM_EVENT_RESET:
		vm_request_stop(vcpu->vm, VTLVM_EXIT_RESET, "system event: reset");
		return VCPU_STOP;
	case KVM_SYSTEM_EVENT_CRASH:
		vm_request_stop(vcpu->vm, VTLVM_EXIT_GUEST_PANIC, "system event: crash");
		return VCPU_STOP;
	}
	pr_err("vcpu%u: unknown system event %u", vcpu->index, e->system_event.type);
	return VCPU_FATAL;
}

enum vcpu_action exit_handle(struct vcpu *vcpu, const struct vmm_exit *e)
{
	enum vcpu_action act;

	/*
	 * With VSM: above VTL0 the APIC is the VMM's (its MMIO, MSRs, HLT and
	 * interrupt windows), and VTL0's MTRR writes are shared; those go first.
	 */
	if ((vcpu->cur_vtl || vcpu->vm->vsm) && vtl_glue_exit(vcpu, e, &act))
		return act;
	switch (e->kind) {
	case VMM_EXIT_PIO:		return pio_handle(vcpu, e);
	case VMM_EXIT_MMIO:		return mmio_handle(vcpu, e);
	case VMM_EXIT_RDMSR:
	case VMM_EXIT_WRMSR:		return msr_handle(vcpu, e);
	case VMM_EXIT_INTR:		return VCPU_CONTINUE;
	case VMM_EXIT_SYSTEM_EVENT:	return system_event_handle(vcpu, e);
	case VMM_EXIT_SHUTDOWN:
		vcpu_dump(vcpu, "guest triple fault (KVM_EXIT_SHUTDOWN)");
		vm_request_stop(vcpu->vm, VTLVM_EXIT_TRIPLE_FAULT, "triple fault");
		return VCPU_STOP;
	case VMM_EXIT_INTERNAL_ERROR:
		pr_err("vcpu%u: KVM internal error, suberror %u%s", vcpu->index,
		       e->internal.suberror,
		       e->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ?
		       " (instruction emulation failed)" : "");
		for (u32 i = 0; i < e->internal.ndata; i++)
			pr_err("  data[%u] = %#llx", i, (unsigned long long)e->internal.data[i]);
		return VCPU_FATAL;
	case VMM_EXIT_FAIL_ENTRY:
		pr_err("vcpu%u: VM entry failed, hardware reason %#llx", vcpu->index,
		       (unsigned long long)e->hw_reason);
		return VCPU_FATAL;
	case VMM_EXIT_HLT:
	case VMM_EXIT_IRQ_WINDOW:
	case VMM_EXIT_SET_TPR:
	case VMM_EXIT_UNKNOWN:
		break;
	}
	pr_err("vcpu%u: unexpected exit %s (%u)", vcpu->index, exit_reason_name(e->reason),
	       e->reason);
	return VCPU_FATAL;
}
