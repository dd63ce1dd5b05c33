/* SPDX-License-Identifier: MIT */
/*
 * hv/tlfs_vsm.h -- the Virtual Secure Mode half of the TLFS guest interface.
 *
 * Included by hv/tlfs.h only (it uses that header's types and assert macros):
 * VTL numbers and HV_INPUT_VTL, HvMapGpaFlags, the VP assist page with its VTL
 * control area, the VSM hypercall inputs (EnablePartitionVtl, EnableVpVtl,
 * StartVirtualProcessor, ModifyVtlProtectionMask, GetVpIndexFromApicId,
 * TranslateVirtualAddress[Ex], InstallIntercept, AssertVirtualInterrupt), the
 * VSM and intercept-control VP registers with their bit fields, pending events,
 * and the intercept messages a higher VTL receives.
 *
 * Bit-layout trap: TLFS "Virtual Secure Mode" lists
 * VsmCapabilities MSB-first (Dr6Shared = 63) and DefaultVtlProtectionMask with
 * bit 2 = UMX, bit 3 = KMX. OV:hvdef and the Linux/Windows headers use
 * Dr6Shared = bit 0, KMX = 0x4, UMX = 0x8; this header follows them.
 */
#ifndef VTLVM_HV_TLFS_VSM_H
#define VTLVM_HV_TLFS_VSM_H

#ifndef VTLVM_HV_TLFS_H
#error "include hv/tlfs.h, not hv/tlfs_vsm.h"
#endif

/* ---- VTLs (TLFS "Virtual Secure Mode": HV_VTL; "HV_INPUT_VTL"; OV:hvdef HvInputVtl) ------- */
#define HV_NUM_VTLS				2	/* "only two VTLs are implemented" */
#define HV_VTL_ALL				0xF
#define HV_INVALID_VTL				0xFF
#define HV_VTL_MASK				GENMASK_ULL(3, 0)

/* HV_INPUT_VTL (u8): without UseTargetVtl the target is the caller's VTL. Reserved bits set:
 * HV_STATUS_INVALID_PARAMETER (OV:hvdef HvInputVtl::target_vtl). */
#define HV_INPUT_VTL_TARGET_VTL_MASK		GENMASK_ULL(3, 0)
#define HV_INPUT_VTL_USE_TARGET_VTL		BIT(4)
#define HV_INPUT_VTL_RESERVED_MASK		GENMASK_ULL(7, 5)

static inline u8 hv_input_vtl(u8 vtl)
{
	return (u8)(HV_INPUT_VTL_USE_TARGET_VTL | (vtl & HV_INPUT_VTL_TARGET_VTL_MASK));
}

/* Resolve @input against the caller's VTL. False: reserved bits are set. */
static inline bool hv_input_vtl_target(u8 input, u8 caller_vtl, u8 *target)
{
	if (input & HV_INPUT_VTL_RESERVED_MASK)
		return false;
	*target = (input & HV_INPUT_VTL_USE_TARGET_VTL) ?
		  (u8)(input & HV_INPUT_VTL_TARGET_VTL_MASK) : caller_vtl;
	return true;
}

/* ---- HvMapGpaFlags (TLFS "HV_MAP_GPA_FLAGS"; OV:hvdef HvMapGpaFlags) ----------------------
 * Without MBEC, KMX governs all execution; KMX=1 with UMX=0 is undefined (TLFS "Virtual
 * Secure Mode", "Mode Based Execute Control"). DefaultVtlProtectionMask uses bits 3:0.
 */
#define HV_MAP_GPA_READABLE			BIT(0)
#define HV_MAP_GPA_WRITABLE			BIT(1)
#define HV_MAP_GPA_KERNEL_EXECUTABLE		BIT(2)	/* KMX */
#define HV_MAP_GPA_USER_EXECUTABLE		BIT(3)	/* UMX */
#define HV_MAP_GPA_SUPERVISOR_SHADOW_STACK	BIT(4)
#define HV_MAP_GPA_PAGING_WRITABILITY		BIT(5)
#define HV_MAP_GPA_VERIFY_PAGING_WRITABILITY	BIT(6)
#define HV_MAP_GPA_ADJUSTABLE			BIT(15)
#define HV_MAP_GPA_EXECUTABLE \
	(HV_MAP_GPA_KERNEL_EXECUTABLE | HV_MAP_GPA_USER_EXECUTABLE)
#define HV_MAP_GPA_PERMISSIONS_NONE		0
#define HV_MAP_GPA_PERMISSIONS_ALL \
	(HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE | HV_MAP_GPA_EXECUTABLE)

/* ---- VP assist page (TLFS "HV_VP_ASSIST_PAGE", "HV_VP_VTL_CONTROL"; OV:hvdef HvVpAssistPage,
 *      whose intercept_message / vtl_return_actions the TLFS page does not show) ------------
 * Per VTL. The entry reason and the return RAX/RCX of a VTL live in that VTL's own page.
 * LNX's pre-6.x arch header had a 16-byte nested control (current_nested_vmcs at 0x38);
 * TLFS HV_NESTED_ENLIGHTENMENTS_CONTROL is 8 bytes, as OV:hvdef and current LNX.
 */
#define HV_VTL_ENTRY_RESERVED			0
#define HV_VTL_ENTRY_VTL_CALL			1
#define HV_VTL_ENTRY_INTERRUPT			2
#define HV_VTL_ENTRY_INTERCEPT			3	/* OV:hvdef: via the intercept page */
#define HV_VP_VTL_CONTROL_VINA_ASSERTED		BIT(0)	/* vina_status */

struct hv_vp_vtl_control {
	u32 entry_reason;	/* HV_VTL_ENTRY_* */
	u8 vina_status;
	u8 reserved_z0;
	u16 reserved_z1;
	union {
		struct {
			u64 vtl_return_x64_rax;
			u64 vtl_return_x64_rcx;
		};
		struct {
			u32 vtl_return_x86_eax;
			u32 vtl_return_x86_ecx;
			u32 vtl_return_x86_edx;
			u32 reserved_z2;
		};
	};
};
HV_ASSERT_SIZE(struct hv_vp_vtl_control, 24);
HV_ASSERT_OFFSET(struct hv_vp_vtl_control, vina_status, 4);
HV_ASSERT_OFFSET(struct hv_vp_vtl_control, vtl_return_x64_rax, 8);
HV_ASSERT_OFFSET(struct hv_vp_vtl_control, vtl_return_x64_rcx, 16);

struct hv_vp_assist_page {
	u32 apic_assist;		/* HV_VIRTUAL_APIC_NO_EOI_REQUIRED */
	u32 reserved_z0;
	struct hv_vp_vtl_control vtl_control;
	u64 nested_enlightenments_control;
	u8 enlighten_vm_entry;
	u8 reserved_z1[7];
	u64 current_nested_vmcs;
	u8 synthetic_time_unhalted_timer_expired;
	u8 reserved_z2[7];
	u8 virtualization_fault_information[40];
	u64 reserved_z3;
	struct hv_message intercept_message;	/* VsmPartitionConfig.InterceptPage */
	u8 vtl_return_actions[256];
	u8 reserved_z4[HV_PAGE_SIZE - 0x270];
};
HV_ASSERT_SIZE(struct hv_vp_assist_page, HV_PAGE_SIZE);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, vtl_control, 0x08);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, vtl_control.vina_status, 0x0C);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, vtl_control.vtl_return_x64_rax, 0x10);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, vtl_control.vtl_return_x64_rcx, 0x18);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, nested_enlightenments_control, 0x20);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, enlighten_vm_entry, 0x28);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, current_nested_vmcs, 0x30);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, synthetic_time_unhalted_timer_expired, 0x38);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, virtualization_fault_information, 0x40);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, intercept_message, 0x70);
HV_ASSERT_OFFSET(struct hv_vp_assist_page, vtl_return_actions, 0x170);

/* ---- VtlCall / VtlReturn (TLFS "Virtual Secure Mode", "VTL Call", "VTL Return") -----------
 * The control word is the code alone; the input (RAX for 64-bit callers) is: VtlCall all
 * reserved, VtlReturn [0] fast return (do not restore RAX/RCX from hv_vp_vtl_control).
 * Neither writes a status; a bad input raises #UD.
 */
#define HV_VTL_RETURN_INPUT_FAST		BIT(0)
#define HV_VTL_RETURN_INPUT_RESERVED_MASK	GENMASK_ULL(63, 1)

/* ---- HvCallEnablePartitionVtl (TLFS "HvCallEnablePartitionVtl"; flags 1-2 OV:hvdef) ------- */
#define HV_ENABLE_PARTITION_VTL_MBEC		BIT(0)
#define HV_ENABLE_PARTITION_VTL_SUPERVISOR_SHADOW_STACK BIT(1)
#define HV_ENABLE_PARTITION_VTL_HARDWARE_HVPT	BIT(2)

struct hv_input_enable_partition_vtl {
	u64 partition_id;
	u8 target_vtl;		/* HV_VTL, not HV_INPUT_VTL */
	u8 flags;		/* HV_ENABLE_PARTITION_VTL_* */
	u16 reserved_z0;
	u32 reserved_z1;
};
HV_ASSERT_SIZE(struct hv_input_enable_partition_vtl, 16);
HV_ASSERT_OFFSET(struct hv_input_enable_partition_vtl, flags, 9);

/* ---- HV_INITIAL_VP_CONTEXT, EnableVpVtl, StartVirtualProcessor (TLFS "HV_INITIAL_VP_CONTEXT",
 *      "HvCallEnableVpVtl", "HvCallStartVirtualProcessor"; OV:hvdef InitialVpContextX64) ---- */
struct hv_initial_vp_context {
	u64 rip;
	u64 rsp;
	u64 rflags;
	struct hv_x64_segment_register cs;
	struct hv_x64_segment_register ds;
	struct hv_x64_segment_register es;
	struct hv_x64_segment_register fs;
	struct hv_x64_segment_register gs;
	struct hv_x64_segment_register ss;
	struct hv_x64_segment_register tr;
	struct hv_x64_segment_register ldtr;
	struct hv_x64_table_register idtr;
	struct hv_x64_table_register gdtr;
	u64 efer;
	u64 cr0;
	u64 cr3;
	u64 cr4;
	u64 msr_cr_pat;
};
HV_ASSERT_SIZE(struct hv_initial_vp_context, 224);
HV_ASSERT_OFFSET(struct hv_initial_vp_context, cs, 0x18);
HV_ASSERT_OFFSET(struct hv_initial_vp_context, ldtr, 0x88);
HV_ASSERT_OFFSET(struct hv_initial_vp_context, idtr, 0x98);
HV_ASSERT_OFFSET(struct hv_initial_vp_context, gdtr, 0xA8);
HV_ASSERT_OFFSET(struct hv_initial_vp_context, efer, 0xB8);
HV_ASSERT_OFFSET(struct hv_initial_vp_context, msr_cr_pat, 0xD8);

struct hv_input_enable_vp_vtl {
	u64 partition_id;
	u32 vp_index;		/* HV_VP_INDEX_SELF allowed */
	u8 target_vtl;
	u8 reserved_z[3];
	struct hv_initial_vp_context vp_context;
};
HV_ASSERT_SIZE(struct hv_input_enable_vp_vtl, 240);
HV_ASSERT_OFFSET(struct hv_input_enable_vp_vtl, target_vtl, 12);
HV_ASSERT_OFFSET(struct hv_input_enable_vp_vtl, vp_context, 16);

/* TLFS "HvCallStartVirtualProcessor": the layout of HvCallEnableVpVtl's input. */
struct hv_input_start_virtual_processor {
	u64 partition_id;
	u32 vp_index;
	u8 target_vtl;
	u8 reserved_z0;
	u16 reserved_z1;
	struct hv_initial_vp_context vp_context;
};
HV_ASSERT_SIZE(struct hv_input_start_virtual_processor, 240);
HV_ASSERT_OFFSET(struct hv_input_start_virtual_processor, vp_context, 16);

/* ---- HvCallModifyVtlProtectionMask (rep over u64 GPNs; TLFS "HvCallModifyVtlProtectionMask") */
struct hv_input_modify_vtl_protection_mask {
	u64 partition_id;
	u32 map_flags;		/* HV_MAP_GPA_* */
	u8 target_vtl;		/* HV_INPUT_VTL; only a lower VTL */
	u8 reserved_z[3];
	u64 gpa_page_list[];
};
HV_ASSERT_SIZE(struct hv_input_modify_vtl_protection_mask, 16);
HV_ASSERT_OFFSET(struct hv_input_modify_vtl_protection_mask, target_vtl, 12);

/* ---- HvCallGetVpIndexFromApicId (rep) ----------------------------------------------------
 * The TLFS page pads each APIC ID and VP index to 8 bytes; OV:hvdef and LNX (hv_vtl.c,
 * hv_get_vp_from_apic_id_in) use packed u32 lists. The code is followed: elements are u32.
 * With rep count 1 (all LNX issues) the two readings agree.
 */
struct hv_input_get_vp_index_from_apic_id {
	u64 partition_id;
	u8 target_vtl;
	u8 reserved[7];
	u32 apic_ids[];		/* output: u32 VP indices */
};
HV_ASSERT_SIZE(struct hv_input_get_vp_index_from_apic_id, 16);

/* ---- HvCallTranslateVirtualAddress[Ex] (TLFS "HV_TRANSLATE_GVA_CONTROL_FLAGS",
 *      "HV_TRANSLATE_GVA_RESULT", "HvCallTranslateVirtualAddress"; OV:hvdef) ---------------- */
#define HV_TRANSLATE_GVA_VALIDATE_READ		BIT(0)
#define HV_TRANSLATE_GVA_VALIDATE_WRITE		BIT(1)
#define HV_TRANSLATE_GVA_VALIDATE_EXECUTE	BIT(2)
#define HV_TRANSLATE_GVA_PRIVILEGE_EXEMPT	BIT(3)
#define HV_TRANSLATE_GVA_SET_PAGE_TABLE_BITS	BIT(4)
#define HV_TRANSLATE_GVA_TLB_FLUSH_INHIBIT	BIT(5)
#define HV_TRANSLATE_GVA_SUPERVISOR_ACCESS	BIT(6)
#define HV_TRANSLATE_GVA_USER_ACCESS		BIT(7)
#define HV_TRANSLATE_GVA_ENFORCE_SMAP		BIT(8)
#define HV_TRANSLATE_GVA_OVERRIDE_SMAP		BIT(9)
#define HV_TRANSLATE_GVA_SHADOW_STACK		BIT(10)
#define HV_TRANSLATE_GVA_INPUT_VTL_SHIFT	56	/* an HV_INPUT_VTL */
#define HV_TRANSLATE_GVA_INPUT_VTL_MASK		GENMASK_ULL(63, 56)
#define HV_TRANSLATE_GVA_RESERVED_MASK		GENMASK_ULL(55, 11)

#define HV_TRANSLATE_GVA_SUCCESS		0
#define HV_TRANSLATE_GVA_PAGE_NOT_PRESENT	1
#define HV_TRANSLATE_GVA_PRIVILEGE_VIOLATION	2
#define HV_TRANSLATE_GVA_INVALID_PAGE_TABLE_FLAGS 3
#define HV_TRANSLATE_GVA_GPA_UNMAPPED		4
#define HV_TRANSLATE_GVA_GPA_NO_READ_ACCESS	5
#define HV_TRANSLATE_GVA_GPA_NO_WRITE_ACCESS	6
#define HV_TRANSLATE_GVA_GPA_ILLEGAL_OVERLAY_ACCESS 7
#define HV_TRANSLATE_GVA_INTERCEPT		8
#define HV_TRANSLATE_GVA_GPA_UNACCEPTED		9

/* HV_TRANSLATE_GVA_RESULT (u64): [31:0] result code, [39:32] cache type, [40] overlay page. */
#define HV_TRANSLATE_GVA_RESULT_CODE_MASK	GENMASK_ULL(31, 0)
#define HV_TRANSLATE_GVA_RESULT_CACHE_TYPE_SHIFT 32
#define HV_TRANSLATE_GVA_RESULT_CACHE_TYPE_MASK	GENMASK_ULL(39, 32)
#define HV_TRANSLATE_GVA_RESULT_OVERLAY_PAGE	BIT(40)

#define HV_CACHE_TYPE_UNCACHED			0
#define HV_CACHE_TYPE_WRITE_COMBINING		1
#define HV_CACHE_TYPE_WRITE_THROUGH		4
#define HV_CACHE_TYPE_WRITE_PROTECTED		5
#define HV_CACHE_TYPE_WRITE_BACK		6

/* OV:hvdef: "This reserved field is not in the OS headers, but is required due to alignment." */
struct hv_input_translate_virtual_address {
	u64 partition_id;
	u32 vp_index;
	u32 reserved;
	u64 control_flags;	/* HV_TRANSLATE_GVA_* */
	u64 gva_page;
};
HV_ASSERT_SIZE(struct hv_input_translate_virtual_address, 32);
HV_ASSERT_OFFSET(struct hv_input_translate_virtual_address, control_flags, 16);
HV_ASSERT_OFFSET(struct hv_input_translate_virtual_address, gva_page, 24);

struct hv_output_translate_virtual_address {
	u64 translation_result;	/* HV_TRANSLATE_GVA_RESULT */
	u64 gpa_page;
};
HV_ASSERT_SIZE(struct hv_output_translate_virtual_address, 16);

/* ---- Pending events (OV:hvdef HvX64PendingEvent, HvX64PendingExceptionEvent) -------------
 * HV_REGISTER_PENDING_EVENT0 holds the first 128 bits, PENDING_EVENT1 the second. Byte 0:
 * [0] pending, [3:1] type. An exception: byte 1 [0] deliver error code, then vector u16,
 * error code u32, parameter u64 (CR2 for #PF).
 */
#define HV_X64_PENDING_EVENT_PENDING		BIT(0)
#define HV_X64_PENDING_EVENT_TYPE_SHIFT		1
#define HV_X64_PENDING_EVENT_TYPE_MASK		GENMASK_ULL(3, 1)
#define HV_X64_PENDING_EVENT_EXCEPTION		0
#define HV_X64_PENDING_EVENT_MEMORY_INTERCEPT	1
#define HV_X64_PENDING_EVENT_NESTED_MEMORY_INTERCEPT 2
#define HV_X64_PENDING_EVENT_VIRTUALIZATION_FAULT 3
#define HV_X64_PENDING_EVENT_HYPERCALL_OUTPUT	4
#define HV_X64_PENDING_EVENT_EXT_INT		5
#define HV_X64_PENDING_EVENT_SHADOW_IPT		6
#define HV_X64_PENDING_EXCEPTION_DELIVER_ERROR_CODE BIT(0)	/* in .flags */

struct hv_x64_pending_exception_event {
	u8 event_header;	/* HV_X64_PENDING_EVENT_PENDING | type << 1 */
	u8 flags;
	u16 vector;
	u32 error_code;
	u64 exception_parameter;
};
HV_ASSERT_SIZE(struct hv_x64_pending_exception_event, 16);
HV_ASSERT_OFFSET(struct hv_x64_pending_exception_event, vector, 2);
HV_ASSERT_OFFSET(struct hv_x64_pending_exception_event, error_code, 4);

struct hv_x64_pending_event {
	union {
		struct hv_x64_pending_exception_event exception;
		u64 reg0[2];
	};
	u64 reg1[2];
};
HV_ASSERT_SIZE(struct hv_x64_pending_event, 32);

/* OV:hvdef TranslateVirtualAddressExOutputX64 (0x40 bytes). */
struct hv_output_translate_virtual_address_ex {
	u64 translation_result;
	u64 reserved;
	struct hv_x64_pending_event event_info;
	u64 gpa_page;
	u64 reserved2;
};
HV_ASSERT_SIZE(struct hv_output_translate_virtual_address_ex, 0x40);
HV_ASSERT_OFFSET(struct hv_output_translate_virtual_address_ex, event_info, 0x10);
HV_ASSERT_OFFSET(struct hv_output_translate_virtual_address_ex, gpa_page, 0x30);

/* HV_REGISTER_PENDING_INTERRUPTION (OV:hvdef HvX64PendingInterruptionRegister). */
#define HV_X64_PENDING_INTERRUPTION_PENDING	BIT(0)
#define HV_X64_PENDING_INTERRUPTION_TYPE_SHIFT	1
#define HV_X64_PENDING_INTERRUPTION_TYPE_MASK	GENMASK_ULL(3, 1)
#define HV_X64_PENDING_INTERRUPTION_DELIVER_ERROR_CODE BIT(4)
#define HV_X64_PENDING_INTERRUPTION_VECTOR_SHIFT 16
#define HV_X64_PENDING_INTERRUPTION_VECTOR_MASK	GENMASK_ULL(31, 16)
#define HV_X64_PENDING_INTERRUPTION_ERROR_CODE_SHIFT 32
#define HV_X64_PENDING_INTERRUPT		0	/* interruption types */
#define HV_X64_PENDING_NMI			2
#define HV_X64_PENDING_EXCEPTION		3
/* HV_REGISTER_INTERRUPT_STATE. */
#define HV_X64_INTERRUPT_STATE_INTERRUPT_SHADOW	BIT(0)
#define HV_X64_INTERRUPT_STATE_NMI_MASKED	BIT(1)

/* ---- VSM registers (TLFS "HV_REGISTER_NAME", "Virtual Secure Mode"; OV:hvdef) ------------ */
#define HV_REGISTER_VSM_CODE_PAGE_OFFSETS	0x000D0002	/* RO, per VTL */
#define HV_REGISTER_VSM_VP_STATUS		0x000D0003	/* RO, per VP */
#define HV_REGISTER_VSM_PARTITION_STATUS	0x000D0004	/* RO */
#define HV_REGISTER_VSM_VINA			0x000D0005
#define HV_REGISTER_VSM_CAPABILITIES		0x000D0006	/* RO */
#define HV_REGISTER_VSM_PARTITION_CONFIG	0x000D0007	/* per VTL > 0 */
#define HV_REGISTER_GUEST_VSM_PARTITION_CONFIG	0x000D0008	/* OV:hvdef */
#define HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0	0x000D0010
#define HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL(n)	(HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0 + (n))
#define HV_REGISTER_VSM_VP_WAIT_FOR_TLB_LOCK	0x000D0020
#define HV_X64_REGISTER_CR_INTERCEPT_CONTROL	0x000E0000	/* OV:hvdef */
#define HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK	0x000E0001
#define HV_X64_REGISTER_CR_INTERCEPT_CR4_MASK	0x000E0002
#define HV_X64_REGISTER_CR_INTERCEPT_IA32_MISC_ENABLE_MASK 0x000E0003

/* VsmCodePageOffsets: where VtlCall / VtlReturn stubs sit in the hypercall page. */
#define HV_VSM_CODE_PAGE_OFFSETS_CALL_MASK	GENMASK_ULL(11, 0)
#define HV_VSM_CODE_PAGE_OFFSETS_RETURN_SHIFT	12
#define HV_VSM_CODE_PAGE_OFFSETS_RETURN_MASK	GENMASK_ULL(23, 12)

#define HV_VSM_VP_STATUS_ACTIVE_VTL_MASK	GENMASK_ULL(3, 0)
#define HV_VSM_VP_STATUS_ACTIVE_MBEC_ENABLED	BIT(4)
#define HV_VSM_VP_STATUS_ENABLED_VTL_SET_SHIFT	16
#define HV_VSM_VP_STATUS_ENABLED_VTL_SET_MASK	GENMASK_ULL(31, 16)

#define HV_VSM_PARTITION_STATUS_ENABLED_VTL_SET_MASK	GENMASK_ULL(15, 0)
#define HV_VSM_PARTITION_STATUS_MAXIMUM_VTL_SHIFT	16
#define HV_VSM_PARTITION_STATUS_MAXIMUM_VTL_MASK	GENMASK_ULL(19, 16)
#define HV_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET_SHIFT 20
#define HV_VSM_PARTITION_STATUS_MBEC_ENABLED_VTL_SET_MASK GENMASK_ULL(35, 20)
#define HV_VSM_PARTITION_STATUS_SSS_ENABLED_VTL_SET_SHIFT 36
#define HV_VSM_PARTITION_STATUS_SSS_ENABLED_VTL_SET_MASK GENMASK_ULL(39, 36)

#define HV_VSM_VINA_VECTOR_MASK			GENMASK_ULL(7, 0)
#define HV_VSM_VINA_ENABLED			BIT(8)
#define HV_VSM_VINA_AUTO_RESET			BIT(9)
#define HV_VSM_VINA_AUTO_EOI			BIT(10)

/* VsmCapabilities: LSB-first as OV:hvdef (see the trap at the top of this file). */
#define HV_VSM_CAPABILITIES_DR6_SHARED		BIT(0)
#define HV_VSM_CAPABILITIES_MBEC_VTL_MASK_SHIFT	1
#define HV_VSM_CAPABILITIES_MBEC_VTL_MASK	GENMASK_ULL(16, 1)
#define HV_VSM_CAPABILITIES_DENY_LOWER_VTL_STARTUP BIT(17)
#define HV_VSM_CAPABILITIES_SUPERVISOR_SHADOW_STACK BIT(18)
#define HV_VSM_CAPABILITIES_HARDWARE_HVPT_AVAILABLE BIT(19)
#define HV_VSM_CAPABILITIES_SOFTWARE_HVPT_AVAILABLE BIT(20)
#define HV_VSM_CAPABILITIES_HARDWARE_HVPT_RANGE_BITS_MASK GENMASK_ULL(26, 21)
#define HV_VSM_CAPABILITIES_INTERCEPT_PAGE_AVAILABLE BIT(27)
#define HV_VSM_CAPABILITIES_RETURN_ACTION_AVAILABLE BIT(28)
#define HV_VSM_CAPABILITIES_VTL0_ALIAS_MAP_AVAILABLE BIT(29)
#define HV_VSM_CAPABILITIES_INTERCEPT_NOT_PRESENT_AVAILABLE BIT(30)
#define HV_VSM_CAPABILITIES_INSTALL_INTERCEPT_EX BIT(31)
#define HV_VSM_CAPABILITIES_INTERCEPT_SYSTEM_RESET_AVAILABLE BIT(32)

/* VsmPartitionConfig: EnableVtlProtection is write-once; the default mask is HV_MAP_GPA bits. */
#define HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION	BIT(0)
#define HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK_SHIFT 1
#define HV_VSM_PARTITION_CONFIG_DEFAULT_VTL_PROTECTION_MASK GENMASK_ULL(4, 1)
#define HV_VSM_PARTITION_CONFIG_ZERO_MEMORY_ON_RESET	BIT(5)
#define HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP	BIT(6)
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_ACCEPTANCE	BIT(7)
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_ENABLE_VTL_PROTECTION BIT(8)
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_VP_STARTUP	BIT(9)
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_CPUID_UNIMPLEMENTED BIT(10)
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_UNRECOVERABLE_EXCEPTION BIT(11)
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_PAGE		BIT(12)
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_RESTORE_PARTITION_TIME BIT(13)
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_NOT_PRESENT	BIT(14)
#define HV_VSM_PARTITION_CONFIG_INTERCEPT_SYSTEM_RESET	BIT(15)
#define HV_VSM_PARTITION_CONFIG_RESERVED_MASK		GENMASK_ULL(63, 16)

#define HV_GUEST_VSM_PARTITION_CONFIG_MAXIMUM_VTL_MASK	GENMASK_ULL(3, 0)

/* VsmVpSecureConfigVtl<n>: set by a higher VTL for lower VTL n. */
#define HV_VSM_VP_SECURE_CONFIG_MBEC_ENABLED		BIT(0)
#define HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED		BIT(1)
#define HV_VSM_VP_SECURE_CONFIG_SUPERVISOR_SHADOW_STACK_ENABLED BIT(2)
#define HV_VSM_VP_SECURE_CONFIG_HARDWARE_HVPT_ENABLED	BIT(3)

#define HV_VSM_VP_WAIT_FOR_TLB_LOCK_WAIT		BIT(0)

/* CrInterceptControl (TLFS "Secure Register Intercepts"; bits 25-28 OV:hvdef). */
#define HV_X64_CR_INTERCEPT_CR0_WRITE			BIT(0)
#define HV_X64_CR_INTERCEPT_CR4_WRITE			BIT(1)
#define HV_X64_CR_INTERCEPT_XCR0_WRITE			BIT(2)
#define HV_X64_CR_INTERCEPT_IA32_MISC_ENABLE_READ	BIT(3)
#define HV_X64_CR_INTERCEPT_IA32_MISC_ENABLE_WRITE	BIT(4)
#define HV_X64_CR_INTERCEPT_MSR_LSTAR_READ		BIT(5)
#define HV_X64_CR_INTERCEPT_MSR_LSTAR_WRITE		BIT(6)
#define HV_X64_CR_INTERCEPT_MSR_STAR_READ		BIT(7)
#define HV_X64_CR_INTERCEPT_MSR_STAR_WRITE		BIT(8)
#define HV_X64_CR_INTERCEPT_MSR_CSTAR_READ		BIT(9)
#define HV_X64_CR_INTERCEPT_MSR_CSTAR_WRITE		BIT(10)
#define HV_X64_CR_INTERCEPT_APIC_BASE_MSR_READ		BIT(11)
#define HV_X64_CR_INTERCEPT_APIC_BASE_MSR_WRITE		BIT(12)
#define HV_X64_CR_INTERCEPT_MSR_EFER_READ		BIT(13)
#define HV_X64_CR_INTERCEPT_MSR_EFER_WRITE		BIT(14)
#define HV_X64_CR_INTERCEPT_GDTR_WRITE			BIT(15)
#define HV_X64_CR_INTERCEPT_IDTR_WRITE			BIT(16)
#define HV_X64_CR_INTERCEPT_LDTR_WRITE			BIT(17)
#define HV_X64_CR_INTERCEPT_TR_WRITE			BIT(18)
#define HV_X64_CR_INTERCEPT_MSR_SYSENTER_CS_WRITE	BIT(19)
#define HV_X64_CR_INTERCEPT_MSR_SYSENTER_EIP_WRITE	BIT(20)
#define HV_X64_CR_INTERCEPT_MSR_SYSENTER_ESP_WRITE	BIT(21)
#define HV_X64_CR_INTERCEPT_MSR_SFMASK_WRITE		BIT(22)
#define HV_X64_CR_INTERCEPT_MSR_TSC_AUX_WRITE		BIT(23)
#define HV_X64_CR_INTERCEPT_MSR_SGX_LAUNCH_CONTROL_WRITE BIT(24)
#define HV_X64_CR_INTERCEPT_MSR_XSS_WRITE		BIT(25)
#define HV_X64_CR_INTERCEPT_MSR_SCET_WRITE		BIT(26)
#define HV_X64_CR_INTERCEPT_MSR_PLS_SSP_WRITE		BIT(27)
#define HV_X64_CR_INTERCEPT_MSR_INTERRUPT_SSP_TABLE_ADDR_WRITE BIT(28)
#define HV_X64_CR_INTERCEPT_RESERVED_MASK		GENMASK_ULL(63, 29)

/* ---- Intercept messages (OV:hvdef HvX64InterceptMessageHeader and friends) --------------- */
#define HV_INTERCEPT_ACCESS_READ		0	/* intercept_access_type */
#define HV_INTERCEPT_ACCESS_WRITE		1
#define HV_INTERCEPT_ACCESS_EXECUTE		2

#define HV_X64_INTERCEPT_INSTRUCTION_LENGTH_MASK GENMASK_ULL(3, 0)
#define HV_X64_INTERCEPT_CR8_SHIFT		4
#define HV_X64_INTERCEPT_CR8_MASK		GENMASK_ULL(7, 4)

/* HV_X64_VP_EXECUTION_STATE (u16). */
#define HV_X64_VP_EXECUTION_STATE_CPL_MASK	GENMASK_ULL(1, 0)
#define HV_X64_VP_EXECUTION_STATE_CR0_PE	BIT(2)
#define HV_X64_VP_EXECUTION_STATE_CR0_AM	BIT(3)
#define HV_X64_VP_EXECUTION_STATE_EFER_LMA	BIT(4)
#define HV_X64_VP_EXECUTION_STATE_DEBUG_ACTIVE	BIT(5)
#define HV_X64_VP_EXECUTION_STATE_INTERRUPTION_PENDING BIT(6)
#define HV_X64_VP_EXECUTION_STATE_VTL_SHIFT	7
#define HV_X64_VP_EXECUTION_STATE_VTL_MASK	GENMASK_ULL(10, 7)
#define HV_X64_VP_EXECUTION_STATE_ENCLAVE_MODE	BIT(11)
#define HV_X64_VP_EXECUTION_STATE_INTERRUPT_SHADOW BIT(12)
#define HV_X64_VP_EXECUTION_STATE_VIRTUALIZATION_FAULT_ACTIVE BIT(13)

struct hv_x64_intercept_message_header {
	u32 vp_index;
	u8 instruction_length_and_cr8;
	u8 intercept_access_type;	/* HV_INTERCEPT_ACCESS_* */
	u16 execution_state;		/* HV_X64_VP_EXECUTION_STATE_* */
	struct hv_x64_segment_register cs_segment;
	u64 rip;
	u64 rflags;
};
HV_ASSERT_SIZE(struct hv_x64_intercept_message_header, 0x28);
HV_ASSERT_OFFSET(struct hv_x64_intercept_message_header, intercept_access_type, 5);
HV_ASSERT_OFFSET(struct hv_x64_intercept_message_header, execution_state, 6);
HV_ASSERT_OFFSET(struct hv_x64_intercept_message_header, cs_segment, 8);
HV_ASSERT_OFFSET(struct hv_x64_intercept_message_header, rip, 0x18);
HV_ASSERT_OFFSET(struct hv_x64_intercept_message_header, rflags, 0x20);

/* HVMSG_GPA_INTERCEPT / HVMSG_UNMAPPED_GPA payload. */
#define HV_X64_MEMORY_ACCESS_INFO_GVA_VALID	BIT(0)
#define HV_X64_MEMORY_ACCESS_INFO_GVA_GPA_VALID	BIT(1)
#define HV_X64_MEMORY_ACCESS_INFO_HYPERCALL_OUTPUT_PENDING BIT(2)
#define HV_X64_MEMORY_ACCESS_INFO_TLB_LOCKED	BIT(3)
#define HV_X64_MEMORY_ACCESS_INFO_SUPERVISOR_SHADOW_STACK BIT(4)

struct hv_x64_memory_intercept_message {
	struct hv_x64_intercept_message_header header;
	u32 cache_type;			/* HV_CACHE_TYPE_* */
	u8 instruction_byte_count;
	u8 memory_access_info;		/* HV_X64_MEMORY_ACCESS_INFO_* */
	u8 tpr_priority;
	u8 reserved;
	u64 guest_virtual_address;
	u64 guest_physical_address;
	u8 instruction_bytes[16];
};
HV_ASSERT_SIZE(struct hv_x64_memory_intercept_message, 0x50);
HV_ASSERT_OFFSET(struct hv_x64_memory_intercept_message, cache_type, 0x28);
HV_ASSERT_OFFSET(struct hv_x64_memory_intercept_message, memory_access_info, 0x2D);
HV_ASSERT_OFFSET(struct hv_x64_memory_intercept_message, guest_virtual_address, 0x30);
HV_ASSERT_OFFSET(struct hv_x64_memory_intercept_message, guest_physical_address, 0x38);
HV_ASSERT_OFFSET(struct hv_x64_memory_intercept_message, instruction_bytes, 0x40);

/* HVMSG_X64_MSR_INTERCEPT payload. */
struct hv_x64_msr_intercept_message {
	struct hv_x64_intercept_message_header header;
	u32 msr_number;
	u32 reserved;
	u64 rdx;
	u64 rax;
};
HV_ASSERT_SIZE(struct hv_x64_msr_intercept_message, 0x40);
HV_ASSERT_OFFSET(struct hv_x64_msr_intercept_message, rdx, 0x30);

/* HVMSG_X64_IO_PORT_INTERCEPT payload. */
#define HV_X64_IO_PORT_ACCESS_SIZE_MASK		GENMASK_ULL(2, 0)
#define HV_X64_IO_PORT_ACCESS_STRING_OP		BIT(3)
#define HV_X64_IO_PORT_ACCESS_REP_PREFIX	BIT(4)

struct hv_x64_io_port_intercept_message {
	struct hv_x64_intercept_message_header header;
	u16 port_number;
	u8 access_info;			/* HV_X64_IO_PORT_ACCESS_* */
	u8 instruction_byte_count;
	u32 reserved;
	u64 rax;
	u8 instruction_bytes[16];
	struct hv_x64_segment_register ds_segment;
	struct hv_x64_segment_register es_segment;
	u64 rcx;
	u64 rsi;
	u64 rdi;
};
HV_ASSERT_SIZE(struct hv_x64_io_port_intercept_message, 0x80);
HV_ASSERT_OFFSET(struct hv_x64_io_port_intercept_message, rax, 0x30);
HV_ASSERT_OFFSET(struct hv_x64_io_port_intercept_message, ds_segment, 0x48);
HV_ASSERT_OFFSET(struct hv_x64_io_port_intercept_message, rcx, 0x68);

/* HVMSG_X64_REGISTER_INTERCEPT payload (CrInterceptControl hits). */
#define HV_X64_REGISTER_INTERCEPT_IS_MEMORY_OP	BIT(0)

struct hv_x64_register_intercept_message {
	struct hv_x64_intercept_message_header header;
	u8 flags;			/* HV_X64_REGISTER_INTERCEPT_IS_MEMORY_OP */
	u8 reserved;
	u16 reserved2;
	u32 register_name;		/* HV_X64_REGISTER_* */
	union hv_register_value source_value;	/* the value being written */
};
HV_ASSERT_SIZE(struct hv_x64_register_intercept_message, 0x40);
HV_ASSERT_OFFSET(struct hv_x64_register_intercept_message, register_name, 0x2C);
HV_ASSERT_OFFSET(struct hv_x64_register_intercept_message, source_value, 0x30);

/* HVMSG_UNRECOVERABLE_EXCEPTION carries the header alone (e.g. a triple fault). */

/* ---- HvCallInstallIntercept (TLFS "HvCallInstallIntercept"; OV:hvdef) ------------------- */
#define HV_INTERCEPT_ACCESS_MASK_NONE		0x0
#define HV_INTERCEPT_ACCESS_MASK_READ		0x1
#define HV_INTERCEPT_ACCESS_MASK_WRITE		0x2
#define HV_INTERCEPT_ACCESS_MASK_EXECUTE	0x4

#define HV_INTERCEPT_TYPE_X64_IO_PORT		0x00000000	/* parameter: port u16 */
#define HV_INTERCEPT_TYPE_X64_MSR		0x00000001
#define HV_INTERCEPT_TYPE_X64_CPUID		0x00000002	/* parameter: leaf u32 */
#define HV_INTERCEPT_TYPE_EXCEPTION		0x00000003	/* parameter: vector u16 */
#define HV_INTERCEPT_TYPE_HYPERCALL		0x00000008
#define HV_INTERCEPT_TYPE_UNKNOWN_SYNIC_CONNECTION 0x0000000D
#define HV_INTERCEPT_TYPE_X64_APIC_EOI		0x0000000E
#define HV_INTERCEPT_TYPE_RETARGET_INTERRUPT_WITH_UNKNOWN_DEVICE_ID 0x0000000F
#define HV_INTERCEPT_TYPE_X64_IO_PORT_RANGE	0x00000011	/* parameter: base | end << 16 */

struct hv_input_install_intercept {
	u64 partition_id;
	u32 access_type_mask;	/* HV_INTERCEPT_ACCESS_MASK_* */
	u32 intercept_type;	/* HV_INTERCEPT_TYPE_* */
	u64 intercept_parameters;
};
HV_ASSERT_SIZE(struct hv_input_install_intercept, 24);

/* ---- HvCallAssertVirtualInterrupt (TLFS "HvCallAssertVirtualInterrupt", "HV_INTERRUPT_CONTROL";
 *      OV:hvdef): a higher VTL injects a fixed interrupt or NMI into a lower one. ---------- */
#define HV_X64_INTERRUPT_TYPE_FIXED		0x0000
#define HV_X64_INTERRUPT_TYPE_LOWESTPRIORITY	0x0001
#define HV_X64_INTERRUPT_TYPE_SMI		0x0002
#define HV_X64_INTERRUPT_TYPE_REMOTEREAD	0x0003
#define HV_X64_INTERRUPT_TYPE_NMI		0x0004
#define HV_X64_INTERRUPT_TYPE_INIT		0x0005
#define HV_X64_INTERRUPT_TYPE_SIPI		0x0006
#define HV_X64_INTERRUPT_TYPE_EXTINT		0x0007
#define HV_X64_INTERRUPT_TYPE_LOCALINT0		0x0008
#define HV_X64_INTERRUPT_TYPE_LOCALINT1		0x0009
/* HV_INTERRUPT_CONTROL (u64): [31:0] type, [32] level triggered, [33] logical destination. */
#define HV_INTERRUPT_CONTROL_TYPE_MASK		GENMASK_ULL(31, 0)
#define HV_INTERRUPT_CONTROL_LEVEL_TRIGGERED	BIT(32)
#define HV_INTERRUPT_CONTROL_LOGICAL_DEST_MODE	BIT(33)

struct hv_input_assert_virtual_interrupt {
	u64 partition_id;
	u64 interrupt_control;
	u64 destination_address;	/* APIC ID (physical) or logical destination */
	u32 requested_vector;
	u8 target_vtl;
	u8 reserved_z0;
	u16 reserved_z1;
};
HV_ASSERT_SIZE(struct hv_input_assert_virtual_interrupt, 32);
HV_ASSERT_OFFSET(struct hv_input_assert_virtual_interrupt, requested_vector, 24);

#endif /* VTLVM_HV_TLFS_VSM_H */
