/*
 * creds.h - AWS credentials.
 *
 * For now only the environment source (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).  The environment is passed in as
 * a lookup function so this layer never calls getenv() itself.
 */
#ifndef MAILAUTH_CREDS_H
#define MAILAUTH_CREDS_H

struct err;

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
/* Wipes the strings before freeing them; leaves creds zeroed. */
void	aws_creds_release(struct aws_creds *);

#endif
