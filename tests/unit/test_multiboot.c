// SPDX-License-Identifier: MIT
/*
 * mem/multiboot.c: header search, flags policy, module lists, the a.out
 * kludge, the information structure and whole loads, on images built in
 * memory and a fake struct gmem over a malloc'ed buffer. Error messages are
 * captured at our logging seam (log_printf).
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "mem/layout.h"
#include "mem/multiboot.h"
#include "vmm/log.h"

#include "log_capture.h"

#define T_PATH		"fake/kernel.mb"
#define T_RAM		(16 * MiB)
#define T_FILE_SIZE	0x1000u
#define T_HDR_OFF	0x40u
#define T_LOAD		0x200000u	/* a.out load_addr */
#define T_BSS_END	(T_LOAD + 0x3000u)
#define T_ENTRY		(T_LOAD + 0x100u)

struct fixture {
	u8 file[3 * 4096];
	struct image img;
	struct gmem mem;
};

/* Write the header at off with a checksum that holds (plus bias). */
static void put_header(u8 *file, size_t off, struct multiboot_header h, u32 bias)
{
	h.magic = MULTIBOOT_HEADER_MAGIC;
	h.checksum = -(h.magic + h.flags) + bias;
	memcpy(file + off, &h, h.flags & MB_HDR_AOUT_KLUDGE ? MB_HDR_AOUT_SIZE : 12);
}

/* A 4 KiB a.out-kludge kernel: header at 0x40, loaded at 2 MiB, 8 KiB of bss. */
static struct multiboot_header aout_header(void)
{
	return (struct multiboot_header) {
		.flags = MB_HDR_PAGE_ALIGN | MB_HDR_MEMORY_INFO | MB_HDR_AOUT_KLUDGE,
		.header_addr = T_LOAD + T_HDR_OFF, .load_addr = T_LOAD,
		.load_end_addr = T_LOAD + T_FILE_SIZE, .bss_end_addr = T_BSS_END,
		.entry_addr = T_ENTRY,
	};
}

static void make_aout(struct fixture *f, struct multiboot_header h)
{
	memset(f->file, 0, sizeof(f->file));
	for (size_t i = 0; i < T_FILE_SIZE; i++)
		f->file[i] = (u8)(i * 7 + 3);
	put_header(f->file, T_HDR_OFF, h, 0);
	f->img = (struct image) { .path = T_PATH, .data = f->file, .size = T_FILE_SIZE };
}

static void make_gmem(struct gmem *m, u64 ram)
{
	*m = (struct gmem) { .fd = -1, .size = ram };
	assert_int_equal(layout_init(&m->layout, ram), 0);
	/* Untouched pages cost nothing: tests with RAM above 4 GiB map 3 GiB + more. */
	m->base = mmap(NULL, ram, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS |
		       MAP_NORESERVE, -1, 0);
	assert_true(m->base != MAP_FAILED);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	make_aout(f, aout_header());
	make_gmem(&f->mem, T_RAM);
	last_log[0] = '\0';
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	munmap(f->mem.base, f->mem.size);
	free(f);
	return 0;
}

/* ---- header search ---- */

static int find(struct fixture *f, size_t *off)
{
	struct multiboot_header h;

	return multiboot_find_header(&f->img, &h, off);
}

static void test_find_header_aout_fields(void **state)
{
	struct fixture *f = *state;
	struct multiboot_header h;
	size_t off;

	assert_int_equal(multiboot_find_header(&f->img, &h, &off), 0);
	assert_int_equal(off, T_HDR_OFF);
	assert_int_equal(h.load_addr, T_LOAD);
	assert_int_equal(h.entry_addr, T_ENTRY);
	assert_int_equal(h.mode_type, 0);
}

static void test_find_header_needs_alignment(void **state)
{
	struct fixture *f = *state;
	size_t off;

	memset(f->file, 0, sizeof(f->file));
	put_header(f->file, 6, (struct multiboot_header) { .flags = 0 }, 0);
	assert_int_equal(find(f, &off), -ENOEXEC);
	assert_logged(T_PATH, "no multiboot header");
	put_header(f->file, 8, (struct multiboot_header) { .flags = 0 }, 0);
	assert_int_equal(find(f, &off), 0);
	assert_int_equal(off, 8);
}

/* A magic whose checksum fails is no header: the search goes on after it. */
static void test_find_header_skips_bad_checksum(void **state)
{
	struct fixture *f = *state;
	size_t off;

	memset(f->file, 0, sizeof(f->file));
	put_header(f->file, 0, (struct multiboot_header) { .flags = MB_HDR_PAGE_ALIGN }, 1);
	assert_int_equal(find(f, &off), -ENOEXEC);
	put_header(f->file, 0x100, (struct multiboot_header) { .flags = 0 }, 0);
	assert_int_equal(find(f, &off), 0);
	assert_int_equal(off, 0x100);
}

static void test_find_header_first_8k_only(void **state)
{
	struct fixture *f = *state;
	size_t off;

	f->img.size = sizeof(f->file);
	memset(f->file, 0, sizeof(f->file));
	put_header(f->file, MULTIBOOT_SEARCH, (struct multiboot_header) { .flags = 0 }, 0);
	assert_int_equal(find(f, &off), -ENOEXEC);
	/* The last slot whose 12 bytes end at 8192. */
	put_header(f->file, MULTIBOOT_SEARCH - 12, (struct multiboot_header) { .flags = 0 }, 0);
	assert_int_equal(find(f, &off), 0);
	assert_int_equal(off, MULTIBOOT_SEARCH - 12);
	/* ... but with address fields it would end beyond 8192. */
	put_header(f->file, MULTIBOOT_SEARCH - 12, aout_header(), 0);
	assert_int_equal(find(f, &off), -ENOEXEC);
	assert_logged(T_PATH, "beyond the first 8192 bytes");
}

static void test_find_header_truncated(void **state)
{
	struct fixture *f = *state;
	size_t off;

	f->img.size = T_HDR_OFF + 20;	/* magic, flags, checksum, two address fields */
	assert_int_equal(find(f, &off), -ENOEXEC);
	assert_logged(T_PATH, "truncated");
	f->img.size = 8;
	assert_int_equal(find(f, &off), -ENOEXEC);
	f->img.size = 0;
	assert_int_equal(find(f, &off), -ENOEXEC);
}

/* ---- flags policy ---- */

static void test_check_flags(void **state)
{
	struct fixture *f = *state;
	char want[32];

	assert_int_equal(multiboot_check_flags(&f->img, 0), 0);
	assert_int_equal(multiboot_check_flags(&f->img, MB_HDR_PAGE_ALIGN | MB_HDR_MEMORY_INFO |
						MB_HDR_AOUT_KLUDGE), 0);
	/* Bits 16-31 are optional: unknown ones are ignored. */
	assert_int_equal(multiboot_check_flags(&f->img, BIT(17) | BIT(31)), 0);
	/* No display: the video mode table cannot be given. */
	assert_int_equal(multiboot_check_flags(&f->img, MB_HDR_VIDEO_MODE), -EINVAL);
	assert_logged(T_PATH, "video mode information (flags bit 2)");
	for (int bit = 3; bit < 16; bit++) {
		assert_int_equal(multiboot_check_flags(&f->img, MB_HDR_PAGE_ALIGN | BIT(bit)),
				 -EINVAL);
		snprintf(want, sizeof(want), "(flags bit %d)", bit);
		assert_logged(T_PATH, want);
	}
}

/* ---- module lists ---- */

static void assert_module(const struct multiboot_module_spec *m, const char *path,
			  const char *string)
{
	assert_string_equal(m->path, path);
	assert_string_equal(m->string, string);
}

static void test_parse_modules(void **state)
{
	struct multiboot_module_spec *mods = (void *)1;
	unsigned int nr = 1;

	(void)state;
	assert_int_equal(multiboot_parse_modules(T_PATH, NULL, &mods, &nr), 0);
	assert_null(mods);
	assert_int_equal(nr, 0);
	assert_int_equal(multiboot_parse_modules(T_PATH, "", &mods, &nr), 0);
	assert_int_equal(nr, 0);
	assert_int_equal(multiboot_parse_modules(T_PATH, "/a/m1.bin arg1 x=1,m2", &mods, &nr), 0);
	assert_int_equal(nr, 2);
	assert_module(&mods[0], "/a/m1.bin", "/a/m1.bin arg1 x=1");
	assert_module(&mods[1], "m2", "m2");
	multiboot_free_modules(mods, nr);
	/* ",," is a comma of the element, as in QEMU's -initrd. */
	assert_int_equal(multiboot_parse_modules(T_PATH, "a x=1,,2,b,,c,d ,,,e", &mods, &nr), 0);
	assert_int_equal(nr, 4);
	assert_module(&mods[0], "a", "a x=1,2");
	assert_module(&mods[1], "b,c", "b,c");
	assert_module(&mods[2], "d", "d ,");
	assert_module(&mods[3], "e", "e");
	multiboot_free_modules(mods, nr);
}

static void test_parse_modules_no_path(void **state)
{
	static const char *const bad[] = { "a,", ",a", " a", "a,,,", "a, x" };
	struct multiboot_module_spec *mods;
	unsigned int nr;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_int_equal(multiboot_parse_modules(T_PATH, bad[i], &mods, &nr), -EINVAL);
		assert_logged(T_PATH, "element without a path");
	}
}

/* ---- a.out kludge ---- */

static int aout(struct fixture *f, struct multiboot_header h, struct multiboot_aout *a)
{
	make_aout(f, h);
	return multiboot_aout_layout(&f->img, &h, T_HDR_OFF, &f->mem.layout, a);
}

static void test_aout_layout_valid(void **state)
{
	struct fixture *f = *state;
	struct multiboot_header h = aout_header();
	struct multiboot_aout a;

	assert_int_equal(aout(f, h, &a), 0);
	assert_int_equal(a.file_offset, 0);
	assert_int_equal(a.load_addr, T_LOAD);
	assert_int_equal(a.load_size, T_FILE_SIZE);
	assert_int_equal(a.bss_size, T_BSS_END - T_LOAD - T_FILE_SIZE);
	assert_int_equal(a.entry, T_ENTRY);
	/* Zero load_end_addr: the rest of the file; zero bss_end_addr: no bss. */
	h.load_end_addr = 0;
	h.bss_end_addr = 0;
	assert_int_equal(aout(f, h, &a), 0);
	assert_int_equal(a.load_size, T_FILE_SIZE);
	assert_int_equal(a.bss_size, 0);
	/* Loading from the middle of the file: the header's offset sets the start. */
	h.load_addr = h.header_addr - 0x20;
	h.entry_addr = h.load_addr;
	assert_int_equal(aout(f, h, &a), 0);
	assert_int_equal(a.file_offset, T_HDR_OFF - 0x20);
	assert_int_equal(a.load_size, T_FILE_SIZE - (T_HDR_OFF - 0x20));
}

struct aout_case {
	u32 header_addr, load_addr, load_end_addr, bss_end_addr, entry_addr;
	int ret;
	const char *msg;
};

#define H	(T_LOAD + T_HDR_OFF)
#define L	T_LOAD

static void test_aout_layout_rejects(void **state)
{
	static const struct aout_case cases[] = {
		/* header  load      load_end    bss_end     entry */
		{ H,       L + 0x44, 0,          0,          T_ENTRY,  -EINVAL, "is above header" },
		{ H,       L - 0x10, 0,          0,          T_ENTRY,  -EINVAL, "before the file" },
		{ H,       L,        L + 0x1001, 0,          T_ENTRY,  -ENOEXEC, "truncated:" },
		{ H,       L,        L,          0,          T_ENTRY,  -EINVAL, "load_end_addr" },
		{ H,       L,        L + 0x50,   0,          L,        -EINVAL, "header_addr" },
		{ H,       L,        0,          L + 0x800,  T_ENTRY,  -EINVAL, "bss_end_addr" },
		{ H,       L,        0,          0,          L - 1,    -EINVAL, "entry_addr" },
		{ H,       L,        0,          T_BSS_END,  L + 4096, -EINVAL, "entry_addr" },
		{ H,       L,        0,          0xf0000000, T_ENTRY,  -ENOSPC, "RAM (16 MiB)" },
		{ 0x10040, 0x10000,  0,          0,          0x10000,  -EINVAL, "VMM's boot info" },
	};
	struct fixture *f = *state;
	struct multiboot_aout a;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct aout_case *c = &cases[i];
		struct multiboot_header h = aout_header();

		h.header_addr = c->header_addr;
		h.load_addr = c->load_addr;
		h.load_end_addr = c->load_end_addr;
		h.bss_end_addr = c->bss_end_addr;
		h.entry_addr = c->entry_addr;
		last_log[0] = '\0';
		if (aout(f, h, &a) != c->ret)
			fail_msg("case %zu (%s): want %d", i, c->msg, c->ret);
		assert_logged(T_PATH, c->msg);
	}
}

/* ---- the information structure ---- */

static const struct multiboot_placed_mod t_mods[] = {
	{ 0x300000, 0x301234, "/m/one.bin a=1" },
	{ 0x302000, 0x302000, "two" },
};

/* Multiboot 0.6.96, 3.3, written out here rather than taken from mem/multiboot.h. */
struct t_mmap {
	u32 size;
	u64 base_addr, length;
	u32 type;
} __packed;

static void check_mmap(const u8 *buf, gpa_t base, const struct multiboot_info *info,
		       const struct layout *l)
{
	struct e820_entry e[8];
	unsigned int n = layout_e820(l, e, ARRAY_SIZE(e));
	struct t_mmap mm;

	assert_int_equal(info->mmap_length, n * 24);
	for (unsigned int i = 0; i < n; i++) {
		memcpy(&mm, buf + (info->mmap_addr - base) + i * 24, sizeof(mm));
		assert_int_equal(mm.size, 20);	/* the entry without its size field */
		assert_int_equal(mm.base_addr, e[i].addr);
		assert_int_equal(mm.length, e[i].size);
		assert_int_equal(mm.type, e[i].type);
	}
}

static void test_build_info_contents(void **state)
{
	struct fixture *f = *state;
	struct multiboot_info_desc d = {
		.layout = &f->mem.layout, .cmdline = LAYOUT_CMDLINE, .mods = t_mods, .nr_mods = 2,
	};
	const gpa_t base = LAYOUT_BOOTINFO;
	struct multiboot_info info;
	struct multiboot_mod mod;
	u8 buf[4096];
	size_t len;

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(multiboot_build_info(&d, base, buf, sizeof(buf), &len), 0);
	assert_true(len > sizeof(info) && len < sizeof(buf));
	memcpy(&info, buf, sizeof(info));
	assert_int_equal(info.flags, MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS |
			 MB_INFO_MMAP | MB_INFO_LOADER_NAME);
	assert_int_equal(info.mem_lower, 639);
	assert_int_equal(info.mem_upper, (T_RAM - MiB) / KiB);
	assert_int_equal(info.cmdline, LAYOUT_CMDLINE);
	assert_int_equal(info.boot_device, 0);
	assert_int_equal(info.mods_count, 2);
	assert_string_equal((char *)buf + (info.boot_loader_name - base), "vtlvm");
	check_mmap(buf, base, &info, &f->mem.layout);
	for (unsigned int i = 0; i < 2; i++) {
		memcpy(&mod, buf + (info.mods_addr - base) + i * sizeof(mod), sizeof(mod));
		assert_int_equal(mod.mod_start, t_mods[i].start);
		assert_int_equal(mod.mod_end, t_mods[i].end);
		assert_int_equal(mod.reserved, 0);
		assert_true(mod.string >= base && mod.string < base + len);
		assert_string_equal((char *)buf + (mod.string - base), t_mods[i].string);
	}
	/* Everything the info points at lies in [base, base + len); the rest is zero. */
	assert_true(info.mmap_addr + info.mmap_length <= base + len);
	for (size_t i = len; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
}

static void test_build_info_high_ram(void **state)
{
	struct layout l;
	struct multiboot_info_desc d = { .layout = &l, .cmdline = LAYOUT_CMDLINE };
	struct multiboot_info info;
	u8 buf[1024];
	size_t len;

	(void)state;
	assert_int_equal(layout_init(&l, 4 * GiB), 0);
	assert_int_equal(multiboot_build_info(&d, LAYOUT_BOOTINFO, buf, sizeof(buf), &len), 0);
	memcpy(&info, buf, sizeof(info));
	/* "the address of the first upper memory hole minus 1 megabyte" */
	assert_int_equal(info.mem_upper, (3 * GiB - MiB) / KiB);
	assert_int_equal(info.mods_count, 0);
	check_mmap(buf, LAYOUT_BOOTINFO, &info, &l);
}

static void test_build_info_too_big(void **state)
{
	struct fixture *f = *state;
	struct multiboot_info_desc d = {
		.layout = &f->mem.layout, .cmdline = LAYOUT_CMDLINE, .mods = t_mods, .nr_mods = 2,
	};
	u8 buf[4096];
	size_t len, need;

	assert_int_equal(multiboot_build_info(&d, LAYOUT_BOOTINFO, buf, sizeof(buf), &need), 0);
	for (size_t size = 0; size < need; size += 7)
		assert_int_equal(multiboot_build_info(&d, LAYOUT_BOOTINFO, buf, size, &len),
				 -E2BIG);
	/* Not addressable by a 32-bit kernel. */
	assert_int_equal(multiboot_build_info(&d, 4 * GiB - 64, buf, sizeof(buf), &len), -E2BIG);
}

/* ---- whole loads ---- */

/* A temporary file of size bytes of fill; the caller unlinks and frees the path. */
static char *write_module(size_t size, u8 fill)
{
	char *path = strdup("/tmp/test_multiboot.XXXXXX");
	u8 buf[8192];
	int fd;

	assert_true(path && size <= sizeof(buf));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	memset(buf, fill, size);
	assert_int_equal(write(fd, buf, size), size);
	close(fd);
	return path;
}

static void test_load_aout_with_modules(void **state)
{
	struct fixture *f = *state;
	char *m1 = write_module(5000, 0x11), *m2 = write_module(10, 0x22);
	const char *cmdline = "root=x quiet";
	char list[256];
	struct multiboot_args a = { .kernel = &f->img, .cmdline = cmdline, .modules = list };
	const u8 *ram = f->mem.base;
	struct multiboot_info info;
	struct multiboot_mod mods[2];
	struct boot_state bs;

	snprintf(list, sizeof(list), "%s a=1,,2,%s", m1, m2);
	memset(f->mem.base, 0xaa, T_RAM);	/* bss must come out zeroed */
	assert_int_equal(multiboot_load(&f->mem, &a, &bs), 0);
	assert_int_equal(bs.mode, BOOT_MODE_PROT32);
	assert_int_equal(bs.rip, T_ENTRY);
	assert_int_equal(bs.rax, MULTIBOOT_BOOTLOADER_MAGIC);
	assert_int_equal(bs.rbx, LAYOUT_BOOTINFO);
	assert_memory_equal(ram + T_LOAD, f->file, T_FILE_SIZE);
	for (u32 i = T_LOAD + T_FILE_SIZE; i < T_BSS_END; i++)
		assert_int_equal(ram[i], 0);
	/* "<kernel path> <args>", as GRUB and QEMU pass it (argv[0] for kvm-unit-tests). */
	assert_int_equal(strncmp((char *)ram + LAYOUT_CMDLINE, f->img.path, strlen(f->img.path)),
			 0);
	assert_string_equal((char *)ram + LAYOUT_CMDLINE + strlen(f->img.path) + 1, cmdline);
	memcpy(&info, ram + LAYOUT_BOOTINFO, sizeof(info));
	assert_int_equal(info.mods_count, 2);
	memcpy(mods, ram + info.mods_addr, sizeof(mods));
	/* Modules follow the kernel's bss, page by page. */
	assert_int_equal(mods[0].mod_start, T_BSS_END);
	assert_int_equal(mods[0].mod_end, T_BSS_END + 5000);
	assert_int_equal(mods[1].mod_start, ALIGN_UP(T_BSS_END + 5000, PAGE_SIZE));
	assert_int_equal(mods[1].mod_end - mods[1].mod_start, 10);
	assert_int_equal(ram[mods[0].mod_start + 4999], 0x11);
	assert_int_equal(ram[mods[1].mod_start], 0x22);
	assert_int_equal(strncmp((char *)ram + mods[0].string, m1, strlen(m1)), 0);
	assert_string_equal((char *)ram + mods[0].string + strlen(m1), " a=1,2");
	assert_string_equal((char *)ram + mods[1].string, m2);
	unlink(m1);
	unlink(m2);
	free(m1);
	free(m2);
}

/* An ELF64 x86-64 executable, one PT_LOAD at paddr, with a header after the ELF headers. */
static void make_elf64(struct fixture *f, u64 paddr)
{
	Elf64_Ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
			     EV_CURRENT },
		.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_entry = paddr, .e_phoff = sizeof(eh), .e_ehsize = sizeof(eh),
		.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = 1,
	};
	Elf64_Phdr ph = {
		.p_type = PT_LOAD, .p_offset = 0x1000, .p_vaddr = paddr, .p_paddr = paddr,
		.p_filesz = 0x1000, .p_memsz = 0x2000, .p_flags = PF_R | PF_X,
	};

	memset(f->file, 0, sizeof(f->file));
	memcpy(f->file, &eh, sizeof(eh));
	memcpy(f->file + sizeof(eh), &ph, sizeof(ph));
	put_header(f->file, 0x1000, (struct multiboot_header) { .flags = MB_HDR_MEMORY_INFO }, 0);
	memset(f->file + 0x1010, 0x90, 0x100);
	f->img = (struct image) { .path = T_PATH, .data = f->file, .size = 0x2000 };
}

static void test_load_elf(void **state)
{
	struct fixture *f = *state;
	struct multiboot_args a = { .kernel = &f->img, .cmdline = NULL };
	struct boot_state bs;

	make_elf64(f, 0x180000);
	assert_int_equal(multiboot_load(&f->mem, &a, &bs), 0);
	assert_int_equal(bs.mode, BOOT_MODE_PROT32);
	assert_int_equal(bs.rip, 0x180000);
	assert_int_equal(bs.rax, MULTIBOOT_BOOTLOADER_MAGIC);
	assert_memory_equal(f->mem.base + 0x180000, f->file + 0x1000, 0x1000);
	assert_string_equal((char *)f->mem.base + LAYOUT_CMDLINE, f->img.path);
}

static void test_load_rejects(void **state)
{
	struct fixture *f = *state;
	struct multiboot_args a = { .kernel = &f->img, .modules = "/nonexistent/mod.bin x" };
	struct boot_state bs;

	assert_int_equal(multiboot_load(&f->mem, &a, &bs), -ENOENT);
	assert_logged("/nonexistent/mod.bin", "cannot open");
	a.modules = "m.bin,";
	assert_int_equal(multiboot_load(&f->mem, &a, &bs), -EINVAL);
	assert_logged(T_PATH, "without a path");
	a.modules = NULL;
	make_aout(f, (struct multiboot_header) { .flags = MB_HDR_PAGE_ALIGN });
	assert_int_equal(multiboot_load(&f->mem, &a, &bs), -ENOEXEC);
	assert_logged(T_PATH, "image is not ELF");
	/* An ELF entry point in RAM above 4 GiB, out of reach of 32-bit code. */
	munmap(f->mem.base, f->mem.size);
	make_gmem(&f->mem, 3 * GiB + 16 * MiB);
	make_elf64(f, 4 * GiB + MiB);
	assert_int_equal(multiboot_load(&f->mem, &a, &bs), -ENOEXEC);
	assert_logged(T_PATH, "above 4 GiB");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_find_header_aout_fields),
		T(test_find_header_needs_alignment),
		T(test_find_header_skips_bad_checksum),
		T(test_find_header_first_8k_only),
		T(test_find_header_truncated),
		T(test_check_flags),
		T(test_parse_modules),
		T(test_parse_modules_no_path),
		T(test_aout_layout_valid),
		T(test_aout_layout_rejects),
		T(test_build_info_contents),
		T(test_build_info_high_ram),
		T(test_build_info_too_big),
		T(test_load_aout_with_modules),
		T(test_load_elf),
		T(test_load_rejects),
	};

	return cmocka_run_group_tests_name("multiboot", tests, NULL, NULL);
}
