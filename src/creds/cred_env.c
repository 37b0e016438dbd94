/*
 * cred_env.c - the environment keys: AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, step 2 of the chain and
 * credential_source Environment.
 */
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"

#define KEY_ID		"AWS_ACCESS_KEY_ID"
#define SECRET		"AWS_SECRET_ACCESS_KEY"
#define TOKEN		"AWS_SESSION_TOKEN"

int
aws_creds_from_env(struct aws_creds *creds, env_lookup_fn fn, void *ctx,
    struct err *err)
{
	const char	*id, *secret, *token;

	memset(creds, 0, sizeof(*creds));
	id = aws_env_get(fn, ctx, KEY_ID);
	secret = aws_env_get(fn, ctx, SECRET);
	token = aws_env_get(fn, ctx, TOKEN);
	if (id == NULL && secret == NULL)
		return err_set(err, "no AWS credentials: set " KEY_ID " and "
		    SECRET);
	if (id == NULL)
		return err_set(err, "no AWS credentials: " SECRET " is set but "
		    KEY_ID " is not");
	if (secret == NULL)
		return err_set(err, "no AWS credentials: " KEY_ID " is set but "
		    SECRET " is not");
	creds->access_key_id = xstrdup(id);
	creds->secret_access_key = xstrdup(secret);
	if (token != NULL)
		creds->session_token = xstrdup(token);
	return 0;
}

/* The environment is read again at each get. */
static int
env_get(struct aws_creds_source *src, time_t now,
    struct aws_creds_answer *ans, struct buf *why, struct err *err)
{
	(void)now;
	(void)why;
	if (aws_creds_from_env(&ans->creds, src->setup->env,
	    src->setup->env_ctx, err) == -1)
		return -1;
	return 1;
}

int
aws_creds_env_open(const struct aws_creds_setup *s,
    struct aws_creds_source **out, struct buf *why, struct err *err)
{
	(void)err;
	*out = NULL;
	if (s->profile_option) {
		buf_adds(why, "environment: not read, as --profile was given");
		return 0;
	}
	if (aws_env_get(s->env, s->env_ctx, KEY_ID) == NULL &&
	    aws_env_get(s->env, s->env_ctx, SECRET) == NULL) {
		buf_adds(why, "environment: " KEY_ID " and " SECRET " are not "
		    "set");
		return 0;
	}
	*out = aws_creds_source_new("environment", s, env_get, NULL, NULL);
	return 1;
}
