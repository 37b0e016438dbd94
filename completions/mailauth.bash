# bash completion for mailauth                              -*- shell-script -*-
#
# Installed by "make install" as PREFIX/share/bash-completion/completions/mailauth
# (bash-completion loads it when "mailauth" is first completed); to try it
# from a checkout: . completions/mailauth.bash
#
# What to offer comes from the mailauth being completed: "mailauth
# __complete WORD... CURRENT" prints the candidates (commands, subcommands,
# options, option values), one per line with a tab before any description,
# or asks for file names (":files", ":dirs", ":yaml").  So commands and
# options added to mailauth are completed without a change here.

_mailauth()
{
	local i w cur cword prefix="" value line IFS=$'\n'
	local -a words=() out=()

	# The words up to the cursor, with "--out=FILE" whole again: bash
	# splits it at '=' (COMP_WORDBREAKS) into "--out", "=", "FILE".
	for ((i = 0; i <= COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		if ((${#words[@]} > 1)) && [[ $w == "=" || ${words[-1]} == -*= ]] &&
		    [[ ${words[-1]} == -* ]]; then
			words[-1]+=$w
		else
			words+=("$w")
		fi
	done
	cword=$((${#words[@]} - 1))
	cur=${words[cword]}
	value=$cur
	# Readline replaces only what follows the last '=' of "--name=...".
	if [[ $cur == -*=* ]]; then
		value=${cur#*=}
		[[ $COMP_WORDBREAKS == *=* ]] && prefix=${cur%%=*}=
	fi

	out=($("${words[0]}" __complete "${words[@]:1}" 2>/dev/null)) || return
	COMPREPLY=()
	for line in "${out[@]}"; do
		case $line in
		:files)
			COMPREPLY+=($(compgen -f -- "$value"))
			compopt -o filenames 2>/dev/null ;;
		:dirs)
			COMPREPLY+=($(compgen -d -- "$value"))
			compopt -o filenames 2>/dev/null ;;
		:yaml)
			COMPREPLY+=($(compgen -f -X '!*.yaml' -- "$value")
			    $(compgen -f -X '!*.yml' -- "$value")
			    $(compgen -d -- "$value"))
			compopt -o filenames 2>/dev/null ;;
		*)
			line=${line%%$'\t'*}
			COMPREPLY+=("${line#"$prefix"}") ;;
		esac
	done
}
complete -F _mailauth mailauth
