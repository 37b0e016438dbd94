/*
 * creds.h - AWS credentials as the call core and the service clients use
 * them: what a request is signed with, and a provider that keeps them
 * fresh by asking a fetch function again before they lapse.  Where
 * credentials come from (the environment, the shared files, STS, a
 * credential_process, container credentials, instance metadata) is
 * mailauth/chain.h, one layer up (src/creds/).
 *
 * Nothing here reads the environment or the clock by itself: the time is
 * passed in.  Secrets never reach a message, and every copy this layer
 * makes of one is wiped (OPENSSL_cleanse) before it is freed.
 */
#ifndef MAILAUTH_CREDS_H
#define MAILAUTH_CREDS_H

#include <pthread.h>
#include <time.h>

struct err;

struct aws_creds {
	char	*access_key_id;
	char	*secret_access_key;
	char	*session_token;		/* NULL when not temporary */
};

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

/* ---- the provider: credentials refreshed before they lapse ---------- */

/* Credentials are fetched again this long before their expiration. */
#define AWS_CREDS_REFRESH_S	300

/*
 * A provider holds the current credentials of one source and the function
 * that fetches them again.  Signers ask it for credentials before each
 * request with aws_creds_provider_get(), or aws_creds_provider_copy()
 * when the provider is shared by threads (the default chain's, which
 * every account's role provider asks when it refreshes): a lock makes one
 * thread fetch while the others wait, and the copy outlives any refresh.
 * Made by aws_creds_provider_new().
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
	pthread_mutex_t		 lock;	/* creds, expiration, fetching */
};

/* A provider with nothing filled in but its lock (xcalloc'd). */
struct aws_creds_provider *aws_creds_provider_new(void);

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
/*
 * The same for a provider other threads may use at once: *out receives a
 * copy of the credentials (release it with aws_creds_release()), taken
 * under the provider's lock, so a refresh by another thread cannot free
 * them under the caller.  On -1 out holds nothing.
 */
int	aws_creds_provider_copy(struct aws_creds_provider *, time_t now,
	    struct aws_creds *out, struct err *);
/* A copy of the current credentials, without fetching (out empty when
 * there are none yet). */
void	aws_creds_provider_peek(struct aws_creds_provider *,
	    struct aws_creds *out);
/* Releases everything the provider holds, ctx included, then p; NULL is
 * fine. */
void	aws_creds_provider_free(struct aws_creds_provider *p);

#endif
