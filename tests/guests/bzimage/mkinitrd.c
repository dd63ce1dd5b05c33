// SPDX-License-Identifier: MIT
/*
 * mkinitrd OUT: write the bzImage test guest's initrd, BZT_INITRD_SIZE bytes
 * of bzt_initrd_word(i) in little-endian order, which the guest checks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "tests/guests/bzimage/bzimage_test.h"

int main(int argc, char **argv)
{
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUT\n", argv[0]);
		return 2;
	}
	f = fopen(argv[1], "wb");
	if (!f) {
		fprintf(stderr, "mkinitrd: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	for (uint32_t i = 0; i < BZT_INITRD_SIZE / 4; i++) {
		uint32_t w = bzt_initrd_word(i);
		unsigned char b[4] = { w, w >> 8, w >> 16, w >> 24 };

		fwrite(b, 1, sizeof(b), f);
	}
	if (ferror(f) | fclose(f)) {
		fprintf(stderr, "mkinitrd: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
