"""Integration tests of what the pull-request reviewer sees (issue 18): the
saved plan's format 4 (each change's weakening, the warnings plan prints,
notes on records mailauth reads but does not manage, each domain's gate
verdict), the same in Markdown, and saved plans of versions 3 and 2 still
applied; each checked in Route 53 with boto3."""
import json
import os

from harness import check, ok, registry

REJECT = '"v=DMARC1; p=reject; rua=mailto:dmarc@example.com"'
NONE = '"v=DMARC1; p=none; rua=mailto:dmarc@example.com"'
OLD_KEY = '"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="'

# example.com weakens its DMARC record (reject -> none) and carries a
# legacy tag (a config warning); gated.example's second stage is due and no
# --reports is given.
CFG = """\
version: 1
domains:
  example.com:
    dmarc:
      policy: none
      rua: [mailto:dmarc@example.com]
      ri: 3600
    dkim:
      s1: { cname: s1.dkim.example.net }
  gated.example:
    dmarc:
      rollout:
        - { policy: none, from: 2026-12-01 }
        - { policy: quarantine, testing: true, from: 2027-01-15 }
      gate: { min_pass_rate: 98.0, window_days: 14, min_messages: 500 }
"""

NOTE = ("'old._domainkey.example.com' looks like a DKIM selector but is not in the config; "
        "mailauth leaves it alone (remove it by hand or declare it with state: absent)")


def setup(e):
    zid = e.zone("example.com")
    gid = e.zone("gated.example")
    e.put(zid, "_dmarc.example.com.", "TXT", [REJECT], ttl=3600)
    # A selector that left the config, and one that never looked like
    # mailauth's (not a key record).
    e.put(zid, "old._domainkey.example.com.", "TXT", [OLD_KEY], ttl=3600)
    e.put(zid, "misc._domainkey.example.com.", "TXT", ['"hello"'], ttl=3600)
    e.put(gid, "_dmarc.gated.example.", "TXT", ['"v=DMARC1; p=none"'], ttl=3600)
    registry(e, gid, "v=mailauth1; dmarc=_dmarc", domain="gated.example")
    e.config(CFG)
    return zid, gid


def test_plan_json_carries_what_the_reviewer_needs(e):
    zid, gid = setup(e)
    before = {z: e.records(z) for z in (zid, gid)}
    r = ok(e.run("plan", "--at", "2027-01-20", "--format", "json", "--out", "plan.json"))
    doc = json.loads(r.stdout)
    check(doc["format_version"] == 5, repr(doc["format_version"]))
    by_name = {c["name"]: c for c in doc["changes"]}
    check(by_name["_dmarc.example.com."]["weakening"] == "DMARC policy p=reject -> p=none",
          repr(by_name["_dmarc.example.com."]))
    check(by_name["s1._domainkey.example.com."]["weakening"] is None, repr(by_name))
    # Every warning printed on stderr is in the list, with its domain.
    msgs = [w["message"] for w in doc["warnings"]]
    legacy = [w for w in doc["warnings"] if "legacy tag" in w["message"]]
    check(len(legacy) == 1 and legacy[0]["domain"] == "example.com", repr(doc["warnings"]))
    for m in msgs:
        check(m in r.stderr, "%r not on stderr:\n%s" % (m, r.stderr))
    check(doc["notes"] == [{"message": NOTE, "domain": "example.com",
                            "name": "old._domainkey.example.com."}], repr(doc["notes"]))
    gates = {d["domain"]: d["gate"] for d in doc["domains"]}
    check(gates["example.com"] == {"verdict": "none", "reason": None}, repr(gates))
    check(gates["gated.example"]["verdict"] == "hold" and gates["gated.example"]["reason"].startswith(
        "held: no reports given: 'gated.example' stays at stage 1 of 2 (stage 2 was due on 2027-01-15)"),
        repr(gates))
    check("rollout gate: held: no reports given: 'gated.example'" in r.stderr, r.stderr)
    # The saved plan is the same document, and plan wrote nothing.
    with open(os.path.join(e.dir, "plan.json")) as f:
        check(json.load(f) == doc, "--out differs from --format json")
    check({z: e.records(z) for z in (zid, gid)} == before, "plan changed Route 53")
    # Applied as saved: the weakening still needs --allow-weaken (apply
    # asks the guard again), the held domain stays, the old selector too.
    r = ok(e.run("apply", "--auto-approve", "plan.json"), 1)
    check("weaken" in r.stderr, r.stderr)
    ok(e.run("apply", "--auto-approve", "--allow-weaken", "plan.json"))
    after = e.records(zid)
    check(after[("_dmarc.example.com.", "TXT")] == (3600, ['"v=DMARC1; p=none; rua=mailto:dmarc@example.com; ri=3600"']),
          repr(after.get(("_dmarc.example.com.", "TXT"))))
    check(after[("old._domainkey.example.com.", "TXT")] == (3600, [OLD_KEY]), "old selector touched")
    check(e.records(gid) == before[gid], "the held domain changed")


def test_markdown_and_text_show_the_same(e):
    setup(e)
    r = ok(e.run("plan", "--at", "2027-01-20", "--format", "markdown"))
    md = r.stdout
    check("**weakens:** DMARC policy p=reject -\\> p=none" in md, md)
    check(md.count("**weakens:**") == 1, md)
    check("#### Rollout gate\n\n| Domain | Verdict | Reason |\n|---|---|---|\n"
          "| gated.example | **hold** | held\\: no reports given\\: 'gated.example' stays at stage 1 of 2" in md, md)
    check("\n#### Warnings\n\n- " in md and "legacy tag removed by RFC 9989" in md, md)
    check("\n#### Not managed\n\n- 'old.\\_domainkey.example.com' looks like a DKIM selector" in md, md)
    check("misc" not in md, md)
    r = ok(e.run("plan", "--at", "2027-01-20"))
    check("Note: " + NOTE + "\n" in r.stdout, r.stdout)
    check("misc._domainkey" not in r.stdout, r.stdout)


def downgrade(doc, version):
    """The document as mailauth wrote versions 3 and 2: no field for review
    (nor the replay of version 5)."""
    doc = dict(doc, format_version=version)
    for k in ("domains", "warnings", "notes"):
        del doc[k]
    for c in doc["changes"]:
        del c["weakening"]
        del c["replay"]
        for side in ("before", "after"):
            if version == 2 and c[side] is not None:
                del c[side]["routing"]
    return doc


def test_saved_plans_of_versions_3_and_2_still_apply(e):
    for version in (3, 2):
        zid = e.zone("v%d.example" % version)
        e.put(zid, "_dmarc.v%d.example." % version, "TXT", ['"v=DMARC1; p=none"'], ttl=3600)
        e.config("version: 1\ndomains:\n  v%d.example:\n    dmarc: { policy: quarantine }\n" % version)
        r = ok(e.run("plan", "--format", "json"))
        old = downgrade(json.loads(r.stdout), version)
        with open(os.path.join(e.dir, "old.json"), "w") as f:
            json.dump(old, f, indent="\t")
        ok(e.run("apply", "--auto-approve", "old.json"))
        got = e.records(zid)[("_dmarc.v%d.example." % version, "TXT")]
        check(got == (3600, ['"v=DMARC1; p=quarantine"']), "version %d: %r" % (version, got))
        # A field of version 4 in an older document is refused.
        old["warnings"] = []
        with open(os.path.join(e.dir, "bad.json"), "w") as f:
            json.dump(old, f)
        r = ok(e.run("apply", "--auto-approve", "bad.json"), 1)
        check("unknown field 'warnings'" in r.stderr, r.stderr)


def test_unmanaged_selector_named_in_targeted_pages(e):
    """In a zone too big to read whole, plan reads pages from the managed
    names; a selector that left the config is in them, and is named with
    no request more than without it."""
    zid = e.zone("example.com")
    e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
        {"Action": "CREATE", "ResourceRecordSet": {"Name": "h%03d.example.com." % i, "Type": "A", "TTL": 300,
                                                   "ResourceRecords": [{"Value": "192.0.2.1"}]}}
        for i in range(320)]})
    e.config("version: 1\ndomains:\n  example.com:\n    dkim:\n      s1: { cname: s1.dkim.example.net }\n")
    p = e.proxy()
    ok(e.run("plan", endpoint=p.url))
    without = len(p.requests)
    e.put(zid, "old._domainkey.example.com.", "TXT", [OLD_KEY], ttl=3600)
    e.put(zid, "gone._domainkey.example.com.", "CNAME", ["gone.dkim.example.net."], ttl=3600)
    p = e.proxy()
    r = ok(e.run("plan", endpoint=p.url))
    check("Note: " + NOTE + "\n" in r.stdout, r.stdout)
    check("Note: 'gone._domainkey.example.com' looks like a DKIM selector" in r.stdout, r.stdout)
    check(len(p.requests) == without, "%d requests, %d without the selectors" % (len(p.requests), without))
    lists = [q for q in p.requests if q["path"].endswith("/rrset") or "rrset" in q["path"]]
    check(all("maxitems=300" not in q["path"] for q in lists) and lists, "not targeted: %r" % lists)
