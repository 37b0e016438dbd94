# fish completion for mailauth.  Installed by "make install" as
# PREFIX/share/fish/vendor_completions.d/mailauth.fish; to try it from a
# checkout: source completions/mailauth.fish
#
# What to offer comes from the mailauth being completed: "mailauth
# __complete WORD... CURRENT" prints the candidates (commands, subcommands,
# options, option values), one per line with a tab before any description,
# or asks for file names (":files", ":dirs", ":yaml").  So commands and
# options added to mailauth are completed without a change here.

function __mailauth_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l prefix ''
    set -l value $cur
    # "--out=FILE": complete what follows the '='.
    if string match -qr -- '^-[^=]*=' $cur
        set prefix (string replace -r -- '=.*' '=' $cur)
        set value (string replace -r -- '^[^=]*=' '' $cur)
    end
    for line in (command $tokens[1] __complete $tokens[2..-1] $cur 2>/dev/null)
        switch $line
            case :files
                __fish_complete_path $value | string replace -r -- '^' $prefix
            case :dirs
                __fish_complete_directories $value | string replace -r -- '^' $prefix
            case :yaml
                __fish_complete_path $value | string match -r -- '^[^\t]*(?:\.ya?ml|/)(?:\t.*)?$' |
                    string replace -r -- '^' $prefix
            case '*'
                echo $line
        end
    end
end

complete -c mailauth -f -a '(__mailauth_complete)'
