"""mailauth iam-policy against moto: the policy's zones are the ones Route 53
has for the config, and a real plan and apply, recorded by the proxy, send
only requests the policy allows: each action on a resource it grants, and
ChangeResourceRecordSets exactly at the names, with the types and actions,
its conditions list."""
import json
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET

from harness import TOP, check, ok

KEY = os.path.join(TOP, "examples", "keys", "s2026.pem")
NS = "{https://route53.amazonaws.com/doc/2013-04-01/}"

CFG = """\
version: 1
domains:
  example.com:
    spf: {{ include: [amazonses.com], all: fail }}
    dkim:
      s2026: {{ public_key_file: {key} }}
      google: {{ cname: google.dkim.example.net }}
      old: {{ state: absent }}
    dmarc: {{ policy: none, rua: [mailto:dmarc@example.com] }}
  mail.example.com:
    dmarc: {{ policy: quarantine }}
  example.org:
    zone: {org}
    dmarc: {{ policy: reject }}
"""


def policy_of(r):
    doc = json.loads(r.stdout)
    check(doc["Version"] == "2012-10-17", doc)
    return doc


def statements(doc):
    return {s["Sid"]: s for s in doc["Statement"]}


def as_list(v):
    return v if isinstance(v, list) else [v]


def action_of(q):
    """The IAM action and resource ARN of one Route 53 request."""
    path = urllib.parse.urlparse(q["path"]).path
    m = re.fullmatch(r"/2013-04-01/hostedzone/([^/]+)/rrset/?", path)
    if m:
        act = "ChangeResourceRecordSets" if q["method"] == "POST" else "ListResourceRecordSets"
        return "route53:" + act, "arn:aws:route53:::hostedzone/" + m.group(1)
    m = re.fullmatch(r"/2013-04-01/hostedzone/([^/]+)", path)
    if m and q["method"] == "GET":
        return "route53:GetHostedZone", "arn:aws:route53:::hostedzone/" + m.group(1)
    m = re.fullmatch(r"/2013-04-01/change/([^/]+)", path)
    if m:
        return "route53:GetChange", "arn:aws:route53:::change/" + m.group(1)
    if path == "/2013-04-01/hostedzonesbyname":
        return "route53:ListHostedZonesByName", "*"
    raise AssertionError("unexpected request %s %s" % (q["method"], q["path"]))


def resource_matches(pattern, arn):
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*"), arn) is not None


def changes_of(q):
    """(action, normalized name, type) of each change in a ChangeResourceRecordSets body."""
    root = ET.fromstring(q["body"])
    out = []
    for c in root.iter(NS + "Change"):
        rs = c.find(NS + "ResourceRecordSet")
        name = rs.find(NS + "Name").text.lower().rstrip(".")
        out.append((c.find(NS + "Action").text, name, rs.find(NS + "Type").text))
    return out


def allowed(doc, q):
    """The statements of doc that allow request q (conditions included)."""
    act, arn = action_of(q)
    hits = []
    for s in doc["Statement"]:
        if s["Effect"] != "Allow" or act not in as_list(s["Action"]):
            continue
        if not any(resource_matches(p, arn) for p in as_list(s["Resource"])):
            continue
        cond = s.get("Condition")
        if cond is not None:
            check(list(cond) == ["ForAllValues:StringEquals"], cond)
            eq = cond["ForAllValues:StringEquals"]
            ch = changes_of(q)
            if not (all(a in eq["route53:ChangeResourceRecordSetsActions"] for a, _, _ in ch) and
                    all(n in eq["route53:ChangeResourceRecordSetsNormalizedRecordNames"] for _, n, _ in ch) and
                    all(t in eq["route53:ChangeResourceRecordSetsRecordTypes"] for _, _, t in ch)):
                continue
        hits.append(s["Sid"])
    return hits


def world(e):
    com = e.zone("example.com")
    org = e.zone("example.org")
    e.zone("unrelated.net")
    # What apply must change: a foreign value beside the SPF record, a
    # selector that moves from CNAME to a key, one to delete, an old DMARC.
    e.put(com, "example.com.", "TXT", ['"google-site-verification=abc"'])
    e.put(com, "s2026._domainkey.example.com.", "CNAME", ["s2026.dkim.example.net."])
    e.put(com, "old._domainkey.example.com.", "TXT", ['"v=DKIM1; p="'])
    e.put(org, "_dmarc.example.org.", "TXT", ['"v=DMARC1; p=none"'])
    e.config(CFG.format(key=KEY, org="example.org"))
    return com, org


def test_iam_policy_allows_exactly_what_apply_sends(e):
    com, org = world(e)
    p = e.proxy()
    r = ok(e.run("iam-policy", endpoint=p.url))
    doc = policy_of(r)
    st = statements(doc)
    # Zone discovery only: no record set was read to make the policy.
    acts = {action_of(q)[0] for q in p.requests}
    check(acts <= {"route53:ListHostedZonesByName", "route53:GetHostedZone"}, acts)

    check(st["FindHostedZones"]["Resource"] == "*", st)
    # Zones found by name (moto's ids are not Route 53's Z... ones, so the
    # config cannot give one): no GetHostedZone.
    check(st["ReadManagedZones"]["Action"] == ["route53:ListResourceRecordSets"], st["ReadManagedZones"])
    check(sorted(st["ReadManagedZones"]["Resource"]) ==
          sorted("arn:aws:route53:::hostedzone/" + z for z in (com, org)), st["ReadManagedZones"])
    check(st["WaitForInsync"]["Resource"] == "arn:aws:route53:::change/*", st)
    eq_com = st["ChangeManagedRecordsIn" + com]["Condition"]["ForAllValues:StringEquals"]
    eq_org = st["ChangeManagedRecordsIn" + org]["Condition"]["ForAllValues:StringEquals"]
    check(set(eq_com["route53:ChangeResourceRecordSetsNormalizedRecordNames"]) == {
        "example.com", "_dmarc.example.com", "s2026._domainkey.example.com",
        "google._domainkey.example.com", "old._domainkey.example.com", "_dmarc.mail.example.com",
        "_mailauth.example.com", "_mailauth.mail.example.com"}, eq_com)
    check(eq_com["route53:ChangeResourceRecordSetsRecordTypes"] == ["CNAME", "TXT"], eq_com)
    check(eq_org["route53:ChangeResourceRecordSetsNormalizedRecordNames"] ==
          ["_dmarc.example.org", "_mailauth.example.org"], eq_org)
    check(eq_org["route53:ChangeResourceRecordSetsRecordTypes"] == ["TXT"], eq_org)
    for eq in (eq_com, eq_org):
        check(eq["route53:ChangeResourceRecordSetsActions"] == ["CREATE", "DELETE"], eq)
    check(len(doc["Statement"]) == 5, [s["Sid"] for s in doc["Statement"]])

    # A real plan and apply: every request is one the policy allows.
    p = e.proxy()
    ok(e.run("plan", endpoint=p.url), 0)
    ok(e.run("apply", "--auto-approve", endpoint=p.url))
    for q in p.requests:
        check(allowed(doc, q), "not allowed: %s %s %r" % (q["method"], q["path"], q["body"][:300]))
    # ...and the conditions list exactly the names apply changed.
    posts = [q for q in p.requests if q["method"] == "POST"]
    check(posts, "apply sent nothing")
    changed = {(z, n) for q in posts for _, n, _ in changes_of(q)
               for z in [action_of(q)[1].split("/")[-1]]}
    listed = {(z, n) for z, eq in ((com, eq_com), (org, eq_org))
              for n in eq["route53:ChangeResourceRecordSetsNormalizedRecordNames"]}
    check(changed == listed, "changed %r, policy %r" % (sorted(changed), sorted(listed)))
    check({t for q in posts for _, _, t in changes_of(q)} == {"CNAME", "TXT"}, posts)
    # Route 53 holds the result (the policy did not get in the way).
    recs = e.records(com)
    check(("s2026._domainkey.example.com.", "CNAME") not in recs, recs)
    check(("s2026._domainkey.example.com.", "TXT") in recs, recs)
    check(("old._domainkey.example.com.", "TXT") not in recs, recs)
    check(("google._domainkey.example.com.", "CNAME") in recs, recs)

    # A request outside the policy is recognised as such by this checker.
    dm = [q for q in posts if b"_dmarc.example.com" in q["body"]]
    check(dm, "no DMARC change")
    bad = dict(dm[0], body=dm[0]["body"].replace(b"_dmarc.example.com", b"www.example.com"))
    check(not allowed(doc, bad), "www allowed")
    other = {"method": "GET", "path": "/2013-04-01/hostedzone/ZUNRELATED/rrset", "body": b""}
    check(not allowed(doc, other), "another zone allowed")


def test_iam_policy_offline_sends_nothing(e):
    com, org = world(e)
    p = e.proxy()
    r = ok(e.run("iam-policy", "--offline", endpoint=p.url), 1)
    check(p.requests == [], p.requests)
    check("domains.example.com: --offline needs zone: set to the hosted zone id (Z...) of 'example.com'"
          in r.stderr, r.stderr)
    check("domains.mail.example.com: --offline needs zone:" in r.stderr, r.stderr)
    check("domains.example.org.zone: --offline needs a hosted zone id (Z...), not the zone name 'example.org'"
          in r.stderr, r.stderr)
    check(r.stdout == "", r.stdout)

    # With ids (made up: moto's are not Route 53's Z... ones), the same
    # names, types and actions as the online policy, under those ids.
    online = statements(policy_of(ok(e.run("iam-policy"))))
    e.config(CFG.format(key=KEY, org="ZORG0001").replace(
        "  example.com:\n", "  example.com:\n    zone: ZCOM0001\n").replace(
        "  mail.example.com:\n", "  mail.example.com:\n    zone: ZCOM0001\n"))
    r = ok(e.run("iam-policy", "--offline", endpoint=p.url))
    check(p.requests == [], p.requests)
    st = statements(policy_of(r))
    check("FindHostedZones" not in st, st)
    check(st["ReadManagedZones"] == {
        "Sid": "ReadManagedZones", "Effect": "Allow",
        "Action": ["route53:GetHostedZone", "route53:ListResourceRecordSets"],
        "Resource": ["arn:aws:route53:::hostedzone/ZCOM0001", "arn:aws:route53:::hostedzone/ZORG0001"]},
        st["ReadManagedZones"])
    for mine, theirs in (("ZCOM0001", com), ("ZORG0001", org)):
        a, b = st["ChangeManagedRecordsIn" + mine], online["ChangeManagedRecordsIn" + theirs]
        check(a["Condition"] == b["Condition"], "%r vs %r" % (a, b))
        check(a["Resource"] == "arn:aws:route53:::hostedzone/" + mine, a)
    check(st["WaitForInsync"] == online["WaitForInsync"], st)


def test_iam_policy_errors(e):
    e.config("version: 1\ndomains:\n  nozone.example:\n    dmarc: { policy: none }\n")
    r = ok(e.run("iam-policy"), 1)
    check("no public hosted zone in this account contains 'nozone.example'" in r.stderr, r.stderr)
    check(r.stdout == "", r.stdout)
    r = ok(e.run("iam-policy", "--detailed-exitcode"), 1)
    check("option '--detailed-exitcode' is not taken by 'iam-policy'" in r.stderr, r.stderr)
    r = ok(e.run("plan", "--offline"), 1)
    check("option '--offline' is not taken by 'plan'" in r.stderr, r.stderr)
