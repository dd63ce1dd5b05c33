// SPDX-License-Identifier: MIT
/*
 * mkbzimage [options] KERNEL.elf OUT -- wrap the bzImage test guest's
 * protected-mode kernel (ELF64 linked at BZT_LOAD_ADDR, 64-bit entry at
 * +0x200) into a bzImage: a boot sector and one setup sector holding a
 * setup header (Documentation/arch/x86/boot.rst), then the kernel as a
 * flat image. syssize and init_size are computed from the ELF.
 *
 *   --version V      boot protocol version (default BZT_VERSION)
 *   --xloadflags X   xloadflags (default XLF_KERNEL_64)
 *   --init-size N    init_size instead of the kernel's memory size
 *
 * The options make the broken images of the bad-input tests.
 */
#include <asm/bootparam.h>
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/guests/bzimage/bzimage_test.h"

#define SECTOR		512
#define SETUP_SECTS	1
#define SETUP_SIZE	((SETUP_SECTS + 1) * SECTOR)
#define HDR_OFFSET	0x1f1
#define HDR_END		(HDR_OFFSET + sizeof(struct setup_header))	/* 2.15: 0x26c */
#define VERSION_STR_AT	0x300	/* kernel_version points here, less 0x200 */
#define ENTRY64_OFFSET	0x200
#define PARAGRAPH	16
#define PAGE		4096

/* Real mode "cli; hlt; jmp hlt": the boot sector and setup code are never run. */
static const unsigned char halt_stub[] = { 0xfa, 0xf4, 0xeb, 0xfd };

struct opts {
	unsigned long version, xloadflags, init_size;
};

/* The protected-mode kernel as it lies in memory from BZT_LOAD_ADDR. */
struct flat {
	unsigned char *data;
	size_t file_size;	/* bytes with contents */
	size_t mem_size;	/* with bss */
};

static unsigned char *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto fail;
	buf = malloc(n ? n : 1);
	if (!buf || fread(buf, 1, n, f) != (size_t)n)
		goto fail;
	fclose(f);
	*size = n;
	return buf;
fail:
	fprintf(stderr, "mkbzimage: %s: cannot read: %s\n", path, strerror(errno));
	free(buf);
	if (f)
		fclose(f);
	return NULL;
}

static int bad_elf(const char *path, const char *why)
{
	fprintf(stderr, "mkbzimage: %s: %s\n", path, why);
	return -1;
}

/* Lay the PT_LOAD segments of the ELF out flat from BZT_LOAD_ADDR. */
static int flatten(const char *path, const unsigned char *elf, size_t size, struct flat *out)
{
	Elf64_Ehdr eh;

	if (size < sizeof(eh) || memcmp(elf, ELFMAG, SELFMAG))
		return bad_elf(path, "not an ELF file");
	memcpy(&eh, elf, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) ||
	    eh.e_phoff + (Elf64_Off)eh.e_phnum * sizeof(Elf64_Phdr) > size)
		return bad_elf(path, "not an x86-64 ELF64 executable");
	if (eh.e_entry != BZT_LOAD_ADDR + ENTRY64_OFFSET)
		return bad_elf(path, "entry point is not at load address + 0x200");
	*out = (struct flat) { 0 };
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned int i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr ph;
			size_t at;

			memcpy(&ph, elf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
			if (ph.p_type != PT_LOAD || !ph.p_memsz)
				continue;
			if (ph.p_paddr < BZT_LOAD_ADDR || ph.p_offset + ph.p_filesz > size)
				return bad_elf(path, "segment below the load address or truncated");
			at = ph.p_paddr - BZT_LOAD_ADDR;
			if (pass == 0) {
				if (ph.p_filesz && at + ph.p_filesz > out->file_size)
					out->file_size = at + ph.p_filesz;
				if (at + ph.p_memsz > out->mem_size)
					out->mem_size = at + ph.p_memsz;
			} else {
				memcpy(out->data + at, elf + ph.p_offset, ph.p_filesz);
			}
		}
		if (pass == 0) {
			out->data = calloc(1, out->mem_size + PARAGRAPH);
			if (!out->data || !out->file_size)
				return bad_elf(path, "no loadable contents");
		}
	}
	return 0;
}

static void put_header(unsigned char *out, const struct flat *k, const struct opts *o)
{
	struct setup_header h = {
		.setup_sects = SETUP_SECTS,
		.syssize = (k->file_size + PARAGRAPH - 1) / PARAGRAPH,
		.vid_mode = 0xffff,			/* "normal" */
		.boot_flag = 0xaa55,
		.jump = 0xeb | (HDR_END - 0x202) << 8,	/* jmp short past the header */
		.version = o->version,
		.start_sys_seg = 0x1000,
		.kernel_version = VERSION_STR_AT - 0x200,
		.loadflags = LOADED_HIGH,
		.code32_start = BZT_LOAD_ADDR,
		.initrd_addr_max = BZT_INITRD_ADDR_MAX,
		.kernel_alignment = BZT_KERNEL_ALIGNMENT,
		.relocatable_kernel = 0,
		.xloadflags = o->xloadflags,
		.cmdline_size = BZT_CMDLINE_SIZE,
		.pref_address = BZT_LOAD_ADDR,
		/* The memory the kernel needs from its load address: text to the end of bss. */
		.init_size = o->init_size ? o->init_size : (k->mem_size + PAGE - 1) / PAGE * PAGE,
	};

	memcpy(&h.header, "HdrS", 4);
	memcpy(out, halt_stub, sizeof(halt_stub));
	memcpy(out + HDR_OFFSET, &h, sizeof(h));
	memcpy(out + HDR_END, halt_stub, sizeof(halt_stub));
	strcpy((char *)out + VERSION_STR_AT, "vtlvm bzImage test guest");
}

static int write_file(const char *path, const unsigned char *buf, size_t size)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, size, f) != size || fclose(f)) {
		fprintf(stderr, "mkbzimage: %s: cannot write: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "version", required_argument, NULL, 'v' },
		{ "xloadflags", required_argument, NULL, 'x' },
		{ "init-size", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*o = (struct opts) { .version = BZT_VERSION, .xloadflags = XLF_KERNEL_64 };
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		char *end;
		unsigned long v = strtoul(optarg ? optarg : "", &end, 0);

		if (c == '?' || !optarg || !*optarg || *end)
			return -1;
		if (c == 'v')
			o->version = v;
		else if (c == 'x')
			o->xloadflags = v;
		else
			o->init_size = v;
	}
	return argc - optind == 2 ? 0 : -1;
}

int main(int argc, char **argv)
{
	unsigned char *elf, *out;
	struct flat k = { 0 };
	struct opts o;
	size_t size, kernel_size;
	int ret;

	if (parse_opts(argc, argv, &o)) {
		fprintf(stderr, "usage: %s [--version V] [--xloadflags X] [--init-size N] "
			"KERNEL.elf OUT\n", argv[0]);
		return 2;
	}
	elf = read_file(argv[optind], &size);
	if (!elf)
		return 1;
	if (flatten(argv[optind], elf, size, &k)) {
		free(k.data);
		free(elf);
		return 1;
	}
	/* boot.rst: syssize is "the size of the protected-mode code in units of 16-byte paras". */
	kernel_size = (k.file_size + PARAGRAPH - 1) / PARAGRAPH * PARAGRAPH;
	out = calloc(1, SETUP_SIZE + kernel_size);
	if (!out)
		return 1;
	put_header(out, &k, &o);
	memcpy(out + SETUP_SIZE, k.data, k.file_size);
	ret = write_file(argv[optind + 1], out, SETUP_SIZE + kernel_size);
	free(out);
	free(k.data);
	free(elf);
	return ret ? 1 : 0;
}
