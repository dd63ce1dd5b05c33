/* SPDX-License-Identifier: MIT */
/*
 * mem/multiboot.h -- Multiboot (version 0.6.96) kernels, as kvm-unit-tests
 * and other x86 test kernels are built.
 *
 * The kernel is loaded from its ELF program headers or, with the a.out
 * kludge (flags bit 16), from the header's address fields. Modules come
 * from a QEMU-style list "path [args],path [args]" (commas in arguments
 * doubled). The multiboot information (memory, memory map, command line,
 * modules, boot loader name) is written at LAYOUT_BOOTINFO; the BSP enters
 * in 32-bit protected mode, paging off, EAX = 0x2BADB002, EBX = the info.
 *
 * Where things go:
 *   kernel           its ELF physical addresses, or load_addr..bss_end_addr
 *   modules          page-aligned, one after the other, from the first page
 *                    above both the kernel and 1 MiB
 *   command line     LAYOUT_CMDLINE (loader_write_cmdline)
 *   info, memory map, module list, boot loader name, module strings
 *                    packed from LAYOUT_BOOTINFO, within LAYOUT_BOOTINFO_SIZE
 *
 * The kernel file is validated, and every module read, before anything is
 * written to guest memory; only the 4 GiB bound on an ELF entry point is
 * checked after its segments are placed (the VM does not start then).
 * Every error message starts with the path of the file at fault.
 *
 * The helpers below the load entry point are pure (no guest memory) so that
 * tests can drive them with buffers of their own.
 */
#ifndef VTLVM_MULTIBOOT_H
#define VTLVM_MULTIBOOT_H

#include <stddef.h>

#include "mem/gmem.h"
#include "mem/layout.h"
#include "mem/loader.h"

/* Multiboot 0.6.96, 3.1.1: the header lies 32-bit aligned in the first 8192 bytes. */
#define MULTIBOOT_HEADER_MAGIC		0x1BADB002u
#define MULTIBOOT_BOOTLOADER_MAGIC	0x2BADB002u	/* in EAX at entry (3.2) */
#define MULTIBOOT_SEARCH		8192
#define MULTIBOOT_HEADER_ALIGN		4

/* Header flags (3.1.2). Bits 0-15 are requirements, bits 16-31 optional. */
#define MB_HDR_PAGE_ALIGN	BIT(0)	/* modules on 4 KiB boundaries */
#define MB_HDR_MEMORY_INFO	BIT(1)	/* mem_* (and mmap_*) in the info */
#define MB_HDR_VIDEO_MODE	BIT(2)	/* video mode table in the info */
#define MB_HDR_AOUT_KLUDGE	BIT(16)	/* header address fields are valid */
#define MB_HDR_REQUIRED		0x0000ffffu
#define MB_HDR_SUPPORTED	(MB_HDR_PAGE_ALIGN | MB_HDR_MEMORY_INFO)

/* The header (3.1.1); the address fields count only with MB_HDR_AOUT_KLUDGE. */
struct multiboot_header {
	u32 magic;
	u32 flags;
	u32 checksum;
	u32 header_addr;
	u32 load_addr;
	u32 load_end_addr;
	u32 bss_end_addr;
	u32 entry_addr;
	u32 mode_type;
	u32 width;
	u32 height;
	u32 depth;
};
#define MB_HDR_MAGIC_SIZE	12	/* magic, flags, checksum */
#define MB_HDR_AOUT_SIZE	32	/* ... up to entry_addr */

/* Information flags (3.3): which fields of struct multiboot_info are valid. */
#define MB_INFO_MEMORY		BIT(0)
#define MB_INFO_CMDLINE		BIT(2)
#define MB_INFO_MODS		BIT(3)
#define MB_INFO_MMAP		BIT(6)
#define MB_INFO_LOADER_NAME	BIT(9)

/* The boot information (3.3), every address 32-bit physical. */
struct multiboot_info {
	u32 flags;
	u32 mem_lower;		/* KiB from 0 */
	u32 mem_upper;		/* KiB from 1 MiB to the first hole */
	u32 boot_device;
	u32 cmdline;
	u32 mods_count;
	u32 mods_addr;
	u32 syms[4];
	u32 mmap_length;	/* bytes */
	u32 mmap_addr;
	u32 drives_length;
	u32 drives_addr;
	u32 config_table;
	u32 boot_loader_name;
	u32 apm_table;
	u32 vbe_control_info;
	u32 vbe_mode_info;
	u16 vbe_mode;
	u16 vbe_interface_seg;
	u16 vbe_interface_off;
	u16 vbe_interface_len;
};

struct multiboot_mod {
	u32 mod_start;
	u32 mod_end;		/* first byte after the module */
	u32 string;
	u32 reserved;
};

/*
 * A memory map entry (3.3): size is the entry's length without the size
 * field itself; mmap_addr points at the first entry's size field.
 */
struct multiboot_mmap_entry {
	u32 size;
	u64 base_addr;
	u64 length;
	u32 type;		/* 1 RAM; other values as e820 */
} __packed;

#define MULTIBOOT_LOADER_NAME	"vtlvm"

struct multiboot_args {
	const struct image *kernel;
	const char *cmdline;
	const char *modules;	/* NULL if none */
};

int multiboot_load(const struct gmem *m, const struct multiboot_args *a,
		   struct boot_state *bs) __must_check;

/* Is there a header (magic and checksum) in img? Quiet: for image_detect(). */
bool multiboot_header_offset(const struct image *img, size_t *off);
/*
 * Find the header in img: the first 4-byte aligned magic, inside the first
 * MULTIBOOT_SEARCH bytes, whose checksum holds. -ENOEXEC if there is none,
 * or if the header is cut off by the end of the file or of the search area;
 * *off gets the header's file offset.
 */
int multiboot_find_header(const struct image *img, struct multiboot_header *hdr,
			  size_t *off) __must_check;
/* -EINVAL, naming img and the bit, if flags requires what vtlvm cannot give. */
int multiboot_check_flags(const struct image *img, u32 flags) __must_check;

/* Where the a.out kludge puts the kernel. */
struct multiboot_aout {
	u64 file_offset;	/* loading starts here in the file */
	gpa_t load_addr;
	u64 load_size;		/* bytes copied from the file */
	u64 bss_size;		/* bytes zeroed after them */
	gpa_t entry;
};

/*
 * Check the header address fields of the header at file offset hdr_off
 * against the file and against the RAM and reserved areas of l.
 */
int multiboot_aout_layout(const struct image *img, const struct multiboot_header *hdr,
			  size_t hdr_off, const struct layout *l,
			  struct multiboot_aout *out) __must_check;

/* One module of a list: both strings owned, freed by multiboot_free_modules(). */
struct multiboot_module_spec {
	char *path;		/* the element up to its first space */
	char *string;		/* the whole element, ",," undone: what the guest sees */
};

/*
 * Split a QEMU-style module list into *out (NULL and 0 for an empty list).
 * -EINVAL, naming kernel_path, for an element without a path.
 */
int multiboot_parse_modules(const char *kernel_path, const char *list,
			    struct multiboot_module_spec **out, unsigned int *nr) __must_check;
void multiboot_free_modules(struct multiboot_module_spec *mods, unsigned int nr);

/* A module as placed in guest memory. */
struct multiboot_placed_mod {
	gpa_t start, end;
	const char *string;
};

struct multiboot_info_desc {
	const struct layout *layout;
	gpa_t cmdline;
	const struct multiboot_placed_mod *mods;
	unsigned int nr_mods;
};

/*
 * Build the information for guest address base into buf: struct
 * multiboot_info, then the memory map (from layout_e820()), the module
 * list, the boot loader name and the module strings. *len gets the bytes
 * used; -E2BIG if they exceed size or the guest cannot address them.
 */
int multiboot_build_info(const struct multiboot_info_desc *d, gpa_t base, u8 *buf, size_t size,
			 size_t *len) __must_check;

#endif /* VTLVM_MULTIBOOT_H */
