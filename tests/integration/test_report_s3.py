"""Integration tests of `mailauth report s3://BUCKET/PREFIX`: reports put in
a moto S3 bucket with boto3 (plain XML, gzip, zip, an e-mail as SES saves
it), read by the real binary with AWS_ENDPOINT_URL_S3 pointing at moto
(path-style requests), and the totals of --format json checked against the
rows written here."""
import gzip
import io
import json
import os
import zipfile

import boto3
from botocore.config import Config

from harness import FAKE_KEY_ID, FAKE_SECRET, check, ok
from test_report import DAY, MAR1, OTHER, OWN, SES, SPOOF, counts, mail, report

BUCKET = "dmarc-in"

# (key, kind, rows, org, report id, begin)
OBJECTS = [
    ("rua/google.xml.gz", "gzip", [SES, SPOOF], "google.com", "g-1", MAR1),
    ("rua/outlook.zip", "zip", [SES, OWN], "Outlook.com", "o-1", MAR1),
    ("rua/ses/0a1b2c3d4e5f", "mail", [OTHER], "Yahoo", "y-1", MAR1 + DAY),
    ("rua/plain report!1.xml", "xml", [OWN], "Mimecast", "m-1", MAR1 - DAY),
    # Outside the prefix: never read.
    ("other/google.xml", "xml", [SPOOF], "google.com", "g-2", MAR1),
]


def s3(e):
    return boto3.client("s3", endpoint_url=e.moto.url, region_name="us-east-1",
                        aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET,
                        config=Config(s3={"addressing_style": "path"}))


def body(kind, data):
    if kind == "gzip":
        return gzip.compress(data)
    if kind == "zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("report.xml", data)
        return buf.getvalue()
    if kind == "mail":
        return mail(data)
    return data


def fill(e):
    c = s3(e)
    c.create_bucket(Bucket=BUCKET)
    for key, kind, rows, org, rid, begin in OBJECTS:
        c.put_object(Bucket=BUCKET, Key=key, Body=body(kind, report(org, rid, begin, rows)))
    # A console "folder" and the note SES leaves when a rule is set up.
    c.put_object(Bucket=BUCKET, Key="rua/ses/", Body=b"")
    c.put_object(Bucket=BUCKET, Key="rua/AMAZON_SES_SETUP_NOTIFICATION", Body=b"Hello. This is a test.\n")
    return c


def want(prefix="rua/"):
    out = {}
    for key, _, rows, _, _, _ in OBJECTS:
        if not key.startswith(prefix):
            continue
        for ip, n, disp, dkim, spf, hfrom, _, _ in rows:
            t = out.setdefault(hfrom, [0] * 7)
            t[0] += n
            t[1] += n if "pass" in (dkim, spf) else 0
            t[2] += n if dkim == "pass" else 0
            t[3] += n if spf == "pass" else 0
            t[4 + ["none", "quarantine", "reject"].index(disp)] += n
    return out


def run_s3(e, *args, endpoint=None):
    return e.run(*args, env=e.env(AWS_ENDPOINT_URL_S3=endpoint or e.moto.url))


def test_report_s3_prefix_totals(e):
    fill(e)
    r = ok(run_s3(e, "report", "--format", "json", "s3://%s/rua/" % BUCKET))
    doc = json.loads(r.stdout)
    check(doc["reports"]["read"] == 4, doc["reports"])
    rej = doc["reports"]["rejected"]
    check([x["file"] for x in rej] == ["s3://dmarc-in/rua/AMAZON_SES_SETUP_NOTIFICATION"]
          and rej[0]["reason"].startswith("not a DMARC report"), rej)
    got = {d["domain"]: counts(d) for d in doc["domains"]}
    check(got == want(), "got %r, want %r" % (got, want()))
    check(counts(doc["totals"]) == [sum(c) for c in zip(*want().values())], doc["totals"])


def test_report_s3_with_files_and_whole_bucket(e):
    fill(e)
    # The whole bucket: the report outside the prefix is counted too; the
    # same report from a folder is a duplicate.
    folder = os.path.join(e.dir, "local")
    os.makedirs(folder)
    with open(os.path.join(folder, "again.xml"), "wb") as f:
        f.write(report("google.com", "g-1", MAR1, [SES, SPOOF]))
    r = ok(run_s3(e, "report", "--format", "json", "s3://" + BUCKET, folder))
    doc = json.loads(r.stdout)
    check(doc["reports"]["read"] == 5 and doc["reports"]["duplicates"] == 1, doc["reports"])
    got = {d["domain"]: counts(d) for d in doc["domains"]}
    check(got == want(""), "got %r, want %r" % (got, want("")))


def test_report_s3_errors_and_limits(e):
    c = fill(e)
    r = ok(run_s3(e, "report", "s3://no-such-bucket/rua/"), 1)
    check("S3 ListObjectsV2 's3://no-such-bucket/rua/': NoSuchBucket" in r.stderr, r.stderr)
    check("no DMARC report could be read" in r.stderr, r.stderr)
    r = ok(run_s3(e, "report", "s3://Bad_Bucket/x"), 1)
    check("'Bad_Bucket' is not an S3 bucket name" in r.stderr, r.stderr)
    # An object over twice --max-report-size is refused from the listing's
    # Size, without a GetObject.
    c.put_object(Bucket=BUCKET, Key="rua/zz-huge.xml", Body=b"<feedback>" + b" " * 5000 + b"</feedback>")
    p = e.proxy()
    r = ok(run_s3(e, "report", "--format", "json", "--max-report-size", "2K", "s3://%s/rua/" % BUCKET,
                  endpoint=p.url))
    doc = json.loads(r.stdout)
    why = {x["file"]: x["reason"] for x in doc["reports"]["rejected"]}
    check(why.get("s3://dmarc-in/rua/zz-huge.xml", "").startswith("refused: the object of 5021 bytes is "
                                                                  "larger than twice 2048 bytes"), why)
    gets = [q["path"] for q in p.requests if q["method"] == "GET"]
    check(not any("zz-huge" in g for g in gets), gets)
    check(any("list-type=2" in g for g in gets) and any("outlook.zip" in g for g in gets), gets)
    # Path-style, signed for s3 with the payload hash.
    q = next(q for q in p.requests if "outlook.zip" in q["path"])
    check(q["path"].startswith("/dmarc-in/rua/"), q["path"])
    check("/s3/aws4_request" in q["headers"].get("Authorization", "")
          and q["headers"].get("X-Amz-Content-Sha256"), q["headers"])
    # AccessDenied names the IAM action.
    p.fail = lambda m, path: (403, b"<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>") \
        if "list-type" in path else None
    r = ok(run_s3(e, "report", "s3://%s/rua/" % BUCKET, endpoint=p.url), 1)
    check("AccessDenied: Access Denied (needs s3:ListBucket)" in r.stderr, r.stderr)
