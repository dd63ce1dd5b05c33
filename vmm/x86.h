/* SPDX-License-Identifier: MIT */
/*
 * vmm/x86.h -- the architectural bits and MSR numbers the VMM touches (Intel
 * SDM vol. 3A: 2.5 control registers, 2.2.1 EFER, 2.3 RFLAGS; vol. 4 MSRs).
 * The APIC's are in vtl/lapic.h, Hyper-V's in hv/tlfs.h.
 */
#ifndef VTLVM_X86_H
#define VTLVM_X86_H

#include "vmm/types.h"

#define X86_CR0_PE		BIT(0)
#define X86_CR0_MP		BIT(1)
#define X86_CR0_ET		BIT(4)
#define X86_CR0_NE		BIT(5)
#define X86_CR0_WP		BIT(16)
#define X86_CR0_PG		BIT(31)
#define X86_CR4_PAE		BIT(5)
#define X86_CR4_PGE		BIT(7)
#define X86_CR4_OSFXSR		BIT(9)
#define X86_CR4_OSXMMEXCPT	BIT(10)
#define X86_CR4_OSXSAVE		BIT(18)
#define X86_RFLAGS_IF		BIT(9)
#define X86_RFLAGS_VM		BIT(17)
#define EFER_LME		BIT(8)
#define EFER_LMA		BIT(10)
#define EFER_NXE		BIT(11)

#define MSR_IA32_TSC		0x10
#define MSR_IA32_CR_PAT		0x277

#endif /* VTLVM_X86_H */
