// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "synic: " fmt
#include "hv/synic.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hv/hcall.h"
#include "hv/stimer.h"
#include "vmm/log.h"

#define SCONTROL_RSVDP	GENMASK_ULL(63, 1)

void hv_synic_reset(struct hv_vp *vp)
{
	memset(&vp->synic, 0, sizeof(vp->synic));
	for (unsigned int i = 0; i < HV_SYNIC_SINT_COUNT; i++)
		vp->synic.sint[i] = HV_SYNIC_SINT_RESET_VALUE;
}

static void raise_sint(struct hv_vp *vp, unsigned int sint)
{
	u64 s = vp->synic.sint[sint];
	const struct hv_host *h = &vp->hv->host;

	if (s & (HV_SYNIC_SINT_MASKED | HV_SYNIC_SINT_POLLING))
		return;
	if (h->ops->interrupt(h->ctx, vp->vtl, vp->index, s & HV_SYNIC_SINT_VECTOR_MASK))
		pr_warn_ratelimited("vp%u: cannot raise SINT%u", vp->index, sint);
}

static struct hv_message *slot(struct hv_vp *vp, unsigned int sint)
{
	struct hv_message_page *page;

	if (!(vp->synic.scontrol & HV_SYNIC_CONTROL_ENABLE) ||
	    !(vp->synic.simp & HV_SYNIC_SIMP_ENABLE))
		return NULL;
	page = hv_gpa_page(vp->hv, vp->vtl, vp->synic.simp & HV_MSR_PAGE_GPN_MASK);
	return page ? &page->sint_message[sint] : NULL;
}

/* Write msg into a free slot: payload first, the type last (the guest polls the type). */
static bool try_write(struct hv_message *s, const struct hv_message *msg)
{
	if (__atomic_load_n(&s->header.message_type, __ATOMIC_ACQUIRE) != HVMSG_NONE)
		return false;
	memcpy(s->payload, msg->payload, sizeof(s->payload));
	s->header.payload_size = msg->header.payload_size;
	s->header.message_flags = 0;
	s->header.reserved = 0;
	s->header.sender = msg->header.sender;
	__atomic_store_n(&s->header.message_type, msg->header.message_type, __ATOMIC_RELEASE);
	return true;
}

static void queue_push(struct hv_sint_queue *q, const struct hv_message *msg)
{
	q->msg[(q->head + q->count++) % HV_SINT_QUEUE_LEN] = *msg;
}

/* hv_synic_post with vp->lock held. */
static int post_locked(struct hv_vp *vp, unsigned int sint, const struct hv_message *msg)
{
	struct hv_sint_queue *q = &vp->synic.queue[sint];
	struct hv_message *s = slot(vp, sint);

	if (!s)
		return -ENODEV;
	/* Order is kept: nothing overtakes a message already waiting. */
	if (!q->count && try_write(s, msg)) {
		raise_sint(vp, sint);
		return 0;
	}
	if (q->count == HV_SINT_QUEUE_LEN)
		return -ENOSPC;
	queue_push(q, msg);
	__atomic_fetch_or(&s->header.message_flags, HV_MESSAGE_FLAG_PENDING, __ATOMIC_RELEASE);
	return 0;
}

int hv_synic_try_post_locked(struct hv_vp *vp, unsigned int sint, const struct hv_message *msg)
{
	struct hv_message *s = slot(vp, sint);

	if (!s)
		return -ENODEV;
	if (!vp->synic.queue[sint].count && try_write(s, msg)) {
		raise_sint(vp, sint);
		return 0;
	}
	__atomic_fetch_or(&s->header.message_flags, HV_MESSAGE_FLAG_PENDING, __ATOMIC_RELEASE);
	return -EAGAIN;
}

int hv_synic_post(struct hv_vp *vp, unsigned int sint, const struct hv_message *msg)
{
	int ret;

	pthread_mutex_lock(&vp->lock);
	ret = post_locked(vp, sint, msg);
	pthread_mutex_unlock(&vp->lock);
	return ret;
}

/* EOM: move queued messages into freed slots (TLFS "Message Buffers": end of message). */
static void eom(struct hv_vp *vp)
{
	for (unsigned int i = 0; i < HV_SYNIC_SINT_COUNT; i++) {
		struct hv_sint_queue *q = &vp->synic.queue[i];
		struct hv_message *s = slot(vp, i);

		if (!s || !q->count || !try_write(s, &q->msg[q->head]))
			continue;
		q->head = (q->head + 1) % HV_SINT_QUEUE_LEN;
		q->count--;
		if (q->count)
			__atomic_fetch_or(&s->header.message_flags, HV_MESSAGE_FLAG_PENDING,
					  __ATOMIC_RELEASE);
		raise_sint(vp, i);
	}
	hv_stimer_retry_locked(vp);
}

int hv_synic_signal(struct hv_vp *vp, unsigned int sint, unsigned int flag)
{
	struct hv_synic_event_flags_page *page;
	u8 *byte, bit = 1u << (flag % 8);
	int ret = -ENODEV;

	pthread_mutex_lock(&vp->lock);
	if ((vp->synic.scontrol & HV_SYNIC_CONTROL_ENABLE) &&
	    (vp->synic.siefp & HV_SYNIC_SIEFP_ENABLE)) {
		page = hv_gpa_page(vp->hv, vp->vtl, vp->synic.siefp & HV_MSR_PAGE_GPN_MASK);
		if (page) {
			byte = (u8 *)&page->sint_event_flags[sint] + flag / 8;
			if (!(__atomic_fetch_or(byte, bit, __ATOMIC_SEQ_CST) & bit))
				raise_sint(vp, sint);
			ret = 0;
		}
	}
	pthread_mutex_unlock(&vp->lock);
	return ret;
}

/* SIMP/SIEFP: an enabled page must be RAM, else #GP; it starts zeroed, as KVM does. */
static int page_msr_write(struct hv_vp *vp, u64 *reg, u64 val)
{
	void *page;

	val = (val & ~HV_MSR_PAGE_RSVDP) | (*reg & HV_MSR_PAGE_RSVDP);
	if (val & HV_MSR_PAGE_ENABLE) {
		page = hv_gpa_page(vp->hv, vp->vtl, val & HV_MSR_PAGE_GPN_MASK);
		if (!page)
			return -EPERM;
		if ((*reg ^ val) & (HV_MSR_PAGE_GPN_MASK | HV_MSR_PAGE_ENABLE))
			memset(page, 0, HV_PAGE_SIZE);
	}
	*reg = val;
	return 0;
}

static int sint_write(struct hv_vp *vp, unsigned int sint, u64 val)
{
	u8 vector = val & HV_SYNIC_SINT_VECTOR_MASK;
	u64 old;

	if (val & HV_SYNIC_SINT_RESERVED_MASK)
		return -EPERM;
	/* TLFS: "Valid values for vector are 16-255" (a masked SINT may hold anything). */
	if (vector < HV_SYNIC_FIRST_VALID_VECTOR && !(val & HV_SYNIC_SINT_MASKED))
		return -EPERM;
	if (val & HV_SYNIC_SINT_AUTO_EOI) {
		pr_warn_ratelimited("vp%u: SINT%u AutoEOI is not supported (DeprecateAutoEoi is "
				    "advertised): #GP", vp->index, sint);
		return -EPERM;
	}
	old = vp->synic.sint[sint];
	vp->synic.sint[sint] = val;
	/* A message that arrived while the SINT was masked is announced on unmask. */
	if ((old & HV_SYNIC_SINT_MASKED) && !(val & HV_SYNIC_SINT_MASKED)) {
		struct hv_message *s = slot(vp, sint);

		if (s && __atomic_load_n(&s->header.message_type, __ATOMIC_ACQUIRE) != HVMSG_NONE)
			raise_sint(vp, sint);
	}
	return 0;
}

int hv_synic_msr_read(struct hv_vp *vp, u32 index, u64 *val)
{
	struct hv_synic *s = &vp->synic;

	pthread_mutex_lock(&vp->lock);
	switch (index) {
	case HV_X64_MSR_SCONTROL:	*val = s->scontrol; break;
	case HV_X64_MSR_SVERSION:	*val = HV_SYNIC_VERSION_1; break;
	case HV_X64_MSR_SIEFP:		*val = s->siefp; break;
	case HV_X64_MSR_SIMP:		*val = s->simp; break;
	case HV_X64_MSR_EOM:		*val = 0; break;	/* TLFS "SynIC MSRs": reads 0 */
	default:			*val = s->sint[index - HV_X64_MSR_SINT0]; break;
	}
	pthread_mutex_unlock(&vp->lock);
	return 0;
}

int hv_synic_msr_write(struct hv_vp *vp, u32 index, u64 val)
{
	struct hv_synic *s = &vp->synic;
	int ret = 0;

	pthread_mutex_lock(&vp->lock);
	switch (index) {
	case HV_X64_MSR_SCONTROL:	/* TLFS "SynIC MSRs": [0] enable, [63:1] RsvdP */
		s->scontrol = (val & HV_SYNIC_CONTROL_ENABLE) | (s->scontrol & SCONTROL_RSVDP);
		break;
	case HV_X64_MSR_SVERSION:
		ret = -EPERM;	/* read-only */
		break;
	case HV_X64_MSR_SIEFP:
		ret = page_msr_write(vp, &s->siefp, val);
		break;
	case HV_X64_MSR_SIMP:
		ret = page_msr_write(vp, &s->simp, val);
		break;
	case HV_X64_MSR_EOM:
		eom(vp);
		break;
	default:
		ret = sint_write(vp, index - HV_X64_MSR_SINT0, val);
		break;
	}
	pthread_mutex_unlock(&vp->lock);
	return ret;
}

/* ---- Connections and the PostMessage / SignalEvent hypercalls ------------------------------ */

static const struct hv_connection *connection_find(const struct hv *hv, u32 id)
{
	for (unsigned int i = 0; i < hv->cfg.nr_connections; i++)
		if (hv->cfg.connections[i].id == id)
			return &hv->cfg.connections[i];
	return NULL;
}

static int parse_one(const char *s, struct hv_connection *c, char *err, size_t errlen)
{
	char kind[8];
	unsigned int id, vp, sint, flag = 0;
	int n = 0, m = 0;

	if (sscanf(s, "%u=%7[a-z]:%u:%u%n", &id, kind, &vp, &sint, &n) != 4) {
		snprintf(err, errlen, "'%s' is not ID=msg:VP:SINT or ID=event:VP:SINT:FLAG", s);
		return -EINVAL;
	}
	*c = (struct hv_connection) { .id = id, .vp = vp, .sint = sint };
	if (!strcmp(kind, "msg") && !s[n]) {
		c->kind = HV_CONNECTION_MESSAGE;
	} else if (!strcmp(kind, "event") && sscanf(s + n, ":%u%n", &flag, &m) == 1 && !s[n + m] &&
		   flag < HV_EVENT_FLAGS_COUNT) {
		c->kind = HV_CONNECTION_EVENT;
		c->flag_base = flag;
	} else {
		snprintf(err, errlen, "'%s' is not ID=msg:VP:SINT or ID=event:VP:SINT:FLAG", s);
		return -EINVAL;
	}
	if (sint >= HV_SYNIC_SINT_COUNT) {
		snprintf(err, errlen, "'%s': SINT %u is not 0-15", s, sint);
		return -EINVAL;
	}
	return 0;
}

int hv_connections_parse(const char *spec, struct hv_config *cfg, char *err, size_t errlen)
{
	char *copy = strdup(spec ? spec : ""), *save = NULL;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	cfg->nr_connections = 0;
	for (char *t = strtok_r(copy, ", ", &save); t && !ret; t = strtok_r(NULL, ", ", &save)) {
		struct hv_connection c;

		ret = parse_one(t, &c, err, errlen);
		if (ret)
			break;
		if (c.vp >= cfg->nr_vps) {
			snprintf(err, errlen, "'%s': VP %u does not exist (%u vCPUs)", t, c.vp,
				 cfg->nr_vps);
			ret = -EINVAL;
		} else if (cfg->nr_connections == HV_MAX_CONNECTIONS) {
			snprintf(err, errlen, "more than %d connections", HV_MAX_CONNECTIONS);
			ret = -E2BIG;
		} else {
			for (unsigned int i = 0; i < cfg->nr_connections; i++)
				if (cfg->connections[i].id == c.id)
					ret = -EEXIST;
			if (ret)
				snprintf(err, errlen, "connection %u is defined twice", c.id);
			else
				cfg->connections[cfg->nr_connections++] = c;
		}
	}
	free(copy);
	return ret;
}

/* HvCallPostMessage (TLFS "HvCallPostMessage"): 256-byte input, memory form only. */
static hv_status_t post_message(struct hv_hcall_ctx *ctx)
{
	const struct hv_input_post_message *in = (const void *)ctx->in;
	const struct hv_connection *c = connection_find(ctx->vp->hv, in->connection_id);
	struct hv_message msg = { 0 };
	struct hv_vp *target;
	int ret;

	if (in->payload_size > HV_MESSAGE_PAYLOAD_BYTE_COUNT || !in->message_type ||
	    (in->message_type & HV_MESSAGE_TYPE_HYPERVISOR_MASK) || in->reserved)
		return HV_STATUS_INVALID_PARAMETER;
	if (!c || c->kind != HV_CONNECTION_MESSAGE)
		return HV_STATUS_INVALID_CONNECTION_ID;
	target = hv_vp_get(ctx->vp->hv, c->vtl, c->vp);
	if (!target)
		return HV_STATUS_INVALID_CONNECTION_ID;
	msg.header.message_type = in->message_type;
	msg.header.payload_size = in->payload_size;
	msg.header.port = in->connection_id;
	memcpy(msg.payload_bytes, in->payload, in->payload_size);
	ret = hv_synic_post(target, c->sint, &msg);
	if (ret == -ENOSPC)
		return HV_STATUS_INSUFFICIENT_BUFFERS;
	return ret ? HV_STATUS_INVALID_SYNIC_STATE : HV_STATUS_SUCCESS;
}

/* HvCallSignalEvent (TLFS "HvCallSignalEvent"): fast or memory form, 8 bytes. */
static hv_status_t signal_event(struct hv_hcall_ctx *ctx)
{
	const struct hv_input_signal_event *in = (const void *)ctx->in;
	const struct hv_connection *c = connection_find(ctx->vp->hv, in->connection_id);
	struct hv_vp *target;
	unsigned int flag;

	if (in->reserved)
		return HV_STATUS_INVALID_PARAMETER;
	if (!c || c->kind != HV_CONNECTION_EVENT)
		return HV_STATUS_INVALID_CONNECTION_ID;
	flag = c->flag_base + in->flag_number;
	if (flag >= HV_EVENT_FLAGS_COUNT)
		return HV_STATUS_INVALID_PARAMETER;
	target = hv_vp_get(ctx->vp->hv, c->vtl, c->vp);
	if (!target || hv_synic_signal(target, c->sint, flag))
		return HV_STATUS_INVALID_SYNIC_STATE;
	return HV_STATUS_SUCCESS;
}

const struct hv_hcall_desc hv_hcalls_synic[] = {
	HV_HCALL(HVCALL_POST_MESSAGE, post_message, HCALL_NO_FAST, HV_POST_MESSAGES,
		 sizeof(struct hv_input_post_message), 0, 0, 0),
	HV_HCALL(HVCALL_SIGNAL_EVENT, signal_event, 0, HV_SIGNAL_EVENTS,
		 sizeof(struct hv_input_signal_event), 0, 0, 0),
};
const unsigned int hv_hcalls_synic_count = ARRAY_SIZE(hv_hcalls_synic);
