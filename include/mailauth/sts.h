/*
 * sts.h - the AWS Security Token Service (Query API, version 2011-06-15):
 * AssumeRole, AssumeRoleWithWebIdentity and GetCallerIdentity.
 *
 * Each request is a form-encoded POST to "/" of the endpoint, sent through
 * the call core (mailauth/call.h), as the AWS CLI sends it ("Action=...&Version=2011-06-15&..."), signed with SigV4 for
 * service "sts" in the client's region, except AssumeRoleWithWebIdentity,
 * which is sent unsigned: the web-identity token is the proof.  Answers
 * are XML, parsed with libxml2 with network access, DTDs and entities off.
 *
 * Failures fill err with one line naming the operation:
 *   STS AssumeRole: AccessDenied: User ... is not authorized ...
 *   STS AssumeRole: HTTP 503: ...           (an answer that is not STS XML)
 *   STS AssumeRole: cannot reach '...': ... (no answer)
 * with err->http_status and err->aws_code set.  No secret (the signing
 * keys, a session token, the web-identity token) can appear in a message:
 * each is replaced by "[redacted]" wherever an answer echoes it.  Every
 * copy of a secret made here (request bodies and headers, response bodies,
 * the parsed document) is wiped before it is freed.
 */
#ifndef MAILAUTH_STS_H
#define MAILAUTH_STS_H

#include <stddef.h>
#include <time.h>

#include "mailauth/creds.h"

struct err;
struct http_transport;

#define STS_API_VERSION		"2011-06-15"
#define STS_DEFAULT_REGION	"us-east-1"

struct sts_client {
	const struct http_transport	*http;
	const char			*endpoint;	/* scheme://host[:port] */
	const char			*region;	/* for signing */
	time_t				(*clock)(void);	/* for signing */
};

/* What AssumeRole and AssumeRoleWithWebIdentity return. */
struct sts_session {
	struct aws_creds	 creds;
	time_t			 expiration;
	char			*arn;		/* the assumed-role ARN */
};

void	sts_session_release(struct sts_session *);

struct sts_assume_role {
	const char	*role_arn;
	const char	*session_name;
	const char	*external_id;		/* NULL: none */
	long		 duration_s;		/* 0: STS's default (1 h) */
};

/* AssumeRole, signed with source.  On -1 out holds nothing. */
int	sts_assume_role(const struct sts_client *, const struct aws_creds *source,
	    const struct sts_assume_role *, struct sts_session *out,
	    struct err *);
/* AssumeRoleWithWebIdentity, unsigned, with the token (not NULL, not
 * empty).  On -1 out holds nothing. */
int	sts_assume_role_web_identity(const struct sts_client *,
	    const struct sts_assume_role *, const char *token,
	    struct sts_session *out, struct err *);

struct sts_identity {
	char	*account;
	char	*arn;
	char	*user_id;
};

void	sts_identity_release(struct sts_identity *);
/* GetCallerIdentity, signed with creds.  On -1 out holds nothing. */
int	sts_get_caller_identity(const struct sts_client *,
	    const struct aws_creds *, struct sts_identity *out, struct err *);

/*
 * The XML layer, exposed for tests and fuzzing.  Bodies may be anything;
 * on -1 the outputs hold nothing and err says what is missing, never
 * quoting a secret.
 *
 * The Credentials (AccessKeyId, SecretAccessKey, SessionToken, Expiration)
 * and AssumedRoleUser/Arn of an AssumeRoleResponse or
 * AssumeRoleWithWebIdentityResponse; result is the name of the result
 * element ("AssumeRoleResult", "AssumeRoleWithWebIdentityResult").
 */
int	sts_xml_parse_session(const char *xml, size_t len, const char *result,
	    struct sts_session *, struct err *);
/* GetCallerIdentityResponse: Account, Arn, UserId. */
int	sts_xml_parse_identity(const char *xml, size_t len,
	    struct sts_identity *, struct err *);
#endif
