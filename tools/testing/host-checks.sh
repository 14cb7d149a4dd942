#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Checks that run on this machine, without a VM: the module builds clean
# under W=1 and sparse (C=1) against the stock kernel's headers, the uapi
# header compiles standalone with no implicit padding, and checkpatch is
# clean, and lfcectl builds and answers. Writes build/results/host.tap;
# exits non-zero on a failure.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/host
results=$top/build/results/host.tap
mkdir -p "$out" "$(dirname "$results")"
: >"$results"

check() {
	name=$1
	shift
	if "$@" >"$out/$name.log" 2>&1; then
		echo "ok host/$name" >>"$results"
	else
		echo "not ok host/$name (see build/host/$name.log)" >>"$results"
		tail -20 "$out/$name.log" >&2
	fi
}

# Kbuild prints warnings without failing: treat any as a failure.
build_w1_sparse() {
	kdir=/usr/src/linux-headers-$("$top/tools/testing/vm/stock-kernel.sh") || return 1
	rm -rf "$out/src"
	mkdir -p "$out/src"
	cp -r "$top/Kbuild" "$top/module" "$top/kunit" "$top/uapi" "$out/src/"
	find "$out/src" -name '*.o' -o -name '*.ko' -o -name '*.cmd' | xargs rm -f
	make -C "$kdir" M="$out/src" W=1 C=1 modules >"$out/build.out" 2>&1
	rc=$?
	cat "$out/build.out"
	[ $rc -eq 0 ] && ! grep -Ei 'warning|error' "$out/build.out"
}

uapi_standalone() {
	printf '#include <linux/lfce.h>\nint main(void) { return 0; }\n' >"$out/uapi.c"
	for cc in gcc clang; do
		$cc -std=c99 -Wall -Wextra -Wpadded -pedantic -Werror -I"$top/uapi" \
			-o "$out/uapi-$cc" "$out/uapi.c" || return 1
	done
	# The kernel's exported headers never say __KERNEL__ or use kernel types.
	! grep -nE '__KERNEL__|\<(u8|u16|u32|u64|s32|s64)\>' "$top/uapi/linux/lfce.h"
}

# liblfce builds as a static and a versioned shared library, exports only
# lfce_*, and every man page that is not a .so link is clean troff.
liblfce() {
	make -C "$top/tools/lib" O="$out/lib" || return 1
	! nm -D --defined-only "$out/lib/liblfce.so.0" | grep ' T ' | grep -v ' lfce_[a-z_]*@@LIBLFCE_0.1$' &&
	for page in "$top"/tools/lib/man/*.3; do
		grep -q '^\.so ' "$page" && continue
		groff -man -ww -z "$page" 2>&1 | grep . && return 1
	done
	return 0
}

# lfcetop builds (dynamic and static), its man page is clean troff, and its
# usage errors exit 1 in words; no module is needed for that.
lfcetop() {
	make -C "$top/tools/lfcetop" O="$out/tools" all vm || return 1
	groff -man -ww -z "$top/tools/lfcetop/lfcetop.1" 2>&1 | grep . && return 1
	"$out/tools/bin/lfcetop" --help | grep -q -- '--once' || return 1
	msg=$("$out/tools/bin/lfcetop" -n 0 2>&1)
	[ $? = 1 ] && echo "$msg" | grep -q 'positive whole number'
}

# lfcectl builds (-Werror), its man page is clean troff, its completion is
# bash, and with no device it still answers in words and in JSON.
lfcectl() {
	make -C "$top/tools/lfcectl" O="$out/tools" || return 1
	groff -man -ww -z "$top/tools/lfcectl/lfcectl.8" 2>&1 | grep . && return 1
	bash -n "$top/tools/lfcectl/lfcectl.bash-completion" || return 1
	"$out/tools/bin/lfcectl" --help | grep -q 'OBJECT COMMAND' || return 1
	"$out/tools/bin/lfcectl" -j nosuch | jq -e '.exit == 1' || return 1
	"$out/tools/bin/lfcectl" nosuch 2>/dev/null
	[ $? -eq 1 ]
}

# The examples build as the README says (its "cc ... tools/examples/" lines,
# run verbatim from the top), and their man pages and lfce(4) are clean troff.
examples() {
	(cd "$top" && grep '^cc .*tools/examples/' README.md | sed "s|-o \([a-z]*\) |-o $out/\1 |" |
		sh -ex) || return 1
	for page in "$top/Documentation/lfce.4" "$top"/tools/examples/*.1; do
		groff -man -ww -z "$page" 2>&1 | grep . && return 1
	done
	return 0
}

check build-w1-sparse build_w1_sparse
check liblfce liblfce
check uapi-standalone uapi_standalone
check lfcetop lfcetop
check examples examples
check checkpatch "$top/tools/testing/checkpatch.sh"
check lfcectl lfcectl
! grep -q '^not ok' "$results"
