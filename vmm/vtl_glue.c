// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "vtl: " fmt
#include "vmm/vtl_glue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hv/hv.h"
#include "vmm/hv_glue.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/vtl_regs.h"
#include "vmm/vtl_start.h"
#include "vmm/vtl_vm.h"
#include "vmm/x86.h"
#include "vtl/lapic.h"
#include "vtl/vsm.h"

#define REQUEST_POLL_NS		20000

struct vp_request {
	int (*fn)(struct vcpu *vcpu, void *arg);
	void *arg;
	int result;
	_Atomic bool done;
};

/* ---- Requests: work one VP posts to another ------------------------------------------------- */

void vtl_glue_service(struct vcpu *vcpu)
{
	struct vp_request *r;

	if (!__atomic_load_n(&vcpu->req, __ATOMIC_ACQUIRE))
		return;		/* the common case: no lock on every exit */
	pthread_mutex_lock(&vcpu->lock);
	r = vcpu->req;
	vcpu->req = NULL;
	pthread_mutex_unlock(&vcpu->lock);
	if (!r)
		return;
	r->result = r->fn(vcpu, r->arg);
	atomic_store(&r->done, true);
}

void vtl_glue_wait_a_little(struct vcpu *self)
{
	struct timespec t = { .tv_nsec = REQUEST_POLL_NS };

	if (self) {
		vtl_glue_service(self);
		hv_glue_service_flush(self);
	}
	nanosleep(&t, NULL);
}

int vtl_glue_request(struct vcpu *self, struct vcpu *target, int (*fn)(struct vcpu *, void *),
		     void *arg)
{
	struct vp_request r = { .fn = fn, .arg = arg };

	if (target == self)
		return fn(target, arg);
	/* One request per target at a time; whoever waits keeps serving its own. */
	while (pthread_mutex_trylock(&target->req_lock)) {
		if (vm_stopping(target->vm))
			return -EINTR;
		vtl_glue_wait_a_little(self);
	}
	pthread_mutex_lock(&target->lock);
	__atomic_store_n(&target->req, &r, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&target->lock);
	vcpu_wake(target);
	while (!atomic_load(&r.done)) {
		bool taken_back = false;

		/*
		 * Stopping: the target may never look again, so take the request
		 * back if it is still queued. Once taken, fn runs to its end and
		 * writes r (and fn's own arguments): wait for it.
		 */
		if (vm_stopping(target->vm)) {
			pthread_mutex_lock(&target->lock);
			if (target->req == &r) {
				target->req = NULL;
				taken_back = true;
			}
			pthread_mutex_unlock(&target->lock);
		}
		if (taken_back) {
			pthread_mutex_unlock(&target->req_lock);
			return -EINTR;
		}
		vtl_glue_wait_a_little(self);
	}
	pthread_mutex_unlock(&target->req_lock);
	return r.result;
}

/* ---- The VP assist page of a higher VTL (TLFS "VP Assist Page", HV_VP_VTL_CONTROL) ------------ */

static struct hv_vp_assist_page *assist_page(struct vcpu *vcpu, u8 vtl)
{
	struct hv_vp *vp = vcpu->hv_vp[vtl];

	if (!vp || !(vp->vp_assist & HV_X64_MSR_VP_ASSIST_PAGE_ENABLE))
		return NULL;
	return hv_gpa_page(vcpu->vm->hv, vtl, vp->vp_assist & HV_X64_MSR_VP_ASSIST_PAGE_ADDRESS_MASK);
}

/* TLFS "VTL Entry": "the entry reason is written to the VP assist page" of the VTL entered. */
static void write_entry_reason(struct vcpu *vcpu, u8 vtl, u32 reason)
{
	struct hv_vp_assist_page *p = assist_page(vcpu, vtl);

	if (p)
		__atomic_store_n(&p->vtl_control.entry_reason, reason, __ATOMIC_RELAXED);
}

/* ---- Switching ------------------------------------------------------------------------------ */

static int switch_to(struct vcpu *vcpu, u8 to)
{
	u8 from = vcpu->cur_vtl;
	int ret;

	if (to == from)
		return 0;
	ret = vtl_regs_switch(vcpu, from, to);
	if (ret) {
		pr_err("vcpu%u: cannot switch VTL%u -> VTL%u: %s", vcpu->index, from, to,
		       strerror(-ret));
		return ret;
	}
	if (to > from)
		write_entry_reason(vcpu, to, vcpu->vtls.entry_reason[to]);
	__atomic_store_n(&vcpu->cur_vtl, to, __ATOMIC_RELEASE);	/* read by vtl_glue_vina() */
	vtl_vp_set_active(&vcpu->vtls, to);
	if (to)
		vcpu->vtl[to].entered = true;
	return 0;
}

/*
 * Does VTL vtl have an interrupt that makes it preempt a lower VTL? Its
 * APIC's TPR/PPR decides, not IF (TLFS "VTL Interrupt Management"). A VTL
 * never entered on this VP yet (enabled, waiting for its first VtlCall or
 * StartVp) is not started by an interrupt: it keeps it for later.
 */
static bool vtl_has_interrupt(struct vcpu *vcpu, u8 vtl)
{
	struct vcpu_vtl *v = &vcpu->vtl[vtl];

	return v->lapic && v->entered && lapic_has_interrupt(v->lapic);
}

/* A VTL halted in HLT resumes for an NMI, or an interrupt it can take (RFLAGS.IF set). */
static bool halt_ends(struct vcpu_vtl *v)
{
	if (lapic_nmi_pending(v->lapic))
		return true;
	return (v->run->s.regs.regs.rflags & X86_RFLAGS_IF) && lapic_has_interrupt(v->lapic);
}

enum vtl_sched vtl_glue_schedule(struct vcpu *vcpu)
{
	struct vtl_vp *s = &vcpu->vtls;
	u8 enabled = atomic_load_explicit(&s->enabled, memory_order_acquire);
	u8 want;

	if (enabled == BIT(0) && !vcpu->vtl0_held)
		return VTL_SCHED_RUN;	/* no VSM on this VP: plain VTL0 */
	/* TLFS "VTL Interrupt Management": a deliverable interrupt above preempts. */
	for (int vtl = VTL_MAX - 1; vtl > s->active; vtl--)
		if ((enabled & BIT(vtl)) && vtl_has_interrupt(vcpu, vtl))
			vtl_vp_raise(s, vtl, HV_VTL_ENTRY_INTERRUPT);
	want = vtl_vp_pick(s);
	if (switch_to(vcpu, want)) {
		vm_request_stop(vcpu->vm, VTLVM_EXIT_HOST, "VTL switch failed");
		return VTL_SCHED_FAIL;
	}
	if (!want && vcpu->vtl0_held)
		return VTL_SCHED_IDLE;
	if (want && vcpu->vtl[want].halted) {
		if (!halt_ends(&vcpu->vtl[want]))
			return VTL_SCHED_IDLE;
		vcpu->vtl[want].halted = false;
	}
	return VTL_SCHED_RUN;
}

void vtl_glue_idle(struct vcpu *vcpu)
{
	pthread_mutex_lock(&vcpu->lock);
	while (!atomic_load(&vcpu->wake) && !vcpu->req && !vm_stopping(vcpu->vm))
		pthread_cond_wait(&vcpu->cond, &vcpu->lock);
	pthread_mutex_unlock(&vcpu->lock);
}

/* ---- Interrupt injection into a VTL without an in-kernel APIC --------------------------------- */

int vtl_glue_prepare_run(struct vcpu *vcpu)
{
	struct vcpu_vtl *v = &vcpu->vtl[vcpu->cur_vtl];
	struct kvm_run *run = v->run;
	struct kvm_interrupt irq;
	int vector;

	if (!v->lapic)
		return 0;
	if (lapic_take_nmi(v->lapic) && kvm_sys_ioctl_val(v->fd, KVM_NMI, 0) < 0)
		return -EIO;
	run->cr8 = lapic_get_cr8(v->lapic);
	run->request_interrupt_window = 0;
	vector = lapic_next_vector(v->lapic);
	if (vector < 0)
		return 0;
	/* KVM takes one external vector when the guest can take it; else it exits when it can. */
	if (!run->ready_for_interrupt_injection || !run->if_flag) {
		run->request_interrupt_window = 1;
		return 0;
	}
	irq.irq = vector;
	if (kvm_sys_ioctl(v->fd, KVM_INTERRUPT, &irq) < 0)
		return -EIO;
	lapic_accept(v->lapic, vector);
	run->ready_for_interrupt_injection = 0;
	return 0;
}

void vtl_glue_after_run(struct vcpu *vcpu)
{
	struct vcpu_vtl *v = &vcpu->vtl[vcpu->cur_vtl];

	if (v->lapic && v->run->cr8 != lapic_get_cr8(v->lapic))
		lapic_set_cr8(v->lapic, v->run->cr8);
}

/* ---- Exits of a VTL without an in-kernel irqchip ------------------------------------------------ */

static bool apic_mmio(struct vcpu_vtl *v, const struct vmm_exit *e)
{
	u64 base = lapic_mmio_base(v->lapic);

	if (!base || !range_within(e->mmio.gpa, e->mmio.len, base, HV_PAGE_SIZE))
		return false;
	if (e->mmio.is_write)
		lapic_mmio_write(v->lapic, e->mmio.gpa - base, e->mmio.data, e->mmio.len);
	else
		lapic_mmio_read(v->lapic, e->mmio.gpa - base, e->mmio.data, e->mmio.len);
	return true;
}

static bool apic_msr(struct vcpu *vcpu, struct vcpu_vtl *v, const struct vmm_exit *e)
{
	int ret = e->kind == VMM_EXIT_RDMSR ? lapic_msr_read(v->lapic, e->msr.index, e->msr.data) :
					      lapic_msr_write(v->lapic, e->msr.index, *e->msr.data);

	if (ret == -ENOENT)
		return false;
	if (ret) {
		*e->msr.error = 1;
		pr_warn_ratelimited("vcpu%u: VTL%u APIC msr %#x: #GP", vcpu->index, v->level,
				    e->msr.index);
	}
	return true;
}

bool vtl_glue_exit(struct vcpu *vcpu, const struct vmm_exit *e, enum vcpu_action *act)
{
	struct vcpu_vtl *v = &vcpu->vtl[vcpu->cur_vtl];

	*act = VCPU_CONTINUE;
	if (e->kind == VMM_EXIT_WRMSR && vtl_regs_is_mtrr(e->msr.index) && vcpu->vm->vsm) {
		if (vtl_regs_mtrr_write(vcpu, e->msr.index, *e->msr.data))
			*e->msr.error = 1;
		return true;
	}
	if (!v->lapic)
		return false;
	switch (e->kind) {
	case VMM_EXIT_HLT:
		v->halted = true;	/* RIP is past HLT: resume there once an interrupt is taken */
		return true;
	case VMM_EXIT_IRQ_WINDOW:
	case VMM_EXIT_SET_TPR:
		return true;		/* vtl_glue_after_run/prepare_run did the work */
	case VMM_EXIT_MMIO:
		return apic_mmio(v, e);
	case VMM_EXIT_RDMSR:
	case VMM_EXIT_WRMSR:
		return apic_msr(vcpu, v, e);
	default:
		return false;
	}
}

/* ---- VtlCall and VtlReturn ----------------------------------------------------------------- */

enum vcpu_action vtl_glue_vtl_call(struct vcpu *vcpu)
{
	int to = vtl_vp_call(&vcpu->vtls);

	/* The dispatcher checked that the VTL above is enabled here. */
	if (to < 0 || switch_to(vcpu, to))
		return VCPU_FATAL;
	return VCPU_CONTINUE;
}

/*
 * TLFS "VTL Return": unless fast, the lower VTL's RAX and RCX come from the
 * returning VTL's VP assist page (HV_VP_VTL_CONTROL). Returning releases the
 * TLB lock the VTL held over the lower one (TLFS "TlbLocked"), and clears
 * VinaAsserted if VINA auto-resets.
 */
enum vcpu_action vtl_glue_vtl_return(struct vcpu *vcpu, bool fast)
{
	u8 from = vcpu->cur_vtl;
	struct hv_vp_assist_page *p = assist_page(vcpu, from);
	struct vsm_vp *svp = &vcpu->vm->vsm->vps[vcpu->index];
	struct kvm_regs *r;
	int to = vtl_vp_return(&vcpu->vtls);

	if (to < 0 || switch_to(vcpu, to))
		return VCPU_FATAL;
	pthread_mutex_lock(&vcpu->vm->vsm->lock);
	svp->secure_config &= ~(u64)HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED;
	/* A PendingEvent0 is injected as the lower VTL runs now: no longer pending. */
	if (to == 0)
		svp->pending_event0[0] &= ~(u64)HV_X64_PENDING_EVENT_PENDING;
	if (p && (svp->vina & HV_VSM_VINA_AUTO_RESET))
		p->vtl_control.vina_status &= ~HV_VP_VTL_CONTROL_VINA_ASSERTED;
	pthread_mutex_unlock(&vcpu->vm->vsm->lock);
	if (!fast && p) {
		r = &vcpu->vtl[to].run->s.regs.regs;
		r->rax = __atomic_load_n(&p->vtl_control.vtl_return_x64_rax, __ATOMIC_RELAXED);
		r->rcx = __atomic_load_n(&p->vtl_control.vtl_return_x64_rcx, __ATOMIC_RELAXED);
	}
	return VCPU_CONTINUE;
}

/* ---- Interrupts from hv/ and the APIC MSRs ------------------------------------------------ */

int vtl_glue_interrupt(struct vm *vm, u8 vtl, u32 index, u8 vector)
{
	struct lapic *a;

	if (vtl >= VTL_MAX || index >= vm->nr_vcpus)
		return -EINVAL;
	a = __atomic_load_n(&vm->vcpus[index]->vtl[vtl].lapic, __ATOMIC_ACQUIRE);
	if (!a)
		return -ENODEV;	/* the VTL is not enabled on that VP yet */
	lapic_deliver(a, LAPIC_DM_FIXED, vector, false);
	return 0;
}

/*
 * TLFS "Virtual Interrupt Notification Assist": an interrupt for VTL0 that
 * arrives while the VP runs VTL1 with VINA enabled raises the VINA vector in
 * VTL1 once, until VTL1 clears VinaAsserted in its assist page (or returns,
 * with AutoReset). Seen here: the interrupts vtlvm itself raises for VTL0
 * (SynIC, synthetic timers, synthetic IPIs); KVM's in-kernel APIC keeps its
 * own (LAPIC timer, IPIs between VTL0 APICs) to itself.
 */
void vtl_glue_vina(struct vm *vm, u32 index)
{
	struct vcpu *vcpu;
	struct hv_vp_assist_page *p;
	struct lapic *a;
	u64 vina;

	if (!vm->vsm || index >= vm->nr_vcpus)
		return;
	vcpu = vm->vcpus[index];
	if (!__atomic_load_n(&vcpu->cur_vtl, __ATOMIC_ACQUIRE))
		return;		/* VTL0 runs: it takes the interrupt itself */
	/* Read without vsm->lock: this runs under hv->lock, which VSM paths take after it. */
	vina = __atomic_load_n(&vm->vsm->vps[index].vina, __ATOMIC_RELAXED);
	a = __atomic_load_n(&vcpu->vtl[1].lapic, __ATOMIC_ACQUIRE);
	p = assist_page(vcpu, 1);
	if (!(vina & HV_VSM_VINA_ENABLED) || !a || !p)
		return;
	if (__atomic_fetch_or(&p->vtl_control.vina_status, HV_VP_VTL_CONTROL_VINA_ASSERTED,
			      __ATOMIC_SEQ_CST) & HV_VP_VTL_CONTROL_VINA_ASSERTED)
		return;		/* asserted already: once until VTL1 clears it */
	if (vina & HV_VSM_VINA_AUTO_EOI)
		lapic_deliver_auto_eoi(a, vina & HV_VSM_VINA_VECTOR_MASK);
	else
		lapic_deliver(a, LAPIC_DM_FIXED, vina & HV_VSM_VINA_VECTOR_MASK, false);
}

/*
 * TLFS "Virtual Processor Management" (HV_X64_MSR_EOI/ICR/TPR): the APIC's
 * EOI, ICR and TPR as MSRs; a TPR above 0xff is #GP, as the x2APIC TPR.
 */
int vtl_glue_apic_msr(struct vcpu *vcpu, u32 msr, u64 *val, bool write)
{
	struct lapic *a = vcpu->vtl[vcpu->cur_vtl].lapic;

	if (!a)
		return -EPERM;
	switch (msr) {
	case HV_X64_MSR_EOI:
		/* TLFS "Virtual Processor Management": the value is ignored (Windows: junk). */
		lapic_eoi(a);
		return 0;
	case HV_X64_MSR_ICR:
		if (write)
			lapic_write_icr(a, *val);
		else
			*val = lapic_read_icr(a);
		return 0;
	case HV_X64_MSR_TPR:
		if (!write)
			*val = lapic_get_tpr(a);
		else if (*val > 0xff)
			return -EPERM;
		else
			lapic_set_tpr(a, *val);
		return 0;
	}
	return -EPERM;
}

/* ---- struct vsm_host_ops ---------------------------------------------------------------------- */

static int host_enable_partition_vtl(void *ctx, u8 vtl)
{
	struct vm *vm = ctx;
	int ret;

	pthread_mutex_lock(&vm->vtl_lock);
	ret = vtl_vm_create(vm, vtl);
	pthread_mutex_unlock(&vm->vtl_lock);
	return ret;
}

static hv_status_t host_enable_vp_vtl(void *ctx, void *caller, u32 vp, u8 vtl,
				      const struct hv_initial_vp_context *c)
{
	return vtl_start_enable_vp(ctx, caller, vp, vtl, c);
}

static hv_status_t host_start_vp(void *ctx, void *caller, u32 vp, u8 vtl,
				 const struct hv_initial_vp_context *c)
{
	return vtl_start_vp(ctx, caller, vp, vtl, c);
}

static void host_deny_lower_vtl_startup(void *ctx, void *caller)
{
	vtl_start_deny_lower(ctx, caller);
}

static int host_get_reg(void *ctx, void *vcpu, u8 vtl, u32 name, union hv_register_value *v)
{
	(void)ctx;
	return vtl_regs_get(vcpu, vtl, name, v);
}

static int host_set_reg(void *ctx, void *vcpu, u8 vtl, u32 name, const union hv_register_value *v)
{
	(void)ctx;
	return vtl_regs_set(vcpu, vtl, name, v);
}

/*
 * PendingEvent0 (OV:hvdef HvX64PendingExceptionEvent; not in the public
 * TLFS): the exception is injected when the lower VTL's vCPU runs
 * next. A #PF's address goes into CR2, which is shared: the running VTL's
 * copy, which the return to the lower VTL carries over (vmm/vtl_regs.c).
 */
static int host_inject_exception(void *ctx, void *vcpu_ptr, u8 vtl, u8 vector, bool has_error,
				 u32 error_code, u64 param)
{
	struct vcpu *vcpu = vcpu_ptr;
	struct vcpu_vtl *running = &vcpu->vtl[vcpu->cur_vtl];
	int ret;

	(void)ctx;
	if (vector == 14) {
		ret = vtl_regs_sync(running);
		if (ret)
			return ret;
		running->run->s.regs.sregs.cr2 = param;
		running->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
	}
	return vcpu_inject_exception(vcpu->vtl[vtl].fd, vector, has_error, error_code);
}

static const struct vsm_host_ops vsm_ops = {
	.enable_partition_vtl = host_enable_partition_vtl,
	.enable_vp_vtl = host_enable_vp_vtl,
	.start_vp = host_start_vp,
	.get_reg = host_get_reg,
	.set_reg = host_set_reg,
	.inject_exception = host_inject_exception,
	.deny_lower_vtl_startup = host_deny_lower_vtl_startup,
};

/* ---- Life cycle -------------------------------------------------------------------------------- */

int vtl_glue_create(struct vm *vm)
{
	int ret;

	if ((caps_value(&vm->caps, CAP_SYNC_REGS) & VTL_SYNC_REGS) != VTL_SYNC_REGS ||
	    !caps_has(&vm->caps, CAP_X86_MSR_FILTER) || !caps_has(&vm->caps, CAP_XSAVE) ||
	    !caps_has(&vm->caps, CAP_DEBUGREGS)) {
		pr_err("hyperv:vsm needs KVM_CAP_SYNC_REGS, KVM_CAP_X86_MSR_FILTER, "
		       "KVM_CAP_XSAVE and KVM_CAP_DEBUGREGS (see `vtlvm caps`); "
		       "--hv-vsm off runs without VSM");
		return -EOPNOTSUPP;
	}
	pthread_mutex_init(&vm->vtl_lock, NULL);
	ret = vsm_create(vm->hv, &vsm_ops, vm, vm->cfg->hv_max_vtl, &vm->vsm);
	if (ret)
		pthread_mutex_destroy(&vm->vtl_lock);
	return ret;
}

void vtl_glue_destroy(struct vm *vm)
{
	if (!vm->vsm)
		return;
	for (u8 vtl = 1; vtl < VTL_MAX; vtl++)
		vtl_vm_destroy(vm, vtl);
	vsm_destroy(vm->vsm);
	vm->vsm = NULL;
	pthread_mutex_destroy(&vm->vtl_lock);
}

void vtl_glue_attach(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;

	vtl_vp_init(&vcpu->vtls, vm->vsm ? vm->cfg->hv_max_vtl : 0);
	for (unsigned int i = 0; i < VTL_MAX; i++) {
		vcpu->vtl[i].vcpu = vcpu;
		vcpu->vtl[i].level = i;
		vcpu->vtl[i].timer_src.fd = -1;
	}
	if (vm->vsm)
		vsm_attach_vp(vm->vsm, vcpu->index, &vcpu->vtls);
}

void vtl_glue_vcpu_exit(struct vcpu *vcpu)
{
	for (u8 vtl = 1; vtl < VTL_MAX; vtl++)
		vtl_vcpu_destroy(vcpu, vtl);
	free(vcpu->vtl[0].shared.xsave);
	vcpu->vtl[0].shared.xsave = NULL;
}

void vtl_glue_stats(struct vm *vm, u64 *switches, u64 *ioctls)
{
	*switches = *ioctls = 0;
	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		*switches += vm->vcpus[i]->nr_switches;
		*ioctls += vm->vcpus[i]->switch_ioctls;
	}
}
