// SPDX-License-Identifier: MIT
/* TEMPORARY */
#include <errno.h>
#include "mem/multiboot.h"
int multiboot_load(const struct gmem *m, const struct multiboot_args *a, struct boot_state *bs)
{
	(void)m; (void)a; (void)bs;
	return -ENOEXEC;
}
