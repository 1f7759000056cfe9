#!/bin/bash
# Launch cost of landjail, for the record (not a pass/fail test):
#   meson test -C build --benchmark -v
# Compares a bare exec of /bin/true, the floor of any launcher that execs a
# second program (posix_spawn and wait, statically linked like landjail),
# and landjail with a one-rule policy and with the ImageMagick profile.
set -eu
: "${LANDJAIL:?}" "${SPAWN_FLOOR:?}" "${SRCDIR:?}"
if ! command -v hyperfine >/dev/null; then
	echo "bench: hyperfine is not installed (Debian package hyperfine)"
	exit 0
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
install -m 0644 "$SRCDIR"/profiles/*.ini "$T/"
export TMPDIR=$T
hyperfine -N --warmup 100 --runs "${RUNS:-2000}" \
	'/bin/true' \
	"$SPAWN_FLOOR /bin/true" \
	"$LANDJAIL --rox /usr -- /bin/true" \
	"$LANDJAIL -p $T/imagemagick-convert.ini --rox /usr/bin/true -- /bin/true"
