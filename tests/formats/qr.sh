#!/usr/bin/env bash
# The qr format, read by a real QR decoder: every NAME.png decodes with zbarimg
# (zbar-tools) to exactly the peer's wg-quick file, less the keys the WireGuard
# apps refuse (FwMark, Table, SaveConfig, the hooks, which genconfig warns
# about), and is 0600. Names in UTF-8 decode as UTF-8 (the code says so with
# an ECI header). The drawing of `showpeers NAME --qr` decodes the same. A
# configuration larger than a QR code is refused, naming the peer, and no file
# is written.
# Usage: tests/formats/qr.sh   (WG_MESHCONF: the binary)
set -u
export LC_ALL=C.UTF-8
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
WGM=${WG_MESHCONF:-$REPO/build/san/wg-meshconf}
CASES=$REPO/tests/cli/cases
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
passed=0 failed=0

ok() { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

command -v zbarimg >/dev/null || { echo "FAIL zbarimg missing (scripts/install-deps --formats)"; echo "0 passed, 1 failed"; exit 1; }
[[ -x $WGM ]] || { echo "FAIL no binary $WGM"; echo "0 passed, 1 failed"; exit 1; }

# What the apps take of a wg-quick file: its [Interface] without the keys they refuse.
app_view() {
	awk '/^\[Peer\]/ { peer = 1 }
		!peer && /^(FwMark|Table|SaveConfig|PreUp|PostUp|PreDown|PostDown) = / { next }
		{ print }' "$1"
}

# run_db NAME DATABASE_FOLDER_OR_FILE [genconfig options]
run_db() {
	local name=$1 src=$2 dir=$TMP/$1 f conf n=0 mode
	shift 2
	mkdir -p "$dir"
	if [[ -d $src ]]; then cp "$src"/database.csv* "$dir"/; else cp "$src" "$dir/database.csv"; fi
	chmod 600 "$dir"/database.csv*
	if ! (cd "$dir" && "$WGM" genconfig --format qr,wg-quick "$@" >/dev/null 2>"$dir/err"); then
		bad "$name: genconfig: $(cat "$dir/err")"
		return
	fi
	while IFS= read -r -d '' f; do
		n=$((n + 1))
		conf=${f%.png}.conf
		mode=$(stat -c %a "$f")
		[[ $mode == 600 ]] || bad "$name: ${f#"$dir"/}: mode $mode"
		# zbarimg ends what it decodes with a newline of its own.
		if ! zbarimg --raw -q "$f" 2>/dev/null | head -c -1 >"$f.decoded"; then
			bad "$name: ${f#"$dir"/}: zbarimg cannot decode it"
		elif app_view "$conf" | cmp -s - "$f.decoded"; then
			ok "$name: ${f#"$dir"/} decodes to its wg-quick file"
		else
			bad "$name: ${f#"$dir"/}: decodes to something else: $(app_view "$conf" | diff - "$f.decoded" | head -5)"
		fi
	done < <(find "$dir/output" -name '*.png' -print0)
	((n == $(($(wc -l <"$dir/database.csv") - 1)))) || bad "$name: $n PNG files"
}

run_db tutorial "$REPO/tests/unit/data/seed4/database.csv"
run_db dual-stack-psk-no-endpoint "$CASES/1652-genconfig-uci-mikrotik-dual-stack-psk/before"
run_db dualstack-dns-fwmark-table "$HERE/data/dualstack.csv"
run_db hostile-names "$HERE/data/names.csv" --interface wg0
run_db relay "$HERE/data/relay-nat.csv"

# The apps' view is not the wg-quick file when a value was left out, and
# genconfig said which.
if grep -q 'peer Zürich "HQ"; #1: column PostUp: the qr format cannot carry it' "$TMP/hostile-names/err"; then
	ok "hostile-names: the hook left out, with a warning naming peer, column and format"
else
	bad "hostile-names: no warning for the hook: $(cat "$TMP/hostile-names/err")"
fi

# The decoder tells codes apart: a peer's PNG does not decode to another's file.
if cmp -s "$TMP/tutorial/output/tokyo1.png.decoded" "$TMP/tutorial/output/germany1.conf"; then
	bad "tokyo1's code decodes to germany1's file"
else
	ok "each code holds its own peer's file"
fi

# showpeers NAME --qr: the drawing in half blocks, made an image again (a
# block is a light module, a space a dark one), decodes to the same file.
to_pgm() {
	/usr/bin/python3 - "$1" <<'PYEOF'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().rstrip("\n").split("\n")
top = {"\u2588": 255, "\u2580": 255, "\u2584": 0, " ": 0}
bottom = {"\u2588": 255, "\u2580": 0, "\u2584": 255, " ": 0}
rows = []
for line in lines:
    rows.append([top[c] for c in line])
    rows.append([bottom[c] for c in line])
scale = 4
out = sys.stdout.buffer
out.write(b"P5\n%d %d\n255\n" % (len(rows[0]) * scale, len(rows) * scale))
for r in rows:
    pixels = bytes(v for v in r for _ in range(scale))
    for _ in range(scale):
        out.write(pixels)
PYEOF
}
for db in tutorial:tokyo1 relay:laptop 'hostile-names:Zürich "HQ"; #1'; do
	dir=$TMP/${db%%:*} peer=${db#*:}
	conf=$dir/output/$peer.conf
	[[ -e $conf ]] || conf=$dir/output/$peer/wg0.conf
	if ! (cd "$dir" && "$WGM" showpeers "$peer" --qr >"$dir/term.txt" 2>/dev/null); then
		bad "showpeers $peer --qr failed"
	elif ! to_pgm "$dir/term.txt" >"$dir/term.pgm"; then
		bad "showpeers $peer --qr: not a drawing of half blocks"
	elif zbarimg --raw -q "$dir/term.pgm" 2>/dev/null | head -c -1 | cmp -s - <(app_view "$conf"); then
		ok "showpeers $peer --qr decodes to its wg-quick file"
	else
		bad "showpeers $peer --qr decodes to something else"
	fi
done

# Too large: 20 peers with preshared keys make files of some 3,000 bytes.
big=$TMP/big
mkdir -p "$big"
(
	cd "$big" || exit 1
	for i in $(seq 1 20); do
		"$WGM" addpeer "peer$i" --address "10.0.$i.1/24,fd00:$i::1/64" --endpoint "peer$i.example.com" \
			--listenport 51820 >/dev/null 2>&1 || exit 1
	done
	"$WGM" genconfig --psk --format wg-quick,qr >"$big/out" 2>"$big/err"
	echo $? >"$big/rc"
)
if [[ $(cat "$big/rc") != 0 ]] && grep -q 'qr: peer peer1: its configuration is [0-9]* bytes, more than a QR code holds' "$big/err" &&
	[[ ! -e $big/output/peer1.conf && ! -e $big/output/peer1.png ]]; then
	ok "too large: refused, naming the peer, no file written"
else
	bad "too large: rc $(cat "$big/rc"): $(cat "$big/err")"
fi

echo "$passed passed, $failed failed"
((failed == 0))
