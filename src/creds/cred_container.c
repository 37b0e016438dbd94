/*
 * cred_container.c - container credentials (ECS, CodeBuild, EKS Pod
 * Identity), step 5 of the chain and credential_source EcsContainer:
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI, with the
 * authorization token of AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or
 * AWS_CONTAINER_AUTHORIZATION_TOKEN.  The exchange itself is
 * aws_container_fetch() (metadata.c).
 */
#include <stdlib.h>

#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"
#include "mailauth/metadata.h"

/* impl: the settings, copied. */
struct container {
	char	*url;
	char	*token_file;	/* read at each get: tokens rotate */
	char	*token;		/* when there is no token file */
};

static void
container_release(void *impl)
{
	struct container	*c = impl;

	free(c->url);
	free(c->token_file);
	aws_secret_free(c->token);
	free(c);
}

static int
container_get(struct aws_creds_source *src, time_t now,
    struct aws_creds_answer *ans, struct buf *why, struct err *err)
{
	const struct aws_creds_setup	*s = src->setup;
	const struct container		*c = src->impl;
	char				*token = NULL;
	int				 rc = -1;

	(void)now;
	(void)why;
	if (c->token_file != NULL) {
		if ((token = aws_token_file_read(s->env, s->env_ctx,
		    c->token_file, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
		    err)) == NULL)
			goto out;
	} else if (c->token != NULL)
		token = xstrdup(c->token);
	if (s->metadata == NULL) {
		err_set(err, "not asked");
		goto out;
	}
	if (aws_container_fetch(s->metadata, c->url, token, &ans->creds,
	    &ans->expiration, err) == -1)
		goto out;
	rc = 1;
out:
	if (rc == -1)
		err_prefix(err, "container");
	aws_secret_free(token);
	return rc;
}

int
aws_creds_container_open(const struct aws_creds_setup *s,
    struct aws_creds_source **out, struct buf *why, struct err *err)
{
	const char		*rel, *full, *v;
	struct container	*c;

	*out = NULL;
	rel = aws_env_get(s->env, s->env_ctx,
	    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	full = aws_env_get(s->env, s->env_ctx,
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	if (rel == NULL && full == NULL) {
		buf_adds(why, "container: "
		    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
		    "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set");
		return 0;
	}
	if (rel != NULL && rel[0] != '/')
		return err_set(err, "container: "
		    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI '%s' does not start "
		    "with '/'", rel);
	if (rel == NULL && !aws_container_url_allowed(full))
		return err_set(err, "container: "
		    "AWS_CONTAINER_CREDENTIALS_FULL_URI '%s' is neither https:// "
		    "nor http:// to a loopback address or the container "
		    "credentials host", full);
	c = xcalloc(1, sizeof(*c));
	c->url = rel != NULL ? xasprintf("http://" AWS_CONTAINER_HOST "%s",
	    rel) : xstrdup(full);
	if ((v = aws_env_get(s->env, s->env_ctx,
	    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) != NULL)
		c->token_file = xstrdup(v);
	else if ((v = aws_env_get(s->env, s->env_ctx,
	    "AWS_CONTAINER_AUTHORIZATION_TOKEN")) != NULL)
		c->token = xstrdup(v);
	*out = aws_creds_source_new("container", s, container_get,
	    container_release, c);
	return 1;
}
