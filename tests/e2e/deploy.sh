#!/usr/bin/env bash
# End-to-end test of deploy, status and verify over real ssh: every host is a
# network namespace running its own sshd (Debian's openssh-server) on its
# underlay address, with its own /etc/wireguard and /etc/hosts (ip netns exec
# binds /etc/netns/NS/* over /etc) and its own /run/wireguard (a tmpfs mounted
# in sshd's mount namespace, so wireguard-go's sockets of one host are not seen
# by another and every host can name its interface after its peer). The tool
# runs from a controller namespace with a test-only key, known_hosts and ssh
# configuration (-F). Every tool run has a timeout.
#
#   sudo bash tests/e2e/deploy.sh     # WG_MESHCONF defaults to build/wg-meshconf
#
# Exit: 0 passed, 1 failed (or a prerequisite missing under CI=true), 77 skipped.
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WG_MESHCONF=${WG_MESHCONF:-$REPO/build/wg-meshconf}
[[ $WG_MESHCONF == /* ]] || WG_MESHCONF=$PWD/$WG_MESHCONF
TOOL_TIMEOUT=${E2E_TOOL_TIMEOUT:-120}

# shellcheck source=tests/e2e/lib.sh
source "$HERE/lib.sh"

PASSED=0 FAILED=0
declare -A SSHD_PID
CTRL_NS='' SUDO_USER_NAME='' SUDO_FILE=''

# ----------------------------------------------------------------------------
# hosts with sshd

# The names every host and the controller resolve: each peer's Endpoint and
# SSH names to underlay addresses (wg-quick resolves endpoints inside the host;
# without this it would ask a resolver that is not there and hang).
write_hosts() {
    local f=$WORKDIR/hosts name
    {
        echo "127.0.0.1 localhost"
        for name in "${HOSTS[@]}"; do echo "${HOST_UL4[$name]} $name.com"; done
        echo "${EXTRA_HOSTS:-}"
    } >"$f"
    # Same inode: the files already bound over /etc/hosts see the change.
    for ns in "${HOST_NS[@]}" "$CTRL_NS"; do
        [[ -e /etc/netns/$ns/hosts ]] && cat "$f" >"/etc/netns/$ns/hosts"
    done
    return 0
}

ssh_keys() {
    ssh-keygen -q -t ed25519 -N '' -f "$WORKDIR/hostkey" -C dp-host
    ssh-keygen -q -t ed25519 -N '' -f "$WORKDIR/id" -C dp-client
    cp "$WORKDIR/id.pub" "$WORKDIR/authorized_keys"
    cat >"$WORKDIR/ssh_config" <<CFG
Host *
    User root
    IdentityFile $WORKDIR/id
    IdentitiesOnly yes
    UserKnownHostsFile $WORKDIR/known_hosts
    StrictHostKeyChecking yes
    GlobalKnownHostsFile /dev/null
CFG
    : >"$WORKDIR/known_hosts"
}

controller_add() {
    CTRL_NS=$RUN_ID-ctl
    ip netns add "$CTRL_NS"
    ip -n "$CTRL_NS" link set lo up
    ip -n "$CTRL_NS" link add u0 type veth peer name pctl netns "$BR_NS"
    ip -n "$BR_NS" link set pctl master br0 up
    ip -n "$CTRL_NS" addr add "$UNDERLAY4_NET.200/24" dev u0
    ip -n "$CTRL_NS" link set u0 up
    mkdir -p "/etc/netns/$CTRL_NS"
    : >"/etc/netns/$CTRL_NS/hosts"
}

# sshd_start NAME: NAME's sshd, in a mount namespace of its own with a tmpfs on
# /run/wireguard; its known_hosts line.
sshd_start() {
    local name=$1 ns=${HOST_NS[$1]} d=$WORKDIR/h-$1 i
    mkdir -p "$d" "/etc/netns/$ns/wireguard" /run/wireguard
    chmod 700 "/etc/netns/$ns/wireguard"
    [[ -e /etc/netns/$ns/hosts ]] || cp "$WORKDIR/hosts" "/etc/netns/$ns/hosts"
    cat >"$d/sshd_config" <<CFG
ListenAddress ${HOST_UL4[$name]}
HostKey $WORKDIR/hostkey
PidFile $d/sshd.pid
AuthorizedKeysFile $WORKDIR/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
LogLevel ERROR
# The user of scenario_sudo, who cannot read \$WORKDIR; not root's own keys.
Match User wgms*
    AuthorizedKeysFile .ssh/authorized_keys
CFG
    # shellcheck disable=SC2016  # expanded by the inner sh
    ip netns exec "$ns" unshare -m sh -c \
        'mount -t tmpfs -o mode=0755 dp-wg /run/wireguard && exec /usr/sbin/sshd -D -e -f "$1"' \
        _ "$d/sshd_config" 2>>"$d/sshd.log" &
    SSHD_PID[$name]=$!
    echo "$name.com,${HOST_UL4[$name]} $(cut -d' ' -f1,2 "$WORKDIR/hostkey.pub")" >>"$WORKDIR/known_hosts"
    for i in $(seq 1 50); do
        ip netns exec "$ns" ss -ltn 2>/dev/null | grep -q "${HOST_UL4[$name]}:22 " && return 0
        sleep 0.1
    done
    err "sshd of $name did not start:"; sed 's/^/      /' "$d/sshd.log"
    return 1
}

# on_host NAME CMD...: CMD in NAME's namespaces as its sshd sees them (its
# /etc, its /run/wireguard), without ssh.
on_host() {
    local name=$1; shift
    nsenter -t "${SSHD_PID[$name]}" -m -n "$@"
}

# tool ARGS...: wg-meshconf from the controller, bounded in time, output in $OUT.
tool() {
    local rc=0
    OUT=$(timeout "$TOOL_TIMEOUT" ip netns exec "$CTRL_NS" "$WG_MESHCONF" -d "$DB" "$@" 2>&1) || rc=$?
    printf '$ wg-meshconf %s (exit %d)\n%s\n' "$*" "$rc" "$OUT" >>"$WORKDIR/tool.log"
    info "wg-meshconf $1 -> exit $rc"
    return "$rc"
}

SSHOPT=()
deploy() { tool deploy "${SSHOPT[@]}" "$@"; }
show_out() { printf '%s\n' "$OUT" | sed 's/^/      | /'; }

expect_in_out() {
    if ! grep -qE -- "$1" <<<"$OUT"; then
        err "expected /$1/ in the output:"; show_out; return 1
    fi
}

# ----------------------------------------------------------------------------
# scenarios (in order: each starts from the state the previous one left)

scenario_from_nothing() {
    local rc=0
    cp "$REPO/tests/unit/data/seed4/database.csv" "$DB"
    deploy || rc=$?
    ((rc == 0)) || { err "deploy exit $rc"; show_out; return 1; }
    expect_in_out '^tokyo1: started$' && expect_in_out '4 hosts: .* 4 started, 0 failed' || return 1
    tool verify "${SSHOPT[@]}" || { err "verify failed"; show_out; return 1; }
    expect_in_out '^12/12 pairs answer$' || return 1
    deploy || { err "second deploy failed"; show_out; return 1; }
    expect_in_out '4 hosts: 4 unchanged, 0 updated live, 0 restarted, 0 started, 0 failed' || return 1
    tool status "${SSHOPT[@]}" || { err "status exit non-zero on a fresh mesh"; show_out; return 1; }
    expect_in_out 'tokyo1 .* germany1 .* up ' || return 1
}

remote_sums() {
    local name
    for name in "${HOSTS[@]}"; do on_host "$name" sha256sum "/etc/wireguard/$name.conf"; done
}

scenario_dry_run() {
    local before after key
    before=$(remote_sums)
    ip netns exec "$CTRL_NS" true
    "$WG_MESHCONF" -d "$DB" updatepeer germany1 --mtu 1400 >/dev/null
    "$WG_MESHCONF" -d "$DB" updatepeer tokyo1 --allowedips 10.11.0.0/16 >/dev/null
    deploy --dry-run || { err "dry run failed"; show_out; return 1; }
    # Undo now: the next scenarios make their own changes.
    "$WG_MESHCONF" -d "$DB" updatepeer germany1 --mtu '' >/dev/null
    "$WG_MESHCONF" -d "$DB" updatepeer tokyo1 --allowedips '' >/dev/null
    after=$(remote_sums)
    [[ $before == "$after" ]] || { err "dry run changed a remote file"; return 1; }
    expect_in_out '^germany1: would restart \(MTU changed\)$' &&
        expect_in_out '^canada1: would update live$' &&
        expect_in_out '^\+AllowedIPs = 10.1.0.1/32, 10.11.0.0/16$' &&
        expect_in_out '^ PrivateKey = \(hidden\)$' || return 1
    for key in $(cut -d, -f8 "$DB" | tr -d '"' | grep -v PrivateKey); do
        if grep -qF -- "$key" <<<"$OUT"; then err "dry run printed a private key"; return 1; fi
    done
}

handshake_of() { # handshake_of HOST PEER: PEER's latest handshake as HOST's interface has it
    local key
    key=$(on_host "$2" wg show "$2" public-key)
    on_host "$1" wg show "$1" latest-handshakes | awk -v k="$key" '$1 == k {print $2}'
}

scenario_live_update() {
    local hs_before hs_after rc=0 pinger loss
    hs_before=$(handshake_of tokyo1 germany1)
    [[ -n $hs_before && $hs_before != 0 ]] || { err "no tokyo1-germany1 handshake to keep"; return 1; }
    host_add paris1
    EXTRA_HOSTS="${HOST_UL4[canada1]} canada1-new.com"
    write_hosts
    sshd_start paris1
    "$WG_MESHCONF" -d "$DB" addpeer paris1 --address 10.5.0.1/16 --endpoint paris1.com >/dev/null
    # canada1 gets a new Endpoint name; ssh still reaches it at the old one.
    "$WG_MESHCONF" -d "$DB" updatepeer canada1 --endpoint canada1-new.com --ssh root@canada1.com >/dev/null
    # A ping through an unchanged pair while the mesh is updated.
    on_host tokyo1 ping -D -n -i 0.2 -w 8 10.2.0.1 >"$WORKDIR/ping.log" 2>&1 &
    pinger=$!
    sleep 0.5
    info "deploy starts at $(date +%s.%N)"
    deploy || rc=$?
    info "deploy ends at $(date +%s.%N)"
    ((rc == 0)) || { err "deploy exit $rc"; show_out; return 1; }
    expect_in_out '^tokyo1: updated live$' && expect_in_out '^paris1: started$' &&
        expect_in_out '^canada1: updated live$' || return 1
    wait "$pinger"
    loss=$(grep -oE '[0-9.]+% packet loss' "$WORKDIR/ping.log")
    [[ $loss == "0% packet loss" ]] || { err "ping through tokyo1-germany1 lost packets: $loss"; sed "s/^/      /" "$WORKDIR/ping.log"; grep "^\$" "$WORKDIR/tool.log"; return 1; }
    hs_after=$(handshake_of tokyo1 germany1)
    [[ $hs_after == "$hs_before" ]] || { err "tokyo1-germany1 handshake $hs_before -> $hs_after: session dropped"; return 1; }
    tool verify "${SSHOPT[@]}" || { err "verify failed"; show_out; return 1; }
    expect_in_out '^20/20 pairs answer$' || return 1
}

# Debian 12's wg (1.0.20210914) syncconf leaves a removed PersistentKeepalive
# in place: deploy clears it with wg set.
scenario_keepalive_removed() {
    "$WG_MESHCONF" -d "$DB" updatepeer tokyo1 --persistentkeepalive 25 >/dev/null
    deploy tokyo1 || { err "deploy failed"; show_out; return 1; }
    expect_in_out '^tokyo1: updated live$' || return 1
    on_host tokyo1 wg show tokyo1 persistent-keepalive | grep -q '	25$' ||
        { err "tokyo1 has no keepalive after deploy"; return 1; }
    "$WG_MESHCONF" -d "$DB" updatepeer tokyo1 --persistentkeepalive '' >/dev/null
    deploy tokyo1 || { err "deploy failed"; show_out; return 1; }
    expect_in_out '^tokyo1: updated live$' || return 1
    if on_host tokyo1 wg show tokyo1 persistent-keepalive | grep -qv '	off$'; then
        err "a keepalive is left after it was removed:"
        on_host tokyo1 wg show tokyo1 persistent-keepalive | sed 's/^/      /'
        return 1
    fi
}

scenario_key_changed_by_hand() {
    local rc=0
    on_host germany1 sh -c 'wg genkey >/tmp/dp-k && wg set germany1 private-key /tmp/dp-k; rm -f /tmp/dp-k'
    tool status "${SSHOPT[@]}" || rc=$?
    ((rc == 1)) || { err "status exit $rc, not 1"; show_out; return 1; }
    expect_in_out 'status: germany1: drift: the interface.s public key is' || return 1
    if grep -E 'drift' <<<"$OUT" | grep -qv germany1; then err "drift named another host"; show_out; return 1; fi
    # The file is right but the interface is not: deploy puts it back live.
    deploy || { err "deploy failed"; show_out; return 1; }
    expect_in_out '^germany1: updated live' || return 1
    tool status "${SSHOPT[@]}" || { err "status still drifts after deploy"; show_out; return 1; }
}

# The restart must complete even when the ssh session that started it drops
# half-way (as when it runs through the tunnel being restarted): the
# connection's sshd processes are killed while a slow PostUp runs.
scenario_restart_survives_drop() {
    local deployer pids i
    "$WG_MESHCONF" -d "$DB" updatepeer germany1 --postup 'sleep 4; echo still-here' >/dev/null
    ( tool deploy germany1 "${SSHOPT[@]}" ) &
    deployer=$!
    # The new file is in place: the restart (down, up, a PostUp of 4 s) follows.
    for i in $(seq 1 100); do
        on_host germany1 grep -qx 'PostUp = sleep 4; echo still-here' /etc/wireguard/germany1.conf && break
        sleep 0.1
    done
    sleep 1.5
    # Every sshd process of the connection (the listener's descendants named
    # sshd), not the commands they started: the session is gone, its pipes
    # closed, as when the network drops.
    mapfile -t pids < <(ps -eo pid=,ppid=,comm= | awk -v root="${SSHD_PID[germany1]}" '
        { parent[$1] = $2; comm[$1] = $3 }
        END { for (p in parent) { q = p
                while (q in parent && q != root) q = parent[q]
                if (q == root && p != root && comm[p] == "sshd") print p } }')
    ((${#pids[@]})) || { err "no ssh session to cut"; wait "$deployer"; return 1; }
    kill -KILL "${pids[@]}"
    wait "$deployer"
    for i in $(seq 1 150); do
        on_host germany1 test -e /etc/wireguard/.germany1.conf.prev || break
        sleep 0.1
    done
    "$WG_MESHCONF" -d "$DB" updatepeer germany1 --postup '' >/dev/null
    on_host germany1 grep -qx 'PostUp = sleep 4; echo still-here' /etc/wireguard/germany1.conf ||
        { err "germany1 does not have the new file"; return 1; }
    if on_host germany1 test -e /etc/wireguard/.germany1.conf.prev; then
        err "germany1 rolled back or did not finish"; return 1
    fi
    on_host germany1 wg show germany1 >/dev/null || { err "germany1 is not up after the restart"; return 1; }
    # Back to the database's state (no PostUp) for the next scenarios.
    deploy germany1 || { err "deploy failed"; show_out; return 1; }
}

# sudo_user_add NAME: a user that ssh logs in as (the test key in its
# authorized_keys) and that may run anything as root through sudo without a
# password (a file of /etc/sudoers.d/, checked by visudo); removed by cleanup.
sudo_user_add() {
    SUDO_USER_NAME=$1 SUDO_FILE=/etc/sudoers.d/wg-meshconf-e2e-$RUN_ID
    # '*', not useradd's '!': without PAM, sshd refuses a locked account.
    useradd -M -d "/home/$1" -s /bin/sh -p '*' "$1" || return 1
    install -d -o "$1" -m 0755 "/home/$1" "/home/$1/.ssh"
    install -o "$1" -m 0644 "$WORKDIR/id.pub" "/home/$1/.ssh/authorized_keys"
    printf '%s ALL=(root) NOPASSWD: ALL\n' "$1" >"$SUDO_FILE.tmp"
    chmod 0440 "$SUDO_FILE.tmp"
    visudo -qcf "$SUDO_FILE.tmp" || { err "visudo refuses the sudoers file"; rm -f "$SUDO_FILE.tmp"; return 1; }
    mv "$SUDO_FILE.tmp" "$SUDO_FILE"
}

sudo_user_del() {
    [[ -n ${SUDO_FILE:-} ]] && rm -f "$SUDO_FILE" "$SUDO_FILE.tmp"
    if [[ -n ${SUDO_USER_NAME:-} ]] && id -u "$SUDO_USER_NAME" >/dev/null 2>&1; then
        userdel -f "$SUDO_USER_NAME" 2>/dev/null
        rm -rf "/home/${SUDO_USER_NAME:?}"
    fi
    return 0
}

# A host where ssh logs in as a user who is not root: deploy fails there,
# naming the host and the folder, and changes nothing; deploy --sudo applies
# the file (root's, 0600) and the interface runs it; verify reaches it.
scenario_sudo() {
    local rc=0
    sudo_user_add "wgms${RUN_ID#dp}" || return 1
    sudo_paris1 "wgms${RUN_ID#dp}" || rc=$?
    # Back to root for the next scenario, whatever happened.
    "$WG_MESHCONF" -d "$DB" updatepeer paris1 --ssh '' >/dev/null
    return "$rc"
}

# What a failed deploy must leave as it was: the file, the folder's entries,
# the interface (less its counters).
paris1_state() {
    on_host paris1 sh -c 'sha256sum /etc/wireguard/paris1.conf; ls -A /etc/wireguard
        wg show paris1 | grep -v -e handshake: -e transfer:'
}

sudo_paris1() {
    local rc=0 before conf user=$1
    "$WG_MESHCONF" -d "$DB" updatepeer paris1 --ssh "$user@paris1.com" --persistentkeepalive 21 >/dev/null
    before=$(paris1_state)
    deploy paris1 || rc=$?
    ((rc == 1)) || { err "deploy without --sudo exit $rc, not 1"; show_out; return 1; }
    expect_in_out "^paris1: failed: /etc/wireguard: Permission denied \(user $user\)$" || return 1
    rc=0; deploy paris1 --dry-run || rc=$?
    ((rc == 1)) || { err "deploy --dry-run without --sudo exit $rc, not 1"; show_out; return 1; }
    expect_in_out "^paris1: failed: /etc/wireguard: Permission denied" || return 1
    [[ $(paris1_state) == "$before" ]] || { err "paris1 changed after a failed deploy:"; diff <(echo "$before") <(paris1_state) | sed 's/^/      /'; return 1; }
    deploy paris1 --sudo || { err "deploy --sudo failed"; show_out; return 1; }
    expect_in_out '^paris1: updated live$' || return 1
    on_host paris1 wg show paris1 persistent-keepalive | grep -q '	21$' ||
        { err "paris1's interface does not run the new file"; return 1; }
    conf=$(on_host paris1 stat -c '%a %U %G' /etc/wireguard/paris1.conf)
    [[ $conf == "600 root root" ]] || { err "paris1.conf is $conf, not 600 root root"; return 1; }
    cmp -s <(on_host paris1 cat /etc/wireguard/paris1.conf) <("$WG_MESHCONF" -d "$DB" genconfig paris1 --file - 2>/dev/null) ||
        { err "paris1.conf is not what genconfig writes"; return 1; }
    deploy paris1 --sudo || { err "second deploy --sudo failed"; show_out; return 1; }
    expect_in_out '^paris1: unchanged$' || return 1
    rc=0; tool status paris1 "${SSHOPT[@]}" || rc=$?
    ((rc == 1)) || { err "status without --sudo exit $rc, not 1"; show_out; return 1; }
    expect_in_out "status: paris1: /etc/wireguard: Permission denied \(user $user\)$" || return 1
    # A folder the login reads: then it is wg show that needs root.
    rc=0; tool status paris1 --remote-dir /tmp "${SSHOPT[@]}" || rc=$?
    ((rc == 1)) || { err "status --remote-dir /tmp without --sudo exit $rc, not 1"; show_out; return 1; }
    expect_in_out "status: paris1: wg show paris1: .*(Permission denied|not permitted) \(user $user\)$" || return 1
    tool status paris1 --sudo "${SSHOPT[@]}" || { err "status --sudo failed"; show_out; return 1; }
    expect_in_out 'paris1 .* tokyo1 .* up ' || return 1
    tool verify paris1 "${SSHOPT[@]}" || { err "verify of paris1 (as $user) failed"; show_out; return 1; }
    expect_in_out '^4/4 pairs answer$' || return 1
}

scenario_sshd_stopped() {
    local rc=0
    kill "${SSHD_PID[shanghai1]}"
    "$WG_MESHCONF" -d "$DB" updatepeer tokyo1 --allowedips 10.12.0.0/16 >/dev/null
    deploy || rc=$?
    ((rc == 1)) || { err "deploy exit $rc, not 1"; show_out; return 1; }
    expect_in_out '^shanghai1: failed: ' && expect_in_out '^germany1: updated live$' &&
        expect_in_out '^paris1: updated live$' || return 1
    on_host germany1 grep -q 'AllowedIPs = 10.1.0.1/32, 10.12.0.0/16' /etc/wireguard/germany1.conf ||
        { err "germany1 did not get the new file"; return 1; }
    on_host germany1 ip route show dev germany1 | grep -q '^10.12.0.0/16' ||
        { err "germany1 has no route for the new AllowedIPs"; return 1; }
}

scenario_failing_hook() {
    local rc=0 before
    before=$(on_host canada1 sha256sum /etc/wireguard/canada1.conf)
    "$WG_MESHCONF" -d "$DB" updatepeer canada1 --postup 'echo dp-hook-fails >&2; false' >/dev/null
    deploy canada1 || rc=$?
    "$WG_MESHCONF" -d "$DB" updatepeer canada1 --postup '' >/dev/null
    ((rc == 1)) || { err "deploy exit $rc, not 1"; show_out; return 1; }
    expect_in_out '^canada1: failed: .*previous file back' || return 1
    [[ $(on_host canada1 sha256sum /etc/wireguard/canada1.conf) == "$before" ]] ||
        { err "canada1's previous file is not back"; return 1; }
    on_host canada1 wg show canada1 >/dev/null || { err "canada1 is not up again"; return 1; }
    tool verify canada1 "${SSHOPT[@]}" || { err "canada1 does not reach the others again"; show_out; return 1; }
}

# ----------------------------------------------------------------------------

run() {
    local fn=$1 start=$SECONDS rc=0
    say "=== $fn"
    "$fn" || rc=$?
    if ((rc == 0)); then PASSED=$((PASSED + 1)); say "--- PASS $fn ($((SECONDS - start))s)"
    else FAILED=$((FAILED + 1)); say "--- FAIL $fn ($((SECONDS - start))s)"; fi
    return "$rc"
}

cleanup() {
    local ns
    teardown_run "$RUN_ID"
    sudo_user_del
    for ns in "${HOST_NS[@]}" "$CTRL_NS"; do [[ -n $ns ]] && rm -rf "/etc/netns/$ns"; done
    [[ -n ${WORKDIR:-} && $FAILED == 0 ]] && rm -rf "$WORKDIR"
    return 0
}

# E2E_KEEP=1: leave everything up after the scenarios (to look at a failure);
# the namespaces and pids are in $WORKDIR/keep.
keep() {
    declare -p RUN_ID HOST_NS SSHD_PID CTRL_NS DB WORKDIR >"$WORKDIR/keep"
    say "kept: source $WORKDIR/keep; clean up with: source tests/e2e/lib.sh; teardown_run \$RUN_ID"
    [[ -n ${SUDO_USER_NAME:-} ]] && say "and: userdel -f $SUDO_USER_NAME; rm -rf /home/$SUDO_USER_NAME $SUDO_FILE"
}

main() {
    local c
    check_prereqs
    for c in ssh ssh-keygen nsenter unshare timeout ss useradd userdel; do
        command -v "$c" >/dev/null || prereq_missing "command '$c' not found (Debian: apt-get install openssh-client util-linux coreutils iproute2 passwd)"
    done
    for c in sudo visudo; do
        command -v "$c" >/dev/null || prereq_missing "command '$c' not found (Debian: apt-get install sudo)"
    done
    [[ -x /usr/sbin/sshd ]] || prereq_missing "/usr/sbin/sshd not found (Debian: apt-get install openssh-server)"
    RUN_ID=dp$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
    probe_namespaces
    umask 077
    WORKDIR=$(mktemp -d /tmp/dp-e2e.XXXXXX)
    if [[ -n ${E2E_KEEP:-} ]]; then trap keep EXIT; else trap cleanup EXIT; fi
    mkdir -p /run/sshd
    # A private copy: a rebuild during the run must not be half a linker output.
    cp "$WG_MESHCONF" "$WORKDIR/wg-meshconf"
    WG_MESHCONF=$WORKDIR/wg-meshconf
    say "deploy e2e: binary $WG_MESHCONF, run id $RUN_ID, work dir $WORKDIR"
    topo_new d
    DB=$WORKDIR/database.csv
    controller_add
    hosts_add tokyo1 germany1 canada1 shanghai1
    ssh_keys
    write_hosts
    for h in "${HOSTS[@]}"; do sshd_start "$h" || { say "0 passed, 1 failed"; exit 1; }; done
    SSHOPT=(-F "$WORKDIR/ssh_config" --timeout 30)

    run scenario_from_nothing || { say "$PASSED passed, $((FAILED)) failed (later scenarios need this one)"; exit 1; }
    run scenario_dry_run
    [[ -n ${E2E_ONLY_FIRST:-} ]] && exit 0
    run scenario_live_update
    run scenario_keepalive_removed
    run scenario_key_changed_by_hand
    run scenario_failing_hook
    # Before the restart of germany1: after it, paris1's session to germany1
    # is stale until WireGuard gives up on it (~15 s), and verify would wait.
    run scenario_sudo
    run scenario_restart_survives_drop
    run scenario_sshd_stopped
    say "$PASSED passed, $FAILED failed"
    ((FAILED == 0))
}

# Sourced by bench/deploy for its hosts: only the functions.
[[ ${BASH_SOURCE[0]} != "$0" ]] || main "$@"
