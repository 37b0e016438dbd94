# bash completion for mailauth                              -*- shell-script -*-
#
# Installed by "make install" as PREFIX/share/bash-completion/completions/mailauth
# (bash-completion loads it when "mailauth" is first completed); to try it
# from a checkout: . completions/mailauth.bash
#
# The commands, their options and the values of --format and --type are read
# from "mailauth help" and "mailauth help COMMAND" of the mailauth being
# completed, so they always match that binary; the answers are cached for
# the shell's lifetime.

# Prints the help of command $2 (or the command list) of binary $1, cached.
_mailauth_help()
{
	local key="$1 ${2:-}" var
	var="_mailauth_cache_$(printf '%s' "$key" | cksum | cut -d' ' -f1)"
	if [[ -z ${!var+set} ]]; then
		printf -v "$var" '%s' "$(NO_COLOR=1 "$1" help ${2:+"$2"} 2>/dev/null)"
	fi
	printf '%s\n' "${!var}"
}

# The commands of binary $1.
_mailauth_commands()
{
	_mailauth_help "$1" | sed -n '/^commands:/,/^$/s/^  \([a-z-]*\) .*/\1/p'
}

# The options (-c, --config, ...) that command $2 of binary $1 takes.
_mailauth_options()
{
	_mailauth_help "$1" "$2" |
	    sed -n 's/^  \(-[a-zA-Z]\), \(--[a-z-]*\).*/\1 \2/p; s/^  \(--[a-z-]*\).*/\1/p'
}

# The values of option $3 of command $2 ("--format text|json" -> text json).
_mailauth_values()
{
	_mailauth_help "$1" "$2" |
	    sed -n "s/^  $3 \\([a-z0-9]*|[a-z0-9|]*\\).*/\\1/p" | tr '|' ' '
}

_mailauth()
{
	local cur prev words cword
	if declare -F _init_completion >/dev/null 2>&1; then
		_init_completion || return
	else
		COMPREPLY=()
		cur=${COMP_WORDS[COMP_CWORD]}
		prev=${COMP_WORDS[COMP_CWORD-1]}
		words=("${COMP_WORDS[@]}")
		cword=$COMP_CWORD
	fi

	local bin=${words[0]} cmd="" sub="" i w nargs=0
	# The command is the first word that is not an option or an option's
	# value; options may stand anywhere on the line.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		case $w in
		-c | --config | --endpoint-url | --profile | --max-rps | \
		    --connect-timeout | --timeout | --policies | --selector | \
		    --type | --bits | --out | --format | --wait-timeout | --at | \
		    --since | --until | --domain | --max-report-size)
			((i++)) ;;
		-*) ;;
		*)
			if [[ -z $cmd ]]; then
				cmd=$w
			else
				[[ -z $sub ]] && sub=$w
				((nargs++))
			fi ;;
		esac
	done

	case $prev in
	-c | --config)
		COMPREPLY=($(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur"))
		compopt -o filenames 2>/dev/null
		return ;;
	--out)
		if [[ $cmd == dkim ]]; then
			COMPREPLY=($(compgen -d -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		compopt -o filenames 2>/dev/null
		return ;;
	--policies)
		COMPREPLY=($(compgen -d -- "$cur"))
		compopt -o filenames 2>/dev/null
		return ;;
	--format | --type)
		COMPREPLY=($(compgen -W "$(_mailauth_values "$bin" "${cmd:-plan}" "$prev")" -- "$cur"))
		return ;;
	--endpoint-url | --profile | --max-rps | --connect-timeout | --timeout | \
	    --selector | --bits | --wait-timeout | --at | --since | --until | \
	    --domain | --max-report-size)
		return ;;
	esac

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_mailauth_options "$bin" "${cmd:-help}")" -- "$cur"))
		return
	fi
	case $cmd in
	"")
		COMPREPLY=($(compgen -W "$(_mailauth_commands "$bin")" -- "$cur")) ;;
	help)
		((nargs == 0)) &&
		    COMPREPLY=($(compgen -W "$(_mailauth_commands "$bin")" -- "$cur")) ;;
	rollout)
		((nargs == 0)) && COMPREPLY=($(compgen -W "status" -- "$cur")) ;;
	dkim)
		((nargs == 0)) && COMPREPLY=($(compgen -W "keygen" -- "$cur")) ;;
	lint)
		((nargs == 0)) && COMPREPLY=($(compgen -W "spf dmarc dkim" -- "$cur")) ;;
	apply)
		# The plan file that "mailauth plan --out FILE" saved.
		((nargs == 0)) && COMPREPLY=($(compgen -f -- "$cur")) &&
		    compopt -o filenames 2>/dev/null ;;
	report)
		COMPREPLY=($(compgen -f -- "$cur"))
		compopt -o filenames 2>/dev/null ;;
	esac
}
complete -F _mailauth mailauth
