// SPDX-License-Identifier: MIT
/*
 * The crash MSRs, as Linux's hyperv_report_panic() and
 * hv_kmsg_dump() use them (TLFS "Partition Crash Enlightenment"): P0-P4, then
 * CRASH_CTL with CrashNotify ends the VM with status 14 and the parameters
 * on stderr. With "msg" on the command line, CrashMessage too: P3 = the GPA
 * of a text, P4 = its length, and the text is logged.
 */
#include "hv.h"

static const char text[] = "vtlvm test guest: panic at the disco";

void guest_main(void)
{
	bool msg = !strcmp(bootinfo_cmdline(), "msg");
	u64 ctl = HV_CRASH_CTL_CRASH_NOTIFY;
	struct hv_cpuid c;

	GUEST_ASSERT(hv_detect(&c));
	GUEST_ASSERT(c.features & HV_FEATURE_GUEST_CRASH_MSR_AVAILABLE);
	/* CRASH_CTL reads as what the partition supports. */
	GUEST_SYNC_VAL(1, rdmsr(HV_X64_MSR_CRASH_CTL));
	wrmsr(HV_X64_MSR_CRASH_P0, 0x1badc0de);
	wrmsr(HV_X64_MSR_CRASH_P1, 0xffffffff81000000ULL);
	wrmsr(HV_X64_MSR_CRASH_P2, 0x2222);
	wrmsr(HV_X64_MSR_CRASH_P3, msg ? (u64)text : 0x3333);
	wrmsr(HV_X64_MSR_CRASH_P4, msg ? sizeof(text) - 1 : 0x4444);
	GUEST_ASSERT_EQ(rdmsr(HV_X64_MSR_CRASH_P2), 0x2222);
	if (msg)
		ctl |= HV_CRASH_CTL_CRASH_NOTIFY_MSG;
	GUEST_SYNC_VAL(2, ctl);
	wrmsr(HV_X64_MSR_CRASH_CTL, ctl);
	/* The VM stops from here on; a guest that kept running would time out (status 12). */
	for (;;) {
		cli();
		hlt();
	}
}
