#!/usr/bin/env python3
"""hostile_redis.py - a server on loopback that speaks just enough RESP to hurt a client.

usage: hostile_redis.py PORTFILE MODE
MODE huge:    every command is answered with a bulk string that announces 1 GiB and keeps
              sending it as fast as the client reads.
MODE trickle: every command is answered with a valid status reply, one byte every 0.3 s.
Writes its port to PORTFILE once listening; stops after 120 s whatever happens.
"""
import socket, sys, threading, time


def serve(conn, mode):
    conn.settimeout(30)
    try:
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
