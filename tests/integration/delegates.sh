#!/bin/bash
# Delegates on purpose, never by accident: ImageMagick and GraphicsMagick
# hand PDF, PostScript and video to ghostscript and ffmpeg.  Through the
# wrappers (profiles by name, as installed) a delegate the policy does not
# allow is refused and named, with the opt-in profile that allows it; with
# that profile added in a drop-in the conversion works, confined.
. "$SRCDIR/tests/lib.sh"

need_pkg imagemagick /usr/bin/convert
need_pkg graphicsmagick /usr/bin/gm
need_pkg ghostscript /usr/bin/gs
need_pkg ffmpeg /usr/bin/ffmpeg
if [ "$(LANDJAIL_TEST_DATA_PROFILES=/nonexistent "$LANDJAIL" --check base-dynamic 2>&1 | grep -c 'looked in.*/nonexistent')" = 0 ]; then
	echo "1..0 # SKIP this build has no test hooks (buildtype release or plain)"
	exit 0
fi

# Wrappers that name their profile, as the installed ones do; the shipped
# and system profile directories are stand-ins ($T/profiles, $T/etc).
WR=$T/wrappers
make_wrappers "$WR"
for w in "$WR"/*; do
	sed -i -e "s|-p $T/profiles/\([^ ]*\)\.ini |-p \1 |" "$w"
done
mkdir -p "$T/etc"
chmod 755 "$T/etc"
W=$T/app/tmp
mkdir -p "$T/app"
chmod 755 "$T/app"
mkuserdir "$W"
hooks=(LANDJAIL_TEST_DATA_PROFILES="$T/profiles" LANDJAIL_TEST_ETC_PROFILES="$T/etc" XDG_CONFIG_HOME="$T/app/none")
plain() { as_user env -i PATH=/usr/bin:/bin TMPDIR="$W" HOME="$T/app" LC_ALL=C "$@"; }
wrapped() { as_user env -i "${hooks[@]}" PATH="$WR:/usr/bin:/bin" TMPDIR="$W" HOME="$T/app" LC_ALL=C "$@"; }
# dropin NAME FILE LINES...: a system drop-in for profile NAME.
dropin() {
	local name=$1 file=$2
	shift 2
	mkdir -p "$T/etc/$name.d"
	chmod 755 "$T/etc/$name.d"
	printf '%s\n' "$@" >"$T/etc/$name.d/$file"
	chmod 644 "$T/etc/$name.d/$file"
}
pixels() { plain identify -format '%#' "$1" 2>&1; }

cat >"$W/doc.ps" <<'PS'
%!PS
0.2 0.4 0.8 setrgbcolor 72 300 200 150 rectfill
showpage
PS
plain gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -sOutputFile="$W/doc.pdf" "$W/doc.ps"
plain ffmpeg -v error -f lavfi -i testsrc=duration=1:size=160x120:rate=10 -pix_fmt yuv420p "$W/video.mp4"
# A video delegate without shell syntax (Debian's redirects stderr, so it
# needs /bin/sh), in the application's own ImageMagick configuration.
mkdir -p "$W/cfg"
cat >"$W/cfg/delegates.xml" <<'XML'
<delegatemap>
  <delegate decode="video:decode" command="&quot;ffmpeg&quot; -nostdin -v -1 -i &quot;%i&quot; -vframes %S -vcodec pam -an -f rawvideo -y &quot;%u.pam&quot;"/>
</delegatemap>
XML
chown -R "$LJ_UID" "$W"

plan 20

# ---- GraphicsMagick on a PDF: the issue's done-when ----------------------
plain gm convert "$W/doc.pdf" "$W/plain-gm.png"
is "control: gm converts the PDF unconfined" 0 $?
wrapped gm convert "$W/doc.pdf" "$W/gm.png" 2>"$T/err"
is "gm convert doc.pdf through the wrapper fails" 1 $?
err=$(cat "$T/err")
like "landjail names the program and the file it tried to run" 'landjail: gm\[[0-9]+\] tried to run /usr/bin/gs' "$err"
like "and the opt-in profile, in a drop-in to create" \
	"\"include = delegate-ghostscript\" to \[profile\] in a drop-in such as $T/etc/graphicsmagick.d/local.ini" "$err"
is "once, though gm looked in two PATH entries" 1 "$(grep -c 'tried to run' "$T/err")"
dropin graphicsmagick delegates.ini '[profile]' 'include = delegate-ghostscript'
wrapped gm convert "$W/doc.pdf" "$W/gm.png" 2>"$T/err"
st=$? # before the $(...) below changes $?
is "with the drop-in, gm convert doc.pdf works confined ($(head -c 300 "$T/err"))" 0 "$st"
is "and gives the same page" "$(pixels "$W/plain-gm.png")" "$(pixels "$W/gm.png")"
is "with nothing reported" "" "$(cat "$T/err")"
# The delegate runs in gm's sandbox: it may write only the work directory.
mkdir -p "$T/app/out"
chown "$LJ_UID" "$T/app/out"
wrapped gm convert "$W/doc.pdf" "$T/app/out/gm.png" 2>/dev/null
is "still confined: no output outside the work directory" no "$([ -e "$T/app/out/gm.png" ] && echo yes || echo no)"

# ---- ImageMagick on a PDF ---------------------------------------------
# Debian's policy.xml refuses the PDF coder by name; AI (Adobe
# Illustrator, a PDF) still reaches ghostscript through it.
plain convert "AI:$W/doc.pdf" "$W/plain-im.png"
is "control: ImageMagick reads the PDF as AI: unconfined" 0 $?
wrapped convert "AI:$W/doc.pdf" "$W/im.png" 2>"$T/err"
like "ImageMagick on a PDF: the refused delegate is named, with its profile" \
	'convert\[[0-9]+\] tried to run /usr/bin/gs.*include = delegate-ghostscript.*imagemagick-convert\.d/local\.ini' \
	"$(cat "$T/err")"
dropin imagemagick-convert delegates.ini '[profile]' 'include = delegate-ghostscript'
wrapped convert "AI:$W/doc.pdf" "$W/im.png" 2>"$T/err"
st=$? # before the $(...) below changes $?
is "with delegate-ghostscript, ImageMagick converts it confined ($(head -c 300 "$T/err"))" 0 "$st"
is "to the same page" "$(pixels "$W/plain-im.png")" "$(pixels "$W/im.png")"

# ---- ImageMagick on a video --------------------------------------------
wrapped convert "$W/video.mp4[0]" "$W/frame.png" 2>"$T/err"
like "Debian's video delegate goes through a shell: named, and never to be granted" \
	'convert\[[0-9]+\] tried to run /usr/bin/dash \(/bin/sh\).*a shell, which is never to be granted' \
	"$(cat "$T/err")"
wrapped env MAGICK_CONFIGURE_PATH="$W/cfg" convert "$W/video.mp4[0]" "$W/frame.png" 2>"$T/err"
like "a shell-free video delegate: ffmpeg is named, with delegate-ffmpeg" \
	'tried to run /usr/bin/ffmpeg.*include = delegate-ffmpeg' "$(cat "$T/err")"
dropin imagemagick-convert ffmpeg.ini '[profile]' 'include = delegate-ffmpeg'
plain env MAGICK_CONFIGURE_PATH="$W/cfg" convert "$W/video.mp4[0]" "$W/plain-frame.png"
wrapped env MAGICK_CONFIGURE_PATH="$W/cfg" convert "$W/video.mp4[0]" "$W/frame.png" 2>"$T/err"
st=$? # before the $(...) below changes $?
is "with delegate-ffmpeg, ImageMagick reads the video's first frame confined ($(head -c 300 "$T/err"))" 0 "$st"
is "the same frame" "$(pixels "$W/plain-frame.png")" "$(pixels "$W/frame.png")"

# ---- the mechanism: the program's own execs, not landjail's ------------
ld=$(readlink -f /lib64/ld-linux-x86-64.so.2)
out=$(lj --ro /usr --rox /usr/bin/dash --rox "$ld" -- /bin/sh -c '/usr/bin/id -u' 2>&1)
like "a program's exec of a file the policy does not grant is reported" \
	'sh\[[0-9]+\] tried to run /usr/bin/id.*"rox = /usr/bin/id"' "$out"
out=$(lj --rox /usr -- /bin/sh -c '/usr/bin/id -u' 2>&1)
is "an allowed exec: nothing reported, it runs" "$LJ_UID" "$out"
out=$(LANDJAIL_TEST_NO_USER_NOTIF=1 lj --ro /usr --rox /usr/bin/dash --rox "$ld" -- /bin/sh -c '/usr/bin/id -u; echo st=$?' 2>&1)
like "without user notification: still refused (by Landlock), just not named" "st=126" "$out"

done_testing
