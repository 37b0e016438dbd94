/*
 * chain.c - the credentials chain: the sources asked in the AWS SDKs'
 * order (chain.h, docs/credentials.md), what they share (the shared files,
 * the selected profile, STS), and the provider that asks the source that
 * answered again when its credentials are about to lapse.
 *
 * A source that is not configured is passed over with one reason noted; a
 * source that is configured but fails stops the search with its error.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"
#include "mailauth/profile.h"
#include "mailauth/sts.h"

#define DEFAULT_PROFILE	"default"

/* The sources, in the order they are asked (chain.h). */
#define SOURCE(open)	open,
static const aws_creds_source_open_fn sources[] = {
	AWS_CREDS_SOURCES(SOURCE)
};
#undef SOURCE

struct chain {
	struct aws_chain_opts	 o;
	struct aws_shared_files	 files;
	char			*profile;	/* the selected profile */
	const char		*profile_from;	/* "--profile", "AWS_PROFILE"
						 * or NULL (the default) */
	char			*region;
	char			*sts_endpoint;
	struct sts_client	 sts;
	struct aws_creds_setup	 setup;
	struct aws_creds_source	*source;	/* the one that answered */
};

/* The variable, or NULL when unset or empty. */
static const char *
env(const struct chain *c, const char *name)
{
	return aws_env_get(c->o.env, c->o.env_ctx, name);
}

/* The provider's fetch: the source that answered first, again. */
static int
fetch(void *ctx, time_t now, struct aws_creds *out, time_t *expiration,
    struct err *err)
{
	struct chain		*c = ctx;
	struct aws_creds_answer	 ans;
	struct buf		 why = BUF_INIT;
	int			 rc;

	memset(&ans, 0, sizeof(ans));
	rc = c->source->get(c->source, now, &ans, &why, err);
	if (rc == 0)
		err_set(err, "%s", buf_str(&why));
	buf_release(&why);
	if (rc != 1) {
		aws_creds_answer_release(&ans);
		return -1;
	}
	*out = ans.creds;
	*expiration = ans.expiration;
	buf_release(&ans.from);
	return 0;
}

static void
chain_free(void *ctx)
{
	struct chain	*c = ctx;

	if (c == NULL)
		return;
	aws_creds_source_free(c->source);
	aws_shared_files_release(&c->files);
	free(c->profile);
	free(c->region);
	free(c->sts_endpoint);
	if (c->o.owned_free != NULL)
		c->o.owned_free(c->o.owned);
	free(c);
}

/* The region as the AWS SDKs take it: AWS_REGION, AWS_DEFAULT_REGION,
 * the selected profile's region; NULL when none is set. */
static const char *
region_of(const struct chain *c)
{
	const char	*region;

	if ((region = env(c, "AWS_REGION")) == NULL &&
	    (region = env(c, "AWS_DEFAULT_REGION")) == NULL)
		region = aws_profile_get(aws_profiles_find(&c->files.profiles,
		    c->profile), "region");
	return region;
}

/* The region and endpoint of STS: AWS_ENDPOINT_URL_STS and the other
 * endpoint settings are read by the one resolver (mailauth/call.h). */
static int
sts_setup(struct chain *c, struct err *err)
{
	const char			*region;
	struct aws_endpoint		 ep;

	if ((region = region_of(c)) == NULL)
		region = STS_DEFAULT_REGION;
	if (aws_endpoint_resolve(AWS_STS, region, NULL, c->o.env, c->o.env_ctx,
	    &ep, err) == -1)
		return err_prefix(err, "the region for STS");
	if (ep.configured && strncasecmp(ep.url, "https://", 8) != 0 &&
	    strncasecmp(ep.url, "http://", 7) != 0) {
		err_set(err, "STS endpoint '%s' is not an http:// or "
		    "https:// URL", ep.url);
		aws_endpoint_release(&ep);
		return -1;
	}
	c->region = xstrdup(region);
	c->sts_endpoint = ep.url;
	c->sts.http = c->o.http;
	c->sts.endpoint = c->sts_endpoint;
	c->sts.region = c->region;
	c->sts.clock = c->o.clock;
	return 0;
}

static int
select_profile(struct chain *c, struct err *err)
{
	const char	*v;
	struct buf	 b = BUF_INIT;

	if (c->o.profile != NULL && *c->o.profile != '\0') {
		c->profile = xstrdup(c->o.profile);
		c->profile_from = "--profile";
	} else if ((v = env(c, "AWS_PROFILE")) != NULL) {
		c->profile = xstrdup(v);
		c->profile_from = "AWS_PROFILE";
	} else
		c->profile = xstrdup(DEFAULT_PROFILE);
	if (c->profile_from == NULL ||
	    aws_profiles_find(&c->files.profiles, c->profile) != NULL)
		return 0;
	/* A profile asked for by name must exist, as in the AWS CLI. */
	aws_shared_files_where(&c->files, &b);
	err_set(err, "profile '%s' (from %s): %s", c->profile,
	    c->profile_from, buf_str(&b));
	buf_release(&b);
	return -1;
}

/* What every source is handed. */
static void
setup(struct chain *c)
{
	c->setup.env = c->o.env;
	c->setup.env_ctx = c->o.env_ctx;
	c->setup.files = &c->files;
	c->setup.profile = c->profile;
	c->setup.profile_option = c->profile_from != NULL &&
	    strcmp(c->profile_from, "--profile") == 0;
	c->setup.sts = &c->sts;
	c->setup.metadata = c->o.metadata;
	c->setup.runner = c->o.runner;
}

struct aws_creds_provider *
aws_chain_open(const struct aws_chain_opts *o, struct err *err)
{
	struct aws_creds_provider	*p = NULL;
	struct chain			*c;
	struct aws_creds_answer		 ans;
	struct buf			 tried = BUF_INIT, why = BUF_INIT;
	char				 when[21];
	time_t				 now = o->clock();
	size_t				 i;
	int				 rc = 0;

	memset(&ans, 0, sizeof(ans));
	c = xcalloc(1, sizeof(*c));
	c->o = *o;
	if (aws_shared_files_load(&c->files, o->env, o->env_ctx, err) == -1 ||
	    select_profile(c, err) == -1 || sts_setup(c, err) == -1)
		goto fail;
	setup(c);
	for (i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
		buf_reset(&why);
		if ((rc = aws_creds_source_ask(sources[i], &c->setup, now,
		    &c->source, &ans, &why, err)) != 0)
			break;
		if (tried.len > 0)
			buf_adds(&tried, "; ");
		buf_adds(&tried, buf_str(&why));
	}
	if (rc == -1)
		goto fail;
	if (rc == 0) {
		err_set(err, "no AWS credentials found; tried: %s",
		    buf_str(&tried));
		goto fail;
	}
	if (ans.expiration != 0 && ans.expiration <= now) {
		aws_time_format(ans.expiration, when);
		err_set(err, "the AWS credentials from %s expired at %s",
		    buf_str(&ans.from), when);
		goto fail;
	}
	p = aws_creds_provider_new();
	p->creds = ans.creds;
	p->expiration = ans.expiration;
	p->source = buf_detach(&ans.from);
	p->fetch = fetch;
	p->ctx = c;
	p->ctx_free = chain_free;
	buf_release(&tried);
	buf_release(&why);
	return p;
fail:
	aws_creds_answer_release(&ans);
	chain_free(c);
	buf_release(&tried);
	buf_release(&why);
	return NULL;
}

int
aws_chain_region(const struct aws_chain_opts *o, char **region,
    struct err *err)
{
	struct chain	*c;
	const char	*r;
	int		 rc = -1;

	*region = NULL;
	c = xcalloc(1, sizeof(*c));
	c->o = *o;
	c->o.owned_free = NULL;		/* the caller's, not handed over */
	if (aws_shared_files_load(&c->files, o->env, o->env_ctx, err) == -1 ||
	    select_profile(c, err) == -1)
		goto out;
	if ((r = region_of(c)) != NULL)
		*region = xstrdup(r);
	rc = 0;
out:
	chain_free(c);
	return rc;
}

const struct sts_client *
aws_chain_sts(const struct aws_creds_provider *p)
{
	if (p == NULL || p->fetch != fetch)
		return NULL;
	return &((const struct chain *)p->ctx)->sts;
}
