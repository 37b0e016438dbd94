/*
 * check_http.c - requests and responses as data, what the debug log may
 * show, and the libcurl transport against a one-shot server on 127.0.0.1
 * (a child of test_child_start(): the tests touch no other address).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "mailauth/http.h"
#include "testutil.h"

Suite	*http_suite(void);

/* ---- requests and responses ---- */

START_TEST(request_headers)
{
	struct http_request	 req;

	http_request_init(&req, "GET", "https://h/");
	ck_assert_str_eq(req.method, "GET");
	ck_assert_str_eq(req.url, "https://h/");
	ck_assert_ptr_null(http_request_header_get(&req, "Host"));

	http_request_header_set(&req, "Content-Type", "text/plain");
	http_request_header_set(&req, "X-One", "1");
	http_request_header_set(&req, "content-type", "text/xml");
	ck_assert_uint_eq(req.nheaders, 2);
	/* The first keeps its place and its spelling, and takes the value. */
	ck_assert_str_eq(req.headers[0].name, "Content-Type");
	ck_assert_str_eq(req.headers[0].value, "text/xml");
	ck_assert_str_eq(http_request_header_get(&req, "CONTENT-TYPE"),
	    "text/xml");

	/* add keeps duplicates, in order; set then folds them into one. */
	http_request_header_add(&req, "X-Dup", "a");
	http_request_header_add(&req, "x-dup", "b");
	http_request_header_add(&req, "X-Last", "z");
	ck_assert_uint_eq(req.nheaders, 5);
	ck_assert_str_eq(http_request_header_get(&req, "x-DUP"), "a");
	http_request_header_set(&req, "X-DUP", "c");
	ck_assert_uint_eq(req.nheaders, 4);
	ck_assert_str_eq(req.headers[2].name, "X-Dup");
	ck_assert_str_eq(req.headers[2].value, "c");
	ck_assert_str_eq(req.headers[3].name, "X-Last");

	http_request_header_add(&req, "x-one", "2");
	http_request_header_del(&req, "X-ONE");
	ck_assert_ptr_null(http_request_header_get(&req, "X-One"));
	ck_assert_uint_eq(req.nheaders, 3);
	http_request_header_del(&req, "absent");
	ck_assert_uint_eq(req.nheaders, 3);

	http_request_header_set(&req, "X-Empty", "");
	ck_assert_str_eq(http_request_header_get(&req, "x-empty"), "");

	http_request_body_set(&req, "a\0b", 3);
	ck_assert_uint_eq(req.body_len, 3);
	ck_assert_int_eq(memcmp(req.body, "a\0b", 4), 0);
	http_request_body_set(&req, "", 0);
	ck_assert_uint_eq(req.body_len, 0);
	ck_assert_str_eq(req.body, "");

	http_request_release(&req);
	ck_assert_ptr_null(req.headers);
	ck_assert_uint_eq(req.nheaders, 0);
	ck_assert_ptr_null(req.body);
}
END_TEST

START_TEST(response_headers)
{
	struct http_response	 resp;

	http_response_init(&resp);
	ck_assert_int_eq(resp.status, 0);
	ck_assert_ptr_null(http_response_header_get(&resp, "x"));
	http_response_header_add(&resp, "X-Amzn-RequestId", "r1");
	http_response_header_add(&resp, "x-amzn-requestid", "r2");
	ck_assert_str_eq(http_response_header_get(&resp, "X-AMZN-REQUESTID"),
	    "r1");
	buf_adds(&resp.body, "<xml/>");
	http_response_headers_clear(&resp);
	ck_assert_uint_eq(resp.nheaders, 0);
	ck_assert_str_eq(buf_str(&resp.body), "<xml/>");
	http_response_release(&resp);
	ck_assert_uint_eq(resp.body.len, 0);
}
END_TEST

START_TEST(secret_headers)
{
	static const struct {
		const char	*name;
		int		 secret;
	} t[] = {
		{ "Authorization", 1 },
		{ "authorization", 1 },
		{ "Proxy-Authorization", 1 },
		{ "X-Amz-Security-Token", 1 },
		{ "x-amz-security-token", 1 },
		{ "X-Auth-Token", 1 },
		{ "X-Api-Secret", 1 },
		{ "X-Client-Credentials", 1 },
		{ "Cookie", 1 },
		{ "Set-Cookie", 1 },
		{ "Host", 0 },
		{ "User-Agent", 0 },
		{ "X-Amz-Date", 0 },
		{ "X-Amz-Content-Sha256", 0 },
		{ "Content-Type", 0 },
		{ "X-Amzn-RequestId", 0 },
		{ "", 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(http_header_is_secret(t[i].name) == t[i].secret,
		    "'%s' should%s be secret", t[i].name,
		    t[i].secret ? "" : " not");
}
END_TEST

START_TEST(log_values)
{
	static const struct {
		const char	*name;
		const char	*value;
		const char	*want;
	} t[] = {
		{ "Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"
		    "20150830/us-east-1/route53/aws4_request, SignedHeaders="
		    "content-type;host;x-amz-date, Signature=5da7c1a2acd57cee75",
		    "AWS4-HMAC-SHA256 Credential=<redacted>, SignedHeaders="
		    "content-type;host;x-amz-date, Signature=<redacted>" },
		{ "authorization", "AWS4-HMAC-SHA256 Credential=AKID/x, "
		    "Signature=abc", "<redacted>" },
		{ "Authorization", "Basic dXNlcjpwYXNz", "<redacted>" },
		{ "Proxy-Authorization", "AWS4-HMAC-SHA256 SignedHeaders=host",
		    "<redacted>" },
		{ "X-Amz-Security-Token", "FQoGZXIvYXdzEXAMPLE", "<redacted>" },
		{ "User-Agent", "mailauth/0.1.0", "mailauth/0.1.0" },
		{ "X-Amz-Date", "20150830T123600Z", "20150830T123600Z" },
	};
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_reset(&b);
		http_header_log_value(t[i].name, t[i].value, &b);
		ck_assert_str_eq(buf_str(&b), t[i].want);
	}
	buf_release(&b);
}
END_TEST

/* ---- the libcurl transport, against a child on 127.0.0.1 ---- */

enum serve {
	SERVE_ECHO,	/* 201, canned headers, the raw request as the body */
	SERVE_REDIRECT,	/* 301 to another path */
	SERVE_SILENT,	/* accepts, reads, never answers */
	SERVE_HUGE	/* a body larger than HTTP_BODY_MAX */
};

struct server {
	pid_t	 pid;
	int	 port;
};

/* What the child needs: the listening socket and how to answer. */
struct serving {
	int		 lfd;
	enum serve	 mode;
};

/* Where little occurs in big, compared without case, or NULL. */
static const char *
find_ci(const char *big, const char *little)
{
	size_t	 n = strlen(little);

	for (; *big != '\0'; big++)
		if (strncasecmp(big, little, n) == 0)
			return big;
	return NULL;
}

/* Reads one request: headers, then Content-Length bytes of body. */
static void
read_request(int fd, struct buf *req)
{
	char		 chunk[4096];
	const char	*end, *cl;
	ssize_t		 n;
	size_t		 want = (size_t)-1;

	for (;;) {
		if ((end = strstr(buf_str(req), "\r\n\r\n")) != NULL &&
		    want == (size_t)-1) {
			want = (size_t)(end - req->data) + 4;
			if ((cl = find_ci(req->data, "\r\nContent-Length:"))
			    != NULL && cl < end)
				want += strtoul(cl + 17, NULL, 10);
		}
		if (want != (size_t)-1 && req->len >= want)
			return;
		if ((n = read(fd, chunk, sizeof(chunk))) <= 0)
			return;
		buf_add(req, chunk, (size_t)n);
	}
}

/* In the child: one connection, answered as sv->mode says. */
static void
serve_one(void *arg)
{
	const struct serving	*sv = arg;
	struct buf		 req = BUF_INIT, resp = BUF_INIT;
	char			 chunk[65536];
	size_t			 sent;
	int			 fd;

	if ((fd = accept(sv->lfd, NULL, NULL)) == -1)
		return;
	read_request(fd, &req);
	switch (sv->mode) {
	case SERVE_ECHO:
		buf_addf(&resp, "HTTP/1.1 201 Created\r\n"
		    "Content-Type: text/plain\r\n"
		    "X-Amz-Request-Id: req-1\r\n"
		    "X-Folded: a\r\n"
		    "   b\r\n"
		    "X-Amz-Security-Token: tok3n-from-server\r\n"
		    "Content-Length: %zu\r\n"
		    "Connection: close\r\n\r\n", req.len);
		buf_add(&resp, req.data, req.len);
		file_write_all(fd, resp.data, resp.len);
		break;
	case SERVE_REDIRECT:
		buf_adds(&resp, "HTTP/1.1 301 Moved Permanently\r\n"
		    "Location: /elsewhere\r\nContent-Length: 0\r\n"
		    "Connection: close\r\n\r\n");
		file_write_all(fd, resp.data, resp.len);
		break;
	case SERVE_SILENT:
		pause();
		break;
	case SERVE_HUGE:
		buf_addf(&resp, "HTTP/1.1 200 OK\r\nContent-Length: %ld\r\n"
		    "Connection: close\r\n\r\n", HTTP_BODY_MAX + 1);
		file_write_all(fd, resp.data, resp.len);
		memset(chunk, 'x', sizeof(chunk));
		for (sent = 0; sent < (size_t)HTTP_BODY_MAX + 1;
		    sent += sizeof(chunk))
			if (file_write_all(fd, chunk, sizeof(chunk)) == -1)
				break;
		break;
	}
	close(fd);
	buf_release(&req);
	buf_release(&resp);
}

/* A listening socket on 127.0.0.1 and a child answering one request. */
static void
serve_start(struct server *s, enum serve mode)
{
	struct serving	 sv;

	sv.mode = mode;
	sv.lfd = test_socket(4, &s->port);
	s->pid = test_child_start(serve_one, &sv);
	close(sv.lfd);
}

static void
serve_stop(struct server *s)
{
	test_child_stop(s->pid);
}

/* The debug log of one exchange, as text. */
struct log {
	FILE	*f;
	char	*text;
	size_t	 len;
};

static void
log_open(struct log *l)
{
	memset(l, 0, sizeof(*l));
	ck_assert_ptr_nonnull(l->f = open_memstream(&l->text, &l->len));
}

static void
log_close(struct log *l)
{
	fclose(l->f);
	l->f = NULL;
}

START_TEST(curl_exchange)
{
	struct server		 s;
	struct http_curl	 hc = { .timeout_s = 5 };
	struct http_request	 req;
	struct http_response	 resp;
	struct err		 err;
	struct log		 log;
	struct buf		 want = BUF_INIT, body = BUF_INIT, line = BUF_INIT;
	const char		*sent;
	char			*url, *head;
	int			 i;

	serve_start(&s, SERVE_ECHO);
	log_open(&log);
	hc.debug = log.f;
	err_clear(&err);

	/* Above 1 KiB curl would ask for "Expect: 100-continue". */
	for (i = 0; i < 300; i++)
		buf_adds(&body, "<Change/>\n");
	url = xasprintf("http://127.0.0.1:%d/2013-04-01/hostedzone/Z1/rrset/"
	    "?a=1", s.port);
	http_request_init(&req, "POST", url);
	http_request_header_set(&req, "Host", "127.0.0.1");
	http_request_header_set(&req, "User-Agent", "mailauth-test/1");
	http_request_header_set(&req, "Content-Type", "text/xml");
	http_request_header_set(&req, "X-Amz-Date", "20150830T123600Z");
	http_request_header_set(&req, "X-Amz-Security-Token", "s3cr3t-token");
	http_request_header_set(&req, "Authorization", "AWS4-HMAC-SHA256 "
	    "Credential=AKIDFAKE/20150830/us-east-1/route53/aws4_request, "
	    "SignedHeaders=content-type;host;x-amz-date, "
	    "Signature=0123456789abcdef");
	http_request_header_set(&req, "X-Empty", "");
	http_request_body_set(&req, body.data, body.len);

	http_response_init(&resp);
	ck_assert_msg(http_curl_send(&hc, &req, &resp, &err) == 0, "%s",
	    err.msg);
	serve_stop(&s);
	log_close(&log);

	ck_assert_int_eq(resp.status, 201);
	ck_assert_str_eq(http_response_header_get(&resp, "x-amz-request-id"),
	    "req-1");
	ck_assert_str_eq(http_response_header_get(&resp, "X-Folded"), "a b");
	ck_assert_str_eq(resp.headers[0].name, "Content-Type");

	/* What went over the wire: our headers, in order, and nothing else
	 * of curl's but Content-Length; then the body, intact. */
	sent = buf_str(&resp.body);
	buf_addf(&want, "POST /2013-04-01/hostedzone/Z1/rrset/?a=1 HTTP/1.1\r\n"
	    "Host: 127.0.0.1\r\n"
	    "User-Agent: mailauth-test/1\r\n"
	    "Content-Type: text/xml\r\n"
	    "X-Amz-Date: 20150830T123600Z\r\n"
	    "X-Amz-Security-Token: s3cr3t-token\r\n"
	    "Authorization: %s\r\n"
	    "X-Empty:\r\n"
	    "Content-Length: %zu\r\n\r\n",
	    http_request_header_get(&req, "Authorization"), body.len);
	head = xstrndup(sent, want.len);
	ck_assert_str_eq(head, buf_str(&want));
	free(head);
	ck_assert_uint_eq(resp.body.len, want.len + body.len);
	ck_assert_int_eq(memcmp(sent + want.len, body.data, body.len), 0);

	/* The log: method and URL, headers with secrets redacted, status. */
	ck_assert_ptr_nonnull(log.text);
	buf_addf(&line, "debug: > POST %s\n", url);
	ck_assert_ptr_nonnull(strstr(log.text, buf_str(&line)));
	ck_assert_ptr_nonnull(strstr(log.text,
	    "debug: > User-Agent: mailauth-test/1\n"));
	ck_assert_ptr_nonnull(strstr(log.text,
	    "debug: > X-Amz-Security-Token: <redacted>\n"));
	ck_assert_ptr_nonnull(strstr(log.text, "debug: > Authorization: "
	    "AWS4-HMAC-SHA256 Credential=<redacted>, SignedHeaders="
	    "content-type;host;x-amz-date, Signature=<redacted>\n"));
	buf_reset(&line);
	buf_addf(&line, "debug: > (%zu bytes of body)\n", body.len);
	ck_assert_ptr_nonnull(strstr(log.text, buf_str(&line)));
	ck_assert_ptr_nonnull(strstr(log.text, "debug: < HTTP 201\n"));
	ck_assert_ptr_nonnull(strstr(log.text,
	    "debug: < X-Amz-Request-Id: req-1\n"));
	ck_assert_ptr_nonnull(strstr(log.text,
	    "debug: < X-Amz-Security-Token: <redacted>\n"));
	ck_assert_ptr_null(strstr(log.text, "s3cr3t"));
	ck_assert_ptr_null(strstr(log.text, "tok3n"));
	ck_assert_ptr_null(strstr(log.text, "AKIDFAKE"));
	ck_assert_ptr_null(strstr(log.text, "0123456789abcdef"));
	ck_assert_ptr_null(strstr(log.text, "<Change/>"));

	free(log.text);
	free(url);
	buf_release(&want);
	buf_release(&body);
	buf_release(&line);
	http_request_release(&req);
	http_response_release(&resp);
}
END_TEST

/* A GET has no body, and a POST without one still has no Content-Type. */
START_TEST(curl_no_body)
{
	static const struct {
		const char	*method;
		const char	*want;
	} t[] = {
		{ "GET", "GET /x HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" },
		{ "POST", "POST /x HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
		    "Content-Length: 0\r\n\r\n" },
		{ "DELETE", "DELETE /x HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" },
	};
	struct server		 s;
	struct http_curl	 hc = { .timeout_s = 5 };
	struct http_request	 req;
	struct http_response	 resp;
	struct err		 err;
	char			*url, *want;
	size_t			 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		serve_start(&s, SERVE_ECHO);
		url = xasprintf("http://127.0.0.1:%d/x", s.port);
		http_request_init(&req, t[i].method, url);
		http_response_init(&resp);
		ck_assert_msg(http_curl_send(&hc, &req, &resp, &err) == 0,
		    "%s", err.msg);
		serve_stop(&s);
		want = xasprintf(t[i].want, s.port);
		ck_assert_str_eq(buf_str(&resp.body), want);
		free(want);
		free(url);
		http_request_release(&req);
		http_response_release(&resp);
	}
}
END_TEST

START_TEST(curl_no_redirect)
{
	struct server		 s;
	struct http_curl	 hc = { .timeout_s = 5 };
	struct http_request	 req;
	struct http_response	 resp;
	struct err		 err;
	char			*url;

	serve_start(&s, SERVE_REDIRECT);
	url = xasprintf("http://127.0.0.1:%d/x", s.port);
	http_request_init(&req, "GET", url);
	http_response_init(&resp);
	ck_assert_msg(http_curl_send(&hc, &req, &resp, &err) == 0, "%s",
	    err.msg);
	serve_stop(&s);
	ck_assert_int_eq(resp.status, 301);
	ck_assert_str_eq(http_response_header_get(&resp, "Location"),
	    "/elsewhere");
	free(url);
	http_request_release(&req);
	http_response_release(&resp);
}
END_TEST

/* The message prefix, and a response that holds nothing afterwards. */
static void
expect_failure(const char *method, const char *url, long timeout,
    const char *want_prefix, const char *want_part)
{
	struct http_curl	 hc = { .timeout_s = timeout };
	struct http_request	 req;
	struct http_response	 resp;
	struct err		 err;

	err_clear(&err);
	http_request_init(&req, method, url);
	http_response_init(&resp);
	ck_assert_int_eq(http_curl_send(&hc, &req, &resp, &err), -1);
	ck_assert_msg(strncmp(err.msg, want_prefix, strlen(want_prefix)) == 0,
	    "got '%s', want '%s...'", err.msg, want_prefix);
	ck_assert_msg(want_part == NULL || find_ci(err.msg, want_part) != NULL,
	    "got '%s', want '%s' in it", err.msg, want_part);
	ck_assert_int_eq(resp.status, 0);
	ck_assert_uint_eq(resp.nheaders, 0);
	ck_assert_uint_eq(resp.body.len, 0);
	http_request_release(&req);
	http_response_release(&resp);
}

START_TEST(curl_refused)
{
	char	*url, *prefix;
	int	 fd, port;

	/* A port bound and not listening: connecting is refused. */
	fd = test_socket(-1, &port);
	url = xasprintf("http://127.0.0.1:%d/2013-04-01/hostedzone", port);
	prefix = xasprintf("cannot reach '%s': ", url);
	expect_failure("GET", url, 5, prefix, "connect");
	close(fd);
	free(url);
	free(prefix);
}
END_TEST

START_TEST(curl_timeout)
{
	struct server	 s;
	char		*url, *prefix;

	serve_start(&s, SERVE_SILENT);
	url = xasprintf("http://127.0.0.1:%d/", s.port);
	prefix = xasprintf("cannot reach '%s': ", url);
	expect_failure("GET", url, 1, prefix, "timed out");
	serve_stop(&s);
	free(url);
	free(prefix);
}
END_TEST

START_TEST(curl_too_large)
{
	struct server	 s;
	char		*url, *want;

	serve_start(&s, SERVE_HUGE);
	url = xasprintf("http://127.0.0.1:%d/", s.port);
	want = xasprintf("response from '%s' is larger than %ld bytes", url,
	    HTTP_BODY_MAX);
	expect_failure("GET", url, 20, want, NULL);
	serve_stop(&s);
	free(url);
	free(want);
}
END_TEST

/* Refused before any connection is tried. */
START_TEST(curl_refuses)
{
	struct http_curl	 hc = { .timeout_s = 5 };
	struct http_request	 req;
	struct http_response	 resp;
	struct err		 err;

	expect_failure("GET", "file:///etc/passwd", 5,
	    "cannot reach 'file:///etc/passwd': ", NULL);
	expect_failure("GET", "ftp://127.0.0.1/", 5,
	    "cannot reach 'ftp://127.0.0.1/': ", NULL);

	err_clear(&err);
	http_request_init(&req, "GET", "http://127.0.0.1:1/");
	http_request_header_set(&req, "X-Bad", "a\r\nInjected: yes");
	http_response_init(&resp);
	ck_assert_int_eq(http_curl_send(&hc, &req, &resp, &err), -1);
	ck_assert_str_eq(err.msg, "cannot send header 'X-Bad': invalid name "
	    "or line break in value");
	http_request_release(&req);
	http_response_release(&resp);
}
END_TEST

static void
global_setup(void)
{
	struct err	 err;

	/* A proxy from the environment would send loopback tests away. */
	unsetenv("http_proxy");
	unsetenv("HTTP_PROXY");
	unsetenv("https_proxy");
	unsetenv("HTTPS_PROXY");
	unsetenv("all_proxy");
	unsetenv("ALL_PROXY");
	ck_assert_int_eq(http_curl_global_init(&err), 0);
}

static void
global_teardown(void)
{
	http_curl_global_cleanup();
}

/* ---- URLs, as libcurl reads them ---- */

static const struct {
	const char		*url;
	enum http_url_error	 want;
	const char		*scheme, *host;
	long			 port;
	const char		*path, *query;	/* query NULL: none */
	int			 userinfo, as_written;
} urls[] = {
	{ "https://route53.amazonaws.com/2013-04-01/hostedzone?a=1&b=%2F#f",
	  HTTP_URL_OK, "https", "route53.amazonaws.com", 0,
	  "/2013-04-01/hostedzone", "a=1&b=%2F", 0, 1 },
	{ "HTTP://127.0.0.1:5000", HTTP_URL_OK, "http", "127.0.0.1", 5000, "/",
	  NULL, 0, 1 },
	/* Dot segments, empty segments and spaces stay: the signer decides. */
	{ "http://h/a/./b/../c//d e?x=%zz&y= z", HTTP_URL_OK, "http", "h", 0,
	  "/a/./b/../c//d e", "x=%zz&y= z", 0, 1 },
	{ "http://[::1]:8080/", HTTP_URL_OK, "http", "[::1]", 8080, "/", NULL,
	  0, 1 },
	{ "https://h:08443/", HTTP_URL_OK, "https", "h", 8443, "/", NULL, 0,
	  1 },
	{ "https://h:/x", HTTP_URL_OK, "https", "h", 0, "/x", NULL, 0, 1 },
	{ "http://user:pa55@proxy.example:3128", HTTP_URL_OK, "http",
	  "proxy.example", 3128, "/", NULL, 1, 1 },
	{ "https://h/caf\xc3\xa9", HTTP_URL_OK, "https", "h", 0,
	  "/caf\xc3\xa9", NULL, 0, 1 },
	/* libcurl sends "127.1" to 127.0.0.1: said so. */
	{ "http://127.1/", HTTP_URL_OK, "http", "127.0.0.1", 0, "/", NULL, 0,
	  0 },
	{ "ftp://h/", HTTP_URL_SCHEME, NULL, NULL, 0, NULL, NULL, 0, 0 },
	{ "route53.amazonaws.com", HTTP_URL_SCHEME, NULL, NULL, 0, NULL, NULL, 0, 0 },
	{ "https:///x", HTTP_URL_NO_HOST, NULL, NULL, 0, NULL, NULL, 0, 0 },
	{ "https://", HTTP_URL_NO_HOST, NULL, NULL, 0, NULL, NULL, 0, 0 },
	{ "https://h:0/", HTTP_URL_PORT, NULL, NULL, 0, NULL, NULL, 0, 0 },
	{ "https://h:99999/", HTTP_URL_PORT, NULL, NULL, 0, NULL, NULL, 0, 0 },
	{ "https://h:8a/", HTTP_URL_PORT, NULL, NULL, 0, NULL, NULL, 0, 0 },
	{ "https://[::1/", HTTP_URL_IPV6, NULL, NULL, 0, NULL, NULL, 0, 0 },
};

START_TEST(url_parse)
{
	struct http_url	 u;

	ck_assert_int_eq(http_url_parse(urls[_i].url, &u), urls[_i].want);
	if (urls[_i].want != HTTP_URL_OK) {
		ck_assert_ptr_null(u.host);
		return;
	}
	ck_assert_str_eq(u.scheme, urls[_i].scheme);
	ck_assert_str_eq(u.host, urls[_i].host);
	ck_assert_int_eq(u.port, urls[_i].port);
	ck_assert_str_eq(u.path, urls[_i].path);
	if (urls[_i].query == NULL)
		ck_assert_ptr_null(u.query);
	else
		ck_assert_str_eq(u.query, urls[_i].query);
	ck_assert_int_eq(u.userinfo, urls[_i].userinfo);
	ck_assert_int_eq(u.host_as_written, urls[_i].as_written);
	http_url_release(&u);
}
END_TEST

/* A password in the user info never reaches a log, even one with '@'. */
START_TEST(url_log_userinfo)
{
	struct buf	 b = BUF_INIT;

	http_url_log("http://user:p@ss@proxy.example:3128/x?token=t", &b);
	ck_assert_str_eq(buf_str(&b),
	    "http://<redacted>@proxy.example:3128/x?token=<redacted>");
	buf_release(&b);
}
END_TEST

Suite *
http_suite(void)
{
	Suite	*s = suite_create("http");
	TCase	*tc;

	tc = tcase_create("data");
	tcase_add_test(tc, request_headers);
	tcase_add_test(tc, response_headers);
	tcase_add_test(tc, secret_headers);
	tcase_add_test(tc, log_values);
	tcase_add_loop_test(tc, url_parse, 0,
	    (int)(sizeof(urls) / sizeof(urls[0])));
	tcase_add_test(tc, url_log_userinfo);
	suite_add_tcase(s, tc);

	tc = tcase_create("curl");
	tcase_add_unchecked_fixture(tc, global_setup, global_teardown);
	tcase_add_checked_fixture(tc, NULL, test_children_stop);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, curl_exchange);
	tcase_add_test(tc, curl_no_body);
	tcase_add_test(tc, curl_no_redirect);
	tcase_add_test(tc, curl_refused);
	tcase_add_test(tc, curl_timeout);
	tcase_add_test(tc, curl_too_large);
	tcase_add_test(tc, curl_refuses);
	suite_add_tcase(s, tc);
	return s;
}
