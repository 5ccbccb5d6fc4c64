#!/usr/bin/env bash
# End-to-end test of wg-meshconf: build meshes with the CLI, bring every
# generated config up with wg-quick in its own network namespace, and ping
# every tunnel address from every host.  See tests/e2e/README.md.
#
#   sudo bash tests/e2e/run.sh              # WG_MESHCONF defaults to build/wg-meshconf
#   E2E_ONLY="tutorial nat" bash tests/e2e/run.sh
#
# Exit: 0 all scenarios passed, 1 a scenario failed (or a prerequisite is
# missing under CI=true), 77 skipped (prerequisite missing), 130/143 interrupted.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WG_MESHCONF=${WG_MESHCONF:-$REPO/build/wg-meshconf}
[[ $WG_MESHCONF == /* ]] || WG_MESHCONF=$PWD/$WG_MESHCONF
# Per-scenario watchdog.  A scenario takes 2-15 s on an idle 2-core machine;
# the margin is for a loaded one (two runs side by side, a parallel build).
SCENARIO_TIMEOUT=${E2E_SCENARIO_TIMEOUT:-90}

# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

RUN_ID='' WORKDIR='' SCEN_PID='' TIMER_PID=''
PASSED=0 FAILED=0

# ----------------------------------------------------------------------------
# scenarios: each builds its own underlay + hosts; run_scenario tears them down

# 1. The README tutorial: four sites, one /16 each, endpoints = underlay IPs.
scenario_tutorial() {
    local name i=1
    topo_new s1
    hosts_add tokyo1 germany1 canada1 shanghai1
    for name in tokyo1 germany1 canada1 shanghai1; do
        peer_add "$name" "10.$i.0.1/16" -- --endpoint "${HOST_UL4[$name]}"
        i=$((i + 1))
    done
    gen_configs "$SCEN_DIR/conf"
    hosts_up "$SCEN_DIR/conf"
    mesh_probe 4
    mesh_assert 4
}

# 2. Eight hosts in ONE /24 and ONE /64 (dual stack).  Only host routes as
#    AllowedIPs make this a mesh; half the endpoints are IPv6 literals, so the
#    bracketed "[2001:db8::n]:port" form is exercised too.  Then the 2.5.1
#    behaviour (--legacy-allowedips) as a control: it must NOT be a full mesh,
#    otherwise this scenario would prove nothing.
scenario_shared_subnet() {
    local n name endpoint
    topo_new s2
    for n in 1 2 3 4 5 6 7 8; do host_add "h$n"; done
    for n in 1 2 3 4 5 6 7 8; do
        name=h$n
        endpoint=${HOST_UL4[$name]}
        ((n <= 4)) || endpoint=${HOST_UL6[$name]}
        peer_add "$name" "10.0.0.$n/24" "fd00::$n/64" -- --endpoint "$endpoint"
    done
    gen_configs "$SCEN_DIR/conf"
    hosts_up "$SCEN_DIR/conf"
    MATRIX_LABEL="host-route AllowedIPs" mesh_probe "4 6"
    mesh_assert "4 6"

    info "control: same database through genconfig --legacy-allowedips, applied with syncconf"
    gen_configs "$SCEN_DIR/legacy" --legacy-allowedips
    # Sanity: the flag really writes the address with its own prefix.
    if ! grep -q '10\.0\.0\.2/24' "$(conf_path "$SCEN_DIR/legacy" h1)"; then
        err "--legacy-allowedips: h1's file has no 10.0.0.2/24 in AllowedIPs"
        return 1
    fi
    for name in "${HOSTS[@]}"; do host_sync "$name" "$SCEN_DIR/legacy"; done
    # Overlapping AllowedIPs: WireGuard gives the whole /24 (and /64) to ONE
    # peer per host.  Predict the matrix from that: A and B talk only if each
    # routes the subnet to the other.  Anything else answering, or one of
    # those pairs not answering, is a failure; and it must not be a full mesh.
    key_owners
    local -A owner4 owner6
    for name in "${HOSTS[@]}"; do
        owner4[$name]=$(subnet_owner "$name" 10.0.0.0/24)
        owner6[$name]=$(subnet_owner "$name" fd00::/64)
        [[ ${owner4[$name]} != none ]] || { err "$name: no peer holds 10.0.0.0/24 after the legacy syncconf"; return 1; }
        assert_eq "$name: owner of fd00::/64 = owner of 10.0.0.0/24" "${owner6[$name]}" "${owner4[$name]}"
    done
    local a b silent=0
    for a in "${HOSTS[@]}"; do
        for b in "${HOSTS[@]}"; do
            [[ $a < "$b" ]] || continue
            if [[ ${owner4[$a]} != "$b" || ${owner4[$b]} != "$a" ]]; then
                expect_no_answer "$a" "$b"
                silent=$((silent + 1))
            fi
        done
    done
    info "--legacy-allowedips: $silent of 28 pairs must be silent (subnet routed to another peer)"
    ((silent > 0)) || { err "--legacy-allowedips predicts a full mesh: the control proves nothing"; return 1; }
    MATRIX_LABEL="--legacy-allowedips" mesh_probe "4 6"
    mesh_assert "4 6"
}

# 3. Change a running mesh: alpha gets a new ListenPort, bravo is renumbered
#    (new underlay address, old one removed) and its Endpoint moved there.  The
#    regenerated files are applied with `wg syncconf` -- no interface goes down.
scenario_change() {
    local name n moved pub_alpha pub_bravo
    topo_new s3
    hosts_add alpha bravo charlie delta
    for name in "${HOSTS[@]}"; do
        n=${HOST_IDX[$name]}
        peer_add "$name" "10.3.0.$n/24" "fd03::$n/64" -- --endpoint "${HOST_UL4[$name]}"
    done
    gen_configs "$SCEN_DIR/v1"
    hosts_up "$SCEN_DIR/v1"
    MATRIX_LABEL="before the change" mesh_probe "4 6"
    mesh_assert "4 6"

    moved=$UNDERLAY4_NET.$((UNDERLAY_MOVED4_BASE + HOST_IDX[bravo]))
    # Without promote_secondaries, deleting bravo's old (primary) address
    # would take the new one in the same /24 with it.
    in_host bravo sysctl -qw net.ipv4.conf.u0.promote_secondaries=1
    in_host bravo ip addr add "$moved/24" dev u0
    meshconf updatepeer alpha --listenport 51999
    meshconf updatepeer bravo --endpoint "$moved"
    gen_configs "$SCEN_DIR/v2"
    # Remove the old address first, so the old endpoint is dead for good and
    # whatever bravo sends from now on comes from the new one.
    in_host bravo ip addr del "${HOST_UL4[bravo]}/24" dev u0
    HOST_UL4[bravo]=$moved
    # alpha first: its packets then come from the new port only.
    host_sync alpha "$SCEN_DIR/v2"
    for name in bravo charlie delta; do host_sync "$name" "$SCEN_DIR/v2"; done

    # The running interfaces now carry the regenerated values.
    pub_alpha=$(wg_show alpha public-key)
    pub_bravo=$(wg_show bravo public-key)
    assert_eq "alpha listen-port" "$(wg_show alpha listen-port)" 51999
    for name in bravo charlie delta; do
        assert_eq "$name: endpoint of alpha" "$(peer_field "$name" endpoints "$pub_alpha")" "${HOST_UL4[alpha]}:51999"
    done
    for name in alpha charlie delta; do
        assert_eq "$name: endpoint of bravo" "$(peer_field "$name" endpoints "$pub_bravo")" "$moved:51820"
    done
    MATRIX_LABEL="after updatepeer + syncconf" mesh_probe "4 6"
    mesh_assert "4 6"
}

# 4. delpeer on a running mesh: after syncconf the others still form a mesh,
#    no longer list the deleted key, and the deleted host reaches nobody.
scenario_delete() {
    local name n gone=delta pub
    topo_new s4
    hosts_add alpha bravo charlie delta
    for name in "${HOSTS[@]}"; do
        n=${HOST_IDX[$name]}
        peer_add "$name" "10.4.0.$n/24" "fd04::$n/64" -- --endpoint "${HOST_UL4[$name]}"
    done
    gen_configs "$SCEN_DIR/v1"
    hosts_up "$SCEN_DIR/v1"
    MATRIX_LABEL="before delpeer" mesh_probe "4 6"
    mesh_assert "4 6"

    pub=$(wg_show "$gone" public-key)
    for name in alpha bravo charlie; do
        wg_show "$name" peers | grep -qxF -- "$pub" || { err "$name does not list $gone's key before delpeer"; return 1; }
    done
    meshconf delpeer "$gone"
    HOST_GONE[$gone]=1
    # A deleted peer must be an error for genconfig, not an empty file.
    if "$WG_MESHCONF" -d "$DB" genconfig "$gone" -o "$SCEN_DIR/v2" --interface "${HOST_IF[$gone]}" >/dev/null 2>&1; then
        err "genconfig $gone succeeded after delpeer $gone"
        return 1
    fi
    gen_configs "$SCEN_DIR/v2"
    [[ ! -e $(conf_path "$SCEN_DIR/v2" "$gone") ]] || { err "genconfig wrote a file for deleted $gone"; return 1; }
    for name in alpha bravo charlie; do host_sync "$name" "$SCEN_DIR/v2"; done

    for name in alpha bravo charlie; do
        if wg_show "$name" peers | grep -qxF -- "$pub"; then
            err "$name still lists $gone's public key after delpeer + syncconf"
            return 1
        fi
        assert_eq "$name: number of peers" "$(wg_show "$name" peers | wc -l)" 2
    done
    for name in alpha bravo charlie; do expect_no_answer "$gone" "$name"; done
    MATRIX_LABEL="after delpeer $gone + syncconf" mesh_probe "4 6"
    mesh_assert "4 6"
}

# 5. Hosts behind NAT: natted1/natted2 have no Endpoint and keep their
#    mappings open with PersistentKeepalive 5.  Every pair with at least one
#    endpoint must connect (the natted host speaks first), and the one pair
#    with none must not -- the test expects exactly that failure.
scenario_nat() {
    local name n pub
    topo_new s5
    hosts_add server1 server2 natted1 natted2
    peer_add server1 10.5.0.1/24 fd05::1/64 -- --endpoint "${HOST_UL4[server1]}"
    peer_add server2 10.5.0.2/24 fd05::2/64 -- --endpoint "${HOST_UL6[server2]}"
    peer_add natted1 10.5.0.3/24 fd05::3/64 -- --persistentkeepalive 5
    peer_add natted2 10.5.0.4/24 fd05::4/64 -- --persistentkeepalive 5
    gen_configs "$SCEN_DIR/conf"
    hosts_up "$SCEN_DIR/conf"

    # The keepalive is the natted host's own setting, written in each of ITS
    # [Peer] sections; the servers keep none.
    key_owners
    for name in "${HOSTS[@]}"; do
        while read -r pub n; do
            case $name in
            natted*) assert_eq "$name: keepalive toward ${KEY_OWNER[$pub]:-$pub}" "$n" 5 ;;
            *) assert_eq "$name: keepalive toward ${KEY_OWNER[$pub]:-$pub}" "$n" off ;;
            esac
        done < <(wg_show "$name" persistent-keepalive)
    done

    expect_no_answer natted1 natted2
    mesh_probe "4 6" natted1 natted2
    mesh_assert "4 6"
}

# 5b. Relays: two hosts each behind its own NAT router (nftables masquerade, no
#     Endpoint), a relay and a plain host on the public segment.  Nothing is
#     enabled by hand on the relay: its generated file must turn forwarding on.
#     Every ordered pair answers, on both tunnel families; the NATed pair has no
#     [Peer] for each other and its traffic crosses the relay (the relay's
#     counters for both grow while they ping each other).  Without the relay
#     mark, check warns again that the pair can never connect.
scenario_relay() {
    local before after rx1 rx2 out
    topo_new s9
    hosts_add relay plain
    nat_host_add home1 198.51.100
    nat_host_add home2 203.0.113
    peer_add relay 10.9.0.1/24 fd09::1/64 -- --endpoint "${HOST_UL4[relay]}" --relay
    peer_add plain 10.9.0.2/24 fd09::2/64 -- --endpoint "${HOST_UL4[plain]}"
    peer_add home1 10.9.0.3/24 fd09::3/64
    peer_add home2 10.9.0.4/24 fd09::4/64
    meshconf check
    gen_configs "$SCEN_DIR/conf"
    assert_eq "forwarding on the relay before it is up" \
        "$(in_host relay sysctl -n net.ipv4.ip_forward net.ipv6.conf.all.forwarding | tr '\n' ' ')" "0 0 "
    hosts_up "$SCEN_DIR/conf"
    key_owners
    # home1 knows relay and plain, not home2 (no handshake could ever happen).
    assert_eq "home1's peers" "$(wg_show home1 peers | while read -r k; do echo "${KEY_OWNER[$k]}"; done | sort | tr '\n' ' ')" "plain relay "
    assert_eq "home1's keepalive (given: behind NAT, none set)" \
        "$(wg_show home1 persistent-keepalive | awk '{print $2}' | sort -u)" 25
    before=$(wg_show relay transfer | awk '{s += $2} END {print s + 0}')
    mesh_probe "4 6" relay plain home1 home2
    mesh_assert "4 6"
    after=$(wg_show relay transfer | awk '{s += $2} END {print s + 0}')
    ((after > before)) || { err "the relay received nothing ($before -> $after bytes)"; return 1; }
    # The NATed pair alone, counted on the relay for each of them.
    rx1=$(wg_show relay transfer | awk -v k="$(key_of home1)" '$1 == k {print $2}')
    rx2=$(wg_show relay transfer | awk -v k="$(key_of home2)" '$1 == k {print $2}')
    in_host home1 ping -c 5 -i 0.2 -W 2 10.9.0.4 >/dev/null ||
        { err "home1 -> home2 through the relay: no answer"; return 1; }
    (($(wg_show relay transfer | awk -v k="$(key_of home1)" '$1 == k {print $2}') > rx1)) ||
        { err "home1's traffic to home2 did not cross the relay"; return 1; }
    (($(wg_show relay transfer | awk -v k="$(key_of home2)" '$1 == k {print $2}') > rx2)) ||
        { err "home2's replies did not cross the relay"; return 1; }
    info "home1 <-> home2 through the relay: relay rx from home1 $rx1 -> more, from home2 $rx2 -> more"
    # Control: it is the relay's forwarding (from its generated file) that
    # carries them; without it the NATed pair has no path at all.
    in_host relay sysctl -q -w "net.ipv4.conf.${HOST_IF[relay]}.forwarding=0"
    if in_host home1 ping -c 2 -i 0.2 -W 1 10.9.0.4 >/dev/null; then
        err "home1 -> home2 answered with the relay's forwarding off"; return 1
    fi
    meshconf updatepeer relay --no-relay
    out=$("$WG_MESHCONF" -d "$DB" check 2>&1) || true
    [[ $out == *"can never connect"* ]] || { err "check without a relay: $out"; return 1; }
}

# 6. Preshared keys: `genconfig --psk` gives every pair its own key, kept in
#    DATABASE.psk.  The store's format, the generated files and the running
#    interfaces (`wg show IF preshared-keys`) must agree on one key per pair,
#    the same at both ends; then the full mesh must answer.  Mixed-case names
#    make strcmp order ("Bravo" < "Delta" < "alpha" < "charlie") differ from a
#    case-insensitive one.
scenario_psk() {
    local name n
    topo_new s6
    hosts_add alpha Bravo charlie Delta
    for name in "${HOSTS[@]}"; do
        n=${HOST_IDX[$name]}
        peer_add "$name" "10.6.0.$n/24" "fd06::$n/64" -- --endpoint "${HOST_UL4[$name]}"
    done
    # No store yet and no --psk: no keys, and no store appears.
    gen_configs "$SCEN_DIR/plain"
    conf_no_psk "$SCEN_DIR/plain"
    [[ ! -e $DB.psk ]] || { err "genconfig without --psk created $DB.psk"; return 1; }

    # One genconfig per host, each with --psk: the first creates the store,
    # the others must reuse it (checked: both ends of a pair agree).
    gen_configs "$SCEN_DIR/conf" --psk
    store_psks
    file_psks "$SCEN_DIR/conf"
    psk_check "generated files" FILE_PSK
    info "store and files: $((${#STORE_PSK[@]} / 2)) pairs, one key each, same at both ends"
    # Once the store exists, genconfig uses it without --psk: same files.
    cp "$DB.psk" "$SCEN_DIR/store.before"
    gen_configs "$SCEN_DIR/again"
    gen_configs "$SCEN_DIR/nopsk" --no-psk
    conf_no_psk "$SCEN_DIR/nopsk"
    for name in "${HOSTS[@]}"; do
        cmp -s "$(conf_path "$SCEN_DIR/conf" "$name")" "$(conf_path "$SCEN_DIR/again" "$name")" ||
            { err "$name: genconfig without --psk (store present) differs from genconfig --psk"; return 1; }
    done
    cmp -s "$DB.psk" "$SCEN_DIR/store.before" || { err "genconfig without --psk / with --no-psk changed the store"; return 1; }

    hosts_up "$SCEN_DIR/conf"
    key_owners
    run_psks
    psk_check "running interfaces (wg show preshared-keys)" RUN_PSK
    MATRIX_LABEL="genconfig --psk" mesh_probe "4 6"
    mesh_assert "4 6"
}

# 7. One pair's preshared key changed at ONE end (alpha's [Peer] section for
#    charlie gets a fresh `wg genpsk`): exactly that pair must fail, both
#    directions, and no handshake between them may complete; every other pair
#    answers.  Then `rotate --psk charlie`, regenerate and `wg syncconf`: the
#    new keys are live and agree, and the full mesh answers again.
scenario_psk_mismatch() {
    local name n bad_key a b
    topo_new s7
    hosts_add alpha bravo charlie delta
    for name in "${HOSTS[@]}"; do
        n=${HOST_IDX[$name]}
        peer_add "$name" "10.7.0.$n/24" "fd07::$n/64" -- --endpoint "${HOST_UL4[$name]}"
    done
    gen_configs "$SCEN_DIR/v1" --psk
    store_psks
    bad_key=$(wg genpsk)
    psk_tamper "$(conf_path "$SCEN_DIR/v1" alpha)" charlie "$bad_key"
    file_psks "$SCEN_DIR/v1"
    psk_check "generated files, alpha's key for charlie replaced" FILE_PSK alpha charlie "$bad_key"
    hosts_up "$SCEN_DIR/v1"
    key_owners
    run_psks
    psk_check "running interfaces, alpha's key for charlie replaced" RUN_PSK alpha charlie "$bad_key"
    expect_no_answer alpha charlie
    MATRIX_LABEL="alpha's key for charlie replaced" mesh_probe "4 6"
    mesh_assert "4 6"
    # The failure is the handshake's: it never completed, at either end.
    assert_eq "alpha: latest handshake with charlie" "$(peer_field alpha latest-handshakes "$(wg_show charlie public-key)")" 0
    assert_eq "charlie: latest handshake with alpha" "$(peer_field charlie latest-handshakes "$(wg_show alpha public-key)")" 0

    info "rotate --psk charlie, genconfig, wg syncconf on every host"
    local -A old
    for a in "${!STORE_PSK[@]}"; do old[$a]=${STORE_PSK[$a]}; done
    meshconf rotate --psk charlie
    store_psks
    for a in "${HOSTS[@]}"; do
        for b in "${HOSTS[@]}"; do
            [[ $a < "$b" ]] || continue
            if [[ $a == charlie || $b == charlie ]]; then
                [[ ${STORE_PSK["$a>$b"]} != "${old["$a>$b"]}" ]] || { err "rotate --psk charlie kept the key of $a-$b"; return 1; }
            else
                assert_eq "rotate --psk charlie: key of $a-$b (not charlie's)" "${STORE_PSK["$a>$b"]}" "${old["$a>$b"]}"
            fi
        done
    done
    gen_configs "$SCEN_DIR/v2"
    file_psks "$SCEN_DIR/v2"
    psk_check "regenerated files" FILE_PSK
    for name in "${HOSTS[@]}"; do host_sync "$name" "$SCEN_DIR/v2"; done
    run_psks
    psk_check "running interfaces after syncconf" RUN_PSK
    # A changed preshared key applies from the next handshake: sessions that
    # are up (charlie's with bravo and delta) would carry on with the old
    # keys until their rekey (~2 min), so a matrix now would not prove that
    # the new keys work.  Drop charlie's peers and sync again, which re-adds
    # them with no session and no handshake time: each of charlie's pairs
    # must then complete a fresh handshake (checked at the end), which needs
    # the same new key at both ends.  (alpha may already have completed one
    # on its own: it keeps retrying the handshake its failed pings began.)
    for a in "${HOSTS[@]}"; do
        [[ $a == charlie ]] && continue
        in_host charlie wg set "${HOST_IF[charlie]}" peer "$(wg_show "$a" public-key)" remove
    done
    assert_eq "charlie: peers left after removing them" "$(wg_show charlie peers | wc -l)" 0
    host_sync charlie "$SCEN_DIR/v2"
    run_psks
    psk_check "running interfaces, charlie's peers re-added" RUN_PSK
    EXPECT_FAIL=()
    # charlie first: it starts the handshakes (the others still hold the old
    # sessions, which charlie no longer knows).
    MATRIX_LABEL="after rotate --psk charlie + syncconf" mesh_probe "4 6" charlie
    mesh_assert "4 6"
    assert_eq "charlie: peers with a handshake since the rotation" "$(handshaken_peers charlie)" 3
}

SCENARIOS=(
    "scenario_tutorial|tutorial: tokyo1 germany1 canada1 shanghai1, one /16 each"
    "scenario_shared_subnet|8 hosts sharing one /24 and one /64, dual stack; --legacy-allowedips control"
    "scenario_change|updatepeer --listenport / --endpoint on a running mesh, applied with wg syncconf"
    "scenario_delete|delpeer on a running mesh, applied with wg syncconf"
    "scenario_nat|two hosts without Endpoint, PersistentKeepalive 5"
    "scenario_relay|two hosts behind their own NAT routers (nftables), through a relay"
    "scenario_psk|genconfig --psk: one preshared key per pair, same at both ends, live"
    "scenario_psk_mismatch|one pair's preshared key changed at one end; then rotate --psk + wg syncconf"
)

# ----------------------------------------------------------------------------
# small assertions used by the scenarios

assert_eq() {
    if [[ $2 != "$3" ]]; then
        err "$1: expected '$3', got '$2'"
        return 1
    fi
}

# peer_field HOST FIELD PUBKEY: PUBKEY's value in `wg show IF FIELD` on HOST.
peer_field() { wg_show "$1" "$2" | awk -v k="$3" '$1 == k {print $2}'; }

# key_owners: fill KEY_OWNER[public key] = host, for readable messages.
declare -gA KEY_OWNER
key_of() { wg_show "$1" public-key; }

key_owners() {
    local h
    KEY_OWNER=()
    for h in "${HOSTS[@]}"; do KEY_OWNER[$(wg_show "$h" public-key)]=$h; done
}

# subnet_owner HOST NET: the host to which HOST's interface routes NET
# (exactly as `wg show IF allowed-ips` prints it), or "none".
subnet_owner() {
    local pub nets
    while read -r pub nets; do
        if [[ " $nets " == *" $2 "* ]]; then
            printf '%s\n' "${KEY_OWNER[$pub]:-$pub}"
            return 0
        fi
    done < <(wg_show "$1" allowed-ips)
    printf 'none\n'
}

# handshaken_peers HOST: how many of HOST's peers have completed a handshake
# (`wg show IF latest-handshakes` is 0 for those that never have).
handshaken_peers() { wg_show "$1" latest-handshakes | awk '$2 != 0 {n++} END {print n + 0}'; }

# ----------------------------------------------------------------------------
# preshared keys (scenarios 6 and 7).  Maps keyed "HOST>PEER" -> key.

declare -gA STORE_PSK FILE_PSK RUN_PSK
PSK_RE='^[A-Za-z0-9+/]{43}=$'

# The hosts still in the database.
live_hosts() { local h; for h in "${HOSTS[@]}"; do [[ -n ${HOST_GONE[$h]:-} ]] || printf '%s\n' "$h"; done; }

# store_psks: read DATABASE.psk into STORE_PSK (both orders of each pair),
# checking its format: mode 0600, header "Peer1","Peer2","PresharedKey",
# CRLF line ends, every field quoted, the two names of a row in strcmp order,
# a valid key, and exactly one row per pair of peers in the database.
store_psks() {
    local store=$DB.psk line a b k rows=0 bad=0 first=1 mode
    local LC_ALL=C          # [[ < ]] compares bytes, like strcmp
    local -a live
    STORE_PSK=()
    [[ -f $store ]] || { err "no preshared key store: $store"; return 1; }
    mode=$(stat -c %a "$store")
    [[ $mode == 600 ]] || { err "$store has mode $mode, not 600"; bad=1; }
    while IFS= read -r line || [[ -n $line ]]; do
        if [[ $line == *$'\r' ]]; then
            line=${line%$'\r'}
        else
            err "store line not ended by CRLF: $line"
            bad=1
        fi
        if ((first)); then
            first=0
            assert_eq "store header" "$line" '"Peer1","Peer2","PresharedKey"' || bad=1
            continue
        fi
        if [[ ! $line =~ ^\"([^\"]*)\",\"([^\"]*)\",\"([^\"]*)\"$ ]]; then
            err "store row is not three quoted fields: $line"
            bad=1
            continue
        fi
        a=${BASH_REMATCH[1]} b=${BASH_REMATCH[2]} k=${BASH_REMATCH[3]}
        rows=$((rows + 1))
        [[ $a < "$b" ]] || { err "store row not in strcmp order: $line"; bad=1; }
        [[ $k =~ $PSK_RE ]] || { err "store row has no valid key: $line"; bad=1; }
        [[ -n ${HOST_IDX[$a]:-} && -z ${HOST_GONE[$a]:-} && -n ${HOST_IDX[$b]:-} && -z ${HOST_GONE[$b]:-} ]] ||
            { err "store row names a peer not in the database: $line"; bad=1; }
        [[ -z ${STORE_PSK["$a>$b"]:-} ]] || { err "store has pair $a-$b twice"; bad=1; }
        STORE_PSK["$a>$b"]=$k STORE_PSK["$b>$a"]=$k
    done <"$store"
    mapfile -t live < <(live_hosts)
    assert_eq "rows in the store" "$rows" $((${#live[@]} * (${#live[@]} - 1) / 2)) || bad=1
    ((bad == 0))
}

# The [Peer] sections of a wg-quick file: "NAME COUNT KEY" per section (COUNT
# PresharedKey lines, the last KEY or "-"), and "<outside> COUNT -" for
# PresharedKey lines outside any [Peer] section.
conf_peer_psks() {
    awk '
        function flush() { if (peer) print (name == "" ? "?" : name), n, (key == "" ? "-" : key) }
        /^\[/ { flush(); peer = ($0 == "[Peer]"); name = ""; key = ""; n = 0; next }
        /^PresharedKey[ \t]*=/ {
            if (!peer) { outside++; next }
            key = $0; sub(/^PresharedKey[ \t]*=[ \t]*/, "", key); n++; next
        }
        peer && /^# Name: / { name = substr($0, 9) }
        END { flush(); print "<outside>", outside + 0, "-" }' "$1"
}

# file_psks DIR: every live host's file in DIR has one [Peer] per other live
# host, each with exactly one PresharedKey, and none outside [Peer]; fills
# FILE_PSK.
# shellcheck disable=SC2034  # FILE_PSK is read through psk_check's nameref
file_psks() {
    local dir=$1 h peer n k f bad=0 sections
    local -a live
    mapfile -t live < <(live_hosts)
    FILE_PSK=()
    for h in "${live[@]}"; do
        f=$(conf_path "$dir" "$h")
        sections=0
        while read -r peer n k; do
            if [[ $peer == '<outside>' ]]; then
                ((n == 0)) || { err "$f: $n PresharedKey lines outside [Peer]"; bad=1; }
                continue
            fi
            sections=$((sections + 1))
            ((n == 1)) || { err "$f: [Peer] $peer has $n PresharedKey lines"; bad=1; }
            FILE_PSK["$h>$peer"]=$k
        done < <(conf_peer_psks "$f")
        assert_eq "$h: [Peer] sections" "$sections" $((${#live[@]} - 1)) || bad=1
    done
    ((bad == 0))
}

# conf_no_psk DIR: no file in DIR has a PresharedKey line.
conf_no_psk() {
    if grep -rl '^PresharedKey' "$1" >/dev/null; then
        err "PresharedKey written where none was asked for: $(grep -rl '^PresharedKey' "$1" | tr '\n' ' ')"
        return 1
    fi
}

# run_psks: RUN_PSK from `wg show IF preshared-keys` on every live host (run
# key_owners first; "(none)" is kept as is, so psk_check reports it).
# shellcheck disable=SC2034  # RUN_PSK is read through psk_check's nameref
run_psks() {
    local h pub k
    RUN_PSK=()
    for h in $(live_hosts); do
        while read -r pub k; do
            RUN_PSK["$h>${KEY_OWNER[$pub]:-$pub}"]=$k
        done < <(wg_show "$h" preshared-keys)
    done
}

# psk_check WHAT MAP [HOST PEER KEY]: MAP (FILE_PSK or RUN_PSK) holds, for
# every ordered pair of live hosts, exactly the store's key -- so both ends of
# a pair agree -- except that HOST's key for PEER must be KEY (the tampered
# one, which must then differ from PEER's key for HOST).  Nothing else.
psk_check() {
    local what=$1 h p want got bad=0 count
    local -n map=$2
    local -a live
    mapfile -t live < <(live_hosts)
    for h in "${live[@]}"; do
        count=0
        for p in "${!map[@]}"; do [[ $p == "$h>"* ]] && count=$((count + 1)); done
        assert_eq "$what: $h: number of peers" "$count" $((${#live[@]} - 1)) || bad=1
        for p in "${live[@]}"; do
            [[ $h == "$p" ]] && continue
            want=${STORE_PSK["$h>$p"]:-no key in the store}
            [[ $# -ge 5 && $h == "$3" && $p == "$4" ]] && want=$5
            got=${map["$h>$p"]:-missing}
            if [[ $got == '(none)' || ! $got =~ $PSK_RE ]]; then
                err "$what: $h has no preshared key for $p (got '$got')"
                bad=1
            elif [[ $got != "$want" ]]; then
                err "$what: $h's preshared key for $p is $got, expected $want"
                bad=1
            fi
        done
    done
    if (($# >= 5)) && [[ ${map["$3>$4"]:-} == "${map["$4>$3"]:-}" ]]; then
        err "$what: $3 and $4 still have the same key for each other"
        bad=1
    fi
    ((bad == 0))
}

# psk_tamper FILE PEER KEY: replace the PresharedKey of PEER's [Peer] section
# in FILE (exactly one line must change).
psk_tamper() {
    local f=$1
    awk -v peer="$2" -v key="$3" '
        /^\[/ { peer_sec = ($0 == "[Peer]"); name = "" }
        peer_sec && /^# Name: / { name = substr($0, 9) }
        peer_sec && name == peer && /^PresharedKey[ \t]*=/ { print "PresharedKey = " key; n++; next }
        { print }
        END { exit n != 1 }' "$f" >"$f.new" || {
        rm -f "$f.new"
        err "$f: no single PresharedKey line for $2 to replace"
        return 1
    }
    mv "$f.new" "$f"
}

# ----------------------------------------------------------------------------
# runner

# Run one scenario in a background subshell: `set -e` works there (it would be
# ignored inside `if fn`), a watchdog bounds it, and an interrupt of this
# script can stop it at once instead of waiting for it to finish.  `set -m`
# gives the subshell a process group of its own, so that one kill reaches
# everything it started (wg-quick, pings); the subshell itself turns job
# control off again so that its own background jobs stay in that group.
run_scenario() {
    local fn=$1 desc=$2 start rc=0 timed_out=0 left
    say "=== $fn: $desc"
    start=$SECONDS
    set -m
    (
        set +m -eE
        trap - EXIT INT TERM
        # Name the command that stopped the scenario (a failed assertion has
        # already said why when it returns 1).
        trap '[[ $BASH_COMMAND == return* ]] || err "command failed (exit $?): $BASH_COMMAND [in ${FUNCNAME[*]}]"' ERR
        "$fn"
    ) &
    SCEN_PID=$!
    set +m
    sleep "$SCENARIO_TIMEOUT" &
    TIMER_PID=$!
    wait -n "$SCEN_PID" "$TIMER_PID" || true
    if ! kill -0 "$TIMER_PID" 2>/dev/null; then
        timed_out=1
        err "timed out after ${SCENARIO_TIMEOUT}s"
        kill -TERM -- "-$SCEN_PID" 2>/dev/null || true
    fi
    wait "$SCEN_PID" || rc=$?
    # Stragglers of a failed scenario (a background wg-quick, a pinger).
    kill -TERM -- "-$SCEN_PID" 2>/dev/null || true
    kill "$TIMER_PID" 2>/dev/null || true
    wait "$TIMER_PID" 2>/dev/null || true
    SCEN_PID='' TIMER_PID=''
    ((timed_out)) && rc=1

    # Tear down right away (keeps at most one scenario's wireguard-go alive)
    # and prove nothing of it is left.
    teardown_run "$RUN_ID"
    left=$(leftovers "$RUN_ID")
    if [[ -n $left ]]; then
        err "cleanup left behind: $left"
        rc=1
    fi

    if ((rc == 0)); then
        PASSED=$((PASSED + 1))
        say "--- PASS $fn ($((SECONDS - start))s)"
    else
        FAILED=$((FAILED + 1))
        say "--- FAIL $fn ($((SECONDS - start))s; logs and configs kept under $WORKDIR)"
    fi
}

on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    set +e
    # The scenario's process group first, so nothing in it starts new work
    # (or prints errors) while the namespaces go away.
    [[ -n $SCEN_PID ]] && kill -TERM -- "-$SCEN_PID" 2>/dev/null
    [[ -n $TIMER_PID ]] && kill "$TIMER_PID" 2>/dev/null
    teardown_run "$RUN_ID"
    if [[ -n $WORKDIR && -d $WORKDIR ]]; then
        # Keep the logs when something failed; otherwise leave no trace.
        if ((rc == 0 || rc == 130 || rc == 143)); then rm -rf "$WORKDIR"; fi
    fi
    exit "$rc"
}

on_signal() {
    say "*** interrupted by SIG$1: cleaning up"
    [[ $1 == INT ]] && exit 130
    exit 143
}

# " tutorial shared_subnet ...": the names E2E_ONLY takes.
scenario_names() {
    local entry fn
    for entry in "${SCENARIOS[@]}"; do fn=${entry%%|*}; printf ' %s' "${fn#scenario_}"; done
}

# The SCENARIOS entries that E2E_ONLY (names without "scenario_") selects.
selected_scenarios() {
    local entry fn
    for entry in "${SCENARIOS[@]}"; do
        fn=${entry%%|*}
        [[ -z ${E2E_ONLY:-} || " $E2E_ONLY " == *" ${fn#scenario_} "* ]] && printf '%s\n' "$entry"
    done
    return 0
}

main() {
    local entry start=$SECONDS
    local -a chosen
    mapfile -t chosen < <(selected_scenarios)
    if ((${#chosen[@]} == 0)); then
        say "FAILED: E2E_ONLY='${E2E_ONLY:-}' selects no scenario (names:$(scenario_names))"
        exit 1
    fi
    check_prereqs
    RUN_ID=$(new_run_id) || { say "FAILED: could not pick a free run id"; exit 1; }
    trap on_exit EXIT
    trap 'on_signal INT' INT
    trap 'on_signal TERM' TERM
    probe_namespaces

    # Private keys end up in these files: keep them (and wg-quick) quiet.
    umask 077
    WORKDIR=$(mktemp -d "${TMPDIR:-/tmp}/wg-meshconf-e2e.$RUN_ID.XXXXXX")
    # wg-quick falls back to this when `ip link add type wireguard` fails (no
    # kernel module).  Early wireguard-go releases refuse to start on Linux
    # without the second variable; current ones only print a warning box.
    WG_QUICK_USERSPACE_IMPLEMENTATION=$(command -v wireguard-go)
    export WG_QUICK_USERSPACE_IMPLEMENTATION
    export WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD=1

    say "wg-meshconf e2e: binary $WG_MESHCONF, run id $RUN_ID, work dir $WORKDIR"
    # Test a private copy: a rebuild of build/wg-meshconf during the run must
    # not make a later scenario run half a linker output.
    cp "$WG_MESHCONF" "$WORKDIR/wg-meshconf"
    WG_MESHCONF=$WORKDIR/wg-meshconf
    if ! "$WG_MESHCONF" --help >/dev/null 2>&1; then
        say "FAILED: the binary under test does not run ('wg-meshconf --help' fails)"
        exit 1
    fi

    for entry in "${chosen[@]}"; do run_scenario "${entry%%|*}" "${entry#*|}"; done
    say "total $((SECONDS - start))s"
    say "$PASSED passed, $FAILED failed"
    ((FAILED == 0))
}

main "$@"
