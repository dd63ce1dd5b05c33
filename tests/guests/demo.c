// SPDX-License-Identifier: MIT
/*
 * The demo guest that `make run` boots (configs/default.ini): it shows what
 * the machine gave it on the serial console, brings up every vCPU the way
 * firmware does, and powers off through ACPI so vtlvm exits 0.
 */
#include "guest.h"

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
	printf("powering off (ACPI S5)\n");
	guest_poweroff();
}
