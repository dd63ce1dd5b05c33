// SPDX-License-Identifier: MIT
/* The 32-bit guests' runtime: ucall, exit, asserts, exceptions (mb.h).
 * The string functions come from tests/guests/lib/string.c. */
#include "mb.h"

/* ---- messages: bounded appends, hex only (no 64-bit division without libgcc) ---- */
struct msgbuf {
	char *buf;
	size_t size, len;
};

static void msg_puts(struct msgbuf *m, const char *s)
{
	for (; s && *s && m->len + 1 < m->size; s++)
		m->buf[m->len++] = *s;
	m->buf[m->len] = '\0';
}

static void msg_hex(struct msgbuf *m, u64 v)
{
	char digits[19] = "0x";
	int shift = 60, n = 2;

	while (shift > 0 && !(v >> shift))
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		digits[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
	digits[n] = '\0';
	msg_puts(m, digits);
}

/* ---- ucall and exit ---- */
static void fill_tail(char *dst, size_t size, const char *src)
{
	struct msgbuf m = { dst, size, 0 };
	size_t len = src ? strlen(src) : 0;

	/* Keep the tail of a long path: it names the file. */
	msg_puts(&m, len >= size ? src + len - (size - 1) : src);
}

static void ucall_fill(struct ucall *uc, u32 cmd, u64 a0, u64 a1, const char *file, u32 line)
{
	memset(uc, 0, sizeof(*uc));
	uc->cmd = cmd;
	uc->line = line;
	uc->args[0] = a0;
	uc->args[1] = a1;
	fill_tail(uc->file, sizeof(uc->file), file);
}

/* The VMM reads EDI for the record's address outside long mode. */
static void ucall_send(struct ucall *uc)
{
	asm volatile("outb %%al, %%dx" :: "a"(0), "d"(TESTDEV_UCALL_PORT), "D"(uc) : "memory");
}

void mb_ucall(u32 cmd, u64 a0, u64 a1, const char *file, u32 line, const char *msg)
{
	struct ucall uc;
	struct msgbuf m = { uc.msg, sizeof(uc.msg), 0 };

	ucall_fill(&uc, cmd, a0, a1, file, line);
	msg_puts(&m, msg);
	ucall_send(&uc);
}

void mb_exit(u32 code)
{
	outl(TESTDEV_EXIT_PORT, code);
	for (;;)
		asm volatile("cli; hlt" ::: "memory");
}

void mb_assert_fail(const char *file, u32 line, const char *expr, bool values, u64 a, u64 b)
{
	struct ucall uc;
	struct msgbuf m = { uc.msg, sizeof(uc.msg), 0 };

	ucall_fill(&uc, UCALL_ASSERT, a, b, file, line);
	msg_puts(&m, expr);
	if (values) {
		msg_puts(&m, " (");
		msg_hex(&m, a);
		msg_puts(&m, " != ");
		msg_hex(&m, b);
		msg_puts(&m, ")");
	}
	ucall_send(&uc);
	mb_exit(1);
}

/* ---- exceptions: every vector below 32 reports and exits ---- */
struct idt_gate {
	u16 offset0, selector;
	u8 zero, type_attr;
	u16 offset1;
} __attribute__((packed));

struct idt_ptr {
	u16 limit;
	u32 base;
} __attribute__((packed));

/* What entry.S's stubs leave on the stack, then what the CPU pushed. */
struct mb_frame {
	u32 vector, error_code;
	u32 eip, cs, eflags;
};

#define NR_VECTORS	32
#define STUB_SIZE	16	/* .balign 16 in entry.S */
#define KERNEL_CS	0x08	/* entry.S's GDT */

extern const char mb_exception_stubs[];
static struct idt_gate idt[NR_VECTORS] __attribute__((aligned(8)));

void mb_exception(const struct mb_frame *f) __noreturn;
void mb_exception(const struct mb_frame *f)
{
	struct ucall uc;
	struct msgbuf m = { uc.msg, sizeof(uc.msg), 0 };

	ucall_fill(&uc, UCALL_ASSERT, f->vector, f->eip, __FILE__, __LINE__);
	msg_puts(&m, "unexpected exception ");
	msg_hex(&m, f->vector);
	msg_puts(&m, " at eip ");
	msg_hex(&m, f->eip);
	msg_puts(&m, ", error code ");
	msg_hex(&m, f->error_code);
	ucall_send(&uc);
	mb_exit(1);
}

void mb_idt_install(void)
{
	struct idt_ptr p = { sizeof(idt) - 1, (u32)idt };

	for (u32 i = 0; i < NR_VECTORS; i++) {
		u32 addr = (u32)mb_exception_stubs + i * STUB_SIZE;

		/* 32-bit interrupt gate, present, DPL 0 */
		idt[i] = (struct idt_gate) {
			.offset0 = addr, .selector = KERNEL_CS, .type_attr = 0x8e,
			.offset1 = addr >> 16,
		};
	}
	asm volatile("lidt %0" :: "m"(p));
}
