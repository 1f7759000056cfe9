#!/bin/bash
# The install lists (tests/deps/*.txt) cover every package a test may skip
# for: otherwise a fresh machine skips that test and CI is green for the
# wrong reason.  (TAP)
#
#   1. each list holds package names, each once (a line "PACKAGE COMMAND"
#      installs PACKAGE only where COMMAND is missing);
#   2. every package a test names through need_pkg / have_pkg, or in a
#      "(Debian package NAME)" skip reason, is in a list;
#   3. a test that says a program "is not installed" names its package;
#   4. every listed package is installed (./quickstart test installs them
#      all; by hand this is a skip that names the package).
set -u
: "${SRCDIR:?SRCDIR must point at the source tree}"
. "$SRCDIR/tests/tap.sh"
cd "$SRCDIR" || exit 1

lists=(tests/deps/*.txt)
# Test sources: everything under tests/ but the lists and the helpers that
# define need_pkg and have_pkg.
mapfile -t sources < <(find tests -type f \( -name '*.sh' -o -name '*.py' -o -name '*.c' -o -name init \) \
	! -path 'tests/deps/*' ! -name pkg.sh ! -name deps.sh | sort)

# "PACKAGE [COMMAND]" lines of every list, comments dropped.
entries() { sed -e 's/#.*//' -e 's/[[:space:]]*$//' "$@" | sed '/^[[:space:]]*$/d'; }
listed=$(entries "${lists[@]}" | awk '{ print $1 }' | sort -u)

# ---- 1. the lists ----------------------------------------------------------------
for list in "${lists[@]}"; do
	lines=$(entries "$list")
	words=$(awk '{ print $1 }' <<<"$lines")
	bad=$(grep -vE '^[a-z0-9][a-z0-9+.-]+(:[a-z0-9]+)?([[:space:]]+[A-Za-z0-9_+.-]+)?$' <<<"$lines")
	dups=$(sort <<<"$words" | uniq -d)
	if [ -n "$words" ] && [ -z "$bad" ] && [ -z "$dups" ]; then
		pass "$list: package names, each once"
	else
		fail "$list: package names, each once" "not a package name: $bad"$'\n'"twice: $dups"
	fi
done

# ---- 2. what the tests name --------------------------------------------------------
named=$(grep -hoE '(need_pkg|have_pkg) +[a-z0-9][a-z0-9+.-]+' "${sources[@]}" | awk '{ print $2 }'
	grep -hoE 'Debian package [a-z0-9][a-z0-9+.-]+' "${sources[@]}" | awk '{ print $3 }')
named=$(sort -u <<<"$named" | sed '/^$/d')
if [ -z "$named" ]; then
	fail "the tests name the packages they need" "no need_pkg, have_pkg or \"Debian package\" found"
fi
for pkg in $named; do
	users=$(grep -lE "(need_pkg|have_pkg) +$pkg( |\$)|Debian package $pkg\b" "${sources[@]}" | paste -sd ' ')
	if grep -qxF -- "$pkg" <<<"$listed"; then
		pass "$pkg (needed by $users) is in an install list"
	else
		fail "$pkg (needed by $users) is in an install list" \
			"add it to a list in tests/deps/ with the reason, or the test skips on a fresh machine"
	fi
done

# ---- 3. no skip for a missing program without its package ------------------------------
unnamed=$(grep -nE 'not installed' "${sources[@]}" | grep -iE 'skip' | grep -v 'Debian package')
if [ -z "$unnamed" ]; then
	pass "every \"is not installed\" skip names its Debian package"
else
	fail "every \"is not installed\" skip names its Debian package" "$unnamed"
fi

# ---- 4. installed ----------------------------------------------------------------------
while read -r pkg cmd; do
	if [ -n "$cmd" ] && have_prog "$cmd"; then
		pass "$pkg: its command $cmd is here"
	# (triggers-pending: another apt run is still finishing its triggers)
	elif dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null |
		grep -qE "install ok (installed|triggers-pending|triggers-awaited)"; then
		pass "$pkg is installed"
	else
		skip "$pkg is installed" "not installed here (./quickstart test installs it)"
	fi
done < <(entries "${lists[@]}" | sort -u -k1,1)

echo "1..$n"
[ "$failed" -eq 0 ]
