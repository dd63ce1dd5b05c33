/* SPDX-License-Identifier: MIT */
/*
 * mem/layout.h -- the guest-physical memory map.
 *
 *   0x00000-0x00fff  real-mode IVT and BIOS data area (EBDA pointer)
 *   0x01000-0x01fff  boot GDT
 *   0x02000-0x07fff  identity page tables (PML4, PDPT, 4 PDs: first 4 GiB, 2 MiB pages)
 *   0x08000-0x0ffff  free for the guest (AP start-up trampolines)
 *   0x10000-0x1ffff  boot info: Linux zero page, multiboot info or FDT
 *   0x20000-0x2ffff  kernel command line
 *   0x30000-0x3ffff  VTL1 program's boot info (FDT), when one is loaded
 *   0x40000-0x45fff  VTL1 program's identity page tables
 *   0x9fc00-0x9ffff  EBDA (reserved)
 *   0xa0000-0xdffff  legacy VGA/ROM window (reserved, RAM-backed)
 *   0xe0000-0xfffff  ACPI tables, RSDP first (reserved)
 *   1 MiB ...        kernel images, modules, initrd; RAM up to 3 GiB
 *   3 GiB - 4 GiB    MMIO hole: IOAPIC, LAPIC, KVM's TSS/identity pages
 *   4 GiB ...        RAM above the hole
 *
 * RAM is at most two ranges: [0, min(size, 3 GiB)) and, for larger guests,
 * [4 GiB, 4 GiB + rest). The layout is a pure description: nothing here
 * touches guest memory.
 */
#ifndef VTLVM_LAYOUT_H
#define VTLVM_LAYOUT_H

#include "vmm/types.h"

#define LAYOUT_GDT		0x1000ULL
#define LAYOUT_PGTABLE		0x2000ULL	/* PML4, then PDPT, then the PDs */
#define LAYOUT_PGTABLE_END	0x8000ULL
#define LAYOUT_BOOTINFO		0x10000ULL
#define LAYOUT_BOOTINFO_SIZE	0x10000ULL
#define LAYOUT_CMDLINE		0x20000ULL
#define LAYOUT_CMDLINE_SIZE	0x10000ULL
#define LAYOUT_VTL1_BOOTINFO	0x30000ULL
#define LAYOUT_VTL1_BOOTINFO_SIZE 0x10000ULL
#define LAYOUT_VTL1_PGTABLE	0x40000ULL
#define LAYOUT_VTL1_PGTABLE_END	0x46000ULL
#define LAYOUT_EBDA		0x9fc00ULL
#define LAYOUT_ACPI		0xe0000ULL
#define LAYOUT_ACPI_SIZE	0x20000ULL
#define LAYOUT_KERNEL		0x100000ULL	/* 1 MiB */

#define LAYOUT_LOW_RAM_MAX	0xc0000000ULL	/* 3 GiB: the MMIO hole starts here */
#define LAYOUT_HIGH_RAM		0x100000000ULL	/* 4 GiB */
#define LAYOUT_IOAPIC		0xfec00000ULL
#define LAYOUT_LAPIC		0xfee00000ULL
#define LAYOUT_KVM_IDENTITY	0xfeffc000ULL	/* KVM_SET_IDENTITY_MAP_ADDR, 1 page */
#define LAYOUT_KVM_TSS		0xfeffd000ULL	/* KVM_SET_TSS_ADDR, 3 pages */

#define LAYOUT_MIN_RAM		(2 * MiB)
#define LAYOUT_MAX_RAM		(1ULL << 40)	/* 1 TiB: well inside 46-bit MAXPHYADDR */

struct mem_range {
	gpa_t start;
	u64 size;
};

struct layout {
	u64 ram_size;
	struct mem_range ram[2];	/* low, then high (size 0 if unused) */
	unsigned int nr_ram;
};

/* e820 types (ACPI 6.5, table 15.1; Linux asm/e820.h) */
#define E820_RAM	1
#define E820_RESERVED	2
#define E820_ACPI	3

struct e820_entry {
	u64 addr;
	u64 size;
	u32 type;
} __packed;

/* -EINVAL if ram_size is not page aligned or outside [LAYOUT_MIN_RAM, LAYOUT_MAX_RAM]. */
int layout_init(struct layout *l, u64 ram_size) __must_check;
/* End of the RAM range below the hole. */
gpa_t layout_low_ram_end(const struct layout *l);
/* Is [gpa, gpa + len) entirely RAM? */
bool layout_is_ram(const struct layout *l, gpa_t gpa, u64 len);
/*
 * Name of the VMM-owned area that [gpa, gpa + len) overlaps (page tables,
 * boot info, EBDA, ACPI...), or NULL. Loaders refuse images that would
 * overwrite these.
 */
const char *layout_reserved_overlap(gpa_t gpa, u64 len);
/* Fill up to max entries, sorted by address; returns the count. */
unsigned int layout_e820(const struct layout *l, struct e820_entry *e, unsigned int max);

#endif /* VTLVM_LAYOUT_H */
