// SPDX-License-Identifier: MIT
/*
 * What the hypervisor CPUID leaves show (TLFS "Feature Discovery"), one
 * GUEST_SYNC per probe: the integration rows (tests/integ/cases_hv.c) pin
 * each value, so a bit vtlvm starts or stops advertising fails a row here.
 *
 * With --hyperv off there is no "Microsoft Hv" and every MSR of the
 * synthetic range 0x40000000-0x400001ff raises #GP on read and on write.
 */
#include "hv.h"

enum reg { EAX, EBX, ECX, EDX };

/*
 * Stage 1: CPUID.1:ECX[31]; stage 2: "Microsoft Hv". With Hyper-V, stages
 * 3-14 are these registers and stage 15 the OR of leaves 0x40000006-0x4000000A;
 * without, stages 3 and 4 count the MSRs that #GP on read and on write.
 */
static const struct cpuid_probe {
	u32 leaf;
	enum reg reg;
	const char *what;
} probes[] = {
	{ HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS, EAX, "max leaf" },
	{ HYPERV_CPUID_INTERFACE,	EAX, "interface (Hv#1)" },
	{ HYPERV_CPUID_VERSION,		EAX, "build" },
	{ HYPERV_CPUID_VERSION,		EBX, "major.minor" },
	{ HYPERV_CPUID_FEATURES,	EAX, "privileges EAX" },
	{ HYPERV_CPUID_FEATURES,	EBX, "privileges EBX" },
	{ HYPERV_CPUID_FEATURES,	ECX, "power management" },
	{ HYPERV_CPUID_FEATURES,	EDX, "features EDX" },
	{ HYPERV_CPUID_ENLIGHTMENT_INFO, EAX, "hints" },
	{ HYPERV_CPUID_ENLIGHTMENT_INFO, EBX, "spinlock retries" },
	{ HYPERV_CPUID_IMPLEMENT_LIMITS, EAX, "max VPs" },
	{ HYPERV_CPUID_IMPLEMENT_LIMITS, EBX, "max LPs" },
};

#define SYNTHETIC_MSR_FIRST	HV_X64_MSR_GUEST_OS_ID
#define SYNTHETIC_MSR_COUNT	0x200

static u32 cpuid_reg(u32 leaf, enum reg reg)
{
	u32 r[4];

	cpuid(leaf, 0, &r[EAX], &r[EBX], &r[ECX], &r[EDX]);
	return r[reg];
}

static bool vendor_is_hyperv(void)
{
	u32 a, b, c, d;

	cpuid(HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS, 0, &a, &b, &c, &d);
	return b == HYPERV_CPUID_VENDOR_EBX && c == HYPERV_CPUID_VENDOR_ECX &&
	       d == HYPERV_CPUID_VENDOR_EDX;
}

/* Leaves 0x40000006-0x4000000A: no hardware features in use, no root or nested leaves. */
static u32 reserved_leaves_or(void)
{
	u32 v = 0, a, b, c, d;

	for (u32 leaf = HYPERV_CPUID_HARDWARE_FEATURES; leaf <= HYPERV_CPUID_NESTED_FEATURES;
	     leaf++) {
		cpuid(leaf, 0, &a, &b, &c, &d);
		v |= a | b | c | d;
	}
	return v;
}

/* How many MSRs of the synthetic range fault on read, and on write. */
static void sweep_synthetic_msrs(u32 *rd_gp, u32 *wr_gp)
{
	u64 val;

	*rd_gp = *wr_gp = 0;
	for (u32 i = 0; i < SYNTHETIC_MSR_COUNT; i++) {
		*rd_gp += rdmsr_safe(SYNTHETIC_MSR_FIRST + i, &val) == GP_VECTOR;
		*wr_gp += wrmsr_safe(SYNTHETIC_MSR_FIRST + i, 0) == GP_VECTOR;
	}
}

void guest_main(void)
{
	u32 stage = 1, rd_gp, wr_gp;
	bool hv = vendor_is_hyperv();

	GUEST_SYNC_VAL(stage++, !!(cpuid_reg(1, ECX) & HYPERV_HYPERVISOR_PRESENT_BIT));
	GUEST_SYNC_VAL(stage++, hv);
	if (!hv) {
		sweep_synthetic_msrs(&rd_gp, &wr_gp);
		GUEST_SYNC_VAL(stage++, rd_gp);
		GUEST_SYNC_VAL(stage++, wr_gp);
		return;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(probes); i++) {
		GUEST_SYNC_VAL(stage++, cpuid_reg(probes[i].leaf, probes[i].reg));
	}
	GUEST_SYNC_VAL(stage++, reserved_leaves_or());
}
