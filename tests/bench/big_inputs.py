"""bench.py's companion for inputs far larger than real ones (issue 15): the
CPU time mailauth spends before it sends anything, which must grow about
linearly with the input.

- `apply PLANFILE` on saved plans of 40,000 and 115,000 DMARC creates in one
  zone, and of 40,000 in 40,000 zones, against an endpoint that refuses the
  connection: everything up to the first request (reading the plan, checking
  the batches, choosing which names to read) is measured, then it stops.
- `validate` on a config of one domain with 55,000 SPF includes, within the
  1 MiB limit (the record is far too long: that error is expected; rendering
  and checking it is what is timed).

Prints the user CPU seconds of each. Run:
python3 tests/bench/big_inputs.py [BINARY] (default build/mailauth).
"""
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile

CONFIG = "version: 1\ndomains:\n  example.com:\n    dmarc: {policy: none}\n"
VALUE = '"v=DMARC1; p=none"'


def plan(path, n, zones, sha):
    changes = []
    for i in range(n):
        z = i % zones
        name = "_dmarc.d%d.z%d.example.com." % (i, z)
        changes.append({
            "zone": {"id": "Z%d" % z, "name": "z%d.example.com." % z},
            "domain": "d%d.z%d.example.com" % (i, z), "kind": "DMARC", "action": "create",
            "name": name, "type": "TXT", "ttl": 3600, "note": None, "stage": None,
            "before": None,
            "after": {"name": name, "type": "TXT", "ttl": 3600, "values": [VALUE],
                      "routing": None}})
    doc = {"format_version": 3, "mailauth_version": "0.1.0",
           "config": {"path": "mailauth.yaml", "sha256": sha},
           "created": "2026-12-04T00:00:00Z",
           "summary": {"add": n, "change": 0, "destroy": 0}, "changes": changes}
    with open(path, "w") as f:
        json.dump(doc, f)


def measure(binary, args, cwd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([binary] + args, cwd=cwd, env=env, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime, r


def main():
    binary = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build/mailauth")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="x",
               AWS_ENDPOINT_URL_ROUTE_53="http://127.0.0.1:9", NO_COLOR="1")
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "mailauth.yaml"), "w") as f:
            f.write(CONFIG)
        sha = hashlib.sha256(CONFIG.encode()).hexdigest()
        for n, zones in ((40000, 1), (115000, 1), (40000, 40000)):
            p = os.path.join(d, "plan.json")
            plan(p, n, zones, sha)
            cpu, r = measure(binary, ["apply", "--auto-approve", p], d, env)
            ok = "nothing was sent" in r.stderr
            print("apply: %d changes in %d zone%s: %.2f s CPU%s" % (
                n, zones, "" if zones == 1 else "s", cpu, "" if ok else " (unexpected: %s)"
                % r.stderr.strip()[-200:]))
        spf = os.path.join(d, "spf.yaml")
        with open(spf, "w") as f:
            f.write("version: 1\ndomains:\n  example.com:\n    spf:\n      include: [%s]\n"
                    "      all: fail\n" % ", ".join("i%d.ex.net" % i for i in range(55000)))
        cpu, r = measure(binary, ["validate", "-c", spf], d, env)
        ok = "in the records" in r.stderr
        print("validate: 55000 SPF includes: %.2f s CPU%s" % (
            cpu, "" if ok else " (unexpected: %s)" % r.stderr.strip()[-200:]))


if __name__ == "__main__":
    main()
