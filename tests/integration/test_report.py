"""Integration tests of `mailauth report`: the real binary on a folder of
DMARC aggregate reports made here (plain XML, gzip, zip, an e-mail, a
duplicate, a broken file), in its four formats, with its window, domain
filter, limits and exit statuses.  The expected figures are computed here
from the rows written, not read back from mailauth."""
import base64
import csv
import gzip
import io
import json
import os
import shutil
import subprocess
import zipfile

from harness import BIN, check, ok

DAY = 86400
MAR1 = 1772323200           # 2026-03-01T00:00:00Z


def report(org, rid, begin, rows, end=None):
    """A report as XML bytes; rows are (ip, count, disposition, dkim, spf,
    header_from, dkim_domain, spf_domain); the policy_published domain is
    the first row's header_from (a row of another organisation's would
    not be counted)."""
    end = begin + DAY - 1 if end is None else end
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<feedback>\n<report_metadata>'
           '<org_name>%s</org_name><email>noreply@%s</email><report_id>%s</report_id>'
           '<date_range><begin>%d</begin><end>%d</end></date_range></report_metadata>\n'
           '<policy_published><domain>%s</domain><p>none</p></policy_published>\n'
           % (org, org, rid, begin, end, rows[0][5] if rows else "example.com")]
    for ip, n, disp, dkim, spf, hfrom, dkim_d, spf_d in rows:
        out.append('<record><row><source_ip>%s</source_ip><count>%d</count><policy_evaluated>'
                   '<disposition>%s</disposition><dkim>%s</dkim><spf>%s</spf></policy_evaluated>'
                   '</row><identifiers><header_from>%s</header_from></identifiers><auth_results>'
                   % (ip, n, disp, dkim, spf, hfrom))
        if dkim_d:
            out.append('<dkim><domain>%s</domain><result>pass</result></dkim>' % dkim_d)
        if spf_d:
            out.append('<spf><domain>%s</domain><result>pass</result></spf>' % spf_d)
        out.append('</auth_results></record>\n')
    out.append('</feedback>\n')
    return "".join(out).encode()


SES = ("54.240.8.12", 1200, "none", "pass", "fail", "example.com", "example.com", "amazonses.com")
OWN = ("198.51.100.25", 40, "none", "pass", "pass", "example.com", "example.com", "example.com")
SPOOF = ("203.0.113.10", 7, "reject", "fail", "fail", "example.com", None, "spoofed.example.net")
OTHER = ("192.0.2.80", 5, "quarantine", "fail", "pass", "news.example.org", None, "news.example.org")

# (file name, content maker, rows, org, report id, begin)
REPORTS = [
    ("google.xml.gz", "gzip", [SES, SPOOF], "google.com", "g-1", MAR1),
    ("outlook.zip", "zip", [SES, OWN], "Outlook.com", "o-1", MAR1),
    ("mail.eml", "mail", [OTHER], "Yahoo", "y-1", MAR1 + DAY),
    ("plain-no-extension", "xml", [OWN], "Mimecast", "m-1", MAR1 - DAY),
]


def mail(data):
    b64 = base64.encodebytes(gzip.compress(data)).decode()
    return ("From: noreply@reporter.example\r\nTo: dmarc@example.com\r\n"
            "Subject: Report domain: example.com\r\nMIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"xx\"\r\n\r\n--xx\r\n"
            "Content-Type: text/plain\r\n\r\nA DMARC report.\r\n--xx\r\n"
            "Content-Type: application/gzip\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Disposition: attachment; filename=\"r.xml.gz\"\r\n\r\n"
            + b64.replace("\n", "\r\n") + "--xx--\r\n").encode()


def write_reports(e):
    folder = os.path.join(e.dir, "reports")
    os.makedirs(os.path.join(folder, "sub"))
    for name, kind, rows, org, rid, begin in REPORTS:
        data = report(org, rid, begin, rows)
        if kind == "gzip":
            data = gzip.compress(data)
        elif kind == "zip":
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
                z.writestr("report.xml", data)
            data = buf.getvalue()
        elif kind == "mail":
            data = mail(data)
        with open(os.path.join(folder, "sub" if kind == "mail" else "", name), "wb") as f:
            f.write(data)
    # The same Google report again, as plain XML: a duplicate.
    with open(os.path.join(folder, "sub", "google-again.xml"), "wb") as f:
        f.write(report("google.com", "g-1", MAR1, [SES, SPOOF]))
    with open(os.path.join(folder, "broken.xml"), "w") as f:
        f.write("<feedback><report_metadata>")
    return folder


def expected(days=None, domain=None):
    """Per domain: [messages, dmarc, dkim, spf, none, quarantine, reject]."""
    out = {}
    for _, _, rows, _, _, begin in REPORTS:
        if days is not None and (begin + DAY // 2) // DAY not in days:
            continue
        for ip, n, disp, dkim, spf, hfrom, _, _ in rows:
            if domain and hfrom != domain and not hfrom.endswith("." + domain):
                continue
            t = out.setdefault(hfrom, [0] * 7)
            t[0] += n
            t[1] += n if "pass" in (dkim, spf) else 0
            t[2] += n if dkim == "pass" else 0
            t[3] += n if spf == "pass" else 0
            t[4 + ["none", "quarantine", "reject"].index(disp)] += n
    return out


def counts(obj):
    d = obj["disposition"]
    return [obj["messages"], obj["dmarc_pass"], obj["dkim_aligned_pass"], obj["spf_aligned_pass"],
            d["none"], d["quarantine"], d["reject"]]


def test_report_json_counts_every_container(e):
    folder = write_reports(e)
    r = ok(e.run("report", "--format", "json", folder))
    doc = json.loads(r.stdout)
    check(doc["reports"]["read"] == 4, doc["reports"])
    check(doc["reports"]["duplicates"] == 1, doc["reports"])
    rej = doc["reports"]["rejected"]
    check(len(rej) == 1 and rej[0]["file"].endswith("/broken.xml")
          and rej[0]["reason"].startswith("malformed XML at line 1: "), rej)
    got = {d["domain"]: counts(d) for d in doc["domains"]}
    check(got == expected(), "got %r, want %r" % (got, expected()))
    check(counts(doc["totals"]) == [sum(c) for c in zip(*expected().values())], doc["totals"])
    ex = next(d for d in doc["domains"] if d["domain"] == "example.com")
    check([s["source_ip"] for s in ex["sources"]] == ["203.0.113.10", "54.240.8.12", "198.51.100.25"],
          "worst first: %r" % ex["sources"])
    ses = ex["sources"][1]
    check(ses["messages"] == 2400 and ses["dkim_aligned_pass"] == 2400 and ses["spf_aligned_pass"] == 0
          and ses["spf_domains"] == ["amazonses.com"], ses)
    check([(p["org_name"], p["reports"]) for p in ex["reporters"]]
          == [("Outlook.com", 1), ("google.com", 1), ("Mimecast", 1)], ex["reporters"])


def test_report_text_markdown_csv(e):
    folder = write_reports(e)
    r = ok(e.run("report", folder))
    check(r.stdout.startswith("DMARC aggregate reports: 4 reports read, 1 duplicate skipped, 1 rejected\n"),
          r.stdout)
    check("\nexample.com: 2487 messages in 3 reports from 3 reporters\n" in r.stdout, r.stdout)
    check("  DMARC pass     99.71%  2480\n" in r.stdout, r.stdout)
    check("\nrejected:\n  %s/broken.xml: malformed XML" % folder in r.stdout, r.stdout)
    r = ok(e.run("report", "--format", "markdown", folder))
    check("| `example.com` | 2487 | 99.71% | 99.71% | 3.21% | 2480 | 0 | 7 |" in r.stdout, r.stdout)
    check("#### Rejected files" in r.stdout, r.stdout)
    r = ok(e.run("report", "--format", "csv", folder))
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    sums = {}
    for row in rows:
        sums[row["domain"]] = sums.get(row["domain"], 0) + int(row["messages"])
    check(sums == {d: t[0] for d, t in expected().items()}, rows)
    check("broken.xml': malformed XML" in r.stderr, r.stderr)


def test_report_window_and_domain(e):
    folder = write_reports(e)
    mar1 = MAR1 // DAY
    r = ok(e.run("report", "--format", "json", "--since", "2026-03-01", "--until", "2026-03-01", folder))
    doc = json.loads(r.stdout)
    check(doc["window"] == {"since": "2026-03-01", "until": "2026-03-01", "domain": None}, doc["window"])
    check(doc["reports"]["in_window"] == 2 and doc["reports"]["outside_window"] == 2, doc["reports"])
    check({d["domain"]: counts(d) for d in doc["domains"]} == expected(days={mar1}), doc["domains"])
    r = ok(e.run("report", "--format", "json", "--domain", "EXAMPLE.org", folder))
    doc = json.loads(r.stdout)
    check({d["domain"]: counts(d) for d in doc["domains"]} == expected(domain="example.org"), doc["domains"])
    # Reports read but none in the window: still a summary, exit 0.
    r = ok(e.run("report", "--since", "2027-01-01", folder))
    check("No messages in the window." in r.stdout, r.stdout)


def test_report_exit_statuses(e):
    folder = os.path.join(e.dir, "bad")
    os.makedirs(folder)
    with open(os.path.join(folder, "x.xml"), "w") as f:
        f.write("<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><feedback>&a;</feedback>")
    with open(os.path.join(folder, "notes.txt"), "w") as f:
        f.write("nothing to see\n")
    r = ok(e.run("report", folder), 1)
    check(r.stdout == "", r.stdout)
    check("notes.txt': not a DMARC report" in r.stderr, r.stderr)
    check("x.xml': refused: the XML has a document type declaration" in r.stderr, r.stderr)
    check("no DMARC report could be read from the source given" in r.stderr, r.stderr)
    r = ok(e.run("report"), 1)
    check("'report' needs at least one SOURCE" in r.stderr, r.stderr)
    r = ok(e.run("report", "--format", "yaml", folder), 1)
    check("option '--format' takes text, json, markdown or csv, got 'yaml'" in r.stderr, r.stderr)
    r = ok(e.run("report", "--since", "2026-03-02", "--until", "2026-03-01", folder), 1)
    check("is after '--until 2026-03-01'" in r.stderr, r.stderr)
    # A limit the one-row reports pass and the two-row ones do not: those
    # are listed, the others summarised, exit 0.
    good = write_reports(e)
    r = ok(e.run("report", "--format", "json", "--max-report-size", "1K", good))
    doc = json.loads(r.stdout)
    check(doc["reports"]["read"] == 2, doc["reports"])
    why = {os.path.basename(x["file"]): x["reason"] for x in doc["reports"]["rejected"]}
    check(why["google.xml.gz"].startswith("refused: the report is larger than 1 KiB once decompressed "
                                          "(--max-report-size)"), why)
    check(why["outlook.zip"].startswith("member 'report.xml': refused: XML of 1.1 KiB is larger than 1 KiB"),
          why)
    check(why["google-again.xml"] == "refused: XML of 1.1 KiB is larger than 1 KiB (--max-report-size)", why)
    check(sorted(d["domain"] for d in doc["domains"]) == ["example.com", "news.example.org"], doc["domains"])


def test_report_bad_encoding_only_mailauth_speaks(e):
    """libxml2 prints "encoding error" and "I/O error" lines itself for bytes
    the declared encoding cannot convert: every line on stderr is mailauth's,
    with libxml2's reason folded into it."""
    folder = os.path.join(e.dir, "enc")
    os.makedirs(folder)
    bad = (b'<?xml version="1.0" encoding="ISO-2022-JP"?>\n'
           b'<feedback><version>\x1b$B\xff\xff</version></feedback>\n')
    with open(os.path.join(folder, "bad.xml"), "wb") as f:
        f.write(bad)
    with open(os.path.join(folder, "bad.xml.gz"), "wb") as f:
        f.write(gzip.compress(bad))
    r = ok(e.run("report", folder), 1)
    lines = r.stderr.splitlines()
    check(all(x.startswith("mailauth: ") for x in lines), r.stderr)
    why = "': malformed XML at line 1: input conversion failed due to input error, bytes 0xFF 0xFF 0x3C 0x2F"
    check(("bad.xml" + why) in r.stderr and ("bad.xml.gz" + why) in r.stderr, r.stderr)
    check(lines[-1] == "mailauth: no DMARC report could be read from the source given", r.stderr)
    # Beside a good report: read, the bad ones listed, stderr still mailauth's.
    with open(os.path.join(folder, "good.xml"), "wb") as f:
        f.write(report("google.com", "g-1", MAR1, [SES]))
    r = ok(e.run("report", "--format", "json", folder))
    check(all(x.startswith("mailauth: ") for x in r.stderr.splitlines()), r.stderr)
    doc = json.loads(r.stdout)
    check(doc["reports"]["read"] == 1 and len(doc["reports"]["rejected"]) == 2, doc["reports"])


def fleet_reports(folder, nreports, nsources, ndomains=3):
    """nreports reports, each with its share of nsources distinct source
    IPs spread over ndomains header_from domains: a large fleet's week."""
    os.makedirs(folder)
    per = nsources // nreports
    k = 0
    for r in range(nreports):
        rows = []
        for _ in range(per):
            ip = "10.%d.%d.%d" % ((k >> 16) & 255, (k >> 8) & 255, k & 255)
            d = "d%d.example.com" % (k % ndomains)
            rows.append((ip, 1 + k % 5, "none", "pass", "fail", d, d, "s%d.example.net" % (k % 3)))
            k += 1
        with open(os.path.join(folder, "r%05d.xml" % r), "wb") as f:
            f.write(report("org%d" % (r % 7), "r%d" % r, MAR1, rows))


def peak_rss(e, fmt, folder, out):
    """The peak RSS in KiB of one `report --format fmt` run, its output to
    the file out: os.wait4 gives this child's own figure."""
    with open(out, "wb") as f:
        p = subprocess.Popen([BIN, "report", "--format", fmt, folder], cwd=e.dir, env=e.env(),
                             stdin=subprocess.DEVNULL, stdout=f, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    check(p.returncode == 0, "report --format %s exited %d" % (fmt, p.returncode))
    return ru.ru_maxrss


def test_report_json_csv_stream(e):
    """JSON and CSV are written as they are made: their peak memory is the
    summary's (what the text format, whose output is small, peaks at), not
    a multiple of the output (30,000 sources make 12 MB of JSON, which the
    whole-tree renderer held as some 80 MB of cJSON nodes)."""
    folder = os.path.join(e.dir, "fleet")
    fleet_reports(folder, 300, 30000)
    outs = {f: os.path.join(e.dir, "out." + f) for f in ("text", "json", "csv")}
    rss = {f: peak_rss(e, f, folder, outs[f]) for f in outs}
    with open(outs["json"]) as f:
        doc = json.load(f)
    check(sum(len(d["sources"]) for d in doc["domains"]) == 30000, doc["reports"])
    check(doc["totals"]["messages"] == sum(1 + k % 5 for k in range(30000)), doc["totals"])
    with open(outs["csv"], newline="") as f:
        check(len(list(csv.DictReader(f))) == 30000, "csv rows")
    # Proportional, for the ASan build too (its quarantine keeps freed
    # memory a while): the whole-tree renderer took text's + 60 MiB here.
    limit = rss["text"] * 11 // 10 + 8 * 1024
    check(rss["json"] <= limit and rss["csv"] <= limit,
          "peak RSS KiB %r: json and csv must stay within 110%% of text's + 8 MiB" % rss)


def test_report_write_error(e):
    """A full disk under standard output is an error, exit 1, not a
    silently cut summary."""
    folder = write_reports(e)
    for fmt in ("json", "csv", "text"):
        with open("/dev/full", "wb") as full:
            r = subprocess.run([BIN, "report", "--format", fmt, folder], cwd=e.dir, env=e.env(),
                               stdin=subprocess.DEVNULL, stdout=full, stderr=subprocess.PIPE, text=True)
        check(r.returncode == 1, "%s: exit %d" % (fmt, r.returncode))
        check("cannot write the summary to standard output: No space left on device" in r.stderr,
              r.stderr)


def libs_loaded(args, cwd, env, binary=BIN):
    """The shared libraries the dynamic loader reports loading for a run."""
    r = subprocess.run([binary] + list(args), cwd=cwd, env=dict(env, LD_DEBUG="libs"),
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    return r, " ".join(line for line in r.stderr.splitlines() if "calling init:" in line)


def test_report_libraries_loaded_on_first_use(e):
    """GMime (and GLib, gpgme) and libarchive are mapped by the commands that
    read reports only: --version and validate start without them."""
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc: {policy: none}\n")
    for args in (["--version"], ["validate"]):
        r, libs = libs_loaded(args, e.dir, e.env())
        check(r.returncode == 0, r.stderr[-2000:])
        check("libcurl" in libs, "LD_DEBUG shows no libraries: %r" % libs[:500])
        for lib in ("libgmime", "libarchive", "libglib", "libgpgme"):
            check(lib not in libs, "%s loads %s" % (" ".join(args), lib))
    folder = write_reports(e)
    r, libs = libs_loaded(["report", "--format", "json", folder], e.dir, e.env())
    check(r.returncode == 0, r.stderr[-2000:])
    check("libgmime" in libs and "libarchive" in libs, "report did not load them: %r" % libs[:500])


def test_report_reader_missing_or_broken(e):
    """A binary without its report object refuses to read reports with one
    clear error naming where it looked; the other commands still run."""
    folder = write_reports(e)
    bindir = os.path.join(e.dir, "bin")
    os.makedirs(bindir)
    binary = os.path.join(bindir, "mailauth")
    shutil.copy(BIN, binary)
    r = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0 and r.stdout.startswith("mailauth "), r.stderr)
    r = subprocess.run([binary, "report", folder], cwd=e.dir, env=e.env(), capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 1 and r.stdout == "", "exit %d\n%s" % (r.returncode, r.stdout))
    check("mailauth: the report reader is not installed: none of '%s-report.so', "
          "'%s/../lib/mailauth/report.so', '" % (binary, bindir) in r.stderr
          and "/mailauth/report.so' exists (make install puts it in the last)\n" in r.stderr, r.stderr)
    with open(binary + "-report.so", "w") as f:
        f.write("not a shared object\n")
    r = subprocess.run([binary, "report", folder], cwd=e.dir, env=e.env(), capture_output=True, text=True,
                       timeout=60)
    check(r.returncode == 1 and "mailauth: cannot load the report reader '%s-report.so': " % binary in r.stderr,
          r.stderr)
    shutil.copy(BIN + "-report.so", binary + "-report.so")
    ok(subprocess.run([binary, "report", folder], cwd=e.dir, env=e.env(), capture_output=True, text=True,
                      timeout=60))
