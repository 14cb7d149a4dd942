#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Print the release of a Debian kernel that the VM boots: the one that a
# headers metapackage points at, so image and headers are always a pair.
#
#   stock-kernel.sh [stock|6.12|rt]
#
# stock  linux-headers-amd64: bookworm's 6.1 (the default)
# 6.12   linux-headers-6.12-amd64: bookworm's 6.12
# rt     linux-headers-6.12-rt-amd64: bookworm's 6.12 with PREEMPT_RT
# 6.12 comes from tools/testing/deps.sh, rt from deps.sh --matrix.
set -eu
case ${1:-stock} in
stock) meta=linux-headers-amd64 deps= ;;
6.12) meta=linux-headers-6.12-amd64 deps= ;;
rt) meta=linux-headers-6.12-rt-amd64 deps=" --matrix" ;;
*)
	echo "stock-kernel.sh: unknown kernel '$1' (stock, 6.12 or rt)" >&2
	exit 2
	;;
esac
dep=$(dpkg-query -W -f='${Depends}' "$meta" 2>/dev/null) || {
	echo "stock-kernel.sh: $meta is not installed; run tools/testing/deps.sh$deps" >&2
	exit 1
}
# "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)" -> "6.1.0-56-amd64"
echo "$dep" | sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p'
