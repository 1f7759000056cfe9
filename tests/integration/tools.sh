#!/bin/bash
# The profile library against the programs web applications shell out to
# (Discourse, Paperless, pict-rs, Lemmy, MediaWiki, ActiveStorage): a
# corpus of real files, each tool's usual commands once unconfined and
# once through the drop-in wrappers, as the test user.  Every command must
# give the same result confined; none may fail, silently or not.
. "$SRCDIR/tests/lib.sh"

need_pkg imagemagick /usr/bin/convert /usr/bin/mogrify /usr/bin/composite /usr/bin/montage /usr/bin/compare
need_pkg graphicsmagick /usr/bin/gm
need_pkg ffmpeg /usr/bin/ffmpeg
need_pkg libvips-tools /usr/bin/vips /usr/bin/vipsheader
need_pkg libimage-exiftool-perl /usr/bin/exiftool
need_pkg gifsicle /usr/bin/gifsicle
need_pkg pngquant /usr/bin/pngquant
need_pkg optipng /usr/bin/optipng
need_pkg jpegoptim /usr/bin/jpegoptim
need_pkg webp /usr/bin/cwebp /usr/bin/dwebp /usr/bin/gif2webp
need_pkg libheif-examples /usr/bin/heif-convert /usr/bin/heif-enc
need_pkg librsvg2-bin /usr/bin/rsvg-convert
need_pkg ghostscript /usr/bin/gs
need_pkg poppler-utils /usr/bin/pdftoppm /usr/bin/pdftocairo /usr/bin/pdfinfo
need_pkg mupdf-tools /usr/bin/mutool
need_pkg qpdf /usr/bin/qpdf
need_pkg tesseract-ocr /usr/bin/tesseract
need_pkg python3 /usr/bin/python3

. "$SRCDIR/tests/sidebyside.sh"
# A file outside the work directory that no converter may read.
echo "secret" >"$T/app/secret.txt"
chmod 644 "$T/app/secret.txt"


# ---- the corpus, made by the real programs at test time -----------------
plain convert rose: -resize 400x300 "$W/photo.jpg"
exif_jpeg "$W/photo.jpg" "$W/exif.jpg" 6
plain convert rose: -resize 300x200 "$W/image.png"
plain convert rose: -resize 200x150 "$W/other.png"
plain convert -delay 2 -size 48x48 xc:red xc:green xc:blue -duplicate 9 "$W/anim.gif"
plain heif-enc -q 50 -o "$W/image.heic" "$W/image.png" >/dev/null
printf '<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80">%s%s</svg>\n' \
	'<rect width="240" height="80" fill="navy"/>' \
	'<text x="10" y="50" font-family="sans-serif" font-size="32" fill="gold">Landjail</text>' \
	>"$W/image.svg"
cat >"$W/doc.ps" <<'PS'
%!PS
/DejaVuSans findfont 40 scalefont setfont
72 600 moveto (HELLO WORLD) show
0.2 0.4 0.8 setrgbcolor 72 300 200 150 rectfill
showpage
PS
plain gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=pdfwrite -sOutputFile="$W/doc.pdf" "$W/doc.ps"
plain convert -size 600x120 xc:white -font DejaVu-Sans -pointsize 64 -fill black \
	-annotate +20+85 'HELLO WORLD' "$W/text.png"
plain ffmpeg -v error -f lavfi -i testsrc=duration=1:size=160x120:rate=10 \
	-pix_fmt yuv420p "$W/video.mp4"
chown "$LJ_UID" "$W"/*

plan 63

# same_file DESC NAME: the two outputs NAME are byte for byte the same.
same_file() {
	local desc=$1
	if cmp -s "$W/p/$2" "$W/w/$2" && [ -s "$W/w/$2" ]; then
		is "$desc" same same
	else
		is "$desc ($(ls -l "$W/p/$2" "$W/w/$2" 2>&1 | tr '\n' ' '))" same different
	fi
}
# same_pixels DESC NAME: ImageMagick's signature of the two outputs NAME
# (PNG files of ImageMagick carry their time of writing).
same_pixels() {
	local a b
	a=$(plain identify -format '%#' "$W/p/$2" 2>&1)
	b=$(plain identify -format '%#' "$W/w/$2" 2>&1)
	is "$1" "$a" "$b"
}
# inplace NAME SRC: the same input copied into both output directories.
inplace() {
	install -m 644 -o "$LJ_UID" "$W/$2" "$W/p/$1"
	install -m 644 -o "$LJ_UID" "$W/$2" "$W/w/$1"
}

# ---- ImageMagick 6: the rest of the command set -------------------------
inplace mog.jpg photo.jpg
both "mogrify -resize 50% in place" mogrify -resize 50% @D@/mog.jpg
same_pixels "mogrify: the same file" mog.jpg
both "composite" composite -gravity center "$W/other.png" "$W/image.png" @D@/comp.png
same_pixels "composite: the same file" comp.png
both "montage with file-name labels" montage -label %f -font DejaVu-Sans "$W/image.png" \
	"$W/other.png" -tile 2x1 -geometry +4+4 @D@/montage.png
same_pixels "montage: the same file" montage.png
both "compare -metric AE" compare -metric AE -fuzz 5% "$W/image.png" "$W/image.png" @D@/diff.png
same_pixels "compare: the same difference image" diff.png

# ---- GraphicsMagick in place, ffmpeg's renames and fonts ----------------
inplace gm.png image.png
both "gm mogrify -resize 50% in place (rename)" gm mogrify -resize 50% @D@/gm.png
same_pixels "gm mogrify: the same file" gm.png
both "ffmpeg two-pass, first pass (renames its log)" ffmpeg -v error -y -i "$W/video.mp4" \
	-c:v libx264 -b:v 100k -pass 1 -passlogfile @D@/pass -f null /dev/null
both "ffmpeg HLS with -hls_flags temp_file (renames segments)" ffmpeg -v error -i "$W/video.mp4" \
	-c:v libx264 -preset ultrafast -threads 1 -hls_time 0.5 -hls_flags temp_file \
	-hls_segment_filename @D@/seg%d.ts @D@/list.m3u8
is "ffmpeg HLS: the same playlist" "$(cat "$W/p/list.m3u8")" "$(cat "$W/w/list.m3u8")"
both "ffmpeg drawtext with a fontconfig font" ffmpeg -v error -i "$W/video.mp4" -frames:v 1 \
	-vf "drawtext=font=DejaVu Sans:text=HELLO:fontsize=30:x=10:y=10" @D@/text.png
same_file "ffmpeg drawtext: the same frame (fontconfig found the same font)" text.png

# ---- vips --------------------------------------------------------------
both "vipsheader" vipsheader "$W/image.png"
same_out "vipsheader: the same output"
# dzsave may make its directories, but then chmods its files by path,
# which Landlock does not govern: refused by design, said so by name.
wrapped vips dzsave "$W/photo.jpg" "$W/w/tiles" 2>"$T/err"
like "vips dzsave: refused at chmod, by name, after its mkdir" "vips.* forbidden syscall chmod" "$(cat "$T/err")"
is "and its directories were made" yes "$([ -d "$W/w/tiles_files" ] && echo yes)"
both "vips text with a fontconfig font" vips text @D@/vtext.png HELLO --font "DejaVu Sans 24"
same_file "vips text: the same pixels" vtext.png

# ---- Discourse's optimisers ---------------------------------------------
inplace gif.gif anim.gif
both "gifsicle -O2 --resize" gifsicle -O2 --resize 24x24 "$W/anim.gif" -o @D@/small.gif
same_file "gifsicle: the same file" small.gif
both "pngquant" pngquant --force --output @D@/q.png 64 "$W/image.png"
same_file "pngquant: the same file" q.png
inplace opt.png image.png
both "optipng -o2 in place" optipng -quiet -o2 @D@/opt.png
same_file "optipng: the same file" opt.png
inplace opt.jpg photo.jpg
both "jpegoptim --strip-all in place" jpegoptim -q -f --strip-all --all-progressive @D@/opt.jpg
same_file "jpegoptim: the same file" opt.jpg

# ---- metadata: exiftool -------------------------------------------------
both "exiftool -j reads the orientation" exiftool -s3 -Orientation -ImageSize "$W/exif.jpg"
same_out "exiftool: the same tags"
both "exiftool -all= strips, as pict-rs does, through a pipe" sh -c 'exiftool -q -all= - <"$1" >"$2"' - "$W/exif.jpg" @D@/strip.jpg
same_file "exiftool: the same stripped file" strip.jpg
# In place, exiftool copies the mode with chmod(2) by path, which Landlock
# does not govern: refused by design, and said so by name.
inplace strip2.jpg exif.jpg
wrapped exiftool -q -all= -overwrite_original "$W/w/strip2.jpg" 2>"$T/err"
like "exiftool -overwrite_original: refused, naming chmod" "exiftool.* forbidden syscall chmod" "$(cat "$T/err")"

# ---- WebP, HEIF, SVG ----------------------------------------------------
both "cwebp" cwebp -quiet -q 80 "$W/image.png" -o @D@/i.webp
same_file "cwebp: the same file" i.webp
both "dwebp" dwebp -quiet "$W/p/i.webp" -o @D@/d.png
same_file "dwebp: the same file" d.png
both "gif2webp" gif2webp -quiet "$W/anim.gif" -o @D@/a.webp
same_file "gif2webp: the same file" a.webp
both "heif-convert" heif-convert "$W/image.heic" @D@/h.png
same_file "heif-convert: the same file" h.png
both "rsvg-convert with text" rsvg-convert -w 240 "$W/image.svg" -o @D@/svg.png
same_file "rsvg-convert: the same pixels (the same font)" svg.png

# ---- PDF and PostScript -------------------------------------------------
both "gs -dSAFER renders a PDF" gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=png16m -r30 \
	-sOutputFile=@D@/gs.png "$W/doc.pdf"
same_file "gs: the same page" gs.png
both "pdftoppm" pdftoppm -png -r 30 "$W/doc.pdf" @D@/ppm
same_file "pdftoppm: the same page" ppm-1.png
both "pdftocairo" pdftocairo -png -r 30 -singlefile "$W/doc.pdf" @D@/cairo
same_file "pdftocairo: the same page" cairo.png
both "pdfinfo" pdfinfo "$W/doc.pdf"
same_out "pdfinfo: the same facts"
both "mutool draw" mutool draw -q -r 30 -o @D@/mu.png "$W/doc.pdf"
same_file "mutool: the same page" mu.png
both "qpdf rewrites" qpdf --deterministic-id "$W/doc.pdf" @D@/q.pdf
same_file "qpdf: the same file" q.pdf
both "tesseract reads the text" tesseract "$W/text.png" stdout --psm 7
like "tesseract: it reads HELLO WORLD, confined too" "HELLO WORLD" "$(cat "$T/out.w")"

# ---- and each is confined: outside the work directory, nothing ----------
# The control is "mogrify -resize 50% in place" above, on a copy in the
# work directory; the same file one directory up, owned by the same user,
# stays out of reach.
install -m 644 -o "$LJ_UID" "$W/photo.jpg" "$T/app/outside.jpg"
wrapped mogrify -resize 50% "$T/app/outside.jpg" 2>"$T/err"
is "mogrify on a file outside the work directory fails" 1 $?
like "with the kernel's refusal" "Permission denied|unable to open" "$(cat "$T/err")"
is "and the file is unchanged" "$(md5sum <"$W/photo.jpg")" "$(md5sum <"$T/app/outside.jpg")"
is "exiftool reads the type of a JPEG in the work directory" JPEG "$(wrapped exiftool -s3 -FileType "$W/photo.jpg")"
is "but not of the same JPEG outside it" "" "$(wrapped exiftool -s3 -FileType "$T/app/outside.jpg" 2>/dev/null)"

done_testing
