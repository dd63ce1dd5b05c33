// SPDX-License-Identifier: MIT
#include "devices/fdt.h"

#include <errno.h>
#include <libfdt.h>

#define FDT_TRY(expr) do { int ret_ = (expr); if (ret_ < 0) return fdt_errno(ret_); } while (0)

static int fdt_errno(int err)
{
	return err == -FDT_ERR_NOSPACE ? -ENOSPC : -EINVAL;
}

static int build_memory(void *fdt, const struct layout *l)
{
	fdt64_t reg[4];

	for (unsigned int i = 0; i < l->nr_ram; i++) {
		reg[2 * i] = cpu_to_fdt64(l->ram[i].start);
		reg[2 * i + 1] = cpu_to_fdt64(l->ram[i].size);
	}
	FDT_TRY(fdt_begin_node(fdt, "memory@0"));
	FDT_TRY(fdt_property_string(fdt, "device_type", "memory"));
	FDT_TRY(fdt_property(fdt, "reg", reg, l->nr_ram * 2 * sizeof(reg[0])));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
}

static int build_chosen(void *fdt, const struct bootinfo *bi)
{
	FDT_TRY(fdt_begin_node(fdt, "chosen"));
	FDT_TRY(fdt_property_string(fdt, "bootargs", bi->cmdline ? bi->cmdline : ""));
	FDT_TRY(fdt_property_u32(fdt, "vtlvm,vtl", bi->vtl));
	FDT_TRY(fdt_property_u64(fdt, "vtlvm,acpi-rsdp", bi->acpi_rsdp));
	if (bi->initrd_end > bi->initrd_start) {
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-start", bi->initrd_start));
		FDT_TRY(fdt_property_u64(fdt, "linux,initrd-end", bi->initrd_end));
	}
	FDT_TRY(fdt_end_node(fdt));
	return 0;
}

static int build_vtl1(void *fdt, const struct bootinfo_vtl1 *v)
{
	FDT_TRY(fdt_begin_node(fdt, "vtl1"));
	FDT_TRY(fdt_property_u64(fdt, "vtlvm,entry", v->entry));
	FDT_TRY(fdt_property_u64(fdt, "vtlvm,bootinfo", v->bootinfo));
	FDT_TRY(fdt_property_u64(fdt, "vtlvm,cr3", v->cr3));
	FDT_TRY(fdt_property_u64(fdt, "vtlvm,image-start", v->image_start));
	FDT_TRY(fdt_property_u64(fdt, "vtlvm,image-end", v->image_end));
	FDT_TRY(fdt_end_node(fdt));
	return 0;
}

int fdt_build_bootinfo(void *fdt, size_t size, const struct bootinfo *bi)
{
	int ret;

	FDT_TRY(fdt_create(fdt, size));
	FDT_TRY(fdt_finish_reservemap(fdt));
	FDT_TRY(fdt_begin_node(fdt, ""));
	FDT_TRY(fdt_property_string(fdt, "compatible", "vtlvm,bootinfo"));
	FDT_TRY(fdt_property_u32(fdt, "#address-cells", 2));
	FDT_TRY(fdt_property_u32(fdt, "#size-cells", 2));
	ret = build_memory(fdt, bi->layout);
	if (ret)
		return ret;
	FDT_TRY(fdt_begin_node(fdt, "cpus"));
	FDT_TRY(fdt_property_u32(fdt, "vtlvm,nr-cpus", bi->nr_cpus));
	FDT_TRY(fdt_end_node(fdt));
	ret = build_chosen(fdt, bi);
	if (!ret && bi->vtl1)
		ret = build_vtl1(fdt, bi->vtl1);
	if (ret)
		return ret;
	FDT_TRY(fdt_end_node(fdt));
	FDT_TRY(fdt_finish(fdt));
	return 0;
}
