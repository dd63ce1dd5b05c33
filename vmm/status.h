/* SPDX-License-Identifier: MIT */
/*
 * vmm/status.h -- vtlvm's exit statuses (documented in README.md).
 *
 * vtlvm's own outcomes use even numbers so that they can never be confused
 * with the test-exit port, which yields odd ones: a guest writing v to port
 * 0xf4 ends vtlvm with (v << 1) | 1, the convention of QEMU's isa-debug-exit.
 */
#ifndef VTLVM_STATUS_H
#define VTLVM_STATUS_H

enum vtlvm_status {
	VTLVM_EXIT_POWEROFF	= 0,	/* ACPI S5 power-off, or Ctrl-A x */
	VTLVM_EXIT_USAGE	= 2,	/* bad flag, config or image; nothing ran */
	VTLVM_EXIT_HOST		= 4,	/* /dev/kvm or another host resource failed */
	VTLVM_EXIT_TRIPLE_FAULT	= 6,	/* the guest triple-faulted (KVM_EXIT_SHUTDOWN) */
	VTLVM_EXIT_GUEST_CRASH	= 8,	/* KVM could not run the guest: internal error,
					   failed entry, unhandled exit */
	VTLVM_EXIT_RESET	= 10,	/* the guest asked for a reset */
	VTLVM_EXIT_TIMEOUT	= 12,	/* vm:timeout expired */
	VTLVM_EXIT_GUEST_PANIC	= 14,	/* the guest reported a crash */
	VTLVM_EXIT_SIGNAL_BASE	= 128,	/* + signal number (vmm/events.h lists the signals) */
};

/* The status for a value written to the test-exit port. */
static inline int vtlvm_test_exit_status(unsigned int v)
{
	return ((v << 1) | 1) & 0xff;
}

#endif /* VTLVM_STATUS_H */
