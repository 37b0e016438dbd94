/*
 * creds.h - AWS credentials: what a request is signed with, a provider that
 * keeps them fresh, and the chain of sources the AWS SDKs search, in their
 * order (docs/credentials.md):
 *
 *   1. --profile NAME (or AWS_PROFILE) chooses the profile of the file-based
 *      sources; --profile also skips the environment keys, AWS_PROFILE not;
 *   2. environment keys: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 *      AWS_SESSION_TOKEN;
 *   3. web identity: AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE, or
 *      role_arn + web_identity_token_file in the profile (STS
 *      AssumeRoleWithWebIdentity);
 *   4. the profile in the shared files: role_arn with source_profile or
 *      credential_source (STS AssumeRole), static keys of the credentials
 *      file, credential_process, static keys of the config file;
 *   5. container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or
 *      _FULL_URI);
 *   6. EC2 instance metadata, IMDSv2 only.
 *
 * Nothing here reads the environment, the clock or HOME by itself: the
 * environment is a lookup function, the clock, the HTTP transports and the
 * process runner are passed in.  Secrets (secret keys, session tokens,
 * web-identity and container authorization tokens) never reach a message,
 * and every copy this layer makes of one is wiped (OPENSSL_cleanse) before
 * it is freed.
 */
#ifndef MAILAUTH_CREDS_H
#define MAILAUTH_CREDS_H

#include <stddef.h>
#include <time.h>

struct aws_process_runner;
struct err;
struct http_transport;
struct sts_client;

struct aws_creds {
	char	*access_key_id;
	char	*secret_access_key;
	char	*session_token;		/* NULL when not temporary */
};

/* Returns the value of an environment variable or NULL. */
typedef const char *(*env_lookup_fn)(void *ctx, const char *name);

/*
 * Fills creds from the environment: AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY, both required, and AWS_SESSION_TOKEN, optional.
 * A variable set to "" counts as unset.  Returns -1 with err naming the
 * missing variable(s), creds then zeroed; release creds either way.
 */
int	aws_creds_from_env(struct aws_creds *, env_lookup_fn, void *ctx,
	    struct err *);
/* Makes dst (not initialised) a copy of src. */
void	aws_creds_copy(struct aws_creds *dst, const struct aws_creds *src);
/* Wipes the strings before freeing them; leaves creds zeroed. */
void	aws_creds_release(struct aws_creds *);
/* Wipes s (strlen bytes) and frees it; NULL is fine. */
void	aws_secret_free(char *s);

/*
 * An ISO 8601 time as AWS writes expirations: "2026-05-01T12:00:00Z", with
 * optional fractional seconds and a "Z", "+HH:MM" or "-HH:MM" offset (also
 * without the colon).  -1 when s is not one.
 */
int	aws_time_parse(const char *s, time_t *out);
/* Formats t as "2026-05-01T12:00:00Z" into out (21 bytes). */
void	aws_time_format(time_t t, char out[21]);

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

/* ---- the provider: credentials refreshed before they lapse ---------- */

/* Credentials are fetched again this long before their expiration. */
#define AWS_CREDS_REFRESH_S	300

/*
 * A provider holds the current credentials of one source and the function
 * that fetches them again.  Signers ask it for credentials before each
 * request with aws_creds_provider_get().
 */
struct aws_creds_provider {
	struct aws_creds	 creds;		/* empty before the first fetch */
	time_t			 expiration;	/* 0: they do not expire */
	/* Which source supplied them, for messages and "mailauth whoami":
	 * "environment", "profile ci (role_arn via source_profile base)",
	 * "web identity", "credential_process (profile x)", "container",
	 * "instance metadata". */
	char			*source;
	/*
	 * Fetches fresh credentials into out (not initialised) and
	 * *expiration (0: they do not expire).  Returns 0, or -1 with err
	 * filled and out holding nothing.
	 */
	int			(*fetch)(void *ctx, time_t now,
				    struct aws_creds *out, time_t *expiration,
				    struct err *);
	void			*ctx;
	void			(*ctx_free)(void *ctx);	/* may be NULL */
};

/*
 * Sets *creds to the provider's current credentials (owned by the
 * provider, valid until the next call), fetching them first when there
 * are none yet or when now is within AWS_CREDS_REFRESH_S of their
 * expiration.  When fetching fails but the current credentials are still
 * valid for a minute, those are used and the next call tries again;
 * otherwise -1 with err "cannot refresh the AWS credentials from SOURCE:
 * ...".  Fetched credentials that have already expired are refused:
 * "the AWS credentials from SOURCE expired at TIME".
 */
int	aws_creds_provider_get(struct aws_creds_provider *, time_t now,
	    const struct aws_creds **creds, struct err *);
/* Releases everything the provider holds, ctx included, then p; NULL is
 * fine. */
void	aws_creds_provider_free(struct aws_creds_provider *p);

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
 * The STS client of a provider made by aws_chain_open() (its endpoint and
 * region, resolved as docs/credentials.md says), or NULL for another
 * provider.  Owned by the provider.
 */
const struct sts_client *aws_chain_sts(const struct aws_creds_provider *);

#endif
