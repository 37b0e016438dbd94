/*
 * request.c - HTTP requests and responses as plain data, and the rule that
 * decides which header values never reach a log.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/buf.h"
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
	memset(req, 0, sizeof(*req));
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
