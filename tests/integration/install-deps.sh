#!/usr/bin/env bash
# install-deps.sh - the install script is idempotent, and when it is not root and a package
# is missing it names the package and the command that installs it, and fails.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
tmp=$(scratch)

scripts/install-deps >"$tmp/again.out" 2>&1
expect_eq "with everything installed it succeeds and does nothing" "0" "$?"
check "...quietly" test ! -s "$tmp/again.out"

# A dpkg-query that reports one package missing, first on PATH; run as an unprivileged user.
mkdir -p "$tmp/bin"
cat >"$tmp/bin/dpkg-query" <<'SH'
#!/bin/sh
for last; do :; done
[ "$last" = "libhiredis-dev" ] && exit 1
printf 'install ok installed'
SH
chmod 755 "$tmp/bin/dpkg-query" "$tmp/bin"
cp scripts/install-deps "$tmp/install-deps"
chmod 755 "$tmp/install-deps"
runuser -u nobody -- env PATH="$tmp/bin:$PATH" sh "$tmp/install-deps" >"$tmp/user.out" 2>&1
rc=$?
check "as a user with a package missing it fails" test "$rc" -ne 0
check "it names the missing package" grep -q "missing packages: libhiredis-dev" "$tmp/user.out"
check "it gives the command to install it" \
    grep -q "sudo apt-get update && sudo apt-get install -y libhiredis-dev" "$tmp/user.out"
finish
