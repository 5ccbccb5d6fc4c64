#!/usr/bin/env bash
# Robustness tests of the wg-meshconf binary; see tests/robust/README.md.
#
#   WG_MESHCONF=/abs/path/to/build/san/wg-meshconf tests/robust/run.sh [PART...]
#
# PART is one of: baddb cmdline probes files owner crash concurrency genkill import
# (default: all).
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

passed=0 failed=0 skipped=0

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
	# A writer that waited more than a second said so, naming the holder (a
	# writer that exits just then may be named without its command, or, when
	# the lock changed hands while it looked, not at all); nothing else.
	local waited=0 named=0 other=0 line
	for ((i = 1; i <= 32; i++)); do
		while IFS= read -r line; do
			if [[ $line =~ ^wg-meshconf:\ database\.csv:\ waiting\ for\ (process\ [0-9]+(\ \(wg-meshconf\))?|another\ process),\ which\ holds\ the\ lock\ \.database\.csv\.lock$ ]]; then
				waited=$((waited + 1))
				[[ $line == *"(wg-meshconf)"* ]] && named=$((named + 1))
			else
				other=$((other + 1))
				((other <= 3)) && echo "FAIL concurrency: writer $i said: $line"
			fi
		done <"$TMP/conc.err.$i"
	done
	echo "   $waited writers waited more than a second and said so, $named naming the wg-meshconf process that held the lock"
	if ((other == 0 && named * 2 >= waited)); then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		((other)) || echo "FAIL concurrency: only $named of $waited waiting messages name the holder"
	fi

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

# Part 6: genconfig killed while it writes (300 peers, each file holds a private
# key). Every output file must be a whole file, old or new; the temporary files
# the kills leave are removed by the next genconfig, under the folder's lock;
# and a run that completes writes exactly what a fresh folder gets.
GENCONFIG_KILLS=${GENCONFIG_KILLS:-10}

part_genkill() {
	local dir=$TMP/genkill i pid start end max_ms problems=()
	echo "== genconfig killed: $GENCONFIG_KILLS runs at 300 peers killed at random times"
	mkdir -p "$dir"
	local -x ASAN_OPTIONS=$ASAN_NO_LEAKS
	make_db "$dir" 300
	start=$(date +%s%N)
	(cd "$dir" && "$WGM" genconfig -o fresh >/dev/null 2>&1)
	end=$(date +%s%N)
	max_ms=$(((end - start) / 1000000))
	for ((i = 1; i <= GENCONFIG_KILLS; i++)); do
		(cd "$dir" && exec "$WGM" updatepeer p001 --listenport $((50000 + i)) >/dev/null 2>&1)
		(cd "$dir" && exec "$WGM" genconfig >/dev/null 2>&1) &
		pid=$!
		sleep "$(printf '0.%03d' $((RANDOM % (max_ms + 1))))"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		local f
		for f in "$dir"/output/*.conf; do
			[[ -e $f ]] || continue
			# A whole file ends with its last [Peer]'s AllowedIPs line.
			tail -n 1 "$f" | grep -q '^AllowedIPs = ' || problems+=("kill $i: $f is not whole")
		done
	done
	local left
	left=$(find "$dir/output" -name '.*.wgm-tmp-*' | wc -l)
	echo "   $left temporary files left by the kills"
	(cd "$dir" && "$WGM" genconfig >/dev/null 2>&1) || problems+=("the last genconfig failed")
	(cd "$dir" && rm -rf fresh && "$WGM" genconfig -o fresh >/dev/null 2>&1)
	[[ -z $(find "$dir/output" -name '.*.wgm-tmp-*') ]] ||
		problems+=("temporary files still there after a complete genconfig")
	diff -r -x '.wg-meshconf*' "$dir/fresh" "$dir/output" >/dev/null ||
		problems+=("the folder differs from a fresh genconfig's")
	if ((${#problems[@]})); then
		failed=$((failed + 1))
		echo "FAIL genconfig killed:"
		printf '    %s\n' "${problems[@]:0:10}"
	else
		passed=$((passed + 1))
		echo "   every file whole after each kill; none left after the next run"
	fi
}

# ---------------------------------------------------------------------------
# Part 6: special files where the tool expects a regular file: a FIFO, a
# device, a folder in the place of the preshared-key store, the database, the
# lock file or a key file. Each command must refuse at once (a FIFO nobody
# writes into would block it for ever, under the lock for the writers), with a
# message naming the file, change nothing, and leave the lock free. A FIFO in
# the place of an output file must not hang genconfig either.

FILES_HANG_SECONDS=10
# "KIND PATH" special files, made by make_special.
SPECIAL_KINDS=(fifo zero null folder)

make_special() {
	local kind=$1 path=$2
	case $kind in
	fifo) mkfifo "$path" ;;
	zero) ln -s /dev/zero "$path" ;;
	null) ln -s /dev/null "$path" ;;
	folder) mkdir "$path" ;;
	esac
}

# The commands that read the store (each with --psk where it is optional).
PSK_READERS=(
	"check"
	"genconfig -o out"
	"genconfig --psk -o out"
	"genconfig tokyo1 --psk -o out --interface wg0"
	"showpeers tokyo1 --show-psk"
	"delpeer tokyo1"
	"rotate --psk --all"
	"rotate --psk tokyo1"
	"init --psk"
)
DB_USERS=(
	"check"
	"showpeers"
	"genconfig -o out"
	"addpeer newpeer --address 10.99.0.1/24"
	"updatepeer tokyo1 --endpoint new.example.com"
	"delpeer tokyo1"
	"init"
)
LOCK_USERS=(
	"addpeer newpeer --address 10.99.0.1/24"
	"updatepeer tokyo1 --endpoint new.example.com"
	"delpeer tokyo1"
	"genconfig --psk -o out"
	"rotate tokyo1"
)
KEYFILE_USERS=(
	"addpeer newpeer --address 10.99.0.1/24 --privatekey-file"
	"updatepeer tokyo1 --privatekey-file"
)

# Sets why when someone still holds the lock of DIR's database.
lock_still_held() {
	local dir=$1
	[[ -f $dir/.database.csv.lock ]] || return 0
	flock -n "$dir/.database.csv.lock" true || why="the lock is still held"
}

# One refusal of the files part: like expect_refused, with a shorter hang limit
# and the lock checked afterwards.
special_refused() {
	local name=$1 dir=$2 orig=$3 want=$4
	shift 4
	local HANG_SECONDS=$FILES_HANG_SECONDS out
	out=$(expect_refused "$name" "$dir" "$orig" "$want" "$@")
	local r=$?
	if ((r == 0)); then
		why=
		lock_still_held "$dir"
		[[ -n $why ]] && out="FAIL $name: $why"
	fi
	printf '%s\n' "$out"
}

files_worker() {
	local k=$1 i=0 kind cmd words dir=$TMP/files.$BASHPID io=$TMP/io.$BASHPID
	for kind in "${SPECIAL_KINDS[@]}"; do
		for cmd in "${PSK_READERS[@]}"; do
			((i++ % JOBS == k)) || continue
			read -ra words <<<"$cmd"
			reset_dir "$dir" "$TMP/seed.csv"
			make_special "$kind" "$dir/database.csv.psk"
			special_refused "files: DATABASE.psk $kind: $cmd" "$dir" "$TMP/seed.csv" \
				'database\.csv\.psk: a (FIFO|character device|folder), not a regular file' \
				"${words[@]}"
		done
		for cmd in "${DB_USERS[@]}"; do
			((i++ % JOBS == k)) || continue
			read -ra words <<<"$cmd"
			reset_dir "$dir" none
			make_special "$kind" "$dir/database.csv"
			special_refused "files: database $kind: $cmd" "$dir" none \
				'database\.csv: a (FIFO|character device|folder), not a regular file' \
				"${words[@]}"
		done
		for cmd in "${LOCK_USERS[@]}"; do
			((i++ % JOBS == k)) || continue
			# A link at the lock is refused as a link (O_NOFOLLOW), not followed.
			[[ $kind == zero || $kind == null ]] && continue
			read -ra words <<<"$cmd"
			reset_dir "$dir" "$TMP/seed.csv"
			make_special "$kind" "$dir/.database.csv.lock"
			special_refused "files: lock $kind: $cmd" "$dir" "$TMP/seed.csv" \
				'cannot lock the database: \.database\.csv\.lock is a (FIFO|folder)' \
				"${words[@]}"
		done
		for cmd in "${KEYFILE_USERS[@]}"; do
			((i++ % JOBS == k)) || continue
			# A FIFO is a pipe, which a key file may be (<(command)).
			[[ $kind == fifo ]] && continue
			read -ra words <<<"$cmd"
			reset_dir "$dir" "$TMP/seed.csv"
			make_special "$kind" "$TMP/key.$BASHPID"
			special_refused "files: key file $kind: $cmd" "$dir" "$TMP/seed.csv" \
				"--privatekey-file: .*key\\.$BASHPID: a (character device|folder), not a regular file" \
				"${words[@]}" "$TMP/key.$BASHPID"
			rm -rf "$TMP/key.$BASHPID"
		done
	done
	# Files over the bounds, sparse: refused from their size, before a byte is read.
	if ((k == 0)); then
		reset_dir "$dir" none
		truncate -s 65M "$dir/database.csv"
		special_refused "files: database over 64 MiB: showpeers" "$dir" none \
			'database\.csv: larger than 64 MiB' showpeers
		reset_dir "$dir" "$TMP/seed.csv"
		truncate -s 257M "$dir/database.csv.psk"
		special_refused "files: DATABASE.psk over 256 MiB: genconfig" "$dir" "$TMP/seed.csv" \
			'database\.csv\.psk: larger than 256 MiB' genconfig -o out
		truncate -s 5000 "$TMP/key.$BASHPID"
		special_refused "files: key file over 4 KiB: addpeer" "$dir" "$TMP/seed.csv" \
			'--privatekey-file: .*: larger than 4 KiB' \
			addpeer newpeer --address 10.99.0.1/24 --privatekey-file "$TMP/key.$BASHPID"
		rm -f "$TMP/key.$BASHPID"
	fi
	# A FIFO in the place of an output file: any outcome but a hang or a crash.
	if ((k == JOBS - 1)); then
		reset_dir "$dir" "$TMP/seed.csv"
		mkdir "$dir/out"
		mkfifo "$dir/out/tokyo1.conf"
		local HANG_SECONDS=$FILES_HANG_SECONDS
		run_in "$dir" genconfig -o out
		refusal_problem .
		if ((rc == 124)) || [[ $why == sanitizer* || $why == killed* ]]; then
			echo "FAIL files: output FIFO: genconfig: $why"
		else
			echo "PASS files: output FIFO: genconfig (exit $rc)"
		fi
	fi
	rm -rf "$dir"
}

part_files() {
	echo "== special files where a regular file belongs (FIFO, device, folder)"
	cp "$HERE/seed4.csv" "$TMP/seed.csv"
	chmod 600 "$TMP/seed.csv"
	local -x ASAN_OPTIONS=$ASAN_NO_LEAKS
	parallel files_worker
}

# ---------------------------------------------------------------------------
# Part 7: a root (sudo) write of a user's database. The database, its store
# and its lock stay the user's (owner, group, mode), a store or lock that root
# creates is the user's, and the user can go on writing. Needs root: skipped
# (said so) otherwise, failed under CI=true.

OWNER_UID=65534	# nobody

# Runs the binary as the user in DIR; sets rc.
as_user() {
	local dir=$1
	shift
	(cd "$dir" && exec setpriv --reuid="$OWNER_UID" --regid="$OWNER_UID" --clear-groups \
		timeout -k 5 "$HANG_SECONDS" "$WGM" "$@") </dev/null >"$io.out" 2>"$io.err"
	rc=$?
}

as_root() {
	local dir=$1
	shift
	(cd "$dir" && exec timeout -k 5 "$HANG_SECONDS" "$WGM" "$@") </dev/null >"$io.out" 2>"$io.err"
	rc=$?
}

# PASS/FAIL NAME: every file of the database in DIR is the user's, mode 600.
owner_ok() {
	local name=$1 dir=$2 f bad=()
	for f in database.csv database.csv.psk .database.csv.lock; do
		[[ -e $dir/$f ]] || continue
		[[ $(stat -c '%u:%g %a' "$dir/$f") == "$OWNER_UID:$OWNER_UID 600" ]] ||
			bad+=("$f is $(stat -c '%U:%G %a' "$dir/$f")")
	done
	if ((rc != 0)); then
		echo "FAIL owner: $name: exit $rc"
		head -n3 "$io.err" | sed 's/^/    /'
	elif ((${#bad[@]})); then
		echo "FAIL owner: $name: ${bad[*]}"
	else
		echo "PASS owner: $name"
	fi
}

part_owner() {
	local dir=$TMP/owner io=$TMP/io.owner cmd words
	echo "== root (sudo) writes of a user's database"
	if ((EUID != 0)) || ! command -v setpriv >/dev/null; then
		if [[ ${CI:-} == true ]]; then
			echo "FAIL owner: needs root and setpriv (CI=true: must not be skipped)"
			failed=$((failed + 1))
		else
			echo "SKIP owner: needs root and setpriv (util-linux)"
			skipped=$((skipped + 1))
		fi
		return
	fi
	local -x ASAN_OPTIONS=$ASAN_NO_LEAKS
	# The user must reach the folder: $TMP is root's, 0700.
	chmod 711 "$TMP"
	mkdir "$dir"
	cp "$HERE/seed4.csv" "$dir/database.csv"
	chmod 600 "$dir/database.csv"
	chown -R "$OWNER_UID:$OWNER_UID" "$dir"
	as_user "$dir" genconfig --psk -o out
	tally < <(owner_ok "the user's genconfig --psk" "$dir")
	# Every writer, as root, in turn; after each the files are still the user's
	# and the user can still write.
	for cmd in "addpeer paris1 --address 10.5.0.1/16" "updatepeer paris1 --endpoint p.example.com" \
		"genconfig --psk -o out" "rotate --psk paris1" "rotate tokyo1" "delpeer paris1" \
		"init --psk"; do
		read -ra words <<<"$cmd"
		as_root "$dir" "${words[@]}"
		tally < <(owner_ok "root: $cmd" "$dir")
		as_user "$dir" updatepeer tokyo1 --endpoint "t$RANDOM.example.com"
		tally < <(owner_ok "the user after root's $cmd: updatepeer" "$dir")
	done
	# A store and a lock that root creates.
	rm -f "$dir/database.csv.psk" "$dir/.database.csv.lock"
	as_root "$dir" genconfig --psk -o out
	tally < <(owner_ok "root creates the store and the lock" "$dir")
	# A lock that a root run of an older version left is given back.
	chown 0:0 "$dir/.database.csv.lock"
	as_root "$dir" updatepeer tokyo1 --endpoint tokyo1.com
	tally < <(owner_ok "root gives back a lock of root's" "$dir")
	as_user "$dir" addpeer rome1 --address 10.6.0.1/16
	tally < <(owner_ok "the user adds a peer at the end" "$dir")
	# The user's chmod of the database and the store stays.
	chmod 640 "$dir/database.csv" "$dir/database.csv.psk"
	as_root "$dir" genconfig --psk -o out
	as_root "$dir" updatepeer rome1 --endpoint rome1.com
	if [[ $(stat -c %a "$dir/database.csv") == 640 && $(stat -c %a "$dir/database.csv.psk") == 640 ]]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL owner: root changed the modes: $(stat -c '%n %a' "$dir/database.csv" "$dir/database.csv.psk" | tr '\n' ' ')"
	fi
	chmod 700 "$TMP"
}

# ---------------------------------------------------------------------------
# Part 9: import. The valid databases here (seed4.csv, the 200 peers of the crash
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
	((${#parts[@]})) || parts=(baddb cmdline probes files owner crash concurrency genkill import)
	for part in "${parts[@]}"; do
		start=$SECONDS
		case $part in
		baddb | cmdline) "part_$part" ;;
		probes | files | owner | crash | concurrency | genkill | import) "part_$part" ;;
		*)
			echo "run.sh: unknown part $part" >&2
			exit 2
			;;
		esac
		echo "   ($part: $((SECONDS - start)) s)"
	done
	if ((skipped)); then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	((failed == 0))
}

main "$@"
