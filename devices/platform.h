/* SPDX-License-Identifier: MIT */
/*
 * devices/platform.h -- what a device may ask of the VMM.
 *
 * Devices never include vmm/vm.h: they get a struct platform at init and
 * reach interrupts, guest memory and VM life-cycle only through it. This is
 * the seam that lets unit tests drive a device with a fake platform.
 */
#ifndef VTLVM_PLATFORM_H
#define VTLVM_PLATFORM_H

#include "mem/gmem.h"
#include "vmm/types.h"

struct platform_ops {
	/* Drive ISA/GSI line gsi of VTL0's interrupt controllers to level. */
	void (*set_irq)(void *ctx, u32 gsi, int level);
	/* End the VM with this exit status; the first request wins. */
	void (*request_stop)(void *ctx, int status, const char *why);
	/* Index and RDI of the vCPU whose access is being handled (ucall argument). */
	int (*caller)(void *ctx, u32 *cpu, u64 *rdi);
};

struct platform {
	const struct platform_ops *ops;
	void *ctx;
	const struct gmem *mem;
	u32 nr_cpus;
};

static inline void platform_set_irq(const struct platform *p, u32 gsi, int level)
{
	if (p->ops->set_irq)
		p->ops->set_irq(p->ctx, gsi, level);
}

static inline void platform_request_stop(const struct platform *p, int status, const char *why)
{
	p->ops->request_stop(p->ctx, status, why);
}

#endif /* VTLVM_PLATFORM_H */
