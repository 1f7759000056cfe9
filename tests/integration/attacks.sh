#!/bin/bash
# Hostile inputs against Debian's ImageMagick, through the convert wrapper.
# Each attack first runs without the wrapper: if it works there, it must
# fail with the wrapper; if this build of ImageMagick already stops it, the
# test says so and skips.
. "$SRCDIR/tests/lib.sh"

need_pkg imagemagick /usr/bin/convert
need_pkg python3 /usr/bin/python3

plan 28

WR=$T/wrappers
make_wrappers "$WR"
mkdir -p "$T/app" "$T/outside" "$T/home"
chmod 755 "$T/app" "$T/outside"
W=$T/app/tmp
mkuserdir "$W"
mkuserdir "$T/home"
chown "$LJ_UID" "$T/outside"
SECRET=landjail-secret-$RANDOM$RANDOM

# The application's environment: its secret, its HOME, its work directory.
plain() {
	as_user env -i PATH=/usr/bin:/bin TMPDIR="$W" HOME="$T/home" SECRET_KEY_BASE="$SECRET" \
		LC_ALL=C "$@"
}
wrapped() {
	as_user env -i PATH="$WR:/usr/bin:/bin" TMPDIR="$W" HOME="$T/home" \
		SECRET_KEY_BASE="$SECRET" LC_ALL=C $WRAPPER_ENV "$@"
}
skip() { _tap_n=$((_tap_n + 1)); echo "ok $_tap_n # SKIP $1"; }

plain convert -size 40x40 xc:red "$T/outside/secret.png"

svg() { # HREF FILE: an SVG whose only content is an <image> of HREF
	printf '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="40">%s</svg>\n' \
		"<rect width=\"40\" height=\"40\" fill=\"white\"/><image width=\"40\" height=\"40\" xlink:href=\"$1\"/>" >"$2"
	chown "$LJ_UID" "$2"
}
red_at_center() { [ "$(plain convert "$1" -format '%[pixel:p{20,20}]' info: 2>/dev/null)" = "srgb(255,0,0)" ]; }

# 1. An SVG that embeds an image from outside the work directory.
svg "$T/outside/secret.png" "$W/embed.svg"
plain convert "$W/embed.svg" "$W/embed-plain.png" 2>/dev/null
ok "svg <image> of a file outside: leaks without the wrapper" red_at_center "$W/embed-plain.png"
wrapped convert "$W/embed.svg" "$W/embed-wrapped.png" 2>"$T/err"
fails "svg <image> of a file outside: no leak with it" red_at_center "$W/embed-wrapped.png"
like "...and ImageMagick was denied the file" "Permission denied|unable to open" "$(cat "$T/err")"

# 2. Coders that read files or fetch URLs by themselves: ImageMagick's own
#    vectors (ImageTragick).  Debian's build refuses most of them already.
python3 - "$T/port" >"$T/http.log" 2>&1 <<'PY' &
import http.server, socketserver, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(404); self.end_headers()
    def log_message(self, *a):
        sys.stdout.write("GET\n"); sys.stdout.flush()
with socketserver.TCPServer(("127.0.0.1", 0), H) as s:
    open(sys.argv[1], "w").write(str(s.server_address[1]))
    s.serve_forever()
PY
http_pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/port" ] && break; sleep 0.2; done
port=$(cat "$T/port")
for href in "text:/etc/passwd" "label:@/etc/passwd" "ephemeral:$T/outside/secret.png" \
	"msl:$W/evil.msl" "http://127.0.0.1:$port/x.png"; do
	svg "$href" "$W/coder.svg"
	: >"$T/http.log"
	if plain convert "$W/coder.svg" "$W/coder-plain.png" 2>/dev/null &&
		[ -e "$T/outside/secret.png" ] && ! grep -q GET "$T/http.log"; then
		wrapped convert "$W/coder.svg" "$W/coder-wrapped.png" 2>/dev/null
		fails "svg <image> of $href: no effect with the wrapper" grep -q GET "$T/http.log"
	else
		skip "svg <image> of $href: this ImageMagick build already refuses it"
	fi
	[ -e "$T/outside/secret.png" ] || plain convert -size 40x40 xc:red "$T/outside/secret.png"
done
kill "$http_pid" 2>/dev/null

# 3. A delegate that goes through /bin/sh (an edited delegates.xml, as admins
#    write to handle one more format), reached by a hostile file of that
#    format.  Without the wrapper the shell does everything an attacker
#    wants; with it, no shell may run.
listener() { # a TCP listener on 127.0.0.1 that records what it receives
	python3 -c '
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(5)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(20)
while True:
    try: c, _ = s.accept()
    except Exception: break
    open(sys.argv[2], "ab").write(c.recv(100) + b"\n"); c.close()
' "$T/tcpport" "$T/tcp.log" &
	tcp_pid=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/tcpport" ] && break; sleep 0.2; done
}
rm -f "$T/tcpport"
listener
tcp=$(cat "$T/tcpport")
mkdir -p "$W/magick"
cat >"$W/magick/delegates.xml" <<XML
<delegatemap>
  <delegate decode="ljx" command="env &gt; $W/env.txt; python3 $W/net.py; echo pwned &gt; $T/home/pwned; cp $T/outside/secret.png &quot;%o&quot;; rm -f $T/outside/victim"/>
</delegatemap>
XML
cat >"$W/net.py" <<PY
import socket
for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
    try:
        s = socket.socket(socket.AF_INET, kind)
        if kind == socket.SOCK_STREAM:
            s.connect(("127.0.0.1", $tcp))
            s.send(b"tcp")
        else:
            s.sendto(b"udp", ("127.0.0.1", $tcp))
    except OSError as e:
        print(e)
PY
chown -R "$LJ_UID" "$W"
echo "not really an image" >"$W/hostile.ljx"
chown "$LJ_UID" "$W/hostile.ljx"

attack() { # RUNNER: run the hostile conversion, report what it achieved
	rm -f "$T/home/pwned" "$W/env.txt" "$W/delegated.png" "$T/tcp.log"
	touch "$T/outside/victim"
	chown "$LJ_UID" "$T/outside/victim"
	"$1" env MAGICK_CONFIGURE_PATH="$W/magick" convert "$W/hostile.ljx" "$W/delegated.png" \
		>/dev/null 2>"$T/err"
	sleep 0.3
}
attack plain
ok "delegate shell, unwrapped: it writes into \$HOME" test -e "$T/home/pwned"
fails "delegate shell, unwrapped: it deletes a file outside" test -e "$T/outside/victim"
ok "delegate shell, unwrapped: it reads the secret from the environment" grep -q "$SECRET" "$W/env.txt"
ok "delegate shell, unwrapped: it connects over TCP" grep -q tcp "$T/tcp.log"
ok "delegate shell, unwrapped: it leaks the outside image into the output" red_at_center "$W/delegated.png"

attack wrapped
fails "delegate shell, wrapped: nothing written into \$HOME" test -e "$T/home/pwned"
ok "delegate shell, wrapped: the file outside survives" test -e "$T/outside/victim"
fails "delegate shell, wrapped: the secret is not read" grep -qs "$SECRET" "$W/env.txt"
fails "delegate shell, wrapped: no TCP connection" grep -qs tcp "$T/tcp.log"
fails "delegate shell, wrapped: no leak into the output" red_at_center "$W/delegated.png"
# 3b. The same delegate with a profile that mistakenly grants every program
#     in /usr/bin, a shell among them, the whole work directory and most
#     system calls: the shell and
#     python now run, and the other
#     layers still hold: Landlock keeps \$HOME and the outside file, the
#     cleared environment holds no secret, [network] refuses the sockets.
{
	echo '[profile]'
	# imagemagick-convert on the shared base: no per-call isolation (which
	# hides delegates.xml), and so no disk bound, which needs it.
	echo 'include = base-converter imagemagick-common'
	echo '[filesystem]'
	echo 'rox = /usr/bin'
	echo "rw = $W"
	echo '[syscalls]'
	echo 'allow = @system-service'
} >"$T/profiles/im-with-shell.ini"
chmod 644 "$T/profiles/im-with-shell.ini"
# A second wrapper directory whose map sends convert to that profile.
make_wrappers "$T/wr2" "$T/config2"
install -m 0644 "$T/profiles/im-with-shell.ini" "$T/config2/landjail/profiles/"
echo 'convert im-with-shell' >"$T/config2/landjail/profiles/wrappers.list"
weak() {
	as_user env -i PATH="$T/wr2:/usr/bin:/bin" TMPDIR="$W" HOME="$T/home" \
		SECRET_KEY_BASE="$SECRET" LC_ALL=C XDG_CONFIG_HOME="$T/config2" "$@"
}
attack weak
ok "weakened profile: the delegate's shell did run" test -e "$W/env.txt"
fails "weakened profile: still nothing written into \$HOME (Landlock)" test -e "$T/home/pwned"
ok "weakened profile: the file outside survives (Landlock)" test -e "$T/outside/victim"
fails "weakened profile: the secret is not in its environment" grep -qs "$SECRET" "$W/env.txt"
fails "weakened profile: no TCP connection ([network])" grep -qs tcp "$T/tcp.log"
like "weakened profile: the TCP socket was refused by the network policy, and reported" \
	"socket\\(AF_INET, SOCK_STREAM\\): network mode none" "$(cat "$T/err")"
like "weakened profile: and so was the UDP socket" \
	"socket\\(AF_INET, SOCK_DGRAM\\): network mode none" "$(cat "$T/err")"

# 4. The converter never sees the application's secrets: its environment,
#    read from /proc while it runs, lacks SECRET_KEY_BASE.
#    The process is found by what it executes: until the exec, the
#    sandboxed child is landjail (the wrapper's command line, its
#    environment), and a slow start (ASan) must not make it the one read.
convert_running() {
	local p exe
	for p in $(pgrep -f "size 2000x2000 xc:white"); do
		exe=$(readlink "/proc/$p/exe" 2>/dev/null) || continue
		case ${exe##*/} in convert-im* | magick*) echo "$p"; return 0 ;; esac
	done
	return 1
}
wrapped convert -size 2000x2000 xc:white -blur 0x8 "$W/slow.png" &
pid=""
for _ in $(seq 200); do
	pid=$(convert_running) && break
	sleep 0.05
done
env_seen=$(tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null)
wait
ok "a running wrapped convert was found" test -n "$pid"
ok "...and its environment was read" grep -q '^PATH=' <<<"$env_seen"
fails "its environment has no SECRET_KEY_BASE" grep -q SECRET_KEY_BASE <<<"$env_seen"
done_testing
