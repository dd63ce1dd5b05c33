/* SPDX-License-Identifier: MIT */
/*
 * mem/multiboot.h -- Multiboot (version 0.6.96) kernels, as kvm-unit-tests
 * and other x86 test kernels are built.
 *
 * The kernel is loaded from its ELF program headers or, with the a.out
 * kludge (flags bit 16), from the header's address fields. Modules come
 * from a QEMU-style list "path [args],path [args]" (commas in arguments
 * doubled). The multiboot information (memory, memory map, command line,
 * modules, boot loader name) is written at LAYOUT_BOOTINFO; the BSP enters
 * in 32-bit protected mode, paging off, EAX = 0x2BADB002, EBX = the info.
 */
#ifndef VTLVM_MULTIBOOT_H
#define VTLVM_MULTIBOOT_H

#include "mem/gmem.h"
#include "mem/loader.h"

struct multiboot_args {
	const struct image *kernel;
	const char *cmdline;
	const char *modules;	/* NULL if none */
};

int multiboot_load(const struct gmem *m, const struct multiboot_args *a,
		   struct boot_state *bs) __must_check;

#endif /* VTLVM_MULTIBOOT_H */
