/*
 * date.h - calendar days: the number of days since 1970-01-01, the
 * calendar being the proleptic Gregorian one and the day UTC's.  Dates in
 * mailauth.yaml, on the command line, in plans and in reports are written
 * YYYY-MM-DD, years 1970 to 9999.
 */
#ifndef MAILAUTH_DATE_H
#define MAILAUTH_DATE_H

struct err;

#define DATE_DAY_MAX	2932896L	/* 9999-12-31 */

/* 1 when s is written dddd-dd-dd (digits where d stands), else 0: the
 * shape of a date, whether or not it is a real one. */
int	date_is_shaped(const char *s);

/*
 * Parses a date written YYYY-MM-DD (exactly: four digits, '-', two, '-',
 * two) that is a real calendar date from 1970-01-01 to 9999-12-31 into
 * *day.  Returns -1 otherwise, *day untouched, with err (may be NULL)
 * saying why, e.g. "'2027-02-29' is not a date: February 2027 has 28 days".
 */
int	date_parse(const char *s, long *day, struct err *err);

/* Writes day as YYYY-MM-DD and a NUL into out; a day outside 0 to
 * DATE_DAY_MAX is taken as the nearest of the two. */
void	date_format(long day, char out[11]);

#endif
