// SPDX-License-Identifier: MIT
/*
 * HvCallSendSyntheticClusterIpi and HvCallSendSyntheticClusterIpiEx with
 * 4 vCPUs (TLFS "HvCallSendSyntheticClusterIpi[Ex]"): every VP counts the
 * vector in its handler, and each case checks that each VP got exactly the
 * IPIs its processor set named, the sender included. Each case is one stage;
 * its value is status << 16 | the IPIs each VP got, one nibble per VP (VP0
 * lowest).
 */
#include "synic.h"

#define NR_VPS		4
#define VEC_IPI		0x70
#define WAIT_MS		1000
#define QUIET_MS	5

struct ipi_case {
	const char *name;
	u16 code;
	bool fast;
	u32 vector;
	u64 mask;			/* SendSyntheticClusterIpi */
	u64 format, valid_banks;	/* ...Ex: HV_VP_SET */
	u64 banks[2];
	u32 nr_banks;
};

static const struct ipi_case cases[] = {
	{ "fast, self", HVCALL_SEND_SYNTHETIC_CLUSTER_IPI, true, VEC_IPI, .mask = 0x1 },
	{ "fast, the others", HVCALL_SEND_SYNTHETIC_CLUSTER_IPI, true, VEC_IPI, .mask = 0xe },
	{ "fast, all", HVCALL_SEND_SYNTHETIC_CLUSTER_IPI, true, VEC_IPI, .mask = 0xf },
	{ "memory, VP0 and VP2", HVCALL_SEND_SYNTHETIC_CLUSTER_IPI, false, VEC_IPI, .mask = 0x5 },
	{ "Ex sparse, VP1 and VP3", HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX, false, VEC_IPI,
	  .format = HV_GENERIC_SET_SPARSE_4K, .valid_banks = 0x1, .banks = { 0xa }, .nr_banks = 1 },
	/* VP 64 has no VP behind it: skipped, as on Hyper-V and KVM. */
	{ "Ex sparse, VP0 and VP64", HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX, false, VEC_IPI,
	  .format = HV_GENERIC_SET_SPARSE_4K, .valid_banks = 0x3, .banks = { 0x1, 0x1 },
	  .nr_banks = 2 },
	{ "Ex all", HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX, false, VEC_IPI,
	  .format = HV_GENERIC_SET_ALL },
	{ "fast, vector 0x0f", HVCALL_SEND_SYNTHETIC_CLUSTER_IPI, true, 0x0f, .mask = 0xf },
	{ "fast, vector 0x100", HVCALL_SEND_SYNTHETIC_CLUSTER_IPI, true, 0x100, .mask = 0xf },
	{ "Ex all, vector 0x0f", HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX, false, 0x0f,
	  .format = HV_GENERIC_SET_ALL },
};

static u64 in_page[512] __attribute__((aligned(4096)));
static volatile u32 hits[NR_VPS];
static volatile u32 ready, total;

static void ipi_irq(struct ex_regs *regs)
{
	(void)regs;
	__atomic_add_fetch(&hits[rdmsr(HV_X64_MSR_VP_INDEX)], 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&total, 1, __ATOMIC_SEQ_CST);
	lapic_eoi();
}

static void ap_main(u32 id)
{
	lapic_enable();
	__atomic_or_fetch(&ready, 1u << id, __ATOMIC_SEQ_CST);
	for (;;)
		safe_halt();
}

static u64 send(const struct ipi_case *c)
{
	struct hv_input_send_synthetic_cluster_ipi *in = (void *)in_page;
	struct hv_input_send_synthetic_cluster_ipi_ex *ex = (void *)in_page;

	if (c->fast)
		return hv_hypercall(c->code | HV_HYPERCALL_FAST_BIT, c->vector, c->mask);
	if (c->code == HVCALL_SEND_SYNTHETIC_CLUSTER_IPI) {
		*in = (struct hv_input_send_synthetic_cluster_ipi) {
			.vector = c->vector, .processor_mask = c->mask,
		};
		return hv_hypercall(c->code, (u64)in, 0);
	}
	*ex = (struct hv_input_send_synthetic_cluster_ipi_ex) {
		.vector = c->vector, .vp_set_format = c->format,
		.vp_set_valid_bank_mask = c->valid_banks,
	};
	for (u32 i = 0; i < c->nr_banks; i++)
		ex->vp_set_bank_contents[i] = c->banks[i];
	return hv_hypercall(c->code | (u64)c->nr_banks << HV_HYPERCALL_VARHEAD_OFFSET, (u64)ex, 0);
}

/* Which VPs the case names: the mask, or bank 0 of the set (4 VPs live there). */
static u32 targets(const struct ipi_case *c)
{
	if (c->code == HVCALL_SEND_SYNTHETIC_CLUSTER_IPI)
		return c->mask & (BIT(NR_VPS) - 1);
	if (c->format == HV_GENERIC_SET_ALL)
		return BIT(NR_VPS) - 1;
	return (c->valid_banks & 1) ? c->banks[0] & (BIT(NR_VPS) - 1) : 0;
}

static u32 nr_bits(u32 v)
{
	u32 n = 0;

	for (; v; v &= v - 1)
		n++;
	return n;
}

static u64 run_case(const struct ipi_case *c, u64 *ticks)
{
	bool bad = c->vector < HV_IPI_LOW_VECTOR || c->vector > HV_IPI_HIGH_VECTOR;
	u32 want = bad ? 0 : targets(c), got = 0;
	hv_status_t st;
	u64 t0;

	for (u32 vp = 0; vp < NR_VPS; vp++)
		hits[vp] = 0;
	total = 0;
	t0 = hv_ref_time();
	st = hv_status(send(c));
	GUEST_ASSERT_EQ(st, bad ? HV_STATUS_INVALID_PARAMETER : HV_STATUS_SUCCESS);
	wait_count(&total, nr_bits(want), WAIT_MS, false);
	*ticks = hv_ref_time() - t0;
	ref_delay(QUIET_MS);
	for (u32 vp = 0; vp < NR_VPS; vp++) {
		__GUEST_ASSERT(hits[vp] == !!(want & BIT(vp)), "%s: VP%u got %u IPIs, want %u",
			       c->name, vp, hits[vp], !!(want & BIT(vp)));
		got |= hits[vp] << (4 * vp);
	}
	return (u64)st << 16 | got;
}

void guest_main(void)
{
	struct hv_cpuid c;

	GUEST_ASSERT(hv_detect(&c));
	GUEST_ASSERT(c.hints & HV_X64_CLUSTER_IPI_RECOMMENDED);
	GUEST_ASSERT(c.hints & HV_X64_EX_PROCESSOR_MASKS_RECOMMENDED);
	GUEST_ASSERT_EQ(bootinfo_nr_cpus(), NR_VPS);
	hv_enable_hypercalls();
	lapic_enable();
	idt_set_handler(VEC_IPI, ipi_irq);
	smp_start_aps(ap_main);
	for (u64 end = hv_ref_time() + WAIT_MS * REF_MS; ready != 0xe && hv_ref_time() < end;)
		cpu_relax();
	GUEST_ASSERT_EQ(ready, 0xe);
	sti();
	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 ticks, v = run_case(&cases[i], &ticks);

		GUEST_PRINTF("%s: %#llx, all delivered %llu us after the call", cases[i].name,
			     (unsigned long long)v, (unsigned long long)ticks / 10);
		GUEST_SYNC_VAL(i + 1, v);
	}
}
