// SPDX-License-Identifier: MIT
/*
 * fw_cfg as QEMU's docs/specs/fw_cfg.rst has a guest use it: the selector
 * and data ports, the file directory's byte order, and DMA descriptors in a
 * fake guest RAM, including ones that point outside it.
 */
#include <endian.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "devices/fwcfg.h"
#include "tests/unit/fake_platform.h"

#define NR_CPUS		4
#define DESC_GPA	0x1000ULL	/* a FWCfgDmaAccess */
#define BUF_GPA		0x2000ULL
#define NOT_RAM		0x10000000ULL	/* 256 MiB: past the 2 MiB of fake RAM */

struct fwcfg_test {
	struct fake_platform *fp;
	struct fwcfg fwcfg;
};

static int setup(void **state)
{
	struct fwcfg_test *t = calloc(1, sizeof(*t));

	if (!t)
		return -1;
	t->fp = fake_platform_new(2 * MiB, NR_CPUS);
	if (!t->fp || fwcfg_init(&t->fwcfg, &t->fp->pio, &t->fp->plat))
		return -1;
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct fwcfg_test *t = *state;

	fwcfg_exit(&t->fwcfg);
	fake_platform_free(t->fp);
	free(t);
	return 0;
}

static void select_item(struct fwcfg_test *t, u16 key)
{
	fake_outw(t->fp, FWCFG_PORT_SEL, key);
}

static void read_data(struct fwcfg_test *t, void *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		((u8 *)buf)[i] = fake_inb(t->fp, FWCFG_PORT_SEL + 1);
}

static void test_fwcfg_signature(void **state)
{
	struct fwcfg_test *t = *state;
	char sig[4];

	select_item(t, FW_CFG_SIGNATURE);
	read_data(t, sig, sizeof(sig));
	assert_memory_equal(sig, "QEMU", 4);
}

static void test_fwcfg_id_traditional_and_dma(void **state)
{
	struct fwcfg_test *t = *state;
	u32 id;

	select_item(t, FW_CFG_ID);
	read_data(t, &id, sizeof(id));
	assert_int_equal(le32toh(id), FW_CFG_VERSION | FW_CFG_VERSION_DMA);
}

static void test_fwcfg_read_past_end_is_zero(void **state)
{
	struct fwcfg_test *t = *state;
	char buf[8];

	select_item(t, FW_CFG_SIGNATURE);
	read_data(t, buf, sizeof(buf));
	assert_memory_equal(buf, "QEMU\0\0\0\0", 8);
}

static void test_fwcfg_select_resets_offset(void **state)
{
	struct fwcfg_test *t = *state;
	char buf[4];

	select_item(t, FW_CFG_SIGNATURE);
	read_data(t, buf, 2);
	select_item(t, FW_CFG_SIGNATURE);
	read_data(t, buf, 4);
	assert_memory_equal(buf, "QEMU", 4);
}

static void test_fwcfg_unknown_selectors_read_zero(void **state)
{
	struct fwcfg_test *t = *state;
	static const u16 keys[] = { 0x0004, 0x1234, FW_CFG_ARCH_LOCAL, 0xffff };
	u32 v;

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		select_item(t, keys[i]);
		read_data(t, &v, sizeof(v));
		assert_int_equal(v, 0);
	}
}

static void test_fwcfg_write_channel_bit_selects_same_item(void **state)
{
	struct fwcfg_test *t = *state;
	char sig[4];

	select_item(t, FW_CFG_WRITE_CHANNEL | FW_CFG_SIGNATURE);
	fake_outb(t->fp, FWCFG_PORT_SEL + 1, 'X');		/* data writes are ignored */
	read_data(t, sig, sizeof(sig));
	assert_memory_equal(sig, "QEMU", 4);
}

static void test_fwcfg_machine_items(void **state)
{
	struct fwcfg_test *t = *state;
	u8 uuid[16], zero[16] = { 0 };
	u64 ram;
	u16 cpus;

	select_item(t, FW_CFG_RAM_SIZE);
	read_data(t, &ram, sizeof(ram));
	assert_int_equal(le64toh(ram), 2 * MiB);
	select_item(t, FW_CFG_NB_CPUS);
	read_data(t, &cpus, sizeof(cpus));
	assert_int_equal(le16toh(cpus), NR_CPUS);
	select_item(t, FW_CFG_MAX_CPUS);
	read_data(t, &cpus, sizeof(cpus));
	assert_int_equal(le16toh(cpus), NR_CPUS);
	select_item(t, FW_CFG_UUID);
	read_data(t, uuid, sizeof(uuid));
	assert_memory_equal(uuid, zero, sizeof(zero));
}

/* The directory is big-endian: check its bytes, not a host-order struct. */
static void test_fwcfg_file_dir(void **state)
{
	struct fwcfg_test *t = *state;
	unsigned int n = layout_e820(&t->fp->mem.layout, (struct e820_entry[8]){ 0 }, 8);
	u8 count[4], entry[64], end[4];

	select_item(t, FW_CFG_FILE_DIR);
	read_data(t, count, sizeof(count));
	read_data(t, entry, sizeof(entry));
	read_data(t, end, sizeof(end));
	assert_memory_equal(count, ((u8[]){ 0, 0, 0, 1 }), 4);
	assert_memory_equal(entry, ((u8[]){ 0, 0, 0, n * 20, 0x00, 0x20, 0, 0 }), 8);
	assert_string_equal((char *)entry + 8, "etc/e820");
	assert_memory_equal(end, ((u8[]){ 0, 0, 0, 0 }), 4);	/* past the end */
}

static void test_fwcfg_e820(void **state)
{
	struct fwcfg_test *t = *state;
	struct e820_entry want[8], got[8];
	unsigned int n = layout_e820(&t->fp->mem.layout, want, ARRAY_SIZE(want));

	assert_true(n >= 3);
	select_item(t, FW_CFG_FILE_FIRST);
	read_data(t, got, n * sizeof(got[0]));
	assert_memory_equal(got, want, n * sizeof(got[0]));
	assert_int_equal(got[0].addr, 0);
	assert_int_equal(got[0].type, E820_RAM);
}

static void test_fwcfg_dma_register_reads_signature(void **state)
{
	struct fwcfg_test *t = *state;
	u32 hi = fake_inl(t->fp, FWCFG_PORT_DMA), lo = fake_inl(t->fp, FWCFG_PORT_DMA + 4);

	/* 0x51454d5520434647, big-endian: "QEMU CFG" in address order. */
	assert_int_equal(be32toh(hi), 0x51454d55);
	assert_int_equal(be32toh(lo), 0x20434647);
}

/* Write a descriptor at DESC_GPA, start it, return its control word afterwards. */
static u32 dma(struct fwcfg_test *t, u32 control, u32 len, u64 addr)
{
	struct fwcfg_dma_access a = {
		.control = htobe32(control), .length = htobe32(len), .address = htobe64(addr),
	};

	assert_int_equal(gmem_write(&t->fp->mem, DESC_GPA, &a, sizeof(a)), 0);
	fake_outl(t->fp, FWCFG_PORT_DMA + 4, htobe32(DESC_GPA));
	assert_int_equal(gmem_read(&t->fp->mem, DESC_GPA, &a, sizeof(a)), 0);
	return be32toh(a.control);
}

static void test_fwcfg_dma_select_and_read(void **state)
{
	struct fwcfg_test *t = *state;
	u8 *buf = gmem_hva(&t->fp->mem, BUF_GPA, 8);

	memset(buf, 0xaa, 8);
	/* Past the item's end, DMA reads zeros too. */
	assert_int_equal(dma(t, FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT |
			     FW_CFG_DMA_CTL_READ, 6, BUF_GPA), 0);
	assert_memory_equal(buf, "QEMU\0\0\xaa\xaa", 8);
}

static void test_fwcfg_dma_skip(void **state)
{
	struct fwcfg_test *t = *state;
	u8 *buf = gmem_hva(&t->fp->mem, BUF_GPA, 2);

	assert_int_equal(dma(t, FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT |
			     FW_CFG_DMA_CTL_SKIP, 1, 0), 0);
	assert_int_equal(dma(t, FW_CFG_DMA_CTL_READ, 2, BUF_GPA), 0);
	assert_memory_equal(buf, "EM", 2);
	/* DMA and the data port share one offset. */
	assert_int_equal(fake_inb(t->fp, FWCFG_PORT_SEL + 1), 'U');
}

static void test_fwcfg_dma_write_refused(void **state)
{
	struct fwcfg_test *t = *state;
	char sig[4];

	assert_int_equal(dma(t, FW_CFG_SIGNATURE << 16 | FW_CFG_DMA_CTL_SELECT |
			     FW_CFG_DMA_CTL_WRITE, 4, BUF_GPA), FW_CFG_DMA_CTL_ERROR);
	read_data(t, sig, sizeof(sig));
	assert_memory_equal(sig, "QEMU", 4);
}

static void test_fwcfg_dma_outside_ram(void **state)
{
	struct fwcfg_test *t = *state;
	u32 sel_read = FW_CFG_FILE_DIR << 16 | FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ;

	assert_int_equal(dma(t, sel_read, 64, NOT_RAM), FW_CFG_DMA_CTL_ERROR);
	assert_int_equal(dma(t, sel_read, 64, ~0ULL - 8), FW_CFG_DMA_CTL_ERROR);
	/* The zero fill past the item's end is checked as well. */
	assert_int_equal(dma(t, sel_read, 0xffffffff, BUF_GPA), FW_CFG_DMA_CTL_ERROR);
	/* Straddling the end of RAM. */
	assert_int_equal(dma(t, sel_read, 64, 2 * MiB - 8), FW_CFG_DMA_CTL_ERROR);
}

static void test_fwcfg_dma_descriptor_outside_ram(void **state)
{
	struct fwcfg_test *t = *state;
	char sig[4];

	select_item(t, FW_CFG_SIGNATURE);
	fake_outl(t->fp, FWCFG_PORT_DMA + 4, htobe32(NOT_RAM));
	/* The high half makes it 4 GiB + DESC_GPA: not RAM either; then it resets to 0. */
	fake_outl(t->fp, FWCFG_PORT_DMA, htobe32(1));
	fake_outl(t->fp, FWCFG_PORT_DMA + 4, htobe32(DESC_GPA));
	read_data(t, sig, sizeof(sig));
	assert_memory_equal(sig, "QEMU", 4);
	assert_int_equal(dma(t, FW_CFG_DMA_CTL_SKIP, 1, 0), 0);
}

static void test_fwcfg_odd_accesses_ignored(void **state)
{
	struct fwcfg_test *t = *state;
	char sig[4];

	select_item(t, FW_CFG_SIGNATURE);
	fake_outb(t->fp, FWCFG_PORT_SEL, FW_CFG_ID);		/* 8-bit selector write */
	fake_outw(t->fp, FWCFG_PORT_DMA + 4, 0x1000);		/* 16-bit DMA write */
	assert_int_equal(fake_inb(t->fp, FWCFG_PORT_SEL), 0xff);	/* write-only */
	read_data(t, sig, sizeof(sig));
	assert_memory_equal(sig, "QEMU", 4);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_fwcfg_signature),
		T(test_fwcfg_id_traditional_and_dma),
		T(test_fwcfg_read_past_end_is_zero),
		T(test_fwcfg_select_resets_offset),
		T(test_fwcfg_unknown_selectors_read_zero),
		T(test_fwcfg_write_channel_bit_selects_same_item),
		T(test_fwcfg_machine_items),
		T(test_fwcfg_file_dir),
		T(test_fwcfg_e820),
		T(test_fwcfg_dma_register_reads_signature),
		T(test_fwcfg_dma_select_and_read),
		T(test_fwcfg_dma_skip),
		T(test_fwcfg_dma_write_refused),
		T(test_fwcfg_dma_outside_ram),
		T(test_fwcfg_dma_descriptor_outside_ram),
		T(test_fwcfg_odd_accesses_ignored),
	};
#undef T

	return cmocka_run_group_tests_name("fwcfg", tests, NULL, NULL);
}
