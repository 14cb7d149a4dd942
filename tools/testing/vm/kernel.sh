#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the debug kernel from Debian's linux-source-6.1 on tinyconfig plus
# debug.config, or reuse a cached build. Prints the build directory, which
# holds arch/x86/boot/bzImage and is a valid KDIR for out-of-tree modules.
#
# The cache lives under ${XDG_CACHE_HOME:-$HOME/.cache}/lfce/, keyed by the
# source package version and the fragment, so it is rebuilt only when one of
# them changes.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
fragment=$here/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz
cache=${XDG_CACHE_HOME:-$HOME/.cache}/lfce

[ -f "$tarball" ] || { echo "kernel.sh: $tarball missing; run tools/testing/deps.sh" >&2; exit 1; }
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( { echo "$ver"; cat "$fragment"; } | sha256sum | cut -c1-16)
src=$cache/linux-source-$ver
out=$cache/kernel-$key

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

if [ -f "$out/.lfce-done" ]; then
	echo "$out"
	exit 0
fi

if [ ! -f "$src/.lfce-extracted" ]; then
	echo "kernel.sh: extracting $tarball" >&2
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -xf "$tarball" -C "$src.tmp" --strip-components=1
	touch "$src.tmp/.lfce-extracted"
	mv "$src.tmp" "$src"
fi

echo "kernel.sh: building debug kernel $key (a few minutes, once)" >&2
rm -rf "$out"
mkdir -p "$out"
make -s -C "$src" O="$out" tinyconfig >&2
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$fragment" >&2
make -s -C "$src" O="$out" olddefconfig >&2

# A symbol whose dependencies are unmet is silently dropped by olddefconfig:
# refuse to build a "debug" kernel that lacks a requested check.
missing=$(grep '^CONFIG_' "$fragment" | while read -r line; do
	grep -qx "$line" "$out/.config" || echo "$line"
done)
if [ -n "$missing" ]; then
	echo "kernel.sh: options dropped by olddefconfig:" >&2
	echo "$missing" >&2
	exit 1
fi

make -s -C "$src" O="$out" -j"$(nproc)" >&2
touch "$out/.lfce-done"
echo "$out"
