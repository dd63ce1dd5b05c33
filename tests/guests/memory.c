// SPDX-License-Identifier: MIT
/*
 * All of RAM is there and is RAM: write a distinct value into every page of
 * every range the boot info lists, then read them all back. Only what this
 * guest is itself using is left alone (boot tables, boot info, its image).
 */
#include "guest.h"

extern char __guest_end[];

static bool page_in_use(u64 pa)
{
	return (pa >= 0x1000 && pa < 0x30000) ||		/* GDT, page tables, boot info */
	       (pa >= 0x9f000 && pa < 0x100000) ||		/* EBDA, legacy window, ACPI */
	       (pa >= 0x100000 && pa < (u64)__guest_end + 4096);	/* this guest */
}

static u64 pattern(u64 pa)
{
	return pa ^ 0x5a5a5a5a00000000ULL ^ (pa << 20);
}

/* Visit each page of RAM; write (or check) two words in it. Returns the page count. */
static u64 walk(const struct bootinfo_mem *r, int n, bool write)
{
	u64 pages = 0;

	for (int i = 0; i < n; i++) {
		for (u64 pa = r[i].start; pa < r[i].start + r[i].size; pa += 4096) {
			volatile u64 *p = (volatile u64 *)pa;

			if (page_in_use(pa) || pa >= 0x100000000ULL)
				continue;	/* the identity map covers 4 GiB */
			if (write) {
				p[0] = pattern(pa);
				p[511] = ~pattern(pa);
			} else {
				__GUEST_ASSERT(p[0] == pattern(pa) && p[511] == ~pattern(pa),
					       "page %#llx lost its contents", (unsigned long long)pa);
			}
			pages++;
		}
	}
	return pages;
}

void guest_main(void)
{
	struct bootinfo_mem ranges[4];
	int n = bootinfo_memory(ranges, ARRAY_SIZE(ranges));
	u64 total = 0, pages;

	GUEST_ASSERT(n >= 1);
	for (int i = 0; i < n; i++)
		total += ranges[i].size;
	GUEST_SYNC_VAL(1, total);
	pages = walk(ranges, n, true);
	GUEST_ASSERT_EQ(walk(ranges, n, false), pages);
	/* Everything but a few hundred KiB of boot areas and the image was touched. */
	GUEST_ASSERT(pages * 4096 + 1024 * 1024 >= total);
	GUEST_SYNC_VAL(2, pages);
}
