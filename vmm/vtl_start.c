// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "vtl: " fmt
#include "vmm/vtl_start.h"

#include <errno.h>

#include "vmm/kvm_sys.h"
#include "vmm/log.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/vtl_glue.h"
#include "vmm/vtl_regs.h"
#include "vmm/vtl_vm.h"

/* ---- EnableVpVtl and StartVirtualProcessor, on the target VP's thread -------------------------- */

struct vp_start {
	u8 vtl;
	const struct hv_initial_vp_context *ctx;
	hv_status_t status;
};

/* Has VTL0 of this VP run, or been started by INIT/SIPI (which KVM handles in-kernel)? */
static bool vtl0_started(struct vcpu *vcpu)
{
	struct kvm_mp_state mp;

	if (vcpu->index == 0)
		return true;
	if (vcpu->vtl0_held)
		return false;
	if (kvm_sys_ioctl(vcpu->vtl[0].fd, KVM_GET_MP_STATE, &mp) < 0)
		return true;
	return mp.mp_state != KVM_MP_STATE_UNINITIALIZED &&
	       mp.mp_state != KVM_MP_STATE_INIT_RECEIVED;
}

/*
 * The vCPU first, then the context KVM may refuse, and only then the APIC
 * and Hyper-V state other threads can reach: a refused context leaves
 * nothing published (the vCPU itself stays for the next try).
 */
static int enable_vp_vtl_local(struct vcpu *vcpu, void *arg)
{
	struct vp_start *st = arg;
	int ret = vtl_vcpu_create(vcpu, st->vtl);

	if (ret) {
		st->status = HV_STATUS_INSUFFICIENT_MEMORY;
		return 0;
	}
	ret = vtl_regs_load_context(&vcpu->vtl[st->vtl], st->ctx);
	if (ret) {
		st->status = HV_STATUS_INVALID_REGISTER_VALUE;
		return 0;
	}
	ret = vtl_vcpu_publish(vcpu, st->vtl);
	if (ret) {
		st->status = HV_STATUS_INSUFFICIENT_MEMORY;
		return 0;
	}
	/* TLFS: from now on INIT/SIPI to this VP's VTL0 are dropped; StartVp starts it. */
	if (!vtl0_started(vcpu))
		vcpu->vtl0_held = true;
	vtl_vp_enable(&vcpu->vtls, st->vtl);
	st->status = HV_STATUS_SUCCESS;
	return 0;
}

/* KVM latches INIT/SIPI for a VP that is not run; the start must not be undone by them. */
static int drop_latched_init(struct vcpu_vtl *v)
{
	struct kvm_vcpu_events ev;
	int ret = kvm_sys_ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev);

	if (ret < 0)
		return ret;
	ev.flags = KVM_VCPUEVENT_VALID_SMM;
	ev.smi.latched_init = 0;
	ret = kvm_sys_ioctl(v->fd, KVM_SET_VCPU_EVENTS, &ev);
	return ret < 0 ? ret : 0;
}

static int start_vtl0(struct vcpu *vcpu, const struct hv_initial_vp_context *c)
{
	struct kvm_mp_state mp = { .mp_state = KVM_MP_STATE_RUNNABLE };
	int ret = drop_latched_init(&vcpu->vtl[0]);

	if (!ret)
		ret = vtl_regs_load_context(&vcpu->vtl[0], c);
	if (!ret && kvm_sys_ioctl(vcpu->vtl[0].fd, KVM_SET_MP_STATE, &mp) < 0)
		ret = -EIO;
	if (!ret)
		vcpu->vtl0_held = false;
	return ret;
}

/* DenyLowerVtlStartup: a VP whose VTL0 never ran waits for HvCallStartVirtualProcessor. */
static int hold_unstarted(struct vcpu *vcpu, void *arg)
{
	(void)arg;
	if (!vtl0_started(vcpu))
		vcpu->vtl0_held = true;
	return 0;
}

void vtl_start_deny_lower(struct vm *vm, void *caller)
{
	for (u32 i = 0; i < vm->nr_vcpus; i++)
		if (vtl_glue_request(caller, vm->vcpus[i], hold_unstarted, NULL))
			return;		/* the VM is stopping */
}

static int start_vp_local(struct vcpu *vcpu, void *arg)
{
	struct vp_start *st = arg;
	struct vcpu_vtl *v = &vcpu->vtl[st->vtl];
	int ret;

	if (st->vtl ? v->entered : vtl0_started(vcpu)) {
		st->status = HV_STATUS_INVALID_VP_STATE;
		return 0;
	}
	if (st->vtl) {
		ret = vtl_regs_load_context(v, st->ctx);
		if (!ret)
			/* Not a VTL call or an interrupt (TLFS "VTL Entry"): reason 0. */
			vtl_vp_raise(&vcpu->vtls, st->vtl, HV_VTL_ENTRY_RESERVED);
	} else {
		ret = start_vtl0(vcpu, st->ctx);
	}
	st->status = ret ? HV_STATUS_INVALID_REGISTER_VALUE : HV_STATUS_SUCCESS;
	return 0;
}

static hv_status_t post_start(struct vm *vm, void *caller, u32 index, u8 vtl,
			      const struct hv_initial_vp_context *c,
			      int (*fn)(struct vcpu *, void *))
{
	struct vp_start st = { .vtl = vtl, .ctx = c, .status = HV_STATUS_SUCCESS };

	if (vtl_glue_request(caller, vm->vcpus[index], fn, &st))
		return HV_STATUS_INVALID_VP_STATE;	/* the VM is stopping */
	return st.status;
}

hv_status_t vtl_start_enable_vp(struct vm *vm, void *caller, u32 vp, u8 vtl,
				const struct hv_initial_vp_context *c)
{
	return post_start(vm, caller, vp, vtl, c, enable_vp_vtl_local);
}

hv_status_t vtl_start_vp(struct vm *vm, void *caller, u32 vp, u8 vtl,
			 const struct hv_initial_vp_context *c)
{
	return post_start(vm, caller, vp, vtl, c, start_vp_local);
}
