/* SPDX-License-Identifier: MIT */
/*
 * mb.h -- the runtime of the 32-bit multiboot test guests.
 *
 * These guests are i386 kernels that vtlvm's multiboot loader enters in
 * 32-bit protected mode, paging off, so they cannot use tests/guests/lib
 * (long mode only). entry.S loads a GDT and a 32-vector IDT of its own and
 * calls mb_main(magic, info); this file offers the selftests' vocabulary in
 * 32 bits: GUEST_SYNC_VAL(), GUEST_ASSERT(), GUEST_ASSERT_EQ(), GUEST_DONE().
 * An assert, or any exception, sends UCALL_ASSERT and exits with 1; nothing
 * in the failure path relies on an exception being delivered.
 *
 * The multiboot structures are written here from the Multiboot 0.6.96
 * specification, not taken from mem/multiboot.h, so that a layout mistake
 * in the VMM shows up as a failing guest rather than being shared by both.
 *
 * Every instruction is emulated on the nested test hosts (about 2 us each):
 * keep the checks linear and small. There is no libgcc: no 64-bit division.
 */
#ifndef MB_GUEST_H
#define MB_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/testdev_abi.h"

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;

#define __noreturn	__attribute__((noreturn))

/* Multiboot 0.6.96, 3.2: "EAX Must contain the magic value '0x2BADB002'" */
#define MB_BOOTLOADER_MAGIC	0x2BADB002u

/* 3.3, flags: which fields below are valid. */
#define MBI_MEMORY	(1u << 0)
#define MBI_CMDLINE	(1u << 2)
#define MBI_MODS	(1u << 3)
#define MBI_MMAP	(1u << 6)
#define MBI_LOADER_NAME	(1u << 9)

struct mb_info {
	u32 flags;		/*  0 */
	u32 mem_lower;		/*  4 */
	u32 mem_upper;		/*  8 */
	u32 boot_device;	/* 12 */
	u32 cmdline;		/* 16 */
	u32 mods_count;		/* 20 */
	u32 mods_addr;		/* 24 */
	u32 syms[4];		/* 28 */
	u32 mmap_length;	/* 44 */
	u32 mmap_addr;		/* 48 */
	u32 drives_length;	/* 52 */
	u32 drives_addr;	/* 56 */
	u32 config_table;	/* 60 */
	u32 boot_loader_name;	/* 64 */
};

struct mb_mod {
	u32 mod_start;
	u32 mod_end;
	u32 string;
	u32 reserved;
};

/* One memory map entry: 'size' does not count itself. */
struct mb_mmap_entry {
	u32 size;
	u64 base_addr;
	u64 length;
	u32 type;
} __attribute__((packed));

#define MB_MMAP_RAM	1

/* ---- port I/O and the test device ---- */
static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline u32 read_cr0(void) { u32 v; asm volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline u32 read_eflags(void)
{
	u32 v;

	asm volatile("pushfl; popl %0" : "=r"(v));
	return v;
}

void mb_ucall(u32 cmd, u64 a0, u64 a1, const char *file, u32 line, const char *msg);
void mb_exit(u32 code) __noreturn;	/* vtlvm exits (code << 1) | 1 */
void mb_assert_fail(const char *file, u32 line, const char *expr, bool values, u64 a, u64 b)
	__noreturn;
void mb_idt_install(void);

#define GUEST_SYNC_VAL(stage, v) mb_ucall(UCALL_SYNC, (stage), (v), __FILE__, __LINE__, NULL)
#define GUEST_DONE() do {							\
	mb_ucall(UCALL_DONE, 0, 0, __FILE__, __LINE__, NULL);			\
	mb_exit(0);								\
} while (0)
#define GUEST_ASSERT(cond) do {							\
	if (!(cond))								\
		mb_assert_fail(__FILE__, __LINE__, #cond, false, 0, 0);		\
} while (0)
#define GUEST_ASSERT_EQ(a, b) do {						\
	u64 __a = (u64)(a), __b = (u64)(b);					\
	if (__a != __b)								\
		mb_assert_fail(__FILE__, __LINE__, #a " == " #b, true, __a, __b); \
} while (0)

/* ---- strings (the compiler may also call memcpy/memset itself) ---- */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* Provided by the test: entered from entry.S with the registers the loader set. */
void mb_main(u32 magic, u32 info) __noreturn;

/* The image's extent, from mb.ld. */
extern char __mb_start[], __mb_end[];

#endif /* MB_GUEST_H */
