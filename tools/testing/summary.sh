#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Sum up result files of "ok <test>: <what>" / "not ok <test>: <what>" lines.
# Lists the failures, then prints the last line "N passed, N failed". Exits
# non-zero if anything failed or if there was nothing to count.
set -u

all=$(cat "$@" 2>/dev/null)
passed=$(printf '%s\n' "$all" | grep -c '^ok ')
failed=$(printf '%s\n' "$all" | grep -c '^not ok ')
missing=0
for f in "$@"; do
	[ -s "$f" ] || { echo "summary: no results in $f" >&2; missing=1; }
done

if [ "$failed" -gt 0 ]; then
	echo "failures:"
	printf '%s\n' "$all" | grep '^not ok ' | sed 's/^/  /'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$missing" -eq 0 ]
