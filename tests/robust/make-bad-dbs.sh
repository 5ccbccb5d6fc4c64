#!/usr/bin/env bash
# Regenerates the malformed databases of bad/db/ from the four-server database of
# the tutorial (/work/shared/compat/seed4/database.csv, also kept as seed4.csv
# here). The files are committed: run this only to change the set, then review
# `git diff`. Every file must be refused by every command (see run.sh).
set -u

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SEED=$HERE/seed4.csv
OUT=$HERE/bad/db

# The seed with the field at (ROW, COLUMN) replaced by VALUE, written quoted as the
# tool writes it. ROW 0 is the header; COLUMN counts from 1. The value goes through
# the environment so that awk keeps backslashes and control characters as they are.
seed_with() {
	VALUE=$3 awk -v row="$1" -v col="$2" '
		BEGIN { RS = "\r\n"; ORS = "\r\n" }
		NR == row + 1 {
			line = substr($0, 2, length($0) - 2)
			n = split(line, f, "\",\"")
			v = ENVIRON["VALUE"]
			gsub(/"/, "\"\"", v)
			f[col] = v
			out = ""
			for (i = 1; i <= n; i++)
				out = out (i > 1 ? "," : "") "\"" f[i] "\""
			print out
			next
		}
		{ print }' "$SEED"
}

# One case: NAME and the command that writes its content on stdout.
case_file() {
	local name=$1
	shift
	"$@" >"$OUT/$name.csv"
}

# The seed's columns, by number.
NAME=1 ADDRESS=2 ENDPOINT=3 ALLOWEDIPS=4 LISTENPORT=5 KEEPALIVE=6 FWMARK=7
PRIVATEKEY=8 DNS=9 MTU=10 TABLE=11 PREUP=12 POSTUP=13 PREDOWN=14 POSTDOWN=15
SAVECONFIG=16

rm -f "$OUT"/*.csv
mkdir -p "$OUT"

# --- Files that are not a CSV database at all.
case_file truncated-in-quote head -c 400 "$SEED"		# ends inside a quoted key
case_file binary-garbage printf '\x7fELF\x02\x01\x01\x00\x00\x00\xde\xad\xbe\xef\x00\x01\x02\xff\xfe\x80'
case_file binary-no-nul printf '\x89PNG\r\n\x1a\n\xff\xd8\xff\xe0 JFIF "\xc3\x28\n\x80\x81,\x82;\x83\n'
# UTF-16 as Windows tools save "Unicode" text: a byte-order mark, then NULs everywhere.
utf16() { printf "$1"; iconv -f UTF-8 -t "$2" "$SEED"; }
case_file utf16le utf16 '\xff\xfe' UTF-16LE
case_file utf16be utf16 '\xfe\xff' UTF-16BE
case_file nul-in-value printf '"Name","Address"\r\n"tok\0yo1","10.1.0.1/16"\r\n'

# --- CSV syntax.
case_file unterminated-quote printf '"Name","Address"\r\n"tokyo1,"10.1.0.1/16\r\n'
case_file text-after-quote printf '"Name","Address"\r\n"tokyo1"x,"10.1.0.1/16"\r\n'
case_file quote-in-unquoted printf 'Name,Address\r\ntok"yo1,10.1.0.1/16\r\n'
case_file more-fields-than-header sh -c 'cat "$0"; printf "\"x\",\"10.9.0.1/16\"%s\r\n" "$(printf ",\"\"%.0s" $(seq 16))"' "$SEED"
case_file row-300-columns sh -c 'cat "$0"; printf "\"wide\""; for i in $(seq 299); do printf ",\"v%d\"" "$i"; done; printf "\r\n"' "$SEED"
case_file header-without-name printf '"Address","Endpoint"\r\n"10.1.0.1/16","tokyo1.com"\r\n'
case_file header-name-twice printf '"Name","Address","name"\r\n"tokyo1","10.1.0.1/16","x"\r\n'
case_file duplicate-names sh -c 'cat "$0"; sed -n 2p "$0"' "$SEED"
case_file duplicate-names-after-trim seed_with 2 $NAME ' tokyo1 '

# --- Hostile names: each would be a path or break a line of a file.
case_file name-dotdot-slash seed_with 1 $NAME '../x'
case_file name-absolute seed_with 1 $NAME '/etc/x'
case_file name-slash seed_with 1 $NAME 'a/b'
case_file name-dot seed_with 1 $NAME '.'
case_file name-dotdot seed_with 1 $NAME '..'
case_file name-empty seed_with 1 $NAME ''
case_file name-spaces-only seed_with 1 $NAME '   '
case_file name-newline seed_with 1 $NAME $'tokyo1\nevil'
case_file name-cr seed_with 1 $NAME $'tokyo1\revil'
case_file name-tab seed_with 1 $NAME $'tokyo\t1'
case_file name-escape seed_with 1 $NAME $'\e[31mred\e[0m'
case_file name-del seed_with 1 $NAME $'tokyo1\x7f'
case_file name-201-bytes seed_with 1 $NAME "$(printf 'n%.0s' $(seq 201))"

# --- Commands that would inject a line into a wg-quick file.
case_file postup-newline-injection seed_with 1 $POSTUP $'echo up\nPostUp = rm -rf /'
case_file postdown-cr seed_with 2 $POSTDOWN $'echo down\rPostDown = rm -rf /'
case_file preup-escape seed_with 3 $PREUP $'echo \e]0;title\a'
case_file predown-newline seed_with 4 $PREDOWN $'a\n[Peer]'

# --- Every column with values it must refuse.
case_file address-bad-octet seed_with 1 $ADDRESS '10.1.0.256/16'
case_file address-bad-prefix seed_with 1 $ADDRESS '10.1.0.1/33'
case_file address-empty-item seed_with 1 $ADDRESS '10.1.0.1/16,,fd00::1/64'
case_file address-newline seed_with 1 $ADDRESS $'10.1.0.1/16,\n10.1.0.2/16'
case_file address-tab seed_with 1 $ADDRESS $'10.1.0.1/16\t'
case_file address-hostname seed_with 1 $ADDRESS 'tokyo1.com'
case_file address-octal-prefix seed_with 1 $ADDRESS '10.1.0.1/016'	# ip(8) reads /016 as /14
case_file endpoint-space seed_with 1 $ENDPOINT 'tokyo1 .com'
case_file endpoint-port-zero seed_with 1 $ENDPOINT 'tokyo1.com:0'
case_file endpoint-port-too-big seed_with 1 $ENDPOINT 'tokyo1.com:65536'
case_file endpoint-v4-in-brackets seed_with 1 $ENDPOINT '[1.2.3.4]:51820'
case_file endpoint-newline seed_with 1 $ENDPOINT $'tokyo1.com\nPostUp = rm -rf /'
case_file allowedips-bad seed_with 1 $ALLOWEDIPS '0.0.0.0/-1'
case_file allowedips-v6-prefix seed_with 1 $ALLOWEDIPS 'fd00::/129'
case_file listenport-zero seed_with 1 $LISTENPORT '0'
case_file listenport-too-big seed_with 1 $LISTENPORT '65536'
case_file listenport-negative seed_with 1 $LISTENPORT '-1'
case_file listenport-word seed_with 1 $LISTENPORT 'http'
case_file listenport-huge seed_with 1 $LISTENPORT '99999999999999999999'
case_file keepalive-too-big seed_with 1 $KEEPALIVE '65536'
case_file keepalive-float seed_with 1 $KEEPALIVE '2.5'
case_file fwmark-too-big seed_with 1 $FWMARK '0x100000000'
case_file fwmark-word seed_with 1 $FWMARK 'on'
case_file privatekey-short seed_with 1 $PRIVATEKEY 'yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUM'
case_file privatekey-noncanonical seed_with 1 $PRIVATEKEY 'yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJVUN='
case_file privatekey-urlsafe seed_with 1 $PRIVATEKEY 'yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJ_-M='
case_file privatekey-truncated seed_with 1 $PRIVATEKEY 'yJndNh80To'
case_file privatekey-latin1 seed_with 1 $PRIVATEKEY $'yJndNh80ToNWGOfDlbtho1wHAEZGa7ZhNpsHf7AJ\xe9\xe9M='
case_file dns-empty-item seed_with 1 $DNS '1.1.1.1,,8.8.8.8'
case_file dns-bad seed_with 1 $DNS '1.1.1.1; rm -rf /'
case_file mtu-too-small seed_with 1 $MTU '575'
case_file mtu-too-big seed_with 1 $MTU '65536'
case_file mtu-word seed_with 1 $MTU 'auto'
case_file table-negative seed_with 1 $TABLE '-1'
case_file table-space seed_with 1 $TABLE 'main table'
case_file saveconfig-maybe seed_with 1 $SAVECONFIG 'maybe'
case_file saveconfig-newline seed_with 1 $SAVECONFIG $'true\nPostUp = rm -rf /'

# --- Issue 15: values that would break a mesh, or that a spreadsheet would change.
case_file endpoint-octet-300 seed_with 1 $ENDPOINT '192.168.1.300'
case_file endpoint-three-numbers seed_with 1 $ENDPOINT '10.0.7:51820'
case_file endpoint-unspecified seed_with 1 $ENDPOINT '0.0.0.0:51820'
case_file endpoint-multicast seed_with 2 $ENDPOINT '[ff02::1]:51820'
case_file dns-three-numbers seed_with 1 $DNS '10.0.7'
case_file postup-hash seed_with 1 $POSTUP 'echo "#1" > /tmp/x'
case_file predown-hash seed_with 3 $PREDOWN 'true # comment'
case_file address-twice seed_with 1 $ADDRESS '10.1.0.1/16,10.1.0.1/24'
case_file allowedips-twice seed_with 2 $ALLOWEDIPS '10.9.0.0/16,10.9.1.0/16'
case_file address-unspecified seed_with 1 $ADDRESS '0.0.0.0/0'
case_file address-multicast seed_with 1 $ADDRESS '224.0.0.1/32'
case_file address-network-itself seed_with 1 $ADDRESS '10.1.0.0/16'
case_file privatekey-zero seed_with 1 $PRIVATEKEY 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='
case_file privatekey-zero-clamped-bits seed_with 2 $PRIVATEKEY 'BwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAMA='
case_file name-formula seed_with 1 $NAME '=1+1'
case_file name-formula-at seed_with 2 $NAME '@SUM(A1)'
case_file name-no-break-space seed_with 1 $NAME $'tokyo\xc2\xa01'
case_file address-no-break-space seed_with 1 $ADDRESS $'10.1.0.1/16\xc2\xa0'
case_file name-cp1252 seed_with 1 $NAME $'Z\xfcrich'
case_file postup-cp1252 seed_with 2 $POSTUP $'echo \x80'
case_file utf16le-no-bom sh -c 'iconv -f UTF-8 -t UTF-16LE "$0"' "$SEED"

ls "$OUT" | wc -l
