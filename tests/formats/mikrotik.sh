#!/usr/bin/env bash
# The mikrotik format, read as RouterOS would import it. No RouterOS runs
# here, so this script carries a strict reader of the RouterOS scripting
# syntax the format writes (the scripting manual's "Constant Escape
# Sequences": \" \\ \$ \? and \XX in capital hex; a bare $ or ? is a variable
# or the console's help) and of the commands it may write, applies each
# script to an in-memory router (WireGuard interfaces and peers, IPv4 and
# IPv6 addresses and routes, routing tables) and checks what the router holds
# against the wg-quick file of the same peer: every peer of the mesh once,
# keys, allowed-address as the model says, endpoints, keepalive, addresses,
# and a route for exactly the networks outside the connected subnets.
# Importing a script twice, or over the script of an older database, must
# give what importing it once gives.
# Usage: tests/formats/mikrotik.sh   (WG_MESHCONF: the binary)
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

# Replaces every string constant of the line by @N (STR[N] its decoded text)
# into SKEL; 1 (with WHY) for a bare $, ? or \, an unknown escape, a byte
# outside printable ASCII or an open string.
declare -a STR
tokenize() {
	local line=$1 i=0 n=${#1} c s h
	SKEL='' STR=()
	while ((i < n)); do
		c=${line:i:1}
		if [[ $c == '"' ]]; then
			s='' i=$((i + 1))
			while :; do
				((i < n)) || { WHY='open string'; return 1; }
				c=${line:i:1}
				[[ $c == '"' ]] && break
				[[ $c == [\ -~] ]] || { WHY='raw byte in a string'; return 1; }
				[[ $c == [\$\?] ]] && { WHY="bare $c in a string"; return 1; }
				if [[ $c == '\' ]]; then
					c=${line:i+1:1}
					if [[ $c == [\"\\\$\?] ]]; then
						s+=$c i=$((i + 2))
					elif [[ ${line:i+1:2} =~ ^[0-9A-F]{2}$ ]]; then
						printf -v h "\\x${line:i+1:2}"
						s+=$h i=$((i + 3))
					else
						WHY="unknown escape \\$c"; return 1
					fi
				else
					s+=$c i=$((i + 1))
				fi
			done
			i=$((i + 1))
			SKEL+="@${#STR[@]}"
			STR+=("$s")
		else
			[[ $c == [\$\?\\] ]] && { WHY="bare $c"; return 1; }
			[[ $c == [\ -~] ]] || { WHY='raw byte'; return 1; }
			SKEL+=$c i=$((i + 1))
		fi
	done
}

# "k=v k=v" into PROP[k] (strings decoded); 1 for a repeated or unknown key.
declare -A PROP
props() {
	local allowed=" $2 " kv k v
	PROP=()
	for kv in $1; do
		[[ $kv =~ ^([a-z-]+)=(@[0-9]+|[A-Za-z0-9.:/,]+)$ ]] || { WHY="property '$kv'"; return 1; }
		k=${BASH_REMATCH[1]} v=${BASH_REMATCH[2]}
		[[ $allowed == *" $k "* ]] || { WHY="unknown property $k"; return 1; }
		[[ -z ${PROP[$k]+set} ]] || { WHY="$k twice"; return 1; }
		[[ $v == @* ]] && v=${STR[${v#@}]}
		PROP[$k]=$v
	done
}

# The router. IFACE[name]="listen-port|mtu|private-key|comment"; the lists
# hold one record per item, fields joined by |, which no value here holds.
declare -A IFACE TABLE
PEERS=() ADDR=() ROUTE=() FWD=''
reset_router() { IFACE=(); TABLE=(); PEERS=(); ADDR=(); ROUTE=(); FWD=''; }

# remove_where ARRAY FIELD VALUE: drops the records whose field is value.
remove_where() {
	local -n list=$1
	local keep=() r f
	for r in "${list[@]}"; do
		IFS='|' read -r -a f <<<"$r"
		[[ ${f[$2]} == "$3" ]] || keep+=("$r")
	done
	list=("${keep[@]}")
}

# family_ok ip|ipv6 NET: the menu is the network's family's.
family_ok() { [[ ($1 == ip && $2 != *:*) || ($1 == ipv6 && $2 == *:*) ]]; }

apply() {
	local file=$1 line no=0 s1 fam f
	while IFS= read -r line || [[ -n $line ]]; do
		no=$((no + 1))
		[[ -z $line || $line == '#'* ]] && continue
		tokenize "$line" || { WHY="line $no: $WHY"; return 1; }
		if [[ $SKEL =~ ^':if ([:len [/interface wireguard find where name=@0]] = 0) do={ /interface wireguard add name=@1 }'$ ]]; then
			[[ ${STR[0]} == "${STR[1]}" ]] || { WHY="line $no: finds one name, adds another"; return 1; }
			[[ -n ${IFACE[${STR[0]}]+set} ]] || IFACE[${STR[0]}]='|1420||'
		elif [[ $SKEL =~ ^':if ([:len [/routing table find where name=@0]] = 0) do={ /routing table add name=@1 fib }'$ ]]; then
			[[ ${STR[0]} == "${STR[1]}" ]] || { WHY="line $no: finds one table, adds another"; return 1; }
			TABLE[${STR[0]}]=1
		elif [[ $SKEL =~ ^'/interface wireguard set [find where name=@0]'(.*)$ ]]; then
			s1=${STR[0]}
			[[ -n ${IFACE[$s1]+set} ]] || { WHY="line $no: no interface $s1"; return 1; }
			props "${BASH_REMATCH[1]}" "listen-port mtu private-key comment" || { WHY="line $no: $WHY"; return 1; }
			IFS='|' read -r -a f <<<"${IFACE[$s1]}|"
			IFACE[$s1]="${PROP[listen-port]:-${f[0]}}|${PROP[mtu]:-${f[1]}}|${PROP[private-key]:-${f[2]}}|${PROP[comment]:-${f[3]}}"
		elif [[ $SKEL == ':if (![/ip settings get ip-forward]) do={ /ip settings set ip-forward=yes }' ]]; then
			[[ $FWD == *4* ]] || FWD+=4
		elif [[ $SKEL == ':if (![/ipv6 settings get forward]) do={ /ipv6 settings set forward=yes }' ]]; then
			[[ $FWD == *6* ]] || FWD+=6
		elif [[ $SKEL == '/interface wireguard peers remove [find where interface=@0]' ]]; then
			remove_where PEERS 0 "${STR[0]}"
		elif [[ $SKEL =~ ^/(ip|ipv6)' '(address|route)' remove [find where comment=@0]'$ ]]; then
			fam=${BASH_REMATCH[1]}
			if [[ ${BASH_REMATCH[2]} == address ]]; then remove_where ADDR 3 "$fam:${STR[0]}"
			else remove_where ROUTE 3 "$fam:${STR[0]}"; fi
		elif [[ $SKEL =~ ^/(ip|ipv6)' address add '(.*)$ ]]; then
			fam=${BASH_REMATCH[1]}
			props "${BASH_REMATCH[2]}" "address interface advertise comment" || { WHY="line $no: $WHY"; return 1; }
			[[ -n ${IFACE[${PROP[interface]:-}]+set} ]] || { WHY="line $no: address on no interface"; return 1; }
			[[ $fam == ip || ${PROP[advertise]:-} == no ]] || { WHY="line $no: IPv6 address advertised"; return 1; }
			family_ok "$fam" "${PROP[address]}" || { WHY="line $no: address of the other family"; return 1; }
			ADDR+=("${PROP[address]}|${PROP[interface]}|${PROP[advertise]:-}|$fam:${PROP[comment]:-}")
		elif [[ $SKEL =~ ^/(ip|ipv6)' route add '(.*)$ ]]; then
			fam=${BASH_REMATCH[1]}
			props "${BASH_REMATCH[2]}" "dst-address gateway routing-table comment" || { WHY="line $no: $WHY"; return 1; }
			[[ -z ${PROP[routing-table]:-} || -n ${TABLE[${PROP[routing-table]}]:-} ]] ||
				{ WHY="line $no: no routing table ${PROP[routing-table]}"; return 1; }
			family_ok "$fam" "${PROP[dst-address]}" || { WHY="line $no: route of the other family"; return 1; }
			ROUTE+=("${PROP[dst-address]}|${PROP[gateway]}|${PROP[routing-table]:-main}|$fam:${PROP[comment]:-}")
		elif [[ $SKEL =~ ^'/interface wireguard peers add'(.*)$ ]]; then
			props "${BASH_REMATCH[1]}" "interface name comment public-key preshared-key allowed-address endpoint-address endpoint-port persistent-keepalive" ||
				{ WHY="line $no: $WHY"; return 1; }
			[[ -n ${IFACE[${PROP[interface]:-}]+set} ]] || { WHY="line $no: peer of no interface"; return 1; }
			[[ ${PROP[endpoint-address]:-} != *[][]* ]] || { WHY="line $no: brackets in endpoint-address"; return 1; }
			[[ -z ${PROP[persistent-keepalive]:-} || ${PROP[persistent-keepalive]} =~ ^[0-9]+s$ ]] ||
				{ WHY="line $no: persistent-keepalive ${PROP[persistent-keepalive]}"; return 1; }
			PEERS+=("${PROP[interface]}|${PROP[name]:-}|${PROP[comment]:-}|${PROP[public-key]:-}|${PROP[preshared-key]:-}|${PROP[allowed-address]:-}|${PROP[endpoint-address]:-}|${PROP[endpoint-port]:-}|${PROP[persistent-keepalive]:-}")
		else
			WHY="line $no: unknown command: $SKEL"; return 1
		fi
	done <"$file"
}

dump() {
	local k
	for k in "${!IFACE[@]}"; do printf 'I %s=%s\n' "$k" "${IFACE[$k]}"; done
	for k in "${!TABLE[@]}"; do printf 'T %s\n' "$k"; done
	printf 'P %s\n' "${PEERS[@]}"
	printf 'A %s\n' "${ADDR[@]}"
	printf 'R %s\n' "${ROUTE[@]}"
	printf 'F %s\n' "$FWD"
}

# --- networks -------------------------------------------------------------------

# BITS: the address of a network as a string of 0 and 1; PLEN its prefix.
net_bits() {
	local a=${1%/*} b='' g x i groups=()
	PLEN=${1#*/}
	if [[ $a == *:* ]]; then
		local head=${a%%::*} tail='' n
		[[ $a == *::* ]] && tail=${a#*::}
		IFS=: read -r -a groups <<<"$head"
		if [[ $a == *::* ]]; then
			local t=()
			[[ -n $tail ]] && IFS=: read -r -a t <<<"$tail"
			n=$((8 - ${#groups[@]} - ${#t[@]}))
			for ((i = 0; i < n; i++)); do groups+=(0); done
			groups+=("${t[@]}")
		fi
		for g in "${groups[@]}"; do
			x=$((16#${g:-0}))
			for ((i = 15; i >= 0; i--)); do b+=$(((x >> i) & 1)); done
		done
	else
		IFS=. read -r -a groups <<<"$a"
		for g in "${groups[@]}"; do
			for ((i = 7; i >= 0; i--)); do b+=$(((g >> i) & 1)); done
		done
	fi
	BITS=$b
}

# covered NET SUBNET: the subnet holds the network.
covered() {
	local nb np sb sp
	net_bits "$1"; nb=$BITS np=$PLEN
	net_bits "$2"; sb=$BITS sp=$PLEN
	((${#nb} == ${#sb} && sp <= np)) && [[ ${nb:0:sp} == "${sb:0:sp}" ]]
}

# --- the wg-quick file, the reference -----------------------------------------

declare -A CONF
read_conf() {
	local sect='' line
	CONF=() NAMES=()
	while IFS= read -r line; do
		case $line in
		'[Interface]') sect=Interface ;;
		'[Peer]') sect='' ;;
		'# Name: '*) [[ -z $sect ]] && { sect=${line#'# Name: '}; NAMES+=("$sect"); } ;;
		*' = '*) CONF[$sect.${line%% = *}]=${line#* = } ;;
		esac
	done <"$1"
}

sorted() { tr ',' '\n' <<<"$1" | sed '/^$/d' | sort | tr '\n' ' '; }

check_node() {
	local ifname=$1 r f p found want addrs=() nets=() routes=() net a cov
	read_conf "$2"
	[[ -n ${IFACE[$ifname]+set} ]] || { WHY="no interface $ifname"; return 1; }
	IFS='|' read -r -a f <<<"${IFACE[$ifname]}|"
	[[ ${f[0]} == "${CONF[Interface.ListenPort]:-}" ]] || { WHY="listen-port"; return 1; }
	[[ ${f[1]} == "${CONF[Interface.MTU]:-1420}" ]] || { WHY="mtu ${f[1]}"; return 1; }
	[[ ${f[2]} == "${CONF[Interface.PrivateKey]}" ]] || { WHY="private-key"; return 1; }
	for r in "${ADDR[@]}"; do
		IFS='|' read -r -a f <<<"$r"
		[[ ${f[1]} == "$ifname" ]] && addrs+=("${f[0]}")
	done
	want=${CONF[Interface.Address]//, /,}
	[[ $(sorted "$(IFS=,; echo "${addrs[*]}")") == "$(sorted "$want")" ]] || { WHY="addresses ${addrs[*]}"; return 1; }
	local n=0
	for r in "${PEERS[@]}"; do [[ ${r%%|*} == "$ifname" ]] && n=$((n + 1)); done
	((n == ${#NAMES[@]})) || { WHY="$n peers for ${#NAMES[@]}"; return 1; }
	for p in "${NAMES[@]}"; do
		found=''
		for r in "${PEERS[@]}"; do
			IFS='|' read -r -a f <<<"$r"
			[[ ${f[0]} == "$ifname" && ${f[1]} == "$p" ]] || continue
			[[ -z $found ]] || { WHY="peer $p twice"; return 1; }
			found=$r
		done
		[[ -n $found ]] || { WHY="no peer $p"; return 1; }
		IFS='|' read -r -a f <<<"$found|"
		[[ ${f[2]} == "$p" ]] || { WHY="$p: comment"; return 1; }
		[[ ${f[3]} == "${CONF[$p.PublicKey]}" ]] || { WHY="$p: public-key"; return 1; }
		[[ ${f[4]} == "${CONF[$p.PresharedKey]:-}" ]] || { WHY="$p: preshared-key"; return 1; }
		[[ ${f[5]} == "${CONF[$p.AllowedIPs]//, /,}" ]] || { WHY="$p: allowed-address ${f[5]}"; return 1; }
		want=${CONF[$p.Endpoint]:-}
		if [[ -n $want ]]; then
			a=${want%:*} a=${a#[} a=${a%]}
			[[ ${f[6]} == "$a" && ${f[7]} == "${want##*:}" ]] || { WHY="$p: endpoint ${f[6]} ${f[7]}"; return 1; }
		else
			[[ -z ${f[6]}${f[7]} ]] || { WHY="$p: an endpoint"; return 1; }
		fi
		want=${CONF[$p.PersistentKeepalive]:-0}
		[[ ${f[8]:-0s} == "${want}s" ]] || { WHY="$p: keepalive ${f[8]}"; return 1; }
		IFS=, read -r -a nets <<<"${f[5]}"
		for net in "${nets[@]}"; do
			cov=''
			for a in "${addrs[@]}"; do covered "$net" "$a" && cov=1; done
			[[ -n $cov ]] || routes+=("$net")
		done
	done
	local got=()
	for r in "${ROUTE[@]}"; do
		IFS='|' read -r -a f <<<"$r"
		[[ ${f[1]} == "$ifname" ]] && got+=("${f[0]}")
	done
	[[ $(sorted "$(IFS=,; echo "${got[*]}")") == "$(sorted "$(IFS=,; echo "${routes[*]}")")" ]] ||
		{ WHY="routes '${got[*]}' for '${routes[*]}'"; return 1; }
	ROUTES=${#got[@]}
	# A relay forwards, as its wg-quick file's PostUp turns forwarding on.
	want=''
	grep -q '^PostUp = sysctl -q -w net.ipv4.conf.%i.forwarding=1$' "$2" && want+=4
	grep -q '^PostUp = .*sysctl -q -w net.ipv6.conf.all.forwarding=1$' "$2" && want+=6
	[[ $FWD == "$want" ]] || { WHY="forwarding '$FWD' for '$want'"; return 1; }
}

# --- the cases ----------------------------------------------------------------

# run_db NAME FOLDER MIN_ROUTES [genconfig options]
run_db() {
	local name=$1 src=$2 min=$3 dir=$TMP/$1 f once
	shift 3
	mkdir -p "$dir" && cp "$src"/database.csv* "$dir"/ && chmod 600 "$dir"/database.csv*
	if ! (cd "$dir" && "$WGM" genconfig --format mikrotik,wg-quick "$@" >/dev/null 2>"$dir/err"); then
		bad "$name: genconfig: $(cat "$dir/err")"
		return
	fi
	for f in "$dir"/output/*.rsc "$dir"/output/*/*.rsc; do
		[[ -e $f ]] || continue
		reset_router
		if ! apply "$f" || ! check_node "$(basename "${f%.rsc}")" "${f%.rsc}.conf"; then
			bad "$name: ${f#"$dir"/}: $WHY"; continue
		fi
		((ROUTES >= min)) || { bad "$name: ${f#"$dir"/}: $ROUTES routes"; continue; }
		once=$(dump | sort)
		if ! apply "$f" || [[ $(dump | sort) != "$once" ]]; then
			bad "$name: ${f#"$dir"/}: imported twice, the router differs"; continue
		fi
		ok "$name: ${f#"$dir"/}"
	done
}

[[ -x $WGM ]] || { echo "FAIL no binary $WGM"; echo "0 passed, 1 failed"; exit 1; }
# Each tutorial peer has its own /16: a route to every other peer.
run_db tutorial "$CASES/1651-genconfig-mikrotik-tutorial/before" 3
# One /24 and /64: routes only to canada1's LAN, from the others.
run_db dual-stack-psk-no-endpoint "$CASES/1652-genconfig-uci-mikrotik-dual-stack-psk/before" 0
run_db hostile-names "$CASES/1662-genconfig-uci-mikrotik-hostile-names/before" 0 --interface wg0
# A relay and two peers behind NAT: the relay forwards (IPv4 and IPv6), and
# nas's LAN is routed through it from the other NATed peer.
run_db relay "$CASES/1622-genconfig-relay-every-format/before" 0
run_db relay-ipv4 "$CASES/1623-genconfig-relay-ipv4-every-format/before" 3

old=$TMP/older new=$TMP/newer
mkdir -p "$old" "$new"
cp "$CASES/1652-genconfig-uci-mikrotik-dual-stack-psk/before/"database.csv* "$old"/
sed -e 's/"1380"/""/' -e 's/"25"/""/' -e 's|"192.168.3.0/24,fd00:3::/48"|""|' \
	"$old/database.csv" >"$new/database.csv"
chmod 600 "$old"/database.csv* "$new"/database.csv
if (cd "$old" && "$WGM" genconfig --format mikrotik >/dev/null 2>&1) &&
	(cd "$new" && "$WGM" genconfig --format mikrotik,wg-quick --no-psk >/dev/null 2>&1); then
	for f in "$new"/output/*.rsc; do
		n=$(basename "$f")
		reset_router
		if apply "$old/output/$n" && apply "$f" && check_node "${n%.rsc}" "${f%.rsc}.conf"; then
			over=$(dump | sort)
			reset_router
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

for line in '/interface wireguard set [find where name="a"] comment="$x"' \
	'/interface wireguard set [find where name="a"] comment="a?"' \
	'/interface wireguard set [find where name="a"] comment="\q"' \
	'/interface wireguard set [find where name="a"] comment="\e9"' \
	'/interface wireguard set [find where name="a"] comment="open' \
	'/interface wireguard set [find where name="a"] comment=$x' \
	'/interface wireguard set [find where name="a"] comment="a" comment="b"' \
	'/interface wireguard peers add interface="a" endpoint-address="[::1]"' \
	'/system reboot'; do
	printf '%s\n' "$line" >"$TMP/bad.rsc"
	reset_router
	IFACE[a]='|1420||'
	if apply "$TMP/bad.rsc"; then bad "reader accepts: $line"; else ok "reader refuses: $line"; fi
done

echo "$passed passed, $failed failed"
((failed == 0))
