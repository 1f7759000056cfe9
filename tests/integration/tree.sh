#!/bin/bash
# The process tree: timeout, no survivors, inherited descriptors, the
# terminal, signals.
. "$SRCDIR/tests/lib.sh"

if [ "$(uname -m)" = x86_64 ]; then plan 95; else plan 92; fi

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

# ---- landjail itself SIGKILLed: no survivors (reaper.h) ----------------------
# The process the caller started stays as the reaper; a child of it
# supervises.  The program double-forks a setsid'd daemon and first turns
# on the reaper (SIGSTOP, SIGKILL) at the kernel's ABI, at ABI 2 (no
# signal scoping) and under the namespace backend; then the test kills
# landjail with SIGKILL, as an application's own timeout would.
gone_within() { # gone_within PID: not alive within 1 s
	local i
	for i in $(seq 20); do
		alive "$1" || return 0
		sleep 0.05
	done
	return 1
}
# attack FILE: a snippet that tries to stop and kill the reaper ($1)
# and writes what the kernel answered to FILE.
attack() {
	echo "kill -STOP \$1 2>/dev/null && echo stopped >>$1 || echo refused >>$1;" \
		"kill -KILL \$1 2>/dev/null && echo killed >>$1 || echo refused >>$1;"
}
# start_tree SETUP [VAR=VALUE]: landjail whose program starts the daemon,
# stops a child of its own (the control that kill works inside), then
# attacks the reaper; sets lj_pid, gc (the daemon), sup (the supervisor).
start_tree() {
	local how=()
	[ "$1" = ns ] && how=(--backend namespaces)
	rm -f "$T/w/gc" "$T/w/att" "$T/w/sup" "$T/w/own" "$T/w/lj" "$T/w/main"
	[ -n "${2-}" ] && export "${2?}"
	LANDJAIL_TEST_LANDLOCK_ABI=${1#abi=} lj_bg "${how[@]}" "${TREE_OPTS[@]}" --rox /usr --rw /dev/null \
		--rw "$T/w" -- sh -c "$(daemon "$T/w/gc") echo \$PPID >$T/w/sup; echo \$\$ >$T/w/main;
		sleep 60 & kill -STOP \$! && echo stopped >$T/w/own; kill -KILL \$!;
		while [ ! -s $T/w/lj ]; do sleep 0.05; done; set -- \$(cat $T/w/lj); $(attack "$T/w/att")
		exec sleep 121" 2>"$T/bg.err"
	lj_pid=$!
	[ -n "${2-}" ] && unset "${2%%=*}"
	echo "$lj_pid" >"$T/w/lj"
	wait_file "$T/w/gc" && wait_file "$T/w/sup"
	gc=$(cat "$T/w/gc") sup=$(cat "$T/w/sup") main=$(cat "$T/w/main")
	LJ_BG_PIDS+=("$gc" "$sup" "$main") # should a check fail, stopped at exit
	for _ in $(seq 100); do
		[ "$(wc -l <"$T/w/att" 2>/dev/null)" = 2 ] && break
		sleep 0.05
	done
}
# "fork": the reaper forked, as on architectures where it cannot share
# the supervisor's memory (reaper.c, rawcall.h); elsewhere it does.
TREE_OPTS=()
for setup in abi= abi=2 ns fork; do
	if [ "$setup" != abi= ] && [ "$setup" != ns ] && [ "$hooks" = no ]; then
		for _ in 1 2 3 4 5 6 7; do skip "$setup: this build has no test hooks for it"; done
		continue
	fi
	label=" ($setup)"
	[ "$setup" = abi= ] && label=" (native ABI)"
	[ "$setup" = fork ] && label=" (reaper forked)"
	if [ "$setup" = fork ]; then
		start_tree abi= LANDJAIL_TEST_REAPER_FORK=1
	else
		start_tree "$setup"
	fi
	ok "control$label: the daemon runs, in a session of its own" \
		test "$(ps -o sid= -p "$gc")" -ne "$(ps -o sid= -p "$sup")"
	is "control$label: the program can stop a process of its own" stopped "$(cat "$T/w/own" 2>/dev/null)"
	is "the supervisor is the child of landjail, the reaper$label" "$lj_pid" \
		"$(awk '{print $4}' "/proc/$sup/stat")"
	is "its SIGSTOP and SIGKILL of the reaper are refused$label" "refused refused" \
		"$(tr '\n' ' ' <"$T/w/att" | sed 's/ $//')"
	state=$(awk '{print $3}' "/proc/$lj_pid/stat")
	ok "the reaper is alive and not stopped$label (state $state)" test "$state" = S
	kill -KILL "$lj_pid"
	ok "after SIGKILL of landjail the daemon is gone within 1 s$label" gone_within "$gc"
	ok "...and the program and the supervisor too$label" eval 'gone_within "$main" && gone_within "$sup"'
	wait "$lj_pid" 2>/dev/null
	alive "$gc" && kill -KILL "$gc"
done
if [ "$hooks" = yes ]; then
	start_tree abi= LANDJAIL_TEST_NO_REAPER=1
	sleep 0.3
	kill -KILL "$lj_pid"
	sleep 0.5
	ok "control: without the reaper (test hook), the daemon survives landjail's SIGKILL" alive "$gc"
	kill -KILL "$gc" 2>/dev/null
	wait "$lj_pid" 2>/dev/null
else
	skip "this build has no test hooks to disable the reaper"
fi
# GNU timeout, and other callers, end a job by signalling its process
# group: the supervisor has a group of its own, so it survives the kill
# of the reaper and ends the tree.  Control: with --keep-session both
# share the caller's group, and the daemon, in its own session, survives.
start_tree abi=
ok "control: the supervisor has a process group apart from landjail's" \
	test "$(ps -o pgid= -p "$sup")" -ne "$(ps -o pgid= -p "$lj_pid")"
kill -KILL -- "-$(ps -o pgid= -p "$lj_pid" | tr -d ' ')"
ok "after SIGKILL of landjail's process group the daemon is gone within 1 s" gone_within "$gc"
wait "$lj_pid" 2>/dev/null
alive "$gc" && kill -KILL "$gc"
TREE_OPTS=(--keep-session)
start_tree abi=
TREE_OPTS=()
kill -KILL -- "-$(ps -o pgid= -p "$lj_pid" | tr -d ' ')"
sleep 0.5
ok "control: with --keep-session that kill ends both, and the daemon survives" alive "$gc"
wait "$lj_pid" 2>/dev/null
kill -KILL "$gc" 2>/dev/null
# The supervisor killed from outside (by someone of the same user, say):
# its orphans are the reaper's, which kills them and says so.  Whether
# the reaper shares the supervisor's memory (it then walks the tree with
# no allocation: proctree_no_alloc) or forked.
reaper_variants=(shared)
if [ "$hooks" = yes ]; then
	reaper_variants+=(LANDJAIL_TEST_REAPER_FORK=1)
else
	for _ in 1 2 3; do skip "the reaper forked: this build has no test hooks for it"; done
fi
for v in "${reaper_variants[@]}"; do
	if [ "$v" = shared ]; then start_tree abi=; else start_tree abi= "$v"; fi
	kill -KILL "$sup"
	ok "after SIGKILL of the supervisor the daemon is gone within 1 s ($v)" gone_within "$gc"
	wait "$lj_pid"
	is "landjail exits 125 ($v)" 125 "$?"
	like "and says so ($v)" "the supervisor died \(signal 9, Killed\); killed the [0-9]+ process" \
		"$(cat "$T/bg.err")"
	alive "$gc" && kill -KILL "$gc"
done
# A normal run leaves neither process behind.
rm -f "$T/w/sup"
is "a normal run keeps its status through the reaper" 7 \
	"$(lj --rox /usr --rw "$T/w" -- sh -c "echo \$PPID >$T/w/sup; exit 7" >/dev/null 2>&1; echo $?)"
# The supervisor hands its status over, then exits once the reaper has
# (reaper.h): gone within a moment.
ok "and its supervisor is gone when landjail returns" gone_within "$(cat "$T/w/sup")"

# ---- a program that can start no process still gets a reaper ---------------
# Its parent-death signal alone would not end it with landjail: a thread's
# execve makes that thread the leader, with no parent-death signal (the
# payload, try-syscall pdeathsig, shows it is free to clear its own).
# fork = no; after a SIGKILL of landjail the reaper's hang-up still ends
# it.  Without the reaper (test hook) it survives.
use_try_syscall
mkdir -p "$T/profiles"
printf '[profile]\nversion = 1\n[syscalls]\nfork = no\n' >"$T/profiles/nofork"
chmod 644 "$T/profiles/nofork"
variants=(reaper)
has_test_hooks && variants+=(LANDJAIL_TEST_NO_REAPER=1)
for v in "${variants[@]}"; do
	rm -f "$T/w/pd"
	[ "$v" = reaper ] || export "$v"
	lj_bg -p "$T/profiles/nofork" --rox /usr --rox "$T/bin" --rw "$T/w" -- \
		sh -c "exec $TS thread-exec $TS pdeathsig 30 >$T/w/pd" 2>/dev/null
	pid=$!
	unset LANDJAIL_TEST_NO_REAPER
	wait_file "$T/w/pd"
	prog=$(pgrep -f "^$TS pdeathsig 30" | head -1)
	if [ "$v" = reaper ]; then
		is "fork = no: the program's thread execs and clears its parent-death signal" ok \
			"$(cat "$T/w/pd")"
		kill -KILL "$pid"
		ok "  yet SIGKILL of landjail ends it within 1 s (the reaper)" gone_within "$prog"
	else
		kill -KILL "$pid"
		sleep 0.5
		ok "control: without the reaper ($v) it survives the SIGKILL" alive "$prog"
	fi
	alive "$prog" && kill -KILL "$prog"
	wait "$pid" 2>/dev/null
done
has_test_hooks || skip "control: without the reaper it survives the SIGKILL" "this build has no test hooks"

# Below Landlock ABI 6 nothing scopes signals: the guard keeps the program
# from signalling the process that started landjail (the application's
# job) as it does landjail itself.  Another process of the user stays
# reachable there (landjail(1), SECURITY).
if has_test_hooks; then
	caller_kill() { # ABI: kill(caller, 0) from inside, the caller a shell
		as_user bash -c 'LANDJAIL_TEST_LANDLOCK_ABI=$1 "$2" --rox /usr --rox "$3" -- "$3/try-syscall" kill $$; :' \
			_ "$1" "$LANDJAIL" "$T/bin" 2>&1
	}
	is "at ABI 5 the program cannot signal the process that started landjail" EPERM "$(caller_kill 5)"
	"${as_user_cmd[@]}" sleep 30 &
	other=$!
	is "  control: another process of the user it still can (no scoping below ABI 6)" ok \
		"$(LANDJAIL_TEST_LANDLOCK_ABI=5 lj --rox /usr --rox "$T/bin" -- "$TS" kill "$other" 2>&1)"
	kill "$other" 2>/dev/null
	wait "$other" 2>/dev/null
else
	for _ in 1 2; do skip "signals to the caller below ABI 6" "this build has no test hooks"; done
fi

# ---- sandbox-processes: the sandbox's own processes, root included -----------
# A fork bomb of 7 generations (128 processes, each alive for 2 s) under
# the shipped convert profile, whose bound (imagemagick-common.ini) the
# supervisor counts; the control runs it with no bound.
for f in "$SRCDIR"/profiles/*.ini; do install_profile "$f"; done
mkuserdir "$T/conv"
BOMB='$|=1; for (1..7) { my $p = fork; print STDERR "EAGAIN\n" if !defined $p && $!{EAGAIN} } print "up\n"; sleep 2'
bound=$(cd "$T/conv" && TMPDIR=$T/conv lj -p "$T/profiles/imagemagick-convert.ini" --check 2>/dev/null |
	sed -n 's/^sandbox-processes = //p')
ok "the shipped convert profile bounds the sandbox's processes (sandbox-processes = $bound)" \
	test "${bound:-0}" -ge 4 -a "${bound:-999}" -le 64
unbounded=
for f in "$T"/profiles/*.ini; do
	out=$(cd "$T/conv" && TMPDIR=$T/conv lj -p "$f" --check 2>/dev/null)
	grep -q '^fork = yes' <<<"$out" && ! grep -q '^sandbox-processes = ' <<<"$out" &&
		unbounded+=" $(basename "$f")"
done
is "every shipped profile with fork = yes bounds the sandbox's processes" "" "$unbounded"
out=$(cd "$T/conv" && TMPDIR=$T/conv lj -p "$T/profiles/imagemagick-convert.ini" --rox /usr/bin/perl \
	-- perl -e "$BOMB" 2>"$T/bomb.err")
n=$(grep -c '^up$' <<<"$out")
ok "a fork bomb under it never has more than $bound processes alive ($n)" test "$n" -le "$bound" -a "$n" -ge 2
like "the refused forks got EAGAIN" "EAGAIN" "$(cat "$T/bomb.err")"
like "and landjail names the line of the bound" \
	"was refused a new process .*sandbox-processes = $bound at .*imagemagick-common.ini:[0-9]+" "$(cat "$T/bomb.err")"
n=$(lj --rox /usr --ro /dev/null -- perl -e "$BOMB" 2>/dev/null | grep -c '^up$')
is "control: without the bound the same bomb runs all 128 processes" 128 "$n"
printf '[profile]\nversion = 1\n[syscalls]\nfork = yes\n[limits]\nsandbox-processes = 2\n' >"$T/profiles/two"
chmod 644 "$T/profiles/two"
out=$(lj -p "$T/profiles/two" --rox /usr --ro /dev/null -- perl -e 'for (1..3) {
	my $p = fork; if (!defined $p) { print "refused: $!\n"; next } exit 0 if !$p;
	waitpid($p, 0); print "fork $_ ok\n" }' 2>&1)
is "a process that ended no longer counts: three forks in a row under a bound of 2" \
	"fork 1 ok fork 2 ok fork 3 ok" "$(echo $out)"
out=$(lj -p "$T/profiles/two" --rox /usr -- python3 -c 'import threading
ts = [threading.Thread(target=lambda: None) for _ in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]; print("threads ok")' 2>&1)
like "threads do not count: 8 threads under a bound of 2" "threads ok" "$out"
# (perl, not sh: dash's SIGCHLD handler has no SA_RESTART, and a fork
# that the first child's exit interrupts before the supervisor has seen
# it fails with EINTR, which would hide the refusal; landjail.profile(5).)
out=$(lj -p "$T/profiles/two" --rox /usr --ro /dev/null -- perl -e 'for (1..2) { my $p = fork;
	if (!defined $p) { print "refused: $!\n"; next } if (!$p) { sleep 1; exit 0 } }
	1 while wait > 0' 2>&1)
like "...but a second child beyond the bound is refused" "was refused a new process" "$out"
subreaper='import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print("subreaper", libc.prctl(36, 1, 0, 0, 0), ctypes.get_errno())'
is "under the bound no process of the sandbox may become a subreaper (EPERM)" "subreaper -1 1" \
	"$(lj -p "$T/profiles/two" --rox /usr -- python3 -c "$subreaper" 2>&1)"
is "control: without it, it may" "subreaper 0 0" "$(lj --rox /usr -- python3 -c "$subreaper" 2>&1)"
out=$(lj --explain -p "$T/profiles/two" --rox /usr -- sh -c 'sleep 1 & sleep 1 & wait' 2>&1)
like "--explain names the bound as the real run does" \
	"explain: .*new process .* beyond sandbox-processes = 2 at .*two:6" "$out"
if [ "$hooks" = yes ]; then
	out=$(LANDJAIL_TEST_NO_USER_NOTIF=1 lj -p "$T/profiles/two" --rox /usr -- true 2>&1)
	is "without user notification the bound cannot be counted: 125" 125 $?
	like "...naming the line" "two:6: sandbox-processes = 2 cannot be enforced" "$out"
	out=$(LANDJAIL_TEST_NO_USER_NOTIF=1 lj --best-effort -p "$T/profiles/two" --rox /usr -- true 2>&1)
	is "with --best-effort it runs, saying the bound is not enforced" "0 NOT enforced" \
		"$? $(grep -o 'NOT enforced' <<<"$out")"
else
	for _ in 1 2 3; do skip "this build has no test hooks to turn user notification off"; done
fi

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

# ---- the end of a run ---------------------------------------------------------
# Where the supervisor shares the reaper's memory (x86_64, not a sanitizer's
# build) it exits after the reaper, so that the teardown of that memory is
# not on the caller's path (reaper.c, wait_reaper_exit).  Seen with a
# reaper the caller stopped: the program ends and the supervisor hands
# over, but stays until the reaper, continued, has exited with the status.
# A forked reaper has memory of its own: its supervisor ends at once.
same_vm() { # PID PID: kcmp(2) KCMP_VM, x86_64's call number
	python3 -c 'import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
sys.exit(0 if libc.syscall(312, int(sys.argv[1]), int(sys.argv[2]), 1, 0, 0) == 0 else 1)' "$1" "$2"
}
if [ "$(uname -m)" = x86_64 ]; then
	lj_bg --rox /usr -- /bin/sleep 0.3
	pid=$!
	sleep 0.1
	sup=$(tr -d " " <"/proc/$pid/task/$pid/children")
	if same_vm "$pid" "$sup"; then shared=yes; else shared=no; fi
	kill -STOP "$pid"
	sleep 0.7
	if [ $shared = yes ]; then
		ok "the supervisor ($sup) outlives the hand-over while the reaper is stopped" alive "$sup"
	else
		fails "the supervisor ($sup) of a forked reaper ends at the hand-over" alive "$sup"
	fi
	kill -CONT "$pid"
	wait "$pid"
	is "the continued reaper exits with the program's status (shared memory: $shared)" 0 $?
	ok "and the supervisor ends once the reaper has" gone_within "$sup"
fi
done_testing
