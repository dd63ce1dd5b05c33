/* SPDX-License-Identifier: MIT */
/*
 * hv/hv.h -- the Hyper-V interface, emulated in the VMM.
 *
 * Objects:
 *   struct hv            the partition: configuration, advertised features,
 *                        reference time, crash registers, connections,
 *                        the merged hypercall table; one per VM
 *   struct hv_vtl        per-VTL partition state (GUEST_OS_ID, HYPERCALL,
 *                        REFERENCE_TSC): "private" in the TLFS VSM sense
 *   struct hv_vp         per-VP per-VTL state: VP assist page, SynIC,
 *                        synthetic timers
 *
 * hv/ includes nothing of vmm/ but its types, log and exit-status headers
 * (and vmm/clock.h): it reaches the vCPUs, interrupts, timers and guest
 * memory through struct hv_host, which the VMM implements
 * (vmm/hv_glue.c) and unit tests fake.
 *
 * Locking: struct hv and struct hv_vtl are written only by MSR and hypercall
 * handlers under hv->lock. A struct hv_vp's SynIC and timer state is guarded
 * by vp->lock, because timers fire on the event-loop thread while the VP's
 * own thread handles its MSRs; messages to a VP may be posted from any VP.
 */
#ifndef VTLVM_HV_H
#define VTLVM_HV_H

#include <pthread.h>

#include "hv/tlfs.h"
#include "mem/gmem.h"
#include "vmm/types.h"

#define HV_MAX_VTL		HV_NUM_VTLS	/* VTL0 and VTL1 (vmm/config.h VTL_MAX) */
#define HV_MAX_CONNECTIONS	64
#define HV_SINT_QUEUE_LEN	8	/* messages held per SINT while its slot is busy */
/* The synthetic MSRs hv/ serves: 0x40000000-0x400001ff (every TLFS one is below 0x40000200). */
#define HV_SYNTHETIC_MSR_COUNT	0x200
/* HV_X64_MSR_APIC_FREQUENCY: KVM's LAPIC timer, and VTL1's (vtl/lapic.h LAPIC_BUS_HZ). */
#define HV_APIC_FREQUENCY_HZ	1000000000ULL

struct hv;
struct hv_vp;

/* ---- What hv/ asks of the VMM ---------------------------------------------------------------- */

struct hv_host_ops {
	/* Raise vector on VP vp_index of VTL vtl as a fixed, edge-triggered interrupt. */
	int (*interrupt)(void *ctx, u8 vtl, u32 vp_index, u8 vector);
	/* Stop the VM (guest crash notification) with a vmm/status.h status. */
	void (*request_stop)(void *ctx, int status, const char *why);
	/* CPU time the calling VP's thread has used, in ns (VP_RUNTIME). */
	u64 (*vp_runtime_ns)(void *ctx, void *vcpu);
	/* Flush the guest TLB of VP vp_index (VTL vtl) before returning (PV flush). */
	int (*flush_tlb)(void *ctx, u8 vtl, u32 vp_index);
	/* Watch a timerfd in the event loop; fn(arg) runs there when it fires. */
	int (*watch_timer)(void *ctx, int fd, void (*fn)(void *arg), void *arg);
	/*
	 * HV_X64_MSR_EOI/ICR/TPR of a VTL whose local APIC the VMM emulates
	 * (AccessIntrCtrlRegs): 0, or -EPERM for #GP.
	 */
	int (*apic_msr)(void *ctx, void *vcpu, u32 msr, u64 *val, bool write);
	/* XMM registers of the calling vCPU, first..first+n-1 (16 bytes each). */
	int (*get_xmm)(void *ctx, void *vcpu, u8 (*xmm)[16], unsigned int first, unsigned int n);
	int (*set_xmm)(void *ctx, void *vcpu, const u8 (*xmm)[16], unsigned int first,
		       unsigned int n);
};

struct hv_host {
	const struct hv_host_ops *ops;
	void *ctx;
	const struct gmem *mem;
};

/* ---- Configuration ---------------------------------------------------------------------------- */

/* One VMM-owned connection (TLFS "Inter-Partition Communication", connection IDs). */
enum hv_connection_kind {
	HV_CONNECTION_MESSAGE,	/* HvCallPostMessage -> the target's SINT message slot */
	HV_CONNECTION_EVENT,	/* HvCallSignalEvent -> a flag in the target's SINT event page */
};

struct hv_connection {
	u32 id;
	enum hv_connection_kind kind;
	u8 vtl;
	u32 vp;
	u8 sint;
	u16 flag_base;		/* events: the flag number signalled is flag_base + flag */
};

struct hv_hcall_desc;

/* A family of hypercalls registered from outside hv/ (vtl/vsm.c), sorted by code. */
struct hv_hcall_family {
	const struct hv_hcall_desc *table;
	unsigned int count;
};

/*
 * Registers HvCallGet/SetVpRegisters reaches beyond the synthetic ones hv/
 * knows (the VSM and architectural registers, vtl/vsm_regs.c). Each returns
 * an HV status; HV_STATUS_UNKNOWN_REGISTER_NAME for a name it does not hold.
 */
struct hv_reg_ext {
	hv_status_t (*get)(struct hv_vp *caller, u8 target_vtl, u32 name,
			   union hv_register_value *v);
	hv_status_t (*set)(struct hv_vp *caller, u8 target_vtl, u32 name,
			   const union hv_register_value *v);
};

struct hv_config {
	u32 nr_vps;
	bool flush_hint;	/* advertise HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED */
	bool vsm;		/* grant the VSM privileges (TLFS "Virtual Secure Mode") */
	u8 max_vtl;		/* the highest VTL the partition may enable (vsm) */
	struct hv_hcall_family extra_hcalls;
	const struct hv_reg_ext *reg_ext;	/* NULL: synthetic registers only */
	/* Masks over what vtlvm implements: a bit can be withheld, never added. */
	u64 privilege_mask;
	u32 feature_mask, hint_mask;
	struct hv_connection connections[HV_MAX_CONNECTIONS];
	unsigned int nr_connections;
};

/* ---- Reference time (hv/reftime.c) ------------------------------------------------------------ */

/*
 * One partition timeline in 100 ns units, derived from CLOCK_MONOTONIC and
 * tied to the guest TSC by one calibration sample, so that TIME_REF_COUNT,
 * the reference TSC page and the synthetic timers agree (TLFS "Timers").
 */
struct hv_reftime {
	u64 mono0_ns;		/* CLOCK_MONOTONIC at calibration */
	u64 tsc0;		/* guest TSC at calibration */
	u64 tsc_hz;
	u64 tsc_scale;		/* 64.64 fixed point: 100 ns ticks per TSC tick */
	s64 tsc_offset;		/* reference time at guest TSC 0 */
};

/* ---- SynIC and synthetic timers (hv/synic.c, hv/stimer.c) ---------------------------------------- */

struct hv_sint_queue {
	struct hv_message msg[HV_SINT_QUEUE_LEN];
	unsigned int head, count;
};

struct hv_synic {
	u64 scontrol, simp, siefp;
	u64 sint[HV_SYNIC_SINT_COUNT];
	struct hv_sint_queue queue[HV_SYNIC_SINT_COUNT];
};

struct hv_stimer {
	struct hv_vp *vp;
	unsigned int index;
	u64 config, count;
	int fd;			/* timerfd, armed while the timer runs */
	u64 expiration;		/* reference time of the next expiry */
	bool pending;		/* expired, message not delivered yet (slot busy) */
};

struct hv_vp {
	struct hv *hv;
	u8 vtl;
	u32 index;		/* VP index = APIC ID */
	void *vcpu;		/* the VMM's vCPU, for struct hv_host calls */
	pthread_mutex_t lock;	/* synic and stimer */
	u64 vp_assist;
	void *hcall_ctx;	/* struct hv_hcall_ctx scratch, used on the VP's thread only */
	struct hv_synic synic;
	struct hv_stimer stimer[HV_SYNIC_STIMER_COUNT];
};

struct hv_vtl {
	u8 vtl;
	u64 privileges;		/* what this VTL is granted (CPUID 0x40000003 EAX:EBX in its VM) */
	u64 guest_os_id;
	u64 hypercall;
	u64 reference_tsc;
	u8 hypercall_saved[HV_PAGE_SIZE];	/* the RAM under the hypercall page overlay */
	struct hv_vp **vps;			/* nr_vps entries */
};

struct hv {
	struct hv_host host;
	struct hv_config cfg;
	pthread_mutex_t lock;
	u64 privileges;		/* HV_ACCESS_* mask of VTL0, CPUID 0x40000003 EAX:EBX */
	u32 features;		/* CPUID 0x40000003 EDX */
	u32 hints;		/* CPUID 0x40000004 EAX */
	struct hv_reftime ref;
	u64 crash_p[HV_X64_MSR_CRASH_PARAMS];
	struct hv_vtl *vtl[HV_MAX_VTL];
	const struct hv_hcall_desc **hcalls;	/* merged, sorted by code */
	unsigned int nr_hcalls;
	void *vsm;		/* vtl/'s partition state (struct vsm), opaque here */
};

/* ---- Life cycle (hv/hv.c) ---------------------------------------------------------------------- */

/* Create the partition's Hyper-V state with VTL0 and its VPs; -errno. */
int hv_create(const struct hv_host *host, const struct hv_config *cfg, struct hv **out) __must_check;
void hv_destroy(struct hv *hv);
/* Tie VP index of VTL vtl to the VMM's vCPU (for struct hv_host callbacks). */
struct hv_vp *hv_vp_get(struct hv *hv, u8 vtl, u32 index);
/*
 * Create the per-VTL state of VTL vtl (1..cfg.max_vtl) and its VPs, which
 * start with their SynIC and timers reset; -EEXIST if it exists.
 */
int hv_vtl_enable(struct hv *hv, u8 vtl) __must_check;
/* What VTL vtl is granted: VTL0's privileges, plus AccessIntrCtrlRegs above VTL0. */
u64 hv_vtl_privileges(const struct hv *hv, u8 vtl);
/*
 * Tie the reference time to the guest TSC: guest_tsc was read at CLOCK_MONOTONIC
 * mono_ns, and the TSC runs at tsc_hz (hv/reftime.h).
 */
void hv_reftime_calibrate(struct hv *hv, u64 tsc_hz, u64 guest_tsc, u64 mono_ns);

/* ---- Guest memory for hypercalls and overlays (hv/hv.c) ---------------------------------------- */

/*
 * Every guest-memory access made on behalf of a VTL goes through these, so
 * that per-VTL protections can be applied in one place. -EFAULT if the range
 * is not RAM.
 */
int hv_gpa_read(struct hv *hv, u8 vtl, gpa_t gpa, void *buf, size_t len) __must_check;
int hv_gpa_write(struct hv *hv, u8 vtl, gpa_t gpa, const void *buf, size_t len) __must_check;
/* Host address of a whole page for overlays (SIMP, SIEFP, TSC page); NULL if not RAM. */
void *hv_gpa_page(struct hv *hv, u8 vtl, gpa_t gpa);

/* ---- CPUID (hv/cpuid.c) ------------------------------------------------------------------------ */

#define HV_CPUID_NR_LEAVES	(HYPERV_CPUID_NESTED_FEATURES - HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS + 1)

struct hv_cpuid_leaf {
	u32 function, eax, ebx, ecx, edx;
};

/* The leaves 0x40000000-0x4000000A this partition shows VTL vtl, in order. */
void hv_cpuid_leaves(const struct hv *hv, u8 vtl, struct hv_cpuid_leaf out[HV_CPUID_NR_LEAVES]);

/* ---- Synthetic MSRs (hv/msr.c) ------------------------------------------------------------------ */

/*
 * Read or write a synthetic MSR for vp. 0: done. -EPERM: inject #GP (reserved
 * bits, read-only MSR, privilege not granted, bad page). -ENOENT: not an MSR
 * this partition has (the caller injects #GP too, and may log it).
 */
int hv_msr_read(struct hv_vp *vp, u32 index, u64 *val) __must_check;
int hv_msr_write(struct hv_vp *vp, u32 index, u64 val) __must_check;
/* Is MSR index one this partition has and is granted? */
bool hv_msr_granted(struct hv_vp *vp, u32 index);
bool hv_msr_is_synthetic(u32 index);

#endif /* VTLVM_HV_H */
