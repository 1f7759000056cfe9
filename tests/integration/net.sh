#!/bin/bash
# Network confinement: socket families by seccomp on every ABI, TCP ports
# by Landlock (ABI >= 4), abstract unix sockets and signals by Landlock
# scoping (ABI >= 6).  Every path runs on this kernel's ABI and, in test
# builds, on ABIs capped to 2, 3, 5 and 6.
. "$SRCDIR/tests/lib.sh"

use_try_syscall

# Listeners outside the sandbox, owned by the test user.
base=$((20000 + RANDOM % 20000))
P_OPEN=$base P_SHUT=$((base + 1)) P_BIND=$((base + 2)) P_NOBIND=$((base + 3))
lj_serve "$TS" serve-tcp "$P_OPEN"
lj_serve "$TS" serve-tcp "$P_SHUT"
mkuserdir "$T/s"
lj_serve "$TS" serve-unix "$T/s/sock"
ABSTRACT=landjail-test-$$
lj_serve "$TS" serve-abstract "$ABSTRACT"
# A process of the test user outside the sandbox, as the parent shell is.
lj_serve sleep 300
OUTSIDER=$!
for _ in $(seq 50); do [ -S "$T/s/sock" ] && break; sleep 0.05; done
sleep 0.2

profile unix '[network]' 'mode = none' 'unix = allow'
profile isolated '[network]' 'mode = none' 'isolation = required'

set_abis

# Controls outside the sandbox: everything below works without landjail.
is "outside: TCP connect works" ok "$(as_user "$TS" tcp-connect "$P_OPEN")"
is "outside: UDP send works" ok "$(as_user "$TS" udp-send "$P_OPEN")"
is "outside: netlink works" ok "$(as_user "$TS" netlink)"
is "outside: pathname unix connect works" ok "$(as_user "$TS" unix-connect "$T/s/sock")"
is "outside: TCP Fast Open works (control)" ok "$(as_user "$TS" tcp-fastopen "$P_SHUT")"
is "outside: abstract unix connect works" ok "$(as_user "$TS" abstract-connect "$ABSTRACT")"
is "outside: signalling a process of the same user works" ok "$(as_user "$TS" kill "$OUTSIDER")"

for abi in "${abis[@]}"; do
	A="[ABI $abi]"
	# -- TCP ------------------------------------------------------------------
	is "$A --net none: TCP connect is refused" EACCES "$(t "$abi" --net none -- "$TS" tcp-connect "$P_OPEN")"
	like "$A and reported with the family" "was denied: socket\(AF_INET, SOCK_STREAM\): network mode none" "$(cat "$T/err")"
	is "$A --net unrestricted: TCP connect works" ok "$(t "$abi" --net unrestricted -- "$TS" tcp-connect "$P_OPEN")"
	if [ "$abi" -ge 4 ]; then
		is "$A --net tcp: connect to a granted port works" ok \
			"$(t "$abi" --net tcp --tcp-connect "$P_OPEN" -- "$TS" tcp-connect "$P_OPEN")"
		is "$A --net tcp: connect to another listening port is refused" EACCES \
			"$(t "$abi" --net tcp --tcp-connect "$P_OPEN" -- "$TS" tcp-connect "$P_SHUT")"
		is "$A --net tcp: TCP Fast Open to another port is refused (EOPNOTSUPP)" "errno 95" \
			"$(t "$abi" --net tcp --tcp-connect "$P_OPEN" -- "$TS" tcp-fastopen "$P_SHUT")"
		like "$A and reported" "sendto with MSG_FASTOPEN" "$(cat "$T/err")"
		is "$A --net tcp: unix sockets are refused unless allowed" EACCES \
			"$(t "$abi" --net tcp --tcp-connect "$P_OPEN" -- "$TS" unix-connect "$T/s/sock")"
		is "$A --net tcp: a port range grants its ports" ok \
			"$(t "$abi" --net tcp --tcp-connect "$((P_OPEN - 1))-$P_OPEN" -- "$TS" tcp-connect "$P_OPEN")"
		is "$A --net tcp: bind of a granted port works" ok \
			"$(t "$abi" --net tcp --tcp-bind "$P_BIND" -- "$TS" tcp-bind "$P_BIND")"
		is "$A --net tcp: bind of another port is refused" EACCES \
			"$(t "$abi" --net tcp --tcp-bind "$P_BIND" -- "$TS" tcp-bind "$P_NOBIND")"
	else
		t "$abi" --net tcp --tcp-connect "$P_OPEN" -- "$TS" tcp-connect "$P_OPEN" >/dev/null
		is "$A --net tcp with ports and no Landlock net rules is refused (125)" 125 "$rc"
		like "$A with a message naming what is missing" "no network rules" "$(cat "$T/err")"
		is "$A with --best-effort it runs, every port open" ok \
			"$(t "$abi" --best-effort --net tcp --tcp-connect "$P_OPEN" -- "$TS" tcp-connect "$P_SHUT")"
	fi
	# -- other families -------------------------------------------------------------
	is "$A --net tcp: UDP send is refused" EACCES \
		"$(t "$abi" --best-effort --net tcp --tcp-connect "$P_OPEN" -- "$TS" udp-send "$P_OPEN")"
	is "$A --net none: UDP send is refused" EACCES "$(t "$abi" --net none -- "$TS" udp-send "$P_OPEN")"
	is "$A --net unrestricted: UDP send works" ok "$(t "$abi" --net unrestricted -- "$TS" udp-send "$P_OPEN")"
	for fam in raw packet vsock; do
		is "$A --net none: $fam socket is refused by the filter" EACCES "$(t "$abi" -- "$TS" "$fam")"
		r=$(t "$abi" --net unrestricted -- "$TS" "$fam")
		like "$A --net unrestricted: $fam socket is not refused by the filter ($r)" '^(ok|EPERM|EAFNOSUPPORT|ESOCKTNOSUPPORT)$' "$r"
	done
	is "$A --net none: netlink socket is refused" EACCES "$(t "$abi" -- "$TS" netlink)"
	is "$A --net unrestricted: netlink socket works" ok "$(t "$abi" --net unrestricted -- "$TS" netlink)"
	is "$A junk in the family's high half does not slip through" EACCES "$(t "$abi" -- "$TS" socket-highbits)"
	is "$A and the same call works where allowed" ok "$(t "$abi" --net unrestricted -- "$TS" socket-highbits)"
	# -- unix sockets -----------------------------------------------------------------
	is "$A default: connect to a pathname unix socket outside is refused" EACCES \
		"$(t "$abi" -- "$TS" unix-connect "$T/s/sock")"
	is "$A unix = allow: the same connect works" ok \
		"$(t "$abi" -p "$T/unix.ini" -- "$TS" unix-connect "$T/s/sock")"
	is "$A default: socketpair is refused" EACCES "$(t "$abi" -- "$TS" socketpair)"
	is "$A unix = allow: socketpair works" ok "$(t "$abi" -p "$T/unix.ini" -- "$TS" socketpair)"
	is "$A default: abstract unix socket is refused" EACCES \
		"$(t "$abi" -- "$TS" abstract-connect "$ABSTRACT")"
	# -- scoping: abstract sockets and signals outside ---------------------------------
	t "$abi" -v -p "$T/unix.ini" -- "$TS" kill "$OUTSIDER" >/dev/null
	if [ "$abi" -ge 6 ]; then
		is "$A unix = allow: abstract socket outside is still unreachable" EPERM \
			"$(t "$abi" -p "$T/unix.ini" -- "$TS" abstract-connect "$ABSTRACT")"
		is "$A signalling a process outside is refused" EPERM "$(t "$abi" -- "$TS" kill "$OUTSIDER")"
		t "$abi" -p "$T/isolated.ini" -- "$TS" kill-self >/dev/null
		is "$A isolation = required runs" 0 "$rc"
	else
		is "$A unix = allow: abstract socket outside is reachable (no scoping)" ok \
			"$(t "$abi" -p "$T/unix.ini" -- "$TS" abstract-connect "$ABSTRACT")"
		t "$abi" -v -p "$T/unix.ini" -- "$TS" kill-self >/dev/null
		like "$A -v says what is not isolated" "not isolated \(Landlock ABI $abi < 6\): signals and abstract unix sockets" "$(cat "$T/err")"
		t "$abi" -p "$T/isolated.ini" -- "$TS" kill-self >/dev/null
		is "$A isolation = required is refused (125)" 125 "$rc"
		like "$A --status says signals are not isolated" "NOT isolated" \
			"$(LANDJAIL_TEST_LANDLOCK_ABI=$abi "$LANDJAIL" --status)"
	fi
	is "$A signalling itself works" ok "$(t "$abi" -- "$TS" kill-self)"
done

# Bad input.
lj --rox /usr --net sideways -- true 2>"$T/err"
is "an unknown --net mode is 125" 125 $?
lj --rox /usr --net tcp --tcp-connect 70000 -- true 2>"$T/err"
is "a port out of range is 125" 125 $?
lj --rox /usr --net none --tcp-connect 80 -- true 2>"$T/err"
is "ports without --net tcp are 125" 125 $?

plan "$_tap_n"
done_testing
