// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "hv: " fmt
#include "hv/hv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hcall.h"
#include "hv/stimer.h"
#include "hv/synic.h"
#include "vmm/log.h"

/*
 * What this partition is granted and told (TLFS "Feature Discovery"). Every
 * bit here is implemented and tested; see README "Hyper-V".
 */
static void hv_features_init(struct hv *hv)
{
	hv->privileges = HV_ACCESS_VP_RUNTIME_REG | HV_ACCESS_PARTITION_REFERENCE_COUNTER |
			 HV_ACCESS_SYNIC_REGS | HV_ACCESS_SYNTHETIC_TIMER_REGS |
			 HV_ACCESS_HYPERCALL_MSRS | HV_ACCESS_VP_INDEX |
			 HV_ACCESS_PARTITION_REFERENCE_TSC | HV_ACCESS_FREQUENCY_REGS |
			 HV_POST_MESSAGES | HV_SIGNAL_EVENTS;
	/*
	 * TLFS "Virtual Secure Mode": "Only partitions with the AccessVsm,
	 * AccessVpRegisters, and AccessSynicRegs privileges" may use VSM; with
	 * hyperv:vsm = off none of the VSM set is shown (StartVirtualProcessor
	 * included), SynIC with it.
	 */
	if (hv->cfg.vsm)
		hv->privileges |= HV_ACCESS_VSM | HV_ACCESS_VP_REGISTERS |
				  HV_START_VIRTUAL_PROCESSOR;
	else
		hv->privileges &= ~HV_ACCESS_SYNIC_REGS;
	hv->features = HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE |
		       HV_X64_HYPERCALL_XMM_OUTPUT_AVAILABLE | HV_FEATURE_FREQUENCY_MSRS_AVAILABLE |
		       HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE | HV_STIMER_DIRECT_MODE_AVAILABLE;
	/*
	 * Relaxed timing: the hosts may be slow (nested); deprecate AutoEOI: vtlvm
	 * cannot EOI on the guest's behalf in KVM's in-kernel LAPIC; cluster IPIs
	 * and _Ex masks are implemented (hcall_pv.c).
	 */
	hv->hints = HV_X64_RELAXED_TIMING_RECOMMENDED | HV_DEPRECATING_AEOI_RECOMMENDED |
		    HV_X64_CLUSTER_IPI_RECOMMENDED | HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED;
	if (hv->cfg.flush_hint)
		hv->hints |= HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED;
	/* The configuration can only take away (hyperv:privileges, features, hints). */
	hv->privileges &= hv->cfg.privilege_mask;
	hv->features &= hv->cfg.feature_mask;
	hv->hints &= hv->cfg.hint_mask;
}

static void vp_destroy(struct hv_vp *vp)
{
	if (!vp)
		return;
	hv_stimer_exit(vp);
	pthread_mutex_destroy(&vp->lock);
	free(vp->hcall_ctx);
	free(vp);
}

static int vp_create(struct hv *hv, u8 vtl, u32 index, struct hv_vp **out)
{
	struct hv_vp *vp = calloc(1, sizeof(*vp));
	int ret;

	if (!vp)
		return -ENOMEM;
	vp->hv = hv;
	vp->vtl = vtl;
	vp->index = index;
	for (unsigned int i = 0; i < HV_SYNIC_STIMER_COUNT; i++)
		vp->stimer[i].fd = -1;
	pthread_mutex_init(&vp->lock, NULL);
	vp->hcall_ctx = calloc(1, sizeof(struct hv_hcall_ctx));
	if (!vp->hcall_ctx) {
		vp_destroy(vp);
		return -ENOMEM;
	}
	hv_synic_reset(vp);
	ret = hv_stimer_init(vp);
	if (ret) {
		vp_destroy(vp);
		return ret;
	}
	*out = vp;
	return 0;
}

static void vtl_destroy(struct hv *hv, struct hv_vtl *v)
{
	if (!v)
		return;
	for (u32 i = 0; v->vps && i < hv->cfg.nr_vps; i++)
		vp_destroy(v->vps[i]);
	free(v->vps);
	free(v);
}

u64 hv_vtl_privileges(const struct hv *hv, u8 vtl)
{
	/*
	 * Above VTL0 the local APIC is the VMM's (vtl/lapic.c), so the APIC MSRs
	 * and the VP assist page, which carries the VTL entry reason and return
	 * registers (TLFS "VP Assist Page"), can be granted there.
	 */
	if (vtl)
		return (hv->privileges | HV_ACCESS_INTR_CTRL_REGS) & hv->cfg.privilege_mask;
	return hv->privileges;
}

static int vtl_create(struct hv *hv, u8 vtl)
{
	struct hv_vtl *v = calloc(1, sizeof(*v));
	int ret;

	if (!v)
		return -ENOMEM;
	v->vtl = vtl;
	v->privileges = hv_vtl_privileges(hv, vtl);
	v->vps = calloc(hv->cfg.nr_vps, sizeof(*v->vps));
	if (!v->vps) {
		free(v);
		return -ENOMEM;
	}
	for (u32 i = 0; i < hv->cfg.nr_vps; i++) {
		ret = vp_create(hv, vtl, i, &v->vps[i]);
		if (ret) {
			vtl_destroy(hv, v);
			return ret;
		}
	}
	/* Published last: other VPs may look it up without hv->lock (hv_vp_get). */
	__atomic_store_n(&hv->vtl[vtl], v, __ATOMIC_RELEASE);
	return 0;
}

int hv_create(const struct hv_host *host, const struct hv_config *cfg, struct hv **out)
{
	struct hv *hv = calloc(1, sizeof(*hv));
	int ret;

	if (!hv)
		return -ENOMEM;
	hv->host = *host;
	hv->cfg = *cfg;
	pthread_mutex_init(&hv->lock, NULL);
	hv_features_init(hv);
	ret = hv_hcall_init(hv);
	if (!ret)
		ret = vtl_create(hv, 0);
	if (ret) {
		hv_destroy(hv);
		return ret;
	}
	*out = hv;
	return 0;
}

void hv_destroy(struct hv *hv)
{
	if (!hv)
		return;
	for (unsigned int i = 0; i < HV_MAX_VTL; i++)
		vtl_destroy(hv, hv->vtl[i]);
	hv_hcall_exit(hv);
	pthread_mutex_destroy(&hv->lock);
	free(hv);
}

int hv_vtl_enable(struct hv *hv, u8 vtl)
{
	int ret;

	if (!vtl || vtl > hv->cfg.max_vtl || vtl >= HV_MAX_VTL)
		return -EINVAL;
	pthread_mutex_lock(&hv->lock);
	ret = hv->vtl[vtl] ? -EEXIST : vtl_create(hv, vtl);
	pthread_mutex_unlock(&hv->lock);
	return ret;
}

struct hv_vp *hv_vp_get(struct hv *hv, u8 vtl, u32 index)
{
	struct hv_vtl *v;

	if (vtl >= HV_MAX_VTL || index >= hv->cfg.nr_vps)
		return NULL;
	v = __atomic_load_n(&hv->vtl[vtl], __ATOMIC_ACQUIRE);
	return v ? v->vps[index] : NULL;
}

/*
 * The one path for guest memory touched on a VTL's behalf. VTL protections
 * (a higher VTL restricting a lower one) will be enforced here.
 */
int hv_gpa_read(struct hv *hv, u8 vtl, gpa_t gpa, void *buf, size_t len)
{
	(void)vtl;
	return gmem_read(hv->host.mem, gpa, buf, len);
}

int hv_gpa_write(struct hv *hv, u8 vtl, gpa_t gpa, const void *buf, size_t len)
{
	(void)vtl;
	return gmem_write(hv->host.mem, gpa, buf, len);
}

void *hv_gpa_page(struct hv *hv, u8 vtl, gpa_t gpa)
{
	(void)vtl;
	if (!IS_ALIGNED(gpa, HV_PAGE_SIZE))
		return NULL;
	return gmem_hva(hv->host.mem, gpa, HV_PAGE_SIZE);
}
