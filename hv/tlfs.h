/* SPDX-License-Identifier: MIT */
/*
 * hv/tlfs.h -- the Hyper-V guest interface (TLFS): numbers and layouts only.
 *
 * Everything a guest can see of the Microsoft hypervisor interface that vtlvm
 * emulates lives here and nowhere else: CPUID leaves, synthetic MSRs and their
 * fields, the hypercall input/result words, hypercall codes, HV_STATUS codes,
 * SynIC message and event pages, hypercall input blocks and VP register names.
 * The VSM half (VTLs, VP assist page, intercept messages, VSM registers) is in
 * hv/tlfs_vsm.h, which this header includes at the end; include this one.
 *
 * Sources, cited per group:
 *   TLFS "<page>"  MicrosoftDocs/Virtualization-Documentation
 *                  virtualization/hyper-v-on-windows/tlfs/<page>.md
 *   OV:hvdef       microsoft/openvmm vm/hv1/hvdef/src/lib.rs (talks to the real
 *                  hypervisor: it wins where the TLFS text is wrong or silent)
 *   LNX            torvalds/linux include/hyperv/hvgdk_mini.h,
 *                  arch/x86/include/asm/hyperv-tlfs.h
 * Where they disagree, the comment at the definition says which one is used.
 *
 * Invariants:
 *   - Masks and shifts are u64 constants (BIT(), GENMASK_ULL()); a field is
 *     read as (value & MASK) >> SHIFT.
 *   - Every structure that crosses the guest boundary has natural alignment
 *     (at most 8), explicit reserved fields, and a _Static_assert on its size
 *     and on each field offset a handler relies on. No structure here needs
 *     more than the 8-byte alignment the TLFS guarantees for hypercall GPAs.
 *   - The partition privilege bits are positions in the 64-bit
 *     HV_PARTITION_PRIVILEGE_MASK (EBX bit n = mask bit 32 + n). Linux's
 *     same-named EBX constants are EBX-relative; these are not.
 *   - Pure header: no state, no allocation, usable from freestanding code.
 */
#ifndef VTLVM_HV_TLFS_H
#define VTLVM_HV_TLFS_H

#include "vmm/types.h"

/* The statically checked layout rule, used right after each structure. */
#define HV_ASSERT_SIZE(type, size) \
	_Static_assert(sizeof(type) == (size), #type " is guest ABI: size")
#define HV_ASSERT_OFFSET(type, field, off) \
	_Static_assert(offsetof(type, field) == (off), #type "." #field " is guest ABI: offset")

typedef u16 hv_status_t;

/* ---- Basic constants (TLFS "Data Types", "Hypercall Interface"; LNX hvgdk_mini) ---------- */
#define HV_PAGE_SHIFT			12
#define HV_PAGE_SIZE			4096
#define HV_PARTITION_ID_SELF		((u64)-1)
#define HV_VP_INDEX_SELF		0xfffffffeU
#define HV_ANY_VP			0xffffffffU
#define HV_CLOCK_HZ			10000000ULL	/* reference time ticks in 100 ns */

/* ---- CPUID leaves (TLFS "Feature Discovery"; LNX hvgdk_mini HV_CPUID_FUNCTION) ----------- */
#define HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS	0x40000000
#define HYPERV_CPUID_INTERFACE			0x40000001
#define HYPERV_CPUID_VERSION			0x40000002
#define HYPERV_CPUID_FEATURES			0x40000003
#define HYPERV_CPUID_ENLIGHTMENT_INFO		0x40000004
#define HYPERV_CPUID_IMPLEMENT_LIMITS		0x40000005
#define HYPERV_CPUID_HARDWARE_FEATURES		0x40000006
#define HYPERV_CPUID_CPU_MANAGEMENT_FEATURES	0x40000007	/* root partition only */
#define HYPERV_CPUID_SVM_FEATURES		0x40000008	/* root partition only */
#define HYPERV_CPUID_NESTED_HV_FEATURES		0x40000009
#define HYPERV_CPUID_NESTED_FEATURES		0x4000000A
#define HYPERV_CPUID_ISOLATION_CONFIG		0x4000000C
#define HYPERV_CPUID_MIN			0x40000005	/* "at least 0x40000005" */
#define HYPERV_CPUID_MAX			0x4000ffff	/* LNX rejects larger */
#define HYPERV_HYPERVISOR_PRESENT_BIT		BIT(31)		/* CPUID.1:ECX */

/* 0x40000000 EBX:ECX:EDX = "Microsoft Hv"; 0x40000001 EAX = "Hv#1", both little-endian. */
#define HYPERV_CPUID_VENDOR_EBX		0x7263694D	/* "Micr" */
#define HYPERV_CPUID_VENDOR_ECX		0x666F736F	/* "osof" */
#define HYPERV_CPUID_VENDOR_EDX		0x76482074	/* "t Hv" */
#define HYPERV_CPUID_VENDOR_STRING	"Microsoft Hv"
#define HYPERV_CPUID_SIGNATURE_EAX	0x31237648	/* "Hv#1" */

/* 0x40000002: EAX build, EBX major << 16 | minor, ECX service pack, EDX branch << 24 | number. */
#define HYPERV_CPUID_VERSION_MAJOR_SHIFT	16

/*
 * HV_PARTITION_PRIVILEGE_MASK, reported in 0x40000003 EAX (bits 31:0) and EBX
 * (bits 63:32). TLFS "HV_PARTITION_PRIVILEGE_MASK"; OV:hvdef HvPartitionPrivilege
 * names the bits the TLFS page leaves "Reserved" (35, 45-47, 51, 54).
 */
#define HV_ACCESS_VP_RUNTIME_REG		BIT(0)
#define HV_ACCESS_PARTITION_REFERENCE_COUNTER	BIT(1)
#define HV_ACCESS_SYNIC_REGS			BIT(2)
#define HV_ACCESS_SYNTHETIC_TIMER_REGS		BIT(3)
#define HV_ACCESS_INTR_CTRL_REGS		BIT(4)	/* APIC MSRs EOI/ICR/TPR, VP assist */
#define HV_ACCESS_HYPERCALL_MSRS		BIT(5)
#define HV_ACCESS_VP_INDEX			BIT(6)
#define HV_ACCESS_RESET_REG			BIT(7)
#define HV_ACCESS_STATS_REG			BIT(8)
#define HV_ACCESS_PARTITION_REFERENCE_TSC	BIT(9)
#define HV_ACCESS_GUEST_IDLE_REG		BIT(10)
#define HV_ACCESS_FREQUENCY_REGS		BIT(11)
#define HV_ACCESS_DEBUG_REGS			BIT(12)
#define HV_ACCESS_REENLIGHTENMENT_CONTROLS	BIT(13)
#define HV_ACCESS_ROOT_SCHEDULER_REG		BIT(14)
#define HV_ACCESS_TSC_INVARIANT_CONTROLS	BIT(15)
#define HV_CREATE_PARTITIONS			BIT(32)
#define HV_ACCESS_PARTITION_ID			BIT(33)
#define HV_ACCESS_MEMORY_POOL			BIT(34)
#define HV_ADJUST_MESSAGE_BUFFERS		BIT(35)
#define HV_POST_MESSAGES			BIT(36)
#define HV_SIGNAL_EVENTS			BIT(37)
#define HV_CREATE_PORT				BIT(38)
#define HV_CONNECT_PORT				BIT(39)
#define HV_ACCESS_STATS				BIT(40)
#define HV_DEBUGGING				BIT(43)
#define HV_CPU_MANAGEMENT			BIT(44)
#define HV_CONFIGURE_PROFILER			BIT(45)
#define HV_ACCESS_VP_EXIT_TRACING		BIT(46)
#define HV_ENABLE_EXTENDED_GVA_RANGES_FLUSH_VA_LIST BIT(47)
#define HV_ACCESS_VSM				BIT(48)	/* EBX[16] */
#define HV_ACCESS_VP_REGISTERS			BIT(49)	/* EBX[17] */
#define HV_FAST_HYPERCALL_OUTPUT		BIT(51)	/* EBX[19] */
#define HV_ENABLE_EXTENDED_HYPERCALLS		BIT(52)	/* EBX[20] */
#define HV_START_VIRTUAL_PROCESSOR		BIT(53)	/* EBX[21] */
#define HV_ISOLATION				BIT(54)	/* EBX[22]: CVMs only */

#define HV_PRIVILEGE_EAX(mask)			((u32)(mask))
#define HV_PRIVILEGE_EBX(mask)			((u32)((u64)(mask) >> 32))

/* 0x40000003 EDX (TLFS "Feature Discovery"; LNX names; bits 16, 20-31 OV:hvdef HvFeatures). */
#define HV_X64_MWAIT_AVAILABLE				BIT(0)	/* deprecated */
#define HV_X64_GUEST_DEBUGGING_AVAILABLE		BIT(1)
#define HV_X64_PERF_MONITOR_AVAILABLE			BIT(2)
#define HV_X64_CPU_DYNAMIC_PARTITIONING_AVAILABLE	BIT(3)
#define HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE		BIT(4)
#define HV_X64_GUEST_IDLE_STATE_AVAILABLE		BIT(5)
#define HV_X64_HYPERVISOR_SLEEP_STATE_AVAILABLE		BIT(6)
#define HV_X64_NUMA_DISTANCE_QUERY_AVAILABLE		BIT(7)
#define HV_FEATURE_FREQUENCY_MSRS_AVAILABLE		BIT(8)
#define HV_X64_SYNTHETIC_MACHINE_CHECK_AVAILABLE	BIT(9)
#define HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE		BIT(10)
#define HV_FEATURE_DEBUG_MSRS_AVAILABLE			BIT(11)
#define HV_X64_NPIEP_AVAILABLE				BIT(12)
#define HV_X64_DISABLE_HYPERVISOR_AVAILABLE		BIT(13)
#define HV_FEATURE_EXT_GVA_RANGES_FLUSH			BIT(14)
#define HV_X64_HYPERCALL_XMM_OUTPUT_AVAILABLE		BIT(15)
#define HV_X64_SVM_FEATURES_AVAILABLE			BIT(16)
#define HV_X64_SINT_POLLING_MODE_AVAILABLE		BIT(17)
#define HV_X64_HYPERCALL_MSR_LOCK_AVAILABLE		BIT(18)
#define HV_STIMER_DIRECT_MODE_AVAILABLE			BIT(19)
#define HV_X64_REGISTER_PAT_AVAILABLE			BIT(20)	/* PAT in VSM */
#define HV_X64_REGISTER_BNDCFGS_AVAILABLE		BIT(21)
#define HV_X64_WATCHDOG_TIMER_AVAILABLE			BIT(22)
#define HV_X64_SYNTHETIC_TIME_UNHALTED_TIMER_AVAILABLE	BIT(23)
#define HV_X64_DEVICE_DOMAINS_AVAILABLE			BIT(24)
#define HV_X64_S1_DEVICE_DOMAINS_AVAILABLE		BIT(25)
#define HV_X64_LBR_AVAILABLE				BIT(26)
#define HV_X64_IPT_AVAILABLE				BIT(27)
#define HV_X64_CROSS_VTL_FLUSH_AVAILABLE		BIT(28)
#define HV_X64_IDLE_SPEC_CTRL_AVAILABLE			BIT(29)
#define HV_X64_TRANSLATE_GVA_FLAGS_AVAILABLE		BIT(30)
#define HV_X64_APIC_EOI_INTERCEPT_AVAILABLE		BIT(31)

/* 0x40000004 EAX recommendations (TLFS "Feature Discovery"; LNX; bits 16, 19-23 OV:hvdef). */
#define HV_X64_AS_SWITCH_RECOMMENDED			BIT(0)
#define HV_X64_LOCAL_TLB_FLUSH_RECOMMENDED		BIT(1)
#define HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED		BIT(2)
#define HV_X64_APIC_ACCESS_RECOMMENDED			BIT(3)
#define HV_X64_SYSTEM_RESET_RECOMMENDED			BIT(4)
#define HV_X64_RELAXED_TIMING_RECOMMENDED		BIT(5)
#define HV_X64_DMA_REMAPPING_RECOMMENDED		BIT(6)
#define HV_X64_INTERRUPT_REMAPPING_RECOMMENDED		BIT(7)
#define HV_X64_X2APIC_MSRS_RECOMMENDED			BIT(8)
#define HV_DEPRECATING_AEOI_RECOMMENDED			BIT(9)
#define HV_X64_CLUSTER_IPI_RECOMMENDED			BIT(10)
#define HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED		BIT(11)
#define HV_X64_HYPERV_NESTED				BIT(12)
#define HV_X64_INT_FOR_MBEC_SYSCALLS_RECOMMENDED	BIT(13)
#define HV_X64_ENLIGHTENED_VMCS_RECOMMENDED		BIT(14)
#define HV_X64_SYNCED_TIMELINE_RECOMMENDED		BIT(15)
#define HV_X64_CORE_SCHEDULER_REQUESTED			BIT(16)
#define HV_X64_DIRECT_LOCAL_FLUSH_ENTIRE_RECOMMENDED	BIT(17)
#define HV_X64_NO_NONARCH_CORESHARING			BIT(18)
#define HV_X64_X2APIC_RECOMMENDED			BIT(19)
#define HV_X64_RESTORE_TIME_ON_RESUME_RECOMMENDED	BIT(20)
#define HV_X64_USE_MMIO_HYPERCALLS			BIT(21)
#define HV_X64_GPA_PINNING_HYPERCALL_RECOMMENDED	BIT(22)
#define HV_X64_WAKE_VPS_RECOMMENDED			BIT(23)
/* 0x40000004 EBX: spinlock retries before HvCallNotifyLongSpinWait; ECX[6:0]: MAXPHYADDR. */
#define HV_SPINLOCK_RETRIES_NEVER_NOTIFY		0xffffffffU
#define HV_X64_IMPLEMENTED_PHYS_ADDR_BITS_MASK		GENMASK_ULL(6, 0)

/* 0x40000005: EAX max VPs, EBX max LPs, ECX max interrupt-remapping vectors. */

/* 0x40000006 EAX hardware features in use (TLFS "Feature Discovery"). */
#define HV_X64_APIC_OVERLAY_ASSIST_IN_USE		BIT(0)
#define HV_X64_MSR_BITMAPS_IN_USE			BIT(1)
#define HV_X64_ARCH_PERF_COUNTERS_IN_USE		BIT(2)
#define HV_X64_SLAT_IN_USE				BIT(3)
#define HV_X64_DMA_REMAPPING_IN_USE			BIT(4)
#define HV_X64_INTERRUPT_REMAPPING_IN_USE		BIT(5)
#define HV_X64_MEMORY_PATROL_SCRUBBER_PRESENT		BIT(6)
#define HV_X64_DMA_PROTECTION_IN_USE			BIT(7)
#define HV_X64_HPET_REQUESTED				BIT(8)
#define HV_X64_SYNTHETIC_TIMERS_VOLATILE		BIT(9)

/* 0x4000000A EAX nested features (TLFS "Feature Discovery"; LNX). */
#define HV_X64_ENLIGHTENED_VMCS_VERSION			GENMASK_ULL(15, 0)
#define HV_X64_NESTED_DIRECT_FLUSH			BIT(17)
#define HV_X64_NESTED_GUEST_MAPPING_FLUSH		BIT(18)
#define HV_X64_NESTED_MSR_BITMAP			BIT(19)

/* ---- Synthetic MSRs (TLFS "Hypercall Interface", "Timers", "Inter-Partition Communication",
 *      "Virtual Interrupt Control", "Partition Properties"; LNX hvgdk_mini). SIRBP: LNX;
 *      NPIEP_CONFIG: Microsoft's hvgdk_mini; both VTL-private per TLFS "Virtual Secure Mode". */
#define HV_X64_MSR_GUEST_OS_ID			0x40000000
#define HV_X64_MSR_HYPERCALL			0x40000001
#define HV_X64_MSR_VP_INDEX			0x40000002
#define HV_X64_MSR_RESET			0x40000003
#define HV_X64_MSR_VP_RUNTIME			0x40000010
#define HV_X64_MSR_TIME_REF_COUNT		0x40000020
#define HV_X64_MSR_REFERENCE_TSC		0x40000021
#define HV_X64_MSR_TSC_FREQUENCY		0x40000022
#define HV_X64_MSR_APIC_FREQUENCY		0x40000023
#define HV_X64_MSR_NPIEP_CONFIG			0x40000040
#define HV_X64_MSR_EOI				0x40000070
#define HV_X64_MSR_ICR				0x40000071
#define HV_X64_MSR_TPR				0x40000072
#define HV_X64_MSR_VP_ASSIST_PAGE		0x40000073	/* a.k.a. APIC_ASSIST_PAGE */
#define HV_X64_MSR_SCONTROL			0x40000080
#define HV_X64_MSR_SVERSION			0x40000081
#define HV_X64_MSR_SIEFP			0x40000082
#define HV_X64_MSR_SIMP				0x40000083
#define HV_X64_MSR_EOM				0x40000084
#define HV_X64_MSR_SIRBP			0x40000085
#define HV_X64_MSR_SINT0			0x40000090
#define HV_X64_MSR_SINT15			0x4000009F
#define HV_X64_MSR_SINT(n)			(HV_X64_MSR_SINT0 + (n))
#define HV_X64_MSR_STIMER0_CONFIG		0x400000B0
#define HV_X64_MSR_STIMER0_COUNT		0x400000B1
#define HV_X64_MSR_STIMER1_CONFIG		0x400000B2
#define HV_X64_MSR_STIMER1_COUNT		0x400000B3
#define HV_X64_MSR_STIMER2_CONFIG		0x400000B4
#define HV_X64_MSR_STIMER2_COUNT		0x400000B5
#define HV_X64_MSR_STIMER3_CONFIG		0x400000B6
#define HV_X64_MSR_STIMER3_COUNT		0x400000B7
#define HV_X64_MSR_STIMER_CONFIG(n)		(HV_X64_MSR_STIMER0_CONFIG + 2 * (n))
#define HV_X64_MSR_STIMER_COUNT(n)		(HV_X64_MSR_STIMER0_COUNT + 2 * (n))
#define HV_X64_MSR_GUEST_IDLE			0x400000F0
#define HV_X64_MSR_SYNDBG_CONTROL		0x400000F1
#define HV_X64_MSR_SYNDBG_STATUS		0x400000F2
#define HV_X64_MSR_SYNDBG_SEND_BUFFER		0x400000F3
#define HV_X64_MSR_SYNDBG_RECV_BUFFER		0x400000F4
#define HV_X64_MSR_SYNDBG_PENDING_BUFFER	0x400000F5
#define HV_X64_MSR_SYNDBG_OPTIONS		0x400000FF
#define HV_X64_MSR_CRASH_P0			0x40000100
#define HV_X64_MSR_CRASH_P1			0x40000101
#define HV_X64_MSR_CRASH_P2			0x40000102
#define HV_X64_MSR_CRASH_P3			0x40000103
#define HV_X64_MSR_CRASH_P4			0x40000104
#define HV_X64_MSR_CRASH_CTL			0x40000105
#define HV_X64_MSR_REENLIGHTENMENT_CONTROL	0x40000106
#define HV_X64_MSR_TSC_EMULATION_CONTROL	0x40000107
#define HV_X64_MSR_TSC_EMULATION_STATUS		0x40000108
#define HV_X64_MSR_TSC_INVARIANT_CONTROL	0x40000118
#define HV_X64_MSR_CRASH_PARAMS			5	/* P0..P4 */

/*
 * Overlay-page MSRs share one shape: [0] enable, [11:1] RsvdP, [63:12] GPN.
 * HYPERCALL adds [1] locked (TLFS "Hypercall Interface": "Once set, only a
 * system reset can clear the bit"). REFERENCE_TSC, SIMP, SIEFP, VP_ASSIST_PAGE:
 * TLFS "Timers", "Inter-Partition Communication"; OV:hvdef HvSynicSimpSiefp,
 * HvRegisterReferenceTsc, HvRegisterVpAssistPage.
 */
#define HV_MSR_PAGE_ENABLE			BIT(0)
#define HV_MSR_PAGE_GPN_SHIFT			HV_PAGE_SHIFT
#define HV_MSR_PAGE_GPN_MASK			GENMASK_ULL(63, 12)
#define HV_MSR_PAGE_RSVDP			GENMASK_ULL(11, 1)
#define HV_X64_MSR_HYPERCALL_RSVDP		GENMASK_ULL(11, 2)	/* after the locked bit */
#define HV_X64_MSR_HYPERCALL_ENABLE		HV_MSR_PAGE_ENABLE
#define HV_X64_MSR_HYPERCALL_LOCKED		BIT(1)
#define HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_SHIFT	HV_MSR_PAGE_GPN_SHIFT
#define HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_MASK	HV_MSR_PAGE_GPN_MASK
#define HV_X64_MSR_TSC_REFERENCE_ENABLE		HV_MSR_PAGE_ENABLE
#define HV_X64_MSR_TSC_REFERENCE_ADDRESS_SHIFT	HV_MSR_PAGE_GPN_SHIFT
#define HV_X64_MSR_VP_ASSIST_PAGE_ENABLE	HV_MSR_PAGE_ENABLE
#define HV_X64_MSR_VP_ASSIST_PAGE_ADDRESS_SHIFT	HV_MSR_PAGE_GPN_SHIFT
#define HV_X64_MSR_VP_ASSIST_PAGE_ADDRESS_MASK	HV_MSR_PAGE_GPN_MASK
#define HV_SYNIC_SIMP_ENABLE			HV_MSR_PAGE_ENABLE
#define HV_SYNIC_SIEFP_ENABLE			HV_MSR_PAGE_ENABLE

/* GUEST_OS_ID (TLFS "Hypercall Interface"): nonzero before the hypercall page can be enabled. */
#define HV_GUEST_OS_ID_OPEN_SOURCE		BIT(63)
#define HV_GUEST_OS_ID_OS_TYPE_SHIFT		56
#define HV_GUEST_OS_ID_OS_TYPE_MASK		GENMASK_ULL(62, 56)
#define HV_GUEST_OS_TYPE_LINUX			0x1
#define HV_GUEST_OS_MICROSOFT_VENDOR_SHIFT	48
#define HV_GUEST_OS_MICROSOFT_VENDOR_MASK	GENMASK_ULL(62, 48)
#define HV_GUEST_OS_VENDOR_MICROSOFT		0x0001

/* SynIC (TLFS "Inter-Partition Communication"; OV:hvdef HvSynicSint/Scontrol; LNX). */
#define HV_SYNIC_VERSION_1			0x1	/* SVERSION[31:0], read-only */
#define HV_SYNIC_SINT_COUNT			16
#define HV_SYNIC_STIMER_COUNT			4
#define HV_SYNIC_FIRST_VALID_VECTOR		16	/* "Valid values for vector are 16-255" */
#define HV_SYNIC_INTERCEPTION_SINT_INDEX	0	/* intercept messages */
#define HV_SYNIC_VMBUS_SINT_INDEX		2	/* LNX convention */
#define HV_SYNIC_CONTROL_ENABLE			BIT(0)
#define HV_SYNIC_SINT_VECTOR_MASK		GENMASK_ULL(7, 0)
#define HV_SYNIC_SINT_MASKED			BIT(16)
#define HV_SYNIC_SINT_AUTO_EOI			BIT(17)
#define HV_SYNIC_SINT_POLLING			BIT(18)
#define HV_SYNIC_SINT_AS_INTERCEPT		BIT(19)	/* LNX only; OV:hvdef: reserved */
#define HV_SYNIC_SINT_PROXY			BIT(20)
#define HV_SYNIC_SINT_RESERVED_MASK		(GENMASK_ULL(15, 8) | GENMASK_ULL(63, 21))
#define HV_SYNIC_SINT_RESET_VALUE		HV_SYNIC_SINT_MASKED	/* 0x10000 */

/* STIMERx_CONFIG (TLFS "Timers": [63:20] and [15:13] RsvdZ; OV:hvdef HvSynicStimerConfig). */
#define HV_STIMER_ENABLE			BIT(0)
#define HV_STIMER_PERIODIC			BIT(1)
#define HV_STIMER_LAZY				BIT(2)
#define HV_STIMER_AUTO_ENABLE			BIT(3)
#define HV_STIMER_APIC_VECTOR_SHIFT		4
#define HV_STIMER_APIC_VECTOR_MASK		GENMASK_ULL(11, 4)
#define HV_STIMER_DIRECT_MODE			BIT(12)
#define HV_STIMER_SINTX_SHIFT			16
#define HV_STIMER_SINTX_MASK			GENMASK_ULL(19, 16)
#define HV_STIMER_RESERVED_MASK			(GENMASK_ULL(15, 13) | GENMASK_ULL(63, 20))

/* CRASH_CTL (TLFS "HV_CRASH_CTL_REG_CONTENTS"; bits 58-61 OV:hvdef GuestCrashCtl). */
#define HV_CRASH_CTL_CRASH_NOTIFY		BIT(63)
#define HV_CRASH_CTL_CRASH_NOTIFY_MSG		BIT(62)	/* TLFS CrashMessage: P3 = GPA, P4 = len */
#define HV_CRASH_CTL_NO_CRASH_DUMP		BIT(61)
#define HV_CRASH_CTL_PRE_OS_ID_MASK		GENMASK_ULL(60, 58)

/* NPIEP_CONFIG (TLFS "HV_X64_MSR_NPIEP_CONFIG_CONTENTS"). */
#define HV_X64_NPIEP_PREVENT_SGDT		BIT(0)
#define HV_X64_NPIEP_PREVENT_SIDT		BIT(1)
#define HV_X64_NPIEP_PREVENT_SLDT		BIT(2)
#define HV_X64_NPIEP_PREVENT_STR		BIT(3)

/* VP assist page, APIC assist word (TLFS "HV_VP_ASSIST_PAGE", HV_VIRTUAL_APIC_ASSIST). */
#define HV_VIRTUAL_APIC_NO_EOI_REQUIRED		BIT(0)

/* ---- Hypercall input value, RCX (TLFS "Hypercall Interface"; OV:hvdef hypercall::Control) ---
 * Bit 31 is "Nested" in OV:hvdef and LNX (HV_HYPERCALL_NESTED); the TLFS table calls 31:27 RsvdZ.
 * NESTED is kept out of HV_HYPERCALL_RSVD_MASK so a decoder can treat it on its own (LNX's
 * HV_HYPERCALL_RSVD0_MASK includes it).
 */
#define HV_HYPERCALL_CODE_MASK			GENMASK_ULL(15, 0)
#define HV_HYPERCALL_FAST_BIT			BIT(16)
#define HV_HYPERCALL_VARHEAD_OFFSET		17
#define HV_HYPERCALL_VARHEAD_MASK		GENMASK_ULL(26, 17)
#define HV_HYPERCALL_RSVD0_MASK			GENMASK_ULL(30, 27)
#define HV_HYPERCALL_NESTED			BIT(31)
#define HV_HYPERCALL_REP_COMP_OFFSET		32
#define HV_HYPERCALL_REP_COMP_MASK		GENMASK_ULL(43, 32)
#define HV_HYPERCALL_RSVD1_MASK			GENMASK_ULL(47, 44)
#define HV_HYPERCALL_REP_START_OFFSET		48
#define HV_HYPERCALL_REP_START_MASK		GENMASK_ULL(59, 48)
#define HV_HYPERCALL_RSVD2_MASK			GENMASK_ULL(63, 60)
#define HV_HYPERCALL_RSVD_MASK \
	(HV_HYPERCALL_RSVD0_MASK | HV_HYPERCALL_RSVD1_MASK | HV_HYPERCALL_RSVD2_MASK)
#define HV_HYPERCALL_REP_MAX			0xfff

/* Result value, RAX: [15:0] HV_STATUS, [43:32] reps completed (absolute, not from rep start). */
#define HV_HYPERCALL_RESULT_MASK		GENMASK_ULL(15, 0)

/* Fast input through RDX, R8 and XMM0-5: at most 112 bytes (TLFS "XMM Fast Hypercall Input"). */
#define HV_HYPERCALL_MAX_XMM_REGISTERS		6
#define HV_HYPERCALL_FAST_INPUT_MAX_BYTES	(2 * 8 + HV_HYPERCALL_MAX_XMM_REGISTERS * 16)

/* ---- Hypercall codes (TLFS "Hypercall Reference"; OV:hvdef HypercallCode; LNX HV_CALL_CODE) */
#define HVCALL_SWITCH_VIRTUAL_ADDRESS_SPACE	0x0001
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE	0x0002
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST	0x0003	/* rep */
#define HVCALL_NOTIFY_LONG_SPIN_WAIT		0x0008
#define HVCALL_INVOKE_HYPERVISOR_DEBUGGER	0x000a
#define HVCALL_SEND_SYNTHETIC_CLUSTER_IPI	0x000b
#define HVCALL_MODIFY_VTL_PROTECTION_MASK	0x000c	/* rep */
#define HVCALL_ENABLE_PARTITION_VTL		0x000d
#define HVCALL_ENABLE_VP_VTL			0x000f
#define HVCALL_VTL_CALL				0x0011
#define HVCALL_VTL_RETURN			0x0012
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX	0x0013
#define HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX	0x0014	/* rep, variable header */
#define HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX	0x0015	/* variable header */
#define HVCALL_GET_PARTITION_ID			0x0046
#define HVCALL_INSTALL_INTERCEPT		0x004d
#define HVCALL_GET_VP_REGISTERS			0x0050	/* rep */
#define HVCALL_SET_VP_REGISTERS			0x0051	/* rep */
#define HVCALL_TRANSLATE_VIRTUAL_ADDRESS	0x0052
#define HVCALL_POST_MESSAGE			0x005c
#define HVCALL_SIGNAL_EVENT			0x005d
#define HVCALL_POST_DEBUG_DATA			0x0069
#define HVCALL_RETRIEVE_DEBUG_DATA		0x006a
#define HVCALL_RESET_DEBUG_SESSION		0x006b
#define HVCALL_OUTPUT_DEBUG_CHARACTER		0x0071
#define HVCALL_RETARGET_DEVICE_INTERRUPT	0x007e
#define HVCALL_NOTIFY_PARTITION_EVENT		0x0087
#define HVCALL_ASSERT_VIRTUAL_INTERRUPT		0x0094
#define HVCALL_START_VIRTUAL_PROCESSOR		0x0099
#define HVCALL_GET_VP_INDEX_FROM_APIC_ID	0x009a	/* rep */
#define HVCALL_TRANSLATE_VIRTUAL_ADDRESS_EX	0x00ac
#define HVCALL_CHECK_FOR_IO_INTERCEPT		0x00ad
#define HVCALL_FLUSH_GUEST_PHYSICAL_ADDRESS_SPACE 0x00af
#define HVCALL_FLUSH_GUEST_PHYSICAL_ADDRESS_LIST 0x00b0	/* rep */
#define HVCALL_SIGNAL_EVENT_DIRECT		0x00c0
#define HVCALL_POST_MESSAGE_DIRECT		0x00c1
#define HVCALL_CHECK_SPARSE_GPA_PAGE_VTL_ACCESS	0x00d4
#define HVCALL_ACCEPT_GPA_PAGES			0x00d9
#define HVCALL_MODIFY_SPARSE_GPA_PAGE_HOST_VISIBILITY 0x00db
#define HVCALL_RESTORE_PARTITION_TIME		0x0103
#define HVCALL_MEMORY_MAPPED_IO_READ		0x0106
#define HVCALL_MEMORY_MAPPED_IO_WRITE		0x0107
#define HVCALL_PIN_GPA_PAGE_RANGES		0x0112
#define HVCALL_UNPIN_GPA_PAGE_RANGES		0x0113
#define HVCALL_QUERY_SPARSE_GPA_PAGE_HOST_VISIBILITY 0x011c
#define HVCALL_VBS_VM_CALL_REPORT		0xc001	/* OV:hvdef only */

/* Extended hypercalls: codes above 0x8000, gated by HV_ENABLE_EXTENDED_HYPERCALLS. */
#define HV_EXT_CALL_BASE			0x8000
#define HV_EXT_CALL_QUERY_CAPABILITIES		0x8001
#define HV_EXT_CALL_GET_BOOT_ZEROED_MEMORY	0x8002
#define HV_EXT_CALL_MEMORY_HEAT_HINT		0x8003
#define HV_EXT_CALL_EPF_SETUP			0x8004
#define HV_EXT_CALL_MEMORY_HEAT_HINT_ASYNC	0x8006

/* ---- HV_STATUS (OV:hvdef HvError, the complete list; names as LNX hvgdk_mini) ----------- */
#define HV_STATUS_SUCCESS				0x0000
#define HV_STATUS_INVALID_HYPERCALL_CODE		0x0002
#define HV_STATUS_INVALID_HYPERCALL_INPUT		0x0003
#define HV_STATUS_INVALID_ALIGNMENT			0x0004
#define HV_STATUS_INVALID_PARAMETER			0x0005
#define HV_STATUS_ACCESS_DENIED				0x0006
#define HV_STATUS_INVALID_PARTITION_STATE		0x0007
#define HV_STATUS_OPERATION_DENIED			0x0008
#define HV_STATUS_UNKNOWN_PROPERTY			0x0009
#define HV_STATUS_PROPERTY_VALUE_OUT_OF_RANGE		0x000a
#define HV_STATUS_INSUFFICIENT_MEMORY			0x000b
#define HV_STATUS_PARTITION_TOO_DEEP			0x000c
#define HV_STATUS_INVALID_PARTITION_ID			0x000d
#define HV_STATUS_INVALID_VP_INDEX			0x000e
#define HV_STATUS_NOT_FOUND				0x0010
#define HV_STATUS_INVALID_PORT_ID			0x0011
#define HV_STATUS_INVALID_CONNECTION_ID			0x0012
#define HV_STATUS_INSUFFICIENT_BUFFERS			0x0013
#define HV_STATUS_NOT_ACKNOWLEDGED			0x0014
#define HV_STATUS_INVALID_VP_STATE			0x0015
#define HV_STATUS_ACKNOWLEDGED				0x0016
#define HV_STATUS_INVALID_SAVE_RESTORE_STATE		0x0017
#define HV_STATUS_INVALID_SYNIC_STATE			0x0018
#define HV_STATUS_OBJECT_IN_USE				0x0019
#define HV_STATUS_INVALID_PROXIMITY_DOMAIN_INFO		0x001a
#define HV_STATUS_NO_DATA				0x001b
#define HV_STATUS_INACTIVE				0x001c
#define HV_STATUS_NO_RESOURCES				0x001d
#define HV_STATUS_FEATURE_UNAVAILABLE			0x001e
#define HV_STATUS_PARTIAL_PACKET			0x001f
#define HV_STATUS_PROCESSOR_FEATURE_NOT_SUPPORTED	0x0020
#define HV_STATUS_PROCESSOR_CACHE_LINE_FLUSH_SIZE_INCOMPATIBLE 0x0030
#define HV_STATUS_INSUFFICIENT_BUFFER			0x0033
#define HV_STATUS_INCOMPATIBLE_PROCESSOR		0x0037
#define HV_STATUS_INSUFFICIENT_DEVICE_DOMAINS		0x0038
#define HV_STATUS_CPUID_FEATURE_VALIDATION_ERROR	0x003c
#define HV_STATUS_CPUID_XSAVE_FEATURE_VALIDATION_ERROR	0x003d
#define HV_STATUS_PROCESSOR_STARTUP_TIMEOUT		0x003e
#define HV_STATUS_SMX_ENABLED				0x003f
#define HV_STATUS_INVALID_LP_INDEX			0x0041
#define HV_STATUS_INVALID_REGISTER_VALUE		0x0050
#define HV_STATUS_INVALID_VTL_STATE			0x0051
#define HV_STATUS_NX_NOT_DETECTED			0x0055
#define HV_STATUS_INVALID_DEVICE_ID			0x0057
#define HV_STATUS_INVALID_DEVICE_STATE			0x0058
#define HV_STATUS_PENDING_PAGE_REQUESTS			0x0059
#define HV_STATUS_PAGE_REQUEST_INVALID			0x0060
#define HV_STATUS_KEY_ALREADY_EXISTS			0x0065
#define HV_STATUS_DEVICE_ALREADY_IN_DOMAIN		0x0066
#define HV_STATUS_INVALID_CPU_GROUP_ID			0x006f
#define HV_STATUS_INVALID_CPU_GROUP_STATE		0x0070
#define HV_STATUS_OPERATION_FAILED			0x0071
#define HV_STATUS_NOT_ALLOWED_WITH_NESTED_VIRT_ACTIVE	0x0072
#define HV_STATUS_INSUFFICIENT_ROOT_MEMORY		0x0073
#define HV_STATUS_EVENT_BUFFER_ALREADY_FREED		0x0074
#define HV_STATUS_TIME_OUT				0x0078
#define HV_STATUS_CALL_PENDING				0x0079	/* LNX only */
#define HV_STATUS_VTL_ALREADY_ENABLED			0x0086
#define HV_STATUS_UNKNOWN_REGISTER_NAME			0x0087

/* ---- Pure helpers for the input and result words ------------------------------------------ */

/* The input value split into its fields; reserved bits are reported, not interpreted. */
struct hv_hypercall_input {
	u16 code;
	u16 varhead_qwords;
	u16 rep_count;
	u16 rep_start;
	bool fast;
	bool nested;
	bool rsvd_set;		/* any HV_HYPERCALL_RSVD_MASK bit is set */
};

static inline struct hv_hypercall_input hv_hypercall_decode(u64 control)
{
	return (struct hv_hypercall_input){
		.code = (u16)(control & HV_HYPERCALL_CODE_MASK),
		.varhead_qwords = (u16)((control & HV_HYPERCALL_VARHEAD_MASK) >>
					HV_HYPERCALL_VARHEAD_OFFSET),
		.rep_count = (u16)((control & HV_HYPERCALL_REP_COMP_MASK) >>
				   HV_HYPERCALL_REP_COMP_OFFSET),
		.rep_start = (u16)((control & HV_HYPERCALL_REP_START_MASK) >>
				   HV_HYPERCALL_REP_START_OFFSET),
		.fast = !!(control & HV_HYPERCALL_FAST_BIT),
		.nested = !!(control & HV_HYPERCALL_NESTED),
		.rsvd_set = !!(control & HV_HYPERCALL_RSVD_MASK),
	};
}

/* Builds an input value, as a guest does; fields wider than theirs are truncated. */
static inline u64 hv_hypercall_encode(u16 code, bool fast, u16 rep_count, u16 rep_start)
{
	return (u64)code | (fast ? HV_HYPERCALL_FAST_BIT : 0) |
	       (((u64)rep_count << HV_HYPERCALL_REP_COMP_OFFSET) & HV_HYPERCALL_REP_COMP_MASK) |
	       (((u64)rep_start << HV_HYPERCALL_REP_START_OFFSET) & HV_HYPERCALL_REP_START_MASK);
}

/* The RAX result value: status plus the absolute count of reps completed. */
static inline u64 hv_hypercall_result(hv_status_t status, u16 reps_done)
{
	return (u64)status |
	       (((u64)reps_done << HV_HYPERCALL_REP_COMP_OFFSET) & HV_HYPERCALL_REP_COMP_MASK);
}

static inline hv_status_t hv_hypercall_result_status(u64 result)
{
	return (hv_status_t)(result & HV_HYPERCALL_RESULT_MASK);
}

static inline u16 hv_hypercall_result_reps(u64 result)
{
	return (u16)((result & HV_HYPERCALL_REP_COMP_MASK) >> HV_HYPERCALL_REP_COMP_OFFSET);
}

/* ---- SynIC messages and event flags (TLFS "HV_MESSAGE", "Inter-Partition Communication";
 *      OV:hvdef HvMessageHeader; LNX hv_message_header) ----------------------------------------
 * The TLFS page lists the header as type, u16 reserved, flags, payload size (size at offset 7);
 * OV:hvdef and LNX, which both run on the real hypervisor, put payload_size at 4 and flags at 5.
 * The code is followed here.
 */
#define HV_MESSAGE_SIZE				256
#define HV_MESSAGE_PAYLOAD_BYTE_COUNT		240
#define HV_MESSAGE_PAYLOAD_QWORD_COUNT		30
#define HV_MESSAGE_FLAG_PENDING			BIT(0)	/* MessagePending: guest must write EOM */
#define HV_MESSAGE_TYPE_HYPERVISOR_MASK		0x80000000U	/* guests may not post these */
#define HV_CONNECTION_ID_MASK			GENMASK_ULL(23, 0)	/* [31:24] reserved */
#define HV_PORT_ID_MASK				GENMASK_ULL(23, 0)

/*
 * Message types (TLFS "HV_MESSAGE_TYPE"; OV:hvdef HvMessageType; LNX hv_message_type).
 * 0x80010005/6: TLFS and LNX say LegacyFpError = 5; TLFS and OV:hvdef say RegisterIntercept = 6.
 * OV:hvdef's IommuPrq = 5 and LNX's IommuPrq = 6 contradict each other and are left out.
 */
#define HVMSG_NONE				0x00000000U
#define HVMSG_UNMAPPED_GPA			0x80000000U
#define HVMSG_GPA_INTERCEPT			0x80000001U
#define HVMSG_UNACCEPTED_GPA			0x80000003U
#define HVMSG_GPA_ATTRIBUTE_INTERCEPT		0x80000004U
#define HVMSG_ENABLE_PARTITION_VTL_INTERCEPT	0x80000005U
#define HVMSG_TIMER_EXPIRED			0x80000010U
#define HVMSG_INVALID_VP_REGISTER_VALUE		0x80000020U
#define HVMSG_UNRECOVERABLE_EXCEPTION		0x80000021U
#define HVMSG_UNSUPPORTED_FEATURE		0x80000022U
#define HVMSG_TLB_PAGE_SIZE_MISMATCH		0x80000023U
#define HVMSG_OPAQUE_INTERCEPT			0x8000003FU
#define HVMSG_EVENTLOG_BUFFERCOMPLETE		0x80000040U
#define HVMSG_HYPERCALL_INTERCEPT		0x80000050U
#define HVMSG_SYNIC_EVENT_INTERCEPT		0x80000060U
#define HVMSG_SYNIC_SINT_INTERCEPT		0x80000061U
#define HVMSG_SYNIC_SINT_DELIVERABLE		0x80000062U
#define HVMSG_ASYNC_CALL_COMPLETION		0x80000070U
#define HVMSG_X64_IO_PORT_INTERCEPT		0x80010000U
#define HVMSG_X64_MSR_INTERCEPT			0x80010001U
#define HVMSG_X64_CPUID_INTERCEPT		0x80010002U
#define HVMSG_X64_EXCEPTION_INTERCEPT		0x80010003U
#define HVMSG_X64_APIC_EOI			0x80010004U
#define HVMSG_X64_LEGACY_FP_ERROR		0x80010005U
#define HVMSG_X64_REGISTER_INTERCEPT		0x80010006U
#define HVMSG_X64_HALT				0x80010007U
#define HVMSG_X64_INTERRUPTION_DELIVERABLE	0x80010008U
#define HVMSG_X64_SIPI_INTERCEPT		0x80010009U

struct hv_message_header {
	u32 message_type;
	u8 payload_size;
	u8 message_flags;	/* HV_MESSAGE_FLAG_PENDING */
	u16 reserved;
	union {
		u64 sender;	/* partition ID for intercepts, 0 for timers */
		u32 port;	/* HV_PORT_ID for posted messages */
	};
};
HV_ASSERT_SIZE(struct hv_message_header, 16);
HV_ASSERT_OFFSET(struct hv_message_header, payload_size, 4);
HV_ASSERT_OFFSET(struct hv_message_header, message_flags, 5);
HV_ASSERT_OFFSET(struct hv_message_header, sender, 8);

struct hv_message {
	struct hv_message_header header;
	union {
		u64 payload[HV_MESSAGE_PAYLOAD_QWORD_COUNT];
		u8 payload_bytes[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
	};
};
HV_ASSERT_SIZE(struct hv_message, HV_MESSAGE_SIZE);
HV_ASSERT_OFFSET(struct hv_message, payload, 16);

/* SIM page: one message slot per SINT; a slot is empty when its type is HVMSG_NONE. */
struct hv_message_page {
	struct hv_message sint_message[HV_SYNIC_SINT_COUNT];
};
HV_ASSERT_SIZE(struct hv_message_page, HV_PAGE_SIZE);

/* SIEF page: 2048 flag bits (256 bytes) per SINT (TLFS "HV_SYNIC_EVENT_FLAGS"). */
#define HV_EVENT_FLAGS_BYTE_COUNT		256
#define HV_EVENT_FLAGS_COUNT			(HV_EVENT_FLAGS_BYTE_COUNT * 8)

struct hv_synic_event_flags {
	u64 flags[HV_EVENT_FLAGS_BYTE_COUNT / 8];
};
HV_ASSERT_SIZE(struct hv_synic_event_flags, HV_EVENT_FLAGS_BYTE_COUNT);

struct hv_synic_event_flags_page {
	struct hv_synic_event_flags sint_event_flags[HV_SYNIC_SINT_COUNT];
};
HV_ASSERT_SIZE(struct hv_synic_event_flags_page, HV_PAGE_SIZE);

/* HVMSG_TIMER_EXPIRED payload (TLFS "HV_TIMER_MESSAGE_PAYLOAD"): times in 100 ns. */
struct hv_timer_message_payload {
	u32 timer_index;
	u32 reserved;
	u64 expiration_time;
	u64 delivery_time;
};
HV_ASSERT_SIZE(struct hv_timer_message_payload, 24);
HV_ASSERT_OFFSET(struct hv_timer_message_payload, expiration_time, 8);

/* ---- Reference TSC page (TLFS "Timers": time = ((tsc * scale) >> 64) + offset) ----------
 * OV:hvdef names two more fields (timeline_bias, tsc_multiplier) inside the TLFS reserved area.
 */
#define HV_REFERENCE_TSC_SEQUENCE_INVALID	0	/* fall back to TIME_REF_COUNT */

struct hv_reference_tsc_page {
	u32 tsc_sequence;
	u32 reserved1;
	u64 tsc_scale;
	s64 tsc_offset;
	u64 reserved2[509];
};
HV_ASSERT_SIZE(struct hv_reference_tsc_page, HV_PAGE_SIZE);
HV_ASSERT_OFFSET(struct hv_reference_tsc_page, tsc_scale, 8);
HV_ASSERT_OFFSET(struct hv_reference_tsc_page, tsc_offset, 16);

/* ---- HV_VP_SET (TLFS "HV_VP_SET"; LNX hv_vpset) ----------------------------------------------
 * Sparse format: VP n is in bank n / 64; valid_bank_mask bit b set means bank_contents[] has an
 * element for bank b, in increasing bank order.
 */
#define HV_GENERIC_SET_SPARSE_4K		0
#define HV_GENERIC_SET_ALL			1
#define HV_VCPUS_PER_SPARSE_BANK		64
#define HV_MAX_SPARSE_VCPU_BANKS		64

struct hv_vp_set {
	u64 format;
	u64 valid_bank_mask;
	u64 bank_contents[];
};
HV_ASSERT_SIZE(struct hv_vp_set, 16);

/* Index of @bank in bank_contents[], or -1 if the set does not carry that bank. */
static inline int hv_vp_set_bank_index(u64 valid_bank_mask, unsigned int bank)
{
	if (bank >= HV_MAX_SPARSE_VCPU_BANKS || !(valid_bank_mask & BIT(bank)))
		return -1;
	return __builtin_popcountll(valid_bank_mask & (BIT(bank) - 1));
}

/* ---- TLB flush inputs (TLFS "HvCallFlushVirtualAddressSpace/List[Ex]"; OV:hvdef HvFlushFlags) */
#define HV_FLUSH_ALL_PROCESSORS			BIT(0)
#define HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES	BIT(1)
#define HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY	BIT(2)	/* invalid for the List forms */
#define HV_FLUSH_USE_EXTENDED_RANGE_FORMAT	BIT(3)
#define HV_FLUSH_USE_TARGET_VTL			BIT(4)	/* OV:hvdef */
#define HV_FLUSH_TARGET_VTL0			BIT(8)	/* OV:hvdef */
#define HV_FLUSH_TARGET_VTL1			BIT(9)	/* OV:hvdef */
#define HV_FLUSH_VALID_MASK \
	(HV_FLUSH_ALL_PROCESSORS | HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES | \
	 HV_FLUSH_NON_GLOBAL_MAPPINGS_ONLY | HV_FLUSH_USE_EXTENDED_RANGE_FORMAT | \
	 HV_FLUSH_USE_TARGET_VTL | HV_FLUSH_TARGET_VTL0 | HV_FLUSH_TARGET_VTL1)

/*
 * GVA range list element. Simple format: [63:12] GVA page, [11:0] additional pages (1..4096
 * pages). Extended format (HV_FLUSH_USE_EXTENDED_RANGE_FORMAT; OV:hvdef HvGvaRangeExtended):
 * [10:0] additional pages, [11] large page; with [11] set, [12] 1 GiB (else 2 MiB) and
 * [63:21] the large page number; with [11] clear, [63:12] the 4 KiB page number.
 */
#define HV_GVA_RANGE_ADDITIONAL_PAGES_MASK	GENMASK_ULL(11, 0)
#define HV_GVA_RANGE_PAGE_MASK			GENMASK_ULL(63, 12)
#define HV_GVA_RANGE_EXT_ADDITIONAL_PAGES_MASK	GENMASK_ULL(10, 0)
#define HV_GVA_RANGE_EXT_LARGE_PAGE		BIT(11)
#define HV_GVA_RANGE_EXT_PAGE_SIZE_1GB		BIT(12)
#define HV_GVA_RANGE_EXT_LARGE_PAGE_SHIFT	21
#define HV_GVA_RANGE_EXT_LARGE_PAGE_MASK	GENMASK_ULL(63, 21)

static inline u64 hv_gva_range_base(u64 entry)
{
	return entry & HV_GVA_RANGE_PAGE_MASK;
}

static inline u64 hv_gva_range_pages(u64 entry)
{
	return (entry & HV_GVA_RANGE_ADDITIONAL_PAGES_MASK) + 1;
}

struct hv_input_flush_virtual_address_space {	/* 0x0002; 0x0003 adds gva_range_list[] */
	u64 address_space;	/* a CR3 value */
	u64 flags;
	u64 processor_mask;
	u64 gva_range_list[];
};
HV_ASSERT_SIZE(struct hv_input_flush_virtual_address_space, 24);
HV_ASSERT_OFFSET(struct hv_input_flush_virtual_address_space, processor_mask, 16);

struct hv_input_flush_virtual_address_space_ex {	/* 0x0013, 0x0014: VP set, then GVAs */
	u64 address_space;
	u64 flags;
	u64 vp_set_format;
	u64 vp_set_valid_bank_mask;
	u64 vp_set_bank_contents[];	/* variable header; rep list follows the last bank */
};
HV_ASSERT_SIZE(struct hv_input_flush_virtual_address_space_ex, 32);
HV_ASSERT_OFFSET(struct hv_input_flush_virtual_address_space_ex, vp_set_format, 16);

/* ---- Synthetic cluster IPIs (TLFS "HvCallSendSyntheticClusterIpi[Ex]"; OV:hvdef) --------- */
#define HV_IPI_LOW_VECTOR			0x10
#define HV_IPI_HIGH_VECTOR			0xff

struct hv_input_send_synthetic_cluster_ipi {	/* fast: RDX = bytes 0-7, R8 = mask */
	u32 vector;
	u8 target_vtl;		/* HV_INPUT_VTL */
	u8 flags;
	u16 reserved;
	u64 processor_mask;
};
HV_ASSERT_SIZE(struct hv_input_send_synthetic_cluster_ipi, 16);
HV_ASSERT_OFFSET(struct hv_input_send_synthetic_cluster_ipi, target_vtl, 4);
HV_ASSERT_OFFSET(struct hv_input_send_synthetic_cluster_ipi, processor_mask, 8);

struct hv_input_send_synthetic_cluster_ipi_ex {
	u32 vector;
	u8 target_vtl;		/* HV_INPUT_VTL */
	u8 flags;
	u16 reserved;
	u64 vp_set_format;
	u64 vp_set_valid_bank_mask;
	u64 vp_set_bank_contents[];	/* variable header */
};
HV_ASSERT_SIZE(struct hv_input_send_synthetic_cluster_ipi_ex, 24);
HV_ASSERT_OFFSET(struct hv_input_send_synthetic_cluster_ipi_ex, vp_set_format, 8);

/* ---- PostMessage / SignalEvent (TLFS "HvCallPostMessage", "HvCallSignalEvent") ------------ */
struct hv_input_post_message {
	u32 connection_id;
	u32 reserved;
	u32 message_type;	/* nonzero, high bit clear */
	u32 payload_size;	/* <= 240 */
	u8 payload[HV_MESSAGE_PAYLOAD_BYTE_COUNT];
};
HV_ASSERT_SIZE(struct hv_input_post_message, 256);
HV_ASSERT_OFFSET(struct hv_input_post_message, message_type, 8);
HV_ASSERT_OFFSET(struct hv_input_post_message, payload, 16);

/* Usually fast: RDX = connection_id | flag_number << 32. */
struct hv_input_signal_event {
	u32 connection_id;
	u16 flag_number;
	u16 reserved;
};
HV_ASSERT_SIZE(struct hv_input_signal_event, 8);
HV_ASSERT_OFFSET(struct hv_input_signal_event, flag_number, 4);

/* ---- Register values (TLFS "HV_X64_SEGMENT_REGISTER", "HV_X64_TABLE_REGISTER",
 *      "HV_REGISTER_VALUE"; OV:hvdef HvRegisterValue, HvRegisterAssoc) -------------------------
 * Values are 128-bit. OV:hvdef aligns them to 16; this header keeps 8, the alignment the TLFS
 * guarantees for hypercall GPAs, so a handler can point straight into guest memory.
 */
struct hv_x64_segment_register {
	u64 base;
	u32 limit;
	u16 selector;
	u16 attributes;	/* type:4 s:1 dpl:2 p:1 rsvd:4 avl:1 l:1 db:1 g:1 */
};
HV_ASSERT_SIZE(struct hv_x64_segment_register, 16);
HV_ASSERT_OFFSET(struct hv_x64_segment_register, selector, 12);
HV_ASSERT_OFFSET(struct hv_x64_segment_register, attributes, 14);

#define HV_X64_SEGMENT_ATTR_TYPE_MASK		GENMASK_ULL(3, 0)
#define HV_X64_SEGMENT_ATTR_S			BIT(4)
#define HV_X64_SEGMENT_ATTR_DPL_SHIFT		5
#define HV_X64_SEGMENT_ATTR_DPL_MASK		GENMASK_ULL(6, 5)
#define HV_X64_SEGMENT_ATTR_P			BIT(7)
#define HV_X64_SEGMENT_ATTR_AVL			BIT(12)
#define HV_X64_SEGMENT_ATTR_L			BIT(13)
#define HV_X64_SEGMENT_ATTR_DB			BIT(14)
#define HV_X64_SEGMENT_ATTR_G			BIT(15)

struct hv_x64_table_register {
	u16 pad[3];
	u16 limit;
	u64 base;
};
HV_ASSERT_SIZE(struct hv_x64_table_register, 16);
HV_ASSERT_OFFSET(struct hv_x64_table_register, limit, 6);
HV_ASSERT_OFFSET(struct hv_x64_table_register, base, 8);

union hv_register_value {
	struct {
		u64 low;
		u64 high;
	} reg128;
	u64 reg64;
	u32 reg32;
	u16 reg16;
	u8 reg8;
	struct hv_x64_segment_register segment;
	struct hv_x64_table_register table;
};
HV_ASSERT_SIZE(union hv_register_value, 16);

struct hv_register_assoc {
	u32 name;		/* HV_REGISTER_* / HV_X64_REGISTER_* */
	u32 reserved1;
	u64 reserved2;
	union hv_register_value value;
};
HV_ASSERT_SIZE(struct hv_register_assoc, 32);
HV_ASSERT_OFFSET(struct hv_register_assoc, value, 16);

/* HvCallGetVpRegisters (rep over u32 names, output 16-byte values) and HvCallSetVpRegisters
 * (rep over hv_register_assoc) share this 16-byte header (TLFS "HvCallGetVpRegisters"). */
struct hv_input_get_set_vp_registers {
	u64 partition_id;
	u32 vp_index;
	u8 input_vtl;		/* HV_INPUT_VTL */
	u8 reserved[3];
};
HV_ASSERT_SIZE(struct hv_input_get_set_vp_registers, 16);
HV_ASSERT_OFFSET(struct hv_input_get_set_vp_registers, input_vtl, 12);

/* ---- VP register names (TLFS "HV_REGISTER_NAME"; OV:hvdef HvX64RegisterName) -------------
 * TLFS lists 0x00040004 as "Cr5"; OV:hvdef and the architecture make it CR8.
 */
#define HV_REGISTER_HYPERVISOR_VERSION		0x00000100
#define HV_REGISTER_PRIVILEGES_AND_FEATURES_INFO 0x00000200
#define HV_REGISTER_FEATURES_INFO		0x00000201
#define HV_REGISTER_IMPLEMENTATION_LIMITS_INFO	0x00000202
#define HV_REGISTER_HARDWARE_FEATURES_INFO	0x00000203
#define HV_REGISTER_GUEST_CRASH_P0		0x00000210
#define HV_REGISTER_GUEST_CRASH_CTL		0x00000215
#define HV_REGISTER_PENDING_INTERRUPTION	0x00010002
#define HV_REGISTER_INTERRUPT_STATE		0x00010003
#define HV_REGISTER_PENDING_EVENT0		0x00010004
#define HV_REGISTER_PENDING_EVENT1		0x00010005
#define HV_REGISTER_DELIVERABILITY_NOTIFICATIONS 0x00010006

#define HV_X64_REGISTER_RAX			0x00020000
#define HV_X64_REGISTER_RCX			0x00020001
#define HV_X64_REGISTER_RDX			0x00020002
#define HV_X64_REGISTER_RBX			0x00020003
#define HV_X64_REGISTER_RSP			0x00020004
#define HV_X64_REGISTER_RBP			0x00020005
#define HV_X64_REGISTER_RSI			0x00020006
#define HV_X64_REGISTER_RDI			0x00020007
#define HV_X64_REGISTER_R8			0x00020008
#define HV_X64_REGISTER_R15			0x0002000F
#define HV_X64_REGISTER_GPR(n)			(HV_X64_REGISTER_RAX + (n))	/* SDM order */
#define HV_X64_REGISTER_RIP			0x00020010
#define HV_X64_REGISTER_RFLAGS			0x00020011
#define HV_X64_REGISTER_XMM(n)			(0x00030000 + (n))	/* 0..15 */
#define HV_X64_REGISTER_FP_MMX(n)		(0x00030010 + (n))	/* 0..7 */
#define HV_X64_REGISTER_FP_CONTROL_STATUS	0x00030018
#define HV_X64_REGISTER_XMM_CONTROL_STATUS	0x00030019
#define HV_X64_REGISTER_CR0			0x00040000
#define HV_X64_REGISTER_CR2			0x00040001
#define HV_X64_REGISTER_CR3			0x00040002
#define HV_X64_REGISTER_CR4			0x00040003
#define HV_X64_REGISTER_CR8			0x00040004
#define HV_X64_REGISTER_XFEM			0x00040005	/* XCR0 */
#define HV_X64_REGISTER_DR0			0x00050000
#define HV_X64_REGISTER_DR1			0x00050001
#define HV_X64_REGISTER_DR2			0x00050002
#define HV_X64_REGISTER_DR3			0x00050003
#define HV_X64_REGISTER_DR6			0x00050004
#define HV_X64_REGISTER_DR7			0x00050005
#define HV_X64_REGISTER_ES			0x00060000
#define HV_X64_REGISTER_CS			0x00060001
#define HV_X64_REGISTER_SS			0x00060002
#define HV_X64_REGISTER_DS			0x00060003
#define HV_X64_REGISTER_FS			0x00060004
#define HV_X64_REGISTER_GS			0x00060005
#define HV_X64_REGISTER_LDTR			0x00060006
#define HV_X64_REGISTER_TR			0x00060007
#define HV_X64_REGISTER_IDTR			0x00070000
#define HV_X64_REGISTER_GDTR			0x00070001
#define HV_X64_REGISTER_TSC			0x00080000
#define HV_X64_REGISTER_EFER			0x00080001
#define HV_X64_REGISTER_KERNEL_GS_BASE		0x00080002
#define HV_X64_REGISTER_APIC_BASE		0x00080003
#define HV_X64_REGISTER_PAT			0x00080004
#define HV_X64_REGISTER_SYSENTER_CS		0x00080005
#define HV_X64_REGISTER_SYSENTER_EIP		0x00080006
#define HV_X64_REGISTER_SYSENTER_ESP		0x00080007
#define HV_X64_REGISTER_STAR			0x00080008
#define HV_X64_REGISTER_LSTAR			0x00080009
#define HV_X64_REGISTER_CSTAR			0x0008000A
#define HV_X64_REGISTER_SFMASK			0x0008000B
#define HV_X64_REGISTER_INITIAL_APIC_ID		0x0008000C
#define HV_X64_REGISTER_MTRR_CAP		0x0008000D
#define HV_X64_REGISTER_MTRR_DEF_TYPE		0x0008000E
#define HV_X64_REGISTER_MTRR_PHYS_BASE(n)	(0x00080010 + (n))	/* 0..15 */
#define HV_X64_REGISTER_MTRR_PHYS_MASK(n)	(0x00080040 + (n))	/* 0..15 */
#define HV_X64_REGISTER_MTRR_FIX64K_00000	0x00080070
#define HV_X64_REGISTER_MTRR_FIX4K_F8000	0x0008007A
#define HV_X64_REGISTER_TSC_AUX			0x0008007B
#define HV_X64_REGISTER_BNDCFGS			0x0008007C
#define HV_X64_REGISTER_DEBUG_CTL		0x0008007D
#define HV_X64_REGISTER_SPEC_CTRL		0x00080084
#define HV_X64_REGISTER_XSS			0x0008008B
#define HV_X64_REGISTER_U_CET			0x0008008C
#define HV_X64_REGISTER_S_CET			0x0008008D
#define HV_X64_REGISTER_SSP			0x0008008E
#define HV_X64_REGISTER_PL0_SSP			0x0008008F
#define HV_X64_REGISTER_PL3_SSP			0x00080092
#define HV_X64_REGISTER_INTERRUPT_SSP_TABLE_ADDR 0x00080093
#define HV_X64_REGISTER_MSR_IA32_MISC_ENABLE	0x000800A0	/* TLFS only */

/* Synthetic registers: MSR aliases reachable through Get/SetVpRegisters. */
#define HV_REGISTER_VP_RUNTIME			0x00090000
#define HV_X64_REGISTER_HYPERCALL		0x00090001
#define HV_REGISTER_GUEST_OS_ID			0x00090002
#define HV_REGISTER_VP_INDEX			0x00090003
#define HV_REGISTER_TIME_REF_COUNT		0x00090004
#define HV_X64_REGISTER_EOI			0x00090010
#define HV_X64_REGISTER_ICR			0x00090011
#define HV_X64_REGISTER_TPR			0x00090012
#define HV_REGISTER_VP_ASSIST_PAGE		0x00090013
#define HV_REGISTER_REFERENCE_TSC		0x00090017
#define HV_REGISTER_SINT0			0x000A0000
#define HV_REGISTER_SINT(n)			(HV_REGISTER_SINT0 + (n))
#define HV_REGISTER_SCONTROL			0x000A0010
#define HV_REGISTER_SVERSION			0x000A0011
#define HV_REGISTER_SIEFP			0x000A0012	/* TLFS "Sifp" */
#define HV_REGISTER_SIMP			0x000A0013	/* TLFS "Sipp" */
#define HV_REGISTER_EOM				0x000A0014
#define HV_REGISTER_SIRBP			0x000A0015
#define HV_REGISTER_STIMER0_CONFIG		0x000B0000
#define HV_REGISTER_STIMER0_COUNT		0x000B0001
#define HV_REGISTER_STIMER_CONFIG(n)		(HV_REGISTER_STIMER0_CONFIG + 2 * (n))
#define HV_REGISTER_STIMER_COUNT(n)		(HV_REGISTER_STIMER0_COUNT + 2 * (n))

#include "hv/tlfs_vsm.h"

#endif /* VTLVM_HV_TLFS_H */
