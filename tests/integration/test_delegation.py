"""Integration tests of delegation and private zones: records only count where
receivers look, so a name the zone delegates elsewhere and a private zone are
refused, and a hosted subzone its parent does not delegate to is warned of."""
from harness import check, ok

MAIL_CFG = "version: 1\ndomains:\n  mail.example.com:\n    dmarc: { policy: none }\n"


def zone_ns(e, zid):
    """The zone's own name servers (GetHostedZone's DelegationSet)."""
    return e.r53.get_hosted_zone(Id=zid)["DelegationSet"]["NameServers"]


def test_delegated_name_is_refused(e):
    zid = e.zone("example.com")
    e.put(zid, "mail.example.com.", "NS", ["ns1.elsewhere.example.net.", "ns2.elsewhere.example.net."])
    before = e.records(zid)
    e.config(MAIL_CFG)
    for args in (("plan",), ("apply", "--auto-approve")):
        r = ok(e.run(*args), 1)
        check("mailauth.yaml:3:3: " in r.stderr and "delegated" in r.stderr, r.stderr)
        check("ns1.elsewhere.example.net." in r.stderr and "ns2.elsewhere.example.net." in r.stderr, r.stderr)
        check(e.records(zid) == before, "zone changed")


def test_delegation_between_domain_and_apex_is_refused(e):
    zid = e.zone("example.com")
    e.put(zid, "b.example.com.", "NS", ["ns.b.example.org."])
    e.put(zid, "_domainkey.c.example.com.", "NS", ["ns.dkim.example.org."])
    before = e.records(zid)
    e.config("version: 1\ndomains:\n"
             "  a.b.example.com:\n    dmarc: { policy: none }\n"
             "  c.example.com:\n    dkim:\n      s1: { cname: s1.dkim.example.net }\n"
             "  ok.example.com:\n    dmarc: { policy: none }\n")
    r = ok(e.run("apply", "--auto-approve"), 1)
    check("'b.example.com' is delegated" in r.stderr and "ns.b.example.org." in r.stderr, r.stderr)
    check("'_domainkey.c.example.com' is delegated" in r.stderr, r.stderr)
    check("domains.ok.example.com" not in r.stderr, r.stderr)
    check(e.records(zid) == before, "zone changed")


def test_subzone_without_ns_in_parent_warns(e):
    parent = e.zone("example.com")
    child = e.zone("mail.example.com")
    e.config(MAIL_CFG)
    r = ok(e.run("plan"))
    check("warning: " in r.stderr and "is not delegated from its parent zone 'example.com.'" in r.stderr
          and "no NS record set there" in r.stderr, r.stderr)
    for ns in zone_ns(e, child):
        check(ns.rstrip(".").lower() in r.stderr, r.stderr)
    # The parent's NS set, with other servers, still warns; with the
    # subzone's own, it is quiet.
    e.put(parent, "mail.example.com.", "NS", ["ns.elsewhere.example.net."])
    r = ok(e.run("plan"))
    check("its NS record set there names ns.elsewhere.example.net." in r.stderr, r.stderr)
    e.r53.change_resource_record_sets(HostedZoneId=parent, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {
            "Name": "mail.example.com.", "Type": "NS", "TTL": 300,
            "ResourceRecords": [{"Value": v} for v in zone_ns(e, child)]}}]})
    r = ok(e.run("plan"))
    check("not delegated" not in r.stderr, r.stderr)
    check(e.records(parent).get(("_dmarc.mail.example.com.", "TXT")) is None, "written to the parent")


def test_private_zone_is_refused(e):
    e.zone("example.com")
    priv = e.zone("internal.example.com", private=True)
    before = e.records(priv)
    for zone in ("internal.example.com", priv):
        e.config("version: 1\ndomains:\n  mail.internal.example.com:\n    zone: %s\n"
                 "    dmarc: { policy: none }\n" % zone)
        r = ok(e.run("apply", "--auto-approve"), 1)
        check("mailauth.yaml:3:3: " in r.stderr and "is private" in r.stderr
              and "must be public" in r.stderr, r.stderr)
        check(e.records(priv) == before, "private zone changed")
