#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# make check-userspace: build the engine in userspace and run
#   - the KUnit suites and the shim self-test under ASan + UBSan,
#   - the same under TSan, with the TSan-visible RCU backend,
#   - the libFuzzer target on each input of its corpus once, then for
#     FUZZ_SECONDS (default 30) from that corpus.
# Writes build/results/userspace.tap ("ok <test>: <what>" lines, judged by
# the VM init's own TAP rules); exits non-zero if anything failed.
set -u

top=$(cd "$(dirname "$0")/../../.." && pwd)
here=$top/tools/testing/userspace
out=$top/build/userspace
results=$top/build/results/userspace.tap
fuzz_seconds=${FUZZ_SECONDS:-30}
mkdir -p "$(dirname "$results")"
: >"$results"

make -s -C "$top/tools/testing/selftests" O="$top/build/selftests" || exit 1
run="$top/build/selftests/init --run"
export LFCE_TEST_TIMEOUT=${LFCE_TEST_TIMEOUT:-900}

for flavour in asan tsan; do
	if ! make -s -C "$here" "$flavour" >"$out.$flavour.log" 2>&1; then
		cat "$out.$flavour.log" >&2
		echo "not ok userspace-$flavour: build failed" >>"$results"
		continue
	fi
	for prog in lfce_kunit shim_selftest; do
		$run "userspace-$flavour/$prog" "$out/$flavour/$prog" >>"$results"
	done
done

# The fuzzer is not TAP: it either survives the time given or leaves a crash.
# It starts from the seed corpus kept in the repository (fuzz/corpus/: a
# minimal set covering what earlier runs reached, and every input that found
# a bug, regress-*, see fuzz/REGRESSIONS) and grows build/userspace/corpus;
# make -C tools/testing/userspace fuzz-long folds a longer run's finds back
# in. First each input of the corpus runs once, unmutated, so that a
# regression fails the same way every time, however short the fuzzing.
corpus=$here/fuzz/corpus
if make -s -C "$here" fuzz >"$out.fuzz.log" 2>&1; then
	if make -s -C "$here" fuzz-replay >/dev/null 2>&1; then
		echo "ok userspace-fuzz/replay: $(find "$corpus" -type f | wc -l) inputs of" \
			"fuzz/corpus, $(find "$corpus" -name 'regress-*' | wc -l) of them regress-*" \
			>>"$results"
	else
		tail -30 "$out/fuzz-replay.log" >&2
		echo "not ok userspace-fuzz/replay: an input crashed (see build/userspace/fuzz-replay.log)" \
			>>"$results"
	fi
	mkdir -p "$out/corpus"
	if (cd "$out" && "$out/fuzz/fuzz_ops" -max_total_time="$fuzz_seconds" \
		-print_final_stats=1 "$out/corpus" "$corpus" >"$out/fuzz.log" 2>&1); then
		echo "ok userspace-fuzz/fuzz_ops: $(grep -m1 -o 'stat::number_of_executed_units: [0-9]*' \
			"$out/fuzz.log" | cut -d' ' -f2) runs in ${fuzz_seconds}s" >>"$results"
	else
		tail -40 "$out/fuzz.log" >&2
		echo "not ok userspace-fuzz/fuzz_ops: crashed (see build/userspace/fuzz.log)" >>"$results"
	fi
else
	cat "$out.fuzz.log" >&2
	echo "not ok userspace-fuzz: build failed" >>"$results"
fi
grep '^not ok' "$results" >&2
! grep -q '^not ok' "$results"
