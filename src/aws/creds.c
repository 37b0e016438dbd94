/*
 * creds.c - AWS credentials from the environment, wiped when released.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"

#define KEY_ID		"AWS_ACCESS_KEY_ID"
#define SECRET		"AWS_SECRET_ACCESS_KEY"
#define TOKEN		"AWS_SESSION_TOKEN"

/* The variable's value, or NULL when it is unset or empty, as the AWS CLI
 * and SDKs take an empty variable. */
static const char *
lookup(env_lookup_fn fn, void *ctx, const char *name)
{
	const char	*v = fn(ctx, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

int
aws_creds_from_env(struct aws_creds *creds, env_lookup_fn fn, void *ctx,
    struct err *err)
{
	const char	*id, *secret, *token;

	memset(creds, 0, sizeof(*creds));
	id = lookup(fn, ctx, KEY_ID);
	secret = lookup(fn, ctx, SECRET);
	token = lookup(fn, ctx, TOKEN);
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

static void
wipe(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}

void
aws_creds_release(struct aws_creds *creds)
{
	wipe(creds->access_key_id);
	wipe(creds->secret_access_key);
	wipe(creds->session_token);
	memset(creds, 0, sizeof(*creds));
}
