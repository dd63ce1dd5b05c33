// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "vcpu: " fmt
#include "vmm/vcpu.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/testdev.h"
#include "mem/layout.h"
#include "mem/pgtable.h"
#include "vmm/cpuid.h"
#include "hv/hv.h"
#include "vmm/exit.h"
#include "vmm/hv_glue.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vtl_glue.h"
#include "vmm/x86.h"

static __thread struct vcpu *current_vcpu;

struct vcpu *vcpu_self(void)
{
	return current_vcpu;
}

static void kick_handler(int sig)
{
	(void)sig;	/* its only job is to make KVM_RUN return -EINTR */
}

int vcpu_signals_init(void)
{
	struct sigaction sa = { .sa_handler = kick_handler };

	sigemptyset(&sa.sa_mask);
	return sigaction(VCPU_KICK_SIGNAL, &sa, NULL) ? -errno : 0;
}

/* Local APIC register offsets and LVT delivery modes (SDM vol. 3A, 11.5.1). */
#define APIC_LVT0	0x350
#define APIC_LVT1	0x360
#define APIC_DM_NMI	0x400
#define APIC_DM_EXTINT	0x700

static int vcpu_init_lapic(struct vcpu *vcpu)
{
	struct kvm_lapic_state lapic;
	u32 lvt0 = APIC_DM_EXTINT, lvt1 = APIC_DM_NMI;
	int ret;

	/* Virtual-wire mode on the BSP, as firmware leaves it: the PIC reaches LINT0. */
	if (vcpu->index != 0)
		return 0;
	ret = kvm_sys_ioctl(vcpu->vtl[0].fd, KVM_GET_LAPIC, &lapic);
	if (ret < 0)
		return ret;
	memcpy(&lapic.regs[APIC_LVT0], &lvt0, sizeof(lvt0));
	memcpy(&lapic.regs[APIC_LVT1], &lvt1, sizeof(lvt1));
	ret = kvm_sys_ioctl(vcpu->vtl[0].fd, KVM_SET_LAPIC, &lapic);
	return ret < 0 ? ret : 0;
}

struct one_msr {
	struct kvm_msrs hdr;
	struct kvm_msr_entry e;
};

int vcpu_get_msr(int fd, u32 msr, u64 *val)
{
	struct one_msr one = { .hdr.nmsrs = 1, .e.index = msr };

	if (kvm_sys_ioctl(fd, KVM_GET_MSRS, &one.hdr) != 1)
		return -EIO;
	*val = one.e.data;
	return 0;
}

int vcpu_set_msr(int fd, u32 msr, u64 val)
{
	struct one_msr one = { .hdr.nmsrs = 1, .e = { .index = msr, .data = val } };

	/* KVM_SET_MSRS returns how many it wrote: 0 when KVM refuses the value. */
	return kvm_sys_ioctl(fd, KVM_SET_MSRS, &one.hdr) == 1 ? 0 : -EIO;
}

int vcpu_inject_exception(int fd, u8 vector, bool has_error, u32 error_code)
{
	struct kvm_vcpu_events ev;
	int ret = kvm_sys_ioctl(fd, KVM_GET_VCPU_EVENTS, &ev);

	if (ret < 0)
		return ret;
	ev.flags = 0;
	ev.exception.injected = 1;
	ev.exception.nr = vector;
	ev.exception.has_error_code = has_error;
	ev.exception.error_code = error_code;
	ret = kvm_sys_ioctl(fd, KVM_SET_VCPU_EVENTS, &ev);
	return ret < 0 ? ret : 0;
}

int vcpu_set_cpuid(struct vcpu *vcpu, int fd, const struct kvm_cpuid2 *base)
{
	/*
	 * KVM serves its paravirtual MSRs (kvmclock...) whatever CPUID says
	 * unless told to enforce CPUID; vtlvm hides those leaves, so the MSRs
	 * must #GP too.
	 */
	struct kvm_enable_cap pv = { .cap = KVM_CAP_ENFORCE_PV_FEATURE_CPUID, .args[0] = 1 };
	/* The configured count: vm->nr_vcpus is still counting up while vCPUs are created. */
	struct kvm_cpuid2 *c = cpuid_for_vcpu(base, vcpu->index, vcpu->vm->cfg->cpus);
	int ret;

	if (!c)
		return -ENOMEM;
	ret = kvm_sys_ioctl(fd, KVM_SET_CPUID2, c);
	free(c);
	if (ret >= 0 && caps_has(&vcpu->vm->caps, CAP_ENFORCE_PV_FEATURE_CPUID))
		ret = kvm_sys_ioctl(fd, KVM_ENABLE_CAP, &pv);
	return ret < 0 ? ret : 0;
}

static void vcpu_free(struct vcpu *vcpu)
{
	pthread_cond_destroy(&vcpu->cond);
	pthread_mutex_destroy(&vcpu->req_lock);
	pthread_mutex_destroy(&vcpu->lock);
	free(vcpu);
}

int vcpu_create(struct vm *vm, u32 index, struct vcpu **out)
{
	struct vcpu *vcpu = calloc(1, sizeof(*vcpu));
	int ret;

	if (!vcpu)
		return -ENOMEM;
	vcpu->vm = vm;
	vcpu->index = index;
	for (unsigned int i = 0; i < VTL_MAX; i++)
		vcpu->vtl[i].fd = -1;
	pthread_mutex_init(&vcpu->lock, NULL);
	pthread_mutex_init(&vcpu->req_lock, NULL);
	pthread_cond_init(&vcpu->cond, NULL);
	vtl_glue_attach(vcpu);
	ret = kvm_sys_ioctl_val(vm->vtl[0].fd, KVM_CREATE_VCPU, index);
	if (ret < 0) {
		pr_err("cannot create vcpu%u: %s", index, strerror(-ret));
		goto out_free;
	}
	vcpu->vtl[0].fd = ret;
	ret = kvm_sys_map_run(vcpu->vtl[0].fd, vm->run_size, &vcpu->vtl[0].run);
	if (ret) {
		pr_err("cannot map kvm_run of vcpu%u: %s", index, strerror(-ret));
		goto out_close;
	}
	if (vm->hv) {
		vcpu->hv_vp[0] = hv_vp_get(vm->hv, 0, index);
		vcpu->hv_vp[0]->vcpu = vcpu;
	}
	ret = vcpu_set_cpuid(vcpu, vcpu->vtl[0].fd, vm->cpuid);
	if (!ret)
		ret = vcpu_init_lapic(vcpu);
	if (ret) {
		pr_err("cannot set up vcpu%u: %s", index, strerror(-ret));
		goto out_unmap;
	}
	*out = vcpu;
	return 0;
out_unmap:
	kvm_sys_unmap_run(vcpu->vtl[0].run, vm->run_size);
out_close:
	close(vcpu->vtl[0].fd);
out_free:
	vcpu_free(vcpu);
	return ret;
}

void vcpu_destroy(struct vcpu *vcpu)
{
	if (!vcpu)
		return;
	vtl_glue_vcpu_exit(vcpu);
	kvm_sys_unmap_run(vcpu->vtl[0].run, vcpu->vm->run_size);
	if (vcpu->vtl[0].fd >= 0)
		close(vcpu->vtl[0].fd);
	vcpu_free(vcpu);
}

/* A flat segment from the boot GDT, with the cached fields KVM wants. */
static void boot_segment(struct kvm_segment *s, u16 sel)
{
	u64 d = pgtable_gdt_entry(sel >> 3);

	*s = (struct kvm_segment) {
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = (d >> 40) & 0xf,
		.present = (d >> 47) & 1,
		.dpl = (d >> 45) & 3,
		.db = (d >> 54) & 1,
		.s = (d >> 44) & 1,
		.l = (d >> 53) & 1,
		.g = (d >> 55) & 1,
	};
}

void vcpu_boot_sregs(struct kvm_sregs *sr, enum boot_mode mode)
{
	u16 cs = mode == BOOT_MODE_LONG64 ? BOOT_CS64 : BOOT_CS32;

	boot_segment(&sr->cs, cs);
	boot_segment(&sr->ds, BOOT_DS);
	sr->es = sr->fs = sr->gs = sr->ss = sr->ds;
	/* VMX needs a usable TR even if the guest never switches tasks. */
	sr->tr = (struct kvm_segment) { .limit = 0x67, .type = 11, .present = 1 };
	sr->gdt.base = LAYOUT_GDT;
	sr->gdt.limit = BOOT_GDT_ENTRIES * 8 - 1;
	sr->idt.base = 0;
	sr->idt.limit = 0;
	if (mode == BOOT_MODE_LONG64) {
		sr->cr0 = X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | X86_CR0_WP |
			  X86_CR0_PG;
		sr->cr3 = LAYOUT_PGTABLE;
		sr->cr4 = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
		sr->efer = EFER_LME | EFER_LMA | EFER_NXE;
	} else {
		sr->cr0 = X86_CR0_PE | X86_CR0_ET;
		sr->cr3 = 0;
		sr->cr4 = 0;
		sr->efer = 0;
	}
}

int vcpu_set_boot_state(struct vcpu *vcpu, const struct boot_state *bs)
{
	int fd = vcpu->vtl[0].fd;
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rip = bs->rip, .rsp = bs->rsp, .rflags = 0x2,
		.rax = bs->rax, .rbx = bs->rbx, .rsi = bs->rsi, .rdi = bs->rdi,
	};
	int ret;

	ret = kvm_sys_ioctl(fd, KVM_GET_SREGS, &sregs);
	if (ret < 0)
		return ret;
	vcpu_boot_sregs(&sregs, bs->mode);
	ret = kvm_sys_ioctl(fd, KVM_SET_SREGS, &sregs);
	if (ret < 0)
		return ret;
	ret = kvm_sys_ioctl(fd, KVM_SET_REGS, &regs);
	return ret < 0 ? ret : 0;
}

static void dump_segment(const char *name, const struct kvm_segment *s)
{
	pr_err("  %-3s sel %04x base %016llx limit %08x type %x p %u dpl %u db %u s %u l %u g %u",
	       name, s->selector, (unsigned long long)s->base, s->limit, s->type, s->present,
	       s->dpl, s->db, s->s, s->l, s->g);
}

void vcpu_dump(struct vcpu *vcpu, const char *why)
{
	struct vcpu_vtl *v = &vcpu->vtl[vcpu->cur_vtl];
	struct kvm_regs r;
	struct kvm_sregs s;

	pr_err("vcpu%u (VTL%u): %s; last exit %s (%u)", vcpu->index, vcpu->cur_vtl, why,
	       exit_reason_name(v->run->exit_reason), v->run->exit_reason);
	if (kvm_sys_ioctl(v->fd, KVM_GET_REGS, &r) < 0 ||
	    kvm_sys_ioctl(v->fd, KVM_GET_SREGS, &s) < 0) {
		pr_err("  (registers unavailable)");
		return;
	}
	pr_err("  RIP %016llx RSP %016llx RFLAGS %016llx", r.rip, r.rsp, r.rflags);
	pr_err("  RAX %016llx RBX %016llx RCX %016llx RDX %016llx", r.rax, r.rbx, r.rcx, r.rdx);
	pr_err("  RSI %016llx RDI %016llx RBP %016llx R8  %016llx", r.rsi, r.rdi, r.rbp, r.r8);
	pr_err("  R9  %016llx R10 %016llx R11 %016llx R12 %016llx", r.r9, r.r10, r.r11, r.r12);
	pr_err("  R13 %016llx R14 %016llx R15 %016llx", r.r13, r.r14, r.r15);
	pr_err("  CR0 %016llx CR2 %016llx CR3 %016llx CR4 %016llx", s.cr0, s.cr2, s.cr3, s.cr4);
	pr_err("  EFER %016llx APIC_BASE %016llx CR8 %llx", s.efer, s.apic_base, s.cr8);
	dump_segment("CS", &s.cs);
	dump_segment("SS", &s.ss);
	dump_segment("DS", &s.ds);
	dump_segment("TR", &s.tr);
	pr_err("  GDT %016llx/%04x IDT %016llx/%04x", s.gdt.base, s.gdt.limit, s.idt.base,
	       s.idt.limit);
}

/*
 * One pass of the VP's loop before KVM_RUN: serve what others asked of this
 * VP, pick the VTL to run (vmm/vtl_glue.h). False: nothing to run now (the
 * VP slept until woken) or the VM is stopping; the caller loops.
 */
static bool vcpu_ready(struct vcpu *vcpu)
{
	atomic_store(&vcpu->wake, false);
	hv_glue_service_flush(vcpu);
	vtl_glue_service(vcpu);
	switch (vtl_glue_schedule(vcpu)) {
	case VTL_SCHED_RUN:
		break;
	case VTL_SCHED_IDLE:
		vtl_glue_idle(vcpu);
		return false;
	case VTL_SCHED_FAIL:
		return false;
	}
	if (vcpu->cur_vtl && vtl_glue_prepare_run(vcpu)) {
		vm_request_stop(vcpu->vm, VTLVM_EXIT_HOST, "interrupt injection failed");
		return false;
	}
	/* Pairs with vcpu_wake(): either it sees in_run and kicks, or we see wake here. */
	atomic_store(&vcpu->in_run, true);
	if (atomic_load(&vcpu->wake)) {
		atomic_store(&vcpu->in_run, false);
		return false;
	}
	return true;
}

static enum vcpu_action vcpu_run_once(struct vcpu *vcpu)
{
	struct vm *vm = vcpu->vm;
	struct vcpu_vtl *v = &vcpu->vtl[vcpu->cur_vtl];
	struct vmm_exit e;
	int ret;

	ret = kvm_sys_vcpu_run(v->fd, v->run);
	atomic_store(&vcpu->in_run, false);
	if (v->run->exit_reason == KVM_EXIT_INTR) {
		/*
		 * A kick: clear it before looking at why (stop, flush, a VTL
		 * switch), in every VTL's kvm_run, as vcpu_kick() set it in all.
		 * A kick that comes after this store sets it again and the next
		 * KVM_RUN returns at once; vcpu_kick() pairs with this.
		 */
		for (unsigned int i = 0; i < VTL_MAX; i++)
			if (vcpu->vtl[i].run)
				__atomic_store_n(&vcpu->vtl[i].run->immediate_exit, 0,
						 __ATOMIC_SEQ_CST);
	}
	if (ret) {
		pr_err("vcpu%u: KVM_RUN (VTL%u): %s", vcpu->index, vcpu->cur_vtl, strerror(-ret));
		vm_request_stop(vm, VTLVM_EXIT_HOST, "KVM_RUN failed");
		return VCPU_STOP;
	}
	if (vcpu->cur_vtl)
		vtl_glue_after_run(vcpu);
	if (exit_decode(v->run, vm->run_size, &e))
		pr_err("vcpu%u: malformed %s exit from KVM", vcpu->index,
		       exit_reason_name(v->run->exit_reason));
	return exit_handle(vcpu, &e);
}

static void *vcpu_thread(void *arg)
{
	struct vcpu *vcpu = arg;
	struct vm *vm = vcpu->vm;
	sigset_t set;

	current_vcpu = vcpu;
	sigemptyset(&set);
	sigaddset(&set, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	/* For the start-up benchmark: the moment the first guest instruction can run. */
	if (vcpu->index == 0 && vm->dev.testdev)
		testdev_note(vm->dev.testdev, "start", vcpu->index);

	while (!vm_stopping(vm)) {
		enum vcpu_action act;

		if (!vcpu_ready(vcpu))
			continue;
		act = vcpu_run_once(vcpu);
		if (act == VCPU_FATAL) {
			vcpu_dump(vcpu, "cannot continue");
			vm_request_stop(vm, VTLVM_EXIT_GUEST_CRASH, "guest crashed");
			break;
		}
		if (act == VCPU_STOP)
			break;
	}
	return NULL;
}

int vcpu_start(struct vcpu *vcpu)
{
	int ret;

	/* Set first: from now on only the VP's thread may touch its vCPUs (vmm/hv_glue.c). */
	__atomic_store_n(&vcpu->started, true, __ATOMIC_SEQ_CST);
	ret = pthread_create(&vcpu->thread, NULL, vcpu_thread, vcpu);
	if (ret) {
		__atomic_store_n(&vcpu->started, false, __ATOMIC_SEQ_CST);
		return -ret;
	}
	__atomic_store_n(&vcpu->has_thread, true, __ATOMIC_RELEASE);
	return 0;
}

void vcpu_kick(struct vcpu *vcpu)
{
	for (unsigned int i = 0; i < VTL_MAX; i++) {
		struct kvm_run *run = __atomic_load_n(&vcpu->vtl[i].run, __ATOMIC_ACQUIRE);

		if (run)
			__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	}
	if (__atomic_load_n(&vcpu->has_thread, __ATOMIC_ACQUIRE))
		pthread_kill(vcpu->thread, VCPU_KICK_SIGNAL);
}

void vcpu_wake(struct vcpu *vcpu)
{
	atomic_store(&vcpu->wake, true);
	pthread_mutex_lock(&vcpu->lock);
	pthread_cond_signal(&vcpu->cond);
	pthread_mutex_unlock(&vcpu->lock);
	if (atomic_load(&vcpu->in_run))
		vcpu_kick(vcpu);
}

void vcpu_join(struct vcpu *vcpu)
{
	if (vcpu->has_thread)
		pthread_join(vcpu->thread, NULL);
	vcpu->has_thread = false;
	vcpu->started = false;
}
