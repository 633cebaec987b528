#!/usr/bin/env bash
# layering.sh - DESIGN.md's one-way flow, checked on the source text: core/ stays pure,
# no string literal names a source or a service where core/ or tui/ compare or look one
# up (names are configuration or capabilities), the screens draw the world's fact views
# and never a snapshot's raw facts, and a fact carries no band a source could set.
#
# Each grep is first run against a line that breaks the rule, so a pattern that can no
# longer match anything fails here instead of passing everything.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1

NAMES='prometheus|pgbouncer|postgres|redis|kube|compose|demo|health|api|agent-worker|dagster-run-worker'
COMPARE="(strcmp|strcasecmp|strncmp|strncasecmp|strstr|fnmatch)\\([^;]*\"($NAMES)\""
LOOKUP="(world_service|config_service|world_fact)\\([^;]*\"($NAMES)\""
PURE='#include *[<"](n?curses|curl/|pthread|hiredis|libpq)'
RAW='(snaps\[[^]]*\]|snap|s)->(facts|n_facts)'

# must_match DESC PATTERN LINE: the pattern sees the violation it is meant to see.
must_match() {
    if grep -Eq "$2" <<<"$3"; then ok "the check sees $1"; else not_ok "the check misses $1: $3"; fi
}
must_match "a compare with a source's name" "$COMPARE" '    bool p = strcmp(src, "prometheus") == 0;'
must_match "a compare with a service's name" "$COMPARE" 'if (strcmp(v->svc.name, "agent-worker") == 0)'
must_match "a lookup by a service's name" "$LOOKUP" '    world_service(w, NULL, "api");'
must_match "an impure include" "$PURE" '#include <hiredis/hiredis.h>'
must_match "a screen reading raw facts" "$RAW" '    for (i = 0; i < snap->n_facts; i++)'

# none FILES... : no line of the files matches $pattern; the offenders are printed.
none() {
    local desc=$1 pattern=$2 hits
    shift 2
    hits=$(grep -nE "$pattern" "$@" 2>/dev/null)
    if [ -z "$hits" ]; then ok "$desc"; else not_ok "$desc"; diag "$hits"; fi
}
none "core/ and tui/ compare no string literal naming a source or a service" \
    "$COMPARE" core/*.c tui/*.c
none "core/ and tui/ look nothing up by a literal source or service name" \
    "$LOOKUP" core/*.c tui/*.c
none "core/ includes neither curses, curl, pthreads, hiredis nor libpq" "$PURE" core/*.c core/*.h
none "tui/ and widgets/ draw the world's fact views, never a snapshot's raw facts" \
    "$RAW" tui/*.c widgets/*.c

# A fact has no band for a source to set: the struct says what was measured.
fact=$(sed -n '/^struct fact {/,/^};/p' include/forgetop/model.h)
check "struct fact is in model.h" test -n "$fact"
check "struct fact carries no band (core judges)" bash -c "! grep -q 'enum band' <<<\"\$1\"" _ "$fact"
none "no source calls a band function or a trend of its own" \
    '(band_of|band_over|pct_band|status_band|redis_trend)\(' sources/*.c
finish
