/* SPDX-License-Identifier: MIT */
/*
 * mem/pgtable.h -- the boot GDT and identity page tables.
 *
 * Every boot path uses one GDT at LAYOUT_GDT. Its selectors satisfy each
 * protocol at once: Linux's 64-bit boot protocol wants __BOOT_CS = 0x10 and
 * __BOOT_DS = 0x18 (Documentation/arch/x86/boot.rst), multiboot wants any
 * flat 32-bit code segment (BOOT_CS32).
 *
 * The identity tables map the first 4 GiB with 2 MiB pages, present,
 * writable, supervisor, accessed and dirty. They cover the MMIO hole, so
 * LAPIC/IOAPIC accesses need no mapping of their own.
 */
#ifndef VTLVM_PGTABLE_H
#define VTLVM_PGTABLE_H

#include "mem/gmem.h"
#include "vmm/types.h"

#define BOOT_CS32	0x08
#define BOOT_CS64	0x10
#define BOOT_DS		0x18
#define BOOT_GDT_ENTRIES 4

#define PTE_P		BIT(0)
#define PTE_RW		BIT(1)
#define PTE_A		BIT(5)
#define PTE_D		BIT(6)
#define PTE_PS		BIT(7)

#define PGTABLE_IDENTITY_SIZE	(4 * GiB)

/* The raw 8-byte descriptor of GDT entry sel / 8. */
u64 pgtable_gdt_entry(unsigned int index);
int pgtable_write_gdt(const struct gmem *m) __must_check;
/* Build the identity tables; *cr3 gets the PML4's address. */
int pgtable_write_identity(const struct gmem *m, gpa_t *cr3) __must_check;
/* The same tables at base (6 pages: PML4, PDPT, 4 PDs), for another VTL's program. */
int pgtable_write_identity_at(const struct gmem *m, gpa_t base, gpa_t *cr3) __must_check;

#endif /* VTLVM_PGTABLE_H */
