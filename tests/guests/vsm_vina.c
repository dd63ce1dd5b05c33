// SPDX-License-Identifier: MIT
/*
 * VINA (TLFS "Virtual Interrupt Notification Assist"), with
 * tests/guests/vtl1/service.c in VTL1: VTL1 asks for vector 0x44 with
 * AutoReset and AutoEoi; VTL0 arms its own synthetic timer (direct mode)
 * and VTL-calls VTL1, which spins until the timer's interrupt for VTL0
 * shows up as VINA. Back in VTL0 the timer's own interrupt is there too;
 * the return cleared VinaAsserted; and the VINA took no ISR bit (VTL1's
 * lower-priority APIC timer still gets through).
 *
 * Stages: 1 VinaAsserted as VTL1 saw it, 2 VINAs, 3 VTL0's timer
 * interrupts, 4 VinaAsserted after the return, 5 VTL1 timer ticks.
 */
#include "vsm.h"
#include "vtl1/service.h"

#define VTL0_TIMER_VECTOR	0x50
#define SPIN_LIMIT		2000000ULL

static struct svc_shared *const shared = (struct svc_shared *)SVC_SHARED_GPA;
static volatile unsigned long long vtl0_ticks;

static void on_timer(struct ex_regs *regs)
{
	(void)regs;
	vtl0_ticks++;
	lapic_eoi();
}

static struct vtl_regs call(u64 cmd, u64 a, u64 b, u64 c)
{
	struct vtl_regs r = { .rdi = cmd, .rsi = a, .rdx = b, .r8 = c };

	vtl_call(&r);
	return r;
}

void guest_main(void)
{
	const u64 vina = SVC_VINA_VECTOR | HV_VSM_VINA_ENABLED | HV_VSM_VINA_AUTO_RESET |
			 HV_VSM_VINA_AUTO_EOI;
	struct vtl_regs r;

	hv_enable_hypercalls();
	vsm_boot_vtl1(&r);
	GUEST_ASSERT_EQ(r.rdi, SVC_HELLO);
	r = call(SVC_SET_REG, HV_REGISTER_VSM_VINA, 0, vina);
	GUEST_ASSERT_EQ(hv_status(r.rdi), HV_STATUS_SUCCESS);

	idt_set_handler(VTL0_TIMER_VECTOR, on_timer);
	lapic_enable();
	wrmsr(HV_X64_MSR_SCONTROL, HV_SYNIC_CONTROL_ENABLE);
	wrmsr(HV_X64_MSR_STIMER0_CONFIG, HV_STIMER_ENABLE | HV_STIMER_DIRECT_MODE |
	      ((u64)VTL0_TIMER_VECTOR << HV_STIMER_APIC_VECTOR_SHIFT));
	wrmsr(HV_X64_MSR_STIMER0_COUNT, rdmsr(HV_X64_MSR_TIME_REF_COUNT) + 20000);	/* 2 ms */
	r = call(SVC_WAIT_VINA, 0, 0, 0);
	GUEST_SYNC_VAL(1, r.rsi);
	GUEST_SYNC_VAL(2, r.rdx);

	asm volatile("sti");
	for (u64 i = 0; !vtl0_ticks; i++)
		GUEST_ASSERT(i < SPIN_LIMIT);
	GUEST_SYNC_VAL(3, vtl0_ticks);
	r = call(SVC_WAIT_VINA, 0, 0, 0);	/* returns at once: a VINA was seen */
	GUEST_SYNC_VAL(4, r.rsi);

	asm volatile("cli");
	r = call(SVC_TIMER, 1000000, 0, 0);
	for (u64 i = 0; !READ_ONCE(shared->timer_ticks); i++)
		GUEST_ASSERT(i < SPIN_LIMIT);
	GUEST_SYNC_VAL(5, READ_ONCE(shared->timer_ticks));
}
