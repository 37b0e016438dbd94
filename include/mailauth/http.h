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
/* Sets a header, replacing any with the same name (compared without case). */
void	http_request_header_set(struct http_request *, const char *name,
	    const char *value);
/* The value of the named header (compared without case), or NULL. */
const char *http_request_header_get(const struct http_request *,
	    const char *name);
/* Copies len bytes as the body. */
void	http_request_body_set(struct http_request *, const char *, size_t);
void	http_request_release(struct http_request *);

void	http_response_init(struct http_response *);
const char *http_response_header_get(const struct http_response *,
	    const char *name);
void	http_response_release(struct http_response *);

/*
 * A transport sends one request and fills the response.  It returns 0 when an
 * HTTP response arrived (whatever its status) and -1, with err filled, when
 * none did (connection refused, timeout, TLS failure).  It must not retry.
 */
struct http_transport {
	int	(*send)(void *ctx, const struct http_request *,
		    struct http_response *, struct err *);
	void	*ctx;
};

/*
 * The libcurl transport.  TLS peer and host verification are always on.
 * timeout_s bounds the whole exchange.  When debug is non-NULL, each
 * exchange is logged there (method, URL, status, header names with the
 * values of Authorization, X-Amz-Security-Token and other credentials
 * redacted); bodies are not logged.
 */
struct http_curl {
	long	 timeout_s;
	void	*debug;		/* FILE *, or NULL */
};

int	http_curl_global_init(struct err *);
void	http_curl_global_cleanup(void);
int	http_curl_send(void *ctx /* struct http_curl * */,
	    const struct http_request *, struct http_response *, struct err *);

#endif
