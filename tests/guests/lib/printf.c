// SPDX-License-Identifier: MIT
/* A small vsnprintf (%d %i %u %x %X %p %s %c %%, l/ll/z, width, 0 and - flags) and COM1 output. */
#include "guest.h"

#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define LSR_THRE	0x20

struct out {
	char *buf;
	size_t size, len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, unsigned long long v, unsigned int base, bool upper,
		    bool neg, int width, char pad, bool left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	if (neg && pad == '0')
		put(o, '-');
	for (; !left && width > len; width--)
		put(o, pad);
	if (neg && pad != '0')
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
	for (; left && width > len; width--)
		put(o, ' ');
}

static void put_str(struct out *o, const char *s, int width, bool left)
{
	int len = s ? (int)strlen(s) : 6;

	for (; !left && width > len; width--)
		put(o, ' ');
	for (const char *p = s ? s : "(null)"; *p; p++)
		put(o, *p);
	for (; left && width > len; width--)
		put(o, ' ');
}

static unsigned long long get_unsigned(va_list *ap, int lng)
{
	if (lng >= 2)
		return va_arg(*ap, unsigned long long);
	if (lng == 1)
		return va_arg(*ap, unsigned long);
	return va_arg(*ap, unsigned int);
}

static long long get_signed(va_list *ap, int lng)
{
	if (lng >= 2)
		return va_arg(*ap, long long);
	if (lng == 1)
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

static void format_one(struct out *o, char conv, int lng, int width, char pad, bool left,
		       bool alt, va_list *ap)
{
	long long s;

	switch (conv) {
	case 'd':
	case 'i':
		s = get_signed(ap, lng);
		put_num(o, s < 0 ? -(unsigned long long)s : (unsigned long long)s, 10, false,
			s < 0, width, pad, left);
		break;
	case 'u':
		put_num(o, get_unsigned(ap, lng), 10, false, false, width, pad, left);
		break;
	case 'x':
	case 'X':
		if (alt) {
			put(o, '0');
			put(o, 'x');
		}
		put_num(o, get_unsigned(ap, lng), 16, conv == 'X', false, width, pad, left);
		break;
	case 'p':
		put(o, '0');
		put(o, 'x');
		put_num(o, (unsigned long long)(uintptr_t)va_arg(*ap, void *), 16, false, false,
			width, pad, left);
		break;
	case 's':
		put_str(o, va_arg(*ap, const char *), width, left);
		break;
	case 'c':
		put(o, (char)va_arg(*ap, int));
		break;
	default:
		put(o, '%');
		put(o, conv);
		break;
	}
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };
	va_list aq;

	va_copy(aq, ap);
	for (const char *p = fmt; *p; p++) {
		int lng = 0, width = 0;
		bool left = false, alt = false;
		char pad = ' ';

		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		for (p++; *p == '0' || *p == '-' || *p == '#'; p++) {
			if (*p == '0')
				pad = '0';
			else if (*p == '-')
				left = true;
			else
				alt = true;
		}
		for (; *p >= '0' && *p <= '9'; p++)
			width = width * 10 + (*p - '0');
		for (; *p == 'l' || *p == 'z'; p++)
			lng++;
		if (*p == '%') {
			put(&o, '%');
			continue;
		}
		if (!*p)
			break;
		format_one(&o, *p, lng, width, pad, left, alt, &aq);
	}
	va_end(aq);
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void serial_putc(char c)
{
	while (!(inb(COM1_LSR) & LSR_THRE))
		cpu_relax();
	outb(COM1, c);
}

int printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	for (const char *p = buf; *p; p++) {
		if (*p == '\n')
			serial_putc('\r');
		serial_putc(*p);
	}
	return n;
}
