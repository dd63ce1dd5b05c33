/* SPDX-License-Identifier: MIT */
/*
 * devices/fwcfg.h -- QEMU's firmware configuration device, as QEMU's
 * docs/specs/fw_cfg.rst defines it for x86, so that firmware and guests
 * written for QEMU find the machine's facts where they look for them:
 *
 *   0x510       selector (16-bit write, little-endian); resets the offset
 *   0x511       data (8-bit read): the next byte of the selected item, 0
 *               once past its end; writes are ignored, as in QEMU >= 2.4
 *   0x514-0x51b DMA address (big-endian; a write to the low half at 0x518
 *               starts the transfer, one to 0x514 sets the high half).
 *               Reads return the signature "QEMU CFG".
 *
 * Items (all read-only; a DMA write fails with the error bit):
 *   0x0000 signature "QEMU"          0x0005 CPU count (u16 LE)
 *   0x0001 ID: traditional | DMA     0x000f max CPUs (u16 LE) = CPU count
 *   0x0002 UUID: 16 zero bytes       0x0019 file directory (big-endian)
 *   0x0003 RAM size (u64 LE)         0x0020 file "etc/e820": layout_e820()
 *                                          as packed {u64 addr, u64 len, u32 type}
 * Architecture-specific selectors (bit 15) select nothing: they read 0.
 *
 * DMA touches guest memory only through gmem_read()/gmem_write(): a
 * descriptor or buffer outside RAM fails the transfer (error bit, or a
 * logged warning when the descriptor itself is unreachable).
 *
 * Ownership: the device owns its item buffers; fwcfg_exit() frees them and
 * may be called after a failed fwcfg_init(). Locking: one mutex per device.
 */
#ifndef VTLVM_FWCFG_H
#define VTLVM_FWCFG_H

#include <pthread.h>

#include "devices/bus.h"
#include "devices/platform.h"

#define FWCFG_PORT_SEL		0x510
#define FWCFG_PORT_DMA		0x514
#define FWCFG_PORT_DMA_LEN	8

/* Selector keys (fw_cfg.rst; QEMU include/standard-headers/linux/qemu_fw_cfg.h). */
#define FW_CFG_SIGNATURE	0x0000
#define FW_CFG_ID		0x0001
#define FW_CFG_UUID		0x0002
#define FW_CFG_RAM_SIZE		0x0003
#define FW_CFG_NB_CPUS		0x0005
#define FW_CFG_MAX_CPUS		0x000f
#define FW_CFG_FILE_DIR		0x0019
#define FW_CFG_FILE_FIRST	0x0020
#define FW_CFG_WRITE_CHANNEL	0x4000
#define FW_CFG_ARCH_LOCAL	0x8000

#define FW_CFG_VERSION		0x01	/* ID bit 0: traditional interface */
#define FW_CFG_VERSION_DMA	0x02	/* ID bit 1: DMA interface */
#define FW_CFG_MAX_FILE_PATH	56
#define FW_CFG_DMA_SIGNATURE	"QEMU CFG"

/* FWCfgDmaAccess.control bits (fw_cfg.rst, "Guest-side DMA Interface"). */
#define FW_CFG_DMA_CTL_ERROR	0x01
#define FW_CFG_DMA_CTL_READ	0x02
#define FW_CFG_DMA_CTL_SKIP	0x04
#define FW_CFG_DMA_CTL_SELECT	0x08
#define FW_CFG_DMA_CTL_WRITE	0x10

/* All fields big-endian. */
struct fwcfg_dma_access {
	u32 control;
	u32 length;
	u64 address;
} __packed;

/* One entry of the file directory; the directory starts with a be32 count. */
struct fwcfg_file {
	u32 size;	/* big-endian */
	u16 select;	/* big-endian */
	u16 reserved;
	char name[FW_CFG_MAX_FILE_PATH];
} __packed;

#define FWCFG_MAX_ITEMS		8

struct fwcfg_item {
	u16 key;
	char name[FW_CFG_MAX_FILE_PATH];	/* files only; "" for fixed items */
	u32 len;
	u8 *data;				/* owned */
};

struct fwcfg {
	pthread_mutex_t lock;
	const struct platform *plat;
	u16 selector;
	u64 offset;			/* into the selected item */
	u32 dma_high;			/* high half of the DMA address, until the low half */
	struct fwcfg_item items[FWCFG_MAX_ITEMS];
	unsigned int nr_items;
};

/*
 * Build the items from plat (its memory layout and CPU count) and claim
 * ports 0x510-0x511 and 0x514-0x51b on pio. -ENOMEM, or bus_register()'s error.
 */
int fwcfg_init(struct fwcfg *f, struct bus *pio, const struct platform *plat) __must_check;
void fwcfg_exit(struct fwcfg *f);

#endif /* VTLVM_FWCFG_H */
