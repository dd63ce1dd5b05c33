// SPDX-License-Identifier: MIT
/*
 * The ACPI tables as an OS finds them (ACPI 6.5 section 5.2): scan the BIOS
 * area for the RSDP, follow RSDP -> XSDT -> FADT/MADT -> DSDT/FACS checking
 * every checksum, count the enabled local APICs, read SLP_TYPa from \_S5,
 * then power off the way Linux does: SLP_TYPa | SLP_EN into PM1a_CNT.
 * vtlvm must then exit with status 0; the guest never reaches DONE.
 *
 * Parsed by byte offsets, independently of vtlvm's table structs.
 */
#include "guest.h"

#define BIOS_AREA_START	0xe0000UL
#define BIOS_AREA_END	0x100000UL
#define HDR_LEN		4
#define HDR_SIZE	36
#define PM1_SLP_TYP_SHIFT 10
#define PM1_SLP_EN	(1 << 13)

/* Table fields are little-endian and unaligned; __builtin_memcpy compiles to one load. */
static u16 rd16(const u8 *p)
{
	u16 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static u32 rd32(const u8 *p)
{
	u32 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static u64 rd64(const u8 *p)
{
	u64 v;

	__builtin_memcpy(&v, p, sizeof(v));
	return v;
}

static u8 sum(const u8 *p, u32 len)
{
	u8 s = 0;

	while (len--)
		s += *p++;
	return s;
}

/* 5.2.5.1: the RSDP is on a 16-byte boundary in 0xe0000-0xfffff. */
static const u8 *find_rsdp(void)
{
	for (unsigned long a = BIOS_AREA_START; a < BIOS_AREA_END; a += 16)
		if (!memcmp((const void *)a, "RSD PTR ", 8))
			return (const u8 *)a;
	return NULL;
}

static const u8 *table(u64 gpa, const char *sig)
{
	const u8 *t = (const u8 *)gpa;

	__GUEST_ASSERT(gpa && !memcmp(t, sig, 4), "no %s at %#llx", sig, (unsigned long long)gpa);
	__GUEST_ASSERT(!sum(t, rd32(t + HDR_LEN)), "%s checksum", sig);
	return t;
}

static const u8 *xsdt_find(const u8 *xsdt, const char *sig)
{
	u32 n = (rd32(xsdt + HDR_LEN) - HDR_SIZE) / 8;

	for (u32 i = 0; i < n; i++) {
		const u8 *t = (const u8 *)rd64(xsdt + HDR_SIZE + 8 * i);

		if (!memcmp(t, sig, 4))
			return table((u64)t, sig);
	}
	__GUEST_ASSERT(0, "%s is not in the XSDT", sig);
	return NULL;
}

/* FADT fields by offset (ACPI 6.5 section 5.2.9). */
static void check_fadt(const u8 *f)
{
	const u8 *facs = (const u8 *)(u64)rd32(f + 36);

	GUEST_ASSERT_EQ(rd16(f + 46), 9);		/* SCI_INT */
	GUEST_ASSERT_EQ(rd32(f + 48), 0);		/* SMI_CMD */
	GUEST_ASSERT_EQ(rd32(f + 56), 0x600);		/* PM1a_EVT_BLK */
	GUEST_ASSERT_EQ(rd32(f + 64), 0x604);		/* PM1a_CNT_BLK */
	GUEST_ASSERT_EQ(rd32(f + 76), 0x608);		/* PM_TMR_BLK */
	GUEST_ASSERT_EQ(rd64(f + 172 + 4), 0x604);	/* X_PM1a_CNT_BLK address */
	GUEST_ASSERT(rd32(f + 112) & (1 << 10));	/* RESET_REG_SUP */
	GUEST_ASSERT_EQ(rd64(f + 116 + 4), 0xcf9);	/* RESET_REG address */
	GUEST_ASSERT_EQ(f[128], 0x06);			/* RESET_VALUE */
	GUEST_ASSERT(!(rd16(f + 109) & (1 << 1)));	/* IAPC_BOOT_ARCH: no 8042 */
	GUEST_ASSERT(!memcmp(facs, "FACS", 4));
	GUEST_ASSERT_EQ(rd32(facs + 4), 64);
	GUEST_ASSERT_EQ((u64)facs % 64, 0);
}

/* Enabled Processor Local APIC entries (5.2.12.2), each with APIC ID = index. */
static u32 madt_cpus(const u8 *madt)
{
	u32 len = rd32(madt + HDR_LEN), n = 0;

	GUEST_ASSERT_EQ(rd32(madt + 36), 0xfee00000);
	for (u32 off = 44; off < len; off += madt[off + 1]) {
		GUEST_ASSERT(madt[off + 1] >= 2);
		if (madt[off] == 0 && (rd32(madt + off + 4) & 1)) {
			GUEST_ASSERT_EQ(madt[off + 3], n);
			n++;
		}
	}
	return n;
}

/* SLP_TYPa: the first element of Name (_S5_, Package () {...}) (7.4.2). */
static u32 s5_slp_typ(const u8 *dsdt)
{
	u32 len = rd32(dsdt + HDR_LEN);

	for (u32 i = HDR_SIZE; i + 10 <= len; i++) {
		const u8 *p = dsdt + i;

		if (memcmp(p, "_S5_", 4))
			continue;
		/* PackageOp, a one-byte PkgLength, NumElements, then the element. */
		GUEST_ASSERT_EQ(p[4], 0x12);
		if (p[7] == 0x0a)		/* BytePrefix */
			return p[8];
		GUEST_ASSERT(p[7] <= 1);	/* ZeroOp, OneOp */
		return p[7];
	}
	__GUEST_ASSERT(0, "no _S5_ in the DSDT");
	return 0;
}

void guest_main(void)
{
	const u8 *rsdp = find_rsdp(), *xsdt, *fadt, *dsdt;
	u32 cpus, typ;

	GUEST_ASSERT(rsdp);
	GUEST_ASSERT_EQ(rsdp[15], 2);			/* revision */
	GUEST_ASSERT_EQ(sum(rsdp, 20), 0);
	GUEST_ASSERT_EQ(sum(rsdp, rd32(rsdp + 20)), 0);
	GUEST_SYNC_VAL(1, (u64)rsdp);
	xsdt = table(rd64(rsdp + 24), "XSDT");
	fadt = xsdt_find(xsdt, "FACP");
	check_fadt(fadt);
	cpus = madt_cpus(xsdt_find(xsdt, "APIC"));
	GUEST_ASSERT_EQ(cpus, bootinfo_nr_cpus());
	GUEST_SYNC_VAL(2, cpus);
	dsdt = table(rd64(fadt + 140), "DSDT");		/* X_DSDT */
	GUEST_ASSERT_EQ(rd32(fadt + 40), (u64)dsdt);	/* DSDT */
	typ = s5_slp_typ(dsdt);
	GUEST_SYNC_VAL(3, typ);
	outw(rd32(fadt + 64), typ << PM1_SLP_TYP_SHIFT | PM1_SLP_EN);
	for (;;)
		hlt();
}
