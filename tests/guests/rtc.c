// SPDX-License-Identifier: MIT
/*
 * The CMOS RTC as a PC OS reads it (MC146818A data sheet): registers A and
 * D after reset, a sane BCD date in 24-hour mode, the same date in binary
 * mode, 12-hour mode, setting the clock with the SET bit, the memory and CPU
 * bytes SeaBIOS reads, and the ACPI PM timer counting.
 */
#include "guest.h"

#define CMOS_INDEX	0x70
#define CMOS_DATA	0x71
#define REG_SECONDS	0x00
#define REG_HOURS	0x04
#define REG_DAY		0x07
#define REG_MONTH	0x08
#define REG_YEAR	0x09
#define REG_A		0x0a
#define REG_B		0x0b
#define REG_D		0x0d
#define REG_CENTURY	0x32
#define REG_EXT_MEM	0x17	/* KiB above 1 MiB, at most 0xffff */
#define REG_NR_CPUS_M1	0x5f
#define B_SET		0x80
#define B_BINARY	0x04
#define B_24H		0x02
#define HOUR_PM		0x80
#define PM_TMR_PORT	0x608
#define PM_TMR_HZ	3579545

static u8 cmos_read(u8 reg)
{
	outb(CMOS_INDEX, reg);
	return inb(CMOS_DATA);
}

static void cmos_write(u8 reg, u8 v)
{
	outb(CMOS_INDEX, reg);
	outb(CMOS_DATA, v);
}

static u32 bcd(u8 v)
{
	__GUEST_ASSERT((v & 0xf) <= 9 && (v >> 4) <= 9, "%#x is not BCD", v);
	return (v >> 4) * 10 + (v & 0xf);
}

/* The year, in BCD mode; checks each field on the way. */
static u32 check_bcd_date(void)
{
	u32 sec = bcd(cmos_read(REG_SECONDS)), hour = bcd(cmos_read(REG_HOURS));
	u32 day = bcd(cmos_read(REG_DAY)), month = bcd(cmos_read(REG_MONTH));

	GUEST_ASSERT(sec <= 59 && hour <= 23);
	GUEST_ASSERT(day >= 1 && day <= 31 && month >= 1 && month <= 12);
	return bcd(cmos_read(REG_CENTURY)) * 100 + bcd(cmos_read(REG_YEAR));
}

/* 12-hour mode agrees with 24-hour mode (unless the hour turned in between). */
static void check_12h(void)
{
	u8 h24, h12, again;

	cmos_write(REG_B, B_24H | B_BINARY);
	h24 = cmos_read(REG_HOURS);
	cmos_write(REG_B, B_BINARY);
	h12 = cmos_read(REG_HOURS);
	cmos_write(REG_B, B_24H | B_BINARY);
	again = cmos_read(REG_HOURS);
	if (h24 != again)
		return;
	GUEST_ASSERT_EQ(h12 & ~HOUR_PM, h24 % 12 ? h24 % 12 : 12);
	GUEST_ASSERT_EQ(!!(h12 & HOUR_PM), h24 >= 12);
}

static void check_pm_timer(void)
{
	u32 t1 = inl(PM_TMR_PORT), t2;

	for (int i = 0; i < 8; i++)
		cmos_read(REG_A);
	t2 = inl(PM_TMR_PORT);
	/* It moved, by less than a second (the 32-bit difference handles a wrap). */
	__GUEST_ASSERT(t2 - t1 > 0 && t2 - t1 < PM_TMR_HZ, "pm timer %#x -> %#x", t1, t2);
}

void guest_main(void)
{
	struct bootinfo_mem mem[1];
	u32 year, ext;
	u64 kib;

	GUEST_ASSERT_EQ(cmos_read(REG_A), 0x26);	/* 32.768 kHz, 1024 Hz, UIP clear */
	GUEST_ASSERT_EQ(cmos_read(REG_B), B_24H);	/* BCD, 24-hour */
	GUEST_ASSERT_EQ(cmos_read(REG_D), 0x80);	/* valid RAM and time */
	year = check_bcd_date();
	GUEST_ASSERT(year >= 2024);
	GUEST_SYNC_VAL(1, year);

	cmos_write(REG_B, B_24H | B_BINARY);
	GUEST_ASSERT(cmos_read(REG_SECONDS) <= 59);
	year = cmos_read(REG_CENTURY) * 100 + cmos_read(REG_YEAR);
	GUEST_ASSERT(year >= 2024);
	GUEST_SYNC_VAL(2, year);
	check_12h();

	/* Set the clock to 2030 the way an OS does: SET, write, clear SET. */
	cmos_write(REG_B, B_SET | B_24H | B_BINARY);
	cmos_write(REG_CENTURY, 20);
	cmos_write(REG_YEAR, 30);
	cmos_write(REG_B, B_24H | B_BINARY);
	GUEST_SYNC_VAL(3, cmos_read(REG_CENTURY) * 100 + cmos_read(REG_YEAR));

	GUEST_ASSERT_EQ(bootinfo_memory(mem, 1), 1);
	ext = cmos_read(REG_EXT_MEM) | cmos_read(REG_EXT_MEM + 1) << 8;
	kib = (mem[0].size - (1 << 20)) >> 10;
	GUEST_ASSERT_EQ(ext, kib > 0xffff ? 0xffff : kib);
	GUEST_ASSERT_EQ(cmos_read(REG_NR_CPUS_M1), bootinfo_nr_cpus() - 1);
	GUEST_SYNC_VAL(4, ext);

	check_pm_timer();
	GUEST_SYNC(5);
}
