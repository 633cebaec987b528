#!/usr/bin/env bash
# valgrind.sh - the program runs clean under valgrind: no invalid access, no leak, with
# the demo and with a failing source beside it.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
tmp=$(scratch)
export XDG_CONFIG_HOME=$tmp/xdg XDG_STATE_HOME=$tmp/state
vg() { # vg NAME ARGS... : run under memcheck, ok when it reports no error and no leak
    if [ -n "${FORGETOP_ASAN:-}" ]; then
        # An ASan build cannot run under valgrind: its own checks (leaks included) stand in.
        asan "$@"
        return
    fi
    local name=$1; shift
    valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
        --show-leak-kinds=definite,indirect --log-file="$tmp/$name.vg" "$BIN" "$@" >"$tmp/$name.out" 2>&1
    local rc=$?
    if [ "$rc" -eq 99 ] || [ -s "$tmp/$name.vg" ]; then
        not_ok "valgrind: $name is clean"
        sed 's/^/# /' "$tmp/$name.vg" | head -40
    else
        ok "valgrind: $name is clean"
    fi
}
asan() { # asan NAME ARGS... : the sanitizers report nothing
    local name=$1; shift
    "$BIN" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$tmp/$name.err"; then
        not_ok "sanitizers: $name is clean"
        sed 's/^/# /' "$tmp/$name.err" | head -40
    else
        ok "sanitizers: $name is clean"
    fi
}
vg once-json --demo --once --json
vg check --demo --check
FORGETOP_TEST_SOURCE=fail vg failing-source --demo --once --json
vg bad-config --config /nonexistent/forgetop.conf --demo --once
vg help --help
finish
