/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_tlfs.c -- what _Static_assert cannot check in hv/tlfs.h:
 * control/result word coding on sample words from the TLFS and Linux, that
 * bit fields which must not overlap do not (and tile their word where the
 * spec leaves no gaps), that enumerated codes are unique, and the byte order
 * of a few little-endian layouts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hv/tlfs.h"

struct named {
	const char *name;
	u64 value;
};
#define N(x) { #x, (x) }

/* Every value in @t is distinct; prints both names on a clash. */
static void assert_unique(const struct named *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (t[i].value == t[j].value)
				fail_msg("%s and %s are both %#llx", t[i].name, t[j].name,
					 (unsigned long long)t[i].value);
}

/* The masks in @t are pairwise disjoint and none is empty. */
static void assert_disjoint(const struct named *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (!t[i].value)
			fail_msg("%s is an empty mask", t[i].name);
		for (size_t j = i + 1; j < n; j++)
			if (t[i].value & t[j].value)
				fail_msg("%s overlaps %s", t[i].name, t[j].name);
	}
}

static u64 mask_union(const struct named *t, size_t n)
{
	u64 all = 0;

	for (size_t i = 0; i < n; i++)
		all |= t[i].value;
	return all;
}

/* ---- hypercall input and result words ---------------------------------------------------- */

static const struct named hcall_fields[] = {
	N(HV_HYPERCALL_CODE_MASK), N(HV_HYPERCALL_FAST_BIT), N(HV_HYPERCALL_VARHEAD_MASK),
	N(HV_HYPERCALL_RSVD0_MASK), N(HV_HYPERCALL_NESTED), N(HV_HYPERCALL_REP_COMP_MASK),
	N(HV_HYPERCALL_RSVD1_MASK), N(HV_HYPERCALL_REP_START_MASK), N(HV_HYPERCALL_RSVD2_MASK),
};

static void test_hcall_fields_tile_the_word(void **state)
{
	(void)state;
	assert_disjoint(hcall_fields, ARRAY_SIZE(hcall_fields));
	assert_true(mask_union(hcall_fields, ARRAY_SIZE(hcall_fields)) == ~0ULL);
	assert_true((HV_HYPERCALL_RSVD_MASK & HV_HYPERCALL_NESTED) == 0);
}

/* Linux mmu.c: a plain, slow HvCallFlushVirtualAddressSpace is the bare code. */
static void test_hcall_decode_simple(void **state)
{
	struct hv_hypercall_input in = hv_hypercall_decode(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE);

	(void)state;
	assert_int_equal(in.code, 0x0002);
	assert_false(in.fast);
	assert_false(in.nested);
	assert_false(in.rsvd_set);
	assert_int_equal(in.varhead_qwords, 0);
	assert_int_equal(in.rep_count, 0);
	assert_int_equal(in.rep_start, 0);
}

/* TLFS "Hypercall Classes": rep count 25, of which 20 were done, is re-issued with start 20. */
static void test_hcall_decode_rep_start(void **state)
{
	struct hv_hypercall_input in = hv_hypercall_decode(0x0014001900000003ULL);

	(void)state;
	assert_int_equal(in.code, HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST);
	assert_int_equal(in.rep_count, 25);
	assert_int_equal(in.rep_start, 20);
	assert_false(in.fast);
	assert_false(in.rsvd_set);
}

/* Linux hv_apic.c: SendSyntheticClusterIpiEx with two banks = code | 2 << VARHEAD_OFFSET. */
static void test_hcall_decode_varhead(void **state)
{
	u64 ctl = HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX | (2ULL << HV_HYPERCALL_VARHEAD_OFFSET);
	struct hv_hypercall_input in = hv_hypercall_decode(ctl);

	(void)state;
	assert_true(ctl == 0x40015);
	assert_int_equal(in.code, HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX);
	assert_int_equal(in.varhead_qwords, 2);
	assert_int_equal(in.rep_count, 0);
}

/* Linux connection.c: SignalEvent goes fast, control 0x1005d. */
static void test_hcall_decode_fast(void **state)
{
	struct hv_hypercall_input in = hv_hypercall_decode(0x1005d);

	(void)state;
	assert_int_equal(in.code, HVCALL_SIGNAL_EVENT);
	assert_true(in.fast);
	assert_false(in.rsvd_set);
}

static void test_hcall_decode_reserved_bits(void **state)
{
	static const int rsvd_bits[] = { 27, 28, 29, 30, 44, 45, 46, 47, 60, 61, 62, 63 };

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(rsvd_bits); i++)
		assert_true(hv_hypercall_decode(BIT(rsvd_bits[i]) | 0x2).rsvd_set);
	assert_false(hv_hypercall_decode(HV_HYPERCALL_NESTED | 0x2).rsvd_set);
	assert_true(hv_hypercall_decode(HV_HYPERCALL_NESTED | 0x2).nested);
}

static void test_hcall_decode_all_ones(void **state)
{
	struct hv_hypercall_input in = hv_hypercall_decode(~0ULL);

	(void)state;
	assert_int_equal(in.code, 0xffff);
	assert_int_equal(in.varhead_qwords, 0x3ff);
	assert_int_equal(in.rep_count, HV_HYPERCALL_REP_MAX);
	assert_int_equal(in.rep_start, HV_HYPERCALL_REP_MAX);
	assert_true(in.fast && in.nested && in.rsvd_set);
}

static void test_hcall_encode_roundtrip(void **state)
{
	u64 ctl = hv_hypercall_encode(HVCALL_GET_VP_REGISTERS, true, 4, 1);
	struct hv_hypercall_input in = hv_hypercall_decode(ctl);

	(void)state;
	assert_true(ctl == 0x0001000400010050ULL);
	assert_int_equal(in.code, HVCALL_GET_VP_REGISTERS);
	assert_true(in.fast);
	assert_int_equal(in.rep_count, 4);
	assert_int_equal(in.rep_start, 1);
	/* Out-of-range counts are cut to 12 bits and never spill into reserved bits. */
	assert_false(hv_hypercall_decode(hv_hypercall_encode(1, false, 0xffff, 0xffff)).rsvd_set);
}

/* TLFS "Hypercall Outputs": reps completed is absolute, [43:32]; status in [15:0]. */
static void test_hcall_result_encode(void **state)
{
	(void)state;
	assert_true(hv_hypercall_result(HV_STATUS_SUCCESS, 25) == 0x0000001900000000ULL);
	assert_true(hv_hypercall_result(HV_STATUS_INVALID_HYPERCALL_INPUT, 3) ==
		    0x0000000300000003ULL);
	assert_true(hv_hypercall_result(HV_STATUS_ACCESS_DENIED, 0) == 6);
	assert_true(hv_hypercall_result(HV_STATUS_SUCCESS, 0x1fff) == 0x00000fff00000000ULL);
	assert_int_equal(hv_hypercall_result_status(0x0000000a00000051ULL),
			 HV_STATUS_INVALID_VTL_STATE);
	assert_int_equal(hv_hypercall_result_reps(0x0000000a00000051ULL), 10);
}

/* ---- enumerations ------------------------------------------------------------------------- */

static const struct named hcall_codes[] = {
	N(HVCALL_SWITCH_VIRTUAL_ADDRESS_SPACE), N(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE),
	N(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST), N(HVCALL_NOTIFY_LONG_SPIN_WAIT),
	N(HVCALL_INVOKE_HYPERVISOR_DEBUGGER), N(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI),
	N(HVCALL_MODIFY_VTL_PROTECTION_MASK), N(HVCALL_ENABLE_PARTITION_VTL),
	N(HVCALL_ENABLE_VP_VTL), N(HVCALL_VTL_CALL), N(HVCALL_VTL_RETURN),
	N(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX), N(HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX),
	N(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX), N(HVCALL_GET_PARTITION_ID),
	N(HVCALL_INSTALL_INTERCEPT), N(HVCALL_GET_VP_REGISTERS), N(HVCALL_SET_VP_REGISTERS),
	N(HVCALL_TRANSLATE_VIRTUAL_ADDRESS), N(HVCALL_POST_MESSAGE), N(HVCALL_SIGNAL_EVENT),
	N(HVCALL_POST_DEBUG_DATA), N(HVCALL_RETRIEVE_DEBUG_DATA), N(HVCALL_RESET_DEBUG_SESSION),
	N(HVCALL_OUTPUT_DEBUG_CHARACTER), N(HVCALL_RETARGET_DEVICE_INTERRUPT),
	N(HVCALL_NOTIFY_PARTITION_EVENT), N(HVCALL_ASSERT_VIRTUAL_INTERRUPT),
	N(HVCALL_START_VIRTUAL_PROCESSOR), N(HVCALL_GET_VP_INDEX_FROM_APIC_ID),
	N(HVCALL_TRANSLATE_VIRTUAL_ADDRESS_EX), N(HVCALL_CHECK_FOR_IO_INTERCEPT),
	N(HVCALL_FLUSH_GUEST_PHYSICAL_ADDRESS_SPACE), N(HVCALL_FLUSH_GUEST_PHYSICAL_ADDRESS_LIST),
	N(HVCALL_SIGNAL_EVENT_DIRECT), N(HVCALL_POST_MESSAGE_DIRECT),
	N(HVCALL_CHECK_SPARSE_GPA_PAGE_VTL_ACCESS), N(HVCALL_ACCEPT_GPA_PAGES),
	N(HVCALL_MODIFY_SPARSE_GPA_PAGE_HOST_VISIBILITY), N(HVCALL_RESTORE_PARTITION_TIME),
	N(HVCALL_MEMORY_MAPPED_IO_READ), N(HVCALL_MEMORY_MAPPED_IO_WRITE),
	N(HVCALL_PIN_GPA_PAGE_RANGES), N(HVCALL_UNPIN_GPA_PAGE_RANGES),
	N(HVCALL_QUERY_SPARSE_GPA_PAGE_HOST_VISIBILITY), N(HVCALL_VBS_VM_CALL_REPORT),
	N(HV_EXT_CALL_QUERY_CAPABILITIES), N(HV_EXT_CALL_GET_BOOT_ZEROED_MEMORY),
	N(HV_EXT_CALL_MEMORY_HEAT_HINT), N(HV_EXT_CALL_EPF_SETUP),
	N(HV_EXT_CALL_MEMORY_HEAT_HINT_ASYNC),
};

static void test_hcall_codes_unique(void **state)
{
	(void)state;
	assert_unique(hcall_codes, ARRAY_SIZE(hcall_codes));
	for (size_t i = 0; i < ARRAY_SIZE(hcall_codes); i++) {
		assert_true(hcall_codes[i].value != 0);
		assert_true((hcall_codes[i].value & ~HV_HYPERCALL_CODE_MASK) == 0);
	}
	/* TLFS "Hypercall Reference" / OV:hvdef anchors. */
	assert_int_equal(HVCALL_MODIFY_VTL_PROTECTION_MASK, 0x0c);
	assert_int_equal(HVCALL_ENABLE_PARTITION_VTL, 0x0d);
	assert_int_equal(HVCALL_ENABLE_VP_VTL, 0x0f);
	assert_int_equal(HVCALL_VTL_CALL, 0x11);
	assert_int_equal(HVCALL_VTL_RETURN, 0x12);
	assert_int_equal(HVCALL_START_VIRTUAL_PROCESSOR, 0x99);
	assert_int_equal(HVCALL_GET_VP_INDEX_FROM_APIC_ID, 0x9a);
	assert_true(HV_EXT_CALL_QUERY_CAPABILITIES > HV_EXT_CALL_BASE);
}

static const struct named statuses[] = {
	N(HV_STATUS_SUCCESS), N(HV_STATUS_INVALID_HYPERCALL_CODE),
	N(HV_STATUS_INVALID_HYPERCALL_INPUT), N(HV_STATUS_INVALID_ALIGNMENT),
	N(HV_STATUS_INVALID_PARAMETER), N(HV_STATUS_ACCESS_DENIED),
	N(HV_STATUS_INVALID_PARTITION_STATE), N(HV_STATUS_OPERATION_DENIED),
	N(HV_STATUS_UNKNOWN_PROPERTY), N(HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE),
	N(HV_STATUS_INSUFFICIENT_MEMORY), N(HV_STATUS_PARTITION_TOO_DEEP),
	N(HV_STATUS_INVALID_PARTITION_ID), N(HV_STATUS_INVALID_VP_INDEX), N(HV_STATUS_NOT_FOUND),
	N(HV_STATUS_INVALID_PORT_ID), N(HV_STATUS_INVALID_CONNECTION_ID),
	N(HV_STATUS_INSUFFICIENT_BUFFERS), N(HV_STATUS_NOT_ACKNOWLEDGED),
	N(HV_STATUS_INVALID_VP_STATE), N(HV_STATUS_ACKNOWLEDGED),
	N(HV_STATUS_INVALID_SAVE_RESTORE_STATE), N(HV_STATUS_INVALID_SYNIC_STATE),
	N(HV_STATUS_OBJECT_IN_USE), N(HV_STATUS_INVALID_PROXIMITY_DOMAIN_INFO),
	N(HV_STATUS_NO_DATA), N(HV_STATUS_INACTIVE), N(HV_STATUS_NO_RESOURCES),
	N(HV_STATUS_FEATURE_UNAVAILABLE), N(HV_STATUS_PARTIAL_PACKET),
	N(HV_STATUS_PROCESSOR_FEATURE_NOT_SUPPORTED),
	N(HV_STATUS_PROCESSOR_CACHE_LINE_FLUSH_SIZE_INCOMPATIBLE),
	N(HV_STATUS_INSUFFICIENT_BUFFER), N(HV_STATUS_INCOMPATIBLE_PROCESSOR),
	N(HV_STATUS_INSUFFICIENT_DEVICE_DOMAINS), N(HV_STATUS_CPUID_FEATURE_VALIDATION_ERROR),
	N(HV_STATUS_CPUID_XSAVE_FEATURE_VALIDATION_ERROR), N(HV_STATUS_PROCESSOR_STARTUP_TIMEOUT),
	N(HV_STATUS_SMX_ENABLED), N(HV_STATUS_INVALID_LP_INDEX),
	N(HV_STATUS_INVALID_REGISTER_VALUE), N(HV_STATUS_INVALID_VTL_STATE),
	N(HV_STATUS_NX_NOT_DETECTED), N(HV_STATUS_INVALID_DEVICE_ID),
	N(HV_STATUS_INVALID_DEVICE_STATE), N(HV_STATUS_PENDING_PAGE_REQUESTS),
	N(HV_STATUS_PAGE_REQUEST_INVALID), N(HV_STATUS_KEY_ALREADY_EXISTS),
	N(HV_STATUS_DEVICE_ALREADY_IN_DOMAIN), N(HV_STATUS_INVALID_CPU_GROUP_ID),
	N(HV_STATUS_INVALID_CPU_GROUP_STATE), N(HV_STATUS_OPERATION_FAILED),
	N(HV_STATUS_NOT_ALLOWED_WITH_NESTED_VIRT_ACTIVE), N(HV_STATUS_INSUFFICIENT_ROOT_MEMORY),
	N(HV_STATUS_EVENT_BUFFER_ALREADY_FREED), N(HV_STATUS_TIME_OUT), N(HV_STATUS_CALL_PENDING),
	N(HV_STATUS_VTL_ALREADY_ENABLED), N(HV_STATUS_UNKNOWN_REGISTER_NAME),
};

static void test_status_codes_unique(void **state)
{
	(void)state;
	/* OV:hvdef HvError has 57 codes; plus SUCCESS and LNX's CALL_PENDING. */
	assert_int_equal(ARRAY_SIZE(statuses), 59);
	assert_unique(statuses, ARRAY_SIZE(statuses));
	for (size_t i = 0; i < ARRAY_SIZE(statuses); i++)
		assert_true(statuses[i].value <= 0xffff);
	/* OV:hvdef HypercallCode anchors. */
	assert_int_equal(HV_STATUS_INVALID_HYPERCALL_CODE, 2);
	assert_int_equal(HV_STATUS_INVALID_PARAMETER, 5);
	assert_int_equal(HV_STATUS_ACCESS_DENIED, 6);
	assert_int_equal(HV_STATUS_INVALID_PARTITION_ID, 0x0d);
	assert_int_equal(HV_STATUS_INVALID_VP_INDEX, 0x0e);
	assert_int_equal(HV_STATUS_INVALID_VP_STATE, 0x15);
	assert_int_equal(HV_STATUS_INVALID_REGISTER_VALUE, 0x50);
	assert_int_equal(HV_STATUS_INVALID_VTL_STATE, 0x51);
	assert_int_equal(HV_STATUS_VTL_ALREADY_ENABLED, 0x86);
}

static const struct named msrs[] = {
	N(HV_X64_MSR_GUEST_OS_ID), N(HV_X64_MSR_HYPERCALL), N(HV_X64_MSR_VP_INDEX),
	N(HV_X64_MSR_RESET), N(HV_X64_MSR_VP_RUNTIME), N(HV_X64_MSR_TIME_REF_COUNT),
	N(HV_X64_MSR_REFERENCE_TSC), N(HV_X64_MSR_TSC_FREQUENCY), N(HV_X64_MSR_APIC_FREQUENCY),
	N(HV_X64_MSR_NPIEP_CONFIG), N(HV_X64_MSR_EOI), N(HV_X64_MSR_ICR), N(HV_X64_MSR_TPR),
	N(HV_X64_MSR_VP_ASSIST_PAGE), N(HV_X64_MSR_SCONTROL), N(HV_X64_MSR_SVERSION),
	N(HV_X64_MSR_SIEFP), N(HV_X64_MSR_SIMP), N(HV_X64_MSR_EOM), N(HV_X64_MSR_SIRBP),
	N(HV_X64_MSR_SINT(0)), N(HV_X64_MSR_SINT(1)), N(HV_X64_MSR_SINT(2)),
	N(HV_X64_MSR_SINT(3)), N(HV_X64_MSR_SINT(4)), N(HV_X64_MSR_SINT(5)),
	N(HV_X64_MSR_SINT(6)), N(HV_X64_MSR_SINT(7)), N(HV_X64_MSR_SINT(8)),
	N(HV_X64_MSR_SINT(9)), N(HV_X64_MSR_SINT(10)), N(HV_X64_MSR_SINT(11)),
	N(HV_X64_MSR_SINT(12)), N(HV_X64_MSR_SINT(13)), N(HV_X64_MSR_SINT(14)),
	N(HV_X64_MSR_SINT(15)),
	N(HV_X64_MSR_STIMER0_CONFIG), N(HV_X64_MSR_STIMER0_COUNT), N(HV_X64_MSR_STIMER1_CONFIG),
	N(HV_X64_MSR_STIMER1_COUNT), N(HV_X64_MSR_STIMER2_CONFIG), N(HV_X64_MSR_STIMER2_COUNT),
	N(HV_X64_MSR_STIMER3_CONFIG), N(HV_X64_MSR_STIMER3_COUNT), N(HV_X64_MSR_GUEST_IDLE),
	N(HV_X64_MSR_SYNDBG_CONTROL), N(HV_X64_MSR_SYNDBG_STATUS),
	N(HV_X64_MSR_SYNDBG_SEND_BUFFER), N(HV_X64_MSR_SYNDBG_RECV_BUFFER),
	N(HV_X64_MSR_SYNDBG_PENDING_BUFFER), N(HV_X64_MSR_SYNDBG_OPTIONS),
	N(HV_X64_MSR_CRASH_P0), N(HV_X64_MSR_CRASH_P1), N(HV_X64_MSR_CRASH_P2),
	N(HV_X64_MSR_CRASH_P3), N(HV_X64_MSR_CRASH_P4), N(HV_X64_MSR_CRASH_CTL),
	N(HV_X64_MSR_REENLIGHTENMENT_CONTROL), N(HV_X64_MSR_TSC_EMULATION_CONTROL),
	N(HV_X64_MSR_TSC_EMULATION_STATUS), N(HV_X64_MSR_TSC_INVARIANT_CONTROL),
};

static void test_msr_indices_unique(void **state)
{
	(void)state;
	assert_unique(msrs, ARRAY_SIZE(msrs));
	for (size_t i = 0; i < ARRAY_SIZE(msrs); i++)
		if (msrs[i].value < 0x40000000 || msrs[i].value > 0x400001ff)
			fail_msg("%s is outside the synthetic MSR range", msrs[i].name);
	assert_int_equal(HV_X64_MSR_SINT(15), HV_X64_MSR_SINT15);
	assert_int_equal(HV_X64_MSR_STIMER_CONFIG(3), HV_X64_MSR_STIMER3_CONFIG);
	assert_int_equal(HV_X64_MSR_STIMER_COUNT(3), HV_X64_MSR_STIMER3_COUNT);
	assert_int_equal(HV_X64_MSR_CRASH_P0 + HV_X64_MSR_CRASH_PARAMS - 1, HV_X64_MSR_CRASH_P4);
}

static const struct named reg_names[] = {
	N(HV_REGISTER_HYPERVISOR_VERSION), N(HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO),
	N(HV_REGISTER_FEATURES_INFO), N(HV_REGISTER_IMPLEMENTATION_LIMITS_INFO),
	N(HV_REGISTER_HARDWARE_FEATURES_INFO), N(HV_REGISTER_GUEST_CRASH_P0),
	N(HV_REGISTER_GUEST_CRASH_CTL), N(HV_REGISTER_PENDING_INTERRUPTION),
	N(HV_REGISTER_INTERRUPT_STATE), N(HV_REGISTER_PENDING_EVENT0),
	N(HV_REGISTER_PENDING_EVENT1), N(HV_REGISTER_DELIVERABILITY_NOTIFICATIONS),
	N(HV_X64_REGISTER_RAX), N(HV_X64_REGISTER_RCX), N(HV_X64_REGISTER_RDX),
	N(HV_X64_REGISTER_RBX), N(HV_X64_REGISTER_RSP), N(HV_X64_REGISTER_RBP),
	N(HV_X64_REGISTER_RSI), N(HV_X64_REGISTER_RDI), N(HV_X64_REGISTER_R8),
	N(HV_X64_REGISTER_R15), N(HV_X64_REGISTER_RIP), N(HV_X64_REGISTER_RFLAGS),
	N(HV_X64_REGISTER_XMM(0)), N(HV_X64_REGISTER_XMM(15)), N(HV_X64_REGISTER_FP_MMX(0)),
	N(HV_X64_REGISTER_FP_CONTROL_STATUS), N(HV_X64_REGISTER_XMM_CONTROL_STATUS),
	N(HV_X64_REGISTER_CR0), N(HV_X64_REGISTER_CR2), N(HV_X64_REGISTER_CR3),
	N(HV_X64_REGISTER_CR4), N(HV_X64_REGISTER_CR8), N(HV_X64_REGISTER_XFEM),
	N(HV_X64_REGISTER_DR0), N(HV_X64_REGISTER_DR1), N(HV_X64_REGISTER_DR2),
	N(HV_X64_REGISTER_DR3), N(HV_X64_REGISTER_DR6), N(HV_X64_REGISTER_DR7),
	N(HV_X64_REGISTER_ES), N(HV_X64_REGISTER_CS), N(HV_X64_REGISTER_SS),
	N(HV_X64_REGISTER_DS), N(HV_X64_REGISTER_FS), N(HV_X64_REGISTER_GS),
	N(HV_X64_REGISTER_LDTR), N(HV_X64_REGISTER_TR), N(HV_X64_REGISTER_IDTR),
	N(HV_X64_REGISTER_GDTR), N(HV_X64_REGISTER_TSC), N(HV_X64_REGISTER_EFER),
	N(HV_X64_REGISTER_KERNEL_GS_BASE), N(HV_X64_REGISTER_APIC_BASE), N(HV_X64_REGISTER_PAT),
	N(HV_X64_REGISTER_SYSENTER_CS), N(HV_X64_REGISTER_SYSENTER_EIP),
	N(HV_X64_REGISTER_SYSENTER_ESP), N(HV_X64_REGISTER_STAR), N(HV_X64_REGISTER_LSTAR),
	N(HV_X64_REGISTER_CSTAR), N(HV_X64_REGISTER_SFMASK), N(HV_X64_REGISTER_INITIAL_APIC_ID),
	N(HV_X64_REGISTER_MTRR_CAP), N(HV_X64_REGISTER_MTRR_DEF_TYPE),
	N(HV_X64_REGISTER_MTRR_PHYS_BASE(0)), N(HV_X64_REGISTER_MTRR_PHYS_MASK(15)),
	N(HV_X64_REGISTER_MTRR_FIX64K_00000), N(HV_X64_REGISTER_MTRR_FIX4K_F8000),
	N(HV_X64_REGISTER_TSC_AUX), N(HV_X64_REGISTER_BNDCFGS), N(HV_X64_REGISTER_DEBUG_CTL),
	N(HV_X64_REGISTER_SPEC_CTRL), N(HV_X64_REGISTER_XSS), N(HV_X64_REGISTER_U_CET),
	N(HV_X64_REGISTER_S_CET), N(HV_X64_REGISTER_SSP), N(HV_X64_REGISTER_PL0_SSP),
	N(HV_X64_REGISTER_PL3_SSP), N(HV_X64_REGISTER_INTERRUPT_SSP_TABLE_ADDR),
	N(HV_X64_REGISTER_MSR_IA32_MISC_ENABLE),
	N(HV_REGISTER_VP_RUNTIME), N(HV_X64_REGISTER_HYPERCALL), N(HV_REGISTER_GUEST_OS_ID),
	N(HV_REGISTER_VP_INDEX), N(HV_REGISTER_TIME_REF_COUNT), N(HV_X64_REGISTER_EOI),
	N(HV_X64_REGISTER_ICR), N(HV_X64_REGISTER_TPR), N(HV_REGISTER_VP_ASSIST_PAGE),
	N(HV_REGISTER_REFERENCE_TSC), N(HV_REGISTER_SINT(0)), N(HV_REGISTER_SINT(15)),
	N(HV_REGISTER_SCONTROL), N(HV_REGISTER_SVERSION), N(HV_REGISTER_SIEFP),
	N(HV_REGISTER_SIMP), N(HV_REGISTER_EOM), N(HV_REGISTER_SIRBP),
	N(HV_REGISTER_STIMER_CONFIG(0)), N(HV_REGISTER_STIMER_COUNT(0)),
	N(HV_REGISTER_STIMER_CONFIG(3)), N(HV_REGISTER_STIMER_COUNT(3)),
	N(HV_REGISTER_VSM_CODE_PAGE_OFFSETS), N(HV_REGISTER_VSM_VP_STATUS),
	N(HV_REGISTER_VSM_PARTITION_STATUS), N(HV_REGISTER_VSM_VINA),
	N(HV_REGISTER_VSM_CAPABILITIES), N(HV_REGISTER_VSM_PARTITION_CONFIG),
	N(HV_REGISTER_GUEST_VSM_PARTITION_CONFIG), N(HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL(0)),
	N(HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL(14)), N(HV_REGISTER_VSM_VP_WAIT_FOR_TLB_LOCK),
	N(HV_X64_REGISTER_CR_INTERCEPT_CONTROL), N(HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK),
	N(HV_X64_REGISTER_CR_INTERCEPT_CR4_MASK),
	N(HV_X64_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK),
};

static void test_register_names_unique(void **state)
{
	(void)state;
	assert_unique(reg_names, ARRAY_SIZE(reg_names));
	assert_int_equal(HV_X64_REGISTER_GPR(15), HV_X64_REGISTER_R15);
	assert_int_equal(HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL(14), 0x000D001E);
	assert_int_equal(HV_REGISTER_STIMER_COUNT(3), 0x000B0007);
}

static const struct named msg_types[] = {
	N(HVMSG_UNMAPPED_GPA), N(HVMSG_GPA_INTERCEPT), N(HVMSG_UNACCEPTED_GPA),
	N(HVMSG_GPA_ATTRIBUTE_INTERCEPT), N(HVMSG_ENABLE_PARTITION_VTL_INTERCEPT),
	N(HVMSG_TIMER_EXPIRED), N(HVMSG_INVALID_VP_REGISTER_VALUE),
	N(HVMSG_UNRECOVERABLE_EXCEPTION), N(HVMSG_UNSUPPORTED_FEATURE),
	N(HVMSG_TLB_PAGE_SIZE_MISMATCH), N(HVMSG_OPAQUE_INTERCEPT),
	N(HVMSG_EVENTLOG_BUFFERCOMPLETE), N(HVMSG_HYPERCALL_INTERCEPT),
	N(HVMSG_SYNIC_EVENT_INTERCEPT), N(HVMSG_SYNIC_SINT_INTERCEPT),
	N(HVMSG_SYNIC_SINT_DELIVERABLE), N(HVMSG_ASYNC_CALL_COMPLETION),
	N(HVMSG_X64_IO_PORT_INTERCEPT), N(HVMSG_X64_MSR_INTERCEPT), N(HVMSG_X64_CPUID_INTERCEPT),
	N(HVMSG_X64_EXCEPTION_INTERCEPT), N(HVMSG_X64_APIC_EOI), N(HVMSG_X64_LEGACY_FP_ERROR),
	N(HVMSG_X64_REGISTER_INTERCEPT), N(HVMSG_X64_HALT), N(HVMSG_X64_INTERRUPTION_DELIVERABLE),
	N(HVMSG_X64_SIPI_INTERCEPT),
};

/* TLFS "HV_MESSAGE_TYPE": every hypervisor message has the high bit; None is zero. */
static void test_message_types_unique(void **state)
{
	(void)state;
	assert_int_equal(HVMSG_NONE, 0);
	assert_unique(msg_types, ARRAY_SIZE(msg_types));
	for (size_t i = 0; i < ARRAY_SIZE(msg_types); i++)
		if (!(msg_types[i].value & HV_MESSAGE_TYPE_HYPERVISOR_MASK))
			fail_msg("%s lacks the hypervisor bit", msg_types[i].name);
}

/* ---- CPUID ---------------------------------------------------------------------------------- */

static void test_cpuid_vendor_and_signature(void **state)
{
	u32 regs[3] = { HYPERV_CPUID_VENDOR_EBX, HYPERV_CPUID_VENDOR_ECX, HYPERV_CPUID_VENDOR_EDX };
	u32 sig = HYPERV_CPUID_SIGNATURE_EAX;

	(void)state;
	assert_memory_equal(regs, HYPERV_CPUID_VENDOR_STRING, 12);	/* x86 is little-endian */
	assert_memory_equal(&sig, "Hv#1", 4);
	assert_true(HYPERV_CPUID_MIN == HYPERV_CPUID_IMPLEMENT_LIMITS);
}

static const struct named privileges[] = {
	N(HV_ACCESS_VP_RUNTIME_REG), N(HV_ACCESS_PARTITION_REFERENCE_COUNTER),
	N(HV_ACCESS_SYNIC_REGS), N(HV_ACCESS_SYNTHETIC_TIMER_REGS), N(HV_ACCESS_INTR_CTRL_REGS),
	N(HV_ACCESS_HYPERCALL_MSRS), N(HV_ACCESS_VP_INDEX), N(HV_ACCESS_RESET_REG),
	N(HV_ACCESS_STATS_REG), N(HV_ACCESS_PARTITION_REFERENCE_TSC), N(HV_ACCESS_GUEST_IDLE_REG),
	N(HV_ACCESS_FREQUENCY_REGS), N(HV_ACCESS_DEBUG_REGS),
	N(HV_ACCESS_REENLIGHTENMENT_CONTROLS), N(HV_ACCESS_ROOT_SCHEDULER_REG),
	N(HV_ACCESS_TSC_INVARIANT_CONTROLS), N(HV_CREATE_PARTITIONS), N(HV_ACCESS_PARTITION_ID),
	N(HV_ACCESS_MEMORY_POOL), N(HV_ADJUST_MESSAGE_BUFFERS), N(HV_POST_MESSAGES),
	N(HV_SIGNAL_EVENTS), N(HV_CREATE_PORT), N(HV_CONNECT_PORT), N(HV_ACCESS_STATS),
	N(HV_DEBUGGING), N(HV_CPU_MANAGEMENT), N(HV_CONFIGURE_PROFILER),
	N(HV_ACCESS_VP_EXIT_TRACING), N(HV_ENABLE_EXTENDED_GVA_RANGES_FLUSH_VA_LIST),
	N(HV_ACCESS_VSM), N(HV_ACCESS_VP_REGISTERS), N(HV_FAST_HYPERCALL_OUTPUT),
	N(HV_ENABLE_EXTENDED_HYPERCALLS), N(HV_START_VIRTUAL_PROCESSOR), N(HV_ISOLATION),
};

/*
 * TLFS "Partition Privilege Flags": EBX[16] AccessVsm = mask bit 48, EBX[17], [19], [20],
 * [21], [22]; EAX[5], [6].
 */
static void test_privilege_mask_split(void **state)
{
	(void)state;
	assert_disjoint(privileges, ARRAY_SIZE(privileges));
	assert_int_equal(HV_PRIVILEGE_EBX(HV_ACCESS_VSM), 1u << 16);
	assert_int_equal(HV_PRIVILEGE_EAX(HV_ACCESS_VSM), 0);
	assert_int_equal(HV_PRIVILEGE_EBX(HV_ACCESS_VP_REGISTERS), 1u << 17);
	assert_int_equal(HV_PRIVILEGE_EBX(HV_FAST_HYPERCALL_OUTPUT), 1u << 19);
	assert_int_equal(HV_PRIVILEGE_EBX(HV_ENABLE_EXTENDED_HYPERCALLS), 1u << 20);
	assert_int_equal(HV_PRIVILEGE_EBX(HV_START_VIRTUAL_PROCESSOR), 1u << 21);
	assert_int_equal(HV_PRIVILEGE_EBX(HV_ISOLATION), 1u << 22);
	assert_int_equal(HV_PRIVILEGE_EBX(HV_POST_MESSAGES | HV_SIGNAL_EVENTS), 0x30);
	assert_int_equal(HV_PRIVILEGE_EAX(HV_ACCESS_HYPERCALL_MSRS | HV_ACCESS_VP_INDEX), 0x60);
	assert_int_equal(HV_PRIVILEGE_EBX(HV_ACCESS_HYPERCALL_MSRS), 0);
}

static const struct named features_edx[] = {
	N(HV_X64_MWAIT_AVAILABLE), N(HV_X64_GUEST_DEBUGGING_AVAILABLE),
	N(HV_X64_PERF_MONITOR_AVAILABLE), N(HV_X64_CPU_DYNAMIC_PARTITIONING_AVAILABLE),
	N(HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE), N(HV_X64_GUEST_IDLE_STATE_AVAILABLE),
	N(HV_X64_HYPERVISOR_SLEEP_STATE_AVAILABLE), N(HV_X64_NUMA_DISTANCE_QUERY_AVAILABLE),
	N(HV_FEATURE_FREQUENCY_MSRS_AVAILABLE), N(HV_X64_SYNTHETIC_MACHINE_CHECK_AVAILABLE),
	N(HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE), N(HV_FEATURE_DEBUG_MSRS_AVAILABLE),
	N(HV_X64_NPIEP_AVAILABLE), N(HV_X64_DISABLE_HYPERVISOR_AVAILABLE),
	N(HV_FEATURE_EXT_GVA_RANGES_FLUSH), N(HV_X64_HYPERCALL_XMM_OUTPUT_AVAILABLE),
	N(HV_X64_SVM_FEATURES_AVAILABLE), N(HV_X64_SINT_POLLING_MODE_AVAILABLE),
	N(HV_X64_HYPERCALL_MSR_LOCK_AVAILABLE), N(HV_STIMER_DIRECT_MODE_AVAILABLE),
	N(HV_X64_REGISTER_PAT_AVAILABLE), N(HV_X64_REGISTER_BNDCFGS_AVAILABLE),
	N(HV_X64_WATCHDOG_TIMER_AVAILABLE), N(HV_X64_SYNTHETIC_TIME_UNHALTED_TIMER_AVAILABLE),
	N(HV_X64_DEVICE_DOMAINS_AVAILABLE), N(HV_X64_S1_DEVICE_DOMAINS_AVAILABLE),
	N(HV_X64_LBR_AVAILABLE), N(HV_X64_IPT_AVAILABLE), N(HV_X64_CROSS_VTL_FLUSH_AVAILABLE),
	N(HV_X64_IDLE_SPEC_CTRL_AVAILABLE), N(HV_X64_TRANSLATE_GVA_FLAGS_AVAILABLE),
	N(HV_X64_APIC_EOI_INTERCEPT_AVAILABLE),
};

static const struct named hints_eax[] = {
	N(HV_X64_AS_SWITCH_RECOMMENDED), N(HV_X64_LOCAL_TLB_FLUSH_RECOMMENDED),
	N(HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED), N(HV_X64_APIC_ACCESS_RECOMMENDED),
	N(HV_X64_SYSTEM_RESET_RECOMMENDED), N(HV_X64_RELAXED_TIMING_RECOMMENDED),
	N(HV_X64_DMA_REMAPPING_RECOMMENDED), N(HV_X64_INTERRUPT_REMAPPING_RECOMMENDED),
	N(HV_X64_X2APIC_MSRS_RECOMMENDED), N(HV_DEPRECATING_AEOI_RECOMMENDED),
	N(HV_X64_CLUSTER_IPI_RECOMMENDED), N(HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED),
	N(HV_X64_HYPERV_NESTED), N(HV_X64_INT_FOR_MBEC_SYSCALLS_RECOMMENDED),
	N(HV_X64_ENLIGHTENED_VMCS_RECOMMENDED), N(HV_X64_SYNCED_TIMELINE_RECOMMENDED),
	N(HV_X64_CORE_SCHEDULER_REQUESTED), N(HV_X64_DIRECT_LOCAL_FLUSH_ENTIRE_RECOMMENDED),
	N(HV_X64_NO_NONARCH_CORESHARING), N(HV_X64_X2APIC_RECOMMENDED),
	N(HV_X64_RESTORE_TIME_ON_RESUME_RECOMMENDED), N(HV_X64_USE_MMIO_HYPERCALLS),
	N(HV_X64_GPA_PINNING_HYPERCALL_RECOMMENDED), N(HV_X64_WAKE_VPS_RECOMMENDED),
};

/* The 32-bit CPUID registers: each bit named once, nothing above bit 31. */
static void test_cpuid_feature_bits_distinct(void **state)
{
	(void)state;
	assert_disjoint(features_edx, ARRAY_SIZE(features_edx));
	assert_true(mask_union(features_edx, ARRAY_SIZE(features_edx)) == 0xffffffffULL);
	assert_disjoint(hints_eax, ARRAY_SIZE(hints_eax));
	assert_true(mask_union(hints_eax, ARRAY_SIZE(hints_eax)) == GENMASK_ULL(23, 0));
	/* TLFS "Feature Discovery" anchors. */
	assert_true(HV_X64_HYPERCALL_XMM_OUTPUT_AVAILABLE == BIT(15));
	assert_true(HV_STIMER_DIRECT_MODE_AVAILABLE == BIT(19));
	assert_true(HV_X64_CROSS_VTL_FLUSH_AVAILABLE == BIT(28));
	assert_true(HV_X64_TRANSLATE_GVA_FLAGS_AVAILABLE == BIT(30));
	assert_true(HV_X64_CLUSTER_IPI_RECOMMENDED == BIT(10));
}

/* ---- synthetic MSR fields ----------------------------------------------------------------- */

static const struct named sint_fields[] = {
	N(HV_SYNIC_SINT_VECTOR_MASK), N(HV_SYNIC_SINT_MASKED), N(HV_SYNIC_SINT_AUTO_EOI),
	N(HV_SYNIC_SINT_POLLING), N(HV_SYNIC_SINT_AS_INTERCEPT), N(HV_SYNIC_SINT_PROXY),
	N(HV_SYNIC_SINT_RESERVED_MASK),
};

static const struct named stimer_fields[] = {
	N(HV_STIMER_ENABLE), N(HV_STIMER_PERIODIC), N(HV_STIMER_LAZY), N(HV_STIMER_AUTO_ENABLE),
	N(HV_STIMER_APIC_VECTOR_MASK), N(HV_STIMER_DIRECT_MODE), N(HV_STIMER_SINTX_MASK),
	N(HV_STIMER_RESERVED_MASK),
};

static void test_synic_fields_tile_the_word(void **state)
{
	(void)state;
	assert_disjoint(sint_fields, ARRAY_SIZE(sint_fields));
	assert_true(mask_union(sint_fields, ARRAY_SIZE(sint_fields)) == ~0ULL);
	assert_disjoint(stimer_fields, ARRAY_SIZE(stimer_fields));
	assert_true(mask_union(stimer_fields, ARRAY_SIZE(stimer_fields)) == ~0ULL);
	/* TLFS "SINTx Registers": reset value 0x10000, "all synthetic interrupt sources are
	 * masked by default". */
	assert_true(HV_SYNIC_SINT_RESET_VALUE == 0x10000);
}

/* Linux hyperv_timer.c direct mode: enable | auto_enable | direct | vector << 4; VMBus SINT2. */
static void test_stimer_config_decode(void **state)
{
	u64 direct = HV_STIMER_ENABLE | HV_STIMER_AUTO_ENABLE | HV_STIMER_DIRECT_MODE |
		     (0xecULL << HV_STIMER_APIC_VECTOR_SHIFT);
	u64 msg = HV_STIMER_ENABLE | (2ULL << HV_STIMER_SINTX_SHIFT);

	(void)state;
	assert_true(direct == 0x1ec9);
	assert_int_equal((direct & HV_STIMER_APIC_VECTOR_MASK) >> HV_STIMER_APIC_VECTOR_SHIFT,
			 0xec);
	assert_int_equal((msg & HV_STIMER_SINTX_MASK) >> HV_STIMER_SINTX_SHIFT, 2);
	assert_false(msg & HV_STIMER_RESERVED_MASK);
	assert_true((BIT(13) | direct) & HV_STIMER_RESERVED_MASK);
}

/* TLFS "Hypercall Interface": [63:12] GPFN, [1] locked, [0] enable; the others share the shape. */
static void test_msr_page_fields(void **state)
{
	u64 v = 0x0000000123456003ULL;

	(void)state;
	assert_true((v & HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_MASK) >>
			    HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_SHIFT == 0x123456);
	assert_true(v & HV_X64_MSR_HYPERCALL_ENABLE);
	assert_true(v & HV_X64_MSR_HYPERCALL_LOCKED);
	assert_false(HV_X64_MSR_HYPERCALL_LOCKED & HV_MSR_PAGE_GPN_MASK);
	assert_true((HV_MSR_PAGE_GPN_MASK | GENMASK_ULL(11, 1) | HV_MSR_PAGE_ENABLE) == ~0ULL);
	assert_true(HV_X64_MSR_VP_ASSIST_PAGE_ADDRESS_MASK == ~0xfffULL);
}

static void test_crash_ctl_bits(void **state)
{
	(void)state;
	assert_true(HV_CRASH_CTL_CRASH_NOTIFY == 0x8000000000000000ULL);
	assert_true(HV_CRASH_CTL_CRASH_NOTIFY_MSG == 0x4000000000000000ULL);
	assert_false((HV_CRASH_CTL_CRASH_NOTIFY | HV_CRASH_CTL_CRASH_NOTIFY_MSG |
		      HV_CRASH_CTL_NO_CRASH_DUMP) & HV_CRASH_CTL_PRE_OS_ID_MASK);
}

/* ---- VP sets, flushes, IPIs --------------------------------------------------------------- */

/* TLFS "HV_VP_SET" example: {0, 5, 130} is format 0, mask 0x5, banks {0x21, 0x04}. */
static bool vp_set_has(u64 mask, const u64 *banks, u32 vp)
{
	int i = hv_vp_set_bank_index(mask, vp / HV_VCPUS_PER_SPARSE_BANK);

	return i >= 0 && (banks[i] & BIT(vp % HV_VCPUS_PER_SPARSE_BANK));
}

static void test_vp_set_tlfs_example(void **state)
{
	static const u64 banks[] = { 0x21, 0x04 };

	(void)state;
	assert_int_equal(hv_vp_set_bank_index(0x5, 0), 0);
	assert_int_equal(hv_vp_set_bank_index(0x5, 1), -1);
	assert_int_equal(hv_vp_set_bank_index(0x5, 2), 1);
	assert_int_equal(hv_vp_set_bank_index(~0ULL, 63), 63);
	assert_int_equal(hv_vp_set_bank_index(~0ULL, 64), -1);
	assert_true(vp_set_has(0x5, banks, 0));
	assert_true(vp_set_has(0x5, banks, 5));
	assert_true(vp_set_has(0x5, banks, 130));
	assert_false(vp_set_has(0x5, banks, 1));
	assert_false(vp_set_has(0x5, banks, 64));
	assert_false(vp_set_has(0x5, banks, 131));
	assert_int_equal(HV_GENERIC_SET_SPARSE_4K, 0);
	assert_int_equal(HV_GENERIC_SET_ALL, 1);
}

/* TLFS "HvCallFlushVirtualAddressList": low 12 bits = additional pages, 1 to 4096 pages. */
static void test_gva_range_decode(void **state)
{
	(void)state;
	assert_true(hv_gva_range_base(0x00007fff12345003ULL) == 0x00007fff12345000ULL);
	assert_true(hv_gva_range_pages(0x00007fff12345003ULL) == 4);
	assert_true(hv_gva_range_pages(0xffffffffff600000ULL) == 1);
	assert_true(hv_gva_range_pages(0xfff) == 4096);
	assert_true((HV_GVA_RANGE_EXT_ADDITIONAL_PAGES_MASK | HV_GVA_RANGE_EXT_LARGE_PAGE) ==
		    HV_GVA_RANGE_ADDITIONAL_PAGES_MASK);
	assert_false(HV_GVA_RANGE_EXT_LARGE_PAGE_MASK &
		     (HV_GVA_RANGE_EXT_PAGE_SIZE_1GB | HV_GVA_RANGE_EXT_LARGE_PAGE));
}

static const struct named flush_flags[] = {
	N(HV_FLUSH_ALL_PROCESSORS), N(HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES),
	N(HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY), N(HV_FLUSH_USE_EXTENDED_RANGE_FORMAT),
	N(HV_FLUSH_USE_TARGET_VTL), N(HV_FLUSH_TARGET_VTL0), N(HV_FLUSH_TARGET_VTL1),
};

static void test_flush_flags_distinct(void **state)
{
	(void)state;
	assert_disjoint(flush_flags, ARRAY_SIZE(flush_flags));
	assert_true(mask_union(flush_flags, ARRAY_SIZE(flush_flags)) == HV_FLUSH_VALID_MASK);
	assert_true(HV_FLUSH_VALID_MASK == 0x31f);
}

/* The fast SendSyntheticClusterIpi puts bytes 0-7 in RDX: vector, then HV_INPUT_VTL at byte 4. */
static void test_ipi_fast_register_layout(void **state)
{
	struct hv_input_send_synthetic_cluster_ipi ipi = {
		.vector = 0xf3, .target_vtl = hv_input_vtl(1), .processor_mask = 0x5,
	};
	u64 rdx;

	(void)state;
	memcpy(&rdx, &ipi, sizeof(rdx));
	assert_true(rdx == 0x00000011000000f3ULL);
}

/* ---- messages and pages ------------------------------------------------------------------ */

static void test_message_header_bytes(void **state)
{
	struct hv_message m;
	const u8 *b = (const u8 *)&m;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.header.message_type = HVMSG_TIMER_EXPIRED;
	m.header.payload_size = sizeof(struct hv_timer_message_payload);
	m.header.message_flags = HV_MESSAGE_FLAG_PENDING;
	assert_int_equal(b[0], 0x10);
	assert_int_equal(b[3], 0x80);
	assert_int_equal(b[4], 24);
	assert_int_equal(b[5], 1);

	struct hv_message_page page;
	assert_int_equal((char *)&page.sint_message[2] - (char *)&page, 2 * HV_MESSAGE_SIZE);
	struct hv_synic_event_flags_page ef;
	assert_int_equal((char *)&ef.sint_event_flags[15] - (char *)&ef, 15 * 256);
	assert_int_equal(HV_EVENT_FLAGS_COUNT, 2048);
}

/* ---- VSM ------------------------------------------------------------------------------------ */

static void test_input_vtl(void **state)
{
	u8 vtl = 0xff;

	(void)state;
	assert_int_equal(hv_input_vtl(1), 0x11);
	assert_true(hv_input_vtl_target(0x11, 0, &vtl));
	assert_int_equal(vtl, 1);
	assert_true(hv_input_vtl_target(0x01, 0, &vtl));	/* UseTargetVtl clear: caller's */
	assert_int_equal(vtl, 0);
	assert_true(hv_input_vtl_target(0x00, 1, &vtl));
	assert_int_equal(vtl, 1);
	vtl = 7;
	assert_false(hv_input_vtl_target(0x31, 0, &vtl));	/* reserved bit 5 */
	assert_false(hv_input_vtl_target(0x80, 0, &vtl));
	assert_int_equal(vtl, 7);
}

/* OV:hvdef HvMapGpaFlags: KMX = 0x4, UMX = 0x8, also inside DefaultVtlProtectionMask. */
static void test_map_gpa_flags(void **state)
{
	u64 cfg = HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION |
		  ((u64)(HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE | HV_MAP_GPA_KERNEL_EXECUTABLE)
		   << HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK_SHIFT);

	(void)state;
	assert_true(HV_MAP_GPA_KERNEL_EXECUTABLE == 0x4);
	assert_true(HV_MAP_GPA_USER_EXECUTABLE == 0x8);
	assert_true(HV_MAP_GPA_PERMISSIONS_ALL == 0xf);
	assert_true(cfg == 0xf);
	assert_true((cfg & HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK) >>
			    HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK_SHIFT == 0x7);
}

static const struct named vsm_caps[] = {
	N(HV_VSM_CAPABILITIES_DR6_SHARED), N(HV_VSM_CAPABILITIES_MBEC_VTL_MASK),
	N(HV_VSM_CAPABILITIES_DENY_LOWER_VTL_STARTUP),
	N(HV_VSM_CAPABILITIES_SUPERVISOR_SHADOW_STACK),
	N(HV_VSM_CAPABILITIES_HARDWARE_HVPT_AVAILABLE),
	N(HV_VSM_CAPABILITIES_SOFTWARE_HVPT_AVAILABLE),
	N(HV_VSM_CAPABILITIES_HARDWARE_HVPT_RANGE_BITS_MASK),
	N(HV_VSM_CAPABILITIES_INTERCEPT_PAGE_AVAILABLE),
	N(HV_VSM_CAPABILITIES_RETURN_ACTION_AVAILABLE),
	N(HV_VSM_CAPABILITIES_VTL0_ALIAS_MAP_AVAILABLE),
	N(HV_VSM_CAPABILITIES_INTERCEPT_NOT_PRESENT_AVAILABLE),
	N(HV_VSM_CAPABILITIES_INSTALL_INTERCEPT_EX),
	N(HV_VSM_CAPABILITIES_INTERCEPT_SYSTEM_RESET_AVAILABLE),
};

static const struct named vsm_config[] = {
	N(HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION),
	N(HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK),
	N(HV_VSM_PARTITION_CONFIG_ZERO_MEMORY_ON_RESET),
	N(HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP),
	N(HV_VSM_PARTITION_CONFIG_INTERCEPT_ACCEPTANCE),
	N(HV_VSM_PARTITION_CONFIG_INTERCEPT_ENABLE_VTL_PROTECTION),
	N(HV_VSM_PARTITION_CONFIG_INTERCEPT_VP_STARTUP),
	N(HV_VSM_PARTITION_CONFIG_INTERCEPT_CPUID_UNIMPLEMENTED),
	N(HV_VSM_PARTITION_CONFIG_INTERCEPT_UNRECOVERABLE_EXCEPTION),
	N(HV_VSM_PARTITION_CONFIG_INTERCEPT_PAGE),
	N(HV_VSM_PARTITION_CONFIG_INTERCEPT_RESTORE_PARTITION_TIME),
	N(HV_VSM_PARTITION_CONFIG_INTERCEPT_NOT_PRESENT),
	N(HV_VSM_PARTITION_CONFIG_INTERCEPT_SYSTEM_RESET),
	N(HV_VSM_PARTITION_CONFIG_RESERVED_MASK),
};

static void test_vsm_register_fields(void **state)
{
	(void)state;
	assert_disjoint(vsm_caps, ARRAY_SIZE(vsm_caps));
	assert_true(mask_union(vsm_caps, ARRAY_SIZE(vsm_caps)) == GENMASK_ULL(32, 0));
	assert_true(HV_VSM_CAPABILITIES_DR6_SHARED == 1);	/* not bit 63 (pitfall 15) */
	assert_true(HV_VSM_CAPABILITIES_INTERCEPT_PAGE_AVAILABLE == BIT(27));
	assert_disjoint(vsm_config, ARRAY_SIZE(vsm_config));
	assert_true(mask_union(vsm_config, ARRAY_SIZE(vsm_config)) == ~0ULL);
	assert_true(HV_VSM_PARTITION_CONFIG_INTERCEPT_PAGE == BIT(12));
}

/* VsmVpStatus of a VP in VTL1 with VTL0 and VTL1 enabled; partition with max VTL 1. */
static void test_vsm_status_decode(void **state)
{
	u64 vp = 1 | (0x3ULL << HV_VSM_VP_STATUS_ENABLED_VTL_SET_SHIFT);
	u64 part = 0x3 | (1ULL << HV_VSM_PARTITION_STATUS_MAXIMUM_VTL_SHIFT) |
		   (0x1ULL << HV_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET_SHIFT);
	u64 offs = 0x0f | (0x26ULL << HV_VSM_CODE_PAGE_OFFSETS_RETURN_SHIFT);

	(void)state;
	assert_int_equal(vp & HV_VSM_VP_STATUS_ACTIVE_VTL_MASK, 1);
	assert_int_equal((vp & HV_VSM_VP_STATUS_ENABLED_VTL_SET_MASK) >>
				 HV_VSM_VP_STATUS_ENABLED_VTL_SET_SHIFT, 3);
	assert_true(part == 0x110003);
	assert_int_equal((part & HV_VSM_PARTITION_STATUS_MAXIMUM_VTL_MASK) >>
				 HV_VSM_PARTITION_STATUS_MAXIMUM_VTL_SHIFT, 1);
	assert_true(offs == 0x2600f);	/* OV:hvdef layout: 64-bit call 0x0F, return 0x26 */
	assert_int_equal(offs & HV_VSM_CODE_PAGE_OFFSETS_CALL_MASK, 0x0f);
}

static const struct named cr_intercepts[] = {
	N(HV_X64_CR_INTERCEPT_CR0_WRITE), N(HV_X64_CR_INTERCEPT_CR4_WRITE),
	N(HV_X64_CR_INTERCEPT_XCR0_WRITE), N(HV_X64_CR_INTERCEPT_IA32_MISC_ENABLE_READ),
	N(HV_X64_CR_INTERCEPT_IA32_MISC_ENABLE_WRITE), N(HV_X64_CR_INTERCEPT_MSR_LSTAR_READ),
	N(HV_X64_CR_INTERCEPT_MSR_LSTAR_WRITE), N(HV_X64_CR_INTERCEPT_MSR_STAR_READ),
	N(HV_X64_CR_INTERCEPT_MSR_STAR_WRITE), N(HV_X64_CR_INTERCEPT_MSR_CSTAR_READ),
	N(HV_X64_CR_INTERCEPT_MSR_CSTAR_WRITE), N(HV_X64_CR_INTERCEPT_APIC_BASE_MSR_READ),
	N(HV_X64_CR_INTERCEPT_APIC_BASE_MSR_WRITE), N(HV_X64_CR_INTERCEPT_MSR_EFER_READ),
	N(HV_X64_CR_INTERCEPT_MSR_EFER_WRITE), N(HV_X64_CR_INTERCEPT_GDTR_WRITE),
	N(HV_X64_CR_INTERCEPT_IDTR_WRITE), N(HV_X64_CR_INTERCEPT_LDTR_WRITE),
	N(HV_X64_CR_INTERCEPT_TR_WRITE), N(HV_X64_CR_INTERCEPT_MSR_SYSENTER_CS_WRITE),
	N(HV_X64_CR_INTERCEPT_MSR_SYSENTER_EIP_WRITE),
	N(HV_X64_CR_INTERCEPT_MSR_SYSENTER_ESP_WRITE), N(HV_X64_CR_INTERCEPT_MSR_SFMASK_WRITE),
	N(HV_X64_CR_INTERCEPT_MSR_TSC_AUX_WRITE),
	N(HV_X64_CR_INTERCEPT_MSR_SGX_LAUNCH_CONTROL_WRITE), N(HV_X64_CR_INTERCEPT_MSR_XSS_WRITE),
	N(HV_X64_CR_INTERCEPT_MSR_SCET_WRITE), N(HV_X64_CR_INTERCEPT_MSR_PLS_SSP_WRITE),
	N(HV_X64_CR_INTERCEPT_MSR_INTERRUPT_SSP_TABLE_ADDR_WRITE),
	N(HV_X64_CR_INTERCEPT_RESERVED_MASK),
};

/* TLFS "Secure Register Intercepts" + OV:hvdef HvRegisterCrInterceptControl: no gaps. */
static void test_cr_intercept_bits(void **state)
{
	(void)state;
	assert_disjoint(cr_intercepts, ARRAY_SIZE(cr_intercepts));
	assert_true(mask_union(cr_intercepts, ARRAY_SIZE(cr_intercepts)) == ~0ULL);
	/* OV:hvdef HvX64CrInterceptControl [14] */
	assert_true(HV_X64_CR_INTERCEPT_MSR_EFER_WRITE == BIT(14));
	assert_true(HV_X64_CR_INTERCEPT_GDTR_WRITE == BIT(15));
	assert_true(HV_X64_CR_INTERCEPT_MSR_SCET_WRITE == BIT(26));
}

/* The VTL control area sits at 0x08 and the return registers are read from bytes 0x10/0x18. */
static void test_vp_assist_page_bytes(void **state)
{
	static struct hv_vp_assist_page p;
	const u8 *b = (const u8 *)&p;
	u64 rax, rcx;

	(void)state;
	p.vtl_control.entry_reason = HV_VTL_ENTRY_INTERRUPT;
	p.vtl_control.vina_status = HV_VP_VTL_CONTROL_VINA_ASSERTED;
	p.vtl_control.vtl_return_x64_rax = 0x1122334455667788ULL;
	p.vtl_control.vtl_return_x64_rcx = 0x99;
	memcpy(&rax, b + 0x10, 8);
	memcpy(&rcx, b + 0x18, 8);
	assert_int_equal(b[0x08], 2);
	assert_int_equal(b[0x0c], 1);
	assert_true(rax == 0x1122334455667788ULL);
	assert_true(rcx == 0x99);
	assert_int_equal(p.vtl_control.vtl_return_x86_eax, 0x55667788);
	assert_int_equal(p.vtl_control.vtl_return_x86_ecx, 0x11223344);
}

/* OV:hvdef HvX64PendingExceptionEvent: #GP(0x18) is pending | deliver-ec << 8 | 13 << 16. */
static void test_pending_exception_layout(void **state)
{
	struct hv_x64_pending_event ev;

	(void)state;
	memset(&ev, 0, sizeof(ev));
	ev.exception.event_header =
		HV_X64_PENDING_EVENT_PENDING |
		(HV_X64_PENDING_EVENT_EXCEPTION << HV_X64_PENDING_EVENT_TYPE_SHIFT);
	ev.exception.flags = HV_X64_PENDING_EXCEPTION_DELIVER_ERROR_CODE;
	ev.exception.vector = 13;
	ev.exception.error_code = 0x18;
	ev.exception.exception_parameter = 0xdead;
	assert_true(ev.reg0[0] == 0x00000018000d0101ULL);
	assert_true(ev.reg0[1] == 0xdead);
}

/* VTL1 CPL0 long mode with CR0.PE, instruction length 3, CR8 2 (OV:hvdef layouts). */
static void test_intercept_header_fields(void **state)
{
	u16 es = HV_X64_VP_EXECUTION_STATE_CR0_PE | HV_X64_VP_EXECUTION_STATE_EFER_LMA |
		 (1 << HV_X64_VP_EXECUTION_STATE_VTL_SHIFT);
	u8 len_cr8 = 3 | (2 << HV_X64_INTERCEPT_CR8_SHIFT);

	(void)state;
	assert_int_equal(es, 0x94);
	assert_int_equal(es & HV_X64_VP_EXECUTION_STATE_CPL_MASK, 0);
	assert_int_equal((es & HV_X64_VP_EXECUTION_STATE_VTL_MASK) >>
				 HV_X64_VP_EXECUTION_STATE_VTL_SHIFT, 1);
	assert_int_equal(len_cr8 & HV_X64_INTERCEPT_INSTRUCTION_LENGTH_MASK, 3);
	assert_int_equal((len_cr8 & HV_X64_INTERCEPT_CR8_MASK) >> HV_X64_INTERCEPT_CR8_SHIFT, 2);
	assert_true(sizeof(struct hv_x64_memory_intercept_message) <=
		    HV_MESSAGE_PAYLOAD_BYTE_COUNT);
	assert_true(sizeof(struct hv_x64_io_port_intercept_message) <=
		    HV_MESSAGE_PAYLOAD_BYTE_COUNT);
}

static void test_translate_gva_fields(void **state)
{
	u64 res = HV_TRANSLATE_GVA_INTERCEPT |
		  ((u64)HV_CACHE_TYPE_WRITE_BACK << HV_TRANSLATE_GVA_RESULT_CACHE_TYPE_SHIFT) |
		  HV_TRANSLATE_GVA_RESULT_OVERLAY_PAGE;
	u64 ctl = HV_TRANSLATE_GVA_VALIDATE_READ | HV_TRANSLATE_GVA_TLB_FLUSH_INHIBIT |
		  ((u64)hv_input_vtl(0) << HV_TRANSLATE_GVA_INPUT_VTL_SHIFT);

	(void)state;
	assert_true(res == 0x0000010600000008ULL);
	assert_int_equal(res & HV_TRANSLATE_GVA_RESULT_CODE_MASK, HV_TRANSLATE_GVA_INTERCEPT);
	assert_int_equal((res & HV_TRANSLATE_GVA_RESULT_CACHE_TYPE_MASK) >>
				 HV_TRANSLATE_GVA_RESULT_CACHE_TYPE_SHIFT,
			 HV_CACHE_TYPE_WRITE_BACK);
	assert_true(ctl == 0x1000000000000021ULL);
	assert_false(ctl & HV_TRANSLATE_GVA_RESERVED_MASK);
	assert_true((GENMASK_ULL(10, 0) | HV_TRANSLATE_GVA_RESERVED_MASK |
		     HV_TRANSLATE_GVA_INPUT_VTL_MASK) == ~0ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hcall_fields_tile_the_word),
		cmocka_unit_test(test_hcall_decode_simple),
		cmocka_unit_test(test_hcall_decode_rep_start),
		cmocka_unit_test(test_hcall_decode_varhead),
		cmocka_unit_test(test_hcall_decode_fast),
		cmocka_unit_test(test_hcall_decode_reserved_bits),
		cmocka_unit_test(test_hcall_decode_all_ones),
		cmocka_unit_test(test_hcall_encode_roundtrip),
		cmocka_unit_test(test_hcall_result_encode),
		cmocka_unit_test(test_hcall_codes_unique),
		cmocka_unit_test(test_status_codes_unique),
		cmocka_unit_test(test_msr_indices_unique),
		cmocka_unit_test(test_register_names_unique),
		cmocka_unit_test(test_message_types_unique),
		cmocka_unit_test(test_cpuid_vendor_and_signature),
		cmocka_unit_test(test_privilege_mask_split),
		cmocka_unit_test(test_cpuid_feature_bits_distinct),
		cmocka_unit_test(test_synic_fields_tile_the_word),
		cmocka_unit_test(test_stimer_config_decode),
		cmocka_unit_test(test_msr_page_fields),
		cmocka_unit_test(test_crash_ctl_bits),
		cmocka_unit_test(test_vp_set_tlfs_example),
		cmocka_unit_test(test_gva_range_decode),
		cmocka_unit_test(test_flush_flags_distinct),
		cmocka_unit_test(test_ipi_fast_register_layout),
		cmocka_unit_test(test_message_header_bytes),
		cmocka_unit_test(test_input_vtl),
		cmocka_unit_test(test_map_gpa_flags),
		cmocka_unit_test(test_vsm_register_fields),
		cmocka_unit_test(test_vsm_status_decode),
		cmocka_unit_test(test_cr_intercept_bits),
		cmocka_unit_test(test_vp_assist_page_bytes),
		cmocka_unit_test(test_pending_exception_layout),
		cmocka_unit_test(test_intercept_header_fields),
		cmocka_unit_test(test_translate_gva_fields),
	};

	return cmocka_run_group_tests_name("tlfs", tests, NULL, NULL);
}
