"""`make demo`: mailauth's main job, end to end, against a local Route 53.

Starts the moto emulator on loopback, creates the hosted zone example.com
with a few records that mailauth does not own, then runs `mailauth plan`,
`mailauth apply --auto-approve` and `mailauth plan` again with
examples/mailauth.yaml, and stops the emulator.
"""
import os
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests", "integration"))
from harness import Env, Moto  # noqa: E402

CONFIG = "examples/mailauth.yaml"  # relative to TOP, where mailauth runs


def say(text):
    print("\n\033[1m==> %s\033[0m" % text if sys.stdout.isatty() else "\n==> %s" % text, flush=True)


def show_zone(e, zid):
    for (name, rtype), (ttl, values) in sorted(e.records(zid).items()):
        if rtype in ("NS", "SOA"):
            continue
        for v in values:
            print("    %-28s %-5s %-5s %s" % (name, rtype, ttl or "", v))


def run(e, *args):
    print("$ mailauth %s" % " ".join(args), flush=True)
    r = subprocess.run([os.environ.get("MAILAUTH_BIN", os.path.join(TOP, "build", "mailauth"))] + list(args),
                       env=e.env(), cwd=TOP)
    if r.returncode not in (0, 2):
        sys.exit("demo: mailauth %s failed (exit %d)" % (" ".join(args), r.returncode))


def main():
    say("Starting a local Route 53 (the moto emulator) on 127.0.0.1")
    moto = Moto()
    e = Env(moto)
    try:
        zid = e.zone("example.com")
        e.put(zid, "example.com.", "MX", ["10 inbound-smtp.eu-west-1.amazonaws.com."])
        e.put(zid, "example.com.", "TXT", ['"google-site-verification=3x4mpl3"', '"MS=ms48151623"'])
        e.put(zid, "www.example.com.", "A", ["192.0.2.80"])
        print("Hosted zone example.com (%s) holds records mailauth does not own:" % zid)
        show_zone(e, zid)

        plan = os.path.join(e.dir, "plan.json")
        say("mailauth plan: compare examples/mailauth.yaml with the live zone (reads only) and save the plan "
            "for review, as a pipeline does on a pull request")
        run(e, "plan", "-c", CONFIG, "--out", plan)

        say("mailauth apply PLAN: apply exactly the reviewed plan, after checking nothing changed since; "
            "SPF goes beside the apex values it does not own, all in one atomic batch; wait until INSYNC")
        run(e, "apply", "-c", CONFIG, "--auto-approve", plan)

        say("mailauth plan again: the zone now matches the file, so nothing is left to do")
        run(e, "plan", "-c", CONFIG, "--detailed-exitcode")

        say("The zone afterwards: SPF, DKIM and DMARC are published; every other value is as it was")
        show_zone(e, zid)
    finally:
        e.close()
        moto.stop()
        say("Stopped the emulator. Try it on your own zone: mailauth plan -c mailauth.yaml")


if __name__ == "__main__":
    main()
