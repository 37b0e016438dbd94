/*
 * cred_role.c - the credentials of an account of the config's accounts:
 * with role_arn: STS AssumeRole of the role, signed with the credentials
 * of another provider (the default chain's), which refreshes its own; the
 * provider made here asks again before the role's credentials lapse,
 * like any provider (mailauth/creds.h).
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/sts.h"

struct role {
	struct aws_creds_provider	*base;		/* borrowed */
	const struct sts_client		*sts;		/* borrowed */
	char				*account;
	char				*role_arn;
	char				*external_id;
	char				*session_name;	/* NULL: mailauth-NOW */
	long				 duration_s;
};

static int
role_fetch(void *ctx, time_t now, struct aws_creds *out, time_t *expiration,
    struct err *err)
{
	struct role		*r = ctx;
	struct aws_creds	 src;
	struct sts_assume_role	 ar;
	struct sts_session	 ss;
	char			*name = NULL;

	memset(&ar, 0, sizeof(ar));
	if (aws_creds_role_settings(NULL, r->session_name, now, &ar, &name,
	    err) == -1)
		return -1;
	ar.role_arn = r->role_arn;
	ar.external_id = r->external_id;
	ar.duration_s = r->duration_s;
	/* A copy: the base is shared by every account's role, and another
	 * account's thread may refresh it meanwhile. */
	memset(&src, 0, sizeof(src));
	if (aws_creds_provider_copy(r->base, now, &src, err) == -1 ||
	    sts_assume_role(r->sts, &src, &ar, &ss, err) == -1) {
		aws_creds_release(&src);
		free(name);
		return err_prefix(err, "account '%s': role '%s'", r->account,
		    r->role_arn);
	}
	aws_creds_release(&src);
	free(name);
	*out = ss.creds;
	memset(&ss.creds, 0, sizeof(ss.creds));
	*expiration = ss.expiration;
	sts_session_release(&ss);
	return 0;
}

static void
role_free(void *ctx)
{
	struct role	*r = ctx;

	if (r == NULL)
		return;
	free(r->account);
	free(r->role_arn);
	free(r->external_id);
	free(r->session_name);
	free(r);
}

struct aws_creds_provider *
aws_creds_role_open(const struct aws_role_opts *o, time_t now,
    struct err *err)
{
	struct aws_creds_provider	*p;
	struct role			*r;

	r = xcalloc(1, sizeof(*r));
	r->base = o->base;
	r->sts = o->sts;
	r->account = xstrdup(o->account);
	r->role_arn = xstrdup(o->role_arn);
	r->external_id = o->external_id != NULL ? xstrdup(o->external_id) :
	    NULL;
	r->session_name = o->session_name != NULL ?
	    xstrdup(o->session_name) : NULL;
	r->duration_s = o->duration_s;
	p = aws_creds_provider_new();
	p->fetch = role_fetch;
	p->ctx = r;
	p->ctx_free = role_free;
	p->source = xasprintf("role_arn %s via %s", o->role_arn,
	    o->base->source != NULL ? o->base->source : "the default chain");
	if (role_fetch(r, now, &p->creds, &p->expiration, err) == -1) {
		aws_creds_provider_free(p);
		return NULL;
	}
	return p;
}
