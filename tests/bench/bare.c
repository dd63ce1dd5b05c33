// SPDX-License-Identifier: MIT
/*
 * The baseline: a guest ELF on the barest KVM loop. Set-up reuses vtlvm's
 * loaders (it is not measured); the run loop is one thread doing KVM_RUN
 * and a switch on the port, nothing else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/fdt.h"
#include "devices/testdev_abi.h"
#include "mem/elf.h"
#include "mem/gmem.h"
#include "mem/layout.h"
#include "mem/pgtable.h"
#include "tests/bench/bench.h"
#include "vmm/caps.h"
#include "vmm/cpuid.h"
#include "vmm/kvm_sys.h"
#include "vmm/vcpu.h"

struct bare {
	int kvm_fd, vm_fd, vcpu_fd;
	struct kvm_run *run;
	size_t run_size;
	struct gmem mem;
};

static int bare_load(struct bare *b, const char *path, const char *cmdline, u64 *entry)
{
	struct layout l;
	struct image img;
	struct elf_info info;
	struct bootinfo bi = { .layout = &l, .nr_cpus = 1, .cmdline = cmdline };
	struct kvm_caps caps;
	static u8 blob[LAYOUT_BOOTINFO_SIZE];
	gpa_t cr3, cmd;
	int ret;

	caps_probe(&caps, b->kvm_fd, b->vm_fd);
	if (layout_init(&l, 64 * MiB))
		return -EINVAL;
	/* The same RAM backing vtlvm picks by default, so memory costs match. */
	ret = gmem_init(&b->mem, b->vm_fd, &l, MEM_BACKEND_AUTO,
			caps_has(&caps, CAP_USER_MEMORY2) ? caps_value(&caps, CAP_GUEST_MEMFD_FLAGS) : 0);
	if (ret)
		return ret;
	ret = gmem_map_slots(&b->mem, b->vm_fd, true);
	if (!ret)
		ret = pgtable_write_gdt(&b->mem);
	if (!ret)
		ret = pgtable_write_identity(&b->mem, &cr3);
	if (!ret)
		ret = image_read(path, &img);
	if (ret)
		return ret;
	ret = elf_load(&b->mem, &img, &info);
	image_free(&img);
	if (!ret)
		ret = loader_write_cmdline(&b->mem, &img, cmdline, LAYOUT_CMDLINE_SIZE - 1, &cmd);
	if (!ret)
		ret = fdt_build_bootinfo(blob, sizeof(blob), &bi);
	if (!ret)
		ret = gmem_write(&b->mem, LAYOUT_BOOTINFO, blob, sizeof(blob));
	*entry = info.entry;
	return ret;
}

static int bare_vcpu(struct bare *b, u64 entry)
{
	struct kvm_cpuid2 *base, *c;
	struct kvm_sregs sregs;
	struct kvm_regs regs = { .rip = entry, .rdi = LAYOUT_BOOTINFO, .rflags = 2 };
	int ret;

	b->vcpu_fd = kvm_sys_ioctl_val(b->vm_fd, KVM_CREATE_VCPU, 0);
	if (b->vcpu_fd < 0)
		return b->vcpu_fd;
	b->run_size = kvm_sys_ioctl_val(b->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	ret = kvm_sys_map_run(b->vcpu_fd, b->run_size, &b->run);
	if (!ret)
		ret = cpuid_get_base(b->kvm_fd, &base);
	if (ret)
		return ret;
	c = cpuid_for_vcpu(base, 0, 1);
	free(base);
	if (!c)
		return -ENOMEM;
	ret = kvm_sys_ioctl(b->vcpu_fd, KVM_SET_CPUID2, c);
	free(c);
	if (ret >= 0)
		ret = kvm_sys_ioctl(b->vcpu_fd, KVM_GET_SREGS, &sregs);
	if (ret < 0)
		return ret;
	vcpu_boot_sregs(&sregs, BOOT_MODE_LONG64);
	ret = kvm_sys_ioctl(b->vcpu_fd, KVM_SET_SREGS, &sregs);
	if (ret >= 0)
		ret = kvm_sys_ioctl(b->vcpu_fd, KVM_SET_REGS, &regs);
	return ret < 0 ? ret : 0;
}

/* A ucall: the record's address is in RDI, as vtlvm's test device reads it. */
static bool bare_ucall(struct bare *b, struct bench_run *out)
{
	struct kvm_regs regs;
	struct ucall uc;
	u64 now = bench_now_ns();

	if (kvm_sys_ioctl(b->vcpu_fd, KVM_GET_REGS, &regs) < 0 ||
	    gmem_read(&b->mem, regs.rdi, &uc, sizeof(uc)))
		return true;
	if (uc.cmd == UCALL_SYNC && uc.args[0] < BENCH_MAX_STAGES)
		out->stage_ns[uc.args[0]] = now;
	return uc.cmd == UCALL_DONE || uc.cmd == UCALL_ASSERT;
}

static int bare_loop(struct bare *b, struct bench_run *out)
{
	for (;;) {
		struct kvm_run *run = b->run;
		u8 *data;

		if (kvm_sys_vcpu_run(b->vcpu_fd, run))
			return -EIO;
		data = (u8 *)run + run->io.data_offset;
		if (run->exit_reason != KVM_EXIT_IO)
			return run->exit_reason == KVM_EXIT_INTR ? 0 : -EIO;
		switch (run->io.port) {
		case TESTDEV_NULL_PORT:
			break;
		case TESTDEV_UCALL_PORT:
			if (bare_ucall(b, out))
				return 0;
			break;
		case TESTDEV_EXIT_PORT:
			return 0;
		default:
			if (run->io.direction == KVM_EXIT_IO_IN)
				memset(data, 0xff, run->io.size * run->io.count);
			break;
		}
	}
}

int bench_bare_run(const char *elf, const char *cmdline, struct bench_run *out)
{
	struct bare b = { .kvm_fd = -1, .vm_fd = -1, .vcpu_fd = -1, .mem.fd = -1 };
	u64 entry = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	ret = kvm_sys_open("/dev/kvm", &b.kvm_fd);
	if (ret)
		return ret;
	b.vm_fd = kvm_sys_ioctl_val(b.kvm_fd, KVM_CREATE_VM, 0);
	ret = b.vm_fd < 0 ? b.vm_fd : kvm_sys_ioctl_val(b.vm_fd, KVM_SET_TSS_ADDR, LAYOUT_KVM_TSS);
	/* Same in-kernel irqchip as vtlvm's VTL0: KVM's exit path is then the same. */
	if (ret >= 0)
		ret = kvm_sys_ioctl_val(b.vm_fd, KVM_CREATE_IRQCHIP, 0);
	if (ret >= 0)
		ret = bare_load(&b, elf, cmdline, &entry);
	if (!ret)
		ret = bare_vcpu(&b, entry);
	if (!ret)
		ret = bare_loop(&b, out);
	kvm_sys_unmap_run(b.run, b.run_size);
	if (b.vcpu_fd >= 0)
		close(b.vcpu_fd);
	gmem_exit(&b.mem);
	if (b.vm_fd >= 0)
		close(b.vm_fd);
	close(b.kvm_fd);
	return ret < 0 ? ret : 0;
}
