// SPDX-License-Identifier: MIT
/*
 * cli/main.c -- the vtlvm command. The only file that calls exit(): every
 * path ends in main()'s return with a status from vmm/status.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <stdlib.h>

#include "cli/args.h"
#include "cli/config.h"
#include "cli/privs.h"
#include "vmm/caps.h"
#include "vmm/kvm_sys.h"
#include "vmm/log.h"
#include "vmm/status.h"
#include "vmm/vm.h"

#ifndef VTLVM_VERSION
#define VTLVM_VERSION "0.0.0"
#endif

static int cmd_caps(const struct vm_config *cfg)
{
	struct kvm_caps caps;
	int kvm_fd, vm_fd, ret;

	ret = kvm_sys_open(cfg->kvm_dev, &kvm_fd);
	if (ret) {
		pr_err("cannot open %s: %s", cfg->kvm_dev, strerror(-ret));
		return VTLVM_EXIT_HOST;
	}
	/* VM-scoped answers (guest_memfd flags, VM types) need a VM to ask. */
	vm_fd = kvm_sys_ioctl_val(kvm_fd, KVM_CREATE_VM, 0);
	caps_probe(&caps, kvm_fd, vm_fd);
	caps_print(&caps, cfg->kvm_dev, stdout);
	if (vm_fd >= 0)
		close(vm_fd);
	close(kvm_fd);
	return caps_first_missing(&caps) < 0 ? 0 : VTLVM_EXIT_HOST;
}

static int validate_run(const struct vm_config *cfg)
{
	if (!cfg->kernel) {
		pr_err("no kernel to boot: give --kernel FILE or [boot] kernel in a config file");
		return -EINVAL;
	}
	if (cfg->vtl1_kernel && !(cfg->hv_enabled && cfg->hv_vsm)) {
		pr_err("vtl1:kernel (--vtl1-kernel) needs hyperv:enabled and hyperv:vsm on");
		return -EINVAL;
	}
	return 0;
}

static int cmd_run(const struct vm_config *cfg)
{
	struct vm *vm;
	int status;

	if (validate_run(cfg))
		return VTLVM_EXIT_USAGE;
	if (vm_create(cfg, &vm)) {
		status = vm_create_fail_status(vm);
		vm_destroy(vm);
		return status;
	}
	if (privs_drop(cfg->user)) {
		vm_destroy(vm);
		return VTLVM_EXIT_HOST;
	}
	status = vm_run(vm);
	vm_destroy(vm);
	return status;
}

static void apply_verbosity(const struct vm_config *cfg, int verbosity)
{
	int level = cfg->log_level + verbosity;

	log_level = level < LOG_ERR ? LOG_ERR : level > LOG_DEBUG ? LOG_DEBUG : level;
}

/*
 * Started with fd 0, 1 or 2 closed, the first fds opened (/dev/kvm, guest
 * RAM) would take their place and log lines would land in them.
 */
static void ensure_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return;
}

int main(int argc, char **argv)
{
	struct cli_args args;
	struct vm_config cfg;
	int status;

	ensure_std_fds();
	/* A closed stdout must not kill the VMM mid-guest: writes just fail. */
	signal(SIGPIPE, SIG_IGN);
	if (args_parse(argc, argv, &args))
		return VTLVM_EXIT_USAGE;
	if (args.cmd == CMD_HELP) {
		args_usage(stdout);
		return 0;
	}
	if (args.cmd == CMD_VERSION) {
		printf("vtlvm %s\n", VTLVM_VERSION);
		return 0;
	}
	if (config_load(&cfg, args.config, args.ov, args.nr_ov)) {
		config_free(&cfg);
		return VTLVM_EXIT_USAGE;
	}
	cfg.test_fd = args.test_fd;
	apply_verbosity(&cfg, args.verbosity);
	if (args.print_config) {
		config_print(&cfg, stdout);
		status = 0;
	} else if (args.cmd == CMD_CAPS) {
		status = cmd_caps(&cfg);
	} else {
		status = cmd_run(&cfg);
	}
	config_free(&cfg);
	return status;
}
