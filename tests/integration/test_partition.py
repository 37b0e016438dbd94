"""Partitions against moto: in a China region (cn-*) every Route 53 request
is signed for cn-northwest-1, whether it goes to Route 53's own endpoint or,
as here, to --endpoint-url or AWS_ENDPOINT_URL_ROUTE_53; the proxy records
each request and this test recomputes its SigV4 signature for that region.
iam-policy writes the region's ARNs, also with --offline.  aws-us-gov
(which has had public hosted zones since 2025) signs for us-gov-west-1."""
import hashlib
import hmac
import json
import os
import re
import urllib.parse

import boto3

from harness import DMARC_CFG, FAKE_KEY_ID, FAKE_SECRET, WANT_NONE, check, dmarc, ok


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def signed_for(q):
    """The region q's SigV4 signature is valid for, checked by recomputing
    it with the test's secret key; raises when it is valid for none."""
    h = {k.lower(): v for k, v in q["headers"].items()}
    m = re.fullmatch(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                     r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})", h.get("authorization", ""))
    check(m is not None, "not a SigV4 request: %r" % h)
    _, day, region, service, signed, sig = m.groups()
    url = urllib.parse.urlsplit(q["path"])
    query = "&".join(sorted(url.query.split("&"))) if url.query else ""
    names = signed.split(";")
    canonical = "\n".join([q["method"], url.path, query] +
                          ["%s:%s" % (n, " ".join(h[n].split())) for n in names] +
                          ["", signed, h.get("x-amz-content-sha256", hashlib.sha256(q["body"]).hexdigest())])
    scope = "%s/%s/%s/aws4_request" % (day, region, service)
    to_sign = "\n".join(["AWS4-HMAC-SHA256", h["x-amz-date"], scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + FAKE_SECRET).encode(), day), region), service), "aws4_request")
    check(hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest() == sig,
          "the signature of %s %s is not valid for %s" % (q["method"], q["path"], scope))
    return region, service


def all_signed_for(p, region):
    check(p.requests, "no request reached the endpoint")
    for q in p.requests:
        check(signed_for(q) == (region, "route53"), "%s %s signed for %r, wanted %s" % (
            q["method"], q["path"], signed_for(q), region))


def china(e):
    """Seed and inspect the aws-cn partition: moto, like Route 53, keeps
    each partition's hosted zones apart and picks the partition from the
    region a request is signed for."""
    e.r53 = boto3.client("route53", endpoint_url=e.moto.url, region_name="cn-northwest-1",
                         aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET)


def profile_config(e, text):
    os.makedirs(os.path.join(e.dir, ".aws"), exist_ok=True)
    with open(os.path.join(e.dir, ".aws", "config"), "w") as f:
        f.write(text)


def resources(r):
    doc = json.loads(r.stdout)
    out = []
    for st in doc["Statement"]:
        res = st["Resource"]
        out += res if isinstance(res, list) else [res]
    return [a for a in out if a != "*"]


def test_china_region_signs_route53_for_cn_northwest_1(e):
    china(e)
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    # AWS_ENDPOINT_URL_ROUTE_53 (the proxy) chooses where requests go; the
    # region's partition, what they are signed for.
    p = e.proxy()
    ok(e.run("apply", "--auto-approve", env=e.env(p.url, AWS_REGION="cn-north-1")))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))
    all_signed_for(p, "cn-northwest-1")
    # The profile's region, with --endpoint-url over the variable.
    profile_config(e, "[default]\nregion = cn-northwest-1\n")
    p = e.proxy()
    r = ok(e.run("--endpoint-url", p.url, "plan", "--debug"))
    check("No changes" in r.stdout, r.stdout)
    all_signed_for(p, "cn-northwest-1")
    check("debug: region cn-northwest-1, partition aws-cn: Route 53 at %s, signed for "
          "cn-northwest-1" % p.url in r.stderr, r.stderr)
    # AWS_REGION over the profile's; the aws partition signs for us-east-1
    # whatever the region, and its zones are not the aws-cn ones.
    p = e.proxy()
    r = ok(e.run("plan", env=e.env(p.url, AWS_REGION="eu-west-1")), 1)
    check("no public hosted zone in this account contains 'example.com'" in r.stderr, r.stderr)
    all_signed_for(p, "us-east-1")


def test_iam_policy_arns_of_the_partition(e):
    china(e)
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    p = e.proxy()
    r = ok(e.run("iam-policy", env=e.env(p.url, AWS_REGION="cn-northwest-1")))
    arns = resources(r)
    check("arn:aws-cn:route53:::hostedzone/%s" % zid in arns, arns)
    check(all(a.startswith("arn:aws-cn:") for a in arns), arns)
    all_signed_for(p, "cn-northwest-1")
    # --offline sends nothing and takes the region the same way.
    e.config(DMARC_CFG.format(policy="none").replace("  example.com:\n", "  example.com:\n    zone: %s\n" % zid))
    profile_config(e, "[profile china]\nregion = cn-north-1\n")
    p = e.proxy()
    r = ok(e.run("iam-policy", "--offline", "--profile", "china", endpoint=p.url))
    arns = resources(r)
    check(arns and all(a.startswith("arn:aws-cn:") for a in arns), arns)
    r = ok(e.run("iam-policy", "--offline", endpoint=p.url))
    arns = resources(r)
    check(arns and all(a.startswith("arn:aws:") for a in arns), arns)
    check(p.requests == [], "iam-policy --offline sent %d requests" % len(p.requests))


def gov(e):
    """Seed and inspect the aws-us-gov partition, as china() does aws-cn."""
    e.r53 = boto3.client("route53", endpoint_url=e.moto.url, region_name="us-gov-west-1",
                         aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET)


def test_us_gov_region_signs_route53_for_us_gov_west_1(e):
    gov(e)
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    p = e.proxy()
    ok(e.run("apply", "--auto-approve", env=e.env(p.url, AWS_REGION="us-gov-east-1")))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))
    all_signed_for(p, "us-gov-west-1")
    # The profile's region counts the same; the ARNs are the partition's.
    profile_config(e, "[default]\nregion = us-gov-west-1\n")
    p = e.proxy()
    r = ok(e.run("iam-policy", env=e.env(p.url)))
    arns = resources(r)
    check("arn:aws-us-gov:route53:::hostedzone/%s" % zid in arns, arns)
    check(all(a.startswith("arn:aws-us-gov:") for a in arns), arns)
    all_signed_for(p, "us-gov-west-1")
