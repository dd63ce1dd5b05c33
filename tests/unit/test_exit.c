// SPDX-License-Identifier: MIT
/* Unit tests for vmm/exit.c: exit_decode() on fabricated kvm_run pages, exit_handle(). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "devices/bus.h"
#include "vmm/exit.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vcpu.h"
#include "vmm/vm.h"

#define RUN_SIZE (3 * PAGE_SIZE)
#define PIO_OFFSET PAGE_SIZE	/* where KVM puts PIO data: KVM_PIO_PAGE_OFFSET */

/* vm.c and vcpu.c are other objects: exit.c's calls into them can be wrapped. */
void __wrap_vm_request_stop(struct vm *vm, int status, const char *why)
{
	(void)why;
	check_expected_ptr(vm);
	check_expected(status);
}

void __wrap_vcpu_dump(struct vcpu *vcpu, const char *why)
{
	(void)why;
	check_expected_ptr(vcpu);
}

static struct kvm_run *run_new(u32 reason)
{
	struct kvm_run *run = aligned_alloc(PAGE_SIZE, RUN_SIZE);

	assert_non_null(run);
	memset(run, 0, RUN_SIZE);
	run->exit_reason = reason;
	return run;
}

static struct kvm_run *run_io(u8 dir, u16 port, u8 size, u32 count, u64 data_offset)
{
	struct kvm_run *run = run_new(KVM_EXIT_IO);

	run->io.direction = dir;
	run->io.port = port;
	run->io.size = size;
	run->io.count = count;
	run->io.data_offset = data_offset;
	return run;
}

/* exit_decode() must overwrite everything: start from garbage. */
static void garbage(struct vmm_exit *e)
{
	memset(e, 0xa5, sizeof(*e));
}

static void test_exit_decode_io(void **state)
{
	static const struct { u8 dir; u8 size; u32 count; u64 off; } cases[] = {
		{ KVM_EXIT_IO_OUT, 1, 1, PIO_OFFSET },
		{ KVM_EXIT_IO_OUT, 2, 1, PIO_OFFSET },
		{ KVM_EXIT_IO_OUT, 4, 1, PIO_OFFSET },
		{ KVM_EXIT_IO_IN, 1, 1, PIO_OFFSET },
		{ KVM_EXIT_IO_IN, 2, 1, PIO_OFFSET },
		{ KVM_EXIT_IO_IN, 4, 1, PIO_OFFSET },
		{ KVM_EXIT_IO_IN, 4, 100, PIO_OFFSET },		/* rep insl */
		{ KVM_EXIT_IO_OUT, 2, 2048, PIO_OFFSET },	/* rep outsw, 4 KiB */
		{ KVM_EXIT_IO_OUT, 1, 8192, PIO_OFFSET },	/* exactly to the end */
		{ KVM_EXIT_IO_OUT, 4, 1, RUN_SIZE - 4 },	/* last 4 bytes */
		{ KVM_EXIT_IO_IN, 1, 1, 0 },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvm_run *run = run_io(cases[i].dir, 0x3f8 + i, cases[i].size,
					     cases[i].count, cases[i].off);
		struct vmm_exit e;

		garbage(&e);
		assert_int_equal(exit_decode(run, RUN_SIZE, &e), 0);
		assert_int_equal(e.kind, VMM_EXIT_PIO);
		assert_int_equal(e.reason, KVM_EXIT_IO);
		assert_int_equal(e.pio.port, 0x3f8 + i);
		assert_int_equal(e.pio.size, cases[i].size);
		assert_int_equal(e.pio.count, cases[i].count);
		assert_int_equal(e.pio.is_write, cases[i].dir == KVM_EXIT_IO_OUT);
		assert_ptr_equal(e.pio.data, (u8 *)run + cases[i].off);
		free(run);
	}
}

static void test_exit_decode_io_bad(void **state)
{
	static const struct { u8 size; u32 count; u64 off; const char *why; } cases[] = {
		{ 0, 1, PIO_OFFSET, "size 0" },
		{ 3, 1, PIO_OFFSET, "size 3" },
		{ 8, 1, PIO_OFFSET, "size 8" },
		{ 255, 1, PIO_OFFSET, "size 255" },
		{ 1, 0, PIO_OFFSET, "count 0" },
		{ 4, 1, RUN_SIZE - 3, "one byte past the mapping" },
		{ 1, 1, RUN_SIZE, "offset at the end" },
		{ 1, 8193, PIO_OFFSET, "rep past the end" },
		{ 4, UINT32_MAX, PIO_OFFSET, "size * count beyond 32 bits" },
		{ 4, 0x40000000, 0, "size * count wraps to 0 in 32 bits" },
		{ 1, 1, UINT64_MAX, "offset near 2^64" },
		{ 2, 1, UINT64_MAX - 1, "offset + bytes wraps" },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvm_run *run = run_io(KVM_EXIT_IO_IN, 0x60, cases[i].size,
					     cases[i].count, cases[i].off);
		struct vmm_exit e;
		int ret;

		garbage(&e);
		ret = exit_decode(run, RUN_SIZE, &e);
		if (ret != -EINVAL || e.kind != VMM_EXIT_UNKNOWN)
			fail_msg("%s: ret %d kind %d", cases[i].why, ret, e.kind);
		assert_int_equal(e.reason, KVM_EXIT_IO);
		free(run);
	}
}

static void test_exit_decode_mmio(void **state)
{
	(void)state;

	for (u32 len = 0; len <= 9; len++) {
		struct kvm_run *run = run_new(KVM_EXIT_MMIO);
		struct vmm_exit e;
		int ret;

		run->mmio.phys_addr = 0xfed00000 + len;
		run->mmio.len = len;
		run->mmio.is_write = len & 1;
		garbage(&e);
		ret = exit_decode(run, RUN_SIZE, &e);
		if (len == 0 || len > 8) {
			assert_int_equal(ret, -EINVAL);
			assert_int_equal(e.kind, VMM_EXIT_UNKNOWN);
		} else {
			assert_int_equal(ret, 0);
			assert_int_equal(e.kind, VMM_EXIT_MMIO);
			assert_int_equal(e.mmio.gpa, 0xfed00000 + len);
			assert_int_equal(e.mmio.len, len);
			assert_int_equal(e.mmio.is_write, len & 1);
			assert_ptr_equal(e.mmio.data, run->mmio.data);
		}
		free(run);
	}
}

static void test_exit_decode_msr(void **state)
{
	static const u32 reasons[] = { KVM_EXIT_X86_RDMSR, KVM_EXIT_X86_WRMSR };
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(reasons); i++) {
		struct kvm_run *run = run_new(reasons[i]);
		struct vmm_exit e;

		run->msr.index = 0x40000070;
		run->msr.reason = KVM_MSR_EXIT_REASON_FILTER;
		run->msr.data = 0x1122334455667788ULL;
		garbage(&e);
		assert_int_equal(exit_decode(run, RUN_SIZE, &e), 0);
		assert_int_equal(e.kind, i ? VMM_EXIT_WRMSR : VMM_EXIT_RDMSR);
		assert_int_equal(e.msr.index, 0x40000070);
		assert_int_equal(e.msr.reason, KVM_MSR_EXIT_REASON_FILTER);
		/* The pointers lead back into run: that is how results reach KVM. */
		assert_int_equal(*e.msr.data, 0x1122334455667788ULL);
		*e.msr.data = 42;
		*e.msr.error = 1;
		assert_int_equal(run->msr.data, 42);
		assert_int_equal(run->msr.error, 1);
		free(run);
	}
}

static void test_exit_decode_simple(void **state)
{
	static const struct { u32 reason; enum vmm_exit_kind kind; } cases[] = {
		{ KVM_EXIT_HLT, VMM_EXIT_HLT },
		{ KVM_EXIT_INTR, VMM_EXIT_INTR },
		{ KVM_EXIT_SHUTDOWN, VMM_EXIT_SHUTDOWN },
		{ KVM_EXIT_DEBUG, VMM_EXIT_UNKNOWN },
		{ KVM_EXIT_UNKNOWN, VMM_EXIT_UNKNOWN },
		{ 9999, VMM_EXIT_UNKNOWN },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvm_run *run = run_new(cases[i].reason);
		struct vmm_exit e;

		run->hw.hardware_exit_reason = 0x1234 + i;
		garbage(&e);
		assert_int_equal(exit_decode(run, RUN_SIZE, &e), 0);
		assert_int_equal(e.kind, cases[i].kind);
		assert_int_equal(e.reason, cases[i].reason);
		if (cases[i].kind == VMM_EXIT_UNKNOWN)
			assert_int_equal(e.hw_reason, 0x1234 + i);
		free(run);
	}
}

static void test_exit_decode_system_event(void **state)
{
	struct kvm_run *run = run_new(KVM_EXIT_SYSTEM_EVENT);
	struct vmm_exit e;
	(void)state;

	run->system_event.type = KVM_SYSTEM_EVENT_RESET;
	run->system_event.flags = 0xabcdef0123ULL;
	garbage(&e);
	assert_int_equal(exit_decode(run, RUN_SIZE, &e), 0);
	assert_int_equal(e.kind, VMM_EXIT_SYSTEM_EVENT);
	assert_int_equal(e.system_event.type, KVM_SYSTEM_EVENT_RESET);
	assert_int_equal(e.system_event.flags, 0xabcdef0123ULL);
	free(run);
}

static void test_exit_decode_internal_error(void **state)
{
	static const struct { u32 ndata, expect; } cases[] = {
		{ 0, 0 }, { 3, 3 }, { 16, 16 }, { 17, 16 }, { UINT32_MAX, 16 },
	};
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct kvm_run *run = run_new(KVM_EXIT_INTERNAL_ERROR);
		struct vmm_exit e;

		run->internal.suberror = KVM_INTERNAL_ERROR_EMULATION;
		run->internal.ndata = cases[i].ndata;
		run->internal.data[15] = 0x55;
		garbage(&e);
		assert_int_equal(exit_decode(run, RUN_SIZE, &e), 0);
		assert_int_equal(e.kind, VMM_EXIT_INTERNAL_ERROR);
		assert_int_equal(e.internal.suberror, KVM_INTERNAL_ERROR_EMULATION);
		assert_int_equal(e.internal.ndata, cases[i].expect);
		assert_ptr_equal(e.internal.data, run->internal.data);
		free(run);
	}
}

static void test_exit_decode_fail_entry(void **state)
{
	struct kvm_run *run = run_new(KVM_EXIT_FAIL_ENTRY);
	struct vmm_exit e;
	(void)state;

	run->fail_entry.hardware_entry_failure_reason = 0x80000021ULL;
	garbage(&e);
	assert_int_equal(exit_decode(run, RUN_SIZE, &e), 0);
	assert_int_equal(e.kind, VMM_EXIT_FAIL_ENTRY);
	assert_int_equal(e.hw_reason, 0x80000021ULL);
	free(run);
}

static void test_exit_reason_name_table(void **state)
{
#define N(x) { KVM_EXIT_##x, #x }
	static const struct { u32 reason; const char *name; } cases[] = {
		N(UNKNOWN), N(IO), N(HLT), N(MMIO), N(SHUTDOWN), N(FAIL_ENTRY), N(INTR),
		N(INTERNAL_ERROR), N(SYSTEM_EVENT), N(HYPERV), N(X86_RDMSR), N(X86_WRMSR),
		N(MEMORY_FAULT),
	};
#undef N
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_string_equal(exit_reason_name(cases[i].reason), cases[i].name);
	assert_string_equal(exit_reason_name(18), "?");	/* KVM_EXIT_OSI: a hole in the table */
	assert_string_equal(exit_reason_name(KVM_EXIT_MEMORY_FAULT + 1000), "?");
	assert_string_equal(exit_reason_name(UINT32_MAX), "?");
}

/* ---- exit_handle() against real buses ---------------------------------------- */

struct fixture {
	struct vm vm;
	struct vcpu vcpu;
	struct kvm_run *run;
};

struct fake_dev {
	unsigned int reads, writes;
	u64 off;
	u8 last;
};

static void fake_read(void *dev, u64 off, void *data, u32 len)
{
	struct fake_dev *d = dev;

	memset(data, (int)(0x10 + d->reads++), len);
	d->off = off;
}

static void fake_write(void *dev, u64 off, const void *data, u32 len)
{
	struct fake_dev *d = dev;

	d->writes++;
	d->off = off;
	d->last = ((const u8 *)data)[len - 1];
}

static const struct bus_ops fake_ops = { .read = fake_read, .write = fake_write };

static int handle_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	bus_init(&f->vm.pio, "pio");
	bus_init(&f->vm.mmio, "mmio");
	f->vcpu.vm = &f->vm;
	f->vcpu.index = 3;
	*state = f;
	return 0;
}

static int handle_teardown(void **state)
{
	struct fixture *f = *state;

	bus_exit(&f->vm.pio);
	bus_exit(&f->vm.mmio);
	free(f->run);
	free(f);
	return 0;
}

static enum vcpu_action decode_and_handle(struct fixture *f)
{
	struct vmm_exit e;

	assert_int_equal(exit_decode(f->run, RUN_SIZE, &e), 0);
	return exit_handle(&f->vcpu, &e);
}

static void test_exit_handle_pio_unclaimed_read(void **state)
{
	struct fixture *f = *state;
	u8 *data;

	f->run = run_io(KVM_EXIT_IO_IN, 0x1234, 2, 3, PIO_OFFSET);
	data = (u8 *)f->run + PIO_OFFSET;
	memset(data, 0, 16);
	assert_int_equal(decode_and_handle(f), VCPU_CONTINUE);
	for (int i = 0; i < 6; i++)
		assert_int_equal(data[i], 0xff);
	assert_int_equal(data[6], 0);	/* exactly size * count bytes */
}

static void test_exit_handle_pio_claimed(void **state)
{
	struct fixture *f = *state;
	struct fake_dev dev = { 0 };
	u8 *data;

	assert_int_equal(bus_register(&f->vm.pio, 0x3f8, 8, &fake_ops, &dev, "dev"), 0);
	/* rep insw of 3 at port 0x3fa: three reads at offset 2, each into its slot. */
	f->run = run_io(KVM_EXIT_IO_IN, 0x3fa, 2, 3, PIO_OFFSET);
	data = (u8 *)f->run + PIO_OFFSET;
	assert_int_equal(decode_and_handle(f), VCPU_CONTINUE);
	assert_int_equal(dev.reads, 3);
	assert_int_equal(dev.off, 2);
	assert_int_equal(data[0], 0x10);
	assert_int_equal(data[1], 0x10);
	assert_int_equal(data[2], 0x11);
	assert_int_equal(data[5], 0x12);
	free(f->run);

	/* rep outsb of 4: the last byte written is the last element. */
	f->run = run_io(KVM_EXIT_IO_OUT, 0x3f8, 1, 4, PIO_OFFSET);
	memcpy((u8 *)f->run + PIO_OFFSET, "abcd", 4);
	assert_int_equal(decode_and_handle(f), VCPU_CONTINUE);
	assert_int_equal(dev.writes, 4);
	assert_int_equal(dev.off, 0);
	assert_int_equal(dev.last, 'd');
}

/* An access running past the device's range is not the device's. */
static void test_exit_handle_pio_straddling(void **state)
{
	struct fixture *f = *state;
	struct fake_dev dev = { 0 };
	u8 *data;

	assert_int_equal(bus_register(&f->vm.pio, 0xe8, 1, &fake_ops, &dev, "dev"), 0);
	f->run = run_io(KVM_EXIT_IO_IN, 0xe8, 4, 1, PIO_OFFSET);
	data = (u8 *)f->run + PIO_OFFSET;
	assert_int_equal(decode_and_handle(f), VCPU_CONTINUE);
	assert_int_equal(dev.reads, 0);
	assert_int_equal(data[0] & data[1] & data[2] & data[3], 0xff);
}

static void test_exit_handle_mmio(void **state)
{
	struct fixture *f = *state;
	struct fake_dev dev = { 0 };

	assert_int_equal(bus_register(&f->vm.mmio, 0xfed00000, 0x1000, &fake_ops, &dev, "d"), 0);
	f->run = run_new(KVM_EXIT_MMIO);
	f->run->mmio.phys_addr = 0xfed00010;
	f->run->mmio.len = 4;
	assert_int_equal(decode_and_handle(f), VCPU_CONTINUE);
	assert_int_equal(dev.reads, 1);
	assert_int_equal(dev.off, 0x10);
	assert_int_equal(f->run->mmio.data[3], 0x10);
	assert_int_equal(f->run->mmio.data[4], 0);

	f->run->mmio.is_write = 1;
	f->run->mmio.data[3] = 0x77;
	assert_int_equal(decode_and_handle(f), VCPU_CONTINUE);
	assert_int_equal(dev.writes, 1);
	assert_int_equal(dev.last, 0x77);

	/* Unclaimed: reads are all-ones for len bytes, writes vanish. */
	memset(f->run->mmio.data, 0, 8);
	f->run->mmio.is_write = 0;
	f->run->mmio.phys_addr = 0xfee00000;
	f->run->mmio.len = 2;
	assert_int_equal(decode_and_handle(f), VCPU_CONTINUE);
	assert_int_equal(f->run->mmio.data[0], 0xff);
	assert_int_equal(f->run->mmio.data[1], 0xff);
	assert_int_equal(f->run->mmio.data[2], 0);
	f->run->mmio.is_write = 1;
	assert_int_equal(decode_and_handle(f), VCPU_CONTINUE);
	assert_int_equal(dev.reads + dev.writes, 2);
}

static void test_exit_handle_msr_injects_gp(void **state)
{
	struct fixture *f = *state;

	f->run = run_new(KVM_EXIT_X86_WRMSR);
	f->run->msr.index = 0x40000000;
	assert_int_equal(decode_and_handle(f), VCPU_CONTINUE);
	assert_int_equal(f->run->msr.error, 1);
}

static void test_exit_handle_shutdown(void **state)
{
	struct fixture *f = *state;

	f->run = run_new(KVM_EXIT_SHUTDOWN);
	expect_value(__wrap_vcpu_dump, vcpu, &f->vcpu);
	expect_value(__wrap_vm_request_stop, vm, &f->vm);
	expect_value(__wrap_vm_request_stop, status, VTLVM_EXIT_TRIPLE_FAULT);
	assert_int_equal(decode_and_handle(f), VCPU_STOP);
}

static void test_exit_handle_system_event(void **state)
{
	static const struct { u32 type; int status; } cases[] = {
		{ KVM_SYSTEM_EVENT_SHUTDOWN, VTLVM_EXIT_POWEROFF },
		{ KVM_SYSTEM_EVENT_RESET, VTLVM_EXIT_RESET },
		{ KVM_SYSTEM_EVENT_CRASH, VTLVM_EXIT_GUEST_PANIC },
	};
	struct fixture *f = *state;

	f->run = run_new(KVM_EXIT_SYSTEM_EVENT);
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		f->run->system_event.type = cases[i].type;
		expect_value(__wrap_vm_request_stop, vm, &f->vm);
		expect_value(__wrap_vm_request_stop, status, cases[i].status);
		assert_int_equal(decode_and_handle(f), VCPU_STOP);
	}
	/* An unknown event is fatal and does not pick a status itself. */
	f->run->system_event.type = 0x77;
	assert_int_equal(decode_and_handle(f), VCPU_FATAL);
}

static void test_exit_handle_fatal(void **state)
{
	static const u32 reasons[] = {
		KVM_EXIT_INTERNAL_ERROR, KVM_EXIT_FAIL_ENTRY, KVM_EXIT_HLT, KVM_EXIT_DEBUG, 9999,
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < ARRAY_SIZE(reasons); i++) {
		free(f->run);
		f->run = run_new(reasons[i]);
		f->run->internal.ndata = 40;	/* clamped, so the dump stays inside run */
		assert_int_equal(decode_and_handle(f), VCPU_FATAL);
	}
	free(f->run);
	f->run = run_new(KVM_EXIT_INTR);
	assert_int_equal(decode_and_handle(f), VCPU_CONTINUE);
	/* A run that failed to decode is fatal, not silently resumed. */
	free(f->run);
	f->run = run_io(KVM_EXIT_IO_OUT, 0x80, 3, 1, PIO_OFFSET);
	{
		struct vmm_exit e;

		assert_int_equal(exit_decode(f->run, RUN_SIZE, &e), -EINVAL);
		assert_int_equal(exit_handle(&f->vcpu, &e), VCPU_FATAL);
	}
}

#define H(fn) cmocka_unit_test_setup_teardown(fn, handle_setup, handle_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_decode_io),
		cmocka_unit_test(test_exit_decode_io_bad),
		cmocka_unit_test(test_exit_decode_mmio),
		cmocka_unit_test(test_exit_decode_msr),
		cmocka_unit_test(test_exit_decode_simple),
		cmocka_unit_test(test_exit_decode_system_event),
		cmocka_unit_test(test_exit_decode_internal_error),
		cmocka_unit_test(test_exit_decode_fail_entry),
		cmocka_unit_test(test_exit_reason_name_table),
		H(test_exit_handle_pio_unclaimed_read),
		H(test_exit_handle_pio_claimed),
		H(test_exit_handle_pio_straddling),
		H(test_exit_handle_mmio),
		H(test_exit_handle_msr_injects_gp),
		H(test_exit_handle_shutdown),
		H(test_exit_handle_system_event),
		H(test_exit_handle_fatal),
	};

	log_level = -1;
	return cmocka_run_group_tests_name("exit", tests, NULL, NULL);
}
