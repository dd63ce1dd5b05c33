/* SPDX-License-Identifier: MIT */
/*
 * mem/bzimage.h -- Linux bzImage loading, 64-bit boot protocol
 * (Documentation/arch/x86/boot.rst).
 *
 * The protected-mode kernel goes to 1 MiB, the zero page (struct
 * boot_params with the image's setup header, e820 map, command line,
 * initrd and ACPI RSDP) to LAYOUT_BOOTINFO, the command line to
 * LAYOUT_CMDLINE and the initrd as high in low RAM as the kernel allows.
 * The BSP enters at load address + 0x200 in long mode with RSI pointing at
 * the zero page, on the identity page tables.
 */
#ifndef VTLVM_BZIMAGE_H
#define VTLVM_BZIMAGE_H

#include "mem/gmem.h"
#include "mem/loader.h"

struct bzimage_args {
	const struct image *kernel;
	const struct image *initrd;	/* NULL if none */
	const char *cmdline;
	gpa_t acpi_rsdp;		/* 0 if none */
};

int bzimage_load(const struct gmem *m, const struct bzimage_args *a,
		 struct boot_state *bs) __must_check;

#endif /* VTLVM_BZIMAGE_H */
