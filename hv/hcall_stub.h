/* SPDX-License-Identifier: MIT */
/*
 * hv/hcall_stub.h -- the bytes of the hypercall stub, shared by the VMM
 * (hv/hcall_page.c) and the benchmark guest that runs the same code on a
 * bare KVM loop. Freestanding: no includes.
 *
 *   0x00  pushf; push %rax; mov %cs,%eax; test $3,%al; pop %rax; jnz 1f
 *   0x09  popf; out %al,$HV_HCALL_PORT; ret
 *   0x0d  1: popf; ud2
 *
 * and of the 64-bit VTL call and VTL return stubs (TLFS "VTL Call": the
 * caller passes the input in RCX; the stub moves it to RAX and puts the call
 * code in RCX, as Hyper-V's own page does). RAX is free to clobber there, so
 * they skip the save/restore and are shorter than the hypercall stub:
 *
 *   0x20  mov %cs,%eax; test $3,%al; jnz 1f; mov %rcx,%rax; mov $code,%ecx
 *   0x2e  out %al,$HV_HCALL_PORT; ret
 *   0x31  1: ud2
 */
#ifndef VTLVM_HCALL_STUB_H
#define VTLVM_HCALL_STUB_H

#define HV_HCALL_PORT		0xe4	/* the trap: `out %al, $HV_HCALL_PORT` */
#define HV_HCALL_INSN_LEN	2
#define HV_HCALL_STUB_OUT_OFFSET 0x0a	/* the trapping `out` inside the stub */

#define HV_HCALL_STUB_BYTES {						\
	0x9c,			/* pushf */					\
	0x50,			/* push %rax */					\
	0x8c, 0xc8,		/* mov %cs, %eax */				\
	0xa8, 0x03,		/* test $3, %al: CPL */				\
	0x58,			/* pop %rax */					\
	0x75, 0x04,		/* jnz 1f */					\
	0x9d,			/* popf */					\
	0xe6, HV_HCALL_PORT,	/* out %al, $HV_HCALL_PORT: the trap */		\
	0xc3,			/* ret */					\
	0x9d,			/* 1: popf */					\
	0x0f, 0x0b,		/* ud2: TLFS "Legal Hypercall Environments" */	\
}

#define HV_VTL_CALL_STUB_OFFSET		0x20
#define HV_VTL_RETURN_STUB_OFFSET	0x40
#define HV_VTL_STUB_OUT_OFFSET		0x0e	/* the trapping `out` inside a VTL stub */

#define HV_VTL_STUB_BYTES(code) {					\
	0x8c, 0xc8,		/* mov %cs, %eax */				\
	0xa8, 0x03,		/* test $3, %al: CPL */				\
	0x75, 0x0b,		/* jnz 1f */					\
	0x48, 0x89, 0xc8,	/* mov %rcx, %rax: the input */			\
	0xb9, (code), 0x00, 0x00, 0x00,	/* mov $code, %ecx: the control */	\
	0xe6, HV_HCALL_PORT,	/* out %al, $HV_HCALL_PORT: the trap */		\
	0xc3,			/* ret */					\
	0x0f, 0x0b,		/* 1: ud2 (TLFS: VTL call from CPL > 0 is #UD) */	\
}

#endif /* VTLVM_HCALL_STUB_H */
