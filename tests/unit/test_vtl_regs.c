// SPDX-License-Identifier: MIT
/*
 * vmm/vtl_regs.c, a lower VTL's architectural registers, against the fake
 * KVM of fake_vtl_vcpu.h: HvCallGet/SetVpRegisters from VTL1 on VTL0
 * (private ones from VTL0's vCPU, shared ones from the running VTL's), the
 * register name table, and HV_INITIAL_VP_CONTEXT loading.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fake_vtl_vcpu.h"

static u64 get64(struct fx *fx, u8 vtl, u32 name)
{
	union hv_register_value v;

	assert_int_equal(vtl_regs_get(fx->vcpu, vtl, name, &v), 0);
	return v.reg64;
}

static int set64(struct fx *fx, u8 vtl, u32 name, u64 val)
{
	union hv_register_value v = { .reg64 = val };

	return vtl_regs_set(fx->vcpu, vtl, name, &v);
}

/* VTL1 runs; VTL1 reads and writes VTL0's registers. */
static void vtl1_running(struct fx *fx)
{
	switch_ok(fx, 0, 1);
	regs(fx, 0)->rip = 0x1111;
	regs(fx, 1)->rip = 0x2222;
	regs(fx, 0)->rbx = 0x6666;
	regs(fx, 1)->rbx = 0x5555;
}

static void test_vtl_regs_get_private_and_shared(void **state)
{
	struct fx *fx = *state;

	vtl1_running(fx);
	/* RIP is private: VTL0's vCPU; RBX is shared: VTL1's copy is what VTL0 gets back. */
	assert_int_equal(get64(fx, 0, HV_X64_REGISTER_RIP), 0x1111);
	assert_int_equal(get64(fx, 0, HV_X64_REGISTER_RBX), 0x5555);
	assert_int_equal(get64(fx, 0, HV_X64_REGISTER_CR3), fk.cpu[0].sregs.cr3);
	assert_no_calls();		/* from the cache */
	/* DR0 shared (running VTL1 changed it), DR7 private (VTL0's). */
	fk.cpu[1].dr.db[0] = 0x1500;
	assert_int_equal(get64(fx, 0, HV_X64_REGISTER_DR0), 0x1500);
	assert_int_equal(get64(fx, 0, HV_X64_REGISTER_DR2), 0x3000);
	assert_int_equal(get64(fx, 0, HV_X64_REGISTER_DR6), 0xffff0ff0);
	assert_int_equal(get64(fx, 0, HV_X64_REGISTER_DR7), 0x400);
	assert_calls(C(FD1, KVM_GET_DEBUGREGS), C(FD1, KVM_GET_DEBUGREGS),
		     C(FD0, KVM_GET_DEBUGREGS), C(FD0, KVM_GET_DEBUGREGS));
}

static void test_vtl_regs_set_private_and_shared(void **state)
{
	struct fx *fx = *state;

	vtl1_running(fx);
	fx->vcpu->vtl[0].run->kvm_dirty_regs = 0;
	fx->vcpu->vtl[1].run->kvm_dirty_regs = 0;
	assert_int_equal(set64(fx, 0, HV_X64_REGISTER_RBX, 0x7777), 0);
	assert_int_equal(regs(fx, 1)->rbx, 0x7777);
	assert_int_equal(regs(fx, 0)->rbx, 0x6666);
	assert_true(dirty(fx, 1) & KVM_SYNC_X86_REGS);
	assert_false(dirty(fx, 0) & KVM_SYNC_X86_REGS);
	assert_int_equal(set64(fx, 0, HV_X64_REGISTER_RIP, 0x3333), 0);
	assert_int_equal(regs(fx, 0)->rip, 0x3333);
	assert_int_equal(regs(fx, 1)->rip, 0x2222);
	assert_true(dirty(fx, 0) & KVM_SYNC_X86_REGS);
	assert_no_calls();
}

static void test_vtl_regs_segment_round_trip(void **state)
{
	static const u16 attrs[] = {
		0xa09b,		/* 64-bit code: G, L, P, S, type 0xb */
		0xd0f3,		/* G, D/B, AVL, P, DPL 3, S, type 3 */
		0x008b,		/* busy TSS */
	};
	struct fx *fx = *state;
	struct kvm_segment *cs = &fk.cpu[0].sregs.cs;
	union hv_register_value v;

	vtl1_running(fx);
	for (unsigned int i = 0; i < ARRAY_SIZE(attrs); i++) {
		const union hv_register_value in = { .segment = {
			.base = 0x12340000, .limit = 0xfffff, .selector = 0x18,
			.attributes = attrs[i],
		} };
		u16 a = attrs[i];

		reset_calls();
		assert_int_equal(vtl_regs_set(fx->vcpu, 0, HV_X64_REGISTER_CS, &in), 0);
		assert_calls(C(FD0, KVM_SET_SREGS));
		assert_int_equal(cs->base, 0x12340000);
		assert_int_equal(cs->limit, 0xfffff);
		assert_int_equal(cs->selector, 0x18);
		assert_int_equal(cs->type, a & 0xf);
		assert_int_equal(cs->s, (a >> 4) & 1);
		assert_int_equal(cs->dpl, (a >> 5) & 3);
		assert_int_equal(cs->present, 1);
		assert_int_equal(cs->unusable, 0);
		assert_int_equal(cs->avl, (a >> 12) & 1);
		assert_int_equal(cs->l, (a >> 13) & 1);
		assert_int_equal(cs->db, (a >> 14) & 1);
		assert_int_equal(cs->g, (a >> 15) & 1);
		/* The cache took it, and it is in KVM already: not dirty. */
		assert_memory_equal(&sregs(fx, 0)->cs, cs, sizeof(*cs));
		assert_false(dirty(fx, 0) & KVM_SYNC_X86_SREGS);
		assert_int_equal(vtl_regs_get(fx->vcpu, 0, HV_X64_REGISTER_CS, &v), 0);
		assert_memory_equal(&v.segment, &in.segment, sizeof(v.segment));
	}

	/* Not present: KVM's unusable, and back. */
	v = (union hv_register_value) { .segment = { .selector = 0, .attributes = 0x0073 } };
	assert_int_equal(vtl_regs_set(fx->vcpu, 0, HV_X64_REGISTER_DS, &v), 0);
	assert_int_equal(fk.cpu[0].sregs.ds.present, 0);
	assert_int_equal(fk.cpu[0].sregs.ds.unusable, 1);
	assert_int_equal(fk.cpu[0].sregs.ds.dpl, 3);
	assert_int_equal(vtl_regs_get(fx->vcpu, 0, HV_X64_REGISTER_DS, &v), 0);
	assert_int_equal(v.segment.attributes, 0x0073);
	/* KVM's present-but-unusable reads as not present. */
	sregs(fx, 0)->fs = (struct kvm_segment) { .type = 3, .s = 1, .present = 1, .unusable = 1 };
	assert_int_equal(vtl_regs_get(fx->vcpu, 0, HV_X64_REGISTER_FS, &v), 0);
	assert_int_equal(v.segment.attributes, 0x0013);
	sregs(fx, 0)->fs.unusable = 0;
	assert_int_equal(vtl_regs_get(fx->vcpu, 0, HV_X64_REGISTER_FS, &v), 0);
	assert_int_equal(v.segment.attributes, 0x0093);
}

static void test_vtl_regs_set_table(void **state)
{
	struct fx *fx = *state;
	union hv_register_value v = { .table = { .limit = 0xfff, .base = 0xffff800000001000 } };

	vtl1_running(fx);
	assert_int_equal(vtl_regs_set(fx->vcpu, 0, HV_X64_REGISTER_IDTR, &v), 0);
	assert_int_equal(fk.cpu[0].sregs.idt.limit, 0xfff);
	assert_int_equal(fk.cpu[0].sregs.idt.base, 0xffff800000001000);
	memset(&v, 0, sizeof(v));
	assert_int_equal(vtl_regs_get(fx->vcpu, 0, HV_X64_REGISTER_IDTR, &v), 0);
	assert_int_equal(v.table.limit, 0xfff);
	assert_int_equal(v.table.base, 0xffff800000001000);
}

static void test_vtl_regs_set_cr0_refused(void **state)
{
	struct fx *fx = *state;
	u64 cr0 = fk.cpu[0].sregs.cr0;

	vtl1_running(fx);
	assert_int_equal(set64(fx, 0, HV_X64_REGISTER_CR0, REFUSED_CR0), -EINVAL);
	assert_calls(C(FD0, KVM_SET_SREGS));
	assert_int_equal(sregs(fx, 0)->cr0, cr0);
	assert_int_equal(fk.cpu[0].sregs.cr0, cr0);
	assert_int_equal(get64(fx, 0, HV_X64_REGISTER_CR0), cr0);
	/* An acceptable one lands in KVM and in the cache. */
	assert_int_equal(set64(fx, 0, HV_X64_REGISTER_CR0, 0x80000033), 0);
	assert_int_equal(fk.cpu[0].sregs.cr0, 0x80000033);
	assert_int_equal(get64(fx, 0, HV_X64_REGISTER_CR0), 0x80000033);
}

static void test_vtl_regs_set_cr2_shared(void **state)
{
	struct fx *fx = *state;

	vtl1_running(fx);
	/* CR2 is shared: VTL0's CR2 is the running VTL1's. */
	assert_int_equal(set64(fx, 0, HV_X64_REGISTER_CR2, 0x5000), 0);
	assert_int_equal(sregs(fx, 1)->cr2, 0x5000);
	assert_int_equal(fk.cpu[1].sregs.cr2, 0x5000);
	assert_int_equal(sregs(fx, 0)->cr2, 0x7000);
}

static void test_vtl_regs_set_apic_base(void **state)
{
	struct fx *fx = *state;

	vtl1_running(fx);
	assert_int_equal(set64(fx, 0, HV_X64_REGISTER_APIC_BASE, 0xfec00900), -EINVAL);
	assert_int_equal(set64(fx, 0, HV_X64_REGISTER_APIC_BASE, 0xfee00900), 0);
	assert_int_equal(get64(fx, 0, HV_X64_REGISTER_APIC_BASE), 0xfee00900);
	assert_no_calls();
}

static void test_vtl_regs_unknown(void **state)
{
	struct fx *fx = *state;
	union hv_register_value v;

	vtl1_running(fx);
	assert_int_equal(vtl_regs_get(fx->vcpu, 0, 0x12345678, &v), -ENOENT);
	assert_int_equal(set64(fx, 0, 0x12345678, 0), -ENOENT);
	assert_int_equal(set64(fx, 0, HV_X64_REGISTER_MTRR_CAP, 0), -EINVAL);
	assert_no_calls();
}

/*
 * The register name table: every architectural register of
 * OV:hvdef HvX64RegisterName that vtlvm serves has a home, and the names around them
 * do not. The value read is checked elsewhere; here, that the name is held.
 */
static void test_vtl_regs_name_table(void **state)
{
	static const u32 held[] = {
		HV_X64_REGISTER_RAX, HV_X64_REGISTER_RCX, HV_X64_REGISTER_RDX, HV_X64_REGISTER_RBX,
		HV_X64_REGISTER_RSP, HV_X64_REGISTER_RBP, HV_X64_REGISTER_RSI, HV_X64_REGISTER_RDI,
		HV_X64_REGISTER_R8, HV_X64_REGISTER_GPR(9), HV_X64_REGISTER_GPR(10),
		HV_X64_REGISTER_GPR(11), HV_X64_REGISTER_GPR(12), HV_X64_REGISTER_GPR(13),
		HV_X64_REGISTER_GPR(14), HV_X64_REGISTER_R15, HV_X64_REGISTER_RIP,
		HV_X64_REGISTER_RFLAGS, HV_X64_REGISTER_CR0, HV_X64_REGISTER_CR2,
		HV_X64_REGISTER_CR3, HV_X64_REGISTER_CR4, HV_X64_REGISTER_CR8, HV_X64_REGISTER_XFEM,
		HV_X64_REGISTER_DR0, HV_X64_REGISTER_DR1, HV_X64_REGISTER_DR2, HV_X64_REGISTER_DR3,
		HV_X64_REGISTER_DR6, HV_X64_REGISTER_DR7, HV_X64_REGISTER_ES, HV_X64_REGISTER_CS,
		HV_X64_REGISTER_SS, HV_X64_REGISTER_DS, HV_X64_REGISTER_FS, HV_X64_REGISTER_GS,
		HV_X64_REGISTER_LDTR, HV_X64_REGISTER_TR, HV_X64_REGISTER_IDTR,
		HV_X64_REGISTER_GDTR, HV_X64_REGISTER_TSC, HV_X64_REGISTER_EFER,
		HV_X64_REGISTER_KERNEL_GS_BASE, HV_X64_REGISTER_APIC_BASE, HV_X64_REGISTER_PAT,
		HV_X64_REGISTER_SYSENTER_CS, HV_X64_REGISTER_SYSENTER_EIP,
		HV_X64_REGISTER_SYSENTER_ESP, HV_X64_REGISTER_STAR, HV_X64_REGISTER_LSTAR,
		HV_X64_REGISTER_CSTAR, HV_X64_REGISTER_SFMASK, HV_X64_REGISTER_TSC_AUX,
		HV_X64_REGISTER_MTRR_CAP, HV_X64_REGISTER_MTRR_DEF_TYPE,
		HV_X64_REGISTER_MTRR_PHYS_BASE(0), HV_X64_REGISTER_MTRR_PHYS_MASK(7),
		HV_X64_REGISTER_MTRR_FIX64K_00000, HV_X64_REGISTER_MTRR_FIX4K_F8000,
	};
	static const u32 not_held[] = {
		HV_X64_REGISTER_RFLAGS + 1, HV_X64_REGISTER_XMM(0), HV_X64_REGISTER_XFEM + 1,
		HV_X64_REGISTER_DR6 + 2, HV_X64_REGISTER_TR + 1, HV_X64_REGISTER_GDTR + 1,
		HV_X64_REGISTER_INITIAL_APIC_ID, HV_X64_REGISTER_MTRR_PHYS_BASE(8),
		HV_X64_REGISTER_BNDCFGS, HV_X64_REGISTER_S_CET, HV_REGISTER_VP_INDEX,
	};
	struct fx *fx = *state;
	union hv_register_value v;

	vtl1_running(fx);
	for (size_t i = 0; i < ARRAY_SIZE(held); i++)
		if (vtl_regs_get(fx->vcpu, 0, held[i], &v) == -ENOENT)
			fail_msg("register %#x not held", held[i]);
	for (size_t i = 0; i < ARRAY_SIZE(not_held); i++)
		if (vtl_regs_get(fx->vcpu, 0, not_held[i], &v) != -ENOENT)
			fail_msg("register %#x held", not_held[i]);
}

/* ---------------------------------------------------------------------------------------------- */

static void test_vtl_regs_load_context(void **state)
{
	static const struct hv_initial_vp_context c = {
		.rip = 0xfffff800, .rsp = 0x9000, .rflags = 0x200,
		.cs = { .limit = 0xffffffff, .selector = 0x8, .attributes = 0xa09b },
		.ds = { .limit = 0xffffffff, .selector = 0x10, .attributes = 0xc093 },
		.es = { .limit = 0xffffffff, .selector = 0x10, .attributes = 0xc093 },
		.fs = { .base = 0x7000, .attributes = 0 },
		.gs = { .limit = 0xffffffff, .selector = 0x10, .attributes = 0xc093 },
		.ss = { .limit = 0xffffffff, .selector = 0x10, .attributes = 0xc093 },
		.tr = { .base = 0x3000, .limit = 0x67, .selector = 0x18, .attributes = 0x8b },
		.ldtr = { .attributes = 0x82 },
		.idtr = { .limit = 0xfff, .base = 0x4000 },
		.gdtr = { .limit = 0x27, .base = 0x5000 },
		.efer = 0xd01, .cr0 = 0x80010031, .cr3 = 0x6000, .cr4 = 0x40020,
		.msr_cr_pat = 0x0606060606060606,
	};
	static const struct kvm_segment flat = {
		.limit = 0xffffffff, .selector = 0x10, .type = 3,
		.present = 1, .s = 1, .db = 1, .g = 1,
	};
	struct fx *fx = *state;
	struct vcpu_vtl *v = &fx->vcpu->vtl[0];
	struct fake_cpu *k = &fk.cpu[0];
	struct kvm_regs want_regs = k->regs;
	struct kvm_sregs want = k->sregs;	/* CR2, CR8, APIC base... keep their values */

	want_regs.rax = 0x4242;
	want_regs.rip = 0xfffff800;
	want_regs.rsp = 0x9000;
	want_regs.rflags = 0x202;		/* bit 1 forced */
	want.cs = (struct kvm_segment) { .limit = 0xffffffff, .selector = 0x8, .type = 0xb,
					 .present = 1, .s = 1, .l = 1, .g = 1 };
	want.ds = want.es = want.gs = want.ss = flat;
	want.fs = (struct kvm_segment) { .base = 0x7000, .unusable = 1 };
	want.tr = (struct kvm_segment) { .base = 0x3000, .limit = 0x67, .selector = 0x18,
					 .type = 0xb, .present = 1 };
	want.ldt = (struct kvm_segment) { .type = 2, .present = 1 };
	want.idt = (struct kvm_dtable) { .base = 0x4000, .limit = 0xfff };
	want.gdt = (struct kvm_dtable) { .base = 0x5000, .limit = 0x27 };
	want.efer = 0xd01;
	want.cr0 = 0x80010031;
	want.cr3 = 0x6000;
	want.cr4 = 0x40020;

	/* A pending change in the cache reaches KVM before the context is laid over it. */
	assert_int_equal(vtl_regs_sync(v), 0);
	regs(fx, 0)->rax = 0x4242;
	v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	reset_calls();
	assert_int_equal(vtl_regs_load_context(v, &c), 0);
	assert_calls(C(FD0, KVM_SET_REGS), C(FD0, KVM_GET_SREGS), C(FD0, KVM_GET_REGS),
		     C(FD0, KVM_SET_SREGS), C(FD0, KVM_SET_REGS), C(FD0, KVM_SET_MSRS));
	assert_memory_equal(&k->regs, &want_regs, sizeof(want_regs));
	assert_memory_equal(&k->sregs, &want, sizeof(want));
	assert_int_equal(*fake_msr(k, MSR_PAT), 0x0606060606060606);
	/* The cache is stale now: the next sync fetches. */
	assert_false(v->synced);
	assert_int_equal(v->run->kvm_dirty_regs & (KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS), 0);
	reset_calls();
	assert_int_equal(vtl_regs_sync(v), 0);
	assert_calls(C(FD0, KVM_GET_REGS), C(FD0, KVM_GET_SREGS));
	assert_int_equal(regs(fx, 0)->rip, 0xfffff800);
}

static void test_vtl_regs_load_context_refused(void **state)
{
	struct hv_initial_vp_context c = { .cr0 = REFUSED_CR0 };
	struct fx *fx = *state;
	struct vcpu_vtl *v = &fx->vcpu->vtl[1];
	struct fake_cpu before = fk.cpu[1];

	assert_int_equal(vtl_regs_load_context(v, &c), -EINVAL);
	assert_calls(C(FD1, KVM_GET_SREGS), C(FD1, KVM_GET_REGS), C(FD1, KVM_SET_SREGS));
	assert_memory_equal(&fk.cpu[1].regs, &before.regs, sizeof(before.regs));
	assert_memory_equal(&fk.cpu[1].sregs, &before.sregs, sizeof(before.sregs));
}

#define T(f) cmocka_unit_test_setup_teardown(f, vp_setup, vp_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_vtl_regs_get_private_and_shared),
		T(test_vtl_regs_set_private_and_shared),
		T(test_vtl_regs_segment_round_trip),
		T(test_vtl_regs_set_table),
		T(test_vtl_regs_set_cr0_refused),
		T(test_vtl_regs_set_cr2_shared),
		T(test_vtl_regs_set_apic_base),
		T(test_vtl_regs_unknown),
		T(test_vtl_regs_name_table),
		T(test_vtl_regs_load_context),
		T(test_vtl_regs_load_context_refused),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("vtl_regs", tests, NULL, NULL);
}
