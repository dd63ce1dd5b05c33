/* SPDX-License-Identifier: MIT */
/*
 * devices/cmos.h -- the PC's CMOS RTC and NVRAM, an MC146818A at ports
 * 0x70 (index; bit 7, the NMI mask, is ignored) and 0x71 (data).
 *
 * The clock is the host's CLOCK_REALTIME (UTC) plus an offset: writing a
 * time or date register (or the century byte) moves the guest's clock
 * without touching the host's. While register B's SET bit is on, the clock
 * stands still and the writes apply to the frozen time; clearing SET starts
 * it again from there. Reads honour register B's DM (binary or BCD) and
 * 24/12 bits. The day of the week is derived from the date: writes to it
 * are dropped.
 *
 * What is not emulated: periodic, alarm and update-ended interrupts (IRQ 8
 * is never raised; setting PIE, AIE or UIE logs a warning), the alarm
 * (its registers are plain RAM), daylight saving (DSE is stored only) and
 * the square-wave output. Register C reports UF, "an update cycle has ended
 * since C was last read", computed from the clock, and reading C clears it;
 * PF and AF are never set. UIP in register A always reads 0: an update is
 * atomic here.
 *
 * NVRAM holds what SeaBIOS and QEMU's guests read: base and extended memory
 * sizes, memory above 16 MiB and above 4 GiB, and the CPU count minus one.
 *
 * Locking: one mutex per device; bus callbacks may race freely.
 */
#ifndef VTLVM_CMOS_H
#define VTLVM_CMOS_H

#include <pthread.h>
#include <time.h>

#include "devices/bus.h"
#include "mem/layout.h"

#define CMOS_INDEX_PORT		0x70
#define CMOS_DATA_PORT		0x71
#define CMOS_NVRAM_SIZE		128

/* Time and control registers (MC146818A data sheet, "Address Map"). */
#define CMOS_REG_SECONDS	0x00
#define CMOS_REG_MINUTES	0x02
#define CMOS_REG_HOURS		0x04
#define CMOS_REG_WEEKDAY	0x06	/* 1 = Sunday */
#define CMOS_REG_DAY		0x07
#define CMOS_REG_MONTH		0x08
#define CMOS_REG_YEAR		0x09
#define CMOS_REG_A		0x0a
#define CMOS_REG_B		0x0b
#define CMOS_REG_C		0x0c
#define CMOS_REG_D		0x0d
#define CMOS_REG_CENTURY	0x32	/* IBM PC/AT convention; the FADT's CENTURY */

#define CMOS_A_UIP		0x80
#define CMOS_A_DEFAULT		0x26	/* DV = 010 (32.768 kHz), RS = 0110 (1024 Hz) */
#define CMOS_B_SET		0x80
#define CMOS_B_PIE		0x40
#define CMOS_B_AIE		0x20
#define CMOS_B_UIE		0x10
#define CMOS_B_DM_BINARY	0x04
#define CMOS_B_24H		0x02
#define CMOS_B_DEFAULT		CMOS_B_24H	/* BCD, 24-hour */
#define CMOS_C_UF		0x10
#define CMOS_D_VRT		0x80	/* valid RAM and time */
#define CMOS_HOUR_PM		0x80	/* in 12-hour mode */

/* Memory-size bytes (IBM PC/AT BIOS; QEMU's pc.c and SeaBIOS read the same). */
#define CMOS_BASE_MEM_LO	0x15	/* base memory, KiB */
#define CMOS_BASE_MEM_HI	0x16
#define CMOS_EXT_MEM_LO		0x17	/* memory above 1 MiB, KiB, at most 0xffff */
#define CMOS_EXT_MEM_HI		0x18
#define CMOS_EXT_MEM2_LO	0x30	/* the same, as the POST found it */
#define CMOS_EXT_MEM2_HI	0x31
#define CMOS_MEM_16M_LO		0x34	/* memory from 16 MiB to 4 GiB, 64 KiB units */
#define CMOS_MEM_16M_HI		0x35
#define CMOS_MEM_4G_LO		0x5b	/* memory above 4 GiB, 64 KiB units, 3 bytes */
#define CMOS_MEM_4G_MID		0x5c
#define CMOS_MEM_4G_HI		0x5d
#define CMOS_NR_CPUS_M1		0x5f	/* number of CPUs - 1 */

struct cmos {
	pthread_mutex_t lock;
	u8 index;
	u8 ram[CMOS_NVRAM_SIZE];	/* registers A..D and NVRAM; time bytes unused */
	s64 offset;			/* guest time - host time, seconds */
	struct tm frozen;		/* the guest's time fields while B.SET is on */
	time_t c_read;			/* guest time at the last read of C (for UF) */
	/* The time source, CLOCK_REALTIME in seconds; unit tests set a fake after init. */
	time_t (*now)(void);
};

/* Claim ports 0x70-0x71 on pio and fill NVRAM for layout l and nr_cpus CPUs. */
int cmos_init(struct cmos *c, struct bus *pio, const struct layout *l, u32 nr_cpus) __must_check;
void cmos_exit(struct cmos *c);

#endif /* VTLVM_CMOS_H */
