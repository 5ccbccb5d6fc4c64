# zsh -f zsh-complete.zsh FPATH_DIR LINE: prints, one a line, the matches that
# zsh's completion system (compinit, with FPATH_DIR first in fpath) offers
# when Tab is pressed after LINE in an interactive shell on a pseudo-terminal.
# compadd is wrapped to print what each call adds.
zmodload zsh/zpty || exit 2
zpty z zsh -f -i
zpty -w z "PROMPT= ; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z 'compadd () {
	local -a __hits
	builtin compadd -O __hits "$@"
	(( $#__hits )) && print -rl -- "HIT:"${^__hits}
	builtin compadd "$@"
}'
zpty -w z 'print -r -- START'
zpty -r z line '*START*'
zpty -r z line '*START*'
zpty -w -n z "$2"$'\t'
# Then a new line (Ctrl-U clears the one typed) whose output marks the end.
sleep 1
zpty -w z $'\C-u''print -r -- END'
while zpty -r z line; do
	line=${${line//$'\r'}//$'\n'}
	[[ $line == *END* ]] && break
	[[ $line == *HIT:* ]] && print -r -- ${line##*HIT:}
done
zpty -d z
