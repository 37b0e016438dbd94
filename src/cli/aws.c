/*
 * aws.c - the AWS side of the command line: the Route 53 endpoint, the
 * HTTP transport (libcurl, timeouts, pacing, retries) and the credentials
 * chain, built from the options and the environment.  This is where
 * getenv() and the clock are handed to the layers below.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/route53.h"
#include "cli.h"

static const char *
env_lookup(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

static void
sleep_s(unsigned int s)
{
	sleep(s);
}

static time_t
now(void)
{
	return time(NULL);
}

/* --endpoint-url, then the AWS SDKs' variables, then Route 53 itself. */
static const char *
endpoint(const struct cli_opts *o)
{
	const char	*v, *ignore = getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");

	if (o->endpoint_url != NULL)
		return o->endpoint_url;
	if (ignore == NULL || strcmp(ignore, "true") != 0) {
		if ((v = getenv("AWS_ENDPOINT_URL_ROUTE_53")) != NULL && *v)
			return v;
		if ((v = getenv("AWS_ENDPOINT_URL")) != NULL && *v)
			return v;
	}
	return R53_DEFAULT_ENDPOINT;
}

/*
 * The transport half: endpoint, libcurl, timeouts, pacing and retries.
 * Prints and returns -1 on a problem.
 */
static int
open_transport(const struct cli_opts *o, struct cli_aws *a)
{
	struct err	 err;
	const char	*ep = endpoint(o);
	size_t		 len;

	err_clear(&err);
	if (strncmp(ep, "https://", 8) != 0 && strncmp(ep, "http://", 7) != 0) {
		cli_error("endpoint '%s' is not an http:// or https:// URL", ep);
		return -1;
	}
	a->endpoint = xstrdup(ep);
	len = strlen(a->endpoint);
	while (len > 0 && a->endpoint[len - 1] == '/')
		a->endpoint[--len] = '\0';
	if (http_curl_global_init(&err) == -1) {
		cli_error("%s", err.msg);
		free(a->endpoint);
		a->endpoint = NULL;
		return -1;
	}
	a->curl.timeout_s = 60;
	a->curl.debug = o->debug ? stderr : NULL;
	a->http.send = http_curl_send;
	a->http.ctx = &a->curl;
	a->r53.http = &a->http;
	a->r53.endpoint = a->endpoint;
	a->r53.clock = now;
	a->r53.sleep = sleep_s;
	return 0;
}

/*
 * The credentials half: the chain of sources, in the AWS SDKs' order.
 * Prints and returns -1 when no source yields credentials.
 */
static int
open_creds(const struct cli_opts *o, struct cli_aws *a)
{
	struct err	 err;

	(void)o;
	err_clear(&err);
	if (aws_creds_from_env(&a->creds, env_lookup, NULL, &err) == -1) {
		cli_error("%s", err.msg);
		return -1;
	}
	a->r53.creds = &a->creds;
	return 0;
}

int
cli_aws_open(const struct cli_opts *o, struct cli_aws *a)
{
	memset(a, 0, sizeof(*a));
	if (open_transport(o, a) == -1)
		return -1;
	if (open_creds(o, a) == -1) {
		cli_aws_close(a);
		return -1;
	}
	return 0;
}

void
cli_aws_close(struct cli_aws *a)
{
	if (a->endpoint == NULL)
		return;
	aws_creds_release(&a->creds);
	free(a->endpoint);
	http_curl_global_cleanup();
	memset(a, 0, sizeof(*a));
}

