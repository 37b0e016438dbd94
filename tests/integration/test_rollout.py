"""Integration tests of staged DMARC rollouts (dmarc.rollout): plan and apply
at several dates move one domain along its stages and touch nothing else in
the zone, a date before the start leaves DMARC alone, rollout status, a
rollback stage needs --allow-weaken, templates and --policies."""
import datetime
import json
import os

from harness import check, dmarc, ok, registry, seed_unrelated

RAMP = """\
version: 1
domains:
  example.com:
    dmarc:
      rua: [mailto:dmarc@example.com]
      rollout:
        - { policy: none,                      from: 2026-12-01 }
        - { policy: quarantine, testing: true, from: 2027-01-05 }
        - { policy: quarantine,                from: 2027-02-01 }
        - { policy: reject, testing: true,     from: 2027-03-01 }
        - { policy: reject,                    from: 2027-04-01 }
"""

NONE = '"v=DMARC1; p=none; rua=mailto:dmarc@example.com"'
QUARANTINE_TESTING = '"v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@example.com"'
REJECT = '"v=DMARC1; p=reject; rua=mailto:dmarc@example.com"'
DMARC_KEY = ("_dmarc.example.com.", "TXT")


def posts(p):
    return [q for q in p.requests if q["method"] == "POST"]


def without_dmarc(recs):
    return {k: v for k, v in recs.items() if k != DMARC_KEY}


def test_rollout_moves_one_domain_through_its_stages(e):
    zid = e.zone("example.com")
    seed_unrelated(e, zid)
    registry(e, zid, "v=mailauth1; dmarc=_dmarc; spf=@")
    # The apex TXT set holds "v=spf1 -all", as the config wants: SPF is
    # managed and stays as it is.
    e.config(RAMP.replace("    dmarc:\n", "    spf: { all: fail }\n    dmarc:\n", 1))
    steps = [("2026-12-10", NONE, "stage 1 of 5: none since 2026-12-01; next stage on 2027-01-05"),
             ("2027-01-10", QUARANTINE_TESTING,
              "stage 2 of 5: quarantine (testing) since 2027-01-05; next stage on 2027-02-01"),
             ("2027-04-10", REJECT, "stage 5 of 5: reject since 2027-04-01; the last stage")]
    for day, want, stage in steps:
        before = e.records(zid)
        r = ok(e.run("plan", "--at", day, "--detailed-exitcode"), 2)
        check(stage in r.stdout, r.stdout)
        check("+ " + want in r.stdout, r.stdout)
        check(e.records(zid) == before, "plan changed the zone")
        p = e.proxy()
        r = ok(e.run("apply", "--auto-approve", "--at", day, endpoint=p.url))
        check(stage in r.stdout, r.stdout)
        check(len(posts(p)) == 1, "%d batches" % len(posts(p)))
        after = e.records(zid)
        check(after[DMARC_KEY] == (3600, [want]), "%s: live %r" % (day, after.get(DMARC_KEY)))
        # Only the DMARC record changed: every other record set, the apex
        # TXT set with its SPF record included, is as it was.
        check(without_dmarc(after) == without_dmarc(before), "%s: other records changed:\n%r\n%r"
              % (day, without_dmarc(before), without_dmarc(after)))
        # The same day again: nothing to do, and the plan still names the stage.
        r = ok(e.run("plan", "--at", day, "--detailed-exitcode"), 0)
        check("No changes." in r.stdout and stage in r.stdout, r.stdout)


def test_before_the_start_dmarc_is_left_alone(e):
    zid = e.zone("example.com")
    e.zone("example.org")
    theirs = '"v=DMARC1; p=none; rua=mailto:someone@example.com"'
    e.put(zid, "_dmarc.example.com.", "TXT", [theirs], ttl=600)
    e.config(RAMP + "  example.org:\n    dmarc:\n      rollout:\n"
             "        - { policy: none, from: 2027-01-01 }\n")
    before = e.records(zid)
    r = ok(e.run("plan", "--at", "2026-11-30", "--detailed-exitcode"), 0)
    check("rollout not started: stage 1 of 5 begins on 2026-12-01; DMARC is left alone until then"
          in r.stdout, r.stdout)
    check("rollout not started: stage 1 of 1 begins on 2027-01-01" in r.stdout, r.stdout)
    check("No changes." in r.stdout, r.stdout)
    r = ok(e.run("plan", "--at", "2026-11-30", "--format", "markdown"))
    check("rollout not started" in r.stdout and "No changes." in r.stdout, r.stdout)
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", "--at", "2026-11-30", endpoint=p.url))
    check(posts(p) == [], "a change was sent")
    check(e.records(zid) == before, "the zone changed")
    check(dmarc(e, zid) == (600, [theirs]), "their record was touched")
    # On the first day the rollout takes over the record.
    ok(e.run("apply", "--auto-approve", "--at", "2026-12-01"))
    check(dmarc(e, zid) == (3600, [NONE]), "live: %r" % (dmarc(e, zid),))


def test_rollback_stage_needs_allow_weaken(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [REJECT], ttl=3600)
    registry(e, zid, "v=mailauth1; dmarc=_dmarc")
    e.config(RAMP + "        - { policy: quarantine, from: 2027-04-09, rollback: true }\n")
    r = ok(e.run("plan", "--at", "2027-04-09"))
    check("stage 6 of 6: ROLLBACK to quarantine since 2027-04-09; the last stage" in r.stdout, r.stdout)
    check("DMARC policy p=reject -> p=quarantine (stage 6 of 6 is a rollback)" in r.stdout, r.stdout)
    p = e.proxy()
    r = ok(e.run("apply", "--auto-approve", "--at", "2027-04-09", endpoint=p.url), 1)
    check("--allow-weaken" in r.stderr, r.stderr)
    check(posts(p) == [], "a change was sent")
    check(dmarc(e, zid) == (3600, [REJECT]), "zone changed")
    # The day before, the rollback is not active: nothing to weaken.
    ok(e.run("plan", "--at", "2027-04-08", "--detailed-exitcode"), 0)
    ok(e.run("apply", "--auto-approve", "--allow-weaken", "--at", "2027-04-09"))
    check(dmarc(e, zid) == (3600, ['"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"']),
          "live: %r" % (dmarc(e, zid),))
    # A rollback that is not weaker is a validation error.
    e.config(RAMP + "        - { policy: reject, from: 2027-04-09, rollback: true }\n")
    r = ok(e.run("validate"), 1)
    check("mailauth.yaml:12:47: domains.example.com.dmarc.rollout[5].rollback: this stage is not weaker "
          "than the one before (line 11); remove rollback: true" in r.stderr, r.stderr)


def test_saved_plan_keeps_its_stage(e):
    zid = e.zone("example.com")
    e.config(RAMP)
    ok(e.run("plan", "--at", "2027-01-10", "--out", "plan.json"))
    with open(os.path.join(e.dir, "plan.json")) as f:
        doc = json.load(f)
    check(doc["format_version"] == 5, repr(doc["format_version"]))
    st = [c["stage"] for c in doc["changes"] if c["kind"] == "DMARC"]
    check(st == [{"number": 2, "count": 5, "from": "2027-01-05", "policy": "quarantine", "testing": True,
                  "pct": None, "rollback": False, "next": "2027-02-01"}], repr(st))
    check(all(c["stage"] is None for c in doc["changes"] if c["kind"] != "DMARC"), repr(doc["changes"]))
    # A saved plan is applied as made: --at has no say any more.
    r = ok(e.run("apply", "--auto-approve", "--at", "2027-04-10", "plan.json"), 1)
    check("option '--at' cannot be used with a saved plan" in r.stderr, r.stderr)
    check(dmarc(e, zid) is None, "zone changed")
    r = ok(e.run("apply", "--auto-approve", "plan.json"))
    check("stage 2 of 5: quarantine (testing)" in r.stdout, r.stdout)
    check(dmarc(e, zid) == (3600, [QUARANTINE_TESTING]), "live: %r" % (dmarc(e, zid),))


STATUS_CFG = """\
version: 1
domains:
  example.com:
    dmarc:
      rua: [mailto:dmarc@example.com]
      rollout:
        - { policy: none,                      from: 2026-12-01 }
        - { policy: quarantine, testing: true, from: 2027-01-05 }
        - { policy: reject,                    from: 2027-02-01 }
  example.org:
    dmarc:
      rollout: { template: standard, start: 2027-01-12 }
  example.net:
    dmarc: { policy: reject }
  example.info:
    spf: { all: fail }
"""


def test_rollout_status_text(e):
    e.config(STATUS_CFG)
    # Offline: no credentials, no endpoint.
    env = {k: v for k, v in e.env().items() if not k.startswith("AWS_")}
    r = ok(e.run("rollout", "status", "--at", "2027-01-20", env=env))
    check(r.stdout == """\
DMARC rollouts on 2027-01-20 (mailauth.yaml)

example.com: stage 2 of 3 since 2027-01-05: quarantine (testing)
  publishes  v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@example.com
  next       stage 3 of 3 on 2027-02-01 (in 12 days): reject
             v=DMARC1; p=reject; rua=mailto:dmarc@example.com

example.org (template standard from 2027-01-12): stage 1 of 5 since 2027-01-12: none
  publishes  v=DMARC1; p=none
  next       stage 2 of 5 on 2027-02-16 (in 27 days): quarantine (testing)
             v=DMARC1; p=quarantine; t=y; pct=0

example.net: no rollout
  publishes  v=DMARC1; p=reject

example.info: no DMARC record managed
""", r.stdout)
    r = ok(e.run("rollout", "status", "--at", "2027-01-04"))
    check("example.com: stage 1 of 3 since 2026-12-01: none\n" in r.stdout, r.stdout)
    check("  next       stage 2 of 3 on 2027-01-05 (in 1 day): quarantine (testing)\n" in r.stdout, r.stdout)
    check("example.org (template standard from 2027-01-12): not started\n"
          "  publishes  nothing yet: DMARC is left alone until the first stage\n"
          "  next       stage 1 of 5 on 2027-01-12 (in 8 days): none\n" in r.stdout, r.stdout)
    r = ok(e.run("rollout", "status", "--at", "2027-02-01"))
    check("example.com: stage 3 of 3 since 2027-02-01: reject\n"
          "  publishes  v=DMARC1; p=reject; rua=mailto:dmarc@example.com\n"
          "  next       none: stage 3 is the last\n" in r.stdout, r.stdout)


def test_rollout_status_json(e):
    e.config(STATUS_CFG)
    r = ok(e.run("rollout", "status", "--at", "2027-01-20", "--format", "json"))
    doc = json.loads(r.stdout)
    check(doc["format_version"] == 2, repr(doc))
    check(doc["date"] == "2027-01-20" and doc["config"] == "mailauth.yaml", repr(doc))
    d = {x["domain"]: x for x in doc["domains"]}
    check(list(d) == ["example.com", "example.org", "example.net", "example.info"], repr(list(d)))
    com = d["example.com"]
    check(com["record"] == "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@example.com", repr(com))
    ro = com["rollout"]
    check(ro["template"] is None and ro["start"] is None and ro["stages"] == 3, repr(ro))
    check(ro["current"] == {"number": 2, "from": "2027-01-05", "policy": "quarantine", "testing": True,
                            "pct": None, "subdomain_policy": None, "nonexistent_subdomain_policy": None,
                            "rollback": False,
                            "record": "v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:dmarc@example.com"},
          repr(ro["current"]))
    check(ro["next"]["number"] == 3 and ro["next"]["from"] == "2027-02-01" and ro["next"]["days_until"] == 12
          and ro["next"]["record"] == "v=DMARC1; p=reject; rua=mailto:dmarc@example.com", repr(ro["next"]))
    org = d["example.org"]["rollout"]
    check(org["template"] == "standard" and org["start"] == "2027-01-12" and org["stages"] == 5, repr(org))
    check(org["next"]["days_until"] == 27, repr(org))
    check(d["example.net"] == {"domain": "example.net", "record": "v=DMARC1; p=reject", "gate": None,
                               "rollout": None}, repr(d["example.net"]))
    check(d["example.info"] == {"domain": "example.info", "record": None, "gate": None, "rollout": None},
          repr(d["example.info"]))
    # Before the start: nothing published, the next stage is the first.
    doc = json.loads(ok(e.run("rollout", "status", "--at", "2026-11-01", "--format", "json")).stdout)
    com = doc["domains"][0]
    check(com["record"] is None and com["rollout"]["current"] is None
          and com["rollout"]["next"]["number"] == 1 and com["rollout"]["next"]["days_until"] == 30, repr(com))


def test_rollout_status_default_day_is_today_utc(e):
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc:\n      rollout:\n"
             "        - { policy: none, from: 2001-01-01 }\n"
             "        - { policy: reject, from: 9000-01-01 }\n")
    days = set()
    for _ in range(2):      # either side of a midnight during the run
        days.add((datetime.date(9000, 1, 1) - datetime.datetime.now(datetime.timezone.utc).date()).days)
    r = ok(e.run("rollout", "status"))
    check("example.com: stage 1 of 2 since 2001-01-01: none" in r.stdout, r.stdout)
    check(any("(in %d days): reject" % n in r.stdout for n in days), "%r\n%s" % (days, r.stdout))


def test_rollout_command_line_errors(e):
    e.config(STATUS_CFG)
    r = ok(e.run("rollout"), 1)
    check("mailauth: 'rollout' needs a subcommand: status" in r.stderr and "usage: mailauth rollout status"
          in r.stderr, r.stderr)
    r = ok(e.run("rollout", "stats"), 1)
    check("unknown subcommand 'rollout stats'; expected 'rollout status'" in r.stderr, r.stderr)
    r = ok(e.run("rollout", "status", "--format", "markdown"), 1)
    check("'rollout status' prints text or json, not 'markdown'" in r.stderr, r.stderr)
    r = ok(e.run("rollout", "status", "--at", "2027-02-30"), 1)
    check("option '--at' needs a date as YYYY-MM-DD: '2027-02-30' is not a date: February 2027 has 28 days"
          in r.stderr, r.stderr)
    r = ok(e.run("plan", "--at", "tomorrow"), 1)
    check("'tomorrow' is not a date written YYYY-MM-DD" in r.stderr, r.stderr)
    r = ok(e.run("lint", "dmarc", "v=DMARC1; p=none", "--at", "2027-01-01"), 1)
    check("option '--at' is not taken by 'lint'" in r.stderr, r.stderr)
    r = ok(e.run("help", "rollout"))
    check("--at YYYY-MM-DD" in r.stdout and "--format text|json" in r.stdout, r.stdout)
    # --policies is a global option: "help" lists it, "help rollout" points there.
    check("--policies DIR" in ok(e.run("help")).stdout and '"mailauth help" lists them' in r.stdout, r.stdout)
    r = ok(e.run("validate", "--at", "2027-01-20"))
    check("is valid: 4 domains, 4 records to manage." in r.stdout, r.stdout)


def test_templates_and_policies_folder(e):
    mine = os.path.join(e.dir, "mine")
    os.mkdir(mine)
    with open(os.path.join(mine, "quick.yaml"), "w") as f:
        f.write("# two weeks of monitoring, then reject\nstages:\n"
                "  - { day: 0, policy: none }\n  - { day: 14, policy: reject }\n")
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc:\n"
             "      rollout: { template: quick, start: 2027-01-05 }\n")
    # Without --policies the template is unknown; the message lists the
    # built-in ones and where to look.
    r = ok(e.run("validate"), 1)
    check("mailauth.yaml:5:28: domains.example.com.dmarc.rollout.template: unknown template 'quick'; "
          "known templates: cautious, fast, standard" in r.stderr, r.stderr)
    r = ok(e.run("rollout", "status", "--policies", "mine", "--at", "2027-01-19"))
    check("example.com (template quick from 2027-01-05): stage 2 of 2 since 2027-01-19: reject" in r.stdout,
          r.stdout)
    r = ok(e.run("--policies", "mine", "validate"))
    # A template of the user's may not shadow a built-in one.
    with open(os.path.join(mine, "standard.yaml"), "w") as f:
        f.write("stages:\n  - { day: 0, policy: reject }\n")
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc:\n"
             "      rollout: { template: standard, start: 2027-01-05 }\n")
    r = ok(e.run("validate", "--policies", "mine"), 1)
    check("template 'standard' is both in 'mine/standard.yaml' (--policies) and built in (" in r.stderr,
          r.stderr)
    ok(e.run("validate"))
    # A broken template is reported in its own file, with its own lines.
    with open(os.path.join(mine, "quick.yaml"), "w") as f:
        f.write("stages:\n  - { day: 0, policy: reject }\n  - { day: 7, policy: none }\n")
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc:\n"
             "      rollout: { template: quick, start: 2027-01-05 }\n")
    r = ok(e.run("validate", "--policies", "mine"), 1)
    check("mine/quick.yaml:3:5: stages[1]: weaker than the stage before (line 2): policy reject -> none; "
          "a stage may only tighten DMARC" in r.stderr, r.stderr)
    check("template 'quick' ('mine/quick.yaml') is not valid" in r.stderr, r.stderr)
    r = ok(e.run("validate", "--policies", "nowhere"), 1)
    check("option '--policies': cannot open 'nowhere': No such file or directory" in r.stderr, r.stderr)
    r = ok(e.run("validate", "--policies", "mailauth.yaml"), 1)
    check("option '--policies': 'mailauth.yaml' is not a folder" in r.stderr, r.stderr)


def test_builtin_templates_found_from_anywhere(e):
    # The binary finds policies/dmarc beside it, whatever the working
    # folder (the tests run in a temporary one).
    zid = e.zone("example.com")
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc:\n"
             "      rua: [mailto:dmarc@example.com]\n"
             "      rollout: { template: fast, start: 2027-01-05 }\n")
    ok(e.run("apply", "--auto-approve", "--at", "2027-01-19"))
    check(dmarc(e, zid) == (3600, [QUARANTINE_TESTING]), "live: %r" % (dmarc(e, zid),))
    r = ok(e.run("plan", "--at", "2027-01-26", "--detailed-exitcode"), 2)
    check("stage 3 of 5: quarantine since 2027-01-26; next stage on 2027-02-09" in r.stdout, r.stdout)


GATED_CFG = """\
version: 1
domains:
  example.com:
    dmarc:
      rollout:
        - { policy: none,                      from: 2026-12-01 }
        - { policy: quarantine, testing: true, from: 2027-01-05 }
      gate: { min_pass_rate: 98.0, window_days: 14, min_messages: 500 }
"""


def test_rollout_status_shows_the_gate_holding(e):
    """status reads no report: a gated stage due is shown held, as plan
    and apply hold it without --reports (issue 18)."""
    e.config(GATED_CFG)
    r = ok(e.run("rollout", "status", "--at", "2027-01-20"))
    check("example.com: stage 2 of 2 since 2027-01-05: quarantine (testing)\n"
          "  held       held: no reports given: 'example.com' stays at stage 1 of 2 (stage 2 was due on "
          "2027-01-05); give --reports SOURCE to check the gate, or --ignore-gate to take the stage on its "
          "date alone\n"
          "  publishes  v=DMARC1; p=none\n" in r.stdout, r.stdout)
    doc = json.loads(ok(e.run("rollout", "status", "--at", "2027-01-20", "--format", "json")).stdout)
    com = doc["domains"][0]
    check(com["record"] == "v=DMARC1; p=none" and com["gate"]["verdict"] == "hold"
          and com["gate"]["reason"].startswith("held: no reports given"), repr(com))
    check(com["rollout"]["current"]["number"] == 2, repr(com))
    # Before the gated stage is due: nothing is held.
    doc = json.loads(ok(e.run("rollout", "status", "--at", "2027-01-04", "--format", "json")).stdout)
    check(doc["domains"][0]["gate"] == {"verdict": "none", "reason": None}, repr(doc["domains"][0]))


def test_testing_stage_mailauth_wrote_is_not_warned_about(e):
    """The testing stage's pct=0, once applied, is not linted daily; a
    hand-written pct=0 that the config does not ask for still is."""
    zid = e.zone("example.com")
    e.config(RAMP)
    ok(e.run("apply", "--auto-approve", "--at", "2027-01-10"))
    check(dmarc(e, zid) == (3600, [QUARANTINE_TESTING]), repr(dmarc(e, zid)))
    r = ok(e.run("plan", "--at", "2027-01-11", "--detailed-exitcode"))
    check("pct" not in r.stderr, r.stderr)
    # The day of the next step: the live testing record is still mailauth's.
    r = ok(e.run("plan", "--at", "2027-02-01", "--detailed-exitcode"), 2)
    check("pct" not in r.stderr, r.stderr)
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc: { policy: none }\n")
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("live record: _dmarc.example.com: 'pct=0': RFC 9989 removed pct" in r.stderr,
          r.stderr)
