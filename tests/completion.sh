#!/bin/bash
# The shell completions against the program (TAP). Both read the options
# from `landjail --help`; these checks make sure they still understand it:
#   - bash: `landjail --<TAB>` offers every long option of --help, profile
#     names come from the directories landjail searches, PATH arguments
#     complete files, and after `--` the command line is the program's;
#   - zsh: the _arguments specs name every option of --help, and the profile
#     names come from the directories landjail searches.
#
# Environment, set by tests/meson.build:
#   LANDJAIL  the built binary
#   SRCDIR    the source tree
set -u
: "${LANDJAIL:?LANDJAIL must point at the built landjail}"
: "${SRCDIR:?SRCDIR must point at the source tree}"
export LC_ALL=C

. "$SRCDIR/tests/tap.sh"

work=$(mktemp -d /tmp/landjail-completion.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/xdg/landjail/profiles"
touch "$work/xdg/landjail/profiles/alpha-one.ini" "$work/xdg/landjail/profiles/beta.ini"
chmod 644 "$work/xdg/landjail/profiles/"*.ini
export XDG_CONFIG_HOME=$work/xdg

mapfile -t long_opts < <("$LANDJAIL" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u)

echo "1..9"

if [ ${#long_opts[@]} -ge 5 ]; then
	pass "landjail --help lists ${#long_opts[@]} long options"
else
	fail "landjail --help lists long options" "${long_opts[*]:-none}"
fi

# ---- bash ----------------------------------------------------------------------

# complete WORD...: what the bash completion offers for the last WORD.
bash_complete() {
	bash --norc --noprofile -c '
		source /usr/share/bash-completion/bash_completion
		source "$1/completions/landjail.bash"
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$(($# - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_landjail 2>/dev/null
		printf "%s\n" "${COMPREPLY[@]}" | sort -u
	' bash "$SRCDIR" "$LANDJAIL" "$@"
}

if ! have_pkg bash-completion /usr/share/bash-completion/bash_completion; then
	for what in options profiles paths command; do
		skip "bash completes $what" "bash-completion is not installed (Debian package bash-completion)"
	done
else
	got=$(bash_complete --)
	missing=$(comm -23 <(printf '%s\n' "${long_opts[@]}") <(printf '%s\n' "$got"))
	if [ -z "$missing" ]; then
		pass "bash: landjail --<TAB> offers every long option of --help"
	else
		fail "bash: landjail --<TAB> offers every long option of --help" "missing: $missing"
	fi

	got=$(bash_complete -p al)
	got2=$(bash_complete --check "")
	if [ "$got" = alpha-one ] && grep -qx beta <<<"$got2"; then
		pass "bash: -p and --check complete profile names from \$XDG_CONFIG_HOME/landjail/profiles"
	else
		fail "bash: profile names" "-p al: $got"$'\n'"--check: $got2"
	fi

	got=$(bash_complete --ro /us)
	if [ "$got" = /usr ]; then
		pass "bash: --ro completes a path"
	else
		fail "bash: --ro completes a path" "got: $got"
	fi

	got=$(bash_complete --rox /usr -- ech)
	if grep -qx echo <<<"$got"; then
		pass "bash: after -- the command is completed"
	else
		fail "bash: after -- the command is completed" "got: $got"
	fi
fi

# ---- zsh -----------------------------------------------------------------------
# _arguments and _alternative are replaced by functions that print what they
# were given: the completion logic is ours, zsh's completion system is not
# under test.

if ! have_pkg zsh zsh; then
	for what in "options" "repeatable PATH options" "profiles" "syntax"; do
		skip "zsh completes $what" "zsh is not installed (Debian package zsh)"
	done
else
	specs=$(zsh -f -c '
		fpath=("$1/completions" $fpath)
		_call_program() { shift; eval "$@"; }
		_arguments() { print -l -- "$@"; _landjail_profiles; }
		_alternative() { print -l -- profile=$^profiles; }
		autoload -Uz _landjail
		words=("$2" --)
		CURRENT=2
		_landjail
	' zsh "$SRCDIR" "$LANDJAIL" 2>&1)
	missing=
	for opt in "${long_opts[@]}"; do
		grep -qE -- "^\*?$opt(:|\$)" <<<"$specs" || missing="$missing $opt"
	done
	if [ -z "$missing" ]; then
		pass "zsh: the specs name every long option of --help"
	else
		fail "zsh: the specs name every long option of --help" "missing:$missing"$'\n'"$specs"
	fi
	if grep -qx -- '\*--ro:PATH:_files' <<<"$specs" &&
		grep -qx -- '\*--profile:NAME|PATH:_landjail_profiles' <<<"$specs"; then
		pass "zsh: --ro repeats and completes files, --profile completes profiles"
	else
		fail "zsh: --ro and --profile specs" "$specs"
	fi
	if grep -qx profile=alpha-one <<<"$specs" && grep -qx profile=beta <<<"$specs"; then
		pass "zsh: profile names come from \$XDG_CONFIG_HOME/landjail/profiles"
	else
		fail "zsh: profile names" "$specs"
	fi
	if out=$(zsh -n "$SRCDIR/completions/_landjail" 2>&1); then
		pass "zsh -n _landjail"
	else
		fail "zsh -n _landjail" "$out"
	fi
fi

[ "$failed" -eq 0 ]
