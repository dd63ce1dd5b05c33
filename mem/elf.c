// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "elf: " fmt
#include "mem/elf.h"

#include <elf.h>
#include <errno.h>
#include <string.h>

#include "vmm/log.h"

/* One program header, widened to 64 bits whatever the class. */
struct phdr {
	u32 type;
	u64 offset, vaddr, paddr, filesz, memsz;
};

static int bad(const struct image *img, const char *why)
{
	pr_err("%s: not a loadable ELF executable: %s", img->path, why);
	return -ENOEXEC;
}

static int read_ehdr(const struct image *img, bool *is64, u64 *entry, u64 *phoff,
		     u32 *phnum, u32 *phentsize)
{
	const u8 *id = img->data;

	if (img->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG))
		return bad(img, "no ELF magic");
	if (id[EI_DATA] != ELFDATA2LSB)
		return bad(img, "not little-endian");
	if (id[EI_CLASS] == ELFCLASS64) {
		Elf64_Ehdr eh;

		if (img->size < sizeof(eh))
			return bad(img, "truncated ELF header");
		memcpy(&eh, img->data, sizeof(eh));
		if (eh.e_machine != EM_X86_64)
			return bad(img, "ELF64 but not x86-64");
		if (eh.e_type != ET_EXEC)
			return bad(img, "not an executable (ET_EXEC)");
		*is64 = true;
		*entry = eh.e_entry;
		*phoff = eh.e_phoff;
		*phnum = eh.e_phnum;
		*phentsize = eh.e_phentsize;
		return *phentsize == sizeof(Elf64_Phdr) ? 0 : bad(img, "odd e_phentsize");
	}
	if (id[EI_CLASS] == ELFCLASS32) {
		Elf32_Ehdr eh;

		if (img->size < sizeof(eh))
			return bad(img, "truncated ELF header");
		memcpy(&eh, img->data, sizeof(eh));
		if (eh.e_machine != EM_386 && eh.e_machine != EM_X86_64)
			return bad(img, "ELF32 but not i386");
		if (eh.e_type != ET_EXEC)
			return bad(img, "not an executable (ET_EXEC)");
		*is64 = false;
		*entry = eh.e_entry;
		*phoff = eh.e_phoff;
		*phnum = eh.e_phnum;
		*phentsize = eh.e_phentsize;
		return *phentsize == sizeof(Elf32_Phdr) ? 0 : bad(img, "odd e_phentsize");
	}
	return bad(img, "unknown ELF class");
}

static void read_phdr(const struct image *img, bool is64, u64 off, struct phdr *p)
{
	if (is64) {
		Elf64_Phdr ph;

		memcpy(&ph, img->data + off, sizeof(ph));
		*p = (struct phdr) { ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr,
				     ph.p_filesz, ph.p_memsz };
	} else {
		Elf32_Phdr ph;

		memcpy(&ph, img->data + off, sizeof(ph));
		*p = (struct phdr) { ph.p_type, ph.p_offset, ph.p_vaddr, ph.p_paddr,
				     ph.p_filesz, ph.p_memsz };
	}
}

static int check_phdr(const struct image *img, const struct phdr *p)
{
	if (p->filesz > p->memsz)
		return bad(img, "segment larger in the file than in memory");
	if (!range_within(p->offset, p->filesz, 0, img->size)) {
		pr_err("%s: truncated: segment at file offset %#llx needs %llu bytes, file has "
		       "%zu", img->path, (unsigned long long)p->offset,
		       (unsigned long long)p->filesz, img->size);
		return -ENOEXEC;
	}
	if (p->paddr + p->memsz < p->paddr || p->vaddr + p->memsz < p->vaddr)
		return bad(img, "segment wraps around the address space");
	return 0;
}

/*
 * Walk the program headers and validate them; with m, also check that each
 * PT_LOAD segment can be placed, and with write, place it.
 */
static int elf_walk(const struct gmem *m, const struct image *img, struct elf_info *info,
		    bool write)
{
	u64 entry, phoff;
	u32 phnum, phentsize, nr_load = 0;
	bool is64, entry_found = false;
	int ret;

	ret = read_ehdr(img, &is64, &entry, &phoff, &phnum, &phentsize);
	if (ret)
		return ret;
	if (!phnum || !range_within(phoff, (u64)phnum * phentsize, 0, img->size))
		return bad(img, "program headers missing or truncated");
	*info = (struct elf_info) { .is64 = is64, .lowest = ~0ULL };
	for (u32 i = 0; i < phnum; i++) {
		struct phdr p;

		read_phdr(img, is64, phoff + (u64)i * phentsize, &p);
		if (p.type != PT_LOAD || !p.memsz)
			continue;
		ret = check_phdr(img, &p);
		if (ret)
			return ret;
		if (m && write)
			ret = loader_place(m, img, "segment", p.paddr, img->data + p.offset,
					   p.filesz, p.memsz - p.filesz);
		else if (m)
			ret = loader_check_place(&m->layout, img, "segment", p.paddr, p.filesz,
						 p.memsz - p.filesz);
		if (ret)
			return ret;
		if (entry - p.vaddr < p.memsz) {
			info->entry = p.paddr + (entry - p.vaddr);
			entry_found = true;
		}
		info->lowest = MIN(info->lowest, p.paddr);
		info->highest = MAX(info->highest, p.paddr + p.memsz);
		nr_load++;
	}
	if (!nr_load)
		return bad(img, "no loadable segments");
	if (!entry_found) {
		pr_err("%s: entry point %#llx is not inside any loadable segment", img->path,
		       (unsigned long long)entry);
		return -ENOEXEC;
	}
	return 0;
}

int elf_check(const struct image *img)
{
	struct elf_info info;

	return elf_walk(NULL, img, &info, false);
}

int elf_load(const struct gmem *m, const struct image *img, struct elf_info *out)
{
	/* Validate everything, placement included, before writing anything. */
	int ret = elf_walk(m, img, out, false);

	return ret ? ret : elf_walk(m, img, out, true);
}
