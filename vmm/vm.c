// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "vm: " fmt
#include "vmm/vm.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "vmm/clock.h"
#include "vmm/cpuid.h"
#include "vmm/init.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vcpu.h"
#include "vmm/vtl_glue.h"
#include "devices/testdev.h"
#include "hv/hv.h"

/* A VP holds a vCPU, a struct hv_vp and an entry reason per VTL: one count for all. */
_Static_assert(VTL_MAX == HV_MAX_VTL && VTL_MAX == HV_NUM_VTLS, "VTL counts differ");

int vm_stage_kvm_init(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	int ret, missing;

	vm->fail_status = VTLVM_EXIT_HOST;
	ret = kvm_sys_open(cfg->kvm_dev, &vm->kvm_fd);
	if (ret) {
		pr_err("cannot open %s: %s", cfg->kvm_dev, strerror(-ret));
		return ret;
	}
	ret = kvm_sys_ioctl_val(vm->kvm_fd, KVM_GET_API_VERSION, 0);
	if (ret < 0) {
		pr_err("%s: not a KVM device: %s", cfg->kvm_dev, strerror(-ret));
		return ret;
	}
	if (ret != KVM_API_VERSION) {
		pr_err("%s: KVM API version %d, vtlvm needs %d", cfg->kvm_dev, ret,
		       KVM_API_VERSION);
		return -EINVAL;
	}
	caps_probe(&vm->caps, vm->kvm_fd, -1);
	missing = caps_first_missing(&vm->caps);
	if (missing >= 0) {
		pr_err("%s lacks %s, which vtlvm requires (see `vtlvm caps`)", cfg->kvm_dev,
		       kvm_cap_table[missing].name);
		return -EOPNOTSUPP;
	}
	if (cfg->cpus > (u32)caps_value(&vm->caps, CAP_MAX_VCPUS)) {
		pr_err("--cpus %u: KVM allows at most %d vCPUs per VM", cfg->cpus,
		       caps_value(&vm->caps, CAP_MAX_VCPUS));
		vm->fail_status = VTLVM_EXIT_USAGE;
		return -EINVAL;
	}
	ret = kvm_sys_ioctl_val(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (ret <= 0) {
		pr_err("KVM_GET_VCPU_MMAP_SIZE: %s", strerror(-ret));
		return ret ? ret : -EINVAL;
	}
	vm->run_size = ret;
	return cpuid_get_base(vm->kvm_fd, &vm->cpuid);
}

void vm_stage_kvm_exit(struct vm *vm)
{
	free(vm->cpuid);
	vm->cpuid = NULL;
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->kvm_fd = -1;
}

/* Unknown or invalid MSR accesses come to the VMM instead of being decided by KVM. */
static int enable_user_msrs(int vm_fd)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_USER_SPACE_MSR,
		.args[0] = KVM_MSR_EXIT_REASON_INVAL | KVM_MSR_EXIT_REASON_UNKNOWN |
			   KVM_MSR_EXIT_REASON_FILTER,
	};

	return kvm_sys_ioctl(vm_fd, KVM_ENABLE_CAP, &cap);
}

int vm_setup_kvm_vm(struct vm *vm, int fd, bool irqchip)
{
	struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
	u64 identity = LAYOUT_KVM_IDENTITY;
	int ret = kvm_sys_ioctl_val(fd, KVM_SET_TSS_ADDR, LAYOUT_KVM_TSS);

	if (ret >= 0 && caps_has(&vm->caps, CAP_SET_IDENTITY_MAP_ADDR))
		ret = kvm_sys_ioctl(fd, KVM_SET_IDENTITY_MAP_ADDR, &identity);
	if (ret >= 0 && irqchip)
		ret = kvm_sys_ioctl_val(fd, KVM_CREATE_IRQCHIP, 0);
	if (ret >= 0 && irqchip)
		ret = kvm_sys_ioctl(fd, KVM_CREATE_PIT2, &pit);
	if (ret >= 0)
		ret = enable_user_msrs(fd);
	return ret < 0 ? ret : 0;
}

int vm_stage_vtl0_init(struct vm *vm)
{
	int fd, ret;

	vm->fail_status = VTLVM_EXIT_HOST;
	fd = kvm_sys_ioctl_val(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (fd < 0) {
		pr_err("cannot create the VTL0 VM: %s", strerror(-fd));
		return fd;
	}
	vm->vtl[0].fd = fd;
	/* Capabilities can differ per VM type; re-read them on the VM itself. */
	caps_probe(&vm->caps, vm->kvm_fd, fd);
	ret = vm_setup_kvm_vm(vm, fd, true);
	if (ret < 0) {
		pr_err("cannot set up the VTL0 VM: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

void vm_stage_vtl0_exit(struct vm *vm)
{
	for (unsigned int i = 0; i < VTL_MAX; i++) {
		if (vm->vtl[i].fd >= 0)
			close(vm->vtl[i].fd);
		vm->vtl[i].fd = -1;
	}
}

int vm_stage_mem_init(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	int ret;

	vm->fail_status = VTLVM_EXIT_USAGE;
	if (layout_init(&vm->layout, cfg->mem_size)) {
		pr_err("memory size %llu is not usable (page-aligned, %llu MiB to %llu GiB)",
		       (unsigned long long)cfg->mem_size,
		       (unsigned long long)(LAYOUT_MIN_RAM / MiB),
		       (unsigned long long)(LAYOUT_MAX_RAM / GiB));
		return -EINVAL;
	}
	vm->fail_status = VTLVM_EXIT_HOST;
	ret = gmem_init(&vm->mem, vm->vtl[0].fd, &vm->layout, cfg->mem_backend,
			caps_value(&vm->caps, CAP_GUEST_MEMFD) &&
			caps_has(&vm->caps, CAP_USER_MEMORY2) ?
			(u64)caps_value(&vm->caps, CAP_GUEST_MEMFD_FLAGS) : 0);
	if (ret)
		return ret;
	ret = gmem_map_slots(&vm->mem, vm->vtl[0].fd, true);
	if (ret) {
		gmem_exit(&vm->mem);
		return ret;
	}
	pr_info("%llu MiB of RAM in a %s, %u vCPU%s", (unsigned long long)(cfg->mem_size / MiB),
		gmem_backend_name(&vm->mem), cfg->cpus, cfg->cpus == 1 ? "" : "s");
	return 0;
}

void vm_stage_mem_exit(struct vm *vm)
{
	gmem_exit(&vm->mem);
}

void vm_set_irq(struct vm *vm, u32 gsi, int level)
{
	struct kvm_irq_level irq = { .irq = gsi, .level = level };

	if (kvm_sys_ioctl(vm->vtl[0].fd, KVM_IRQ_LINE, &irq) < 0)
		pr_warn_ratelimited("cannot set irq %u to %d", gsi, level);
}

void vm_request_stop(struct vm *vm, int status, const char *why)
{
	u64 one = 1;

	if (atomic_exchange(&vm->stopping, true))
		return;
	atomic_store(&vm->stop_status, status);
	pr_debug("stopping with status %d: %s", status, why);
	if (write(vm->stop_efd, &one, sizeof(one)) < 0)
		pr_err("cannot wake the event loop: %s", strerror(errno));
}

int vm_create_fail_status(const struct vm *vm)
{
	return vm ? vm->fail_status : VTLVM_EXIT_HOST;
}

int vm_create(const struct vm_config *cfg, struct vm **out)
{
	struct vm *vm = calloc(1, sizeof(*vm));
	int ret;

	*out = vm;	/* even on failure: the caller reads the failure status */
	if (!vm)
		return -ENOMEM;
	vm->cfg = cfg;
	vm->kvm_fd = -1;
	vm->stop_efd = -1;
	vm->loop.epfd = -1;
	vm->mem.fd = -1;
	vm->start_ns = monotonic_ns();
	vm->fail_status = VTLVM_EXIT_HOST;
	for (unsigned int i = 0; i < VTL_MAX; i++)
		vm->vtl[i].fd = -1;
	bus_init(&vm->pio, "pio");
	bus_init(&vm->mmio, "mmio");
	ret = vmm_init(vm);
	return ret;
}

/* What the benchmarks read from the test channel once the VPs are done. */
static void report_stats(struct vm *vm)
{
	u64 switches, ioctls;

	if (!vm->dev.testdev || !vm->vsm)
		return;
	vtl_glue_stats(vm, &switches, &ioctls);
	testdev_stat(vm->dev.testdev, "vtl_switches", switches);
	testdev_stat(vm->dev.testdev, "vtl_switch_ioctls", ioctls);
}

int vm_run(struct vm *vm)
{
	unsigned int started = 0;
	int ret = 0;

	bus_freeze(&vm->pio);
	bus_freeze(&vm->mmio);
	for (; started < vm->nr_vcpus; started++) {
		ret = vcpu_start(vm->vcpus[started]);
		if (ret) {
			pr_err("cannot start vcpu%u: %s", started, strerror(-ret));
			vm_request_stop(vm, VTLVM_EXIT_HOST, "thread creation failed");
			break;
		}
	}
	if (!ret && loop_run(&vm->loop))
		vm_request_stop(vm, VTLVM_EXIT_HOST, "event loop failed");
	/* Every path out of the loop has set stopping; now get the VPs out of KVM_RUN. */
	for (unsigned int i = 0; i < started; i++)
		vcpu_kick(vm->vcpus[i]), vcpu_wake(vm->vcpus[i]);
	for (unsigned int i = 0; i < started; i++)
		vcpu_join(vm->vcpus[i]);
	report_stats(vm);
	return atomic_load(&vm->stop_status);
}

void vm_destroy(struct vm *vm)
{
	if (!vm)
		return;
	vmm_exit(vm);
	bus_exit(&vm->pio);
	bus_exit(&vm->mmio);
	free(vm);
}
