// SPDX-License-Identifier: MIT
/*
 * The hypercall benchmark guest: N null hypercalls through the hypercall
 * page between two stages. A null hypercall is a fast
 * SendSyntheticClusterIpi with an empty processor mask: the whole dispatch
 * path (decode, checks, handler) with no side effect.
 *
 * Under vtlvm the page is Hyper-V's. Under the bench's bare KVM loop
 * (no Hyper-V CPUID) the guest writes the identical stub itself and the
 * loop treats its `out` as a plain PIO exit: the same guest instructions,
 * minus vtlvm. Command line: "n=<count>" (default 10000).
 */
#include "hv.h"
#include "hv/hcall_stub.h"

static u8 bare_page[4096] __attribute__((aligned(4096)));

void guest_main(void)
{
	static const u8 stub[] = HV_HCALL_STUB_BYTES;
	const u64 control = HVCALL_SEND_SYNTHETIC_CLUSTER_IPI | HV_HYPERCALL_FAST_BIT;
	u64 n = bootinfo_cmdline_u64('n', 10000), result;
	struct hv_cpuid c = { 0 };

	if (hv_detect(&c)) {
		hv_enable_hypercalls();
	} else {
		memcpy(bare_page, stub, sizeof(stub));
		hv_hcall_page = bare_page;
	}
	GUEST_SYNC_VAL(1, n);
	for (u64 i = 0; i < n; i++)
		hv_hypercall_safe(control, 0x20, 0, &result);	/* vector 0x20, no VPs */
	GUEST_SYNC_VAL(2, n);
	if (c.interface)	/* under vtlvm: every call succeeded */
		GUEST_ASSERT_EQ(hv_status(result), HV_STATUS_SUCCESS);
}
