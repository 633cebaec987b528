#!/usr/bin/env python3
"""http_fault.py - a generic HTTP fault proxy in front of a real server (standard library).

    http_fault.py --port P --upstream URL --mode-file FILE [--cert C --key K] [--cafile CA]
    http_fault.py --unix SOCKET --upstream unix:ENGINE_SOCKET --mode-file FILE

The second listens on a unix socket and relays to a server on another (the Docker Engine
API, which compose reads over /var/run/docker.sock).

Each request reads FILE (one word; missing or empty: pass) and
  pass     forwards the request to --upstream (method, path, Authorization, Accept, body)
           and relays the answer;
  huge     answers 200, application/json, a valid JSON document of --huge-mib MiB (default
           50: an object whose "items" and "result" are lists of small objects) sent as fast
           as the client reads it, with no Content-Length (the body ends when the
           connection closes), so only a cap on the bytes received can stop it;
  trickle  answers 200 with a Content-Length of 1 MiB, then one byte of JSON every 200 ms,
           never finishing within any sane timeout;
  shape    answers 200, application/json, valid JSON of the wrong type: a list of scalars
           where every API answers an object.
--path SUBSTR applies the fault only to paths containing SUBSTR (the rest pass).
TLS with --cert/--key (e.g. the kube fake's own certificate); --cafile verifies an HTTPS
upstream. Prints nothing; the suite waits on the port."""

import argparse
import http.client
import http.server
import os
import socket
import socketserver
import ssl
import sys
import time
import urllib.error
import urllib.request

ARGS = None
CTX = None


def mode():
    try:
        with open(ARGS.mode_file) as f:
            return f.read().strip() or "pass"
    except OSError:
        return "pass"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.handle_any()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def handle_any(self):
        m = mode()
        if ARGS.path and ARGS.path not in self.path:
            m = "pass"
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        try:
            getattr(self, "fault_" + m, self.fault_pass)(body)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True

    def fault_pass(self, body):
        if ARGS.upstream.startswith("unix:"):
            return self.relay_unix(body)
        req = urllib.request.Request(ARGS.upstream + self.path, data=body, method=self.command)
        for h in ("Authorization", "Accept", "Content-Type", "Accept-Encoding"):
            if self.headers.get(h):
                req.add_header(h, self.headers[h])
        try:
            r = urllib.request.urlopen(req, timeout=30, context=CTX)
            code, data, headers = r.status, r.read(), r.headers
        except urllib.error.HTTPError as e:
            code, data, headers = e.code, e.read(), e.headers
        self.send_response(code)
        for h in ("Content-Type", "Content-Encoding"):
            if headers.get(h):
                self.send_header(h, headers[h])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def relay_unix(self, body):
        conn = UnixConnection(ARGS.upstream[len("unix:"):])
        headers = {h: self.headers[h] for h in ("Accept", "Content-Type") if self.headers.get(h)}
        conn.request(self.command, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        conn.close()
        self.send_response(r.status)
        if r.getheader("Content-Type"):
            self.send_header("Content-Type", r.getheader("Content-Type"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def fault_huge(self, _body):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        item = b'{"metadata":{"name":"pad","namespace":"open-forge"},"value":[1,"1"]},'
        chunk = item * (65536 // len(item))
        total = ARGS.huge_mib << 20
        self.wfile.write(b'{"kind":"List","status":"success","items":[')
        sent = 0
        while sent < total // 2:
            self.wfile.write(chunk)
            sent += len(chunk)
        self.wfile.write(b'{}],"data":{"resultType":"vector","result":[')
        while sent < total:
            self.wfile.write(chunk)
            sent += len(chunk)
        self.wfile.write(b"{}]}}")

    def fault_trickle(self, _body):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(1 << 20))
        self.end_headers()
        self.close_connection = True
        doc = b'{"items":[' + b'{"a":1},' * (1 << 17)
        for i in range(1 << 20):
            self.wfile.write(doc[i : i + 1])
            self.wfile.flush()
            time.sleep(0.2)

    def fault_shape(self, _body):
        data = b'["not", "an", "object", 1, 2, 3]'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class UnixConnection(http.client.HTTPConnection):
    """HTTP to a server on a unix socket (Host: localhost, as docker sends it)."""

    def __init__(self, path):
        super().__init__("localhost", timeout=30)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = 1024  # socketserver's 5 drops a poll's parallel connects

    def get_request(self):
        request, _ = super().get_request()
        return request, ("unix", 0)  # BaseHTTPRequestHandler wants a (host, port)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024  # socketserver's 5 drops a poll's parallel connects
    tls = None

    def finish_request(self, request, client_address):
        # the TLS handshake in the connection's own thread, so a slow one holds no other
        if self.tls:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


def main():
    global ARGS, CTX
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int)
    p.add_argument("--unix")
    p.add_argument("--upstream", required=True)
    p.add_argument("--mode-file", required=True)
    p.add_argument("--path", default="")
    p.add_argument("--huge-mib", type=int, default=50)
    p.add_argument("--cert")
    p.add_argument("--key")
    p.add_argument("--cafile")
    ARGS = p.parse_args()
    ARGS.upstream = ARGS.upstream.rstrip("/")
    if ARGS.upstream.startswith("https:"):
        CTX = ssl.create_default_context(cafile=ARGS.cafile)
    if ARGS.unix:
        if os.path.exists(ARGS.unix):
            os.unlink(ARGS.unix)
        srv = UnixServer(ARGS.unix, Handler)
        os.chmod(ARGS.unix, 0o666)
        srv.serve_forever()
        return
    srv = Server(("127.0.0.1", ARGS.port), Handler)
    if ARGS.cert:
        sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sctx.load_cert_chain(ARGS.cert, ARGS.key)
        srv.tls = sctx
    srv.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
