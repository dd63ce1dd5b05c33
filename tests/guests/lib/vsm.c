// SPDX-License-Identifier: MIT
#include "vsm.h"

#include "mem/layout.h"
#include "mem/pgtable.h"

/* Hypercall input and output pages, one pair per VP (index = VP index). */
static u8 io_pages[SMP_MAX_CPUS][2][4096] __attribute__((aligned(4096)));
static u8 assist_pages[SMP_MAX_CPUS][4096] __attribute__((aligned(4096)));

u8 vtl_switch_raw(struct vtl_regs *r, void *stub, u64 input);


static u32 vp_index(void)
{
	return rdmsr(HV_X64_MSR_VP_INDEX);
}

static u8 *in_page(void)
{
	return io_pages[vp_index() % SMP_MAX_CPUS][0];
}

static u8 *out_page(void)
{
	return io_pages[vp_index() % SMP_MAX_CPUS][1];
}

bool vsm_vtl1_program(struct vtl1_program *p)
{
	return bootinfo_u64("vtl1", "vtlvm,entry", &p->entry) &&
	       bootinfo_u64("vtl1", "vtlvm,bootinfo", &p->bootinfo) &&
	       bootinfo_u64("vtl1", "vtlvm,cr3", &p->cr3) &&
	       bootinfo_u64("vtl1", "vtlvm,image-start", &p->image_start) &&
	       bootinfo_u64("vtl1", "vtlvm,image-end", &p->image_end);
}

u64 vsm_enable_partition_vtl(u8 vtl, u8 flags)
{
	struct hv_input_enable_partition_vtl *in = (void *)in_page();

	memset(in, 0, sizeof(*in));
	in->partition_id = HV_PARTITION_ID_SELF;
	in->target_vtl = vtl;
	in->flags = flags;
	return hv_hypercall(HVCALL_ENABLE_PARTITION_VTL, (u64)in, 0);
}

/* EnableVpVtl and StartVirtualProcessor share their layout. */
static u64 vp_context_call(u16 code, u32 vp, u8 vtl, const struct hv_initial_vp_context *c)
{
	struct hv_input_enable_vp_vtl *in = (void *)in_page();

	memset(in, 0, sizeof(*in));
	in->partition_id = HV_PARTITION_ID_SELF;
	in->vp_index = vp;
	in->target_vtl = vtl;
	in->vp_context = *c;
	return hv_hypercall(code, (u64)in, 0);
}

u64 vsm_enable_vp_vtl(u32 vp, u8 vtl, const struct hv_initial_vp_context *c)
{
	return vp_context_call(HVCALL_ENABLE_VP_VTL, vp, vtl, c);
}

u64 vsm_start_vp(u32 vp, u8 vtl, const struct hv_initial_vp_context *c)
{
	return vp_context_call(HVCALL_START_VIRTUAL_PROCESSOR, vp, vtl, c);
}

static struct hv_x64_segment_register flat(u16 sel, u16 attr)
{
	return (struct hv_x64_segment_register) {
		.base = 0, .limit = 0xffffffff, .selector = sel, .attributes = attr,
	};
}

void vsm_context_long_mode(struct hv_initial_vp_context *c, u64 rip, u64 rsp, u64 cr3)
{
	/* Attributes: type, S, P, L/DB, G (TLFS "HV_X64_SEGMENT_REGISTER"). */
	const u16 code = 0xb | BIT(4) | BIT(7) | BIT(13) | BIT(15);
	const u16 data = 0x3 | BIT(4) | BIT(7) | BIT(14) | BIT(15);

	memset(c, 0, sizeof(*c));
	c->rip = rip;
	c->rsp = rsp;
	c->rflags = 0x2;
	c->cs = flat(BOOT_CS64, code);
	c->ds = c->es = c->fs = c->gs = c->ss = flat(BOOT_DS, data);
	c->tr = (struct hv_x64_segment_register) { .limit = 0x67, .attributes = 0xb | BIT(7) };
	c->ldtr = (struct hv_x64_segment_register) { .attributes = 0x2 };	/* not present */
	c->gdtr.base = LAYOUT_GDT;
	c->gdtr.limit = BOOT_GDT_ENTRIES * 8 - 1;
	c->efer = BIT(8) | BIT(10) | BIT(11);		/* LME, LMA, NXE */
	c->cr0 = BIT(0) | BIT(1) | BIT(4) | BIT(5) | BIT(16) | BIT(31);
	c->cr3 = cr3;
	c->cr4 = BIT(5) | BIT(9) | BIT(10);		/* PAE, OSFXSR, OSXMMEXCPT */
	c->msr_cr_pat = 0x0007040600070406ULL;		/* the power-on PAT */
}

u64 vsm_get_reg_raw(u32 vp, u8 input_vtl, u32 name, union hv_register_value *v)
{
	struct hv_input_get_set_vp_registers *in = (void *)in_page();
	u32 *names = (u32 *)(in + 1);
	u64 result;

	memset(in, 0, sizeof(*in) + sizeof(u32));
	in->partition_id = HV_PARTITION_ID_SELF;
	in->vp_index = vp;
	in->input_vtl = input_vtl;
	names[0] = name;
	memset(out_page(), 0xee, sizeof(*v));
	result = hv_hypercall(HVCALL_GET_VP_REGISTERS | ((u64)1 << HV_HYPERCALL_REP_COMP_OFFSET),
			      (u64)in, (u64)out_page());
	memcpy(v, out_page(), sizeof(*v));
	return result;
}

u64 vsm_get_reg(u8 target_vtl, u32 name, union hv_register_value *v)
{
	return vsm_get_reg_raw(HV_VP_INDEX_SELF, hv_input_vtl(target_vtl), name, v);
}

u64 vsm_set_reg(u8 target_vtl, u32 name, const union hv_register_value *v)
{
	return vsm_set_reg_raw(HV_VP_INDEX_SELF, hv_input_vtl(target_vtl), name, v);
}

u64 vsm_set_reg_raw(u32 vp, u8 input_vtl, u32 name, const union hv_register_value *v)
{
	struct {
		struct hv_input_get_set_vp_registers hdr;
		struct hv_register_assoc a;
	} *in = (void *)in_page();

	memset(in, 0, sizeof(*in));
	in->hdr.partition_id = HV_PARTITION_ID_SELF;
	in->hdr.vp_index = vp;
	in->hdr.input_vtl = input_vtl;
	in->a.name = name;
	in->a.value = *v;
	return hv_hypercall(HVCALL_SET_VP_REGISTERS | ((u64)1 << HV_HYPERCALL_REP_COMP_OFFSET),
			    (u64)in, 0);
}

/* Where the stubs are, as a guest must learn it: HvRegisterVsmCodePageOffsets (read once). */
static u64 code_page_offsets(void)
{
	static u64 offsets;
	union hv_register_value v;

	if (!offsets) {
		GUEST_ASSERT_EQ(hv_status(vsm_get_reg_raw(HV_VP_INDEX_SELF, 0,
							  HV_REGISTER_VSM_CODE_PAGE_OFFSETS, &v)),
				HV_STATUS_SUCCESS);
		offsets = v.reg64;
	}
	return offsets;
}

static u8 vtl_switch(struct vtl_regs *r, u64 offset, u64 input)
{
	GUEST_ASSERT(offset >= HV_VTL_STUBS_START);
	return vtl_switch_raw(r, hv_hcall_page + offset, input);
}

u8 vtl_call_safe(struct vtl_regs *r, u64 input)
{
	return vtl_switch(r, code_page_offsets() & HV_VSM_CODE_PAGE_OFFSETS_CALL_MASK, input);
}

u8 vtl_return_safe(struct vtl_regs *r, u64 input)
{
	return vtl_switch(r, (code_page_offsets() & HV_VSM_CODE_PAGE_OFFSETS_RETURN_MASK) >>
			     HV_VSM_CODE_PAGE_OFFSETS_RETURN_SHIFT, input);
}

void vtl_call_loop(u64 n)
{
	void *stub = hv_hcall_page + (code_page_offsets() & HV_VSM_CODE_PAGE_OFFSETS_CALL_MASK);

	asm volatile("1:\txor %%ecx, %%ecx\n\t"
		     "call *%[stub]\n\t"
		     "dec %[n]\n\t"
		     "jnz 1b"
		     : [n] "+b"(n)
		     : [stub] "r"(stub)
		     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
}

void vtl_return_loop(void)
{
	static void *stub;

	stub = hv_hcall_page + ((code_page_offsets() & HV_VSM_CODE_PAGE_OFFSETS_RETURN_MASK) >>
				HV_VSM_CODE_PAGE_OFFSETS_RETURN_SHIFT);
	/* Each entry brings VTL0's registers (they are shared): the stub is read from memory. */
	asm volatile("1:\tmov $1, %%ecx\n\t"
		     "call *%[stub]\n\t"
		     "jmp 1b"
		     :: [stub] "m"(stub)
		     : "rax", "rcx", "memory", "cc");
	__builtin_unreachable();
}

void vtl_call(struct vtl_regs *r)
{
	u8 vec = vtl_call_safe(r, 0);

	GUEST_ASSERT_EQ(vec, 0);
}

void vtl_return(struct vtl_regs *r)
{
	u8 vec = vtl_return_safe(r, HV_VTL_RETURN_INPUT_FAST);

	GUEST_ASSERT_EQ(vec, 0);
}

void vtl_return_exact(struct vtl_regs *r)
{
	struct hv_vp_assist_page *a = vsm_assist_page();
	u8 vec;

	WRITE_ONCE(a->vtl_control.vtl_return_x64_rax, r->rax);
	WRITE_ONCE(a->vtl_control.vtl_return_x64_rcx, r->rcx);
	vec = vtl_return_safe(r, 0);
	GUEST_ASSERT_EQ(vec, 0);
}

void vsm_boot_vtl1(struct vtl_regs *r)
{
	struct vtl1_program p;
	struct hv_initial_vp_context c;
	u64 st;

	GUEST_ASSERT(vsm_vtl1_program(&p));
	st = vsm_enable_partition_vtl(1, 0);
	GUEST_ASSERT_EQ(hv_status(st), HV_STATUS_SUCCESS);
	/* The program's entry sets up its own stack (lib/entry.S): RSP only needs to be sane. */
	vsm_context_long_mode(&c, p.entry, p.image_end, p.cr3);
	st = vsm_enable_vp_vtl(HV_VP_INDEX_SELF, 1, &c);
	GUEST_ASSERT_EQ(hv_status(st), HV_STATUS_SUCCESS);
	memset(r, 0, sizeof(*r));
	r->rdi = p.bootinfo;
	vtl_call(r);
}

struct hv_vp_assist_page *vsm_assist_page(void)
{
	u8 *page = assist_pages[vp_index() % SMP_MAX_CPUS];

	if (!(rdmsr(HV_X64_MSR_VP_ASSIST_PAGE) & HV_X64_MSR_VP_ASSIST_PAGE_ENABLE))
		wrmsr(HV_X64_MSR_VP_ASSIST_PAGE, (u64)page | HV_X64_MSR_VP_ASSIST_PAGE_ENABLE);
	return (struct hv_vp_assist_page *)page;
}

u32 vsm_entry_reason(void)
{
	return READ_ONCE(vsm_assist_page()->vtl_control.entry_reason);
}
