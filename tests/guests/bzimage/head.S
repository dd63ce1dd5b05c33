/* SPDX-License-Identifier: MIT */
/*
 * The bzImage test guest's protected-mode kernel starts here, at
 * BZT_LOAD_ADDR. startup_32, the 32-bit boot protocol's entry, is never
 * used by vtlvm: it halts. startup_64, at +0x200 where the 64-bit boot
 * protocol enters (Documentation/arch/x86/boot.rst), records what the
 * loader handed over (RSI = boot_params, RFLAGS, segment selectors), then
 * joins the guest library's _start (stack, GDT, IDT, guest_main) with no
 * device-tree boot info (RDI = 0).
 */
	.section .head.text, "ax"
	.code32
	.globl startup_32
startup_32:
	cli
1:	hlt
	jmp	1b

	.org 0x200
	.code64
	.globl startup_64
startup_64:
	mov	%rsi, bz_boot_params(%rip)
	mov	%cs, bz_entry_cs(%rip)
	mov	%ds, bz_entry_ds(%rip)
	mov	%ss, bz_entry_ss(%rip)
	/* The loader gives no stack: a small one here, just for pushfq. */
	lea	entry_stack_top(%rip), %rsp
	pushfq
	popq	bz_entry_rflags(%rip)
	xor	%edi, %edi
	jmp	_start

	.bss
	.align 16
entry_stack:
	.skip 64
entry_stack_top:
