"""Integration tests: the real mailauth binary against a moto Route 53.

Run by `make check` (`make integration`) with a Python that imports moto 5
and boto3; prints "ok"/"FAIL" per test and "N passed, N failed" last.
"""
import base64
import re
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (FAKE_SECRET, DMARC_CFG, WANT_NONE, WANT_QUARANTINE, check, dmarc,  # noqa: E402
                     main, ok, on_terminal, registry, seed_unrelated, tests_of)

def test_create_dmarc_in_empty_zone(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    r = ok(e.run("apply", "--auto-approve"))
    check("INSYNC" in r.stdout, "apply should report INSYNC:\n" + r.stdout)
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))


def test_plan_writes_nothing_and_second_plan_is_clean(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    # The DMARC record and the registry (docs/records.md).
    check("Plan: 2 to add, 0 to change, 0 to destroy." in r.stdout, r.stdout)
    check(dmarc(e, zid) is None, "plan must not write")
    ok(e.run("apply", "--auto-approve"))
    before = e.records(zid)
    r = ok(e.run("plan", "--detailed-exitcode"), 0)
    check("No changes." in r.stdout, r.stdout)
    r = ok(e.run("apply", "--auto-approve"))
    check(e.records(zid) == before, "a second apply changed the zone")


def test_different_live_value_is_updated(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", ['"v=DMARC1; p=none; rua=mailto:dmarc@example.com"'], ttl=3600)
    registry(e, zid, "v=mailauth1; dmarc=_dmarc")
    e.config(DMARC_CFG.format(policy="quarantine"))
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("Plan: 0 to add, 1 to change, 0 to destroy." in r.stdout, r.stdout)
    check("- " + WANT_NONE in r.stdout and "+ " + WANT_QUARANTINE in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    check(dmarc(e, zid) == (3600, [WANT_QUARANTINE]), "live: %r" % (dmarc(e, zid),))


def test_equivalent_live_value_is_left_alone(e):
    zid = e.zone("example.com")
    live = '"v=DMARC1;p=None ;  rua = mailto:dmarc@example.com"'
    e.put(zid, "_dmarc.example.com.", "TXT", [live], ttl=3600)
    registry(e, zid, "v=mailauth1; dmarc=_dmarc")
    e.config(DMARC_CFG.format(policy="none"))
    r = ok(e.run("plan", "--detailed-exitcode"), 0)
    check("equivalent" in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    check(dmarc(e, zid) == (3600, [live]), "live: %r" % (dmarc(e, zid),))


def test_ttl_change_is_an_update(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=300)
    e.config(DMARC_CFG.format(policy="none"))
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("ttl 300 -> 3600" in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))


def test_unrelated_records_untouched(e):
    zid = e.zone("example.com")
    other = e.zone("example.org")
    seed_unrelated(e, zid)
    e.put(other, "_dmarc.example.org.", "TXT", ['"v=DMARC1; p=none"'])
    # Someone else's value beside the DMARC record at _dmarc keeps its
    # bytes and its place.
    e.put(zid, "_dmarc.example.com.", "TXT", ['"vendor-token=xyz"', '"v=DMARC1; p=none"'], ttl=3600)
    before, before_other = e.records(zid), e.records(other)
    e.config(DMARC_CFG.format(policy="quarantine"))
    ok(e.run("apply", "--auto-approve"))
    after = e.records(zid)
    check(after[("_dmarc.example.com.", "TXT")] == (3600, ['"vendor-token=xyz"', WANT_QUARANTINE]),
          "live: %r" % (after[("_dmarc.example.com.", "TXT")],))
    del before[("_dmarc.example.com.", "TXT")]
    del after[("_dmarc.example.com.", "TXT")]
    del after[("_mailauth.example.com.", "TXT")]
    check(before == after, "unrelated records changed:\n%r\n%r" % (before, after))
    check(e.records(other) == before_other, "another zone changed")


def test_two_dmarc_records_become_one(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", ['"v=DMARC1; p=reject"', '"v=DMARC1; p=none"'], ttl=3600)
    e.config(DMARC_CFG.format(policy="none"))
    r = ok(e.run("plan"))
    check("2 DMARC records" in r.stdout + r.stderr, r.stdout + r.stderr)
    ok(e.run("apply", "--auto-approve"))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))


def test_invalid_config_reports_position_and_sends_nothing(e):
    zid = e.zone("example.com")
    p = e.proxy()
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc:\n      policy: quarentine\n")
    for cmd in (["plan"], ["apply", "--auto-approve"], ["validate"]):
        r = ok(e.run(*cmd, endpoint=p.url), 1)
        check("mailauth.yaml:5:15: domains.example.com.dmarc.policy: expected one of none, quarantine, "
              "reject, got \"quarentine\"" in r.stderr, r.stderr)
    check(p.requests == [], "requests were sent: %r" % ([q["path"] for q in p.requests],))
    check(dmarc(e, zid) is None, "zone changed")


def test_route53_error_is_reported_and_nothing_changes(e):
    zid = e.zone("example.com")
    p = e.proxy()
    p.fail = lambda method, path: (400, b"""<?xml version="1.0"?>
<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type>
<Code>InvalidChangeBatch</Code><Message>[Tried to create resource record set [name='_dmarc.example.com.', type='TXT'] but it already exists]</Message>
</Error><RequestId>b25f48e8-84fd-11e6-80d9-574e0c4664cb</RequestId></ErrorResponse>""") if method == "POST" else None
    e.config(DMARC_CFG.format(policy="none"))
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url), 1)
    check("Route 53 refused the batch, so none of it was applied" in r.stderr, r.stderr)
    check("Route 53 ChangeResourceRecordSets: InvalidChangeBatch: [Tried to create resource record "
          "set [name='_dmarc.example.com.', type='TXT'] but it already exists]" in r.stderr, r.stderr)
    check(dmarc(e, zid) is None, "zone changed")


def test_missing_zone_id_is_reported(e):
    e.zone("example.com")
    e.config("version: 1\ndomains:\n  example.com:\n    zone: ZNOSUCHZONE1\n    dmarc: { policy: none }\n")
    r = ok(e.run("plan"), 1)
    check("domains.example.com.zone" in r.stderr and "NoSuchHostedZone" in r.stderr, r.stderr)


def test_domain_without_zone_stops_everything(e):
    zid = e.zone("example.com")
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc: { policy: none }\n"
             "  example.net:\n    dmarc: { policy: none }\n")
    r = ok(e.run("apply", "--auto-approve"), 1)
    check("example.net" in r.stderr and "no public hosted zone" in r.stderr, r.stderr)
    check(dmarc(e, zid) is None, "example.com was changed although example.net has no zone")


def test_longest_matching_public_zone(e):
    parent = e.zone("example.com")
    child = e.zone("mail.example.com")
    e.zone("mail.example.com", private=True)
    e.config("version: 1\ndomains:\n  mail.example.com:\n    dmarc: { policy: none }\n")
    ok(e.run("apply", "--auto-approve"))
    check(dmarc(e, child, "_dmarc.mail.example.com.") is not None, "not in the child zone")
    check(dmarc(e, parent, "_dmarc.mail.example.com.") is None, "written to the parent zone")


def test_cname_at_dmarc_name_is_a_conflict(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "CNAME", ["example.com.dmarc.vendor.example."])
    before = e.records(zid)
    e.config(DMARC_CFG.format(policy="none"))
    r = ok(e.run("apply", "--auto-approve"), 1)
    check("is a CNAME" in r.stderr, r.stderr)
    check(e.records(zid) == before, "zone changed")


def test_apply_needs_a_terminal_or_auto_approve(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    r = ok(e.run("apply"), 1)
    check("--auto-approve" in r.stderr, r.stderr)
    check(dmarc(e, zid) is None, "applied without confirmation")


def run_on_terminal(e, answer, *args):
    return on_terminal([sys.modules["harness"].BIN] + list(args), e.env(), e.dir,
                       (b"Only 'yes' is accepted:", answer))


def test_apply_asks_on_a_terminal(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    code, out = run_on_terminal(e, b"no", "apply")
    check(code == 1 and "cancelled" in out, "exit %d:\n%s" % (code, out))
    check(dmarc(e, zid) is None, "applied although the answer was no")
    code, out = run_on_terminal(e, b"yes", "apply")
    check(code == 0, "exit %d:\n%s" % (code, out))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))


def test_requests_are_signed_and_secrets_never_printed(e):
    e.zone("example.com")
    p = e.proxy()
    e.config(DMARC_CFG.format(policy="none"))
    token = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN"
    env = e.env(p.url, AWS_SESSION_TOKEN=token)
    r = ok(e.run("plan", "--debug", env=env))
    check(p.requests, "no request reached the endpoint")
    for q in p.requests:
        h = {k.lower(): v for k, v in q["headers"].items()}
        check(h.get("authorization", "").startswith(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"), "unsigned request: %r" % h)
        check("/us-east-1/route53/aws4_request" in h["authorization"], h["authorization"])
        check(h.get("x-amz-security-token") == token, "session token not sent")
        sig = h["authorization"].split("Signature=")[1]
        for secret in (FAKE_SECRET, token, sig):
            check(secret not in r.stdout and secret not in r.stderr, "a secret reached the output")
    check("debug:" in r.stderr, "--debug printed nothing:\n" + r.stderr)


def test_options_anywhere_and_bad_flags(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"), name="x.yaml")
    a = ok(e.run("--no-color", "plan", "-c", "x.yaml"))
    b = ok(e.run("plan", "-c", "x.yaml", "--no-color"))
    c = ok(e.run("-cx.yaml", "plan", "--config=x.yaml"))
    check(a.stdout == b.stdout == c.stdout and "Plan: 2 to add" in a.stdout, a.stdout + b.stdout)
    r = ok(e.run("plan", "--frobnicate"), 1)
    check("unknown option '--frobnicate'" in r.stderr and "usage: mailauth plan" in r.stderr, r.stderr)
    r = ok(e.run("plan", "--auto-approve"), 1)
    check("usage: mailauth plan" in r.stderr, r.stderr)
    r = ok(e.run("--version"))
    check(r.stdout.startswith("mailauth "), r.stdout)
    for cmd in ("plan", "apply", "validate"):
        r = ok(e.run(cmd, "-h"))
        check(r.stdout.startswith("usage: mailauth " + cmd), r.stdout)
        r = ok(e.run("help", cmd))
        check(r.stdout.startswith("usage: mailauth " + cmd), r.stdout)


def test_validate_is_offline(e):
    p = e.proxy()
    e.config(DMARC_CFG.format(policy="reject"))
    env = e.env(p.url)
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    r = ok(e.run("validate", env=env))
    check("valid" in r.stdout, r.stdout)
    check(p.requests == [], "validate sent requests")


def test_missing_credentials_are_named(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    env = e.env()
    del env["AWS_SECRET_ACCESS_KEY"]
    r = ok(e.run("plan", env=env), 1)
    check("AWS_SECRET_ACCESS_KEY" in r.stderr, r.stderr)


def keypair(e, name, kind="rsa"):
    """A DKIM key made by openssl itself; returns (public PEM path, base64 SPKI)."""
    priv = os.path.join(e.dir, name + ".key")
    pub = os.path.join(e.dir, name + ".pub.pem")
    algo = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"] if kind == "rsa" else ["-algorithm", "ED25519"]
    subprocess.run(["openssl", "genpkey"] + algo + ["-out", priv], check=True, capture_output=True)
    subprocess.run(["openssl", "pkey", "-in", priv, "-pubout", "-out", pub], check=True, capture_output=True)
    der = subprocess.run(["openssl", "pkey", "-pubin", "-in", pub, "-outform", "DER"], check=True,
                         capture_output=True).stdout
    return pub, base64.b64encode(der).decode()


def joined(value):
    """The text receivers see: the strings of one TXT value concatenated."""
    parts, cur, i, inq = [], "", 0, False
    while i < len(value):
        ch = value[i]
        if ch == '"':
            if inq:
                parts.append(cur)
                cur = ""
            inq = not inq
        elif ch == "\\" and inq:
            i += 1
            cur += value[i]
        elif inq:
            cur += ch
        i += 1
    return parts


def test_spf_merges_with_foreign_apex_values(e):
    zid = e.zone("example.com")
    foreign = ['"google-site-verification=abc123"', '"MS=ms48151623"', '"v=spf1 mx ~all"', '"apple-domain=x\\"y"']
    # The set's TTL is shared with the foreign values, so it stays 600.
    e.put(zid, "example.com.", "TXT", foreign, ttl=600)
    e.put(zid, "example.com.", "MX", ["10 mx.example.com."])
    e.config("version: 1\ndomains:\n  example.com:\n    spf: { include: [amazonses.com], mx: true, all: fail }\n")
    ok(e.run("apply", "--auto-approve"))
    recs = e.records(zid)
    check(recs[("example.com.", "TXT")] == (600, [foreign[0], foreign[1], '"v=spf1 mx include:amazonses.com -all"',
                                                   foreign[3]]), "apex TXT: %r" % (recs[("example.com.", "TXT")],))
    check(recs[("example.com.", "MX")] == (300, ["10 mx.example.com."]), "MX changed")
    ok(e.run("plan", "--detailed-exitcode"), 0)


def test_long_spf_round_trips(e):
    zid = e.zone("example.com")
    ips = ["198.51.%d.%d" % (i // 200, i % 200) for i in range(40)]
    e.config("version: 1\ndomains:\n  example.com:\n    spf:\n      ip4: [%s]\n      all: softfail\n" % ", ".join(ips))
    r = ok(e.run("apply", "--auto-approve"))
    ttl, values = e.records(zid)[("example.com.", "TXT")]
    check(len(values) == 1, "one value: %r" % values)
    strings = joined(values[0])
    text = "".join(strings)
    check(len(text) > 600 and text == "v=spf1 " + " ".join("ip4:" + ip for ip in ips) + " ~all", text)
    check(all(len(s.encode()) <= 255 for s in strings), "a string over 255 bytes")
    check(all(s.startswith(" ") for s in strings[1:]), "split inside a term: %r" % strings)
    r = ok(e.run("plan", "--detailed-exitcode"), 0)
    check("No changes." in r.stdout, r.stdout)


def test_dkim_selectors(e):
    zid = e.zone("example.com")
    pub, spki = keypair(e, "s2026")
    _, spki_ed = keypair(e, "ed", "ed25519")
    # s-old: a TXT selector that becomes a CNAME; gone: deleted; other: not in the config.
    e.put(zid, "s-old._domainkey.example.com.", "TXT", ['"v=DKIM1; k=rsa; p=%s"' % spki[:200]], ttl=3600)
    e.put(zid, "gone._domainkey.example.com.", "TXT", ['"v=DKIM1; k=rsa; p=%s"' % spki[:200]])
    e.put(zid, "other._domainkey.example.com.", "TXT", ['"v=DKIM1; k=rsa; p=OTHER"'])
    before_other = e.records(zid)[("other._domainkey.example.com.", "TXT")]
    e.config("""version: 1
domains:
  example.com:
    dkim:
      s2026: { public_key_file: %s }
      ed1: { public_key: "%s" }
      s-old: { cname: abcdef.dkim.amazonses.com }
      gone: { state: absent }
""" % (pub, spki_ed))
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url))
    posts = [q["body"].decode() for q in p.requests if q["method"] == "POST"]
    # One ChangeResourceRecordSets batch holds the TXT -> CNAME switch
    # (DELETE of the TXT set, CREATE of the CNAME) and everything else.
    check(len(posts) == 1, "%d batches" % len(posts))
    switch = [m.group(1) for m in re.finditer(r"<Action>(\w+)</Action>\s*<ResourceRecordSet>\s*"
                                               r"<Name>s-old\._domainkey\.example\.com\.?</Name>", posts[0])]
    check(switch == ["DELETE", "CREATE"], "s-old changes: %r\n%s" % (switch, posts[0]))
    recs = e.records(zid)
    check("".join(joined(recs[("s2026._domainkey.example.com.", "TXT")][1][0])) ==
          "v=DKIM1; k=rsa; p=" + spki, "s2026: %r" % (recs.get(("s2026._domainkey.example.com.", "TXT")),))
    ed_raw = base64.b64encode(base64.b64decode(spki_ed)[-32:]).decode()
    check("".join(joined(recs[("ed1._domainkey.example.com.", "TXT")][1][0])) == "v=DKIM1; k=ed25519; p=" + ed_raw,
          "ed1: %r" % (recs.get(("ed1._domainkey.example.com.", "TXT")),))
    check(("s-old._domainkey.example.com.", "TXT") not in recs, "old TXT left beside the CNAME")
    check(recs[("s-old._domainkey.example.com.", "CNAME")][1] in (["abcdef.dkim.amazonses.com."],
                                                                  ["abcdef.dkim.amazonses.com"]), repr(recs))
    check(("gone._domainkey.example.com.", "TXT") not in recs, "absent selector not deleted")
    check(recs[("other._domainkey.example.com.", "TXT")] == before_other, "a selector not in the config changed")
    r = ok(e.run("plan", "--detailed-exitcode"), 0)


def test_bad_dkim_key_and_spf_budget_fail_validation(e):
    priv = os.path.join(e.dir, "p.key")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ED25519", "-out", priv], check=True, capture_output=True)
    e.config("""version: 1
domains:
  example.com:
    spf: { include: [a.example, b.example, c.example, d.example, e.example, f.example, g.example, h.example, i.example, j.example, k.example], all: fail }
    dkim:
      bad: { public_key_file: p.key }
""")
    r = ok(e.run("validate"), 1)
    check("mailauth.yaml:4:5: " in r.stderr and "11" in r.stderr, r.stderr)
    check("mailauth.yaml:6:7: " in r.stderr and "private" in r.stderr.lower(), r.stderr)
    check("PRIVATE KEY" not in r.stderr and "MC4CAQ" not in r.stderr, "key material printed")


def test_examples_validate(e):
    folder = os.path.join(sys.modules["harness"].TOP, "examples")
    names = sorted(n for n in os.listdir(folder) if n.endswith(".yaml"))
    check(len(names) >= 2, "examples: %r" % names)
    for n in names:
        r = e.run("validate", "-c", os.path.join(folder, n))
        check(r.returncode == 0 and r.stderr == "", "%s: exit %d\n%s" % (n, r.returncode, r.stderr))


if __name__ == "__main__":
    sys.exit(main(tests_of(sys.modules[__name__], os.path.dirname(os.path.abspath(__file__)))))
