// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "mem: " fmt
#include "mem/gmem.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmm/kvm_sys.h"
#include "vmm/log.h"

static int create_guest_memfd(int vm_fd, u64 size, int *fd)
{
	struct kvm_create_guest_memfd args = {
		.size = size,
		.flags = GMEM_REQUIRED_FLAGS,
	};
	int ret = kvm_sys_ioctl(vm_fd, KVM_CREATE_GUEST_MEMFD, &args);

	if (ret < 0)
		return ret;
	*fd = ret;
	return 0;
}

static int create_memfd(u64 size, int *fd)
{
	int ret = memfd_create("vtlvm-ram", MFD_CLOEXEC);

	if (ret < 0)
		return -errno;
	if (ftruncate(ret, size)) {
		int err = -errno;

		close(ret);
		return err;
	}
	*fd = ret;
	return 0;
}

int gmem_init(struct gmem *m, int vm_fd, const struct layout *l, enum mem_backend backend,
	      u64 gmem_flags)
{
	bool have_gmem = (gmem_flags & GMEM_REQUIRED_FLAGS) == GMEM_REQUIRED_FLAGS;
	int ret;

	*m = (struct gmem) { .fd = -1, .size = l->ram_size, .layout = *l };
	if (backend == MEM_BACKEND_GUEST_MEMFD && !have_gmem) {
		pr_err("guest_memfd with MMAP and INIT_SHARED is not offered by this kernel");
		return -EOPNOTSUPP;
	}
	if (backend != MEM_BACKEND_MEMFD && have_gmem) {
		ret = create_guest_memfd(vm_fd, m->size, &m->fd);
		if (ret && backend == MEM_BACKEND_GUEST_MEMFD) {
			pr_err("cannot create guest_memfd: %s", strerror(-ret));
			return ret;
		}
		m->is_guest_memfd = !ret;
	}
	if (m->fd < 0) {
		ret = create_memfd(m->size, &m->fd);
		if (ret) {
			pr_err("cannot create memfd for %llu bytes of RAM: %s",
			       (unsigned long long)m->size, strerror(-ret));
			return ret;
		}
	}
	m->base = mmap(NULL, m->size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		       m->fd, 0);
	if (m->base == MAP_FAILED) {
		ret = -errno;
		pr_err("cannot map %llu bytes of RAM: %s", (unsigned long long)m->size,
		       strerror(-ret));
		close(m->fd);
		m->fd = -1;
		m->base = NULL;
		return ret;
	}
	return 0;
}

void gmem_exit(struct gmem *m)
{
	if (m->base)
		munmap(m->base, m->size);
	if (m->fd >= 0)
		close(m->fd);
	m->base = NULL;
	m->fd = -1;
}

const char *gmem_backend_name(const struct gmem *m)
{
	return m->is_guest_memfd ? "guest_memfd" : "memfd";
}

/* File offset of RAM range i: the ranges are stored back to back. */
static u64 range_file_offset(const struct gmem *m, unsigned int i)
{
	u64 off = 0;

	for (unsigned int j = 0; j < i; j++)
		off += m->layout.ram[j].size;
	return off;
}

int gmem_map_slots(const struct gmem *m, int vm_fd, bool bind_guest_memfd)
{
	for (unsigned int i = 0; i < m->layout.nr_ram; i++) {
		const struct mem_range *r = &m->layout.ram[i];
		u64 off = range_file_offset(m, i);
		struct kvm_userspace_memory_region2 slot = {
			.slot = i,
			.guest_phys_addr = r->start,
			.memory_size = r->size,
			.userspace_addr = (u64)(uintptr_t)(m->base + off),
		};
		int ret;

		if (bind_guest_memfd && m->is_guest_memfd) {
			slot.flags = KVM_MEM_GUEST_MEMFD;
			slot.guest_memfd = m->fd;
			slot.guest_memfd_offset = off;
			ret = kvm_sys_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION2, &slot);
		} else {
			struct kvm_userspace_memory_region plain = {
				.slot = slot.slot,
				.guest_phys_addr = slot.guest_phys_addr,
				.memory_size = slot.memory_size,
				.userspace_addr = slot.userspace_addr,
			};

			ret = kvm_sys_ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &plain);
		}
		if (ret < 0) {
			pr_err("cannot map RAM [%#llx, %#llx) into the VM: %s",
			       (unsigned long long)r->start,
			       (unsigned long long)(r->start + r->size), strerror(-ret));
			return ret;
		}
	}
	return 0;
}

void *gmem_hva(const struct gmem *m, gpa_t gpa, u64 len)
{
	u64 off = 0;

	for (unsigned int i = 0; i < m->layout.nr_ram; i++) {
		const struct mem_range *r = &m->layout.ram[i];

		if (range_within(gpa, len, r->start, r->size))
			return m->base + off + (gpa - r->start);
		off += r->size;
	}
	return NULL;
}

int gmem_read(const struct gmem *m, gpa_t gpa, void *buf, u64 len)
{
	void *src = gmem_hva(m, gpa, len);

	if (!src)
		return -EFAULT;
	memcpy(buf, src, len);
	return 0;
}

int gmem_write(const struct gmem *m, gpa_t gpa, const void *buf, u64 len)
{
	void *dst = gmem_hva(m, gpa, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, buf, len);
	return 0;
}

int gmem_fill(const struct gmem *m, gpa_t gpa, u8 byte, u64 len)
{
	void *dst = gmem_hva(m, gpa, len);

	if (!dst)
		return -EFAULT;
	memset(dst, byte, len);
	return 0;
}
