"""Integration tests of the rollout gate (dmarc.gate): reports in a moto S3
bucket read with s3://, `rollout check`, and a gated apply that holds one
domain and advances another, checked in Route 53 with boto3."""
import json
import os

from harness import check, ok
from test_report import DAY, report
from test_report_s3 import s3

BUCKET = "dmarc-reports"
JAN14 = 1799884800          # 2027-01-14T00:00:00Z

CFG = """\
version: 1
domains:
  good.example:
    dmarc:
      rua: [mailto:dmarc@good.example]
      rollout:
        - { policy: none, from: 2026-12-01 }
        - { policy: quarantine, testing: true, from: 2027-01-15 }
      gate: { min_pass_rate: 98.0, window_days: 14, min_messages: 500 }
  bad.example:
    dmarc:
      rua: [mailto:dmarc@bad.example]
      rollout:
        - { policy: none, from: 2026-12-01 }
        - { policy: quarantine, testing: true, from: 2027-01-15 }
      gate: { min_pass_rate: 98.0, window_days: 14, min_messages: 500 }
"""


def row(ip, n, ok_, domain):
    res = "pass" if ok_ else "fail"
    return (ip, n, "none", res, res, domain, domain if ok_ else None, domain)


def dmarc_of(e, zid, name):
    got = e.records(zid).get(("_dmarc.%s." % name, "TXT"))
    return got[1] if got else None


def setup(e):
    zones = {d: e.zone(d) for d in ("good.example", "bad.example")}
    e.config(CFG)
    ok(e.run("apply", "--auto-approve", "--at", "2027-01-10"))
    c = s3(e)
    c.create_bucket(Bucket=BUCKET)
    # Inside the window (2027-01-02 to 2027-01-15): good passes 600 of 600,
    # bad 500 of 620 (80.6%).  Outside it, a report where good fails.
    put = [("rua/a.xml", report("google.com", "a", JAN14, [row("192.0.2.1", 600, True, "good.example")])),
           ("rua/b.xml", report("google.com", "b", JAN14, [row("192.0.2.1", 500, True, "bad.example"),
                                                          row("203.0.113.7", 120, False, "bad.example")])),
           ("rua/old.xml", report("google.com", "old", JAN14 - 20 * DAY,
                                  [row("203.0.113.9", 5000, False, "good.example")]))]
    for key, data in put:
        c.put_object(Bucket=BUCKET, Key=key, Body=data)
    return zones


def run_s3(e, *args):
    return e.run(*args, env=e.env(AWS_ENDPOINT_URL_S3=e.moto.url))


def test_gate_rollout_check(e):
    setup(e)
    src = "s3://%s/rua/" % BUCKET
    r = ok(run_s3(e, "rollout", "check", "--reports", src, "--at", "2027-01-15"), 3)
    check("good.example: ready" in r.stdout and "bad.example: hold" in r.stdout, r.stdout)
    check("2027-01-02 to 2027-01-15: 620 messages, 80.64% passed DMARC" in r.stdout, r.stdout)
    check("failing  203.0.113.7" in r.stdout, r.stdout)
    # The window's first day: the old report (2026-12-25) is outside.
    check("2027-01-02 to 2027-01-15: 600 messages, 100.00% passed" in r.stdout, r.stdout)
    # A window that has not yet reached the reports: insufficient data.
    r = ok(run_s3(e, "rollout", "check", "--reports", src, "--at", "2027-01-30"), 3)
    check(r.stdout.count("insufficient data") == 2, r.stdout)
    # Nothing due before the second stage's date: exit 0.
    r = ok(run_s3(e, "rollout", "check", "--reports", src, "--at", "2027-01-14"))
    check("not due before 2027-01-15" in r.stdout, r.stdout)
    r = ok(run_s3(e, "rollout", "check", "--reports", "s3://no-such-bucket/x", "--at", "2027-01-15"), 1)
    check("NoSuchBucket" in r.stderr, r.stderr)


def test_gate_apply_holds_one_advances_other(e):
    zones = setup(e)
    before = {d: dmarc_of(e, z, d) for d, z in zones.items()}
    check(before["bad.example"] == ['"v=DMARC1; p=none; rua=mailto:dmarc@bad.example"'], before)
    # Without --reports the gate fails closed: both are held (before issue
    # 18 the dates alone decided, with a warning), and apply writes nothing.
    r = ok(run_s3(e, "plan", "--at", "2027-01-15", "--detailed-exitcode"))
    check("rollout gate: held: no reports given: 'good.example' stays at stage 1 of 2 (stage 2 was due "
          "on 2027-01-15)" in r.stderr, r.stderr)
    check("rollout gate: held: no reports given: 'bad.example'" in r.stderr, r.stderr)
    ok(run_s3(e, "apply", "--auto-approve", "--at", "2027-01-15"))
    check({d: dmarc_of(e, z, d) for d, z in zones.items()} == before, "apply without reports wrote")
    r = ok(run_s3(e, "apply", "--auto-approve", "--at", "2027-01-15", "--reports", "s3://%s/rua/" % BUCKET))
    check("rollout gate: 'bad.example' stays at stage 1 of 2: stage 2 was due on 2027-01-15, but 80.64% "
          "of its 620 messages from 2027-01-02 to 2027-01-15 passed DMARC, below the gate's 98.00%"
          in r.stderr, r.stderr)
    check("rollout gate: 'good.example' takes stage 2 of 2" in r.stderr, r.stderr)
    after = {d: dmarc_of(e, z, d) for d, z in zones.items()}
    check(after["bad.example"] == before["bad.example"], "bad.example changed: %r" % after)
    check(after["good.example"] == ['"v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@good.example"'],
          "good.example: %r" % after)
    # Later reports where good.example fails: it keeps the stage it took,
    # no step back (and no weakening to refuse).
    folder = os.path.join(e.dir, "worse")
    os.makedirs(folder)
    with open(os.path.join(folder, "w.xml"), "wb") as f:
        f.write(report("yahoo", "w", JAN14 + DAY, [row("203.0.113.9", 900, False, "good.example")]))
    r = ok(run_s3(e, "plan", "--detailed-exitcode", "--at", "2027-01-16", "--reports", folder,
                  "--reports", "s3://%s/rua/" % BUCKET))
    check("'good.example' keeps stage 2 of 2, which Route 53 already holds" in r.stderr, r.stderr)
    check("'bad.example' stays at stage 1 of 2" in r.stderr, r.stderr)
    check(dmarc_of(e, zones["good.example"], "good.example") == after["good.example"], "plan wrote")
    # A saved plan already carries the gate's decision.
    r = ok(e.run("apply", "--auto-approve", "--reports", folder, "plan.json"), 1)
    check("option '--reports' cannot be used with a saved plan" in r.stderr, r.stderr)


def test_ignore_gate_takes_the_stage_on_its_date(e):
    zones = setup(e)
    before = {d: dmarc_of(e, z, d) for d, z in zones.items()}
    r = ok(run_s3(e, "plan", "--at", "2027-01-15", "--ignore-gate", "--format", "json"))
    check("warning: 'bad.example': --ignore-gate: stage 2 of 2 is taken on its date alone; the rollout "
          "gate was not checked" in r.stderr, r.stderr)
    doc = json.loads(r.stdout)
    gates = {d["domain"]: d["gate"] for d in doc["domains"]}
    check(gates["bad.example"]["verdict"] == "advance" and "--ignore-gate" in gates["bad.example"]["reason"],
          repr(gates))
    check(any("--ignore-gate" in w["message"] and w["message"].startswith("warning: ")
              for w in doc["warnings"]), repr(doc["warnings"]))
    check({d: dmarc_of(e, z, d) for d, z in zones.items()} == before, "plan wrote")
    # With reports given too, the gate is still not checked: bad.example
    # (80.64%) advances.
    ok(run_s3(e, "apply", "--auto-approve", "--at", "2027-01-15", "--ignore-gate",
              "--reports", "s3://%s/rua/" % BUCKET))
    for d, z in zones.items():
        check(dmarc_of(e, z, d) == ['"v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@%s"' % d],
              "%s: %r" % (d, dmarc_of(e, z, d)))
    ok(e.run("plan", "--out", "p.json", "--at", "2027-01-15", "--ignore-gate"))
    r = ok(e.run("apply", "--auto-approve", "--ignore-gate", "p.json"), 1)
    check("option '--ignore-gate' cannot be used with a saved plan" in r.stderr, r.stderr)
