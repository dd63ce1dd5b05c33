// SPDX-License-Identifier: MIT
/*
 * The ACPI tables as a guest finds them: built into a fake guest RAM, then
 * read back by the offsets ACPI 6.5 gives (not by devices/acpi.c's structs,
 * so that a wrong struct layout shows up here).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "devices/acpi.h"
#include "tests/unit/fake_platform.h"

/* Offsets from ACPI 6.5: RSDP 5.2.5.3, header 5.2.6, FADT 5.2.9, MADT 5.2.12. */
#define RSDP_XSDT	24
#define HDR_LEN		4
#define HDR_REV		8
#define HDR_SIZE	36
#define FADT_FACS	36
#define FADT_DSDT	40
#define FADT_SCI_INT	46
#define FADT_SMI_CMD	48
#define FADT_PM1A_EVT	56
#define FADT_PM1A_CNT	64
#define FADT_PM_TMR	76
#define FADT_PM1_EVT_LEN 88
#define FADT_PM1_CNT_LEN 89
#define FADT_PM_TMR_LEN	91
#define FADT_CENTURY	108
#define FADT_BOOT_ARCH	109
#define FADT_FLAGS	112
#define FADT_RESET_REG	116
#define FADT_RESET_VAL	128
#define FADT_MINOR	131
#define FADT_X_FACS	132
#define FADT_X_DSDT	140
#define FADT_X_PM1A_EVT	148
#define FADT_X_PM1A_CNT	172
#define FADT_X_PM_TMR	208
#define FADT_LEN	276
#define MADT_LAPIC_ADDR	36
#define MADT_FLAGS	40
#define MADT_ENTRIES	44

struct tables {
	const u8 *rsdp, *xsdt, *fadt, *madt, *dsdt, *facs;
	gpa_t rsdp_gpa, facs_gpa;
};

static u16 le16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static u32 le32(const u8 *p)
{
	return le16(p) | (u32)le16(p + 2) << 16;
}

static u64 le64(const u8 *p)
{
	return le32(p) | (u64)le32(p + 4) << 32;
}

static int setup(void **state)
{
	*state = fake_platform_new(2 * MiB, 1);
	return *state ? 0 : -1;
}

static int teardown(void **state)
{
	fake_platform_free(*state);
	return 0;
}

/* A table at gpa, after checking that it is in RAM and its checksum holds. */
static const u8 *table_at(struct fake_platform *fp, gpa_t gpa, const char *sig)
{
	const u8 *t = gmem_hva(&fp->mem, gpa, HDR_SIZE);

	assert_non_null(t);
	assert_memory_equal(t, sig, 4);
	assert_non_null(gmem_hva(&fp->mem, gpa, le32(t + HDR_LEN)));
	assert_int_equal(acpi_checksum(t, le32(t + HDR_LEN)), 0);
	return t;
}

/* Build for nr_cpus and follow RSDP -> XSDT -> FADT/MADT -> DSDT/FACS. */
static void build_and_walk(struct fake_platform *fp, u32 nr_cpus, struct tables *t)
{
	struct acpi_desc d = { .nr_cpus = nr_cpus };

	assert_int_equal(acpi_build(&fp->mem, LAYOUT_ACPI, LAYOUT_ACPI_SIZE, &d, &t->rsdp_gpa), 0);
	t->rsdp = gmem_hva(&fp->mem, t->rsdp_gpa, 36);
	assert_non_null(t->rsdp);
	t->xsdt = table_at(fp, le64(t->rsdp + RSDP_XSDT), "XSDT");
	assert_int_equal(le32(t->xsdt + HDR_LEN), HDR_SIZE + 2 * 8);
	t->fadt = table_at(fp, le64(t->xsdt + HDR_SIZE), "FACP");
	t->madt = table_at(fp, le64(t->xsdt + HDR_SIZE + 8), "APIC");
	t->dsdt = table_at(fp, le64(t->fadt + FADT_X_DSDT), "DSDT");
	t->facs_gpa = le32(t->fadt + FADT_FACS);
	t->facs = gmem_hva(&fp->mem, t->facs_gpa, 64);
	assert_non_null(t->facs);
}

static void test_acpi_checksum_sums_bytes(void **state)
{
	static const u8 bytes[] = { 0x01, 0x02, 0xff, 0x10 };

	(void)state;
	assert_int_equal(acpi_checksum(bytes, sizeof(bytes)), 0x12);
	assert_int_equal(acpi_checksum(bytes, 0), 0);
}

static void test_acpi_build_rsdp(void **state)
{
	struct tables t;

	build_and_walk(*state, 1, &t);
	assert_int_equal(t.rsdp_gpa, LAYOUT_ACPI);
	assert_memory_equal(t.rsdp, "RSD PTR ", 8);
	assert_int_equal(t.rsdp[15], 2);			/* revision */
	assert_int_equal(le32(t.rsdp + 16), 0);			/* no RSDT */
	assert_int_equal(le32(t.rsdp + 20), 36);		/* length */
	assert_int_equal(acpi_checksum(t.rsdp, 20), 0);		/* ACPI 1.0 checksum */
	assert_int_equal(acpi_checksum(t.rsdp, 36), 0);		/* extended checksum */
}

static void test_acpi_build_facs(void **state)
{
	struct tables t;

	build_and_walk(*state, 1, &t);
	assert_true(IS_ALIGNED(t.facs_gpa, 64));
	assert_memory_equal(t.facs, "FACS", 4);
	assert_int_equal(le32(t.facs + 4), 64);
	assert_int_equal(t.facs[32], 2);			/* version */
	/* FIRMWARE_CTRL carries it, so X_FIRMWARE_CTRL "must be zero" (5.2.9). */
	assert_int_equal(le64(t.fadt + FADT_X_FACS), 0);
}

static void test_acpi_build_fadt(void **state)
{
	struct tables t;
	const u8 *f;

	build_and_walk(*state, 1, &t);
	f = t.fadt;
	assert_int_equal(le32(f + HDR_LEN), FADT_LEN);
	assert_int_equal(f[HDR_REV], 6);
	assert_int_equal(f[FADT_MINOR], 5);
	assert_int_equal(le32(f + FADT_DSDT), le64(f + FADT_X_DSDT));
	assert_int_equal(le16(f + FADT_SCI_INT), 9);
	assert_int_equal(le32(f + FADT_SMI_CMD), 0);
	assert_int_equal(le32(f + FADT_PM1A_EVT), 0x600);
	assert_int_equal(le32(f + FADT_PM1A_CNT), 0x604);
	assert_int_equal(le32(f + FADT_PM_TMR), 0x608);
	assert_int_equal(f[FADT_PM1_EVT_LEN], 4);
	assert_int_equal(f[FADT_PM1_CNT_LEN], 2);
	assert_int_equal(f[FADT_PM_TMR_LEN], 4);
	assert_int_equal(f[FADT_CENTURY], 0x32);
	assert_int_equal(le16(f + FADT_BOOT_ARCH) & BIT(1), 0);	/* no 8042 */
	assert_true(le32(f + FADT_FLAGS) & BIT(10));		/* RESET_REG_SUP */
	assert_true(le32(f + FADT_FLAGS) & BIT(8));		/* TMR_VAL_EXT */
	assert_false(le32(f + FADT_FLAGS) & BIT(20));		/* not HW_REDUCED_ACPI */
}

static void test_acpi_build_fadt_generic_addresses(void **state)
{
	static const struct { unsigned int off; u8 width; u64 addr; } gas[] = {
		{ FADT_RESET_REG, 8, 0xcf9 },
		{ FADT_X_PM1A_EVT, 32, 0x600 },
		{ FADT_X_PM1A_CNT, 16, 0x604 },
		{ FADT_X_PM_TMR, 32, 0x608 },
	};
	struct tables t;

	build_and_walk(*state, 1, &t);
	for (size_t i = 0; i < ARRAY_SIZE(gas); i++) {
		const u8 *g = t.fadt + gas[i].off;

		assert_int_equal(g[0], 1);				/* System I/O */
		assert_int_equal(g[1], gas[i].width);
		assert_int_equal(g[2], 0);
		assert_int_equal(le64(g + 4), gas[i].addr);
	}
	assert_int_equal(t.fadt[FADT_RESET_VAL], 0x06);
}

static void test_acpi_build_dsdt_s5(void **state)
{
	static const u8 s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	struct tables t;

	build_and_walk(*state, 1, &t);
	assert_int_equal(le32(t.dsdt + HDR_LEN), HDR_SIZE + sizeof(s5));
	assert_int_equal(t.dsdt[HDR_REV], 2);
	assert_memory_equal(t.dsdt + HDR_SIZE, s5, sizeof(s5));
}

struct madt_count {
	u32 lapics, ioapics, overrides, nmis;
};

/* Walk every MADT entry, checking each against what the machine has. */
static struct madt_count madt_walk(const u8 *madt)
{
	u32 len = le32(madt + HDR_LEN), off = MADT_ENTRIES;
	struct madt_count n = { 0 };

	while (off < len) {
		const u8 *e = madt + off;

		assert_true(e[1] >= 2 && off + e[1] <= len);
		switch (e[0]) {
		case 0:		/* Processor Local APIC: UID and APIC ID = index, enabled */
			assert_int_equal(e[1], 8);
			assert_int_equal(e[2], n.lapics);
			assert_int_equal(e[3], n.lapics);
			assert_int_equal(le32(e + 4), 1);
			n.lapics++;
			break;
		case 1:		/* I/O APIC */
			assert_int_equal(e[2], 0);
			assert_int_equal(le32(e + 4), 0xfec00000);
			assert_int_equal(le32(e + 8), 0);
			n.ioapics++;
			break;
		case 2:		/* Interrupt Source Override: only the SCI's */
			assert_int_equal(e[2], 0);
			assert_int_equal(e[3], 9);
			assert_int_equal(le32(e + 4), 9);
			assert_int_equal(le16(e + 8), 0x0d);	/* level, active high */
			n.overrides++;
			break;
		case 4:		/* Local APIC NMI: all processors, LINT1 */
			assert_int_equal(e[2], 0xff);
			assert_int_equal(e[5], 1);
			n.nmis++;
			break;
		default:
			fail_msg("unexpected MADT entry type %u", e[0]);
		}
		off += e[1];
	}
	assert_int_equal(off, len);
	return n;
}

static void check_madt(struct fake_platform *fp, u32 nr_cpus)
{
	struct madt_count n;
	struct tables t;

	build_and_walk(fp, nr_cpus, &t);
	assert_int_equal(le32(t.madt + MADT_LAPIC_ADDR), 0xfee00000);
	assert_int_equal(le32(t.madt + MADT_FLAGS), 1);		/* PCAT_COMPAT */
	assert_int_equal(t.madt[HDR_REV], 6);
	n = madt_walk(t.madt);
	assert_int_equal(n.lapics, nr_cpus);
	assert_int_equal(n.ioapics, 1);
	/* IRQ0 is GSI 0 under KVM's default routing: no override for it. */
	assert_int_equal(n.overrides, 1);
	assert_int_equal(n.nmis, 1);
}

static void test_acpi_build_madt_1_cpu(void **state)
{
	check_madt(*state, 1);
}

static void test_acpi_build_madt_2_cpus(void **state)
{
	check_madt(*state, 2);
}

static void test_acpi_build_madt_64_cpus(void **state)
{
	check_madt(*state, 64);
}

static void test_acpi_build_madt_max_cpus(void **state)
{
	check_madt(*state, ACPI_MAX_CPUS);
}

static void test_acpi_build_too_small(void **state)
{
	struct fake_platform *fp = *state;
	struct acpi_desc one = { .nr_cpus = 1 }, many = { .nr_cpus = 64 };
	gpa_t rsdp = 0;

	assert_int_equal(acpi_build(&fp->mem, LAYOUT_ACPI, 64, &one, &rsdp), -ENOSPC);
	assert_int_equal(rsdp, 0);
	/* One CPU's tables take 612 bytes, 64 CPUs' 1124. */
	assert_int_equal(acpi_build(&fp->mem, LAYOUT_ACPI, 611, &one, &rsdp), -ENOSPC);
	assert_int_equal(acpi_build(&fp->mem, LAYOUT_ACPI, 612, &one, &rsdp), 0);
	assert_int_equal(rsdp, LAYOUT_ACPI);
	assert_int_equal(acpi_build(&fp->mem, LAYOUT_ACPI, 1024, &one, &rsdp), 0);
	assert_int_equal(acpi_build(&fp->mem, LAYOUT_ACPI, 1024, &many, &rsdp), -ENOSPC);
}

static void test_acpi_build_bad_input(void **state)
{
	struct fake_platform *fp = *state;
	struct acpi_desc none = { .nr_cpus = 0 }, too_many = { .nr_cpus = ACPI_MAX_CPUS + 1 };
	struct acpi_desc one = { .nr_cpus = 1 };
	gpa_t rsdp;

	assert_int_equal(acpi_build(&fp->mem, LAYOUT_ACPI, LAYOUT_ACPI_SIZE, &none, &rsdp),
			 -EINVAL);
	assert_int_equal(acpi_build(&fp->mem, LAYOUT_ACPI, LAYOUT_ACPI_SIZE, &too_many, &rsdp),
			 -EINVAL);
	assert_int_equal(acpi_build(&fp->mem, LAYOUT_ACPI + 8, LAYOUT_ACPI_SIZE, &one, &rsdp),
			 -EINVAL);
	/* The fake RAM ends at 2 MiB. */
	assert_int_equal(acpi_build(&fp->mem, 4 * MiB, LAYOUT_ACPI_SIZE, &one, &rsdp), -EFAULT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acpi_checksum_sums_bytes),
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(test_acpi_build_rsdp),
		T(test_acpi_build_facs),
		T(test_acpi_build_fadt),
		T(test_acpi_build_fadt_generic_addresses),
		T(test_acpi_build_dsdt_s5),
		T(test_acpi_build_madt_1_cpu),
		T(test_acpi_build_madt_2_cpus),
		T(test_acpi_build_madt_64_cpus),
		T(test_acpi_build_madt_max_cpus),
		T(test_acpi_build_too_small),
		T(test_acpi_build_bad_input),
#undef T
	};

	return cmocka_run_group_tests_name("acpi", tests, NULL, NULL);
}
