#!/bin/bash
# Profiles end to end: golden error messages, lookup, trust, --check.
. "$SRCDIR/tests/lib.sh"

plan 21

# Golden fixtures: every bad profile gives exactly its file:line messages
# and exit 125.  They run from a copy, as the test user, by relative path.
mkdir "$T/bad"
for f in "$SRCDIR"/tests/bad/*.ini; do install -m 0644 "$f" "$T/bad/"; done
for expected in "$SRCDIR"/tests/bad/*.err; do
	name=$(basename "$expected" .err)
	out=$(cd "$T/bad" && as_user "$LANDJAIL" --check "./$name.ini" 2>&1)
	rc=$?
	is "$name.ini: exit 125" 125 "$rc"
	is "$name.ini: messages" "$(cat "$expected")" "$out"
done

# A bad profile stops a real run before anything is started.
mkuserdir "$T/w"
out=$(lj -p "$T/bad/typo-key.ini" --rw "$T/w" -- /usr/bin/touch "$T/w/ran" 2>&1)
is "a bad profile gives 125 when running too" 125 $?
fails "and the command did not run" test -e "$T/w/ran"

# A FIFO given as a profile is refused at once, not read (which would hang).
mkfifo "$T/fifo.ini"
out=$(timeout 10 "$LANDJAIL" --check "$T/fifo.ini" 2>&1)
is "a FIFO as a profile: exit 125 without hanging" 125 $?

# Lookup by bare name in $XDG_CONFIG_HOME/landjail/profiles.
install_profile "$SRCDIR/profiles/base-dynamic.ini"
mkdir -p "$T/xdg/landjail/profiles"
chmod -R 755 "$T/xdg"
printf '[profile]\ninclude = %s/profiles/base-dynamic.ini\n[filesystem]\nrox = /usr/bin/cat\nro = /etc/hostname\n' \
	"$T" >"$T/xdg/landjail/profiles/catter.ini"
chmod 644 "$T/xdg/landjail/profiles/catter.ini"
[ "$LJ_UID" = 0 ] || chown -R "$LJ_UID" "$T/xdg"
out=$(as_user env XDG_CONFIG_HOME="$T/xdg" "$LANDJAIL" -p catter -- cat /etc/hostname 2>&1)
is "a bare profile name is found in XDG_CONFIG_HOME" "$(cat /etc/hostname)" "$out"

out=$(as_user env XDG_CONFIG_HOME="$T/xdg" "$LANDJAIL" -p catter -- cat /etc/passwd 2>&1)
like "and the profile confines: /etc/passwd is not readable" "Permission denied" "$out"

# A profile others can change is refused.
chmod 666 "$T/xdg/landjail/profiles/catter.ini"
out=$(as_user env XDG_CONFIG_HOME="$T/xdg" "$LANDJAIL" -p catter -- cat /etc/hostname 2>&1)
rc=$?
is "a world-writable profile: exit 125" 125 "$rc"
like "and says why" "refusing a profile that group or others can write" "$out"
