#!/usr/bin/env python3
"""pg_rewrite_proxy.py - a TCP relay between a client and a real PostgreSQL or PgBouncer
that rewrites what the server sends: each FROM=TO pair (same length, so no message length
changes) replaced in the server's bytes, e.g. a column name in a RowDescription, to give a
real server's answer a shape it never has. No server here can be made to send that.

usage: pg_rewrite_proxy.py LISTEN_PORT UPSTREAM_PORT [--mode-file F] [FROM=TO...] (prints
"ready" when listening; 127.0.0.1 both sides). With --mode-file, F is read before each
relay of the server's bytes: "trickle" sends them a byte every 200 ms (a server that holds
a query's answer forever without ever going silent); "huge" answers a query, once the
client has sent one, with a DataRow that announces 64 MiB and sends it (a row no PgBouncer
can be made to send); anything else relays them whole. A connection made while the file
says pass trickles, or floods, from the moment it says so."""
import select
import socket
import struct
import sys
import threading
import time

HOLD_S = 0.05  # a pattern may straddle two reads: the tail is held this long at most
TRICKLE_S = 0.2
MODE_FILE = None


HUGE = 64 << 20


def mode():
    try:
        with open(MODE_FILE) as f:
            return f.read().strip()
    except (OSError, TypeError):
        return "pass"


def trickling():
    return mode() == "trickle"


def flood(client):
    """A DataRow ('D', its length, one column) of HUGE bytes, sent whole; the client is
    expected to refuse it part-way and hang up."""
    client.sendall(b"D" + struct.pack(">IhI", HUGE, 1, HUGE - 10))
    chunk, left = b"x" * 65536, HUGE - 10
    while left > 0:
        client.sendall(chunk[:left])
        left -= len(chunk)


def send(client, data):
    if not trickling():
        client.sendall(data)
        return
    for i in range(len(data)):
        client.sendall(data[i:i + 1])
        time.sleep(TRICKLE_S)


def relay(client, upstream, pairs):
    keep = max((len(a) for a, _ in pairs), default=1) - 1
    carry = b""
    socks = [client, upstream]
    queried = False
    try:
        while True:
            ready, _, _ = select.select(socks, [], [], HOLD_S)
            if not ready and carry:
                send(client, carry)
                carry = b""
            for s in ready:
                data = s.recv(65536)
                if not data:
                    if carry:
                        send(client, carry)
                    return
                if s is client:
                    queried = queried or data[:1] == b"Q"
                    upstream.sendall(data)
                    continue
                if queried and mode() == "huge":
                    return flood(client)
                buf = carry + data
                for a, b in pairs:
                    buf = buf.replace(a, b)
                carry = buf[-keep:] if keep else b""
                send(client, buf[:len(buf) - len(carry)])
    except OSError:
        pass
    finally:
        client.close()
        upstream.close()


def main():
    global MODE_FILE
    port, up = int(sys.argv[1]), int(sys.argv[2])
    args = sys.argv[3:]
    if args[:1] == ["--mode-file"]:
        MODE_FILE, args = args[1], args[2:]
    pairs = []
    for arg in args:
        a, b = arg.encode().split(b"=", 1)
        assert len(a) == len(b), "a rewrite keeps the length: %s" % arg
        pairs.append((a, b))
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", port))
    ls.listen(16)
    print("ready", flush=True)
    while True:
        c, _ = ls.accept()
        u = socket.create_connection(("127.0.0.1", up))
        threading.Thread(target=relay, args=(c, u, pairs), daemon=True).start()


if __name__ == "__main__":
    main()
