"""Integration tests of DKIM selectors on dates (from:, retire:,
docs/rotation.md): apply at several days (--at) publishes nothing before a
selector's from, its key from that day, the revoked record "v=DKIM1;
k=rsa; p=" from its retire day, and deletes it with state: absent, each
checked with boto3 and nothing else in the zone touched; a saved plan made
on one day and applied on another applies what was reviewed; dkim status;
the warning when no selector is active; located errors."""
import base64
import json
import os
import re
import subprocess

from harness import check, ok, seed_unrelated

S1 = ("s1._domainkey.example.com.", "TXT")
S2 = ("s2._domainkey.example.com.", "TXT")
REVOKED = "v=DKIM1; k=rsa; p="

CFG = """\
version: 1
domains:
  example.com:
    dkim:
      s1: {{ public_key_file: keys/s1.public.pem{s1} }}
      s2: {{ public_key_file: keys/s2.public.pem, from: 2027-01-10 }}
"""
ROTATING = CFG.format(s1=", retire: 2027-02-10")
DELETED = CFG.format(s1="").replace("public_key_file: keys/s1.public.pem", "state: absent")


def keys(e):
    """s1 and s2 made as docs/rotation.md says (dkim keygen, RSA 2048);
    returns the key record of each, made from the public key by openssl."""
    out = {}
    for sel in ("s1", "s2"):
        ok(e.run("dkim", "keygen", "--selector", sel, "--out", "keys"))
        der = subprocess.run(["openssl", "pkey", "-pubin", "-in", os.path.join(e.dir, "keys", sel + ".public.pem"),
                              "-outform", "DER"], check=True, capture_output=True).stdout
        out[sel] = "v=DKIM1; k=rsa; p=" + base64.b64encode(der).decode()
    return out


def text(e, zid, key):
    """The one TXT value at key as receivers read it (its strings joined),
    or None when there is no set."""
    got = e.records(zid).get(key)
    if got is None:
        return None
    check(len(got[1]) == 1, "%s: %r" % (key, got))
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', got[1][0]))


def others(recs):
    """Every set but the selectors and the registry, which lists them."""
    return {k: v for k, v in recs.items() if k not in (S1, S2, ("_mailauth.example.com.", "TXT"))}


def test_rotation_across_dates(e):
    zid = e.zone("example.com")
    seed_unrelated(e, zid)
    rec = keys(e)
    e.config(ROTATING)
    unrelated = others(e.records(zid))
    steps = [("2027-01-09", rec["s1"], None), ("2027-01-10", rec["s1"], rec["s2"]),
             ("2027-02-09", rec["s1"], rec["s2"]), ("2027-02-10", REVOKED, rec["s2"])]
    for day, want1, want2 in steps:
        r = ok(e.run("apply", "--auto-approve", "--at", day))
        check(text(e, zid, S1) == want1, "%s: s1 %r" % (day, text(e, zid, S1)))
        check(text(e, zid, S2) == want2, "%s: s2 %r" % (day, text(e, zid, S2)))
        check(others(e.records(zid)) == unrelated, "%s: other records changed" % day)
        # Each day applied is settled: a plan of the same day is clean.
        ok(e.run("plan", "--at", day, "--detailed-exitcode"), 0)
    # Revoking is no weakening: it took no --allow-weaken, and the plan
    # said nothing of it.
    check("weaken" not in r.stdout + r.stderr, r.stdout + r.stderr)
    # state: absent deletes the revoked record.
    e.config(DELETED)
    ok(e.run("apply", "--auto-approve", "--at", "2027-03-01"))
    check(e.records(zid).get(S1) is None, "s1: %r" % (e.records(zid).get(S1),))
    check(text(e, zid, S2) == rec["s2"], "s2: %r" % (text(e, zid, S2),))
    check(others(e.records(zid)) == unrelated, "other records changed")


def test_pending_selector_leaves_a_live_record_alone(e):
    zid = e.zone("example.com")
    old = '"v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"'
    e.put(zid, S2[0], "TXT", [old], ttl=600)
    rec = keys(e)
    e.config(ROTATING)
    r = ok(e.run("plan", "--at", "2027-01-09", "--detailed-exitcode"), 2)
    # s1 and the registry, which does not claim s2 while it is pending.
    check("Plan: 2 to add, 0 to change, 0 to destroy." in r.stdout and "s2._domainkey" not in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve", "--at", "2027-01-09"))
    check(e.records(zid)[S2] == (600, [old]), "s2: %r" % (e.records(zid)[S2],))
    ok(e.run("apply", "--auto-approve", "--at", "2027-01-10"))
    check(text(e, zid, S2) == rec["s2"], "s2: %r" % (text(e, zid, S2),))


def test_saved_plan_applies_what_was_reviewed(e):
    zid = e.zone("example.com")
    rec = keys(e)
    e.config(ROTATING)
    # Made for 2027-01-10, applied today (before from): the key is
    # published as reviewed; the dates are not read again.
    ok(e.run("plan", "--at", "2027-01-10", "--out", "from.json"))
    with open(os.path.join(e.dir, "from.json")) as f:
        doc = json.load(f)
    s2 = [c for c in doc["changes"] if c["name"] == S2[0]]
    check(len(s2) == 1 and s2[0]["action"] == "create", repr(s2))
    ok(e.run("apply", "--auto-approve", "from.json"))
    check(text(e, zid, S1) == rec["s1"] and text(e, zid, S2) == rec["s2"], repr(e.records(zid)))
    # Made for the retire day, applied today: s1 is revoked as reviewed.
    ok(e.run("plan", "--at", "2027-02-10", "--out", "retire.json"))
    ok(e.run("apply", "--auto-approve", "retire.json"))
    check(text(e, zid, S1) == REVOKED, "s1: %r" % (text(e, zid, S1),))


def test_dkim_status(e):
    e.config("""\
version: 1
domains:
  example.com:
    dkim:
      s2026: { public_key: MIIB, retire: 2027-02-10 }
      s2027: { public_key: MIIB, from: 2027-01-10 }
      ses1: { cname: tok.dkim.amazonses.com }
      old: { state: absent }
  example.org:
    dmarc: { policy: none }
""")
    # Offline: no credentials, no endpoint.
    env = {k: v for k, v in e.env().items() if not k.startswith("AWS_")}
    r = ok(e.run("dkim", "status", "--at", "2027-01-09", env=env))
    check(r.stdout == """\
DKIM selectors on 2027-01-09 (mailauth.yaml)

example.com: 2 of 4 selectors active
  s2026  active; retires on 2027-02-10 (in 32 days)
  s2027  pending: published from 2027-01-10 (in 1 day)
  ses1   active
  old    absent: deleted

example.org: no DKIM selector managed
""", r.stdout)
    r = ok(e.run("dkim", "status", "--at", "2027-02-10", "--domain", "example.com"))
    check(r.stdout == """\
DKIM selectors on 2027-02-10 (mailauth.yaml)

example.com: 2 of 4 selectors active
  s2026  retired since 2027-02-10: published revoked (empty p=); "state: absent" deletes it
  s2027  active since 2027-01-10
  ses1   active
  old    absent: deleted
""", r.stdout)
    doc = json.loads(ok(e.run("dkim", "status", "--at", "2027-02-09", "--format", "json")).stdout)
    check(doc["format_version"] == 1 and doc["date"] == "2027-02-09" and doc["config"] == "mailauth.yaml", repr(doc))
    com, org = doc["domains"]
    check(org == {"domain": "example.org", "active": 0, "selectors": []}, repr(org))
    check(com["domain"] == "example.com" and com["active"] == 3, repr(com))
    check(com["selectors"][0] == {"selector": "s2026", "name": "s2026._domainkey.example.com", "type": "TXT",
                                  "state": "active", "from": None, "retire": "2027-02-10",
                                  "next": {"state": "retired", "date": "2027-02-10", "days_until": 1}},
          repr(com["selectors"][0]))
    check(com["selectors"][1]["state"] == "active" and com["selectors"][1]["next"] is None, repr(com))
    check(com["selectors"][2]["type"] == "CNAME" and com["selectors"][3] == {
        "selector": "old", "name": "old._domainkey.example.com", "type": None, "state": "absent",
        "from": None, "retire": None, "next": None}, repr(com))
    r = ok(e.run("dkim", "status", "--format", "markdown"), 1)
    check("'dkim status' prints text or json, not 'markdown'" in r.stderr, r.stderr)
    r = ok(e.run("dkim", "status", "--selector", "x"), 1)
    check("option '--selector' is taken by 'dkim keygen', not 'dkim status'" in r.stderr, r.stderr)
    r = ok(e.run("dkim", "keygen", "--selector", "x", "--at", "2027-01-01"), 1)
    check("option '--at' is taken by 'dkim status', not 'dkim keygen'" in r.stderr, r.stderr)
    check(not os.path.exists(os.path.join(e.dir, "x.private.pem")), "keygen wrote a key")


def test_no_active_selector_is_a_warning(e):
    zid = e.zone("example.com")
    keys(e)
    e.config(ROTATING.replace(", from: 2027-01-10", ", from: 2027-03-01"))
    where = "mailauth.yaml:5:7: warning: domains.example.com.dkim"
    r = ok(e.run("validate", "--at", "2027-01-26"))
    check(r.stderr == "", r.stderr)
    r = ok(e.run("validate", "--at", "2027-01-27"))
    check(where + ".s1: retires on 2027-02-10 (in 14 days) and no other selector is active then: publish "
          "the next key with from: and switch the signer to it first" in r.stderr, r.stderr)
    r = ok(e.run("validate", "--at", "2027-02-10"))
    check(where + ": no selector is active on 2027-02-10 (each is pending, retired or absent): mail signed "
          "with any of them fails DKIM" in r.stderr, r.stderr)
    # plan prints it and keeps it in the saved plan; it stops no apply.
    r = ok(e.run("plan", "--at", "2027-02-10", "--out", "plan.json"))
    check("no selector is active on 2027-02-10" in r.stderr, r.stderr)
    with open(os.path.join(e.dir, "plan.json")) as f:
        doc = json.load(f)
    check(any("no selector is active on 2027-02-10" in w["message"] for w in doc["warnings"]), repr(doc["warnings"]))
    ok(e.run("apply", "--auto-approve", "plan.json"))
    check(text(e, zid, S1) == REVOKED and e.records(zid).get(S2) is None, repr(e.records(zid)))


def test_dates_are_checked(e):
    e.config("""\
version: 1
domains:
  example.com:
    dkim:
      a: { public_key: MIIB, from: 2027-02-01, retire: 2027-02-01 }
      b: { state: absent, retire: 2027-02-01 }
      c: { cname: x.example.net, retire: 2027-02-01 }
      d: { public_key: MIIB, from: 2027-02-29 }
""")
    r = ok(e.run("validate"), 1)
    for line in ["mailauth.yaml:5:56: domains.example.com.dkim.a.retire: '2027-02-01' is not after from, "
                 "'2027-02-01' (line 5): a selector is retired after the day it is first published",
                 "mailauth.yaml:6:27: domains.example.com.dkim.b.retire: cannot be combined with \"state: absent\"; "
                 "remove one of them",
                 "mailauth.yaml:7:34: domains.example.com.dkim.c.retire: cannot be combined with cname: the key is "
                 "at the CNAME's target, which mailauth cannot revoke; delete the CNAME with \"state: absent\" once "
                 "no signer uses it",
                 "mailauth.yaml:8:36: domains.example.com.dkim.d.from: '2027-02-29' is not a date: February 2027 "
                 "has 28 days"]:
        check(line in r.stderr, "%s\nnot in:\n%s" % (line, r.stderr))


def test_schema_takes_what_mailauth_takes(e):
    """docs/mailauth.schema.json, which editors validate with, agrees with
    mailauth on the dates of a selector."""
    import jsonschema
    import yaml
    from harness import TOP
    with open(os.path.join(TOP, "docs", "mailauth.schema.json")) as f:
        v = jsonschema.Draft7Validator(json.load(f))
    cases = [("{ public_key: MIIB, from: '2027-01-01', retire: '2027-02-01' }", True),
             ("{ cname: x.example.net, from: '2027-01-01' }", True),
             ("{ cname: x.example.net, retire: '2027-02-01' }", False),
             ("{ state: absent, from: '2027-01-01' }", False),
             ("{ state: absent, retire: '2027-01-01' }", False),
             ("{ public_key: MIIB, retire: soon }", False)]
    for sel, good in cases:
        text = "version: 1\ndomains:\n  example.com:\n    dkim:\n      s: %s\n" % sel
        e.config(text)
        schema_ok = not list(v.iter_errors(yaml.safe_load(text)))
        r = e.run("validate")
        check(schema_ok == good and (r.returncode == 0) == good, "%s: schema %s, mailauth exit %d\n%s" % (
            sel, schema_ok, r.returncode, r.stderr))
