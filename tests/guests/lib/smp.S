/* SPDX-License-Identifier: MIT */
/*
 * AP start-up trampoline: a SIPI with vector 0x08 starts an AP in real mode
 * at 0x8000; this code takes it through protected mode into long mode on
 * the BSP's page tables and jumps to ap_start64 (smp.c) on a fresh stack.
 * Linked at 0x8000 (guest.ld), so every address below is absolute.
 */
#define AP_STACK_SIZE 8192

	.section .trampoline, "ax"
	.code16
	.globl trampoline_start
trampoline_start:
	cli
	xor	%ax, %ax
	mov	%ax, %ds
	lgdtl	tramp_gdtr
	mov	%cr0, %eax
	or	$1, %eax			/* CR0.PE */
	mov	%eax, %cr0
	ljmpl	$0x08, $tramp32

	.code32
tramp32:
	mov	$0x18, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$0x20, %eax			/* CR4.PAE */
	mov	%eax, %cr4
	mov	tramp_cr3, %eax
	mov	%eax, %cr3
	mov	$0xc0000080, %ecx		/* EFER */
	rdmsr
	or	$0x900, %eax			/* LME | NXE */
	wrmsr
	mov	%cr0, %eax
	or	$0x80010000, %eax		/* CR0.PG | CR0.WP */
	mov	%eax, %cr0
	ljmpl	$0x10, $tramp64

	.code64
tramp64:
	mov	$1, %eax
	lock xadd %eax, ap_next_stack	/* each AP takes its own stack */
	inc	%eax
	imul	$AP_STACK_SIZE, %eax
	lea	ap_stacks, %rsp
	add	%rax, %rsp
	movabs	$ap_start64, %rax
	jmp	*%rax

	.align 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff		/* 0x08 code32 */
	.quad 0x00af9b000000ffff		/* 0x10 code64 */
	.quad 0x00cf93000000ffff		/* 0x18 data */
tramp_gdtr:
	.word tramp_gdtr - tramp_gdt - 1
	.long tramp_gdt
	.globl tramp_cr3
tramp_cr3:
	.long 0

	.bss
	.align 16
	.globl ap_stacks
ap_stacks:
	.skip AP_STACK_SIZE * 16
	.globl ap_next_stack
	.align 4
ap_next_stack:
	.long 0
