// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "testdev: " fmt
#include "devices/testdev.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vmm/clock.h"
#include "vmm/log.h"
#include "vmm/status.h"

#define CHANNEL_STALL_MS 1000	/* a reader that stalls longer loses records */

/*
 * Write one whole line to the channel. The fd is non-blocking, so a reader
 * that stops reading costs at most CHANNEL_STALL_MS per record and never
 * wedges a vCPU thread; a broken channel only loses records.
 */
static void channel_line(struct testdev *t, const char *line)
{
	size_t len = strlen(line), done = 0;

	while (done < len) {
		struct pollfd p = { .fd = t->channel_fd, .events = POLLOUT };
		ssize_t n = write(t->channel_fd, line + done, len - done);

		if (n > 0) {
			done += n;
			continue;
		}
		if (n < 0 && errno == EAGAIN && poll(&p, 1, CHANNEL_STALL_MS) > 0)
			continue;
		pr_warn_ratelimited("test channel write failed: %s",
				    n < 0 ? strerror(errno) : "no progress");
		return;
	}
}

/* Guest strings are not trusted to be terminated or printable. */
static void sanitize(char *dst, const char *src, size_t size)
{
	size_t i;

	for (i = 0; i + 1 < size && src[i]; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? src[i] : '?';
	dst[i] = '\0';
}

int testdev_format_ucall(char *buf, size_t size, const struct ucall *uc, unsigned long long ns,
			 unsigned int cpu)
{
	char file[UCALL_FILE_LEN], msg[UCALL_MSG_LEN];

	sanitize(file, uc->file, sizeof(file));
	sanitize(msg, uc->msg, sizeof(msg));
	switch (uc->cmd) {
	case UCALL_SYNC:
		return snprintf(buf, size, "sync %llu %u %llu %llu", ns, cpu,
				(unsigned long long)uc->args[0], (unsigned long long)uc->args[1]);
	case UCALL_ASSERT:
		return snprintf(buf, size, "assert %llu %u %s:%u: %s", ns, cpu, file, uc->line,
				msg);
	case UCALL_PRINT:
		return snprintf(buf, size, "print %llu %u %s", ns, cpu, msg);
	case UCALL_DONE:
		return snprintf(buf, size, "done %llu %u", ns, cpu);
	}
	return -EINVAL;
}

static void log_ucall(const struct ucall *uc)
{
	char file[UCALL_FILE_LEN], msg[UCALL_MSG_LEN];

	sanitize(file, uc->file, sizeof(file));
	sanitize(msg, uc->msg, sizeof(msg));
	switch (uc->cmd) {
	case UCALL_SYNC:
		pr_ratelimited(LOG_INFO, "guest stage %llu (%#llx)", (unsigned long long)uc->args[0],
			(unsigned long long)uc->args[1]);
		break;
	case UCALL_ASSERT:
		pr_err_ratelimited("guest assertion failed at %s:%u: %s", file, uc->line, msg);
		break;
	case UCALL_PRINT:
		pr_ratelimited(LOG_INFO, "guest: %s", msg);
		break;
	case UCALL_DONE:
		pr_ratelimited(LOG_INFO, "guest done");
		break;
	}
}

static void do_ucall(struct testdev *t)
{
	struct ucall uc;
	char line[512];
	u64 gpa;
	u32 cpu;
	int n;

	if (!t->plat->ops->caller || t->plat->ops->caller(t->plat->ctx, &cpu, &gpa) ||
	    gmem_read(t->plat->mem, gpa, &uc, sizeof(uc))) {
		pr_warn_ratelimited("ucall with a bad record address");
		return;
	}
	if (t->channel_fd < 0) {
		log_ucall(&uc);
		return;
	}
	n = testdev_format_ucall(line, sizeof(line) - 1, &uc, monotonic_ns(), cpu);
	if (n < 0) {
		pr_warn_ratelimited("ucall with unknown command %u", uc.cmd);
		return;
	}
	n = MIN(n, (int)sizeof(line) - 2);
	line[n++] = '\n';
	line[n] = '\0';
	channel_line(t, line);
}

static void debugcon_putc(struct testdev *t, char c)
{
	char line[sizeof(t->con_line) + 64];

	if (c != '\n' && t->con_len < sizeof(t->con_line) - 1) {
		t->con_line[t->con_len++] = (c >= 0x20 && c < 0x7f) ? c : '?';
		return;
	}
	t->con_line[t->con_len] = '\0';
	if (t->channel_fd >= 0) {
		snprintf(line, sizeof(line), "console %llu %s\n",
			 (unsigned long long)monotonic_ns(), t->con_line);
		channel_line(t, line);
	} else {
		pr_ratelimited(LOG_INFO, "debugcon: %s", t->con_line);
	}
	t->con_len = 0;
	if (c != '\n')
		debugcon_putc(t, c);
}

void testdev_note(struct testdev *t, const char *event, unsigned int cpu)
{
	char line[128];

	if (t->channel_fd < 0)
		return;
	snprintf(line, sizeof(line), "%s %llu %u\n", event, (unsigned long long)monotonic_ns(),
		 cpu);
	pthread_mutex_lock(&t->lock);
	channel_line(t, line);
	pthread_mutex_unlock(&t->lock);
}

void testdev_stat(struct testdev *t, const char *name, u64 value)
{
	char line[128];

	if (t->channel_fd < 0)
		return;
	snprintf(line, sizeof(line), "stat %s %llu\n", name, (unsigned long long)value);
	pthread_mutex_lock(&t->lock);
	channel_line(t, line);
	pthread_mutex_unlock(&t->lock);
}

static u32 le_value(const void *data, u32 len)
{
	u32 v = 0;

	memcpy(&v, data, MIN(len, (u32)sizeof(v)));
	return v;
}

static void exit_write(void *dev, u64 off, const void *data, u32 len)
{
	struct testdev *t = dev;
	int status = vtlvm_test_exit_status(le_value(data, len));
	char line[64];

	(void)off;
	pthread_mutex_lock(&t->lock);
	if (t->channel_fd >= 0) {
		snprintf(line, sizeof(line), "exit %llu %d\n", (unsigned long long)monotonic_ns(),
			 status);
		channel_line(t, line);
	}
	pthread_mutex_unlock(&t->lock);
	platform_request_stop(t->plat, status, "test-exit port");
}

static void ucall_write(void *dev, u64 off, const void *data, u32 len)
{
	struct testdev *t = dev;

	(void)off, (void)data, (void)len;
	pthread_mutex_lock(&t->lock);
	do_ucall(t);
	pthread_mutex_unlock(&t->lock);
}

static void debugcon_write(void *dev, u64 off, const void *data, u32 len)
{
	struct testdev *t = dev;

	(void)off;
	pthread_mutex_lock(&t->lock);
	for (u32 i = 0; i < len; i++)
		debugcon_putc(t, ((const char *)data)[i]);
	pthread_mutex_unlock(&t->lock);
}

static void debugcon_read(void *dev, u64 off, void *data, u32 len)
{
	(void)dev, (void)off;
	memset(data, 0, len);
	*(u8 *)data = TESTDEV_DEBUGCON_PORT;
}

static void null_read(void *dev, u64 off, void *data, u32 len)
{
	(void)dev, (void)off;
	memset(data, 0, len);
}

static const struct bus_ops exit_ops = { .write = exit_write };
static const struct bus_ops ucall_ops = { .write = ucall_write };
static const struct bus_ops debugcon_ops = { .read = debugcon_read, .write = debugcon_write };
static const struct bus_ops null_ops = { .read = null_read };	/* writes dropped (bus.h) */

int testdev_init(struct testdev *t, struct bus *pio, const struct platform *plat, int channel_fd)
{
	static const struct {
		u16 port, len;
		const struct bus_ops *ops;
		const char *name;
	} ports[] = {
		{ TESTDEV_UCALL_PORT, 1, &ucall_ops, "testdev-ucall" },
		{ TESTDEV_DEBUGCON_PORT, 1, &debugcon_ops, "testdev-debugcon" },
		{ TESTDEV_NULL_PORT, 1, &null_ops, "testdev-null" },
		{ TESTDEV_EXIT_PORT, 4, &exit_ops, "testdev-exit" },
	};
	int ret;

	*t = (struct testdev) { .plat = plat, .channel_fd = channel_fd };
	if (channel_fd >= 0) {
		int fl = fcntl(channel_fd, F_GETFL);

		if (fl < 0 || fcntl(channel_fd, F_SETFL, fl | O_NONBLOCK) < 0)
			return -errno;
	}
	pthread_mutex_init(&t->lock, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(ports); i++) {
		ret = bus_register(pio, ports[i].port, ports[i].len, ports[i].ops, t,
				   ports[i].name);
		if (ret)
			return ret;
	}
	return 0;
}

void testdev_exit(struct testdev *t)
{
	pthread_mutex_destroy(&t->lock);
}
