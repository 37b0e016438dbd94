/*
 * check_bimi.c - BIMI: the URL checks, the record grammar, render and
 * equivalence, the bimi config keys and their located errors, and the
 * gate on the DMARC record of the day (--at): refused until the rollout
 * reaches quarantine or reject for all mail.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/bimi.h"
#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/date.h"
#include "mailauth/desired.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "testutil.h"

Suite	*bimi_suite(void);

static const struct {
	const char	*url;
	const char	*error;		/* NULL: valid */
} url_cases[] = {
	{ "https://example.com/logo.svg", NULL },
	{ "HTTPS://example.com/logo.svg", NULL },
	{ "https://example.com:443/a/b.svg?x=1#y", NULL },
	{ "https://example.com", NULL },
	{ "https://example.com/a%2Cb.svg", NULL },
	{ "http://example.com/logo.svg", "is not an https:// URL" },
	{ "example.com/logo.svg", "is not an https:// URL" },
	{ "https:///logo.svg", "has no host name" },
	{ "https://", "has no host name" },
	{ "https://localhost/logo.svg", "'localhost'" },
	{ "https://example.com:/x", "port" },
	{ "https://example.com:1234567/x", "port" },
	{ "https://example.com:44a/x", "port" },
	{ "https://user@example.com/x", "user name" },
	{ "https://example.com/a,b.svg", "write it %2C" },
	{ "https://example.com/a;b.svg", "write it %3B" },
	{ "https://example.com/a b.svg", "white space" },
	{ "https://example.com/\xc3\xa9.svg", "outside ASCII" },
	{ "https://ex ample.com/", "white space" },
};

START_TEST(test_url)
{
	struct err	 err;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(url_cases) / sizeof(url_cases[0]); i++) {
		err_clear(&err);
		rc = bimi_url_check(url_cases[i].url, strlen(url_cases[i].url),
		    &err);
		if (url_cases[i].error == NULL)
			ck_assert_msg(rc == 0, "'%s': %s", url_cases[i].url,
			    err.msg);
		else
			ck_assert_msg(rc == -1 && strstr(err.msg,
			    url_cases[i].error) != NULL, "'%s': %d %s",
			    url_cases[i].url, rc, err.msg);
	}
	/* Bytes with a length: a NUL is refused, not an end. */
	err_clear(&err);
	ck_assert_int_eq(bimi_url_check("https://a.example/\0x", 20, &err),
	    -1);
}
END_TEST

START_TEST(test_render)
{
	struct bimi_spec	 s = { "https://example.com/l.svg", NULL };
	struct buf		 b = BUF_INIT;

	bimi_render(&s, &b);
	ck_assert_str_eq(buf_str(&b), "v=BIMI1; l=https://example.com/l.svg");
	buf_reset(&b);
	s.authority = "https://example.com/vmc.pem";
	bimi_render(&s, &b);
	ck_assert_str_eq(buf_str(&b), "v=BIMI1; l=https://example.com/l.svg; "
	    "a=https://example.com/vmc.pem");
	buf_release(&b);
}
END_TEST

static const struct {
	const char	*text;
	const char	*error;		/* NULL: parses */
} rec_cases[] = {
	{ "v=BIMI1; l=https://e.example/l.svg", NULL },
	{ "v=BIMI1;l=https://e.example/l.svg;a=;", NULL },
	{ "v = BIMI1 ; l = https://e.example/l.svg ; a = https://e.example/"
	    "c.pem", NULL },
	{ "v=BIMI1; l=; lps=true; avp=personal", NULL },
	{ "v=BIMI1; l=https://e.example/l.svg; s=x", NULL },
	{ "v=BIMI1", "no l= tag" },
	{ "v=BIMI1; a=https://e.example/c.pem", "no l= tag" },
	{ "l=https://e.example/l.svg; v=BIMI1", "does not start with v=BIMI1" },
	{ "v=bimi1; l=https://e.example/l.svg", "does not start with v=BIMI1" },
	{ "", "does not start with v=BIMI1" },
	{ "v=BIMI1; l=x; l=y", "l= is given twice" },
	{ "v=BIMI1; v=BIMI1; l=", "v= is given twice" },
	{ "v=BIMI1; l=http://e.example/l.svg", "l=: 'http://" },
	{ "v=BIMI1; l=; a=ftp://e.example/c", "a=: 'ftp://" },
	{ "v=BIMI1; l=; lps=yes", "lps='yes' must be true or false" },
	{ "v=BIMI1; l=; avp=logo", "avp='logo' must be brand or personal" },
	{ "v=BIMI1; l", "has no '='" },
	{ "v=BIMI1; 1x=2; l=", "is not a tag name" },
	{ "v=BIMI1; l=\x01", "printable ASCII" },
};

START_TEST(test_grammar)
{
	struct bimi_record	 r;
	struct err		 err;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(rec_cases) / sizeof(rec_cases[0]); i++) {
		err_clear(&err);
		rc = bimi_parse(rec_cases[i].text, strlen(rec_cases[i].text),
		    &r, &err);
		if (rec_cases[i].error == NULL) {
			ck_assert_msg(rc == 0, "'%s': %s", rec_cases[i].text,
			    err.msg);
			bimi_record_release(&r);
		} else
			ck_assert_msg(rc == -1 && strstr(err.msg,
			    rec_cases[i].error) != NULL, "'%s': %d %s",
			    rec_cases[i].text, rc, err.msg);
	}
	err_clear(&err);
	ck_assert_int_eq(bimi_parse("v=BIMI1; l=\0", 12, &r, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "NUL"));
}
END_TEST

START_TEST(test_check_and_kind)
{
	static const char	 l[] = "v=BIMI1; l=https://e.example/l.svg";
	struct diags		 d = DIAGS_INIT;
	enum record_kind	 k;

	bimi_check_bytes(l, strlen(l), "default._bimi.e.example", &d);
	ck_assert_uint_eq(d.n, 0);
	bimi_check_bytes("v=BIMI1; l=; x=1", 16, NULL, &d);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_str_eq(d.v[0].msg, "BIMI record: l= is empty: the domain "
	    "declines to show a logo");
	ck_assert_str_eq(d.v[1].msg, "BIMI record: the tag 'x' is not one the "
	    "BIMI draft defines; receivers ignore it");
	diags_release(&d);
	bimi_check_bytes("v=BIMI1", 7, "n", &d);
	ck_assert_uint_eq(d.nerrors, 1);
	diags_release(&d);

	ck_assert_int_eq(record_kind_parse("BIMI", &k), 0);
	ck_assert_int_eq(k, RECORD_BIMI);
	ck_assert(record_kind_owns(k, "v=BIMI1; l="));
	ck_assert(record_kind_owns(k, "  V=bimi1"));
	ck_assert(!record_kind_owns(k, "v=BIMI10; l="));
	ck_assert(!record_kind_owns(k, "v=spf1 -all"));
	/* A missing a= is an empty one; white space and unknown tags do not
	 * count. */
	ck_assert(record_kind_equivalent(k, "v=BIMI1;l=https://e.example/"
	    "l.svg;a=;x=1", 40, l));
	ck_assert(!record_kind_equivalent(k, "v=BIMI1; l=https://e.example/"
	    "L.svg", 35, l));
	ck_assert(!record_kind_equivalent(k, "v=BIMI1; l=https://e.example/"
	    "l.svg; a=https://e.example/c", 63, l));
	ck_assert(!record_kind_equivalent(k, "v=BIMI1; l=https://e.example/"
	    "l.svg\0", 36, l));
}
END_TEST

#define HEAD	"version: 1\ndomains:\n  example.com:\n"

static const struct {
	const char	*yaml;		/* after HEAD */
	int		 line, col;
	const char	*msg;
} bad[] = {
	{ "    bimi: {}\n", 4, 5, "domains.example.com.bimi.logo: required key "
	    "is missing; the https URL of the logo, an SVG Tiny PS file" },
	{ "    bimi: { logo: \"http://example.com/l.svg\" }\n", 4, 19,
	    "domains.example.com.bimi.logo: 'http://example.com/l.svg' is not "
	    "an https:// URL; receivers fetch BIMI files over HTTPS only" },
	{ "    bimi:\n      logo: https://example.com/l.svg\n"
	    "      authority: \"https://example.com/a,b.pem\"\n", 6, 18,
	    "domains.example.com.bimi.authority: 'https://example.com/a,b.pem' "
	    "contains ',', which would end the URL in the record; write it "
	    "%2C" },
	{ "    bimi: { logo: https://example.com/l.svg, auth: x }\n", 4, 46,
	    NULL },
};

START_TEST(test_config_errors)
{
	char	*text = xasprintf(HEAD "%s", bad[_i].yaml);

	test_config_error(text, bad[_i].line, bad[_i].col, bad[_i].msg,
	    "domains.example.com.bimi.");
	free(text);
}
END_TEST

static long
day_of(const char *s)
{
	struct err	 err;
	long		 day = -1;

	err_clear(&err);
	ck_assert_int_eq(date_parse(s, &day, &err), 0);
	return day;
}

/* desired_build() on day: the BIMI text, or NULL with the first error's
 * message in *msg (malloc'd). */
static char *
bimi_on(const char *yaml, const char *day, char **msg)
{
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;
	struct desired	*w = NULL;
	size_t		 n = 0, i;
	char		*out = NULL;

	*msg = NULL;
	ck_assert_msg(cfg_load_string(&cfg, "m.yaml", yaml, strlen(yaml),
	    &d) == 0, "%s", d.n ? d.v[0].msg : "");
	/* The loader's warnings (pct) are not the build's. */
	diags_release(&d);
	if (desired_build(&cfg, day_of(day), &w, &n, &d) == 0) {
		for (i = 0; i < n; i++)
			if (w[i].kind == RECORD_BIMI) {
				ck_assert_str_eq(w[i].name,
				    "default._bimi.example.com.");
				out = xstrdup(w[i].text);
			}
		ck_assert_ptr_nonnull(out);
	} else {
		ck_assert_uint_eq(d.nerrors, 1);
		ck_assert_int_eq(d.v[0].line, 4);
		ck_assert_int_eq(d.v[0].col, 5);
		*msg = xstrdup(d.v[0].msg);
		for (i = 0; i < n; i++)
			ck_assert_int_ne(w[i].kind, RECORD_BIMI);
	}
	desired_release(w, n);
	cfg_release(&cfg);
	diags_release(&d);
	return out;
}

static const char ROLLOUT[] = HEAD
    "    bimi: { logo: \"https://example.com/l.svg\" }\n"
    "    dmarc:\n"
    "      rollout:\n"
    "        - { policy: none, from: 2027-01-01 }\n"
    "        - { policy: quarantine, testing: true, from: 2027-02-01 }\n"
    "        - { policy: quarantine, pct: 50, from: 2027-03-01 }\n"
    "        - { policy: quarantine, from: 2027-04-01 }\n"
    "        - { policy: reject, subdomain_policy: none, "
    "from: 2027-05-01, rollback: true }\n"
    "        - { policy: reject, subdomain_policy: reject, "
    "from: 2027-06-01 }\n";

/* Refused on every day the stage of the day is not at enforcement, from
 * the day before the rollout starts to the day before it is; accepted
 * from the first day it is, exactly. */
START_TEST(test_gate_on_the_day)
{
	static const struct {
		const char	*day;
		int		 ok;
		const char	*why;
	} days[] = {
		{ "2026-12-31", 0, "its DMARC rollout has not begun" },
		{ "2027-01-01", 0, "'v=DMARC1; p=none'" },
		{ "2027-02-15", 0, "t=y" },
		{ "2027-03-31", 0, "pct=50" },
		{ "2027-04-01", 1, NULL },
		{ "2027-05-01", 0, "sp=none" },
		{ "2027-06-01", 1, NULL },
	};
	size_t	 i;
	char	*text, *msg;

	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		text = bimi_on(ROLLOUT, days[i].day, &msg);
		if (days[i].ok) {
			ck_assert_msg(text != NULL, "%s: %s", days[i].day,
			    msg);
			ck_assert_str_eq(text, "v=BIMI1; "
			    "l=https://example.com/l.svg");
		} else {
			ck_assert_msg(text == NULL, "%s accepted",
			    days[i].day);
			ck_assert_msg(strstr(msg, days[i].why) != NULL,
			    "%s: %s", days[i].day, msg);
			ck_assert_msg(strstr(msg, days[i].day) != NULL, "%s",
			    msg);
			ck_assert_int_eq(strncmp(msg, "domains.example.com."
			    "bimi: receivers show a BIMI logo only when DMARC "
			    "is at enforcement", 71), 0);
		}
		free(text);
		free(msg);
	}
}
END_TEST

/* Without a rollout: the policy key decides; no dmarc key is refused. */
START_TEST(test_gate_without_rollout)
{
	static const struct {
		const char	*dmarc;
		const char	*why;	/* NULL: accepted */
	} cases[] = {
		{ "    dmarc: { policy: reject }\n", NULL },
		{ "    dmarc: { policy: quarantine, pct: 100 }\n", NULL },
		{ "    dmarc: { policy: quarantine, pct: 99 }\n", "pct=99" },
		{ "    dmarc: { policy: none }\n", "p=none" },
		{ "    dmarc: { policy: reject, testing: true }\n", "t=y" },
		{ "    spf: { all: fail }\n", "the domain has no dmarc key" },
	};
	size_t	 i;
	char	*yaml, *text, *msg;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yaml = xasprintf(HEAD "    bimi:\n      logo: https://example."
		    "com/l.svg\n      authority: https://example.com/c.pem\n"
		    "%s", cases[i].dmarc);
		text = bimi_on(yaml, "2027-01-01", &msg);
		if (cases[i].why == NULL)
			ck_assert_str_eq(text, "v=BIMI1; l=https://example.com/"
			    "l.svg; a=https://example.com/c.pem");
		else
			ck_assert_msg(text == NULL && strstr(msg,
			    cases[i].why) != NULL, "%zu: %s", i, msg);
		free(text);
		free(msg);
		free(yaml);
	}
}
END_TEST

Suite *
bimi_suite(void)
{
	Suite	*s = suite_create("bimi");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_url);
	tcase_add_test(tc, test_render);
	tcase_add_test(tc, test_grammar);
	tcase_add_test(tc, test_check_and_kind);
	tcase_add_loop_test(tc, test_config_errors, 0,
	    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_gate_on_the_day);
	tcase_add_test(tc, test_gate_without_rollout);
	suite_add_tcase(s, tc);
	return s;
}
