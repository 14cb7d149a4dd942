#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot one kernel in qemu with lfce and its tests, and judge the run.
#
#   run.sh stock|6.12|rt|debug [all|kunit|demo|bench|soak|fuzz]
#
# stock  Debian's kernel from linux-image-amd64, module built against the
#        matching linux-headers-amd64;
# 6.12   Debian bookworm's 6.12 kernel (linux-image-6.12-amd64), and
# rt     its PREEMPT_RT build (linux-image-6.12-rt-amd64), the same way;
#        the first from tools/testing/deps.sh (make check runs it), the
#        second from deps.sh --matrix (make check-matrix);
# debug  the kernel from kernel.sh (tinyconfig + debug.config), which also
#        gets lfce_kunit.ko.
#
# The stock kernels need none of their own modules here: the console is
# the built-in 8250 serial port, the root the initramfs, and lfce.ko
# depends on nothing modular (modinfo -F depends is empty).
#
# Mode bench runs make vm-bench's program instead of the tests: its
# figures are the "# vm-bench: figure ..." lines of build/vm/<kernel>/results.log.
# VM_CPU sets qemu's -cpu model (default max). TCG emulates "rep movsb" a
# byte at a time, and with max's ERMS and FSRM every copy of the kernel's
# and of glibc's goes through it: copies cost per byte what hardware pays
# per cache line. VM_CPU=max,-erms,-fsrm moves them to word copies, which
# shows how much of a figure is that.
# Mode soak runs make soak's program for SOAK_MINUTES (10), with a line a
# minute in results.log.
#
# Mode fuzz runs only the ioctl fuzzer (tools/testing/fuzz/), FUZZ_ITER
# iterations from seed FUZZ_SEED (default: its own bounded run and a seed
# from the clock, printed in results.log), with no per-program timeout
# below VM_TIMEOUT: make fuzz ITER=N SEED=S.
#
# VM_TESTS="name ..." runs only those test programs (by file name), for a
# quick loop while working on one feature; make check runs them all.
#
# Writes build/results/vm-<kernel>[-<mode>].tap: one "ok"/"not ok" line per
# assertion. A kernel that dies or hangs (BOOT_TIMEOUT) before init begins
# is booted once more. A run that panics, hangs (VM_TIMEOUT seconds,
# default 1500), or prints a splat after init's start marker adds a
# "not ok" line. Exits 0 only if nothing failed. The console log stays in build/vm/<kernel>/console.log.
set -eu

kernel=${1:?usage: run.sh stock|6.12|rt|debug [all|kunit|demo|bench|soak|fuzz]}
mode=${2:-all}
top=$(cd "$(dirname "$0")/../../.." && pwd)
vm=$top/tools/testing/vm
out=$top/build/vm/$kernel
name=vm-$kernel
[ "$mode" = all ] || name=$name-$mode
results=$top/build/results/$name.tap
timeout=${VM_TIMEOUT:-1500}

case $kernel in
stock | 6.12 | rt)
	kver=$("$vm/stock-kernel.sh" "$kernel")
	kdir=/usr/src/linux-headers-$kver
	image=/boot/vmlinuz-$kver
	;;
debug)
	kdir=$("$vm/kernel.sh")
	image=$kdir/arch/x86/boot/bzImage
	;;
*)
	echo "run.sh: unknown kernel '$kernel' (stock, 6.12, rt or debug)" >&2
	exit 2
	;;
esac
[ -r "$image" ] || { echo "run.sh: cannot read $image" >&2; exit 1; }

# 1. The modules, built in a copy of the sources so the two kernels' objects
#    never mix with each other or with the user's in-tree build.
rm -rf "$out"
mkdir -p "$out/src" "$top/build/results"
cp -r "$top/Kbuild" "$top/module" "$top/kunit" "$top/uapi" "$out/src/"
find "$out/src" \( -name '*.o' -o -name '*.ko' -o -name '*.cmd' -o -name '*.mod*' \) -exec rm -f {} +
make -s -C "$kdir" M="$out/src" modules >"$out/build.log" 2>&1 || {
	cat "$out/build.log" >&2
	echo "not ok $name: module build failed" >"$results"
	exit 1
}

# 2. Init and every test program, in build/selftests/tests/ (those that
#    carry the engine itself are linked by the userspace "vm" flavour).
#    The demo needs only init: it runs the tools below, no test program.
selftests=
[ "$mode" != demo ] || selftests=$top/build/selftests/init
# shellcheck disable=SC2086 # empty: every target
make -s -C "$top/tools/testing/selftests" O="$top/build/selftests" $selftests >&2

# 2b. The tools (lfcectl, lfcetop, the examples), static, for the VM's /bin.
make -s -C "$top/tools" vm O="$top/build/tools" >&2

# Host programs the in-VM tests drive (tmux for lfcetop's screen, jq to
# check JSON output), with their shared libraries and terminfo: whichever
# of VM_HOST_PROGS the host has.
copy_host_prog() {
	p=$(command -v "$1") || return 0
	cp "$p" "$root/bin/"
	ldd "$p" | grep -o '/[^ ]*' | while read -r lib; do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
}

# 3. The initramfs: init, busybox for demo and debugging, modules, tests.
root=$out/root
mkdir -p "$root/bin" "$root/modules" "$root/tests" "$root/dev" "$root/proc" "$root/sys"
cp "$top/build/selftests/init" "$root/init"
cp /bin/busybox "$root/bin/busybox"
for cmd in sh ls cat grep echo dmesg sleep sed head tail wc; do
	ln -s busybox "$root/bin/$cmd"
done
[ ! -d "$top/build/tools/vm" ] || cp "$top/build/tools/vm/"* "$root/bin/" 2>/dev/null || true
for p in ${VM_HOST_PROGS-tmux jq}; do
	copy_host_prog "$p"
done
if [ -d /lib/terminfo ]; then
	mkdir -p "$root/lib"
	cp -r /lib/terminfo "$root/lib/"
fi
# tmux refuses to start without a UTF-8 locale: glibc's C.UTF-8.
if [ -d /usr/lib/locale/C.utf8 ]; then
	mkdir -p "$root/usr/lib/locale"
	cp -r /usr/lib/locale/C.utf8 "$root/usr/lib/locale/"
fi
cp "$out/src/module/lfce.ko" "$root/modules/"
[ ! -f "$out/src/kunit/lfce_kunit.ko" ] || cp "$out/src/kunit/lfce_kunit.ko" "$root/modules/"
if [ "$mode" = all ]; then
	cp "$top/build/selftests/tests/"* "$root/tests/"
	if [ -n "${VM_TESTS:-}" ]; then
		for t in "$root/tests/"*; do
			case " $VM_TESTS " in
			*" $(basename "$t") "*) ;;
			*) rm -f "$t" ;;
			esac
		done
	fi
elif [ "$mode" = bench ]; then
	cp "$top/build/selftests/bench/"* "$root/tests/"
elif [ "$mode" = soak ]; then
	cp "$top/build/selftests/soak/"* "$root/tests/"
elif [ "$mode" = fuzz ]; then
	cp "$top/build/selftests/tests/ioctl-fuzz" "$root/tests/"
fi
(cd "$root" && find . | cpio -o -H newc --quiet) >"$out/initramfs.cpio"

# 4. Boot. ttyS0 is the console, ttyS1 the results, ttyS2 the success mark.
console="-serial file:$out/console.log"
append="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic lfce.mode=$mode"
if [ "$mode" = soak ]; then
	# The soak runs SOAK_MINUTES; init's and run.sh's timeouts follow.
	minutes=${SOAK_MINUTES:-10}
	append="$append lfce.soak_minutes=$minutes lfce.timeout=$((minutes * 60 + 600))"
	timeout=$((minutes * 60 + 900))
fi
if [ "$mode" = fuzz ]; then
	append="$append lfce.timeout=$timeout"
	[ -z "${FUZZ_ITER:-}" ] || append="$append lfce.fuzz_iter=$FUZZ_ITER"
	[ -z "${FUZZ_SEED:-}" ] || append="$append lfce.fuzz_seed=$FUZZ_SEED"
fi
if [ "$mode" = demo ]; then
	console="-serial stdio"
	append="$append quiet"
fi
# A kernel that hangs before our init begins would sit out the whole
# VM_TIMEOUT: it gets BOOT_TIMEOUT seconds (default 300; a quiet host
# boots either kernel in 5 to 12) to print init's start marker, or the VM
# is stopped. $1: the pid of the VM's timeout(1).
watch_boot() {
	waited=0
	while [ "$waited" -lt "$boot_timeout" ]; do
		sleep 1
		waited=$((waited + 1))
		! grep -q 'lfce-vm: begin' "$out/console.log" 2>/dev/null || return 0
		kill -0 "$1" 2>/dev/null || return 0
	done
	echo "run.sh: init did not begin within ${boot_timeout}s: stopping the VM" >&2
	kill "$1" 2>/dev/null || true
}

boot() {
	: >"$out/results.log"
	: >"$out/success.log"
	: >"$out/console.log"
	echo "run.sh: booting $kernel kernel ($mode), -cpu $cpu, timeout ${timeout}s" >&2
	start=$(date +%s)
	# shellcheck disable=SC2086 # $console is two words on purpose
	timeout --foreground "$timeout" qemu-system-x86_64 \
		-accel tcg,thread=multi -cpu "$cpu" -smp 2 -m 2G \
		-display none -monitor none -no-reboot \
		-kernel "$image" -initrd "$out/initramfs.cpio" -append "$append" \
		$console -serial "file:$out/results.log" -serial "file:$out/success.log" \
		</dev/null &
	vm_pid=$!
	# In the background, the VM ignores the terminal's SIGINT: pass it on.
	trap 'kill "$vm_pid" 2>/dev/null; exit 130' INT TERM
	watcher=
	if [ "$mode" != demo ]; then
		watch_boot "$vm_pid" &
		watcher=$!
	fi
	wait "$vm_pid" && qemu=0 || qemu=$?
	[ -z "$watcher" ] || { kill "$watcher" 2>/dev/null || true; wait "$watcher" || true; }
	trap - INT TERM
	echo "run.sh: $kernel VM ran $(($(date +%s) - start))s" >&2
}

boot_timeout=${BOOT_TIMEOUT:-300}
cpu=${VM_CPU:-max}
boot
# A kernel that died or hung before our init began (the debug kernel has
# panicked in early boot under TCG on a loaded host: "TSC unstable", then
# a KASAN report in the scheduler) ran nothing of ours, lfce.ko included:
# boot once more and say so. A death after init began is judged as it is.
if [ "$mode" != demo ] && ! grep -q 'lfce-vm: begin' "$out/console.log"; then
	cp "$out/console.log" "$out/console.first-boot.log"
	echo "run.sh: the kernel died or hung before init began (see console.first-boot.log): booting again" >&2
	boot
fi

# 5. Judge.
tr -d '\r' <"$out/results.log" | grep -E '^(not )?ok ' | sed "s|^\(\(not \)\{0,1\}ok \)|\1$name/|" >"$results" || true
tr -d '\r' <"$out/results.log" | grep '^not ok' >&2 || true
if [ "$mode" != demo ] && ! grep -q 'lfce-vm: begin' "$out/console.log"; then
	echo "not ok $name: the kernel died or hung before init began, twice (see console.log)" >>"$results"
elif [ "$qemu" = 124 ]; then
	echo "not ok $name: VM timed out after ${timeout}s" >>"$results"
elif ! grep -q '^success' "$out/success.log"; then
	echo "not ok $name: VM stopped before init finished (panic?)" >>"$results"
fi
if [ "$mode" != demo ]; then
	# From init's marker on; the whole log if init never got that far.
	log=$out/console.log
	if grep -q 'lfce-vm: begin' "$log"; then
		sed -n '/lfce-vm: begin/,$p' "$log" >"$out/console.ours.log"
		log=$out/console.ours.log
	fi
	splats=$(grep -E 'BUG:|WARNING:|KASAN:|Oops|Call Trace|Kernel panic|possible circular|suspicious RCU|kmemleak: [0-9]+ new' "$log" || true)
	if [ -n "$splats" ]; then
		echo "not ok $name: kernel splat on the console" >>"$results"
		echo "run.sh: kernel splat; see $out/console.log:" >&2
		echo "$splats" | head -20 >&2
	fi
fi
! grep -q '^not ok' "$results"
