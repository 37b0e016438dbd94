/*
 * check_dmarc.c - unit tests for DMARC records (src/dns/dmarc.c): render,
 * parse, equivalence, checks, and the dmarc-records corpus.
 */
#include <check.h>
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dmarc.h"
#include "mailauth/err.h"
#include "testutil.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

Suite	*dmarc_suite(void);

static void
dm_init(struct dmarc_spec *c)
{
	memset(c, 0, sizeof(*c));
	c->testing = -1;
	c->pct = -1;
	c->ri = -1;
}

static char	*two_rua[] = { "mailto:a@example.com", "mailto:b@example.com" };
static char	*one_ruf[] = { "mailto:f@example.com" };
static char	*fo_1d[] = { "1", "d" };
static char	*fo_0[] = { "0" };

/* The one table of policy names: each name parses back to its policy,
 * exactly or in any case as asked; other words are UNSET. */
START_TEST(test_policy_names)
{
	static const struct {
		enum dmarc_policy	 p;
		const char		*name;
	} pol[] = {
		{ DMARC_POLICY_NONE, "none" },
		{ DMARC_POLICY_QUARANTINE, "quarantine" },
		{ DMARC_POLICY_REJECT, "reject" },
	};
	static const struct {
		const char		*text;
		enum dmarc_case		 cmp;
		enum dmarc_policy	 want;
	} other[] = {
		{ "Reject", DMARC_CASE_ANY, DMARC_POLICY_REJECT },
		{ "QUARANTINE", DMARC_CASE_ANY, DMARC_POLICY_QUARANTINE },
		{ "Reject", DMARC_CASE_EXACT, DMARC_POLICY_UNSET },
		{ "pass", DMARC_CASE_ANY, DMARC_POLICY_UNSET },
		{ "", DMARC_CASE_ANY, DMARC_POLICY_UNSET },
		{ "rejects", DMARC_CASE_ANY, DMARC_POLICY_UNSET },
	};
	size_t	 i;

	for (i = 0; i < NELEM(pol); i++) {
		ck_assert_str_eq(dmarc_policy_name(pol[i].p), pol[i].name);
		ck_assert_int_eq(dmarc_policy_parse(pol[i].name,
		    DMARC_CASE_EXACT), pol[i].p);
		ck_assert_int_eq(dmarc_policy_parse(pol[i].name,
		    DMARC_CASE_ANY), pol[i].p);
	}
	ck_assert_ptr_null(dmarc_policy_name(DMARC_POLICY_UNSET));
	for (i = 0; i < NELEM(other); i++)
		ck_assert_msg(dmarc_policy_parse(other[i].text, other[i].cmp) ==
		    other[i].want, "'%s'", other[i].text);
}
END_TEST

/* Render: each spec gives exactly one text, tags in the fixed order. */
START_TEST(test_render)
{
	static const char *const want[] = {
		"v=DMARC1; p=none",
		"v=DMARC1; p=reject; sp=quarantine; np=reject; t=y; pct=100; "
		    "rua=mailto:a@example.com,mailto:b@example.com; "
		    "ruf=mailto:f@example.com; adkim=r; aspf=s; fo=1:d; "
		    "ri=86400",
		"v=DMARC1; p=quarantine",
		"v=DMARC1; p=none; pct=0",
		"v=DMARC1; p=quarantine; aspf=s; fo=0",
		"v=DMARC1; p=none; np=quarantine; rua=mailto:a@example.com,"
		    "mailto:b@example.com",
		"v=DMARC1; p=reject; adkim=s; ri=0",
		"v=DMARC1",
	};
	struct dmarc_spec	 c[NELEM(want)];
	size_t			 i;

	for (i = 0; i < NELEM(c); i++)
		dm_init(&c[i]);
	c[0].policy = DMARC_POLICY_NONE;

	c[1].policy = DMARC_POLICY_REJECT;
	c[1].subdomain_policy = DMARC_POLICY_QUARANTINE;
	c[1].nonexistent_subdomain_policy = DMARC_POLICY_REJECT;
	c[1].testing = 1;
	c[1].pct = 100;
	c[1].rua = two_rua;
	c[1].nrua = 2;
	c[1].ruf = one_ruf;
	c[1].nruf = 1;
	c[1].adkim = DMARC_ALIGN_RELAXED;
	c[1].aspf = DMARC_ALIGN_STRICT;
	c[1].fo = fo_1d;
	c[1].nfo = 2;
	c[1].ri = 86400;

	/* testing: false writes nothing, t=n being the default. */
	c[2].policy = DMARC_POLICY_QUARANTINE;
	c[2].testing = 0;

	c[3].policy = DMARC_POLICY_NONE;
	c[3].pct = 0;

	c[4].policy = DMARC_POLICY_QUARANTINE;
	c[4].aspf = DMARC_ALIGN_STRICT;
	c[4].fo = fo_0;
	c[4].nfo = 1;

	c[5].policy = DMARC_POLICY_NONE;
	c[5].nonexistent_subdomain_policy = DMARC_POLICY_QUARANTINE;
	c[5].rua = two_rua;
	c[5].nrua = 2;

	c[6].policy = DMARC_POLICY_REJECT;
	c[6].adkim = DMARC_ALIGN_STRICT;
	c[6].ri = 0;

	/* The loader requires p; without it nothing but v is written. */

	for (i = 0; i < NELEM(c); i++) {
		struct buf	 out = BUF_INIT;

		dmarc_render(&c[i], &out);
		ck_assert_str_eq(buf_str(&out), want[i]);
		/* Rendering appends. */
		buf_reset(&out);
		buf_adds(&out, "x");
		dmarc_render(&c[i], &out);
		ck_assert_str_eq(buf_str(&out) + 1, want[i]);
		buf_release(&out);
	}
}
END_TEST

/* What mailauth writes parses back, is equivalent to itself and has no
 * errors; only the legacy tags warn. */
START_TEST(test_render_checks_clean)
{
	struct dmarc_spec	 c;
	struct buf		 out = BUF_INIT;
	struct diags		 d = DIAGS_INIT;
	struct dmarc_record	 rec;
	struct err		 err;

	dm_init(&c);
	c.policy = DMARC_POLICY_REJECT;
	c.subdomain_policy = DMARC_POLICY_NONE;
	c.nonexistent_subdomain_policy = DMARC_POLICY_QUARANTINE;
	c.testing = 1;
	c.rua = two_rua;
	c.nrua = 2;
	c.ruf = one_ruf;
	c.nruf = 1;
	c.adkim = DMARC_ALIGN_STRICT;
	c.aspf = DMARC_ALIGN_RELAXED;
	c.fo = fo_1d;
	c.nfo = 2;
	dmarc_render(&c, &out);
	ck_assert_int_eq(dmarc_is_record(buf_str(&out)), 1);
	ck_assert_int_eq(dmarc_parse(buf_str(&out), &rec, &err), 0);
	ck_assert_uint_eq(rec.ntags, 10);
	dmarc_record_release(&rec);
	ck_assert_int_eq(dmarc_equivalent(buf_str(&out), buf_str(&out)), 1);
	dmarc_check(buf_str(&out), "_dmarc.example.com", &d);
	ck_assert_uint_eq(d.n, 0);

	c.pct = 50;
	c.ri = 3600;
	buf_reset(&out);
	dmarc_render(&c, &out);
	dmarc_check(buf_str(&out), "_dmarc.example.com", &d);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_uint_eq(d.nwarnings, 2);
	diags_release(&d);
	buf_release(&out);
}
END_TEST

static const struct {
	const char	*text;
	int		 is;
} is_cases[] = {
	{ "v=DMARC1; p=none", 1 },
	{ "v=DMARC1", 1 },
	{ "v=DMARC1;", 1 },
	{ "v=DMARC1 ; p=none", 1 },
	{ "v = DMARC1;p=none", 1 },
	{ "v\t=\tDMARC1\t;", 1 },
	{ "V=DMARC1", 1 },
	{ "v=dmarc1; p=none", 1 },
	{ " v=DMARC1; p=none", 1 },
	{ "", 0 },
	{ "v=spf1 -all", 0 },
	{ "v=DMARC10", 0 },
	{ "v=DMARC1\\;", 0 },
	{ "v=DMARC", 0 },
	{ "p=none; v=DMARC1", 0 },
	{ "v:DMARC1", 0 },
	{ "vv=DMARC1", 0 },
	{ "x v=DMARC1", 0 },
};

START_TEST(test_is_record)
{
	size_t	 i;

	for (i = 0; i < NELEM(is_cases); i++)
		ck_assert_msg(dmarc_is_record(is_cases[i].text) ==
		    is_cases[i].is, "'%s'", is_cases[i].text);
}
END_TEST

/* Text -> its tags as "name=value|...", or an error containing msg. */
static const struct {
	const char	*text;
	const char	*tags;
	const char	*msg;
} parse_cases[] = {
	{ "v=DMARC1; p=none", "v=DMARC1|p=none", NULL },
	{ "V = DMARC1 ;P= Reject;", "v=DMARC1|p=Reject", NULL },
	{ "v=DMARC1;;p=none;", "v=DMARC1|p=none", NULL },
	{ "v=DMARC1\t;\tp\t=\treject\t;", "v=DMARC1|p=reject", NULL },
	{ "v=DMARC1", "v=DMARC1", NULL },
	{ "  v=DMARC1; p=none", "v=DMARC1|p=none", NULL },
	{ "v=dmarc1; p=none", "v=dmarc1|p=none", NULL },
	{ "v=DMARC1; p=", "v=DMARC1|p=", NULL },
	{ "v=DMARC1; rua=mailto:a@x.example , mailto:b@x.example",
	    "v=DMARC1|rua=mailto:a@x.example , mailto:b@x.example", NULL },
	{ "v=DMARC1; p=none; Foo_2=Bar=Baz", "v=DMARC1|p=none|foo_2=Bar=Baz",
	    NULL },
	{ "v=DMARC1; fo=1:d; p=none", "v=DMARC1|fo=1:d|p=none", NULL },
	{ "", NULL, "not a DMARC record" },
	{ "v=spf1 -all", NULL, "not a DMARC record" },
	{ "v=DMARC10; p=none", NULL, "not a DMARC record" },
	{ "p=none; v=DMARC1", NULL, "not a DMARC record" },
	{ "v=DMARC1; p", NULL, "'p': tag has no '='" },
	{ "v=DMARC1; p=none; fo:1", NULL, "'fo:1': tag has no '='" },
	{ "v=DMARC1; 1p=none", NULL, "'1p' is not a tag name" },
	{ "v=DMARC1; =none", NULL, "'' is not a tag name" },
	{ "v=DMARC1; sp-x=none", NULL, "'sp-x' is not a tag name" },
	{ "v=DMARC1; p=none; P=reject", NULL, "tag 'p' is repeated" },
	{ "v=DMARC1; v=DMARC1", NULL, "tag 'v' is repeated" },
};

START_TEST(test_parse)
{
	size_t	 i, j;

	for (i = 0; i < NELEM(parse_cases); i++) {
		struct dmarc_record	 rec;
		struct buf		 got = BUF_INIT;
		struct err		 err;
		int			 rc;

		err_clear(&err);
		rc = dmarc_parse(parse_cases[i].text, &rec, &err);
		if (parse_cases[i].tags == NULL) {
			ck_assert_msg(rc == -1, "'%s' parsed",
			    parse_cases[i].text);
			ck_assert_msg(strstr(err.msg, parse_cases[i].msg) !=
			    NULL, "'%s': message '%s'", parse_cases[i].text,
			    err.msg);
			ck_assert_uint_eq(rec.ntags, 0);
			ck_assert_ptr_null(rec.tags);
			continue;
		}
		ck_assert_msg(rc == 0, "'%s': %s", parse_cases[i].text,
		    err.msg);
		for (j = 0; j < rec.ntags; j++)
			buf_addf(&got, "%s%s=%s", j > 0 ? "|" : "",
			    rec.tags[j].name, rec.tags[j].value);
		ck_assert_str_eq(buf_str(&got), parse_cases[i].tags);
		buf_release(&got);
		dmarc_record_release(&rec);
	}
	/* err may be NULL. */
	{
		struct dmarc_record	 rec;

		ck_assert_int_eq(dmarc_parse("v=DMARC1; x", &rec, NULL), -1);
	}
}
END_TEST

START_TEST(test_tag_get)
{
	struct dmarc_record	 rec;

	ck_assert_int_eq(dmarc_parse("v=DMARC1; P=Quarantine; rua=mailto:a@"
	    "example.com", &rec, NULL), 0);
	ck_assert_str_eq(dmarc_tag_get(&rec, "v"), "DMARC1");
	ck_assert_str_eq(dmarc_tag_get(&rec, "p"), "Quarantine");
	ck_assert_str_eq(dmarc_tag_get(&rec, "P"), "Quarantine");
	ck_assert_str_eq(dmarc_tag_get(&rec, "rua"), "mailto:a@example.com");
	ck_assert_ptr_null(dmarc_tag_get(&rec, "sp"));
	ck_assert_ptr_null(dmarc_tag_get(&rec, ""));
	dmarc_record_release(&rec);
	ck_assert_uint_eq(rec.ntags, 0);
	ck_assert_ptr_null(dmarc_tag_get(&rec, "p"));
}
END_TEST

static const struct {
	const char	*a;
	const char	*b;
	int		 same;
} equiv_cases[] = {
	{ "v=DMARC1; p=none", "v=DMARC1; p=none", 1 },
	{ "v=DMARC1; p=none", "v=DMARC1;p=none", 1 },
	{ "v=DMARC1; p=none", "v = DMARC1 ;\tp = none ;", 1 },
	/* Tag names not in lower case: OpenDMARC reads them, Mail::DMARC
	 * ignores them (no "v": no record; no "p": no policy), so a live
	 * record written so is replaced by the one mailauth writes. */
	{ "v=DMARC1; p=none", "V=DMARC1; P=None", 0 },
	{ "v=DMARC1; p=none", "v=DMARC1; P=none", 0 },
	{ "v=DMARC1; P=none", "v=DMARC1; P=none", 1 },
	{ "v=DMARC1; p=none", "v=DMARC1; p=None", 1 },
	{ "v=DMARC1; p=reject; sp=none", "v=DMARC1; sp=none; p=reject", 1 },
	{ "v=DMARC1; p=none; rua=mailto:a@x.example,mailto:b@x.example",
	    "v=DMARC1; rua=mailto:a@x.example , mailto:b@x.example; p=NONE",
	    1 },
	{ "v=DMARC1; p=none; fo=1:d", "v=DMARC1; p=none; fo=1 : D", 1 },
	{ "v=DMARC1; p=none; adkim=r; aspf=s; t=y; np=reject",
	    "v=DMARC1; np=Reject; t=Y; aspf=S; adkim=R; p=none", 1 },
	{ "v=DMARC1; p=none; adkim=r; aspf=s; t=y; np=reject",
	    "v=DMARC1; NP=Reject; T=Y; ASPF=S; ADKIM=R; P=none", 0 },
	{ "v=DMARC1; p=none; pct=100", "v=DMARC1; pct=100; p=none", 1 },
	{ "v=DMARC1; p=none;", "v=DMARC1; p=none", 1 },
	{ "v=DMARC1; p=none", "v=DMARC1; p=reject", 0 },
	{ "v=DMARC1; p=none", "v=DMARC1; p=none; sp=none", 0 },
	{ "v=DMARC1; p=none; sp=none", "v=DMARC1; p=none", 0 },
	{ "v=DMARC1; p=none; rua=mailto:a@x.example", "v=DMARC1; p=none", 0 },
	{ "v=DMARC1; p=none; t=n", "v=DMARC1; p=none", 0 },
	{ "v=DMARC1; p=none", "v=dmarc1; p=none", 0 },
	{ "v=DMARC1; p=none; rua=mailto:A@x.example",
	    "v=DMARC1; p=none; rua=mailto:a@x.example", 0 },
	{ "v=DMARC1; p=none; rua=mailto:a@x.example,mailto:b@x.example",
	    "v=DMARC1; p=none; rua=mailto:b@x.example,mailto:a@x.example", 0 },
	{ "v=DMARC1; p=none; rua=mailto:a@x.example",
	    "v=DMARC1; p=none; rua=mailto:a@x.example,", 0 },
	{ "v=DMARC1; p=none; fo=1", "v=DMARC1; p=none; fo=1:d", 0 },
	{ "v=DMARC1; p=none; pct=100", "v=DMARC1; p=none; pct=50", 0 },
	{ "v=DMARC1; p=none; foo=Bar", "v=DMARC1; p=none; foo=bar", 0 },
	{ "v=DMARC1; p", "v=DMARC1; p", 0 },
	{ "v=spf1 -all", "v=spf1 -all", 0 },
	{ "v=DMARC1; p=none", "", 0 },
};

START_TEST(test_equivalent)
{
	size_t	 i;

	for (i = 0; i < NELEM(equiv_cases); i++) {
		ck_assert_msg(dmarc_equivalent(equiv_cases[i].a,
		    equiv_cases[i].b) == equiv_cases[i].same, "'%s' vs '%s'",
		    equiv_cases[i].a, equiv_cases[i].b);
		/* Symmetric. */
		ck_assert_msg(dmarc_equivalent(equiv_cases[i].b,
		    equiv_cases[i].a) == equiv_cases[i].same, "'%s' vs '%s'",
		    equiv_cases[i].b, equiv_cases[i].a);
	}
}
END_TEST

/* Text -> exact numbers of errors and warnings, and one message. */
static const struct {
	const char	*text;
	size_t		 nerrors;
	size_t		 nwarnings;
	const char	*msg;
} check_cases[] = {
	{ "v=DMARC1; p=none", 0, 0, NULL },
	{ "v=DMARC1; p=none;", 0, 0, NULL },
	{ "v=DMARC1; p=none ; ", 0, 0, NULL },
	{ "v=DMARC1; p=reject; sp=quarantine; np=none; t=y; psd=n; adkim=s; "
	    "aspf=r; fo=0:1:d:s; rua=mailto:a@example.com; "
	    "ruf=mailto:f@example.com", 0, 0, NULL },
	/* Tag names in upper case: RFC 7489's ABNF literals match any case
	 * and OpenDMARC compares names with strcasecmp, but Mail::DMARC
	 * keeps them as written and then has no "v" (the record is
	 * ignored) or no "p": a warning for each, naming both. */
	{ "V = DMARC1 ; P = Quarantine ; SP=None; adkim=S; t=N; psd=U", 0, 3,
	    "'V=': write the tag name in lower case: OpenDMARC reads 'V' as "
	    "'v', but Mail::DMARC ignores it and with it the whole record" },
	{ "v=DMARC1; P=reject", 0, 1, "'P=': write the tag name in lower "
	    "case: OpenDMARC reads 'P' as 'p', but Mail::DMARC ignores it and "
	    "sees no policy (RFC 7489 §6.4)" },
	{ "v=DMARC1; p=none; RUA=mailto:a@example.com", 0, 1, "Mail::DMARC "
	    "ignores it (RFC" },
	{ "v=DMARC1; p=none; Foo=bar", 0, 1, "unknown tag" },
	{ "p=none", 1, 0, "not a DMARC record: it must start with "
	    "'v=DMARC1'" },
	{ "v=spf1 -all", 1, 0, "not a DMARC record" },
	{ "", 1, 0, "not a DMARC record" },
	{ " v=DMARC1; p=none", 1, 0, "starts with white space" },
	{ "v=dmarc1; p=none", 1, 0, "'v=dmarc1': the version must be "
	    "'DMARC1' exactly" },
	{ "v=DMARC1", 1, 0, "no 'p=' tag and no valid 'rua='" },
	{ "v=DMARC1; rua=mailto:a@example.com", 0, 1,
	    "receivers act as if p=none" },
	{ "v=DMARC1; rua=example.com", 2, 0, "'example.com' is not a URI" },
	{ "v=DMARC1; p=block", 1, 0, "'p=block': expected none, quarantine "
	    "or reject" },
	{ "v=DMARC1; p=n", 1, 0, "'p=n'" },
	{ "v=DMARC1; p=none; sp=bad", 1, 0, "'sp=bad'" },
	{ "v=DMARC1; p=none; np=", 1, 0, "'np='" },
	{ "v=DMARC1; p=none; adkim=x", 1, 0, "'adkim=x': expected r or s" },
	{ "v=DMARC1; p=none; aspf=relaxed", 1, 0, "'aspf=relaxed'" },
	{ "v=DMARC1; p=none; t=yes", 1, 0, "'t=yes': expected y or n" },
	{ "v=DMARC1; p=none; psd=x", 1, 0, "'psd=x': expected y, n or u" },
	{ "v=DMARC1; p=none; fo=2", 1, 0, "'fo=2': expected 0, 1, d or s" },
	{ "v=DMARC1; p=none; fo=1:x:y", 1, 0, "'fo=1:x:y'" },
	{ "v=DMARC1; p=none; fo=", 1, 0, "'fo='" },
	/* pct, ri and rf: RFC 9989 removed them and its receivers ignore
	 * them: one finding each, a warning; an error only for a value RFC
	 * 7489 §6.3 did not allow (OpenDMARC then refuses the record). */
	{ "v=DMARC1; p=none; pct=50", 0, 1, "'pct=50': RFC 9989 removed pct, "
	    "so receivers that follow it ignore the tag; only older ones "
	    "read it (RFC 7489 §6.3)" },
	{ "v=DMARC1; p=none; pct=0", 0, 1, "pct" },
	{ "v=DMARC1; p=none; pct=100", 0, 1, "pct" },
	{ "v=DMARC1; p=none; pct=101", 1, 0, "'pct=101': RFC 9989 removed "
	    "pct and its receivers ignore it, but older ones (OpenDMARC) "
	    "ignore the whole record for this value: remove the tag, or write "
	    "an integer from 0 to 100 (RFC 7489 §6.3)" },
	{ "v=DMARC1; p=none; pct=-1", 1, 0, "'pct=-1'" },
	{ "v=DMARC1; p=none; pct=abc", 1, 0, "'pct=abc'" },
	{ "v=DMARC1; p=none; pct=", 1, 0, "'pct='" },
	{ "v=DMARC1; p=none; ri=3600", 0, 1, "'ri=3600': RFC 9989 removed "
	    "ri" },
	{ "v=DMARC1; p=none; ri=abc", 1, 0, "'ri=abc': RFC 9989 removed ri "
	    "and its receivers ignore it" },
	{ "v=DMARC1; p=none; ri=99999999999", 1, 0, "'ri=99999999999'" },
	{ "v=DMARC1; p=none; rf=afrf", 0, 1, "'rf=afrf': RFC 9989 removed "
	    "rf" },
	/* iodef is in RFC 7489's registry of report formats. */
	{ "v=DMARC1; p=none; rf=iodef", 0, 1, "'rf=iodef': RFC 9989 removed "
	    "rf, so receivers that follow it ignore the tag" },
	{ "v=DMARC1; p=none; rf=afrf:iodef", 0, 1, "RFC 9989 removed rf" },
	{ "v=DMARC1; p=none; rf=pdf", 1, 0, "write afrf or iodef" },
	{ "v=DMARC1; p=none; foo=bar", 0, 1, "'foo=bar': unknown tag" },
	{ "v=DMARC1; sp=none; p=reject", 0, 1, "'p=' is not right after "
	    "'v='" },
	{ "v=DMARC1; p=none; p=reject", 1, 0, "tag 'p' is repeated" },
	{ "v=DMARC1; p=none; fo:1", 1, 0, "'fo:1': tag has no '='" },
	{ "v=DMARC1; p=none; 2x=y", 1, 0, "'2x' is not a tag name" },
	{ "v=DMARC1; p=none;; adkim=r", 0, 1, "empty tag (';;')" },
	{ "v=DMARC1; p=none; rua=ftp://x.example", 0, 1, "'ftp://x.example' "
	    "is not a mailto: URI" },
	/* A mailto: URI with no address reaches nobody: an error, as
	 * docs/records.md says. */
	{ "v=DMARC1; p=none; rua=mailto://x.example", 1, 0,
	    "'mailto://x.example' has no mail address, so receivers send no "
	    "aggregate reports there" },
	{ "v=DMARC1; p=none; rua=mailto:@example.com", 1, 0,
	    "has no mail address" },
	{ "v=DMARC1; p=none; ruf=mailto:a@", 1, 0, "'mailto:a@' has no mail "
	    "address, so receivers send no failure reports there" },
	{ "v=DMARC1; p=none; rua=mailto:!10m", 1, 0, "has no mail address" },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com!10m", 0, 0, NULL },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com!10", 0, 0, NULL },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com!10x", 1, 0,
	    "is not a URI" },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com!", 1, 0,
	    "is not a URI" },
	{ "v=DMARC1; p=none; rua=mailto:", 1, 0, "'rua=mailto:': 'mailto:' "
	    "has no mail address, so receivers send no aggregate reports "
	    "there; write mailto:dmarc@example.com (RFC 9989)" },
	{ "v=DMARC1; rua=mailto:", 2, 0, "no 'p=' tag and no valid 'rua='" },
	{ "v=DMARC1; p=none; rua=__mailto:a@example.com", 1, 0,
	    "is not a URI" },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com,,mailto:b@example.com",
	    1, 0, "empty URI in the list" },
	{ "v=DMARC1; p=none; rua=mailto:a%2Cb@example.com", 0, 0, NULL },
	{ "v=DMARC1; p=none; rua=mailto:a%zzb@example.com", 1, 0,
	    "is not a URI" },
	{ "v=DMARC1; p=none; rua=mailto:a@example.com%2", 1, 0,
	    "is not a URI" },
	{ "v=DMARC1; p=none; ruf=mailto:a b@example.com", 1, 0,
	    "'ruf=mailto:a b@example.com'" },
	{ "v=DMARC1; p=none; x=caf\xc3\xa9", 1, 1, "byte 0xc3 at offset 23 "
	    "is not printable ASCII" },
	/* Every problem is reported, not only the first. */
	{ "v=DMARC1; p=bad; adkim=x; fo:1; pct=300", 4, 0, "'adkim=x'" },
	{ "v=DMARC1; p; rua=x", 3, 0, "'p': tag has no '='" },
};

START_TEST(test_check)
{
	size_t	 i, j;

	for (i = 0; i < NELEM(check_cases); i++) {
		struct diags	 d = DIAGS_INIT;
		int		 found = check_cases[i].msg == NULL;

		dmarc_check(check_cases[i].text, "_dmarc.example.com", &d);
		for (j = 0; j < d.n; j++) {
			ck_assert_msg(strncmp(d.v[j].msg,
			    "_dmarc.example.com: ", 20) == 0, "'%s'",
			    d.v[j].msg);
			ck_assert_ptr_null(d.v[j].file);
			ck_assert_int_eq(d.v[j].line, 0);
			/* Every finding names the RFC it rests on: RFC 7489
			 * by section; RFC 9989 without one, as its section
			 * numbers could not be checked against its text. */
			ck_assert_msg(strstr(d.v[j].msg, " (RFC 9989)") !=
			    NULL || strstr(d.v[j].msg, " (RFC 7489 §") != NULL,
			    "no RFC: '%s'", d.v[j].msg);
			ck_assert_msg(strstr(d.v[j].msg, "RFC 9989 §") == NULL,
			    "unchecked section: '%s'", d.v[j].msg);
			if (check_cases[i].msg != NULL &&
			    strstr(d.v[j].msg, check_cases[i].msg) != NULL)
				found = 1;
		}
		ck_assert_msg(d.nerrors == check_cases[i].nerrors &&
		    d.nwarnings == check_cases[i].nwarnings,
		    "'%s': %zu errors, %zu warnings, first '%s'",
		    check_cases[i].text, d.nerrors, d.nwarnings,
		    d.n > 0 ? d.v[0].msg : "");
		ck_assert_msg(found, "'%s': no message '%s' (first '%s')",
		    check_cases[i].text, check_cases[i].msg,
		    d.n > 0 ? d.v[0].msg : "");
		diags_release(&d);
	}
}
END_TEST

/* A NUL from a TXT escape ("\000") does not end the record: the checks
 * and the comparison run to its length. */
START_TEST(test_nul_inside)
{
	static const char	 cut[] = "v=DMARC1; p=reject\0; p=none";
	static const char	 tail[] = "v=DMARC1; p=reject\0";
	static const char	 want[] = "v=DMARC1; p=reject";
	struct diags		 d = DIAGS_INIT;

	dmarc_check_bytes(cut, sizeof(cut) - 1, NULL, &d);
	ck_assert_uint_eq(d.nerrors, 2);
	ck_assert_str_eq(d.v[0].msg, "DMARC record: byte 0x00 at offset 18 "
	    "is not printable ASCII (a NUL, from a '\\000' escape): receivers "
	    "read another record or none (RFC 9989)");
	ck_assert_ptr_nonnull(strstr(d.v[1].msg, "tag 'p' is repeated"));
	diags_release(&d);
	dmarc_check_bytes(tail, sizeof(tail) - 1, NULL, &d);
	ck_assert_uint_eq(d.nerrors, 1);
	diags_release(&d);
	dmarc_check_bytes(want, sizeof(want) - 1, NULL, &d);
	ck_assert_uint_eq(d.n, 0);
	diags_release(&d);

	ck_assert_int_eq(dmarc_equivalent_bytes(cut, sizeof(cut) - 1, want,
	    sizeof(want) - 1), 0);
	ck_assert_int_eq(dmarc_equivalent_bytes(tail, sizeof(tail) - 1, want,
	    sizeof(want) - 1), 0);
	ck_assert_int_eq(dmarc_equivalent_bytes(want, sizeof(want) - 1, tail,
	    sizeof(tail) - 1), 0);
	ck_assert_int_eq(dmarc_equivalent_bytes(want, sizeof(want) - 1, want,
	    sizeof(want) - 1), 1);
}
END_TEST

START_TEST(test_check_where)
{
	struct diags	 d = DIAGS_INIT;

	/* Diagnostics accumulate in d; where NULL names the record. */
	dmarc_check("v=DMARC1; p=x", NULL, &d);
	dmarc_check("v=DMARC1; p=none; pct=5", "b.example", &d);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.v[0].msg, "DMARC record: 'p=x': expected none, "
	    "quarantine or reject (RFC 9989)");
	ck_assert_int_eq(d.v[0].level, DIAG_ERROR);
	ck_assert_str_eq(d.v[1].msg, "b.example: 'pct=5': RFC 9989 removed "
	    "pct, so receivers that follow it ignore the tag; only older ones "
	    "read it (RFC 7489 §6.3)");
	ck_assert_int_eq(d.v[1].level, DIAG_WARNING);
	diags_release(&d);
}
END_TEST

/*
 * The corpus gives each record the verdict of ONE implementation
 * (checkdmarc: RFC 9989; OpenDMARC: RFC 7489, lenient on p=; Mail::DMARC:
 * lenient).  Records their source accepts ("valid...") must give no
 * errors, records it rejects ("invalid...") at least one.  Records Mail::
 * DMARC only "tolerated" (and the "parse-warning" one) are malformed:
 * mailauth reports an error for them unless listed here.  Every deviation
 * is listed with the reason, and each must match a corpus row.
 */
static const struct {
	const char	*record;
	int		 error;		/* mailauth's verdict */
	const char	*why;
} deviations[] = {
	/* checkdmarc: valid with a warning, as RFC 9989 dropped pct/ri/rf
	 * and no longer validates them.  RFC 7489 receivers still read
	 * them and may discard the record for a bad value, so mailauth
	 * keeps them an error (as OpenDMARC does for pct=500, ri=bob,
	 * rf=bob). */
	{ "v=DMARC1; p=reject; pct=150", 1, "pct outside 0-100" },
	{ "v=DMARC1; p=reject; pct=-1", 1, "pct outside 0-100" },
	{ "v=DMARC1; p=reject; pct=abc", 1, "pct not a number" },
	{ "v=DMARC1; p=reject; ri=abc", 1, "ri not a number" },
	{ "v=DMARC1; p=reject; rf=invalid", 1, "rf format other than afrf" },
	/* OpenDMARC accepts an abbreviated policy; RFC 7489 and RFC 9989
	 * allow only none, quarantine and reject. */
	{ "v=DMARC1; p=n;", 1, "abbreviated p value" },
	/* Mail::DMARC accepts literal backslashes before ';'; to a strict
	 * receiver the version is "DMARC1\", not DMARC1. */
	{ "v=DMARC1\\; p=reject\\;", 1, "backslash after DMARC1" },
	/* OpenDMARC's parser takes any rua/ruf text; a mailto: URI with no
	 * "local@domain" reaches nobody, so no report is ever sent: an
	 * error, as for "mailto:" alone (docs/records.md). */
	{ "v=DMARC1; p=none; ruf=mailto://abuse.com", 1, "mailto: without "
	    "an address" },
	{ "v=DMARC1; p=none; ruf=mailto://abuse.com; foo=bar; buzz=happy;", 1,
	    "mailto: without an address" },
	/* Tolerated by Mail::DMARC and well-formed apart from an empty tag
	 * (";;"), which mailauth only warns about. */
	{ "v=DMARC1;p=reject;adkim=s;aspf=r;rf=afrf;;pct=100", 0,
	    "only an empty tag" },
	{ "v=DMARC1;p=none;sp=none;rua=mailto:postmaster@cmnet.org!10m;;"
	    "pct=100;ri=86400", 0, "only an empty tag" },
};

START_TEST(test_corpus_records)
{
	const char	*dir = test_corpus("dmarc-records");
	char		*path, *line = NULL;
	size_t		 cap = 0, ncases = 0, nacc = 0, nrej = 0, ntol = 0;
	size_t		 ndev = 0, used[NELEM(deviations)] = { 0 }, i;
	FILE		*fp;

	path = xasprintf("%s/dmarc-records.jsonl", dir);
	fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open '%s'", path);
	while (getline(&line, &cap, fp) != -1) {
		cJSON			*row = cJSON_Parse(line);
		const char		*rec, *exp;
		struct diags		 d = DIAGS_INIT;
		struct dmarc_record	 parsed;
		int			 want_error, parses;

		ck_assert_msg(row != NULL, "bad JSON line '%s'", line);
		rec = cJSON_GetStringValue(cJSON_GetObjectItem(row, "record"));
		exp = cJSON_GetStringValue(cJSON_GetObjectItem(row,
		    "expected"));
		ck_assert(rec != NULL && exp != NULL);

		if (strncmp(exp, "valid", 5) == 0) {
			want_error = 0;
			nacc++;
		} else if (strncmp(exp, "invalid", 7) == 0) {
			want_error = 1;
			nrej++;
		} else {
			ck_assert_msg(strcmp(exp, "tolerated") == 0 ||
			    strcmp(exp, "parse-warning") == 0, "verdict '%s'",
			    exp);
			want_error = 1;
			ntol++;
		}
		for (i = 0; i < NELEM(deviations); i++)
			if (strcmp(deviations[i].record, rec) == 0) {
				want_error = deviations[i].error;
				used[i]++;
				ndev++;
			}

		dmarc_check(rec, "_dmarc.example.com", &d);
		ck_assert_msg((d.nerrors > 0) == want_error, "'%s' (%s): %zu "
		    "errors, first '%s'", rec, exp, d.nerrors,
		    d.n > 0 ? d.v[0].msg : "");
		/* parse, is_record and equivalence agree and never crash. */
		parses = dmarc_parse(rec, &parsed, NULL) == 0;
		if (parses) {
			ck_assert_int_eq(dmarc_is_record(rec), 1);
			ck_assert_str_eq(parsed.tags[0].name, "v");
			dmarc_record_release(&parsed);
		}
		ck_assert_int_eq(dmarc_equivalent(rec, rec), parses);
		diags_release(&d);
		cJSON_Delete(row);
		ncases++;
	}
	free(line);
	fclose(fp);
	free(path);
	for (i = 0; i < NELEM(deviations); i++)
		ck_assert_msg(used[i] == 1, "deviation '%s' matched %zu rows",
		    deviations[i].record, used[i]);
	printf("dmarc-records: %zu cases (%zu accepted, %zu rejected, %zu "
	    "tolerated by their source; %zu where mailauth's verdict "
	    "differs, listed in check_dmarc.c)\n", ncases, nacc, nrej, ntol,
	    ndev);
	ck_assert_uint_eq(ncases, 106);
}
END_TEST

Suite *
dmarc_suite(void)
{
	Suite	*s = suite_create("dmarc");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_policy_names);
	tcase_add_test(tc, test_render);
	tcase_add_test(tc, test_render_checks_clean);
	tcase_add_test(tc, test_is_record);
	tcase_add_test(tc, test_parse);
	tcase_add_test(tc, test_tag_get);
	tcase_add_test(tc, test_equivalent);
	tcase_add_test(tc, test_check);
	tcase_add_test(tc, test_check_where);
	tcase_add_test(tc, test_nul_inside);
	tcase_add_test(tc, test_corpus_records);
	suite_add_tcase(s, tc);
	return s;
}
