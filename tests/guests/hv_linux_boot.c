// SPDX-License-Identifier: MIT
/*
 * What Linux does with Hyper-V at boot, in its order: detection
 * (arch/x86/kernel/cpu/mshyperv.c), the guest OS ID and the hypercall page
 * (arch/x86/hyperv/hv_init.c), VP_INDEX on every CPU, the reference TSC page
 * as clocksource (drivers/clocksource/hyperv_timer.c: read_hv_clock_tsc, with
 * the MSR fallback), stimer0 as a one-shot clockevent in direct mode, and
 * TSC_FREQUENCY for tsc_khz. Run with 2 vCPUs; one stage per step.
 */
#include "synic.h"

#define VEC_STIMER0	0xec		/* Linux's HYPERV_STIMER0_VECTOR */
#define WAIT_MS		2000
#define LATE_MS		100
#define NR_PAGE_READS	1000

static struct hv_reference_tsc_page tsc_page __attribute__((aligned(4096)));
static volatile u32 ap_vp_index = ~0u, ap_done;
static volatile u32 nr_ticks;
static volatile u64 tick_time;

static inline u64 rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (u64)hi << 32 | lo;
}

static u64 mul_u64_u64_shr64(u64 a, u64 b)
{
	return (u64)(((unsigned __int128)a * b) >> 64);
}

/* hv_read_tsc_page_tsc(): the TLFS loop; U64_MAX where the page says "use the MSR". */
static u64 read_tsc_page(void)
{
	u32 seq;
	u64 scale, tsc;
	s64 offset;

	do {
		seq = READ_ONCE(tsc_page.tsc_sequence);
		if (seq == HV_REFERENCE_TSC_SEQUENCE_INVALID)
			return ~0ULL;
		barrier();
		scale = READ_ONCE(tsc_page.tsc_scale);
		offset = READ_ONCE(tsc_page.tsc_offset);
		tsc = rdtsc();
		barrier();
	} while (READ_ONCE(tsc_page.tsc_sequence) != seq);
	return mul_u64_u64_shr64(tsc, scale) + offset;
}

/* read_hv_clock_tsc(): the page, or TIME_REF_COUNT when the page is invalid. */
static u64 read_hv_clock(void)
{
	u64 t = read_tsc_page();

	return t == ~0ULL ? hv_ref_time() : t;
}

/* ms_hyperv_platform() and hv_init()'s required privileges. */
static u64 detect(void)
{
	struct hv_cpuid c;

	GUEST_ASSERT(hv_detect(&c));
	GUEST_ASSERT(c.max_leaf >= HYPERV_CPUID_IMPLEMENT_LIMITS);
	GUEST_ASSERT(c.privileges & HV_ACCESS_HYPERCALL_MSRS);
	GUEST_ASSERT(c.privileges & HV_ACCESS_VP_INDEX);
	GUEST_ASSERT(c.privileges & HV_ACCESS_PARTITION_REFERENCE_COUNTER);
	GUEST_ASSERT(c.privileges & HV_ACCESS_PARTITION_REFERENCE_TSC);
	GUEST_ASSERT(c.privileges & HV_ACCESS_SYNTHETIC_TIMER_REGS);
	GUEST_ASSERT(c.privileges & HV_ACCESS_FREQUENCY_REGS);
	GUEST_ASSERT(c.features & HV_STIMER_DIRECT_MODE_AVAILABLE);
	GUEST_ASSERT_EQ(c.max_vps, bootinfo_nr_cpus());
	return c.max_leaf;
}

/* hv_init(): the OS ID first, then the hypercall page; a call through it answers. */
static u64 hypercall_page(void)
{
	hv_enable_hypercalls();
	GUEST_ASSERT(hv_hcall_page[0] != 0);
	GUEST_ASSERT_EQ(hv_status(hv_hypercall(0xfff0, 0, 0)), HV_STATUS_INVALID_HYPERCALL_CODE);
	return rdmsr(HV_X64_MSR_GUEST_OS_ID);
}

static void ap_main(u32 id)
{
	(void)id;
	ap_vp_index = rdmsr(HV_X64_MSR_VP_INDEX);
	WRITE_ONCE(ap_done, 1);
}

/* hv_cpu_init() on each CPU: VP_INDEX, read-only. Value: the indices seen, as a mask. */
static u64 vp_index(void)
{
	u64 v;

	GUEST_ASSERT_EQ(wrmsr_safe(HV_X64_MSR_VP_INDEX, 5), GP_VECTOR);
	GUEST_ASSERT_EQ(rdmsr_safe(HV_X64_MSR_VP_INDEX, &v), 0);
	smp_start_aps(ap_main);
	wait_count(&ap_done, 1, WAIT_MS, false);
	GUEST_ASSERT_EQ(ap_done, 1);
	return BIT(v) | BIT(ap_vp_index);
}

/*
 * The page agrees with TIME_REF_COUNT read around it (slack: the clocks come
 * from the TSC and CLOCK_MONOTONIC, which NTP may slew by a few ppm), is
 * monotonic, and a sequence of 0 sends the reader to the MSR.
 */
static u64 reference_tsc_page(void)
{
	const u64 slack = 1000;	/* 100 us */
	u64 before, t, after, prev, worst = 0;

	wrmsr(HV_X64_MSR_REFERENCE_TSC, (u64)&tsc_page | HV_X64_MSR_TSC_REFERENCE_ENABLE);
	GUEST_ASSERT(READ_ONCE(tsc_page.tsc_sequence) != HV_REFERENCE_TSC_SEQUENCE_INVALID);
	for (int i = 0; i < 10; i++) {
		before = hv_ref_time();
		t = read_tsc_page();
		after = hv_ref_time();
		__GUEST_ASSERT(t + slack >= before && t <= after + slack,
			       "TSC page %llu outside [%llu, %llu]", (unsigned long long)t,
			       (unsigned long long)before, (unsigned long long)after);
		worst = MAX(worst, t < before ? before - t : t > after ? t - after : 0);
	}
	GUEST_PRINTF("TSC page vs TIME_REF_COUNT: outside the read window by at most %llu ticks, "
		     "window %llu ticks", (unsigned long long)worst,
		     (unsigned long long)(after - before));
	prev = read_tsc_page();
	for (int i = 0; i < NR_PAGE_READS; i++, prev = t) {
		t = read_tsc_page();
		__GUEST_ASSERT(t >= prev, "TSC page went back from %llu to %llu",
			       (unsigned long long)prev, (unsigned long long)t);
	}
	WRITE_ONCE(tsc_page.tsc_sequence, HV_REFERENCE_TSC_SEQUENCE_INVALID);
	before = hv_ref_time();
	t = read_hv_clock();
	after = hv_ref_time();
	GUEST_ASSERT(t >= before && t <= after);
	/* Re-enabling rewrites the page. */
	wrmsr(HV_X64_MSR_REFERENCE_TSC, (u64)&tsc_page | HV_X64_MSR_TSC_REFERENCE_ENABLE);
	GUEST_ASSERT(READ_ONCE(tsc_page.tsc_sequence) != HV_REFERENCE_TSC_SEQUENCE_INVALID);
	GUEST_ASSERT(read_hv_clock() >= after);
	return 1;
}

/* TSC_FREQUENCY (tsc_khz) against the TSC rate measured on TIME_REF_COUNT: within 2%. */
static u64 tsc_frequency(void)
{
	u64 hz = rdmsr(HV_X64_MSR_TSC_FREQUENCY), r0, t0, r1, t1, measured;

	r0 = hv_ref_time();
	t0 = rdtsc();
	ref_delay(50);
	r1 = hv_ref_time();
	t1 = rdtsc();
	measured = (t1 - t0) * HV_CLOCK_HZ / (r1 - r0);
	GUEST_PRINTF("TSC_FREQUENCY %llu Hz, measured %llu Hz over %llu us", (unsigned long long)hz,
		     (unsigned long long)measured, (unsigned long long)(r1 - r0) / 10);
	__GUEST_ASSERT(measured >= hz - hz / 50 && measured <= hz + hz / 50,
		       "TSC runs at %llu Hz, TSC_FREQUENCY says %llu", (unsigned long long)measured,
		       (unsigned long long)hz);
	/* The page's scale is the same frequency: scale = 2^64 * 10^7 / hz, rounded down. */
	GUEST_ASSERT(HV_CLOCK_HZ - mul_u64_u64_shr64(tsc_page.tsc_scale, hz) <= 1);
	return 1;
}

static void stimer0_irq(struct ex_regs *regs)
{
	(void)regs;
	tick_time = read_hv_clock();
	nr_ticks++;
	lapic_eoi();
}

/*
 * hv_ce_set_oneshot() then hv_ce_set_next_event(): direct mode with
 * AutoEnable, and each event is a COUNT write of now + delta. Every event
 * comes after its programmed time. Value: the number of events.
 */
static u64 clockevent(void)
{
	static const u32 deltas_us[] = { 1000, 3000, 500, 5000, 2000, 100 };
	u64 late_max = 0;

	idt_set_handler(VEC_STIMER0, stimer0_irq);
	wrmsr(HV_X64_MSR_STIMER0_CONFIG, HV_STIMER_ENABLE | HV_STIMER_AUTO_ENABLE |
	      HV_STIMER_DIRECT_MODE | (u64)VEC_STIMER0 << HV_STIMER_APIC_VECTOR_SHIFT);
	sti();
	for (u32 i = 0; i < ARRAY_SIZE(deltas_us); i++) {
		u64 when = read_hv_clock() + deltas_us[i] * 10;

		wrmsr(HV_X64_MSR_STIMER0_COUNT, when);
		GUEST_ASSERT_EQ(wait_count(&nr_ticks, i + 1, WAIT_MS, true), i + 1);
		__GUEST_ASSERT(tick_time >= when, "event %u at %llu, programmed for %llu", i,
			       (unsigned long long)tick_time, (unsigned long long)when);
		__GUEST_ASSERT(tick_time - when <= LATE_MS * REF_MS, "event %u %llu us late", i,
			       (unsigned long long)(tick_time - when) / 10);
		late_max = MAX(late_max, tick_time - when);
	}
	/* hv_ce_shutdown(). */
	wrmsr(HV_X64_MSR_STIMER0_COUNT, 0);
	wrmsr(HV_X64_MSR_STIMER0_CONFIG, 0);
	GUEST_PRINTF("stimer0 clockevent: %u events, at most %llu us late", nr_ticks,
		     (unsigned long long)late_max / 10);
	return nr_ticks;
}

static const struct {
	const char *name;
	u64 (*run)(void);
} steps[] = {
	{ "detection", detect },
	{ "guest OS ID and hypercall page", hypercall_page },
	{ "VP_INDEX on each CPU", vp_index },
	{ "reference TSC page", reference_tsc_page },
	{ "TSC frequency", tsc_frequency },
	{ "stimer0 clockevent", clockevent },
};

void guest_main(void)
{
	lapic_enable();
	for (u32 i = 0; i < ARRAY_SIZE(steps); i++)
		GUEST_SYNC_VAL(i + 1, steps[i].run());
}
