/*
 * curl.c - the libcurl transport: one request out, one response in, nothing
 * added or followed on the way, proxies and CAs only as configured, secrets
 * kept out of the debug log, and each failure told apart by whether the
 * request may have been sent.
 *
 * The only file that includes <curl/curl.h>.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/http.h"

/* What the callbacks fill while curl runs. */
struct exchange {
	struct http_response	*resp;
	int			 too_large;
};

int
http_curl_global_init(struct err *err)
{
	CURLcode	 rc;

	if ((rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK)
		return err_set(err, "cannot initialise libcurl: %s",
		    curl_easy_strerror(rc));
	return 0;
}

void
http_curl_global_cleanup(void)
{
	curl_global_cleanup();
}

static size_t
on_body(char *data, size_t size, size_t n, void *arg)
{
	struct exchange	*x = arg;
	size_t		 len = size * n;

	if (len > (size_t)HTTP_BODY_MAX - x->resp->body.len) {
		x->too_large = 1;
		return 0;	/* curl stops with CURLE_WRITE_ERROR */
	}
	buf_add(&x->resp->body, data, len);
	return len;
}

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Called once per header line, status lines and the blank line included. */
static size_t
on_header(char *data, size_t size, size_t n, void *arg)
{
	struct exchange		*x = arg;
	struct http_response	*resp = x->resp;
	struct http_header	*last;
	size_t			 len = size * n, nlen;
	const char		*colon, *v, *end = data + len;
	char			*name, *value;

	while (end > data && is_space(end[-1]))
		end--;
	if (end == data)
		return len;

	/* Each response (a 100 Continue, a proxy's CONNECT reply, the real
	 * one) starts with a status line: keep the last one's headers. */
	if (end - data >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		http_response_headers_clear(resp);
		return len;
	}

	/* An obsolete folded line continues the previous value. */
	if (is_space(data[0]) && resp->nheaders > 0) {
		for (v = data; v < end && is_space(*v); v++)
			;
		last = &resp->headers[resp->nheaders - 1];
		value = xasprintf("%s %.*s", last->value, (int)(end - v), v);
		free(last->value);
		last->value = value;
		return len;
	}

	if ((colon = memchr(data, ':', (size_t)(end - data))) == NULL)
		return len;
	nlen = (size_t)(colon - data);
	for (v = colon + 1; v < end && is_space(*v); v++)
		;
	name = xstrndup(data, nlen);
	value = xstrndup(v, (size_t)(end - v));
	http_response_header_add(resp, name, value);
	free(name);
	free(value);
	return len;
}

static void
log_header(FILE *f, char dir, const char *name, const char *value)
{
	struct buf	 b = BUF_INIT;

	http_header_log_value(name, value, &b);
	fprintf(f, "debug: %c %s: %s\n", dir, name, buf_str(&b));
	buf_release(&b);
}

static void
log_request(FILE *f, const struct http_request *req, const char *proxy)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;

	http_url_log(req->url, &b);
	fprintf(f, "debug: > %s %s\n", req->method, buf_str(&b));
	for (i = 0; i < req->nheaders; i++)
		log_header(f, '>', req->headers[i].name, req->headers[i].value);
	if (req->body != NULL)
		fprintf(f, "debug: > (%zu bytes of body)\n", req->body_len);
	if (*proxy != '\0') {
		buf_reset(&b);
		http_url_log(proxy, &b);
		fprintf(f, "debug: > (through proxy '%s')\n", buf_str(&b));
	}
	buf_release(&b);
}

static void
log_response(FILE *f, const struct http_response *resp, double secs)
{
	size_t	 i;

	fprintf(f, "debug: < HTTP %ld\n", resp->status);
	for (i = 0; i < resp->nheaders; i++)
		log_header(f, '<', resp->headers[i].name,
		    resp->headers[i].value);
	fprintf(f, "debug: < (after %.3f s)\n", secs);
}

/*
 * The proxy for this URL, "" for none: the configured one for its scheme,
 * never for a loopback host (a local emulator is not behind a proxy).
 */
static const char *
proxy_for(const struct http_curl *hc, const char *url)
{
	const char	*p;

	if (http_url_is_loopback(url))
		return "";
	p = strncasecmp(url, "https://", 8) == 0 ? hc->https_proxy :
	    hc->http_proxy;
	return p != NULL ? p : "";
}

/*
 * What a failed exchange means for sending it again: whether the
 * connection was made, and whether any of the request left.  The bytes
 * curl sent count the request line and headers (a CONNECT to a proxy
 * too, which only makes this more cautious).
 */
static enum http_failure
failure_kind(CURL *c, CURLcode rc)
{
	curl_off_t	 sent = 0;
	long		 reqsize = 0;

	curl_easy_getinfo(c, CURLINFO_REQUEST_SIZE, &reqsize);
	curl_easy_getinfo(c, CURLINFO_SIZE_UPLOAD_T, &sent);
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
		return HTTP_FAILURE_CONNECT;
	case CURLE_OPERATION_TIMEDOUT:
		return reqsize > 0 || sent > 0 ? HTTP_FAILURE_TIMEOUT :
		    HTTP_FAILURE_CONNECT;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
		return reqsize > 0 || sent > 0 ? HTTP_FAILURE_LOST :
		    HTTP_FAILURE_CONNECT;
	default:
		/* TLS verification, a bad CA file, a refused protocol: the
		 * same again would fail the same way. */
		return HTTP_FAILURE_NONE;
	}
}

/* Frees a header list, wiping it first: it holds session tokens and
 * authorization headers. */
static void
free_headers(struct curl_slist *list)
{
	struct curl_slist	*l;

	for (l = list; l != NULL; l = l->next)
		OPENSSL_cleanse(l->data, strlen(l->data));
	curl_slist_free_all(list);
}

/* Appends line to *list; sets *nomem when curl is out of memory. */
static void
add_line(struct curl_slist **list, const char *line, int *nomem)
{
	struct curl_slist	*l;

	if ((l = curl_slist_append(*list, line)) == NULL)
		*nomem = 1;
	else
		*list = l;
}

/*
 * The header list curl sends: ours, then empty entries that remove what curl
 * would otherwise add by itself.
 */
static int
make_headers(const struct http_request *req, int has_body,
    struct curl_slist **out, struct err *err)
{
	struct curl_slist		*list = NULL;
	const struct http_header	*h;
	char				*line;
	size_t				 i;
	int				 nomem = 0, rc = -1;

	*out = NULL;
	for (i = 0; i < req->nheaders; i++) {
		h = &req->headers[i];
		if (*h->name == '\0' || strpbrk(h->name, "\r\n: ") != NULL ||
		    strpbrk(h->value, "\r\n") != NULL) {
			err_set(err, "cannot send header '%s': invalid name or "
			    "line break in value", h->name);
			goto out;
		}
		/* "Name;" is curl's way of sending a header with no value. */
		if (*h->value == '\0')
			line = xasprintf("%s;", h->name);
		else
			line = xasprintf("%s: %s", h->name, h->value);
		add_line(&list, line, &nomem);
		OPENSSL_cleanse(line, strlen(line));
		free(line);
	}
	if (http_request_header_get(req, "Accept") == NULL)
		add_line(&list, "Accept:", &nomem);
	if (http_request_header_get(req, "Expect") == NULL)
		add_line(&list, "Expect:", &nomem);
	if (has_body && http_request_header_get(req, "Content-Type") == NULL)
		add_line(&list, "Content-Type:", &nomem);
	if (nomem) {
		err_set(err, "cannot send request: out of memory");
		goto out;
	}
	*out = list;
	list = NULL;
	rc = 0;
out:
	free_headers(list);
	return rc;
}

/* Every option but the callbacks; curl_easy_setopt() only fails on
 * exhausted memory or an option this libcurl lacks. */
static CURLcode
set_options(CURL *c, const struct http_curl *hc,
    const struct http_request *req, struct curl_slist *headers,
    const char *proxy, char *errbuf)
{
	CURLcode	 rc = CURLE_OK;
	long		 timeout = hc->timeout_s > 0 ? hc->timeout_s :
			    HTTP_TIMEOUT_DEFAULT;
	long		 connect = hc->connect_timeout_s > 0 ?
			    hc->connect_timeout_s :
			    HTTP_CONNECT_TIMEOUT_DEFAULT;

#define SET(opt, val) do {						\
	if (rc == CURLE_OK)						\
		rc = curl_easy_setopt(c, opt, val);			\
} while (0)
	SET(CURLOPT_ERRORBUFFER, errbuf);
	SET(CURLOPT_URL, req->url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_TIMEOUT, timeout);
	SET(CURLOPT_CONNECTTIMEOUT, connect < timeout ? connect : timeout);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(CURLOPT_PROXY_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_PROXY_SSL_VERIFYHOST, 2L);
	if (hc->ca_file != NULL && *hc->ca_file != '\0')
		SET(CURLOPT_CAINFO, hc->ca_file);
	/* "" is no proxy, whatever the environment says: libcurl would
	 * otherwise read http_proxy, HTTPS_PROXY, ALL_PROXY and NO_PROXY
	 * itself, behind the caller's back. */
	SET(CURLOPT_PROXY, proxy);
	SET(CURLOPT_NOPROXY, hc->no_proxy != NULL ? hc->no_proxy : "");
	SET(CURLOPT_HTTPHEADER, headers);
	if (strcmp(req->method, "GET") == 0 && req->body == NULL)
		SET(CURLOPT_HTTPGET, 1L);
	else if (strcmp(req->method, "HEAD") == 0 && req->body == NULL)
		SET(CURLOPT_NOBODY, 1L);
	else {
		if (req->body != NULL || strcmp(req->method, "POST") == 0) {
			SET(CURLOPT_POSTFIELDSIZE_LARGE,
			    (curl_off_t)(req->body != NULL ? req->body_len : 0));
			SET(CURLOPT_POSTFIELDS, req->body != NULL ? req->body :
			    "");
		}
		if (strcmp(req->method, "POST") != 0)
			SET(CURLOPT_CUSTOMREQUEST, req->method);
	}
#undef SET
	return rc;
}

int
http_curl_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct http_curl	*hc = ctx;
	FILE			*debug = hc->debug;
	struct exchange		 x;
	struct curl_slist	*headers = NULL;
	struct buf		 shown = BUF_INIT;
	char			 errbuf[CURL_ERROR_SIZE];
	const char		*proxy = proxy_for(hc, req->url);
	CURL			*c = NULL;
	CURLcode		 rc;
	curl_off_t		 usecs = 0;
	enum http_failure	 failure = HTTP_FAILURE_NONE;
	int			 has_body, ret = -1;

	http_response_init(resp);
	memset(&x, 0, sizeof(x));
	x.resp = resp;
	errbuf[0] = '\0';
	has_body = req->body != NULL || strcmp(req->method, "POST") == 0;

	if (make_headers(req, has_body, &headers, err) == -1)
		goto out;
	if ((c = curl_easy_init()) == NULL) {
		err_set(err, "cannot initialise libcurl");
		goto out;
	}
	rc = set_options(c, hc, req, headers, proxy, errbuf);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_WRITEDATA, &x);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	if (rc == CURLE_OK)
		rc = curl_easy_setopt(c, CURLOPT_HEADERDATA, &x);
	if (rc != CURLE_OK) {
		http_url_log(req->url, &shown);
		err_set(err, "cannot set up a request to '%s': %s",
		    buf_str(&shown), curl_easy_strerror(rc));
		goto out;
	}

	if (debug != NULL)
		log_request(debug, req, proxy);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_TOTAL_TIME_T, &usecs);
	if (x.too_large) {
		http_url_log(req->url, &shown);
		err_set(err, "response from '%s' is larger than %ld bytes",
		    buf_str(&shown), HTTP_BODY_MAX);
		if (debug != NULL)
			fprintf(debug, "debug: ! response larger than %ld "
			    "bytes (after %.3f s)\n", HTTP_BODY_MAX,
			    (double)usecs / 1e6);
		goto out;
	}
	if (rc != CURLE_OK) {
		failure = failure_kind(c, rc);
		http_url_log(req->url, &shown);
		err_set(err, "cannot reach '%s': %s", buf_str(&shown),
		    errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc));
		if (debug != NULL)
			fprintf(debug, "debug: ! %s (after %.3f s)\n",
			    errbuf[0] != '\0' ? errbuf :
			    curl_easy_strerror(rc), (double)usecs / 1e6);
		goto out;
	}
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &resp->status);
	if (debug != NULL)
		log_response(debug, resp, (double)usecs / 1e6);
	ret = 0;
out:
	if (ret == -1) {
		http_response_release(resp);
		http_response_init(resp);
		resp->failure = failure;
	}
	if (c != NULL)
		curl_easy_cleanup(c);
	free_headers(headers);
	buf_release(&shown);
	return ret;
}
