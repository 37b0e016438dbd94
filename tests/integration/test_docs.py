"""The documentation cannot drift from the code: the man page is clean and
documents exactly the options `mailauth help` lists, and every Route 53 and
credential error message in the code has an entry in the docs.

How the messages are found (message_formats()): in the files of MESSAGE_FILES,
every call of err_set(), err_prefix(), cli_error() and diags_add() whose
format is a string literal (adjacent literals joined, as C does; a macro
between them, as in `"no AWS credentials: set " KEY_ID`, ends the format
there) gives one format.  Skipped: formats with no words of their own ("%s",
"%s: %s", "%s (%s): %s": they pass on a message found elsewhere), and
function definitions (a name at the start of a line).  A format has an entry
when some `code span` of DOC_FILES matches it, each conversion (%s, %.80s,
%zu, ...) standing for any text (the docs write FILE, N, ... there) and the
rest literally.  Messages built without a literal format (snprintf() into a
buffer, then cli_error("%s", ...)) are not found: the option messages of
src/cli/cli.c are built that way and are listed in docs/commands.md.
"""
import os
import re
import subprocess
import tempfile

from harness import BIN, TOP, check

MAN = os.path.join(TOP, "docs", "mailauth.1")

# The code that reports Route 53, credential and network errors.  Not here:
# the config loader (src/config/, its messages are in docs/configuration.md),
# the record checks (src/dns/), the reports (src/report/, cmd-report.c), the
# option parser (src/cli/cli.c) and commands that make no AWS request.
MESSAGE_FILES = ["src/route53/*.c", "src/aws/*.c", "src/creds/*.c", "src/sts/*.c", "src/s3/*.c",
                 "src/http/*.c", "src/apply/*.c", "src/live/*.c", "src/plan/build.c",
                 "src/plan/routing.c", "src/cli/aws.c", "src/cli/common.c",
                 "src/cli/cmd-plan.c", "src/cli/cmd-apply.c", "src/cli/cmd-whoami.c",
                 "src/cli/cmd-dkim.c", "src/core/file.c", "src/cli/cmd-verify.c", "src/resolve/*.c",
                 "src/cli/cmd-mta-sts.c", "src/dns/mtasts.c", "src/dns/bimi.c"]
DOC_FILES = ["docs/troubleshooting.md", "docs/credentials.md", "docs/network.md", "docs/commands.md"]

CALL = re.compile(r"(?<![\w])(err_set|err_prefix|cli_error|diags_add)\s*\(")
LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
CONVERSION = re.compile(r"%[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t)?[diouxXeEfgGcsp%]")


def run(*args):
    return subprocess.run([BIN] + list(args), capture_output=True, text=True, timeout=30,
                          env=dict(os.environ, NO_COLOR="1"))


# --- options: mailauth help against the man page ---

def help_sections(text):
    """{"usage": [..], "commands": [..], "options": [..], "global options": [..]}
    from a help text: the lines under each "NAME:" heading."""
    out, cur = {"usage": [l for l in text.splitlines() if l.startswith("usage:")]}, None
    for line in text.splitlines():
        m = re.match(r"^([a-z ]+)(?: \(.*\))?:$", line)
        if m:
            cur = out.setdefault(m.group(1), [])
        elif line.startswith("  ") and cur is not None:
            cur.append(line.strip())
        elif not line.strip():
            cur = None
    return out


def help_flags(lines):
    """The option names ("-c", "--config") of help option lines (not the
    lines their wrapped texts continue on)."""
    return {f for l in lines if l.startswith("-")
            for f in re.findall(r"(?:^|, )(--?[a-zA-Z][a-z-]*)", l.split("  ")[0])}


def usage_flags(line):
    return set(re.findall(r"\[(--?[a-z][a-z-]*)", line)) | set(re.findall(r"(?:^| )(--[a-z-]+)", line))


def man_sections():
    """{(".Sh" or ".Ss", title): [lines]} of the man page source."""
    out, cur = {}, None
    with open(MAN) as f:
        for line in f.read().splitlines():
            m = re.match(r"^\.(Sh|Ss) (.*)$", line)
            if m:
                cur = out.setdefault((m.group(1), m.group(2)), [])
            elif cur is not None:
                cur.append(line)
    return out


def fl(line):
    return {"-" + t.replace("\\-", "-") for t in re.findall(r"\bFl (\S+)", line)}


def man_items(lines):
    """The option names of the .It Fl items of a section."""
    return {f for l in lines if l.startswith(".It Fl ") for f in fl(l)}


def man_synopsis(lines):
    """The option names of a command's synopsis: its lines before .Pp."""
    out = set()
    for l in lines:
        if l == ".Pp":
            break
        out |= fl(l)
    return out


def test_man_page_has_no_warnings(e):
    def warnings(path):
        r = subprocess.run(["man", "--warnings", "-l", path], capture_output=True, text=True,
                           timeout=60, env=dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat"))
        return r.returncode, r.stderr
    rc, err = warnings(MAN)
    check(rc == 0 and err == "", "man --warnings -l docs/mailauth.1: exit %d\n%s" % (rc, err))
    # The check itself sees a broken page.
    bad = os.path.join(e.dir, "bad.1")
    with open(bad, "w") as f:
        f.write(".Dd November 29, 2026\n.Dt BAD 1\n.Os\n.Sh NAME\n.It Fl x\n")
    rc, err = warnings(bad)
    check(err != "", "man --warnings printed nothing for a broken page")


def test_man_page_documents_every_option(e):
    top = help_sections(ok_stdout(run("help")))
    commands = [l.split()[0] for l in top["commands"] if not l.startswith(" ")]
    check(len(commands) >= 8, "commands: %r" % commands)
    man = man_sections()
    glob_help = help_flags(top["global options"])
    check("--config" in glob_help and "-c" in glob_help, "global options: %r" % glob_help)
    glob_man = man_items(man.get(("Sh", "OPTIONS"), []))
    check(glob_help == glob_man, "global options: help only %r, man page only %r" % (
        sorted(glob_help - glob_man), sorted(glob_man - glob_help)))
    documented = {t.split()[0] for (k, t) in man if k == "Ss"}
    check(documented == set(commands), "commands: help only %r, man page only %r" % (
        sorted(set(commands) - documented), sorted(documented - set(commands))))
    seen = 0
    for cmd in commands:
        h = help_sections(ok_stdout(run("help", cmd)))
        # The global options are listed once, by "mailauth help".
        check("global options" not in h and '"mailauth help" lists them' in
              " ".join(ok_stdout(run("help", cmd)).split()), "%s: global options repeated" % cmd)
        want = help_flags(h.get("options", []))
        sec = [lines for (k, t), lines in man.items() if k == "Ss" and t.split()[0] == cmd][0]
        got = man_items(sec)
        check(want == got, "%s: help only %r, man page only %r" % (
            cmd, sorted(want - got), sorted(got - want)))
        usage = usage_flags(h["usage"][0])
        syn = man_synopsis(sec)
        check(usage == syn, "%s synopsis: usage only %r, man page only %r" % (
            cmd, sorted(usage - syn), sorted(syn - usage)))
        seen += len(want)
    check(seen >= 20, "only %d command options compared" % seen)


def ok_stdout(r):
    check(r.returncode == 0, "exit %d: %s" % (r.returncode, r.stderr))
    return r.stdout


# --- messages: the code against the docs ---

def message_formats(path):
    """[(function, format, line)] of the calls in one C file (see the top)."""
    with open(path) as f:
        src = f.read()
    src = re.sub(r"/\*.*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), src, flags=re.S)
    out = []
    for m in CALL.finditer(src):
        if m.start() == 0 or src[m.start() - 1] == "\n":
            continue
        i, depth, parts = m.end(), 1, []
        while i < len(src) and depth > 0:
            c = src[i]
            if c == '"':
                lit = LITERAL.match(src, i)
                parts.append(lit.group(1))
                j = lit.end()
                while j < len(src) and src[j].isspace():
                    j += 1
                if j < len(src) and src[j] == '"':
                    i = j
                    continue
                break
            depth += c in "(["
            depth -= c in ")]"
            i += 1
        if parts:
            fmt = "".join(parts).replace('\\"', '"')
            out.append((m.group(1), fmt, src.count("\n", 0, m.start()) + 1))
    return out


def format_matches(fmt, span):
    """1 when span holds the message a format makes: each conversion is any
    text (empty too: "change%s" is "change" or "changes").  The literal
    pieces are found in order, each at its first place after the one before:
    the earliest place never loses a match, and this stays linear where a
    regex of ".*?" between the pieces backtracks without end on long spans."""
    at = 0
    for piece in CONVERSION.split(fmt):
        at = span.find(piece.replace("%%", "%"), at)
        if at < 0:
            return False
        at += len(piece.replace("%%", "%"))
    return True


def own_words(fmt):
    return re.search(r"[a-zA-Z]{2,}", CONVERSION.sub("", fmt)) is not None


def doc_spans():
    spans = []
    for name in DOC_FILES:
        with open(os.path.join(TOP, name)) as f:
            text = f.read()
        spans += re.findall(r"`([^`\n]+)`", text)
    return spans


def undocumented(formats, spans):
    return [(where, fmt) for where, fmt in formats
            if not any(format_matches(fmt, s) for s in spans)]


def test_every_error_message_has_an_entry(e):
    import glob
    formats = []
    for pattern in MESSAGE_FILES:
        paths = sorted(glob.glob(os.path.join(TOP, pattern)))
        check(paths, "no file matches %s" % pattern)
        for p in paths:
            for fn, fmt, line in message_formats(p):
                if own_words(fmt):
                    formats.append(("%s:%d" % (os.path.relpath(p, TOP), line), fmt))
    check(len(formats) >= 150, "only %d messages found: the extraction is broken" % len(formats))
    spans = doc_spans()
    missing = undocumented(formats, spans)
    check(not missing, "%d messages have no entry in %s:\n%s" % (
        len(missing), ", ".join(DOC_FILES), "\n".join("%s: %s" % m for m in missing)))
    # The check itself: a message nobody documented is found, and a literal
    # concatenated over lines is read whole.
    check(undocumented([("x", "cannot frobnicate '%s': %s")], spans) != [], "a made-up message matched")
    src = os.path.join(e.dir, "m.c")
    with open(src, "w") as f:
        f.write('int\nerr_set(struct err *e)\n{\n\treturn err_set(err, "a %s "\n\t    "b", x);\n}\n')
    check([f for _, f, _ in message_formats(src)] == ["a %s b"], "extraction: %r" % message_formats(src))
    print("docs: %d messages, each with an entry" % len(formats))
