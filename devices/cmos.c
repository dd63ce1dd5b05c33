// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "cmos: " fmt
#include "devices/cmos.h"

#include <string.h>

#include "vmm/log.h"

#define CMOS_INDEX_MASK		0x7f	/* bit 7 of the index port gates NMI on PCs */
#define CMOS_A_WRITABLE		0x7f	/* UIP is read-only */
#define CMOS_B_IRQ_ENABLES	(CMOS_B_PIE | CMOS_B_AIE | CMOS_B_UIE)

/*
 * The time registers and their binary ranges (MC146818A data sheet, "Time,
 * Calendar and Alarm Data Modes"), plus the PC's century byte.
 */
static const struct {
	u8 reg;
	u8 min, max;
} rtc_fields[] = {
	{ CMOS_REG_SECONDS, 0, 59 },
	{ CMOS_REG_MINUTES, 0, 59 },
	{ CMOS_REG_HOURS, 0, 23 },
	{ CMOS_REG_WEEKDAY, 1, 7 },
	{ CMOS_REG_DAY, 1, 31 },
	{ CMOS_REG_MONTH, 1, 12 },
	{ CMOS_REG_YEAR, 0, 99 },
	{ CMOS_REG_CENTURY, 0, 99 },
};

static time_t realtime_s(void)
{
	return time(NULL);
}

static int rtc_field(u8 reg)
{
	for (size_t i = 0; i < ARRAY_SIZE(rtc_fields); i++)
		if (rtc_fields[i].reg == reg)
			return i;
	return -1;
}

/* The binary value of time register reg in tm. */
static int tm_get(const struct tm *tm, u8 reg)
{
	int year = tm->tm_year + 1900;

	switch (reg) {
	case CMOS_REG_SECONDS:	return tm->tm_sec;
	case CMOS_REG_MINUTES:	return tm->tm_min;
	case CMOS_REG_HOURS:	return tm->tm_hour;
	case CMOS_REG_WEEKDAY:	return tm->tm_wday + 1;
	case CMOS_REG_DAY:	return tm->tm_mday;
	case CMOS_REG_MONTH:	return tm->tm_mon + 1;
	case CMOS_REG_YEAR:	return year % 100;
	case CMOS_REG_CENTURY:	return year / 100;
	}
	BUG_ON(1);
	return 0;
}

static void tm_set(struct tm *tm, u8 reg, int v)
{
	int year = tm->tm_year + 1900;

	switch (reg) {
	case CMOS_REG_SECONDS:	tm->tm_sec = v; break;
	case CMOS_REG_MINUTES:	tm->tm_min = v; break;
	case CMOS_REG_HOURS:	tm->tm_hour = v; break;
	case CMOS_REG_DAY:	tm->tm_mday = v; break;
	case CMOS_REG_MONTH:	tm->tm_mon = v - 1; break;
	case CMOS_REG_YEAR:	tm->tm_year = year / 100 * 100 + v - 1900; break;
	case CMOS_REG_CENTURY:	tm->tm_year = v * 100 + year % 100 - 1900; break;
	}
}

/* The guest's broken-down time: the frozen fields while SET is on (register B, bit 7). */
static void cmos_tm(const struct cmos *c, struct tm *tm)
{
	struct tm norm;
	time_t t;

	if (c->ram[CMOS_REG_B] & CMOS_B_SET) {
		*tm = c->frozen;
		norm = *tm;
		timegm(&norm);		/* fills in the day of the week */
		tm->tm_wday = norm.tm_wday;
		return;
	}
	t = c->now() + c->offset;
	gmtime_r(&t, tm);
}

static u8 to_bcd(int v)
{
	return (v / 10) << 4 | v % 10;
}

/* A register value in the current mode to binary; -1 if it is not a valid BCD byte. */
static int from_mode(const struct cmos *c, u8 v)
{
	if (c->ram[CMOS_REG_B] & CMOS_B_DM_BINARY)
		return v;
	if ((v & 0xf) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0xf);
}

static u8 to_mode(const struct cmos *c, int v)
{
	return c->ram[CMOS_REG_B] & CMOS_B_DM_BINARY ? v : to_bcd(v);
}

/* Data sheet, "12-hour mode": hours 1-12, with the PM flag in bit 7. */
static u8 hours_read(const struct cmos *c, int h)
{
	int h12 = h % 12 ? h % 12 : 12;

	if (c->ram[CMOS_REG_B] & CMOS_B_24H)
		return to_mode(c, h);
	return to_mode(c, h12) | (h >= 12 ? CMOS_HOUR_PM : 0);
}

/* The 0-23 hour a guest wrote, or -1. */
static int hours_write(const struct cmos *c, u8 v)
{
	int h;

	if (c->ram[CMOS_REG_B] & CMOS_B_24H)
		return from_mode(c, v);
	h = from_mode(c, v & ~CMOS_HOUR_PM);
	if (h < 1 || h > 12)
		return -1;
	return h % 12 + (v & CMOS_HOUR_PM ? 12 : 0);
}

static u8 time_read(const struct cmos *c, u8 reg)
{
	struct tm tm;

	cmos_tm(c, &tm);
	if (reg == CMOS_REG_HOURS)
		return hours_read(c, tm.tm_hour);
	return to_mode(c, tm_get(&tm, reg));
}

static void time_write(struct cmos *c, int field, u8 v)
{
	u8 reg = rtc_fields[field].reg;
	int bin = reg == CMOS_REG_HOURS ? hours_write(c, v) : from_mode(c, v);
	struct tm tm;

	if (reg == CMOS_REG_WEEKDAY)
		return;		/* derived from the date */
	if (bin < rtc_fields[field].min || bin > rtc_fields[field].max) {
		pr_warn_ratelimited("invalid value %#x for register 0x%02x ignored", v, reg);
		return;
	}
	if (c->ram[CMOS_REG_B] & CMOS_B_SET) {
		tm_set(&c->frozen, reg, bin);
		return;
	}
	cmos_tm(c, &tm);
	tm_set(&tm, reg, bin);
	c->offset = timegm(&tm) - c->now();
}

/* Register C: UF says a once-a-second update has ended since the last read. */
static u8 reg_c_read(struct cmos *c)
{
	time_t now = c->now();
	bool uf = now != c->c_read && !(c->ram[CMOS_REG_B] & CMOS_B_SET);

	c->c_read = now;
	return uf ? CMOS_C_UF : 0;
}

static void reg_b_write(struct cmos *c, u8 v)
{
	u8 old = c->ram[CMOS_REG_B];
	struct tm tm;

	if (v & CMOS_B_IRQ_ENABLES & ~old)
		pr_warn_ratelimited("rtc interrupts (register B %#x) are not emulated", v);
	if ((v & CMOS_B_SET) && !(old & CMOS_B_SET)) {
		cmos_tm(c, &tm);
		c->frozen = tm;
	} else if (!(v & CMOS_B_SET) && (old & CMOS_B_SET)) {
		tm = c->frozen;
		c->offset = timegm(&tm) - c->now();
	}
	c->ram[CMOS_REG_B] = v;
}

static u8 cmos_read_reg(struct cmos *c, u8 reg)
{
	if (rtc_field(reg) >= 0)
		return time_read(c, reg);
	if (reg == CMOS_REG_C)
		return reg_c_read(c);
	return c->ram[reg];
}

static void cmos_write_reg(struct cmos *c, u8 reg, u8 v)
{
	int field = rtc_field(reg);

	if (field >= 0)
		time_write(c, field, v);
	else if (reg == CMOS_REG_A)
		c->ram[reg] = v & CMOS_A_WRITABLE;
	else if (reg == CMOS_REG_B)
		reg_b_write(c, v);
	else if (reg == CMOS_REG_C || reg == CMOS_REG_D)
		pr_warn_ratelimited("write %#x to read-only register 0x%02x ignored", v, reg);
	else
		c->ram[reg] = v;
}

static void cmos_read(void *dev, u64 off, void *data, u32 len)
{
	struct cmos *c = dev;

	memset(data, 0xff, len);	/* the index port is write-only */
	if (off != CMOS_DATA_PORT - CMOS_INDEX_PORT)
		return;
	pthread_mutex_lock(&c->lock);
	*(u8 *)data = cmos_read_reg(c, c->index);
	pthread_mutex_unlock(&c->lock);
}

static void cmos_write(void *dev, u64 off, const void *data, u32 len)
{
	struct cmos *c = dev;
	u8 v = *(const u8 *)data;

	(void)len;	/* an 8-bit device: wider accesses use the low byte */
	pthread_mutex_lock(&c->lock);
	if (off == CMOS_DATA_PORT - CMOS_INDEX_PORT)
		cmos_write_reg(c, c->index, v);
	else
		c->index = v & CMOS_INDEX_MASK;
	pthread_mutex_unlock(&c->lock);
}

static const struct bus_ops cmos_ops = { .read = cmos_read, .write = cmos_write };

static void nvram_put(struct cmos *c, u8 lo, u64 v, unsigned int bytes)
{
	for (unsigned int i = 0; i < bytes; i++)
		c->ram[lo + i] = v >> (8 * i);
}

/* The memory-size bytes as QEMU's pc_cmos_init() lays them out for SeaBIOS. */
static void nvram_fill_memory(struct cmos *c, const struct layout *l)
{
	u64 low = layout_low_ram_end(l), high = l->nr_ram > 1 ? l->ram[1].size : 0;
	u64 ext = low > MiB ? MIN((low - MiB) / KiB, 0xffffULL) : 0;

	nvram_put(c, CMOS_BASE_MEM_LO, MIN(low / KiB, 640ULL), 2);
	nvram_put(c, CMOS_EXT_MEM_LO, ext, 2);
	nvram_put(c, CMOS_EXT_MEM2_LO, ext, 2);
	nvram_put(c, CMOS_MEM_16M_LO, low > 16 * MiB ? MIN((low - 16 * MiB) / (64 * KiB),
							   0xffffULL) : 0, 2);
	nvram_put(c, CMOS_MEM_4G_LO, MIN(high / (64 * KiB), 0xffffffULL), 3);
}

int cmos_init(struct cmos *c, struct bus *pio, const struct layout *l, u32 nr_cpus)
{
	*c = (struct cmos) { .now = realtime_s };
	c->c_read = c->now();
	c->ram[CMOS_REG_A] = CMOS_A_DEFAULT;
	c->ram[CMOS_REG_B] = CMOS_B_DEFAULT;
	c->ram[CMOS_REG_D] = CMOS_D_VRT;
	nvram_fill_memory(c, l);
	c->ram[CMOS_NR_CPUS_M1] = MIN(nr_cpus - 1, 0xffU);
	pthread_mutex_init(&c->lock, NULL);
	return bus_register(pio, CMOS_INDEX_PORT, 2, &cmos_ops, c, "cmos");
}

void cmos_exit(struct cmos *c)
{
	pthread_mutex_destroy(&c->lock);
}
