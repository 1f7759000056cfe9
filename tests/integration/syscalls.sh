#!/bin/bash
# Syscall confinement: the always-denied calls, the [syscalls] allowlist
# with its three defaults, clone by flags, the foreign-architecture entry,
# and the report that names the forbidden call.  Each denial sits next to
# a control that shows the same call works where it is granted.
. "$SRCDIR/tests/lib.sh"

use_try_syscall
mkuserdir "$T/rw"
mkuserdir "$T/outside"

# What the static helper needs, without msync.
BASE='allow = @default @basic-io @file-read @signal @io-event madvise'
profile kill '[syscalls]' 'default = kill' "$BASE"
profile errno '[syscalls]' 'default = errno' "$BASE"
profile log '[syscalls]' 'default = log' "$BASE"
profile msync '[syscalls]' 'default = kill' "$BASE" 'allow = msync'
profile fork '[syscalls]' 'default = kill' "$BASE" 'allow = @process @threads' 'fork = yes'
profile nofork '[syscalls]' 'default = errno' "$BASE" 'allow = @process @threads'
profile forkonly '[syscalls]' 'default = kill' "$BASE" 'allow = wait4' 'fork = yes'
profile uring '[syscalls]' 'allow = @io-uring'
profile chmod '[syscalls]' 'allow = chmod'
profile persona '[syscalls]' 'default = kill' "$BASE" 'allow = personality'
profile ioctl '[syscalls]' 'default = kill' "$BASE" 'allow = ioctl @process @threads' \
	'fork = yes' '[filesystem]' 'dev = /dev/ptmx /dev/pts'

set_abis

# Controls outside the sandbox.
is "outside: io_uring_setup works" ok "$(as_user "$TS" io_uring_setup)"
is "outside: TIOCSTI on our own terminal works" ok "$(as_user "$TS" tiocsti)"
touch "$T/outside/mine"
chown "$LJ_UID:$LJ_UID" "$T/outside/mine"
is "outside: chmod of our own file works" ok "$(as_user "$TS" chmod "$T/outside/mine")"
is "outside: int 0x80 works" ok "$(as_user "$TS" int80)"
is "outside: personality(ADDR_NO_RANDOMIZE) works" ok "$(as_user "$TS" personality 0x0040000)"
# A System V segment of the user's, outside the sandbox (the application's,
# say): by key or by id it must stay out of reach.
SHM_KEY=$((0x4c4a0000 + $$ % 65536))
ipcrm -M "$SHM_KEY" 2>/dev/null
is "outside: the user creates a System V segment" ok "$(as_user "$TS" shm-create "$SHM_KEY")"
SHM_ID=$(awk -v k="$SHM_KEY" '$1 == k { print $2 }' /proc/sysvipc/shm)
is "outside: another process of the user attaches it by key" ok "$(as_user "$TS" shm-attach "$SHM_KEY")"
is "outside: and by id" ok "$(as_user "$TS" shmat "$SHM_ID")"
profile sysv '[syscalls]' 'default = kill' "$BASE" 'allow = @sysv-ipc'
trap 'ipcrm -M "$SHM_KEY" 2>/dev/null; lj_cleanup' EXIT
is "outside: an x32 call fails only with ENOSYS" ENOSYS "$(as_user "$TS" x32)"

for abi in "${abis[@]}"; do
	A="[ABI $abi]"
	# -- always denied ------------------------------------------------------------
	is "$A io_uring_setup is refused" EPERM "$(t "$abi" -- "$TS" io_uring_setup)"
	like "$A and reported by name" 'try-syscall\[[0-9]+\] was denied: forbidden syscall io_uring_setup \(425\); to allow it add "allow = io_uring_setup"' "$(cat "$T/err")"
	is "$A allow = @io-uring: io_uring_setup works" ok "$(t "$abi" -p "$T/uring.ini" -- "$TS" io_uring_setup)"
	is "$A TIOCSTI on a pty is refused" EPERM "$(t "$abi" --dev /dev/ptmx --dev /dev/pts -- "$TS" tiocsti)"
	like "$A and reported" "forbidden ioctl TIOCSTI" "$(cat "$T/err")"
	is "$A another ioctl on the same pty works" ok "$(t "$abi" --dev /dev/ptmx --dev /dev/pts -- "$TS" tiocgwinsz)"
	is "$A allowlist with ioctl: TIOCSTI still ends the sandbox" 159 \
		"$(t "$abi" -p "$T/ioctl.ini" -- "$TS" tiocsti >/dev/null; echo "$rc")"
	is "$A allowlist with ioctl: other ioctls work" ok "$(t "$abi" -p "$T/ioctl.ini" -- "$TS" tiocgwinsz)"
	is "$A chmod of the user's own file outside is refused" EPERM "$(t "$abi" -- "$TS" chmod "$T/outside/mine")"
	like "$A and reported" 'forbidden syscall chmod \(90\)' "$(cat "$T/err")"
	is "$A allow = chmod: it works" ok "$(t "$abi" -p "$T/chmod.ini" -- "$TS" chmod "$T/outside/mine")"
	is "$A the user's System V segment: refused by key" EPERM "$(t "$abi" -- "$TS" shm-attach "$SHM_KEY")"
	like "$A and reported with the line that allows it" 'forbidden syscall shmget \([0-9]+\); to allow it add "allow = shmget"' "$(cat "$T/err")"
	is "$A the user's System V segment: refused by id" EPERM "$(t "$abi" -- "$TS" shmat "$SHM_ID")"
	is "$A a System V message queue lookup is refused" EPERM "$(t "$abi" -- "$TS" msgget "$SHM_KEY")"
	is "$A allow = @sysv-ipc: the segment is reachable (control)" ok "$(t "$abi" -p "$T/sysv.ini" -- "$TS" shmat "$SHM_ID")"
	is "$A personality(ADDR_NO_RANDOMIZE) is refused" EPERM "$(t "$abi" -- "$TS" personality 0x0040000)"
	like "$A and reported with the value" "forbidden personality 0x40000 \(only PER_LINUX, PER_LINUX32 and UNAME26" "$(cat "$T/err")"
	is "$A personality(READ_IMPLIES_EXEC) is refused" EPERM "$(t "$abi" -- "$TS" personality 0x0400000)"
	is "$A personality(PER_LINUX32) works" ok "$(t "$abi" -- "$TS" personality 8)"
	is "$A the personality query works" ok "$(t "$abi" -- "$TS" personality 0xffffffff)"
	is "$A allow = personality: ADDR_NO_RANDOMIZE still ends the sandbox" 159 \
		"$(t "$abi" -p "$T/persona.ini" -- "$TS" personality 0x0040000 >/dev/null; echo "$rc")"
	is "$A allow = personality: PER_LINUX works" ok "$(t "$abi" -p "$T/persona.ini" -- "$TS" personality 0)"
	is "$A clone with CLONE_NEWUSER is refused" EPERM "$(t "$abi" -- "$TS" unshare-clone)"
	like "$A and reported" "namespace flags" "$(cat "$T/err")"
	is "$A a plain fork works without [syscalls]" ok "$(t "$abi" -- "$TS" fork)"
	is "$A clone3 answers ENOSYS" ENOSYS "$(t "$abi" -- "$TS" clone3)"
	is "$A threads still start (libc falls back to clone)" ok "$(t "$abi" -- "$TS" thread)"
	# -- foreign architecture -------------------------------------------------------
	t "$abi" -- "$TS" int80 >/dev/null
	is "$A int 0x80 from a 64-bit program kills it (159)" 159 "$rc"
	like "$A and says why" "another architecture's table" "$(cat "$T/err")"
	t "$abi" -- "$TS" x32 >/dev/null
	is "$A an x32 call kills it (159)" 159 "$rc"
	is "$A a native call works (control)" ok "$(t "$abi" -- "$TS" kill-self)"
	# -- the allowlist and its defaults ------------------------------------------------
	t "$abi" -p "$T/kill.ini" -- "$TS" msync >/dev/null
	is "$A default = kill: a call outside the allowlist ends it with 159" 159 "$rc"
	like "$A and the report names the call and the line to add" \
		"^landjail: try-syscall\[[0-9]+\] was stopped: forbidden syscall msync \(26\); to allow it add \"allow = msync\" to \[syscalls\] in kill.ini$" \
		"$(cat "$T/err")"
	is "$A allow = msync: the same call works" ok "$(t "$abi" -p "$T/msync.ini" -- "$TS" msync)"
	is "$A default = errno: the call fails with EPERM and the program goes on" EPERM \
		"$(t "$abi" -p "$T/errno.ini" -- "$TS" msync)"
	like "$A and it is reported" "was denied: forbidden syscall msync \(26\)" "$(cat "$T/err")"
	is "$A default = log: the call works" ok "$(t "$abi" -p "$T/log.ini" -- "$TS" msync)"
	like "$A and it is reported" "was allowed \(default = log\): forbidden syscall msync" "$(cat "$T/err")"
	is "$A allowlist without fork = yes: fork is refused" EPERM "$(t "$abi" -p "$T/nofork.ini" -- "$TS" fork)"
	like "$A and the report says how to allow it" 'add "fork = yes"' "$(cat "$T/err")"
	is "$A allowlist without fork = yes: threads work" ok "$(t "$abi" -p "$T/nofork.ini" -- "$TS" thread)"
	is "$A fork = yes: fork works" ok "$(t "$abi" -p "$T/fork.ini" -- "$TS" fork)"
	is "$A prlimit on itself works" ok "$(t "$abi" -- "$TS" prlimit-self)"
	is "$A prlimit on the supervisor is refused" EPERM "$(t "$abi" -- "$TS" prlimit-parent)"
	like "$A and reported" "forbidden prlimit64 on process" "$(cat "$T/err")"
	is "$A fork = yes without @process: the fork system call itself works" ok \
		"$(t "$abi" -p "$T/forkonly.ini" -- "$TS" rawfork)"
	# -- truncate ------------------------------------------------------------------------
	echo data >"$T/rw/f"
	chown "$LJ_UID:$LJ_UID" "$T/rw/f"
	echo data >"$T/outside/ro"
	chown "$LJ_UID:$LJ_UID" "$T/outside/ro"
	is "$A truncate of a read-only file is refused" EACCES \
		"$(t "$abi" --ro "$T/outside" -- "$TS" truncate "$T/outside/ro")"
	is "$A and the file is intact" data "$(cat "$T/outside/ro")"
	is "$A ftruncate in an rw directory works" ok "$(t "$abi" --rw "$T/rw" -- "$TS" ftruncate "$T/rw/f")"
	if [ "$abi" -ge 3 ]; then
		is "$A truncate in an rw directory works" ok "$(t "$abi" --rw "$T/rw" -- "$TS" truncate "$T/rw/f")"
	else
		is "$A truncate is refused everywhere below ABI 3 (seccomp)" EACCES \
			"$(t "$abi" --rw "$T/rw" -- "$TS" truncate "$T/rw/f")"
	fi
done

# -- without user notification (older kernels): the filter acts alone ---------------------
if LANDJAIL_TEST_NO_USER_NOTIF=1 lj -v --rox /usr -- true 2>&1 | grep -q "reported from the exit status"; then
	export LANDJAIL_TEST_NO_USER_NOTIF=1
	t "" -p "$T/kill.ini" -- "$TS" msync >/dev/null
	is "no notification: default = kill still ends it with 159" 159 "$rc"
	like "and the exit status is reported" "was stopped: a forbidden syscall" "$(cat "$T/err")"
	is "no notification: allow = msync works (control)" ok "$(t "" -p "$T/msync.ini" -- "$TS" msync)"
	is "no notification: default = errno gives EPERM" EPERM "$(t "" -p "$T/errno.ini" -- "$TS" msync)"
	is "no notification: io_uring_setup is refused" EPERM "$(t "" -- "$TS" io_uring_setup)"
	is "no notification: a UDP socket is refused" EACCES "$(t "" -- "$TS" udp-send 9)"
	is "no notification: the user's System V segment is refused" EPERM "$(t "" -- "$TS" shm-attach "$SHM_KEY")"
	is "no notification: personality(ADDR_NO_RANDOMIZE) is refused" EPERM "$(t "" -- "$TS" personality 0x0040000)"
	is "no notification: personality(PER_LINUX) works (control)" ok "$(t "" -- "$TS" personality 0)"
	is "no notification: TIOCSTI is refused" EPERM "$(t "" --dev /dev/ptmx --dev /dev/pts -- "$TS" tiocsti)"
	is "no notification: another ioctl works (control)" ok "$(t "" --dev /dev/ptmx --dev /dev/pts -- "$TS" tiocgwinsz)"
	unset LANDJAIL_TEST_NO_USER_NOTIF
else
	echo "# this build has no test hooks: the path without user notification is not tested"
fi

# -- the listener never reaches the program -------------------------------------------
fds=$(lj -p "$T/kill.ini" --rox /usr --ro /proc -- "$TS" kill-self 2>&1 >/dev/null; lj --rox /usr --ro / -- ls -l /proc/self/fd/ 2>&1)
like "the program's descriptors can be listed (control)" "0 -> " "$fds"
fails "none of them is the seccomp listener" grep -q "seccomp" <<<"$fds"

# -- profile errors -------------------------------------------------------------------------
profile typo '[syscalls]' 'default = kill' 'allow = @default msyncc @no-such-group' 'default = maybe' 'deny = execve'
out=$(lj --check "$T/typo.ini" 2>&1)
is "bad [syscalls] lines are 125" 125 $?
like "an unknown syscall is a file:line error" "typo.ini:5: allow: unknown syscall \"msyncc\"" "$out"
like "an unknown group is a file:line error" "typo.ini:5: allow: unknown syscall group \"@no-such-group\"" "$out"
like "a bad default is a file:line error" "typo.ini:6: default must be kill, errno or log" "$out"
like "execve cannot be denied" "typo.ini:7: deny: execve cannot be denied" "$out"
profile arch '[syscalls]' 'default = kill' 'allow = @default socketcall'
out=$(lj -v --check "$T/arch.ini" 2>&1)
like "a name this architecture lacks is noted, not an error" "arch.ini:5: syscall socketcall does not exist on this architecture" "$out"
out=$(lj --dump-seccomp -p "$T/kill.ini" 2>&1)
like "--dump-seccomp prints libseccomp's pseudo filter code" "pseudo filter code start" "$out"
like "--dump-seccomp kills other architectures" "invalid architecture action" "$out"

plan "$_tap_n"
done_testing
