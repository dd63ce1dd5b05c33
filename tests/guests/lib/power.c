// SPDX-License-Identifier: MIT
/*
 * Powering off the way an OS does: find the RSDP in the BIOS area, follow
 * the XSDT to the FADT, take PM1a_CNT_BLK and write SLP_TYP | SLP_EN with the
 * S5 value (ACPI 6.5, 4.8.3.2.1 and 7.4.2). SLP_TYP comes from the DSDT's
 * \_S5 package, which vtlvm defines as 5.
 */
#include "guest.h"

#define S5_SLP_TYP	5
#define SLP_EN		(1u << 13)

struct sdt_header {
	char sig[4];
	u32 length;
	u8 revision, checksum;
	char oem_id[6], oem_table_id[8];
	u32 oem_revision, creator_id, creator_revision;
} __attribute__((packed));

static bool checksum_ok(const void *p, u32 len)
{
	const u8 *b = p;
	u8 sum = 0;

	while (len--)
		sum += *b++;
	return sum == 0;
}

u64 acpi_find_rsdp(void)
{
	for (u64 a = 0xe0000; a < 0x100000; a += 16)
		if (!memcmp((const void *)a, "RSD PTR ", 8) && checksum_ok((const void *)a, 20))
			return a;
	return 0;
}

static const struct sdt_header *find_table(u64 rsdp, const char *sig)
{
	const struct sdt_header *xsdt;
	u32 n;

	if (!rsdp || *(const u8 *)(rsdp + 15) < 2)
		return NULL;
	xsdt = (const void *)*(const u64 *)(rsdp + 24);
	if (!checksum_ok(xsdt, xsdt->length))
		return NULL;
	n = (xsdt->length - sizeof(*xsdt)) / 8;
	for (u32 i = 0; i < n; i++) {
		u64 addr;
		const struct sdt_header *t;

		memcpy(&addr, (const u8 *)(xsdt + 1) + i * 8, sizeof(addr));
		t = (const void *)addr;
		if (!memcmp(t->sig, sig, 4) && checksum_ok(t, t->length))
			return t;
	}
	return NULL;
}

u16 acpi_pm1a_cnt_port(void)
{
	const struct sdt_header *fadt = find_table(acpi_find_rsdp(), "FACP");
	u32 port;

	if (!fadt || fadt->length < 68)
		return 0;
	memcpy(&port, (const u8 *)fadt + 64, sizeof(port));	/* PM1a_CNT_BLK */
	return port;
}

void guest_poweroff(void)
{
	u16 port = acpi_pm1a_cnt_port();

	__GUEST_ASSERT(port, "no FADT with a PM1a control block");
	outw(port, (S5_SLP_TYP << 10) | SLP_EN);
	__GUEST_ASSERT(0, "still running after an S5 request to port %#x", port);
}
