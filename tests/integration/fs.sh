#!/bin/bash
# Filesystem confinement.  Every protection is a DENIED case with, next to
# it, the ALLOWED control showing that the same action succeeds where the
# policy grants it.  The test user owns every directory and file used here,
# so file permissions never refuse anything: a denial is Landlock's.
. "$SRCDIR/tests/lib.sh"

if [ "$LJ_UID" = 0 ]; then plan 76; else plan 74; fi

# run CMD...: run CMD; its exit status lands in $rc, stdout+stderr in $out.
run() {
	out=$("$@" 2>&1)
	rc=$?
}

# denied DESC CMD...: CMD must fail, saying "Permission denied".
denied() {
	local desc=$1
	shift
	run "$@"
	local got="exit $rc: ${out//$'\n'/ | }"
	if [ "$rc" -ne 0 ] && [[ $out == *"Permission denied"* ]]; then
		got=denied
	fi
	is "$desc" denied "$got"
}

# skip REASON: a TAP skip, counted like any other assertion.
skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n # SKIP $1"
}

# jail ARGS...: landjail as the test user, with sh and coreutils granted.
jail() { lj --rox /usr "$@"; }

# contents FILE: the file's bytes, for comparisons.
contents() { cat "$1" 2>&1; }

cd "$T" || exit 1

H=$T/hidden # granted nothing
B=$T/ro     # granted ro in the DENIED cases
A=$T/rw     # granted rw in the ALLOWED controls
C=$T/rw2    # a second rw directory, for moves between directories
S=$T/single # only one of its files is granted
for d in "$H" "$B" "$A" "$C" "$S" "$T/run" "$T/wo" \
	"$T/x-ro" "$T/x-rox" "$T/x-rw" "$T/x-rwx"; do
	mkuserdir "$d"
done
echo secret >"$H/secret"
for d in "$B" "$A"; do
	echo data >"$d/file"
	echo original >"$d/written"
	echo victim >"$d/victim"
	mkdir "$d/emptydir"
	echo old >"$d/old"
	echo long-content >"$d/trunc"
	echo long-content >"$d/trunc-shell"
	echo moving >"$d/move-out"
	echo to-ro >"$d/to-ro"
	echo to-rw >"$d/to-rw"
	echo link >"$d/link-src"
done
echo one >"$S/one"
echo two >"$S/two"
echo long-content >"$T/wo/file"
for d in x-ro x-rox x-rw x-rwx; do
	cp /usr/bin/true "$T/$d/true"
done
chown -R "$LJ_UID:$LJ_UID" "$H" "$B" "$A" "$C" "$S" "$T/wo" \
	"$T/x-ro" "$T/x-rox" "$T/x-rw" "$T/x-rwx"

# ---- reading -------------------------------------------------------------
denied "DENIED: read a file under no rule" jail -- cat "$H/secret"
ok "ALLOWED: read a file under an ro rule" jail --ro "$H" -- cat "$H/secret"
denied "DENIED: list a directory under no rule" jail -- ls "$H"
run jail --ro "$H" -- ls "$H"
is "ALLOWED: list a directory under an ro rule" secret "$out"

# ---- writing: denied under ro, allowed under rw --------------------------
denied "DENIED: append to an existing file in an ro dir" \
	jail --ro "$B" -- sh -c 'echo more >>"$1"' sh "$B/written"
is "DENIED: ...and the file is unchanged" original "$(contents "$B/written")"
ok "ALLOWED: append to an existing file in an rw dir" \
	jail --rw "$A" -- sh -c 'echo more >>"$1"' sh "$A/written"

denied "DENIED: create a file in an ro dir" jail --ro "$B" -- touch "$B/new"
ok "ALLOWED: create a file in an rw dir" jail --rw "$A" -- touch "$A/new"

denied "DENIED: delete a file in an ro dir" jail --ro "$B" -- rm -f "$B/victim"
ok "DENIED: ...and the file is still there" test -e "$B/victim"
ok "ALLOWED: delete a file in an rw dir" jail --rw "$A" -- rm -f "$A/victim"

denied "DENIED: mkdir in an ro dir" jail --ro "$B" -- mkdir "$B/newdir"
ok "ALLOWED: mkdir in an rw dir" jail --rw "$A" -- mkdir "$A/newdir"

denied "DENIED: rmdir in an ro dir" jail --ro "$B" -- rmdir "$B/emptydir"
ok "DENIED: ...and the directory is still there" test -d "$B/emptydir"
ok "ALLOWED: rmdir in an rw dir" jail --rw "$A" -- rmdir "$A/emptydir"

denied "DENIED: rename within an ro dir" jail --ro "$B" -- mv "$B/old" "$B/renamed"
ok "DENIED: ...and the old name is still there" test -e "$B/old"
ok "ALLOWED: rename within an rw dir" jail --rw "$A" -- mv "$A/old" "$A/renamed"

denied "DENIED: make a symlink in an ro dir" jail --ro "$B" -- ln -s file "$B/symlink"
ok "ALLOWED: make a symlink in an rw dir" jail --rw "$A" -- ln -s file "$A/symlink"

denied "DENIED: make a fifo (mkfifo) in an ro dir" jail --ro "$B" -- mkfifo "$B/fifo"
ok "ALLOWED: make a fifo (mkfifo) in an rw dir" jail --rw "$A" -- mkfifo "$A/fifo"
denied "DENIED: make a fifo (mknod p) in an ro dir" jail --ro "$B" -- mknod "$B/fifo2" p
ok "ALLOWED: make a fifo (mknod p) in an rw dir" jail --rw "$A" -- mknod "$A/fifo2" p

# ---- truncation ------------------------------------------------------------
denied "DENIED: truncate -s 0 of a user-writable file in an ro dir" \
	jail --ro "$B" -- truncate -s 0 "$B/trunc"
is "DENIED: ...and the file keeps its contents" long-content "$(contents "$B/trunc")"
ok "ALLOWED: truncate -s 0 in an rw dir" jail --rw "$A" -- truncate -s 0 "$A/trunc"
denied "DENIED: ': > file' (open O_TRUNC) in an ro dir" \
	jail --ro "$B" -- sh -c ': >"$1"' sh "$B/trunc-shell"
is "DENIED: ...and the file keeps its contents" long-content "$(contents "$B/trunc-shell")"
ok "ALLOWED: ': > file' in an rw dir" jail --rw "$A" -- sh -c ': >"$1"' sh "$A/trunc-shell"
# dev grants write but not truncate: this isolates Landlock's truncate right.
denied "DENIED: truncate -s 0 of a file granted only dev (write, no truncate)" \
	jail --dev "$T/wo/file" -- truncate -s 0 "$T/wo/file"
ok "ALLOWED: appending to that same dev-granted file" \
	jail --dev "$T/wo/file" -- sh -c 'echo more >>"$1"' sh "$T/wo/file"

# ---- executing -------------------------------------------------------------
run jail --ro "$T/x-ro" -- "$T/x-ro/true"
is "DENIED: top-level command in an ro dir: exit 126" 126 "$rc"
like "DENIED: ...and landjail's message names the path" \
	"does not allow executing $T/x-ro/true" "$out"
run jail --ro "$T/x-ro" -- sh -c '"$1"' sh "$T/x-ro/true"
is "DENIED: sh in the sandbox running a program from an ro dir: exit 126" 126 "$rc"
like "DENIED: ...with Permission denied" "Permission denied" "$out"
ok "ALLOWED: top-level command in a rox dir" jail --rox "$T/x-rox" -- "$T/x-rox/true"
ok "ALLOWED: sh running a program from a rox dir" \
	jail --rox "$T/x-rox" -- sh -c '"$1"' sh "$T/x-rox/true"
denied "DENIED: sh running a program from an rw dir" \
	jail --rw "$T/x-rw" -- sh -c '"$1"' sh "$T/x-rw/true"
ok "ALLOWED: sh running a program from an rwx dir" \
	jail --rwx "$T/x-rwx" -- sh -c '"$1"' sh "$T/x-rwx/true"

# ---- renaming and linking between directories ------------------------------
# One policy for all of them: A and C rw, B ro.
X=(--rw "$A" --ro "$B" --rw "$C")
denied "DENIED: rename from rw dir A into ro dir B" \
	jail "${X[@]}" -- mv "$A/to-ro" "$B/moved-in"
ok "DENIED: ...and the file stays in A" test -e "$A/to-ro" -a ! -e "$B/moved-in"
denied "DENIED: hard link from rw dir A into ro dir B" \
	jail "${X[@]}" -- ln "$A/link-src" "$B/hardlink"
ok "ALLOWED: rename from rw dir A into rw dir C" jail "${X[@]}" -- mv "$A/to-rw" "$C/to-rw"
ok "ALLOWED: hard link from rw dir A into rw dir C" \
	jail "${X[@]}" -- ln "$A/link-src" "$C/hardlink"
denied "DENIED: rename from ro dir B into rw dir A" \
	jail "${X[@]}" -- mv "$B/move-out" "$A/from-ro"
ok "DENIED: ...and the file stays in B" test -e "$B/move-out" -a ! -e "$A/from-ro"

# ---- sockets: not even rw may make one ---------------------------------------
bind_py='import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])'
if have_pkg python3 /usr/bin/python3; then
	denied "DENIED: bind a unix socket in an rw dir" \
		jail --rw "$A" -- /usr/bin/python3 -I -c "$bind_py" "$A/sock"
	ok "ALLOWED: the test user binds one there without landjail" \
		as_user /usr/bin/python3 -I -c "$bind_py" "$A/sock2"
else
	skip "no /usr/bin/python3 to bind a unix socket (Debian package python3)"
	skip "no /usr/bin/python3 to bind a unix socket (Debian package python3)"
fi

# ---- a rule on one file --------------------------------------------------------
ok "ALLOWED: --ro FILE: that file can be read" jail --ro "$S/one" -- cat "$S/one"
denied "DENIED: --ro FILE: its sibling cannot" jail --ro "$S/one" -- cat "$S/two"
denied "DENIED: --ro FILE: its directory cannot be listed" jail --ro "$S/one" -- ls "$S"

# ---- optional paths --------------------------------------------------------------
ok "ALLOWED: --ro ?MISSING: an absent optional path is skipped" \
	jail --ro "?$T/nonexistent" -- true
run jail --ro "$T/nonexistent" --rw "$T/run" -- touch "$T/run/ran"
is "--ro MISSING: exit 125" 125 "$rc"
like "--ro MISSING: the message names the path" "$T/nonexistent does not exist" "$out"
ok "--ro MISSING: the command was not run" test ! -e "$T/run/ran"

# ---- other processes' /proc files, with only the base rules ----------------------
install_profile "$SRCDIR/profiles/base-dynamic.ini"
BASE=(-p "$T/profiles/base-dynamic.ini" --rox /usr/bin)

# reads_environ PID VAR=VALUE: the test user, unconfined, sees VAR=VALUE there.
reads_environ() {
	as_user cat "/proc/$1/environ" | tr '\0' '\n' | grep -qx -- "$2"
}

mkuserdir "$T/proc"
as_user sh -c 'echo $$ >"$1" && exec env LJ_FS_MARKER=sleeper sleep 30' \
	sh "$T/proc/pid" </dev/null >/dev/null 2>&1 &
sleeper=
for _ in $(seq 50); do
	if [ -s "$T/proc/pid" ]; then
		sleeper=$(cat "$T/proc/pid")
		tr '\0' '\n' <"/proc/$sleeper/environ" 2>/dev/null |
			grep -qx LJ_FS_MARKER=sleeper && break
	fi
	sleep 0.1
done

ok "ALLOWED: unconfined, the test user reads its other process's environ" \
	reads_environ "$sleeper" LJ_FS_MARKER=sleeper
denied "DENIED: base rules: another process's /proc/PID/environ (same user)" \
	lj "${BASE[@]}" -- cat "/proc/$sleeper/environ"
ok "ALLOWED: base rules: the program reads its own /proc/self/environ" \
	lj "${BASE[@]}" -- cat /proc/self/environ
kill "$sleeper" 2>/dev/null

# Another user's process: root reads a uid 65534 process's environ
# unconfined, and not from the sandbox. (uid 65534 has no other user's
# process it may read even unconfined, so these two run as root only.)
if [ "$LJ_UID" = 0 ]; then
	setpriv --reuid 65534 --regid 65534 --clear-groups -- \
		env LJ_FS_MARKER=other sleep 30 </dev/null >/dev/null 2>&1 &
	other=$!
	for _ in $(seq 50); do
		reads_environ "$other" LJ_FS_MARKER=other && break
		sleep 0.1
	done
	ok "ALLOWED: unconfined, root reads a uid 65534 process's environ" \
		reads_environ "$other" LJ_FS_MARKER=other
	denied "DENIED: base rules: a uid 65534 process's /proc/PID/environ" \
		lj "${BASE[@]}" -- cat "/proc/$other/environ"
	kill "$other" 2>/dev/null
fi

# ---- the environment -----------------------------------------------------------
run as_user env SECRET_TOKEN=hunter2 env
is "ALLOWED: unconfined, SECRET_TOKEN reaches the program" \
	SECRET_TOKEN=hunter2 "$(grep '^SECRET_TOKEN=' <<<"$out")"
run as_user env SECRET_TOKEN=hunter2 "$LANDJAIL" --rox /usr -- env
is "DENIED: by default SECRET_TOKEN is not passed" "" "$(grep '^SECRET_TOKEN=' <<<"$out")"
is "ALLOWED: by default PATH is passed" "PATH=$PATH" "$(grep '^PATH=' <<<"$out")"

cat >"$T/env-test.ini" <<'EOF'
; fs.sh: keep and set, on top of base-dynamic
[profile]
version = 1
include = base-dynamic

[filesystem]
rox = /usr/bin

[environment]
keep = PATH LJ_KEEP_*
set = GREETING=hello
EOF
install_profile "$T/env-test.ini"
run lj --check "$T/profiles/env-test.ini"
is "--check of a profile with [environment]: exit 0" 0 "$rc"
like "--check shows the keep glob" '^keep = LJ_KEEP_\*$' "$out"
like "--check shows the set" '^set = GREETING=hello$' "$out"
like "--check merges the included base-dynamic" '^ro = /usr/lib$' "$out"

run as_user env SECRET_TOKEN=hunter2 LJ_KEEP_ONE=kept GREETING=outside \
	HOME=/home/lj-test "$LANDJAIL" -p "$T/profiles/env-test.ini" -- env
is "profile run: exit 0" 0 "$rc"
is "ALLOWED: keep = LJ_KEEP_* passes LJ_KEEP_ONE" LJ_KEEP_ONE=kept \
	"$(grep '^LJ_KEEP_ONE=' <<<"$out")"
is "ALLOWED: keep = PATH passes PATH" "PATH=$PATH" "$(grep '^PATH=' <<<"$out")"
is "set = GREETING=hello replaces the inherited value" GREETING=hello \
	"$(grep '^GREETING=' <<<"$out")"
is "DENIED: SECRET_TOKEN, not kept, is not passed" "" "$(grep '^SECRET_TOKEN=' <<<"$out")"
is "DENIED: HOME, a default but not in this keep list, is not passed" "" \
	"$(grep '^HOME=' <<<"$out")"

done_testing
