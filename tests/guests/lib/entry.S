/* SPDX-License-Identifier: MIT */
/*
 * Guest entry: vtlvm starts the BSP here in long mode, on its identity page
 * tables, with RDI = the boot-info blob. Interrupt stubs for all 256
 * vectors also live here.
 */
#define STACK_SIZE 16384

	.section .text.entry, "ax"
	.code64
	.globl _start
_start:
	lea	boot_stack_top(%rip), %rsp
	xor	%ebp, %ebp
	call	guest_start		/* (bootinfo in RDI), never returns */
1:	hlt
	jmp	1b

/*
 * One stub per vector: push a zero error code where the CPU pushes none,
 * then the vector, then join the common path.
 */
.macro vector_stub n
	.align 16
vector_\n:
	.if !(\n == 8 || (\n >= 10 && \n <= 14) || \n == 17 || \n == 21 || \n == 29 || \n == 30)
	pushq	$0
	.endif
	pushq	$\n
	jmp	interrupt_common
.endm

	.text
	.globl interrupt_stubs
	.align 16
interrupt_stubs:
	.altmacro
	.set n, 0
	.rept 256
	vector_stub %n
	.set n, n + 1
	.endr

/* Builds struct ex_regs (guest.h) on the stack. */
interrupt_common:
	push	%r15
	push	%r14
	push	%r13
	push	%r12
	push	%r11
	push	%r10
	push	%r9
	push	%r8
	push	%rdi
	push	%rsi
	push	%rbp
	push	%rbx
	push	%rdx
	push	%rcx
	push	%rax
	mov	%rsp, %rdi
	call	exception_dispatch
	pop	%rax
	pop	%rcx
	pop	%rdx
	pop	%rbx
	pop	%rbp
	pop	%rsi
	pop	%rdi
	pop	%r8
	pop	%r9
	pop	%r10
	pop	%r11
	pop	%r12
	pop	%r13
	pop	%r14
	pop	%r15
	add	$16, %rsp		/* vector and error code */
	iretq

	.bss
	.align 16
boot_stack:
	.skip STACK_SIZE
boot_stack_top:
