/* SPDX-License-Identifier: MIT */
/*
 * devices/acpi.h -- the ACPI tables that describe the machine: RSDP (at the
 * start of the BIOS area, where scanning kernels find it), XSDT, FADT with
 * the PM register blocks and the reset register, FACS, MADT (one local APIC
 * per vCPU, the IOAPIC, the SCI's override) and a DSDT holding \_S5 so that
 * guests can power off. References: ACPI 6.5, chapter 5.
 *
 * The tables are built once, in a host buffer, and copied into guest memory
 * with gmem_write(); nothing here keeps state afterwards. Every table they
 * describe is implemented elsewhere in devices/: the PM1a event and control
 * blocks and the PM timer (acpi_pm.c), the reset register (sysreset.c), the
 * RTC century byte (cmos.c). There is no GPE block, no power or sleep
 * button, and the SCI is never raised.
 *
 * Placement inside the area, in order: RSDP (16-byte aligned, at the start),
 * FACS (64-byte aligned, ACPI 6.5 section 5.2.10), DSDT, FADT, MADT, XSDT.
 */
#ifndef VTLVM_ACPI_H
#define VTLVM_ACPI_H

#include "mem/gmem.h"
#include "vmm/types.h"

/* Fixed hardware the tables describe (devices/acpi_pm.c implements it). */
#define ACPI_PM1A_EVT_PORT	0x600	/* PM1a_EVT_BLK: status (2), enable (2) */
#define ACPI_PM1A_CNT_PORT	0x604	/* PM1a_CNT_BLK (2) */
#define ACPI_PM_TMR_PORT	0x608	/* PM_TMR_BLK (4), 32-bit 3.579545 MHz */
#define ACPI_PM_PORTS_LEN	0x0c
#define ACPI_PM1_EVT_LEN	4
#define ACPI_PM1_CNT_LEN	2
#define ACPI_PM_TMR_LEN		4
#define ACPI_SCI_IRQ		9
#define ACPI_S5_SLP_TYP		5	/* the value \_S5 gives for SLP_TYPa */
#define ACPI_RESET_PORT		0xcf9
#define ACPI_RESET_VALUE	0x06

/* APIC IDs and processor UIDs are one byte, and UID 0xff means "all" (5.2.12.7). */
#define ACPI_MAX_CPUS		255

struct acpi_desc {
	u32 nr_cpus;		/* 1..ACPI_MAX_CPUS; vCPU i has APIC ID and UID i */
};

/*
 * Build every table into [base, base + size) of guest memory, RSDP first;
 * *rsdp gets its address. -ENOSPC if they do not fit, -EINVAL for a base
 * that is not 16-byte aligned or a CPU count out of range, -ENOMEM, or the
 * gmem_write() error.
 */
int acpi_build(const struct gmem *m, gpa_t base, u64 size, const struct acpi_desc *d,
	       gpa_t *rsdp) __must_check;
/*
 * The byte sum of [p, p + len) mod 256. ACPI 6.5 section 5.2.6: the bytes
 * of a table, its checksum field included, "must sum to zero".
 */
u8 acpi_checksum(const void *p, size_t len);

#endif /* VTLVM_ACPI_H */
