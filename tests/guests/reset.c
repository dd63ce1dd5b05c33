// SPDX-License-Identifier: MIT
/*
 * Reset the machine the way the command line says: "cf9" writes the FADT's
 * RESET_VALUE (0x06) to the reset control register at 0xcf9, "kbd" waits
 * for the i8042's input buffer to drain and sends it command 0xfe (pulse
 * the reset line), as Linux's reboot=k does. Either must end vtlvm with
 * VTLVM_EXIT_RESET (10); the guest never reaches DONE.
 */
#include "guest.h"

#define RESET_CONTROL_PORT	0xcf9
#define RESET_VALUE		0x06
#define I8042_STATUS_PORT	0x64
#define I8042_COMMAND_PORT	0x64
#define I8042_STATUS_IBF	0x02	/* input buffer full */
#define I8042_CMD_RESET		0xfe

void guest_main(void)
{
	const char *how = bootinfo_cmdline();

	GUEST_SYNC(1);
	if (!strcmp(how, "cf9")) {
		outb(RESET_CONTROL_PORT, RESET_VALUE);
	} else if (!strcmp(how, "kbd")) {
		for (int i = 0; inb(I8042_STATUS_PORT) & I8042_STATUS_IBF; i++)
			__GUEST_ASSERT(i < 1000, "i8042 input buffer never drains");
		outb(I8042_COMMAND_PORT, I8042_CMD_RESET);
	} else {
		__GUEST_ASSERT(0, "unknown reset method '%s'", how);
	}
	for (;;)
		hlt();
}
