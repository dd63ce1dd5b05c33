// SPDX-License-Identifier: MIT
/*
 * The bzImage test guest: a protected-mode kernel that vtlvm's bzImage
 * loader starts through the 64-bit boot protocol (head.S). It checks what
 * the loader handed over -- entry state, setup header, command line,
 * initrd, e820 map, ACPI RSDP -- one table row per stage, each ending in
 * GUEST_SYNC_VAL(stage, value) for the runner to compare.
 *
 * Every kernel-mode instruction is emulated on the hosts vtlvm is tested on:
 * the initrd check reads words, not bytes.
 */
#include <asm/bootparam.h>

#include "guest.h"
#include "tests/guests/bzimage/bzimage_test.h"

#define E820_RAM	1
#define X86_EFLAGS_IF	(1u << 9)
#define BOOT_CS		0x10	/* __BOOT_CS and __BOOT_DS of the boot protocol */
#define BOOT_DS		0x18
#define ONE_MIB		0x100000ULL

/* Written by head.S before anything else runs. */
u64 bz_boot_params, bz_entry_rflags;
u16 bz_entry_cs, bz_entry_ds, bz_entry_ss;

extern char __bz_start[], __bz_end[];	/* bzimage.ld: the kernel in memory */

static const struct boot_params *bp;

/* The entry state the 64-bit boot protocol prescribes, and the setup header. */
static u64 check_header(void)
{
	const struct setup_header *h = &bp->hdr;

	__GUEST_ASSERT(bz_boot_params && !(bz_boot_params & 0xfff),
		       "RSI at entry (boot_params) is %#llx", (unsigned long long)bz_boot_params);
	__GUEST_ASSERT(!(bz_entry_rflags & X86_EFLAGS_IF), "entered with interrupts on (%#llx)",
		       (unsigned long long)bz_entry_rflags);
	GUEST_ASSERT_EQ(bz_entry_cs, BOOT_CS);
	GUEST_ASSERT_EQ(bz_entry_ds, BOOT_DS);
	GUEST_ASSERT_EQ(bz_entry_ss, BOOT_DS);
	GUEST_ASSERT_EQ(h->boot_flag, 0xaa55);
	GUEST_ASSERT(!memcmp(&h->header, "HdrS", 4));
	GUEST_ASSERT_EQ(h->type_of_loader, 0xff);
	GUEST_ASSERT_EQ(h->loadflags & LOADED_HIGH, LOADED_HIGH);
	GUEST_ASSERT_EQ(h->xloadflags & XLF_KERNEL_64, XLF_KERNEL_64);
	GUEST_ASSERT_EQ(h->code32_start, (u64)__bz_start);
	GUEST_ASSERT_EQ(h->cmdline_size, BZT_CMDLINE_SIZE);
	GUEST_ASSERT_EQ(h->initrd_addr_max, BZT_INITRD_ADDR_MAX);
	__GUEST_ASSERT(h->init_size >= (u64)(__bz_end - __bz_start),
		       "init_size %#x does not cover the kernel's %#llx bytes", h->init_size,
		       (unsigned long long)(__bz_end - __bz_start));
	return h->version;
}

static u64 check_cmdline(void)
{
	u64 ptr = bp->hdr.cmd_line_ptr | (u64)bp->ext_cmd_line_ptr << 32;
	const char *cmdline = (const char *)ptr;

	__GUEST_ASSERT(ptr, "cmd_line_ptr is 0");
	__GUEST_ASSERT(!strcmp(cmdline, BZT_CMDLINE), "command line \"%s\", want \"%s\"",
		       cmdline, BZT_CMDLINE);
	printf("bzimage guest: command line \"%s\"\n", cmdline);
	return strlen(cmdline);
}

/* Page-aligned, below initrd_addr_max, clear of the kernel, and the bytes mkinitrd wrote. */
static u64 check_initrd(void)
{
	u64 start = bp->hdr.ramdisk_image | (u64)bp->ext_ramdisk_image << 32;
	u64 size = bp->hdr.ramdisk_size | (u64)bp->ext_ramdisk_size << 32;
	u64 kstart = (u64)__bz_start, kend = kstart + bp->hdr.init_size;
	const u32 *w = (const u32 *)start;

	GUEST_ASSERT_EQ(size, BZT_INITRD_SIZE);
	__GUEST_ASSERT(start && !(start & 0xfff), "ramdisk_image %#llx is not page-aligned",
		       (unsigned long long)start);
	/* boot.rst: initrd_addr_max is "the address of the highest safe byte". */
	__GUEST_ASSERT(start + size - 1 <= bp->hdr.initrd_addr_max,
		       "initrd [%#llx, %#llx) ends above initrd_addr_max %#x",
		       (unsigned long long)start, (unsigned long long)(start + size),
		       bp->hdr.initrd_addr_max);
	__GUEST_ASSERT(start >= kend || start + size <= kstart,
		       "initrd [%#llx, %#llx) overlaps the kernel [%#llx, %#llx)",
		       (unsigned long long)start, (unsigned long long)(start + size),
		       (unsigned long long)kstart, (unsigned long long)kend);
	for (u32 i = 0; i < size / 4; i++)
		__GUEST_ASSERT(w[i] == bzt_initrd_word(i), "initrd word %u is %#x, want %#x", i,
			       w[i], bzt_initrd_word(i));
	return size;
}

/*
 * Sorted, non-overlapping, RAM under the kernel. The value is the RAM the
 * map lists plus the reserved ranges below 1 MiB: vtlvm backs the EBDA and
 * the legacy window with RAM but reports them reserved, so the sum must be
 * --memory.
 */
static u64 check_e820(void)
{
	u64 kend = (u64)__bz_start + bp->hdr.init_size, prev_end = 0, total = 0;
	bool kernel_in_ram = false;

	__GUEST_ASSERT(bp->e820_entries >= 1 && bp->e820_entries <= E820_MAX_ENTRIES_ZEROPAGE,
		       "%u e820 entries", bp->e820_entries);
	for (u32 i = 0; i < bp->e820_entries; i++) {
		const struct boot_e820_entry *e = &bp->e820_table[i];
		u64 addr = e->addr, size = e->size;

		__GUEST_ASSERT(size && addr >= prev_end,
			       "e820 entry %u [%#llx, +%#llx) is empty, unsorted or overlapping",
			       i, (unsigned long long)addr, (unsigned long long)size);
		prev_end = addr + size;
		if (e->type == E820_RAM && addr <= ONE_MIB && addr + size >= kend)
			kernel_in_ram = true;
		if (e->type == E820_RAM || addr + size <= ONE_MIB)
			total += size;
	}
	__GUEST_ASSERT(kernel_in_ram, "no e820 RAM entry covers [1 MiB, %#llx)",
		       (unsigned long long)kend);
	return total;
}

static u8 sum_bytes(const u8 *p, u32 len)
{
	u8 sum = 0;

	while (len--)
		sum += *p++;
	return sum;
}

/* ACPI 6.5, 5.2.5.3: the RSDP; its first 20 bytes, and all of it from revision 2, sum to 0. */
static u64 check_acpi_rsdp(void)
{
	const u8 *rsdp = (const u8 *)bp->acpi_rsdp_addr;
	u32 len;

	__GUEST_ASSERT(rsdp, "acpi_rsdp_addr is 0");
	__GUEST_ASSERT(!memcmp(rsdp, "RSD PTR ", 8),
		       "no \"RSD PTR \" at acpi_rsdp_addr %#llx: no ACPI tables there",
		       (unsigned long long)bp->acpi_rsdp_addr);
	__GUEST_ASSERT(!sum_bytes(rsdp, 20), "RSDP checksum (first 20 bytes) is wrong");
	if (rsdp[15] >= 2) {
		memcpy(&len, rsdp + 20, sizeof(len));
		__GUEST_ASSERT(len >= 36 && !sum_bytes(rsdp, len),
			       "RSDP extended checksum over %u bytes is wrong", len);
	}
	return bp->acpi_rsdp_addr;
}

static const struct stage_check {
	enum bzt_stage stage;
	const char *what;
	u64 (*check)(void);
} checks[] = {
	{ BZT_STAGE_HEADER,	"entry state and setup header",	check_header },
	{ BZT_STAGE_CMDLINE,	"command line",			check_cmdline },
	{ BZT_STAGE_INITRD,	"initrd",			check_initrd },
	{ BZT_STAGE_E820,	"e820 map",			check_e820 },
	/* Last: it needs the ACPI tables of devices/acpi.c, not only the loader. */
	{ BZT_STAGE_ACPI_RSDP,	"ACPI RSDP",			check_acpi_rsdp },
};

void guest_main(void)
{
	bp = (const struct boot_params *)bz_boot_params;
	for (size_t i = 0; i < ARRAY_SIZE(checks); i++) {
		u64 v = checks[i].check();

		printf("bzimage guest: %s ok\n", checks[i].what);
		GUEST_SYNC_VAL(checks[i].stage, v);
	}
}
