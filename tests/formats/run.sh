#!/usr/bin/env bash
# Formats checked by their real consumers (NetworkManager's parser, zbarimg, jq,
# ...): runs every tests/formats/*.sh, each of which ends with its own
# "N passed, N failed[, N skipped]" line, and sums them into one such line.
# Usage: tests/formats/run.sh [NAME...]   (WG_MESHCONF: the binary, absolute path)
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
export WG_MESHCONF=${WG_MESHCONF:-$REPO/build/san/wg-meshconf}
passed=0 failed=0 skipped=0
scripts=()
if (($#)); then
	for n in "$@"; do scripts+=("$HERE/$n.sh"); done
else
	scripts=("$HERE"/*.sh)
fi
for s in "${scripts[@]}"; do
	[[ -e $s && ${s##*/} != run.sh ]] || continue
	echo "== ${s##*/}"
	out=$(bash "$s" 2>&1)
	rc=$?
	printf '%s\n' "$out"
	last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' <<<"$out" | tail -n1)
	if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]; then
		passed=$((passed + BASH_REMATCH[1])) failed=$((failed + BASH_REMATCH[2]))
		skipped=$((skipped + ${BASH_REMATCH[4]:-0}))
		((rc != 0 && BASH_REMATCH[2] == 0)) && failed=$((failed + 1))
	else
		echo "FAIL ${s##*/}: no summary line (exit $rc)"
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
