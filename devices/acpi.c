// SPDX-License-Identifier: MIT
/* TEMPORARY: replaced by the ACPI table builder. */
#include "devices/acpi.h"
int acpi_build(const struct gmem *m, gpa_t base, u64 size, const struct acpi_desc *d, gpa_t *rsdp)
{
	(void)m; (void)size; (void)d;
	*rsdp = base;
	return 0;
}
