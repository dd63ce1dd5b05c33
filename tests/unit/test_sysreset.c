// SPDX-License-Identifier: MIT
/* Reset through 0xcf9 and the i8042 command port; everything else must not reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/acpi.h"
#include "devices/sysreset.h"
#include "tests/unit/fake_platform.h"
#include "vmm/status.h"

struct reset_test {
	struct fake_platform *fp;
	struct sysreset reset;
};

static int setup(void **state)
{
	struct reset_test *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	t->fp = fake_platform_new(2 * MiB, 1);
	if (!t->fp || sysreset_init(&t->reset, &t->fp->pio, &t->fp->plat))
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct reset_test *t = *state;

	sysreset_exit(&t->reset);
	fake_platform_free(t->fp);
	free(t);
	return 0;
}

static void test_sysreset_cf9_rst_cpu_resets(void **state)
{
	struct reset_test *t = *state;

	fake_outb(t->fp, ACPI_RESET_PORT, ACPI_RESET_VALUE);
	assert_int_equal(t->fp->nr_stops, 1);
	assert_int_equal(t->fp->stop_status, VTLVM_EXIT_RESET);
}

static void test_sysreset_cf9_reads_last_value(void **state)
{
	struct reset_test *t = *state;

	assert_int_equal(fake_inb(t->fp, ACPI_RESET_PORT), 0);
	/* SYS_RST alone only chooses the kind of reset; RST_CPU starts it. */
	fake_outb(t->fp, ACPI_RESET_PORT, SYSRESET_RST_CNT_SYS_RST);
	assert_int_equal(t->fp->nr_stops, 0);
	assert_int_equal(fake_inb(t->fp, ACPI_RESET_PORT), SYSRESET_RST_CNT_SYS_RST);
}

static void test_sysreset_i8042_fe_resets(void **state)
{
	struct reset_test *t = *state;

	fake_outb(t->fp, SYSRESET_I8042_CMD_PORT, SYSRESET_I8042_CMD_RESET);
	assert_int_equal(t->fp->nr_stops, 1);
	assert_int_equal(t->fp->stop_status, VTLVM_EXIT_RESET);
}

static void test_sysreset_i8042_pulse_commands(void **state)
{
	struct reset_test *t = *state;

	/* 0xff pulses no line; 0xf0 pulses all four, the reset line among them. */
	fake_outb(t->fp, SYSRESET_I8042_CMD_PORT, 0xff);
	assert_int_equal(t->fp->nr_stops, 0);
	fake_outb(t->fp, SYSRESET_I8042_CMD_PORT, 0xf0);
	assert_int_equal(t->fp->nr_stops, 1);
	assert_int_equal(t->fp->stop_status, VTLVM_EXIT_RESET);
}

static void test_sysreset_i8042_other_commands_ignored(void **state)
{
	struct reset_test *t = *state;
	static const u8 cmds[] = { 0x20, 0x60, 0xa7, 0xad, 0xd1, 0xef };

	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fake_outb(t->fp, SYSRESET_I8042_CMD_PORT, cmds[i]);
	fake_outb(t->fp, SYSRESET_I8042_DATA_PORT, 0xfe);	/* data, not a command */
	assert_int_equal(t->fp->nr_stops, 0);
}

static void test_sysreset_i8042_status_empty(void **state)
{
	struct reset_test *t = *state;

	assert_int_equal(fake_inb(t->fp, SYSRESET_I8042_CMD_PORT), 0);
	assert_int_equal(fake_inb(t->fp, SYSRESET_I8042_DATA_PORT), 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_sysreset_cf9_rst_cpu_resets),
		T(test_sysreset_cf9_reads_last_value),
		T(test_sysreset_i8042_fe_resets),
		T(test_sysreset_i8042_pulse_commands),
		T(test_sysreset_i8042_other_commands_ignored),
		T(test_sysreset_i8042_status_empty),
	};
#undef T

	return cmocka_run_group_tests_name("sysreset", tests, NULL, NULL);
}
