/*
 * http.h - HTTP requests and responses, and the transport that carries them.
 *
 * src/http/curl.c (the transport) and src/http/url.c (URLs) are the only
 * code that includes <curl/curl.h>.  Everything
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

struct http_response;

/*
 * A request owns all of its strings.
 *
 * The fields after body_len are for a retrying transport (mailauth/retry.h)
 * and are ignored by the others; http_request_init() clears them, so a
 * request that sets none of them is sent as it is, and retried only when
 * that is safe for any request.
 */
struct http_request {
	char			*method;
	char			*url;		/* absolute: scheme://host[:port]/path[?query] */
	struct http_header	*headers;
	size_t			 nheaders;
	char			*body;		/* may be NULL */
	size_t			 body_len;

	/* What the request does, for messages ("Route 53 GetChange");
	 * NULL: the method and the host. */
	char			*op;
	/* Whether it may be sent again after it may have been processed
	 * (a timeout, a lost connection, a 5xx).  GET and HEAD always
	 * may; any other method changes state unless this is set. */
	int			 idempotent;
	/* Signs the request again (fresh date, new signature) before each
	 * retry; NULL: retries are sent as the first attempt was. */
	int			(*sign)(void *arg, struct http_request *,
				    struct err *);
	void			*sign_arg;
	/* Writes the AWS error code of a response that is not 2xx into
	 * code (size bytes) and returns 0, or returns -1 when the body
	 * holds none; NULL: only the x-amzn-ErrorType header is read. */
	int			(*error_code)(const struct http_response *,
				    char *code, size_t size);
};

/*
 * Why a transport got no response: what a retrying transport needs to
 * decide whether sending the request again is safe and useful.
 */
enum http_failure {
	HTTP_FAILURE_NONE,	/* a response arrived, or the failure is
				 * not one that trying again can cure (TLS
				 * verification, a refused URL or header, a
				 * body too large) */
	HTTP_FAILURE_CONNECT,	/* no connection: name resolution, refused,
				 * connect timeout, TLS handshake; nothing
				 * of the request was sent */
	HTTP_FAILURE_LOST,	/* the connection broke after (part of) the
				 * request was sent: it may have been
				 * processed */
	HTTP_FAILURE_TIMEOUT	/* no complete answer within the timeout
				 * after (part of) the request was sent */
};

struct http_response {
	long			 status;
	struct http_header	*headers;	/* names as received */
	size_t			 nheaders;
	struct buf		 body;
	enum http_failure	 failure;	/* set when send returns -1 */
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
/* Makes dst (not initialised) a deep copy of src, hooks included. */
void	http_request_copy(struct http_request *dst,
	    const struct http_request *src);
void	http_request_release(struct http_request *);
/* http_request_release() after overwriting every header value (a session
 * token) and the body (a web-identity token): for requests that carry
 * secrets. */
void	http_request_release_wiped(struct http_request *);

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
/* http_response_release() after overwriting the body (credentials). */
void	http_response_release_wiped(struct http_response *);

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
 * Appends url as a log may show it: the value of every query parameter
 * whose name is secret by http_header_is_secret() or contains "signature"
 * (X-Amz-Signature, X-Amz-Credential, X-Amz-Security-Token of a presigned
 * URL, a WebIdentityToken) becomes "<redacted>", and so does a user:password
 * before the host.
 */
void	http_url_log(const char *url, struct buf *out);
/* The same for a query string alone (without '?'), as SigV4's canonical
 * request holds it. */
void	http_query_log(const char *query, struct buf *out);

/*
 * An http:// or https:// URL as libcurl reads it (its CURLU API, the parser
 * the transport itself uses), so what is signed and checked is what is
 * sent.  Strings are malloc'd.
 */
struct http_url {
	char	*scheme;	/* "http" or "https", lower case */
	int	 userinfo;	/* a user name or password was given */
	char	*host;		/* as libcurl sends it: "[::1]" bracketed,
				 * an IPv4 address in dotted-quad form */
	int	 host_as_written; /* libcurl kept the host as the URL
				 * wrote it (not "127.1" made "127.0.0.1") */
	long	 port;		/* 0 when the URL gives none */
	char	*path;		/* as written (no dot segment removed),
				 * "/" when empty */
	char	*query;		/* without '?', as written; NULL: none */
};

/* Why a URL was refused. */
enum http_url_error {
	HTTP_URL_OK,
	HTTP_URL_SCHEME,	/* not http:// or https:// */
	HTTP_URL_NO_HOST,	/* no host (an empty authority too) */
	HTTP_URL_PORT,		/* not a number from 1 to 65535 */
	HTTP_URL_IPV6,		/* a bad or unterminated IPv6 address */
	HTTP_URL_BAD		/* anything else libcurl refuses */
};

/*
 * Splits url (any text) into u, which needs no initialising; spaces are
 * allowed, as SigV4's test suites have them.  Returns HTTP_URL_OK, or why
 * not with u holding nothing.  Release u with http_url_release().
 */
enum http_url_error http_url_parse(const char *url, struct http_url *u);
void	http_url_release(struct http_url *);

/*
 * Whether the host of an http:// or https:// URL is a loopback address:
 * an IPv4 address in 127.0.0.0/8 written as a dotted quad, [::1], or
 * "localhost" (any case, with or without a final dot).  A URL with a user
 * name, or that http_url_parse() refuses, is not.  Names are not
 * resolved.
 */
int	http_url_is_loopback(const char *url);
/*
 * Checks an endpoint before anything is sent to it: it must be an https://
 * URL, or an http:// one whose host is a loopback address, or any http://
 * one when allow_insecure is set.  -1 with err saying which when not.
 */
int	http_endpoint_check(const char *url, int allow_insecure,
	    struct err *);

/*
 * A transport sends one request and fills the response, which it
 * initialises itself.  It returns 0 when an HTTP response arrived (whatever
 * its status) and -1, with err filled, when none did (connection refused,
 * timeout, TLS failure); the response then holds nothing but its failure
 * kind, and releasing it is harmless.  The libcurl transport never retries;
 * a retrying transport (mailauth/retry.h) wraps another one.
 */
struct http_transport {
	int	(*send)(void *ctx, const struct http_request *,
		    struct http_response *, struct err *);
	void	*ctx;
};

/*
 * The libcurl transport.  It sends the method, URL, headers and body of the
 * request and nothing else of its own (no Accept, Expect or Content-Type)
 * but Content-Length for a body or a POST.  TLS peer and host verification
 * are always on (TLS 1.2 at least), only http:// and https:// URLs are
 * allowed and redirects are not followed: a 3xx is returned as a response.
 * timeout_s bounds the whole exchange (60 when 0), connect_timeout_s the
 * connection, TLS handshake included (10 when 0).  A response body larger
 * than HTTP_BODY_MAX fails the exchange.  Failures read
 * "cannot reach 'URL': reason", the URL as http_url_log() shows it, and set
 * resp->failure.
 *
 * Proxies are only those given here: libcurl's own reading of the
 * environment is switched off.  An https:// URL goes through https_proxy,
 * an http:// one through http_proxy (NULL or "": directly); no_proxy is
 * libcurl's list of hosts reached directly (CURLOPT_NOPROXY: names, domain
 * suffixes, addresses, CIDR ranges, or "*").  A URL whose host is a
 * loopback address (http_url_is_loopback()) is always reached directly.
 * ca_file, when set, is the file of CA certificates trusted instead of the
 * system's (CURLOPT_CAINFO).
 *
 * When debug is non-NULL, each exchange is logged there, one line each:
 *   debug: > POST https://route53.amazonaws.com/2013-04-01/...
 *   debug: > Name: value		(each request header)
 *   debug: > (N bytes of body)
 *   debug: > (through proxy 'http://proxy:3128')	(when one is used)
 *   debug: < HTTP 200
 *   debug: < Name: value		(each response header)
 *   debug: < (after 0.123 s)
 *   debug: ! REASON (after 1.001 s)	(libcurl's, instead of the response)
 * with values shown by http_header_log_value() and the URL by
 * http_url_log(); bodies are not logged.
 */
#define HTTP_BODY_MAX	(64L * 1024 * 1024)
#define HTTP_TIMEOUT_DEFAULT		60L
#define HTTP_CONNECT_TIMEOUT_DEFAULT	10L

struct http_curl {
	long		 timeout_s;
	void		*debug;		/* FILE *, or NULL */
	long		 connect_timeout_s;
	const char	*ca_file;	/* NULL: the system's CAs */
	const char	*http_proxy;	/* for http:// URLs; NULL: none */
	const char	*https_proxy;	/* for https:// URLs; NULL: none */
	const char	*no_proxy;	/* NULL: none */
};

/*
 * libcurl's process-wide set-up and its release (counted: one cleanup per
 * init).  Called from the main thread only, before any thread sends and
 * after every one is joined: plan and apply open each account (and so
 * call init) before starting the accounts' threads.
 */
int	http_curl_global_init(struct err *);
void	http_curl_global_cleanup(void);
/*
 * Sends one request on an easy handle of its own, made and freed here, so
 * threads may send at once through one struct http_curl (which is only
 * read).
 */
int	http_curl_send(void *ctx /* struct http_curl * */,
	    const struct http_request *, struct http_response *, struct err *);

#endif
