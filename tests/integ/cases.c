// SPDX-License-Identifier: MIT
/*
 * The integration cases: one fresh vtlvm per row (tests/integ/integ.h).
 * Exit statuses: vmm/status.h; a guest that finishes writes 0 to the test
 * exit port, which makes status 1; a guest assert writes 1 (status 3).
 */
#include "tests/integ/integ.h"


const struct guest_case guest_cases[] = {
	{
		.name = "hello",
		.kernel = "@/guests/hello.elf",
		.stages = { { 1, 0 }, { 2, 0x1234 } },
		.expect_done = true, .status = PASS,
		.stdout_has = "hello from vtlvm test guest",
	}, {
		.name = "timeout",
		.kernel = "@/guests/echo.elf",	/* idles forever without input */
		.args = { "--timeout", "1" },
		.stages = { { 1, 0 } },
		.status = 12,
		.stderr_has = { "timeout: the guest was still running after 1 s" },
	}, {
		.name = "run-as-user-nobody",
		.kernel = "@/guests/hello.elf",
		.args = { "--user", "nobody" },
		.stages = { { 1, 0 }, { 2, 0x1234 } },
		.expect_done = true, .status = PASS,
	}, {
		.name = "unknown-user",
		.kernel = "@/guests/hello.elf",
		.args = { "--user", "no-such-user-vtlvm" },
		.status = 4,
		.stderr_has = { "no user named 'no-such-user-vtlvm'" },
	}, {
		.name = "exceptions",
		.kernel = "@/guests/exceptions.elf",
		.stages = { { 1, 0 }, { 2, 0 }, { 3, 1 } },
		.expect_done = true, .status = PASS,
		.stderr_has = { "rdmsr of unknown msr 0xdeadbeef: injecting #GP" },
	}, {
		.name = "smp-2",
		.kernel = "@/guests/smp.elf",
		.args = { "--cpus", "2" },
		.stages = { { 1, 2 }, { 2, 0x3 }, { 3, 0x3 } },
		.expect_done = true, .status = PASS,
	}, {
		.name = "smp-4",
		.kernel = "@/guests/smp.elf",
		.args = { "--cpus", "4" },
		.stages = { { 1, 4 }, { 2, 0xf }, { 3, 0xf } },
		.expect_done = true, .status = PASS,
	}, {
		.name = "memory-64M",
		.kernel = "@/guests/memory.elf",
		.stages = { { 1, 64 << 20 }, { 2, ANY_VALUE } },
		.expect_done = true, .status = PASS,
	}, {
		.name = "memory-memfd",
		.kernel = "@/guests/memory.elf",
		.args = { "--memory-backend", "memfd", "--memory", "32M" },
		.stages = { { 1, 32 << 20 }, { 2, ANY_VALUE } },
		.expect_done = true, .status = PASS,
	}, {
		.name = "unclaimed-io-reads-all-ones",
		.kernel = "@/guests/badio.elf",
		.stages = { { 1, 0 }, { 2, 0 }, { 3, 0 } },
		.expect_done = true, .status = PASS,
		.stderr_has = { "unhandled port read 0x1234 (1 bytes)",
				"unhandled mmio write 0xd0000000 (4 bytes)" },
		/* 200 reads of one port: the rate limiter keeps the log short. */
		.max_stderr_lines = 30,
	}, {
		.name = "triple-fault",
		.kernel = "@/guests/triplefault.elf",
		.stages = { { 1, 0 } },
		.status = 6,
		.stderr_has = { "guest triple fault", "RIP 0000", "CR0 " },
	}, {
		/*
		 * tests/guests/bzimage: the values repeat bzimage_test.h. Stage 5
		 * (ACPI RSDP) needs the tables of devices/acpi.c.
		 */
		.name = "bzimage-boot",
		.kernel = "@/guests/bzimage/bzImage",
		.args = { "--initrd", "@/guests/bzimage/initrd.img",
			  "--append", "console=ttyS0 rdinit=/init vtlvm.test=bzimage-boot" },
		.stages = { { 1, 0x020f }, { 2, 50 }, { 3, 49156 }, { 4, 64 << 20 },
			    { 5, ANY_VALUE } },
		.expect_done = true, .status = PASS,
		.stdout_has = "bzimage guest: command line "
			      "\"console=ttyS0 rdinit=/init vtlvm.test=bzimage-boot\"",
	}, {
		.name = "bzimage-truncated",
		.kernel = "@/testdata/bzimage-truncated",
		.status = 2, .max_stderr_lines = 1,
		.stderr_has = { "testdata/bzimage-truncated: truncated: 1024 bytes of setup" },
	}, {
		.name = "bzimage-protocol-too-old",
		.kernel = "@/testdata/bzimage-proto-2.11",
		.status = 2, .max_stderr_lines = 1,
		.stderr_has = { "testdata/bzimage-proto-2.11: boot protocol 2.11 is too old" },
	}, {
		.name = "bzimage-no-64bit-entry",
		.kernel = "@/testdata/bzimage-no-kernel64",
		.status = 2, .max_stderr_lines = 1,
		.stderr_has = { "testdata/bzimage-no-kernel64: boot protocol 2.15 kernel has no "
				"64-bit entry point" },
	}, {
		.name = "bzimage-memory-too-small-for-init-size",
		.kernel = "@/testdata/bzimage-init-size-16M",
		.args = { "--memory", "8M" },
		.status = 2, .max_stderr_lines = 1,
		.stderr_has = { "testdata/bzimage-init-size-16M: kernel with its init_size "
				"[0x100000, 0x1100000) does not fit in guest RAM (8 MiB)" },
	}, {
		/*
		 * tests/guests/multiboot/mbtest.c expects this command line and
		 * these two modules. Its stages: 1 the info flags (0x24d: memory,
		 * cmdline, mods, mmap, boot loader name), 2 RAM in bytes, 3 the
		 * command line's length, 4 the module count. The runner expands
		 * "@/" at the start of an argument and after each comma.
		 */
		.name = "multiboot-elf",
		.kernel = "@/guests/multiboot.elf",
		.args = { "--append", "mbtest a=1 b=two,three", "--initrd",
			  "@/testdata/mb-mod1.bin arg1 x=1,@/testdata/mb-mod2.bin" },
		.stages = { { 1, 0x24d }, { 2, 64 << 20 }, { 3, 22 }, { 4, 2 } },
		.expect_done = true, .status = PASS,
	}, {
		.name = "multiboot-elf-ram-above-4g",
		.kernel = "@/guests/multiboot.elf",
		.args = { "--append", "mbtest a=1 b=two,three", "--initrd",
			  "@/testdata/mb-mod1.bin arg1 x=1,@/testdata/mb-mod2.bin",
			  "--memory", "3200M" },
		.stages = { { 1, 0x24d }, { 2, 3200ULL << 20 }, { 3, 22 }, { 4, 2 } },
		.expect_done = true, .status = PASS,
	}, {
		.name = "multiboot-aout-kludge",
		.kernel = "@/guests/multiboot-aout.bin",
		.args = { "--append", "mbtest a=1 b=two,three", "--initrd",
			  "@/testdata/mb-mod1.bin arg1 x=1,@/testdata/mb-mod2.bin",
			  "--memory", "40M" },
		.stages = { { 1, 0x24d }, { 2, 40 << 20 }, { 3, 22 }, { 4, 2 } },
		.expect_done = true, .status = PASS,
	}, {
		/* Powering off through PM1a_CNT ends the VM before any DONE: status 0. */
		.name = "acpi-1cpu",
		.kernel = "@/guests/acpi.elf",
		.stages = { { 1, 0xe0000 }, { 2, 1 }, { 3, 5 } },
		.status = 0,
	}, {
		.name = "acpi-2cpus",
		.kernel = "@/guests/acpi.elf",
		.args = { "--cpus", "2" },
		.stages = { { 1, 0xe0000 }, { 2, 2 }, { 3, 5 } },
		.status = 0,
	}, {
		/* Whatever GSI the MADT gives ISA IRQ0, the PIT's interrupts arrive there. */
		.name = "pit-irq0-where-madt-says",
		.kernel = "@/guests/pit_irq.elf",
		.stages = { { 1, ANY_VALUE }, { 2, ANY_VALUE } },
		.expect_done = true, .status = PASS,
	}, {
		.name = "fwcfg",
		.kernel = "@/guests/fwcfg.elf",
		.args = { "--cpus", "2", "--memory", "96M" },
		/* ID 3: traditional and DMA; 4 e820 entries below 4 GiB. */
		.stages = { { 1, 3 }, { 2, 96 << 20 }, { 3, 4 }, { 4, 0 } },
		.expect_done = true, .status = PASS,
		.stderr_has = { "dma write to item 0x0000 refused",
				"dma read of 4 bytes to 0xe0000000: not guest RAM" },
	}, {
		.name = "rtc",
		.kernel = "@/guests/rtc.elf",
		/* 63 MiB above 1 MiB, in KiB */
		.stages = { { 1, ANY_VALUE }, { 2, ANY_VALUE }, { 3, 2030 }, { 4, 63 * 1024 },
			    { 5, 0 } },
		.expect_done = true, .status = PASS,
	}, {
		/* A reset ends vtlvm with status 10 (VTLVM_EXIT_RESET), before any DONE. */
		.name = "reset-cf9",
		.kernel = "@/guests/reset.elf",
		.args = { "--append", "cf9" },
		.stages = { { 1, 0 } },
		.status = 10,
	}, {
		.name = "reset-kbd",
		.kernel = "@/guests/reset.elf",
		.args = { "--append", "kbd" },
		.stages = { { 1, 0 } },
		.status = 10,
	}, {
		/*
		 * tests/guests/hv_synic.c: each stage counts SINT interrupts, but 3:
		 * the messages accepted before INSUFFICIENT_BUFFERS, the slot plus
		 * HV_SINT_QUEUE_LEN (8) queued.
		 */
		.name = "hv-synic",
		.kernel = "@/guests/hv_synic.elf",
		.args = { "--hv-connections", "1=msg:0:2,2=event:0:3:5" },
		.stages = { { 1, 1 }, { 2, 3 }, { 3, 9 }, { 4, 1 }, { 5, 3 }, { 6, 0 } },
		.expect_done = true, .status = PASS,
	}, {
		/* Stage 7: a message on a connection to VP1 interrupts VP1 once. */
		.name = "hv-synic-2vp",
		.kernel = "@/guests/hv_synic.elf",
		.args = { "--cpus", "2", "--hv-connections", "1=msg:0:2,2=event:0:3:5,3=msg:1:2" },
		.stages = { { 1, 1 }, { 2, 3 }, { 3, 9 }, { 4, 1 }, { 5, 3 }, { 6, 0 }, { 7, 1 } },
		.expect_done = true, .status = PASS,
	}, {
		/* tests/guests/hv_stimer.c: timer interrupts per case; 5: ticks after count 0. */
		.name = "hv-stimer",
		.kernel = "@/guests/hv_stimer.elf",
		.stages = { { 1, 1 }, { 2, 1 }, { 3, 20 }, { 4, 1 }, { 5, 0 }, { 6, 3 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * tests/guests/hv_ipi.c: status << 16 | IPIs per VP, a nibble each
		 * (VP0 lowest); 8-10 are bad vectors (INVALID_PARAMETER, none sent).
		 */
		.name = "hv-ipi",
		.kernel = "@/guests/hv_ipi.elf",
		.args = { "--cpus", "4" },
		.stages = { { 1, 0x1 }, { 2, 0x1110 }, { 3, 0x1111 }, { 4, 0x0101 }, { 5, 0x1010 },
			    { 6, 0x1 }, { 7, 0x1111 }, { 8, 0x50000 }, { 9, 0x50000 },
			    { 10, 0x50000 } },
		.expect_done = true, .status = PASS,
	}, {
		/*
		 * tests/guests/hv_flush.c: 1 the hint, 2 a stale translation seen
		 * (the control, at CPL3), 3-11 each flush form made the new one
		 * visible, on VP0 and on VP1.
		 */
		.name = "hv-flush",
		.kernel = "@/guests/hv_flush.elf",
		.args = { "--cpus", "2", "--hv-flush-hint", "on" },
		.stages = { { 1, 1 }, { 2, 1 }, { 3, 1 }, { 4, 1 }, { 5, 1 }, { 6, 1 }, { 7, 1 },
			    { 8, 1 }, { 9, 1 }, { 10, 1 }, { 11, 1 } },
		.skip = { 90, "the host showed no stale translation (it caches no page walks, "
			      "even at CPL3), so a PV flush cannot be shown to drop one" },
		.expect_done = true, .status = PASS,
	}, {
		.name = "hv-flush-hint-off",
		.kernel = "@/guests/hv_flush.elf",
		.args = { "--hv-flush-hint", "off" },
		.stages = { { 1, 0 } },
		.expect_done = true, .status = PASS,
	}, {
		/* tests/guests/hv_linux_boot.c: max leaf, Linux's guest OS ID, VP indices 0 and 1. */
		.name = "hv-linux-boot",
		.kernel = "@/guests/hv_linux_boot.elf",
		.args = { "--cpus", "2" },
		.stages = { { 1, 0x4000000a }, { 2, 0x810000060c000000 }, { 3, 0x3 }, { 4, 1 },
			    { 5, 1 }, { 6, 6 } },
		.expect_done = true, .status = PASS,
	}, {
		/* CRASH_CTL reads CrashNotify | CrashMessage; a crash ends vtlvm with 14. */
		.name = "hv-crash-notify",
		.kernel = "@/guests/hv_crash.elf",
		.stages = { { 1, 0xc000000000000000 }, { 2, 0x8000000000000000 } },
		.status = 14,
		.stderr_has = { "guest crash reported by vp0 (VTL0): P0 0x1badc0de "
				"P1 0xffffffff81000000 P2 0x2222 P3 0x3333 P4 0x4444" },
	}, {
		.name = "hv-crash-message",
		.kernel = "@/guests/hv_crash.elf",
		.args = { "--append", "msg" },
		.stages = { { 1, 0xc000000000000000 }, { 2, 0xc000000000000000 } },
		.status = 14,
		.stderr_has = { "guest crash reported by vp0 (VTL0): P0 0x1badc0de "
				"P1 0xffffffff81000000 P2 0x2222 P3 0x",
				"guest crash message:\nvtlvm test guest: panic at the disco" },
	},
};
const unsigned int nr_guest_cases = sizeof(guest_cases) / sizeof(guest_cases[0]);

const struct cli_case cli_cases[] = {
	{
		.name = "help",
		.args = { "--help" },
		.status = 0, .stdout_has = "usage: vtlvm run",
	}, {
		.name = "version",
		.args = { "--version" },
		.status = 0, .stdout_has = "vtlvm ",
	}, {
		.name = "unknown-flag",
		.args = { "run", "--frobnicate" },
		.status = 2, .stderr_has = { "'--frobnicate'" },
	}, {
		.name = "unknown-command",
		.args = { "launch" },
		.status = 2, .stderr_has = { "unknown command 'launch'" },
	}, {
		.name = "no-kernel",
		.args = { "run" },
		.status = 2, .stderr_has = { "no kernel to boot" },
	}, {
		.name = "missing-kernel",
		.args = { "run", "--kernel", "/nonexistent/vmlinuz" },
		.status = 2, .stderr_has = { "/nonexistent/vmlinuz: cannot open" },
		.needs_kvm = true,
	}, {
		.name = "missing-initrd",
		.args = { "run", "--kernel", "@/guests/hello.elf", "--initrd", "/nonexistent/initrd" },
		.status = 2, .stderr_has = { "/nonexistent/initrd: cannot open" },
		.needs_kvm = true,
	}, {
		.name = "unreadable-kernel-directory",
		.args = { "run", "--kernel", "/" },
		.status = 2, .stderr_has = { "/: not a regular file" },
		.needs_kvm = true,
	}, {
		.name = "truncated-elf",
		.args = { "run", "--kernel", "@/testdata/truncated.elf" },
		.status = 2, .stderr_has = { "truncated.elf: truncated" },
		.needs_kvm = true,
	}, {
		.name = "not-an-image",
		.args = { "run", "--kernel", "@/testdata/garbage.bin" },
		.status = 2, .stderr_has = { "garbage.bin: not an ELF, bzImage or multiboot image" },
		.needs_kvm = true,
	}, {
		.name = "memory-too-small-for-image",
		.args = { "run", "--kernel", "@/testdata/big.elf", "--memory", "2M" },
		.status = 2, .stderr_has = { "big.elf: segment", "does not fit in guest RAM (2 MiB)" },
		.needs_kvm = true,
	}, {
		.name = "cpus-zero",
		.args = { "run", "--kernel", "@/guests/hello.elf", "--cpus", "0" },
		.status = 2, .stderr_has = { "--cpus: vm:cpus: 0 is out of range" },
	}, {
		/* 255: the MADT's 8-bit APIC IDs; KVM's own limit is checked too where lower. */
		.name = "cpus-too-many",
		.args = { "run", "--kernel", "@/guests/hello.elf", "--cpus", "256" },
		.status = 2, .stderr_has = { "--cpus: vm:cpus: 256 is out of range (1 to 255)" },
	}, {
		.name = "cpus-not-a-number",
		.args = { "run", "--kernel", "@/guests/hello.elf", "--cpus", "two" },
		.status = 2, .stderr_has = { "--cpus: vm:cpus: 'two' is not a number" },
	}, {
		.name = "malformed-size",
		.args = { "run", "--kernel", "@/guests/hello.elf", "--memory", "12Q" },
		.status = 2, .stderr_has = { "--memory: memory:size: '12Q' is not a size" },
	}, {
		.name = "size-overflow",
		.args = { "run", "--kernel", "@/guests/hello.elf", "--memory",
			  "99999999999999999999G" },
		.status = 2, .stderr_has = { "--memory: memory:size:" },
	}, {
		.name = "unknown-ini-key",
		.args = { "run", "--config", "tests/integ/data/unknown-key.ini" },
		.status = 2,
		.stderr_has = { "tests/integ/data/unknown-key.ini:6: unknown key 'memory:szie'" },
	}, {
		.name = "unknown-ini-section",
		.args = { "run", "--config", "tests/integ/data/unknown-section.ini" },
		.status = 2,
		.stderr_has = { "tests/integ/data/unknown-section.ini:4: unknown section [vmm]" },
	}, {
		.name = "bad-ini-value",
		.args = { "run", "--config", "tests/integ/data/bad-value.ini" },
		.status = 2,
		.stderr_has = { "tests/integ/data/bad-value.ini:3: vm:cpus: 'many' is not a number",
				"tests/integ/data/bad-value.ini:6: memory:size: '1X' is not a size" },
	}, {
		.name = "ini-value-cut-by-comment",
		.args = { "run", "--config", "tests/integ/data/hash-in-value.ini" },
		.status = 2,
		.stderr_has = { "tests/integ/data/hash-in-value.ini:4: '#' in an unquoted value "
				"starts a comment" },
	}, {
		.name = "ini-syntax-error",
		.args = { "run", "--config", "tests/integ/data/syntax-error.ini" },
		.status = 2,
		.stderr_has = { "tests/integ/data/syntax-error.ini:3: syntax error: this is not ini" },
	}, {
		.name = "config-is-a-directory",
		.args = { "run", "--config", "tests/integ/data" },
		.status = 2, .stderr_has = { "tests/integ/data: not a regular file" },
	}, {
		.name = "config-is-binary",
		.args = { "run", "--config", "@/testdata/nul.ini" },
		.status = 2, .stderr_has = { "nul.ini:1: binary data (a NUL byte): not an INI file" },
	}, {
		.name = "elf-entry-above-4g",
		.args = { "run", "--kernel", "@/testdata/high.elf", "--memory", "6G" },
		.status = 2,
		.stderr_has = { "high.elf: entry point 0x100100000 is above 4 GiB" },
		.needs_kvm = true,
	}, {
		.name = "missing-config",
		.args = { "run", "--config", "/nonexistent.ini" },
		.status = 2, .stderr_has = { "/nonexistent.ini: cannot read config file" },
	}, {
		.name = "kvm-device-absent",
		.args = { "run", "--kernel", "@/guests/hello.elf", "--kvm-device", "/nonexistent/kvm" },
		.status = 4, .stderr_has = { "cannot open /nonexistent/kvm" },
	}, {
		.name = "kvm-device-not-kvm",
		.args = { "run", "--kernel", "@/guests/hello.elf", "--kvm-device", "/dev/null" },
		.status = 4, .stderr_has = { "/dev/null: not a KVM device" },
	}, {
		.name = "print-config",
		.args = { "run", "--config", "configs/test-guest.ini", "--memory", "1G",
			  "--print-config" },
		.status = 0, .stdout_has = "size = 1G",
	}, {
		.name = "caps",
		.args = { "caps" },
		.status = 0, .stdout_has = "KVM_CAP_IRQCHIP",
		.needs_kvm = true,
	}, {
		.name = "multiboot-bad-checksum",
		.args = { "run", "--kernel", "@/testdata/mb-badsum.bin" },
		.status = 2,
		.stderr_has = { "mb-badsum.bin: not an ELF, bzImage or multiboot image" },
		.needs_kvm = true,
	}, {
		.name = "multiboot-unsupported-flag",
		.args = { "run", "--kernel", "@/testdata/mb-badflag.elf" },
		.status = 2,
		.stderr_has = { "mb-badflag.elf: multiboot kernel requires an unknown feature "
				"(flags bit 5)" },
		.needs_kvm = true,
	}, {
		.name = "multiboot-missing-module",
		.args = { "run", "--kernel", "@/guests/multiboot.elf", "--initrd",
			  "/nonexistent/mb-mod.bin arg=1" },
		.status = 2, .stderr_has = { "/nonexistent/mb-mod.bin: cannot open" },
		.needs_kvm = true,
	}, {
		.name = "multiboot-empty-module",
		.args = { "run", "--kernel", "@/guests/multiboot.elf", "--initrd",
			  "@/testdata/mb-mod1.bin,,x,,, arg" },
		.status = 2,
		.stderr_has = { "multiboot.elf: module list has an element without a path: ' arg'" },
		.needs_kvm = true,
	}, {
		.name = "multiboot-aout-outside-file",
		.args = { "run", "--kernel", "@/testdata/mb-aout-outside-file.bin" },
		.status = 2,
		.stderr_has = { "mb-aout-outside-file.bin: truncated: multiboot load_end_addr" },
		.needs_kvm = true,
	}, {
		.name = "multiboot-aout-outside-ram",
		.args = { "run", "--kernel", "@/testdata/mb-aout-outside-ram.bin",
			  "--memory", "64M" },
		.status = 2,
		.stderr_has = { "mb-aout-outside-ram.bin: multiboot kernel [0x100000, 0xf0000000) "
				"does not fit in guest RAM (64 MiB)" },
		.needs_kvm = true,
	},
};
const unsigned int nr_cli_cases = sizeof(cli_cases) / sizeof(cli_cases[0]);
