// SPDX-License-Identifier: MIT
/*
 * hv/stimer.c: the config and count MSRs, one-shot and periodic arithmetic
 * (read back from the timerfd or driven by hv_stimer_expire_locked() at
 * chosen reference times), direct and message delivery, and expiries that
 * wait for a message slot until EOM.
 *
 * Reference time "now" is about 10^8 (calibrated 10 s ago). VP0 has SynIC and
 * SIMP enabled, SINT3 raising 0x50.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "hv/stimer.h"
#include "hv/synic.h"
#include "tests/unit/fake_hv.h"

#define SINT		3
#define SINT_VECTOR	0x50
#define DIRECT(v)	(HV_STIMER_DIRECT_MODE | ((u64)(v) << HV_STIMER_APIC_VECTOR_SHIFT))
#define SINTX(s)	((u64)(s) << HV_STIMER_SINTX_SHIFT)
#define PERIOD		1000000ULL	/* 100 ms */

static int setup(void **state)
{
	struct fake_hv *f = fake_hv_new(2);
	struct hv_vp *vp;

	if (!f)
		return -1;
	fake_hv_calibrate(f);
	vp = fake_vp(f, 0);
	if (hv_msr_write(vp, HV_X64_MSR_SCONTROL, 1) ||
	    hv_msr_write(vp, HV_X64_MSR_SIMP, FAKE_SIMP_GPA | 1) ||
	    hv_msr_write(vp, HV_X64_MSR_SINT(SINT), SINT_VECTOR))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fake_hv_free(*state);
	return 0;
}

static struct hv_stimer *timer(struct fake_hv *f, unsigned int n)
{
	return &fake_vp(f, 0)->stimer[n];
}

static int set_config(struct fake_hv *f, unsigned int n, u64 v)
{
	return hv_msr_write(fake_vp(f, 0), HV_X64_MSR_STIMER_CONFIG(n), v);
}

static int set_count(struct fake_hv *f, unsigned int n, u64 v)
{
	return hv_msr_write(fake_vp(f, 0), HV_X64_MSR_STIMER_COUNT(n), v);
}

static u64 config(struct fake_hv *f, unsigned int n)
{
	u64 v;

	assert_int_equal(hv_msr_read(fake_vp(f, 0), HV_X64_MSR_STIMER_CONFIG(n), &v), 0);
	return v;
}

static u64 now(struct fake_hv *f)
{
	return hv_reftime_now(&f->hv->ref);
}

/* Time left on the timerfd in ns; 0 if disarmed or already expired. */
static u64 remaining_ns(struct hv_stimer *t)
{
	struct itimerspec its;

	assert_int_equal(timerfd_gettime(t->fd, &its), 0);
	return (u64)its.it_value.tv_sec * 1000000000ULL + its.it_value.tv_nsec;
}

/* Has the timerfd fired (an expiry to read)? Consumes it. */
static bool fired(struct hv_stimer *t)
{
	u64 n;

	return read(t->fd, &n, sizeof(n)) == sizeof(n) && n > 0;
}

static void expire(struct hv_stimer *t, u64 when)
{
	pthread_mutex_lock(&t->vp->lock);
	hv_stimer_expire_locked(t, when);
	pthread_mutex_unlock(&t->vp->lock);
}

static const struct hv_message *slot(struct fake_hv *f)
{
	const struct hv_message_page *p = fake_gpa(f, FAKE_SIMP_GPA);

	return &p->sint_message[SINT];
}

static void guest_eom(struct fake_hv *f)
{
	((struct hv_message *)slot(f))->header.message_type = HVMSG_NONE;
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_EOM, 0), 0);
}

static void assert_timer_msg(struct fake_hv *f, u32 index, u64 expiration, u64 delivery)
{
	struct hv_timer_message_payload p;

	assert_int_equal(slot(f)->header.message_type, HVMSG_TIMER_EXPIRED);
	assert_int_equal(slot(f)->header.payload_size, sizeof(p));
	memcpy(&p, slot(f)->payload, sizeof(p));
	assert_int_equal(p.timer_index, index);
	assert_int_equal(p.expiration_time, expiration);
	if (delivery)
		assert_int_equal(p.delivery_time, delivery);
}

/* ---- the MSRs ------------------------------------------------------------------------------- */

static void test_stimer_config_checks(void **state)
{
	static const struct {
		u64 val;
		int ret;
	} cases[] = {
		{ BIT(13), -EPERM }, { BIT(15), -EPERM }, { BIT(20), -EPERM }, { BIT(63), -EPERM },
		{ DIRECT(0x0f), -EPERM }, { DIRECT(0) | HV_STIMER_ENABLE, -EPERM },
		{ DIRECT(0x10), 0 }, { SINTX(15) | HV_STIMER_LAZY | HV_STIMER_PERIODIC, 0 },
		{ DIRECT(0xff) | SINTX(2) | HV_STIMER_AUTO_ENABLE, 0 },
	};
	struct fake_hv *f = *state, *g;
	struct hv_config cfg = fake_hv_config(1);
	u64 want = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(set_config(f, 1, cases[i].val), cases[i].ret);
		if (!cases[i].ret)
			want = cases[i].val;
		assert_int_equal(config(f, 1), want);
	}
	/* Direct mode needs its feature. */
	cfg.feature_mask = ~(u32)HV_STIMER_DIRECT_MODE_AVAILABLE;
	g = fake_hv_new_cfg(&cfg);
	assert_non_null(g);
	assert_int_equal(set_config(g, 0, DIRECT(0x40)), -EPERM);
	assert_int_equal(set_config(g, 0, SINTX(1)), 0);
	fake_hv_free(g);
}

static void test_stimer_count_zero_disables(void **state)
{
	struct fake_hv *f = *state;

	assert_int_equal(set_config(f, 0, HV_STIMER_ENABLE | HV_STIMER_PERIODIC | SINTX(SINT)), 0);
	assert_int_equal(set_count(f, 0, PERIOD), 0);
	assert_true(config(f, 0) & HV_STIMER_ENABLE);
	assert_true(remaining_ns(timer(f, 0)) > 0);
	assert_int_equal(set_count(f, 0, 0), 0);
	assert_false(config(f, 0) & HV_STIMER_ENABLE);
	assert_int_equal(remaining_ns(timer(f, 0)), 0);
	/* A message-mode timer needs a SINT: SINT 0 leaves it disabled. */
	assert_int_equal(set_config(f, 0, HV_STIMER_ENABLE | HV_STIMER_PERIODIC), 0);
	assert_false(config(f, 0) & HV_STIMER_ENABLE);
}

static void test_stimer_auto_enable(void **state)
{
	struct fake_hv *f = *state;
	u64 rem;

	assert_int_equal(set_config(f, 2, HV_STIMER_PERIODIC | DIRECT(0x60)), 0);
	assert_int_equal(set_count(f, 2, PERIOD), 0);
	assert_false(config(f, 2) & HV_STIMER_ENABLE);
	assert_int_equal(remaining_ns(timer(f, 2)), 0);
	assert_int_equal(set_config(f, 2, HV_STIMER_PERIODIC | HV_STIMER_AUTO_ENABLE | DIRECT(0x60)),
			 0);
	assert_false(config(f, 2) & HV_STIMER_ENABLE);
	assert_int_equal(set_count(f, 2, PERIOD), 0);
	assert_true(config(f, 2) & HV_STIMER_ENABLE);
	rem = remaining_ns(timer(f, 2));	/* one period from now, not from time 0 */
	assert_true(rem > 0 && rem <= PERIOD * 100);
	assert_int_equal(f->nr_irqs, 0);
}

/* ---- one-shot and periodic ------------------------------------------------------------------ */

static void test_stimer_one_shot_in_past_fires_at_once(void **state)
{
	struct fake_hv *f = *state;

	/* Enabled with count 0 does nothing; the count write starts it, already late. */
	assert_int_equal(set_config(f, 1, HV_STIMER_ENABLE | DIRECT(0x60)), 0);
	assert_int_equal(f->nr_irqs, 0);
	assert_int_equal(set_count(f, 1, 1), 0);
	assert_int_equal(f->nr_irqs, 1);
	assert_int_equal(f->irqs[0].vp, 0);
	assert_int_equal(f->irqs[0].vector, 0x60);
	assert_false(config(f, 1) & HV_STIMER_ENABLE);
	assert_int_equal(remaining_ns(timer(f, 1)), 0);
	/* The same with the count written first. */
	assert_int_equal(set_config(f, 1, DIRECT(0x61)), 0);
	assert_int_equal(set_count(f, 1, now(f) - 5), 0);
	assert_int_equal(f->nr_irqs, 1);
	assert_int_equal(set_config(f, 1, HV_STIMER_ENABLE | DIRECT(0x61)), 0);
	assert_int_equal(f->nr_irqs, 2);
	assert_int_equal(f->irqs[1].vector, 0x61);
	assert_false(config(f, 1) & HV_STIMER_ENABLE);
}

static void test_stimer_one_shot_future(void **state)
{
	struct fake_hv *f = *state;
	struct hv_stimer *t = timer(f, 3);
	u64 at = now(f) + 10000000ULL, rem;	/* in 1 s */

	assert_int_equal(set_config(f, 3, HV_STIMER_ENABLE | DIRECT(0x70)), 0);
	assert_int_equal(set_count(f, 3, at), 0);
	assert_int_equal(t->expiration, at);
	rem = remaining_ns(t);	/* slack for a slow (valgrind) run */
	assert_true(rem > 500000000ULL && rem <= 1000000000ULL);
	/* Woken early: nothing yet, still armed for the same time. */
	expire(t, at - 1);
	assert_int_equal(f->nr_irqs, 0);
	assert_int_equal(t->expiration, at);
	assert_true(config(f, 3) & HV_STIMER_ENABLE);
	expire(t, at + 5);
	assert_int_equal(f->nr_irqs, 1);
	assert_int_equal(f->irqs[0].vector, 0x70);
	assert_false(config(f, 3) & HV_STIMER_ENABLE);
	/* Disabled: a late wake-up delivers nothing. */
	expire(t, at + 50);
	assert_int_equal(f->nr_irqs, 1);
}

static void test_stimer_periodic_rearms_from_expiration(void **state)
{
	struct fake_hv *f = *state;
	struct hv_stimer *t = timer(f, 0);
	u64 before = now(f), e;

	assert_int_equal(set_config(f, 0, HV_STIMER_ENABLE | HV_STIMER_PERIODIC | DIRECT(0x62)), 0);
	assert_int_equal(set_count(f, 0, PERIOD), 0);
	e = t->expiration;
	assert_true(e >= before + PERIOD && e <= now(f) + PERIOD);
	/* Delivered late: the next expiry is one period after the last one, not after now. */
	expire(t, e + 3);
	assert_int_equal(f->nr_irqs, 1);
	assert_int_equal(t->expiration, e + PERIOD);
	expire(t, e + PERIOD);
	assert_int_equal(f->nr_irqs, 2);
	assert_int_equal(t->expiration, e + 2 * PERIOD);
	assert_true(config(f, 0) & HV_STIMER_ENABLE);
	assert_int_equal(f->irqs[1].vector, 0x62);
}

static void test_stimer_lazy_skips_non_lazy_catches_up(void **state)
{
	struct fake_hv *f = *state;

	for (int lazy = 0; lazy < 2; lazy++) {
		struct hv_stimer *t = timer(f, lazy);
		u64 e, late;

		f->nr_irqs = 0;
		assert_int_equal(set_config(f, lazy, HV_STIMER_ENABLE | HV_STIMER_PERIODIC |
					    (lazy ? HV_STIMER_LAZY : 0) | DIRECT(0x63)), 0);
		assert_int_equal(set_count(f, lazy, PERIOD), 0);
		e = t->expiration;
		late = e + 5 * PERIOD + 7;	/* five periods missed */
		expire(t, late);
		assert_int_equal(f->nr_irqs, 1);
		if (lazy) {
			assert_int_equal(t->expiration, late + PERIOD);
			continue;
		}
		/* Catching up: each missed expiry is due at once, one after the other. */
		for (u64 k = 1; k <= 5; k++) {
			assert_int_equal(t->expiration, e + k * PERIOD);
			expire(t, late);
			assert_int_equal(f->nr_irqs, 1 + k);
		}
		assert_int_equal(t->expiration, e + 6 * PERIOD);
	}
}

/* ---- delivery ------------------------------------------------------------------------------- */

static void test_stimer_message_mode(void **state)
{
	struct fake_hv *f = *state;
	struct hv_stimer *t = timer(f, 2);
	u64 at = now(f) + 10000000ULL;

	assert_int_equal(set_config(f, 2, HV_STIMER_ENABLE | SINTX(SINT)), 0);
	assert_int_equal(set_count(f, 2, at), 0);
	expire(t, at + 42);
	assert_timer_msg(f, 2, at, at + 42);
	assert_int_equal(slot(f)->header.sender, 0);
	assert_int_equal(f->nr_irqs, 1);
	assert_int_equal(f->irqs[0].vector, SINT_VECTOR);
	assert_false(config(f, 2) & HV_STIMER_ENABLE);
	assert_false(t->pending);
}

/*
 * An expiry that finds no room (slot busy and the SINT's queue full, or no
 * message page) stays pending and is retried at EOM, at the real time then:
 * these timers are due in the past so that the retry delivers.
 */
static void test_stimer_busy_slot_waits_for_eom(void **state)
{
	struct fake_hv *f = *state;
	struct hv_stimer *t = timer(f, 1);
	struct hv_message m = { .header = { .message_type = 0x123, .payload_size = 8 } };
	u64 at = now(f) - 100;

	for (unsigned int i = 0; i <= HV_SINT_QUEUE_LEN; i++)
		assert_int_equal(hv_synic_post(fake_vp(f, 0), SINT, &m), 0);
	f->nr_irqs = 0;
	assert_int_equal(set_config(f, 1, HV_STIMER_ENABLE | SINTX(SINT)), 0);
	assert_int_equal(set_count(f, 1, at), 0);
	assert_true(t->pending);
	assert_true(config(f, 1) & HV_STIMER_ENABLE);
	assert_int_equal(f->nr_irqs, 0);
	/*
	 * The expiry waits in the timer, not in the queue: each EOM first moves a
	 * queued posted message into the slot, and the timer message comes once
	 * the slot is free with nothing queued, with the time it was delivered.
	 */
	for (unsigned int i = 0; i < HV_SINT_QUEUE_LEN; i++) {
		guest_eom(f);
		assert_int_equal(slot(f)->header.message_type, 0x123);
		assert_true(t->pending);
		assert_true(config(f, 1) & HV_STIMER_ENABLE);
	}
	guest_eom(f);
	assert_false(t->pending);
	assert_false(config(f, 1) & HV_STIMER_ENABLE);
	assert_timer_msg(f, 1, at, 0);
	assert_int_equal(slot(f)->header.message_flags, 0);
}

static void test_stimer_synic_off_waits_for_eom(void **state)
{
	struct fake_hv *f = *state;
	struct hv_stimer *t = timer(f, 0);
	u64 at;

	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_SIMP, FAKE_SIMP_GPA), 0);
	assert_int_equal(set_config(f, 0, HV_STIMER_ENABLE | HV_STIMER_PERIODIC | SINTX(SINT)), 0);
	assert_int_equal(set_count(f, 0, PERIOD), 0);
	expire(t, t->expiration);
	assert_true(t->pending);
	at = t->expiration;
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_SIMP, FAKE_SIMP_GPA | 1), 0);
	assert_true(t->pending);
	assert_int_equal(f->nr_irqs, 0);
	/* Retried at EOM: if due (it is not yet, in real time), delivered; else re-armed. */
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_EOM, 0), 0);
	assert_int_equal(t->expiration, at);
	assert_true(remaining_ns(t) > 0);
	t->expiration = now(f) - 1;
	at = t->expiration;
	assert_int_equal(hv_msr_write(fake_vp(f, 0), HV_X64_MSR_EOM, 0), 0);
	assert_false(t->pending);
	assert_timer_msg(f, 0, at, 0);
	assert_true(slot(f)->payload[2] >= at);	/* delivery_time: at the EOM */
	assert_int_equal(t->expiration, at + PERIOD);
	assert_int_equal(f->nr_irqs, 1);
}

/* The event loop's path: the watched timerfd fires and its fn runs. */
static void test_stimer_fires_through_watched_fd(void **state)
{
	struct fake_hv *f = *state;
	struct hv_stimer *t = timer(f, 3);
	struct timespec nap = { .tv_nsec = 2000000 };
	struct fake_timer *w = NULL;

	for (unsigned int i = 0; i < f->nr_timers; i++)
		if (f->timers[i].arg == t)
			w = &f->timers[i];
	assert_non_null(w);
	assert_int_equal(w->fd, t->fd);
	assert_int_equal(f->nr_timers, 2 * HV_SYNIC_STIMER_COUNT);
	assert_int_equal(set_config(f, 3, HV_STIMER_ENABLE | DIRECT(0x64)), 0);
	assert_int_equal(set_count(f, 3, now(f) + 10), 0);	/* 1 us */
	nanosleep(&nap, NULL);
	w->fn(w->arg);
	assert_int_equal(f->nr_irqs, 1);
	assert_int_equal(f->irqs[0].vector, 0x64);
	assert_false(config(f, 3) & HV_STIMER_ENABLE);
}

/* A time past the end of CLOCK_MONOTONIC means never, not now. */
static void test_stimer_far_future_never_fires(void **state)
{
	static const struct {
		u64 config, count;
	} cases[] = {
		{ HV_STIMER_ENABLE | DIRECT(0x65), UINT64_MAX },
		{ HV_STIMER_ENABLE | DIRECT(0x65), 1ULL << 62 },
		{ HV_STIMER_ENABLE | HV_STIMER_PERIODIC | DIRECT(0x65), UINT64_MAX },
		{ HV_STIMER_ENABLE | HV_STIMER_PERIODIC | DIRECT(0x65), 1ULL << 63 },
	};
	struct fake_hv *f = *state;
	struct hv_stimer *t = timer(f, 0);

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(set_config(f, 0, cases[i].config), 0);
		assert_int_equal(set_count(f, 0, cases[i].count), 0);
		if (remaining_ns(t) < 365 * 86400 * 1000000000ULL || fired(t))
			fail_msg("config %#llx count %#llx: due in %llu ns",
				 (unsigned long long)cases[i].config,
				 (unsigned long long)cases[i].count,
				 (unsigned long long)remaining_ns(t));
		assert_true(t->expiration > now(f));
		assert_true(config(f, 0) & HV_STIMER_ENABLE);
		assert_int_equal(set_count(f, 0, 0), 0);
	}
	assert_int_equal(f->nr_irqs, 0);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_stimer_config_checks),
		T(test_stimer_count_zero_disables),
		T(test_stimer_auto_enable),
		T(test_stimer_one_shot_in_past_fires_at_once),
		T(test_stimer_one_shot_future),
		T(test_stimer_periodic_rearms_from_expiration),
		T(test_stimer_lazy_skips_non_lazy_catches_up),
		T(test_stimer_message_mode),
		T(test_stimer_busy_slot_waits_for_eom),
		T(test_stimer_synic_off_waits_for_eom),
		T(test_stimer_fires_through_watched_fd),
		T(test_stimer_far_future_never_fires),
	};

	return cmocka_run_group_tests_name("stimer", tests, NULL, NULL);
}
