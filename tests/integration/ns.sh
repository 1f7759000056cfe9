#!/bin/bash
# The namespace backend on this kernel (--backend namespaces): the core
# confinement checks of fs.sh, each DENIED case next to its ALLOWED
# control.  Denials here read "No such file or directory" (the path is not
# in the new root), "Read-only file system" or "Permission denied"
# (noexec), so the checks look at the outcome, not the message.
. "$SRCDIR/tests/lib.sh"

plan 46

run() {
	out=$("$@" 2>&1)
	rc=$?
}

# jail ARGS...: the namespace backend, with sh and coreutils granted.
jail() { lj --backend namespaces --rox /usr "$@"; }

contents() { cat "$1" 2>&1; }

cd "$T" || exit 1
H=$T/hidden
B=$T/ro
A=$T/rw
S=$T/single
for d in "$H" "$B" "$A" "$S" "$T/x-rw" "$T/x-rwx" "$T/x-rox"; do
	mkuserdir "$d"
done
echo secret >"$H/secret"
for d in "$B" "$A"; do
	echo original >"$d/written"
	echo victim >"$d/victim"
	echo old >"$d/old"
	echo long-content >"$d/trunc"
	mkdir "$d/sub"
done
echo one >"$S/one"
echo two >"$S/two"
for d in x-rw x-rwx x-rox; do
	cp /usr/bin/true "$T/$d/true"
done
chown -R "$LJ_UID:$LJ_UID" "$H" "$B" "$A" "$S" "$T/x-rw" "$T/x-rwx" "$T/x-rox"

# ---- which backend ---------------------------------------------------------
run lj -v --backend namespaces --rox /usr -- true
is "--backend namespaces: exit 0" 0 "$rc"
like "-v says backend: namespaces" 'backend: namespaces' "$out"
run lj -v --rox /usr -- true
like "auto on a kernel with Landlock: backend: landlock" 'backend: landlock' "$out"
run lj --backend bogus -- true
is "--backend bogus: exit 125" 125 "$rc"
like "--backend bogus: says what it takes" 'auto, landlock or namespaces' "$out"
run lj --status
like "--status names the backend" '^backend: landlock' "$out"
like "--status: user namespaces work here" 'an unprivileged user namespace can be created' "$out"

# ---- reading ---------------------------------------------------------------
fails "DENIED: read a file under no rule" jail -- cat "$H/secret"
ok "ALLOWED: read it under an ro rule" jail --ro "$H" -- cat "$H/secret"
fails "DENIED: list a directory under no rule" jail -- ls "$H"
run jail --ro "$H" -- ls "$H"
is "ALLOWED: list it under an ro rule" secret "$out"

# ---- writing -----------------------------------------------------------------
fails "DENIED: append to a file in an ro dir" \
	jail --ro "$B" -- sh -c 'echo more >>"$1"' sh "$B/written"
is "DENIED: ...and the file is unchanged" original "$(contents "$B/written")"
ok "ALLOWED: append in an rw dir" jail --rw "$A" -- sh -c 'echo more >>"$1"' sh "$A/written"
fails "DENIED: create a file in an ro dir" jail --ro "$B" -- touch "$B/new"
ok "DENIED: ...and it is not there" test ! -e "$B/new"
ok "ALLOWED: create a file in an rw dir" jail --rw "$A" -- touch "$A/new"
ok "ALLOWED: ...and it is there, outside too" test -e "$A/new"
fails "DENIED: delete a file in an ro dir" jail --ro "$B" -- rm -f "$B/victim"
ok "DENIED: ...and it is still there" test -e "$B/victim"
ok "ALLOWED: delete a file in an rw dir" jail --rw "$A" -- rm -f "$A/victim"
fails "DENIED: mkdir in an ro dir" jail --ro "$B" -- mkdir "$B/newdir"
ok "ALLOWED: mkdir in an rw dir" jail --rw "$A" -- mkdir "$A/newdir"
fails "DENIED: rename in an ro dir" jail --ro "$B" -- mv "$B/old" "$B/renamed"
ok "DENIED: ...and the old name is still there" test -e "$B/old"
ok "ALLOWED: rename in an rw dir" jail --rw "$A" -- mv "$A/old" "$A/renamed"
fails "DENIED: truncate -s 0 in an ro dir" jail --ro "$B" -- truncate -s 0 "$B/trunc"
is "DENIED: ...and the file keeps its contents" long-content "$(contents "$B/trunc")"
ok "ALLOWED: truncate -s 0 in an rw dir" jail --rw "$A" -- truncate -s 0 "$A/trunc"
fails "DENIED: write in a user-owned dir under no rule" jail --rw "$A" -- touch "$H/new"
fails "DENIED: create a file in the new root itself" jail -- touch /new-in-root

# ---- rights along the tree: as with Landlock, a rule above adds up -----------
ok "ALLOWED: rw on a dir also covers its ro-ruled subdir" \
	jail --rw "$A" --ro "$A/sub" -- touch "$A/sub/inner"
fails "DENIED: ro on a dir, nothing more on its subdir" \
	jail --ro "$B" --ro "$B/sub" -- touch "$B/sub/inner"

# ---- executing ---------------------------------------------------------------
fails "DENIED: sh runs a program from an rw dir (noexec)" \
	jail --rw "$T/x-rw" -- sh -c '"$1"' sh "$T/x-rw/true"
ok "ALLOWED: the same from an rwx dir" jail --rwx "$T/x-rwx" -- sh -c '"$1"' sh "$T/x-rwx/true"
ok "ALLOWED: the same from a rox dir" jail --rox "$T/x-rox" -- sh -c '"$1"' sh "$T/x-rox/true"

# ---- a rule on one file ----------------------------------------------------------
ok "ALLOWED: --ro FILE: that file can be read" jail --ro "$S/one" -- cat "$S/one"
fails "DENIED: --ro FILE: its sibling cannot" jail --ro "$S/one" -- cat "$S/two"

# ---- optional paths ----------------------------------------------------------------
ok "ALLOWED: --ro ?MISSING is skipped" jail --ro "?$T/nonexistent" -- true

# ---- no capabilities, no way back ----------------------------------------------------
run jail --ro /proc/self -- sh -c 'grep ^CapEff /proc/self/status; id -u'
is "the program has no capabilities and keeps its uid" \
	"$(printf 'CapEff:\t0000000000000000\n%s' "$LJ_UID")" "$out"
fails "DENIED: remounting an ro bind read-write" \
	jail --ro "$B" -- mount -o remount,rw,bind "$B"
fails "DENIED: unmounting a bind to see beneath it" jail --ro "$B" -- umount "$B"

# ---- other processes ---------------------------------------------------------------
as_user sleep 30 </dev/null >/dev/null 2>&1 &
sleeper=$!
ok "ALLOWED: unconfined, the test user sees its other process" test -e "/proc/$sleeper"
fails "DENIED: another process's /proc entry (no /proc but what rules name)" \
	jail --ro /proc/self -- cat "/proc/$sleeper/environ"
kill "$sleeper" 2>/dev/null

# ---- network ---------------------------------------------------------------------------
listen_py='import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(8)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
import time; time.sleep(30)'
connect_py='import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=3)'
python3 -c "$listen_py" "$T/port" &
listener=$!
for _ in $(seq 50); do [ -s "$T/port" ] && break; sleep 0.1; done
port=$(cat "$T/port")
ok "ALLOWED: unconfined, the test user connects to 127.0.0.1:$port" \
	as_user /usr/bin/python3 -I -c "$connect_py" "$port"
fails "DENIED: no network in the sandbox (new network namespace)" \
	jail -- /usr/bin/python3 -I -c "$connect_py" "$port"
kill "$listener" 2>/dev/null

done_testing
