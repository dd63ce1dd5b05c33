// SPDX-License-Identifier: MIT
/*
 * mem/bzimage.c: setup-header validation, zero-page contents and placement,
 * on images built in memory and a fake struct gmem over a malloc'ed buffer.
 * Error messages are captured at our logging seam (log_printf).
 */
#include <asm/bootparam.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mem/bzimage.h"
#include "mem/layout.h"
#include "vmm/log.h"

#include "log_capture.h"

#define T_PATH		"fake/bzImage"
#define T_INITRD_PATH	"fake/initrd.img"
#define T_SETUP_SECTS	1
#define T_SETUP_SIZE	((T_SETUP_SECTS + 1) * 512)
#define T_KERNEL_SIZE	0x3000u
#define T_INIT_SIZE	0x10000u
#define T_RAM		(16 * MiB)
#define T_HDR_END	0x26c	/* a 2.15 header: 0x202 + 0x6a */

struct fixture {
	struct image kernel, initrd;
	struct gmem mem;
};

static struct setup_header *hdr(const struct image *img)
{
	return (struct setup_header *)(img->data + 0x1f1);
}

/* A 2.15, non-relocatable, 64-bit bzImage of file_size bytes (0: exact). */
static void make_kernel(struct image *img, u8 setup_sects, size_t file_size)
{
	u64 setup = ((setup_sects ? setup_sects : 4) + 1) * 512ULL;
	struct setup_header h = {
		.setup_sects = setup_sects, .syssize = T_KERNEL_SIZE / 16,
		.boot_flag = 0xaa55, .jump = 0xeb | (T_HDR_END - 0x202) << 8,
		.header = 0x53726448, .version = 0x020f, .loadflags = LOADED_HIGH,
		.code32_start = 0x100000, .initrd_addr_max = 0x7fffffff,
		.kernel_alignment = 0x200000, .xloadflags = XLF_KERNEL_64, .cmdline_size = 255,
		.pref_address = 0x100000, .init_size = T_INIT_SIZE,
	};

	img->path = T_PATH;
	img->size = file_size ? file_size : setup + T_KERNEL_SIZE;
	img->data = calloc(1, MAX(img->size, setup + T_KERNEL_SIZE + 4096));
	assert_non_null(img->data);
	memcpy(img->data + 0x1f1, &h, sizeof(h));
	/* Bytes after the header that a loader must not copy. */
	memset(img->data + T_HDR_END, 0xcc, setup - T_HDR_END);
	for (u64 i = 0; i < T_KERNEL_SIZE; i++)
		img->data[setup + i] = (u8)(i * 7 + 1);
}

static void make_initrd(struct image *img, size_t size)
{
	free(img->data);
	img->path = T_INITRD_PATH;
	img->size = size;
	img->data = malloc(size);
	assert_non_null(img->data);
	memset(img->data, 0x5a, size);
}

static void make_gmem(struct gmem *m, u64 ram)
{
	free(m->base);
	*m = (struct gmem) { .fd = -1, .size = ram };
	assert_int_equal(layout_init(&m->layout, ram), 0);
	m->base = calloc(1, ram);
	assert_non_null(m->base);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	make_kernel(&f->kernel, T_SETUP_SECTS, 0);
	make_initrd(&f->initrd, 10000);
	make_gmem(&f->mem, T_RAM);
	last_log[0] = '\0';
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	free(f->kernel.data);
	free(f->initrd.data);
	free(f->mem.base);
	free(f);
	return 0;
}

static void remake_kernel(struct fixture *f, u8 setup_sects, size_t file_size)
{
	free(f->kernel.data);
	make_kernel(&f->kernel, setup_sects, file_size);
}

/* ---- bzimage_parse ---------------------------------------------------------- */

static void test_bzimage_parse_good(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	assert_int_equal(bzimage_parse(&f->kernel, &info), 0);
	assert_int_equal(info.version, 0x020f);
	assert_int_equal(info.setup_size, T_SETUP_SIZE);
	assert_int_equal(info.kernel_size, T_KERNEL_SIZE);
	assert_int_equal(info.hdr_size, T_HDR_END - 0x1f1);
	assert_int_equal(info.load, LAYOUT_KERNEL);
	assert_int_equal(info.mem_size, T_INIT_SIZE);
	assert_int_equal(info.cmdline_max, 255);
	assert_int_equal(info.initrd_end, 0x80000000ULL);
}

static void test_bzimage_parse_bad_boot_flag(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	hdr(&f->kernel)->boot_flag = 0x55aa;
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "no boot_flag 0xaa55");
}

static void test_bzimage_parse_no_hdrs(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	memcpy(&hdr(&f->kernel)->header, "HdrX", 4);
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "no \"HdrS\" signature");
}

static void test_bzimage_parse_old_version(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	hdr(&f->kernel)->version = 0x020b;
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "boot protocol 2.11 is too old");
	hdr(&f->kernel)->version = 0x020c;
	assert_int_equal(bzimage_parse(&f->kernel, &info), 0);
}

static void test_bzimage_parse_no_kernel64(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	hdr(&f->kernel)->xloadflags = XLF_CAN_BE_LOADED_ABOVE_4G;
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "no 64-bit entry point (XLF_KERNEL_64 clear");
}

/* boot.rst: "If this field is 0, the real value is 4." */
static void test_bzimage_parse_setup_sects_zero(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	remake_kernel(f, 0, 0);
	assert_int_equal(bzimage_parse(&f->kernel, &info), 0);
	assert_int_equal(info.setup_size, 5 * 512);
	assert_int_equal(info.kernel_size, T_KERNEL_SIZE);
}

static void test_bzimage_parse_truncated(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	f->kernel.size = T_SETUP_SIZE + T_KERNEL_SIZE / 2;
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "truncated");
	/* Setup sectors cut short: the kernel is missing entirely. */
	f->kernel.size = 0x300;
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "truncated");
}

static void test_bzimage_parse_truncated_header(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	f->kernel.size = 0x200;
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "truncated: 512 bytes cannot hold a bzImage setup header");
}

/* syssize counts paragraphs: a last partial one is not truncation. */
static void test_bzimage_parse_syssize_rounding(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	f->kernel.size = T_SETUP_SIZE + T_KERNEL_SIZE - 15;
	assert_int_equal(bzimage_parse(&f->kernel, &info), 0);
	assert_int_equal(info.kernel_size, T_KERNEL_SIZE - 15);
	f->kernel.size = T_SETUP_SIZE + T_KERNEL_SIZE - 16;
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
}

/* Bytes after syssize (a signature, as Debian appends) are not kernel. */
static void test_bzimage_parse_ignores_trailer(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	remake_kernel(f, T_SETUP_SECTS, T_SETUP_SIZE + T_KERNEL_SIZE + 1472);
	assert_int_equal(bzimage_parse(&f->kernel, &info), 0);
	assert_int_equal(info.kernel_size, T_KERNEL_SIZE);
}

static void test_bzimage_parse_syssize_zero(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	hdr(&f->kernel)->syssize = 0;
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "syssize is 0");
}

static void test_bzimage_parse_header_length(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	f->kernel.data[0x201] = 0x50;	/* ends at 0x252: no init_size */
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "setup header length");
	f->kernel.data[0x201] = 0x90;	/* past the hole in boot_params */
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
}

/*
 * A relocatable kernel stays at 1 MiB but runs from the next kernel_alignment
 * boundary, or from pref_address if that is higher (Linux's LOAD_PHYSICAL_ADDR).
 */
static void test_bzimage_parse_relocatable(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	hdr(&f->kernel)->relocatable_kernel = 1;
	hdr(&f->kernel)->pref_address = 0;
	assert_int_equal(bzimage_parse(&f->kernel, &info), 0);
	assert_int_equal(info.load, LAYOUT_KERNEL);
	assert_int_equal(info.load + info.mem_size, 0x200000 + T_INIT_SIZE);
	hdr(&f->kernel)->pref_address = 0x1000000;
	assert_int_equal(bzimage_parse(&f->kernel, &info), 0);
	assert_int_equal(info.load, LAYOUT_KERNEL);
	assert_int_equal(info.load + info.mem_size, 0x1000000 + T_INIT_SIZE);
}

static void test_bzimage_parse_bad_alignment(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	hdr(&f->kernel)->relocatable_kernel = 1;
	hdr(&f->kernel)->kernel_alignment = 0x300000;
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "kernel_alignment 0x300000 is not a power of two");
}

/* A non-relocatable kernel goes where it will run; init_size smaller than the file. */
static void test_bzimage_parse_pref_address(void **state)
{
	struct fixture *f = *state;
	struct bzimage_info info;

	hdr(&f->kernel)->pref_address = 0x400000;
	hdr(&f->kernel)->init_size = 0x1000;
	assert_int_equal(bzimage_parse(&f->kernel, &info), 0);
	assert_int_equal(info.load, 0x400000);
	assert_int_equal(info.mem_size, T_KERNEL_SIZE);
	hdr(&f->kernel)->pref_address = 1ULL << 60;
	assert_int_equal(bzimage_parse(&f->kernel, &info), -ENOEXEC);
	assert_logged(T_PATH, "beyond any guest RAM");
}

/* ---- bzimage_build_zero_page ----------------------------------------------- */

static void build(struct fixture *f, const struct bzimage_placement *p, struct boot_params *zp)
{
	struct bzimage_info info;

	assert_int_equal(bzimage_parse(&f->kernel, &info), 0);
	bzimage_build_zero_page(zp, &f->kernel, &info, &f->mem.layout, p);
}

static void test_bzimage_build_zero_page_header(void **state)
{
	struct fixture *f = *state;
	struct bzimage_placement p = { .cmdline = LAYOUT_CMDLINE };
	struct boot_params zp;
	const u8 *raw = (const u8 *)&zp;

	memset(&zp, 0xee, sizeof(zp));
	build(f, &p, &zp);
	assert_int_equal(zp.hdr.type_of_loader, 0xff);
	assert_int_equal(zp.hdr.boot_flag, 0xaa55);
	assert_memory_equal(&zp.hdr.header, "HdrS", 4);
	assert_int_equal(zp.hdr.version, 0x020f);
	assert_int_equal(zp.hdr.loadflags, LOADED_HIGH);
	assert_int_equal(zp.hdr.xloadflags, XLF_KERNEL_64);
	assert_int_equal(zp.hdr.init_size, T_INIT_SIZE);
	assert_int_equal(zp.hdr.code32_start, LAYOUT_KERNEL);
	/* Only the header is copied; the rest of the page starts zeroed. */
	for (size_t i = 0; i < 0x1f1; i++)
		if (raw[i] && i != offsetof(struct boot_params, e820_entries))
			fail_msg("byte %#zx is %#x", i, raw[i]);
	for (size_t i = T_HDR_END; i < offsetof(struct boot_params, e820_table); i++)
		assert_int_equal(raw[i], 0);
}

static void test_bzimage_build_zero_page_pointers(void **state)
{
	struct fixture *f = *state;
	struct bzimage_placement p = {
		.cmdline = 0x123020000ULL, .initrd = 0x234567000ULL, .initrd_size = 0x100000123ULL,
	};
	struct boot_params zp;

	build(f, &p, &zp);
	assert_int_equal(zp.hdr.cmd_line_ptr, 0x23020000);
	assert_int_equal(zp.ext_cmd_line_ptr, 0x1);
	assert_int_equal(zp.hdr.ramdisk_image, 0x34567000);
	assert_int_equal(zp.ext_ramdisk_image, 0x2);
	assert_int_equal(zp.hdr.ramdisk_size, 0x123);
	assert_int_equal(zp.ext_ramdisk_size, 0x1);
}

static void test_bzimage_build_zero_page_e820(void **state)
{
	struct fixture *f = *state;
	struct bzimage_placement p = { 0 };
	struct e820_entry want[16];
	struct boot_params zp;
	unsigned int n;

	/* 5 GiB of layout: RAM below 3 GiB and above 4 GiB (no RAM is touched). */
	assert_int_equal(layout_init(&f->mem.layout, 5 * GiB), 0);
	n = layout_e820(&f->mem.layout, want, 16);
	build(f, &p, &zp);
	assert_int_equal(zp.e820_entries, n);
	assert_memory_equal(zp.e820_table, want, n * sizeof(want[0]));
	assert_int_equal(zp.e820_table[n - 1].addr, LAYOUT_HIGH_RAM);
	assert_int_equal(zp.e820_table[n - 1].size, 2 * GiB);
	assert_int_equal(zp.e820_table[n - 1].type, E820_RAM);
}

/* acpi_rsdp_addr exists from protocol 2.14 on. */
static void test_bzimage_build_zero_page_rsdp(void **state)
{
	struct fixture *f = *state;
	struct bzimage_placement p = { .acpi_rsdp = 0xe0000 };
	struct boot_params zp;

	build(f, &p, &zp);
	assert_int_equal(zp.acpi_rsdp_addr, 0xe0000);
	hdr(&f->kernel)->version = 0x020d;
	build(f, &p, &zp);
	assert_int_equal(zp.acpi_rsdp_addr, 0);
}

/* ---- bzimage_load ----------------------------------------------------------- */

static const struct boot_params *zero_page(const struct fixture *f)
{
	return gmem_hva(&f->mem, LAYOUT_BOOTINFO, sizeof(struct boot_params));
}

static void test_bzimage_load_good(void **state)
{
	struct fixture *f = *state;
	struct bzimage_args a = {
		.kernel = &f->kernel, .initrd = &f->initrd, .cmdline = "console=ttyS0",
		.acpi_rsdp = 0xe0000,
	};
	const struct boot_params *zp = zero_page(f);
	struct e820_entry e820[16];
	struct boot_state bs;

	assert_int_equal(bzimage_load(&f->mem, &a, &bs), 0);
	assert_int_equal(bs.mode, BOOT_MODE_LONG64);
	assert_int_equal(bs.rip, LAYOUT_KERNEL + 0x200);
	assert_int_equal(bs.rsi, LAYOUT_BOOTINFO);
	assert_memory_equal(gmem_hva(&f->mem, LAYOUT_KERNEL, T_KERNEL_SIZE),
			    f->kernel.data + T_SETUP_SIZE, T_KERNEL_SIZE);
	assert_int_equal(zp->hdr.type_of_loader, 0xff);
	assert_int_equal(zp->hdr.cmd_line_ptr, LAYOUT_CMDLINE);
	assert_string_equal((const char *)gmem_hva(&f->mem, LAYOUT_CMDLINE, 14),
			    "console=ttyS0");
	assert_int_equal(zp->acpi_rsdp_addr, 0xe0000);
	assert_int_equal(zp->hdr.ramdisk_size, 10000);
	/* As high as RAM allows: the last page-aligned spot below 16 MiB. */
	assert_int_equal(zp->hdr.ramdisk_image, (T_RAM - 10000) & ~0xfffULL);
	assert_memory_equal(gmem_hva(&f->mem, zp->hdr.ramdisk_image, 10000), f->initrd.data,
			    10000);
	assert_int_equal(zp->e820_entries, layout_e820(&f->mem.layout, e820, 16));
	assert_memory_equal(zp->e820_table, e820, zp->e820_entries * sizeof(e820[0]));
}

static void test_bzimage_load_no_initrd(void **state)
{
	struct fixture *f = *state;
	struct bzimage_args a = { .kernel = &f->kernel };
	struct boot_state bs;

	assert_int_equal(bzimage_load(&f->mem, &a, &bs), 0);
	assert_int_equal(zero_page(f)->hdr.ramdisk_image, 0);
	assert_int_equal(zero_page(f)->hdr.ramdisk_size, 0);
	assert_string_equal((const char *)gmem_hva(&f->mem, LAYOUT_CMDLINE, 1), "");
}

/* boot.rst: initrd_addr_max is "the address of the highest safe byte". */
static void test_bzimage_load_initrd_addr_max(void **state)
{
	struct fixture *f = *state;
	struct bzimage_args a = { .kernel = &f->kernel, .initrd = &f->initrd };
	const struct boot_params *zp = zero_page(f);
	struct boot_state bs;

	hdr(&f->kernel)->initrd_addr_max = 0x7fffff;
	assert_int_equal(bzimage_load(&f->mem, &a, &bs), 0);
	assert_int_equal(zp->hdr.ramdisk_image % 4096, 0);
	assert_true(zp->hdr.ramdisk_image + zp->hdr.ramdisk_size <= 0x800000);
	assert_int_equal(zp->hdr.ramdisk_image, (0x800000 - 10000) & ~0xfffULL);
}

/* Between the end of init_size and initrd_addr_max there is no room. */
static void test_bzimage_load_initrd_above_kernel(void **state)
{
	struct fixture *f = *state;
	struct bzimage_args a = { .kernel = &f->kernel, .initrd = &f->initrd };
	struct boot_state bs;

	hdr(&f->kernel)->initrd_addr_max = LAYOUT_KERNEL + T_INIT_SIZE + 8192 - 1;
	assert_int_equal(bzimage_load(&f->mem, &a, &bs), -ENOSPC);
	assert_logged(T_INITRD_PATH, "does not fit in guest RAM between 0x110000");
	make_initrd(&f->initrd, 8192);
	assert_int_equal(bzimage_load(&f->mem, &a, &bs), 0);
	assert_int_equal(zero_page(f)->hdr.ramdisk_image, LAYOUT_KERNEL + T_INIT_SIZE);
}

static void test_bzimage_load_initrd_too_big(void **state)
{
	struct fixture *f = *state;
	struct bzimage_args a = { .kernel = &f->kernel, .initrd = &f->initrd };
	struct boot_state bs;

	make_initrd(&f->initrd, T_RAM);
	assert_int_equal(bzimage_load(&f->mem, &a, &bs), -ENOSPC);
	assert_logged(T_INITRD_PATH, "does not fit in guest RAM");
}

static void test_bzimage_load_init_size_too_big(void **state)
{
	struct fixture *f = *state;
	struct bzimage_args a = { .kernel = &f->kernel };
	struct boot_state bs;

	hdr(&f->kernel)->init_size = 32 * MiB;
	assert_int_equal(bzimage_load(&f->mem, &a, &bs), -ENOSPC);
	assert_logged(T_PATH, "[0x100000, 0x2100000) does not fit in guest RAM (16 MiB)");
}

static void test_bzimage_load_cmdline_too_long(void **state)
{
	struct fixture *f = *state;
	struct bzimage_args a = { .kernel = &f->kernel, .cmdline = "console=ttyS0" };
	struct boot_state bs;

	hdr(&f->kernel)->cmdline_size = 13;
	assert_int_equal(bzimage_load(&f->mem, &a, &bs), 0);
	hdr(&f->kernel)->cmdline_size = 12;
	assert_int_equal(bzimage_load(&f->mem, &a, &bs), -E2BIG);
	assert_logged(T_PATH, "command line of 13 bytes is longer than the kernel accepts (12");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_bzimage_parse_good),
		T(test_bzimage_parse_bad_boot_flag),
		T(test_bzimage_parse_no_hdrs),
		T(test_bzimage_parse_old_version),
		T(test_bzimage_parse_no_kernel64),
		T(test_bzimage_parse_setup_sects_zero),
		T(test_bzimage_parse_truncated),
		T(test_bzimage_parse_truncated_header),
		T(test_bzimage_parse_syssize_rounding),
		T(test_bzimage_parse_ignores_trailer),
		T(test_bzimage_parse_syssize_zero),
		T(test_bzimage_parse_header_length),
		T(test_bzimage_parse_relocatable),
		T(test_bzimage_parse_bad_alignment),
		T(test_bzimage_parse_pref_address),
		T(test_bzimage_build_zero_page_header),
		T(test_bzimage_build_zero_page_pointers),
		T(test_bzimage_build_zero_page_e820),
		T(test_bzimage_build_zero_page_rsdp),
		T(test_bzimage_load_good),
		T(test_bzimage_load_no_initrd),
		T(test_bzimage_load_initrd_addr_max),
		T(test_bzimage_load_initrd_above_kernel),
		T(test_bzimage_load_initrd_too_big),
		T(test_bzimage_load_init_size_too_big),
		T(test_bzimage_load_cmdline_too_long),
	};

	return cmocka_run_group_tests_name("bzimage", tests, NULL, NULL);
}
