/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/fake_hv.h -- what an hv/ unit test gives hv/ in place of the
 * VMM: a struct hv_host whose ops record what hv/ asks for, guest RAM in a
 * calloc'ed buffer behind a struct gmem with a real layout, and a struct hv
 * built over them.
 *
 * Recorded: every interrupt (vtl, vp, vector), stop request (status) and
 * TLB flush (vtl, vp), in call order; every watched timerfd with its fn/arg
 * so that a test can fire a timer the way the event loop does. Each VP's
 * vcpu pointer is &fake->vcpu[i], so get_xmm/set_xmm find the VP's fake
 * XMM registers, which a test reads and writes directly.
 *
 * Configurations start with every privilege, feature and hint mask bit set;
 * a test narrows them. Logging is off unless a test turns it back on.
 */
#ifndef VTLVM_FAKE_HV_H
#define VTLVM_FAKE_HV_H

#include <stdlib.h>
#include <string.h>

#include "hv/hcall.h"
#include "hv/hv.h"
#include "hv/reftime.h"
#include "mem/gmem.h"
#include "mem/layout.h"
#include "vmm/log.h"

#define FAKE_HV_RAM		(16 * MiB)
#define FAKE_HV_MAX_VPS		72
#define FAKE_HV_MAX_EVENTS	256
#define FAKE_HV_MAX_TIMERS	(FAKE_HV_MAX_VPS * HV_SYNIC_STIMER_COUNT)
#define FAKE_HV_XMM		16

/* Pages the tests use by convention: all RAM, none VMM-owned in a real layout. */
#define FAKE_HCALL_PAGE		0x00800000ULL
#define FAKE_IN_GPA		0x00801000ULL
#define FAKE_OUT_GPA		0x00802000ULL
#define FAKE_SIMP_GPA		0x00803000ULL
#define FAKE_SIEFP_GPA		0x00804000ULL
#define FAKE_PAGE_GPA		0x00805000ULL	/* anything else */
#define FAKE_GUEST_OS_ID	0x8100000000000000ULL	/* open source, Linux */

struct fake_irq {
	u8 vtl;
	u32 vp;
	u8 vector;
};

struct fake_flush {
	u8 vtl;
	u32 vp;
};

struct fake_timer {
	int fd;
	void (*fn)(void *arg);
	void *arg;
};

struct fake_vcpu {
	u32 index;
};

struct fake_hv {
	struct gmem mem;
	struct hv *hv;
	u64 apic_icr, apic_tpr;
	unsigned int apic_eois;
	struct fake_irq irqs[FAKE_HV_MAX_EVENTS];
	unsigned int nr_irqs;
	struct fake_flush flushes[FAKE_HV_MAX_EVENTS];
	unsigned int nr_flushes;
	int flush_ret;			/* what flush_tlb returns */
	unsigned int nr_stops;
	int stop_status;		/* of the last request */
	struct fake_timer timers[FAKE_HV_MAX_TIMERS];
	unsigned int nr_timers;
	u64 runtime_ns;			/* what vp_runtime_ns returns */
	struct fake_vcpu vcpu[FAKE_HV_MAX_VPS];
	u8 xmm[FAKE_HV_MAX_VPS][FAKE_HV_XMM][16];
	unsigned int nr_set_xmm;
};

static inline int fake_hv_interrupt(void *ctx, u8 vtl, u32 vp, u8 vector)
{
	struct fake_hv *f = ctx;

	if (f->nr_irqs < FAKE_HV_MAX_EVENTS)
		f->irqs[f->nr_irqs] = (struct fake_irq) { vtl, vp, vector };
	f->nr_irqs++;
	return 0;
}

static inline void fake_hv_request_stop(void *ctx, int status, const char *why)
{
	struct fake_hv *f = ctx;

	(void)why;
	f->nr_stops++;
	f->stop_status = status;
}

static inline u64 fake_hv_runtime(void *ctx, void *vcpu)
{
	(void)vcpu;
	return ((struct fake_hv *)ctx)->runtime_ns;
}

static inline int fake_hv_flush_tlb(void *ctx, u8 vtl, u32 vp)
{
	struct fake_hv *f = ctx;

	if (f->nr_flushes < FAKE_HV_MAX_EVENTS)
		f->flushes[f->nr_flushes] = (struct fake_flush) { vtl, vp };
	f->nr_flushes++;
	return f->flush_ret;
}

static inline int fake_hv_watch_timer(void *ctx, int fd, void (*fn)(void *arg), void *arg)
{
	struct fake_hv *f = ctx;

	if (f->nr_timers == FAKE_HV_MAX_TIMERS)
		return -1;
	f->timers[f->nr_timers++] = (struct fake_timer) { fd, fn, arg };
	return 0;
}

static inline u8 (*fake_hv_xmm_of(struct fake_hv *f, void *vcpu))[16]
{
	return f->xmm[((struct fake_vcpu *)vcpu)->index];
}

/* HV_X64_MSR_EOI/ICR/TPR: the fake APIC keeps the last ICR and TPR. */
static inline int fake_hv_apic_msr(void *ctx, void *vcpu, u32 msr, u64 *val, bool write)
{
	struct fake_hv *f = ctx;

	(void)vcpu;
	if (msr == HV_X64_MSR_ICR)
		write ? (void)(f->apic_icr = *val) : (void)(*val = f->apic_icr);
	else if (msr == HV_X64_MSR_TPR)
		write ? (void)(f->apic_tpr = *val) : (void)(*val = f->apic_tpr);
	else if (msr == HV_X64_MSR_EOI)
		f->apic_eois++;
	return 0;
}

static inline int fake_hv_get_xmm(void *ctx, void *vcpu, u8 (*xmm)[16], unsigned int first,
				  unsigned int n)
{
	if (first + n > FAKE_HV_XMM)
		return -1;
	memcpy(xmm, fake_hv_xmm_of(ctx, vcpu) + first, n * 16);
	return 0;
}

static inline int fake_hv_set_xmm(void *ctx, void *vcpu, const u8 (*xmm)[16], unsigned int first,
				  unsigned int n)
{
	if (first + n > FAKE_HV_XMM)
		return -1;
	memcpy(fake_hv_xmm_of(ctx, vcpu) + first, xmm, n * 16);
	((struct fake_hv *)ctx)->nr_set_xmm++;
	return 0;
}

static const struct hv_host_ops fake_hv_ops = {
	.interrupt = fake_hv_interrupt,
	.request_stop = fake_hv_request_stop,
	.vp_runtime_ns = fake_hv_runtime,
	.flush_tlb = fake_hv_flush_tlb,
	.watch_timer = fake_hv_watch_timer,
	.get_xmm = fake_hv_get_xmm,
	.set_xmm = fake_hv_set_xmm,
	.apic_msr = fake_hv_apic_msr,
};

/* A configuration with nr_vps VPs and nothing withheld. */
static inline struct hv_config fake_hv_config(u32 nr_vps)
{
	return (struct hv_config) {
		.nr_vps = nr_vps, .vsm = true, .max_vtl = 1,
		.privilege_mask = ~0ULL, .feature_mask = ~0U, .hint_mask = ~0U,
	};
}

/* Build struct hv over fake RAM for cfg; NULL on failure. */
static inline struct fake_hv *fake_hv_new_cfg(const struct hv_config *cfg)
{
	struct fake_hv *f = calloc(1, sizeof(*f));
	struct hv_host host = { .ops = &fake_hv_ops, .ctx = f };

	log_level = -1;
	if (!f || cfg->nr_vps > FAKE_HV_MAX_VPS || layout_init(&f->mem.layout, FAKE_HV_RAM))
		goto out_free;
	f->mem.fd = -1;
	f->mem.size = FAKE_HV_RAM;
	f->mem.base = calloc(1, FAKE_HV_RAM);
	if (!f->mem.base)
		goto out_free;
	host.mem = &f->mem;
	if (hv_create(&host, cfg, &f->hv))
		goto out_free_ram;
	for (u32 i = 0; i < cfg->nr_vps; i++) {
		f->vcpu[i].index = i;
		hv_vp_get(f->hv, 0, i)->vcpu = &f->vcpu[i];
	}
	return f;
out_free_ram:
	free(f->mem.base);
out_free:
	free(f);
	return NULL;
}

static inline struct fake_hv *fake_hv_new(u32 nr_vps)
{
	struct hv_config cfg = fake_hv_config(nr_vps);

	return fake_hv_new_cfg(&cfg);
}

static inline void fake_hv_free(struct fake_hv *f)
{
	if (!f)
		return;
	hv_destroy(f->hv);
	free(f->mem.base);
	free(f);
}

static inline struct hv_vp *fake_vp(struct fake_hv *f, u32 index)
{
	return hv_vp_get(f->hv, 0, index);
}

/* Host pointer to guest RAM at gpa (len bytes must be RAM). */
static inline void *fake_gpa(struct fake_hv *f, gpa_t gpa)
{
	return gmem_hva(&f->mem, gpa, 1);
}

/* Calibrate so that reference time "now" is about 10 s, on a 2.5 GHz TSC that read 0 then. */
static inline void fake_hv_calibrate(struct fake_hv *f)
{
	hv_reftime_calibrate(f->hv, 2500000000ULL, 0, monotonic_ns() - 10000000000ULL);
}

/* Guest OS identity and the hypercall page at FAKE_HCALL_PAGE; 0 or the MSR error. */
static inline int fake_hv_enable_hcalls(struct fake_hv *f)
{
	struct hv_vp *vp = fake_vp(f, 0);
	int ret = hv_msr_write(vp, HV_X64_MSR_GUEST_OS_ID, FAKE_GUEST_OS_ID);

	return ret ? ret : hv_msr_write(vp, HV_X64_MSR_HYPERCALL, FAKE_HCALL_PAGE | 1);
}

/* ---- Hypercall registers ----------------------------------------------------------------------- */

/* A 64-bit caller at CPL 0: control RCX, input RDX, output R8. */
static inline struct hv_hcall_regs fake_regs64(u64 control, u64 in, u64 out)
{
	return (struct hv_hcall_regs) {
		.rcx = control, .rdx = in, .r8 = out, .protected_mode = true, .long_mode = true,
	};
}

/* A 32-bit protected-mode caller: control EDX:EAX, input EBX:ECX, output EDI:ESI. */
static inline struct hv_hcall_regs fake_regs32(u64 control, u64 in, u64 out)
{
	return (struct hv_hcall_regs) {
		.rdx = control >> 32, .rax = (u32)control, .rbx = in >> 32, .rcx = (u32)in,
		.rdi = out >> 32, .rsi = (u32)out, .protected_mode = true,
	};
}

/* The result value as the caller sees it: RAX, or EDX:EAX. */
static inline u64 fake_result(const struct hv_hcall_regs *r)
{
	return r->long_mode ? r->rax : (r->rdx << 32) | (u32)r->rax;
}

/* The control word as the caller's registers now hold it (after a continuation). */
static inline u64 fake_control(const struct hv_hcall_regs *r)
{
	return r->long_mode ? r->rcx : (r->rdx << 32) | (u32)r->rax;
}

#define FAKE_VARHEAD(qwords)	((u64)(qwords) << HV_HYPERCALL_VARHEAD_OFFSET)

/* One memory-form call from vp (any VTL); returns the status, *reps gets the reps completed. */
static inline hv_status_t fake_hcall_on(struct hv_vp *vp, u64 control, u16 *reps)
{
	struct hv_hcall_regs r = fake_regs64(control, FAKE_IN_GPA, FAKE_OUT_GPA);

	if (hv_hypercall(vp, &r) != HV_HCALL_DONE)
		return 0xffff;
	if (reps)
		*reps = hv_hypercall_result_reps(r.rax);
	return hv_hypercall_result_status(r.rax);
}

/* The same from VTL0 of VP vp. */
static inline hv_status_t fake_hcall(struct fake_hv *f, u32 vp, u64 control, u16 *reps)
{
	return fake_hcall_on(fake_vp(f, vp), control, reps);
}

#endif /* VTLVM_FAKE_HV_H */
