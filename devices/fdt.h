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
 *                linux,initrd-end = /bits/ 64 <gpa>; };
 *       vtl1 {	(VTL0's blob, when a VTL1 program was loaded: how to start it)
 *                vtlvm,entry = /bits/ 64 <gpa>;	its ELF entry point
 *                vtlvm,bootinfo = /bits/ 64 <gpa>;	its own blob (vtlvm,vtl = <1>)
 *                vtlvm,cr3 = /bits/ 64 <gpa>;	identity page tables for it
 *                vtlvm,image-start = /bits/ 64 <gpa>; vtlvm,image-end = ...; }; }
 * All cells are big-endian, #address-cells = #size-cells = 2.
 */
#ifndef VTLVM_FDT_H
#define VTLVM_FDT_H

#include "mem/layout.h"
#include "vmm/types.h"

/* A VTL1 program the loader placed (VTL0's blob says where). */
struct bootinfo_vtl1 {
	gpa_t entry, bootinfo, cr3;
	gpa_t image_start, image_end;
};

struct bootinfo {
	const struct layout *layout;
	const struct bootinfo_vtl1 *vtl1;	/* NULL if none */
	u32 nr_cpus;
	u32 vtl;
	const char *cmdline;
	gpa_t acpi_rsdp;
	gpa_t initrd_start, initrd_end;	/* 0, 0 if none */
};

/* Build the blob into buf; -ENOSPC if it does not fit. */
int fdt_build_bootinfo(void *buf, size_t size, const struct bootinfo *bi) __must_check;

#endif /* VTLVM_FDT_H */
