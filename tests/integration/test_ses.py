"""Integration tests of the Amazon SES records (docs/ses.md): the real
binary against moto's SESv2 and Route 53.  moto creates identities but
returns no Easy DKIM tokens (real SES returns three as soon as a domain
identity exists), so a small loopback proxy in front of moto's SES fills
DkimAttributes.Tokens (and, where a test says so, MailFromAttributes) into
GetEmailIdentity answers.  Route 53's state is checked with boto3."""
import http.server
import json
import sys
import threading
import urllib.error
import urllib.request

import boto3

from harness import FAKE_KEY_ID, FAKE_SECRET, check, ok

TOKENS = ["abcdefghijklmnopqrstuvwxyz234567", "bcdefghijklmnopqrstuvwxyz2345672",
          "cdefghijklmnopqrstuvwxyz23456723"]
REGION = "eu-west-1"


class SesProxy:
    """Forwards to moto; fills tokens[identity] and mail_from[identity] into
    GetEmailIdentity answers and records the paths it was asked."""

    def __init__(self, upstream):
        self.tokens = {}
        self.mail_from = {}
        self.paths = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                proxy.paths.append((self.path, self.headers.get("Authorization", "")))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                req = urllib.request.Request(upstream + self.path, method="GET", headers=headers)
                try:
                    resp = urllib.request.urlopen(req, timeout=30)
                    status, data, hdrs = resp.status, resp.read(), resp.headers
                except urllib.error.HTTPError as e:
                    status, data, hdrs = e.code, e.read(), e.headers
                ident = self.path.rsplit("/", 1)[-1]
                if status == 200 and self.path.startswith("/v2/email/identities/"):
                    doc = json.loads(data)
                    if ident in proxy.tokens:
                        doc.setdefault("DkimAttributes", {})["Tokens"] = proxy.tokens[ident]
                        doc["DkimAttributes"]["Status"] = "PENDING"
                    if ident in proxy.mail_from:
                        doc["MailFromAttributes"] = {"MailFromDomain": proxy.mail_from[ident],
                                                     "MailFromDomainStatus": "PENDING",
                                                     "BehaviorOnMxFailure": "USE_DEFAULT_VALUE"}
                    data = json.dumps(doc).encode()
                self.send_response(status)
                for k in ("Content-Type", "x-amzn-ErrorType"):
                    if hdrs.get(k):
                        self.send_header(k, hdrs.get(k))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def ses_env(e, **extra):
    """The SES proxy (stopped with the test's Env) and a run() that uses it."""
    sp = SesProxy(e.moto.url)
    e.proxies.append(sp)
    env = e.env(AWS_ENDPOINT_URL_SESV2=sp.url, **extra)

    def run(*args):
        return e.run(*args, env=env)
    return sp, run


def sesv2(e):
    return boto3.client("sesv2", endpoint_url=e.moto.url, region_name=REGION,
                        aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET)


def token_records(recs):
    return {k: v for k, v in recs.items() if k[1] == "CNAME" and "._domainkey." in k[0]}


def cname(tok):
    return ["%s.dkim.amazonses.com." % tok, "%s.dkim.amazonses.com" % tok]


SES_CFG = """version: 1
domains:
  example.com:
    ses:
      region: eu-west-1
%s"""


def test_ses_tokens_become_cnames_and_second_plan_is_empty(e):
    zid = e.zone("example.com")
    sesv2(e).create_email_identity(EmailIdentity="example.com")
    sp, run = ses_env(e)
    sp.tokens["example.com"] = TOKENS
    e.config(SES_CFG % "")
    r = ok(run("apply", "--auto-approve"))
    recs = token_records(e.records(zid))
    check(len(recs) == 3, "token CNAMEs: %r" % recs)
    for t in TOKENS:
        got = recs.get(("%s._domainkey.example.com." % t, "CNAME"))
        check(got is not None and got[1][0] in cname(t), "%s: %r" % (t, got))
    check("example.com: mail sent through SES aligns on DKIM (Easy DKIM" in r.stderr and
          "DMARC passes on DKIM alone" in r.stderr, r.stderr)
    # Signed for SES in the identity's region, on the identity's path.
    check(any(p == "/v2/email/identities/example.com" and "/eu-west-1/ses/aws4_request" in a
              for p, a in sp.paths), repr(sp.paths))
    r = ok(run("plan", "--detailed-exitcode"), 0)
    check("No changes." in r.stdout, r.stdout)


def test_ses_mail_from_mx_and_spf_beside_foreign_txt(e):
    zid = e.zone("example.com")
    e.put(zid, "bounce.example.com.", "TXT", ['"foreign-verification=xyz"'])
    sesv2(e).create_email_identity(EmailIdentity="example.com")
    sp, run = ses_env(e)
    sp.tokens["example.com"] = TOKENS
    sp.mail_from["example.com"] = "bounce.example.com"
    e.config(SES_CFG % "      mail_from: bounce.example.com\n")
    r = ok(run("apply", "--auto-approve"))
    recs = e.records(zid)
    mx = recs.get(("bounce.example.com.", "MX"))
    check(mx is not None and [v.rstrip(".") for v in mx[1]] == ["10 feedback-smtp.eu-west-1.amazonses.com"],
          "MX: %r" % (mx,))
    txt = recs.get(("bounce.example.com.", "TXT"))
    check(txt is not None and sorted(txt[1]) == sorted(['"foreign-verification=xyz"',
                                                        '"v=spf1 include:amazonses.com ~all"']), "TXT: %r" % (txt,))
    check("SPF aligns through the MAIL FROM domain bounce.example.com" in r.stderr, r.stderr)
    check("warning" not in r.stderr, r.stderr)
    ok(run("plan", "--detailed-exitcode"), 0)
    # SES naming another MAIL FROM domain is a warning, not a change.
    sp.mail_from["example.com"] = "mail.example.com"
    r = ok(run("plan", "--detailed-exitcode"), 0)
    check("uses the MAIL FROM domain 'mail.example.com', not 'bounce.example.com'" in r.stderr, r.stderr)


def test_ses_saved_plan_with_mail_from_applies(e):
    zid = e.zone("example.com")
    sesv2(e).create_email_identity(EmailIdentity="example.com")
    sp, run = ses_env(e)
    sp.tokens["example.com"] = TOKENS
    e.config(SES_CFG % "      mail_from: bounce.example.com\n")
    ok(run("plan", "--out", "p.json"))
    check(e.records(zid).get(("bounce.example.com.", "MX")) is None, "plan wrote")
    ok(run("apply", "--auto-approve", "p.json"))
    recs = e.records(zid)
    check(("bounce.example.com.", "MX") in recs and len(token_records(recs)) == 3, repr(recs))


def test_ses_stale_token_kept_then_pruned(e):
    zid = e.zone("example.com")
    old = "zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
    e.put(zid, "%s._domainkey.example.com." % old, "CNAME", ["%s.dkim.amazonses.com" % old])
    e.put(zid, "other._domainkey.example.com.", "CNAME", ["elsewhere.example.net"])
    e.put(zid, "sel._domainkey.example.com.", "TXT", ['"v=DKIM1; k=rsa; p=MIGfMA0"'])
    sesv2(e).create_email_identity(EmailIdentity="example.com")
    sp, run = ses_env(e)
    sp.tokens["example.com"] = TOKENS
    e.config(SES_CFG % "")
    r = ok(run("apply", "--auto-approve"))
    recs = e.records(zid)
    check(("%s._domainkey.example.com." % old, "CNAME") in recs, "stale token deleted without prune")
    r = ok(run("plan"))
    check("stale Easy DKIM token" in r.stdout and "kept" in r.stdout and old in r.stdout, r.stdout)
    e.config(SES_CFG % "      prune_stale_tokens: true\n")
    r = ok(run("plan", "--detailed-exitcode"), 2)
    check("Plan: 0 to add, 0 to change, 1 to destroy." in r.stdout, r.stdout)
    ok(run("apply", "--auto-approve"))
    recs = e.records(zid)
    check(("%s._domainkey.example.com." % old, "CNAME") not in recs, "stale token kept with prune")
    check(("other._domainkey.example.com.", "CNAME") in recs, "a foreign CNAME was deleted")
    check(("sel._domainkey.example.com.", "TXT") in recs, "a foreign selector was deleted")
    check(len(token_records(recs)) == 4, repr(token_records(recs)))


def test_ses_missing_identity_fails_and_changes_nothing(e):
    zid = e.zone("example.com")
    before = e.records(zid)
    sp, run = ses_env(e)
    e.config(SES_CFG % "    dmarc: { policy: none }\n")
    r = ok(run("apply", "--auto-approve"), 1)
    check("SES has no identity 'example.com' in region 'eu-west-1'" in r.stderr and
          "aws sesv2 create-email-identity --email-identity example.com --region eu-west-1" in r.stderr,
          r.stderr)
    check(e.records(zid) == before, "Route 53 changed")


def test_ses_access_denied_names_the_action(e):
    e.zone("example.com")
    sp, run = ses_env(e)
    e.config(SES_CFG % "")
    orig = sp.server.RequestHandlerClass.do_GET

    def deny(self):
        body = b'{"message":"User is not authorized to perform ses:GetEmailIdentity"}'
        self.send_response(403)
        self.send_header("x-amzn-ErrorType", "AccessDeniedException")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    sp.server.RequestHandlerClass.do_GET = deny
    try:
        r = ok(run("plan"), 1)
    finally:
        sp.server.RequestHandlerClass.do_GET = orig
    check("access denied" in r.stderr and "ses:GetEmailIdentity" in r.stderr, r.stderr)


def test_ses_status(e):
    zid = e.zone("example.com")
    sesv2(e).create_email_identity(EmailIdentity="example.com")
    sp, run = ses_env(e)
    sp.tokens["example.com"] = TOKENS
    sp.mail_from["example.com"] = "bounce.example.com"
    e.config(SES_CFG % "      mail_from: bounce.example.com\n")
    r = ok(run("ses", "status"))
    check("example.com: SES identity example.com in eu-west-1" in r.stdout, r.stdout)
    check("DKIM: PENDING, Easy DKIM" in r.stdout and "3 tokens" in r.stdout, r.stdout)
    check("MAIL FROM: bounce.example.com, PENDING" in r.stdout, r.stdout)
    check("Route 53: 0 of 5 records as SES expects" in r.stdout and "missing: bounce.example.com MX" in r.stdout,
          r.stdout)
    check(e.records(zid).get(("bounce.example.com.", "MX")) is None, "ses status wrote")
    ok(run("apply", "--auto-approve"))
    r = ok(run("ses", "status"))
    check("Route 53: all 5 records SES expects are there" in r.stdout, r.stdout)
    r = ok(run("ses"), 1)
    check("'ses' needs a subcommand: status" in r.stderr, r.stderr)


if __name__ == "__main__":
    from harness import main
    sys.exit(main([fn for k, fn in sorted(globals().items()) if k.startswith("test_ses")]))
