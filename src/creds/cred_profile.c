/*
 * cred_profile.c - the selected profile of the shared files, step 4 of the
 * chain, in the AWS CLI's order: a role (role_arn with source_profile or
 * credential_source, STS AssumeRole), web identity, static keys of the
 * credentials file, credential_process (cred_process.c), static keys of
 * the config file.  Source profiles are resolved the same way, so roles
 * chain; a loop is an error naming it.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"
#include "mailauth/profile.h"
#include "mailauth/sts.h"

#define DEPTH_MAX	16		/* profiles in one source_profile chain */

/* The sources credential_source may name; each must then yield. */
static const struct {
	const char		*name;
	aws_creds_source_open_fn open;
} credential_sources[] = {
	{ "Environment", aws_creds_env_open },
	{ "EcsContainer", aws_creds_container_open },
	{ "Ec2InstanceMetadata", aws_creds_imds_open },
};

/* One walk through the profiles: the setup, its time, the path taken. */
struct walk {
	const struct aws_creds_setup	*s;
	time_t				 now;
	const char			*names[DEPTH_MAX];
	size_t				 n;
};

static int	profile_creds(struct walk *, const struct aws_profile *, int top,
		    struct aws_creds_answer *, struct buf *how, struct err *);

static int
loop_error(const struct walk *w, const char *again, struct err *err)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < w->n; i++)
		buf_addf(&b, "'%s' -> ", w->names[i]);
	buf_addf(&b, "'%s'", again);
	err_set(err, "profiles form a loop through source_profile: %s",
	    buf_str(&b));
	buf_release(&b);
	return -1;
}

/* Static keys of p in one file: 1 found, 0 none, -1 half a pair. */
static int
static_keys(const struct aws_profile *p, enum aws_file file,
    struct aws_creds_answer *ans, struct err *err)
{
	const char	*id, *secret, *token;

	id = aws_profile_get_in(p, file, "aws_access_key_id");
	secret = aws_profile_get_in(p, file, "aws_secret_access_key");
	token = aws_profile_get_in(p, file, "aws_session_token");
	if (id == NULL && secret == NULL)
		return 0;
	if (id == NULL || secret == NULL)
		return err_set(err, "profile '%s' in the %s file has %s but "
		    "not %s", p->name, file == AWS_FILE_CONFIG ? "config" :
		    "credentials", id != NULL ? "aws_access_key_id" :
		    "aws_secret_access_key", id != NULL ?
		    "aws_secret_access_key" : "aws_access_key_id");
	ans->creds.access_key_id = xstrdup(id);
	ans->creds.secret_access_key = xstrdup(secret);
	if (token != NULL)
		ans->creds.session_token = xstrdup(token);
	return 1;
}

static int
has_static(const struct aws_profile *p)
{
	return aws_profile_get(p, "aws_access_key_id") != NULL ||
	    aws_profile_get(p, "aws_secret_access_key") != NULL;
}

/*
 * credential_source: one of the chain's own sources, which must yield.
 * It reads the environment keys even under --profile: the profile asks
 * for them.
 */
static int
from_credential_source(struct walk *w, const struct aws_profile *p,
    const char *cs, struct aws_creds_answer *src, struct err *err)
{
	struct aws_creds_setup	 s = *w->s;
	struct buf		 why = BUF_INIT;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(credential_sources) /
	    sizeof(credential_sources[0]); i++)
		if (strcmp(cs, credential_sources[i].name) == 0)
			break;
	if (i == sizeof(credential_sources) / sizeof(credential_sources[0]))
		return err_set(err, "profile '%s': credential_source '%.40s' is "
		    "not Environment, Ec2InstanceMetadata or EcsContainer",
		    p->name, cs);
	s.profile_option = 0;
	rc = aws_creds_source_ask(credential_sources[i].open, &s, w->now, NULL,
	    src, &why, err);
	if (rc == 0)
		err_set(err, "%s", buf_str(&why));
	buf_release(&why);
	if (rc != 1)
		return err_prefix(err, "profile '%s': credential_source %s",
		    p->name, cs);
	return 1;
}

/* The credentials of source_profile sname, for the role of p. */
static int
from_source_profile(struct walk *w, const struct aws_profile *p,
    const char *sname, struct aws_creds_answer *src, struct buf *inner,
    struct err *err)
{
	const struct aws_profile	*sp;
	size_t				 i;
	int				 rc;

	for (i = 0; i < w->n; i++)
		if (strcmp(w->names[i], sname) == 0)
			break;
	if (i < w->n && !(strcmp(sname, p->name) == 0 && has_static(p)))
		return loop_error(w, sname, err);
	if ((sp = aws_profiles_find(&w->s->files->profiles, sname)) == NULL)
		return err_set(err, "profile '%s': its source_profile '%s' "
		    "does not exist", p->name, sname);
	if (w->n == DEPTH_MAX)
		return err_set(err, "profile '%s': more than %d profiles "
		    "chained through source_profile", p->name, DEPTH_MAX);
	if (sp == p) {
		/* A profile may take its own static keys as the source of
		 * its role. */
		if ((rc = static_keys(p, AWS_FILE_CREDENTIALS, src, err)) == 0)
			rc = static_keys(p, AWS_FILE_CONFIG, src, err);
	} else {
		w->names[w->n++] = sname;
		rc = profile_creds(w, sp, 0, src, inner, err);
		w->n--;
	}
	if (rc == 0)
		err_set(err, "profile '%s': its source_profile '%s' has no "
		    "credentials", p->name, sname);
	return rc == 1 ? 1 : -1;
}

/* role_arn with source_profile or credential_source: STS AssumeRole. */
static int
assume_role(struct walk *w, const struct aws_profile *p,
    struct aws_creds_answer *ans, struct buf *how, struct err *err)
{
	struct sts_assume_role	 ar;
	struct sts_session	 ss;
	struct aws_creds_answer	 src;
	struct buf		 inner = BUF_INIT;
	const char		*sname, *cs;
	char			*name = NULL;
	int			 rc = -1;

	memset(&src, 0, sizeof(src));
	memset(&ar, 0, sizeof(ar));
	sname = aws_profile_get(p, "source_profile");
	cs = aws_profile_get(p, "credential_source");
	if (aws_profile_get(p, "mfa_serial") != NULL)
		return err_set(err, "profile '%s' needs an MFA code "
		    "(mfa_serial), which mailauth cannot ask for; use "
		    "credential_process or session credentials instead",
		    p->name);
	if (sname != NULL && cs != NULL)
		return err_set(err, "profile '%s' has both source_profile and "
		    "credential_source", p->name);
	if (sname == NULL && cs == NULL)
		return err_set(err, "profile '%s' has role_arn but no "
		    "source_profile, credential_source or "
		    "web_identity_token_file", p->name);
	if (aws_creds_role_settings(p, aws_profile_get(p, "role_session_name"),
	    w->now, &ar, &name, err) == -1)
		return -1;
	if (cs != NULL) {
		if (from_credential_source(w, p, cs, &src, err) != 1)
			goto out;
		buf_addf(how, "role_arn via credential_source %s", cs);
	} else {
		if (from_source_profile(w, p, sname, &src, &inner, err) != 1)
			goto out;
		buf_addf(how, "role_arn via source_profile %s", sname);
		if (inner.len > 0 && strcmp(buf_str(&inner), "static keys") != 0)
			buf_addf(how, ", %s", buf_str(&inner));
	}
	ar.role_arn = aws_profile_get(p, "role_arn");
	ar.external_id = aws_profile_get(p, "external_id");
	if (sts_assume_role(w->s->sts, &src.creds, &ar, &ss, err) == -1) {
		err_prefix(err, "profile '%s': role '%s'", p->name,
		    ar.role_arn);
		goto out;
	}
	aws_creds_answer_take(ans, &ss);
	rc = 1;
out:
	aws_creds_answer_release(&src);
	buf_release(&inner);
	free(name);
	return rc;
}

/* web_identity_token_file in profile p, with its role_arn. */
static int
web_identity(struct walk *w, const struct aws_profile *p, const char *role,
    const char *file, struct aws_creds_answer *ans, struct err *err)
{
	struct aws_webid	 wi;

	if (role == NULL)
		return err_set(err, "profile '%s' has web_identity_token_file "
		    "but no role_arn", p->name);
	memset(&wi, 0, sizeof(wi));
	wi.token_file = file;
	wi.token_from = "web_identity_token_file";
	wi.role_arn = role;
	wi.session_name = aws_profile_get(p, "role_session_name");
	wi.profile = p;
	if (aws_creds_webid_assume(w->s, w->now, &wi, ans, err) == -1)
		return err_prefix(err, "profile '%s': web identity", p->name);
	return 1;
}

/* rc, with what was used added to how when it is 1. */
static int
used(int rc, struct buf *how, const char *what)
{
	if (rc == 1)
		buf_adds(how, what);
	return rc;
}

/*
 * The credentials of profile p, in the AWS CLI's order: at the top, a role
 * (role_arn with source_profile or credential_source) before static keys;
 * in a source profile, static keys first.  Then web identity, static keys
 * of the credentials file, credential_process, static keys of the config
 * file.  how gets what was used ("static keys", "credential_process",
 * "role_arn via source_profile base", "web identity").
 */
static int
profile_creds(struct walk *w, const struct aws_profile *p, int top,
    struct aws_creds_answer *ans, struct buf *how, struct err *err)
{
	const char	*role, *wfile, *cmd;
	int		 rc;

	role = aws_profile_get(p, "role_arn");
	wfile = aws_profile_get(p, "web_identity_token_file");
	cmd = aws_profile_get(p, "credential_process");
	if (role != NULL && wfile == NULL && (top || !has_static(p)))
		return assume_role(w, p, ans, how, err);
	if (wfile != NULL)
		return used(web_identity(w, p, role, wfile, ans, err), how,
		    "web identity");
	if (!has_static(p) && cmd == NULL &&
	    (aws_profile_get(p, "sso_session") != NULL ||
	    aws_profile_get(p, "sso_start_url") != NULL))
		return err_set(err, "profile '%s' uses IAM Identity Center "
		    "(sso_*), which mailauth does not read; set "
		    "credential_process = aws configure export-credentials "
		    "--profile %s --format process", p->name, p->name);
	if ((rc = static_keys(p, AWS_FILE_CREDENTIALS, ans, err)) != 0)
		return used(rc, how, "static keys");
	if (cmd != NULL)
		return used(aws_creds_process_get(w->s, w->now, p, cmd, ans,
		    err), how, "credential_process");
	return used(static_keys(p, AWS_FILE_CONFIG, ans, err), how,
	    "static keys");
}

static int
profile_get(struct aws_creds_source *src, time_t now,
    struct aws_creds_answer *ans, struct buf *why, struct err *err)
{
	const struct aws_profile	*p = src->impl;
	struct walk			 w;
	struct buf			 how = BUF_INIT;
	int				 rc;

	memset(&w, 0, sizeof(w));
	w.s = src->setup;
	w.now = now;
	w.n = 1;
	w.names[0] = p->name;
	rc = profile_creds(&w, p, 1, ans, &how, err);
	if (rc == 0)
		buf_addf(why, "profile '%s': no aws_access_key_id, role_arn or "
		    "credential_process in it", p->name);
	else if (rc == 1 && strcmp(buf_str(&how), "credential_process") == 0)
		buf_addf(&ans->from, "credential_process (profile %s)",
		    p->name);
	else if (rc == 1)
		buf_addf(&ans->from, "profile %s (%s)", p->name, buf_str(&how));
	buf_release(&how);
	return rc;
}

/* impl: the profile, owned by the setup's files. */
int
aws_creds_profile_open(const struct aws_creds_setup *s,
    struct aws_creds_source **out, struct buf *why, struct err *err)
{
	const struct aws_profile	*p;

	(void)err;
	*out = NULL;
	if ((p = aws_profiles_find(&s->files->profiles, s->profile)) == NULL) {
		buf_addf(why, "profile '%s': ", s->profile);
		aws_shared_files_where(s->files, why);
		return 0;
	}
	*out = aws_creds_source_new("profile", s, profile_get, NULL,
	    (void *)p);
	return 1;
}
