"""Several AWS accounts (accounts:, docs/configuration.md): moto keeps one
Route 53 per account id, and STS AssumeRole of a role in account
222222222222 gives credentials that reach that account's.  mailauth plans
and applies the domains of each account with that account's credentials;
boto3, signed as each account, checks what each Route 53 holds."""
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time

import boto3

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from faults import Faults, Gate  # noqa: E402
from harness import BIN, FAKE_SECRET, check, ok  # noqa: E402

ROLE = "arn:aws:iam::222222222222:role/mailauth"
WANT = '"v=DMARC1; p=reject"'

CFG = """\
version: 1
accounts:
  prod:
    role_arn: %s
    external_id: it-123
    duration: 900
domains:
%s"""


def assumed(e, arn=ROLE):
    """A Route 53 client of the role's account, as boto3 assumes it."""
    sts = boto3.client("sts", endpoint_url=e.moto.url, region_name="us-east-1",
                       aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key=FAKE_SECRET)
    c = sts.assume_role(RoleArn=arn, RoleSessionName="it")["Credentials"]
    return boto3.client("route53", endpoint_url=e.moto.url, region_name="us-east-1",
                        aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                        aws_session_token=c["SessionToken"])


def zone_in(r53, name):
    z = r53.create_hosted_zone(Name=name, CallerReference="%s-%f" % (name, time.time()))
    return z["HostedZone"]["Id"].split("/")[-1]


def txt(r53, zid, name):
    for rs in r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]:
        if rs["Name"] == name and rs["Type"] == "TXT":
            return [r["Value"] for r in rs["ResourceRecords"]]
    return None


def domains(names_prod, names_default):
    out = ""
    for n in names_prod:
        out += "  %s:\n    account: prod\n    dmarc: { policy: reject }\n" % n
    for n in names_default:
        out += "  %s:\n    dmarc: { policy: reject }\n" % n
    return out


def aenv(e, endpoint=None):
    env = e.env(endpoint)
    env["AWS_ENDPOINT_URL_STS"] = e.moto.url
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def test_two_accounts_plan_and_apply(e):
    prod = assumed(e)
    zp = zone_in(prod, "example.net")
    zd = e.zone("example.com")
    # The default account has no example.net: only the role's reaches it.
    check(not any(z["Name"] == "example.net." for z in e.r53.list_hosted_zones()["HostedZones"]),
          "moto shares zones between accounts")
    e.config(CFG % (ROLE, domains(["example.net"], ["example.com"])))
    r = ok(e.run("plan", "--detailed-exitcode", "--out", "p.json", env=aenv(e)), 2)
    check("(zone %s, account prod)" % zp in r.stdout, r.stdout)
    check("(zone %s)" % zd in r.stdout, r.stdout)
    doc = json.load(open(os.path.join(e.dir, "p.json")))
    zones = {c["zone"]["id"]: c["zone"] for c in doc["changes"]}
    check(zones[zp].get("account") == "prod" and "account" not in zones[zd], zones)
    ok(e.run("apply", "--auto-approve", "p.json", env=aenv(e)))
    check(txt(prod, zp, "_dmarc.example.net.") == [WANT], txt(prod, zp, "_dmarc.example.net."))
    check(txt(e.r53, zd, "_dmarc.example.com.") == [WANT], txt(e.r53, zd, "_dmarc.example.com."))
    r = ok(e.run("plan", "--detailed-exitcode", env=aenv(e)), 0)


def test_account_requests_signed_with_the_role(e):
    """Every Route 53 request for the account's zone is signed with the
    role's keys, every other one with the default chain's."""
    prod = assumed(e)
    zp = zone_in(prod, "example.net")
    zd = e.zone("example.com")
    p = e.proxy()
    e.config(CFG % (ROLE, domains(["example.net"], ["example.com"])))
    ok(e.run("apply", "--auto-approve", env=aenv(e, p.url)))
    keys = {}
    for q in p.requests:
        cred = q["headers"].get("Authorization", "").split("Credential=")[1].split("/")[0]
        keys.setdefault(cred, []).append(q["path"])
    check(len(keys) == 2, keys)
    default = keys.pop("AKIAIOSFODNN7EXAMPLE" if "AKIAIOSFODNN7EXAMPLE" in keys else e.env()["AWS_ACCESS_KEY_ID"])
    role = list(keys.values())[0]
    check(all(zp not in path for path in default), default)
    check(all(zd not in path for path in role), role)
    check(any(zp in path for path in role), role)
    check(txt(prod, zp, "_dmarc.example.net.") == [WANT], "not applied")


def test_unknown_role_fails_before_sending(e):
    e.zone("example.com")
    e.config(CFG % ("arn:aws:iam::222222222222:role/x", domains(["example.net"], ["example.com"])))
    env = aenv(e)
    env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9"   # nothing listens
    r = ok(e.run("plan", env=env), 1)
    check("account 'prod': role 'arn:aws:iam::222222222222:role/x'" in r.stderr, r.stderr)
    check(FAKE_SECRET not in r.stderr + r.stdout, "secret printed")


def fleet(e, n):
    """n domains in two accounts, each in its own zone, applied end to end
    and planned again clean; checked with boto3 in each account."""
    prod = assumed(e)
    zp = {("p%03d.example" % i): zone_in(prod, "p%03d.example" % i) for i in range(n // 2)}
    zd = {("d%03d.example" % i): e.zone("d%03d.example" % i) for i in range(n // 2)}
    e.config(CFG % (ROLE, domains(sorted(zp), sorted(zd))))
    env = aenv(e)
    r = ok(e.run("apply", "--auto-approve", "--no-wait", "--max-rps", "1000", env=env, timeout=3600))
    # Each domain's DMARC record and registry.
    check("Apply complete: %d added" % (2 * n) in r.stdout, r.stdout[-2000:])
    for name, zid in list(zp.items())[:5] + list(zp.items())[-2:]:
        check(txt(prod, zid, "_dmarc.%s." % name) == [WANT], name)
    for name, zid in list(zd.items())[:5] + list(zd.items())[-2:]:
        check(txt(e.r53, zid, "_dmarc.%s." % name) == [WANT], name)
    ok(e.run("plan", "--detailed-exitcode", "--max-rps", "1000", env=env, timeout=3600), 0)


def test_fleet_two_accounts(e):
    """100 domains: the 1,000-domain fleet takes minutes against moto
    (FLEET=1000 python3 tests/integration/test_accounts.py runs it)."""
    fleet(e, int(os.environ.get("FLEET", "100")))


# ---- the accounts at once (one thread each) ----------------------------

WAIT = 20    # seconds: a bound for what takes milliseconds when parallel


class BothFirst:
    """A fault proxy in front of Route 53 whose first request of each
    account (account(method, path): "p", "d" or None for any other) is held
    until the other account's first request has arrived too, at most WAIT
    seconds.  Accounts sent one after the other never get there: the first
    one's request waits in vain, and .alone says whose."""

    def __init__(self, e, account):
        self.arrived = {"p": threading.Event(), "d": threading.Event()}
        self.alone = []
        self.lock = threading.Lock()
        self.first = set()

        def script(method, path, _):
            k = account(method, path)
            if k is None:
                return None
            with self.lock:
                if k in self.first:
                    return None
                self.first.add(k)
            self.arrived[k].set()
            if not self.arrived["d" if k == "p" else "p"].wait(WAIT):
                self.alone.append(k)
            return None
        self.f = Faults(e.moto.url, script)
        e.proxies.append(self.f)
        self.url = self.f.url


def two_accounts(e, n=2):
    """n domains in each account, each in its own zone; the config lists
    the default account's first.  Returns (prod client, prod zones, default
    zones), zones by name."""
    prod = assumed(e)
    zp = {("p%d.example" % i): zone_in(prod, "p%d.example" % i) for i in range(n)}
    zd = {("d%d.example" % i): e.zone("d%d.example" % i) for i in range(n)}
    e.config(CFG % (ROLE, domains([], sorted(zd)) + domains(sorted(zp), [])))
    return prod, zp, zd


def by_zone_list(method, path):
    if "hostedzonesbyname" not in path:
        return None
    return "p" if "dnsname=p" in path else "d" if "dnsname=d" in path else None


def test_accounts_planned_at_once(e):
    """Both accounts' first Route 53 request is in flight at the same
    time; the plan is the one of the accounts one after the other."""
    _, zp, zd = two_accounts(e)
    b = BothFirst(e, by_zone_list)
    r = ok(e.run("plan", "--detailed-exitcode", "--out", "both.json", env=aenv(e, b.url)), 2)
    check(b.alone == [], "one account after the other: %r waited alone" % b.alone)
    # Each domain's DMARC record and its ownership registry.
    check("Plan: 8 to add" in r.stdout, r.stdout)
    # The same plan, byte for byte but its time, however the accounts
    # finish: the parts are merged in the config's order.
    ok(e.run("plan", "--out", "plain.json", env=aenv(e)))
    both, plain = [open(os.path.join(e.dir, f)).read() for f in ("both.json", "plain.json")]

    def timeless(doc):
        return "\n".join(line for line in doc.splitlines() if '"created"' not in line)
    check(timeless(both) == timeless(plain), "the plans differ")
    doc = json.loads(both)
    order = [c["zone"]["id"] for c in doc["changes"]]
    accounts = ["d" if z in zd.values() else "p" for z in order]
    check(len(order) == 8 and set(order) == set(zd.values()) | set(zp.values()), order)
    check(accounts == ["d"] * 4 + ["p"] * 4, "the default account's part first: %r" % accounts)


def test_accounts_applied_at_once(e):
    prod, zp, zd = two_accounts(e)
    zones = {z: "p" for z in zp.values()}
    zones.update({z: "d" for z in zd.values()})

    def by_batch(method, path):
        if method != "POST" or "/rrset" not in path:
            return None
        return zones.get(path.split("/hostedzone/")[1].split("/")[0])
    b = BothFirst(e, by_batch)
    r = ok(e.run("apply", "--auto-approve", env=aenv(e, b.url)))
    check(b.alone == [], "one account after the other: %r waited alone" % b.alone)
    check("Apply complete: 8 added" in r.stdout, r.stdout)
    for name, zid in zp.items():
        check(txt(prod, zid, "_dmarc.%s." % name) == [WANT], name)
    for name, zid in zd.items():
        check(txt(e.r53, zid, "_dmarc.%s." % name) == [WANT], name)


def broken_sts(e):
    env = aenv(e)
    env["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9"   # nothing listens
    return env


def test_an_account_unreached_stops_every_account(e):
    """The role of the config's second account cannot be assumed: nothing
    is sent to Route 53, not even for the first account (which one after
    the other would have read already)."""
    _, zp, zd = two_accounts(e)
    p = e.proxy()
    env = broken_sts(e)
    env["AWS_ENDPOINT_URL_ROUTE_53"] = p.url
    for args in (["plan"], ["apply", "--auto-approve"]):
        r = ok(e.run(*args, env=env), 1)
        check("account 'prod': role '%s'" % ROLE in r.stderr, r.stderr)
        check(p.requests == [], "%s sent %r" % (args[0], [q["path"] for q in p.requests]))
    # A saved plan: every account is reached before any batch is sent.
    ok(e.run("plan", "--out", "p.json", env=aenv(e)))
    r = ok(e.run("apply", "--auto-approve", "p.json", env=env), 1)
    check(p.requests == [], [q["path"] for q in p.requests])
    for name, zid in zd.items():
        check(txt(e.r53, zid, "_dmarc.%s." % name) is None, name)


def test_accounts_interrupted_at_once(e):
    """Ctrl-C while both accounts have a batch in flight: each settles its
    own, neither sends another; exit 130, and the summary names every zone
    in the order of the accounts."""
    prod, zp, zd = two_accounts(e)
    zones = {z: "p" for z in zp.values()}
    zones.update({z: "d" for z in zd.values()})
    gates = {"p": Gate(), "d": Gate()}
    lock = threading.Lock()
    posts = []

    def script(method, path, _):
        if method != "POST" or "/rrset" not in path:
            return None
        k = zones.get(path.split("/hostedzone/")[1].split("/")[0])
        with lock:
            posts.append(k)
            first = posts.count(k) == 1
        return ("hold", gates[k]) if first else None
    f = Faults(e.moto.url, script)
    e.proxies.append(f)
    proc = subprocess.Popen([BIN, "apply", "--auto-approve"], cwd=e.dir, env=aenv(e, f.url),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in proc.stderr] + [lines.put(None)], daemon=True).start()
    try:
        check(gates["p"].received.wait(WAIT) and gates["d"].received.wait(WAIT),
              "both accounts' first batches never were in flight at once")
        proc.send_signal(signal.SIGINT)
        while True:
            line = lines.get(timeout=WAIT)
            check(line is not None, "no interrupt line")
            if "interrupt received" in line:
                break
    finally:
        for g in gates.values():
            g.release()
    out = proc.stdout.read()
    rc = proc.wait(timeout=WAIT)
    check(rc == 130, "exit %d\n%s" % (rc, out))
    check(sorted(posts) == ["d", "p"], posts)
    for client, zs in ((prod, zp), (e.r53, zd)):
        have = [n for n, z in zs.items() if txt(client, z, "_dmarc.%s." % n) is not None]
        check(len(have) == 1, "applied: %r" % have)
        rest = [n for n in zs if n not in have][0]
        check("%s (%s): batch 1 of 1 (2 record sets): not sent: interrupted" % (rest, zs[rest]) in out, out)
        check("  %s (%s): INTERRUPTED after 0 of 1 batch" % (rest, zs[rest]) in out, out)
    summary = out[out.index("Apply interrupted:"):]
    at = [summary.index(" %s (" % n) for n in sorted(zd) + sorted(zp)]
    check(at == sorted(at), summary)


SHARD_CFG = """\
version: 1
domains:
  example.com:
    dmarc: { policy: reject }
  example.net:
    dmarc: { policy: reject }
  mail.example.org:
    zone: %s
    dmarc: { policy: reject }
"""


def test_shard_touches_nothing_else(e):
    """plan --domain and --zone send requests for the shard's zones only:
    no other zone is named, listed by name or read."""
    zc, zn, zo = e.zone("example.com"), e.zone("example.net"), e.zone("example.org")
    e.config(SHARD_CFG % zo)
    for args, inside, outside in (
            (["--domain", "example.net"], [zn], [zc, zo, "example.com", "example.org"]),
            (["--domain", "*.net", "--domain", "nothing.example"], [zn], [zc, zo, "example.com", "example.org"]),
            (["--zone", zo], [zo], [zc, zn, "example.com", "example.net"]),
            (["--zone", "example.c*"], [zc], [zn, zo, "example.net", "example.org"])):
        p = e.proxy()
        r = ok(e.run("plan", "--detailed-exitcode", *args, endpoint=p.url), 2)
        check("Plan: 2 to add" in r.stdout, r.stdout)
        paths = [q["path"] for q in p.requests]
        check(paths, "no request")
        for s in outside:
            check(all(s not in path for path in paths), "%r sent %s: %r" % (args, s, paths))
        for s in inside:
            check(any(s in path for path in paths), "%r never read %s: %r" % (args, s, paths))
    r = ok(e.run("plan", "--domain", "nope.*"), 1)
    check("no domain of 'mailauth.yaml' is in the shard" in r.stderr, r.stderr)


def test_saved_plan_keeps_its_shard(e):
    zc, zn = e.zone("example.com"), e.zone("example.net")
    zo = e.zone("example.org")
    e.config(SHARD_CFG % zo)
    ok(e.run("plan", "--domain", "example.net", "--zone", "example.*", "--out", "p.json"))
    doc = json.load(open(os.path.join(e.dir, "p.json")))
    check(doc["shard"] == {"domains": ["example.net"], "zones": ["example.*"]}, doc.get("shard"))
    check([c["domain"] for c in doc["changes"]] == ["example.net"] * 2, doc["changes"])
    for args in ([], ["--domain", "example.net"], ["--domain", "example.com", "--zone", "example.*"]):
        r = ok(e.run("apply", "--auto-approve", *args, "p.json"), 1)
        check("the plan in 'p.json' was made for --domain 'example.net' --zone 'example.*'" in r.stderr,
              r.stderr)
        check(txt(e.r53, zn, "_dmarc.example.net.") is None, "sent")
    ok(e.run("apply", "--auto-approve", "--zone", "example.*", "--domain", "example.net", "p.json"))
    check(txt(e.r53, zn, "_dmarc.example.net.") == [WANT], "not applied")
    check(txt(e.r53, zc, "_dmarc.example.com.") is None, "outside the shard")
    # A plan of the whole config is refused with a shard.
    ok(e.run("plan", "--out", "all.json"))
    r = ok(e.run("apply", "--auto-approve", "--domain", "example.com", "all.json"), 1)
    check("made for the whole configuration, but apply was given --domain 'example.com'" in r.stderr,
          r.stderr)


def test_zone_shard_refuses_a_domain_found_elsewhere(e):
    """--zone example.com takes mail.example.com (no zone:) as a candidate;
    Route 53 has it in a zone of its own, outside the shard: refused."""
    e.zone("example.com")
    e.zone("mail.example.com")
    e.config("version: 1\ndomains:\n  mail.example.com:\n    dmarc: { policy: none }\n")
    r = ok(e.run("plan", "--zone", "example.com"), 1)
    check("'mail.example.com' is in hosted zone" in r.stderr and "outside --zone" in r.stderr, r.stderr)


def test_schema_and_loader_agree_on_accounts(e):
    """docs/mailauth.schema.json takes the accounts fixture and refuses
    what mailauth refuses about accounts: and account:."""
    import subprocess
    import yaml
    from harness import BIN, TOP
    from test_schema import errors, schema, validator
    v = validator(schema())
    good = yaml.safe_load(open(os.path.join(TOP, "tests", "fixtures", "config", "good", "accounts.yaml")))
    check(not errors(v, good), errors(v, good))
    role = "arn:aws:iam::222222222222:role/x"
    dom = {"example.com": {"account": "a", "dmarc": {"policy": "none"}}}
    bad = [("both role_arn and profile", {"a": {"role_arn": role, "profile": "p"}}),
           ("neither", {"a": {}}),
           ("external_id without role_arn", {"a": {"profile": "p", "external_id": "abc"}}),
           ("a short account id", {"a": {"role_arn": "arn:aws:iam::2222:role/x"}}),
           ("a duration under 900", {"a": {"role_arn": role, "duration": 899}}),
           ("a session name with a space", {"a": {"role_arn": role, "session_name": "a b"}}),
           ("an unknown key", {"a": {"role_arn": role, "region": "x"}}),
           ("a bad account name", {"a b": {"role_arn": role}})]
    for what, accounts in bad:
        doc = {"version": 1, "accounts": accounts, "domains": dom}
        check(errors(v, doc), "the schema accepts %s" % what)
        path = e.config(yaml.safe_dump(doc), name="bad.yaml")
        r = subprocess.run([BIN, "validate", "-c", path], capture_output=True, text=True, timeout=60)
        check(r.returncode == 1, "mailauth accepts %s" % what)


def test_whoami_lists_every_account(e):
    e.config(CFG % (ROLE, domains(["example.net"], ["example.com"])))
    r = ok(e.run("whoami", env=aenv(e)))
    default, _, rest = r.stdout.partition("\n[prod]\n")
    check("account  123456789012" in default, r.stdout)
    check("account  222222222222" in rest, r.stdout)
    check("arn      arn:aws:sts::222222222222:assumed-role/mailauth/" in rest, r.stdout)
    check("source   role_arn %s via environment" % ROLE in rest, r.stdout)
    check("expires  " in rest, r.stdout)
    # An account that cannot be reached: its error, exit 1, the others shown.
    env = aenv(e)
    e.config((CFG % (ROLE, domains(["example.net"], []))).replace(
        "  prod:", "  gone:\n    profile: nowhere\n  prod:"))
    r = ok(e.run("whoami", env=env), 1)
    check("[gone]" in r.stdout and "account  222222222222" in r.stdout, r.stdout)
    check("account 'gone' (profile 'nowhere') cannot be reached" in r.stderr, r.stderr)


def test_iam_policy_per_account(e):
    prod = assumed(e)
    zp = zone_in(prod, "example.net")
    zd = e.zone("example.com")
    e.config(CFG % (ROLE, domains(["example.net"], ["example.com"])))
    r = ok(e.run("iam-policy", env=aenv(e)), 1)
    check("give --out DIR for one file per account" in r.stderr, r.stderr)
    os.mkdir(os.path.join(e.dir, "pol"))
    ok(e.run("iam-policy", "--out", "pol", env=aenv(e)))
    check(sorted(os.listdir(os.path.join(e.dir, "pol"))) == ["default.json", "prod.json"],
          os.listdir(os.path.join(e.dir, "pol")))
    pp = open(os.path.join(e.dir, "pol", "prod.json")).read()
    pd = open(os.path.join(e.dir, "pol", "default.json")).read()
    check("hostedzone/" + zp in pp and zd not in pp, pp)
    check("hostedzone/" + zd in pd and zp not in pd, pd)
    # A shard of one account: its file only.
    os.mkdir(os.path.join(e.dir, "one"))
    ok(e.run("iam-policy", "--out", "one", "--domain", "example.net", env=aenv(e)))
    check(os.listdir(os.path.join(e.dir, "one")) == ["prod.json"], os.listdir(os.path.join(e.dir, "one")))


def test_rollout_status_of_a_shard(e):
    """rollout status --domain/--zone shows only the shard (offline)."""
    e.config(SHARD_CFG % "Z0ORG")
    r = ok(e.run("rollout", "status", "--format", "json", "--zone", "Z0ORG"))
    doc = json.loads(r.stdout)
    check([d["domain"] for d in doc["domains"]] == ["mail.example.org"], doc["domains"])
    r = ok(e.run("rollout", "status", "--domain", "example.*"))
    check("example.com" in r.stdout and "example.net" in r.stdout and "mail.example.org" not in r.stdout,
          r.stdout)


if __name__ == "__main__":
    from harness import main
    sys.exit(main([v for k, v in sorted(globals().items()) if k.startswith("test_")]))
