/* SPDX-License-Identifier: MIT */
/*
 * guest.h -- the freestanding test-guest library.
 *
 * A guest defines guest_main(); the library's _start (entry.S) runs in long
 * mode on vtlvm's identity tables with RDI = the boot-info blob, sets up a
 * stack, GDT and IDT, and calls it. Returning from guest_main() is
 * GUEST_DONE(). The vocabulary is the KVM selftests': GUEST_SYNC(),
 * GUEST_ASSERT(), GUEST_DONE(), *_safe() returning an exception vector.
 *
 * Every kernel-mode instruction is emulated on the nested hosts vtlvm is
 * tested on (about 2 us each): keep guests short.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "devices/testdev_abi.h"
#include "vmm/types.h"	/* u8..u64, BIT, ARRAY_SIZE...: freestanding-safe */

#define barrier()	asm volatile("" ::: "memory")
#define READ_ONCE(x)	(*(volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

/* Exception vectors (SDM vol. 3A, table 6-1). */
#define DE_VECTOR	0
#define UD_VECTOR	6
#define DF_VECTOR	8
#define GP_VECTOR	13
#define PF_VECTOR	14

/* ---- port I/O, MSRs, misc ---- */
static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { asm volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u16 inw(u16 port) { u16 v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 inl(u16 port) { u32 v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }
static inline void hlt(void) { asm volatile("hlt" ::: "memory"); }
static inline void cli(void) { asm volatile("cli" ::: "memory"); }
static inline void sti(void) { asm volatile("sti" ::: "memory"); }
static inline u64 read_cr3(void) { u64 v; asm volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline u64 read_cr4(void) { u64 v; asm volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr4(u64 v) { asm volatile("mov %0, %%cr4" :: "r"(v) : "memory"); }
/* CPUID.1:ECX feature bits and XCR0 state components (SDM vol. 1, 13.3). */
#define CPUID_1_ECX_XSAVE	BIT(26)
#define CPUID_1_ECX_AVX		BIT(28)
#define XFEATURE_X87		BIT(0)
#define XFEATURE_SSE		BIT(1)
#define XFEATURE_AVX		BIT(2)
/* XCR n := v (XCR0 = XFEATURE_ENABLED_MASK); needs CR4.OSXSAVE. xcr0_read() reads XCR0. */
static inline void xsetbv(u32 n, u64 v)
{
	asm volatile("xsetbv" :: "c"(n), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}
static inline void cpuid(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	asm volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(sub));
}
static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;

	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (u64)hi << 32 | lo;
}
static inline void wrmsr(u32 msr, u64 v)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

/*
 * Run one instruction; if it faults, resume after it and return the vector.
 * Returns 0 if it did not fault (no instruction used with these can #DE).
 * The fault handler finds the instruction in .ex_table and stores the
 * vector in R10, as KVM_ASM_SAFE does with R9 in the selftests.
 */
#define ASM_SAFE(insn)							\
	"mov $0, %%r10\n\t"						\
	"1: " insn "\n\t"						\
	"2:\n\t"							\
	".pushsection .ex_table, \"a\"\n\t"				\
	".quad 1b, 2b\n\t"						\
	".popsection\n\t"

static inline u8 rdmsr_safe(u32 msr, u64 *val)
{
	u32 lo = 0, hi = 0;
	u64 vec;

	asm volatile(ASM_SAFE("rdmsr") "mov %%r10, %2"
		     : "=a"(lo), "=d"(hi), "=r"(vec) : "c"(msr) : "r10", "memory");
	*val = (u64)hi << 32 | lo;
	return vec;
}

static inline u8 wrmsr_safe(u32 msr, u64 val)
{
	u64 vec;

	asm volatile(ASM_SAFE("wrmsr") "mov %%r10, %0"
		     : "=r"(vec) : "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "r10", "memory");
	return vec;
}

static inline u8 ud2_safe(void)
{
	u64 vec;

	asm volatile(ASM_SAFE("ud2") "mov %%r10, %0" : "=r"(vec) :: "r10", "memory");
	return vec;
}

/* ---- ucall: records to the VMM's test channel ---- */
void ucall(u32 cmd, u64 a0, u64 a1, const char *file, u32 line, const char *fmt, ...)
	__printf(6, 7);
void guest_exit(u32 code) __noreturn;	/* vtlvm exits (code << 1) | 1 */
void __guest_assert_fail(const char *file, u32 line, u64 a, u64 b, const char *fmt, ...)
	__printf(5, 6) __noreturn;

#define GUEST_SYNC(stage)	ucall(UCALL_SYNC, (stage), 0, __FILE__, __LINE__, NULL)
#define GUEST_SYNC_VAL(stage, v) ucall(UCALL_SYNC, (stage), (v), __FILE__, __LINE__, NULL)
#define GUEST_PRINTF(fmt, ...)	ucall(UCALL_PRINT, 0, 0, __FILE__, __LINE__, fmt, ##__VA_ARGS__)
#define GUEST_DONE()		do { ucall(UCALL_DONE, 0, 0, __FILE__, __LINE__, NULL); guest_exit(0); } while (0)
#define __GUEST_ASSERT(cond, fmt, ...) do {					\
	if (!(cond))								\
		__guest_assert_fail(__FILE__, __LINE__, 0, 0, fmt, ##__VA_ARGS__); \
} while (0)
#define GUEST_ASSERT(cond)	__GUEST_ASSERT(cond, "%s", #cond)
#define GUEST_ASSERT_EQ(a, b) do {						\
	u64 __a = (u64)(a), __b = (u64)(b);					\
	if (__a != __b)								\
		__guest_assert_fail(__FILE__, __LINE__, __a, __b,		\
				    "%s == %s (%#llx != %#llx)", #a, #b,	\
				    (unsigned long long)__a, (unsigned long long)__b); \
} while (0)

/* ---- console (COM1, polled) and formatting ---- */
int printf(const char *fmt, ...) __printf(1, 2);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
void serial_putc(char c);

/* ---- strings ---- */
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);

/* ---- exceptions and interrupts ---- */
struct ex_regs {
	u64 rax, rcx, rdx, rbx, rbp, rsi, rdi, r8, r9, r10, r11, r12, r13, r14, r15;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};
typedef void (*ex_handler_t)(struct ex_regs *regs);
extern const u64 guest_gdt[4];		/* selectors as vtlvm's boot GDT (mem/pgtable.h) */
void idt_install(void);			/* load the IDT on this CPU */
void idt_set_handler(u8 vector, ex_handler_t fn);

/* ---- boot info (vtlvm's device tree, devices/fdt.h) ---- */
struct bootinfo_mem {
	u64 start, size;
};
extern const void *bootinfo;
u32 bootinfo_nr_cpus(void);
int bootinfo_memory(struct bootinfo_mem *ranges, int max);
const char *bootinfo_cmdline(void);
/* The decimal after "<key>=" on the command line, or def. */
u64 bootinfo_cmdline_u64(char key, u64 def);
bool bootinfo_u64(const char *node, const char *prop, u64 *val);

/* ---- SMP ---- */
#define LAPIC_BASE	0xfee00000UL
u32 apic_id(void);
/* Wake every AP with INIT-SIPI-SIPI; each runs fn(apic_id) on its own stack. */
void smp_start_aps(void (*fn)(u32 apic_id));
/*
 * INIT-SIPI-SIPI to every other VP for real-mode code at start (page-aligned,
 * below 1 MiB), without waiting: the all-but-self shorthand, as firmware.
 */
void smp_send_init_sipi(u64 start);
/*
 * The same with, at start, real-mode code that sets the byte at mark (below
 * 64 KiB) to 1 and halts: whether INIT/SIPI started a VP shows in memory.
 */
void smp_sipi_to_mark(u64 start, u64 mark);
#define SMP_MAX_CPUS	16

/* ---- Ring 3 (lib/ring3.c, BSP only) ---- */
/*
 * Run fn at CPL3 on its own stack, all of the guest image user-accessible;
 * fn ends in ring3_exit(). io: IOPL 3, so that `in`/`out` reach the VMM.
 */
void ring3_run(void (*fn)(void), bool io);
void ring3_exit(void) __noreturn;	/* back to ring 0, after ring3_run()'s call */
/*
 * YMM0-15, 32 bytes each (only with AVX enabled in XCR0), and XCR0 through
 * XGETBV (both need CR4.OSXSAVE). They run at CPL3 through ring3_run(): on
 * the nested development hosts KVM emulates CPL0 code, and its emulator has
 * neither AVX nor XGETBV. RFLAGS.IF is as it was before the call.
 */
void ymm_read(u64 ymm[16][4]);
void ymm_write(const u64 ymm[16][4]);
u64 xcr0_read(void);

/* ---- ACPI (lib/power.c) ---- */
u64 acpi_find_rsdp(void);		/* 0 if none in 0xE0000-0xFFFFF */
u16 acpi_pm1a_cnt_port(void);		/* from the FADT; 0 if none */
void guest_poweroff(void) __noreturn;	/* ACPI S5: vtlvm exits 0 */

/* Provided by each guest. */
void guest_main(void);

#endif /* GUEST_H */
