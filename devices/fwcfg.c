// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "fw_cfg: " fmt
#include "devices/fwcfg.h"

#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm/log.h"

/* The data port is "one greater than the port number of the selector register". */
#define FWCFG_OFF_SEL		0	/* 0x510 */
#define FWCFG_OFF_DATA		1	/* 0x511 */
/* "A write to the least significant half (at offset 4) triggers an operation." */
#define FWCFG_OFF_DMA_HIGH	0	/* 0x514 */
#define FWCFG_OFF_DMA_LOW	4	/* 0x518 */
#define FWCFG_E820_MAX		16

static int fwcfg_add(struct fwcfg *f, u16 key, const char *name, const void *data, u32 len)
{
	struct fwcfg_item *it = &f->items[f->nr_items];

	BUG_ON(f->nr_items == FWCFG_MAX_ITEMS);
	it->data = malloc(len);
	if (!it->data)
		return -ENOMEM;
	memcpy(it->data, data, len);
	it->key = key;
	it->len = len;
	snprintf(it->name, sizeof(it->name), "%s", name);
	f->nr_items++;
	return 0;
}

static int fwcfg_add_fixed(struct fwcfg *f)
{
	const struct platform *p = f->plat;
	u32 id = htole32(FW_CFG_VERSION | FW_CFG_VERSION_DMA);
	u64 ram = htole64(p->mem->layout.ram_size);
	u16 cpus = htole16(p->nr_cpus);
	u8 uuid[16] = { 0 };
	int ret;

	ret = fwcfg_add(f, FW_CFG_SIGNATURE, "", "QEMU", 4);
	if (!ret)
		ret = fwcfg_add(f, FW_CFG_ID, "", &id, sizeof(id));
	if (!ret)
		ret = fwcfg_add(f, FW_CFG_UUID, "", uuid, sizeof(uuid));
	if (!ret)
		ret = fwcfg_add(f, FW_CFG_RAM_SIZE, "", &ram, sizeof(ram));
	if (!ret)
		ret = fwcfg_add(f, FW_CFG_NB_CPUS, "", &cpus, sizeof(cpus));
	/* No CPU hot-plug: the most CPUs the guest will see are those it has. */
	if (!ret)
		ret = fwcfg_add(f, FW_CFG_MAX_CPUS, "", &cpus, sizeof(cpus));
	return ret;
}

/* QEMU's etc/e820: packed little-endian {u64 address, u64 length, u32 type}: struct e820_entry. */
static int fwcfg_add_e820(struct fwcfg *f, u16 key)
{
	struct e820_entry e[FWCFG_E820_MAX];
	unsigned int n = layout_e820(&f->plat->mem->layout, e, ARRAY_SIZE(e));

	return fwcfg_add(f, key, "etc/e820", e, n * sizeof(*e));
}

/* The directory of every named item so far (fw_cfg.rst, "File Directory"). */
static int fwcfg_add_dir(struct fwcfg *f)
{
	struct {
		u32 count;
		struct fwcfg_file file[FWCFG_MAX_ITEMS];
	} __packed dir = { 0 };
	u32 n = 0;

	for (unsigned int i = 0; i < f->nr_items; i++) {
		const struct fwcfg_item *it = &f->items[i];

		if (!it->name[0])
			continue;
		dir.file[n].size = htobe32(it->len);
		dir.file[n].select = htobe16(it->key);
		memcpy(dir.file[n].name, it->name, sizeof(it->name));
		n++;
	}
	dir.count = htobe32(n);
	return fwcfg_add(f, FW_CFG_FILE_DIR, "", &dir,
			 sizeof(dir.count) + n * sizeof(dir.file[0]));
}

static const struct fwcfg_item *fwcfg_item(const struct fwcfg *f)
{
	for (unsigned int i = 0; i < f->nr_items; i++)
		if (f->items[i].key == f->selector)
			return &f->items[i];
	return NULL;
}

/* Bit 14 only asked for the data-port writes QEMU 2.4 dropped: the same item. */
static void fwcfg_select(struct fwcfg *f, u16 key)
{
	f->selector = key & ~FW_CFG_WRITE_CHANNEL;
	f->offset = 0;
	if (!fwcfg_item(f))
		pr_ratelimited(LOG_DEBUG, "selector 0x%04x names no item: reads return 0", key);
}

static u8 fwcfg_data_byte(struct fwcfg *f)
{
	const struct fwcfg_item *it = fwcfg_item(f);

	if (!it || f->offset >= it->len)
		return 0;
	return it->data[f->offset++];
}

/* Copy len bytes of the item to guest addr, zeros past its end; -EFAULT outside RAM. */
static int fwcfg_dma_read(struct fwcfg *f, u32 len, gpa_t addr)
{
	const struct fwcfg_item *it = fwcfg_item(f);
	const struct gmem *m = f->plat->mem;
	u64 n = it && f->offset < it->len ? MIN((u64)len, it->len - f->offset) : 0;
	int ret = 0;

	if (n)
		ret = gmem_write(m, addr, it->data + f->offset, n);
	/* Once [addr, addr + n) is known to be RAM, addr + n cannot wrap. */
	if (!ret && len > n)
		ret = gmem_fill(m, addr + n, 0, len - n);
	if (ret) {
		pr_warn_ratelimited("dma read of %u bytes to %#llx: not guest RAM", len,
				    (unsigned long long)addr);
		return ret;
	}
	f->offset += n;
	return 0;
}

/* Run one FWCfgDmaAccess whose fields are in host order; returns the new control. */
static u32 fwcfg_dma_op(struct fwcfg *f, u32 control, u32 len, gpa_t addr)
{
	if (control & FW_CFG_DMA_CTL_SELECT)
		fwcfg_select(f, control >> 16);
	/* "If the control field has bit 4 set (and not bit 1)": a read wins. */
	if (control & FW_CFG_DMA_CTL_READ)
		return fwcfg_dma_read(f, len, addr) ? FW_CFG_DMA_CTL_ERROR : 0;
	if (control & FW_CFG_DMA_CTL_WRITE) {
		pr_warn_ratelimited("dma write to item 0x%04x refused: items are read-only",
				    f->selector);
		return FW_CFG_DMA_CTL_ERROR;
	}
	if (control & FW_CFG_DMA_CTL_SKIP)
		f->offset += len;
	return 0;
}

static void fwcfg_dma(struct fwcfg *f, gpa_t desc)
{
	const struct gmem *m = f->plat->mem;
	struct fwcfg_dma_access a;
	u32 control;

	if (gmem_read(m, desc, &a, sizeof(a))) {
		pr_warn_ratelimited("dma descriptor at %#llx is not in guest RAM",
				    (unsigned long long)desc);
		return;
	}
	control = fwcfg_dma_op(f, be32toh(a.control), be32toh(a.length), be64toh(a.address));
	/* "All bits cleared: Transfer finished successfully." */
	control = htobe32(control);
	if (gmem_write(m, desc + offsetof(struct fwcfg_dma_access, control), &control,
		       sizeof(control)))
		pr_warn_ratelimited("cannot write the dma status back to %#llx",
				    (unsigned long long)desc);
}

static void fwcfg_io_read(void *dev, u64 off, void *data, u32 len)
{
	struct fwcfg *f = dev;

	if (off != FWCFG_OFF_DATA) {
		pr_warn_ratelimited("read of %u bytes from the write-only selector", len);
		memset(data, 0xff, len);
		return;
	}
	pthread_mutex_lock(&f->lock);
	*(u8 *)data = fwcfg_data_byte(f);	/* the bus never passes more than 1 byte here */
	pthread_mutex_unlock(&f->lock);
}

static void fwcfg_io_write(void *dev, u64 off, const void *data, u32 len)
{
	struct fwcfg *f = dev;
	u16 key;

	if (off != FWCFG_OFF_SEL || len != 2) {
		pr_warn_ratelimited("%u-byte write at offset %llu ignored: not a selector write",
				    len, (unsigned long long)off);
		return;
	}
	memcpy(&key, data, sizeof(key));	/* "little-endian (if IOport)" */
	pthread_mutex_lock(&f->lock);
	fwcfg_select(f, le16toh(key));
	pthread_mutex_unlock(&f->lock);
}

static void fwcfg_dma_read_reg(void *dev, u64 off, void *data, u32 len)
{
	(void)dev;
	/* "reading the DMA Address Register returns 0x51454d5520434647" big-endian */
	memcpy(data, FW_CFG_DMA_SIGNATURE + off, len);
}

static void fwcfg_dma_write_reg(void *dev, u64 off, const void *data, u32 len)
{
	struct fwcfg *f = dev;
	u32 half;

	if (len != 4 || (off != FWCFG_OFF_DMA_HIGH && off != FWCFG_OFF_DMA_LOW)) {
		pr_warn_ratelimited("%u-byte dma address write at offset %llu ignored", len,
				    (unsigned long long)off);
		return;
	}
	memcpy(&half, data, sizeof(half));
	pthread_mutex_lock(&f->lock);
	if (off == FWCFG_OFF_DMA_HIGH) {
		f->dma_high = be32toh(half);
	} else {
		fwcfg_dma(f, (u64)f->dma_high << 32 | be32toh(half));
		/* "The value for the register is 0 at startup and after an operation." */
		f->dma_high = 0;
	}
	pthread_mutex_unlock(&f->lock);
}

static const struct bus_ops fwcfg_io_ops = { .read = fwcfg_io_read, .write = fwcfg_io_write };
static const struct bus_ops fwcfg_dma_ops = {
	.read = fwcfg_dma_read_reg, .write = fwcfg_dma_write_reg,
};

int fwcfg_init(struct fwcfg *f, struct bus *pio, const struct platform *plat)
{
	int ret;

	*f = (struct fwcfg) { .plat = plat };
	pthread_mutex_init(&f->lock, NULL);
	ret = fwcfg_add_fixed(f);
	if (!ret)
		ret = fwcfg_add_e820(f, FW_CFG_FILE_FIRST);
	if (!ret)
		ret = fwcfg_add_dir(f);
	if (!ret)
		ret = bus_register(pio, FWCFG_PORT_SEL, 2, &fwcfg_io_ops, f, "fw_cfg");
	if (!ret)
		ret = bus_register(pio, FWCFG_PORT_DMA, FWCFG_PORT_DMA_LEN, &fwcfg_dma_ops, f,
				   "fw_cfg-dma");
	return ret;
}

void fwcfg_exit(struct fwcfg *f)
{
	for (unsigned int i = 0; i < f->nr_items; i++)
		free(f->items[i].data);
	f->nr_items = 0;
	pthread_mutex_destroy(&f->lock);
}
