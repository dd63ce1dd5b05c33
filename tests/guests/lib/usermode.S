/* SPDX-License-Identifier: MIT */
/* CPL3 round trip for lib/usermode.c: IRETQ to a stub, which ends with UD2. */
#define USER_DS_RPL3	0x23
#define USER_CS_RPL3	0x2b

	.text
	.code64
/*
 * u64 user_enter(struct user_cpu *c, const u64 *read, u64 *write, u64 val, void *stack_top)
 * R12 = c (the #UD handler finds the kernel stack through it), RBX = read,
 * RBP = write, R13 = val.
 */
	.globl user_enter
user_enter:
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	mov	%rdi, %r12
	mov	%rsi, %rbx
	mov	%rdx, %rbp
	mov	%rcx, %r13
	mov	%rsp, 0(%r12)		/* c->kernel_rsp */
	pushq	$USER_DS_RPL3
	push	%r8			/* user stack */
	pushq	$0x2			/* RFLAGS: interrupts off */
	pushq	$USER_CS_RPL3
	lea	user_stub(%rip), %rax
	push	%rax
	iretq

user_stub:
	xor	%eax, %eax
	test	%rbp, %rbp
	jz	1f
	mov	%r13, (%rbp)
1:	test	%rbx, %rbx
	jz	2f
	mov	(%rbx), %rax
2:	ud2

	.globl user_return
user_return:
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	ret
