# bash completion for wg-meshconf. Everything it offers comes from the binary
# itself (`wg-meshconf __complete ...`, the tables its option parsers use), so a
# new command or option is completed without a change here.

_wg_meshconf() {
	local cur prev words cword cmd="" db=() i kind
	_init_completion -n = || return

	# The global -d/--database and the command name.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		-d | --database) db=(-d "${words[i + 1]}"); ((i++)) ;;
		--database=*) db=(-d "${words[i]#*=}") ;;
		-*) ;;
		*) cmd=${words[i]}; break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		case $prev in
		-d | --database) _filedir csv; return ;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-d --database -h --help --version" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$(wg-meshconf __complete commands 2>/dev/null | cut -f1)" -- "$cur"))
		fi
		return
	fi

	# The value of the option before the cursor.
	if [[ $prev == -* ]]; then
		kind=$(wg-meshconf __complete options "$cmd" 2>/dev/null | awk -F'\t' -v o="$prev" '$1 == o {print $2}')
		case $kind in
		dir) _filedir -d; return ;;
		file) _filedir; return ;;
		format) COMPREPLY=($(compgen -W "$(wg-meshconf __complete formats 2>/dev/null)" -- "${cur##*,}")); return ;;
		peer) COMPREPLY=($(compgen -W "$(wg-meshconf "${db[@]}" __complete peers 2>/dev/null)" -- "$cur")); return ;;
		value) return ;;
		esac
	fi
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(wg-meshconf __complete options "$cmd" 2>/dev/null | cut -f1)" -- "$cur"))
		return
	fi
	case $(wg-meshconf __complete positional "$cmd" 2>/dev/null) in
	peer) COMPREPLY=($(compgen -W "$(wg-meshconf "${db[@]}" __complete peers 2>/dev/null)" -- "$cur")) ;;
	file) _filedir ;;
	esac
}
complete -F _wg_meshconf wg-meshconf
