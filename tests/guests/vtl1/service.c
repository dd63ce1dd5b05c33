// SPDX-License-Identifier: MIT
/*
 * The VTL1 service: the secure half of the VSM test pairs. It enables its
 * own hypercall page and VP assist page, answers VTL calls (service.h), and
 * gives VTL0 back its registers untouched when it was entered for an
 * interrupt (vsm.h vtl_return_exact). Its APIC timer, IPI and synthetic
 * timer handlers count into struct svc_shared.
 */
#include "service.h"
#include "synic.h"
#include "vmm/x86.h"
#include "vsm.h"

#define APIC_ID		0x20
#define APIC_EOI	0xb0
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define APIC_LVT_TIMER	0x320
#define APIC_TMICT	0x380
#define APIC_TDCR	0x3e0
#define APIC_DIV_1	0xb

static struct svc_shared *const shared = (struct svc_shared *)SVC_SHARED_GPA;
static u8 ap_stacks[SMP_MAX_CPUS][8192] __attribute__((aligned(16)));

static u32 apic_read(u32 reg)
{
	return *(volatile u32 *)(LAPIC_BASE + reg);
}

static void apic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(LAPIC_BASE + reg) = v;
}

static void on_timer(struct ex_regs *regs)
{
	(void)regs;
	__atomic_add_fetch(&shared->timer_ticks, 1, __ATOMIC_SEQ_CST);
	apic_write(APIC_EOI, 0);
}

static void on_ipi(struct ex_regs *regs)
{
	(void)regs;
	__atomic_add_fetch(&shared->ipis, 1, __ATOMIC_SEQ_CST);
	apic_write(APIC_EOI, 0);
}

static void on_stimer(struct ex_regs *regs)
{
	(void)regs;
	__atomic_add_fetch(&shared->stimer_ticks, 1, __ATOMIC_SEQ_CST);
	apic_write(APIC_EOI, 0);
}

static void on_vtl0_ipi(struct ex_regs *regs)
{
	(void)regs;
	__atomic_add_fetch(&shared->vtl0_ipis, 1, __ATOMIC_SEQ_CST);
	apic_write(APIC_EOI, 0);
}

/* Installed with AutoEoi (VsmVina): no EOI here, the APIC ends it on delivery. */
static void on_vina(struct ex_regs *regs)
{
	(void)regs;
	__atomic_add_fetch(&shared->vinas, 1, __ATOMIC_SEQ_CST);
}

static u64 read_cr(int n)
{
	u64 v = 0;

	switch (n) {
	case 2: asm volatile("mov %%cr2, %0" : "=r"(v)); break;
	case 3: asm volatile("mov %%cr3, %0" : "=r"(v)); break;
	case 8: asm volatile("mov %%cr8, %0" : "=r"(v)); break;
	}
	return v;
}

/* Every GPR but RAX and RCX (the stub's) against its pattern; return them + 1. */
static void bump_gprs(struct vtl_regs *r)
{
	u64 *g = (u64 *)r, bad = 0;

	for (unsigned int i = 0; i < sizeof(*r) / 8; i++) {
		if (i == 0 || i == 2 || i == 5)	/* RAX, RCX: the stub's; RDI: the command */
			continue;
		bad += g[i] != svc_pattern(i);
	}
	for (unsigned int i = 0; i < sizeof(*r) / 8; i++)
		g[i] = svc_pattern(i) + 1;
	r->rdi = bad;
}

static void bump_xmm(struct vtl_regs *r)
{
	u64 x[16][2], bad = 0;

	xmm_read(x);
	for (unsigned int i = 0; i < 16; i++) {
		bad += x[i][0] != svc_pattern(i) || x[i][1] != ~svc_pattern(i);
		x[i][0]++;
		x[i][1]--;
	}
	xmm_write(x);
	r->rdi = bad;
}

static void debug_regs(struct vtl_regs *r)
{
	u64 dr0, dr7, v = r->r9;

	asm volatile("mov %%dr0, %0; mov %%dr7, %1" : "=r"(dr0), "=r"(dr7));
	r->rsi = read_cr(2);
	r->rdx = dr0;
	r->r8 = dr7;
	asm volatile("mov %0, %%cr2; mov %0, %%dr0" :: "r"(v));
	r->rdi = SVC_OK;
}

/* DR1-DR3 are shared like DR0 (TLFS "Virtual Processor State Isolation"). */
static void dr123(struct vtl_regs *r)
{
	u64 v = r->r9;

	asm volatile("mov %%dr1, %0; mov %%dr2, %1; mov %%dr3, %2"
		     : "=r"(r->rsi), "=r"(r->rdx), "=r"(r->r8));
	asm volatile("mov %0, %%dr1; mov %1, %%dr2; mov %2, %%dr3"
		     :: "r"(v + 1), "r"(v + 2), "r"(v + 3));
	r->rdi = SVC_OK;
}

/* YMM0-15 against svc_ymm(n, 0); svc_ymm(n, 1) left behind. The mismatches. */
static u64 check_ymm(void)
{
	u64 y[16][4], want[4], bad = 0;

	ymm_read(y);
	for (unsigned int i = 0; i < 16; i++) {
		svc_ymm(i, 0, want);
		bad += memcmp(y[i], want, sizeof(want)) != 0;
		svc_ymm(i, 1, y[i]);
	}
	ymm_write(y);
	return bad;
}

/*
 * XCR0 and the AVX state are shared; CR4 is not, so VTL1 turns on its own
 * OSXSAVE to see them (XGETBV, VEX instructions; service.h).
 */
static void xstate(struct vtl_regs *r)
{
	union hv_register_value xfem;
	u32 a, b, c, d;

	cpuid(1, 0, &a, &b, &c, &d);
	if (!(c & CPUID_1_ECX_XSAVE)) {
		r->rdi = SVC_UNKNOWN;
		return;
	}
	write_cr4(read_cr4() | X86_CR4_OSXSAVE);
	r->rsi = xcr0_read();
	/* A VTL reads only lower VTLs' registers: VTL0's XFEM, shared, is VTL1's too. */
	if (hv_status(vsm_get_reg(0, HV_X64_REGISTER_XFEM, &xfem)))
		xfem.reg64 = ~0ULL;
	r->r9 = xfem.reg64;
	if (r->r8)
		xsetbv(0, r->r8);
	else
		r->rdx = (xfem.reg64 & XFEATURE_AVX) ? check_ymm() : ~0ULL;
	r->rdi = SVC_OK;
}

/* Spin until *p is set or ms of reference time pass; the final *p. */
static u64 wait_set(volatile unsigned long long *p, u64 ms)
{
	u64 end = hv_ref_time() + ms * REF_MS;

	while (!READ_ONCE(*p) && hv_ref_time() < end)
		cpu_relax();
	return READ_ONCE(*p);
}

static u64 set_tlb_locked(bool on)
{
	union hv_register_value v = { .reg64 = on ? HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED : 0 };

	return vsm_set_reg_raw(HV_VP_INDEX_SELF, 0, HV_REGISTER_VSM_VP_SECURE_CONFIG_VTL0, &v);
}

/*
 * TLFS "TlbLocked": VTL0's flushes of this VP wait while the bit is set and
 * this VP runs VTL1. The spin exits for every reference-time read, so the
 * VMM gets to look at the waiting flush again and again (service.h).
 */
static void tlb_lock(struct vtl_regs *r)
{
	u64 hold = r->rsi, end;

	r->rdi = hv_status(set_tlb_locked(true));
	if (r->rdi != SVC_OK)
		return;
	WRITE_ONCE(shared->tlb_state, 1);
	wait_set(&shared->flush_started, 1000);
	end = hv_ref_time() + hold * REF_MS;
	while (hv_ref_time() < end)
		cpu_relax();
	r->rsi = READ_ONCE(shared->flush_done);
	WRITE_ONCE(shared->tlb_state, 2);
	if (r->rdx == SVC_TLB_CLEAR) {
		r->rdi = hv_status(set_tlb_locked(false));
		wait_set(&shared->flush_done, 1000);
	}
	r->rdx = READ_ONCE(shared->flush_done);
}

static void timer(u64 ns)
{
	apic_write(APIC_TDCR, APIC_DIV_1);
	apic_write(APIC_LVT_TIMER, SVC_TIMER_VECTOR);	/* one-shot, unmasked */
	apic_write(APIC_TMICT, ns);		/* the bus clock is 1 GHz (HV_X64_MSR_APIC_FREQUENCY) */
}

/* Synthetic timer 0 in direct mode, one-shot, due rel 100 ns units from now. */
static void stimer(u64 rel)
{
	u64 cfg = HV_STIMER_ENABLE | HV_STIMER_DIRECT_MODE |
		  ((u64)SVC_STIMER_VECTOR << HV_STIMER_APIC_VECTOR_SHIFT);

	wrmsr(HV_X64_MSR_STIMER0_CONFIG, cfg);
	wrmsr(HV_X64_MSR_STIMER0_COUNT, rdmsr(HV_X64_MSR_TIME_REF_COUNT) + rel);
}

static void service_loop(struct vtl_regs *r, bool exact) __noreturn;
void svc_ap_main(void);

/* EnableVpVtl for another VP: its VTL1 starts in svc_ap_main on a stack of its own. */
static u64 enable_vp(u32 vp)
{
	struct hv_initial_vp_context c;

	vsm_context_long_mode(&c, (u64)svc_ap_main,
			      (u64)ap_stacks[vp % SMP_MAX_CPUS] + sizeof(ap_stacks[0]) - 8,
			      read_cr(3));
	c.gdtr.base = (u64)guest_gdt;
	return vsm_enable_vp_vtl(vp, 1, &c);
}

/*
 * VTL1 starts in svc_ap_main; VTL0 at rip/rsp VTL0 chose, with VTL0's own
 * page tables and GDT, which VTL1 reads through GetVpRegisters.
 */
static u64 start_vp(u32 vp, u8 vtl, u64 rip, u64 rsp)
{
	struct hv_initial_vp_context c;
	union hv_register_value cr3, gdtr;

	if (vtl) {
		vsm_context_long_mode(&c, (u64)svc_ap_main,
				      (u64)ap_stacks[vp % SMP_MAX_CPUS] + sizeof(ap_stacks[0]) - 8,
				      read_cr(3));
		c.gdtr.base = (u64)guest_gdt;
		return vsm_start_vp(vp, vtl, &c);
	}
	if (hv_status(vsm_get_reg(0, HV_X64_REGISTER_CR3, &cr3)) ||
	    hv_status(vsm_get_reg(0, HV_X64_REGISTER_GDTR, &gdtr)))
		return ~0ULL;
	vsm_context_long_mode(&c, rip, rsp, cr3.reg64);
	c.gdtr = gdtr.table;
	return vsm_start_vp(vp, vtl, &c);
}

static void ipi(u32 vp)
{
	apic_write(APIC_ICR_HI, vp << 24);
	apic_write(APIC_ICR_LO, SVC_IPI_VECTOR);	/* fixed, physical, no shorthand */
}

/* A VTL1 hypercall VTL0 set up (input in memory both VTLs can read). */
static u64 hypercall(u64 control, u64 in, u64 out)
{
	u64 result = ~0ULL;

	if (hv_hypercall_safe(control, in, out, &result))
		return ~0ULL;
	return result;
}

static void get_reg(struct vtl_regs *r)
{
	union hv_register_value v;

	r->rdi = vsm_get_reg_raw(HV_VP_INDEX_SELF, r->rdx, r->rsi, &v);
	r->rsi = v.reg128.low;
	r->rdx = v.reg128.high;
}

/*
 * GetVpRegisters, fast with XMM output: header in RDX/R8, the name in XMM0,
 * the value in the 16 bytes after the input rounded up to 16 (XMM1).
 */
static void get_reg_xmm(struct vtl_regs *r)
{
	const u64 control = HVCALL_GET_VP_REGISTERS | HV_HYPERCALL_FAST_BIT |
			    (1ULL << HV_HYPERCALL_REP_COMP_OFFSET);
	u64 block[14] = { HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF | r->rdx << 32, r->rsi };
	u64 result = ~0ULL;

	if (hv_hypercall_xmm_safe(control, block, &result))
		result = ~0ULL;
	r->rdi = result;
	r->rsi = block[4];
	r->rdx = block[5];
}

static void set_reg(struct vtl_regs *r)
{
	union hv_register_value v = { .reg128 = { r->r8, r->r9 } };

	r->rdi = vsm_set_reg_raw(HV_VP_INDEX_SELF, r->rdx, r->rsi, &v);
}

/* Run one command; true if the answer must restore RAX/RCX exactly (not a fast return). */
static bool dispatch(struct vtl_regs *r)
{
	struct { u16 limit; u64 base; } __attribute__((packed)) idt;
	u64 rsp;

	switch (r->rdi) {
	case SVC_ADD:
		r->rdi = r->rsi + r->rdx;
		return false;
	case SVC_PRIVATE:
		asm volatile("sidt %0; mov %%rsp, %1" : "=m"(idt), "=r"(rsp));
		r->rsi = read_cr(3);
		r->rdx = idt.base;
		r->r8 = rsp;
		r->r9 = apic_read(APIC_ID) >> 24;
		r->rdi = SVC_OK;
		return false;
	case SVC_BUMP_GPRS:
		bump_gprs(r);
		return true;
	case SVC_XMM:
		bump_xmm(r);
		return false;
	case SVC_DEBUG_REGS:
		debug_regs(r);
		return false;
	case SVC_GET_REG:
		get_reg(r);
		return false;
	case SVC_SET_REG:
		set_reg(r);
		return false;
	case SVC_GET_REG_XMM:
		get_reg_xmm(r);
		return false;
	case SVC_HYPERCALL:
		r->rdi = hypercall(r->rsi, r->rdx, r->r8);
		return false;
	case SVC_VTL_CALL: {
		struct vtl_regs inner = { 0 };

		r->rdi = vtl_call_safe(&inner, 0);	/* no VTL2: #UD */
		return false;
	}
	case SVC_TIMER:
		timer(r->rsi);
		r->rdi = SVC_OK;
		return false;
	case SVC_STATUS:
		r->rsi = READ_ONCE(shared->timer_ticks);
		r->rdx = READ_ONCE(shared->irq_entries);
		r->r8 = READ_ONCE(shared->ipis);
		r->r9 = READ_ONCE(shared->stimer_ticks);
		r->rdi = SVC_OK;
		return false;
	case SVC_TPR:
		r->rsi = read_cr(8);
		asm volatile("mov %0, %%cr8" :: "r"(r->rdx));
		r->rdi = SVC_OK;
		return false;
	case SVC_MSR:
		r->rsi = rdmsr(r->rdx);
		r->rdi = SVC_OK;
		return false;
	case SVC_ENABLE_VP:
		r->rdi = enable_vp(r->rsi);
		return false;
	case SVC_START_VP:
		r->rdi = start_vp(r->rsi, r->rdx, r->r8, r->r9);
		return false;
	case SVC_IPI:
		ipi(r->rsi);
		r->rdi = SVC_OK;
		return false;
	case SVC_STIMER:
		stimer(r->rsi);
		r->rdi = SVC_OK;
		return false;
	case SVC_AP_STATE:
		r->rsi = READ_ONCE(shared->ap_state);
		r->rdx = READ_ONCE(shared->ap_counter);
		r->rdi = SVC_OK;
		return false;
	case SVC_WAIT_VINA:
		for (u64 i = 0; !READ_ONCE(shared->vinas) && i < 20000000; i++)
			cpu_relax();
		r->rsi = READ_ONCE(vsm_assist_page()->vtl_control.vina_status);
		r->rdx = READ_ONCE(shared->vinas);
		r->rdi = SVC_OK;
		return false;
	case SVC_AP_RELEASE:
		WRITE_ONCE(shared->ap_release, 1);
		r->rdi = SVC_OK;
		return false;
	case SVC_DR123:
		dr123(r);
		return false;
	case SVC_XSTATE:
		xstate(r);
		return false;
	case SVC_TLB_LOCK:
		tlb_lock(r);
		return false;
	}
	r->rdi = SVC_UNKNOWN;
	return false;
}

/*
 * Each pass returns to VTL0 and handles the next entry: an interrupt entry
 * (TLFS "VTL Entry": reason 2) gives VTL0 its registers back exactly, a VTL
 * call runs a command.
 */
static void service_loop(struct vtl_regs *r, bool exact)
{
	for (;;) {
		u32 reason;

		if (exact)
			vtl_return_exact(r);
		else
			vtl_return(r);
		reason = vsm_entry_reason();
		WRITE_ONCE(shared->last_reason, reason);
		if (reason == HV_VTL_ENTRY_INTERRUPT) {
			__atomic_add_fetch(&shared->irq_entries, 1, __ATOMIC_SEQ_CST);
			exact = true;
			continue;
		}
		exact = dispatch(r);
	}
}

static void install_handlers(void)
{
	idt_set_handler(SVC_TIMER_VECTOR, on_timer);
	idt_set_handler(SVC_IPI_VECTOR, on_ipi);
	idt_set_handler(SVC_STIMER_VECTOR, on_stimer);
	idt_set_handler(SVC_VTL0_IPI_VECTOR, on_vtl0_ipi);
	idt_set_handler(SVC_VINA_VECTOR, on_vina);
}

/*
 * An AP's VTL1 (EnableVpVtl + StartVirtualProcessor from svc_start_vp):
 * report in, count while VTL0 on the BSP watches (two VPs in two VTLs at
 * once), and once released serve VTL calls from this VP's VTL0.
 */
void svc_ap_main(void)
{
	struct vtl_regs r = { .rdi = SVC_HELLO };

	idt_install();
	asm volatile("sti");
	WRITE_ONCE(shared->ap_state, 1);
	while (!READ_ONCE(shared->ap_release))
		__atomic_add_fetch(&shared->ap_counter, 1, __ATOMIC_SEQ_CST);
	WRITE_ONCE(shared->ap_state, 2);
	service_loop(&r, false);
}

void guest_main(void)
{
	struct vtl_regs r = { .rdi = SVC_HELLO };

	hv_enable_hypercalls();
	install_handlers();
	vsm_assist_page();
	asm volatile("sti");
	service_loop(&r, false);
}
