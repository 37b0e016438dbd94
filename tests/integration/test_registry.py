"""Integration tests of the ownership registry (issue 20, part 3;
docs/records.md, "The ownership registry"): the real binary against moto
behind the strict peer, every result read back with boto3.  The first apply
writes _mailauth.<domain>; a name the config loses is removed (mailauth's
value only); a registry that is corrupt, doubled or missing removes nothing;
a saved plan carries the registry's change; removing DMARC is held by the
weakening guard.

Run alone: MAILAUTH_BIN=build/mailauth python3 tests/integration/test_registry.py
"""
import base64
import json
import sys

from harness import check, main, ok

ED_RAW = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
ED_SPKI = base64.b64encode(bytes.fromhex("302a300506032b6570032100") +
                           base64.b64decode(ED_RAW)).decode()
KEY = '"v=DKIM1; k=ed25519; p=%s"' % ED_RAW
SPF = '"v=spf1 mx -all"'
DMARC = '"v=DMARC1; p=reject"'
FOREIGN = '"google-site-verification=abc"'
REG = "_mailauth.example.com."


def config(spf=True, dmarc=True, selectors=("s1", "s2")):
    text = "version: 1\ndomains:\n  example.com:\n"
    if spf:
        text += "    spf: { mx: true, all: fail }\n"
    if dmarc:
        text += "    dmarc: { policy: reject }\n"
    if selectors:
        text += "    dkim:\n"
        for s in selectors:
            text += '      %s: { public_key: "%s" }\n' % (s, ED_SPKI)
    return text


def registry(e, zid):
    rs = e.records(zid).get((REG, "TXT"))
    return rs[1] if rs else None


def first_apply(e):
    """A zone with a foreign apex value, after the first apply."""
    zid = e.zone("example.com")
    e.put(zid, "example.com.", "TXT", [FOREIGN])
    e.config(config())
    ok(e.run("apply", "--auto-approve", endpoint=e.proxy().url))
    return zid


def test_first_apply_writes_the_registry(e):
    zid = first_apply(e)
    check(registry(e, zid) == ['"v=mailauth1; dmarc=_dmarc; spf=@; dkim=s1._domainkey,s2._domainkey"'],
          "registry: %r" % registry(e, zid))
    recs = e.records(zid)
    check(sorted(recs[("example.com.", "TXT")][1]) == sorted([FOREIGN, SPF]), repr(recs))
    # Nothing left to do: the registry is as the config says.
    ok(e.run("plan", "--detailed-exitcode"), 0)


def test_removed_selector_is_deleted(e):
    zid = first_apply(e)
    e.config(config(selectors=("s1",)))
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("- s2._domainkey.example.com TXT" in r.stdout, r.stdout)
    check("no longer in the config" in r.stdout, r.stdout)
    check("looks like a DKIM selector" not in r.stdout + r.stderr, r.stdout + r.stderr)
    ok(e.run("apply", "--auto-approve", endpoint=e.proxy().url))
    recs = e.records(zid)
    check(("s2._domainkey.example.com.", "TXT") not in recs, repr(recs))
    check(recs[("s1._domainkey.example.com.", "TXT")][1] == [KEY], repr(recs))
    check(registry(e, zid) == ['"v=mailauth1; dmarc=_dmarc; spf=@; dkim=s1._domainkey"'],
          "registry: %r" % registry(e, zid))
    ok(e.run("plan", "--detailed-exitcode"), 0)


def test_removed_spf_keeps_the_foreign_apex_value(e):
    zid = first_apply(e)
    # A second foreign value, so that the set left is not the one seeded:
    # moto refuses a CREATE equal to one in its journal if the zone holds
    # any set from that name and type on.
    e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": "example.com.", "Type": "TXT", "TTL": 300,
                                                  "ResourceRecords": [{"Value": FOREIGN}, {"Value": SPF},
                                                                      {"Value": '"ms=1"'}]}}]})
    e.config(config(spf=False))
    # Removing SPF weakens: the guard holds it like any other weakening.
    r = ok(e.run("apply", "--auto-approve", endpoint=e.proxy().url), 1)
    check("SPF record removed" in r.stdout + r.stderr, r.stdout + r.stderr)
    check(sorted(e.records(zid)[("example.com.", "TXT")][1]) == sorted([FOREIGN, SPF, '"ms=1"']), "changed")
    ok(e.run("apply", "--auto-approve", "--allow-weaken", endpoint=e.proxy().url))
    recs = e.records(zid)
    check(recs[("example.com.", "TXT")][1] == [FOREIGN, '"ms=1"'], repr(recs[("example.com.", "TXT")]))
    check(registry(e, zid) == ['"v=mailauth1; dmarc=_dmarc; dkim=s1._domainkey,s2._domainkey"'],
          "registry: %r" % registry(e, zid))


def test_removed_dmarc_is_held_by_the_guard(e):
    zid = first_apply(e)
    e.config(config(dmarc=False))
    r = ok(e.run("plan"))
    check("! _dmarc.example.com: DMARC record removed" in r.stdout, r.stdout)
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url), 1)
    check("--allow-weaken" in r.stderr, r.stderr)
    check(not any("rrset" in q["path"] and q["method"] == "POST" for q in p.requests), "a change was sent")
    check(e.records(zid)[("_dmarc.example.com.", "TXT")][1] == [DMARC], "DMARC changed")
    ok(e.run("apply", "--auto-approve", "--allow-weaken"))
    check(("_dmarc.example.com.", "TXT") not in e.records(zid), "DMARC still there")


def test_corrupt_registry_deletes_nothing(e):
    zid = first_apply(e)
    corrupt = '"v=mailauth1; dkim=s1._domainkey,s2._domainkey; bogus"'
    e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": REG, "Type": "TXT", "TTL": 3600,
                                                  "ResourceRecords": [{"Value": corrupt}]}}]})
    e.config(config(selectors=("s1",)))
    r = ok(e.run("apply", "--auto-approve", endpoint=e.proxy().url))
    check("the registry record does not parse" in r.stderr, r.stderr)
    recs = e.records(zid)
    check(recs[("s2._domainkey.example.com.", "TXT")][1] == [KEY], "s2 deleted: %r" % recs)
    # Rewritten as the config says: s2 is no longer mailauth's.
    check(registry(e, zid) == ['"v=mailauth1; dmarc=_dmarc; spf=@; dkim=s1._domainkey"'],
          "registry: %r" % registry(e, zid))


def test_two_registries_delete_nothing(e):
    zid = first_apply(e)
    reg = registry(e, zid)[0]
    e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": REG, "Type": "TXT", "TTL": 3600,
                                                  "ResourceRecords": [{"Value": reg},
                                                                      {"Value": '"v=mailauth1"'}]}}]})
    e.config(config(selectors=("s1",)))
    r = ok(e.run("apply", "--auto-approve", endpoint=e.proxy().url))
    check("2 registry records" in r.stderr, r.stderr)
    check(("s2._domainkey.example.com.", "TXT") in e.records(zid), "s2 deleted")
    check(len(registry(e, zid)) == 1, "registry: %r" % registry(e, zid))


def test_zone_without_registry_deletes_nothing(e):
    zid = e.zone("example.com")
    # What an earlier mailauth left: records, no registry.
    e.put(zid, "s1._domainkey.example.com.", "TXT", [KEY])
    e.put(zid, "s2._domainkey.example.com.", "TXT", [KEY])
    e.put(zid, "example.com.", "TXT", [FOREIGN, SPF])
    e.config(config(spf=False, selectors=("s1",)))
    ok(e.run("apply", "--auto-approve", endpoint=e.proxy().url))
    recs = e.records(zid)
    check(recs[("s2._domainkey.example.com.", "TXT")][1] == [KEY], "s2 deleted")
    check(sorted(recs[("example.com.", "TXT")][1]) == sorted([FOREIGN, SPF]), "apex changed")
    check(registry(e, zid) == ['"v=mailauth1; dmarc=_dmarc; dkim=s1._domainkey"'],
          "registry: %r" % registry(e, zid))


def test_foreign_value_at_an_owned_name_stays(e):
    zid = first_apply(e)
    # Someone adds a value of their own beside mailauth's key at s2.
    e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": "s2._domainkey.example.com.", "Type": "TXT",
                                                  "TTL": 3600, "ResourceRecords": [
                                                      {"Value": KEY}, {"Value": '"note=theirs"'}]}}]})
    e.config(config(selectors=("s1",)))
    ok(e.run("apply", "--auto-approve", endpoint=e.proxy().url))
    check(e.records(zid)[("s2._domainkey.example.com.", "TXT")][1] == ['"note=theirs"'],
          repr(e.records(zid).get(("s2._domainkey.example.com.", "TXT"))))


def test_saved_plan_with_registry_change_applies(e):
    zid = first_apply(e)
    e.config(config(selectors=("s1",)))
    ok(e.run("plan", "--out", "plan.json"))
    with open(e.dir + "/plan.json") as f:
        saved = json.load(f)
    kinds = sorted((c["kind"], c["action"]) for c in saved["changes"] if c["action"] != "none")
    check(kinds == [("DKIM", "delete"), ("mailauth registry", "update")], repr(kinds))
    ok(e.run("apply", "--auto-approve", "plan.json", endpoint=e.proxy().url))
    recs = e.records(zid)
    check(("s2._domainkey.example.com.", "TXT") not in recs, "s2 still there")
    check(registry(e, zid) == ['"v=mailauth1; dmarc=_dmarc; spf=@; dkim=s1._domainkey"'],
          "registry: %r" % registry(e, zid))


def test_reading_the_registry_costs_no_request(e):
    zid = first_apply(e)
    p = e.proxy()
    ok(e.run("plan", endpoint=p.url))
    lists = [q for q in p.requests if q["method"] == "GET" and "/rrset" in q["path"]]
    check(len(lists) == 1, "ListResourceRecordSets: %d" % len(lists))


if __name__ == "__main__":
    sys.exit(main([fn for k, fn in sorted(globals().items()) if k.startswith("test_")]))
