// SPDX-License-Identifier: MIT
/*
 * Enabling VSM, with tests/guests/vtl1/service.c in VTL1: the VSM registers
 * before and after, every refusal of HvCallEnablePartitionVtl and
 * HvCallEnableVpVtl with its status, the #UD of a VTL call or return that
 * is not allowed, and what VTL0 may not ask about VTL1.
 *
 * Stages: 1 VsmPartitionStatus before, 2 after, 3 VsmVpStatus after,
 * 4 VsmCapabilities, 5 VsmCodePageOffsets, 6 the service's hello,
 * 7 the number of refusals checked (a VTL call from CPL3 among them).
 */
#include "vsm.h"
#include "vtl1/service.h"

#define IN_GPA		0xe000ULL	/* hypercall input VTL1 can read ("free for the guest") */

static unsigned int checked;
static u64 code_offsets;

#define EXPECT_STATUS(result, want) do {				\
	GUEST_ASSERT_EQ(hv_status(result), (want));			\
	checked++;							\
} while (0)

static u64 enable_partition_raw(u64 partition, u8 vtl, u8 flags, u16 rsvd)
{
	struct hv_input_enable_partition_vtl *in = (void *)IN_GPA;

	memset(in, 0, sizeof(*in));
	in->partition_id = partition;
	in->target_vtl = vtl;
	in->flags = flags;
	in->reserved_z0 = rsvd;
	return hv_hypercall(HVCALL_ENABLE_PARTITION_VTL, IN_GPA, 0);
}

static u64 reg(u32 name)
{
	union hv_register_value v;

	GUEST_ASSERT_EQ(hv_status(vsm_get_reg_raw(HV_VP_INDEX_SELF, 0, name, &v)),
			HV_STATUS_SUCCESS);
	return v.reg64;
}

/* A VtlCall with a control word other than the bare code: the stub's `out`, by hand. */
static u8 vtl_call_control(u64 control)
{
	u64 vec;

	asm volatile("xor %%eax, %%eax\n\t"
		     ASM_SAFE("out %%al, $0xe4") "mov %%r10, %0"
		     : "=r"(vec), "+c"(control) :: "rax", "r10", "memory");
	return vec;
}

/* Before VTL1 exists: no VTL call, no VTL return, no EnableVpVtl. */
static void before_enable(void)
{
	struct vtl_regs r = { 0 };
	struct hv_initial_vp_context c;

	GUEST_ASSERT_EQ(vtl_call_safe(&r, 0), UD_VECTOR);
	GUEST_ASSERT_EQ(vtl_return_safe(&r, 0), UD_VECTOR);
	checked += 2;
	vsm_context_long_mode(&c, 0, 0, 0);
	EXPECT_STATUS(vsm_enable_vp_vtl(HV_VP_INDEX_SELF, 1, &c), HV_STATUS_INVALID_VTL_STATE);
	EXPECT_STATUS(enable_partition_raw(0, 1, 0, 0), HV_STATUS_INVALID_PARTITION_ID);
	EXPECT_STATUS(enable_partition_raw(HV_PARTITION_ID_SELF, 0, 0, 0),
		      HV_STATUS_ACCESS_DENIED);
	EXPECT_STATUS(enable_partition_raw(HV_PARTITION_ID_SELF, 2, 0, 0),
		      HV_STATUS_ACCESS_DENIED);
	/* No MBEC, shadow stacks or HVPT: refused, not silently dropped. */
	EXPECT_STATUS(enable_partition_raw(HV_PARTITION_ID_SELF, 1, HV_ENABLE_PARTITION_VTL_MBEC, 0),
		      HV_STATUS_INVALID_PARAMETER);
	EXPECT_STATUS(enable_partition_raw(HV_PARTITION_ID_SELF, 1, 0, 1),
		      HV_STATUS_INVALID_PARAMETER);
}

static void enable(void)
{
	struct vtl1_program p;
	struct hv_initial_vp_context c;

	GUEST_ASSERT(vsm_vtl1_program(&p));
	EXPECT_STATUS(vsm_enable_partition_vtl(1, 0), HV_STATUS_SUCCESS);
	EXPECT_STATUS(vsm_enable_partition_vtl(1, 0), HV_STATUS_VTL_ALREADY_ENABLED);
	vsm_context_long_mode(&c, p.entry, p.image_end, p.cr3);
	EXPECT_STATUS(vsm_enable_vp_vtl(7, 1, &c), HV_STATUS_INVALID_VP_INDEX);
	EXPECT_STATUS(vsm_enable_vp_vtl(HV_VP_INDEX_SELF, 2, &c), HV_STATUS_INVALID_PARAMETER);
	EXPECT_STATUS(vsm_enable_vp_vtl(HV_VP_INDEX_SELF, 1, &c), HV_STATUS_SUCCESS);
	EXPECT_STATUS(vsm_enable_vp_vtl(HV_VP_INDEX_SELF, 1, &c), HV_STATUS_VTL_ALREADY_ENABLED);
	EXPECT_STATUS(vsm_enable_vp_vtl(0, 1, &c), HV_STATUS_VTL_ALREADY_ENABLED);
}

/* VTL0 asks about VTL1: refused (TLFS: lower VTLs cannot see a higher VTL's state). */
static void vtl0_denied(void)
{
	union hv_register_value v;

	EXPECT_STATUS(vsm_get_reg(1, HV_REGISTER_VSM_PARTITION_CONFIG, &v),
		      HV_STATUS_ACCESS_DENIED);
	EXPECT_STATUS(vsm_get_reg(1, HV_X64_REGISTER_RIP, &v), HV_STATUS_ACCESS_DENIED);
	EXPECT_STATUS(vsm_get_reg(1, HV_REGISTER_VP_INDEX, &v), HV_STATUS_ACCESS_DENIED);
	/* Not its own architectural registers either: a VTL reads those without a call. */
	EXPECT_STATUS(vsm_get_reg(0, HV_X64_REGISTER_RIP, &v), HV_STATUS_ACCESS_DENIED);
	EXPECT_STATUS(vsm_set_reg(1, HV_REGISTER_VSM_VINA, &v), HV_STATUS_ACCESS_DENIED);
	/* Read-only registers stay so. */
	v.reg64 = 0;
	EXPECT_STATUS(vsm_set_reg(0, HV_REGISTER_VSM_CODE_PAGE_OFFSETS, &v),
		      HV_STATUS_INVALID_PARAMETER);
}

/* VTL1 may not enable VTL1 (nor a VTL2 this build has not), nor call further up. */
static void vtl1_denied(void)
{
	struct hv_input_enable_partition_vtl *in = (void *)IN_GPA;
	struct vtl_regs r = { 0 };

	memset(in, 0, sizeof(*in));
	in->partition_id = HV_PARTITION_ID_SELF;
	in->target_vtl = 1;
	r.rdi = SVC_HYPERCALL;
	r.rsi = HVCALL_ENABLE_PARTITION_VTL;
	r.rdx = IN_GPA;
	vtl_call(&r);
	EXPECT_STATUS(r.rdi, HV_STATUS_ACCESS_DENIED);
	in->target_vtl = 2;
	r.rdi = SVC_HYPERCALL;
	vtl_call(&r);
	EXPECT_STATUS(r.rdi, HV_STATUS_ACCESS_DENIED);
	r.rdi = SVC_VTL_CALL;
	vtl_call(&r);
	GUEST_ASSERT_EQ(r.rdi, UD_VECTOR);
	checked++;
}

static volatile u64 user_vector = ~0ULL;

/* At CPL3 the stub's own check raises #UD before any trap (hv/hcall_stub.h). */
static void user_vtl_call(void)
{
	u64 vec;

	asm volatile("xor %%r10d, %%r10d\n\t"
		     "xor %%ecx, %%ecx\n\t"
		     "call *%[stub]\n\t"
		     "mov %%r10, %[vec]"
		     : [vec] "=r"(vec)
		     : [stub] "r"(hv_hcall_page + (code_offsets & HV_VSM_CODE_PAGE_OFFSETS_CALL_MASK))
		     : "rax", "rcx", "r10", "r11", "memory", "cc");
	user_vector = vec;
	ring3_exit();
}

/* VtlCall with a bad control word or input: #UD (TLFS "VTL Call"), RIP on the `out`. */
static void bad_calls(void)
{
	struct vtl_regs r = { 0 };

	ring3_run(user_vtl_call, false);
	GUEST_ASSERT_EQ(user_vector, UD_VECTOR);
	checked++;

	GUEST_ASSERT_EQ(vtl_call_control(HVCALL_VTL_CALL | HV_HYPERCALL_FAST_BIT), UD_VECTOR);
	GUEST_ASSERT_EQ(vtl_call_control(HVCALL_VTL_CALL | (1ULL << HV_HYPERCALL_REP_COMP_OFFSET)),
			UD_VECTOR);
	GUEST_ASSERT_EQ(vtl_call_safe(&r, 1), UD_VECTOR);	/* input must be 0 */
	GUEST_ASSERT_EQ(vtl_return_safe(&r, 0), UD_VECTOR);	/* VTL0 has nothing to return to */
	checked += 4;
}

void guest_main(void)
{
	struct vtl_regs r;

	hv_enable_hypercalls();
	GUEST_SYNC_VAL(1, reg(HV_REGISTER_VSM_PARTITION_STATUS));
	before_enable();
	enable();
	GUEST_SYNC_VAL(2, reg(HV_REGISTER_VSM_PARTITION_STATUS));
	GUEST_SYNC_VAL(3, reg(HV_REGISTER_VSM_VP_STATUS));
	GUEST_SYNC_VAL(4, reg(HV_REGISTER_VSM_CAPABILITIES));
	code_offsets = reg(HV_REGISTER_VSM_CODE_PAGE_OFFSETS);
	GUEST_SYNC_VAL(5, code_offsets);
	memset(&r, 0, sizeof(r));
	GUEST_ASSERT(bootinfo_u64("vtl1", "vtlvm,bootinfo", &r.rdi));
	vtl_call(&r);
	GUEST_SYNC_VAL(6, r.rdi);
	vtl0_denied();
	vtl1_denied();
	bad_calls();
	GUEST_SYNC_VAL(7, checked);
}
