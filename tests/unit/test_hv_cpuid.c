// SPDX-License-Identifier: MIT
/*
 * hv/cpuid.c (and hv_features_init in hv/hv.c): the leaves 0x40000000-
 * 0x4000000A, the privileges, features and hints vtlvm implements, and the
 * hyperv:privileges/features/hints masks, which can withhold a bit but never
 * add one.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fake_hv.h"

/* What vtlvm implements, spelled out independently of hv/hv.c. */
static const u64 privileges =
	HV_ACCESS_VP_RUNTIME_REG | HV_ACCESS_PARTITION_REFERENCE_COUNTER | HV_ACCESS_SYNIC_REGS |
	HV_ACCESS_SYNTHETIC_TIMER_REGS | HV_ACCESS_HYPERCALL_MSRS | HV_ACCESS_VP_INDEX |
	HV_ACCESS_PARTITION_REFERENCE_TSC | HV_ACCESS_FREQUENCY_REGS | HV_POST_MESSAGES |
	HV_SIGNAL_EVENTS | HV_ACCESS_VSM | HV_ACCESS_VP_REGISTERS | HV_START_VIRTUAL_PROCESSOR;
/* TLFS "Virtual Secure Mode": the set hyperv:vsm = off takes away. */
static const u64 vsm_set =
	HV_ACCESS_VSM | HV_ACCESS_VP_REGISTERS | HV_START_VIRTUAL_PROCESSOR | HV_ACCESS_SYNIC_REGS;
static const u32 features =
	HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE | HV_X64_HYPERCALL_XMM_OUTPUT_AVAILABLE |
	HV_FEATURE_FREQUENCY_MSRS_AVAILABLE | HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE |
	HV_STIMER_DIRECT_MODE_AVAILABLE;
static const u32 hints =
	HV_X64_RELAXED_TIMING_RECOMMENDED | HV_DEPRECATING_AEOI_RECOMMENDED |
	HV_X64_CLUSTER_IPI_RECOMMENDED | HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED;

struct masks {
	u64 privileges;
	u32 features, hints;
	bool flush_hint;
};

/* The leaves of a fresh partition with nr_vps VPs and masks m. */
static void leaves_for(const struct masks *m, u32 nr_vps, struct hv_cpuid_leaf *out)
{
	struct hv_config cfg = fake_hv_config(nr_vps);
	struct fake_hv *f;

	cfg.privilege_mask = m->privileges;
	cfg.feature_mask = m->features;
	cfg.hint_mask = m->hints;
	cfg.flush_hint = m->flush_hint;
	f = fake_hv_new_cfg(&cfg);
	assert_non_null(f);
	hv_cpuid_leaves(f->hv, 0, out);
	/* The partition's own view (used to gate MSRs and hypercalls) is what CPUID shows. */
	assert_int_equal(f->hv->privileges, (u64)out[3].ebx << 32 | out[3].eax);
	assert_int_equal(f->hv->features, out[3].edx);
	assert_int_equal(f->hv->hints, out[4].eax);
	fake_hv_free(f);
}

static void assert_masked(const struct masks *m)
{
	struct hv_cpuid_leaf l[HV_CPUID_NR_LEAVES];
	u64 priv;
	u32 want_hints = hints | (m->flush_hint ? HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED : 0);

	leaves_for(m, 1, l);
	priv = (u64)l[3].ebx << 32 | l[3].eax;
	if (priv != (privileges & m->privileges) || l[3].edx != (features & m->features) ||
	    l[4].eax != (want_hints & m->hints))
		fail_msg("masks %#llx/%#x/%#x: privileges %#llx, features %#x, hints %#x",
			 (unsigned long long)m->privileges, m->features, m->hints,
			 (unsigned long long)priv, l[3].edx, l[4].eax);
}

static void test_cpuid_identity_leaves(void **state)
{
	const struct masks all = { ~0ULL, ~0U, ~0U, false };
	struct hv_cpuid_leaf l[HV_CPUID_NR_LEAVES];
	char vendor[13] = "", sig[5] = "";

	(void)state;
	leaves_for(&all, 5, l);
	for (unsigned int i = 0; i < HV_CPUID_NR_LEAVES; i++)
		assert_int_equal(l[i].function, 0x40000000 + i);
	assert_int_equal(HV_CPUID_NR_LEAVES, 11);
	assert_int_equal(l[0].eax, 0x4000000a);
	memcpy(vendor, &l[0].ebx, 4);
	memcpy(vendor + 4, &l[0].ecx, 4);
	memcpy(vendor + 8, &l[0].edx, 4);
	assert_string_equal(vendor, "Microsoft Hv");
	memcpy(sig, &l[1].eax, 4);
	assert_string_equal(sig, "Hv#1");
	assert_int_equal(l[1].ebx | l[1].ecx | l[1].edx, 0);
	assert_int_equal(l[2].eax, 17763);
	assert_int_equal(l[2].ebx, 10 << 16 | 0);
	/* Spinlock retries: never notify. */
	assert_int_equal(l[4].ebx, 0xffffffff);
	assert_int_equal(l[4].ecx | l[4].edx, 0);
	assert_int_equal(l[3].ecx, 0);
	assert_int_equal(l[5].eax, 5);
	assert_int_equal(l[5].ebx, 5);
	for (unsigned int i = 6; i < HV_CPUID_NR_LEAVES; i++)
		assert_int_equal(l[i].eax | l[i].ebx | l[i].ecx | l[i].edx, 0);
}

static void test_cpuid_defaults(void **state)
{
	const struct masks all = { ~0ULL, ~0U, ~0U, false };
	const struct masks flush = { ~0ULL, ~0U, ~0U, true };
	struct hv_cpuid_leaf l[HV_CPUID_NR_LEAVES];

	(void)state;
	leaves_for(&all, 1, l);
	assert_int_equal(l[3].eax, (u32)privileges);
	assert_int_equal(l[3].ebx, (u32)(privileges >> 32));
	assert_int_equal(l[3].edx, features);
	assert_int_equal(l[4].eax, hints);
	leaves_for(&flush, 1, l);
	assert_int_equal(l[4].eax, hints | HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED);
}

/* Withholding any one bit removes exactly that bit, implemented or not. */
static void test_cpuid_single_bit_withheld(void **state)
{
	(void)state;
	for (unsigned int b = 0; b < 64; b++) {
		struct masks m = { ~BIT(b), ~0U, ~0U, true };

		assert_masked(&m);
		if (b >= 32)
			continue;
		m = (struct masks) { ~0ULL, ~(u32)BIT(b), ~0U, true };
		assert_masked(&m);
		m = (struct masks) { ~0ULL, ~0U, ~(u32)BIT(b), true };
		assert_masked(&m);
	}
}

/* Arbitrary masks: the result is always the implemented set intersected with the mask. */
static void test_cpuid_masks_never_add(void **state)
{
	static const struct masks fixed[] = {
		{ 0, 0, 0, false }, { 0, 0, 0, true }, { ~0ULL, 0, 0, true },
		{ ~privileges, ~features, ~hints, true },
		{ HV_ACCESS_VSM | HV_ACCESS_INTR_CTRL_REGS | HV_ENABLE_EXTENDED_HYPERCALLS,
		  HV_X64_HYPERCALL_MSR_LOCK_AVAILABLE | HV_X64_SINT_POLLING_MODE_AVAILABLE,
		  HV_X64_APIC_ACCESS_RECOMMENDED | HV_X64_SYSTEM_RESET_RECOMMENDED, true },
	};
	u64 x = 0x9e3779b97f4a7c15ULL;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fixed); i++)
		assert_masked(&fixed[i]);
	for (unsigned int i = 0; i < 64; i++) {
		struct masks m;

		x ^= x << 13;	/* xorshift64 */
		x ^= x >> 7;
		x ^= x << 17;
		m.privileges = x;
		m.features = (u32)(x >> 17);
		m.hints = (u32)(x >> 29);
		m.flush_hint = x & 1;
		assert_masked(&m);
	}
}

/* hyperv:vsm = off: none of the VSM set; the rest as before. */
static void test_cpuid_vsm_off(void **state)
{
	struct hv_config cfg = fake_hv_config(1);
	struct hv_cpuid_leaf l[HV_CPUID_NR_LEAVES];
	struct fake_hv *f;

	(void)state;
	cfg.vsm = false;
	cfg.max_vtl = 0;
	f = fake_hv_new_cfg(&cfg);
	assert_non_null(f);
	hv_cpuid_leaves(f->hv, 0, l);
	assert_int_equal((u64)l[3].ebx << 32 | l[3].eax, privileges & ~vsm_set);
	assert_int_equal(hv_vtl_enable(f->hv, 1), -EINVAL);
	fake_hv_free(f);
}

/* VTL1's VM shows VTL0's privileges plus AccessIntrCtrlRegs (its APIC is the VMM's). */
static void test_cpuid_vtl1(void **state)
{
	struct fake_hv *f = fake_hv_new(2);
	struct hv_cpuid_leaf l0[HV_CPUID_NR_LEAVES], l1[HV_CPUID_NR_LEAVES];

	(void)state;
	assert_non_null(f);
	hv_cpuid_leaves(f->hv, 0, l0);
	hv_cpuid_leaves(f->hv, 1, l1);
	assert_int_equal((u64)l1[3].ebx << 32 | l1[3].eax, privileges | HV_ACCESS_INTR_CTRL_REGS);
	assert_int_equal(l0[3].edx, l1[3].edx);
	assert_int_equal(l0[4].eax, l1[4].eax);
	assert_int_equal(hv_vtl_enable(f->hv, 1), 0);
	assert_int_equal(f->hv->vtl[1]->privileges, privileges | HV_ACCESS_INTR_CTRL_REGS);
	assert_int_equal(hv_vtl_enable(f->hv, 1), -EEXIST);
	assert_int_equal(hv_vtl_enable(f->hv, 2), -EINVAL);
	fake_hv_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpuid_vsm_off),
		cmocka_unit_test(test_cpuid_vtl1),
		cmocka_unit_test(test_cpuid_identity_leaves),
		cmocka_unit_test(test_cpuid_defaults),
		cmocka_unit_test(test_cpuid_single_bit_withheld),
		cmocka_unit_test(test_cpuid_masks_never_add),
	};

	return cmocka_run_group_tests_name("hv_cpuid", tests, NULL, NULL);
}
