/* SPDX-License-Identifier: MIT */
/*
 * tests/guests/bzimage/bzimage_test.h -- what the bzImage test guest and
 * the host tools that build its files (mkbzimage, mkinitrd) agree on.
 * The rows of tests/integ/cases.c repeat these values: change both.
 *
 * Shared by freestanding and host code, so it uses nothing but <stdint.h>.
 */
#ifndef BZIMAGE_TEST_H
#define BZIMAGE_TEST_H

#include <stdint.h>

/* The setup header mkbzimage writes (boot protocol 2.15). */
#define BZT_VERSION		0x020f
#define BZT_LOAD_ADDR		0x100000	/* code32_start and pref_address */
#define BZT_KERNEL_ALIGNMENT	0x200000
/* Below the test's 64 MiB of RAM, so that the loader must honour it. */
#define BZT_INITRD_ADDR_MAX	0x2ffffff
#define BZT_CMDLINE_SIZE	1023

/* The guest's stages, in the order it runs them. */
enum bzt_stage {
	BZT_STAGE_HEADER = 1,	/* value: the protocol version */
	BZT_STAGE_CMDLINE,	/* value: the command line's length */
	BZT_STAGE_INITRD,	/* value: ramdisk_size */
	BZT_STAGE_E820,		/* value: RAM in the map, plus the legacy hole below 1 MiB */
	BZT_STAGE_ACPI_RSDP,	/* value: acpi_rsdp_addr; needs devices/acpi.c's tables */
};

/* The command line the integration row passes with --append. */
#define BZT_CMDLINE		"console=ttyS0 rdinit=/init vtlvm.test=bzimage-boot"

/* The initrd: BZT_INITRD_SIZE bytes (not a page multiple) of 32-bit words. */
#define BZT_INITRD_SIZE		49156
_Static_assert(BZT_INITRD_SIZE % 4 == 0, "the initrd is whole words");

static inline uint32_t bzt_initrd_word(uint32_t i)
{
	return i * 0x9e3779b1u + 0x7f4a7c15u;
}

#endif /* BZIMAGE_TEST_H */
