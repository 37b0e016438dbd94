/*
 * metadata.h - credentials from the local metadata services: the container
 * credentials endpoint (ECS, CodeBuild, EKS Pod Identity) and EC2 instance
 * metadata (IMDSv2 only).  Both answer JSON (aws_creds_parse_json(),
 * AWS_JSON_METADATA).  These are the exchanges; the sources that read
 * their settings are cred_container.c and cred_imds.c.
 *
 * Messages never contain the container authorization token, the IMDS
 * session token or any credential; answers are wiped after parsing.
 */
#ifndef MAILAUTH_METADATA_H
#define MAILAUTH_METADATA_H

#include <time.h>

struct aws_creds;
struct err;
struct http_transport;

#define AWS_CONTAINER_HOST	"169.254.170.2"
#define AWS_IMDS_ENDPOINT	"http://169.254.169.254"
#define AWS_IMDS_ENDPOINT_IPV6	"http://[fd00:ec2::254]"
#define AWS_IMDS_TOKEN_TTL	"21600"

/*
 * Whether the SDKs accept url as AWS_CONTAINER_CREDENTIALS_FULL_URI: any
 * https:// URL, or an http:// one whose host is a loopback address
 * (127.0.0.0/8, [::1], localhost) or one of the container hosts
 * 169.254.170.2, 169.254.170.23 and [fd00:ec2::23].
 */
int	aws_container_url_allowed(const char *url);

/*
 * GET url (Accept: application/json, and Authorization: auth_token unless
 * it is NULL) and parse the answer.  A token holding CR or LF is refused.
 * Tries up to 3 times when no answer or a 5xx comes back.  -1 with err:
 * "'URL' answered HTTP 403: CODE: MESSAGE", "cannot reach 'URL': ...",
 * "the answer of 'URL' is not credentials: ...".
 */
int	aws_container_fetch(const struct http_transport *, const char *url,
	    const char *auth_token, struct aws_creds *, time_t *expiration,
	    struct err *);

/*
 * IMDSv2 from base (no trailing slash needed): PUT /latest/api/token with
 * X-aws-ec2-metadata-token-ttl-seconds, then GET
 * /latest/meta-data/iam/security-credentials/ for the role name and GET
 * .../ROLE for its credentials, each with the token.  Returns 1 with creds
 * filled; 0 when there is no instance metadata to ask (no answer to the
 * token request, or a 403, 404 or 405 to it: IMDSv1 is never tried) or no
 * role attached to the instance, with err saying which; -1 with err on any
 * other failure.
 */
int	aws_imds_fetch(const struct http_transport *, const char *base,
	    struct aws_creds *, time_t *expiration, struct err *);

#endif
