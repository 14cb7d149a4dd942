#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Packaging and installation checks, on this machine (issue 13):
#   install-tree  make install DESTDIR=... PREFIX=/usr/local installs exactly
#                 the expected paths (listed below from the sources), and
#                 make uninstall removes every one of them
#   pkg-config    a program builds and links against the installed liblfce
#                 through its liblfce.pc, and needs liblfce.so.0
#   deb           make deb builds the four packages (build/deb/)
#   deb-contents  each package holds what it is for
#   lintian       no error or warning, pedantic and info tags shown
#   dkms-<kver>   DKMS builds lfce-dkms's source for every kernel here with
#                 headers, naming it with -k, and signs it with its MOK;
#                 in a DKMS tree of our own (build/dkms), so the host's
#                 /var/lib/dkms and /lib/modules stay as they are
# Writes build/results/pkg.tap, with each step's time as a "# " line;
# exits non-zero on a failure. "pkg-checks.sh NAME..." runs only those
# (dkms-* matches every kernel's); the later ones need make deb's packages.
set -u

top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/build/pkg
results=$top/build/results/pkg.tap
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
mkdir -p "$out" "$(dirname "$results")"
: >"$results"

only=" $* "
check() {
	name=$1
	shift
	case $only in
	"  " | *" $name "* | *" ${name%%-[0-9]*}-* "*) ;;
	*) return 0 ;;
	esac
	start=$(date +%s)
	if "$@" >"$out/$name.log" 2>&1; then
		echo "ok pkg/$name" >>"$results"
	else
		echo "not ok pkg/$name (see build/pkg/$name.log)" >>"$results"
		tail -20 "$out/$name.log" >&2
	fi
	echo "# pkg/$name took $(($(date +%s) - start)) s" | tee -a "$results" >&2
}

kdir=/usr/src/linux-headers-$("$top/tools/testing/vm/stock-kernel.sh")
root=$out/root

# Every path make install must create under $root, from the sources: a man
# page of section 1 or 8 beside a program (tools/<dir>/NAME.N) names a
# program in bin/.
expected_tree() {
	p=usr/local
	rel=$(sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' "$kdir/include/generated/utsrelease.h")
	echo "lib/modules/$rel/extra/lfce.ko"
	echo "$p/include/liblfce.h"
	echo "$p/include/linux/lfce.h"
	for f in liblfce.a liblfce.so liblfce.so.0 "liblfce.so.$version" pkgconfig/liblfce.pc; do
		echo "$p/lib/$f"
	done
	for m in "$top"/tools/lib/man/*.3 "$top"/tools/*/*.[1-8] "$top"/Documentation/*.[1-8]; do
		[ -f "$m" ] || continue
		n=${m##*/}
		echo "$p/share/man/man${n##*.}/$n"
	done
	for m in "$top"/tools/*/*.[18]; do
		[ -f "$m" ] || continue
		n=${m##*/}
		echo "$p/bin/${n%.*}"
	done
	for c in "$top"/tools/*/*.bash-completion; do
		[ -f "$c" ] || continue
		n=${c##*/}
		echo "$p/share/bash-completion/completions/${n%.bash-completion}"
	done
	echo etc/udev/rules.d/60-lfce.rules
	echo etc/sysusers.d/lfce.conf
	echo "$p/share/doc/lfce/examples/modprobe.conf"
	echo "$p/share/doc/lfce/examples/modules-load.conf"
}

install_tree() {
	rm -rf "$root"
	make -C "$top" install DESTDIR="$root" PREFIX=/usr/local KDIR="$kdir" || return 1
	expected_tree | sort >"$out/tree.expected"
	(cd "$root" && find . ! -type d | sed 's|^\./||' | sort) >"$out/tree.installed"
	diff -u "$out/tree.expected" "$out/tree.installed" || return 1
	[ "$(readlink "$root/usr/local/lib/liblfce.so.0")" = "liblfce.so.$version" ] || return 1
	readelf -d "$root/usr/local/lib/liblfce.so.$version" | grep -q 'SONAME.*\[liblfce.so.0\]' ||
		return 1
	make -C "$top" uninstall DESTDIR="$root" PREFIX=/usr/local KDIR="$kdir" || return 1
	left=$(cd "$root" && find . ! -type d)
	[ -z "$left" ] || { echo "left after make uninstall: $left"; return 1; }
}

pkg_config() {
	lib=$root/usr/local/lib
	[ -f "$lib/pkgconfig/liblfce.pc" ] ||
		make -C "$top" install-userspace DESTDIR="$root" PREFIX=/usr/local || return 1
	printf '#include <liblfce.h>\nint main(void) { return lfce_open(0) < 0 ? 0 : 1; }\n' >"$out/user.c"
	flags=$(PKG_CONFIG_PATH=$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root \
		pkg-config --cflags --libs liblfce) || return 1
	echo "pkg-config: $flags"
	# shellcheck disable=SC2086 # flags are words
	gcc -Wall -Werror -o "$out/user" "$out/user.c" $flags || return 1
	readelf -d "$out/user" | grep -q 'NEEDED.*\[liblfce.so.0\]' &&
		LD_LIBRARY_PATH=$lib "$out/user"
}

deb() {
	make -C "$top" deb || return 1
	for p in lfce-dkms_${version}_all liblfce0_${version}_amd64 liblfce-dev_${version}_amd64 \
		lfce-tools_${version}_amd64; do
		[ -f "$top/build/deb/$p.deb" ] || { echo "no $p.deb"; return 1; }
	done
}

# has PACKAGE PATH...: the package holds each path.
has() {
	deb=$(ls "$top"/build/deb/"$1"_*.deb) || return 1
	shift
	dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||' >"$out/contents"
	for path in "$@"; do
		grep -qx "$path" "$out/contents" || { echo "$deb lacks $path"; return 1; }
	done
}

deb_contents() {
	src=usr/src/lfce-$version
	lib=usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	has lfce-dkms "$src/dkms.conf" "$src/Kbuild" "$src/module/Kbuild" "$src/module/main.c" \
		"$src/uapi/linux/lfce.h" &&
	has liblfce0 "$lib/liblfce.so.0" "$lib/liblfce.so.$version" &&
	has liblfce-dev "$lib/liblfce.so" "$lib/liblfce.a" "$lib/pkgconfig/liblfce.pc" \
		usr/include/liblfce.h usr/include/linux/lfce.h usr/share/man/man3/lfce_open.3.gz &&
	has lfce-tools usr/bin/lfcetop lib/udev/rules.d/60-lfce.rules usr/lib/sysusers.d/lfce.conf \
		usr/share/doc/lfce-tools/examples/modprobe.conf \
		usr/share/doc/lfce-tools/examples/modules-load.conf &&
	dpkg-deb -I "$(ls "$top"/build/deb/liblfce0_*.deb)" symbols &&
	! dpkg-deb -c "$(ls "$top"/build/deb/lfce-tools_*.deb)" | grep usr/src/
}

lintian_clean() {
	lintian --pedantic --display-info "$top"/build/deb/lfce_*.changes >"$out/lintian.out" 2>&1
	cat "$out/lintian.out"
	! grep -E '^[EW]: ' "$out/lintian.out"
}

# DKMS's own tree and MOK under build/dkms; the source from the package.
dkms_tree=$top/build/dkms
dkms_build() {
	kver=$1
	mok_signing_key=$dkms_tree/mok.key mok_certificate=$dkms_tree/mok.pub \
		dkms build -m lfce -v "$version" -k "$kver" \
		--sourcetree "$dkms_tree/pkg/usr/src" --dkmstree "$dkms_tree/tree" || return 1
	ko=$(ls "$dkms_tree/tree/lfce/$version/$kver"/*/module/lfce.ko*) || return 1
	/sbin/modinfo -F vermagic "$ko" | grep -q "^$kver " &&
	[ "$(/sbin/modinfo -F signer "$ko")" = "DKMS module signing key" ]
}

check install-tree install_tree
check pkg-config pkg_config
check deb deb
check deb-contents deb_contents
check lintian lintian_clean

case $only in "  " | *" dkms-"*) ;; *) ! grep -q '^not ok' "$results"; exit ;; esac
rm -rf "$dkms_tree" && mkdir -p "$dkms_tree/tree"
if dpkg-deb -x "$top"/build/deb/lfce-dkms_*_all.deb "$dkms_tree/pkg" &&
	dkms add -m lfce -v "$version" --sourcetree "$dkms_tree/pkg/usr/src" \
		--dkmstree "$dkms_tree/tree" >"$out/dkms-add.log" 2>&1; then
	for h in /usr/src/linux-headers-*; do
		kver=${h#/usr/src/linux-headers-}
		[ -d "/lib/modules/$kver/build" ] || continue	# a -common directory
		check "dkms-$kver" dkms_build "$kver"
	done
else
	echo "not ok pkg/dkms-add (see build/pkg/dkms-add.log)" >>"$results"
fi
! grep -q '^not ok' "$results"
