#!/usr/bin/env bash
# fuzz-regress.sh - replay the fuzz corpus and every saved crash through the harnesses,
# built with the plain compiler and fuzz/driver.c instead of libFuzzer.
#
# Each fuzz/NAME.c is linked against the library under test (the asan build when asked)
# and given all of fuzz/corpus/NAME in one process, then each fuzz/regress/NAME/FILE on
# its own: a file there is an input that once crashed, and must not again.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT" || exit 1
S=$(scratch)

[ -f "$BUILD/libforgetop.a" ] || make -s BUILD="$BUILD" "$BUILD/libforgetop.a" >/dev/null
SAN=
[ -n "${FORGETOP_ASAN:-}" ] && SAN="-fsanitize=address,undefined -fno-sanitize-recover=all"
PKGS="ncursesw libcurl libcjson hiredis libpq yaml-0.1 inih"
CFLAGS_PKG=$(pkg-config --cflags $PKGS)
LIBS=$(pkg-config --libs $PKGS)

# replay NAME LABEL FILE... : ok when the harness returns 0 and no sanitizer spoke.
replay() {
    local name=$1 label=$2; shift 2
    local rc=0
    "$S/$name" "$@" >"$S/out" 2>"$S/err" || rc=$?
    if [ "$rc" -eq 0 ] && ! grep -qE 'runtime error|Sanitizer' "$S/err"; then
        ok "$label"
    else
        not_ok "$label (exit $rc)"
        grep -vE '^ran ' "$S/err" | head -8 | sed 's/^/# /'
    fi
}

n_harness=0
for src in fuzz/*.c; do
    name=$(basename "$src" .c)
    [ "$name" = driver ] && continue
    n_harness=$((n_harness + 1))
    # shellcheck disable=SC2086
    if ! cc -std=c11 -Wall -Wextra -Werror -O1 -g $SAN -Iinclude $CFLAGS_PKG -D_POSIX_C_SOURCE=200809L \
        -D_DEFAULT_SOURCE -o "$S/$name" "$src" fuzz/driver.c "$BUILD/libforgetop.a" \
        $LIBS -lpthread -lm 2>"$S/cc.err"; then
        not_ok "fuzz $name: harness builds with the plain compiler"
        sed 's/^/# /' "$S/cc.err" | head -8
        continue
    fi
    corpus=(fuzz/corpus/"$name"/*)
    if [ -e "${corpus[0]}" ]; then
        replay "$name" "fuzz $name: its ${#corpus[@]} corpus inputs replay clean" "${corpus[@]}"
        expect_eq "fuzz $name: the driver ran every input" "${#corpus[@]}" "$(grep -c '^ran ' "$S/out")"
    else
        not_ok "fuzz $name: has a seed corpus in fuzz/corpus/$name"
    fi
    for f in fuzz/regress/"$name"/*; do
        [ -e "$f" ] || continue
        replay "$name" "fuzz $name: regression input $(basename "$f") no longer crashes" "$f"
    done
done
check "every fuzz harness has been found ($n_harness)" test "$n_harness" -gt 0
for d in fuzz/corpus/* fuzz/regress/*; do
    [ -d "$d" ] || continue
    check "$d belongs to a harness" test -f "fuzz/$(basename "$d").c"
done
finish
