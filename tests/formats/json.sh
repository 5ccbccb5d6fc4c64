#!/usr/bin/env bash
# The json format, read by jq and validated against doc/mesh.schema.json (with
# Debian's python3-jsonschema; without it, jq checks the schema's required
# fields). Each node of mesh.json is then checked against the wg-quick file of
# the same peer: keys, addresses, endpoint, and for every [Peer] the link of the
# same name with the same AllowedIPs and keepalive; no link where the file has no
# [Peer]. Without --secrets no key but the public ones is in the file, which is
# 0644; with it the private and preshared keys are those of the wg-quick files,
# and the file is 0600.
# Usage: tests/formats/json.sh   (WG_MESHCONF: the binary)
set -u
export LC_ALL=C.UTF-8
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WGM=${WG_MESHCONF:-$REPO/build/san/wg-meshconf}
SCHEMA=$REPO/doc/mesh.schema.json
CASES=$REPO/tests/cli/cases
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0 skipped=0

ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

command -v jq >/dev/null || { echo "FAIL jq missing (scripts/install-deps --formats)"; echo "0 passed, 1 failed"; exit 1; }
[[ -x $WGM ]] || { echo "FAIL no binary $WGM"; echo "0 passed, 1 failed"; exit 1; }

# Debian's python3, which has python3-jsonschema (another python3 on PATH may not).
PY=/usr/bin/python3
validate() {
	"$PY" - "$SCHEMA" "$1" <<'PYEOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
errors = list(jsonschema.Draft202012Validator(schema).iter_errors(json.load(open(sys.argv[2]))))
for e in errors[:3]:
    print("/".join(str(p) for p in e.absolute_path) + ": " + e.message)
sys.exit(1 if errors else 0)
PYEOF
}
if [[ -x $PY ]] && "$PY" -c 'import jsonschema' 2>/dev/null; then
	HAVE_SCHEMA=1
else
	if [[ ${CI:-} == true ]]; then
		bad "python3-jsonschema missing (scripts/install-deps --formats): the schema is not checked"
	else
		echo "SKIP python3-jsonschema missing: only the required fields are checked"
		skipped=$((skipped + 1))
	fi
	HAVE_SCHEMA=0
fi

# Without the validator: the required fields of the schema, from the schema.
required_fields() {
	local doc=$1
	jq -e --slurpfile s "$SCHEMA" '
		. as $d
		| ($s[0].required | all(. as $k | $d | has($k)))
		and ($s[0]["$defs"].node.required as $r | [$d.nodes[] | . as $n | $r | all(. as $k | $n | has($k))] | all)
		and ($s[0]["$defs"].link.required as $r | [$d.nodes[].links[] | . as $l | $r | all(. as $k | $l | has($k))] | all)
	' "$doc" >/dev/null
}

check_schema() {
	local doc=$1
	if ((HAVE_SCHEMA)); then
		WHY=$(validate "$doc") || return 1
	else
		required_fields "$doc" || { WHY="a required field is missing"; return 1; }
	fi
}

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

# jq of node i's field.
node() { jq -r --argjson i "$1" ".nodes[\$i] | $2" "$DOC"; }

# Node i of mesh.json against conf (its wg-quick file); secrets: 1 with --secrets.
check_node() {
	local i=$1 conf=$2 secrets=$3 p want got ep
	read_conf "$conf"
	[[ $(node "$i" '.addresses | join(", ")') == "${CONF[Interface.Address]//, /, }" ]] ||
		[[ $(node "$i" '.addresses | join(",")') == "$(tr -d ' ' <<<"${CONF[Interface.Address]}")" ]] ||
		{ WHY="addresses"; return 1; }
	got=$(node "$i" '.listen_port // ""')
	[[ $got == "${CONF[Interface.ListenPort]:-}" ]] || { WHY="listen_port $got"; return 1; }
	got=$(node "$i" '.mtu // ""')
	[[ $got == "${CONF[Interface.MTU]:-}" ]] || { WHY="mtu $got"; return 1; }
	if ((secrets)); then
		[[ $(node "$i" '.private_key') == "${CONF[Interface.PrivateKey]}" ]] || { WHY="private_key"; return 1; }
	fi
	got=$(node "$i" '[.links[].peer] | join("\n")')
	want=$(printf '%s\n' "${PEERS[@]}")
	[[ $got == "${want%$'\n'}" ]] || { WHY="links '$got' for peers '$want'"; return 1; }
	for p in "${PEERS[@]}"; do
		local j
		j=$(jq -r --arg p "$p" '[.nodes[].name] | index($p)' "$DOC")
		[[ $j != null ]] || { WHY="$p: no node"; return 1; }
		[[ $(node "$j" '.public_key') == "${CONF[$p.PublicKey]}" ]] || { WHY="$p: public_key"; return 1; }
		ep=$(node "$j" 'if .endpoint then (if (.endpoint.host | contains(":")) then "[\(.endpoint.host)]" else .endpoint.host end) + ":\(.endpoint.port)" else "" end')
		[[ $ep == "${CONF[$p.Endpoint]:-}" ]] || { WHY="$p: endpoint '$ep'"; return 1; }
		got=$(jq -r --argjson i "$i" --arg p "$p" '.nodes[$i].links[] | select(.peer == $p) | .allowed_ips | join(", ")' "$DOC")
		[[ $got == "${CONF[$p.AllowedIPs]}" ]] || { WHY="$p: allowed_ips '$got'"; return 1; }
		got=$(jq -r --argjson i "$i" --arg p "$p" '.nodes[$i].links[] | select(.peer == $p) | .persistent_keepalive // ""' "$DOC")
		[[ $got == "${CONF[$p.PersistentKeepalive]:-}" ]] || { WHY="$p: keepalive '$got'"; return 1; }
		got=$(jq -r --argjson i "$i" --arg p "$p" '.nodes[$i].links[] | select(.peer == $p) | .has_preshared_key' "$DOC")
		[[ $got == "$([[ -n ${CONF[$p.PresharedKey]:-} ]] && echo true || echo false)" ]] ||
			{ WHY="$p: has_preshared_key $got"; return 1; }
		if ((secrets)); then
			got=$(jq -r --argjson i "$i" --arg p "$p" '.nodes[$i].links[] | select(.peer == $p) | .preshared_key // ""' "$DOC")
			[[ $got == "${CONF[$p.PresharedKey]:-}" ]] || { WHY="$p: preshared_key"; return 1; }
		fi
	done
	return 0
}

# run_db NAME DATABASE_FOLDER_OR_FILE [genconfig options]
run_db() {
	local name=$1 src=$2 dir=$TMP/$1 n i conf secrets=0 mode k
	shift 2
	[[ " $* " == *" --secrets "* ]] && secrets=1
	mkdir -p "$dir"
	if [[ -d $src ]]; then cp "$src"/database.csv* "$dir"/; else cp "$src" "$dir/database.csv"; fi
	chmod 600 "$dir"/database.csv*
	if ! (cd "$dir" && "$WGM" genconfig --format json,wg-quick "$@" >/dev/null 2>"$dir/err"); then
		bad "$name: genconfig: $(cat "$dir/err")"
		return
	fi
	DOC=$dir/output/mesh.json
	if ! jq -e . "$DOC" >/dev/null 2>"$dir/jq"; then bad "$name: jq: $(cat "$dir/jq")"; return; fi
	ok "$name: jq parses it"
	if check_schema "$DOC"; then ok "$name: matches the schema"; else bad "$name: schema: $WHY"; fi
	[[ $(jq -r .version "$DOC") == 1 ]] && ok "$name: version 1" || bad "$name: version"
	n=$(jq '.nodes | length' "$DOC")
	[[ $n == "$(($(wc -l <"$dir/database.csv") - 1))" ]] || bad "$name: $n nodes"
	for ((i = 0; i < n; i++)); do
		k=$(node "$i" .name)
		conf=$dir/output/$k.conf
		[[ $* == *--interface* ]] && conf=$dir/output/$k/wg0.conf
		if check_node "$i" "$conf" "$secrets"; then ok "$name: node $k"; else bad "$name: node $k: $WHY"; fi
	done
	# No secret leaks without --secrets; every one is there with it.
	local leaked=0
	for k in $(grep -ho 'PrivateKey = .*\|PresharedKey = .*' "$dir"/output/*.conf "$dir"/output/*/*.conf 2>/dev/null | sed 's/.* = //' | sort -u); do
		grep -qF -- "$k" "$DOC" && leaked=$((leaked + 1))
	done
	mode=$(stat -c %a "$DOC")
	if ((secrets)); then
		[[ $mode == 600 ]] && ok "$name: --secrets: mode 600" || bad "$name: --secrets: mode $mode"
		((leaked > 0)) && ok "$name: --secrets: the keys are in it" || bad "$name: --secrets: no key in it"
	else
		((leaked == 0)) && ok "$name: no private or preshared key in it" || bad "$name: $leaked secret keys in it"
		jq -e '[.. | objects | has("private_key") or has("preshared_key")] | any | not' "$DOC" >/dev/null &&
			ok "$name: no key field" || bad "$name: a key field without --secrets"
	fi
}

run_db tutorial "$REPO/tests/unit/data/seed4/database.csv"
run_db tutorial-legacy "$REPO/tests/unit/data/seed4/database.csv" --legacy-allowedips
run_db dual-stack-psk-no-endpoint "$CASES/1652-genconfig-uci-mikrotik-dual-stack-psk/before"
run_db dual-stack-psk-secrets "$CASES/1652-genconfig-uci-mikrotik-dual-stack-psk/before" --secrets
run_db dualstack-dns-fwmark-table "$HERE/data/dualstack.csv"
run_db hostile-names "$HERE/data/names.csv" --interface wg0
run_db relay "$HERE/data/relay-nat.csv"

# The relayed pairs are those the wg-quick files leave out, through the relay.
DOC=$TMP/relay/output/mesh.json
if [[ $(jq -c '[.relay, .relayed]' "$DOC") == '["hub",[{"peers":["laptop","phone"],"via":"hub"}]]' ]] &&
	! grep -q '^# Name: phone$' "$TMP/relay/output/laptop.conf"; then
	ok "relay: laptop and phone through hub"
else
	bad "relay: $(jq -c '[.relay, .relayed]' "$DOC")"
fi

# The checks can fail: a document without its version, or with a private key
# that has no place in the schema, is refused.
jq 'del(.version)' "$TMP/tutorial/output/mesh.json" >"$TMP/broken1.json"
jq '.nodes[0].links[0].allowed_ips = ["not a network"]' "$TMP/tutorial/output/mesh.json" >"$TMP/broken2.json"
if check_schema "$TMP/broken1.json"; then bad "schema accepts a document without version"; else ok "schema refuses a document without version"; fi
if ((HAVE_SCHEMA)); then
	if check_schema "$TMP/broken2.json"; then bad "schema accepts a bad network"; else ok "schema refuses a bad network"; fi
fi

echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
