// SPDX-License-Identifier: MIT
/*
 * vmm/vtl_regs.c, the VTL switch, against the fake KVM of fake_vtl_vcpu.h:
 * GPRs through sync_regs, CR2, XCR0, x87/SSE/AVX, DR0-DR3 and MTRRs, and the
 * exact ioctls each costs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_vtl_vcpu.h"

static void test_vtl_regs_init_layout(void **state)
{
	struct fx *fx = *state;
	struct vm *vm = fx->vm;

	assert_int_equal(vm->xsave_size, XSAVE_SIZE);
	/* x87/SSE through XMM15, then AVX; 5 is not in XCR0, 6 overflows, PKRU not shared. */
	assert_int_equal(vm->nr_xsave_shared, 2);
	assert_int_equal(vm->xsave_shared[0].offset, 0);
	assert_int_equal(vm->xsave_shared[0].size, 416);
	assert_int_equal(vm->xsave_shared[1].feature, 2);
	assert_int_equal(vm->xsave_shared[1].offset, OFF_AVX);
	assert_int_equal(vm->xsave_shared[1].size, SIZE_AVX);
	assert_int_equal(vm->xsave_shared_mask, 0x7);
	/* Learned once. */
	vm->cpuid->entries[0].eax = 0x3;
	assert_int_equal(vtl_regs_init(vm), 0);
	assert_int_equal(vm->nr_xsave_shared, 2);
}

/* ---------------------------------------------------------------------------------------------- */

static void test_vtl_regs_sync_fetches_once(void **state)
{
	struct fx *fx = *state;
	struct vcpu_vtl *v = &fx->vcpu->vtl[0];

	assert_int_equal(vtl_regs_sync(v), 0);
	assert_calls(C(FD0, KVM_GET_REGS), C(FD0, KVM_GET_SREGS));
	assert_true(v->synced);
	assert_int_equal(v->run->kvm_valid_regs & (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS),
			 KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS);
	assert_memory_equal(&v->run->s.regs.regs, &fk.cpu[0].regs, sizeof(struct kvm_regs));
	assert_int_equal(v->run->s.regs.sregs.cr3, fk.cpu[0].sregs.cr3);
	reset_calls();
	assert_int_equal(vtl_regs_sync(v), 0);
	assert_no_calls();
	v->run->kvm_dirty_regs = KVM_SYNC_X86_REGS;
	vtl_regs_invalidate(v);
	assert_false(v->synced);
	assert_int_equal(v->run->kvm_dirty_regs, 0);
	assert_int_equal(vtl_regs_sync(v), 0);
	assert_calls(C(FD0, KVM_GET_REGS), C(FD0, KVM_GET_SREGS));
}

/* ---------------------------------------------------------------------------------------------- */

static void test_vtl_regs_switch_gprs(void **state)
{
	struct fx *fx = *state;
	struct kvm_regs want = fk.cpu[0].regs;

	want.rsp = fk.cpu[1].regs.rsp;
	want.rip = fk.cpu[1].regs.rip;
	want.rflags = fk.cpu[1].regs.rflags;
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	/* Every GPR but RSP from VTL0; RSP, RIP, RFLAGS VTL1's own. */
	assert_memory_equal(regs(fx, 1), &want, sizeof(want));
	assert_int_equal(regs(fx, 1)->rbx, fk.cpu[0].regs.rbx);
	assert_int_equal(regs(fx, 1)->r15, fk.cpu[0].regs.r15);
	assert_int_equal(regs(fx, 1)->rsp, fk.cpu[1].regs.rsp);
	assert_int_equal(regs(fx, 1)->rip, fk.cpu[1].regs.rip);
	assert_int_equal(regs(fx, 1)->rflags, fk.cpu[1].regs.rflags);
	assert_true(dirty(fx, 1) & KVM_SYNC_X86_REGS);
	/* Through kvm_run: no KVM_SET_REGS, and the outgoing copy is left alone. */
	assert_int_equal(count_calls(KVM_SET_REGS), 0);
	assert_memory_equal(regs(fx, 0), &fk.cpu[0].regs, sizeof(struct kvm_regs));
	assert_int_equal(dirty(fx, 0), 0);

	/* And back: VTL1's GPRs (changed while it ran) go to VTL0, VTL0's RIP stays. */
	fx->vcpu->cur_vtl = 1;
	regs(fx, 1)->rax = 0x1234;
	regs(fx, 1)->rip = 0xabcd;
	assert_int_equal(vtl_regs_switch(fx->vcpu, 1, 0), 0);
	assert_int_equal(regs(fx, 0)->rax, 0x1234);
	assert_int_equal(regs(fx, 0)->rip, fk.cpu[0].regs.rip);
	assert_true(dirty(fx, 0) & KVM_SYNC_X86_REGS);
}

static void test_vtl_regs_switch_cr2_equal(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_int_equal(sregs(fx, 1)->cr2, 0x7000);
	assert_false(dirty(fx, 1) & KVM_SYNC_X86_SREGS);
}

static void test_vtl_regs_switch_cr2_differs(void **state)
{
	struct fx *fx = *state;

	fk.cpu[0].sregs.cr2 = 0xdead000;
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_int_equal(sregs(fx, 1)->cr2, 0xdead000);
	assert_true(dirty(fx, 1) & KVM_SYNC_X86_SREGS);
	/* Only CR2: the rest of VTL1's sregs is its own. */
	assert_int_equal(sregs(fx, 1)->cr3, fk.cpu[1].sregs.cr3);
	assert_false(dirty(fx, 0) & KVM_SYNC_X86_SREGS);
}

/* ---------------------------------------------------------------------------------------------- */

static void test_vtl_regs_switch_first_then_nothing_changed(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_calls(C(FD0, KVM_GET_REGS), C(FD0, KVM_GET_SREGS),
		     C(FD1, KVM_GET_REGS), C(FD1, KVM_GET_SREGS),
		     /* both vCPUs' shared state, once */
		     C(FD0, KVM_GET_XSAVE2), C(FD0, KVM_GET_DEBUGREGS), C(FD0, KVM_GET_XCRS),
		     C(FD1, KVM_GET_XSAVE2), C(FD1, KVM_GET_DEBUGREGS), C(FD1, KVM_GET_XCRS),
		     /* the switch proper: equal FPU and DRs, MTRRs read and written once */
		     C(FD0, KVM_GET_XSAVE2), C(FD0, KVM_GET_DEBUGREGS),
		     C(FD0, KVM_GET_MSRS), C(FD1, KVM_SET_MSRS));
	/* The two syncs are not switch ioctls. */
	assert_int_equal(fx->vcpu->switch_ioctls, 10);
	assert_int_equal(fx->vcpu->nr_switches, 1);
	assert_true(fx->vcpu->vtl[0].shared.valid);
	assert_true(fx->vcpu->vtl[1].shared.valid);

	reset_calls();
	fx->vcpu->cur_vtl = 1;
	assert_int_equal(vtl_regs_switch(fx->vcpu, 1, 0), 0);
	assert_calls(C(FD1, KVM_GET_XSAVE2), C(FD1, KVM_GET_DEBUGREGS));
	assert_int_equal(fx->vcpu->switch_ioctls, 12);

	reset_calls();
	fx->vcpu->cur_vtl = 0;
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_calls(C(FD0, KVM_GET_XSAVE2), C(FD0, KVM_GET_DEBUGREGS));
	assert_int_equal(fx->vcpu->switch_ioctls, 14);
	assert_int_equal(fx->vcpu->nr_switches, 3);
}

static void test_vtl_regs_switch_fpu_xmm_changed(void **state)
{
	struct fx *fx = *state;
	u8 *x1 = fk.cpu[1].xsave;
	u64 ioctls;

	round_trip(fx);
	ioctls = fx->vcpu->switch_ioctls;
	/* VTL0 ran: one XMM0 byte changed, nothing else. */
	fk.cpu[0].xsave[OFF_XMM0 + 3] ^= 0xff;
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_calls(C(FD0, KVM_GET_XSAVE2), C(FD1, KVM_SET_XSAVE), C(FD0, KVM_GET_DEBUGREGS));
	assert_int_equal(fx->vcpu->switch_ioctls, ioctls + 3);
	/* The shared components are VTL0's, the rest VTL1's own (PKRU, FXSAVE's reserved bytes). */
	assert_int_equal(x1[OFF_XMM0 + 3], fk.cpu[0].xsave[OFF_XMM0 + 3]);
	assert_memory_equal(x1, fk.cpu[0].xsave, 416);
	assert_memory_equal(x1 + OFF_AVX, fk.cpu[0].xsave + OFF_AVX, SIZE_AVX);
	assert_int_equal(x1[OFF_RSVD], 0x77);
	assert_int_equal(x1[OFF_PKRU], 0x55);
	assert_int_equal(xsave_bv_of(x1), 0x207);
	/* The image vtlvm keeps for VTL1 is what VTL1 now holds. */
	assert_memory_equal(fx->vcpu->vtl[1].shared.xsave, x1, XSAVE_SIZE);
}

static void test_vtl_regs_switch_fpu_bv_merged(void **state)
{
	struct fx *fx = *state;

	round_trip(fx);
	/* VTL0's AVX state went back to init (XSTATE_BV bit 2 clear), its bytes did not change. */
	set_xsave_bv(fk.cpu[0].xsave, 0x3);
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_calls(C(FD0, KVM_GET_XSAVE2), C(FD1, KVM_SET_XSAVE), C(FD0, KVM_GET_DEBUGREGS));
	/* VTL0's shared bits, VTL1's PKRU bit. */
	assert_int_equal(xsave_bv_of(fk.cpu[1].xsave), 0x203);
	assert_int_equal(fk.cpu[1].xsave[OFF_PKRU], 0x55);
}

static void test_vtl_regs_switch_fpu_private_change(void **state)
{
	struct fx *fx = *state;

	round_trip(fx);
	/* Only bytes outside the shared components changed (PKRU, FXSAVE's reserved area). */
	fk.cpu[0].xsave[OFF_RSVD] = 0x99;
	memset(fk.cpu[0].xsave + OFF_PKRU, 0x12, 4);
	set_xsave_bv(fk.cpu[0].xsave, 0x207);
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_calls(C(FD0, KVM_GET_XSAVE2), C(FD0, KVM_GET_DEBUGREGS));
	assert_int_equal(fk.cpu[1].xsave[OFF_PKRU], 0x55);
}

static void test_vtl_regs_switch_dr0_changed(void **state)
{
	struct fx *fx = *state;

	switch_ok(fx, 0, 1);
	/* VTL1 changes its own DR7 while it runs: vtlvm sees it when VTL1 leaves. */
	fk.cpu[1].dr.dr7 = 0x403;
	switch_ok(fx, 1, 0);
	fk.cpu[0].dr.db[0] = 0xabc000;
	fk.cpu[0].dr.dr7 = 0x402;
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_calls(C(FD0, KVM_GET_XSAVE2), C(FD0, KVM_GET_DEBUGREGS),
		     C(FD1, KVM_SET_DEBUGREGS));
	assert_int_equal(fk.cpu[1].dr.db[0], 0xabc000);
	assert_int_equal(fk.cpu[1].dr.db[1], 0x2000);
	assert_int_equal(fk.cpu[1].dr.db[3], 0x4000);
	/* DR6 and DR7 are VTL1's own. */
	assert_int_equal(fk.cpu[1].dr.dr6, 0xffff4ff0);
	assert_int_equal(fk.cpu[1].dr.dr7, 0x403);
}

static void test_vtl_regs_switch_xcr0(void **state)
{
	struct fx *fx = *state;

	switch_ok(fx, 0, 1);
	/* OSXSAVE clear in both: XCR0 cannot have changed, so it is not read either way. */
	assert_int_equal(vtl_regs_switch(fx->vcpu, 1, 0), 0);
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_int_equal(vtl_regs_switch(fx->vcpu, 1, 0), 0);
	fx->vcpu->cur_vtl = 0;
	assert_int_equal(fk.nr_calls, 6);
	assert_int_equal(count_calls(KVM_GET_XCRS) + count_calls(KVM_SET_XCRS), 0);

	/* VTL0 sets OSXSAVE and runs XSETBV; VTL1 comes in with OSXSAVE set. */
	reset_calls();
	sregs(fx, 0)->cr4 |= CR4_OSXSAVE;
	fk.cpu[0].xcr0 = 0x3;
	sregs(fx, 1)->cr4 |= CR4_OSXSAVE;
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_calls(C(FD0, KVM_GET_XCRS), C(FD1, KVM_SET_XCRS),
		     C(FD0, KVM_GET_XSAVE2), C(FD0, KVM_GET_DEBUGREGS));
	assert_int_equal(fk.cpu[1].xcr0, 0x3);

	/* VTL1 runs XSETBV and clears OSXSAVE again: it had OSXSAVE when it came in. */
	reset_calls();
	sregs(fx, 1)->cr4 &= ~CR4_OSXSAVE;
	fk.cpu[1].xcr0 = 0x7;
	assert_int_equal(vtl_regs_switch(fx->vcpu, 1, 0), 0);
	assert_calls(C(FD1, KVM_GET_XCRS), C(FD0, KVM_SET_XCRS),
		     C(FD1, KVM_GET_XSAVE2), C(FD1, KVM_GET_DEBUGREGS));
	assert_int_equal(fk.cpu[0].xcr0, 0x7);

	/* Read but equal: no write. */
	reset_calls();
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_calls(C(FD0, KVM_GET_XCRS), C(FD0, KVM_GET_XSAVE2), C(FD0, KVM_GET_DEBUGREGS));
}

static void test_vtl_regs_switch_no_xcrs_cap(void **state)
{
	struct fx *fx = *state;

	/* Without KVM_CAP_XCRS there is nothing to read or write, OSXSAVE or not. */
	fx->vm->caps.value[CAP_XCRS] = 0;
	fk.cpu[0].sregs.cr4 |= CR4_OSXSAVE;
	fk.cpu[1].sregs.cr4 |= CR4_OSXSAVE;
	switch_ok(fx, 0, 1);
	assert_int_equal(vtl_regs_switch(fx->vcpu, 1, 0), 0);
	assert_calls(C(FD1, KVM_GET_XSAVE2), C(FD1, KVM_GET_DEBUGREGS));
}

/* ---------------------------------------------------------------------------------------------- */

static void assert_mtrrs_equal(struct fake_cpu *a, struct fake_cpu *b)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < vtl_shared_regs_count; i++) {
		u32 msr = vtl_shared_regs[i].msr;

		if (vtl_shared_regs[i].kind != VTL_SHARED_MTRR)
			continue;
		assert_int_equal(*fake_msr(a, msr), *fake_msr(b, msr));
		n++;
	}
	assert_int_equal(n, VTL_NR_MTRRS);
}

static void test_vtl_regs_switch_mtrr_first(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(*fake_msr(&fk.cpu[1], 0x2ff), 0);
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_mtrrs_equal(&fk.cpu[0], &fk.cpu[1]);
	assert_int_equal(*fake_msr(&fk.cpu[1], 0x2ff), 0x1000 + 0x2ff);
	assert_int_equal(*fake_msr(&fk.cpu[1], 0x20f), 0x1000 + 0x20f);
	assert_int_equal(fx->vcpu->mtrr_gen, 1);
	assert_int_equal(fx->vcpu->mtrr[0], 0x1000 + 0x2ff);	/* MTRRdefType, first row */
}

static void test_vtl_regs_mtrr_write_shared(void **state)
{
	struct fx *fx = *state;

	switch_ok(fx, 0, 1);
	assert_int_equal(vtl_regs_mtrr_write(fx->vcpu, 0x200, 0x80000006), 0);
	assert_calls(C(FD1, KVM_SET_MSRS));
	assert_int_equal(*fake_msr(&fk.cpu[1], 0x200), 0x80000006);
	assert_int_equal(fx->vcpu->mtrr_gen, 2);
	reset_calls();
	assert_int_equal(vtl_regs_switch(fx->vcpu, 1, 0), 0);
	assert_calls(C(FD1, KVM_GET_XSAVE2), C(FD1, KVM_GET_DEBUGREGS), C(FD0, KVM_SET_MSRS));
	assert_mtrrs_equal(&fk.cpu[0], &fk.cpu[1]);
	assert_int_equal(*fake_msr(&fk.cpu[0], 0x200), 0x80000006);
	/* Both hold generation 2 now. */
	fx->vcpu->cur_vtl = 0;
	reset_calls();
	assert_int_equal(vtl_regs_switch(fx->vcpu, 0, 1), 0);
	assert_int_equal(count_calls(KVM_SET_MSRS) + count_calls(KVM_GET_MSRS), 0);
}

static void test_vtl_regs_mtrr_write_refused(void **state)
{
	struct fx *fx = *state;

	switch_ok(fx, 0, 1);
	assert_true(vtl_regs_is_mtrr(0x2ff));
	assert_true(vtl_regs_is_mtrr(0x26f));
	assert_false(vtl_regs_is_mtrr(MSR_PAT));
	assert_false(vtl_regs_is_mtrr(0xfe));	/* MTRRcap is read-only, not written here */
	/* Not an MTRR: #GP, and KVM is not asked. */
	assert_int_equal(vtl_regs_mtrr_write(fx->vcpu, MSR_PAT, 0), -EPERM);
	assert_no_calls();
	/* KVM writes 0 MSRs: #GP, nothing recorded. */
	assert_int_equal(vtl_regs_mtrr_write(fx->vcpu, 0x2ff, REFUSED_MSR), -EPERM);
	assert_calls(C(FD1, KVM_SET_MSRS));
	assert_int_equal(fx->vcpu->mtrr_gen, 1);
	assert_int_equal(fx->vcpu->mtrr[0], 0x1000 + 0x2ff);
	assert_int_equal(*fake_msr(&fk.cpu[1], 0x2ff), 0x1000 + 0x2ff);
}


#define T(f) cmocka_unit_test_setup_teardown(f, vp_setup, vp_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_vtl_regs_init_layout),
		T(test_vtl_regs_sync_fetches_once),
		T(test_vtl_regs_switch_gprs),
		T(test_vtl_regs_switch_cr2_equal),
		T(test_vtl_regs_switch_cr2_differs),
		T(test_vtl_regs_switch_first_then_nothing_changed),
		T(test_vtl_regs_switch_fpu_xmm_changed),
		T(test_vtl_regs_switch_fpu_bv_merged),
		T(test_vtl_regs_switch_fpu_private_change),
		T(test_vtl_regs_switch_dr0_changed),
		T(test_vtl_regs_switch_xcr0),
		T(test_vtl_regs_switch_no_xcrs_cap),
		T(test_vtl_regs_switch_mtrr_first),
		T(test_vtl_regs_mtrr_write_shared),
		T(test_vtl_regs_mtrr_write_refused),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("vtl_switch", tests, NULL, NULL);
}
