#!/bin/bash
# The packages (TAP; suite "packaging", run by ./quickstart test, not by a
# plain `meson test`: it builds packages and installs one into this system).
#   - one version: meson's project version is what --version prints and
#     what debian/changelog and the RPM spec carry;
#   - packaging/build-deb.sh builds the .deb, lintian-clean;
#   - the paths that the FILES sections of the man pages name are in it;
#   - installed with apt-get, landjail works from the installed paths with
#     no configuration: profiles found, man pages found, completion loaded,
#     a confined run confines; then it is removed again;
#   - packaging/build-rpm.sh builds the RPM.
# The build and install steps need root and the tools (dpkg-buildpackage,
# debhelper, lintian, rpmbuild); without them they are skipped.
#
# Environment, set by tests/meson.build:
#   LANDJAIL  the built binary
#   SRCDIR    the source tree
set -u
: "${LANDJAIL:?LANDJAIL must point at the built landjail}"
: "${SRCDIR:?SRCDIR must point at the source tree}"
export LC_ALL=C

. "$SRCDIR/tests/tap.sh"
# check DESCRIPTION COMMAND...: passes when COMMAND succeeds.
check() {
	local desc=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$desc"
	else
		fail "$desc" "\$ $*"$'\n'"$out"
	fi
}

work=$(mktemp -d /tmp/landjail-packaging.XXXXXX)
chmod 755 "$work"
installed_here=no
cleanup() {
	if [ $installed_here = yes ]; then
		DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
			remove --purge -y -qq landjail >/dev/null 2>&1
	fi
	rm -rf "$work"
}
trap cleanup EXIT

echo "1..23"

# ---- one version ---------------------------------------------------------------

version=$("$LANDJAIL" --version | sed -n 's/^landjail //p')
meson_version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$SRCDIR/meson.build" | head -n 1)
if [ -n "$version" ] && [ "$version" = "$meson_version" ]; then
	pass "landjail --version prints meson's project version ($version)"
else
	fail "landjail --version prints meson's project version" "--version: $version, meson.build: $meson_version"
fi

# The changelog's first line: "landjail (VERSION) ...". Its upstream part
# (no epoch, no Debian revision) is the project version.
deb_version=$(sed -n '1s/^landjail (\([^)]*\)).*/\1/p' "$SRCDIR/packaging/debian/changelog")
deb_upstream=${deb_version#*:}
deb_upstream=${deb_upstream%-*}
if [ "$deb_upstream" = "$meson_version" ]; then
	pass "debian/changelog's version $deb_version is the project version"
else
	fail "debian/changelog's version is the project version" "changelog: $deb_version, meson.build: $meson_version"
fi

rpm_version=$(sed -n 's/^Version: *//p' "$SRCDIR/packaging/rpm/landjail.spec")
if [ "$rpm_version" = "$meson_version" ]; then
	pass "landjail.spec's Version is the project version"
else
	fail "landjail.spec's Version is the project version" "spec: $rpm_version, meson.build: $meson_version"
fi

# ---- the .deb --------------------------------------------------------------------

arch=$(dpkg --print-architecture 2>/dev/null)
deb=$work/landjail_${deb_version#*:}_$arch.deb
can_build_deb=yes
have_pkg dpkg-dev dpkg-buildpackage || can_build_deb="no dpkg-buildpackage (Debian package dpkg-dev)"
have_pkg debhelper dh || can_build_deb="no dh (Debian package debhelper)"
have_pkg fakeroot fakeroot || can_build_deb="no fakeroot (Debian package fakeroot)"
have_pkg lintian lintian || can_build_deb="no lintian (Debian package lintian)"
if [ "$can_build_deb" = yes ]; then
	if out=$("$SRCDIR/packaging/build-deb.sh" "$work" 2>&1) && [ -f "$deb" ]; then
		pass "packaging/build-deb.sh builds $(basename "$deb"), lintian reports no error or warning"
		printf '%s\n' "$out" | grep -E '^[EWIP]: ' | sed 's/^/# lintian: /'
	else
		fail "packaging/build-deb.sh builds the .deb" "$(printf '%s\n' "$out" | tail -n 40)"
	fi
else
	skip "packaging/build-deb.sh builds the .deb" "$can_build_deb"
fi

# Every absolute path that an item of the FILES sections of the man pages
# names is in the package: what the pages promise is what gets installed.
if [ -f "$deb" ]; then
	contents=$(dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\.||')
	promised=$(sed -n '/^\.Sh FILES/,/^\.Sh /p' "$SRCDIR/man/landjail.1" "$SRCDIR/man/landjail.profile.5" |
		grep -E '^\.It Pa ' | grep -oE 'Pa /[^ ]+' | sed 's/^Pa //' |
		grep -vE '\*|^/proc/|/[A-Z]+[./]|/[A-Z]+$' | sort -u) # not patterns (NAME.d/*.ini, /proc/PID)
	missing=
	for path in $promised; do
		grep -qxF -- "$path" <<<"$contents" || missing="$missing $path"
	done
	if [ -n "$promised" ] && [ -z "$missing" ]; then
		pass "the package holds every path of FILES in landjail(1) and landjail.profile(5): $(echo $promised)"
	else
		fail "the package holds every path of FILES" "missing:$missing"
	fi
	# Depends from shlibs: every library the binary needs.
	depends=$(dpkg-deb -f "$deb" Depends)
	if grep -q 'libc6' <<<"$depends"; then
		pass "Depends comes from shlibs: $depends"
	else
		fail "Depends comes from shlibs" "Depends: $depends"
	fi
else
	skip "the package holds every path of FILES" "no .deb was built"
	skip "Depends comes from shlibs" "no .deb was built"
fi

# ---- installed -------------------------------------------------------------------

smoke=12
if [ ! -f "$deb" ]; then
	why="no .deb was built"
elif [ "$(id -u)" != 0 ]; then
	why="installing needs root"
elif dpkg-query -W -f='${Status}' landjail 2>/dev/null | grep -q "install ok installed"; then
	why="a landjail package is installed already; not replacing it"
else
	why=
fi
if [ -n "$why" ]; then
	for ((i = 0; i < smoke; i++)); do
		skip "installed package smoke test" "$why"
	done
else
	if out=$(DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
		install -y -qq "$deb" 2>&1); then
		installed_here=yes
		pass "apt-get install ./$(basename "$deb")"
	else
		fail "apt-get install ./$(basename "$deb")" "$out"
	fi
	# From here on, only the installed files and no configuration: a clean
	# environment, a HOME without a profile directory.
	clean() { env -i PATH=/usr/bin:/bin HOME=/nonexistent "$@"; }
	check "/usr/bin/landjail --version prints $version" \
		sh -c '[ "$(env -i /usr/bin/landjail --version)" = "landjail $1" ]' sh "$version"
	# The package is a distribution build: no test hook may weaken it.
	native=$(clean landjail --status | sed -n 's/^Landlock: ABI \([0-9]*\).*/\1/p')
	capped=$(clean env LANDJAIL_TEST_LANDLOCK_ABI=2 landjail --status | sed -n 's/^Landlock: ABI \([0-9]*\).*/\1/p')
	check "the installed landjail ignores LANDJAIL_TEST_LANDLOCK_ABI (ABI $native, not 2)" \
		test -n "$native" -a "$native" = "$capped" -a "$native" != 2
	# Nor may it write a file an environment variable names: the clock
	# marks of bench/phases are only in -Dphase_marks=true builds.
	check "the installed landjail writes no phase marks (LANDJAIL_PHASE_MARKS)" \
		sh -c 'env -i PATH=/usr/bin:/bin HOME=/nonexistent LANDJAIL_PHASE_MARKS="$1" \
			landjail --rox /usr -- /bin/true && test ! -e "$1"' sh "$work/marks"
	check "landjail --check base-dynamic finds the shipped profile" \
		clean landjail --check base-dynamic
	check "man -w landjail" clean man -w landjail
	check "man -w landjail.profile" clean man -w landjail.profile
	check "the zsh completion is installed" test -f /usr/share/zsh/vendor-completions/_landjail
	# bash-completion loads completions on demand from its directory.
	check "bash completes landjail -p base-d to base-dynamic" clean bash --norc -c '
		source /usr/share/bash-completion/bash_completion
		_completion_loader landjail
		COMP_WORDS=(landjail -p base-d); COMP_CWORD=2
		COMP_LINE="landjail -p base-d"; COMP_POINT=${#COMP_LINE}
		_landjail 2>/dev/null
		[ "${COMPREPLY[*]}" = base-dynamic ]'
	echo secret >"$work/secret"
	chmod 644 "$work/secret"
	check "a confined run reads what is granted" \
		clean landjail -p base-dynamic --rox /usr/bin --ro "$work" -- cat "$work/secret"
	if out=$(clean landjail -p base-dynamic --rox /usr/bin -- cat "$work/secret" 2>&1); then
		fail "a confined run cannot read what is not granted" "$out"
	else
		pass "a confined run cannot read what is not granted"
	fi
	check "the wrapper directory is in place" test -d /usr/libexec/landjail/wrappers
	# A wrapper exactly for what is installed: a tiny package that ships
	# /usr/bin/magick (Debian 12 has no ImageMagick 7) brings the magick
	# wrapper with it, through the dpkg file trigger, and takes it away.
	wr=/usr/libexec/landjail/wrappers
	if [ -e /usr/bin/magick ]; then
		for t in 1 2 3; do skip "the magick wrapper follows a package ($t)" "/usr/bin/magick is installed"; done
	else
		mkdir -p "$work/im7/DEBIAN" "$work/im7/usr/bin"
		printf '#!/bin/sh\necho stand-in magick\n' >"$work/im7/usr/bin/magick"
		chmod 755 "$work/im7/usr/bin/magick"
		printf '%s\n' 'Package: landjail-test-magick' 'Version: 1.0' 'Architecture: all' \
			'Maintainer: landjail tests <landjail@example.org>' \
			'Description: stand-in ImageMagick 7 for landjail tests/packaging.sh' \
			>"$work/im7/DEBIAN/control"
		dpkg-deb --root-owner-group --build "$work/im7" "$work/im7.deb" >/dev/null
		check "no magick wrapper while ImageMagick 7 is not installed" test ! -e $wr/magick
		check "dpkg -i of a package with /usr/bin/magick adds the magick wrapper" sh -c '
			dpkg -i "$1" >/dev/null && [ -L "$2/magick" ] && [ "$2/magick" -ef /usr/bin/landjail ]' \
			sh "$work/im7.deb" $wr
		check "dpkg -r of that package takes the wrapper away" sh -c '
			dpkg -r landjail-test-magick >/dev/null && [ ! -e "$1/magick" ]' sh $wr
		dpkg -r landjail-test-magick >/dev/null 2>&1
	fi
	# With the wrappers of the profile library: the issue's own example.
	check "PATH=/usr/libexec/landjail/wrappers:\$PATH convert rose: x.png" \
		sh -c 'cd "$1" && env -i HOME=/nonexistent TMPDIR="$1" \
			PATH=/usr/libexec/landjail/wrappers:/usr/bin:/bin convert rose: x.png &&
			test -s x.png' sh "$work"
fi

# ---- the RPM ---------------------------------------------------------------------

if have_pkg rpm rpmbuild; then
	# On Debian rpmbuild cannot see the build dependencies (dpkg has them).
	opts=
	command -v dpkg >/dev/null 2>&1 && opts=--nodeps
	if out=$(RPMBUILD_OPTS=$opts "$SRCDIR/packaging/build-rpm.sh" "$work" 2>&1) &&
		rpm=$(ls "$work"/landjail-"$meson_version"-*.rpm 2>/dev/null | head -n 1) && [ -n "$rpm" ] &&
		files=$(rpm -qlp "$rpm" 2>/dev/null) &&
		grep -qx /usr/bin/landjail <<<"$files" &&
		grep -qx /usr/share/landjail/profiles/base-dynamic.ini <<<"$files"; then
		pass "packaging/build-rpm.sh builds $(basename "$rpm") with landjail and its profiles"
	else
		fail "packaging/build-rpm.sh builds the RPM" "$(printf '%s\n' "$out" | tail -n 40)"
	fi
else
	skip "packaging/build-rpm.sh builds the RPM" "rpmbuild is not installed (Debian package rpm)"
fi

[ "$failed" -eq 0 ]
