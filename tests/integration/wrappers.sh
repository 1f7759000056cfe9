#!/bin/bash
# Wrappers that are landjail itself: a link named PROGRAM in a wrapper
# directory runs the next PROGRAM on PATH with the profile wrappers.list
# maps it to, and --sync-wrappers keeps a link exactly for each mapped
# program that is installed (Debian 12 has no ImageMagick 7: no magick).
. "$SRCDIR/tests/lib.sh"

need_pkg imagemagick /usr/bin/convert /usr/bin/identify
need_pkg ruby /usr/bin/ruby
# ruby-mini-magick (tests/deps/wrappers.txt) is a library, not a program: when
# it is missing, the mini_magick assertions fail rather than skip.

plan 34

# ---- the shipped map -------------------------------------------------------
missing=
while read -r prog prof _; do
	[ -f "$SRCDIR/profiles/$prof.ini" ] || missing="$missing $prog:$prof"
done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$SRCDIR/profiles/wrappers.list")
is "every profile wrappers.list names is shipped" "" "$missing"

# ---- a map and programs of the test's own -------------------------------------
B=$T/bin D=$T/wr C=$T/cfg
P=$C/landjail/profiles
mkdir -p "$B" "$D" "$P" "$T/home"
chmod 755 "$B" "$D" "$C" "$C/landjail" "$P" "$T/home"
echo "secret $RANDOM" >"$T/secret"
chmod 644 "$T/secret"
# lj-a: reads a file when asked, else echoes its arguments and its input
# and exits 3.
cat >"$B/lj-a" <<'SH'
#!/bin/sh
[ "$1" = read ] && exec cat "$2"
printf '[%s]' "$@"
cat
exit 3
SH
chmod 755 "$B/lj-a"
{
	echo '[profile]'
	echo 'include = base-dynamic'
	echo '[filesystem]'
	echo "rox = /usr $B"
} >"$P/test-a.ini"
install -m 0644 "$SRCDIR/profiles/base-dynamic.ini" "$P/"
printf 'lj-a test-a  # comment\nlj-b test-a\nlj-c test-a\n' >"$P/wrappers.list"
chmod 644 "$P"/*
printf '#!/bin/sh\necho not landjail\n' >"$D/lj-c"
chmod 755 "$D/lj-c"
cp "$B/lj-a" "$B/lj-c"
ln -s "$LANDJAIL" "$D/stray"
ln -s /bin/true "$D/other"

sync() { PATH="$D:$B:/usr/bin:/bin" XDG_CONFIG_HOME=$C "$LANDJAIL" --sync-wrappers "$D"; }
linked() { [ -L "$D/$1" ] && [ "$D/$1" -ef "$LANDJAIL" ]; }

out=$(sync 2>&1)
ok "--sync-wrappers links lj-a (installed) to landjail" linked lj-a
fails "--sync-wrappers makes no lj-b (not installed)" test -e "$D/lj-b"
like "--sync-wrappers says what it added" "added $D/lj-a \\($B/lj-a, profile test-a\\)" "$out"
like "--sync-wrappers leaves a file of someone else's alone, saying so" \
	"$D/lj-c exists and is not a link to landjail" "$out"
is "that file is unchanged" "not landjail" "$("$D/lj-c")"
fails "--sync-wrappers removes a link to landjail the map does not name" test -L "$D/stray"
ok "--sync-wrappers keeps a link that does not lead to landjail" test -L "$D/other"
cp "$B/lj-a" "$B/lj-b"
rm "$B/lj-a"
sync >/dev/null 2>&1
ok "lj-b installed: its wrapper appears" linked lj-b
fails "lj-a removed: its wrapper goes" test -e "$D/lj-a"
cp "$B/lj-b" "$B/lj-a"
sync >/dev/null 2>&1
ok "lj-a back: its wrapper is back" linked lj-a

# ---- running through a link -------------------------------------------------------
w() { as_user env -i PATH="$D:$B:/usr/bin:/bin" HOME="$T/home" XDG_CONFIG_HOME="$C" "$@"; }
out=$(printf 'in' | w lj-a 'a b' '*' ''); rc=$?
is "arguments and standard input pass through unchanged" "[a b][*][]in" "$out"
is "the program's exit status passes through" 3 "$rc"
ok "control: unconfined, lj-a reads a file outside its profile" \
	as_user env -i PATH="$B:/usr/bin:/bin" lj-a read "$T/secret"
fails "through the wrapper, lj-a cannot read it (the map's profile confines it)" \
	w lj-a read "$T/secret"
ok "called by its full path with its directory off PATH, it finds the program" \
	as_user env -i PATH="$B:/usr/bin:/bin" HOME="$T/home" XDG_CONFIG_HOME="$C" \
	"$D/lj-a" read /etc/ld.so.cache
ln -s "$D" "$T/wrlink"
out=$(as_user env -i PATH="$T/wrlink:$B:/usr/bin:/bin" HOME="$T/home" XDG_CONFIG_HOME="$C" \
	"$D/lj-a" x </dev/null 2>&1)
is "its directory reached through a symbolic link on PATH is still skipped" "[x]" "$out"
mkdir -p "$T/wr2"
chmod 755 "$T/wr2"
ln -s "$LANDJAIL" "$T/wr2/lj-a"
out=$(as_user env -i PATH="$D:$T/wr2:$B:/usr/bin:/bin" HOME="$T/home" XDG_CONFIG_HOME="$C" \
	lj-a x 2>&1); rc=$?
is "two wrapper directories on PATH: refused, not a loop (exit 127)" 127 "$rc"
like "and it says why" "lj-a: the next lj-a on PATH is a landjail wrapper too \\($T/wr2/lj-a\\)" "$out"
ln -s "$LANDJAIL" "$D/unmapped"
out=$(w unmapped 2>&1); rc=$?
is "a link under a name no map lists: exit 125" 125 "$rc"
like "naming the maps it read" "started as \"unmapped\", but no wrappers.list in $P" "$out"
rm "$D/unmapped"
chmod 664 "$P/wrappers.list"
out=$(w lj-a x 2>&1); rc=$?
is "a map that group can write is refused (exit 125)" 125 "$rc"
like "with the fix" "refusing a map that group or others can write \\(mode 0664\\); run: chmod go-w" "$out"
chmod 644 "$P/wrappers.list"
cp "$P/wrappers.list" "$T/good.list"
printf 'lj-a test-a\nlj-b test-a extra\n' >"$P/wrappers.list"
out=$(w lj-a x 2>&1); rc=$?
is "a malformed map: exit 125" 125 "$rc"
like "as file:line" "$P/wrappers.list:2: want PROGRAM PROFILE" "$out"
install -m 0644 "$T/good.list" "$P/wrappers.list"

out=$(PATH="$D:$B:/usr/bin:/bin" XDG_CONFIG_HOME=$C "$LANDJAIL" --remove-wrappers "$D" 2>&1)
fails "--remove-wrappers removes every link to landjail" sh -c "ls -l '$D' | grep -q -- '-> $LANDJAIL'"
ok "and leaves the rest" test -L "$D/other" -a -f "$D/lj-c"
out=$("$LANDJAIL" --sync-wrappers "$T/nonexistent" 2>&1); rc=$?
is "--sync-wrappers on a missing directory: exit 125" 125 "$rc"

# ---- the shipped map on this system: Debian 12 has no ImageMagick 7 -------------
WR=$T/wrappers
make_wrappers "$WR"
exists() { [ -e "$1" ] && echo yes || echo no; }
is "a magick wrapper exactly when /usr/bin/magick exists" \
	"$(exists /usr/bin/magick)" "$(exists "$WR/magick")"
ok "control: a convert wrapper, as /usr/bin/convert exists" \
	sh -c "[ -L '$WR/convert' ] && [ '$WR/convert' -ef '$LANDJAIL' ]"
mkdir -p "$T/app"
chmod 755 "$T/app"
mkuserdir "$T/app/tmp"
convert rose: "$T/app/tmp/rose.png"
chmod 644 "$T/app/tmp/rose.png"
# mini_magick 4.11 picks ImageMagick 7 when "magick" is on PATH, else 6
# when "mogrify" is; dimensions runs identify.
mm() {
	as_user env -i PATH="$WR:/usr/bin:/bin" HOME="$T/app" TMPDIR="$T/app/tmp" LC_ALL=C \
		$WRAPPER_ENV ruby -e 'require "mini_magick"
		img = MiniMagick::Image.open(ARGV[0])
		puts "#{MiniMagick.cli} #{img.dimensions.join("x")}"' "$T/app/tmp/rose.png"
}
out=$(mm 2>&1)
is "mini_magick through the wrappers: ImageMagick 6, identify works" "imagemagick 70x46" "$out"
# The old packages' state: a magick wrapper with no magick behind it.
ln -s "$LANDJAIL" "$WR/magick"
out=$(mm 2>&1)
like "a magick wrapper without ImageMagick 7 breaks mini_magick (the bug)" \
	"magick: command not found" "$out"
PATH=/usr/bin:/bin XDG_CONFIG_HOME=$T/config "$LANDJAIL" -q --sync-wrappers "$WR"
ok "--sync-wrappers takes that magick wrapper away" test ! -e "$WR/magick"
out=$(mm 2>&1)
is "and mini_magick works again" "imagemagick 70x46" "$out"

done_testing
