// SPDX-License-Identifier: MIT
/*
 * The VSM guest pairs: a VTL0 guest (tests/guests/vsm_*.c) with the VTL1
 * service (tests/guests/vtl1/service.c) or another VTL1 program, one fresh
 * vtlvm per row, as in tests/integ/cases.c.
 */
#include "tests/integ/integ.h"

#define SERVICE		"--vtl1-kernel", "@/guests/vtl1/service.elf"
#define HELLO		0x5e11

/* VsmCodePageOffsets: VTL call stub at 0x20, VTL return stub at 0x40 (hv/hcall_stub.h). */
#define CODE_OFFSETS	(0x20 | 0x40 << 12)

const struct guest_case vsm_guest_cases[] = {
	{
		.name = "vsm-echo",
		.kernel = "@/guests/vsm_echo.elf",
		.args = { "--vtl1-kernel", "@/guests/vtl1/echo.elf" },
		.stages = { { 1, HELLO }, { 2, 42 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * The pair `make run` boots: VTL1 hashes a VTL0 string (VTL0 asserts
		 * the hash), then VTL0 times 200 VTL calls and powers off: status 0.
		 */
		.name = "vsm-demo",
		.kernel = "@/guests/demo.elf",
		.args = { "--vtl1-kernel", "@/guests/vtl1/demo.elf", "--cpus", "2" },
		.status = 0,
		.stdout_has = "VTL1    answered a VTL call",
	}, {
		/*
		 * Partition status before (VTL0, max VTL 1) and after (VTL0+1), VP
		 * status (VTL0 active, VTL0+1 enabled), capabilities (only
		 * DenyLowerVtlStartup), code page offsets, the service's hello, and
		 * 29 refusals with their statuses or #UD (CPL3 included).
		 */
		.name = "vsm-enable",
		.kernel = "@/guests/vsm_enable.elf",
		.args = { SERVICE },
		.stages = { { 1, 0x10001 }, { 2, 0x10003 }, { 3, 0x30000 }, { 4, 1 << 17 },
			    { 5, CODE_OFFSETS }, { 6, HELLO }, { 7, 29 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * Shared: GPRs but RSP (no mismatch either way), XMM0-15 (none),
		 * then 20 private/shared checks (CR3, IDT, RSP, APIC, CR8, LSTAR,
		 * PAT, MTRR, IF, CR2, DR0, DR7); a fast return leaves RAX = 1 (the
		 * stub's input) and RCX = 0x12 (VtlReturn).
		 */
		.name = "vsm-state",
		.kernel = "@/guests/vsm_state.elf",
		.args = { SERVICE },
		.stages = { { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 0 }, { 5, 20 }, { 6, 1 },
			    { 7, 0x12 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * VTL1 reads and writes VTL0's registers (9 reads, one of them
		 * again as an XMM fast call, 5 writes and refusals), queues a #UD into VTL0 (3 refused events, 1 taken),
		 * and sets its own VSM registers (16 checks); the refused default
		 * protection mask is logged.
		 */
		.name = "vsm-regs",
		.kernel = "@/guests/vsm_regs.elf",
		.args = { SERVICE },
		.stages = { { 1, 34 } },
		.expect_done = true, .status = PASS,
		.stderr_has = { "default VTL protection mask 0x1 refused" },
	}, {
		/*
		 * VTL0 spins with IF=0; VTL1's APIC timer, a VTL1 synthetic timer
		 * and a VTL-targeted cluster IPI from VTL0 each preempt it (R12-R15
		 * intact, entry reason 2, three interrupt entries); with VTL1's TPR
		 * at 15 its timer waits (0 ticks) until VTL1 lowers it (1 tick).
		 */
		.name = "vsm-preempt",
		.kernel = "@/guests/vsm_preempt.elf",
		.args = { SERVICE },
		.stages = { { 1, 0 }, { 2, 0 }, { 3, 0 }, { 4, 2 }, { 5, 3 }, { 6, 0 },
			    { 7, 1 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * Two VPs: INIT/SIPI to VP1 dropped once VTL1 is enabled there (mark
		 * 0); VP1 started in VTL1 counts while VP0 runs VTL0; 10 refusals
		 * and successes; VP1's VTL0, started by StartVp, gets 0x1001 from
		 * its VTL1; one VTL-targeted synthetic IPI and one VTL1 APIC IPI
		 * preempt VP1's VTL0 (registers intact); APIC IDs 1, 0 -> VPs 1, 0.
		 */
		.name = "vsm-smp",
		.kernel = "@/guests/vsm_smp.elf",
		.args = { SERVICE, "--cpus", "2" },
		.stages = { { 1, 0 }, { 2, 1 }, { 3, 10 }, { 4, 0x1001 }, { 5, 1 }, { 6, 1 },
			    { 7, 0 }, { 8, 1ULL << 32 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * DenyLowerVtlStartup: INIT/SIPI from VTL0 to VP1 (no VTL1 there)
		 * dropped, StartVp from VTL0 AccessDenied, from VTL1 success; VP1's
		 * VTL0 runs and the earlier SIPI stays dropped.
		 */
		.name = "vsm-deny-lower-vtl-startup",
		.kernel = "@/guests/vsm_deny.elf",
		.args = { SERVICE, "--cpus", "2" },
		.stages = { { 1, 0 }, { 2, 6 }, { 3, 0 }, { 4, 1 }, { 5, 0 } },
		.expect_done = true, .status = PASS,
	}, {
		/* The control: without DenyLowerVtlStartup the same INIT/SIPI starts VP1. */
		.name = "vsm-deny-lower-vtl-startup-control",
		.kernel = "@/guests/vsm_deny.elf",
		.args = { SERVICE, "--cpus", "2", "--append", "control" },
		.stages = { { 1, 1 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * VINA: VTL0's synthetic timer fires while VTL1 spins; VTL1 sees
		 * VinaAsserted and one VINA (auto-EOI: its lower-priority APIC timer
		 * still arrives later), VTL0 its own interrupt after the return,
		 * which cleared VinaAsserted (auto-reset).
		 */
		.name = "vsm-vina",
		.kernel = "@/guests/vsm_vina.elf",
		.args = { SERVICE },
		.stages = { { 1, 1 }, { 2, 1 }, { 3, 1 }, { 4, 0 }, { 5, 1 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * Shared DR1-DR3 (no mismatch seen by VTL1, none back in VTL0);
		 * with AVX: XCR0 VTL0 set (x87|SSE|AVX = 7) is VTL1's (HvRegisterXfem),
		 * YMM0-15 in full (no mismatch either way), XCR0 VTL1 set (x87|SSE)
		 * is VTL0's (its CPUID XSAVE size: 576 bytes) and VTL1's again on
		 * the next call (3). Without AVX: skip (value 1).
		 */
		.name = "vsm-xstate",
		.kernel = "@/guests/vsm_xstate.elf",
		.args = { SERVICE },
		.stages = { { 1, 0 }, { 2, 0 }, { 3, 7 }, { 4, 0 }, { 5, 0 }, { 6, 576 },
			    { 7, 3 } },
		.skip = { 90, "value 1: the guest has no AVX" },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * The same with VTL1 reading XCR0 through XGETBV. Under PVM XGETBV
		 * shows the host's XCR0 whatever XSETBV set (value 2), so the
		 * nested development hosts skip it.
		 */
		.name = "vsm-xstate-xgetbv",
		.kernel = "@/guests/vsm_xstate.elf",
		.args = { SERVICE, "--append", "xgetbv" },
		.stages = { { 1, 0 }, { 2, 0 }, { 3, 7 }, { 4, 0 }, { 5, 0 }, { 6, 576 },
			    { 7, 3 } },
		.skip = { 90, "value 1: the guest has no AVX; value 2: XGETBV does not show "
			      "what XSETBV set on this host (PVM)" },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * TlbLocked on VP1: a flush of VP1 from VP0's VTL0 with no lock
		 * (success); with VP1's VTL1 holding the lock, the flush succeeds
		 * only once VTL1 let go (tlb_state 2), had not returned when the
		 * 50 ms hold ended (0), and returned before VTL1 did when VTL1
		 * cleared the bit (1), not when it returned holding it (0).
		 */
		.name = "vsm-tlb-lock",
		.kernel = "@/guests/vsm_tlb_lock.elf",
		.args = { SERVICE, "--cpus", "2" },
		.stages = { { 1, 0 }, { 2, 0 }, { 3, 2 }, { 4, 0 }, { 5, 1 }, { 6, 0 }, { 7, 2 },
			    { 8, 0 }, { 9, 0 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * Cluster IPIs aimed at VTL1 before it exists: InvalidVtlState
		 * (0x51) fast and Ex, the Ex input aimed at VTL0 accepted; once
		 * VTL1 is enabled, an Ex set naming VP 64 only brings VTL1 no IPI,
		 * one naming VP0 one IPI, by one interrupt entry (reason 2).
		 */
		.name = "vsm-ipi-vtl",
		.kernel = "@/guests/vsm_ipi_vtl.elf",
		.args = { SERVICE },
		.stages = { { 1, 0x51 }, { 2, 0x51 }, { 3, 0 }, { 4, 0 }, { 5, 1 }, { 6, 1 },
			    { 7, 2 } },
		.expect_done = true, .status = PASS,
	},
};
const unsigned int nr_vsm_guest_cases = sizeof(vsm_guest_cases) / sizeof(vsm_guest_cases[0]);
