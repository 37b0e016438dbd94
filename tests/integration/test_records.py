"""Integration tests of issue 16's record checks through the real binary:
plan replaces live records that only look like mailauth's (a DKIM key record
with an empty tag, a DMARC record with an escaped NUL), checked in Route 53
with boto3; lint takes a record that starts with '-' after '--'.

Run alone: MAILAUTH_BIN=build/mailauth python3 tests/integration/test_records.py
"""
import base64
import os
import sys

from harness import check, main, ok, registry

# RFC 8463 Appendix A.2's key: the raw 32 bytes mailauth publishes, and the
# SubjectPublicKeyInfo the config gives.
ED_RAW = "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
ED_SPKI = base64.b64encode(bytes.fromhex("302a300506032b6570032100") +
                           base64.b64decode(ED_RAW)).decode()
DKIM_WANT = "v=DKIM1; k=ed25519; p=" + ED_RAW
DMARC_WANT = "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"

CFG = """\
version: 1
domains:
  example.com:
    dmarc:
      policy: quarantine
      rua: [mailto:dmarc@example.com]
    dkim:
      ed1: { public_key: "%s" }
""" % ED_SPKI


def joined(value):
    """The text of one TXT value: its strings concatenated, escapes undone."""
    out, i, inq = bytearray(), 0, False
    while i < len(value):
        ch = value[i]
        if ch == '"':
            inq = not inq
            i += 1
        elif ch == "\\" and value[i + 1:i + 4].isdigit():
            out.append(int(value[i + 1:i + 4], 8))
            i += 4
        elif ch == "\\":
            out += value[i + 1].encode()
            i += 2
        else:
            if inq:
                out += ch.encode()
            i += 1
    return bytes(out)


def test_plan_replaces_records_that_only_look_right(e):
    zid = e.zone("example.com")
    # RFC 6376 §3.2 allows no empty tag (dkimpy fails such a key); the
    # NUL ("\000", as Route 53 writes it) is part of the record receivers
    # get, so it is not p=quarantine to them.
    e.put(zid, "ed1._domainkey.example.com.", "TXT", ['"v=DKIM1;; k=ed25519; p=%s"' % ED_RAW])
    e.put(zid, "_dmarc.example.com.", "TXT", ['"%s\\000; p=none"' % DMARC_WANT, '"other=1"'])
    e.config(CFG)
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("empty tag (';;')" in r.stdout + r.stderr, r.stdout + r.stderr)
    check("byte 0x00 at offset 52" in r.stdout + r.stderr, r.stdout + r.stderr)
    p = e.proxy()
    ok(e.run("apply", "--auto-approve", endpoint=p.url))
    recs = e.records(zid)
    sel = recs[("ed1._domainkey.example.com.", "TXT")][1]
    check([joined(v) for v in sel] == [DKIM_WANT.encode()], "selector: %r" % sel)
    dm = recs[("_dmarc.example.com.", "TXT")][1]
    check(sorted(joined(v) for v in dm) == sorted([DMARC_WANT.encode(), b"other=1"]),
          "_dmarc: %r" % dm)
    ok(e.run("plan", "--detailed-exitcode"), 0)


def test_plan_keeps_a_final_semicolon(e):
    zid = e.zone("example.com")
    # One final ';' is allowed (tag-list = tag-spec *( ";" tag-spec ) [ ";" ]).
    live = '"%s;"' % DKIM_WANT
    e.put(zid, "ed1._domainkey.example.com.", "TXT", [live], ttl=3600)
    e.put(zid, "_dmarc.example.com.", "TXT", ['"%s"' % DMARC_WANT], ttl=3600)
    registry(e, zid, "v=mailauth1; dmarc=_dmarc; dkim=ed1._domainkey")
    e.config(CFG)
    ok(e.run("plan", "--detailed-exitcode"), 0)
    check(e.records(zid)[("ed1._domainkey.example.com.", "TXT")][1] == [live], "changed")


def test_lint_record_after_double_dash(e):
    r = ok(e.run("lint", "spf", "-all"), 1)
    check(r.stdout == "", r.stdout)
    check("mailauth: unknown option '-all'; if '-all' is an argument, put '--' before it: "
          "mailauth lint spf -- '-all'\n" in r.stderr, r.stderr)
    r = ok(e.run("lint", "spf", "--", "-all"), 1)
    check(r.stderr == "" and "error: SPF record: not an SPF record" in r.stdout, r.stdout + r.stderr)
    r = ok(e.run("lint", "dkim", "--", "v=DKIM1;; k=ed25519; p=" + ED_RAW), 1)
    check(r.stdout.startswith("error: DKIM record: empty tag (';;')"), r.stdout)
    r = ok(e.run("lint", "dkim", "--", DKIM_WANT + ";"), 0)
    check(r.stdout == "DKIM record OK\n", r.stdout)
    # One quoted string: 255 bytes is the most DNS can hold.
    ok(e.run("lint", "dmarc", '"v=DMARC1; p=none; x=%s"' % ("a" * 235)), 0)
    r = ok(e.run("lint", "dmarc", '"v=DMARC1; p=none; x=%s"' % ("a" * 236)), 1)
    check("character-string 1 of the TXT value is 256 bytes" in r.stderr, r.stderr)


if __name__ == "__main__":
    sys.exit(main([fn for k, fn in sorted(globals().items()) if k.startswith("test_")]))
