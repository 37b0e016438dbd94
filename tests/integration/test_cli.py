"""Integration tests of the command line's habits (issue 18, "The CLI"):
Terraform's single-dash long options, "did you mean" on the first line,
--endpoint-url reaching every service a command calls (STS for whoami,
SESv2 and Route 53 for ses status, S3 for reports), and --color against
NO_COLOR on a real terminal.

Where a request goes is proven by moto's answer coming back through a
recording proxy (harness.Proxy) and by boto3 asking moto the same
question; any request that would leave for AWS goes to a closed loopback
port instead (https_proxy), so nothing here touches the network.
"""
import difflib
import json
import os
import re
import shutil
import sys

import boto3

from harness import (BIN, DMARC_CFG, FAKE_KEY_ID, FAKE_SECRET, TOP, WANT_NONE, WANT_QUARANTINE, check, dmarc, ok,
                     on_terminal)

DEAD = "http://127.0.0.1:1"	# nothing listens: a request sent here fails at once
RED = "\033[31m"


def isolated(e, **extra):
    """e.env() with AWS itself out of reach and no STS, SES or S3 endpoint."""
    env = e.env(https_proxy=DEAD, HTTPS_PROXY=DEAD, AWS_EC2_METADATA_DISABLED="true", **extra)
    for k in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL_SESV2", "AWS_ENDPOINT_URL_S3"):
        env.pop(k, None)
    env.update(extra)
    return env


def lines(r):
    return r.stderr.splitlines()


# --- Terraform habits and "did you mean" -------------------------------------------------

def test_cli_single_dash_long_options_as_terraform(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    e.config(DMARC_CFG.format(policy="quarantine"))
    out = os.path.join(e.dir, "plan.json")
    r = ok(e.run("plan", "-detailed-exitcode", "-out=" + out, "-no-color"), 2)
    check("1 to change" in r.stdout, r.stdout)
    check(os.path.exists(out), "-out=FILE saved nothing")
    ok(e.run("apply", "-auto-approve", out))
    check(dmarc(e, zid) == (3600, [WANT_QUARANTINE]), "live: %r" % (dmarc(e, zid),))


def test_cli_did_you_mean_on_the_first_line(e):
    e.config(DMARC_CFG.format(policy="none"))
    for args, first in [
            (["plann"], "mailauth: unknown command 'plann'; did you mean 'plan'?"),
            (["plan", "--detailed-exit-code"],
             "mailauth: unknown option '--detailed-exit-code'; did you mean '--detailed-exitcode'?"),
            (["apply", "-auto-aprove"], "mailauth: unknown option '-auto-aprove'; did you mean '--auto-approve'?"),
            (["help", "whoamii"], "mailauth: unknown command 'whoamii'; did you mean 'whoami'?"),
            (["--colour=never", "plan"], "mailauth: unknown option '--colour'; did you mean '--color'?"),
            (["plan", "--xyzzy"], "mailauth: unknown option '--xyzzy'")]:
        r = ok(e.run(*args), 1)
        check(lines(r)[0] == first, "%r: %r" % (args, r.stderr))
        check(lines(r)[1].startswith("usage: mailauth"), "%r: %r" % (args, r.stderr))


# --- --endpoint-url: every service a command calls -----------------------------------------

def sts_account(e):
    sts = boto3.client("sts", endpoint_url=e.moto.url, region_name="us-east-1",
                       aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET)
    return sts.get_caller_identity()


def whoami_fields(r):
    out = {}
    for line in r.stdout.splitlines():
        k, _, v = line.partition("  ")
        out[k.strip()] = v.strip()
    return out


def test_cli_whoami_endpoint_url(e):
    p, other = e.proxy(), e.proxy()
    me = sts_account(e)
    # The flag wins over AWS_ENDPOINT_URL_STS and AWS_ENDPOINT_URL.
    env = isolated(e, AWS_ENDPOINT_URL_STS=other.url, AWS_ENDPOINT_URL=other.url)
    r = ok(e.run("whoami", "--endpoint-url", p.url, env=env))
    got = whoami_fields(r)
    check(got.get("account") == me["Account"] and got.get("arn") == me["Arn"], "%r, moto says %r" % (got, me))
    check([q["method"] for q in p.requests] == ["POST"] and b"Action=GetCallerIdentity" in p.requests[0]["body"],
          "the proxy saw %r" % ([(q["method"], q["path"], q["body"]) for q in p.requests],))
    check(other.requests == [], "AWS_ENDPOINT_URL_STS was used: %r" % other.requests)
    # Without the flag, AWS_ENDPOINT_URL_STS is honoured.
    r = ok(e.run("whoami", env=env))
    check(whoami_fields(r).get("account") == me["Account"] and len(other.requests) == 1, r.stdout)
    # Neither: AWS's own STS, which the closed proxy keeps out of reach.
    r = ok(e.run("whoami", env=isolated(e)), 1)
    check("sts.us-east-1.amazonaws.com" in r.stderr or "STS GetCallerIdentity" in r.stderr, r.stderr)
    # A plain http:// endpoint off loopback is refused before any request.
    r = ok(e.run("whoami", "--endpoint-url", "http://192.0.2.1:9", env=env), 1)
    check("http://" in lines(r)[0] and "--allow-insecure-endpoint" in r.stderr, r.stderr)


SES_CFG = """version: 1
domains:
  example.com:
    ses:
      region: eu-west-1
"""


def test_cli_ses_status_endpoint_url(e):
    e.zone("example.com")
    ses = boto3.client("sesv2", endpoint_url=e.moto.url, region_name="eu-west-1",
                       aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET)
    ses.create_email_identity(EmailIdentity="example.com")
    want = ses.get_email_identity(EmailIdentity="example.com")
    e.config(SES_CFG)
    p = e.proxy()
    # The variables point at nothing: only the flag can reach moto.
    env = isolated(e, AWS_ENDPOINT_URL_SESV2=DEAD, AWS_ENDPOINT_URL_ROUTE_53=DEAD)
    r = ok(e.run("ses", "status", "--endpoint-url", p.url, env=env))
    check("verification: %s" % want["VerificationStatus"] in r.stdout, "%s\nmoto says %r" % (r.stdout, want))
    paths = [q["path"] for q in p.requests]
    check("/v2/email/identities/example.com" in paths, paths)
    check(any(x.startswith("/2013-04-01/hostedzonesbyname") for x in paths), paths)
    # Without the flag, AWS_ENDPOINT_URL_SESV2 is honoured: here a dead port.
    r = ok(e.run("ses", "status", env=env), 1)
    check("domains.example.com.ses:" in r.stderr, r.stderr)


def test_cli_report_s3_endpoint_url(e):
    from test_report_s3 import BUCKET, fill
    fill(e)
    p = e.proxy()
    r = ok(e.run("report", "--format", "json", "--endpoint-url", p.url, "s3://%s/rua/" % BUCKET,
                 env=isolated(e, AWS_ENDPOINT_URL_S3=DEAD)))
    check(json.loads(r.stdout)["reports"]["read"] == 4, r.stdout)
    check(any(q["path"].startswith("/%s?list-type=2" % BUCKET) or q["path"].startswith("/%s/?list-type=2" % BUCKET)
              for q in p.requests), [q["path"] for q in p.requests])


# --- colour ------------------------------------------------------------------------------------

def test_cli_color(e):
    zid = e.zone("example.com")
    e.put(zid, "_dmarc.example.com.", "TXT", [WANT_NONE], ttl=3600)
    e.config(DMARC_CFG.format(policy="quarantine"))
    base = {k: v for k, v in e.env().items() if k not in ("NO_COLOR", "TERM")}
    base["TERM"] = "xterm"

    def tty(*args, **env):
        rc, out = on_terminal([BIN, "plan"] + list(args), dict(base, **env), e.dir)
        check(rc == 0, "exit %d: %s" % (rc, out))
        return RED in out

    def pipe(*args, **env):
        r = ok(e.run("plan", *args, env=dict(base, **env)))
        return RED in r.stdout

    # no-color.org: only a non-empty NO_COLOR turns colour off.
    check(tty(), "no colour on a terminal")
    check(tty(NO_COLOR=""), "NO_COLOR= (empty) turned colour off")
    check(not tty(NO_COLOR="1"), "NO_COLOR=1 left colour on")
    check(not tty(TERM="dumb"), "TERM=dumb left colour on")
    check(not tty("--color=never"), "--color=never on a terminal")
    check(not tty("--no-color"), "--no-color on a terminal")
    check(tty("--color", "auto"), "--color auto on a terminal")
    # A choice on the command line beats NO_COLOR and a pipe; the last one wins.
    check(not pipe(), "colour in a pipe")
    check(pipe("--color=always", NO_COLOR="1"), "--color=always lost to NO_COLOR")
    check(not pipe("--color=always", "--no-color"), "--no-color after --color=always")
    check(pipe("--no-color", "--color=always"), "--color=always after --no-color")
    r = ok(e.run("plan", "--color=sometimes", env=base), 1)
    check(lines(r)[0] == "mailauth: option '--color' takes auto, always or never, got 'sometimes'", r.stderr)


# --- the README -------------------------------------------------------------------------------

def test_cli_readme_sample_is_a_real_plan(e):
    """README's first config, planned against a zone whose apex holds the one
    TXT value the sample shows unchanged, prints exactly README's sample (the
    zone id aside); and the tour runs no config a fresh clone lacks."""
    with open(os.path.join(TOP, "README.md")) as f:
        readme = f.read()
    cfg = re.search(r"```yaml\n(.*?)```", readme, re.S).group(1)
    sample = re.search(r"```console\n\$ mailauth plan\n(.*?)\$ mailauth apply\n```", readme, re.S).group(1)
    zid = e.zone("example.com")
    e.put(zid, "example.com.", "TXT", ['"google-site-verification=3x4mpl3"'])
    e.config(cfg)
    for key in re.findall(r"public_key_file: (\S+) ", cfg):
        os.makedirs(os.path.join(e.dir, os.path.dirname(key)), exist_ok=True)
        shutil.copy(os.path.join(TOP, "examples", key), os.path.join(e.dir, key))
    r = ok(e.run("plan"))
    got = r.stdout.replace(zid, "Z0123456789ABC")
    check(got.rstrip("\n") == sample.rstrip("\n"), "README's sample differs from the real plan:\n%s" % "".join(
        difflib.unified_diff(sample.splitlines(True), got.splitlines(True), "README.md", "mailauth plan")))
    tour = re.search(r"## A short tour\n\n```sh\n(.*?)```", readme, re.S).group(1)
    runs = [l.split("#")[0] for l in tour.splitlines() if l.startswith("build/mailauth")]
    check(len(runs) >= 8, runs)
    for m in re.finditer(r"-c (\S+)", "\n".join(runs)):
        check(os.path.exists(os.path.join(TOP, m.group(1))), "the tour runs -c %s, which a clone lacks" % m.group(1))


if __name__ == "__main__":
    from harness import main
    sys.exit(main([fn for k, fn in sorted(globals().items()) if k.startswith("test_cli")]))
