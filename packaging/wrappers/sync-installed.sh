#!/bin/sh
# meson install: make the wrappers for the programs installed on this
# system (see meson.build here).  Usage: sync-installed.sh LANDJAIL DIR
set -eu
if [ -n "${DESTDIR:-}" ]; then
	echo "landjail: staged install: run '$1 --sync-wrappers $2' on the target system"
	exit 0
fi
PATH=/usr/local/bin:/usr/bin:/bin "$1" --sync-wrappers "$2"
