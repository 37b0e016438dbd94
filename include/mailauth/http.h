/*
 * http.h - HTTP requests and responses, and the transport that carries them.
 *
 * src/http/curl.c is the only code that includes <curl/curl.h>.  Everything
 * above it talks to a struct http_transport, so unit tests replay recorded
 * Route 53 responses through a transport of their own.
 */
#ifndef MAILAUTH_HTTP_H
#define MAILAUTH_HTTP_H

#include <stddef.h>

#include "mailauth/buf.h"

struct err;

struct http_header {
	char	*name;
	char	*value;
};

/* A request owns all of its strings. */
struct http_request {
	char			*method;
	char			*url;		/* absolute: scheme://host[:port]/path[?query] */
	struct http_header	*headers;
	size_t			 nheaders;
	char			*body;		/* may be NULL */
	size_t			 body_len;
};

struct http_response {
	long			 status;
	struct http_header	*headers;	/* names as received */
	size_t			 nheaders;
	struct buf		 body;
};

void	http_request_init(struct http_request *, const char *method,
	    const char *url);
/* Sets a header, replacing any with the same name (compared without case):
 * the first keeps its place and takes the value, the others are removed. */
void	http_request_header_set(struct http_request *, const char *name,
	    const char *value);
/* Appends a header, keeping any with the same name (sent in order). */
void	http_request_header_add(struct http_request *, const char *name,
	    const char *value);
/* Removes every header of that name (compared without case). */
void	http_request_header_del(struct http_request *, const char *name);
/* The value of the named header (compared without case), or NULL. */
const char *http_request_header_get(const struct http_request *,
	    const char *name);
/* Copies len bytes as the body (NUL-terminated beyond body_len). */
void	http_request_body_set(struct http_request *, const char *, size_t);
void	http_request_release(struct http_request *);

void	http_response_init(struct http_response *);
/* The value of the first header of that name (compared without case), or
 * NULL. */
const char *http_response_header_get(const struct http_response *,
	    const char *name);
/* Appends a header; for transports, including the ones tests write. */
void	http_response_header_add(struct http_response *, const char *name,
	    const char *value);
/* Removes every header, keeping status and body. */
void	http_response_headers_clear(struct http_response *);
void	http_response_release(struct http_response *);

/*
 * Whether the value of a header of that name must never be logged: names
 * containing "authorization", "credential", "secret", "token" or "cookie",
 * compared without case (Authorization, Proxy-Authorization,
 * X-Amz-Security-Token, ...).
 */
int	http_header_is_secret(const char *name);
/*
 * Appends value as a log may show it: unchanged, or "<redacted>" when
 * http_header_is_secret(name).  Of a SigV4 Authorization header only the
 * scheme and the SignedHeaders list are kept:
 *   AWS4-HMAC-SHA256 Credential=<redacted>, SignedHeaders=host;x-amz-date, Signature=<redacted>
 */
void	http_header_log_value(const char *name, const char *value,
	    struct buf *out);

/*
 * A transport sends one request and fills the response, which it
 * initialises itself.  It returns 0 when an HTTP response arrived (whatever
 * its status) and -1, with err filled, when none did (connection refused,
 * timeout, TLS failure); the response then holds nothing, and releasing it
 * is harmless.  It must not retry.
 */
struct http_transport {
	int	(*send)(void *ctx, const struct http_request *,
		    struct http_response *, struct err *);
	void	*ctx;
};

/*
 * The libcurl transport.  It sends the method, URL, headers and body of the
 * request and nothing else of its own (no Accept, Expect or Content-Type)
 * but Content-Length for a body or a POST.  TLS peer and host verification are
 * always on, only http:// and https:// URLs are allowed and redirects are
 * not followed: a 3xx is returned as a response.  timeout_s bounds the
 * whole exchange (60 when 0); connecting is bounded by 10 seconds.  A
 * response body larger than HTTP_BODY_MAX fails the exchange.  Failures
 * read "cannot reach 'URL': reason".
 *
 * When debug is non-NULL, each exchange is logged there, one line each:
 *   debug: > POST https://route53.amazonaws.com/2013-04-01/...
 *   debug: > Name: value		(each request header)
 *   debug: > (N bytes of body)
 *   debug: < HTTP 200
 *   debug: < Name: value		(each response header)
 *   debug: ! cannot reach '...': ...	(instead of the response)
 * with values shown by http_header_log_value(); bodies are not logged.
 */
#define HTTP_BODY_MAX	(64L * 1024 * 1024)

struct http_curl {
	long	 timeout_s;
	void	*debug;		/* FILE *, or NULL */
};

int	http_curl_global_init(struct err *);
void	http_curl_global_cleanup(void);
int	http_curl_send(void *ctx /* struct http_curl * */,
	    const struct http_request *, struct http_response *, struct err *);

#endif
