#!/bin/bash
# Local additions without copying: NAME.d/*.ini drop-ins in the system and
# the user's profile directories, a local profile that includes the
# shipped one of its own name, and fix hints that name a drop-in, never a
# shipped file (which the next upgrade replaces).  The shipped, system and
# user directories are stand-ins, through the test build's hooks.
. "$SRCDIR/tests/lib.sh"

export LANDJAIL_TEST_DATA_PROFILES=$T/data LANDJAIL_TEST_ETC_PROFILES=$T/etc
export XDG_CONFIG_HOME=$T/xdg
if [ "$(LANDJAIL_TEST_DATA_PROFILES=/nonexistent "$LANDJAIL" --check base-dynamic 2>&1 | grep -c 'looked in.*/nonexistent')" = 0 ]; then
	echo "1..0 # SKIP this build has no test hooks (buildtype release or plain)"
	exit 0
fi
mkdir -p "$T/data" "$T/etc" "$T/xdg/landjail/profiles"
install -m 0644 "$SRCDIR"/profiles/base-dynamic.ini "$T/data/"
# The shipped profile: cat, and nothing of $T/store.
printf '[profile]\nversion = 1\ninclude = base-dynamic\n[filesystem]\nrox = /usr/bin/cat\n' >"$T/data/catter.ini"
# A shipped profile with a syscall allowlist that lacks mkdir.
printf '%s\n' '[profile]' 'version = 1' 'include = base-dynamic' '[filesystem]' \
	'rox = /usr/bin/mkdir' "rw = $T/work" '[syscalls]' 'default = kill' \
	'allow = @default @basic-io @file-read @signal @memory fcntl ioctl' >"$T/data/mk.ini"
mkdir -p "$T/store" "$T/store2" "$T/work"
echo store >"$T/store/a"
echo store2 >"$T/store2/b"
chown "$LJ_UID" "$T/work"
chmod -R go-w "$T/data" "$T/etc" "$T/xdg"
chmod 755 "$T/data" "$T/etc" "$T/xdg" "$T/xdg/landjail" "$T/xdg/landjail/profiles"
chmod 644 "$T"/data/*.ini

run() { out=$(as_user env LANDJAIL_TEST_DATA_PROFILES="$T/data" LANDJAIL_TEST_ETC_PROFILES="$T/etc" \
	XDG_CONFIG_HOME="$T/xdg" "$LANDJAIL" "$@" 2>&1); rc=$?; }
# dropin DIR FILE LINES...: a drop-in file, mode 0644.
dropin() {
	local dir=$1 file=$2
	shift 2
	mkdir -p "$dir"
	chmod 755 "$dir"
	printf '%s\n' "$@" >"$dir/$file"
	chmod 644 "$dir/$file"
}

plan 18

run -p catter -- cat "$T/store/a"
is "control: the shipped profile does not grant the store" 1 "$rc"

dropin "$T/etc/catter.d" 10-store.ini '[filesystem]' "ro = $T/store"
run -p catter -- cat "$T/store/a"
is "a system drop-in catter.d/10-store.ini adds the store" "0:store" "$rc:$out"
run --check catter
like "--check lists the drop-in after the profile" "catter.ini.* $T/etc/catter.d/10-store.ini" "$out"

dropin "$T/xdg/landjail/profiles/catter.d" 20-more.ini '[filesystem]' "ro = $T/store2"
run -p catter -- cat "$T/store/a" "$T/store2/b"
is "a user drop-in adds to it as well" "0:store store2" "$rc:$(echo $out)"
run --check catter
like "in name order: 10-store before 20-more" "10-store.ini.* .*20-more.ini" "$out"

# Same file name in the user's directory: it replaces the system's.
dropin "$T/xdg/landjail/profiles/catter.d" 10-store.ini '[filesystem]' "ro = $T/store2"
run -p catter -- cat "$T/store/a"
is "a user drop-in replaces the system one of the same name" 1 "$rc"
run -p catter -- cat "$T/store2/b"
is "and grants what it says" "0:store2" "$rc:$out"
rm -r "$T/xdg/landjail/profiles/catter.d"

# An included profile gets its drop-ins too: base-dynamic.d applies to
# every profile that includes it.
dropin "$T/etc/base-dynamic.d" store.ini '[filesystem]' "ro = $T/store2"
run -p catter -- cat "$T/store2/b"
is "a drop-in of an included profile applies" "0:store2" "$rc:$out"
rm -r "$T/etc/base-dynamic.d"

# A local profile with the shipped one's name that includes it by name.
printf '%s\n' '[profile]' 'version = 1' 'include = catter' '[filesystem]' "ro = $T/store2" \
	>"$T/etc/catter.ini"
chmod 644 "$T/etc/catter.ini"
run -p catter -- cat "$T/store2/b"
is "a local catter.ini that includes catter: no include cycle" "0:store2" "$rc:$out"
run -p catter -- cat "$T/store/a"
is "and the shipped profile and its drop-ins still apply" "0:store" "$rc:$out"
run --check catter
like "--check shows the local file, the shipped one and the drop-in" \
	"$T/etc/catter.ini.* $T/data/catter.ini.* $T/etc/catter.d/10-store.ini" "$out"
# A file that includes its own name, with no other file of that name:
# still a cycle.
printf '%s\n' '[profile]' 'version = 1' 'include = self' >"$T/etc/self.ini"
chmod 644 "$T/etc/self.ini"
run --check self
is "a profile that includes only itself fails" 125 "$rc"
like "an include cycle, as before" 'include cycle: .*self.ini includes .*self.ini' "$out"
rm "$T/etc/catter.ini"

# Fix hints name the drop-in to create, not the shipped file.
run -p mk -- mkdir "$T/work/d"
is "mkdir is not in the shipped allowlist: stopped" 159 "$rc"
like "the hint names the drop-in to create" \
	"allow = mkdir\" to \[syscalls\] in a drop-in such as $T/etc/mk.d/local.ini" "$out"
unlike() { ! printf '%s\n' "$1" | grep -q "in mk.ini"; }
ok "and not the shipped mk.ini" unlike "$out"
dropin "$T/etc/mk.d" local.ini '[syscalls]' 'allow = mkdir'
run -p mk -- mkdir "$T/work/d"
is "with that drop-in, mkdir works" "0:" "$rc:$out"
run -p mk -- mkdir "$T/store/d"
is "and Landlock still confines it to the work directory" 1 "$rc"

done_testing
