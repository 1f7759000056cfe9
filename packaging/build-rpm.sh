#!/bin/sh
# Build the RPM from this tree:
#
#   packaging/build-rpm.sh [OUTDIR]
#
# Makes the release tarball landjail-VERSION.tar.gz from the tree (without
# build trees or VCS data), runs `rpmbuild -bb packaging/rpm/landjail.spec`
# in a temporary _topdir, and copies the binary RPM to OUTDIR (default: the
# current directory). On a system whose build dependencies are not RPMs
# (Debian: apt-get install rpm), set RPMBUILD_OPTS=--nodeps: rpmbuild can
# not see dpkg's packages. Extra rpmbuild options go in RPMBUILD_OPTS.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
out=$(cd "${1:-.}" && pwd)
version=$(sed -n "s/^ *version *: *'\([^']*\)'.*/\1/p" "$src/meson.build" | head -n 1)

top=$(mktemp -d /tmp/landjail-rpm.XXXXXX)
trap 'rm -rf "$top"' EXIT INT TERM
mkdir -p "$top/SOURCES" "$top/tree/landjail-$version"
tar -C "$src" --exclude-vcs --exclude='./build*' --exclude=./debian -cf - . |
	tar -C "$top/tree/landjail-$version" -xf -
chmod -R go-w "$top/tree"
tar -C "$top/tree" -czf "$top/SOURCES/landjail-$version.tar.gz" "landjail-$version"

rpmbuild -bb --define "_topdir $top" ${RPMBUILD_OPTS:-} "$src/packaging/rpm/landjail.spec"

find "$top/RPMS" -name "landjail-$version-*.rpm" -exec cp {} "$out/" \;
echo "build-rpm: built $(cd "$out" && ls landjail-"$version"-*.rpm | tr '\n' ' ')" >&2
