// SPDX-License-Identifier: MIT
/*
 * What a VTL switch shares and what it keeps apart (TLFS "Virtual Processor
 * State Isolation"), with tests/guests/vtl1/service.c in VTL1:
 *   shared:  every GPR but RSP (both ways), XMM0-15, CR2, DR0, MTRRs;
 *   private: CR3, IDT, RSP, RFLAGS.IF, CR8/TPR, DR7, the APIC (its ID page),
 *            LSTAR, PAT.
 * A fast VtlReturn leaves RAX/RCX as the stub set them; a normal one
 * restores them from VTL1's VP assist page.
 *
 * Stages: 1 GPR mismatches VTL1 saw, 2 GPR mismatches VTL0 saw afterwards,
 * 3 XMM mismatches (VTL1), 4 XMM mismatches (VTL0), 5 private-state checks
 * passed, 6 the fast return's RAX, 7 its RCX.
 */
#include "vsm.h"
#include "vtl1/service.h"

#define MSR_LSTAR	0xc0000082
#define MSR_PAT		0x277
#define MSR_MTRR_BASE0	0x200

static u64 cr3(void)
{
	u64 v;

	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

static u64 call(u64 cmd, u64 a, u64 b, struct vtl_regs *r)
{
	memset(r, 0, sizeof(*r));
	r->rdi = cmd;
	r->rsi = a;
	r->rdx = b;
	vtl_call(r);
	return r->rdi;
}

/* Every GPR but RSP crosses in both directions; RAX/RCX come back from the assist page. */
static void gprs(void)
{
	struct vtl_regs r;
	u64 *g = (u64 *)&r, bad = 0;

	for (unsigned int i = 0; i < sizeof(r) / 8; i++)
		g[i] = svc_pattern(i);
	r.rdi = SVC_BUMP_GPRS;
	vtl_call(&r);
	GUEST_SYNC_VAL(1, r.rdi);
	for (unsigned int i = 0; i < sizeof(r) / 8; i++)
		bad += i != 5 && g[i] != svc_pattern(i) + 1;
	GUEST_SYNC_VAL(2, bad);
}

static void xmm(void)
{
	u64 x[16][2], bad = 0;
	struct vtl_regs r;

	for (unsigned int i = 0; i < 16; i++) {
		x[i][0] = svc_pattern(i);
		x[i][1] = ~svc_pattern(i);
	}
	xmm_write(x);
	GUEST_SYNC_VAL(3, call(SVC_XMM, 0, 0, &r));
	xmm_read(x);
	for (unsigned int i = 0; i < 16; i++)
		bad += x[i][0] != svc_pattern(i) + 1 || x[i][1] != ~svc_pattern(i) - 1;
	GUEST_SYNC_VAL(4, bad);
}

static unsigned int passed;

#define CHECK(cond) do { GUEST_ASSERT(cond); passed++; } while (0)

/* CR2 and DR0 are shared, DR7 is not. */
static void debug_regs(void)
{
	const u64 addr = 0x123000, vtl1_addr = 0x456000;
	u64 v, dr7 = 0x400 | BIT(8);	/* LE: no breakpoint enabled */
	struct vtl_regs r;

	asm volatile("mov %0, %%cr2; mov %0, %%dr0; mov %1, %%dr7" :: "r"(addr), "r"(dr7));
	memset(&r, 0, sizeof(r));
	r.rdi = SVC_DEBUG_REGS;
	r.r9 = vtl1_addr;
	vtl_call(&r);
	CHECK(r.rsi == addr);		/* VTL1 read VTL0's CR2 */
	CHECK(r.rdx == addr);		/* ... and DR0 */
	CHECK(r.r8 == 0x400);		/* but its own DR7 */
	asm volatile("mov %%cr2, %0" : "=r"(v));
	CHECK(v == vtl1_addr);		/* VTL1's CR2 write came back */
	asm volatile("mov %%dr0, %0" : "=r"(v));
	CHECK(v == vtl1_addr);
	asm volatile("mov %%dr7, %0" : "=r"(v));
	CHECK(v == dr7);
}

static void private_state(void)
{
	struct { u16 limit; u64 base; } __attribute__((packed)) idt;
	struct vtl1_program p;
	struct vtl_regs r;
	u64 rsp, v;

	GUEST_ASSERT(vsm_vtl1_program(&p));
	asm volatile("sidt %0; mov %%rsp, %1" : "=m"(idt), "=r"(rsp));
	CHECK(call(SVC_PRIVATE, 0, 0, &r) == SVC_OK);
	CHECK(r.rsi != cr3() && r.rsi == p.cr3);
	CHECK(r.rdx != idt.base);
	CHECK(r.r8 - rsp > 0x100000);	/* VTL1's stack is in its own image at 16 MiB */
	CHECK(r.r9 == 0);		/* VTL1's own APIC answers for VP 0 */

	/* CR8: each VTL its own TPR. */
	asm volatile("mov %0, %%cr8" :: "r"(5ULL));
	CHECK(call(SVC_TPR, 0, 3, &r) == SVC_OK && r.rsi == 0);
	CHECK(call(SVC_TPR, 0, 0, &r) == SVC_OK && r.rsi == 3);
	asm volatile("mov %%cr8, %0" : "=r"(v));
	CHECK(v == 5);
	asm volatile("mov %0, %%cr8" :: "r"(0ULL));

	/* MSRs: LSTAR and PAT are private, the MTRRs shared. */
	wrmsr(MSR_LSTAR, 0xffffffff81000000ULL);
	wrmsr(MSR_PAT, 0x0007040600070406ULL & ~0xffULL);	/* PA0 = UC */
	wrmsr(MSR_MTRR_BASE0, 0x80000006ULL);			/* WB at 2 GiB */
	CHECK(call(SVC_MSR, MSR_LSTAR, 0, &r) == SVC_OK && r.rsi == 0);
	CHECK(call(SVC_MSR, 0, MSR_LSTAR, &r) == SVC_OK && r.rsi != 0xffffffff81000000ULL);
	CHECK(call(SVC_MSR, 0, MSR_PAT, &r) == SVC_OK && r.rsi == 0x0007040600070406ULL);
	CHECK(call(SVC_MSR, 0, MSR_MTRR_BASE0, &r) == SVC_OK && r.rsi == 0x80000006ULL);

	/* RFLAGS.IF: VTL1 runs with interrupts on while VTL0 has them off. */
	asm volatile("cli");
	CHECK(call(SVC_ADD, 1, 2, &r) == 3);
	asm volatile("pushf; pop %0" : "=r"(v));
	CHECK(!(v & BIT(9)));
	debug_regs();
	GUEST_SYNC_VAL(5, passed);
}

/* A fast return: RAX is the stub's input (1: fast), RCX the VtlReturn code. */
static void fast_return(void)
{
	struct vtl_regs r;

	call(SVC_ADD, 20, 22, &r);
	GUEST_ASSERT_EQ(r.rdi, 42);
	GUEST_SYNC_VAL(6, r.rax);
	GUEST_SYNC_VAL(7, r.rcx);
}

void guest_main(void)
{
	struct vtl_regs r;

	hv_enable_hypercalls();
	vsm_boot_vtl1(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_HELLO);
	gprs();
	xmm();
	private_state();
	fast_return();
}
