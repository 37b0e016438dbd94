"""`mailauth lint KIND -` and `lint KIND --file F`: one record a line, one
verdict (or one line per finding) a record, each naming its line; exit 1
when any record has an error.  The verdicts expected are those of the
single-record form, run here on each record apart: the batch must say the
same thing about every line."""
import os
import subprocess
import time

from harness import BIN, check, ok

GOOD_SPF = "v=spf1 ip4:192.0.2.1 include:_spf.example.com -all"
PLUS_ALL = "v=spf1 ip4:192.0.2.1 +all"
SOFT = "v=spf1 ip4:192.0.2.%d ~all"
BAD_MECH = "v=spf1 ipv4:192.0.2.1 -all"


def lint(e, *args, stdin=None):
    return subprocess.run([BIN, "lint"] + list(args), cwd=e.dir, env=e.env(), input=stdin,
                          capture_output=True, text=True, timeout=120)


def single(e, kind, record):
    """The single-record form's output lines for record."""
    r = lint(e, kind, "--", record)
    return r.returncode, r.stdout.splitlines()


def test_lint_batch_ten_thousand_records(e):
    # Every 7th has an error, every 5th (not 7th) only a warning or is fine.
    lines = []
    for i in range(10000):
        if i % 7 == 3:
            lines.append(PLUS_ALL)
        elif i % 7 == 5:
            lines.append(BAD_MECH)
        elif i % 5 == 0:
            lines.append(SOFT % (i % 250))
        else:
            lines.append(GOOD_SPF)
    text = "\n".join(lines) + "\n"
    start = time.monotonic()
    r = lint(e, "spf", "-", stdin=text)
    took = time.monotonic() - start
    check(r.returncode == 1, "exit %d\n%s" % (r.returncode, r.stderr[-2000:]))
    check(took < 10, "10,000 records took %.1f s" % took)
    want = {}
    for rec in (GOOD_SPF, PLUS_ALL, BAD_MECH, SOFT % 0):
        want[rec] = single(e, "spf", rec)
    out = r.stdout.splitlines()
    got = {}
    for line in out:
        n, _, rest = line.partition(": ")
        check(n.startswith("line ") and n[5:].isdigit(), "no line number: %r" % line)
        got.setdefault(int(n[5:]), []).append(rest)
    check(sorted(got) == list(range(1, 10001)), "lines with a verdict: %d" % len(got))
    for i, rec in enumerate(lines):
        w = want[rec if rec != SOFT % (i % 250) else SOFT % 0][1]
        if rec.startswith("v=spf1 ip4:192.0.2.") and rec.endswith("~all"):
            w = [x.replace("192.0.2.0", "192.0.2.%d" % (i % 250)) for x in w]
        check(got[i + 1] == w, "line %d: %r, alone: %r" % (i + 1, got[i + 1], w))
    check(r.stderr == "", r.stderr)


def test_lint_batch_all_good_file_crlf_quoted_blank(e):
    path = os.path.join(e.dir, "records.txt")
    with open(path, "wb") as f:
        f.write(b"v=DMARC1; p=reject; rua=mailto:dmarc@example.com\r\n"
                b"\r\n"
                b"   \n"
                b"\"v=DMARC1; p=quarantine; \" \"rua=mailto:dmarc@example.com\"\n"
                b"v=DMARC1; p=none")
    r = ok(lint(e, "dmarc", "--file", path))
    check(r.stdout == "line 1: DMARC record OK\nline 4: DMARC record OK\nline 5: DMARC record OK\n",
          r.stdout)
    with open(path, "rb") as f:
        r = subprocess.run([BIN, "lint", "dmarc", "-"], cwd=e.dir, env=e.env(), stdin=f,
                           capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and r.stdout.count("DMARC record OK") == 3, r.stdout + r.stderr)
    # A bad DKIM record among good ones: exit 1, the others still checked.
    key = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
    r = ok(lint(e, "dkim", "-", stdin=key + "\nv=DKIM1; k=rsa; p=not*base64\n" + key + "\n"), 1)
    lines = r.stdout.splitlines()
    check(lines[0] == "line 1: DKIM record OK" and lines[-1] == "line 3: DKIM record OK", r.stdout)
    check(all(x.startswith("line 2: ") for x in lines[1:-1]) and len(lines) > 2, r.stdout)
    check("line 2: error: " in r.stdout, r.stdout)


def test_lint_batch_errors(e):
    r = ok(lint(e, "spf", "--file", os.path.join(e.dir, "missing.txt")), 1)
    check("mailauth: cannot read '%s': No such file or directory" % os.path.join(e.dir, "missing.txt")
          in r.stderr, r.stderr)
    r = ok(lint(e, "spf", "-", stdin=""), 1)
    check("mailauth: no record to check in standard input" in r.stderr and r.stdout == "", r.stderr)
    r = ok(lint(e, "spf", "-", stdin="\n\n  \n"), 1)
    check("mailauth: no record to check in standard input" in r.stderr, r.stderr)
    path = os.path.join(e.dir, "r.txt")
    with open(path, "w") as f:
        f.write(GOOD_SPF + "\n")
    r = ok(lint(e, "spf", "--file", path, GOOD_SPF), 1)
    check("lint takes the record or --file, not both" in r.stderr, r.stderr)
    # An unterminated quoted string: an error of that line only.
    r = ok(lint(e, "spf", "-", stdin='"v=spf1 -all\n' + GOOD_SPF + "\n"), 1)
    out = r.stdout.splitlines()
    check(len(out) == 2 and out[0].startswith("line 1: error: ") and out[1] == "line 2: SPF record OK",
          r.stdout)
    # A line over 64 KiB is refused, not checked; the next is.
    long_line = "v=spf1 " + "a" * 70000 + " -all"
    r = ok(lint(e, "spf", "-", stdin=long_line + "\n" + GOOD_SPF + "\n"), 1)
    check(r.stdout == "line 1: error: the line is longer than 65536 bytes: not checked\n"
          "line 2: SPF record OK\n", r.stdout)
    # Control characters in a record are never written raw.
    r = ok(lint(e, "spf", "-", stdin="v=spf1 \x1b[31mx -all\n"), 1)
    check("\x1b" not in r.stdout and r.stdout.startswith("line 1: error: "), repr(r.stdout))
