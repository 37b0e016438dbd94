"""make bench: what `mailauth plan` costs in Route 53 requests, time and
memory, against moto, beside listing the whole zone as zone-syncing tools
do (`aws route53 list-resource-record-sets`: botocore's paginator).

For a zone of 10 and one of 10,000 unrelated record sets, and configs of 1
and of 200 domains in that zone (SPF, one DKIM selector and DMARC each),
it runs the real binary through the integration tests' recording proxy and
prints, per combination, the requests by operation, the wall time and the
peak RSS.  A third config, the 200 domains with `zone: example.com`, shows
what naming the zone saves in lookups.  The figures go into
docs/performance.md.

Peak RSS: os.wait4() gives the child's rusage, but Linux carries a
process's peak RSS across exec, and a child forked from this Python (with
boto3 loaded) starts with this Python's pages: /bin/true would show some 35
MiB.  So the command runs under GNU time (/usr/bin/time -f %M), whose own
child starts from a small process; without GNU time, the wait4 figure is
printed with a '<=' as an upper bound.

Then the fleet cases (`bench.py fleet` runs them alone), against the
fewest requests Route 53 allows: plan and apply of 1,000 domains each in
its own zone (10 pages of zones, then one read per zone; apply adds one
batch and one GetChange per zone); apply of 1,000 domains in 10 zones (one
page of zones, one read, one batch and one poll per zone); and the user CPU
of plan for 1,000 and 4,000 domains in one zone, which should grow 4 times.
The fleet cases run at --max-rps 10 (FLEET_RPS): their requests do not
depend on the rate, and at the default of 5 they would take twice as long.
Between them, the 1,000 domains in their own zones split over two accounts
(the default chain's and a role's, accounts:): plan and apply, each
account's requests against its own minimum, and the wall time against the
sum of each account's span of requests, what one account after the other
would take (`bench.py accounts` runs this case alone).
The zones are created directly in moto (boto3, not through the peer), the
run goes through the peer as every other case.

Last, `mailauth report` on 10,000 gzip-compressed DMARC aggregate reports
of 50 rows each (no moto): its wall time and peak RSS, against the limits
of 20 s and 64 MiB; the exit status is 1 when they are not met.
`bench.py reports` runs that case alone.

Run with `make bench`; MAILAUTH_BIN names the binary (default build/mailauth).
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
from faults import Faults  # noqa: E402
from harness import BIN, FAKE_KEY_ID, FAKE_SECRET, Env, Moto, Proxy  # noqa: E402

ZONE = "example.com"
ZONE_SIZES = (10, 10000)
CONFIGS = ((1, False), (200, False), (200, True))    # domains, zone: set
GNU_TIME = "/usr/bin/time"
BATCH = 500     # an UPSERT counts twice against Route 53's 1,000 records a request

# The reference, in a child of its own so that its RSS is its own: the
# paginator `aws route53 list-resource-record-sets` uses, over the zone.
LISTER = """
import sys, boto3
c = boto3.client("route53", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id=sys.argv[3], aws_secret_access_key=sys.argv[4])
n = 0
for page in c.get_paginator("list_resource_record_sets").paginate(HostedZoneId=sys.argv[2]):
    n += len(page["ResourceRecordSets"])
print(n)
"""


def seed(env, zid, n):
    """n unrelated A record sets, host00000.example.com. and on.  UPSERT,
    not CREATE: moto checks each CREATE against every earlier change, which
    makes 10,000 CREATEs take minutes."""
    names = ["host%05d.%s." % (i, ZONE) for i in range(n)]
    for start in range(0, n, BATCH):
        env.r53.change_resource_record_sets(HostedZoneId=zid, ChangeBatch={"Changes": [
            {"Action": "UPSERT", "ResourceRecordSet": {
                "Name": name, "Type": "A", "TTL": 300,
                "ResourceRecords": [{"Value": "192.0.2.%d" % (i % 250 + 1)}]}}
            for i, name in enumerate(names[start:start + BATCH])]})


def config(ndomains, with_zone):
    """The zone's apex, then d001.example.com and on."""
    doms = [ZONE] + ["d%03d.%s" % (i, ZONE) for i in range(1, ndomains)]
    out = ["version: 1", "domains:"]
    for d in doms:
        out += ["  %s:" % d]
        if with_zone:
            out += ["    zone: %s" % ZONE]
        out += [
                "    spf: { include: [amazonses.com], all: fail }",
                "    dkim:",
                "      s1: { cname: s1.dkim.example.net }",
                "    dmarc: { policy: quarantine, rua: ['mailto:dmarc@%s'] }" % ZONE]
    return "\n".join(out) + "\n"


def operation(req):
    path = urlsplit(req["path"]).path.rstrip("/")
    if "/hostedzonesbyname" in path:
        return "ListHostedZonesByName"
    if req["method"] == "GET" and path.endswith("/rrset"):
        return "ListResourceRecordSets"
    if req["method"] == "GET" and "/hostedzone/" in path:
        return "GetHostedZone"
    if req["method"] == "POST" and path.endswith("/rrset"):
        return "ChangeResourceRecordSets"
    if req["method"] == "GET" and "/change/" in path:
        return "GetChange"
    return "%s %s" % (req["method"], path)


def gnu_time():
    try:
        r = subprocess.run([GNU_TIME, "--version"], capture_output=True, text=True)
    except OSError:
        return False
    return "GNU" in r.stdout + r.stderr


def measure(moto, argv, env, work, cpu=None, recorder=Proxy):
    """Runs argv through a fresh recording proxy (recorder: Proxy, or
    Faults, which also notes when each request came): (requests by
    operation, seconds, peak RSS in KiB, whether that is exact, stdout,
    the requests).  cpu, a list, receives the user CPU seconds."""
    proxy = recorder(moto.url)
    rss_file = os.path.join(work, "rss")
    exact = gnu_time()
    try:
        env = dict(env, AWS_ENDPOINT_URL_ROUTE_53=proxy.url)
        argv = [a.replace("{proxy}", proxy.url) for a in argv]
        if exact:
            argv = [GNU_TIME, "-f", "%U %M", "-o", rss_file] + argv
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            start = time.monotonic()
            child = subprocess.Popen(argv, stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=env)
            _, status, usage = os.wait4(child.pid, 0)
            seconds = time.monotonic() - start
            child.returncode = os.waitstatus_to_exitcode(status)
            out.seek(0)
            err.seek(0)
            text, errors = out.read().decode(), err.read().decode()
        if child.returncode != 0:
            raise RuntimeError("%s exited %d:\n%s%s" % (argv[0], child.returncode, text, errors))
        rss = usage.ru_maxrss
        user = usage.ru_utime
        if exact:
            with open(rss_file) as f:
                user, rss = f.read().split()[-2:]
                user, rss = float(user), int(rss)
        if cpu is not None:
            cpu.append(user)
        counts = {}
        for r in proxy.requests:
            counts[operation(r)] = counts.get(operation(r), 0) + 1
        return counts, seconds, rss, exact, text, proxy.requests
    finally:
        proxy.stop()


def mib(kib, exact):
    return "%s%.1f MiB" % ("" if exact else "<= ", kib / 1024.0)


def summary(counts):
    short = {"ListHostedZonesByName": "by-name", "ListResourceRecordSets": "list",
             "GetHostedZone": "get-zone", "ChangeResourceRecordSets": "change", "GetChange": "poll"}
    total = sum(counts.values())
    parts = ", ".join("%d %s" % (n, short.get(k, k)) for k, n in sorted(counts.items()))
    return "%d (%s)" % (total, parts)


# --- fleets: 1,000 domains in their own zones, in 10 zones; plan CPU ---

FLEET = 1000
FLEET_ZONES = 10


def fleet_config(domains):
    out = ["version: 1", "domains:"]
    for d in domains:
        out += ["  %s:" % d,
                "    spf: { include: [amazonses.com], all: fail }",
                "    dkim:",
                "      s1: { cname: s1.dkim.example.net }",
                "    dmarc: { policy: quarantine, rua: ['mailto:dmarc@example.com'] }"]
    return "\n".join(out) + "\n"


def fleet_zones(moto, names):
    """Creates the zones directly in moto: (seconds)."""
    import boto3
    c = boto3.client("route53", endpoint_url=moto.direct, region_name="us-east-1",
                     aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET)
    t = time.monotonic()
    for i, n in enumerate(names):
        c.create_hosted_zone(Name=n, CallerReference="bench-%d-%f" % (i, t))
    return time.monotonic() - t


# The fleet cases' rate: the requests do not depend on it, their wall time
# is the requests at this rate.  Route 53's quota of 2026 (10 a second),
# twice mailauth's default, keeps make bench near 12 minutes.
FLEET_RPS = "10"


def fleet_run(moto, base_env, work, cfg, argv, cpu=None, recorder=Proxy):
    path = os.path.join(work, "mailauth.yaml")
    with open(path, "w") as f:
        f.write(cfg)
    return measure(moto, [BIN] + argv + ["--max-rps", FLEET_RPS, "-c", path], base_env, work, cpu,
                   recorder)


def bench_fleet(moto, base_env, work):
    """Rows of (case, requests by operation, seconds, minimum)."""
    rows = []
    own = ["d%04d.fleet.example" % i for i in range(FLEET)]
    # Shuffled: the order of the config must not matter.
    cfg = fleet_config(own[1::2] + own[0::2])
    Env(moto).close()       # a clean moto
    t = fleet_zones(moto, own)
    print("bench: %d zones created in %.1f s" % (FLEET, t), file=sys.stderr, flush=True)
    got = fleet_run(moto, base_env, work, cfg, ["plan"])
    rows.append(("plan, %d domains each in its own zone" % FLEET, got, FLEET // 100 + FLEET))
    got = fleet_run(moto, base_env, work, cfg, ["apply", "--auto-approve"])
    rows.append(("apply, same", got, FLEET // 100 + 3 * FLEET))
    print("bench: own zones done", file=sys.stderr, flush=True)

    Env(moto).close()
    zones = ["z%d.fleet.example" % k for k in range(FLEET_ZONES)]
    fleet_zones(moto, zones)
    doms = ["d%03d.%s" % (i // FLEET_ZONES, zones[i % FLEET_ZONES]) for i in range(FLEET)]
    got = fleet_run(moto, base_env, work, fleet_config(doms), ["apply", "--auto-approve"])
    rows.append(("apply, %d domains in %d zones" % (FLEET, FLEET_ZONES), got, 1 + 3 * FLEET_ZONES))
    print("bench: %d zones done" % FLEET_ZONES, file=sys.stderr, flush=True)

    return rows + bench_accounts(moto, base_env, work) + bench_cpu(moto, base_env, work)


# --- the fleet in two accounts: planned and applied at once ---

ROLE = "arn:aws:iam::222222222222:role/mailauth"


def role_keys(moto):
    """The role's credentials, as mailauth's AssumeRole gets them."""
    import boto3
    sts = boto3.client("sts", endpoint_url=moto.direct, region_name="us-east-1",
                       aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET)
    return sts.assume_role(RoleArn=ROLE, RoleSessionName="bench")["Credentials"]


def account_zones(moto, names, keys):
    """fleet_zones() in the role's account."""
    import boto3
    c = boto3.client("route53", endpoint_url=moto.direct, region_name="us-east-1",
                     aws_access_key_id=keys["AccessKeyId"], aws_secret_access_key=keys["SecretAccessKey"],
                     aws_session_token=keys["SessionToken"])
    t = time.monotonic()
    for i, n in enumerate(names):
        c.create_hosted_zone(Name=n, CallerReference="bench-a-%d-%f" % (i, t))


def per_account(requests):
    """{account: (requests by operation, when its first and its last
    request reached the proxy)}, the account told by the key that signed
    each request."""
    out = {}
    for r in requests:
        cred = r["headers"].get("Authorization", "").split("Credential=")[-1].split("/")[0]
        acct = "default" if cred == FAKE_KEY_ID else "prod"
        counts, first, last = out.get(acct, ({}, r["time"], r["time"]))
        counts[operation(r)] = counts.get(operation(r), 0) + 1
        out[acct] = (counts, min(first, r["time"]), max(last, r["time"]))
    return out


def bench_accounts(moto, base_env, work):
    """The 1,000 domains in their own zones, half in the default account,
    half in a role's (accounts:), alternating in the config: each account
    against its own minimum, and the run's wall time against the sum of
    each account's span of requests (what one account after the other
    would take, each at its own rate)."""
    rows = []
    Env(moto).close()
    keys = role_keys(moto)
    names = ["a%04d.fleet.example" % i for i in range(FLEET)]
    prod, dflt = names[0::2], names[1::2]
    account_zones(moto, prod, keys)
    fleet_zones(moto, dflt)
    cfg = fleet_config(names).replace("domains:\n", "")
    for d in prod:
        cfg = cfg.replace("  %s:\n" % d, "  %s:\n    account: prod\n" % d)
    cfg = "version: 1\naccounts:\n  prod: { role_arn: %s }\ndomains:\n%s" % (
        ROLE, cfg[len("version: 1\n"):])
    env = dict(base_env, AWS_ENDPOINT_URL_STS=moto.url, AWS_EC2_METADATA_DISABLED="true")
    half = FLEET // 2
    pages = -(-half // 100)
    for argv, minimum in ((["plan"], pages + half),
                          (["apply", "--auto-approve"], pages + 3 * half)):
        got = fleet_run(moto, env, work, cfg, argv, recorder=Faults)
        accts = per_account(got[5])
        spans = sum(last - first for _, first, last in accts.values())
        for acct in ("default", "prod"):
            counts, first, last = accts[acct]
            rows.append(("%s, %d domains in two accounts: account %s" % (argv[0], FLEET, acct),
                         (counts, last - first) + got[2:], minimum))
        rows.append(("%s, %d domains in two accounts: wall %.1f s, one account after the other %.1f s "
                     "(x%.2f)" % (argv[0], FLEET, got[1], spans, spans / max(got[1], 0.001)),
                     None, None))
        print("bench: two accounts, %s done" % argv[0], file=sys.stderr, flush=True)
    return rows


def bench_cpu(moto, base_env, work):
    """Plan's user CPU for 1,000 and 4,000 domains in one zone."""
    rows = []
    Env(moto).close()
    fleet_zones(moto, ["big.fleet.example"])
    cpu = []
    for n in (FLEET, 4 * FLEET):
        got = fleet_run(moto, base_env, work, fleet_config(
            ["d%04d.big.fleet.example" % i for i in range(n)]), ["plan"], cpu)
        rows.append(("plan, %d domains in one zone: %.2f s user CPU" % (n, cpu[-1]), got, None))
    rows.append(("plan CPU, %d -> %d domains in one zone: x%.1f" % (FLEET, 4 * FLEET, cpu[1] / max(cpu[0], 0.001)),
                 None, None))
    return rows


def print_fleet(rows):
    print()
    print("| fleet case | requests | wall | minimum |")
    print("|---|---|---:|---:|")
    for case, got, minimum in rows:
        if got is None:
            print("| %s | | | %s |" % (case, "x4" if "CPU" in case else ""))
            continue
        print("| %s | %s | %.1f s | %s |" % (case, summary(got[0]), got[1],
                                            "" if minimum is None else "{:,}".format(minimum)))


def main_fleet(only=None):
    work = tempfile.mkdtemp(prefix="mailauth-bench-")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base_env.update({"AWS_ACCESS_KEY_ID": FAKE_KEY_ID, "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
                     "HOME": work, "NO_COLOR": "1"})
    moto = Moto()
    try:
        rows = (only or bench_fleet)(moto, base_env, work)
    finally:
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)
    print_fleet(rows)
    return 0


# --- mailauth report: 10,000 gzip-compressed reports of 50 rows ---

REPORTS = 10000
ROWS = 50
REPORT_LIMIT_S = 20.0
REPORT_LIMIT_MIB = 64.0


def report_xml(i):
    """Report i: one of 10 reporters, 50 rows over 20 domains and 500
    sending addresses, one in ten failing DMARC."""
    org = "reporter%d.example" % (i % 10)
    begin = 1772323200 + (i // 10 % 30) * 86400
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<feedback>\n  <report_metadata>\n'
           '    <org_name>%s</org_name>\n    <email>noreply@%s</email>\n'
           '    <report_id>bench-%06d</report_id>\n    <date_range>\n      <begin>%d</begin>\n'
           '      <end>%d</end>\n    </date_range>\n  </report_metadata>\n  <policy_published>\n'
           '    <domain>d%02d.example.com</domain>\n    <adkim>r</adkim>\n    <aspf>r</aspf>\n'
           '    <p>none</p>\n    <pct>100</pct>\n  </policy_published>\n'
           % (org, org, i, begin, begin + 86399, i % 20)]
    for j in range(ROWS):
        k = i * ROWS + j
        ok_ = k % 10 != 0
        dom = "d%02d.example.com" % (k % 20)
        out.append('  <record>\n    <row>\n      <source_ip>198.51.%d.%d</source_ip>\n'
                   '      <count>%d</count>\n      <policy_evaluated>\n'
                   '        <disposition>none</disposition>\n        <dkim>%s</dkim>\n'
                   '        <spf>%s</spf>\n      </policy_evaluated>\n    </row>\n'
                   '    <identifiers>\n      <header_from>%s</header_from>\n    </identifiers>\n'
                   '    <auth_results>\n      <dkim>\n        <domain>%s</domain>\n'
                   '        <selector>s1</selector>\n        <result>%s</result>\n      </dkim>\n'
                   '      <spf>\n        <domain>amazonses.com</domain>\n        <result>pass</result>\n'
                   '      </spf>\n    </auth_results>\n  </record>\n'
                   % (k % 2, k % 250, 1 + k % 7, "pass" if ok_ else "fail", "fail", dom, dom,
                      "pass" if ok_ else "fail"))
    out.append("</feedback>\n")
    return "".join(out).encode()


def bench_reports(work):
    """Writes the reports, runs `mailauth report --format json` on the
    folder and checks its totals against the rows written: (seconds, peak
    RSS in KiB, whether exact, compressed bytes)."""
    import gzip
    import json
    folder = os.path.join(work, "reports")
    os.makedirs(folder)
    messages = 0
    size = 0
    t = time.monotonic()
    for i in range(REPORTS):
        data = gzip.compress(report_xml(i), compresslevel=6)
        size += len(data)
        with open(os.path.join(folder, "r%05d.xml.gz" % i), "wb") as f:
            f.write(data)
        messages += sum(1 + (i * ROWS + j) % 7 for j in range(ROWS))
    print("bench: %d gzip reports (%.1f MiB) written in %.1f s" % (REPORTS, size / 1048576.0,
          time.monotonic() - t), file=sys.stderr, flush=True)
    rss_file = os.path.join(work, "rss-report")
    exact = gnu_time()
    argv = [BIN, "report", "--format", "json", folder]
    if exact:
        argv = [GNU_TIME, "-f", "%M", "-o", rss_file] + argv
    with tempfile.TemporaryFile() as out:
        start = time.monotonic()
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - start
        out.seek(0)
        doc = json.loads(out.read().decode())
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError("mailauth report exited %d" % os.waitstatus_to_exitcode(status))
    rss = usage.ru_maxrss
    if exact:
        with open(rss_file) as f:
            rss = int(f.read().split()[-1])
    if doc["reports"]["read"] != REPORTS or doc["totals"]["messages"] != messages:
        raise RuntimeError("mailauth report read %d reports, %d messages; wrote %d, %d" % (
            doc["reports"]["read"], doc["totals"]["messages"], REPORTS, messages))
    shutil.rmtree(folder, ignore_errors=True)
    return seconds, rss, exact, size


def print_reports(got):
    seconds, rss, exact, size = got
    print()
    print("| reports | rows each | compressed | report: wall | report: peak RSS | limits |")
    print("|---:|---:|---:|---:|---:|---|")
    print("| %d | %d | %.1f MiB | %.2f s | %s | %s |" % (
        REPORTS, ROWS, size / 1048576.0, seconds, mib(rss, exact),
        "met" if seconds < REPORT_LIMIT_S and rss / 1024.0 < REPORT_LIMIT_MIB else
        "NOT MET (%.0f s, %.0f MiB)" % (REPORT_LIMIT_S, REPORT_LIMIT_MIB)))
    return 0 if seconds < REPORT_LIMIT_S and rss / 1024.0 < REPORT_LIMIT_MIB else 1


def main_reports():
    work = tempfile.mkdtemp(prefix="mailauth-bench-")
    try:
        return print_reports(bench_reports(work))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(fleet_too=True):
    if not os.access(BIN, os.X_OK):
        print("bench: no mailauth binary at %s; run make first" % BIN, file=sys.stderr)
        return 1
    work = tempfile.mkdtemp(prefix="mailauth-bench-")
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base_env.update({"AWS_ACCESS_KEY_ID": FAKE_KEY_ID, "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
                     "HOME": work, "NO_COLOR": "1"})
    moto = Moto()
    rows = []
    try:
        fleet = bench_fleet(moto, base_env, work) if fleet_too else []
        for size in ZONE_SIZES:
            env = Env(moto)
            zid = env.zone(ZONE)
            t = time.monotonic()
            seed(env, zid, size)
            print("bench: zone of %d unrelated record sets seeded in %.1f s" % (size, time.monotonic() - t),
                  file=sys.stderr, flush=True)
            ref = measure(moto, [sys.executable, "-c", LISTER, "{proxy}", zid, FAKE_KEY_ID, FAKE_SECRET],
                          base_env, work)
            for ndom, with_zone in CONFIGS:
                path = os.path.join(work, "mailauth.yaml")
                with open(path, "w") as f:
                    f.write(config(ndom, with_zone))
                got = measure(moto, [BIN, "plan", "-c", path], base_env, work)
                plan_line = [ln for ln in got[4].splitlines() if ln.startswith("Plan:")]
                label = "%d%s" % (ndom, " (zone: set)" if with_zone else "")
                rows.append((size, label, got, ref))
                print("bench: %d records, %s domains: %s" % (size, label, plan_line[0] if plan_line else "?"),
                      file=sys.stderr, flush=True)
            env.close()
    finally:
        moto.stop()
        shutil.rmtree(work, ignore_errors=True)

    print()
    print("| unrelated records | domains | plan: requests | plan: wall | plan: peak RSS "
          "| whole-zone listing: requests | wall | peak RSS |")
    print("|---:|---|---|---:|---:|---|---:|---:|")
    for size, label, got, ref in rows:
        print("| %d | %s | %s | %.2f s | %s | %s | %.2f s | %s |" % (
            size, label, summary(got[0]), got[1], mib(got[2], got[3]),
            summary(ref[0]), ref[1], mib(ref[2], ref[3])))
    if fleet:
        print_fleet(fleet)
    return main_reports()


if __name__ == "__main__":
    # "bench.py reports" runs only the report case (no moto needed),
    # "bench.py fleet" only the fleet cases, "bench.py cpu" only plan's CPU,
    # "bench.py accounts" only the two accounts, "bench.py zones" all but
    # the fleet cases.
    sys.exit(main_reports() if sys.argv[1:] == ["reports"] else
             main_fleet() if sys.argv[1:] == ["fleet"] else
             main_fleet(bench_cpu) if sys.argv[1:] == ["cpu"] else
             main_fleet(bench_accounts) if sys.argv[1:] == ["accounts"] else
             main(False) if sys.argv[1:] == ["zones"] else main())
