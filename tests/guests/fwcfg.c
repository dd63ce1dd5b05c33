// SPDX-License-Identifier: MIT
/*
 * fw_cfg the way SeaBIOS and Linux's qemu_fw_cfg use it (QEMU
 * docs/specs/fw_cfg.rst): the signature and ID through the ports, the CPU
 * count and RAM size against the boot info, etc/e820 found through the
 * file directory and checked against the boot info's memory ranges, then
 * the same file again by DMA, a DMA skip, a refused DMA write and a DMA to
 * an address that is not RAM.
 */
#include "guest.h"

#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511
#define FW_CFG_PORT_DMA_LOW	0x518	/* writing the low half starts a transfer */
#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_ID		0x01
#define FW_CFG_RAM_SIZE		0x03
#define FW_CFG_NB_CPUS		0x05
#define FW_CFG_FILE_DIR		0x19
#define FW_CFG_DMA_ERROR	0x01
#define FW_CFG_DMA_READ		0x02
#define FW_CFG_DMA_SKIP		0x04
#define FW_CFG_DMA_SELECT	0x08
#define FW_CFG_DMA_WRITE	0x10
#define E820_MAX		16
#define E820_RAM		1

struct e820 {
	u64 addr, len;
	u32 type;
} __attribute__((packed));

struct dma_access {
	u32 control, length;
	u64 address;
} __attribute__((packed));

static struct e820 pio_map[E820_MAX], dma_map[E820_MAX];
static struct dma_access desc;

static void fw_read(u16 key, void *buf, u32 len)
{
	outw(FW_CFG_PORT_SEL, key);
	for (u32 i = 0; i < len; i++)
		((u8 *)buf)[i] = inb(FW_CFG_PORT_DATA);
}

static u32 be32(u32 v)
{
	return __builtin_bswap32(v);
}

/* The directory entry for name: its selector and size. */
static void find_file(const char *name, u16 *select, u32 *size)
{
	struct { u32 size; u16 select, reserved; char name[56]; } f;
	u32 count;

	fw_read(FW_CFG_FILE_DIR, &count, sizeof(count));
	for (u32 i = 0; i < be32(count); i++) {
		for (u32 b = 0; b < sizeof(f); b++)
			((u8 *)&f)[b] = inb(FW_CFG_PORT_DATA);
		if (!strcmp(f.name, name)) {
			*select = __builtin_bswap16(f.select);
			*size = be32(f.size);
			return;
		}
	}
	__GUEST_ASSERT(0, "no %s in the file directory", name);
}

/* Every RAM entry lies in a boot-info range; the last one ends where RAM does. */
static void check_e820(const struct e820 *e, u32 n)
{
	struct bootinfo_mem mem[4];
	int nr = bootinfo_memory(mem, ARRAY_SIZE(mem));
	u64 ram_end = 0;

	GUEST_ASSERT(nr >= 1);
	GUEST_ASSERT(n >= 1 && e[0].addr == 0 && e[0].type == E820_RAM);
	for (u32 i = 0; i < n; i++) {
		bool inside = false;

		if (e[i].type != E820_RAM)
			continue;
		for (int r = 0; r < nr; r++)
			inside |= e[i].addr >= mem[r].start &&
				  e[i].addr + e[i].len <= mem[r].start + mem[r].size;
		__GUEST_ASSERT(inside, "e820 entry %u is not RAM", i);
		ram_end = e[i].addr + e[i].len;
	}
	GUEST_ASSERT_EQ(ram_end, mem[nr - 1].start + mem[nr - 1].size);
}

/* One DMA transfer; returns the control word the device left. */
static u32 dma(u32 control, u32 len, void *buf)
{
	desc = (struct dma_access) {
		.control = be32(control), .length = be32(len),
		.address = __builtin_bswap64((u64)buf),
	};
	barrier();
	outl(FW_CFG_PORT_DMA_LOW, be32((u32)(u64)&desc));
	barrier();
	return be32(READ_ONCE(desc.control));
}

static void check_dma(u16 e820_key, u32 size)
{
	u32 select_read = e820_key << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ;
	char sig[4];

	GUEST_ASSERT_EQ(dma(select_read, size, dma_map), 0);
	GUEST_ASSERT(!memcmp(dma_map, pio_map, size));
	GUEST_ASSERT_EQ(dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_SKIP, 2, 0), 0);
	GUEST_ASSERT_EQ(dma(FW_CFG_DMA_READ, 2, sig), 0);
	GUEST_ASSERT(!memcmp(sig, "MU", 2));
	GUEST_ASSERT_EQ(dma(FW_CFG_DMA_WRITE, 4, sig), FW_CFG_DMA_ERROR);
	/* 3.5 GiB: inside the MMIO hole, never RAM. */
	GUEST_ASSERT_EQ(dma(FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 4,
			    (void *)0xe0000000UL), FW_CFG_DMA_ERROR);
}

void guest_main(void)
{
	struct bootinfo_mem mem[4];
	int nr = bootinfo_memory(mem, ARRAY_SIZE(mem));
	u64 ram, total = 0;
	u32 id, size;
	char sig[4];
	u16 cpus, key;

	fw_read(FW_CFG_SIGNATURE, sig, sizeof(sig));
	GUEST_ASSERT(!memcmp(sig, "QEMU", 4));
	fw_read(FW_CFG_ID, &id, sizeof(id));
	GUEST_SYNC_VAL(1, id);
	fw_read(FW_CFG_NB_CPUS, &cpus, sizeof(cpus));
	GUEST_ASSERT_EQ(cpus, bootinfo_nr_cpus());
	fw_read(FW_CFG_RAM_SIZE, &ram, sizeof(ram));
	for (int i = 0; i < nr; i++)
		total += mem[i].size;
	GUEST_ASSERT_EQ(ram, total);
	GUEST_SYNC_VAL(2, ram);
	find_file("etc/e820", &key, &size);
	GUEST_ASSERT(size % sizeof(struct e820) == 0 && size <= sizeof(pio_map));
	fw_read(key, pio_map, size);
	check_e820(pio_map, size / sizeof(struct e820));
	GUEST_SYNC_VAL(3, size / sizeof(struct e820));
	check_dma(key, size);
	GUEST_SYNC(4);
}
