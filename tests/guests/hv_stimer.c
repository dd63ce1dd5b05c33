// SPDX-License-Identifier: MIT
/*
 * Synthetic timers against the partition reference time (TLFS "Timers"):
 * "The hypervisor guarantees that a timer expiration signal will never be
 * delivered before the expiration time. The signal may arrive any time after
 * the expiration time." So every check of earliness is exact, and every check
 * of lateness is generous: the test hosts are shared 2-core machines where a
 * vCPU thread can wait milliseconds for a CPU. Each case is one stage; its
 * value is the number of timer interrupts it saw (count-zero: after the stop).
 */
#include "synic.h"

#define SINT_TIMER	3
#define VEC_SINT	0x53
#define VEC_DIRECT	0x60
#define ONESHOT_MS	20
#define LATE_MS		100	/* an interrupt may come this late and pass */
#define PERIOD		(2 * REF_MS)
#define NR_TICKS	20
#define WAIT_MS		2000

static struct hv_message_page simp __attribute__((aligned(4096)));
static struct hv_synic_event_flags_page siefp __attribute__((aligned(4096)));
static struct hv_message *const slot = &simp.sint_message[SINT_TIMER];
static volatile u32 nr_msg_irqs, nr_direct_irqs;
static volatile u64 msg_irq_time, direct_irq_time[NR_TICKS + 8];

static void msg_irq(struct ex_regs *regs)
{
	(void)regs;
	msg_irq_time = hv_ref_time();
	nr_msg_irqs++;
	lapic_eoi();
}

static void direct_irq(struct ex_regs *regs)
{
	(void)regs;
	if (nr_direct_irqs < ARRAY_SIZE(direct_irq_time))
		direct_irq_time[nr_direct_irqs] = hv_ref_time();
	nr_direct_irqs++;
	lapic_eoi();
}

static u64 config_msg(u32 flags)
{
	return HV_STIMER_ENABLE | flags | (u64)SINT_TIMER << HV_STIMER_SINTX_SHIFT;
}

static u64 config_direct(u32 flags)
{
	return flags | HV_STIMER_DIRECT_MODE | (u64)VEC_DIRECT << HV_STIMER_APIC_VECTOR_SHIFT;
}

/* The interrupt at irq_time for an expiry at exp came neither early nor too late. */
static void check_latency(const char *what, u64 exp, u64 irq_time)
{
	__GUEST_ASSERT(irq_time >= exp, "%s: interrupt at %llu, before the expiry %llu", what,
		       (unsigned long long)irq_time, (unsigned long long)exp);
	__GUEST_ASSERT(irq_time - exp <= LATE_MS * REF_MS, "%s: interrupt %llu us late", what,
		       (unsigned long long)(irq_time - exp) / 10);
	GUEST_PRINTF("%s: interrupt %llu us after the expiry", what,
		     (unsigned long long)(irq_time - exp) / 10);
}

/* The slot holds timer index's expiry at exp; returns the payload's delivery time. */
static u64 check_timer_msg(u32 index, u64 exp)
{
	const struct hv_timer_message_payload *p = (const void *)slot->payload;

	GUEST_ASSERT_EQ(READ_ONCE(slot->header.message_type), HVMSG_TIMER_EXPIRED);
	GUEST_ASSERT_EQ(slot->header.payload_size, sizeof(*p));
	GUEST_ASSERT_EQ(p->timer_index, index);
	GUEST_ASSERT_EQ(p->expiration_time, exp);
	GUEST_ASSERT(p->delivery_time >= p->expiration_time);
	return p->delivery_time;
}

/* One-shot, message mode: the message names the timer and the programmed time. */
static u64 oneshot_message(void)
{
	u64 exp = hv_ref_time() + ONESHOT_MS * REF_MS;

	nr_msg_irqs = 0;
	wrmsr(HV_X64_MSR_STIMER_COUNT(0), exp);
	wrmsr(HV_X64_MSR_STIMER_CONFIG(0), config_msg(0));
	GUEST_ASSERT_EQ(wait_count(&nr_msg_irqs, 1, WAIT_MS, true), 1);
	check_timer_msg(0, exp);
	check_latency("one-shot message", exp, msg_irq_time);
	GUEST_ASSERT_EQ(rdmsr(HV_X64_MSR_STIMER_CONFIG(0)) & HV_STIMER_ENABLE, 0);
	synic_slot_free(slot);
	ref_delay(ONESHOT_MS);
	GUEST_ASSERT_EQ(slot->header.message_type, HVMSG_NONE);
	return nr_msg_irqs;
}

/* One-shot, direct mode: the vector is raised, no message, and the timer disables itself. */
static u64 oneshot_direct(void)
{
	u64 exp = hv_ref_time() + ONESHOT_MS * REF_MS;

	nr_direct_irqs = 0;
	wrmsr(HV_X64_MSR_STIMER_COUNT(1), exp);
	wrmsr(HV_X64_MSR_STIMER_CONFIG(1), config_direct(HV_STIMER_ENABLE));
	GUEST_ASSERT_EQ(wait_count(&nr_direct_irqs, 1, WAIT_MS, true), 1);
	check_latency("one-shot direct", exp, direct_irq_time[0]);
	GUEST_ASSERT_EQ(rdmsr(HV_X64_MSR_STIMER_CONFIG(1)) & HV_STIMER_ENABLE, 0);
	GUEST_ASSERT_EQ(slot->header.message_type, HVMSG_NONE);
	ref_delay(ONESHOT_MS);
	return nr_direct_irqs;
}

/*
 * Periodic, direct mode: no tick before its time (tick i not before start +
 * (i + 1) periods), the mean interval within 25%, and an interval under half
 * a period only where the tick before it was that late (the catch-up the
 * TLFS calls period modulation).
 */
static void check_ticks(u64 start)
{
	u64 min = ~0ULL, max = 0, mean, late = 0;

	for (u32 i = 0; i < NR_TICKS; i++) {
		u64 t = direct_irq_time[i], due = start + (i + 1) * PERIOD;
		u64 gap = i ? t - direct_irq_time[i - 1] : PERIOD;

		__GUEST_ASSERT(t >= due, "tick %u %llu us early", i,
			       (unsigned long long)(due - t) / 10);
		__GUEST_ASSERT(gap >= PERIOD / 2 || direct_irq_time[i - 1] - (due - PERIOD) >
			       PERIOD / 2, "tick %u only %llu us after the one before", i,
			       (unsigned long long)gap / 10);
		min = MIN(min, gap);
		max = MAX(max, gap);
		late = MAX(late, t - due);
	}
	mean = (direct_irq_time[NR_TICKS - 1] - direct_irq_time[0]) / (NR_TICKS - 1);
	GUEST_PRINTF("periodic %llu us: mean %llu us, min %llu us, max %llu us, latest tick %llu us",
		     (unsigned long long)PERIOD / 10, (unsigned long long)mean / 10,
		     (unsigned long long)min / 10, (unsigned long long)max / 10,
		     (unsigned long long)late / 10);
	__GUEST_ASSERT(mean >= PERIOD * 3 / 4 && mean <= PERIOD * 5 / 4,
		       "mean interval %llu us for a period of %llu us", (unsigned long long)mean / 10,
		       (unsigned long long)PERIOD / 10);
}

static u64 periodic_direct(void)
{
	u64 start;

	nr_direct_irqs = 0;
	wrmsr(HV_X64_MSR_STIMER_COUNT(2), PERIOD);
	start = hv_ref_time();
	wrmsr(HV_X64_MSR_STIMER_CONFIG(2), config_direct(HV_STIMER_ENABLE | HV_STIMER_PERIODIC));
	wait_count(&nr_direct_irqs, NR_TICKS, WAIT_MS, true);
	wrmsr(HV_X64_MSR_STIMER_CONFIG(2), 0);
	GUEST_ASSERT(nr_direct_irqs >= NR_TICKS);
	check_ticks(start);
	return NR_TICKS;
}

/* AutoEnable: writing a count turns the timer on. */
static u64 auto_enable(void)
{
	u64 exp;

	nr_direct_irqs = 0;
	wrmsr(HV_X64_MSR_STIMER_CONFIG(1), config_direct(HV_STIMER_AUTO_ENABLE));
	GUEST_ASSERT_EQ(rdmsr(HV_X64_MSR_STIMER_CONFIG(1)) & HV_STIMER_ENABLE, 0);
	exp = hv_ref_time() + ONESHOT_MS * REF_MS;
	wrmsr(HV_X64_MSR_STIMER_COUNT(1), exp);
	GUEST_ASSERT(rdmsr(HV_X64_MSR_STIMER_CONFIG(1)) & HV_STIMER_ENABLE);
	GUEST_ASSERT_EQ(wait_count(&nr_direct_irqs, 1, WAIT_MS, true), 1);
	check_latency("auto-enabled one-shot", exp, direct_irq_time[0]);
	GUEST_ASSERT_EQ(rdmsr(HV_X64_MSR_STIMER_CONFIG(1)) & HV_STIMER_ENABLE, 0);
	return nr_direct_irqs;
}

/* Writing count 0 stops a running periodic timer and clears Enable. */
static u64 count_zero(void)
{
	u32 ticks;

	nr_direct_irqs = 0;
	wrmsr(HV_X64_MSR_STIMER_COUNT(2), PERIOD);
	wrmsr(HV_X64_MSR_STIMER_CONFIG(2), config_direct(HV_STIMER_ENABLE | HV_STIMER_PERIODIC));
	wait_count(&nr_direct_irqs, 1, WAIT_MS, true);
	wrmsr(HV_X64_MSR_STIMER_COUNT(2), 0);
	ticks = nr_direct_irqs;
	GUEST_ASSERT_EQ(rdmsr(HV_X64_MSR_STIMER_CONFIG(2)) & HV_STIMER_ENABLE, 0);
	ref_delay(5 * PERIOD / REF_MS);
	return nr_direct_irqs - ticks;
}

/*
 * A lazy periodic message timer whose slot stays busy: its expiries wait
 * (MessagePending, no interrupt) until EOM, which brings one message for an
 * expiry that passed while the slot was held; the others were skipped, not
 * queued, so the message after that is for an expiry after the EOM. (When
 * exactly the timer fires depends on the host's load, and a lazy timer
 * re-bases its period on late deliveries, so only these orderings are
 * exact.)
 */
static u64 periodic_message_held(void)
{
	const struct hv_timer_message_payload *p = (const void *)slot->payload;
	u64 start, first, second, eom_time;

	nr_msg_irqs = 0;
	wrmsr(HV_X64_MSR_STIMER_COUNT(3), PERIOD);
	start = hv_ref_time();
	wrmsr(HV_X64_MSR_STIMER_CONFIG(3), config_msg(HV_STIMER_PERIODIC | HV_STIMER_LAZY));
	GUEST_ASSERT_EQ(wait_count(&nr_msg_irqs, 1, WAIT_MS, true), 1);
	first = p->expiration_time;
	GUEST_ASSERT(first >= start + PERIOD);
	check_timer_msg(3, first);
	/* Hold the slot for 10 periods, and until an expiry has found it busy. */
	ref_delay(10 * PERIOD / REF_MS);
	for (u64 end = hv_ref_time() + WAIT_MS * REF_MS;
	     !(READ_ONCE(slot->header.message_flags) & HV_MESSAGE_FLAG_PENDING);)
		__GUEST_ASSERT(hv_ref_time() < end, "no MessagePending for a held timer slot");
	GUEST_ASSERT_EQ(nr_msg_irqs, 1);
	check_timer_msg(3, first);

	eom_time = hv_ref_time();
	synic_slot_free(slot);
	GUEST_ASSERT_EQ(wait_count(&nr_msg_irqs, 2, WAIT_MS, true), 2);
	second = p->expiration_time;
	__GUEST_ASSERT(second > first && second < eom_time, "expiry %llu after EOM: %llu to %llu",
		       (unsigned long long)second, (unsigned long long)first,
		       (unsigned long long)eom_time);
	GUEST_ASSERT(check_timer_msg(3, second) >= eom_time);

	synic_slot_free(slot);
	GUEST_ASSERT_EQ(wait_count(&nr_msg_irqs, 3, WAIT_MS, true), 3);
	__GUEST_ASSERT(p->expiration_time > eom_time, "a missed expiry (%llu) came after EOM at %llu",
		       (unsigned long long)p->expiration_time, (unsigned long long)eom_time);
	check_timer_msg(3, p->expiration_time);
	wrmsr(HV_X64_MSR_STIMER_CONFIG(3), 0);
	synic_slot_free(slot);
	return nr_msg_irqs;
}

static const struct {
	const char *name;
	u64 (*run)(void);
} cases[] = {
	{ "one-shot, message", oneshot_message },
	{ "one-shot, direct", oneshot_direct },
	{ "periodic, direct", periodic_direct },
	{ "auto-enable", auto_enable },
	{ "count 0 stops", count_zero },
	{ "lazy periodic, slot held", periodic_message_held },
};

void guest_main(void)
{
	struct hv_cpuid c;

	GUEST_ASSERT(hv_detect(&c));
	GUEST_ASSERT(c.privileges & HV_ACCESS_SYNTHETIC_TIMER_REGS);
	GUEST_ASSERT(c.features & HV_STIMER_DIRECT_MODE_AVAILABLE);
	lapic_enable();
	idt_set_handler(VEC_SINT, msg_irq);
	idt_set_handler(VEC_DIRECT, direct_irq);
	synic_enable(&simp, &siefp);
	synic_sint(SINT_TIMER, VEC_SINT, false);
	sti();
	for (u32 i = 0; i < ARRAY_SIZE(cases); i++)
		GUEST_SYNC_VAL(i + 1, cases[i].run());
}
