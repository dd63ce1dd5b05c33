// SPDX-License-Identifier: MIT
#include "mem/pgtable.h"

#include <errno.h>

#include "mem/layout.h"

/* Flat 4 GiB descriptors; type and flag bits from the Intel SDM vol. 3, 3.4.5. */
static const u64 boot_gdt[BOOT_GDT_ENTRIES] = {
	[0] = 0,
	[BOOT_CS32 / 8] = 0x00cf9b000000ffffULL,	/* code, 32-bit, accessed */
	[BOOT_CS64 / 8] = 0x00af9b000000ffffULL,	/* code, 64-bit (L=1), accessed */
	[BOOT_DS / 8]   = 0x00cf93000000ffffULL,	/* data, read/write, accessed */
};

u64 pgtable_gdt_entry(unsigned int index)
{
	return index < BOOT_GDT_ENTRIES ? boot_gdt[index] : 0;
}

int pgtable_write_gdt(const struct gmem *m)
{
	return gmem_write(m, LAYOUT_GDT, boot_gdt, sizeof(boot_gdt));
}

int pgtable_write_identity(const struct gmem *m, gpa_t *cr3)
{
	return pgtable_write_identity_at(m, LAYOUT_PGTABLE, cr3);
}

int pgtable_write_identity_at(const struct gmem *m, gpa_t base, gpa_t *cr3)
{
	const gpa_t pml4 = base, pdpt = pml4 + PAGE_SIZE, pd = pdpt + PAGE_SIZE;
	const unsigned int nr_pd = PGTABLE_IDENTITY_SIZE / GiB;
	const u64 table = PTE_P | PTE_RW | PTE_A;
	u64 e;

	_Static_assert(LAYOUT_PGTABLE + (2 + PGTABLE_IDENTITY_SIZE / GiB) * PAGE_SIZE <=
		       LAYOUT_PGTABLE_END, "identity tables overflow their area");
	_Static_assert(LAYOUT_VTL1_PGTABLE + (2 + PGTABLE_IDENTITY_SIZE / GiB) * PAGE_SIZE <=
		       LAYOUT_VTL1_PGTABLE_END, "VTL1 identity tables overflow their area");
	if (gmem_fill(m, pml4, 0, (2 + nr_pd) * PAGE_SIZE))
		return -EFAULT;
	e = pdpt | table;
	if (gmem_write(m, pml4, &e, sizeof(e)))
		return -EFAULT;
	for (unsigned int i = 0; i < nr_pd; i++) {
		e = (pd + i * PAGE_SIZE) | table;
		if (gmem_write(m, pdpt + i * 8, &e, sizeof(e)))
			return -EFAULT;
		for (unsigned int j = 0; j < 512; j++) {
			u64 pde = ((u64)i * GiB + (u64)j * 2 * MiB) | table | PTE_D | PTE_PS;

			if (gmem_write(m, pd + i * PAGE_SIZE + j * 8, &pde, sizeof(pde)))
				return -EFAULT;
		}
	}
	*cr3 = pml4;
	return 0;
}
