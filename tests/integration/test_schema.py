"""docs/mailauth.schema.json, the JSON Schema editors (yaml-language-server)
validate mailauth.yaml with: it is a valid draft-07 schema; every example
configuration (and every built-in rollout template, against its own
definition) validates, and mailauth accepts each; every key documented in
docs/configuration.md is in it; configs that break the documented rules are
rejected by it (and by mailauth)."""
import glob
import json
import os
import re
import subprocess

import jsonschema
import yaml

from harness import BIN, TOP, check

SCHEMA = os.path.join(TOP, "docs", "mailauth.schema.json")
CONFIG_MD = os.path.join(TOP, "docs", "configuration.md")


class Loader(yaml.SafeLoader):
    """YAML as editors read it (YAML 1.2's core schema): dates are strings."""


Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def schema():
    with open(SCHEMA) as f:
        s = json.load(f)
    jsonschema.Draft7Validator.check_schema(s)
    return s


def validator(s, ref=None):
    if ref is not None:
        s = dict(s, **{"$ref": "#/definitions/" + ref})
        for k in ("properties", "required", "additionalProperties", "type"):
            s.pop(k, None)
    return jsonschema.Draft7Validator(s)


def errors(v, doc):
    return ["%s: %s" % ("/".join(map(str, e.absolute_path)), e.message) for e in v.iter_errors(doc)]


def load(path):
    with open(path) as f:
        return yaml.load(f, Loader=Loader)


def test_schema_examples_validate(e):
    s = schema()
    v = validator(s)
    paths = sorted(glob.glob(os.path.join(TOP, "examples", "*.yaml")))
    check(len(paths) >= 2, paths)
    for p in paths:
        doc = load(p)
        check(not errors(v, doc), "%s: %r" % (p, errors(v, doc)))
        r = subprocess.run([BIN, "validate", "-c", p], capture_output=True, text=True, timeout=60)
        check(r.returncode == 0, "%s: mailauth refuses it: %s" % (p, r.stderr))
    tv = validator(s, "template")
    templates = sorted(glob.glob(os.path.join(TOP, "policies", "dmarc", "*.yaml")))
    check(templates, "no templates")
    for p in templates:
        check(not errors(tv, load(p)), "%s: %r" % (p, errors(tv, load(p))))


def documented_keys():
    """The keys in the first column of docs/configuration.md's key tables."""
    keys = set()
    table = False
    with open(CONFIG_MD) as f:
        for line in f:
            if line.startswith("| key |"):
                table = True
                continue
            if not line.startswith("|"):
                table = False
                continue
            if not table or line.startswith("|---"):
                continue
            m = re.match(r"\|\s*`([^`]+)`", line)
            if m:
                # "defaults.ttl" -> ttl, "stages[N].day" -> day, "state: absent" -> state
                keys.add(re.sub(r"\[N\]", "", m.group(1)).split(":")[0].split(".")[-1])
    return keys


def schema_keys(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "properties" and isinstance(v, dict):
                out.update(v)
            schema_keys(v, out)
    elif isinstance(node, list):
        for v in node:
            schema_keys(v, out)
    return out


def test_schema_has_every_documented_key(e):
    keys = documented_keys()
    # The tables of the top level, a domain, spf, dkim, dmarc, a stage, a
    # template reference and a template file are all read.
    for k in ("version", "defaults", "domains", "zone", "ttl", "include", "ip6", "public_key_file",
              "state", "nonexistent_subdomain_policy", "rollout", "from", "rollback", "template",
              "start", "description", "stages", "day"):
        check(k in keys, "the extractor missed %r: %r" % (k, sorted(keys)))
    have = schema_keys(schema(), set())
    missing = sorted(keys - have)
    check(not missing, "documented in configuration.md, not in the schema: %r" % missing)


BASE = {"version": 1, "domains": {"example.com": {"dmarc": {"policy": "none"}}}}


def with_domain(d):
    return {"version": 1, "domains": {"example.com": d}}


BAD = [
    ("no version", {"domains": BASE["domains"]}),
    ("version 2", dict(BASE, version=2)),
    ("unknown top-level key", dict(BASE, domain={})),
    ("no domains", {"version": 1, "domains": {}}),
    ("one label", {"version": 1, "domains": {"localhost": {"dmarc": {"policy": "none"}}}}),
    ("nothing to manage", with_domain({"ttl": 300})),
    ("ttl too low", with_domain({"ttl": 30, "dmarc": {"policy": "none"}})),
    ("ttl as a string", with_domain({"ttl": "300", "dmarc": {"policy": "none"}})),
    ("zone with a space", with_domain({"zone": "example com", "dmarc": {"policy": "none"}})),
    ("misspelt key", with_domain({"dmark": {"policy": "none"}})),
    ("bad policy", with_domain({"dmarc": {"policy": "block"}})),
    ("no policy", with_domain({"dmarc": {"rua": ["mailto:d@example.com"]}})),
    ("rua not mailto", with_domain({"dmarc": {"policy": "none", "rua": ["d@example.com"]}})),
    ("rua a string", with_domain({"dmarc": {"policy": "none", "rua": "mailto:d@example.com"}})),
    ("policy beside rollout", with_domain({"dmarc": {"policy": "none", "rollout": [
        {"policy": "none", "from": "2026-12-01"}]}})),
    ("stage without from", with_domain({"dmarc": {"rollout": [{"policy": "none"}]}})),
    ("template without start", with_domain({"dmarc": {"rollout": {"template": "standard"}}})),
    ("template a path", with_domain({"dmarc": {"rollout": {"template": "../x", "start": "2026-12-01"}}})),
    ("spf all pass", with_domain({"spf": {"all": "pass"}})),
    ("spf include a string", with_domain({"spf": {"include": "amazonses.com"}})),
    ("selector with two keys", with_domain({"dkim": {"s1": {"cname": "a.example.net", "public_key": "AAAA"}}})),
    ("absent beside a key", with_domain({"dkim": {"s1": {"cname": "a.example.net", "state": "absent"}}})),
    ("selector with nothing", with_domain({"dkim": {"s1": {"state": "present"}}})),
    ("no selectors", with_domain({"dkim": {}})),
    ("ses without region", with_domain({"ses": {"mail_from": "bounce.example.com"}})),
    ("ses bad region", with_domain({"ses": {"region": "EU_WEST"}})),
    ("mta_sts enforce without mx", with_domain({"mta_sts": {"mode": "enforce"}})),
    ("mta_sts bad mode", with_domain({"mta_sts": {"mode": "strict", "mx": ["mail.example.com"]}})),
    ("mta_sts max_age over a year", with_domain({"mta_sts": {"mode": "none", "max_age": 31557601}})),
    ("mta_sts wildcard inside", with_domain({"mta_sts": {"mode": "testing", "mx": ["a.*.example.com"]}})),
    ("bimi logo over http", with_domain({"bimi": {"logo": "http://example.com/l.svg"}})),
    ("bimi logo with a comma", with_domain({"bimi": {"logo": "https://example.com/a,b.svg"}})),
    ("bimi without logo", with_domain({"bimi": {"authority": "https://example.com/c.pem"}})),
]


def test_schema_rejects_invalid_configs(e):
    v = validator(schema())
    check(not errors(v, BASE), errors(v, BASE))
    good = with_domain({"zone": "Z0123456789ABC", "ttl": 300,
                        "spf": {"include": ["amazonses.com"], "ip4": ["192.0.2.0/24"], "ip6": ["2001:db8::/32"],
                                "mx": True, "all": "fail"},
                        "dkim": {"s1": {"cname": "s1.example.net"}, "old": {"state": "absent"},
                                 "k": {"public_key_file": os.path.join(TOP, "examples", "keys", "s2026.pem"),
                                       "state": "present"}},
                        "dmarc": {"rua": ["mailto:d@example.com!10m"], "fo": [1, "d"],
                                  "rollout": {"template": "standard", "start": "2026-12-01"}},
                        "ses": {"region": "eu-west-1", "mail_from": "bounce.example.com"},
                        "mta_sts": {"mode": "enforce", "mx": ["mail.example.com", "*.example.net"],
                                    "max_age": 86400}})
    check(not errors(v, good), errors(v, good))
    # What the schema accepts, mailauth accepts: a config with keys of
    # every section passes mailauth validate.
    path = e.config(yaml.safe_dump(good), name="good.yaml")
    r = subprocess.run([BIN, "validate", "-c", path], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "mailauth refuses what the schema accepts: %s" % r.stderr)
    for what, doc in BAD:
        check(errors(v, doc), "the schema accepts a config with %s: %r" % (what, doc))
    # mailauth refuses those too (the schema is no looser than the loader
    # on these rules): a few written out as files.
    for what, doc in BAD[:4] + BAD[9:13]:
        path = e.config(yaml.safe_dump(doc), name="bad.yaml")
        r = subprocess.run([BIN, "validate", "-c", path], capture_output=True, text=True, timeout=60)
        check(r.returncode == 1, "mailauth accepts a config with %s: %s" % (what, r.stdout))
    for what, doc in BAD[-7:]:
        path = e.config(yaml.safe_dump(doc), name="bad.yaml")
        r = subprocess.run([BIN, "validate", "-c", path], capture_output=True, text=True, timeout=60)
        check(r.returncode == 1, "mailauth accepts a config with %s: %s" % (what, r.stdout))


# --- posture: parked and tls_rpt (issue 20) ---

POSTURE_BAD = [
    ("parked beside spf", with_domain({"parked": True, "spf": {"all": "fail"}})),
    ("parked beside tls_rpt", with_domain({"parked": True, "tls_rpt": {"rua": ["mailto:t@example.com"]}})),
    ("parked false alone", with_domain({"parked": False})),
    ("parked a string", with_domain({"parked": "yes"})),
    ("tls_rpt without rua", with_domain({"tls_rpt": {}})),
    ("tls_rpt empty rua", with_domain({"tls_rpt": {"rua": []}})),
    ("tls_rpt rua a string", with_domain({"tls_rpt": {"rua": "mailto:t@example.com"}})),
    ("tls_rpt http", with_domain({"tls_rpt": {"rua": ["http://r.example.net/"]}})),
    ("tls_rpt no address", with_domain({"tls_rpt": {"rua": ["mailto:tlsrpt"]}})),
    ("tls_rpt comma", with_domain({"tls_rpt": {"rua": ["mailto:a@example.com,mailto:b@example.com"]}})),
    ("tls_rpt space", with_domain({"tls_rpt": {"rua": ["https://r.example.net/a b"]}})),
]


def test_schema_posture(e):
    v = validator(schema())
    for doc in (with_domain({"parked": True, "zone": "example.com", "account": "a", "ttl": 300}),
                with_domain({"parked": False, "tls_rpt": {"rua": [
                    "mailto:tlsrpt@example.com", "MAILTO:a+b@example.com?subject=x",
                    "https://reports.example.net:8443/v1?x=1#y", "HTTPS://r.example.net"]}})):
        check(not errors(v, doc), errors(v, doc))
        doc = dict(doc, accounts={"a": {"profile": "p"}})
        path = e.config(yaml.safe_dump(doc), name="posture.yaml")
        r = subprocess.run([BIN, "validate", "-c", path], capture_output=True, text=True, timeout=60)
        check(r.returncode == 0, "mailauth refuses what the schema accepts: %s" % r.stderr)
    for what, doc in POSTURE_BAD:
        check(errors(v, doc), "the schema accepts a config with %s: %r" % (what, doc))
        path = e.config(yaml.safe_dump(doc), name="bad.yaml")
        r = subprocess.run([BIN, "validate", "-c", path], capture_output=True, text=True, timeout=60)
        check(r.returncode == 1, "mailauth accepts a config with %s: %s" % (what, r.stdout))
