/*
 * check_mtasts.c - MTA-STS (RFC 8461): the policy file and its id, the
 * _mta-sts TXT grammar, the mx patterns, the mta_sts config keys and
 * their located errors, and the desired record and its kind's row.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/desired.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/mtasts.h"
#include "testutil.h"

Suite	*mtasts_suite(void);

/* The text of the desired MTA-STS record of the config text; "" when the
 * config or the records do not build. */
static char *
record_of(const char *text)
{
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;
	struct desired	*w = NULL;
	size_t		 n = 0, i;
	char		*out = xstrdup("");

	if (cfg_load_string(&cfg, "mailauth.yaml", text, strlen(text),
	    &d) == 0) {
		if (desired_build(&cfg, 20000, &w, &n, &d) == 0)
			for (i = 0; i < n; i++)
				if (w[i].kind == RECORD_MTA_STS) {
					ck_assert_str_eq(w[i].name,
					    "_mta-sts.example.com.");
					ck_assert_str_eq(w[i].type, "TXT");
					free(out);
					out = xstrdup(w[i].text);
				}
		desired_release(w, n);
		cfg_release(&cfg);
	}
	diags_release(&d);
	return out;
}

#define HEAD	"version: 1\ndomains:\n  example.com:\n    mta_sts:\n"

static const char BASE[] = HEAD
    "      mode: enforce\n"
    "      mx: [mail.example.com, \"*.example.net\"]\n"
    "      max_age: 86400\n";

START_TEST(test_policy_exact)
{
	char			*mx[] = { "mail.example.com", "*.example.net",
				    "mail.example.com" };
	struct mtasts_spec	 spec = { MTASTS_MODE_ENFORCE, mx, 3, 86400 };
	struct buf		 b = BUF_INIT;

	mtasts_policy_render(&spec, &b);
	/* mx sorted, each once, every line ended by CRLF. */
	ck_assert_str_eq(buf_str(&b), "version: STSv1\r\nmode: enforce\r\n"
	    "mx: *.example.net\r\nmx: mail.example.com\r\n"
	    "max_age: 86400\r\n");
	buf_reset(&b);
	spec.mode = MTASTS_MODE_NONE;
	spec.nmx = 0;
	spec.max_age = 0;
	mtasts_policy_render(&spec, &b);
	ck_assert_str_eq(buf_str(&b), "version: STSv1\r\nmode: none\r\n"
	    "max_age: 0\r\n");
	buf_release(&b);
}
END_TEST

START_TEST(test_id)
{
	const char	 p[] = "version: STSv1\r\nmode: none\r\nmax_age: 0\r\n";
	char		 id[MTASTS_ID_MAX + 1], again[MTASTS_ID_MAX + 1];
	size_t		 i;

	mtasts_policy_id(p, strlen(p), id);
	ck_assert_uint_eq(strlen(id), 32);
	for (i = 0; i < 32; i++)
		ck_assert(strchr("0123456789abcdef", id[i]) != NULL);
	mtasts_policy_id(p, strlen(p), again);
	ck_assert_str_eq(id, again);
	/* One byte more is another policy. */
	mtasts_policy_id(p, strlen(p) - 1, again);
	ck_assert_str_ne(id, again);
}
END_TEST

/* The id follows the policy: each change of mode, mx or max_age changes
 * it; the order of the keys or of the patterns does not. */
START_TEST(test_id_follows_policy)
{
	static const char *const same[] = {
		HEAD "      max_age: 86400\n      mx: [mail.example.com, "
		"\"*.example.net\"]\n      mode: enforce\n",
		HEAD "      mx: [\"*.example.net\", MAIL.example.com.]\n"
		"      mode: enforce\n      max_age: 86400\n",
	};
	static const char *const other[] = {
		HEAD "      mode: testing\n      mx: [mail.example.com, "
		"\"*.example.net\"]\n      max_age: 86400\n",
		HEAD "      mode: enforce\n      mx: [mail.example.com]\n"
		"      max_age: 86400\n",
		HEAD "      mode: enforce\n      mx: [mail.example.com, "
		"\"*.example.net\"]\n      max_age: 86401\n",
		HEAD "      mode: enforce\n      mx: [mail.example.com, "
		"\"*.example.net\"]\n",
	};
	char	*base = record_of(BASE), *r;
	size_t	 i;

	ck_assert_int_eq(strncmp(base, "v=STSv1; id=", 12), 0);
	ck_assert_uint_eq(strlen(base), 12 + 32);
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		r = record_of(same[i]);
		ck_assert_str_eq(r, base);
		free(r);
	}
	for (i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		r = record_of(other[i]);
		ck_assert_msg(strncmp(r, "v=STSv1; id=", 12) == 0, "%zu", i);
		ck_assert_msg(strcmp(r, base) != 0, "case %zu kept the id", i);
		free(r);
	}
	free(base);
}
END_TEST

/* The desired record's id is the one of the file "mta-sts policy"
 * prints. */
START_TEST(test_record_is_policy_id)
{
	char			*mx[] = { "mail.example.com", "*.example.net" };
	struct mtasts_spec	 spec = { MTASTS_MODE_ENFORCE, mx, 2, 86400 };
	struct buf		 b = BUF_INIT, want = BUF_INIT;
	char			 id[MTASTS_ID_MAX + 1], *r = record_of(BASE);

	mtasts_policy_render(&spec, &b);
	mtasts_policy_id(b.data, b.len, id);
	buf_addf(&want, "v=STSv1; id=%s", id);
	ck_assert_str_eq(r, buf_str(&want));
	buf_reset(&b);
	mtasts_render(&spec, &b);
	ck_assert_str_eq(buf_str(&b), buf_str(&want));
	free(r);
	buf_release(&b);
	buf_release(&want);
}
END_TEST

static const struct {
	const char	*pattern;
	int		 ok;
} mx_cases[] = {
	{ "mail.example.com", 1 },
	{ "*.example.net", 1 },
	{ "mx_1.example.net", 1 },
	{ "*", 0 },
	{ "*.", 0 },
	{ "mail*.example.com", 0 },
	{ "a.*.example.com", 0 },
	{ "*.*.example.com", 0 },
	{ "**.example.com", 0 },
	{ "example", 0 },
	{ "mail..example.com", 0 },
	{ "-mail.example.com", 0 },
};

START_TEST(test_mx_patterns)
{
	struct err	 err;
	size_t		 i;

	for (i = 0; i < sizeof(mx_cases) / sizeof(mx_cases[0]); i++) {
		err_clear(&err);
		ck_assert_msg((mtasts_mx_check(mx_cases[i].pattern,
		    &err) == 0) == mx_cases[i].ok, "'%s': %s",
		    mx_cases[i].pattern, err.msg);
	}
	err_clear(&err);
	ck_assert_int_eq(mtasts_mx_check("a.*.example.com", &err), -1);
	ck_assert_str_eq(err.msg, "'a.*.example.com': a wildcard may only be "
	    "the whole leftmost label, as in '*.example.net' (RFC 8461 §3.2)");
}
END_TEST

/* Record text: NULL want is valid (id wanted in id), else a part of the
 * error. */
static const struct {
	const char	*text;
	const char	*id;
	const char	*error;
} rec_cases[] = {
	{ "v=STSv1; id=20160831085700Z;", "20160831085700Z", NULL },
	{ "v=STSv1;id=abc", "abc", NULL },
	{ "v=STSv1; id=abc ;", "abc", NULL },
	{ "v=STSv1; x-ext=val; id=A1", "A1", NULL },
	{ "v=STSv1; id=01234567890123456789012345678901",
	    "01234567890123456789012345678901", NULL },
	{ "v=STSv1; id=012345678901234567890123456789012", NULL,
	    "must be 1 to 32" },
	{ "v=STSv1; id=", NULL, "must be 1 to 32" },
	{ "v=STSv1; id=ab-c", NULL, "letters and digits only" },
	{ "v=STSv1; id=a; id=b", NULL, "id is given twice" },
	{ "v=STSv1;", NULL, "no id field" },
	{ "v=STSv1", NULL, "does not start with 'v=STSv1;'" },
	{ "v=STSv1 ; id=a", NULL, "does not start with 'v=STSv1;'" },
	{ " v=STSv1; id=a", NULL, "does not start with 'v=STSv1;'" },
	{ "V=stsv1; id=a", NULL, "does not start with 'v=STSv1;'" },
	{ "v=STSv1; id", NULL, "has no '='" },
	{ "v=STSv1; id=a b", NULL, "white space inside" },
	{ "v=STSv1; id=a=b", NULL, "second '='" },
	{ "v=STSv1; _x=1; id=a", NULL, "is not a field name" },
	{ "v=STSv1; x=; id=a", NULL, "empty value" },
	{ "v=STSv1; id=a\x01", NULL, "printable ASCII" },
	{ "v=STSv1; id=a\xc3\xa9", NULL, "printable ASCII" },
};

START_TEST(test_record_grammar)
{
	char		 id[MTASTS_ID_MAX + 1];
	struct err	 err;
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(rec_cases) / sizeof(rec_cases[0]); i++) {
		err_clear(&err);
		rc = mtasts_parse(rec_cases[i].text, strlen(rec_cases[i].text),
		    id, &err);
		if (rec_cases[i].error == NULL) {
			ck_assert_msg(rc == 0, "'%s': %s", rec_cases[i].text,
			    err.msg);
			ck_assert_str_eq(id, rec_cases[i].id);
		} else {
			ck_assert_msg(rc == -1, "'%s' parsed",
			    rec_cases[i].text);
			ck_assert_msg(strstr(err.msg, rec_cases[i].error) !=
			    NULL, "'%s': %s", rec_cases[i].text, err.msg);
		}
	}
	/* A NUL is a byte of the record, never its end. */
	err_clear(&err);
	ck_assert_int_eq(mtasts_parse("v=STSv1; id=a\0b", 15, id, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "NUL"));
}
END_TEST

START_TEST(test_check_and_kind)
{
	struct diags	 d = DIAGS_INIT;
	enum record_kind k;

	mtasts_check_bytes("v=STSv1; id=abc", 15, "_mta-sts.example.com", &d);
	ck_assert_uint_eq(d.n, 0);
	mtasts_check_bytes("v=STSv1; id=abc; ext=1", 22, NULL, &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_uint_eq(d.nerrors, 0);
	ck_assert_str_eq(d.v[0].msg, "MTA-STS record: the field 'ext' is not "
	    "one RFC 8461 defines; senders ignore it");
	diags_release(&d);
	mtasts_check_bytes("v=STSv1; id=a_b", 15, "x", &d);
	ck_assert_uint_eq(d.nerrors, 1);
	diags_release(&d);

	ck_assert_int_eq(record_kind_parse("MTA-STS", &k), 0);
	ck_assert_int_eq(k, RECORD_MTA_STS);
	ck_assert_str_eq(record_kind_name(RECORD_MTA_STS), "MTA-STS");
	ck_assert(record_kind_owns(k, "v=STSv1; id=1"));
	ck_assert(record_kind_owns(k, " V = stsv1"));
	ck_assert(!record_kind_owns(k, "v=STSv10; id=1"));
	ck_assert(!record_kind_owns(k, "v=spf1 -all"));
	ck_assert(!record_kind_owns(k, "google-site-verification=x"));
	ck_assert(record_kind_equivalent(k, "v=STSv1;id=abc;", 15,
	    "v=STSv1; id=abc"));
	ck_assert(!record_kind_equivalent(k, "v=STSv1; id=abd", 15,
	    "v=STSv1; id=abc"));
	ck_assert(!record_kind_equivalent(k, "v=STSv1; id=ABC", 15,
	    "v=STSv1; id=abc"));
	ck_assert(!record_kind_equivalent(k, "v=STSv1; id=abc\0", 16,
	    "v=STSv1; id=abc"));
}
END_TEST

/* Each config error, with its line, column and message. */
static const struct {
	const char	*yaml;		/* after HEAD */
	int		 line, col;
	const char	*msg;
} bad[] = {
	{ "      mx: [mail.example.com]\n", 4, 5,
	    "domains.example.com.mta_sts.mode: required key is missing; one "
	    "of enforce, testing, none" },
	{ "      mode: enforce\n", 4, 5,
	    "domains.example.com.mta_sts.mx: required key is missing; the MX "
	    "hosts senders may deliver to, as a list of patterns such as "
	    "mail.example.com or *.example.net (RFC 8461 §3.2)" },
	{ "      mode: testing\n      mx: []\n", 6, 11,
	    "domains.example.com.mta_sts.mx: expected at least one MX host "
	    "pattern, such as mail.example.com or *.example.net" },
	{ "      mode: strict\n      mx: [a.example.com]\n", 5, 13, NULL },
	{ "      mode: enforce\n      mx: [a.example.com, \"a.*.example."
	    "com\"]\n", 6, 27,
	    "domains.example.com.mta_sts.mx[1]: 'a.*.example.com': a "
	    "wildcard may only be the whole leftmost label, as in "
	    "'*.example.net' (RFC 8461 §3.2)" },
	{ "      mode: enforce\n      mx: [a.example.com, A.example.com.]\n",
	    6, 27,
	    "domains.example.com.mta_sts.mx[1]: 'a.example.com' is listed "
	    "twice (first at line 6)" },
	{ "      mode: none\n      max_age: 31557601\n", 6, 16, NULL },
	{ "      mode: none\n      max_age: -1\n", 6, 16, NULL },
	{ "      mode: none\n      maxage: 1\n", 6, 7, NULL },
};

START_TEST(test_config_errors)
{
	char	*text = xasprintf(HEAD "%s", bad[_i].yaml);

	test_config_error(text, bad[_i].line, bad[_i].col, bad[_i].msg,
	    "domains.example.com.mta_sts.");
	free(text);
}
END_TEST

/* The limits of max_age, exactly; the default; mode none without mx. */
START_TEST(test_config_limits)
{
	static const struct {
		const char	*yaml;
		long		 max_age;
	} ok[] = {
		{ "      mode: none\n      max_age: 31557600\n", 31557600 },
		{ "      mode: none\n      max_age: 0\n", 0 },
		{ "      mode: none\n", MTASTS_MAX_AGE_DEFAULT },
		{ "      mode: none\n      mx: [mail.example.com]\n",
		    MTASTS_MAX_AGE_DEFAULT },
	};
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;
	size_t		 i;
	char		*text;

	ck_assert_int_eq(MTASTS_MAX_AGE_DEFAULT, 604800);
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		text = xasprintf(HEAD "%s", ok[i].yaml);
		ck_assert_msg(cfg_load_string(&cfg, "m.yaml", text,
		    strlen(text), &d) == 0, "%zu: %s", i, d.n ? d.v[0].msg :
		    "");
		ck_assert(cfg.domains[0].mta_sts.present);
		ck_assert_int_eq(cfg.domains[0].mta_sts.spec.max_age,
		    ok[i].max_age);
		ck_assert_int_eq(cfg.domains[0].mta_sts.spec.mode,
		    MTASTS_MODE_NONE);
		cfg_release(&cfg);
		diags_release(&d);
		free(text);
	}
	/* Unicode patterns are kept in A-labels, lower case. */
	text = xasprintf(HEAD "      mode: testing\n      mx: [\"*.Bücher."
	    "example\"]\n");
	ck_assert_int_eq(cfg_load_string(&cfg, "m.yaml", text, strlen(text),
	    &d), 0);
	ck_assert_str_eq(cfg.domains[0].mta_sts.spec.mx[0],
	    "*.xn--bcher-kva.example");
	cfg_release(&cfg);
	diags_release(&d);
	free(text);
}
END_TEST

Suite *
mtasts_suite(void)
{
	Suite	*s = suite_create("mtasts");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_policy_exact);
	tcase_add_test(tc, test_id);
	tcase_add_test(tc, test_id_follows_policy);
	tcase_add_test(tc, test_record_is_policy_id);
	tcase_add_test(tc, test_mx_patterns);
	tcase_add_test(tc, test_record_grammar);
	tcase_add_test(tc, test_check_and_kind);
	tcase_add_loop_test(tc, test_config_errors, 0,
	    sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_config_limits);
	suite_add_tcase(s, tc);
	return s;
}
