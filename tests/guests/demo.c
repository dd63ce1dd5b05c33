// SPDX-License-Identifier: MIT
/*
 * The demo guest that `make run` boots (configs/default.ini): it shows what
 * the machine gave it on the serial console, brings up every vCPU the way
 * firmware does, enables VTL1 with the program vtlvm loaded for it
 * (tests/guests/vtl1/demo.c), asks it for something through a VTL call and
 * times the round trip, then powers off through ACPI so vtlvm exits 0.
 */
#include "guest.h"
#include "vsm.h"
#include "vtl1/demo.h"

#define DEMO_CALLS	200

static volatile u64 online_mask;

static void ap_main(u32 id)
{
	__atomic_fetch_or(&online_mask, 1ULL << id, __ATOMIC_SEQ_CST);
}

static void show_memory(void)
{
	struct bootinfo_mem r[4];
	int n = bootinfo_memory(r, ARRAY_SIZE(r));
	u64 total = 0;

	for (int i = 0; i < n; i++) {
		printf("  RAM     [%#llx - %#llx)\n", (unsigned long long)r[i].start,
		       (unsigned long long)(r[i].start + r[i].size));
		total += r[i].size;
	}
	printf("  memory  %llu MiB\n", (unsigned long long)(total >> 20));
}

static void bring_up_cpus(u32 n)
{
	u64 want = n >= 64 ? ~0ULL : (1ULL << n) - 1;

	online_mask = 1ULL << apic_id();
	if (n > 1)
		smp_start_aps(ap_main);
	for (u64 spins = 0; READ_ONCE(online_mask) != want && spins < 100000000; spins++)
		cpu_relax();
	printf("  vCPUs   %u, online:", n);
	for (u32 i = 0; i < n && i < 64; i++)
		if (online_mask & (1ULL << i))
			printf(" %u", i);
	printf("\n");
	GUEST_ASSERT_EQ(online_mask, want);
}

/* VTL0 -> VTL1 -> VTL0, timed with the partition reference counter (100 ns units). */
static void show_vtl1(void)
{
	static const char msg[] = "hello from VTL0";
	struct vtl_regs r;
	u64 t0, t1, us10;

	if (!bootinfo_u64("vtl1", "vtlvm,entry", &t0)) {
		printf("  VTL1    no program loaded (vtl1:kernel)\n");
		return;
	}
	hv_enable_hypercalls();
	printf("  VTL1    enabling it (HvCallEnablePartitionVtl, HvCallEnableVpVtl), calling in\n");
	vsm_boot_vtl1(&r);
	r.rdi = DEMO_HASH;
	r.rsi = (u64)msg;
	r.rdx = sizeof(msg) - 1;
	vtl_call(&r);
	printf("  VTL1    answered a VTL call: FNV-1a(\"%s\") = %#llx (VTL0 gets %#llx)\n", msg,
	       (unsigned long long)r.rdi, (unsigned long long)fnv1a((const u8 *)msg,
								    sizeof(msg) - 1));
	GUEST_ASSERT_EQ(r.rdi, fnv1a((const u8 *)msg, sizeof(msg) - 1));
	/* VTL1 turns into a bare loop of returns; these calls are a bare loop too. */
	r.rdi = DEMO_TIMING;
	vtl_call(&r);
	t0 = rdmsr(HV_X64_MSR_TIME_REF_COUNT);
	vtl_call_loop(DEMO_CALLS);
	t1 = rdmsr(HV_X64_MSR_TIME_REF_COUNT);
	us10 = (t1 - t0) / DEMO_CALLS;	/* 100 ns units: tenths of a microsecond */
	printf("  VTL0 -> VTL1 -> VTL0 round trip: %llu.%llu us (average of %d VTL calls)\n",
	       (unsigned long long)(us10 / 10), (unsigned long long)(us10 % 10), DEMO_CALLS);
}

void guest_main(void)
{
	u32 a, b, c, d;
	char vendor[13];

	cpuid(0, 0, &a, &b, &c, &d);
	memcpy(vendor, &b, 4);
	memcpy(vendor + 4, &d, 4);
	memcpy(vendor + 8, &c, 4);
	vendor[12] = '\0';
	printf("\nvtlvm demo guest: VTL0, long mode, CPU %s\n", vendor);
	printf("  cmdline \"%s\"\n", bootinfo_cmdline());
	show_memory();
	bring_up_cpus(bootinfo_nr_cpus());
	printf("  ACPI    RSDP at %#llx, PM1a_CNT port %#x\n",
	       (unsigned long long)acpi_find_rsdp(), acpi_pm1a_cnt_port());
	show_vtl1();
	printf("powering off (ACPI S5)\n");
	guest_poweroff();
}
