/* SPDX-License-Identifier: MIT */
/*
 * hv/hcall_page.h -- the hypercall page (TLFS "Establishing the Hypercall
 * Interface").
 *
 * vtlvm writes the page itself. Its stub does not use VMCALL, which KVM
 * consumes: it checks CPL (hypercalls from CPL > 0 are #UD), then traps to
 * the VMM with `out %al, $HV_HCALL_PORT`, an instruction that exits to
 * userspace with every general-purpose and XMM register intact:
 *
 *   0x00  pushf; push %rax; mov %cs,%eax; test $3,%al; pop %rax; jnz 1f
 *   0x09  popf; out %al,$0xe4; ret
 *   0x0d  1: popf; ud2
 *
 * The same bytes work in 64-bit and 32-bit protected mode. The 64-bit VTL
 * call and VTL return stubs follow at HV_VTL_CALL_STUB_OFFSET and
 * HV_VTL_RETURN_STUB_OFFSET (TLFS "VTL Call": found through
 * HvRegisterVsmCodePageOffsets), in every VTL's page. The page is an
 * overlay: the RAM beneath it is saved when it is enabled and put back when
 * it is disabled or moved. The rest of the page is int3. The stub's bytes
 * are in hv/hcall_stub.h.
 */
#ifndef VTLVM_HCALL_PAGE_H
#define VTLVM_HCALL_PAGE_H

#include "hv/hv.h"

#define HV_HCALL_STUB_OFFSET	0x00

/* Install the page at v->hypercall's GPN (which must be RAM); saves what it covers. */
void hv_hcall_page_enable(struct hv *hv, struct hv_vtl *v);
/* Remove it and restore the RAM; clears the enable bit. */
void hv_hcall_page_disable(struct hv *hv, struct hv_vtl *v);
/* The page's contents (for tests). */
void hv_hcall_page_build(u8 page[HV_PAGE_SIZE]);

#endif /* VTLVM_HCALL_PAGE_H */
