// SPDX-License-Identifier: MIT
/*
 * hv/reftime.c: the TSC scale against a long-double reference, the TSC-page
 * formula after calibration, agreement of TIME_REF_COUNT (CLOCK_MONOTONIC)
 * and the TSC page over simulated hours, the conversions between reference
 * time and CLOCK_MONOTONIC, and the page fill. Pure arithmetic: no fake.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "hv/reftime.h"

static const u64 freqs[] = {
	1000000000ULL, 2500000000ULL, 3000001000ULL, 1999999999ULL, 4200000000ULL, 10000001ULL,
};
static const u64 tsc0s[] = { 0, 123456789012ULL, 1ULL << 50 };

static struct hv_reftime calibrated(u64 hz, u64 tsc0, u64 mono0)
{
	static struct hv hv;

	memset(&hv, 0, sizeof(hv));
	hv_reftime_calibrate(&hv, hz, tsc0, mono0);
	return hv.ref;
}

/* The TSC value hz ticks per second reach t_ns after tsc0. */
static u64 tsc_after(u64 tsc0, u64 hz, u64 t_ns)
{
	return tsc0 + (u64)((unsigned __int128)t_ns * hz / 1000000000ULL);
}

/*
 * Exact: scale is floor(10^7 * 2^64 / hz), i.e. scale * hz <= 10^7 * 2^64 <
 * (scale + 1) * hz. Against long double too, within its precision (valgrind
 * runs long double at double precision, so allow 2^-50 relative).
 */
static void test_reftime_scale(void **state)
{
	const unsigned __int128 num = (unsigned __int128)10000000ULL << 64;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(freqs); i++) {
		long double want = 1e7L * 18446744073709551616.0L / freqs[i];
		u64 got = hv_reftime_scale(freqs[i]);
		long double err = (long double)got - want;

		assert_true((unsigned __int128)got * freqs[i] <= num);
		assert_true(((unsigned __int128)got + 1) * freqs[i] > num);
		if ((err < 0 ? -err : err) > 1 + want / 1125899906842624.0L)
			fail_msg("%llu Hz: scale %#llx, expected %.1Lf", (unsigned long long)freqs[i],
				 (unsigned long long)got, want);
	}
	/* 1 GHz: 1/100 of 2^64, truncated. */
	assert_int_equal(hv_reftime_scale(1000000000ULL), 184467440737095516ULL);
}

static void test_reftime_from_tsc_after_calibration(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(freqs); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(tsc0s); j++) {
			struct hv_reftime r = calibrated(freqs[i], tsc0s[j], 777);

			assert_int_equal(r.tsc_hz, freqs[i]);
			assert_int_equal(r.tsc_scale, hv_reftime_scale(freqs[i]));
			assert_int_equal(hv_reftime_from_tsc(&r, tsc0s[j]), 0);
			/* 10^7 per second of TSC, without drift over a day (truncation: -1). */
			for (u64 k = 1; k <= 86400; k += 1 + k / 3) {
				u64 ref = hv_reftime_from_tsc(&r, tsc0s[j] + k * freqs[i]);

				if (ref > k * 10000000ULL || ref + 1 < k * 10000000ULL)
					fail_msg("%llu Hz, tsc0 %llu, %llu s: %llu",
						 (unsigned long long)freqs[i],
						 (unsigned long long)tsc0s[j], (unsigned long long)k,
						 (unsigned long long)ref);
			}
		}
	}
}

/* TIME_REF_COUNT (from CLOCK_MONOTONIC) and the TSC page agree within a tick for hours. */
static void test_reftime_msr_matches_tsc_page(void **state)
{
	const u64 mono0 = 5000000000ULL + 12345;
	const u64 step = (7 * 60 + 13) * 1000000000ULL + 370000001ULL;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(freqs); i++) {
		for (size_t j = 0; j < ARRAY_SIZE(tsc0s); j++) {
			struct hv_reftime r = calibrated(freqs[i], tsc0s[j], mono0);
			struct hv_reference_tsc_page page;

			hv_reftime_fill_page(&r, &page);
			for (u64 t = 0; t < 12 * 3600 * 1000000000ULL; t += step) {
				u64 tsc = tsc_after(tsc0s[j], freqs[i], t);
				u64 msr = hv_reftime_at(&r, mono0 + t);
				u64 tscp = hv_reftime_from_tsc(&r, tsc);
				/* The formula a guest evaluates on the page. */
				u64 guest = (u64)(((unsigned __int128)tsc * page.tsc_scale) >> 64) +
					    (u64)page.tsc_offset;

				assert_int_equal(guest, tscp);
				assert_int_equal(msr, t / 100);
				if (msr > tscp + 1 || tscp > msr + 1)
					fail_msg("%llu Hz after %llu ns: MSR %llu, TSC page %llu",
						 (unsigned long long)freqs[i], (unsigned long long)t,
						 (unsigned long long)msr, (unsigned long long)tscp);
			}
		}
	}
}

static void test_reftime_mono_round_trip(void **state)
{
	static const u64 refs[] = {
		0, 1, 99, 12345, 10000000ULL, 36000000000ULL, 1000000000000ULL, 1ULL << 50,
	};
	const u64 mono0 = 1000000000000ULL;
	struct hv_reftime r = calibrated(2500000000ULL, 987654321, mono0);

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(refs); i++) {
		u64 mono = hv_reftime_to_mono(&r, refs[i]);

		assert_int_equal(mono, mono0 + refs[i] * 100);
		assert_int_equal(hv_reftime_at(&r, mono), refs[i]);
	}
	/* Back from CLOCK_MONOTONIC: the start of the 100 ns tick that contains it. */
	for (u64 d = 0; d < 100000; d += 37) {
		u64 ref = hv_reftime_at(&r, mono0 + d);

		assert_int_equal(ref, d / 100);
		assert_int_equal(hv_reftime_to_mono(&r, ref), mono0 + d - d % 100);
	}
}

/* A reference time past what CLOCK_MONOTONIC can hold is "never", not a wrap into the past. */
static void test_reftime_to_mono_saturates(void **state)
{
	static const u64 refs[] = {
		1000000000000000ULL, 184467440737095516ULL - 20000000000ULL,
		184467440737095516ULL, 184467440737095517ULL, 1ULL << 62, 1ULL << 63, UINT64_MAX,
	};
	struct hv_reftime r = calibrated(2500000000ULL, 0, 20000000000000ULL);
	u64 prev = r.mono0_ns;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(refs); i++) {
		u64 mono = hv_reftime_to_mono(&r, refs[i]);

		if (mono < prev)
			fail_msg("reference time %#llx maps to %#llx, before %#llx",
				 (unsigned long long)refs[i], (unsigned long long)mono,
				 (unsigned long long)prev);
		prev = mono;
	}
	assert_int_equal(hv_reftime_to_mono(&r, UINT64_MAX), UINT64_MAX);
}

static void test_reftime_now(void **state)
{
	u64 start = monotonic_ns();
	struct hv_reftime r = calibrated(3000001000ULL, 42, start - 3000000000ULL);
	u64 before = hv_reftime_at(&r, monotonic_ns());
	u64 now = hv_reftime_now(&r);
	u64 after = hv_reftime_at(&r, monotonic_ns());

	(void)state;
	assert_true(before >= 30000000ULL);
	assert_true(before <= now && now <= after);
	assert_true(after - before < 10000000ULL);	/* < 1 s */
}

static void test_reftime_fill_page(void **state)
{
	struct hv_reftime r = calibrated(2500000000ULL, 1ULL << 40, 1);
	struct hv_reference_tsc_page page;

	(void)state;
	memset(&page, 0, sizeof(page));
	hv_reftime_fill_page(&r, &page);
	assert_int_not_equal(page.tsc_sequence, HV_REFERENCE_TSC_SEQUENCE_INVALID);
	assert_int_not_equal(page.tsc_sequence, 0xffffffff);
	assert_int_equal(page.tsc_scale, hv_reftime_scale(2500000000ULL));
	assert_int_equal(page.tsc_offset, r.tsc_offset);
	assert_true(page.tsc_offset < 0);	/* the TSC had run before the VM started */
	assert_int_equal(page.reserved1, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reftime_scale),
		cmocka_unit_test(test_reftime_from_tsc_after_calibration),
		cmocka_unit_test(test_reftime_msr_matches_tsc_page),
		cmocka_unit_test(test_reftime_mono_round_trip),
		cmocka_unit_test(test_reftime_to_mono_saturates),
		cmocka_unit_test(test_reftime_now),
		cmocka_unit_test(test_reftime_fill_page),
	};

	return cmocka_run_group_tests_name("reftime", tests, NULL, NULL);
}
