// SPDX-License-Identifier: MIT
/*
 * HvCallGet/SetVpRegisters from VTL1 on VTL0 (TLFS "Virtual Secure Mode":
 * a higher VTL reads and writes a lower VTL's state), with
 * tests/guests/vtl1/service.c doing the calls:
 *   - VTL0's RIP (inside the VTL call stub), RSP, CR3, CS, GDTR, EFER,
 *     LSTAR as VTL0 left them; a written LSTAR and R-class values coming back;
 *   - a value KVM refuses (CR0.PG without PE) and an unknown name;
 *   - PendingEvent0: a #UD VTL0 takes when it resumes, and refused events;
 *   - VTL1's own VSM registers: VsmPartitionConfig's rules,
 *     VsmVpSecureConfigVtl0, VsmVina, CrInterceptControl.
 *
 * Stages: 1 checks passed.
 */
#include "vsm.h"
#include "vtl1/service.h"

#define MSR_LSTAR	0xc0000082
#define MSR_EFER	0xc0000080

static unsigned int passed;

#define CHECK(cond) do { GUEST_ASSERT(cond); passed++; } while (0)

struct reg {
	u64 status, lo, hi;
};

static struct reg get0(u32 name)
{
	struct vtl_regs r = { .rdi = SVC_GET_REG, .rsi = name, .rdx = hv_input_vtl(0) };

	vtl_call(&r);
	return (struct reg) { hv_status(r.rdi), r.rsi, r.rdx };
}

static u64 set_vtl(u8 input_vtl, u32 name, u64 lo, u64 hi)
{
	struct vtl_regs r = { .rdi = SVC_SET_REG, .rsi = name, .rdx = input_vtl, .r8 = lo,
			      .r9 = hi };

	vtl_call(&r);
	return hv_status(r.rdi);
}

static struct reg get_vtl(u8 input_vtl, u32 name)
{
	struct vtl_regs r = { .rdi = SVC_GET_REG, .rsi = name, .rdx = input_vtl };

	vtl_call(&r);
	return (struct reg) { hv_status(r.rdi), r.rsi, r.rdx };
}

static void read_vtl0(void)
{
	struct { u16 limit; u64 base; } __attribute__((packed)) gdt;
	u64 cr3, rsp;
	struct reg v;

	asm volatile("mov %%cr3, %0; sgdt %1; mov %%rsp, %2" : "=r"(cr3), "=m"(gdt), "=r"(rsp));
	wrmsr(MSR_LSTAR, 0xffffffff81234000ULL);
	/* RIP: past the `out` of the VTL call stub, where VTL0 will resume. */
	v = get0(HV_X64_REGISTER_RIP);
	CHECK(v.status == HV_STATUS_SUCCESS && v.lo == (u64)hv_hcall_page + 0x20 + 0x10);
	v = get0(HV_X64_REGISTER_RSP);
	CHECK(v.status == HV_STATUS_SUCCESS && rsp - v.lo < 0x200);
	v = get0(HV_X64_REGISTER_CR3);
	CHECK(v.status == HV_STATUS_SUCCESS && v.lo == cr3);
	v = get0(HV_X64_REGISTER_GDTR);
	CHECK(v.status == HV_STATUS_SUCCESS && (v.hi == gdt.base) &&
	      ((v.lo >> 48) & 0xffff) == gdt.limit);
	v = get0(HV_X64_REGISTER_CS);
	/* selector 0x10; attributes: type 0xb, S, P, L, G */
	CHECK(v.status == HV_STATUS_SUCCESS && ((v.hi >> 32) & 0xffff) == 0x10 &&
	      (v.hi >> 48) == (0xb | BIT(4) | BIT(7) | BIT(13) | BIT(15)));
	v = get0(HV_X64_REGISTER_EFER);
	CHECK(v.status == HV_STATUS_SUCCESS && v.lo == rdmsr(MSR_EFER));
	v = get0(HV_X64_REGISTER_LSTAR);
	CHECK(v.status == HV_STATUS_SUCCESS && v.lo == 0xffffffff81234000ULL);
	v = get0(HV_X64_REGISTER_DR7);
	CHECK(v.status == HV_STATUS_SUCCESS && v.lo == 0x400);
	v = get0(0x12345);
	CHECK(v.status == HV_STATUS_UNKNOWN_REGISTER_NAME);
	/* The same RIP through an XMM fast call, the value in XMM1. */
	{
		struct vtl_regs r = { .rdi = SVC_GET_REG_XMM, .rsi = HV_X64_REGISTER_RIP,
				      .rdx = hv_input_vtl(0) };

		vtl_call(&r);
		CHECK(hv_status(r.rdi) == HV_STATUS_SUCCESS && hv_reps(r.rdi) == 1 &&
		      r.rsi == (u64)hv_hcall_page + 0x20 + 0x10 && r.rdx == 0);
	}
}

static void write_vtl0(void)
{
	u64 cr0;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	CHECK(set_vtl(hv_input_vtl(0), HV_X64_REGISTER_LSTAR, 0xffffffff8abcd000ULL, 0) ==
	      HV_STATUS_SUCCESS);
	CHECK(rdmsr(MSR_LSTAR) == 0xffffffff8abcd000ULL);
	/* CR0.PG without CR0.PE: KVM refuses it, and VTL0 keeps running as it was. */
	CHECK(set_vtl(hv_input_vtl(0), HV_X64_REGISTER_CR0, (cr0 & ~1ULL) | BIT(31), 0) ==
	      HV_STATUS_INVALID_REGISTER_VALUE);
	/* The APIC cannot be moved through this path. */
	CHECK(set_vtl(hv_input_vtl(0), HV_X64_REGISTER_APIC_BASE, 0xfed00900ULL, 0) ==
	      HV_STATUS_INVALID_REGISTER_VALUE);
	/* VTL1's own architectural registers: not through a hypercall. */
	CHECK(get_vtl(0, HV_X64_REGISTER_RIP).status == HV_STATUS_ACCESS_DENIED);
}

/* PendingEvent0 (OV:hvdef HvX64PendingExceptionEvent): pending | vector << 16 | error << 32. */
static void pending_event(void)
{
	struct vtl_regs r = { .rdi = SVC_SET_REG, .rsi = HV_REGISTER_PENDING_EVENT0,
			      .rdx = hv_input_vtl(0), .r8 = 1 | (u64)UD_VECTOR << 16 };
	u8 vec;

	/* NMI (2) is not an exception VTL1 may queue; #UD carries no error code. */
	CHECK(set_vtl(hv_input_vtl(0), HV_REGISTER_PENDING_EVENT0, 1 | 2ULL << 16, 0) ==
	      HV_STATUS_INVALID_REGISTER_VALUE);
	CHECK(set_vtl(hv_input_vtl(0), HV_REGISTER_PENDING_EVENT0,
		      1 | BIT(8) | (u64)UD_VECTOR << 16, 0) == HV_STATUS_INVALID_REGISTER_VALUE);
	CHECK(set_vtl(hv_input_vtl(0), HV_REGISTER_PENDING_EVENT0, 1 | 1ULL << 1, 0) ==
	      HV_STATUS_INVALID_REGISTER_VALUE);	/* not an exception event */
	/* A #UD queued for VTL0: it is raised where VTL0 resumes, in the VTL call stub. */
	vec = vtl_call_safe(&r, 0);
	CHECK(vec == UD_VECTOR);
}

static void vsm_config(void)
{
	const u64 rwx = (HV_MAP_GPA_READABLE | HV_MAP_GPA_WRITABLE |
			 HV_MAP_GPA_KERNEL_EXECUTABLE | HV_MAP_GPA_USER_EXECUTABLE) << 1;
	struct reg v;

	/* VsmPartitionConfig: VTL1's own, write-once protection, no read+write-less masks. */
	CHECK(set_vtl(hv_input_vtl(1), HV_REGISTER_VSM_PARTITION_CONFIG, BIT(16), 0) ==
	      HV_STATUS_INVALID_REGISTER_VALUE);
	CHECK(set_vtl(hv_input_vtl(1), HV_REGISTER_VSM_PARTITION_CONFIG,
		      1 | (HV_MAP_GPA_READABLE << 1), 0) == HV_STATUS_INVALID_REGISTER_VALUE);
	CHECK(set_vtl(hv_input_vtl(1), HV_REGISTER_VSM_PARTITION_CONFIG,
		      1 | rwx | HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP, 0) ==
	      HV_STATUS_SUCCESS);
	CHECK(set_vtl(hv_input_vtl(1), HV_REGISTER_VSM_PARTITION_CONFIG, rwx, 0) ==
	      HV_STATUS_INVALID_REGISTER_VALUE);	/* protection cannot be turned off */
	v = get_vtl(hv_input_vtl(1), HV_REGISTER_VSM_PARTITION_CONFIG);
	CHECK(v.status == HV_STATUS_SUCCESS &&
	      v.lo == (1 | rwx | HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP));
	CHECK(set_vtl(hv_input_vtl(0), HV_REGISTER_VSM_PARTITION_CONFIG, 0, 0) ==
	      HV_STATUS_INVALID_PARAMETER);	/* VTL0 has no instance */
	/* VsmVpSecureConfigVtl0: TlbLocked only (no MBEC). */
	CHECK(set_vtl(0, HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0, 1, 0) ==
	      HV_STATUS_INVALID_REGISTER_VALUE);
	CHECK(set_vtl(0, HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0, 0, 0) == HV_STATUS_SUCCESS);
	/* VsmVina: vector, enabled, auto-reset, auto-EOI; nothing above. */
	CHECK(set_vtl(0, HV_REGISTER_VSM_VINA, 0x3f0, 0) == HV_STATUS_SUCCESS);
	CHECK(set_vtl(0, HV_REGISTER_VSM_VINA, BIT(11), 0) == HV_STATUS_INVALID_PARAMETER);
	v = get_vtl(0, HV_REGISTER_VSM_VINA);
	CHECK(v.status == HV_STATUS_SUCCESS && v.lo == 0x3f0);
	/* CrInterceptControl: write intercepts recorded, read ones refused. */
	CHECK(set_vtl(0, HV_X64_REGISTER_CR_INTERCEPT_CONTROL,
		      HV_X64_CR_INTERCEPT_CR0_WRITE | HV_X64_CR_INTERCEPT_MSR_LSTAR_WRITE, 0) ==
	      HV_STATUS_SUCCESS);
	CHECK(set_vtl(0, HV_X64_REGISTER_CR_INTERCEPT_CONTROL,
		      HV_X64_CR_INTERCEPT_MSR_LSTAR_READ, 0) == HV_STATUS_INVALID_REGISTER_VALUE);
	CHECK(set_vtl(0, HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK, 0x80000001, 0) ==
	      HV_STATUS_SUCCESS);
	v = get_vtl(0, HV_X64_REGISTER_CR_INTERCEPT_CR0_MASK);
	CHECK(v.status == HV_STATUS_SUCCESS && v.lo == 0x80000001);
}

void guest_main(void)
{
	struct vtl_regs r;

	hv_enable_hypercalls();
	vsm_boot_vtl1(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_HELLO);
	read_vtl0();
	write_vtl0();
	pending_event();
	vsm_config();
	GUEST_SYNC_VAL(1, passed);
}
