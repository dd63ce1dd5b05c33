// SPDX-License-Identifier: MIT
/*
 * DenyLowerVtlStartup (TLFS "VSM Partition Configuration"), with
 * tests/guests/vtl1/service.c in VTL1 and two VPs. Once VTL1 sets it, VTL0
 * can start no VP: INIT/SIPI to VP1 (which has no VTL1) are dropped, and
 * HvCallStartVirtualProcessor from VTL0 is refused; VTL1 starts VP1's VTL0
 * itself, and the SIPI VTL0 sent earlier stays dropped.
 *
 * Stages: 1 the SIPI stub's mark (0), 2 StartVp from VTL0 (AccessDenied),
 * 3 StartVp from VTL1 (success), 4 VP1's VTL0 ran, 5 the mark (still 0).
 *
 * With "control" on the command line VTL1 does not set DenyLowerVtlStartup,
 * and the same INIT/SIPI does start VP1: stage 1 is the mark, 1.
 */
#include "synic.h"
#include "vsm.h"
#include "vtl1/service.h"

#define SIPI_STUB	0x9000ULL
#define SIPI_MARK	0x9100ULL

static u8 ap_stack[8192] __attribute__((aligned(16)));
static volatile unsigned long long ap_ran;

void ap_main(void);
void ap_main(void)
{
	ap_ran = 1;
	for (;;)
		asm volatile("cli; hlt");
}


void guest_main(void)
{
	const u64 config = HV_VSM_PARTITION_CONFIG_ENABLE_VTL_PROTECTION |
			   (u64)HV_MAP_GPA_PERMISSIONS_ALL << 1 |
			   HV_VSM_PARTITION_CONFIG_DENY_LOWER_VTL_STARTUP;
	struct hv_initial_vp_context c;
	struct vtl_regs r;
	u64 cr3;

	GUEST_ASSERT_EQ(bootinfo_nr_cpus(), 2);
	hv_enable_hypercalls();
	vsm_boot_vtl1(&r);
	if (!strcmp(bootinfo_cmdline(), "control")) {
		smp_sipi_to_mark(SIPI_STUB, SIPI_MARK);
		for (u64 i = 0; !READ_ONCE(*(volatile u8 *)SIPI_MARK); i++)
			GUEST_ASSERT(i < 2000000);
		GUEST_SYNC_VAL(1, READ_ONCE(*(volatile u8 *)SIPI_MARK));
		return;
	}
	r = (struct vtl_regs) { .rdi = SVC_SET_REG, .rsi = HV_REGISTER_VSM_PARTITION_CONFIG,
				.r8 = config };
	vtl_call(&r);
	GUEST_ASSERT_EQ(hv_status(r.rdi), HV_STATUS_SUCCESS);

	smp_sipi_to_mark(SIPI_STUB, SIPI_MARK);
	ref_delay(50);	/* the control sees the mark far sooner */
	GUEST_SYNC_VAL(1, READ_ONCE(*(volatile u8 *)SIPI_MARK));

	asm volatile("mov %%cr3, %0" : "=r"(cr3));
	vsm_context_long_mode(&c, (u64)ap_main, (u64)ap_stack + sizeof(ap_stack) - 8, cr3);
	c.gdtr.base = (u64)guest_gdt;
	GUEST_SYNC_VAL(2, hv_status(vsm_start_vp(1, 0, &c)));

	r = (struct vtl_regs) { .rdi = SVC_START_VP, .rsi = 1, .rdx = 0, .r8 = (u64)ap_main,
				.r9 = (u64)ap_stack + sizeof(ap_stack) - 8 };
	vtl_call(&r);
	GUEST_SYNC_VAL(3, hv_status(r.rdi));
	for (u64 i = 0; !ap_ran; i++)
		GUEST_ASSERT(i < 2000000);
	GUEST_SYNC_VAL(4, ap_ran);
	GUEST_SYNC_VAL(5, READ_ONCE(*(volatile u8 *)SIPI_MARK));
}
