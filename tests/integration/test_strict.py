"""Integration tests of the strict peer itself (strict.py), with boto3
through it: each thing Route 53 refuses is refused with Route 53's message
and leaves the zone as it was, a valid batch lands, and hosted zones are
listed by name in Route 53's order and pages.  So the peer cannot turn
lenient without a test failing."""
import os
import sys

import xml.etree.ElementTree as ET

import botocore.exceptions

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import check  # noqa: E402
from strict import RRSet, Refused, check_batch, txt_strings  # noqa: E402

Z = "example.com."


def rrset(name, rtype, values, ttl=300, **extra):
    rs = {"Name": name, "Type": rtype, "TTL": ttl, "ResourceRecords": [{"Value": v} for v in values]}
    rs.update(extra)
    return rs


def change(e, zid, *changes):
    """Sends one batch of (action, rrset); None when it lands, else
    (error code, message)."""
    try:
        e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
            {"Action": a, "ResourceRecordSet": rs} for a, rs in changes]})
        return None
    except botocore.exceptions.ClientError as err:
        return err.response["Error"]["Code"], err.response["Error"]["Message"]


def refused(e, zid, message, *changes):
    """The batch is refused with message, and the zone stays as it was."""
    before = full_records(e, zid)
    got = change(e, zid, *changes)
    check(got == ("InvalidChangeBatch", "[%s]" % message), "got %r\nwanted %r" % (got, message))
    check(full_records(e, zid) == before, "a refused batch changed the zone")


def lands(e, zid, *changes):
    got = change(e, zid, *changes)
    check(got is None, "a valid batch was refused: %r" % (got,))


def full_records(e, zid):
    """Every record set with every field, SetIdentifier included."""
    out = []
    for page in e.r53.get_paginator("list_resource_record_sets").paginate(HostedZoneId=zid):
        out += page["ResourceRecordSets"]
    return sorted(out, key=repr)


def test_strict_delete_must_match_the_live_set(e):
    zid = e.zone("example.com")
    live = rrset("_dmarc.example.com.", "TXT", ['"v=DMARC1; p=none"', '"vendor=1"'], ttl=3600)
    lands(e, zid, ("CREATE", live))
    n = "[name='_dmarc.example.com.', type='TXT']"
    mismatch = "Tried to delete resource record set %s but the values provided do not match the current values"
    refused(e, zid, mismatch % n, ("DELETE", rrset("_dmarc.example.com.", "TXT", ['"v=DMARC1; p=none"'], 3600)))
    refused(e, zid, mismatch % n, ("DELETE", dict(live, TTL=300)))
    refused(e, zid, mismatch % n,
            ("DELETE", rrset("_dmarc.example.com.", "TXT", ['"v=DMARC1; p=none"', '"vendor=2"'], 3600)))
    refused(e, zid, "Tried to delete resource record set [name='_dmarc.example.org.', type='TXT'] but it was "
            "not found", ("DELETE", dict(live, Name="_dmarc.example.org.")))
    refused(e, zid, "Tried to delete resource record set [name='_dmarc.example.com.', type='SPF'] but it was "
            "not found", ("DELETE", dict(live, Type="SPF")))
    lands(e, zid, ("DELETE", live))
    check(not [r for r in full_records(e, zid) if r["Type"] == "TXT"], "the set was not deleted")


def test_strict_delete_must_name_the_routing_policy(e):
    zid = e.zone("example.com")
    heavy = rrset("example.com.", "TXT", ['"v=spf1 -all"'], SetIdentifier="heavy", Weight=90)
    light = rrset("example.com.", "TXT", ['"v=spf1 ~all"'], SetIdentifier="light", Weight=10)
    lands(e, zid, ("CREATE", heavy), ("CREATE", light))
    # What mailauth sent before issue 14: the set without its routing fields.
    plain = rrset("example.com.", "TXT", ['"v=spf1 -all"'])
    refused(e, zid, "Tried to delete resource record set [name='example.com.', type='TXT'] but it was not found",
            ("DELETE", plain))
    refused(e, zid, "Tried to delete resource record set [name='example.com.', type='TXT', set-identifier='heavy'] "
            "but the values provided do not match the current values", ("DELETE", dict(heavy, Weight=10)))
    refused(e, zid, "Tried to delete resource record set [name='example.com.', type='TXT', set-identifier='heavy'] "
            "but the values provided do not match the current values",
            ("DELETE", dict({k: v for k, v in heavy.items() if k != "Weight"}, Region="us-east-1")))
    refused(e, zid, "Tried to delete resource record set [name='example.com.', type='TXT', set-identifier='other'] "
            "but it was not found", ("DELETE", dict(heavy, SetIdentifier="other")))
    lands(e, zid, ("DELETE", heavy))
    left = [r for r in full_records(e, zid) if r["Type"] == "TXT"]
    check([(r.get("SetIdentifier"), r.get("Weight")) for r in left] == [("light", 10)], "left: %r" % left)


def test_strict_create_of_an_existing_set(e):
    zid = e.zone("example.com")
    lands(e, zid, ("CREATE", rrset("www.example.com.", "A", ["192.0.2.1"])))
    refused(e, zid, "Tried to create resource record set [name='www.example.com.', type='A'] but it already "
            "exists", ("CREATE", rrset("www.example.com.", "A", ["192.0.2.2"])))
    # UPSERT replaces it; a CREATE at another type of the name is fine.
    lands(e, zid, ("UPSERT", rrset("www.example.com.", "A", ["192.0.2.2"])),
          ("CREATE", rrset("www.example.com.", "AAAA", ["2001:db8::1"])))


def test_strict_txt_strings_of_at_most_255_bytes(e):
    zid = e.zone("example.com")
    too_long = '"%s"' % ("a" * 256)
    for rtype in ("TXT", "SPF"):
        refused(e, zid, "Invalid Resource Record: 'FATAL problem: TXTRDATATooLong (Value is too long) "
                "encountered with '%s''" % too_long, ("CREATE", rrset("t.example.com.", rtype, [too_long])))
    # Bytes, not characters: 128 two-byte characters are 256 bytes.
    wide = '"%s"' % ("\u00e9" * 128)
    refused(e, zid, "Invalid Resource Record: 'FATAL problem: TXTRDATATooLong (Value is too long) "
            "encountered with '%s''" % wide, ("UPSERT", rrset("t.example.com.", "TXT", [wide])))
    # 255 bytes a string, several strings a value, \DDD and \" one byte each.
    fits = ['"%s" "%s"' % ("a" * 255, "b" * 255), '"%s\\"\\255"' % ("c" * 253)]
    lands(e, zid, ("CREATE", rrset("t.example.com.", "TXT", fits)))


def test_strict_no_cname_beside_other_types(e):
    zid = e.zone("example.com")
    lands(e, zid, ("CREATE", rrset("a.example.com.", "TXT", ['"x"'])),
          ("CREATE", rrset("c.example.com.", "CNAME", ["target.example.net."])))
    refused(e, zid, "RRSet of type CNAME with DNS name a.example.com. is not permitted as it conflicts with other "
            "records with the same DNS name in zone example.com.",
            ("CREATE", rrset("a.example.com.", "CNAME", ["target.example.net."])))
    refused(e, zid, "RRSet of type TXT with DNS name c.example.com. is not permitted because a conflicting RRSet "
            "of type CNAME with the same DNS name already exists in zone example.com.",
            ("UPSERT", rrset("c.example.com.", "TXT", ['"x"'])))
    # At the apex, SOA and NS are there already.
    refused(e, zid, "RRSet of type CNAME with DNS name example.com. is not permitted as it conflicts with other "
            "records with the same DNS name in zone example.com.",
            ("CREATE", rrset("example.com.", "CNAME", ["target.example.net."])))
    # The batch's own changes count, in order: a CNAME and a TXT created
    # together conflict; the TXT deleted first makes room for a CNAME.
    refused(e, zid, "RRSet of type TXT with DNS name n.example.com. is not permitted because a conflicting RRSet "
            "of type CNAME with the same DNS name already exists in zone example.com.",
            ("CREATE", rrset("n.example.com.", "CNAME", ["target.example.net."])),
            ("CREATE", rrset("n.example.com.", "TXT", ['"x"'])))
    lands(e, zid, ("DELETE", rrset("a.example.com.", "TXT", ['"x"'])),
          ("CREATE", rrset("a.example.com.", "CNAME", ["target.example.net."])))


def test_strict_batch_is_all_or_nothing(e):
    zid = e.zone("example.com")
    good = rrset("g.example.com.", "TXT", ['"good"'])
    # The bad change last: the good one before it must not land either.
    refused(e, zid, "Tried to delete resource record set [name='x.example.com.', type='TXT'] but it was not found",
            ("CREATE", good), ("DELETE", rrset("x.example.com.", "TXT", ['"x"'])))
    # Each change meets the state the earlier ones leave: deleting one set
    # twice does not land, nor creating it twice.
    lands(e, zid, ("CREATE", good))
    refused(e, zid, "Tried to delete resource record set [name='g.example.com.', type='TXT'] but it was not found",
            ("DELETE", good), ("DELETE", good))
    refused(e, zid, "Tried to create resource record set [name='h.example.com.', type='TXT'] but it already "
            "exists", ("CREATE", dict(good, Name="h.example.com.")), ("CREATE", dict(good, Name="h.example.com.")))


def test_strict_zones_by_name_in_route53_order_and_pages(e):
    names = ["example.org", "b.example.com", "example.com", "example-a.com", "a.example.com", "x.a.example.com",
             "example.net", "example.com"]
    ids = {}
    for n in names:
        ids.setdefault(n + ".", []).append(e.zone(n))
    order = ["example-a.com.", "example.com.", "example.com.", "a.example.com.", "x.a.example.com.",
             "b.example.com.", "example.net.", "example.org."]
    want = []
    for n in sorted(set(order), key=order.index):
        want += [(n, i) for i in sorted(ids[n])]

    def page(**kw):
        return e.r53.list_hosted_zones_by_name(**kw)

    got = [(z["Name"], z["Id"].split("/")[-1]) for z in page()["HostedZones"]]
    check(got == want, "order:\n%r\nwanted\n%r" % (got, want))
    # Every zone from DNSName on, not only that name's.
    p = page(DNSName="a.example.com")
    check([z["Name"] for z in p["HostedZones"]] == order[3:] and not p["IsTruncated"], "from a.example.com: %r" % p)
    # Pages of MaxItems, each naming the next zone; the two example.com.
    # zones are told apart by HostedZoneId.
    seen, kw = [], {"MaxItems": "2"}
    while True:
        p = page(**kw)
        check(len(p["HostedZones"]) <= 2, "page of %d" % len(p["HostedZones"]))
        seen += [(z["Name"], z["Id"].split("/")[-1]) for z in p["HostedZones"]]
        if not p["IsTruncated"]:
            break
        kw = {"MaxItems": "2", "DNSName": p["NextDNSName"], "HostedZoneId": p["NextHostedZoneId"]}
    check(seen == want, "paged:\n%r\nwanted\n%r" % (seen, want))
    p = page(DNSName="example.com", HostedZoneId=want[2][1], MaxItems="1")
    check([(z["Name"], z["Id"].split("/")[-1]) for z in p["HostedZones"]] == [want[2]], "from the id: %r" % p)
    check(p["IsTruncated"] and p["NextDNSName"] == "a.example.com.", "next: %r" % p)
    # 100 a page when MaxItems is not given.
    for i in range(100 - len(names) + 1):
        e.zone("z%03d.example.org" % i)
    p = page()
    check(len(p["HostedZones"]) == 100 and p["IsTruncated"], "default page: %d" % len(p["HostedZones"]))



def xml_set(name, rtype, values, ttl=300, extra=""):
    return RRSet(ET.fromstring(
        "<ResourceRecordSet><Name>%s</Name><Type>%s</Type>%s<TTL>%d</TTL><ResourceRecords>%s</ResourceRecords>"
        "</ResourceRecordSet>" % (name, rtype, extra, ttl,
                                  "".join("<ResourceRecord><Value>%s</Value></ResourceRecord>" % v
                                          for v in values))))


def verdict(live, *changes):
    state = {rs.key: rs for rs in live}
    try:
        check_batch("example.com.", state, list(changes))
        return None
    except Refused as err:
        return str(err)


def test_strict_rules_as_route53_states_them(e):
    """What moto would refuse on its own (it matches a DELETE against the
    CREATE it journaled, values in order, name in case): the peer's rules,
    asked directly."""
    a = xml_set("a.example.com.", "TXT", ['"1"', '"2"'])
    # A DELETE names the values as a set, the name in any case.
    check(verdict([a], ("DELETE", xml_set("A.Example.COM", "TXT", ['"2"', '"1"']))) is None, "set, case")
    # Route 53 writes a wildcard as its octal escape.
    star = xml_set("*.example.com.", "TXT", ['"1"'])
    check(verdict([star], ("DELETE", xml_set(r"\052.example.com.", "TXT", ['"1"']))) is None, "\\052")
    # Each change meets the state the earlier ones of the batch leave.
    check(verdict([], ("CREATE", a), ("DELETE", a), ("CREATE", a)) is None, "create, delete, create")
    check(verdict([a], ("DELETE", a), ("CREATE", xml_set("a.example.com.", "CNAME", ["t.example.net."]))) is None,
          "a CNAME where the batch deleted the TXT")
    # Routing fields, nested ones too, are matched.
    geo = xml_set("g.example.com.", "TXT", ['"x"'], extra="<SetIdentifier>eu</SetIdentifier>"
                  "<GeoLocation><ContinentCode>EU</ContinentCode></GeoLocation>")
    other = xml_set("g.example.com.", "TXT", ['"x"'], extra="<SetIdentifier>eu</SetIdentifier>"
                    "<GeoLocation><CountryCode>DE</CountryCode></GeoLocation>")
    check(verdict([geo], ("DELETE", geo)) is None, "geolocation delete")
    check("do not match" in (verdict([geo], ("DELETE", other)) or ""), "another geolocation deleted")
    odd = r'"a b" c "\\\"" "\065"'      # 3 bytes, 1, then \\ and \" one each, \065 one
    check(txt_strings(odd) == [3, 1, 2, 1], "%s: %r" % (odd, txt_strings(odd)))
