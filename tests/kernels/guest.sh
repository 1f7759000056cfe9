# The checks run inside each kernel-matrix guest (busybox sh, as PID 1's
# child, as root); confined commands run as nobody.  Prints TAP lines,
# without a plan: run.sh numbers them across the guests.
#
#   A  Debian 6.1, Landlock ABI 2          -> Landlock backend
#   B  6.1 with landlock left out of lsm=  -> namespace backend
#   C  B, then user namespaces disabled    -> refusal (125) / --best-effort
#   D  Debian 6.12, Landlock ABI 6         -> Landlock backend
#   E  B, with the initramfs as the root   -> namespace backend, no pivot_root
case=$1
LJ=/lj/landjail
failed=0

ok() { echo "ok - $case: $1"; }
notok() { echo "not ok - $case: $1"; failed=$((failed + 1)); }

# nb CMD...: run CMD as nobody, output in $out, status in $rc.
nb() {
	out=$(su -s /bin/sh nobody -c "$*" 2>&1)
	rc=$?
}

# expect DESC STATUS CMD...: CMD as nobody exits with STATUS ("!0": any failure).
expect() {
	desc=$1 want=$2
	shift 2
	nb "$@"
	if [ "$want" = '!0' ] && [ "$rc" -ne 0 ] || [ "$rc" = "$want" ]; then
		ok "$desc"
	else
		notok "$desc (exit $rc, wanted $want)"
		printf '%s\n' "$out" | sed 's/^/#   /'
	fi
}

# says DESC PATTERN: the last output matches PATTERN (grep -E).
says() {
	if printf '%s\n' "$out" | grep -Eq -- "$2"; then
		ok "$1"
	else
		notok "$1"
		echo "#   pattern: $2"
		printf '%s\n' "$out" | sed 's/^/#   got: /'
	fi
}

# check DESC CMD...: a plain test as root.
check() {
	desc=$1
	shift
	if "$@"; then ok "$desc"; else notok "$desc"; fi
}

# ---- fixtures: the user owns /data and /work, so only the sandbox can
# refuse access there; /secret is world-readable.
mkdir -p /secret /data /work
echo s3cret >/secret/file
chmod 755 /secret
chmod 644 /secret/file
echo data >/data/file
chown -R nobody:nogroup /data /work

# A TCP listener on the loopback, for the network assertions.
# Its output must not hold the console pipe open after the checks.
(while true; do nc -l -p 8080; done) </dev/null >/dev/null 2>&1 &
listener=$!

# confinement EXTRA...: the core checks with landjail options EXTRA.
confinement() {
	J="$LJ $* --rox /bin --rox /lj"
	expect "control: unconfined, nobody reads /secret/file" 0 cat /secret/file
	expect "DENIED: read a file outside the profile" '!0' $J -- cat /secret/file
	expect "ALLOWED: read it under --ro" 0 $J --ro /secret -- cat /secret/file
	says "ALLOWED: ...and gets its contents" '^s3cret$'
	# Files are made by the shell: busybox touch also sets times by path
	# (utimensat), which the default seccomp filter denies on purpose.
	expect "ALLOWED: create a file in the rw work dir" 0 $J --rw /work -- sh -c "': >/work/new'"
	check "ALLOWED: ...and it is there" test -e /work/new
	expect "DENIED: create a file in a user-owned ro dir" '!0' \
		$J --ro /data --rw /work -- sh -c "': >/data/new'"
	check "DENIED: ...and it is not there" test ! -e /data/new
	expect "DENIED: append to a user-owned file under ro" '!0' \
		$J --ro /data -- sh -c "'echo x >>/data/file'"
	check "DENIED: ...and the file is unchanged" [ "$(cat /data/file)" = data ]
	expect "DENIED: write in a user-owned dir under no rule" '!0' \
		$J --rw /work -- sh -c "': >/data/other'"
	# busybox picks its applet by name: the copy is called true.
	mkdir -p /work/x /work/y
	chown nobody /work/x /work/y
	expect "DENIED: run a program written to the rw work dir (126)" 126 \
		$J --rw /work -- sh -c "'cp /bin/busybox /work/x/true && /work/x/true'"
	expect "ALLOWED: the same under rwx" 0 \
		$J --rwx /work -- sh -c "'cp /bin/busybox /work/y/true && /work/y/true'"
}

network_denied() {
	J="$LJ $* --rox /bin"
	expect "control: unconfined, nobody connects to 127.0.0.1:8080" 0 \
		nc 127.0.0.1 8080 </dev/null
	expect "DENIED: no network inside the sandbox" '!0' \
		$J -- nc 127.0.0.1 8080 </dev/null
}

refused() { # CAUSE-PATTERN
	expect "refused: exit 125" 125 $LJ --rox /bin -- cat /secret/file
	says "refused: the message names the cause" "$1"
	says "refused: ...and what to do" "sysctl -w"
	says "refused: ...and that Landlock is missing from lsm=" "lsm="
	expect "--best-effort: the command runs" 0 $LJ --best-effort --rox /bin -- cat /secret/file
	says "--best-effort: with a loud warning" "WITHOUT filesystem confinement"
}

case $case in
A)
	expect "--status" 0 $LJ --status
	says "--status: Landlock ABI 2, landlock backend" "backend: landlock \(ABI 2\)"
	# ABI 2 cannot stop truncate(): landjail refuses, unless seccomp
	# covers it (then it runs).  Either way, never silently unconfined.
	nb $LJ --rox /bin -- true
	if [ $rc = 0 ] || { [ $rc = 125 ] && printf '%s' "$out" | grep -q truncate; }; then
		ok "ABI 2 without --best-effort: exit $rc"
	else
		notok "ABI 2 without --best-effort: exit $rc: $out"
	fi
	confinement --best-effort
	;;
B)
	expect "--status" 0 $LJ --status
	says "--status: Landlock missing, namespace backend" "backend: namespaces"
	expect "-v names the backend" 0 $LJ -v --rox /bin -- true
	says "-v: backend: namespaces" "backend: namespaces"
	expect "--backend landlock: refused" 125 $LJ --backend landlock --rox /bin -- true
	says "--backend landlock: names the lsm= list" "lsm="
	expect "--check" 0 $LJ --check --rox /bin
	says "--check: the namespace backend enforces it" "namespace backend enforces"
	confinement
	network_denied
	;;
E)
	# The root is rootfs, as in an initramfs: pivot_root(2) fails with
	# EINVAL there and landjail moves its new root over "/" instead.
	if grep -q '^rootfs / ' /proc/mounts && ! grep -q '^[^r][^ ]* / ' /proc/mounts; then
		ok "the root is the initramfs (rootfs)"
	else
		notok "the root is the initramfs (rootfs): $(grep ' / ' /proc/mounts)"
	fi
	expect "namespace backend on the initramfs: runs" 0 $LJ -v --rox /bin -- true
	says "namespace backend on the initramfs: backend: namespaces" "backend: namespaces"
	confinement
	;;
C)
	echo 0 >/proc/sys/user/max_user_namespaces
	expect "--status" 0 $LJ --status
	says "--status: no backend" "backend: none"
	expect "--check refuses as a run does" 125 $LJ --check --rox /bin
	says "--check: refuses without --best-effort" "no user namespaces.*refus"
	refused "user.max_user_namespaces=0"
	echo 15000 >/proc/sys/user/max_user_namespaces
	if [ -e /proc/sys/kernel/unprivileged_userns_clone ]; then
		echo 0 >/proc/sys/kernel/unprivileged_userns_clone
		refused "kernel.unprivileged_userns_clone=0"
	else
		echo "ok - $case: kernel.unprivileged_userns_clone # SKIP not in this kernel"
	fi
	;;
D)
	expect "--status" 0 $LJ --status
	says "--status: Landlock ABI 6, landlock backend" "backend: landlock \(ABI 6\)"
	confinement
	;;
*)
	notok "unknown case '$case'"
	;;
esac
kill $listener 2>/dev/null
echo "# $case: $failed failed"
