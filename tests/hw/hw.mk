# make check-hw: boot Debian's cloud kernel with a busybox initramfs on 1 and
# 2 vCPUs (tests/hw/check-hw.sh). It needs hardware virtualization and skips,
# with one SKIP line and status 0, on hosts without vmx/svm. Not part of
# `make check`: it installs packages and boots a full kernel.
check-hw: deps
	@$(MAKE) --no-print-directory $(BUILD)/vtlvm
	@tests/hw/check-hw.sh $(BUILD)
