/* SPDX-License-Identifier: MIT */
/*
 * vmm/config.h -- the effective configuration of one VM.
 *
 * Plain values and owned strings, filled by cli/ from the schema defaults,
 * then the INI file, then the command line, and validated there; the VMM
 * only reads it. config_free() in cli/config.c releases the strings.
 */
#ifndef VTLVM_CONFIG_H
#define VTLVM_CONFIG_H

#include "mem/gmem.h"
#include "mem/loader.h"
#include "vmm/types.h"

#define VTL_MAX 2	/* VTLs a partition can hold: VTL0 and VTL1; raising it is how VTL2 comes */

enum serial_mode {
	SERIAL_STDIO,	/* COM1 on stdin/stdout */
	SERIAL_NONE,	/* COM1 present, output discarded */
};

enum tristate {
	TRISTATE_AUTO,
	TRISTATE_ON,
	TRISTATE_OFF,
};

struct vm_config {
	/* [vm] */
	u32 cpus;
	u32 timeout_s;		/* 0: none */
	char *kvm_dev;		/* normally /dev/kvm */
	/* [memory] */
	u64 mem_size;
	enum mem_backend mem_backend;
	/* [boot] */
	char *kernel;
	char *initrd;		/* multiboot: "path [args],path [args]" modules */
	char *cmdline;
	enum image_format format;
	/* [console] */
	enum serial_mode serial;
	/* [hyperv] */
	bool hv_enabled;
	bool hv_vsm;		/* Virtual Secure Mode */
	u32 hv_max_vtl;
	char *hv_connections;	/* "id=msg:VP:SINT,id=event:VP:SINT:FLAG" */
	enum tristate hv_flush_hint;
	u64 hv_privileges;	/* masks over what vtlvm implements (CPUID 0x40000003/4) */
	u64 hv_features;
	u64 hv_hints;
	/* [vtl1] */
	char *vtl1_kernel;	/* a VTL1 program loaded at boot, or NULL */
	/* [security] */
	char *user;		/* switch to this user after setup; NULL: keep */
	/* [log] */
	int log_level;
	/* runtime only, from the command line */
	int test_fd;		/* test channel, -1 if none */
	char *config_path;	/* the INI file read, if any */
};

#endif /* VTLVM_CONFIG_H */
