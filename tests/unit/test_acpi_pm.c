// SPDX-License-Identifier: MIT
/* The ACPI PM1a and PM timer registers, driven through the PIO bus with a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/acpi.h"
#include "devices/acpi_pm.h"
#include "tests/unit/fake_platform.h"
#include "vmm/status.h"

#define NS_PER_S	1000000000ULL

struct pm_test {
	struct fake_platform *fp;
	struct acpi_pm pm;
};

static u64 fake_ns;

static u64 fake_now_ns(void)
{
	return fake_ns;
}

static int setup(void **state)
{
	struct pm_test *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	t->fp = fake_platform_new(2 * MiB, 1);
	if (!t->fp || acpi_pm_init(&t->pm, &t->fp->pio, &t->fp->plat))
		return -1;
	fake_ns = 0;
	t->pm.now_ns = fake_now_ns;
	/* Re-base TMR_STS on the fake clock: write 1 to clear it. */
	fake_outw(t->fp, ACPI_PM1A_EVT_PORT, ACPI_PM1_TMR_STS);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct pm_test *t = *state;

	acpi_pm_exit(&t->pm);
	fake_platform_free(t->fp);
	free(t);
	return 0;
}

static void test_acpi_pm_cnt_sci_en_reads_one(void **state)
{
	struct pm_test *t = *state;

	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_CNT_PORT), ACPI_PM1_SCI_EN);
	/* Always in ACPI mode: clearing SCI_EN does not stick. */
	fake_outw(t->fp, ACPI_PM1A_CNT_PORT, 0);
	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_CNT_PORT), ACPI_PM1_SCI_EN);
}

static void test_acpi_pm_cnt_s5_powers_off(void **state)
{
	struct pm_test *t = *state;

	fake_outw(t->fp, ACPI_PM1A_CNT_PORT,
		  ACPI_S5_SLP_TYP << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN);
	assert_int_equal(t->fp->nr_stops, 1);
	assert_int_equal(t->fp->stop_status, VTLVM_EXIT_POWEROFF);
}

/* Linux writes SLP_TYP first, then SLP_TYP | SLP_EN (acpi_hw_legacy_sleep). */
static void test_acpi_pm_cnt_slp_typ_then_slp_en(void **state)
{
	struct pm_test *t = *state;
	u16 typ = ACPI_S5_SLP_TYP << ACPI_PM1_SLP_TYP_SHIFT;

	fake_outw(t->fp, ACPI_PM1A_CNT_PORT, typ | ACPI_PM1_SCI_EN);
	assert_int_equal(t->fp->nr_stops, 0);
	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_CNT_PORT), typ | ACPI_PM1_SCI_EN);
	fake_outw(t->fp, ACPI_PM1A_CNT_PORT, typ | ACPI_PM1_SCI_EN | ACPI_PM1_SLP_EN);
	assert_int_equal(t->fp->nr_stops, 1);
	assert_int_equal(t->fp->stop_status, VTLVM_EXIT_POWEROFF);
}

static void test_acpi_pm_cnt_byte_write_high_half(void **state)
{
	struct pm_test *t = *state;
	u16 v = ACPI_S5_SLP_TYP << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN;

	fake_outb(t->fp, ACPI_PM1A_CNT_PORT + 1, v >> 8);
	assert_int_equal(t->fp->nr_stops, 1);
	assert_int_equal(t->fp->stop_status, VTLVM_EXIT_POWEROFF);
}

static void test_acpi_pm_cnt_other_sleep_type_ignored(void **state)
{
	struct pm_test *t = *state;
	u16 s3 = 1 << ACPI_PM1_SLP_TYP_SHIFT;

	fake_outw(t->fp, ACPI_PM1A_CNT_PORT, s3 | ACPI_PM1_SLP_EN);
	assert_int_equal(t->fp->nr_stops, 0);
	/* SLP_EN is write-only: it reads 0. */
	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_CNT_PORT), s3 | ACPI_PM1_SCI_EN);
}

static void test_acpi_pm_tmr_counts_at_3579545_hz(void **state)
{
	struct pm_test *t = *state;

	assert_int_equal(fake_inl(t->fp, ACPI_PM_TMR_PORT), 0);
	fake_ns = NS_PER_S;
	assert_int_equal(fake_inl(t->fp, ACPI_PM_TMR_PORT), 3579545);
	fake_ns = 2 * NS_PER_S + 1000;			/* 1 us is 3.58 ticks */
	assert_int_equal(fake_inl(t->fp, ACPI_PM_TMR_PORT), 2 * 3579545 + 3);
}

static void test_acpi_pm_tmr_is_32_bits(void **state)
{
	struct pm_test *t = *state;

	/* 1200 s is 4295454000 ticks: past 2^24 and 2^32. */
	fake_ns = 1200 * NS_PER_S;
	assert_int_equal(fake_inl(t->fp, ACPI_PM_TMR_PORT), 4295454000ULL - (1ULL << 32));
	fake_ns = 10 * NS_PER_S;			/* 35795450: more than 24 bits */
	assert_int_equal(fake_inl(t->fp, ACPI_PM_TMR_PORT), 35795450);
	assert_int_equal(fake_inw(t->fp, ACPI_PM_TMR_PORT + 2), 35795450 >> 16);
	assert_int_equal(fake_inb(t->fp, ACPI_PM_TMR_PORT + 3), 35795450 >> 24);
}

static void test_acpi_pm_tmr_write_ignored(void **state)
{
	struct pm_test *t = *state;

	fake_ns = NS_PER_S;
	fake_outl(t->fp, ACPI_PM_TMR_PORT, 0);
	assert_int_equal(fake_inl(t->fp, ACPI_PM_TMR_PORT), 3579545);
}

static void test_acpi_pm_sts_tmr_write_one_to_clear(void **state)
{
	struct pm_test *t = *state;

	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_EVT_PORT), 0);
	fake_ns = 600 * NS_PER_S;			/* 2147727000 ticks: bit 31 set */
	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_EVT_PORT), ACPI_PM1_TMR_STS);
	fake_outw(t->fp, ACPI_PM1A_EVT_PORT, 0);	/* writing 0 leaves it */
	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_EVT_PORT), ACPI_PM1_TMR_STS);
	fake_outw(t->fp, ACPI_PM1A_EVT_PORT, ACPI_PM1_TMR_STS);
	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_EVT_PORT), 0);
	fake_ns = 1200 * NS_PER_S;			/* bit 31 toggles back to 0 */
	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_EVT_PORT), ACPI_PM1_TMR_STS);
}

static void test_acpi_pm_en_does_not_stick(void **state)
{
	struct pm_test *t = *state;

	fake_outw(t->fp, ACPI_PM1A_EVT_PORT + 2, 0x0121);	/* TMR_EN, GBL_EN, PWRBTN_EN */
	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_EVT_PORT + 2), 0);
	assert_int_equal(t->fp->nr_irqs, 0);
}

static void test_acpi_pm_evt_dword_access(void **state)
{
	struct pm_test *t = *state;

	fake_ns = 600 * NS_PER_S;
	assert_int_equal(fake_inl(t->fp, ACPI_PM1A_EVT_PORT), ACPI_PM1_TMR_STS);
	fake_outl(t->fp, ACPI_PM1A_EVT_PORT, ACPI_PM1_TMR_STS);
	assert_int_equal(fake_inl(t->fp, ACPI_PM1A_EVT_PORT), 0);
}

static void test_acpi_pm_straddling_access_reads_ones(void **state)
{
	struct pm_test *t = *state;

	/* PM1a_CNT is 2 bytes: a dword there runs into the hole. */
	assert_int_equal(fake_inl(t->fp, ACPI_PM1A_CNT_PORT), 0xffffffff);
	assert_int_equal(fake_inb(t->fp, ACPI_PM1A_CNT_PORT + 2), 0xff);
	assert_int_equal(fake_inw(t->fp, ACPI_PM1A_EVT_PORT + 3), 0xffff);
	fake_outl(t->fp, ACPI_PM1A_CNT_PORT,
		  ACPI_S5_SLP_TYP << ACPI_PM1_SLP_TYP_SHIFT | ACPI_PM1_SLP_EN);
	assert_int_equal(t->fp->nr_stops, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_acpi_pm_cnt_sci_en_reads_one),
		T(test_acpi_pm_cnt_s5_powers_off),
		T(test_acpi_pm_cnt_slp_typ_then_slp_en),
		T(test_acpi_pm_cnt_byte_write_high_half),
		T(test_acpi_pm_cnt_other_sleep_type_ignored),
		T(test_acpi_pm_tmr_counts_at_3579545_hz),
		T(test_acpi_pm_tmr_is_32_bits),
		T(test_acpi_pm_tmr_write_ignored),
		T(test_acpi_pm_sts_tmr_write_one_to_clear),
		T(test_acpi_pm_en_does_not_stick),
		T(test_acpi_pm_evt_dword_access),
		T(test_acpi_pm_straddling_access_reads_ones),
	};
#undef T

	return cmocka_run_group_tests_name("acpi_pm", tests, NULL, NULL);
}
