/*
 * check_transport.c - what the transport adds for retries and security:
 * URLs as logs show them, loopback and insecure endpoints, request copies,
 * how the libcurl transport tells failures apart (nothing sent, lost after
 * sending, timed out), and proxies and CAs only as configured.  The network
 * tests touch no address but 127.0.0.1: a forked child answers there (see
 * test_child_start()), a port bound and not listening refuses, a listener
 * whose queue is full never completes a connection.
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "testutil.h"

Suite	*transport_suite(void);

/* ---- URLs, endpoints, copies ---- */

START_TEST(url_log)
{
	static const struct {
		const char	*url;
		const char	*want;
	} t[] = {
		{ "https://route53.amazonaws.com/2013-04-01/hostedzone?a=1",
		  "https://route53.amazonaws.com/2013-04-01/hostedzone?a=1" },
		{ "https://s3.amazonaws.com/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
		  "&X-Amz-Credential=AKID%2F2026&X-Amz-Signature=abc&x=1",
		  "https://s3.amazonaws.com/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256"
		  "&X-Amz-Credential=<redacted>&X-Amz-Signature=<redacted>&x=1" },
		{ "https://sts.amazonaws.com/?Action=AssumeRoleWithWebIdentity"
		  "&WebIdentityToken=eyJhbGciOi&RoleArn=arn",
		  "https://sts.amazonaws.com/?Action=AssumeRoleWithWebIdentity"
		  "&WebIdentityToken=<redacted>&RoleArn=arn" },
		{ "http://user:pa55@proxy.example:3128",
		  "http://<redacted>@proxy.example:3128" },
		{ "http://h/p?X-Amz-Security-Token=t0k#frag",
		  "http://h/p?X-Amz-Security-Token=<redacted>#frag" },
		{ "https://h/?flag&token", "https://h/?flag&token" },
		{ "https://h/?&&a=1&", "https://h/?&&a=1&" },
		{ "ftp://h/?token=x", "ftp://h/?token=x" },
	};
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_reset(&b);
		http_url_log(t[i].url, &b);
		ck_assert_str_eq(buf_str(&b), t[i].want);
	}
	buf_release(&b);
}
END_TEST

START_TEST(loopback)
{
	static const struct {
		const char	*url;
		int		 want;
	} t[] = {
		{ "http://127.0.0.1:5000", 1 },
		{ "http://127.0.0.1", 1 },
		{ "http://127.255.3.4/x", 1 },
		{ "HTTP://127.0.0.1:1/", 1 },
		{ "https://127.0.0.1/", 1 },
		{ "http://[::1]:8080/", 1 },
		{ "http://[::1]", 1 },
		{ "http://localhost:5000/", 1 },
		{ "http://LocalHost./", 1 },
		{ "http://128.0.0.1/", 0 },
		{ "http://10.0.0.1/", 0 },
		{ "http://127.0.0.1.nip.io/", 0 },
		{ "http://127.1/", 0 },
		{ "http://0x7f000001/", 0 },
		{ "http://localhost.example.com/", 0 },
		{ "http://a.localhost/", 0 },
		{ "http://[::2]/", 0 },
		{ "http://[::ffff:127.0.0.1]/", 0 },
		{ "http://user@127.0.0.1/", 0 },
		{ "http://[::1/", 0 },
		{ "http://[::1]x/", 0 },
		{ "http:///", 0 },
		{ "ftp://127.0.0.1/", 0 },
		{ "127.0.0.1", 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(http_url_is_loopback(t[i].url) == t[i].want,
		    "'%s'", t[i].url);
}
END_TEST

START_TEST(endpoint_check)
{
	struct err	 err;

	err_clear(&err);
	ck_assert_int_eq(http_endpoint_check("https://route53.amazonaws.com",
	    0, &err), 0);
	ck_assert_int_eq(http_endpoint_check("http://127.0.0.1:5000", 0,
	    &err), 0);
	ck_assert_int_eq(http_endpoint_check("http://[::1]:5000", 0, &err), 0);
	ck_assert_int_eq(http_endpoint_check("http://localhost:5000", 0,
	    &err), 0);
	ck_assert_int_eq(http_endpoint_check("http://r53.internal:80", 1,
	    &err), 0);
	ck_assert_int_eq(http_endpoint_check("http://r53.internal:80", 0,
	    &err), -1);
	ck_assert_str_eq(err.msg, "endpoint 'http://r53.internal:80' is plain "
	    "http:// to a host that is not a loopback address, so requests "
	    "and their signatures would cross the network unencrypted; use "
	    "https://, or --allow-insecure-endpoint if this is meant");
	ck_assert_int_eq(http_endpoint_check("ftp://127.0.0.1", 1, &err), -1);
	ck_assert_str_eq(err.msg, "endpoint 'ftp://127.0.0.1' is not an "
	    "http:// or https:// URL");
	ck_assert_int_eq(http_endpoint_check("https://", 0, &err), -1);
	ck_assert_int_eq(http_endpoint_check("route53.amazonaws.com", 0,
	    &err), -1);
}
END_TEST

static int
dummy_sign(void *arg, struct http_request *req, struct err *err)
{
	(void)arg;
	(void)req;
	(void)err;
	return 0;
}

START_TEST(request_copy)
{
	struct http_request	 a, b;
	int			 x;

	http_request_init(&a, "POST", "https://h/p");
	http_request_header_add(&a, "X-One", "1");
	http_request_header_add(&a, "X-One", "2");
	http_request_body_set(&a, "a\0b", 3);
	a.op = xstrdup("STS AssumeRole");
	a.idempotent = 1;
	a.sign = dummy_sign;
	a.sign_arg = &x;
	http_request_copy(&b, &a);
	http_request_header_set(&a, "X-One", "changed");
	free(a.op);
	a.op = NULL;
	ck_assert_str_eq(b.method, "POST");
	ck_assert_str_eq(b.url, "https://h/p");
	ck_assert_uint_eq(b.nheaders, 2);
	ck_assert_str_eq(b.headers[1].value, "2");
	ck_assert_uint_eq(b.body_len, 3);
	ck_assert_int_eq(memcmp(b.body, "a\0b", 4), 0);
	ck_assert_str_eq(b.op, "STS AssumeRole");
	ck_assert_int_eq(b.idempotent, 1);
	ck_assert_ptr_eq(b.sign, dummy_sign);
	ck_assert_ptr_eq(b.sign_arg, &x);
	ck_assert_ptr_null(b.error_code);
	http_request_release(&a);
	http_request_release(&b);

	/* No body, no op. */
	http_request_init(&a, "GET", "https://h/");
	http_request_copy(&b, &a);
	ck_assert_ptr_null(b.body);
	ck_assert_ptr_null(b.op);
	http_request_release(&a);
	http_request_release(&b);
}
END_TEST

/* ---- the libcurl transport, against a child on 127.0.0.1 ---- */

enum mode {
	ANSWER,		/* 200, the raw request as the body */
	CLOSE,		/* reads the request, closes without a word */
	RESET,		/* reads the request, resets the connection */
	SILENT		/* reads the request, never answers */
};

struct server {
	pid_t	 pid;
	int	 port;
};

/* What the child needs: the listening socket and how to answer. */
struct serving {
	int		 lfd;
	enum mode	 mode;
};

static void
write_all(int fd, const char *p, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, p, n)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

/* The request's head; these tests send no bodies. */
static void
read_head(int fd, struct buf *req)
{
	char	 chunk[4096];
	ssize_t	 n;

	while (strstr(buf_str(req), "\r\n\r\n") == NULL) {
		if ((n = read(fd, chunk, sizeof(chunk))) <= 0)
			return;
		buf_add(req, chunk, (size_t)n);
	}
}

/* In the child: one connection, answered as sv->mode says. */
static void
serve(void *arg)
{
	const struct serving	*sv = arg;
	struct buf		 req = BUF_INIT, resp = BUF_INIT;
	struct linger		 lg = { 1, 0 };
	int			 fd;

	if ((fd = accept(sv->lfd, NULL, NULL)) == -1)
		return;
	read_head(fd, &req);
	switch (sv->mode) {
	case ANSWER:
		buf_addf(&resp, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		    "Connection: close\r\n\r\n", req.len);
		buf_add(&resp, req.data, req.len);
		write_all(fd, resp.data, resp.len);
		break;
	case CLOSE:
		break;
	case RESET:
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		break;
	case SILENT:
		pause();
		break;
	}
	close(fd);
	buf_release(&req);
	buf_release(&resp);
}

static void
serve_start(struct server *s, enum mode mode)
{
	struct serving	 sv;

	sv.mode = mode;
	sv.lfd = test_socket(4, &s->port);
	s->pid = test_child_start(serve, &sv);
	close(sv.lfd);
}

static void
serve_stop(struct server *s)
{
	test_child_stop(s->pid);
}

/*
 * A port of 127.0.0.1 where connecting hangs: a listener with a backlog of
 * 0 whose queue is filled by connections never accepted, so that the
 * kernel drops the SYN of any other.  The timeouts then tell a connection
 * never made from a request never answered without leaving the machine.
 */
#define HANG_FILL	4

struct hang {
	int	 lfd;
	int	 port;
	int	 fill[HANG_FILL];
	size_t	 nfill;
};

static void
hang_start(struct hang *h)
{
	struct sockaddr_in	 sin;
	struct pollfd		 pfd;
	int			 fd, made = 1;

	h->lfd = test_socket(0, &h->port);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sin.sin_port = htons(h->port);
	/* Connect until a connection is left hanging: the queue is full. */
	for (h->nfill = 0; made && h->nfill < HANG_FILL; h->nfill++) {
		ck_assert_int_ne(fd = socket(AF_INET, SOCK_STREAM |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0), -1);
		h->fill[h->nfill] = fd;
		if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0)
			continue;
		ck_assert_int_eq(errno, EINPROGRESS);
		pfd.fd = fd;
		pfd.events = POLLOUT;
		made = poll(&pfd, 1, 200) == 1;
	}
	ck_assert_msg(!made, "the accept queue of port %d does not fill up",
	    h->port);
}

static void
hang_stop(struct hang *h)
{
	size_t	 i;

	for (i = 0; i < h->nfill; i++)
		close(h->fill[i]);
	close(h->lfd);
}

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

/* Sends one GET; returns send's result, with resp and err filled. */
static int
get(const struct http_curl *hc, const char *url, struct http_response *resp,
    struct err *err)
{
	struct http_request	 req;
	int			 rc;

	err_clear(err);
	http_request_init(&req, "GET", url);
	rc = http_curl_send((void *)hc, &req, resp, err);
	http_request_release(&req);
	return rc;
}

START_TEST(failure_kinds)
{
	static const struct {
		enum mode		 mode;
		enum http_failure	 want;
		const char		*msg;
	} t[] = {
		{ CLOSE, HTTP_FAILURE_LOST, "Empty reply" },
		{ RESET, HTTP_FAILURE_LOST, "reset" },
		{ SILENT, HTTP_FAILURE_TIMEOUT, "timed out" },
	};
	struct http_curl	 hc = { .timeout_s = 1 };
	struct http_curl	 hang_hc = { .timeout_s = 5,
				    .connect_timeout_s = 1 };
	struct http_response	 resp;
	struct server		 s;
	struct hang		 h;
	struct err		 err;
	char			*url;
	size_t			 i;
	int			 fd, port;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		serve_start(&s, t[i].mode);
		url = xasprintf("http://127.0.0.1:%d/x", s.port);
		ck_assert_int_eq(get(&hc, url, &resp, &err), -1);
		ck_assert_msg(resp.failure == t[i].want, "case %zu: %d, %s",
		    i, resp.failure, err.msg);
		ck_assert_msg(find_ci(err.msg, t[i].msg) != NULL,
		    "case %zu: %s", i, err.msg);
		ck_assert_int_eq(resp.status, 0);
		http_response_release(&resp);
		serve_stop(&s);
		free(url);
	}

	/* Refused: nothing was sent. */
	fd = test_socket(-1, &port);
	url = xasprintf("http://127.0.0.1:%d/x", port);
	ck_assert_int_eq(get(&hc, url, &resp, &err), -1);
	ck_assert_int_eq(resp.failure, HTTP_FAILURE_CONNECT);
	close(fd);
	free(url);

	/* Timed out connecting (well within the whole exchange's timeout):
	 * nothing was sent either, unlike SILENT. */
	hang_start(&h);
	url = xasprintf("http://127.0.0.1:%d/x", h.port);
	ck_assert_int_eq(get(&hang_hc, url, &resp, &err), -1);
	ck_assert_msg(resp.failure == HTTP_FAILURE_CONNECT, "%d, %s",
	    resp.failure, err.msg);
	ck_assert_msg(find_ci(err.msg, "timed out") != NULL ||
	    find_ci(err.msg, "timeout") != NULL, "%s", err.msg);
	hang_stop(&h);
	free(url);

	/* A success is no failure. */
	serve_start(&s, ANSWER);
	url = xasprintf("http://127.0.0.1:%d/x", s.port);
	ck_assert_int_eq(get(&hc, url, &resp, &err), 0);
	ck_assert_int_eq(resp.failure, HTTP_FAILURE_NONE);
	http_response_release(&resp);
	serve_stop(&s);
	free(url);

	/* What trying again cannot cure. */
	ck_assert_int_eq(get(&hc, "ftp://127.0.0.1/", &resp, &err), -1);
	ck_assert_int_eq(resp.failure, HTTP_FAILURE_NONE);
}
END_TEST

/* A CA file that cannot be read fails the TLS exchange, for good. */
START_TEST(ca_file)
{
	struct http_curl	 hc = { .timeout_s = 2 };
	struct http_response	 resp;
	struct server		 s;
	struct err		 err;
	char			*url;

	hc.ca_file = "/nonexistent/ca.pem";
	serve_start(&s, ANSWER);
	url = xasprintf("https://127.0.0.1:%d/x", s.port);
	ck_assert_int_eq(get(&hc, url, &resp, &err), -1);
	ck_assert_int_eq(resp.failure, HTTP_FAILURE_NONE);
	ck_assert_msg(find_ci(err.msg, "certificate") != NULL ||
	    find_ci(err.msg, "CA") != NULL, "%s", err.msg);
	serve_stop(&s);
	free(url);
}
END_TEST

/*
 * The host proxies apply to: 127.1 is 127.0.0.1 to curl, which writes it
 * so, but not a loopback host to http_url_is_loopback(), which knows only
 * the dotted quad.  Its port is bound and not listening: whatever is sent
 * straight there is refused, and nothing leaves the machine.
 */
START_TEST(proxies_only_as_configured)
{
	struct http_curl	 hc = { .timeout_s = 2,
				    .connect_timeout_s = 1 };
	struct http_response	 resp;
	struct server		 s;
	struct err		 err;
	char			*proxy, *far, *line, *text = NULL;
	size_t			 len = 0;
	int			 far_fd, far_port;
	FILE			*f;

	far_fd = test_socket(-1, &far_port);
	far = xasprintf("http://127.1:%d/x", far_port);

	/* Through the configured proxy: it gets the absolute URL. */
	serve_start(&s, ANSWER);
	proxy = xasprintf("http://user:pa55@127.0.0.1:%d", s.port);
	hc.http_proxy = proxy;
	ck_assert_ptr_nonnull(f = open_memstream(&text, &len));
	hc.debug = f;
	ck_assert_msg(get(&hc, far, &resp, &err) == 0, "%s", err.msg);
	fclose(f);
	hc.debug = NULL;
	ck_assert_int_eq(resp.status, 200);
	line = xasprintf("GET http://127.0.0.1:%d/x HTTP/1.1\r\n", far_port);
	ck_assert_msg(strncmp(buf_str(&resp.body), line, strlen(line)) == 0,
	    "%s", buf_str(&resp.body));
	free(line);
	ck_assert_msg(strstr(text, "debug: > (through proxy 'http://<redacted>"
	    "@127.0.0.1:") != NULL, "%s", text);
	ck_assert_ptr_null(strstr(text, "pa55"));
	free(text);
	http_response_release(&resp);
	serve_stop(&s);

	/* NO_PROXY names the host (as curl writes it): straight there, where
	 * no one answers. */
	serve_start(&s, ANSWER);
	free(proxy);
	proxy = xasprintf("http://127.0.0.1:%d", s.port);
	hc.http_proxy = proxy;
	hc.no_proxy = "example.com,127.0.0.1";
	ck_assert_int_eq(get(&hc, far, &resp, &err), -1);
	ck_assert_int_eq(resp.failure, HTTP_FAILURE_CONNECT);
	hc.no_proxy = NULL;

	/* The https proxy is not the http one. */
	hc.http_proxy = NULL;
	hc.https_proxy = proxy;
	ck_assert_int_eq(get(&hc, far, &resp, &err), -1);
	ck_assert_int_eq(resp.failure, HTTP_FAILURE_CONNECT);
	hc.https_proxy = NULL;

	/* The environment is not read: only what the caller configured. */
	setenv("http_proxy", proxy, 1);
	setenv("ALL_PROXY", proxy, 1);
	ck_assert_int_eq(get(&hc, far, &resp, &err), -1);
	ck_assert_int_eq(resp.failure, HTTP_FAILURE_CONNECT);
	unsetenv("http_proxy");
	unsetenv("ALL_PROXY");
	serve_stop(&s);
	free(proxy);

	/* A loopback host is never proxied (the proxy's port is far's). */
	serve_start(&s, ANSWER);
	proxy = xasprintf("http://127.0.0.1:%d", far_port);
	hc.http_proxy = proxy;
	text = xasprintf("http://127.0.0.1:%d/x", s.port);
	ck_assert_msg(get(&hc, text, &resp, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(resp.status, 200);
	http_response_release(&resp);
	serve_stop(&s);
	free(text);
	free(proxy);
	free(far);
	close(far_fd);
}
END_TEST

/* The debug log times each exchange and keeps query secrets out. */
START_TEST(debug_timing_and_url)
{
	struct http_curl	 hc = { .timeout_s = 2 };
	struct http_response	 resp;
	struct server		 s;
	struct err		 err;
	char			*url, *text = NULL;
	size_t			 len = 0;
	int			 fd, port;
	FILE			*f;

	serve_start(&s, ANSWER);
	url = xasprintf("http://127.0.0.1:%d/x?X-Amz-Signature=5ecret&a=1",
	    s.port);
	ck_assert_ptr_nonnull(f = open_memstream(&text, &len));
	hc.debug = f;
	ck_assert_int_eq(get(&hc, url, &resp, &err), 0);
	fclose(f);
	ck_assert_ptr_null(strstr(text, "5ecret"));
	ck_assert_ptr_nonnull(strstr(text, "?X-Amz-Signature=<redacted>&a=1\n"));
	ck_assert_ptr_nonnull(strstr(text, "debug: < HTTP 200\n"));
	ck_assert_ptr_nonnull(strstr(text, "debug: < (after 0."));
	http_response_release(&resp);
	serve_stop(&s);
	free(text);
	free(url);

	/* A failure is timed too, and its message hides the secret. */
	fd = test_socket(-1, &port);
	url = xasprintf("http://127.0.0.1:%d/?token=5ecret", port);
	text = NULL;
	ck_assert_ptr_nonnull(f = open_memstream(&text, &len));
	hc.debug = f;
	ck_assert_int_eq(get(&hc, url, &resp, &err), -1);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(text, "debug: ! "));
	ck_assert_ptr_nonnull(strstr(text, " (after 0."));
	ck_assert_ptr_null(strstr(text, "5ecret"));
	ck_assert_ptr_null(strstr(err.msg, "5ecret"));
	ck_assert_ptr_nonnull(strstr(err.msg, "?token=<redacted>'"));
	close(fd);
	free(text);
	free(url);
}
END_TEST

static void
global_setup(void)
{
	struct err	 err;

	ck_assert_int_eq(http_curl_global_init(&err), 0);
}

static void
global_teardown(void)
{
	http_curl_global_cleanup();
}

Suite *
transport_suite(void)
{
	Suite	*s = suite_create("transport");
	TCase	*tc;

	tc = tcase_create("data");
	tcase_add_test(tc, url_log);
	tcase_add_test(tc, loopback);
	tcase_add_test(tc, endpoint_check);
	tcase_add_test(tc, request_copy);
	suite_add_tcase(s, tc);

	tc = tcase_create("curl");
	tcase_add_unchecked_fixture(tc, global_setup, global_teardown);
	tcase_add_checked_fixture(tc, NULL, test_children_stop);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, failure_kinds);
	tcase_add_test(tc, ca_file);
	tcase_add_test(tc, proxies_only_as_configured);
	tcase_add_test(tc, debug_timing_and_url);
	suite_add_tcase(s, tc);
	return s;
}
