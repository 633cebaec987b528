#!/usr/bin/env bash
# run-all.sh - tests/run-all's judgement of suites, on suites made to misbehave: one that
# stops early with status 0 (its dashboard killed, a stray exit), one whose plan and
# checks disagree, one that fails, one that crashes, and one that is well; only the last
# may read as passed, and the closing line and exit status must say so.
source "$(dirname "$0")/../lib.sh"
DIR=$(scratch)
LIB=$(cd "$(dirname "$0")/.." && pwd)/lib.sh
suite() { printf '#!/usr/bin/env bash\nsource %q\n%s\n' "$LIB" "$2" >"$DIR/$1.sh"; }
suite well 'ok "one"; ok "two"; finish'
suite early 'ok "one"; exit 0; ok "two"; finish'
suite miscount 'ok "one"; echo "1..3"; exit 0'
suite fails 'ok "one"; not_ok "two"; finish'
suite crash 'ok "one"; kill -SEGV $$'
ALL="$DIR/well.sh $DIR/early.sh $DIR/miscount.sh $DIR/fails.sh $DIR/crash.sh"
rc=0
FORGETOP_SUITES=$ALL TEST_OUT="$DIR/out" FORGETOP_JOBS=2 "$(dirname "$0")/../run-all" >"$DIR/report" 2>&1 || rc=$?
sed 's/^/# /' "$DIR/report"
line() { grep -E "^$1 " "$DIR/report" | sed -E 's/ +[0-9]+s$//; s/  +/ /g'; }
expect_eq "a well suite passes with its two checks" "well 2 passed, 0 failed" "$(line well)"
expect_eq "a suite that stops early with status 0 is a failure" "early 1 passed, 1 failed" "$(line early)"
check "...saying it stopped before its plan" grep -q "early stopped before its end: no plan line (1..N) after 1 checks" "$DIR/out/early.tap"
expect_eq "a plan of 3 with 1 check reported is a failure" "miscount 1 passed, 1 failed" "$(line miscount)"
check "...saying so" grep -q "miscount planned 3 checks and reported 1" "$DIR/out/miscount.tap"
expect_eq "a failed check fails its suite" "fails 1 passed, 1 failed" "$(line fails)"
expect_eq "a crash is a failure" "crash 1 passed, 1 failed" "$(line crash)"
expect_eq "the closing line counts them all" "6 passed, 4 failed" "$(tail -1 "$DIR/report")"
expect_eq "and run-all exits non-zero" 1 "$rc"
# The control: a run of well suites alone is green.
FORGETOP_SUITES="$DIR/well.sh" TEST_OUT="$DIR/out2" "$(dirname "$0")/../run-all" >"$DIR/report2" 2>&1
expect_eq "only well suites: green, exit 0" "2 passed, 0 failed 0" "$(tail -1 "$DIR/report2") $?"
finish
