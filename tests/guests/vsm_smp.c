// SPDX-License-Identifier: MIT
/*
 * VSM on two VPs, with tests/guests/vtl1/service.c in VTL1 (vm:cpus = 2):
 *   - VTL1 enables VTL1 on VP1 (VTL0 may not); INIT/SIPI from VTL0 to VP1
 *     are then dropped (TLFS "Virtual Processor Startup"): the real-mode
 *     stub they would run never marks its page;
 *   - VTL1 starts VP1 in VTL1 with HvCallStartVirtualProcessor; VP1's VTL1
 *     counts while VP0 runs VTL0: two VPs in two VTLs at once;
 *   - VTL0 starts VP1's VTL0 the same way; it VTL-calls VP1's VTL1;
 *   - while VP1's VTL0 spins with IF=0, a SendSyntheticClusterIpi from VP0's
 *     VTL0 aimed at VTL1, and an APIC IPI from VP0's VTL1, each preempt it;
 *   - HvCallGetVpIndexFromApicId, and StartVp's refusals.
 *
 * Stages: 1 the SIPI stub's mark (0), 2 VP1's VTL1 counted while VP0 ran VTL0
 * (1), 3 refusals checked, 4 VP1's VTL0 got its VTL1's answer, 5 VTL-targeted
 * IPIs seen by VP1's VTL1, 6 VTL1 IPIs seen, 7 VP1's registers intact (0),
 * 8 VP indices for APIC IDs 0 and 1.
 */
#include "synic.h"
#include "vsm.h"
#include "vtl1/service.h"

#define SIPI_STUB	0x9000ULL	/* real-mode code INIT/SIPI would start (vector 9) */
#define SIPI_MARK	0x9100ULL
#define IN_GPA		0xe000ULL
#define OUT_GPA		0xe800ULL
#define SPIN_LIMIT	2000000ULL

static struct svc_shared *const shared = (struct svc_shared *)SVC_SHARED_GPA;
static u8 ap_stack[8192] __attribute__((aligned(16)));
static volatile unsigned long long ap_answer, ap_done, ap_bad;
static unsigned int checked;

#define EXPECT_STATUS(result, want) do {				\
	GUEST_ASSERT_EQ(hv_status(result), (want));			\
	checked++;							\
} while (0)

static u64 call(u64 cmd, u64 a, u64 b)
{
	struct vtl_regs r = { .rdi = cmd, .rsi = a, .rdx = b };

	vtl_call(&r);
	return r.rdi;
}


static void spin_until(volatile unsigned long long *p, u64 min)
{
	for (u64 i = 0; READ_ONCE(*p) < min; i++)
		GUEST_ASSERT(i < SPIN_LIMIT);
}

/*
 * VP1's VTL0, started by StartVirtualProcessor: call into VP1's VTL1, then
 * spin with IF=0 and R12-R15 loaded until VTL1 saw both kinds of IPI.
 */
void ap_vtl0_main(void);
void ap_vtl0_main(void)
{
	struct vtl_regs r = { .rdi = SVC_ADD, .rsi = 0x1000, .rdx = 1 };
	u64 bad;

	idt_install();
	vtl_call(&r);
	ap_answer = r.rdi;
	asm volatile("cli\n\t"
		     "mov $0x1212121212121212, %%r12\n\t"
		     "mov $0x1515151515151515, %%r15\n"
		     "1:\tcmpq $0, (%[a])\n\t"
		     "je 1b\n\t"
		     "cmpq $0, (%[b])\n\t"
		     "je 1b\n\t"
		     "xor %[bad], %[bad]\n\t"
		     "mov $0x1212121212121212, %%rax\n\tcmp %%rax, %%r12\n\tsetne %%al\n\t"
		     "movzbq %%al, %%rax\n\tadd %%rax, %[bad]\n\t"
		     "mov $0x1515151515151515, %%rax\n\tcmp %%rax, %%r15\n\tsetne %%al\n\t"
		     "movzbq %%al, %%rax\n\tadd %%rax, %[bad]"
		     : [bad] "=&r"(bad)
		     : [a] "r"(&shared->vtl0_ipis), [b] "r"(&shared->ipis)
		     : "rax", "r12", "r15", "cc", "memory");
	ap_bad = bad;
	WRITE_ONCE(ap_done, 1);
	for (;;)
		asm volatile("hlt");
}

static void start_vtl1_on_vp1(void)
{
	struct hv_initial_vp_context c;
	u64 n;

	vsm_context_long_mode(&c, 0, 0, 0);
	EXPECT_STATUS(vsm_enable_vp_vtl(1, 1, &c), HV_STATUS_ACCESS_DENIED);	/* VTL0: own VP only */
	EXPECT_STATUS(vsm_start_vp(1, 1, &c), HV_STATUS_ACCESS_DENIED);	/* above VTL0 */
	EXPECT_STATUS(call(SVC_START_VP, 1, 1), HV_STATUS_INVALID_VP_STATE);	/* VTL1 not on VP1 */
	EXPECT_STATUS(call(SVC_ENABLE_VP, 1, 0), HV_STATUS_SUCCESS);
	EXPECT_STATUS(call(SVC_ENABLE_VP, 1, 0), HV_STATUS_VTL_ALREADY_ENABLED);
	/* VP1's VTL0 has not run and VTL1 is enabled there: INIT/SIPI must not start it. */
	smp_sipi_to_mark(SIPI_STUB, SIPI_MARK);
	ref_delay(50);	/* vsm-deny's control sees a started AP far sooner */
	GUEST_SYNC_VAL(1, READ_ONCE(*(volatile u8 *)SIPI_MARK));
	EXPECT_STATUS(call(SVC_START_VP, 1, 1), HV_STATUS_SUCCESS);
	EXPECT_STATUS(call(SVC_START_VP, 1, 1), HV_STATUS_INVALID_VP_STATE);	/* started */
	EXPECT_STATUS(call(SVC_START_VP, 0, 0), HV_STATUS_INVALID_VP_INDEX);	/* itself */
	/* VP1 in VTL1 counts while this VP runs VTL0. */
	spin_until(&shared->ap_state, 1);
	n = READ_ONCE(shared->ap_counter);
	spin_until(&shared->ap_counter, n + 10);
	GUEST_SYNC_VAL(2, 1);
	WRITE_ONCE(shared->ap_release, 1);
	spin_until(&shared->ap_state, 2);
}

static void start_vtl0_on_vp1(void)
{
	struct hv_initial_vp_context c;
	u64 cr3;

	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	vsm_context_long_mode(&c, (u64)ap_vtl0_main, (u64)ap_stack + sizeof(ap_stack) - 8, cr3);
	c.gdtr.base = (u64)guest_gdt;
	EXPECT_STATUS(vsm_start_vp(1, 0, &c), HV_STATUS_SUCCESS);
	EXPECT_STATUS(vsm_start_vp(1, 0, &c), HV_STATUS_INVALID_VP_STATE);
	GUEST_SYNC_VAL(3, checked);
	spin_until(&ap_answer, 1);
	GUEST_SYNC_VAL(4, ap_answer);
}

/* Both ways of interrupting VP1's VTL1 while VP1 runs VTL0. */
static void ipis_to_vp1(void)
{
	u64 in = SVC_VTL0_IPI_VECTOR | (u64)hv_input_vtl(1) << 32;

	EXPECT_STATUS(hv_hypercall(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI | HV_HYPERCALL_FAST_BIT, in,
				   BIT(1)), HV_STATUS_SUCCESS);
	spin_until(&shared->vtl0_ipis, 1);
	GUEST_ASSERT_EQ(call(SVC_IPI, 1, 0), SVC_OK);
	spin_until(&ap_done, 1);
	GUEST_SYNC_VAL(5, READ_ONCE(shared->vtl0_ipis));
	GUEST_SYNC_VAL(6, READ_ONCE(shared->ipis));
	GUEST_SYNC_VAL(7, ap_bad);
	GUEST_ASSERT_EQ(READ_ONCE(*(volatile u8 *)SIPI_MARK), 0);
}

/* HvCallGetVpIndexFromApicId: VP index = APIC ID here; VTL0 may not ask about VTL1. */
static void vp_index_from_apic_id(void)
{
	struct hv_input_get_vp_index_from_apic_id *in = (void *)IN_GPA;
	u32 *ids = (u32 *)(in + 1), *out = (u32 *)OUT_GPA;
	const u64 rep2 = HVCALL_GET_VP_INDEX_FROM_APIC_ID | 2ULL << HV_HYPERCALL_REP_COMP_OFFSET;
	u64 st;

	memset(in, 0, sizeof(*in));
	in->partition_id = HV_PARTITION_ID_SELF;
	ids[0] = 1;
	ids[1] = 0;
	out[0] = out[1] = ~0U;
	EXPECT_STATUS(hv_hypercall(rep2, IN_GPA, OUT_GPA), HV_STATUS_SUCCESS);
	GUEST_SYNC_VAL(8, (u64)out[0] << 32 | out[1]);
	in->target_vtl = 1;
	EXPECT_STATUS(hv_hypercall(rep2, IN_GPA, OUT_GPA), HV_STATUS_ACCESS_DENIED);
	in->target_vtl = 0;
	ids[1] = 7;
	st = hv_hypercall(rep2, IN_GPA, OUT_GPA);
	EXPECT_STATUS(st, HV_STATUS_INVALID_PARAMETER);
	GUEST_ASSERT_EQ(hv_reps(st), 1);
	/* VTL1 may ask about VTL1: enabled on both VPs now. */
	ids[1] = 0;
	in->target_vtl = 1;
	{
		struct vtl_regs r = { .rdi = SVC_HYPERCALL, .rsi = rep2, .rdx = IN_GPA,
				      .r8 = OUT_GPA };

		vtl_call(&r);
		EXPECT_STATUS(r.rdi, HV_STATUS_SUCCESS);
	}
}

void guest_main(void)
{
	struct vtl_regs r;

	GUEST_ASSERT_EQ(bootinfo_nr_cpus(), 2);
	hv_enable_hypercalls();
	vsm_boot_vtl1(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_HELLO);
	start_vtl1_on_vp1();
	start_vtl0_on_vp1();
	ipis_to_vp1();
	vp_index_from_apic_id();
}
