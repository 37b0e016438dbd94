"""Integration tests of Ctrl-C and SIGTERM during apply (issue 15): two
zones, one batch each; the first ChangeResourceRecordSets reaches moto and
its answer is held by the fault-injecting proxy (faults.Gate) while the
test signals mailauth.  No sleeps: the test waits for the proxy to have the
request, and for mailauth's line on stderr, before going on.  What Route 53
holds is read with boto3."""
import os
import queue
import signal
import subprocess
import threading

from faults import Faults, Gate
from harness import BIN, check, ok

CFG = """\
version: 1
domains:
  example.com:
    dmarc: { policy: none, rua: [mailto:dmarc@example.com] }
  example.org:
    dmarc: { policy: none, rua: [mailto:dmarc@example.org] }
"""

WAIT = 30    # seconds: a bound for what should take milliseconds


def dmarc_of(e, zid, domain):
    return e.records(zid).get(("_dmarc.%s." % domain, "TXT"))


def zones(e):
    return {"example.com": e.zone("example.com"), "example.org": e.zone("example.org")}


def hold_first_post(e, gate):
    """A proxy in front of moto that holds the answer of the first POST."""
    posts = []

    def script(method, path, _):
        if method != "POST":
            return None
        posts.append(path)
        return ("hold", gate) if len(posts) == 1 else None
    f = Faults(e.moto.url, script)
    e.proxies.append(f)
    return f


class Running:
    """mailauth running in the background, its stderr read line by line."""

    def __init__(self, e, f, *args):
        self.proc = subprocess.Popen([BIN] + list(args), cwd=e.dir, env=e.env(f.url),
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.lines = queue.Queue()
        self.err = []
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()

    def read(self):
        for line in self.proc.stderr:
            self.err.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def wait_line(self, text):
        while True:
            line = self.lines.get(timeout=WAIT)
            check(line is not None, "no line with %r on stderr:\n%s" % (text, "".join(self.err)))
            if text in line:
                return line

    def finish(self):
        out = self.proc.stdout.read()
        rc = self.proc.wait(timeout=WAIT)
        self.reader.join(WAIT)
        return rc, out, "".join(self.err)


def interrupt_first_batch(e, sig, *apply_args, drop=False, z=None):
    """Applies CFG with the first batch's answer held, sends sig once the
    proxy has the request, releases the answer once mailauth said it is
    stopping; returns (zone ids, exit status, stdout, stderr, proxy)."""
    z = z or zones(e)
    gate = Gate(drop=drop)
    f = hold_first_post(e, gate)
    run = Running(e, f, "apply", "--auto-approve", *apply_args)
    try:
        check(gate.received.wait(WAIT), "the first batch never reached the proxy")
        run.proc.send_signal(sig)
        run.wait_line("interrupt received: finishing the change in flight")
    finally:
        gate.release()
    rc, out, err = run.finish()
    return z, rc, out, err, f


def first_and_second(e, out):
    """The zones in the order apply sent them, from its batch lines."""
    names = [d for d in ("example.com", "example.org") if "%s (" % d in out]
    check(len(names) == 2, out)
    return sorted(names, key=lambda d: out.index("%s (" % d))


def check_one_applied(e, z, rc, out, err, f):
    check(rc == 130, "exit %d, wanted 130\nstdout:\n%s\nstderr:\n%s" % (rc, out, err))
    check(len(f.paths("POST")) == 1, "batches sent: %r" % f.paths("POST"))
    first, second = first_and_second(e, out)
    check(dmarc_of(e, z[first], first) is not None, "the batch in flight did not land")
    check(dmarc_of(e, z[second], second) is None, "the second zone was changed")
    check("%s (%s): batch 1 of 1 (2 record sets): not sent: interrupted" % (second, z[second]) in out, out)
    check("Apply interrupted:" in out, out)
    check("  %s (%s): INTERRUPTED after 0 of 1 batch" % (second, z[second]) in out, out)
    check("apply was interrupted" in err, err)
    return first, second


def test_sigint_settles_the_batch_in_flight_and_sends_no_more(e):
    e.config(CFG)
    z, rc, out, err, f = interrupt_first_batch(e, signal.SIGINT)
    first, second = check_one_applied(e, z, rc, out, err, f)
    check(err.count("interrupt received") == 1, err)
    check(("%s (%s): batch 1 of 1 (2 record sets): change" % (first, z[first])) in out and
          "submitted" in out, out)
    check("was accepted and is propagating" in out, out)
    check("  %s (%s): applied, not yet in sync" % (first, z[first]) in out, out)
    # Nothing was waited for after the interrupt.
    check(f.paths("GET") == [] or not any("/change/" in p for p in f.paths("GET")),
          "GetChange after the interrupt: %r" % f.paths("GET"))
    # Running apply again converges.
    r = ok(e.run("apply", "--auto-approve"))
    check(dmarc_of(e, z[second], second) is not None, r.stdout)
    check(dmarc_of(e, z[first], first) is not None, r.stdout)
    ok(e.run("plan", "--detailed-exitcode"), 0)


def test_sigterm_behaves_like_sigint(e):
    e.config(CFG)
    z, rc, out, err, f = interrupt_first_batch(e, signal.SIGTERM)
    check_one_applied(e, z, rc, out, err, f)


def test_lost_answer_after_the_interrupt_is_settled_by_reading(e):
    e.config(CFG)
    z, rc, out, err, f = interrupt_first_batch(e, signal.SIGINT, drop=True)
    first, _ = check_one_applied(e, z, rc, out, err, f)
    check("%s (%s): batch 1 of 1 (2 record sets): landed, although Route 53's answer was lost" %
          (first, z[first]) in out, out)
    check("  %s (%s): applied\n" % (first, z[first]) in out, out)


def test_saved_plan_applied_again_skips_what_landed(e):
    e.config(CFG)
    z = zones(e)
    ok(e.run("plan", "--out", "p.json"), 0)
    z, rc, out, err, f = interrupt_first_batch(e, signal.SIGINT, "p.json", z=z)
    first, second = check_one_applied(e, z, rc, out, err, f)
    before = {d: e.records(z[d]) for d in z}
    # Again, through a proxy that counts what is sent.
    f2 = Faults(e.moto.url)
    e.proxies.append(f2)
    r = ok(e.run("apply", "--auto-approve", "p.json", endpoint=f2.url))
    # Nothing is read before sending: the batch that landed is refused by
    # Route 53 (its CREATE meets the set), its zone read, and found in place.
    check("%s (%s): batch 1 of 1 (2 record sets): already applied (the records are as planned); "
          "Route 53 refused it again, so nothing changed" % (first, z[first]) in r.stdout, r.stdout)
    check("Apply complete" in r.stdout, r.stdout)
    check(len(f2.paths("POST")) == 2 and z[second] in " ".join(f2.paths("POST")), "sent: %r" % f2.paths("POST"))
    check(e.records(z[first]) == before[first], "the zone already applied was changed")
    check(dmarc_of(e, z[second], second) is not None, "the rest was not applied")
    # A third time: everything is in place, both batches refused, nothing
    # changes.
    f3 = Faults(e.moto.url)
    e.proxies.append(f3)
    r = ok(e.run("apply", "--auto-approve", "p.json", endpoint=f3.url))
    check(r.stdout.count("already applied") == 2 and len(f3.paths("POST")) == 2, r.stdout)
    check(e.records(z[first]) == before[first], "the zone already applied was changed")


def test_second_sigint_exits_at_once(e):
    e.config(CFG)
    z = zones(e)
    gate = Gate()
    f = hold_first_post(e, gate)
    run = Running(e, f, "apply", "--auto-approve")
    try:
        check(gate.received.wait(WAIT), "the first batch never reached the proxy")
        run.proc.send_signal(signal.SIGINT)
        run.wait_line("interrupt received")
        # The answer is still held: only the second signal can end it.
        run.proc.send_signal(signal.SIGINT)
        rc = run.proc.wait(timeout=WAIT)
    finally:
        gate.release()
    rc, out, err = run.finish()
    check(rc == 130, "exit %d\n%s" % (rc, err))
    check("interrupted again: exiting now" in err, err)
    check(len(f.paths("POST")) == 1, "batches sent: %r" % f.paths("POST"))
    landed = [d for d in z if dmarc_of(e, z[d], d) is not None]
    check(len(landed) == 1, "landed: %r" % landed)


def test_interrupt_before_sending_sends_nothing(e):
    # apply reads nothing again before sending (Route 53 refuses a stale
    # batch), so the last read before the first batch is the plan's own:
    # SIGINT while it is held ends apply there, the default way, and
    # nothing is sent.
    e.config(CFG)
    z = zones(e)
    gate = Gate()
    lists = []

    def script(method, path, _):
        if method == "GET" and "/rrset" in path:
            lists.append(path)
            return ("hold", gate) if len(lists) == 1 else None
        return None
    f = Faults(e.moto.url, script)
    e.proxies.append(f)
    run = Running(e, f, "apply", "--auto-approve")
    try:
        check(gate.received.wait(WAIT), "the plan's read never reached the proxy")
        run.proc.send_signal(signal.SIGINT)
        rc = run.proc.wait(timeout=WAIT)
    finally:
        gate.release()
    rc, out, err = run.finish()
    check(rc in (-signal.SIGINT, 130), "exit %d\n%s\n%s" % (rc, out, err))
    check(f.paths("POST") == [], "sent: %r" % f.paths("POST"))
    check(len(lists) == 1, "reads: %r" % lists)
    check(all(dmarc_of(e, z[d], d) is None for d in z), "a zone was changed")


def test_ctrl_c_in_credential_process_reaches_only_it(e):
    """A credential_process runs in a process group of its own, which has the
    terminal while it runs: a Ctrl-C there reaches that group only (here
    the command signals its own group, as the terminal would).  mailauth
    says the command was killed, sends nothing and exits 1, not 130."""
    e.config(CFG)
    z = zones(e)
    path = os.path.join(e.dir, ".aws")
    os.makedirs(path)
    with open(os.path.join(path, "config"), "w") as f:
        f.write("[profile ask]\ncredential_process = /bin/sh -c 'kill -INT 0; sleep 5'\n")
    env = e.env()
    del env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"]
    env.update({"AWS_EC2_METADATA_DISABLED": "true"})
    r = subprocess.run([BIN, "apply", "--auto-approve", "--profile", "ask"], cwd=e.dir, env=env,
                       stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=WAIT)
    check(r.returncode == 1, "exit %d\n%s" % (r.returncode, r.stderr))
    check("credential_process of profile 'ask' was killed by signal 2" in r.stderr, r.stderr)
    check("interrupt received" not in r.stderr, r.stderr)
    check(all(dmarc_of(e, z[d], d) is None for d in z), "a zone was changed")


if __name__ == "__main__":
    import sys
    from harness import main
    sys.exit(main([v for k, v in sorted(globals().items()) if k.startswith("test_")]))
