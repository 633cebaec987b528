#!/usr/bin/env bash
# audit.sh - the audit log stays valid JSON lines whatever the disk does: on a small tmpfs
# (in a user and mount namespace of its own, so it needs no root and leaves nothing
# mounted) records are written until the disk is full; the refused one leaves no half
# line, and once there is room the next record is whole and on a line of its own. A log
# left with a cut line by someone else is mended the same way.
source "$(dirname "$0")/../lib.sh"
PROBE=$(probe_path audit_probe) || { not_ok "build audit_probe"; finish; }
DIR=$(scratch)
valid_lines() { # every line of FILE is a JSON object with a time: prints the count
    python3 -c '
import json, sys
n = 0
for line in open(sys.argv[1], "rb").read().split(b"\n")[:-1]:
    o = json.loads(line); assert "time" in o; n += 1
print(n)' "$1"
}
cat >"$DIR/full.sh" <<SH
set -e
mount -t tmpfs -o size=16k tmpfs "$DIR/mnt"
"$PROBE" "$DIR/mnt/audit.log" 1000 200 >"$DIR/fill.out" || true
cp "$DIR/mnt/audit.log" "$DIR/after-full.log"
# room again: a small filler forgetop did not write is removed
head -c 4096 /dev/zero >"$DIR/mnt/filler" 2>/dev/null || true
"$PROBE" "$DIR/mnt/audit.log" 1 200 >"$DIR/refused.out" || true
rm -f "$DIR/mnt/filler"
truncate -s -5000 "$DIR/mnt/audit.log" # room, by cutting mid-line as a kill would
"$PROBE" "$DIR/mnt/audit.log" 1 10 >"$DIR/again.out"
cp "$DIR/mnt/audit.log" "$DIR/final.log"
umount "$DIR/mnt"
SH
mkdir -p "$DIR/mnt"
unshare -rm bash "$DIR/full.sh" 2>"$DIR/full.err" || { not_ok "the tmpfs run"; sed 's/^/# /' "$DIR/full.err"; }
diag "$(tail -1 "$DIR/fill.out")"
check "the full disk refused a record, and said so" grep -q "^fail .*No space left on device" "$DIR/fill.out"
n_ok=$(grep -c '^ok ' "$DIR/fill.out")
expect_eq "every record written before it is whole and valid JSON" "$n_ok" "$(valid_lines "$DIR/after-full.log")"
check "the log ends on a line end: no half line was left" \
    bash -c "[ \"\$(tail -c 1 '$DIR/after-full.log' | od -An -c | tr -d ' ')\" = '\\n' ]"
check "the record refused on a full disk is reported" grep -q "^fail 0" "$DIR/refused.out"
check "once there is room the next record is written" grep -q "^ok 0" "$DIR/again.out"
# the cut line (as a kill mid-write leaves it) stays unreadable, the new record is whole
python3 - "$DIR/final.log" <<'PY' && ok "after a cut line, the next record is whole on a line of its own" || not_ok "after a cut line, the next record is whole on a line of its own"
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
assert lines[-1] == b"", "ends with a newline"
last = json.loads(lines[-2]); assert last["reason"] == "r" * 10
bad = [l for l in lines[:-2] if l]
broken = 0
for l in bad:
    try: json.loads(l)
    except ValueError: broken += 1
assert broken == 1, broken
PY
finish
