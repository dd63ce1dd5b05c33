// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "bzimage: " fmt
#include "mem/bzimage.h"

#include <asm/bootparam.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "mem/pgtable.h"
#include "vmm/log.h"

/* Offsets into the image: Documentation/arch/x86/boot.rst, "The Real-Mode Kernel Header". */
#define SETUP_HDR_OFFSET	0x1f1
#define HDR_JUMP_LEN_OFFSET	0x201	/* the header ends at 0x202 + this byte */
#define HDR_JUMP_END		0x202
#define SECTOR_SIZE		512
#define DEFAULT_SETUP_SECTS	4
#define PARAGRAPH		16	/* syssize unit */

/* The header must reach init_size (2.10+) and fit the hole in boot_params before 0x290. */
#define HDR_MIN_END	(SETUP_HDR_OFFSET + offsetof(struct setup_header, init_size) + 4)
#define HDR_MAX_END	offsetof(struct boot_params, edd_mbr_sig_buffer)

_Static_assert(sizeof(struct boot_params) == 4096, "the zero page is one page");
_Static_assert(offsetof(struct boot_params, hdr) == SETUP_HDR_OFFSET, "boot_params.hdr");
_Static_assert(sizeof(struct e820_entry) == sizeof(struct boot_e820_entry),
	       "layout's e820 entries are the zero page's");

static int not_bzimage(const struct image *img, const char *why)
{
	pr_err("%s: not a bzImage: %s", img->path, why);
	return -ENOEXEC;
}

static unsigned int ver_major(u16 v)
{
	return v >> 8;
}

static unsigned int ver_minor(u16 v)
{
	return v & 0xff;
}

/* Magic numbers, protocol version and the 64-bit entry: can vtlvm start this kernel? */
static int check_header(const struct image *img, const struct setup_header *h)
{
	if (h->boot_flag != BOOT_FLAG_MAGIC)
		return not_bzimage(img, "no boot_flag 0xaa55 at offset 0x1fe");
	if (h->header != HDRS_MAGIC)
		return not_bzimage(img, "no \"HdrS\" signature at offset 0x202");
	if (h->version < BZIMAGE_MIN_VERSION) {
		pr_err("%s: boot protocol %u.%02u is too old: the 64-bit boot protocol needs "
		       "%u.%02u or later", img->path, ver_major(h->version), ver_minor(h->version),
		       ver_major(BZIMAGE_MIN_VERSION), ver_minor(BZIMAGE_MIN_VERSION));
		return -ENOEXEC;
	}
	/* boot.rst, xloadflags: "If 1, this kernel has the legacy 64-bit entry point at 0x200." */
	if (!(h->xloadflags & XLF_KERNEL_64)) {
		pr_err("%s: boot protocol %u.%02u kernel has no 64-bit entry point "
		       "(XLF_KERNEL_64 clear in xloadflags %#x)", img->path, ver_major(h->version),
		       ver_minor(h->version), h->xloadflags);
		return -ENOEXEC;
	}
	return 0;
}

/* The sizes of the setup header, of the real-mode part and of the protected-mode kernel. */
static int read_sizes(const struct image *img, const struct setup_header *h,
		      struct bzimage_info *info)
{
	u64 hdr_end = HDR_JUMP_END + img->data[HDR_JUMP_LEN_OFFSET];
	u64 sects = h->setup_sects ? h->setup_sects : DEFAULT_SETUP_SECTS;
	u64 want = (u64)h->syssize * PARAGRAPH, have;

	if (hdr_end < HDR_MIN_END || hdr_end > HDR_MAX_END)
		return not_bzimage(img, "setup header length (jump at offset 0x200) out of range");
	if (!h->syssize)
		return not_bzimage(img, "syssize is 0: no protected-mode kernel");
	info->hdr_size = hdr_end - SETUP_HDR_OFFSET;
	/*
	 * boot.rst: "The real-mode code consists of the boot sector (always
	 * one 512-byte sector) plus the setup code."
	 */
	info->setup_size = (sects + 1) * SECTOR_SIZE;
	have = img->size > info->setup_size ? img->size - info->setup_size : 0;
	/*
	 * syssize counts 16-byte paragraphs, so it may round the last one up;
	 * anything after it (a signature) is not kernel.
	 */
	if (have + PARAGRAPH - 1 < want) {
		pr_err("%s: truncated: %llu bytes of setup and %llu of protected-mode kernel "
		       "(syssize) need %llu, the file has %zu", img->path,
		       (unsigned long long)info->setup_size, (unsigned long long)want,
		       (unsigned long long)(info->setup_size + want), img->size);
		return -ENOEXEC;
	}
	info->kernel_size = MIN(have, want);
	return 0;
}

/*
 * Where the protected-mode kernel goes, and how much memory from there it
 * needs. boot.rst, init_size: "if (relocatable_kernel) runtime_start =
 * align_up(load_address, kernel_alignment) else runtime_start = pref_address".
 * A relocatable kernel also never runs below its pref_address: Linux's
 * x86-64 decompressor moves itself up to LOAD_PHYSICAL_ADDR, which its
 * header gives as pref_address, so the initrd must stay clear of that too.
 */
static int choose_load(const struct image *img, const struct setup_header *h,
		       struct bzimage_info *info)
{
	u64 align = h->kernel_alignment, runtime, end;

	if (h->pref_address > LAYOUT_MAX_RAM) {
		pr_err("%s: pref_address %#llx is beyond any guest RAM", img->path,
		       (unsigned long long)h->pref_address);
		return -ENOEXEC;
	}
	if (h->relocatable_kernel) {
		if (!align || (align & (align - 1))) {
			pr_err("%s: kernel_alignment %#llx is not a power of two", img->path,
			       (unsigned long long)align);
			return -ENOEXEC;
		}
		info->load = LAYOUT_KERNEL;
		runtime = MAX(ALIGN_UP(info->load, align), h->pref_address);
	} else {
		/*
		 * pref_address: "A non-relocatable kernel will unconditionally
		 * move itself and to run at this address."
		 */
		info->load = h->pref_address ? h->pref_address : LAYOUT_KERNEL;
		runtime = info->load;
	}
	end = MAX(info->load + info->kernel_size, runtime + h->init_size);
	info->mem_size = end - info->load;
	/* The 64-bit entry runs on the boot identity map, which covers the first 4 GiB. */
	if (end > PGTABLE_IDENTITY_SIZE) {
		pr_err("%s: kernel [%#llx, %#llx) reaches above 4 GiB, beyond the boot page "
		       "tables", img->path, (unsigned long long)info->load,
		       (unsigned long long)end);
		return -ENOEXEC;
	}
	return 0;
}

int bzimage_parse(const struct image *img, struct bzimage_info *info)
{
	struct setup_header h;
	int ret;

	if (img->size < SETUP_HDR_OFFSET + sizeof(h)) {
		pr_err("%s: truncated: %zu bytes cannot hold a bzImage setup header", img->path,
		       img->size);
		return -ENOEXEC;
	}
	memcpy(&h, img->data + SETUP_HDR_OFFSET, sizeof(h));
	ret = check_header(img, &h);
	if (!ret)
		ret = read_sizes(img, &h, info);
	if (!ret)
		ret = choose_load(img, &h, info);
	if (ret)
		return ret;
	info->version = h.version;
	info->cmdline_max = h.cmdline_size;
	info->initrd_end = (u64)h.initrd_addr_max + 1;
	return 0;
}

void bzimage_build_zero_page(struct boot_params *zp, const struct image *img,
			     const struct bzimage_info *info, const struct layout *l,
			     const struct bzimage_placement *p)
{
	struct setup_header *h = &zp->hdr;
	struct e820_entry e820[E820_MAX_ENTRIES_ZEROPAGE];
	unsigned int n;

	/*
	 * boot.rst, 64-bit boot protocol: boot_params is "initialized to all
	 * zero. Then, the setup header at offset 0x01f1 of kernel image on
	 * should be loaded into struct boot_params".
	 */
	memset(zp, 0, sizeof(*zp));
	memcpy((u8 *)zp + SETUP_HDR_OFFSET, img->data + SETUP_HDR_OFFSET, info->hdr_size);
	h->type_of_loader = BZIMAGE_LOADER_TYPE;
	/* code32_start: a loader moving a relocatable kernel "will have to modify this field". */
	h->code32_start = info->load;
	h->cmd_line_ptr = p->cmdline;
	zp->ext_cmd_line_ptr = p->cmdline >> 32;
	h->ramdisk_image = p->initrd;
	h->ramdisk_size = p->initrd_size;
	zp->ext_ramdisk_image = p->initrd >> 32;
	zp->ext_ramdisk_size = p->initrd_size >> 32;
	n = layout_e820(l, e820, ARRAY_SIZE(e820));
	memcpy(zp->e820_table, e820, n * sizeof(e820[0]));
	zp->e820_entries = n;
	if (info->version >= BZIMAGE_RSDP_VERSION)
		zp->acpi_rsdp_addr = p->acpi_rsdp;
}

/*
 * The kernel's cmdline_size, checked before anything is written and worded
 * after the setup header field; loader_write_cmdline() repeats the check.
 */
static int check_cmdline(const struct image *img, const char *cmdline, u64 max)
{
	size_t len = cmdline ? strlen(cmdline) : 0;

	max = MIN(max, LAYOUT_CMDLINE_SIZE - 1);
	if (len <= max)
		return 0;
	pr_err("%s: command line of %zu bytes is longer than the kernel accepts (%llu, "
	       "cmdline_size)", img->path, len, (unsigned long long)max);
	return -E2BIG;
}

int bzimage_load(const struct gmem *m, const struct bzimage_args *a, struct boot_state *bs)
{
	const struct image *img = a->kernel;
	struct bzimage_placement p = { .acpi_rsdp = a->acpi_rsdp };
	struct bzimage_info info;
	struct boot_params zp;
	int ret;

	ret = bzimage_parse(img, &info);
	if (!ret)
		ret = check_cmdline(img, a->cmdline, info.cmdline_max);
	if (!ret)
		ret = loader_place(m, img, "kernel with its init_size", info.load,
				   img->data + info.setup_size, info.kernel_size,
				   info.mem_size - info.kernel_size);
	if (ret)
		return ret;
	if (a->initrd && a->initrd->size) {
		ret = loader_place_initrd(m, a->initrd, info.load + info.mem_size,
					  info.initrd_end, &p.initrd);
		if (ret)
			return ret;
		p.initrd_size = a->initrd->size;
	}
	ret = loader_write_cmdline(m, img, a->cmdline, info.cmdline_max, &p.cmdline);
	if (ret)
		return ret;
	bzimage_build_zero_page(&zp, img, &info, &m->layout, &p);
	ret = gmem_write(m, LAYOUT_BOOTINFO, &zp, sizeof(zp));
	if (ret)
		return ret;
	/*
	 * 64-bit boot protocol: enter at load + 0x200, interrupts disabled;
	 * "%rsi must hold the base address of the struct boot_params".
	 */
	*bs = (struct boot_state) {
		.mode = BOOT_MODE_LONG64,
		.rip = info.load + BZIMAGE_ENTRY64_OFFSET,
		.rsi = LAYOUT_BOOTINFO,
	};
	return 0;
}
