// SPDX-License-Identifier: MIT
#define pr_fmt(fmt) "vtl: " fmt
#include "vmm/vtl_vm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "hv/hv.h"
#include "hv/reftime.h"
#include "vmm/cpuid.h"
#include "vmm/hv_glue.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"
#include "vmm/vtl_regs.h"
#include "vmm/x86.h"
#include "vtl/lapic.h"

/* VTL1's APIC timer runs at the frequency hv/ reports for every VTL. */
_Static_assert(LAPIC_BUS_HZ == HV_APIC_FREQUENCY_HZ, "APIC timer frequencies differ");

#define MTRR_MSR_BASE	0x200
#define MTRR_MSR_COUNT	0x100	/* 0x200-0x2ff: MTRRs and PAT (0x277) */

/* ---- MSR filters ------------------------------------------------------------------------------ */

/* A range whose every MSR exits (bitmap all zero: deny). */
static u8 deny_all[HV_SYNTHETIC_MSR_COUNT / 8];

/* 0x200-0x2ff for writes: MTRRs exit, the rest (PAT...) stays with KVM. */
static void mtrr_bitmap(u8 *bm)
{
	memset(bm, 0xff, MTRR_MSR_COUNT / 8);
	for (u32 i = 0; i < MTRR_MSR_COUNT; i++)
		if (vtl_regs_is_mtrr(MTRR_MSR_BASE + i))
			bm[i / 8] &= ~BIT(i % 8);
}

static void add_range(struct kvm_msr_filter *f, unsigned int *n, u32 flags, u32 base, u32 count,
		      u8 *bitmap)
{
	f->ranges[(*n)++] = (struct kvm_msr_filter_range) {
		.flags = flags, .base = base, .nmsrs = count, .bitmap = bitmap,
	};
}

static int set_filter(struct vm *vm, int fd, u8 vtl, bool mtrr_writes)
{
	static u8 mtrr_bm[MTRR_MSR_COUNT / 8];
	struct kvm_msr_filter f = { .flags = KVM_MSR_FILTER_DEFAULT_ALLOW };
	const u32 rw = KVM_MSR_FILTER_READ | KVM_MSR_FILTER_WRITE;
	unsigned int n = 0;

	if (!caps_has(&vm->caps, CAP_X86_MSR_FILTER))
		return vtl ? -EOPNOTSUPP : 0;	/* without it KVM still exits for MSRs it lacks */
	add_range(&f, &n, rw, HV_X64_MSR_GUEST_OS_ID, HV_SYNTHETIC_MSR_COUNT, deny_all);
	if (mtrr_writes) {
		mtrr_bitmap(mtrr_bm);
		add_range(&f, &n, KVM_MSR_FILTER_WRITE, MTRR_MSR_BASE, MTRR_MSR_COUNT, mtrr_bm);
	}
	if (vtl) {
		/* KVM has no APIC in this VM: it would ignore TSC_DEADLINE and fail x2APIC MSRs. */
		add_range(&f, &n, rw, MSR_IA32_APICBASE, 1, deny_all);
		add_range(&f, &n, rw, MSR_IA32_TSC_DEADLINE, 1, deny_all);
		add_range(&f, &n, rw, MSR_X2APIC_FIRST, MSR_X2APIC_LAST - MSR_X2APIC_FIRST + 1,
			  deny_all);
	}
	return kvm_sys_ioctl(fd, KVM_X86_SET_MSR_FILTER, &f) < 0 ? -EIO : 0;
}

int vtl_vm_msr_filter(struct vm *vm, u8 vtl, bool mtrr_writes)
{
	return set_filter(vm, vm->vtl[vtl].fd, vtl, mtrr_writes);
}

/* ---- The VM ---------------------------------------------------------------------------------- */

/* The base CPUID with this VTL's Hyper-V leaves (its own privileges). */
static int build_cpuid(struct vm *vm, u8 vtl)
{
	struct kvm_cpuid2 *c = malloc(sizeof(*c) + CPUID_MAX_ENTRIES * sizeof(c->entries[0]));
	int ret;

	if (!c)
		return -ENOMEM;
	memcpy(c, vm->cpuid, sizeof(*c) + vm->cpuid->nent * sizeof(c->entries[0]));
	cpuid_remove_range(c, HYPERV_CPUID_VENDOR_AND_MAX_FUNCTIONS, HYPERV_CPUID_NESTED_FEATURES);
	ret = hv_glue_add_cpuid(vm, vtl, c);
	if (ret) {
		free(c);
		return ret;
	}
	vm->vtl[vtl].cpuid = c;
	return 0;
}

/* One partition timeline: the new VM's kvmclock continues VTL0's. */
static int copy_kvmclock(struct vm *vm, int fd)
{
	struct kvm_clock_data clock = { 0 };
	int ret = kvm_sys_ioctl(vm->vtl[0].fd, KVM_GET_CLOCK, &clock);

	if (ret < 0)
		return ret;
	clock.flags = 0;
	ret = kvm_sys_ioctl(fd, KVM_SET_CLOCK, &clock);
	return ret < 0 ? ret : 0;
}

static int setup_vm(struct vm *vm, u8 vtl, int fd)
{
	/* No in-kernel irqchip: VTL1's APIC is vtlvm's (vtl/lapic.c). */
	int ret = vm_setup_kvm_vm(vm, fd, false);

	if (ret)
		return ret;
	/* The same RAM: plain memslots over VTL0's mapping (a guest_memfd binds to one VM). */
	ret = gmem_map_slots(&vm->mem, fd, false);
	if (!ret)
		ret = set_filter(vm, fd, vtl, true);
	if (!ret && caps_has(&vm->caps, CAP_ADJUST_CLOCK))
		ret = copy_kvmclock(vm, fd);
	return ret;
}

int vtl_vm_create(struct vm *vm, u8 vtl)
{
	int fd, ret;

	if (vtl >= VTL_MAX || vm->vtl[vtl].fd >= 0)
		return -EINVAL;
	ret = vtl_regs_init(vm);
	if (ret)
		return ret;
	fd = kvm_sys_ioctl_val(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (fd < 0)
		return fd;
	ret = setup_vm(vm, vtl, fd);
	if (!ret)
		ret = build_cpuid(vm, vtl);
	/* VTL0's MTRR writes must come to the VMM too from now on (shared state). */
	if (!ret)
		ret = vtl_vm_msr_filter(vm, 0, true);
	/* Last: hv/ publishes the VTL's state, which nothing can take back. */
	if (!ret)
		ret = hv_vtl_enable(vm->hv, vtl);
	if (ret) {
		pr_err("cannot create the VTL%u VM: %s", vtl, strerror(-ret));
		vtl_vm_destroy(vm, vtl);
		close(fd);
		return ret;
	}
	__atomic_store_n(&vm->vtl[vtl].fd, fd, __ATOMIC_RELEASE);
	pr_info("VTL%u enabled", vtl);
	return 0;
}

void vtl_vm_destroy(struct vm *vm, u8 vtl)
{
	free(vm->vtl[vtl].cpuid);
	vm->vtl[vtl].cpuid = NULL;
}

/* ---- The local APIC of a VTL vCPU (struct lapic_ops) ------------------------------------------ */

static u64 apic_now_ns(void *ctx)
{
	(void)ctx;
	return monotonic_ns();
}

/* The guest TSC from the reference-time calibration (hv/reftime.h): no vCPU ioctl. */
static u64 apic_guest_tsc(void *ctx)
{
	struct vcpu_vtl *v = ctx;
	const struct hv_reftime *r = &v->vcpu->vm->hv->ref;
	u64 ns = monotonic_ns() - r->mono0_ns;

	return r->tsc0 + (u64)((unsigned __int128)ns * r->tsc_hz / 1000000000ULL);
}

static void apic_timer_arm(void *ctx, u64 deadline_ns)
{
	struct vcpu_vtl *v = ctx;
	struct itimerspec its = {
		.it_value = { .tv_sec = deadline_ns / 1000000000ULL,
			      .tv_nsec = deadline_ns % 1000000000ULL },
	};

	if (timerfd_settime(v->timer_src.fd, TFD_TIMER_ABSTIME, &its, NULL))
		pr_warn_ratelimited("vcpu%u: cannot arm the VTL%u APIC timer: %s", v->vcpu->index,
				    v->level, strerror(errno));
}

static void apic_notify(void *ctx)
{
	struct vcpu_vtl *v = ctx;

	vcpu_wake(v->vcpu);
}

/* Deliver to the APICs of the same VTL that the IPI names (SDM 11.6.2). */
static void apic_send_ipi(void *ctx, const struct lapic_ipi *ipi)
{
	struct vcpu_vtl *from = ctx;
	struct vm *vm = from->vcpu->vm;

	for (u32 i = 0; i < vm->nr_vcpus; i++) {
		struct vcpu_vtl *to = &vm->vcpus[i]->vtl[from->level];
		struct lapic *a = __atomic_load_n(&to->lapic, __ATOMIC_ACQUIRE);
		bool hit;

		if (!a)
			continue;
		switch (ipi->shorthand) {
		case LAPIC_DEST_ALL:
			hit = true;
			break;
		case LAPIC_DEST_ALL_BUT_SELF:
			hit = to != from;
			break;
		case LAPIC_DEST_SELF:
			hit = to == from;
			break;
		default:
			hit = lapic_match_dest(a, ipi->dest, ipi->logical, ipi->x2apic);
			break;
		}
		if (!hit)
			continue;
		lapic_deliver(a, ipi->mode, ipi->vector, ipi->level);
		if (ipi->mode == LAPIC_DM_LOWEST)
			break;	/* one target; the SDM leaves the arbitration model-specific */
	}
}

static const struct lapic_ops apic_ops = {
	.now_ns = apic_now_ns,
	.guest_tsc = apic_guest_tsc,
	.timer_arm = apic_timer_arm,
	.notify = apic_notify,
	.send_ipi = apic_send_ipi,
};

static void on_apic_timer(struct loop_source *src, u32 events)
{
	struct vcpu_vtl *v = container_of(src, struct vcpu_vtl, timer_src);
	u64 ticks;

	(void)events;
	if (read(src->fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		pr_warn_ratelimited("vcpu%u: APIC timer: %s", v->vcpu->index, strerror(errno));
	lapic_timer_fire(v->lapic);
}

/* ---- A vCPU ----------------------------------------------------------------------------------- */

/* All VTLs of a VP read one TSC: VTL0's offset, or failing that its value. */
static int align_tsc(struct vcpu *vcpu, struct vcpu_vtl *v)
{
	struct kvm_device_attr a = { .group = KVM_VCPU_TSC_CTRL, .attr = KVM_VCPU_TSC_OFFSET };
	u64 offset, tsc;

	a.addr = (u64)(unsigned long)&offset;
	if (kvm_sys_ioctl(vcpu->vtl[0].fd, KVM_GET_DEVICE_ATTR, &a) >= 0 &&
	    kvm_sys_ioctl(v->fd, KVM_SET_DEVICE_ATTR, &a) >= 0)
		return 0;
	if (vcpu_get_msr(vcpu->vtl[0].fd, MSR_IA32_TSC, &tsc))
		return -EIO;
	return vcpu_set_msr(v->fd, MSR_IA32_TSC, tsc);
}

static int setup_vcpu(struct vcpu *vcpu, struct vcpu_vtl *v)
{
	int ret = vcpu_set_cpuid(vcpu, v->fd, vcpu->vm->vtl[v->level].cpuid);

	return ret ? ret : align_tsc(vcpu, v);
}

static int setup_apic(struct vcpu *vcpu, struct vcpu_vtl *v)
{
	struct vm *vm = vcpu->vm;
	struct lapic *a = calloc(1, sizeof(*a));
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);

	if (!a || fd < 0) {
		free(a);
		if (fd >= 0)
			close(fd);
		return -ENOMEM;
	}
	lapic_init(a, &apic_ops, v, vcpu->index, vcpu->index == 0, true, vm->hv->ref.tsc_hz);
	v->timer_src = (struct loop_source) {
		.fd = fd, .token = TOK_TIMER, .fn = on_apic_timer, .ctx = v,
	};
	if (loop_add(&vm->loop, &v->timer_src, EPOLLIN)) {
		lapic_destroy(a);
		free(a);
		close(fd);
		v->timer_src.fd = -1;
		return -EIO;
	}
	/* Published last: IPIs from other VPs look it up (apic_send_ipi). */
	__atomic_store_n(&v->lapic, a, __ATOMIC_RELEASE);
	return 0;
}

/*
 * KVM cannot take a vCPU back: once created, its id stays used until the VM
 * goes. So a vCPU, once made, is kept across a failed EnableVpVtl (a context
 * KVM refused, say) and reused by the next try.
 */
int vtl_vcpu_create(struct vcpu *vcpu, u8 vtl)
{
	struct vm *vm = vcpu->vm;
	struct vcpu_vtl *v = &vcpu->vtl[vtl];
	int fd = __atomic_load_n(&vm->vtl[vtl].fd, __ATOMIC_ACQUIRE);
	int ret = 0;

	if (fd < 0 || v->lapic)
		return -EINVAL;
	if (v->fd < 0) {
		ret = kvm_sys_ioctl_val(fd, KVM_CREATE_VCPU, vcpu->index);
		if (ret < 0)
			goto out;
		v->fd = ret;
		ret = 0;
	}
	if (!v->run) {
		struct kvm_run *run;

		ret = kvm_sys_map_run(v->fd, vm->run_size, &run);
		if (!ret)	/* vcpu_kick() reads it from other threads */
			__atomic_store_n(&v->run, run, __ATOMIC_RELEASE);
	}
	if (!ret && !v->configured)
		ret = setup_vcpu(vcpu, v);
	if (!ret)
		v->configured = true;
out:
	if (ret)
		pr_err("cannot create vcpu%u in VTL%u: %s", vcpu->index, vtl, strerror(-ret));
	return ret;
}

/* The vCPU holds its initial context: give it its APIC and Hyper-V state, visible to others. */
int vtl_vcpu_publish(struct vcpu *vcpu, u8 vtl)
{
	struct vcpu_vtl *v = &vcpu->vtl[vtl];
	int ret = setup_apic(vcpu, v);

	if (ret) {
		pr_err("cannot give vcpu%u an APIC in VTL%u: %s", vcpu->index, vtl, strerror(-ret));
		return ret;
	}
	vcpu->hv_vp[vtl] = hv_vp_get(vcpu->vm->hv, vtl, vcpu->index);
	vcpu->hv_vp[vtl]->vcpu = vcpu;
	return 0;
}

void vtl_vcpu_destroy(struct vcpu *vcpu, u8 vtl)
{
	struct vcpu_vtl *v = &vcpu->vtl[vtl];

	if (v->timer_src.fd >= 0)
		close(v->timer_src.fd);	/* leaves the epoll set with it */
	v->timer_src.fd = -1;
	if (v->lapic) {
		lapic_destroy(v->lapic);
		free(v->lapic);
		v->lapic = NULL;
	}
	kvm_sys_unmap_run(v->run, vcpu->vm->run_size);
	v->run = NULL;
	if (v->fd >= 0)
		close(v->fd);
	v->fd = -1;
	free(v->shared.xsave);
	v->shared.xsave = NULL;
}
