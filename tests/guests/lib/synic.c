// SPDX-License-Identifier: MIT
#include "synic.h"

void synic_enable(struct hv_message_page *simp, struct hv_synic_event_flags_page *siefp)
{
	wrmsr(HV_X64_MSR_SIMP, (u64)simp | HV_SYNIC_SIMP_ENABLE);
	wrmsr(HV_X64_MSR_SIEFP, (u64)siefp | HV_SYNIC_SIEFP_ENABLE);
	wrmsr(HV_X64_MSR_SCONTROL, HV_SYNIC_CONTROL_ENABLE);
	GUEST_ASSERT_EQ(rdmsr(HV_X64_MSR_SVERSION), HV_SYNIC_VERSION_1);
}

void synic_sint(unsigned int sint, u8 vector, bool masked)
{
	wrmsr(HV_X64_MSR_SINT(sint), vector | (masked ? HV_SYNIC_SINT_MASKED : 0));
}

void synic_slot_free(struct hv_message *slot)
{
	WRITE_ONCE(slot->header.message_type, HVMSG_NONE);
	barrier();
	wrmsr(HV_X64_MSR_EOM, 0);
}

u32 wait_count(volatile u32 *count, u32 want, u32 timeout_ms, bool halt)
{
	u64 deadline = hv_ref_time() + timeout_ms * REF_MS;

	for (;;) {
		cli();
		if (*count >= want || hv_ref_time() > deadline)
			break;
		if (halt) {
			safe_halt();
		} else {
			sti();
			for (int i = 0; i < 16 && *count < want; i++)
				cpu_relax();
		}
	}
	sti();
	return *count;
}

void ref_delay(u32 ms)
{
	u64 end = hv_ref_time() + ms * REF_MS;

	while (hv_ref_time() < end)
		cpu_relax();
}
