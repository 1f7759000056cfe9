#!/bin/bash
# Inherited descriptors cannot change files outside the policy
# (src/fdguard.h).  The application's log reaches the program as an
# inherited descriptor (fd 3 with --keep-fd, and stderr); every call that
# changes a file's metadata or size through a descriptor must leave it as
# it was, while the same call on the program's own output in the work
# directory works.  Each attack first works outside landjail (the
# control), at Landlock ABI 2 and the kernel's, and under the namespace
# backend.
. "$SRCDIR/tests/lib.sh"
: "${FDMETA:?FDMETA must point at the fdmeta helper}"
: "${HOST_FILTER:?HOST_FILTER must point at the host-filter helper}"

mkdir -p "$T/bin"
install -m 0755 "$FDMETA" "$T/bin/fdmeta"
F=$T/bin/fdmeta
mkuserdir "$T/w"
mkuserdir "$T/logs"

native=$("$LANDJAIL" --status | sed -n 's/^Landlock: ABI \([0-9]*\).*/\1/p')
setups=("abi=")
[ "$(LANDJAIL_TEST_LANDLOCK_ABI=2 "$LANDJAIL" --status | sed -n 's/^Landlock: ABI //p')" = 2 ] &&
	setups+=("abi=2")
setups+=("ns")

OPS=(fchmod fchown ftruncate fallocate fsetxattr fremovexattr futimens utimensat-empty
	fchmodat2-empty fchownat-empty setxattrat-empty removexattrat-empty file_setattr-empty
	setflags fssetxattr unappend)
plan $((${#OPS[@]} + 1 + ${#setups[@]} * (3 * ${#OPS[@]} + 15) + 10))

# A profile without an allowlist that lets the program change metadata by
# path too: the AT_EMPTY_PATH forms are then allowed by the table, and
# only the descriptor check stands between them and the log.
profile meta '[syscalls]' 'allow = @file-metadata'

# newlog: a fresh log owned by the test user (only the policy, not file
# permissions, can stop the user), with an xattr to remove, and a moment
# for its times to be in the past.
log=$T/logs/app.log
newlog() {
	rm -f "$log"
	printf 'line 1 of the application log\n' >"$log"
	chown "$LJ_UID:$LJ_UID" "$log"
	chmod 0640 "$log"
	python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.landjail", b"y")' "$log"
	sleep 0.02
}
# ownfile: the program's own file in the work directory, with an xattr.
ownfile() {
	rm -f "$T/w/own"
	as_user python3 -c 'import os, sys; open(sys.argv[1], "w").write("own\n")
os.setxattr(sys.argv[1], "user.landjail", b"y")' "$T/w/own"
}
# snap FILE: everything an attack could change (ctime moves with any of it).
snap() {
	python3 - "$1" <<'PY'
import hashlib, os, sys
p = sys.argv[1]
s = os.stat(p)
print(oct(s.st_mode), s.st_uid, s.st_gid, s.st_size, s.st_blocks, s.st_mtime_ns,
      s.st_ctime_ns, sorted((n, os.getxattr(p, n)) for n in os.listxattr(p)),
      hashlib.sha1(open(p, "rb").read()).hexdigest())
PY
}

# ---- controls: each attack changes the log outside landjail --------------------
for op in "${OPS[@]}"; do
	newlog
	before=$(snap "$log")
	out=$(as_user "$F" "$op" 3 3>>"$log" 2>&1)
	after=$(snap "$log")
	ok "control: $op on an inherited log works outside landjail ($out)" \
		test "$out" = ok -a "$before" != "$after"
done
newlog
chmod 0640 "$log"
out=$(as_user "$F" swap 3 "$T/w/own" 3>>"$log" 2>&1)
is "control: the descriptor-switching race changes the log outside landjail" changed "$out"

# jail SETUP ARGS... -- PROGRAM...: landjail in that setup with the log as
# fd 3 and the work directory writable; sets $out and $rc.
jail() {
	local setup=$1
	shift
	out=$(lj_in "$setup" -p "$T/meta.ini" --rox "$T/bin" \
		--rw "$T/w" --keep-fd 3 "$@" 3>>"$log" 2>"$T/err")
	rc=$?
}

for setup in "${setups[@]}"; do
	S="[$setup]"
	for op in "${OPS[@]}"; do
		newlog
		before=$(snap "$log")
		jail "$setup" -- "$F" "$op" 3
		is "$S $op on the inherited log (fd 3) is refused" EPERM "$out"
		is "$S ...and the log is unchanged" "$before" "$(snap "$log")"
		ownfile
		jail "$setup" -- "$F" "$op" "$T/w/own"
		is "$S control: $op on the program's own file in the work directory works" ok "$out"
	done
	newlog
	before=$(snap "$log")
	jail "$setup" -- "$F" dup fchmod 3
	is "$S fchmod on a dup of the log is refused" EPERM "$out"
	jail "$setup" -- "$F" -t fchmod 3
	is "$S fchmod on the log from a second thread is refused" EPERM "$out"
	jail "$setup" -- "$F" -t fsetxattr 3
	is "$S fsetxattr on the log from a second thread is refused" EPERM "$out"
	jail "$setup" -- "$F" swap 3 "$T/w/own"
	is "$S switching the descriptor under a checked fchmod does not reach the log" held "$out"
	is "$S ...and the log is unchanged" "$before" "$(snap "$log")"
	jail "$setup" -- "$F" fchmod 3
	like "$S the refusal names the call, the descriptor and the file" \
		"fchmod on descriptor 3 \($log\): a file inherited" "$(cat "$T/err")"
	rm -f "$T/w/own"
	jail "$setup" -- "$F" -t fchmod "$T/w/own"
	is "$S control: a second thread's fchmod of its own file works (done by landjail)" ok "$out"
	is "$S ...with the mode it asked for" 777 "$(stat -c %a "$T/w/own")"
	jail "$setup" -- "$F" -t ftruncate "$T/w/own"
	is "$S control: a second thread's ftruncate of its own file works" ok "$out"
	# A file the program may only read: no rule grants write on it.
	printf input >"$T/input"
	chown "$LJ_UID:$LJ_UID" "$T/input"
	jail "$setup" --ro "$T/input" -- "$F" fchmod "ro:$T/input"
	is "$S fchmod on a read-only descriptor of a file it owns is refused" EPERM "$out"
	jail "$setup" --ro "$T/input" -- "$F" setflags "ro:$T/input"
	is "$S ...and so is FS_IOC_SETFLAGS (chattr)" EPERM "$out"
	jail "$setup" -- "$F" fchmod "ro:$T/w/own"
	is "$S control: ...but works on one in the writable work directory" ok "$out"
	jail "$setup" -- "$F" -t unappend 3
	is "$S clearing O_APPEND of the log from a second thread is refused" EPERM "$out"
	jail "$setup" -- "$F" nonblock 1
	is "$S control: O_NONBLOCK on its standard output (a pipe) works" ok "$out"
	jail "$setup" -- "$F" clone-files
	is "$S a new process sharing the descriptor table is refused" EPERM "$out"
done

# stderr itself, the usual inherited log: the reports go there too, so the
# file grows, but its start, mode and size-from-start stay.
newlog
LANDJAIL_TEST_LANDLOCK_ABI= lj --rox "$T/bin" -- "$F" ftruncate 2 2>>"$log" >/dev/null
like "ftruncate on stderr (the log) is refused, and the log keeps its first line" \
	"^line 1 of the application log" "$(head -1 "$log")"
lj --rox "$T/bin" -- "$F" fchmod 2 2>>"$log" >/dev/null
is "fchmod on stderr (the log) leaves its mode" 640 "$(stat -c %a "$log")"

# Without user notification nothing can look behind a descriptor: the
# calls are refused on every descriptor, the program's own files included.
if has_test_hooks; then
	newlog
	out=$(LANDJAIL_TEST_NO_USER_NOTIF=1 lj -p "$T/meta.ini" --rox "$T/bin" --rw "$T/w" \
		--keep-fd 3 -- "$F" fchmod 3 3>>"$log" 2>&1)
	is "without user notification: fchmod on the log is refused" EPERM "$out"
	out=$(LANDJAIL_TEST_NO_USER_NOTIF=1 lj -p "$T/meta.ini" --rox "$T/bin" --rw "$T/w" \
		-- "$F" fchmod "$T/w/own" 2>&1)
	is "without user notification: ...and so on its own file (fail closed)" EPERM "$out"
	newlog
	out=$(LANDJAIL_TEST_NO_USER_NOTIF=1 lj --rox "$T/bin" -- "$F" unappend 2 2>>"$log")
	is "without user notification: clearing O_APPEND of stderr (the log) is refused" EPERM "$out"
	like "...and the log keeps its first line" "^line 1 of the application log" "$(head -1 "$log")"
else
	for _ in 1 2 3 4; do skip "without user notification" "this build has no test hooks"; done
fi

# Under a service manager's filter that kills pidfd_getfd (systemd's
# @debug, which Mastodon's units deny): landjail checks through /proc and
# must not die of the check itself (SIGSYS would be 159).
printf 'default allow\nkill pidfd_getfd\n' >"$T/nodebug.rules"
hf() { as_user "$HOST_FILTER" "$T/nodebug.rules" "$LANDJAIL" -p "$T/meta.ini" --rox "$T/bin" \
	--rw "$T/w" --keep-fd 3 -- "$F" "$@" 3>>"$log" 2>"$T/err"; }
newlog
before=$(snap "$log")
out=$(hf fchmod 3)
is "under a filter killing pidfd_getfd: fchmod on the log is refused, landjail alive" \
	"1 EPERM" "$? $out"
is "...and the log is unchanged" "$before" "$(snap "$log")"
ownfile
out=$(hf fchmod "$T/w/own")
is "...control: fchmod on its own file works (through /proc)" "0 ok" "$? $out"
out=$(hf -t fchmod "$T/w/own")
is "...a second thread's fchmod is refused (no copy to act on), landjail alive" \
	"1 EPERM" "$? $out"

done_testing
