// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "init: " fmt
#include "vmm/init.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/boot.h"
#include "vmm/console.h"
#include "vmm/events.h"
#include "vmm/hv_glue.h"
#include "vmm/log.h"
#include "vmm/platform_glue.h"
#include "vmm/status.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

static int vcpus_stage_init(struct vm *vm)
{
	int ret;

	vm->fail_status = VTLVM_EXIT_HOST;
	vm->vcpus = calloc(vm->cfg->cpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return -ENOMEM;
	for (u32 i = 0; i < vm->cfg->cpus; i++) {
		ret = vcpu_create(vm, i, &vm->vcpus[i]);
		if (ret)
			return ret;
		vm->nr_vcpus++;
	}
	/*
	 * Only the BSP gets an entry state. With the in-kernel LAPIC, KVM keeps
	 * APs in wait-for-SIPI; the guest starts them with INIT/SIPI.
	 */
	ret = vcpu_set_boot_state(vm->vcpus[0], &vm->boot);
	if (ret)
		pr_err("cannot set the boot vCPU's registers: %s", strerror(-ret));
	return ret;
}

static void vcpus_stage_exit(struct vm *vm)
{
	for (unsigned int i = 0; i < vm->nr_vcpus; i++)
		vcpu_destroy(vm->vcpus[i]);
	free(vm->vcpus);
	vm->vcpus = NULL;
	vm->nr_vcpus = 0;
}

static const struct init_stage stages[] = {
	{ "kvm",      vm_stage_kvm_init,     vm_stage_kvm_exit },	/* /dev/kvm, caps, CPUID */
	{ "vtl0",     vm_stage_vtl0_init,    vm_stage_vtl0_exit },	/* VTL0 VM, irqchip, PIT */
	{ "mem",      vm_stage_mem_init,     vm_stage_mem_exit },	/* RAM and memslots */
	{ "events",   events_stage_init,     events_stage_exit },	/* loop, signals, timeout */
	{ "hyperv",   hv_stage_init,         hv_stage_exit },		/* hv/, CPUID, MSR filter */
	{ "devices",  devices_stage_init,    devices_stage_exit },	/* buses and devices */
	{ "console",  console_stage_init,    console_stage_exit },	/* stdin, raw terminal */
	{ "firmware", firmware_stage_init,   NULL },			/* BDA, ACPI tables */
	{ "loader",   loader_stage_init,     NULL },			/* kernel, initrd, boot info */
	{ "vcpus",    vcpus_stage_init,      vcpus_stage_exit },	/* vCPUs, BSP entry state */
	{ "hv-time",  hv_time_stage_init,    NULL },			/* reference time vs guest TSC */
};

int vmm_init(struct vm *vm)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(stages); i++) {
		int ret = stages[i].init(vm);

		if (ret) {
			pr_debug("stage %s failed: %s", stages[i].name, strerror(-ret));
			/* Stage exits cope with partial work, so the failed one undoes its own. */
			if (stages[i].exit)
				stages[i].exit(vm);
			vmm_exit(vm);
			return ret;
		}
		vm->stages_done = i + 1;
	}
	return 0;
}

void vmm_exit(struct vm *vm)
{
	while (vm->stages_done > 0) {
		const struct init_stage *s = &stages[--vm->stages_done];

		if (s->exit)
			s->exit(vm);
	}
}
