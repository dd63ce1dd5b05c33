/* SPDX-License-Identifier: MIT */
/*
 * vmm/vtl_start.h -- HvCallEnableVpVtl and HvCallStartVirtualProcessor in
 * the VMM, and holding VPs against INIT/SIPI.
 *
 * Each runs on the target VP's own thread (vtl_glue_request): its vCPUs are
 * that thread's. A VP whose VTL0 never ran is "held" once VTL1 is enabled
 * on it, or once VTL1 sets DenyLowerVtlStartup: its VTL0 vCPU stays out of
 * KVM_RUN, so KVM's in-kernel APIC only latches INIT/SIPI for it, and
 * HvCallStartVirtualProcessor drops the latched INIT when it starts it
 * (TLFS "Virtual Processor Startup").
 */
#ifndef VTLVM_VTL_START_H
#define VTLVM_VTL_START_H

#include "hv/tlfs.h"
#include "vmm/types.h"

struct vm;

/* Give VP vp a vCPU in VTL vtl holding context c; an HV status. */
hv_status_t vtl_start_enable_vp(struct vm *vm, void *caller, u32 vp, u8 vtl,
				const struct hv_initial_vp_context *c);
/* Start VTL vtl of VP vp at context c; HV_STATUS_INVALID_VP_STATE if it ran already. */
hv_status_t vtl_start_vp(struct vm *vm, void *caller, u32 vp, u8 vtl,
			 const struct hv_initial_vp_context *c);
/* DenyLowerVtlStartup: hold every VP whose VTL0 has not started. */
void vtl_start_deny_lower(struct vm *vm, void *caller);

#endif /* VTLVM_VTL_START_H */
