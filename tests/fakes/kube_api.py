#!/usr/bin/env python3
"""kube_api.py - a fake Kubernetes API server for forgetop's tests (python3 stdlib only).

Serves, over HTTPS with bearer-token auth, the documented shapes of ../shared/k8s-api:
discovery, deployments (list/get, labelSelector, limit/continue), the scale subresource
(GET, PUT with a resourceVersion check, PATCH merge-patch), autoscaling/v2 HPAs (GET,
PATCH), metrics.k8s.io/v1beta1 pod metrics, pods (paged), SelfSubjectAccessReview, and
KEDA's keda.sh/v1alpha1 ScaledObjects (GET, merge PATCH with a resourceVersion check) when
the fixture has a "scaledobjects" list.
kubectl get/scale work against it.

State lives in memory, seeded from a small JSON fixture (or generated with --generate
for the benchmark). Faults are switched at run time through POST /_control (JSON, no
auth) or a --faults file read on every request:
  {"mode": "hang|500|404|garbage|slow|ok", "slow_s": 2, "path": "substring the fault is
   limited to", "forbid_writes": true, "conflict": true, "no_metrics": true,
   "ssar_allowed": false (or per verb: {"update": true, "patch": false}), "hpa_limited": "TooManyReplicas", "usage": {"api": {"cpu": "900m", "memory": "800Mi"}},
   "metrics_forbidden": true (403 on metrics.k8s.io, as RBAC without the metrics role),
   "hpa_inactive": "FailedGetResourceMetric" (the HPA cannot compute: desiredReplicas 0,
   no currentMetrics, ScalingActive=False, as the controller writes it),
   "mode": "flood", "n": 20000 (a valid list of n small deployments in one page, whatever
   limit asked), "mode": "bloat", "mib": 60 (a valid list of 2000 deployments padded with
   annotations to that many MiB, in one page)}
Watch (?watch=1 on deployments, HPAs, pods, ReplicaSets and events; 405 on the rest): a chunked stream of JSON lines
({"type": ADDED|MODIFIED|DELETED|BOOKMARK|ERROR, "object": ...}) as the API server writes
it, from resourceVersion (0 or absent: ADDED for every object first), ended after
timeoutSeconds, with a BOOKMARK every "bookmark_s" (default 30) when allowWatchBookmarks.
Create (POST) and delete (DELETE) deployments; every change is an event. Watch switches:
  "compact": true (every resourceVersion so far is compacted away: open watches get an
   ERROR event with code 410 and end; a watch from an older version gets one too, or an
   HTTP 410 with "gone_as": "status"), "watch_hang": true (open watches go silent, new
   ones get no answer at all), "watch_refuse": 405 (watch requests answered with that
   Status; "watch_refuse_path" limits it to paths containing the substring),
  "watch_big_mib": N (each open deployments watch sends, once per size, a MODIFIED event of its
   first deployment padded with an annotation of N MiB: one event line of that size).
GET /_stats: requests, pages, list and watch requests, bytes of bodies sent.
Besides bearer tokens it accepts client certificates (--client-ca) and basic auth (--basic).
Every write (PUT, PATCH, POST, DELETE) is appended to --log as one JSON line.
"""

import argparse
import base64
import copy
import json
import os
import ssl
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Server(ThreadingHTTPServer):
    # socketserver's listen backlog is 5: a client that opens a poll's seven lists at once
    # (as forgetop does) had a SYN dropped and waited out TCP's 1 s retransmission, which
    # a real API server (Go, backlog somaxconn) never makes it do.
    request_queue_size = 1024

CREATED = "2026-01-01T00:00:00Z"


def status(code, reason, message, details=None):
    s = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
         "message": message, "reason": reason, "code": code}
    if details:
        s["details"] = details
    return s


def rfc3339(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


# ---- label selectors ----

def split_selector(s):
    parts, depth, cur = [], 0, ""
    for ch in s:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        parts.append(cur)
    return [p.strip() for p in parts if p.strip()]


def selector_matches(sel, labels):
    for req in split_selector(sel or ""):
        if " notin " in req:
            k, vs = req.split(" notin ", 1)
            vals = [v.strip() for v in vs.strip()[1:-1].split(",")]
            if labels.get(k.strip()) in vals:
                return False
        elif " in " in req:
            k, vs = req.split(" in ", 1)
            vals = [v.strip() for v in vs.strip()[1:-1].split(",")]
            if labels.get(k.strip()) not in vals:
                return False
        elif "!=" in req:
            k, v = req.split("!=", 1)
            if labels.get(k.strip()) == v.strip():
                return False
        elif "==" in req or "=" in req:
            k, v = req.split("==", 1) if "==" in req else req.split("=", 1)
            if labels.get(k.strip()) != v.strip():
                return False
        elif req.startswith("!"):
            if req[1:] in labels:
                return False
        elif req not in labels:
            return False
    return True


def match_labels(match, labels):
    return all(labels.get(k) == v for k, v in match.items())


# ---- state ----

class State:
    def __init__(self, seed):
        self.lock = threading.RLock()
        self.rv = 1000
        self.deploys = {}   # (ns, name) -> spec dict from the fixture
        self.hpas = {}      # (ns, name) -> dict
        self.events = []    # (rv, resource, ns, type, doc): what watches replay
        # ReplicaSets and events are served empty and never change: their watches only
        # bookmark (as a quiet namespace's would)
        self.seen = {"deployments": {}, "horizontalpodautoscalers": {}, "pods": {},
                     "replicasets": {}, "events": {}}
        self.compacted = 0  # a watch from a version below this is 410 Gone
        self.seq = 0        # events are numbered, so a watch keeps its place as the log is cut
        self.changed = threading.Condition(self.lock)
        for d in seed.get("deployments", []):
            d = dict(d)
            d.setdefault("namespace", seed.get("namespace", "open-forge"))
            d["rv"] = self.next_rv()
            d.setdefault("labels", {"app": d["name"]})
            d.setdefault("ready", d["replicas"])
            self.deploys[(d["namespace"], d["name"])] = d
        self.scaledobjects = {}  # (ns, name) -> the whole document, as KEDA's CRD stores it
        for so in seed.get("scaledobjects", []):
            so = copy.deepcopy(so)
            meta = so.setdefault("metadata", {})
            meta.setdefault("namespace", seed.get("namespace", "open-forge"))
            meta["resourceVersion"] = str(self.next_rv())
            self.scaledobjects[(meta["namespace"], meta["name"])] = so
        for h in seed.get("hpas", []):
            h = dict(h)
            h.setdefault("namespace", seed.get("namespace", "open-forge"))
            h["rv"] = self.next_rv()
            self.hpas[(h["namespace"], h["name"])] = h

    def next_rv(self):
        self.rv += 1
        return self.rv

    # The objects of each watched resource with their versions: deployments and HPAs keyed
    # (ns, name), pods (ns, name, deployment); keys limits it to those deployments.
    def current(self, res, keys=None):
        out = {}
        if res == "horizontalpodautoscalers":
            for k, h in self.hpas.items():
                out[k] = (h["rv"], lambda h=h: self.hpa(h, False))
            return out
        for k in (keys if keys is not None else list(self.deploys)):
            d = self.deploys.get(k)
            if d is None:
                continue
            if res == "deployments":
                out[k] = (d["rv"], lambda d=d: self.deployment(d, False))
            else:
                for p in self.pods(d):
                    out[(k[0], p["metadata"]["name"], k[1])] = (d["rv"], lambda p=p: p)
        return out

    def commit(self, keys=None, quiet=False):
        """Turn what changed (among deployments `keys`, or everywhere) into watch events."""
        for res in ("deployments", "pods", "horizontalpodautoscalers"):
            seen = self.seen[res]
            part = keys if res != "horizontalpodautoscalers" else None
            cur = self.current(res, part)
            owner = (lambda k: k) if res == "deployments" else (lambda k: (k[0], k[2]))
            for k in [k for k in seen if part is None or owner(k) in part]:
                if k not in cur:
                    if not quiet:
                        gone = copy.deepcopy(seen[k][1])
                        gone["metadata"]["resourceVersion"] = str(self.rv)
                        self.event(self.rv, res, k[0], "DELETED", gone)
                    del seen[k]
            for k, (rv, doc) in cur.items():
                if k in seen and seen[k][0] == rv:
                    continue
                d = doc()
                if not quiet:
                    self.event(rv, res, k[0], "MODIFIED" if k in seen else "ADDED", d)
                seen[k] = (rv, d)
        del self.events[:-20000]
        with self.changed:
            self.changed.notify_all()

    def event(self, rv, res, ns, kind, doc):
        self.seq += 1
        self.events.append((self.seq, rv, res, ns, kind, doc))

    # Documents, as the API server writes them.
    def containers(self, d):
        out = []
        for c in d.get("containers", [{"name": d["name"]}]):
            res = {}
            if c.get("requests"):
                res["requests"] = dict(c["requests"])
            if c.get("limits"):
                res["limits"] = dict(c["limits"])
            out.append({"name": c["name"], "image": "ghcr.io/open-forge/%s:1.0" % d["name"],
                        "imagePullPolicy": "IfNotPresent", "resources": res,
                        "terminationMessagePath": "/dev/termination-log",
                        "terminationMessagePolicy": "File"})
        return out

    def deployment(self, d, with_kind=True):
        conds = [{"type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                  "message": "Deployment has minimum availability.",
                  "lastUpdateTime": CREATED, "lastTransitionTime": CREATED}]
        if d.get("stuck"):
            conds.append({"type": "Progressing", "status": "False",
                          "reason": "ProgressDeadlineExceeded",
                          "message": "ReplicaSet \"%s-7d4b9c\" has timed out progressing." % d["name"],
                          "lastUpdateTime": CREATED, "lastTransitionTime": CREATED})
        else:
            conds.append({"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                          "message": "ReplicaSet \"%s-7d4b9c\" has successfully progressed." % d["name"],
                          "lastUpdateTime": CREATED, "lastTransitionTime": CREATED})
        st = {"observedGeneration": 2, "conditions": conds}
        if d["replicas"] > 0:
            st.update({"replicas": d["replicas"], "updatedReplicas": d["replicas"]})
        if d["ready"] > 0:
            st.update({"readyReplicas": d["ready"], "availableReplicas": d["ready"]})
        doc = {
            "metadata": {"name": d["name"], "namespace": d["namespace"],
                         "uid": "uid-%s" % d["name"], "resourceVersion": str(d["rv"]),
                         "generation": 2, "creationTimestamp": CREATED,
                         "labels": dict(d["labels"]),
                         "annotations": {"deployment.kubernetes.io/revision": "1"}},
            "spec": {"replicas": d["replicas"],
                     "selector": {"matchLabels": dict(d.get("selector", d["labels"]))},
                     "template": {"metadata": {"labels": dict(d["labels"])},
                                  "spec": {"containers": self.containers(d),
                                           "restartPolicy": "Always"}},
                     "strategy": {"type": "RollingUpdate",
                                  "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}},
                     "revisionHistoryLimit": 10, "progressDeadlineSeconds": 600},
            "status": st,
        }
        if with_kind:
            doc = dict({"kind": "Deployment", "apiVersion": "apps/v1"}, **doc)
        return doc

    def scale(self, d):
        sel = ",".join("%s=%s" % kv for kv in sorted(d.get("selector", d["labels"]).items()))
        spec = {"replicas": d["replicas"]} if d["replicas"] > 0 else {}
        return {"kind": "Scale", "apiVersion": "autoscaling/v1",
                "metadata": {"name": d["name"], "namespace": d["namespace"],
                             "uid": "uid-%s" % d["name"], "resourceVersion": str(d["rv"]),
                             "creationTimestamp": CREATED},
                "spec": spec, "status": {"replicas": d["replicas"], "selector": sel}}

    def pods(self, d):
        out = []
        n = max(d["replicas"], 0)
        for i in range(n):
            ready = i < d["ready"]
            out.append({
                "metadata": {"name": "%s-7d4b9c-%05d" % (d["name"], i), "namespace": d["namespace"],
                             "uid": "pod-%s-%d" % (d["name"], i), "resourceVersion": str(d["rv"]),
                             "creationTimestamp": rfc3339(time.time() - 3600),
                             "labels": dict(d["labels"], **{"pod-template-hash": "7d4b9c"}),
                             "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet",
                                                  "name": "%s-7d4b9c" % d["name"], "uid": "rs-%s" % d["name"],
                                                  "controller": True, "blockOwnerDeletion": True}]},
                "spec": {"nodeName": "node-%d" % (i % 3 + 1), "containers": self.containers(d)},
                "status": {"phase": "Running" if ready else "Pending",
                           "startTime": rfc3339(time.time() - 3600),
                           "conditions": [{"type": "Ready", "status": "True" if ready else "False"}],
                           "containerStatuses": [{"name": c["name"], "ready": ready,
                                                  "restartCount": d.get("restarts", 0),
                                                  "image": "x", "imageID": "", "started": ready}
                                                 for c in d.get("containers", [{"name": d["name"]}])]},
            })
        return out

    def pod_metrics(self, d, usage):
        out = []
        u = usage.get(d["name"])
        for p in self.pods(d)[: d["ready"]]:
            cs = []
            for c in d.get("containers", [{"name": d["name"]}]):
                cu = dict(c.get("usage", {"cpu": "0", "memory": "0"}))
                if u:
                    cu.update(u)
                cs.append({"name": c["name"], "usage": cu})
            out.append({"metadata": {"name": p["metadata"]["name"], "namespace": d["namespace"],
                                     "creationTimestamp": rfc3339(time.time()),
                                     "labels": p["metadata"]["labels"]},
                        "timestamp": rfc3339(time.time() - 10), "window": "30s",
                        "containers": cs})
        return out

    def hpa(self, h, with_kind=True):
        d = self.deploys.get((h["namespace"], h["target"]))
        cur = d["replicas"] if d else 0
        metrics, current = [], []
        for res in ("cpu", "memory"):
            if h.get(res):
                metrics.append({"type": "Resource", "resource": {
                    "name": res, "target": {"type": "Utilization", "averageUtilization": h[res]}}})
                current.append({"type": "Resource", "resource": {
                    "name": res, "current": {"averageUtilization": h.get("current_" + res, h[res]),
                                             "averageValue": "100m" if res == "cpu" else "100Mi"}}})
        ext = h.get("external")
        if ext:  # what KEDA generates for a trigger: an External metric, AverageValue or Value
            key = "averageValue" if ext["type"] == "AverageValue" else "value"
            metrics.append({"type": "External", "external": {
                "metric": {"name": ext["metric"]}, "target": {"type": ext["type"], key: ext["target"]}}})
            current.append({"type": "External", "external": {
                "metric": {"name": ext["metric"]}, "current": {key: ext["current"]}}})
        limited = h.get("limited")
        inactive = h.get("inactive")
        conds = [
            {"type": "AbleToScale", "status": "True", "reason": "ReadyForNewScale",
             "message": "recommended size matches current size", "lastTransitionTime": CREATED},
            {"type": "ScalingActive", "status": "True", "reason": "ValidMetricFound",
             "message": "the HPA was able to successfully calculate a replica count from cpu "
                        "resource utilization (percentage of request)", "lastTransitionTime": CREATED},
            {"type": "ScalingLimited", "status": "True" if limited else "False",
             "reason": limited or "DesiredWithinRange",
             "message": "the desired replica count is more than the maximum replica count"
             if limited else "the desired count is within the acceptable range",
             "lastTransitionTime": CREATED},
        ]
        status = {"currentReplicas": cur, "desiredReplicas": h.get("desired", cur),
                  "currentMetrics": current, "conditions": conds}
        if inactive:
            # What the controller writes when computeReplicasForMetrics fails: the count is
            # left alone, currentMetrics cleared, desiredReplicas never set (0).
            conds[0].update({"reason": "SucceededGetScale",
                             "message": "the HPA controller was able to get the target's current scale"})
            conds[1].update({"status": "False", "reason": inactive,
                             "message": "the HPA was unable to compute the replica count: failed to get "
                                        "memory utilization: unable to get metrics for resource memory: "
                                        "no metrics returned from resource metrics API"})
            conds.pop()
            status = {"currentReplicas": cur, "desiredReplicas": 0, "conditions": conds}
        doc = {"metadata": {"name": h["name"], "namespace": h["namespace"], "uid": "hpa-" + h["name"],
                            "resourceVersion": str(h["rv"]), "creationTimestamp": CREATED},
               "spec": {"scaleTargetRef": {"kind": "Deployment", "name": h["target"],
                                           "apiVersion": "apps/v1"},
                        "minReplicas": h["min"], "maxReplicas": h["max"], "metrics": metrics},
               "status": status}
        if h.get("behavior"):
            doc["spec"]["behavior"] = h["behavior"]
        if with_kind:
            doc = dict({"kind": "HorizontalPodAutoscaler", "apiVersion": "autoscaling/v2"}, **doc)
        return doc


def generate(n_deploy, n_pods, ns):
    per = max(n_pods // max(n_deploy, 1), 1)
    deps = []
    for i in range(n_deploy):
        name = "api" if i == 0 else "svc-%03d" % i
        deps.append({"name": name, "namespace": ns, "replicas": per, "labels": {"app": name, "tier": "t%d" % (i % 4)},
                     "containers": [{"name": "main", "requests": {"cpu": "250m", "memory": "256Mi"},
                                     "limits": {"cpu": "1", "memory": "512Mi"},
                                     "usage": {"cpu": "%dm" % (50 + i % 200), "memory": "%dMi" % (100 + i % 300)}},
                                    {"name": "sidecar", "requests": {"cpu": "50m", "memory": "64Mi"},
                                     "limits": {"memory": "128Mi"},
                                     "usage": {"cpu": "5m", "memory": "30Mi"}}]})
    hpas = [{"name": "%s-hpa" % d["name"], "namespace": ns, "target": d["name"], "min": 1,
             "max": 20, "cpu": 70} for d in deps[::4]]
    return {"namespace": ns, "deployments": deps, "hpas": hpas}


# ---- discovery ----

def hostile_list(mode, f):
    """A valid DeploymentList no real API server sends: too many items for the page asked,
    or too many bytes (built as text: json.dumps of 60 MiB is slow on a busy machine)."""
    n = int(f.get("n", 20000)) if mode == "flood" else 2000
    pad = 0 if mode == "flood" else int(f.get("mib", 60)) * (1 << 20) // n
    parts = []
    for i in range(n):
        parts.append(
            '{"metadata":{"name":"d%d","namespace":"open-forge","uid":"u%d","resourceVersion":"1",'
            '"generation":1,"labels":{"app":"d%d"},"annotations":{"pad":"%s"}},'
            '"spec":{"replicas":1,"selector":{"matchLabels":{"app":"d%d"}}},'
            '"status":{"replicas":1,"readyReplicas":1,"updatedReplicas":1,"availableReplicas":1,'
            '"observedGeneration":1}}' % (i, i, i, "x" * pad, i))
    return ('{"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{"resourceVersion":"1"},'
            '"items":[' + ",".join(parts) + ']}\n').encode()


def resource(name, kind, namespaced=True, verbs=None, short=None, group=None, version=None):
    r = {"name": name, "singularName": "", "namespaced": namespaced, "kind": kind,
         "verbs": verbs or ["get", "list", "watch"]}
    if short:
        r["shortNames"] = short
    if group:
        r["group"] = group
        r["version"] = version
    return r


def discovery(path, no_metrics):
    groups = [("apps", "v1"), ("autoscaling", "v2"), ("authorization.k8s.io", "v1"),
              ("keda.sh", "v1alpha1")]
    if not no_metrics:
        groups.append(("metrics.k8s.io", "v1beta1"))
    if path == "/version":
        return {"major": "1", "minor": "30", "gitVersion": "v1.30.0-fake", "gitCommit": "0",
                "gitTreeState": "clean", "buildDate": CREATED, "goVersion": "go1.22",
                "compiler": "gc", "platform": "linux/amd64"}
    if path == "/api":
        return {"kind": "APIVersions", "versions": ["v1"],
                "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]}
    if path == "/apis":
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": g, "versions": [{"groupVersion": "%s/%s" % (g, v), "version": v}],
             "preferredVersion": {"groupVersion": "%s/%s" % (g, v), "version": v}} for g, v in groups]}
    rw = ["create", "delete", "get", "list", "patch", "update", "watch"]
    lists = {
        "/api/v1": [resource("pods", "Pod", verbs=rw, short=["po"]),
                    resource("namespaces", "Namespace", namespaced=False, short=["ns"])],
        "/apis/apps/v1": [resource("deployments", "Deployment", verbs=rw, short=["deploy"]),
                          resource("deployments/scale", "Scale", verbs=["get", "patch", "update"],
                                   group="autoscaling", version="v1"),
                          resource("deployments/status", "Deployment", verbs=["get", "patch", "update"])],
        "/apis/autoscaling/v2": [resource("horizontalpodautoscalers", "HorizontalPodAutoscaler",
                                          verbs=rw, short=["hpa"])],
        "/apis/keda.sh/v1alpha1": [resource("scaledobjects", "ScaledObject", verbs=rw, short=["so"])],
        "/apis/authorization.k8s.io/v1": [resource("selfsubjectaccessreviews", "SelfSubjectAccessReview",
                                                   namespaced=False, verbs=["create"])],
    }
    if not no_metrics:
        lists["/apis/metrics.k8s.io/v1beta1"] = [resource("pods", "PodMetrics"),
                                                 resource("nodes", "NodeMetrics", namespaced=False)]
    if path in lists:
        gv = path[len("/apis/"):] if path.startswith("/apis/") else "v1"
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": lists[path]}
    return None


# ---- HTTP ----

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "kube-fake/1"

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("kube-fake: " + fmt % args + "\n")

    def faults(self):
        f = dict(self.server.control)
        path = self.server.faults_file
        if path and os.path.exists(path):
            try:
                with open(path) as fh:
                    f.update(json.load(fh))
            except (OSError, ValueError):
                pass
        return f

    def send_json(self, code, doc, raw=None):
        body = raw if raw is not None else (json.dumps(doc, separators=(",", ":")) + "\n").encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        self.wfile.write(body)
        with self.server.counter_lock:
            self.server.bytes += len(body)

    def record(self, body):
        if not self.server.log:
            return
        line = {"t": time.time(), "method": self.command, "path": self.path,
                "content_type": self.headers.get("Content-Type", ""),
                "body": body.decode("utf-8", "replace")}
        with self.server.log_lock, open(self.server.log, "a") as fh:
            fh.write(json.dumps(line) + "\n")

    def authorized(self):
        auth = self.headers.get("Authorization", "")
        # A client certificate the --client-ca signed (TLS already verified it).
        if self.server.client_ca and hasattr(self.connection, "getpeercert") and self.connection.getpeercert():
            return True
        if self.server.basic and auth == "Basic " + base64.b64encode(self.server.basic.encode()).decode():
            return True
        tokens = set(self.server.tokens)
        if self.server.token_file and os.path.exists(self.server.token_file):
            with open(self.server.token_file) as fh:
                tokens.update(t.strip() for t in fh if t.strip())
        return auth.startswith("Bearer ") and auth[7:].strip() in tokens

    def do_GET(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_PATCH(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def handle_any(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/_control":
            return self.control(body)
        if url.path == "/_stats":
            return self.send_json(200, {"requests": self.server.requests, "pages": self.server.pages,
                                        "lists": self.server.lists, "watches": self.server.watches,
                                        "bytes": self.server.bytes})
        self.server.counter_lock.acquire()
        self.server.requests += 1
        self.server.counter_lock.release()
        if not self.authorized():
            return self.send_json(401, status(401, "Unauthorized", "Unauthorized"))
        f = self.faults()
        if self.command != "GET" and "selfsubjectaccessreviews" not in url.path:
            self.record(body)
        if f.get("path") is None or f.get("path", "") in url.path:
            mode = f.get("mode", "ok")
            if mode == "hang":
                time.sleep(f.get("hang_s", 3600))
                return
            if mode == "slow":
                time.sleep(f.get("slow_s", 2))
            if mode == "500":
                return self.send_json(500, status(500, "InternalError",
                                                  "Internal error occurred: etcdserver: request timed out"))
            if mode == "garbage":
                return self.send_json(200, None, raw=b"<html><body>502 Bad Gateway{{{\x1b[31m")
            if mode in ("flood", "bloat") and query.get("watch") not in ("1", "true"):
                return self.send_json(200, None, raw=hostile_list(mode, f))
            if mode == "404":
                return self.send_json(404, status(404, "NotFound",
                                                  "the server could not find the requested resource"))
            if mode == "429":
                return self.send_json(429, status(429, "TooManyRequests",
                                                  "the server has received too many requests and has asked us to try again later"))
        try:
            self.route(url.path, query, body, f)
        except BrokenPipeError:
            pass

    def control(self, body):
        try:
            doc = json.loads(body or b"{}")
        except ValueError:
            return self.send_json(400, {"error": "bad json"})
        if doc.get("reset"):
            self.server.control.clear()
        self.server.control.update({k: v for k, v in doc.items() if k not in ("reset", "compact")})
        st = self.server.state
        with st.lock:
            if doc.get("compact"):  # every version so far is gone
                st.compacted = st.next_rv()
            for h in st.hpas.values():  # the controller rewrites its status: an event
                lim, ina = self.server.control.get("hpa_limited"), self.server.control.get("hpa_inactive")
                if (h.get("limited"), h.get("inactive")) != (lim, ina):
                    h["limited"], h["inactive"] = lim, ina
                    h["rv"] = st.next_rv()
            st.commit(set())
        return self.send_json(200, {"control": self.server.control, "requests": self.server.requests,
                                    "pages": self.server.pages})

    def route(self, path, q, body, f):
        st = self.server.state
        no_metrics = f.get("no_metrics", False)
        if path in ("/version", "/api", "/apis") or path.startswith("/api/v1") and path.count("/") == 2 \
                or (path.startswith("/apis/") and path.count("/") == 3):
            doc = discovery(path.rstrip("/"), no_metrics)
            if doc is not None:
                return self.send_json(200, doc)
        parts = [p for p in path.split("/") if p]
        if path.startswith("/apis/metrics.k8s.io") and no_metrics:
            return self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
        if path.startswith("/apis/metrics.k8s.io/") and f.get("metrics_forbidden") and parts[-1] == "pods":
            return self.send_json(403, status(
                403, "Forbidden",
                'pods.metrics.k8s.io is forbidden: User "viewer" cannot list resource "pods" in API group '
                '"metrics.k8s.io" in the namespace "%s"' % (parts[4] if len(parts) > 4 else ""),
                {"group": "metrics.k8s.io", "kind": "pods"}))
        if self.command in ("PUT", "PATCH", "DELETE") or (
                self.command == "POST" and "selfsubjectaccessreviews" not in path):
            if f.get("forbid_writes"):
                kind = parts[-1] if parts else ""
                return self.send_json(403, status(
                    403, "Forbidden",
                    'deployments.apps "%s" is forbidden: User "viewer" cannot %s resource "deployments/scale" '
                    'in API group "apps" in the namespace "%s"' % (parts[-2] if len(parts) > 1 else kind,
                                                                 self.command.lower(), parts[3] if len(parts) > 3 else ""),
                    {"name": parts[-2] if len(parts) > 1 else "", "group": "apps", "kind": "deployments"}))
        if self.command == "GET" and q.get("watch") in ("1", "true"):
            res = parts[-1] if len(parts) >= 5 and parts[-2] != "namespaces" else ""
            if res in ("deployments", "pods", "horizontalpodautoscalers", "replicasets", "events") \
                    and parts[-3] == "namespaces":
                return self.watch(res, parts[-2], q)
            return self.send_json(405, status(405, "MethodNotAllowed",
                                              "the server does not allow this method on the requested resource"))
        with st.lock:
            return self.route_locked(parts, q, body, f)

    def watch(self, res, ns, q):
        """A watch as the API server streams it: JSON lines in chunks, from a version."""
        st, ctl = self.server.state, self.server.control
        refuse = ctl.get("watch_refuse")
        if refuse and ctl.get("watch_refuse_path", "") in self.path:
            return self.send_json(int(refuse), status(
                int(refuse), "MethodNotAllowed", "the server does not allow this method on the requested resource"))
        if ctl.get("watch_hang"):  # no answer at all, until the switch is off
            while self.server.control.get("watch_hang"):
                time.sleep(0.1)
            self.close_connection = True
            return
        rv = q.get("resourceVersion") or "0"
        timeout = float(q.get("timeoutSeconds") or 1800)
        bookmarks = q.get("allowWatchBookmarks") == "true"
        sel = q.get("labelSelector")
        with self.server.counter_lock:
            self.server.watches += 1
        with st.lock:
            gone = rv != "0" and int(rv) < st.compacted
            if gone and ctl.get("gone_as") == "status":
                return self.send_json(410, status(410, "Expired", "too old resource version: %s (%d)" % (rv, st.compacted)))
            last = int(rv) if rv != "0" else st.rv
            initial = [] if rv != "0" else [v[1] for k, v in sorted(st.seen[res].items()) if k[0] == ns]
            cursor = st.seq
            if rv != "0":  # replay what came after the version asked for
                cursor = next((e[0] - 1 for e in st.events if e[1] > last), st.seq)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache, private")
        self.end_headers()
        kinds = {"deployments": ("Deployment", "apps/v1"), "pods": ("Pod", "v1"),
                 "horizontalpodautoscalers": ("HorizontalPodAutoscaler", "autoscaling/v2"),
                 "replicasets": ("ReplicaSet", "apps/v1"), "events": ("Event", "v1")}

        def emit(kind, obj):
            data = (json.dumps({"type": kind, "object": obj}, separators=(",", ":")) + "\n").encode()
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
            self.wfile.flush()
            with self.server.counter_lock:
                self.server.bytes += len(data)

        def expired():
            emit("ERROR", status(410, "Expired", "too old resource version: %d (%d)" % (last, st.compacted)))
            self.wfile.write(b"0\r\n\r\n")

        try:
            if gone:
                return expired()
            for d in initial:
                if selector_matches(sel, d["metadata"].get("labels", {})):
                    emit("ADDED", d)
            deadline = time.time() + timeout
            bookmark_at = time.time() + float(ctl.get("bookmark_s", 30))
            big_sent = 0  # the size sent last: a new size is sent too
            while True:
                big = int(ctl.get("watch_big_mib") or 0)
                if res == "deployments" and big and big != big_sent and self.emit_big(ns, big, emit):
                    big_sent = big
                with st.changed:
                    st.changed.wait(0.2)
                    if self.server.control.get("watch_hang"):
                        continue  # silent: no events, no bookmark, no end
                    if last < st.compacted:
                        if ctl.get("gone_as") != "status":
                            return expired()
                        self.wfile.write(b"0\r\n\r\n")  # dropped: the resume meets the 410
                        return
                    first = st.events[0][0] if st.events else st.seq + 1
                    new = st.events[max(cursor + 1 - first, 0):]
                    cursor = st.seq
                    for e in new:
                        if e[2] == res and e[3] == ns and selector_matches(sel, e[5]["metadata"].get("labels", {})):
                            emit(e[4], e[5])
                        last = max(last, e[1])
                    now = time.time()
                    if bookmarks and (now >= bookmark_at or now >= deadline - 0.5):
                        kind, av = kinds[res]
                        emit("BOOKMARK", {"kind": kind, "apiVersion": av, "metadata": {"resourceVersion": str(st.rv)}})
                        last = st.rv
                        bookmark_at = now + float(ctl.get("bookmark_s", 30))
                    if now >= deadline:
                        self.wfile.write(b"0\r\n\r\n")
                        return
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            self.close_connection = True

    def emit_big(self, ns, mib, emit):
        """One MODIFIED event of the namespace's first deployment, an annotation of mib MiB."""
        st = self.server.state
        with st.lock:
            mine = [v[1] for k, v in sorted(st.seen["deployments"].items()) if k[0] == ns]
            if not mine:
                return False
            d = json.loads(json.dumps(mine[0]))
        d["metadata"].setdefault("annotations", {})["pad"] = "x" * (mib << 20)
        emit("MODIFIED", d)
        return True

    def route_locked(self, p, q, body, f):
        st = self.server.state
        # /apis/authorization.k8s.io/v1/selfsubjectaccessreviews
        if p[:4] == ["apis", "authorization.k8s.io", "v1", "selfsubjectaccessreviews"] and self.command == "POST":
            req = json.loads(body or b"{}")
            rule = f.get("ssar_allowed", True)
            verb = req.get("spec", {}).get("resourceAttributes", {}).get("verb", "")
            allowed = bool(rule.get(verb, True) if isinstance(rule, dict) else rule)
            resp = {"kind": "SelfSubjectAccessReview", "apiVersion": "authorization.k8s.io/v1",
                    "metadata": {"creationTimestamp": None}, "spec": req.get("spec", {}),
                    "status": {"allowed": allowed}}
            if not allowed:
                resp["status"]["reason"] = "RBAC: viewer may only get, list and watch"
            return self.send_json(201, resp)
        # namespaced collections: /apis/G/V/namespaces/NS/RES[/NAME[/SUB]] or /api/v1/namespaces/...
        if p[0] == "api":
            base, rest = ["api", "v1"], p[2:]
        else:
            base, rest = p[:3], p[3:]
        # the namespaces themselves (shell completion of -n): those the deployments live in
        if p == ["api", "v1", "namespaces"] and self.command == "GET":
            items = [{"metadata": {"name": ns}} for ns in sorted({k[0] for k in st.deploys} | {"default"})]
            return self.send_list("NamespaceList", "v1", items, q)
        if base == ["api", "v1"] and len(rest) == 2 and rest[0] == "namespaces" and self.command == "GET":
            # a namespace exists when the fixture has something in it (or the control says so)
            ns = rest[1]
            if any(k[0] == ns for k in st.deploys) or ns in f.get("namespaces", []):
                return self.send_json(200, {"kind": "Namespace", "apiVersion": "v1",
                                            "metadata": {"name": ns, "creationTimestamp": CREATED},
                                            "status": {"phase": "Active"}})
            return self.send_json(404, status(404, "NotFound", 'namespaces "%s" not found' % ns,
                                              {"name": ns, "kind": "namespaces"}))
        if len(rest) < 3 or rest[0] != "namespaces":
            return self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))
        ns, res, name, sub = rest[1], rest[2], rest[3] if len(rest) > 3 else None, rest[4] if len(rest) > 4 else None
        gv = "/".join(base[1:])
        if gv == "apps/v1" and res == "deployments":
            return self.deployments(ns, name, sub, q, body, f)
        if gv == "autoscaling/v2" and res == "horizontalpodautoscalers":
            return self.hpas(ns, name, q, body, f)
        if gv == "keda.sh/v1alpha1" and res == "scaledobjects" and st.scaledobjects:
            return self.scaledobjects(ns, name, q, body, f)
        if gv == "metrics.k8s.io/v1beta1" and res == "pods" and name is None:
            key = ("metrics", ns, q.get("labelSelector"), st.rv, json.dumps(f.get("usage", {})), int(time.time() / 10))
            items = self.server.list_cache.get(key)
            if items is None:  # made once per version, not once per page of 10 000 pods
                items = []
                for d in self.sorted_deploys(ns):
                    for m in st.pod_metrics(d, f.get("usage", {})):
                        if selector_matches(q.get("labelSelector"), m["metadata"]["labels"]):
                            items.append(m)
                self.server.list_cache.clear()
                self.server.list_cache[key] = items
            return self.send_list("PodMetricsList", "metrics.k8s.io/v1beta1", items, q, "/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods" % ns)
        # ReplicaSets and events: served, and empty (the fixture's pods have no history)
        if gv == "apps/v1" and res == "replicasets" and name is None:
            return self.send_list("ReplicaSetList", "apps/v1", [], q)
        if gv == "v1" and res == "events" and name is None:
            return self.send_list("EventList", "v1", [], q)
        if gv == "v1" and res == "pods" and name is None:
            key = ("pods", ns, q.get("labelSelector"), st.rv)
            items = self.server.pod_cache.get(key)
            if items is None:
                items = [pd for d in self.sorted_deploys(ns) for pd in st.pods(d)
                         if selector_matches(q.get("labelSelector"), pd["metadata"]["labels"])]
                self.server.pod_cache.clear()
                self.server.pod_cache[key] = items
            return self.send_list("PodList", "v1", items, q)
        return self.send_json(404, status(404, "NotFound", "the server could not find the requested resource"))

    def sorted_deploys(self, ns):
        st = self.server.state
        return [st.deploys[k] for k in sorted(st.deploys) if k[0] == ns]

    def send_list(self, kind, api_version, items, q, self_link=None):
        st = self.server.state
        start = 0
        if q.get("continue"):
            try:
                start = int(base64.b64decode(q["continue"]).decode().split(":")[1])
            except (ValueError, IndexError):
                return self.send_json(400, status(400, "BadRequest", "continue token is invalid"))
        limit = int(q.get("limit") or 0)
        end = len(items) if limit <= 0 else min(len(items), start + limit)
        meta = {"resourceVersion": str(st.rv)}
        if end < len(items):
            meta["continue"] = base64.b64encode(("rv%d:%d" % (st.rv, end)).encode()).decode()
            meta["remainingItemCount"] = len(items) - end
        self.server.pages += 1
        if not q.get("continue"):
            with self.server.counter_lock:
                self.server.lists[kind] = self.server.lists.get(kind, 0) + 1
        doc = {"kind": kind, "apiVersion": api_version, "metadata": meta, "items": items[start:end]}
        return self.send_json(200, doc)

    def wants_table(self):
        return "as=Table" in self.headers.get("Accept", "")

    def send_table(self, columns, rows):
        """meta.k8s.io/v1 Table, what kubectl asks for to print columns the server chose."""
        doc = {"kind": "Table", "apiVersion": "meta.k8s.io/v1",
               "metadata": {"resourceVersion": str(self.server.state.rv)},
               "columnDefinitions": [{"name": c, "type": t, "format": "name" if c == "Name" else "",
                                      "description": c, "priority": 0} for c, t in columns],
               "rows": [{"cells": cells, "object": {"kind": "PartialObjectMetadata",
                                                    "apiVersion": "meta.k8s.io/v1",
                                                    "metadata": meta}} for cells, meta in rows]}
        return self.send_json(200, doc)

    def deployment_rows(self, deps):
        st = self.server.state
        return [(["%s" % d["name"], "%d/%d" % (d["ready"], d["replicas"]), d["replicas"], d["ready"], "329d"],
                 st.deployment(d, False)["metadata"]) for d in deps]

    def deployments(self, ns, name, sub, q, body, f):
        st = self.server.state
        cols = [("Name", "string"), ("Ready", "string"), ("Up-to-date", "integer"),
                ("Available", "integer"), ("Age", "string")]
        if name is None and self.command == "POST":
            return self.create_deployment(ns, body)
        if name is not None and sub is None and self.command == "DELETE":
            if (ns, name) not in st.deploys:
                return self.send_json(404, status(404, "NotFound", 'deployments.apps "%s" not found' % name,
                                                  {"name": name, "group": "apps", "kind": "deployments"}))
            del st.deploys[(ns, name)]
            st.next_rv()
            st.commit({(ns, name)})
            return self.send_json(200, {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                        "status": "Success", "details": {"name": name, "group": "apps",
                                                                         "kind": "deployments"}})
        if name is None:
            if self.command != "GET":
                return self.send_json(405, status(405, "MethodNotAllowed", "method not allowed"))
            deps = [d for d in self.sorted_deploys(ns) if selector_matches(q.get("labelSelector"), d["labels"])]
            if self.wants_table():
                return self.send_table(cols, self.deployment_rows(deps))
            items = [st.deployment(d, False) for d in deps]
            return self.send_list("DeploymentList", "apps/v1", items, q)
        d = st.deploys.get((ns, name))
        if d is None:
            return self.send_json(404, status(404, "NotFound", 'deployments.apps "%s" not found' % name,
                                              {"name": name, "group": "apps", "kind": "deployments"}))
        if sub is None and self.command == "GET":
            if self.wants_table():
                return self.send_table(cols, self.deployment_rows([d]))
            return self.send_json(200, st.deployment(d))
        if sub != "scale":
            return self.send_json(405, status(405, "MethodNotAllowed", "method not allowed"))
        if self.command == "GET":
            return self.send_json(200, st.scale(d))
        try:
            doc = json.loads(body or b"{}")
        except ValueError:
            return self.send_json(400, status(400, "BadRequest", "the body is not JSON"))
        if self.command == "PUT":
            rv = (doc.get("metadata") or {}).get("resourceVersion")
            if f.get("conflict") or (rv and rv != str(d["rv"])):
                return self.send_json(409, status(
                    409, "Conflict",
                    'Operation cannot be fulfilled on deployments.apps "%s": the object has been modified; '
                    'please apply your changes to the latest version and try again' % name,
                    {"name": name, "group": "apps", "kind": "deployments"}))
        elif self.command == "PATCH":
            ct = self.headers.get("Content-Type", "")
            if ct not in ("application/merge-patch+json", "application/strategic-merge-patch+json"):
                return self.send_json(415, status(415, "UnsupportedMediaType",
                                                  "the body of the request was in an unknown format"))
        else:
            return self.send_json(405, status(405, "MethodNotAllowed", "method not allowed"))
        want = (doc.get("spec") or {}).get("replicas", 0 if self.command == "PUT" else d["replicas"])
        if not isinstance(want, int) or want < 0:
            return self.send_json(422, status(422, "Invalid",
                                              'Scale.autoscaling "%s" is invalid: spec.replicas: Invalid value: %r: '
                                              'must be greater than or equal to 0' % (name, want)))
        d["replicas"] = want
        d["ready"] = want
        d["rv"] = st.next_rv()
        st.commit({(ns, name)})
        return self.send_json(200, st.scale(d))

    def create_deployment(self, ns, body):
        st = self.server.state
        try:
            doc = json.loads(body or b"{}")
            md, spec = doc.get("metadata") or {}, doc.get("spec") or {}
            name = md["name"]
        except (ValueError, KeyError, AttributeError):
            return self.send_json(400, status(400, "BadRequest", "the body is not a Deployment"))
        if (ns, name) in st.deploys:
            return self.send_json(409, status(409, "AlreadyExists", 'deployments.apps "%s" already exists' % name,
                                              {"name": name, "group": "apps", "kind": "deployments"}))
        tpl = (spec.get("template") or {})
        labels = md.get("labels") or (tpl.get("metadata") or {}).get("labels") or {"app": name}
        conts = []
        for c in (tpl.get("spec") or {}).get("containers") or [{"name": name}]:
            res = c.get("resources") or {}
            conts.append({"name": c.get("name", name), "requests": res.get("requests"), "limits": res.get("limits")})
        n = spec.get("replicas", 1)
        d = {"name": name, "namespace": ns, "replicas": n, "ready": n, "labels": labels,
             "selector": (spec.get("selector") or {}).get("matchLabels") or labels,
             "containers": conts, "rv": st.next_rv()}
        st.deploys[(ns, name)] = d
        st.commit({(ns, name)})
        return self.send_json(201, st.deployment(d))

    def hpas(self, ns, name, q, body, f):
        st = self.server.state
        for h in st.hpas.values():
            h["limited"] = f.get("hpa_limited")
            h["inactive"] = f.get("hpa_inactive")
        if name is None and self.wants_table():
            rows = []
            for k, h in sorted(st.hpas.items()):
                if k[0] != ns:
                    continue
                doc = st.hpa(h, False)
                # as kubectl's printer: a metric without a current value is <unknown>
                cur = {c["resource"]["name"]: "%s%%" % c["resource"]["current"]["averageUtilization"]
                       for c in doc["status"].get("currentMetrics", [])}
                targets = ", ".join("%s: %s/%s%%" % (m["resource"]["name"], cur.get(m["resource"]["name"], "<unknown>"),
                                                    m["resource"]["target"]["averageUtilization"])
                                    for m in doc["spec"]["metrics"])
                rows.append(([h["name"], "Deployment/" + h["target"], targets, h["min"], h["max"],
                              doc["status"]["currentReplicas"], "329d"], doc["metadata"]))
            return self.send_table([("Name", "string"), ("Reference", "string"), ("Targets", "string"),
                                    ("MinPods", "string"), ("MaxPods", "integer"), ("Replicas", "integer"),
                                    ("Age", "string")], rows)
        if name is None:
            items = [st.hpa(h, False) for k, h in sorted(st.hpas.items()) if k[0] == ns]
            return self.send_list("HorizontalPodAutoscalerList", "autoscaling/v2", items, q)
        h = st.hpas.get((ns, name))
        if h is None:
            return self.send_json(404, status(404, "NotFound",
                                              'horizontalpodautoscalers.autoscaling "%s" not found' % name))
        if self.command == "GET":
            return self.send_json(200, st.hpa(h))
        if self.command == "PATCH":
            doc = json.loads(body or b"{}")
            spec = doc.get("spec") or {}
            mn, mx = spec.get("minReplicas", h["min"]), spec.get("maxReplicas", h["max"])
            if not isinstance(mn, int) or mn < 1 or mn > mx:
                return self.send_json(422, status(
                    422, "Invalid", 'HorizontalPodAutoscaler.autoscaling "%s" is invalid: spec.minReplicas: '
                                    'Invalid value: %r: must be between 1 and maxReplicas' % (name, mn)))
            h["min"], h["max"] = mn, mx
            h["rv"] = st.next_rv()
            d = st.deploys.get((ns, h["target"]))
            if d and d["replicas"] < mn:
                d["replicas"] = d["ready"] = mn
                d["rv"] = st.next_rv()
            st.commit({(ns, h["target"])})
            return self.send_json(200, st.hpa(h))
        return self.send_json(405, status(405, "MethodNotAllowed", "method not allowed"))

    def scaledobjects(self, ns, name, q, body, f):
        """KEDA's CRD: stored as written; a merge patch of spec and metadata.annotations
        (null removes a key), refused with 409 when its resourceVersion is not current."""
        st = self.server.state
        if name is None:
            items = [dict({"kind": "ScaledObject", "apiVersion": "keda.sh/v1alpha1"}, **so)
                     for k, so in sorted(st.scaledobjects.items()) if k[0] == ns]
            return self.send_list("ScaledObjectList", "keda.sh/v1alpha1", items, q)
        so = st.scaledobjects.get((ns, name))
        if so is None:
            return self.send_json(404, status(404, "NotFound",
                                              'scaledobjects.keda.sh "%s" not found' % name))
        doc = dict({"kind": "ScaledObject", "apiVersion": "keda.sh/v1alpha1"}, **so)
        if self.command == "GET":
            return self.send_json(200, doc)
        if self.command != "PATCH" or self.headers.get("Content-Type") != "application/merge-patch+json":
            return self.send_json(405, status(405, "MethodNotAllowed", "method not allowed"))
        patch = json.loads(body or b"{}")
        meta = patch.get("metadata") or {}
        if meta.get("resourceVersion") and meta["resourceVersion"] != so["metadata"]["resourceVersion"]:
            return self.send_json(409, status(409, "Conflict",
                                              'Operation cannot be fulfilled on scaledobjects.keda.sh "%s": '
                                              'the object has been modified' % name))
        for k, v in (meta.get("annotations") or {}).items():
            ann = so["metadata"].setdefault("annotations", {})
            if v is None:
                ann.pop(k, None)
            else:
                ann[k] = v
        so.setdefault("spec", {}).update(patch.get("spec") or {})
        so["metadata"]["resourceVersion"] = str(st.next_rv())
        return self.send_json(200, dict({"kind": "ScaledObject", "apiVersion": "keda.sh/v1alpha1"}, **so))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--token", action="append", default=[])
    ap.add_argument("--token-file")
    ap.add_argument("--client-ca", help="accept client certificates this CA signed")
    ap.add_argument("--basic", help="accept basic auth USER:PASSWORD")
    ap.add_argument("--state", help="JSON fixture")
    ap.add_argument("--generate", help="DEPLOYMENTS:PODS:NAMESPACE")
    ap.add_argument("--faults")
    ap.add_argument("--log")
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args()
    if a.generate:
        nd, npods, ns = a.generate.split(":")
        seed = generate(int(nd), int(npods), ns)
    else:
        with open(a.state) as fh:
            seed = json.load(fh)
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.daemon_threads = True
    srv.state = State(seed)
    srv.tokens = a.token
    srv.token_file = a.token_file
    srv.client_ca = a.client_ca
    srv.basic = a.basic
    srv.faults_file = a.faults
    srv.log = a.log
    srv.log_lock = threading.Lock()
    srv.counter_lock = threading.Lock()
    srv.control = {}
    srv.requests = 0
    srv.pages = 0
    srv.list_cache, srv.pod_cache = {}, {}
    srv.lists = {}  # list requests (first pages) per kind: "DeploymentList": 3
    srv.watches = 0
    srv.bytes = 0
    srv.state.commit(quiet=True)
    srv.verbose = a.verbose
    if a.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(a.cert, a.key)
        if a.client_ca:
            ctx.load_verify_locations(a.client_ca)
            ctx.verify_mode = ssl.CERT_OPTIONAL
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
