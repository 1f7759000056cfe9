# Sourced after lib.sh by the tests that run real programs twice, once
# unconfined and once through the drop-in wrappers, as the test user
# (tools.sh, clients.sh).  Sets up:
#   $WR      a wrapper directory made from profiles/wrappers.list
#   $W       the application's work directory (TMPDIR), $T/app/tmp, with
#            $W/p and $W/w: the unconfined and the wrapped run's outputs
#   plain, wrapped   run a command either way, with a clean environment

WR=$T/wrappers
make_wrappers "$WR"
W=$T/app/tmp
mkdir -p "$T/app"
chmod 755 "$T/app"
mkuserdir "$W"
mkuserdir "$W/p"
mkuserdir "$W/w"

plain() { as_user env -i PATH=/usr/bin:/bin TMPDIR="$W" HOME="$T/app" LC_ALL=C "$@"; }
wrapped() { as_user env -i PATH="$WR:/usr/bin:/bin" TMPDIR="$W" HOME="$T/app" LC_ALL=C $WRAPPER_ENV "$@"; }

# both DESC CMD...: runs CMD unconfined and then wrapped, with @D@ in any
# argument replaced by the mode's own output directory ($W/p or $W/w);
# both must exit 0.  Their stdout lands in $T/out.p and $T/out.w.
both() {
	local desc=$1 a args_p=() args_w=()
	shift
	for a in "$@"; do
		args_p+=("${a//@D@/$W/p}")
		args_w+=("${a//@D@/$W/w}")
	done
	plain "${args_p[@]}" >"$T/out.p" 2>"$T/err.p"
	local rp=$?
	wrapped "${args_w[@]}" >"$T/out.w" 2>"$T/err.w"
	local rw=$?
	is "$desc: exits 0 unconfined and wrapped ($(head -c 300 "$T/err.p" | tr '\n' ' ') | $(head -c 400 "$T/err.w" | tr '\n' ' '))" "0:0" "$rp:$rw"
}

# same_out DESC: the stdouts of the last both() are identical.
same_out() { is "$1" "$(cat "$T/out.p")" "$(cat "$T/out.w")"; }
