#!/usr/bin/env python3
"""pg_rewrite_proxy.py - a TCP relay between a client and a real PostgreSQL or PgBouncer
that rewrites what the server sends: each FROM=TO pair (same length, so no message length
changes) replaced in the server's bytes, e.g. a column name in a RowDescription, to give a
real server's answer a shape it never has. No server here can be made to send that.

usage: pg_rewrite_proxy.py LISTEN_PORT UPSTREAM_PORT FROM=TO... (prints "ready" when
listening; 127.0.0.1 both sides)."""
import select
import socket
import sys
import threading

HOLD_S = 0.05  # a pattern may straddle two reads: the tail is held this long at most


def relay(client, upstream, pairs):
    keep = max(len(a) for a, _ in pairs) - 1
    carry = b""
    socks = [client, upstream]
    try:
        while True:
            ready, _, _ = select.select(socks, [], [], HOLD_S)
            if not ready and carry:
                client.sendall(carry)
                carry = b""
            for s in ready:
                data = s.recv(65536)
                if not data:
                    if carry:
                        client.sendall(carry)
                    return
                if s is client:
                    upstream.sendall(data)
                    continue
                buf = carry + data
                for a, b in pairs:
                    buf = buf.replace(a, b)
                carry = buf[-keep:] if keep else b""
                client.sendall(buf[:len(buf) - len(carry)])
    except OSError:
        pass
    finally:
        client.close()
        upstream.close()


def main():
    port, up = int(sys.argv[1]), int(sys.argv[2])
    pairs = []
    for arg in sys.argv[3:]:
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
