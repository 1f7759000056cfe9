# Minimal TAP reporting for the tests that do not run the sandbox as a
# test user (docs, completion, packaging): source it, then call pass, fail
# and skip, and end with "echo 1..$n" and "[ $failed -eq 0 ]".
. "$SRCDIR/tests/pkg.sh"
n=0
failed=0

pass() {
	n=$((n + 1))
	echo "ok $n - $1"
}

# fail DESCRIPTION [DETAILS]: DETAILS are shown as TAP comments.
fail() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
	if [ $# -gt 1 ] && [ -n "$2" ]; then
		printf '%s\n' "$2" | sed 's/^/#   /'
	fi
}

skip() {
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}
