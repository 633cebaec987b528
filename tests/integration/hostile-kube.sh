#!/usr/bin/env bash
# hostile-kube.sh - an API server whose deployment list is valid but hostile costs
# forgetop a refusal in words, never its memory: 60 MiB in one page (refused at the
# transfer, before any of it is parsed) and 20 000 items in a page that asked for 500.
source "$(dirname "$0")/../lib.sh"
source "$(dirname "$0")/../fakes/kube_env.sh"
DIR=$(scratch)
kube_fake_start "$DIR" --state "$ROOT/tests/fixtures/kube-open-forge.json" || { not_ok "the fake API server starts"; finish; }
# A 60 MiB list parsed whole took 2.7 GB; the budget is 64 MB, and ASan adds its own.
limit=204800
[ -n "${FORGETOP_ASAN:-}" ] && limit=409600
# Polled pages (watch = false): a server that ignores limit on a page it was asked for.
# An informer's first list (resourceVersion=0) is served whole by the watch cache, limit
# or not, so it has no per-page count to hold the server to; its pages are capped in bytes.
printf '[forgetop]\nconnect_timeout = 5\nrequest_timeout = 30\n[kube]\nwatch = false\n' >"$DIR/forgetop.conf"
for fault in '{"mode": "bloat", "mib": 60, "path": "/deployments"}' \
    '{"mode": "flood", "n": 20000, "path": "/deployments"}'; do
    name=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["mode"])' "$fault")
    kube_control "$fault"
    read -r secs kib < <(run_measured "$DIR/$name.json" "$BIN" --config "$DIR/forgetop.conf" --kubeconfig "$KUBECONFIG_FILE" --once --json)
    err=$(json_get "$DIR/$name.json" '[s["error"] for s in d["sources"] if s["name"] == "kube"][0]')
    diag "$name: ${secs}s, peak RSS ${kib} KiB: $err"
    check "$name: peak RSS within $((limit / 1024)) MB (${kib} KiB)" test "$kib" -lt "$limit"
    case $name in
    bloat) check "bloat: refused at the transfer, with the cap in words" grep -qE "larger than 16 MiB|over 16 MiB" <<<"$err" ;;
    flood) check "flood: refused, saying how many items came for the page asked" \
        grep -q "20000 items in a page of at most 500" <<<"$err" ;;
    esac
done
kube_control '{"mode": "ok"}'
"$BIN" --config "$DIR/forgetop.conf" --kubeconfig "$KUBECONFIG_FILE" --once --json >"$DIR/ok.json" 2>/dev/null
expect_eq "the same server answering well is read again" ok \
    "$(json_get "$DIR/ok.json" '[s["state"] for s in d["sources"] if s["name"] == "kube"][0]')"
finish
