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
 *
 * Only kernels with boot protocol 2.12 or later and XLF_KERNEL_64 are
 * accepted: vtlvm runs no real-mode setup code and uses no 32-bit entry.
 *
 * bzimage_parse() and bzimage_build_zero_page() are pure: they read the
 * image and fill host buffers, so unit tests call them without KVM. Their
 * boot_params is Linux's struct from <asm/bootparam.h>, which callers
 * include themselves.
 */
#ifndef VTLVM_BZIMAGE_H
#define VTLVM_BZIMAGE_H

#include "mem/gmem.h"
#include "mem/layout.h"
#include "mem/loader.h"

struct boot_params;

/* Documentation/arch/x86/boot.rst: boot_flag at 0x1fe, "HdrS" at 0x202. */
#define BZIMAGE_BOOT_FLAG_OFFSET 0x1fe
#define BOOT_FLAG_MAGIC		0xaa55
#define BZIMAGE_HDRS_OFFSET	0x202
#define HDRS_MAGIC		0x53726448	/* "HdrS" */
#define BZIMAGE_MIN_VERSION	0x020c	/* 2.12: xloadflags, XLF_KERNEL_64 */
#define BZIMAGE_RSDP_VERSION	0x020e	/* 2.14: boot_params.acpi_rsdp_addr */
#define BZIMAGE_ENTRY64_OFFSET	0x200	/* 64-bit entry: load address + 0x200 */
#define BZIMAGE_LOADER_TYPE	0xff	/* "undefined": vtlvm has no assigned id */

struct bzimage_args {
	const struct image *kernel;
	const struct image *initrd;	/* NULL if none */
	const char *cmdline;
	gpa_t acpi_rsdp;		/* 0 if none */
};

/* What loading needs from a validated setup header. */
struct bzimage_info {
	u16 version;		/* boot protocol, (major << 8) | minor */
	u64 setup_size;		/* (setup_sects + 1) * 512: file offset of the kernel */
	u64 kernel_size;	/* bytes of protected-mode kernel to copy (syssize) */
	u64 hdr_size;		/* setup header bytes from 0x1f1: 0x202 + [0x201] - 0x1f1 */
	gpa_t load;		/* where the protected-mode kernel goes */
	u64 mem_size;		/* bytes from load the kernel needs: its file part and
				   init_size from its runtime start address */
	u64 cmdline_max;	/* longest command line, without the NUL (cmdline_size) */
	gpa_t initrd_end;	/* initrd_addr_max + 1: the initrd must end at or below */
};

/* Where bzimage_load() put things: the zero page points the kernel at them. */
struct bzimage_placement {
	gpa_t cmdline;
	gpa_t initrd;		/* 0 if none */
	u64 initrd_size;
	gpa_t acpi_rsdp;	/* 0 if none */
};

/*
 * Validate img as a bzImage that the 64-bit boot protocol can start and
 * fill *info. -ENOEXEC with one message naming img->path if it is not a
 * bzImage, too old, has no 64-bit entry, or is truncated.
 */
int bzimage_parse(const struct image *img, struct bzimage_info *info) __must_check;

/*
 * Fill the zero page *zp for the kernel of img (validated into *info):
 * everything zero but the image's setup header, which gets the loader's
 * fields, and the e820 map of l.
 */
void bzimage_build_zero_page(struct boot_params *zp, const struct image *img,
			     const struct bzimage_info *info, const struct layout *l,
			     const struct bzimage_placement *p);

/* Load a->kernel (and a->initrd) into m; *bs gets the BSP's entry state. */
int bzimage_load(const struct gmem *m, const struct bzimage_args *a,
		 struct boot_state *bs) __must_check;

#endif /* VTLVM_BZIMAGE_H */
