/*
 * sigv4.h - AWS Signature Version 4 (header signing), built with OpenSSL.
 *
 * The signer is a chain of small stages, each testable alone against the
 * AWS SigV4 test suite: canonical request, string to sign, signing key,
 * signature.  The time is an argument; nothing here reads the clock.
 *
 * Signed headers: host, x-amz-*, content-type, content-length, content-md5
 * and any other header present on the request except those the AWS SDKs
 * leave unsigned (user-agent, authorization, expect, connection,
 * keep-alive, proxy-*, te, trailer, transfer-encoding, upgrade,
 * x-amzn-trace-id).
 */
#ifndef MAILAUTH_SIGV4_H
#define MAILAUTH_SIGV4_H

#include <stddef.h>
#include <time.h>

struct aws_creds;
struct buf;
struct err;
struct http_header;
struct http_request;

/* One request as the stages see it: already split into its parts. */
struct sigv4_input {
	const char			*method;
	const char			*path;		/* as on the wire, e.g. "/2013-04-01/hostedzone" */
	const char			*query;		/* without '?', may be "" */
	const struct http_header	*headers;	/* must include host */
	size_t				 nheaders;
	const char			*payload_hash;	/* lowercase hex SHA-256 of the body */
	int				 normalize_path; /* 1 for every service but S3 */
};

/*
 * The stages that hash return 0, or -1 when OpenSSL fails (out is then ""
 * or unchanged); nothing else can go wrong in them.
 */

/* Lowercase hex SHA-256 of data into out (65 bytes); data may be NULL when
 * len is 0. */
int	sigv4_sha256_hex(const void *data, size_t len, char out[65]);
/*
 * Appends the canonical request to out and the semicolon-separated list of
 * signed header names to signed_headers:
 * - the path, with dot segments and empty segments removed when
 *   normalize_path ("//a/./b/../" is "/a/"), is URI-encoded once more
 *   (every byte but A-Z a-z 0-9 - . _ ~ and '/' as %XX), as every service
 *   but S3 expects; "" is "/";
 * - each query parameter is percent-decoded then encoded as above ('/'
 *   included), a missing value is "", and the parameters are sorted by key,
 *   then value;
 * - headers are signed as the file comment says, their names in lower case
 *   and sorted, the values of headers of the same name joined with ',' in
 *   request order, each value trimmed with inner runs of white space (line
 *   breaks included) made one space.
 * Returns -1 with err filled when there is no Host header; out and
 * signed_headers are then unchanged.
 */
int	sigv4_canonical_request(const struct sigv4_input *, struct buf *out,
	    struct buf *signed_headers, struct err *);
/* Appends "AWS4-HMAC-SHA256\n" amz_date "\n" scope "\n" hex(sha256(creq)).
 * amz_date is "YYYYMMDDTHHMMSSZ"; scope is "YYYYMMDD/region/service/aws4_request". */
int	sigv4_string_to_sign(const char *amz_date, const char *scope,
	    const char *canonical_request, struct buf *out);
/* The 32-byte signing key; wipe it after use (OPENSSL_cleanse).  The
 * copies of the secret made on the way are wiped here. */
int	sigv4_signing_key(const char *secret, const char *date8,
	    const char *region, const char *service, unsigned char key[32]);
/* Lowercase hex HMAC-SHA256 of string_to_sign under key into out (65 bytes). */
int	sigv4_signature(const unsigned char key[32], const char *string_to_sign,
	    char out[65]);
/* Formats now (UTC) as "YYYYMMDDTHHMMSSZ" into out (17 bytes). */
void	sigv4_amz_date(time_t now, char out[17]);

/*
 * Signs req in place: sets Host (from the URL: host, and ":port" unless it
 * is the scheme's default) and X-Amz-Date, and X-Amz-Security-Token when
 * creds has a session token, then Authorization:
 *   AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/route53/aws4_request,
 *   SignedHeaders=host;x-amz-date, Signature=<64 hex digits>
 * (one line).  The path is normalised for every service but "s3", which
 * also gets X-Amz-Content-Sha256.  Returns -1 with err filled, and req
 * without Authorization, when creds is NULL or incomplete, region or
 * service is empty or not made of A-Z a-z 0-9 - . _ ~, or the URL cannot
 * be parsed (not http:// or https://, no host, bad port, user name).
 */
int	sigv4_sign_request(struct http_request *, const struct aws_creds *,
	    const char *region, const char *service, time_t now, struct err *);

/* The choices sigv4_sign_request() makes from the service name. */
struct sigv4_opts {
	int	normalize_path;	/* as in struct sigv4_input */
	int	sign_body;	/* also set and sign X-Amz-Content-Sha256 */
};

/* sigv4_sign_request() with those choices made by the caller. */
int	sigv4_sign_request_opts(struct http_request *,
	    const struct aws_creds *, const char *region, const char *service,
	    time_t now, const struct sigv4_opts *, struct err *);

#endif
