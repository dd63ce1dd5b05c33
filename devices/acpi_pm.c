// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "acpi-pm: " fmt
#include "devices/acpi_pm.h"

#include <string.h>

#include "devices/acpi.h"
#include "vmm/clock.h"
#include "vmm/log.h"
#include "vmm/status.h"

/* Offsets inside the range, from the FADT's port numbers. */
#define PM_EVT_OFF	(ACPI_PM1A_EVT_PORT - ACPI_PM1A_EVT_PORT)
#define PM_CNT_OFF	(ACPI_PM1A_CNT_PORT - ACPI_PM1A_EVT_PORT)
#define PM_TMR_OFF	(ACPI_PM_TMR_PORT - ACPI_PM1A_EVT_PORT)

/* TMR_VAL_EXT: bit 31 is the timer's MSB, whose toggling sets TMR_STS (4.8.3.1.1). */
#define PM_TMR_MSB_SHIFT	31

/* The timer count since the clock's epoch, without the 32-bit wrap. */
static u64 pm_ticks(const struct acpi_pm *pm)
{
	return (unsigned __int128)pm->now_ns() * ACPI_PM_TIMER_HZ / 1000000000ULL;
}

static u32 evt_read(struct acpi_pm *pm)
{
	bool carry = pm_ticks(pm) >> PM_TMR_MSB_SHIFT != pm->tmr_sts_ticks >> PM_TMR_MSB_SHIFT;

	return carry ? ACPI_PM1_TMR_STS : 0;	/* the enable half reads 0 */
}

/* val and mask cover the 32-bit block: status in bits 15:0, enable in 31:16. */
static void evt_write(struct acpi_pm *pm, u32 val, u32 mask)
{
	u32 clear = val & mask & 0xffff, enable = (val & mask) >> 16;

	if (clear & ACPI_PM1_TMR_STS)
		pm->tmr_sts_ticks = pm_ticks(pm);
	if (enable)
		pr_warn_ratelimited("pm1 event enable %#x ignored: no fixed event raises the SCI",
				    enable);
}

static u32 cnt_read(struct acpi_pm *pm)
{
	return ACPI_PM1_SCI_EN | pm->cnt;
}

static void cnt_write(struct acpi_pm *pm, u32 val, u32 mask)
{
	u16 v = (pm->cnt & ~mask) | (val & mask);
	u32 typ = (v & ACPI_PM1_SLP_TYP_MASK) >> ACPI_PM1_SLP_TYP_SHIFT;

	pm->cnt = v & (ACPI_PM1_BM_RLD | ACPI_PM1_SLP_TYP_MASK);
	if (!(val & mask & ACPI_PM1_SLP_EN))
		return;
	/* Section 7.4.2: SLP_TYPa comes from \_Sx; the DSDT offers only \_S5. */
	if (typ == ACPI_S5_SLP_TYP)
		platform_request_stop(pm->plat, VTLVM_EXIT_POWEROFF, "ACPI S5 (soft off)");
	else
		pr_warn_ratelimited("sleep type %u is not supported, ignored", typ);
}

static u32 tmr_read(struct acpi_pm *pm)
{
	return (u32)pm_ticks(pm);
}

static const struct pm_block {
	u8 off, len;
	const char *name;
	u32 (*read)(struct acpi_pm *pm);
	void (*write)(struct acpi_pm *pm, u32 val, u32 mask);	/* NULL: read-only */
} pm_blocks[] = {
	{ PM_EVT_OFF, ACPI_PM1_EVT_LEN, "PM1a_EVT", evt_read, evt_write },
	{ PM_CNT_OFF, ACPI_PM1_CNT_LEN, "PM1a_CNT", cnt_read, cnt_write },
	{ PM_TMR_OFF, ACPI_PM_TMR_LEN, "PM_TMR", tmr_read, NULL },
};

/* The block holding all of [off, off + len), or NULL. */
static const struct pm_block *pm_block(u64 off, u32 len)
{
	for (size_t i = 0; i < ARRAY_SIZE(pm_blocks); i++)
		if (range_within(off, len, pm_blocks[i].off, pm_blocks[i].len))
			return &pm_blocks[i];
	return NULL;
}

static void pm_read(void *dev, u64 off, void *data, u32 len)
{
	const struct pm_block *b = pm_block(off, len);
	struct acpi_pm *pm = dev;
	u32 v;

	if (!b) {
		pr_warn_ratelimited("read of %u bytes at offset %#llx: not one register", len,
				    (unsigned long long)off);
		memset(data, 0xff, len);
		return;
	}
	pthread_mutex_lock(&pm->lock);
	v = b->read(pm) >> ((off - b->off) * 8);
	pthread_mutex_unlock(&pm->lock);
	memcpy(data, &v, len);		/* x86 ports are little-endian */
}

static void pm_write(void *dev, u64 off, const void *data, u32 len)
{
	const struct pm_block *b = pm_block(off, len);
	struct acpi_pm *pm = dev;
	u32 shift, val = 0, mask;

	if (!b || !b->write) {
		pr_warn_ratelimited("write of %u bytes at offset %#llx (%s) ignored", len,
				    (unsigned long long)off, b ? b->name : "not one register");
		return;
	}
	shift = (off - b->off) * 8;
	memcpy(&val, data, len);
	val <<= shift;
	mask = (u32)(BIT(len * 8) - 1) << shift;
	pthread_mutex_lock(&pm->lock);
	b->write(pm, val, mask);
	pthread_mutex_unlock(&pm->lock);
}

static const struct bus_ops pm_ops = { .read = pm_read, .write = pm_write };

int acpi_pm_init(struct acpi_pm *pm, struct bus *pio, const struct platform *plat)
{
	*pm = (struct acpi_pm) { .plat = plat, .now_ns = monotonic_ns };
	pm->tmr_sts_ticks = pm_ticks(pm);
	pthread_mutex_init(&pm->lock, NULL);
	return bus_register(pio, ACPI_PM1A_EVT_PORT, ACPI_PM_PORTS_LEN, &pm_ops, pm, "acpi-pm");
}

void acpi_pm_exit(struct acpi_pm *pm)
{
	pthread_mutex_destroy(&pm->lock);
}
