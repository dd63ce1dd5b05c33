// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "lapic: " fmt
#include "vtl/lapic.h"

#include <errno.h>
#include <string.h>

#include "vmm/log.h"

/* Register indexes: xAPIC offset >> 4, which is also x2APIC MSR - 0x800 (SDM 11.12.1.2). */
enum {
	REG_ID = 0x02, REG_VER = 0x03, REG_TPR = 0x08, REG_APR = 0x09, REG_PPR = 0x0a,
	REG_EOI = 0x0b, REG_LDR = 0x0d, REG_DFR = 0x0e, REG_SPIV = 0x0f, REG_ISR = 0x10,
	REG_TMR = 0x18, REG_IRR = 0x20, REG_ESR = 0x28, REG_ICR = 0x30, REG_ICR2 = 0x31,
	REG_LVTT = 0x32, REG_LVTTHMR = 0x33, REG_LVTPC = 0x34, REG_LINT0 = 0x35,
	REG_LINT1 = 0x36, REG_LVTERR = 0x37, REG_TMICT = 0x38, REG_TMCCT = 0x39,
	REG_TDCR = 0x3e, REG_SELF_IPI = 0x3f, NR_REGS = 0x40,
};

/* Version 0x14, max LVT entry 5 (no CMCI), no EOI-broadcast suppression: what KVM reports. */
#define APIC_VERSION		0x50014
#define SPIV_ENABLE		BIT(8)
#define LVT_MASKED		BIT(16)
#define LVT_VECTOR(v)		((v) & 0xff)
#define ESR_SEND_ILLEGAL	BIT(5)
#define ESR_RECV_ILLEGAL	BIT(6)
/* SDM 11.12.9: x2APIC ICR bits 31:20, 17:16 and 13 are reserved (bit 12 ignored, as KVM). */
#define X2APIC_ICR_RESERVED	(GENMASK_ULL(31, 20) | GENMASK_ULL(17, 16) | BIT(13))
/* SDM vol. 4, IA32_APIC_BASE: bits 7:0, 9 and above MAXPHYADDR (taken as 52) are reserved. */
#define APIC_BASE_RESERVED	(GENMASK_ULL(63, 52) | BIT(9) | GENMASK_ULL(7, 0))
#define APIC_BASE_ADDR		GENMASK_ULL(51, 12)

enum timer_mode { TIMER_ONESHOT, TIMER_PERIODIC, TIMER_TSC_DEADLINE };

/*
 * A periodic timer below 100 us would cost the host an exit and an event
 * loop wake-up every few microseconds for no guest that needs it; KVM
 * clamps too (min_timer_period_us).
 */
#define TIMER_MIN_PERIOD_NS	100000ULL
#define NSEC_PER_SEC		1000000000ULL

/* Access rules of one register, by index (SDM Table 11-1 and Table 11-6). */
#define RD	BIT(0)		/* readable */
#define WR	BIT(1)		/* writable */
#define XAPIC	BIT(2)		/* xAPIC only: reserved (#GP) as an x2APIC MSR */
#define X2APIC	BIT(3)		/* x2APIC only: reserved in the xAPIC page */
#define X2_RO	BIT(4)		/* read-only as an x2APIC MSR */
#define X2_ZERO	BIT(5)		/* "WRMSR of a non-zero value causes #GP(0)" */

struct reg_desc {
	u8 flags;
	u32 wmask;	/* writable bits; the rest are reserved and ignored */
};

static const struct reg_desc reg_desc[NR_REGS] = {
	[REG_ID] = { RD },	/* xAPIC ID writes are model specific (SDM 11.4.6): ignored */
	[REG_VER] = { RD },
	[REG_TPR] = { RD | WR, 0xff },
	[REG_APR] = { RD | XAPIC },
	[REG_PPR] = { RD },
	[REG_EOI] = { WR | X2_ZERO },
	[REG_LDR] = { RD | WR | X2_RO, 0xff000000 },
	[REG_DFR] = { RD | WR | XAPIC, 0xf0000000 },
	[REG_SPIV] = { RD | WR, 0x3ff },
	[REG_ISR ... REG_ISR + 7] = { RD },
	[REG_TMR ... REG_TMR + 7] = { RD },
	[REG_IRR ... REG_IRR + 7] = { RD },
	[REG_ESR] = { RD | WR | X2_ZERO },
	[REG_ICR] = { RD | WR, 0x000ccfff },	/* delivery status (bit 12) always reads idle */
	[REG_ICR2] = { RD | WR | XAPIC, 0xff000000 },
	[REG_LVTT] = { RD | WR, 0x000700ff },
	[REG_LVTTHMR] = { RD | WR, 0x000107ff },
	[REG_LVTPC] = { RD | WR, 0x000107ff },
	[REG_LINT0] = { RD | WR, 0x0001a7ff },
	[REG_LINT1] = { RD | WR, 0x0001a7ff },
	[REG_LVTERR] = { RD | WR, 0x000100ff },
	[REG_TMICT] = { RD | WR, 0xffffffff },
	[REG_TMCCT] = { RD },
	[REG_TDCR] = { RD | WR, 0xb },
	[REG_SELF_IPI] = { WR | X2APIC, 0xff },
};

/* expr, evaluated under a->lock. */
#define locked(a, expr) ({						\
	pthread_mutex_lock(&(a)->lock);					\
	__typeof__(expr) locked_val_ = (expr);				\
	pthread_mutex_unlock(&(a)->lock);				\
	locked_val_; })

/* What an entry point does after dropping the lock. */
struct lapic_out {
	int prev;		/* pending() when the lock was taken */
	bool send;
	struct lapic_ipi ipi;
};

/* ---- 256-bit vector bitmaps ------------------------------------------------------------------ */

static void vec_set(u32 *bm, u8 v)
{
	bm[v / 32] |= 1U << (v % 32);
}

static bool vec_test(const u32 *bm, u8 v)
{
	return bm[v / 32] & (1U << (v % 32));
}

static void vec_clear(u32 *bm, u8 v)
{
	bm[v / 32] &= ~(1U << (v % 32));
}

static int vec_highest(const u32 *bm)
{
	for (int i = 7; i >= 0; i--)
		if (bm[i])
			return i * 32 + 31 - __builtin_clz(bm[i]);
	return -1;
}

/* ---- state ----------------------------------------------------------------------------------- */

/* IA32_APIC_BASE[EN, EXTD] (SDM 11.12.5); INVALID is never the current mode. */
enum apic_mode { MODE_DISABLED, MODE_INVALID, MODE_XAPIC, MODE_X2APIC };

static enum apic_mode base_mode(u64 base)
{
	return (base & MSR_IA32_APICBASE_ENABLE ? 2 : 0) | (base & MSR_IA32_APICBASE_EXTD ? 1 : 0);
}

static bool hw_enabled(const struct lapic *a)
{
	return base_mode(a->apic_base) != MODE_DISABLED;
}

static bool x2apic_mode(const struct lapic *a)
{
	return base_mode(a->apic_base) == MODE_X2APIC;
}

static bool sw_enabled(const struct lapic *a)
{
	return hw_enabled(a) && (a->regs[REG_SPIV] & SPIV_ENABLE);
}

/* SDM 11.8.3.1: PPR is TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4] << 4. */
static u32 ppr(const struct lapic *a)
{
	u32 tpr = a->regs[REG_TPR] & 0xff;
	int isrv = vec_highest(a->isr);
	u32 isr_class = isrv < 0 ? 0 : (u32)isrv & 0xf0;

	return (tpr & 0xf0) >= isr_class ? tpr : isr_class;
}

static int next_vector(const struct lapic *a)
{
	int v = vec_highest(a->irr);

	if (!sw_enabled(a) || v < 0 || ((u32)v & 0xf0) <= (ppr(a) & 0xf0))
		return -1;
	return v;
}

/* What the CPU would take now: 256 for an NMI, a vector, or -1. */
static int pending(const struct lapic *a)
{
	return a->nmi_pending ? 256 : next_vector(a);
}

static void lapic_lock(struct lapic *a, struct lapic_out *out)
{
	pthread_mutex_lock(&a->lock);
	out->prev = pending(a);
	out->send = false;
}

/* Drop the lock, then make the calls that must run without it (lapic.h: Threads). */
static void lapic_unlock(struct lapic *a, struct lapic_out *out)
{
	int now = pending(a);

	pthread_mutex_unlock(&a->lock);
	if (out->send)
		a->ops->send_ipi(a->ctx, &out->ipi);
	if (now >= 0 && now != out->prev)
		a->ops->notify(a->ctx);
}

/* SDM 11.5.3: an error is logged for the next ESR write and raises the LVT error entry. */
static void raise_error(struct lapic *a, u32 bit)
{
	u32 lvt = a->regs[REG_LVTERR];

	a->esr_pending |= bit;
	if (!(lvt & LVT_MASKED) && LVT_VECTOR(lvt) >= 16)
		vec_set(a->irr, LVT_VECTOR(lvt));
}

static void deliver_locked(struct lapic *a, enum lapic_dm mode, u8 vector, bool level)
{
	if (!hw_enabled(a))
		return;
	if (mode == LAPIC_DM_NMI) {
		a->nmi_pending = true;
		return;
	}
	if (mode != LAPIC_DM_FIXED && mode != LAPIC_DM_LOWEST) {
		pr_warn_ratelimited("apic %u: delivery mode %u dropped", a->id, mode);
		return;
	}
	if (!sw_enabled(a)) {
		pr_warn_ratelimited("apic %u: disabled, vector %#x dropped", a->id, vector);
		return;
	}
	if (vector < 16) {	/* SDM 11.5.3: "Receive Illegal Vector" */
		pr_warn_ratelimited("apic %u: illegal vector %#x received", a->id, vector);
		raise_error(a, ESR_RECV_ILLEGAL);
		return;
	}
	vec_set(a->irr, vector);
	if (level)
		vec_set(a->tmr, vector);
	else
		vec_clear(a->tmr, vector);
}

/* ---- timer (SDM 11.5.4) ---------------------------------------------------------------------- */

static enum timer_mode timer_mode(const struct lapic *a)
{
	/* 11b is reserved; it counts like one-shot, as in KVM. */
	u32 mode = (a->regs[REG_LVTT] >> 17) & 3;

	return mode == 3 ? TIMER_ONESHOT : mode;
}

/* SDM Figure 11-10: bits 3,1:0 of TDCR; 111b divides by 1, the others by 2 << value. */
static u32 timer_divisor(const struct lapic *a)
{
	u32 v = (a->regs[REG_TDCR] & 3) | ((a->regs[REG_TDCR] & 8) >> 1);

	return v == 7 ? 1 : 2U << v;
}

static u64 timer_period(const struct lapic *a)
{
	if (timer_mode(a) == TIMER_PERIODIC && a->timer_period_ns)
		return MAX(a->timer_period_ns, TIMER_MIN_PERIOD_NS);
	return a->timer_period_ns;
}

static void timer_set(struct lapic *a, u64 deadline_ns)
{
	a->timer_deadline_ns = deadline_ns;
	a->ops->timer_arm(a->ctx, deadline_ns);
}

static void timer_stop(struct lapic *a)
{
	a->timer_period_ns = 0;
	timer_set(a, 0);
}

/* Load the current count from the initial count (a TMICT write). */
static void timer_load(struct lapic *a)
{
	u64 ticks = (u64)a->regs[REG_TMICT] * timer_divisor(a);

	/* SDM 11.5.4: "A write of 0 to the initial-count register effectively stops the timer". */
	if (!ticks) {
		timer_stop(a);
		return;
	}
	a->timer_start_ns = a->ops->now_ns(a->ctx);
	a->timer_period_ns = (unsigned __int128)ticks * NSEC_PER_SEC / LAPIC_BUS_HZ;
	if (!a->timer_period_ns)
		a->timer_period_ns = 1;
	timer_set(a, a->timer_start_ns + timer_period(a));
}

/* The current count scales with the time left of the (possibly clamped) period. */
static u32 timer_current_count(const struct lapic *a)
{
	u64 period = timer_period(a), elapsed;

	if (!period || timer_mode(a) == TIMER_TSC_DEADLINE)
		return 0;
	elapsed = a->ops->now_ns(a->ctx) - a->timer_start_ns;
	if (timer_mode(a) == TIMER_PERIODIC)
		elapsed %= period;
	else if (elapsed >= period)
		return 0;	/* one-shot: stays 0 after expiry */
	return (unsigned __int128)(period - elapsed) * a->regs[REG_TMICT] / period;
}

/* Monotonic ns at which the guest TSC reaches tsc; now if it already has. */
static u64 tsc_to_mono(const struct lapic *a, u64 tsc)
{
	u64 now = a->ops->now_ns(a->ctx), guest = a->ops->guest_tsc(a->ctx);
	unsigned __int128 ns;

	if (tsc <= guest || !a->tsc_hz)
		return now;
	ns = now + (unsigned __int128)(tsc - guest) * NSEC_PER_SEC / a->tsc_hz;
	return ns > UINT64_MAX ? UINT64_MAX : (u64)ns;
}

static void tsc_deadline_write(struct lapic *a, u64 val)
{
	/*
	 * SDM 11.5.4.1: in other timer modes "the IA32_TSC_DEADLINE MSR reads
	 * zero and writes are ignored".
	 */
	if (timer_mode(a) != TIMER_TSC_DEADLINE)
		return;
	a->tsc_deadline = val;
	timer_set(a, val ? tsc_to_mono(a, val) : 0);
}

static void timer_expired(struct lapic *a, u64 now)
{
	u32 lvt = a->regs[REG_LVTT];
	u64 period = timer_period(a);

	if (timer_mode(a) == TIMER_PERIODIC && period) {
		/* The next multiple of the period after now: no drift, never in the past. */
		timer_set(a, a->timer_start_ns + ((now - a->timer_start_ns) / period + 1) * period);
	} else {
		a->tsc_deadline = 0;
		timer_set(a, 0);
	}
	/* SDM 11.5.1: the mask "inhibits reception of the interrupt"; the count goes on. */
	if (!(lvt & LVT_MASKED))
		deliver_locked(a, LAPIC_DM_FIXED, LVT_VECTOR(lvt), false);
}

void lapic_timer_fire(struct lapic *a)
{
	struct lapic_out out;
	u64 now;

	lapic_lock(a, &out);
	now = a->ops->now_ns(a->ctx);
	/* A timer disarmed since it was armed is a spurious call: nothing to do. */
	if (a->timer_deadline_ns) {
		if (now < a->timer_deadline_ns)
			timer_set(a, a->timer_deadline_ns);	/* early: wait for the rest */
		else
			timer_expired(a, now);
	}
	lapic_unlock(a, &out);
}

/* ---- register writes ------------------------------------------------------------------------- */

static void eoi_locked(struct lapic *a)
{
	int v = vec_highest(a->isr);

	/* No EOI broadcast: nothing level-triggered sits behind this APIC (lapic.h). */
	if (v >= 0)
		vec_clear(a->isr, v);
}

static u64 icr_read(const struct lapic *a)
{
	return (u64)a->regs[REG_ICR2] << 32 | a->regs[REG_ICR];
}

static struct lapic_ipi icr_decode(const struct lapic *a, u64 icr)
{
	bool x2 = x2apic_mode(a);

	return (struct lapic_ipi) {
		.vector = icr & 0xff,
		.mode = (icr >> 8) & 7,
		.logical = icr & BIT(11),
		.level = icr & BIT(15),
		.shorthand = (icr >> 18) & 3,
		.dest = x2 ? icr >> 32 : icr >> 56,
		.x2apic = x2,
	};
}

/*
 * Store and send an ICR value: dest in bits 63:32 in x2APIC mode and 63:56
 * (ICR high 31:24) in xAPIC mode, for Hyper-V's HV_X64_MSR_ICR too (KVM).
 */
static void icr_write(struct lapic *a, u64 icr, struct lapic_out *out)
{
	struct lapic_ipi ipi = icr_decode(a, icr);

	a->regs[REG_ICR] = icr & reg_desc[REG_ICR].wmask;
	a->regs[REG_ICR2] = x2apic_mode(a) ? icr >> 32 : (icr >> 32) & reg_desc[REG_ICR2].wmask;
	if ((ipi.mode == LAPIC_DM_FIXED || ipi.mode == LAPIC_DM_LOWEST) && ipi.vector < 16) {
		pr_warn_ratelimited("apic %u: illegal vector %#x sent", a->id, ipi.vector);
		raise_error(a, ESR_SEND_ILLEGAL);
		return;
	}
	if (ipi.shorthand == LAPIC_DEST_SELF) {
		deliver_locked(a, ipi.mode, ipi.vector, ipi.level);
		return;
	}
	/* For LAPIC_DEST_ALL the VMM delivers to this APIC as well. */
	out->ipi = ipi;
	out->send = true;
}

/* SDM 11.4.7.2: software-disabled, "the mask bits for all the LVT entries are set". */
static void spiv_write(struct lapic *a, u32 val)
{
	a->regs[REG_SPIV] = val;
	if (val & SPIV_ENABLE)
		return;
	for (unsigned int i = REG_LVTT; i <= REG_LVTERR; i++)
		a->regs[i] |= LVT_MASKED;
}

static void lvt_write(struct lapic *a, unsigned int idx, u32 val)
{
	/* SDM 11.4.7.2: while software-disabled, "attempts to reset these bits will be ignored". */
	if (!sw_enabled(a))
		val |= LVT_MASKED;
	a->regs[idx] = val;
}

static void lvtt_write(struct lapic *a, u32 val)
{
	bool was_deadline = timer_mode(a) == TIMER_TSC_DEADLINE;

	lvt_write(a, REG_LVTT, val);
	/*
	 * SDM 11.5.4.1: "transitions between TSC-deadline mode and other timer
	 * modes also disarm the timer".
	 */
	if (was_deadline != (timer_mode(a) == TIMER_TSC_DEADLINE)) {
		a->regs[REG_TMICT] = 0;
		a->tsc_deadline = 0;
		timer_stop(a);
	}
}

static void tmict_write(struct lapic *a, u32 val)
{
	/* SDM 11.5.4.1: in TSC-deadline mode "writes to the initial-count register are ignored". */
	if (timer_mode(a) == TIMER_TSC_DEADLINE)
		return;
	a->regs[REG_TMICT] = val;
	timer_load(a);
}

/* SDM 11.5.3: a write latches the errors seen since the previous write. */
static void esr_write(struct lapic *a)
{
	a->regs[REG_ESR] = a->esr_pending;
	a->esr_pending = 0;
}

/* val has been masked with the register's wmask. */
static void reg_write(struct lapic *a, unsigned int idx, u32 val, struct lapic_out *out)
{
	switch (idx) {
	case REG_EOI:
		eoi_locked(a);
		break;
	case REG_DFR:
		a->regs[idx] = val | 0x0fffffff;	/* bits 27:0 read as ones */
		break;
	case REG_SPIV:
		spiv_write(a, val);
		break;
	case REG_ESR:
		esr_write(a);
		break;
	case REG_ICR:	/* xAPIC: writing the low half sends */
		icr_write(a, (u64)a->regs[REG_ICR2] << 32 | val, out);
		break;
	case REG_LVTT:
		lvtt_write(a, val);
		break;
	case REG_LVTTHMR ... REG_LVTERR:
		lvt_write(a, idx, val);
		break;
	case REG_TMICT:
		tmict_write(a, val);
		break;
	case REG_SELF_IPI:
		deliver_locked(a, LAPIC_DM_FIXED, val, false);
		break;
	default:	/* TPR, LDR, ICR2, TDCR (a new divisor applies at the next load) */
		a->regs[idx] = val;
		break;
	}
}

/* SDM 11.12.10.2: x2APIC logical ID, cluster (ID[19:4]) in 31:16 and bit ID[3:0]. */
static u32 x2apic_ldr(const struct lapic *a)
{
	return (a->id >> 4) << 16 | 1U << (a->id & 0xf);
}

static u32 reg_read(const struct lapic *a, unsigned int idx)
{
	switch (idx) {
	case REG_ID:
		return x2apic_mode(a) ? a->id : (a->id & 0xff) << 24;
	case REG_PPR:
		return ppr(a);
	case REG_LDR:
		return x2apic_mode(a) ? x2apic_ldr(a) : a->regs[idx];
	case REG_ISR ... REG_ISR + 7:
		return a->isr[idx - REG_ISR];
	case REG_TMR ... REG_TMR + 7:
		return a->tmr[idx - REG_TMR];
	case REG_IRR ... REG_IRR + 7:
		return a->irr[idx - REG_IRR];
	case REG_TMCCT:
		return timer_current_count(a);
	default:
		return a->regs[idx];
	}
}

/* ---- reset and IA32_APIC_BASE ---------------------------------------------------------------- */

/* SDM 11.4.7.1: the state after power-up or reset, apart from IA32_APIC_BASE. */
static void reset_regs(struct lapic *a, bool sw_enable)
{
	memset(a->regs, 0, sizeof(a->regs));
	memset(a->irr, 0, sizeof(a->irr));
	memset(a->isr, 0, sizeof(a->isr));
	memset(a->tmr, 0, sizeof(a->tmr));
	a->nmi_pending = false;
	a->esr_pending = 0;
	a->regs[REG_VER] = APIC_VERSION;
	a->regs[REG_DFR] = 0xffffffff;
	a->regs[REG_SPIV] = sw_enable ? 0x1ff : 0xff;
	for (unsigned int i = REG_LVTT; i <= REG_LVTERR; i++)
		a->regs[i] = LVT_MASKED;
	a->timer_start_ns = 0;
	a->timer_period_ns = 0;
	a->tsc_deadline = 0;
}

/* SDM 11.12.5, Figure 11-27: the legal IA32_APIC_BASE transitions. */
static int apic_base_write(struct lapic *a, u64 val)
{
	enum apic_mode old = base_mode(a->apic_base), new = base_mode(val);

	if ((val & APIC_BASE_RESERVED) || new == MODE_INVALID)
		return -EPERM;
	if ((old == MODE_X2APIC && new == MODE_XAPIC) ||
	    (old == MODE_DISABLED && new == MODE_X2APIC))
		return -EPERM;
	a->apic_base = (val & ~MSR_IA32_APICBASE_BSP) | (a->apic_base & MSR_IA32_APICBASE_BSP);
	/*
	 * SDM 11.4.3: when IA32_APIC_BASE[11] is cleared, "prior initialization to
	 * the APIC may be lost and the APIC may return to the state described in
	 * Section 11.4.7.1": do so, so that re-enabling starts clean.
	 */
	if (new == MODE_DISABLED && old != MODE_DISABLED) {
		reset_regs(a, false);
		if (a->timer_deadline_ns)
			timer_set(a, 0);
	}
	return 0;
}

/* ---- entry points ---------------------------------------------------------------------------- */

void lapic_init(struct lapic *a, const struct lapic_ops *ops, void *ctx, u32 id, bool bsp,
		bool sw_enable, u64 tsc_hz)
{
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->lock, NULL);
	a->ops = ops;
	a->ctx = ctx;
	a->tsc_hz = tsc_hz;
	a->id = id;
	a->apic_base = LAPIC_DEFAULT_BASE | MSR_IA32_APICBASE_ENABLE |
		       (bsp ? MSR_IA32_APICBASE_BSP : 0);
	reset_regs(a, sw_enable);
}

void lapic_destroy(struct lapic *a)
{
	pthread_mutex_destroy(&a->lock);
}

u64 lapic_mmio_base(struct lapic *a)
{
	return locked(a, base_mode(a->apic_base) == MODE_XAPIC ? a->apic_base & APIC_BASE_ADDR : 0);
}

/* SDM 11.4.1: 32-bit registers at 16-byte boundaries; narrower reads work too, as in KVM. */
void lapic_mmio_read(struct lapic *a, u64 offset, void *data, u32 len)
{
	u64 idx = offset >> 4, skew = offset & 0xf;
	u32 val = 0;

	memset(data, 0, len);
	if ((len != 1 && len != 2 && len != 4) || skew + len > 4 || idx >= NR_REGS) {
		pr_warn_ratelimited("apic %u: bad read of %u bytes at %#llx", a->id, len,
				    (unsigned long long)offset);
		return;
	}
	pthread_mutex_lock(&a->lock);
	if (base_mode(a->apic_base) == MODE_XAPIC && (reg_desc[idx].flags & (RD | X2APIC)) == RD)
		val = reg_read(a, idx);
	pthread_mutex_unlock(&a->lock);
	memcpy(data, (u8 *)&val + skew, len);
}

void lapic_mmio_write(struct lapic *a, u64 offset, const void *data, u32 len)
{
	u64 idx = offset >> 4;
	struct lapic_out out;
	u32 val;

	if (len != 4 || (offset & 0xf) || idx >= NR_REGS) {
		pr_warn_ratelimited("apic %u: bad write of %u bytes at %#llx", a->id, len,
				    (unsigned long long)offset);
		return;
	}
	memcpy(&val, data, 4);
	lapic_lock(a, &out);
	if (base_mode(a->apic_base) == MODE_XAPIC && (reg_desc[idx].flags & (WR | X2APIC)) == WR)
		reg_write(a, idx, val & reg_desc[idx].wmask, &out);
	lapic_unlock(a, &out);
}

/* SDM 11.12.1.2: x2APIC MSRs exist only in x2APIC mode, and Table 11-6 says which may be read. */
static int x2apic_read(struct lapic *a, unsigned int idx, u64 *val)
{
	if (!x2apic_mode(a) || idx >= NR_REGS || (reg_desc[idx].flags & (RD | XAPIC)) != RD)
		return -EPERM;
	*val = idx == REG_ICR ? icr_read(a) : reg_read(a, idx);
	return 0;
}

static int x2apic_write(struct lapic *a, unsigned int idx, u64 val, struct lapic_out *out)
{
	const struct reg_desc *d;

	if (!x2apic_mode(a) || idx >= NR_REGS)
		return -EPERM;
	d = &reg_desc[idx];
	if ((d->flags & (WR | XAPIC | X2_RO)) != WR)
		return -EPERM;
	if (idx == REG_ICR) {	/* the one 64-bit register (SDM 11.12.9) */
		if (val & X2APIC_ICR_RESERVED)
			return -EPERM;
		icr_write(a, val, out);
		return 0;
	}
	/* Bits 63:32 are reserved in all other registers. */
	if ((val >> 32) || ((d->flags & X2_ZERO) && val))
		return -EPERM;
	reg_write(a, idx, val & d->wmask, out);
	return 0;
}

int lapic_msr_read(struct lapic *a, u32 msr, u64 *val)
{
	int ret = 0;

	/* A read changes nothing: the bare lock, as lapic_mmio_read. */
	pthread_mutex_lock(&a->lock);
	if (msr == MSR_IA32_APICBASE)
		*val = a->apic_base;
	else if (msr == MSR_IA32_TSC_DEADLINE)
		*val = a->tsc_deadline;
	else if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		ret = x2apic_read(a, msr - MSR_X2APIC_FIRST, val);
	else
		ret = -ENOENT;
	pthread_mutex_unlock(&a->lock);
	return ret;
}

int lapic_msr_write(struct lapic *a, u32 msr, u64 val)
{
	struct lapic_out out;
	int ret = 0;

	lapic_lock(a, &out);
	if (msr == MSR_IA32_APICBASE)
		ret = apic_base_write(a, val);
	else if (msr == MSR_IA32_TSC_DEADLINE)
		tsc_deadline_write(a, val);
	else if (msr >= MSR_X2APIC_FIRST && msr <= MSR_X2APIC_LAST)
		ret = x2apic_write(a, msr - MSR_X2APIC_FIRST, val, &out);
	else
		ret = -ENOENT;
	lapic_unlock(a, &out);
	return ret;
}

void lapic_eoi(struct lapic *a)
{
	struct lapic_out out;

	lapic_lock(a, &out);
	eoi_locked(a);
	lapic_unlock(a, &out);
}

void lapic_write_icr(struct lapic *a, u64 icr)
{
	struct lapic_out out;

	lapic_lock(a, &out);
	icr_write(a, icr, &out);
	lapic_unlock(a, &out);
}

u64 lapic_read_icr(struct lapic *a)
{
	return locked(a, icr_read(a));
}

void lapic_set_tpr(struct lapic *a, u8 tpr)
{
	struct lapic_out out;

	lapic_lock(a, &out);
	a->regs[REG_TPR] = tpr;
	lapic_unlock(a, &out);
}

u8 lapic_get_tpr(struct lapic *a)
{
	return locked(a, a->regs[REG_TPR]);
}

/* SDM 11.8.6.1: CR8[3:0] is TPR[7:4]; a CR8 write clears TPR[3:0]. */
u8 lapic_get_cr8(struct lapic *a)
{
	return lapic_get_tpr(a) >> 4;
}

void lapic_set_cr8(struct lapic *a, u8 cr8)
{
	lapic_set_tpr(a, (cr8 & 0xf) << 4);
}

void lapic_deliver(struct lapic *a, enum lapic_dm mode, u8 vector, bool level)
{
	struct lapic_out out;

	lapic_lock(a, &out);
	deliver_locked(a, mode, vector, level);
	lapic_unlock(a, &out);
}

/* SDM 11.6.2.2: flat model, LDR[31:24] & MDA; cluster model, cluster nibble then bit. */
static bool xapic_logical_match(const struct lapic *a, u8 dest)
{
	u8 ldr = a->regs[REG_LDR] >> 24;

	if (dest == 0xff)
		return true;
	if ((a->regs[REG_DFR] >> 28) == 0xf)
		return ldr & dest;
	return (dest >> 4) == (ldr >> 4) && (dest & ldr & 0xf);
}

static bool match_dest_locked(const struct lapic *a, u32 dest, bool logical, bool x2)
{
	u32 ldr = x2apic_ldr(a);

	if (!hw_enabled(a))
		return false;
	if (x2) {	/* SDM 11.12.9, 11.12.10.2: FFFF_FFFFH is broadcast in both modes */
		if (dest == 0xffffffff)
			return true;
		if (!logical)
			return dest == a->id;
		return (dest >> 16) == (ldr >> 16) && (dest & ldr & 0xffff);
	}
	if (logical)
		return xapic_logical_match(a, dest);
	return (dest & 0xff) == 0xff || (dest & 0xff) == (a->id & 0xff);
}

bool lapic_match_dest(struct lapic *a, u32 dest, bool logical, bool x2apic_sender)
{
	return locked(a, match_dest_locked(a, dest, logical, x2apic_sender));
}

int lapic_next_vector(struct lapic *a)
{
	return locked(a, next_vector(a));
}

bool lapic_has_interrupt(struct lapic *a)
{
	return locked(a, pending(a) >= 0);
}

void lapic_deliver_auto_eoi(struct lapic *a, u8 vector)
{
	struct lapic_out out;

	lapic_lock(a, &out);
	deliver_locked(a, LAPIC_DM_FIXED, vector, false);
	/* Only a vector that made it into IRR ends itself (a dropped one must not mark it). */
	if (vec_test(a->irr, vector))
		vec_set(a->auto_eoi, vector);
	lapic_unlock(a, &out);
}

void lapic_accept(struct lapic *a, u8 vector)
{
	pthread_mutex_lock(&a->lock);
	vec_clear(a->irr, vector);
	if (vec_test(a->auto_eoi, vector))
		vec_clear(a->auto_eoi, vector);
	else
		vec_set(a->isr, vector);
	pthread_mutex_unlock(&a->lock);
}

bool lapic_nmi_pending(struct lapic *a)
{
	return locked(a, a->nmi_pending);
}

bool lapic_take_nmi(struct lapic *a)
{
	bool nmi;

	pthread_mutex_lock(&a->lock);
	nmi = a->nmi_pending;
	a->nmi_pending = false;
	pthread_mutex_unlock(&a->lock);
	return nmi;
}
