/*
 * call.h - the one path of every AWS request: where it goes (endpoint
 * resolution over a small partition table), User-Agent, SigV4 signing
 * (again before each retry, the credentials asked for before each
 * signature), the retrying transport (mailauth/retry.h), the error code of
 * each protocol, and error text with every secret redacted.
 *
 * The service clients (src/route53, src/ses, src/sts, src/s3)
 * only describe a request as a struct aws_call and read the body of a 2xx
 * answer.  Nothing here reads the environment or the clock by itself: the
 * caller passes an environment lookup and a clock.
 */
#ifndef MAILAUTH_CALL_H
#define MAILAUTH_CALL_H

#include <stddef.h>
#include <time.h>

struct aws_creds;
struct aws_creds_provider;
struct buf;
struct err;
struct http_response;
struct http_transport;

/* ---- endpoints ----------------------------------------------------------- */

/*
 * An AWS partition: its name (the second field of its ARNs: "arn:aws-cn:"),
 * the regions it holds (by name prefix), its DNS suffix, its one global
 * Route 53 endpoint with the region Route 53 is signed for there, and
 * whether Route 53 serves public hosted zones there.  A partition is one
 * row of the table in src/aws/call.c:
 *   aws         amazonaws.com     route53.amazonaws.com          us-east-1
 *   aws-cn      amazonaws.com.cn  route53.amazonaws.com.cn       cn-northwest-1
 *   aws-us-gov  amazonaws.com     route53.us-gov.amazonaws.com   us-gov-west-1
 */
struct aws_partition {
	const char	*name;
	const char	*region_prefix;	/* "cn-", "us-gov-"; "" matches all */
	const char	*dns_suffix;
	const char	*route53_host;
	const char	*route53_region;
};

/* The partition of region ("aws" for NULL or any region of no other). */
const struct aws_partition *aws_partition_of(const char *region);

/* Where the requests of one service go. */
struct aws_endpoint {
	char	*url;		/* scheme://host[:port][/path], no final '/' */
	/* The region requests are signed for: the region given, or Route
	 * 53's of the partition (static); not freed. */
	const char *region;
	/* 1 when the URL came from --endpoint-url or the environment: an
	 * S3-compatible service then gets path-style requests. */
	int	 configured;
};

/* The services mailauth calls, by the AWS SDKs' service ids. */
enum aws_service {
	AWS_ROUTE53,
	AWS_SESV2,
	AWS_STS,
	AWS_S3
};

/*
 * Resolves the endpoint of service for region (NULL: the aws partition; for
 * Route 53 only the partition matters).  In order:
 * - explicit (--endpoint-url), when not NULL;
 * - unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is "true", the first of
 *   AWS_ENDPOINT_URL_<ID> (ROUTE_53, SESV2, STS, S3) and AWS_ENDPOINT_URL
 *   that is set and not empty, read through env (may be NULL: none);
 * - the partition's own: https://route53.amazonaws.com (and the others of
 *   the table), https://email.REGION.SUFFIX, https://sts.REGION.SUFFIX,
 *   https://s3.REGION.SUFFIX.
 * Final slashes are dropped.  The signing region is region, or Route 53's
 * of the partition.  -1 with err when a region needed for the host is not made of a-z, 0-9 and '-' ("'X' is not an AWS
 * region").  Release out with aws_endpoint_release().
 */
int	aws_endpoint_resolve(enum aws_service, const char *region,
	    const char *explicit_url,
	    const char *(*env)(void *ctx, const char *name), void *env_ctx,
	    struct aws_endpoint *out, struct err *);
void	aws_endpoint_release(struct aws_endpoint *);

/* ---- calls --------------------------------------------------------------- */

enum aws_protocol {
	AWS_PROTOCOL_REST_XML,	/* Route 53, S3: XML error bodies */
	AWS_PROTOCOL_QUERY,	/* STS: the parameters form-encoded as the
				 * body of a POST; XML error bodies */
	AWS_PROTOCOL_JSON	/* SESv2: x-amzn-ErrorType or the body's
				 * "__type"/"code"; "message" */
};

/* A query (or form) parameter; both halves are encoded by the core. */
struct aws_param {
	const char	*name;
	const char	*value;
};

/* What an error response said, for a client that words its own line. */
struct aws_fault {
	long		 status;
	const char	*code;		/* "" when the answer holds none */
	/* What follows the code (its message) or, without a code, the
	 * status: one printable line, secrets redacted, cut short; "". */
	const char	*text;
};

struct aws_call;

/* Appends what a fault says after "WHAT: ": "CODE: TEXT", or "HTTP N:
 * TEXT" without a code (": TEXT" left out when text is ""). */
void	aws_fault_describe(const struct aws_fault *, struct buf *);

struct aws_call {
	const char	*service;	/* SigV4 signing name: "route53" */
	/* The request in retry messages, and what each error line starts
	 * with unless what is set: "Route 53 GetChange". */
	const char	*op;
	const char	*what;		/* "S3 GetObject 's3://b/k'", or NULL */
	enum aws_protocol protocol;
	const char	*method;
	/* May be sent again after it may have been processed (a timeout,
	 * a 5xx); GET always may. */
	int		 idempotent;

	const char	*endpoint;	/* aws_endpoint.url; final '/' ignored */
	const char	*host_prefix;	/* put before the endpoint's host (an
					 * S3 bucket: "b."), or NULL */
	/* The path: these segments, each percent-encoded whole
	 * (buf_add_encoded(), '/' included), joined by '/' after a first
	 * '/'; NULL or none: "/".  path_dir ends it with '/'. */
	const char	*const *path;
	size_t		 npath;
	int		 path_dir;
	/* The query string, or with AWS_PROTOCOL_QUERY the form body, in
	 * this order, each name and value percent-encoded. */
	const struct aws_param *params;
	size_t		 nparams;
	const char	*content_type;	/* of body */
	const char	*body;		/* NULL: none */
	size_t		 body_len;

	/* Signing: the region, the credentials (the provider, when set, is
	 * asked before each signature instead of creds), the clock. */
	const char	*region;
	const struct aws_creds *creds;
	struct aws_creds_provider *creds_provider;
	int		 anonymous;	/* sent unsigned */
	time_t		(*clock)(void);
	/* More text never to show besides the credentials and the
	 * signature (a web-identity token). */
	const char	*const *secrets;
	size_t		 nsecrets;

	size_t		 message_max;	/* characters of an AWS message kept
					 * (0: all) */
	/* Words the error line after "WHAT: " (NULL: aws_fault_describe()),
	 * with arg. */
	void		(*explain)(const struct aws_call *,
			    const struct aws_fault *, struct buf *line);
	void		*arg;
};

#define AWS_CODE_MAX	100	/* characters of an error code shown */
#define AWS_EXCERPT_MAX	200	/* of a body that is no AWS error */

/*
 * Sends the call through http (the run's retrying transport, or a test's)
 * and returns 0 with resp holding a 2xx answer (the caller releases it),
 * or -1 with resp holding nothing and err filled:
 * - "WHAT: " and what signing or the transport said, no secret in it;
 * - for an answer that is not 2xx, "WHAT: " and the explain hook's words,
 *   by default "CODE: MESSAGE" or "HTTP N: EXCERPT", err->http_status and
 *   err->aws_code (the code as the answer gave it, without a JSON
 *   namespace) set.  The credentials' secret key and session token, the
 *   request's signature and call->secrets are replaced by "[redacted]" in
 *   the body before it is read, and the text is one printable line.
 * Every copy of the request and of a failed answer made here is wiped
 * before it is freed.
 */
int	aws_call_send(const struct http_transport *, const struct aws_call *,
	    struct http_response *resp, struct err *);

/*
 * The Code and Message of an XML error body: <ErrorResponse><Error>, a
 * bare <Error>, or Route 53's older <InvalidChangeBatch><Messages>
 * <Message>... (code "InvalidChangeBatch", messages joined with "; ").
 * -1 when the body is none of these or has no Code.  Both malloc'd;
 * message is "" when the body has none.  The parsed copy is wiped.
 */
int	aws_xml_error_parse(const char *xml, size_t len, char **code,
	    char **message);
/*
 * The error code of a JSON answer: the x-amzn-ErrorType header, else the
 * body's "__type" or "code", without the namespace before '#' and
 * anything after ':', into code (size bytes).  -1 when there is none.
 */
int	aws_json_error_code(const struct http_response *, char *code,
	    size_t size);

#endif
