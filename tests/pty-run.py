#!/usr/bin/python3
"""Run a command on a new pseudo-terminal, as if typed in a terminal.

    pty-run.py [--intr-when TEXT] -- COMMAND [ARG...]

The command is the session leader of a fresh pty, which is its
controlling terminal.  Everything it writes is copied to our stdout.
With --intr-when, once TEXT has appeared in its output the terminal's
interrupt character (^C) is typed, as a person would.  Exits with the
command's status (128+N for death by signal N).  Gives up after 60 s.
"""
import os
import pty
import select
import sys
import time

args = sys.argv[1:]
intr_when = None
if args[:1] == ["--intr-when"]:
    intr_when = args[1].encode()
    args = args[2:]
if args[:1] == ["--"]:
    args = args[1:]

pid, fd = pty.fork()
if pid == 0:
    os.execvp(args[0], args)

seen = b""
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    r, _, _ = select.select([fd], [], [], 0.5)
    if not r:
        continue
    try:
        data = os.read(fd, 4096)
    except OSError:
        break
    if not data:
        break
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    seen += data
    if intr_when is not None and intr_when in seen:
        intr_when = None
        os.write(fd, b"\x03")
else:
    os.kill(pid, 9)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status)
         else 128 + os.WTERMSIG(status))
