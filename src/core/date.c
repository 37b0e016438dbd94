/*
 * date.c - calendar days <-> YYYY-MM-DD (proleptic Gregorian, 1970 to
 * 9999), for the config, plans, the rollout gate, reports and the command
 * line.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/date.h"
#include "mailauth/err.h"

static const char *const month_names[] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December"
};

static int
is_leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_len(long y, int m)
{
	static const int	 len[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Days from 0001-01-01 to the first of January of y. */
static long
days_before_year(long y)
{
	y--;
	return y * 365 + y / 4 - y / 100 + y / 400;
}

int
date_is_shaped(const char *s)
{
	static const char	 pat[] = "dddd-dd-dd";
	size_t			 i;

	if (strlen(s) != sizeof(pat) - 1)
		return 0;
	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? !isdigit((unsigned char)s[i]) :
		    s[i] != pat[i])
			return 0;
	return 1;
}

int
date_parse(const char *s, long *day, struct err *err)
{
	long	 y;
	int	 m, d, i;

	if (!date_is_shaped(s))
		return err_set(err, "'%s' is not a date written YYYY-MM-DD",
		    s);
	y = strtol(s, NULL, 10);
	m = (s[5] - '0') * 10 + s[6] - '0';
	d = (s[8] - '0') * 10 + s[9] - '0';
	if (y < 1970)
		return err_set(err, "'%s' is out of range: dates run from "
		    "1970-01-01 to 9999-12-31", s);
	if (m < 1 || m > 12)
		return err_set(err, "'%s' is not a date: there is no month %d",
		    s, m);
	if (d == 0)
		return err_set(err, "'%s' is not a date: there is no day 0", s);
	if (d > month_len(y, m))
		return err_set(err, "'%s' is not a date: %s %ld has %d days",
		    s, month_names[m - 1], y, month_len(y, m));
	*day = days_before_year(y) - days_before_year(1970);
	for (i = 1; i < m; i++)
		*day += month_len(y, i);
	*day += d - 1;
	return 0;
}

void
date_format(long day, char out[11])
{
	long	 y = 1970, base = days_before_year(1970);
	int	 m = 1;

	if (day < 0)
		day = 0;
	if (day > DATE_DAY_MAX)
		day = DATE_DAY_MAX;
	y += day / 366;
	while (days_before_year(y + 1) - base <= day)
		y++;
	day -= days_before_year(y) - base;
	while (day >= month_len(y, m))
		day -= month_len(y, m++);
	/* y is 1970 to 9999 and day 0 to 30 here; the compiler cannot
	 * tell, so the bounds are spelt out. */
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned int)(y % 10000),
	    (unsigned int)m % 100, (unsigned int)(day + 1) % 100);
}
