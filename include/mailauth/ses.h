/*
 * ses.h - the Amazon SES API v2 client: GetEmailIdentity (REST, JSON
 * bodies parsed with cJSON), and what an identity says about its DNS
 * records (docs/ses.md).
 *
 * Requests go through the call core (mailauth/call.h), signed with SigV4
 * for service "ses" in the identity's region.  The endpoint is chosen by
 * the caller (src/cli) with aws_endpoint_resolve() of "sesv2":
 * AWS_ENDPOINT_URL_SESV2, AWS_ENDPOINT_URL, else
 * https://email.REGION.amazonaws.com (.com.cn in the cn- regions).
 */
#ifndef MAILAUTH_SES_H
#define MAILAUTH_SES_H

#include <stddef.h>
#include <time.h>

struct aws_creds;
struct aws_creds_provider;
struct err;
struct http_transport;

#define SES_SERVICE		"ses"	/* SigV4 service name of SESv2 */
#define SES_DKIM_TARGET		".dkim.amazonses.com"	/* after a token */
#define SES_MAIL_FROM_PRIORITY	10
#define SES_MAIL_FROM_SPF	"v=spf1 include:amazonses.com ~all"

struct ses_client {
	const struct http_transport	*http;
	const char			*endpoint;	/* no trailing slash
							 * needed */
	const char			*region;	/* signing region */
	const struct aws_creds		*creds;
	/* When set, asked for the credentials before each signature
	 * instead of using creds. */
	struct aws_creds_provider	*creds_provider;
	time_t				(*clock)(void);	/* for signing */
};

/* Who holds the identity's DKIM keys (DkimAttributes.
 * SigningAttributesOrigin). */
enum ses_dkim_origin {
	SES_DKIM_UNKNOWN,	/* absent, or a value mailauth does not know */
	SES_DKIM_EASY,		/* AWS_SES, or AWS_SES_<REGION>: Easy DKIM */
	SES_DKIM_EXTERNAL	/* EXTERNAL: BYODKIM, the user's own key */
};

/*
 * What GetEmailIdentity says, the fields mailauth uses.  Strings are NULL
 * when the answer leaves them out.  Tokens and the MAIL FROM domain were
 * checked to be DNS names (a token one label), and are lower case.
 */
struct ses_identity {
	char			 *identity_type;	/* "DOMAIN", ... */
	int			  verified_for_sending;	/* bool */
	char			 *verification_status;	/* "SUCCESS", ... */
	/* DkimAttributes */
	int			  dkim_signing_enabled;	/* bool */
	char			 *dkim_status;		/* "SUCCESS", "PENDING",
							 * "FAILED", ... */
	enum ses_dkim_origin	  dkim_origin;
	char			 *dkim_origin_name;	/* as SES wrote it */
	char			**tokens;		/* Easy DKIM: the tokens;
							 * BYODKIM: the selector */
	size_t			  ntokens;
	char			 *dkim_key_length;	/* CurrentSigningKey-
							 * Length */
	/* MailFromAttributes */
	char			 *mail_from_domain;	/* NULL: SES's default */
	char			 *mail_from_status;
	char			 *mail_from_behavior;	/* BehaviorOnMxFailure */
};

/*
 * Parses a GetEmailIdentity answer.  The text is untrusted: anything but
 * a JSON object whose fields have the documented types fails with err
 * naming the field ("DkimAttributes.Tokens[1]: expected a DNS label").
 * On -1 id holds nothing to release.
 */
int	ses_identity_parse(const char *json, size_t len, struct ses_identity *,
	    struct err *);
/*
 * GetEmailIdentity of identity (a domain name) in c->region.  Failures
 * fill err with one line naming the operation; NotFoundException says
 * which identity is missing in which region and the command that creates
 * it; an access denial names the IAM action ses:GetEmailIdentity; any
 * other AWS error gives its code and message (one printable line, secrets
 * redacted, at most 300 characters); err->http_status and err->aws_code
 * are set.  On -1 id holds nothing to release.
 */
int	ses_identity_get(const struct ses_client *, const char *identity,
	    struct ses_identity *, struct err *);
void	ses_identity_release(struct ses_identity *);

/* "<token>.dkim.amazonses.com" (malloc'd, canonical: no final dot). */
char	*ses_token_target(const char *token);
/* 1 when target (any case, final dot or not) is "<x>.dkim.amazonses.com"
 * for a one-label x; then *label (may be NULL) gets x, malloc'd, lower
 * case. */
int	ses_token_target_parse(const char *target, char **label);

#endif
