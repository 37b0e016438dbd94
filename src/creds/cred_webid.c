/*
 * cred_webid.c - web identity (OIDC): a token file exchanged with STS
 * AssumeRoleWithWebIdentity, step 3 of the chain.  Configured by
 * AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or by
 * web_identity_token_file and role_arn in the selected profile; a profile
 * used as a source_profile reaches the same exchange through
 * aws_creds_webid_assume().
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"
#include "mailauth/profile.h"
#include "mailauth/sts.h"

int
aws_creds_webid_assume(const struct aws_creds_setup *s, time_t now,
    const struct aws_webid *w, struct aws_creds_answer *ans, struct err *err)
{
	struct sts_assume_role	 ar;
	struct sts_session	 ss;
	char			*token, *name;
	int			 rc;

	memset(&ar, 0, sizeof(ar));
	if (aws_creds_role_settings(w->profile, w->session_name, now, &ar,
	    &name, err) == -1)
		return -1;
	if ((token = aws_token_file_read(s->env, s->env_ctx, w->token_file,
	    w->token_from, err)) == NULL) {
		free(name);
		return -1;
	}
	ar.role_arn = w->role_arn;
	rc = sts_assume_role_web_identity(s->sts, &ar, token, &ss, err);
	aws_secret_free(token);
	free(name);
	if (rc == -1)
		return err_prefix(err, "role '%s'", w->role_arn);
	aws_creds_answer_take(ans, &ss);
	return 1;
}

/* impl: the settings, copied (the environment may change under them). */
struct webid {
	struct aws_webid	 w;
	char			*token_file;
	char			*role_arn;
	char			*session_name;
	const char		*profile;	/* NULL: from the environment */
};

static void
webid_release(void *impl)
{
	struct webid	*wi = impl;

	free(wi->token_file);
	free(wi->role_arn);
	free(wi->session_name);
	free(wi);
}

static int
webid_get(struct aws_creds_source *src, time_t now,
    struct aws_creds_answer *ans, struct buf *why, struct err *err)
{
	const struct webid	*wi = src->impl;

	(void)why;
	if (aws_creds_webid_assume(src->setup, now, &wi->w, ans, err) == -1)
		return err_prefix(err, "web identity");
	if (wi->profile != NULL)
		buf_addf(&ans->from, "web identity (profile %s)", wi->profile);
	return 1;
}

/*
 * AWS_WEB_IDENTITY_TOKEN_FILE or the profile's web_identity_token_file;
 * the role from AWS_ROLE_ARN, else from the profile when the token file is
 * the profile's too.
 */
int
aws_creds_webid_open(const struct aws_creds_setup *s,
    struct aws_creds_source **out, struct buf *why, struct err *err)
{
	const struct aws_profile	*p;
	const char			*file, *role, *session;
	struct webid			*wi;
	int				 from_profile;

	*out = NULL;
	p = aws_profiles_find(&s->files->profiles, s->profile);
	file = aws_env_get(s->env, s->env_ctx, "AWS_WEB_IDENTITY_TOKEN_FILE");
	if ((from_profile = file == NULL))
		file = aws_profile_get(p, "web_identity_token_file");
	if (file == NULL) {
		buf_addf(why, "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not "
		    "set and profile '%s' has no web_identity_token_file",
		    s->profile);
		return 0;
	}
	/* As botocore: AWS_ROLE_ARN, else the role of a web-identity
	 * profile. */
	if ((role = aws_env_get(s->env, s->env_ctx, "AWS_ROLE_ARN")) == NULL &&
	    aws_profile_get(p, "web_identity_token_file") != NULL)
		role = aws_profile_get(p, "role_arn");
	if (role == NULL && from_profile)
		return err_set(err, "web identity: profile '%s' has "
		    "web_identity_token_file but no role_arn", s->profile);
	if (role == NULL)
		return err_set(err, "web identity: "
		    "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is "
		    "not");
	session = aws_env_get(s->env, s->env_ctx, "AWS_ROLE_SESSION_NAME");
	if (session == NULL && from_profile)
		session = aws_profile_get(p, "role_session_name");
	wi = xcalloc(1, sizeof(*wi));
	wi->token_file = xstrdup(file);
	wi->role_arn = xstrdup(role);
	wi->session_name = session != NULL ? xstrdup(session) : NULL;
	wi->profile = from_profile ? s->profile : NULL;
	wi->w.token_file = wi->token_file;
	wi->w.token_from = from_profile ? "web_identity_token_file" :
	    "AWS_WEB_IDENTITY_TOKEN_FILE";
	wi->w.role_arn = wi->role_arn;
	wi->w.session_name = wi->session_name;
	wi->w.profile = from_profile ? p : NULL;
	*out = aws_creds_source_new("web identity", s, webid_get,
	    webid_release, wi);
	return 1;
}
