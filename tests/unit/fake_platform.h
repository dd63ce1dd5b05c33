/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/fake_platform.h -- what a device unit test gives a device in
 * place of the VM: a struct platform whose ops record set_irq and
 * request_stop calls, guest RAM in a calloc'ed buffer behind a struct gmem
 * with a real layout (mem/layout.h), and a PIO bus to reach the device the
 * way a vCPU does (bus_dispatch, offsets and all).
 *
 * Guest RAM covers only the low range: keep ram_size at or below 3 GiB, and
 * small, since every test allocates it.
 */
#ifndef VTLVM_FAKE_PLATFORM_H
#define VTLVM_FAKE_PLATFORM_H

#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "devices/platform.h"
#include "mem/gmem.h"
#include "mem/layout.h"

struct fake_platform {
	struct platform plat;
	struct gmem mem;
	struct bus pio;
	unsigned int nr_stops;
	int stop_status;		/* of the first request, as the VM keeps it */
	unsigned int nr_irqs;
	u32 irq_gsi;			/* of the last set_irq */
	int irq_level;
};

static inline void fake_set_irq(void *ctx, u32 gsi, int level)
{
	struct fake_platform *fp = ctx;

	fp->nr_irqs++;
	fp->irq_gsi = gsi;
	fp->irq_level = level;
}

static inline void fake_request_stop(void *ctx, int status, const char *why)
{
	struct fake_platform *fp = ctx;

	(void)why;
	if (!fp->nr_stops++)
		fp->stop_status = status;
}

static const struct platform_ops fake_platform_ops = {
	.set_irq = fake_set_irq,
	.request_stop = fake_request_stop,
};

/* Returns NULL if the layout is invalid or memory runs out. */
static inline struct fake_platform *fake_platform_new(u64 ram_size, u32 nr_cpus)
{
	struct fake_platform *fp = calloc(1, sizeof(*fp));

	if (!fp || layout_init(&fp->mem.layout, ram_size))
		goto out_free;
	fp->mem.size = ram_size;
	fp->mem.base = calloc(1, ram_size);
	if (!fp->mem.base)
		goto out_free;
	fp->mem.fd = -1;
	fp->plat = (struct platform) {
		.ops = &fake_platform_ops, .ctx = fp, .mem = &fp->mem, .nr_cpus = nr_cpus,
	};
	bus_init(&fp->pio, "pio");
	return fp;
out_free:
	free(fp);
	return NULL;
}

static inline void fake_platform_free(struct fake_platform *fp)
{
	bus_exit(&fp->pio);
	free(fp->mem.base);
	free(fp);
}

/* Port I/O as a guest does it; an unclaimed port reads all-ones, as vmm/exit.c does. */
static inline u32 fake_in(struct fake_platform *fp, u16 port, u32 len)
{
	u32 v = 0;

	if (!bus_dispatch(&fp->pio, port, &v, len, false))
		v = len == 4 ? ~0U : (1U << (len * 8)) - 1;
	return v;
}

static inline void fake_out(struct fake_platform *fp, u16 port, u32 v, u32 len)
{
	bus_dispatch(&fp->pio, port, &v, len, true);
}

#define fake_inb(fp, port)	((u8)fake_in(fp, port, 1))
#define fake_inw(fp, port)	((u16)fake_in(fp, port, 2))
#define fake_inl(fp, port)	fake_in(fp, port, 4)
#define fake_outb(fp, port, v)	fake_out(fp, port, (u8)(v), 1)
#define fake_outw(fp, port, v)	fake_out(fp, port, (u16)(v), 2)
#define fake_outl(fp, port, v)	fake_out(fp, port, (u32)(v), 4)

#endif /* VTLVM_FAKE_PLATFORM_H */
