"""SPF records checked as receivers read them (issue 16): a NUL byte in a TXT
value does not cut the record, neither in `lint` nor in what `plan` reads
from Route 53, and an include of the domain itself is a loop that
`validate` refuses."""
from harness import check, ok


def test_lint_sees_past_a_nul(e):
    # Route 53 and dig show the NUL as \000; C receivers stop there and read
    # "-all", others return permerror: the +all after it must be seen too.
    r = ok(e.run("lint", "spf", '"v=spf1 -all\\000 +all"'), 1)
    check("error: SPF record: NUL byte at offset 11: receivers return permerror" in r.stdout, r.stdout)
    check("'+all' lets every host on the internet" in r.stdout, r.stdout)
    # The RFC 7208 suite's a-null and mx-null records.
    for rec, at in (('"v=spf1 a:foo.example.com\\000"', 24), ('"v=spf1 mx:foo.example.com\\000"', 25)):
        r = ok(e.run("lint", "spf", rec), 1)
        check("NUL byte at offset %d" % at in r.stdout, r.stdout)


def test_lint_include_loop_and_whole_internet(e):
    r = ok(e.run("lint", "spf", "v=spf1 include:%{d} -all"), 1)
    check("includes this record itself" in r.stdout, r.stdout)
    r = ok(e.run("lint", "spf", "v=spf1 ip4:0.0.0.0/0 -all"), 1)
    check("lets every IPv4 host on the internet" in r.stdout, r.stdout)
    r = ok(e.run("lint", "spf", "v=spf1 a:mail.example..com -all"), 0)
    check("warning: " in r.stdout and "never matches" in r.stdout, r.stdout)


def test_validate_refuses_an_include_of_the_domain_itself(e):
    e.config("version: 1\ndomains:\n  example.com:\n    spf: { include: [Example.COM], all: fail }\n")
    r = ok(e.run("validate"), 1)
    check("'include:Example.COM' includes this record itself" in r.stderr, r.stderr)


def test_plan_replaces_a_live_spf_record_with_a_nul(e):
    # Before the fix plan read the live value up to the NUL, found it
    # equivalent to "v=spf1 -all" and left the broken record in place.
    zid = e.zone("example.com")
    e.put(zid, "example.com.", "TXT", ['"v=spf1 -all\\000 +all"', '"other=1"'])
    e.config("version: 1\ndomains:\n  example.com:\n    spf: { all: fail }\n")
    r = ok(e.run("plan", "--detailed-exitcode"), 2)
    check("live record: example.com: NUL byte at offset 11" in r.stderr, r.stderr)
    ok(e.run("apply", "--auto-approve"))
    ttl, values = e.records(zid)[("example.com.", "TXT")]
    check(values == ['"v=spf1 -all"', '"other=1"'], "apex TXT: %r" % values)
    ok(e.run("plan", "--detailed-exitcode"), 0)
