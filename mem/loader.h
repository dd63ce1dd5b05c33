/* SPDX-License-Identifier: MIT */
/*
 * mem/loader.h -- reading kernel images and placing them in guest memory.
 *
 * Three formats (mem/elf.c, mem/bzimage.c, mem/multiboot.c) share this
 * file's helpers: reading a file whole, format detection, and placing an
 * initrd. Loaders write guest memory only through mem/gmem.h accessors and
 * refuse, with a message naming the file, anything that would not fit in
 * RAM or would overwrite the VMM's boot areas (mem/layout.h). Every error
 * message starts with the path of the file at fault.
 *
 * A loader's result is a struct boot_state: how the boot vCPU starts.
 */
#ifndef VTLVM_LOADER_H
#define VTLVM_LOADER_H

#include "mem/gmem.h"
#include "vmm/types.h"

enum image_format {
	IMAGE_AUTO,
	IMAGE_ELF,
	IMAGE_BZIMAGE,
	IMAGE_MULTIBOOT,
};

enum boot_mode {
	BOOT_MODE_LONG64,	/* 64-bit, paging on identity tables, CS = BOOT_CS64 */
	BOOT_MODE_PROT32,	/* 32-bit protected, paging off, CS = BOOT_CS32 */
};

struct boot_state {
	enum boot_mode mode;
	u64 rip, rsp;
	u64 rax, rbx, rsi, rdi;
};

/* A file read whole into host memory. */
struct image {
	const char *path;
	u8 *data;
	size_t size;
};

#define IMAGE_MAX_SIZE	(1ULL << 30)	/* refuse kernels/initrds above 1 GiB */

/* Read path whole; -errno with a message naming path. */
int image_read(const char *path, struct image *img) __must_check;
void image_free(struct image *img);
/* The format of img, or IMAGE_AUTO if none is recognised. */
enum image_format image_detect(const struct image *img);
const char *image_format_name(enum image_format f);

/*
 * Would [gpa, gpa + size + zero_tail) be accepted by loader_place()? Same
 * checks and messages, nothing written: for validating before writing.
 */
int loader_check_place(const struct layout *l, const struct image *img, const char *what,
		       gpa_t gpa, u64 size, u64 zero_tail) __must_check;
/*
 * Copy img to [gpa, gpa + size) after checking that the range is RAM and
 * clear of the VMM's boot areas; what names the thing for messages.
 */
int loader_place(const struct gmem *m, const struct image *img, const char *what, gpa_t gpa,
		 const void *src, u64 size, u64 zero_tail) __must_check;
/*
 * Put an initrd at the highest page-aligned address that keeps it below
 * max_end and above min_start; *gpa gets its address.
 */
int loader_place_initrd(const struct gmem *m, const struct image *initrd, gpa_t min_start,
			gpa_t max_end, gpa_t *gpa) __must_check;
/* Write the command line at LAYOUT_CMDLINE for kernel img; -E2BIG if longer than max_len. */
int loader_write_cmdline(const struct gmem *m, const struct image *img, const char *cmdline,
			 u64 max_len, gpa_t *gpa) __must_check;

#endif /* VTLVM_LOADER_H */
