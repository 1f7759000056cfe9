#!/bin/bash
# The manual pages against the code (TAP):
#   - both pages are clean mdoc (mandoc -Tlint -Wwarning prints nothing);
#   - every option of `landjail --help` is described in landjail.1, as an
#     ".It" line that marks it "Fl \-name" (long) or "Fl x" (short);
#   - every section of src/section_*.c (its struct section_spec) is named
#     in landjail.profile.5 as "Cm [name]" and has a subsection ".Ss The
#     [name] section", whose ".It Cm key" lines are exactly the keys of
#     the section's key table: a key cannot be documented under another
#     name, in another section, or after it is gone.
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

# ---- what the code knows ---------------------------------------------------

help=$("$LANDJAIL" --help 2>&1)
help_status=$?

# Long options: every "--name" in the help text.
mapfile -t long_opts < <(printf '%s\n' "$help" | grep -oE -- '--[a-z][a-z0-9-]*' |
	sed 's/^--//' | sort -u)
# Short options: "-x," at the start of a help line, as in "  -p, --profile".
mapfile -t short_opts < <(printf '%s\n' "$help" | sed -nE 's/^ +-([A-Za-z]),.*/\1/p' | sort -u)

# Sections: each src/section_NAME.c defines
#   const struct section_spec section_NAME = { "name", keys, ... };
# and its key table, the rows { "key", handler, arg } of "keys[] = {".
mapfile -t sections < <(cat "$SRCDIR"/src/section_*.c |
	sed -nE 's/^const struct section_spec section_[a-z_]+ = \{ *"([a-z-]+)".*/\1/p' | sort -u)
# table_keys NAME: the keys of section NAME's table, in table order.
table_keys() {
	local f
	f=$(grep -lE "^const struct section_spec section_[a-z_]+ = \\{ *\"$1\"" "$SRCDIR"/src/section_*.c)
	[ -n "$f" ] && sed -n '/section_key keys\[\] = {/,/^};/p' "$f" |
		sed -nE 's/^\s*\{ *"([a-z][a-z0-9-]*)",.*/\1/p'
}
# man_keys NAME: the ".It Cm key" lines of "The [NAME] section" in landjail.profile.5.
man_keys() {
	sed -n "/^\\.Ss The \\[$1\\] section/,/^\\.S[sh] /p" "$man5" |
		sed -nE 's/^\.It Cm ([a-z][a-z0-9-]*)( .*)?$/\1/p'
}
keys=()
for sec in "${sections[@]}"; do
	mapfile -t -O "${#keys[@]}" keys < <(table_keys "$sec" | sed "s/^/$sec./")
done

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

# The functions HACKING.md's map names (words with an underscore in its
# reader, plan and enforcer columns, file names aside).
mapfile -t map_funcs < <(grep -E '^\| \[' "$SRCDIR/HACKING.md" | cut -d'|' -f3- |
	grep -oE '\b[a-z]+(_[a-z0-9]+)+(\.c)?' | grep -v '\.c$' | sort -u)

echo "1..$((2 + 3 + 2 * ${#long_opts[@]} + ${#short_opts[@]} + 2 * ${#sections[@]} + 2 * ${#keys[@]} + ${#map_funcs[@]} + 1 + ${#groups[@]}))"

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
if [ ${#sections[@]} -ge 7 ]; then
	pass "src/section_*.c define ${#sections[@]} sections"
else
	fail "src/section_*.c define sections (found: ${sections[*]:-none})"
fi
if [ ${#keys[@]} -ge 30 ]; then
	pass "the section tables name ${#keys[@]} keys"
else
	fail "the section tables name keys (found: ${keys[*]:-none})"
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
	extra=$(comm -13 <(table_keys "$sec" | sort -u) <(man_keys "$sec" | sort -u))
	if [ -z "$extra" ]; then
		pass "landjail.profile.5 documents no key that [$sec]'s table lacks"
	else
		fail "landjail.profile.5 documents no key that [$sec]'s table lacks" \
			"documented in \"The [$sec] section\" but not in its table: $extra"
	fi
done
for sk in "${keys[@]}"; do
	sec=${sk%%.*} key=${sk#*.}
	if man_keys "$sec" | grep -qxF -- "$key"; then
		pass "landjail.profile.5 describes [$sec] $key"
	else
		fail "landjail.profile.5 describes [$sec] $key" \
			"no \".It Cm $key\" under \".Ss The [$sec] section\""
	fi
done

# ---- (c2) every key in HACKING.md's map ------------------------------------------
# A row "| [section] `key` `key` | reader | plan step | enforced by |".

hacking=$SRCDIR/HACKING.md
for sk in "${keys[@]}"; do
	sec=${sk%%.*} key=${sk#*.}
	if grep -E "^\| \[$sec\] " "$hacking" | grep -qF -- "\`$key\`"; then
		pass "HACKING.md's map has [$sec] $key"
	else
		fail "HACKING.md's map has [$sec] $key" "add \`$key\` to a \"| [$sec]\" row of the map"
	fi
done

for fn in "${map_funcs[@]}"; do
	if grep -qE "^[A-Za-z].*\b$fn\(" "$SRCDIR"/src/*.c; then
		pass "HACKING.md's map names $fn, defined in src/"
	else
		fail "HACKING.md's map names $fn, defined in src/" "no definition of $fn( in src/*.c"
	fi
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
