# forgetop(1) completion for bash: every option of `forgetop --help`, and the values
# forgetop itself can name (--context from the kubeconfig, -n from the cluster, --theme).
#
# Installed as /usr/share/bash-completion/completions/forgetop; needs nothing else.

_forgetop_flags="--demo --kubeconfig --context --namespace -n --all-namespaces -A --selector -l
--compose-project --compose-file --redis --postgres --pgbouncer --prometheus --health
--config --read-only -R --delay -d --theme --seed --demo-speed --once
--record --replay --at --summary --current-config
--json --check --print-config --help -h --version"

# The --kubeconfig and --context already on the line, for forgetop to read.
_forgetop_kube_args()
{
    local i w
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        --kubeconfig | --context)
            [ $((i + 1)) -lt "$COMP_CWORD" ] && printf '%s\n%s\n' "$w" "${COMP_WORDS[i + 1]}" ;;
        --kubeconfig=* | --context=*) printf '%s\n' "$w" ;;
        esac
    done
}

# Themes in the folders forgetop reads (widgets/theme.c), and the built-in ones.
_forgetop_themes()
{
    local exe d f
    exe=$(command -v -- "$1" 2>/dev/null) && exe=$(readlink -f -- "$exe")
    for d in "${FORGETOP_THEME_DIR:-}" "${exe%/*}/themes" "${exe%/*}/../share/forgetop/themes" \
        /usr/local/share/forgetop/themes; do
        [ -n "$d" ] && [ -d "$d" ] || continue
        for f in "$d"/*.theme; do
            [ -f "$f" ] && f=${f##*/} && printf '%s\n' "${f%.theme}"
        done
    done
    printf '%s\n' dark light mono high-contrast
}

_forgetop()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
    local prog=${COMP_WORDS[0]} IFS=$'\n' args
    prog=${prog/#\~/$HOME}
    COMPREPLY=()
    if [[ $cur == --*=* ]]; then
        prev=${cur%%=*}
        cur=${cur#*=}
    fi
    mapfile -t args < <(_forgetop_kube_args)
    case $prev in
    --config | --compose-file | --kubeconfig)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        return ;;
    --context)
        mapfile -t COMPREPLY < <(compgen -W "$("$prog" "${args[@]}" --list-contexts 2>/dev/null)" -- "$cur")
        return ;;
    -n | --namespace)
        mapfile -t COMPREPLY < <(compgen -W "$(timeout 3 "$prog" "${args[@]}" --list-namespaces 2>/dev/null)" -- "$cur")
        return ;;
    --theme)
        mapfile -t COMPREPLY < <(compgen -W "$(_forgetop_themes "$prog" | sort -u)" -- "$cur")
        return ;;
    -l | --selector | --compose-project | --redis | --postgres | --pgbouncer | --prometheus | \
        --health | -d | --delay | --seed | --demo-speed | --at)
        return ;;
    esac
    IFS=$' \t\n'
    mapfile -t COMPREPLY < <(compgen -W "$_forgetop_flags" -- "$cur")
}
complete -F _forgetop forgetop
