// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "acpi: " fmt
#include "devices/acpi.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/cmos.h"
#include "mem/layout.h"
#include "vmm/log.h"

/* ACPI is little-endian (ACPI 6.5 section 5.2), and so is the only host architecture. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "tables are built in host order");

#define ACPI_OEM_ID		"VTLVM "
#define ACPI_OEM_TABLE_ID	"VTLVMPC "
#define ACPI_CREATOR_ID		"VTLV"

/* Generic Address Structure (ACPI 6.5 section 5.2.3.2). */
struct acpi_gas {
	u8 space_id;
	u8 bit_width;
	u8 bit_offset;
	u8 access_size;
	u64 address;
} __packed;

#define ACPI_GAS_SYSTEM_IO	1
#define ACPI_GAS_ACCESS_BYTE	1
#define ACPI_GAS_ACCESS_WORD	2
#define ACPI_GAS_ACCESS_DWORD	3

/* Root System Description Pointer (ACPI 6.5 section 5.2.5.3). */
struct acpi_rsdp {
	char signature[8];	/* "RSD PTR " */
	u8 checksum;		/* over the first 20 bytes (the ACPI 1.0 part) */
	char oem_id[6];
	u8 revision;		/* 2: ACPI 2.0 and later */
	u32 rsdt_address;	/* 0: no RSDT, only the XSDT */
	u32 length;
	u64 xsdt_address;
	u8 extended_checksum;	/* over the whole structure */
	u8 reserved[3];
} __packed;

#define ACPI_RSDP_V1_LEN	20

/* System Description Table Header (ACPI 6.5 section 5.2.6). */
struct acpi_header {
	char signature[4];
	u32 length;
	u8 revision;
	u8 checksum;
	char oem_id[6];
	char oem_table_id[8];
	u32 oem_revision;
	char creator_id[4];
	u32 creator_revision;
} __packed;

/* Extended System Description Table (ACPI 6.5 section 5.2.8): FADT and MADT. */
#define ACPI_XSDT_ENTRIES	2
struct acpi_xsdt {
	struct acpi_header h;
	u64 entry[ACPI_XSDT_ENTRIES];
} __packed;

/* Fixed ACPI Description Table, revision 6 (ACPI 6.5 section 5.2.9, "FADT Format"). */
struct acpi_fadt {
	struct acpi_header h;
	u32 firmware_ctrl;
	u32 dsdt;
	u8 reserved0;
	u8 preferred_pm_profile;
	u16 sci_int;
	u32 smi_cmd;
	u8 acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	u32 pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk, pm2_cnt_blk, pm_tmr_blk;
	u32 gpe0_blk, gpe1_blk;
	u8 pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	u8 gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	u16 p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	u8 duty_offset, duty_width, day_alrm, mon_alrm, century;
	u16 iapc_boot_arch;
	u8 reserved1;
	u32 flags;
	struct acpi_gas reset_reg;
	u8 reset_value;
	u16 arm_boot_arch;
	u8 minor_version;
	u64 x_firmware_ctrl;
	u64 x_dsdt;
	struct acpi_gas x_pm1a_evt_blk, x_pm1b_evt_blk, x_pm1a_cnt_blk, x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk, x_pm_tmr_blk, x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control_reg, sleep_status_reg;
	u64 hypervisor_vendor_id;
} __packed;

_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT revision 6 is 276 bytes");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT layout");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT layout");

/* FADT Flags (ACPI 6.5 section 5.2.9, "Fixed ACPI Description Table Fixed Feature Flags"). */
#define FADT_F_WBINVD		BIT(0)	/* new systems "must set this field" */
#define FADT_F_PROC_C1		BIT(2)	/* C1 is HLT */
#define FADT_F_PWR_BUTTON	BIT(4)	/* 1: no fixed-feature power button */
#define FADT_F_SLP_BUTTON	BIT(5)	/* 1: no fixed-feature sleep button */
#define FADT_F_FIX_RTC		BIT(6)	/* 1: no RTC wake status in PM1 */
#define FADT_F_TMR_VAL_EXT	BIT(8)	/* the PM timer is 32 bits wide */
#define FADT_F_RESET_REG_SUP	BIT(10)	/* RESET_REG works */
#define FADT_FLAGS	(FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_PWR_BUTTON | FADT_F_SLP_BUTTON | \
			 FADT_F_FIX_RTC | FADT_F_TMR_VAL_EXT | FADT_F_RESET_REG_SUP)

/* IA-PC boot architecture flags (ACPI 6.5 section 5.2.9.3): no 8042, no VGA. */
#define FADT_BOOT_LEGACY_DEVICES	BIT(0)	/* ISA devices: COM1, the RTC */
#define FADT_BOOT_VGA_NOT_PRESENT	BIT(2)

/* "A value > 100 indicates the system does not support a C2 state", > 1000 for C3 (5.2.9). */
#define FADT_NO_C2_LATENCY	101
#define FADT_NO_C3_LATENCY	1001

/* Firmware ACPI Control Structure (ACPI 6.5 section 5.2.10): no checksum. */
struct acpi_facs {
	char signature[4];
	u32 length;
	u32 hardware_signature;
	u32 firmware_waking_vector;
	u32 global_lock;
	u32 flags;
	u64 x_firmware_waking_vector;
	u8 version;
	u8 reserved0[3];
	u32 ospm_flags;
	u8 reserved1[24];
} __packed;

_Static_assert(sizeof(struct acpi_facs) == 64, "FACS is 64 bytes");

/* Multiple APIC Description Table (ACPI 6.5 section 5.2.12). */
struct acpi_madt {
	struct acpi_header h;
	u32 lapic_address;
	u32 flags;
} __packed;

#define MADT_PCAT_COMPAT	BIT(0)	/* dual 8259s are present (the in-kernel PIC) */

enum madt_type {
	MADT_LAPIC		= 0,	/* 5.2.12.2 */
	MADT_IOAPIC		= 1,	/* 5.2.12.3 */
	MADT_ISO		= 2,	/* 5.2.12.5 */
	MADT_LAPIC_NMI		= 4,	/* 5.2.12.7 */
};

struct madt_lapic {
	u8 type, length, uid, apic_id;
	u32 flags;
} __packed;

#define MADT_LAPIC_ENABLED	BIT(0)

struct madt_ioapic {
	u8 type, length, id, reserved;
	u32 address;
	u32 gsi_base;
} __packed;

struct madt_iso {
	u8 type, length, bus, source;
	u32 gsi;
	u16 flags;
} __packed;

/* MPS INTI flags (5.2.12.5): polarity in bits 1:0, trigger mode in 3:2. */
#define MPS_INTI_CONFORMS	0
#define MPS_INTI_ACTIVE_HIGH	0x1
#define MPS_INTI_LEVEL		(0x3 << 2)

struct madt_lapic_nmi {
	u8 type, length, uid;
	u16 flags;
	u8 lint;
} __packed;

#define MADT_UID_ALL		0xff
#define IOAPIC_ID		0

/*
 * ISA IRQs are identity-mapped to GSIs, except for what is listed here.
 * There is no IRQ0 -> GSI2 override as on QEMU: vtlvm keeps KVM's default
 * GSI routing, in which the in-kernel PIT's GSI 0 is IOAPIC pin 0
 * (tests/guests/pit_irq.c checks the PIT interrupt arrives where the MADT
 * says). The SCI is level-triggered and, unlike the ACPI default (active
 * low, 5.2.9 SCI_INT), active high like every KVM IOAPIC input.
 */
static const struct madt_iso madt_overrides[] = {
	{ MADT_ISO, sizeof(struct madt_iso), 0, ACPI_SCI_IRQ, ACPI_SCI_IRQ,
	  MPS_INTI_LEVEL | MPS_INTI_ACTIVE_HIGH },
};

/*
 * The DSDT's only content, Name (_S5_, Package () { 5, 5, 0, 0 }), encoded
 * by hand (ACPI 6.5 section 20.2.5.1 DefName, 20.2.5.4 DefPackage, 20.2.3
 * BytePrefix/ZeroOp, 20.2.4 PkgLength: one byte, counting itself, for
 * lengths below 64). \_S5 (section 7.4.2.6) gives SLP_TYPa and SLP_TYPb.
 */
static const u8 dsdt_aml[] = {
	0x08, '_', 'S', '5', '_',	/* NameOp, NameSeg */
	0x12, 0x08, 0x04,		/* PackageOp, PkgLength 8, NumElements 4 */
	0x0a, ACPI_S5_SLP_TYP,		/* BytePrefix 5: SLP_TYPa */
	0x0a, ACPI_S5_SLP_TYP,		/* BytePrefix 5: SLP_TYPb */
	0x00, 0x00,			/* ZeroOp, ZeroOp: reserved */
};

enum acpi_part {
	PART_RSDP,
	PART_FACS,
	PART_DSDT,
	PART_FADT,
	PART_MADT,
	PART_XSDT,
	NR_PARTS,
};

struct acpi_ctx {
	const struct acpi_desc *d;
	gpa_t gpa[NR_PARTS];
};

u8 acpi_checksum(const void *p, size_t len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum;
}

static void header_fill(struct acpi_header *h, const char *sig, u32 len, u8 rev)
{
	memcpy(h->signature, sig, sizeof(h->signature));
	h->length = len;
	h->revision = rev;
	memcpy(h->oem_id, ACPI_OEM_ID, sizeof(h->oem_id));
	memcpy(h->oem_table_id, ACPI_OEM_TABLE_ID, sizeof(h->oem_table_id));
	h->oem_revision = 1;
	memcpy(h->creator_id, ACPI_CREATOR_ID, sizeof(h->creator_id));
	h->creator_revision = 1;
}

/* Call last: the checksum covers everything else in the table. */
static void header_seal(struct acpi_header *h)
{
	h->checksum = 0;
	h->checksum = -acpi_checksum(h, h->length);
}

static struct acpi_gas gas_io(u16 port, u8 bytes, u8 access_size)
{
	return (struct acpi_gas) {
		.space_id = ACPI_GAS_SYSTEM_IO, .bit_width = bytes * 8,
		.access_size = access_size, .address = port,
	};
}

static size_t rsdp_size(const struct acpi_desc *d)
{
	(void)d;
	return sizeof(struct acpi_rsdp);
}

static void rsdp_fill(const struct acpi_ctx *c, void *p)
{
	struct acpi_rsdp *r = p;

	memcpy(r->signature, "RSD PTR ", sizeof(r->signature));
	memcpy(r->oem_id, ACPI_OEM_ID, sizeof(r->oem_id));
	r->revision = 2;
	r->length = sizeof(*r);
	r->xsdt_address = c->gpa[PART_XSDT];
	r->checksum = -acpi_checksum(r, ACPI_RSDP_V1_LEN);
	r->extended_checksum = -acpi_checksum(r, sizeof(*r));
}

static size_t facs_size(const struct acpi_desc *d)
{
	(void)d;
	return sizeof(struct acpi_facs);
}

static void facs_fill(const struct acpi_ctx *c, void *p)
{
	struct acpi_facs *f = p;

	(void)c;
	memcpy(f->signature, "FACS", sizeof(f->signature));
	f->length = sizeof(*f);
	f->version = 2;
}

static size_t dsdt_size(const struct acpi_desc *d)
{
	(void)d;
	return sizeof(struct acpi_header) + sizeof(dsdt_aml);
}

static void dsdt_fill(const struct acpi_ctx *c, void *p)
{
	struct acpi_header *h = p;

	/* Revision 2: integers in the definition block are 64 bits (5.2.11.1). */
	header_fill(h, "DSDT", dsdt_size(c->d), 2);
	memcpy(h + 1, dsdt_aml, sizeof(dsdt_aml));
	header_seal(h);
}

static size_t fadt_size(const struct acpi_desc *d)
{
	(void)d;
	return sizeof(struct acpi_fadt);
}

static void fadt_fill_pm(struct acpi_fadt *f)
{
	f->sci_int = ACPI_SCI_IRQ;
	f->smi_cmd = 0;		/* "zero if the system does not support System Management mode" */
	f->pm1a_evt_blk = ACPI_PM1A_EVT_PORT;
	f->pm1a_cnt_blk = ACPI_PM1A_CNT_PORT;
	f->pm_tmr_blk = ACPI_PM_TMR_PORT;
	f->pm1_evt_len = ACPI_PM1_EVT_LEN;
	f->pm1_cnt_len = ACPI_PM1_CNT_LEN;
	f->pm_tmr_len = ACPI_PM_TMR_LEN;
	/* The status and enable halves of PM1_EVT, and PM1_CNT, are 16-bit registers. */
	f->x_pm1a_evt_blk = gas_io(ACPI_PM1A_EVT_PORT, ACPI_PM1_EVT_LEN, ACPI_GAS_ACCESS_WORD);
	f->x_pm1a_cnt_blk = gas_io(ACPI_PM1A_CNT_PORT, ACPI_PM1_CNT_LEN, ACPI_GAS_ACCESS_WORD);
	f->x_pm_tmr_blk = gas_io(ACPI_PM_TMR_PORT, ACPI_PM_TMR_LEN, ACPI_GAS_ACCESS_DWORD);
}

static void fadt_fill(const struct acpi_ctx *c, void *p)
{
	struct acpi_fadt *f = p;

	header_fill(&f->h, "FACP", sizeof(*f), 6);
	/*
	 * 5.2.9: FIRMWARE_CTRL "If the X_FIRMWARE_CTRL field contains a non
	 * zero value then this field must be zero", and the reverse: the FACS
	 * is below 4 GiB, so the 32-bit field carries it. X_DSDT has no such
	 * rule, so both DSDT fields point at it.
	 */
	f->firmware_ctrl = c->gpa[PART_FACS];
	f->dsdt = c->gpa[PART_DSDT];
	f->x_dsdt = c->gpa[PART_DSDT];
	fadt_fill_pm(f);
	f->p_lvl2_lat = FADT_NO_C2_LATENCY;
	f->p_lvl3_lat = FADT_NO_C3_LATENCY;
	f->century = CMOS_REG_CENTURY;
	f->iapc_boot_arch = FADT_BOOT_LEGACY_DEVICES | FADT_BOOT_VGA_NOT_PRESENT;
	f->flags = FADT_FLAGS;
	f->reset_reg = gas_io(ACPI_RESET_PORT, 1, ACPI_GAS_ACCESS_BYTE);
	f->reset_value = ACPI_RESET_VALUE;
	f->minor_version = 5;	/* ACPI 6.5 */
	header_seal(&f->h);
}

static size_t madt_size(const struct acpi_desc *d)
{
	return sizeof(struct acpi_madt) + d->nr_cpus * sizeof(struct madt_lapic) +
	       sizeof(struct madt_ioapic) + sizeof(madt_overrides) + sizeof(struct madt_lapic_nmi);
}

static void madt_fill(const struct acpi_ctx *c, void *p)
{
	struct acpi_madt *m = p;
	u8 *e = (u8 *)(m + 1);
	struct madt_ioapic *io;
	struct madt_lapic_nmi *nmi;

	header_fill(&m->h, "APIC", madt_size(c->d), 6);
	m->lapic_address = LAYOUT_LAPIC;
	m->flags = MADT_PCAT_COMPAT;
	/* 5.2.12.1: the boot processor's entry comes first. */
	for (u32 i = 0; i < c->d->nr_cpus; i++, e += sizeof(struct madt_lapic))
		*(struct madt_lapic *)e = (struct madt_lapic) {
			.type = MADT_LAPIC, .length = sizeof(struct madt_lapic),
			.uid = i, .apic_id = i, .flags = MADT_LAPIC_ENABLED,
		};
	io = (struct madt_ioapic *)e;
	*io = (struct madt_ioapic) {
		.type = MADT_IOAPIC, .length = sizeof(*io), .id = IOAPIC_ID,
		.address = LAYOUT_IOAPIC, .gsi_base = 0,
	};
	e += sizeof(*io);
	memcpy(e, madt_overrides, sizeof(madt_overrides));
	e += sizeof(madt_overrides);
	/* LINT1 is the NMI input of every local APIC, as on PC hardware. */
	nmi = (struct madt_lapic_nmi *)e;
	*nmi = (struct madt_lapic_nmi) {
		.type = MADT_LAPIC_NMI, .length = sizeof(*nmi), .uid = MADT_UID_ALL,
		.flags = MPS_INTI_CONFORMS, .lint = 1,
	};
	header_seal(&m->h);
}

static size_t xsdt_size(const struct acpi_desc *d)
{
	(void)d;
	return sizeof(struct acpi_xsdt);
}

static void xsdt_fill(const struct acpi_ctx *c, void *p)
{
	struct acpi_xsdt *x = p;

	header_fill(&x->h, "XSDT", sizeof(*x), 1);
	x->entry[0] = c->gpa[PART_FADT];
	x->entry[1] = c->gpa[PART_MADT];
	header_seal(&x->h);
}

/* Placed in this order; filled once every address is known. */
static const struct {
	size_t align;
	size_t (*size)(const struct acpi_desc *d);
	void (*fill)(const struct acpi_ctx *c, void *p);
} parts[NR_PARTS] = {
	[PART_RSDP] = { 16, rsdp_size, rsdp_fill },	/* 5.2.5.1: on a 16-byte boundary */
	[PART_FACS] = { 64, facs_size, facs_fill },	/* 5.2.10: 64-byte aligned */
	[PART_DSDT] = { 16, dsdt_size, dsdt_fill },
	[PART_FADT] = { 16, fadt_size, fadt_fill },
	[PART_MADT] = { 16, madt_size, madt_fill },
	[PART_XSDT] = { 16, xsdt_size, xsdt_fill },
};

/* Assign each part its address; returns the bytes used from base. */
static u64 acpi_place(struct acpi_ctx *c, gpa_t base)
{
	gpa_t cur = base;

	for (unsigned int i = 0; i < NR_PARTS; i++) {
		c->gpa[i] = ALIGN_UP(cur, (gpa_t)parts[i].align);
		cur = c->gpa[i] + parts[i].size(c->d);
	}
	return cur - base;
}

int acpi_build(const struct gmem *m, gpa_t base, u64 size, const struct acpi_desc *d,
	       gpa_t *rsdp)
{
	struct acpi_ctx c = { .d = d };
	u64 used;
	u8 *buf;
	int ret;

	if (!d->nr_cpus || d->nr_cpus > ACPI_MAX_CPUS) {
		pr_err("cannot describe %u CPUs: the MADT holds 1 to %u", d->nr_cpus,
		       ACPI_MAX_CPUS);
		return -EINVAL;
	}
	if (!IS_ALIGNED(base, 16))
		return -EINVAL;
	used = acpi_place(&c, base);
	if (used > size)
		return -ENOSPC;
	buf = calloc(1, used);
	if (!buf)
		return -ENOMEM;
	for (unsigned int i = 0; i < NR_PARTS; i++)
		parts[i].fill(&c, buf + (c.gpa[i] - base));
	ret = gmem_write(m, base, buf, used);
	free(buf);
	if (!ret)
		*rsdp = c.gpa[PART_RSDP];
	return ret;
}
