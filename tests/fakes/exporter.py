#!/usr/bin/env python3
"""exporter.py - a test exporter Prometheus scrapes: the runbook's series with values the
test controls (python3 standard library only).

The test rewrites a small JSON file of *rates and levels* (cpu cores, memory bytes,
queue length, request latency, database connections); on each scrape the exporter turns
it into Prometheus text, integrating the counters (cpu seconds, histogram buckets) over
time so rate() gives back exactly the cores and the latency the test chose.

--broken 500 | garbage: answer every request with an HTTP 500 or an HTML page instead
(a Prometheus that is sick, for the fault tests). --bearer TOKEN: answer the query and
alerts API (empty results; three points for a range query) only to that token, 401
otherwise (Prometheus itself has no bearer auth; it sits behind a proxy that does).
--flaky N: with --bearer, the first N instant queries answer 503 (a Prometheus that
hiccups in the middle of a poll)."""

import argparse
import http.server
import json
import os
import socketserver
import threading
import time

BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10]
DEFAULTS = {"cpu_cores": 0.5, "mem_bytes": 600e6, "mem_limit": 1e9, "queue": 10,
            "queues": {}, "latency_s": 0.2, "rps": 20, "pg_active": 40, "pg_max": 200}


class State:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        self.last = time.time()
        self.cpu = 0.0
        self.buckets = [0.0] * (len(BUCKETS) + 1)
        self.count = 0.0
        self.sum = 0.0
        self.spec = dict(DEFAULTS)

    def render(self):
        with self.lock:
            try:
                with open(self.path) as f:
                    self.spec = dict(DEFAULTS, **json.load(f))
            except (OSError, ValueError):
                pass  # mid-rewrite: keep the last good spec
            s, now = self.spec, time.time()
            dt, self.last = now - self.last, now
            self.cpu += s["cpu_cores"] * dt
            n = s["rps"] * dt
            for i, le in enumerate(BUCKETS + [float("inf")]):
                if s["latency_s"] <= le:
                    self.buckets[i] += n
            self.count += n
            self.sum += n * s["latency_s"]
            out = [
                "# TYPE container_cpu_usage_seconds_total counter",
                'container_cpu_usage_seconds_total{container="api",pod="api-1"} %.6f' % self.cpu,
                "# TYPE container_memory_working_set_bytes gauge",
                'container_memory_working_set_bytes{container="api",pod="api-1"} %d' % s["mem_bytes"],
                "# TYPE container_spec_memory_limit_bytes gauge",
                'container_spec_memory_limit_bytes{container="api",pod="api-1"} %d' % s["mem_limit"],
                "# TYPE redis_queue_length gauge",
                'redis_queue_length{queue="agent_tasks_pending"} %d' % s["queue"],
            ]
            for q, v in s["queues"].items():
                out.append('redis_queue_length{queue="%s"} %d' % (q, v))
            out.append("# TYPE http_request_duration_seconds histogram")
            for i, le in enumerate(BUCKETS + ["+Inf"]):
                out.append('http_request_duration_seconds_bucket{le="%s"} %.6f' % (le, self.buckets[i]))
            out += [
                "http_request_duration_seconds_sum %.6f" % self.sum,
                "http_request_duration_seconds_count %.6f" % self.count,
                "# TYPE pg_stat_activity_count gauge",
                'pg_stat_activity_count{datname="openforge",state="active"} %d' % s["pg_active"],
                "# TYPE pg_settings_max_connections gauge",
                "pg_settings_max_connections %d" % s["pg_max"],
            ]
            return ("\n".join(out) + "\n").encode()


def handler(state, broken, bearer, flaky):
    left = [flaky]

    class H(http.server.BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def reply(self, status, body, ctype):
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if bearer is not None:
                if self.headers.get("Authorization") != "Bearer " + bearer:
                    return self.reply(401, b"Unauthorized\n", "text/plain")
                if self.path.startswith("/api/v1/alerts"):
                    return self.reply(200, b'{"status":"success","data":{"alerts":[]}}',
                                      "application/json")
                if self.path.startswith("/api/v1/query_range"):
                    return self.reply(200, b'{"status":"success","data":{"resultType":"matrix",'
                                      b'"result":[{"metric":{},"values":[[1699999970,"40"],'
                                      b'[1699999985,"41"],[1700000000,"42"]]}]}}',
                                      "application/json")
                if left[0] > 0:
                    left[0] -= 1
                    return self.reply(503, b"Service Unavailable\n", "text/plain")
                return self.reply(200, b'{"status":"success","data":{"resultType":"vector",'
                                  b'"result":[{"metric":{},"value":[1700000000,"42"]}]}}',
                                  "application/json")
            if broken == "500":
                return self.reply(500, b"internal error: database is locked\n", "text/plain")
            if broken == "garbage":
                return self.reply(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
            if self.path != "/metrics":
                return self.reply(404, b"not found\n", "text/plain")
            self.reply(200, state.render(), "text/plain; version=0.0.4")

        def do_POST(self):
            n = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(n)
            self.do_GET()

    return H


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--spec", default=os.devnull)
    ap.add_argument("--broken", choices=["500", "garbage"])
    ap.add_argument("--bearer")
    ap.add_argument("--flaky", type=int, default=0)
    a = ap.parse_args()
    srv = Server(("127.0.0.1", a.port), handler(State(a.spec), a.broken, a.bearer, a.flaky))
    print("ready", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
