"""MTA-STS and BIMI (issue 20): plan publishes _mta-sts.<domain> TXT
"v=STSv1; id=ID", ID being the first 16 bytes of the SHA-256 of the policy
file in hex, so it changes when the policy does; "mta-sts policy" prints
that file exactly (CRLF lines); default._bimi.<domain> TXT "v=BIMI1; l=...;
a=..." is refused while the DMARC rollout is short of quarantine for all
mail and published from the day it gets there.  Foreign TXT values at
both names are kept.  Checked with boto3."""
import hashlib
import os
import subprocess

from harness import BIN, check, ok, registry

STS = "_mta-sts.example.com."
BIMI = "default._bimi.example.com."
FOREIGN = '"some-verification=abc123"'

STS_CFG = """\
version: 1
domains:
  example.com:
    mta_sts:
      mode: {mode}
      mx: [mail.example.com, "*.example.net"]
      max_age: {max_age}
"""


def policy(mode, max_age, mx=("*.example.net", "mail.example.com")):
    lines = ["version: STSv1", "mode: " + mode] + ["mx: " + m for m in mx] + ["max_age: %d" % max_age]
    return ("".join(line + "\r\n" for line in lines)).encode()


def sts_value(text):
    return '"v=STSv1; id=%s"' % hashlib.sha256(text).hexdigest()[:32]


def txt(e, zid, name):
    return e.records(zid).get((name, "TXT"))


def test_mta_sts_record_follows_the_policy(e):
    zid = e.zone("example.com")
    e.put(zid, STS, "TXT", [FOREIGN], ttl=3600)
    e.config(STS_CFG.format(mode="testing", max_age=86400))
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    # With the registry.
    check("Plan: 1 to add, 1 to change, 0 to destroy." in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    first = sts_value(policy("testing", 86400))
    ttl, values = txt(e, zid, STS)
    check(ttl == 3600 and sorted(values) == sorted([FOREIGN, first]), "live: %r" % (values,))
    before = e.records(zid)
    r = ok(e.run("plan", "--detailed-exitcode"), 0)
    check("No changes." in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    check(e.records(zid) == before, "a second apply changed the zone")
    # Each change of the policy is a new id; the foreign value stays.
    for mode, max_age in (("enforce", 86400), ("enforce", 86401)):
        e.config(STS_CFG.format(mode=mode, max_age=max_age))
        r = ok(e.run("plan", "--detailed-exitcode"), 2)
        check("Plan: 0 to add, 1 to change, 0 to destroy." in r.stdout, r.stdout)
        ok(e.run("apply", "--auto-approve"))
        want = sts_value(policy(mode, max_age))
        check(want != first, "the id did not change")
        _, values = txt(e, zid, STS)
        check(sorted(values) == sorted([FOREIGN, want]), "live after %s %d: %r" % (mode, max_age, values))
        first = want


def test_mta_sts_equivalent_record_is_left_alone(e):
    zid = e.zone("example.com")
    want = sts_value(policy("enforce", 604800))
    live = want.replace("; ", ";").rstrip('"') + ';"'
    e.put(zid, STS, "TXT", [live], ttl=3600)
    registry(e, zid, "v=mailauth1; mtasts=_mta-sts")
    e.config(STS_CFG.format(mode="enforce", max_age=604800))
    r = ok(e.run("plan", "--detailed-exitcode"), 0)
    check("No changes." in r.stdout, r.stdout)
    check(txt(e, zid, STS) == (3600, [live]), "live: %r" % (txt(e, zid, STS),))


def run_bytes(e, *args):
    return subprocess.run([BIN] + list(args), cwd=e.dir, env=e.env(), stdin=subprocess.DEVNULL,
                          capture_output=True, timeout=60)


def test_mta_sts_policy_output(e):
    e.config(STS_CFG.format(mode="enforce", max_age=86400) + """\
  example.org:
    mta_sts: { mode: none }
""")
    r = run_bytes(e, "mta-sts", "policy", "Example.COM.")
    check(r.returncode == 0 and r.stderr == b"", r)
    check(r.stdout == policy("enforce", 86400), "stdout: %r" % r.stdout)
    r = run_bytes(e, "mta-sts", "policy", "example.org")
    check(r.stdout == b"version: STSv1\r\nmode: none\r\nmax_age: 604800\r\n", "stdout: %r" % r.stdout)
    # Two domains and no DOMAIN: --out, or an error.
    r = run_bytes(e, "mta-sts", "policy")
    check(r.returncode == 1 and r.stdout == b"", r)
    check(b"2 domains of 'mailauth.yaml' have mta_sts: name one, or give --out DIR" in r.stderr, r.stderr)
    r = run_bytes(e, "mta-sts", "policy", "--out", "site")
    check(r.returncode == 0, r)
    for dom, text in (("example.com", policy("enforce", 86400)),
                      ("example.org", b"version: STSv1\r\nmode: none\r\nmax_age: 604800\r\n")):
        path = os.path.join(e.dir, "site", "mta-sts." + dom, ".well-known", "mta-sts.txt")
        with open(path, "rb") as f:
            check(f.read() == text, path)
        check(("wrote site/mta-sts.%s/.well-known/mta-sts.txt (id=%s)" % (
            dom, hashlib.sha256(text).hexdigest()[:32])).encode() in r.stdout, r.stdout)
    e.config(STS_CFG.format(mode="enforce", max_age=86400) + """\
  example.org:
    dmarc: { policy: none }
""")
    for args, msg in ((("policy", "example.net"), b"'example.net' is not a domain of 'mailauth.yaml'"),
                      (("policy", "example.org"), b"'example.org' has no mta_sts in 'mailauth.yaml'"),
                      (("bogus",), b"unknown mta-sts subcommand 'bogus'"),
                      ((), b"mta-sts needs a subcommand: policy")):
        r = run_bytes(e, "mta-sts", *args)
        check(r.returncode == 1 and r.stdout == b"" and msg in r.stderr, (args, r.stderr))
    # One domain with mta_sts: no DOMAIN needed.
    r = run_bytes(e, "mta-sts", "policy")
    check(r.returncode == 0 and r.stdout == policy("enforce", 86400), r)


BIMI_CFG = """\
version: 1
domains:
  example.com:
    bimi:
      logo: https://example.com/logo.svg
      authority: https://example.com/vmc.pem
    dmarc:
      rua: [mailto:dmarc@example.com]
      rollout:
        - { policy: none, from: 2027-01-01 }
        - { policy: quarantine, testing: true, from: 2027-02-01 }
        - { policy: quarantine, from: 2027-03-01 }
"""

WANT_BIMI = '"v=BIMI1; l=https://example.com/logo.svg; a=https://example.com/vmc.pem"'


def test_bimi_waits_for_enforcement(e):
    zid = e.zone("example.com")
    e.put(zid, BIMI, "TXT", [FOREIGN], ttl=3600)
    e.config(BIMI_CFG)
    before = e.records(zid)
    for day in ("2027-01-01", "2027-02-28"):
        for cmd in (("plan",), ("apply", "--auto-approve"), ("validate",)):
            r = e.run(*cmd, "--at", day)
            check(r.returncode == 1, "%s on %s: %s" % (cmd, day, r.stdout))
            check("mailauth.yaml:4:5: domains.example.com.bimi: receivers show a BIMI logo only when "
                  "DMARC is at enforcement" in r.stderr and "on %s the DMARC record is" % day in r.stderr,
                  r.stderr)
    check(e.records(zid) == before, "a refused config changed the zone")
    ok(e.run("apply", "--auto-approve", "--at", "2027-03-01"))
    ttl, values = txt(e, zid, BIMI)
    check(ttl == 3600 and sorted(values) == sorted([FOREIGN, WANT_BIMI]), "live: %r" % (values,))
    check(txt(e, zid, "_dmarc.example.com.")[1] == ['"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"'],
          txt(e, zid, "_dmarc.example.com."))
    after = e.records(zid)
    r = ok(e.run("plan", "--detailed-exitcode", "--at", "2027-03-01"), 0)
    check("No changes." in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve", "--at", "2027-03-01"))
    check(e.records(zid) == after, "a second apply changed the zone")


def test_bimi_live_record_updated_or_kept(e):
    zid = e.zone("example.com")
    cfg = """\
version: 1
domains:
  example.com:
    dmarc: { policy: reject }
    bimi: { logo: "https://example.com/logo.svg" }
"""
    e.config(cfg)
    # An equivalent value (white space, an empty a=) is left as it is.
    live = '"v=BIMI1;l=https://example.com/logo.svg;a="'
    e.put(zid, BIMI, "TXT", [live], ttl=3600)
    e.put(zid, "_dmarc.example.com.", "TXT", ['"v=DMARC1; p=reject"'], ttl=3600)
    registry(e, zid, "v=mailauth1; dmarc=_dmarc; bimi=default._bimi")
    r = ok(e.run("plan", "--detailed-exitcode"), 0)
    check("No changes." in r.stdout, r.stdout)
    # Another logo is replaced, beside the foreign value.
    e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {
            "Name": BIMI, "Type": "TXT", "TTL": 3600,
            "ResourceRecords": [{"Value": FOREIGN}, {"Value": '"v=BIMI1; l=https://example.com/old.svg"'}]}}]})
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("Plan: 0 to add, 1 to change, 0 to destroy." in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    _, values = txt(e, zid, BIMI)
    check(sorted(values) == sorted([FOREIGN, '"v=BIMI1; l=https://example.com/logo.svg"']), "live: %r" % (values,))


def test_saved_plan_carries_both_kinds(e):
    zid = e.zone("example.com")
    e.config(STS_CFG.format(mode="enforce", max_age=604800) + """\
    dmarc: { policy: reject }
    bimi: { logo: "https://example.com/logo.svg" }
""")
    ok(e.run("plan", "--out", "plan.json", "--detailed-exitcode"), 2)
    with open(os.path.join(e.dir, "plan.json")) as f:
        saved = f.read()
    check('"MTA-STS"' in saved and '"BIMI"' in saved, saved)
    ok(e.run("apply", "--auto-approve", "plan.json"))
    check(txt(e, zid, STS) == (3600, [sts_value(policy("enforce", 604800))]), txt(e, zid, STS))
    check(txt(e, zid, BIMI) == (3600, ['"v=BIMI1; l=https://example.com/logo.svg"']), txt(e, zid, BIMI))
