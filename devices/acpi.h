/* SPDX-License-Identifier: MIT */
/*
 * devices/acpi.h -- the ACPI tables that describe the machine: RSDP (at the
 * start of the BIOS area, where scanning kernels find it), XSDT, FADT with
 * the PM register blocks and the reset register, FACS, MADT (one local APIC
 * per vCPU, the IOAPIC, ISA overrides) and a DSDT holding \_S5 so that
 * guests can power off. References: ACPI 6.5, chapter 5.
 */
#ifndef VTLVM_ACPI_H
#define VTLVM_ACPI_H

#include "mem/gmem.h"
#include "vmm/types.h"

/* Fixed hardware the tables describe (devices/acpi_pm.c implements it). */
#define ACPI_PM1A_EVT_PORT	0x600	/* PM1a_EVT_BLK: status (2), enable (2) */
#define ACPI_PM1A_CNT_PORT	0x604	/* PM1a_CNT_BLK (2) */
#define ACPI_PM_TMR_PORT	0x608	/* PM_TMR_BLK (4), 24-bit 3.579545 MHz */
#define ACPI_PM_PORTS_LEN	0x0c
#define ACPI_SCI_IRQ		9
#define ACPI_S5_SLP_TYP		5	/* the value \_S5 gives for SLP_TYPa */
#define ACPI_RESET_PORT		0xcf9
#define ACPI_RESET_VALUE	0x06

struct acpi_desc {
	u32 nr_cpus;
};

/*
 * Build every table into [base, base + size) of guest memory, RSDP first
 * (16-byte aligned); *rsdp gets its address. -ENOSPC if they do not fit.
 */
int acpi_build(const struct gmem *m, gpa_t base, u64 size, const struct acpi_desc *d,
	       gpa_t *rsdp) __must_check;
/* The ACPI checksum rule: all bytes of a table sum to zero (mod 256). */
u8 acpi_checksum(const void *p, size_t len);

#endif /* VTLVM_ACPI_H */
