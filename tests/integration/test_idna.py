"""Internationalized domain names: a Unicode domain in the config is managed
at its A-labels (IDNA2008), which is how Route 53 holds it; a name that is
not valid IDNA is a config error at its line, and nothing is sent."""
import os

import yaml

from harness import check, ok
from test_schema import errors, schema, validator

IDN_CFG = """\
version: 1
domains:
  Bücher.example:
    zone: bücher.example
    spf: { include: [_spf.example.net], all: fail }
    dkim:
      mail: { cname: mail.dkim.example.net }
    dmarc: { policy: none }
"""

BAD_CFG = """\
version: 1
domains:
  a\u2665.example:
    dmarc: { policy: none }
  example.com:
    dmarc: { policy: none }
"""


def config(e, text):
    # Bytes, whatever the locale: the file is UTF-8.
    with open(os.path.join(e.dir, "mailauth.yaml"), "wb") as f:
        f.write(text.encode("utf-8"))


def test_unicode_domain_is_written_at_its_a_labels(e):
    zid = e.zone("xn--bcher-kva.example")
    config(e, IDN_CFG)
    ok(e.run("validate"))
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    # The plan names the domain in both forms.
    check("bücher.example (xn--bcher-kva.example)" in r.stdout, r.stdout)
    check("_dmarc.xn--bcher-kva.example TXT" in r.stdout, r.stdout)
    check(e.records(zid).get(("_dmarc.xn--bcher-kva.example.", "TXT")) is None, "plan changed the zone")
    ok(e.run("apply", "--auto-approve"))
    recs = e.records(zid)
    check(recs.get(("_dmarc.xn--bcher-kva.example.", "TXT")) == (3600, ['"v=DMARC1; p=none"']), recs)
    check(recs.get(("mail._domainkey.xn--bcher-kva.example.", "CNAME")) == (3600, ["mail.dkim.example.net."]),
          recs)
    check(recs.get(("xn--bcher-kva.example.", "TXT")) == (3600, ['"v=spf1 include:_spf.example.net -all"']),
          recs)
    # Nothing was written under a name holding the raw UTF-8 bytes.
    check(all(n.isascii() and "xn--bcher-kva.example." in n for n, _ in recs), sorted(recs))
    # Planned again, there is nothing to do.
    r = ok(e.run("plan", "--detailed-exitcode"), 0)
    check("No changes." in r.stdout, r.stdout)


def test_invalid_idna_name_fails_validate_and_sends_nothing(e):
    zid = e.zone("example.com")
    config(e, BAD_CFG)
    # The name as written: printable UTF-8 is shown, not turned into '?'.
    want = ("mailauth.yaml:3:3: domains.a\u2665.example: 'a\u2665.example' is not a valid "
            "internationalized domain name (IDNA2008): string contains a disallowed character")
    r = ok(e.run("validate"), 1)
    check(want in r.stderr, r.stderr)
    p = e.proxy()
    r = ok(e.run("plan", endpoint=p.url), 1)
    check(want in r.stderr, r.stderr)
    r = ok(e.run("apply", "--auto-approve", endpoint=p.url), 1)
    check(want in r.stderr, r.stderr)
    check(p.requests == [], "requests were sent: %r" % p.requests)
    check(e.records(zid).get(("_dmarc.example.com.", "TXT")) is None, "zone changed")


def test_schema_accepts_unicode_names(e):
    # Editors validating with docs/mailauth.schema.json take what mailauth takes.
    v = validator(schema())
    doc = yaml.safe_load(IDN_CFG)
    check(not errors(v, doc), errors(v, doc))
