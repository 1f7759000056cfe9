#!/bin/bash
# [limits] and [process]: each limit stops a runaway program, next to a
# control showing the same program runs when it stays under the limit.
. "$SRCDIR/tests/lib.sh"

plan 24

mkuserdir "$T/w"
# limits NAME "key = value"...: a profile in $T/profiles/NAME.
limits() {
	local name=$1; shift
	mkdir -p "$T/profiles"
	{ echo "[profile]"; echo "version = 1"; echo "[limits]"; printf '%s\n' "$@"; } \
		>"$T/profiles/$name"
	chmod 644 "$T/profiles/$name"
}
py() { lj "$@" 2>&1; }

# ---- processes: a bounded fork bomb -------------------------------------------
# Each child appends a line, then lingers; 60 are attempted.
bomb='for i in $(seq 60); do (echo x >>'"$T"'/w/forks; sleep 3) & done 2>/dev/null; wait'
limits nproc "processes = 20"
if [ "$LJ_UID" = 0 ]; then
	out=$(lj -p "$T/profiles/nproc" --rox /usr --rw /dev/null --rw "$T/w" -- sh -c "$bomb" 2>&1)
	is "root: processes is refused (the kernel exempts uid 0)" 125 $?
	like "and the message says why" "RLIMIT_NPROC.*uid 0" "$out"
	out=$(lj --best-effort -p "$T/profiles/nproc" --rox /usr -- true 2>&1)
	is "root: --best-effort runs it" 0 $?
	like "with a loud warning" "processes = 20 is NOT enforced" "$out"
else
	rm -f "$T/w/forks"; touch "$T/w/forks"; chown "$LJ_UID" "$T/w/forks"
	lj --rox /usr --rw /dev/null --rw "$T/w" -- sh -c "$bomb" >/dev/null 2>&1
	is "control: without the limit all 60 children start" 60 "$(wc -l <"$T/w/forks")"
	rm -f "$T/w/forks"; touch "$T/w/forks"; chown "$LJ_UID" "$T/w/forks"
	lj -p "$T/profiles/nproc" --rox /usr --rw /dev/null --rw "$T/w" -- sh -c "$bomb" >/dev/null 2>&1
	n=$(wc -l <"$T/w/forks")
	ok "processes = 20 stops the fork bomb ($n children started)" test "$n" -lt 20
	# The limit counts all of nobody's processes, the other tests' too:
	# the control's limit leaves room for them.
	limits nproc-high "processes = 1000"
	rm -f "$T/w/forks"; touch "$T/w/forks"; chown "$LJ_UID" "$T/w/forks"
	lj -p "$T/profiles/nproc-high" --rox /usr --rw /dev/null --rw "$T/w" -- sh -c "$bomb" >/dev/null 2>&1
	is "control: under processes = 1000 all 60 start" 60 "$(wc -l <"$T/w/forks")"
	out=$(lj -p "$T/profiles/nproc" --rox /usr -- sh -c 'ulimit -p 1000' 2>&1)
	like "the program cannot raise it" "Operation not permitted|not permitted" "$out"
fi

# ---- memory: a memory bomb ----------------------------------------------------
limits mem "memory = 200M"
out=$(py -p "$T/profiles/mem" --rox /usr -- python3 -c 'b = bytearray(40 << 20); print("got", len(b) >> 20)')
is "control: 40M fits in memory = 200M" "got 40" "$out"
out=$(py -p "$T/profiles/mem" --rox /usr -- python3 -c 'b = bytearray(400 << 20); print("got", len(b) >> 20)')
like "400M fails under memory = 200M" "MemoryError" "$out"
out=$(py --rox /usr -- python3 -c 'b = bytearray(400 << 20); print("got", len(b) >> 20)')
is "control: 400M works without the limit" "got 400" "$out"

# ---- file-size: a disk filler -------------------------------------------------
limits fsize "file-size = 1M"
lj -p "$T/profiles/fsize" --rox /usr --ro /dev/zero --rw "$T/w" -- sh -c "head -c 512K /dev/zero >$T/w/small" 2>/dev/null
is "control: a 512K file is written under file-size = 1M" 524288 "$(stat -c %s "$T/w/small")"
out=$(lj -v -p "$T/profiles/fsize" --rox /usr --ro /dev/zero --rw "$T/w" -- sh -c "head -c 3M /dev/zero >$T/w/big" 2>&1)
is "the disk filler dies of SIGXFSZ (its shell says 128+25)" 153 $?
is "and the file stops at 1M" 1048576 "$(stat -c %s "$T/w/big")"
like "the report names the limit" "landjail: file-size limit:" "$out"
like "and so does the -v summary" "summary: exit status 153.*ended by file-size" "$out"

# ---- cpu: a spin --------------------------------------------------------------
limits cpu "cpu = 1"
out=$(lj -p "$T/profiles/cpu" --rox /usr -- sh -c 'i=0; while [ $i -lt 1000 ]; do i=$((i+1)); done; echo done' 2>&1)
is "control: a short loop finishes under cpu = 1" done "$out"
out=$(lj -v -p "$T/profiles/cpu" --timeout 120 --rox /usr -- sh -c 'while :; do :; done' 2>&1)
is "a CPU spin dies of SIGXCPU (128+24)" 152 $?
like "the report names the cpu limit" "landjail: cpu limit:" "$out"
like "the -v summary says cpu ended it" "summary: exit status 152; wall [0-9.]+ s; cpu [0-9.]+ s user.*peak memory [0-9]+ KiB; ended by cpu" "$out"

# ---- open-files ---------------------------------------------------------------
limits nofile "open-files = 20"
opener='import os
n = 0
try:
    for _ in range(50):
        os.open("/dev/null", os.O_RDONLY); n += 1
except OSError as e:
    print(e.strerror)
print(n)'
out=$(py --rox /usr --ro /dev/null -- python3 -c "$opener")
is "control: 50 descriptors open without the limit" 50 "$out"
out=$(py -p "$T/profiles/nofile" --rox /usr --ro /dev/null -- python3 -c "$opener")
like "open-files = 20 stops at 20" "Too many open files" "$out"

# ---- limits cannot be raised, even by root ------------------------------------
# (The hard limit is set too; as root the sandbox also loses CAP_SYS_RESOURCE.)
is "control: without the limit the program may set file-size unlimited" raised \
	"$(lj --rox /usr -- sh -c 'ulimit -f unlimited && echo raised' 2>&1)"
out=$(lj -p "$T/profiles/fsize" --rox /usr -- sh -c 'ulimit -f unlimited && echo raised' 2>&1)
like "under file-size = 1M it cannot raise it, root included" "Operation not permitted" "$out"

# ---- the lowest value wins ----------------------------------------------------
limits big "file-size = 10M" "timeout = 1h"
out=$(lj --check -p "$T/profiles/big" -p "$T/profiles/fsize" --timeout 90s 2>&1)
like "--check shows the lowest file-size" "^file-size = 1M$" "$out"
like "--check shows the lowest timeout" "^timeout = 90s$" "$out"

# ---- [process] ----------------------------------------------------------------
mkuserdir "$T/wd"
mkdir -p "$T/profiles"
printf '[profile]\nversion = 1\n[process]\ndirectory = %s\numask = 027\n' "$T/wd" >"$T/profiles/proc"
chmod 644 "$T/profiles/proc"
out=$(cd / && lj -p "$T/profiles/proc" --rox /usr -- sh -c 'pwd; umask' 2>&1)
is "[process] sets the directory and the umask" "$T/wd
0027" "$out"
is "bad values are file:line errors" 125 "$(printf '[process]\numask = 8\n' >"$T/profiles/badp"; chmod 644 "$T/profiles/badp"; lj -p "$T/profiles/badp" -- true >/dev/null 2>&1; echo $?)"
done_testing
