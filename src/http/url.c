/*
 * url.c - URLs read by libcurl's own parser (CURLU), the one URL parser
 * of mailauth: what the signer signs and the checks check is what the
 * transport sends.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "mailauth/buf.h"
#include "mailauth/http.h"

/* A part of h, malloc'd, or NULL when the URL has none. */
static char *
part(CURLU *h, CURLUPart what)
{
	char	*v = NULL, *s;

	if (curl_url_get(h, what, &v, 0) != CURLUE_OK || v == NULL)
		return NULL;
	s = xstrdup(v);
	curl_free(v);
	return s;
}

static enum http_url_error
error_of(CURLUcode rc)
{
	switch (rc) {
	case CURLUE_BAD_SCHEME:
	case CURLUE_UNSUPPORTED_SCHEME:
		return HTTP_URL_SCHEME;
	case CURLUE_NO_HOST:
		return HTTP_URL_NO_HOST;
	case CURLUE_BAD_PORT_NUMBER:
		return HTTP_URL_PORT;
	case CURLUE_BAD_IPV6:
		return HTTP_URL_IPV6;
	default:
		return HTTP_URL_BAD;
	}
}

/* Whether host (as libcurl gives it) is in url as written, any case. */
static int
written(const char *url, const char *host)
{
	size_t	 n = strlen(host);

	for (; *url != '\0'; url++)
		if (strncasecmp(url, host, n) == 0)
			return 1;
	return 0;
}

enum http_url_error
http_url_parse(const char *url, struct http_url *u)
{
	CURLU			*h;
	CURLUcode		 rc;
	enum http_url_error	 e = HTTP_URL_OK;
	const char		*a;
	char			*user, *pass, *port;

	memset(u, 0, sizeof(*u));
	if ((h = curl_url()) == NULL)
		return HTTP_URL_BAD;
	rc = curl_url_set(h, CURLUPART_URL, url, CURLU_PATH_AS_IS |
	    CURLU_NON_SUPPORT_SCHEME | CURLU_ALLOW_SPACE);
	if (rc != CURLUE_OK) {
		curl_url_cleanup(h);
		return error_of(rc);
	}
	u->scheme = part(h, CURLUPART_SCHEME);
	u->host = part(h, CURLUPART_HOST);
	u->path = part(h, CURLUPART_PATH);
	u->query = part(h, CURLUPART_QUERY);
	user = part(h, CURLUPART_USER);
	pass = part(h, CURLUPART_PASSWORD);
	port = part(h, CURLUPART_PORT);
	u->userinfo = user != NULL || pass != NULL;
	/* libcurl reads "https:///x" as the host x: an empty authority is
	 * no host here. */
	a = strstr(url, "://");
	if (u->scheme == NULL || (strcmp(u->scheme, "http") != 0 &&
	    strcmp(u->scheme, "https") != 0))
		e = HTTP_URL_SCHEME;
	else if (u->host == NULL || *u->host == '\0' || a == NULL ||
	    strchr("/?#", a[3]) != NULL)
		e = HTTP_URL_NO_HOST;
	else if (port != NULL && (u->port = strtol(port, NULL, 10)) == 0)
		e = HTTP_URL_PORT;
	if (e == HTTP_URL_OK && u->path == NULL)
		u->path = xstrdup("/");
	if (e == HTTP_URL_OK)
		u->host_as_written = written(url, u->host);
	free(user);
	free(pass);
	free(port);
	curl_url_cleanup(h);
	if (e != HTTP_URL_OK)
		http_url_release(u);
	return e;
}

void
http_url_release(struct http_url *u)
{
	free(u->scheme);
	free(u->host);
	free(u->path);
	free(u->query);
	memset(u, 0, sizeof(*u));
}
