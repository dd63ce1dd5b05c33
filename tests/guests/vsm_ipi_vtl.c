// SPDX-License-Identifier: MIT
/*
 * SendSyntheticClusterIpi(Ex) with a target VTL (TLFS
 * "HvCallSendSyntheticClusterIpi": TargetVtl), with
 * tests/guests/vtl1/service.c in VTL1. Before VTL1 exists, an IPI aimed at
 * it is HV_STATUS_INVALID_VTL_STATE in both forms (whatever the set names),
 * while the same input aimed at VTL0 is accepted. Once VTL1 is enabled,
 * the Ex form (HV_VP_SET, sparse 4K banks) aimed at VTL1 reaches the VPs
 * its set names: none for a set naming only VP 64 (no such VP), and VP0's
 * VTL1 for bank 0 bit 0, which preempts VTL0 (IF=0) with an interrupt entry.
 *
 * Stages: 1 the fast form aimed at VTL1 before it exists (status), 2 the
 * Ex form the same, 3 the Ex form aimed at VTL0 (status); then 4 VTL1's
 * IPIs after an Ex aimed at VP 64's VTL1, 5 after one aimed at VP0's,
 * 6 VTL1's interrupt entries, 7 its last entry reason.
 */
#include "synic.h"
#include "vsm.h"
#include "vtl1/service.h"

#define WAIT_MS		2000	/* a lost IPI is a failure */
#define QUIET_MS	20	/* an IPI that should not come has had its chance */

static struct svc_shared *const shared = (struct svc_shared *)SVC_SHARED_GPA;
static u8 in_page[4096] __attribute__((aligned(4096)));

/* SendSyntheticClusterIpi, fast: RDX = vector | HV_INPUT_VTL << 32, R8 = the VP mask. */
static u64 ipi_fast(u8 input_vtl, u64 mask)
{
	u64 in = SVC_VTL0_IPI_VECTOR | (u64)input_vtl << 32;

	return hv_hypercall(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI | HV_HYPERCALL_FAST_BIT, in, mask);
}

/* SendSyntheticClusterIpiEx with one sparse 4K bank (bank, bits); no bank if bits is 0. */
static u64 ipi_ex(u8 input_vtl, unsigned int bank, u64 bits)
{
	struct hv_input_send_synthetic_cluster_ipi_ex *ex = (void *)in_page;
	u64 nr_banks = bits ? 1 : 0;

	*ex = (struct hv_input_send_synthetic_cluster_ipi_ex) {
		.vector = SVC_VTL0_IPI_VECTOR, .target_vtl = input_vtl,
		.vp_set_format = HV_GENERIC_SET_SPARSE_4K,
		.vp_set_valid_bank_mask = bits ? BIT(bank) : 0,
	};
	ex->vp_set_bank_contents[0] = bits;
	return hv_hypercall(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX |
			    nr_banks << HV_HYPERCALL_VARHEAD_OFFSET, (u64)ex, 0);
}

/* Spin with IF=0 until VTL1 counted want IPIs or ms of reference time pass; the count. */
static u64 wait_ipis(u64 want, u64 ms)
{
	u64 end = hv_ref_time() + ms * REF_MS;

	while (READ_ONCE(shared->vtl0_ipis) < want && hv_ref_time() < end)
		cpu_relax();
	return READ_ONCE(shared->vtl0_ipis);
}

void guest_main(void)
{
	struct vtl_regs r;

	hv_enable_hypercalls();
	GUEST_SYNC_VAL(1, hv_status(ipi_fast(hv_input_vtl(1), BIT(0))));
	GUEST_SYNC_VAL(2, hv_status(ipi_ex(hv_input_vtl(1), 0, BIT(0))));
	GUEST_SYNC_VAL(3, hv_status(ipi_ex(hv_input_vtl(0), 0, 0)));

	vsm_boot_vtl1(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_HELLO);
	asm volatile("cli");
	GUEST_ASSERT_EQ(hv_status(ipi_ex(hv_input_vtl(1), 1, BIT(0))), HV_STATUS_SUCCESS);
	GUEST_SYNC_VAL(4, wait_ipis(1, QUIET_MS));
	GUEST_ASSERT_EQ(hv_status(ipi_ex(hv_input_vtl(1), 0, BIT(0))), HV_STATUS_SUCCESS);
	GUEST_SYNC_VAL(5, wait_ipis(1, WAIT_MS));
	GUEST_SYNC_VAL(6, READ_ONCE(shared->irq_entries));
	GUEST_SYNC_VAL(7, READ_ONCE(shared->last_reason));
}
