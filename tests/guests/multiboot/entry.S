/* SPDX-License-Identifier: MIT */
/*
 * Entry of the 32-bit multiboot test guests: the multiboot header, _start,
 * a GDT and IDT of their own, and the exception stubs.
 *
 * One source, several headers (multiboot.mk passes -D):
 *   MB_FLAGS          header flags; bit 16 adds the address fields (a.out kludge)
 *   MB_CHECKSUM_BIAS  added to the checksum (non-zero: a broken header)
 *   MB_LOAD_END       load_end_addr (default: the end of .data)
 *   MB_BSS_END        bss_end_addr (default: the end of .bss)
 */
#define MB_HEADER_MAGIC		0x1BADB002
#define MB_HDR_AOUT_KLUDGE	0x10000

#ifndef MB_FLAGS
#define MB_FLAGS		0x3	/* page-aligned modules, memory information */
#endif
#ifndef MB_CHECKSUM_BIAS
#define MB_CHECKSUM_BIAS	0
#endif
#ifndef MB_LOAD_END
#define MB_LOAD_END		__mb_data_end
#endif
#ifndef MB_BSS_END
#define MB_BSS_END		__mb_end
#endif

#define STACK_SIZE		8192
#define KERNEL_CS		0x08
#define KERNEL_DS		0x10

/* Multiboot 0.6.96, 3.1.1: 32-bit aligned, in the first 8192 bytes (mb.ld puts it first). */
	.section .text.multiboot, "a"
	.balign 4
mb_header:
	.long	MB_HEADER_MAGIC
	.long	MB_FLAGS
	.long	-(MB_HEADER_MAGIC + MB_FLAGS) + MB_CHECKSUM_BIAS
#if MB_FLAGS & MB_HDR_AOUT_KLUDGE
	.long	mb_header		/* header_addr */
	.long	__mb_start		/* load_addr */
	.long	MB_LOAD_END		/* load_end_addr */
	.long	MB_BSS_END		/* bss_end_addr */
	.long	_start			/* entry_addr */
#endif

/*
 * 3.2: EAX = magic, EBX = information, paging off, interrupts off; "GDTR
 * may be invalid" and ESP is undefined, so load both before any memory use.
 */
	.section .text.entry, "ax"
	.code32
	.globl _start
_start:
	lgdt	gdt_desc
	ljmp	$KERNEL_CS, $1f
1:	mov	$KERNEL_DS, %ecx
	mov	%ecx, %ds
	mov	%ecx, %es
	mov	%ecx, %fs
	mov	%ecx, %gs
	mov	%ecx, %ss
	mov	$boot_stack_top, %esp
	xor	%ebp, %ebp
	push	%ebx			/* mb_main(magic, info): never returns */
	push	%eax
	call	mb_main
2:	hlt
	jmp	2b

/* One stub per vector below 32, 16 bytes apart: error code (0 if none), vector. */
.macro vector_stub n
	.balign 16
	.if !(\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	pushl	$0
	.endif
	pushl	$\n
	jmp	exception_common
.endm

	.text
	.balign 16
	.globl mb_exception_stubs
mb_exception_stubs:
	.altmacro
	.set n, 0
	.rept 32
	vector_stub %n
	.set n, n + 1
	.endr
	.noaltmacro

exception_common:
	push	%esp			/* struct mb_frame * */
	call	mb_exception		/* never returns */

	.section .rodata
	.balign 8
gdt:
	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: flat 32-bit code, accessed */
	.quad	0x00cf93000000ffff	/* 0x10: flat data, accessed */
gdt_end:
gdt_desc:
	.word	gdt_end - gdt - 1
	.long	gdt

	.bss
	.balign 16
boot_stack:
	.skip	STACK_SIZE
boot_stack_top:
