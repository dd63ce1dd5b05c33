/* SPDX-License-Identifier: MIT */
/*
 * mem/gmem.h -- guest RAM: one backing file, mapped once, plus the only
 * accessors through which the VMM reads or writes guest memory.
 *
 * The backing is a guest_memfd created on VTL0's VM with the MMAP and
 * INIT_SHARED flags where the kernel offers them, otherwise a memfd. The
 * file holds the RAM ranges of the layout back to back (low RAM at offset 0,
 * RAM above 4 GiB after it) and is mapped once; every VTL VM's memslots point
 * into that one mapping, so all VTLs see the same pages.
 *
 * Accessors check (gpa, len) for overflow and for leaving a RAM range (the
 * MMIO hole, the end of RAM) and fail with -EFAULT instead of touching host
 * memory outside the guest. They do no locking: guest memory is shared with
 * running vCPUs, exactly as a DMA-capable device would see it.
 */
#ifndef VTLVM_GMEM_H
#define VTLVM_GMEM_H

#include "mem/layout.h"
#include "vmm/types.h"

enum mem_backend {
	MEM_BACKEND_AUTO,		/* guest_memfd if available, else memfd */
	MEM_BACKEND_GUEST_MEMFD,
	MEM_BACKEND_MEMFD,
};

struct gmem {
	int fd;
	bool is_guest_memfd;
	u8 *base;		/* host mapping of the whole file */
	u64 size;
	struct layout layout;
};

/* The guest_memfd flags vtlvm needs: mappable, and shared from creation. */
#define GMEM_REQUIRED_FLAGS (GUEST_MEMFD_FLAG_MMAP | GUEST_MEMFD_FLAG_INIT_SHARED)

/*
 * Create and map the RAM backing for layout l. gmem_flags is what the VM
 * reports for KVM_CAP_GUEST_MEMFD_FLAGS (0 if guest_memfd is absent). Asking
 * for MEM_BACKEND_GUEST_MEMFD on a kernel without it fails with -EOPNOTSUPP.
 */
int gmem_init(struct gmem *m, int vm_fd, const struct layout *l, enum mem_backend backend,
	      u64 gmem_flags) __must_check;
void gmem_exit(struct gmem *m);
/*
 * Create the memslots that map all RAM into a VM. bind_guest_memfd makes
 * them guest_memfd slots (only one VM may bind the file: VTL0's).
 */
int gmem_map_slots(const struct gmem *m, int vm_fd, bool bind_guest_memfd) __must_check;
const char *gmem_backend_name(const struct gmem *m);

/* Host address of [gpa, gpa + len) if it lies inside one RAM range, else NULL. */
void *gmem_hva(const struct gmem *m, gpa_t gpa, u64 len);
int gmem_read(const struct gmem *m, gpa_t gpa, void *buf, u64 len) __must_check;
int gmem_write(const struct gmem *m, gpa_t gpa, const void *buf, u64 len) __must_check;
int gmem_fill(const struct gmem *m, gpa_t gpa, u8 byte, u64 len) __must_check;

#endif /* VTLVM_GMEM_H */
