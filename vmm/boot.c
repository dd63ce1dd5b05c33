// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "boot: " fmt
#include "vmm/boot.h"

#include <errno.h>
#include <string.h>

#include "devices/acpi.h"
#include "devices/fdt.h"
#include "mem/bzimage.h"
#include "mem/elf.h"
#include "mem/layout.h"
#include "mem/multiboot.h"
#include "mem/pgtable.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vm.h"

#define BDA_EBDA_SEGMENT 0x40e	/* BIOS data area: EBDA segment (u16) */
#define BOOTINFO_CMDLINE_MAX 32768	/* half the boot-info blob; the tree needs < 1 KiB more */

int firmware_stage_init(struct vm *vm)
{
	const struct gmem *m = &vm->mem;
	struct acpi_desc acpi = { .nr_cpus = vm->cfg->cpus };
	u16 ebda = LAYOUT_EBDA >> 4;
	gpa_t cr3;
	int ret;

	vm->fail_status = VTLVM_EXIT_HOST;
	ret = gmem_fill(m, 0, 0, LAYOUT_PGTABLE_END);
	if (!ret)
		ret = gmem_write(m, BDA_EBDA_SEGMENT, &ebda, sizeof(ebda));
	if (!ret)
		ret = pgtable_write_gdt(m);
	if (!ret)
		ret = pgtable_write_identity(m, &cr3);
	if (!ret)
		ret = acpi_build(m, LAYOUT_ACPI, LAYOUT_ACPI_SIZE, &acpi, &vm->acpi_rsdp);
	if (ret)
		pr_err("cannot write firmware tables: %s", strerror(-ret));
	return ret;
}

/* An ELF64 program entered in long mode on identity tables: its entry must be below 4 GiB. */
static int load_elf64(struct vm *vm, const struct image *img, struct elf_info *info)
{
	int ret = elf_load(&vm->mem, img, info);

	if (ret)
		return ret;
	if (!info->is64) {
		pr_err("%s: a 32-bit ELF needs a multiboot header to be booted", img->path);
		return -ENOEXEC;
	}
	if (info->entry >= PGTABLE_IDENTITY_SIZE) {
		pr_err("%s: entry point %#llx is above 4 GiB, beyond the boot page tables",
		       img->path, (unsigned long long)info->entry);
		return -ENOEXEC;
	}
	return 0;
}

/*
 * The VTL1 program (vtl1:kernel): loaded at its ELF addresses beside the VTL0
 * kernel, with identity page tables and a boot-info blob of its own. It does
 * not run until the VTL0 guest enables VTL1 and enters it; VTL0's blob says
 * where it is (devices/fdt.h "vtl1").
 */
static int load_vtl1(struct vm *vm, const struct elf_info *vtl0, struct bootinfo_vtl1 *out)
{
	struct bootinfo bi = {
		.layout = &vm->layout, .nr_cpus = vm->cfg->cpus, .vtl = 1,
		.acpi_rsdp = vm->acpi_rsdp,
	};
	u8 blob[LAYOUT_VTL1_BOOTINFO_SIZE];
	struct image img;
	struct elf_info info;
	int ret = image_read(vm->cfg->vtl1_kernel, &img);

	if (ret)
		return ret;
	ret = load_elf64(vm, &img, &info);
	if (!ret && range_overlaps(info.lowest, info.highest - info.lowest, vtl0->lowest,
				   vtl0->highest - vtl0->lowest)) {
		pr_err("%s: [%#llx, %#llx) overlaps the VTL0 kernel [%#llx, %#llx)", img.path,
		       (unsigned long long)info.lowest, (unsigned long long)info.highest,
		       (unsigned long long)vtl0->lowest, (unsigned long long)vtl0->highest);
		ret = -EINVAL;
	}
	image_free(&img);
	if (ret)
		return ret;
	*out = (struct bootinfo_vtl1) {
		.entry = info.entry, .bootinfo = LAYOUT_VTL1_BOOTINFO,
		.image_start = info.lowest, .image_end = info.highest,
	};
	ret = pgtable_write_identity_at(&vm->mem, LAYOUT_VTL1_PGTABLE, &out->cr3);
	if (!ret)
		ret = fdt_build_bootinfo(blob, sizeof(blob), &bi);
	if (!ret)
		ret = gmem_write(&vm->mem, LAYOUT_VTL1_BOOTINFO, blob, sizeof(blob));
	if (ret)
		pr_err("cannot write the VTL1 program's boot info: %s", strerror(-ret));
	return ret;
}

static int load_elf(struct vm *vm, const struct image *kernel, const struct image *initrd)
{
	struct bootinfo bi = {
		.layout = &vm->layout, .nr_cpus = vm->cfg->cpus, .vtl = 0,
		.cmdline = vm->cfg->cmdline, .acpi_rsdp = vm->acpi_rsdp,
	};
	struct bootinfo_vtl1 vtl1;
	u8 blob[LAYOUT_BOOTINFO_SIZE];
	struct elf_info info;
	gpa_t cmdline, highest;
	int ret;

	ret = load_elf64(vm, kernel, &info);
	if (ret)
		return ret;
	highest = info.highest;
	if (vm->cfg->vtl1_kernel) {
		ret = load_vtl1(vm, &info, &vtl1);
		if (ret)
			return ret;
		bi.vtl1 = &vtl1;
		highest = MAX(highest, vtl1.image_end);
	}
	/* The command line goes into the boot-info blob too, which holds 64 KiB in all. */
	if (vm->cfg->cmdline && strlen(vm->cfg->cmdline) > BOOTINFO_CMDLINE_MAX) {
		pr_err("--append: command line of %zu bytes is longer than an ELF guest's "
		       "boot info allows (%d)", strlen(vm->cfg->cmdline), BOOTINFO_CMDLINE_MAX);
		return -E2BIG;
	}
	if (initrd) {
		ret = loader_place_initrd(&vm->mem, initrd, highest, LAYOUT_LOW_RAM_MAX,
					  &bi.initrd_start);
		if (ret)
			return ret;
		bi.initrd_end = bi.initrd_start + initrd->size;
	}
	ret = loader_write_cmdline(&vm->mem, kernel, vm->cfg->cmdline, LAYOUT_CMDLINE_SIZE - 1, &cmdline);
	if (ret)
		return ret;
	ret = fdt_build_bootinfo(blob, sizeof(blob), &bi);
	if (ret) {
		pr_err("cannot build the boot-info device tree: %s", strerror(-ret));
		return ret;
	}
	ret = gmem_write(&vm->mem, LAYOUT_BOOTINFO, blob, sizeof(blob));
	if (ret)
		return ret;
	vm->boot = (struct boot_state) {
		.mode = BOOT_MODE_LONG64, .rip = info.entry, .rdi = LAYOUT_BOOTINFO,
	};
	return 0;
}

static int load_image(struct vm *vm, enum image_format fmt, const struct image *kernel,
		      const struct image *initrd)
{
	const struct vm_config *cfg = vm->cfg;

	switch (fmt) {
	case IMAGE_ELF:
		return load_elf(vm, kernel, initrd);
	case IMAGE_BZIMAGE: {
		struct bzimage_args a = {
			.kernel = kernel, .initrd = initrd, .cmdline = cfg->cmdline,
			.acpi_rsdp = vm->acpi_rsdp,
		};
		return bzimage_load(&vm->mem, &a, &vm->boot);
	}
	case IMAGE_MULTIBOOT: {
		struct multiboot_args a = {
			.kernel = kernel, .cmdline = cfg->cmdline, .modules = cfg->initrd,
		};
		return multiboot_load(&vm->mem, &a, &vm->boot);
	}
	case IMAGE_AUTO:
		break;
	}
	pr_err("%s: not an ELF, bzImage or multiboot image", kernel->path);
	return -ENOEXEC;
}

int loader_stage_init(struct vm *vm)
{
	const struct vm_config *cfg = vm->cfg;
	struct image kernel, initrd = { 0 };
	enum image_format fmt;
	int ret;

	vm->fail_status = VTLVM_EXIT_USAGE;
	ret = image_read(cfg->kernel, &kernel);
	if (ret)
		return ret;
	fmt = cfg->format != IMAGE_AUTO ? cfg->format : image_detect(&kernel);
	if (cfg->vtl1_kernel && fmt != IMAGE_ELF) {
		pr_err("vtl1:kernel (--vtl1-kernel): the VTL0 kernel %s must be an ELF guest, "
		       "whose boot info tells it where the VTL1 program is", cfg->kernel);
		ret = -EINVAL;
		goto out;
	}
	/* Multiboot modules are a list, read by the multiboot loader itself. */
	if (cfg->initrd && fmt != IMAGE_MULTIBOOT) {
		ret = image_read(cfg->initrd, &initrd);
		if (ret)
			goto out;
	}
	ret = load_image(vm, fmt, &kernel, initrd.data ? &initrd : NULL);
	/* Out of memory or a guest-memory write that failed are vtlvm's trouble, not the image's. */
	if (ret == -ENOMEM || ret == -EFAULT)
		vm->fail_status = VTLVM_EXIT_HOST;
	if (!ret)
		pr_debug("loaded %s as %s, entry %#llx", cfg->kernel, image_format_name(fmt),
			 (unsigned long long)vm->boot.rip);
out:
	image_free(&initrd);
	image_free(&kernel);
	return ret;
}
