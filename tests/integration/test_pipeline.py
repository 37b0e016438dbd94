"""Integration tests of plan and apply as pipelines use them: saved plans,
drift, the weakening guard, batches, zones applied independently, lost
answers, waiting, output formats."""
import json
import os
import pty
import subprocess

from harness import BIN, DMARC_CFG, WANT_NONE, WANT_QUARANTINE, check, dmarc, ok, registry

REJECT = '"v=DMARC1; p=reject; rua=mailto:dmarc@example.com"'


def posts(p):
    return [q for q in p.requests if q["method"] == "POST"]


def test_saved_plan_applies_exactly_without_replanning(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    registry(e, zid, "v=mailauth1; dmarc=_dmarc")
    e.config(DMARC_CFG.format(policy="quarantine"))
    ok(e.run("plan", "--out", "plan.json"))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "plan changed the zone")
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", "plan.json", endpoint=p.url))
    check(dmarc(e, zid) == (3600, [WANT_QUARANTINE]), "live: %r" % (dmarc(e, zid),))
    # No zone discovery: the plan is applied as saved, after re-reading
    # the one record set it touches.
    paths = [q["path"] for q in p.requests]
    check(not any("hostedzonesbyname" in x for x in paths), "re-planned: %r" % paths)
    check(len(posts(p)) == 1, "batches: %r" % paths)
    check("Apply complete: 0 added, 1 changed, 0 destroyed." in r.stdout, r.stdout)


def test_saved_plan_without_a_terminal_names_the_file(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    e.config(DMARC_CFG.format(policy="quarantine"))
    r = ok(e.run("plan", "--out", "reviewed-plan.json"))
    check("plan saved to 'reviewed-plan.json'" in r.stderr, r.stderr)
    p = e.proxy()
    # A pipeline step without --auto-approve: standard input is no terminal.
    r = ok(e.run("apply", "reviewed-plan.json", endpoint=p.url), 1)
    check("apply asks for confirmation, but standard input is not a terminal; "
          "review the plan saved in 'reviewed-plan.json' and run "
          "'mailauth apply --auto-approve reviewed-plan.json'\n" in r.stderr, r.stderr)
    check(p.requests == [], "requests were sent")
    r = ok(e.run("apply", endpoint=p.url), 1)
    check("review 'mailauth plan' and run 'mailauth apply --auto-approve'\n" in r.stderr, r.stderr)
    check(p.requests == [], "requests were sent")
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "zone changed")
    # The command it names applies the plan.
    ok(e.run("apply", "--auto-approve", "reviewed-plan.json"))
    check(dmarc(e, zid) == (3600, [WANT_QUARANTINE]), "live: %r" % (dmarc(e, zid),))


def test_saved_plan_refused_when_record_changed_since(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    e.config(DMARC_CFG.format(policy="quarantine"))
    ok(e.run("plan", "--out", "plan.json"))
    # Someone edits the record in the console after the review.
    theirs = '"v=DMARC1; p=none; rua=mailto:someone@example.com"'
    e.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [{
        "Action": "UPSERT", "ResourceRecordSet": {"Name": "_dmarc.example.com.", "Type": "TXT", "TTL": 600,
                                                  "ResourceRecords": [{"Value": theirs}]}}]})
    check(dmarc(e, zid) == (600, [theirs]), "seeding failed: %r" % (dmarc(e, zid),))
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", "plan.json", endpoint=p.url), 1)
    check("_dmarc.example.com TXT changed since the plan: at plan time TXT ttl 3600 %s; now TXT ttl 600 %s"
          % (WANT_NONE, theirs) in r.stderr, r.stderr)
    check("Route 53 refused the batch and none of it was applied: run 'mailauth plan' again" in r.stderr,
          r.stderr)
    # Nothing was read before sending: the batch's exact DELETE was refused
    # by Route 53 (the strict peer, as Route 53), then its zone read once.
    check(len(posts(p)) == 1, "batches: %r" % posts(p))
    reads = [q for q in p.requests if q["method"] == "GET" and "/rrset" in q["path"]]
    check(len(reads) == 1, "ListResourceRecordSets: the refused zone's only, not %d" % len(reads))
    check(dmarc(e, zid) == (600, [theirs]), "their change was overwritten: %r" % (dmarc(e, zid),))
    # apply without a file checks the same way: here the plan is fresh.
    ok(e.run("apply", "--auto-approve"))
    check(dmarc(e, zid) == (3600, [WANT_QUARANTINE]), "live: %r" % (dmarc(e, zid),))


def test_saved_plan_refused_when_config_changed(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    ok(e.run("plan", "--out", "plan.json"))
    e.config(DMARC_CFG.format(policy="quarantine"))
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", "plan.json", endpoint=p.url), 1)
    check("'mailauth.yaml' has changed since the plan in 'plan.json' was made" in r.stderr, r.stderr)
    check(p.requests == [], "requests were sent")
    check(dmarc(e, zid) is None, "zone changed")
    # A plan file that is not one is refused, naming what is wrong.
    with open(os.path.join(e.dir, "bad.json"), "w") as f:
        f.write('{"format_version": 99}')
    r = ok(e.run("apply", "--auto-approve", "bad.json", endpoint=p.url), 1)
    check("'bad.json' is not a saved plan mailauth can apply: " in r.stderr, r.stderr)
    check(p.requests == [], "requests were sent")


def test_plan_across_two_zones(e):
    a = e.zone("example.com")
    b = e.zone("example.org")
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc: { policy: none }\n"
             "  example.org:\n    dmarc: { policy: reject }\n")
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url))
    check(dmarc(e, a) == (3600, ['"v=DMARC1; p=none"']), "example.com: %r" % (dmarc(e, a),))
    check(dmarc(e, b, "_dmarc.example.org.") == (3600, ['"v=DMARC1; p=reject"']), "example.org")
    check(len(posts(p)) == 2, "one batch per zone")
    # Each domain's DMARC record and registry.
    check("Apply complete: 4 added" in r.stdout, r.stdout)


def test_zone_failing_at_apply_fails_only_its_domains(e):
    a = e.zone("example.com")
    b = e.zone("example.org")
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc: { policy: none }\n"
             "  example.org:\n    dmarc: { policy: none }\n")
    p = e.proxy()
    # The zone vanishes between the plan and the send.
    p.fail = lambda method, path: (404, b"""<?xml version="1.0"?>
<ErrorResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Error><Type>Sender</Type>
<Code>NoSuchHostedZone</Code><Message>No hosted zone found with ID: %s</Message></Error>
<RequestId>x</RequestId></ErrorResponse>""" % a.encode()) if method == "POST" and a in path else None
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url), 1)
    check(dmarc(e, b, "_dmarc.example.org.") == (3600, ['"v=DMARC1; p=none"']), "the other zone was not applied")
    check(dmarc(e, a) is None, "example.com changed")
    check("Apply incomplete:" in r.stdout and "example.com (%s): FAILED" % a in r.stdout
          and "example.org (%s): applied" % b in r.stdout, r.stdout)
    check("NoSuchHostedZone" in r.stderr, r.stderr)


def test_batches_split_for_1200_selectors(e):
    zid = e.zone("example.com")
    sels = "".join("      s%04d: { cname: s%04d.dkim.example.net }\n" % (i, i) for i in range(1200))
    e.config("version: 1\ndomains:\n  example.com:\n    dkim:\n" + sels)
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url, timeout=600))
    # 1,000 values a request (Route 53's limit; no cap on changes): 1,000 then 200.
    check(len(posts(p)) == 2, "%d batches" % len(posts(p)))
    # The plan reads the zone in pages, not name by name.
    reads = [q for q in p.requests if q["method"] == "GET" and "/rrset" in q["path"]]
    check(len(reads) < 30, "%d ListResourceRecordSets for 1,200 names" % len(reads))
    check("batch 2 of 2 (200 record sets)" in r.stdout, r.stdout[-2000:])
    recs = e.records(zid)
    cnames = [k for k in recs if k[1] == "CNAME"]
    check(len(cnames) == 1200, "%d CNAMEs" % len(cnames))
    check(recs[("s0777._domainkey.example.com.", "CNAME")][1] in (["s0777.dkim.example.net."],
                                                                  ["s0777.dkim.example.net"]), "s0777")
    r = ok(e.run("plan", "--detailed-exitcode"), 0)


def test_weakening_needs_allow_weaken(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [REJECT], ttl=3600)
    e.config(DMARC_CFG.format(policy="none"))
    r = ok(e.run("plan"))
    check("Weakens protection" in r.stdout, r.stdout)
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url), 1)
    check("--allow-weaken" in r.stderr, r.stderr)
    check(posts(p) == [], "a change was sent")
    check(dmarc(e, zid) == (3600, [REJECT]), "zone changed")
    ok(e.run("apply", "--auto-approve", "--allow-weaken"))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))
    # Strengthening is not gated.
    e.config(DMARC_CFG.format(policy="quarantine"))
    ok(e.run("apply", "--auto-approve"))


def test_lost_answer_of_a_landed_batch_is_not_applied_twice(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    p = e.proxy()
    p.drop = lambda method, path: "after" if method == "POST" else None
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url))
    check(len(posts(p)) == 1, "%d POSTs" % len(posts(p)))
    check("landed, although Route 53's answer was lost" in r.stdout, r.stdout)
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))


def test_lost_request_is_sent_once_more(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    p = e.proxy()
    seen = []

    def drop(method, path):
        if method != "POST":
            return None
        seen.append(path)
        return "before" if len(seen) == 1 else None
    p.drop = drop
    ok(e.run("apply", "--auto-approve", endpoint=p.url))
    check(len(posts(p)) == 2, "%d POSTs" % len(posts(p)))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))


def test_wait_timeout_and_no_wait(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    p = e.proxy()
    p.fail = lambda method, path: (200, b"""<?xml version="1.0"?>
<GetChangeResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><ChangeInfo><Id>/change/C1</Id>
<Status>PENDING</Status><SubmittedAt>2026-11-29T00:00:00Z</SubmittedAt></ChangeInfo></GetChangeResponse>""") \
        if method == "GET" and "/change/" in path else None
    r = ok(e.run("apply", "--auto-approve", "--wait-timeout", "2", endpoint=p.url), 1)
    check("is still PENDING after 2 s" in r.stdout + r.stderr, r.stdout + r.stderr)
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "not applied")
    e.config(DMARC_CFG.format(policy="quarantine"))
    p.requests.clear()
    ok(e.run("apply", "--auto-approve", "--no-wait", endpoint=p.url))
    check(not any("/change/" in q["path"] for q in p.requests), "waited")
    check(dmarc(e, zid) == (3600, [WANT_QUARANTINE]), "not applied")


def test_markdown_is_a_table_per_domain(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    e.config(DMARC_CFG.format(policy="quarantine"))
    r = ok(e.run("plan", "--format", "markdown"))
    lines = r.stdout.splitlines()
    check("### example.com" in lines, r.stdout)
    head = [i for i, x in enumerate(lines) if x.startswith("|")]
    check(len(head) >= 3 and set(lines[head[1]]) <= set("|-: "), r.stdout)
    cols = lines[head[0]].count("|")
    check(all(lines[i].count("|") - lines[i].count("\\|") == cols for i in head), r.stdout)
    check("\033[" not in r.stdout, "colour in markdown")


def test_colour_only_on_a_terminal(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))

    def colour_env(**extra):
        env = e.env()
        del env["NO_COLOR"]    # the harness sets it for every other test
        env.update(extra)
        return env

    def on_tty(*args, **extra):
        master, slave = pty.openpty()
        proc = subprocess.Popen([BIN, "plan"] + list(args), cwd=e.dir, env=colour_env(**extra),
                                stdin=subprocess.DEVNULL, stdout=slave, stderr=subprocess.PIPE)
        os.close(slave)
        out = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        proc.wait(timeout=60)
        os.close(master)
        return out.decode()
    check("\033[" in on_tty(), "no colour on a terminal")
    check("\033[" not in on_tty(NO_COLOR="1"), "colour with NO_COLOR")
    check("\033[" not in ok(e.run("plan", env=colour_env())).stdout, "colour in a pipe")
    check("\033[" not in on_tty(TERM="dumb"), "colour on a dumb terminal")

    check("\033[" not in on_tty("--no-color"), "colour with --no-color")
    check(dmarc(e, zid) is None, "plan changed the zone")


def test_format_json_is_the_saved_plan(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", ['"keep=1"', WANT_NONE], ttl=3600)
    registry(e, zid, "v=mailauth1; dmarc=_dmarc")
    e.config(DMARC_CFG.format(policy="quarantine"))
    r = ok(e.run("plan", "--format", "json", "--out", "plan.json"))
    doc = json.loads(r.stdout)
    with open(os.path.join(e.dir, "plan.json")) as f:
        saved = json.load(f)
    check(doc["changes"] == saved["changes"] and doc["config"] == saved["config"], "stdout and --out differ")
    import hashlib
    with open(os.path.join(e.dir, "mailauth.yaml"), "rb") as f:
        check(doc["config"]["sha256"] == hashlib.sha256(f.read()).hexdigest(), "config sha256")
    ch = [c for c in doc["changes"] if c["action"] != "none"]
    check(len(ch) == 1, repr(ch))
    c = ch[0]
    check(c["zone"]["id"] == zid and c["action"] == "update" and c["type"] == "TXT", repr(c))
    check(c["before"]["values"] == ['"keep=1"', WANT_NONE] and c["before"]["ttl"] == 3600, repr(c))
    check(c["after"]["values"] == ['"keep=1"', WANT_QUARANTINE], repr(c))
    # Every field name printed is documented in docs/plan-json.md.
    top = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    with open(os.path.join(top, "docs", "plan-json.md")) as f:
        docs = f.read()

    def names(v, out):
        if isinstance(v, dict):
            for k, x in v.items():
                out.add(k)
                names(x, out)
        elif isinstance(v, list):
            for x in v:
                names(x, out)
        return out
    missing = sorted(k for k in names(doc, set()) if "`%s`" % k not in docs)
    check(not missing, "undocumented fields: %r" % missing)
