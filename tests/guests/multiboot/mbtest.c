// SPDX-License-Identifier: MIT
/*
 * What a multiboot kernel may rely on (Multiboot 0.6.96, 3.2 and 3.3),
 * checked from inside one. Built twice (multiboot.mk): as an ELF32 kernel
 * and as a flat a.out-kludge image, so both load paths boot this code.
 *
 *   stage 1  machine state at entry; value: the info flags
 *   stage 2  mem_lower/mem_upper and the memory map; value: RAM in bytes
 *   stage 3  command line and boot loader name; value: command line length
 *   stage 4  the two modules: place, size, string, contents; value: count
 */
#include "mb.h"

/* What the integration rows (tests/integ/cases.c) pass. */
#define EXPECTED_CMDLINE	"mbtest a=1 b=two,three"
#define MOD1_TAIL		"/testdata/mb-mod1.bin arg1 x=1"
#define MOD2_TAIL		"/testdata/mb-mod2.bin"
/* What multiboot.mk writes into the module files: one line, repeated. */
#define MOD1_TEXT		"multiboot module one\n"
#define MOD1_REPS		250
#define MOD2_TEXT		"module two\n"
#define MOD2_REPS		100

#define MIB			0x100000u
#define PAGE_SIZE		4096u
#define CR0_PE			(1u << 0)
#define CR0_PG			(1u << 31)
#define EFLAGS_IF		(1u << 9)
#define EFLAGS_VM		(1u << 17)
#define INFO_WANTED		(MBI_MEMORY | MBI_CMDLINE | MBI_MODS | MBI_MMAP | MBI_LOADER_NAME)

/* The loader zeroes bss (ELF p_memsz, or up to bss_end_addr): nothing writes this. */
static u32 bss_probe[16];

static void check_entry(u32 magic, const struct mb_info *mbi)
{
	GUEST_ASSERT_EQ(magic, MB_BOOTLOADER_MAGIC);
	/* 3.2: "CR0 Bit 31 (PG) must be cleared. Bit 0 (PE) must be set."
	 * "EFLAGS Bit 17 (VM) must be cleared. Bit 9 (IF) must be cleared." */
	GUEST_ASSERT_EQ(read_cr0() & (CR0_PG | CR0_PE), CR0_PE);
	GUEST_ASSERT_EQ(read_eflags() & (EFLAGS_IF | EFLAGS_VM), 0);
	for (u32 i = 0; i < sizeof(bss_probe) / sizeof(bss_probe[0]); i++)
		GUEST_ASSERT_EQ(bss_probe[i], 0);
	GUEST_ASSERT_EQ(mbi->flags & INFO_WANTED, INFO_WANTED);
	GUEST_SYNC_VAL(1, mbi->flags);
}

/*
 * vtlvm backs everything below 1 MiB with RAM but reports [mem_lower KiB,
 * 1 MiB) reserved, as a PC BIOS does: the VM's RAM (--memory) is the RAM
 * entries plus that window.
 */
static u64 mmap_ram(const struct mb_mmap_entry *e)
{
	if (e->type == MB_MMAP_RAM)
		return e->length;
	return e->base_addr + e->length <= MIB ? e->length : 0;
}

static void check_mmap_entry(const struct mb_info *mbi, const struct mb_mmap_entry *e,
			     u64 prev_end, u32 *found)
{
	GUEST_ASSERT(e->size >= sizeof(*e) - sizeof(e->size));
	GUEST_ASSERT(e->length != 0);
	/* sorted and disjoint */
	GUEST_ASSERT(e->base_addr >= prev_end);
	if (e->type == MB_MMAP_RAM && e->base_addr == 0) {
		GUEST_ASSERT_EQ(e->length, (u64)mbi->mem_lower << 10);
		*found |= 1;
	}
	if (e->type == MB_MMAP_RAM && e->base_addr == MIB) {
		GUEST_ASSERT_EQ(e->length, (u64)mbi->mem_upper << 10);
		*found |= 2;
	}
}

static void check_memory(const struct mb_info *mbi)
{
	u64 prev_end = 0, ram = 0;
	u32 off = 0, found = 0;

	/* 3.3: "The maximum possible value for lower memory is 640 kilobytes." */
	GUEST_ASSERT(mbi->mem_lower && mbi->mem_lower <= 640);
	GUEST_ASSERT(mbi->mmap_length >= sizeof(struct mb_mmap_entry));
	while (off < mbi->mmap_length) {
		const struct mb_mmap_entry *e = (const void *)(mbi->mmap_addr + off);

		check_mmap_entry(mbi, e, prev_end, &found);
		prev_end = e->base_addr + e->length;
		ram += mmap_ram(e);
		off += e->size + sizeof(e->size);
	}
	GUEST_ASSERT_EQ(off, mbi->mmap_length);
	GUEST_ASSERT_EQ(found, 3);	/* RAM at 0 and at 1 MiB */
	/* this kernel lies in the RAM above 1 MiB */
	GUEST_ASSERT((u32)__mb_start >= MIB);
	GUEST_ASSERT((u32)__mb_end - MIB <= mbi->mem_upper << 10);
	GUEST_SYNC_VAL(2, ram);
}

static void check_string(const char *what, const char *got, const char *want)
{
	if (!strcmp(got, want))
		return;
	mb_ucall(UCALL_PRINT, 0, 0, __FILE__, __LINE__, what);
	mb_ucall(UCALL_PRINT, 0, 0, __FILE__, __LINE__, got);
	GUEST_ASSERT(!strcmp(got, want));
}

/* The command line is "<kernel path> <args>", as GRUB and QEMU pass it. */
static void check_strings(const struct mb_info *mbi)
{
	const char *cmdline = (const char *)mbi->cmdline, *args = cmdline;

	while (*args && *args != ' ')
		args++;
	GUEST_ASSERT(args > cmdline && *args == ' ');
	args++;
	check_string("cmdline:", args, EXPECTED_CMDLINE);
	check_string("boot_loader_name:", (const char *)mbi->boot_loader_name, "vtlvm");
	GUEST_SYNC_VAL(3, strlen(args));
}

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), t = strlen(tail);

	return n >= t && !strcmp(s + n - t, tail);
}

static bool overlaps(u32 a_start, u32 a_end, u32 b_start, u32 b_end)
{
	return a_start < b_end && b_start < a_end;
}

/* The module is text repeated reps times, and its string ends with tail. */
static void check_module(const struct mb_mod *m, const char *tail, const char *text, u32 reps)
{
	const char *p = (const char *)m->mod_start;
	u32 len = strlen(text);

	if (!ends_with((const char *)m->string, tail)) {
		mb_ucall(UCALL_PRINT, 0, 0, __FILE__, __LINE__, (const char *)m->string);
		GUEST_ASSERT(ends_with((const char *)m->string, tail));
	}
	/* header flags bit 0: "all boot modules ... must be aligned on page (4KB) boundaries" */
	GUEST_ASSERT_EQ(m->mod_start % PAGE_SIZE, 0);
	GUEST_ASSERT_EQ(m->mod_end - m->mod_start, len * reps);
	GUEST_ASSERT(!overlaps(m->mod_start, m->mod_end, (u32)__mb_start, (u32)__mb_end));
	for (u32 i = 0; i < reps; i++, p += len)
		GUEST_ASSERT(!memcmp(p, text, len));
}

static void check_modules(const struct mb_info *mbi)
{
	const struct mb_mod *mods = (const struct mb_mod *)mbi->mods_addr;

	GUEST_ASSERT_EQ(mbi->mods_count, 2);
	check_module(&mods[0], MOD1_TAIL, MOD1_TEXT, MOD1_REPS);
	check_module(&mods[1], MOD2_TAIL, MOD2_TEXT, MOD2_REPS);
	GUEST_ASSERT(!overlaps(mods[0].mod_start, mods[0].mod_end, mods[1].mod_start,
			       mods[1].mod_end));
	GUEST_SYNC_VAL(4, mbi->mods_count);
}

void mb_main(u32 magic, u32 info)
{
	const struct mb_info *mbi = (const struct mb_info *)info;

	mb_idt_install();
	check_entry(magic, mbi);
	check_memory(mbi);
	check_strings(mbi);
	check_modules(mbi);
	GUEST_DONE();
}
