#!/usr/bin/env bash
# headless.sh - `--once --json`, `--check` and the command line, as a script would use them.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
tmp=$(scratch)
export XDG_CONFIG_HOME=$tmp/xdg XDG_STATE_HOME=$tmp/state
unset FORGETOP_READ_ONLY KUBECONFIG

# The demo, once, as JSON.
"$BIN" --demo --seed 1 --once --json >"$tmp/once.json" 2>"$tmp/once.err"
expect_eq "--demo --once --json exits 0" 0 $?
check "the document is JSON (python3 -m json.tool)" python3 -m json.tool "$tmp/once.json" /dev/null
expect_eq "it carries the runbook's five metrics" \
    "cpu,memory,latency_p99,queue_depth,db_connections" \
    "$(json_get "$tmp/once.json" '",".join(m["id"] for m in d["metrics"])')"
svcs=$(json_get "$tmp/once.json" '",".join(sorted(s["name"] for s in d["services"]))')
for s in api agent-worker dagster-run-worker; do
    check "the demo service $s is listed" grep -q "\b$s\b" <<<"$svcs"
done
expect_eq "every metric has a value" "True" \
    "$(json_get "$tmp/once.json" 'all(m["value"] is not None for m in d["metrics"])')"
expect_eq "every metric has a band" "True" \
    "$(json_get "$tmp/once.json" 'all(m["band"] in ("ok","warning","critical") for m in d["metrics"])')"
expect_eq "the demo source is ok" "ok" "$(json_get "$tmp/once.json" 'd["sources"][0]["state"]')"
expect_eq "api carries its recommendation arithmetic" "True" \
    "$(json_get "$tmp/once.json" '[s for s in d["services"] if s["name"]=="api"][0]["reason"].count("ceil") > 0 or "tolerance" in [s for s in d["services"] if s["name"]=="api"][0]["reason"]')"
expect_eq "the backfill gives sparklines history from the first poll" "True" \
    "$(json_get "$tmp/once.json" 'all(m["samples"] > 60 for m in d["metrics"])')"

# Same seed, same document (but for the clock).
"$BIN" --demo --seed 1 --once --json >"$tmp/once2.json"
strip='import json,sys; d=json.load(open(sys.argv[1])); [s.pop("age_s") for s in d["sources"]]; d.pop("generated_at"); [m.pop("t") for m in d["metrics"]]; [s.pop("rec_t") for s in d["services"]]; print(json.dumps([d["services"], [(m["id"], round(m["value"],6), m["band"]) for m in d["metrics"]]], sort_keys=True))'
expect_eq "--seed makes the demo deterministic" "$(python3 -c "$strip" "$tmp/once.json")" \
    "$(python3 -c "$strip" "$tmp/once2.json")"
"$BIN" --demo --seed 2 --once --json >"$tmp/once3.json"
check "another seed gives another demo" \
    test "$(python3 -c "$strip" "$tmp/once.json")" != "$(python3 -c "$strip" "$tmp/once3.json")"

# --check exit codes at each band, thresholds moved by a config file.
mkconf() { # mkconf FILE WARN CRIT : every metric's thresholds
    : >"$1"
    for m in cpu memory latency_p99 queue_depth db_connections; do
        printf '[metric %s]\nwarning = %s\ncritical = %s\n' "$m" "$2" "$3" >>"$1"
    done
}
mkconf "$tmp/ok.conf" 1000000 2000000
"$BIN" --demo --config "$tmp/ok.conf" --check >"$tmp/check.out"
expect_eq "--check exits 0 when every metric is ok" 0 $?
expect_eq "--check prints one line per metric" 5 "$(grep -c '^OK ' "$tmp/check.out")"
mkconf "$tmp/warn.conf" 0 1000000
"$BIN" --demo --config "$tmp/warn.conf" --check >"$tmp/check.out"
expect_eq "--check exits 1 on a warning" 1 $?
check "--check names the warning" grep -q '^WARNING cpu api' "$tmp/check.out"
mkconf "$tmp/crit.conf" -2 -1
"$BIN" --demo --config "$tmp/crit.conf" --check >"$tmp/check.out"
expect_eq "--check exits 2 on a critical" 2 $?
FORGETOP_TEST_SOURCE=fail "$BIN" --demo --config "$tmp/ok.conf" --check >"$tmp/check.out"
expect_eq "--check exits 3 when a source cannot be read" 3 $?
check "--check says which source and why" grep -q 'UNKNOWN source testsrc failing: .*refused' "$tmp/check.out"

# A hung source cannot hold --once beyond its deadline.
start=$(date +%s)
printf '[forgetop]\nconnect_timeout = 1\nrequest_timeout = 1\n' >"$tmp/fast.conf"
FORGETOP_TEST_SOURCE=hang timeout 20 "$BIN" --demo --config "$tmp/fast.conf" --once --json >"$tmp/hang.json"
expect_eq "--once with a hung source still exits 0" 0 $?
took=$(($(date +%s) - start))
check "--once with a hung source returns within its deadline (${took}s)" test "$took" -le 6
expect_eq "the hung source is reported failing" "failing" \
    "$(json_get "$tmp/hang.json" '[s for s in d["sources"] if s["name"]=="testsrc"][0]["state"]')"
expect_eq "the demo still answers beside it" "ok" \
    "$(json_get "$tmp/hang.json" '[s for s in d["sources"] if s["name"]=="demo"][0]["state"]')"

# A bad config line: FILE:LINE, non-zero, before any terminal output.
printf '[forgetop]\ndelay = 2\n[metric cpu]\nwarning = high\n' >"$tmp/bad.conf"
"$BIN" --demo --config "$tmp/bad.conf" --once --json >"$tmp/bad.out" 2>"$tmp/bad.err"
rc=$?
check "a bad config line exits non-zero" test "$rc" -ne 0
check "the error names the file and line ($(cat "$tmp/bad.err"))" grep -q "$tmp/bad.conf:4:" "$tmp/bad.err"
check "nothing reached stdout" test ! -s "$tmp/bad.out"
mkdir -p "$tmp/xdg2/forgetop"
printf '[nonsense]\n' >"$tmp/xdg2/forgetop/forgetop.conf"
XDG_CONFIG_HOME=$tmp/xdg2 "$BIN" --demo --once --json >/dev/null 2>"$tmp/xdg.err"
check "the XDG config file is read by default" grep -q "xdg2/forgetop/forgetop.conf:1:" "$tmp/xdg.err"
"$BIN" --config "$tmp/missing.conf" --demo --once >/dev/null 2>"$tmp/miss.err"
check "a missing --config file is an error that names it" grep -q "missing.conf" "$tmp/miss.err"

# A production target can be made read-only by the config alone.
printf '[forgetop]\nproduction_pattern = *prod*\nproduction_read_only = true\n[kube]\nnamespace = open-forge-prod\n' >"$tmp/prod.conf"
"$BIN" --demo --config "$tmp/prod.conf" --once --json >"$tmp/prod.json"
expect_eq "a namespace matching production_pattern is production" "True" "$(json_get "$tmp/prod.json" 'd["production"]')"
expect_eq "...and read-only by config alone" "True" "$(json_get "$tmp/prod.json" 'd["read_only"]')"
"$BIN" --demo --once --json >"$tmp/dev.json"
expect_eq "the demo's open-forge is not production" "False" "$(json_get "$tmp/dev.json" 'd["production"]')"
FORGETOP_READ_ONLY=1 "$BIN" --demo --once --json >"$tmp/ro.json"
expect_eq "FORGETOP_READ_ONLY=1 is read-only" "True" "$(json_get "$tmp/ro.json" 'd["read_only"]')"

# The command line.
"$BIN" --help >"$tmp/help.out"
expect_eq "--help exits 0" 0 $?
for f in --demo --kubeconfig --context --namespace --compose-project --compose-file --redis \
    --postgres --pgbouncer --prometheus --config --read-only --delay --theme --once --json --check; do
    check "--help lists $f" grep -q -- "$f" "$tmp/help.out"
done
check "--version prints a version" bash -c "'$BIN' --version | grep -Eq '^forgetop [0-9]+\.[0-9]+'"
"$BIN" --bogus 2>"$tmp/bogus.err"
check "an unknown option is refused with a pointer to --help" grep -q -- "--bogus.*--help" "$tmp/bogus.err"
HOME=$tmp/home "$BIN" --once --json >/dev/null 2>"$tmp/none.err"
check "no source and no kubeconfig: a non-zero exit" test $? -ne 0
check "...that suggests --demo" grep -q -- "--demo" "$tmp/none.err"
finish
