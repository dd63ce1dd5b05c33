// SPDX-License-Identifier: MIT
/*
 * Reading vtlvm's boot-info device tree (devices/fdt.h) without libfdt: a
 * walk of the structure block that finds a property of the root or of a
 * top-level node. Node names match with or without their @unit-address.
 */
#include "guest.h"

#define FDT_MAGIC	0xd00dfeed
#define FDT_BEGIN_NODE	1
#define FDT_END_NODE	2
#define FDT_PROP	3
#define FDT_NOP		4
#define FDT_END		9

static u32 be32(const void *p)
{
	const u8 *b = p;

	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

static u64 be64(const void *p)
{
	return (u64)be32(p) << 32 | be32((const u8 *)p + 4);
}

static bool name_matches(const char *name, const char *want)
{
	size_t n = strlen(want);

	return !strncmp(name, want, n) && (name[n] == '\0' || name[n] == '@');
}

/* Property prop of top-level node (or the root for ""); its value and length. */
static const void *fdt_prop(const char *node, const char *prop, u32 *len)
{
	const u8 *fdt = bootinfo, *p;
	const char *strings;
	int depth = 0;
	bool in_node = !*node;

	if (!fdt || be32(fdt) != FDT_MAGIC)
		return NULL;
	p = fdt + be32(fdt + 8);
	strings = (const char *)fdt + be32(fdt + 12);
	for (;;) {
		u32 tok = be32(p), plen;
		const char *name;

		p += 4;
		switch (tok) {
		case FDT_BEGIN_NODE:
			name = (const char *)p;
			p += (strlen(name) + 4) & ~3u;
			depth++;
			if (depth == 2 && *node)
				in_node = name_matches(name, node);
			break;
		case FDT_END_NODE:
			if (depth-- == 2 && *node)
				in_node = false;
			break;
		case FDT_PROP:
			plen = be32(p);
			name = strings + be32(p + 4);
			if (in_node && depth == (*node ? 2 : 1) && !strcmp(name, prop)) {
				*len = plen;
				return p + 8;
			}
			p += 8 + ((plen + 3) & ~3u);
			break;
		case FDT_NOP:
			break;
		default:
			return NULL;
		}
	}
}

bool bootinfo_u64(const char *node, const char *prop, u64 *val)
{
	u32 len;
	const void *v = fdt_prop(node, prop, &len);

	if (!v || (len != 4 && len != 8))
		return false;
	*val = len == 8 ? be64(v) : be32(v);
	return true;
}

u32 bootinfo_nr_cpus(void)
{
	u64 n;

	return bootinfo_u64("cpus", "vtlvm,nr-cpus", &n) ? n : 1;
}

int bootinfo_memory(struct bootinfo_mem *ranges, int max)
{
	u32 len;
	const u8 *reg = fdt_prop("memory", "reg", &len);
	int n = 0;

	for (; reg && len >= 16 && n < max; reg += 16, len -= 16, n++) {
		ranges[n].start = be64(reg);
		ranges[n].size = be64(reg + 8);
	}
	return n;
}

const char *bootinfo_cmdline(void)
{
	u32 len;
	const char *s = fdt_prop("chosen", "bootargs", &len);

	return s ? s : "";
}

u64 bootinfo_cmdline_u64(char key, u64 def)
{
	for (const char *s = bootinfo_cmdline(); *s; s++) {
		if (s[0] == key && s[1] == '=') {
			u64 n = 0;

			for (s += 2; *s >= '0' && *s <= '9'; s++)
				n = n * 10 + (*s - '0');
			return n;
		}
	}
	return def;
}
