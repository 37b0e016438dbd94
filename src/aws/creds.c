/*
 * creds.c - AWS credentials: copies, their release, the expiration times
 * AWS writes, and the provider that refreshes credentials before they
 * lapse.  Every copy of a secret is wiped before it is freed.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"

/* Fetching may fail while the current credentials still hold this long. */
#define GRACE_S		60

void
aws_secret_free(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

void
aws_creds_release(struct aws_creds *creds)
{
	aws_secret_free(creds->access_key_id);
	aws_secret_free(creds->secret_access_key);
	aws_secret_free(creds->session_token);
	memset(creds, 0, sizeof(*creds));
}

/* ---- time ---------------------------------------------------------------- */

/* n decimal digits at s, or -1. */
static int
digits(const char *s, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
aws_time_parse(const char *s, time_t *out)
{
	static const int	 mdays[] = {
		31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	struct tm		 tm;
	int			 y, mo, d, h, mi, sec, oh, om, sign;
	time_t			 t;

	if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
	    s[16] != ':')
		return -1;
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	h = digits(s + 11, 2);
	mi = digits(s + 14, 2);
	sec = digits(s + 17, 2);
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
	    h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 60)
		return -1;
	s += 19;
	if (*s == '.') {
		if (s[1] < '0' || s[1] > '9')
			return -1;
		for (s++; *s >= '0' && *s <= '9'; s++)
			;
	}
	oh = om = 0;
	sign = 1;
	if ((*s == 'Z' || *s == 'z') && s[1] == '\0')
		;
	else if (*s == '+' || *s == '-') {
		sign = *s == '-' ? -1 : 1;
		oh = digits(s + 1, 2);
		if (oh < 0)
			return -1;
		s += 3;
		if (*s == ':')
			s++;
		om = digits(s, 2);
		if (om < 0 || oh > 23 || om > 59 || s[2] != '\0')
			return -1;
	} else
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	*out = t - sign * (oh * 3600 + om * 60);
	return 0;
}

void
aws_time_format(time_t t, char out[21])
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(out, 21, "%s", "(an impossible time)");
}

/* ---- the provider ---------------------------------------------------------- */

static int
lapsed(const struct aws_creds_provider *p, time_t now, time_t margin)
{
	return p->creds.access_key_id == NULL ||
	    (p->expiration != 0 && now + margin >= p->expiration);
}

struct aws_creds_provider *
aws_creds_provider_new(void)
{
	struct aws_creds_provider	*p = xcalloc(1, sizeof(*p));

	/* Fails only when memory is short, as xcalloc() does. */
	if (pthread_mutex_init(&p->lock, NULL) != 0) {
		fputs("mailauth: out of memory\n", stderr);
		exit(1);
	}
	return p;
}

/* aws_creds_provider_get() with p->lock held. */
static int
get_locked(struct aws_creds_provider *p, time_t now,
    const struct aws_creds **creds, struct err *err)
{
	struct aws_creds	 fresh;
	struct err		 e;
	time_t			 exp = 0;
	char			 when[21];

	*creds = NULL;
	if (!lapsed(p, now, AWS_CREDS_REFRESH_S)) {
		*creds = &p->creds;
		return 0;
	}
	err_clear(&e);
	if (p->fetch(p->ctx, now, &fresh, &exp, &e) == -1) {
		if (!lapsed(p, now, GRACE_S)) {
			*creds = &p->creds;
			return 0;
		}
		if (err != NULL) {
			*err = e;
			err_prefix(err, "cannot %s the AWS credentials from %s",
			    p->creds.access_key_id != NULL ? "refresh" : "get",
			    p->source);
		}
		return -1;
	}
	if (exp != 0 && exp <= now) {
		aws_creds_release(&fresh);
		aws_time_format(exp, when);
		return err_set(err, "the AWS credentials from %s expired at "
		    "%s", p->source, when);
	}
	aws_creds_release(&p->creds);
	p->creds = fresh;
	p->expiration = exp;
	*creds = &p->creds;
	return 0;
}

int
aws_creds_provider_get(struct aws_creds_provider *p, time_t now,
    const struct aws_creds **creds, struct err *err)
{
	int	 rc;

	pthread_mutex_lock(&p->lock);
	rc = get_locked(p, now, creds, err);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static char *
dup_secret(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
copy_creds(const struct aws_creds *from, struct aws_creds *out)
{
	out->access_key_id = dup_secret(from->access_key_id);
	out->secret_access_key = dup_secret(from->secret_access_key);
	out->session_token = dup_secret(from->session_token);
}

int
aws_creds_provider_copy(struct aws_creds_provider *p, time_t now,
    struct aws_creds *out, struct err *err)
{
	const struct aws_creds	*c;
	int			 rc;

	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&p->lock);
	if ((rc = get_locked(p, now, &c, err)) == 0)
		copy_creds(c, out);
	pthread_mutex_unlock(&p->lock);
	return rc;
}

void
aws_creds_provider_peek(struct aws_creds_provider *p, struct aws_creds *out)
{
	memset(out, 0, sizeof(*out));
	pthread_mutex_lock(&p->lock);
	copy_creds(&p->creds, out);
	pthread_mutex_unlock(&p->lock);
}

void
aws_creds_provider_free(struct aws_creds_provider *p)
{
	if (p == NULL)
		return;
	aws_creds_release(&p->creds);
	if (p->ctx_free != NULL)
		p->ctx_free(p->ctx);
	free(p->source);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
