#!/usr/bin/env python3
"""ptyrun.py - run a full-screen program in a pseudo-terminal of a fixed size and
measure what an operator's link would carry: bytes written to the terminal in steady
state, CPU seconds, peak RSS, and the time from a keypress to the first byte of the
redraw. Prints one line of key=value figures.

usage: ptyrun.py COLS LINES WARMUP_S SECONDS KEYS -- CMD ARGS...
KEYS: a string of keys pressed one at a time after the timed window ("" for none).
BENCH_MARK: text whose first appearance on the terminal times the first real frame.
"""
import fcntl, math, os, pty, select, signal, struct, sys, termios, time


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick  # utime, stime


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def drain(fd, until, sink, mark=None):
    """Read everything fd writes until `until`; returns bytes read. With mark, a dict
    {"bytes": b"...", "at": None, "seen": b""} gets the time the bytes first appear."""
    n = 0
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return n
        r, _, _ = select.select([fd], [], [], left)
        if fd in r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                return n
            if not data:
                return n
            n += len(data)
            if mark is not None and mark["at"] is None:
                mark["seen"] = (mark["seen"] + data)[-65536:]
                if mark["bytes"] in mark["seen"]:
                    mark["at"] = time.monotonic()
            if sink is not None:
                sink.append((time.monotonic(), len(data)))


def main():
    cols, lines, warm, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    keys = sys.argv[5]
    cmd = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = os.environ.get("BENCH_TERM", "xterm-256color")
        os.environ["LINES"], os.environ["COLUMNS"] = str(lines), str(cols)
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", lines, cols, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    start = time.monotonic()
    mark = {"bytes": os.environ.get("BENCH_MARK", "").encode(), "at": None, "seen": b""}
    first = drain(fd, start + warm, None, mark if mark["bytes"] else None)
    first_ms = (mark["at"] - start) * 1000 if mark["at"] else float("nan")
    cpu0 = cpu_seconds(pid)
    t0 = time.monotonic()
    steady = drain(fd, t0 + secs, None)
    elapsed = time.monotonic() - t0
    cpu1 = cpu_seconds(pid)
    lat = []
    for k in keys:
        drain(fd, time.monotonic() + 0.15, None)  # quiet line before each key
        sent = time.monotonic()
        os.write(fd, k.encode())
        got = []
        while time.monotonic() - sent < 1.0 and not got:
            drain(fd, time.monotonic() + 0.01, got)
        if got:
            lat.append((got[0][0] - sent) * 1000)
    rss = peak_rss_kib(pid)
    os.kill(pid, signal.SIGTERM)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    lat.sort()
    p = lambda q: lat[max(0, math.ceil(q * len(lat)) - 1)] if lat else float("nan")  # nearest rank
    print(f"first_frame_ms={first_ms:.1f} first_bytes={first} steady_bytes={steady} seconds={elapsed:.2f} "
          f"bytes_per_s={steady / elapsed:.1f} cpu_s={cpu1 - cpu0:.3f} "
          f"cpu_total_s={cpu1:.3f} rss_kib={rss} keys={len(lat)} "
          f"lat_p50_ms={p(0.5):.2f} lat_p99_ms={p(0.99):.2f} lat_max_ms={lat[-1] if lat else float('nan'):.2f}")


if __name__ == "__main__":
    main()
