"""Integration harness: a real moto server on loopback, boto3 to seed and
inspect it, the real mailauth binary in between.

moto is an independent Route 53 implementation: tests seed zones and check
results through boto3, never by reading mailauth's own output back.  Every
request, boto3's included, goes through the strict peer (strict.py), which
refuses what Route 53 refuses and moto would let through.  A small recording
proxy sits in front of it when a test must count requests, see headers, or
inject a Route 53 error response.
"""
import http.server
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

import boto3

from strict import StrictPeer

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("MAILAUTH_BIN", os.path.join(TOP, "build", "mailauth")))

FAKE_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
FAKE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Moto:
    """A moto server on a free loopback port, for the whole run, behind
    the strict peer (strict.py): .url is the peer, which refuses what
    Route 53 refuses; .direct is moto itself."""

    def __init__(self):
        self.port = free_port()
        self.direct = "http://127.0.0.1:%d" % self.port
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(self.direct + "/moto-api/", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if self.proc.poll() is not None or time.time() > deadline:
                    self.log.seek(0)
                    raise RuntimeError("moto server did not start:\n" + self.log.read().decode(errors="replace"))
                time.sleep(0.2)
        self.peer = StrictPeer(self.direct)
        self.url = self.peer.url

    def reset(self):
        req = urllib.request.Request(self.direct + "/moto-api/reset", method="POST", data=b"")
        urllib.request.urlopen(req, timeout=10).read()

    def stop(self):
        self.peer.stop()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Proxy:
    """Forwards to moto, recording every request; a test may set fail(),
    a function of (method, path) returning (status, body) or None, to answer
    some requests itself as Route 53 would, and drop(), returning "before" or
    "after" to close the connection without an answer before or after
    forwarding the request."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.requests = []
        self.fail = None
        self.drop = None
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def handle_one(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.requests.append({"method": self.command, "path": self.path,
                                       "headers": dict(self.headers), "body": body})
                drop = proxy.drop(self.command, self.path) if proxy.drop else None
                if drop == "before":
                    # The request never reaches Route 53; the client sees
                    # the connection close without an answer.
                    self.close_connection = True
                    return
                canned = proxy.fail(self.command, self.path) if proxy.fail else None
                if canned is not None:
                    status, data = canned
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                req = urllib.request.Request(upstream + self.path, data=body if body else None,
                                             method=self.command, headers=headers)
                try:
                    resp = urllib.request.urlopen(req, timeout=30)
                    status, data, ctype = resp.status, resp.read(), resp.headers.get("Content-Type", "text/xml")
                except urllib.error.HTTPError as e:
                    status, data, ctype = e.code, e.read(), e.headers.get("Content-Type", "text/xml")
                if drop == "after":
                    # Route 53 did the work; the answer is lost.
                    self.close_connection = True
                    return
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = handle_one

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Env:
    """One test's world: a clean moto, boto3, a work folder, the binary."""

    def __init__(self, moto):
        self.moto = moto
        moto.reset()
        self.r53 = boto3.client("route53", endpoint_url=moto.url, region_name="us-east-1",
                                aws_access_key_id=FAKE_KEY_ID, aws_secret_access_key=FAKE_SECRET)
        self.dir = tempfile.mkdtemp(prefix="mailauth-it-")
        self.proxies = []

    def close(self):
        for p in self.proxies:
            p.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def proxy(self):
        p = Proxy(self.moto.url)
        self.proxies.append(p)
        return p

    # --- seeding and inspecting Route 53 through boto3 ---

    def zone(self, name, private=False):
        kw = {}
        if private:
            kw = {"VPC": {"VPCRegion": "us-east-1", "VPCId": "vpc-12345678"},
                  "HostedZoneConfig": {"PrivateZone": True, "Comment": "private"}}
        z = self.r53.create_hosted_zone(Name=name, CallerReference="%s-%f" % (name, time.time()), **kw)
        return z["HostedZone"]["Id"].split("/")[-1]

    def put(self, zone_id, name, rtype, values, ttl=300):
        self.r53.change_resource_record_sets(HostedZoneId=zone_id, ChangeBatch={"Changes": [{
            "Action": "CREATE", "ResourceRecordSet": {
                "Name": name, "Type": rtype, "TTL": ttl,
                "ResourceRecords": [{"Value": v} for v in values]}}]})

    def records(self, zone_id):
        """Every record set of the zone as {(name, type): (ttl, [values])}."""
        out = {}
        kw = {"HostedZoneId": zone_id}
        while True:
            page = self.r53.list_resource_record_sets(**kw)
            for rs in page["ResourceRecordSets"]:
                out[(rs["Name"], rs["Type"])] = (rs.get("TTL"), [r["Value"] for r in rs.get("ResourceRecords", [])])
            if not page.get("IsTruncated"):
                return out
            kw["StartRecordName"] = page["NextRecordName"]
            kw["StartRecordType"] = page["NextRecordType"]

    # --- running mailauth ---

    def config(self, text, name="mailauth.yaml"):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def env(self, endpoint=None, **extra):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update({"AWS_ACCESS_KEY_ID": FAKE_KEY_ID, "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
                    "AWS_ENDPOINT_URL_ROUTE_53": endpoint or self.moto.url,
                    "HOME": self.dir, "NO_COLOR": "1"})
        env.update(extra)
        return env

    def run(self, *args, endpoint=None, env=None, stdin=subprocess.DEVNULL, timeout=60):
        return subprocess.run([BIN] + list(args), cwd=self.dir, env=env or self.env(endpoint),
                              stdin=stdin, capture_output=True, text=True, timeout=timeout)


DMARC_CFG = """\
version: 1
domains:
  example.com:
    dmarc:
      policy: {policy}
      rua: [mailto:dmarc@example.com]
"""

WANT_NONE = '"v=DMARC1; p=none; rua=mailto:dmarc@example.com"'
WANT_QUARANTINE = '"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"'


def on_terminal(argv, env, cwd, reply=None, timeout=60):
    """Runs argv with a pseudo-terminal as its standard input and output;
    reply, (prompt, answer) as bytes, types answer once prompt shows.
    Returns (exit status, what it printed)."""
    import pty
    import select
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(cwd)
        os.execve(argv[0], argv, env)
    out, sent = b"", False
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 1)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
        if reply is not None and not sent and reply[0] in out:
            os.write(fd, reply[1] + b"\n")
            sent = True
    if time.time() >= deadline:
        os.kill(pid, 9)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), out.decode(errors="replace")


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def ok(r, code=0):
    check(r.returncode == code, "exit %d, wanted %d\nstdout:\n%s\nstderr:\n%s" % (
        r.returncode, code, r.stdout, r.stderr))
    return r


def dmarc(e, zone_id, name="_dmarc.example.com."):
    return e.records(zone_id).get((name, "TXT"))


def registry(e, zone_id, text, domain="example.com"):
    """Seeds the ownership registry mailauth writes at _mailauth.DOMAIN
    (docs/records.md), as in a zone mailauth has applied to before."""
    e.put(zone_id, "_mailauth.%s." % domain, "TXT", ['"%s"' % text], ttl=3600)


def seed_unrelated(e, zid):
    e.put(zid, "example.com.", "A", ["192.0.2.1"])
    e.put(zid, "example.com.", "MX", ["10 mx1.example.net.", "20 mx2.example.net."])
    e.put(zid, "example.com.", "TXT", ['"google-site-verification=abc123"', '"v=spf1 -all"'])
    e.put(zid, "www.example.com.", "CNAME", ["example.com."])
    e.put(zid, "sel._domainkey.example.com.", "TXT", ['"v=DKIM1; k=rsa; p=MIGfMA0"'])


def tests_of(first, folder):
    """The test_ functions of first, then of every test_*.py module in folder, by name."""
    import importlib
    mods = [first] + [importlib.import_module(n[:-3]) for n in sorted(os.listdir(folder))
                      if n.startswith("test_") and n.endswith(".py")]
    return [fn for m in mods for k, fn in sorted(vars(m).items())
            if k.startswith("test_") and callable(fn)]


def main(tests):
    moto = Moto()
    passed = failed = 0
    try:
        for fn in tests:
            env = Env(moto)
            try:
                fn(env)
                passed += 1
                print("ok - %s" % fn.__name__, flush=True)
            except Exception as e:  # noqa: BLE001 - report every failure and go on
                failed += 1
                print("FAIL - %s: %s: %s" % (fn.__name__, type(e).__name__, e), flush=True)
            finally:
                env.close()
    finally:
        moto.stop()
    print("integration: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0
