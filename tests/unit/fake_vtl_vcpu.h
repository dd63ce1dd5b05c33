/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/fake_vtl_vcpu.h -- one VP with two VTL vCPUs behind a fake KVM
 * at the ioctl seam, for vmm/vtl_regs.c: fds 100 (VTL0) and 101 (VTL1). The
 * fake holds each vCPU's state (regs, sregs, XSAVE, debug registers, XCR0,
 * MSRs) and logs every ioctl, so a test can assert the exact ioctls a switch
 * or a register access costs (assert_calls). vp_setup/vp_teardown build the
 * struct vm and struct vcpu around them.
 */
#ifndef VTLVM_FAKE_VTL_VCPU_H
#define VTLVM_FAKE_VTL_VCPU_H

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

static inline struct fake_cpu *fake_cpu(int fd)
{
	assert_in_range(fd, FD0, FD1);
	return &fk.cpu[fd - FD0];
}

static inline u64 *fake_msr(struct fake_cpu *c, u32 index)
{
	for (unsigned int i = 0; i < c->nr_msrs; i++)
		if (c->msr[i].index == index)
			return &c->msr[i].data;
	assert_true(c->nr_msrs < ARRAY_SIZE(c->msr));
	c->msr[c->nr_msrs] = (struct fake_msr) { .index = index };
	return &c->msr[c->nr_msrs++].data;
}

static inline u64 xsave_bv_of(const u8 *x)
{
	u64 bv;

	memcpy(&bv, x + OFF_BV, sizeof(bv));
	return bv;
}

static inline void set_xsave_bv(u8 *x, u64 bv)
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

static inline void print_calls(const struct call *w, unsigned int n)
{
	print_message("got:\n");
	for (unsigned int i = 0; i < fk.nr_calls; i++)
		print_message("  %d %#lx\n", fk.calls[i].fd, fk.calls[i].cmd);
	print_message("want:\n");
	for (unsigned int i = 0; i < n; i++)
		print_message("  %d %#lx\n", w[i].fd, w[i].cmd);
}

/* The ioctls made since the last reset_calls(), exactly and in order. */
static inline void assert_calls_(const struct call *w, unsigned int n)
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

static inline void reset_calls(void)
{
	fk.nr_calls = 0;
}

static inline unsigned int count_calls(unsigned long cmd)
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
static inline void fake_cpu_init(struct fake_cpu *c, unsigned int n)
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

static inline struct kvm_cpuid2 *fake_cpuid(void)
{
	struct kvm_cpuid2 *c = calloc(1, sizeof(*c) + sizeof(xsave_leaves));

	assert_non_null(c);
	c->nent = ARRAY_SIZE(xsave_leaves);
	memcpy(c->entries, xsave_leaves, sizeof(xsave_leaves));
	return c;
}

static inline int vp_setup(void **state)
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

static inline int vp_teardown(void **state)
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

static inline struct kvm_regs *regs(struct fx *fx, unsigned int vtl)
{
	return &fx->vcpu->vtl[vtl].run->s.regs.regs;
}

static inline struct kvm_sregs *sregs(struct fx *fx, unsigned int vtl)
{
	return &fx->vcpu->vtl[vtl].run->s.regs.sregs;
}

static inline u64 dirty(struct fx *fx, unsigned int vtl)
{
	return fx->vcpu->vtl[vtl].run->kvm_dirty_regs;
}

/* Switch and make the ioctl log start after it. */
static inline void switch_ok(struct fx *fx, u8 from, u8 to)
{
	assert_int_equal(vtl_regs_switch(fx->vcpu, from, to), 0);
	fx->vcpu->cur_vtl = to;
	reset_calls();
}

/* The first switch 0 -> 1 and back, so both vCPUs hold the shared state and ran once. */
static inline void round_trip(struct fx *fx)
{
	switch_ok(fx, 0, 1);
	switch_ok(fx, 1, 0);
}

#endif
