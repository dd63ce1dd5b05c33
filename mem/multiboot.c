// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "multiboot: " fmt
#include "mem/multiboot.h"

#include <elf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mem/elf.h"
#include "vmm/log.h"

/* Multiboot 0.6.96, 3.1.1 (header) and 3.3 (boot information): the offsets are ABI. */
_Static_assert(sizeof(struct multiboot_header) == 48, "multiboot header layout");
_Static_assert(offsetof(struct multiboot_header, header_addr) == 12, "multiboot header layout");
_Static_assert(offsetof(struct multiboot_header, entry_addr) == 28, "multiboot header layout");
_Static_assert(offsetof(struct multiboot_header, mode_type) == 32, "multiboot header layout");
_Static_assert(sizeof(struct multiboot_info) == 88, "multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, mem_lower) == 4, "multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, cmdline) == 16, "multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, mods_count) == 20, "multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, syms) == 28, "multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, mmap_length) == 44, "multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, mmap_addr) == 48, "multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, boot_loader_name) == 64, "multiboot info layout");
_Static_assert(offsetof(struct multiboot_info, vbe_mode) == 80, "multiboot info layout");
_Static_assert(sizeof(struct multiboot_mod) == 16, "multiboot module layout");
_Static_assert(sizeof(struct multiboot_mmap_entry) == 24, "multiboot mmap layout");
_Static_assert(offsetof(struct multiboot_mmap_entry, base_addr) == 4, "multiboot mmap layout");
_Static_assert(offsetof(struct multiboot_mmap_entry, length) == 12, "multiboot mmap layout");
_Static_assert(offsetof(struct multiboot_mmap_entry, type) == 20, "multiboot mmap layout");

#define MB_4G		(4 * GiB)
#define MB_MAX_E820	8

/* ---- the header ------------------------------------------------------------ */

static u32 rd32(const u8 *p)
{
	u32 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* How many bytes of the header the flags make meaningful. */
static size_t header_size(u32 flags)
{
	if (flags & MB_HDR_VIDEO_MODE)
		return sizeof(struct multiboot_header);
	return flags & MB_HDR_AOUT_KLUDGE ? MB_HDR_AOUT_SIZE : MB_HDR_MAGIC_SIZE;
}

static int header_read(const struct image *img, size_t off, struct multiboot_header *hdr)
{
	size_t need = header_size(rd32(img->data + off + 4));

	if (off + need > img->size) {
		pr_err("%s: truncated: multiboot header at %#zx needs %zu bytes, file has %zu",
		       img->path, off, need, img->size);
		return -ENOEXEC;
	}
	/* 3.1.1: "The Multiboot header must be contained completely within the first 8192 bytes" */
	if (off + need > MULTIBOOT_SEARCH) {
		pr_err("%s: multiboot header at %#zx ends beyond the first %u bytes", img->path,
		       off, MULTIBOOT_SEARCH);
		return -ENOEXEC;
	}
	memset(hdr, 0, sizeof(*hdr));
	memcpy(hdr, img->data + off, need);
	return 0;
}

bool multiboot_header_offset(const struct image *img, size_t *off)
{
	size_t end = MIN(img->size, (size_t)MULTIBOOT_SEARCH);

	for (size_t at = 0; at + MB_HDR_MAGIC_SIZE <= end; at += MULTIBOOT_HEADER_ALIGN) {
		const u8 *p = img->data + at;

		/* 3.1.2: "magic + flags + checksum must equal 0" (mod 2^32) */
		if (rd32(p) == MULTIBOOT_HEADER_MAGIC &&
		    (u32)(rd32(p) + rd32(p + 4) + rd32(p + 8)) == 0) {
			*off = at;
			return true;
		}
	}
	return false;
}

int multiboot_find_header(const struct image *img, struct multiboot_header *hdr, size_t *off)
{
	if (multiboot_header_offset(img, off))
		return header_read(img, *off, hdr);
	pr_err("%s: no multiboot header (magic %#x, valid checksum) in the first %u bytes",
	       img->path, MULTIBOOT_HEADER_MAGIC, MULTIBOOT_SEARCH);
	return -ENOEXEC;
}

int multiboot_check_flags(const struct image *img, u32 flags)
{
	u32 unmet = flags & MB_HDR_REQUIRED & ~MB_HDR_SUPPORTED;

	/*
	 * 3.1.2: "if the boot loader sees any of these bits set but doesn't
	 * understand the flag or can't fulfill the requirements it indicates
	 * for some reason, it must notify the user and fail". Bit 2 asks for
	 * the video mode table, which a VMM without a display cannot give.
	 */
	if (unmet & MB_HDR_VIDEO_MODE) {
		pr_err("%s: multiboot kernel requires video mode information (flags bit 2), "
		       "which vtlvm cannot provide", img->path);
		return -EINVAL;
	}
	if (unmet) {
		pr_err("%s: multiboot kernel requires an unknown feature (flags bit %d)",
		       img->path, __builtin_ctz(unmet));
		return -EINVAL;
	}
	return 0;
}

/* ---- the a.out kludge (3.1.3) ------------------------------------------------ */

static int aout_bad(const struct image *img, const char *field, u32 val, const char *why)
{
	pr_err("%s: multiboot %s %#x %s", img->path, field, val, why);
	return -EINVAL;
}

/* Fill out->file_offset, load_addr and load_size from the file fields. */
static int aout_file_part(const struct image *img, const struct multiboot_header *h,
			  size_t hdr_off, struct multiboot_aout *out)
{
	u32 delta;

	/* "load_addr must be less than or equal to header_addr" */
	if (h->load_addr > h->header_addr)
		return aout_bad(img, "load_addr", h->load_addr, "is above header_addr");
	/* "The offset in the OS image file at which to start loading is defined
	 * by the offset at which the header was found, minus (header_addr - load_addr)." */
	delta = h->header_addr - h->load_addr;
	if (delta > hdr_off) {
		pr_err("%s: multiboot header_addr - load_addr (%#x) exceeds the header's file "
		       "offset %#zx: loading would start before the file", img->path, delta,
		       hdr_off);
		return -EINVAL;
	}
	out->file_offset = hdr_off - delta;
	out->load_addr = h->load_addr;
	/* "If this field is zero, the boot loader assumes that the text and data
	 * segments occupy the whole OS image file." */
	if (!h->load_end_addr) {
		out->load_size = img->size - out->file_offset;
		return 0;
	}
	if (h->load_end_addr <= h->load_addr)
		return aout_bad(img, "load_end_addr", h->load_end_addr, "is not above load_addr");
	out->load_size = h->load_end_addr - h->load_addr;
	if (out->load_size > img->size - out->file_offset) {
		pr_err("%s: truncated: multiboot load_end_addr %#x needs %#llx bytes from file "
		       "offset %#llx, file has %zu", img->path, h->load_end_addr,
		       (unsigned long long)out->load_size, (unsigned long long)out->file_offset,
		       img->size);
		return -ENOEXEC;
	}
	return 0;
}

static int aout_memory_part(const struct image *img, const struct multiboot_header *h,
			    const struct layout *l, struct multiboot_aout *out)
{
	gpa_t load_end = out->load_addr + out->load_size;

	if (h->header_addr + (u64)MB_HDR_AOUT_SIZE > load_end)
		return aout_bad(img, "header_addr", h->header_addr,
				"is not inside the loaded image");
	/* "If this field is zero, the boot loader assumes that no bss segment is present." */
	if (h->bss_end_addr && h->bss_end_addr < load_end)
		return aout_bad(img, "bss_end_addr", h->bss_end_addr,
				"is below the end of the loaded image");
	out->bss_size = h->bss_end_addr ? h->bss_end_addr - load_end : 0;
	if (h->entry_addr < out->load_addr || h->entry_addr >= load_end)
		return aout_bad(img, "entry_addr", h->entry_addr,
				"is outside the loaded image");
	out->entry = h->entry_addr;
	return loader_check_place(l, img, "multiboot kernel", out->load_addr, out->load_size,
				  out->bss_size);
}

int multiboot_aout_layout(const struct image *img, const struct multiboot_header *hdr,
			  size_t hdr_off, const struct layout *l, struct multiboot_aout *out)
{
	int ret;

	*out = (struct multiboot_aout) { 0 };
	ret = aout_file_part(img, hdr, hdr_off, out);
	return ret ? ret : aout_memory_part(img, hdr, l, out);
}

/* ---- the module list ------------------------------------------------------- */

void multiboot_free_modules(struct multiboot_module_spec *mods, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		free(mods[i].path);
		free(mods[i].string);
	}
	free(mods);
}

/*
 * Copy the element of a list that starts at *pos, undoing ",,", and move
 * *pos past it; *more tells whether a separating comma followed it.
 */
static char *next_element(const char **pos, bool *more)
{
	const char *s = *pos;
	char *out = malloc(strlen(s) + 1);
	size_t n = 0;

	*more = false;
	if (!out)
		return NULL;
	for (; *s; s++) {
		if (*s == ',' && s[1] != ',') {
			*more = true;
			s++;
			break;
		}
		out[n++] = *s;
		s += *s == ',';		/* the first of ",," */
	}
	out[n] = '\0';
	*pos = s;
	return out;
}

static int add_module(const char *kernel_path, char *string, struct multiboot_module_spec *m)
{
	size_t len = strcspn(string, " ");

	if (!len) {
		pr_err("%s: module list has an element without a path: '%s'", kernel_path, string);
		free(string);
		return -EINVAL;
	}
	m->string = string;
	m->path = strndup(string, len);
	return m->path ? 0 : -ENOMEM;
}

int multiboot_parse_modules(const char *kernel_path, const char *list,
			    struct multiboot_module_spec **out, unsigned int *nr)
{
	struct multiboot_module_spec *mods;
	unsigned int n = 0, max = 1;
	const char *pos = list;
	bool more;
	int ret;

	*out = NULL;
	*nr = 0;
	if (!list || !*list)
		return 0;
	for (const char *s = list; *s; s++)
		max += *s == ',';
	mods = calloc(max, sizeof(*mods));
	if (!mods)
		return -ENOMEM;
	/* Each element ends at a comma or the end: "a,b" has two, "a," has an empty second. */
	do {
		char *string = next_element(&pos, &more);

		ret = string ? add_module(kernel_path, string, &mods[n]) : -ENOMEM;
		if (ret) {
			/* mods[n] may hold a string whose path could not be copied */
			multiboot_free_modules(mods, n + 1);
			return ret;
		}
		n++;
	} while (more);
	*out = mods;
	*nr = n;
	return 0;
}

/* ---- the boot information (3.3) ---------------------------------------------- */

/* Bytes handed out from a host buffer that will be copied to guest address base. */
struct blob {
	u8 *buf;
	size_t size, used;
	gpa_t base;
};

static void *blob_alloc(struct blob *b, size_t len, size_t align, u32 *gpa)
{
	size_t at = ALIGN_UP(b->used, align);

	if (at > b->size || len > b->size - at)
		return NULL;
	b->used = at + len;
	*gpa = (u32)(b->base + at);
	return b->buf + at;
}

static int blob_add_string(struct blob *b, const char *s, u32 *gpa)
{
	size_t len = strlen(s) + 1;
	void *p = blob_alloc(b, len, 1, gpa);

	if (!p)
		return -E2BIG;
	memcpy(p, s, len);
	return 0;
}

static int add_mmap(struct blob *b, const struct layout *l, struct multiboot_info *info)
{
	struct e820_entry e[MB_MAX_E820];
	unsigned int n = layout_e820(l, e, ARRAY_SIZE(e));
	struct multiboot_mmap_entry *mm;

	mm = blob_alloc(b, n * sizeof(*mm), 8, &info->mmap_addr);
	if (!mm)
		return -E2BIG;
	for (unsigned int i = 0; i < n; i++) {
		struct multiboot_mmap_entry ent = {
			/* "'size' is the size of the associated structure in bytes",
			 * which starts after the size field itself */
			.size = sizeof(ent) - sizeof(ent.size),
			.base_addr = e[i].addr, .length = e[i].size, .type = e[i].type,
		};

		memcpy(&mm[i], &ent, sizeof(ent));
	}
	info->mmap_length = n * sizeof(*mm);
	return 0;
}

static int add_mods(struct blob *b, const struct multiboot_info_desc *d,
		    struct multiboot_info *info)
{
	struct multiboot_mod *mods;

	mods = blob_alloc(b, d->nr_mods * sizeof(*mods), 16, &info->mods_addr);
	if (!mods)
		return -E2BIG;
	info->mods_count = d->nr_mods;
	for (unsigned int i = 0; i < d->nr_mods; i++) {
		struct multiboot_mod mod = {
			.mod_start = d->mods[i].start, .mod_end = d->mods[i].end,
		};

		if (blob_add_string(b, d->mods[i].string, &mod.string))
			return -E2BIG;
		memcpy(&mods[i], &mod, sizeof(mod));
	}
	return 0;
}

int multiboot_build_info(const struct multiboot_info_desc *d, gpa_t base, u8 *buf, size_t size,
			 size_t *len)
{
	struct blob b = { .buf = buf, .size = size, .base = base };
	struct multiboot_info info = {
		.flags = MB_INFO_MEMORY | MB_INFO_CMDLINE | MB_INFO_MODS | MB_INFO_MMAP |
			 MB_INFO_LOADER_NAME,
		/* Lower memory ends at the EBDA; upper memory at the first hole above 1 MiB. */
		.mem_lower = LAYOUT_EBDA / KiB,
		.mem_upper = (layout_low_ram_end(d->layout) - LAYOUT_KERNEL) / KiB,
		.cmdline = d->cmdline,
	};
	u32 at;
	int ret;

	if (base >= MB_4G || size > MB_4G - base || size < sizeof(info))
		return -E2BIG;
	memset(buf, 0, size);
	blob_alloc(&b, sizeof(info), 1, &at);
	ret = add_mmap(&b, d->layout, &info);
	if (!ret)
		ret = add_mods(&b, d, &info);
	if (!ret)
		ret = blob_add_string(&b, MULTIBOOT_LOADER_NAME, &info.boot_loader_name);
	if (ret)
		return ret;
	memcpy(buf, &info, sizeof(info));
	*len = b.used;
	return 0;
}

/* ---- loading ------------------------------------------------------------------ */

/* How the kernel will be loaded, decided and checked before anything is written. */
struct mb_plan {
	bool aout;
	struct multiboot_aout layout;	/* if aout */
};

struct mb_kernel {
	gpa_t entry;
	gpa_t end;		/* first byte above the kernel, bss included */
};

static int check_kernel(const struct image *img, const struct layout *l, struct mb_plan *p)
{
	struct multiboot_header hdr;
	size_t off;
	int ret;

	ret = multiboot_find_header(img, &hdr, &off);
	if (!ret)
		ret = multiboot_check_flags(img, hdr.flags);
	if (ret)
		return ret;
	/* 3.1.3: with bit 16 the address fields are used "instead of the fields in the
	 * actual executable header"; without it the image must be ELF. */
	p->aout = hdr.flags & MB_HDR_AOUT_KLUDGE;
	if (p->aout)
		return multiboot_aout_layout(img, &hdr, off, l, &p->layout);
	if (img->size < SELFMAG || memcmp(img->data, ELFMAG, SELFMAG)) {
		pr_err("%s: multiboot header has no address fields (flags bit 16) and the "
		       "image is not ELF", img->path);
		return -ENOEXEC;
	}
	return elf_check(img);
}

static int load_kernel(const struct gmem *m, const struct image *img, const struct mb_plan *p,
		       struct mb_kernel *k)
{
	const struct multiboot_aout *a = &p->layout;
	struct elf_info info;
	int ret;

	if (p->aout) {
		k->entry = a->entry;
		k->end = a->load_addr + a->load_size + a->bss_size;
		return loader_place(m, img, "kernel", a->load_addr, img->data + a->file_offset,
				    a->load_size, a->bss_size);
	}
	ret = elf_load(m, img, &info);
	if (ret)
		return ret;
	/* 3.2: the kernel starts in 32-bit protected mode with paging off. */
	if (info.entry >= MB_4G) {
		pr_err("%s: entry point %#llx is above 4 GiB, out of reach of 32-bit code",
		       img->path, (unsigned long long)info.entry);
		return -ENOEXEC;
	}
	k->entry = info.entry;
	k->end = info.highest;
	return 0;
}

static void free_images(struct image *imgs, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		image_free(&imgs[i]);
	free(imgs);
}

static int read_modules(const struct multiboot_module_spec *specs, unsigned int nr,
			struct image **out)
{
	struct image *imgs = calloc(nr ? nr : 1, sizeof(*imgs));
	int ret;

	if (!imgs)
		return -ENOMEM;
	for (unsigned int i = 0; i < nr; i++) {
		ret = image_read(specs[i].path, &imgs[i]);
		if (ret) {
			free_images(imgs, i);
			return ret;
		}
	}
	*out = imgs;
	return 0;
}

/*
 * 3.1.2 bit 0 asks for page-aligned modules; they are always aligned. They
 * go above the kernel and above 1 MiB, below which everything belongs to
 * the VMM or to the legacy PC.
 */
static int place_modules(const struct gmem *m, const struct mb_kernel *k,
			 const struct image *imgs, const struct multiboot_module_spec *specs,
			 unsigned int nr, struct multiboot_placed_mod *out)
{
	gpa_t next = ALIGN_UP(MAX(k->end, LAYOUT_KERNEL), PAGE_SIZE);
	int ret;

	for (unsigned int i = 0; i < nr; i++) {
		if (next + imgs[i].size >= MB_4G) {
			pr_err("%s: module at %#llx would reach above 4 GiB, out of reach of "
			       "32-bit code", imgs[i].path, (unsigned long long)next);
			return -ENOSPC;
		}
		ret = loader_place(m, &imgs[i], "module", next, imgs[i].data, imgs[i].size, 0);
		if (ret)
			return ret;
		out[i] = (struct multiboot_placed_mod) {
			.start = next, .end = next + imgs[i].size, .string = specs[i].string,
		};
		next = ALIGN_UP(next + imgs[i].size, PAGE_SIZE);
	}
	return 0;
}

/* The command line at LAYOUT_CMDLINE, then the information at LAYOUT_BOOTINFO. */
static int write_info(const struct gmem *m, const struct multiboot_args *a,
		      const struct multiboot_placed_mod *mods, unsigned int nr)
{
	struct multiboot_info_desc d = { .layout = &m->layout, .mods = mods, .nr_mods = nr };
	char *cmdline;
	u8 *buf;
	size_t len;
	int ret;

	/* GRUB and QEMU pass "<kernel path> <args>"; kvm-unit-tests takes argv[0] from it. */
	if (asprintf(&cmdline, "%s%s%s", a->kernel->path, a->cmdline && *a->cmdline ? " " : "",
		     a->cmdline ? a->cmdline : "") < 0)
		return -ENOMEM;
	ret = loader_write_cmdline(m, a->kernel, cmdline, LAYOUT_CMDLINE_SIZE - 1, &d.cmdline);
	free(cmdline);
	if (ret)
		return ret;
	buf = malloc(LAYOUT_BOOTINFO_SIZE);
	if (!buf)
		return -ENOMEM;
	ret = multiboot_build_info(&d, LAYOUT_BOOTINFO, buf, LAYOUT_BOOTINFO_SIZE, &len);
	if (ret)
		pr_err("%s: multiboot information does not fit in the VMM's %llu KiB boot info "
		       "area (module strings too long?)", a->kernel->path,
		       (unsigned long long)(LAYOUT_BOOTINFO_SIZE / KiB));
	else
		ret = gmem_write(m, LAYOUT_BOOTINFO, buf, len);
	free(buf);
	return ret;
}

/* Load the kernel and modules: everything that can be checked first is. */
static int load_all(const struct gmem *m, const struct multiboot_args *a,
		    const struct multiboot_module_spec *specs, unsigned int nr,
		    struct boot_state *bs)
{
	struct multiboot_placed_mod *placed;
	struct image *mods;
	struct mb_plan plan;
	struct mb_kernel k;
	int ret;

	ret = check_kernel(a->kernel, &m->layout, &plan);
	if (ret)
		return ret;
	ret = read_modules(specs, nr, &mods);
	if (ret)
		return ret;
	placed = calloc(nr ? nr : 1, sizeof(*placed));
	if (!placed) {
		ret = -ENOMEM;
		goto out_free_mods;
	}
	ret = load_kernel(m, a->kernel, &plan, &k);
	if (!ret)
		ret = place_modules(m, &k, mods, specs, nr, placed);
	if (!ret)
		ret = write_info(m, a, placed, nr);
	if (!ret)
		/* 3.2 "Machine state": EAX = the magic, EBX = the information. */
		*bs = (struct boot_state) {
			.mode = BOOT_MODE_PROT32, .rip = k.entry,
			.rax = MULTIBOOT_BOOTLOADER_MAGIC, .rbx = LAYOUT_BOOTINFO,
		};
	free(placed);
out_free_mods:
	free_images(mods, nr);
	return ret;
}

int multiboot_load(const struct gmem *m, const struct multiboot_args *a, struct boot_state *bs)
{
	struct multiboot_module_spec *specs;
	unsigned int nr;
	int ret;

	ret = multiboot_parse_modules(a->kernel->path, a->modules, &specs, &nr);
	if (ret)
		return ret;
	ret = load_all(m, a, specs, nr, bs);
	multiboot_free_modules(specs, nr);
	return ret;
}
