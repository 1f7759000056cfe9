#!/bin/bash
# The check, before anything is confined, that the policy lets the program
# and its loader run: a file rule grants exactly that file (its device and
# inode), a directory rule what lies beneath it; --path-after skips its
# directory however PATH reaches it.
. "$SRCDIR/tests/lib.sh"

plan 8

mkdir -p "$T/bin" "$T/other"
cp /bin/true "$T/bin/yes-true"
cp /bin/true "$T/bin/no-true"
ln "$T/bin/yes-true" "$T/other/hardlink"
ln -s "$T/bin/yes-true" "$T/other/symlink"
chmod -R go+rX "$T/bin" "$T/other"
loader=$(readlink -f /lib64/ld-linux-x86-64.so.2)
base=(--rox "$loader" --ro /usr/lib --ro /etc/ld.so.cache)

ok "control: a file rule lets that file run" lj "${base[@]}" --rox "$T/bin/yes-true" -- "$T/bin/yes-true"
out=$(lj "${base[@]}" --rox "$T/bin/yes-true" -- "$T/bin/no-true" 2>&1); rc=$?
is "another file on the same file system is refused before the run (126)" 126 "$rc"
like "naming it" "does not allow executing $T/bin/no-true" "$out"
ok "a hard link to the granted file runs (the same inode)" \
	lj "${base[@]}" --rox "$T/bin/yes-true" -- "$T/other/hardlink"
ok "a symbolic link to it runs" lj "${base[@]}" --rox "$T/bin/yes-true" -- "$T/other/symlink"
ok "a directory rule lets what is beneath it run" lj "${base[@]}" --rox "$T/bin" -- "$T/bin/no-true"
out=$(lj --rox "$T/bin/yes-true" --ro /usr/lib --ro /etc/ld.so.cache -- "$T/bin/yes-true" 2>&1); rc=$?
is "without the loader granted: refused (126)" 126 "$rc"
like "naming the loader" "does not allow executing $loader" "$out"

done_testing
