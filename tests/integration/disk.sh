#!/bin/bash
# [limits] disk: the total an isolated call keeps on disk in its own files
# (src/disklimit.h).  A program that writes many files under the bound
# runs to its end; over it, by write(), into outputs, into an unlinked
# file or through a shared mapping, it is killed with a report naming the
# line, and what it left is the bound plus the overshoot; the ways around
# the one watch (mkdir, O_TMPFILE) are refused; combinations landjail
# cannot measure are refused.  At Landlock ABI 2 and the kernel's, and
# under the namespace backend.
. "$SRCDIR/tests/lib.sh"
: "${FDMETA:?FDMETA must point at the fdmeta helper}"

mkdir -p "$T/bin"
install -m 0755 "$FDMETA" "$T/bin/fdmeta"
F=$T/bin/fdmeta
mkuserdir "$T/w"
mkuserdir "$T/other"

setups=("abi=")
[ "$(LANDJAIL_TEST_LANDLOCK_ABI=2 "$LANDJAIL" --status | sed -n 's/^Landlock: ABI //p')" = 2 ] &&
	setups+=("abi=2")
setups+=("ns")
plan $((${#setups[@]} * 19 + 8))

MIB=$((1 << 20))
BOUND=$((8 * MIB))
# The overshoot: what the program writes while landjail reacts, up to 5 ms
# of writing (landjail.profile(5), disk): some 20 MiB at page-cache speed;
# generous, so that a busy machine passes.
SLACK=$((64 * MIB))

profile disk '[filesystem]' "isolate = $T/w" 'scratch-env = TMPDIR' '[limits]' 'disk = 8M'
profile nodisk '[filesystem]' "isolate = $T/w" 'scratch-env = TMPDIR'

# jail SETUP PROFILE PROGRAM...: landjail in that setup, in the work
# directory; $out (stdout), $rc, and stderr in $T/err.
jail() {
	local setup=$1 prof=$2
	shift 2
	out=$(cd "$T/w" && lj_in "$setup" -p "$T/$prof.ini" \
		--rox "$T/bin" -- "$@" 2>"$T/err")
	rc=$?
}
# measured: the MiB figure of the report, in bytes.
measured() {
	sed -n 's/.*disk limit: .* (\([0-9.]*\) MiB in its scratch.*/\1/p' "$T/err" |
		awk '{ printf "%d\n", $1 * 1048576 }'
}
killed_ok() { # DESC
	is "$1: killed (137)" 137 "$rc"
	like "$1: the report names the limit and its line" \
		"disk limit: .* at disk = 8M \($T/disk.ini:7\)" "$(cat "$T/err")"
	local m
	m=$(measured)
	ok "$1: it had written at most the bound plus the overshoot (${m:-?} bytes)" \
		test "${m:-999999999999}" -le $((BOUND + SLACK))
}

for setup in "${setups[@]}"; do
	S="[$setup]"
	jail "$setup" disk "$F" fill tmpdir 6 1024
	is "$S 6 files of 1 MiB under disk = 8M: the program runs to its end" "0 ok" "$rc $out"
	jail "$setup" disk "$F" churn tmpdir 300
	is "$S 300 temporary files written, renamed and unlinked one after another: it runs" \
		"0 ok" "$rc $out"
	jail "$setup" nodisk "$F" fill tmpdir 100 1024
	is "$S control: 100 MiB in 100 files without the key works" "0 ok" "$rc $out"
	jail "$setup" disk "$F" fill tmpdir 100 1024
	killed_ok "$S 100 files of 1 MiB in the scratch directory"
	rm -f "$T/w"/o*.bin
	jail "$setup" disk "$F" fill-out 1024 $(printf 'o%d.bin ' $(seq 1 40))
	killed_ok "$S 40 outputs of 1 MiB"
	left=$(cat "$T/w"/o*.bin 2>/dev/null | wc -c)
	ok "$S ...and the outputs left hold at most the bound plus the overshoot ($left bytes)" \
		test "$left" -le $((BOUND + SLACK))
	rm -f "$T/w"/o*.bin
	jail "$setup" disk "$F" fill-unlinked tmpdir 102400
	killed_ok "$S 100 MiB into a file unlinked first"
	jail "$setup" disk "$F" fill-mmap tmpdir 102400
	killed_ok "$S 100 MiB through a shared mapping"
	jail "$setup" disk "$F" tmpfile tmpdir
	is "$S an unnamed file (O_TMPFILE) is refused" EOPNOTSUPP "$out"
	jail "$setup" nodisk "$F" tmpfile tmpdir
	is "$S control: ...and works without the key" ok "$out"
	jail "$setup" disk "$F" mkdir tmpdir
	is "$S a directory in the scratch directory is refused" EACCES "$out"
done

# What landjail cannot measure, it refuses (125), naming the line.
profile shared '[filesystem]' "rw = $T/w" '[limits]' 'disk = 8M'
out=$(lj -p "$T/shared.ini" --rox "$T/bin" -- "$F" fill "$T/w" 1 1 2>&1)
rc=$?
is "disk without isolate (a shared work directory) is refused" 125 "$rc"
like "...naming the line and why" "shared.ini:6: disk = 8M cannot be enforced: it needs isolate" "$out"
out=$(lj --best-effort -p "$T/shared.ini" --rox "$T/bin" -- "$F" fill "$T/w" 1 1 2>&1)
like "...and runs with a loud warning under --best-effort" "disk = 8M is NOT enforced" "$out"
out=$(cd "$T/w" && lj -p "$T/disk.ini" --rw "$T/other" --rox "$T/bin" -- "$F" fill tmpdir 1 1 2>&1)
rc=$?
is "disk with a writable rule elsewhere is refused" 125 "$rc"
like "...naming that rule" "rw = $T/other \(--rw [^)]*\) lets the program write where landjail does not measure" "$out"
out=$(cd "$T/w" && lj -p "$T/disk.ini" --ro /dev/null --rox "$T/bin" -- "$F" fill tmpdir 1 1 2>&1)
is "control: a read-only rule next to it is fine" ok "$out"
if has_test_hooks; then
	out=$(cd "$T/w" && LANDJAIL_TEST_NO_USER_NOTIF=1 lj -p "$T/disk.ini" --rox "$T/bin" -- \
		"$F" fill tmpdir 1 1 2>&1)
	rc=$?
	is "without seccomp user notification disk is refused" 125 "$rc"
	like "...saying why" "disk = 8M cannot be enforced: there is no seccomp user notification" "$out"
else
	for _ in 1 2; do skip "without seccomp user notification" "this build has no test hooks"; done
fi

done_testing
