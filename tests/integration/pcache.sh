#!/bin/bash
# The policy cache: a call whose profiles did not change replays the last
# load's lines instead of reading the files; any change to a profile, an
# included file, a drop-in or a directory searched makes it read them
# again; ${VAR} is expanded live; and an entry counts only in the caller's
# own 0700 cache directory, of the caller's own, 0600, intact.
. "$SRCDIR/tests/lib.sh"

mkuserdir "$T/home"
C=$T/home/.cache/landjail
U=$T/config/landjail/profiles
mkdir -p "$U" "$T/prof" "$T/tmp2"
mkuserdir "$T/tmp1"
chmod 755 "$T/config" "$T/config/landjail" "$U" "$T/prof" "$T/tmp1" "$T/tmp2"
# put FILE LINES...: a profile, mode 0644, owned by root.
put() {
	local f=$1
	shift
	printf '%s\n' '[profile]' 'version = 1' "$@" >"$f.new"
	chmod 0644 "$f.new"
	mv "$f.new" "$f"
}
put "$T/prof/top.ini" 'include = mid' '[filesystem]' 'ro = ?/opt/aaaa' 'ro = ?${TMPDIR}/marker'
put "$U/mid.ini" 'include = ${LJ_TEST_INC}' '[filesystem]' 'ro = ?/opt/mid1'
put "$U/leaf.ini" '[filesystem]' 'ro = ?/opt/leaf'
put "$U/other.ini" '[filesystem]' 'ro = ?/opt/other'
# Entries are not stored while a profile is fresher than the filesystem's
# clock can tell apart: each change waits that out before the next call.
settle() { sleep 0.1; }
settle

# lj_pc ARGS...: landjail as the test user with this test's home and
# profiles; LJ_TEST_INC names the file mid.ini includes.
lj_pc() {
	as_user env -u XDG_CACHE_HOME HOME="$T/home" XDG_CONFIG_HOME="$T/config" \
		TMPDIR="${TMPDIR_PC:-$T/tmp1}" LJ_TEST_INC="${INC:-leaf}" PATH=/usr/bin:/bin \
		"$LANDJAIL" "$@"
}
# from: $src, where this call's profiles came from (-v), and $pol, its
# --check.
from() {
	pol=$(lj_pc -v --check -p "$T/prof/top.ini" 2>"$T/err")
	src=$(sed -n 's/^landjail: profiles: //p' "$T/err")
}
hit() { from; [ "${src:0:21}" = "from the policy cache" ]; }
# inplace FILE OLD NEW: the same bytes with OLD replaced, written into the
# same inode (no rename).
inplace() {
	python3 -c 'import sys
f = open(sys.argv[1], "r+b"); d = f.read().replace(sys.argv[2].encode(), sys.argv[3].encode())
f.seek(0); f.write(d); f.truncate(); f.close()' "$@"
}

# -- a hit, a miss, and what is on disk ------------------------------------------------------------
from
is "a first call reads the profiles and stores them" "read, then stored in the policy cache $C" "$src"
first=$pol
from
like "the next call replays them" "^from the policy cache $C \([0-9]+ files and directories unchanged\)\$" \
	"$src"
is "to the same policy (--check)" "$first" "$pol"
like "  which is the profiles' (control)" "ro = \\?/opt/leaf.*ro = \\?/opt/mid1.*ro = \\?/opt/aaaa" \
	"$(tr '\n' ' ' <<<"$pol")"
entry=$(ls "$C"/*.pol)
like "the entry is named by a SHA-256 and is 0600 and the caller's" \
	"^-rw------- 1 $(id -nu "$LJ_UID") .*/[0-9a-f]{64}\.pol\$" "$(ls -l "$entry")"
like "in the caller's 0700 directory" '^drwx------ ' "$(ls -ld "$C")"
out=$(lj_pc -v -p "$T/prof/top.ini" --rox /usr -- /bin/true 2>&1)
is "a run from the cache works" 0 $?
like "  and -v says where its profiles came from" "profiles: from the policy cache" "$out"
like "another list of profiles is another entry" "^read, then stored" \
	"$(lj_pc -v --check -p "$T/prof/top.ini" -p other 2>&1 >/dev/null | sed -n 's/^landjail: profiles: //p')"
hit
ok "which leaves the first one alone" hit

# -- every change to what the load read makes the next call read again ---------------------------
size=$(stat -c %s "$T/prof/top.ini")
inplace "$T/prof/top.ini" /opt/aaaa /opt/bbbb
is "an edit that keeps the size (control: the size)" "$size" "$(stat -c %s "$T/prof/top.ini")"
settle
from
like "an edit of the profile asked for, same size, is seen" \
	"^read; the entry .* is out of date \($T/prof/top.ini changed\)" "$src"
like "  and the policy follows it" "ro = \\?/opt/bbbb" "$pol"
ok "the entry was replaced: the next call is a hit" hit
like "  with the new line" "ro = \\?/opt/bbbb" "$pol"

inplace "$U/leaf.ini" /opt/leaf /opt/LEAF
settle
from
like "an edit of an included file is seen" "out of date \($U/leaf.ini changed\)" "$src"
like "  and the policy follows it" "ro = \\?/opt/LEAF" "$pol"
hit

mkdir -p "$U/mid.d"
chmod 755 "$U/mid.d"
settle
from
like "a drop-in directory made is seen" "out of date \($U changed\)" "$src"
hit
printf '%s\n' '[filesystem]' 'ro = ?/opt/drop1' >"$U/mid.d/local.ini"
chmod 644 "$U/mid.d/local.ini"
settle
from
like "a drop-in added is seen" "out of date \($U/mid.d changed\)" "$src"
like "  and the policy has its line" "ro = \\?/opt/drop1" "$pol"
hit
inplace "$U/mid.d/local.ini" drop1 drop2
settle
from
like "a drop-in changed (same size) is seen" "out of date \($U/mid.d/local.ini changed\)" "$src"
like "  and the policy follows it" "ro = \\?/opt/drop2" "$pol"
hit
rm "$U/mid.d/local.ini"
settle
from
like "a drop-in removed is seen" "out of date" "$src"
fails "  and its line is gone" grep -q "/opt/drop2" <<<"$pol"
hit

put "$T/prof/mid.ini" 'include = ${LJ_TEST_INC}' '[filesystem]' 'ro = ?/opt/mid2'
settle
from
like "a profile of the same name earlier in the search path is seen" \
	"out of date \($T/prof changed\)" "$src"
like "  and is the one read" "ro = \\?/opt/mid2" "$pol"
hit
rm "$T/prof/mid.ini"
settle
from

chmod g+w "$U/leaf.ini"
settle
out=$(lj_pc -v --check -p "$T/prof/top.ini" 2>&1)
is "a profile made group-writable is refused, as without the cache" 125 $?
like "  by the full load's check" "refusing a profile that group or others can write" "$out"
like "  after the entry was found out of date" "out of date \($U/leaf.ini changed\)" "$out"
chmod g-w "$U/leaf.ini"
settle
from
ok "mode 0644 again: read, stored and replayed (control)" hit

cp "$U/leaf.ini" "$T/leaf.new"
inplace "$T/leaf.new" /opt/LEAF /opt/REPL
mv "$T/leaf.new" "$U/leaf.ini"
settle
from
like "a file replaced by a rename is seen" "out of date \($U/leaf.ini changed\)" "$src"
like "  and the new one is read" "ro = \\?/opt/REPL" "$pol"
hit

# -- ${VAR} is expanded live, on every call ----------------------------------------------------------
like "TMPDIR=tmp1 expands to tmp1" "ro = \\?$T/tmp1/marker" "$pol"
TMPDIR_PC=$T/tmp2
ok "another TMPDIR: the entry is still used" hit
like "  and the policy has the new TMPDIR" "ro = \\?$T/tmp2/marker" "$pol"
fails "  and not the old one" grep -q "$T/tmp1/marker" <<<"$pol"
TMPDIR_PC=
INC=other
from
like "an include whose variable names another profile: the entry is not used" \
	"out of date \(an include names another file\)" "$src"
like "  and the other profile is read" "ro = \\?/opt/other" "$pol"
fails "  instead of the first" grep -q "/opt/REPL" <<<"$pol"
INC=
from
ok "the first name again: read and stored again (control)" hit

# -- a change the filesystem's clock cannot tell from the next one ------------------------------------
if has_test_hooks; then
	rm -f "$C"/*.pol
	LANDJAIL_TEST_RACY_PROFILES=1 from
	like "a profile changed within the clock's tick is read but not stored" \
		"^read; not stored in the policy cache: .* changed too recently to tell it from a change to come\$" "$src"
	fails "  so the next call reads it again" hit
	ok "  and stores it, once old enough, for the one after (control)" hit
else
	for _ in 1 2 3; do skip "a profile changed within the clock's tick" "this build has no test hooks"; done
fi

# -- damaged and forged entries ----------------------------------------------------------------------
entry=$(ls -t "$C"/*.pol | head -1)
hit
cp -p "$entry" "$T/good.pol"
good=$pol
printf '\001' | dd of="$entry" bs=1 seek=$(($(stat -c %s "$entry") / 2)) conv=notrunc 2>/dev/null
from
like "an entry with one byte changed is not used" "the entry $entry was damaged; replaced" "$src"
is "  and the policy is the profiles'" "$good" "$pol"
truncate -s -8 "$entry"
from
like "a truncated entry is not used" "was damaged" "$src"
# A forgery that keeps the format: another rule in the lines, and the
# SHA-256 at the end made anew.  The checksum is no secret: what keeps
# such a file out is who may write it.
forge() {
	python3 -c 'import sys, hashlib
d = open(sys.argv[1], "rb").read()[:-32].replace(b"/opt/REPL", b"/etc/shad")
open(sys.argv[2], "wb").write(d + hashlib.sha256(d).digest())' "$T/good.pol" "$entry"
	chown "$LJ_UID:$LJ_UID" "$entry"
	chmod 0600 "$entry"
}
forge
truncate -s -32 "$entry"
cat "$T/good.pol" | tail -c 32 >>"$entry"
from
like "an edited line without its SHA-256 made anew is not used" "the entry $entry was damaged" "$src"
fails "  and its rule is not granted" grep -q "/etc/shad" <<<"$pol"
forge
ok "a forgery of the caller's own, 0600, is taken (control: the format is right)" hit
like "  (and would grant what it says)" "ro = \\?/etc/shad" "$pol"
forge
chmod 0644 "$entry"
fails "the forgery readable by others is not used" hit
fails "  and its rule is not granted" grep -q "/etc/shad" <<<"$pol"
forge
chmod 0640 "$entry"
fails "the forgery readable by the group is not used" hit
forge
chown 12345 "$entry"
fails "the forgery owned by someone else is not used" hit
fails "  and its rule is not granted" grep -q "/etc/shad" <<<"$pol"
forge
ln "$entry" "$T/home/link"
fails "the forgery with a second hard link is not used" hit
rm -f "$T/home/link"
forge
chmod 0755 "$C"
from
like "the forgery in a cache directory open to others is not used" \
	"the policy cache $C is not used: it is open to others" "$src"
fails "  and its rule is not granted" grep -q "/etc/shad" <<<"$pol"
chmod 0700 "$C"
forge
chown 12345 "$C"
from
like "the forgery in a cache directory of someone else's is not used" \
	"the policy cache $C is not used: it is owned by someone else" "$src"
fails "  and its rule is not granted" grep -q "/etc/shad" <<<"$pol"
ok "  and the call still works" lj_pc -p "$T/prof/top.ini" --rox /usr -- /bin/true
chown "$LJ_UID" "$C"
rm -f "$C"/*.pol
from

# -- no sandboxed program can write an entry ---------------------------------------------------------
out=$(lj_pc -p "$T/prof/top.ini" --rox /usr --rox /bin --rw "$T/tmp1" -- \
	/bin/sh -c "cp $T/good.pol $C/planted.pol; echo x >$T/tmp1/f" 2>&1)
fails "a confined program cannot put a file in the cache" test -e "$C/planted.pol"
ok "  while it can write its own directory (control)" test -e "$T/tmp1/f"
out=$(lj_pc -p "$T/prof/top.ini" --rox /usr --rw "$T/home" -- /bin/true 2>&1)
is "a call that would let the program write the cache is refused" 125 $?
like "  and says why" "lets the program write landjail's filter cache \($C\)" "$out"

# -- a cache that cannot be used costs a load, never a call -----------------------------------------
out=$(as_user env -u HOME -u XDG_CACHE_HOME XDG_CONFIG_HOME="$T/config" TMPDIR="$T/tmp1" LJ_TEST_INC=leaf "$LANDJAIL" -v \
	-p "$T/prof/top.ini" --rox /usr -- /bin/true 2>&1)
is "HOME unset: the call works" 0 $?
like "  and -v says there is no cache" "profiles: read; no policy cache: HOME and XDG_CACHE_HOME are unset" "$out"
out=$(lj_pc -v -p "$T/prof/nonexistent.ini" -- /bin/true 2>&1)
is "a missing profile is still an error" 125 $?
like "  and is not stored" "not stored in the policy cache: the profiles have problems" "$out"

done_testing
