// SPDX-License-Identifier: MIT
/*
 * hv/hcall.c: the merged table, control-word decoding, the common checks in
 * the order hv/hcall.h documents, rep continuation, the x86 register
 * convention and XMM fast output placement, all through hv_hypercall().
 *
 * Probe calls (codes 0x7ff0-0x7ff3, above every real one) are appended to a
 * partition's table to observe what a handler is given; a real rep call
 * cannot reach HV_HCALL_REP_BUDGET, since its lists must fit in one page.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/fake_hv.h"

#define PROBE_REP	0x7ff0	/* rep + variable header: u64 header, u16 in -> u16 out per rep */
#define PROBE_OUT0	0x7ff1	/* fast output placement: no input, 16 bytes out */
#define PROBE_OUT16	0x7ff2	/* 16 bytes in, 16 out */
#define PROBE_OUT24	0x7ff3	/* 24 bytes in, 24 out */
#define UNKNOWN		0x7ffe
#define PROBE_FAIL	0xdead	/* a rep input the probe fails on */
#define GET		HVCALL_GET_VP_REGISTERS
/* hv_hypercall_encode() as a constant expression, for tables. */
#define C(code, fast, reps, start)							\
	((u64)(code) | ((fast) ? HV_HYPERCALL_FAST_BIT : 0) |				\
	 ((u64)(reps) << HV_HYPERCALL_REP_COMP_OFFSET) | ((u64)(start) << HV_HYPERCALL_REP_START_OFFSET))

static struct {
	unsigned int calls;
	struct hv_hypercall_input ctl;
	size_t in_len;
	u16 start[8], count[8];
} probe;

static hv_status_t probe_rep(struct hv_hcall_ctx *ctx)
{
	if (probe.calls < ARRAY_SIZE(probe.start)) {
		probe.start[probe.calls] = ctx->rep_start;
		probe.count[probe.calls] = ctx->rep_count;
	}
	probe.calls++;
	probe.ctl = ctx->ctl;
	probe.in_len = ctx->in_len;
	for (; ctx->reps_done < ctx->rep_count; ctx->reps_done++) {
		unsigned int i = ctx->reps_done - ctx->rep_start;
		u16 v;

		memcpy(&v, ctx->in_reps + 2 * i, 2);
		if (v == PROBE_FAIL)
			return HV_STATUS_INVALID_PARAMETER;
		v++;
		memcpy(ctx->out_reps + 2 * i, &v, 2);
	}
	return HV_STATUS_SUCCESS;
}

static hv_status_t probe_out(struct hv_hcall_ctx *ctx)
{
	for (unsigned int i = 0; i < ctx->desc->out_size; i++)
		ctx->out[i] = 0xa0 + i;
	return HV_STATUS_SUCCESS;
}

static const struct hv_hcall_desc probes[] = {
	HV_HCALL(PROBE_REP, probe_rep, HCALL_REP | HCALL_VARHEAD, 0, 8, 2, 0, 2),
	HV_HCALL(PROBE_OUT0, probe_out, 0, 0, 0, 0, 16, 0),
	HV_HCALL(PROBE_OUT16, probe_out, 0, 0, 16, 0, 16, 0),
	HV_HCALL(PROBE_OUT24, probe_out, 0, 0, 24, 0, 24, 0),
};

/* Append the probes; their codes are above every real one, so the table stays sorted. */
static void inject_probes(struct hv *hv)
{
	unsigned int n = hv->nr_hcalls;
	const struct hv_hcall_desc **t = calloc(n + ARRAY_SIZE(probes), sizeof(*t));

	assert_non_null(t);
	memcpy(t, hv->hcalls, n * sizeof(*t));
	for (unsigned int i = 0; i < ARRAY_SIZE(probes); i++)
		t[n + i] = &probes[i];
	free((void *)hv->hcalls);
	hv->hcalls = t;
	hv->nr_hcalls = n + ARRAY_SIZE(probes);
}

/* A GetVpRegisters input at FAKE_IN_GPA: self, VTL of the caller, then names. */
static void put_get_regs(struct fake_hv *f, const u32 *names, unsigned int n)
{
	struct hv_input_get_set_vp_registers hdr = {
		.partition_id = HV_PARTITION_ID_SELF, .vp_index = HV_VP_INDEX_SELF,
	};
	u8 *p = fake_gpa(f, FAKE_IN_GPA);

	memcpy(p, &hdr, sizeof(hdr));
	memcpy(p + sizeof(hdr), names, n * sizeof(u32));
}

static int setup(void **state)
{
	struct fake_hv *f = fake_hv_new(2);

	if (!f || fake_hv_enable_hcalls(f))
		return -1;
	inject_probes(f->hv);
	memset(&probe, 0, sizeof(probe));
	memset(f->xmm, 0x55, sizeof(f->xmm));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fake_hv_free(*state);
	return 0;
}

/* ---- the merged table ----------------------------------------------------------------------- */

static void test_hcall_table_sorted_unique_complete(void **state)
{
	struct fake_hv *f = fake_hv_new(1);
	const struct hv *hv;

	(void)state;
	assert_non_null(f);
	hv = f->hv;
	assert_int_equal(hv->nr_hcalls,
			 hv_hcalls_pv_count + hv_hcalls_synic_count + hv_hcalls_regs_count);
	for (unsigned int i = 0; i < hv->nr_hcalls; i++) {
		const struct hv_hcall_desc *d = hv->hcalls[i];

		assert_non_null(d->name);
		assert_true(d->name[0]);
		assert_non_null(d->fn);
		if (i)
			assert_true(hv->hcalls[i - 1]->code < d->code);
		assert_ptr_equal(hv_hcall_find(hv, d->code), d);
		/* A rep element or fixed part never exceeds the page it travels in. */
		assert_true(d->in_size <= HV_PAGE_SIZE && d->out_size <= HV_PAGE_SIZE);
		assert_true(!(d->flags & HCALL_REP) || d->rep_in_size || d->rep_out_size);
	}
	assert_null(hv_hcall_find(hv, 0));
	assert_null(hv_hcall_find(hv, UNKNOWN));
	assert_null(hv_hcall_find(hv, 0xffff));
	fake_hv_free(f);
}

/* ---- control-word decoding ------------------------------------------------------------------ */

static void test_hcall_decode_fields(void **state)
{
	static const struct {
		u64 control;
		bool fast;
		u16 varhead, reps, start;
		size_t in_len;
	} cases[] = {
		{ C(PROBE_REP, 0, 3, 0), false, 0, 3, 0, 8 },
		{ C(PROBE_REP, 0, 3, 1) | FAKE_VARHEAD(2), false, 2, 3, 1, 24 },
		{ C(PROBE_REP, 0, 2000, 1999), false, 0, 2000, 1999, 8 },
		{ C(PROBE_REP, 1, 1, 0), true, 0, 1, 0, 8 },
		{ C(PROBE_REP, 1, 4, 2) | FAKE_VARHEAD(1), true, 1, 4, 2, 16 },
	};
	struct fake_hv *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hv_hcall_regs r = fake_regs64(cases[i].control, FAKE_IN_GPA, FAKE_OUT_GPA);

		memset(&probe, 0, sizeof(probe));
		assert_int_equal(hv_hypercall(fake_vp(f, 0), &r), HV_HCALL_DONE);
		assert_int_equal(hv_hypercall_result_status(r.rax), HV_STATUS_SUCCESS);
		assert_int_equal(hv_hypercall_result_reps(r.rax), cases[i].reps);
		assert_int_equal(probe.calls, 1);
		assert_int_equal(probe.ctl.code, PROBE_REP);
		assert_int_equal(probe.ctl.fast, cases[i].fast);
		assert_int_equal(probe.ctl.varhead_qwords, cases[i].varhead);
		assert_int_equal(probe.ctl.rep_count, cases[i].reps);
		assert_int_equal(probe.ctl.rep_start, cases[i].start);
		assert_int_equal(probe.start[0], cases[i].start);
		assert_int_equal(probe.in_len, cases[i].in_len);
	}
}

/* ---- the common checks, in the documented order -------------------------------------------- */

enum env { ENV_OK, ENV_REAL, ENV_CPL3, ENV_NO_PAGE, ENV_32BIT };

static const struct check_case {
	const char *name;
	u64 control;
	s64 in_off, out_off;	/* from FAKE_IN_GPA / FAKE_OUT_GPA (RDX / R8 when fast) */
	enum env env;
	u64 withhold_priv;
	u32 withhold_feat;
	enum hv_hcall_outcome outcome;
	hv_status_t status;
} check_cases[] = {
#define XIN HV_X64_HYPERCALL_XMM_INPUT_AVAILABLE
#define XOUT HV_X64_HYPERCALL_XMM_OUTPUT_AVAILABLE
#define VPREGS HV_ACCESS_VP_REGISTERS
#define IPI_EX HVCALL_SEND_SYNTHETIC_CLUSTER_IPI_EX
	{ "valid call", C(GET, 0, 2, 0), .status = HV_STATUS_SUCCESS },
	/* 1: environment */
	{ "real mode", C(GET, 0, 2, 0), .env = ENV_REAL, .outcome = HV_HCALL_UD },
	{ "CPL 3", C(GET, 0, 2, 0), .env = ENV_CPL3, .outcome = HV_HCALL_UD },
	{ "no hypercall page", C(GET, 0, 2, 0), .env = ENV_NO_PAGE, .outcome = HV_HCALL_UD },
	{ "CPL 3 beats unknown code", C(UNKNOWN, 0, 0, 0), .env = ENV_CPL3, .outcome = HV_HCALL_UD },
	/* 2: unknown code, which wins over everything after it */
	{ "unknown code", C(UNKNOWN, 0, 0, 0), .status = HV_STATUS_INVALID_HYPERCALL_CODE },
	{ "unknown+reserved", C(UNKNOWN, 0, 0, 0) | BIT(60), .status = 2 },
	{ "unknown+nested", C(UNKNOWN, 0, 0, 0) | HV_HYPERCALL_NESTED, .status = 2 },
	{ "unknown+rep fields", C(UNKNOWN, 1, 5, 7), .status = 2 },
	{ "unknown+fast, no XMM", C(UNKNOWN, 1, 0, 0) | FAKE_VARHEAD(1023),
	  .withhold_feat = XIN | XOUT, .status = 2 },
	{ "unknown+bad GPA", C(UNKNOWN, 0, 0, 0), 3, FAKE_HV_RAM, .status = 2 },
	/* 3: privilege */
	{ "no AccessVpRegisters", C(GET, 0, 2, 0), .withhold_priv = VPREGS,
	  .status = HV_STATUS_ACCESS_DENIED },
	{ "no PostMessages", C(HVCALL_POST_MESSAGE, 0, 0, 0), .withhold_priv = HV_POST_MESSAGES,
	  .status = HV_STATUS_ACCESS_DENIED },
	{ "no SignalEvents", C(HVCALL_SIGNAL_EVENT, 1, 0, 0), .withhold_priv = HV_SIGNAL_EVENTS,
	  .status = HV_STATUS_ACCESS_DENIED },
	{ "privilege beats XMM", C(GET, 1, 1, 0), .withhold_priv = VPREGS, .withhold_feat = XOUT,
	  .status = HV_STATUS_ACCESS_DENIED },
	{ "privilege beats reserved", C(GET, 0, 2, 0) | BIT(44), .withhold_priv = VPREGS,
	  .status = HV_STATUS_ACCESS_DENIED },
	/* 4: XMM fast input/output advertised */
	{ "XMM input, no feature", C(IPI_EX, 1, 0, 0), .withhold_feat = XIN,
	  .outcome = HV_HCALL_UD },
	{ "XMM output, no feature", C(GET, 1, 1, 0), .withhold_feat = XOUT,
	  .outcome = HV_HCALL_UD },
	{ "XMM output, 32-bit", C(GET, 1, 1, 0), .env = ENV_32BIT, .outcome = HV_HCALL_UD },
	{ "XMM beats reserved", C(IPI_EX, 1, 0, 0) | BIT(60), .withhold_feat = XIN,
	  .outcome = HV_HCALL_UD },
	{ "XMM beats rep start", C(GET, 1, 1, 1), .withhold_feat = XOUT,
	  .outcome = HV_HCALL_UD },
	/* 5: shape of the call */
	{ "rep count 0", C(GET, 0, 0, 0), .status = HV_STATUS_INVALID_HYPERCALL_INPUT },
	{ "rep start == count", C(GET, 0, 2, 2), .status = 3 },
	{ "rep start > count", C(GET, 0, 2, 3), .status = 3 },
	{ "rep count, simple call", C(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, 0, 1, 0), .status = 3 },
	{ "rep start, simple call", C(HVCALL_FLUSH_VIRTUAL_ADDRESS_SPACE, 0, 0, 1), .status = 3 },
	{ "variable header", C(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI, 0, 0, 0) | FAKE_VARHEAD(1),
	  .status = 3 },
	{ "variable header, rep", C(GET, 0, 2, 0) | FAKE_VARHEAD(1), .status = 3 },
	{ "fast PostMessage", C(HVCALL_POST_MESSAGE, 1, 0, 0), .status = 3 },
	{ "reserved bit 27", C(GET, 0, 2, 0) | BIT(27), .status = 3 },
	{ "reserved bit 30", C(GET, 0, 2, 0) | BIT(30), .status = 3 },
	{ "reserved bit 44", C(GET, 0, 2, 0) | BIT(44), .status = 3 },
	{ "reserved bit 47", C(GET, 0, 2, 0) | BIT(47), .status = 3 },
	{ "reserved bit 63", C(GET, 0, 2, 0) | BIT(63), .status = 3 },
	{ "nested", C(GET, 0, 2, 0) | HV_HYPERCALL_NESTED, .status = 3 },
	{ "fast input > 112", C(IPI_EX, 1, 0, 0) | FAKE_VARHEAD(12), .status = 3 },
	{ "fast in+out > 112", C(GET, 1, 6, 0), .status = 3 },
	{ "fast input == 112", C(IPI_EX, 1, 0, 0) | FAKE_VARHEAD(11),
	  .status = HV_STATUS_INVALID_PARAMETER },
	{ "shape beats alignment", C(GET, 0, 0, 0), 4, 4, .status = 3 },
	/* 6: memory lists */
	{ "input unaligned", C(GET, 0, 2, 0), 4, .status = HV_STATUS_INVALID_ALIGNMENT },
	{ "output unaligned", C(GET, 0, 2, 0), 0, 4, .status = 4 },
	{ "input crosses a page", C(GET, 0, 2, 0), 4096 - 16, .status = 4 },
	{ "output crosses a page", C(GET, 0, 2, 0), 0, 4096 - 16, .status = 4 },
	{ "input outside RAM", C(GET, 0, 2, 0), FAKE_HV_RAM, .status = 4 },
	{ "output outside RAM", C(GET, 0, 2, 0), 0, FAKE_HV_RAM, .status = 4 },
	{ "input ends at page end", C(GET, 0, 2, 0), 4096 - 24,
	  .status = HV_STATUS_INVALID_PARTITION_ID },
	{ "output ends at page end", C(GET, 0, 2, 0), 0, 4096 - 32, .status = 0 },
};

/* Run one row on a fresh partition; false (with a message) if it does not behave as listed. */
static bool run_check_case(const struct check_case *c)
{
	static const u32 names[] = { HV_REGISTER_VP_INDEX, HV_REGISTER_GUEST_OS_ID };
	struct hv_config cfg = fake_hv_config(2);
	struct fake_hv *f;
	struct hv_hcall_regs r, before;
	gpa_t in = FAKE_IN_GPA + c->in_off, out = FAKE_OUT_GPA + c->out_off;
	enum hv_hcall_outcome o;
	bool ok = true;
	u8 *outp;

	cfg.privilege_mask &= ~c->withhold_priv;
	cfg.feature_mask &= ~c->withhold_feat;
	f = fake_hv_new_cfg(&cfg);
	assert_non_null(f);
	if (c->env != ENV_NO_PAGE)
		assert_int_equal(fake_hv_enable_hcalls(f), 0);
	put_get_regs(f, names, 2);
	outp = fake_gpa(f, FAKE_OUT_GPA);
	memset(outp, 0xaa, 2 * HV_PAGE_SIZE);
	r = c->env == ENV_32BIT ? fake_regs32(c->control, in, out) : fake_regs64(c->control, in, out);
	r.protected_mode = c->env != ENV_REAL;
	r.cpl = c->env == ENV_CPL3 ? 3 : 0;
	before = r;
	o = hv_hypercall(fake_vp(f, 0), &r);
	if (o != c->outcome) {
		print_error("%s: outcome %d, expected %d\n", c->name, o, c->outcome);
		ok = false;
	} else if (o == HV_HCALL_UD && (r.rax != before.rax || r.rdx != before.rdx ||
					r.rcx != before.rcx || r.r8 != before.r8)) {
		print_error("%s: #UD wrote a result\n", c->name);
		ok = false;
	} else if (o != HV_HCALL_UD && hv_hypercall_result_status(fake_result(&r)) != c->status) {
		print_error("%s: status %#x, expected %#x\n", c->name,
			    hv_hypercall_result_status(fake_result(&r)), c->status);
		ok = false;
	}
	/* Nothing is written to the output list unless the call succeeds. */
	for (size_t i = 0; ok && (c->outcome || c->status) && i < 2 * HV_PAGE_SIZE; i++) {
		if (outp[i] != 0xaa) {
			print_error("%s: output written at +%zu\n", c->name, i);
			ok = false;
		}
	}
	fake_hv_free(f);
	return ok;
}

static void test_hcall_common_checks(void **state)
{
	unsigned int failed = 0;

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(check_cases); i++)
		failed += !run_check_case(&check_cases[i]);
	assert_int_equal(failed, 0);
}

/* ---- rep calls ---------------------------------------------------------------------------- */

/* Probe input: header, then rep i = i (or PROBE_FAIL at fail_at); output prefilled 0xaaaa. */
static void put_probe_reps(struct fake_hv *f, unsigned int n, unsigned int fail_at)
{
	u16 *in = (u16 *)((u8 *)fake_gpa(f, FAKE_IN_GPA) + 8);

	for (unsigned int i = 0; i < n; i++)
		in[i] = i == fail_at ? PROBE_FAIL : i;
	memset(fake_gpa(f, FAKE_OUT_GPA), 0xaa, HV_PAGE_SIZE);
}

/* Issue r until it is done, as the vCPU does on HV_HCALL_RESTART; returns the entries. */
static unsigned int issue(struct fake_hv *f, struct hv_hcall_regs *r)
{
	unsigned int n = 1;
	enum hv_hcall_outcome o;

	while ((o = hv_hypercall(fake_vp(f, 0), r)) == HV_HCALL_RESTART) {
		u64 ctl = fake_control(r);

		/* The caller's control word now starts at the first rep not yet done. */
		assert_int_equal((ctl & HV_HYPERCALL_REP_START_MASK) >> HV_HYPERCALL_REP_START_OFFSET,
				 n * HV_HCALL_REP_BUDGET);
		assert_int_equal(ctl & HV_HYPERCALL_REP_COMP_MASK, C(0, 0, 1500, 0));
		n++;
	}
	assert_int_equal(o, HV_HCALL_DONE);
	return n;
}

static void test_hcall_rep_continuation(void **state)
{
	struct fake_hv *f = *state;
	u16 *out = fake_gpa(f, FAKE_OUT_GPA);

	for (int bits = 32; bits <= 64; bits += 32) {
		u64 ctl = C(PROBE_REP, 0, 1500, 0);
		struct hv_hcall_regs r = bits == 64 ? fake_regs64(ctl, FAKE_IN_GPA, FAKE_OUT_GPA) :
					 fake_regs32(ctl, FAKE_IN_GPA, FAKE_OUT_GPA);

		memset(&probe, 0, sizeof(probe));
		put_probe_reps(f, 1500, ~0U);
		assert_int_equal(issue(f, &r), 3);
		assert_int_equal(fake_result(&r), hv_hypercall_result(HV_STATUS_SUCCESS, 1500));
		assert_int_equal(probe.start[0], 0);
		assert_int_equal(probe.count[0], 512);
		assert_int_equal(probe.start[2], 1024);
		assert_int_equal(probe.count[2], 1500);
		/* Every slice's output survives the later entries. */
		for (unsigned int i = 0; i < 1500; i++)
			assert_int_equal(out[i], i + 1);
		assert_int_equal(out[1500], 0xaaaa);
	}
}

static void test_hcall_rep_error_after_continuation(void **state)
{
	struct fake_hv *f = *state;
	struct hv_hcall_regs r = fake_regs64(C(PROBE_REP, 0, 1500, 0), FAKE_IN_GPA, FAKE_OUT_GPA);
	u16 *out = fake_gpa(f, FAKE_OUT_GPA);

	put_probe_reps(f, 1500, 700);
	assert_int_equal(issue(f, &r), 2);
	assert_int_equal(r.rax, hv_hypercall_result(HV_STATUS_INVALID_PARAMETER, 700));
	for (unsigned int i = 0; i < 700; i++)
		assert_int_equal(out[i], i + 1);
	for (unsigned int i = 700; i < 1500; i++)
		assert_int_equal(out[i], 0xaaaa);
}

/* GetVpRegisters over names[], from rep start; output prefilled with 0xaa. */
static hv_status_t get_regs(struct fake_hv *f, const u32 *names, u16 n, u16 start, u16 *reps)
{
	put_get_regs(f, names, n);
	memset(fake_gpa(f, FAKE_OUT_GPA), 0xaa, HV_PAGE_SIZE);
	return fake_hcall(f, 1, C(GET, 0, n, start), reps);
}

static void assert_out_reg(struct fake_hv *f, unsigned int i, u64 lo, u64 hi)
{
	const u64 *out = (const u64 *)fake_gpa(f, FAKE_OUT_GPA) + 2 * i;

	assert_int_equal(out[0], lo);
	assert_int_equal(out[1], hi);
}

static void test_hcall_rep_start_counts_absolutely(void **state)
{
	struct fake_hv *f = *state;
	u32 names[10];
	u16 reps;

	for (unsigned int i = 0; i < 10; i++)
		names[i] = HV_REGISTER_VP_INDEX;
	assert_int_equal(get_regs(f, names, 10, 5, &reps), HV_STATUS_SUCCESS);
	assert_int_equal(reps, 10);
	/* Reps before the rep start belong to an earlier call: left alone. */
	for (unsigned int i = 0; i < 5; i++)
		assert_out_reg(f, i, 0xaaaaaaaaaaaaaaaaULL, 0xaaaaaaaaaaaaaaaaULL);
	for (unsigned int i = 5; i < 10; i++)
		assert_out_reg(f, i, 1, 0);
}

static void test_hcall_rep_error_mid_list(void **state)
{
	static const u32 names[] = {
		HV_REGISTER_VP_INDEX, HV_REGISTER_GUEST_OS_ID, HV_X64_REGISTER_RIP,
		HV_REGISTER_VP_INDEX,
	};
	struct fake_hv *f = *state;
	u16 reps;

	for (u16 start = 0; start < 2; start++) {
		assert_int_equal(get_regs(f, names, 4, start, &reps),
				 HV_STATUS_UNKNOWN_REGISTER_NAME);
		assert_int_equal(reps, 2);
		if (start)
			assert_out_reg(f, 0, 0xaaaaaaaaaaaaaaaaULL, 0xaaaaaaaaaaaaaaaaULL);
		else
			assert_out_reg(f, 0, 1, 0);
		assert_out_reg(f, 1, FAKE_GUEST_OS_ID, 0);
		assert_out_reg(f, 2, 0xaaaaaaaaaaaaaaaaULL, 0xaaaaaaaaaaaaaaaaULL);
		assert_out_reg(f, 3, 0xaaaaaaaaaaaaaaaaULL, 0xaaaaaaaaaaaaaaaaULL);
	}
}

/* ---- the 32-bit register convention -------------------------------------------------------- */

static void test_hcall_x86_convention(void **state)
{
	static const u32 names[] = { HV_REGISTER_VP_INDEX, HV_REGISTER_GUEST_OS_ID };
	struct fake_hv *f = *state;
	struct hv_hcall_regs r = fake_regs32(C(GET, 0, 2, 0), FAKE_IN_GPA, FAKE_OUT_GPA);

	put_get_regs(f, names, 2);
	/* Upper halves of the 64-bit registers are not part of a 32-bit call. */
	r.rax |= 0xdead000000000000ULL;
	r.rbx |= 0xbeef000000000000ULL;
	r.rcx |= 0xf00d000000000000ULL;
	r.rsi |= 0xcafe000000000000ULL;
	r.r8 = 0x1111;
	assert_int_equal(hv_hypercall(fake_vp(f, 1), &r), HV_HCALL_DONE);
	assert_int_equal(r.rax, 0);		/* EAX: status */
	assert_int_equal(r.rdx, 2);		/* EDX: reps completed */
	assert_int_equal(r.r8, 0x1111);
	assert_out_reg(f, 0, 1, 0);
	assert_out_reg(f, 1, FAKE_GUEST_OS_ID, 0);

	/* EBX and EDI are the high halves of the input and output GPAs. */
	r = fake_regs32(C(GET, 0, 2, 0), FAKE_IN_GPA | BIT(32), FAKE_OUT_GPA);
	assert_int_equal(hv_hypercall(fake_vp(f, 1), &r), HV_HCALL_DONE);
	assert_int_equal(r.rax, HV_STATUS_INVALID_ALIGNMENT);
	r = fake_regs32(C(GET, 0, 2, 0), FAKE_IN_GPA, FAKE_OUT_GPA | BIT(32));
	assert_int_equal(hv_hypercall(fake_vp(f, 1), &r), HV_HCALL_DONE);
	assert_int_equal(r.rax, HV_STATUS_INVALID_ALIGNMENT);

	/* Fast: EBX:ECX then EDI:ESI are the 16 input bytes. */
	r = fake_regs32(C(HVCALL_SEND_SYNTHETIC_CLUSTER_IPI, 1, 0, 0), 0x31, BIT(1));
	assert_int_equal(hv_hypercall(fake_vp(f, 0), &r), HV_HCALL_DONE);
	assert_int_equal(fake_result(&r), HV_STATUS_SUCCESS);
	assert_int_equal(f->nr_irqs, 1);
	assert_int_equal(f->irqs[0].vp, 1);
	assert_int_equal(f->irqs[0].vector, 0x31);
}

/* ---- XMM fast output placement ----------------------------------------------------------- */

static void test_hcall_xmm_output_placement(void **state)
{
	static const struct {
		u16 code;
		unsigned int in_size, out_size;
		unsigned int first_xmm;	/* FAKE_HV_XMM: output starts in RDX */
	} cases[] = {
		{ PROBE_OUT0, 0, 16, FAKE_HV_XMM },
		{ PROBE_OUT16, 16, 16, 0 },
		{ PROBE_OUT24, 24, 24, 1 },
	};
	struct fake_hv *f = *state;
	u8 want[32], (*xmm)[16] = f->xmm[0];

	for (unsigned int i = 0; i < sizeof(want); i++)
		want[i] = 0xa0 + i;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hv_hcall_regs r = fake_regs64(C(cases[i].code, 1, 0, 0), 0x1111, 0x2222);

		memset(f->xmm, 0x55, sizeof(f->xmm));
		assert_int_equal(hv_hypercall(fake_vp(f, 0), &r), HV_HCALL_DONE);
		assert_int_equal(r.rax, HV_STATUS_SUCCESS);
		if (cases[i].first_xmm == FAKE_HV_XMM) {
			assert_memory_equal(&r.rdx, want, 8);
			assert_memory_equal(&r.r8, want + 8, 8);
			assert_int_equal(xmm[0][0], 0x55);
			continue;
		}
		/* The input registers are untouched; output begins at the next 16-byte boundary. */
		assert_int_equal(r.rdx, 0x1111);
		assert_int_equal(r.r8, 0x2222);
		for (unsigned int x = 0; x < cases[i].first_xmm; x++)
			assert_int_equal(xmm[x][15], 0x55);
		assert_memory_equal(xmm[cases[i].first_xmm], want, cases[i].out_size);
		assert_int_equal(xmm[cases[i].first_xmm + 2][0], 0x55);
	}
}

/* Fast GetVpRegisters: RDX:R8 = partition, VP index and VTL; XMM0 = names; values from XMM1. */
static void test_hcall_xmm_get_vp_registers(void **state)
{
	static const struct {
		u32 names[2];
		u16 start;
		hv_status_t status;
		u16 reps;
		bool written[2];	/* XMM1, XMM2 */
	} cases[] = {
		{ { HV_REGISTER_VP_INDEX, HV_REGISTER_GUEST_OS_ID }, 0, 0, 2, { true, true } },
		{ { HV_REGISTER_VP_INDEX, HV_REGISTER_GUEST_OS_ID }, 1, 0, 2, { false, true } },
		{ { HV_REGISTER_VP_INDEX, HV_X64_REGISTER_RIP }, 0, HV_STATUS_UNKNOWN_REGISTER_NAME, 1,
		  { true, false } },
	};
	struct fake_hv *f = *state;
	u8 (*xmm)[16] = f->xmm[1], untouched[16];
	const u64 values[2] = { 1, FAKE_GUEST_OS_ID };

	memset(untouched, 0x55, sizeof(untouched));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hv_hcall_regs r = fake_regs64(C(GET, 1, 2, cases[i].start),
						     HV_PARTITION_ID_SELF, HV_VP_INDEX_SELF);

		memset(f->xmm, 0x55, sizeof(f->xmm));
		memcpy(xmm[0], cases[i].names, sizeof(cases[i].names));
		assert_int_equal(hv_hypercall(fake_vp(f, 1), &r), HV_HCALL_DONE);
		assert_int_equal(r.rax, hv_hypercall_result(cases[i].status, cases[i].reps));
		assert_int_equal(r.rdx, HV_PARTITION_ID_SELF);
		assert_memory_equal(xmm[0], cases[i].names, sizeof(cases[i].names));
		for (unsigned int n = 0; n < 2; n++) {
			u64 want[2] = { values[n], 0 };

			if (cases[i].written[n])
				assert_memory_equal(xmm[1 + n], want, 16);
			else
				assert_memory_equal(xmm[1 + n], untouched, 16);
		}
		assert_memory_equal(xmm[3], untouched, 16);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hcall_table_sorted_unique_complete),
		cmocka_unit_test_setup_teardown(test_hcall_decode_fields, setup, teardown),
		cmocka_unit_test(test_hcall_common_checks),
		cmocka_unit_test_setup_teardown(test_hcall_rep_continuation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hcall_rep_error_after_continuation, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hcall_rep_start_counts_absolutely, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_hcall_rep_error_mid_list, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hcall_x86_convention, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hcall_xmm_output_placement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hcall_xmm_get_vp_registers, setup, teardown),
	};

	return cmocka_run_group_tests_name("hcall", tests, NULL, NULL);
}
