"""Integration tests of the credentials chain (docs/credentials.md): the real
mailauth binary with a temporary HOME and shared files, moto's STS for role
chains and web identity, a credential_process, container credentials and
instance metadata served by local test servers on loopback.

moto does not check signatures, so which credentials signed a Route 53
request is read from its Authorization header (Credential=KEY/...) and
looked up with boto3 in moto's STS: the assumed-role ARN comes back for a
key moto handed out with AssumeRole."""
import http.server
import json
import os
import re
import stat
import threading
import time
import urllib.error
import urllib.request

import boto3

from harness import BIN, DMARC_CFG, WANT_NONE, check, dmarc, ok, on_terminal

SECRET_BASE = "baseSECRETb4seSECRETbaseSECRET000000001"
SECRET_DEV = "devSECRETd3vSECRETdevSECRETdev000000002"
OIDC_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm9yZy9yZXBvIn0.c2lnbmF0dXJlT0lEQw"
CONTAINER_AUTH = "containerAUTHtoken-7d1c0e0f"
CONTAINER_SECRET = "containerSECRETkey-1b2c3d4e5f6a7b8c9d0e"
CONTAINER_TOKEN = "containerSESSIONtoken-FwoGZXIvYXdzEBQaDEXAMPLE"
PROCESS_SECRET = "processSECRETkey-0a0b0c0d0e0f"


# --- the world ------------------------------------------------------------------

def write(e, rel, text, mode=None):
    path = os.path.join(e.dir, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    if mode is not None:
        os.chmod(path, mode)
    return path


def cenv(e, endpoint=None, **extra):
    """mailauth's environment without credentials: HOME is the test's
    folder, STS is moto, instance metadata is off; extra may add (or, with
    None, remove) variables."""
    env = e.env(endpoint)
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    env["AWS_ENDPOINT_URL_STS"] = e.moto.url
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env.update(extra)
    return {k: v for k, v in env.items() if v is not None}


def whoami(e, *args, env, code=0):
    r = ok(e.run("whoami", *args, env=env), code)
    out = {}
    for line in r.stdout.splitlines():
        k, _, v = line.partition("  ")
        out[k.strip()] = v.strip()
    return out, r


def key_ids(p):
    """The access key ids that signed the Route 53 requests the proxy saw."""
    ids = []
    for q in p.requests:
        m = re.search(r"Credential=([A-Z0-9]+)/", q["headers"].get("Authorization", ""))
        check(m is not None, "unsigned request: %r" % (q,))
        ids.append(m.group(1))
    return ids


def arn_of(e, key_id):
    sts = boto3.client("sts", endpoint_url=e.moto.url, region_name="us-east-1",
                       aws_access_key_id=key_id, aws_secret_access_key="any")
    return sts.get_caller_identity()["Arn"]


class Server:
    """A small HTTP server on a free loopback port, answering with
    handler(method, path, headers) -> (status, body); it records requests."""

    def __init__(self, handler):
        self.requests = []
        srv = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                srv.requests.append((self.command, self.path, dict(self.headers)))
                status, body = handler(self.command, self.path, self.headers)
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = answer

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class StsTap:
    """Forwards to moto and keeps every STS answer, so that a test knows the
    secrets moto handed out and can look for them in mailauth's output."""

    def __init__(self, upstream):
        self.answers = []
        self.bodies = []
        tap = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                tap.bodies.append((dict(self.headers), body.decode()))
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "content-length")}
                req = urllib.request.Request(upstream + self.path, data=body, method="POST", headers=headers)
                try:
                    resp = urllib.request.urlopen(req, timeout=30)
                    status, data = resp.status, resp.read()
                except urllib.error.HTTPError as err:
                    status, data = err.code, err.read()
                tap.answers.append(data.decode())
                self.send_response(status)
                self.send_header("Content-Type", "text/xml")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def secrets(self):
        out = []
        for a in self.answers:
            out += re.findall(r"<(?:SecretAccessKey|SessionToken)>([^<]+)<", a)
        return out

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def r53_as(e, role_arn):
    """A boto3 Route 53 client acting as role_arn: moto keeps each account's
    zones apart and takes an assumed role's key as its role's account."""
    sts = boto3.client("sts", endpoint_url=e.moto.url, region_name="us-east-1",
                       aws_access_key_id="AKIASEED00000000000", aws_secret_access_key="x")
    c = sts.assume_role(RoleArn=role_arn, RoleSessionName="seed")["Credentials"]
    return boto3.client("route53", endpoint_url=e.moto.url, region_name="us-east-1",
                        aws_access_key_id=c["AccessKeyId"], aws_secret_access_key=c["SecretAccessKey"],
                        aws_session_token=c["SessionToken"])


def zone_as(r53, name):
    z = r53.create_hosted_zone(Name=name, CallerReference="%s-%f" % (name, time.time()))
    return z["HostedZone"]["Id"].split("/")[-1]


def dmarc_as(r53, zid, name="_dmarc.example.com."):
    for rs in r53.list_resource_record_sets(HostedZoneId=zid)["ResourceRecordSets"]:
        if (rs["Name"], rs["Type"]) == (name, "TXT"):
            return rs.get("TTL"), [r["Value"] for r in rs["ResourceRecords"]]
    return None


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


PROFILES_CONFIG = """\
# shared config, with the quirks the AWS CLI accepts
[default]
region = us-east-1

[profile dev]
region=eu-west-1
; the keys of dev are in the credentials file

[profile ci]
role_arn = arn:aws:iam::111111111111:role/deployer
source_profile = base
role_session_name = ci-session

[profile second]
role_arn = arn:aws:iam::222222222222:role/second
source_profile = ci
role_session_name = second-session

[profile loop-a]
role_arn = arn:aws:iam::111111111111:role/a
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::111111111111:role/b
source_profile = loop-a

[profile oidc]
role_arn = arn:aws:iam::333333333333:role/oidc
web_identity_token_file = ~/oidc-token
role_session_name = gha-run

[base]
aws_access_key_id = AKIANOTAPROFILE0000
"""

PROFILES_CREDENTIALS = """\
[base]
aws_access_key_id = AKIABASE00000000000
aws_secret_access_key = %s

[dev]
aws_access_key_id=AKIADEV000000000000
aws_secret_access_key =   %s
""" % (SECRET_BASE, SECRET_DEV)


def shared_files(e):
    write(e, ".aws/config", PROFILES_CONFIG)
    write(e, ".aws/credentials", PROFILES_CREDENTIALS)


# --- profiles and precedence ----------------------------------------------------------

def test_creds_profiles_and_precedence(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    shared_files(e)
    p = e.proxy()
    env = cenv(e, p.url)
    # --profile picks a profile of the credentials file; apply signs with it.
    ok(e.run("apply", "--auto-approve", "--profile", "dev", env=env))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))
    check(set(key_ids(p)) == {"AKIADEV000000000000"}, "signed with %r" % (set(key_ids(p)),))
    me, _ = whoami(e, "--profile", "dev", env=env)
    check(me["source"] == "profile dev (static keys)", me)
    check(me["account"] == "123456789012" and me["arn"].startswith("arn:aws:"), me)

    # Environment keys beat AWS_PROFILE, but not --profile.
    keys = dict(AWS_ACCESS_KEY_ID="AKIAENV000000000000", AWS_SECRET_ACCESS_KEY="envsecret")
    me, _ = whoami(e, env=cenv(e, AWS_PROFILE="dev", **keys))
    check(me["source"] == "environment", me)
    me, _ = whoami(e, "--profile", "dev", env=cenv(e, AWS_PROFILE="base", **keys))
    check(me["source"] == "profile dev (static keys)", me)
    me, _ = whoami(e, env=cenv(e, AWS_PROFILE="dev"))
    check(me["source"] == "profile dev (static keys)", me)
    p.requests.clear()
    ok(e.run("plan", env=cenv(e, p.url, AWS_PROFILE="dev", **keys)))
    check(set(key_ids(p)) == {"AKIAENV000000000000"}, "signed with %r" % (set(key_ids(p)),))

    # [base] in the config file is not a profile; [base] in credentials is.
    me, _ = whoami(e, "--profile", "base", env=env)
    check(me["source"] == "profile base (static keys)", me)
    # A named profile that does not exist is an error, even beside keys.
    _, r = whoami(e, "--profile", "nosuch", env=cenv(e, **keys), code=1)
    check("profile 'nosuch' (from --profile): not in '%s/.aws/config' or '%s/.aws/credentials'"
          % (e.dir, e.dir) in r.stderr, r.stderr)


def test_creds_nothing_found_lists_what_was_tried(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    p = e.proxy()
    r = ok(e.run("plan", env=cenv(e, p.url)), 1)
    check("mailauth: no AWS credentials found; tried: "
          "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set; "
          "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set and profile 'default' has no "
          "web_identity_token_file; "
          "profile 'default': not in '%s/.aws/config' or '%s/.aws/credentials'; "
          "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI "
          "are not set; "
          "instance metadata: AWS_EC2_METADATA_DISABLED is true\n" % (e.dir, e.dir) in r.stderr, r.stderr)
    check(p.requests == [], "requests were sent")
    # A profile that holds no credentials says so.
    write(e, ".aws/config", "[default]\nregion = eu-west-1\n")
    r = ok(e.run("whoami", env=cenv(e)), 1)
    check("profile 'default': no aws_access_key_id, role_arn or credential_process in it;" in r.stderr,
          r.stderr)


# --- roles through moto's STS ---------------------------------------------------------------

def test_creds_role_chain_through_sts(e):
    mine = e.zone("example.com")
    theirs = r53_as(e, "arn:aws:iam::111111111111:role/deployer")
    zid = zone_as(theirs, "example.com")
    e.config(DMARC_CFG.format(policy="none"))
    shared_files(e)
    tap = StsTap(e.moto.url)
    p = e.proxy()
    try:
        env = cenv(e, p.url, AWS_ENDPOINT_URL_STS=tap.url)
        me, _ = whoami(e, "--profile", "ci", env=env)
        check(me["arn"] == "arn:aws:sts::111111111111:assumed-role/deployer/ci-session", me)
        check(me["account"] == "111111111111", me)
        check(me["source"] == "profile ci (role_arn via source_profile base)", me)
        check("expires" in me, me)
        # AssumeRole was signed by the source profile's keys.
        headers, body = tap.bodies[0]
        check("Action=AssumeRole&" in body and "RoleSessionName=ci-session" in body, body)
        check("Credential=AKIABASE00000000000/" in headers.get("Authorization", ""), headers)

        # apply signs Route 53 requests with the assumed role's keys.
        ok(e.run("apply", "--auto-approve", "--profile", "ci", env=env))
        check(dmarc_as(theirs, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc_as(theirs, zid),))
        check(dmarc(e, mine) is None, "the zone of the source account was changed")
        ids = set(key_ids(p))
        check(len(ids) == 1, "signed with %r" % ids)
        check(arn_of(e, ids.pop()) == "arn:aws:sts::111111111111:assumed-role/deployer/ci-session",
              "Route 53 was not called as the role")

        # Two roles: the second is assumed with the first's credentials.
        n = len(tap.bodies)
        me, _ = whoami(e, "--profile", "second", env=env)
        check(me["arn"] == "arn:aws:sts::222222222222:assumed-role/second/second-session", me)
        check(me["source"] == "profile second (role_arn via source_profile ci, role_arn via source_profile "
              "base)", me)
        headers, body = tap.bodies[n + 1]
        check("role%2Fsecond" in body, body)
        check("X-Amz-Security-Token" in headers, "the second AssumeRole is not signed with a session")

        # Loops are found before anything is sent.
        n = len(tap.bodies)
        _, r = whoami(e, "--profile", "loop-a", env=env, code=1)
        check("profiles form a loop through source_profile: 'loop-a' -> 'loop-b' -> 'loop-a'" in r.stderr,
              r.stderr)
        check(len(tap.bodies) == n, "STS was called")
    finally:
        tap.stop()


def test_creds_web_identity_through_sts(e):
    theirs = r53_as(e, "arn:aws:iam::444444444444:role/gha")
    zid = zone_as(theirs, "example.com")
    e.config(DMARC_CFG.format(policy="none"))
    shared_files(e)
    token = write(e, "oidc-token", OIDC_TOKEN + "\n")
    tap = StsTap(e.moto.url)
    p = e.proxy()
    try:
        # The GitHub Actions / GitLab way: variables, before the shared files.
        env = cenv(e, p.url, AWS_ENDPOINT_URL_STS=tap.url, AWS_ROLE_ARN="arn:aws:iam::444444444444:role/gha",
                   AWS_WEB_IDENTITY_TOKEN_FILE=token, AWS_ROLE_SESSION_NAME="run-7", AWS_PROFILE="dev")
        me, _ = whoami(e, env=env)
        check(me["arn"] == "arn:aws:sts::444444444444:assumed-role/gha/run-7", me)
        check(me["source"] == "web identity", me)
        headers, body = tap.bodies[0]
        check("Authorization" not in headers, "AssumeRoleWithWebIdentity was signed")
        check("Action=AssumeRoleWithWebIdentity" in body and "WebIdentityToken=" in body, body)

        r = ok(e.run("apply", "--auto-approve", "--debug", env=env))
        check(dmarc_as(theirs, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc_as(theirs, zid),))
        ids = set(key_ids(p))
        check(len(ids) == 1 and arn_of(e, ids.pop()) == "arn:aws:sts::444444444444:assumed-role/gha/run-7",
              "Route 53 was not called as the role")
        secrets = tap.secrets()
        check(len(secrets) >= 2, "moto answered no credentials: %r" % tap.answers)
        for s in secrets + [OIDC_TOKEN]:
            check(s not in r.stderr and s not in r.stdout, "a secret in the output: %s" % s)
        check("debug: credentials from web identity" in r.stderr, r.stderr)

        # The profile way.
        me, _ = whoami(e, "--profile", "oidc", env=cenv(e, AWS_ENDPOINT_URL_STS=tap.url))
        check(me["arn"] == "arn:aws:sts::333333333333:assumed-role/oidc/gha-run", me)
        check(me["source"] == "web identity (profile oidc)", me)

        # A token file that is not there is an error, not a fallback.
        env["AWS_WEB_IDENTITY_TOKEN_FILE"] = os.path.join(e.dir, "missing")
        _, r = whoami(e, env=env, code=1)
        check("web identity: cannot read '%s/missing' (AWS_WEB_IDENTITY_TOKEN_FILE): No such file or "
              "directory" % e.dir in r.stderr, r.stderr)
    finally:
        tap.stop()


# --- credential_process ------------------------------------------------------------------------

def test_creds_credential_process_prompts_on_the_terminal(e):
    """The command runs in a process group of its own (so that a timeout kills
    what it started) and has the terminal while it runs: it can prompt and
    read an answer (an MFA code) instead of being stopped by SIGTTIN."""
    write(e, "ask.sh", "#!/bin/sh\nprintf 'MFA code: ' >&2\nread code\n"
          "printf '{\"Version\": 1, \"AccessKeyId\": \"AKIAASKED%s\", "
          "\"SecretAccessKey\": \"%s\"}' \"$code\"\n" % ("%s", PROCESS_SECRET), mode=stat.S_IRWXU)
    write(e, ".aws/config", "[profile ask]\ncredential_process = %s/ask.sh\n" % e.dir)
    status, text = on_terminal([BIN, "whoami", "--profile", "ask"], cenv(e), e.dir, (b"MFA code:", b"1234567890"))
    check(status == 0, "exit %r:\n%s" % (status, text))
    check("credential_process (profile ask)" in text, text)

def test_creds_credential_process(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    good = json.dumps({"Version": 1, "AccessKeyId": "AKIAPROCESS00000000", "SecretAccessKey": PROCESS_SECRET,
                       "SessionToken": "processTOKEN-abcdef", "Expiration": iso(time.time() + 3600)})
    write(e, "helper.sh", "#!/bin/sh\n"
          "case \"$1\" in\n"
          "good) printf '%%s' '%s' ;;\n"
          "badjson) echo '{\"Version\": 1, \"AccessKeyId\": ' ;;\n"
          "missing) echo '{\"Version\": 1, \"AccessKeyId\": \"AKIAPROCESS00000000\"}' ;;\n"
          "fail) echo 'helper: the vault is sealed' >&2; exit 3 ;;\n"
          "expired) echo '{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": \"%s\", "
          "\"Expiration\": \"2020-01-01T00:00:00Z\"}' ;;\n"
          "esac\n" % (good, PROCESS_SECRET), mode=stat.S_IRWXU)
    write(e, ".aws/config", "".join(
        "[profile %s]\ncredential_process = %s/helper.sh %s\n\n" % (n, e.dir, n)
        for n in ("good", "badjson", "missing", "fail", "expired")))
    p = e.proxy()
    me, _ = whoami(e, "--profile", "good", env=cenv(e))
    check(me["source"] == "credential_process (profile good)", me)
    r = ok(e.run("apply", "--auto-approve", "--profile", "good", "--debug", env=cenv(e, p.url)))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))
    check(set(key_ids(p)) == {"AKIAPROCESS00000000"}, "signed with %r" % (set(key_ids(p)),))
    for s in (PROCESS_SECRET, "processTOKEN-abcdef"):
        check(s not in r.stderr and s not in r.stdout, "a secret in the output: %s" % s)

    for name, msg in (
            ("badjson", "credential_process of profile 'badjson' printed no usable credentials: not valid JSON"),
            ("missing", "credential_process of profile 'missing' printed no usable credentials: "
                        "\"SecretAccessKey\" is missing"),
            ("fail", "credential_process of profile 'fail' exited with status 3"),
            ("expired", "credential_process of profile 'expired' returned credentials that expired at "
                        "2020-01-01T00:00:00Z")):
        p.requests.clear()
        r = ok(e.run("plan", "--profile", name, env=cenv(e, p.url)), 1)
        check("mailauth: " + msg in r.stderr, r.stderr)
        check(PROCESS_SECRET not in r.stderr, r.stderr)
        check(p.requests == [], "requests were sent")
    # The process's own messages reach the user.
    r = ok(e.run("whoami", "--profile", "fail", env=cenv(e)), 1)
    check("helper: the vault is sealed" in r.stderr, r.stderr)


# --- container credentials and instance metadata ---------------------------------------------------

def container_handler(state):
    def handler(method, path, headers):
        state["calls"] += 1
        if headers.get("Authorization") != CONTAINER_AUTH:
            return 401, '{"message": "bad authorization"}'
        return 200, json.dumps({"AccessKeyId": "ASIACONTAINER000000%d" % state["calls"],
                                "SecretAccessKey": CONTAINER_SECRET, "Token": CONTAINER_TOKEN,
                                "Expiration": iso(time.time() + state["lifetime"]),
                                "RoleArn": "arn:aws:iam::555555555555:role/task"})
    return handler


def test_creds_container(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    state = {"calls": 0, "lifetime": 3600}
    srv = Server(container_handler(state))
    p = e.proxy()
    try:
        tokfile = write(e, "container-token", CONTAINER_AUTH + "\n")
        env = cenv(e, p.url, AWS_CONTAINER_CREDENTIALS_FULL_URI=srv.url + "/v1/credentials",
                   AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=tokfile)
        me, _ = whoami(e, env=env)
        check(me["source"] == "container", me)
        check(srv.requests[0][:2] == ("GET", "/v1/credentials"), srv.requests)

        r = ok(e.run("plan", "--debug", env=env))
        for s in (CONTAINER_AUTH, CONTAINER_SECRET, CONTAINER_TOKEN):
            check(s not in r.stderr and s not in r.stdout, "a secret in the output: %s" % s)
        check(set(key_ids(p)) == {"ASIACONTAINER0000002"}, "signed with %r" % (set(key_ids(p)),))

        # Credentials that lapse within the refresh margin are fetched
        # again before each request.
        state["lifetime"] = 200
        before = state["calls"]
        p.requests.clear()
        ok(e.run("apply", "--auto-approve", env=env))
        check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))
        check(state["calls"] - before == 1 + len(p.requests),
              "%d fetches for %d requests" % (state["calls"] - before, len(p.requests)))
        check(len(set(key_ids(p))) == len(p.requests), "not refreshed: %r" % key_ids(p))

        # A wrong token is an error naming the endpoint.
        env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = write(e, "wrong-token", "nope")
        _, r = whoami(e, env=env, code=1)
        check("mailauth: container: '%s/v1/credentials' answered HTTP 401: {\"message\": \"bad authorization\"}"
              % srv.url in r.stderr, r.stderr)
        # Plain http to another host is refused before anything is sent.
        n = len(srv.requests)
        env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://192.0.2.1/creds"
        _, r = whoami(e, env=env, code=1)
        check("AWS_CONTAINER_CREDENTIALS_FULL_URI 'http://192.0.2.1/creds' is neither https:// nor http:// "
              "to a loopback address" in r.stderr, r.stderr)
        check(len(srv.requests) == n, "a request was sent")
    finally:
        srv.stop()


def test_creds_instance_metadata_on_loopback(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    exp = iso(time.time() + 6 * 3600)

    def imds(method, path, headers):
        if method == "PUT" and path == "/latest/api/token":
            if headers.get("X-aws-ec2-metadata-token-ttl-seconds") != "21600":
                return 400, ""
            return 200, "imds-session-TOKEN-123"
        if headers.get("X-aws-ec2-metadata-token") != "imds-session-TOKEN-123":
            return 401, ""
        if path == "/latest/meta-data/iam/security-credentials/":
            return 200, "web-server-role"
        if path == "/latest/meta-data/iam/security-credentials/web-server-role":
            return 200, json.dumps({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAIMDS0000000000001",
                                    "SecretAccessKey": "imdsSECRET-99", "Token": "imdsTOKEN-99",
                                    "Expiration": exp})
        return 404, ""

    srv = Server(imds)
    p = e.proxy()
    try:
        env = cenv(e, p.url, AWS_EC2_METADATA_DISABLED=None, AWS_EC2_METADATA_SERVICE_ENDPOINT=srv.url)
        me, _ = whoami(e, env=env)
        check(me["source"] == "instance metadata", me)
        check([r[:2] for r in srv.requests] == [
            ("PUT", "/latest/api/token"), ("GET", "/latest/meta-data/iam/security-credentials/"),
            ("GET", "/latest/meta-data/iam/security-credentials/web-server-role")], srv.requests)
        r = ok(e.run("plan", "--debug", env=env))
        check(set(key_ids(p)) == {"ASIAIMDS0000000000001"}, "signed with %r" % (set(key_ids(p)),))
        for s in ("imdsSECRET-99", "imdsTOKEN-99", "imds-session-TOKEN-123"):
            check(s not in r.stderr and s not in r.stdout, "a secret in the output: %s" % s)
        # Switched off, it is not asked.
        n = len(srv.requests)
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        ok(e.run("whoami", env=env), 1)
        check(len(srv.requests) == n, "instance metadata was asked")
    finally:
        srv.stop()


# --- precedence between the sources -------------------------------------------------------------

def test_creds_source_order(e):
    shared_files(e)
    write(e, "oidc-token", OIDC_TOKEN)
    state = {"calls": 0, "lifetime": 3600}
    srv = Server(container_handler(state))
    try:
        keys = dict(AWS_ACCESS_KEY_ID="AKIAENV000000000000", AWS_SECRET_ACCESS_KEY="envsecret")
        web = dict(AWS_ROLE_ARN="arn:aws:iam::444444444444:role/gha",
                   AWS_WEB_IDENTITY_TOKEN_FILE=os.path.join(e.dir, "oidc-token"))
        cont = dict(AWS_CONTAINER_CREDENTIALS_FULL_URI=srv.url + "/creds",
                    AWS_CONTAINER_AUTHORIZATION_TOKEN=CONTAINER_AUTH)
        prof = dict(AWS_PROFILE="dev")
        for extra, want in (
                ({**keys, **web, **prof, **cont}, "environment"),
                ({**web, **prof, **cont}, "web identity"),
                ({**prof, **cont}, "profile dev (static keys)"),
                (cont, "container")):
            me, _ = whoami(e, env=cenv(e, **extra))
            check(me["source"] == want, "%r: %r" % (sorted(extra), me))
        # The default profile of the files comes before the container.
        write(e, ".aws/credentials", PROFILES_CREDENTIALS + "[default]\naws_access_key_id = AKIADEFAULT00000000\n"
              "aws_secret_access_key = x\n")
        me, _ = whoami(e, env=cenv(e, **cont))
        check(me["source"] == "profile default (static keys)", me)
    finally:
        srv.stop()


# --- shared files that are not files ---------------------------------------------------------

def test_creds_shared_file_fifo_is_an_error(e):
    """A FIFO where ~/.aws/config or the credentials file is (a mistake, or
    someone else's doing) is an error naming it, at once: opening it for
    reading would wait for a writer for ever (the timeout fails a regression
    instead of hanging the suite)."""
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    p = e.proxy()
    os.makedirs(os.path.join(e.dir, ".aws"))
    fifo = os.path.join(e.dir, ".aws", "config")
    os.mkfifo(fifo)
    r = ok(e.run("plan", env=cenv(e, p.url), timeout=20), 1)
    check("cannot read '%s': it is a FIFO, not a regular file" % fifo in r.stderr, r.stderr)
    r = ok(e.run("whoami", env=cenv(e), timeout=20), 1)
    check("cannot read '%s': it is a FIFO, not a regular file" % fifo in r.stderr, r.stderr)
    os.unlink(fifo)
    creds = os.path.join(e.dir, "creds-fifo")
    os.mkfifo(creds)
    r = ok(e.run("whoami", env=cenv(e, AWS_SHARED_CREDENTIALS_FILE=creds), timeout=20), 1)
    check("cannot read '%s': it is a FIFO, not a regular file" % creds in r.stderr, r.stderr)
    token = os.path.join(e.dir, "token-fifo")
    os.mkfifo(token)
    r = ok(e.run("whoami", env=cenv(e, AWS_WEB_IDENTITY_TOKEN_FILE=token,
                                    AWS_ROLE_ARN="arn:aws:iam::123456789012:role/r"), timeout=20), 1)
    check("cannot read '%s' (AWS_WEB_IDENTITY_TOKEN_FILE): it is a FIFO, not a regular file" % token
          in r.stderr, r.stderr)
    check(p.requests == [], "requests were sent")
