#!/bin/bash
# The manual pages against the code (TAP):
#   - both pages are clean mdoc (mandoc -Tlint -Wwarning prints nothing);
#   - every option of `landjail --help` is described in landjail.1, as an
#     ".It" line that marks it "Fl \-name" (long) or "Fl x" (short);
#   - every section and key that src/profile.c knows is named in
#     landjail.profile.5: sections as "Cm [name]", keys as ".It Cm name".
#
# Environment, set by tests/meson.build:
#   LANDJAIL  the built binary
#   SRCDIR    the source tree
set -u
: "${LANDJAIL:?LANDJAIL must point at the built landjail}"
: "${SRCDIR:?SRCDIR must point at the source tree}"
export LC_ALL=C

man1=$SRCDIR/man/landjail.1
man5=$SRCDIR/man/landjail.profile.5
profile_c=$SRCDIR/src/profile.c

# ---- what the code knows ---------------------------------------------------

help=$("$LANDJAIL" --help 2>&1)
help_status=$?

# Long options: every "--name" in the help text.
mapfile -t long_opts < <(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z0-9-]*' |
	sed 's/^--//' | sort -u)
# Short options: "-x," at the start of a help line, as in "  -p, --profile".
mapfile -t short_opts < <(printf '%s\n' "$help" | sed -nE 's/^ +-([A-Za-z]),.*/\1/p' | sort -u)

# Sections: the rows of profile.c's section table ({ "name", handler, ... }).
# Keys: every key_unknown(k, "section", key, "a b c") call in src/, which
# is how each section handler lists the keys it knows.
mapfile -t sections < <(sed -n '/section_table\[\] = {/,/^};/p' "$profile_c" |
	grep -oE '^\s*\{ *"[a-z-]+"' | grep -oE '[a-z-]+' | sort -u)
mapfile -t keys < <(cat "$SRCDIR"/src/*.c |
	grep -oE 'key_unknown\([^,]+, *"[a-z-]+", *[^,]+, *"[^"]*"' |
	sed -E 's/.*"([^"]*)"$/\1/' | tr ' ' '\n' | grep -E '^[a-z][a-z0-9-]*$' | sort -u)

# Syscall groups: the rows of src/syscall_groups.c ({ "@name", ...).
mapfile -t groups < <(grep -oE '^\s*\{ "@[a-z-]+"' "$SRCDIR/src/syscall_groups.c" |
	grep -oE '@[a-z-]+' | sort -u)

# ---- the plan ----------------------------------------------------------------

. "$SRCDIR/tests/tap.sh"

# check DESCRIPTION FILE ERE: passes when a line of FILE matches ERE.
check() {
	if grep -Eq -- "$3" "$2"; then
		pass "$1"
	else
		fail "$1" "no line of $(basename "$2") matches: $3"
	fi
}

echo "1..$((2 + 3 + 2 * ${#long_opts[@]} + ${#short_opts[@]} + ${#sections[@]} + ${#keys[@]} + 1 + ${#groups[@]}))"

# ---- (a) mandoc lint -----------------------------------------------------------

for page in "$man1" "$man5"; do
	desc="mandoc -Tlint -Wwarning $(basename "$page") is clean"
	if ! have_pkg mandoc mandoc; then
		skip "$desc" "mandoc is not installed (Debian package mandoc)"
		continue
	fi
	out=$(mandoc -Tlint -Wwarning "$page" 2>&1)
	status=$?
	if [ $status -eq 0 ] && [ -z "$out" ]; then
		pass "$desc"
	else
		fail "$desc" "$out"
	fi
done

# ---- the extraction found something --------------------------------------------
# Without these a change in the help or message format would make every
# check below vanish silently.

if [ $help_status -eq 0 ] && [ ${#long_opts[@]} -ge 5 ]; then
	pass "landjail --help lists ${#long_opts[@]} long options"
else
	fail "landjail --help lists long options (status $help_status)" "$help"
fi
if [ ${#sections[@]} -ge 3 ]; then
	pass "src/profile.c names ${#sections[@]} sections"
else
	fail "src/profile.c names sections (found: ${sections[*]:-none})"
fi
if [ ${#keys[@]} -ge 5 ]; then
	pass "src/profile.c names ${#keys[@]} keys"
else
	fail "src/profile.c names keys (found: ${keys[*]:-none})"
fi

# ---- (b) options in landjail.1 -------------------------------------------------

for opt in "${long_opts[@]}"; do
	check "landjail.1 describes --$opt" "$man1" "^\.It .*Fl \\\\-$opt([^A-Za-z0-9-]|\$)"
done
for opt in "${short_opts[@]}"; do
	check "landjail.1 describes -$opt" "$man1" "^\.It Fl $opt( |\$)"
done

# ---- (b2) every option in landjail.1's SYNOPSIS -------------------------------
# As "Fl \-name", or by its short form ("Fl p", "Fl qv", "Fl h").

synopsis=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh /p' "$man1")
for opt in "${long_opts[@]}"; do
	short=$(printf '%s\n' "$help" | sed -nE "s/^ +-([A-Za-z]), --$opt( .*|\$)/\1/p" | head -n 1)
	if grep -Eq -- "Fl \\\\-$opt([^A-Za-z0-9-]|\$)" <<<"$synopsis" ||
		{ [ -n "$short" ] && grep -Eq -- "Fl [A-Za-z]*$short[A-Za-z]*( |\$)" <<<"$synopsis"; }; then
		pass "landjail.1 SYNOPSIS shows --$opt"
	else
		fail "landjail.1 SYNOPSIS shows --$opt" "add .Op Fl \\-$opt to SYNOPSIS"
	fi
done

# ---- (c) sections and keys in landjail.profile.5 -------------------------------

for sec in "${sections[@]}"; do
	check "landjail.profile.5 names [$sec]" "$man5" "Cm \\[$sec\\]"
done
for key in "${keys[@]}"; do
	check "landjail.profile.5 describes key $key" "$man5" "^\.It Cm $key( |\$)"
done

# ---- (d) syscall groups in landjail.profile.5 ----------------------------------

if [ ${#groups[@]} -ge 10 ]; then
	pass "src/syscall_groups.c names ${#groups[@]} groups"
else
	fail "src/syscall_groups.c names groups (found: ${groups[*]:-none})"
fi
for g in "${groups[@]}"; do
	check "landjail.profile.5 describes group $g" "$man5" "^\.It Sy $g( |\$)"
done

[ "$failed" -eq 0 ]
