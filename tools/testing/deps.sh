#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Install every Debian package that lfce's build, tests, demo and benchmarks
# need. Idempotent, and quick when everything is present: it asks dpkg first
# and calls apt-get only for what is missing. Run as root or with sudo.
#
#   deps.sh            what make check needs, Debian bookworm's 6.12 kernel
#                      (image and headers) included
#   deps.sh --matrix   also the other kernel of make check-matrix: bookworm's
#                      6.12 PREEMPT_RT, image and headers (not part of make check)
set -eu

pkgs="
	build-essential
	linux-headers-amd64
	linux-image-amd64
	linux-source-6.1
	bc bison flex libelf-dev libssl-dev dwarves xz-utils rsync
	sparse
	busybox-static cpio kmod
	qemu-system-x86
	clang libclang-rt-14-dev
	liburcu-dev libxxhash-dev libssl-dev
	python3 groff-base
	libncurses-dev tmux jq
	gnuplot-nox
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	dpkg-dev debhelper dh-dkms dkms lintian fakeroot pkgconf
"
case ${1:-} in
--matrix)
	pkgs="$pkgs
	linux-image-6.12-rt-amd64 linux-headers-6.12-rt-amd64
"
	;;
'') ;;
*)
	echo "usage: deps.sh [--matrix]" >&2
	exit 2
	;;
esac

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
echo "deps.sh: installing:$missing" >&2
$sudo apt-get update -q >&2
# shellcheck disable=SC2086 # word splitting of the package list is wanted
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
