/*
 * chain.h - where AWS credentials come from: the sources and the chain of
 * them the AWS SDKs search, in their order (docs/credentials.md):
 *
 *   1. --profile NAME (or AWS_PROFILE) chooses the profile of the file-based
 *      sources; --profile also skips the environment keys, AWS_PROFILE not;
 *   2. environment keys: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *      AWS_SESSION_TOKEN (cred_env.c);
 *   3. web identity: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, or
 *      role_arn + web_identity_token_file in the profile (STS
 *      AssumeRoleWithWebIdentity; cred_webid.c);
 *   4. the profile in the shared files: role_arn with source_profile or
 *      credential_source (STS AssumeRole), static keys of the credentials
 *      file, credential_process (cred_process.c), static keys of the
 *      config file (cred_profile.c);
 *   5. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 *      _FULL_URI; cred_container.c);
 *   6. EC2 instance metadata, IMDSv2 only (cred_imds.c).
 *
 * Each source is a struct aws_creds_source behind one open function, one
 * file each in src/creds/; the chain (chain.c) asks them in the order of
 * AWS_CREDS_SOURCES below.
 * Adding a source is one file and one line in that table.
 *
 * The credentials themselves and the provider that refreshes them are
 * mailauth/creds.h (src/aws/creds.c), which the call core signs with.
 *
 * Nothing here reads the environment, the clock or HOME by itself: the
 * environment is a lookup function, the clock, the HTTP transports and the
 * process runner are passed in.  Secrets (secret keys, session tokens,
 * web-identity and container authorization tokens) never reach a message,
 * and every copy this layer makes of one is wiped (OPENSSL_cleanse) before
 * it is freed.
 */
#ifndef MAILAUTH_CHAIN_H
#define MAILAUTH_CHAIN_H

#include <stddef.h>
#include <time.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"

struct aws_process_runner;
struct aws_profile;
struct aws_shared_files;
struct err;
struct http_transport;
struct sts_assume_role;
struct sts_client;
struct sts_session;

/* Returns the value of an environment variable or NULL. */
typedef const char *(*env_lookup_fn)(void *ctx, const char *name);

/* The variable's value, or NULL when it is unset or "", as the AWS CLI and
 * SDKs take an empty variable. */
const char *aws_env_get(env_lookup_fn, void *ctx, const char *name);
/* Whether the variable is "true", in any case. */
int	aws_env_true(env_lookup_fn, void *ctx, const char *name);
/* path with a leading "~" (alone or before '/') made HOME, malloc'd; NULL
 * when that needs a HOME there is not. */
char	*aws_path_expand_home(env_lookup_fn, void *ctx, const char *path);

/* A token file (web identity, container authorization) is at most this. */
#define AWS_TOKEN_MAX	(64 * 1024)

/*
 * Reads the token in file ("~" expanded) into a malloc'd string without
 * its trailing white space; what names the setting that named the file,
 * for messages.  NULL with err: "cannot read 'FILE' (WHAT): REASON"
 * ("HOME is not set" for a "~" without HOME, "it is a FIFO, not a regular
 * file": never waited on), "'FILE' (WHAT) is larger
 * than 64 KiB", "'FILE' (WHAT) holds no token" (empty, or a NUL byte in
 * it).  Every copy but the one returned is wiped; wipe that with
 * aws_secret_free().
 */
char	*aws_token_file_read(env_lookup_fn, void *ctx, const char *file,
	    const char *what, struct err *);

/*
 * Fills creds from the environment: AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, both required, and AWS_SESSION_TOKEN, optional.
 * A variable set to "" counts as unset.  Returns -1 with err naming the
 * missing variable(s), creds then zeroed; release creds either way.
 */
int	aws_creds_from_env(struct aws_creds *, env_lookup_fn, void *ctx,
	    struct err *);

/*
 * Credentials as JSON, parsed with cJSON.  form AWS_JSON_PROCESS is what a
 * credential_process prints: {"Version": 1, "AccessKeyId", "SecretAccessKey",
 * "SessionToken" (optional), "Expiration" (optional: the credentials do not
 * expire)}.  AWS_JSON_METADATA is what container credentials and instance
 * metadata answer: {"AccessKeyId", "SecretAccessKey", "Token",
 * "Expiration"}, plus "Code", which must be "Success" when present.  On 0,
 * creds is filled and *expiration is 0 or the time; on -1, err says what is
 * wrong without quoting the document (it holds secrets), and creds holds
 * nothing.  The parser's copies of the document are wiped.
 */
enum aws_json_form {
	AWS_JSON_PROCESS,
	AWS_JSON_METADATA
};

int	aws_creds_parse_json(const char *json, size_t len, enum aws_json_form,
	    struct aws_creds *, time_t *expiration, struct err *);

/* ---- sources ------------------------------------------------------------ */

/*
 * What the chain hands every source it opens: set up once by
 * aws_chain_open(), owned by the chain, valid as long as its sources.
 */
struct aws_creds_setup {
	env_lookup_fn			 env;
	void				*env_ctx;
	const struct aws_shared_files	*files;		/* read once */
	const char			*profile;	/* the selected one */
	int				 profile_option; /* --profile gave it */
	const struct sts_client		*sts;
	/* Container credentials and instance metadata; NULL: not asked. */
	const struct http_transport	*metadata;
	const struct aws_process_runner	*runner;	/* NULL: none here */
};

/* Credentials as a source hands them over. */
struct aws_creds_answer {
	struct aws_creds	 creds;
	time_t			 expiration;	/* 0: they do not expire */
	/* Which source, for messages and "mailauth whoami" (creds_provider's
	 * source); left empty, it is the source's name. */
	struct buf		 from;
};

/* Wipes and frees what ans holds; leaves it zeroed. */
void	aws_creds_answer_release(struct aws_creds_answer *ans);
/* Moves the credentials and expiration of an STS session into ans (zeroed
 * before), then releases s. */
void	aws_creds_answer_take(struct aws_creds_answer *ans,
	    struct sts_session *s);

struct aws_creds_source;

/*
 * A source's fetch: fresh credentials into ans (zeroed by the caller) as
 * of now.  1: ans filled; 0: nothing there after all (instance metadata
 * without a role, a profile without credentials), one reason added to
 * why; -1: err filled.  On 0 and -1 ans holds nothing.
 */
typedef int (*aws_creds_get_fn)(struct aws_creds_source *, time_t now,
	    struct aws_creds_answer *ans, struct buf *why, struct err *);

/*
 * One source of credentials, as aws-c-auth's providers: opened when it is
 * configured (its settings read and kept in impl), asked with get() as
 * often as the credentials need refreshing, freed with
 * aws_creds_source_free().
 */
struct aws_creds_source {
	/* "environment", "web identity", "profile", "container", "instance
	 * metadata": what the answer says when the source says nothing
	 * more. */
	const char			*name;
	aws_creds_get_fn		 get;
	/* Frees impl, wiping any secret in it; NULL: nothing to free. */
	void				(*release)(void *impl);
	void				*impl;		/* the source's own */
	const struct aws_creds_setup	*setup;		/* the chain's */
};

/* A source of these parts, to be freed with aws_creds_source_free(). */
struct aws_creds_source *aws_creds_source_new(const char *name,
	    const struct aws_creds_setup *, aws_creds_get_fn get,
	    void (*release)(void *impl), void *impl);
/* Releases impl, then frees src; NULL is fine. */
void	aws_creds_source_free(struct aws_creds_source *src);

/*
 * Opens a source from what setup says.  1: configured, *out set (free
 * it); 0: not configured, one reason added to why ("container:
 * AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and ... are not set"); -1:
 * configured but wrong, err filled (docs/credentials.md, "Configured but
 * failing").
 */
typedef int (*aws_creds_source_open_fn)(const struct aws_creds_setup *,
	    struct aws_creds_source **out, struct buf *why, struct err *);

/*
 * The chain's table: the sources in the order aws_chain_open() asks them,
 * one line each, X(the open function of src/creds/cred_NAME.c).  The open
 * functions are declared here from it and chain.c makes its table of it,
 * so a new source is one file and one line here.
 */
#define AWS_CREDS_SOURCES(X)						\
	X(aws_creds_env_open)		/* 2. environment keys */	\
	X(aws_creds_webid_open)		/* 3. web identity */		\
	X(aws_creds_profile_open)	/* 4. the shared files */	\
	X(aws_creds_container_open)	/* 5. container credentials */	\
	X(aws_creds_imds_open)		/* 6. EC2 instance metadata */

#define AWS_CREDS_SOURCE_DECLARE(open)					\
	int open(const struct aws_creds_setup *,			\
	    struct aws_creds_source **, struct buf *, struct err *);
AWS_CREDS_SOURCES(AWS_CREDS_SOURCE_DECLARE)
#undef AWS_CREDS_SOURCE_DECLARE

/*
 * Opens the source with open and asks it once as of now: 1 with ans
 * filled (its from set) and the source in *src, or freed at once when
 * src is NULL; 0 with the reason in why; -1 with err.  On 0 and -1 nothing
 * is kept.
 */
int	aws_creds_source_ask(aws_creds_source_open_fn open,
	    const struct aws_creds_setup *, time_t now,
	    struct aws_creds_source **src, struct aws_creds_answer *ans,
	    struct buf *why, struct err *);

/* What web identity is asked with: from the environment or a profile. */
struct aws_webid {
	const char		*token_file;	/* "~" allowed */
	const char		*token_from;	/* the setting, for messages */
	const char		*role_arn;
	const char		*session_name;	/* NULL: "mailauth-NOW" */
	/* Whose duration_seconds applies; NULL: STS's default. */
	const struct aws_profile *profile;
};

/*
 * STS AssumeRoleWithWebIdentity with the token read from w->token_file.
 * 1 with ans filled, or -1 with err: "role 'ARN': STS ...", a token file
 * message, or "profile 'P': duration_seconds ...".
 */
int	aws_creds_webid_assume(const struct aws_creds_setup *, time_t now,
	    const struct aws_webid *w, struct aws_creds_answer *ans,
	    struct err *);

/*
 * Runs cmd, the credential_process of profile p, with setup->runner and
 * takes what it prints (aws_creds_parse_json(), AWS_JSON_PROCESS) as of
 * now.  1 with ans filled, or -1 with err: "credential_process of profile
 * 'P' exited with status N" (or "was killed by signal N"), "...: did not
 * finish within 60 s", "... printed no usable credentials: REASON", "...
 * returned credentials that expired at TIME".
 */
int	aws_creds_process_get(const struct aws_creds_setup *, time_t now,
	    const struct aws_profile *p, const char *cmd,
	    struct aws_creds_answer *ans, struct err *);

/*
 * The settings part of an STS role request: ar->session_name (configured,
 * else "mailauth-NOW"; malloc'd into *name, free it) and ar->duration_s
 * (duration_seconds of p, 0 when p is NULL or does not set it).  -1 with
 * err "profile 'P': duration_seconds must be a number of seconds from 900
 * to 43200, got 'X'", *name then NULL.
 */
int	aws_creds_role_settings(const struct aws_profile *p,
	    const char *session, time_t now, struct sts_assume_role *ar,
	    char **name, struct err *);

/* ---- an account's role (cred_role.c) -------------------------------- */

/* What an account of the config's accounts: with role_arn is reached
 * with. */
struct aws_role_opts {
	const char			*account;	/* its name, for messages */
	const char			*role_arn;
	const char			*external_id;	/* NULL: none */
	const char			*session_name;	/* NULL: mailauth-NOW */
	long				 duration_s;	/* 0: STS's default */
	/* Signs the AssumeRole requests and is refreshed by its own
	 * fetch: borrowed, it must outlive the provider made here.  Several
	 * roles may share one base from several threads (it is asked with
	 * aws_creds_provider_copy()); sts is sent through by the thread
	 * that asks this provider, so give each role a client of its own
	 * (a struct aws_retry serves one thread). */
	struct aws_creds_provider	*base;
	const struct sts_client		*sts;		/* borrowed, the same */
};

/*
 * A provider of the role's credentials: STS AssumeRole signed with
 * o->base's credentials, fetched once here as of now and again by
 * aws_creds_provider_get() before they lapse.  Its source reads "role_arn
 * ARN via BASE-SOURCE".  NULL with err "account 'NAME': role 'ARN': STS
 * AssumeRole: ..." (or base's refresh error, prefixed the same way).
 */
struct aws_creds_provider *aws_creds_role_open(const struct aws_role_opts *,
	    time_t now, struct err *);

/* ---- the chain --------------------------------------------------------- */

/* Everything the chain reads from outside. */
struct aws_chain_opts {
	env_lookup_fn			 env;
	void				*env_ctx;
	time_t				(*clock)(void);
	const struct http_transport	*http;	/* STS */
	/* Container credentials and instance metadata: short timeouts, no
	 * proxy; NULL skips both sources. */
	const struct http_transport	*metadata;
	const struct aws_process_runner	*runner; /* credential_process */
	const char			*profile; /* --profile, or NULL */
	/* Handed over to the provider, which calls owned_free(owned) when
	 * it is freed: what the transports above need to live as long. */
	void				*owned;
	void				(*owned_free)(void *);
};

/*
 * Searches the sources in order and returns a provider holding the first
 * credentials found, already fetched, whose refresh asks the same source
 * again.  The shared files are read once, here.
 *
 * A source that is not configured is passed over, with one reason noted;
 * a source that is configured but fails (a bad file, a credential_process
 * that fails, an STS error, a role loop) stops the search with its error.
 * When no source yields credentials: "no AWS credentials found; tried:
 * environment: ...; web identity: ...; profile 'default': ...; container:
 * ...; instance metadata: ..." (docs/credentials.md lists every reason).
 *
 * Returns NULL with err filled; opts->owned is then freed too.
 */
struct aws_creds_provider *aws_chain_open(const struct aws_chain_opts *,
	    struct err *);
/*
 * The region the chain reads, as aws_chain_open() reads it for STS
 * (docs/credentials.md): AWS_REGION, AWS_DEFAULT_REGION, the region of
 * the profile it selects (--profile, AWS_PROFILE, default).  Only the
 * shared files are read; nothing is sent and no credential is looked for
 * (of o, only env, env_ctx and profile are used).  0 with *region
 * malloc'd, or NULL when none is set; -1 with err when a shared file
 * cannot be read or a profile asked for by name is not in them.
 */
int	aws_chain_region(const struct aws_chain_opts *o, char **region,
	    struct err *);
/*
 * The STS client of a provider made by aws_chain_open() (its endpoint and
 * region, resolved as docs/credentials.md says), or NULL for another
 * provider.  Owned by the provider.
 */
const struct sts_client *aws_chain_sts(const struct aws_creds_provider *);

#endif
