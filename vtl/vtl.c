// SPDX-License-Identifier: MIT
/* The VTL state of one VP (vtl/vtl.h). */
#include "vtl/vtl.h"

#include <errno.h>

void vtl_vp_init(struct vtl_vp *s, u8 max_vtl)
{
	*s = (struct vtl_vp) { .max_vtl = max_vtl, .runnable = BIT(0) };
	atomic_store(&s->enabled, BIT(0));
}

bool vtl_vp_enabled(const struct vtl_vp *s, u8 vtl)
{
	return vtl <= s->max_vtl &&
	       (atomic_load_explicit(&s->enabled, memory_order_acquire) &
		BIT(vtl));
}

void vtl_vp_enable(struct vtl_vp *s, u8 vtl)
{
	atomic_fetch_or_explicit(&s->enabled, (u8)BIT(vtl), memory_order_release);
}

u8 vtl_vp_pick(const struct vtl_vp *s)
{
	return 31 - __builtin_clz(s->runnable | 1);
}

/* TLFS "VTL Call": "switches to the next higher VTL"; there must be one enabled on this VP. */
int vtl_vp_call(struct vtl_vp *s)
{
	u8 to = s->active + 1;

	if (!vtl_vp_enabled(s, to))
		return -EINVAL;
	s->runnable |= BIT(to);
	s->entry_reason[to] = HV_VTL_ENTRY_VTL_CALL;
	return to;
}

/* TLFS "VTL Return": only a VTL above 0 can return; the VP falls back to the next runnable. */
int vtl_vp_return(struct vtl_vp *s)
{
	if (!s->active)
		return -EINVAL;
	s->runnable &= ~BIT(s->active);
	return vtl_vp_pick(s);
}

/* TLFS "Interrupts": an interrupt for a higher VTL preempts the lower one. */
bool vtl_vp_raise(struct vtl_vp *s, u8 vtl, u8 reason)
{
	if (vtl <= s->active || !vtl_vp_enabled(s, vtl) || (s->runnable & BIT(vtl)))
		return false;
	s->runnable |= BIT(vtl);
	s->entry_reason[vtl] = reason;
	return true;
}

void vtl_vp_set_active(struct vtl_vp *s, u8 vtl)
{
	s->active = vtl;
}

#define GPR(n, reg)	{ #reg, HV_X64_REGISTER_GPR(n), VTL_SHARED_GPR, 0 }
#define MTRR(name, hv, msr) { name, hv, VTL_SHARED_MTRR, msr }

/*
 * TLFS "Virtual Processor State Isolation", "Shared State": RAX..R15 but
 * RSP, CR2, DR0-DR3 (DR6 with Dr6Shared only), x87/XMM/AVX state, XCR0,
 * MTRRs and the shared synthetic registers. MCG_CAP/MCG_STATUS are shared
 * too; KVM owns them and vtlvm advertises no machine check, so they stay
 * as KVM keeps them per vCPU.
 */
const struct vtl_shared_reg vtl_shared_regs[] = {
	GPR(0, rax), GPR(1, rcx), GPR(2, rdx), GPR(3, rbx),
	GPR(5, rbp), GPR(6, rsi), GPR(7, rdi),
	GPR(8, r8), GPR(9, r9), GPR(10, r10), GPR(11, r11),
	GPR(12, r12), GPR(13, r13), GPR(14, r14), GPR(15, r15),
	{ "cr2", HV_X64_REGISTER_CR2, VTL_SHARED_CR2, 0 },
	{ "dr0", HV_X64_REGISTER_DR0, VTL_SHARED_DR, 0 },
	{ "dr1", HV_X64_REGISTER_DR1, VTL_SHARED_DR, 0 },
	{ "dr2", HV_X64_REGISTER_DR2, VTL_SHARED_DR, 0 },
	{ "dr3", HV_X64_REGISTER_DR3, VTL_SHARED_DR, 0 },
	{ "x87/sse/avx", 0, VTL_SHARED_FPU, 0 },
	{ "xcr0", HV_X64_REGISTER_XFEM, VTL_SHARED_XCR0, 0 },
	MTRR("mtrr_def_type", HV_X64_REGISTER_MTRR_DEF_TYPE, 0x2ff),
	MTRR("mtrr_fix64k_00000", HV_X64_REGISTER_MTRR_FIX64K_00000, 0x250),
	MTRR("mtrr_fix16k_80000", HV_X64_REGISTER_MTRR_FIX64K_00000 + 1, 0x258),
	MTRR("mtrr_fix16k_a0000", HV_X64_REGISTER_MTRR_FIX64K_00000 + 2, 0x259),
	MTRR("mtrr_fix4k_c0000", HV_X64_REGISTER_MTRR_FIX64K_00000 + 3, 0x268),
	MTRR("mtrr_fix4k_c8000", HV_X64_REGISTER_MTRR_FIX64K_00000 + 4, 0x269),
	MTRR("mtrr_fix4k_d0000", HV_X64_REGISTER_MTRR_FIX64K_00000 + 5, 0x26a),
	MTRR("mtrr_fix4k_d8000", HV_X64_REGISTER_MTRR_FIX64K_00000 + 6, 0x26b),
	MTRR("mtrr_fix4k_e0000", HV_X64_REGISTER_MTRR_FIX64K_00000 + 7, 0x26c),
	MTRR("mtrr_fix4k_e8000", HV_X64_REGISTER_MTRR_FIX64K_00000 + 8, 0x26d),
	MTRR("mtrr_fix4k_f0000", HV_X64_REGISTER_MTRR_FIX64K_00000 + 9, 0x26e),
	MTRR("mtrr_fix4k_f8000", HV_X64_REGISTER_MTRR_FIX4K_F8000, 0x26f),
	/* Variable-range MTRRs: as many pairs as MTRRcap.VCNT says (KVM: 8). */
	MTRR("mtrr_phys_base0", HV_X64_REGISTER_MTRR_PHYS_BASE(0), 0x200),
	MTRR("mtrr_phys_mask0", HV_X64_REGISTER_MTRR_PHYS_MASK(0), 0x201),
	MTRR("mtrr_phys_base1", HV_X64_REGISTER_MTRR_PHYS_BASE(1), 0x202),
	MTRR("mtrr_phys_mask1", HV_X64_REGISTER_MTRR_PHYS_MASK(1), 0x203),
	MTRR("mtrr_phys_base2", HV_X64_REGISTER_MTRR_PHYS_BASE(2), 0x204),
	MTRR("mtrr_phys_mask2", HV_X64_REGISTER_MTRR_PHYS_MASK(2), 0x205),
	MTRR("mtrr_phys_base3", HV_X64_REGISTER_MTRR_PHYS_BASE(3), 0x206),
	MTRR("mtrr_phys_mask3", HV_X64_REGISTER_MTRR_PHYS_MASK(3), 0x207),
	MTRR("mtrr_phys_base4", HV_X64_REGISTER_MTRR_PHYS_BASE(4), 0x208),
	MTRR("mtrr_phys_mask4", HV_X64_REGISTER_MTRR_PHYS_MASK(4), 0x209),
	MTRR("mtrr_phys_base5", HV_X64_REGISTER_MTRR_PHYS_BASE(5), 0x20a),
	MTRR("mtrr_phys_mask5", HV_X64_REGISTER_MTRR_PHYS_MASK(5), 0x20b),
	MTRR("mtrr_phys_base6", HV_X64_REGISTER_MTRR_PHYS_BASE(6), 0x20c),
	MTRR("mtrr_phys_mask6", HV_X64_REGISTER_MTRR_PHYS_MASK(6), 0x20d),
	MTRR("mtrr_phys_base7", HV_X64_REGISTER_MTRR_PHYS_BASE(7), 0x20e),
	MTRR("mtrr_phys_mask7", HV_X64_REGISTER_MTRR_PHYS_MASK(7), 0x20f),
	/* Synthetic: one object per partition or VP in hv/, seen by every VTL alike. */
	{ "vp_index", HV_REGISTER_VP_INDEX, VTL_SHARED_SYNTHETIC, HV_X64_MSR_VP_INDEX },
	{ "vp_runtime", HV_REGISTER_VP_RUNTIME, VTL_SHARED_SYNTHETIC, HV_X64_MSR_VP_RUNTIME },
	{ "time_ref_count", HV_REGISTER_TIME_REF_COUNT, VTL_SHARED_SYNTHETIC,
	  HV_X64_MSR_TIME_REF_COUNT },
	{ "tsc_frequency", 0, VTL_SHARED_SYNTHETIC, HV_X64_MSR_TSC_FREQUENCY },
};
const unsigned int vtl_shared_regs_count = ARRAY_SIZE(vtl_shared_regs);
_Static_assert(ARRAY_SIZE(vtl_shared_regs) == 15 + 1 + 4 + 2 + VTL_NR_MTRRS + 4,
	       "vtl_shared_regs: VTL_NR_MTRRS must count its MTRR rows");
