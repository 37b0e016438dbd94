/*
 * metadata.c - credentials from the container credentials endpoint and from
 * EC2 instance metadata (IMDSv2), through the transport the caller passes
 * (with short timeouts: a laptop has neither service).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


#include "mailauth/buf.h"
#include "mailauth/chain.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/metadata.h"

#ifndef MAILAUTH_VERSION
#define MAILAUTH_VERSION	"dev"
#endif

#define CONTAINER_ATTEMPTS	3
#define EXCERPT_MAX		120
#define ROLE_MAX		128
#define CREDS_PATH		"/latest/meta-data/iam/security-credentials/"

/* The host of an http(s) URL into host (brackets of an IPv6 address
 * dropped); -1 when there is none or the URL carries a user name. */
static int
url_host(const char *url, char *host, size_t size)
{
	const char	*p, *end;
	size_t		 n;

	if (strncasecmp(url, "http://", 7) == 0)
		p = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		p = url + 8;
	else
		return -1;
	end = p + strcspn(p, "/?#");
	if (memchr(p, '@', (size_t)(end - p)) != NULL)
		return -1;
	if (*p == '[') {
		p++;
		if ((end = memchr(p, ']', (size_t)(end - p))) == NULL)
			return -1;
	} else {
		const char	*colon = memchr(p, ':', (size_t)(end - p));

		if (colon != NULL)
			end = colon;
	}
	if ((n = (size_t)(end - p)) == 0 || n >= size)
		return -1;
	memcpy(host, p, n);
	host[n] = '\0';
	return 0;
}

/* A dotted quad in 127.0.0.0/8. */
static int
ipv4_loopback(const char *h)
{
	unsigned int	 a, b, c, d;
	char		 tail;

	return sscanf(h, "%3u.%3u.%3u.%3u%c", &a, &b, &c, &d, &tail) == 4 &&
	    a == 127 && b < 256 && c < 256 && d < 256 &&
	    strspn(h, "0123456789.") == strlen(h);
}

int
aws_container_url_allowed(const char *url)
{
	static const char *const	 hosts[] = {
		AWS_CONTAINER_HOST, "169.254.170.23", "fd00:ec2::23", "::1",
		"localhost", "localhost.", NULL
	};
	char				 host[256];
	size_t				 i;

	if (url_host(url, host, sizeof(host)) == -1)
		return 0;
	if (strncasecmp(url, "https://", 8) == 0)
		return 1;
	if (ipv4_loopback(host))
		return 1;
	for (i = 0; hosts[i] != NULL; i++)
		if (strcasecmp(host, hosts[i]) == 0)
			return 1;
	return 0;
}

/* "HTTP N" and a printable excerpt of the body (buf_add_clean(): one
 * line, bounded), the token redacted. */
static void
status_text(const struct http_response *resp, const char *token,
    struct buf *b)
{
	const char *const	 secrets[] = { token };
	struct buf		 text = BUF_INIT;

	buf_addf(b, "HTTP %ld", resp->status);
	buf_add_clean(&text, resp->body.data, resp->body.len, secrets, 1,
	    EXCERPT_MAX);
	if (text.len > 0)
		buf_addf(b, ": %s", buf_str(&text));
	buf_release(&text);
}

int
aws_container_fetch(const struct http_transport *http, const char *url,
    const char *auth_token, struct aws_creds *creds, time_t *expiration,
    struct err *err)
{
	struct http_request	 req;
	struct http_response	 resp;
	struct buf		 b = BUF_INIT;
	int			 attempt, rc = -1;

	memset(creds, 0, sizeof(*creds));
	*expiration = 0;
	if (auth_token != NULL && strpbrk(auth_token, "\r\n") != NULL)
		return err_set(err, "the authorization token holds a line "
		    "break");
	http_request_init(&req, "GET", url);
	http_request_header_set(&req, "Accept", "application/json");
	http_request_header_set(&req, "User-Agent",
	    "mailauth/" MAILAUTH_VERSION);
	if (auth_token != NULL)
		http_request_header_set(&req, "Authorization", auth_token);
	http_response_init(&resp);
	for (attempt = 1; attempt <= CONTAINER_ATTEMPTS; attempt++) {
		http_response_release_wiped(&resp);
		if (http->send(http->ctx, &req, &resp, err) == -1) {
			if (attempt < CONTAINER_ATTEMPTS)
				continue;
			goto out;
		}
		if (resp.status >= 500 && attempt < CONTAINER_ATTEMPTS)
			continue;
		break;
	}
	if (resp.status != 200) {
		status_text(&resp, auth_token, &b);
		err_set(err, "'%s' answered %s", url, buf_str(&b));
		if (err != NULL)
			err->http_status = resp.status;
		goto out;
	}
	if (aws_creds_parse_json(resp.body.data, resp.body.len,
	    AWS_JSON_METADATA, creds, expiration, err) == -1) {
		err_prefix(err, "the answer of '%s' is not credentials", url);
		goto out;
	}
	rc = 0;
out:
	http_response_release_wiped(&resp);
	http_request_release_wiped(&req);
	buf_release(&b);
	return rc;
}

/* One IMDS exchange: 0 with resp filled, -1 when no answer came. */
static int
imds(const struct http_transport *http, const char *method, const char *base,
    const char *path, const char *token, struct http_response *resp,
    struct err *err)
{
	struct http_request	 req;
	struct buf		 url = BUF_INIT;
	size_t			 n = strlen(base);
	int			 rc;

	while (n > 0 && base[n - 1] == '/')
		n--;
	buf_add(&url, base, n);
	buf_adds(&url, path);
	http_request_init(&req, method, buf_str(&url));
	http_request_header_set(&req, "User-Agent",
	    "mailauth/" MAILAUTH_VERSION);
	if (token == NULL)
		http_request_header_set(&req,
		    "X-aws-ec2-metadata-token-ttl-seconds", AWS_IMDS_TOKEN_TTL);
	else
		http_request_header_set(&req, "X-aws-ec2-metadata-token",
		    token);
	rc = http->send(http->ctx, &req, resp, err);
	http_request_release_wiped(&req);
	buf_release(&url);
	return rc;
}

/* The first line of the body, trimmed, malloc'd. */
static char *
first_line(const struct http_response *resp)
{
	const char	*s = resp->body.data != NULL ? resp->body.data : "";
	size_t		 n = strcspn(s, "\r\n");

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return xstrndup(s, n);
}

static int
role_name_ok(const char *r)
{
	size_t	 n = strlen(r);

	return n > 0 && n <= ROLE_MAX &&
	    strspn(r, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+=,.@_-") == n;
}

int
aws_imds_fetch(const struct http_transport *http, const char *base,
    struct aws_creds *creds, time_t *expiration, struct err *err)
{
	struct http_response	 resp;
	struct buf		 path = BUF_INIT, b = BUF_INIT;
	char			*token = NULL, *role = NULL;
	int			 rc = -1;

	memset(creds, 0, sizeof(*creds));
	*expiration = 0;
	http_response_init(&resp);
	if (imds(http, "PUT", base, "/latest/api/token", NULL, &resp,
	    err) == -1) {
		rc = 0;
		goto out;
	}
	if (resp.status == 403 || resp.status == 404 || resp.status == 405 ||
	    (resp.status != 200 && resp.status != 400)) {
		err_set(err, "'%s' refused a session token (HTTP %ld)", base,
		    resp.status);
		rc = 0;
		goto out;
	}
	if (resp.status == 400 || resp.body.len == 0) {
		err_set(err, "'%s' answered the token request with HTTP %ld",
		    base, resp.status);
		goto out;
	}
	token = first_line(&resp);
	http_response_release_wiped(&resp);
	if (imds(http, "GET", base, CREDS_PATH, token, &resp, err) == -1)
		goto out;
	if (resp.status == 404) {
		err_set(err, "no IAM role is attached to this instance");
		rc = 0;
		goto out;
	}
	if (resp.status != 200) {
		status_text(&resp, token, &b);
		err_set(err, "'%s%s' answered %s", base, CREDS_PATH,
		    buf_str(&b));
		goto out;
	}
	role = first_line(&resp);
	http_response_release_wiped(&resp);
	if (!role_name_ok(role)) {
		err_set(err, "'%s%s' answered no usable role name", base,
		    CREDS_PATH);
		goto out;
	}
	buf_addf(&path, CREDS_PATH "%s", role);
	if (imds(http, "GET", base, buf_str(&path), token, &resp, err) == -1)
		goto out;
	if (resp.status != 200) {
		status_text(&resp, token, &b);
		err_set(err, "'%s%s' answered %s", base, buf_str(&path),
		    buf_str(&b));
		goto out;
	}
	if (aws_creds_parse_json(resp.body.data, resp.body.len,
	    AWS_JSON_METADATA, creds, expiration, err) == -1) {
		err_prefix(err, "the credentials of role '%s' are not usable",
		    role);
		goto out;
	}
	rc = 1;
out:
	http_response_release_wiped(&resp);
	aws_secret_free(token);
	free(role);
	buf_release(&path);
	buf_release(&b);
	return rc;
}
