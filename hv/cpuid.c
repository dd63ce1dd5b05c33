// SPDX-License-Identifier: MIT
/*
 * The hypervisor CPUID leaves 0x40000000-0x4000000A (TLFS "Feature
 * Discovery"). Only what hv/ implements is shown: the privileges, features
 * and hints computed in hv.c.
 */
#include "hv/hv.h"

#include <string.h>

/* Reported as Windows Server 2019's hypervisor: build 17763, version 10.0. */
#define HV_VERSION_BUILD	17763
#define HV_VERSION_MAJOR	10
#define HV_VERSION_MINOR	0

void hv_cpuid_leaves(const struct hv *hv, u8 vtl, struct hv_cpuid_leaf out[HV_CPUID_NR_LEAVES])
{
	u64 privileges = hv_vtl_privileges(hv, vtl);

	memset(out, 0, HV_CPUID_NR_LEAVES * sizeof(*out));
	for (unsigned int i = 0; i < HV_CPUID_NR_LEAVES; i++)
		out[i].function = HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS + i;
	/* 0x40000000: the highest leaf, then "Microsoft Hv". */
	out[0].eax = HYPERV_CPUID_NESTED_FEATURES;
	out[0].ebx = HYPERV_CPUID_VENDOR_EBX;
	out[0].ecx = HYPERV_CPUID_VENDOR_ECX;
	out[0].edx = HYPERV_CPUID_VENDOR_EDX;
	/* 0x40000001: the interface, "Hv#1". */
	out[1].eax = HYPERV_CPUID_SIGNATURE_EAX;
	/* 0x40000002: the version. */
	out[2].eax = HV_VERSION_BUILD;
	out[2].ebx = HV_VERSION_MAJOR << HYPERV_CPUID_VERSION_MAJOR_SHIFT | HV_VERSION_MINOR;
	/* 0x40000003: partition privileges (EAX:EBX) and features (EDX). */
	out[3].eax = HV_PRIVILEGE_EAX(privileges);
	out[3].ebx = HV_PRIVILEGE_EBX(privileges);
	out[3].edx = hv->features;
	/* 0x40000004: recommendations; never ask to be told about spinning. */
	out[4].eax = hv->hints;
	out[4].ebx = HV_SPINLOCK_RETRIES_NEVER_NOTIFY;
	/* 0x40000005: implementation limits. */
	out[5].eax = hv->cfg.nr_vps;
	out[5].ebx = hv->cfg.nr_vps;
	/* 0x40000006-0x4000000A: no hardware features in use, no root or nested leaves. */
}
