# bash completion for wg-meshconf. Everything it offers comes from the binary
# itself (`wg-meshconf __complete ...`, the tables its option parsers use), so a
# new command or option is completed without a change here.

# The peer names that start with $cur. Read and compared literally: the names
# come from a database, and compgen -W would expand $(...) in them.
_wg_meshconf_peers() {
	local name
	while IFS= read -r name; do
		[[ $name == "$cur"* ]] && COMPREPLY+=("$name")
	done < <("$wgm" "${db[@]}" __complete peers 2>/dev/null)
}

_wg_meshconf() {
	local cur prev words cword split cmd="" db=() i kind
	local wgm=${1:-wg-meshconf}
	wgm=${wgm/#\~/$HOME}
	_init_completion -s || return

	# The global -d/--database and the command name.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-d | --database) db=(-d "${words[i + 1]}"); ((i++)) ;;
		--database=*) db=(-d "${words[i]#*=}") ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	# The value of the option before the cursor (--opt VALUE or --opt=VALUE).
	if [[ $prev == -* ]]; then
		kind=$("$wgm" __complete options ${cmd:+"$cmd"} 2>/dev/null |
			awk -F'\t' -v o="$prev" '$1 == o { print $2 }')
		case $kind in
		dir) _filedir -d; return ;;
		file) _filedir; return ;;
		format)
			local pre=""
			[[ $cur == *,* ]] && pre=${cur%,*},
			COMPREPLY=($(compgen -P "$pre" -W "$("$wgm" __complete formats 2>/dev/null)" -- "${cur##*,}"))
			return ;;
		peer) _wg_meshconf_peers; return ;;
		value) return ;;
		esac
	fi
	$split && return

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$("$wgm" __complete options 2>/dev/null | cut -f1)" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$("$wgm" __complete commands 2>/dev/null | cut -f1)" -- "$cur"))
		fi
		return
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$("$wgm" __complete options "$cmd" 2>/dev/null | cut -f1)" -- "$cur"))
		return
	fi
	case $("$wgm" __complete positional "$cmd" 2>/dev/null) in
	peer) _wg_meshconf_peers ;;
	file) _filedir ;;
	dir) _filedir -d ;;
	esac
}
complete -F _wg_meshconf wg-meshconf
