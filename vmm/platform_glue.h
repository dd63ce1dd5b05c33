/* SPDX-License-Identifier: MIT */
/*
 * vmm/platform_glue.h -- the devices stage: builds the struct platform that
 * devices see, then creates and registers every device of the machine.
 */
#ifndef VTLVM_PLATFORM_GLUE_H
#define VTLVM_PLATFORM_GLUE_H

struct vm;

int devices_stage_init(struct vm *vm);
void devices_stage_exit(struct vm *vm);

#endif /* VTLVM_PLATFORM_GLUE_H */
