"""Integration tests of the posture records of issue 20 through the real
binary against moto behind the strict peer, checked with boto3: a parked
domain (apex SPF -all beside a foreign TXT value, the null MX "0 .",
_dmarc p=reject, the revoked wildcard *._domainkey), refused with nothing
changed when the apex holds a foreign MX record, and un-parked only with
--allow-weaken; TLS-RPT at _smtp._tls created, updated and kept beside a
foreign value.  Every second plan is clean, the wildcard name included.

moto keeps names as they were sent: "*" and "\\052" are two names to it,
where Route 53 turns both into "\\052" (what ListResourceRecordSets
returns).  mailauth sends "\\052", so the wildcard is seeded that way here.

Run alone: MAILAUTH_BIN=build/mailauth python3 tests/integration/test_posture.py
"""
import json
import sys

from harness import check, main, ok, registry

WILDCARD = "\\052._domainkey.parked.example."

PARKED = """\
version: 1
domains:
  parked.example:
    parked: true
"""

TLS = """\
version: 1
domains:
  mail.example:
    spf: { include: [_spf.example.net], all: fail }
    tls_rpt:
      rua: [%s]
"""


def test_parked_domain_applied(e):
    zid = e.zone("parked.example")
    e.put(zid, "parked.example.", "TXT", ['"google-site-verification=abc"'])
    e.put(zid, "parked.example.", "A", ["192.0.2.1"])
    e.config(PARKED)
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("*._domainkey.parked.example" in r.stdout, r.stdout)
    # With the registry.
    check("Plan: 4 to add, 1 to change, 0 to destroy." in r.stdout, r.stdout)
    # The IAM policy lets apply write the MX set and the wildcard.
    pol = json.loads(ok(e.run("iam-policy")).stdout)
    cond = pol["Statement"][2]["Condition"]["ForAllValues:StringEquals"]
    check("MX" in cond["route53:ChangeResourceRecordSetsRecordTypes"], cond)
    check("\\052._domainkey.parked.example" in
          cond["route53:ChangeResourceRecordSetsNormalizedRecordNames"], cond)
    # Applied from a saved plan: the new kinds survive the plan file.
    ok(e.run("plan", "--out", "parked.json"))
    ok(e.run("apply", "--auto-approve", "parked.json", endpoint=e.proxy().url))
    recs = e.records(zid)
    check(sorted(recs[("parked.example.", "TXT")][1]) ==
          ['"google-site-verification=abc"', '"v=spf1 -all"'], recs)
    check(recs[("parked.example.", "MX")][1] == ["0 ."], recs)
    check(recs[("parked.example.", "A")][1] == ["192.0.2.1"], recs)
    check(recs[("_dmarc.parked.example.", "TXT")][1] == ['"v=DMARC1; p=reject; sp=reject"'], recs)
    check(recs[(WILDCARD, "TXT")][1] == ['"v=DKIM1; p="'], recs)
    # Idempotent: the wildcard as Route 53 returns it is the desired name.
    r = ok(e.run("plan", "--detailed-exitcode"), 0)
    check("No changes" in r.stdout, r.stdout)


def test_parked_replaces_weaker_records(e):
    zid = e.zone("parked.example")
    e.put(zid, "parked.example.", "TXT", ['"v=spf1 include:_spf.example.net ~all"', '"x=1"'])
    e.put(zid, "_dmarc.parked.example.", "TXT", ['"v=DMARC1; p=none"'])
    e.put(zid, WILDCARD, "TXT", ['"v=DKIM1; k=rsa; p=MIGfMA0"'])
    e.put(zid, "parked.example.", "MX", ["0 ."])
    e.config(PARKED)
    ok(e.run("apply", "--auto-approve"))
    recs = e.records(zid)
    check(recs[("parked.example.", "TXT")][1] == ['"v=spf1 -all"', '"x=1"'], recs)
    check(recs[("_dmarc.parked.example.", "TXT")][1] == ['"v=DMARC1; p=reject; sp=reject"'], recs)
    check(recs[(WILDCARD, "TXT")][1] == ['"v=DKIM1; p="'], recs)
    # The MX set is mailauth's once it holds only the null MX: its TTL too.
    check(recs[("parked.example.", "MX")] == (3600, ["0 ."]), recs)
    ok(e.run("plan", "--detailed-exitcode"), 0)


def test_parked_refused_beside_foreign_mx(e):
    zid = e.zone("parked.example")
    e.put(zid, "parked.example.", "MX", ["10 mx1.example.net.", "20 mx2.example.net."])
    before = e.records(zid)
    e.config(PARKED)
    r = ok(e.run("plan"), 1)
    check("parked.example: the MX record set holds '10 mx1.example.net.', "
          "'20 mx2.example.net.'; a parked domain publishes the null MX \"0 .\"" in r.stderr,
          r.stderr)
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url), 1)
    check("drop parked from the config" in r.stderr, r.stderr)
    check(not any(q["method"] == "POST" for q in p.requests), "a change was sent")
    check(e.records(zid) == before, e.records(zid))


def test_unparking_is_a_weakening(e):
    zid = e.zone("parked.example")
    e.config(PARKED)
    ok(e.run("apply", "--auto-approve"))
    e.config("""\
version: 1
domains:
  parked.example:
    spf: { include: [_spf.example.net], all: softfail }
    dmarc: { policy: none }
""")
    r = ok(e.run("apply", "--auto-approve"), 1)
    check("--allow-weaken" in r.stderr, r.stderr)
    check("SPF all -all -> ~all" in r.stdout + r.stderr, r.stdout + r.stderr)
    check("policy p=reject -> p=none" in r.stdout + r.stderr, r.stdout + r.stderr)
    recs = e.records(zid)
    check(recs[("parked.example.", "TXT")][1] == ['"v=spf1 -all"'], recs)
    ok(e.run("apply", "--auto-approve", "--allow-weaken"))
    recs = e.records(zid)
    check(recs[("parked.example.", "TXT")][1] == ['"v=spf1 include:_spf.example.net ~all"'], recs)
    # The null MX and the wildcard, which the registry lists, go.
    check(("parked.example.", "MX") not in recs, recs)
    check((WILDCARD, "TXT") not in recs, recs)
    check(recs[("_mailauth.parked.example.", "TXT")][1] ==
          ['"v=mailauth1; dmarc=_dmarc; spf=@"'], recs)


def test_tls_rpt_create_update_keep_foreign(e):
    zid = e.zone("mail.example")
    e.put(zid, "_smtp._tls.mail.example.", "TXT", ['"foreign=1"'])
    e.config(TLS % "mailto:tls@mail.example")
    ok(e.run("apply", "--auto-approve"))
    recs = e.records(zid)
    check(recs[("_smtp._tls.mail.example.", "TXT")][1] ==
          ['"foreign=1"', '"v=TLSRPTv1; rua=mailto:tls@mail.example"'], recs)
    ok(e.run("plan", "--detailed-exitcode"), 0)
    # An update replaces only mailauth's value, in its place.
    e.config(TLS % "mailto:tls@mail.example, https://reports.example.net/v1")
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("1 to change" in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    recs = e.records(zid)
    check(recs[("_smtp._tls.mail.example.", "TXT")][1] ==
          ['"foreign=1"', '"v=TLSRPTv1; rua=mailto:tls@mail.example,'
           'https://reports.example.net/v1"'], recs)
    ok(e.run("plan", "--detailed-exitcode"), 0)


def test_tls_rpt_equivalent_live_kept(e):
    zid = e.zone("mail.example")
    live = '"v=TLSRPTv1;rua=https://reports.example.net/v1 , MAILTO:tls@mail.example;"'
    e.put(zid, "_smtp._tls.mail.example.", "TXT", [live], ttl=3600)
    e.put(zid, "mail.example.", "TXT", ['"v=spf1 include:_spf.example.net -all"'], ttl=3600)
    registry(e, zid, "v=mailauth1; spf=@; tlsrpt=_smtp._tls", domain="mail.example")
    e.config(TLS % "mailto:tls@mail.example, https://reports.example.net/v1")
    ok(e.run("plan", "--detailed-exitcode"), 0)
    check(e.records(zid)[("_smtp._tls.mail.example.", "TXT")][1] == [live], "changed")


def test_lint_tlsrpt(e):
    r = ok(e.run("lint", "tlsrpt", "v=TLSRPTv1; rua=mailto:tls@example.com"), 0)
    check(r.stdout == "TLS-RPT record OK\n", r.stdout)
    r = ok(e.run("lint", "tlsrpt", '"v=TLSRPTv1; rua=" "http://r.example.net/"'), 1)
    check(r.stdout.startswith("error: TLS-RPT record: rua=: 'http://r.example.net/' is "
                              "neither a mailto: nor an https: URI"), r.stdout)


def test_verify_parked_domain(e):
    # dnsmasq serves "*._domainkey.p.test" as that exact name, so verify
    # finds the wildcard only if it asks for "*", not Route 53's "\052".
    from test_verify import verify
    cfg = "version: 1\ndomains:\n  p.test:\n    parked: true\n"
    recs = [("txt", "p.test", "v=spf1 -all"), ("txt", "_dmarc.p.test", "v=DMARC1; p=reject; sp=reject"),
            ("txt", "*._domainkey.p.test", "v=DKIM1; p=")]
    r = verify(e, recs, cfg, code=0)
    check(r.stdout.startswith("p.test: ok\n"), r.stdout)
    r = verify(e, recs[:2], cfg, code=3)
    check("*._domainkey.p.test" in r.stdout and "052" not in r.stdout, r.stdout)


if __name__ == "__main__":
    sys.exit(main([fn for k, fn in sorted(globals().items()) if k.startswith("test_")]))
