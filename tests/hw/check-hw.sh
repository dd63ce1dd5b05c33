#!/bin/sh
# SPDX-License-Identifier: MIT
#
# tests/hw/check-hw.sh BUILD_DIR -- boot an unmodified Linux kernel with vtlvm.
#
# Boots Debian's cloud kernel (/boot/vmlinuz-*-cloud-amd64) through the
# bzImage loader, with a busybox initramfs built here whose /init mounts
# proc and sys, prints a marker line with the CPU count and powers off.
# It runs on 1, then 2 vCPUs; each run passes if the marker reaches the
# serial console, vtlvm exits 0 (ACPI power-off) within the timeout, and
# the kernel found vtlvm's Hyper-V interface: "Hyper-V: privilege flags" in
# its log, the Hyper-V TSC page as its clocksource and the synthetic-timer
# clockevent device.
#
# Unmodified kernels need hardware virtualization: on a host without vmx or
# svm in /proc/cpuinfo (nested or paravirtual KVM) this prints one SKIP line
# and exits 0. Missing Debian packages (the kernel, busybox-static, cpio) are
# installed with apt, which needs root.
#
# Environment:
#   CHECK_HW_TIMEOUT   seconds per boot (default 120)
#   CHECK_HW_KERNEL    a bzImage to boot instead of Debian's cloud kernel
#   CHECK_HW_BUSYBOX   a static busybox instead of busybox-static's
#   CHECK_HW_FORCE=1   run without vmx/svm (expect a timeout on nested KVM)
set -eu

build=${1:-build}
vtlvm=$build/vtlvm
timeout_s=${CHECK_HW_TIMEOUT:-120}
marker="vtlvm-check-hw-$$-$(date +%s): init reached"
cmdline="console=ttyS0 panic=-1 rdinit=/init"

skip() {
	echo "SKIP: check-hw needs hardware virtualization ($1): $2"
	exit 0
}

check_host() {
	[ "${CHECK_HW_FORCE:-0}" = 1 ] && return 0
	[ -e /dev/kvm ] ||
		skip "no /dev/kvm" "load kvm_intel or kvm_amd on a machine with VT-x or AMD-V"
	grep -qwE 'vmx|svm' /proc/cpuinfo ||
		skip "no vmx/svm in /proc/cpuinfo" \
		     "the KVM behind /dev/kvm is nested or paravirtual here; unmodified Linux kernels do not boot on it"
}

install_missing() {
	need=
	[ -n "$(find_kernel)" ] || need="linux-image-cloud-amd64"
	[ -n "${CHECK_HW_BUSYBOX:-}" ] || need="$need busybox-static"
	command -v cpio >/dev/null || need="$need cpio"
	[ -z "$need" ] && return 0
	# shellcheck disable=SC2086
	tests/install-deps.sh $need
}

find_kernel() {
	if [ -n "${CHECK_HW_KERNEL:-}" ]; then
		echo "$CHECK_HW_KERNEL"
		return
	fi
	# shellcheck disable=SC2012
	ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -n 1
}

# An initramfs of busybox and an /init that reports and powers off.
make_initramfs() {
	root=$work/root
	mkdir -p "$root/bin" "$root/dev" "$root/proc" "$root/sys"
	cp "${CHECK_HW_BUSYBOX:-/bin/busybox}" "$root/bin/busybox"
	for applet in sh mount echo cat grep poweroff; do
		ln -s busybox "$root/bin/$applet"
	done
	cat > "$root/init" <<EOF
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# The console: the kernel may have opened none if the cpio lacks /dev/console.
if mount -t devtmpfs devtmpfs /dev; then exec </dev/console >/dev/console 2>&1; fi
echo "vtlvm-hv: clocksource=\$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
echo "vtlvm-hv: clockevent=\$(cat /sys/devices/system/clockevents/clockevent0/current_device)"
echo "$marker, cpus=\$(grep -c ^processor /proc/cpuinfo)"
poweroff -f
EOF
	chmod 755 "$root/init"
	(cd "$root" && find . | cpio -o -H newc --quiet) > "$work/initramfs.cpio"
}

# hyperv_ok LOG: the kernel detected Hyper-V and uses its clocks (issue "Hyper-V").
hyperv_ok() {
	ok=0
	for want in "Hyper-V: privilege flags" \
		    "vtlvm-hv: clocksource=hyperv_clocksource_tsc_page" \
		    "vtlvm-hv: clockevent=Hyper-V clockevent"; do
		if ! grep -qF "$want" "$1"; then
			echo "check-hw: missing \"$want\""
			ok=1
		fi
	done
	return "$ok"
}

# boot CPUS: one vtlvm run; 0 if the marker came and vtlvm exited 0.
boot() {
	out=$work/serial-$1.log
	err=$work/stderr-$1.log
	status=0
	timeout --kill-after=10 $((timeout_s + 10)) "$vtlvm" run --config configs/linux.ini \
		--kernel "$kernel" --initrd "$work/initramfs.cpio" --append "$cmdline" \
		--cpus "$1" --timeout "$timeout_s" --serial stdio --log-level warning \
		</dev/null >"$out" 2>"$err" || status=$?
	if [ "$status" = 0 ] && grep -qF "$marker, cpus=$1" "$out" && hyperv_ok "$out"; then
		echo "PASS: check-hw: $(basename "$kernel") on $1 vCPU(s), Hyper-V clocksource and" \
		     "clockevents"
		return 0
	fi
	echo "FAIL: check-hw: $(basename "$kernel") on $1 vCPU(s): vtlvm exit status $status," \
	     "marker \"$marker, cpus=$1\" $(grep -qF "$marker" "$out" && echo "wrong" || echo "missing")"
	echo "--- last serial lines:"
	tail -n 20 "$out"
	echo "--- vtlvm stderr:"
	tail -n 20 "$err"
	return 1
}

check_host
install_missing
kernel=$(find_kernel)
if [ -z "$kernel" ] || [ ! -r "$kernel" ]; then
	echo "FAIL: check-hw: no readable kernel (/boot/vmlinuz-*-cloud-amd64 or CHECK_HW_KERNEL)"
	exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
make_initramfs
failed=0
for cpus in 1 2; do
	boot "$cpus" || failed=1
done
exit "$failed"
