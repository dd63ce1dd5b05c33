// SPDX-License-Identifier: MIT
/*
 * The registers of HvCallGet/SetVpRegisters that VSM adds (hv/hcall_regs.c
 * serves the synthetic ones and sends the rest here through struct
 * hv_reg_ext): the VSM registers of TLFS "Virtual Secure Mode" (code page
 * offsets, VP and partition status, capabilities, partition and VP secure
 * configuration, VINA), VTL1's secure-intercept controls, PendingEvent0, and
 * the architectural registers of a lower VTL (through the VMM).
 *
 * hv/hcall_regs.c has checked the header: the caller's own VP, a target VTL
 * no higher than the caller's. Per-register rules follow the TLFS; where it
 * names no status, OpenHCL's (OpenVMM virt_mshv_vtl).
 */
#define pr_fmt(fmt) "vsm: " fmt
#include "vtl/vsm.h"

#include <errno.h>
#include <string.h>

#include "vmm/log.h"

#define ARCH_FIRST	HV_X64_REGISTER_RAX	/* GPRs, FP/XMM, CRs, DRs, segments, MSRs */
#define ARCH_END	HV_REGISTER_VP_RUNTIME	/* synthetic MSR registers start here */

/* VsmPartitionConfig bits VTL1 may set (OpenHCL: the rest is InvalidRegisterValue). */
#define PARTITION_CONFIG_WRITABLE \
	(HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION | \
	 HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK | \
	 HV_VSM_PARTITION_CONFIG_ZERO_MEMORY_ON_RESET | \
	 HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP)

/* Only write intercepts exist for these registers (OpenHCL refuses the read bits). */
#define CR_INTERCEPT_READS \
	(HV_X64_CR_INTERCEPT_IA32_MISC_ENABLE_READ | HV_X64_CR_INTERCEPT_MSR_LSTAR_READ | \
	 HV_X64_CR_INTERCEPT_MSR_STAR_READ | HV_X64_CR_INTERCEPT_MSR_CSTAR_READ | \
	 HV_X64_CR_INTERCEPT_APIC_BASE_MSR_READ | HV_X64_CR_INTERCEPT_MSR_EFER_READ | \
	 HV_X64_CR_INTERCEPT_MSR_SGX_LAUNCH_CONTROL_WRITE | HV_X64_CR_INTERCEPT_RESERVED_MASK)

/* Exceptions PendingEvent0 may carry, and those with an error code (SDM vol. 3A, 6.15). */
#define PENDING_VECTORS	(GENMASK_ULL(1, 0) | GENMASK_ULL(8, 3) | GENMASK_ULL(14, 10) | \
			 GENMASK_ULL(19, 16) | BIT(21))
#define ERROR_VECTORS	(BIT(8) | BIT(10) | BIT(11) | BIT(12) | BIT(13) | BIT(14) | BIT(17) | \
			 BIT(21))

/* TLFS "VSM Code Page Offsets": where the VTL call and return stubs are (hv/hcall_stub.h). */
static u64 vsm_code_page_offsets(void)
{
	return HV_VTL_CALL_STUB_OFFSET |
	       ((u64)HV_VTL_RETURN_STUB_OFFSET << HV_VSM_CODE_PAGE_OFFSETS_RETURN_SHIFT);
}

/*
 * TLFS "VSM Capabilities" (HvRegisterVsmCapabilities). Dr6Shared stays 0:
 * DR6 is private to each VTL's vCPU. DenyLowerVtlStartup is enforced
 * (HvCallStartVirtualProcessor); no MBEC, shadow stacks, HVPT or intercept
 * page.
 */
u64 vsm_capabilities(void)
{
	return HV_VSM_CAPABILITIES_DENY_LOWER_VTL_STARTUP;
}

static bool is_cr_intercept(u32 name)
{
	return name >= HV_X64_REGISTER_CR_INTERCEPT_CONTROL &&
	       name <= HV_X64_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK;
}

static bool vsm_reg_is_vsm(u32 name)
{
	return (name >= HV_REGISTER_VSM_CODE_PAGE_OFFSETS &&
		name <= HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL(14)) ||
	       is_cr_intercept(name) || name == HV_REGISTER_PENDING_EVENT0;
}

static struct vsm_vp *vsm_vp_of(struct vsm *vsm, struct hv_vp *caller)
{
	return &vsm->vps[caller->index];
}

static u64 vp_status(struct vsm *vsm, struct hv_vp *caller)
{
	struct vtl_vp *s = vsm_vp_of(vsm, caller)->sched;
	u64 enabled = s ? atomic_load(&s->enabled) : BIT(0);

	/* The caller runs on this VP, so its VTL is the active one. */
	return caller->vtl | enabled << HV_VSM_VP_STATUS_ENABLED_VTL_SET_SHIFT;
}

static u64 partition_status(struct vsm *vsm)
{
	return atomic_load(&vsm->enabled) |
	       (u64)vsm->max_vtl << HV_VSM_PARTITION_STATUS_MAXIMUM_VTL_SHIFT;
}

/* ---- reads -------------------------------------------------------------------------------- */

static hv_status_t get_locked(struct vsm *vsm, struct hv_vp *caller, u8 target, u32 name,
			      union hv_register_value *v)
{
	struct vsm_vp *vp = vsm_vp_of(vsm, caller);

	switch (name) {
	case HV_REGISTER_VSM_CODE_PAGE_OFFSETS:
		v->reg64 = vsm_code_page_offsets();
		return HV_STATUS_SUCCESS;
	case HV_REGISTER_VSM_VP_STATUS:
		v->reg64 = vp_status(vsm, caller);
		return HV_STATUS_SUCCESS;
	case HV_REGISTER_VSM_PARTITION_STATUS:
		v->reg64 = partition_status(vsm);
		return HV_STATUS_SUCCESS;
	case HV_REGISTER_VSM_CAPABILITIES:
		v->reg64 = vsm_capabilities();
		return HV_STATUS_SUCCESS;
	case HV_REGISTER_VSM_PARTITION_CONFIG:
		if (target != 1)
			return HV_STATUS_INVALID_PARAMETER;
		v->reg64 = vsm->partition_config;
		return HV_STATUS_SUCCESS;
	case HV_REGISTER_VSM_VINA:
		if (target != 1)
			return HV_STATUS_INVALID_PARAMETER;
		v->reg64 = vp->vina;
		return HV_STATUS_SUCCESS;
	case HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0:
		if (target < 1)
			return HV_STATUS_ACCESS_DENIED;
		v->reg64 = vp->secure_config;
		return HV_STATUS_SUCCESS;
	case HV_REGISTER_PENDING_EVENT0:
		if (target >= caller->vtl)
			return HV_STATUS_INVALID_PARAMETER;
		v->reg128.low = vp->pending_event0[0];
		v->reg128.high = vp->pending_event0[1];
		return HV_STATUS_SUCCESS;
	}
	if (is_cr_intercept(name)) {
		if (target != 1)
			return HV_STATUS_ACCESS_DENIED;
		v->reg64 = vp->cr_intercept[name - HV_X64_REGISTER_CR_INTERCEPT_CONTROL];
		return HV_STATUS_SUCCESS;
	}
	/* VsmVpSecureConfigVtl1..14: no VTL above 1 to own them. */
	return HV_STATUS_INVALID_PARAMETER;
}

static hv_status_t vsm_reg_get(struct vsm *vsm, struct hv_vp *caller, u8 target, u32 name,
			       union hv_register_value *v)
{
	hv_status_t st;

	pthread_mutex_lock(&vsm->lock);
	st = get_locked(vsm, caller, target, name, v);
	pthread_mutex_unlock(&vsm->lock);
	return st;
}

/* ---- writes ------------------------------------------------------------------------------- */

/*
 * TLFS "VSM Partition Configuration": EnableVtlProtection is write-once and
 * the default mask cannot change once protection is on. vtlvm keeps VTL0
 * executable: KVM memslots have no execute permission to take away, so a default
 * mask without R, W and KMX is refused rather than half-applied.
 */
static hv_status_t set_partition_config(struct vsm *vsm, u64 val)
{
	u64 old = vsm->partition_config;
	u64 mask = val & HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK;
	u64 need = (u64)(HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE | HV_MAP_GPA_KERNEL_EXECUTABLE)
		   << HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK_SHIFT;

	if (val & ~PARTITION_CONFIG_WRITABLE)
		return HV_STATUS_INVALID_REGISTER_VALUE;
	if ((old & HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION) &&
	    (!(val & HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION) ||
	     mask != (old & HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK)))
		return HV_STATUS_INVALID_REGISTER_VALUE;
	if ((val & HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION) && (mask & need) != need) {
		pr_warn_ratelimited("default VTL protection mask %#llx refused: vtlvm cannot "
				    "withhold read, write or execute from all of VTL0",
				    (unsigned long long)(mask >> 1));
		return HV_STATUS_INVALID_REGISTER_VALUE;
	}
	vsm->partition_config = val;
	return HV_STATUS_SUCCESS;
}

/*
 * TLFS "VSM Configuration" (HvRegisterVsmVpSecureConfigVtlX): MBEC, shadow
 * stacks and HVPT are not implemented; TlbLocked is enforced by the VMM
 * (vmm/hv_glue.c holds VTL0's flushes of this VP until VTL1 clears it or
 * returns).
 */
static hv_status_t set_secure_config(struct vsm_vp *vp, u64 val)
{
	if (val & ~(u64)HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED)
		return HV_STATUS_INVALID_REGISTER_VALUE;
	vp->secure_config = val;
	return HV_STATUS_SUCCESS;
}

/* TLFS "Virtual Interrupt Notification Assist" (HvRegisterVsmVina). */
static hv_status_t set_vina(struct vsm_vp *vp, u64 val)
{
	if (val & ~(HV_VSM_VINA_VECTOR_MASK | HV_VSM_VINA_ENABLED | HV_VSM_VINA_AUTO_RESET |
		    HV_VSM_VINA_AUTO_EOI))
		return HV_STATUS_INVALID_PARAMETER;
	/* Vectors 0-15 are not interrupts (SDM 11.5.2: the APIC would refuse them). */
	if ((val & HV_VSM_VINA_ENABLED) && (val & HV_VSM_VINA_VECTOR_MASK) < 16)
		return HV_STATUS_INVALID_PARAMETER;
	__atomic_store_n(&vp->vina, val, __ATOMIC_RELAXED);	/* read lockless by VINA delivery */
	return HV_STATUS_SUCCESS;
}

/*
 * PendingEvent0 (OV:hvdef HvX64PendingExceptionEvent): an exception VTL1
 * queues into VTL0, delivered when VTL0 next runs. Only architectural
 * exception vectors; an error code only where the CPU pushes one.
 */
static hv_status_t set_pending_event(struct vsm *vsm, struct hv_vp *caller, u8 target,
				     const union hv_register_value *v)
{
	struct vsm_vp *vp = vsm_vp_of(vsm, caller);
	struct hv_x64_pending_exception_event e;
	bool has_error;

	memcpy(&e, v, sizeof(e));
	has_error = e.flags & HV_X64_PENDING_EXCEPTION_DELIVER_ERROR_CODE;
	if (target >= caller->vtl)
		return HV_STATUS_INVALID_PARAMETER;
	if (target != 0)
		return HV_STATUS_ACCESS_DENIED;
	if (e.event_header & HV_X64_PENDING_EVENT_PENDING) {
		/* Only exceptions (type 0); the header's and flags' other bits are reserved. */
		if ((e.event_header & ~HV_X64_PENDING_EVENT_PENDING) ||
		    (e.flags & ~HV_X64_PENDING_EXCEPTION_DELIVER_ERROR_CODE) ||
		    e.vector > 21 || !(PENDING_VECTORS & BIT(e.vector)) ||
		    (has_error && !(ERROR_VECTORS & BIT(e.vector))))
			return HV_STATUS_INVALID_REGISTER_VALUE;
		if (vsm->ops->inject_exception(vsm->ctx, caller->vcpu, target, e.vector, has_error,
					       e.error_code, e.exception_parameter))
			return HV_STATUS_INVALID_VP_STATE;
	}
	vp->pending_event0[0] = v->reg128.low;
	vp->pending_event0[1] = v->reg128.high;
	return HV_STATUS_SUCCESS;
}

/*
 * TLFS "Secure Register Intercepts": VTL1 chooses which of VTL0's control
 * register and MSR writes it intercepts (recorded; delivered with memory
 * protections).
 */
static hv_status_t set_cr_intercept(struct vsm_vp *vp, u8 target, u32 name, u64 val)
{
	if (target != 1)
		return HV_STATUS_ACCESS_DENIED;
	if (name == HV_X64_REGISTER_CR_INTERCEPT_CONTROL && (val & CR_INTERCEPT_READS))
		return HV_STATUS_INVALID_REGISTER_VALUE;
	vp->cr_intercept[name - HV_X64_REGISTER_CR_INTERCEPT_CONTROL] = val;
	return HV_STATUS_SUCCESS;
}

static hv_status_t set_locked(struct vsm *vsm, struct hv_vp *caller, u8 target, u32 name,
			      const union hv_register_value *v)
{
	struct vsm_vp *vp = vsm_vp_of(vsm, caller);

	if (name == HV_REGISTER_PENDING_EVENT0)
		return set_pending_event(vsm, caller, target, v);
	if (v->reg128.high)
		return HV_STATUS_INVALID_PARAMETER;
	switch (name) {
	case HV_REGISTER_VSM_PARTITION_CONFIG:
		return target == 1 ? set_partition_config(vsm, v->reg64) :
				     HV_STATUS_INVALID_PARAMETER;
	case HV_REGISTER_VSM_VINA:
		return target == 1 ? set_vina(vp, v->reg64) : HV_STATUS_INVALID_PARAMETER;
	case HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0:
		return target >= 1 ? set_secure_config(vp, v->reg64) : HV_STATUS_ACCESS_DENIED;
	}
	if (is_cr_intercept(name))
		return set_cr_intercept(vp, target, name, v->reg64);
	/* Read-only (code page offsets, statuses, capabilities) or no such VTL. */
	return HV_STATUS_INVALID_PARAMETER;
}

static hv_status_t vsm_reg_set(struct vsm *vsm, struct hv_vp *caller, u8 target, u32 name,
			       const union hv_register_value *v)
{
	bool denied_before;
	hv_status_t st;

	pthread_mutex_lock(&vsm->lock);
	denied_before = vsm->partition_config & HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP;
	st = set_locked(vsm, caller, target, name, v);
	pthread_mutex_unlock(&vsm->lock);
	/*
	 * TLFS "VSM Partition Configuration": DenyLowerVtlStartup covers INIT/SIPI
	 * too. The VMM holds every VP whose VTL0 has not started (not under the
	 * lock: it asks each VP's thread).
	 */
	if (!st && name == HV_REGISTER_VSM_PARTITION_CONFIG && !denied_before &&
	    (v->reg64 & HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP) &&
	    vsm->ops->deny_lower_vtl_startup)
		vsm->ops->deny_lower_vtl_startup(vsm->ctx, caller->vcpu);
	return st;
}

/* ---- struct hv_reg_ext: VSM registers, then a lower VTL's architectural ones ---------------- */

static bool is_arch(u32 name)
{
	return name >= ARCH_FIRST && name < ARCH_END;
}

/*
 * TLFS: "lower VTLs cannot access a higher VTL's private state"; OpenHCL
 * narrows architectural registers to strictly lower VTLs (a VTL reads its
 * own registers without a hypercall), as vtlvm does.
 */
static hv_status_t ext_get(struct hv_vp *caller, u8 target, u32 name, union hv_register_value *v)
{
	struct vsm *vsm = vsm_of(caller->hv);
	int ret;

	if (vsm_reg_is_vsm(name))
		return vsm_reg_get(vsm, caller, target, name, v);
	if (!is_arch(name))
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	if (target >= caller->vtl)
		return HV_STATUS_ACCESS_DENIED;
	ret = vsm->ops->get_reg(vsm->ctx, caller->vcpu, target, name, v);
	if (ret == -ENOENT)
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	return ret ? HV_STATUS_INVALID_VP_STATE : HV_STATUS_SUCCESS;
}

static hv_status_t ext_set(struct hv_vp *caller, u8 target, u32 name,
			   const union hv_register_value *v)
{
	struct vsm *vsm = vsm_of(caller->hv);
	int ret;

	if (vsm_reg_is_vsm(name))
		return vsm_reg_set(vsm, caller, target, name, v);
	if (!is_arch(name))
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	if (target >= caller->vtl)
		return HV_STATUS_ACCESS_DENIED;
	ret = vsm->ops->set_reg(vsm->ctx, caller->vcpu, target, name, v);
	if (ret == -ENOENT)
		return HV_STATUS_UNKNOWN_REGISTER_NAME;
	return ret ? HV_STATUS_INVALID_REGISTER_VALUE : HV_STATUS_SUCCESS;
}

const struct hv_reg_ext vsm_reg_ext = { .get = ext_get, .set = ext_set };
