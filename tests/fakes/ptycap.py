#!/usr/bin/env python3
"""ptycap.py - run a program in an 80x24 pseudo-terminal and keep every byte it writes, so
a test can check the raw stream (not the rendered screen) for what a server sent.

usage: ptycap.py OUT UNTIL TIMEOUT_S -- CMD ARGS...
Reads until UNTIL (bytes, UTF-8) has appeared and one more second has passed, or until
TIMEOUT_S; then sends 'q', waits for the exit and writes the bytes to OUT. Exit 0 when
UNTIL appeared, 1 when it did not.
"""
import fcntl, os, pty, select, struct, sys, termios, time


def read_some(fd):
    """What the pty has within 0.1 s (b"" for nothing yet), or None once it is closed."""
    r, _, _ = select.select([fd], [], [], 0.1)
    if not r:
        return b""
    try:
        return os.read(fd, 65536) or None
    except OSError:
        return None


def main():
    out, until, timeout = sys.argv[1], sys.argv[2].encode(), float(sys.argv[3])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    data, seen, end = b"", None, time.monotonic() + timeout
    while time.monotonic() < end and (seen is None or time.monotonic() < seen + 1):
        chunk = read_some(fd)
        if chunk is None:
            break
        data += chunk
        if seen is None and until in data:
            seen = time.monotonic()
    try:
        os.write(fd, b"q")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            chunk = read_some(fd)
            if chunk is None:
                break
            data += chunk
        os.waitpid(pid, 0)
    except OSError:
        pass
    with open(out, "wb") as f:
        f.write(data)
    sys.exit(0 if seen is not None else 1)


if __name__ == "__main__":
    main()
