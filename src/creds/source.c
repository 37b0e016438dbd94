/*
 * source.c - what the credential sources share: the environment, token
 * files, credentials as JSON, the settings of an STS role request, and the
 * source interface.  Every copy of a secret is wiped before it is freed.
 */
#include <cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "mailauth/profile.h"
#include "mailauth/sts.h"

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
	char		*path, *tok = NULL;

	if ((path = aws_path_expand_home(fn, ctx, file)) == NULL) {
		err_set(err, "cannot read '%s' (%s): HOME is not set", file,
		    what);
		return NULL;
	}
	if (file_read_all(path, what, AWS_TOKEN_MAX, &b, err) == -1)
		goto out;
	while (b.len > 0 && strchr(" \t\r\n", b.data[b.len - 1]) != NULL)
		b.data[--b.len] = '\0';
	if (b.len == 0 || memchr(b.data, '\0', b.len) != NULL) {
		err_set(err, "'%s' (%s) holds no token", path, what);
		goto out;
	}
	tok = xstrdup(b.data);
out:
	buf_release_wiped(&b);
	free(path);
	return tok;
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

