// SPDX-License-Identifier: MIT
/*
 * hv/synic.c: the message slot state machine and its queue, event flags,
 * the SynIC MSRs, the connection grammar, and HvCallPostMessage /
 * HvCallSignalEvent through hv_hypercall().
 *
 * Both VPs get SynIC, SIMP and SIEFP enabled; SINT2 raises 0x40 and SINT3
 * 0x41. Connections: 1 = messages to VP1 SINT2, 2 = events to VP1 SINT3 from
 * flag 10, 3 = messages to VP0 SINT2.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>

#include "hv/synic.h"
#include "tests/unit/fake_hv.h"

#define VP_PAGES(vp)	((vp) * 0x10000ULL)	/* VP1's SIMP/SIEFP are 64 KiB above VP0's */
#define SINT_VEC(s)	(0x3e + (s))		/* SINT2 0x40, SINT3 0x41 */

static int setup(void **state)
{
	struct hv_config cfg = fake_hv_config(2);
	struct fake_hv *f;
	char err[128];

	if (hv_connections_parse("1=msg:1:2,2=event:1:3:10,3=msg:0:2", &cfg, err, sizeof(err)))
		return -1;
	f = fake_hv_new_cfg(&cfg);
	if (!f)
		return -1;
	for (u32 vp = 0; vp < 2; vp++) {
		struct hv_vp *v = fake_vp(f, vp);

		if (hv_msr_write(v, HV_X64_MSR_SCONTROL, 1) ||
		    hv_msr_write(v, HV_X64_MSR_SIMP, (FAKE_SIMP_GPA + VP_PAGES(vp)) | 1) ||
		    hv_msr_write(v, HV_X64_MSR_SIEFP, (FAKE_SIEFP_GPA + VP_PAGES(vp)) | 1) ||
		    hv_msr_write(v, HV_X64_MSR_SINT(2), SINT_VEC(2)) ||
		    hv_msr_write(v, HV_X64_MSR_SINT(3), SINT_VEC(3)))
			return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fake_hv_free(*state);
	return 0;
}

static struct hv_message *slot(struct fake_hv *f, u32 vp, unsigned int sint)
{
	struct hv_message_page *p = fake_gpa(f, FAKE_SIMP_GPA + VP_PAGES(vp));

	return &p->sint_message[sint];
}

static u8 *flags(struct fake_hv *f, u32 vp, unsigned int sint)
{
	struct hv_synic_event_flags_page *p = fake_gpa(f, FAKE_SIEFP_GPA + VP_PAGES(vp));

	return (u8 *)&p->sint_event_flags[sint];
}

static struct hv_message msg(u8 tag)
{
	struct hv_message m = { .header = {
		.message_type = 0x100 + tag, .payload_size = 16, .sender = 0x77,
	} };

	m.payload[0] = tag;
	m.payload[29] = ~(u64)tag;
	return m;
}

/* The guest consumes the slot and signals end of message. */
static void guest_eom(struct fake_hv *f, u32 vp, unsigned int sint)
{
	slot(f, vp, sint)->header.message_type = HVMSG_NONE;
	assert_int_equal(hv_msr_write(fake_vp(f, vp), HV_X64_MSR_EOM, 0), 0);
}

static void assert_slot(struct fake_hv *f, u32 vp, unsigned int sint, u8 tag, bool pending)
{
	const struct hv_message *s = slot(f, vp, sint);

	assert_int_equal(s->header.message_type, 0x100 + tag);
	assert_int_equal(s->header.payload_size, 16);
	assert_int_equal(s->header.sender, 0x77);
	assert_int_equal(s->header.reserved, 0);
	assert_int_equal(s->payload[0], tag);
	assert_int_equal(s->payload[29], ~(u64)tag);
	assert_int_equal(s->header.message_flags, pending ? HV_MESSAGE_FLAG_PENDING : 0);
}

static void assert_irq(struct fake_hv *f, unsigned int n, u32 vp, u8 vector)
{
	assert_true(f->nr_irqs > n);
	assert_int_equal(f->irqs[n].vtl, 0);
	assert_int_equal(f->irqs[n].vp, vp);
	assert_int_equal(f->irqs[n].vector, vector);
}

/* ---- messages --------------------------------------------------------------------------------- */

static void test_synic_post_free_slot(void **state)
{
	struct fake_hv *f = *state;
	struct hv_message m = msg(1);

	m.header.message_flags = 0xff;	/* not the sender's to set */
	m.header.reserved = 0xffff;
	memset(slot(f, 0, 2), 0xee, sizeof(struct hv_message));
	slot(f, 0, 2)->header.message_type = HVMSG_NONE;
	assert_int_equal(hv_synic_post(fake_vp(f, 0), 2, &m), 0);
	assert_slot(f, 0, 2, 1, false);
	assert_int_equal(f->nr_irqs, 1);
	assert_irq(f, 0, 0, SINT_VEC(2));
	assert_int_equal(slot(f, 0, 3)->header.message_type, HVMSG_NONE);
}

static void test_synic_post_busy_then_eom(void **state)
{
	struct fake_hv *f = *state;

	for (u8 i = 1; i <= 3; i++) {
		struct hv_message m = msg(i);

		assert_int_equal(hv_synic_post(fake_vp(f, 0), 2, &m), 0);
	}
	/* One interrupt, for the message in the slot; the others wait. */
	assert_slot(f, 0, 2, 1, true);
	assert_int_equal(f->nr_irqs, 1);
	/* EOM while the guest still holds the slot changes nothing. */
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_EOM, 0), 0);
	assert_slot(f, 0, 2, 1, true);
	assert_int_equal(f->nr_irqs, 1);
	guest_eom(f, 0, 2);
	assert_slot(f, 0, 2, 2, true);		/* message 3 still waits */
	assert_int_equal(f->nr_irqs, 2);
	assert_irq(f, 1, 0, SINT_VEC(2));
	guest_eom(f, 0, 2);
	assert_slot(f, 0, 2, 3, false);
	assert_int_equal(f->nr_irqs, 3);
	guest_eom(f, 0, 2);
	assert_int_equal(slot(f, 0, 2)->header.message_type, HVMSG_NONE);
	assert_int_equal(f->nr_irqs, 3);
}

static void test_synic_queue_full_keeps_order(void **state)
{
	struct fake_hv *f = *state;
	struct hv_message m;

	for (u8 i = 0; i <= HV_SINT_QUEUE_LEN; i++) {
		m = msg(i);
		assert_int_equal(hv_synic_post(fake_vp(f, 0), 2, &m), 0);
	}
	m = msg(0xff);
	assert_int_equal(hv_synic_post(fake_vp(f, 0), 2, &m), -ENOSPC);
	/* Other SINTs have their own queues. */
	m = msg(0x80);
	assert_int_equal(hv_synic_post(fake_vp(f, 0), 3, &m), 0);
	assert_slot(f, 0, 3, 0x80, false);
	for (u8 i = 0; i <= HV_SINT_QUEUE_LEN; i++) {
		assert_slot(f, 0, 2, i, i < HV_SINT_QUEUE_LEN);
		guest_eom(f, 0, 2);
	}
	assert_int_equal(slot(f, 0, 2)->header.message_type, HVMSG_NONE);
}

static void test_synic_masked_and_polling(void **state)
{
	static const u64 sints[] = {
		HV_SYNIC_SINT_MASKED | SINT_VEC(2), HV_SYNIC_SINT_POLLING | SINT_VEC(2),
	};
	struct fake_hv *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(sints); i++) {
		struct hv_message a = msg(1), b = msg(2);

		f->nr_irqs = 0;
		assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_SINT(2), sints[i]), 0);
		assert_int_equal(hv_synic_post(fake_vp(f, 0), 2, &a), 0);
		assert_int_equal(hv_synic_post(fake_vp(f, 0), 2, &b), 0);
		assert_slot(f, 0, 2, 1, true);
		guest_eom(f, 0, 2);
		assert_slot(f, 0, 2, 2, false);
		assert_int_equal(hv_synic_signal(fake_vp(f, 0), 2, 0), 0);
		assert_int_equal(f->nr_irqs, 0);
		guest_eom(f, 0, 2);
	}
}

/* A message that waits in the slot of a masked SINT is announced when the SINT is unmasked. */
static void test_synic_unmask_raises_waiting_message(void **state)
{
	struct fake_hv *f = *state;
	struct hv_message a = msg(1);

	f->nr_irqs = 0;
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_SINT(2),
				      HV_SYNIC_SINT_MASKED | SINT_VEC(2)), 0);
	assert_int_equal(hv_synic_post(fake_vp(f, 0), 2, &a), 0);
	assert_int_equal(f->nr_irqs, 0);
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_SINT(2), SINT_VEC(2)), 0);
	assert_int_equal(f->nr_irqs, 1);
	/* Unmasking again, or an unmask with an empty slot, raises nothing. */
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_SINT(2), SINT_VEC(2)), 0);
	guest_eom(f, 0, 2);
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_SINT(2),
				      HV_SYNIC_SINT_MASKED | SINT_VEC(2)), 0);
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_SINT(2), SINT_VEC(2)), 0);
	assert_int_equal(f->nr_irqs, 1);
}

static void test_synic_disabled(void **state)
{
	static const struct {
		u32 msr;
		u64 val;
	} off[] = {
		{ HV_X64_MSR_SCONTROL, 0 },
		{ HV_X64_MSR_SIMP, FAKE_SIMP_GPA },
		{ HV_X64_MSR_SIEFP, FAKE_SIEFP_GPA },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(off); i++) {
		struct fake_hv *g;
		struct hv_message m = msg(1);
		bool msgs = off[i].msr != HV_X64_MSR_SIEFP;

		assert_int_equal(setup((void **)&g), 0);
		assert_int_equal(hv_msr_write(fake_vp(g, 0), off[i].msr, off[i].val), 0);
		assert_int_equal(hv_synic_post(fake_vp(g, 0), 2, &m), msgs ? -ENODEV : 0);
		assert_int_equal(hv_synic_signal(fake_vp(g, 0), 2, 0),
				 off[i].msr != HV_X64_MSR_SIMP ? -ENODEV : 0);
		assert_int_equal(g->nr_irqs, !msgs + (off[i].msr == HV_X64_MSR_SIMP));
		fake_hv_free(g);
	}
}

/* ---- event flags ------------------------------------------------------------------------------ */

static void test_synic_event_flags(void **state)
{
	struct fake_hv *f = *state;
	u8 *fl = flags(f, 0, 3);

	assert_int_equal(hv_synic_signal(fake_vp(f, 0), 3, 10), 0);
	assert_int_equal(fl[1], BIT(2));
	assert_int_equal(f->nr_irqs, 1);
	assert_irq(f, 0, 0, SINT_VEC(3));
	/* Already set: no second interrupt. */
	assert_int_equal(hv_synic_signal(fake_vp(f, 0), 3, 10), 0);
	assert_int_equal(f->nr_irqs, 1);
	/* Another flag of the same SINT is clear: interrupt. */
	assert_int_equal(hv_synic_signal(fake_vp(f, 0), 3, 11), 0);
	assert_int_equal(fl[1], BIT(2) | BIT(3));
	assert_int_equal(f->nr_irqs, 2);
	fl[1] = 0;	/* the guest consumes them */
	assert_int_equal(hv_synic_signal(fake_vp(f, 0), 3, 10), 0);
	assert_int_equal(f->nr_irqs, 3);
	/* The last flag of SINT3 stays inside SINT3's 256 bytes. */
	assert_int_equal(hv_synic_signal(fake_vp(f, 0), 3, HV_EVENT_FLAGS_COUNT - 1), 0);
	assert_int_equal(fl[HV_EVENT_FLAGS_BYTE_COUNT - 1], BIT(7));
	assert_int_equal(flags(f, 0, 4)[0], 0);
	assert_int_equal(flags(f, 0, 2)[HV_EVENT_FLAGS_BYTE_COUNT - 1], 0);
}

/* ---- MSRs ------------------------------------------------------------------------------------ */

static void test_synic_sint_write(void **state)
{
	static const struct {
		u64 val;
		int ret;
	} cases[] = {
		{ 0x40, 0 }, { 0x10, 0 }, { 0xff, 0 }, { 0x0f, -EPERM }, { 0, -EPERM },
		{ 0x0f | HV_SYNIC_SINT_MASKED, 0 }, { HV_SYNIC_SINT_MASKED, 0 },
		{ 0x40 | BIT(8), -EPERM }, { 0x40 | BIT(15), -EPERM }, { 0x40 | BIT(21), -EPERM },
		{ 0x40 | BIT(63), -EPERM }, { 0x40 | HV_SYNIC_SINT_AUTO_EOI, -EPERM },
		{ HV_SYNIC_SINT_MASKED | HV_SYNIC_SINT_AUTO_EOI | 0x40, -EPERM },
		{ 0x40 | HV_SYNIC_SINT_POLLING, 0 }, { 0x40 | HV_SYNIC_SINT_PROXY, 0 },
	};
	struct fake_hv *f = *state;
	struct hv_vp *vp = fake_vp(f, 1);
	u64 v, want = HV_SYNIC_SINT_RESET_VALUE;

	assert_int_equal(hv_msr_read(vp, HV_X64_MSR_SINT(5), &v), 0);
	assert_int_equal(v, HV_SYNIC_SINT_MASKED);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(hv_msr_write(vp, HV_X64_MSR_SINT(5), cases[i].val), cases[i].ret);
		if (!cases[i].ret)
			want = cases[i].val;
		assert_int_equal(hv_msr_read(vp, HV_X64_MSR_SINT(5), &v), 0);
		assert_int_equal(v, want);
	}
}

static void test_synic_page_msrs(void **state)
{
	static const u32 msrs[] = { HV_X64_MSR_SIMP, HV_X64_MSR_SIEFP };
	struct fake_hv *f = *state;
	struct hv_vp *vp = fake_vp(f, 0);
	u8 *page = fake_gpa(f, FAKE_PAGE_GPA);
	u64 v;

	for (size_t i = 0; i < ARRAY_SIZE(msrs); i++) {
		assert_int_equal(hv_msr_read(vp, msrs[i], &v), 0);
		assert_int_equal(hv_msr_write(vp, msrs[i], FAKE_HV_RAM | 1), -EPERM);
		assert_int_equal(hv_msr_write(vp, msrs[i], 5 * GiB | 1), -EPERM);
		assert_int_equal(hv_msr_read(vp, msrs[i], &v), 0);
		assert_int_equal(v & HV_MSR_PAGE_GPN_MASK,
				 msrs[i] == HV_X64_MSR_SIMP ? FAKE_SIMP_GPA : FAKE_SIEFP_GPA);
		/* Enabling at a new page zeroes it; bits 11:1 are RsvdP. */
		memset(page, 0xee, HV_PAGE_SIZE);
		assert_int_equal(hv_msr_write(vp, msrs[i], FAKE_PAGE_GPA | GENMASK_ULL(11, 0)), 0);
		assert_int_equal(hv_msr_read(vp, msrs[i], &v), 0);
		assert_int_equal(v, FAKE_PAGE_GPA | 1);
		for (size_t b = 0; b < HV_PAGE_SIZE; b++)
			assert_int_equal(page[b], 0);
		/* Rewriting the same value keeps the contents. */
		page[100] = 0x5a;
		assert_int_equal(hv_msr_write(vp, msrs[i], FAKE_PAGE_GPA | 1), 0);
		assert_int_equal(page[100], 0x5a);
		/* Disabled, the GPN need not be RAM. */
		assert_int_equal(hv_msr_write(vp, msrs[i], FAKE_HV_RAM), 0);
		assert_int_equal(page[100], 0x5a);
	}
}

static void test_synic_control_version_eom(void **state)
{
	struct fake_hv *f = *state;
	struct hv_vp *vp = fake_vp(f, 0);
	u64 v;

	assert_int_equal(hv_msr_write(vp, HV_X64_MSR_SCONTROL, ~0ULL), 0);
	assert_int_equal(hv_msr_read(vp, HV_X64_MSR_SCONTROL, &v), 0);
	assert_int_equal(v, HV_SYNIC_CONTROL_ENABLE);
	assert_int_equal(hv_msr_read(vp, HV_X64_MSR_SVERSION, &v), 0);
	assert_int_equal(v, HV_SYNIC_VERSION_1);
	assert_int_equal(hv_msr_write(vp, HV_X64_MSR_SVERSION, 2), -EPERM);
	assert_int_equal(hv_msr_read(vp, HV_X64_MSR_SVERSION, &v), 0);
	assert_int_equal(v, HV_SYNIC_VERSION_1);
	assert_int_equal(hv_msr_read(vp, HV_X64_MSR_EOM, &v), 0);
	assert_int_equal(v, 0);
}

/* ---- connections ------------------------------------------------------------------------------ */

static void test_connections_parse_valid(void **state)
{
	struct hv_config cfg = fake_hv_config(4);
	char err[128] = "";

	(void)state;
	assert_int_equal(hv_connections_parse("7=msg:3:15, 9=event:0:2:2047", &cfg, err,
					      sizeof(err)), 0);
	assert_int_equal(cfg.nr_connections, 2);
	assert_int_equal(cfg.connections[0].id, 7);
	assert_int_equal(cfg.connections[0].kind, HV_CONNECTION_MESSAGE);
	assert_int_equal(cfg.connections[0].vp, 3);
	assert_int_equal(cfg.connections[0].sint, 15);
	assert_int_equal(cfg.connections[0].vtl, 0);
	assert_int_equal(cfg.connections[1].kind, HV_CONNECTION_EVENT);
	assert_int_equal(cfg.connections[1].sint, 2);
	assert_int_equal(cfg.connections[1].flag_base, 2047);
	assert_int_equal(hv_connections_parse("", &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nr_connections, 0);
	assert_int_equal(hv_connections_parse(NULL, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nr_connections, 0);
}

static void test_connections_parse_errors(void **state)
{
	static const struct {
		const char *spec;
		int ret;
	} cases[] = {
		{ "1", -EINVAL }, { "1=msg:0", -EINVAL }, { "x=msg:0:1", -EINVAL },
		{ "1=foo:0:1", -EINVAL }, { "1=MSG:0:1", -EINVAL }, { "1=msg:0:1:5", -EINVAL },
		{ "1=msg:0:1x", -EINVAL }, { "1=event:0:1", -EINVAL }, { "1=event:0:1:", -EINVAL },
		{ "1=event:0:1:5:6", -EINVAL }, { "1=event:0:1:5x", -EINVAL },
		{ "1=event:0:1:2048", -EINVAL }, { "1=msg:0:16", -EINVAL },
		{ "1=event:0:99:0", -EINVAL }, { "1=msg:2:1", -EINVAL }, { "1=msg:0:1,2=msg:9:1", -EINVAL },
		{ "1=msg:0:1,1=event:1:2:0", -EEXIST },
	};
	struct hv_config cfg = fake_hv_config(2);
	char err[128], spec[HV_MAX_CONNECTIONS * 16 + 16] = "";

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		err[0] = '\0';
		if (hv_connections_parse(cases[i].spec, &cfg, err, sizeof(err)) != cases[i].ret)
			fail_msg("'%s' is not %d", cases[i].spec, cases[i].ret);
		assert_true(err[0]);
	}
	for (unsigned int i = 0; i < HV_MAX_CONNECTIONS; i++)
		sprintf(spec + strlen(spec), "%u=msg:1:2,", i);
	assert_int_equal(hv_connections_parse(spec, &cfg, err, sizeof(err)), 0);
	assert_int_equal(cfg.nr_connections, HV_MAX_CONNECTIONS);
	strcat(spec, "99=msg:0:0");
	assert_int_equal(hv_connections_parse(spec, &cfg, err, sizeof(err)), -E2BIG);
}

/* ---- PostMessage and SignalEvent --------------------------------------------------------------- */

static hv_status_t post(struct fake_hv *f, u32 conn, u32 type, u32 size, u32 reserved, u8 tag)
{
	struct hv_input_post_message in = {
		.connection_id = conn, .message_type = type, .payload_size = size,
		.reserved = reserved,
	};

	memset(in.payload, tag, sizeof(in.payload));
	memcpy(fake_gpa(f, FAKE_IN_GPA), &in, sizeof(in));
	return fake_hcall(f, 0, HVCALL_POST_MESSAGE, NULL);
}

static void test_synic_hcall_post_message(void **state)
{
	static const struct {
		u32 conn, type, size, reserved;
		hv_status_t status;
	} cases[] = {
		{ 1, 0x100, 241, 0, HV_STATUS_INVALID_PARAMETER },
		{ 1, 0, 16, 0, HV_STATUS_INVALID_PARAMETER },
		{ 1, HVMSG_TIMER_EXPIRED, 16, 0, HV_STATUS_INVALID_PARAMETER },
		{ 1, 0x100, 16, 1, HV_STATUS_INVALID_PARAMETER },
		{ 99, 0x100, 16, 0, HV_STATUS_INVALID_CONNECTION_ID },
		{ 2, 0x100, 16, 0, HV_STATUS_INVALID_CONNECTION_ID },
		{ 1, 0x100, 240, 0, HV_STATUS_SUCCESS },
	};
	struct fake_hv *f = *state;
	const struct hv_message *s = slot(f, 1, 2);

	assert_int_equal(fake_hv_enable_hcalls(f), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_int_equal(post(f, cases[i].conn, cases[i].type, cases[i].size,
				      cases[i].reserved, 0xc3), cases[i].status);
	assert_int_equal(s->header.message_type, 0x100);
	assert_int_equal(s->header.payload_size, 240);
	assert_int_equal(s->header.port, 1);
	assert_int_equal(s->payload_bytes[0], 0xc3);
	assert_int_equal(s->payload_bytes[239], 0xc3);
	assert_int_equal(f->nr_irqs, 1);
	assert_irq(f, 0, 1, SINT_VEC(2));
	/* Only payload_size bytes are the sender's. */
	guest_eom(f, 1, 2);
	assert_int_equal(post(f, 1, 0x101, 3, 0, 0x3c), HV_STATUS_SUCCESS);
	assert_int_equal(s->payload_bytes[2], 0x3c);
	assert_int_equal(s->payload_bytes[3], 0);
	/* The target's queue fills up. */
	for (unsigned int i = 0; i < HV_SINT_QUEUE_LEN; i++)
		assert_int_equal(post(f, 1, 0x102, 8, 0, i), HV_STATUS_SUCCESS);
	assert_int_equal(post(f, 1, 0x102, 8, 0, 0), HV_STATUS_INSUFFICIENT_BUFFERS);
	/* A target without SynIC. */
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_SCONTROL, 0), 0);
	assert_int_equal(post(f, 3, 0x100, 8, 0, 0), HV_STATUS_INVALID_SYNIC_STATE);
}

static void test_synic_hcall_signal_event(void **state)
{
	static const struct {
		u32 conn;
		u16 flag, reserved;
		hv_status_t status;
		unsigned int bit;	/* set in VP1's SINT3 flags on success */
	} cases[] = {
		{ 2, 0, 0, HV_STATUS_SUCCESS, 10 },
		{ 2, 5, 0, HV_STATUS_SUCCESS, 15 },
		{ 2, HV_EVENT_FLAGS_COUNT - 11, 0, HV_STATUS_SUCCESS, HV_EVENT_FLAGS_COUNT - 1 },
		{ 2, HV_EVENT_FLAGS_COUNT - 10, 0, HV_STATUS_INVALID_PARAMETER, 0 },
		{ 2, 0xffff, 0, HV_STATUS_INVALID_PARAMETER, 0 },
		{ 2, 0, 1, HV_STATUS_INVALID_PARAMETER, 0 },
		{ 1, 0, 0, HV_STATUS_INVALID_CONNECTION_ID, 0 },
		{ 99, 0, 0, HV_STATUS_INVALID_CONNECTION_ID, 0 },
	};
	struct fake_hv *f = *state;
	const u8 *fl = flags(f, 1, 3);
	struct hv_input_signal_event in = { .connection_id = 2, .flag_number = 1 };

	assert_int_equal(fake_hv_enable_hcalls(f), 0);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 rdx = cases[i].conn | (u64)cases[i].flag << 32 | (u64)cases[i].reserved << 48;
		struct hv_hcall_regs r = fake_regs64(HVCALL_SIGNAL_EVENT | HV_HYPERCALL_FAST_BIT,
						     rdx, 0);
		unsigned int b = cases[i].bit;

		assert_int_equal(hv_hypercall(fake_vp(f, 0), &r), HV_HCALL_DONE);
		assert_int_equal(r.rax, cases[i].status);
		if (!cases[i].status)
			assert_true(fl[b / 8] & BIT(b % 8));
	}
	assert_int_equal(f->nr_irqs, 3);
	assert_irq(f, 0, 1, SINT_VEC(3));
	/* The memory form. */
	memcpy(fake_gpa(f, FAKE_IN_GPA), &in, sizeof(in));
	assert_int_equal(fake_hcall(f, 0, HVCALL_SIGNAL_EVENT, NULL), HV_STATUS_SUCCESS);
	assert_true(fl[1] & BIT(3));
	assert_int_equal(hv_msr_write(fake_vp(f, 1), HV_X64_MSR_SIEFP, 0), 0);
	assert_int_equal(fake_hcall(f, 0, HVCALL_SIGNAL_EVENT, NULL), HV_STATUS_INVALID_SYNIC_STATE);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_synic_post_free_slot),
		T(test_synic_post_busy_then_eom),
		T(test_synic_queue_full_keeps_order),
		T(test_synic_masked_and_polling),
		T(test_synic_unmask_raises_waiting_message),
		T(test_synic_disabled),
		T(test_synic_event_flags),
		T(test_synic_sint_write),
		T(test_synic_page_msrs),
		T(test_synic_control_version_eom),
		cmocka_unit_test(test_connections_parse_valid),
		cmocka_unit_test(test_connections_parse_errors),
		T(test_synic_hcall_post_message),
		T(test_synic_hcall_signal_event),
	};

	return cmocka_run_group_tests_name("synic", tests, NULL, NULL);
}
