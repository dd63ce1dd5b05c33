/* SPDX-License-Identifier: MIT */
/*
 * vmm/vm.h -- the partition: one KVM VM per Virtual Trust Level, one RAM
 * backing, the device buses, the virtual processors and the event loop.
 *
 * Life cycle (cli/main.c drives it):
 *   vm_create()  runs the init stages of vmm/init.c; nothing runs yet
 *   (privileges are dropped by the caller here)
 *   vm_run()     starts one thread per VP, runs the event loop on the calling
 *                thread until something stops the VM, joins the VPs and
 *                returns the exit status (vmm/status.h)
 *   vm_destroy() undoes vm_create()
 *
 * Ownership: struct vm owns every fd and mapping it holds. After vm_run()
 * starts the VPs, the buses and the layout are read-only; device state is
 * guarded by each device's own lock; stop state is atomic.
 *
 * Only VTL0's VM exists at creation; vtl[1..] stay at fd -1 until the guest
 * enables a higher VTL.
 */
#ifndef VTLVM_VM_H
#define VTLVM_VM_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

#include "devices/bus.h"
#include "devices/platform.h"
#include "mem/gmem.h"
#include "mem/layout.h"
#include "mem/loader.h"
#include "vmm/caps.h"
#include "vmm/config.h"
#include "vmm/loop.h"
#include "vmm/types.h"

struct vcpu;
struct kvm_cpuid2;
struct hv;
struct hv_timer_source;
struct vsm;
struct serial8250;
struct testdev;
struct cmos;
struct fwcfg;
struct acpi_pm;
struct sysreset;

struct vm_vtl {
	int fd;			/* KVM VM fd, -1 until this VTL is enabled */
	struct kvm_cpuid2 *cpuid;	/* above VTL0: base CPUID with this VTL's Hyper-V leaves */
};

/* An XSAVE component the VTLs share: where it sits in the standard-format image. */
struct xsave_component {
	u32 feature;		/* XSTATE_BV bit */
	u32 offset, size;
};

struct vm_devices {
	struct serial8250 *serial;
	struct testdev *testdev;
	struct cmos *cmos;
	struct fwcfg *fwcfg;
	struct acpi_pm *pm;
	struct sysreset *reset;
};

struct vm {
	const struct vm_config *cfg;
	int kvm_fd;
	struct kvm_caps caps;
	size_t run_size;		/* mmap size of struct kvm_run */
	struct vm_vtl vtl[VTL_MAX];

	struct layout layout;
	struct gmem mem;
	struct bus pio, mmio;
	struct platform platform;	/* what devices see of the VM */
	struct vm_devices dev;
	struct boot_state boot;		/* BSP entry state from the loader */
	gpa_t acpi_rsdp;
	struct kvm_cpuid2 *cpuid;	/* base CPUID, patched per vCPU */
	struct hv *hv;			/* the Hyper-V interface; NULL if hyperv:enabled = off */
	struct vsm *vsm;		/* VSM (vtl/vsm.h); NULL if hyperv:vsm = off */
	pthread_mutex_t vtl_lock;	/* creating VTL VMs (vCPUs: on their VP thread) */
	size_t xsave_size;		/* KVM_GET_XSAVE2 image size */
	struct xsave_component xsave_shared[8];	/* x87/SSE, AVX, AVX-512 */
	unsigned int nr_xsave_shared;
	u64 xsave_shared_mask;		/* their XSTATE_BV bits */
	struct hv_timer_source **hv_timers;	/* event-loop sources of its timers */
	unsigned int nr_hv_timers;

	unsigned int nr_vcpus;
	struct vcpu **vcpus;

	struct loop loop;
	struct loop_source stop_src, signal_src, timer_src, console_src, space_src;
	int stop_efd;
	sigset_t saved_sigmask;		/* the caller's, restored at teardown */
	bool sigmask_saved;
	atomic_bool stopping;
	atomic_int stop_status;
	u64 start_ns;			/* CLOCK_MONOTONIC at vm_create() */
	int fail_status;		/* exit status for an init failure */
	unsigned int stages_done;
};

int vm_create(const struct vm_config *cfg, struct vm **out) __must_check;
/* The exit status vm_create()'s failure maps to (usage, host...). */
int vm_create_fail_status(const struct vm *vm);
int vm_run(struct vm *vm);
void vm_destroy(struct vm *vm);
/*
 * Ask the VM to stop with this status. The first request wins; callable from
 * any thread, including vCPU threads and device callbacks.
 */
void vm_request_stop(struct vm *vm, int status, const char *why);
static inline bool vm_stopping(const struct vm *vm)
{
	return atomic_load(&vm->stopping);
}

/*
 * What every VTL's KVM VM gets: the TSS and identity-map pages, MSR exits to
 * the VMM for unknown, invalid and filtered MSRs, and for VTL0 (irqchip) the
 * in-kernel LAPIC/IOAPIC/PIC and PIT.
 */
int vm_setup_kvm_vm(struct vm *vm, int fd, bool irqchip) __must_check;

/* Drive a GSI of VTL0's in-kernel irqchip. */
void vm_set_irq(struct vm *vm, u32 gsi, int level);

/* Init stages (vmm/init.c runs them in order, undoing on failure). */
int vm_stage_kvm_init(struct vm *vm);
void vm_stage_kvm_exit(struct vm *vm);
int vm_stage_vtl0_init(struct vm *vm);
void vm_stage_vtl0_exit(struct vm *vm);
int vm_stage_mem_init(struct vm *vm);
void vm_stage_mem_exit(struct vm *vm);
int vm_stage_loop_init(struct vm *vm);
void vm_stage_loop_exit(struct vm *vm);

#endif /* VTLVM_VM_H */
