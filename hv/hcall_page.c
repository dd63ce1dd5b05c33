// SPDX-License-Identifier: MIT
#include "hv/hcall_page.h"

#include <string.h>

#include "hv/hcall.h"
#include "hv/hcall_stub.h"

static const u8 hypercall_stub[] = HV_HCALL_STUB_BYTES;
static const u8 vtl_call_stub[] = HV_VTL_STUB_BYTES(HVCALL_VTL_CALL);
static const u8 vtl_return_stub[] = HV_VTL_STUB_BYTES(HVCALL_VTL_RETURN);

_Static_assert(HV_HCALL_STUB_OUT_OFFSET + HV_HCALL_INSN_LEN + 1 + 3 == sizeof(hypercall_stub),
	       "hypercall stub layout");
_Static_assert(HV_VTL_STUB_OUT_OFFSET + HV_HCALL_INSN_LEN + 1 + 2 == sizeof(vtl_call_stub),
	       "VTL stub layout");
_Static_assert(HV_HCALL_STUB_OFFSET + sizeof(hypercall_stub) <= HV_VTL_CALL_STUB_OFFSET &&
	       HV_VTL_CALL_STUB_OFFSET + sizeof(vtl_call_stub) <= HV_VTL_RETURN_STUB_OFFSET,
	       "stubs overlap");

/* The stubs, each at its offset (the VTL ones reported through HvRegisterVsmCodePageOffsets). */
void hv_hcall_page_build(u8 page[HV_PAGE_SIZE])
{
	memset(page, 0xcc, HV_PAGE_SIZE);	/* int3 */
	memcpy(page + HV_HCALL_STUB_OFFSET, hypercall_stub, sizeof(hypercall_stub));
	memcpy(page + HV_VTL_CALL_STUB_OFFSET, vtl_call_stub, sizeof(vtl_call_stub));
	memcpy(page + HV_VTL_RETURN_STUB_OFFSET, vtl_return_stub, sizeof(vtl_return_stub));
}

void hv_hcall_page_enable(struct hv *hv, struct hv_vtl *v)
{
	u8 *page = hv_gpa_page(hv, v->vtl, v->hypercall & HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_MASK);

	if (!page)
		return;	/* the MSR write checked this; nothing to do if it changed */
	memcpy(v->hypercall_saved, page, HV_PAGE_SIZE);
	hv_hcall_page_build(page);
}

void hv_hcall_page_disable(struct hv *hv, struct hv_vtl *v)
{
	u8 *page = hv_gpa_page(hv, v->vtl, v->hypercall & HV_X64_MSR_HYPERCALL_PAGE_ADDRESS_MASK);

	if (page && (v->hypercall & HV_X64_MSR_HYPERCALL_ENABLE))
		memcpy(page, v->hypercall_saved, HV_PAGE_SIZE);
	v->hypercall &= ~HV_X64_MSR_HYPERCALL_ENABLE;
}
