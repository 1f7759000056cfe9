#!/bin/bash
# The seed's job, end to end: a corpus of real files through Mastodon's
# exact commands, once with the programs themselves and once through the
# drop-in wrappers.  No false kills, and the same results.
. "$SRCDIR/tests/lib.sh"

need_pkg imagemagick /usr/bin/convert /usr/bin/identify
need_pkg file /usr/bin/file
need_pkg ffmpeg /usr/bin/ffmpeg /usr/bin/ffprobe
need_pkg libvips-tools /usr/bin/vips /usr/bin/vipsthumbnail
need_pkg graphicsmagick /usr/bin/gm
need_pkg python3 /usr/bin/python3

WR=$T/wrappers
make_wrappers "$WR"
W=$T/app/tmp # the application's own work directory, as in the seed
mkdir -p "$T/app"
chmod 755 "$T/app"
mkuserdir "$W"

# Run as the test user with the application's environment: PATH with or
# without the wrappers in front, TMPDIR pointing at the work directory.
plain() { as_user env -i PATH=/usr/bin:/bin TMPDIR="$W" HOME="$T/app" LC_ALL=C "$@"; }
wrapped() { as_user env -i PATH="$WR:/usr/bin:/bin" TMPDIR="$W" HOME="$T/app" LC_ALL=C $WRAPPER_ENV "$@"; }

# ---- the corpus, made by the real programs at test time -----------------
plain convert rose: -resize 400x300 "$W/photo.jpg"
exif_jpeg "$W/photo.jpg" "$W/exif.jpg" 6
chown "$LJ_UID" "$W/exif.jpg"
plain convert rose: -resize 300x200 "$W/image.png"
plain convert -delay 2 -size 48x48 xc:red xc:green xc:blue -duplicate 117 "$W/anim.gif"
plain convert rose: "$W/image.webp"
plain convert rose: "$W/image.tiff"
plain convert rose: "$W/image.bmp"
plain convert rose: -resize 32x32 "$W/image.ico"
printf '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80">%s</svg>\n' \
	'<rect width="120" height="80" fill="navy"/><circle cx="60" cy="40" r="30" fill="gold"/>' >"$W/image.svg"
plain convert rose: "$W/image.heic" 2>/dev/null || rm -f "$W/image.heic"
plain convert rose: "$W/image.avif" 2>/dev/null || rm -f "$W/image.avif"
plain ffmpeg -v error -f lavfi -i testsrc=duration=1:size=160x120:rate=10 \
	-f lavfi -i sine=duration=1 -shortest -pix_fmt yuv420p "$W/video.mp4"
chown "$LJ_UID" "$W"/*

images=(exif.jpg image.png anim.gif image.webp image.tiff image.bmp image.ico image.svg)
[ -e "$W/image.heic" ] && images+=(image.heic)
[ -e "$W/image.avif" ] && images+=(image.avif)
frames=$(plain identify "$W/anim.gif" | wc -l)

plan $((5 * ${#images[@]} + 10))
is "the animated GIF has 120 frames" 120 "$frames"

# Same command, same stdout and status, with and without the wrappers.
same() {
	local desc=$1 a b ra rb
	shift
	a=$(plain "$@" 2>/dev/null); ra=$?
	b=$(wrapped "$@" 2>"$T/err"); rb=$?
	if [ "$ra" = 0 ] && [ "$rb" = 0 ] && [ "$a" = "$b" ]; then
		is "$desc" "$a" "$b"
	else
		is "$desc (status $ra unwrapped, $rb wrapped; $(head -c 300 "$T/err"))" "$ra:$a" "$rb:$b"
	fi
}

# Pixels of a file, as ImageMagick's signature of the first frame.
pixels() { plain identify -format '%#' "$1[0]" 2>/dev/null; }

for img in "${images[@]}"; do
	same "$img: file -b --mime" file -b --mime "$W/$img"
	same "$img: identify -format '%wx%h,%[exif:orientation]'" \
		identify -format '%wx%h,%[exif:orientation]' "$W/$img[0]"
	same "$img: identify -format %m" identify -format %m "$W/$img[0]"
	plain convert "$W/$img[0]" -auto-orient -resize '1280x1280>' -quality 90 -strip "$W/plain-$img.png"
	wrapped convert "$W/$img[0]" -auto-orient -resize '1280x1280>' -quality 90 -strip "$W/wrapped-$img.png" 2>"$T/err"
	st=$? # before the $(...) below changes $?
	is "$img: convert -auto-orient -resize -strip exits 0 wrapped ($(head -c 300 "$T/err"))" 0 "$st"
	is "$img: and gives the same pixels" "$(pixels "$W/plain-$img.png")" "$(pixels "$W/wrapped-$img.png")"
done

# EXIF orientation 6 is honoured: width and height are swapped.
is "-auto-orient turned the EXIF-rotated photo" \
	"$(plain identify -format '%h' "$W/photo.jpg")x$(plain identify -format '%w' "$W/photo.jpg")" \
	"$(plain identify -format '%wx%h' "$W/wrapped-exif.jpg.png")"

# ffmpeg and ffprobe.
same "ffprobe of a short video" ffprobe -v error -show_entries stream=codec_name,width,height \
	-of csv=p=0 "$W/video.mp4"
# -y, as Mastodon passes it: the wrapper creates the output before the call
# (landjail.profile(5), isolate), and ffmpeg asks before overwriting.
plain ffmpeg -v error -i "$W/video.mp4" -vf scale=80:-2 -an -y "$W/plain.webm"
wrapped ffmpeg -v error -i "$W/video.mp4" -vf scale=80:-2 -an -y "$W/wrapped.webm" 2>"$T/err"
st=$? # before the $(...) below changes $?
is "ffmpeg transcodes wrapped ($(head -c 300 "$T/err"))" 0 "$st"
is "to the same frames" "$(plain ffmpeg -v error -i "$W/plain.webm" -f framemd5 - | grep -v '^#')" \
	"$(plain ffmpeg -v error -i "$W/wrapped.webm" -f framemd5 - | grep -v '^#')"

# The vipsthumbnail program (Mastodon 4.3+ calls libvips in-process
# instead, which no wrapper can confine), and GraphicsMagick.
plain vipsthumbnail "$W/photo.jpg" --size 100 -o "$W/plain-thumb.jpg"
wrapped vipsthumbnail "$W/photo.jpg" --size 100 -o "$W/wrapped-thumb.jpg" 2>"$T/err"
st=$? # before the $(...) below changes $?
is "vipsthumbnail works wrapped ($(head -c 300 "$T/err"))" 0 "$st"
is "and gives the same pixels" "$(pixels "$W/plain-thumb.jpg")" "$(pixels "$W/wrapped-thumb.jpg")"
same "vips header" vips header "$W/image.png"
same "gm identify" gm identify -format '%wx%h %m' "$W/image.png"

# The wrapper ran the real program, not itself, and the status passes through.
wrapped identify "$W/does-not-exist.png" 2>/dev/null
is "a failing identify keeps its own status through the wrapper" 1 $?
done_testing
