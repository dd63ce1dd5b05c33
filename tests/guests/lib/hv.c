// SPDX-License-Identifier: MIT
#include "hv.h"

#define APIC_SVR	0xf0
#define APIC_EOI	0xb0

u8 *hv_hcall_page;
static u8 hcall_page_backing[4096] __attribute__((aligned(4096)));

u8 hv_hypercall_xmm_raw(u64 control, u64 *block, void *page, u64 *result);

bool hv_detect(struct hv_cpuid *c)
{
	u32 a, b, cx, d;
	char vendor[13];

	cpuid(1, 0, &a, &b, &cx, &d);
	if (!(cx & BIT(31)))
		return false;
	cpuid(HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS, 0, &c->max_leaf, &b, &cx, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &cx, 4);
	memcpy(vendor + 8, &d, 4);
	vendor[12] = '\0';
	if (strcmp(vendor, HYPERV_CPUID_VENDOR_STRING) || c->max_leaf < HYPERV_CPUID_MIN)
		return false;
	cpuid(HYPERV_CPUID_INTERFACE, 0, &c->interface, &b, &cx, &d);
	if (c->interface != HYPERV_CPUID_SIGNATURE_EAX)
		return false;
	cpuid(HYPERV_CPUID_FEATURES, 0, &a, &b, &cx, &d);
	c->privileges = (u64)b << 32 | a;
	c->features = d;
	cpuid(HYPERV_CPUID_ENLIGHTMENT_INFO, 0, &c->hints, &c->spin_retries, &cx, &d);
	cpuid(HYPERV_CPUID_IMPLEMENT_LIMITS, 0, &c->max_vps, &b, &cx, &d);
	return true;
}

void hv_enable_hypercalls(void)
{
	u64 gpa = (u64)hcall_page_backing;

	wrmsr(HV_X64_MSR_GUEST_OS_ID, HV_LINUX_GUEST_ID);
	wrmsr(HV_X64_MSR_HYPERCALL, gpa | HV_X64_MSR_HYPERCALL_ENABLE);
	GUEST_ASSERT(rdmsr(HV_X64_MSR_HYPERCALL) & HV_X64_MSR_HYPERCALL_ENABLE);
	hv_hcall_page = hcall_page_backing;
}

u8 hv_hypercall_safe(u64 control, u64 in, u64 out, u64 *result)
{
	register u64 r8 asm("r8") = out;
	u64 rax, vec;

	/* A fault inside the page returns here with R10 = vector (lib/exceptions.c). */
	asm volatile("xor %%r10d, %%r10d\n\t"
		     "call *%[page]\n\t"
		     "mov %%r10, %[vec]"
		     : "=a"(rax), [vec] "=r"(vec), "+c"(control), "+d"(in), "+r"(r8)
		     : [page] "r"(hv_hcall_page)
		     : "r9", "r10", "r11", "memory", "cc");
	*result = rax;
	return vec;
}

u64 hv_hypercall(u64 control, u64 in, u64 out)
{
	u64 result;
	u8 vec = hv_hypercall_safe(control, in, out, &result);

	__GUEST_ASSERT(!vec, "hypercall %#llx faulted with vector %u",
		       (unsigned long long)control, vec);
	return result;
}

u8 hv_hypercall_xmm_safe(u64 control, u64 block[14], u64 *result)
{
	return hv_hypercall_xmm_raw(control, block, hv_hcall_page, result);
}

void lapic_enable(void)
{
	*(volatile u32 *)(LAPIC_BASE + APIC_SVR) = 0x1ff;
}

void lapic_eoi(void)
{
	*(volatile u32 *)(LAPIC_BASE + APIC_EOI) = 0;
}
