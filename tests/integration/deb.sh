#!/usr/bin/env bash
# deb.sh - `make deb` builds the Debian package with Debian's tools without dirtying the
# checkout, lintian has no error and no warning on it, and the installed package works:
# the binary runs the demo, man finds the page, the themes sit where the binary looks,
# the settings file is a conffile and the completions are where bash and zsh look.
source "$(dirname "$0")/../lib.sh"
cd "$ROOT"
tmp=$(scratch)

before=$(git status --porcelain 2>/dev/null)
make -s deb BUILD="$BUILD" >"$tmp/make.out" 2>&1
rc=$?
expect_eq "make deb succeeds" "0" "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/make.out" | tail -30
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
arch=$(dpkg-architecture -q DEB_HOST_ARCH)
deb="$BUILD/forgetop_${version}_${arch}.deb"
check "it names the package forgetop_VERSION_ARCH.deb ($(basename "$deb"))" test -s "$deb"
expect_eq "the build leaves git status as it was" "$before" "$(git status --porcelain 2>/dev/null)"

lintian --fail-on error,warning --tag-display-limit 0 "$deb" >"$tmp/lintian.out" 2>&1
rc=$?
sed 's/^/# /' "$tmp/lintian.out" | grep -v 'running with root privileges'
expect_eq "lintian runs and fails on nothing" "0" "$rc"
check "lintian reports no error and no warning" bash -c "! grep -qE '^[EW]: ' '$tmp/lintian.out'"

# CI runs as root on a throwaway machine: install, and remove only what we installed.
had=$(dpkg-query -W -f='${Status}' forgetop 2>/dev/null)
if [ "$(id -u)" -ne 0 ]; then
    not_ok "installing the package needs root (run as root, as CI does)"
    finish
fi
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$deb" >"$tmp/apt.out" 2>&1
rc=$?
if [[ "$had" != *"install ok installed"* ]]; then on_exit "dpkg -P forgetop"; fi
expect_eq "apt-get install ./forgetop_*.deb succeeds" "0" "$rc"
[ "$rc" -eq 0 ] || sed 's/^/# /' "$tmp/apt.out" | tail -20

HOME="$tmp" XDG_CONFIG_HOME="$tmp/xdg" /usr/bin/forgetop --demo --once --json >"$tmp/once.json" 2>"$tmp/once.err"
expect_eq "/usr/bin/forgetop --demo --once --json exits 0" "0" "$?"
check "...with a JSON document of the demo's services" \
    test "$(json_get "$tmp/once.json" 'len(d["services"]) > 0')" == "True"
expect_eq "/usr/bin/forgetop --version names the packaged version" "forgetop $version" \
    "$(/usr/bin/forgetop --version)"
expect_eq "man -w forgetop finds the page" "/usr/share/man/man1/forgetop.1.gz" "$(man -w forgetop 2>&1)"
check "the themes are where the binary looks (bin/../share/forgetop/themes)" \
    test -f /usr/bin/../share/forgetop/themes/high-contrast.theme
check "/etc/forgetop/forgetop.conf is a conffile" \
    bash -c "dpkg-query -W -f='\${Conffiles}' forgetop | grep -q ' /etc/forgetop/forgetop.conf '"
check "the bash completion is where bash-completion loads it from" \
    bash -c 'source /usr/share/bash-completion/bash_completion &&
             { _completion_loader forgetop; complete -p forgetop | grep -q _forgetop; }'
check "the zsh completion is in vendor-completions" test -s /usr/share/zsh/vendor-completions/_forgetop
finish
