#!/bin/bash
# The kernel matrix (TAP): boot Debian's own kernels under qemu (TCG) with
# an initramfs holding landjail, busybox and guest.sh, and collect the
# guest's TAP lines from the serial console.
#
#   A  linux-image-6.1 as shipped (Landlock ABI 2)
#   B  the same kernel with landlock left out of lsm= (namespace backend)
#   C  as B, then user.max_user_namespaces=0, then
#      kernel.unprivileged_userns_clone=0 (refusals and --best-effort)
#   D  linux-image-6.12 from bookworm-security (Landlock ABI 6)
#   E  as B, with the initramfs (rootfs) as the root: pivot_root fails
#
# Kernels come from apt (apt-get download) into $LJ_KERNEL_CACHE
# (default /var/cache/landjail-kernels), unpacked once: qemu boots an
# uncompressed vmlinux through its PVH entry in about 3 s, where
# decompressing the bzImage under TCG takes much longer.  What cannot be
# obtained is skipped, with the reason.
#
# Environment: LANDJAIL (a statically linked build), SRCDIR.
set -u
: "${LANDJAIL:?LANDJAIL must point at the built landjail}"
: "${SRCDIR:?SRCDIR must point at the source tree}"
export LC_ALL=C PATH=/usr/sbin:/usr/bin:/sbin:/bin
CACHE=${LJ_KERNEL_CACHE:-/var/cache/landjail-kernels}
HERE=$SRCDIR/tests/kernels

n=0
failed=0
tap() { # ok|not ok, description
	n=$((n + 1))
	[ "$1" = ok ] || failed=$((failed + 1))
	echo "$1 $n - $2"
}
skip() {
	n=$((n + 1))
	echo "ok $n # SKIP $1"
}
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

[ "$(id -u)" = 0 ] || skip_all "the initramfs needs root (mknod /dev/console)"
[ "$(uname -m)" = x86_64 ] || skip_all "the matrix boots x86_64 kernels"
. "$SRCDIR/tests/pkg.sh"
have_pkg qemu-system-x86 qemu-system-x86_64 || skip_all "qemu-system-x86_64 is not installed (Debian package qemu-system-x86)"
have_pkg cpio cpio || skip_all "cpio is not installed (Debian package cpio)"
have_pkg busybox-static /bin/busybox && ! ldd /bin/busybox 2>/dev/null | grep -q '=>' ||
	skip_all "no static /bin/busybox (Debian package busybox-static)"
ldd "$LANDJAIL" 2>/dev/null | grep -q '=>' &&
	skip_all "this landjail is dynamically linked (-Dstatic=false): it cannot run in the guest"

W=$(mktemp -d /tmp/landjail-kernels.XXXXXX)
trap 'rm -rf "$W"' EXIT
mkdir -p "$CACHE" 2>/dev/null

# kernel META PREFIX: the vmlinux of the package META depends on, whose
# name must start with PREFIX; prints its directory, or a reason on
# stderr and fails.
kernel() {
	local meta=$1 prefix=$2 pkg dir deb off
	pkg=$(apt-cache depends "$meta" 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n 1)
	if [ -z "$pkg" ] || [[ $pkg != "$prefix"* ]]; then
		# No apt candidate: a kernel unpacked earlier will do.
		dir=$(ls -d "$CACHE/$prefix"*/ 2>/dev/null | tail -n 1)
		[ -n "$dir" ] && [ -s "$dir/vmlinux" ] && { echo "${dir%/}"; return 0; }
		echo "apt has no $meta depending on $prefix*" >&2
		return 1
	fi
	dir=$CACHE/$pkg
	if [ ! -s "$dir/vmlinux" ]; then
		deb=$(ls "$CACHE/${pkg}_"*.deb 2>/dev/null | head -n 1)
		if [ -z "$deb" ]; then
			(cd "$CACHE" && apt-get download "$pkg" >/dev/null 2>&1) || {
				echo "apt-get download $pkg failed" >&2
				return 1
			}
			deb=$(ls "$CACHE/${pkg}_"*.deb | head -n 1)
		fi
		rm -rf "$dir"
		mkdir -p "$dir/deb"
		dpkg-deb -x "$deb" "$dir/deb" || return 1
		cp "$dir"/deb/boot/config-* "$dir/config"
		# The bzImage wraps an xz (6.1) or zstd (6.12) stream: unpack
		# it once.  Both tools complain about the bytes after the
		# stream, so the result is judged by its ELF header.
		local z=("$dir"/deb/boot/vmlinuz-*) magic tool
		for magic in '\xfd7zXZ\x00:xz' '\x28\xb5\x2f\xfd:zstd'; do
			tool=${magic##*:}
			off=$(grep -obUaP "${magic%:*}" "${z[0]}" | head -n 1 | cut -d: -f1)
			[ -n "$off" ] && command -v "$tool" >/dev/null || continue
			tail -c +"$((off + 1))" "${z[0]}" | "$tool" -dcq >"$dir/vmlinux" 2>/dev/null
			[ "$(head -c 4 "$dir/vmlinux" | od -An -c | tr -d ' ')" = 177ELF ] && break
			rm -f "$dir/vmlinux"
		done
		rm -rf "$dir/deb"
		[ -s "$dir/vmlinux" ] || {
			echo "could not unpack the kernel image of $pkg" >&2
			return 1
		}
	fi
	echo "$dir"
}

# The initramfs: busybox, landjail, the guest scripts, a console.
R=$W/root
mkdir -p "$R/bin" "$R/etc" "$R/lj" "$R/dev"
chmod 0755 "$R"
cp /bin/busybox "$R/bin/busybox"
install -m 0755 "$LANDJAIL" "$R/lj/landjail"
install -m 0644 "$HERE/guest.sh" "$R/lj/guest.sh"
install -m 0755 "$HERE/init" "$R/init"
mknod "$R/dev/console" c 5 1
printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/sh\n' >"$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$R/etc/group"
(cd "$R" && find . | cpio -o -H newc --quiet) >"$W/initrd"

# boot NAME DIR CMDLINE...: boot the kernel in DIR, log in $W/NAME.log.
boot() {
	local name=$1 dir=$2
	shift 2
	timeout 90 qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nographic -no-reboot \
		-kernel "$dir/vmlinux" -initrd "$W/initrd" \
		-append "console=ttyS0 panic=-1 quiet $*" </dev/null >"$W/$name.log" 2>&1
}

# report NAME: the guest's TAP lines, renumbered.
report() {
	local name=$1 line
	if ! grep -q '^LJ: end' "$W/$name.log"; then
		tap "not ok" "$name: the guest did not finish"
		tr -d '\r' <"$W/$name.log" | tail -n 20 | sed 's/^/#   /'
		return
	fi
	while IFS= read -r line; do
		case $line in
		"ok - "*"# SKIP"*) skip "${line#ok - }" ;;
		"ok - "*) tap ok "${line#ok - }" ;;
		"not ok - "*) tap "not ok" "${line#not ok - }" ;;
		*) echo "# $line" ;;
		esac
	done < <(tr -d '\r' <"$W/$name.log" | sed -n 's/^LJ: //p')
}

k61=$(kernel linux-image-amd64 linux-image-6.1.) || k61_why=$(kernel linux-image-amd64 linux-image-6.1. 2>&1)
k612=$(kernel linux-image-6.12-amd64 linux-image-6.12.) || k612_why=$(kernel linux-image-6.12-amd64 linux-image-6.12. 2>&1)

# Booted in pairs: two cores, and TCG runs one guest per core.
if [ -n "$k61" ]; then
	lsm=$(sed -n 's/^CONFIG_LSM="\(.*\)"/\1/p' "$k61/config" | tr , '\n' |
		grep -vx landlock | paste -sd ,)
	boot A "$k61" lj_case=A &
	boot B "$k61" lj_case=B "lsm=$lsm" &
	wait
	boot C "$k61" lj_case=C "lsm=$lsm" &
	boot E "$k61" lj_case=E lj_rootfs=1 "lsm=$lsm" &
	wait
fi
[ -n "$k612" ] && boot D "$k612" lj_case=D &
wait

if [ -n "$k61" ]; then
	report A
	report B
	report C
	report E
else
	skip "A, B, C, E: linux-image-6.1: ${k61_why:-unavailable}"
fi
if [ -n "$k612" ]; then
	report D
else
	skip "D: linux-image-6.12: ${k612_why:-unavailable}"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
