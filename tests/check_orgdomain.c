/*
 * check_orgdomain.c - the Organizational Domain from the Public Suffix
 * List (src/dns/orgdomain.c) and the report authorization records a DMARC
 * record needs (src/dns/dmarc-report.c, RFC 9990 §4).
 */
#include <check.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dmarc-report.h"
#include "mailauth/orgdomain.h"

Suite	*orgdomain_suite(void);

struct org_case {
	const char	*name;
	int		 rc;
	const char	*org;
};

static const struct org_case org_cases[] = {
	{ "example.com", 0, "example.com" },
	{ "mail.example.com", 0, "example.com" },
	{ "a.b.example.co.uk", 0, "example.co.uk" },
	{ "example.co.uk", 0, "example.co.uk" },
	/* Any case, the final dot. */
	{ "A.B.Example.CO.UK.", 0, "example.co.uk" },
	/* A public suffix is its own. */
	{ "co.uk", 1, "co.uk" },
	{ "com", 1, "com" },
	{ "com.", 1, "com" },
	/* A private suffix of the list: each customer is an organisation. */
	{ "a.b.blogspot.com", 0, "b.blogspot.com" },
	/* IDNA A-labels: a registered name under the IDN ccTLD for China,
	 * and that suffix itself. */
	{ "mail.xn--fiqs8s-test.xn--fiqs8s", 0, "xn--fiqs8s-test.xn--fiqs8s" },
	{ "xn--fiqs8s", 1, "xn--fiqs8s" },
	{ "www.xn--bcher-kva.example", 0, "xn--bcher-kva.example" },
	/* Not a name. */
	{ "", -1, NULL },
	{ ".", -1, NULL },
	{ "a..example.com", -1, NULL },
	{ ".example.com", -1, NULL },
	{ "exa mple.com", -1, NULL },
	{ "b\xc3\xbc" "cher.example", -1, NULL },
};

START_TEST(test_org_domain)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < sizeof(org_cases) / sizeof(org_cases[0]); i++) {
		const struct org_case	*t = &org_cases[i];

		buf_reset(&b);
		buf_adds(&b, "x");
		ck_assert_msg(org_domain(t->name, &b) == t->rc, "%s", t->name);
		if (t->org != NULL)
			ck_assert_str_eq(buf_str(&b) + 1, t->org);
		else
			ck_assert_str_eq(buf_str(&b), "x");
	}
	buf_release(&b);
}
END_TEST

/* Exactly at the length limit and one past it. */
START_TEST(test_org_domain_limits)
{
	struct buf	 b = BUF_INIT, name = BUF_INIT;

	buf_adds(&name, "a");
	while (name.len < 249)
		buf_adds(&name, ".a");
	buf_adds(&name, ".com");
	ck_assert_uint_eq(name.len, 253);
	ck_assert_int_eq(org_domain(buf_str(&name), &b), 0);
	ck_assert_str_eq(buf_str(&b), "a.com");
	buf_reset(&b);
	buf_reset(&name);
	buf_adds(&name, "ab");
	while (name.len < 250)
		buf_adds(&name, ".a");
	buf_adds(&name, ".com");
	ck_assert_uint_eq(name.len, 254);
	ck_assert_int_eq(org_domain(buf_str(&name), &b), -1);
	ck_assert_uint_eq(b.len, 0);
	buf_release(&b);
	buf_release(&name);
}
END_TEST

START_TEST(test_org_domain_same)
{
	ck_assert_int_eq(org_domain_same("example.com", "dmarc.example.com"),
	    1);
	ck_assert_int_eq(org_domain_same("a.example.co.uk",
	    "B.EXAMPLE.CO.UK."), 1);
	ck_assert_int_eq(org_domain_same("example.com", "example.net"), 0);
	/* Two customers of one private suffix are two organisations. */
	ck_assert_int_eq(org_domain_same("a.blogspot.com", "b.blogspot.com"),
	    0);
	ck_assert_int_eq(org_domain_same("example.co.uk", "other.co.uk"), 0);
	ck_assert_int_eq(org_domain_same("", ""), 0);
	ck_assert_int_eq(org_domain_same("a..b", "a..b"), 0);
}
END_TEST

/* --- report authorization (RFC 9990 §4) --- */

START_TEST(test_auths_external)
{
	struct dmarc_report_auth	*v = NULL;
	size_t				 n = 0;

	/* The RFC's own example: blue.example.com reporting to
	 * red.example.net needs blue.example.com._report._dmarc.red.example.net. */
	ck_assert_int_eq(dmarc_report_auths("blue.example.com",
	    "mailto:reports@red.example.net", &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].name,
	    "blue.example.com._report._dmarc.red.example.net");
	ck_assert_str_eq(v[0].report_domain, "red.example.net");
	ck_assert_int_eq(v[0].too_long, 0);
	/* A record's list: the same org needs nothing, a size suffix and
	 * headers are not the domain, case and the final dot do not count,
	 * a pair already listed is not listed twice. */
	ck_assert_int_eq(dmarc_report_auths("Blue.Example.COM.",
	    "mailto:a@example.com, mailto:b@x.Example.com!10m,"
	    "MAILTO:c@Vendor.Example!10m,mailto:d@vendor.example?subject=x,"
	    "mailto:e@red.example.net", &v, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[1].name,
	    "blue.example.com._report._dmarc.vendor.example");
	ck_assert_str_eq(v[1].report_domain, "vendor.example");
	dmarc_report_auths_release(v, n);
}
END_TEST

START_TEST(test_auths_ignored)
{
	struct dmarc_report_auth	*v = NULL;
	size_t				 n = 0;

	/* Not mailto:, no address, no domain, a percent-encoded or bad
	 * domain, an empty list: nothing to authorize. */
	ck_assert_int_eq(dmarc_report_auths("example.com",
	    "https://r.example.net/x,mailto:,mailto:user,mailto:user@,"
	    "mailto:a@ex%61mple.net,mailto:a@-bad.example,mailto:a@net,,",
	    &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(dmarc_report_auths("example.com", "", &v, &n), 0);
	ck_assert_uint_eq(n, 0);
	/* The policy domain must be a host name. */
	ck_assert_int_eq(dmarc_report_auths("not a domain",
	    "mailto:a@example.net", &v, &n), -1);
	ck_assert_uint_eq(n, 0);
	dmarc_report_auths_release(v, n);
}
END_TEST

START_TEST(test_auths_idna_and_length)
{
	struct dmarc_report_auth	*v = NULL;
	struct buf			 d = BUF_INIT;
	size_t				 n = 0;

	/* U-labels become A-labels on both sides (RFC 9990 §4 step 3). */
	ck_assert_int_eq(dmarc_report_auths("b\xc3\xbc" "cher.example",
	    "mailto:r@b\xc3\xbc" "cher.example.net", &v, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(v[0].name, "xn--bcher-kva.example._report._dmarc."
	    "xn--bcher-kva.example.net");
	/* D._report._dmarc.R at exactly 253 octets, then at 254. */
	buf_adds(&d, "ab");
	while (d.len < 253 - strlen("._report._dmarc.r.example") - 4)
		buf_adds(&d, ".a");
	buf_adds(&d, ".com");
	ck_assert_uint_eq(d.len, 228);
	ck_assert_int_eq(dmarc_report_auths(buf_str(&d),
	    "mailto:x@r.example", &v, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(strlen(v[1].name), 253);
	ck_assert_int_eq(v[1].too_long, 0);
	ck_assert_int_eq(dmarc_report_auths(buf_str(&d),
	    "mailto:x@rr.example", &v, &n), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(strlen(v[2].name), 254);
	ck_assert_int_eq(v[2].too_long, 1);
	dmarc_report_auths_release(v, n);
	buf_release(&d);
}
END_TEST

Suite *
orgdomain_suite(void)
{
	Suite	*s = suite_create("orgdomain");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_org_domain);
	tcase_add_test(tc, test_org_domain_limits);
	tcase_add_test(tc, test_org_domain_same);
	tcase_add_test(tc, test_auths_external);
	tcase_add_test(tc, test_auths_ignored);
	tcase_add_test(tc, test_auths_idna_and_length);
	suite_add_tcase(s, tc);
	return s;
}
