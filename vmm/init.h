/* SPDX-License-Identifier: MIT */
/*
 * vmm/init.h -- bringing a VM up in a fixed order, and down in reverse.
 *
 * vmm/init.c holds the one table of init stages; read it top to bottom to
 * know what exists when. A failing stage sets vm->fail_status (usage or host
 * error) and vmm_init() unwinds the stages already done.
 */
#ifndef VTLVM_INIT_H
#define VTLVM_INIT_H

struct vm;

struct init_stage {
	const char *name;
	int (*init)(struct vm *vm);
	void (*exit)(struct vm *vm);	/* NULL if there is nothing to undo */
};

int vmm_init(struct vm *vm);
/* Undo every stage that completed, last first. */
void vmm_exit(struct vm *vm);

#endif /* VTLVM_INIT_H */
