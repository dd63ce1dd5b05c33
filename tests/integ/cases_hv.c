// SPDX-License-Identifier: MIT
/*
 * The Hyper-V guest cases (tests/guests/hv_*.c): one fresh vtlvm per row, as
 * in tests/integ/cases.c. Each guest derives what it expects from CPUID
 * 0x40000003, so the same guest runs under every privilege and feature mask;
 * the rows pin what it reports.
 *
 * What vtlvm advertises (hv/hv.c hv_features_init), as the rows expect it:
 */
#include "tests/integ/integ.h"


/*
 * CPUID 0x40000003 EAX: VP runtime, reference counter, SynIC, timers, hypercall
 * MSRs, VP index, reference TSC, frequencies
 */
#define PRIV_EAX	0xa6fULL
/*
 * CPUID 0x40000003 EBX: PostMessages, SignalEvents, and with hyperv:vsm (on by
 * default) AccessVsm, AccessVpRegisters, StartVirtualProcessor
 */
#define PRIV_EBX	0x230030ULL
/* CPUID 0x40000003 EDX: XMM input, frequency MSRs, crash MSRs, XMM output, direct timers */
#define FEATURES	0x88510ULL
/* CPUID 0x40000004 EAX: remote flush, relaxed timing, deprecate AutoEOI, cluster IPI, Ex masks */
#define HINTS		0xe24ULL
#define VERSION_BUILD	17763		/* Windows Server 2019 */
#define VERSION_MAJMIN	0x000a0000	/* 10.0 */
#define HV_CPUID_MAX	0x4000000a
#define HV_SIGNATURE	0x31237648	/* "Hv#1" */

/* hv_cpuid.c: stages 3..15 for a partition with this EAX, EBX, EDX, hints and VP count. */
#define CPUID_STAGES(eax, ebx, edx, hints, vps)					\
	{ 1, 1 }, { 2, 1 }, { 3, HV_CPUID_MAX }, { 4, HV_SIGNATURE },		\
	{ 5, VERSION_BUILD }, { 6, VERSION_MAJMIN }, { 7, (eax) }, { 8, (ebx) },	\
	{ 9, 0 }, { 10, (edx) }, { 11, (hints) }, { 12, 0xffffffff }, { 13, (vps) },	\
	{ 14, (vps) }, { 15, 0 }

const struct guest_case hv_guest_cases[] = {
	{
		.name = "hv-cpuid",
		.kernel = "@/guests/hv_cpuid.elf",
		.args = { "--hv-flush-hint", "on" },
		.stages = { CPUID_STAGES(PRIV_EAX, PRIV_EBX, FEATURES, HINTS, 1) },
		.expect_done = true, .status = PASS,
	}, {
		/* The flush hint follows hyperv:flush_hint; the VP limits follow vm:cpus. */
		.name = "hv-cpuid-2cpus-no-flush-hint",
		.kernel = "@/guests/hv_cpuid.elf",
		.args = { "--cpus", "2", "--hv-flush-hint", "off" },
		.stages = { CPUID_STAGES(PRIV_EAX, PRIV_EBX, FEATURES, HINTS & ~0x4ULL, 2) },
		.expect_done = true, .status = PASS,
	}, {
		/* Masks only withhold: bits outside what vtlvm implements never appear. */
		.name = "hv-cpuid-masked",
		.kernel = "@/guests/hv_cpuid.elf",
		.args = { "--hv-flush-hint", "on", "--hv-privileges", "0xfffdfffffffffffb",
			  "--hv-features", "0xffff7fef", "--hv-hints", "0x20" },
		.stages = { CPUID_STAGES(PRIV_EAX & ~0x4ULL, PRIV_EBX & ~0x20000ULL,
					 FEATURES & ~0x8010ULL, 0x20, 1) },
		.expect_done = true, .status = PASS,
	}, {
		/* hyperv:vsm = off: no AccessVsm, AccessVpRegisters, StartVirtualProcessor, SynIC. */
		.name = "hv-cpuid-vsm-off",
		.kernel = "@/guests/hv_cpuid.elf",
		.args = { "--hv-flush-hint", "on", "--hv-vsm", "off" },
		.stages = { CPUID_STAGES(PRIV_EAX & ~0x4ULL, PRIV_EBX & ~0x230000ULL, FEATURES,
					 HINTS, 1) },
		.expect_done = true, .status = PASS,
	}, {
		.name = "hv-cpuid-hyperv-off",
		.kernel = "@/guests/hv_cpuid.elf",
		.args = { "--hyperv", "off" },
		.stages = { { 1, 1 }, { 2, 0 }, { 3, 0x200 }, { 4, 0x200 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * hv_msr.c: 78 rows, 14 of them never granted. Stage 5 counts the
		 * accesses that raised #GP: 19 granted rows expect one, and the 14
		 * never-granted rows make one access each.
		 */
		.name = "hv-msr",
		.kernel = "@/guests/hv_msr.elf",
		.args = { "--cpus", "2" },
		.stages = { { 1, PRIV_EBX << 32 | PRIV_EAX }, { 2, FEATURES }, { 3, 78 }, { 4, 64 },
			    { 5, 33 }, { 6, 1 } },
		.expect_done = true, .status = PASS,
	}, {
		/* No privileges: only the crash MSRs (a feature) remain; the AP's VP_INDEX #GPs. */
		.name = "hv-msr-no-privileges",
		.kernel = "@/guests/hv_msr.elf",
		.args = { "--cpus", "2", "--hv-privileges", "0" },
		.stages = { { 1, 0 }, { 2, FEATURES }, { 3, 78 }, { 4, 9 }, { 5, 101 },
			    { 6, ~1ULL } },
		.expect_done = true, .status = PASS,
	}, {
		/* No SynIC, no synthetic timers. */
		.name = "hv-msr-no-synic-no-timers",
		.kernel = "@/guests/hv_msr.elf",
		.args = { "--hv-privileges", "0xfffffffffffffff3" },
		.stages = { { 1, PRIV_EBX << 32 | (PRIV_EAX & ~0xcULL) }, { 2, FEATURES },
			    { 3, 78 }, { 4, 35 }, { 5, 71 } },
		.expect_done = true, .status = PASS,
	}, {
		/* No features: the crash MSRs and direct-mode timers go. */
		.name = "hv-msr-no-features",
		.kernel = "@/guests/hv_msr.elf",
		.args = { "--hv-features", "0" },
		/* Without features: the crash, direct-timer and frequency rows #GP too. */
		.stages = { { 1, PRIV_EBX << 32 | PRIV_EAX }, { 2, 0 }, { 3, 78 }, { 4, 49 },
			    { 5, 49 } },
		.expect_done = true, .status = PASS,
	}, {
		/* hv_hcall.c: 35 rows, then the callers the TLFS forbids (its header). */
		.name = "hv-hcall",
		.kernel = "@/guests/hv_hcall.elf",
		.args = { "--cpus", "2" },
		.stages = { { 1, 6 }, { 2, 35 }, { 3, 0 }, { 4, 6 },
			    { 5, 1ULL << 32 }, { 6, 0 }, { 7, 2 }, { 8, 6 },
			    { 9, 16 | 2 << 16 /* element 0 kept; success, 2 reps done */ },
			    { 10, 6 } },
		.expect_done = true, .status = PASS,
		.stderr_has = { "unknown hypercall 0x7fff" },
	}, {
		/*
		 * No AccessVpRegisters, PostMessages, SignalEvents: the 20 rows that
		 * need one are ACCESS_DENIED, before any other check; so are the
		 * 32-bit calls (nothing written, no #UD for the XMM output).
		 */
		.name = "hv-hcall-denied",
		.kernel = "@/guests/hv_hcall.elf",
		.args = { "--hv-privileges", "0xfffdffcfffffffff" },
		.stages = { { 1, 6 }, { 2, 35 }, { 3, 20 }, { 4, 6 }, { 5, 6 },
			    { 6, 0xffffffff }, { 7, 2 }, { 8, 0 },
			    { 9, 16 | 6 << 8 /* nothing written: ACCESS_DENIED, 0 reps */ } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * A raw `out` to the hypercall port from CPL3 with IOPL 3 (so the CPU
		 * lets it through): the VMM sees CPL3 and injects #UD. Hosts that keep
		 * IOPL at 0 in ring 3 (kvm_pvm) #GP it first: skipped there.
		 */
		.name = "hv-hcall-raw-out-cpl3",
		.kernel = "@/guests/hv_hcall.elf",
		.args = { "--append", "raw-out" },
		.stages = { { 1, 6 } },
		.skip = { 90, "the host keeps IOPL 0 at CPL3, so the raw out #GPs in the guest" },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * hv_stub.c: the stub of hv/hcall_page.h as two little-endian qwords,
		 * 4080 int3 after it, 9 calls that preserve every register but their
		 * outputs, and the RAM under the page back once it is disabled.
		 */
		.name = "hv-stub",
		.kernel = "@/guests/hv_stub.elf",
		.stages = { { 1, 0x755803a8c88c509cULL }, { 2, 0x0b0f9dc3e4e69d04ULL },
			    { 3, 4096 - 16 - 2 * 19 }, { 4, 9 }, { 5, 4096 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * hv_xmm.c: 12 rows; 3 IPIs reach each VP (sparse and all-VP
		 * SendSyntheticClusterIpiEx through XMM, SendSyntheticClusterIpi in
		 * RDX/R8); the AP reads VP index 1 through XMM output.
		 */
		.name = "hv-xmm",
		.kernel = "@/guests/hv_xmm.elf",
		.args = { "--cpus", "2" },
		.stages = { { 1, FEATURES }, { 2, 12 }, { 3, 0 }, { 4, 3 }, { 5, 0 }, { 6, 1 },
			    { 7, 3 } },
		.expect_done = true, .status = PASS,
	}, {
		/* No XMM input: every row but the 16-byte IPI is #UD; so is the AP's call. */
		.name = "hv-xmm-no-xmm-input",
		.kernel = "@/guests/hv_xmm.elf",
		.args = { "--cpus", "2", "--hv-features", "0xffffffef" },
		.stages = { { 1, FEATURES & ~0x10ULL }, { 2, 12 }, { 3, 11 }, { 4, 1 }, { 5, 6 },
			    { 6, ~0ULL }, { 7, 1 } },
		.expect_done = true, .status = PASS,
	}, {
		/* No XMM output: the 5 GetVpRegisters rows are #UD; SetVpRegisters and IPIs work. */
		.name = "hv-xmm-no-xmm-output",
		.kernel = "@/guests/hv_xmm.elf",
		.args = { "--cpus", "2", "--hv-features", "0xffff7fff" },
		.stages = { { 1, FEATURES & ~0x8000ULL }, { 2, 12 }, { 3, 5 }, { 4, 3 }, { 5, 6 },
			    { 6, ~0ULL }, { 7, 3 } },
		.expect_done = true, .status = PASS,
	},
};
const unsigned int nr_hv_guest_cases = sizeof(hv_guest_cases) / sizeof(hv_guest_cases[0]);
