#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# checkpatch.pl --no-tree -f over lfce's kernel sources and uapi header,
# taken from Debian's linux-source-6.1 (only the files checkpatch needs are
# extracted, once, into the lfce cache). Exits non-zero on any finding.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
tarball=/usr/src/linux-source-6.1.tar.xz
cache=${XDG_CACHE_HOME:-$HOME/.cache}/lfce
ver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) || {
	echo "checkpatch.sh: linux-source-6.1 is not installed; run tools/testing/deps.sh" >&2
	exit 1
}
dir=$cache/checkpatch-$ver

if [ ! -x "$dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$dir.tmp"
	tar -xf "$tarball" -C "$dir.tmp" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' '*/scripts/const_structs.checkpatch'
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
fi

cd "$top"
# Our sources only, never Kbuild's generated *.mod.c.
files=$(git ls-files 'module/*.[ch]' 'kunit/*.[ch]' 'uapi/linux/*.h' 2>/dev/null) ||
	files=$(ls module/*.[ch] kunit/*.[ch] uapi/linux/*.h | grep -v '\.mod\.c$')
# shellcheck disable=SC2086 # one word per file is what we want
report=$("$dir/scripts/checkpatch.pl" --no-tree --terse --show-types -f $files) && rc=0 || rc=$?
findings=$(printf '%s\n' "$report" | grep -v '^total: 0 errors, 0 warnings' | grep -v '^$' || true)
if [ -n "$findings" ] || [ $rc -ne 0 ]; then
	printf '%s\n' "$findings"
	exit 1
fi
echo "checkpatch: $(echo "$files" | wc -w) files clean"
