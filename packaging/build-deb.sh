#!/bin/sh
# Build the Debian package from this tree:
#
#   packaging/build-deb.sh [OUTDIR]
#
# dpkg-buildpackage wants debian/ at the top of the source tree, and the
# repository keeps it in packaging/debian/ (it is one packaging among
# others), so the tree is copied to a temporary directory, packaging/debian
# becomes debian/ there, and `dpkg-buildpackage -us -uc -b` runs in it.
# The .deb, .buildinfo and .changes land in OUTDIR (default: the current
# directory); lintian then checks them and fails on any error or warning.
# Needs: dpkg-dev, debhelper, lintian and the Build-Depends of
# packaging/debian/control. Extra dpkg-buildpackage options can be given
# in DPKG_BUILDPACKAGE_OPTS (e.g. -d to skip the Build-Depends check).
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "${1:-.}" && pwd)
version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$src/meson.build" | head -n 1)

tmp=$(mktemp -d /tmp/landjail-deb.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM
tree=$tmp/landjail-$version
mkdir "$tree"
# The source without build trees, VCS data or an old debian/.
tar -C "$src" --exclude-vcs --exclude='./build*' --exclude=./debian -cf - . | tar -C "$tree" -xf -
cp -a "$src/packaging/debian" "$tree/debian"
# A clone made with umask 002 has group-writable profiles; landjail's tests
# refuse those, as landjail does.
chmod -R go-w "$tree"

(cd "$tree" && dpkg-buildpackage -us -uc -b ${DPKG_BUILDPACKAGE_OPTS:-})

arch=$(dpkg --print-architecture)
for f in "$tmp"/landjail*_"$version"*; do
	cp "$f" "$out/"
done
echo "build-deb: built $(cd "$out" && ls landjail_"$version"*_"$arch".deb)" >&2
lintian --allow-root --fail-on error,warning --display-info "$out/landjail_${version}_${arch}.changes"
