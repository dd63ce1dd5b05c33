// SPDX-License-Identifier: MIT
/* Unit tests for mem/elf.c and the helpers of mem/loader.c, on images built in memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mem/elf.h"
#include "mem/loader.h"
#include "vmm/log.h"

#define RAM (64 * MiB)
#define POISON 0xee

/* ---- a guest memory without KVM ------------------------------------------------- */

static struct gmem mem;

static int mem_setup(void **state)
{
	(void)state;
	if (layout_init(&mem.layout, RAM))
		return -1;
	mem.base = mmap(NULL, RAM, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem.base == MAP_FAILED)
		return -1;
	mem.size = RAM;
	mem.fd = -1;
	return 0;
}

static int mem_teardown(void **state)
{
	(void)state;
	munmap(mem.base, RAM);
	return 0;
}

static int poison(void **state)
{
	(void)state;
	memset(mem.base, POISON, 4 * MiB);
	return 0;
}

/* Is all of guest [gpa, gpa + len) still poison? */
static bool untouched(u64 gpa, u64 len)
{
	for (u64 i = 0; i < len; i++)
		if (mem.base[gpa + i] != POISON)
			return false;
	return true;
}

/* ---- building ELF files ------------------------------------------------------------- */

struct seg {
	u32 type;
	u64 off, vaddr, paddr, filesz, memsz;
};

struct spec {
	bool is32;
	u16 type, machine;
	u64 entry;
	unsigned int nr;
	struct seg seg[4];
	size_t size;
};

static u8 file_byte(unsigned int seg, u64 i)
{
	return (u8)(0x31 + seg * 0x40 + i % 37);
}

/* The standard test kernel: higher-half vaddrs, text + data/bss, then rodata. */
static struct spec good64(void)
{
	return (struct spec) {
		.type = ET_EXEC, .machine = EM_X86_64, .entry = 0xffffffff80100010ULL, .nr = 2,
		.seg = {
			{ PT_LOAD, 0x1000, 0xffffffff80100000ULL, 0x100000, 0x800, 0x2000 },
			{ PT_LOAD, 0x2000, 0xffffffff80200000ULL, 0x200000, 0x100, 0x100 },
		},
		.size = 0x3000,
	};
}

static struct image build(const struct spec *s)
{
	struct image img = { .path = "test.elf", .size = s->size };
	u8 *d = calloc(1, s->size < 0x1000 ? 0x1000 : s->size);

	assert_non_null(d);
	img.data = d;
	if (!s->is32) {
		Elf64_Ehdr eh = {
			.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64, ELFDATA2LSB,
				     EV_CURRENT },
			.e_type = s->type, .e_machine = s->machine, .e_version = EV_CURRENT,
			.e_entry = s->entry, .e_phoff = sizeof(eh), .e_ehsize = sizeof(eh),
			.e_phentsize = sizeof(Elf64_Phdr), .e_phnum = s->nr,
		};

		memcpy(d, &eh, sizeof(eh));
		for (unsigned int i = 0; i < s->nr; i++) {
			const struct seg *g = &s->seg[i];
			Elf64_Phdr ph = { g->type, PF_R | PF_X, g->off, g->vaddr, g->paddr,
					  g->filesz, g->memsz, 0x1000 };

			memcpy(d + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
		}
	} else {
		Elf32_Ehdr eh = {
			.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS32, ELFDATA2LSB,
				     EV_CURRENT },
			.e_type = s->type, .e_machine = s->machine, .e_version = EV_CURRENT,
			.e_entry = (u32)s->entry, .e_phoff = sizeof(eh), .e_ehsize = sizeof(eh),
			.e_phentsize = sizeof(Elf32_Phdr), .e_phnum = s->nr,
		};

		memcpy(d, &eh, sizeof(eh));
		for (unsigned int i = 0; i < s->nr; i++) {
			const struct seg *g = &s->seg[i];
			Elf32_Phdr ph = { g->type, (u32)g->off, (u32)g->vaddr, (u32)g->paddr,
					  (u32)g->filesz, (u32)g->memsz, PF_R | PF_X, 0x1000 };

			memcpy(d + sizeof(eh) + i * sizeof(ph), &ph, sizeof(ph));
		}
	}
	for (unsigned int i = 0; i < s->nr; i++)
		for (u64 j = 0; s->seg[i].off < s->size && j < s->size - s->seg[i].off &&
			       j < s->seg[i].filesz; j++)
			d[s->seg[i].off + j] = file_byte(i, j);
	return img;
}

static void assert_segment_loaded(unsigned int i, const struct seg *g)
{
	for (u64 j = 0; j < g->filesz; j++)
		if (mem.base[g->paddr + j] != file_byte(i, j))
			fail_msg("segment %u byte %#llx not loaded", i, (unsigned long long)j);
	for (u64 j = g->filesz; j < g->memsz; j++)
		if (mem.base[g->paddr + j])
			fail_msg("segment %u bss byte %#llx not zero", i, (unsigned long long)j);
}

/* ---- elf_load() ------------------------------------------------------------------ */

static void test_elf_load_good64(void **state)
{
	struct spec s = good64();
	struct image img = build(&s);
	struct elf_info info;
	(void)state;

	assert_int_equal(elf_check(&img), 0);
	assert_true(untouched(0x100000, 0x200000));	/* checking writes nothing */
	assert_int_equal(elf_load(&mem, &img, &info), 0);
	assert_true(info.is64);
	assert_int_equal(info.entry, 0x100010);	/* vaddr translated through its segment */
	assert_int_equal(info.lowest, 0x100000);
	assert_int_equal(info.highest, 0x200100);
	assert_segment_loaded(0, &s.seg[0]);
	assert_segment_loaded(1, &s.seg[1]);
	assert_true(untouched(0x102000, 0x1000));	/* right after the bss */
	assert_true(untouched(0x0fffff, 1));
	assert_true(untouched(0x200100, 0x100));
	image_free(&img);
}

static void test_elf_load_good32(void **state)
{
	struct spec s = {
		.is32 = true, .type = ET_EXEC, .machine = EM_386, .entry = 0xc0300004, .nr = 3,
		.seg = {
			{ PT_NOTE, 0x1800, 0, 0, 0x100, 0x10 },	/* not PT_LOAD: not even checked */
			{ PT_LOAD, 0x1000, 0xc0200000, 0x200000, 0x1000, 0x1000 },
			{ PT_LOAD, 0x2000, 0xc0300000, 0x300000, 0x10, 0x4000 },
		},
		.size = 0x2010,
	};
	struct image img = build(&s);
	struct elf_info info;
	(void)state;

	assert_int_equal(elf_load(&mem, &img, &info), 0);
	assert_false(info.is64);
	assert_int_equal(info.entry, 0x300004);
	assert_int_equal(info.lowest, 0x200000);
	assert_int_equal(info.highest, 0x304000);
	assert_segment_loaded(1, &s.seg[1]);
	assert_segment_loaded(2, &s.seg[2]);
	image_free(&img);
}

enum tweak {
	T_NONE, T_MAGIC, T_BIGENDIAN, T_CLASS, T_PHENTSIZE, T_PHOFF_EOF, T_PHOFF_WRAP,
};

struct bad_case {
	const char *what;
	struct spec spec;
	enum tweak tweak;
	int ret;
};

static void apply_tweak(struct image *img, const struct spec *s, enum tweak t)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img->data;

	switch (t) {
	case T_NONE:							break;
	case T_MAGIC:		img->data[1] = 'e';			break;
	case T_BIGENDIAN:	img->data[EI_DATA] = ELFDATA2MSB;	break;
	case T_CLASS:		img->data[EI_CLASS] = 3;		break;
	case T_PHENTSIZE:	eh->e_phentsize = sizeof(Elf64_Phdr) + 8; break;
	case T_PHOFF_EOF:	eh->e_phoff = s->size - sizeof(Elf64_Phdr) * s->nr + 1; break;
	case T_PHOFF_WRAP:	eh->e_phoff = UINT64_MAX - 8;		break;
	}
}

#define SPEC(...) ({ struct spec __s = good64(); __VA_ARGS__; __s; })

static void test_elf_load_bad(void **state)
{
	const struct bad_case cases[] = {
		{ "bad magic", good64(), T_MAGIC, -ENOEXEC },
		{ "big-endian", good64(), T_BIGENDIAN, -ENOEXEC },
		{ "unknown class", good64(), T_CLASS, -ENOEXEC },
		{ "ELF64 i386", SPEC(__s.machine = EM_386), T_NONE, -ENOEXEC },
		{ "ELF64 aarch64", SPEC(__s.machine = EM_AARCH64), T_NONE, -ENOEXEC },
		{ "ET_DYN", SPEC(__s.type = ET_DYN), T_NONE, -ENOEXEC },
		{ "ET_REL", SPEC(__s.type = ET_REL), T_NONE, -ENOEXEC },
		{ "ELF32 ARM", SPEC(__s.is32 = true; __s.machine = EM_ARM;
				    __s.entry = 0x100000; __s.seg[0].vaddr = 0x100000;
				    __s.seg[1].vaddr = 0x200000), T_NONE, -ENOEXEC },
		{ "odd e_phentsize", good64(), T_PHENTSIZE, -ENOEXEC },
		{ "no program headers", SPEC(__s.nr = 0), T_NONE, -ENOEXEC },
		{ "phdrs past EOF", good64(), T_PHOFF_EOF, -ENOEXEC },
		{ "phoff wraps", good64(), T_PHOFF_WRAP, -ENOEXEC },
		{ "filesz > memsz", SPEC(__s.seg[1].filesz = 0x101), T_NONE, -ENOEXEC },
		{ "segment past EOF", SPEC(__s.seg[1].filesz = 0x1001; __s.seg[1].memsz = 0x2000),
		  T_NONE, -ENOEXEC },
		{ "offset wraps", SPEC(__s.seg[1].off = UINT64_MAX - 0x10), T_NONE, -ENOEXEC },
		{ "paddr wraps", SPEC(__s.seg[1].paddr = UINT64_MAX - 0x10), T_NONE, -ENOEXEC },
		{ "vaddr wraps", SPEC(__s.seg[1].vaddr = UINT64_MAX - 0x10), T_NONE, -ENOEXEC },
		{ "above RAM", SPEC(__s.seg[1].paddr = RAM - 0x80), T_NONE, -ENOSPC },
		{ "in the MMIO hole", SPEC(__s.seg[1].paddr = 3 * GiB), T_NONE, -ENOSPC },
		{ "bss past RAM", SPEC(__s.seg[1].paddr = RAM - 0x100; __s.seg[1].memsz = 0x101),
		  T_NONE, -ENOSPC },
		{ "over the boot info", SPEC(__s.seg[1].paddr = 0x10000), T_NONE, -EINVAL },
		{ "over the page tables", SPEC(__s.seg[1].paddr = 0x7f80), T_NONE, -EINVAL },
		{ "over the ACPI tables", SPEC(__s.seg[0].paddr = 0xff000), T_NONE, -EINVAL },
		{ "entry outside", SPEC(__s.entry = 0xffffffff80102000ULL), T_NONE, -ENOEXEC },
		{ "entry is a paddr", SPEC(__s.entry = 0x100010), T_NONE, -ENOEXEC },
		{ "no PT_LOAD", SPEC(__s.seg[0].type = PT_NOTE; __s.seg[1].type = PT_DYNAMIC),
		  T_NONE, -ENOEXEC },
		{ "only empty PT_LOAD", SPEC(__s.seg[0].memsz = __s.seg[0].filesz = 0; __s.nr = 1),
		  T_NONE, -ENOEXEC },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct image img = build(&cases[i].spec);
		struct elf_info info;
		int ret;

		apply_tweak(&img, &cases[i].spec, cases[i].tweak);
		poison(NULL);
		ret = elf_load(&mem, &img, &info);
		if (ret != cases[i].ret)
			fail_msg("%s: elf_load returned %d, want %d", cases[i].what, ret,
				 cases[i].ret);
		/* Bad files are refused before a byte reaches the guest. */
		if (ret == -ENOEXEC && !untouched(0, 4 * MiB))
			fail_msg("%s: guest memory written", cases[i].what);
		/* elf_check() sees the same file problems, without memory to check against. */
		ret = elf_check(&img);
		if (ret != (cases[i].ret == -ENOEXEC ? -ENOEXEC : 0))
			fail_msg("%s: elf_check returned %d", cases[i].what, ret);
		image_free(&img);
	}
}

static void test_elf_load_truncated_header(void **state)
{
	static const struct { bool is32; size_t size; } cases[] = {
		{ false, 0 }, { false, 3 }, { false, EI_NIDENT - 1 }, { false, EI_NIDENT },
		{ false, sizeof(Elf64_Ehdr) - 1 }, { true, sizeof(Elf32_Ehdr) - 1 },
		{ false, sizeof(Elf64_Ehdr) }, { false, sizeof(Elf64_Ehdr) + sizeof(Elf64_Phdr) },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct spec s = good64();
		struct image img;
		struct elf_info info;

		s.is32 = cases[i].is32;
		img = build(&s);
		img.size = cases[i].size;
		assert_int_equal(elf_load(&mem, &img, &info), -ENOEXEC);
		image_free(&img);
	}
}

/* ---- loader.c: detection, reading, initrd placement ----------------------------------- */

static void put_multiboot(u8 *d, size_t off, u32 checksum_fix)
{
	u32 h[3] = { 0x1BADB002u, 0x00010003u, 0 };

	h[2] = -(h[0] + h[1]) + checksum_fix;
	memcpy(d + off, h, sizeof(h));
}

static void test_image_detect(void **state)
{
	static u8 d[16384];
	struct image img = { .path = "x", .data = d };
	(void)state;

	memset(d, 0, sizeof(d));
	img.size = sizeof(d);
	assert_int_equal(image_detect(&img), IMAGE_AUTO);
	img.size = 0;
	assert_int_equal(image_detect(&img), IMAGE_AUTO);

	memcpy(d, "\177ELF", 4);
	img.size = 4;
	assert_int_equal(image_detect(&img), IMAGE_ELF);
	img.size = 3;
	assert_int_equal(image_detect(&img), IMAGE_AUTO);

	/* A multiboot header wins over the ELF magic, anywhere aligned in 8 KiB. */
	img.size = sizeof(d);
	put_multiboot(d, 8180, 0);
	assert_int_equal(image_detect(&img), IMAGE_MULTIBOOT);
	img.size = 8191;	/* the header no longer fits in the file */
	assert_int_equal(image_detect(&img), IMAGE_ELF);
	img.size = sizeof(d);
	memset(d + 8180, 0, 12);
	put_multiboot(d, 8184, 0);	/* past the 8 KiB search window */
	assert_int_equal(image_detect(&img), IMAGE_ELF);
	memset(d + 8184, 0, 12);
	put_multiboot(d, 66, 0);	/* not 32-bit aligned */
	assert_int_equal(image_detect(&img), IMAGE_ELF);
	memset(d + 66, 0, 12);
	put_multiboot(d, 64, 1);	/* bad checksum */
	assert_int_equal(image_detect(&img), IMAGE_ELF);
	memset(d + 64, 0, 12);

	/* Linux boot protocol: 0xAA55 at 0x1fe and "HdrS" at 0x202. */
	d[0x1fe] = 0x55;
	d[0x1ff] = 0xaa;
	memcpy(d + 0x202, "HdrS", 4);
	assert_int_equal(image_detect(&img), IMAGE_BZIMAGE);
	img.size = 0x24f;
	assert_int_equal(image_detect(&img), IMAGE_ELF);
	img.size = sizeof(d);
	d[0x205] = 'x';
	assert_int_equal(image_detect(&img), IMAGE_ELF);

	assert_string_equal(image_format_name(IMAGE_ELF), "elf");
	assert_string_equal(image_format_name(IMAGE_BZIMAGE), "bzimage");
	assert_string_equal(image_format_name(IMAGE_MULTIBOOT), "multiboot");
	assert_string_equal(image_format_name(IMAGE_AUTO), "auto");
}

static void test_image_read(void **state)
{
	char dir[] = "/tmp/vtlvm-elf-XXXXXX", path[64], empty[64];
	struct image img;
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/k.bin", dir);
	snprintf(empty, sizeof(empty), "%s/empty", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 70000; i++)
		fputc(i % 251, f);
	fclose(f);
	f = fopen(empty, "w");
	assert_non_null(f);
	fclose(f);

	assert_int_equal(image_read(path, &img), 0);
	assert_string_equal(img.path, path);
	assert_int_equal(img.size, 70000);
	assert_int_equal(img.data[69999], 69999 % 251);
	image_free(&img);
	assert_null(img.data);
	assert_int_equal(img.size, 0);

	assert_int_equal(image_read(empty, &img), 0);
	assert_int_equal(img.size, 0);
	assert_non_null(img.data);
	image_free(&img);

	assert_int_equal(image_read(dir, &img), -EINVAL);	/* a directory */
	assert_null(img.data);
	assert_int_equal(image_read("/dev/null", &img), -EINVAL);
	assert_null(img.data);
	snprintf(path, sizeof(path), "%s/missing", dir);
	assert_int_equal(image_read(path, &img), -ENOENT);
	assert_null(img.data);
	assert_string_equal(img.path, path);

	unlink(empty);
	snprintf(path, sizeof(path), "%s/k.bin", dir);
	unlink(path);
	rmdir(dir);
}

static void test_loader_place_initrd(void **state)
{
	static const struct {
		size_t size;
		u64 min_start, max_end;
		int ret;
		u64 gpa;
	} cases[] = {
		{ 0x1800, 0x200000, 3 * GiB, 0, RAM - 0x2000 },		/* capped at RAM */
		{ 0x1000, 0x200000, 3 * GiB, 0, RAM - 0x1000 },
		{ 0x1800, 0x200000, 0x2000123, 0, 0x1ffe000 },		/* below max_end */
		{ RAM - 0x100000, 0x100000, 3 * GiB, 0, 0x100000 },	/* exact fit */
		{ RAM - 0xfffff, 0x100000, 3 * GiB, -ENOSPC, 0 },
		{ 0x1800, RAM - 0x1000, 3 * GiB, -ENOSPC, 0 },		/* above min_start */
		{ RAM + 1, 0, 3 * GiB, -ENOSPC, 0 },
		{ 0x1000, 0x10000, 0x8000, -ENOSPC, 0 },		/* max_end < min_start */
		{ 0x1000, 0, 0x30000, -EINVAL, 0 },			/* on the command line */
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct image img = { .path = "initrd", .size = cases[i].size };
		gpa_t gpa = 0x1234;
		int ret;

		img.data = malloc(cases[i].size);
		assert_non_null(img.data);
		memset(img.data, 0x5c, cases[i].size);
		img.data[cases[i].size - 1] = 0x7d;
		memset(mem.base + RAM - 0x4000, POISON, 0x4000);
		ret = loader_place_initrd(&mem, &img, cases[i].min_start, cases[i].max_end, &gpa);
		if (ret != cases[i].ret)
			fail_msg("case %zu: ret %d, want %d", i, ret, cases[i].ret);
		if (!ret) {
			assert_int_equal(gpa, cases[i].gpa);
			assert_true(IS_ALIGNED(gpa, PAGE_SIZE));
			assert_true(gpa >= cases[i].min_start);
			assert_true(gpa + cases[i].size <= cases[i].max_end);
			assert_int_equal(mem.base[gpa], 0x5c);
			assert_int_equal(mem.base[gpa + cases[i].size - 1], 0x7d);
		} else if (ret == -ENOSPC) {
			assert_int_equal(gpa, 0x1234);	/* not written on failure */
		}
		free(img.data);
	}
}

#define P(fn) cmocka_unit_test_setup(fn, poison)

int main(void)
{
	const struct CMUnitTest tests[] = {
		P(test_elf_load_good64),
		P(test_elf_load_good32),
		P(test_elf_load_bad),
		P(test_elf_load_truncated_header),
		cmocka_unit_test(test_image_detect),
		cmocka_unit_test(test_image_read),
		P(test_loader_place_initrd),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("elf", tests, mem_setup, mem_teardown);
}
