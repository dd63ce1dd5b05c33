// SPDX-License-Identifier: MIT
/*
 * Every synthetic MSR of hv/msr.c, and the ones vtlvm never grants, as a
 * table in the style of the KVM selftests' hyperv_features.c. Each row names
 * the privilege (CPUID 0x40000003 EAX:EBX) and feature (EDX) bits that grant
 * it; the guest reads CPUID and expects, for a granted row, the TLFS
 * behaviour in the row, and #GP on every access otherwise. Rows run in
 * order and build on each other (the hypercall page needs the OS ID first).
 *
 * Stages: 1 privileges, 2 features, 3 rows, 4 granted rows, 5 accesses that
 * raised #GP, 6 (2 vCPUs) VP_INDEX read on the AP, ~1 if it faulted.
 */
#include "hv.h"

/* Pages of the "free for the guest" window 0x8000-0xffff (mem/layout.h), clear of smp.S. */
#define HC_PAGE		0xc000ULL	/* hypercall page */
#define TSC_PAGE	0xd000ULL	/* reference TSC page */
#define MSG_PAGE	0xe000ULL	/* SIMP */
#define EVT_PAGE	0xf000ULL	/* SIEFP */
#define RSVD		0xfff		/* enable and RsvdP bits 11:1 */
#define RSVD_HC		0xffd		/* enable and RsvdP bits 11:2 */
#define NO_RAM		(1ULL << 36)	/* 64 GiB: far above the test guests' RAM */

/* Grants, CPUID 0x40000003 EAX:EBX. */
#define P_HC		HV_ACCESS_HYPERCALL_MSRS
#define P_VPI		HV_ACCESS_VP_INDEX
#define P_RUN		HV_ACCESS_VP_RUNTIME_REG
#define P_REF		HV_ACCESS_PARTITION_REFERENCE_COUNTER
#define P_TSC		HV_ACCESS_PARTITION_REFERENCE_TSC
#define P_FRQ		HV_ACCESS_FREQUENCY_REGS
#define P_SYN		HV_ACCESS_SYNIC_REGS
#define P_TMR		HV_ACCESS_SYNTHETIC_TIMER_REGS
#define P_APIC		HV_ACCESS_INTR_CTRL_REGS
#define P_RESET		HV_ACCESS_RESET_REG
#define P_IDLE		HV_ACCESS_GUEST_IDLE_REG
#define P_REENL		HV_ACCESS_REENLIGHTENMENT_CONTROLS
#define P_TSCI		HV_ACCESS_TSC_INVARIANT_CONTROLS
#define NEVER		BIT(63)		/* no TLFS privilege: root partition only */
/* Grants, CPUID 0x40000003 EDX. */
#define F_CRASH		HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE
#define F_DIRECT	HV_STIMER_DIRECT_MODE_AVAILABLE
#define F_DBG		HV_FEATURE_DEBUG_MSRS_AVAILABLE
#define F_FRQ		HV_FEATURE_FREQUENCY_MSRS_AVAILABLE

#define GP		GP_VECTOR
#define OS_ID		HV_LINUX_GUEST_ID
#define M(name)		HV_X64_MSR_##name
#define HV_X64_MSR_REENLIGHTENMENT_CTL HV_X64_MSR_REENLIGHTENMENT_CONTROL
#define MASKED		HV_SYNIC_SINT_MASKED
#define AEOI		HV_SYNIC_SINT_AUTO_EOI
#define DIRECT(vec)	(HV_STIMER_DIRECT_MODE | ((u64)(vec) << HV_STIMER_APIC_VECTOR_SHIFT))
#define SINT2		(2ULL << HV_STIMER_SINTX_SHIFT)
#define PERIODIC	HV_STIMER_PERIODIC
#define CRASH_CAPS	(HV_CRASH_CTL_CRASH_NOTIFY | HV_CRASH_CTL_CRASH_NOTIFY_MSG)

enum op { RD, WR, WR_RD };

struct msr_row {
	u32 msr;
	enum op op;
	u64 value;		/* what WR and WR_RD write */
	u64 priv;		/* privileges that grant the row, all needed */
	u32 feat;		/* features that grant the row, all needed */
	u8 vector;		/* granted: the write's (WR, WR_RD) or read's (RD) vector */
	u64 expect;		/* granted: what RD and WR_RD read; DYNAMIC: see judges[] */
};

#define DYNAMIC		0xd1a3a1c0ffee0000ULL	/* the MSR's judge decides */

static const struct msr_row rows[] = {
	/* msr                       op     value              priv     feat      vec  expect */
	/* TLFS "Establishing the Hypercall Interface": no OS ID, no page; RsvdP; lock. */
	{ M(GUEST_OS_ID),           WR_RD, 0,                 P_HC,    0,        0,  0 },
	{ M(HYPERCALL),             WR_RD, HC_PAGE | 1,       P_HC,    0,        0,  HC_PAGE },
	{ M(GUEST_OS_ID),           WR_RD, OS_ID,             P_HC,    0,        0,  OS_ID },
	{ M(HYPERCALL),             WR_RD, HC_PAGE | RSVD_HC, P_HC,    0,        0,  HC_PAGE | 1 },
	{ M(HYPERCALL),             RD,    0,                 P_HC,    0,        0,  DYNAMIC },
	{ M(HYPERCALL),             WR_RD, NO_RAM | 1,        P_HC,    0,        GP, HC_PAGE | 1 },
	{ M(GUEST_OS_ID),           WR_RD, 0,                 P_HC,    0,        0,  0 },
	{ M(HYPERCALL),             RD,    0,                 P_HC,    0,        0,  HC_PAGE },
	{ M(GUEST_OS_ID),           WR_RD, OS_ID,             P_HC,    0,        0,  OS_ID },
	{ M(HYPERCALL),             WR_RD, HC_PAGE | 3,       P_HC,    0,        0,  HC_PAGE | 3 },
	{ M(HYPERCALL),             WR_RD, 0,                 P_HC,    0,        GP, HC_PAGE | 3 },
	/* Read-only registers (TLFS "Virtual Processor Index", "Partition Reference Counter"). */
	{ M(VP_INDEX),              RD,    0,                 P_VPI,   0,        0,  DYNAMIC },
	{ M(VP_INDEX),              WR,    0,                 P_VPI,   0,        GP, 0 },
	{ M(VP_RUNTIME),            RD,    0,                 P_RUN,   0,        0,  DYNAMIC },
	{ M(VP_RUNTIME),            WR,    0,                 P_RUN,   0,        GP, 0 },
	{ M(TIME_REF_COUNT),        RD,    0,                 P_REF,   0,        0,  DYNAMIC },
	{ M(TIME_REF_COUNT),        WR,    0,                 P_REF,   0,        GP, 0 },
	{ M(TSC_FREQUENCY),         RD,    0,                 P_FRQ,   F_FRQ,    0,  DYNAMIC },
	{ M(TSC_FREQUENCY),         WR,    0,                 P_FRQ,   F_FRQ,    GP, 0 },
	{ M(APIC_FREQUENCY),        RD,    0,                 P_FRQ,   F_FRQ,    0,  1000000000 },
	{ M(APIC_FREQUENCY),        WR,    0,                 P_FRQ,   F_FRQ,    GP, 0 },
	/* Reference TSC page (TLFS "Partition Reference Time Enlightenment"). */
	{ M(REFERENCE_TSC),         RD,    0,                 P_TSC,   0,        0,  0 },
	{ M(REFERENCE_TSC),         WR_RD, TSC_PAGE | RSVD,   P_TSC,   0,        0,  TSC_PAGE | 1 },
	{ M(REFERENCE_TSC),         RD,    0,                 P_TSC,   0,        0,  DYNAMIC },
	{ M(REFERENCE_TSC),         WR_RD, NO_RAM | 1,        P_TSC,   0,        GP, TSC_PAGE | 1 },
	{ M(REFERENCE_TSC),         WR_RD, 0,                 P_TSC,   0,        0,  0 },
	/* SynIC (TLFS "SynIC MSRs"): RsvdP bits, pages in RAM, SINT vectors 16-255, no AutoEOI. */
	{ M(SCONTROL),              RD,    0,                 P_SYN,   0,        0,  0 },
	{ M(SCONTROL),              WR_RD, ~0ULL,             P_SYN,   0,        0,  1 },
	{ M(SVERSION),              RD,    0,                 P_SYN,   0,        0,  1 },
	{ M(SVERSION),              WR,    0,                 P_SYN,   0,        GP, 0 },
	{ M(SIEFP),                 WR_RD, EVT_PAGE | RSVD,   P_SYN,   0,        0,  EVT_PAGE | 1 },
	{ M(SIEFP),                 WR_RD, NO_RAM | 1,        P_SYN,   0,        GP, EVT_PAGE | 1 },
	{ M(SIMP),                  WR_RD, MSG_PAGE | RSVD,   P_SYN,   0,        0,  MSG_PAGE | 1 },
	{ M(SIMP),                  WR_RD, NO_RAM | 1,        P_SYN,   0,        GP, MSG_PAGE | 1 },
	{ M(SIMP),                  WR_RD, 0,                 P_SYN,   0,        0,  0 },
	{ M(EOM),                   WR_RD, 0,                 P_SYN,   0,        0,  0 },
	{ M(SINT0),                 RD,    0,                 P_SYN,   0,        0,  MASKED },
	{ M(SINT15),                RD,    0,                 P_SYN,   0,        0,  MASKED },
	{ M(SINT0),                 WR_RD, 0x30,              P_SYN,   0,        0,  0x30 },
	{ M(SINT(1)),               WR_RD, 0x0f,              P_SYN,   0,        GP, MASKED },
	{ M(SINT(1)),               WR_RD, MASKED | 0x0f,     P_SYN,   0,        0,  MASKED | 15 },
	{ M(SINT(2)),               WR_RD, AEOI | 0x31,       P_SYN,   0,        GP, MASKED },
	{ M(SINT(3)),               WR_RD, BIT(8) | 0x32,     P_SYN,   0,        GP, MASKED },
	{ M(SINT15),                WR_RD, BIT(21) | 0x33,    P_SYN,   0,        GP, MASKED },
	{ M(SINT15),                WR_RD, 0xff,              P_SYN,   0,        0,  0xff },
	/* Synthetic timers (TLFS "Synthetic Timer MSRs"): reserved bits, direct mode. */
	{ M(STIMER0_CONFIG),        RD,    0,                 P_TMR,   0,        0,  0 },
	{ M(STIMER0_COUNT),         RD,    0,                 P_TMR,   0,        0,  0 },
	{ M(STIMER0_CONFIG),        WR_RD, BIT(13),           P_TMR,   0,        GP, 0 },
	{ M(STIMER0_CONFIG),        WR_RD, BIT(20) | SINT2,   P_TMR,   0,        GP, 0 },
	{ M(STIMER0_CONFIG),        WR,    DIRECT(0x0f),      P_TMR,   F_DIRECT, GP, 0 },
	{ M(STIMER0_CONFIG),        WR,    DIRECT(0x40),      P_TMR,   F_DIRECT, 0,  0 },
	{ M(STIMER0_CONFIG),        RD,    0,                 P_TMR,   0,        0,  DYNAMIC },
	{ M(STIMER1_CONFIG),        WR_RD, 1,                 P_TMR,   0,        0,  0 },
	{ M(STIMER3_CONFIG),        WR_RD, SINT2 | PERIODIC,  P_TMR,   0,        0,  SINT2 | 2 },
	{ M(STIMER3_COUNT),         WR_RD, 12345,             P_TMR,   0,        0,  12345 },
	/* Crash registers (TLFS "Partition Crash Enlightenment"); CTL without notify. */
	{ M(CRASH_P0),              WR_RD, 0x1111,            0,       F_CRASH,  0,  0x1111 },
	{ M(CRASH_P1),              WR_RD, ~0ULL,             0,       F_CRASH,  0,  ~0ULL },
	{ M(CRASH_P2),              WR_RD, 0x2222,            0,       F_CRASH,  0,  0x2222 },
	{ M(CRASH_P3),              WR_RD, 0x3333,            0,       F_CRASH,  0,  0x3333 },
	{ M(CRASH_P4),              WR_RD, 0x4444,            0,       F_CRASH,  0,  0x4444 },
	{ M(CRASH_P0),              RD,    0,                 0,       F_CRASH,  0,  0x1111 },
	{ M(CRASH_CTL),             RD,    0,                 0,       F_CRASH,  0,  CRASH_CAPS },
	{ M(CRASH_CTL),             WR,    0,                 0,       F_CRASH,  0,  0 },
	{ M(CRASH_CTL),             WR,    BIT(0),            0,       F_CRASH,  GP, 0 },
	/* Never granted: what a grant would read (reset values), to fail if one appears. */
	{ M(RESET),                 RD,    0,                 P_RESET, 0,        0,  0 },
	{ M(VP_ASSIST_PAGE),        RD,    0,                 P_APIC,  0,        0,  0 },
	{ M(VP_ASSIST_PAGE),        WR,    0,                 P_APIC,  0,        0,  0 },
	{ M(EOI),                   WR,    0,                 P_APIC,  0,        0,  0 },
	{ M(ICR),                   RD,    0,                 P_APIC,  0,        0,  0 },
	{ M(TPR),                   RD,    0,                 P_APIC,  0,        0,  0 },
	{ M(GUEST_IDLE),            RD,    0,                 P_IDLE,  0,        0,  0 },
	{ M(SYNDBG_CONTROL),        RD,    0,                 0,       F_DBG,    0,  0 },
	{ M(SYNDBG_OPTIONS),        WR,    0,                 0,       F_DBG,    0,  0 },
	{ M(REENLIGHTENMENT_CTL),   RD,    0,                 P_REENL, 0,        0,  0 },
	{ M(TSC_EMULATION_STATUS),  WR,    0,                 P_REENL, 0,        0,  0 },
	{ M(TSC_INVARIANT_CONTROL), RD,    0,                 P_TSCI,  0,        0,  0 },
	{ M(NPIEP_CONFIG),          RD,    0,                 NEVER,   0,        0,  0 },
	{ M(SIRBP),                 RD,    0,                 NEVER,   0,        0,  0 },
};

static struct hv_cpuid hv;

static u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

static bool granted(u64 priv, u32 feat)
{
	return (hv.privileges & priv) == priv && (hv.features & feat) == feat;
}

static bool is_apic_id(u64 v)
{
	return v == apic_id();
}

static bool advances(u64 v)
{
	u64 later;

	for (int i = 0; i < 200; i++)
		cpu_relax();
	later = rdmsr(HV_X64_MSR_VP_RUNTIME);
	__GUEST_ASSERT(later > v, "VP_RUNTIME %llu, then %llu", (unsigned long long)v,
		       (unsigned long long)later);
	return true;
}

/* Direct mode is #GP where CPUID does not offer it (the write above). */
static bool direct_if_offered(u64 v)
{
	return v == (granted(0, F_DIRECT) ? DIRECT(0x40) : 0);
}

/* One reading of the reference counter, bracketed by the TSC. */
struct ref_sample {
	u64 tsc_before, ref, tsc_after;
};

static struct ref_sample ref_sample(void)
{
	struct ref_sample s;

	s.tsc_before = rdtsc();
	s.ref = rdmsr(HV_X64_MSR_TIME_REF_COUNT);
	s.tsc_after = rdtsc();
	return s;
}

/*
 * TIME_REF_COUNT counts 100 ns ticks: over 20 ms of TSC (at TSC_FREQUENCY)
 * it must advance by the same time, within 2% plus the time the two reads
 * took (each is an exit to the VMM).
 */
static bool at_10mhz(u64 v)
{
	struct ref_sample a, b;
	u64 hz, dt, want, slack, got;

	if (!granted(P_FRQ, F_FRQ))
		return rdmsr(HV_X64_MSR_TIME_REF_COUNT) > v;
	hz = rdmsr(HV_X64_MSR_TSC_FREQUENCY);
	a = ref_sample();
	while (rdtsc() - a.tsc_after < hz / 50)
		cpu_relax();
	b = ref_sample();
	dt = (b.tsc_before + b.tsc_after) / 2 - (a.tsc_before + a.tsc_after) / 2;
	want = dt * (HV_CLOCK_HZ / 1000) / (hz / 1000);
	slack = want / 50 + ((a.tsc_after - a.tsc_before) + (b.tsc_after - b.tsc_before)) *
		(HV_CLOCK_HZ / 1000) / (hz / 1000);
	got = b.ref - a.ref;
	__GUEST_ASSERT(got + slack >= want && got <= want + slack,
		       "TIME_REF_COUNT advanced %llu ticks over %llu TSC cycles at %llu Hz: want "
		       "%llu +- %llu", (unsigned long long)got, (unsigned long long)dt,
		       (unsigned long long)hz, (unsigned long long)want,
		       (unsigned long long)slack);
	return true;
}

static bool plausible_hz(u64 v)
{
	return v >= 100000000ULL && v <= 10000000000ULL;	/* 100 MHz - 10 GHz */
}

/* Enabled, and the page starts with the stub's pushf (hv/hcall_page.h; hv_stub.c has it all). */
static bool stub_in_page(u64 v)
{
	return v == (HC_PAGE | 1) && *(volatile u8 *)HC_PAGE == 0x9c;
}

/* The page's time, ((tsc * scale) >> 64) + offset, between two reads of the counter. */
static bool tsc_page_ok(u64 v)
{
	const volatile struct hv_reference_tsc_page *p = (const void *)TSC_PAGE;
	u64 before, now, after, slack;
	u32 seq = p->tsc_sequence;

	if (v != (TSC_PAGE | 1))
		return false;
	__GUEST_ASSERT(seq != 0 && seq != 0xffffffff, "TSC page sequence %#x", seq);
	if (!granted(P_REF, 0))
		return true;
	before = rdmsr(HV_X64_MSR_TIME_REF_COUNT);
	now = (u64)(((unsigned __int128)rdtsc() * p->tsc_scale) >> 64) + p->tsc_offset;
	after = rdmsr(HV_X64_MSR_TIME_REF_COUNT);
	slack = 10000 + before / 100;	/* 1 ms, plus 1% for the TSC's calibration */
	__GUEST_ASSERT(now + slack >= before && now <= after + slack,
		       "TSC page time %llu, TIME_REF_COUNT %llu..%llu", (unsigned long long)now,
		       (unsigned long long)before, (unsigned long long)after);
	return true;
}

/* How the DYNAMIC rows judge the value read. */
static const struct {
	u32 msr;
	bool (*judge)(u64 val);
} judges[] = {
	{ HV_X64_MSR_HYPERCALL,		stub_in_page },
	{ HV_X64_MSR_VP_INDEX,		is_apic_id },
	{ HV_X64_MSR_VP_RUNTIME,	advances },
	{ HV_X64_MSR_TIME_REF_COUNT,	at_10mhz },
	{ HV_X64_MSR_TSC_FREQUENCY,	plausible_hz },
	{ HV_X64_MSR_REFERENCE_TSC,	tsc_page_ok },
	{ HV_X64_MSR_STIMER0_CONFIG,	direct_if_offered },
};

static bool judge(u32 msr, u64 val)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(judges); i++)
		if (judges[i].msr == msr)
			return judges[i].judge(val);
	__GUEST_ASSERT(false, "no judge for msr %#x", msr);
}

static u32 nr_gp;

static u8 msr_access(const struct msr_row *r, bool write, u64 *val)
{
	u8 vec = write ? wrmsr_safe(r->msr, r->value) : rdmsr_safe(r->msr, val);

	nr_gp += vec == GP_VECTOR;
	return vec;
}

static void run_row(unsigned int i)
{
	const struct msr_row *r = &rows[i];
	bool ok = granted(r->priv, r->feat);
	u64 val = 0;
	u8 vec;

	if (r->op != RD) {
		vec = msr_access(r, true, NULL);
		__GUEST_ASSERT(vec == (ok ? r->vector : GP_VECTOR),
			       "row %u: wrmsr %#x, %#llx: vector %u, want %u (%s)", i, r->msr,
			       (unsigned long long)r->value, vec, ok ? r->vector : GP_VECTOR,
			       ok ? "granted" : "withheld");
		if (r->op == WR)
			return;
	}
	vec = msr_access(r, false, &val);
	__GUEST_ASSERT(vec == (!ok ? GP_VECTOR : r->op == RD ? r->vector : 0),
		       "row %u: rdmsr %#x: vector %u (%s)", i, r->msr, vec,
		       ok ? "granted" : "withheld");
	if (!ok)
		return;
	if (r->expect == DYNAMIC)
		__GUEST_ASSERT(judge(r->msr, val), "row %u: rdmsr %#x: %#llx fails its check", i,
			       r->msr, (unsigned long long)val);
	else
		__GUEST_ASSERT(val == r->expect, "row %u: rdmsr %#x: %#llx, want %#llx", i,
			       r->msr, (unsigned long long)val, (unsigned long long)r->expect);
}

/* The AP's view of VP_INDEX: ~0 until it reports, then the value or ~1 (#GP). */
static volatile u64 ap_vp_index = ~0ULL;

static void ap_main(u32 id)
{
	u64 v;

	(void)id;
	ap_vp_index = rdmsr_safe(HV_X64_MSR_VP_INDEX, &v) ? ~1ULL : v;
}

void guest_main(void)
{
	u32 nr_granted = 0;

	GUEST_ASSERT(hv_detect(&hv));
	GUEST_SYNC_VAL(1, hv.privileges);
	GUEST_SYNC_VAL(2, hv.features);
	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++) {
		nr_granted += granted(rows[i].priv, rows[i].feat);
		run_row(i);
	}
	GUEST_SYNC_VAL(3, ARRAY_SIZE(rows));
	GUEST_SYNC_VAL(4, nr_granted);
	GUEST_SYNC_VAL(5, nr_gp);
	if (bootinfo_nr_cpus() < 2)
		return;
	smp_start_aps(ap_main);
	for (u64 spins = 0; ap_vp_index == ~0ULL; spins++)
		__GUEST_ASSERT(spins < 10000000, "the AP never reported");
	GUEST_SYNC_VAL(6, ap_vp_index);
}
