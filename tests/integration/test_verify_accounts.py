"""verify with shards and accounts: --domain and --zone (globs, repeatable,
plan's shard), and each domain's hosted zone found with its account's
credentials.  moto holds the zones of two accounts (the default chain's
and a role's in 222222222222); dnsmasq on loopback serves what receivers
see; a recording proxy in front of moto tells which credentials signed
each Route 53 request.  Without --resolver verify would ask the zones'
own name servers (moto's are fictional names), so those runs are made to
stop at GetHostedZone, before any DNS query."""
import os
import re

from faults import Faults, aws_error
from harness import check, ok
from test_accounts import ROLE, assumed, zone_in
from test_verify import Dns

CFG = """\
version: 1
accounts:
  prod:
    role_arn: %s
domains:
  p1.test:
    account: prod
    dmarc: { policy: reject }
  p2.test:
    account: prod
    dmarc: { policy: reject }
  d.test:
    dmarc: { policy: reject }
  sub.d.test:
    dmarc: { policy: reject }
  e.test:
    zone: %s
    dmarc: { policy: reject }
"""

DMARC = "v=DMARC1; p=reject"
ALL = ["p1.test", "p2.test", "d.test", "sub.d.test", "e.test"]


def records(names):
    return [("txt", "_dmarc." + n, DMARC) for n in names]


def fleet(e):
    """The zones: p1.test and p2.test in prod's account, d.test (which holds
    sub.d.test too) and e.test in the default one; the config."""
    prod = assumed(e)
    zones = {"p1.test": zone_in(prod, "p1.test"), "p2.test": zone_in(prod, "p2.test"),
             "d.test": e.zone("d.test"), "e.test": e.zone("e.test")}
    e.config(CFG % (ROLE, zones["e.test"]))
    return zones


def recorder(e, script=None):
    f = Faults(e.moto.url, script)
    e.proxies.append(f)
    return f


def env_for(e, url):
    env = e.env(url)
    env["AWS_ENDPOINT_URL_STS"] = e.moto.url       # AssumeRole beside the proxy
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    return env


def key_of(q):
    return q["headers"].get("Authorization", "").split("Credential=")[1].split("/")[0]


def checked(r):
    """The domains a text report covers, in its order."""
    return [m for m in re.findall(r"^([a-z0-9.]+): ", r.stdout, re.M)]


def run_verify(e, f, dns, *args):
    return e.run("verify", "--resolver", dns.server, "--dns-timeout", "1", *args, env=env_for(e, f.url))


def test_verify_domain_globs_need_no_aws(e):
    fleet(e)
    f = recorder(e)
    dns = Dns(records(ALL))
    try:
        r = ok(run_verify(e, f, dns, "--domain", "p*.test", "--domain", "e.TEST."), 0)
        check(checked(r) == ["p1.test", "p2.test", "e.test"], r.stdout)
        check("Checked 3 domains: 0 findings" in r.stdout, r.stdout)
        r = ok(run_verify(e, f, dns), 0)
        check(checked(r) == ALL, r.stdout)
        # A shard that holds no domain: plan's error, nothing asked.
        r = ok(run_verify(e, f, dns, "--domain", "*.example"), 1)
        check("no domain of 'mailauth.yaml' is in the shard of --domain and --zone; nothing was sent"
              in r.stderr, r.stderr)
        check(r.stdout == "", r.stdout)
    finally:
        dns.stop()
    # --resolver and --domain only: Route 53 was never asked.
    check(f.requests == [], "sent: %r" % [q["path"] for q in f.requests])


def test_verify_zone_shard_looks_zones_up_per_account(e):
    zones = fleet(e)
    f = recorder(e)
    dns = Dns(records(ALL))
    try:
        # By name, a glob: prod's two zones, found with the role's keys.
        r = ok(run_verify(e, f, dns, "--zone", "p?.test"), 0)
        check(checked(r) == ["p1.test", "p2.test"], r.stdout)
        keys = {key_of(q) for q in f.requests}
        check(len(keys) == 1 and e.env()["AWS_ACCESS_KEY_ID"] not in keys, "signed with %r" % keys)
        check(all("d.test" not in q["path"] and "e.test" not in q["path"] for q in f.requests),
              "outside the shard: %r" % [q["path"] for q in f.requests])
        # By id (e.test's zone: key, /hostedzone/ allowed) and by name:
        # the default chain's keys only.
        f.requests.clear()
        r = ok(run_verify(e, f, dns, "--zone", "/hostedzone/" + zones["e.test"], "--zone", "d.test."), 0)
        check(checked(r) == ["d.test", "sub.d.test", "e.test"], r.stdout)
        check(f.requests and all(key_of(q) == e.env()["AWS_ACCESS_KEY_ID"] for q in f.requests),
              "signed with %r" % {key_of(q) for q in f.requests})
        # Both accounts in one run, each with its own keys.
        f.requests.clear()
        r = ok(run_verify(e, f, dns, "--zone", "*"), 0)
        check(checked(r) == ALL, r.stdout)
        by_key = {}
        for q in f.requests:
            by_key.setdefault(key_of(q), []).append(q["path"])
        # The role's keys are new at each run.
        check(len(by_key) == 2 and e.env()["AWS_ACCESS_KEY_ID"] in by_key, by_key)
        role_key = [k for k in by_key if k != e.env()["AWS_ACCESS_KEY_ID"]][0]
        check(all(zones["e.test"] not in p and "dnsname=d.test" not in p for p in by_key[role_key]), by_key)
        check(all("dnsname=p" not in p for p in by_key[e.env()["AWS_ACCESS_KEY_ID"]]), by_key)
        # sub.d.test matches --zone by its name, but Route 53 has it in
        # d.test: refused as plan refuses it, before any DNS query.
        r = ok(run_verify(e, f, dns, "--zone", "sub.d.test"), 1)
        check("'sub.d.test' is in hosted zone %s (d.test.), outside --zone; nothing was asked of DNS: "
              "give the domain zone: in the config, or add its zone to --zone" % zones["d.test"] in r.stderr,
              r.stderr)
        check(r.stdout == "", r.stdout)
        # A --zone that matches no domain: nothing is sent at all.
        f.requests.clear()
        r = ok(run_verify(e, f, dns, "--zone", "Z0NOTHING*", "--zone", "*.example"), 1)
        check("no domain of 'mailauth.yaml' is in the shard of --domain and --zone; nothing was sent"
              in r.stderr, r.stderr)
        check(f.requests == [], "sent: %r" % [q["path"] for q in f.requests])
    finally:
        dns.stop()


def test_verify_without_resolver_asks_each_account(e):
    """Without --resolver, every Route 53 request is made before the first
    DNS query: the zones of both accounts are looked up, each with its
    keys, then GetHostedZone, refused here, stops the run before DNS."""
    zones = fleet(e)
    f = recorder(e, lambda m, p, n: aws_error(403, "AccessDenied", "not for you")
                 if re.search(r"/hostedzone/[A-Z0-9]+$", p) and zones["e.test"] not in p else None)
    r = ok(e.run("verify", env=env_for(e, f.url)), 1)
    check("Route 53 GetHostedZone: AccessDenied: not for you" in r.stderr, r.stderr)
    check(r.stdout == "", r.stdout)
    default = e.env()["AWS_ACCESS_KEY_ID"]
    lookups = [(key_of(q), q["path"]) for q in f.requests if "hostedzonesbyname" in q["path"]]
    check(any(k != default and "dnsname=p1.test" in p for k, p in lookups), lookups)
    check(any(k == default and "dnsname=d.test" in p for k, p in lookups), lookups)
    check(all((k == default) == ("dnsname=p" not in p) for k, p in lookups), lookups)
    gets = [(key_of(q), q["path"]) for q in f.requests if re.search(r"/hostedzone/[A-Z0-9]+$", q["path"])]
    check(gets, "no GetHostedZone: %r" % [q["path"] for q in f.requests])
    check(all((k == default) == (zones["p1.test"] not in p and zones["p2.test"] not in p) for k, p in gets), gets)


def test_apply_verify_asks_each_zone_of_its_account(e):
    """apply --verify asks GetHostedZone of each changed zone with that
    zone's account's keys (the role's for prod's); refused here, so that
    no DNS query follows, after the changes landed."""
    prod = assumed(e)
    zp = zone_in(prod, "p1.test")
    zd = e.zone("d.test")
    e.config("version: 1\naccounts:\n  prod:\n    role_arn: %s\ndomains:\n"
             "  p1.test:\n    account: prod\n    dmarc: { policy: reject }\n"
             "  d.test:\n    dmarc: { policy: reject }\n" % ROLE)
    get = re.compile(r"/hostedzone/[A-Z0-9]+$")
    f = recorder(e, lambda m, p, n: aws_error(403, "AccessDenied", "not for you")
                 if m == "GET" and get.search(p) else None)
    r = ok(e.run("apply", "--auto-approve", "--verify", "--wait-timeout", "5", env=env_for(e, f.url)), 1)
    # Each domain's DMARC record and registry.
    check("Apply complete: 4 added" in r.stdout, r.stdout)
    check("Route 53 GetHostedZone: AccessDenied: not for you" in r.stderr, r.stderr)
    gets = [(key_of(q), q["path"]) for q in f.requests if q["method"] == "GET" and get.search(q["path"])]
    check(gets and gets[0][1].endswith(zp), gets)
    check(gets[0][0] != e.env()["AWS_ACCESS_KEY_ID"], "prod's zone asked with the default keys: %r" % gets)
    # The changes are in each account's Route 53, as boto3 sees them.
    for r53, zid, name in ((prod, zp, "p1.test"), (e.r53, zd, "d.test")):
        sets = r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]
        check(any(s["Name"] == "_dmarc.%s." % name and s["Type"] == "TXT" for s in sets), sets)


if __name__ == "__main__":
    import sys
    from harness import main
    sys.exit(main([v for k, v in sorted(globals().items()) if k.startswith("test_")]))
