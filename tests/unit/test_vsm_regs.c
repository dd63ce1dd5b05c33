// SPDX-License-Identifier: MIT
/*
 * vtl/vsm_regs.c through HvCallGet/SetVpRegisters (hv/hcall_regs.c, which
 * hands it every name beyond the synthetic registers): the read-only VSM
 * registers, VsmPartitionConfig, VsmVpSecureConfigVtl0, VsmVina, the
 * CrIntercept registers, PendingEvent0 and the architectural registers of a
 * lower VTL, on a fake partition (fake_vsm.h) whose VTL1 is up on VP0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>

#include "tests/unit/fake_vsm.h"

#define SELF		HV_PARTITION_ID_SELF
#define OK		HV_STATUS_SUCCESS
#define INVAL		HV_STATUS_INVALID_PARAMETER
#define DENIED		HV_STATUS_ACCESS_DENIED
#define BAD_VALUE	HV_STATUS_INVALID_REGISTER_VALUE
#define T0		HV_INPUT_VTL_USE_TARGET_VTL	/* HV_INPUT_VTL: target VTL0 */
#define T1		(HV_INPUT_VTL_USE_TARGET_VTL | 1)
#define OWN		0				/* HV_INPUT_VTL: the caller's VTL */
#define VTL0(fv)	fake_vsm_vp(fv, 0, 0)
#define VTL1(fv)	fake_vsm_vp(fv, 1, 0)

static void bring_up(struct fake_vsm *fv)
{
	assert_int_equal(fake_vsm_bring_up(fv), OK);
	assert_non_null(VTL1(fv));
}

/* ---- VSM registers through HvCallGet/SetVpRegisters ------------------------------------------ */

static hv_status_t rget(struct fake_vsm *fv, struct hv_vp *caller, u8 input_vtl, u32 name,
			union hv_register_value *v)
{
	const struct hv_input_get_set_vp_registers hdr = {
		.partition_id = SELF, .vp_index = HV_VP_INDEX_SELF, .input_vtl = input_vtl,
	};
	u8 *in = fake_gpa(fv->f, FAKE_IN_GPA);
	union hv_register_value *out = fake_gpa(fv->f, FAKE_OUT_GPA);
	hv_status_t st;

	memcpy(in, &hdr, sizeof(hdr));
	memcpy(in + sizeof(hdr), &name, sizeof(name));
	memset(out, 0xee, sizeof(*out));
	st = fake_hcall_on(caller, hv_hypercall_encode(HVCALL_GET_VP_REGISTERS, false, 1, 0),
			   NULL);
	*v = *out;
	return st;
}

/* The low qword of a register, or ~0 if the read failed. */
static u64 rget64(struct fake_vsm *fv, struct hv_vp *caller, u8 input_vtl, u32 name)
{
	union hv_register_value v;

	return rget(fv, caller, input_vtl, name, &v) ? ~0ULL : v.reg64;
}

/* SetVpRegisters of n registers; *reps gets the reps completed. */
static hv_status_t rset_n(struct fake_vsm *fv, struct hv_vp *caller, u8 input_vtl,
			  const struct hv_register_assoc *a, u16 n, u16 *reps)
{
	const struct hv_input_get_set_vp_registers hdr = {
		.partition_id = SELF, .vp_index = HV_VP_INDEX_SELF, .input_vtl = input_vtl,
	};
	u8 *in = fake_gpa(fv->f, FAKE_IN_GPA);

	memcpy(in, &hdr, sizeof(hdr));
	memcpy(in + sizeof(hdr), a, n * sizeof(*a));
	return fake_hcall_on(caller, hv_hypercall_encode(HVCALL_SET_VP_REGISTERS, false, n, 0),
			     reps);
}

static hv_status_t rset(struct fake_vsm *fv, struct hv_vp *caller, u8 input_vtl, u32 name,
			u64 lo, u64 hi)
{
	const struct hv_register_assoc a = {
		.name = name, .value = { .reg128 = { .low = lo, .high = hi } },
	};

	return rset_n(fv, caller, input_vtl, &a, 1, NULL);
}

static void test_vsm_reg_get_read_only_values(void **state)
{
	struct fake_vsm *fv = *state;
	const u64 offsets = HV_VTL_CALL_STUB_OFFSET | (u64)HV_VTL_RETURN_STUB_OFFSET << 12;

	/* Before VTL1: VTL0 alone, maximum VTL 1. */
	assert_int_equal(rget64(fv, VTL0(fv), OWN, HV_REGISTER_VSM_CODE_PAGE_OFFSETS), offsets);
	assert_int_equal(rget64(fv, VTL0(fv), OWN, HV_REGISTER_VSM_VP_STATUS), 0x10000);
	assert_int_equal(rget64(fv, VTL0(fv), OWN, HV_REGISTER_VSM_PARTITION_STATUS), 0x10001);
	assert_int_equal(rget64(fv, VTL0(fv), OWN, HV_REGISTER_VSM_CAPABILITIES),
			 HV_VSM_CAPABILITIES_DENY_LOWER_VTL_STARTUP);
	bring_up(fv);
	/* VpStatus: ActiveVtl 3:0 (the caller's), EnabledVtlSet 31:16 (this VP's). */
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_REGISTER_VSM_VP_STATUS), 0x30001);
	assert_int_equal(rget64(fv, VTL0(fv), OWN, HV_REGISTER_VSM_VP_STATUS), 0x30000);
	assert_int_equal(rget64(fv, fake_vsm_vp(fv, 0, 1), OWN, HV_REGISTER_VSM_VP_STATUS),
			 0x10000);
	assert_int_equal(rget64(fv, VTL1(fv), T0, HV_REGISTER_VSM_VP_STATUS), 0x30001);
	/* PartitionStatus: EnabledVtlSet 15:0, MaximumVtl 19:16. */
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_STATUS), 0x10003);
	assert_int_equal(rget64(fv, VTL0(fv), OWN, HV_REGISTER_VSM_PARTITION_STATUS), 0x10003);
	assert_int_equal(rget64(fv, VTL1(fv), T0, HV_REGISTER_VSM_CODE_PAGE_OFFSETS), offsets);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_REGISTER_VSM_CAPABILITIES),
			 HV_VSM_CAPABILITIES_DENY_LOWER_VTL_STARTUP);
}

static void test_vsm_reg_set_read_only_refused(void **state)
{
	static const u32 names[] = {
		HV_REGISTER_VSM_CODE_PAGE_OFFSETS, HV_REGISTER_VSM_VP_STATUS,
		HV_REGISTER_VSM_PARTITION_STATUS, HV_REGISTER_VSM_CAPABILITIES,
	};
	struct fake_vsm *fv = *state;

	bring_up(fv);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		u64 before = rget64(fv, VTL1(fv), OWN, names[i]);

		assert_int_equal(rset(fv, VTL1(fv), OWN, names[i], 0, 0), INVAL);
		assert_int_equal(rset(fv, VTL1(fv), T0, names[i], before, 0), INVAL);
		assert_int_equal(rset(fv, VTL0(fv), OWN, names[i], ~0ULL, 0), INVAL);
		assert_int_equal(rget64(fv, VTL1(fv), OWN, names[i]), before);
	}
}

static void test_vsm_reg_unknown_names(void **state)
{
	static const u32 names[] = {
		0xdeadbeef, HV_REGISTER_PENDING_INTERRUPTION, HV_REGISTER_VSM_VP_WAIT_FOR_TLB_LOCK,
		0x000E0004,
	};
	struct fake_vsm *fv = *state;
	union hv_register_value v;

	bring_up(fv);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		assert_int_equal(rget(fv, VTL1(fv), T0, names[i], &v),
				 HV_STATUS_UNKNOWN_REGISTER_NAME);
		assert_int_equal(rset(fv, VTL1(fv), T0, names[i], 0, 0),
				 HV_STATUS_UNKNOWN_REGISTER_NAME);
	}
	/* VSM names the TLFS defines that vtlvm has no owner for: InvalidParameter. */
	assert_int_equal(rget(fv, VTL1(fv), OWN, HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL(1), &v),
			 INVAL);
	assert_int_equal(rget(fv, VTL1(fv), OWN, HV_REGISTER_GUEST_VSM_PARTITION_CONFIG, &v),
			 INVAL);
	assert_int_equal(fv->get_reg.n + fv->set_reg.n, 0);
}

#define PC_ENABLE	HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION
#define PC_MASK(m)	((u64)(m) << HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK_SHIFT)
#define PC_DENY		HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP
#define RWX		(HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE | HV_MAP_GPA_KERNEL_EXECUTABLE)

static void test_vsm_reg_partition_config_target(void **state)
{
	struct fake_vsm *fv = *state;
	union hv_register_value v;

	bring_up(fv);
	/* One instance, VTL1's: VTL0's is not there; VTL0 cannot reach VTL1's. */
	assert_int_equal(rget(fv, VTL1(fv), T0, HV_REGISTER_VSM_PARTITION_CONFIG, &v), INVAL);
	assert_int_equal(rset(fv, VTL1(fv), T0, HV_REGISTER_VSM_PARTITION_CONFIG, PC_DENY, 0),
			 INVAL);
	assert_int_equal(rget(fv, VTL0(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG, &v), INVAL);
	assert_int_equal(rset(fv, VTL0(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG, PC_DENY, 0),
			 INVAL);
	assert_int_equal(rget(fv, VTL0(fv), T1, HV_REGISTER_VSM_PARTITION_CONFIG, &v), DENIED);
	assert_int_equal(rset(fv, VTL0(fv), T1, HV_REGISTER_VSM_PARTITION_CONFIG, PC_DENY, 0),
			 DENIED);
	assert_false(vsm_deny_lower_vtl_startup(fv->vsm));
	/* The high qword is reserved. */
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG, PC_DENY, 1),
			 INVAL);
	assert_int_equal(rset(fv, VTL1(fv), T1, HV_REGISTER_VSM_PARTITION_CONFIG, PC_DENY, 0), OK);
	assert_true(vsm_deny_lower_vtl_startup(fv->vsm));
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG), PC_DENY);
}

static void test_vsm_reg_partition_config_bits(void **state)
{
	static const u64 refused[] = {
		BIT(7), BIT(8), HV_VSM_PARTITION_CONFIG_INTERCEPT_VP_STARTUP, BIT(12), BIT(15),
		BIT(16), BIT(63),
		PC_ENABLE | PC_MASK(HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE),	/* no KMX */
		PC_ENABLE | PC_MASK(HV_MAP_GPA_READABLE | HV_MAP_GPA_KERNEL_EXECUTABLE),
		PC_ENABLE,						/* no access at all */
	};
	struct fake_vsm *fv = *state;
	const u64 zero_r = PC_MASK(HV_MAP_GPA_READABLE) |
			   HV_VSM_PARTITION_CONFIG_ZERO_MEMORY_ON_RESET;

	bring_up(fv);
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG, refused[i], 0) !=
		    BAD_VALUE)
			fail_msg("case %zu (%#llx): not refused", i,
				 (unsigned long long)refused[i]);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG), 0);
	/* Without protection on, the default mask is free; ZeroMemoryOnReset is kept. */
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG, zero_r, 0), OK);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG), zero_r);
}

static void test_vsm_reg_partition_config_write_once(void **state)
{
	struct fake_vsm *fv = *state;
	const u64 on = PC_ENABLE | PC_MASK(HV_MAP_GPA_PERMISSIONS_ALL);

	bring_up(fv);
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG, on, 0), OK);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG), on);
	/* EnableVtlProtection cannot be cleared, nor the default mask changed. */
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG,
			      PC_MASK(HV_MAP_GPA_PERMISSIONS_ALL), 0), BAD_VALUE);
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG, 0, 0),
			 BAD_VALUE);
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG,
			      PC_ENABLE | PC_MASK(RWX), 0), BAD_VALUE);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG), on);
	/* The other bits may still change. */
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG, on | PC_DENY, 0),
			 OK);
	assert_true(vsm_deny_lower_vtl_startup(fv->vsm));
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_PARTITION_CONFIG, on, 0), OK);
	assert_false(vsm_deny_lower_vtl_startup(fv->vsm));
}

static void test_vsm_reg_secure_config_vtl0(void **state)
{
	static const u64 refused[] = {
		HV_VSM_VP_SECURE_CONFIG_MBEC_ENABLED,
		HV_VSM_VP_SECURE_CONFIG_SUPERVISOR_SHADOW_STACK_ENABLED,
		HV_VSM_VP_SECURE_CONFIG_HARDWARE_HVPT_ENABLED, BIT(4), BIT(63),
	};
	struct fake_vsm *fv = *state;
	const u32 name = HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0;
	union hv_register_value v;

	bring_up(fv);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, name), 0);
	assert_int_equal(rset(fv, VTL1(fv), OWN, name, HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED, 0), OK);
	assert_int_equal(rget64(fv, VTL1(fv), T1, name), HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED);
	assert_int_equal(fv->vsm->vps[0].secure_config, HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED);
	assert_int_equal(fv->vsm->vps[1].secure_config, 0);	/* per VP */
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		assert_int_equal(rset(fv, VTL1(fv), OWN, name, refused[i], 0), BAD_VALUE);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, name), HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED);
	/* Only a VTL above VTL0 holds it. */
	assert_int_equal(rget(fv, VTL1(fv), T0, name, &v), DENIED);
	assert_int_equal(rset(fv, VTL1(fv), T0, name, 0, 0), DENIED);
	assert_int_equal(rget(fv, VTL0(fv), OWN, name, &v), DENIED);
	assert_int_equal(rset(fv, VTL0(fv), OWN, name, 0, 0), DENIED);
	assert_int_equal(rset(fv, VTL0(fv), T1, name, 0, 0), DENIED);
	assert_int_equal(rset(fv, VTL1(fv), OWN, name, 0, 0), OK);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, name), 0);
}

static void test_vsm_reg_vina(void **state)
{
	static const u64 reserved[] = { BIT(11), BIT(12), BIT(32), BIT(63) };
	struct fake_vsm *fv = *state;
	const u64 val = 0xef | HV_VSM_VINA_ENABLED | HV_VSM_VINA_AUTO_RESET | HV_VSM_VINA_AUTO_EOI;
	struct hv_input_enable_vp_vtl e = fake_evv_input(1);
	union hv_register_value v;

	bring_up(fv);
	assert_int_equal(fake_vsm_call(fv, 1, 0, HVCALL_ENABLE_VP_VTL, &e, sizeof(e)), OK);
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_VINA, val, 0), OK);
	assert_int_equal(rget64(fv, VTL1(fv), T1, HV_REGISTER_VSM_VINA), val);
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
		assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_VINA, 0x30 | reserved[i],
				      0), INVAL);
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_VSM_VINA, 0x30, 1), INVAL);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_REGISTER_VSM_VINA), val);
	/* VTL1's register: not VTL0's, and not reachable from VTL0. */
	assert_int_equal(rget(fv, VTL1(fv), T0, HV_REGISTER_VSM_VINA, &v), INVAL);
	assert_int_equal(rset(fv, VTL1(fv), T0, HV_REGISTER_VSM_VINA, 0x30, 0), INVAL);
	assert_int_equal(rget(fv, VTL0(fv), OWN, HV_REGISTER_VSM_VINA, &v), INVAL);
	assert_int_equal(rget(fv, VTL0(fv), T1, HV_REGISTER_VSM_VINA, &v), DENIED);
	/* Per VP. */
	assert_int_equal(rget64(fv, fake_vsm_vp(fv, 1, 1), OWN, HV_REGISTER_VSM_VINA), 0);
}

static void test_vsm_reg_cr_intercept_control(void **state)
{
	static const u64 refused[] = {
		HV_X64_CR_INTERCEPT_IA32_MISC_ENABLE_READ, HV_X64_CR_INTERCEPT_MSR_LSTAR_READ,
		HV_X64_CR_INTERCEPT_MSR_STAR_READ, HV_X64_CR_INTERCEPT_MSR_CSTAR_READ,
		HV_X64_CR_INTERCEPT_APIC_BASE_MSR_READ, HV_X64_CR_INTERCEPT_MSR_EFER_READ,
		HV_X64_CR_INTERCEPT_MSR_SGX_LAUNCH_CONTROL_WRITE, BIT(29), BIT(63),
	};
	/* Bits 28:0 but the six reads and SGX (bits 3, 5, 7, 9, 11, 13, 24). */
	const u64 writes = GENMASK_ULL(28, 0) & ~0x1002aa8ULL;
	struct fake_vsm *fv = *state;
	const u32 ctl = HV_X64_REGISTER_CR_INTERCEPT_CONTROL;

	bring_up(fv);
	assert_int_equal(rset(fv, VTL1(fv), OWN, ctl, writes, 0), OK);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, ctl), writes);
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (rset(fv, VTL1(fv), OWN, ctl, HV_X64_CR_INTERCEPT_CR0_WRITE | refused[i], 0) !=
		    BAD_VALUE)
			fail_msg("bit %#llx: not refused", (unsigned long long)refused[i]);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, ctl), writes);
	assert_int_equal(rset(fv, VTL1(fv), OWN, ctl, 0, 0), OK);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, ctl), 0);
}

static void test_vsm_reg_cr_intercept_masks(void **state)
{
	static const u32 masks[] = {
		HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK, HV_X64_REGISTER_CR_INTERCEPT_CR4_MASK,
		HV_X64_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK,
	};
	struct fake_vsm *fv = *state;
	const u64 any = 0xfedcba9876543210ULL;
	union hv_register_value v;

	bring_up(fv);
	for (size_t i = 0; i < ARRAY_SIZE(masks); i++) {
		/* Any value: a mask is not validated. */
		assert_int_equal(rset(fv, VTL1(fv), T1, masks[i], any + i, 0), OK);
		assert_int_equal(rget64(fv, VTL1(fv), OWN, masks[i]), any + i);
		/* VTL1 writes its own instance only. */
		assert_int_equal(rset(fv, VTL1(fv), T0, masks[i], 0, 0), DENIED);
		assert_int_equal(rget(fv, VTL1(fv), T0, masks[i], &v), DENIED);
		assert_int_equal(rset(fv, VTL0(fv), OWN, masks[i], 0, 0), DENIED);
		assert_int_equal(rget(fv, VTL0(fv), OWN, masks[i], &v), DENIED);
	}
	assert_int_equal(rset(fv, VTL0(fv), OWN, HV_X64_REGISTER_CR_INTERCEPT_CONTROL, 1, 0),
			 DENIED);
	assert_int_equal(fv->vsm->vps[0].cr_intercept[0], 0);
}

/* PendingEvent0, exception form: pending, type 0, error code flag, vector, error code. */
static u64 event(u32 vector, bool has_error, u32 error_code)
{
	return HV_X64_PENDING_EVENT_PENDING | (has_error ? BIT(8) : 0) | (u64)vector << 16 |
	       (u64)error_code << 32;
}

static void test_vsm_reg_pending_event0_vectors(void **state)
{
	const u64 ok_vectors = 0x2f7dfb;	/* 0,1,3-8,10-14,16-19,21 */
	const u64 error_vectors = BIT(8) | GENMASK_ULL(14, 10) | BIT(17) | BIT(21);
	struct fake_vsm *fv = *state;
	unsigned int injected = 0;

	bring_up(fv);
	for (u32 vec = 0; vec < 32; vec++) {
		for (int err = 0; err < 2; err++) {
			bool ok = (ok_vectors & BIT(vec)) && (!err || (error_vectors & BIT(vec)));
			hv_status_t st = rset(fv, VTL1(fv), T0, HV_REGISTER_PENDING_EVENT0,
					      event(vec, err, 0x5a5a0000 | vec), 0x1234);

			if (st != (ok ? OK : BAD_VALUE))
				fail_msg("vector %u error %d: status %#x", vec, err, st);
			injected += ok;
			assert_int_equal(fv->inject.n, injected);
			if (!ok)
				continue;
			assert_ptr_equal(fv->inject.vcpu, &fv->vcpu1[0]);
			assert_int_equal(fv->inject.vtl, 0);
			assert_int_equal(fv->inject.vector, vec);
			assert_int_equal(fv->inject.has_error, err);
			assert_int_equal(fv->inject.error_code, 0x5a5a0000 | vec);
		}
	}
}

static void test_vsm_reg_pending_event0_format(void **state)
{
	const u64 refused[] = {
		/* Not an exception. */
		event(13, true, 0) | (1 << HV_X64_PENDING_EVENT_TYPE_SHIFT),
		event(13, true, 0) | (5 << HV_X64_PENDING_EVENT_TYPE_SHIFT),
		event(13, true, 0) | BIT(4), event(13, true, 0) | BIT(7),	/* reserved 7:4 */
		event(13, true, 0) | BIT(9), event(13, true, 0) | BIT(15),	/* reserved 15:9 */
		event(0x10d, true, 0),		/* vector 269: u16 field, not 13 */
		event(0x100, false, 0),
		event(0xffff, false, 0),
		event(0x20, false, 0),		/* an interrupt vector, not an exception */
	};
	struct fake_vsm *fv = *state;
	union hv_register_value v;

	bring_up(fv);
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (rset(fv, VTL1(fv), T0, HV_REGISTER_PENDING_EVENT0, refused[i], 0) != BAD_VALUE)
			fail_msg("case %zu (%#llx): not refused", i,
				 (unsigned long long)refused[i]);
	assert_int_equal(fv->inject.n, 0);
	/* #PF with CR2 in the parameter qword: stored and read back whole. */
	assert_int_equal(rset(fv, VTL1(fv), T0, HV_REGISTER_PENDING_EVENT0, event(14, true, 2),
			      0xdead000), OK);
	assert_int_equal(fv->inject.n, 1);
	assert_int_equal(rget(fv, VTL1(fv), T0, HV_REGISTER_PENDING_EVENT0, &v), OK);
	assert_int_equal(v.reg128.low, event(14, true, 2));
	assert_int_equal(v.reg128.high, 0xdead000);
	/* Not pending: stored, nothing injected, whatever the rest says. */
	assert_int_equal(rset(fv, VTL1(fv), T0, HV_REGISTER_PENDING_EVENT0, 0xffff0000, 0), OK);
	assert_int_equal(fv->inject.n, 1);
	assert_int_equal(rget(fv, VTL1(fv), T0, HV_REGISTER_PENDING_EVENT0, &v), OK);
	assert_int_equal(v.reg128.low, 0xffff0000);
}

static void test_vsm_reg_pending_event0_target(void **state)
{
	struct fake_vsm *fv = *state;
	union hv_register_value v;
	const u64 gp = event(13, true, 0);

	bring_up(fv);
	/* Only a lower VTL's: VTL1's own is InvalidParameter, VTL0 has none below it. */
	assert_int_equal(rset(fv, VTL1(fv), OWN, HV_REGISTER_PENDING_EVENT0, gp, 0), INVAL);
	assert_int_equal(rget(fv, VTL1(fv), T1, HV_REGISTER_PENDING_EVENT0, &v), INVAL);
	assert_int_equal(rset(fv, VTL0(fv), OWN, HV_REGISTER_PENDING_EVENT0, gp, 0), INVAL);
	assert_int_equal(rget(fv, VTL0(fv), OWN, HV_REGISTER_PENDING_EVENT0, &v), INVAL);
	assert_int_equal(rset(fv, VTL0(fv), T1, HV_REGISTER_PENDING_EVENT0, gp, 0), DENIED);
	assert_int_equal(fv->inject.n, 0);
	/* The VMM cannot queue it: InvalidVpState, and nothing is recorded. */
	fv->inject_ret = -EIO;
	assert_int_equal(rset(fv, VTL1(fv), T0, HV_REGISTER_PENDING_EVENT0, gp, 0),
			 HV_STATUS_INVALID_VP_STATE);
	assert_int_equal(fv->inject.n, 1);
	assert_int_equal(rget(fv, VTL1(fv), T0, HV_REGISTER_PENDING_EVENT0, &v), OK);
	assert_int_equal(v.reg128.low, 0);
}

/* ---- architectural registers of a lower VTL -------------------------------------------------- */

static void test_vsm_reg_arch_own_vtl_denied(void **state)
{
	static const u32 names[] = {
		HV_X64_REGISTER_RAX, HV_X64_REGISTER_RIP, HV_X64_REGISTER_CR3, HV_X64_REGISTER_EFER,
		HV_X64_REGISTER_XMM(0), HV_X64_REGISTER_CS, HV_X64_REGISTER_GDTR,
		HV_X64_REGISTER_MTRR_DEF_TYPE,
	};
	struct fake_vsm *fv = *state;
	union hv_register_value v;

	bring_up(fv);
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		/* A VTL reads its own registers without a hypercall. */
		assert_int_equal(rget(fv, VTL0(fv), OWN, names[i], &v), DENIED);
		assert_int_equal(rset(fv, VTL0(fv), T0, names[i], 0, 0), DENIED);
		assert_int_equal(rget(fv, VTL1(fv), OWN, names[i], &v), DENIED);
		assert_int_equal(rset(fv, VTL1(fv), T1, names[i], 0, 0), DENIED);
		/* VTL0 asking for VTL1's: the header check refuses it. */
		assert_int_equal(rget(fv, VTL0(fv), T1, names[i], &v), DENIED);
		assert_int_equal(rset(fv, VTL0(fv), T1, names[i], 0, 0), DENIED);
	}
	assert_int_equal(fv->get_reg.n + fv->set_reg.n, 0);
}

static void test_vsm_reg_arch_lower_vtl_forwarded(void **state)
{
	struct fake_vsm *fv = *state;
	union hv_register_value v;

	bring_up(fv);
	fv->reg_value.reg128.low = 0xfffff80000001000ULL;
	fv->reg_value.reg128.high = 0x77;
	assert_int_equal(rget(fv, VTL1(fv), T0, HV_X64_REGISTER_RIP, &v), OK);
	assert_int_equal(v.reg128.low, 0xfffff80000001000ULL);
	assert_int_equal(v.reg128.high, 0x77);
	assert_int_equal(fv->get_reg.n, 1);
	assert_ptr_equal(fv->get_reg.vcpu, &fv->vcpu1[0]);
	assert_int_equal(fv->get_reg.vtl, 0);
	assert_int_equal(fv->get_reg.name, HV_X64_REGISTER_RIP);
	assert_int_equal(rset(fv, VTL1(fv), T0, HV_X64_REGISTER_CR0, 0x80000033, 0x5), OK);
	assert_int_equal(fv->set_reg.n, 1);
	assert_ptr_equal(fv->set_reg.vcpu, &fv->vcpu1[0]);
	assert_int_equal(fv->set_reg.vtl, 0);
	assert_int_equal(fv->set_reg.name, HV_X64_REGISTER_CR0);
	assert_int_equal(fv->set_reg.value.reg128.low, 0x80000033);
	assert_int_equal(fv->set_reg.value.reg128.high, 0x5);
}

static void test_vsm_reg_arch_host_errors(void **state)
{
	struct fake_vsm *fv = *state;
	union hv_register_value v;

	bring_up(fv);
	fv->reg_ret = -ENOENT;		/* a name vtlvm does not hold */
	assert_int_equal(rget(fv, VTL1(fv), T0, HV_X64_REGISTER_BNDCFGS, &v),
			 HV_STATUS_UNKNOWN_REGISTER_NAME);
	assert_int_equal(rset(fv, VTL1(fv), T0, HV_X64_REGISTER_BNDCFGS, 0, 0),
			 HV_STATUS_UNKNOWN_REGISTER_NAME);
	fv->reg_ret = -EINVAL;		/* a value the register cannot take */
	assert_int_equal(rset(fv, VTL1(fv), T0, HV_X64_REGISTER_CR4, ~0ULL, 0), BAD_VALUE);
	assert_int_equal(rget(fv, VTL1(fv), T0, HV_X64_REGISTER_CR4, &v),
			 HV_STATUS_INVALID_VP_STATE);
	assert_int_equal(fv->get_reg.n, 2);
	assert_int_equal(fv->set_reg.n, 2);
}

/* A rep list stops at the first bad element, which is the reps completed; earlier ones stick. */
static void test_vsm_reg_set_rep_stops_at_failure(void **state)
{
	const struct hv_register_assoc a[] = {
		{ .name = HV_REGISTER_VSM_VINA, .value = { .reg64 = 0x41 } },
		{ .name = HV_X64_REGISTER_CR_INTERCEPT_CONTROL,
		  .value = { .reg64 = HV_X64_CR_INTERCEPT_MSR_EFER_READ } },
		{ .name = HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK, .value = { .reg64 = 1 } },
	};
	struct fake_vsm *fv = *state;
	u16 reps = 0xffff;

	bring_up(fv);
	assert_int_equal(rset_n(fv, VTL1(fv), OWN, a, ARRAY_SIZE(a), &reps), BAD_VALUE);
	assert_int_equal(reps, 1);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_REGISTER_VSM_VINA), 0x41);
	assert_int_equal(rget64(fv, VTL1(fv), OWN, HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK), 0);
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, fake_vsm_setup, fake_vsm_teardown)
	const struct CMUnitTest tests[] = {
		T(test_vsm_reg_get_read_only_values),
		T(test_vsm_reg_set_read_only_refused),
		T(test_vsm_reg_unknown_names),
		T(test_vsm_reg_partition_config_target),
		T(test_vsm_reg_partition_config_bits),
		T(test_vsm_reg_partition_config_write_once),
		T(test_vsm_reg_secure_config_vtl0),
		T(test_vsm_reg_vina),
		T(test_vsm_reg_cr_intercept_control),
		T(test_vsm_reg_cr_intercept_masks),
		T(test_vsm_reg_pending_event0_vectors),
		T(test_vsm_reg_pending_event0_format),
		T(test_vsm_reg_pending_event0_target),
		T(test_vsm_reg_arch_own_vtl_denied),
		T(test_vsm_reg_arch_lower_vtl_forwarded),
		T(test_vsm_reg_arch_host_errors),
		T(test_vsm_reg_set_rep_stops_at_failure),
	};

	return cmocka_run_group_tests_name("vsm_regs", tests, NULL, NULL);
}
