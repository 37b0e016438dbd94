"""Integration tests of record sets with a routing policy at the names
mailauth manages: plan refuses them, naming each, and nothing is sent; sets
of other types there keep their routing fields.  Checked with boto3."""
from harness import DMARC_CFG, check, ok

ADVICE = ("; mailauth manages only simple record sets: make it a simple record set in the "
          "Route 53 console, or drop %s from the config")


def weighted(e, zid, name, ident, weight, values, rtype="TXT"):
    e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": "CREATE", "ResourceRecordSet": {
            "Name": name, "Type": rtype, "TTL": 300, "SetIdentifier": ident, "Weight": weight,
            "ResourceRecords": [{"Value": v} for v in values]}}]})


def zone_sets(e, zid):
    """Every record set of the zone as boto3 gives it, routing fields included."""
    out, kw = [], {"HostedZoneId": zid}
    while True:
        page = e.r53.list_resource_record_sets(**kw)
        out += page["ResourceRecordSets"]
        if not page.get("IsTruncated"):
            return sorted(out, key=repr)
        kw.update(StartRecordName=page["NextRecordName"], StartRecordType=page["NextRecordType"])
        if page.get("NextRecordIdentifier"):
            kw["StartRecordIdentifier"] = page["NextRecordIdentifier"]


def posts(p):
    return [q for q in p.requests if q["method"] == "POST"]


def test_weighted_dmarc_is_refused(e):
    zid = e.zone("example.com")
    weighted(e, zid, "_dmarc.example.com.", "blue", 10, ['"v=DMARC1; p=none"'])
    weighted(e, zid, "_dmarc.example.com.", "green", 0, ['"v=DMARC1; p=reject"'])
    before = zone_sets(e, zid)
    check(sum(1 for s in before if s.get("SetIdentifier")) == 2, "seeding failed: %r" % before)
    e.config(DMARC_CFG.format(policy="quarantine"))
    p = e.proxy()
    for args in (("plan",), ("apply", "--auto-approve")):
        r = ok(e.run(*args, endpoint=p.url), 1)
        check("_dmarc.example.com: the TXT record set with SetIdentifier 'blue' has the weighted "
              "routing policy (and 1 more set there)" + ADVICE % "DMARC" in r.stderr, r.stderr)
        check("1 error; nothing was changed" in r.stderr, r.stderr)
        check(posts(p) == [], "%s sent a change" % args[0])
        check(zone_sets(e, zid) == before, "%s changed the zone" % args[0])


def test_weighted_apex_stops_the_whole_plan(e):
    zid = e.zone("example.com")
    weighted(e, zid, "example.com.", "a", 1, ['"v=spf1 -all"', '"google-site-verification=x"'])
    before = zone_sets(e, zid)
    # The DMARC record alone could be written, but the plan is refused as
    # a whole, like any other plan error.
    e.config("version: 1\ndomains:\n  example.com:\n    spf: { include: [amazonses.com], all: fail }\n"
             "    dmarc: { policy: none }\n")
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url), 1)
    check("example.com: the TXT record set with SetIdentifier 'a' has the weighted routing policy"
          + ADVICE % "SPF" in r.stderr, r.stderr)
    check(posts(p) == [], "a change was sent")
    check(zone_sets(e, zid) == before, "the zone changed")


def test_routing_sets_of_other_types_are_kept(e):
    zid = e.zone("example.com")
    weighted(e, zid, "_dmarc.example.com.", "blue", 10, ["192.0.2.1"], rtype="A")
    weighted(e, zid, "_dmarc.example.com.", "green", 20, ["192.0.2.2"], rtype="A")
    e.config(DMARC_CFG.format(policy="quarantine"))
    ok(e.run("apply", "--auto-approve"))
    sets = zone_sets(e, zid)
    a = sorted((s["SetIdentifier"], s["Weight"]) for s in sets if s["Type"] == "A")
    check(a == [("blue", 10), ("green", 20)], "weighted A sets: %r" % a)
    txt = [s for s in sets if s["Type"] == "TXT" and s["Name"] == "_dmarc.example.com."]
    check(len(txt) == 1 and "SetIdentifier" not in txt[0], "TXT: %r" % txt)
