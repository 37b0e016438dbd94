/*
 * cred_imds.c - EC2 instance metadata, IMDSv2 only: step 6 of the chain
 * and credential_source Ec2InstanceMetadata.  Off with
 * AWS_EC2_METADATA_DISABLED=true; the base is
 * AWS_EC2_METADATA_SERVICE_ENDPOINT, else the IPv6 or IPv4 address as
 * AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE says.  The exchange itself is
 * aws_imds_fetch() (metadata.c).
 */
#include <stdlib.h>
#include <strings.h>

#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"
#include "mailauth/metadata.h"

/* impl: the base URL, malloc'd. */
static void
imds_release(void *impl)
{
	free(impl);
}

static int
imds_get(struct aws_creds_source *src, time_t now,
    struct aws_creds_answer *ans, struct buf *why, struct err *err)
{
	struct err	 e;
	int		 rc;

	(void)now;
	err_clear(&e);
	rc = aws_imds_fetch(src->setup->metadata, src->impl, &ans->creds,
	    &ans->expiration, &e);
	if (rc == 0)
		buf_addf(why, "instance metadata: %s", e.msg);
	else if (rc == -1 && err != NULL) {
		*err = e;
		err_prefix(err, "instance metadata");
	}
	return rc;
}

int
aws_creds_imds_open(const struct aws_creds_setup *s,
    struct aws_creds_source **out, struct buf *why, struct err *err)
{
	const char	*base, *mode;

	(void)err;
	*out = NULL;
	if (aws_env_true(s->env, s->env_ctx, "AWS_EC2_METADATA_DISABLED")) {
		buf_adds(why, "instance metadata: AWS_EC2_METADATA_DISABLED is "
		    "true");
		return 0;
	}
	if (s->metadata == NULL) {
		buf_adds(why, "instance metadata: not asked");
		return 0;
	}
	if ((base = aws_env_get(s->env, s->env_ctx,
	    "AWS_EC2_METADATA_SERVICE_ENDPOINT")) == NULL) {
		mode = aws_env_get(s->env, s->env_ctx,
		    "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
		base = mode != NULL && strcasecmp(mode, "ipv6") == 0 ?
		    AWS_IMDS_ENDPOINT_IPV6 : AWS_IMDS_ENDPOINT;
	}
	*out = aws_creds_source_new("instance metadata", s, imds_get,
	    imds_release, xstrdup(base));
	return 1;
}
