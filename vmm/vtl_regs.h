/* SPDX-License-Identifier: MIT */
/*
 * vmm/vtl_regs.h -- the register side of the VTL scheduler: keeping each VTL
 * vCPU's registers in its kvm_run (sync_regs), copying the TLFS-shared state
 * from one VTL's vCPU to another's on a switch, and HvCallGet/SetVpRegisters
 * on a lower VTL's vCPU.
 *
 * Every function here runs on the VP's own thread, with the vCPUs involved
 * outside KVM_RUN: a vCPU ioctl from another thread would block on the vCPU
 * mutex for as long as the guest runs.
 *
 * The register cache. A vCPU whose `synced` flag is set keeps its GPRs and
 * segment/control registers in run->s.regs: KVM fills them at every exit
 * and takes them back at the next KVM_RUN for the parts named in
 * kvm_dirty_regs, so moving GPRs between VTLs costs no ioctl.
 *
 * The shared state (vtl/vtl.h vtl_shared_regs) is copied lazily: each vCPU
 * remembers the x87/SSE/AVX image, DR0-DR3 and XCR0 it last held, the
 * outgoing VTL's state is read once (KVM_GET_XSAVE2, KVM_GET_DEBUGREGS, and
 * KVM_GET_XCRS only while CR4.OSXSAVE allows XSETBV), and the incoming vCPU is
 * written only where the two differ. MTRRs are write-filtered and copied
 * when a VTL changes one.
 */
#ifndef VTLVM_VTL_REGS_H
#define VTLVM_VTL_REGS_H

#include "hv/tlfs.h"
#include "vmm/types.h"

struct vm;

/* The kvm_run sync_regs sets the VMM keeps on for hypercalls and VTL switches. */
#define VTL_SYNC_REGS		(KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS)
struct vcpu;
struct vcpu_vtl;

/* Learn the XSAVE layout (CPUID 0xD) once, when VSM is first enabled. */
int vtl_regs_init(struct vm *vm) __must_check;

/* Make run->s.regs hold the vCPU's registers, fetching them if sync_regs was off. */
int vtl_regs_sync(struct vcpu_vtl *v) __must_check;
/* Forget the cache: the next vtl_regs_sync() fetches (after ioctls changed the vCPU). */
void vtl_regs_invalidate(struct vcpu_vtl *v);

/*
 * Copy the shared state of VP vcpu from VTL from's vCPU to VTL to's. Adds
 * the vCPU ioctls it made to vcpu->switch_ioctls. -errno if KVM failed.
 */
int vtl_regs_switch(struct vcpu *vcpu, u8 from, u8 to) __must_check;

/* A guest write to an MTRR (filtered to the VMM): apply it and share it. -EPERM: #GP. */
int vtl_regs_mtrr_write(struct vcpu *vcpu, u32 msr, u64 val) __must_check;
bool vtl_regs_is_mtrr(u32 msr);

/*
 * HvCallGet/SetVpRegisters on VTL vtl of the calling VP: private registers
 * come from (go to) that VTL's vCPU, shared ones from the active VTL's, which
 * is what the lower VTL will hold when it runs again. -ENOENT: a name vtlvm
 * does not hold; -EINVAL: KVM refused the value.
 */
int vtl_regs_get(struct vcpu *vcpu, u8 vtl, u32 name, union hv_register_value *v) __must_check;
int vtl_regs_set(struct vcpu *vcpu, u8 vtl, u32 name,
		 const union hv_register_value *v) __must_check;

/* Load an HV_INITIAL_VP_CONTEXT into a vCPU that is not running (EnableVpVtl, StartVp). */
int vtl_regs_load_context(struct vcpu_vtl *v, const struct hv_initial_vp_context *c) __must_check;

#endif /* VTLVM_VTL_REGS_H */
