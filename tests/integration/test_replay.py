"""Integration tests of the policy replay (issue 21): `plan --reports` on a
rollout that advances (--at) replays the window's report rows under the new
DMARC record; text, JSON and Markdown checked field by field, the saved
plan applied (Route 53 checked with boto3)."""
import json
import os

from harness import check, ok
from test_report import DAY, report

JAN25 = 1800748800          # 2027-01-25T00:00:00Z

CFG = """\
version: 1
domains:
  example.com:
    dmarc:
      rua: [mailto:dmarc@example.com]
      rollout:
        - { policy: none, from: 2026-12-01 }
        - { policy: quarantine, testing: true, from: 2027-01-05 }
        - { policy: quarantine, from: 2027-02-01 }
      gate: { min_pass_rate: 50.0, window_days: 14, min_messages: 10 }
  example.org:
    dmarc:
      policy: none
      rua: [mailto:dmarc@example.org]
"""

TESTING = '"v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@example.com"'
ENFORCED = '"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"'
LINE = ("      policy replay of the reports from 2027-01-20 to 2027-02-02: of 750 messages "
        "(150 failing DMARC), 150 (20.00%) would newly be quarantined or rejected "
        "(150 quarantined, 0 rejected), from 2 sources:\n"
        "        203.0.113.7: 120 quarantined\n"
        "        203.0.113.8: 30 quarantined\n")


def row(ip, n, passed, domain):
    res = "pass" if passed else "fail"
    return (ip, n, "none", res, res, domain, domain if passed else None, domain)


def setup(e):
    """example.com at its testing stage, example.org at p=none, and the
    reports: one in the window of 2027-02-02, one before it."""
    zid = e.zone("example.com")
    e.zone("example.org")
    e.config(CFG)
    ok(e.run("apply", "--auto-approve", "--at", "2027-01-10", "--ignore-gate"))
    got = e.records(zid).get(("_dmarc.example.com.", "TXT"))
    check(got and got[1] == [TESTING], "live before: %r" % (got,))
    folder = os.path.join(e.dir, "reports")
    os.mkdir(folder)
    with open(os.path.join(folder, "a.xml"), "wb") as f:
        f.write(report("google.com", "a", JAN25, [
            row("192.0.2.1", 600, True, "example.com"),
            row("203.0.113.7", 120, False, "example.com"),
            row("203.0.113.8", 30, False, "news.example.com"),
            row("198.51.100.1", 50, False, "example.org")]))
    with open(os.path.join(folder, "old.xml"), "wb") as f:
        f.write(report("google.com", "old", JAN25 - 30 * DAY,
                       [row("203.0.113.9", 5000, False, "example.com")]))
    return zid, folder


def test_replay_text_and_apply_of_saved_plan(e):
    zid, folder = setup(e)
    r = ok(e.run("plan", "--at", "2027-02-02", "--reports", folder, "--out", "plan.json"))
    check(LINE in r.stdout, r.stdout)
    check(r.stdout.count("policy replay") == 1, "one replay, example.com's:\n" + r.stdout)
    check("takes stage 3 of 3" in r.stderr, r.stderr)
    # The saved plan shows the replay again when applied.
    r = ok(e.run("apply", "--auto-approve", "plan.json"))
    check(LINE in r.stdout, r.stdout)
    got = e.records(zid).get(("_dmarc.example.com.", "TXT"))
    check(got and got[1] == [ENFORCED], "live after: %r" % (got,))
    # Nothing changes any more: no replay, though reports are given.
    r = ok(e.run("plan", "--at", "2027-02-02", "--reports", folder))
    check("policy replay" not in r.stdout, r.stdout)


def test_replay_json_and_markdown(e):
    _, folder = setup(e)
    r = ok(e.run("plan", "--at", "2027-02-02", "--reports", folder, "--format", "json"))
    doc = json.loads(r.stdout)
    check(doc["format_version"] == 5, doc["format_version"])
    got = [(c["domain"], c["kind"], c["replay"]) for c in doc["changes"] if c["replay"] is not None]
    check(got == [("example.com", "DMARC", {
        "since": "2027-01-20", "until": "2027-02-02", "messages": 750, "failing": 150,
        "quarantine": 150, "reject": 0, "sources": 2,
        "top_sources": [{"source_ip": "203.0.113.7", "quarantine": 120, "reject": 0},
                        {"source_ip": "203.0.113.8", "quarantine": 30, "reject": 0}]})], got)
    check(all("replay" in c for c in doc["changes"]), "every change has the field")
    r = ok(e.run("plan", "--at", "2027-02-02", "--reports", folder, "--format", "markdown"))
    want = ("**Policy replay** of `_dmarc.example.com`, reports from 2027-01-20 to 2027-02-02\\: "
            "of 750 messages (150 failing DMARC), 150 (20.00%) would newly be quarantined or "
            "rejected (150 quarantined, 0 rejected), from 2 sources:\n\n"
            "| Source | Newly quarantined | Newly rejected |\n|---|---|---|\n"
            "| `203.0.113.7` | 120 | 0 |\n| `203.0.113.8` | 30 | 0 |\n")
    check(want in r.stdout, r.stdout)


def test_no_replay_without_reports(e):
    _, folder = setup(e)
    r = ok(e.run("plan", "--at", "2027-02-02", "--ignore-gate", "--format", "json"))
    doc = json.loads(r.stdout)
    check([c for c in doc["changes"] if c["replay"] is not None] == [], doc["changes"])
    check(any(c["kind"] == "DMARC" and c["action"] == "update" for c in doc["changes"]),
          "the stage still advances")
    # --ignore-gate with --reports: the gate unchecked, the replay made.
    r = ok(e.run("plan", "--at", "2027-02-02", "--ignore-gate", "--reports", folder))
    check(LINE in r.stdout, r.stdout)


def test_unreadable_reports_for_replay_alone_warn(e):
    e.zone("example.org")
    e.config("version: 1\ndomains:\n  example.org:\n    dmarc:\n      policy: reject\n"
             "      rua: [mailto:dmarc@example.org]\n")
    bad = os.path.join(e.dir, "junk.txt")
    with open(bad, "w") as f:
        f.write("not a report\n")
    r = ok(e.run("plan", "--at", "2027-02-02", "--reports", bad))
    check("warning: no DMARC report could be read from --reports; no policy replay" in r.stderr,
          r.stderr)
    check("policy replay" not in r.stdout, r.stdout)
    # An empty folder is a quiet window: the replay says so.
    empty = os.path.join(e.dir, "empty")
    os.mkdir(empty)
    r = ok(e.run("plan", "--at", "2027-02-02", "--reports", empty))
    check("      policy replay of the reports from 2027-01-20 to 2027-02-02: no message under "
          "this record in the reports\n" in r.stdout, r.stdout)


def test_replay_of_parking_a_subdomain(e):
    """A parked domain's DMARC record (p=reject) is a DMARC change like any
    other, and its rows are its own: no longer counted under the parent."""
    zid, folder = setup(e)
    e.config(CFG + "  news.example.com:\n    parked: true\n")
    r = ok(e.run("plan", "--at", "2027-02-02", "--reports", folder, "--format", "json"))
    doc = json.loads(r.stdout)
    got = sorted((c["domain"], c["replay"]) for c in doc["changes"]
                 if c["kind"] == "DMARC" and c["replay"] is not None)
    check(got == [
        ("example.com", {
            "since": "2027-01-20", "until": "2027-02-02", "messages": 720, "failing": 120,
            "quarantine": 120, "reject": 0, "sources": 1,
            "top_sources": [{"source_ip": "203.0.113.7", "quarantine": 120, "reject": 0}]}),
        ("news.example.com", {
            "since": "2027-01-20", "until": "2027-02-02", "messages": 30, "failing": 30,
            "quarantine": 0, "reject": 30, "sources": 1,
            "top_sources": [{"source_ip": "203.0.113.8", "quarantine": 0, "reject": 30}]})], got)
