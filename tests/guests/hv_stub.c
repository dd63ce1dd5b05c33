// SPDX-License-Identifier: MIT
/*
 * The hypercall page (hv/hcall_page.h): its bytes, and what a call through
 * it preserves. Every GPR but RSP, the arithmetic flags and XMM0-15 are
 * loaded with distinct patterns (hv_call_with_regs()); after each call of
 * the table only RAX may differ, and for an XMM fast-output call the
 * output registers of the reps it completed, with the values in the row.
 *
 * Stages: 1 and 2 the stub's 16 bytes (little-endian qwords), 3 how many
 * bytes of the page outside the three stubs (hypercall, VTL call, VTL
 * return; 16 + 2 * 19 bytes) are int3, 4 rows run, 5 bytes of the RAM under
 * the page that are back once it is disabled.
 */
#include "hv.h"

#define IN_PAGE		0xc000ULL	/* "free for the guest" (mem/layout.h) */
#define OUT_PAGE	0xd000ULL
#define UNDER_PAGE	0x5a		/* what the RAM under the hypercall page holds */

#define FAST		HV_HYPERCALL_FAST_BIT
#define REP(n)		((u64)(n) << HV_HYPERCALL_REP_COMP_OFFSET)
#define START(n)	((u64)(n) << HV_HYPERCALL_REP_START_OFFSET)
#define DONE(n)		((u64)(n) << HV_HYPERCALL_REP_COMP_OFFSET)
#define GET		HVCALL_GET_VP_REGISTERS
#define SET		HVCALL_SET_VP_REGISTERS
#define NO_NAME		HV_STATUS_UNKNOWN_REGISTER_NAME
#define SELF_P		HV_PARTITION_ID_SELF	/* RDX of Get/SetVpRegisters */
#define SELF_VP		HV_VP_INDEX_SELF	/* R8: VP index, input VTL 0 */
#define OS_ID_NAME	HV_REGISTER_GUEST_OS_ID
#define OS_ID		HV_LINUX_GUEST_ID
#define BAD_NAME	0x12345ULL
#define SINT5_NAME	HV_REGISTER_SINT(5)
#define SINT5_VALUE	0x10040ULL		/* masked, vector 0x40 */
/* Flags a caller may leave set: CF PF AF ZF SF OF, and ID; bit 1 is always 1. */
#define FLAGS		0x2008d7ULL

/* The stub as hv/hcall_page.h lists it. */
static const u8 stub[16] = {
	0x9c, 0x50, 0x8c, 0xc8, 0xa8, 0x03, 0x58, 0x75, 0x04,	/* pushf ... jnz 1f */
	0x9d, 0xe6, 0xe4, 0xc3,					/* popf; out; ret */
	0x9d, 0x0f, 0x0b,					/* 1: popf; ud2 */
};

/* The 64-bit VTL call stub (hv/hcall_stub.h); VTL return differs in the code byte only. */
static const u8 vtl_stub[19] = {
	0x8c, 0xc8, 0xa8, 0x03, 0x75, 0x0b,		/* mov %cs,%eax; test $3,%al; jnz 1f */
	0x48, 0x89, 0xc8, 0xb9, 0x11, 0x00, 0x00, 0x00,	/* mov %rcx,%rax; mov $0x11,%ecx */
	0xe6, 0xe4, 0xc3, 0x0f, 0x0b,			/* out; ret; 1: ud2 */
};

struct stub_row {
	u64 rcx, rdx, r8;	/* control, then the first 16 bytes of input */
	u64 xmm0, xmm1;		/* low qwords of XMM0/XMM1 when they carry input (nonzero) */
	u64 rax;
	u8 out_first;		/* first XMM register the call writes; 0: none */
	u8 nr_out;
	u64 out[2];		/* low qword of each (the high ones become 0) */
};

static const struct stub_row rows[] = {
	/* a simple fast call; a memory call; a failing call */
	{ HVCALL_NOTIFY_LONG_SPIN_WAIT | FAST, 1, 0, 0, 0, HV_STATUS_SUCCESS, 0, 0, { 0 } },
	{ GET | REP(1), IN_PAGE, OUT_PAGE, 0, 0, DONE(1), 0, 0, { 0 } },
	{ 0x7fff, IN_PAGE, OUT_PAGE, 0, 0, HV_STATUS_INVALID_HYPERCALL_CODE, 0, 0, { 0 } },
	/* XMM fast input: one register association in XMM0-1; and one naming nothing */
	{ SET | FAST | REP(1), SELF_P, SELF_VP, SINT5_NAME, SINT5_VALUE, DONE(1), 0, 0, { 0 } },
	{ SET | FAST | REP(1), SELF_P, SELF_VP, BAD_NAME, 1, NO_NAME, 0, 0, { 0 } },
	/* XMM fast output: 20 bytes of input round up to 32, so the value lands in XMM1 */
	{ GET | FAST | REP(1), SELF_P, SELF_VP, OS_ID_NAME, 0, DONE(1), 1, 1, { OS_ID } },
	/* from rep start 1: XMM1 (rep 0) is not this call's to write */
	{ GET | FAST | REP(2) | START(1), SELF_P, SELF_VP, BAD_NAME | (u64)SINT5_NAME << 32, 0,
	  DONE(2), 2, 1, { SINT5_VALUE } },
	/* rep 1 fails: only rep 0's register is written */
	{ GET | FAST | REP(2), SELF_P, SELF_VP, OS_ID_NAME | BAD_NAME << 32, 0, NO_NAME | DONE(1),
	  1, 1, { OS_ID } },
	/* rep 0 fails: nothing is written */
	{ GET | FAST | REP(1), SELF_P, SELF_VP, BAD_NAME, 0, NO_NAME, 0, 0, { 0 } },
};

static u8 page[4096] __attribute__((aligned(4096)));

/* Distinct patterns: GPR n is 0x0n0n..., XMM n is 0xann.../0xbnn.... */
static void patterns(struct hv_gprs *g, u64 xmm[16][2])
{
	u64 *r = &g->rax;

	for (int i = 0; i < 15; i++)
		r[i] = 0x0101010101010101ULL * (i + 1) ^ 0x8000000000000000ULL;
	g->rflags = FLAGS;
	for (int i = 0; i < 16; i++) {
		xmm[i][0] = 0xa0a0a0a0a0a0a000ULL | i;
		xmm[i][1] = 0xb0b0b0b0b0b0b000ULL | i;
	}
}

static void run_row(unsigned int n)
{
	const struct stub_row *row = &rows[n];
	struct hv_gprs in, out;
	u64 xin[16][2], xout[16][2];

	patterns(&in, xin);
	in.rcx = row->rcx;
	in.rdx = row->rdx;
	in.r8 = row->r8;
	if (row->xmm0)
		xin[0][0] = row->xmm0, xin[0][1] = 0;
	if (row->xmm1)
		xin[1][0] = row->xmm1, xin[1][1] = 0;
	out = in;
	memcpy(xout, xin, sizeof(xin));
	hv_call_with_regs(&out, xout);

	__GUEST_ASSERT(out.rax == row->rax, "row %u: RAX %#llx, want %#llx", n,
		       (unsigned long long)out.rax, (unsigned long long)row->rax);
	out.rax = in.rax;
	for (int i = 0; i < 16; i++) {
		const u64 *r = (const u64 *)&in + i, *o = (const u64 *)&out + i;

		__GUEST_ASSERT(*o == *r, "row %u: GPR/flags word %d: %#llx, was %#llx", n, i,
			       (unsigned long long)*o, (unsigned long long)*r);
	}
	for (int i = 0; i < row->nr_out; i++) {
		xin[row->out_first + i][0] = row->out[i];
		xin[row->out_first + i][1] = 0;
	}
	for (int i = 0; i < 16; i++)
		__GUEST_ASSERT(xout[i][0] == xin[i][0] && xout[i][1] == xin[i][1],
			       "row %u: XMM%d %#llx:%#llx, want %#llx:%#llx", n, i,
			       (unsigned long long)xout[i][1], (unsigned long long)xout[i][0],
			       (unsigned long long)xin[i][1], (unsigned long long)xin[i][0]);
}

static u32 count_bytes(const u8 *p, u32 len, u8 v)
{
	u32 n = 0;

	for (u32 i = 0; i < len; i++)
		n += p[i] == v;
	return n;
}

void guest_main(void)
{
	struct hv_cpuid hv;
	u64 lo, hi;
	struct {
		struct hv_input_get_set_vp_registers hdr;
		u32 name;
	} get_in = { { .partition_id = SELF_P, .vp_index = SELF_VP }, OS_ID_NAME };

	GUEST_ASSERT(hv_detect(&hv));
	GUEST_ASSERT((hv.features & HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE) &&
		     (hv.features & HV_X64_HYPERCALL_XMM_OUTPUT_AVAILABLE));
	memset(page, UNDER_PAGE, sizeof(page));
	wrmsr(HV_X64_MSR_GUEST_OS_ID, HV_LINUX_GUEST_ID);
	wrmsr(HV_X64_MSR_HYPERCALL, (u64)page | HV_X64_MSR_HYPERCALL_ENABLE);
	hv_hcall_page = page;

	GUEST_ASSERT(!memcmp(page, stub, sizeof(stub)));
	memcpy(&lo, page, 8);
	memcpy(&hi, page + 8, 8);
	GUEST_SYNC_VAL(1, lo);
	GUEST_SYNC_VAL(2, hi);
	GUEST_ASSERT(!memcmp(page + 0x20, vtl_stub, sizeof(vtl_stub)));
	GUEST_ASSERT(!memcmp(page + 0x40, vtl_stub, 10) && page[0x4a] == 0x12 &&
		     !memcmp(page + 0x4b, vtl_stub + 11, sizeof(vtl_stub) - 11));
	GUEST_SYNC_VAL(3, count_bytes(page, sizeof(page), 0xcc));

	memcpy((void *)IN_PAGE, &get_in, sizeof(get_in));
	for (unsigned int i = 0; i < ARRAY_SIZE(rows); i++)
		run_row(i);
	GUEST_SYNC_VAL(4, ARRAY_SIZE(rows));

	wrmsr(HV_X64_MSR_HYPERCALL, 0);
	hv_hcall_page = NULL;
	GUEST_SYNC_VAL(5, count_bytes(page, sizeof(page), UNDER_PAGE));
}
