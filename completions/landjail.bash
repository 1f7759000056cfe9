# bash completion for landjail(1)                          -*- shell-script -*-
#
# The options come from `landjail --help` at completion time, so they never
# fall behind the program. What an option's argument completes to follows
# from its placeholder in the help text:
#   NAME|PATH (--profile)  profile names, and files
#   PATH                   files and directories
#   a|b|c                  the words a, b, c
#   anything else          nothing (a number, a duration...)
# After "--" or the first word that is not an option, the rest is the
# command line of the confined program, completed as such. With --check the
# free words are profiles.

# _landjail_help_options HELP-TEXT: print "OPTION PLACEHOLDER" per option
# (the placeholder is empty for an option without an argument).
_landjail_help_options()
{
    local line opt arg
    while IFS= read -r line; do
        # "  -p, --profile NAME|PATH  text" or "      --ro PATH  text"
        [[ $line =~ ^\ +(-[A-Za-z],\ +)?(--[a-z][a-z0-9-]*)(\ ([^ ]+))? ]] || continue
        opt=${BASH_REMATCH[2]}
        arg=${BASH_REMATCH[4]}
        printf '%s %s\n' "$opt" "$arg"
        if [[ -n ${BASH_REMATCH[1]} ]]; then
            printf '%s %s\n' "${BASH_REMATCH[1]%%,*}" "$arg"
        fi
    done <<<"$1"
}

# _landjail_profiles LANDJAIL: the names of the profiles in the directories
# that LANDJAIL searches. It says which when a name is not found ("looked in
# A, B, C"); if that message ever changes, the usual directories are used.
_landjail_profiles()
{
    local dir f out
    local -a dirs=()
    out=$("$1" --check landjail-completion-probe 2>&1 </dev/null)
    if [[ $out =~ \(looked\ in\ ([^\)]*)\) ]]; then
        IFS=, read -ra dirs <<<"${BASH_REMATCH[1]//, /,}"
    else
        if [[ ${XDG_CONFIG_HOME-} == /* ]]; then
            dirs+=("$XDG_CONFIG_HOME/landjail/profiles")
        elif [[ ${HOME-} == /* ]]; then
            dirs+=("$HOME/.config/landjail/profiles")
        fi
        dirs+=(/etc/landjail/profiles /usr/share/landjail/profiles)
    fi
    for dir in "${dirs[@]}"; do
        for f in "$dir"/*.ini; do
            [[ -f $f ]] || continue
            f=${f##*/}
            printf '%s\n' "${f%.ini}"
        done
    done
}

_landjail()
{
    local cur prev words cword
    _init_completion || return

    local lj=${words[0]} help
    [[ $lj == */* ]] || lj=$(type -P "$lj") || lj=landjail
    help=$("$lj" --help 2>/dev/null) || return

    local -A takes=()
    local opt arg
    while read -r opt arg; do
        takes[$opt]=${arg:--}
    done < <(_landjail_help_options "$help")

    # Find where the confined command starts, and whether --check is given.
    local i check=0
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --)
                _command_offset $((i + 1))
                return
                ;;
            --check) check=1 ;;
            -*)
                [[ ${takes[${words[i]}]-} != - && -n ${takes[${words[i]}]-} ]] && ((i++))
                ;;
            *)
                if ((!check)); then
                    _command_offset $i
                    return
                fi
                ;;
        esac
    done

    # The argument of the previous option.
    arg=${takes[$prev]-}
    if [[ -n $arg && $arg != - ]]; then
        case $arg in
            *NAME*)
                COMPREPLY=($(compgen -W "$(_landjail_profiles "$lj")" -- "$cur"))
                _filedir ini
                ;;
            PATH | FILE | DIR)
                _filedir
                ;;
            *'|'*)
                COMPREPLY=($(compgen -W "${arg//|/ }" -- "$cur"))
                ;;
            [a-z]*)
                COMPREPLY=($(compgen -W "$arg" -- "$cur"))
                ;;
        esac
        return
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "${!takes[*]}" -- "$cur"))
    elif ((check)); then
        COMPREPLY=($(compgen -W "$(_landjail_profiles "$lj")" -- "$cur"))
        _filedir ini
    else
        COMPREPLY=($(compgen -c -- "$cur"))
    fi
} &&
    complete -F _landjail landjail

# ex: filetype=sh
