#!/bin/bash
# The unit tests built for aarch64 with Debian's cross compiler and run
# under qemu-user: the verdict table is resolved per architecture (no
# fork, vfork or chmod there, so no pseudo-number may reach a table).
# Needs tests/deps/arm64.txt, whose :arm64 packages need
# `dpkg --add-architecture arm64` first.  Suite "cross" (not in the default
# `meson test`): meson test -C build --suite cross.
. "$SRCDIR/tests/lib.sh"
: "${CROSS_BUILDDIR:?CROSS_BUILDDIR must name the aarch64 build directory}"
need_pkg gcc-aarch64-linux-gnu aarch64-linux-gnu-gcc
need_pkg qemu-user qemu-aarch64

units=(test_words test_profile test_groups test_cache test_seccomp)
plan $((1 + ${#units[@]}))
for lib in libseccomp libinih; do
	if [ ! -e "/usr/lib/aarch64-linux-gnu/$lib.so" ]; then
		echo "not ok 1 - $lib for arm64 is missing: install tests/deps/arm64.txt"
		exit 1
	fi
done
B=$CROSS_BUILDDIR
if [ ! -f "$B/build.ninja" ]; then
	meson setup "$B" "$SRCDIR" --cross-file "$SRCDIR/tests/cross/aarch64-linux-gnu.ini" \
		-Dstatic=false >"$T/setup.log" 2>&1 || sed 's/^/# /' "$T/setup.log"
fi
targets=()
for u in "${units[@]}"; do targets+=("tests/$u"); done
ok "the unit tests build for aarch64" ninja -C "$B" "${targets[@]}"
for u in "${units[@]}"; do
	ok "$u passes on aarch64 (qemu-aarch64)" env FIXTURES="$SRCDIR/tests/fixtures" \
		PROFILES="$SRCDIR/profiles" qemu-aarch64 -L /usr/aarch64-linux-gnu "$B/tests/$u"
done
done_testing
