/*
 * request.c - HTTP requests and responses as plain data, the rules that
 * decide which header values and URL parts never reach a log, and which
 * endpoints may be spoken to without TLS.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/http.h"

static struct http_header *
find(struct http_header *v, size_t n, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcasecmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

void
http_request_init(struct http_request *req, const char *method,
    const char *url)
{
	memset(req, 0, sizeof(*req));
	req->method = xstrdup(method);
	req->url = xstrdup(url);
}

void
http_request_header_set(struct http_request *req, const char *name,
    const char *value)
{
	struct http_header	*h;
	size_t			 i, j;

	if ((h = find(req->headers, req->nheaders, name)) == NULL) {
		http_request_header_add(req, name, value);
		return;
	}
	free(h->value);
	h->value = xstrdup(value);

	/* Later headers of the same name would still be sent: drop them. */
	for (i = j = (size_t)(h - req->headers) + 1; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, name) == 0) {
			free(req->headers[i].name);
			free(req->headers[i].value);
			continue;
		}
		req->headers[j++] = req->headers[i];
	}
	req->nheaders = j;
}

void
http_request_header_add(struct http_request *req, const char *name,
    const char *value)
{
	struct http_header	*h;

	h = xappend(&req->headers, &req->nheaders, sizeof(*req->headers));
	h->name = xstrdup(name);
	h->value = xstrdup(value);
}

void
http_request_header_del(struct http_request *req, const char *name)
{
	size_t	 i, j;

	for (i = j = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, name) == 0) {
			free(req->headers[i].name);
			free(req->headers[i].value);
			continue;
		}
		req->headers[j++] = req->headers[i];
	}
	req->nheaders = j;
}

const char *
http_request_header_get(const struct http_request *req, const char *name)
{
	struct http_header	*h;

	h = find(req->headers, req->nheaders, name);
	return h != NULL ? h->value : NULL;
}

void
http_request_body_set(struct http_request *req, const char *data, size_t len)
{
	free(req->body);
	/* One spare NUL so that a text body can be read as a string. */
	req->body = xmalloc(len + 1);
	if (len > 0)
		memcpy(req->body, data, len);
	req->body[len] = '\0';
	req->body_len = len;
}

void
http_request_copy(struct http_request *dst, const struct http_request *src)
{
	size_t	 i;

	http_request_init(dst, src->method, src->url);
	for (i = 0; i < src->nheaders; i++)
		http_request_header_add(dst, src->headers[i].name,
		    src->headers[i].value);
	if (src->body != NULL)
		http_request_body_set(dst, src->body, src->body_len);
	dst->op = src->op != NULL ? xstrdup(src->op) : NULL;
	dst->idempotent = src->idempotent;
	dst->sign = src->sign;
	dst->sign_arg = src->sign_arg;
	dst->error_code = src->error_code;
}

void
http_request_release(struct http_request *req)
{
	size_t	 i;

	for (i = 0; i < req->nheaders; i++) {
		free(req->headers[i].name);
		free(req->headers[i].value);
	}
	free(req->headers);
	free(req->method);
	free(req->url);
	free(req->body);
	free(req->op);
	memset(req, 0, sizeof(*req));
}

void
http_request_release_wiped(struct http_request *req)
{
	size_t	 i;

	for (i = 0; i < req->nheaders; i++)
		if (req->headers[i].value != NULL)
			OPENSSL_cleanse(req->headers[i].value,
			    strlen(req->headers[i].value));
	if (req->body != NULL)
		OPENSSL_cleanse(req->body, req->body_len);
	http_request_release(req);
}

void
http_response_init(struct http_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	buf_init(&resp->body);
}

const char *
http_response_header_get(const struct http_response *resp, const char *name)
{
	struct http_header	*h;

	h = find(resp->headers, resp->nheaders, name);
	return h != NULL ? h->value : NULL;
}

void
http_response_header_add(struct http_response *resp, const char *name,
    const char *value)
{
	struct http_header	*h;

	h = xappend(&resp->headers, &resp->nheaders, sizeof(*resp->headers));
	h->name = xstrdup(name);
	h->value = xstrdup(value);
}

void
http_response_headers_clear(struct http_response *resp)
{
	size_t	 i;

	for (i = 0; i < resp->nheaders; i++) {
		free(resp->headers[i].name);
		free(resp->headers[i].value);
	}
	free(resp->headers);
	resp->headers = NULL;
	resp->nheaders = 0;
}

void
http_response_release(struct http_response *resp)
{
	http_response_headers_clear(resp);
	buf_release(&resp->body);
	memset(resp, 0, sizeof(*resp));
}

void
http_response_release_wiped(struct http_response *resp)
{
	buf_release_wiped(&resp->body);
	http_response_release(resp);
}

/* Whether little occurs in big, compared without case. */
static int
contains(const char *big, const char *little)
{
	size_t	 n = strlen(little);

	for (; *big != '\0'; big++)
		if (strncasecmp(big, little, n) == 0)
			return 1;
	return 0;
}

int
http_header_is_secret(const char *name)
{
	static const char *const words[] = {
		"authorization", "credential", "secret", "token", "cookie"
	};
	size_t	 i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (contains(name, words[i]))
			return 1;
	return 0;
}

#define AWS4_SCHEME	"AWS4-HMAC-SHA256 "
#define SIGNED_HEADERS	"SignedHeaders="

void
http_header_log_value(const char *name, const char *value, struct buf *out)
{
	const char	*p;
	size_t		 n;

	if (!http_header_is_secret(name)) {
		buf_adds(out, value);
		return;
	}

	/*
	 * Which headers a SigV4 request signed is what one needs to debug a
	 * signature mismatch, and is no secret; the key id and the signature
	 * stay out of logs.
	 */
	if (strcasecmp(name, "Authorization") == 0 &&
	    strncmp(value, AWS4_SCHEME, strlen(AWS4_SCHEME)) == 0 &&
	    (p = strstr(value, SIGNED_HEADERS)) != NULL) {
		p += strlen(SIGNED_HEADERS);
		n = strcspn(p, ", ");
		buf_adds(out, AWS4_SCHEME "Credential=<redacted>, "
		    SIGNED_HEADERS);
		buf_add(out, p, n);
		buf_adds(out, ", Signature=<redacted>");
		return;
	}
	buf_adds(out, "<redacted>");
}

int
http_url_is_loopback(const char *url)
{
	struct http_url	 u;
	struct in_addr	 a4;
	struct in6_addr	 a6;
	char		 host[256];
	size_t		 n;
	int		 loopback = 0;

	if (http_url_parse(url, &u) != HTTP_URL_OK)
		return 0;
	/* Only a dotted quad as written: libcurl makes "127.1" and
	 * "0x7f.1" one, a resolver would take them as names. */
	if (u.userinfo || !u.host_as_written)
		goto out;
	n = strlen(u.host);
	if (u.host[0] == '[' && n > 2 && u.host[n - 1] == ']' &&
	    n - 2 < sizeof(host)) {
		memcpy(host, u.host + 1, n - 2);
		host[n - 2] = '\0';
		loopback = inet_pton(AF_INET6, host, &a6) == 1 &&
		    IN6_IS_ADDR_LOOPBACK(&a6);
	} else if (strcasecmp(u.host, "localhost") == 0 ||
	    strcasecmp(u.host, "localhost.") == 0)
		loopback = 1;
	else if (inet_pton(AF_INET, u.host, &a4) == 1)
		loopback = (ntohl(a4.s_addr) >> 24) == 127;
out:
	http_url_release(&u);
	return loopback;
}

int
http_endpoint_check(const char *url, int allow_insecure, struct err *err)
{
	struct http_url	 u;
	int		 tls;

	if (http_url_parse(url, &u) != HTTP_URL_OK)
		return err_set(err, "endpoint '%s' is not an http:// or "
		    "https:// URL", url);
	tls = strcmp(u.scheme, "https") == 0;
	http_url_release(&u);
	if (tls || allow_insecure || http_url_is_loopback(url))
		return 0;
	return err_set(err, "endpoint '%s' is plain http:// to a host that "
	    "is not a loopback address, so requests and their signatures "
	    "would cross the network unencrypted; use https://, or "
	    "--allow-insecure-endpoint if this is meant", url);
}

/* Whether a query parameter's value must never be logged. */
static int
param_is_secret(const char *name, size_t len)
{
	char	*n = xstrndup(name, len);
	int	 secret;

	secret = http_header_is_secret(n) || contains(n, "signature");
	free(n);
	return secret;
}

void
http_query_log(const char *query, struct buf *out)
{
	const char	*p, *eq, *end;
	size_t		 n;

	for (p = query; *p != '\0' && *p != '#'; p = end) {
		n = strcspn(p, "&#");
		end = p + n;
		eq = memchr(p, '=', n);
		if (eq != NULL && param_is_secret(p, (size_t)(eq - p))) {
			buf_add(out, p, (size_t)(eq + 1 - p));
			buf_adds(out, "<redacted>");
		} else
			buf_add(out, p, n);
		if (*end == '&') {
			buf_addc(out, '&');
			end++;
		}
	}
	buf_adds(out, p);
}

void
http_url_log(const char *url, struct buf *out)
{
	const char	*a, *at = NULL, *q, *p;

	/*
	 * Text to redact, not a URL to use: a URL libcurl refuses is quoted
	 * too (a transport's message), so this reads it as RFC 3986 lays it
	 * out and hides more rather than less: the user info up to the
	 * authority's last '@', every secret query parameter after the first
	 * '?'.
	 */
	if (strncasecmp(url, "https://", 8) == 0)
		a = url + 8;
	else if (strncasecmp(url, "http://", 7) == 0)
		a = url + 7;
	else {
		buf_adds(out, url);
		return;
	}
	for (p = a; *p != '\0' && strchr("/?#", *p) == NULL; p++)
		if (*p == '@')
			at = p;
	buf_add(out, url, (size_t)(a - url));
	if (at != NULL) {
		buf_adds(out, "<redacted>");
		a = at;
	}
	if ((q = strchr(a, '?')) == NULL) {
		buf_adds(out, a);
		return;
	}
	buf_add(out, a, (size_t)(q + 1 - a));
	http_query_log(q + 1, out);
}
