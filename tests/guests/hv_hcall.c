// SPDX-License-Identifier: MIT
/*
 * The hypercall dispatcher's common checks (hv/hcall.h), as a table of calls
 * with the status each must return, then the callers the TLFS forbids or
 * treats differently ("Legal Hypercall Environments", "Hypercall Inputs"):
 * no hypercall page, CPL3, a 32-bit caller, a real-mode caller.
 *
 * A row whose privilege CPUID 0x40000003 withholds must return
 * ACCESS_DENIED, whatever else is wrong with it: the privilege check comes
 * before the shape checks.
 *
 * Stages: 1 raw `out` with no hypercall page (#UD), 2 rows run, 3 rows that
 * were denied, 4 a call through the page from CPL3 (#UD), 5 GetVpRegisters
 * from 32-bit code (EDX:EAX), 6 the VP index it wrote, 7 an unknown code
 * from 32-bit code, 8 a 32-bit fast call with XMM output (#UD: x64 only), 9
 * bytes of the first output element a call from rep start 1 left alone (16)
 * with that call's status and reps, 10 (2 vCPUs) a call through the page
 * from real mode on the AP (#UD).
 *
 * With "raw-out" on the command line only one check runs: the raw `out` from
 * CPL3 with IOPL 3 must be #UD (stage 1), which needs a host that honours
 * IOPL in ring 3 (else stage 90, a skip).
 */
#include "hv.h"

/* Pages of the "free for the guest" window 0x8000-0xffff (mem/layout.h). */
#define RM_CODE		0xa000ULL	/* the AP's real-mode code (SIPI vector 0x0a) */
#define RM_HCALL_PAGE	0xb000ULL	/* the hypercall page while the AP calls it */
#define IN_PAGE		0xc000ULL
#define OUT_PAGE	0xd000ULL
#define NO_RAM		(1ULL << 36)

/* Inputs in IN_PAGE. */
#define IN_GET		(IN_PAGE + 0x000)	/* GetVpRegisters: self, names below */
#define IN_POST		(IN_PAGE + 0x100)	/* PostMessage: message type 0 */
#define IN_SET		(IN_PAGE + 0x200)	/* SetVpRegisters: a register name nobody has */
#define IN_FLUSH	(IN_PAGE + 0x300)	/* FlushVirtualAddressSpace: all of it */
#define IN_GET_P0	(IN_PAGE + 0x400)	/* GetVpRegisters for partition 0 */

/* Control words (TLFS "Hypercall Inputs"). */
#define REP(n)		((u64)(n) << HV_HYPERCALL_REP_COMP_OFFSET)
#define START(n)	((u64)(n) << HV_HYPERCALL_REP_START_OFFSET)
#define VARHEAD(n)	((u64)(n) << HV_HYPERCALL_VARHEAD_OFFSET)
#define FAST		HV_HYPERCALL_FAST_BIT
#define GET		HVCALL_GET_VP_REGISTERS
#define SET		HVCALL_SET_VP_REGISTERS
#define SPIN		(HVCALL_NOTIFY_LONG_SPIN_WAIT | FAST)

/* Results: status | reps completed << 32. */
#define OK		HV_STATUS_SUCCESS
#define BAD_CODE	HV_STATUS_INVALID_HYPERCALL_CODE
#define BAD_INPUT	HV_STATUS_INVALID_HYPERCALL_INPUT
#define BAD_ALIGN	HV_STATUS_INVALID_ALIGNMENT
#define BAD_PARAM	HV_STATUS_INVALID_PARAMETER
#define BAD_CONN	HV_STATUS_INVALID_CONNECTION_ID
#define BAD_PART	HV_STATUS_INVALID_PARTITION_ID
#define NO_NAME		HV_STATUS_UNKNOWN_REGISTER_NAME
#define DONE(n)		((u64)(n) << HV_HYPERCALL_REP_COMP_OFFSET)
#define NO_NAME_4	(NO_NAME | DONE(4))	/* 4 names done, the 5th is 0 */
#define SWITCH_AS	HVCALL_SWITCH_VIRTUAL_ADDRESS_SPACE
#define FLUSH		HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE
#define POST		HVCALL_POST_MESSAGE
#define SIGNAL		HVCALL_SIGNAL_EVENT
#define EXT_QUERY	HV_EXT_CALL_QUERY_CAPABILITIES

#define P_REGS		HV_ACCESS_VP_REGISTERS
#define P_POST		HV_POST_MESSAGES
#define P_SIGNAL	HV_SIGNAL_EVENTS

static const struct hcall_row {
	u64 control;
	u64 in, out;		/* GPAs, or RDX and R8 for a fast call */
	u64 priv;		/* withheld: ACCESS_DENIED */
	u64 result;		/* RAX */
} rows[] = {
	/* control                    in               out               priv      result */
	/* check 2 of hv/hcall.h: unknown codes (check 1: stages 1, 4, 10; check 4: hv_xmm.c) */
	{ 0x7fff,                    0,               0,                0,        BAD_CODE },
	{ SWITCH_AS | FAST,          0,               0,                0,        BAD_CODE },
	{ EXT_QUERY,                 IN_GET,          OUT_PAGE,         0,        BAD_CODE },
	/* check 5: rep count 0, rep start >= count, rep fields on a simple call, varheads */
	{ GET,                       IN_GET,          OUT_PAGE,         P_REGS,   BAD_INPUT },
	{ GET | REP(1) | START(1),   IN_GET,          OUT_PAGE,         P_REGS,   BAD_INPUT },
	{ GET | REP(2) | START(3),   IN_GET,          OUT_PAGE,         P_REGS,   BAD_INPUT },
	{ SPIN | REP(1),             0,               0,                0,        BAD_INPUT },
	{ SPIN | START(1),           0,               0,                0,        BAD_INPUT },
	{ SPIN | VARHEAD(1),         0,               0,                0,        BAD_INPUT },
	{ GET | REP(1) | VARHEAD(1), IN_GET,          OUT_PAGE,         P_REGS,   BAD_INPUT },
	/* check 5: reserved bits of the control word (27-30, 44-47, 60-63) and nested (31) */
	{ SPIN | BIT(27),            0,               0,                0,        BAD_INPUT },
	{ SPIN | BIT(30),            0,               0,                0,        BAD_INPUT },
	{ SPIN | BIT(31),            0,               0,                0,        BAD_INPUT },
	{ SPIN | BIT(44),            0,               0,                0,        BAD_INPUT },
	{ SPIN | BIT(47),            0,               0,                0,        BAD_INPUT },
	{ SPIN | BIT(60),            0,               0,                0,        BAD_INPUT },
	{ SPIN | BIT(63),            0,               0,                0,        BAD_INPUT },
	/* check 5: a fast form where there is none (PostMessage is memory-only) */
	{ POST | FAST,               0,               0,                P_POST,   BAD_INPUT },
	/* check 6: parameter lists aligned, in RAM, within a page (exactly a page is fine) */
	{ GET | REP(1),              IN_GET + 4,      OUT_PAGE,         P_REGS,   BAD_ALIGN },
	{ GET | REP(1),              NO_RAM,          OUT_PAGE,         P_REGS,   BAD_ALIGN },
	{ GET | REP(1),              IN_PAGE + 0xff0, OUT_PAGE,         P_REGS,   BAD_ALIGN },
	{ GET | REP(1),              IN_GET,          OUT_PAGE + 4,     P_REGS,   BAD_ALIGN },
	{ GET | REP(1),              IN_GET,          NO_RAM,           P_REGS,   BAD_ALIGN },
	{ GET | REP(1),              IN_GET,          OUT_PAGE + 0xff8, P_REGS,   BAD_ALIGN },
	{ GET | REP(257),            IN_GET,          OUT_PAGE,         P_REGS,   BAD_ALIGN },
	{ GET | REP(1021),           IN_GET,          OUT_PAGE,         P_REGS,   BAD_ALIGN },
	{ GET | REP(256),            IN_GET,          OUT_PAGE,         P_REGS,   NO_NAME_4 },
	/* handlers: their own checks, and calls that work */
	{ POST,                      IN_POST,         0,                P_POST,   BAD_PARAM },
	{ SIGNAL | FAST,             0x1234,          0,                P_SIGNAL, BAD_CONN },
	{ SET | REP(1),              IN_SET,          0,                P_REGS,   NO_NAME },
	{ GET | REP(1),              IN_GET_P0,       OUT_PAGE,         P_REGS,   BAD_PART },
	{ GET | REP(1),              IN_GET,          OUT_PAGE,         P_REGS,   OK | DONE(1) },
	{ GET | REP(4) | START(1),   IN_GET,          OUT_PAGE,         P_REGS,   OK | DONE(4) },
	{ FLUSH,                     IN_FLUSH,        0,                0,        OK },
	{ SPIN,                      1,               0,                0,        OK },
};

static struct hv_cpuid hv;

static void inputs_setup(void)
{
	struct hv_input_get_set_vp_registers hdr = {
		.partition_id = HV_PARTITION_ID_SELF, .vp_index = HV_VP_INDEX_SELF,
	};
	static const u32 names[] = {
		HV_REGISTER_VP_INDEX, HV_REGISTER_GUEST_OS_ID, HV_REGISTER_TIME_REF_COUNT,
		HV_REGISTER_VP_INDEX,
	};
	struct hv_register_assoc bad = { .name = 0x12345 };
	struct hv_input_flush_virtual_address_space flush = {
		.flags = HV_FLUSH_ALL_PROCESSORS | HV_FLUSH_ALL_VIRTUAL_ADDRESS_SPACES,
	};

	memset((void *)IN_PAGE, 0, 4096);
	memcpy((void *)IN_GET, &hdr, sizeof(hdr));
	memcpy((void *)(IN_GET + sizeof(hdr)), names, sizeof(names));
	memcpy((void *)IN_SET, &hdr, sizeof(hdr));
	memcpy((void *)(IN_SET + sizeof(hdr)), &bad, sizeof(bad));
	memcpy((void *)IN_FLUSH, &flush, sizeof(flush));
	hdr.partition_id = 0;
	memcpy((void *)IN_GET_P0, &hdr, sizeof(hdr));
	memcpy((void *)(IN_GET_P0 + sizeof(hdr)), names, sizeof(u32));
}

static u32 run_rows(void)
{
	u32 denied = 0;

	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct hcall_row *r = &rows[i];
		bool ok = (hv.privileges & r->priv) == r->priv;
		u64 want = ok ? r->result : HV_STATUS_ACCESS_DENIED, got;
		u8 vec = hv_hypercall_safe(r->control, r->in, r->out, &got);

		__GUEST_ASSERT(!vec && got == want,
			       "row %u: control %#llx in %#llx out %#llx: vector %u, result %#llx, "
			       "want %#llx", i, (unsigned long long)r->control,
			       (unsigned long long)r->in, (unsigned long long)r->out, vec,
			       (unsigned long long)got, (unsigned long long)want);
		denied += !ok;
	}
	return denied;
}

/* ---- No hypercall page: the trapping instruction itself is #UD ------------------------------ */

static u8 raw_out_safe(void)
{
	u64 vec;

	asm volatile(ASM_SAFE("outb %%al, $0xe4") "mov %%r10, %0"
		     : "=r"(vec) : "a"(0) : "r10", "memory");
	return vec;
}

/* ---- CPL3 (lib/ring3.c) --------------------------------------------------------------------- */

static volatile u64 user_vector = ~0ULL;

/* Through the page: its stub sees CPL3 in CS and executes ud2 (hv/hcall_page.h). */
static void user_page_call(void)
{
	u64 result;

	user_vector = hv_hypercall_safe(SPIN, 0, 0, &result);
	ring3_exit();
}

/*
 * The trapping `out` itself, allowed by IOPL 3: the VMM sees CPL3 and injects
 * #UD. Where the host keeps IOPL at 0 in ring 3 (the nested kvm_pvm development
 * hosts show RFLAGS 0x212 there, whatever iretq loaded), the `out` would
 * only #GP: that is reported as IOPL_IGNORED instead.
 */
#define IOPL_IGNORED	0xff

static void user_raw_out(void)
{
	u64 rflags;

	asm volatile("pushf; pop %0" : "=r"(rflags));
	user_vector = ((rflags >> 12) & 3) == 3 ? raw_out_safe() : IOPL_IGNORED;
	ring3_exit();
}

/* ---- A 32-bit caller: compatibility mode, CS 0x08 (L=0, D=1), x86 register convention ---- */

/* Read and written by the 32-bit code at fixed offsets; lives below 4 GiB like all the guest. */
struct call32 {
	u32 control_lo, control_hi, in_lo, in_hi, out_lo, out_hi;
	u32 page;
	u32 result_lo, result_hi;
	u32 vector;
};
struct call32 call32_args;
void call32(void);
asm(".pushsection .text\n"
    ".globl call32\n"
    "call32:\n\t"
    "push %rbx; push %rbp; push %r12; push %r13; push %r14; push %r15\n\t"
    "mov $0x18, %eax; mov %eax, %ds; mov %eax, %es; mov %eax, %ss\n\t"
    "pushq $0x08\n\t"
    "lea 1f(%rip), %rax\n\t"
    "pushq %rax\n\t"
    "lretq\n"
    ".code32\n"
    "1:\tmov call32_args + 0, %eax\n\t"	/* control: EDX:EAX */
    "mov call32_args + 4, %edx\n\t"
    "mov call32_args + 8, %ecx\n\t"		/* input GPA: EBX:ECX */
    "mov call32_args + 12, %ebx\n\t"
    "mov call32_args + 16, %esi\n\t"		/* output GPA: EDI:ESI */
    "mov call32_args + 20, %edi\n\t"
    "call *call32_args + 24\n\t"
    "mov %eax, call32_args + 28\n\t"		/* result: EDX:EAX */
    "mov %edx, call32_args + 32\n\t"
    "ljmp $0x10, $2f\n"
    ".code64\n"
    "2:\tpop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n\t"
    "ret\n"
    ".popsection\n");

/* #UD inside the page from 32-bit code: finish its 4-byte `ret`, note the vector. */
static void call32_ud(struct ex_regs *regs)
{
	__GUEST_ASSERT(regs->cs == 0x08, "#UD at %#llx, cs %#llx", (unsigned long long)regs->rip,
		       (unsigned long long)regs->cs);
	regs->rip = *(u32 *)regs->rsp;
	regs->rsp += 4;
	call32_args.vector = UD_VECTOR;
}

static u64 hypercall32(u64 control, u64 in, u64 out, u8 *vector)
{
	call32_args = (struct call32) {
		.control_lo = control, .control_hi = control >> 32, .in_lo = in,
		.in_hi = in >> 32, .out_lo = out, .out_hi = out >> 32,
		.page = (u32)(u64)hv_hcall_page, .result_lo = ~0u, .result_hi = ~0u,
	};
	idt_set_handler(UD_VECTOR, call32_ud);
	call32();
	idt_set_handler(UD_VECTOR, NULL);
	*vector = call32_args.vector;
	return (u64)call32_args.result_hi << 32 | call32_args.result_lo;
}

/* ---- Real mode: the AP, started by SIPI at RM_CODE, calls the page at RM_HCALL_PAGE ---- */

/*
 * Copied to RM_CODE and run with CS = RM_CODE >> 4, so every address is an
 * offset from rm_start. IVT entry 6 (#UD) points at rm_ud; rm_state goes
 * 1 (about to call), 2 (the call returned) or 6 (#UD).
 */
extern const char rm_start[], rm_end[], rm_state[];
asm(".pushsection .rodata\n"
    ".code16\n"
    ".globl rm_start, rm_end, rm_state\n"
    "rm_start:\n\t"
    "cli\n\t"
    "mov %cs, %ax; mov %ax, %ds; mov %ax, %ss\n\t"
    "mov $0xff0, %sp\n\t"
    "xor %ax, %ax; mov %ax, %es\n\t"
    "movw $(rm_ud - rm_start), %es:(6 * 4)\n\t"
    "mov %cs, %es:(6 * 4 + 2)\n\t"
    "movw $1, (rm_state - rm_start)\n\t"
    "mov $0x1000, %bx\n\t"			/* RM_HCALL_PAGE - RM_CODE */
    "call *%bx\n\t"
    "movw $2, (rm_state - rm_start)\n\t"
    "jmp rm_halt\n"
    "rm_ud:\n\t"
    "movw $6, %cs:(rm_state - rm_start)\n"
    "rm_halt:\n\t"
    "cli; hlt; jmp rm_halt\n"
    "rm_state: .word 0\n"
    "rm_end:\n"
    ".code64\n"
    ".popsection\n");

#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define ICR_OTHERS	0x000c4000	/* all but self, level assert */
#define ICR_INIT	0x500
#define ICR_STARTUP	0x600

static void icr_send(u32 lo)
{
	*(volatile u32 *)(LAPIC_BASE + APIC_ICR_HI) = 0;
	*(volatile u32 *)(LAPIC_BASE + APIC_ICR_LO) = lo;
	while (*(volatile u32 *)(LAPIC_BASE + APIC_ICR_LO) & BIT(12))
		cpu_relax();
}

static u16 real_mode_call(void)
{
	volatile u16 *state = (volatile u16 *)(RM_CODE + (rm_state - rm_start));
	u64 home = rdmsr(HV_X64_MSR_HYPERCALL);

	memcpy((void *)RM_CODE, rm_start, rm_end - rm_start);
	wrmsr(HV_X64_MSR_HYPERCALL, RM_HCALL_PAGE | HV_X64_MSR_HYPERCALL_ENABLE);
	icr_send(ICR_OTHERS | ICR_INIT);
	icr_send(ICR_OTHERS | ICR_STARTUP | (RM_CODE >> 12));
	for (u64 spins = 0; *state < 2; spins++)
		__GUEST_ASSERT(spins < 10000000, "the AP's real-mode code stopped at %u", *state);
	wrmsr(HV_X64_MSR_HYPERCALL, home);
	return *state;
}

/*
 * A call from rep start 1 writes output elements from 1 on: element 0 is an
 * earlier call's (TLFS "Hypercall Continuation"). Returns how many bytes of
 * element 0 kept their value (16), the call's status << 8 and its reps
 * completed << 16.
 */
static u64 rep_start_keeps_earlier_output(void)
{
	u64 result, *out = (u64 *)OUT_PAGE;
	u64 kept = 0;

	memset(out, 0xee, 32);
	result = hv_hypercall(GET | REP(2) | START(1), IN_GET, OUT_PAGE);
	if (result == (OK | DONE(2)))
		GUEST_ASSERT_EQ(out[2], HV_LINUX_GUEST_ID);	/* names[1] */
	for (int i = 0; i < 16; i++)
		kept += ((u8 *)out)[i] == 0xee;
	return kept | (u64)hv_status(result) << 8 | (u64)hv_reps(result) << 16;
}

void guest_main(void)
{
	u32 vp_index;
	u64 result;
	u8 vec;

	GUEST_ASSERT(hv_detect(&hv));
	if (!strcmp(bootinfo_cmdline(), "raw-out")) {
		hv_enable_hypercalls();
		ring3_run(user_raw_out, true);
		GUEST_SYNC_VAL(user_vector == IOPL_IGNORED ? 90 : 1, user_vector);
		return;
	}
	GUEST_SYNC_VAL(1, raw_out_safe());
	hv_enable_hypercalls();
	inputs_setup();
	GUEST_SYNC_VAL(2, ARRAY_SIZE(rows));
	GUEST_SYNC_VAL(3, run_rows());
	ring3_run(user_page_call, false);
	GUEST_SYNC_VAL(4, user_vector);

	memset((void *)OUT_PAGE, 0xff, 16);
	result = hypercall32(GET | REP(1), IN_GET, OUT_PAGE, &vec);
	GUEST_ASSERT_EQ(vec, 0);
	GUEST_SYNC_VAL(5, result);
	memcpy(&vp_index, (void *)OUT_PAGE, sizeof(vp_index));
	GUEST_SYNC_VAL(6, vp_index);
	result = hypercall32(0x7fff, 0, 0, &vec);
	GUEST_ASSERT_EQ(vec, 0);
	GUEST_SYNC_VAL(7, result);
	hypercall32(GET | FAST | REP(1), HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF, &vec);
	GUEST_SYNC_VAL(8, vec);

	/* The VM keeps running: a plain call still works. */
	GUEST_ASSERT_EQ(hv_hypercall(SPIN, 0, 0), OK);
	GUEST_SYNC_VAL(9, rep_start_keeps_earlier_output());
	if (bootinfo_nr_cpus() >= 2)
		GUEST_SYNC_VAL(10, real_mode_call());
}
