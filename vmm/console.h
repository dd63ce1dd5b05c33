/* SPDX-License-Identifier: MIT */
/*
 * vmm/console.h -- the serial console on the host terminal.
 *
 * With [console] serial = stdio, stdin feeds COM1. When stdin is a terminal
 * it is put in raw mode and Ctrl-A works as an escape, as in QEMU:
 *   Ctrl-A x       quit (exit status 0)
 *   Ctrl-A Ctrl-A  send one Ctrl-A to the guest
 * The terminal is restored on every exit path: normal teardown, and an
 * atexit() hook plus fatal-signal handlers for the others.
 */
#ifndef VTLVM_CONSOLE_H
#define VTLVM_CONSOLE_H

#include "vmm/types.h"

struct vm;

#define CONSOLE_ESCAPE_CHAR 0x01	/* Ctrl-A */

struct console_escape {
	bool pending;	/* the previous byte was the escape character */
};

/*
 * Filter len bytes of terminal input into out (at least len bytes), handling
 * escapes. Returns the number of bytes for the guest; *quit is set on Ctrl-A x.
 */
size_t console_filter(struct console_escape *esc, const u8 *in, size_t len, u8 *out, bool *quit);

int console_stage_init(struct vm *vm);
void console_stage_exit(struct vm *vm);
/* Put the terminal back as it was; async-signal-safe and idempotent. */
void console_restore_terminal(void);

#endif /* VTLVM_CONSOLE_H */
