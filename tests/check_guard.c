/*
 * check_guard.c - the safety guard (src/plan/guard.c): which changes weaken
 * DMARC or SPF, and the reason given; and the SPF helpers it reads the all
 * qualifier with (src/dns/spf.c).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/plan.h"
#include "mailauth/spf.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* A TXT value of one string. */
#define Q(s)		"\"" s "\""
/* A NULL-terminated list of values; NOSET is no record set at all. */
#define V(...)		((const char *const []){ __VA_ARGS__, NULL })
#define NOSET		((const char *const *)NULL)

#define DMARC(tags)	Q("v=DMARC1; " tags)
#define FOREIGN		Q("google-site-verification=3x4mpl3")

Suite	*guard_suite(void);

static void
set_fill(struct rrset *rs, const char *name, const char *type,
    const char *const *values)
{
	memset(rs, 0, sizeof(*rs));
	if (values == NOSET)
		return;
	rrset_init(rs, name, type, 300);
	for (; *values != NULL; values++)
		rrset_value_add(rs, *values);
}

/* plan_change_weakens() of a change to TXT sets at the kind's name. */
static char *
weakens_type(enum record_kind kind, enum plan_op op, const char *type,
    const char *const *before, const char *const *after)
{
	struct plan_change	 c;
	const char		*name;
	char			*why;

	name = kind == RECORD_DMARC ? "_dmarc.example.com." :
	    kind == RECORD_DKIM ? "s1._domainkey.example.com." :
	    "example.com.";
	memset(&c, 0, sizeof(c));
	c.op = op;
	c.kind = kind;
	set_fill(&c.before, name, type, before);
	set_fill(&c.after, name, "TXT", after);
	why = plan_change_weakens(&c);
	rrset_release(&c.before);
	rrset_release(&c.after);
	return why;
}

static char *
weakens(enum record_kind kind, enum plan_op op, const char *const *before,
    const char *const *after)
{
	return weakens_type(kind, op, "TXT", before, after);
}

/* Asserts the reason (NULL: not weakened) for one case. */
static void
expect(const char *label, char *got, const char *want)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: flagged as '%s'", label, got);
	else {
		ck_assert_msg(got != NULL, "%s: not flagged, want '%s'",
		    label, want);
		ck_assert_msg(strcmp(got, want) == 0, "%s: got '%s', want "
		    "'%s'", label, got, want);
	}
	free(got);
}

/* One owned value before, one after, an update. */
struct pair {
	const char	*before;
	const char	*after;
	const char	*want;
};

static void
run_pairs(enum record_kind kind, const struct pair *cases, size_t n)
{
	char	 label[600];
	size_t	 i;

	for (i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "case %zu, %s -> %s", i,
		    cases[i].before, cases[i].after);
		expect(label, weakens(kind, PLAN_UPDATE, V(cases[i].before),
		    V(cases[i].after)), cases[i].want);
	}
}

START_TEST(test_dmarc_policy)
{
	static const struct pair	 cases[] = {
		/* Each step down the order is caught ... */
		{ DMARC("p=reject"), DMARC("p=reject; t=y"),
		  "DMARC policy p=reject -> p=reject; t=y" },
		{ DMARC("p=reject; t=y"), DMARC("p=quarantine"),
		  "DMARC policy p=reject; t=y -> p=quarantine" },
		{ DMARC("p=quarantine"), DMARC("p=quarantine; t=y"),
		  "DMARC policy p=quarantine -> p=quarantine; t=y" },
		{ DMARC("p=quarantine; t=y"), DMARC("p=none"),
		  "DMARC policy p=quarantine; t=y -> p=none" },
		/* ... and so are longer ones. */
		{ DMARC("p=reject"), DMARC("p=quarantine; t=y"),
		  "DMARC policy p=reject -> p=quarantine; t=y" },
		{ DMARC("p=reject"), DMARC("p=none; rua=mailto:d@example.com"),
		  "DMARC policy p=reject -> p=none" },
		{ DMARC("p=Reject; t=n"), DMARC("p=quarantine"),
		  "DMARC policy p=reject -> p=quarantine" },
		/* No p (or an invalid one) is none to receivers. */
		{ DMARC("p=quarantine"), DMARC("rua=mailto:d@example.com"),
		  "DMARC policy p=quarantine -> p=none (no valid p)" },
		{ DMARC("p=quarantine"), DMARC("p=strict"),
		  "DMARC policy p=quarantine -> p=none (no valid p)" },
		/* Stronger or as strong: not flagged. */
		{ DMARC("p=none"), DMARC("p=quarantine; t=y"), NULL },
		{ DMARC("p=quarantine; t=y"), DMARC("p=quarantine"), NULL },
		{ DMARC("p=quarantine"), DMARC("p=reject; t=y"), NULL },
		{ DMARC("p=reject; t=y"), DMARC("p=reject"), NULL },
		{ DMARC("p=none"), DMARC("p=reject"), NULL },
		{ DMARC("p=reject"),
		  DMARC("p=reject; rua=mailto:d@example.com"), NULL },
		{ DMARC("p=REJECT"), DMARC("p=reject"), NULL },
		{ DMARC("p=reject"), DMARC("p=reject; t=n"), NULL },
		{ DMARC("p=none"), DMARC("p=none; t=y"), NULL },
		{ DMARC("p=bogus"), DMARC("p=none"), NULL },
	};

	run_pairs(RECORD_DMARC, cases, NELEM(cases));
}
END_TEST

START_TEST(test_dmarc_subdomains)
{
	static const struct pair	 cases[] = {
		{ DMARC("p=reject; sp=reject"), DMARC("p=reject; sp=none"),
		  "DMARC subdomain policy sp=reject -> sp=none" },
		/* sp defaults to p: the effective values are compared. */
		{ DMARC("p=reject"), DMARC("p=reject; sp=quarantine"),
		  "DMARC subdomain policy sp=reject (from p) -> "
		  "sp=quarantine" },
		{ DMARC("p=none; sp=reject"), DMARC("p=none"),
		  "DMARC subdomain policy sp=reject -> sp=none (from p)" },
		/* t=y weakens every policy of the record. */
		{ DMARC("p=reject; sp=reject"), DMARC("p=reject; sp=reject; "
		  "t=y"), "DMARC policy p=reject -> p=reject; t=y, subdomain "
		  "policy sp=reject -> sp=reject; t=y" },
		/* Both weakened: both said, in one line. */
		{ DMARC("p=reject; sp=reject"),
		  DMARC("p=quarantine; sp=quarantine"),
		  "DMARC policy p=reject -> p=quarantine, subdomain policy "
		  "sp=reject -> sp=quarantine" },
		/* sp inherited on both sides is said once, with p. */
		{ DMARC("p=reject"), DMARC("p=none"),
		  "DMARC policy p=reject -> p=none" },
		/* An invalid sp falls back to p. */
		{ DMARC("p=reject; sp=bogus"), DMARC("p=reject; sp=reject"),
		  NULL },
		{ DMARC("p=reject; sp=reject"), DMARC("p=reject; sp=bogus"),
		  NULL },
		{ DMARC("p=none; sp=reject"), DMARC("p=none; sp=bogus"),
		  "DMARC subdomain policy sp=reject -> sp=none (from p)" },
		/* np defaults to sp, then to p. */
		{ DMARC("p=reject"), DMARC("p=reject; np=none"),
		  "DMARC non-existent subdomain policy np=reject (from p) -> "
		  "np=none" },
		{ DMARC("p=none; sp=reject"),
		  DMARC("p=none; sp=reject; np=quarantine"),
		  "DMARC non-existent subdomain policy np=reject (from sp) -> "
		  "np=quarantine" },
		/* Not flagged. */
		{ DMARC("p=reject; sp=none"), DMARC("p=reject"), NULL },
		{ DMARC("p=reject; sp=quarantine"), DMARC("p=reject; "
		  "sp=quarantine; np=reject"), NULL },
		{ DMARC("p=quarantine; sp=reject"), DMARC("p=reject"), NULL },
		{ DMARC("p=none; np=reject"), DMARC("p=reject"), NULL },
	};

	run_pairs(RECORD_DMARC, cases, NELEM(cases));
}
END_TEST

START_TEST(test_dmarc_pct)
{
	static const struct pair	 cases[] = {
		{ DMARC("p=reject"), DMARC("p=reject; pct=50"),
		  "DMARC pct=100 -> pct=50 with p=reject" },
		{ DMARC("p=quarantine; pct=100"), DMARC("p=quarantine; pct=99"),
		  "DMARC pct=100 -> pct=99 with p=quarantine" },
		{ DMARC("p=reject; pct=50"), DMARC("p=reject; pct=0"),
		  "DMARC pct=50 -> pct=0 with p=reject" },
		{ DMARC("p=reject; t=y"), DMARC("p=reject; t=y; pct=20"),
		  "DMARC pct=100 -> pct=20 with p=reject" },
		/* Not flagged: more pct, the same, with p=none (pct has no
		 * effect), or under a stronger policy. */
		{ DMARC("p=reject; pct=50"), DMARC("p=reject"), NULL },
		{ DMARC("p=reject; pct=100"), DMARC("p=reject"), NULL },
		{ DMARC("p=none"), DMARC("p=none; pct=10"), NULL },
		{ DMARC("p=quarantine"), DMARC("p=reject; pct=50"), NULL },
		/* An invalid pct is 100 to older receivers. */
		{ DMARC("p=reject; pct=abc"), DMARC("p=reject"), NULL },
		{ DMARC("p=reject"), DMARC("p=reject; pct=101"), NULL },
		{ DMARC("p=reject; pct=101"), DMARC("p=reject; pct=90"),
		  "DMARC pct=100 -> pct=90 with p=reject" },
		/* A weaker policy is reported, not pct beside it. */
		{ DMARC("p=reject"), DMARC("p=quarantine; pct=50"),
		  "DMARC policy p=reject -> p=quarantine" },
	};

	run_pairs(RECORD_DMARC, cases, NELEM(cases));
}
END_TEST

START_TEST(test_dmarc_removed)
{
	/* Deleted with the set. */
	expect("delete", weakens(RECORD_DMARC, PLAN_DELETE,
	    V(DMARC("p=none")), NOSET), "DMARC record removed");
	/* A DELETE leaves nothing, whatever after holds. */
	expect("delete with after", weakens(RECORD_DMARC, PLAN_DELETE,
	    V(DMARC("p=reject")), V(DMARC("p=reject"))),
	    "DMARC record removed");
	/* Dropped from a set that keeps a foreign value. */
	expect("dropped", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(FOREIGN, DMARC("p=quarantine")), V(FOREIGN)),
	    "DMARC record removed");
	/* Removing a record receivers ignore removes nothing. */
	expect("delete garbage", weakens(RECORD_DMARC, PLAN_DELETE,
	    V(DMARC("p=reject; p=none")), NOSET), NULL);
	expect("delete foreign", weakens(RECORD_DMARC, PLAN_DELETE,
	    V(FOREIGN), NOSET), NULL);
	/* Replaced by something receivers ignore: as good as removed. */
	expect("after garbage", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(DMARC("p=reject")), V(DMARC("p=reject; fo"))),
	    "DMARC record replaced by one receivers ignore");
	expect("after lower-case version", weakens(RECORD_DMARC,
	    PLAN_UPDATE, V(DMARC("p=none")), V(Q("v=dmarc1; p=reject"))),
	    "DMARC record replaced by one receivers ignore");
	expect("after two", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(DMARC("p=reject")), V(DMARC("p=reject"), DMARC("p=reject"))),
	    "DMARC record replaced by 2 records, which receivers ignore");
}
END_TEST

START_TEST(test_dmarc_values)
{
	/* Split strings are joined before reading. */
	expect("split", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V("\"v=DMARC1; p=rej\" \"ect\""), V("\"v=DMARC1; \" \"p=none\"")),
	    "DMARC policy p=reject -> p=none");
	expect("split same", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V("\"v=DMARC1; p=rej\" \"ect\""), V(DMARC("p=reject"))), NULL);
	/* Foreign values are ignored, whatever they say. */
	expect("foreign", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(FOREIGN, Q("v=spf1 -all"), DMARC("p=reject")),
	    V(DMARC("p=reject"))), NULL);
	expect("foreign kept", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(FOREIGN, DMARC("p=reject")), V(FOREIGN, DMARC("p=none"))),
	    "DMARC policy p=reject -> p=none");
	/* Garbage live values protect nothing: not a DMARC record to
	 * receivers (repeated tag, tag without '=', lower-case version,
	 * leading space), or not a TXT value that decodes. */
	expect("repeated tag", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(DMARC("p=reject; p=reject")), V(DMARC("p=none"))), NULL);
	expect("no =", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(DMARC("p=reject; fo")), V(DMARC("p=none"))), NULL);
	expect("version case", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(Q("v=dmarc1; p=reject")), V(DMARC("p=none"))), NULL);
	expect("leading space", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(Q(" v=DMARC1; p=reject")), V(DMARC("p=none"))), NULL);
	expect("undecodable", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V("\"v=DMARC1; p=reject"), V(DMARC("p=none"))), NULL);
	/* A NUL ("\000") does not end the record: "p=reject" followed by
	 * a NUL is no policy receivers read (docs/records.md). */
	expect("nul", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V("\"v=DMARC1; p=reject\\000; p=none\""), V(DMARC("p=none"))),
	    NULL);
	expect("nul spf", weakens(RECORD_SPF, PLAN_UPDATE,
	    V("\"v=spf1 -all\\000 +all\""), V(Q("v=spf1 ~all"))), NULL);
	/* Several live records: receivers ignore them all, so there is no
	 * protection to weaken. */
	expect("several", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(DMARC("p=none"), DMARC("p=reject; p=x"), DMARC("p=reject")),
	    V(DMARC("p=quarantine"))), NULL);
	expect("strongest kept", weakens(RECORD_DMARC, PLAN_UPDATE,
	    V(DMARC("p=none"), DMARC("p=reject")), V(DMARC("p=reject"))),
	    NULL);
	/* Only TXT values are read. */
	expect("cname", weakens_type(RECORD_DMARC, PLAN_UPDATE, "CNAME",
	    V("dmarc.example.net."), V(DMARC("p=none"))), NULL);
}
END_TEST

START_TEST(test_dmarc_ops)
{
	/* Creating where nothing was never weakens, even p=none. */
	expect("create", weakens(RECORD_DMARC, PLAN_CREATE, NOSET,
	    V(DMARC("p=none"))), NULL);
	expect("none", weakens(RECORD_DMARC, PLAN_NONE,
	    V(DMARC("p=reject")), V(DMARC("p=reject"))), NULL);
	/* Added beside foreign values: nothing owned was live. */
	expect("added", weakens(RECORD_DMARC, PLAN_UPDATE, V(FOREIGN),
	    V(FOREIGN, DMARC("p=none"))), NULL);
}
END_TEST

START_TEST(test_spf_all)
{
	static const struct pair	 cases[] = {
		{ Q("v=spf1 -all"), Q("v=spf1 ~all"), "SPF all -all -> ~all" },
		{ Q("v=spf1 mx -all"), Q("v=spf1 mx ?all"),
		  "SPF all -all -> ?all" },
		{ Q("v=spf1 ~all"), Q("v=spf1 ?all"), "SPF all ~all -> ?all" },
		{ Q("v=spf1 ?all"), Q("v=spf1 mx"), "SPF all ?all -> no all" },
		{ Q("v=spf1 ~all"), Q("v=spf1 +all"), "SPF all ~all -> +all" },
		{ Q("v=spf1 -all"), Q("v=spf1 all"), "SPF all -all -> +all" },
		{ Q("v=spf1 -ALL"), Q("v=spf1 ~All"), "SPF all -all -> ~all" },
		/* Only the first all is evaluated. */
		{ Q("v=spf1 -all ~all"), Q("v=spf1 ~all"),
		  "SPF all -all -> ~all" },
		/* With all, redirect= is ignored. */
		{ Q("v=spf1 redirect=_spf.example.com -all"),
		  Q("v=spf1 ~all"), "SPF all -all -> ~all" },
		/* Stronger or as strong: not flagged. */
		{ Q("v=spf1 ~all"), Q("v=spf1 -all"), NULL },
		{ Q("v=spf1 ?all"), Q("v=spf1 ~all"), NULL },
		{ Q("v=spf1 mx -all"), Q("v=spf1 a include:amazonses.com -all"),
		  NULL },
		{ Q("v=spf1 +all"), Q("v=spf1 mx"), NULL },
		{ Q("v=spf1 mx"), Q("v=spf1 +all"), NULL },
		{ Q("v=spf1 mx"), Q("v=spf1 ?all"), NULL },
		{ Q("v=spf1 -all"), Q("V=SPF1 -ALL"), NULL },
		/* redirect= without all: the result is another record's. */
		{ Q("v=spf1 -all"), Q("v=spf1 redirect=_spf.example.com"),
		  NULL },
		{ Q("v=spf1 redirect=_spf.example.com"), Q("v=spf1 ?all"),
		  NULL },
		{ Q("v=spf1 redirect=_spf.example.com"), Q("v=spf1 mx"), NULL },
		/* A NUL: receivers return permerror or read "-all" only, so
		 * there is no -all to weaken (issue 16). */
		{ "\"v=spf1 -all\\000 +all\"", Q("v=spf1 ~all"), NULL },
	};

	run_pairs(RECORD_SPF, cases, NELEM(cases));
}
END_TEST

START_TEST(test_spf_removed)
{
	expect("delete", weakens(RECORD_SPF, PLAN_DELETE,
	    V(Q("v=spf1 ?all")), NOSET), "SPF record removed");
	expect("delete redirect", weakens(RECORD_SPF, PLAN_DELETE,
	    V(Q("v=spf1 redirect=_spf.example.com")), NOSET),
	    "SPF record removed");
	expect("dropped", weakens(RECORD_SPF, PLAN_UPDATE,
	    V(FOREIGN, Q("v=spf1 -all")), V(FOREIGN)), "SPF record removed");
	/* Receivers return permerror for a record with a syntax error:
	 * removing it removes nothing. */
	expect("delete garbage", weakens(RECORD_SPF, PLAN_DELETE,
	    V(Q("v=spf1 foo:bar -all")), NOSET), NULL);
	expect("after garbage", weakens(RECORD_SPF, PLAN_UPDATE,
	    V(Q("v=spf1 ~all")), V(Q("v=spf1 include -all"))),
	    "SPF record replaced by one with a syntax error, for which "
	    "receivers return permerror");
	expect("after two", weakens(RECORD_SPF, PLAN_UPDATE,
	    V(Q("v=spf1 -all")), V(Q("v=spf1 -all"), Q("v=spf1 mx -all"))),
	    "SPF record replaced by 2 records, for which receivers return "
	    "permerror");
}
END_TEST

START_TEST(test_spf_values)
{
	expect("split", weakens(RECORD_SPF, PLAN_UPDATE,
	    V("\"v=spf1 ip4:192.0.2.1\" \" -all\""),
	    V("\"v=spf1 ip4:192.0.2.1 \" \"~a\" \"ll\"")),
	    "SPF all -all -> ~all");
	expect("split same", weakens(RECORD_SPF, PLAN_UPDATE,
	    V("\"v=spf1 ip4:192.0.2.1\" \" -all\""),
	    V(Q("v=spf1 ip4:192.0.2.1 ip4:192.0.2.2 -all"))), NULL);
	/* Foreign values are ignored: their removal too. */
	expect("foreign", weakens(RECORD_SPF, PLAN_UPDATE,
	    V(FOREIGN, Q("v=spf1 -all")), V(Q("v=spf1 -all"))), NULL);
	expect("foreign kept", weakens(RECORD_SPF, PLAN_UPDATE,
	    V(FOREIGN, Q("v=spf1 -all"), Q("v=spf10 ~all")),
	    V(FOREIGN, Q("v=spf1 ~all"), Q("v=spf10 ~all"))),
	    "SPF all -all -> ~all");
	expect("not spf", weakens(RECORD_SPF, PLAN_UPDATE,
	    V(Q("v=spf1x -all"), Q("spf1 -all")), V(Q("v=spf1 ?all"))),
	    NULL);
	/* Garbage live values. */
	expect("garbage", weakens(RECORD_SPF, PLAN_UPDATE,
	    V(Q("v=spf1 foo:bar -all")), V(Q("v=spf1 ?all"))), NULL);
	expect("undecodable", weakens(RECORD_SPF, PLAN_UPDATE,
	    V("\"v=spf1 -all"), V(Q("v=spf1 ?all"))), NULL);
	/* Several live records are a permerror (RFC 7208 §4.5): nothing
	 * to weaken. */
	expect("several", weakens(RECORD_SPF, PLAN_UPDATE,
	    V(Q("v=spf1 ?all"), Q("v=spf1 ip4:1.2.3 -all"), Q("v=spf1 -all")),
	    V(Q("v=spf1 ~all"))), NULL);
	/* Creating, or adding beside foreign values, never weakens. */
	expect("create", weakens(RECORD_SPF, PLAN_CREATE, NOSET,
	    V(Q("v=spf1 +all"))), NULL);
	expect("added", weakens(RECORD_SPF, PLAN_UPDATE, V(FOREIGN),
	    V(FOREIGN, Q("v=spf1 ?all"))), NULL);
}
END_TEST

START_TEST(test_dkim)
{
	const char *const	*key = V(Q("v=DKIM1; k=rsa; p=MIIBIjAN"));

	expect("delete", weakens(RECORD_DKIM, PLAN_DELETE, key, NOSET), NULL);
	expect("update", weakens(RECORD_DKIM, PLAN_UPDATE, key,
	    V(Q("v=DKIM1; k=rsa; p="))), NULL);
	/* Even a DMARC-looking value at a selector is not judged. */
	expect("dmarc text", weakens(RECORD_DKIM, PLAN_DELETE,
	    V(DMARC("p=reject")), NOSET), NULL);
}
END_TEST

START_TEST(test_spf_all_qualifier)
{
	static const struct {
		const char	*text;
		int		 found;
		char		 q;
		int		 redirect;
	} cases[] = {
		{ "v=spf1 -all", 1, '-', 0 },
		{ "v=spf1 mx ~all", 1, '~', 0 },
		{ "v=spf1  ?all  ", 1, '?', 0 },
		{ "v=spf1 +all", 1, '+', 0 },
		{ "v=spf1 all", 1, '+', 0 },
		{ "V=SPF1 -ALL", 1, '-', 0 },
		{ "v=spf1 -all ~all", 1, '-', 0 },
		{ "v=spf1 redirect=_spf.example.com -all", 1, '-', 1 },
		{ "v=spf1 redirect=_spf.example.com", 0, '\0', 1 },
		{ "v=spf1 REDIRECT=_spf.example.com", 0, '\0', 1 },
		{ "v=spf1 mx", 0, '\0', 0 },
		{ "v=spf1", 0, '\0', 0 },
		/* Not all: other mechanisms and modifiers named like it. */
		{ "v=spf1 -allx a:all.example.com all=1", 0, '\0', 0 },
		{ "v=spf1 redirects=x.example.com", 0, '\0', 0 },
		/* Not SPF records. */
		{ "v=spf1x -all", 0, '\0', 0 },
		{ " v=spf1 -all", 0, '\0', 0 },
		{ "-all redirect=x.example.com", 0, '\0', 0 },
	};
	size_t	 i;
	char	 q;

	for (i = 0; i < NELEM(cases); i++) {
		q = '\0';
		ck_assert_msg(spf_all_qualifier(cases[i].text, &q) ==
		    cases[i].found, "%s: found", cases[i].text);
		if (cases[i].found)
			ck_assert_msg(q == cases[i].q, "%s: '%c', want '%c'",
			    cases[i].text, q, cases[i].q);
		ck_assert_msg(spf_has_redirect(cases[i].text) ==
		    cases[i].redirect, "%s: redirect", cases[i].text);
	}
}
END_TEST

Suite *
guard_suite(void)
{
	Suite	*s = suite_create("guard");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_dmarc_policy);
	tcase_add_test(tc, test_dmarc_subdomains);
	tcase_add_test(tc, test_dmarc_pct);
	tcase_add_test(tc, test_dmarc_removed);
	tcase_add_test(tc, test_dmarc_values);
	tcase_add_test(tc, test_dmarc_ops);
	tcase_add_test(tc, test_spf_all);
	tcase_add_test(tc, test_spf_removed);
	tcase_add_test(tc, test_spf_values);
	tcase_add_test(tc, test_dkim);
	tcase_add_test(tc, test_spf_all_qualifier);
	suite_add_tcase(s, tc);
	return s;
}
