"""Output bounded by design whatever the input (issue 15): a config with
10,000 bad keys gives the first 100 diagnostics and one line counting the
rest, not one line per key."""
from harness import check, ok


def test_validate_many_bad_keys(e):
    keys = "".join("    bad%d: 1\n" % i for i in range(10000))
    path = e.config("version: 1\ndomains:\n  example.com:\n"
                    "    dmarc: {policy: none}\n" + keys)
    r = ok(e.run("validate", "-c", path), 1)
    lines = r.stderr.splitlines()
    check(len(lines) <= 102, "%d lines" % len(lines))
    check(len(r.stderr) < 20000, "%d bytes of stderr" % len(r.stderr))
    check(lines[0].endswith("domains.example.com.bad0: unknown key; "
                            "expected one of zone, account, ttl, spf, dkim, dmarc, ses, "
                            "parked, tls_rpt, mta_sts, bimi"), lines[0])
    check(lines[-2] == "... and 9900 more errors", lines[-2])
    check(lines[-1] == "mailauth: 10000 errors in '%s'; nothing was sent to AWS" % path,
          lines[-1])


def test_validate_long_key_cut(e):
    key = "k" * 1000  # a plain key: YAML allows up to 1024
    path = e.config("version: 1\ndomains:\n  example.com:\n"
                    "    dmarc: {policy: none}\n    %s: 1\n" % key)
    r = ok(e.run("validate", "-c", path), 1)
    check(("domains.example.com.%s...: unknown key" % key[:252]) in r.stderr, r.stderr)
    check(key[:253] not in r.stderr, r.stderr)
