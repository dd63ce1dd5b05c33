/* SPDX-License-Identifier: MIT */
/*
 * devices/fdt.h -- the boot-info blob for ELF guests (test guests, VTL
 * kernels): a flattened device tree built with libfdt, the only file that
 * uses libfdt.
 *
 *   / { compatible = "vtlvm,bootinfo";
 *       memory@0 { device_type = "memory"; reg = <base size>...; };
 *       cpus { vtlvm,nr-cpus = <n>; };
 *       chosen { bootargs = "..."; vtlvm,vtl = <0>;
 *                vtlvm,acpi-rsdp = /bits/ 64 <gpa>;
 *                linux,initrd-start = /bits/ 64 <gpa>;	(if any)
 *                linux,initrd-end = /bits/ 64 <gpa>; }; }
 * All cells are big-endian, #address-cells = #size-cells = 2.
 */
#ifndef VTLVM_FDT_H
#define VTLVM_FDT_H

#include "mem/layout.h"
#include "vmm/types.h"

struct bootinfo {
	const struct layout *layout;
	u32 nr_cpus;
	u32 vtl;
	const char *cmdline;
	gpa_t acpi_rsdp;
	gpa_t initrd_start, initrd_end;	/* 0, 0 if none */
};

/* Build the blob into buf; -ENOSPC if it does not fit. */
int fdt_build_bootinfo(void *buf, size_t size, const struct bootinfo *bi) __must_check;

#endif /* VTLVM_FDT_H */
