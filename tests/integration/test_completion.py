"""The bash, zsh and fish completions (completions/), run for real against
the binary: bash with COMP_WORDS and COMP_CWORD set, the completion function
called and COMPREPLY read; fish with `complete -C`; zsh with the script's
function called on `words` and CURRENT, compsys's _describe, compadd,
compset and _files replaced by functions that print what they are given (a
real zsh line editor needs a terminal).

The scripts offer what `mailauth __complete` says, which reads the command
table; these tests hold every shell to the commands and options `mailauth
help` lists, so neither the scripts nor the table can drift apart.
"""
import os
import re
import subprocess
import sys

from harness import BIN, TOP, check

BASH = os.path.join(TOP, "completions", "mailauth.bash")
ZSH = os.path.join(TOP, "completions", "_mailauth")
FISH = os.path.join(TOP, "completions", "mailauth.fish")


def path_env(e):
    """PATH with a folder holding `mailauth`, the binary under test."""
    d = os.path.join(e.dir, "bin")
    os.makedirs(d, exist_ok=True)
    if not os.path.exists(os.path.join(d, "mailauth")):
        os.symlink(BIN, os.path.join(d, "mailauth"))
    return dict(os.environ, PATH=d + os.pathsep + os.environ["PATH"])


def bash_complete(words, cwd, env, script=BASH):
    """COMPREPLY for the words (the last one being completed), with '='
    split out as bash splits it (COMP_WORDBREAKS)."""
    split = []
    for w in words:
        if w.startswith("-") and "=" in w:
            name, _, value = w.partition("=")
            split += [name, "=", value] if value else [name, "="]
        else:
            split.append(w)
    prog = ('. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); '
            'COMP_LINE="${COMP_WORDS[*]}"; COMP_POINT=${#COMP_LINE}; _mailauth; '
            'printf "%s\\n" "${COMPREPLY[@]}"')
    r = subprocess.run(["bash", "-c", prog, "bash", script] + split, cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 0 and r.stderr == "", "bash %r: %r" % (words, r.stderr))
    return [l for l in r.stdout.split("\n") if l]


ZSH_STUBS = r"""
_describe() { local a; for a in ${(P)${@[-1]}}; do print -r -- "D:${a%%:*}"; done }
compadd() { while [[ $1 == -* ]]; do shift; [[ $1 == -- ]] && { shift; break }; done
            local a; for a in "$@"; do print -r -- "A:$a"; done }
_files() { print -r -- "F:$*" }
compset() { print -r -- "S:$*" }
compdef() { : }
"""


def zsh_complete(words, cwd, env, script=ZSH):
    """What the zsh function hands compsys: "D:word" (described), "A:word",
    "S:compset args", "F:_files args"."""
    prog = ZSH_STUBS + 'source "$1"; shift; words=("$@"); CURRENT=$#words; _mailauth'
    r = subprocess.run(["zsh", "-f", "-c", prog, "zsh", script] + list(words), cwd=cwd, env=env,
                       capture_output=True, text=True, timeout=30)
    check(r.returncode == 0 and r.stderr == "", "zsh %r: %r" % (words, r.stderr))
    return [l for l in r.stdout.split("\n") if l]


def fish_complete(line, cwd, env, script=FISH):
    """The candidates (without descriptions) fish offers for the line."""
    r = subprocess.run(["fish", "--no-config", "-c", "source $argv[1]; complete -C $argv[2]", script, line],
                       cwd=cwd, env=env, capture_output=True, text=True, timeout=30)
    check(r.returncode == 0 and r.stderr == "", "fish %r: %r" % (line, r.stderr))
    return [l.split("\t")[0] for l in r.stdout.split("\n") if l]


def help_lines(section, text):
    """The first words of the lines under "SECTION:" of a help text."""
    out, on = [], False
    for line in text.splitlines():
        if re.match(r"^[a-z ]+(?: \(.*\))?:$", line):
            on = line.startswith(section)
        elif on and re.match(r"^  \S", line):
            out.append(line.split()[0])
        elif not line.strip():
            on = False
    return out


def help_of(*args):
    r = subprocess.run([BIN, "help"] + list(args), capture_output=True, text=True, timeout=30)
    check(r.returncode == 0, r.stderr)
    return r.stdout


def every_shell(e, words, want, sort=True):
    """Each shell offers exactly want for the words (the last one being
    completed); bash and fish the words, zsh as described or added."""
    env = path_env(e)
    norm = sorted if sort else list
    got = bash_complete(words, e.dir, env)
    check(norm(got) == norm(want), "bash %r: %r, want %r" % (words, got, want))
    got = [l[2:] for l in zsh_complete(words, e.dir, env) if l[:2] in ("D:", "A:")]
    check(norm(got) == norm(want), "zsh %r: %r, want %r" % (words, got, want))
    got = fish_complete(" ".join(words), e.dir, env)
    check(sorted(got) == sorted(want), "fish %r: %r, want %r" % (words, got, want))


def test_completion_follows_the_command_table(e):
    top = help_of()
    commands = help_lines("commands", top)
    check(len(commands) >= 10 and "plan" in commands, commands)
    glob = [m.group(1) for m in re.finditer(r"^  (?:-., )?(--[a-z][a-z-]*)", top.split("global options")[1], re.M)]
    check("--config" in glob and "--color" in glob, glob)
    every_shell(e, ["mailauth", ""], commands, sort=False)
    every_shell(e, ["mailauth", "help", ""], commands, sort=False)
    seen = 0
    for cmd in commands:
        text = help_of(cmd)
        own = [m.group(1) for m in re.finditer(r"^  (?:-., )?(--[a-z][a-z-]*)", text, re.M)]
        every_shell(e, ["mailauth", cmd, "--"], glob + own)
        seen += len(own)
    check(seen >= 20, "only %d command options seen" % seen)
    # A prefix, and options before the command.
    every_shell(e, ["mailauth", "pl"], ["plan"])
    every_shell(e, ["mailauth", "-c", "x.yaml", "--debug", "r"], ["rollout", "report"])
    every_shell(e, ["mailauth", "plan", "--de"], ["--detailed-exitcode", "--debug"])


def test_completion_subcommands_and_values(e):
    every_shell(e, ["mailauth", "rollout", ""], ["status", "check"])
    every_shell(e, ["mailauth", "ses", ""], ["status"])
    every_shell(e, ["mailauth", "dkim", ""], ["keygen", "status"])
    every_shell(e, ["mailauth", "lint", ""], ["spf", "dmarc", "dkim", "tlsrpt", "mtasts", "bimi"])
    every_shell(e, ["mailauth", "lint", "spf", ""], [])
    every_shell(e, ["mailauth", "plan", "--format", ""], ["text", "json", "markdown"])
    every_shell(e, ["mailauth", "report", "--format", ""], ["text", "json", "markdown", "csv"])
    every_shell(e, ["mailauth", "rollout", "status", "--format", "j"], ["json"])
    every_shell(e, ["mailauth", "dkim", "keygen", "--type", ""], ["rsa", "ed25519"])
    every_shell(e, ["mailauth", "--color", ""], ["auto", "always", "never"])
    every_shell(e, ["mailauth", "plan", "-format", "m"], ["markdown"])
    every_shell(e, ["mailauth", "plan", "--at", ""], [])
    # "--format=j": bash completes what follows the '=' (readline splits
    # there), zsh and fish the whole word.
    env = path_env(e)
    check(bash_complete(["mailauth", "plan", "--format=j"], e.dir, env) == ["json"], "bash --format=j")
    check(zsh_complete(["mailauth", "plan", "--format=j"], e.dir, env) == ["A:--format=json"], "zsh --format=j")
    check(fish_complete("mailauth plan --format=j", e.dir, env) == ["--format=json"], "fish --format=j")


def test_completion_file_names(e):
    for n in ("a.yaml", "b.yml", "c.txt", "plan.json"):
        open(os.path.join(e.dir, n), "w").close()
    os.mkdir(os.path.join(e.dir, "keys"))
    env = path_env(e)
    everything = ["a.yaml", "b.yml", "bin", "c.txt", "keys", "plan.json"]
    cases = [(["mailauth", "-c", ""], ["a.yaml", "b.yml", "bin", "keys"], "-g *.(yaml|yml)(-.)"),
             (["mailauth", "plan", "--config", "a"], ["a.yaml"], "-g *.(yaml|yml)(-.)"),
             (["mailauth", "plan", "--out", ""], everything, ""),
             (["mailauth", "plan", "--out", "p"], ["plan.json"], ""),
             (["mailauth", "dkim", "keygen", "--out", ""], ["bin", "keys"], "-/"),
             (["mailauth", "--policies", "k"], ["keys"], "-/"),
             (["mailauth", "apply", ""], everything, ""),
             (["mailauth", "apply", "plan.json", ""], [], None),
             (["mailauth", "report", "a.yaml", ""], everything, ""),
             (["mailauth", "plan", "--reports", "c"], ["c.txt"], "")]
    for words, want, zfiles in cases:
        got = sorted(bash_complete(words, e.dir, env))
        check(got == want, "bash %r: %r, want %r" % (words, got, want))
        got = sorted(x.rstrip("/") for x in fish_complete(" ".join(words), e.dir, env))
        check(got == want, "fish %r: %r, want %r" % (words, got, want))
        got = zsh_complete(words, e.dir, env)
        zwant = [] if zfiles is None else ["S:-P -*=", "F:" + zfiles]
        check(got == zwant, "zsh %r: %r, want %r" % (words, got, zwant))
    # After "--out=": the file name after the '='.
    check(bash_complete(["mailauth", "plan", "--out=p"], e.dir, env) == ["plan.json"], "bash --out=p")
    check(fish_complete("mailauth plan --out=p", e.dir, env) == ["--out=plan.json"], "fish --out=p")
    check(zsh_complete(["mailauth", "plan", "--out=p"], e.dir, env) == ["S:-P -*=", "F:"], "zsh --out=p")


def test_completion_needs_no_config_or_aws(e):
    # Completing never reads the config or calls AWS: a broken config and
    # no credentials change nothing, and nothing goes to stderr.
    with open(os.path.join(e.dir, "mailauth.yaml"), "w") as f:
        f.write("version: [\n")
    env = {k: v for k, v in path_env(e).items() if not k.startswith("AWS_")}
    r = subprocess.run([BIN, "__complete", "ses", ""], cwd=e.dir, env=env, capture_output=True, text=True,
                       timeout=30)
    check(r.returncode == 0 and r.stdout == "status\n" and r.stderr == "", "%r %r" % (r.stdout, r.stderr))


if __name__ == "__main__":
    from harness import main
    sys.exit(main([fn for k, fn in sorted(globals().items()) if k.startswith("test_completion")]))
