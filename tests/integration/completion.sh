#!/usr/bin/env bash
# completion.sh - the bash completion, driven through bash's own `complete` machinery
# (COMP_WORDS/COMP_CWORD, the registered function, COMPREPLY), offers every option of
# `forgetop --help` and no other, the kubeconfig's contexts through --list-contexts, the
# cluster's namespaces through --list-namespaces (and nothing, quickly, from a cluster that
# does not answer), the themes, and files; the zsh completion parses and names every option.
source "$(dirname "$0")/../lib.sh"
source "$ROOT/tests/fakes/kube_env.sh"
cd "$ROOT"
tmp=$(scratch)
mkdir -p "$tmp/bin"
ln -s "$BIN" "$tmp/bin/forgetop"
export PATH="$tmp/bin:$PATH" HOME="$tmp" XDG_CONFIG_HOME="$tmp/xdg"

# complete_line WORD... : what TAB offers after the words (the last one is being typed),
# one a line, sorted.
complete_line() {
    env -u KUBECONFIG PATH="$PATH" HOME="$HOME" XDG_CONFIG_HOME="$XDG_CONFIG_HOME" \
        KUBECONFIG="${KC:-}" bash --norc --noprofile -c '
        source completions/forgetop.bash
        fn=$(complete -p forgetop | sed -n "s/.*-F \([^ ]*\) forgetop$/\1/p")
        COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
        "$fn" forgetop "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
        printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$@"
}

# Every option --help names (long and short), against what `forgetop -<TAB>` offers.
"$BIN" --help | grep -oE '(^|[ ,])--?[a-zA-Z][a-z-]*' | sed 's/^[ ,]*//' | sort -u >"$tmp/help.flags"
complete_line forgetop - >"$tmp/offered.flags"
check "--help lists options (the comparison has something to compare)" \
    test "$(wc -l <"$tmp/help.flags")" -gt 25
if diff "$tmp/help.flags" "$tmp/offered.flags" >"$tmp/flags.diff"; then
    ok "forgetop -<TAB> offers exactly the options of --help"
else
    not_ok "forgetop -<TAB> offers exactly the options of --help (< help, > completion)"
    sed 's/^/# /' "$tmp/flags.diff"
fi
expect_eq "--de<TAB> completes the two --de options" "$(printf -- '--delay\n--demo\n--demo-speed')" \
    "$(complete_line forgetop --de)"
missing=""
for f in $(grep -- '^--' "$tmp/help.flags"); do
    grep -qE -- "$f([]=[}+]|')" completions/_forgetop || missing="$missing $f"
done
expect_eq "the zsh completion names every long option of --help" "" "$missing"
if command -v zsh >/dev/null; then
    check "the zsh completion parses (zsh -n)" zsh -n completions/_forgetop
else
    not_ok "zsh is installed (scripts/install-deps installs it)"
fi

# --context: the merged kubeconfig's names, each once, through forgetop itself.
cat >"$tmp/kc1" <<'YAML'
apiVersion: v1
kind: Config
current-context: staging
contexts:
- name: staging
  context: {cluster: a, user: u}
- name: prod-eu
  context: {cluster: a, user: u}
YAML
cat >"$tmp/kc2" <<'YAML'
apiVersion: v1
kind: Config
contexts:
- {name: prod-us, context: {cluster: a, user: u}}
- {name: staging, context: {cluster: b, user: u}}
YAML
expect_eq "--list-contexts prints the merged files' contexts once each, in kubectl's order" \
    "$(printf 'staging\nprod-eu\nprod-us')" "$(KUBECONFIG="$tmp/kc1:$tmp/kc2" "$BIN" --list-contexts)"
expect_eq "--context <TAB> offers them" "$(printf 'prod-eu\nprod-us\nstaging')" \
    "$(KC="$tmp/kc1:$tmp/kc2" complete_line forgetop --context '')"
expect_eq "--context pro<TAB> offers the two prod ones" "$(printf 'prod-eu\nprod-us')" \
    "$(KC="$tmp/kc1:$tmp/kc2" complete_line forgetop --context pro)"
expect_eq "--kubeconfig on the line is the file read" "$(printf 'prod-us\nstaging')" \
    "$(complete_line forgetop --kubeconfig "$tmp/kc2" --context '')"

# -n: the namespaces of the cluster (the fake API), and nothing at once from a silent one.
mkdir -p "$tmp/kube"
kube_fake_start "$tmp/kube" --state tests/fixtures/kube-open-forge.json || not_ok "the fake API server starts"
"$BIN" --kubeconfig "$KUBECONFIG_FILE" --list-namespaces >"$tmp/ns.out" 2>"$tmp/ns.err"
sed "s/^/# /" "$tmp/ns.err"
expect_eq "--list-namespaces exits 0 against a cluster that answers" "0" "$?"
check "...and prints the namespace open-forge" grep -qx open-forge "$tmp/ns.out"
got=$(complete_line forgetop --kubeconfig "$KUBECONFIG_FILE" -n open)
expect_eq "-n open<TAB> offers open-forge" "open-forge" "$got"
silent=$(free_port)
python3 -c 'import socket,sys,time
s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); c=[]
while True: c.append(s.accept()[0])' "$silent" &
on_exit "kill $!"
wait_for 5 python3 -c "import socket; socket.create_connection(('127.0.0.1', $silent))"
sed "s#$KUBE_URL#https://127.0.0.1:$silent#" "$KUBECONFIG_FILE" >"$tmp/silent.kc"
t0=$(date +%s%N)
out=$("$BIN" --kubeconfig "$tmp/silent.kc" --list-namespaces 2>/dev/null)
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
diag "--list-namespaces against a server that never answers: ${ms} ms"
check "...fails (rc $rc), prints nothing" test "$rc" -ne 0 -a -z "$out"
check "...within 2 s (the timeout is 1 s)" test "$ms" -lt 2000

# --theme: the shipped themes and one in FORGETOP_THEME_DIR; files where a file goes.
mkdir -p "$tmp/themes" && cp themes/dark.theme "$tmp/themes/night-shift.theme"
got=$(FORGETOP_THEME_DIR="$tmp/themes" complete_line forgetop --theme '')
expect_eq "--theme <TAB> offers the built-in themes and the theme folder's" \
    "$(printf 'dark\nhigh-contrast\nlight\nmono\nnight-shift')" "$got"
mkdir "$tmp/files" && touch "$tmp/files/site.conf" "$tmp/files/sitemap.yml"
for f in --config --compose-file --kubeconfig; do
    expect_eq "$f <TAB> completes files" \
        "$(printf '%s\n' "$tmp/files/site.conf" "$tmp/files/sitemap.yml")" \
        "$(complete_line forgetop "$f" "$tmp/files/si")"
done
expect_eq "--config=FILE completes the file after =" "$tmp/files/site.conf" \
    "$(complete_line forgetop "--config=$tmp/files/site.")"
finish
