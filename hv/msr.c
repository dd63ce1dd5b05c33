// SPDX-License-Identifier: MIT
/*
 * Synthetic MSRs: one table, sorted by index, each row with the privilege
 * (or feature) that grants it and its read/write handlers. A missing grant,
 * a write to a read-only MSR, reserved bits or a page outside RAM give #GP
 * (-EPERM), as the TLFS says for each register.
 */
#define pr_fmt(fmt) "hv-msr: " fmt
#include "hv/hv.h"

#include <errno.h>
#include <string.h>

#include "hv/hcall_page.h"
#include "hv/reftime.h"
#include "hv/stimer.h"
#include "hv/synic.h"
#include "vmm/log.h"
#include "vmm/status.h"

#define CRASH_MESSAGE_MAX	4096

struct hv_msr_desc {
	u32 first, last;	/* a range: SINTx, STIMERx, CRASH_Px */
	u64 privilege;		/* HV_ACCESS_* bit, or 0 */
	u32 feature;		/* CPUID 0x40000003 EDX bit, or 0 */
	int (*rd)(struct hv_vp *vp, u32 index, u64 *val);
	int (*wr)(struct hv_vp *vp, u32 index, u64 val);	/* NULL: read-only */
};

static struct hv_vtl *vtl_of(struct hv_vp *vp)
{
	return vp->hv->vtl[vp->vtl];
}

/* ---- GUEST_OS_ID and HYPERCALL (TLFS "Hypercall Interface") ---------------------------------- */

static int guest_os_id_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	(void)index;
	*val = vtl_of(vp)->guest_os_id;
	return 0;
}

static int guest_os_id_wr(struct hv_vp *vp, u32 index, u64 val)
{
	struct hv_vtl *v = vtl_of(vp);

	(void)index;
	v->guest_os_id = val;
	/* TLFS: "if the guest OS identity is cleared to zero ... it will become disabled". */
	if (!val && (v->hypercall & HV_MSR_PAGE_ENABLE))
		hv_hcall_page_disable(vp->hv, v);
	return 0;
}

static int hypercall_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	(void)index;
	*val = vtl_of(vp)->hypercall;
	return 0;
}

static int hypercall_wr(struct hv_vp *vp, u32 index, u64 val)
{
	struct hv_vtl *v = vtl_of(vp);
	u64 old = v->hypercall;

	(void)index;
	/*
	 * Locked: "only a system reset can clear the bit" (TLFS "Hypercall
	 * Interface", "Establishing the Hypercall Interface").
	 */
	if (old & HV_X64_MSR_HYPERCALL_LOCKED)
		return -EPERM;
	val = (val & ~HV_X64_MSR_HYPERCALL_RSVDP) | (old & HV_X64_MSR_HYPERCALL_RSVDP);
	/* Without a guest OS identity, "the enable bit will remain zero". */
	if (!v->guest_os_id)
		val &= ~HV_X64_MSR_HYPERCALL_ENABLE;
	if ((val & HV_X64_MSR_HYPERCALL_ENABLE) &&
	    !hv_gpa_page(vp->hv, vp->vtl, val & HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_MASK))
		return -EPERM;	/* "beyond the bounds of the GPA space": #GP */
	if (old & HV_X64_MSR_HYPERCALL_ENABLE)
		hv_hcall_page_disable(vp->hv, v);
	v->hypercall = val;
	if (val & HV_X64_MSR_HYPERCALL_ENABLE)
		hv_hcall_page_enable(vp->hv, v);
	return 0;
}

/* ---- VP index, run time, reference time (TLFS "Virtual Processor Management", "Timers") ---- */

static int vp_index_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	(void)index;
	*val = vp->index;
	return 0;
}

static int vp_runtime_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	const struct hv_host *h = &vp->hv->host;

	(void)index;
	*val = h->ops->vp_runtime_ns(h->ctx, vp->vcpu) / 100;
	return 0;
}

static int time_ref_count_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	(void)index;
	*val = hv_reftime_now(&vp->hv->ref);
	return 0;
}

static int reference_tsc_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	(void)index;
	*val = vtl_of(vp)->reference_tsc;
	return 0;
}

static int reference_tsc_wr(struct hv_vp *vp, u32 index, u64 val)
{
	struct hv_vtl *v = vtl_of(vp);
	struct hv_reference_tsc_page *page;

	(void)index;
	val = (val & ~HV_MSR_PAGE_RSVDP) | (v->reference_tsc & HV_MSR_PAGE_RSVDP);
	if (val & HV_X64_MSR_TSC_REFERENCE_ENABLE) {
		page = hv_gpa_page(vp->hv, vp->vtl, val & HV_MSR_PAGE_GPN_MASK);
		if (!page)
			return -EPERM;
		memset(page, 0, sizeof(*page));
		hv_reftime_fill_page(&vp->hv->ref, page);
	}
	v->reference_tsc = val;
	return 0;
}

static int tsc_frequency_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	(void)index;
	*val = vp->hv->ref.tsc_hz;
	return 0;
}

static int apic_frequency_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	(void)vp, (void)index;
	*val = HV_APIC_FREQUENCY_HZ;
	return 0;
}

/* ---- APIC MSRs and the VP assist page (TLFS "Virtual Processor Management") ------------------ */

/* Granted only where the VMM owns the APIC (above VTL0); the host routes them to it. */
static int apic_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	const struct hv_host *h = &vp->hv->host;

	if (index == HV_X64_MSR_EOI)
		return -EPERM;	/* TLFS "Virtual Processor Management": EOI is write-only */
	return h->ops->apic_msr(h->ctx, vp->vcpu, index, val, false);
}

static int apic_wr(struct hv_vp *vp, u32 index, u64 val)
{
	const struct hv_host *h = &vp->hv->host;

	return h->ops->apic_msr(h->ctx, vp->vcpu, index, &val, true);
}

static int vp_assist_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	(void)index;
	*val = vp->vp_assist;
	return 0;
}

/*
 * An ordinary guest page, as KVM treats it: the VMM writes the VTL entry
 * reason into it and reads the VTL return registers from it (TLFS "VP Assist
 * Page", "VTL Entry"). Enabled on a page that is not RAM: #GP.
 */
static int vp_assist_wr(struct hv_vp *vp, u32 index, u64 val)
{
	(void)index;
	if ((val & HV_X64_MSR_VP_ASSIST_PAGE_ENABLE) &&
	    !hv_gpa_page(vp->hv, vp->vtl, val & HV_X64_MSR_VP_ASSIST_PAGE_ADDRESS_MASK))
		return -EPERM;
	vp->vp_assist = val;
	return 0;
}

/* ---- Crash registers (TLFS "Partition Crash Enlightenment") ---------------------------------- */

static int crash_p_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	*val = vp->hv->crash_p[index - HV_X64_MSR_CRASH_P0];
	return 0;
}

static int crash_p_wr(struct hv_vp *vp, u32 index, u64 val)
{
	vp->hv->crash_p[index - HV_X64_MSR_CRASH_P0] = val;
	return 0;
}

static int crash_ctl_rd(struct hv_vp *vp, u32 index, u64 *val)
{
	(void)vp, (void)index;
	/* The capabilities vtlvm supports: notification, with an optional message. */
	*val = HV_CRASH_CTL_CRASH_NOTIFY | HV_CRASH_CTL_CRASH_NOTIFY_MSG;
	return 0;
}

/* CrashMessage: P3 = GPA of the text, P4 = its length. */
static void log_crash_message(struct hv_vp *vp)
{
	char msg[CRASH_MESSAGE_MAX + 1];
	u64 len = MIN(vp->hv->crash_p[4], (u64)CRASH_MESSAGE_MAX);

	if (hv_gpa_read(vp->hv, vp->vtl, vp->hv->crash_p[3], msg, len)) {
		pr_err("guest crash message at %#llx is not in RAM",
		       (unsigned long long)vp->hv->crash_p[3]);
		return;
	}
	for (u64 i = 0; i < len; i++)
		if (msg[i] != '\n' && (msg[i] < 0x20 || msg[i] > 0x7e))
			msg[i] = '?';
	msg[len] = '\0';
	pr_err("guest crash message:\n%s", msg);
}

static int crash_ctl_wr(struct hv_vp *vp, u32 index, u64 val)
{
	const struct hv_host *h = &vp->hv->host;
	const u64 *p = vp->hv->crash_p;

	(void)index;
	if (val & ~(HV_CRASH_CTL_CRASH_NOTIFY | HV_CRASH_CTL_CRASH_NOTIFY_MSG |
		    HV_CRASH_CTL_NO_CRASH_DUMP | HV_CRASH_CTL_PRE_OS_ID_MASK))
		return -EPERM;
	if (!(val & HV_CRASH_CTL_CRASH_NOTIFY))
		return 0;
	pr_err("guest crash reported by vp%u (VTL%u): P0 %#llx P1 %#llx P2 %#llx P3 %#llx "
	       "P4 %#llx", vp->index, vp->vtl, (unsigned long long)p[0],
	       (unsigned long long)p[1], (unsigned long long)p[2], (unsigned long long)p[3],
	       (unsigned long long)p[4]);
	if (val & HV_CRASH_CTL_CRASH_NOTIFY_MSG)
		log_crash_message(vp);
	h->ops->request_stop(h->ctx, VTLVM_EXIT_GUEST_PANIC, "guest crash MSRs");
	return 0;
}

/* Sorted by index; test_msr_table_sorted (tests/unit/test_hv_msr.c) keeps it so. */
static const struct hv_msr_desc msrs[] = {
	{ HV_X64_MSR_GUEST_OS_ID, HV_X64_MSR_GUEST_OS_ID, HV_ACCESS_HYPERCALL_MSRS, 0,
	  guest_os_id_rd, guest_os_id_wr },
	{ HV_X64_MSR_HYPERCALL, HV_X64_MSR_HYPERCALL, HV_ACCESS_HYPERCALL_MSRS, 0,
	  hypercall_rd, hypercall_wr },
	{ HV_X64_MSR_VP_INDEX, HV_X64_MSR_VP_INDEX, HV_ACCESS_VP_INDEX, 0, vp_index_rd, NULL },
	{ HV_X64_MSR_VP_RUNTIME, HV_X64_MSR_VP_RUNTIME, HV_ACCESS_VP_RUNTIME_REG, 0,
	  vp_runtime_rd, NULL },
	{ HV_X64_MSR_TIME_REF_COUNT, HV_X64_MSR_TIME_REF_COUNT,
	  HV_ACCESS_PARTITION_REFERENCE_COUNTER, 0, time_ref_count_rd, NULL },
	{ HV_X64_MSR_REFERENCE_TSC, HV_X64_MSR_REFERENCE_TSC, HV_ACCESS_PARTITION_REFERENCE_TSC,
	  0, reference_tsc_rd, reference_tsc_wr },
	/* The privilege grants them, the EDX feature says they are there (TLFS "Feature Discovery"). */
	{ HV_X64_MSR_TSC_FREQUENCY, HV_X64_MSR_TSC_FREQUENCY, HV_ACCESS_FREQUENCY_REGS,
	  HV_FEATURE_FREQUENCY_MSRS_AVAILABLE, tsc_frequency_rd, NULL },
	{ HV_X64_MSR_APIC_FREQUENCY, HV_X64_MSR_APIC_FREQUENCY, HV_ACCESS_FREQUENCY_REGS,
	  HV_FEATURE_FREQUENCY_MSRS_AVAILABLE, apic_frequency_rd, NULL },
	{ HV_X64_MSR_EOI, HV_X64_MSR_TPR, HV_ACCESS_INTR_CTRL_REGS, 0, apic_rd, apic_wr },
	{ HV_X64_MSR_VP_ASSIST_PAGE, HV_X64_MSR_VP_ASSIST_PAGE, HV_ACCESS_INTR_CTRL_REGS, 0,
	  vp_assist_rd, vp_assist_wr },
	{ HV_X64_MSR_SCONTROL, HV_X64_MSR_EOM, HV_ACCESS_SYNIC_REGS, 0, hv_synic_msr_read,
	  hv_synic_msr_write },
	{ HV_X64_MSR_SINT0, HV_X64_MSR_SINT15, HV_ACCESS_SYNIC_REGS, 0, hv_synic_msr_read,
	  hv_synic_msr_write },
	{ HV_X64_MSR_STIMER0_CONFIG, HV_X64_MSR_STIMER3_COUNT, HV_ACCESS_SYNTHETIC_TIMER_REGS,
	  0, hv_stimer_msr_read, hv_stimer_msr_write },
	{ HV_X64_MSR_CRASH_P0, HV_X64_MSR_CRASH_P4, 0, HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE,
	  crash_p_rd, crash_p_wr },
	{ HV_X64_MSR_CRASH_CTL, HV_X64_MSR_CRASH_CTL, 0, HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE,
	  crash_ctl_rd, crash_ctl_wr },
};

const void *hv_msr_table(unsigned int *count, size_t *row_size);
const void *hv_msr_table(unsigned int *count, size_t *row_size)
{
	*count = ARRAY_SIZE(msrs);
	*row_size = sizeof(msrs[0]);
	return msrs;
}

bool hv_msr_is_synthetic(u32 index)
{
	return index >= HV_X64_MSR_GUEST_OS_ID &&
	       index < HV_X64_MSR_GUEST_OS_ID + HV_SYNTHETIC_MSR_COUNT;
}

static const struct hv_msr_desc *msr_find(u32 index)
{
	unsigned int lo = 0, hi = ARRAY_SIZE(msrs);

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (index < msrs[mid].first)
			hi = mid;
		else if (index > msrs[mid].last)
			lo = mid + 1;
		else
			return &msrs[mid];
	}
	return NULL;
}

/* The row for index if this partition is granted it; NULL with *err set otherwise. */
static const struct hv_msr_desc *msr_lookup(struct hv_vp *vp, u32 index, int *err)
{
	const struct hv_msr_desc *d = msr_find(index);

	*err = -ENOENT;
	if (!d)
		return NULL;
	*err = -EPERM;
	if ((d->privilege && !(vp->hv->vtl[vp->vtl]->privileges & d->privilege)) ||
	    (d->feature && !(vp->hv->features & d->feature)))
		return NULL;
	*err = 0;
	return d;
}

bool hv_msr_granted(struct hv_vp *vp, u32 index)
{
	int err;

	return msr_lookup(vp, index, &err) != NULL;
}

int hv_msr_read(struct hv_vp *vp, u32 index, u64 *val)
{
	int ret;
	const struct hv_msr_desc *d = msr_lookup(vp, index, &ret);

	if (!d)
		return ret;
	pthread_mutex_lock(&vp->hv->lock);
	ret = d->rd(vp, index, val);
	pthread_mutex_unlock(&vp->hv->lock);
	return ret;
}

int hv_msr_write(struct hv_vp *vp, u32 index, u64 val)
{
	int ret;
	const struct hv_msr_desc *d = msr_lookup(vp, index, &ret);

	if (!d)
		return ret;
	if (!d->wr)
		return -EPERM;	/* read-only */
	pthread_mutex_lock(&vp->hv->lock);
	ret = d->wr(vp, index, val);
	pthread_mutex_unlock(&vp->hv->lock);
	return ret;
}
