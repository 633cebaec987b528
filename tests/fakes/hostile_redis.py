#!/usr/bin/env python3
"""hostile_redis.py - a server on loopback that speaks just enough RESP to hurt a client.

usage: hostile_redis.py PORTFILE MODE
MODE huge:    every command is answered with a bulk string that announces 1 GiB and keeps
              sending it as fast as the client reads.
MODE trickle: every command is answered with a valid status reply, one byte every 0.3 s.
MODE nonsense: well-formed replies with figures no redis sends: INFO with -5 connected
              clients, used_memory -1, ops/s -nan, blocked clients nan; LLEN -3.
MODE shapeinfo, shapetype, shapecount: well-formed replies of the wrong type, one command
              each, the rest sane: INFO an array of integers; TYPE an integer; LLEN (and
              the other counts) a bulk string.
Writes its port to PORTFILE once listening; stops after 120 s whatever happens.
"""
import socket, sys, threading, time


NONSENSE_INFO = (
    "# Server\r\nredis_version:7.0.15\r\n# Clients\r\nconnected_clients:-5\r\n"
    "blocked_clients:nan\r\n# Memory\r\nused_memory:-1\r\nmaxmemory:0\r\n"
    "# Stats\r\ninstantaneous_ops_per_sec:-nan\r\nevicted_keys:0\r\n"
    "# Replication\r\nrole:master\r\nconnected_slaves:-2\r\n"
).encode()


def commands(conn):
    """Yield each command (a list of bytes) a client sends, as RESP arrays."""
    buf = b""
    while True:
        while b"\r\n" not in buf:
            more = conn.recv(65536)
            if not more:
                return
            buf += more
        line, rest = buf.split(b"\r\n", 1)
        n, args = int(line[1:]), []
        while len(args) < n:
            while b"\r\n" not in rest:
                rest += conn.recv(65536)
            ln, rest = rest.split(b"\r\n", 1)
            size = int(ln[1:])
            while len(rest) < size + 2:
                rest += conn.recv(65536)
            args.append(rest[:size])
            rest = rest[size + 2:]
        buf = rest
        yield args


def nonsense(conn):
    for args in commands(conn):
        cmd = args[0].upper()
        if cmd == b"INFO":
            out = b"$%d\r\n%s\r\n" % (len(NONSENSE_INFO), NONSENSE_INFO)
        elif cmd == b"TYPE":
            out = b"+list\r\n"
        elif cmd in (b"LLEN", b"ZCARD", b"XLEN"):
            out = b":-3\r\n"
        else:
            out = b"+OK\r\n"
        conn.sendall(out)


SANE_INFO = NONSENSE_INFO.replace(b":-5", b":5").replace(b":nan", b":0").replace(
    b":-1", b":1048576").replace(b":-nan", b":10").replace(b":-2", b":0")


def shape(conn, which):
    for args in commands(conn):
        cmd = args[0].upper()
        if cmd == b"INFO" and which == "info":
            out = b"*2\r\n:1\r\n:2\r\n"
        elif cmd == b"INFO":
            out = b"$%d\r\n%s\r\n" % (len(SANE_INFO), SANE_INFO)
        elif cmd == b"TYPE":
            out = b":7\r\n" if which == "type" else b"+list\r\n"
        elif cmd in (b"LLEN", b"ZCARD", b"XLEN"):
            out = b"$4\r\nfour\r\n" if which == "count" else b":12\r\n"
        else:
            out = b"+OK\r\n"
        conn.sendall(out)


def serve(conn, mode):
    conn.settimeout(30)
    try:
        if mode == "nonsense":
            return nonsense(conn)
        if mode.startswith("shape"):
            return shape(conn, mode[len("shape"):])
        conn.recv(65536)
        if mode == "huge":
            conn.sendall(b"$1073741824\r\n")
            chunk = b"x" * 65536
            for _ in range(1 << 14):
                conn.sendall(chunk)
        else:
            for b in b"+" + b"o" * 200 + b"\r\n":
                conn.sendall(bytes([b]))
                time.sleep(0.3)
    except OSError:
        pass
    finally:
        conn.close()


def main():
    portfile, mode = sys.argv[1], sys.argv[2]
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    s.settimeout(1)
    with open(portfile, "w") as f:
        f.write(str(s.getsockname()[1]))
    end = time.monotonic() + 120
    while time.monotonic() < end:
        try:
            conn, _ = s.accept()
        except socket.timeout:
            continue
        threading.Thread(target=serve, args=(conn, mode), daemon=True).start()


if __name__ == "__main__":
    main()
