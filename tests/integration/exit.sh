#!/bin/bash
# Exit statuses, signals and the supervisor.
. "$SRCDIR/tests/lib.sh"

plan 24

run() { lj --rox /usr "$@" >/dev/null 2>&1; echo $?; }

is "the command's status 0 passes through" 0 "$(run -- true)"
is "status 1 passes through" 1 "$(run -- false)"
is "status 7 passes through" 7 "$(run -- sh -c 'exit 7')"
is "status 255 passes through" 255 "$(run -- sh -c 'exit 255')"
is "death by SIGKILL is 128+9" 137 "$(run -- sh -c 'kill -KILL $$')"
is "death by SIGTERM is 128+15" 143 "$(run -- sh -c 'kill -TERM $$')"
is "command not found is 127" 127 "$(run -- no-such-command-landjail)"
cp /usr/bin/true "$T/noexec"
chmod 644 "$T/noexec"
is "a file without x is 126" 126 "$(run -- "$T/noexec")"
cp /usr/bin/true "$T/notgranted"
chmod 755 "$T/notgranted"
is "a command the policy cannot execute is 126" 126 "$(run -- "$T/notgranted")"
out=$(lj --rox /usr -- "$T/notgranted" 2>&1)
like "and the message says what to add" "does not allow executing $T/notgranted: add \"--rox $T/notgranted\"" "$out"
printf '#!/nonexistent/interpreter\n' >"$T/badint"
chmod 755 "$T/badint"
is "a script whose interpreter is missing is 126, as in a shell" 126 "$(run --rox "$T" -- "$T/badint")"
is "no command is 125" 125 "$(run)"
is "an unknown option is 125" 125 "$(run --no-such-option -- true)"
is "--version is 0" 0 "$(run --version)"
like "--status reports the Landlock ABI" "^Landlock: ABI [0-9]+" "$(lj --status)"

# Signals sent to landjail reach the program.
for sig in TERM INT HUP; do
	lj_bg --rox /usr --rw /dev/null -- sh -c "trap 'exit 42' $sig; sleep 5 >/dev/null 2>&1 & wait"
	pid=$!
	sleep 0.3
	kill -$sig $pid
	wait $pid
	is "SIG$sig sent to landjail reaches the program" 42 $?
done

# The supervisor hands its status to the process the caller waits for
# (reaper.c) on the socket between them, then wakes it with a queued
# signal; a signal queued by anyone else is no status, even one whose
# siginfo claims to come from the supervisor (rt_sigqueueinfo lets the
# sender write si_pid and si_code).
forge='import ctypes, os, signal, struct, sys
libc = ctypes.CDLL(None, use_errno=True)
pid, fake = int(sys.argv[1]), int(sys.argv[2])
sig = 37  # the hand-over signal (reaper.c)
si = ctypes.create_string_buffer(128)
struct.pack_into("iii", si, 0, sig, 0, -1)             # si_signo, si_errno, SI_QUEUE
struct.pack_into("iIi", si, 16, fake, os.getuid(), 42) # si_pid, si_uid, si_value
print("sent" if libc.syscall(129, pid, sig, si) == 0 else "refused %d" % ctypes.get_errno())'
for how in kill forged; do
	lj_bg --rox /usr -- sh -c 'sleep 0.6; exit 5'
	pid=$!
	sleep 0.2
	if [ $how = kill ]; then
		/bin/kill -q 42 -s 37 "$pid"
	else
		sup=$(pgrep -P "$pid" | head -1)
		is "  a siginfo naming the supervisor ($sup) can be sent" sent \
			"$(as_user python3 -c "$forge" "$pid" "$sup")"
	fi
	start=$(date +%s%N)
	wait "$pid"
	rc=$?
	is "a hand-over signal ($how) queued by another process is not taken as the status" 5 "$rc"
	ok "  and landjail went on waiting for the program" test $(( $(date +%s%N) - start )) -gt 200000000
done

# The program dying with landjail, even SIGKILLed, is tested in tree.sh.

# The program runs as the caller, not as anyone else.
is "the program keeps the caller's uid" "$LJ_UID" "$(lj --rox /usr -- id -u)"
done_testing
