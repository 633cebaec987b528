# lib.sh - what every shell suite shares: TAP output, free ports, scratch folders, cleanup.
#
# Source it, call `ok`/`not_ok` or `check DESC CMD...`, register cleanups with `on_exit`.
# Servers are started on free loopback ports and stopped by the exit trap even on failure.

TEST_N=0
TEST_FAILED=0
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BIN:-./forgetop}
case "$BIN" in /*) ;; *) BIN="$ROOT/${BIN#./}" ;; esac
BUILD=${BUILD:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
_CLEANUPS=()

ok() { TEST_N=$((TEST_N + 1)); echo "ok $TEST_N - $*"; }
not_ok() { TEST_N=$((TEST_N + 1)); TEST_FAILED=1; echo "not ok $TEST_N - $*"; }
diag() { echo "# $*"; }

# check DESC CMD... : ok when CMD exits 0.
check() {
    local desc=$1; shift
    if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_eq DESC WANT GOT
expect_eq() {
    if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1 (want '$2', got '$3')"; fi
}

on_exit() { _CLEANUPS+=("$*"); }
_run_cleanups() {
    local i
    for ((i = ${#_CLEANUPS[@]} - 1; i >= 0; i--)); do eval "${_CLEANUPS[$i]}" >/dev/null 2>&1 || true; done
}
trap _run_cleanups EXIT

# A scratch folder removed at exit; world-readable so an unprivileged server can use it.
# Suites call it as S=$(scratch), a subshell whose on_exit the suite never sees, so the
# folder is listed in a file the suite's own exit trap reads (registered first: runs last).
_SCRATCH_LIST=$(mktemp "${TMPDIR:-/tmp}/forgetop-scratch.XXXXXX")
on_exit 'while read -r d; do rm -rf "$d"; done <"$_SCRATCH_LIST"; rm -f "$_SCRATCH_LIST"'
scratch() {
    local d
    d=$(mktemp -d "${TMPDIR:-/tmp}/forgetop-test.XXXXXX")
    chmod 755 "$d"
    echo "$d" >>"$_SCRATCH_LIST"
    echo "$d"
}

# A free TCP port on loopback.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_for SECONDS CMD... : poll CMD every 0.1 s until it succeeds or time runs out.
wait_for() {
    local limit=$1 i=0; shift
    while ! "$@" >/dev/null 2>&1; do
        i=$((i + 1))
        [ "$i" -ge $((limit * 10)) ] && return 1
        sleep 0.1
    done
}

# polled OUT SINCE EXPR : OUT holds one JSON document a poll (kube_poll's output); over the
# first poll started after SINCE (epoch seconds) for which the Python EXPR holds (d: the
# poll's JSON, names: its services by name), print the seconds from SINCE to that poll and
# succeed; fail while no poll shows it yet.
polled() {
    python3 - "$@" <<'PY'
import json, sys
path, since, expr = sys.argv[1], float(sys.argv[2]), sys.argv[3]
for line in open(path, errors="replace"):
    try:
        d = json.loads(line)
    except ValueError:
        continue
    if not isinstance(d, dict):
        continue
    names = {s["name"]: s for s in d.get("services", [])}
    if d.get("t", 0) > since:
        try:
            v = eval(expr)
        except Exception:
            v = None
        if v:
            print("%.2f" % (d["t"] - since))
            sys.exit(0)
sys.exit(1)
PY
}
# within OUT SINCE EXPR SECONDS : wait up to SECONDS for a poll after SINCE that shows
# EXPR; print its delay (nothing when none did).
within() {
    wait_for "$4" polled "$1" "$2" "$3"
    polled "$1" "$2" "$3" 2>/dev/null
}
# One poll of a 1 s interval, as a change must show: the interval plus 0.9 s for a loaded
# machine's scheduling. A change that waits for a second poll takes 2 s or more.
ONE_POLL=1.9
# fast DELAY LIMIT : DELAY (as within prints it) is set and at most LIMIT seconds.
fast() { python3 -c 'import sys; sys.exit(0 if sys.argv[1] and float(sys.argv[1]) <= float(sys.argv[2]) else 1)' "${1:-}" "$2"; }

# json_get JSON-FILE PYTHON-EXPR : evaluate an expression over the parsed document `d`.
json_get() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# probe_path NAME : the path of a program a suite drives a source through, built by `make
# test-bins` (with the sanitizers under make asan): tests/integration/NAME.c or bench/NAME.c.
# One that is there but older than a source or header it is built from (a bench script run
# by hand after an edit) is rebuilt first, so its figures are of the tree as it is.
probe_path() {
    local p
    for p in "$BUILD/tests/probes/$1" "$BUILD/bench/$1"; do
        [ -x "$p" ] || continue
        # (make -q or -n cannot say: the archive's object list is a FORCE target, so make
        # always sees the program as to be relinked; the sources' times are compared instead)
        if [ -n "$(cd "$ROOT" && find core sources widgets tui include tests/integration bench \
            -name '*.[ch]' -newer "$p" -print -quit 2>/dev/null)" ]; then
            # (under make asan a plain rebuild would mix unsanitized objects in: say so only)
            [ -n "${FORGETOP_ASAN:-}" ] && { echo "probe_path: $p is older than its sources" >&2; echo "$p"; return 0; }
            echo "probe_path: $p is older than its sources; rebuilding it" >&2
            make -s -C "$ROOT" BUILD="$BUILD" "$p" >/dev/null 2>&1 || return 1
        fi
        echo "$p"
        return 0
    done
    for p in "$BUILD/tests/probes/$1" "$BUILD/bench/$1"; do
        make -s -C "$ROOT" BUILD="$BUILD" "$p" >/dev/null 2>&1 && [ -x "$p" ] && { echo "$p"; return 0; }
    done
    return 1
}

# Test certificates (EC P-256, two days), for servers and fakes the suites start.
# test_ca CRT KEY CN : a self-signed CA.
test_ca() {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=$3" -keyout "$2" -out "$1" >/dev/null 2>&1
}
# test_cert CRT KEY CA_CRT CA_KEY CN EXT : a certificate signed by the CA; EXT is one
# extension line ("subjectAltName=IP:127.0.0.1,DNS:localhost", "extendedKeyUsage=clientAuth").
test_cert() {
    local ext
    ext=$(mktemp) && printf '%s\n' "$6" >"$ext" &&
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$5" \
            -keyout "$2" -out "$1.csr" >/dev/null 2>&1 &&
        openssl x509 -req -in "$1.csr" -CA "$3" -CAkey "$4" -CAcreateserial -days 2 \
            -extfile "$ext" -out "$1" >/dev/null 2>&1
    local rc=$?
    rm -f "$ext" "$1.csr"
    return $rc
}

# run_measured OUT CMD... : run CMD (stdout to OUT, stderr to OUT.err) and print
# "SECONDS PEAK_RSS_KIB" of it: what a hostile answer cost.
run_measured() {
    python3 - "$@" <<'PY'
import resource, subprocess, sys, time
out = sys.argv[1]
t = time.monotonic()
with open(out, "wb") as f, open(out + ".err", "wb") as e:
    subprocess.run(sys.argv[2:], stdout=f, stderr=e, timeout=120)
print("%.2f %d" % (time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
PY
}
# The plan comes last (TAP allows it there): tests/run-all reads a suite without one as
# stopped early, whatever its exit status.
finish() {
    echo "1..$TEST_N"
    exit "$TEST_FAILED"
}
