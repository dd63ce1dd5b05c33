// SPDX-License-Identifier: MIT
/*
 * PV TLB flushes really flush (TLFS "HvCallFlushVirtualAddressSpace",
 * "...List", "...SpaceEx", "...ListEx").
 *
 * The proof needs a stale translation: map V -> P1 with a 4 KiB PTE of our
 * own (in a page table under the free 2 MiB region at 1 GiB), read V,
 * rewrite the PTE to P2 without INVLPG and read V again. Only if the old
 * value is still seen does the host cache translations the way a TLB does,
 * and only then can a flush hypercall be shown to drop one. The reads and
 * PTE writes run at CPL3 (lib/usermode.h): on the nested development hosts
 * CPL0 code is emulated and re-walks the page tables at every access, while
 * CPL3 code runs natively on KVM's shadow page tables, whose unsynced leaf
 * tables go stale exactly like a TLB. A host that shows no stale read at all
 * cannot prove a flush: the guest then syncs STAGE_NOT_PROVABLE, the skip
 * stage of its row, and the runner reports a skip with the reason.
 *
 * Stages: 1 the flush hint, CPUID 0x40000004 EAX[2] (the rows set
 * --hv-flush-hint; without the hint the guest stops there, as Linux would
 * not use the calls); 2 the control experiment (1: stale read seen); then
 * one per flush case (1: the new translation was seen after the call).
 */
#include "synic.h"
#include "usermode.h"

#define STAGE_NOT_PROVABLE	90	/* value: what the second read of V returned */
#define V			0x40000000UL	/* 1 GiB: PDPT[1], PD entry 0 */
#define PTE_FLAGS		(0x63ULL | PTE_U)	/* present, writable, accessed, dirty */
#define WAIT_MS			1000

enum target { SELF, VP1 };

struct flush_case {
	const char *name;
	u16 code;
	enum target target;
	u64 flags;
};

static const struct flush_case cases[] = {
	{ "Space, self", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, SELF, 0 },
	{ "List, self", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, SELF, 0 },
	{ "SpaceEx, self", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, SELF, 0 },
	{ "ListEx, self", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX, SELF, 0 },
	{ "Space, VP1", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, VP1, 0 },
	{ "List, VP1", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST, VP1, 0 },
	{ "SpaceEx, VP1", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX, VP1, 0 },
	{ "ListEx, VP1", HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX, VP1, 0 },
	{ "Space, all processors", HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, VP1,
	  HV_FLUSH_ALL_PROCESSORS },
};

static u64 pt[512] __attribute__((aligned(4096)));
static u64 frames[2][512] __attribute__((aligned(4096)));	/* P1, P2 */
static u64 in_page[512] __attribute__((aligned(4096)));
static volatile u32 ap_cmd, ap_done, ap_ready;
static volatile u64 ap_seen;

enum { AP_LOAD = 1, AP_READ };

static inline void invlpg(unsigned long va)
{
	asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

/* V read at CPL3 on this CPU (the BSP is CPU 0, VP1 is CPU 1). */
static u64 read_v(u32 cpu)
{
	return user_access(cpu, (const volatile u64 *)V, NULL, 0);
}

/* The PTE for V, written at CPL3 so that the host sees an ordinary store to a page table. */
static void set_pte(u32 frame)
{
	user_access(0, NULL, &pt[0], (u64)frames[frame] | PTE_FLAGS);
}

/* Point PD entry 0 of the second GiB at pt (the identity tables map it with a 2 MiB page). */
static void map_v(void)
{
	u64 *pml4 = (u64 *)(read_cr3() & ~0xfffULL);
	u64 *pdpt = (u64 *)(pml4[0] & ~0xfffULL);
	u64 *pd = (u64 *)(pdpt[1] & ~0xfffULL);

	user_mode_init();
	user_mode_cpu_init(0);
	frames[0][0] = 0x1111;
	frames[1][0] = 0x2222;
	pt[0] = (u64)frames[0] | PTE_FLAGS;
	pd[0] = (u64)pt | PTE_FLAGS;
	pdpt[1] |= PTE_U;
	invlpg(V);
	GUEST_ASSERT_EQ(read_v(0), 0x1111);
}

/* The control: does V still show P1 after its PTE says P2? (Leaves V -> P2 in the PTE.) */
static u64 control(void)
{
	set_pte(0);
	invlpg(V);
	GUEST_ASSERT_EQ(read_v(0), 0x1111);
	set_pte(1);
	return read_v(0);
}

/* Run cmd on VP1 and wait for it; returns what VP1 read at V. */
static u64 ap_run(u32 cmd)
{
	u32 done = ap_done;

	WRITE_ONCE(ap_cmd, cmd);
	wait_count(&ap_done, done + 1, WAIT_MS, false);
	GUEST_ASSERT_EQ(ap_done, done + 1);
	return ap_seen;
}

static void ap_main(u32 id)
{
	GUEST_ASSERT_EQ(id, 1);
	user_mode_cpu_init(1);
	WRITE_ONCE(ap_ready, 1);
	for (;;) {
		u32 cmd = READ_ONCE(ap_cmd);

		if (!cmd) {
			cpu_relax();
			continue;
		}
		if (cmd == AP_LOAD)
			invlpg(V);
		ap_seen = read_v(1);
		WRITE_ONCE(ap_cmd, 0);
		__atomic_add_fetch(&ap_done, 1, __ATOMIC_SEQ_CST);
	}
}

/* Load V -> frames[from] into the target's TLB, then map V -> frames[!from] behind its back. */
static bool make_stale(enum target t, u32 from)
{
	u64 old = frames[from][0];

	set_pte(from);
	if (t == SELF) {
		invlpg(V);
		GUEST_ASSERT_EQ(read_v(0), old);
		set_pte(!from);
		return read_v(0) == old;
	}
	GUEST_ASSERT_EQ(ap_run(AP_LOAD), old);
	set_pte(!from);
	return ap_run(AP_READ) == old;
}

static hv_status_t flush(const struct flush_case *c, enum target t)
{
	struct hv_input_flush_virtual_address_space *in = (void *)in_page;
	struct hv_input_flush_virtual_address_space_ex *ex = (void *)in_page;
	u64 vps = t == SELF ? BIT(0) : BIT(1), ctl = c->code;
	bool is_ex = c->code == HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE_EX ||
		     c->code == HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX;
	u64 *gva_list;

	if (is_ex) {
		*ex = (struct hv_input_flush_virtual_address_space_ex) {
			.address_space = read_cr3(), .flags = c->flags,
			.vp_set_format = HV_GENERIC_SET_SPARSE_4K, .vp_set_valid_bank_mask = 1,
		};
		ex->vp_set_bank_contents[0] = vps;
		gva_list = &ex->vp_set_bank_contents[1];
		ctl |= 1ULL << HV_HYPERCALL_VARHEAD_OFFSET;
	} else {
		*in = (struct hv_input_flush_virtual_address_space) {
			.address_space = read_cr3(), .flags = c->flags, .processor_mask = vps,
		};
		gva_list = in->gva_range_list;
	}
	if (c->code == HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST ||
	    c->code == HVCALL_FLUSH_VIRTUAL_ADDRESS_LIST_EX) {
		gva_list[0] = V;	/* one page: no additional pages */
		ctl |= 1ULL << HV_HYPERCALL_REP_COMP_OFFSET;
	}
	return hv_status(hv_hypercall(ctl, (u64)in_page, 0));
}

/* Stale translation on the target, the hypercall, then the target must see the new frame. */
static u64 run_case(const struct flush_case *c, u32 from)
{
	u64 t0, t1, seen;

	/* A TLB may drop an entry by itself; three tries before calling the host odd. */
	for (int tries = 0; !make_stale(c->target, from); tries++)
		__GUEST_ASSERT(tries < 2, "%s: the stale translation went away by itself", c->name);
	t0 = hv_ref_time();
	GUEST_ASSERT_EQ(flush(c, c->target), HV_STATUS_SUCCESS);
	t1 = hv_ref_time();
	seen = c->target == SELF ? read_v(0) : ap_run(AP_READ);
	__GUEST_ASSERT(seen == frames[!from][0], "%s: %#llx still seen after the flush", c->name,
		       (unsigned long long)seen);
	GUEST_PRINTF("%s: flushed, the call took %llu us", c->name,
		     (unsigned long long)(t1 - t0) / 10);
	return 1;
}

/*
 * VP1 up; and does an INVLPG on VP0 refresh VP1's stale view? Then the host's
 * translation cache is shared by the vCPUs (KVM's shadow page tables are),
 * and the VP1 cases show that a flush happened, not on which VP: only a host
 * with per-CPU TLBs (hardware paging) tells the two apart.
 */
static void start_vp1(void)
{
	smp_start_aps(ap_main);
	wait_count(&ap_ready, 1, WAIT_MS, false);
	GUEST_ASSERT_EQ(ap_ready, 1);
	set_pte(0);
	GUEST_ASSERT_EQ(ap_run(AP_LOAD), 0x1111);
	set_pte(1);
	if (ap_run(AP_READ) != 0x1111)
		return;
	invlpg(V);
	if (ap_run(AP_READ) == 0x2222)
		GUEST_PRINTF("an INVLPG on VP0 refreshed VP1: the host shares one translation "
			     "cache between vCPUs; the VP1 cases cannot tell which VP flushed");
}

void guest_main(void)
{
	struct hv_cpuid c;
	u64 second;

	GUEST_ASSERT(hv_detect(&c));
	GUEST_SYNC_VAL(1, !!(c.hints & HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED));
	if (!(c.hints & HV_X64_REMOTE_TLB_FLUSH_RECOMMENDED))
		return;
	hv_enable_hypercalls();
	map_v();
	second = control();
	if (second != 0x1111) {
		GUEST_PRINTF("V read %#llx after the PTE changed without INVLPG: no TLB to prove a "
			     "flush against", (unsigned long long)second);
		GUEST_SYNC_VAL(STAGE_NOT_PROVABLE, second);
		return;
	}
	GUEST_SYNC_VAL(2, 1);
	if (bootinfo_nr_cpus() > 1)
		start_vp1();
	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].target == VP1 && bootinfo_nr_cpus() < 2)
			continue;
		GUEST_SYNC_VAL(3 + i, run_case(&cases[i], i % 2));
	}
}
