/* SPDX-License-Identifier: MIT */
/*
 * vmm/boot.h -- the firmware and loader stages.
 *
 * firmware: zeroes the real-mode area, writes the BIOS data area, the
 * boot GDT, the identity page tables and the ACPI tables.
 * loader: reads the kernel (and initrd), picks the format, loads it and
 * writes its boot information; the result is vm->boot, the BSP's entry
 * state. Errors here are the user's (bad or missing image, too little
 * memory) and end vtlvm with the usage status.
 */
#ifndef VTLVM_BOOT_H
#define VTLVM_BOOT_H

struct vm;

int firmware_stage_init(struct vm *vm);
int loader_stage_init(struct vm *vm);

#endif /* VTLVM_BOOT_H */
