// SPDX-License-Identifier: MIT
/* ucall: fill a record, point RDI at it, write the ucall port (KVM selftests' ucall_pio). */
#include "guest.h"

static void copy_str(char *dst, const char *src, size_t size)
{
	size_t n = 0;

	if (src) {
		/* Keep the tail of long paths: it names the file. */
		size_t len = strlen(src);

		if (len >= size)
			src += len - (size - 1);
		for (; src[n] && n + 1 < size; n++)
			dst[n] = src[n];
	}
	dst[n] = '\0';
}

static void ucall_send(struct ucall *uc)
{
	asm volatile("outb %%al, %%dx" :: "a"(0), "d"(TESTDEV_UCALL_PORT), "D"(uc) : "memory");
}

static void ucall_fill(struct ucall *uc, u32 cmd, u64 a0, u64 a1, const char *file, u32 line,
		       const char *fmt, va_list ap)
{
	uc->cmd = cmd;
	uc->line = line;
	uc->args[0] = a0;
	uc->args[1] = a1;
	copy_str(uc->file, file, sizeof(uc->file));
	if (fmt)
		vsnprintf(uc->msg, sizeof(uc->msg), fmt, ap);
	else
		uc->msg[0] = '\0';
}

void ucall(u32 cmd, u64 a0, u64 a1, const char *file, u32 line, const char *fmt, ...)
{
	struct ucall uc;	/* on the stack: every CPU has its own */
	va_list ap;

	va_start(ap, fmt);
	ucall_fill(&uc, cmd, a0, a1, file, line, fmt, ap);
	va_end(ap);
	ucall_send(&uc);
}

void guest_exit(u32 code)
{
	outl(TESTDEV_EXIT_PORT, code);
	for (;;) {
		cli();
		hlt();
	}
}

void __guest_assert_fail(const char *file, u32 line, u64 a, u64 b, const char *fmt, ...)
{
	struct ucall uc;
	va_list ap;

	va_start(ap, fmt);
	ucall_fill(&uc, UCALL_ASSERT, a, b, file, line, fmt, ap);
	va_end(ap);
	ucall_send(&uc);
	guest_exit(1);
}
