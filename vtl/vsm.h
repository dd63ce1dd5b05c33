/* SPDX-License-Identifier: MIT */
/*
 * vtl/vsm.h -- Virtual Secure Mode: the partition's VTL state, the VSM
 * hypercalls and the VSM registers (TLFS "Virtual Secure Mode").
 *
 * Objects:
 *   struct vsm      one per partition: which VTLs are enabled, VTL1's
 *                   VsmPartitionConfig, one struct vsm_vp per VP
 *   struct vsm_vp   per VP: the VP's scheduler state (struct vtl_vp, owned
 *                   by the VMM's VP thread), and the VSM registers a higher
 *                   VTL keeps about the lower one (VsmVpSecureConfigVtl0,
 *                   VsmVina, CrIntercept*, PendingEvent0)
 *
 * vtl/ sits on hv/: its hypercalls are an hv/ hypercall family
 * (vsm_hcalls[]) that the VMM registers through hv_config.extra_hcalls, and
 * struct hv carries the struct vsm (hv->vsm). What needs KVM (creating a VTL's
 * VM and vCPUs, reading a lower VTL's registers) goes through struct
 * vsm_host_ops, implemented by vmm/vtl_glue.c and faked by the unit tests.
 *
 * Locking: vsm->lock guards the partition fields and every vsm_vp's register
 * fields, except that VINA delivery (vmm/vtl_glue.c) reads vsm_vp.vina
 * without it (written with an atomic store); a VP's struct vtl_vp belongs to
 * its own thread (vtl/vtl.h).
 */
#ifndef VTLVM_VSM_H
#define VTLVM_VSM_H

#include <pthread.h>

#include "hv/hcall.h"
#include "hv/hv.h"
#include "vtl/vtl.h"

struct vsm_host_ops {
	/* HvCallEnablePartitionVtl: create VTL vtl's VM (and hv/'s state for it); -errno. */
	int (*enable_partition_vtl)(void *ctx, u8 vtl);
	/*
	 * HvCallEnableVpVtl: give VP vp a vCPU in VTL vtl holding context c. On
	 * VP vp's own thread. An HV status (the VMM's own failures are
	 * HV_STATUS_INSUFFICIENT_MEMORY).
	 */
	hv_status_t (*enable_vp_vtl)(void *ctx, void *caller, u32 vp, u8 vtl,
				     const struct hv_initial_vp_context *c);
	/*
	 * HvCallStartVirtualProcessor: start VTL vtl of VP vp at context c;
	 * HV_STATUS_INVALID_VP_STATE if it has run already.
	 */
	hv_status_t (*start_vp)(void *ctx, void *caller, u32 vp, u8 vtl,
				const struct hv_initial_vp_context *c);
	/*
	 * An architectural register of VTL vtl on the calling VP (vcpu), which is
	 * not running. 0, -ENOENT for a name vtlvm does not hold, -EINVAL for a
	 * value the register cannot take.
	 */
	int (*get_reg)(void *ctx, void *vcpu, u8 vtl, u32 name, union hv_register_value *v);
	int (*set_reg)(void *ctx, void *vcpu, u8 vtl, u32 name, const union hv_register_value *v);
	/*
	 * VTL1 set DenyLowerVtlStartup: from now on INIT/SIPI must not start a VP
	 * whose VTL0 has not run (optional).
	 */
	void (*deny_lower_vtl_startup)(void *ctx, void *caller);
	/*
	 * Queue exception vector (error code if has_error) into VTL vtl of the
	 * calling VP; for #PF, param is the faulting address (CR2).
	 */
	int (*inject_exception)(void *ctx, void *vcpu, u8 vtl, u8 vector, bool has_error,
				u32 error_code, u64 param);
};

struct vsm_vp {
	struct vtl_vp *sched;		/* the VP thread's scheduler state (vsm_attach_vp) */
	bool enabling;			/* an EnableVpVtl for this VP is under way */
	u64 secure_config;		/* VsmVpSecureConfigVtl0, written by VTL1 */
	u64 vina;			/* VTL1's VsmVina */
	u64 cr_intercept[4];		/* VTL1's CrInterceptControl, Cr0/Cr4/MiscEnable masks */
	u64 pending_event0[2];		/* the last PendingEvent0 VTL1 wrote */
};

struct vsm {
	struct hv *hv;
	const struct vsm_host_ops *ops;
	void *ctx;
	pthread_mutex_t lock;
	u8 max_vtl;
	_Atomic u8 enabled;		/* bit n: VTL n enabled in the partition */
	u8 enabling;			/* bit n: an EnablePartitionVtl(n) is under way */
	bool vp_vtl_enabled;		/* some VP has a VTL above 0 (EnableVpVtl) */
	u64 partition_config;		/* VTL1's VsmPartitionConfig */
	u32 nr_vps;
	struct vsm_vp *vps;
};

/*
 * The VSM hypercall family (0x0d, 0x0f, 0x11, 0x12, 0x99, 0x9a); Get/SetVpRegisters
 * (0x50, 0x51) are hv/hcall_regs.c's, reaching vtl/ through vsm_reg_ext.
 */
extern const struct hv_hcall_desc vsm_hcalls[];
extern const unsigned int vsm_hcalls_count;

/* Create the partition's VSM state (VTL0 only) for hv; hv->vsm points at it. */
int vsm_create(struct hv *hv, const struct vsm_host_ops *ops, void *ctx, u8 max_vtl,
	       struct vsm **out) __must_check;
void vsm_destroy(struct vsm *vsm);
/* Tie VP index's scheduler state (owned by its thread) to the partition. */
void vsm_attach_vp(struct vsm *vsm, u32 index, struct vtl_vp *sched);
struct vsm *vsm_of(const struct hv *hv);
bool vsm_vtl_enabled(struct vsm *vsm, u8 vtl);

/* Get/SetVpRegisters beyond the synthetic registers: hv_config.reg_ext. */
extern const struct hv_reg_ext vsm_reg_ext;

/* What vtlvm supports (HvRegisterVsmCapabilities): DenyLowerVtlStartup only. */
u64 vsm_capabilities(void);
/* Does VTL1's VsmPartitionConfig deny VTL0 starting VPs? */
bool vsm_deny_lower_vtl_startup(struct vsm *vsm);

#endif /* VTLVM_VSM_H */
