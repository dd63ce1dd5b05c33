// SPDX-License-Identifier: MIT
/*
 * vmm/vtl_regs.c against a fake KVM behind the ioctl seam: the VTL switch
 * (GPRs through sync_regs, CR2, XCR0, x87/SSE/AVX, DR0-DR3, MTRRs, and the
 * exact ioctls each costs), HvCallGet/SetVpRegisters on a lower VTL, and
 * HV_INITIAL_VP_CONTEXT loading. One VP with two VTL vCPUs, fds 100 (VTL0)
 * and 101 (VTL1); the fake holds each vCPU's state and logs every ioctl.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hv/tlfs.h"
#include "vmm/cpuid.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/vtl_regs.h"
#include "vtl/vtl.h"

#define FD0		100
#define FD1		101
#define RUN_SIZE	8192
#define XSAVE_SIZE	4096	/* sizeof(struct kvm_xsave); what CAP_XSAVE2 reports here */
#define OFF_XMM0	160	/* FXSAVE XMM0 */
#define OFF_RSVD	450	/* FXSAVE bytes 416-511: not architectural state, not shared */
#define OFF_BV		512	/* XSAVE header: XSTATE_BV */
#define OFF_AVX		576	/* CPUID 0xD.2 */
#define SIZE_AVX	256
#define OFF_PKRU	2688	/* CPUID 0xD.9: not shared (TLFS shares x87, XMM, AVX) */
#define CR4_OSXSAVE	(1ULL << 18)
#define MSR_PAT		0x277
#define REFUSED_MSR	0xbadULL	/* the fake KVM_SET_MSRS refuses this value */
#define REFUSED_CR0	0x60000010ULL	/* the fake KVM_SET_SREGS refuses this CR0 */

/* ---------------------------------------------------------------------------------------------- */

struct fake_msr {
	u32 index;
	u64 data;
};

struct fake_cpu {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	u8 xsave[XSAVE_SIZE];
	struct kvm_debugregs dr;
	u64 xcr0;
	struct fake_msr msr[64];
	unsigned int nr_msrs;
};

struct call {
	int fd;
	unsigned long cmd;
};

static struct {
	struct fake_cpu cpu[2];
	struct call calls[64];
	unsigned int nr_calls;
} fk;

static struct fake_cpu *fake_cpu(int fd)
{
	assert_in_range(fd, FD0, FD1);
	return &fk.cpu[fd - FD0];
}

static u64 *fake_msr(struct fake_cpu *c, u32 index)
{
	for (unsigned int i = 0; i < c->nr_msrs; i++)
		if (c->msr[i].index == index)
			return &c->msr[i].data;
	assert_true(c->nr_msrs < ARRAY_SIZE(c->msr));
	c->msr[c->nr_msrs] = (struct fake_msr) { .index = index };
	return &c->msr[c->nr_msrs++].data;
}

static u64 xsave_bv_of(const u8 *x)
{
	u64 bv;

	memcpy(&bv, x + OFF_BV, sizeof(bv));
	return bv;
}

static void set_xsave_bv(u8 *x, u64 bv)
{
	memcpy(x + OFF_BV, &bv, sizeof(bv));
}

/* The ioctls that read or replace one piece of a vCPU's state whole. */
static const struct {
	unsigned long get, set;
	size_t offset, size;
} plain_state[] = {
	{ KVM_GET_REGS, KVM_SET_REGS, offsetof(struct fake_cpu, regs), sizeof(struct kvm_regs) },
	{ KVM_GET_SREGS, KVM_SET_SREGS, offsetof(struct fake_cpu, sregs),
	  sizeof(struct kvm_sregs) },
	{ KVM_GET_XSAVE2, KVM_SET_XSAVE, offsetof(struct fake_cpu, xsave), XSAVE_SIZE },
	{ KVM_GET_DEBUGREGS, KVM_SET_DEBUGREGS, offsetof(struct fake_cpu, dr),
	  sizeof(struct kvm_debugregs) },
};

int __wrap_kvm_sys_ioctl_raw(int fd, unsigned long cmd, const char *name, void *arg)
{
	struct fake_cpu *c = fake_cpu(fd);
	struct kvm_msrs *msrs = arg;
	struct kvm_xcrs *xcrs = arg;

	assert_true(fk.nr_calls < ARRAY_SIZE(fk.calls));
	fk.calls[fk.nr_calls++] = (struct call) { fd, cmd };
	if (cmd == KVM_SET_SREGS && ((struct kvm_sregs *)arg)->cr0 == REFUSED_CR0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(plain_state); i++) {
		u8 *state = (u8 *)c + plain_state[i].offset;

		if (cmd == plain_state[i].get)
			memcpy(arg, state, plain_state[i].size);
		else if (cmd == plain_state[i].set)
			memcpy(state, arg, plain_state[i].size);
		else
			continue;
		return 0;
	}
	switch (cmd) {
	case KVM_GET_XCRS:
		memset(xcrs, 0, sizeof(*xcrs));
		xcrs->nr_xcrs = 1;
		xcrs->xcrs[0].value = c->xcr0;
		return 0;
	case KVM_SET_XCRS:
		assert_int_equal(xcrs->nr_xcrs, 1);
		assert_int_equal(xcrs->xcrs[0].xcr, 0);
		c->xcr0 = xcrs->xcrs[0].value;
		return 0;
	case KVM_GET_MSRS:
		for (u32 i = 0; i < msrs->nmsrs; i++)
			msrs->entries[i].data = *fake_msr(c, msrs->entries[i].index);
		return (int)msrs->nmsrs;
	case KVM_SET_MSRS:
		/* As KVM: stop at the first MSR refused, return how many were written. */
		for (u32 i = 0; i < msrs->nmsrs; i++) {
			if (msrs->entries[i].data == REFUSED_MSR)
				return (int)i;
			*fake_msr(c, msrs->entries[i].index) = msrs->entries[i].data;
		}
		return (int)msrs->nmsrs;
	}
	fail_msg("unexpected ioctl %s on fd %d", name, fd);
	return -ENOTTY;
}

static void print_calls(const struct call *w, unsigned int n)
{
	print_message("got:\n");
	for (unsigned int i = 0; i < fk.nr_calls; i++)
		print_message("  %d %#lx\n", fk.calls[i].fd, fk.calls[i].cmd);
	print_message("want:\n");
	for (unsigned int i = 0; i < n; i++)
		print_message("  %d %#lx\n", w[i].fd, w[i].cmd);
}

/* The ioctls made since the last reset_calls(), exactly and in order. */
static void assert_calls_(const struct call *w, unsigned int n)
{
	bool same = fk.nr_calls == n;

	for (unsigned int i = 0; same && i < n; i++)
		same = fk.calls[i].fd == w[i].fd && fk.calls[i].cmd == w[i].cmd;
	if (!same)
		print_calls(w, n);
	assert_true(same);
}

#define assert_calls(...) do {							\
	const struct call w_[] = { __VA_ARGS__ };				\
	assert_calls_(w_, ARRAY_SIZE(w_));					\
} while (0)
#define assert_no_calls()	assert_int_equal(fk.nr_calls, 0)
#define C(fd, cmd)		{ fd, cmd }

static void reset_calls(void)
{
	fk.nr_calls = 0;
}

static unsigned int count_calls(unsigned long cmd)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < fk.nr_calls; i++)
		n += fk.calls[i].cmd == cmd;
	return n;
}

/*
 * The vCPUs' state before the tests change it. The shared state is equal in
 * both (so switching costs only the reads) except where noted; every GPR,
 * DR6/DR7 and the private XSAVE bytes differ.
 */
static void fake_cpu_init(struct fake_cpu *c, unsigned int n)
{
	u64 *gpr = (u64 *)&c->regs;

	memset(c, 0, sizeof(*c));
	for (unsigned int i = 0; i < sizeof(c->regs) / sizeof(u64); i++)
		gpr[i] = (u64)(n + 1) << 56 | (u64)(i + 1) << 8;
	c->regs.rflags = 0x2 | (u64)n << 11;
	c->sregs.cr0 = 0x80050033;
	c->sregs.cr2 = 0x7000;
	c->sregs.cr3 = 0x100000 + n * 0x1000;
	c->sregs.cr4 = 0x20;			/* PAE, no OSXSAVE */
	c->sregs.efer = 0x500;
	c->sregs.apic_base = 0xfee00900;
	c->sregs.cs = (struct kvm_segment) { .limit = 0xffffffff, .selector = 0x10, .type = 0xb,
					     .present = 1, .s = 1, .l = 1, .g = 1 };
	for (unsigned int i = 0; i < 416; i++)
		c->xsave[i] = (u8)(i * 7);
	memset(c->xsave + OFF_AVX, 0xa0, SIZE_AVX);
	c->xsave[OFF_RSVD] = n ? 0x77 : 0x11;
	set_xsave_bv(c->xsave, n ? 0x207 : 0x7);	/* VTL1 also has PKRU state */
	if (n)
		memset(c->xsave + OFF_PKRU, 0x55, 4);
	c->dr = (struct kvm_debugregs) {
		.db = { 0x1000, 0x2000, 0x3000, 0x4000 },
		.dr6 = n ? 0xffff4ff0 : 0xffff0ff0,
		.dr7 = n ? 0x401 : 0x400,
	};
	c->xcr0 = 0x7;
	for (unsigned int i = 0; i < vtl_shared_regs_count; i++)
		if (vtl_shared_regs[i].kind == VTL_SHARED_MTRR)
			*fake_msr(c, vtl_shared_regs[i].msr) =
				n ? 0 : 0x1000 + vtl_shared_regs[i].msr;
	*fake_msr(c, MSR_PAT) = 0x0007040600070406;
}

/* ---------------------------------------------------------------------------------------------- */

struct fx {
	struct vm *vm;
	struct vcpu *vcpu;
};

#define XSAVE_LEAF(i, a, b) { .function = 0xd, .index = i,			\
			     .flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX, .eax = a, .ebx = b }

static const struct kvm_cpuid_entry2 xsave_leaves[] = {
	/* XCR0-supported: x87, SSE, AVX, Hi16_ZMM (6) and PKRU (9), but not 5. */
	XSAVE_LEAF(0, 0x7 | BIT(6) | BIT(9), 0),
	XSAVE_LEAF(2, SIZE_AVX, OFF_AVX),
	XSAVE_LEAF(5, 64, 1088),	/* not in XCR0: skipped */
	XSAVE_LEAF(6, 512, 3840),	/* beyond the XSAVE2 size: skipped */
	XSAVE_LEAF(9, 8, OFF_PKRU),	/* not shared */
};

static struct kvm_cpuid2 *fake_cpuid(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + sizeof(xsave_leaves));

	assert_non_null(c);
	c->nent = ARRAY_SIZE(xsave_leaves);
	memcpy(c->entries, xsave_leaves, sizeof(xsave_leaves));
	return c;
}

static int vp_setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	memset(&fk, 0, sizeof(fk));
	fake_cpu_init(&fk.cpu[0], 0);
	fake_cpu_init(&fk.cpu[1], 1);
	fx->vm = calloc(1, sizeof(*fx->vm));
	fx->vcpu = calloc(1, sizeof(*fx->vcpu));
	assert_non_null(fx->vm);
	assert_non_null(fx->vcpu);
	fx->vm->caps.value[CAP_XCRS] = 1;
	fx->vm->caps.value[CAP_XSAVE2] = XSAVE_SIZE;
	fx->vm->cpuid = fake_cpuid();
	assert_int_equal(vtl_regs_init(fx->vm), 0);
	fx->vcpu->vm = fx->vm;
	for (u8 i = 0; i < 2; i++) {
		struct vcpu_vtl *v = &fx->vcpu->vtl[i];

		v->vcpu = fx->vcpu;
		v->level = i;
		v->fd = FD0 + i;
		v->run = calloc(1, RUN_SIZE);
		assert_non_null(v->run);
	}
	*state = fx;
	return 0;
}

static int vp_teardown(void **state)
{
	struct fx *fx = *state;

	for (unsigned int i = 0; i < 2; i++) {
		free(fx->vcpu->vtl[i].run);
		free(fx->vcpu->vtl[i].shared.xsave);
	}
	free(fx->vm->cpuid);
	free(fx->vm);
	free(fx->vcpu);
	free(fx);
	return 0;
}

static struct kvm_regs *regs(struct fx *fx, unsigned int vtl)
{
	return &fx->vcpu->vtl[vtl].run->s.regs.regs;
}

static struct kvm_sregs *sregs(struct fx *fx, unsigned int vtl)
{
	return &fx->vcpu->vtl[vtl].run->s.regs.sregs;
}

static u64 dirty(struct fx *fx, unsigned int vtl)
{
	return fx->vcpu->vtl[vtl].run->kvm_dirty_regs;
}

/* Switch and make the ioctl log start after it. */
static void switch_ok(struct fx *fx, u8 from, u8 to)
{
	assert_int_equal(vtl_regs_switch(fx->vcpu, from, to), 0);
	fx->vcpu->cur_vtl = to;
	reset_calls();
}

/* The first switch 0 -> 1 and back, so both vCPUs hold the shared state and ran once. */
static void round_trip(struct fx *fx)
{
	switch_ok(fx, 0, 1);
	switch_ok(fx, 1, 0);
}

/* ---------------------------------------------------------------------------------------------- */

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

/* ---------------------------------------------------------------------------------------------- */

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
 * The register name table: every architectural register REFERENCE.md §4
 * lists (OV:hvdef HvX64RegisterName) has a home, and the names around them
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
	return cmocka_run_group_tests_name("vtl_switch", tests, NULL, NULL);
}
