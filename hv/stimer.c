// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "stimer: " fmt
#include "hv/stimer.h"

#include <errno.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "hv/reftime.h"
#include "hv/synic.h"
#include "vmm/log.h"

static u8 cfg_vector(u64 config)
{
	return (config & HV_STIMER_APIC_VECTOR_MASK) >> HV_STIMER_APIC_VECTOR_SHIFT;
}

static unsigned int cfg_sint(u64 config)
{
	return (config & HV_STIMER_SINTX_MASK) >> HV_STIMER_SINTX_SHIFT;
}

/* a + b in reference time; past the end of time is the end of time ("never"), not a wrap. */
static u64 ref_add(u64 a, u64 b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

static void arm(struct hv_stimer *t, u64 ref)
{
	u64 mono = hv_reftime_to_mono(&t->vp->hv->ref, ref);
	struct itimerspec its = {
		.it_value = { .tv_sec = mono / 1000000000ULL, .tv_nsec = mono % 1000000000ULL },
	};

	/* A zero it_value would disarm: an expiry at time 0 is "now". */
	if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
		its.it_value.tv_nsec = 1;
	t->expiration = ref;
	if (timerfd_settime(t->fd, TFD_TIMER_ABSTIME, &its, NULL))
		pr_warn_ratelimited("vp%u: cannot arm timer %u", t->vp->index, t->index);
}

static void stop(struct hv_stimer *t)
{
	struct itimerspec off = { 0 };

	t->pending = false;
	if (t->fd >= 0)
		timerfd_settime(t->fd, 0, &off, NULL);
}

/* Raise or post one expiry; false if it has to wait for a message slot. */
static bool deliver(struct hv_stimer *t, u64 now)
{
	struct hv_vp *vp = t->vp;
	const struct hv_host *h = &vp->hv->host;
	struct hv_timer_message_payload p = {
		.timer_index = t->index, .expiration_time = t->expiration, .delivery_time = now,
	};
	struct hv_message msg = { .header = {
		.message_type = HVMSG_TIMER_EXPIRED, .payload_size = sizeof(p),
	} };

	if (t->config & HV_STIMER_DIRECT_MODE) {
		if (h->ops->interrupt(h->ctx, vp->vtl, vp->index, cfg_vector(t->config)))
			pr_warn_ratelimited("vp%u: cannot raise timer %u's vector", vp->index,
					    t->index);
		return true;
	}
	memcpy(msg.payload, &p, sizeof(p));
	/* Not queued: the expiry stays pending here, retried at EOM with a fresh delivery time. */
	return !hv_synic_try_post_locked(vp, cfg_sint(t->config), &msg);
}

void hv_stimer_expire_locked(struct hv_stimer *t, u64 now)
{
	u64 next;

	if (!(t->config & HV_STIMER_ENABLE))
		return;
	if (now < t->expiration) {	/* woken early: wait for the rest */
		arm(t, t->expiration);
		return;
	}
	if (!deliver(t, now)) {
		t->pending = true;
		return;
	}
	t->pending = false;
	if (!(t->config & HV_STIMER_PERIODIC)) {
		t->config &= ~HV_STIMER_ENABLE;	/* one-shot: done */
		return;
	}
	next = ref_add(t->expiration, t->count);
	if (next <= now && (t->config & HV_STIMER_LAZY))
		next = ref_add(now, t->count);	/* lazy: drop missed periods */
	arm(t, next);
}

void hv_stimer_retry_locked(struct hv_vp *vp)
{
	u64 now = hv_reftime_now(&vp->hv->ref);

	for (unsigned int i = 0; i < HV_SYNIC_STIMER_COUNT; i++)
		if (vp->stimer[i].pending)
			hv_stimer_expire_locked(&vp->stimer[i], now);
}

static void start(struct hv_stimer *t)
{
	u64 now = hv_reftime_now(&t->vp->hv->ref);

	if (t->config & HV_STIMER_PERIODIC) {
		arm(t, ref_add(now, t->count));
		return;
	}
	/* One-shot: count is the absolute expiry time; a past one fires at once. */
	t->expiration = t->count;
	if (t->count <= now)
		hv_stimer_expire_locked(t, now);
	else
		arm(t, t->count);
}

static int config_write(struct hv_stimer *t, u64 val)
{
	bool direct = val & HV_STIMER_DIRECT_MODE;

	if (val & HV_STIMER_RESERVED_MASK)
		return -EPERM;
	if (direct && (!(t->vp->hv->features & HV_STIMER_DIRECT_MODE_AVAILABLE) ||
		       cfg_vector(val) < HV_SYNIC_FIRST_VALID_VECTOR))
		return -EPERM;
	stop(t);
	/* A message-mode timer without a SINT cannot run (KVM does the same). */
	if (!direct && !cfg_sint(val))
		val &= ~HV_STIMER_ENABLE;
	t->config = val;
	if ((t->config & HV_STIMER_ENABLE) && t->count)
		start(t);
	return 0;
}

static int count_write(struct hv_stimer *t, u64 val)
{
	stop(t);
	t->count = val;
	/* TLFS "Timers" (timer count): writing 0 stops the timer; auto-enable turns it on. */
	if (!val)
		t->config &= ~HV_STIMER_ENABLE;
	else if (t->config & HV_STIMER_AUTO_ENABLE)
		t->config |= HV_STIMER_ENABLE;
	if ((t->config & HV_STIMER_ENABLE) && t->count)
		start(t);
	return 0;
}

int hv_stimer_msr_read(struct hv_vp *vp, u32 index, u64 *val)
{
	unsigned int n = (index - HV_X64_MSR_STIMER0_CONFIG) / 2;
	struct hv_stimer *t = &vp->stimer[n];

	pthread_mutex_lock(&vp->lock);
	*val = (index - HV_X64_MSR_STIMER0_CONFIG) % 2 ? t->count : t->config;
	pthread_mutex_unlock(&vp->lock);
	return 0;
}

int hv_stimer_msr_write(struct hv_vp *vp, u32 index, u64 val)
{
	unsigned int n = (index - HV_X64_MSR_STIMER0_CONFIG) / 2;
	int ret;

	pthread_mutex_lock(&vp->lock);
	if ((index - HV_X64_MSR_STIMER0_CONFIG) % 2)
		ret = count_write(&vp->stimer[n], val);
	else
		ret = config_write(&vp->stimer[n], val);
	pthread_mutex_unlock(&vp->lock);
	return ret;
}

/* The event loop calls this when a timer's timerfd fires. */
static void stimer_fired(void *arg)
{
	struct hv_stimer *t = arg;
	u64 expirations;

	if (read(t->fd, &expirations, sizeof(expirations)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&t->vp->lock);
	hv_stimer_expire_locked(t, hv_reftime_now(&t->vp->hv->ref));
	pthread_mutex_unlock(&t->vp->lock);
}

int hv_stimer_init(struct hv_vp *vp)
{
	const struct hv_host *h = &vp->hv->host;

	for (unsigned int i = 0; i < HV_SYNIC_STIMER_COUNT; i++) {
		struct hv_stimer *t = &vp->stimer[i];

		*t = (struct hv_stimer) { .vp = vp, .index = i, .fd = -1 };
	}
	for (unsigned int i = 0; i < HV_SYNIC_STIMER_COUNT; i++) {
		struct hv_stimer *t = &vp->stimer[i];
		int ret;

		t->fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
		if (t->fd < 0)
			return -errno;
		ret = h->ops->watch_timer(h->ctx, t->fd, stimer_fired, t);
		if (ret)
			return ret;
	}
	return 0;
}

void hv_stimer_exit(struct hv_vp *vp)
{
	for (unsigned int i = 0; i < HV_SYNIC_STIMER_COUNT; i++) {
		if (vp->stimer[i].fd >= 0)
			close(vp->stimer[i].fd);
		vp->stimer[i].fd = -1;
	}
}
