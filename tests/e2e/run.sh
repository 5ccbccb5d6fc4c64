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

SCENARIOS=(
    "scenario_tutorial|tutorial: tokyo1 germany1 canada1 shanghai1, one /16 each"
    "scenario_shared_subnet|8 hosts sharing one /24 and one /64, dual stack; --legacy-allowedips control"
    "scenario_change|updatepeer --listenport / --endpoint on a running mesh, applied with wg syncconf"
    "scenario_delete|delpeer on a running mesh, applied with wg syncconf"
    "scenario_nat|two hosts without Endpoint, PersistentKeepalive 5"
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
        say "FAILED: E2E_ONLY='${E2E_ONLY:-}' selects no scenario (names: tutorial shared_subnet change delete nat)"
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
