#!/usr/bin/env python3
"""http_fixture.py - a tiny HTTP(S) server for the HTTP client's tests (standard library).

Paths: /ok, /hang (never answers), /huge?n=BYTES (with Content-Length), /huge-chunked,
/basic (needs user:secret), /bearer (needs token t0k3n), /echo (method, type, body),
/gzip, /sleep?s=SECONDS, /health/ready|sick|evil (API health documents), /api/v1/...
(a valid Prometheus answer of $HUGE_PROM_MIB MiB, default 15: one series, a long label), /conn (the client's port: same port = reused connection), and
absolute URLs (a request sent through it as a proxy). Listens on --port or --unix; TLS
with --cert/--key, and asks for a client certificate with --client-ca. --stuck
listens but accepts nothing, so a connect hangs (connect timeout)."""

import argparse
import base64
import gzip
import http.server
import json
import os
import socket
import socketserver
import ssl
import sys
import time
import urllib.parse


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="text/plain", extra=None):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_PATCH(self):
        self.route()

    def route(self):
        if self.path.startswith("http://"):
            return self.send(200, "proxied " + self.path)
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query))
        p = url.path
        if p == "/ok":
            return self.send(200, "hello")
        if p == "/hang":
            time.sleep(60)
            return
        if p == "/sleep":
            time.sleep(float(q.get("s", "1")))
            return self.send(200, "slept")
        if p == "/huge":
            n = int(q.get("n", str(8 << 20)))
            return self.send(200, b"x" * n)
        if p == "/huge-chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 65536
            try:
                for _ in range(200):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except OSError:
                pass
            self.close_connection = True
            return
        if p == "/basic":
            want = "Basic " + base64.b64encode(b"user:secret").decode()
            if self.headers.get("Authorization") != want:
                return self.send(401, "unauthorized", extra={"WWW-Authenticate": 'Basic realm="t"'})
            return self.send(200, "basic ok")
        if p == "/bearer":
            if self.headers.get("Authorization") != "Bearer t0k3n":
                return self.send(401, "unauthorized")
            return self.send(200, "bearer ok")
        if p == "/echo":
            n = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(n).decode()
            return self.send(200, "%s %s %s" % (self.command, self.headers.get("Content-Type"), body))
        if p == "/agent":
            return self.send(200, self.headers.get("User-Agent", ""))
        if p == "/gzip":
            if "gzip" not in (self.headers.get("Accept-Encoding") or ""):
                return self.send(406, "no gzip asked")
            return self.send(200, gzip.compress(b"z" * 10000), extra={"Content-Encoding": "gzip"})
        if p.startswith("/health/"):
            return self.health(p[len("/health/"):])
        if p.startswith("/api/v1/"):
            pad = "x" * (int(os.environ.get("HUGE_PROM_MIB", "15")) << 20)
            doc = {"status": "success", "data": {"resultType": "vector", "result": [
                {"metric": {"pad": pad}, "value": [time.time(), "1"]}]}}
            return self.send(200, json.dumps(doc), "application/json")
        if p == "/conn":
            port = self.client_address[1] if isinstance(self.client_address, tuple) else 0
            return self.send(200, str(port))
        return self.send(404, "not found")


    HEALTH = {
        "ready": (200, {"status": "ok", "components": {"database": {"status": "healthy"},
                                                       "redis": {"status": "healthy"}}}),
        "sick": (503, {"status": "unhealthy", "components": {
            "database": {"status": "healthy"},
            "redis": {"status": "unhealthy",
                      "error": "Error 111 connecting to redis:6379. Connection refused."}}}),
        "evil": (200, {"status": "ok", "components": {
            "redis": {"status": "degraded", "error": "\x1b]0;pwned\x07 slow"}}}),
    }

    def health(self, name):
        if name not in self.HEALTH:
            return self.send(404, "not found")
        status, doc = self.HEALTH[name]
        return self.send(status, json.dumps(doc), "application/json")


class TCP(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


class Unix(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True


def stuck(port):
    """A listener whose accept queue is full: the kernel drops further SYNs."""
    s = socket.socket()
    s.bind(("127.0.0.1", port))
    s.listen(0)
    fillers = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fillers.append(c)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    time.sleep(3600)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int)
    ap.add_argument("--unix")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--client-ca")
    ap.add_argument("--stuck", action="store_true", help="accept nothing: connects hang")
    a = ap.parse_args()
    if a.stuck:
        return stuck(a.port)
    if a.unix:
        if os.path.exists(a.unix):
            os.unlink(a.unix)
        srv = Unix(a.unix, Handler)
    else:
        srv = TCP(("127.0.0.1", a.port), Handler)
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        if a.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(a.client_ca)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    srv.serve_forever()


if __name__ == "__main__":
    main()
