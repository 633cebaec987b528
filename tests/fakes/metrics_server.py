#!/usr/bin/env python3
"""metrics_server.py - metrics.k8s.io for the envtest control plane, which has no kubelet.

A real metrics-server reads each kubelet; here a test states each deployment's total load
(cpu millicores and memory bytes, in a JSON file read on every request:
{"open-forge/api": {"cpu_m": 2000, "mem": 6442450944}}) and it is shared among that
deployment's Ready pods, as a fixed load is among replicas. The pods come from the real API
server (an admin token), so the HPA controller and forgetop read the same pods the
controllers made. Registered with an APIService; the aggregator proxies to it over TLS.

It also answers external.metrics.k8s.io/v1beta1 as KEDA's metrics adapter does for the HPA
a ScaledObject generates: the load file's "external" object gives each metric's value
({"external": {"open-forge/s0-redis-agent-tasks-pending": 340}}), so the real HPA
controller computes from an External metric and writes its status itself.

  metrics_server.py --port P --cert C --key K --api URL --ca CA --token T --load FILE
"""
import argparse
import datetime
import json
import ssl
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

GV = "metrics.k8s.io/v1beta1"
RESOURCES = {
    "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": GV,
    "resources": [
        {"name": "pods", "singularName": "", "namespaced": True, "kind": "PodMetrics",
         "verbs": ["get", "list"]},
        {"name": "nodes", "singularName": "", "namespaced": False, "kind": "NodeMetrics",
         "verbs": ["get", "list"]},
    ],
}


EXT_GV = "external.metrics.k8s.io/v1beta1"
EXT_RESOURCES = {
    "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": EXT_GV,
    "resources": [{"name": "externalmetrics", "singularName": "", "namespaced": True,
                   "kind": "ExternalMetricValueList", "verbs": ["get"]}],
}


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def ready(pod):
    if pod["metadata"].get("deletionTimestamp"):
        return False
    return any(c["type"] == "Ready" and c["status"] == "True"
               for c in pod.get("status", {}).get("conditions", []))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        if self.server.opts.verbose:
            super().log_message(fmt, *args)

    def send(self, code, doc):
        body = json.dumps(doc).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def api_pods(self, ns, query):
        o = self.server.opts
        url = f"{o.api}/api/v1/namespaces/{ns}/pods"
        if query:
            url += "?" + query
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {o.token}"})
        with urllib.request.urlopen(req, context=self.server.client_tls, timeout=5) as r:
            return json.load(r)["items"]

    def pod_metrics(self, ns, query):
        load = json.load(open(self.server.opts.load))
        pods = [p for p in self.api_pods(ns, query) if ready(p)]
        apps = {}
        for p in pods:
            apps.setdefault(p["metadata"].get("labels", {}).get("app"), []).append(p)
        items = []
        for app, members in apps.items():
            l = load.get(f"{ns}/{app}")
            if l is None:
                continue
            for p in members:
                c = p["spec"]["containers"][0]["name"]
                items.append({
                    "metadata": {"name": p["metadata"]["name"], "namespace": ns,
                                 "labels": p["metadata"].get("labels", {}),
                                 "creationTimestamp": now()},
                    "timestamp": now(), "window": "30s",
                    "containers": [{"name": c, "usage": {
                        "cpu": f"{l['cpu_m'] // len(members)}m",
                        "memory": str(l["mem"] // len(members))}}],
                })
        return items

    def external(self, ns, name):
        load = json.load(open(self.server.opts.load)).get("external", {})
        v = load.get(f"{ns}/{name}")
        if v is None:
            return self.send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                   "reason": "NotFound", "code": 404,
                                   "message": f"no external metric {name} in {ns}"})
        return self.send(200, {"kind": "ExternalMetricValueList", "apiVersion": EXT_GV,
                               "metadata": {}, "items": [{"metricName": name, "metricLabels": {},
                                                          "timestamp": now(), "value": str(v)}]})

    def do_GET(self):
        u = urllib.parse.urlsplit(self.path)
        parts = [p for p in u.path.split("/") if p]
        if u.path.rstrip("/") == "/apis/" + EXT_GV:
            return self.send(200, EXT_RESOURCES)
        if len(parts) == 6 and parts[:2] == ["apis", "external.metrics.k8s.io"] and parts[3] == "namespaces":
            return self.external(parts[4], parts[5])
        if u.path.rstrip("/") == "/apis/" + GV:
            return self.send(200, RESOURCES)
        if len(parts) >= 6 and parts[:2] == ["apis", "metrics.k8s.io"] and parts[3] == "namespaces" \
                and parts[5] == "pods":
            ns = parts[4]
            try:
                items = self.pod_metrics(ns, u.query)
            except Exception as e:  # the API server could not be read: say so, as 503
                return self.send(503, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                       "message": str(e), "code": 503})
            if len(parts) == 7:
                for i in items:
                    if i["metadata"]["name"] == parts[6]:
                        return self.send(200, dict(i, kind="PodMetrics", apiVersion=GV))
                return self.send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                                       "reason": "NotFound", "code": 404,
                                       "message": f'podmetrics.metrics.k8s.io "{parts[6]}" not found'})
            return self.send(200, {"kind": "PodMetricsList", "apiVersion": GV,
                                   "metadata": {}, "items": items})
        return self.send(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure",
                               "reason": "NotFound", "code": 404, "message": "not found"})


def main():
    ap = argparse.ArgumentParser()
    for a in ("--cert", "--key", "--api", "--ca", "--token", "--load"):
        ap.add_argument(a, required=True)
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--verbose", action="store_true")
    o = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", o.port), Handler)
    srv.opts = o
    srv.client_tls = ssl.create_default_context(cafile=o.ca)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(o.cert, o.key)
    srv.socket = tls.wrap_socket(srv.socket, server_side=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
