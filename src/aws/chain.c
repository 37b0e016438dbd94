/*
 * chain.c - the credentials chain: which source supplies the credentials,
 * in the AWS SDKs' order (creds.h, docs/credentials.md), and the provider
 * that asks the same source again when they are about to lapse.
 *
 * Each source answers 1 (credentials found), 0 (not configured: one reason
 * is noted and the search goes on) or -1 (configured but failing: the
 * search stops with that error).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/metadata.h"
#include "mailauth/process.h"
#include "mailauth/profile.h"
#include "mailauth/sts.h"

#define DEFAULT_PROFILE	"default"
#define TOKEN_MAX	(64 * 1024)	/* a web-identity or container token */
#define DEPTH_MAX	16		/* profiles in one source_profile chain */
#define DURATION_MIN	900
#define DURATION_MAX	43200

enum source {
	SRC_ENV,
	SRC_WEB_IDENTITY,
	SRC_PROFILE,
	SRC_CONTAINER,
	SRC_IMDS
};

struct chain {
	struct aws_chain_opts	 o;
	struct aws_profiles	 files;
	char			*config_path;	/* NULL: no HOME to find it */
	char			*creds_path;
	char			*profile;	/* the selected profile */
	const char		*profile_from;	/* "--profile", "AWS_PROFILE"
						 * or NULL (the default) */
	char			*region;
	char			*sts_endpoint;
	struct sts_client	 sts;
	enum source		 source;	/* what the provider asks */
	time_t			 now;		/* of the current fetch */
};

/* Credentials as one source hands them over. */
struct got {
	struct aws_creds	 creds;
	time_t			 expiration;
};

static void
got_release(struct got *g)
{
	aws_creds_release(&g->creds);
	g->expiration = 0;
}

/* The variable, or NULL when unset or empty. */
static const char *
env(const struct chain *c, const char *name)
{
	const char	*v = c->o.env(c->o.env_ctx, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

static int
env_true(const struct chain *c, const char *name)
{
	const char	*v = env(c, name);

	return v != NULL && strcasecmp(v, "true") == 0;
}

/* path with a leading "~" made HOME, malloc'd; NULL when that needs a HOME
 * there is not. */
static char *
expand_home(const struct chain *c, const char *path)
{
	const char	*home;

	if (path[0] != '~' || (path[1] != '\0' && path[1] != '/'))
		return xstrdup(path);
	if ((home = env(c, "HOME")) == NULL)
		return NULL;
	return xasprintf("%s%s", home, path + 1);
}

/*
 * Reads a token file (a web-identity token, a container authorization
 * token) into a malloc'd string without its trailing white space; what
 * says which setting named the file, for messages.
 */
static char *
read_token(const struct chain *c, const char *file, const char *what,
    struct err *err)
{
	struct buf	 b = BUF_INIT;
	FILE		*f = NULL;
	char		*path, chunk[4096], *tok = NULL;
	size_t		 n;

	if ((path = expand_home(c, file)) == NULL) {
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
		if (b.len + n > TOKEN_MAX) {
			err_set(err, "'%s' (%s) is larger than %d KiB", path,
			    what, TOKEN_MAX / 1024);
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

static void
note(struct buf *tried, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Adds one reason to the list of what was tried. */
static void
note(struct buf *tried, const char *fmt, ...)
{
	va_list	 ap;

	if (tried == NULL)
		return;
	if (tried->len > 0)
		buf_adds(tried, "; ");
	va_start(ap, fmt);
	buf_vaddf(tried, fmt, ap);
	va_end(ap);
}

/* "'config' or 'credentials'", for messages about a missing profile. */
static void
files_text(const struct chain *c, struct buf *b)
{
	if (c->config_path == NULL && c->creds_path == NULL) {
		buf_adds(b, "no shared files (HOME is not set)");
		return;
	}
	buf_adds(b, "not in ");
	if (c->config_path != NULL)
		buf_addf(b, "'%s'", c->config_path);
	if (c->config_path != NULL && c->creds_path != NULL)
		buf_adds(b, " or ");
	if (c->creds_path != NULL)
		buf_addf(b, "'%s'", c->creds_path);
}

/* ---- 2. environment ---------------------------------------------------------- */

static int
from_env(struct chain *c, struct got *g, struct buf *tried, struct err *err)
{
	if (env(c, "AWS_ACCESS_KEY_ID") == NULL &&
	    env(c, "AWS_SECRET_ACCESS_KEY") == NULL) {
		note(tried, "environment: AWS_ACCESS_KEY_ID and "
		    "AWS_SECRET_ACCESS_KEY are not set");
		return 0;
	}
	if (aws_creds_from_env(&g->creds, c->o.env, c->o.env_ctx, err) == -1)
		return -1;
	return 1;
}

/* ---- STS ------------------------------------------------------------------ */

/* RoleSessionName: the configured one, or "mailauth-TIME". */
static char *
session_name(const struct chain *c, const char *configured)
{
	if (configured != NULL)
		return xstrdup(configured);
	return xasprintf("mailauth-%lld", (long long)c->now);
}

/* duration_seconds of profile p: 0 when unset, -1 with err when bad. */
static long
duration(const struct aws_profile *p, struct err *err)
{
	const char	*v = aws_profile_get(p, "duration_seconds");
	char		*end;
	long		 d;

	if (v == NULL)
		return 0;
	errno = 0;
	d = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || d < DURATION_MIN || d > DURATION_MAX) {
		err_set(err, "profile '%s': duration_seconds must be a number "
		    "of seconds from %d to %d, got '%.40s'", p->name,
		    DURATION_MIN, DURATION_MAX, v);
		return -1;
	}
	return d;
}

static void
take_session(struct got *g, struct sts_session *s)
{
	g->creds = s->creds;
	g->expiration = s->expiration;
	memset(&s->creds, 0, sizeof(s->creds));
	sts_session_release(s);
}

/* ---- 3. web identity ------------------------------------------------------- */

/*
 * AssumeRoleWithWebIdentity with the token in file for role.  p is the
 * profile the settings came from, NULL when from the environment.
 */
static int
web_identity(struct chain *c, const char *file, const char *file_from,
    const char *role, const char *session, const struct aws_profile *p,
    struct got *g, struct err *err)
{
	struct sts_assume_role	 ar;
	struct sts_session	 s;
	char			*token, *name;
	long			 d = 0;
	int			 rc;

	memset(&ar, 0, sizeof(ar));
	if (p != NULL && (d = duration(p, err)) == -1)
		return -1;
	if ((token = read_token(c, file, file_from, err)) == NULL)
		return -1;
	name = session_name(c, session);
	ar.role_arn = role;
	ar.session_name = name;
	ar.duration_s = d;
	rc = sts_assume_role_web_identity(&c->sts, &ar, token, &s, err);
	aws_secret_free(token);
	free(name);
	if (rc == -1)
		return err_prefix(err, "role '%s'", role);
	take_session(g, &s);
	return 1;
}

/*
 * Step 3: AWS_WEB_IDENTITY_TOKEN_FILE or the profile's
 * web_identity_token_file; the role from AWS_ROLE_ARN, else from the
 * profile when the token file is the profile's too.
 */
static int
from_web_identity(struct chain *c, struct got *g, struct buf *desc,
    struct buf *tried, struct err *err)
{
	const struct aws_profile	*p;
	const char			*file, *role, *session;
	int				 from_profile;

	p = aws_profiles_find(&c->files, c->profile);
	file = env(c, "AWS_WEB_IDENTITY_TOKEN_FILE");
	from_profile = file == NULL;
	if (from_profile)
		file = aws_profile_get(p, "web_identity_token_file");
	if (file == NULL) {
		note(tried, "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not "
		    "set and profile '%s' has no web_identity_token_file",
		    c->profile);
		return 0;
	}
	/* As botocore: AWS_ROLE_ARN, else the role of a web-identity
	 * profile. */
	if ((role = env(c, "AWS_ROLE_ARN")) == NULL &&
	    aws_profile_get(p, "web_identity_token_file") != NULL)
		role = aws_profile_get(p, "role_arn");
	if (role == NULL && from_profile)
		return err_set(err, "web identity: profile '%s' has "
		    "web_identity_token_file but no role_arn", c->profile);
	if (role == NULL)
		return err_set(err, "web identity: "
		    "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is "
		    "not");
	session = env(c, "AWS_ROLE_SESSION_NAME");
	if (session == NULL && from_profile)
		session = aws_profile_get(p, "role_session_name");
	if (web_identity(c, file, from_profile ? "web_identity_token_file" :
	    "AWS_WEB_IDENTITY_TOKEN_FILE", role, session,
	    from_profile ? p : NULL, g, err) == -1)
		return err_prefix(err, "web identity");
	buf_adds(desc, "web identity");
	if (from_profile)
		buf_addf(desc, " (profile %s)", c->profile);
	return 1;
}

/* ---- 5. container, 6. instance metadata -------------------------------------- */

static int
from_container(struct chain *c, struct got *g, struct buf *tried,
    struct err *err)
{
	const char	*rel, *full, *tfile, *tok;
	char		*url, *token = NULL;
	int		 rc = -1;

	rel = env(c, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	full = env(c, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	if (rel == NULL && full == NULL) {
		note(tried, "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
		    "and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set");
		return 0;
	}
	if (rel != NULL) {
		if (rel[0] != '/')
			return err_set(err, "container: "
			    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI '%s' does "
			    "not start with '/'", rel);
		url = xasprintf("http://" AWS_CONTAINER_HOST "%s", rel);
	} else {
		if (!aws_container_url_allowed(full))
			return err_set(err, "container: "
			    "AWS_CONTAINER_CREDENTIALS_FULL_URI '%s' is "
			    "neither https:// nor http:// to a loopback "
			    "address or the container credentials host", full);
		url = xstrdup(full);
	}
	if ((tfile = env(c, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) !=
	    NULL) {
		if ((token = read_token(c, tfile,
		    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", err)) == NULL)
			goto out;
	} else if ((tok = env(c, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) != NULL)
		token = xstrdup(tok);
	if (c->o.metadata == NULL) {
		err_set(err, "not asked");
		goto out;
	}
	if (aws_container_fetch(c->o.metadata, url, token, &g->creds,
	    &g->expiration, err) == -1)
		goto out;
	rc = 1;
out:
	if (rc == -1)
		err_prefix(err, "container");
	aws_secret_free(token);
	free(url);
	return rc;
}

static int
from_imds(struct chain *c, struct got *g, struct buf *tried, struct err *err)
{
	const char	*base;
	struct err	 e;
	int		 rc;

	if (env_true(c, "AWS_EC2_METADATA_DISABLED")) {
		note(tried, "instance metadata: AWS_EC2_METADATA_DISABLED is "
		    "true");
		return 0;
	}
	if (c->o.metadata == NULL) {
		note(tried, "instance metadata: not asked");
		return 0;
	}
	if ((base = env(c, "AWS_EC2_METADATA_SERVICE_ENDPOINT")) == NULL) {
		const char	*mode;

		mode = env(c, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE");
		base = mode != NULL && strcasecmp(mode, "ipv6") == 0 ?
		    AWS_IMDS_ENDPOINT_IPV6 : AWS_IMDS_ENDPOINT;
	}
	err_clear(&e);
	rc = aws_imds_fetch(c->o.metadata, base, &g->creds, &g->expiration, &e);
	if (rc == 0)
		note(tried, "instance metadata: %s", e.msg);
	else if (rc == -1 && err != NULL) {
		*err = e;
		err_prefix(err, "instance metadata");
	}
	return rc;
}

/* ---- 4. the profile ------------------------------------------------------ */

struct visit {
	const char	*names[DEPTH_MAX];
	size_t		 n;
};

static int	profile_creds(struct chain *, const struct aws_profile *, int top,
		    struct visit *, struct got *, struct buf *how,
		    struct err *);

static int
loop_error(const struct visit *v, const char *again, struct err *err)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < v->n; i++)
		buf_addf(&b, "'%s' -> ", v->names[i]);
	buf_addf(&b, "'%s'", again);
	err_set(err, "profiles form a loop through source_profile: %s",
	    buf_str(&b));
	buf_release(&b);
	return -1;
}

/* Static keys of p in one file: 1 found, 0 none, -1 half a pair. */
static int
static_keys(const struct aws_profile *p, enum aws_file file, struct got *g,
    struct err *err)
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
	g->creds.access_key_id = xstrdup(id);
	g->creds.secret_access_key = xstrdup(secret);
	if (token != NULL)
		g->creds.session_token = xstrdup(token);
	return 1;
}

static int
has_static(const struct aws_profile *p)
{
	return aws_profile_get(p, "aws_access_key_id") != NULL ||
	    aws_profile_get(p, "aws_secret_access_key") != NULL;
}

static int
from_process(struct chain *c, const struct aws_profile *p, const char *cmd,
    struct got *g, struct err *err)
{
	struct buf	 out = BUF_INIT;
	char		 when[21];
	int		 status, rc = -1;

	if (c->o.runner == NULL)
		return err_set(err, "credential_process of profile '%s': no "
		    "way to run it here", p->name);
	if (c->o.runner->run(c->o.runner->ctx, cmd, AWS_PROCESS_OUT_MAX,
	    AWS_PROCESS_TIMEOUT_S, &out, &status, err) == -1) {
		err_prefix(err, "credential_process of profile '%s'", p->name);
		goto out;
	}
	if (status != 0) {
		if (status > 128)
			err_set(err, "credential_process of profile '%s' was "
			    "killed by signal %d", p->name, status - 128);
		else
			err_set(err, "credential_process of profile '%s' "
			    "exited with status %d", p->name, status);
		goto out;
	}
	if (aws_creds_parse_json(out.data, out.len, AWS_JSON_PROCESS,
	    &g->creds, &g->expiration, err) == -1) {
		err_prefix(err, "credential_process of profile '%s' printed "
		    "no usable credentials", p->name);
		goto out;
	}
	if (g->expiration != 0 && g->expiration <= c->now) {
		aws_time_format(g->expiration, when);
		got_release(g);
		err_set(err, "credential_process of profile '%s' returned "
		    "credentials that expired at %s", p->name, when);
		goto out;
	}
	rc = 1;
out:
	if (out.data != NULL)
		OPENSSL_cleanse(out.data, out.cap);
	buf_release(&out);
	return rc;
}

/* credential_source: one of the chain's own sources, which must yield. */
static int
from_credential_source(struct chain *c, const struct aws_profile *p,
    const char *cs, struct got *src, struct err *err)
{
	struct buf	 why = BUF_INIT;
	int		 rc;

	if (strcmp(cs, "Environment") == 0)
		rc = from_env(c, src, &why, err);
	else if (strcmp(cs, "EcsContainer") == 0)
		rc = from_container(c, src, &why, err);
	else if (strcmp(cs, "Ec2InstanceMetadata") == 0)
		rc = from_imds(c, src, &why, err);
	else {
		buf_release(&why);
		return err_set(err, "profile '%s': credential_source '%.40s' is "
		    "not Environment, Ec2InstanceMetadata or EcsContainer",
		    p->name, cs);
	}
	if (rc == 0)
		err_set(err, "%s", buf_str(&why));
	buf_release(&why);
	if (rc != 1)
		return err_prefix(err, "profile '%s': credential_source %s",
		    p->name, cs);
	return 1;
}

/* role_arn with source_profile or credential_source: STS AssumeRole. */
static int
assume_role(struct chain *c, const struct aws_profile *p, struct visit *v,
    struct got *g, struct buf *how, struct err *err)
{
	const struct aws_profile	*sp;
	struct sts_assume_role		 ar;
	struct sts_session		 s;
	struct got			 src;
	struct buf			 inner = BUF_INIT;
	const char			*sname, *cs;
	char				*name = NULL;
	long				 d;
	int				 rc = -1;

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
	if ((d = duration(p, err)) == -1)
		return -1;
	if (cs != NULL) {
		if (from_credential_source(c, p, cs, &src, err) != 1)
			goto out;
		buf_addf(how, "role_arn via credential_source %s", cs);
	} else {
		size_t	 i;

		for (i = 0; i < v->n; i++)
			if (strcmp(v->names[i], sname) == 0)
				break;
		if (i < v->n && !(strcmp(sname, p->name) == 0 &&
		    has_static(p))) {
			loop_error(v, sname, err);
			goto out;
		}
		if ((sp = aws_profiles_find(&c->files, sname)) == NULL) {
			err_set(err, "profile '%s': its source_profile '%s' "
			    "does not exist", p->name, sname);
			goto out;
		}
		if (v->n == DEPTH_MAX) {
			err_set(err, "profile '%s': more than %d profiles "
			    "chained through source_profile", p->name,
			    DEPTH_MAX);
			goto out;
		}
		if (sp == p) {
			/* A profile may take its own static keys as the
			 * source of its role. */
			if ((rc = static_keys(p, AWS_FILE_CREDENTIALS, &src,
			    err)) == 0)
				rc = static_keys(p, AWS_FILE_CONFIG, &src, err);
		} else {
			v->names[v->n++] = sname;
			rc = profile_creds(c, sp, 0, v, &src, &inner, err);
			v->n--;
		}
		if (rc == 0)
			err_set(err, "profile '%s': its source_profile '%s' has "
			    "no credentials", p->name, sname);
		if (rc != 1) {
			rc = -1;
			goto out;
		}
		buf_addf(how, "role_arn via source_profile %s", sname);
		if (inner.len > 0 && strcmp(buf_str(&inner), "static keys") != 0)
			buf_addf(how, ", %s", buf_str(&inner));
	}
	rc = -1;
	name = session_name(c, aws_profile_get(p, "role_session_name"));
	ar.role_arn = aws_profile_get(p, "role_arn");
	ar.session_name = name;
	ar.external_id = aws_profile_get(p, "external_id");
	ar.duration_s = d;
	if (sts_assume_role(&c->sts, &src.creds, &ar, &s, err) == -1) {
		err_prefix(err, "profile '%s': role '%s'", p->name,
		    ar.role_arn);
		goto out;
	}
	take_session(g, &s);
	rc = 1;
out:
	got_release(&src);
	buf_release(&inner);
	free(name);
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
profile_creds(struct chain *c, const struct aws_profile *p, int top,
    struct visit *v, struct got *g, struct buf *how, struct err *err)
{
	const char	*role, *wfile, *cmd;
	int		 rc;

	role = aws_profile_get(p, "role_arn");
	wfile = aws_profile_get(p, "web_identity_token_file");
	cmd = aws_profile_get(p, "credential_process");
	if (role != NULL && wfile == NULL && (top || !has_static(p)))
		return assume_role(c, p, v, g, how, err);
	if (wfile != NULL) {
		if (role == NULL)
			return err_set(err, "profile '%s' has "
			    "web_identity_token_file but no role_arn", p->name);
		if (web_identity(c, wfile, "web_identity_token_file", role,
		    aws_profile_get(p, "role_session_name"), p, g, err) == -1)
			return err_prefix(err, "profile '%s': web identity",
			    p->name);
		buf_adds(how, "web identity");
		return 1;
	}
	if (!has_static(p) && cmd == NULL &&
	    (aws_profile_get(p, "sso_session") != NULL ||
	    aws_profile_get(p, "sso_start_url") != NULL))
		return err_set(err, "profile '%s' uses IAM Identity Center "
		    "(sso_*), which mailauth does not read; set "
		    "credential_process = aws configure export-credentials "
		    "--profile %s --format process", p->name, p->name);
	if ((rc = static_keys(p, AWS_FILE_CREDENTIALS, g, err)) != 0) {
		if (rc == 1)
			buf_adds(how, "static keys");
		return rc;
	}
	if (cmd != NULL) {
		if ((rc = from_process(c, p, cmd, g, err)) == 1)
			buf_adds(how, "credential_process");
		return rc;
	}
	if ((rc = static_keys(p, AWS_FILE_CONFIG, g, err)) == 1)
		buf_adds(how, "static keys");
	return rc;
}

static int
from_profile(struct chain *c, struct got *g, struct buf *desc,
    struct buf *tried, struct err *err)
{
	const struct aws_profile	*p;
	struct visit			 v;
	struct buf			 how = BUF_INIT;
	int				 rc;

	if ((p = aws_profiles_find(&c->files, c->profile)) == NULL) {
		struct buf	 b = BUF_INIT;

		files_text(c, &b);
		note(tried, "profile '%s': %s", c->profile, buf_str(&b));
		buf_release(&b);
		return 0;
	}
	v.n = 1;
	v.names[0] = p->name;
	rc = profile_creds(c, p, 1, &v, g, &how, err);
	if (rc == 0)
		note(tried, "profile '%s': no aws_access_key_id, role_arn or "
		    "credential_process in it", c->profile);
	else if (rc == 1 && strcmp(buf_str(&how), "credential_process") == 0)
		buf_addf(desc, "credential_process (profile %s)", p->name);
	else if (rc == 1)
		buf_addf(desc, "profile %s (%s)", p->name, buf_str(&how));
	buf_release(&how);
	return rc;
}

/* ---- the chain ------------------------------------------------------------- */

/* Asks one source; the source's description goes to desc. */
static int
ask(struct chain *c, enum source s, struct got *g, struct buf *desc,
    struct buf *tried, struct err *err)
{
	int	 rc = 0;

	memset(g, 0, sizeof(*g));
	switch (s) {
	case SRC_ENV:
		if (c->profile_from != NULL &&
		    strcmp(c->profile_from, "--profile") == 0) {
			note(tried, "environment: not read, as --profile was "
			    "given");
			return 0;
		}
		if ((rc = from_env(c, g, tried, err)) == 1)
			buf_adds(desc, "environment");
		break;
	case SRC_WEB_IDENTITY:
		rc = from_web_identity(c, g, desc, tried, err);
		break;
	case SRC_PROFILE:
		rc = from_profile(c, g, desc, tried, err);
		break;
	case SRC_CONTAINER:
		if ((rc = from_container(c, g, tried, err)) == 1)
			buf_adds(desc, "container");
		break;
	case SRC_IMDS:
		if ((rc = from_imds(c, g, tried, err)) == 1)
			buf_adds(desc, "instance metadata");
		break;
	}
	if (rc != 1)
		got_release(g);
	return rc;
}

/* The provider's fetch: the source that answered first, again. */
static int
fetch(void *ctx, time_t now, struct aws_creds *out, time_t *expiration,
    struct err *err)
{
	struct chain	*c = ctx;
	struct buf	 desc = BUF_INIT, tried = BUF_INIT;
	struct got	 g;
	int		 rc;

	c->now = now;
	rc = ask(c, c->source, &g, &desc, &tried, err);
	if (rc == 0)
		err_set(err, "%s", buf_str(&tried));
	buf_release(&desc);
	buf_release(&tried);
	if (rc != 1)
		return -1;
	*out = g.creds;
	*expiration = g.expiration;
	return 0;
}

static void
chain_free(void *ctx)
{
	struct chain	*c = ctx;

	if (c == NULL)
		return;
	aws_profiles_release(&c->files);
	free(c->config_path);
	free(c->creds_path);
	free(c->profile);
	free(c->region);
	free(c->sts_endpoint);
	if (c->o.owned_free != NULL)
		c->o.owned_free(c->o.owned);
	free(c);
}

/* The shared files, from AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
 * or beside HOME. */
static int
load_files(struct chain *c, struct err *err)
{
	const char	*v;
	int		 found;

	if ((v = env(c, "AWS_CONFIG_FILE")) != NULL)
		c->config_path = expand_home(c, v);
	else if (env(c, "HOME") != NULL)
		c->config_path = xasprintf("%s/.aws/config", env(c, "HOME"));
	if ((v = env(c, "AWS_SHARED_CREDENTIALS_FILE")) != NULL)
		c->creds_path = expand_home(c, v);
	else if (env(c, "HOME") != NULL)
		c->creds_path = xasprintf("%s/.aws/credentials",
		    env(c, "HOME"));
	if (c->config_path != NULL && aws_profiles_load(&c->files,
	    c->config_path, AWS_FILE_CONFIG, &found, err) == -1)
		return -1;
	if (c->creds_path != NULL && aws_profiles_load(&c->files,
	    c->creds_path, AWS_FILE_CREDENTIALS, &found, err) == -1)
		return -1;
	return 0;
}

/* The region and endpoint of STS. */
static int
sts_setup(struct chain *c, struct err *err)
{
	const struct aws_profile	*p;
	const char			*region, *ep = NULL;
	char				*regional;

	p = aws_profiles_find(&c->files, c->profile);
	if ((region = env(c, "AWS_REGION")) == NULL &&
	    (region = env(c, "AWS_DEFAULT_REGION")) == NULL &&
	    (region = aws_profile_get(p, "region")) == NULL)
		region = STS_DEFAULT_REGION;
	if (sts_endpoint_for_region(region, &regional, err) == -1)
		return err_prefix(err, "the region for STS");
	if (!env_true(c, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") &&
	    (ep = env(c, "AWS_ENDPOINT_URL_STS")) == NULL)
		ep = env(c, "AWS_ENDPOINT_URL");
	if (ep != NULL && strncasecmp(ep, "https://", 8) != 0 &&
	    strncasecmp(ep, "http://", 7) != 0) {
		free(regional);
		return err_set(err, "STS endpoint '%s' is not an http:// or "
		    "https:// URL", ep);
	}
	c->region = xstrdup(region);
	if (ep != NULL) {
		c->sts_endpoint = xstrdup(ep);
		free(regional);
	} else
		c->sts_endpoint = regional;
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
	    aws_profiles_find(&c->files, c->profile) != NULL)
		return 0;
	/* A profile asked for by name must exist, as in the AWS CLI. */
	files_text(c, &b);
	err_set(err, "profile '%s' (from %s): %s", c->profile,
	    c->profile_from, buf_str(&b));
	buf_release(&b);
	return -1;
}

struct aws_creds_provider *
aws_chain_open(const struct aws_chain_opts *o, struct err *err)
{
	static const enum source	 order[] = {
		SRC_ENV, SRC_WEB_IDENTITY, SRC_PROFILE, SRC_CONTAINER, SRC_IMDS
	};
	struct aws_creds_provider	*p = NULL;
	struct chain			*c;
	struct buf			 desc = BUF_INIT, tried = BUF_INIT;
	struct got			 g;
	char				 when[21];
	size_t				 i;
	int				 rc = 0;

	c = xcalloc(1, sizeof(*c));
	c->o = *o;
	c->now = o->clock();
	if (load_files(c, err) == -1 || select_profile(c, err) == -1 ||
	    sts_setup(c, err) == -1)
		goto fail;
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		buf_reset(&desc);
		if ((rc = ask(c, order[i], &g, &desc, &tried, err)) != 0)
			break;
	}
	if (rc == -1)
		goto fail;
	if (rc == 0) {
		err_set(err, "no AWS credentials found; tried: %s",
		    buf_str(&tried));
		goto fail;
	}
	if (g.expiration != 0 && g.expiration <= c->now) {
		aws_time_format(g.expiration, when);
		got_release(&g);
		err_set(err, "the AWS credentials from %s expired at %s",
		    buf_str(&desc), when);
		goto fail;
	}
	c->source = order[i];
	p = xcalloc(1, sizeof(*p));
	p->creds = g.creds;
	p->expiration = g.expiration;
	p->source = buf_detach(&desc);
	p->fetch = fetch;
	p->ctx = c;
	p->ctx_free = chain_free;
	buf_release(&tried);
	return p;
fail:
	chain_free(c);
	buf_release(&desc);
	buf_release(&tried);
	return NULL;
}

const struct sts_client *
aws_chain_sts(const struct aws_creds_provider *p)
{
	if (p == NULL || p->fetch != fetch)
		return NULL;
	return &((const struct chain *)p->ctx)->sts;
}
