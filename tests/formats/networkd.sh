#!/usr/bin/env bash
# Every .netdev and .network genconfig writes is loaded by systemd-networkd
# itself (systemd 252 here): the daemon runs in a network and mount namespace of
# its own, with tmpfs over its configuration and state folders and the system
# bus out of reach, reads the files as installed (the .netdev root:systemd-network
# 0640, the .network 0644) and logs every key it does not know or cannot parse.
# Not one such line may name our files, and each .netdev must load. networkd
# cannot create the WireGuard link here (no module), so it stops there; broken
# copies must give a warning, or the check proves nothing.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WGM=${WG_MESHCONF:-$REPO/build/san/wg-meshconf}
NETWORKD=${NETWORKD:-/lib/systemd/systemd-networkd}
passed=0 failed=0 skipped=0

pass() { passed=$((passed + 1)); }
fail() { echo "FAIL $*"; failed=$((failed + 1)); }

skip() {
	echo "SKIPPED: $*"
	if [[ ${CI:-} == true ]]; then
		echo "0 passed, 1 failed"
		exit 1
	fi
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

[[ -x $NETWORKD ]] || skip "systemd-networkd is not installed ($NETWORKD)"
getent group systemd-network >/dev/null || skip "no systemd-network group"
unshare -mn true 2>/dev/null || skip "cannot make a network and mount namespace (needs root)"

work=$(mktemp -d /tmp/wgm-networkd.XXXXXX)
trap 'rm -rf "$work"' EXIT
# Table=vpn in names.csv: networkd knows the table names networkd.conf defines.
printf '[Network]\nRouteTable=vpn:100\n' >"$work/networkd.conf"

# load DIR [MODE]: runs networkd over the .netdev and .network files of DIR,
# the .netdev installed root:systemd-network MODE (default 0640, as the README
# says); its log in $work/log. Stops it once it has read everything (or after
# 10 s).
load() {
	local dir=$1 mode=${2:-0640} pid f
	rm -rf "$work/conf"
	mkdir "$work/conf"
	for f in "$dir"/*.netdev; do
		install -m "$mode" -g systemd-network "$f" "$work/conf/"
	done
	for f in "$dir"/*.network; do
		install -m 0644 "$f" "$work/conf/"
	done
	: >"$work/log"
	# A tmpfs over /run/systemd first: the folders networkd reads and writes
	# there need not exist on the host (nothing is made outside the namespace).
	unshare -mn sh -c '
		mount -t tmpfs -o mode=0755 none /run/systemd || exit 1
		mkdir /run/systemd/network /run/systemd/netif || exit 1
		for d in /run/systemd/network /etc/systemd/network /usr/lib/systemd/network \
			/run/dbus; do
			mount -t tmpfs -o mode=0755 none "$d" || exit 1
		done
		mount -t tmpfs -o mode=0755,uid=$(id -u systemd-network),gid=$(id -g systemd-network) \
			none /run/systemd/netif || exit 1
		mount --bind "$1/networkd.conf" /etc/systemd/networkd.conf || exit 1
		cp -p "$1"/conf/* /run/systemd/network/ || exit 1
		SYSTEMD_LOG_LEVEL=debug SYSTEMD_LOG_TARGET=console exec "$2"' sh "$work" "$NETWORKD" \
		>"$work/log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		grep -q 'Enumeration completed' "$work/log" && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# check DIR IFNAME: every file of DIR loads without a complaint.
check() {
	local dir=$1 ifname=$2 complaints
	load "$dir"
	complaints=$(grep -F '/run/systemd/network/' "$work/log")
	if [[ -n $complaints ]]; then
		fail "$dir: systemd-networkd complains:"
		printf '%s\n' "$complaints"
	elif ! grep -qF "$ifname: loaded \"wireguard\"" "$work/log"; then
		fail "$dir: the .netdev did not load:"
		cat "$work/log"
	else
		pass
	fi
}

# gen NAME DB [genconfig options...]: writes the files into $work/NAME/output.
gen() {
	local name=$1 db=$2
	shift 2
	mkdir -p "$work/$name"
	cp "$db" "$work/$name/database.csv"
	[[ -e $db.psk ]] && cp "$db.psk" "$work/$name/database.csv.psk"
	chmod 600 "$work/$name"/*
	if ! (cd "$work/$name" && "$WGM" genconfig --format networkd "$@" >/dev/null \
		2>"$work/$name.err"); then
		fail "$name: genconfig failed: $(cat "$work/$name.err")"
		return 1
	fi
}

# One node at a time: with --interface every node's device has the same name.
# each NAME: checks every node's pair of files of run NAME.
each() {
	local out=$work/$1/output f
	while IFS= read -r -d '' f; do
		mkdir -p "$work/one"
		rm -f "$work/one"/*
		cp "$f" "${f%.netdev}.network" "$work/one/"
		check "$work/one" "$(sed -n 's/^Name=//p' "$f" | head -n1)"
		# systemd.netdev(5): PublicKey= is mandatory in each peer; one peer
		# per other node.
		local peers keys
		peers=$(grep -c '^\[WireGuardPeer\]$' "$f")
		keys=$(grep -c '^PublicKey=' "$f")
		if ((peers == $2 - 1 && keys == peers)); then
			pass
		else
			fail "$f: $peers peers, $keys public keys, $(($2 - 1)) expected"
		fi
	done < <(find "$out" -name '*.netdev' -print0 | sort -z)
}

DATA=$HERE/data
SEED=$REPO/tests/unit/data/seed4/database.csv
gen tutorial "$SEED" && each tutorial 4
gen tutorial-legacy "$SEED" --legacy-allowedips && each tutorial-legacy 4
gen tutorial-interface "$SEED" --interface wg0 && each tutorial-interface 4
gen dualstack "$DATA/dualstack.csv" --psk && each dualstack 4
gen names "$DATA/names.csv" --interface wg0 && each names 3

# A relay (hub) and two peers behind NAT (laptop, nas), which talk through it:
# every file loads, the NATed ones have no peer for each other, and only the
# relay's .network turns forwarding on (IPv6 too: the NATed peers have IPv6).
if gen relay "$DATA/relay.csv"; then
	for node in hub:3:IPForward=yes tokyo1:3: laptop:2: nas:2:; do
		IFS=: read -r name want fwd <<<"$node"
		f=$work/relay/output/$name
		rm -rf "$work/one" && mkdir -p "$work/one" && cp "$f.netdev" "$f.network" "$work/one/"
		check "$work/one" "$name"
		peers=$(grep -c '^\[WireGuardPeer\]$' "$f.netdev")
		got=$(grep '^IPForward=' "$f.network")
		if ((peers == want)) && [[ $got == "$fwd" ]]; then pass; else
			fail "relay: $name: $peers peers (want $want), '$got' (want '$fwd')"
		fi
	done
fi

# The check does fail: each broken copy must draw a complaint from networkd.
src=$work/dualstack/output/canada1
mkdir -p "$work/bad"
n=0
for edit in 's/^ListenPort=51820$/ListenPort=70000/' 's/^PublicKey=i7me/PublicKey=!7me/' \
	's/^AllowedIPs=10.0.0.1\/32$/AllowedIPs=10.0.0.300\/32/' 's/^RouteTable=1234$/RouteTable=nosuch/' \
	's/^Kind=wireguard$/Kind=wireguard\nBogus=1/' 's/^Endpoint=tokyo1.com:51820$/Endpoint=tokyo1.com/'; do
	n=$((n + 1))
	rm -f "$work/bad"/*
	sed "$edit" "$src.netdev" >"$work/bad/canada1.netdev"
	cp "$src.network" "$work/bad/"
	if cmp -s "$src.netdev" "$work/bad/canada1.netdev"; then
		fail "broken netdev $n: the copy is not broken ($edit)"
		continue
	fi
	load "$work/bad"
	if grep -qF '/run/systemd/network/canada1.netdev' "$work/log"; then pass; else
		fail "broken netdev $n: networkd took it without a word ($edit)"
	fi
done
rm -f "$work/bad"/*
cp "$src.netdev" "$work/bad/"
sed 's/^Address=10.0.0.3\/24$/Address=10.0.0.300\/24/' "$src.network" >"$work/bad/canada1.network"
load "$work/bad"
if grep -qF '/run/systemd/network/canada1.network' "$work/log"; then pass; else
	fail "broken network: networkd took it without a word"
fi
rsrc=$work/relay/output/hub
rm -f "$work/bad"/*
cp "$rsrc.netdev" "$work/bad/"
sed 's/^IPForward=yes$/IPForward=maybe/' "$rsrc.network" >"$work/bad/hub.network"
load "$work/bad"
if ! cmp -s "$rsrc.network" "$work/bad/hub.network" &&
	grep -qF "/run/systemd/network/hub.network" "$work/log"; then pass; else
	fail "broken IPForward=: networkd took it without a word"
fi
# A .netdev that the systemd-network group cannot read is not read at all: the
# group and the mode the format gives the file are needed.
rm -f "$work/bad"/*
cp "$src.netdev" "$src.network" "$work/bad/"
load "$work/bad" 0600
if grep -q "Failed to open configuration file '/run/systemd/network/canada1.netdev'" "$work/log"
then pass; else
	fail "a root-only .netdev: networkd read it all the same"
fi

echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
