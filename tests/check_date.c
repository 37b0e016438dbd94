/*
 * check_date.c - calendar days <-> YYYY-MM-DD: known days, every day from
 * 1970 to 9999 round trip, and the messages for what is not a date.
 */
#include <check.h>
#include <string.h>

#include "mailauth/date.h"
#include "mailauth/err.h"
#include "testutil.h"

START_TEST(dates_known)
{
	char	 out[11];

	ck_assert_int_eq(test_day("1970-01-01"), 0);
	ck_assert_int_eq(test_day("1970-12-31"), 364);
	ck_assert_int_eq(test_day("1972-03-01"), 365 + 365 + 31 + 29);
	ck_assert_int_eq(test_day("2000-03-01"), 11017);
	ck_assert_int_eq(test_day("2026-12-01"), 20788);
	ck_assert_int_eq(test_day("2027-01-05") - test_day("2026-12-01"), 35);
	ck_assert_int_eq(test_day("2028-03-01") - test_day("2028-02-28"), 2);
	ck_assert_int_eq(test_day("2100-03-01") - test_day("2100-02-28"), 1);
	ck_assert_int_eq(test_day("9999-12-31"), DATE_DAY_MAX);
	date_format(0, out);
	ck_assert_str_eq(out, "1970-01-01");
	date_format(test_day("2024-02-29"), out);
	ck_assert_str_eq(out, "2024-02-29");
	date_format(DATE_DAY_MAX, out);
	ck_assert_str_eq(out, "9999-12-31");
}
END_TEST

/* Every day from 1970 to 9999 formats and parses back to itself, and
 * consecutive days are consecutive dates. */
START_TEST(dates_round_trip)
{
	char	 out[11], prev[11] = "";
	long	 d, back = -1;

	/* Asserting once, at the first failure: Check records every passed
	 * assertion, which would cost more than the check itself. */
	for (d = 0; d <= DATE_DAY_MAX; d++) {
		date_format(d, out);
		if (date_parse(out, &back, NULL) == -1 || back != d ||
		    strcmp(prev, out) >= 0)
			break;
		memcpy(prev, out, sizeof(out));
	}
	ck_assert_msg(d == DATE_DAY_MAX + 1, "day %ld: '%s' -> %ld, after "
	    "'%s'", d, out, back, prev);
}
END_TEST

static const struct {
	const char	*text;
	const char	*msg;
} bad_dates[] = {
	{ "2027-02-29", "'2027-02-29' is not a date: February 2027 has 28 "
	  "days" },
	{ "1900-02-29", "'1900-02-29' is out of range: dates run from "
	  "1970-01-01 to 9999-12-31" },
	{ "2100-02-29", "'2100-02-29' is not a date: February 2100 has 28 "
	  "days" },
	{ "2026-00-10", "'2026-00-10' is not a date: there is no month 0" },
	{ "2026-06-31", "'2026-06-31' is not a date: June 2026 has 30 days" },
	{ "2026-06-00", "'2026-06-00' is not a date: there is no day 0" },
	{ "26-06-01", "'26-06-01' is not a date written YYYY-MM-DD" },
	{ "2026/06/01", "'2026/06/01' is not a date written YYYY-MM-DD" },
	{ "2026-06-01T00:00:00Z", "'2026-06-01T00:00:00Z' is not a date "
	  "written YYYY-MM-DD" },
	{ "+026-06-01", "'+026-06-01' is not a date written YYYY-MM-DD" },
	{ "", "'' is not a date written YYYY-MM-DD" },
};

START_TEST(dates_refused)
{
	struct err	 err;
	long		 day = 12345;

	err_clear(&err);
	ck_assert_int_eq(date_parse(bad_dates[_i].text, &day, &err), -1);
	ck_assert_str_eq(err.msg, bad_dates[_i].msg);
	ck_assert_int_eq(day, 12345);
}
END_TEST

Suite *
date_suite(void)
{
	Suite	*s = suite_create("date");
	TCase	*tc = tcase_create("dates");

	tcase_add_test(tc, dates_known);
	tcase_add_test(tc, dates_round_trip);
	tcase_add_loop_test(tc, dates_refused, 0,
	    (int)(sizeof(bad_dates) / sizeof(bad_dates[0])));
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
