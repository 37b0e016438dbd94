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

/* Lowercase hex SHA-256 of data into out (65 bytes). */
void	sigv4_sha256_hex(const void *data, size_t len, char out[65]);
/* Appends the canonical request; signed_headers receives the
 * semicolon-separated list of signed header names. */
int	sigv4_canonical_request(const struct sigv4_input *, struct buf *out,
	    struct buf *signed_headers, struct err *);
/* amz_date is "YYYYMMDDTHHMMSSZ"; scope is "YYYYMMDD/region/service/aws4_request". */
void	sigv4_string_to_sign(const char *amz_date, const char *scope,
	    const char *canonical_request, struct buf *out);
/* The 32-byte signing key; wipe it after use. */
void	sigv4_signing_key(const char *secret, const char *date8,
	    const char *region, const char *service, unsigned char key[32]);
/* Lowercase hex HMAC-SHA256 of string_to_sign under key into out (65 bytes). */
void	sigv4_signature(const unsigned char key[32], const char *string_to_sign,
	    char out[65]);
/* Formats now (UTC) as "YYYYMMDDTHHMMSSZ" into out (17 bytes). */
void	sigv4_amz_date(time_t now, char out[17]);

/*
 * Signs req in place: sets Host (from the URL) and X-Amz-Date, and
 * X-Amz-Security-Token when creds has a session token, then Authorization.
 * Returns -1 with err filled when the URL cannot be parsed.
 */
int	sigv4_sign_request(struct http_request *, const struct aws_creds *,
	    const char *region, const char *service, time_t now, struct err *);

#endif
