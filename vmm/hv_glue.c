// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "hv: " fmt
#include "vmm/hv_glue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "hv/hcall.h"
#include "hv/hv.h"
#include "hv/reftime.h"
#include "hv/synic.h"
#include "vmm/cpuid.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/vtl_glue.h"
#include "vmm/vtl_regs.h"
#include "vmm/vtl_vm.h"
#include "vmm/x86.h"
#include "vtl/vsm.h"

#define MSI_ADDR_BASE		0xfee00000u
#define MSI_ADDR_DEST_SHIFT	12

struct hv_timer_source {
	struct loop_source src;
	void (*fn)(void *arg);
	void *arg;
};

/* ---- struct hv_host for VTL0 ------------------------------------------------------------------ */

static int glue_interrupt(void *ctx, u8 vtl, u32 vp_index, u8 vector)
{
	struct vm *vm = ctx;
	/* A fixed, edge-triggered MSI to the VP's APIC ID, physical destination. */
	struct kvm_msi msi = {
		.address_lo = MSI_ADDR_BASE | (vp_index << MSI_ADDR_DEST_SHIFT),
		.data = vector,
	};
	int ret;

	if (vtl)
		return vtl_glue_interrupt(vm, vtl, vp_index, vector);
	if (vp_index >= vm->nr_vcpus)
		return -EINVAL;
	ret = kvm_sys_ioctl(vm->vtl[0].fd, KVM_SIGNAL_MSI, &msi);
	if (ret < 0)
		return ret;
	vtl_glue_vina(vm, vp_index);
	return 0;
}

static void glue_request_stop(void *ctx, int status, const char *why)
{
	vm_request_stop(ctx, status, why);
}

static u64 glue_vp_runtime_ns(void *ctx, void *vcpu_ptr)
{
	struct vcpu *vcpu = vcpu_ptr;
	struct timespec ts;
	clockid_t cid;

	(void)ctx;
	/* The VP thread's CPU time includes the time KVM_RUN spent in the guest. */
	if (!__atomic_load_n(&vcpu->has_thread, __ATOMIC_ACQUIRE) ||
	    pthread_getcpuclockid(vcpu->thread, &cid) ||
	    clock_gettime(cid, &ts))
		return 0;
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Since Linux 6.6 KVM_SET_SREGS that changes CR0/CR3/CR4/EFER makes KVM flush
 * the guest's TLB (KVM_REQ_TLB_FLUSH_GUEST). Toggling CR4.PGE and back is
 * architecturally a full flush, so two SET_SREGS flush everything, globals
 * included. Runs on the VP's own thread, on VTL0's vCPU (the only VTL whose
 * flushes are asked for), outside KVM_RUN; or on the asking thread when the
 * target VP has not started (no thread owns its vCPU yet). Where the register cache holds
 * newer segment registers (vmm/vtl_regs.h) those are what is set.
 */
static int vcpu_flush_tlb(struct vcpu *vcpu)
{
	struct vcpu_vtl *v = &vcpu->vtl[0];
	struct kvm_sregs sr;
	int ret = 0;

	if (v->synced)
		sr = v->run->s.regs.sregs;
	else
		ret = kvm_sys_ioctl(v->fd, KVM_GET_SREGS, &sr);
	if (ret < 0)
		return ret;
	sr.cr4 ^= X86_CR4_PGE;
	ret = kvm_sys_ioctl(v->fd, KVM_SET_SREGS, &sr);
	sr.cr4 ^= X86_CR4_PGE;
	if (ret >= 0)
		ret = kvm_sys_ioctl(v->fd, KVM_SET_SREGS, &sr);
	return ret < 0 ? ret : 0;
}

/*
 * TLFS "TlbLocked": while VTL1 holds VTL0's TLB lock on this VP (until it
 * clears the bit or returns to VTL0), flushes of VTL0 wait; the flushing VP
 * stays in its hypercall meanwhile.
 */
static bool tlb_locked(struct vcpu *vcpu)
{
	struct vsm *vsm = vcpu->vm->vsm;
	bool locked;

	if (!vsm || !vcpu->cur_vtl)
		return false;
	pthread_mutex_lock(&vsm->lock);
	locked = vsm->vps[vcpu->index].secure_config & HV_VSM_VP_SECURE_CONFIG_TLB_LOCKED;
	pthread_mutex_unlock(&vsm->lock);
	return locked;
}

void hv_glue_service_flush(struct vcpu *vcpu)
{
	u64 req = atomic_load(&vcpu->flush_req);

	if (req == atomic_load(&vcpu->flush_done) || tlb_locked(vcpu))
		return;
	if (vcpu_flush_tlb(vcpu))
		pr_warn_ratelimited("vcpu%u: TLB flush failed", vcpu->index);
	atomic_store(&vcpu->flush_done, req);
}

/* Flush VP vp_index and wait for it; the waiter keeps serving flushes aimed at itself. */
static int glue_flush_tlb(void *ctx, u8 vtl, u32 vp_index)
{
	struct vm *vm = ctx;
	struct vcpu *self = vcpu_self(), *target;
	u64 ticket;

	if (vtl != 0 || vp_index >= vm->nr_vcpus)
		return -EINVAL;
	target = vm->vcpus[vp_index];
	if (target == self || !__atomic_load_n(&target->started, __ATOMIC_ACQUIRE))
		return vcpu_flush_tlb(target);
	ticket = atomic_fetch_add(&target->flush_req, 1) + 1;
	vcpu_wake(target);
	while (atomic_load(&target->flush_done) < ticket) {
		if (vm_stopping(vm))
			return -EINTR;
		vtl_glue_wait_a_little(self);
	}
	return 0;
}

static void on_timer(struct loop_source *src, u32 events)
{
	struct hv_timer_source *t = container_of(src, struct hv_timer_source, src);

	(void)events;
	t->fn(t->arg);
}

static int glue_watch_timer(void *ctx, int fd, void (*fn)(void *arg), void *arg)
{
	struct vm *vm = ctx;
	struct hv_timer_source *t, **grown;
	int ret;

	grown = realloc(vm->hv_timers, (vm->nr_hv_timers + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	vm->hv_timers = grown;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	*t = (struct hv_timer_source) {
		.src = { .fd = fd, .token = TOK_TIMER, .fn = on_timer, .ctx = vm },
		.fn = fn, .arg = arg,
	};
	ret = loop_add(&vm->loop, &t->src, EPOLLIN);
	if (ret) {
		free(t);
		return ret;
	}
	vm->hv_timers[vm->nr_hv_timers++] = t;
	return 0;
}

static int glue_get_xmm(void *ctx, void *vcpu_ptr, u8 (*xmm)[16], unsigned int first,
			unsigned int n)
{
	struct vcpu *vcpu = vcpu_ptr;
	struct kvm_fpu fpu;
	int ret = kvm_sys_ioctl(vcpu->vtl[vcpu->cur_vtl].fd, KVM_GET_FPU, &fpu);

	(void)ctx;
	if (ret < 0 || first + n > 16)
		return ret < 0 ? ret : -EINVAL;
	memcpy(xmm, fpu.xmm[first], n * 16);
	return 0;
}

static int glue_set_xmm(void *ctx, void *vcpu_ptr, const u8 (*xmm)[16], unsigned int first,
			unsigned int n)
{
	struct vcpu *vcpu = vcpu_ptr;
	int fd = vcpu->vtl[vcpu->cur_vtl].fd;
	struct kvm_fpu fpu;
	int ret = kvm_sys_ioctl(fd, KVM_GET_FPU, &fpu);

	(void)ctx;
	if (ret < 0 || first + n > 16)
		return ret < 0 ? ret : -EINVAL;
	memcpy(fpu.xmm[first], xmm, n * 16);
	ret = kvm_sys_ioctl(fd, KVM_SET_FPU, &fpu);
	return ret < 0 ? ret : 0;
}

static int glue_apic_msr(void *ctx, void *vcpu, u32 msr, u64 *val, bool write)
{
	(void)ctx;
	return vtl_glue_apic_msr(vcpu, msr, val, write);
}

static const struct hv_host_ops glue_ops = {
	.interrupt = glue_interrupt,
	.apic_msr = glue_apic_msr,
	.request_stop = glue_request_stop,
	.vp_runtime_ns = glue_vp_runtime_ns,
	.flush_tlb = glue_flush_tlb,
	.watch_timer = glue_watch_timer,
	.get_xmm = glue_get_xmm,
	.set_xmm = glue_set_xmm,
};

/* ---- Stages ------------------------------------------------------------------------------------ */

/* KVM flushes on KVM_SET_SREGS from Linux 6.6 on; before that the PV flush hint would lie. */
static bool kernel_flushes_on_set_sregs(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return false;
	return major > 6 || (major == 6 && minor >= 6);
}

int hv_glue_add_cpuid(struct vm *vm, u8 vtl, struct kvm_cpuid2 *c)
{
	struct hv_cpuid_leaf l[HV_CPUID_NR_LEAVES];

	hv_cpuid_leaves(vm->hv, vtl, l);
	for (unsigned int i = 0; i < HV_CPUID_NR_LEAVES; i++) {
		struct kvm_cpuid_entry2 e = {
			.function = l[i].function, .eax = l[i].eax, .ebx = l[i].ebx,
			.ecx = l[i].ecx, .edx = l[i].edx,
		};

		if (cpuid_add(c, &e))
			return -ENOSPC;
	}
	return 0;
}

static int build_config(struct vm *vm, struct hv_config *cfg)
{
	char err[256];
	int ret;

	*cfg = (struct hv_config) {
		.nr_vps = vm->cfg->cpus,
		.vsm = vm->cfg->hv_vsm,
		.max_vtl = vm->cfg->hv_vsm ? vm->cfg->hv_max_vtl : 0,
		.privilege_mask = vm->cfg->hv_privileges,
		.feature_mask = vm->cfg->hv_features,
		.hint_mask = vm->cfg->hv_hints,
	};
	if (cfg->vsm) {
		cfg->extra_hcalls = (struct hv_hcall_family) { vsm_hcalls, vsm_hcalls_count };
		cfg->reg_ext = &vsm_reg_ext;
	}
	if (vm->cfg->hv_flush_hint == TRISTATE_AUTO)
		cfg->flush_hint = kernel_flushes_on_set_sregs();
	else
		cfg->flush_hint = vm->cfg->hv_flush_hint == TRISTATE_ON;
	ret = hv_connections_parse(vm->cfg->hv_connections, cfg, err, sizeof(err));
	if (ret)
		pr_err("hyperv:connections: %s", err);
	return ret;
}

int hv_stage_init(struct vm *vm)
{
	struct hv_host host = { .ops = &glue_ops, .ctx = vm, .mem = &vm->mem };
	struct hv_config cfg;
	int ret;

	if (!vm->cfg->hv_enabled)
		return 0;
	vm->fail_status = VTLVM_EXIT_USAGE;
	ret = build_config(vm, &cfg);
	if (ret)
		return ret;
	vm->fail_status = VTLVM_EXIT_HOST;
	ret = hv_create(&host, &cfg, &vm->hv);
	if (ret) {
		pr_err("cannot create the Hyper-V state: %s", strerror(-ret));
		return ret;
	}
	if (cfg.vsm)
		ret = vtl_glue_create(vm);
	if (!ret)
		ret = vtl_vm_msr_filter(vm, 0, false);
	if (!ret)
		ret = hv_glue_add_cpuid(vm, 0, vm->cpuid);
	if (ret)
		pr_err("cannot set up the Hyper-V interface: %s", strerror(-ret));
	return ret;
}

void hv_stage_exit(struct vm *vm)
{
	vtl_glue_destroy(vm);
	hv_destroy(vm->hv);	/* closes the timerfds, which leaves epoll with them */
	vm->hv = NULL;
	for (unsigned int i = 0; i < vm->nr_hv_timers; i++)
		free(vm->hv_timers[i]);
	free(vm->hv_timers);
	vm->hv_timers = NULL;
	vm->nr_hv_timers = 0;
}

int hv_time_stage_init(struct vm *vm)
{
	u64 tsc;
	int fd, khz;

	if (!vm->hv)
		return 0;
	vm->fail_status = VTLVM_EXIT_HOST;
	fd = vm->vcpus[0]->vtl[0].fd;
	khz = kvm_sys_ioctl_val(fd, KVM_GET_TSC_KHZ, 0);
	if (khz <= 0 || vcpu_get_msr(fd, MSR_IA32_TSC, &tsc)) {
		pr_err("cannot read the guest TSC and its frequency");
		return -EIO;
	}
	hv_reftime_calibrate(vm->hv, (u64)khz * 1000, tsc, monotonic_ns());
	pr_debug("reference time: TSC %d kHz, scale %#llx", khz,
		 (unsigned long long)vm->hv->ref.tsc_scale);
	return 0;
}

/* ---- Exits ------------------------------------------------------------------------------------- */

bool hv_glue_msr(struct vcpu *vcpu, const struct vmm_exit *e)
{
	struct hv_vp *vp = vcpu->hv_vp[vcpu->cur_vtl];
	bool rd = e->kind == VMM_EXIT_RDMSR;
	int ret;

	if (!vp || !hv_msr_is_synthetic(e->msr.index))
		return false;
	ret = rd ? hv_msr_read(vp, e->msr.index, e->msr.data) :
		   hv_msr_write(vp, e->msr.index, *e->msr.data);
	if (ret) {
		*e->msr.error = 1;	/* #GP (TLFS: per-register rules in hv/msr.c) */
		pr_warn_ratelimited("vcpu%u: %s of synthetic msr %#x%s: #GP", vcpu->index,
				    rd ? "rdmsr" : "wrmsr", e->msr.index,
				    ret == -ENOENT ? " (not implemented)" : "");
	}
	return true;
}

static int inject_ud(struct vcpu *vcpu)
{
	return vcpu_inject_exception(vcpu->vtl[vcpu->cur_vtl].fd, 6 /* #UD */, false, 0);
}

static void regs_to_hcall(const struct kvm_regs *r, const struct kvm_sregs *s,
			  struct hv_hcall_regs *h)
{
	*h = (struct hv_hcall_regs) {
		.rax = r->rax, .rbx = r->rbx, .rcx = r->rcx, .rdx = r->rdx,
		.rsi = r->rsi, .rdi = r->rdi, .r8 = r->r8,
		/*
		 * TLFS "Hypercall Interface" (Legal Hypercall Environments, Calling
		 * Conventions): protected mode; x64 when EFER.LMA and CS.L are set.
		 */
		.protected_mode = (s->cr0 & X86_CR0_PE) && !(r->rflags & X86_RFLAGS_VM),
		.long_mode = (s->efer & EFER_LMA) && s->cs.l,
		.cpl = s->ss.dpl,
	};
}

/* Write back what the dispatcher changed, and only that: a register call may have set others. */
static void hcall_to_regs(const struct hv_hcall_regs *h, const struct hv_hcall_regs *orig,
			  struct kvm_regs *r)
{
#define BACK(f) do { if (h->f != orig->f) r->f = h->f; } while (0)
	BACK(rax); BACK(rbx); BACK(rcx); BACK(rdx); BACK(rsi); BACK(rdi); BACK(r8);
#undef BACK
}

static bool have_sync_regs(const struct vm *vm)
{
	return (caps_value(&vm->caps, CAP_SYNC_REGS) & VTL_SYNC_REGS) == VTL_SYNC_REGS;
}

/*
 * With sync_regs the registers are worked on in kvm_run itself
 * (vmm/vtl_regs.h): the first hypercall fetches them once, and from then on
 * KVM hands them over at every exit.
 */
enum vcpu_action hv_glue_hypercall(struct vcpu *vcpu)
{
	struct vcpu_vtl *v = &vcpu->vtl[vcpu->cur_vtl];
	struct hv_vp *vp = vcpu->hv_vp[vcpu->cur_vtl];
	bool sync = have_sync_regs(vcpu->vm);
	struct kvm_regs local_r, *r = &local_r;
	struct kvm_sregs local_s, *s = &local_s;
	struct hv_hcall_regs h, orig;
	enum hv_hcall_outcome out;

	if (sync) {
		if (vtl_regs_sync(v))
			return VCPU_FATAL;
		r = &v->run->s.regs.regs;
		s = &v->run->s.regs.sregs;
	} else if (kvm_sys_ioctl(v->fd, KVM_GET_REGS, r) < 0 ||
		   kvm_sys_ioctl(v->fd, KVM_GET_SREGS, s) < 0) {
		return VCPU_FATAL;
	}
	regs_to_hcall(r, s, &h);
	orig = h;
	out = hv_hypercall(vp, &h);
	if (out == HV_HCALL_VTL_CALL)
		return vtl_glue_vtl_call(vcpu);
	if (out == HV_HCALL_VTL_RETURN)
		return vtl_glue_vtl_return(vcpu, hv_hcall_vtl_input(&h) & HV_VTL_RETURN_INPUT_FAST);
	hcall_to_regs(&h, &orig, r);
	/* Continuation and #UD both leave RIP on the trapping instruction. */
	if (out != HV_HCALL_DONE)
		r->rip -= HV_HCALL_INSN_LEN;
	if (sync)
		v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
	else if (kvm_sys_ioctl(v->fd, KVM_SET_REGS, r) < 0)
		return VCPU_FATAL;
	if (out == HV_HCALL_UD && inject_ud(vcpu))
		return VCPU_FATAL;
	return VCPU_CONTINUE;
}
