#!/bin/bash
# The include graph of src/ (TAP): a module is a file's name without .c
# or .h (policy.c and policy.h are the module "policy"), except that the
# files of one mechanism split over several files whose header names the
# parts are one module (the groups below); "a.c includes b.h" is an edge
# a -> b.  The graph must have no cycle, so that the three
# phases (read: profile*, section*; plain data: policy*; plan and
# mechanisms) can be read one after the other, and no mechanism may
# include the profile reader's headers (section.h, profile.h).
#
# Environment, set by tests/meson.build:
#   SRCDIR    the source tree
set -u
: "${SRCDIR:?SRCDIR must point at the source tree}"
export LC_ALL=C
. "$SRCDIR/tests/tap.sh"
src=$SRCDIR/src

# The mechanisms: the kernel-facing code that works from the plain policy
# (and the plan), never from the reader.
mechanisms=(landlock netpolicy limit environ ns guard sandbox supervise proctree seccomp
	reaper proclimit fdguard disklimit relay namedfiles)

# Mechanisms in several files: syscall_filter.h lists the seccomp files,
# trace_decode.h is the tracer's decoder.
module_of() {
	case $1 in
	seccomp_* | syscall_filter) echo seccomp ;;
	trace | trace_decode) echo trace ;;
	*) echo "$1" ;;
	esac
}

# "a b" lines: module a includes a header of module b.
edges() {
	local f mod inc to
	for f in "$src"/*.c "$src"/*.h; do
		mod=$(basename "$f"); mod=$(module_of "${mod%.*}")
		sed -nE 's/^#include "([a-z0-9_]+)\.h".*/\1/p' "$f" | while read -r inc; do
			[ -e "$src/$inc.h" ] || continue
			to=$(module_of "$inc")
			[ "$to" != "$mod" ] && echo "$mod $to"
		done
	done | sort -u
}

mapfile -t graph < <(edges)
echo "1..$((3 + ${#mechanisms[@]}))"

if [ ${#graph[@]} -ge 20 ]; then
	pass "src/ has ${#graph[@]} include edges between modules"
else
	fail "src/ has include edges between modules (found ${#graph[@]})"
fi

# tsort(1) names the modules of each loop it finds on standard error.
loops=$(printf '%s\n' "${graph[@]}" | tsort 2>&1 >/dev/null)
if [ -z "$loops" ]; then
	pass "the include graph of src/ has no cycle"
else
	fail "the include graph of src/ has no cycle" "$loops"
fi

for m in "${mechanisms[@]}"; do
	bad=$(printf '%s\n' "${graph[@]}" | awk -v m="$m" '$1 == m && ($2 == "section" || $2 == "profile") { print $2 ".h" }')
	if ! printf '%s\n' "${graph[@]}" | grep -q "^$m "; then
		fail "mechanism $m exists" "no module $m includes anything: update tests/modules.sh"
	elif [ -z "$bad" ]; then
		pass "mechanism $m does not include the profile reader"
	else
		fail "mechanism $m does not include the profile reader" "it includes: $bad"
	fi
done

# Landlock ABI numbers are compared by their names in abi.h only.
bare=$(grep -nE 'abi[a-z_.>-]* *(<|>|<=|>=|==) *[1-9]|define [A-Z_]*ABI[A-Z_]* +[0-9]' \
	"$src"/*.c "$src"/*.h | grep -v "^$src/abi.h:")
if [ -z "$bare" ]; then
	pass "every Landlock ABI comparison uses a name from abi.h"
else
	fail "every Landlock ABI comparison uses a name from abi.h" "$bare"
fi

[ "$failed" -eq 0 ]
