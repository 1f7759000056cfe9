# Shared helpers for the integration tests (TAP).  Source it, then call
# plan N, and ok/fails/... for each assertion.
#
# Environment, set by tests/meson.build:
#   LANDJAIL      the built binary
#   SRCDIR        the source tree
#   LJ_TEST_USER  "root" or "nobody": who runs landjail in this test run
set -u

: "${LANDJAIL:?LANDJAIL must point at the built landjail}"
: "${SRCDIR:?SRCDIR must point at the source tree}"
LJ_TEST_USER=${LJ_TEST_USER:-root}
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C
. "$SRCDIR/tests/pkg.sh"

_tap_n=0
_tap_failed=0

plan() { echo "1..$1"; }

# ok DESCRIPTION COMMAND...: passes when COMMAND succeeds.
ok() {
	local desc=$1; shift
	_tap_n=$((_tap_n + 1))
	if "$@" >"$T/.out" 2>&1; then
		echo "ok $_tap_n - $desc"
	else
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n - $desc"
		sed 's/^/# /' "$T/.out"
	fi
}

# fails DESCRIPTION COMMAND...: passes when COMMAND fails.
fails() {
	local desc=$1; shift
	_tap_n=$((_tap_n + 1))
	if "$@" >"$T/.out" 2>&1; then
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n - $desc (it succeeded)"
		sed 's/^/# /' "$T/.out"
	else
		echo "ok $_tap_n - $desc"
	fi
}

# is DESCRIPTION EXPECTED ACTUAL
is() {
	_tap_n=$((_tap_n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $_tap_n - $1"
	else
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n - $1"
		echo "#   expected: $2"
		echo "#   got:      $3"
	fi
}

# like DESCRIPTION PATTERN TEXT: grep -E PATTERN matches TEXT.
like() {
	_tap_n=$((_tap_n + 1))
	if printf '%s\n' "$3" | grep -Eq -- "$2"; then
		echo "ok $_tap_n - $1"
	else
		_tap_failed=$((_tap_failed + 1))
		echo "not ok $_tap_n - $1"
		echo "#   pattern: $2"
		printf '%s\n' "$3" | sed 's/^/#   got: /'
	fi
}

# skip DESCRIPTION REASON: a check this build cannot make (CI fails on it
# unless tests/skip-allow.txt names it).
skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP $2"
}

# The uid the confined program runs as, and a wrapper to run as that user.
if [ "$LJ_TEST_USER" = nobody ]; then
	LJ_UID=65534
	as_user() { setpriv --reuid 65534 --regid 65534 --clear-groups -- "$@"; }
else
	LJ_UID=0
	as_user() { "$@"; }
fi
# The same as a command prefix, for helpers that run the command themselves.
if [ "$LJ_TEST_USER" = nobody ]; then
	as_user_cmd=(setpriv --reuid 65534 --regid 65534 --clear-groups --)
else
	as_user_cmd=()
fi

# A scratch directory that the test user may enter; removed at exit.
T=$(mktemp -d /tmp/landjail-test.XXXXXX)
chmod 755 "$T"
# Background processes a test starts with lj_serve are stopped at exit too
# (a TERM or INT from meson's timeout exits through the same trap).
LJ_BG_PIDS=()
lj_cleanup() {
	[ ${#LJ_BG_PIDS[@]} -eq 0 ] || kill "${LJ_BG_PIDS[@]}" 2>/dev/null
	rm -rf "$T"
}
trap lj_cleanup EXIT
trap 'exit 1' TERM INT

# The build tree may not be reachable by nobody: run a copy.
if [ "$LJ_TEST_USER" = nobody ]; then
	install -m 0755 "$LANDJAIL" "$T/landjail"
	LANDJAIL=$T/landjail
fi

# lj ARGS...: run landjail as the test user.
lj() { as_user "$LANDJAIL" "$@"; }

# lj_bg ARGS...: start landjail in the background so that $! is landjail
# itself (not a subshell), with job control on so that SIGINT is not
# ignored and the job has its own process group.
lj_bg() {
	set -m
	if [ "$LJ_TEST_USER" = nobody ]; then
		setpriv --reuid 65534 --regid 65534 --clear-groups -- "$LANDJAIL" "$@" &
	else
		"$LANDJAIL" "$@" &
	fi
	set +m
}

# lj_serve COMMAND...: start it in the background as the test user, with
# no shell in between, so that $! is the process itself and lj_cleanup
# stops it (a function or subshell here would leave the command running).
lj_serve() {
	"${as_user_cmd[@]}" "$@" >/dev/null 2>&1 &
	LJ_BG_PIDS+=($!)
}

# use_try_syscall: the try-syscall helper (TRY_SYSCALL, from meson) copied
# where the test user can run it, as $TS.
use_try_syscall() {
	: "${TRY_SYSCALL:?TRY_SYSCALL must point at the try-syscall helper}"
	mkdir -p "$T/bin"
	install -m 0755 "$TRY_SYSCALL" "$T/bin/try-syscall"
	TS=$T/bin/try-syscall
}

# mkuserdir DIR: a directory owned by the test user, so that only Landlock,
# not file permissions, can stop the user from writing there.
mkuserdir() {
	mkdir -p "$1"
	chown "$LJ_UID:$LJ_UID" "$1"
}

# install_profile SRC [NAME]: copy a profile into $T/profiles with the
# mode landjail requires (a fresh clone may be group-writable).
install_profile() {
	mkdir -p "$T/profiles"
	install -m 0644 "$1" "$T/profiles/${2:-$(basename "$1")}"
}

# alive PID: the process exists and is not a zombie (an orphan's zombie
# may wait a while for a busy init to reap it).
alive() {
	local state
	state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

done_testing() {
	[ "$_tap_failed" -eq 0 ]
}

# make_wrappers DIR [CONFIG]: the drop-in wrappers in DIR, made by
# landjail --sync-wrappers: links to this test's landjail for the programs
# of profiles/wrappers.list installed in /usr/bin:/bin.  The map and copies
# of the source profiles (mode 0644) go to CONFIG/landjail/profiles
# (default $T/config); a wrapped call needs XDG_CONFIG_HOME=CONFIG, which
# $WRAPPER_ENV holds for the default.
make_wrappers() {
	local dir=$1 config=${2:-$T/config}
	mkdir -p "$dir" "$config/landjail/profiles" "$T/profiles"
	install -m 0644 "$SRCDIR"/profiles/*.ini "$SRCDIR"/profiles/wrappers.list "$T/profiles/"
	install -m 0644 "$SRCDIR"/profiles/*.ini "$SRCDIR"/profiles/wrappers.list \
		"$config/landjail/profiles/"
	chmod 755 "$dir" "$config" "$config/landjail" "$config/landjail/profiles"
	PATH=/usr/bin:/bin XDG_CONFIG_HOME=$config "$LANDJAIL" -q --sync-wrappers "$dir"
}
WRAPPER_ENV="XDG_CONFIG_HOME=$T/config"

# exif_jpeg IN OUT ORIENTATION: IN with a minimal EXIF block that holds
# only the orientation tag (no exiftool needed).
exif_jpeg() {
	python3 - "$1" "$2" "$3" <<'PY'
import struct, sys
src, dst, orient = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(src, 'rb').read()
assert data[:2] == b'\xff\xd8'
tiff = b'MM\x00\x2a' + struct.pack('>I', 8)
tiff += struct.pack('>H', 1) + struct.pack('>HHIHH', 0x0112, 3, 1, orient, 0)
tiff += struct.pack('>I', 0)
payload = b'Exif\x00\x00' + tiff
app1 = b'\xff\xe1' + struct.pack('>H', len(payload) + 2) + payload
open(dst, 'wb').write(data[:2] + app1 + data[2:])
PY
}

# profile NAME LINES...: $T/NAME.ini, a profile with these lines.
profile() {
	local name=$1
	shift
	printf '[profile]\nversion = 1\n' >"$T/$name.ini"
	printf '%s\n' "$@" >>"$T/$name.ini"
	chmod 0644 "$T/$name.ini"
}

# t ABI ARGS... -- PROGRAM...: run landjail as the test user with the
# Landlock ABI capped to ABI (test builds; empty: the kernel's) and
# $T/bin executable; stdout is printed, stderr lands in $T/err and
# landjail's status in $rc.
t() {
	local abi=$1
	shift
	out=$(LANDJAIL_TEST_LANDLOCK_ABI=$abi lj --rox "$T/bin" "$@" 2>"$T/err")
	rc=$?
	printf '%s\n' "$out"
}

# has_test_hooks: this landjail honours LANDJAIL_TEST_* (a -Dtest_hooks=true
# build, as every tree of ./quickstart test is; the package builds are not).
has_test_hooks() {
	[ "$(LANDJAIL_TEST_LANDLOCK_ABI=2 "$LANDJAIL" --status 2>/dev/null |
		sed -n 's/^Landlock: ABI //p')" = 2 ]
}

# setup_opts SETUP: a setup of the attack tests ("abi=": the kernel's,
# "abi=N": Landlock capped at N by the test hook, "ns": the namespace
# backend) as $setup_abi, for LANDJAIL_TEST_LANDLOCK_ABI, and the array
# setup_how of landjail's options.
setup_opts() {
	setup_abi= setup_how=()
	case $1 in
	abi=*) setup_abi=${1#abi=} ;;
	ns) setup_how=(--backend namespaces) ;;
	esac
}

# lj_in SETUP ARGS...: lj in that setup.
lj_in() {
	setup_opts "$1"
	shift
	LANDJAIL_TEST_LANDLOCK_ABI=$setup_abi lj "${setup_how[@]}" "$@"
}

# set_abis: $native, and $abis: the native Landlock ABI plus, in builds
# with test hooks, the lower ABIs 2, 3, 5 and 6 that have their own code.
set_abis() {
	native=$("$LANDJAIL" --status | sed -n 's/^Landlock: ABI \([0-9]*\).*/\1/p')
	abis=("$native")
	if [ "$(LANDJAIL_TEST_LANDLOCK_ABI=2 "$LANDJAIL" --status | sed -n 's/^Landlock: ABI //p')" = 2 ]; then
		for a in 2 3 5 6; do [ "$a" -lt "$native" ] && abis+=("$a"); done
	else
		echo "# this build has no test hooks: only the native ABI $native is tested"
	fi
}
