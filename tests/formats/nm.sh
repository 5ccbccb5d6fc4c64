#!/usr/bin/env bash
# Every .nmconnection genconfig writes is read by NetworkManager's own keyfile
# parser: `nmcli --offline connection modify` (network-manager >= 1.42) reads a
# keyfile on standard input, validates the connection and prints it back. What
# it prints must be what we wrote (peers, allowed-ips, endpoints, keys,
# addresses, dns, routes), key for key; a broken file must be refused.
# Starts no NetworkManager daemon.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WGM=${WG_MESHCONF:-$REPO/build/san/wg-meshconf}
passed=0 failed=0 skipped=0

pass() { passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

if ! nmcli --offline connection modify connection.id X </dev/null >/dev/null 2>&1 &&
	! nmcli --offline --help >/dev/null 2>&1; then
	echo "SKIPPED: nmcli with --offline (network-manager >= 1.40) is not installed"
	if [[ ${CI:-} == true ]]; then
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi

work=$(mktemp -d /tmp/wgm-nm.XXXXXX)
trap 'rm -rf "$work"' EXIT

# "section.key=value" lines, sorted: comments and empty sections dropped.
norm() {
	awk '/^#/ || /^$/ { next } /^\[/ { s = substr($0, 2, length($0) - 2); next }
	     { print s "." $0 }' "$1" | LC_ALL=C sort
}

# read_back FILE: 0 when NetworkManager accepts it and prints back the same
# settings; else 1 with the reason in $why. NetworkManager's keyfile reader
# drops a bad peer or a bad allowed-ips item without failing: only the
# comparison shows it.
read_back() {
	local f=$1 back=$work/back
	why=
	# 1. As the issue says: a new id. Everything else must come back as written.
	if ! nmcli --offline connection modify connection.id X <"$f" >"$back" 2>"$work/err"; then
		why="NetworkManager refused it: $(cat "$work/err")"
		return 1
	fi
	if ! grep -qx 'id=X' "$back"; then
		why="connection.id X not applied"
		return 1
	fi
	if ! diff -u <(norm "$f" | grep -v -e '^connection\.id=' -e '^connection\.autoconnect=true$') \
		<(norm "$back" | grep -v '^connection\.id=') >"$work/diff"; then
		why="NetworkManager read it otherwise:
$(cat "$work/diff")"
		return 1
	fi
	# 2. The id too, escapes and all: change something else (autoconnect=true
	# is the default, which NetworkManager does not print).
	if ! nmcli --offline connection modify connection.autoconnect yes <"$f" >"$back" 2>"$work/err" ||
		! diff -u <(norm "$f" | grep -v '^connection\.autoconnect=true$') <(norm "$back") \
			>"$work/diff"; then
		why="id or settings differ after a round trip:
$(cat "$work/diff" "$work/err")"
		return 1
	fi
	return 0
}

check() {
	if read_back "$1"; then pass; else fail "$1: $why"; fi
}

# gen NAME DB [genconfig options...]: writes the files into $work/NAME.
gen() {
	local name=$1 db=$2
	shift 2
	mkdir -p "$work/$name"
	cp "$db" "$work/$name/database.csv"
	[[ -e $db.psk ]] && cp "$db.psk" "$work/$name/database.csv.psk"
	chmod 600 "$work/$name"/*
	if ! (cd "$work/$name" && "$WGM" genconfig --format nm "$@" >/dev/null 2>"$work/$name.err"); then
		fail "$name: genconfig failed: $(cat "$work/$name.err")"
		return 1
	fi
}

DATA=$HERE/data
gen tutorial "$REPO/tests/unit/data/seed4/database.csv"
gen tutorial-legacy "$REPO/tests/unit/data/seed4/database.csv" --legacy-allowedips
gen tutorial-interface "$REPO/tests/unit/data/seed4/database.csv" --interface wg0
gen dualstack "$DATA/dualstack.csv" --psk
gen names "$DATA/names.csv" --interface wg0
gen relay "$DATA/relay.csv"
count=0
while IFS= read -r -d '' f; do
	check "$f"
	count=$((count + 1))
done < <(find "$work" -name '*.nmconnection' -print0 | sort -z)
# 4 + 4 + 4 + 4 + 3 + 4 files.
if ((count == 23)); then pass; else fail "$count keyfiles written, 23 expected"; fi

# The dual-stack files carry what the database says: spot checks on what
# NetworkManager printed back for shanghai1 (no endpoint of its own).
f=$work/dualstack/output/shanghai1.nmconnection
nmcli --offline connection modify connection.autoconnect yes <"$f" >"$work/back" 2>/dev/null
for want in '[wireguard-peer.m6eYoandPFmLJTziliz1RXq0BsU2vUibM+ygy2WbvRg=]' \
	'endpoint=[2001:db8::2]:51821' 'allowed-ips=10.0.0.2/32;fd00::2/128;192.168.10.0/24;' \
	'preshared-key=MzQUU7b1B0kBpyb8KfVjMp7yo7Rd4kPlWafeWBAadFs=' 'preshared-key-flags=0' \
	'persistent-keepalive=25' 'address1=10.0.0.4/24' 'address1=fd00::4/64' \
	'private-key=CGyR7goj/uGH3TQHgVknpb9ZBR+/yMfkve+kVNGBYlg='; do
	if grep -qxF -- "$want" "$work/back"; then pass; else fail "shanghai1: no $want"; fi
done
f=$work/dualstack/output/tokyo1.nmconnection
nmcli --offline connection modify connection.autoconnect yes <"$f" >"$work/back" 2>/dev/null
for want in 'dns=10.0.0.53;' 'dns=fd00::53;' 'dns-search=mesh.example;'; do
	if grep -qxF -- "$want" "$work/back"; then pass; else fail "tokyo1: no $want"; fi
done

# Behind NAT, laptop reaches nas through the relay hub: no peer for nas, and
# nas's routes on hub's peer, as NetworkManager reads them.
f=$work/relay/output/laptop.nmconnection
nmcli --offline connection modify connection.autoconnect yes <"$f" >"$work/back" 2>/dev/null
if grep -qxF '[wireguard-peer.i7meQzK4IBhHlpmrK8vJoZNXX+XBmVDt486xd8MwiRo=]' "$work/back" &&
	grep -qxF 'allowed-ips=10.0.0.1/32;fd00::1/128;10.0.0.4/32;fd00::4/128;192.168.4.0/24;' \
		"$work/back" &&
	! grep -qF 'wireguard-peer.AYHnBU/iot9POsBorCMypN4vf+NXi4VcrQHQ+oIKSAc=' "$work/back"; then
	pass
else
	fail "relay: laptop's keyfile does not route nas through hub"
fi
if grep -qF 'peer hub: column Relay: the nm format cannot carry it' "$work/relay.err"; then pass
else fail "relay: no warning that nm cannot turn forwarding on"; fi

# The same file generated twice has the same uuid: NetworkManager updates the
# connection instead of adding one.
u1=$(grep '^uuid=' "$work/tutorial/output/tokyo1.nmconnection")
u2=$(grep '^uuid=' "$work/tutorial-interface/output/tokyo1/wg0.nmconnection")
u3=$(grep '^uuid=' "$work/tutorial/output/germany1.nmconnection")
if [[ -n $u1 && $u1 == "$u2" && $u1 != "$u3" ]]; then pass; else fail "uuids: $u1 $u2 $u3"; fi

# NetworkManager ignores keyfiles that others can read.
bad=$(find "$work" -name '*.nmconnection' -perm /077 | head -n1)
if [[ -z $bad ]]; then pass; else fail "$bad is readable by others"; fi

# The check does fail: broken copies (a bad allowed-ips item, a bad peer key,
# ipv6.dns with method=disabled) must not pass it, or the checks above prove
# nothing.
src=$work/tutorial/output/tokyo1.nmconnection
sed 's|^allowed-ips=10.2.0.1/32;|allowed-ips=10.2.0.300/32;|' "$src" >"$work/bad1"
sed "s|^\[wireguard-peer\.m6eY|[wireguard-peer.!6eY|" "$src" >"$work/bad2"
sed 's|^method=disabled|method=disabled\ndns=fd00::53;|' "$src" >"$work/bad3"
for b in bad1 bad2 bad3; do
	if cmp -s "$src" "$work/$b"; then
		fail "$b: the broken copy is not broken"
	elif read_back "$work/$b"; then
		fail "$b: NetworkManager read a broken keyfile as if it were right"
	else
		pass
	fi
done

echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
