# Programs a test needs, named with the Debian package that ships them.
# Sourced by tests/lib.sh and tests/tap.sh.
#
# tests/deps.sh checks that every PACKAGE named here by a test is in one of
# the install lists (tests/deps/*.txt), and ./quickstart test fails on any
# skip that tests/skip-allow.txt does not list: so a test cannot be skipped
# into green on a fresh machine.

# have_prog PROG: PROG (a path: it exists; a name: it is on PATH).
have_prog() {
	case $1 in
	*/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 ;;
	esac
}

# need_pkg PACKAGE PROGRAM...: skip the whole test (TAP "1..0 # SKIP")
# unless every PROGRAM (a path, or a name on PATH) exists. PACKAGE is the
# Debian package that ships them.
need_pkg() {
	local pkg=$1 prog
	shift
	for prog in "$@"; do
		have_prog "$prog" && continue
		echo "1..0 # SKIP $prog is not installed (Debian package $pkg)"
		exit 0
	done
}

# have_pkg PACKAGE PROGRAM...: the same test for a single assertion;
# true when every PROGRAM exists. The caller skips with a reason that
# names PACKAGE.
have_pkg() {
	local prog
	shift
	for prog in "$@"; do
		have_prog "$prog" || return 1
	done
}
