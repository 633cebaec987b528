#!/usr/bin/env bash
# print-config.sh - `forgetop --print-config` prints the settings in force in the file's
# syntax, each preceded by where it came from (# default, # FILE:LINE, # --flag, the
# environment), secrets as <set>; every key etc/forgetop.conf documents is printed; and
# the output read back with --config gives the same settings (printed again: the same).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
tmp=$(scratch)
export HOME="$tmp" XDG_CONFIG_HOME="$tmp/xdg"
unset FORGETOP_READ_ONLY

# origin_of FILE SECTION KEY : the comment line above KEY in [SECTION] ("" when absent).
origin_of() {
    awk -v sec="[$2]" -v key="$3" '
        /^\[/ { in_sec = ($0 == sec) }
        in_sec && /^# / { last = substr($0, 3) }
        in_sec && $1 == key && $2 == "=" { print last; exit }' "$1"
}
# value_of FILE SECTION KEY : the value of KEY in [SECTION].
value_of() {
    awk -v sec="[$2]" -v key="$3" '
        /^\[/ { in_sec = ($0 == sec) }
        in_sec && $1 == key && $2 == "=" { sub(/^[^=]*= ?/, ""); print; exit }' "$1"
}
# settings FILE : the settings alone (no comment lines), to compare two printouts.
settings() { grep -v '^[#;]' "$1"; }

"$BIN" --print-config >"$tmp/defaults.out" 2>"$tmp/defaults.err"
expect_eq "--print-config with no file exits 0" "0" "$?"
expect_eq "the refresh interval is the default 2" "2" "$(value_of "$tmp/defaults.out" forgetop delay)"
expect_eq "...and says so" "default" "$(origin_of "$tmp/defaults.out" forgetop delay)"
expect_eq "mouse is on by default" "true" "$(value_of "$tmp/defaults.out" forgetop mouse)"

# Every key etc/forgetop.conf documents ("#key = default" under its section) is printed.
# (select_policy sets both directions: scale_up_select and scale_down_select say it exactly.)
missing=$(awk '/^\[/ { sec = $0 } /^#[a-z_]+ =/ { k = substr($1, 2); print sec "\t" k }' etc/forgetop.conf |
    grep -v 'select_policy$' | sort -u | while IFS=$'\t' read -r sec key; do
        s=${sec#[}; s=${s%]}
        [ -n "$(origin_of "$tmp/defaults.out" "$s" "$key")" ] || printf '%s ' "$sec $key"
    done)
expect_eq "every key documented in etc/forgetop.conf is printed" "" "$missing"
check "no key lacks a printer" bash -c "! grep -q 'cannot print' '$tmp/defaults.out'"

cat >"$tmp/site.conf" <<'EOF'
; a site's settings
[forgetop]
delay = 3
theme = light
users = 120

[metric cpu]
warning = 65.5
query = sum(rate(container_cpu_usage_seconds_total{namespace="open-forge", container="api"}[5m]))
    / sum(kube_pod_container_resource_requests{namespace="open-forge", container="api", resource="cpu"})
    * 100

[service api]
min = 4
scale_down = 20% per 60s, 2 pods per 120s
scale_down_window = 10m

[service reports]
rule = queue
queue_metric = queue_depth
per_replica = 25
max = 8

[tier huge]
users = 5000+
api = 40

[redis]
url = redis://:hunter2@cache:6379/0
queues = agent:tasks:pending, reports:pending

[health]
url = http://api:8000/health
url = http://agent:8001/health
EOF
"$BIN" --config "$tmp/site.conf" -d 5 -R --seed 7 --print-config >"$tmp/site.out" 2>"$tmp/site.err"
expect_eq "--print-config with a file and flags exits 0" "0" "$?"
expect_eq "a flag wins over the file: delay 5" "5" "$(value_of "$tmp/site.out" forgetop delay)"
expect_eq "...and the comment names the flag" "--delay" "$(origin_of "$tmp/site.out" forgetop delay)"
expect_eq "-R is named by its long flag" "--read-only" "$(origin_of "$tmp/site.out" forgetop read_only)"
expect_eq "--seed too" "--seed" "$(origin_of "$tmp/site.out" demo seed)"
expect_eq "a file's key names the file and its line (theme, line 4)" "site.conf:4" \
    "$(origin_of "$tmp/site.out" forgetop theme)"
expect_eq "a metric's key names its line (warning, line 8)" "site.conf:8" \
    "$(origin_of "$tmp/site.out" "metric cpu" warning)"
expect_eq "a key the file leaves alone is a default (critical of cpu)" "default" \
    "$(origin_of "$tmp/site.out" "metric cpu" critical)"
expect_eq "a service the file adds is printed with its keys" "25" \
    "$(value_of "$tmp/site.out" "service reports" per_replica)"
expect_eq "policies are printed as the file reads them" "20% per 60s, 2 pods per 120s" \
    "$(value_of "$tmp/site.out" "service api" scale_down)"
expect_eq "the secret connection string is <set>" "<set>" "$(value_of "$tmp/site.out" redis url)"
check "...and the password appears nowhere" bash -c "! grep -q hunter2 '$tmp/site.out'"
expect_eq "both health URLs are printed, one a line" "2" \
    "$(sed -n '/^\[health\]/,/^\[/p' "$tmp/site.out" | grep -c '^url = <set>')"
FORGETOP_READ_ONLY=1 "$BIN" --print-config >"$tmp/env.out"
expect_eq "FORGETOP_READ_ONLY is named as the origin" "FORGETOP_READ_ONLY" \
    "$(origin_of "$tmp/env.out" forgetop read_only)"

# Round trip, without the secret (which is printed as <set> on purpose).
grep -v hunter2 "$tmp/site.conf" | sed 's/^url = http/url = http/' >"$tmp/plain.conf"
sed -i '/^\[health\]/,$d' "$tmp/plain.conf"
"$BIN" --config "$tmp/plain.conf" -d 5 -R --print-config >"$tmp/first.conf"
"$BIN" --config "$tmp/first.conf" --print-config >"$tmp/second.conf" 2>"$tmp/second.err"
expect_eq "the printout reads back as a config file" "0" "$?"
sed 's/^/# /' "$tmp/second.err" | head -5
if diff <(settings "$tmp/first.conf") <(settings "$tmp/second.conf") >"$tmp/rt.diff"; then
    ok "read back with --config, it gives the same settings"
else
    not_ok "read back with --config, it gives the same settings"
    sed 's/^/# /' "$tmp/rt.diff" | head -20
fi
expect_eq "...the long query included, whole" \
    "$(value_of "$tmp/first.conf" "metric cpu" query)" "$(value_of "$tmp/second.conf" "metric cpu" query)"
expect_eq "the second printout names the first as the origin of delay" "first.conf:$(grep -n '^delay = 5$' "$tmp/first.conf" | cut -d: -f1)" \
    "$(origin_of "$tmp/second.conf" forgetop delay)"
"$BIN" --config "$tmp/first.conf" --once --json --demo >"$tmp/a.json" 2>/dev/null
"$BIN" --config "$tmp/plain.conf" -d 5 -R --once --json --demo >"$tmp/b.json" 2>/dev/null
expect_eq "the same settings give the same read-only flag in --once --json" \
    "$(json_get "$tmp/b.json" 'd.get("read_only")')" "$(json_get "$tmp/a.json" 'd.get("read_only")')"
finish
