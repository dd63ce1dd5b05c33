/* SPDX-License-Identifier: MIT */
/* Hypercalls whose registers C cannot express: XMM fast calls and full-register calls. */

	.text
	.code64

/* u8 hv_hypercall_xmm_raw(u64 control, u64 *block, void *page, u64 *result) */
	.globl hv_hypercall_xmm_raw
hv_hypercall_xmm_raw:
	push	%rbx
	push	%r12
	mov	%rsi, %rbx		/* block: RDX, R8, XMM0-5 */
	mov	%rcx, %r12		/* result */
	mov	%rdx, %r11		/* page */
	movdqu	16(%rbx), %xmm0
	movdqu	32(%rbx), %xmm1
	movdqu	48(%rbx), %xmm2
	movdqu	64(%rbx), %xmm3
	movdqu	80(%rbx), %xmm4
	movdqu	96(%rbx), %xmm5
	mov	0(%rbx), %rdx
	mov	8(%rbx), %r8
	mov	%rdi, %rcx
	xor	%r10d, %r10d
	call	*%r11
	mov	%rdx, 0(%rbx)
	mov	%r8, 8(%rbx)
	movdqu	%xmm0, 16(%rbx)
	movdqu	%xmm1, 32(%rbx)
	movdqu	%xmm2, 48(%rbx)
	movdqu	%xmm3, 64(%rbx)
	movdqu	%xmm4, 80(%rbx)
	movdqu	%xmm5, 96(%rbx)
	mov	%rax, (%r12)
	mov	%r10, %rax		/* the vector, 0 if none */
	pop	%r12
	pop	%rbx
	ret

/*
 * void hv_call_with_regs(struct hv_gprs *regs, u64 xmm[16][2])
 * struct hv_gprs: rax rbx rcx rdx rsi rdi rbp r8 r9 r10 r11 r12 r13 r14 r15 rflags
 */
#define R_RAX 0
#define R_RBX 8
#define R_RCX 16
#define R_RDX 24
#define R_RSI 32
#define R_RDI 40
#define R_RBP 48
#define R_R8 56
#define R_R9 64
#define R_R10 72
#define R_R11 80
#define R_R12 88
#define R_R13 96
#define R_R14 104
#define R_R15 112
#define R_FLAGS 120

.macro xmm_op op, base
	\op 0(\base), %xmm0;   \op 16(\base), %xmm1;  \op 32(\base), %xmm2;  \op 48(\base), %xmm3
	\op 64(\base), %xmm4;  \op 80(\base), %xmm5;  \op 96(\base), %xmm6;  \op 112(\base), %xmm7
	\op 128(\base), %xmm8; \op 144(\base), %xmm9; \op 160(\base), %xmm10; \op 176(\base), %xmm11
	\op 192(\base), %xmm12; \op 208(\base), %xmm13; \op 224(\base), %xmm14; \op 240(\base), %xmm15
.endm
.macro xmm_store base
	movdqu %xmm0, 0(\base);   movdqu %xmm1, 16(\base);  movdqu %xmm2, 32(\base)
	movdqu %xmm3, 48(\base);  movdqu %xmm4, 64(\base);  movdqu %xmm5, 80(\base)
	movdqu %xmm6, 96(\base);  movdqu %xmm7, 112(\base); movdqu %xmm8, 128(\base)
	movdqu %xmm9, 144(\base); movdqu %xmm10, 160(\base); movdqu %xmm11, 176(\base)
	movdqu %xmm12, 192(\base); movdqu %xmm13, 208(\base); movdqu %xmm14, 224(\base)
	movdqu %xmm15, 240(\base)
.endm

/* The SysV callee-saved registers, saved around calls whose callee may change every GPR. */
.macro push_callee_saved
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
.endm
.macro pop_callee_saved
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
.endm

	.globl hv_call_with_regs
hv_call_with_regs:
	push_callee_saved
	push	%rdi			/* regs, for after the call */
	push	%rsi			/* xmm */
	xmm_op	movdqu, %rsi
	push	R_FLAGS(%rdi)
	popfq
	mov	R_RAX(%rdi), %rax
	mov	R_RBX(%rdi), %rbx
	mov	R_RCX(%rdi), %rcx
	mov	R_RDX(%rdi), %rdx
	mov	R_RSI(%rdi), %rsi
	mov	R_RBP(%rdi), %rbp
	mov	R_R8(%rdi), %r8
	mov	R_R9(%rdi), %r9
	mov	R_R10(%rdi), %r10
	mov	R_R11(%rdi), %r11
	mov	R_R12(%rdi), %r12
	mov	R_R13(%rdi), %r13
	mov	R_R14(%rdi), %r14
	mov	R_R15(%rdi), %r15
	mov	R_RDI(%rdi), %rdi
	call	*hv_hcall_page(%rip)
	pushfq
	push	%rdi
	mov	16(%rsp), %rdi		/* xmm */
	xmm_store %rdi
	mov	24(%rsp), %rdi		/* regs */
	pop	R_RDI(%rdi)
	pop	R_FLAGS(%rdi)
	mov	%rax, R_RAX(%rdi)
	mov	%rbx, R_RBX(%rdi)
	mov	%rcx, R_RCX(%rdi)
	mov	%rdx, R_RDX(%rdi)
	mov	%rsi, R_RSI(%rdi)
	mov	%rbp, R_RBP(%rdi)
	mov	%r8, R_R8(%rdi)
	mov	%r9, R_R9(%rdi)
	mov	%r10, R_R10(%rdi)
	mov	%r11, R_R11(%rdi)
	mov	%r12, R_R12(%rdi)
	mov	%r13, R_R13(%rdi)
	mov	%r14, R_R14(%rdi)
	mov	%r15, R_R15(%rdi)
	add	$16, %rsp		/* xmm, regs */
	pop_callee_saved
	ret

/*
 * u8 vtl_switch_raw(struct vtl_regs *r, void *stub, u64 input)
 * struct vtl_regs: rax rbx rcx rdx rsi rdi rbp r8-r15 (every GPR but RSP).
 * Loads every GPR from r but RCX, which gets the stub's input, calls the VTL
 * call or return stub, and stores every GPR back into r: what the other VTL
 * left there (TLFS "Shared State"). The caller's callee-saved registers are
 * kept on the stack meanwhile: RSP is private to each VTL. Returns the
 * vector of a fault in the stub, 0 if none: lib/exceptions.c writes it into
 * the stack slot right above the call's return address (no register can
 * carry it: the other VTL sets them all).
 */
#define V_RAX 0
#define V_RBX 8
#define V_RCX 16
#define V_RDX 24
#define V_RSI 32
#define V_RDI 40
#define V_RBP 48
#define V_R8 56
#define V_R9 64
#define V_R10 72
#define V_R11 80
#define V_R12 88
#define V_R13 96
#define V_R14 104
#define V_R15 112

	.globl vtl_switch_raw
vtl_switch_raw:
	push_callee_saved
	push	%rdi			/* r, for after the switch */
	push	%rsi			/* the stub */
	pushq	$0			/* the fault slot */
	mov	%rdx, %rcx		/* the stub's input */
	mov	V_RAX(%rdi), %rax
	mov	V_RBX(%rdi), %rbx
	mov	V_RDX(%rdi), %rdx
	mov	V_RSI(%rdi), %rsi
	mov	V_RBP(%rdi), %rbp
	mov	V_R8(%rdi), %r8
	mov	V_R9(%rdi), %r9
	mov	V_R10(%rdi), %r10
	mov	V_R11(%rdi), %r11
	mov	V_R12(%rdi), %r12
	mov	V_R13(%rdi), %r13
	mov	V_R14(%rdi), %r14
	mov	V_R15(%rdi), %r15
	mov	V_RDI(%rdi), %rdi
	call	*8(%rsp)
	push	%rdi
	mov	24(%rsp), %rdi		/* r */
	pop	V_RDI(%rdi)
	mov	%rax, V_RAX(%rdi)
	mov	%rbx, V_RBX(%rdi)
	mov	%rcx, V_RCX(%rdi)
	mov	%rdx, V_RDX(%rdi)
	mov	%rsi, V_RSI(%rdi)
	mov	%rbp, V_RBP(%rdi)
	mov	%r8, V_R8(%rdi)
	mov	%r9, V_R9(%rdi)
	mov	%r10, V_R10(%rdi)
	mov	%r11, V_R11(%rdi)
	mov	%r12, V_R12(%rdi)
	mov	%r13, V_R13(%rdi)
	mov	%r14, V_R14(%rdi)
	mov	%r15, V_R15(%rdi)
	pop	%rax			/* the fault slot: the vector */
	add	$16, %rsp		/* the stub, r */
	pop_callee_saved
	ret

/* void xmm_read(u64 xmm[16][2]) / void xmm_write(const u64 xmm[16][2]): all 16 registers. */
	.globl xmm_read
xmm_read:
	xmm_store %rdi
	ret

	.globl xmm_write
xmm_write:
	xmm_op	movdqu, %rdi
	ret

/*
 * void ymm_read_raw(u64 ymm[16][4]) / void ymm_write_raw(const u64 ymm[16][4]):
 * all 256 bits of YMM0-15, for ymm_read()/ymm_write() (lib/ring3.c) to run at CPL3.
 */
	.globl ymm_read_raw
ymm_read_raw:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu	%ymm\n, \n*32(%rdi)
	.endr
	ret

	.globl ymm_write_raw
ymm_write_raw:
	.irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	vmovdqu	\n*32(%rdi), %ymm\n
	.endr
	ret
