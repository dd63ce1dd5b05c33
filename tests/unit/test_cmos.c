// SPDX-License-Identifier: MIT
/* The CMOS RTC and NVRAM through ports 0x70/0x71, on a fake wall clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/cmos.h"
#include "tests/unit/fake_platform.h"

struct cmos_test {
	struct fake_platform *fp;
	struct cmos cmos;
};

static time_t fake_time;

static time_t fake_now(void)
{
	return fake_time;
}

/* Thursday 2024-02-29 13:45:56 UTC: a leap day, an afternoon. */
static time_t leap_day(void)
{
	struct tm tm = {
		.tm_year = 2024 - 1900, .tm_mon = 1, .tm_mday = 29,
		.tm_hour = 13, .tm_min = 45, .tm_sec = 56,
	};

	return timegm(&tm);
}

static int setup_with(void **state, u64 ram_size, u32 nr_cpus)
{
	struct cmos_test *t = calloc(1, sizeof(*t));
	struct layout l;

	if (!t || layout_init(&l, ram_size))
		return -1;
	t->fp = fake_platform_new(2 * MiB, nr_cpus);
	if (!t->fp || cmos_init(&t->cmos, &t->fp->pio, &l, nr_cpus))
		return -1;
	fake_time = leap_day();
	t->cmos.now = fake_now;
	t->cmos.c_read = fake_time;
	*state = t;
	return 0;
}

static int setup(void **state)
{
	return setup_with(state, 64 * MiB, 2);
}

static int setup_8g(void **state)
{
	return setup_with(state, 8 * GiB, 64);
}

static int teardown(void **state)
{
	struct cmos_test *t = *state;

	cmos_exit(&t->cmos);
	fake_platform_free(t->fp);
	free(t);
	return 0;
}

static u8 rd(struct cmos_test *t, u8 reg)
{
	fake_outb(t->fp, CMOS_INDEX_PORT, reg);
	return fake_inb(t->fp, CMOS_DATA_PORT);
}

static void wr(struct cmos_test *t, u8 reg, u8 v)
{
	fake_outb(t->fp, CMOS_INDEX_PORT, reg);
	fake_outb(t->fp, CMOS_DATA_PORT, v);
}

static void test_cmos_time_bcd_24h(void **state)
{
	struct cmos_test *t = *state;

	assert_int_equal(rd(t, CMOS_REG_B), CMOS_B_DEFAULT);
	assert_int_equal(rd(t, CMOS_REG_SECONDS), 0x56);
	assert_int_equal(rd(t, CMOS_REG_MINUTES), 0x45);
	assert_int_equal(rd(t, CMOS_REG_HOURS), 0x13);
	assert_int_equal(rd(t, CMOS_REG_WEEKDAY), 5);	/* Thursday; Sunday is 1 */
	assert_int_equal(rd(t, CMOS_REG_DAY), 0x29);
	assert_int_equal(rd(t, CMOS_REG_MONTH), 0x02);
	assert_int_equal(rd(t, CMOS_REG_YEAR), 0x24);
	assert_int_equal(rd(t, CMOS_REG_CENTURY), 0x20);
}

static void test_cmos_time_binary(void **state)
{
	struct cmos_test *t = *state;

	wr(t, CMOS_REG_B, CMOS_B_24H | CMOS_B_DM_BINARY);
	assert_int_equal(rd(t, CMOS_REG_SECONDS), 56);
	assert_int_equal(rd(t, CMOS_REG_HOURS), 13);
	assert_int_equal(rd(t, CMOS_REG_DAY), 29);
	assert_int_equal(rd(t, CMOS_REG_YEAR), 24);
	assert_int_equal(rd(t, CMOS_REG_CENTURY), 20);
}

static void test_cmos_time_12h(void **state)
{
	struct cmos_test *t = *state;

	wr(t, CMOS_REG_B, 0);					/* BCD, 12-hour */
	assert_int_equal(rd(t, CMOS_REG_HOURS), CMOS_HOUR_PM | 0x01);
	wr(t, CMOS_REG_B, CMOS_B_DM_BINARY);			/* binary, 12-hour */
	assert_int_equal(rd(t, CMOS_REG_HOURS), CMOS_HOUR_PM | 1);
	/* Writing 12 AM sets midnight; 24-hour mode then reads 0. */
	wr(t, CMOS_REG_HOURS, 12);
	wr(t, CMOS_REG_B, CMOS_B_24H | CMOS_B_DM_BINARY);
	assert_int_equal(rd(t, CMOS_REG_HOURS), 0);
	wr(t, CMOS_REG_B, 0);
	assert_int_equal(rd(t, CMOS_REG_HOURS), 0x12);		/* 12 AM */
}

static void test_cmos_write_moves_guest_clock(void **state)
{
	struct cmos_test *t = *state;

	wr(t, CMOS_REG_YEAR, 0x30);
	assert_int_equal(rd(t, CMOS_REG_YEAR), 0x30);
	/* 2030 is no leap year: Feb 29 becomes Mar 1, as timegm() has it. */
	assert_int_equal(rd(t, CMOS_REG_MONTH), 0x03);
	wr(t, CMOS_REG_CENTURY, 0x21);
	assert_int_equal(rd(t, CMOS_REG_CENTURY), 0x21);
	assert_int_equal(rd(t, CMOS_REG_YEAR), 0x30);
	/* The guest clock keeps running with the host's. */
	fake_time += 3;
	assert_int_equal(rd(t, CMOS_REG_SECONDS), 0x59);
}

static void test_cmos_set_bit_freezes_and_applies(void **state)
{
	struct cmos_test *t = *state;

	wr(t, CMOS_REG_B, CMOS_B_DEFAULT | CMOS_B_SET);
	/* Day 31 first, while the month is still February: no normalisation yet. */
	wr(t, CMOS_REG_DAY, 0x31);
	wr(t, CMOS_REG_MONTH, 0x03);
	wr(t, CMOS_REG_SECONDS, 0x00);
	fake_time += 5;
	assert_int_equal(rd(t, CMOS_REG_SECONDS), 0x00);	/* stands still */
	assert_int_equal(rd(t, CMOS_REG_DAY), 0x31);
	assert_int_equal(rd(t, CMOS_REG_WEEKDAY), 1);		/* 2024-03-31 is a Sunday */
	wr(t, CMOS_REG_B, CMOS_B_DEFAULT);
	fake_time += 2;
	assert_int_equal(rd(t, CMOS_REG_SECONDS), 0x02);
	assert_int_equal(rd(t, CMOS_REG_DAY), 0x31);
	assert_int_equal(rd(t, CMOS_REG_MONTH), 0x03);
}

static void test_cmos_write_invalid_ignored(void **state)
{
	struct cmos_test *t = *state;

	wr(t, CMOS_REG_SECONDS, 0x7a);				/* not BCD */
	wr(t, CMOS_REG_MONTH, 0x13);				/* no 13th month */
	wr(t, CMOS_REG_WEEKDAY, 0x03);				/* derived from the date */
	assert_int_equal(rd(t, CMOS_REG_SECONDS), 0x56);
	assert_int_equal(rd(t, CMOS_REG_MONTH), 0x02);
	assert_int_equal(rd(t, CMOS_REG_WEEKDAY), 5);
}

static void test_cmos_reg_a_uip_clear(void **state)
{
	struct cmos_test *t = *state;

	assert_int_equal(rd(t, CMOS_REG_A), CMOS_A_DEFAULT);
	wr(t, CMOS_REG_A, CMOS_A_UIP | CMOS_A_DEFAULT);
	assert_int_equal(rd(t, CMOS_REG_A), CMOS_A_DEFAULT);
}

static void test_cmos_reg_c_read_clears_uf(void **state)
{
	struct cmos_test *t = *state;

	assert_int_equal(rd(t, CMOS_REG_C), 0);
	fake_time++;
	assert_int_equal(rd(t, CMOS_REG_C), CMOS_C_UF);
	assert_int_equal(rd(t, CMOS_REG_C), 0);
}

static void test_cmos_reg_d_valid_read_only(void **state)
{
	struct cmos_test *t = *state;

	assert_int_equal(rd(t, CMOS_REG_D), CMOS_D_VRT);
	wr(t, CMOS_REG_D, 0);
	assert_int_equal(rd(t, CMOS_REG_D), CMOS_D_VRT);
}

static void test_cmos_index_nmi_bit_ignored(void **state)
{
	struct cmos_test *t = *state;

	assert_int_equal(rd(t, 0x80 | CMOS_REG_D), CMOS_D_VRT);
	assert_int_equal(fake_inb(t->fp, CMOS_INDEX_PORT), 0xff);	/* write-only */
}

static void test_cmos_nvram_read_write(void **state)
{
	struct cmos_test *t = *state;

	wr(t, 0x40, 0xab);
	wr(t, 0x7f, 0xcd);
	assert_int_equal(rd(t, 0x40), 0xab);
	assert_int_equal(rd(t, 0x7f), 0xcd);
}

static u32 rd16(struct cmos_test *t, u8 lo)
{
	return rd(t, lo) | rd(t, lo + 1) << 8;
}

static void test_cmos_memory_64m(void **state)
{
	struct cmos_test *t = *state;

	assert_int_equal(rd16(t, CMOS_BASE_MEM_LO), 640);
	assert_int_equal(rd16(t, CMOS_EXT_MEM_LO), 63 * 1024);
	assert_int_equal(rd16(t, CMOS_EXT_MEM2_LO), 63 * 1024);
	assert_int_equal(rd16(t, CMOS_MEM_16M_LO), 48 * 16);
	assert_int_equal(rd(t, CMOS_MEM_4G_LO) | rd(t, CMOS_MEM_4G_MID) | rd(t, CMOS_MEM_4G_HI), 0);
	assert_int_equal(rd(t, CMOS_NR_CPUS_M1), 1);
}

static void test_cmos_memory_8g(void **state)
{
	struct cmos_test *t = *state;

	/* 3 GiB below the hole, 5 GiB above 4 GiB. */
	assert_int_equal(rd16(t, CMOS_EXT_MEM_LO), 0xffff);
	assert_int_equal(rd16(t, CMOS_EXT_MEM2_LO), 0xffff);
	assert_int_equal(rd16(t, CMOS_MEM_16M_LO), (3 * GiB - 16 * MiB) / (64 * KiB));
	assert_int_equal(rd(t, CMOS_MEM_4G_LO), 0x00);
	assert_int_equal(rd(t, CMOS_MEM_4G_MID), 0x40);
	assert_int_equal(rd(t, CMOS_MEM_4G_HI), 0x01);		/* 0x14000 x 64 KiB */
	assert_int_equal(rd(t, CMOS_NR_CPUS_M1), 63);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_cmos_time_bcd_24h),
		T(test_cmos_time_binary),
		T(test_cmos_time_12h),
		T(test_cmos_write_moves_guest_clock),
		T(test_cmos_set_bit_freezes_and_applies),
		T(test_cmos_write_invalid_ignored),
		T(test_cmos_reg_a_uip_clear),
		T(test_cmos_reg_c_read_clears_uf),
		T(test_cmos_reg_d_valid_read_only),
		T(test_cmos_index_nmi_bit_ignored),
		T(test_cmos_nvram_read_write),
		T(test_cmos_memory_64m),
		cmocka_unit_test_setup_teardown(test_cmos_memory_8g, setup_8g, teardown),
	};
#undef T

	return cmocka_run_group_tests_name("cmos", tests, NULL, NULL);
}
