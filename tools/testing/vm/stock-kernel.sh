#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Print the release of the Debian kernel that the VM boots: the one that
# linux-headers-amd64 points at, so image and headers are always a pair.
set -eu
dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null) || {
	echo "stock-kernel.sh: linux-headers-amd64 is not installed; run tools/testing/deps.sh" >&2
	exit 1
}
# "linux-headers-6.1.0-56-amd64 (= 6.1.192-2)" -> "6.1.0-56-amd64"
echo "$dep" | sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p'
