#!/bin/bash
# Client libraries nobody here wrote, driven through the wrapper directory
# as an application would: Ruby's mini_magick (with its automatic CLI
# detection) and image_processing, Node's gm and fluent-ffmpeg from npm.
# The same results as unconfined, and the calls really are confined.
. "$SRCDIR/tests/lib.sh"

need_pkg imagemagick /usr/bin/convert /usr/bin/mogrify
need_pkg graphicsmagick /usr/bin/gm
need_pkg ffmpeg /usr/bin/ffmpeg /usr/bin/ffprobe
need_pkg ruby-mini-magick ruby
need_pkg ruby-image-processing ruby
need_pkg nodejs node
need_pkg npm npm

. "$SRCDIR/tests/sidebyside.sh"
# The wrapper directory as installed on this machine: only wrappers for programs that exist (no `magick` without ImageMagick 7,
# or mini_magick would pick it and fail).
for w in "$WR"/*; do
	[ -x "/usr/bin/${w##*/}" ] || rm "$w"
done

plain convert rose: -resize 200x150 "$W/photo.jpg"
plain ffmpeg -v error -f lavfi -i testsrc=duration=1:size=160x120:rate=10 -pix_fmt yuv420p "$W/video.mp4"
install -m 644 "$W/photo.jpg" "$T/app/outside.jpg"

# The Node libraries, at the versions of tests/clients/package-lock.json.
mkdir -p "$T/node"
cp "$SRCDIR"/tests/clients/package.json "$SRCDIR"/tests/clients/package-lock.json "$T/node/"
if ! (cd "$T/node" && npm ci --no-audit --no-fund --loglevel=error >"$T/npm.log" 2>&1); then
	echo "1..1"
	echo "not ok 1 - npm ci of tests/clients failed"
	sed 's/^/# /' "$T/npm.log"
	exit 1
fi
chmod -R a+rX "$T/node"
cp "$SRCDIR"/tests/clients/node-clients.js "$T/node/"
cp "$SRCDIR"/tests/clients/mini_magick.rb "$T/app/"
chmod 644 "$T/node/node-clients.js" "$T/app/mini_magick.rb"

plan 11

# check DESC CMD...: both, then the same stdout.
check() {
	both "$@"
	same_out "$1: the same results"
}
pixels() { plain identify -format '%#' "$1" 2>&1; }

# ---- Ruby: mini_magick's defaults, as ActiveStorage and CarrierWave ----
check "mini_magick open, resize, format, write; image_processing" \
	ruby "$T/app/mini_magick.rb" "$W/photo.jpg" @D@
like "mini_magick chose ImageMagick 6 (no magick wrapper to mislead it)" "cli=imagemagick$" \
	"$(head -1 "$T/out.w")"
is "mogrify's output has the same pixels" "$(pixels "$W/p/mm.png")" "$(pixels "$W/w/mm.png")"
# Confined: the same call on a file outside the work directory.
out=$(wrapped ruby -e 'require "mini_magick"; puts MiniMagick::Image.new(ARGV[0]).width' \
	"$T/app/outside.jpg" 2>&1)
like "mini_magick through the wrappers cannot read outside the work directory ($(printf %s "$out" | head -c 200 | tr "\n" " "))" \
	"unable to open|Permission denied|MiniMagick::(Error|Invalid)" "$out"
is "while unconfined it can (the control)" 200 \
	"$(plain ruby -e 'require "mini_magick"; puts MiniMagick::Image.new(ARGV[0]).width' "$T/app/outside.jpg")"

# ---- Node: gm and fluent-ffmpeg ----------------------------------------
check "node gm and fluent-ffmpeg (ffprobe, transcode, screenshots)" \
	node "$T/node/node-clients.js" "$W/photo.jpg" "$W/video.mp4" @D@
is "fluent-ffmpeg's screenshot: the same pixels" "$(pixels "$W/p/shot.png")" "$(pixels "$W/w/shot.png")"
out=$(wrapped node -e 'require(process.argv[1] + "/node_modules/gm")(process.argv[2]).size((e, s) => console.log(e ? "error: " + e.message : s.width))' \
	"$T/node" "$T/app/outside.jpg" 2>&1)
like "node gm through the wrappers cannot read outside the work directory" "error: " "$out"
is "while unconfined it can (the control)" 200 \
	"$(plain node -e 'require(process.argv[1] + "/node_modules/gm")(process.argv[2]).size((e, s) => console.log(e ? "error: " + e.message : s.width))' "$T/node" "$T/app/outside.jpg")"

done_testing
