/* SPDX-License-Identifier: MIT */
/*
 * devices/sysreset.h -- the two ways a PC guest asks for a reset:
 *
 *   port 0xcf9  the chipset's reset control register (RST_CNT), the FADT's
 *               RESET_REG: a write with RST_CPU (bit 2) set resets; reads
 *               return the last value written.
 *   port 0x64   the i8042 keyboard controller's command port: the "pulse
 *               output port" commands 0xf0-0xfe with bit 0 clear pulse the
 *               reset line (0xfe is the one everybody uses); 0xff pulses
 *               nothing. Status reads return 0 (both buffers empty), so a
 *               guest polling for an empty input buffer sends its command
 *               at once. Other commands are logged and ignored.
 *   port 0x60   the i8042 data port: reads 0, writes logged and ignored.
 *
 * There is no keyboard and no i8042 beyond this (the FADT says so), and a
 * reset ends vtlvm with VTLVM_EXIT_RESET rather than rebooting in place.
 *
 * Locking: one mutex per device; bus callbacks may race freely.
 */
#ifndef VTLVM_SYSRESET_H
#define VTLVM_SYSRESET_H

#include <pthread.h>

#include "devices/bus.h"
#include "devices/platform.h"

#define SYSRESET_I8042_DATA_PORT	0x60
#define SYSRESET_I8042_CMD_PORT		0x64

/* Intel PCH datasheets, "Reset Control Register (RST_CNT)", I/O port 0xcf9. */
#define SYSRESET_RST_CNT_SYS_RST	0x02
#define SYSRESET_RST_CNT_RST_CPU	0x04
#define SYSRESET_RST_CNT_FULL_RST	0x08

/* IBM PC/AT Technical Reference, keyboard controller commands f0-ff: "Pulse Output Port". */
#define SYSRESET_I8042_PULSE_FIRST	0xf0
#define SYSRESET_I8042_PULSE_RESET	0x01	/* output port bit 0, the reset line; 0 = pulse */
#define SYSRESET_I8042_CMD_RESET	0xfe

struct sysreset {
	pthread_mutex_t lock;
	const struct platform *plat;
	u8 rst_cnt;		/* the last value written to 0xcf9 */
};

/* Claim ports 0x60, 0x64 and 0xcf9 on pio. */
int sysreset_init(struct sysreset *r, struct bus *pio, const struct platform *plat) __must_check;
void sysreset_exit(struct sysreset *r);

#endif /* VTLVM_SYSRESET_H */
