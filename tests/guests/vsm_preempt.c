// SPDX-License-Identifier: MIT
/*
 * Interrupts for VTL1 preempt VTL0, whatever VTL0's RFLAGS.IF says; only
 * VTL1's own TPR holds them (TLFS "VTL Interrupt Management"). VTL0 spins
 * with interrupts off and R12-R15 holding patterns; each source below must
 * end the spin by entering VTL1 (entry reason "interrupt"), which handles
 * it and gives VTL0 its registers back untouched:
 *   1. VTL1's APIC timer;                  2. a synthetic timer of VTL1 (direct);
 *   3. HvCallSendSyntheticClusterIpi from VTL0 aimed at VTL1 (its own VP);
 *   4. VTL1's APIC timer while VTL1's TPR masks it: no preemption until
 *      VTL1 lowers its TPR in the next call.
 *
 * Stages: 1-3 the spin's register check (0 = intact) for sources 1-3,
 * 4 the entry reason VTL1 last saw (2), 5 VTL1's interrupt entries,
 * 6 ticks while masked (0), 7 ticks once unmasked (1).
 */
#include "synic.h"
#include "vsm.h"
#include "vtl1/service.h"

#define SPIN_LIMIT	2000000ULL	/* ~30 s of emulated instructions: a hang is a failure */
#define MASKED_SPIN	300ULL		/* one round of the masked wait */
#define MASKED_MS	10		/* well past a 1 ms timer */

static struct svc_shared *const shared = (struct svc_shared *)SVC_SHARED_GPA;

/*
 * Spin until *p != 0 or limit iterations, with R12-R15 loaded; returns how
 * many of them changed (0: VTL1 gave them back) and the iterations in *n.
 */
static u64 spin(volatile unsigned long long *p, u64 limit, u64 *n)
{
	u64 bad, i;

	asm volatile("mov $0x1212121212121212, %%r12\n\t"
		     "mov $0x1313131313131313, %%r13\n\t"
		     "mov $0x1414141414141414, %%r14\n\t"
		     "mov $0x1515151515151515, %%r15\n\t"
		     "xor %[i], %[i]\n"
		     "1:\tcmpq $0, (%[p])\n\t"
		     "jne 2f\n\t"
		     "inc %[i]\n\t"
		     "cmp %[limit], %[i]\n\t"
		     "jb 1b\n"
		     "2:\txor %[bad], %[bad]\n\t"
		     "mov $0x1212121212121212, %%rax\n\tcmp %%rax, %%r12\n\tsetne %%al\n\t"
		     "movzbq %%al, %%rax\n\tadd %%rax, %[bad]\n\t"
		     "mov $0x1313131313131313, %%rax\n\tcmp %%rax, %%r13\n\tsetne %%al\n\t"
		     "movzbq %%al, %%rax\n\tadd %%rax, %[bad]\n\t"
		     "mov $0x1414141414141414, %%rax\n\tcmp %%rax, %%r14\n\tsetne %%al\n\t"
		     "movzbq %%al, %%rax\n\tadd %%rax, %[bad]\n\t"
		     "mov $0x1515151515151515, %%rax\n\tcmp %%rax, %%r15\n\tsetne %%al\n\t"
		     "movzbq %%al, %%rax\n\tadd %%rax, %[bad]"
		     : [bad] "=&r"(bad), [i] "=&r"(i)
		     : [p] "r"(p), [limit] "r"(limit)
		     : "rax", "r12", "r13", "r14", "r15", "cc", "memory");
	*n = i;
	return bad;
}

static void cmd(u64 c, u64 a, u64 b)
{
	struct vtl_regs r = { .rdi = c, .rsi = a, .rdx = b };

	vtl_call(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_OK);
}

static void wait_for(volatile unsigned long long *p, u64 stage)
{
	u64 n, bad = spin(p, SPIN_LIMIT, &n);

	GUEST_ASSERT(*p);
	GUEST_SYNC_VAL(stage, bad);
}

/* SendSyntheticClusterIpi (fast): RDX = vector | target VTL << 32, R8 = the VP mask. */
static void ipi_to_vtl1(void)
{
	u64 in = SVC_VTL0_IPI_VECTOR | (u64)hv_input_vtl(1) << 32;
	u64 st = hv_hypercall(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI | HV_HYPERCALL_FAST_BIT, in, 1);

	GUEST_ASSERT_EQ(hv_status(st), HV_STATUS_SUCCESS);
}

void guest_main(void)
{
	struct vtl_regs r;
	u64 n, t0;

	hv_enable_hypercalls();
	vsm_boot_vtl1(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_HELLO);
	asm volatile("cli");

	cmd(SVC_TIMER, 2000000, 0);		/* 2 ms */
	wait_for(&shared->timer_ticks, 1);
	cmd(SVC_STIMER, 20000, 0);		/* 2 ms in 100 ns units */
	wait_for(&shared->stimer_ticks, 2);
	ipi_to_vtl1();
	wait_for(&shared->vtl0_ipis, 3);
	GUEST_SYNC_VAL(4, READ_ONCE(shared->last_reason));
	GUEST_SYNC_VAL(5, READ_ONCE(shared->irq_entries));

	/* VTL1 masks everything with its TPR: its timer stays pending, VTL0 keeps running. */
	WRITE_ONCE(shared->timer_ticks, 0);
	cmd(SVC_TPR, 0, 15);
	cmd(SVC_TIMER, 1000000, 0);		/* 1 ms */
	t0 = hv_ref_time();
	do {
		spin(&shared->timer_ticks, MASKED_SPIN, &n);
		GUEST_ASSERT_EQ(n, MASKED_SPIN);
	} while (hv_ref_time() - t0 < MASKED_MS * REF_MS);
	GUEST_SYNC_VAL(6, READ_ONCE(shared->timer_ticks));
	cmd(SVC_TPR, 0, 0);			/* VTL1 takes it now, inside this call */
	GUEST_SYNC_VAL(7, READ_ONCE(shared->timer_ticks));
}
