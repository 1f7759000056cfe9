#!/bin/bash
# The compiled-filter cache: used when it can be, never trusted blindly,
# never writable from inside a sandbox, and never a reason for a run to
# fail (an unusable cache only costs a compile).  No keyring call anywhere.
. "$SRCDIR/tests/lib.sh"

use_try_syscall
mkuserdir "$T/home"
mkuserdir "$T/work"
C=$T/home/.cache/landjail
BASE='allow = @default @basic-io @file-read @signal @io-event madvise'
profile kill '[syscalls]' 'default = kill' "$BASE"
profile log '[syscalls]' 'default = log' "$BASE"
profile killok '[syscalls]' 'default = kill' "$BASE" 'allow = kill'
profile denykill '[syscalls]' 'default = kill' "$BASE" 'deny = kill'
profile keyring '[syscalls]' 'allow = @keyring'
profile rwcache '[filesystem]' "rw = $T/home/.cache"

# lj_home ARGS...: landjail as the test user with HOME=$T/home.
lj_home() { as_user env -u XDG_CACHE_HOME HOME="$T/home" "$LANDJAIL" "$@"; }
source_of() { # PROFILE [ARGS...]: where this run's filter came from (-v)
	local p=$1
	shift
	lj_home -v -p "$T/$p.ini" --rox "$T/bin" "$@" -- "$TS" kill-self 2>&1 |
		sed -n 's/^landjail: seccomp: .*; filter //p'
}
cached() { [ "$(source_of "$@" | cut -c1-21)" = "from the filter cache" ]; }

# -- a hit, a miss, and what is on disk ---------------------------------------------------------
like "a first run compiles and stores its filter" "^compiled, then stored in the filter cache $C\$" \
	"$(source_of kill)"
is "the next run loads it" "from the filter cache $C" "$(source_of kill)"
like "the cache directory is the user's alone (0700)" '^drwx------ ' "$(ls -ld "$C")"
entry=$(ls "$C"/*.bpf)
like "entries are named by a SHA-256 and are 0600" '^-rw------- .*/[0-9a-f]{64}\.bpf$' "$(ls -l "$entry")"
is "one entry per policy" 1 "$(ls "$C"/*.bpf | wc -l)"
# The key is the allow and deny lines as written, and a hit brings the
# verdict table along (no name is resolved): one line more is a miss, and
# a cached run reports a violation as the compiled one did.
like "a policy with one allow line more misses (compiled)" "^compiled, then stored" \
	"$(source_of killok)"
report_of() { lj_home -v -p "$T/$1.ini" --rox "$T/bin" -- "$TS" kill-self 2>&1 |
	sed -n 's/^landjail: try-syscall\[[0-9]*\] //p; s/^landjail: seccomp: .*; filter \(.\{8\}\).*/\1/p'; }
first=$(report_of denykill)
like "a deny line's violation, compiled, names the deny line" \
	"^compiled.*forbidden syscall kill .*denied by a \"deny\" line .*denykill.ini" "$(tr '\n' ' ' <<<"$first")"
is "the same violation from a cached filter is reported the same way" \
	"from the${first#compiled}" "$(report_of denykill)"
rm -f "$C"/*.bpf
source_of kill >/dev/null
strace_out=$(as_user env HOME="$T/home" strace -f -qq -e trace=add_key,keyctl,request_key,landlock_create_ruleset \
	"$LANDJAIL" -p "$T/kill.ini" --rox "$T/bin" -- "$TS" kill-self 2>&1 >/dev/null)
fails "no keyring call on the launch path (strace)" grep -E "add_key|keyctl|request_key" <<<"$strace_out"
like "strace saw the launch (control)" "landlock_create_ruleset" "$strace_out"

# -- damaged or planted entries are not loaded -------------------------------------------------
strict=$entry
cp "$strict" "$T/good.bpf"
rm -f "$C"/*.bpf
source_of log >/dev/null
permissive=$(ls "$C"/*.bpf)
cp "$permissive" "$strict"
fails "another policy's entry under this policy's name is not used" cached kill
lj_home -p "$T/kill.ini" --rox "$T/bin" -- "$TS" msync >/dev/null 2>&1
is "and the strict policy is still enforced (killed)" 159 $?
cp "$T/good.bpf" "$strict"
ok "the genuine entry is loaded again (control)" cached kill
printf '\001' | dd of="$strict" bs=1 seek=$(($(stat -c %s "$strict") - 40)) conv=notrunc 2>/dev/null
fails "an entry with one byte changed is not used" cached kill
printf '\001' | dd of="$strict" bs=1 seek=$(($(stat -c %s "$strict") - 40)) conv=notrunc 2>/dev/null
like "and -v says it was damaged" "the entry .* was damaged and is replaced" "$(source_of kill)"
ok "it was rewritten" cached kill
truncate -s -8 "$strict"
fails "a truncated entry is not used" cached kill
: >"$strict"
fails "an empty entry is not used" cached kill
source_of kill >/dev/null
chmod 0644 "$strict"
fails "an entry open to others is not used" cached kill
chmod 0600 "$strict"
ok "the same entry, 0600 again, is used (control)" cached kill
ln "$strict" "$T/home/hardlink"
fails "an entry with a second hard link is not used" cached kill
rm "$T/home/hardlink"
ok "and without it, it is (control)" cached kill

# -- no sandbox can write an entry that a later run loads --------------------------------------
out=$(lj_home --rox /usr --rox /bin --rw "$T/work" -- /bin/sh -c "echo x >$C/planted.bpf" 2>&1)
fails "a confined program cannot create a file in the cache" test -e "$C/planted.bpf"
ok "while it can write its own work directory (control)" \
	lj_home --rox /usr --rox /bin --rw "$T/work" -- /bin/sh -c "echo x >$T/work/f"
for rule in "$C" "$T/home/.cache" "$T/home" "$T" /tmp /proc/self/root"$T/home" "$strict"; do
	out=$(lj_home --rox /usr --rox /bin --rw "$rule" -- /bin/sh -c "echo x >$C/planted.bpf" 2>&1)
	is "a policy with rw on $rule is refused" 125 $?
	like "  and says why" "lets the program write landjail's filter cache \($C\)" "$out"
done
fails "none of them planted a file" test -e "$C/planted.bpf"
ok "rw on a directory inside the cache is no threat: it runs (control)" \
	lj_home --rox /usr --rw "$(mkdir -p "$C/sub" && chown "$LJ_UID" "$C/sub" && echo "$C/sub")" -- /bin/true
out=$(lj_home -p "$T/rwcache.ini" --rox /usr -- /bin/true 2>&1)
like "a profile's rule is named by file:line" "rwcache.ini:4: rw $T/home/.cache lets the program" "$out"
# The chain: one profile lets the program use the keyring (which the old
# cache trusted), another makes the cache writable.  Neither helps now.
ok "a policy that allows the keyring calls runs: the cache needs no key" \
	lj_home -p "$T/keyring.ini" --rox "$T/bin" -- "$TS" kill-self
ok "and the cache is still used afterwards" cached kill
out=$(lj_home -p "$T/keyring.ini" -p "$T/rwcache.ini" --rox /usr -- /bin/true 2>&1)
is "keyring plus a writable cache is refused" 125 $?
like "  because of the writable cache" "lets the program write landjail's filter cache" "$out"
if [ "$LJ_UID" = 0 ]; then
	# A bind mount makes the cache visible elsewhere: a rule above that
	# place reaches it although no string matches.
	mkdir -p "$T/mnt/alias"
	mount --bind "$T/home" "$T/mnt/alias"
	out=$(lj_home --rox /usr --rw "$T/mnt" -- /bin/true 2>&1)
	is "rw above a bind mount of the home directory is refused" 125 $?
	like "  and names the cache" "filter cache \($C\)" "$out"
	ok "rw on a sibling directory there runs (control)" \
		lj_home --rox /usr --rw "$(mkdir -p "$T/mnt/other" && echo "$T/mnt/other")" -- /bin/true
	umount "$T/mnt/alias"
else
	ok "bind mounts are tested as root" true
	ok "bind mounts are tested as root" true
	ok "bind mounts are tested as root" true
fi

# -- a cache that cannot be used costs a compile, never a run ----------------------------------
out=$(as_user env -u HOME -u XDG_CACHE_HOME "$LANDJAIL" -v -p "$T/killok.ini" --rox "$T/bin" -- "$TS" kill-self 2>&1)
is "HOME unset: the run works" 0 $?
like "  and -v says there is no cache" "compiled; no filter cache: HOME and XDG_CACHE_HOME are unset" "$out"
# Read-only for root too: a read-only bind mount (EROFS).
mkdir -p "$T/rohome"
chmod 555 "$T/rohome"
[ "$LJ_UID" = 0 ] && mount --bind "$T/rohome" "$T/rohome" && mount -o remount,bind,ro "$T/rohome"
out=$(as_user env -u XDG_CACHE_HOME HOME="$T/rohome" "$LANDJAIL" -v -p "$T/killok.ini" --rox "$T/bin" -- "$TS" kill-self 2>&1)
is "an unwritable HOME: the run works" 0 $?
like "  and -v says the cache cannot be created" "compiled; the filter cache $T/rohome/.cache/landjail cannot be created" "$out"
[ "$LJ_UID" = 0 ] && umount "$T/rohome"
mkdir -p "$T/foreign/.cache/landjail"
chown 12345:12345 "$T/foreign/.cache/landjail"
chmod 700 "$T/foreign/.cache/landjail"
out=$(as_user env -u XDG_CACHE_HOME HOME="$T/foreign" "$LANDJAIL" -v -p "$T/killok.ini" --rox "$T/bin" -- "$TS" kill-self 2>&1)
is "a cache directory owned by someone else: the run works" 0 $?
like "  and -v says it is not used" "is not used: it is owned by someone else" "$out"
chmod 755 "$C"
out=$(lj_home -v -p "$T/kill.ini" --rox "$T/bin" -- "$TS" kill-self 2>&1)
like "a cache directory open to others is not used" "is not used: it is open to others" "$out"
chmod 700 "$C"
out=$(as_user env -u XDG_CACHE_HOME HOME=/proc "$LANDJAIL" -v -p "$T/killok.ini" --rox "$T/bin" -- "$TS" kill-self 2>&1)
is "a HOME on a read-only filesystem (/proc): the run works" 0 $?
like "  and -v says why there is no cache" "compiled; the filter cache /proc/.cache/landjail cannot be created" "$out"
# A HOME that does not exist (HOME=/nonexistent, as services set it) is
# not created: only ~/.cache and ~/.cache/landjail ever are.
mkuserdir "$T/nohome-parent"
out=$(as_user env -u XDG_CACHE_HOME HOME="$T/nohome-parent/home" "$LANDJAIL" -v -p "$T/killok.ini" \
	--rox "$T/bin" -- "$TS" kill-self 2>&1)
is "a HOME that does not exist: the run works" 0 $?
like "  and -v says the cache cannot be created" \
	"compiled; the filter cache $T/nohome-parent/home/.cache/landjail cannot be created" "$out"
ok "  and that HOME was not created" test ! -e "$T/nohome-parent/home"

# -- SHA-256 on a CPU without the SHA instructions ----------------------------------------------
# Under musl the first hash runs the instructions once under a SIGILL
# handler (filter_cache.c); where they raise SIGILL the portable rounds
# are used, which must name and check the entries alike.  The test hook
# makes the probe raise SIGILL (ud2) as such a CPU would.
source_of kill >/dev/null
is "without the SHA instructions an entry stored with them is loaded" \
	"from the filter cache $C" "$(LANDJAIL_TEST_SHA_SIGILL=1 source_of kill)"
# A caller that blocks SIGILL: a trap it blocks would kill us, handler
# or not, so the probe unblocks it; the program still gets the mask.
blocked_ill() { python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGILL})
os.execvp(sys.argv[1], sys.argv[1:])' "$@"; }
out=$(LANDJAIL_TEST_SHA_SIGILL=1 blocked_ill "${as_user_cmd[@]}" env -u XDG_CACHE_HOME HOME="$T/home" \
	"$LANDJAIL" --rox /usr --ro /proc -- /usr/bin/grep SigBlk /proc/self/status 2>&1)
rc=$?
is "with SIGILL blocked by the caller and the probe's SIGILL, the run succeeds" 0 "$rc"
like "and the program starts with SIGILL (signal 4, 0x8 in SigBlk) still blocked" \
	'^SigBlk:[[:space:]]+[0-9a-f]*[89a-f]$' "$out"
plan "$_tap_n"
done_testing
