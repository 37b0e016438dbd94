"""What reaches the terminal: ESC, BEL, C1 controls and bidirectional
overrides written in a config, a linted record, a DMARC report or a record
Route 53 holds are shown escaped ("\\x1b", "\\u202e"), never as they are;
the program's own line breaks are kept.  Output is read as bytes, so that a
raw control character cannot hide in a decoding."""
import json
import os
import subprocess
import sys

from harness import BIN, check

ESC = b"\x1b"


def run(e, *args, env=None):
    """mailauth with bytes arguments; stdout and stderr as bytes."""
    argv = [BIN.encode()] + [a if isinstance(a, bytes) else a.encode() for a in args]
    return subprocess.run(argv, cwd=e.dir, env=env or e.env(), stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=60)


def raw_controls(out):
    """The control characters of out (bytes) a terminal would act on: C0
    but the line break, DEL, C1 (U+0080-U+009F) and the bidi controls."""
    found = [hex(b) for b in out if (b < 0x20 and b != 0x0a) or b == 0x7f]
    text = out.decode("utf-8", errors="replace")
    found += ["U+%04X" % ord(c) for c in text
              if 0x80 <= ord(c) <= 0x9f or 0x202a <= ord(c) <= 0x202e or 0x2066 <= ord(c) <= 0x2069
              or ord(c) in (0x200e, 0x200f, 0x61c)]
    return found


def clean(out, what):
    check(raw_controls(out) == [], "%s: raw %r in\n%r" % (what, raw_controls(out), out))


def write(e, name, data):
    path = os.path.join(e.dir, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def test_config_controls_are_escaped_in_errors(e):
    # A domain, a selector, a DMARC tag value and a key holding ESC and
    # BEL, written as YAML escapes; and a U+202E in a policy.
    write(e, "mailauth.yaml", b"version: 1\n"
          b"domains:\n"
          b"  \"ex\\e]0;owned\\aample.com\":\n"
          b"    dmarc: { policy: none }\n"
          b"  example.org:\n"
          b"    dkim:\n"
          b"      \"s\\e[2Jel\": { cname: \"x\\e.dkim.example.net\" }\n"
          b"    dmarc: { policy: \"\\u202Enone\", rua: [\"mailto:a\\e[31m@example.org\"] }\n"
          b"    \"bad\\akey\": 1\n")
    for cmd in (["validate"], ["plan"]):
        r = run(e, *cmd)
        check(r.returncode == 1, "%s: exit %d\n%r" % (cmd, r.returncode, r.stderr))
        clean(r.stderr, cmd[0])
        clean(r.stdout, cmd[0])
        err = r.stderr.decode()
        check(ESC not in r.stderr and b"\a" not in r.stderr, err)
        # Every problem is still named, with its input escaped.
        check("example.org.bad\\x07key: unknown key" in err, err)
        check("got \"\\u202enone\"" in err, err)
        check("\\x1b[2J" in err, err)
        check("mailto:a\\x1b[31m@example.org" in err, err)
        check(err.endswith("\n") and err.count("\n") >= 4, err)


def test_lint_escapes_the_record(e):
    for kind, rec, shown in (
            ("dmarc", b"v=DMARC1; p=\x1b[31mnone; rua=mailto:\x07a@example.com",
             b"'p=\\x1b[31mnone': expected none, quarantine or reject"),
            ("dmarc", b"v=DMARC1; p=none; rua=mailto:\xc2\x9ba@example.com",
             b"'rua=mailto:\\u009ba@example.com'"),
            ("spf", b"v=spf1 include:\x1b]0;t\x07.example.com \xe2\x80\xae-all", b"0x1b"),
            ("dkim", b"v=DKIM1; k=\x1bed25519; p=\xc2\x9b", b"0x1b")):
        r = run(e, "lint", kind, rec)
        check(r.returncode == 1, "%s: exit %d\n%r" % (kind, r.returncode, r.stdout))
        clean(r.stdout, "lint " + kind)
        clean(r.stderr, "lint " + kind)
        check(shown in r.stdout, r.stdout)
        check(r.stdout.startswith(b"error: ") and r.stdout.endswith(b"\n"), r.stdout)
    # A kind of record given with ESC is an error quoting it escaped.
    r = run(e, "lint", b"sp\x1bf", b"v=spf1 -all")
    check(r.returncode == 1, r.stderr)
    clean(r.stderr, "lint kind")
    check(b"unknown kind of record 'sp\\x1bf'" in r.stderr, r.stderr)


def report_xml(org):
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feedback><report_metadata>'
            '<org_name>%s</org_name><email>noreply@reporter.example</email>'
            '<report_id>r-1</report_id><date_range><begin>1772323200</begin>'
            '<end>1772409599</end></date_range></report_metadata>'
            '<policy_published><domain>example.com</domain><p>none</p></policy_published>'
            '<record><row><source_ip>192.0.2.1</source_ip><count>3</count><policy_evaluated>'
            '<disposition>none</disposition><dkim>pass</dkim><spf>pass</spf></policy_evaluated>'
            '</row><identifiers><header_from>example.com</header_from></identifiers>'
            '<auth_results><spf><domain>example.com</domain><result>pass</result></spf>'
            '</auth_results></record></feedback>\n' % org).encode()


def test_report_org_name_controls_are_escaped(e):
    folder = os.path.join(e.dir, "reports")
    os.mkdir(folder)
    # U+202E reverses what follows on screen; U+009B is CSI for terminals
    # that take 8-bit controls; U+0085 is NEL.
    org = "Evil\u202eCorp\u009b31m\u0085x &#x202E;"
    write(e, "reports/r.xml", report_xml(org))
    for fmt in ("text", "markdown"):
        r = run(e, "report", "--format", fmt, folder)
        check(r.returncode == 0, "%s: exit %d\n%r" % (fmt, r.returncode, r.stderr))
        clean(r.stdout, "report " + fmt)
        clean(r.stderr, "report " + fmt)
    r = run(e, "report", folder)
    check(b"Evil\\u202eCorp\\u009b31m\\u0085x \\u202e (1 report, 3 messages)" in r.stdout, r.stdout)
    # JSON keeps the name as the report has it (JSON's escapes suffice).
    r = run(e, "report", "--format", "json", folder)
    check(r.returncode == 0, r.stderr)
    names = [x["org_name"] for d in json.loads(r.stdout)["domains"] for x in d["reporters"]]
    check(names == ["Evil\u202eCorp\u009b31m\u0085x \u202e"], names)


def test_plan_escapes_a_live_value(e):
    # Route 53 speaks XML 1.0, which cannot carry ESC or BEL (Route 53
    # shows them as "\\033"); it carries the 8-bit CSI (U+009B), NEL and
    # the bidi overrides.
    zid = e.zone("example.com")
    live = '"v=DMARC1; p=none; \u009b2J\u202e1=tcp \u0085"'
    e.put(zid, "_dmarc.example.com.", "TXT", [live], ttl=3600)
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc: { policy: quarantine }\n")
    r = run(e, "plan", "--detailed-exitcode")
    check(r.returncode == 2, "exit %d\n%r\n%r" % (r.returncode, r.stdout, r.stderr))
    clean(r.stdout, "plan")
    clean(r.stderr, "plan")
    check(b'- "v=DMARC1; p=none; \\u009b2J\\u202e1=tcp \\u0085"\n' in r.stdout, r.stdout)
    check(b'+ "v=DMARC1; p=quarantine"\n' in r.stdout, r.stdout)
    r = run(e, "plan", "--format", "markdown")
    check(r.returncode == 0, r.stderr)
    clean(r.stdout, "plan markdown")
    check(b"\\u009b2J\\u202e1=tcp \\u0085" in r.stdout, r.stdout)
    # The saved plan keeps the value as Route 53 has it.
    r = run(e, "plan", "--out", "p.json")
    check(r.returncode == 0, r.stderr)
    with open(os.path.join(e.dir, "p.json"), "rb") as f:
        saved = json.loads(f.read())
    before = [v for c in saved["changes"] for v in (c.get("before") or {}).get("values", [])]
    check(live in before, before)
    # plan wrote nothing: Route 53 still holds the value as it was put.
    check(e.records(zid)[("_dmarc.example.com.", "TXT")] == (3600, [live]), e.records(zid))


if __name__ == "__main__":
    from harness import main
    mod = sys.modules[__name__]
    sys.exit(main([fn for k, fn in sorted(vars(mod).items()) if k.startswith("test_")]))
