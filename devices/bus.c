// SPDX-License-Identifier: MIT
#include "devices/bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void bus_init(struct bus *bus, const char *name)
{
	*bus = (struct bus) { .name = name };
}

void bus_exit(struct bus *bus)
{
	free(bus->ranges);
	bus->ranges = NULL;
	bus->nr = bus->cap = 0;
}

/* Index of the first range with base > addr. */
static unsigned int upper_bound(const struct bus *bus, u64 addr)
{
	unsigned int lo = 0, hi = bus->nr;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (bus->ranges[mid].base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int bus_register(struct bus *bus, u64 base, u64 len, const struct bus_ops *ops, void *dev,
		 const char *name)
{
	unsigned int pos;

	if (bus->frozen)
		return -EBUSY;
	if (!len || base + len - 1 < base || !ops)
		return -EINVAL;
	pos = upper_bound(bus, base);
	if (pos > 0 && range_overlaps(base, len, bus->ranges[pos - 1].base,
				      bus->ranges[pos - 1].len))
		return -EEXIST;
	if (pos < bus->nr && range_overlaps(base, len, bus->ranges[pos].base,
					    bus->ranges[pos].len))
		return -EEXIST;
	if (bus->nr == bus->cap) {
		unsigned int cap = bus->cap ? bus->cap * 2 : 16;
		struct bus_range *r = realloc(bus->ranges, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		bus->ranges = r;
		bus->cap = cap;
	}
	memmove(&bus->ranges[pos + 1], &bus->ranges[pos], (bus->nr - pos) * sizeof(*bus->ranges));
	bus->ranges[pos] = (struct bus_range) {
		.base = base, .len = len, .ops = ops, .dev = dev, .name = name,
	};
	bus->nr++;
	return 0;
}

void bus_freeze(struct bus *bus)
{
	bus->frozen = true;
}

const struct bus_range *bus_find(const struct bus *bus, u64 addr)
{
	unsigned int pos = upper_bound(bus, addr);
	const struct bus_range *r;

	if (!pos)
		return NULL;
	r = &bus->ranges[pos - 1];
	return addr - r->base < r->len ? r : NULL;
}

bool bus_dispatch(const struct bus *bus, u64 addr, void *data, u32 len, bool is_write)
{
	const struct bus_range *r = bus_find(bus, addr);
	u64 off;

	if (!r || !len)
		return false;
	off = addr - r->base;
	if (len > r->len - off)
		return false;
	if (is_write) {
		if (r->ops->write)
			r->ops->write(r->dev, off, data, len);
	} else if (r->ops->read) {
		r->ops->read(r->dev, off, data, len);
	} else {
		memset(data, 0xff, len);
	}
	return true;
}
