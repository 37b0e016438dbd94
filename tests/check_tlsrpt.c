/*
 * check_tlsrpt.c - SMTP TLS Reporting records (RFC 8460 §3,
 * src/dns/tlsrpt.c): the report URIs the config and the records take,
 * rendering, which values mailauth owns at _smtp._tls, the checks lint
 * and plan run (errors and warnings, a NUL inside), and equivalence.
 */
#include <check.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/tlsrpt.h"

Suite	*tlsrpt_suite(void);

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

START_TEST(uris)
{
	static const struct {
		const char	*uri;
		const char	*err;	/* in the message; NULL: accepted */
	} cases[] = {
		{ "mailto:tlsrpt@example.com", NULL },
		{ "MAILTO:TLS@Example.COM", NULL },
		{ "mailto:a+b@sub.example.com?subject=tls", NULL },
		{ "https://reports.example.net/v1/tlsrpt", NULL },
		{ "HTTPS://reports.example.net", NULL },
		{ "https://r.example.net:1/", NULL },
		{ "https://r.example.net:65535/x?y#z", NULL },
		{ "https://r.example.net:0/", "port" },
		{ "https://r.example.net:65536/", "port" },
		{ "https://r.example.net:/", "port" },
		{ "https://r.example.net:123456/", "port" },
		{ "https://r.example.net:8a/", "port" },
		{ "https://", "no host" },
		{ "https:///path", "no host" },
		{ "https://:443/", "no host" },
		{ "https://localhost/", "two labels" },
		{ "https://user@r.example.net/", "not allowed" },
		{ "http://r.example.net/", "neither" },
		{ "https:r.example.net", "neither" },
		{ "ftp://r.example.net/", "neither" },
		{ "tlsrpt@example.com", "neither" },
		{ "mailto:", "no address" },
		{ "mailto:@example.com", "no address" },
		{ "mailto:tlsrpt@", "no address" },
		{ "mailto:tlsrpt", "no address" },
		{ "mailto:t@example", "two labels" },
		{ "mailto:t@exa mple.com", "white space" },
		{ "mailto:t@example.com,mailto:u@example.com", "'%2C'" },
		{ "mailto:t@example.com;x", "%3B" },
		{ "mailto:t@ex\x7f" "ample.com", "control" },
		{ "mailto:t@b\xc3\xbc" "cher.example", "outside ASCII" },
		{ "", "empty" },
	};
	struct err	 err;
	size_t		 i;
	int		 rc;

	for (i = 0; i < NELEM(cases); i++) {
		err_clear(&err);
		rc = tlsrpt_uri_check(cases[i].uri, strlen(cases[i].uri), &err);
		if (cases[i].err == NULL) {
			ck_assert_msg(rc == 0, "'%s': %s", cases[i].uri,
			    err.msg);
			continue;
		}
		ck_assert_msg(rc == -1, "'%s' accepted", cases[i].uri);
		/* "'%2C'" asks for the quote-free form in the message. */
		ck_assert_msg(strstr(err.msg, cases[i].err[0] == '\'' ?
		    "%2C" : cases[i].err) != NULL, "'%s': %s",
		    cases[i].uri, err.msg);
	}
	/* The length is the URI's end: a NUL inside is refused. */
	err_clear(&err);
	ck_assert_int_eq(tlsrpt_uri_check("mailto:t@example.com\0x", 22,
	    &err), -1);
	ck_assert_int_eq(tlsrpt_uri_check("mailto:t@example.comXYZ", 20,
	    &err), 0);
}
END_TEST

START_TEST(render_and_own)
{
	char		*rua[] = { "mailto:t@example.com",
			    "https://r.example.net/v1" };
	struct buf	 b = BUF_INIT;

	tlsrpt_render(rua, 2, &b);
	ck_assert_str_eq(buf_str(&b), "v=TLSRPTv1; rua=mailto:t@example.com,"
	    "https://r.example.net/v1");
	buf_release(&b);

	ck_assert_int_eq(tlsrpt_is_record("v=TLSRPTv1; rua=x"), 1);
	ck_assert_int_eq(tlsrpt_is_record("v=TLSRPTv1"), 1);
	ck_assert_int_eq(tlsrpt_is_record(" V = tlsrptV1 ;"), 1);
	ck_assert_int_eq(tlsrpt_is_record("v=TLSRPTv1\trua=x"), 1);
	ck_assert_int_eq(tlsrpt_is_record("v=TLSRPTv10; rua=x"), 0);
	ck_assert_int_eq(tlsrpt_is_record("v=TLSRPT; rua=x"), 0);
	ck_assert_int_eq(tlsrpt_is_record("v=spf1 -all"), 0);
	ck_assert_int_eq(tlsrpt_is_record("rua=x; v=TLSRPTv1"), 0);
	ck_assert_int_eq(tlsrpt_is_record(""), 0);
}
END_TEST

/* The findings of one record: errors and warnings, each message kept. */
static void
check_one(const char *text, size_t len, size_t nerrors, size_t nwarnings,
    const char *says)
{
	struct diags	 d = DIAGS_INIT;
	size_t		 i;
	int		 found = says == NULL;

	tlsrpt_check_bytes(text, len, "_smtp._tls.example.com", &d);
	for (i = 0; i < d.n; i++) {
		ck_assert_msg(strncmp(d.v[i].msg, "_smtp._tls.example.com: ",
		    24) == 0, "%s", d.v[i].msg);
		if (says != NULL && strstr(d.v[i].msg, says) != NULL)
			found = 1;
	}
	ck_assert_msg(d.nerrors == nerrors && d.nwarnings == nwarnings &&
	    found, "'%.*s': %zu errors, %zu warnings, first '%s'", (int)len,
	    text, d.nerrors, d.nwarnings, d.n > 0 ? d.v[0].msg : "");
	diags_release(&d);
}

START_TEST(checks)
{
	static const struct {
		const char	*text;
		size_t		 nerrors, nwarnings;
		const char	*says;
	} cases[] = {
		{ "v=TLSRPTv1; rua=mailto:t@example.com", 0, 0, NULL },
		{ "v=TLSRPTv1;rua=mailto:t@example.com;", 0, 0, NULL },
		{ "v=TLSRPTv1 ; rua=mailto:t@example.com , "
		    "https://r.example.net/x ;", 0, 0, NULL },
		{ "v=TLSRPTv1; rua=mailto:t@example.com; ext-1=abc", 0, 1,
		    "'ext-1' is not one of RFC 8460" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com,mailto:t@example.com",
		    0, 1, "twice" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com,MAILTO:t@example.com",
		    0, 1, "twice" },
		{ "v=TLSRPTv1", 1, 0, "no rua=" },
		{ "v=TLSRPTv1; ", 1, 0, "no rua=" },
		{ "v=tlsrptv1; rua=mailto:t@example.com", 1, 0,
		    "written exactly so" },
		{ "v=TLSRPTv1x; rua=mailto:t@example.com", 1, 0,
		    "written exactly so" },
		{ " v=TLSRPTv1; rua=mailto:t@example.com", 1, 0,
		    "starts with white space" },
		{ "v=TLSRPTv1 rua=mailto:t@example.com", 2, 0,
		    "expected ';'" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com; rua=mailto:u@ex.com",
		    1, 0, "repeated" },
		{ "v=TLSRPTv1; rua=", 1, 0, "empty entry" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com,", 1, 0,
		    "empty entry" },
		{ "v=TLSRPTv1; rua=http://r.example.net/", 1, 0, "neither" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com; v=TLSRPTv1", 1, 0,
		    "only come first" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com; x", 1, 0,
		    "no '='" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com; _x=1", 1, 0,
		    "not a field name" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com; x =1", 1, 0,
		    "not a field name" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com; "
		    "a2345678901234567890123456789012=1", 0, 1, NULL },
		{ "v=TLSRPTv1; rua=mailto:t@example.com; "
		    "a23456789012345678901234567890123=1", 1, 0,
		    "not a field name" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com; x=", 1, 0,
		    "empty value" },
		{ "v=TLSRPTv1; rua=mailto:t@example.com; x=a=b", 1, 0,
		    "empty value or one with" },
		{ "v=TLSRPTv1; rua=mailto:t@\xc3\xa9xample.com", 1, 0,
		    "outside printable ASCII" },
		{ "v=spf1 -all", 1, 0, "does not start" },
		{ "", 1, 0, "does not start" },
	};
	size_t	 i;

	for (i = 0; i < NELEM(cases); i++)
		check_one(cases[i].text, strlen(cases[i].text),
		    cases[i].nerrors, cases[i].nwarnings, cases[i].says);
	/* A NUL is a byte of the record, and an error, not its end. */
	check_one("v=TLSRPTv1; rua=mailto:t@example.com\0", 37, 1, 0,
	    "a NUL at byte 37");
	/* where NULL: the kind's own name. */
	{
		struct diags	 d = DIAGS_INIT;

		tlsrpt_check_bytes("v=TLSRPTv1", 10, NULL, &d);
		ck_assert_uint_eq(d.nerrors, 1);
		ck_assert_str_eq(d.v[0].msg, "TLS-RPT record: has no rua= "
		    "field, which names where reports go");
		diags_release(&d);
	}
}
END_TEST

static int
same(const char *a, const char *b)
{
	return tlsrpt_equivalent_bytes(a, strlen(a), b, strlen(b));
}

START_TEST(equivalence)
{
	const char	*want = "v=TLSRPTv1; rua=mailto:t@example.com,"
			    "https://r.example.net/v1";

	ck_assert(same(want, want));
	ck_assert(same("v=TLSRPTv1;rua=https://r.example.net/v1 , "
	    "MAILTO:t@example.com;", want));
	/* Extensions are ignored, as senders ignore them. */
	ck_assert(same("v=TLSRPTv1; rua=mailto:t@example.com,"
	    "https://r.example.net/v1; ext=1", want));
	ck_assert(!same("v=TLSRPTv1; rua=mailto:t@example.com", want));
	ck_assert(!same("v=TLSRPTv1; rua=mailto:T@example.com,"
	    "https://r.example.net/v1", want));
	ck_assert(!same("v=TLSRPTv1; rua=mailto:t@example.com,"
	    "https://r.example.net/v1,mailto:u@example.com", want));
	/* An invalid record means nothing to senders. */
	ck_assert(!same("v=tlsrptv1; rua=mailto:t@example.com,"
	    "https://r.example.net/v1", want));
	ck_assert(!same("v=TLSRPTv1; rua=", "v=TLSRPTv1; rua="));
	ck_assert(!tlsrpt_equivalent_bytes("v=TLSRPTv1; rua=mailto:t@"
	    "example.com\0", 37, "v=TLSRPTv1; rua=mailto:t@example.com",
	    36));
}
END_TEST

Suite *
tlsrpt_suite(void)
{
	Suite	*s = suite_create("tlsrpt");
	TCase	*tc = tcase_create("grammar");

	tcase_add_test(tc, uris);
	tcase_add_test(tc, render_and_own);
	tcase_add_test(tc, checks);
	tcase_add_test(tc, equivalence);
	suite_add_tcase(s, tc);
	return s;
}
