/* SPDX-License-Identifier: MIT */
/*
 * vmm/kvm_sys.h -- the only way into /dev/kvm.
 *
 * Every ioctl(2) in vtlvm goes through this file, so unit tests can
 * --wrap=kvm_sys_* and run the rest of the VMM without KVM. Keep it tiny.
 *
 * All functions return a non-negative ioctl result or -errno; none of them
 * exits. Failures are logged at debug level with the ioctl's name: the
 * caller, which knows what it was doing, reports the error.
 */
#ifndef VTLVM_KVM_SYS_H
#define VTLVM_KVM_SYS_H

#include <sys/ioctl.h>

#include "vmm/types.h"
#include "vmm/uapi/kvm_compat.h"

/* ioctl with a pointer argument; the argument's type is checked against cmd. */
#define kvm_sys_ioctl(fd, cmd, arg) ({						\
	_Static_assert(!_IOC_SIZE(cmd) || sizeof(*(arg)) == _IOC_SIZE(cmd),	\
		       #cmd ": wrong argument type");				\
	kvm_sys_ioctl_raw(fd, cmd, #cmd, arg); })

/* ioctl whose argument is a plain integer (KVM_CREATE_VCPU, KVM_SET_TSS_ADDR...). */
#define kvm_sys_ioctl_val(fd, cmd, val) \
	kvm_sys_ioctl_val_raw(fd, cmd, #cmd, (unsigned long)(val))

int kvm_sys_ioctl_raw(int fd, unsigned long cmd, const char *name, void *arg) __must_check;
int kvm_sys_ioctl_val_raw(int fd, unsigned long cmd, const char *name,
			  unsigned long val) __must_check;

/* Open the KVM device read-write, close-on-exec; *fd on success. */
int kvm_sys_open(const char *path, int *fd) __must_check;
/* KVM_CHECK_EXTENSION on a system or VM fd: the value, 0 if absent or on error. */
int kvm_sys_check_extension(int fd, long cap);
/*
 * KVM_RUN: 0 when the vCPU exited, else -errno. A run cut short by a signal
 * or by immediate_exit returns 0 with run->exit_reason = KVM_EXIT_INTR
 * (KVM leaves the previous reason there in the immediate_exit case).
 */
int kvm_sys_vcpu_run(int vcpu_fd, struct kvm_run *run) __must_check;
/* Map a vCPU's struct kvm_run (size from KVM_GET_VCPU_MMAP_SIZE). */
int kvm_sys_map_run(int vcpu_fd, size_t size, struct kvm_run **run) __must_check;
void kvm_sys_unmap_run(struct kvm_run *run, size_t size);

#endif /* VTLVM_KVM_SYS_H */
