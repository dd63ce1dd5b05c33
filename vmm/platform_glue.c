// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "devices: " fmt
#include "vmm/platform_glue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/acpi_pm.h"
#include "devices/cmos.h"
#include "devices/fwcfg.h"
#include "devices/serial8250.h"
#include "devices/sysreset.h"
#include "devices/testdev.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/x86.h"

static void glue_set_irq(void *ctx, u32 gsi, int level)
{
	vm_set_irq(ctx, gsi, level);
}

static void glue_request_stop(void *ctx, int status, const char *why)
{
	vm_request_stop(ctx, status, why);
}

static int glue_caller(void *ctx, u32 *cpu, u64 *rdi)
{
	struct vcpu *vcpu = vcpu_self();
	struct kvm_sregs sregs;
	struct kvm_regs regs;
	int fd, ret;

	(void)ctx;
	if (!vcpu)
		return -ESRCH;
	fd = vcpu->vtl[vcpu->cur_vtl].fd;
	ret = kvm_sys_ioctl(fd, KVM_GET_REGS, &regs);
	if (ret >= 0)
		ret = kvm_sys_ioctl(fd, KVM_GET_SREGS, &sregs);
	if (ret < 0)
		return ret;
	*cpu = vcpu->index;
	/* Outside long mode only EDI is architectural (multiboot guests run in 32-bit mode). */
	*rdi = sregs.efer & EFER_LMA ? regs.rdi : (u32)regs.rdi;
	return 0;
}

static const struct platform_ops glue_ops = {
	.set_irq = glue_set_irq,
	.request_stop = glue_request_stop,
	.caller = glue_caller,
};

/*
 * Ports that guests poke for timing or POST codes: accept silently. No
 * callbacks: the bus reads all-ones and drops writes (devices/bus.h).
 */
static const struct bus_ops sink_ops = { 0 };

static int register_sinks(struct vm *vm)
{
	static const struct { u16 port, len; const char *name; } sinks[] = {
		{ 0x80, 1, "post-code" },	/* Linux's io_delay() writes here */
		{ 0xed, 1, "io-delay" },	/* the alternative io_delay port */
	};

	for (size_t i = 0; i < ARRAY_SIZE(sinks); i++) {
		int ret = bus_register(&vm->pio, sinks[i].port, sinks[i].len, &sink_ops, NULL,
				       sinks[i].name);
		if (ret)
			return ret;
	}
	return 0;
}

int devices_stage_init(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct vm_devices *d = &vm->dev;
	int ret;

	vm->fail_status = VTLVM_EXIT_HOST;
	vm->platform = (struct platform) {
		.ops = &glue_ops, .ctx = vm, .mem = &vm->mem, .nr_cpus = cfg->cpus,
	};
	d->serial = calloc(1, sizeof(*d->serial));
	d->testdev = calloc(1, sizeof(*d->testdev));
	d->cmos = calloc(1, sizeof(*d->cmos));
	d->fwcfg = calloc(1, sizeof(*d->fwcfg));
	d->pm = calloc(1, sizeof(*d->pm));
	d->reset = calloc(1, sizeof(*d->reset));
	if (!d->serial || !d->testdev || !d->cmos || !d->fwcfg || !d->pm || !d->reset)
		return -ENOMEM;
	ret = serial8250_init(d->serial, &vm->pio, SERIAL_COM1_PORT, SERIAL_COM1_IRQ,
			      &vm->platform, cfg->serial == SERIAL_STDIO);
	if (!ret)
		ret = testdev_init(d->testdev, &vm->pio, &vm->platform, cfg->test_fd);
	if (!ret)
		ret = cmos_init(d->cmos, &vm->pio, &vm->layout, cfg->cpus);
	if (!ret)
		ret = fwcfg_init(d->fwcfg, &vm->pio, &vm->platform);
	if (!ret)
		ret = acpi_pm_init(d->pm, &vm->pio, &vm->platform);
	if (!ret)
		ret = sysreset_init(d->reset, &vm->pio, &vm->platform);
	if (!ret)
		ret = register_sinks(vm);
	if (ret)
		pr_err("cannot set up devices: %s", strerror(-ret));
	return ret;
}

void devices_stage_exit(struct vm *vm)
{
	struct vm_devices *d = &vm->dev;

	/* Each exit copes with a device that calloc() zeroed but init never reached. */
	if (d->reset)
		sysreset_exit(d->reset);
	if (d->pm)
		acpi_pm_exit(d->pm);
	if (d->fwcfg)
		fwcfg_exit(d->fwcfg);
	if (d->cmos)
		cmos_exit(d->cmos);
	if (d->testdev)
		testdev_exit(d->testdev);
	if (d->serial)
		serial8250_exit(d->serial);
	free(d->reset);
	free(d->pm);
	free(d->fwcfg);
	free(d->cmos);
	free(d->testdev);
	free(d->serial);
	memset(d, 0, sizeof(*d));
}
