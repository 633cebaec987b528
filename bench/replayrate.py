#!/usr/bin/env python3
"""replayrate.py - play a recording at x60 in a pseudo-terminal and time its redraws.

usage: replayrate.py SECONDS -- CMD ARGS...   (CMD opens the replay paused)
After the first frame it presses p (play) and > five times (x1 -> x60), then for SECONDS
notes when each burst of output (a redraw) starts. Prints redraws per second and the gaps
between redraws (median, p99, max) in ms, and the CPU seconds the replay used."""
import fcntl, os, pty, select, struct, sys, termios, time


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_for(fd, secs, bursts=None, quiet=0.02):
    end, last = time.monotonic() + secs, 0.0
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            return
        now = time.monotonic()
        if bursts is not None and data and now - last > quiet:
            bursts.append(now)
        last = now


def main():
    secs = float(sys.argv[1])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    read_for(fd, 3)  # the first frame, after the seek
    for k in "p>>>>>":
        os.write(fd, k.encode())
        read_for(fd, 0.1)
    cpu0, bursts = cpu_seconds(pid), []
    read_for(fd, secs, bursts)
    cpu = cpu_seconds(pid) - cpu0
    os.write(fd, b"q")
    read_for(fd, 1)
    os.waitpid(pid, 0)
    gaps = sorted((b - a) * 1000 for a, b in zip(bursts, bursts[1:]))
    if not gaps:
        print("redraws=0")
        return
    q = lambda p: gaps[min(len(gaps) - 1, int(p * len(gaps)))]
    print(f"redraws={len(bursts)} per_s={len(bursts) / secs:.1f} gap_median_ms={q(0.5):.0f} "
          f"gap_p99_ms={q(0.99):.0f} gap_max_ms={gaps[-1]:.0f} cpu_s={cpu:.2f}")


main()
