/* SPDX-License-Identifier: MIT */
/*
 * devices/testdev_abi.h -- the guest/VMM contract of the test device.
 *
 * Shared by devices/testdev.c and the freestanding test guests, so it may
 * use nothing but <stdint.h>.
 *
 *   ports 0xf4-0xf7              test exit: writing v (1, 2 or 4 bytes, at any
 *                                of the 4 ports) ends vtlvm with status
 *                                (v << 1) | 1, as QEMU's isa-debug-exit with
 *                                iosize 4
 *   port 0xe9                    debug console: bytes, flushed per line;
 *                                reads return 0xe9 (Bochs convention)
 *   port 0xe8 (1 byte, any value) ucall: RDI holds the guest-physical address
 *                                of a struct ucall (KVM selftests' convention);
 *                                a wider access would reach 0xe9/0xea too and
 *                                is not claimed
 *   port 0xea                    null port: writes ignored, reads 0, no
 *                                warning (exit-cost benchmarks)
 */
#ifndef VTLVM_TESTDEV_ABI_H
#define VTLVM_TESTDEV_ABI_H

#include <stdint.h>

#define TESTDEV_EXIT_PORT	0xf4
#define TESTDEV_UCALL_PORT	0xe8
#define TESTDEV_DEBUGCON_PORT	0xe9
#define TESTDEV_NULL_PORT	0xea

enum ucall_cmd {
	UCALL_NONE,
	UCALL_SYNC,	/* args[0] = stage, args[1] = a value */
	UCALL_ASSERT,	/* file, line, msg; args[0..1] = the compared values */
	UCALL_PRINT,	/* msg */
	UCALL_DONE,
};

#define UCALL_FILE_LEN	64
#define UCALL_MSG_LEN	192

struct ucall {
	uint32_t cmd;
	uint32_t line;
	uint64_t args[6];
	char file[UCALL_FILE_LEN];
	char msg[UCALL_MSG_LEN];
};

_Static_assert(sizeof(struct ucall) == 312, "struct ucall is ABI");

#endif /* VTLVM_TESTDEV_ABI_H */
