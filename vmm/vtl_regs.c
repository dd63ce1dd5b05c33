// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "vtl: " fmt
#include "vmm/vtl_regs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/cpuid.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/x86.h"
#include "vtl/lapic.h"
#include "vtl/vtl.h"

#define XSAVE_HDR_BV		512	/* XSTATE_BV in the XSAVE header */
#define XSAVE_LEGACY_SHARED	416	/* FXSAVE image through XMM15 */
#define XFEATURE_X87_SSE	(BIT(0) | BIT(1))
#define XCR_XFEATURE_ENABLED_MASK 0

/* A vCPU ioctl made for a VTL switch: counted (bench vtl_switch_ioctls). */
#define switch_ioctl(vcpu, fd, cmd, arg) ({ (vcpu)->switch_ioctls++; kvm_sys_ioctl(fd, cmd, arg); })

/* ---- XSAVE layout --------------------------------------------------------------------------- */

/*
 * The components the TLFS shares ("x87, XMM, AVX") beyond the legacy area
 * (xsave_shared[0], set in vtl_regs_init): AVX and AVX-512 state.
 */
static const u32 shared_ext_features[] = { 2, 5, 6, 7 };

int vtl_regs_init(struct vm *vm)
{
	struct kvm_cpuid_entry2 *xcr0 = cpuid_find(vm->cpuid, 0xd, 0);
	int size = caps_value(&vm->caps, CAP_XSAVE2);

	if (vm->xsave_size)
		return 0;
	vm->xsave_size = MAX((size_t)size, sizeof(struct kvm_xsave));
	vm->xsave_shared[0] = (struct xsave_component) { 0, 0, XSAVE_LEGACY_SHARED };
	vm->nr_xsave_shared = 1;
	vm->xsave_shared_mask = XFEATURE_X87_SSE;
	for (size_t i = 0; xcr0 && i < ARRAY_SIZE(shared_ext_features); i++) {
		u32 f = shared_ext_features[i];
		struct kvm_cpuid_entry2 *e = cpuid_find(vm->cpuid, 0xd, f);

		if (!(xcr0->eax & BIT(f)) || !e || !e->eax || e->ebx + e->eax > vm->xsave_size)
			continue;
		vm->xsave_shared[vm->nr_xsave_shared++] = (struct xsave_component) {
			f, e->ebx, e->eax,
		};
		vm->xsave_shared_mask |= BIT(f);
	}
	return 0;
}

/* ---- The register cache in kvm_run ------------------------------------------------------------ */

int vtl_regs_sync(struct vcpu_vtl *v)
{
	struct kvm_sync_regs *s = &v->run->s.regs;
	int ret;

	if (v->synced)
		return 0;
	ret = kvm_sys_ioctl(v->fd, KVM_GET_REGS, &s->regs);
	if (ret >= 0)
		ret = kvm_sys_ioctl(v->fd, KVM_GET_SREGS, &s->sregs);
	if (ret < 0)
		return ret;
	v->run->kvm_valid_regs |= VTL_SYNC_REGS;
	v->synced = true;
	return 0;
}

void vtl_regs_invalidate(struct vcpu_vtl *v)
{
	v->synced = false;
	v->run->kvm_dirty_regs &= ~(u64)VTL_SYNC_REGS;
}

/* Push cached changes into KVM now (before ioctls that read or replace the same state). */
static int flush_cache(struct vcpu_vtl *v)
{
	struct kvm_sync_regs *s = &v->run->s.regs;
	int ret = 0;

	if (v->run->kvm_dirty_regs & KVM_SYNC_X86_REGS)
		ret = kvm_sys_ioctl(v->fd, KVM_SET_REGS, &s->regs);
	if (ret >= 0 && (v->run->kvm_dirty_regs & KVM_SYNC_X86_SREGS))
		ret = kvm_sys_ioctl(v->fd, KVM_SET_SREGS, &s->sregs);
	if (ret < 0)
		return ret;
	v->run->kvm_dirty_regs &= ~(u64)VTL_SYNC_REGS;
	return 0;
}

/* ---- The switch ------------------------------------------------------------------------------ */

/* TLFS "Shared State": every GPR but RSP. */
static void copy_gprs(const struct kvm_regs *f, struct kvm_regs *t)
{
	u64 rsp = t->rsp, rip = t->rip, rflags = t->rflags;

	*t = *f;
	t->rsp = rsp, t->rip = rip, t->rflags = rflags;
}

/* The shared state a vCPU holds before its first switch: fetch it once. */
static int shared_load(struct vcpu *vcpu, struct vcpu_vtl *v)
{
	struct vm *vm = vcpu->vm;
	struct kvm_xcrs xcrs = { 0 };
	int ret;

	if (!v->shared.xsave) {
		v->shared.xsave = calloc(1, vm->xsave_size);
		if (!v->shared.xsave)
			return -ENOMEM;
	}
	ret = switch_ioctl(vcpu, v->fd, KVM_GET_XSAVE2, (struct kvm_xsave *)v->shared.xsave);
	if (ret >= 0)
		ret = switch_ioctl(vcpu, v->fd, KVM_GET_DEBUGREGS, &v->shared.dr);
	if (ret >= 0 && caps_has(&vm->caps, CAP_XCRS))
		ret = switch_ioctl(vcpu, v->fd, KVM_GET_XCRS, &xcrs);
	if (ret < 0)
		return ret;
	for (u32 i = 0; i < xcrs.nr_xcrs; i++)
		if (xcrs.xcrs[i].xcr == XCR_XFEATURE_ENABLED_MASK)
			v->shared.xcr0 = xcrs.xcrs[i].value;
	v->shared.valid = true;
	return 0;
}

static u64 xsave_bv(const u8 *x)
{
	u64 bv;

	memcpy(&bv, x + XSAVE_HDR_BV, sizeof(bv));
	return bv;
}

/* Do the shared components of two XSAVE images differ? */
static bool xsave_differs(const struct vm *vm, const u8 *a, const u8 *b)
{
	if ((xsave_bv(a) ^ xsave_bv(b)) & vm->xsave_shared_mask)
		return true;
	for (unsigned int i = 0; i < vm->nr_xsave_shared; i++) {
		const struct xsave_component *c = &vm->xsave_shared[i];

		if (memcmp(a + c->offset, b + c->offset, c->size))
			return true;
	}
	return false;
}

/* x87/SSE/AVX: read the outgoing VTL's, write the incoming one's only if they differ. */
static int switch_fpu(struct vcpu *vcpu, struct vcpu_vtl *src, struct vcpu_vtl *dst)
{
	struct vm *vm = vcpu->vm;
	u8 *s = src->shared.xsave, *d = dst->shared.xsave;
	u64 bv;
	int ret = switch_ioctl(vcpu, src->fd, KVM_GET_XSAVE2, (struct kvm_xsave *)s);

	if (ret < 0 || !xsave_differs(vm, s, d))
		return ret < 0 ? ret : 0;
	for (unsigned int i = 0; i < vm->nr_xsave_shared; i++) {
		const struct xsave_component *c = &vm->xsave_shared[i];

		memcpy(d + c->offset, s + c->offset, c->size);
	}
	bv = (xsave_bv(d) & ~vm->xsave_shared_mask) | (xsave_bv(s) & vm->xsave_shared_mask);
	memcpy(d + XSAVE_HDR_BV, &bv, sizeof(bv));
	ret = switch_ioctl(vcpu, dst->fd, KVM_SET_XSAVE, (struct kvm_xsave *)d);
	return ret < 0 ? ret : 0;
}

/* DR0-DR3 are shared; DR6 (Dr6Shared = 0) and DR7 stay the incoming vCPU's own. */
static int switch_dr(struct vcpu *vcpu, struct vcpu_vtl *src, struct vcpu_vtl *dst)
{
	int ret = switch_ioctl(vcpu, src->fd, KVM_GET_DEBUGREGS, &src->shared.dr);

	if (ret < 0 || !memcmp(src->shared.dr.db, dst->shared.dr.db, sizeof(dst->shared.dr.db)))
		return ret < 0 ? ret : 0;
	memcpy(dst->shared.dr.db, src->shared.dr.db, sizeof(dst->shared.dr.db));
	ret = switch_ioctl(vcpu, dst->fd, KVM_SET_DEBUGREGS, &dst->shared.dr);
	return ret < 0 ? ret : 0;
}

/*
 * XCR0 changes only through XSETBV, which needs CR4.OSXSAVE: read it only if
 * the outgoing VTL had OSXSAVE when it came in or has it now. (A VTL that
 * sets OSXSAVE, runs XSETBV and clears OSXSAVE again within one stay is not
 * seen; no known guest does that.)
 */
static int switch_xcr0(struct vcpu *vcpu, struct vcpu_vtl *src, struct vcpu_vtl *dst)
{
	struct kvm_xcrs xcrs = { 0 };
	int ret;

	if (!caps_has(&vcpu->vm->caps, CAP_XCRS))
		return 0;
	if (src->shared.osxsave || (src->run->s.regs.sregs.cr4 & X86_CR4_OSXSAVE)) {
		ret = switch_ioctl(vcpu, src->fd, KVM_GET_XCRS, &xcrs);
		if (ret < 0)
			return ret;
		for (u32 i = 0; i < xcrs.nr_xcrs; i++)
			if (xcrs.xcrs[i].xcr == XCR_XFEATURE_ENABLED_MASK)
				src->shared.xcr0 = xcrs.xcrs[i].value;
	}
	dst->shared.osxsave = dst->run->s.regs.sregs.cr4 & X86_CR4_OSXSAVE;
	if (src->shared.xcr0 == dst->shared.xcr0)
		return 0;
	xcrs = (struct kvm_xcrs) {
		.nr_xcrs = 1, .xcrs[0] = { .xcr = XCR_XFEATURE_ENABLED_MASK, .value = src->shared.xcr0 },
	};
	ret = switch_ioctl(vcpu, dst->fd, KVM_SET_XCRS, &xcrs);
	if (ret < 0)
		return ret;
	dst->shared.xcr0 = src->shared.xcr0;
	return 0;
}

/* ---- MTRRs --------------------------------------------------------------------------------- */

static int mtrr_index(u32 msr)
{
	int n = 0;

	for (unsigned int i = 0; i < vtl_shared_regs_count; i++) {
		if (vtl_shared_regs[i].kind != VTL_SHARED_MTRR)
			continue;
		if (vtl_shared_regs[i].msr == msr)
			return n;
		n++;
	}
	return -1;
}

bool vtl_regs_is_mtrr(u32 msr)
{
	return mtrr_index(msr) >= 0;
}

struct msr_list {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e[VTL_NR_MTRRS];
};

static void mtrr_list(struct msr_list *l, const u64 *vals)
{
	unsigned int n = 0;

	memset(l, 0, sizeof(*l));
	for (unsigned int i = 0; i < vtl_shared_regs_count; i++)
		if (vtl_shared_regs[i].kind == VTL_SHARED_MTRR) {
			l->e[n].index = vtl_shared_regs[i].msr;
			l->e[n].data = vals ? vals[n] : 0;
			n++;
		}
	l->hdr.nmsrs = n;
}

/* MTRRs are written rarely (firmware, early boot): a generation says who holds the latest. */
static int switch_mtrr(struct vcpu *vcpu, struct vcpu_vtl *src, struct vcpu_vtl *dst)
{
	struct msr_list l;
	int ret;

	if (!vcpu->mtrr_gen) {
		mtrr_list(&l, NULL);
		ret = switch_ioctl(vcpu, src->fd, KVM_GET_MSRS, &l.hdr);
		if (ret < 0)
			return ret;
		for (int i = 0; i < ret; i++)
			vcpu->mtrr[i] = l.e[i].data;
		vcpu->mtrr_gen = 1;
		src->shared.mtrr_gen = 1;
	}
	if (dst->shared.mtrr_gen == vcpu->mtrr_gen)
		return 0;
	mtrr_list(&l, vcpu->mtrr);
	ret = switch_ioctl(vcpu, dst->fd, KVM_SET_MSRS, &l.hdr);
	if (ret < 0)
		return ret;
	dst->shared.mtrr_gen = vcpu->mtrr_gen;
	return 0;
}

int vtl_regs_mtrr_write(struct vcpu *vcpu, u32 msr, u64 val)
{
	struct vcpu_vtl *v = &vcpu->vtl[vcpu->cur_vtl];
	int i = mtrr_index(msr);

	/* KVM checks the value as it would for the guest; refused means #GP. */
	if (i < 0 || vcpu_set_msr(v->fd, msr, val))
		return -EPERM;
	if (vcpu->mtrr_gen) {
		vcpu->mtrr[i] = val;
		v->shared.mtrr_gen = ++vcpu->mtrr_gen;
	}
	return 0;
}

int vtl_regs_switch(struct vcpu *vcpu, u8 from, u8 to)
{
	struct vcpu_vtl *src = &vcpu->vtl[from], *dst = &vcpu->vtl[to];
	struct kvm_sregs *ss, *ds;
	int ret;

	ret = vtl_regs_sync(src);
	if (!ret)
		ret = vtl_regs_sync(dst);
	if (!ret && !src->shared.valid)
		ret = shared_load(vcpu, src);
	if (!ret && !dst->shared.valid)
		ret = shared_load(vcpu, dst);
	if (ret)
		return ret;
	copy_gprs(&src->run->s.regs.regs, &dst->run->s.regs.regs);
	dst->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	ss = &src->run->s.regs.sregs, ds = &dst->run->s.regs.sregs;
	if (ds->cr2 != ss->cr2) {
		ds->cr2 = ss->cr2;
		dst->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	}
	ret = switch_xcr0(vcpu, src, dst);
	if (!ret)
		ret = switch_fpu(vcpu, src, dst);
	if (!ret)
		ret = switch_dr(vcpu, src, dst);
	if (!ret)
		ret = switch_mtrr(vcpu, src, dst);
	vcpu->nr_switches++;
	return ret;
}

/* ---- HvCallGet/SetVpRegisters ----------------------------------------------------------------- */

enum reg_kind { R_GPR, R_SEG, R_DT, R_SREG64, R_MSR, R_DR, R_XCR0, R_MTRR };

struct reg_desc {
	u32 name;
	enum reg_kind kind;
	bool shared;		/* TLFS "Shared State": the active VTL's copy is the register */
	u32 arg;		/* offset into kvm_regs/kvm_sregs, MSR index, DR number */
};

#define GPR(n, f)	{ HV_X64_REGISTER_GPR(n), R_GPR, true, offsetof(struct kvm_regs, f) }
#define SEG(n, f)	{ n, R_SEG, false, offsetof(struct kvm_sregs, f) }
#define MSR(n, m)	{ n, R_MSR, false, m }

static const struct reg_desc reg_table[] = {
	GPR(0, rax), GPR(1, rcx), GPR(2, rdx), GPR(3, rbx),
	{ HV_X64_REGISTER_RSP, R_GPR, false, offsetof(struct kvm_regs, rsp) },
	GPR(5, rbp), GPR(6, rsi), GPR(7, rdi), GPR(8, r8), GPR(9, r9), GPR(10, r10),
	GPR(11, r11), GPR(12, r12), GPR(13, r13), GPR(14, r14), GPR(15, r15),
	{ HV_X64_REGISTER_RIP, R_GPR, false, offsetof(struct kvm_regs, rip) },
	{ HV_X64_REGISTER_RFLAGS, R_GPR, false, offsetof(struct kvm_regs, rflags) },
	{ HV_X64_REGISTER_CR0, R_SREG64, false, offsetof(struct kvm_sregs, cr0) },
	{ HV_X64_REGISTER_CR2, R_SREG64, true, offsetof(struct kvm_sregs, cr2) },
	{ HV_X64_REGISTER_CR3, R_SREG64, false, offsetof(struct kvm_sregs, cr3) },
	{ HV_X64_REGISTER_CR4, R_SREG64, false, offsetof(struct kvm_sregs, cr4) },
	{ HV_X64_REGISTER_CR8, R_SREG64, false, offsetof(struct kvm_sregs, cr8) },
	{ HV_X64_REGISTER_XFEM, R_XCR0, true, 0 },
	{ HV_X64_REGISTER_DR0, R_DR, true, 0 }, { HV_X64_REGISTER_DR1, R_DR, true, 1 },
	{ HV_X64_REGISTER_DR2, R_DR, true, 2 }, { HV_X64_REGISTER_DR3, R_DR, true, 3 },
	{ HV_X64_REGISTER_DR6, R_DR, false, 6 }, { HV_X64_REGISTER_DR7, R_DR, false, 7 },
	SEG(HV_X64_REGISTER_ES, es), SEG(HV_X64_REGISTER_CS, cs), SEG(HV_X64_REGISTER_SS, ss),
	SEG(HV_X64_REGISTER_DS, ds), SEG(HV_X64_REGISTER_FS, fs), SEG(HV_X64_REGISTER_GS, gs),
	SEG(HV_X64_REGISTER_LDTR, ldt), SEG(HV_X64_REGISTER_TR, tr),
	{ HV_X64_REGISTER_IDTR, R_DT, false, offsetof(struct kvm_sregs, idt) },
	{ HV_X64_REGISTER_GDTR, R_DT, false, offsetof(struct kvm_sregs, gdt) },
	MSR(HV_X64_REGISTER_TSC, MSR_IA32_TSC),
	{ HV_X64_REGISTER_EFER, R_SREG64, false, offsetof(struct kvm_sregs, efer) },
	MSR(HV_X64_REGISTER_KERNEL_GS_BASE, 0xc0000102),
	{ HV_X64_REGISTER_APIC_BASE, R_SREG64, false, offsetof(struct kvm_sregs, apic_base) },
	MSR(HV_X64_REGISTER_PAT, MSR_IA32_CR_PAT),
	MSR(HV_X64_REGISTER_SYSENTER_CS, 0x174), MSR(HV_X64_REGISTER_SYSENTER_EIP, 0x176),
	MSR(HV_X64_REGISTER_SYSENTER_ESP, 0x175), MSR(HV_X64_REGISTER_STAR, 0xc0000081),
	MSR(HV_X64_REGISTER_LSTAR, 0xc0000082), MSR(HV_X64_REGISTER_CSTAR, 0xc0000083),
	MSR(HV_X64_REGISTER_SFMASK, 0xc0000084), MSR(HV_X64_REGISTER_TSC_AUX, 0xc0000103),
	{ HV_X64_REGISTER_MTRR_CAP, R_MSR, true, 0xfe },
};

/* The MTRR register names map onto vtl_shared_regs' MTRR rows. */
static bool mtrr_reg(u32 name, struct reg_desc *d)
{
	for (unsigned int i = 0; i < vtl_shared_regs_count; i++)
		if (vtl_shared_regs[i].kind == VTL_SHARED_MTRR && vtl_shared_regs[i].hv_name == name) {
			*d = (struct reg_desc) { name, R_MTRR, true, vtl_shared_regs[i].msr };
			return true;
		}
	return false;
}

static bool reg_lookup(u32 name, struct reg_desc *d)
{
	for (size_t i = 0; i < ARRAY_SIZE(reg_table); i++)
		if (reg_table[i].name == name) {
			*d = reg_table[i];
			return true;
		}
	return mtrr_reg(name, d);
}

/* HV_X64_SEGMENT_REGISTER attributes <-> KVM's unpacked fields (TLFS "HV_X64_SEGMENT_REGISTER"). */
static void seg_to_hv(const struct kvm_segment *s, struct hv_x64_segment_register *h)
{
	*h = (struct hv_x64_segment_register) {
		.base = s->base, .limit = s->limit, .selector = s->selector,
		.attributes = (s->type & 0xf) | s->s << 4 | (s->dpl & 3) << 5 |
			      (s->present && !s->unusable) << 7 | s->avl << 12 | s->l << 13 |
			      s->db << 14 | s->g << 15,
	};
}

static void seg_from_hv(const struct hv_x64_segment_register *h, struct kvm_segment *s)
{
	u16 a = h->attributes;

	*s = (struct kvm_segment) {
		.base = h->base, .limit = h->limit, .selector = h->selector,
		.type = a & 0xf, .s = (a >> 4) & 1, .dpl = (a >> 5) & 3, .present = (a >> 7) & 1,
		.avl = (a >> 12) & 1, .l = (a >> 13) & 1, .db = (a >> 14) & 1, .g = (a >> 15) & 1,
		.unusable = !((a >> 7) & 1),
	};
}

static int msr_get(struct vcpu_vtl *v, u32 msr, u64 *val)
{
	return vcpu_get_msr(v->fd, msr, val) ? -EINVAL : 0;
}

static int msr_set(struct vcpu_vtl *v, u32 msr, u64 val)
{
	return vcpu_set_msr(v->fd, msr, val) ? -EINVAL : 0;
}

static int dr_get(struct vcpu_vtl *v, struct kvm_debugregs *dr)
{
	int ret = kvm_sys_ioctl(v->fd, KVM_GET_DEBUGREGS, dr);

	return ret < 0 ? ret : 0;
}

static u64 dr_value(const struct kvm_debugregs *dr, u32 n)
{
	return n < 4 ? dr->db[n] : n == 6 ? dr->dr6 : dr->dr7;
}

static int xcr0_get(struct vcpu_vtl *v, u64 *val)
{
	struct kvm_xcrs xcrs = { 0 };
	int ret = kvm_sys_ioctl(v->fd, KVM_GET_XCRS, &xcrs);

	*val = 0;
	for (u32 i = 0; ret >= 0 && i < xcrs.nr_xcrs; i++)
		if (xcrs.xcrs[i].xcr == XCR_XFEATURE_ENABLED_MASK)
			*val = xcrs.xcrs[i].value;
	return ret < 0 ? ret : 0;
}

/* The vCPU a register lives in: the target VTL's, or for a shared register the running VTL's. */
static struct vcpu_vtl *reg_home(struct vcpu *vcpu, u8 vtl, const struct reg_desc *d)
{
	return &vcpu->vtl[d->shared ? vcpu->cur_vtl : vtl];
}

/* The register's description and the vCPU it lives in, with its cache current. */
static int reg_find(struct vcpu *vcpu, u8 vtl, u32 name, struct reg_desc *d, struct vcpu_vtl **h)
{
	if (!reg_lookup(name, d))
		return -ENOENT;
	*h = reg_home(vcpu, vtl, d);
	if ((*h)->fd < 0)
		return -EINVAL;
	return vtl_regs_sync(*h);
}

int vtl_regs_get(struct vcpu *vcpu, u8 vtl, u32 name, union hv_register_value *v)
{
	struct reg_desc d;
	struct vcpu_vtl *h;
	struct kvm_debugregs dr;
	int ret = reg_find(vcpu, vtl, name, &d, &h);

	if (ret)
		return ret;
	memset(v, 0, sizeof(*v));
	switch (d.kind) {
	case R_GPR:
		memcpy(&v->reg64, (u8 *)&h->run->s.regs.regs + d.arg, sizeof(u64));
		return 0;
	case R_SREG64:
		memcpy(&v->reg64, (u8 *)&h->run->s.regs.sregs + d.arg, sizeof(u64));
		return 0;
	case R_SEG:
		seg_to_hv((void *)((u8 *)&h->run->s.regs.sregs + d.arg), &v->segment);
		return 0;
	case R_DT: {
		const struct kvm_dtable *t = (void *)((u8 *)&h->run->s.regs.sregs + d.arg);

		v->table.base = t->base;
		v->table.limit = t->limit;
		return 0;
	}
	case R_MSR:
	case R_MTRR:
		return msr_get(h, d.arg, &v->reg64);
	case R_DR:
		ret = dr_get(h, &dr);
		if (!ret)
			v->reg64 = dr_value(&dr, d.arg);
		return ret;
	case R_XCR0:
		return xcr0_get(h, &v->reg64);
	}
	return -ENOENT;
}

/* Segment and control registers: KVM validates them, so apply them now rather than at KVM_RUN. */
static int sregs_set(struct vcpu_vtl *h, const struct reg_desc *d, const union hv_register_value *v)
{
	struct kvm_sregs sr = h->run->s.regs.sregs;
	int ret;

	if (d->kind == R_SEG) {
		seg_from_hv(&v->segment, (void *)((u8 *)&sr + d->arg));
	} else if (d->kind == R_DT) {
		struct kvm_dtable *t = (void *)((u8 *)&sr + d->arg);

		t->base = v->table.base;
		t->limit = v->table.limit;
	} else if (d->name == HV_X64_REGISTER_APIC_BASE) {
		/* As OpenHCL: the APIC cannot be moved or switched through this path. */
		return v->reg64 == sr.apic_base ? 0 : -EINVAL;
	} else {
		memcpy((u8 *)&sr + d->arg, &v->reg64, sizeof(u64));
	}
	ret = kvm_sys_ioctl(h->fd, KVM_SET_SREGS, &sr);
	if (ret < 0)
		return -EINVAL;
	h->run->s.regs.sregs = sr;
	h->run->kvm_dirty_regs &= ~(u64)KVM_SYNC_X86_SREGS;
	return 0;
}

static int dr_set(struct vcpu_vtl *h, u32 n, u64 val)
{
	struct kvm_debugregs dr;
	int ret = dr_get(h, &dr);

	if (ret)
		return ret;
	if (n < 4)
		dr.db[n] = val;
	else if (n == 6)
		dr.dr6 = val;
	else
		dr.dr7 = val;
	if (kvm_sys_ioctl(h->fd, KVM_SET_DEBUGREGS, &dr) < 0)
		return -EINVAL;
	if (h->shared.valid)
		h->shared.dr = dr;
	return 0;
}

static int xcr0_set(struct vcpu_vtl *h, u64 val)
{
	struct kvm_xcrs xcrs = {
		.nr_xcrs = 1, .xcrs[0] = { .xcr = XCR_XFEATURE_ENABLED_MASK, .value = val },
	};

	if (kvm_sys_ioctl(h->fd, KVM_SET_XCRS, &xcrs) < 0)
		return -EINVAL;
	h->shared.xcr0 = val;
	return 0;
}

int vtl_regs_set(struct vcpu *vcpu, u8 vtl, u32 name, const union hv_register_value *v)
{
	struct reg_desc d;
	struct vcpu_vtl *h;
	int ret = reg_find(vcpu, vtl, name, &d, &h);

	if (ret)
		return ret;
	switch (d.kind) {
	case R_GPR:
		memcpy((u8 *)&h->run->s.regs.regs + d.arg, &v->reg64, sizeof(u64));
		h->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
		return 0;
	case R_SREG64:
	case R_SEG:
	case R_DT:
		return sregs_set(h, &d, v);
	case R_MSR:
		return name == HV_X64_REGISTER_MTRR_CAP ? -EINVAL : msr_set(h, d.arg, v->reg64);
	case R_MTRR:
		return vtl_regs_mtrr_write(vcpu, d.arg, v->reg64) ? -EINVAL : 0;
	case R_DR:
		return dr_set(h, d.arg, v->reg64);
	case R_XCR0:
		return xcr0_set(h, v->reg64);
	}
	return -ENOENT;
}

/* ---- HV_INITIAL_VP_CONTEXT ---------------------------------------------------------------------- */

int vtl_regs_load_context(struct vcpu_vtl *v, const struct hv_initial_vp_context *c)
{
	struct kvm_sregs sr;
	struct kvm_regs r;
	int ret = flush_cache(v);

	if (!ret)
		ret = kvm_sys_ioctl(v->fd, KVM_GET_SREGS, &sr);
	if (!ret)
		ret = kvm_sys_ioctl(v->fd, KVM_GET_REGS, &r);
	if (ret < 0)
		return ret;
	seg_from_hv(&c->cs, &sr.cs);
	seg_from_hv(&c->ds, &sr.ds);
	seg_from_hv(&c->es, &sr.es);
	seg_from_hv(&c->fs, &sr.fs);
	seg_from_hv(&c->gs, &sr.gs);
	seg_from_hv(&c->ss, &sr.ss);
	seg_from_hv(&c->tr, &sr.tr);
	seg_from_hv(&c->ldtr, &sr.ldt);
	sr.idt = (struct kvm_dtable) { .base = c->idtr.base, .limit = c->idtr.limit };
	sr.gdt = (struct kvm_dtable) { .base = c->gdtr.base, .limit = c->gdtr.limit };
	sr.efer = c->efer;
	sr.cr0 = c->cr0;
	sr.cr3 = c->cr3;
	sr.cr4 = c->cr4;
	/* TLFS "HV_INITIAL_VP_CONTEXT": the rest keeps its value; RFLAGS bit 1 is fixed. */
	r.rip = c->rip;
	r.rsp = c->rsp;
	r.rflags = c->rflags | BIT(1);
	ret = kvm_sys_ioctl(v->fd, KVM_SET_SREGS, &sr);
	if (ret >= 0)
		ret = kvm_sys_ioctl(v->fd, KVM_SET_REGS, &r);
	if (ret >= 0)
		ret = msr_set(v, MSR_IA32_CR_PAT, c->msr_cr_pat);
	if (ret < 0)
		return -EINVAL;
	vtl_regs_invalidate(v);
	return 0;
}
