#!/usr/bin/env bash
# The Debian package, as an administrator gets it: `dpkg-buildpackage -us -uc -b`
# on a clean export of HEAD (git archive: what is committed, nothing built),
# lintian on the result (an error fails; warnings must be overridden, with the
# reason, in debian/), the files where Debian puts them, then the package
# installed with apt-get and the installed /usr/bin/wg-meshconf run: --version,
# init, addpeer, genconfig. A package that was not installed before is removed
# again at the end. Needs root (to install), dpkg-dev, debhelper and lintian
# (scripts/install-deps --package); otherwise SKIPPED (exit 77), FAILED under
# CI=true. Ends with "N passed, N failed".
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)

skip() {
	echo "SKIPPED: $*"
	[[ ${CI:-} == true ]] && { echo "0 passed, 1 failed"; exit 1; }
	exit 77
}
((EUID == 0)) || skip "installing the package needs root"
for p in dpkg-buildpackage dh lintian; do
	command -v $p >/dev/null || skip "$p not installed (scripts/install-deps --package)"
done

passed=0 failed=0
ok() { echo "ok   $1"; passed=$((passed + 1)); }
fail() { echo "FAIL $1"; failed=$((failed + 1)); }
check() { # NAME COMMAND...: the command succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

work=$(mktemp -d "${TMPDIR:-/tmp}/wgm-package.XXXXXX") || exit 2
was_installed=$(dpkg-query -W -f='${Status}' wg-meshconf 2>/dev/null | grep -c 'ok installed')
cleanup() {
	if ((was_installed == 0)) && dpkg-query -W wg-meshconf >/dev/null 2>&1; then
		dpkg --purge wg-meshconf >/dev/null 2>&1
	fi
	rm -rf "$work"
}
trap cleanup EXIT
[[ -n ${KEEP:-} ]] && trap - EXIT
trap 'exit 130' INT TERM

mkdir "$work/wg-meshconf"
git -C "$REPO" archive HEAD | tar -x -C "$work/wg-meshconf" || exit 2
# make install / uninstall with DESTDIR and the folder variables, in a copy of
# the export (the package build below must start from a clean tree).
cp -a "$work/wg-meshconf" "$work/src"
make -s -C "$work/src" install DESTDIR="$work/dest" PREFIX=/opt/wgm MANDIR=/opt/man \
	ZSHCOMPDIR=/opt/zsh >/dev/null 2>&1
installed=$(cd "$work/dest" && find . -type f -printf '%m %p\n' | LC_ALL=C sort)
check "make install: DESTDIR, PREFIX, MANDIR, ZSHCOMPDIR" test "$installed" = "$(printf '%s\n' \
	'644 ./opt/man/man1/wg-meshconf.1' \
	'644 ./opt/wgm/share/bash-completion/completions/wg-meshconf' \
	'644 ./opt/wgm/share/fish/vendor_completions.d/wg-meshconf.fish' \
	'644 ./opt/zsh/_wg-meshconf' '755 ./opt/wgm/bin/wg-meshconf')"
make -s -C "$work/src" uninstall DESTDIR="$work/dest" PREFIX=/opt/wgm MANDIR=/opt/man \
	ZSHCOMPDIR=/opt/zsh >/dev/null 2>&1
check "make uninstall removes them" test -z "$(find "$work/dest" -type f)"

# The build must not reach the network nor install anything: no proxy, and a
# PATH on which apt-get and sudo fail loudly if called.
mkdir "$work/trap"
for p in apt-get apt sudo; do
	printf '#!/bin/sh\necho "package build ran %s $*" >&2\nexit 1\n' "$p" >"$work/trap/$p"
	chmod +x "$work/trap/$p"
done
# And in a network namespace of its own, which has no interface but lo.
offline=()
unshare -n true 2>/dev/null && offline=(unshare -n)
if (cd "$work/wg-meshconf" && env -u http_proxy -u https_proxy PATH="$work/trap:$PATH" \
	"${offline[@]}" dpkg-buildpackage -us -uc -b >"$work/build.log" 2>&1); then
	ok "dpkg-buildpackage -us -uc -b${offline:+ (offline: unshare -n)}"
else
	fail "dpkg-buildpackage -us -uc -b (the end of its log:)"
	tail -n 40 "$work/build.log"
fi
grep -q 'package build ran' "$work/build.log" && fail "the build called apt-get or sudo"
grep -E '^[0-9]+ passed, [0-9]+ failed' "$work/build.log" | sed 's/^/     dh_auto_test: /'

deb=$(ls "$work"/wg-meshconf_*.deb 2>/dev/null | head -n1)
changes=$(ls "$work"/wg-meshconf_*.changes 2>/dev/null | head -n1)
if [[ -z $deb || -z $changes ]]; then
	fail "no wg-meshconf_*.deb built"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok "built ${deb##*/}"

# lintian: errors fail; every warning is either overridden in debian/ (with
# its reason) or fails too.
lintian --fail-on error,warning --display-info "$changes" >"$work/lintian.log" 2>&1
rc=$?
grep -v 'running with root privileges' "$work/lintian.log" | sed 's/^/     /'
if ((rc == 0)); then ok "lintian: no error, no warning"; else fail "lintian (exit $rc)"; fi

files=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|')
for f in /usr/bin/wg-meshconf /usr/share/man/man1/wg-meshconf.1.gz \
	/usr/share/bash-completion/completions/wg-meshconf \
	/usr/share/zsh/vendor-completions/_wg-meshconf \
	/usr/share/fish/vendor_completions.d/wg-meshconf.fish \
	/usr/share/doc/wg-meshconf/copyright; do
	check "the package has $f" grep -qx -- "$f" <<<"$files"
done
# Depends as dpkg-shlibdeps computed it: the package of every library the
# binary is linked with.
depends=$(dpkg-deb -f "$deb" Depends)
dpkg-deb -x "$deb" "$work/x"
for lib in $(objdump -p "$work/x/usr/bin/wg-meshconf" | awk '$1 == "NEEDED" { print $2 }'); do
	pkg=$(dpkg -S "*/$lib" 2>/dev/null | head -n1 | cut -d: -f1)
	check "Depends has $pkg (for $lib): $depends" grep -qE "(^|, )$pkg( |,|\$)" <<<"$depends"
done
check "Recommends: wireguard-tools, openssh-client" \
	grep -qx 'wireguard-tools, openssh-client' <<<"$(dpkg-deb -f "$deb" Recommends)"

# Installed with its dependencies, as `apt install ./x.deb` does.
if DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$deb" \
	>"$work/install.log" 2>&1; then
	ok "apt-get install ./${deb##*/}"
else
	fail "apt-get install ./${deb##*/}"
	sed 's/^/     /' "$work/install.log"
fi
version=$(dpkg-deb -f "$deb" Version)
check "/usr/bin/wg-meshconf --version says $version" \
	test "$(/usr/bin/wg-meshconf --version 2>&1)" = "wg-meshconf $version"
check "man -w finds the installed page" test "$(man -w wg-meshconf 2>/dev/null)" = \
	/usr/share/man/man1/wg-meshconf.1.gz
mkdir "$work/mesh"
(
	cd "$work/mesh" &&
	/usr/bin/wg-meshconf init >/dev/null &&
	/usr/bin/wg-meshconf addpeer tokyo1 --address 10.1.0.1/16 --endpoint tokyo1.com &&
	/usr/bin/wg-meshconf addpeer germany1 --address 10.2.0.1/16 --endpoint germany1.com &&
	/usr/bin/wg-meshconf genconfig 2>/dev/null &&
	grep -q '^Endpoint = germany1.com:51820$' output/tokyo1.conf &&
	test "$(stat -c %a output/germany1.conf)" = 600
) >"$work/run.log" 2>&1
rc=$?
((rc == 0)) || sed 's/^/     /' "$work/run.log"
check "the installed binary: init, addpeer, genconfig" test $rc = 0
check "the installed bash completion completes genc" test "$(bash --norc -c '
	source /usr/share/bash-completion/bash_completion
	COMP_WORDS=(wg-meshconf genc) COMP_CWORD=1 COMP_LINE="wg-meshconf genc" COMP_POINT=16
	_completion_loader wg-meshconf
	$(complete -p wg-meshconf | sed "s/.*-F \([^ ]*\) .*/\1/") wg-meshconf genc wg-meshconf
	echo "${COMPREPLY[*]}"' 2>&1)" = genconfig

echo "$passed passed, $failed failed"
((failed == 0))
