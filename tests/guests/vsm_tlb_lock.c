// SPDX-License-Identifier: MIT
/*
 * TlbLocked (TLFS "HvRegisterVsmVpSecureConfigVtlX"), with
 * tests/guests/vtl1/service.c in VTL1 and two VPs: while VP1's VTL1 holds
 * VTL0's TLB lock on VP1, a HvCallFlushVirtualAddressSpace from VP0's VTL0
 * aimed at VP1 does not complete; it completes once VTL1 clears the bit
 * (VP1 still in VTL1) or returns to VTL0.
 *
 * VP0's VTL0 enables VTL1 on VP1 (through its VTL1) and starts VP1's VTL0,
 * which VTL-calls its VTL1 with SVC_TLB_LOCK when VP0 asks. VP1's VTL1 sets
 * TlbLocked, waits for VP0 to start the flush, holds the lock HOLD_MS more,
 * marks that it lets go (tlb_state 2) and clears the bit or returns. VP0
 * reads tlb_state as soon as its flush returns: 2 means the flush waited
 * for the release; VTL1 reads the flag VP0 sets after the flush returns:
 * not set when the hold ends, set (clear case) before VTL1 returns.
 *
 * Stages: 1 a flush of VP1 with no lock held (status 0); then for clearing
 * the bit (2-5) and for returning (6-9): the flush's status (0), tlb_state
 * when it returned (2), the flush's flag when the hold ended (0), the flag
 * when VTL1 returned (clear: 1, the flush went through in VTL1; return: 0).
 */
#include "synic.h"
#include "vsm.h"
#include "vtl1/service.h"

#define HOLD_MS		50
#define WAIT_MS		5000	/* a hang is a failure */

enum ap_cmd { AP_IDLE, AP_LOCK_CLEAR, AP_LOCK_RETURN, AP_STOP };

static struct svc_shared *const shared = (struct svc_shared *)SVC_SHARED_GPA;
static u8 ap_stack[8192] __attribute__((aligned(16)));
static u8 flush_in[4096] __attribute__((aligned(4096)));
static volatile unsigned long long ap_cmd, ap_ready, ap_done, ap_rsi, ap_rdx, ap_rdi;

/* Spin while *p == from; the new value, or from if WAIT_MS of reference time pass first. */
static u64 wait_change(volatile unsigned long long *p, u64 from)
{
	u64 end = hv_ref_time() + WAIT_MS * REF_MS, v;

	while ((v = READ_ONCE(*p)) == from && hv_ref_time() < end)
		cpu_relax();
	return v;
}

/* VP1's VTL0: the first VTL call starts its VTL1; then SVC_TLB_LOCK as VP0 asks. */
void ap_main(void);
void ap_main(void)
{
	struct vtl_regs r = { 0 };
	u64 cmd;

	idt_install();
	vtl_call(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_HELLO);
	WRITE_ONCE(ap_ready, 1);
	while ((cmd = wait_change(&ap_cmd, AP_IDLE)) != AP_STOP) {
		GUEST_ASSERT(cmd != AP_IDLE);
		r = (struct vtl_regs) {
			.rdi = SVC_TLB_LOCK, .rsi = HOLD_MS,
			.rdx = cmd == AP_LOCK_CLEAR ? SVC_TLB_CLEAR : SVC_TLB_RETURN,
		};
		vtl_call(&r);
		ap_rdi = r.rdi;
		ap_rsi = r.rsi;
		ap_rdx = r.rdx;
		WRITE_ONCE(ap_cmd, AP_IDLE);
		WRITE_ONCE(ap_done, ap_done + 1);
	}
	for (;;)
		asm volatile("cli; hlt");
}

/* HvCallFlushVirtualAddressSpace of VP1 (memory input); the result. */
static u64 flush_vp1(void)
{
	struct hv_input_flush_virtual_address_space *in = (void *)flush_in;

	*in = (struct hv_input_flush_virtual_address_space) {
		.address_space = read_cr3(), .processor_mask = BIT(1),
	};
	return hv_hypercall(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, (u64)in, 0);
}

/*
 * VP1's VTL1 VTL-called with SVC_TLB_LOCK (cmd says how it lets go); this
 * VP flushes VP1 while it holds the lock. Stages first .. first + 3.
 */
static void locked_flush(u64 cmd, u64 first)
{
	u64 done = ap_done, st;

	WRITE_ONCE(shared->tlb_state, 0);
	WRITE_ONCE(shared->flush_started, 0);
	WRITE_ONCE(shared->flush_done, 0);
	WRITE_ONCE(ap_cmd, cmd);
	GUEST_ASSERT_EQ(wait_change(&shared->tlb_state, 0), 1);	/* VP1's VTL1 holds it */
	WRITE_ONCE(shared->flush_started, 1);
	st = flush_vp1();
	GUEST_SYNC_VAL(first, hv_status(st));
	GUEST_SYNC_VAL(first + 1, READ_ONCE(shared->tlb_state));
	WRITE_ONCE(shared->flush_done, 1);
	GUEST_ASSERT_EQ(wait_change(&ap_done, done), done + 1);
	GUEST_ASSERT_EQ(ap_rdi, SVC_OK);
	GUEST_SYNC_VAL(first + 2, ap_rsi);
	GUEST_SYNC_VAL(first + 3, ap_rdx);
}

static void start_vp1(void)
{
	struct hv_initial_vp_context c;
	struct vtl_regs r = { .rdi = SVC_ENABLE_VP, .rsi = 1 };

	/* VP1's VTL1 starts in svc_ap_main on its first entry: let it through at once. */
	WRITE_ONCE(shared->ap_release, 1);
	vtl_call(&r);
	GUEST_ASSERT_EQ(hv_status(r.rdi), HV_STATUS_SUCCESS);
	vsm_context_long_mode(&c, (u64)ap_main, (u64)ap_stack + sizeof(ap_stack) - 8, read_cr3());
	c.gdtr.base = (u64)guest_gdt;
	GUEST_ASSERT_EQ(hv_status(vsm_start_vp(1, 0, &c)), HV_STATUS_SUCCESS);
	GUEST_ASSERT_EQ(wait_change(&ap_ready, 0), 1);
}

void guest_main(void)
{
	struct vtl_regs r;

	GUEST_ASSERT_EQ(bootinfo_nr_cpus(), 2);
	hv_enable_hypercalls();
	vsm_boot_vtl1(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_HELLO);
	start_vp1();
	GUEST_SYNC_VAL(1, hv_status(flush_vp1()));
	locked_flush(AP_LOCK_CLEAR, 2);
	locked_flush(AP_LOCK_RETURN, 6);
	WRITE_ONCE(ap_cmd, AP_STOP);
}
