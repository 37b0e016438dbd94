/*
 * check_cred_sources.c - the credential sources one at a time, outside the
 * chain (check_creds.c runs them through it): what each takes as "not
 * configured" and what as wrong, the helpers they share (the environment,
 * "~", token files, role settings, the shared files), and the interface
 * itself with a source made here.
 *
 * The environment is a table; no request leaves: the transport records
 * the URL and answers nothing.  Also the region the chain reads, alone.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/metadata.h"
#include "mailauth/profile.h"
#include "mailauth/sts.h"

Suite	*cred_sources_suite(void);

#define NOW	1700000000	/* 2023-11-14T22:13:20Z */

/* NULL-terminated name, value pairs. */
static const char *
table(void *ctx, const char *name)
{
	const char *const	*kv = ctx;

	for (; kv[0] != NULL; kv += 2)
		if (strcmp(kv[0], name) == 0)
			return kv[1];
	return NULL;
}

/* Records the last URL asked for; never answers. */
struct silent {
	char	url[256];
	int	n;
};

static int
silent_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct silent	*s = ctx;

	(void)resp;
	snprintf(s->url, sizeof(s->url), "%s", req->url);
	s->n++;
	return err_set(err, "cannot reach '%s': refused", req->url);
}

/* A setup over env and the profiles of a config file's text. */
struct fixture {
	struct aws_shared_files	 files;
	struct aws_creds_setup	 s;
	struct silent		 net;
	struct http_transport	 http;
	struct buf		 why;
	struct err		 err;
};

static void
fixture_init(struct fixture *f, const char *const *env, const char *config)
{
	memset(f, 0, sizeof(*f));
	err_clear(&f->err);
	if (config != NULL)
		ck_assert_int_eq(aws_profiles_parse(&f->files.profiles, config,
		    strlen(config), "config", AWS_FILE_CONFIG, &f->err), 0);
	f->http.send = silent_send;
	f->http.ctx = &f->net;
	f->s.env = table;
	f->s.env_ctx = (void *)env;
	f->s.files = &f->files;
	f->s.profile = "default";
	f->s.metadata = &f->http;
}

static void
fixture_release(struct fixture *f)
{
	aws_shared_files_release(&f->files);
	buf_release(&f->why);
}

/* Opens with open and checks the outcome: rc, then why or err. */
static struct aws_creds_source *
open_expect(struct fixture *f, aws_creds_source_open_fn open, int rc,
    const char *text)
{
	struct aws_creds_source	*src = NULL;

	buf_reset(&f->why);
	err_clear(&f->err);
	ck_assert_int_eq(open(&f->s, &src, &f->why, &f->err), rc);
	ck_assert_int_eq(src != NULL, rc == 1);
	if (rc == 0)
		ck_assert_str_eq(buf_str(&f->why), text);
	if (rc == -1)
		ck_assert_str_eq(f->err.msg, text);
	return src;
}

/* ---- what the sources share ---------------------------------------------- */

START_TEST(test_env_helpers)
{
	static const char *const	 env[] = {
		"EMPTY", "", "SET", "x", "YES", "TRUE", "NO", "yes",
		"HOME", "/home/u", NULL
	};
	static const char *const	 no_home[] = { NULL };
	void				*ctx = (void *)env;
	char				*p;

	ck_assert_ptr_null(aws_env_get(table, ctx, "UNSET"));
	ck_assert_ptr_null(aws_env_get(table, ctx, "EMPTY"));
	ck_assert_str_eq(aws_env_get(table, ctx, "SET"), "x");
	ck_assert_int_eq(aws_env_true(table, ctx, "YES"), 1);
	ck_assert_int_eq(aws_env_true(table, ctx, "NO"), 0);
	ck_assert_int_eq(aws_env_true(table, ctx, "UNSET"), 0);
	p = aws_path_expand_home(table, ctx, "~");
	ck_assert_str_eq(p, "/home/u");
	free(p);
	p = aws_path_expand_home(table, ctx, "~/.aws/config");
	ck_assert_str_eq(p, "/home/u/.aws/config");
	free(p);
	/* Only the user's own home: "~other" is a name like any. */
	p = aws_path_expand_home(table, ctx, "~other/x");
	ck_assert_str_eq(p, "~other/x");
	free(p);
	ck_assert_ptr_null(aws_path_expand_home(table, (void *)no_home,
	    "~/x"));
}
END_TEST

START_TEST(test_token_file)
{
	static const char *const	 no_home[] = { NULL };
	char				 dir[] = "/tmp/mailauth-token-XXXXXX";
	char				 path[64], *tok;
	const char			*env[] = { "HOME", dir, NULL };
	struct err			 err;
	FILE				*f;
	size_t				 i;

	err_clear(&err);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/t", dir);
	f = fopen(path, "w");
	fputs("tok en \t\r\n\n", f);
	fclose(f);
	/* Trailing white space dropped, inner kept. */
	tok = aws_token_file_read(table, env, "~/t", "WHAT", &err);
	ck_assert_str_eq(tok, "tok en");
	aws_secret_free(tok);
	/* A NUL byte, or nothing but white space: no token. */
	f = fopen(path, "w");
	fwrite("ab\0cd", 1, 5, f);
	fclose(f);
	ck_assert_ptr_null(aws_token_file_read(table, env, path, "WHAT", &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "/t' (WHAT) holds no token"));
	f = fopen(path, "w");
	fputs(" \n", f);
	fclose(f);
	ck_assert_ptr_null(aws_token_file_read(table, env, path, "WHAT", &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "holds no token"));
	/* At most 64 KiB. */
	f = fopen(path, "w");
	for (i = 0; i <= AWS_TOKEN_MAX; i++)
		fputc('a', f);
	fclose(f);
	ck_assert_ptr_null(aws_token_file_read(table, env, path, "WHAT", &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "/t' (WHAT) is larger than 64 "
	    "KiB"));
	unlink(path);
	ck_assert_ptr_null(aws_token_file_read(table, env, path, "WHAT", &err));
	ck_assert_ptr_nonnull(strstr(err.msg, "/t' (WHAT): No such file or "
	    "directory"));
	ck_assert_ptr_null(aws_token_file_read(table, (void *)no_home, "~/t",
	    "WHAT", &err));
	ck_assert_str_eq(err.msg, "cannot read '~/t' (WHAT): HOME is not set");
	rmdir(dir);
}
END_TEST

START_TEST(test_role_settings)
{
	static const char		 config[] =
	    "[profile ok]\nduration_seconds = 900\n"
	    "[profile low]\nduration_seconds = 899\n"
	    "[profile word]\nduration_seconds = 1h\n";
	struct aws_profiles		 ps = AWS_PROFILES_INIT;
	struct sts_assume_role		 ar;
	struct err			 err;
	char				*name;

	err_clear(&err);
	ck_assert_int_eq(aws_profiles_parse(&ps, config, strlen(config),
	    "config", AWS_FILE_CONFIG, &err), 0);
	memset(&ar, 0, sizeof(ar));
	ck_assert_int_eq(aws_creds_role_settings(NULL, NULL, NOW, &ar, &name,
	    &err), 0);
	ck_assert_str_eq(ar.session_name, "mailauth-1700000000");
	ck_assert_ptr_eq(ar.session_name, name);
	ck_assert_int_eq(ar.duration_s, 0);
	free(name);
	ck_assert_int_eq(aws_creds_role_settings(aws_profiles_find(&ps, "ok"),
	    "mine", NOW, &ar, &name, &err), 0);
	ck_assert_str_eq(name, "mine");
	ck_assert_int_eq(ar.duration_s, 900);
	free(name);
	ck_assert_int_eq(aws_creds_role_settings(aws_profiles_find(&ps, "low"),
	    NULL, NOW, &ar, &name, &err), -1);
	ck_assert_ptr_null(name);
	ck_assert_str_eq(err.msg, "profile 'low': duration_seconds must be a "
	    "number of seconds from 900 to 43200, got '899'");
	ck_assert_int_eq(aws_creds_role_settings(aws_profiles_find(&ps,
	    "word"), NULL, NOW, &ar, &name, &err), -1);
	aws_profiles_release(&ps);
}
END_TEST

START_TEST(test_shared_files)
{
	char				 dir[] = "/tmp/mailauth-files-XXXXXX";
	char				 path[64];
	const char			*env[] = {
		"HOME", dir, "AWS_CONFIG_FILE", "~/cfg", NULL
	};
	static const char *const	 no_home[] = { NULL };
	struct aws_shared_files		 files;
	struct buf			 b = BUF_INIT;
	struct err			 err;
	FILE				*f;

	err_clear(&err);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/cfg", dir);
	f = fopen(path, "w");
	fputs("[profile x]\nregion = eu-west-1\n", f);
	fclose(f);
	/* The config file from the environment, "~" expanded; the
	 * credentials file beside HOME, absent and so empty. */
	ck_assert_int_eq(aws_shared_files_load(&files, table, env, &err), 0);
	ck_assert_str_eq(files.config_path, path);
	ck_assert_str_eq(aws_profile_get(aws_profiles_find(&files.profiles,
	    "x"), "region"), "eu-west-1");
	aws_shared_files_where(&files, &b);
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "/cfg' or '"));
	ck_assert_ptr_nonnull(strstr(buf_str(&b), "/.aws/credentials'"));
	aws_shared_files_release(&files);
	ck_assert_ptr_null(files.config_path);
	buf_reset(&b);
	ck_assert_int_eq(aws_shared_files_load(&files, table, (void *)no_home,
	    &err), 0);
	aws_shared_files_where(&files, &b);
	ck_assert_str_eq(buf_str(&b), "no shared files (HOME is not set)");
	aws_shared_files_release(&files);
	/* A broken file is an error naming its line. */
	f = fopen(path, "w");
	fputs("[profile x]\nnot a setting\n", f);
	fclose(f);
	ck_assert_int_eq(aws_shared_files_load(&files, table, env, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "/cfg:2: "));
	aws_shared_files_release(&files);
	unlink(path);
	rmdir(dir);
	buf_release(&b);
}
END_TEST

/* A FIFO (or a folder) where a shared file or a token file is named: an
 * error naming it, at once; opening the FIFO for reading would wait for a
 * writer forever. */
START_TEST(test_files_not_regular)
{
	char			 dir[] = "/tmp/mailauth-fifo-XXXXXX";
	char			 cfg[64], creds[64], want[128];
	const char		*env[] = {
		"HOME", dir, "AWS_CONFIG_FILE", cfg,
		"AWS_SHARED_CREDENTIALS_FILE", creds, NULL
	};
	struct aws_shared_files	 files;
	struct err		 err;
	FILE			*f;

	err_clear(&err);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cfg, sizeof(cfg), "%s/config", dir);
	snprintf(creds, sizeof(creds), "%s/credentials", dir);
	ck_assert_int_eq(mkfifo(cfg, 0600), 0);
	ck_assert_int_eq(aws_shared_files_load(&files, table, env, &err), -1);
	snprintf(want, sizeof(want), "cannot read '%s': it is a FIFO, not a "
	    "regular file", cfg);
	ck_assert_str_eq(err.msg, want);
	aws_shared_files_release(&files);
	/* The credentials file too, after a good config file. */
	unlink(cfg);
	f = fopen(cfg, "w");
	fputs("[default]\nregion = eu-west-1\n", f);
	fclose(f);
	ck_assert_int_eq(mkfifo(creds, 0600), 0);
	ck_assert_int_eq(aws_shared_files_load(&files, table, env, &err), -1);
	snprintf(want, sizeof(want), "cannot read '%s': it is a FIFO, not a "
	    "regular file", creds);
	ck_assert_str_eq(err.msg, want);
	aws_shared_files_release(&files);
	unlink(creds);
	ck_assert_int_eq(mkdir(creds, 0700), 0);
	ck_assert_int_eq(aws_shared_files_load(&files, table, env, &err), -1);
	snprintf(want, sizeof(want), "cannot read '%s': it is a folder, not a "
	    "regular file", creds);
	ck_assert_str_eq(err.msg, want);
	aws_shared_files_release(&files);
	rmdir(creds);
	/* A token file (web identity, container). */
	ck_assert_int_eq(mkfifo(creds, 0600), 0);
	ck_assert_ptr_null(aws_token_file_read(table, env, creds, "WHAT",
	    &err));
	snprintf(want, sizeof(want), "cannot read '%s' (WHAT): it is a FIFO, "
	    "not a regular file", creds);
	ck_assert_str_eq(err.msg, want);
	/* Both gone: no files, no error. */
	unlink(creds);
	unlink(cfg);
	ck_assert_int_eq(aws_shared_files_load(&files, table, env, &err), 0);
	aws_shared_files_release(&files);
	rmdir(dir);
}
END_TEST

/* The region as the chain reads it for STS, alone: the shared files only,
 * nothing sent, no credential looked for.  Route 53's partition follows
 * it. */
static char *
chain_region(const char *const *env, const char *profile, int rc,
    struct err *err)
{
	struct aws_chain_opts	 o;
	char			*r = (char *)"unset";

	memset(&o, 0, sizeof(o));
	o.env = table;
	o.env_ctx = (void *)env;
	o.profile = profile;
	err_clear(err);
	ck_assert_msg(aws_chain_region(&o, &r, err) == rc, "%s", err->msg);
	if (rc == -1)
		ck_assert_ptr_null(r);
	return r;
}

START_TEST(test_chain_region)
{
	char		 dir[] = "/tmp/mailauth-region-XXXXXX";
	char		 path[64];
	const char	*files[] = { "HOME", dir, NULL };
	const char	*by_env[] = { "HOME", dir, "AWS_PROFILE", "cn", NULL };
	const char	*dflt[] = { "HOME", dir, "AWS_PROFILE", "cn",
	    "AWS_DEFAULT_REGION", "cn-northwest-1", NULL };
	const char	*both[] = { "HOME", dir, "AWS_DEFAULT_REGION",
	    "cn-northwest-1", "AWS_REGION", "us-gov-west-1", NULL };
	struct err	 err;
	char		*r;
	FILE		*f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_ptr_null(chain_region(files, NULL, 0, &err));
	snprintf(path, sizeof(path), "%s/.aws", dir);
	ck_assert_int_eq(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/.aws/config", dir);
	f = fopen(path, "w");
	fputs("[default]\nregion = eu-central-1\n"
	    "[profile cn]\nregion = cn-north-1\n", f);
	fclose(f);
	r = chain_region(files, NULL, 0, &err);
	ck_assert_str_eq(r, "eu-central-1");
	free(r);
	r = chain_region(files, "cn", 0, &err);
	ck_assert_str_eq(r, "cn-north-1");
	free(r);
	r = chain_region(by_env, NULL, 0, &err);
	ck_assert_str_eq(r, "cn-north-1");
	free(r);
	r = chain_region(dflt, NULL, 0, &err);
	ck_assert_str_eq(r, "cn-northwest-1");
	free(r);
	r = chain_region(both, "cn", 0, &err);
	ck_assert_str_eq(r, "us-gov-west-1");
	free(r);
	/* A profile asked for by name must exist, as for the chain. */
	chain_region(files, "nope", -1, &err);
	ck_assert_ptr_nonnull(strstr(err.msg, "profile 'nope' (from "
	    "--profile)"));
	unlink(path);
	snprintf(path, sizeof(path), "%s/.aws", dir);
	rmdir(path);
	rmdir(dir);
}
END_TEST

/* ---- each source alone ------------------------------------------------------- */

START_TEST(test_env_source)
{
	static const char *const	 none[] = { NULL };
	static const char *const	 half[] = {
		"AWS_SECRET_ACCESS_KEY", "s", NULL
	};
	static const char *const	 both[] = {
		"AWS_ACCESS_KEY_ID", "AKIA", "AWS_SECRET_ACCESS_KEY", "s", NULL
	};
	struct fixture			 f;
	struct aws_creds_answer		 ans;
	struct aws_creds_source		*src;

	fixture_init(&f, none, NULL);
	open_expect(&f, aws_creds_env_open, 0, "environment: "
	    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
	/* Half a pair is configured, and wrong when asked. */
	f.s.env_ctx = (void *)half;
	src = open_expect(&f, aws_creds_env_open, 1, NULL);
	memset(&ans, 0, sizeof(ans));
	ck_assert_int_eq(src->get(src, NOW, &ans, &f.why, &f.err), -1);
	ck_assert_str_eq(f.err.msg, "no AWS credentials: AWS_SECRET_ACCESS_KEY "
	    "is set but AWS_ACCESS_KEY_ID is not");
	ck_assert_ptr_null(ans.creds.access_key_id);
	aws_creds_source_free(src);
	f.s.env_ctx = (void *)both;
	ck_assert_int_eq(aws_creds_source_ask(aws_creds_env_open, &f.s, NOW,
	    NULL, &ans, &f.why, &f.err), 1);
	ck_assert_str_eq(ans.creds.access_key_id, "AKIA");
	ck_assert_ptr_null(ans.creds.session_token);
	ck_assert_str_eq(buf_str(&ans.from), "environment");
	aws_creds_answer_release(&ans);
	/* --profile turns the source off. */
	f.s.profile_option = 1;
	open_expect(&f, aws_creds_env_open, 0, "environment: not read, as "
	    "--profile was given");
	fixture_release(&f);
}
END_TEST

START_TEST(test_webid_source)
{
	static const char *const	 none[] = { NULL };
	static const char *const	 no_role[] = {
		"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/t", NULL
	};
	static const char *const	 env_file[] = {
		"AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/t",
		"AWS_ROLE_ARN", "arn:aws:iam::1:role/r", NULL
	};
	struct fixture			 f;
	struct aws_creds_answer		 ans;
	struct aws_creds_source		*src;

	fixture_init(&f, none, "[profile ci]\nweb_identity_token_file = "
	    "/nonexistent/p\n[profile short]\nrole_arn = arn:aws:iam::1:role/s\n"
	    "web_identity_token_file = /nonexistent/p\n"
	    "duration_seconds = 60\n");
	open_expect(&f, aws_creds_webid_open, 0, "web identity: "
	    "AWS_WEB_IDENTITY_TOKEN_FILE is not set and profile 'default' has "
	    "no web_identity_token_file");
	f.s.profile = "ci";
	open_expect(&f, aws_creds_webid_open, -1, "web identity: profile 'ci' "
	    "has web_identity_token_file but no role_arn");
	f.s.env_ctx = (void *)no_role;
	open_expect(&f, aws_creds_webid_open, -1, "web identity: "
	    "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
	/* Configured from the environment: the token file is read when
	 * asked, and no request is made without it. */
	f.s.env_ctx = (void *)env_file;
	src = open_expect(&f, aws_creds_webid_open, 1, NULL);
	ck_assert_str_eq(src->name, "web identity");
	memset(&ans, 0, sizeof(ans));
	ck_assert_int_eq(src->get(src, NOW, &ans, &f.why, &f.err), -1);
	ck_assert_str_eq(f.err.msg, "web identity: cannot read "
	    "'/nonexistent/t' (AWS_WEB_IDENTITY_TOKEN_FILE): No such file or "
	    "directory");
	aws_creds_source_free(src);
	/* From the profile: its duration_seconds is checked first. */
	f.s.env_ctx = (void *)none;
	f.s.profile = "short";
	src = open_expect(&f, aws_creds_webid_open, 1, NULL);
	ck_assert_int_eq(src->get(src, NOW, &ans, &f.why, &f.err), -1);
	ck_assert_str_eq(f.err.msg, "web identity: profile 'short': "
	    "duration_seconds must be a number of seconds from 900 to 43200, "
	    "got '60'");
	aws_creds_source_free(src);
	fixture_release(&f);
}
END_TEST

START_TEST(test_profile_source)
{
	static const char *const	 none[] = { NULL };
	struct fixture			 f;
	struct aws_creds_answer		 ans;
	struct aws_creds_source		*src;

	fixture_init(&f, none, "[profile empty]\nregion = eu-west-1\n"
	    "[profile p]\ncredential_process = creds\n");
	open_expect(&f, aws_creds_profile_open, 0, "profile 'default': no "
	    "shared files (HOME is not set)");
	f.files.config_path = xstrdup("/c");
	open_expect(&f, aws_creds_profile_open, 0, "profile 'default': not in "
	    "'/c'");
	f.s.profile = "empty";
	src = open_expect(&f, aws_creds_profile_open, 1, NULL);
	memset(&ans, 0, sizeof(ans));
	ck_assert_int_eq(src->get(src, NOW, &ans, &f.why, &f.err), 0);
	ck_assert_str_eq(buf_str(&f.why), "profile 'empty': no "
	    "aws_access_key_id, role_arn or credential_process in it");
	aws_creds_source_free(src);
	/* credential_process with no runner to run it. */
	f.s.profile = "p";
	ck_assert_int_eq(aws_creds_source_ask(aws_creds_profile_open, &f.s,
	    NOW, NULL, &ans, &f.why, &f.err), -1);
	ck_assert_str_eq(f.err.msg, "credential_process of profile 'p': no way "
	    "to run it here");
	fixture_release(&f);
}
END_TEST

START_TEST(test_container_source)
{
	static const char *const	 none[] = { NULL };
	static const char *const	 rel[] = {
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "v2/creds", NULL
	};
	static const char *const	 full[] = {
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://10.0.0.1/", NULL
	};
	static const char *const	 token_file[] = {
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/nonexistent/t",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "unused", NULL
	};
	static const char *const	 token[] = {
		"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://localhost:8/c",
		"AWS_CONTAINER_AUTHORIZATION_TOKEN", "t0ken", NULL
	};
	struct fixture			 f;
	struct aws_creds_answer		 ans;
	struct aws_creds_source		*src;

	fixture_init(&f, none, NULL);
	open_expect(&f, aws_creds_container_open, 0, "container: "
	    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI are not set");
	f.s.env_ctx = (void *)rel;
	open_expect(&f, aws_creds_container_open, -1, "container: "
	    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI 'v2/creds' does not start "
	    "with '/'");
	f.s.env_ctx = (void *)full;
	open_expect(&f, aws_creds_container_open, -1, "container: "
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI 'http://10.0.0.1/' is neither "
	    "https:// nor http:// to a loopback address or the container "
	    "credentials host");
	/* The token file wins, and is read when asked. */
	f.s.env_ctx = (void *)token_file;
	src = open_expect(&f, aws_creds_container_open, 1, NULL);
	memset(&ans, 0, sizeof(ans));
	ck_assert_int_eq(src->get(src, NOW, &ans, &f.why, &f.err), -1);
	ck_assert_str_eq(f.err.msg, "container: cannot read '/nonexistent/t' "
	    "(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE): No such file or "
	    "directory");
	ck_assert_int_eq(f.net.n, 0);
	aws_creds_source_free(src);
	f.s.env_ctx = (void *)token;
	src = open_expect(&f, aws_creds_container_open, 1, NULL);
	ck_assert_int_eq(src->get(src, NOW, &ans, &f.why, &f.err), -1);
	ck_assert_str_eq(f.net.url, "http://localhost:8/c");
	ck_assert_str_eq(f.err.msg, "container: cannot reach "
	    "'http://localhost:8/c': refused");
	/* Without a transport for it, it is configured but not asked. */
	f.s.metadata = NULL;
	ck_assert_int_eq(src->get(src, NOW, &ans, &f.why, &f.err), -1);
	ck_assert_str_eq(f.err.msg, "container: not asked");
	aws_creds_source_free(src);
	fixture_release(&f);
}
END_TEST

/* Instance metadata that hands out a session token, then answers the
 * role list with an error status and a hostile body. */
struct imds_bad {
	long		 status;
	const char	*body;
	size_t		 len;
};

static int
imds_bad_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	const struct imds_bad	*b = ctx;

	(void)err;
	http_response_init(resp);
	if (strcmp(req->method, "PUT") == 0) {
		resp->status = 200;
		buf_adds(&resp->body, "imds-SECRET-token");
	} else {
		resp->status = b->status;
		buf_add(&resp->body, b->body, b->len);
	}
	return 0;
}

/* The body of an error answer is quoted through buf_add_clean(): one line
 * of printable ASCII, the session token redacted, at most 120 characters. */
START_TEST(test_imds_error_excerpt)
{
	static const char	 body[] = "\x1b[31mboom\x1b[0m\r\n\t "
	    "imds-SECRET-token \x7f\xc3\xa9 ";
	struct imds_bad		 bad;
	struct http_transport	 http = { imds_bad_send, &bad };
	struct aws_creds	 creds;
	struct buf		 b = BUF_INIT, want = BUF_INIT;
	struct err		 err;
	time_t			 exp;

	buf_add(&b, body, sizeof(body) - 1);
	while (b.len < 400)
		buf_addc(&b, 'y');
	bad.status = 500;
	bad.body = b.data;
	bad.len = b.len;
	memset(&creds, 0, sizeof(creds));
	err_clear(&err);
	ck_assert_int_eq(aws_imds_fetch(&http, "http://169.254.169.254",
	    &creds, &exp, &err), -1);
	buf_adds(&want, "'http://169.254.169.254/latest/meta-data/iam/"
	    "security-credentials/' answered HTTP 500: [31mboom [0m "
	    "[redacted] ?? ");
	while (b.len > 0 && want.len < strlen("'http://169.254.169.254/latest/"
	    "meta-data/iam/security-credentials/' answered HTTP 500: ") + 120)
		buf_addc(&want, 'y');
	buf_adds(&want, "...");
	ck_assert_str_eq(err.msg, buf_str(&want));
	/* Nothing but white space and controls: no excerpt at all. */
	bad.body = "\r\n\x1b \t";
	bad.len = 5;
	ck_assert_int_eq(aws_imds_fetch(&http, "http://169.254.169.254",
	    &creds, &exp, &err), -1);
	ck_assert_str_eq(err.msg, "'http://169.254.169.254/latest/meta-data/"
	    "iam/security-credentials/' answered HTTP 500");
	buf_release(&b);
	buf_release(&want);
}
END_TEST

START_TEST(test_imds_source)
{
	static const char *const	 off[] = {
		"AWS_EC2_METADATA_DISABLED", "True", NULL
	};
	static const char *const	 v6[] = {
		"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6", NULL
	};
	static const char *const	 none[] = { NULL };
	struct fixture			 f;
	struct aws_creds_answer		 ans;
	struct aws_creds_source		*src;

	fixture_init(&f, off, NULL);
	open_expect(&f, aws_creds_imds_open, 0, "instance metadata: "
	    "AWS_EC2_METADATA_DISABLED is true");
	f.s.env_ctx = (void *)none;
	f.s.metadata = NULL;
	open_expect(&f, aws_creds_imds_open, 0, "instance metadata: not "
	    "asked");
	f.s.metadata = &f.http;
	src = open_expect(&f, aws_creds_imds_open, 1, NULL);
	memset(&ans, 0, sizeof(ans));
	/* No answer to the token request: not on EC2, only noted. */
	ck_assert_int_eq(src->get(src, NOW, &ans, &f.why, &f.err), 0);
	ck_assert_str_eq(f.net.url, AWS_IMDS_ENDPOINT "/latest/api/token");
	ck_assert_str_eq(buf_str(&f.why), "instance metadata: cannot reach '"
	    AWS_IMDS_ENDPOINT "/latest/api/token': refused");
	aws_creds_source_free(src);
	f.s.env_ctx = (void *)v6;
	src = open_expect(&f, aws_creds_imds_open, 1, NULL);
	ck_assert_int_eq(src->get(src, NOW, &ans, &f.why, &f.err), 0);
	ck_assert_str_eq(f.net.url, "http://[fd00:ec2::254]/latest/api/token");
	aws_creds_source_free(src);
	fixture_release(&f);
}
END_TEST

/* ---- the interface: a source made here ------------------------------------ */

struct canned {
	int	 rc;
	int	 nget;
	int	 released;
};

static int
canned_get(struct aws_creds_source *src, time_t now,
    struct aws_creds_answer *ans, struct buf *why, struct err *err)
{
	struct canned	*c = src->impl;

	c->nget++;
	ck_assert_int_eq(now, NOW);
	if (c->rc == 0)
		buf_adds(why, "canned: empty");
	else if (c->rc == -1)
		err_set(err, "canned: broken");
	else {
		ans->creds.access_key_id = xstrdup("AKIACANNED");
		ans->creds.secret_access_key = xstrdup("s");
		ans->expiration = NOW + 60;
	}
	return c->rc;
}

static void
canned_release(void *impl)
{
	((struct canned *)impl)->released++;
}

static struct canned	 canned;

static int
canned_open(const struct aws_creds_setup *s, struct aws_creds_source **out,
    struct buf *why, struct err *err)
{
	(void)why;
	(void)err;
	*out = aws_creds_source_new("canned", s, canned_get, canned_release,
	    &canned);
	return 1;
}

START_TEST(test_source_ask)
{
	static const char *const	 none[] = { NULL };
	struct fixture			 f;
	struct aws_creds_answer		 ans;
	struct aws_creds_source		*src;
	int				 rc;

	fixture_init(&f, none, NULL);
	for (rc = -1; rc <= 1; rc++) {
		memset(&canned, 0, sizeof(canned));
		canned.rc = rc;
		buf_reset(&f.why);
		ck_assert_int_eq(aws_creds_source_ask(canned_open, &f.s, NOW,
		    &src, &ans, &f.why, &f.err), rc);
		ck_assert_int_eq(canned.nget, 1);
		/* What answered is kept; the others are freed at once. */
		ck_assert_int_eq(canned.released, rc != 1);
		ck_assert_int_eq(src != NULL, rc == 1);
		if (rc == 0)
			ck_assert_str_eq(buf_str(&f.why), "canned: empty");
		if (rc == -1)
			ck_assert_str_eq(f.err.msg, "canned: broken");
	}
	ck_assert_str_eq(ans.creds.access_key_id, "AKIACANNED");
	ck_assert_int_eq(ans.expiration, NOW + 60);
	ck_assert_str_eq(buf_str(&ans.from), "canned");
	ck_assert_ptr_eq(src->setup, &f.s);
	aws_creds_answer_release(&ans);
	ck_assert_ptr_null(ans.creds.access_key_id);
	aws_creds_source_free(src);
	ck_assert_int_eq(canned.released, 1);
	aws_creds_source_free(NULL);
	fixture_release(&f);
}
END_TEST

Suite *
cred_sources_suite(void)
{
	Suite	*s = suite_create("cred_sources");
	TCase	*tc;

	tc = tcase_create("shared");
	tcase_add_test(tc, test_env_helpers);
	tcase_add_test(tc, test_token_file);
	tcase_add_test(tc, test_role_settings);
	tcase_add_test(tc, test_shared_files);
	tcase_add_test(tc, test_files_not_regular);
	tcase_add_test(tc, test_chain_region);
	suite_add_tcase(s, tc);

	tc = tcase_create("sources");
	tcase_add_test(tc, test_env_source);
	tcase_add_test(tc, test_webid_source);
	tcase_add_test(tc, test_profile_source);
	tcase_add_test(tc, test_container_source);
	tcase_add_test(tc, test_imds_source);
	tcase_add_test(tc, test_imds_error_excerpt);
	tcase_add_test(tc, test_source_ask);
	suite_add_tcase(s, tc);
	return s;
}
