#!/usr/bin/env bash
# Golden tests of the wg-meshconf command line; see tests/cli/README.md.
#
#   WG_MESHCONF=/abs/path/wg-meshconf tests/cli/run.sh [--update] [CASE...]
#
# CASE is a folder name under tests/cli/cases/, or a prefix of some (6 for
# every genconfig case). WG_MESHCONF defaults to build/san/wg-meshconf.
# --update rewrites the expected files of the selected cases from what the
# binary does now: review every change (git diff) before keeping it.
# CLI_JOBS sets how many cases run at once (default: 2 per CPU).
# Ends with one line "N passed, N failed"; exit 0 only when none failed.
set -u
shopt -s globstar dotglob nullglob
export LC_ALL=C

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
CASES=$HERE/cases

update=0
if [[ ${1-} == --update ]]; then
	update=1
	shift
fi

WGM=${WG_MESHCONF:-$REPO/build/san/wg-meshconf}
[[ $WGM == /* ]] || WGM=$PWD/$WGM
if [[ ! -x $WGM || -d $WGM ]]; then
	echo "run.sh: $WGM: no such executable (build it: make build/san/wg-meshconf)" >&2
	exit 2
fi
JOBS=${CLI_JOBS:-$(($(nproc 2>/dev/null || echo 1) * 2))}

RESULTS=$(mktemp -d "${TMPDIR:-/tmp}/wgm-cli.XXXXXX") || exit 2
trap 'chmod -R u+rwx "$RESULTS" 2>/dev/null; rm -rf "$RESULTS"' EXIT
trap 'exit 130' INT TERM

# diff -u with stable labels; prints nothing when the files are equal.
show_diff() { diff -u --label "expected $3" --label "actual $3" "$1" "$2"; }

# Every entry but folders, hidden lock files and the output folders' manifest
# (cases that check it print it) under $1, relative, sorted.
# Builtins only here and below where it matters: forks make a suite slow.
tree_files() {
	local f
	for f in "$1"/**; do
		[[ -d $f && ! -L $f ]] && continue
		[[ ${f##*/} == .*.lock || ${f##*/} == .wg-meshconf-manifest ]] && continue
		[[ -e $f || -L $f ]] && printf '%s\n' "${f#"$1"/}"
	done
}

# Whether two files have the same bytes. Without a fork for text: `read`
# stops at a NUL byte (status 0), and then `cmp` decides.
same_bytes() {
	local a b
	IFS= read -r -d '' a <"$1" && { cmp -s "$1" "$2"; return; }
	IFS= read -r -d '' b <"$2" && { cmp -s "$1" "$2"; return; }
	[[ $a == "$b" ]]
}

# Runs one case in the folder $RESULTS/NAME.work, its outputs beside it as
# $RESULTS/NAME.*: NAME.report lists what differs, NAME.complete says that the
# case got to the end. With --update, rewrites its expected files first (the
# comparison then still catches an `unchanged` case that changed its files).
run_case() {
	local case=$1 name base work rc exp_status exp_tree report f line path mode
	local -A modes=()
	name=${case##*/}
	base=$RESULTS/$name
	work=$base.work
	report=$base.report
	: >"$report"

	# Git keeps no modes: files of before/ start as 0600 and folders as 0700
	# (umask 077 on a copy), as the tool creates them; a cmd may chmod.
	umask 077
	if [[ -d $case/before ]]; then
		cp -R "$case/before" "$work"
	else
		mkdir "$work"
	fi
	umask 022

	cd "$work" || return
	env -i PATH="$PATH" HOME="$work" TERM=dumb NO_COLOR=1 LC_ALL=C.UTF-8 \
		${ASAN_OPTIONS+ASAN_OPTIONS="$ASAN_OPTIONS"} \
		${UBSAN_OPTIONS+UBSAN_OPTIONS="$UBSAN_OPTIONS"} \
		${LSAN_OPTIONS+LSAN_OPTIONS="$LSAN_OPTIONS"} \
		WGM="$WGM" timeout 60 bash --noprofile --norc "$case/cmd" \
		</dev/null >"$base.stdout" 2>"$base.stderr"
	rc=$?
	cd "$RESULTS" || return
	echo "$rc" >"$base.status"
	tree_files "$work" >"$base.files"

	# Modes first: nothing has touched the tree yet.
	if [[ -f $case/modes ]]; then
		while read -r mode path; do
			modes[$path]=$mode
		done < <(find "$work" -mindepth 1 -printf '%m %P\n')
	fi

	# The filter (a sed -E script) applies to the outputs and to every file.
	if [[ -f $case/filter ]]; then
		local files=("$base.stdout" "$base.stderr")
		while IFS= read -r f; do
			[[ -f $work/$f && ! -L $work/$f ]] && files+=("$work/$f")
		done <"$base.files"
		sed -i -E -f "$case/filter" "${files[@]}"
	fi

	((update)) && update_case "$case" "$base"

	for f in stdout stderr; do
		if [[ -f $case/$f ]]; then
			same_bytes "$case/$f" "$base.$f" || show_diff "$case/$f" "$base.$f" "$f" >>"$report"
		elif [[ -s $base.$f ]]; then
			show_diff /dev/null "$base.$f" "$f" >>"$report"
		fi
	done
	exp_status=0
	[[ -f $case/status ]] && read -r exp_status <"$case/status"
	[[ $exp_status == "$rc" ]] || echo "exit status: expected $exp_status, actual $rc" >>"$report"

	# The whole tree afterwards: after/, or before/ for an `unchanged` case.
	exp_tree=
	if [[ -f $case/unchanged ]]; then
		exp_tree=$case/before
		[[ -d $exp_tree ]] || { exp_tree=$base.empty; mkdir "$exp_tree"; }
	elif [[ -d $case/after ]]; then
		exp_tree=$case/after
	fi
	if [[ -n $exp_tree ]]; then
		tree_files "$exp_tree" >"$base.expected-files"
		same_bytes "$base.expected-files" "$base.files" ||
			show_diff "$base.expected-files" "$base.files" "list of files" >>"$report"
		while IFS= read -r f; do
			[[ -f $work/$f ]] || continue
			same_bytes "$exp_tree/$f" "$work/$f" ||
				show_diff "$exp_tree/$f" "$work/$f" "$f" >>"$report"
		done <"$base.expected-files"
	fi

	# Modes: "path mode" lines, for files and folders alike.
	if [[ -f $case/modes ]]; then
		while IFS= read -r line; do
			[[ -z $line || $line == \#* ]] && continue
			path=${line% *} mode=${line##* }
			[[ ${modes[$path]-missing} == "$mode" ]] ||
				echo "mode of $path: expected $mode, actual ${modes[$path]-(missing)}" >>"$report"
		done <"$case/modes"
	fi
	: >"$base.complete"
}

# --update: the expected files from the actual (filtered) ones.
update_case() {
	local case=$1 base=$2 f line path mode
	for f in stdout stderr; do
		if [[ -s $base.$f ]]; then cp "$base.$f" "$case/$f"; else rm -f "$case/$f"; fi
	done
	cp "$base.status" "$case/status"
	if [[ ! -f $case/unchanged ]] && [[ -d $case/after || -s $base.files ]]; then
		rm -rf "$case/after"
		if [[ -s $base.files ]]; then
			mkdir -p "$case/after"
			(cd "$base.work" && tr '\n' '\0' <"$base.files" |
				xargs -0 cp --parents -P -t "$case/after")
		fi
	fi
	if [[ -f $case/modes ]]; then
		while IFS= read -r line; do
			if [[ -z $line || $line == \#* ]]; then
				echo "$line"
			else
				path=${line% *} mode=${line##* }
				echo "$path ${modes[$path]-$mode}"
			fi
		done <"$case/modes" >"$base.modes"
		mv "$base.modes" "$case/modes"
	fi
}

selected=()
if (($#)); then
	for arg in "$@"; do
		arg=${arg%/}
		arg=${arg##*/}
		found=0
		for c in "$CASES/$arg"*/; do
			[[ -f $c/cmd ]] || continue
			selected+=("${c%/}")
			found=1
		done
		((found)) || { echo "run.sh: no case matches $arg" >&2; exit 2; }
	done
else
	for c in "$CASES"/*/; do
		[[ -f $c/cmd ]] && selected+=("${c%/}")
	done
fi

# Cases run JOBS at a time; the reports come out in order.
running=0
for c in "${selected[@]}"; do
	if ((running >= JOBS)); then
		wait -n
		running=$((running - 1))
	fi
	run_case "$c" &
	running=$((running + 1))
done
wait

passed=0 failed=0
for c in "${selected[@]}"; do
	name=${c##*/}
	if [[ -f $RESULTS/$name.complete && ! -s $RESULTS/$name.report ]]; then
		if ((update)); then echo "updated $name"; else echo "ok   $name"; fi
		passed=$((passed + 1))
	else
		echo "FAIL $name"
		[[ -f $RESULTS/$name.complete ]] || echo "    (the case did not finish)"
		[[ -f $RESULTS/$name.report ]] && sed 's/^/    /' "$RESULTS/$name.report"
		failed=$((failed + 1))
	fi
done
((update)) && echo "now review the changes: git diff -- tests/cli/cases" >&2
echo "$passed passed, $failed failed"
((failed == 0))
