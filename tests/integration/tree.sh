#!/bin/bash
# The process tree: timeout, no survivors, inherited descriptors, the
# terminal, signals.
. "$SRCDIR/tests/lib.sh"

plan 35

mkuserdir "$T/w"
PTY=$SRCDIR/tests/pty-run.py

# wait_file FILE: until FILE is non-empty (at most 30 s).
wait_file() {
	local i
	for i in $(seq 300); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# ---- timeout ------------------------------------------------------------------
out=$(lj --timeout 1 --rox /usr -- sleep 60 2>&1)
is "sleep 60 under --timeout 1 ends with 124" 124 $?
like "and landjail says it was the timeout" "^landjail: timeout: .*sleep ran longer than 1s" "$out"
is "control: a command that finishes in time keeps its status" 3 \
	"$(lj --timeout 60 --rox /usr -- sh -c 'exit 3' >/dev/null 2>&1; echo $?)"
is "124 even when the program exits 0 on SIGTERM" 124 \
	"$(lj --timeout 1 --rox /usr --ro /dev/null -- sh -c 'trap "exit 0" TERM; sleep 60 & wait' >/dev/null 2>&1; echo $?)"
out=$(lj --timeout 1 --rox /usr -- sh -c 'trap "" TERM; sleep 60' 2>&1)
is "a program that ignores SIGTERM is killed after the grace: 124" 124 $?
like "and landjail says SIGKILL" "still running after the 2 s grace: SIGKILL" "$out"
limits_profile() {
	mkdir -p "$T/profiles"
	printf '[profile]\nversion = 1\n[limits]\ntimeout = 1s\n' >"$T/profiles/to"
	chmod 644 "$T/profiles/to"
}
limits_profile
is "timeout in [limits] works as --timeout" 124 \
	"$(lj -p "$T/profiles/to" --rox /usr -- sleep 60 >/dev/null 2>&1; echo $?)"
out=$(lj -v --timeout 1 --rox /usr -- sleep 60 2>&1)
like "the -v summary says the timeout ended it" "summary: exit status 124.*ended by timeout" "$out"

# ---- no survivors: a setsid'd, double-forked daemon ---------------------------
# daemon FILE: a shell snippet that starts "sleep 120" in a new session
# through a double fork and writes its pid to FILE.
daemon() { echo "setsid sh -c '(sleep 120 </dev/null >/dev/null 2>&1 & echo \$! >$1)' &"; }

rm -f "$T/w/d1"
lj_bg --timeout 2 --rox /usr --rw /dev/null --rw "$T/w" -- sh -c "$(daemon "$T/w/d1") sleep 60" 2>"$T/bg.err"
lj_pid=$!
wait_file "$T/w/d1"
d1=$(cat "$T/w/d1")
ok "control: the daemon runs while the sandbox does" alive "$d1"
ok "and it left landjail's session" test "$(ps -o sid= -p "$d1")" -ne "$(ps -o sid= -p $lj_pid)"
wait $lj_pid
is "the timeout ends the run with 124" 124 $?
fails "the daemon is gone after the timeout" alive "$d1"

rm -f "$T/w/d2"
out=$(lj --rox /usr --rw /dev/null --rw "$T/w" -- sh -c \
	"$(daemon "$T/w/d2") while [ ! -s $T/w/d2 ]; do sleep 0.1; done; kill -0 \$(cat $T/w/d2) && echo running" 2>&1)
is "the main process exits normally (status 0)" 0 $?
like "control: the daemon was running when it exited" "^running" "$out"
fails "the daemon is gone when landjail returns" alive "$(cat "$T/w/d2")"

# ---- the program cannot kill landjail to escape the timeout ---------------------
# From Landlock ABI 6 signal scoping stops it; below, the supervisor guard
# (a small seccomp filter) does; both are tried here, ABI 5 through the
# test hook.
hooks=no
[ "$(LANDJAIL_TEST_LANDLOCK_ABI=5 "$LANDJAIL" --status | sed -n 's/^Landlock: ABI //p')" = 5 ] && hooks=yes
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $1"; }
for abi in "" 5; do
	label=${abi:+ at ABI $abi}
	if [ -n "$abi" ] && [ "$hooks" = no ]; then
		skip "ABI $abi: this build has no test hooks to cap the Landlock ABI"
		skip "ABI $abi: this build has no test hooks to cap the Landlock ABI"
		continue
	fi
	rm -f "$T/w/esc"
	out=$(LANDJAIL_TEST_LANDLOCK_ABI=$abi lj --timeout 2 --rox /usr --rw /dev/null --rw "$T/w" -- \
		sh -c "sleep 30 </dev/null >/dev/null 2>&1 & echo \$! >$T/w/esc; kill -KILL \$PPID; sleep 30" 2>&1)
	is "a program that kills its supervisor$label still times out (124)" 124 $?
	like "...its kill was refused" "Operation not permitted" "$out"
	esc=$(cat "$T/w/esc" 2>/dev/null || echo 0)
	alive "$esc" && kill -KILL "$esc"
done
if [ "$hooks" = yes ]; then
	out=$(LANDJAIL_TEST_LANDLOCK_ABI=5 lj --rox /usr -- sh -c 'kill -KILL -1' 2>&1)
	like "at ABI 5, kill -1 (every process of the user) is refused" "Operation not permitted" "$out"
else
	skip "ABI 5: this build has no test hooks to cap the Landlock ABI"
fi

# ---- landjail itself SIGKILLed: the documented behaviour -----------------------
# landjail(1): the program dies (parent-death signal); what it started
# does not, and runs on confined.
rm -f "$T/w/gc"
lj_bg --rox /usr --rw /dev/null --rw "$T/w" -- sh -c "sleep 120 </dev/null & echo \$! >$T/w/gc; exec sleep 121"
lj_pid=$!
wait_file "$T/w/gc"
gc=$(cat "$T/w/gc")
sleep 0.3
main=$(pgrep -P $lj_pid sleep)
ok "control: the program runs as landjail's child" test -n "$main"
kill -KILL $lj_pid
wait $lj_pid 2>/dev/null
sleep 0.5
fails "after SIGKILL of landjail the program is gone" alive "$main"
ok "its child lives on, as landjail(1) documents" alive "$gc"
kill -KILL "$gc" 2>/dev/null

# ---- inherited descriptors ----------------------------------------------------
echo secret >"$T/secret"
chmod 644 "$T/secret"
exec 7<"$T/secret"
out=$(lj --rox /usr -- sh -c 'cat <&7' 2>&1)
fails "an fd opened by the calling shell is absent inside" test "$out" = secret
is "control: with --keep-fd 7 the program reads it" secret "$(lj --keep-fd 7 --rox /usr -- sh -c 'cat <&7' 2>&1)"
exec 7<&-
is "--keep-fd of a closed descriptor is refused" 125 "$(lj --keep-fd 7 --rox /usr -- true >/dev/null 2>&1; echo $?)"

# ---- the terminal -------------------------------------------------------------
tiocsti='import fcntl, termios
try:
    fcntl.ioctl(0, termios.TIOCSTI, b"#")
    print("TIOCSTI-OK")
except OSError as e:
    print("TIOCSTI-FAILED", e.strerror)'
out=$(python3 "$PTY" -- "${as_user_cmd[@]}" python3 -c "$tiocsti" 2>&1)
like "control: without landjail TIOCSTI works on the terminal" "TIOCSTI-OK" "$out"
out=$(python3 "$PTY" -- "${as_user_cmd[@]}" "$LANDJAIL" --rox /usr -- python3 -c "$tiocsti" 2>&1)
like "TIOCSTI on the calling terminal fails" "TIOCSTI-FAILED" "$out"
out=$(python3 "$PTY" -- "${as_user_cmd[@]}" "$LANDJAIL" --keep-session --rox /usr -- python3 -c "$tiocsti" 2>&1)
like "...and with --keep-session too (the seccomp filter)" "TIOCSTI-FAILED" "$out"

# The new session: no controlling terminal, unless --keep-session.
ctty='import os
try:
    os.close(os.open("/dev/tty", os.O_RDWR)); print("CTTY-YES")
except OSError as e:
    print("CTTY-NO", e.strerror)'
out=$(python3 "$PTY" -- "${as_user_cmd[@]}" "$LANDJAIL" --keep-session --rox /usr --dev /dev/tty -- python3 -c "$ctty" 2>&1)
like "control: with --keep-session the program has the controlling terminal" "CTTY-YES" "$out"
out=$(python3 "$PTY" -- "${as_user_cmd[@]}" "$LANDJAIL" --rox /usr --dev /dev/tty -- python3 -c "$ctty" 2>&1)
like "by default it has none" "CTTY-NO" "$out"

# ---- signals ------------------------------------------------------------------
out=$(python3 "$PTY" --intr-when READY -- "${as_user_cmd[@]}" "$LANDJAIL" --rox /usr --rw /dev/null -- \
	sh -c 'trap "echo GOT-INT; exit 42" INT; echo READY; sleep 30 & wait' 2>&1)
is "^C on the terminal reaches the program in its own session" 42 $?
like "and its handler ran" "GOT-INT" "$out"
for sig in INT TERM; do
	lj_bg --rox /usr --rw /dev/null -- sh -c "trap 'exit 42' $sig; sleep 30 & wait"
	pid=$!
	sleep 0.5
	kill -$sig $pid
	wait $pid
	is "SIG$sig sent to landjail reaches the program" 42 $?
done
done_testing
