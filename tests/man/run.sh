#!/usr/bin/env bash
# The man page: man (groff -ww) and lexgrog (what mandb and apropos read of
# its NAME section) print no warning, and every command and every option that
# the binary knows (its own list: `__complete commands`, `__complete options
# CMD`) appears in it. MAN_PAGE is the page (default: the one built beside
# WG_MESHCONF). man-db missing: SKIPPED (exit 77), but FAILED under CI=true.
# Ends with "N passed, N failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WGM=${WG_MESHCONF:-$HERE/../../build/san/wg-meshconf}
PAGE=${MAN_PAGE:-${WGM%/*}/wg-meshconf.1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

if ! command -v man >/dev/null || ! command -v lexgrog >/dev/null; then
	echo "SKIPPED: man and lexgrog not installed (man-db; scripts/install-deps --shells)"
	[[ ${CI:-} == true ]] && { echo "0 passed, 1 failed"; exit 1; }
	exit 77
fi
[[ -r $PAGE ]] || { echo "$PAGE: no such page (make $PAGE)"; echo "0 passed, 1 failed"; exit 1; }

passed=0 failed=0
check() { # NAME EXPECTED ACTUAL
	if [[ $2 == "$3" ]]; then
		echo "ok   $1"
		passed=$((passed + 1))
	else
		echo "FAIL $1"
		diff <(echo "$2") <(echo "$3") | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

# man --warnings: groff's -ww, every warning; the text is rendered, not shown.
warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$PAGE" 2>&1 >/dev/null)
check "man --warnings -l: no warning" "" "$warnings"
# lexgrog: one line 'PAGE: "wg-meshconf - WHAT"', nothing else, status 0.
out=$(lexgrog "$PAGE" 2>&1) && [[ $out =~ ^"$PAGE: \"wg-meshconf - "[^\"]+\"$ ]] && out=ok
check "lexgrog: the NAME line, no warning" ok "$out"

# The page as text, with \- read as -, fonts left out.
text=$(sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' "$PAGE")
has() { grep -qE -- "(^|[^a-zA-Z-])$1([^a-zA-Z-]|\$)" <<<"$text"; }
missing=""
for cmd in $("$WGM" __complete commands | cut -f1); do
	grep -qE "^\.B $cmd( |$)" <<<"$text" || missing+="command $cmd"$'\n'
done
for cmd in "" $("$WGM" __complete commands | cut -f1); do
	for opt in $("$WGM" __complete options $cmd | cut -f1); do
		has "$opt" || missing+="${cmd:-wg-meshconf} $opt"$'\n'
	done
done
check "every command and option of __complete is in the page" "" "${missing%$'\n'}"
missing=""
for section in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS FILES ENVIRONMENT "EXIT STATUS" \
	EXAMPLES "SEE ALSO"; do
	grep -qx "\.SH \"\?$section\"\?" "$PAGE" || missing+="section $section"$'\n'
done
check "the sections" "" "${missing%$'\n'}"

echo "$passed passed, $failed failed"
((failed == 0))
