#!/usr/bin/env bash
# The uci format, read as `uci batch` reads it. Debian has no uci (libuci is
# OpenWrt's; `apt-cache search uci` finds none), so this script carries its own
# strict reader of the batch syntax, after uci's cli.c and file.c: arguments
# split at white space, '...' literal, "..." and bare text taking \x as x, a
# '#' outside quotes ending the line; commands set and add_list of
# network.SECTION[.OPTION]=VALUE with names of [A-Za-z0-9_] only; set X=''
# deleting a section when there is one. It applies each script to an
# in-memory /etc/config/network and checks what the router would hold
# against the wg-quick file of the same peer: interface, keys, addresses,
# every peer once, endpoints, AllowedIPs, keepalive. Applying a script twice,
# or over the script of an older database, must give what applying it once
# to an empty configuration gives.
# Usage: tests/formats/uci.sh   (WG_MESHCONF: the binary)
set -u
export LC_ALL=C
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WGM=${WG_MESHCONF:-$REPO/build/san/wg-meshconf}
CASES=$REPO/tests/cli/cases
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# --- the reader -------------------------------------------------------------

# Splits one line into ARGS as uci_parse_argument does; 1 when the line is
# not what the format may write (an open quote, a bare # or ; inside an
# argument, which uci would read as the end of the command).
split_line() {
	local line=$1 i=0 n=${#1} c arg
	ARGS=()
	while :; do
		while ((i < n)) && [[ ${line:i:1} == [\ $'\t'] ]]; do i=$((i + 1)); done
		((i < n)) || return 0
		[[ ${line:i:1} == '#' ]] && return 0
		arg=''
		while ((i < n)) && [[ ${line:i:1} != [\ $'\t'] ]]; do
			c=${line:i:1}
			case $c in
			"'")
				i=$((i + 1))
				while ((i < n)) && [[ ${line:i:1} != "'" ]]; do arg+=${line:i:1}; i=$((i + 1)); done
				((i < n)) || { WHY="unterminated '"; return 1; }
				i=$((i + 1)) ;;
			'"')
				i=$((i + 1))
				while ((i < n)) && [[ ${line:i:1} != '"' ]]; do
					[[ ${line:i:1} == '\' ]] && i=$((i + 1))
					arg+=${line:i:1}; i=$((i + 1))
				done
				((i < n)) || { WHY='unterminated "'; return 1; }
				i=$((i + 1)) ;;
			'#' | ';') WHY="bare $c inside an argument"; return 1 ;;
			'\') i=$((i + 1)); arg+=${line:i:1}; i=$((i + 1)) ;;
			*) arg+=$c; i=$((i + 1)) ;;
			esac
		done
		ARGS+=("$arg")
	done
}

# The configuration: TYPE[section], OPT[section.option] (a list's items are
# joined by a newline, which no value can hold).
declare -A TYPE OPT
declare -A ISLIST

reset_config() { TYPE=(); OPT=(); ISLIST=(); }

delete_section() {
	local k
	unset "TYPE[$1]"
	for k in "${!OPT[@]}"; do
		[[ $k == "$1".* ]] && { unset "OPT[$k]"; unset "ISLIST[$k]"; }
	done
	return 0
}

is_name() { [[ $1 =~ ^[A-Za-z0-9_]+$ ]]; }

# Applies one batch script to the configuration; 1 (with WHY) at its first
# line that uci would refuse or that this format must never write.
apply() {
	local file=$1 line no=0 cmd ptr value sec opt
	while IFS= read -r line || [[ -n $line ]]; do
		no=$((no + 1))
		[[ $line == *$'\r'* ]] && { WHY="line $no: carriage return"; return 1; }
		split_line "$line" || { WHY="line $no: $WHY"; return 1; }
		((${#ARGS[@]})) || continue
		((${#ARGS[@]} == 2)) || { WHY="line $no: ${#ARGS[@]} arguments"; return 1; }
		cmd=${ARGS[0]} ptr=${ARGS[1]%%=*} value=${ARGS[1]#*=}
		[[ ${ARGS[1]} == *=* ]] || { WHY="line $no: no value"; return 1; }
		[[ $ptr == network.* ]] || { WHY="line $no: not the network package"; return 1; }
		ptr=${ptr#network.} sec=${ptr%%.*} opt=''
		[[ $ptr == *.* ]] && opt=${ptr#*.}
		is_name "$sec" || { WHY="line $no: section name '$sec'"; return 1; }
		[[ -z $opt ]] || is_name "$opt" || { WHY="line $no: option name '$opt'"; return 1; }
		case $cmd in
		set)
			if [[ -z $opt && -z $value ]]; then
				delete_section "$sec"
			elif [[ -z $opt ]]; then
				[[ $value =~ ^[!-~]+$ ]] || { WHY="line $no: section type '$value'"; return 1; }
				[[ -n ${TYPE[$sec]:-} ]] && { WHY="line $no: $sec made twice (not deleted first)"; return 1; }
				TYPE[$sec]=$value
			else
				[[ -n ${TYPE[$sec]:-} ]] || { WHY="line $no: option of no section"; return 1; }
				OPT[$sec.$opt]=$value
				unset "ISLIST[$sec.$opt]"
			fi ;;
		add_list)
			[[ -n $opt ]] || { WHY="line $no: add_list without option"; return 1; }
			[[ -n ${TYPE[$sec]:-} ]] || { WHY="line $no: list of no section"; return 1; }
			if [[ -n ${ISLIST[$sec.$opt]:-} ]]; then
				OPT[$sec.$opt]+=$'\n'$value
			else
				OPT[$sec.$opt]=$value
				ISLIST[$sec.$opt]=1
			fi ;;
		*) WHY="line $no: unknown command '$cmd'"; return 1 ;;
		esac
	done <"$file"
	return 0
}

# The configuration as sorted text, to compare two of them.
dump() {
	local k
	for k in "${!TYPE[@]}"; do printf 'T %s=%s\n' "$k" "${TYPE[$k]}"; done
	for k in "${!OPT[@]}"; do printf 'O %s=%s|%s\n' "$k" "${ISLIST[$k]:-0}" "${OPT[$k]//$'\n'/,}"; done
}

# --- the wg-quick file, the reference -----------------------------------------

# CONF[Interface.KEY] and CONF[NAME.KEY] for the [Peer] named NAME; PEERS: names.
declare -A CONF
read_conf() {
	local sect='' line key val
	CONF=() PEERS=()
	while IFS= read -r line; do
		case $line in
		'[Interface]') sect=Interface ;;
		'[Peer]') sect='' ;;
		'# Name: '*) [[ -z $sect ]] && { sect=${line#'# Name: '}; PEERS+=("$sect"); } ;;
		*' = '*) key=${line%% = *} val=${line#* = }; CONF[$sect.$key]=$val ;;
		esac
	done <"$1"
}

# "a, b" -> "a\nb"
items() { local s=${1//, /$'\n'}; printf '%s' "$s"; }

# Checks the configuration made by node's script against its wg-quick file.
check_node() {
	local ifname=$1 conf=$2 p sec found k n=0 host port want
	read_conf "$conf"
	[[ ${TYPE[$ifname]:-} == interface ]] || { WHY="no interface $ifname"; return 1; }
	[[ ${OPT[$ifname.proto]:-} == wireguard ]] || { WHY="proto"; return 1; }
	[[ ${OPT[$ifname.private_key]:-} == "${CONF[Interface.PrivateKey]}" ]] || { WHY="private_key"; return 1; }
	[[ ${OPT[$ifname.listen_port]:-} == "${CONF[Interface.ListenPort]:-}" ]] || { WHY="listen_port"; return 1; }
	[[ ${OPT[$ifname.mtu]:-} == "${CONF[Interface.MTU]:-}" ]] || { WHY="mtu"; return 1; }
	[[ ${OPT[$ifname.addresses]:-} == "$(items "${CONF[Interface.Address]}")" ]] ||
		{ WHY="addresses '${OPT[$ifname.addresses]:-}'"; return 1; }
	for k in "${!TYPE[@]}"; do [[ ${TYPE[$k]} == "wireguard_$ifname" ]] && n=$((n + 1)); done
	((n == ${#PEERS[@]})) || { WHY="$n peer sections for ${#PEERS[@]} peers"; return 1; }
	for p in "${PEERS[@]}"; do
		found=''
		for sec in "${!TYPE[@]}"; do
			[[ ${TYPE[$sec]} == "wireguard_$ifname" && ${OPT[$sec.description]:-} == "$p" ]] || continue
			[[ -z $found ]] || { WHY="peer $p twice"; return 1; }
			found=$sec
		done
		[[ -n $found ]] || { WHY="no section for peer $p"; return 1; }
		sec=$found
		[[ ${OPT[$sec.public_key]:-} == "${CONF[$p.PublicKey]}" ]] || { WHY="$p: public_key"; return 1; }
		[[ ${OPT[$sec.preshared_key]:-} == "${CONF[$p.PresharedKey]:-}" ]] || { WHY="$p: preshared_key"; return 1; }
		[[ ${OPT[$sec.persistent_keepalive]:-} == "${CONF[$p.PersistentKeepalive]:-}" ]] ||
			{ WHY="$p: persistent_keepalive"; return 1; }
		[[ ${OPT[$sec.allowed_ips]:-} == "$(items "${CONF[$p.AllowedIPs]}")" && -n ${ISLIST[$sec.allowed_ips]:-} ]] ||
			{ WHY="$p: allowed_ips"; return 1; }
		[[ ${OPT[$sec.route_allowed_ips]:-} == 1 ]] || { WHY="$p: route_allowed_ips"; return 1; }
		want=${CONF[$p.Endpoint]:-}
		host=${OPT[$sec.endpoint_host]:-} port=${OPT[$sec.endpoint_port]:-}
		# wireguard.sh brackets a host with a colon and appends the port.
		[[ $host == *:* ]] && host="[$host]"
		[[ ${host:+$host:$port} == "$want" ]] || { WHY="$p: endpoint '$host' '$port' for '$want'"; return 1; }
	done
	return 0
}

# --- the cases ----------------------------------------------------------------

# run_db NAME DATABASE_FOLDER [genconfig options]: renders uci and wg-quick
# files and checks every .uci file.
run_db() {
	local name=$1 src=$2 dir=$TMP/$1 f conf ifname once
	shift 2
	mkdir -p "$dir" && cp "$src"/database.csv* "$dir"/ && chmod 600 "$dir"/database.csv*
	if ! (cd "$dir" && "$WGM" genconfig --format uci,wg-quick "$@" >/dev/null 2>"$dir/err"); then
		bad "$name: genconfig: $(cat "$dir/err")"
		return
	fi
	for f in "$dir"/output/*.uci "$dir"/output/*/*.uci; do
		[[ -e $f ]] || continue
		conf=${f%.uci}.conf
		ifname=$(basename "${f%.uci}")
		reset_config
		if ! apply "$f"; then bad "$name: ${f#"$dir"/}: $WHY"; continue; fi
		if ! check_node "$ifname" "$conf"; then bad "$name: ${f#"$dir"/}: $WHY"; continue; fi
		once=$(dump | sort)
		if ! apply "$f" || [[ $(dump | sort) != "$once" ]]; then
			bad "$name: ${f#"$dir"/}: applied twice, the configuration differs"
			continue
		fi
		ok "$name: ${f#"$dir"/}"
	done
}

[[ -x $WGM ]] || { echo "FAIL no binary $WGM"; echo "0 passed, 1 failed"; exit 1; }
run_db tutorial "$CASES/1650-genconfig-uci-tutorial/before"
run_db dual-stack-psk-no-endpoint "$CASES/1652-genconfig-uci-mikrotik-dual-stack-psk/before"
run_db hostile-names "$CASES/1662-genconfig-uci-mikrotik-hostile-names/before" --interface wg0
run_db relay "$CASES/1622-genconfig-relay-every-format/before"
run_db relay-ipv4 "$CASES/1623-genconfig-relay-ipv4-every-format/before"

# A script over the one of an older database: the mesh had preshared keys, an
# MTU and a keepalive; now it has none of them, and nothing of them is left.
old=$TMP/older new=$TMP/newer
mkdir -p "$old" "$new"
cp "$CASES/1652-genconfig-uci-mikrotik-dual-stack-psk/before/"database.csv* "$old"/
sed -e 's/"1380"/""/' -e 's/"25"/""/' "$old/database.csv" >"$new/database.csv"
chmod 600 "$old"/database.csv* "$new"/database.csv
if (cd "$old" && "$WGM" genconfig --format uci >/dev/null 2>&1) &&
	(cd "$new" && "$WGM" genconfig --format uci,wg-quick --no-psk >/dev/null 2>&1); then
	for f in "$new"/output/*.uci; do
		n=$(basename "$f")
		reset_config
		if apply "$old/output/$n" && apply "$f" && check_node "${n%.uci}" "${f%.uci}.conf"; then
			over=$(dump | sort)
			reset_config
			apply "$f"
			if [[ $(dump | sort) == "$over" ]]; then ok "older then newer: $n"
			else bad "older then newer: $n: something of the older script is left"; fi
		else
			bad "older then newer: $n: $WHY"
		fi
	done
else
	bad "older then newer: genconfig failed"
fi

# The reader itself refuses what uci would read otherwise.
for line in "set network.a.b='x" "set network.a-b=interface" "set network.a.b=x#y" \
	"del network.a" "set network.a.b='x' extra" "set network.a.b" "set network.a.b-c='x'"; do
	printf '%s\n' "$line" >"$TMP/bad.uci"
	reset_config
	TYPE[a]=interface
	if apply "$TMP/bad.uci"; then bad "reader accepts: $line"; else ok "reader refuses: $line"; fi
done

echo "$passed passed, $failed failed"
((failed == 0))
