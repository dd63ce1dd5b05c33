// SPDX-License-Identifier: MIT
#include "mem/layout.h"

#include <errno.h>

int layout_init(struct layout *l, u64 ram_size)
{
	u64 low;

	if (!IS_ALIGNED(ram_size, PAGE_SIZE) || ram_size < LAYOUT_MIN_RAM ||
	    ram_size > LAYOUT_MAX_RAM)
		return -EINVAL;
	low = MIN(ram_size, LAYOUT_LOW_RAM_MAX);
	*l = (struct layout) {
		.ram_size = ram_size,
		.ram[0] = { 0, low },
		.nr_ram = 1,
	};
	if (ram_size > low) {
		l->ram[1] = (struct mem_range) { LAYOUT_HIGH_RAM, ram_size - low };
		l->nr_ram = 2;
	}
	return 0;
}

gpa_t layout_low_ram_end(const struct layout *l)
{
	return l->ram[0].size;
}

bool layout_is_ram(const struct layout *l, gpa_t gpa, u64 len)
{
	for (unsigned int i = 0; i < l->nr_ram; i++)
		if (range_within(gpa, len, l->ram[i].start, l->ram[i].size))
			return true;
	return false;
}

static const struct {
	gpa_t start, end;
	const char *name;
} reserved[] = {
	{ 0, LAYOUT_GDT, "real-mode IVT/BDA" },
	{ LAYOUT_GDT, LAYOUT_PGTABLE, "boot GDT" },
	{ LAYOUT_PGTABLE, LAYOUT_PGTABLE_END, "boot page tables" },
	{ LAYOUT_BOOTINFO, LAYOUT_BOOTINFO + LAYOUT_BOOTINFO_SIZE, "boot info" },
	{ LAYOUT_CMDLINE, LAYOUT_CMDLINE + LAYOUT_CMDLINE_SIZE, "command line" },
	{ LAYOUT_VTL1_BOOTINFO, LAYOUT_VTL1_BOOTINFO + LAYOUT_VTL1_BOOTINFO_SIZE, "VTL1 boot info" },
	{ LAYOUT_VTL1_PGTABLE, LAYOUT_VTL1_PGTABLE_END, "VTL1 page tables" },
	{ LAYOUT_EBDA, LAYOUT_ACPI, "EBDA/legacy window" },
	{ LAYOUT_ACPI, LAYOUT_ACPI + LAYOUT_ACPI_SIZE, "ACPI tables" },
};

const char *layout_reserved_overlap(gpa_t gpa, u64 len)
{
	if (!len)
		return NULL;
	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++)
		if (range_overlaps(gpa, len, reserved[i].start,
				   reserved[i].end - reserved[i].start))
			return reserved[i].name;
	return NULL;
}

static unsigned int e820_add(struct e820_entry *e, unsigned int n, unsigned int max,
			     u64 addr, u64 size, u32 type)
{
	if (n < max && size)
		e[n++] = (struct e820_entry) { addr, size, type };
	return n;
}

unsigned int layout_e820(const struct layout *l, struct e820_entry *e, unsigned int max)
{
	gpa_t low_end = layout_low_ram_end(l);
	unsigned int n = 0;

	n = e820_add(e, n, max, 0, LAYOUT_EBDA, E820_RAM);
	n = e820_add(e, n, max, LAYOUT_EBDA, LAYOUT_KERNEL - LAYOUT_EBDA, E820_RESERVED);
	if (low_end > LAYOUT_KERNEL)
		n = e820_add(e, n, max, LAYOUT_KERNEL, low_end - LAYOUT_KERNEL, E820_RAM);
	/* KVM's real-mode TSS and identity page must never become guest RAM. */
	n = e820_add(e, n, max, LAYOUT_KVM_IDENTITY, 4 * PAGE_SIZE, E820_RESERVED);
	if (l->nr_ram > 1)
		n = e820_add(e, n, max, l->ram[1].start, l->ram[1].size, E820_RAM);
	return n;
}
