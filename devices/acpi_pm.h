/* SPDX-License-Identifier: MIT */
/*
 * devices/acpi_pm.h -- the ACPI fixed hardware registers (ACPI 6.5 section
 * 4.8) at the ports the FADT names (devices/acpi.h), one 12-byte range:
 *
 *   +0  PM1a_STS (16)  write 1 to clear. Only TMR_STS is ever set: when bit
 *                      31 of the PM timer has toggled since it was cleared.
 *   +2  PM1a_EN  (16)  reads 0: no fixed event can raise the SCI here (no
 *                      buttons, no RTC wake, no timer thread), so enable
 *                      bits do not stick, which ACPICA reads as "absent".
 *   +4  PM1a_CNT (16)  SCI_EN always reads 1 (no SMI_CMD: the machine is
 *                      always in ACPI mode). Writing SLP_EN with SLP_TYP =
 *                      ACPI_S5_SLP_TYP powers off (VTLVM_EXIT_POWEROFF);
 *                      other sleep types are logged and ignored.
 *   +6  (hole)
 *   +8  PM_TMR   (32)  free-running 3.579545 MHz counter, 32 bits wide
 *                      (FADT TMR_VAL_EXT), derived from CLOCK_MONOTONIC.
 *
 * Any access width that stays inside one register block works, as on a
 * chipset; one that straddles blocks, or the hole, reads all-ones and is
 * logged. The SCI is never raised.
 *
 * Locking: one mutex per device; bus callbacks may race freely.
 */
#ifndef VTLVM_ACPI_PM_H
#define VTLVM_ACPI_PM_H

#include <pthread.h>

#include "devices/bus.h"
#include "devices/platform.h"

/* PM1 status (ACPI 6.5 section 4.8.3.1.1, "PM1 Status Registers") */
#define ACPI_PM1_TMR_STS	BIT(0)
/* PM1 control (section 4.8.3.2.1, "PM1 Control Registers") */
#define ACPI_PM1_SCI_EN		BIT(0)
#define ACPI_PM1_BM_RLD		BIT(1)
#define ACPI_PM1_GBL_RLS	BIT(2)	/* write-only: no firmware to tell */
#define ACPI_PM1_SLP_TYP_SHIFT	10
#define ACPI_PM1_SLP_TYP_MASK	(0x7 << ACPI_PM1_SLP_TYP_SHIFT)
#define ACPI_PM1_SLP_EN		BIT(13)	/* write-only */

/*
 * Section 4.8.3.3: "a 24-bit or 32-bit fixed rate free running count-up
 * timer that runs off a 3.579545-MHz clock"
 */
#define ACPI_PM_TIMER_HZ	3579545ULL

struct acpi_pm {
	pthread_mutex_t lock;
	const struct platform *plat;
	u16 cnt;		/* the read/write PM1_CNT bits: BM_RLD, SLP_TYP */
	u64 tmr_sts_ticks;	/* timer ticks when TMR_STS was last cleared */
	/* The time source, CLOCK_MONOTONIC in ns; unit tests set a fake after init. */
	u64 (*now_ns)(void);
};

/* Claim ACPI_PM1A_EVT_PORT..+ACPI_PM_PORTS_LEN on pio. */
int acpi_pm_init(struct acpi_pm *pm, struct bus *pio, const struct platform *plat) __must_check;
void acpi_pm_exit(struct acpi_pm *pm);

#endif /* VTLVM_ACPI_PM_H */
