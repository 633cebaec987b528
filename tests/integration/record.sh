#!/usr/bin/env bash
# record.sh - --record and --replay on the demo: a --once run replays to the very JSON it
# printed; the dashboard recording in tmux, killed with SIGKILL, replays up to its last
# poll and at a time in the middle; a scale attempt lands in the audits table; the size
# and age bounds drop the oldest frames; a password given to a source is nowhere in the
# file; a file that is not a recording is a clear error.
source "$(dirname "$0")/../lib.sh"
S=$(scratch)
SOCK="forgetop-rec-$$"
TM() { tmux -L "$SOCK" -f /dev/null "$@"; }
on_exit "tmux -L '$SOCK' kill-server"
export XDG_STATE_HOME="$S/state" XDG_CONFIG_HOME="$S/config"
unset FORGETOP_READ_ONLY
q() { sqlite3 "file:$1?mode=ro" "$2" 2>/dev/null; } # q FILE SQL
# the parts of the document the world computes (not its generated time or read-only flag)
world_part() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
print(json.dumps({k: d[k] for k in ("services","metrics","facts","alerts","advice","sources","context")}, sort_keys=True, indent=1))' "$1"
}

# ---- one poll: the replay prints what live printed ------------------------------------
"$BIN" --demo --seed 3 --once --json --record "$S/once.db" >"$S/live.json" 2>"$S/live.err"
check "--once --json --record exits 0" test -s "$S/live.json"
"$BIN" --replay "$S/once.db" --once --json >"$S/replay.json" 2>"$S/replay.err"
world_part "$S/live.json" >"$S/live.part"; world_part "$S/replay.json" >"$S/replay.part"
if diff "$S/live.part" "$S/replay.part" >"$S/once.diff"; then
    ok "the replayed JSON equals the live one: services, metrics, bands, advice, sources"
else
    not_ok "the replayed JSON equals the live one"; head -20 "$S/once.diff" | sed 's/^/# /'
fi
check "the comparison compares something: services and metrics with values" \
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["services"])>=3 and any(m.get("value") is not None for m in d["metrics"])' "$S/replay.json"
expect_eq "a replay is read-only" True "$(json_get "$S/replay.json" 'd["read_only"]')"
expect_eq "its time is the recording's" "$(json_get "$S/live.json" 'd["generated_at"]')" \
    "$(json_get "$S/replay.json" 'd["generated_at"]')"
expect_eq "the file is in WAL mode" wal "$(q "$S/once.db" 'PRAGMA journal_mode')"

# ---- the dashboard recorded in tmux, then SIGKILL ---------------------------------------
REC="$S/dash.db"
TM new-session -d -s dash -x 100 -y 30 \
    "echo \$\$ >'$S/dash.pid'; exec env LANG=C.UTF-8 TERM=xterm-256color '$BIN' --demo --seed 1 --demo-speed 30 -d 0.5 --record '$REC'"
frames() { q "$1" 'SELECT count(*) FROM frames'; }
check "the dashboard records frames as it polls" wait_for 20 sh -c "[ \"\$(sqlite3 'file:$REC?mode=ro' 'SELECT count(*) FROM frames' 2>/dev/null || echo 0)\" -ge 8 ]"
# a scale attempt: + then Escape cancels it at the confirmation (declined), in the audits
TM send-keys -t dash / a p i Enter; sleep 0.5; TM send-keys -t dash +; sleep 0.8; TM send-keys -t dash Escape
check "a declined scale attempt is in the audits table" wait_for 10 sh -c "[ \"\$(sqlite3 'file:$REC?mode=ro' 'SELECT count(*) FROM audits' 2>/dev/null || echo 0)\" -ge 1 ]"
check "the audit record names its target and result" sh -c "sqlite3 'file:$REC?mode=ro' 'SELECT json FROM audits' | grep -q '\"target\":\"api\".*\"result\":\"declined\"'"
n_at=$(frames "$REC") # a few polls after the attempt, so the timeline has an after
wait_for 10 sh -c "[ \"\$(sqlite3 'file:$REC?mode=ro' 'SELECT count(*) FROM frames' 2>/dev/null || echo 0)\" -ge $((n_at + 5)) ]"
n_st=$(q "$REC" 'SELECT count(*) FROM statuses'); n_fr=$(frames "$REC")
check "status rows only on a change, not every poll: $n_st for $n_fr frames" test "$n_st" -lt $((n_fr / 2))
check "each frame row carries its poll's last_ok" test "$(q "$REC" 'SELECT count(*) FROM frames WHERE ok IS NULL OR ok > t')" = 0
before=$(frames "$REC")
kill -9 "$(cat "$S/dash.pid")"
wait_for 5 sh -c "! kill -0 $(cat "$S/dash.pid") 2>/dev/null"
n_after=$(frames "$REC")
check "after SIGKILL the file opens and keeps every committed poll ($n_after >= $before)" test "${n_after:-0}" -ge "$before"
"$BIN" --replay "$REC" --once --json >"$S/killed.json" 2>"$S/killed.err"
check "the killed recorder's file replays" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["services"])>=3' "$S/killed.json"
last=$(q "$REC" 'SELECT max(t) FROM frames')
expect_eq "it replays up to its last poll" "$(python3 -c "import math;print(math.floor($last))")" \
    "$(json_get "$S/killed.json" 'int(d["generated_at"])')"
mid_id=$(q "$REC" 'SELECT id FROM frames ORDER BY t LIMIT 1 OFFSET 4')
mid=$(q "$REC" "SELECT printf('%!.17g', t) FROM frames WHERE id = $mid_id") # exact: --at is inclusive
"$BIN" --replay "$REC" --once --json --at "$mid" >"$S/mid.json" 2>"$S/mid.err"
expect_eq "--at a time in the middle gives the document of that time" \
    "$(python3 -c "import math;print(math.floor($mid))")" "$(json_get "$S/mid.json" 'int(d["generated_at"])')"
sec=$(python3 -c "import math;print(math.ceil($mid))") # the second after mid: that poll is the last in
loc=$(TZ=Asia/Kolkata python3 -c "import time;print(time.strftime('%H:%M:%S', time.localtime($sec)))")
utc=$(python3 -c "import time;print(time.strftime('%H:%M:%S', time.gmtime($sec)))")
TZ=Asia/Kolkata "$BIN" --replay "$REC" --once --json --at "$loc" >"$S/loc.json" 2>"$S/loc.err"
TZ=Asia/Kolkata "$BIN" --replay "$REC" --once --json --at "${utc}Z" >"$S/utc.json" 2>"$S/utc.err"
"$BIN" --replay "$REC" --once --json --at "$sec" >"$S/sec.json" 2>/dev/null
expect_eq "TZ=Asia/Kolkata --at $loc (local) is unix $sec" "$sec" "$(json_get "$S/loc.json" 'int(d["generated_at"])')"
expect_eq "TZ=Asia/Kolkata --at ${utc}Z (UTC) is the same second" "$sec" "$(json_get "$S/utc.json" 'int(d["generated_at"])')"
world_part "$S/loc.json" >"$S/loc.part"; world_part "$S/sec.json" >"$S/sec.part"
check "and the same document as --at $sec" cmp -s "$S/loc.part" "$S/sec.part"
TZ=America/New_York "$BIN" --replay "$REC" --once --json --at "$loc" >"$S/ny.json" 2>/dev/null
check "in another zone the same clock text is another instant" sh -c "[ \"\$(python3 -c 'import json;print(int(json.load(open(\"$S/ny.json\"))[\"generated_at\"]))')\" != $sec ]"
# the world at --at is the world of a recording that ended then: nothing later leaks in
cp "$REC" "$S/cut.db"; [ -f "$REC-wal" ] && cp "$REC-wal" "$S/cut.db-wal"
sqlite3 "$S/cut.db" "DELETE FROM frames WHERE id > $mid_id; DELETE FROM statuses WHERE t > (SELECT t FROM frames WHERE id = $mid_id)"
"$BIN" --replay "$S/cut.db" --once --json >"$S/cut.json" 2>/dev/null
world_part "$S/mid.json" >"$S/mid.part"; world_part "$S/cut.json" >"$S/cut.part"
if diff "$S/mid.part" "$S/cut.part" >"$S/cut.diff"; then ok "--at a time equals the replay of the file cut at that time"
else not_ok "--at a time equals the replay of the file cut at that time"; head -10 "$S/cut.diff" | sed 's/^/# /'; fi
world_part "$S/killed.json" >"$S/killed.part"
check "and differs from the end (the demo moved on)" sh -c "! cmp -s '$S/mid.part' '$S/killed.part'"
"$BIN" --replay "$REC" --check --at -1s >"$S/check.out"; rc=$?
check "--replay --check gives a Nagios code (0-2) and lines" sh -c "[ $rc -le 2 ] && [ -s '$S/check.out' ]"
"$BIN" --replay "$REC" --once --json --at soon >/dev/null 2>"$S/soon.err"; rc=$?
check "--at that is not a time is refused (exit $rc), naming the forms" sh -c "[ $rc -ne 0 ] && grep -q 'not a time: write 03:12' '$S/soon.err'"

"$BIN" --replay "$REC" --summary >"$S/summary.out" 2>&1
# breaches: a threshold at the median of api's cpu over the polls splits them; --summary's
# first, last and count must be those of the polls --at judges warning, one by one
q "$REC" "SELECT printf('%!.17g', t) FROM frames ORDER BY t" >"$S/times"
while read -r t; do
    "$BIN" --replay "$REC" --once --json --at "$t" 2>/dev/null |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(sys.argv[1], [m["value"] for m in d["metrics"] if m["id"] == "cpu"][0])' "$t"
done <"$S/times" >"$S/cpu.values"
med=$(python3 -c 'import sys; v=sorted(float(l.split()[1]) for l in open(sys.argv[1])); print(v[len(v)//2])' "$S/cpu.values")
printf '[metric cpu]\nwarning = %s\ncritical = 100000\n' "$med" >"$S/median.conf"
while read -r t; do # each poll's band as the live screen judges it (hysteresis and all)
    "$BIN" --config "$S/median.conf" --current-config --replay "$REC" --once --json --at "$t" 2>/dev/null |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print(sys.argv[1], [m["band"] for m in d["metrics"] if m["id"] == "cpu"][0])' "$t"
done <"$S/times" >"$S/cpu.bands"
want=$(python3 -c '
import sys, time
above = [float(t) for t, b in (l.split() for l in open(sys.argv[1])) if b in ("warning", "critical")]
f = lambda t: time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime(int(t)))
print(f"metric cpu of api: first {f(above[0])} (warning), last {f(above[-1])}, worst warning, in {len(above)} polls")' "$S/cpu.bands")
"$BIN" --config "$S/median.conf" --replay "$REC" --summary --current-config >"$S/median.out" 2>&1
if grep -qF "  $want" "$S/median.out"; then
    ok "--summary: first and last breach of cpu at a median threshold, as --at judged each poll ($want)"
else
    not_ok "--summary: first and last breach of cpu at a median threshold, as --at judged each poll ($want)"
    sed 's/^/# /' "$S/median.out" "$S/cpu.bands"
fi
check "the threshold split the polls (neither none nor all above it)" sh -c "! grep -q 'in $(wc -l <"$S/times") polls' '$S/median.out' && grep -q 'metric cpu of api' '$S/median.out'"
check "--summary says which config judged" grep -q "^judged by: this machine's config (--current-config)" "$S/median.out"
check "by default the recorded config judges" grep -q "^judged by: the recorded config (of " "$S/summary.out"
check "--summary names the span and the demo source" sh -c "grep -q '^span: .* UTC' '$S/summary.out' && grep -q '^source 0: demo' '$S/summary.out'"
check "--summary lists the declined scale attempt" grep -q '"target":"api".*"result":"declined"' "$S/summary.out"

# ---- the replay dashboard: badge, stepping, go to a time, no scaling ------------------------
# the badge and typed times are local, like the header clock: a zone with a half hour
export TZ=Asia/Kolkata
hms() { python3 -c "import time,sys; print(time.strftime('%H:%M:%S', time.localtime(int(float(sys.argv[1])))))" "$1"; }
badge() { tmux -L "$SOCK" capture-pane -p -t rp | head -1 | grep -oE 'REPLAY [0-9:]+ (\|\||x[0-9]+)'; }
shows_badge() { [ "$(badge)" = "$1" ]; }
AUDIT="$XDG_STATE_HOME/forgetop/audit.log"
audit_lines=$(wc -l <"$AUDIT" 2>/dev/null || echo 0)
rec_audits=$(q "$REC" 'SELECT count(*) FROM audits')
sum_before=$(cat "$REC"* | md5sum)
TM new-session -d -s rp -x 100 -y 30 "exec env TZ=$TZ LANG=C.UTF-8 TERM=xterm-256color '$BIN' --replay '$REC' --at '$mid'"
if wait_for 10 shows_badge "REPLAY $(hms "$mid") ||"; then ok "the replay opens paused at --at: REPLAY $(hms "$mid") ||"
else not_ok "the replay opens paused at --at ($(badge))"; TM capture-pane -p -t rp | sed 's/^/# /'; fi
check "the replayed services table is drawn" wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rp | grep -q ' api '"
t5=$(q "$REC" 'SELECT t FROM frames ORDER BY t LIMIT 1 OFFSET 5'); t9=$(q "$REC" 'SELECT t FROM frames ORDER BY t LIMIT 1 OFFSET 8')
TM send-keys -t rp .
check ". steps one poll forward (to $(hms "$t5"))" wait_for 5 shows_badge "REPLAY $(hms "$t5") ||"
TM send-keys -t rp . . . . ,
check ". . . . , (four on, one back) lands three polls on, at $(hms "$t9")" wait_for 5 shows_badge "REPLAY $(hms "$t9") ||"
first=$(q "$REC" 'SELECT min(t) FROM frames')
TM send-keys -t rp '{'
check "{ (10 minutes back) stops at the recording's start" wait_for 5 shows_badge "REPLAY $(hms "$first") ||"
TM send-keys -t rp : - 0 s Enter
check ": -0s Enter goes to the end" wait_for 5 shows_badge "REPLAY $(hms "$last") ||"
t3=$(q "$REC" 'SELECT t FROM frames ORDER BY t LIMIT 1 OFFSET 3')
TM send-keys -t rp : $(hms "$t3" | sed 's/./& /g') Enter
check ": $(hms "$t3") Enter (local, as the badge) goes to that poll" wait_for 5 shows_badge "REPLAY $(hms "$t3") ||"
TM send-keys -t rp : $(TZ=UTC hms "$t3" | sed 's/./& /g') Z Enter
check ": $(TZ=UTC hms "$t3")Z Enter (UTC) goes to the same poll" wait_for 5 shows_badge "REPLAY $(hms "$t3") ||"
TM send-keys -t rp S
check "S says the replay judges by the recorded config" wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rp | grep -q 'Replay: judged by the recorded config (of '"
TM send-keys -t rp Escape
# the scale attempt on the timeline: ) goes to it, the detail lists it from then on
ta=$(q "$REC" 'SELECT t FROM audits ORDER BY t LIMIT 1')
pane() { tmux -L "$SOCK" capture-pane -p -t rp; }
check "under the header a strip with the recorded scale attempt" wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rp | sed -n 3p | grep -q '\*.* 1 scale attempt, ( ) go to one'"
TM send-keys -t rp '{' ')'
check ") goes to the scale attempt's time, $(hms "$ta")" wait_for 5 shows_badge "REPLAY $(hms "$ta") ||"
check "and says what it was" wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rp | grep -q 'scale attempt: api [0-9]* -> [0-9]*, declined'"
TM send-keys -t rp / a p i Enter Enter
check "api's detail lists it with its outcome" wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rp | grep -q '^scaled  *$(hms "$ta")  [0-9]* -> [0-9]*  declined'"
TM send-keys -t rp ,
check "one poll before it, the detail does not list it yet" wait_for 5 sh -c "! tmux -L '$SOCK' capture-pane -p -t rp | grep -q '^scaled '"
TM send-keys -t rp : - 0 s Enter
check "at the end, $(hms "$last")" wait_for 5 shows_badge "REPLAY $(hms "$last") ||"
check "a second or more after the attempt" test "$(hms "$last")" != "$(hms "$ta")"
TM send-keys -t rp '('
check "( comes back to it" wait_for 5 shows_badge "REPLAY $(hms "$ta") ||"
TM send-keys -t rp Escape Escape
TM send-keys -t rp '{' p
check "p plays at x1" wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rp | head -1 | grep -q 'REPLAY [0-9:]* x1 '"
TM send-keys -t rp '>' '>'
check "> > plays at x5" wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rp | head -1 | grep -q 'REPLAY [0-9:]* x5 '"
TM send-keys -t rp / a p i Enter; sleep 0.3; TM send-keys -t rp +; sleep 0.3; TM send-keys -t rp y
check "+ y in a replay says it is read-only" wait_for 5 sh -c "tmux -L '$SOCK' capture-pane -p -t rp | grep -q 'a replay is read-only'"
check "no confirmation was opened" sh -c "! tmux -L '$SOCK' capture-pane -p -t rp | grep -q 'Scale api?'"
TM send-keys -t rp q
wait_for 5 sh -c "! tmux -L '$SOCK' has-session -t rp 2>/dev/null"
expect_eq "the audit log is untouched by the replay" "$audit_lines" "$(wc -l <"$AUDIT" 2>/dev/null || echo 0)"
expect_eq "the recording's audits table is unchanged" "$rec_audits" "$(q "$REC" 'SELECT count(*) FROM audits')"
expect_eq "the recording's files are byte for byte unchanged" "$sum_before" "$(cat "$REC"* | md5sum)"

# ---- the recorded config judges the replay ------------------------------------------------
printf '[metric cpu]\nwarning = 1\ncritical = 2\n' >"$S/strict.conf"
"$BIN" --config "$S/strict.conf" --demo --once --json --record "$S/cfg.db" >"$S/cfg-live.json" 2>/dev/null
cpu() { json_get "$1" '[m["band"] + "/" + str(m["warning"]) for m in d["metrics"] if m["id"] == "cpu"][0]'; }
expect_eq "live with warning = 1: cpu is critical" "critical/1" "$(cpu "$S/cfg-live.json")"
expect_eq "the run's config is recorded once" 1 "$(q "$S/cfg.db" 'SELECT count(*) FROM configs')"
"$BIN" --replay "$S/cfg.db" --once --json >"$S/cfg-rec.json" 2>/dev/null
expect_eq "replayed on a machine without that config: judged by the recorded one" "critical/1" "$(cpu "$S/cfg-rec.json")"
world_part "$S/cfg-live.json" >"$S/cfg-live.part"; world_part "$S/cfg-rec.json" >"$S/cfg-rec.part"
check "and the whole document equals the live one" cmp -s "$S/cfg-live.part" "$S/cfg-rec.part"
"$BIN" --replay "$S/cfg.db" --once --json --current-config >"$S/cfg-cur.json" 2>/dev/null
expect_eq "--current-config judges by this machine's (the default warning 70)" 70 "$(json_get "$S/cfg-cur.json" '[m["warning"] for m in d["metrics"] if m["id"] == "cpu"][0]')"

# ---- bounds: size and age -----------------------------------------------------------------
cat >"$S/bound.conf" <<CONF
[forgetop]
record = $S/bound.db
record_max_mb = 0.15
record_max_hours = 0.002
CONF
TM new-session -d -s bound -x 100 -y 30 \
    "echo \$\$ >'$S/bound.pid'; exec env LANG=C.UTF-8 TERM=xterm-256color '$BIN' --config '$S/bound.conf' --demo --demo-speed 30 -d 0.3"
check "the bounded recording drops its first frame" wait_for 30 sh -c "[ \"\$(sqlite3 'file:$S/bound.db?mode=ro' 'SELECT min(id) FROM frames' 2>/dev/null || echo 1)\" -gt 1 ]"
sleep 8 # past the age bound (7.2 s) with polls going on
kill -9 "$(cat "$S/bound.pid")"
span=$(q "$S/bound.db" 'SELECT max(t) - min(t) FROM frames')
check "the age bound keeps at most 7.2 s and a key period (1.8 s) of frames (span $span s)" \
    python3 -c "import sys; sys.exit(0 if 0 < float('$span') <= 7.2 + 1.8 + 0.5 else 1)"
used=$(q "$S/bound.db" 'SELECT (SELECT page_count FROM pragma_page_count()) - (SELECT freelist_count FROM pragma_freelist_count()) ')
psize=$(q "$S/bound.db" 'PRAGMA page_size')
check "the size in use stays under record_max_mb (+ one poll): $((used * psize)) bytes" \
    test $((used * psize)) -le $((157286 + 65536))
check "what is left of a bounded file replays" sh -c "'$BIN' --replay '$S/bound.db' --once --json | grep -q '\"services\"'"

# ---- secrets never recorded -------------------------------------------------------------
port=$(free_port)
"$BIN" --demo --redis "redis://opsuser:S3cretPassw0rd@127.0.0.1:$port/0" --postgres \
    "host=127.0.0.1 port=$port user=forge password=Pg5ecretW0rd dbname=x connect_timeout=1" \
    --once --json --record "$S/secret.db" >/dev/null 2>&1
check "the failing sources' statuses are recorded" sh -c "[ \"\$(sqlite3 'file:$S/secret.db?mode=ro' 'SELECT count(*) FROM statuses')\" -ge 3 ]"
if cat "$S/secret.db"* | grep -qaE 'S3cretPassw0rd|Pg5ecretW0rd'; then
    not_ok "no password given to a source is in the recording"
else
    ok "no password given to a source is in the recording (file and WAL grepped)"
fi
check "the recorded config is there, its connection strings as <set>" sh -c "sqlite3 'file:$S/secret.db?mode=ro' 'SELECT text FROM configs' | grep -q '^url = <set>'"

# ---- damaged files -------------------------------------------------------------------------
head -c 5000 /dev/urandom >"$S/noise.db"
"$BIN" --replay "$S/noise.db" --once --json >/dev/null 2>"$S/noise.err"; rc=$?
check "a file that is not a recording exits non-zero" test "$rc" -ne 0
check "and says so" grep -q "is not a forgetop recording" "$S/noise.err"
cp "$S/once.db" "$S/broken.db"
sqlite3 "$S/broken.db" "UPDATE frames SET z = x'789c0011223344' WHERE id = 1" 2>/dev/null
"$BIN" --replay "$S/broken.db" --once --json >"$S/broken.json" 2>"$S/broken.err"
check "a damaged frame is reported on stderr" grep -q "1 damaged frames skipped" "$S/broken.err"
check "and the replay still prints a document" grep -q '"services"' "$S/broken.json"
finish
