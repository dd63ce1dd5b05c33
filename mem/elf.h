/* SPDX-License-Identifier: MIT */
/*
 * mem/elf.h -- ELF executables (ELF64 x86-64 test guests and VTL kernels;
 * ELF32 i386 multiboot kernels).
 *
 * PT_LOAD segments go to their physical addresses (p_paddr); the entry point
 * is translated from its virtual address through the segment that holds it.
 */
#ifndef VTLVM_ELF_H
#define VTLVM_ELF_H

#include "mem/gmem.h"
#include "mem/loader.h"

struct elf_info {
	gpa_t entry;		/* physical address of the entry point */
	gpa_t lowest, highest;	/* [lowest, highest) covers every segment */
	bool is64;
};

/* Validate img as an ELF executable without loading it; messages name img->path. */
int elf_check(const struct image *img) __must_check;
int elf_load(const struct gmem *m, const struct image *img, struct elf_info *out) __must_check;

#endif /* VTLVM_ELF_H */
