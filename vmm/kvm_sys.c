// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "kvm: " fmt
#include "vmm/kvm_sys.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/log.h"

int kvm_sys_ioctl_raw(int fd, unsigned long cmd, const char *name, void *arg)
{
	int ret = ioctl(fd, cmd, arg);

	if (ret < 0) {
		ret = -errno;
		pr_debug("%s: %s", name, strerror(-ret));
	}
	return ret;
}

int kvm_sys_ioctl_val_raw(int fd, unsigned long cmd, const char *name, unsigned long val)
{
	int ret = ioctl(fd, cmd, val);

	if (ret < 0) {
		ret = -errno;
		pr_debug("%s(%#lx): %s", name, val, strerror(-ret));
	}
	return ret;
}

int kvm_sys_open(const char *path, int *fd)
{
	int ret = open(path, O_RDWR | O_CLOEXEC);

	if (ret < 0)
		return -errno;
	*fd = ret;
	return 0;
}

int kvm_sys_check_extension(int fd, long cap)
{
	int ret = ioctl(fd, KVM_CHECK_EXTENSION, cap);

	return ret < 0 ? 0 : ret;
}

int kvm_sys_vcpu_run(int vcpu_fd, struct kvm_run *run)
{
	/* The one place where KVM_RUN's EINTR is absorbed: the caller sees KVM_EXIT_INTR. */
	if (ioctl(vcpu_fd, KVM_RUN, 0) < 0) {
		if (errno != EINTR && errno != EAGAIN)
			return -errno;
		run->exit_reason = KVM_EXIT_INTR;
	}
	return 0;
}

int kvm_sys_map_run(int vcpu_fd, size_t size, struct kvm_run **run)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu_fd, 0);

	if (p == MAP_FAILED)
		return -errno;
	*run = p;
	return 0;
}

void kvm_sys_unmap_run(struct kvm_run *run, size_t size)
{
	if (run)
		munmap(run, size);
}
