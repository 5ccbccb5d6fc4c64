#!/usr/bin/env bash
# Robustness tests of the wg-meshconf binary; see tests/robust/README.md.
#
#   WG_MESHCONF=/abs/path/to/build/san/wg-meshconf tests/robust/run.sh [PART...]
#
# PART is one of: baddb cmdline probes crash concurrency import (default: all).
# Every refused input must leave everything as it was: exit 1 or 2 (never 0, never
# a signal, never a sanitizer report), a message on stderr that names the problem,
# the database byte for byte unchanged and no file created (but the lock file).
# Ends with one line "N passed, N failed"; exit 0 only when none failed.
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

WGM=${WG_MESHCONF:-$REPO/build/san/wg-meshconf}
[[ $WGM == /* ]] || WGM=$PWD/$WGM
if [[ ! -x $WGM ]]; then
	echo "run.sh: $WGM: no such executable (build it: make build/san/wg-meshconf)" >&2
	exit 2
fi

# A sanitizer report must never pass for an ordinary "exit 1": give each sanitizer
# an exit status of its own, and look for their reports on stderr too.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=86:abort_on_error=0
export UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=87:print_stacktrace=1
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}exitcode=88
# Leak checking at exit triples the time of a run: it is on for the command-line
# cases and for two commands per bad database (check and the first), off for the
# rest, which share their loading code with those.
ASAN_LEAKS=$ASAN_OPTIONS
ASAN_NO_LEAKS=$ASAN_OPTIONS:detect_leaks=0
SANITIZER_RE='Sanitizer|runtime error:|LeakSanitizer'
export NO_COLOR=1 LC_ALL=C COLUMNS=200

JOBS=${ROBUST_JOBS:-$(nproc 2>/dev/null || echo 2)}
CRASH_KILLS=${ROBUST_KILLS:-200}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/wgm-robust.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

passed=0 failed=0

# Results of parts that run in parallel go through files: one line per test,
# "PASS name" or "FAIL name: why" (with indented detail lines after it).
tally() {
	local line
	while IFS= read -r line; do
		case $line in
		PASS*) passed=$((passed + 1)) ;;
		FAIL*) failed=$((failed + 1)); printf '%s\n' "$line" ;;
		INFO* | "    "*) printf '%s\n' "$line" ;;
		esac
	done
}

# Every entry of folder DIR but the lock files, with type, size, mode and mtime
# (a file rewritten with the same bytes still shows), into file OUT. Unsorted:
# the order of a folder's entries does not change while none is added or removed.
snapshot() {
	find "$1" -mindepth 1 ! -name '.*.lock' -printf '%P %y %s %m %T@\n' >"$2"
}

# Sets same to 1 when files A and B hold the same text, else to nothing.
same_text() {
	local a= b=
	IFS= read -r -d '' a <"$1"
	IFS= read -r -d '' b <"$2"
	same=
	[[ $a == "$b" ]] && same=1
}

# Runs the binary in folder DIR with arguments ARGS, standard input empty; stdout
# and stderr go to $io.out and $io.err; sets rc (124 when it hung for
# $HANG_SECONDS). No subshell: the parts that call it run in background jobs of
# their own, and forks are most of this suite's time.
HANG_SECONDS=30
run_in() {
	local dir=$1
	shift
	cd "$dir" || return
	timeout -k 5 "$HANG_SECONDS" "$WGM" "$@" </dev/null >"$io.out" 2>"$io.err"
	rc=$?
	cd "$TMP" || return
}

# Sets why to the reason the last run is not a clean refusal, or to nothing.
# WANT is an extended regex that stderr must match. (Bash builtins only: forks
# are most of this suite's time.)
refusal_problem() {
	local want=$1 err=
	IFS= read -r -d '' err <"$io.err"
	why=
	if [[ $err =~ $SANITIZER_RE ]]; then
		why="sanitizer report (exit $rc)"
	elif ((rc == 124)); then
		why="hung: still running after $HANG_SECONDS s"
	elif ((rc >= 128)); then
		why="killed by signal $((rc - 128))"
	elif ((rc != 1 && rc != 2)); then
		why="exit $rc, want 1 or 2"
	elif [[ -z $err ]]; then
		why="nothing on stderr"
	elif ! [[ $err =~ $want ]]; then
		why="stderr does not match /$want/"
	fi
}

# One command that must be refused: runs ARGS in DIR, whose database.csv is a
# copy of ORIG (or absent when ORIG is "none"); prints PASS or FAIL NAME.
# Returns 1 when it failed (DIR may then have changed: reset it).
expect_refused() {
	local name=$1 dir=$2 orig=$3 want=$4 why
	shift 4
	# The listing after a refused command is the listing before the next one.
	[[ -f $io.before ]] || snapshot "$dir" "$io.before"
	run_in "$dir" "$@"
	snapshot "$dir" "$io.after"
	refusal_problem "$want"
	if [[ -z $why && $orig != none ]] && ! cmp -s "$orig" "$dir/database.csv"; then
		why="the database changed"
	fi
	if [[ -z $why ]]; then
		same_text "$io.before" "$io.after"
		[[ $same ]] || why="files changed: $(diff "$io.before" "$io.after" | grep '^[<>]' | head -n3 | tr '\n' ' ')"
	fi
	if [[ -n $why ]]; then
		printf 'FAIL %s: %s\n' "$name" "$why"
		head -n4 "$io.err" | sed 's/^/    /' | cat -v
		return 1
	fi
	echo "PASS $name"
}

# Makes DIR a folder holding only a copy of database file ORIG (mode 0600), or
# nothing when ORIG is "none".
reset_dir() {
	local dir=$1 orig=$2
	rm -rf "$dir" "$io.before"
	mkdir -p "$dir"
	if [[ $orig != none ]]; then
		cp "$orig" "$dir/database.csv"
		chmod 600 "$dir/database.csv"
	fi
}

# Runs "worker K" for K = 0 .. JOBS-1 in the background, each writing its
# results to a file, then tallies them in order.
parallel() {
	local fn=$1 k
	for ((k = 0; k < JOBS; k++)); do
		"$fn" "$k" >"$TMP/results.$fn.$k" 2>&1 &
	done
	wait
	for ((k = 0; k < JOBS; k++)); do
		tally <"$TMP/results.$fn.$k"
	done
}

# ---------------------------------------------------------------------------
# Part 1: malformed databases. Each is refused by every command, and `check`
# names the line.

# The commands run on every bad database: each must fail because of the file.
BADDB_COMMANDS=(
	"showpeers"
	"addpeer newpeer --address 10.99.0.1/24"
	"updatepeer tokyo1 --endpoint new.example.com"
	"delpeer tokyo1"
	"genconfig -o out"
)
# One more per database, in turn: they share the loading code with the others,
# not what comes after it.
BADDB_EXTRA=(
	"init"
	"init --psk"
	"rotate tokyo1"
	"genconfig tokyo1 -o out --interface wg0"
	"showpeers tokyo1 --style text"
	"rotate --psk --all"
)
BADDBS=("$HERE"/bad/db/*.csv)

bad_database() {
	local db=$1 index=$2 name dir=$TMP/work.$BASHPID cmd words
	name=${db##*/}
	name=baddb/${name%.csv}
	reset_dir "$dir" "$db"
	for cmd in "${BADDB_COMMANDS[@]}" "${BADDB_EXTRA[index % ${#BADDB_EXTRA[@]}]}"; do
		read -ra words <<<"$cmd"
		# A command that failed may have changed the folder: start the next afresh.
		expect_refused "$name: $cmd" "$dir" "$db" 'database\.csv' "${words[@]}" ||
			reset_dir "$dir" "$db"
		ASAN_OPTIONS=$ASAN_NO_LEAKS
	done
	ASAN_OPTIONS=$ASAN_LEAKS
	# check reports on stdout (one line per problem) or stderr (a file it cannot
	# read at all): either way it exits 1 and names the line.
	run_in "$dir" check
	cat "$io.out" >>"$io.err"
	refusal_problem 'database\.csv:[0-9]+'
	((rc == 2)) && why=${why:-"exit 2, want 1"}
	if [[ -n $why ]]; then
		echo "FAIL $name: check: $why"
		head -n3 "$io.err" | sed 's/^/    /' | cat -v
	else
		echo "PASS $name: check"
	fi
}

baddb_worker() {
	local k=$1 i io=$TMP/io.$BASHPID
	for ((i = k; i < ${#BADDBS[@]}; i += JOBS)); do
		bad_database "${BADDBS[i]}" "$i"
	done
}

part_baddb() {
	echo "== malformed databases (${#BADDBS[@]} files)"
	parallel baddb_worker
}

# ---------------------------------------------------------------------------
# Part 2: command lines, from bad/cmdline*.txt: "WANT :: ARGS" lines, where WANT is
# a regex stderr must match and ARGS shell words; "[db: FILE]" lines choose the
# database the following cases start from (FILE relative to tests/robust/, or
# "none").

CMD_LINE=() CMD_DB=() CMD_WANT=() CMD_ARGS=()
load_cmdlines() {
	local line db n file
	for file in "$HERE"/bad/cmdline*.txt; do
	db=none n=0
	while IFS= read -r line; do
		n=$((n + 1))
		case $line in
		'' | '#'*) continue ;;
		'[db: '*']')
			db=${line#'[db: '}
			db=${db%']'}
			[[ $db == none ]] || db=$HERE/$db
			continue
			;;
		esac
		CMD_LINE+=("${file##*/}:$n") CMD_DB+=("$db") CMD_WANT+=("${line%% :: *}") CMD_ARGS+=("${line#* :: }")
	done <"$file"
	done
}

cmdline_worker() {
	local k=$1 i words dir=$TMP/work.$BASHPID io=$TMP/io.$BASHPID current=
	for ((i = k; i < ${#CMD_LINE[@]}; i += JOBS)); do
		# The folder is reused while the database is the same: a refused
		# command leaves it as it was.
		if [[ ${CMD_DB[i]} != "$current" ]]; then
			current=${CMD_DB[i]}
			reset_dir "$dir" "$current"
		fi
		eval "words=(${CMD_ARGS[i]})"
		expect_refused "cmdline:${CMD_LINE[i]}: ${CMD_ARGS[i]}" "$dir" "$current" \
			"${CMD_WANT[i]}" "${words[@]}" || reset_dir "$dir" "$current"
	done
}

part_cmdline() {
	load_cmdlines
	echo "== command lines (${#CMD_LINE[@]} cases)"
	parallel cmdline_worker
}

# ---------------------------------------------------------------------------
# Part 3: probes: inputs that are not necessarily wrong, where what matters is
# that nothing crashes and that the outcome is consistent. What happens is printed.

part_probes() {
	local dir=$TMP/probe io=$TMP/io.probe
	echo "== probes"
	# Latin-1 bytes in a name: not UTF-8, but not a control character either.
	reset_dir "$dir" "$HERE/probe/latin1-name.csv"
	run_in "$dir" check
	probe_result "latin1-name: check" "$(head -n1 "$io.out" | cat -v)"
	run_in "$dir" genconfig -o out
	probe_result "latin1-name: genconfig" "$(ls "$dir/out" 2>/dev/null | tr '\n' ' ' | cat -v)"
	# An empty file is an empty database: 0 peers, and a writer adds the header.
	reset_dir "$dir" "$HERE/probe/empty.csv"
	run_in "$dir" showpeers
	probe_result "empty-file: showpeers" "$(wc -c <"$io.out") bytes on stdout"
	run_in "$dir" addpeer newpeer --address 10.99.0.1/24
	probe_result "empty-file: addpeer" "$(head -n1 "$dir/database.csv" | cut -c1-40)..."
}

# PASS when the last run exited 0 or 1 without a sanitizer report or a signal.
probe_result() {
	local name=$1 what=$2
	if grep -qE "$SANITIZER_RE" "$io.err" || ((rc != 0 && rc != 1)); then
		echo "FAIL probe $name: exit $rc"
		head -n4 "$io.err" | sed 's/^/    /'
		failed=$((failed + 1))
	else
		echo "INFO probe $name: exit $rc: $what"
		passed=$((passed + 1))
	fi
}

# ---------------------------------------------------------------------------
# Shared by the crash and concurrency parts: a database of N peers named p001...,
# each with its own address and endpoint, completed by `init` (keys, ports).
make_db() {
	local dir=$1 n=$2 i
	{
		printf '"Name","Address","Endpoint"\r\n'
		for ((i = 1; i <= n; i++)); do
			printf '"p%03d","10.0.%d.%d/16","p%03d.example.com"\r\n' "$i" $((i / 250)) \
				$((i % 250 + 1)) "$i"
		done
	} >"$dir/database.csv"
	chmod 600 "$dir/database.csv"
	(cd "$dir" && "$WGM" init >/dev/null 2>&1)
}

# The first field of every row but the header: the peer names, in file order.
db_names() {
	awk -F'","' 'NR > 1 { sub(/^"/, "", $1); print $1 }' "$1"
}

# ---------------------------------------------------------------------------
# Part 4: crash safety. A writer is SIGKILLed after a random delay; the database
# must then hold either exactly what it held before or exactly what the completed
# command writes. The commands flip between four states (peer p001's endpoint a
# or b, peer p200 present or not), whose contents are computed first by running
# each command to the end.

part_crash() {
	local dir=$TMP/crash states=$TMP/states ep present i
	echo "== crash safety: $CRASH_KILLS writers killed at random times"
	mkdir -p "$dir" "$states"
	# Leak checking at exit is slow and beside the point here.
	local -x ASAN_OPTIONS=$ASAN_NO_LEAKS
	make_db "$dir" 200
	local key200
	key200=$(awk -F'","' '$1 == "\"p200" { print $8 }' "$dir/database.csv")
	if [[ -z $key200 ]] || ! crash_states "$dir" "$key200"; then
		echo "FAIL crash: cannot compute the four states"
		failed=$((failed + 1))
		return
	fi
	local max_ms
	max_ms=$(crash_duration_ms "$dir")
	echo "   a complete write takes about $max_ms ms: kills fall in 0-$max_ms ms"

	cp "$states/a1" "$dir/database.csv"
	ep=a present=1
	local old=0 new=0 bad=0 finished=0 leftovers=0 badmode=0 seen=" "
	for ((i = 1; i <= CRASH_KILLS; i++)); do
		local args next_ep=$ep next_present=$present
		if ((RANDOM % 2)); then
			[[ $ep == a ]] && next_ep=b || next_ep=a
			args=(updatepeer p001 --endpoint "p001-$next_ep.example.com")
		elif ((present)); then
			next_present=0
			args=(delpeer p200)
		else
			next_present=1
			args=("${ADD_P200[@]}" --privatekey "$key200")
		fi
		local before=$states/$ep$present after=$states/$next_ep$next_present pid delay
		(cd "$dir" && exec "$WGM" "${args[@]}" >/dev/null 2>"$TMP/crash.err") &
		pid=$!
		delay=$((RANDOM % (max_ms + 1)))
		sleep "$(printf '0.%03d' "$delay")"
		kill -KILL "$pid" 2>/dev/null
		# (Quietly: bash would report every "Killed" job.)
		wait "$pid" 2>/dev/null
		(($? == 0)) && finished=$((finished + 1))
		if cmp -s "$dir/database.csv" "$before"; then
			old=$((old + 1))
		elif cmp -s "$dir/database.csv" "$after"; then
			new=$((new + 1))
			ep=$next_ep present=$next_present
		else
			bad=$((bad + 1))
			echo "FAIL crash: kill $i after $delay ms of '${args[*]}': the database is neither the old nor the new content"
			cp "$dir/database.csv" "$TMP/crash-bad.$i.csv"
			(cd "$dir" && "$WGM" check 2>&1 | head -n3 | sed 's/^/    /')
			cp "$before" "$dir/database.csv"
		fi
		# A killed writer may leave its temporary file (it holds private keys:
		# it must be 0600); the next writer removes it under the lock.
		local tmpf
		for tmpf in "$dir"/.database.csv.??????; do
			[[ -e $tmpf ]] || continue
			[[ $seen == *" ${tmpf##*/} "* ]] && continue
			seen+="${tmpf##*/} "
			leftovers=$((leftovers + 1))
			[[ $(stat -c %a "$tmpf") == 600 ]] || badmode=$((badmode + 1))
		done
		# Identity with a known content proves that it parses; run check now and
		# then to see it from the tool's side too.
		if ((i % 25 == 0)) && ! (cd "$dir" && "$WGM" check >/dev/null 2>&1); then
			bad=$((bad + 1))
			echo "FAIL crash: check refuses the database after kill $i"
		fi
	done
	echo "   $CRASH_KILLS kills: $old left the old content, $new the new one ($finished writers had finished), $bad neither"
	echo "   temporary files left by killed writers: $leftovers ($badmode not mode 0600)"
	((bad == 0)) && passed=$((passed + 1)) || failed=$((failed + 1))
	((badmode == 0)) && passed=$((passed + 1)) || {
		failed=$((failed + 1))
		echo "FAIL crash: $badmode temporary files readable by others"
	}
	# The next complete write removes what killed writers left.
	(cd "$dir" && "$WGM" updatepeer p001 --endpoint p001-c.example.com >/dev/null 2>&1)
	local remaining
	remaining=$(find "$dir" -name '.database.csv.??????' | wc -l)
	if ((remaining == 0)); then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL crash: $remaining temporary files remain after a complete write"
	fi
	if (cd "$dir" && "$WGM" check >/dev/null 2>&1); then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL crash: check refuses the final database"
	fi
}

ADD_P200=(addpeer p200 --address 10.0.0.201/16 --endpoint p200.example.com)

# state_step FROM TO ARGS...: runs ARGS to the end on a copy of state FROM and
# saves the result as state TO, or checks that it equals TO when TO is known.
state_step() {
	local from=$1 to=$2 w=$TMP/states-work
	shift 2
	mkdir -p "$w"
	cp "$TMP/states/$from" "$w/database.csv"
	(cd "$w" && "$WGM" "$@" >/dev/null 2>&1) || return 1
	if [[ -f $TMP/states/$to ]]; then
		cmp -s "$w/database.csv" "$TMP/states/$to"
	else
		cp "$w/database.csv" "$TMP/states/$to"
	fi
}

# Computes the four contents a1, b1, a0, b0 from the database in DIR, and checks
# that every command of the loop leads from one to the other. 0 or 1.
crash_states() {
	local dir=$1 key=$2
	cp "$dir/database.csv" "$TMP/states/made"
	state_step made a1 updatepeer p001 --endpoint p001-a.example.com &&
		state_step a1 b1 updatepeer p001 --endpoint p001-b.example.com &&
		state_step a1 a0 delpeer p200 &&
		state_step b1 b0 delpeer p200 &&
		state_step b1 a1 updatepeer p001 --endpoint p001-a.example.com &&
		state_step a0 b0 updatepeer p001 --endpoint p001-b.example.com &&
		state_step b0 a0 updatepeer p001 --endpoint p001-a.example.com &&
		state_step a0 a1 "${ADD_P200[@]}" --privatekey "$key" &&
		state_step b0 b1 "${ADD_P200[@]}" --privatekey "$key"
}

# The time one complete writer takes, in ms: the median of three runs.
crash_duration_ms() {
	local dir=$1 w=$TMP/timing start end k times=()
	mkdir -p "$w"
	cp "$dir/database.csv" "$w/database.csv"
	for k in 1 2 3; do
		start=$(date +%s%N)
		(cd "$w" && "$WGM" updatepeer p001 --endpoint "t$k.example.com" >/dev/null 2>&1)
		end=$(date +%s%N)
		times+=($(((end - start) / 1000000)))
	done
	printf '%s\n' "${times[@]}" | sort -n | sed -n 2p
}

# ---------------------------------------------------------------------------
# Part 5: concurrency. 32 processes start together (they wait for a start file):
# 11 add a new peer each, 11 update a peer each (a new endpoint), 10 delete a peer
# each. Afterwards every change is there and no other peer is lost or doubled.

part_concurrency() {
	local dir=$TMP/conc i pids=() bad=0
	echo "== concurrency: 32 writers at once"
	mkdir -p "$dir"
	local -x ASAN_OPTIONS=$ASAN_NO_LEAKS
	make_db "$dir" 60
	db_names "$dir/database.csv" >"$TMP/conc.before"
	for ((i = 1; i <= 32; i++)); do
		local args
		if ((i <= 11)); then
			args=(addpeer "n$i" --address "10.1.0.$i/16" --endpoint "n$i.example.com")
		elif ((i <= 22)); then
			args=(updatepeer "$(printf 'p%03d' $((i - 11)))" --endpoint "up$i.example.com")
		else
			args=(delpeer "$(printf 'p%03d' $((i + 27)))")	# p050 ... p059
		fi
		(
			# The barrier: every writer waits for the start file, then all go.
			until [[ -e $TMP/conc.start ]]; do sleep 0.005; done
			cd "$dir" && exec timeout -k 5 60 "$WGM" "${args[@]}"
		) >/dev/null 2>"$TMP/conc.err.$i" &
		pids+=($!)
	done
	touch "$TMP/conc.start"
	for ((i = 1; i <= 32; i++)); do
		wait "${pids[i - 1]}"
		rc=$?
		if ((rc != 0)); then
			bad=$((bad + 1))
			echo "FAIL concurrency: writer $i exited $rc"
			head -n3 "$TMP/conc.err.$i" | sed 's/^/    /'
		fi
	done
	((bad == 0)) && passed=$((passed + 1)) || failed=$((failed + 1))

	# What the database must hold now, name by name.
	local db=$dir/database.csv problems=()
	db_names "$db" >"$TMP/conc.after"
	for ((i = 1; i <= 11; i++)); do
		(($(grep -cx "n$i" "$TMP/conc.after") == 1)) || problems+=("added peer n$i: $(grep -cx "n$i" "$TMP/conc.after") rows")
	done
	for ((i = 12; i <= 22; i++)); do
		local p
		p=$(printf 'p%03d' $((i - 11)))
		grep -q "^\"$p\",\"[^\"]*\",\"up$i.example.com\"," "$db" || problems+=("peer $p lacks its new endpoint up$i.example.com")
	done
	for ((i = 23; i <= 32; i++)); do
		local p
		p=$(printf 'p%03d' $((i + 27)))
		grep -qx "$p" "$TMP/conc.after" && problems+=("deleted peer $p is still there")
	done
	local name
	while read -r name; do
		[[ $name =~ ^p0(5[0-9])$ ]] && continue
		(($(grep -cx "$name" "$TMP/conc.after") == 1)) || problems+=("peer $name: $(grep -cx "$name" "$TMP/conc.after") rows, want 1")
	done <"$TMP/conc.before"
	local rows
	rows=$(wc -l <"$TMP/conc.after")
	((rows == 61)) || problems+=("$rows peers, want 61 (60 + 11 - 10)")
	(cd "$dir" && "$WGM" check >/dev/null 2>&1) || problems+=("check refuses the result")
	if ((${#problems[@]})); then
		failed=$((failed + 1))
		echo "FAIL concurrency: the database after 32 writers:"
		printf '    %s\n' "${problems[@]:0:10}"
	else
		passed=$((passed + 1))
		echo "   all 11 additions, 11 updates and 10 deletions are there; 61 peers, none lost or doubled"
	fi
}

# ---------------------------------------------------------------------------
# Part 6: import. The valid databases here (seed4.csv, the 200 peers of the crash
# part, the 61 left by the concurrency part when it ran): genconfig, import of its
# files into a new database, genconfig again must give the same files byte for
# byte, in both AllowedIPs shapes and with preshared keys.

import_round_trip() {
	local name=$1 src=$2 shape
	for shape in "" --legacy-allowedips --psk; do
		local dir=$TMP/import
		rm -rf "$dir"
		mkdir -p "$dir"
		cp "$src" "$dir/database.csv"
		chmod 600 "$dir/database.csv"
		if ! (cd "$dir" && "$WGM" genconfig $shape -o a >/dev/null 2>&1 &&
			"$WGM" -d new.csv import a >/dev/null 2>err &&
			"$WGM" -d new.csv genconfig $shape -o b >/dev/null 2>&1 &&
			diff -r a b >/dev/null); then
			failed=$((failed + 1))
			echo "FAIL import $name ${shape:-(default)}: not the same files again"
			sed 's/^/    /' "$dir/err" 2>/dev/null | head -n 5
		else
			passed=$((passed + 1))
		fi
	done
}

part_import() {
	local -x ASAN_OPTIONS=$ASAN_NO_LEAKS
	echo "== import: genconfig, import, genconfig gives the same files"
	import_round_trip seed4 "$HERE/seed4.csv"
	mkdir -p "$TMP/import200"
	make_db "$TMP/import200" 200
	import_round_trip 200-peers "$TMP/import200/database.csv"
	[[ -f $TMP/conc/database.csv ]] &&
		import_round_trip concurrency "$TMP/conc/database.csv"
	echo "   round trips done"
}

# ---------------------------------------------------------------------------

main() {
	local parts=("$@") part start
	((${#parts[@]})) || parts=(baddb cmdline probes crash concurrency import)
	for part in "${parts[@]}"; do
		start=$SECONDS
		case $part in
		baddb | cmdline) "part_$part" ;;
		probes | crash | concurrency | import) "part_$part" ;;
		*)
			echo "run.sh: unknown part $part" >&2
			exit 2
			;;
		esac
		echo "   ($part: $((SECONDS - start)) s)"
	done
	echo "$passed passed, $failed failed"
	((failed == 0))
}

main "$@"
