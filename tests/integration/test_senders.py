"""Integration tests of `mailauth report --senders`: the real binary on
DMARC aggregate reports made here and on the RFC 9990 sample of
tests/data, against a config, in text and JSON (checked field by field),
with --resolve against dnsmasq on 127.0.0.1.  The expected verdicts and
counts are worked out here from the rows written, and the PTR names come
from dnsmasq, never from mailauth's own output."""
import json
import os
import shutil

from harness import TOP, check, ok
from test_verify import Dns

DAY = 86400
MAR1 = 1772323200           # 2026-03-01T00:00:00Z

CFG = """\
version: 1
domains:
  example.com:
    spf:
      include: [amazonses.com]
    dkim:
      s1: { cname: s1.dkim.example.net }
      old: { state: absent }
    dmarc:
      policy: none
      rua: [mailto:dmarc@example.com]
  strict.test:
    dkim:
      s1: { cname: s1.dkim.example.net }
    dmarc:
      policy: none
      adkim: strict
"""


def report(rid, rows, begin=MAR1, domain="example.com", extra=""):
    """rows: (ip, count, dkim_pass, spf_pass, header_from, [(d, s, result)],
    [(spf domain, result)])."""
    out = ['<?xml version="1.0"?>\n<feedback><report_metadata><org_name>r.example</org_name>'
           '<report_id>%s</report_id><date_range><begin>%d</begin><end>%d</end></date_range>'
           '</report_metadata><policy_published><domain>%s</domain><p>none</p>%s'
           '</policy_published>\n' % (rid, begin, begin + DAY - 1, domain, extra)]
    for ip, n, dk, sp, hfrom, sigs, spfs in rows:
        out.append('<record><row><source_ip>%s</source_ip><count>%s</count><policy_evaluated>'
                   '<disposition>none</disposition><dkim>%s</dkim><spf>%s</spf></policy_evaluated>'
                   '</row><identifiers><header_from>%s</header_from></identifiers><auth_results>'
                   % (ip, n, "pass" if dk else "fail", "pass" if sp else "fail", hfrom))
        for d, s, res in sigs:
            out.append('<dkim><domain>%s</domain>%s<result>%s</result></dkim>'
                       % (d, "<selector>%s</selector>" % s if s else "", res))
        for d, res in spfs:
            out.append('<spf><domain>%s</domain><scope>mfrom</scope><result>%s</result></spf>' % (d, res))
        out.append('</auth_results></record>\n')
    out.append('</feedback>\n')
    return "".join(out)


# 1000 messages for example.com: 800 configured through s1 (and SES's
# unaligned SPF), 150 through the undeclared selector google, 10 through
# the absent selector old, 30 through the domain's own SPF, 10 failing from
# 203.0.113.0/24 (1%: named).
ROWS = [
    ("54.240.8.12", 800, 1, 0, "example.com", [("example.com", "s1", "pass")], [("amazonses.com", "pass")]),
    ("192.0.2.7", 150, 1, 0, "example.com", [("example.com", "google", "pass")], [("example.com", "fail")]),
    ("192.0.2.8", 10, 1, 0, "example.com", [("example.com", "old", "pass")], []),
    ("198.51.100.25", 30, 1, 1, "example.com", [], [("example.com", "pass")]),
    ("203.0.113.10", 6, 0, 0, "example.com", [], [("spoof.example.net", "fail")]),
    ("203.0.113.11", 4, 0, 0, "example.com", [("esp.example.net", "k", "fail")], []),
]


def write(e, name, text):
    path = os.path.join(e.dir, "reports", name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    return path


def senders_json(e, *args):
    r = ok(e.run("report", "--senders", "--format", "json", *args))
    return json.loads(r.stdout)


def test_senders_verdicts_and_suggestions_json(e):
    e.config(CFG)
    write(e, "a.xml", report("a", ROWS))
    doc = senders_json(e, "reports")
    check(doc["format_version"] == 1 and doc["kind"] == "senders", doc)
    check(doc["reports"]["read"] == 1 and doc["reports"]["records_rejected"] == 0, doc["reports"])
    [d] = doc["domains"]
    check(d["domain"] == "example.com" and d["in_config"] is True, d)
    check((d["adkim"], d["aspf"]) == ("relaxed", "relaxed"), d)
    check(d["messages"] == 1000 and d["dmarc_pass"] == 990, d)
    check((d["configured"], d["undeclared"], d["failing"]) == (830, 160, 10), d)
    by_ip = {s["source_ip"]: s for s in d["senders"]}
    check([s["source_ip"] for s in d["senders"]] ==
          ["203.0.113.10", "203.0.113.11", "192.0.2.7", "192.0.2.8", "54.240.8.12", "198.51.100.25"],
          [s["source_ip"] for s in d["senders"]])
    ses = by_ip["54.240.8.12"]
    check(ses["verdict"] == "configured" and ses["messages"] == 800 and ses["name"] is None, ses)
    check(ses["dkim"] == [{"domain": "example.com", "selector": "s1", "pass": 800, "other": 0,
                           "aligned": True, "declared": True}], ses["dkim"])
    check(ses["spf"] == [{"domain": "amazonses.com", "pass": 800, "other": 0, "aligned": False,
                          "declared": False}], ses["spf"])
    check(by_ip["192.0.2.7"]["verdict"] == "undeclared", by_ip["192.0.2.7"])
    # state: absent is not declared.
    check(by_ip["192.0.2.8"]["verdict"] == "undeclared" and
          by_ip["192.0.2.8"]["dkim"][0]["declared"] is False, by_ip["192.0.2.8"])
    own = by_ip["198.51.100.25"]
    check(own["verdict"] == "configured" and own["spf"][0]["declared"] is True, own)
    check(by_ip["203.0.113.10"]["verdict"] == "failing" and by_ip["203.0.113.10"]["failing"] == 6,
          by_ip["203.0.113.10"])
    kinds = [(g["kind"], g["messages"], g["source"]) for g in d["suggestions"]]
    check(kinds == [("declare-selector", 150, "192.0.2.7"), ("declare-selector", 10, "192.0.2.8"),
                    ("identify-source", 10, "203.0.113.0/24")], kinds)
    g = d["suggestions"][0]
    check(g["message"] == "DKIM selector 'google' of 'example.com' passes for 150 messages (15.00%) "
          "from 192.0.2.7: declare it under dkim: of 'example.com', or it breaks unseen when the key "
          "is rotated or removed", g["message"])
    check(g["config"] == "google: { public_key: ... }", g)
    check(d["suggestions"][2]["config"] is None, d["suggestions"][2])


def test_senders_text_groups_by_verdict(e):
    e.config(CFG)
    write(e, "a.xml", report("a", ROWS))
    r = ok(e.run("report", "--senders", "reports"))
    out = r.stdout
    check(out.startswith("DMARC senders: 1 report read, 1 in the window, 0 duplicates skipped, 0 rejected\n"),
          out)
    check("example.com: 1000 messages from 6 senders; configured 830, undeclared 160, failing 10\n"
          "  in the config: 1 DKIM selector, SPF managed, adkim relaxed, aspf relaxed\n  failing:\n" in out, out)
    check(out.index("  failing:") < out.index("  undeclared:") < out.index("  configured:") <
          out.index("  suggestions:"), out)
    check("    - 203.0.113.0/24 sends 10 messages (1.00% of the mail) that fail DMARC: identify it before "
          "enforcing\n" in out, out)
    check("      add: google: { public_key: ... }\n" in out, out)


def test_senders_strict_alignment_and_no_config(e):
    e.config(CFG)
    rows = [("192.0.2.1", 5, 1, 0, "strict.test", [("strict.test", "s1", "pass")], []),
            ("192.0.2.2", 7, 1, 0, "strict.test", [("mail.strict.test", "s1", "pass")], [])]
    write(e, "s.xml", report("s", rows, domain="strict.test"))
    doc = senders_json(e, "reports")
    [d] = doc["domains"]
    check(d["adkim"] == "strict", d)
    by_ip = {s["source_ip"]: s for s in d["senders"]}
    check(by_ip["192.0.2.1"]["verdict"] == "configured", by_ip)
    check(by_ip["192.0.2.2"]["verdict"] == "undeclared" and by_ip["192.0.2.2"]["dkim"][0]["aligned"] is False,
          by_ip)
    # Without a config (none given, none in the folder) nothing is declared.
    os.unlink(os.path.join(e.dir, "mailauth.yaml"))
    doc = senders_json(e, "reports")
    [d] = doc["domains"]
    check(d["in_config"] is False and d["adkim"] is None and d["configured"] == 0 and d["undeclared"] == 12, d)
    # A config given that cannot be read is an error.
    r = ok(e.run("report", "--senders", "-c", "missing.yaml", "reports"), 1)
    check("missing.yaml" in r.stderr, r.stderr)


def test_senders_window_domain_filter_and_rfc9990_sample(e):
    e.config(CFG)
    shutil.copy(os.path.join(TOP, "tests", "data", "dmarc-reports", "parsedmarc", "rfc9990-sample.xml"),
                os.path.join(e.dir, "sample.xml"))
    doc = senders_json(e, "sample.xml")
    [d] = doc["domains"]
    [s] = d["senders"]
    check(s["source_ip"] == "192.0.2.123" and s["messages"] == 123 and s["verdict"] == "undeclared", s)
    check(s["dkim"] == [{"domain": "example.com", "selector": "abc123", "pass": 123, "other": 0,
                         "aligned": True, "declared": False}], s["dkim"])
    write(e, "a.xml", report("a", ROWS, begin=MAR1))
    write(e, "b.xml", report("b", [ROWS[0]], begin=MAR1 + 2 * DAY))
    doc = senders_json(e, "--since", "2026-03-03", "--domain", "Example.COM", "reports")
    check(doc["window"] == {"since": "2026-03-03", "until": None, "domain": "example.com"}, doc["window"])
    check(doc["reports"]["in_window"] == 1 and doc["reports"]["outside_window"] == 1, doc["reports"])
    check([s["source_ip"] for s in doc["domains"][0]["senders"]] == ["54.240.8.12"], doc["domains"])


def test_senders_bad_records_listed_not_counted(e):
    e.config(CFG)
    rows = [("192.0.2.1", "4294967295", 1, 0, "example.com", [("example.com", "s1", "pass")], []),
            ("192.0.2.2", "4294967296", 1, 0, "example.com", [], []),
            ("192.0.2.3", "-1", 1, 0, "example.com", [], []),
            ("192.0.2.4", "5", 1, 0, "other.example", [], []),
            ("192.0.2.5", "6", 1, 0, "sub.example.com", [], [])]
    text = report("bad", rows)
    # An unknown verdict, and a record without auth_results (counted).
    text = text.replace("</feedback>", '<record><row><source_ip>192.0.2.6</source_ip><count>1</count>'
                        '<policy_evaluated><disposition>none</disposition><dkim>maybe</dkim><spf>fail</spf>'
                        '</policy_evaluated></row><identifiers><header_from>example.com</header_from>'
                        '</identifiers></record><record><row><source_ip>192.0.2.7</source_ip><count>2</count>'
                        '<policy_evaluated><disposition>none</disposition><dkim>fail</dkim><spf>fail</spf>'
                        '</policy_evaluated></row><identifiers><header_from>example.com</header_from>'
                        '</identifiers></record></feedback>')
    write(e, "bad.xml", text)
    doc = senders_json(e, "reports")
    check(doc["reports"]["records_rejected"] == 4, doc["reports"])
    reasons = [x["reason"] for x in doc["reports"]["rejected"]]
    check(reasons == [
        "report 'bad' of 'r.example': record 2: <count> is '4294967296', not a number of messages from 0 to "
        "4294967295",
        "report 'bad' of 'r.example': record 3: <count> is '-1', not a number of messages from 0 to 4294967295",
        "report 'bad' of 'r.example': record 4: <header_from> 'other.example' is not of the organisational "
        "domain of <policy_published> 'example.com'",
        "report 'bad' of 'r.example': record 6: <dkim> of <policy_evaluated> is 'maybe', not pass or fail",
    ], reasons)
    by = {d["domain"]: d for d in doc["domains"]}
    check(sorted(by) == ["example.com", "sub.example.com"], sorted(by))
    check(by["example.com"]["messages"] == 4294967295 + 2, by["example.com"])
    check(by["sub.example.com"]["messages"] == 6, by["sub.example.com"])
    noauth = [s for s in by["example.com"]["senders"] if s["source_ip"] == "192.0.2.7"][0]
    check(noauth["dkim"] == [] and noauth["spf"] == [] and noauth["verdict"] == "failing", noauth)
    # The summary counts and lists the same.
    r = ok(e.run("report", "--format", "json", "reports"))
    s = json.loads(r.stdout)
    check(s["reports"]["records_rejected"] == 4 and s["totals"]["messages"] == 4294967295 + 2 + 6, s["totals"])


def test_senders_resolve_with_dnsmasq(e):
    e.config(CFG)
    write(e, "a.xml", report("a", ROWS))
    # dnsmasq answers PTR from its host records: two of the six addresses.
    dns = Dns([("a", "ses-a.mx.test", "54.240.8.12"), ("a", "mail.own.test", "198.51.100.25")])
    try:
        doc = senders_json(e, "--resolve", "--resolver", dns.server, "reports")
        r = ok(e.run("report", "--senders", "--resolve", "--resolver", dns.server, "reports"))
    finally:
        dns.stop()
    names = {s["source_ip"]: s["name"] for s in doc["domains"][0]["senders"]}
    check(names == {"54.240.8.12": "ses-a.mx.test", "198.51.100.25": "mail.own.test", "192.0.2.7": None,
                    "192.0.2.8": None, "203.0.113.10": None, "203.0.113.11": None}, names)
    check("    54.240.8.12 (ses-a.mx.test): 800 messages, DMARC pass 100.00%\n" in r.stdout, r.stdout)
    # The server gone: no names, and no error.
    doc = senders_json(e, "--resolve", "--resolver", dns.server, "reports")
    check(all(s["name"] is None for s in doc["domains"][0]["senders"]), doc["domains"][0]["senders"])


def test_senders_options_refused(e):
    write(e, "a.xml", report("a", ROWS))
    for args, msg in [(["--resolve"], "mailauth: '--resolve' goes with '--senders'\n"),
                      (["--senders", "--resolver", "127.0.0.1"], "mailauth: '--resolver' goes with '--resolve'\n"),
                      (["--senders", "--format", "csv"], "mailauth: '--senders' prints text or json, not 'csv'\n")]:
        r = ok(e.run("report", *args, "reports"), 1)
        check(r.stderr == msg and r.stdout == "", (args, r.stderr))
