# shellcheck shell=bash disable=SC2034  # globals here are read by run.sh
# Helpers for the wg-meshconf end-to-end suite (sourced by tests/e2e/run.sh).
#
# Model: every "host" is a network namespace with one veth ("u0") plugged into a
# bridge that lives in its own namespace (the underlay).  The mesh database is
# built with the wg-meshconf CLI, configs come from `genconfig --interface`, and
# each host brings its own file up with wg-quick (wireguard-go when the kernel
# has no wireguard module).
#
# Every namespace is named "$RUN_ID-<scenario>-<host>" and every WireGuard
# interface "$RUN_ID<scenario>h<n>" (12 chars), so two runs side by side never
# collide: wireguard-go keeps its control sockets in the *global*
# /var/run/wireguard/IFNAME.sock, whatever namespace it runs in.
#
# The caller sets RUN_ID (new_run_id), WORKDIR and WG_MESHCONF.

# Underlay: documentation ranges only (RFC 5737 / RFC 3849), inside our namespaces.
UNDERLAY4_NET=192.0.2
UNDERLAY6_NET=2001:db8:
UNDERLAY_MOVED4_BASE=100          # scenario 3 moves a host to 192.0.2.(100+n)

# Ping budget (seconds).  A pair that must answer gets PING_DEADLINE_OK: the
# first packet waits for a handshake, and one lost handshake costs the 5 s
# retry (REKEY_TIMEOUT); a pair that answers returns at its first reply.  A
# pair that must NOT answer only costs PING_DEADLINE_FAIL.
PING_DEADLINE_OK=${PING_DEADLINE_OK:-12}
PING_DEADLINE_FAIL=${PING_DEADLINE_FAIL:-3}

# ----------------------------------------------------------------------------
# output

say()  { printf '%s\n' "$*"; }
info() { printf '    %s\n' "$*"; }
err()  { printf '    ERROR: %s\n' "$*"; }

# Milliseconds since the epoch, and "1.23s" since a value of it.
now_ms() { local t=${EPOCHREALTIME/./}; printf '%s\n' "${t:0:-3}"; }
since() { local d=$(($(now_ms) - $1)); printf '%d.%02ds\n' $((d / 1000)) $((d % 1000 / 10)); }

# ----------------------------------------------------------------------------
# prerequisites: skip loudly (exit 77) on a developer machine, fail under CI=true

prereq_missing() {
    if [[ ${CI:-} == true ]]; then
        say "FAILED: missing prerequisite (CI=true, so this is an error, not a skip): $1"
        exit 1
    fi
    say "SKIPPED: $1"
    exit 77
}

check_prereqs() {
    local c
    # 5.1: `wait -n PID...` and EPOCHREALTIME
    ((BASH_VERSINFO[0] > 5 || (BASH_VERSINFO[0] == 5 && BASH_VERSINFO[1] >= 1))) ||
        prereq_missing "bash >= 5.1 needed (this is $BASH_VERSION)"
    ((EUID == 0)) || prereq_missing "must run as root (network namespaces, wg-quick)"
    [[ -c /dev/net/tun ]] || prereq_missing "/dev/net/tun is missing (wireguard-go needs a TUN device)"
    for c in ip ping wg wg-quick wireguard-go sysctl od awk cmp nft; do
        command -v "$c" >/dev/null 2>&1 ||
            prereq_missing "command '$c' not found (Debian: apt-get install wireguard-tools wireguard-go iproute2 iputils-ping nftables)"
    done
    [[ -x $WG_MESHCONF ]] || prereq_missing "binary under test '$WG_MESHCONF' not found or not executable (run make, or set WG_MESHCONF)"
}

# Namespaces and a TUN device inside one must really work (containers often
# forbid them even as root).  Uses the run id, so run after new_run_id.
probe_namespaces() {
    # shellcheck disable=SC2153  # RUN_ID is the caller's
    local ns="$RUN_ID-probe" ok=1
    ip netns add "$ns" 2>/dev/null || prereq_missing "cannot create network namespaces (ip netns add failed)"
    ip -n "$ns" tuntap add mode tun name probe0 2>/dev/null || ok=0
    ip netns del "$ns" 2>/dev/null
    ((ok)) || prereq_missing "cannot create a TUN device inside a network namespace"
}

# ----------------------------------------------------------------------------
# run id, cleanup

# "wm" + 6 hex digits, not used by any namespace or wireguard socket right now.
new_run_id() {
    local id _
    for _ in 1 2 3 4 5 6 7 8; do
        id=wm$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
        ip netns list | grep -q "^$id-" && continue
        compgen -G "/var/run/wireguard/$id*" >/dev/null && continue
        printf '%s\n' "$id"
        return 0
    done
    return 1
}

# The process is gone or only a zombie waiting for its (re)parent to reap it.
pid_alive() {
    local stat
    stat=$(<"/proc/$1/stat") 2>/dev/null || return 1
    stat=${stat##*) }             # the state letter follows "(comm) "
    [[ ${stat:0:1} != Z ]]
}

# Remove everything this run created: kill every process that lives in one of
# our namespaces (wireguard-go daemons, stray pings, a half-done wg-quick),
# delete the namespaces (which deletes veths, bridge and TUN devices) and any
# control socket a killed wireguard-go left behind.  Idempotent; never fails.
teardown_run() {
    local run_id=$1 ns pid round
    local -a nss pids live
    [[ -n $run_id ]] || return 0
    mapfile -t nss < <(ip netns list 2>/dev/null | awk -v p="$run_id-" 'index($1, p) == 1 {print $1}')
    for round in $(seq 1 60); do
        live=()
        for ns in "${nss[@]}"; do
            mapfile -t pids < <(ip netns pids "$ns" 2>/dev/null)
            for pid in "${pids[@]}"; do pid_alive "$pid" && live+=("$pid"); done
        done
        ((${#live[@]})) || break
        # TERM first: wireguard-go then removes its own socket; KILL stragglers.
        if ((round < 30)); then kill -TERM "${live[@]}" 2>/dev/null; else kill -KILL "${live[@]}" 2>/dev/null; fi
        sleep 0.1
    done
    for ns in "${nss[@]}"; do ip netns del "$ns" 2>/dev/null; done
    rm -f /var/run/wireguard/"$run_id"*.sock 2>/dev/null
    return 0
}

# Print what of this run is still around (for the final self-check).
leftovers() {
    local run_id=$1
    ip netns list 2>/dev/null | awk -v p="$run_id-" 'index($1, p) == 1 {print "namespace " $1}'
    compgen -G "/var/run/wireguard/$run_id*" | sed 's/^/socket /'
    return 0
}

# ----------------------------------------------------------------------------
# topology

# Per-scenario bookkeeping, keyed by host (= peer) name.  -g: lib.sh may be
# sourced from inside a function.
declare -gA HOST_NS HOST_IF HOST_IDX HOST_UL4 HOST_UL6 HOST_T4 HOST_T6
declare -gA HOST_GONE      # hosts deleted from the database (scenario 4)
declare -ga HOSTS          # host names in creation order
declare -gA EXPECT_FAIL    # "src>dst" -> 1: pair must NOT answer
declare -gA RESULT         # "src>dst>family" -> ok|fail, from the last probe
SCEN_TAG='' SCEN_DIR='' DB='' BR_NS=''

# Start a scenario: fresh bookkeeping, a working dir and the underlay bridge.
topo_new() {
    SCEN_TAG=$1
    SCEN_DIR=$WORKDIR/$1
    DB=$SCEN_DIR/database.csv
    BR_NS=$RUN_ID-$1-br
    HOSTS=()
    HOST_NS=() HOST_IF=() HOST_IDX=() HOST_UL4=() HOST_UL6=() HOST_T4=() HOST_T6=() HOST_GONE=()
    EXPECT_FAIL=() RESULT=()
    mkdir -p "$SCEN_DIR/logs"
    ip netns add "$BR_NS"
    ip -n "$BR_NS" link add br0 type bridge
    ip -n "$BR_NS" link set br0 up
}

# host_add NAME: a namespace on the underlay with 192.0.2.n/24 and 2001:db8::n/64.
host_add() {
    local name=$1 n ns
    n=$((${#HOSTS[@]} + 1))
    ns=$RUN_ID-$SCEN_TAG-$name
    HOSTS+=("$name")
    HOST_IDX[$name]=$n
    HOST_NS[$name]=$ns
    HOST_IF[$name]=$RUN_ID${SCEN_TAG}h$n
    HOST_UL4[$name]=$UNDERLAY4_NET.$n
    HOST_UL6[$name]=$UNDERLAY6_NET:$n
    ip netns add "$ns"
    ip -n "$ns" link set lo up
    # Create the veth inside the host namespace and push the other end straight
    # into the bridge namespace: nothing ever appears in the root namespace.
    ip -n "$ns" link add u0 type veth peer name "p$n" netns "$BR_NS"
    ip -n "$BR_NS" link set "p$n" master br0 up
    ip -n "$ns" addr add "${HOST_UL4[$name]}/24" dev u0
    # nodad: the address is usable at once instead of after ~2 s of DAD.
    ip -n "$ns" addr add "${HOST_UL6[$name]}/64" dev u0 nodad
    ip -n "$ns" link set u0 up
}

hosts_add() { local h; for h in "$@"; do host_add "$h"; done; }

# nat_host_add NAME LAN: a host behind its own NAT router.  The router is a
# namespace on the underlay (192.0.2.n, as host_add gives) that masquerades
# (nftables) everything from its private LAN (LAN.1/24 on its side, LAN.2 the
# host's) to its underlay address; the host has only that LAN, and a default
# route through the router.  Nothing reaches the host from outside unless it
# sent first: a NAT as a home router makes it.
nat_host_add() {
    local name=$1 lan=$2 n ns rns
    n=$((${#HOSTS[@]} + 1))
    ns=$RUN_ID-$SCEN_TAG-$name
    rns=$RUN_ID-$SCEN_TAG-$name-nat
    HOSTS+=("$name")
    HOST_IDX[$name]=$n
    HOST_NS[$name]=$ns
    HOST_IF[$name]=$RUN_ID${SCEN_TAG}h$n
    HOST_UL4[$name]=$lan.2
    ip netns add "$rns"
    ip netns add "$ns"
    ip -n "$rns" link set lo up
    ip -n "$ns" link set lo up
    ip -n "$rns" link add u0 type veth peer name "p$n" netns "$BR_NS"
    ip -n "$BR_NS" link set "p$n" master br0 up
    ip -n "$rns" addr add "$UNDERLAY4_NET.$n/24" dev u0
    ip -n "$rns" link set u0 up
    ip -n "$rns" link add lan0 type veth peer name u0 netns "$ns"
    ip -n "$rns" addr add "$lan.1/24" dev lan0
    ip -n "$rns" link set lan0 up
    ip -n "$ns" addr add "$lan.2/24" dev u0
    ip -n "$ns" link set u0 up
    ip -n "$ns" route add default via "$lan.1"
    ip netns exec "$rns" sysctl -q -w net.ipv4.ip_forward=1
    ip netns exec "$rns" nft -f - <<NFT
table ip nat {
    chain postrouting {
        type nat hook postrouting priority srcnat;
        oifname "u0" ip saddr $lan.0/24 masquerade
    }
}
table ip filter {
    chain forward {
        type filter hook forward priority filter; policy drop;
        iifname "lan0" accept
        ct state established,related accept
    }
}
NFT
}

# Run a command inside a host's namespace.
in_host() { local name=$1; shift; ip netns exec "${HOST_NS[$name]}" "$@"; }

# ----------------------------------------------------------------------------
# the CLI under test

# meshconf ARGS...: run wg-meshconf on this scenario's database, log it, and
# show its output when it fails.
meshconf() {
    local out rc=0
    out=$("$WG_MESHCONF" -d "$DB" "$@" 2>&1) || rc=$?
    printf '$ wg-meshconf %s\n%s\n' "$*" "$out" >>"$SCEN_DIR/logs/meshconf.log"
    if ((rc != 0)); then
        err "wg-meshconf $* -> exit $rc"
        [[ -n $out ]] && printf '%s\n' "$out" | sed 's/^/      /'
        return 1
    fi
}

# peer_add NAME ADDRESS... [-- MORE addpeer OPTIONS]: `addpeer` with one
# --address per ADDRESS; remembers the first IPv4/IPv6 tunnel address to ping.
peer_add() {
    local name=$1 a
    local -a args=(addpeer "$name")
    shift
    while (($#)) && [[ $1 != -- ]]; do
        args+=(--address "$1")
        a=${1%/*}
        if [[ $a == *:* ]]; then : "${HOST_T6[$name]:=$a}"; else : "${HOST_T4[$name]:=$a}"; fi
        shift
    done
    (($#)) && shift
    meshconf "${args[@]}" "$@"
}

# conf_path DIR NAME: where `genconfig --interface` must have put NAME's file.
conf_path() { printf '%s/%s/%s.conf\n' "$1" "$2" "${HOST_IF[$2]}"; }

# gen_configs DIR [genconfig options...]: one genconfig per host, each with its
# own interface name (they must differ: the wireguard-go sockets are global).
gen_configs() {
    local dir=$1 name f
    shift
    for name in "${HOSTS[@]}"; do
        [[ -n ${HOST_GONE[$name]:-} ]] && continue    # deleted from the database
        meshconf genconfig "$name" -o "$dir" --interface "${HOST_IF[$name]}" "$@" || return 1
        f=$(conf_path "$dir" "$name")
        if [[ ! -s $f ]]; then
            err "genconfig did not write $f; it wrote:"
            find "$dir" -type f | sed 's/^/      /'
            return 1
        fi
    done
}

# ----------------------------------------------------------------------------
# bringing configs up / applying changes

# host_up NAME DIR: wg-quick up NAME's own file inside its namespace.
host_up() {
    local name=$1 f log
    f=$(conf_path "$2" "$name")
    log=$SCEN_DIR/logs/$name.wg-quick.log
    if ! in_host "$name" wg-quick up "$f" >"$log" 2>&1; then
        err "wg-quick up $f failed in ${HOST_NS[$name]}:"
        sed 's/^/      /' "$log"
        return 1
    fi
}

# hosts_up DIR: every host brings its own file up, all at once (wg-quick plus
# a wireguard-go start is ~0.5 s per host; in sequence that adds up).
hosts_up() {
    local dir=$1 name rc=0 t0
    local -A pid
    t0=$(now_ms)
    for name in "${HOSTS[@]}"; do
        host_up "$name" "$dir" &
        pid[$name]=$!
    done
    for name in "${HOSTS[@]}"; do wait "${pid[$name]}" || rc=1; done
    info "wg-quick up on ${#HOSTS[@]} hosts: $(since "$t0")"
    return "$rc"
}

# host_sync NAME DIR: apply a regenerated file to the running interface without
# taking it down (new/removed peers, endpoints, ListenPort).  Routes are not
# touched, which is fine here: tunnel addresses do not change.
host_sync() {
    local name=$1 f log
    f=$(conf_path "$2" "$name")
    log=$SCEN_DIR/logs/$name.syncconf.log
    # shellcheck disable=SC2016  # $1/$2 expand in the inner bash
    if ! in_host "$name" bash -c 'wg syncconf "$1" <(wg-quick strip "$2")' _ "${HOST_IF[$name]}" "$f" >"$log" 2>&1; then
        err "wg syncconf ${HOST_IF[$name]} from $f failed:"
        sed 's/^/      /' "$log"
        return 1
    fi
}

# wg_show NAME FIELD: `wg show IF FIELD` for NAME's interface.
wg_show() { in_host "$1" wg show "${HOST_IF[$1]}" "$2"; }

# ----------------------------------------------------------------------------
# reachability

# expect_no_answer A B: the pair A<->B must NOT answer (both directions).
expect_no_answer() { EXPECT_FAIL["$1>$2"]=1; EXPECT_FAIL["$2>$1"]=1; }

pair_expected_ok() { [[ -z ${EXPECT_FAIL["$1>$2"]:-} ]]; }

# The pinger run inside one source namespace: arguments are quadruples
# "DST FAMILY ADDRESS DEADLINE"; all pings run in parallel, each sends one
# echo every 0.2 s until the first reply or its deadline, and the pinger
# prints "DST FAMILY ok|fail" per ping.  One `ip netns exec` per source, not
# per ping, and no subshell per ping: process creation is what costs here.
# shellcheck disable=SC2016  # expanded by the inner bash
PINGER='
pids=() what=()
while (($# >= 4)); do
    ping -n -q -c 1 -i 0.2 -W 1 -w "$4" "$3" >/dev/null 2>&1 &
    pids+=($!) what+=("$1 $2")
    shift 4
done
for i in "${!pids[@]}"; do
    if wait "${pids[$i]}"; then echo "${what[$i]} ok"; else echo "${what[$i]} fail"; fi
done'

# probe_batch FAMILIES SRC>DST...: ping those directed pairs, all in parallel
# (this is what keeps the suite fast); results land in RESULT["src>dst>fam"].
probe_batch() {
    local fams=$1 pair src dst fam deadline addr res
    local dir=$SCEN_DIR/probe.$BASHPID.$RANDOM
    local -A by_src
    shift
    mkdir -p "$dir"
    # Group the pairs by source: one pinger per source namespace.
    for pair in "$@"; do
        src=${pair%%>*} dst=${pair#*>}
        deadline=$PING_DEADLINE_OK
        pair_expected_ok "$src" "$dst" || deadline=$PING_DEADLINE_FAIL
        for fam in $fams; do
            if [[ $fam == 4 ]]; then addr=${HOST_T4[$dst]}; else addr=${HOST_T6[$dst]}; fi
            by_src[$src]+="$dst $fam $addr $deadline "
        done
    done
    for src in "${!by_src[@]}"; do
        # shellcheck disable=SC2086  # word splitting wanted: no spaces in names or addresses
        in_host "$src" bash -c "$PINGER" _ ${by_src[$src]} >"$dir/$src" 2>/dev/null &
    done
    wait
    for src in "${!by_src[@]}"; do
        while read -r dst fam res; do
            RESULT["$src>$dst>$fam"]=$res
        done <"$dir/$src"
    done
    rm -rf "$dir"
}

# mesh_probe "4 6" [FIRST_HOST...]: probe all ordered pairs of hosts, in two
# rounds.  Round 1: for each pair only the host that comes first (FIRST_HOSTs,
# then creation order) pings; round 2: the other direction.  Why: when two
# peers initiate a handshake at the same instant, each answers the other's
# initiation, which replaces its own pending one, so both responses are
# dropped and nothing moves until the 5 s handshake retry (seen here, more
# often on a loaded machine).  And a host without Endpoint must speak first
# anyway: nobody can reach it before it has.
mesh_probe() {
    local fams=$1 h t0 i j
    local -a order=() round1=() round2=()
    t0=$(now_ms)
    shift
    order=("$@")
    for h in "${HOSTS[@]}"; do
        [[ " ${order[*]} " == *" $h "* ]] || order+=("$h")
    done
    for ((i = 0; i < ${#order[@]}; i++)); do
        for ((j = i + 1; j < ${#order[@]}; j++)); do
            round1+=("${order[i]}>${order[j]}")
            # A pair that must stay silent has no handshake to collide: probe
            # both directions at once and pay its deadline only once.
            if pair_expected_ok "${order[j]}" "${order[i]}"; then
                round2+=("${order[j]}>${order[i]}")
            else
                round1+=("${order[j]}>${order[i]}")
            fi
        done
    done
    RESULT=()
    probe_batch "$fams" "${round1[@]}"
    ((${#round2[@]} == 0)) || probe_batch "$fams" "${round2[@]}"
    PROBE_TIME=$(since "$t0") print_matrix "$fams"
}

# Matrix: row pings column.  A cell lists the families that answered ("46",
# "4-", "--"; "?" = not probed), "(x)" marks a pair expected NOT to answer and
# "!" a cell that differs from the expectation.
print_matrix() {
    local fams=$1 w=8 src dst fam cell res line pad
    for src in "${HOSTS[@]}"; do
        if ((${#src} + 2 > w)); then w=$((${#src} + 2)); fi
    done
    info "reachability [$SCEN_TAG${MATRIX_LABEL:+ $MATRIX_LABEL}] (${#RESULT[@]} pings in ${PROBE_TIME:-?}):"
    info "  row pings column; digits = answered over IPv4/IPv6, '-' = no answer,"
    info "  (x) = pair expected NOT to answer, ! = differs from the expectation"
    printf -v line "%-${w}s" 'from\to'
    for dst in "${HOSTS[@]}"; do printf -v pad "%-${w}s" "$dst"; line+=$pad; done
    info "$line"
    for src in "${HOSTS[@]}"; do
        printf -v line "%-${w}s" "$src"
        for dst in "${HOSTS[@]}"; do
            cell=.
            if [[ $src != "$dst" ]]; then
                cell=''
                for fam in $fams; do
                    res=${RESULT["$src>$dst>$fam"]:-missing}
                    case $res in ok) cell+=$fam ;; fail) cell+=- ;; *) cell+='?' ;; esac
                done
                pair_expected_ok "$src" "$dst" || cell+='(x)'
                probe_matches "$src" "$dst" "$fams" || cell+='!'
            fi
            printf -v pad "%-${w}s" "$cell"
            line+=$pad
        done
        info "$line"
    done
}

# probe_matches SRC DST FAMILIES: results for the pair agree with expectation.
probe_matches() {
    local src=$1 dst=$2 fam want=ok
    pair_expected_ok "$src" "$dst" || want=fail
    for fam in $3; do
        [[ ${RESULT["$src>$dst>$fam"]:-missing} == "$want" ]] || return 1
    done
}

# mesh_assert "4 6": every ordered pair behaved as expected over every family:
# all answer, except pairs declared with expect_no_answer, which must not.
# A pair with no result at all (its probe never ran) fails either way.
mesh_assert() {
    local fams=$1 src dst fam want got bad=0
    for src in "${HOSTS[@]}"; do
        for dst in "${HOSTS[@]}"; do
            [[ $src == "$dst" ]] && continue
            want=ok
            pair_expected_ok "$src" "$dst" || want=fail
            for fam in $fams; do
                got=${RESULT["$src>$dst>$fam"]:-missing}
                if [[ $got != "$want" ]]; then
                    err "$src -> $dst over IPv$fam: expected $want, got $got"
                    bad=1
                fi
            done
        done
    done
    ((bad == 0))
}
