/*
 * check_kinds.c - the table of record kinds (src/desired/kinds.c): names
 * both ways, which live values each kind owns, equivalence, checks and
 * how each kind's text becomes a Route 53 value.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/desired.h"
#include "mailauth/diag.h"

Suite	*kinds_suite(void);

static const enum record_kind all[] = {
	RECORD_DMARC, RECORD_SPF, RECORD_DKIM, RECORD_MAIL_FROM
};

START_TEST(test_names)
{
	static const char *const names[] = { "DMARC", "SPF", "DKIM",
	    "MAIL FROM" };
	enum record_kind	 k;
	size_t			 i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		ck_assert_str_eq(record_kind_name(all[i]), names[i]);
		ck_assert_int_eq(record_kind_parse(names[i], &k), 0);
		ck_assert_int_eq(k, all[i]);
	}
	ck_assert_int_eq(record_kind_parse("dmarc", &k), -1);
	ck_assert_int_eq(record_kind_parse("", &k), -1);
	ck_assert_str_eq(record_kind_name((enum record_kind)99), "?");
}
END_TEST

/* The list a message offers names every kind, each parsing back. */
START_TEST(test_names_listed)
{
	struct buf		 b = BUF_INIT;
	enum record_kind	 k;
	char			*s, *p, *next;
	size_t			 n = 0;

	record_kind_names(&b);
	s = strdup(buf_str(&b));
	ck_assert_ptr_nonnull(strstr(s, "DMARC, SPF, DKIM, MAIL FROM"));
	for (p = s; p != NULL; p = next) {
		if ((next = strstr(p, ", ")) != NULL ||
		    (next = strstr(p, " or ")) != NULL) {
			*next = '\0';
			next += next[1] == ' ' ? 2 : 4;
		}
		ck_assert_msg(record_kind_parse(p, &k) == 0, "'%s'", p);
		ck_assert_str_eq(record_kind_name(k), p);
		ck_assert_int_eq(k, (enum record_kind)n);
		n++;
	}
	ck_assert_str_eq(record_kind_name((enum record_kind)n), "?");
	free(s);
	buf_release(&b);
}
END_TEST

START_TEST(test_owns_and_equivalent)
{
	ck_assert_int_eq(record_kind_owns(RECORD_DMARC, "v=DMARC1; p=none"),
	    1);
	ck_assert_int_eq(record_kind_owns(RECORD_DMARC, "v=spf1 -all"), 0);
	ck_assert_int_eq(record_kind_owns(RECORD_SPF, "v=spf1 -all"), 1);
	ck_assert_int_eq(record_kind_owns(RECORD_DKIM, "v=DKIM1; p="), 1);
	/* MAIL FROM owns its MX set, never a TXT value. */
	ck_assert_int_eq(record_kind_owns(RECORD_MAIL_FROM, "v=spf1 -all"),
	    0);
	ck_assert_int_eq(record_kind_owns((enum record_kind)99, "v=spf1"), 0);
	ck_assert_int_eq(record_kind_equivalent(RECORD_DMARC,
	    "v=DMARC1; p=none", 16, "v=DMARC1;p=NONE"), 1);
	ck_assert_int_eq(record_kind_equivalent(RECORD_SPF, "v=spf1 -all", 11,
	    "v=spf1  -all"), 1);
	/* Without a grammar: the same bytes only. */
	ck_assert_int_eq(record_kind_equivalent(RECORD_MAIL_FROM,
	    "10 a.example", 12, "10 a.example"), 1);
	ck_assert_int_eq(record_kind_equivalent(RECORD_MAIL_FROM,
	    "10 a.example", 12, "10  a.example"), 0);
	/* Live text is compared to its length: a NUL from "\000" makes
	 * another record of every kind, never the one mailauth writes. */
	ck_assert_int_eq(record_kind_equivalent(RECORD_DMARC,
	    "v=DMARC1; p=none\0; p=reject", 27, "v=DMARC1; p=none"), 0);
	ck_assert_int_eq(record_kind_equivalent(RECORD_SPF,
	    "v=spf1 -all\0 +all", 17, "v=spf1 -all"), 0);
	ck_assert_int_eq(record_kind_equivalent(RECORD_DKIM,
	    "v=DKIM1; p=\0", 12, "v=DKIM1; p="), 0);
	ck_assert_int_eq(record_kind_equivalent(RECORD_MAIL_FROM,
	    "10 a.example\0", 13, "10 a.example"), 0);
}
END_TEST

START_TEST(test_check_and_encode)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 b = BUF_INIT, spf = BUF_INIT;
	size_t		 n;

	record_kind_check(RECORD_SPF, "v=spf1 +all", 11, "x", &d);
	ck_assert_uint_gt(d.n, 0);
	diags_release(&d);
	/* The whole length is checked: the NUL does not cut off the +all
	 * (issue 16). */
	record_kind_check(RECORD_SPF, "v=spf1 -all\0 +all", 17, "x", &d);
	ck_assert_uint_eq(d.nerrors, 2);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "NUL byte at offset 11"));
	diags_release(&d);
	record_kind_check(RECORD_DMARC, "v=DMARC1; p=none\0", 17, "x", &d);
	ck_assert_uint_eq(d.nerrors, 1);
	diags_release(&d);
	record_kind_check(RECORD_DKIM, "v=DKIM1; p=\0", 12, "x", &d);
	ck_assert_uint_eq(d.nerrors, 1);
	diags_release(&d);
	record_kind_check(RECORD_MAIL_FROM, "anything", 8, "x", &d);
	ck_assert_uint_eq(d.n, 0);
	diags_release(&d);
	/* A long SPF record is split between terms, any other value at
	 * 255 bytes. */
	buf_adds(&spf, "v=spf1");
	for (n = 0; n < 30; n++)
		buf_adds(&spf, " ip4:192.0.2.1");
	buf_adds(&spf, " -all");
	record_kind_encode(RECORD_SPF, buf_str(&spf), &b);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "\" \" ip4:"));
	buf_reset(&b);
	record_kind_encode(RECORD_DMARC, buf_str(&spf), &b);
	ck_assert_ptr_null(strstr(buf_str(&b), "\" \" ip4:"));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "\" \""));
	buf_release(&b);
	buf_release(&spf);
}
END_TEST

Suite *
kinds_suite(void)
{
	Suite	*s = suite_create("kinds");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_names_listed);
	tcase_add_test(tc, test_owns_and_equivalent);
	tcase_add_test(tc, test_check_and_encode);
	suite_add_tcase(s, tc);
	return s;
}
