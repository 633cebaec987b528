#!/usr/bin/env python3
"""docker_engine.py - a fake Docker Engine API on a unix socket, for forgetop's tests.

Serves the documented shapes of /_ping, /version, /containers/json (label filters),
/containers/{id}/json and /containers/{id}/stats?stream=false for the containers listed
in a JSON state file, re-read whenever it changes (the `docker` shim edits it to scale).

  docker_engine.py --socket PATH --state STATE.json [--control CONTROL.json] [--log FILE]
  docker_engine.py --port N [--cert C --key K --client-ca CA] --state ...   (tcp, TLS)

State: {"project": "forge", "host_cpus": 4, "host_mem": 17179869184,
        "containers": [{"service": "api", "number": 1, "state": "running",
                        "health": "healthy", "restarts": 0, "exit_code": 0,
                        "cpus_limit": 1.0, "mem_limit": 536870912,
                        "cpu": 0.5, "mem": 201326592, "name": "optional fixed name",
                        "uptime": "2 hours (the list's Status text)",
                        "project": "optional other project"}]}

Control (re-read on every request; all optional):
  {"hang": true}                      never answer
  {"status500": true}                 500 with a Docker error body
  {"garbage": true}                   200 with bytes that are not JSON
  {"only": "/containers/json"}        apply the three faults above only to such paths
  {"slow_stats": "forge-api-2", "slow_seconds": 30}   delay one container's stats
  {"api_version": "1.41"}             the newest API version the engine speaks
  {"socket": "missing" | "denied" | "ok"}  hide the socket / chmod it 000 / restore
"""

import argparse
import hashlib
import json
import os
import socketserver
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler

MIN_API = "1.12"
DEFAULT_API = "1.43"
GIB = 1024 ** 3


def vtuple(v):
    try:
        return tuple(int(x) for x in v.split("."))
    except ValueError:
        return (0, 0)


class Files:
    """The state and control files, parsed again only when they change."""

    def __init__(self, state, control):
        self.state_path, self.control_path = state, control
        self.lock = threading.Lock()
        self.cache = {}

    def _load(self, path, default):
        if not path:
            return default
        try:
            st = os.stat(path)
        except OSError:
            return default
        key = (st.st_mtime_ns, st.st_size)
        with self.lock:
            hit = self.cache.get(path)
            if hit and hit[0] == key:
                return hit[1]
        try:
            with open(path) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            return default  # being rewritten: the next request sees it whole
        with self.lock:
            self.cache[path] = (key, doc)
        return doc

    def state(self):
        return self._load(self.state_path, {"containers": []})

    def control(self):
        return self._load(self.control_path, {})


def container_id(name):
    return hashlib.sha256(name.encode()).hexdigest()


def expand(state):
    """The state's containers with every derived field filled in."""
    out = []
    default_project = state.get("project", "forge")
    for c in state.get("containers", []):
        c = dict(c)
        c.setdefault("project", default_project)
        c.setdefault("number", 1)
        c.setdefault("state", "running")
        c.setdefault("name", "%s-%s-%d" % (c["project"], c["service"], c["number"]))
        c.setdefault("id", container_id(c["name"]))
        out.append(c)
    return out


def labels(c, state):
    workdir = state.get("working_dir", "/srv/" + c["project"])
    lab = {
        "com.docker.compose.project": c["project"],
        "com.docker.compose.service": c["service"],
        "com.docker.compose.container-number": str(c["number"]),
        "com.docker.compose.oneoff": "False",
        "com.docker.compose.config-hash": hashlib.sha256(c["service"].encode()).hexdigest(),
        "com.docker.compose.project.config_files": workdir + "/docker-compose.yml",
        "com.docker.compose.project.working_dir": workdir,
        "com.docker.compose.version": "2.21.0",
        "com.docker.compose.depends_on": "",
        "com.docker.compose.image": "sha256:" + container_id(c["service"] + "image"),
    }
    lab.update(c.get("labels", {}))
    return lab


def status_text(c):
    if c["state"] == "running":
        h = c.get("health")
        return "Up " + c.get("uptime", "2 hours") + (" (%s)" % h if h else "")
    if c["state"] == "exited":
        return "Exited (%d) 5 minutes ago" % c.get("exit_code", 0)
    return c["state"].capitalize()


def summary(c, state):
    return {
        "Id": c["id"],
        "Names": ["/" + c["name"]],
        "Image": c.get("image", "forge/%s:latest" % c["service"]),
        "ImageID": "sha256:" + container_id(c["service"] + "image"),
        "Command": "/docker-entrypoint.sh",
        "Created": 1764150000 + c["number"],
        "Ports": [],
        "Labels": labels(c, state),
        "State": c["state"],
        "Status": status_text(c),
        "HostConfig": {"NetworkMode": c["project"] + "_default"},
        "NetworkSettings": {"Networks": {c["project"] + "_default": {
            "NetworkID": container_id(c["project"] + "net"), "IPAddress": "172.18.0.%d" % (1 + c["number"] % 250),
            "Gateway": "172.18.0.1", "IPPrefixLen": 16, "MacAddress": "02:42:ac:12:00:02"}}},
        "Mounts": [],
    }


def health_doc(c):
    h = c.get("health")
    if not h:
        return None
    return {"Status": h, "FailingStreak": 3 if h == "unhealthy" else 0,
            "Log": [{"Start": "2026-11-26T17:29:50.0Z", "End": "2026-11-26T17:29:50.1Z",
                     "ExitCode": 1 if h == "unhealthy" else 0,
                     "Output": c.get("health_output", "")}]}


def inspect(c, state):
    running = c["state"] == "running"
    st = {
        "Status": c["state"], "Running": running, "Paused": False,
        "Restarting": c["state"] == "restarting", "OOMKilled": bool(c.get("oom", False)),
        "Dead": False, "Pid": 4000 + c["number"] if running else 0,
        "ExitCode": 0 if running else c.get("exit_code", 0), "Error": "",
        "StartedAt": "2026-11-26T15:30:00.000000000Z",
        "FinishedAt": "0001-01-01T00:00:00Z" if running else "2026-11-26T17:25:00.0Z",
    }
    h = health_doc(c)
    if h:
        st["Health"] = h
    cpus = float(c.get("cpus_limit", 0) or 0)
    doc = {
        "Id": c["id"], "Created": "2026-11-26T15:29:58.000000000Z",
        "Path": "/docker-entrypoint.sh", "Args": [], "State": st,
        "Image": "sha256:" + container_id(c["service"] + "image"),
        "Name": "/" + c["name"], "RestartCount": int(c.get("restarts", 0)),
        "Driver": "overlay2", "Platform": "linux",
        "HostConfig": {
            "NanoCpus": int(cpus * 1e9) if not c.get("cpu_quota") else 0,
            "CpuQuota": int(c.get("cpu_quota", 0)), "CpuPeriod": int(c.get("cpu_period", 0)),
            "CpuShares": 0, "Memory": int(c.get("mem_limit", 0) or 0),
            "MemoryReservation": 0, "MemorySwap": 0,
            "RestartPolicy": {"Name": "unless-stopped", "MaximumRetryCount": 0},
            "NetworkMode": c["project"] + "_default",
        },
        "Config": {"Hostname": c["id"][:12], "Image": "forge/%s:latest" % c["service"],
                   "Labels": labels(c, state)},
    }
    if h:
        doc["Config"]["Healthcheck"] = {"Test": ["CMD", "curl", "-f", "http://localhost/health"],
                                        "Interval": 30000000000}
    return doc


def stats(c, state, one_shot):
    """A stats document whose arithmetic gives back c's cpu (cores) and mem (bytes)."""
    now = time.time()
    cpus = int(state.get("host_cpus", 4))
    host_mem = int(state.get("host_mem", 16 * GIB))
    if c["state"] != "running":
        zero = {"cpu_usage": {"total_usage": 0, "usage_in_kernelmode": 0, "usage_in_usermode": 0},
                "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0}}
        return {"read": "0001-01-01T00:00:00Z", "preread": "0001-01-01T00:00:00Z",
                "pids_stats": {}, "blkio_stats": {}, "num_procs": 0, "storage_stats": {},
                "cpu_stats": zero, "precpu_stats": zero, "memory_stats": {},
                "name": "/" + c["name"], "id": c["id"]}
    cores = float(c.get("cpu", 0.1))
    base = int((now % 1e6 + 1e6) * 1e9)  # nanoseconds since a made-up boot
    system = base * cpus
    total = int(base * cores)  # counters consistent with precpu: a delta across polls gives cores
    pre_system = system - cpus * 10 ** 9  # one second earlier, on every cpu
    pre_total = total - int(cores * 1e9)
    mem = int(c.get("mem", 64 * 1024 * 1024))
    inactive = int(c.get("inactive_file", mem // 8))
    limit = int(c.get("mem_limit", 0) or 0) or host_mem
    cpu = {"cpu_usage": {"total_usage": total, "usage_in_kernelmode": total // 6,
                         "usage_in_usermode": total - total // 6},
           "system_cpu_usage": system, "online_cpus": cpus,
           "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0}}
    if one_shot:
        pre = {"cpu_usage": {"total_usage": 0, "usage_in_kernelmode": 0, "usage_in_usermode": 0},
               "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0}}
    else:
        pre = {"cpu_usage": {"total_usage": pre_total, "usage_in_kernelmode": pre_total // 6,
                             "usage_in_usermode": pre_total - pre_total // 6},
               "system_cpu_usage": pre_system, "online_cpus": cpus,
               "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0}}
    ts = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now))
    return {
        "read": ts + ".000000000Z", "preread": "0001-01-01T00:00:00Z" if one_shot else ts + ".0Z",
        "pids_stats": {"current": 12, "limit": 4915},
        "blkio_stats": {"io_service_bytes_recursive": []}, "num_procs": 0, "storage_stats": {},
        "cpu_stats": cpu, "precpu_stats": pre,
        "memory_stats": {"usage": mem + inactive,
                         "stats": {"anon": mem, "file": inactive * 2, "inactive_file": inactive,
                                   "active_file": inactive},
                         "limit": limit},
        "name": "/" + c["name"], "id": c["id"],
        "networks": {"eth0": {"rx_bytes": 1000, "rx_packets": 10, "rx_errors": 0,
                              "rx_dropped": 0, "tx_bytes": 2000, "tx_packets": 20,
                              "tx_errors": 0, "tx_dropped": 0}},
    }


def parse_filters(raw):
    """Docker's filters: {"label": ["k=v", "k"]} or the old {"label": {"k=v": true}}."""
    if not raw:
        return {}
    doc = json.loads(raw)
    out = {}
    for k, v in doc.items():
        out[k] = list(v.keys()) if isinstance(v, dict) else list(v)
    return out


def matches(c, state, filters):
    lab = labels(c, state)
    for f in filters.get("label", []):
        if "=" in f:
            k, v = f.split("=", 1)
            if lab.get(k) != v:
                return False
        elif f not in lab:
            return False
    for s in filters.get("status", []):
        if c["state"] != s:
            return False
    for n in filters.get("name", []):
        if n not in c["name"]:
            return False
    return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Docker/24.0.7 (linux)"

    def log_message(self, fmt, *args):
        pass

    def address_string(self):
        return "unix"

    def send_json(self, code, doc, extra=None):
        body = json.dumps(doc).encode()
        self.send_raw(code, body, "application/json", extra)

    def send_raw(self, code, body, ctype, extra=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Api-Version", self.api)
        self.send_header("Docker-Experimental", "false")
        self.send_header("Ostype", "linux")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def error(self, code, message):
        self.send_json(code, {"message": message})

    def do_HEAD(self):
        self.do_GET()

    def do_POST(self):
        self.do_GET()

    def do_GET(self):
        srv = self.server
        ctl = srv.files.control()
        self.api = ctl.get("api_version", DEFAULT_API)
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if srv.log:
            with srv.log_lock, open(srv.log, "a") as f:
                f.write("%s %s\n" % (self.command, self.path))
        path = url.path
        version = None
        parts = path.split("/", 2)
        if len(parts) > 2 and parts[1].startswith("v") and parts[1][1:2].isdigit():
            version = parts[1][1:]
            path = "/" + parts[2]
        if self.fault(ctl, path):
            return
        if version is not None:
            if vtuple(version) > vtuple(self.api):
                return self.error(400, "client version %s is too new. Maximum supported "
                                  "API version is %s" % (version, self.api))
            if vtuple(version) < vtuple(MIN_API):
                return self.error(400, "client version %s is too old. Minimum supported "
                                  "API version is %s, please upgrade your client to a "
                                  "newer version" % (version, MIN_API))
        self.route(path, query, ctl)

    def fault(self, ctl, path):
        only = ctl.get("only", "")
        if only and only not in path:
            return False
        if ctl.get("hang"):
            deadline = time.time() + 300
            while time.time() < deadline and self.server.files.control().get("hang"):
                time.sleep(0.05)
            self.close_connection = True
            return True
        if ctl.get("status500"):
            self.error(500, "fake engine: Internal Server Error (fault switch)")
            return True
        if ctl.get("garbage"):
            self.send_raw(200, b"\x1b[2J\x1b]0;pwned\x07<html>definitely not json",
                          "application/json")
            return True
        return False

    def route(self, path, query, ctl):
        state = self.server.files.state()
        if path == "/_ping":
            return self.send_raw(200, b"OK", "text/plain; charset=utf-8",
                                 {"Builder-Version": "2", "Cache-Control": "no-cache"})
        if path == "/version":
            return self.send_json(200, {
                "Platform": {"Name": "Docker Engine - Community"},
                "Components": [{"Name": "Engine", "Version": "24.0.7",
                                "Details": {"ApiVersion": self.api, "MinAPIVersion": MIN_API}}],
                "Version": "24.0.7", "ApiVersion": self.api, "MinAPIVersion": MIN_API,
                "GitCommit": "311b9ff", "GoVersion": "go1.20.10", "Os": "linux",
                "Arch": "amd64", "KernelVersion": "6.1.0-13-amd64",
                "BuildTime": "2023-10-26T09:08:01.000000000+00:00"})
        if path == "/info":
            return self.send_json(200, {"ID": "FAKE", "Containers": len(state.get("containers", [])),
                                        "NCPU": state.get("host_cpus", 4),
                                        "MemTotal": state.get("host_mem", 16 * GIB),
                                        "OSType": "linux", "ServerVersion": "24.0.7"})
        if path == "/containers/json":
            try:
                filters = parse_filters(query.get("filters", [""])[0])
            except ValueError as e:
                return self.error(400, "invalid filter: %s" % e)
            every = query.get("all", ["0"])[0] in ("1", "true", "True")
            out = [summary(c, state) for c in expand(state)
                   if (every or c["state"] == "running") and matches(c, state, filters)]
            return self.send_json(200, out)
        parts = path.split("/")
        if len(parts) == 4 and parts[1] == "containers" and parts[3] in ("json", "stats"):
            c = self.find(parts[2], state)
            if c is None:
                return self.error(404, "No such container: %s" % parts[2])
            if parts[3] == "json":
                return self.send_json(200, inspect(c, state))
            return self.stats(c, state, query, ctl)
        return self.error(404, "page not found")

    def find(self, key, state):
        for c in expand(state):
            if key in (c["id"], c["name"]) or (len(key) >= 4 and c["id"].startswith(key)):
                return c
        return None

    def stats(self, c, state, query, ctl):
        if ctl.get("slow_stats") in (c["name"], c["id"]):
            time.sleep(float(ctl.get("slow_seconds", 30)))
        one_shot = query.get("one-shot", ["0"])[0] in ("1", "true", "True")
        stream = query.get("stream", ["1"])[0] not in ("0", "false", "False")
        if not stream:
            return self.send_json(200, stats(c, state, one_shot))
        # A stream: one document a second until the client goes away.
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Api-Version", self.api)
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            for _ in range(600):
                self.wfile.write(json.dumps(stats(c, state, False)).encode() + b"\n")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass


class Server(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True
    request_queue_size = 1024


class TCPServer(socketserver.ThreadingMixIn, socketserver.TCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


def serve_tcp(args):
    """The engine on tcp://127.0.0.1:PORT, with TLS and client certificates as
    DOCKER_TLS_VERIFY expects when --cert is given."""
    srv = TCPServer(("127.0.0.1", args.port), Handler)
    if args.cert:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        if args.client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(args.client_ca)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    srv.files = Files(args.state, args.control)
    srv.log, srv.log_lock = args.log, threading.Lock()
    print("fake docker engine on tcp://127.0.0.1:%d" % args.port, flush=True)
    srv.serve_forever()


def watch_socket(srv, sock, control):
    """Apply the socket faults: hide the socket (rename) or chmod it 000, and undo."""
    hidden = sock + ".hidden"
    applied = "ok"
    while True:
        want = srv.files.control().get("socket", "ok")
        if want != applied:
            if applied == "missing" and os.path.exists(hidden):
                os.rename(hidden, sock)
            os.chmod(sock, 0o666)
            if want == "missing":
                os.rename(sock, hidden)
            elif want == "denied":
                os.chmod(sock, 0)
            applied = want
        time.sleep(0.05)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--socket")
    ap.add_argument("--port", type=int)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--client-ca")
    ap.add_argument("--state", required=True)
    ap.add_argument("--control", default="")
    ap.add_argument("--log", default="")
    args = ap.parse_args()
    if args.port:
        return serve_tcp(args)
    for p in (args.socket, args.socket + ".hidden"):
        if os.path.exists(p):
            os.unlink(p)
    srv = Server(args.socket, Handler)
    os.chmod(args.socket, 0o666)
    srv.files = Files(args.state, args.control)
    srv.log, srv.log_lock = args.log, threading.Lock()
    threading.Thread(target=watch_socket, args=(srv, args.socket, args.control),
                     daemon=True).start()
    print("fake docker engine on %s" % args.socket, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        for p in (args.socket, args.socket + ".hidden"):
            if os.path.exists(p):
                os.unlink(p)


if __name__ == "__main__":
    sys.exit(main())
