#!/bin/bash
# landjail inside the hosts that call it.  Mastodon's two systemd units
# (their SystemCallFilter= exactly as shipped, with this machine's systemd
# group definitions and its kill action, plus NoNewPrivileges=,
# RestrictNamespaces= and RestrictAddressFamilies=), a unit built on
# @system-service, and the container engines' default profile that Debian
# ships; with a hidden /proc, a user namespace and an unwritable HOME.  In
# each, Mastodon's wrapped commands produce their outputs and a file
# outside the work directory stays unreadable.
. "$SRCDIR/tests/lib.sh"
: "${HOST_FILTER:?HOST_FILTER must point at the host-filter helper}"

need_pkg imagemagick /usr/bin/convert /usr/bin/identify
need_pkg file /usr/bin/file
need_pkg ffmpeg /usr/bin/ffmpeg /usr/bin/ffprobe
need_pkg systemd systemd-analyze
need_pkg python3 python3
need_pkg podman podman
need_pkg runc runc
JSON=/usr/share/containers/seccomp.json
[ -r "$JSON" ] || need_pkg golang-github-containers-common "$JSON"

install -m 0755 "$HOST_FILTER" "$T/host-filter"
# Everything the container sees lives in $T: landjail too.
[ "${LANDJAIL#"$T"/}" != "$LANDJAIL" ] || { install -m 0755 "$LANDJAIL" "$T/landjail"; LANDJAIL=$T/landjail; }
WR=$T/wrappers
make_wrappers "$WR"
W=$T/app/tmp
mkdir -p "$T/app" "$T/secret" "$T/ro-home"
chmod 755 "$T/app" "$T/secret"
chmod 555 "$T/ro-home"
mkuserdir "$W"
mkuserdir "$T/cache"
# Unwritable for root too (ProtectSystem=strict makes it EROFS).
if [ "$LJ_UID" = 0 ]; then
	mount --bind "$T/ro-home" "$T/ro-home"
	mount -o remount,bind,ro "$T/ro-home"
	trap 'umount "$T/ro-home"; rm -rf "$T"' EXIT
fi

# ---- the hosts' filters, as host-filter rules ------------------------------------------------
# A systemd group, with the groups it names, as a list of calls.
members() {
	systemd-analyze syscall-filter "$1" | awk 'NR > 1 && !/^ *#/ && NF { print $1 }' |
		while read -r n; do
			case $n in @*) members "$n" ;; *) echo "$n" ;; esac
		done
}
# RestrictNamespaces=yes: every namespace flag refused with EPERM
# (clone3, whose flags a filter cannot see, gets ENOSYS); and
# RestrictAddressFamilies= as in Mastodon's units: other families
# EAFNOSUPPORT.
unit_extras() {
	local f
	for f in 0x00020000 0x02000000 0x04000000 0x08000000 0x10000000 0x20000000 0x40000000 0x00000080; do
		echo "errno:1 unshare 0 masked_eq $f $f"
		echo "errno:1 clone 0 masked_eq $f $f"
	done
	echo "errno:1 setns"
	echo "errno:38 clone3"
	for f in $(seq 0 45); do
		case $f in 1 | 2 | 10 | 16) ;; *) echo "errno:97 socket 0 eq $f" ;; esac
	done
	echo "errno:97 socket 0 ge 46"
}
# SystemCallFilter=~GROUPS: the groups' calls kill, everything else runs.
deny_unit() {
	local out=$1 g
	shift
	{
		echo "default allow"
		for g in "$@"; do members "$g"; done | sort -u | sed 's/^/kill /'
		unit_extras
	} >"$out"
}
MASTODON='@clock @cpu-emulation @debug @keyring @module @mount @obsolete @raw-io @reboot @setuid @swap'
# shellcheck disable=SC2086
deny_unit "$T/sidekiq.rules" $MASTODON
# shellcheck disable=SC2086
deny_unit "$T/web.rules" $MASTODON @resources
# SystemCallFilter=@system-service [CALLS...]: an allowlist; DEFAULT is
# kill, or errno:1 for SystemCallErrorNumber=EPERM.
allow_unit() {
	local out=$1 dflt=$2
	shift 2
	{
		echo "default $dflt"
		{ members @system-service; printf '%s\n' "$@"; } | sort -u | sed -n 's/^./allow &/p'
	} >"$out"
}
# shellcheck disable=SC2046
allow_unit "$T/service-addback.rules" kill $(sed -n 's/^SystemCallFilter=\(landlock.*\)/\1/p' \
	"$SRCDIR/packaging/examples/systemd/system-service-landjail.conf")
allow_unit "$T/service.rules" kill
allow_unit "$T/service-eperm.rules" errno:1
# The container engines' default profile, for an unprivileged process on
# x86-64 (entries that need a capability are left out, as they are then).
python3 - "$JSON" >"$T/container.rules" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ops = {"SCMP_CMP_EQ": "eq", "SCMP_CMP_NE": "ne", "SCMP_CMP_LT": "lt", "SCMP_CMP_LE": "le",
       "SCMP_CMP_GT": "gt", "SCMP_CMP_GE": "ge", "SCMP_CMP_MASKED_EQ": "masked_eq"}
def action(a, errno):
    return {"SCMP_ACT_ALLOW": "allow", "SCMP_ACT_KILL": "kill",
            "SCMP_ACT_KILL_PROCESS": "kill"}.get(a) or "errno:%d" % errno
print("default", action(d["defaultAction"], d.get("defaultErrnoRet", 1)))
for s in d["syscalls"]:
    inc, exc = s.get("includes") or {}, s.get("excludes") or {}
    if inc.get("caps") or ("arches" in inc and "amd64" not in inc["arches"]):
        continue
    if "amd64" in exc.get("arches", []):
        continue
    mk = inc.get("minKernel")
    if mk and tuple(map(int, mk.split("."))) > (6, 18):
        continue
    args = ""
    for a in s.get("args") or []:
        args += " %d %s %d" % (a["index"], ops[a["op"]], a["value"])
        if a["op"] == "SCMP_CMP_MASKED_EQ":
            args += " %d" % a["valueTwo"]
    for n in s["names"]:
        print(action(s["action"], s.get("errnoRet", 1)), n + args)
PY
grep -q '^default errno' "$T/container.rules" || echo "# the container profile was not converted"

# ---- the corpus --------------------------------------------------------------------------------
plain() { as_user env -i PATH=/usr/bin:/bin TMPDIR="$W" HOME="$T/app" LC_ALL=C "$@"; }
plain convert rose: -resize '1600x1200!' "$W/in.jpg"
plain ffmpeg -v error -f lavfi -i testsrc=duration=1:size=160x120:rate=10 -pix_fmt yuv420p "$W/in.mp4"
cp "$W/in.jpg" "$T/secret/private.jpg"
chmod 644 "$T/secret/private.jpg"
chown "$LJ_UID" "$W"/*

# LeakSanitizer (sanitizer builds) stops the world with ptrace, which the
# units deny (@debug): its tracer dies and landjail would spin at exit.
LSAN=ASAN_OPTIONS=detect_leaks=0
# In a host: the application's environment (the wrappers first on PATH,
# TMPDIR its work directory, HOME unwritable), then the host's filter.
PREFIX=() INNER=()
in_host() { # RULES COMMAND...
	local rules=$1
	shift
	"${PREFIX[@]}" "${as_user_cmd[@]}" "${INNER[@]}" env -i "$LSAN" PATH="$WR:/usr/bin:/bin" TMPDIR="$W" \
		HOME="$T/ro-home" LC_ALL=C $WRAPPER_ENV "$T/host-filter" "$rules" "$@"
}

# The five commands Mastodon runs on an upload, and an outside file.
mastodon_calls() { # NAME RULES
	local name=$1 r=$2 out
	rm -f "$W/out.jpg" "$W/out.mp4" "$W/leak.jpg"
	in_host "$r" convert "$W/in.jpg" -resize '1280x1280>' "$W/out.jpg" 2>"$T/err"
	is "$name: convert -resize '1280x1280>' makes the image" 1280x960 \
		"$(plain identify -format '%wx%h' "$W/out.jpg" 2>&1)"
	is "$name: identify" "JPEG 1600x1200" "$(in_host "$r" identify -format '%m %wx%h' "$W/in.jpg" 2>&1)"
	is "$name: file --mime-type" image/jpeg "$(in_host "$r" file -b --mime-type "$W/in.jpg" 2>&1)"
	if [ "$name" = mastodon-web.service ]; then
		# ffmpeg and ffprobe call set_mempolicy, of @resources, which this
		# unit denies: the unit kills them with or without landjail.
		in_host "$r" /usr/bin/ffprobe -v error "$W/in.mp4" 2>/dev/null
		is "$name: the unit kills ffprobe itself, without landjail (control)" 159 $?
		out=$(in_host "$r" ffprobe -v error "$W/in.mp4" 2>&1)
		is "$name: and so through the wrapper" 159 $?
		like "  where landjail says it was the host's filter" "not by landjail's filter: landjail itself runs under a seccomp filter" "$out"
		in_host "$r" convert "$T/secret/private.jpg" "$W/leak.jpg" 2>"$T/err"
		fails "$name: a file outside the work directory stays unreadable" test -e "$W/leak.jpg"
		return
	fi
	in_host "$r" ffmpeg -nostdin -v error -i "$W/in.mp4" -vf scale=80:60 -pix_fmt yuv420p \
		"$W/out.mp4" 2>"$T/err"
	is "$name: ffmpeg transcodes" "80,60" \
		"$(plain ffprobe -v error -select_streams v -show_entries stream=width,height -of csv=p=0 "$W/out.mp4" 2>&1)"
	is "$name: ffprobe" "160,120" \
		"$(in_host "$r" ffprobe -v error -select_streams v -show_entries stream=width,height -of csv=p=0 "$W/in.mp4" 2>&1)"
	in_host "$r" convert "$T/secret/private.jpg" "$W/leak.jpg" 2>"$T/err"
	fails "$name: a file outside the work directory stays unreadable" test -e "$W/leak.jpg"
}

ok "the file outside is readable without landjail (control)" \
	plain convert "$T/secret/private.jpg" "$W/leak.jpg"
mastodon_calls "mastodon-sidekiq.service" "$T/sidekiq.rules"
mastodon_calls "mastodon-web.service" "$T/web.rules"
mastodon_calls "@system-service plus the calls to add back" "$T/service-addback.rules"
mastodon_calls "container default seccomp profile" "$T/container.rules"

# Where the filter came from, in the sidekiq unit (-v): with the unit's
# unwritable HOME it is compiled, and -v says why it is not cached; with
# a writable cache directory the second run loads it.
v_run() { in_host "$T/sidekiq.rules" "$LANDJAIL" -v -p "$T/profiles/imagemagick-convert.ini" \
	--path-after "$WR" -- convert "$W/in.jpg" -resize '1280x1280>' "$W/out.jpg" 2>&1; }
like "sidekiq: -v says the filter was compiled and why it is not cached" \
	"filter compiled; the filter cache $T/ro-home/.cache/landjail cannot be created" "$(v_run)"
v_cached() { in_host "$T/sidekiq.rules" env XDG_CACHE_HOME="$T/cache" "$LANDJAIL" -v \
	-p "$T/profiles/imagemagick-convert.ini" --path-after "$WR" -- convert -version 2>&1; }
v_cached >/dev/null
like "sidekiq: with a writable cache, -v says the filter came from it" \
	"filter from the filter cache $T/cache/landjail" "$(v_cached)"
out=$(in_host "$T/sidekiq.rules" "$LANDJAIL" -v --log syslog --rox /usr -- /bin/true 2>&1)
if [ -e /dev/log ]; then
	fails "with /dev/log, -v does not claim it is missing" grep -q "no /dev/log" <<<"$out"
else
	like "no /dev/log: -v says reports go to stderr only" "there is no /dev/log here: .*standard error only" "$out"
fi

# @system-service alone: landjail's first Landlock call is killed, in the
# supervisor, and the reaper (the process the caller started) refuses,
# naming the setting; with SystemCallErrorNumber=EPERM the supervisor
# refuses, naming it too.
out=$(in_host "$T/service.rules" convert "$W/in.jpg" "$W/out2.jpg" 2>&1)
is "@system-service without the calls added back: refused (its Landlock call killed)" 125 $?
like "  naming the setting and the calls to add" \
	"supervisor died \(signal 31.*SystemCallFilter=landlock_create_ruleset landlock_add_rule landlock_restrict_self seccomp" "$(tr '\n' ' ' <<<"$out")"
out=$(in_host "$T/service-eperm.rules" convert "$W/in.jpg" "$W/out2.jpg" 2>&1)
is "@system-service with SystemCallErrorNumber=EPERM: refused" 125 $?
like "  naming the setting and the calls to add" \
	"refuses .*SystemCallFilter=landlock_create_ruleset landlock_add_rule landlock_restrict_self seccomp" "$out"
# A container profile that answers the Landlock calls with ENOSYS, as
# podman's does for calls it does not know, and no namespaces either.
{ cat "$T/sidekiq.rules"; printf 'errno:38 %s\n' landlock_create_ruleset landlock_add_rule landlock_restrict_self; } >"$T/nolandlock.rules"
out=$(in_host "$T/nolandlock.rules" convert "$W/in.jpg" "$W/out2.jpg" 2>&1)
is "a filter answering ENOSYS to the Landlock calls: refused" 125 $?
like "  saying the filter is the likely cause, and what to change" \
	"landlock_create_ruleset fails with ENOSYS, and landjail runs under a seccomp filter.*SystemCallFilter=landlock_create_ruleset" "$out"
out=$(in_host "$T/service-eperm.rules" "$LANDJAIL" --status 2>&1)
like "--status there names each refused call" "landlock_create_ruleset refused \(EPERM\)" "$out"
out=$(in_host "$T/service.rules" "$LANDJAIL" --status 2>&1)
like "--status under the killing filter survives and says so" \
	"landlock_create_ruleset KILLED \(SIGSYS\) by the host's filter" "$out"
out=$(in_host "$T/sidekiq.rules" "$LANDJAIL" --status 2>&1)
like "--status in the sidekiq unit: under a filter" "host: under a seccomp filter" "$out"
like "  every needed call allowed" "landlock_create_ruleset allowed; .*seccomp allowed; prctl allowed" "$out"
like "  no_new_privs already set" "no_new_privs: already set" "$out"

# ---- a hidden /proc (ProtectProc=invisible, ProcSubset=pid) -------------------------------------
PREFIX=(unshare -m --propagation private -- sh -c \
	'mount -t proc -o hidepid=invisible,subset=pid proc /proc && exec "$@"' sh)
ok "hidden /proc: it is mounted so (control)" \
	"${PREFIX[@]}" sh -c 'grep -q "hidepid=invisible,subset=pid" /proc/self/mountinfo && ! test -e /proc/sys'
mastodon_calls "sidekiq, hidden /proc" "$T/sidekiq.rules"

# ---- a user namespace (PrivateUsers=) ---------------------------------------------------------
INNER=(unshare --user --map-current-user --)
is "user namespace: we are in one, only our uid mapped (control)" "$LJ_UID $LJ_UID 1" \
	"$(as_user "${INNER[@]}" sh -c 'read -r a b c </proc/self/uid_map; echo "$a $b $c"')"
mastodon_calls "sidekiq, in a user namespace" "$T/sidekiq.rules"
INNER=()

# ---- a real container: podman run --rootfs, the engine's default seccomp profile ----------------
# (See /work/shared/notes: runc, cgroupfs, explicit ulimits, a directory
# as the root: /usr and /etc of this machine, read-only.)
ROOTFS=$T/rootfs
LJ_DIR=$(dirname "$(readlink -f "$LANDJAIL")") # the wrappers are links to it
mkdir -p "$ROOTFS/usr" "$ROOTFS/etc" "$ROOTFS/tmp" "$ROOTFS/proc" "$ROOTFS/dev" "$ROOTFS/sys"
for l in bin lib lib64 sbin; do ln -s "usr/$l" "$ROOTFS/$l"; done
chmod 1777 "$ROOTFS/tmp"
rm -f "$W/out.jpg" "$W/out.mp4" "$W/leak.jpg"
out=$(timeout 300 podman --runtime runc --cgroup-manager=cgroupfs run --rm --log-driver none \
	--ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --user "$LJ_UID:$LJ_UID" \
	--read-only --security-opt no-new-privileges --cap-drop ALL \
	-v /usr:/usr:ro -v /etc:/etc:ro -v "$T:$T:ro" -v "$W:$W" -v "$LJ_DIR:$LJ_DIR:ro" \
	-e "$LSAN" -e PATH="$WR:/usr/bin:/bin" -e TMPDIR="$W" -e HOME=/nonexistent -e LC_ALL=C \
	-e "$WRAPPER_ENV" -w "$W" \
	--rootfs "$ROOTFS" /usr/bin/sh -c '
		grep "^Seccomp:" /proc/self/status
		convert in.jpg -resize "1280x1280>" out.jpg && echo convert-ok
		identify -format "%m %wx%h\n" in.jpg
		file -b --mime-type in.jpg
		ffmpeg -nostdin -v error -i in.mp4 -vf scale=80:60 -pix_fmt yuv420p out.mp4 && echo ffmpeg-ok
		ffprobe -v error -select_streams v -show_entries stream=width,height -of csv=p=0 in.mp4
		convert '"$T/secret/private.jpg"' leak.jpg 2>/dev/null || echo leak-refused
		cat '"$T/secret/private.jpg"' >/dev/null && echo outside-readable-in-container
	' 2>&1)
like "podman: the container runs under the engine's seccomp filter" "^Seccomp:.2" "$out"
like "podman: convert through the wrapper" "convert-ok" "$out"
is "podman: and its output" 1280x960 "$(plain identify -format '%wx%h' "$W/out.jpg" 2>&1)"
like "podman: identify" "JPEG 1600x1200" "$out"
like "podman: file" "image/jpeg" "$out"
like "podman: ffmpeg" "ffmpeg-ok" "$out"
like "podman: ffprobe" "160,120" "$out"
like "podman: the outside file is readable in the container (control)" "outside-readable-in-container" "$out"
like "podman: but not through the wrapper" "leak-refused" "$out"
fails "  and nothing was written" test -e "$W/leak.jpg"

# ---- landjail --doctor, run as the application in its host --------------------------------
doc() { in_host "$T/sidekiq.rules" "$LANDJAIL" --doctor="$WR" 2>&1; }
out=$(doc)
is "--doctor in the sidekiq unit: all is well" 0 $?
like "  it says so" "all checks passed" "$out"
like "  each wrapper is found first and tried" "ok   convert: the wrapper, then /usr/bin/convert; trial run \"convert -version\" works" "$out"
like "  the work directory is checked" "ok   TMPDIR=$W: a directory of the caller's own" "$out"
out=$(in_host "$T/sidekiq.rules" env PATH="/usr/bin:$WR:/bin" "$LANDJAIL" --doctor="$WR" 2>&1)
is "--doctor: wrappers not first on PATH is a problem" 1 $?
like "  named, with the fix" "FAIL PATH finds /usr/bin/convert, not the wrapper: put $WR first on PATH|FAIL convert: PATH finds /usr/bin/convert, not the wrapper: put $WR first" "$out"
out=$(in_host "$T/sidekiq.rules" env -u TMPDIR "$LANDJAIL" --doctor="$WR" 2>&1)
is "--doctor: no work directory is a problem" 1 $?
like "  named" "FAIL none: set LANDJAIL_WORKDIR, TMPDIR or TMP" "$out"
mkdir -p "$T/notmine"
chown 12345 "$T/notmine"
out=$(in_host "$T/sidekiq.rules" env TMPDIR="$T/notmine" "$LANDJAIL" --doctor="$WR" 2>&1)
like "--doctor: a work directory that is someone else's is a problem" "FAIL TMPDIR=$T/notmine: owned by someone else" "$out"
# A wrapper whose map names a profile that does not exist: it cannot run.
mkdir -p "$T/badwr" "$T/badconfig/landjail/profiles"
install -m 0644 "$T/config/landjail/profiles/"*.ini "$T/badconfig/landjail/profiles/"
echo "convert no-such-profile" >"$T/badconfig/landjail/profiles/wrappers.list"
chmod 644 "$T/badconfig/landjail/profiles/wrappers.list"
chmod -R go-w "$T/badconfig"
chmod 755 "$T/badwr" "$T/badconfig" "$T/badconfig/landjail" "$T/badconfig/landjail/profiles"
PATH=/usr/bin:/bin XDG_CONFIG_HOME=$T/badconfig "$LANDJAIL" -q --sync-wrappers "$T/badwr"
out=$(in_host "$T/sidekiq.rules" env PATH="$T/badwr:/usr/bin:/bin" XDG_CONFIG_HOME="$T/badconfig" \
	"$LANDJAIL" --doctor="$T/badwr" 2>&1)
is "--doctor: a wrapper that cannot run is a problem" 1 $?
like "  its trial run fails" "FAIL convert: the wrapper, then /usr/bin/convert; trial run \"convert -version\" FAILS" "$out"
out=$(in_host "$T/service.rules" "$LANDJAIL" --doctor="$WR" 2>&1)
like "--doctor under @system-service names the calls to add back" \
	"to fix: .*SystemCallFilter=landlock_create_ruleset landlock_add_rule landlock_restrict_self seccomp" "$out"

# ---- the shipped deployment examples, in the hosts they are for --------------------------------
# Each example's environment (PATH, TMPDIR, XDG_CACHE_HOME), its paths
# moved under $T/root, its directories made as the example makes them.
EX=$SRCDIR/packaging/examples
example_env() { # FILE: KEY=VALUE lines
	case $1 in
	*.conf) sed -n 's/^Environment=\([A-Z_]*=.*\)/\1/p' "$1" ;;
	*Dockerfile) sed -n 's/^ENV \([A-Z_]*=.*\)/\1/p' "$1" ;;
	*.yml) sed -n 's/^    \([A-Z_]*\): \(.*\)/\1=\2/p' "$1" ;;
	*.yaml) awk '/- name: / { n = $3 } /value: / && n { print n "=" $2; n = "" }' "$1" ;;
	esac
}
R=$T/root
example_run() { # FILE RULES DOCTOR [IMAGE_FILE]: Mastodon's convert in the example's set-up
	local file=$1 rules=$2 doctor=$3 kv path="" tmp="" cache="" p
	while IFS= read -r kv; do
		case $kv in
		PATH=*) path=${kv#PATH=} ;;
		TMPDIR=*) tmp=$R${kv#TMPDIR=} ;;
		XDG_CACHE_HOME=*) cache=$R${kv#XDG_CACHE_HOME=} ;;
		esac
	done < <([ $# -gt 3 ] && example_env "$4"; example_env "$file")
	is "${file#"$EX"/}: the wrappers come first on PATH" /usr/libexec/landjail/wrappers "${path%%:*}"
	# The test's wrappers in their place; /usr/local is left out, where
	# this machine keeps a stand-in convert (see HACKING.md).
	local newpath=$WR
	for p in $(tr : ' ' <<<"${path#*:}"); do
		case $p in /usr/local/*) ;; *) newpath=$newpath:$p ;; esac
	done
	rm -rf "$R"
	mkdir -p "$R" "$tmp" "$cache"
	chmod 755 "$R"
	chown -R "$LJ_UID:$LJ_UID" "$R"
	chmod 700 "$tmp" "$cache"
	cp "$W/in.jpg" "$tmp/in.jpg"
	chown "$LJ_UID" "$tmp/in.jpg"
	ex() { "${as_user_cmd[@]}" env -i "$LSAN" PATH="$newpath" TMPDIR="$tmp" XDG_CACHE_HOME="$cache" \
		HOME="$T/ro-home" LC_ALL=C $WRAPPER_ENV "$T/host-filter" "$rules" "$@"; }
	ex convert "$tmp/in.jpg" -resize '1280x1280>' "$tmp/out.jpg" 2>"$T/err"
	is "  convert works in its set-up" 1280x960 "$(plain identify -format '%wx%h' "$tmp/out.jpg" 2>&1)"
	ex convert "$tmp/in.jpg" -resize '1280x1280>' "$tmp/out.jpg" 2>"$T/err"
	like "  and the filter cache is used" "filter from the filter cache $cache/landjail" \
		"$(ex "$LANDJAIL" -v -p "$T/profiles/imagemagick-convert.ini" --path-after "$WR" -- convert "$tmp/in.jpg" "$tmp/out2.jpg" 2>&1)"
	[ "$doctor" = yes ] || return 0
	out=$(ex "$LANDJAIL" --doctor="$WR" 2>&1)
	like "  and --doctor passes there" "all checks passed" "$out"
}
example_run "$EX/systemd/mastodon-landjail.conf" "$T/sidekiq.rules" yes
# (In the web unit ffmpeg, gm and vips are killed by the unit itself:
# --doctor says so; see the mastodon-web.service tests above.)
example_run "$EX/systemd/mastodon-landjail.conf" "$T/web.rules" no
example_run "$EX/docker/Dockerfile" "$T/container.rules" yes
example_run "$EX/docker/compose.yml" "$T/container.rules" yes "$EX/docker/Dockerfile"
example_run "$EX/kubernetes/sidekiq.yaml" "$T/container.rules" yes "$EX/docker/Dockerfile"

# ---- MAGICK_CONFIGURE_PATH: the application's own policy.xml --------------------------------
mkdir -p "$T/magick"
cat >"$T/magick/policy.xml" <<'XML'
<policymap>
  <policy domain="coder" rights="none" pattern="PNG" />
</policymap>
XML
chmod -R a+rX "$T/magick"
app() { as_user env -i PATH="$WR:/usr/bin:/bin" TMPDIR="$W" HOME="$T/app" LC_ALL=C $WRAPPER_ENV "$@"; }
rm -f "$W"/magick.*
app convert rose: "$W/magick.png"
ok "without MAGICK_CONFIGURE_PATH the wrapped convert writes PNG (control)" test -s "$W/magick.png"
rm -f "$W"/magick.*
# (ImageMagick leaves an empty output file behind when its policy refuses.)
fails "the policy.xml disables PNG without landjail (control)" \
	plain env MAGICK_CONFIGURE_PATH="$T/magick" convert rose: "$W/magick.png"
out=$(app env MAGICK_CONFIGURE_PATH="/nonexistent:$T/magick" convert rose: "$W/magick.png" 2>&1)
is "with MAGICK_CONFIGURE_PATH, the wrapped convert honours it: no PNG" 1 $?
fails "  and no PNG written" test -s "$W/magick.png"
like "  ImageMagick says its policy forbids it" "not allowed by the security policy .PNG" "$out"
app env MAGICK_CONFIGURE_PATH="$T/magick" convert rose: "$W/magick.jpg"
ok "  while JPEG still works there (control)" test -s "$W/magick.jpg"
out=$(app env MAGICK_CONFIGURE_PATH="relative/dir" convert rose: "$W/magick.gif" 2>&1)
like "a relative MAGICK_CONFIGURE_PATH entry is a file:line error" \
	"imagemagick-common.ini:[0-9]+: ro-from-env: MAGICK_CONFIGURE_PATH holds \"relative/dir\"" "$out"

plan "$_tap_n"
done_testing
