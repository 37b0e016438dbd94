"""Integration tests of `mailauth verify`: a real DNS server (dnsmasq, from
Debian's dnsmasq-base) on loopback for each case, serving what receivers
would see, and the real binary asked with --resolver.  The answers come
from dnsmasq, never from mailauth's own output."""
import getpass
import hashlib
import json
import os
import shutil
import socket
import struct
import subprocess
import tempfile
import time

from harness import TOP, check, ok

KEY = os.path.join(TOP, "tests", "fixtures", "dkim", "ed25519.pub.pem")
with open(os.path.join(TOP, "tests", "fixtures", "dkim", "ed25519.record")) as _f:
    KEY_RECORD = _f.read().strip()

SPF = "v=spf1 include:_spf.a.test -all"
DMARC = "v=DMARC1; p=none; rua=mailto:dmarc@a.test"

CFG = """\
version: 1
domains:
  a.test:
    spf:
      include: [_spf.a.test]
      all: fail
    dkim:
      s1: { public_key_file: key.pem }
    dmarc:
      policy: none
      rua: [mailto:dmarc@a.test]
"""

# What a.test publishes when all is as CFG says.
GOOD = [("txt", "a.test", SPF), ("txt", "_spf.a.test", "v=spf1 ip4:192.0.2.0/24 -all"),
        ("txt", "s1._domainkey.a.test", KEY_RECORD), ("txt", "_dmarc.a.test", DMARC)]


def dnsmasq_bin():
    path = shutil.which("dnsmasq") or ("/usr/sbin/dnsmasq" if os.path.exists("/usr/sbin/dnsmasq") else None)
    # A missing dnsmasq fails the run: tests/deps.sh installs dnsmasq-base.
    check(path is not None, "dnsmasq not found: install Debian's dnsmasq-base (make deps)")
    return path


def free_dns_port():
    """A loopback port free for both UDP and TCP (dnsmasq listens on both)."""
    for _ in range(50):
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        u.bind(("127.0.0.1", 0))
        port = u.getsockname()[1]
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            t.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            u.close()
            t.close()
    raise RuntimeError("no free port for UDP and TCP")


def query(port, name, qtype=16, timeout=0.5):
    """One UDP query; the answer's bytes, or None."""
    pkt = struct.pack(">HHHHHH", 0x4242, 0x0100, 1, 0, 0, 0)
    pkt += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    pkt += struct.pack(">HH", qtype, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(timeout)
        s.sendto(pkt, ("127.0.0.1", port))
        try:
            return s.recv(65535)
        except OSError:
            return None


class Dns:
    """dnsmasq on 127.0.0.1:port answering for *.test only from records:
    ("txt", name, text) (text split at 255 bytes, or a list of strings),
    ("cname", alias, target), ("a", name, ipv4), ("mx", name, host, pref);
    every other
    name under test is NXDOMAIN, anything else REFUSED.  Not --no-daemon:
    that mode answers TCP in the main process, and UDP queries wait until
    the TCP connection closes."""

    def __init__(self, records):
        self.port = free_dns_port()
        # The records go to a configuration file, where dnsmasq reads
        # quoted strings (commas and all); on its command line it would not.
        lines = []
        for r in records:
            if r[0] == "txt":
                parts = r[2] if isinstance(r[2], list) else \
                    [r[2][i:i + 255] for i in range(0, max(len(r[2]), 1), 255)]
                check(all('"' not in p and "\\" not in p for p in parts), "a quote in a TXT string")
                lines.append("txt-record=%s,%s" % (r[1], ",".join('"%s"' % p for p in parts)))
            elif r[0] == "cname":
                lines.append("cname=%s,%s" % (r[1], r[2]))
            elif r[0] == "a":
                lines.append("host-record=%s,%s" % (r[1], r[2]))
            elif r[0] == "mx":
                lines.append("mx-host=%s,%s,%d" % (r[1], r[2], r[3]))
        self.conf = tempfile.NamedTemporaryFile("w", prefix="dnsmasq-", suffix=".conf", delete=False)
        self.conf.write("\n".join(lines) + "\n")
        self.conf.close()
        args = [dnsmasq_bin(), "--keep-in-foreground", "--log-facility=-", "--conf-file=" + self.conf.name,
                "--port=%d" % self.port, "--listen-address=127.0.0.1", "--bind-interfaces",
                "--no-resolv", "--no-hosts", "--local=/test/", "--pid-file=",
                "--user=%s" % getpass.getuser(), "--cache-size=0"]
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT)
        # Ready once it answers (a name it serves NXDOMAIN), not after a sleep.
        deadline = time.time() + 20
        while query(self.port, "ready.test") is None:
            if self.proc.poll() is not None or time.time() > deadline:
                self.log.seek(0)
                self.stop()
                raise RuntimeError("dnsmasq did not start:\n" + self.log.read().decode(errors="replace"))
        self.server = "127.0.0.1:%d" % self.port

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        os.unlink(self.conf.name)


def verify(e, records, cfg=CFG, *args, code=None):
    """Writes cfg (and the DKIM key), serves records, runs verify against
    them; checks the exit status when code is given."""
    e.config(cfg)
    shutil.copy(KEY, os.path.join(e.dir, "key.pem"))
    dns = Dns(records)
    try:
        r = e.run("verify", "--resolver", dns.server, "--dns-timeout", "1", *args)
    finally:
        dns.stop()
    if code is not None:
        ok(r, code)
    return r


def findings(r):
    """(check, domain) of every line of the text output: "DOMAIN: CHECK:
    MESSAGE" (the record's name is in the message, and in the JSON)."""
    out = []
    for line in r.stdout.splitlines():
        parts = line.split(": ", 2)
        if len(parts) == 3:
            out.append((parts[1], parts[0]))
    return out


def replace(records, name, new):
    return [r for r in records if r[1] != name] + ([new] if new else [])


def test_verify_all_as_configured(e):
    r = verify(e, GOOD, code=0)
    check(r.stdout == "a.test: ok\nChecked 1 domain: 0 findings, 0 names could not be checked.\n",
          r.stdout)


def test_verify_needs_no_aws_credentials(e):
    e.config(CFG)
    shutil.copy(KEY, os.path.join(e.dir, "key.pem"))
    dns = Dns(GOOD)
    try:
        env = {k: v for k, v in e.env().items() if not k.startswith("AWS_")}
        env["HOME"] = e.dir
        r = e.run("verify", "--resolver", dns.server, env=env)
    finally:
        dns.stop()
    ok(r, 0)


def test_verify_json_fields(e):
    recs = replace(GOOD, "a.test", ("txt", "a.test", "v=spf1 include:_spf.a.test ~all"))
    r = verify(e, recs, CFG, "--format", "json", code=3)
    doc = json.loads(r.stdout)
    check(doc["format_version"] == 1, doc)
    check(len(doc["domains"]) == 1, doc)
    d = doc["domains"][0]
    check(d["domain"] == "a.test", d)
    check(d["unchecked"] == [], d)
    check(len(d["findings"]) == 1, d)
    f = d["findings"][0]
    check(sorted(f) == ["check", "message", "name"], f)
    check(f["name"] == "a.test" and f["check"] == "spf-mismatch", f)
    check(f["message"] == "'a.test' publishes 'v=spf1 include:_spf.a.test ~all'; the config says "
          "'v=spf1 include:_spf.a.test -all'", f)
    check(isinstance(d["queries"], int) and 0 < d["queries"] <= 200, d)
    check(doc["counts"] == {"domains": 1, "findings": 1, "unchecked": 0}, doc)
    # All as configured: findings is an empty list, and the exit status 0.
    r = verify(e, GOOD, CFG, "--format", "json", code=0)
    d = json.loads(r.stdout)["domains"][0]
    check(d["findings"] == [] and d["unchecked"] == [], d)


def test_verify_spf_equivalent_is_not_a_finding(e):
    # Case and spacing differ, the meaning does not (plan's equivalence).
    recs = replace(GOOD, "a.test", ("txt", "a.test", "v=spf1  INCLUDE:_spf.a.test   -ALL"))
    verify(e, recs, code=0)


def test_verify_spf_missing_and_multiple(e):
    r = verify(e, replace(GOOD, "a.test", None), code=3)
    check(findings(r) == [("spf-missing", "a.test")], r.stdout)
    recs = GOOD + [("txt", "a.test", "v=spf1 -all")]
    r = verify(e, recs, code=3)
    check(findings(r) == [("spf-multiple", "a.test")], r.stdout)
    check("2 SPF records are published at 'a.test'" in r.stdout, r.stdout)


def lookups_tree(n0, n1):
    """_spf.a.test includes l0 and l1, with n0 and n1 a: terms whose
    targets have addresses (so that no lookup is void)."""
    recs = replace(GOOD, "_spf.a.test", ("txt", "_spf.a.test",
                                         "v=spf1 include:l0.a.test include:l1.a.test -all"))
    for leaf, n in (("l0", n0), ("l1", n1)):
        hosts = ["h%d.%s.a.test" % (j, leaf) for j in range(n)]
        recs.append(("txt", "%s.a.test" % leaf, "v=spf1 %s -all" % " ".join("a:" + h for h in hosts)))
        recs += [("a", h, "192.0.2.1") for h in hosts]
    return recs


def test_verify_spf_lookup_limit(e):
    # a.test's include, _spf's 2 includes, 3 + 4 a: terms: 10, the limit.
    r = verify(e, lookups_tree(3, 4), code=0)
    # One more a: under l1: 11, and the worst branch goes through l1.
    r = verify(e, lookups_tree(3, 5), code=3)
    check(findings(r) == [("spf-lookups", "a.test")], r.stdout)
    check("needs 11 DNS lookups across its includes, over the limit of 10" in r.stdout, r.stdout)
    check("worst branch: a.test (11) -> include:_spf.a.test (10) -> include:l1.a.test (5)" in r.stdout,
          r.stdout)


def test_verify_spf_void_lookups(e):
    # Two a: targets that do not exist: at the limit of two void lookups.
    recs = replace(GOOD, "_spf.a.test", ("txt", "_spf.a.test", "v=spf1 a:gone1.a.test a:gone2.a.test -all"))
    r = verify(e, recs, code=0)
    # A third: over it.
    recs = replace(GOOD, "_spf.a.test", ("txt", "_spf.a.test",
                                         "v=spf1 a:gone1.a.test a:gone2.a.test mx:gone3.a.test -all"))
    r = verify(e, recs, code=3)
    check(findings(r) == [("spf-void-lookups", "a.test")], r.stdout)
    check("makes 3 void lookups (names with no record: 'gone1.a.test' A, 'gone2.a.test' A, "
          "'gone3.a.test' MX), over the limit of 2" in r.stdout, r.stdout)


def test_verify_spf_include_none_and_loop(e):
    recs = replace(GOOD, "_spf.a.test", ("txt", "_spf.a.test", "v=spf1 include:nothing.a.test -all"))
    r = verify(e, recs, code=3)
    check(("spf-include-none", "a.test") in findings(r), r.stdout)
    check("include:'nothing.a.test' in the SPF record of '_spf.a.test' has no SPF record (NXDOMAIN)"
          in r.stdout, r.stdout)
    recs = replace(GOOD, "_spf.a.test", ("txt", "_spf.a.test", "v=spf1 include:a.test -all"))
    r = verify(e, recs, code=3)
    check(("spf-loop", "a.test") in findings(r), r.stdout)
    recs = replace(GOOD, "_spf.a.test", ("txt", "_spf.a.test", "v=spf1 include:two.a.test -all"))
    recs += [("txt", "two.a.test", "v=spf1 -all"), ("txt", "two.a.test", "v=spf1 ~all")]
    r = verify(e, recs, code=3)
    check(("spf-include-multiple", "a.test") in findings(r), r.stdout)


def test_verify_spf_macro_counted_not_followed(e):
    recs = replace(GOOD, "_spf.a.test", ("txt", "_spf.a.test", "v=spf1 " + " ".join(
        "exists:%%{i}.x%d.a.test" % i for i in range(10)) + " -all"))
    r = verify(e, recs, code=3)
    check("needs 11 DNS lookups" in r.stdout, r.stdout)
    check("terms with macros were counted, not followed" in r.stdout, r.stdout)


def test_verify_long_spf_over_tcp(e):
    # Over 512 bytes in UDP: c-ares retries over TCP and reads it whole.
    ips = " ".join("ip4:192.0.2.%d" % i for i in range(1, 60))
    cfg = CFG.replace("include: [_spf.a.test]", "include: [_spf.a.test]\n      ip4: [%s]" %
                      ", ".join("192.0.2.%d" % i for i in range(1, 60)))
    text = "v=spf1 %s include:_spf.a.test -all" % ips
    check(len(text) > 600, len(text))
    r = verify(e, replace(GOOD, "a.test", ("txt", "a.test", text)), cfg, code=0)
    check("a.test: ok" in r.stdout, r.stdout)


def test_verify_dkim(e):
    # A key other than the configured one.
    other = KEY_RECORD.replace("p=1", "p=2")
    r = verify(e, replace(GOOD, "s1._domainkey.a.test", ("txt", "s1._domainkey.a.test", other)), code=3)
    check(findings(r) == [("dkim-mismatch", "a.test")], r.stdout)
    # The configured key through a CNAME (a TXT selector served elsewhere).
    recs = replace(GOOD, "s1._domainkey.a.test", ("cname", "s1._domainkey.a.test", "k.keys.test"))
    verify(e, recs + [("txt", "k.keys.test", KEY_RECORD)], code=0)


CNAME_CFG = CFG.replace("s1: { public_key_file: key.pem }",
                        "s1: { public_key_file: key.pem }\n"
                        "      ses1: { cname: tok1.dkim.amazonses.test }\n"
                        "      old: { state: absent }")


def test_verify_dkim_cname_and_absent(e):
    good = GOOD + [("cname", "ses1._domainkey.a.test", "tok1.dkim.amazonses.test"),
                   ("txt", "tok1.dkim.amazonses.test", KEY_RECORD)]
    verify(e, good, CNAME_CFG, code=0)
    # The CNAME leads nowhere: the token no longer exists.
    r = verify(e, good[:-1], CNAME_CFG, code=3)
    check(findings(r) == [("dkim-cname", "a.test")], r.stdout)
    check("'ses1._domainkey.a.test' is a CNAME to 'tok1.dkim.amazonses.test', where no DKIM key record "
          "is published" in r.stdout, r.stdout)
    # A CNAME to another target.
    r = verify(e, replace(good, "ses1._domainkey.a.test", ("cname", "ses1._domainkey.a.test",
                                                           "tok2.dkim.amazonses.test")), CNAME_CFG, code=3)
    check("is a CNAME to 'tok2.dkim.amazonses.test'; the config wants 'tok1.dkim.amazonses.test'" in r.stdout, r.stdout)
    # The absent selector still publishes a key.
    r = verify(e, good + [("txt", "old._domainkey.a.test", KEY_RECORD)], CNAME_CFG, code=3)
    check(findings(r) == [("dkim-absent", "a.test")], r.stdout)


ROLLOUT_CFG = CFG.replace("      policy: none\n", "      rollout:\n"
                          "        - { policy: none, from: 2026-01-01 }\n"
                          "        - { policy: quarantine, from: 2026-02-01 }\n")


def test_verify_dmarc_stage_of_the_day(e):
    verify(e, GOOD, ROLLOUT_CFG, "--at", "2026-01-15", code=0)
    r = verify(e, GOOD, ROLLOUT_CFG, "--at", "2026-02-01", code=3)
    check(findings(r) == [("dmarc-mismatch", "a.test")], r.stdout)
    check("the config's stage 2 of 2 (since 2026-02-01) is 'v=DMARC1; p=quarantine; "
          "rua=mailto:dmarc@a.test'" in r.stdout, r.stdout)
    r = verify(e, GOOD + [("txt", "_dmarc.a.test", "v=DMARC1; p=reject")], CFG, code=3)
    check(findings(r) == [("dmarc-multiple", "a.test")], r.stdout)


SES_CFG = CFG + """\
    ses:
      region: eu-west-1
      mail_from: mail.a.test
"""


def test_verify_ses_mail_from(e):
    good = GOOD + [("mx", "mail.a.test", "feedback-smtp.eu-west-1.amazonses.com", 10),
                   ("txt", "mail.a.test", "v=spf1 include:amazonses.com ~all")]
    # amazonses.com is not under test: its SPF record cannot be read here
    # (dnsmasq refuses it), which is "could not check", exit 1.
    r = verify(e, good, SES_CFG, code=1)
    check(findings(r) == [("unchecked", "a.test")], r.stdout)
    check("could not check the SPF record at 'amazonses.com'" in r.stdout, r.stdout)
    r = verify(e, replace(good, "mail.a.test", None) +
               [("txt", "mail.a.test", "v=spf1 include:amazonses.com ~all"),
                ("mx", "mail.a.test", "feedback-smtp.us-east-1.amazonses.com", 10)], SES_CFG, code=3)
    check(("mail-from-mx", "a.test") in findings(r), r.stdout)
    check("the MAIL FROM domain 'mail.a.test' publishes MX '10 feedback-smtp.us-east-1.amazonses.com.'; "
          "the config wants '10 feedback-smtp.eu-west-1.amazonses.com'" in r.stdout, r.stdout)
    r = verify(e, [g for g in good if not (g[0] == "txt" and g[1] == "mail.a.test")], SES_CFG, code=3)
    check(("spf-missing", "a.test") in findings(r), r.stdout)


def test_verify_server_that_does_not_answer(e):
    # A bound socket that never answers: every query times out.
    e.config(CFG)
    shutil.copy(KEY, os.path.join(e.dir, "key.pem"))
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        r = e.run("verify", "--resolver", "127.0.0.1:%d" % port, "--dns-timeout", "1")
    ok(r, 1)
    check("could not check the TXT record at '_dmarc.a.test': no answer from 127.0.0.1:%d after 2 tries"
          % port in r.stdout, r.stdout)
    check(all(f[0] == "unchecked" for f in findings(r)), r.stdout)
    check("0 findings, 3 names could not be checked." in r.stdout, r.stdout)
    # A port nobody listens on: refused at once, the same verdict.
    r = e.run("verify", "--resolver", "127.0.0.1:%d" % port, "--format", "json")
    ok(r, 1)
    d = json.loads(r.stdout)["domains"][0]
    check(d["findings"] == [] and len(d["unchecked"]) == 3, d)
    check(all(sorted(u) == ["message", "name"] and u["message"].startswith("could not check ")
              for u in d["unchecked"]), d)


def test_verify_bad_options(e):
    e.config(CFG)
    shutil.copy(KEY, os.path.join(e.dir, "key.pem"))
    r = ok(e.run("verify", "--resolver", "127.0.0.1:99999"), 1)
    check("'127.0.0.1:99999' is not a DNS server as HOST[:PORT]" in r.stderr, r.stderr)
    # A shard with no domain of the config (plan's error), before any query.
    r = ok(e.run("verify", "--resolver", "127.0.0.1:53", "--domain", "b.test"), 1)
    check("no domain of 'mailauth.yaml' is in the shard of --domain and --zone; nothing was sent"
          in r.stderr, r.stderr)


def test_verify_domain_selects(e):
    two = CFG + "  b.test:\n    dmarc: { policy: reject }\n"
    r = verify(e, GOOD, two, "--domain", "a.test", code=0)
    check("b.test" not in r.stdout, r.stdout)
    r = verify(e, GOOD, two, code=3)
    check(findings(r) == [("dmarc-missing", "b.test")], r.stdout)
    check(r.stdout.endswith("Checked 2 domains: 1 finding, 0 names could not be checked.\n"), r.stdout)


REPORT_CFG = CFG.replace("rua: [mailto:dmarc@a.test]", "rua: [mailto:dmarc@a.test, mailto:agg@r.test]\n"
                         "      ruf: [mailto:f@r.test]")


def test_verify_report_authorization(e):
    # dnsmasq splits TXT at commas: the DMARC record as two strings that
    # receivers join.
    base = replace(GOOD, "_dmarc.a.test", ("txt", "_dmarc.a.test", [
        "v=DMARC1; p=none; rua=mailto:dmarc@a.test", ",mailto:agg@r.test; ruf=mailto:f@r.test"]))
    r = verify(e, base, REPORT_CFG, "--format", "json", code=3)
    d = json.loads(r.stdout)["domains"][0]
    check(d["findings"] == [{"name": "a.test._report._dmarc.r.test", "check": "report-auth",
                             "message": "'r.test' has not authorised DMARC reports about 'a.test': no TXT "
                             "record starting 'v=DMARC1' at 'a.test._report._dmarc.r.test' (RFC 9990 §4), "
                             "so receivers drop the report addresses at 'r.test'"}], d)
    # Published: nothing to say; rua and ruf at one domain need one record.
    verify(e, base + [("txt", "a.test._report._dmarc.r.test", "v=DMARC1")], REPORT_CFG, code=0)
    # A value receivers discard is no authorization.
    r = verify(e, base + [("txt", "a.test._report._dmarc.r.test", "v=DMARC1; rua")], REPORT_CFG, code=3)
    check(findings(r) == [("report-auth", "a.test")], r.stdout)
    check("which receivers discard" in r.stdout, r.stdout)


def test_verify_untrusted_text_is_printable(e):
    # A record with a terminal escape and a bidi override reaches the
    # output escaped, in text and in JSON.
    bad = "v=spf1 \x1b[2J\u202e include:_spf.a.test -all"
    r = verify(e, replace(GOOD, "a.test", ("txt", "a.test", bad)), code=3)
    check("\x1b" not in r.stdout and "\u202e" not in r.stdout, repr(r.stdout))
    check("'v=spf1 \\x1b[2J\\u202e include:_spf.a.test -all'" in r.stdout, r.stdout)
    r = verify(e, replace(GOOD, "a.test", ("txt", "a.test", bad)), CFG, "--format", "json", code=3)
    msg = json.loads(r.stdout)["domains"][0]["findings"][0]["message"]
    check("\x1b" not in msg and "\u202e" not in msg, repr(msg))


# --- apply --verify: moto for Route 53, dnsmasq for what DNS answers ---

APPLY_CFG = """\
version: 1
domains:
  a.test:
    dmarc:
      policy: quarantine
      rua: [mailto:dmarc@a.test]
    dkim:
      ses1: { cname: tok1.dkim.amazonses.test }
"""
NEW_DMARC = "v=DMARC1; p=quarantine; rua=mailto:dmarc@a.test"


def apply_verify(e, records, *args):
    e.config(APPLY_CFG)
    # The registry apply writes beside the records is waited for too.
    dns = Dns(records + [("txt", "_mailauth.a.test", "v=mailauth1; dmarc=_dmarc; dkim=ses1._domainkey")])
    try:
        return e.run("apply", "--auto-approve", "--verify", "--resolver", dns.server, *args)
    finally:
        dns.stop()


def test_apply_verify_waits_then_checks(e):
    zid = e.zone("a.test")
    # DNS already answers the new values (and the CNAME's target has a
    # key): applied, seen, verified.
    r = apply_verify(e, [("txt", "_dmarc.a.test", NEW_DMARC),
                         ("cname", "ses1._domainkey.a.test", "tok1.dkim.amazonses.test"),
                         ("txt", "tok1.dkim.amazonses.test", KEY_RECORD)])
    ok(r, 0)
    recs = e.records(zid)
    check(recs.get(("_dmarc.a.test.", "TXT")) == (3600, ['"%s"' % NEW_DMARC]), recs)
    check(recs.get(("ses1._domainkey.a.test.", "CNAME")) == (3600, ["tok1.dkim.amazonses.test"])
          or recs.get(("ses1._domainkey.a.test.", "CNAME")) == (3600, ["tok1.dkim.amazonses.test."]), recs)
    check("Waiting for DNS to answer the new values" in r.stdout, r.stdout)
    check(r.stdout.endswith("a.test: ok\nChecked 1 domain: 0 findings, 0 names could not be checked.\n"),
          r.stdout)


def test_apply_verify_finding_exits_3(e):
    zid = e.zone("a.test")
    # The new values are visible, but the CNAME leads nowhere.
    r = apply_verify(e, [("txt", "_dmarc.a.test", NEW_DMARC),
                         ("cname", "ses1._domainkey.a.test", "tok1.dkim.amazonses.test")])
    ok(r, 3)
    check(e.records(zid).get(("_dmarc.a.test.", "TXT")) is not None, "not applied")
    verified = r.stdout.split("Waiting for DNS to answer the new values (at most 300 s)\n\n")[1]
    check(verified.startswith("a.test: dkim-cname: 'ses1._domainkey.a.test' is a CNAME to "
                              "'tok1.dkim.amazonses.test', where no DKIM key record is published"), verified)
    check(verified.endswith("Checked 1 domain: 1 finding, 0 names could not be checked.\n"), verified)


def test_apply_verify_gives_up_after_wait_timeout(e):
    zid = e.zone("a.test")
    # DNS still answers the old DMARC record: apply is done, the wait is
    # bounded by --wait-timeout, and says which record is not seen.
    r = apply_verify(e, [("txt", "_dmarc.a.test", "v=DMARC1; p=none"),
                         ("cname", "ses1._domainkey.a.test", "tok1.dkim.amazonses.test")],
                     "--wait-timeout", "2")
    ok(r, 1)
    check(e.records(zid).get(("_dmarc.a.test.", "TXT")) is not None, "not applied")
    check("DNS does not answer the new value of '_dmarc.a.test' TXT after 2 s (1 record set not yet); "
          "run 'mailauth verify' later" in r.stderr, r.stderr)
    check("Checked" not in r.stdout, r.stdout)


POSTURE_CFG = CFG + """\
    tls_rpt:
      rua: [mailto:tls@a.test]
    mta_sts:
      mode: enforce
      mx: [mx.a.test]
  b.test:
    dmarc:
      policy: reject
    bimi:
      logo: https://b.test/logo.svg
"""


def test_verify_tls_rpt_mta_sts_and_bimi(e):
    """The TLS-RPT, MTA-STS and BIMI records are checked as the other TXT
    kinds are: missing, several, or not what the config says."""
    e.config(POSTURE_CFG)
    shutil.copy(KEY, os.path.join(e.dir, "key.pem"))
    # The MTA-STS id: the first 128 bits of the policy file's SHA-256.
    ok(e.run("mta-sts", "policy", "a.test", "--out", "sts"))
    with open(os.path.join(e.dir, "sts", "mta-sts.a.test", ".well-known", "mta-sts.txt"), "rb") as f:
        sts_id = hashlib.sha256(f.read()).hexdigest()[:32]
    good = GOOD + [("txt", "_smtp._tls.a.test", "v=TLSRPTv1; rua=mailto:tls@a.test"),
                   ("txt", "_mta-sts.a.test", "v=STSv1; id=" + sts_id),
                   ("txt", "_dmarc.b.test", "v=DMARC1; p=reject"),
                   ("txt", "default._bimi.b.test", "v=BIMI1; l=https://b.test/logo.svg")]
    r = verify(e, good, POSTURE_CFG, code=0)
    check(r.stdout.startswith("a.test: ok\nb.test: ok\n"), r.stdout)
    bad = replace(good, "_mta-sts.a.test", ("txt", "_mta-sts.a.test", "v=STSv1; id=old1"))
    bad = replace(bad, "_smtp._tls.a.test", None)
    bad = bad + [("txt", "default._bimi.b.test", "v=BIMI1; l=https://b.test/other.svg")]
    r = verify(e, bad, POSTURE_CFG, code=3)
    check(sorted(findings(r)) == [("bimi-multiple", "b.test"), ("mta-sts-mismatch", "a.test"),
                                  ("tls-rpt-missing", "a.test")], r.stdout)
    check("'_mta-sts.a.test' publishes 'v=STSv1; id=old1'; the config says 'v=STSv1; id=%s'"
          % sts_id in r.stdout, r.stdout)
