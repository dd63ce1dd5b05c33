/* SPDX-License-Identifier: MIT */
/*
 * devices/bus.h -- PIO and MMIO address decoding.
 *
 * A bus is a sorted table of non-overlapping [base, base + len) ranges, each
 * owned by one device. Devices see offsets from their base, never absolute
 * addresses. Ranges are registered during init only; bus_freeze() runs
 * before the first vCPU starts, after which the table is read-only and
 * lookups need no lock. Each device serialises its own state.
 *
 * An access that no device claims is the caller's business (bus_dispatch()
 * returns false): the exit handler reads all-ones, drops writes and logs a
 * rate-limited warning, with or without debug logging.
 */
#ifndef VTLVM_BUS_H
#define VTLVM_BUS_H

#include "vmm/types.h"

/* A NULL read reads all-ones, a NULL write is dropped: claimed, so not logged. */
struct bus_ops {
	void (*read)(void *dev, u64 offset, void *data, u32 len);
	void (*write)(void *dev, u64 offset, const void *data, u32 len);
};

struct bus_range {
	u64 base;
	u64 len;
	const struct bus_ops *ops;
	void *dev;
	const char *name;
};

struct bus {
	const char *name;		/* "pio" or "mmio", for messages */
	struct bus_range *ranges;	/* sorted by base */
	unsigned int nr, cap;
	bool frozen;
};

void bus_init(struct bus *bus, const char *name);
void bus_exit(struct bus *bus);
/*
 * Claim [base, base + len) for dev. -EEXIST if it overlaps a registered
 * range, -EINVAL for an empty or wrapping range, -EBUSY once frozen.
 */
int bus_register(struct bus *bus, u64 base, u64 len, const struct bus_ops *ops, void *dev,
		 const char *name) __must_check;
void bus_freeze(struct bus *bus);
/* The range containing addr, or NULL. */
const struct bus_range *bus_find(const struct bus *bus, u64 addr);
/*
 * Forward one access to the device owning [addr, addr + len). An access that
 * runs past the end of its range is not claimed. Returns false if nobody
 * claims it.
 */
bool bus_dispatch(const struct bus *bus, u64 addr, void *data, u32 len, bool is_write);

#endif /* VTLVM_BUS_H */
