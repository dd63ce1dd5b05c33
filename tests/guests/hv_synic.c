// SPDX-License-Identifier: MIT
/*
 * SynIC messages and event flags over VMM-owned connections (TLFS
 * "Inter-Partition Communication", "Message Buffers", "Event Flags"). The
 * row gives --hv-connections 1=msg:0:2,2=event:0:3:5 and, with 2 vCPUs,
 * 3=msg:1:2. Every case is one stage; its value is the number of SINT
 * interrupts the case saw (queue-limit: the number of messages accepted).
 */
#include "synic.h"

#define CONN_MSG	1	/* -> VP0 SINT2 */
#define CONN_EVENT	2	/* -> VP0 SINT3, flags from 5 */
#define CONN_MSG_VP1	3	/* -> VP1 SINT2 */
#define SINT_MSG	2
#define SINT_EVENT	3
#define EVENT_FLAG_BASE	5
#define VEC_MSG		0x52
#define VEC_EVENT	0x53
#define MSG_TYPE	0x1234
#define WAIT_MS		1000
#define QUIET_MS	5	/* interrupts here are injected before the hypercall returns */

static struct hv_message_page simp[2] __attribute__((aligned(4096)));
static struct hv_synic_event_flags_page siefp[2] __attribute__((aligned(4096)));
static struct hv_input_post_message post_in __attribute__((aligned(4096)));
static volatile u32 irqs[2][2];		/* [vp][0: message SINT, 1: event SINT] */
static volatile u32 ap_ready;

static void sint_irq(struct ex_regs *regs)
{
	u32 vp = rdmsr(HV_X64_MSR_VP_INDEX);

	irqs[vp][regs->vector - VEC_MSG]++;
	lapic_eoi();
}

static hv_status_t post(u32 conn, u32 seq)
{
	post_in = (struct hv_input_post_message) {
		.connection_id = conn, .message_type = MSG_TYPE, .payload_size = 16 + 8 * (seq % 8),
	};
	for (u32 i = 0; i < post_in.payload_size; i++)
		post_in.payload[i] = seq ^ i;
	return hv_status(hv_hypercall(HVCALL_POST_MESSAGE, (u64)&post_in, 0));
}

static hv_status_t signal(u32 conn, u16 flag)
{
	return hv_status(hv_hypercall(HVCALL_SIGNAL_EVENT | HV_HYPERCALL_FAST_BIT,
				      conn | (u64)flag << 32, 0));
}

/* The slot holds message seq from conn, with MessagePending as expected. */
static void check_slot(const struct hv_message *m, u32 conn, u32 seq, bool pending)
{
	GUEST_ASSERT_EQ(READ_ONCE(m->header.message_type), MSG_TYPE);
	GUEST_ASSERT_EQ(m->header.payload_size, 16 + 8 * (seq % 8));
	GUEST_ASSERT_EQ(m->header.sender, conn);
	GUEST_ASSERT_EQ(!!(m->header.message_flags & HV_MESSAGE_FLAG_PENDING), pending);
	for (u32 i = 0; i < m->header.payload_size; i++)
		__GUEST_ASSERT(m->payload_bytes[i] == (u8)(seq ^ i), "message %u: byte %u is %#x",
			       seq, i, m->payload_bytes[i]);
}

static u32 wait_irqs(u32 vp, u32 which, u32 want)
{
	u32 got = wait_count(&irqs[vp][which], want, WAIT_MS, false);

	__GUEST_ASSERT(got == want, "vp%u SINT%u: %u interrupts, want %u", vp,
		       which ? SINT_EVENT : SINT_MSG, got, want);
	return got;
}

/* No interrupt beyond want comes in QUIET_MS. */
static void quiet(u32 vp, u32 which, u32 want)
{
	ref_delay(QUIET_MS);
	wait_irqs(vp, which, want);
}

/* PostMessage: one interrupt, the slot holds type, size, payload, sender. */
static u64 round_trip(void)
{
	struct hv_message *slot = &simp[0].sint_message[SINT_MSG];

	irqs[0][0] = 0;
	GUEST_ASSERT_EQ(post(CONN_MSG, 1), HV_STATUS_SUCCESS);
	wait_irqs(0, 0, 1);
	check_slot(slot, CONN_MSG, 1, false);
	synic_slot_free(slot);
	quiet(0, 0, 1);
	GUEST_ASSERT_EQ(slot->header.message_type, HVMSG_NONE);
	return irqs[0][0];
}

/* Three posts to a busy slot: the 2nd and 3rd wait; each EOM brings the next, with an interrupt. */
static u64 eom_redelivery(void)
{
	struct hv_message *slot = &simp[0].sint_message[SINT_MSG];

	irqs[0][0] = 0;
	for (u32 seq = 2; seq <= 4; seq++)
		GUEST_ASSERT_EQ(post(CONN_MSG, seq), HV_STATUS_SUCCESS);
	quiet(0, 0, 1);
	check_slot(slot, CONN_MSG, 2, true);
	synic_slot_free(slot);
	wait_irqs(0, 0, 2);
	check_slot(slot, CONN_MSG, 3, true);
	synic_slot_free(slot);
	wait_irqs(0, 0, 3);
	check_slot(slot, CONN_MSG, 4, false);
	synic_slot_free(slot);
	quiet(0, 0, 3);
	GUEST_ASSERT_EQ(slot->header.message_type, HVMSG_NONE);
	return irqs[0][0];
}

/* Posting to a full slot and queue fails with INSUFFICIENT_BUFFERS; all accepted arrive in order. */
static u64 queue_limit(void)
{
	struct hv_message *slot = &simp[0].sint_message[SINT_MSG];
	hv_status_t st = HV_STATUS_SUCCESS;
	u32 n;

	irqs[0][0] = 0;
	for (n = 0; n < 64; n++) {
		st = post(CONN_MSG, 10 + n);
		if (st)
			break;
	}
	GUEST_ASSERT_EQ(st, HV_STATUS_INSUFFICIENT_BUFFERS);
	GUEST_ASSERT(n > 1);
	for (u32 i = 0; i < n; i++) {
		wait_irqs(0, 0, i + 1);
		check_slot(slot, CONN_MSG, 10 + i, i + 1 < n);
		synic_slot_free(slot);
	}
	quiet(0, 0, n);
	GUEST_PRINTF("SINT%u accepted %u messages before INSUFFICIENT_BUFFERS", SINT_MSG, n);
	return n;
}

/*
 * A masked SINT still gets the message written, but no interrupt; unmasking
 * it with the message still in the slot announces it (once), so a message
 * that came while masked is not lost.
 */
static u64 masked_sint(void)
{
	struct hv_message *slot = &simp[0].sint_message[SINT_MSG];

	irqs[0][0] = 0;
	synic_sint(SINT_MSG, VEC_MSG, true);
	GUEST_ASSERT_EQ(post(CONN_MSG, 5), HV_STATUS_SUCCESS);
	quiet(0, 0, 0);
	check_slot(slot, CONN_MSG, 5, false);
	synic_sint(SINT_MSG, VEC_MSG, false);
	wait_irqs(0, 0, 1);
	synic_slot_free(slot);
	quiet(0, 0, 1);
	return irqs[0][0];
}

/* SignalEvent flag n sets bit FLAGBASE + n once: a set bit raises nothing until the guest clears it. */
static u64 event_flags(void)
{
	volatile u64 *flags = siefp[0].sint_event_flags[SINT_EVENT].flags;
	const u16 far = 70;	/* bit 75: the second qword */

	irqs[0][1] = 0;
	GUEST_ASSERT_EQ(signal(CONN_EVENT, 1), HV_STATUS_SUCCESS);
	wait_irqs(0, 1, 1);
	GUEST_ASSERT_EQ(flags[0], BIT(EVENT_FLAG_BASE + 1));
	GUEST_ASSERT_EQ(signal(CONN_EVENT, 1), HV_STATUS_SUCCESS);
	quiet(0, 1, 1);
	__atomic_and_fetch(&flags[0], ~BIT(EVENT_FLAG_BASE + 1), __ATOMIC_SEQ_CST);
	GUEST_ASSERT_EQ(signal(CONN_EVENT, 1), HV_STATUS_SUCCESS);
	wait_irqs(0, 1, 2);
	GUEST_ASSERT_EQ(flags[0], BIT(EVENT_FLAG_BASE + 1));
	GUEST_ASSERT_EQ(signal(CONN_EVENT, far), HV_STATUS_SUCCESS);
	wait_irqs(0, 1, 3);
	GUEST_ASSERT_EQ(flags[1], BIT((EVENT_FLAG_BASE + far) % 64));
	flags[0] = flags[1] = 0;
	quiet(0, 1, 3);
	return irqs[0][1];
}

/* Wrong kinds, unknown connections and bad sizes are refused, and deliver nothing. */
static u64 bad_inputs(void)
{
	irqs[0][0] = irqs[0][1] = 0;
	GUEST_ASSERT_EQ(post(CONN_EVENT, 6), HV_STATUS_INVALID_CONNECTION_ID);
	GUEST_ASSERT_EQ(post(99, 6), HV_STATUS_INVALID_CONNECTION_ID);
	GUEST_ASSERT_EQ(signal(CONN_MSG, 0), HV_STATUS_INVALID_CONNECTION_ID);
	GUEST_ASSERT_EQ(signal(99, 0), HV_STATUS_INVALID_CONNECTION_ID);
	post_in.payload_size = HV_MESSAGE_PAYLOAD_BYTE_COUNT + 1;
	post_in.connection_id = CONN_MSG;
	GUEST_ASSERT_EQ(hv_status(hv_hypercall(HVCALL_POST_MESSAGE, (u64)&post_in, 0)),
			HV_STATUS_INVALID_PARAMETER);
	quiet(0, 0, 0);
	quiet(0, 1, 0);
	return irqs[0][0] + irqs[0][1];
}

static void ap_main(u32 id)
{
	GUEST_ASSERT_EQ(rdmsr(HV_X64_MSR_VP_INDEX), id);
	lapic_enable();
	synic_enable(&simp[1], &siefp[1]);
	synic_sint(SINT_MSG, VEC_MSG, false);
	WRITE_ONCE(ap_ready, 1);
	for (;;)
		safe_halt();
}

/* A message for VP1 lands in VP1's slot and interrupts VP1 only. */
static u64 other_vp(void)
{
	struct hv_message *slot = &simp[1].sint_message[SINT_MSG];

	irqs[0][0] = 0;
	smp_start_aps(ap_main);
	wait_count(&ap_ready, 1, WAIT_MS, false);
	GUEST_ASSERT_EQ(ap_ready, 1);
	GUEST_ASSERT_EQ(post(CONN_MSG_VP1, 7), HV_STATUS_SUCCESS);
	wait_irqs(1, 0, 1);
	check_slot(slot, CONN_MSG_VP1, 7, false);
	GUEST_ASSERT_EQ(simp[0].sint_message[SINT_MSG].header.message_type, HVMSG_NONE);
	quiet(0, 0, 0);
	return irqs[1][0];
}

static const struct {
	const char *name;
	u64 (*run)(void);
	u32 min_cpus;
} cases[] = {
	{ "round trip", round_trip, 1 },
	{ "EOM redelivery", eom_redelivery, 1 },
	{ "queue limit", queue_limit, 1 },
	{ "masked SINT", masked_sint, 1 },
	{ "event flags", event_flags, 1 },
	{ "bad inputs", bad_inputs, 1 },
	{ "message to VP1", other_vp, 2 },
};

void guest_main(void)
{
	struct hv_cpuid c;

	GUEST_ASSERT(hv_detect(&c));
	GUEST_ASSERT(c.privileges & HV_ACCESS_SYNIC_REGS);
	GUEST_ASSERT(c.privileges & HV_POST_MESSAGES);
	GUEST_ASSERT(c.privileges & HV_SIGNAL_EVENTS);
	hv_enable_hypercalls();
	lapic_enable();
	idt_set_handler(VEC_MSG, sint_irq);
	idt_set_handler(VEC_EVENT, sint_irq);
	synic_enable(&simp[0], &siefp[0]);
	synic_sint(SINT_MSG, VEC_MSG, false);
	synic_sint(SINT_EVENT, VEC_EVENT, false);
	sti();
	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		if (bootinfo_nr_cpus() < cases[i].min_cpus)
			continue;
		GUEST_SYNC_VAL(i + 1, cases[i].run());
	}
}
