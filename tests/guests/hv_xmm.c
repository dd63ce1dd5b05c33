// SPDX-License-Identifier: MIT
/*
 * XMM fast hypercalls end to end (TLFS "XMM Fast Hypercall Input", "XMM Fast
 * Hypercall Output"): the input block is RDX, R8, XMM0-5; output starts at
 * the first register after the input, rounded up to 16 bytes.
 *
 * Each row says whether it needs XMM input (more than 16 bytes of input)
 * and XMM output; the guest reads CPUID 0x40000003 EDX and expects #UD for
 * a row whose feature is withheld, the row's result and output otherwise.
 * Values written through SetVpRegisters must read back through
 * GetVpRegisters and through the MSRs. The IPI rows send vector 0x40 to VP
 * 0 and 1 (a VP index with no VP behind it is skipped); every VP counts.
 *
 * Stages: 1 features, 2 rows, 3 rows that raised #UD, 4 IPIs the BSP took;
 * with 2 vCPUs, 5 the vector of the AP's own fast GetVpRegisters, 6 the VP
 * index it read (~0 after #UD), 7 IPIs the AP took.
 */
#include "hv.h"

#define FAST		HV_HYPERCALL_FAST_BIT
#define REP(n)		((u64)(n) << HV_HYPERCALL_REP_COMP_OFFSET)
#define VARHEAD(n)	((u64)(n) << HV_HYPERCALL_VARHEAD_OFFSET)
#define DONE(n)		((u64)(n) << HV_HYPERCALL_REP_COMP_OFFSET)
#define GET(n)		(HVCALL_GET_VP_REGISTERS | FAST | REP(n))
#define SET(n)		(HVCALL_SET_VP_REGISTERS | FAST | REP(n))
#define IPI_EX		(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX | FAST)
#define IPI		(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI | FAST)
#define SELF		HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF	/* RDX, R8: this VP, VTL 0 */
#define PAIR(a, b)	((u64)(a) | (u64)(b) << 32)		/* two register names */
#define ASSOC(name, v)	(name), 0, (v), 0			/* hv_register_assoc, 4 qwords */

#define VP_INDEX	HV_REGISTER_VP_INDEX
#define OS_ID_NAME	HV_REGISTER_GUEST_OS_ID
#define TIME		HV_REGISTER_TIME_REF_COUNT
#define SINT(n)		HV_REGISTER_SINT(n)
#define STIMER0_COUNT	HV_REGISTER_STIMER_COUNT(0)
#define OS_ID		HV_LINUX_GUEST_ID
#define SINT_VALUE(n)	(HV_SYNIC_SINT_MASKED | 0x30 | (n))	/* masked: nothing fires */
#define COUNT_VALUE	777
#define IPI_VECTOR	0x40
#define VPS_0_1		0x3

/* Output values the guest works out at run time. */
#define DYN_VP_INDEX	0xd1a3a1c0ffee0001ULL	/* apic_id() */
#define DYN_TIME	0xd1a3a1c0ffee0002ULL	/* between TIME_REF_COUNT before and after */

struct xmm_row {
	u64 control;
	u64 in[14];		/* RDX, R8, XMM0-5 (low, high) */
	bool xin, xout;		/* needs XMM input / output */
	u64 result;
	u8 out_reg;		/* first output XMM register */
	u64 out[4];		/* low qwords of the output registers (high ones: 0) */
	u8 ipis;		/* interrupts each VP takes from the call */
};

static const struct xmm_row rows[] = {
	/* GetVpRegisters: 20 and 28 bytes of input round up to 32, so output starts at XMM1 */
	{ .control = GET(1), .in = { SELF, VP_INDEX }, .xin = true, .xout = true,
	  .result = DONE(1), .out_reg = 1, .out = { DYN_VP_INDEX } },
	{ .control = GET(4), .in = { SELF, PAIR(VP_INDEX, OS_ID_NAME), PAIR(SINT(2), TIME) },
	  .xin = true, .xout = true, .result = DONE(4), .out_reg = 1,
	  .out = { DYN_VP_INDEX, OS_ID, SINT_VALUE(2), DYN_TIME } },
	{ .control = GET(3), .in = { SELF, PAIR(SINT(2), SINT(3)), OS_ID_NAME },
	  .xin = true, .xout = true, .result = DONE(3), .out_reg = 1,
	  .out = { SINT_VALUE(2), SINT_VALUE(3), OS_ID } },
	/* 36 bytes round up to 48: 48 + 5 * 16 is more than the 112 of RDX, R8, XMM0-5 */
	{ .control = GET(5), .in = { SELF, PAIR(VP_INDEX, VP_INDEX), PAIR(VP_INDEX, VP_INDEX),
	  VP_INDEX }, .xin = true, .xout = true, .result = HV_STATUS_INVALID_HYPERCALL_INPUT },
	/* SetVpRegisters: 16 + 32 bytes per register, at most 3 */
	{ .control = SET(1), .in = { SELF, ASSOC(SINT(4), SINT_VALUE(4)) }, .xin = true,
	  .result = DONE(1) },
	{ .control = SET(3), .in = { SELF, ASSOC(SINT(6), SINT_VALUE(6)),
	  ASSOC(SINT(7), SINT_VALUE(7)), ASSOC(STIMER0_COUNT, COUNT_VALUE) }, .xin = true,
	  .result = DONE(3) },
	{ .control = SET(4), .in = { SELF }, .xin = true,
	  .result = HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ .control = GET(4), .in = { SELF, PAIR(SINT(4), SINT(6)), PAIR(SINT(7), STIMER0_COUNT) },
	  .xin = true, .xout = true, .result = DONE(4), .out_reg = 1,
	  .out = { SINT_VALUE(4), SINT_VALUE(6), SINT_VALUE(7), COUNT_VALUE } },
	/* SendSyntheticClusterIpiEx: sparse set {0, 1} in a variable header, or all VPs */
	{ .control = IPI_EX | VARHEAD(1), .in = { IPI_VECTOR, HV_GENERIC_SET_SPARSE_4K, 1,
	  VPS_0_1 }, .xin = true, .result = HV_STATUS_SUCCESS, .ipis = 1 },
	{ .control = IPI_EX, .in = { IPI_VECTOR, HV_GENERIC_SET_ALL, 0 }, .xin = true,
	  .result = HV_STATUS_SUCCESS, .ipis = 1 },
	{ .control = IPI_EX | VARHEAD(1), .in = { 0x0f, HV_GENERIC_SET_SPARSE_4K, 1, VPS_0_1 },
	  .xin = true, .result = HV_STATUS_INVALID_PARAMETER },
	/* SendSyntheticClusterIpi fits RDX and R8: no XMM needed */
	{ .control = IPI, .in = { IPI_VECTOR, VPS_0_1 }, .result = HV_STATUS_SUCCESS, .ipis = 1 },
};

/* What SetVpRegisters wrote, read through the MSRs. */
static const struct {
	u32 msr;
	u64 value, reset;
} msr_after[] = {
	{ HV_X64_MSR_SINT(4),		SINT_VALUE(4),	HV_SYNIC_SINT_MASKED },
	{ HV_X64_MSR_SINT(6),		SINT_VALUE(6),	HV_SYNIC_SINT_MASKED },
	{ HV_X64_MSR_SINT(7),		SINT_VALUE(7),	HV_SYNIC_SINT_MASKED },
	{ HV_X64_MSR_STIMER0_COUNT,	COUNT_VALUE,	0 },
};

static struct hv_cpuid hv;
static volatile u32 ipis[2];		/* by APIC ID */
static volatile u64 ap_vector = ~0ULL, ap_vp_index = ~0ULL;

static void ipi_handler(struct ex_regs *regs)
{
	(void)regs;
	__atomic_fetch_add(&ipis[apic_id() & 1], 1, __ATOMIC_SEQ_CST);
	lapic_eoi();
}

static void wait_ipis(unsigned int cpu, u32 want)
{
	for (u64 spins = 0; ipis[cpu] < want; spins++)
		__GUEST_ASSERT(spins < 10000000, "vCPU %u took %u IPIs, want %u", cpu, ipis[cpu],
			       want);
	GUEST_ASSERT_EQ(ipis[cpu], want);
}

static u64 output_value(u64 want, u64 time_before, u64 got)
{
	if (want == DYN_VP_INDEX)
		return apic_id();
	if (want == DYN_TIME)	/* accept anything between the two reads */
		return got >= time_before && got <= rdmsr(HV_X64_MSR_TIME_REF_COUNT) ? got : ~got;
	return want;
}

static void check_output(unsigned int n, const struct xmm_row *r, const u64 *block, u64 t0)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(r->out) && r->out[i]; i++) {
		const u64 *reg = &block[2 + 2 * (r->out_reg + i)];
		u64 want = output_value(r->out[i], t0, reg[0]);

		__GUEST_ASSERT(reg[0] == want && reg[1] == 0,
			       "row %u: XMM%u %#llx:%#llx, want 0:%#llx", n, r->out_reg + i,
			       (unsigned long long)reg[1], (unsigned long long)reg[0],
			       (unsigned long long)want);
	}
}

static u32 run_rows(u32 nr_cpus)
{
	bool xin = hv.features & HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE;
	bool xout = hv.features & HV_X64_HYPERCALL_XMM_OUTPUT_AVAILABLE;
	u32 nr_ud = 0, expect_ipis = 0;

	for (unsigned int n = 0; n < ARRAY_SIZE(rows); n++) {
		const struct xmm_row *r = &rows[n];
		bool ud = (r->xin && !xin) || (r->xout && !xout);
		u64 block[14], result = ~0ULL, t0 = rdmsr(HV_X64_MSR_TIME_REF_COUNT);
		u8 vec;

		memcpy(block, r->in, sizeof(block));
		vec = hv_hypercall_xmm_safe(r->control, block, &result);
		__GUEST_ASSERT(vec == (ud ? UD_VECTOR : 0) && (ud || result == r->result),
			       "row %u: control %#llx: vector %u, result %#llx, want %s %#llx", n,
			       (unsigned long long)r->control, vec, (unsigned long long)result,
			       ud ? "#UD" : "result", (unsigned long long)r->result);
		nr_ud += ud;
		if (ud)
			continue;
		check_output(n, r, block, t0);
		expect_ipis += r->ipis;
		for (u32 cpu = 0; cpu < nr_cpus; cpu++)
			wait_ipis(cpu, expect_ipis);
	}
	return nr_ud;
}

static void sse_enable(void)
{
	u64 cr0, cr4;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	asm volatile("mov %0, %%cr0" :: "r"((cr0 & ~BIT(2)) | BIT(1)));	/* EM off, MP on */
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	asm volatile("mov %0, %%cr4" :: "r"(cr4 | BIT(9) | BIT(10)));	/* OSFXSR, OSXMMEXCPT */
}

static volatile bool ap_ready;

/* The AP reads its VP index through XMM output, then takes IPIs until the end. */
static void ap_main(u32 id)
{
	u64 block[14] = { SELF, VP_INDEX }, result;

	(void)id;
	sse_enable();
	ap_vector = hv_hypercall_xmm_safe(GET(1), block, &result);
	ap_vp_index = ap_vector ? ~0ULL : block[4];
	lapic_enable();
	sti();
	ap_ready = true;
	for (;;)
		hlt();
}

void guest_main(void)
{
	u32 nr_cpus = bootinfo_nr_cpus() >= 2 ? 2 : 1;
	bool xin;

	GUEST_ASSERT(hv_detect(&hv));
	xin = hv.features & HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE;
	GUEST_SYNC_VAL(1, hv.features);
	hv_enable_hypercalls();
	wrmsr(HV_X64_MSR_SINT(2), SINT_VALUE(2));
	wrmsr(HV_X64_MSR_SINT(3), SINT_VALUE(3));
	idt_set_handler(IPI_VECTOR, ipi_handler);
	lapic_enable();
	sti();
	if (nr_cpus > 1) {
		smp_start_aps(ap_main);
		for (u64 spins = 0; !ap_ready; spins++)
			__GUEST_ASSERT(spins < 10000000, "the AP never got ready");
	}
	GUEST_SYNC_VAL(2, ARRAY_SIZE(rows));
	GUEST_SYNC_VAL(3, run_rows(nr_cpus));
	for (unsigned int i = 0; i < ARRAY_SIZE(msr_after); i++)
		GUEST_ASSERT_EQ(rdmsr(msr_after[i].msr),
				xin ? msr_after[i].value : msr_after[i].reset);
	GUEST_SYNC_VAL(4, ipis[0]);
	if (nr_cpus < 2)
		return;
	GUEST_SYNC_VAL(5, ap_vector);
	GUEST_SYNC_VAL(6, ap_vp_index);
	GUEST_SYNC_VAL(7, ipis[1]);
}
