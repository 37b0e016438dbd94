"""DMARC report authorization (RFC 9990 §4): when a domain's rua/ruf address
is at another organisation's domain that is in the config, plan publishes
<domain>._report._dmarc.<report domain> TXT "v=DMARC1" in the report
domain's zone; other values there are kept; a report domain outside the
config is a warning and nothing is written.  Checked with boto3."""
from harness import check, ok

AUTH = "example.org._report._dmarc.example.com."

CFG = """\
version: 1
domains:
  example.com:
    dmarc:
      policy: none
      rua: [mailto:dmarc@example.com]
  example.org:
    ttl: 900
    dmarc:
      policy: reject
      rua: [{rua}]
"""

ROLLOUT_CFG = """\
version: 1
domains:
  example.com:
    dmarc: {{ policy: none }}
  example.org:
    dmarc:
      rua: [mailto:dmarc@example.com]
      rollout:
        - {{ policy: none, from: {start} }}
"""


def auth(e, zid, name=AUTH):
    return e.records(zid).get((name, "TXT"))


def test_report_auth_created_in_report_domain_zone(e):
    com = e.zone("example.com")
    org = e.zone("example.org")
    e.config(CFG.format(rua="mailto:dmarc@example.com"))
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check(AUTH.rstrip(".") in r.stdout, r.stdout)
    # With each domain's registry.
    check("Plan: 5 to add, 0 to change, 0 to destroy." in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    # In example.com's zone, with example.com's TTL (the set is its zone's).
    check(auth(e, com) == (3600, ['"v=DMARC1"']), "live: %r" % (auth(e, com),))
    check(all(not n.endswith("_report._dmarc.example.com.") for n, _ in e.records(org)),
          "written in the wrong zone: %r" % e.records(org))
    before = (e.records(com), e.records(org))
    r = ok(e.run("plan", "--detailed-exitcode"), 0)
    check("No changes." in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    check((e.records(com), e.records(org)) == before, "a second apply changed a zone")


def test_other_values_and_equivalent_record_are_kept(e):
    com = e.zone("example.com")
    e.zone("example.org")
    e.put(com, AUTH, "TXT", ['"site-verification=1"', '"v=DMARC1;"'], ttl=60)
    e.config(CFG.format(rua="mailto:dmarc@example.com"))
    ok(e.run("apply", "--auto-approve"))
    check(auth(e, com) == (60, ['"site-verification=1"', '"v=DMARC1;"']),
          "live: %r" % (auth(e, com),))


def test_override_is_replaced_beside_foreign_value(e):
    # A live authorization that redirects reports elsewhere is mailauth's
    # value at that name: replaced, the other value kept in its place.
    com = e.zone("example.com")
    e.zone("example.org")
    e.put(com, AUTH, "TXT", ['"v=DMARC1; rua=mailto:x@example.net"', '"other"'], ttl=3600)
    e.config(CFG.format(rua="mailto:dmarc@example.com"))
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("Plan: 4 to add, 1 to change, 0 to destroy." in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    check(auth(e, com) == (3600, ['"v=DMARC1"', '"other"']), "live: %r" % (auth(e, com),))


def test_removed_address_removes_the_record(e):
    # example.com's registry lists the authorization mailauth wrote: once
    # the address goes, mailauth's value goes, the other one stays.
    com = e.zone("example.com")
    e.zone("example.org")
    e.config(CFG.format(rua="mailto:dmarc@example.com"))
    ok(e.run("apply", "--auto-approve"))
    check(auth(e, com) is not None, "not created")
    e.r53.change_resource_record_sets(HostedZoneId=com, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": AUTH, "Type": "TXT", "TTL": 3600,
                                                  "ResourceRecords": [{"Value": '"v=DMARC1"'},
                                                                      {"Value": '"other"'}]}}]})
    e.config(CFG.format(rua="mailto:dmarc@example.org"))
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("Plan: 0 to add, 3 to change, 0 to destroy." in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    check(auth(e, com) == (3600, ['"other"']), "live: %r" % (auth(e, com),))


def test_removed_address_deletes_the_set_mailauth_alone_holds(e):
    com = e.zone("example.com")
    e.zone("example.org")
    e.config(CFG.format(rua="mailto:dmarc@example.com"))
    ok(e.run("apply", "--auto-approve"))
    check(auth(e, com) == (3600, ['"v=DMARC1"']), "live: %r" % (auth(e, com),))
    e.config(CFG.format(rua="mailto:dmarc@example.org"))
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("Plan: 0 to add, 2 to change, 1 to destroy." in r.stdout, r.stdout)
    ok(e.run("apply", "--auto-approve"))
    check(auth(e, com) is None, "live: %r" % (auth(e, com),))


def test_same_organisation_needs_no_record(e):
    com = e.zone("example.com")
    e.config("""\
version: 1
domains:
  example.com:
    dmarc:
      policy: none
      rua: [mailto:d@reports.example.com]
  reports.example.com:
    zone: example.com
    dmarc: { policy: none }
""")
    ok(e.run("apply", "--auto-approve"))
    names = [n for n, _ in e.records(com) if "_report._dmarc" in n]
    check(names == [], "published: %r" % names)


def test_report_domain_outside_config_warns(e):
    com = e.zone("example.com")
    org = e.zone("example.org")
    e.config(CFG.format(rua="mailto:dmarc@vendor.example"))
    r = ok(e.run("validate"))
    check("warning" in r.stderr and "'example.org._report._dmarc.vendor.example'" in r.stderr
          and "receivers ignore those addresses" in r.stderr and "mailauth.yaml:" in r.stderr, r.stderr)
    r = ok(e.run("apply", "--auto-approve"))
    check("example.org._report._dmarc.vendor.example" in r.stderr, r.stderr)
    names = [n for z in (com, org) for n, _ in e.records(z) if "_report._dmarc" in n]
    check(names == [], "published: %r" % names)


def test_saved_plan_carries_the_kind(e):
    com = e.zone("example.com")
    e.zone("example.org")
    e.config(CFG.format(rua="mailto:dmarc@example.com"))
    ok(e.run("plan", "--out", "p.json"))
    with open(e.dir + "/p.json") as f:
        check('"DMARC report authorization"' in f.read(), "kind not saved")
    ok(e.run("apply", "--auto-approve", "p.json"))
    check(auth(e, com) == (3600, ['"v=DMARC1"']), "live: %r" % (auth(e, com),))


def test_before_rollout_leaves_it_then_the_stage_publishes_it(e):
    # Before the first stage the _dmarc record is left as it is, and so is
    # the authorization; the stage's plan publishes it.
    com = e.zone("example.com")
    e.zone("example.org")
    e.put(com, AUTH, "TXT", ['"v=DMARC1; rua=mailto:x@example.net"'], ttl=300)
    e.config(ROLLOUT_CFG.format(start="2027-01-01"))
    ok(e.run("apply", "--auto-approve", "--at", "2026-12-31"))
    check(auth(e, com) == (300, ['"v=DMARC1; rua=mailto:x@example.net"']), "live: %r" % (auth(e, com),))
    ok(e.run("apply", "--auto-approve", "--at", "2027-01-01"))
    check(auth(e, com) == (3600, ['"v=DMARC1"']), "live: %r" % (auth(e, com),))


def test_iam_policy_allows_it_before_the_rollout(e):
    # The policy made before the first stage must let the stage's apply
    # write the authorization, in the report domain's zone.
    import json
    com = e.zone("example.com")
    e.zone("example.org")
    e.config(ROLLOUT_CFG.format(start="2099-01-01"))
    doc = json.loads(ok(e.run("iam-policy")).stdout)
    st = {s["Sid"]: s for s in doc["Statement"]}
    eq = st["ChangeManagedRecordsIn" + com]["Condition"]["ForAllValues:StringEquals"]
    check("example.org._report._dmarc.example.com" in eq["route53:ChangeResourceRecordSetsNormalizedRecordNames"],
          eq)
