#!/usr/bin/env bash
# The shell completions of completions/, in the shells they are for: the bash
# one is sourced with bash-completion and asked, as bash asks it (COMP_WORDS,
# COMP_CWORD, then COMPREPLY), what a few command lines complete to in a folder
# with peers; the fish one is asked the same through `complete -C`, the zsh
# one by an interactive zsh on a pseudo-terminal (zsh-complete.zsh); the zsh and
# fish files must parse (zsh -n, fish -n). WG_MESHCONF is the binary.
# A missing shell or bash-completion: SKIPPED (exit 77), but FAILED under CI=true.
# Ends with "N passed, N failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
COMP=$(cd "$HERE/../../completions" && pwd)
WGM=${WG_MESHCONF:-$HERE/../../build/san/wg-meshconf}
BASH_COMPLETION=${BASH_COMPLETION:-/usr/share/bash-completion/bash_completion}

missing=()
[[ -r $BASH_COMPLETION ]] || missing+=("bash-completion ($BASH_COMPLETION)")
command -v zsh >/dev/null || missing+=(zsh)
command -v fish >/dev/null || missing+=(fish)
if ((${#missing[@]})); then
	echo "SKIPPED: not installed: ${missing[*]} (scripts/install-deps --shells)"
	[[ ${CI:-} == true ]] && { echo "0 passed, 1 failed"; exit 1; }
	exit 77
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/wgm-completion.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
# The completions call `wg-meshconf` (bash: the word typed); on PATH here.
mkdir "$work/bin" && ln -s "$(realpath "$WGM")" "$work/bin/wg-meshconf"
export PATH=$work/bin:$PATH
cd "$work" || exit 2
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
wg-meshconf init >/dev/null
for p in tokyo1:10.1.0.1/16 germany1:10.2.0.1/16 canada1:10.3.0.1/16 toronto2:10.5.0.1/16; do
	wg-meshconf addpeer "${p%%:*}" --address "${p#*:}" >/dev/null 2>&1
done
wg-meshconf -d other.csv addpeer osaka1 --address 10.9.0.1/16 >/dev/null 2>&1
mkdir out1 out2 && touch key1 key2

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

# What bash completes for the words given, the last being the one under the
# cursor; the words are split as bash splits a line (--opt=val is three words:
# --opt, =, val; the line keeps it as typed).
bash_complete() {
	local line="wg-meshconf $*" w words=(wg-meshconf)
	for w in "$@"; do
		if [[ $w == --*=* ]]; then
			words+=("${w%%=*}" = "${w#*=}")
		else
			words+=("$w")
		fi
	done
	bash --norc --noprofile -c '
		source "$1" && source "$2" || exit 1
		COMP_LINE=$3
		COMP_POINT=${#COMP_LINE}
		shift 3
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMPREPLY=()
		_wg_meshconf wg-meshconf "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort
	' bash "$BASH_COMPLETION" "$COMP/wg-meshconf.bash" "$line" "${words[@]}" 2>&1
}

check "bash: genc" "genconfig" "$(bash_complete genc)"
check "bash: genconfig --ou" "--output" "$(bash_complete genconfig --ou)"
check "bash: showpeers to" "$(printf 'tokyo1\ntoronto2')" "$(bash_complete showpeers to)"
check "bash: every command, not the hidden one" \
	"$(wg-meshconf __complete commands | cut -f1 | sort)" "$(bash_complete '')"
check "bash: global options" "$(printf -- '--database\n--help\n--version')" \
	"$(bash_complete --)"
check "bash: -d FILE showpeers" "osaka1" "$(bash_complete -d other.csv showpeers '')"
check "bash: --database=FILE delpeer o" "osaka1" \
	"$(bash_complete --database=other.csv delpeer o)"
check "bash: genconfig -o (folders)" "$(printf 'out1\nout2')" "$(bash_complete genconfig -o out)"
check "bash: genconfig -o k (folders only: no file)" "" "$(bash_complete genconfig -o k)"
check "bash: genconfig --output=o (folders)" "$(printf 'out1\nout2')" \
	"$(bash_complete genconfig --output=out)"
check "bash: genconfig --format wg-quick,n" "$(printf 'wg-quick,networkd\nwg-quick,nm')" \
	"$(bash_complete genconfig --format wg-quick,n)"
check "bash: addpeer x --privatekey-file k (files)" "$(printf 'key1\nkey2')" \
	"$(bash_complete addpeer x --privatekey-file k)"
check "bash: addpeer x --endpoint (a value: nothing)" "" \
	"$(bash_complete addpeer x --endpoint '')"
check "bash: updatepeer tokyo1 --no-" "$(printf -- '--no-relay\n--no-saveconfig')" \
	"$(bash_complete updatepeer tokyo1 --no-)"
check "bash: addpeer (a new name: nothing)" "" "$(bash_complete addpeer '')"
printf 'Name,Address\n"broken,10.0.0.1/8\n' >broken.csv
check "bash: a broken database: nothing, quietly" "" \
	"$(bash_complete -d broken.csv showpeers '')"

# fish: the real completion machinery, through `complete -C`.
fish_complete() {
	fish --no-config -c "source $COMP/wg-meshconf.fish; complete -C '$1'" 2>&1 | cut -f1 | sort
}
check "fish -n" "" "$(fish -n "$COMP/wg-meshconf.fish" 2>&1)"
check "fish: genc" "genconfig" "$(fish_complete 'wg-meshconf genc')"
check "fish: genconfig --ou" "--output" "$(fish_complete 'wg-meshconf genconfig --ou')"
check "fish: showpeers to" "$(printf 'tokyo1\ntoronto2')" "$(fish_complete 'wg-meshconf showpeers to')"
check "fish: -d FILE delpeer" "osaka1" "$(fish_complete 'wg-meshconf -d other.csv delpeer ')"
check "fish: genconfig --format " "$(wg-meshconf __complete formats | sort)" \
	"$(fish_complete 'wg-meshconf genconfig --format ')"
check "fish: genconfig --format wg-quick,n" "$(printf 'wg-quick,networkd\nwg-quick,nm')" \
	"$(fish_complete 'wg-meshconf genconfig --format wg-quick,n')"
check "fish: genconfig --output=ou (folders)" "$(printf -- '--output=out1/\n--output=out2/')" \
	"$(fish_complete 'wg-meshconf genconfig --output=ou')"
check "fish: genconfig -o k (folders only: no file)" "" "$(fish_complete 'wg-meshconf genconfig -o k')"
check "fish: --database=FILE delpeer" "osaka1" \
	"$(fish_complete 'wg-meshconf --database=other.csv delpeer ')"
check "fish: -d o (files, and folders to go into)" "$(printf 'other.csv\nout1/\nout2/')" "$(fish_complete 'wg-meshconf -d o')"
check "fish: -" "$(printf -- '--database\n--help\n--version\n-d\n-h' | sort)" \
	"$(fish_complete 'wg-meshconf -')"

# zsh: the file parses, and an interactive zsh with compinit completes with it.
zsh_complete() {
	timeout 30 zsh -f "$HERE/zsh-complete.zsh" "$COMP" "wg-meshconf $1" 2>&1 | sort -u
}
check "zsh -n" "" "$(zsh -n "$COMP/_wg-meshconf" 2>&1)"
check "zsh: genc" "genconfig" "$(zsh_complete genc)"
check "zsh: genconfig --ou" "--output" "$(zsh_complete 'genconfig --ou')"
check "zsh: showpeers to" "$(printf 'tokyo1\ntoronto2')" "$(zsh_complete 'showpeers to')"
check "zsh: -d FILE delpeer" "osaka1" "$(zsh_complete '-d other.csv delpeer ')"
check "zsh: --database=FILE delpeer" "osaka1" "$(zsh_complete '--database=other.csv delpeer ')"
check "zsh: genconfig --output=ou (folders)" "$(printf 'out1\nout2')" "$(zsh_complete 'genconfig --output=ou')"
check "zsh: genconfig --format wg-quick,n" "$(printf 'networkd\nnm')" \
	"$(zsh_complete 'genconfig --format wg-quick,n')"
check "zsh: genconfig -o k (folders only: no file)" "" "$(zsh_complete 'genconfig -o k')"
check "zsh: updatepeer tokyo1 --no-" "$(printf -- '--no-relay\n--no-saveconfig')" \
	"$(zsh_complete 'updatepeer tokyo1 --no-')"

check "bash: no database: nothing, quietly" "" "$(bash_complete -d none.csv delpeer '')"
# A database is data: names that a shell would expand are offered as they are,
# and never run.
printf 'Name,Address\n$(id>pwned),10.0.0.1/8\n`id>pwned2`,10.0.0.2/8\n*,10.0.0.3/8\n' \
	>hostile.csv
check "bash: names with \$(...), \` and * offered as they are, not run" \
	"$(printf '%s\n' '$(id>pwned)' '*' '`id>pwned2`' | sort) no file" \
	"$(bash_complete -d hostile.csv showpeers '') $(ls pwned* 2>/dev/null || echo no file)"
check "zsh: the same names, not run" "$(printf '%s\n' '$(id>pwned)' '*' '`id>pwned2`' |
	sort) no file" "$(zsh_complete '-d hostile.csv delpeer ') $(ls pwned* 2>/dev/null || echo no file)"
check "fish: the same names, not run" "$(printf '%s\n' '$(id>pwned)' '*' '`id>pwned2`' |
	sort) no file" "$(fish_complete 'wg-meshconf -d hostile.csv delpeer ') $(ls pwned* 2>/dev/null ||
	echo no file)"

echo "$passed passed, $failed failed"
((failed == 0))
