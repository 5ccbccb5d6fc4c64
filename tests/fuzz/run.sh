#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/fuzz_*.c) with clang, ASan and UBSan
# into build/fuzz/ (or $FUZZ_OUT), then runs each for FUZZ_SECONDS seconds (default 5) on a copy
# of its seed corpus tests/fuzz/corpus/NAME/. See tests/fuzz/README.md.
#
#   FUZZ_SECONDS=90 FUZZ_JOBS=2 tests/fuzz/run.sh [NAME...]     (NAME: db, csv, ...)
#
# Prints "PASS fuzz_X: N execs" or "FAIL fuzz_X: ..." per harness and ends with one
# line "N passed, N failed". Without clang or its fuzzer runtime: "SKIPPED: reason"
# and exit 77, or exit 1 when CI=true (CI must not skip silently).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
cd "$REPO" || exit 1

CLANG=${CLANG:-clang}
PKG_CONFIG=${PKG_CONFIG:-pkg-config}
SECONDS_EACH=${FUZZ_SECONDS:-5}
JOBS=${FUZZ_JOBS:-$(nproc 2>/dev/null || echo 1)}
OUT=${FUZZ_OUT:-build/fuzz}
# The sources under test: src/ of this repository unless FUZZ_SRC names another
# copy (to keep fuzzing past a known bug with a locally patched copy).
SRC=${FUZZ_SRC:-src}
SAN=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
CFLAGS=(-std=c17 -g -O1 -Wall -Wextra -D_GNU_SOURCE -I"$SRC")

# Longest input each harness is given: databases need room for many rows.
declare -A MAX_LEN=([db]=32768 [csv]=16384 [psk]=16384)

skip() {
	echo "SKIPPED: $1"
	if [[ ${CI:-} == true ]]; then
		echo "CI=true: the fuzz suite may not be skipped (run scripts/install-deps --fuzz)"
		echo "0 passed, 1 failed"
		exit 1
	fi
	exit 77
}

# clang, its libFuzzer runtime and libsodium must all be there: try a tiny fuzzer.
check_toolchain() {
	local probe=$OUT/probe
	command -v "$CLANG" >/dev/null || skip "$CLANG not found (scripts/install-deps --fuzz)"
	"$PKG_CONFIG" --exists libsodium || skip "libsodium not found by $PKG_CONFIG"
	mkdir -p "$OUT"
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$probe.c"
	"$CLANG" -fsanitize=fuzzer,address,undefined -o "$probe" "$probe.c" 2>"$probe.log" ||
		skip "$CLANG cannot link a libFuzzer program (install libclang-rt-14-dev): $(head -n1 "$probe.log")"
	rm -f "$probe" "$probe.c" "$probe.log"
}

# Every module but main.c, compiled once for all harnesses (in parallel).
build_modules() {
	mkdir -p "$OUT/obj"
	local src
	rm -f "$OUT"/obj/*.o
	for src in "$SRC"/*.c "$SRC"/*/*.c; do
		[[ $src == */main.c ]] && continue
		printf '%s\n' "$src"
	done | xargs -P "$JOBS" -I{} sh -c '
		obj='"$OUT"'/obj/$(echo "{}" | sed "s|^[^/]*/||; s|/|_|g; s|\.c\$||").o
		exec "$0" "$@" -c -o "$obj" "{}"' \
		"$CLANG" "${CFLAGS[@]}" "${SAN[@]}" -fsanitize=fuzzer-no-link \
		$("$PKG_CONFIG" --cflags libsodium libqrencode libpng)
}

build_harness() {
	local name=$1
	"$CLANG" "${CFLAGS[@]}" "${SAN[@]}" -fsanitize=fuzzer -o "$OUT/fuzz_$name" \
		"tests/fuzz/fuzz_$name.c" "$OUT"/obj/*.o \
		$("$PKG_CONFIG" --cflags --libs libsodium libqrencode libpng) -lpthread
}

# Runs one harness; writes its one-line result to $OUT/logs/NAME.result.
run_harness() {
	local name=$1 work log rc execs dict=() maxlen=()
	log=$OUT/logs/fuzz_$name.log
	# The seeds are copied: libFuzzer adds what it finds to the corpus folder, and
	# new inputs are not to land in the repository unreviewed.
	work=$(mktemp -d "${TMPDIR:-/tmp}/wgm-fuzz-$name.XXXXXX")
	if [[ -d tests/fuzz/corpus/$name ]]; then
		cp -R "tests/fuzz/corpus/$name/." "$work/"
	fi
	[[ -f tests/fuzz/dict/$name.dict ]] && dict=(-dict="tests/fuzz/dict/$name.dict")
	[[ -n ${MAX_LEN[$name]:-} ]] && maxlen=(-max_len="${MAX_LEN[$name]}")
	# -timeout: an input that takes 10 s is a hang, saved as a finding.
	timeout --signal=KILL $((SECONDS_EACH + 120)) \
		"$OUT/fuzz_$name" -max_total_time="$SECONDS_EACH" -timeout=10 \
		-print_final_stats=1 -artifact_prefix="$OUT/crashes/fuzz_$name-" \
		"${dict[@]}" "${maxlen[@]}" "$work" >"$log" 2>&1
	rc=$?
	rm -rf "$work"
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	if [[ -z $execs ]]; then
		# Killed before the final stats: the last status line has the count.
		execs=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -n1)
	fi
	if ((rc == 0)); then
		echo "PASS fuzz_$name: ${execs:-0} execs" >"$OUT/logs/$name.result"
	else
		{
			echo "FAIL fuzz_$name: exit $rc after ${execs:-?} execs; log $log"
			grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer|UndefinedBehaviorSanitizer)|runtime error:|property failed' "$log" | sed 's/^/    /'
			grep -m1 -E '^artifact_prefix=|Test unit written to' "$log" | sed 's/^/    /'
		} >"$OUT/logs/$name.result"
	fi
}

main() {
	local names=() name passed=0 failed=0 running=0
	if (($#)); then
		names=("$@")
	else
		for name in tests/fuzz/fuzz_*.c; do
			name=${name#tests/fuzz/fuzz_}
			names+=("${name%.c}")
		done
	fi
	check_toolchain
	mkdir -p "$OUT/crashes" "$OUT/logs"
	if ! build_modules; then
		echo "FAIL: the modules do not build with $CLANG"
		echo "0 passed, ${#names[@]} failed"
		exit 1
	fi
	for name in "${names[@]}"; do
		rm -f "$OUT/logs/$name.result" "$OUT/fuzz_$name"
		if ! build_harness "$name"; then
			echo "FAIL fuzz_$name: does not build" >"$OUT/logs/$name.result"
		fi
	done
	for name in "${names[@]}"; do
		[[ -x $OUT/fuzz_$name && ! -s $OUT/logs/$name.result ]] || continue
		run_harness "$name" &
		if ((++running >= JOBS)); then
			wait -n
			((running--))
		fi
	done
	wait
	for name in "${names[@]}"; do
		if [[ -s $OUT/logs/$name.result ]]; then
			cat "$OUT/logs/$name.result"
		else
			echo "FAIL fuzz_$name: no result"
		fi
		if grep -q '^PASS' "$OUT/logs/$name.result" 2>/dev/null; then
			((passed++))
		else
			((failed++))
		fi
	done
	echo "$passed passed, $failed failed"
	((failed == 0))
}

main "$@"
