"""Integration tests of how plan reads the live zone: which requests, how many."""
from urllib.parse import parse_qs, urlsplit

from harness import DMARC_CFG, check, ok

FULL_CFG = """\
version: 1
domains:
  example.com:
    spf:
      include: [amazonses.com]
      all: fail
    dkim:
      s1: { cname: s1.dkim.example.net }
    dmarc:
      policy: quarantine
      rua: [mailto:dmarc@example.com]
"""


def kinds(p):
    """The proxy's requests by operation: {"lookup": [...], "list": [...], ...},
    each a (path, {param: value}) pair."""
    out = {"lookup": [], "list": [], "get_zone": [], "other": []}
    for r in p.requests:
        u = urlsplit(r["path"])
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        if "/hostedzonesbyname" in u.path:
            kind = "lookup"
        elif r["method"] == "GET" and u.path.endswith("/rrset"):
            kind = "list"
        elif r["method"] == "GET" and "/hostedzone/" in u.path:
            kind = "get_zone"
        else:
            kind = "other"
        out[kind].append((u.path, q))
    return out


def upsert_many(e, zid, names, rtype="A", value="192.0.2.7"):
    """Record sets at names, 500 a batch (an UPSERT counts twice against
    Route 53's 1,000 records a request)."""
    for i in range(0, len(names), 500):
        e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
            {"Action": "UPSERT", "ResourceRecordSet": {
                "Name": n, "Type": rtype, "TTL": 300,
                "ResourceRecords": [{"Value": value if rtype != "TXT" else '"x"'}]}}
            for n in names[i:i + 500]]})


def test_requests_do_not_grow_with_unrelated_records(e):
    counts = []
    for extra in (0, 250):
        e.moto.reset()
        zid = e.zone("example.com")
        changes = [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": "host%03d.example.com." % i, "Type": "A", "TTL": 300,
            "ResourceRecords": [{"Value": "192.0.2.%d" % (i % 250 + 1)}]}} for i in range(extra)]
        changes += [{"Action": "CREATE", "ResourceRecordSet": {
            "Name": "zz%03d._dmarc.example.com." % i, "Type": "TXT", "TTL": 300,
            "ResourceRecords": [{"Value": '"x"'}]}} for i in range(extra // 10)]
        if changes:
            e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": changes})
        p = e.proxy()
        e.config(DMARC_CFG.format(policy="none"))
        ok(e.run("plan", endpoint=p.url))
        counts.append(len(p.requests))
    check(counts[0] == counts[1], "requests: %d with an empty zone, %d with 275 more records" % tuple(counts))


def seed_between(e, zid, n):
    """n unrelated records in each gap between the managed names of
    example.com in Route 53's order (apex < 1h... < _dmarc < children of
    _dmarc < a...._domainkey < s1._domainkey < www...), and after them."""
    upsert_many(e, zid, ["1h%04d.example.com." % i for i in range(n)]
                + ["r%04d._report._dmarc.example.com." % i for i in range(n)]
                + ["www%04d.example.com." % i for i in range(n)])
    upsert_many(e, zid, ["a%04d._domainkey.example.com." % i for i in range(n)], "TXT")


def test_one_domain_in_a_big_zone_costs_a_constant_few_requests(e):
    lists = []
    for n in (400, 1200):
        e.moto.reset()
        zid = e.zone("example.com")
        e.put(zid, "example.com.", "TXT", ['"google-site-verification=abc123"', '"v=spf1 -all"'])
        e.put(zid, "example.com.", "MX", ["10 mx.example.net."])
        e.put(zid, "_dmarc.example.com.", "TXT", ['"v=DMARC1; p=none; rua=mailto:dmarc@example.com"'], ttl=3600)
        seed_between(e, zid, n)
        p = e.proxy()
        e.config(FULL_CFG)
        r = ok(e.run("plan", "--detailed-exitcode", endpoint=p.url), 2)
        # The selector and the registry, which costs no request of its own.
        check("Plan: 2 to add, 2 to change, 0 to destroy." in r.stdout, r.stdout)
        k = kinds(p)
        check(len(k["lookup"]) == 1, "lookups: %r" % k["lookup"])
        lists.append(len(k["list"]))
        # Each page starts at a managed name (a restart), or goes on from
        # a Next* inside one: never at an unrelated record.
        for _, q in k["list"]:
            check(q.get("name") in ("example.com.", "_dmarc.example.com.", "_domainkey.example.com.",
                                    "s1._domainkey.example.com.", "_mailauth.example.com."),
                  "a page started at %r" % (q,))
        # What plan read is what apply changes: the zone ends up right.
        ok(e.run("apply", "--auto-approve"))
        recs = e.records(zid)
        check(recs[("example.com.", "TXT")] == (300, ['"google-site-verification=abc123"',
                                                      '"v=spf1 include:amazonses.com -all"']),
              "apex TXT: %r" % (recs[("example.com.", "TXT")],))
        check(recs[("_dmarc.example.com.", "TXT")] == (3600, ['"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"']),
              "_dmarc: %r" % (recs[("_dmarc.example.com.", "TXT")],))
        check(recs[("s1._domainkey.example.com.", "CNAME")] == (3600, ["s1.dkim.example.net."]),
              "s1: %r" % (recs.get(("s1._domainkey.example.com.", "CNAME")),))
        check(len(recs) == 4 * n + 7, "%d record sets" % len(recs))
    # The apex page ends in 1h..., the _dmarc page in its children, the
    # _domainkey page (where an NS set would delegate the selectors) in
    # a...._domainkey, and the page from s1 covers the rest: four, however
    # many records lie between.
    check(lists == [4, 4], "ListResourceRecordSets requests: %r" % lists)


def test_many_domains_in_a_small_zone_list_it_once(e):
    zid = e.zone("example.com")
    doms = ["d%02d.example.com" % i for i in range(50)]
    for d in doms[:10]:
        e.put(zid, "_dmarc.%s." % d, "TXT", ['"v=DMARC1; p=none; rua=mailto:dmarc@example.com"'], ttl=3600)
    upsert_many(e, zid, ["www%03d.example.com." % i for i in range(100)])
    cfg = "version: 1\ndomains:\n" + "".join(
        "  %s:\n    dmarc:\n      policy: quarantine\n      rua: [mailto:dmarc@example.com]\n" % d for d in doms)
    e.config(cfg)
    p = e.proxy()
    r = ok(e.run("plan", "--detailed-exitcode", endpoint=p.url), 2)
    # With the 50 registries.
    check("Plan: 90 to add, 10 to change, 0 to destroy." in r.stdout, r.stdout)
    k = kinds(p)
    # 112 record sets: one page of 300 from the zone's start, where reading
    # each domain would take at least 50.
    check(len(k["list"]) == 1, "%d ListResourceRecordSets, the first %r" % (len(k["list"]), k["list"][:1]))
    check(k["list"][0][1] == {"maxitems": "300"}, "not a full listing: %r" % k["list"])
    # The zone's name (the domains' parent, first in Route 53's order of
    # the names looked up) and (a listing that holds the zone alone cannot
    # show what lies below it: a server answering a name with that name's
    # zones alone sends the same) the account's first page: not one lookup
    # per domain.
    names = [q.get("dnsname") for _, q in k["lookup"]]
    check(names == ["example.com.", None], "lookups: %r" % names)
    ok(e.run("apply", "--auto-approve"))
    recs = e.records(zid)
    for d in doms:
        check(recs.get(("_dmarc.%s." % d, "TXT")) == (3600, ['"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"']),
              "%s: %r" % (d, recs.get(("_dmarc.%s." % d, "TXT"))))


def test_zone_lookup_is_shared(e):
    zid = e.zone("example.com")
    e.config("version: 1\ndomains:\n" + "".join(
        "  %s:\n    dmarc:\n      policy: none\n      rua: [mailto:dmarc@example.com]\n" % d
        for d in ("a.example.com", "b.example.com")))
    p = e.proxy()
    ok(e.run("plan", endpoint=p.url))
    names = [q.get("dnsname") for _, q in kinds(p)["lookup"]]
    check(names == ["example.com.", None], "ListHostedZonesByName: %r" % names)
    ok(e.run("apply", "--auto-approve"))
    recs = e.records(zid)
    for d in ("a", "b"):
        check(("_dmarc.%s.example.com." % d, "TXT") in recs, "no DMARC for %s: %r" % (d, sorted(recs)))


def test_subdomains_and_a_delegated_subzone_share_the_lookups(e):
    """Subdomains of example.com and of its delegated subzone
    sub.example.com: the lookups do not grow with the domains, and each
    record goes to the zone that holds its name."""
    counts = []
    for n in (5, 50):
        e.moto.reset()
        parent = e.zone("example.com")
        sub = e.zone("sub.example.com")
        e.zone("example.net")
        ns = e.r53.get_hosted_zone(Id=sub)["DelegationSet"]["NameServers"]
        e.put(parent, "sub.example.com.", "NS", [h + "." for h in ns], ttl=172800)
        doms = ["d%02d.example.com" % i for i in range(n)]
        doms[n // 2:n // 2] = ["mail.sub.example.com", "sub.example.com"]
        e.config("version: 1\ndomains:\n" + "".join(
            "  %s:\n    spf: { include: [amazonses.com], all: fail }\n"
            "    dmarc: { policy: none, rua: ['mailto:dmarc@example.com'] }\n" % d for d in doms))
        p = e.proxy()
        r = ok(e.run("plan", "--detailed-exitcode", endpoint=p.url), 2)
        # SPF, DMARC and the registry of each domain.
        check("Plan: %d to add, 0 to change, 0 to destroy." % (3 * (n + 2)) in r.stdout, r.stdout)
        ok(e.run("apply", "--auto-approve"))
        top, below = e.records(parent), e.records(sub)
        spf = '"v=spf1 include:amazonses.com -all"'
        for d in doms:
            zone, other = (below, top) if d.endswith("sub.example.com") else (top, below)
            for name in (d + ".", "_dmarc.%s." % d):
                check((name, "TXT") in zone, "%s TXT not in its zone: %r" % (name, sorted(zone)))
                check((name, "TXT") not in other, "%s TXT in the other zone" % name)
            check(zone[(d + ".", "TXT")][1] == [spf], "%s: %r" % (d, zone[(d + ".", "TXT")]))
        check(top[("sub.example.com.", "NS")][1] == [h + "." for h in ns], "delegation: %r" % (top,))
        check(len(top) == 2 + 1 + 3 * n and len(below) == 2 + 3 * 2,
              "%d record sets in example.com, %d in sub.example.com" % (len(top), len(below)))
        names = [q.get("dnsname") for _, q in kinds(p)["lookup"]]
        # example.com., first in Route 53's order of the names looked up,
        # whose listing (as Route 53 lists zones: every zone from that name
        # on) holds sub.example.com. and goes on to example.net.
        check(names == ["example.com."], "%d domains, lookups: %r" % (n, names))
        counts.append(len(names))
    check(counts[0] == counts[1], "lookups: %r for 5 and 50 domains" % counts)
