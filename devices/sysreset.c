// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "reset: " fmt
#include "devices/sysreset.h"

#include <string.h>

#include "devices/acpi.h"
#include "vmm/log.h"
#include "vmm/status.h"

static void rst_cnt_read(void *dev, u64 off, void *data, u32 len)
{
	struct sysreset *r = dev;

	(void)off, (void)len;	/* one byte wide: the bus never passes more */
	pthread_mutex_lock(&r->lock);
	*(u8 *)data = r->rst_cnt;
	pthread_mutex_unlock(&r->lock);
}

static void rst_cnt_write(void *dev, u64 off, const void *data, u32 len)
{
	struct sysreset *r = dev;
	u8 v = *(const u8 *)data;

	(void)off, (void)len;
	pthread_mutex_lock(&r->lock);
	r->rst_cnt = v;
	pthread_mutex_unlock(&r->lock);
	if (v & SYSRESET_RST_CNT_RST_CPU)
		platform_request_stop(r->plat, VTLVM_EXIT_RESET, "reset control register 0xcf9");
}

/* Status register: output and input buffers empty, nothing else set. */
static void i8042_read(void *dev, u64 off, void *data, u32 len)
{
	(void)dev, (void)off;
	memset(data, 0, len);
}

static void i8042_cmd_write(void *dev, u64 off, const void *data, u32 len)
{
	struct sysreset *r = dev;
	u8 cmd = *(const u8 *)data;

	(void)off, (void)len;
	if (cmd < SYSRESET_I8042_PULSE_FIRST) {
		pr_warn_ratelimited("i8042 command %#x ignored: only reset is emulated", cmd);
		return;
	}
	if (!(cmd & SYSRESET_I8042_PULSE_RESET))
		platform_request_stop(r->plat, VTLVM_EXIT_RESET, "i8042 reset line pulse");
}

static void i8042_data_write(void *dev, u64 off, const void *data, u32 len)
{
	(void)dev, (void)off, (void)len;
	pr_warn_ratelimited("i8042 data %#x ignored: there is no keyboard", *(const u8 *)data);
}

static const struct bus_ops rst_cnt_ops = { .read = rst_cnt_read, .write = rst_cnt_write };
static const struct bus_ops i8042_cmd_ops = { .read = i8042_read, .write = i8042_cmd_write };
static const struct bus_ops i8042_data_ops = { .read = i8042_read, .write = i8042_data_write };

int sysreset_init(struct sysreset *r, struct bus *pio, const struct platform *plat)
{
	static const struct {
		u16 port;
		const struct bus_ops *ops;
		const char *name;
	} ports[] = {
		{ SYSRESET_I8042_DATA_PORT, &i8042_data_ops, "i8042-data" },
		{ SYSRESET_I8042_CMD_PORT, &i8042_cmd_ops, "i8042-cmd" },
		{ ACPI_RESET_PORT, &rst_cnt_ops, "reset-control" },
	};
	int ret;

	*r = (struct sysreset) { .plat = plat };
	pthread_mutex_init(&r->lock, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		ret = bus_register(pio, ports[i].port, 1, ports[i].ops, r, ports[i].name);
		if (ret)
			return ret;
	}
	return 0;
}

void sysreset_exit(struct sysreset *r)
{
	pthread_mutex_destroy(&r->lock);
}
