/*
 * check_desired_reportauth.c - the report authorization records plan
 * publishes (RFC 9990 §4): desired_build() adds
 * <domain>._report._dmarc.<report domain> "v=DMARC1" in the report
 * domain's zone when that domain is in the config, warns when it is not,
 * adds nothing within one Organizational Domain or before a rollout
 * starts; the record kind's ownership, equivalence and checks; and the
 * guard, which sees no weakening in an authorization record.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/date.h"
#include "mailauth/desired.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "testutil.h"

Suite	*desired_reportauth_suite(void);

static void
load(struct cfg *cfg, const char *text)
{
	struct diags	 d = DIAGS_INIT;
	int		 rc;

	rc = cfg_load_string(cfg, "mailauth.yaml", text, strlen(text), &d);
	ck_assert_msg(rc == 0 && d.nerrors == 0, "load failed: %s",
	    d.n > 0 ? d.v[0].msg : "?");
	diags_release(&d);
}

static long
day_of(const char *s)
{
	struct err	 err;
	long		 day = -1;

	err_clear(&err);
	ck_assert_int_eq(date_parse(s, &day, &err), 0);
	return day;
}

/* The desired records of kind, counted; *first set to the first. */
static size_t
count_kind(const struct desired *w, size_t n, enum record_kind k,
    const struct desired **first)
{
	size_t	 i, c = 0;

	*first = NULL;
	for (i = 0; i < n; i++)
		if (w[i].kind == k && c++ == 0)
			*first = &w[i];
	return c;
}

static const char CFG_TWO[] =
    "version: 1\n"
    "domains:\n"
    "  example.com:\n"
    "    dmarc:\n"
    "      policy: none\n"
    "      rua: [mailto:agg@example.net, mailto:x@vendor.example!10m]\n"
    "      ruf: [mailto:fail@example.net]\n"
    "  example.net:\n"
    "    ttl: 600\n"
    "    dmarc:\n"
    "      policy: reject\n"
    "      rua: [mailto:agg@example.net, mailto:a@reports.example.net]\n";

START_TEST(test_configured_report_domain)
{
	struct cfg		 cfg;
	struct diags		 d = DIAGS_INIT;
	struct desired		*w = NULL;
	const struct desired	*a;
	size_t			 n = 0;

	load(&cfg, CFG_TWO);
	ck_assert_int_eq(desired_build(&cfg, day_of("2026-12-04"), &w, &n,
	    &d), 0);
	/* One record for example.com, although rua and ruf both point at
	 * example.net; none for example.net's own addresses. */
	ck_assert_uint_eq(count_kind(w, n, RECORD_REPORT_AUTH, &a), 1);
	ck_assert_str_eq(a->name, "example.com._report._dmarc.example.net.");
	ck_assert_str_eq(a->domain->name, "example.net");
	ck_assert_str_eq(a->type, "TXT");
	ck_assert_str_eq(a->text, "v=DMARC1");
	ck_assert_int_eq(a->ttl, 600);
	ck_assert_str_eq(a->key, "domains.example.com.dmarc");
	ck_assert_int_eq(a->absent, 0);
	ck_assert_int_eq(a->leave, 0);
	/* vendor.example is not in the config: a warning that says what
	 * receivers do and names the record, nothing published. */
	ck_assert_uint_eq(d.nwarnings, 1);
	ck_assert(test_warned(&d, "'example.com._report._dmarc.vendor.example'"));
	ck_assert(test_warned(&d, "receivers ignore those addresses"));
	ck_assert_str_eq(d.v[0].file, "mailauth.yaml");
	ck_assert_int_gt(d.v[0].line, 0);
	desired_release(w, n);
	diags_release(&d);
	cfg_release(&cfg);
}
END_TEST

START_TEST(test_same_org_needs_nothing)
{
	static const char text[] =
	    "version: 1\n"
	    "domains:\n"
	    "  mail.example.co.uk:\n"
	    "    dmarc:\n"
	    "      policy: none\n"
	    "      rua: [mailto:d@example.co.uk, mailto:e@reports.example.co.uk]\n"
	    "  example.co.uk:\n"
	    "    dmarc: { policy: none }\n"
	    "  reports.example.co.uk:\n"
	    "    dmarc: { policy: none }\n";
	struct cfg		 cfg;
	struct diags		 d = DIAGS_INIT;
	struct desired		*w = NULL;
	const struct desired	*a;
	size_t			 n = 0;

	load(&cfg, text);
	ck_assert_int_eq(desired_build(&cfg, day_of("2026-12-04"), &w, &n,
	    &d), 0);
	ck_assert_uint_eq(count_kind(w, n, RECORD_REPORT_AUTH, &a), 0);
	ck_assert_uint_eq(d.nwarnings, 0);
	desired_release(w, n);
	diags_release(&d);
	cfg_release(&cfg);
}
END_TEST

/* Before a rollout's first stage mailauth leaves the _dmarc record as it
 * is, and the authorization too (its name still managed, for the IAM
 * policy); from the first stage it publishes it, and a stage change keeps
 * it. */
START_TEST(test_rollout_stages)
{
	static const char text[] =
	    "version: 1\n"
	    "domains:\n"
	    "  example.com:\n"
	    "    dmarc:\n"
	    "      rua: [mailto:agg@example.org]\n"
	    "      rollout:\n"
	    "        - { policy: none, from: 2027-01-01 }\n"
	    "        - { policy: reject, from: 2027-02-01 }\n"
	    "  example.org:\n"
	    "    spf: { all: fail }\n";
	static const struct {
		const char	*day;
		int		 leave;
	} days[] = {
		{ "2026-12-31", 1 }, { "2027-01-01", 0 }, { "2027-02-01", 0 },
	};
	struct cfg		 cfg;
	size_t			 i;

	load(&cfg, text);
	for (i = 0; i < sizeof(days) / sizeof(days[0]); i++) {
		struct diags		 d = DIAGS_INIT;
		struct desired		*w = NULL;
		const struct desired	*a;
		size_t			 n = 0;

		ck_assert_int_eq(desired_build(&cfg, day_of(days[i].day), &w,
		    &n, &d), 0);
		ck_assert_msg(count_kind(w, n, RECORD_REPORT_AUTH, &a) == 1,
		    "%s", days[i].day);
		ck_assert_str_eq(a->name,
		    "example.com._report._dmarc.example.org.");
		ck_assert_ptr_null(a->stage);
		ck_assert_int_eq(a->leave, days[i].leave);
		if (days[i].leave) {
			ck_assert_ptr_null(a->type);
			ck_assert_ptr_null(a->text);
		} else
			ck_assert_str_eq(a->text, "v=DMARC1");
		ck_assert_uint_eq(d.nwarnings, 0);
		desired_release(w, n);
		diags_release(&d);
	}
	cfg_release(&cfg);
}
END_TEST

START_TEST(test_kind)
{
	enum record_kind	 k;
	struct diags		 d = DIAGS_INIT;

	ck_assert_str_eq(record_kind_name(RECORD_REPORT_AUTH),
	    "DMARC report authorization");
	ck_assert_int_eq(record_kind_parse("DMARC report authorization", &k),
	    0);
	ck_assert_int_eq(k, RECORD_REPORT_AUTH);
	ck_assert_int_eq(record_kind_owns(RECORD_REPORT_AUTH, "v=DMARC1"), 1);
	ck_assert_int_eq(record_kind_owns(RECORD_REPORT_AUTH,
	    "v=DMARC1; rua=mailto:x@example.net"), 1);
	ck_assert_int_eq(record_kind_owns(RECORD_REPORT_AUTH, "hello"), 0);
	/* Receivers read only v, rua and ruf there. */
	ck_assert_int_eq(record_kind_equivalent(RECORD_REPORT_AUTH,
	    "v=DMARC1", 8, "v=DMARC1;"), 1);
	ck_assert_int_eq(record_kind_equivalent(RECORD_REPORT_AUTH,
	    "v=DMARC1", 8, "v = DMARC1; p=none"), 1);
	ck_assert_int_eq(record_kind_equivalent(RECORD_REPORT_AUTH,
	    "v=DMARC1", 8, "v=DMARC1; rua=mailto:x@example.net"), 0);
	ck_assert_int_eq(record_kind_equivalent(RECORD_REPORT_AUTH,
	    "v=DMARC1; ruf=mailto:a@b.example", 32,
	    "v=DMARC1;ruf= mailto:a@b.example "), 1);
	ck_assert_int_eq(record_kind_equivalent(RECORD_REPORT_AUTH,
	    "v=DMARC1", 8, "v=DMARC1; x"), 0);
	/* A live value with a NUL ("\000") is another record (issue 16). */
	ck_assert_int_eq(record_kind_equivalent(RECORD_REPORT_AUTH,
	    "v=DMARC1\0; rua=mailto:x@example.net", 35, "v=DMARC1"), 0);
	record_kind_check(RECORD_REPORT_AUTH, "v=DMARC1", 8, "n", &d);
	ck_assert_uint_eq(d.n, 0);
	record_kind_check(RECORD_REPORT_AUTH, "v=DMARC1; rua", 13, "n", &d);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "receivers discard"));
	ck_assert(strncmp(d.v[0].msg, "n: ", 3) == 0);
	diags_release(&d);
	/* The cause quotes live text: made printable. */
	record_kind_check(RECORD_REPORT_AUTH, "v=DMARC1; r\033ua=x", 17,
	    "n", &d);
	ck_assert_uint_eq(d.nerrors, 1);
	ck_assert_ptr_null(strchr(d.v[0].msg, '\033'));
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "'r\\x1bua'"));
	diags_release(&d);
}
END_TEST

/* Neither changing nor deleting an authorization record weakens a
 * policy: the guard judges SPF and DMARC records only. */
START_TEST(test_guard_ignores_it)
{
	struct plan_change	 c;
	char			*why;

	memset(&c, 0, sizeof(c));
	c.op = PLAN_UPDATE;
	c.kind = RECORD_REPORT_AUTH;
	rrset_init(&c.before, "example.com._report._dmarc.example.net.",
	    "TXT", 300);
	rrset_value_add(&c.before, "\"v=DMARC1; rua=mailto:a@example.net\"");
	rrset_init(&c.after, "example.com._report._dmarc.example.net.",
	    "TXT", 300);
	rrset_value_add(&c.after, "\"v=DMARC1\"");
	why = plan_change_weakens(&c);
	ck_assert_ptr_null(why);
	c.op = PLAN_DELETE;
	rrset_release(&c.after);
	why = plan_change_weakens(&c);
	ck_assert_ptr_null(why);
	rrset_release(&c.before);
	rrset_release(&c.after);
}
END_TEST

Suite *
desired_reportauth_suite(void)
{
	Suite	*s = suite_create("desired_reportauth");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_configured_report_domain);
	tcase_add_test(tc, test_same_org_needs_nothing);
	tcase_add_test(tc, test_rollout_stages);
	tcase_add_test(tc, test_kind);
	tcase_add_test(tc, test_guard_ignores_it);
	suite_add_tcase(s, tc);
	return s;
}
