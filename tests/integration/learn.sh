#!/bin/bash
# --learn and --explain, end to end.  Each program learns a profile from
# one run, then runs the same command confined by it with default = kill
# and no violation; what it did not learn (a read elsewhere, a socket, a
# system call) is refused and named.  A corpus grows one profile that is
# stable when learned again.  --explain names a refused read with the line
# to add, and the program a delegate tried to run.
. "$SRCDIR/tests/lib.sh"
: "${TRY_SYSCALL:?TRY_SYSCALL must point at the try-syscall helper}"

need_pkg imagemagick /usr/bin/convert /usr/bin/identify
need_pkg file /usr/bin/file
need_pkg ffmpeg /usr/bin/ffmpeg /usr/bin/ffprobe
need_pkg gifsicle /usr/bin/gifsicle
need_pkg libimage-exiftool-perl /usr/bin/exiftool
need_pkg python3 /usr/bin/python3

# Profiles by name, as when installed: the shipped ones in the user's
# configuration directory.
CFG=$T/config
mkdir -p "$CFG/landjail/profiles"
install -m 0644 "$SRCDIR"/profiles/*.ini "$CFG/landjail/profiles/"
chmod -R go-w "$CFG"
W=$T/w # the application's work directory
mkuserdir "$W"
L=$T/learned # where the learned profiles go
mkuserdir "$L"
mkdir -p "$T/srv" # outside the work directory
install -m 0755 "$TRY_SYSCALL" "$T/try-syscall"

# u COMMAND...: as the test user, with the application's environment.
u() { as_user env -i PATH=/usr/bin:/bin TMPDIR="$W" HOME="$T" LC_ALL=C XDG_CONFIG_HOME="$CFG" "$@"; }
# ulj ARGS...: landjail, the same way.
ulj() { u "$LANDJAIL" "$@"; }

# ---- inputs, made by the real programs ----------------------------------------
u convert rose: -resize 120x80 "$W/in.png"
u convert rose: "$W/photo.jpg"
exif_jpeg "$W/photo.jpg" "$W/exif.jpg" 6
u convert -delay 2 -size 24x24 xc:red xc:green xc:blue "$W/anim.gif"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40">%s</svg>\n' \
	'<rect width="60" height="40" fill="navy"/>' >"$W/image.svg"
u ffmpeg -v error -f lavfi -i testsrc=duration=1:size=160x120:rate=10 -pix_fmt yuv420p \
	"$W/video.mp4"
printf '#!/bin/sh\n# a pipeline of three programs\nfile -b "$1" | tr a-z A-Z | cut -c1-12\n' \
	>"$W/pipeline.sh"
chmod 755 "$W/pipeline.sh"
convert rose: "$T/srv/outside.png"
chown -R "$LJ_UID:$LJ_UID" "$W"
chmod 755 "$T/srv"
chmod 644 "$T/srv/outside.png"

# ---- the round trips -------------------------------------------------------------
# name|base|command: each learned from one run, then run the same way confined.
trips=(
	"convert-png|base-converter|convert $W/in.png -resize 50% $W/out-png.png"
	"convert-jpeg|base-converter|convert $W/exif.jpg -auto-orient -resize 40x40 $W/out-jpeg.png"
	"convert-gif|base-converter|convert $W/anim.gif -coalesce -resize 12x12 $W/out-gif.gif"
	"convert-svg|base-converter|convert $W/image.svg $W/out-svg.png"
	"identify|base-converter|identify -format %m,%wx%h $W/in.png"
	"file|base-converter|file -b --mime $W/in.png"
	"ffprobe|base-converter|ffprobe -v error -show_entries format=duration $W/video.mp4"
	"ffmpeg|base-converter|ffmpeg -v error -y -i $W/video.mp4 -vf scale=80:60 -c:v mpeg4 -an $W/out.mp4"
	"gifsicle|base-converter|gifsicle --resize 12x12 $W/anim.gif -o $W/out-gifsicle.gif"
	"pipeline|base-dynamic|$W/pipeline.sh $W/in.png"
)
corpus=(in.png photo.jpg exif.jpg anim.gif image.svg)
for f in bmp tiff webp ico ppm; do
	u convert rose: "$W/corpus.$f"
	corpus+=("corpus.$f")
done
chown -R "$LJ_UID:$LJ_UID" "$W"

# Listeners outside the sandbox, owned by the test user, for the network
# runs: two TCP ports and a pathname unix socket.
P_LEARN=$((20000 + RANDOM % 20000)) P_OTHER=$((P_LEARN + 1))
lj_serve "$T/try-syscall" serve-tcp "$P_LEARN"
lj_serve "$T/try-syscall" serve-tcp "$P_OTHER"
mkuserdir "$T/s"
lj_serve "$T/try-syscall" serve-unix "$T/s/sock"
for _ in $(seq 50); do [ -S "$T/s/sock" ] && break; sleep 0.05; done
sleep 0.2

plan $((${#trips[@]} * 4 + 42))

# no_violation DESCRIPTION STATUS: the status is 0 and $T/err names no
# stopped or denied call.
no_violation() {
	if [ "$2" = 0 ] && ! grep -Eq 'was (stopped|denied)|landjail: error' "$T/err"; then
		is "$1" 0 0
	else
		is "$1 ($(head -c 600 "$T/err" | tr "\n" " "))" 0 "$2"
	fi
}

for trip in "${trips[@]}"; do
	IFS='|' read -r name base cmd <<<"$trip"
	read -ra argv <<<"$cmd"
	ini=$L/$name.ini
	ulj --learn "$ini" --base "$base" -- "${argv[@]}" >"$T/plain" 2>"$T/err"
	st=$? # before the $(...) below changes $?
	is "$name: --learn exits with the command's status 0 ($(head -c 300 "$T/err" | tr "\n" " "))" 0 "$st"
	like "$name: the learned profile has default = kill" '^default = kill$' "$(cat "$ini" 2>&1)"
	ulj -p "$ini" -- "${argv[@]}" >"$T/confined" 2>"$T/err"
	no_violation "$name: runs confined by it, default = kill, no violation" $?
	is "$name: and prints the same" "$(cat "$T/plain")" "$(cat "$T/confined")"
done

# The SVG run went through a delegate's /bin/sh: granted only with a warning.
like "convert-svg: a learned shell carries a warning comment" \
	'^; warning: rox = [^ ]*(dash|sh) grants a shell' "$(cat "$L/convert-svg.ini")"
# base-converter forbids making /tmp writable: a write there is not granted.
tmpfile=$(mktemp /tmp/landjail-learn.XXXXXX)
chmod 666 "$tmpfile"
ulj --learn "$L/tmpwrite.ini" --base base-converter -- convert rose: "$tmpfile.png" 2>"$T/err"
like "a write in /tmp is not granted: a comment says which base line forbids it" \
	'^; not granted: rw = /tmp .*base-converter(-common)?\.ini:[0-9]+ forbids making /tmp writable' \
	"$(cat "$L/tmpwrite.ini")"
like "... and a warning says so" 'not granted: rw = /tmp' "$(cat "$T/err")"
fails "... so that profile cannot write there" ulj -p "$L/tmpwrite.ini" -- convert rose: "$tmpfile.png"
rm -f "$tmpfile" "$tmpfile.png"

# A call the base denies by name is not granted either.
profile nomsync '[profile]' 'include = base-dynamic' '[syscalls]' 'deny = msync'
ulj --learn "$L/msync.ini" --base "$T/nomsync.ini" -- "$T/try-syscall" msync >/dev/null 2>"$T/err"
like "a call the base denies is not granted: a comment names the deny line" \
	'^; not granted: allow = msync \(run 1 called it\): .*nomsync.ini:[0-9]+ denies it' \
	"$(cat "$L/msync.ini")"
fails "... and no allow line grants it" grep -Eq '^allow = .*\bmsync\b' "$L/msync.ini"

# ---- outside what was learned ------------------------------------------------------
ulj -p "$L/convert-png.ini" -- convert "$T/srv/outside.png" "$W/x.png" 2>"$T/err"
is "a read of another directory under the learned profile fails" 1 $?
ulj --explain -p "$L/convert-png.ini" -- convert "$T/srv/outside.png" "$W/x.png" 2>"$T/err"
like "... and --explain names it" "refused read on $T/srv/outside.png: add \"ro = $T/srv/outside.png\"" \
	"$(cat "$T/err")"
# A static helper: learned doing one thing, then asked for another.
ulj --learn "$L/helper.ini" -- "$T/try-syscall" kill >/dev/null 2>&1
is "the helper's learned profile lets it do what it did" ok "$(ulj -p "$L/helper.ini" -- "$T/try-syscall" kill 2>&1)"
out=$(ulj -p "$L/helper.ini" -- "$T/try-syscall" udp-send 2>&1)
like "an unlearned socket is refused and named" 'was denied: socket\(AF_INET, SOCK_DGRAM\)|was stopped: forbidden syscall socket ' "$out"
out=$(ulj -p "$L/helper.ini" -- "$T/try-syscall" msync 2>&1)
like "an unlearned system call is stopped and named" 'was stopped: forbidden syscall msync .*"allow = msync"' "$out"

# ---- network: what was used is granted, and no more ---------------------------------
is "outside: TCP connect to either port works (control)" ok:ok \
	"$(as_user "$T/try-syscall" tcp-connect "$P_LEARN"):$(as_user "$T/try-syscall" tcp-connect "$P_OTHER")"
ulj --learn "$L/tcp.ini" -- "$T/try-syscall" tcp-connect "$P_LEARN" >/dev/null 2>&1
like "a TCP client learns mode = tcp" '^mode = tcp$' "$(cat "$L/tcp.ini")"
like "... with the port it connected to" "^tcp-connect = $P_LEARN\$" "$(cat "$L/tcp.ini")"
is "... which it may connect to confined" ok "$(ulj -p "$L/tcp.ini" -- "$T/try-syscall" tcp-connect "$P_LEARN" 2>&1)"
is "... and no other port" EACCES "$(ulj -p "$L/tcp.ini" -- "$T/try-syscall" tcp-connect "$P_OTHER" 2>/dev/null)"
ulj --explain -p "$L/tcp.ini" -- "$T/try-syscall" tcp-connect "$P_OTHER" >/dev/null 2>"$T/err"
like "explain: names the refused port and the line" \
	"refused connecting to TCP port $P_OTHER: add \"tcp-connect = $P_OTHER\" to \[network\]" "$(cat "$T/err")"
ulj --learn "$L/unix.ini" -- "$T/try-syscall" unix-connect "$T/s/sock" >/dev/null 2>"$T/err"
like "a unix socket client learns unix = allow" '^unix = allow$' "$(cat "$L/unix.ini")"
like "... with a warning" 'unix = allow: run 1 used a unix socket' "$(cat "$T/err")"
is "... and connects confined" ok "$(ulj -p "$L/unix.ini" -- "$T/try-syscall" unix-connect "$T/s/sock" 2>&1)"

# ---- a corpus: one profile for ten files -------------------------------------------
learn_corpus() {
	local f
	for f in "${corpus[@]}"; do
		ulj --learn "$L/corpus.ini" --base base-converter -- \
			convert "$W/$f[0]" -resize 16x16 "$W/thumb-$f.png" >/dev/null 2>&1 || return 1
	done
}
ok "learning over a corpus of ${#corpus[@]} files" learn_corpus
is "the corpus profile names its ${#corpus[@]} runs" "${#corpus[@]}" "$(grep -c '^; run [0-9]*: ' "$L/corpus.ini")"
passes=0
for f in "${corpus[@]}"; do
	ulj -p "$L/corpus.ini" -- convert "$W/$f[0]" -resize 16x16 "$W/thumb-$f.png" 2>"$T/err" &&
		! grep -q 'was stopped' "$T/err" && passes=$((passes + 1))
done
is "every file of the corpus converts under the one profile" "${#corpus[@]}" "$passes"
cp "$L/corpus.ini" "$T/corpus.before"
learn_corpus
ok "learning the same corpus again changes nothing, byte for byte" cmp "$T/corpus.before" "$L/corpus.ini"
# Growing keeps what was there and refuses what it did not write.
echo 'deny = msync' >>"$L/corpus.ini"
out=$(ulj --learn "$L/corpus.ini" -- convert "$W/in.png" "$W/y.png" 2>&1)
is "a hand edit --learn cannot keep is refused" 125 $?
like "... with its file:line" "corpus.ini:[0-9]+: --learn cannot grow \"deny = msync\"" "$out"

# ---- as a new user would try it ----------------------------------------------------
cp "$W/photo.jpg" "$W/other.jpg"
chown "$LJ_UID" "$W/other.jpg"
(cd "$W" && ulj --learn exiftool.ini -- exiftool photo.jpg >/dev/null 2>&1)
lines=$(wc -l <"$W/exiftool.ini")
ok "exiftool.ini is under 40 lines ($lines)" test "$lines" -lt 40
(cd "$W" && ulj -p ./exiftool.ini -- exiftool other.jpg >"$T/out" 2>"$T/err")
no_violation "exiftool other.jpg runs confined by it, default = kill" $?
like "... and reads it" '^File Name +: other.jpg' "$(cat "$T/out")"

# --learn observes an unconfined run: a policy option would be ignored, so it is refused.
out=$(ulj --learn "$L/never.ini" -p base-dynamic -- true 2>&1)
is "--learn with -p is refused" 125 $?
like "... saying to use --base" 'takes its base profiles with --base' "$out"
ok "... and writes nothing" test ! -e "$L/never.ini"

# ---- --explain ----------------------------------------------------------------------
ulj --explain -p imagemagick-convert -- convert "$T/srv/outside.png" "$W/o.png" 2>"$T/err"
is "explain: the status is that of the confined run" 1 $?
like "explain: names the refused read and the line that allows it" \
	"refused read on $T/srv/outside.png: add \"ro = $T/srv/outside.png\" to \[filesystem\] in a profile of your own that includes imagemagick-convert" \
	"$(cat "$T/err")"
ulj --explain -p imagemagick-convert -- convert "$W/in.png" "$W/o.png" 2>"$T/err"
is "explain control: a read in the work directory" 0 $?
like "... is not refused" 'the policy refuses nothing' "$(cat "$T/err")"
ulj --explain -p imagemagick-convert -- convert "$W/image.svg" "$W/o.png" 2>"$T/err"
like "explain: a refused delegate is named by the program it tried to run" \
	'refused execute on /usr/bin/dash \(running "sh -c .*"\): add "rox = /usr/bin/dash"' \
	"$(cat "$T/err")"

# open(O_CREAT) of a file that is there creates nothing: no create right.
PY=$(realpath /usr/bin/python3)
creat() { printf 'import os\nos.open("%s", os.O_RDONLY | os.O_CREAT)\n' "$1"; }
ulj --explain -p base-dynamic --rox "$PY" --ro "$W" -- python3 -c "$(creat "$W/in.png")" 2>"$T/err"
is "explain control: open(O_CREAT) of an existing file under ro works" 0 $?
fails "... and is not called a refused create" grep -q "create on $W/in.png" "$T/err"
ulj --explain -p base-dynamic --rox "$PY" --ro "$W" -- python3 -c "$(creat "$W/new.png")" >/dev/null 2>"$T/err"
like "explain: open(O_CREAT) of a new file under ro is a refused create, with the rw line" \
	"refused read, create on $W/new.png: add \"rw = $W\"" "$(cat "$T/err")"
ulj --explain -p base-dynamic --rox "$PY" --ro "$W" -- python3 -c "$(creat "$T/srv/outside.png")" >/dev/null 2>"$T/err"
like "explain: open(O_CREAT) of an existing file outside is a refused read" \
	"refused read on $T/srv/outside.png: add \"ro = $T/srv/outside.png\"" "$(cat "$T/err")"
ulj --explain --rox "$T/try-syscall" -- "$T/try-syscall" int80 >/dev/null 2>"$T/err"
like "explain: a call through the 32-bit table is named as such" \
	"refused a system call through another architecture's table" "$(cat "$T/err")"

done_testing
