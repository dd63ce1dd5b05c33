// SPDX-License-Identifier: MIT
/*
 * The rest of the state a VTL switch shares (TLFS "Virtual Processor State
 * Isolation": x87/SSE/AVX, DR0-DR3 and XCR0 are shared; vsm_state.c covers
 * XMM0-15 and DR0), with tests/guests/vtl1/service.c in VTL1:
 *   - DR1-DR3 written in VTL0 are what VTL1 reads, and VTL1's writes come back;
 *   - XCR0 VTL0 sets with XSETBV (x87|SSE|AVX) is VTL1's XCR0;
 *   - all 256 bits of YMM0-15 cross in both directions;
 *   - XCR0 VTL1 sets (x87|SSE) is VTL0's after the return, and VTL1's
 *     again on the next call.
 * VTL1 turns on its own CR4.OSXSAVE (CR4 is private).
 *
 * VTL1 reads its XCR0 as HvRegisterXfem (GetVpRegisters), or with
 * "xgetbv" on the command line through XGETBV; VTL0, which may not read
 * its own registers, through CPUID (xsave_size()). Under PVM (the nested
 * development hosts) XGETBV shows the host's XCR0, whatever XSETBV set:
 * VTL0 checks that first and, if so, syncs STAGE_NOT_CHECKABLE with value
 * 2 (the row's skip stage). Without AVX it syncs the same with value 1.
 *
 * Stages: 1 DR1-DR3 mismatches VTL1 saw, 2 DR1-DR3 mismatches VTL0 saw
 * afterwards; then 3 XCR0 as VTL1 read it, 4 YMM mismatches VTL1 saw,
 * 5 YMM mismatches VTL0 saw afterwards, 6 VTL0's XSAVE size after VTL1 set
 * x87|SSE, 7 XCR0 as VTL1 read it on the next call.
 */
#include "vmm/x86.h"
#include "vsm.h"
#include "vtl1/service.h"

#define STAGE_NOT_CHECKABLE	90
#define NO_AVX			1
#define XGETBV_BLIND		2
#define XCR0_AVX		(XFEATURE_X87 | XFEATURE_SSE | XFEATURE_AVX)
#define XCR0_SSE		(XFEATURE_X87 | XFEATURE_SSE)

static bool use_xgetbv;

static struct vtl_regs call(u64 cmd, u64 a, u64 b, u64 c, u64 d)
{
	struct vtl_regs r = { .rdi = cmd, .rsi = a, .rdx = b, .r8 = c, .r9 = d };

	vtl_call(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_OK);
	return r;
}

static void debug_regs(void)
{
	const u64 vtl0 = 0x111000, vtl1 = 0x222000;
	struct vtl_regs r;
	u64 d1, d2, d3;

	asm volatile("mov %0, %%dr1; mov %1, %%dr2; mov %2, %%dr3"
		     :: "r"(vtl0 + 1), "r"(vtl0 + 2), "r"(vtl0 + 3));
	r = call(SVC_DR123, 0, 0, 0, vtl1);
	GUEST_SYNC_VAL(1, (r.rsi != vtl0 + 1) + (r.rdx != vtl0 + 2) + (r.r8 != vtl0 + 3));
	asm volatile("mov %%dr1, %0; mov %%dr2, %1; mov %%dr3, %2" : "=r"(d1), "=r"(d2), "=r"(d3));
	GUEST_SYNC_VAL(2, (d1 != vtl1 + 1) + (d2 != vtl1 + 2) + (d3 != vtl1 + 3));
}

/* AVX that a guest may turn on: CPUID says AVX and XSAVE, and XCR0 may hold AVX state. */
static bool avx_usable(void)
{
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_XSAVE) || !(c & CPUID_1_ECX_AVX))
		return false;
	cpuid(0xd, 0, &a, &b, &c, &d);
	return a & XFEATURE_AVX;
}

/* Does XGETBV show what XSETBV set? (Leaves XCR0 = x87|SSE|AVX.) */
static bool xgetbv_follows(void)
{
	bool ok;

	xsetbv(0, XCR0_SSE);
	ok = xcr0_read() == XCR0_SSE;
	xsetbv(0, XCR0_AVX);
	return ok && xcr0_read() == XCR0_AVX;
}

/*
 * CPUID.(EAX=0DH,ECX=0):EBX, the XSAVE area the components enabled in XCR0
 * need (SDM vol. 1, 13.2): VTL0 cannot read its own XFEM, and XGETBV may be
 * blind (above), but the hypervisor's CPUID follows XCR0. 576 bytes for
 * x87|SSE (legacy area and header), 832 with AVX.
 */
static u32 xsave_size(void)
{
	u32 a, b, c, d;

	cpuid(0xd, 0, &a, &b, &c, &d);
	return b;
}

/* VTL1's XCR0, the way the command line asked. */
static u64 vtl1_xcr0(const struct vtl_regs *r)
{
	return use_xgetbv ? r->rsi : r->r9;
}

static void avx(void)
{
	u64 y[16][4], want[4], bad = 0;
	struct vtl_regs r;

	xsetbv(0, XCR0_AVX);
	for (unsigned int i = 0; i < 16; i++)
		svc_ymm(i, 0, y[i]);
	ymm_write(y);
	r = call(SVC_XSTATE, 0, 0, 0, 0);
	GUEST_SYNC_VAL(3, vtl1_xcr0(&r));
	GUEST_SYNC_VAL(4, r.rdx);
	ymm_read(y);
	for (unsigned int i = 0; i < 16; i++) {
		svc_ymm(i, 1, want);
		bad += memcmp(y[i], want, sizeof(want)) != 0;
	}
	GUEST_SYNC_VAL(5, bad);
	r = call(SVC_XSTATE, 0, 0, XCR0_SSE, 0);
	GUEST_ASSERT_EQ(vtl1_xcr0(&r), XCR0_AVX);
	GUEST_SYNC_VAL(6, xsave_size());
	r = call(SVC_XSTATE, 0, 0, XCR0_SSE, 0);
	GUEST_SYNC_VAL(7, vtl1_xcr0(&r));
}

void guest_main(void)
{
	struct vtl_regs r;

	hv_enable_hypercalls();
	vsm_boot_vtl1(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_HELLO);
	debug_regs();
	if (!avx_usable()) {
		GUEST_SYNC_VAL(STAGE_NOT_CHECKABLE, NO_AVX);
		return;
	}
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	use_xgetbv = !strcmp(bootinfo_cmdline(), "xgetbv");
	if (use_xgetbv && !xgetbv_follows()) {
		GUEST_SYNC_VAL(STAGE_NOT_CHECKABLE, XGETBV_BLIND);
		return;
	}
	avx();
}
