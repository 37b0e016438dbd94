/*
 * check_creds.c - the credentials chain: each source and their
 * precedence, role chains and loops, credential_process, container
 * credentials, instance metadata, STS answers, and the provider's refresh
 * against a fake clock.  Each source alone, outside the chain:
 * check_cred_sources.c; the shared files' dialect, times and credentials
 * JSON: check_cred_formats.c.
 *
 * The network is a fake transport that plays STS, the container endpoint
 * and IMDS; files live in a temporary folder; the environment is a table.
 */
#include <check.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/chain.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/metadata.h"
#include "mailauth/process.h"
#include "mailauth/profile.h"
#include "mailauth/route53.h"
#include "mailauth/sts.h"

Suite	*creds_suite(void);

#define NOW		1700000000	/* 2023-11-14T22:13:20Z */
#define STS_URL		"http://sts.test"
#define IMDS_URL	"http://127.0.0.1:9"
#define OIDC_TOKEN	"eyJoidc.web-identity.TOKEN"
#define CONTAINER_TOKEN	"container-auth-TOKEN"

static time_t	 clock_now = NOW;

static time_t
fake_clock(void)
{
	return clock_now;
}

/* ---- the world: environment, files, network, processes ---------------- */

#define MAXENV	32
#define MAXLOG	32

struct world {
	char		 dir[64];
	const char	*env_k[MAXENV];
	char		*env_v[MAXENV];
	size_t		 nenv;

	/* the fake network */
	char		*log[MAXLOG];		/* "METHOD URL" */
	char		*auth[MAXLOG];		/* Authorization or "" */
	char		*token[MAXLOG];		/* X-Amz-Security-Token or "" */
	char		*body[MAXLOG];
	size_t		 nlog;
	int		 sts_fail;		/* answer STS with AccessDenied */
	int		 serial;		/* of the credentials STS hands out */
	long		 container_status;	/* 0: 200 */
	const char	*container_json;	/* NULL: good credentials */
	int		 imds_no_role;
	int		 imds_down;

	/* the fake process runner */
	const char	*proc_out;
	int		 proc_status;
	int		 proc_fail;		/* the runner itself fails */
	char		*proc_cmd;
	int		 nproc;

	struct http_transport		 http;
	struct aws_process_runner	 runner;
	struct err			 err;
};

static const char *
world_env(void *ctx, const char *name)
{
	struct world	*w = ctx;
	size_t		 i;

	for (i = 0; i < w->nenv; i++)
		if (strcmp(w->env_k[i], name) == 0)
			return w->env_v[i];
	return NULL;
}

static void
setenv_w(struct world *w, const char *k, const char *v)
{
	size_t	 i;

	for (i = 0; i < w->nenv; i++)
		if (strcmp(w->env_k[i], k) == 0) {
			free(w->env_v[i]);
			w->env_v[i] = xstrdup(v);
			return;
		}
	ck_assert_uint_lt(w->nenv, MAXENV);
	w->env_k[w->nenv] = k;
	w->env_v[w->nenv++] = xstrdup(v);
}

/* Writes dir/name and returns its path (static until the next call). */
static const char *
put_file(struct world *w, const char *name, const char *text)
{
	static char	 path[128];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", w->dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	return path;
}

static void
config(struct world *w, const char *text)
{
	put_file(w, ".aws/config", text);
}

static void
credentials(struct world *w, const char *text)
{
	put_file(w, ".aws/credentials", text);
}

/* The decoded value of key in a form body, malloc'd, or NULL. */
static char *
form_get(const char *body, const char *key)
{
	struct buf	 b = BUF_INIT;
	const char	*p = body;
	size_t		 kl = strlen(key);
	unsigned int	 c;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			buf_adds(&b, "");
			for (p += kl + 1; *p != '\0' && *p != '&'; p++) {
				if (*p == '%' && sscanf(p + 1, "%2x", &c) == 1) {
					buf_addc(&b, (char)c);
					p += 2;
				} else
					buf_addc(&b, *p);
			}
			return buf_detach(&b);
		}
		if ((p = strchr(p, '&')) != NULL)
			p++;
	}
	return NULL;
}

static void
reply(struct http_response *resp, long status, const char *body)
{
	resp->status = status;
	buf_adds(&resp->body, body);
}

static void
sts_answer(struct world *w, const char *body, struct http_response *resp)
{
	char	*action = form_get(body, "Action");
	char	*role = form_get(body, "RoleArn");
	char	*session = form_get(body, "RoleSessionName");
	char	*dur = form_get(body, "DurationSeconds");
	char	 exp[21];
	int	 n;

	ck_assert_ptr_nonnull(action);
	if (w->sts_fail) {
		reply(resp, 403, "<ErrorResponse><Error><Type>Sender</Type>"
		    "<Code>AccessDenied</Code><Message>not authorized to "
		    "assume; echo: " OIDC_TOKEN " sec-ASIA1 basesecret"
		    "</Message></Error></ErrorResponse>");
	} else if (strcmp(action, "GetCallerIdentity") == 0) {
		reply(resp, 200, "<GetCallerIdentityResponse><GetCallerIdentity"
		    "Result><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
		    "<UserId>AIDAEXAMPLE</UserId><Account>123456789012"
		    "</Account></GetCallerIdentityResult>"
		    "</GetCallerIdentityResponse>");
	} else {
		n = ++w->serial;
		aws_time_format(clock_now + (dur != NULL ? atol(dur) : 3600),
		    exp);
		buf_addf(&resp->body, "<%sResponse xmlns=\"https://sts."
		    "amazonaws.com/doc/2011-06-15/\"><%sResult><Credentials>"
		    "<AccessKeyId>ASIA%d</AccessKeyId><SecretAccessKey>"
		    "sec-ASIA%d</SecretAccessKey><SessionToken>tok-ASIA%d"
		    "</SessionToken><Expiration>%s</Expiration></Credentials>"
		    "<AssumedRoleUser><Arn>%s/%s</Arn></AssumedRoleUser>"
		    "</%sResult></%sResponse>", action, action, n, n, n, exp,
		    role, session, action, action);
		resp->status = 200;
	}
	free(action);
	free(role);
	free(session);
	free(dur);
}

static void
metadata_answer(struct world *w, const struct http_request *req,
    struct http_response *resp)
{
	const char	*path = req->url + strlen(IMDS_URL);
	char		 exp[21];

	aws_time_format(clock_now + 6 * 3600, exp);
	if (strcmp(req->method, "PUT") == 0 &&
	    strcmp(path, "/latest/api/token") == 0) {
		ck_assert_str_eq(http_request_header_get(req,
		    "X-aws-ec2-metadata-token-ttl-seconds"), "21600");
		reply(resp, 200, "imds-session-token");
		return;
	}
	ck_assert_str_eq(http_request_header_get(req,
	    "X-aws-ec2-metadata-token"), "imds-session-token");
	if (strcmp(path, "/latest/meta-data/iam/security-credentials/") == 0)
		reply(resp, w->imds_no_role ? 404 : 200, w->imds_no_role ?
		    "" : "web-role\n");
	else if (strcmp(path,
	    "/latest/meta-data/iam/security-credentials/web-role") == 0) {
		buf_addf(&resp->body, "{\"Code\": \"Success\", \"AccessKeyId\":"
		    " \"ASIAIMDS\", \"SecretAccessKey\": \"imds-secret\", "
		    "\"Token\": \"imds-token\", \"Expiration\": \"%s\"}", exp);
		resp->status = 200;
	} else
		reply(resp, 404, "");
}

static int
world_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct world	*w = ctx;
	const char	*a, *t;
	char		 exp[21];

	ck_assert_uint_lt(w->nlog, MAXLOG);
	w->log[w->nlog] = xasprintf("%s %s", req->method, req->url);
	a = http_request_header_get(req, "Authorization");
	t = http_request_header_get(req, "X-Amz-Security-Token");
	w->auth[w->nlog] = xstrdup(a != NULL ? a : "");
	w->token[w->nlog] = xstrdup(t != NULL ? t : "");
	w->body[w->nlog] = req->body != NULL ? xstrndup(req->body,
	    req->body_len) : xstrdup("");
	w->nlog++;
	http_response_init(resp);
	if (strncmp(req->url, STS_URL "/", strlen(STS_URL) + 1) == 0) {
		/* Described for a retrying transport. */
		ck_assert_ptr_nonnull(req->op);
		ck_assert_int_eq(strncmp(req->op, "STS ", 4), 0);
		ck_assert_int_eq(req->idempotent, 1);
		ck_assert_ptr_nonnull(req->error_code);
		ck_assert_int_eq(req->sign != NULL, a != NULL);
		sts_answer(w, w->body[w->nlog - 1], resp);
		return 0;
	}
	if (strncmp(req->url, IMDS_URL, strlen(IMDS_URL)) == 0) {
		if (w->imds_down)
			return err_set(err, "cannot reach '%s': refused",
			    req->url);
		metadata_answer(w, req, resp);
		return 0;
	}
	/* the container endpoint */
	if (w->container_status != 0) {
		reply(resp, w->container_status, "{\"message\": \"denied "
		    CONTAINER_TOKEN "\"}");
		return 0;
	}
	if (w->container_json != NULL) {
		reply(resp, 200, w->container_json);
		return 0;
	}
	aws_time_format(clock_now + 3600, exp);
	resp->status = 200;
	buf_addf(&resp->body, "{\"AccessKeyId\": \"ASIACONT\", "
	    "\"SecretAccessKey\": \"cont-secret\", \"Token\": \"cont-token\", "
	    "\"Expiration\": \"%s\", \"RoleArn\": \"arn:aws:iam::1:role/task"
	    "\"}", exp);
	return 0;
}

static int
fake_run(void *ctx, const char *command, size_t max_out,
    unsigned int timeout_s, struct buf *out, int *status, struct err *err)
{
	struct world	*w = ctx;

	ck_assert_uint_eq(max_out, AWS_PROCESS_OUT_MAX);
	ck_assert_uint_eq(timeout_s, AWS_PROCESS_TIMEOUT_S);
	free(w->proc_cmd);
	w->proc_cmd = xstrdup(command);
	w->nproc++;
	if (w->proc_fail)
		return err_set(err, "did not finish within %u s", timeout_s);
	buf_adds(out, w->proc_out != NULL ? w->proc_out : "");
	*status = w->proc_status;
	return 0;
}

static void
world_init(struct world *w)
{
	char	 path[128];

	memset(w, 0, sizeof(*w));
	clock_now = NOW;
	snprintf(w->dir, sizeof(w->dir), "/tmp/mailauth-creds-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(w->dir));
	snprintf(path, sizeof(path), "%s/.aws", w->dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	setenv_w(w, "HOME", w->dir);
	setenv_w(w, "AWS_ENDPOINT_URL_STS", STS_URL);
	setenv_w(w, "AWS_EC2_METADATA_SERVICE_ENDPOINT", IMDS_URL);
	w->http.send = world_send;
	w->http.ctx = w;
	w->runner.run = fake_run;
	w->runner.ctx = w;
	err_clear(&w->err);
}

static void
world_release(struct world *w)
{
	char	 cmd[160];
	size_t	 i;

	for (i = 0; i < w->nenv; i++)
		free(w->env_v[i]);
	for (i = 0; i < w->nlog; i++) {
		free(w->log[i]);
		free(w->auth[i]);
		free(w->token[i]);
		free(w->body[i]);
	}
	free(w->proc_cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	ck_assert_int_eq(system(cmd), 0);
}

static struct aws_creds_provider *
open_chain(struct world *w, const char *profile)
{
	struct aws_chain_opts	 o;

	memset(&o, 0, sizeof(o));
	o.env = world_env;
	o.env_ctx = w;
	o.clock = fake_clock;
	o.http = &w->http;
	o.metadata = &w->http;
	o.runner = &w->runner;
	o.profile = profile;
	err_clear(&w->err);
	return aws_chain_open(&o, &w->err);
}

/* The chain's credentials and source, checked. */
static struct aws_creds_provider *
expect(struct world *w, const char *profile, const char *akid,
    const char *source)
{
	struct aws_creds_provider	*p = open_chain(w, profile);

	ck_assert_msg(p != NULL, "chain failed: %s", w->err.msg);
	ck_assert_str_eq(p->creds.access_key_id, akid);
	ck_assert_str_eq(p->source, source);
	return p;
}

static void
expect_error(struct world *w, const char *profile, const char *msg)
{
	struct aws_creds_provider	*p = open_chain(w, profile);

	ck_assert_msg(p == NULL, "chain found %s from %s",
	    p != NULL ? p->creds.access_key_id : "", p != NULL ? p->source :
	    "");
	ck_assert_msg(strstr(w->err.msg, msg) != NULL, "error '%s' lacks "
	    "'%s'", w->err.msg, msg);
}

/* No secret of the tests may be in a message. */
static void
no_secrets(const char *msg)
{
	static const char *const	 s[] = {
		OIDC_TOKEN, CONTAINER_TOKEN, "basesecret", "sec-ASIA",
		"tok-ASIA", "procsecret", "imds-secret", "cont-secret",
		"imds-session-token", NULL
	};
	size_t				 i;

	for (i = 0; s[i] != NULL; i++)
		ck_assert_msg(strstr(msg, s[i]) == NULL, "'%s' in '%s'", s[i],
		    msg);
}

/* ---- precedence ----------------------------------------------------------- */

START_TEST(test_env_only)
{
	struct world			 w;
	struct aws_creds_provider	*p;

	world_init(&w);
	setenv_w(&w, "AWS_ACCESS_KEY_ID", "AKIAENV");
	setenv_w(&w, "AWS_SECRET_ACCESS_KEY", "envsecret");
	setenv_w(&w, "AWS_SESSION_TOKEN", "envtoken");
	p = expect(&w, NULL, "AKIAENV", "environment");
	ck_assert_str_eq(p->creds.session_token, "envtoken");
	ck_assert_int_eq(p->expiration, 0);
	ck_assert_uint_eq(w.nlog, 0);
	ck_assert_ptr_nonnull(aws_chain_sts(p));
	ck_assert_str_eq(aws_chain_sts(p)->endpoint, STS_URL);
	aws_creds_provider_free(p);
	/* Half a pair is an error, not a reason to look further. */
	credentials(&w, "[default]\naws_access_key_id = AKIAFILE\n"
	    "aws_secret_access_key = filesecret\n");
	setenv_w(&w, "AWS_SECRET_ACCESS_KEY", "");
	expect_error(&w, NULL, "AWS_ACCESS_KEY_ID is set but "
	    "AWS_SECRET_ACCESS_KEY is not");
	world_release(&w);
}
END_TEST

START_TEST(test_profile_option_beats_env)
{
	struct world			 w;
	struct aws_creds_provider	*p;

	world_init(&w);
	credentials(&w, "[dev]\naws_access_key_id = AKIADEV\n"
	    "aws_secret_access_key = devsecret\n"
	    "[default]\naws_access_key_id = AKIADEF\n"
	    "aws_secret_access_key = defsecret\n");
	setenv_w(&w, "AWS_ACCESS_KEY_ID", "AKIAENV");
	setenv_w(&w, "AWS_SECRET_ACCESS_KEY", "envsecret");
	/* AWS_PROFILE does not beat environment keys... */
	setenv_w(&w, "AWS_PROFILE", "dev");
	p = expect(&w, NULL, "AKIAENV", "environment");
	aws_creds_provider_free(p);
	/* ... --profile does, and wins over AWS_PROFILE. */
	p = expect(&w, "default", "AKIADEF", "profile default (static keys)");
	aws_creds_provider_free(p);
	setenv_w(&w, "AWS_ACCESS_KEY_ID", "");
	setenv_w(&w, "AWS_SECRET_ACCESS_KEY", "");
	p = expect(&w, NULL, "AKIADEV", "profile dev (static keys)");
	aws_creds_provider_free(p);
	/* A profile named by AWS_PROFILE or --profile must exist. */
	setenv_w(&w, "AWS_PROFILE", "nosuch");
	expect_error(&w, NULL, "profile 'nosuch' (from AWS_PROFILE): not in '");
	expect_error(&w, "other", "profile 'other' (from --profile): not in '");
	world_release(&w);
}
END_TEST

START_TEST(test_file_order)
{
	struct world			 w;
	struct aws_creds_provider	*p;

	world_init(&w);
	/* Static keys of the credentials file, then credential_process,
	 * then static keys of the config file. */
	config(&w, "[default]\naws_access_key_id = AKIACONFIG\n"
	    "aws_secret_access_key = configsecret\n"
	    "credential_process = make-creds\n");
	credentials(&w, "[default]\naws_access_key_id = AKIACREDS\n"
	    "aws_secret_access_key = credssecret\n");
	p = expect(&w, NULL, "AKIACREDS", "profile default (static keys)");
	aws_creds_provider_free(p);
	credentials(&w, "");
	w.proc_out = "{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", "
	    "\"SecretAccessKey\": \"procsecret\"}";
	p = expect(&w, NULL, "AKIAPROC", "credential_process (profile "
	    "default)");
	ck_assert_str_eq(w.proc_cmd, "make-creds");
	aws_creds_provider_free(p);
	config(&w, "[default]\naws_access_key_id = AKIACONFIG\n"
	    "aws_secret_access_key = configsecret\n");
	p = expect(&w, NULL, "AKIACONFIG", "profile default (static keys)");
	aws_creds_provider_free(p);
	config(&w, "[default]\naws_access_key_id = AKIACONFIG\n");
	expect_error(&w, NULL, "profile 'default' in the config file has "
	    "aws_access_key_id but not aws_secret_access_key");
	/* Files named by the environment, "~" expanded. */
	put_file(&w, "elsewhere", "[profile x]\naws_access_key_id = AKIAX\n"
	    "aws_secret_access_key = xsecret\n");
	setenv_w(&w, "AWS_CONFIG_FILE", "~/elsewhere");
	p = expect(&w, "x", "AKIAX", "profile x (static keys)");
	aws_creds_provider_free(p);
	put_file(&w, "creds2", "[x]\naws_access_key_id = AKIAX2\n"
	    "aws_secret_access_key = xsecret\n");
	setenv_w(&w, "AWS_SHARED_CREDENTIALS_FILE", "~/creds2");
	p = expect(&w, "x", "AKIAX2", "profile x (static keys)");
	aws_creds_provider_free(p);
	/* A broken file stops everything, naming the line. */
	put_file(&w, "elsewhere", "[profile x]\nno delimiter\n");
	expect_error(&w, "x", "/elsewhere:2: expected 'name = value'");
	world_release(&w);
}
END_TEST

START_TEST(test_nothing_found)
{
	struct world	 w;
	char		 want[1024];

	world_init(&w);
	setenv_w(&w, "AWS_EC2_METADATA_DISABLED", "true");
	snprintf(want, sizeof(want), "no AWS credentials found; tried: "
	    "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not "
	    "set; web identity: AWS_WEB_IDENTITY_TOKEN_FILE is not set and "
	    "profile 'default' has no web_identity_token_file; profile "
	    "'default': not in '%s/.aws/config' or '%s/.aws/credentials'; "
	    "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set; instance "
	    "metadata: AWS_EC2_METADATA_DISABLED is true", w.dir, w.dir);
	expect_error(&w, NULL, want);
	ck_assert_str_eq(w.err.msg, want);
	ck_assert_uint_eq(w.nlog, 0);
	/* A profile without credentials, and IMDS with no role. */
	config(&w, "[default]\nregion = eu-west-1\n");
	setenv_w(&w, "AWS_EC2_METADATA_DISABLED", "false");
	w.imds_no_role = 1;
	expect_error(&w, NULL, "profile 'default': no aws_access_key_id, "
	    "role_arn or credential_process in it; container: ");
	ck_assert_ptr_nonnull(strstr(w.err.msg, "instance metadata: no IAM "
	    "role is attached to this instance"));
	/* No HOME, no files; IMDS that does not answer. */
	setenv_w(&w, "HOME", "");
	w.imds_down = 1;
	expect_error(&w, NULL, "profile 'default': no shared files (HOME is "
	    "not set)");
	ck_assert_ptr_nonnull(strstr(w.err.msg, "instance metadata: cannot "
	    "reach '" IMDS_URL "/latest/api/token'"));
	world_release(&w);
}
END_TEST

/* ---- web identity ---------------------------------------------------------- */

START_TEST(test_web_identity)
{
	struct world			 w;
	struct aws_creds_provider	*p;
	char				*v;

	world_init(&w);
	put_file(&w, "oidc", OIDC_TOKEN "\n");
	credentials(&w, "[default]\naws_access_key_id = AKIAFILE\n"
	    "aws_secret_access_key = filesecret\n");
	setenv_w(&w, "AWS_WEB_IDENTITY_TOKEN_FILE", "~/oidc");
	setenv_w(&w, "AWS_ROLE_ARN", "arn:aws:iam::1:role/gha");
	setenv_w(&w, "AWS_ROLE_SESSION_NAME", "run-42");
	/* Before the shared files, even with --profile. */
	p = expect(&w, "default", "ASIA1", "web identity");
	ck_assert_str_eq(p->creds.secret_access_key, "sec-ASIA1");
	ck_assert_str_eq(p->creds.session_token, "tok-ASIA1");
	ck_assert_int_eq(p->expiration, NOW + 3600);
	ck_assert_uint_eq(w.nlog, 1);
	ck_assert_str_eq(w.log[0], "POST " STS_URL "/");
	ck_assert_str_eq(w.auth[0], "");	/* unsigned */
	v = form_get(w.body[0], "Action");
	ck_assert_str_eq(v, "AssumeRoleWithWebIdentity");
	free(v);
	v = form_get(w.body[0], "WebIdentityToken");
	ck_assert_str_eq(v, OIDC_TOKEN);
	free(v);
	v = form_get(w.body[0], "RoleSessionName");
	ck_assert_str_eq(v, "run-42");
	free(v);
	ck_assert_ptr_nonnull(strstr(w.body[0], "Version=2011-06-15"));
	aws_creds_provider_free(p);
	/* Environment keys come first. */
	setenv_w(&w, "AWS_ACCESS_KEY_ID", "AKIAENV");
	setenv_w(&w, "AWS_SECRET_ACCESS_KEY", "envsecret");
	p = expect(&w, NULL, "AKIAENV", "environment");
	aws_creds_provider_free(p);
	setenv_w(&w, "AWS_ACCESS_KEY_ID", "");
	setenv_w(&w, "AWS_SECRET_ACCESS_KEY", "");
	/* Failures are errors, and never show the token. */
	w.sts_fail = 1;
	expect_error(&w, NULL, "web identity: role 'arn:aws:iam::1:role/gha': "
	    "STS AssumeRoleWithWebIdentity: AccessDenied: not authorized to "
	    "assume; echo: [redacted] sec-ASIA1 basesecret");
	ck_assert_ptr_null(strstr(w.err.msg, OIDC_TOKEN));
	w.sts_fail = 0;
	setenv_w(&w, "AWS_ROLE_ARN", "");
	expect_error(&w, NULL, "web identity: AWS_WEB_IDENTITY_TOKEN_FILE is "
	    "set but AWS_ROLE_ARN is not");
	setenv_w(&w, "AWS_ROLE_ARN", "arn:aws:iam::1:role/gha");
	setenv_w(&w, "AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/oidc");
	expect_error(&w, NULL, "web identity: cannot read '/nonexistent/oidc' "
	    "(AWS_WEB_IDENTITY_TOKEN_FILE): No such file or directory");
	put_file(&w, "empty", "\n");
	setenv_w(&w, "AWS_WEB_IDENTITY_TOKEN_FILE", "~/empty");
	expect_error(&w, NULL, "(AWS_WEB_IDENTITY_TOKEN_FILE) holds no token");
	world_release(&w);
}
END_TEST

START_TEST(test_web_identity_profile)
{
	struct world			 w;
	struct aws_creds_provider	*p;
	char				*v;

	world_init(&w);
	put_file(&w, "oidc", OIDC_TOKEN);
	config(&w, "[profile ci]\nrole_arn = arn:aws:iam::2:role/ci\n"
	    "web_identity_token_file = ~/oidc\nduration_seconds = 900\n"
	    "[profile bad]\nweb_identity_token_file = ~/oidc\n");
	p = expect(&w, "ci", "ASIA1", "web identity (profile ci)");
	ck_assert_int_eq(p->expiration, NOW + 900);
	v = form_get(w.body[0], "RoleArn");
	ck_assert_str_eq(v, "arn:aws:iam::2:role/ci");
	free(v);
	v = form_get(w.body[0], "RoleSessionName");
	ck_assert_str_eq(v, "mailauth-1700000000");
	free(v);
	v = form_get(w.body[0], "DurationSeconds");
	ck_assert_str_eq(v, "900");
	free(v);
	aws_creds_provider_free(p);
	expect_error(&w, "bad", "web identity: profile 'bad' has "
	    "web_identity_token_file but no role_arn");
	world_release(&w);
}
END_TEST

/* ---- roles ------------------------------------------------------------------ */

static const char roles_config[] =
    "[profile ci]\n"
    "role_arn = arn:aws:iam::111:role/deployer\n"
    "source_profile = base\n"
    "external_id = ext-1\n"
    "role_session_name = ci-run\n"
    "[profile second]\n"
    "role_arn = arn:aws:iam::222:role/second\n"
    "source_profile = ci\n"
    "duration_seconds = 7200\n"
    "[profile loop1]\n"
    "role_arn = arn:aws:iam::1:role/a\n"
    "source_profile = loop2\n"
    "[profile loop2]\n"
    "role_arn = arn:aws:iam::1:role/b\n"
    "source_profile = loop3\n"
    "[profile loop3]\n"
    "role_arn = arn:aws:iam::1:role/c\n"
    "source_profile = loop1\n"
    "[profile selfish]\n"
    "role_arn = arn:aws:iam::1:role/self\n"
    "source_profile = selfish\n"
    "[profile orphan]\n"
    "role_arn = arn:aws:iam::1:role/o\n"
    "source_profile = missing\n"
    "[profile empty-source]\n"
    "role_arn = arn:aws:iam::1:role/e\n"
    "source_profile = nothing\n"
    "[profile nothing]\n"
    "region = us-east-2\n"
    "[profile nosource]\n"
    "role_arn = arn:aws:iam::1:role/n\n"
    "[profile both]\n"
    "role_arn = arn:aws:iam::1:role/n\n"
    "source_profile = base\n"
    "credential_source = Environment\n"
    "[profile mfa]\n"
    "role_arn = arn:aws:iam::1:role/n\n"
    "source_profile = base\n"
    "mfa_serial = arn:aws:iam::1:mfa/me\n"
    "[profile fromenv]\n"
    "role_arn = arn:aws:iam::3:role/env\n"
    "credential_source = Environment\n"
    "[profile fromimds]\n"
    "role_arn = arn:aws:iam::3:role/imds\n"
    "credential_source = Ec2InstanceMetadata\n"
    "[profile badsource]\n"
    "role_arn = arn:aws:iam::3:role/x\n"
    "credential_source = Laptop\n"
    "[profile longrole]\n"
    "role_arn = arn:aws:iam::3:role/x\n"
    "source_profile = base\n"
    "duration_seconds = 99999\n"
    "[profile viaproc]\n"
    "role_arn = arn:aws:iam::4:role/p\n"
    "source_profile = proc\n"
    "[profile proc]\n"
    "credential_process = get-creds --json\n"
    "[profile sso]\n"
    "sso_session = corp\n"
    "sso_account_id = 1\n";

static const char roles_credentials[] =
    "[base]\n"
    "aws_access_key_id = AKIABASE\n"
    "aws_secret_access_key = basesecret\n"
    "[selfish]\n"
    "aws_access_key_id = AKIASELF\n"
    "aws_secret_access_key = basesecret\n";

START_TEST(test_role_chain)
{
	struct world			 w;
	struct aws_creds_provider	*p;
	char				*v;

	world_init(&w);
	config(&w, roles_config);
	credentials(&w, roles_credentials);
	p = expect(&w, "ci", "ASIA1", "profile ci (role_arn via "
	    "source_profile base)");
	ck_assert_uint_eq(w.nlog, 1);
	ck_assert_msg(strncmp(w.auth[0], "AWS4-HMAC-SHA256 Credential="
	    "AKIABASE/20231114/us-east-1/sts/aws4_request", 72) == 0, "%s",
	    w.auth[0]);
	v = form_get(w.body[0], "Action");
	ck_assert_str_eq(v, "AssumeRole");
	free(v);
	v = form_get(w.body[0], "ExternalId");
	ck_assert_str_eq(v, "ext-1");
	free(v);
	v = form_get(w.body[0], "RoleSessionName");
	ck_assert_str_eq(v, "ci-run");
	free(v);
	aws_creds_provider_free(p);

	/* Two roles: the second AssumeRole is signed with the first's
	 * temporary credentials. */
	p = expect(&w, "second", "ASIA3", "profile second (role_arn via "
	    "source_profile ci, role_arn via source_profile base)");
	ck_assert_uint_eq(w.nlog, 3);
	ck_assert_ptr_nonnull(strstr(w.auth[2], "Credential=ASIA2/"));
	ck_assert_str_eq(w.token[2], "tok-ASIA2");
	v = form_get(w.body[2], "RoleArn");
	ck_assert_str_eq(v, "arn:aws:iam::222:role/second");
	free(v);
	ck_assert_int_eq(p->expiration, NOW + 7200);
	aws_creds_provider_free(p);

	/* A profile may use its own static keys for its role. */
	p = expect(&w, "selfish", "ASIA4", "profile selfish (role_arn via "
	    "source_profile selfish)");
	ck_assert_ptr_nonnull(strstr(w.auth[3], "Credential=AKIASELF/"));
	aws_creds_provider_free(p);

	/* The source is a credential_process. */
	w.proc_out = "{\"Version\": 1, \"AccessKeyId\": \"AKIAPROC\", "
	    "\"SecretAccessKey\": \"procsecret\"}";
	p = expect(&w, "viaproc", "ASIA5", "profile viaproc (role_arn via "
	    "source_profile proc, credential_process)");
	ck_assert_ptr_nonnull(strstr(w.auth[4], "Credential=AKIAPROC/"));
	aws_creds_provider_free(p);

	/* credential_source */
	setenv_w(&w, "AWS_ACCESS_KEY_ID", "AKIAENV");
	setenv_w(&w, "AWS_SECRET_ACCESS_KEY", "envsecret");
	p = expect(&w, "fromenv", "ASIA6", "profile fromenv (role_arn via "
	    "credential_source Environment)");
	ck_assert_ptr_nonnull(strstr(w.auth[5], "Credential=AKIAENV/"));
	aws_creds_provider_free(p);
	p = expect(&w, "fromimds", "ASIA7", "profile fromimds (role_arn via "
	    "credential_source Ec2InstanceMetadata)");
	ck_assert_ptr_nonnull(strstr(w.auth[9], "Credential=ASIAIMDS/"));
	ck_assert_str_eq(w.token[9], "imds-token");
	aws_creds_provider_free(p);
	world_release(&w);
}
END_TEST

static const struct {
	const char	*profile;
	const char	*msg;
} role_errors[] = {
	{ "loop1", "profiles form a loop through source_profile: 'loop1' -> "
	  "'loop2' -> 'loop3' -> 'loop1'" },
	{ "orphan", "profile 'orphan': its source_profile 'missing' does not "
	  "exist" },
	{ "empty-source", "profile 'empty-source': its source_profile "
	  "'nothing' has no credentials" },
	{ "nosource", "profile 'nosource' has role_arn but no source_profile, "
	  "credential_source or web_identity_token_file" },
	{ "both", "profile 'both' has both source_profile and "
	  "credential_source" },
	{ "mfa", "profile 'mfa' needs an MFA code (mfa_serial)" },
	{ "fromenv", "profile 'fromenv': credential_source Environment: "
	  "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not "
	  "set" },
	{ "badsource", "profile 'badsource': credential_source 'Laptop' is not "
	  "Environment, Ec2InstanceMetadata or EcsContainer" },
	{ "longrole", "profile 'longrole': duration_seconds must be a number "
	  "of seconds from 900 to 43200, got '99999'" },
	{ "sso", "profile 'sso' uses IAM Identity Center (sso_*), which "
	  "mailauth does not read; set credential_process = aws configure "
	  "export-credentials --profile sso --format process" },
	{ "ci", "profile 'ci': role 'arn:aws:iam::111:role/deployer': STS "
	  "AssumeRole: AccessDenied: not authorized to assume; echo: "
	  "eyJoidc.web-identity.TOKEN sec-ASIA1 [redacted]" },
};

START_TEST(test_role_errors)
{
	struct world	 w;

	world_init(&w);
	config(&w, roles_config);
	credentials(&w, roles_credentials);
	w.sts_fail = strcmp(role_errors[_i].profile, "ci") == 0;
	expect_error(&w, role_errors[_i].profile, role_errors[_i].msg);
	/* Only the signing secret is known to the STS call, so only it is
	 * redacted; the others are not secrets here. */
	ck_assert_ptr_null(strstr(w.err.msg, "basesecret"));
	if (!w.sts_fail)
		ck_assert_uint_eq(w.nlog, 0);
	world_release(&w);
}
END_TEST

/* ---- credential_process -------------------------------------------------- */

static const struct {
	const char	*out;
	int		 status;
	int		 fail;
	const char	*msg;
} process_cases[] = {
	{ "", 1, 0, "credential_process of profile 'p' exited with status 1" },
	{ "", 128 + 9, 0, "credential_process of profile 'p' was killed by "
	  "signal 9" },
	{ "", 0, 1, "credential_process of profile 'p': did not finish within "
	  "60 s" },
	{ "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
	  "\"procsecret\"", 0, 0, "credential_process of profile 'p' printed "
	  "no usable credentials: not valid JSON" },
	{ "{\"Version\": 1, \"AccessKeyId\": \"A\"}", 0, 0,
	  "credential_process of profile 'p' printed no usable credentials: "
	  "\"SecretAccessKey\" is missing" },
	{ "{\"Version\": 1, \"AccessKeyId\": \"A\", \"SecretAccessKey\": "
	  "\"procsecret\", \"SessionToken\": \"T\", \"Expiration\": "
	  "\"2023-11-14T22:13:19Z\"}", 0, 0, "credential_process of profile "
	  "'p' returned credentials that expired at 2023-11-14T22:13:19Z" },
};

START_TEST(test_process_errors)
{
	struct world	 w;

	world_init(&w);
	config(&w, "[profile p]\ncredential_process = /opt/bin/creds\n");
	w.proc_out = process_cases[_i].out;
	w.proc_status = process_cases[_i].status;
	w.proc_fail = process_cases[_i].fail;
	expect_error(&w, "p", process_cases[_i].msg);
	ck_assert_str_eq(w.err.msg, process_cases[_i].msg);
	ck_assert_int_eq(w.nproc, 1);
	no_secrets(w.err.msg);
	world_release(&w);
}
END_TEST

START_TEST(test_process_runner)
{
	struct buf	 out = BUF_INIT;
	struct err	 err;
	FILE		*f;
	char		 path[64], line[64];
	int		 status = -1, fd, saved, rc;

	err_clear(&err);
	/* Its standard error is ours: caught here in a file. */
	snprintf(path, sizeof(path), "/tmp/mailauth-stderr-%ld",
	    (long)getpid());
	ck_assert_int_ge(fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600),
	    0);
	ck_assert_int_ge(saved = dup(STDERR_FILENO), 0);
	dup2(fd, STDERR_FILENO);
	rc = aws_process_run(NULL, "printf '%s' \"$0\"; echo to-stderr >&2",
	    1024, 10, &out, &status, &err);
	dup2(saved, STDERR_FILENO);
	close(saved);
	close(fd);
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(buf_str(&out), "sh");
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof(line), f));
	ck_assert_str_eq(line, "to-stderr\n");
	fclose(f);
	unlink(path);
	buf_reset(&out);
	ck_assert_int_eq(aws_process_run(NULL, "exit 3", 1024, 10, &out,
	    &status, &err), 0);
	ck_assert_int_eq(status, 3);
	ck_assert_int_eq(aws_process_run(NULL, "kill -TERM $$", 1024, 10,
	    &out, &status, &err), 0);
	ck_assert_int_eq(status, 128 + 15);
	ck_assert_int_eq(aws_process_run(NULL, "head -c 5000 /dev/zero", 4096,
	    10, &out, &status, &err), -1);
	ck_assert_str_eq(err.msg, "wrote more than 4096 bytes");
	buf_reset(&out);
	ck_assert_int_eq(aws_process_run(NULL, "echo partial; sleep 5", 1024,
	    1, &out, &status, &err), -1);
	ck_assert_str_eq(err.msg, "did not finish within 1 s");
	/* It closed its output but goes on running. */
	ck_assert_int_eq(aws_process_run(NULL, "exec >&-; sleep 5", 1024, 1,
	    &out, &status, &err), -1);
	ck_assert_str_eq(err.msg, "did not finish within 1 s");
	buf_release(&out);
}
END_TEST

/* ---- container and instance metadata ------------------------------------- */

START_TEST(test_container)
{
	struct world			 w;
	struct aws_creds_provider	*p;

	world_init(&w);
	setenv_w(&w, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds/abc");
	setenv_w(&w, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "ignored-token");
	put_file(&w, "ctoken", CONTAINER_TOKEN "\n");
	setenv_w(&w, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "~/ctoken");
	p = expect(&w, NULL, "ASIACONT", "container");
	ck_assert_str_eq(w.log[0], "GET http://169.254.170.2/v2/creds/abc");
	/* The token file wins over the token, without its newline. */
	ck_assert_str_eq(w.auth[0], CONTAINER_TOKEN);
	ck_assert_int_eq(p->expiration, NOW + 3600);
	ck_assert_str_eq(p->creds.session_token, "cont-token");
	aws_creds_provider_free(p);
	/* Before instance metadata, after the files. */
	credentials(&w, "[default]\naws_access_key_id = AKIAFILE\n"
	    "aws_secret_access_key = filesecret\n");
	p = expect(&w, NULL, "AKIAFILE", "profile default (static keys)");
	aws_creds_provider_free(p);
	credentials(&w, "");
	w.container_status = 403;
	expect_error(&w, NULL, "container: 'http://169.254.170.2/v2/creds/abc' "
	    "answered HTTP 403: {\"message\": \"denied [redacted]\"}");
	no_secrets(w.err.msg);
	w.container_status = 0;
	w.container_json = "{\"AccessKeyId\": \"A\"}";
	expect_error(&w, NULL, "container: the answer of 'http://169.254.170.2/"
	    "v2/creds/abc' is not credentials: \"SecretAccessKey\" is missing");
	w.container_json = NULL;
	setenv_w(&w, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "");
	setenv_w(&w, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://198.51.100.7/creds");
	expect_error(&w, NULL, "container: AWS_CONTAINER_CREDENTIALS_FULL_URI "
	    "'http://198.51.100.7/creds' is neither https:// nor http:// to a "
	    "loopback address or the container credentials host");
	setenv_w(&w, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://127.0.0.1:8080/creds");
	p = expect(&w, NULL, "ASIACONT", "container");
	aws_creds_provider_free(p);
	setenv_w(&w, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "");
	setenv_w(&w, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "a\r\nInjected: x");
	expect_error(&w, NULL, "container: the authorization token holds a "
	    "line break");
	world_release(&w);
}
END_TEST

START_TEST(test_container_url_allowed)
{
	ck_assert_int_eq(aws_container_url_allowed("https://creds.example/x"),
	    1);
	ck_assert_int_eq(aws_container_url_allowed("http://127.0.0.1/x"), 1);
	ck_assert_int_eq(aws_container_url_allowed("http://127.1.2.3:80/x"), 1);
	ck_assert_int_eq(aws_container_url_allowed("http://[::1]:8080/"), 1);
	ck_assert_int_eq(aws_container_url_allowed("http://localhost/"), 1);
	ck_assert_int_eq(aws_container_url_allowed("http://169.254.170.2/v"),
	    1);
	ck_assert_int_eq(aws_container_url_allowed("http://169.254.170.23/v"),
	    1);
	ck_assert_int_eq(aws_container_url_allowed("http://[fd00:ec2::23]/v"),
	    1);
	ck_assert_int_eq(aws_container_url_allowed("http://10.0.0.1/"), 0);
	ck_assert_int_eq(aws_container_url_allowed("http://127.0.0.1.evil/"),
	    0);
	ck_assert_int_eq(aws_container_url_allowed("http://localhost.evil/"),
	    0);
	ck_assert_int_eq(aws_container_url_allowed(
	    "http://127.0.0.1@evil.example/"), 0);
	ck_assert_int_eq(aws_container_url_allowed("ftp://127.0.0.1/"), 0);
}
END_TEST

START_TEST(test_imds)
{
	struct world			 w;
	struct aws_creds_provider	*p;

	world_init(&w);
	p = expect(&w, NULL, "ASIAIMDS", "instance metadata");
	ck_assert_uint_eq(w.nlog, 3);
	ck_assert_str_eq(w.log[0], "PUT " IMDS_URL "/latest/api/token");
	ck_assert_str_eq(w.log[1], "GET " IMDS_URL
	    "/latest/meta-data/iam/security-credentials/");
	ck_assert_str_eq(w.log[2], "GET " IMDS_URL
	    "/latest/meta-data/iam/security-credentials/web-role");
	ck_assert_int_eq(p->expiration, NOW + 6 * 3600);
	aws_creds_provider_free(p);
	setenv_w(&w, "AWS_EC2_METADATA_DISABLED", "TRUE");
	expect_error(&w, NULL, "instance metadata: AWS_EC2_METADATA_DISABLED "
	    "is true");
	ck_assert_uint_eq(w.nlog, 3);
	world_release(&w);
}
END_TEST

/* ---- STS endpoint and region --------------------------------------------- */

START_TEST(test_sts_endpoint)
{
	struct world			 w;
	struct aws_creds_provider	*p;

	world_init(&w);
	setenv_w(&w, "AWS_ACCESS_KEY_ID", "AKIAENV");
	setenv_w(&w, "AWS_SECRET_ACCESS_KEY", "envsecret");
	config(&w, "[default]\nregion = eu-central-1\n"
	    "[profile cn]\nregion = cn-north-1\n");
	setenv_w(&w, "AWS_ENDPOINT_URL_STS", "");
	p = expect(&w, NULL, "AKIAENV", "environment");
	ck_assert_str_eq(aws_chain_sts(p)->endpoint,
	    "https://sts.eu-central-1.amazonaws.com");
	ck_assert_str_eq(aws_chain_sts(p)->region, "eu-central-1");
	aws_creds_provider_free(p);
	setenv_w(&w, "AWS_DEFAULT_REGION", "ap-southeast-2");
	p = expect(&w, NULL, "AKIAENV", "environment");
	ck_assert_str_eq(aws_chain_sts(p)->region, "ap-southeast-2");
	aws_creds_provider_free(p);
	setenv_w(&w, "AWS_REGION", "us-west-1");
	setenv_w(&w, "AWS_ENDPOINT_URL", "http://all.test");
	p = expect(&w, NULL, "AKIAENV", "environment");
	ck_assert_str_eq(aws_chain_sts(p)->region, "us-west-1");
	ck_assert_str_eq(aws_chain_sts(p)->endpoint, "http://all.test");
	aws_creds_provider_free(p);
	setenv_w(&w, "AWS_ENDPOINT_URL_STS", "http://sts-only.test");
	p = expect(&w, NULL, "AKIAENV", "environment");
	ck_assert_str_eq(aws_chain_sts(p)->endpoint, "http://sts-only.test");
	aws_creds_provider_free(p);
	setenv_w(&w, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
	p = expect(&w, NULL, "AKIAENV", "environment");
	ck_assert_str_eq(aws_chain_sts(p)->endpoint,
	    "https://sts.us-west-1.amazonaws.com");
	aws_creds_provider_free(p);
	setenv_w(&w, "AWS_REGION", "");
	setenv_w(&w, "AWS_DEFAULT_REGION", "");
	p = expect(&w, "cn", "ASIAIMDS", "instance metadata");
	ck_assert_str_eq(aws_chain_sts(p)->endpoint,
	    "https://sts.cn-north-1.amazonaws.com.cn");
	aws_creds_provider_free(p);
	setenv_w(&w, "AWS_REGION", "us-east-1/../evil");
	expect_error(&w, NULL, "the region for STS: 'us-east-1/../evil' is not "
	    "an AWS region");
	setenv_w(&w, "AWS_REGION", "");
	setenv_w(&w, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "");
	setenv_w(&w, "AWS_ENDPOINT_URL_STS", "sts.test");
	expect_error(&w, NULL, "STS endpoint 'sts.test' is not an http:// or "
	    "https:// URL");
	setenv_w(&w, "AWS_ENDPOINT_URL_STS", "");
	setenv_w(&w, "AWS_ENDPOINT_URL", "sts.test");
	expect_error(&w, NULL, "STS endpoint 'sts.test' is not an http:// or "
	    "https:// URL");
	/* As the AWS SDKs read it: any case of "true". */
	setenv_w(&w, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE");
	setenv_w(&w, "AWS_REGION", "eu-west-1");
	p = expect(&w, NULL, "AKIAENV", "environment");
	ck_assert_str_eq(aws_chain_sts(p)->endpoint,
	    "https://sts.eu-west-1.amazonaws.com");
	aws_creds_provider_free(p);
	world_release(&w);
}
END_TEST

/* ---- STS XML ------------------------------------------------------------- */

START_TEST(test_sts_xml)
{
	struct sts_session	 s;
	struct sts_identity	 id;
	struct err		 err;
	char			*code, *msg;
	static const char	 good[] =
	    "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/"
	    "2011-06-15/\"><AssumeRoleResult><Credentials><AccessKeyId>ASIA"
	    "</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>"
	    "T</SessionToken><Expiration>2023-11-14T23:13:20.000Z</Expiration>"
	    "</Credentials><AssumedRoleUser><Arn>arn:x</Arn></AssumedRoleUser>"
	    "</AssumeRoleResult></AssumeRoleResponse>";
	static const char	 nosecret[] =
	    "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>"
	    "ASIA</AccessKeyId><SessionToken>T</SessionToken><Expiration>"
	    "2023-11-14T23:13:20Z</Expiration></Credentials>"
	    "</AssumeRoleResult></AssumeRoleResponse>";
	static const char	 dtd[] =
	    "<!DOCTYPE x [<!ENTITY e \"boom\">]><AssumeRoleResponse/>";
	static const char	 ident[] =
	    "<GetCallerIdentityResponse><GetCallerIdentityResult><Arn>arn:y"
	    "</Arn><Account>1</Account></GetCallerIdentityResult>"
	    "</GetCallerIdentityResponse>";
	static const char	 throttle[] =
	    "<Error><Code>Throttling</Code></Error>";

	err_clear(&err);
	ck_assert_int_eq(sts_xml_parse_session(good, strlen(good),
	    "AssumeRoleResult", &s, &err), 0);
	ck_assert_str_eq(s.creds.access_key_id, "ASIA");
	ck_assert_str_eq(s.creds.secret_access_key, "S");
	ck_assert_str_eq(s.creds.session_token, "T");
	ck_assert_int_eq(s.expiration, NOW + 3600);
	ck_assert_str_eq(s.arn, "arn:x");
	sts_session_release(&s);
	ck_assert_int_eq(sts_xml_parse_session(good, strlen(good),
	    "AssumeRoleWithWebIdentityResult", &s, &err), -1);
	ck_assert_str_eq(err.msg, "not a AssumeRoleWithWebIdentityResponse");
	ck_assert_int_eq(sts_xml_parse_session(nosecret, strlen(nosecret),
	    "AssumeRoleResult", &s, &err), -1);
	ck_assert_str_eq(err.msg, "no SecretAccessKey in the response");
	ck_assert_ptr_null(s.creds.access_key_id);
	ck_assert_int_eq(sts_xml_parse_session(dtd, strlen(dtd),
	    "AssumeRoleResult", &s, &err), -1);
	ck_assert_str_eq(err.msg, "unexpected DTD in response");
	ck_assert_int_eq(sts_xml_parse_session("<a", 2, "AssumeRoleResult", &s,
	    &err), -1);
	ck_assert_str_eq(err.msg, "response is not well-formed XML");
	ck_assert_int_eq(sts_xml_parse_identity(ident, strlen(ident), &id,
	    &err), 0);
	ck_assert_str_eq(id.arn, "arn:y");
	ck_assert_str_eq(id.account, "1");
	ck_assert_ptr_null(id.user_id);
	sts_identity_release(&id);
	ck_assert_int_eq(aws_xml_error_parse(throttle, strlen(throttle), &code,
	    &msg), 0);
	ck_assert_str_eq(code, "Throttling");
	ck_assert_str_eq(msg, "");
	free(code);
	free(msg);
	ck_assert_int_eq(aws_xml_error_parse("<html/>", 7, &code, &msg), -1);
}
END_TEST

START_TEST(test_sts_caller_identity)
{
	struct world		 w;
	struct sts_client	 c = { NULL, STS_URL, "eu-west-1", fake_clock };
	struct aws_creds	 creds = { (char *)"AKIAENV", (char *)"envsecret",
				    (char *)"envtoken" };
	struct sts_identity	 id;

	world_init(&w);
	c.http = &w.http;
	ck_assert_int_eq(sts_get_caller_identity(&c, &creds, &id, &w.err), 0);
	ck_assert_str_eq(id.account, "123456789012");
	ck_assert_str_eq(id.arn, "arn:aws:iam::123456789012:user/alice");
	ck_assert_str_eq(id.user_id, "AIDAEXAMPLE");
	ck_assert_ptr_nonnull(strstr(w.auth[0], "Credential=AKIAENV/20231114/"
	    "eu-west-1/sts/aws4_request"));
	ck_assert_str_eq(w.token[0], "envtoken");
	ck_assert_str_eq(w.body[0], "Action=GetCallerIdentity&Version="
	    "2011-06-15");
	sts_identity_release(&id);
	ck_assert_int_eq(sts_get_caller_identity(&c, NULL, &id, &w.err), -1);
	world_release(&w);
}
END_TEST

/* ---- the provider and its refresh ---------------------------------------- */

struct counter {
	int	 n;
	int	 fail;
	time_t	 lifetime;	/* 0: the credentials do not expire */
	time_t	 expired_at;	/* hands out credentials already lapsed */
};

static int
count_fetch(void *ctx, time_t now, struct aws_creds *out, time_t *exp,
    struct err *err)
{
	struct counter	*k = ctx;
	char		 id[32];

	if (k->fail)
		return err_set(err, "STS is down");
	snprintf(id, sizeof(id), "AKID%d", ++k->n);
	memset(out, 0, sizeof(*out));
	out->access_key_id = xstrdup(id);
	out->secret_access_key = xstrdup("secret");
	*exp = k->expired_at != 0 ? k->expired_at : k->lifetime != 0 ?
	    now + k->lifetime : 0;
	return 0;
}

static struct aws_creds_provider *
counting_provider(struct counter *k)
{
	struct aws_creds_provider	*p = aws_creds_provider_new();

	p->source = xstrdup("the test");
	p->fetch = count_fetch;
	p->ctx = k;
	return p;
}

START_TEST(test_provider_refresh)
{
	struct counter			 k = { 0, 0, 3600, 0 };
	struct aws_creds_provider	*p = counting_provider(&k);
	const struct aws_creds		*c;
	struct err			 err;

	err_clear(&err);
	ck_assert_int_eq(aws_creds_provider_get(p, NOW, &c, &err), 0);
	ck_assert_str_eq(c->access_key_id, "AKID1");
	/* Used until 5 minutes before they lapse, then fetched again. */
	ck_assert_int_eq(aws_creds_provider_get(p, NOW + 3600 - 301, &c, &err),
	    0);
	ck_assert_str_eq(c->access_key_id, "AKID1");
	ck_assert_int_eq(aws_creds_provider_get(p, NOW + 3600 - 300, &c, &err),
	    0);
	ck_assert_str_eq(c->access_key_id, "AKID2");
	ck_assert_int_eq(p->expiration, NOW + 7200 - 300);
	/* A failed refresh keeps credentials valid for another minute... */
	k.fail = 1;
	ck_assert_int_eq(aws_creds_provider_get(p, NOW + 7200 - 500, &c, &err),
	    0);
	ck_assert_str_eq(c->access_key_id, "AKID2");
	/* ... and fails when they are about to lapse. */
	ck_assert_int_eq(aws_creds_provider_get(p, NOW + 7200 - 330, &c, &err),
	    -1);
	ck_assert_ptr_null(c);
	ck_assert_str_eq(err.msg, "cannot refresh the AWS credentials from the "
	    "test: STS is down");
	k.fail = 0;
	ck_assert_int_eq(aws_creds_provider_get(p, NOW + 7200 - 330, &c, &err),
	    0);
	ck_assert_str_eq(c->access_key_id, "AKID3");
	/* Credentials that have already lapsed are refused. */
	k.expired_at = NOW;
	ck_assert_int_eq(aws_creds_provider_get(p, NOW + 20000, &c, &err), -1);
	ck_assert_str_eq(err.msg, "the AWS credentials from the test expired "
	    "at 2023-11-14T22:13:20Z");
	aws_creds_provider_free(p);

	/* Credentials without an expiration are fetched once. */
	k.n = 0;
	k.lifetime = 0;
	k.expired_at = 0;
	p = counting_provider(&k);
	ck_assert_int_eq(aws_creds_provider_get(p, NOW, &c, &err), 0);
	ck_assert_int_eq(aws_creds_provider_get(p, NOW + 86400 * 365, &c,
	    &err), 0);
	ck_assert_int_eq(k.n, 1);
	k.fail = 1;
	aws_creds_provider_free(p);
	p = counting_provider(&k);
	ck_assert_int_eq(aws_creds_provider_get(p, NOW, &c, &err), -1);
	ck_assert_str_eq(err.msg, "cannot get the AWS credentials from the "
	    "test: STS is down");
	aws_creds_provider_free(p);
}
END_TEST

/* A copy is the caller's: a refresh (here, or by another thread) does
 * not touch it. */
START_TEST(test_provider_copy_outlives_refresh)
{
	struct counter			 k = { 0, 0, 3600, 0 };
	struct aws_creds_provider	*p = counting_provider(&k);
	const struct aws_creds		*c;
	struct aws_creds		 copy, peek;
	struct err			 err;

	err_clear(&err);
	ck_assert_int_eq(aws_creds_provider_copy(p, NOW, &copy, &err), 0);
	ck_assert_str_eq(copy.access_key_id, "AKID1");
	ck_assert_int_eq(aws_creds_provider_get(p, NOW + 3600, &c, &err), 0);
	ck_assert_str_eq(c->access_key_id, "AKID2");
	ck_assert_str_eq(copy.access_key_id, "AKID1");
	ck_assert_str_eq(copy.secret_access_key, "secret");
	aws_creds_provider_peek(p, &peek);
	ck_assert_str_eq(peek.access_key_id, "AKID2");
	ck_assert_ptr_ne(peek.access_key_id, c->access_key_id);
	aws_creds_release(&peek);
	aws_creds_release(&copy);
	/* A failed fetch leaves the copy empty. */
	k.fail = 1;
	ck_assert_int_eq(aws_creds_provider_copy(p, NOW + 99999, &copy, &err),
	    -1);
	ck_assert_ptr_null(copy.access_key_id);
	aws_creds_provider_free(p);
}
END_TEST

/*
 * Threads asking one provider at once (the default chain, which every
 * account's role asks): one fetch at a time, and each copy whole.  The
 * fetch waits up to 150 ms for another one to start beside it; with the
 * provider's lock none does, without it the second thread's would.
 */
struct overlap {
	pthread_mutex_t			 lock;
	pthread_cond_t			 cond;
	int				 inside, overlapped, n, torn;
	struct aws_creds_provider	*p;
};

static int
overlap_fetch(void *ctx, time_t now, struct aws_creds *out, time_t *exp,
    struct err *err)
{
	struct overlap	*o = ctx;
	struct timespec	 until;
	char		 id[32], secret[32];
	int		 n;

	(void)err;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += 150 * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&o->lock);
	if (++o->inside > 1)
		o->overlapped = 1;
	pthread_cond_broadcast(&o->cond);
	while (o->inside < 2 && pthread_cond_timedwait(&o->cond, &o->lock,
	    &until) == 0)
		;
	o->inside--;
	n = ++o->n;
	pthread_mutex_unlock(&o->lock);
	snprintf(id, sizeof(id), "AKID%d", n);
	snprintf(secret, sizeof(secret), "secret%d", n);
	memset(out, 0, sizeof(*out));
	out->access_key_id = xstrdup(id);
	out->secret_access_key = xstrdup(secret);
	*exp = now + 1;		/* lapsed at once: every ask fetches */
	return 0;
}

static void *
overlap_ask(void *arg)
{
	struct overlap		*o = arg;
	struct aws_creds	 c;
	struct err		 err;
	int			 i;

	for (i = 0; i < 3; i++) {
		if (aws_creds_provider_copy(o->p, NOW, &c, &err) == -1)
			continue;
		/* The key id and its secret from the same fetch. */
		if (strcmp(c.access_key_id + 4, c.secret_access_key + 6) != 0) {
			pthread_mutex_lock(&o->lock);
			o->torn = 1;
			pthread_mutex_unlock(&o->lock);
		}
		aws_creds_release(&c);
	}
	return NULL;
}

START_TEST(test_provider_shared_by_threads)
{
	struct overlap	 o;
	pthread_t	 t[2];
	size_t		 i;

	memset(&o, 0, sizeof(o));
	pthread_mutex_init(&o.lock, NULL);
	pthread_cond_init(&o.cond, NULL);
	o.p = aws_creds_provider_new();
	o.p->source = xstrdup("the test");
	o.p->fetch = overlap_fetch;
	o.p->ctx = &o;
	for (i = 0; i < 2; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, overlap_ask, &o),
		    0);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	ck_assert_int_eq(o.n, 6);
	ck_assert_int_eq(o.overlapped, 0);
	ck_assert_int_eq(o.torn, 0);
	aws_creds_provider_free(o.p);
	pthread_cond_destroy(&o.cond);
	pthread_mutex_destroy(&o.lock);
}
END_TEST

/* The chain's provider refreshes from the same source: a role again. */
START_TEST(test_chain_refresh)
{
	struct world			 w;
	struct aws_creds_provider	*p;
	const struct aws_creds		*c;

	world_init(&w);
	config(&w, roles_config);
	credentials(&w, roles_credentials);
	p = expect(&w, "ci", "ASIA1", "profile ci (role_arn via source_profile "
	    "base)");
	ck_assert_int_eq(aws_creds_provider_get(p, NOW + 1000, &c, &w.err), 0);
	ck_assert_str_eq(c->access_key_id, "ASIA1");
	ck_assert_uint_eq(w.nlog, 1);
	clock_now = NOW + 3400;
	ck_assert_int_eq(aws_creds_provider_get(p, clock_now, &c, &w.err), 0);
	ck_assert_str_eq(c->access_key_id, "ASIA2");
	ck_assert_uint_eq(w.nlog, 2);
	ck_assert_ptr_nonnull(strstr(w.auth[1], "Credential=AKIABASE/"));
	ck_assert_int_eq(p->expiration, NOW + 3400 + 3600);
	aws_creds_provider_free(p);
	world_release(&w);
}
END_TEST

/*
 * An account of accounts: with role_arn: AssumeRole signed with the
 * default chain's credentials, with the account's external id, session
 * name and duration, asked again before the role's credentials lapse;
 * an STS refusal names the account and the role, and no secret.
 */
START_TEST(test_account_role)
{
	struct world			 w;
	struct aws_creds_provider	*base, *p;
	struct aws_role_opts		 ro;
	const struct aws_creds		*c;
	char				*v;

	world_init(&w);
	setenv_w(&w, "AWS_ACCESS_KEY_ID", "AKIABASE");
	setenv_w(&w, "AWS_SECRET_ACCESS_KEY", "basesecret");
	base = expect(&w, NULL, "AKIABASE", "environment");
	memset(&ro, 0, sizeof(ro));
	ro.account = "prod";
	ro.role_arn = "arn:aws:iam::222222222222:role/mailauth";
	ro.external_id = "ext-9";
	ro.session_name = "fleet";
	ro.duration_s = 900;
	ro.base = base;
	ro.sts = aws_chain_sts(base);
	ck_assert_ptr_nonnull(ro.sts);
	p = aws_creds_role_open(&ro, NOW, &w.err);
	ck_assert_msg(p != NULL, "%s", w.err.msg);
	ck_assert_str_eq(p->creds.access_key_id, "ASIA1");
	ck_assert_str_eq(p->source, "role_arn arn:aws:iam::222222222222:role/"
	    "mailauth via environment");
	ck_assert_int_eq(p->expiration, NOW + 900);
	ck_assert_uint_eq(w.nlog, 1);
	ck_assert_ptr_nonnull(strstr(w.auth[0], "Credential=AKIABASE/"));
	v = form_get(w.body[0], "RoleArn");
	ck_assert_str_eq(v, "arn:aws:iam::222222222222:role/mailauth");
	free(v);
	v = form_get(w.body[0], "ExternalId");
	ck_assert_str_eq(v, "ext-9");
	free(v);
	v = form_get(w.body[0], "RoleSessionName");
	ck_assert_str_eq(v, "fleet");
	free(v);
	v = form_get(w.body[0], "DurationSeconds");
	ck_assert_str_eq(v, "900");
	free(v);
	/* Still fresh: no request; within AWS_CREDS_REFRESH_S of the end: a
	 * new AssumeRole. */
	ck_assert_int_eq(aws_creds_provider_get(p, NOW + 900 -
	    AWS_CREDS_REFRESH_S - 1, &c, &w.err), 0);
	ck_assert_str_eq(c->access_key_id, "ASIA1");
	ck_assert_uint_eq(w.nlog, 1);
	clock_now = NOW + 900 - AWS_CREDS_REFRESH_S;
	ck_assert_int_eq(aws_creds_provider_get(p, clock_now, &c, &w.err), 0);
	ck_assert_str_eq(c->access_key_id, "ASIA2");
	ck_assert_uint_eq(w.nlog, 2);
	aws_creds_provider_free(p);

	/* Refused: the account and the role are named, the signing secret
	 * is not (the fake echoes it). */
	w.sts_fail = 1;
	ro.session_name = NULL;
	p = aws_creds_role_open(&ro, NOW, &w.err);
	ck_assert_ptr_null(p);
	ck_assert_msg(strncmp(w.err.msg, "account 'prod': role 'arn:aws:iam::"
	    "222222222222:role/mailauth': STS AssumeRole: AccessDenied", 83) ==
	    0, "%s", w.err.msg);
	ck_assert_ptr_null(strstr(w.err.msg, "basesecret"));
	v = form_get(w.body[2], "RoleSessionName");
	ck_assert_str_eq(v, "mailauth-1700000000");
	free(v);
	aws_creds_provider_free(base);
	world_release(&w);
}
END_TEST

/* Container credentials are fetched again with the token file as it is
 * then: the token rotates, the settings do not. */
START_TEST(test_chain_refresh_container)
{
	struct world			 w;
	struct aws_creds_provider	*p;
	const struct aws_creds		*c;

	world_init(&w);
	setenv_w(&w, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds/abc");
	put_file(&w, "ctoken", CONTAINER_TOKEN "\n");
	setenv_w(&w, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "~/ctoken");
	p = expect(&w, NULL, "ASIACONT", "container");
	ck_assert_uint_eq(w.nlog, 1);
	put_file(&w, "ctoken", CONTAINER_TOKEN "-2\n");
	clock_now = NOW + 3400;
	ck_assert_int_eq(aws_creds_provider_get(p, clock_now, &c, &w.err), 0);
	ck_assert_uint_eq(w.nlog, 2);
	ck_assert_str_eq(w.log[1], "GET http://169.254.170.2/v2/creds/abc");
	ck_assert_str_eq(w.auth[1], CONTAINER_TOKEN "-2");
	ck_assert_int_eq(p->expiration, NOW + 3400 + 3600);
	ck_assert_str_eq(p->source, "container");
	/* A token file gone when the credentials are about to lapse fails
	 * the refresh, naming the source. */
	unlink(put_file(&w, "ctoken", ""));
	clock_now = NOW + 3400 + 3600 - 30;
	ck_assert_int_eq(aws_creds_provider_get(p, clock_now, &c, &w.err), -1);
	ck_assert_ptr_nonnull(strstr(w.err.msg, "cannot refresh the AWS "
	    "credentials from container: container: cannot read '"));
	aws_creds_provider_free(p);
	world_release(&w);
}
END_TEST

/* Route 53 requests are signed with the provider's current credentials. */
struct r53_fake {
	char	*auth[4];
	int	 n;
};

static int
r53_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct r53_fake	*f = ctx;

	(void)err;
	ck_assert_int_lt(f->n, 4);
	f->auth[f->n++] = xstrdup(http_request_header_get(req,
	    "Authorization"));
	http_response_init(resp);
	reply(resp, 200, "<GetHostedZoneResponse><HostedZone><Id>/hostedzone/"
	    "Z1</Id><Name>example.com.</Name><Config><PrivateZone>false"
	    "</PrivateZone></Config></HostedZone></GetHostedZoneResponse>");
	return 0;
}

START_TEST(test_route53_uses_provider)
{
	struct counter			 k = { 0, 0, 3600, 0 };
	struct aws_creds_provider	*p = counting_provider(&k);
	struct r53_fake			 f;
	struct http_transport		 http = { r53_send, &f };
	struct r53_client		 c;
	struct r53_zone			 z;
	struct err			 err;
	int				 i;

	memset(&f, 0, sizeof(f));
	memset(&c, 0, sizeof(c));
	c.http = &http;
	c.endpoint = "https://route53.amazonaws.com";
	c.clock = fake_clock;
	c.creds_provider = p;
	clock_now = NOW;
	ck_assert_int_eq(r53_zone_get(&c, "Z1", &z, &err), 0);
	r53_zones_release(&z, 1);
	clock_now = NOW + 3500;
	ck_assert_int_eq(r53_zone_get(&c, "Z1", &z, &err), 0);
	r53_zones_release(&z, 1);
	ck_assert_ptr_nonnull(strstr(f.auth[0], "Credential=AKID1/"));
	ck_assert_ptr_nonnull(strstr(f.auth[1], "Credential=AKID2/"));
	k.fail = 1;
	clock_now = NOW + 3500 + 3600;
	ck_assert_int_eq(r53_zone_get(&c, "Z1", &z, &err), -1);
	ck_assert_str_eq(err.msg, "Route 53 GetHostedZone: cannot refresh the "
	    "AWS credentials from the test: STS is down");
	ck_assert_int_eq(f.n, 2);
	for (i = 0; i < f.n; i++)
		free(f.auth[i]);
	aws_creds_provider_free(p);
	clock_now = NOW;
}
END_TEST

Suite *
creds_suite(void)
{
	Suite	*s = suite_create("creds");
	TCase	*tc;

	tc = tcase_create("chain");
	tcase_add_test(tc, test_env_only);
	tcase_add_test(tc, test_profile_option_beats_env);
	tcase_add_test(tc, test_file_order);
	tcase_add_test(tc, test_nothing_found);
	tcase_add_test(tc, test_web_identity);
	tcase_add_test(tc, test_web_identity_profile);
	tcase_add_test(tc, test_role_chain);
	tcase_add_loop_test(tc, test_role_errors, 0,
	    sizeof(role_errors) / sizeof(role_errors[0]));
	tcase_add_loop_test(tc, test_process_errors, 0,
	    sizeof(process_cases) / sizeof(process_cases[0]));
	tcase_add_test(tc, test_container);
	tcase_add_test(tc, test_container_url_allowed);
	tcase_add_test(tc, test_imds);
	tcase_add_test(tc, test_sts_endpoint);
	tcase_add_test(tc, test_sts_xml);
	tcase_add_test(tc, test_sts_caller_identity);
	suite_add_tcase(s, tc);

	tc = tcase_create("refresh");
	tcase_add_test(tc, test_provider_refresh);
	tcase_add_test(tc, test_provider_copy_outlives_refresh);
	tcase_add_test(tc, test_provider_shared_by_threads);
	tcase_add_test(tc, test_chain_refresh);
	tcase_add_test(tc, test_chain_refresh_container);
	tcase_add_test(tc, test_account_role);
	tcase_add_test(tc, test_route53_uses_provider);
	suite_add_tcase(s, tc);

	tc = tcase_create("process");
	tcase_add_test(tc, test_process_runner);
	tcase_set_timeout(tc, 20);
	suite_add_tcase(s, tc);
	return s;
}
