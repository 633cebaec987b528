#!/usr/bin/env bash
# locale.sh - numbers are read and written with a '.' whatever the operator's locale:
# a German or French LC_NUMERIC must not turn "0.2" in the config or "--delay 0.5" into
# an error, nor "76.2%" in --check into "76,2%" (Prometheus answers "0.73" too).
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
tmp=$(scratch)
export XDG_CONFIG_HOME=$tmp/xdg XDG_STATE_HOME=$tmp/state
# A locale whose decimal point is ',', built into the scratch folder (no root needed).
if localedef -i de_DE -f UTF-8 "$tmp/de_DE.UTF-8" >/dev/null 2>&1; then
    ok "a de_DE.UTF-8 locale is built for the test"
else
    not_ok "a de_DE.UTF-8 locale is built for the test (localedef, package locales)"
fi
de() { LOCPATH=$tmp LC_ALL=de_DE.UTF-8 "$@"; }
expect_eq "the test locale really uses ',' as decimal point" "1,5" \
    "$(de python3 -c 'import locale; locale.setlocale(locale.LC_ALL, ""); print(locale.str(1.5))')"

printf '[service api]\ntolerance = 0.2\n\n[metric cpu]\nwarning = 70.5\ncritical = 85.5\n' >"$tmp/f.conf"
de "$BIN" --config "$tmp/f.conf" --demo --once --json >"$tmp/once.json" 2>"$tmp/once.err"
expect_eq "a config with decimal numbers loads under de_DE" "0" "$?"
sed 's/^/# /' "$tmp/once.err" | head -5
expect_eq "the file's 70.5 is the cpu warning threshold" "70.5" \
    "$(json_get "$tmp/once.json" '[m["warning"] for m in d["metrics"] if m["id"]=="cpu"][0]' 2>/dev/null)"

de "$BIN" --demo --delay 0.5 --once --json >/dev/null 2>"$tmp/delay.err"
expect_eq "--delay 0.5 is accepted under de_DE" "0" "$?"
sed 's/^/# /' "$tmp/delay.err" | head -5

de "$BIN" --demo --check >"$tmp/check.out" 2>&1
if grep -qE '= [0-9]+\.[0-9]' "$tmp/check.out" && ! grep -qE '= [0-9]+,[0-9]' "$tmp/check.out"; then
    ok "--check writes 76.2, not 76,2, under de_DE"
else
    not_ok "--check writes 76.2, not 76,2, under de_DE"
    sed 's/^/# /' "$tmp/check.out" | head -5
fi
finish
