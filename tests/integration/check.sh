#!/bin/bash
# --check and a run agree: for every golden bad profile (tests/bad) and
# every refusal the plan can make on this machine (src/plan.h), `landjail
# --check ARGS` exits with the status of `landjail ARGS -- /bin/true` and
# says the same on standard error (where a run names /bin/true, --check,
# which has no command, says "the command"); each refusal sits next to a
# control that both accept.
. "$SRCDIR/tests/lib.sh"

mkdir "$T/bad" "$T/p"
for f in "$SRCDIR"/tests/bad/*.ini; do install -m 0644 "$f" "$T/bad/"; done
bad=("$SRCDIR"/tests/bad/*.ini)
mkuserdir "$T/home"
# Test builds can pretend to be an older kernel (LANDJAIL_TEST_LANDLOCK_ABI).
hooks=false
[ "$(LANDJAIL_TEST_LANDLOCK_ABI=2 "$LANDJAIL" --status | sed -n 's/^Landlock: ABI //p')" = 2 ] &&
	hooks=true

plan $((3 * ${#bad[@]} + 3 * 15 + 3 + 3))

# agree DESC STATUS [VAR=VALUE...] -- ARGS...: the run and --check of ARGS
# (with the environment VAR=VALUE) both exit STATUS, with the same stderr.
agree() {
	local desc=$1 want=$2 envs=()
	shift 2
	while [ "$1" != -- ]; do envs+=("$1"); shift; done
	shift
	if ! $hooks && printf '%s\n' "${envs[@]}" | grep -q '^LANDJAIL_TEST_'; then
		for i in 1 2 3; do
			ok "$desc # SKIP this build has no test hooks" true
		done
		return
	fi
	run_err=$(cd "$T/bad" && as_user env "${envs[@]}" HOME="$T/home" "$LANDJAIL" -q "$@" \
		-- /bin/true 2>&1 >/dev/null)
	run_rc=$?
	check_err=$(cd "$T/bad" && as_user env "${envs[@]}" HOME="$T/home" "$LANDJAIL" -q --check \
		"$@" 2>&1 >/dev/null)
	check_rc=$?
	is "$desc: a run exits $want" "$want" "$run_rc"
	is "$desc: --check exits as the run does" "$run_rc" "$check_rc"
	is "$desc: --check says what the run says" "${run_err//\/bin\/true/the command}" "$check_err"
}

for f in "${bad[@]}"; do
	name=$(basename "$f" .ini)
	agree "tests/bad/$name.ini" 125 -- -p "./$name.ini" --rox /usr
done

agree "--rox /usr (control)" 0 -- --rox /usr

# TCP ports need mode = tcp: the option that gives them is named.
agree "--tcp-connect 80 without --net tcp" 125 -- --rox /usr --tcp-connect 80
like "  the message names the option, with no line number" \
	'^--tcp-connect 80: TCP ports are given but the network mode is none' "$check_err"
agree "--net tcp --tcp-connect 80 (control)" 0 -- --rox /usr --net tcp --tcp-connect 80
printf '[network]\nmode = none\ntcp-bind = 8080\n' >"$T/p/ports.ini"
agree "a profile's tcp-bind without mode = tcp" 125 -- -p "$T/p/ports.ini" --rox /usr
like "  the message names the profile's line" "^$T/p/ports.ini:3: TCP ports are given" "$check_err"

# Ports need Landlock's network rules (ABI 4).
agree "--net tcp with ports on ABI 3" 125 LANDJAIL_TEST_LANDLOCK_ABI=3 -- \
	--rox /usr --net tcp --tcp-connect 80
agree "--net tcp without ports on ABI 3 (control)" 0 LANDJAIL_TEST_LANDLOCK_ABI=3 -- \
	--rox /usr --net tcp

# isolation = required needs scoping (ABI 6).
printf '[network]\nisolation = required\n' >"$T/p/isolated.ini"
agree "isolation = required on ABI 5" 125 LANDJAIL_TEST_LANDLOCK_ABI=5 -- \
	-p "$T/p/isolated.ini" --rox /usr
agree "isolation = required on ABI 6 (control)" 0 LANDJAIL_TEST_LANDLOCK_ABI=6 -- \
	-p "$T/p/isolated.ini" --rox /usr

# --backend landlock on a kernel without Landlock.
agree "--backend landlock without Landlock" 125 LANDJAIL_TEST_LANDLOCK_ABI=0 -- \
	--backend landlock --rox /usr
agree "--backend auto without Landlock: namespaces (control)" 0 LANDJAIL_TEST_LANDLOCK_ABI=0 -- \
	--rox /usr

# processes = N is not enforceable for root.
printf '[limits]\nprocesses = 50\n' >"$T/p/nproc.ini"
agree "processes = 50 as $LJ_TEST_USER" "$([ "$LJ_UID" = 0 ] && echo 125 || echo 0)" -- \
	-p "$T/p/nproc.ini" --rox /usr

# A rule that lets the program write the filter cache.
agree "--rw on the home directory holding the filter cache" 125 -- --rox /usr --rw "$T/home"
agree "--rw on a directory beside it (control)" 0 -- --rox /usr --rw "$T/p"

# sandbox-processes is counted through user notification: without it the
# plan refuses, naming the line, in --check as in a run.
printf '[syscalls]\nfork = yes\n[limits]\nsandbox-processes = 4\n' >"$T/p/count.ini"
agree "sandbox-processes without user notification" 125 LANDJAIL_TEST_NO_USER_NOTIF=1 -- \
	-p "$T/p/count.ini" --rox /usr
if $hooks; then
	like "  the message names the profile's line" \
		"^$T/p/count.ini:4: sandbox-processes = 4 cannot be enforced" "$check_err"
else
	skip "  the message names the profile's line" "this build has no test hooks"
fi
agree "sandbox-processes with user notification (control)" 0 -- -p "$T/p/count.ini" --rox /usr

# --check's profile reads back as itself: policy_print.c spells every key
# and value as the section tables read them.
mkdir "$T/iso"
cat >"$T/p/all.ini" <<INI
[profile]
version = 1
description = every section
log = syslog
[filesystem]
ro = /usr ?/usr/share
rox = /usr/bin
rw = $T/p
dev = /dev/null
forbid = /etc
forbid-beneath = /root/*
isolate = $T/iso
scratch-env = TMPDIR
[environment]
clear = yes
keep = PATH LC_*
set = "GREETING=hello world"
[network]
mode = tcp
tcp-connect = 80 8000-8002
tcp-bind = 8080
unix = deny
isolation = required
[syscalls]
default = errno
allow = @default read
deny = ptrace
fork = no
[limits]
timeout = 90s
cpu = 5m
memory = 512M
file-size = 64M
open-files = 256
core = 0
stack = 8M
[process]
directory = /tmp
umask = 0027
INI
chmod 0644 "$T/p/all.ini"
first=$(as_user "$LANDJAIL" --check "$T/p/all.ini" 2>"$T/err")
is "a profile with every section passes --check" 0 $?
printf '%s\n' "$first" >"$T/p/again.ini"
again=$(as_user "$LANDJAIL" --check "$T/p/again.ini" 2>&1)
is "--check's output passes --check" 0 $?
is "and reads back as the same policy" "$(sed 1d <<<"$first")" "$(sed 1d <<<"$again")"

done_testing
