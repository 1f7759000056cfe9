#!/bin/bash
# Launch cost of landjail, for the record (not a pass/fail test):
#   meson test -C build --benchmark -v
# The quick variant of bench/run: /bin/true and identify, bare, landjail
# ad hoc, with a profile and through the wrapper, and the peers installed
# here, one round.  bench/run without --quick gives the full table.
set -eu
: "${LANDJAIL:?}" "${SRCDIR:?}"
if ! command -v hyperfine >/dev/null; then
	echo "bench: hyperfine is not installed (Debian package hyperfine)"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
LANDJAIL=$LANDJAIL "$SRCDIR/bench/run" --quick --out "$T"
# And a bare exec against landjail ad hoc, call by call in turn (bench/ab).
"$SRCDIR/bench/ab" -n 200 /bin/true --- "$LANDJAIL" --rox /usr -- /bin/true
