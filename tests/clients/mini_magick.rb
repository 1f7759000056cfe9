# Ruby clients as a Rails application uses them, with their defaults:
# mini_magick picks its CLI by looking for `magick` on PATH; resize and
# format run mogrify; image_processing runs convert.
# Usage: ruby mini_magick.rb INPUT OUTDIR
require "mini_magick"
require "image_processing/mini_magick"

input, out = ARGV
image = MiniMagick::Image.open(input)
puts "cli=#{MiniMagick.cli}"
puts "size=#{image.width}x#{image.height} type=#{image.type}"
image.resize "50%"
image.format "png"
image.write File.join(out, "mm.png")
puts "resized=#{MiniMagick::Image.open(File.join(out, "mm.png")).dimensions.join("x")}"
ImageProcessing::MiniMagick.source(input).resize_to_limit(64, 64).convert("webp")
  .call(destination: File.join(out, "ip.webp"))
puts "image_processing=#{MiniMagick::Image.open(File.join(out, "ip.webp")).dimensions.join("x")}"
