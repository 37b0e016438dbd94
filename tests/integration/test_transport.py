"""Integration tests of the transport: retries (what is retried, what is
never sent twice, how often), pacing, timeouts, TLS, proxies, insecure
endpoints and what --debug prints and hides.  Faults are injected by
faults.py on loopback, in front of the run's moto."""
import os
import re
import socket
import time

from faults import Faults, ForwardProxy, aws_error, make_cert, plain
from harness import DMARC_CFG, FAKE_SECRET, WANT_NONE, check, dmarc, ok

RETRY = re.compile(r"^mailauth: (Route 53 \w+): (.*); retrying in (\d+\.\d\d) s \(attempt (\d+) of (\d+)\)$",
                   re.M)

# The pacer counts on the monotonic clock, the proxy stamps with the wall
# clock: NTP may slew one against the other by 500 ppm at most (4 ms over
# the 7 s of the longest run), allowed in the lower bounds on pacing.
SLEW = 0.01

# A name no resolver knows (RFC 6761), to reach only through a proxy.
FAR_HOST = "route53.mailauth.test"


def faults(e, script=None, tls=None):
    f = Faults(e.moto.url, script, tls)
    e.proxies.append(f)     # stopped with the test's other servers
    return f


def retries(r):
    """The retry lines of a run's stderr: (operation, reason, attempt, of)."""
    return [(m[0], m[1], int(m[3]), int(m[4])) for m in RETRY.findall(r.stderr)]


def is_lookup(path):
    return "/hostedzonesbyname" in path


def is_list(method, path):
    return method == "GET" and re.search(r"/rrset(\?|$)", path) is not None


def first(n, action, pred):
    """A script answering the first n requests that match pred with action."""
    seen = []

    def script(method, path, _):
        if not pred(method, path):
            return None
        seen.append(path)
        return action if len(seen) <= n else None
    return script


def test_two_throttles_then_success(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    f = faults(e, first(2, aws_error(400, "Throttling", "Rate exceeded"), lambda m, p: is_lookup(p)))
    r = ok(e.run("plan", "--detailed-exitcode", endpoint=f.url), 2)
    check("Plan: 2 to add, 0 to change, 0 to destroy." in r.stdout, r.stdout)
    check(retries(r) == [("Route 53 ListHostedZonesByName", "Throttling (HTTP 400)", 2, 5),
                         ("Route 53 ListHostedZonesByName", "Throttling (HTTP 400)", 3, 5)],
          "retry lines: %r\n%s" % (retries(r), r.stderr))
    check(len([p for p in f.paths() if is_lookup(p)]) == 3, "requests: %r" % f.paths())


def test_503_is_retried(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    f = faults(e, first(1, plain(503, "<html>Service Unavailable</html>"), is_list))
    r = ok(e.run("plan", endpoint=f.url))
    check(retries(r) == [("Route 53 ListResourceRecordSets", "HTTP 503", 2, 5)], r.stderr)
    check(len([q for q in f.requests if is_list(q["method"], q["path"])]) == 2, "%r" % f.paths())


def test_connection_reset_is_retried(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    f = faults(e, first(1, "reset", is_list))
    r = ok(e.run("plan", endpoint=f.url))
    check(retries(r) == [("Route 53 ListResourceRecordSets", "connection lost", 2, 5)], r.stderr)
    check("Plan: 2 to add" in r.stdout, r.stdout)


def test_access_denied_is_not_retried(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    f = faults(e, lambda m, p, n: aws_error(403, "AccessDenied", "User is not authorized"))
    r = ok(e.run("plan", endpoint=f.url), 1)
    check("AccessDenied" in r.stderr, r.stderr)
    check(retries(r) == [], r.stderr)
    check(len(f.requests) == 1, "%d requests" % len(f.requests))


def test_answer_after_the_timeout_is_retried(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    f = faults(e, first(1, ("late", 3), is_list))
    t = time.time()
    r = ok(e.run("plan", "--timeout", "1", endpoint=f.url))
    check(time.time() - t < 2.9, "waited for the late answer: %.1f s" % (time.time() - t))
    check(retries(r) == [("Route 53 ListResourceRecordSets", "timed out", 2, 5)], r.stderr)
    check("Plan: 2 to add" in r.stdout, r.stdout)


def test_change_that_times_out_is_settled_by_reading_not_resent(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    # The batch reaches Route 53 and lands; its answer comes too late.
    f = faults(e, first(1, ("late", 3), lambda m, p: m == "POST"))
    r = ok(e.run("apply", "--auto-approve", "--timeout", "1", endpoint=f.url))
    check(len(f.paths("POST")) == 1, "the batch was sent %d times" % len(f.paths("POST")))
    check(retries(r) == [], r.stderr)
    check("landed, although Route 53's answer was lost" in r.stdout, r.stdout)
    post = [i for i, q in enumerate(f.requests) if q["method"] == "POST"][0]
    check(any(is_list(q["method"], q["path"]) for q in f.requests[post + 1:]), "not read again after the POST")
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))


def test_change_answered_503_is_read_again_not_retried(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    f = faults(e, first(1, plain(503, "Service Unavailable"), lambda m, p: m == "POST"))
    r = ok(e.run("apply", "--auto-approve", endpoint=f.url))
    check(retries(r) == [], "the transport retried: " + r.stderr)
    posts = [i for i, q in enumerate(f.requests) if q["method"] == "POST"]
    check(len(posts) == 2, "%d POSTs" % len(posts))
    # apply's own decision, after reading the names: not landed, send it.
    check(any(is_list(q["method"], q["path"]) for q in f.requests[posts[0] + 1:posts[1]]),
          "sent again without reading: %r" % f.paths())
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))


def test_throttled_change_is_retried(e):
    zid = e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    f = faults(e, first(1, aws_error(400, "PriorRequestNotComplete", "The request was rejected"),
                        lambda m, p: m == "POST"))
    r = ok(e.run("apply", "--auto-approve", endpoint=f.url))
    check(retries(r) == [("Route 53 ChangeResourceRecordSets", "PriorRequestNotComplete (HTTP 400)", 2, 5)],
          r.stderr)
    posts = [i for i, q in enumerate(f.requests) if q["method"] == "POST"]
    check(posts[1] == posts[0] + 1, "read in between: %r" % f.paths())
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "live: %r" % (dmarc(e, zid),))


def test_attempts_are_bounded(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    f = faults(e, lambda m, p, n: plain(503, "down"))
    env = e.env(f.url, AWS_MAX_ATTEMPTS="3")
    r = ok(e.run("plan", env=env), 1)
    check([x[2] for x in retries(r)] == [2, 3] and all(x[3] == 3 for x in retries(r)), r.stderr)
    check(len(f.requests) == 3, "%d requests" % len(f.requests))
    check("Route 53 ListHostedZonesByName: HTTP 503: down" in r.stderr, r.stderr)
    # A bad value is refused before anything is sent.
    f.requests.clear()
    r = ok(e.run("plan", env=e.env(f.url, AWS_MAX_ATTEMPTS="zero")), 1)
    check("AWS_MAX_ATTEMPTS must be a number of attempts from 1 to 100, got 'zero'" in r.stderr, r.stderr)
    check(f.requests == [], "sent")


def test_connection_refused_is_retried(e):
    e.config(DMARC_CFG.format(policy="none"))
    f = faults(e)
    url = f.url
    f.stop()
    e.proxies.remove(f)
    r = ok(e.run("plan", env=e.env(url, AWS_MAX_ATTEMPTS="2")), 1)
    check(retries(r) == [("Route 53 ListHostedZonesByName", "connection failed", 2, 2)], r.stderr)
    check("cannot reach '%s/2013-04-01/hostedzonesbyname" % url in r.stderr, r.stderr)


def test_pacing_spaces_requests(e):
    e.zone("example.com")
    e.zone("example.net")
    e.zone("example.org")
    e.config("version: 1\ndomains:\n  example.com:\n    dmarc: { policy: none }\n"
             "  example.net:\n    dmarc: { policy: none }\n"
             "  example.org:\n    dmarc: { policy: none }\n")
    f = faults(e)
    # Four requests: one lookup (example.com.'s page holds the three zones)
    # and one read per zone.  1 a second, a burst of 1: request k goes k
    # seconds after the bucket was filled, which was after t0.  Only lower
    # bounds from t0: a request the proxy saw late cannot break them.
    t0 = time.time()
    r = ok(e.run("plan", "--max-rps", "1", "--debug", endpoint=f.url))
    times = [q["time"] for q in f.requests]
    check(len(times) == 4, "%d requests" % len(times))
    check(all(t - t0 >= k - SLEW for k, t in enumerate(times)), "not paced: %r" % [t - t0 for t in times])
    check("at most 1.00 requests/s (burst 1)" in r.stderr, r.stderr)
    check("for the request rate (1.00/s)" in r.stderr, r.stderr)


def test_default_rate_is_five_a_second(e):
    """No --max-rps: 5 requests a second with a burst of 5, so n requests
    take at least (n - 5) / 5 s from the moment the bucket was filled
    (after t0).  No upper bound: a busy machine only makes it slower."""
    names = ["d%02d.example" % i for i in range(39)]
    for n in names:
        e.zone(n)
    e.config("version: 1\ndomains:\n" + "".join("  %s:\n    dmarc: { policy: none }\n" % n for n in names))
    f = faults(e)
    t0 = time.time()
    r = ok(e.run("plan", "--detailed-exitcode", "--debug", endpoint=f.url), 2)
    # Each domain's DMARC record and registry, read in the same requests.
    check("Plan: 78 to add" in r.stdout, r.stdout[-500:])
    check("at most 5.00 requests/s (burst 5)" in r.stderr, r.stderr[:2000])
    times = sorted(q["time"] for q in f.requests)
    # One lookup page (every zone from d00.example. on) and one read per zone.
    check(len(times) == 40, "%d requests" % len(times))
    late = [(k, t - t0) for k, t in enumerate(times) if t - t0 < (k - 4) / 5.0 - SLEW]
    check(late == [], "sent faster than 5 a second after a burst of 5: %r" % late)
    check(times[-1] - t0 >= 7.0 - SLEW, "40 requests in %.2f s" % (times[-1] - t0))


def test_insecure_endpoint_needs_the_flag(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    proxy = ForwardProxy(forward_to=e.moto.url)
    e.proxies.append(proxy)
    url = "http://%s" % FAR_HOST
    env = e.env(url, http_proxy=proxy.url)
    r = ok(e.run("plan", env=env), 1)
    check("endpoint '%s' is plain http:// to a host that is not a loopback address" % url in r.stderr, r.stderr)
    check(proxy.seen == [], "sent: %r" % proxy.seen)
    # With the flag it goes, here through http_proxy (HTTP_PROXY would be
    # ignored, as libcurl does).
    r = ok(e.run("plan", "--allow-insecure-endpoint", env=env))
    check("Plan: 2 to add" in r.stdout, r.stdout)
    check(proxy.seen and all(s.startswith("GET %s/2013-04-01/" % url) for s in proxy.seen), "%r" % proxy.seen)
    # Loopback endpoints never go through a proxy.
    proxy.seen.clear()
    ok(e.run("plan", env=e.env(None, http_proxy=proxy.url, ALL_PROXY=proxy.url)))
    check(proxy.seen == [], "a loopback endpoint went through the proxy: %r" % proxy.seen)


def test_tls_is_verified_and_aws_ca_bundle_trusted(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    cert, key = make_cert(e.dir)
    f = faults(e, tls=(cert, key))
    r = ok(e.run("plan", endpoint=f.url), 1)
    check("cannot reach '%s/" % f.url in r.stderr and "certificate" in r.stderr.lower(), r.stderr)
    check(retries(r) == [] and f.accepts == 1, "a refused certificate was tried %d times" % f.accepts)
    check(f.requests == [], "a request went over an unverified connection")
    r = ok(e.run("plan", env=e.env(f.url, AWS_CA_BUNDLE=cert)))
    check("Plan: 2 to add" in r.stdout, r.stdout)
    check(f.requests, "no request")
    r = ok(e.run("plan", env=e.env(f.url, AWS_CA_BUNDLE=os.path.join(e.dir, "missing.pem"))), 1)
    check("cannot read AWS_CA_BUNDLE '%s'" % os.path.join(e.dir, "missing.pem") in r.stderr, r.stderr)


def test_https_proxy_and_no_proxy(e):
    e.zone("example.com")
    e.config(DMARC_CFG.format(policy="none"))
    cert, key = make_cert(e.dir)
    f = faults(e, tls=(cert, key))
    proxy = ForwardProxy(tunnel_to=("127.0.0.1", f.port))
    e.proxies.append(proxy)
    url = "https://%s" % FAR_HOST
    env = e.env(url, HTTPS_PROXY=proxy.url, AWS_CA_BUNDLE=cert)
    r = ok(e.run("plan", env=env))
    check("Plan: 2 to add" in r.stdout, r.stdout)
    check(proxy.seen and set(proxy.seen) == {"CONNECT %s:443" % FAR_HOST}, "%r" % proxy.seen)
    check(f.requests and all(q["headers"].get("Host") == FAR_HOST for q in f.requests), "%r" % f.requests)
    # NO_PROXY: straight there, to a port bound and not listening.  127.1 is
    # 127.0.0.1 to curl, which writes it so and matches NO_PROXY against
    # that, but not a loopback host to mailauth, which proxies it otherwise;
    # unlike a name, it asks no resolver, so nothing leaves the machine.
    proxy.seen.clear()
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = "https://127.1:%d" % closed.getsockname()[1]
        env.update(AWS_ENDPOINT_URL_ROUTE_53=url, NO_PROXY="127.0.0.1", AWS_MAX_ATTEMPTS="1")
        r = ok(e.run("plan", env=env), 1)
    check(proxy.seen == [], "went through the proxy: %r" % proxy.seen)
    check("cannot reach '%s/" % url in r.stderr, r.stderr)


def test_debug_shows_the_exchange_and_hides_every_secret(e):
    zid = e.zone("example.com")
    e.put(zid, "example.com.", "TXT", ['"v=spf1 -all"'])
    e.config(DMARC_CFG.format(policy="none"))
    token = "IQoJb3JpZ2luX2VjEXAMPLEtransportSESSIONtoken"
    # One throttle, so that retries and re-signing show too.
    f = faults(e, first(1, aws_error(400, "Throttling", "Rate exceeded"), is_list))
    env = e.env(f.url, AWS_SESSION_TOKEN=token)
    plan = ok(e.run("plan", "--debug", env=env))
    apply = ok(e.run("apply", "--auto-approve", "--debug", env=env))
    check(dmarc(e, zid) == (3600, [WANT_NONE]), "not applied")
    out = plan.stdout + plan.stderr + apply.stdout + apply.stderr
    sigs = set()
    for q in f.requests:
        h = {k.lower(): v for k, v in q["headers"].items()}
        check(h.get("x-amz-security-token") == token, "session token not sent")
        sigs.add(h["authorization"].split("Signature=")[1])
    for secret in [FAKE_SECRET, token] + sorted(sigs):
        check(secret not in out, "a secret reached the output: %s..." % secret[:8])
    # What it shows: the transport, each request line, its status and
    # time, the canonical request, the retry, the proxy's POST.
    for want in ("debug: transport: timeout 60 s, connect timeout 10 s, at most 5.00 requests/s (burst 5), "
                 "5 attempts",
                 "debug: > GET %s/2013-04-01/hostedzonesbyname?dnsname=example.com." % f.url,
                 "debug: > POST %s/2013-04-01/hostedzone/%s/rrset/" % (f.url, zid),
                 "debug: < HTTP 200\n", "debug: < HTTP 400\n",
                 "debug: Route 53 ListResourceRecordSets: canonical request (SigV4):\ndebug: | GET\n"
                 "debug: | /2013-04-01/hostedzone/%s/rrset\n" % zid,
                 "debug: | x-amz-security-token:<redacted>\n",
                 "debug: | host;x-amz-date;x-amz-security-token\n",
                 "debug: > X-Amz-Security-Token: <redacted>\n",
                 "debug: > Authorization: AWS4-HMAC-SHA256 Credential=<redacted>, "
                 "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=<redacted>\n",
                 "mailauth: Route 53 ListResourceRecordSets: Throttling (HTTP 400); retrying in "):
        check(want in out, "missing from --debug: %r\n%s" % (want, plan.stderr))
    # The pace after a throttle is half the lower of the allowed and the
    # measured rate: at most 2.50 a second, less when this machine is slow.
    m = re.search(r"debug: Route 53 ListResourceRecordSets: throttled; at most (\d+\.\d\d) "
                  r"requests a second for now\n", out)
    check(m and 0 < float(m.group(1)) <= 2.5, "no throttled pace line:\n" + plan.stderr)
    check(re.search(r"debug: < \(after \d+\.\d{3} s\)\n", out), "no timing")
