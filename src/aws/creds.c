/*
 * creds.c - AWS credentials and what their sources share: the environment,
 * token files, credentials as JSON, their expiration, the settings of an
 * STS role request, the source interface, and the provider that refreshes
 * credentials before they lapse.  Every copy of a secret is wiped before it is freed.
 */
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/profile.h"
#include "mailauth/sts.h"

/* Fetching may fail while the current credentials still hold this long. */
#define GRACE_S		60
#define DURATION_MIN	900
#define DURATION_MAX	43200

const char *
aws_env_get(env_lookup_fn fn, void *ctx, const char *name)
{
	const char	*v = fn(ctx, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

int
aws_env_true(env_lookup_fn fn, void *ctx, const char *name)
{
	const char	*v = aws_env_get(fn, ctx, name);

	return v != NULL && strcasecmp(v, "true") == 0;
}

char *
aws_path_expand_home(env_lookup_fn fn, void *ctx, const char *path)
{
	const char	*home;

	if (path[0] != '~' || (path[1] != '\0' && path[1] != '/'))
		return xstrdup(path);
	if ((home = aws_env_get(fn, ctx, "HOME")) == NULL)
		return NULL;
	return xasprintf("%s%s", home, path + 1);
}

char *
aws_token_file_read(env_lookup_fn fn, void *ctx, const char *file,
    const char *what, struct err *err)
{
	struct buf	 b = BUF_INIT;
	FILE		*f = NULL;
	char		*path, chunk[4096], *tok = NULL;
	size_t		 n;

	if ((path = aws_path_expand_home(fn, ctx, file)) == NULL) {
		err_set(err, "cannot read '%s' (%s): HOME is not set", file,
		    what);
		return NULL;
	}
	if ((f = fopen(path, "r")) == NULL) {
		err_set(err, "cannot read '%s' (%s): %s", path, what,
		    strerror(errno));
		goto out;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (b.len + n > AWS_TOKEN_MAX) {
			err_set(err, "'%s' (%s) is larger than %d KiB", path,
			    what, AWS_TOKEN_MAX / 1024);
			goto out;
		}
		buf_add(&b, chunk, n);
	}
	if (ferror(f)) {
		err_set(err, "cannot read '%s' (%s): %s", path, what,
		    strerror(errno));
		goto out;
	}
	while (b.len > 0 && strchr(" \t\r\n", b.data[b.len - 1]) != NULL)
		b.data[--b.len] = '\0';
	if (b.len == 0 || memchr(b.data, '\0', b.len) != NULL) {
		err_set(err, "'%s' (%s) holds no token", path, what);
		goto out;
	}
	tok = xstrdup(b.data);
out:
	if (f != NULL)
		fclose(f);
	OPENSSL_cleanse(chunk, sizeof(chunk));
	if (b.data != NULL)
		OPENSSL_cleanse(b.data, b.cap);
	buf_release(&b);
	free(path);
	return tok;
}

void
aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src->access_key_id != NULL)
		dst->access_key_id = xstrdup(src->access_key_id);
	if (src->secret_access_key != NULL)
		dst->secret_access_key = xstrdup(src->secret_access_key);
	if (src->session_token != NULL)
		dst->session_token = xstrdup(src->session_token);
}

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

/* ---- JSON ---------------------------------------------------------------- */

/* Wipes every string of the tree before it is deleted. */
static void
json_wipe(cJSON *j)
{
	for (; j != NULL; j = j->next) {
		if (j->valuestring != NULL)
			OPENSSL_cleanse(j->valuestring, strlen(j->valuestring));
		json_wipe(j->child);
	}
}

/* Sets *out to the string member name of o, NULL when it is absent or
 * null; -1 with err naming it when it is not a string, or is required
 * and absent or empty. */
static int
member(const cJSON *o, const char *name, int required, const char **out,
    struct err *err)
{
	const cJSON	*m = cJSON_GetObjectItemCaseSensitive(o, name);

	*out = NULL;
	if (m == NULL || cJSON_IsNull(m))
		return required ? err_set(err, "\"%s\" is missing", name) : 0;
	if (!cJSON_IsString(m))
		return err_set(err, "\"%s\" is not a string", name);
	if (required && *m->valuestring == '\0')
		return err_set(err, "\"%s\" is empty", name);
	*out = m->valuestring;
	return 0;
}

static int
parse_json(const cJSON *o, enum aws_json_form form, struct aws_creds *creds,
    time_t *expiration, struct err *err)
{
	const cJSON	*version, *code;
	const char	*id, *secret, *token, *exp;

	if (!cJSON_IsObject(o))
		return err_set(err, "not a JSON object");
	if (form == AWS_JSON_PROCESS) {
		version = cJSON_GetObjectItemCaseSensitive(o, "Version");
		if (version == NULL)
			return err_set(err, "\"Version\" is missing (it must be "
			    "1)");
		if (!cJSON_IsNumber(version) || version->valuedouble != 1.0)
			return err_set(err, "\"Version\" must be 1");
	} else if ((code = cJSON_GetObjectItemCaseSensitive(o, "Code")) !=
	    NULL && (!cJSON_IsString(code) ||
	    strcmp(code->valuestring, "Success") != 0))
		return err_set(err, "\"Code\" is not \"Success\"");
	if (member(o, "AccessKeyId", 1, &id, err) == -1 ||
	    member(o, "SecretAccessKey", 1, &secret, err) == -1 ||
	    member(o, form == AWS_JSON_PROCESS ? "SessionToken" : "Token", 0,
	    &token, err) == -1 ||
	    member(o, "Expiration", form == AWS_JSON_METADATA, &exp, err) == -1)
		return -1;
	*expiration = 0;
	if (exp != NULL && aws_time_parse(exp, expiration) == -1)
		return err_set(err, "\"Expiration\" '%.40s' is not an ISO 8601 "
		    "time", exp);
	creds->access_key_id = xstrdup(id);
	creds->secret_access_key = xstrdup(secret);
	if (token != NULL && *token != '\0')
		creds->session_token = xstrdup(token);
	return 0;
}

int
aws_creds_parse_json(const char *json, size_t len, enum aws_json_form form,
    struct aws_creds *creds, time_t *expiration, struct err *err)
{
	cJSON	*o;
	int	 rc;

	memset(creds, 0, sizeof(*creds));
	*expiration = 0;
	if ((o = cJSON_ParseWithLength(json != NULL ? json : "", len)) == NULL)
		return err_set(err, "not valid JSON");
	rc = parse_json(o, form, creds, expiration, err);
	json_wipe(o);
	cJSON_Delete(o);
	return rc;
}

/* ---- answers and roles ------------------------------------------------------ */

void
aws_creds_answer_release(struct aws_creds_answer *ans)
{
	aws_creds_release(&ans->creds);
	buf_release(&ans->from);
	ans->expiration = 0;
}

void
aws_creds_answer_take(struct aws_creds_answer *ans, struct sts_session *s)
{
	ans->creds = s->creds;
	ans->expiration = s->expiration;
	memset(&s->creds, 0, sizeof(s->creds));
	sts_session_release(s);
}

int
aws_creds_role_settings(const struct aws_profile *p, const char *session,
    time_t now, struct sts_assume_role *ar, char **name, struct err *err)
{
	const char	*v = aws_profile_get(p, "duration_seconds");
	char		*end;
	long		 d = 0;

	*name = NULL;
	if (v != NULL) {
		errno = 0;
		d = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || d < DURATION_MIN ||
		    d > DURATION_MAX)
			return err_set(err, "profile '%s': duration_seconds "
			    "must be a number of seconds from %d to %d, got "
			    "'%.40s'", p->name, DURATION_MIN, DURATION_MAX, v);
	}
	ar->duration_s = d;
	*name = session != NULL ? xstrdup(session) :
	    xasprintf("mailauth-%lld", (long long)now);
	ar->session_name = *name;
	return 0;
}

/* ---- sources ---------------------------------------------------------------- */

struct aws_creds_source *
aws_creds_source_new(const char *name, const struct aws_creds_setup *s,
    aws_creds_get_fn get, void (*release)(void *), void *impl)
{
	struct aws_creds_source	*src = xcalloc(1, sizeof(*src));

	src->name = name;
	src->get = get;
	src->release = release;
	src->impl = impl;
	src->setup = s;
	return src;
}

void
aws_creds_source_free(struct aws_creds_source *src)
{
	if (src == NULL)
		return;
	if (src->release != NULL)
		src->release(src->impl);
	free(src);
}

int
aws_creds_source_ask(aws_creds_source_open_fn open,
    const struct aws_creds_setup *s, time_t now,
    struct aws_creds_source **out, struct aws_creds_answer *ans,
    struct buf *why, struct err *err)
{
	struct aws_creds_source	*src;
	int			 rc;

	memset(ans, 0, sizeof(*ans));
	if (out != NULL)
		*out = NULL;
	if ((rc = open(s, &src, why, err)) != 1)
		return rc;
	if ((rc = src->get(src, now, ans, why, err)) != 1) {
		aws_creds_answer_release(ans);
		aws_creds_source_free(src);
		return rc;
	}
	if (ans->from.len == 0)
		buf_adds(&ans->from, src->name);
	if (out != NULL)
		*out = src;
	else
		aws_creds_source_free(src);
	return 1;
}

/* ---- the provider ---------------------------------------------------------- */

static int
lapsed(const struct aws_creds_provider *p, time_t now, time_t margin)
{
	return p->creds.access_key_id == NULL ||
	    (p->expiration != 0 && now + margin >= p->expiration);
}

int
aws_creds_provider_get(struct aws_creds_provider *p, time_t now,
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

void
aws_creds_provider_free(struct aws_creds_provider *p)
{
	if (p == NULL)
		return;
	aws_creds_release(&p->creds);
	if (p->ctx_free != NULL)
		p->ctx_free(p->ctx);
	free(p->source);
	free(p);
}
