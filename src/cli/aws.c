/*
 * aws.c - the AWS side of the command line: the region and its partition,
 * the Route 53 endpoint, the HTTP transport (libcurl, timeouts, pacing,
 * retries) and the credentials chain, built from the options and the
 * environment.  This is where getenv() and the clock are handed to the
 * layers below.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/chain.h"
#include "mailauth/config.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/interrupt.h"
#include "mailauth/process.h"
#include "mailauth/retry.h"
#include "mailauth/route53.h"
#include "mailauth/sts.h"
#include "cli.h"

static const char *
env_lookup(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* Both sleeps end early when apply is interrupted (interrupt.h). */
static void
sleep_s(unsigned int s)
{
	interrupt_sleep_ms((unsigned long)s * 1000);
}

static time_t
now(void)
{
	return time(NULL);
}

/*
 * A retrying transport and what it needs beyond struct cli_aws: a->http
 * (Route 53) and a->sts_http (STS, for the credentials) each send through
 * a retry of their own, and both through curl (a->curl, read only).
 * Owned by the transport's ctx, freed by cli_aws_close().  Each is used by
 * one thread at a time (a struct aws_retry and its pacer have no lock):
 * a->http by the account's thread, a->sts_http under the lock of the
 * credentials provider that sends through it.
 */
struct paced {
	struct aws_retry	 retry;		/* first: the transport's ctx */
	struct http_transport	 curl;
	struct aws_pacer	 pacer;
	unsigned short		 seed[3];	/* erand48()'s, this one's own */
	const struct cli_aws	*owner;		/* names its account */
};

static double
mono_now(void *ctx)
{
	struct timespec	 ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_ms(void *ctx, unsigned long ms)
{
	(void)ctx;
	interrupt_sleep_ms(ms);
}

/* Jitter only spreads clients apart: erand48() is enough, on a state of
 * the transport's own (drand48()'s is the process's, shared by threads). */
static double
random01(void *ctx)
{
	struct paced	*pc = ctx;

	return erand48(pc->seed);
}

/* A whole line, from whichever account's thread retries: a config
 * account's line names it. */
static void
announce_retry(void *ctx, const struct aws_retry_event *ev)
{
	const struct paced	*pc = ctx;
	const char		*acct = pc->owner->account;

	cli_error("%s%s%s%s: %s; retrying in %.2f s (attempt %u of %u)",
	    acct != NULL ? "account '" : "", acct != NULL ? acct : "",
	    acct != NULL ? "': " : "", ev->op, ev->reason,
	    (double)ev->delay_ms / 1000, ev->attempt, ev->max_attempts);
}

/* The first of the variables that is set and not empty, or NULL. */
static const char *
env_first(const char *const *names)
{
	const char	*v;

	for (; *names != NULL; names++)
		if ((v = getenv(*names)) != NULL && *v != '\0')
			return v;
	return NULL;
}

/*
 * Proxies as libcurl would take them from the environment, made explicit
 * (docs/network.md): HTTPS_PROXY for https://, http_proxy (lower case only,
 * as libcurl: HTTP_PROXY can be set by a CGI request's Proxy: header) for
 * http://, ALL_PROXY for either, NO_PROXY for the exceptions; each name in
 * lower case first.
 */
static void
proxies_from_env(struct http_curl *hc)
{
	static const char *const https[] = { "https_proxy", "HTTPS_PROXY",
	    "all_proxy", "ALL_PROXY", NULL };
	static const char *const http[] = { "http_proxy", "all_proxy",
	    "ALL_PROXY", NULL };
	static const char *const no[] = { "no_proxy", "NO_PROXY", NULL };

	hc->https_proxy = env_first(https);
	hc->http_proxy = env_first(http);
	hc->no_proxy = env_first(no);
}

/* AWS_MAX_ATTEMPTS, or 0 when unset; -1 after printing. */
static long
max_attempts(void)
{
	const char	*v = getenv("AWS_MAX_ATTEMPTS");
	char		*end;
	long		 n;

	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 ||
	    n > AWS_RETRY_ATTEMPTS_MAX) {
		cli_error("AWS_MAX_ATTEMPTS must be a number of attempts from "
		    "1 to %d, got '%s'", AWS_RETRY_ATTEMPTS_MAX, v);
		return -1;
	}
	return n;
}

/* One line of --debug on what the transport will do. */
static void
debug_transport(const struct http_curl *hc, const struct aws_retry *r)
{
	struct buf	 p = BUF_INIT, q = BUF_INIT;

	http_url_log(hc->https_proxy != NULL ? hc->https_proxy : "none", &p);
	http_url_log(hc->http_proxy != NULL ? hc->http_proxy : "none", &q);
	fprintf(stderr, "debug: transport: timeout %ld s, connect timeout "
	    "%ld s, at most %.2f requests/s (burst %.0f), %u attempts, "
	    "proxy for https:// %s, for http:// %s, no proxy for '%s', CA "
	    "certificates %s%s%s\n", hc->timeout_s, hc->connect_timeout_s,
	    r->pacer->max_rate, r->pacer->burst, r->max_attempts,
	    buf_str(&p), buf_str(&q), hc->no_proxy != NULL ? hc->no_proxy :
	    "", hc->ca_file != NULL ? "from '" : "of the system",
	    hc->ca_file != NULL ? hc->ca_file : "",
	    hc->ca_file != NULL ? "'" : "");
	buf_release(&p);
	buf_release(&q);
}

/* One line of --debug on the region and where Route 53 requests go. */
static void
debug_region(const struct cli_aws *a)
{
	struct buf	 r = BUF_INIT, u = BUF_INIT;

	if (a->region != NULL)
		buf_add_clean(&r, a->region, strlen(a->region), NULL, 0, 64);
	else
		buf_adds(&r, "not set");
	http_url_log(a->endpoint, &u);
	fprintf(stderr, "debug: region %s, partition %s: Route 53 at %s, "
	    "signed for %s\n", buf_str(&r), a->partition->name, buf_str(&u),
	    a->r53.region);
	buf_release(&r);
	buf_release(&u);
}

/* A paced, retrying transport through a->curl into t. */
static struct paced *
paced_new(const struct cli_global *o, const struct cli_aws *a, long attempts,
    struct http_transport *t)
{
	struct paced	*pc;
	uint64_t	 seed;

	pc = xcalloc(1, sizeof(*pc));
	pc->owner = a;
	seed = (uint64_t)time(NULL) ^ ((uint64_t)getpid() << 16) ^
	    (uint64_t)(uintptr_t)pc;
	pc->seed[0] = (unsigned short)seed;
	pc->seed[1] = (unsigned short)(seed >> 16);
	pc->seed[2] = (unsigned short)(seed >> 32);
	pc->curl.send = http_curl_send;
	pc->curl.ctx = (void *)&a->curl;
	aws_pacer_init(&pc->pacer, o->max_rps, mono_now(NULL));
	aws_retry_init(&pc->retry, &pc->curl);
	pc->retry.max_attempts = attempts > 0 ? (unsigned int)attempts :
	    AWS_RETRY_ATTEMPTS_DEFAULT;
	pc->retry.pacer = &pc->pacer;
	pc->retry.now = mono_now;
	pc->retry.sleep_ms = sleep_ms;
	pc->retry.random = random01;
	pc->retry.on_retry = announce_retry;
	pc->retry.ctx = pc;
	pc->retry.debug = o->debug ? stderr : NULL;
	pc->retry.allow_insecure = o->allow_insecure;
	t->send = aws_retry_send;
	t->ctx = &pc->retry;
	return pc;
}

/*
 * The transport half: endpoint, libcurl, timeouts, TLS, proxies, pacing
 * and retries.  Prints and returns -1 on a problem, before any request.
 */
static int
open_transport(const struct cli_global *o, struct cli_aws *a)
{
	struct aws_endpoint	 ep;
	struct err		 err;
	struct paced		*pc;
	const char		*ca;
	long			 attempts;

	/* --endpoint-url, then the AWS SDKs' variables, then Route 53 of
	 * the region's partition; signed for the partition's Route 53
	 * region whichever URL it is. */
	err_clear(&err);
	if (cli_aws_endpoint(o, AWS_ROUTE53, a->region, &ep) == -1)
		return -1;
	/* The URL is kept in a->endpoint, freed by cli_aws_close(). */
	a->endpoint = ep.url;
	a->r53.region = ep.region;
	if ((attempts = max_attempts()) == -1)
		goto fail;
	ca = getenv("AWS_CA_BUNDLE");
	if (ca != NULL && *ca != '\0' && access(ca, R_OK) == -1) {
		cli_error("cannot read AWS_CA_BUNDLE '%s': %s", ca,
		    strerror(errno));
		goto fail;
	}
	if (http_curl_global_init(&err) == -1) {
		cli_error("%s", err.msg);
		goto fail;
	}

	a->curl.timeout_s = o->timeout > 0 ? o->timeout :
	    HTTP_TIMEOUT_DEFAULT;
	a->curl.connect_timeout_s = o->connect_timeout > 0 ?
	    o->connect_timeout : HTTP_CONNECT_TIMEOUT_DEFAULT;
	a->curl.ca_file = ca != NULL && *ca != '\0' ? ca : NULL;
	proxies_from_env(&a->curl);
	a->curl.debug = o->debug ? stderr : NULL;

	pc = paced_new(o, a, attempts, &a->http);
	paced_new(o, a, attempts, &a->sts_http);
	if (o->debug) {
		debug_region(a);
		debug_transport(&a->curl, &pc->retry);
	}

	a->r53.http = &a->http;
	a->r53.endpoint = a->endpoint;
	a->r53.clock = now;
	a->r53.sleep = sleep_s;
	return 0;
fail:
	free(a->endpoint);
	a->endpoint = NULL;
	return -1;
}

/* What the credentials chain's metadata transport needs to live as long
 * as the provider (which frees it). */
struct creds_io {
	struct http_curl	 curl;
	struct http_transport	 metadata;
};

static void
creds_io_free(void *p)
{
	free(p);
}

/*
 * The credentials half: the chain of sources, in the AWS SDKs' order
 * (docs/credentials.md).  STS goes through the Route 53 transport; the
 * container and instance metadata services through one of their own, with
 * short timeouts and no proxy (a laptop has neither service).  Prints and
 * returns -1 when no source yields credentials.
 */
static int
open_creds(const struct cli_global *o, struct cli_aws *a)
{
	static const struct aws_process_runner	 runner = {
		aws_process_run, NULL
	};
	struct aws_chain_opts			 co;
	struct creds_io				*io;
	struct err				 err;
	char					 when[21];

	err_clear(&err);
	io = xcalloc(1, sizeof(*io));
	io->curl.timeout_s = 2;
	io->curl.connect_timeout_s = 1;
	io->curl.ca_file = a->curl.ca_file;
	io->curl.debug = o->debug ? stderr : NULL;
	io->metadata.send = http_curl_send;
	io->metadata.ctx = &io->curl;
	memset(&co, 0, sizeof(co));
	co.env = env_lookup;
	co.clock = now;
	co.http = &a->sts_http;
	co.metadata = &io->metadata;
	co.runner = &runner;
	co.profile = o->profile;
	co.owned = io;
	co.owned_free = creds_io_free;
	if ((a->r53.creds_provider = aws_chain_open(&co, &err)) == NULL) {
		cli_error("%s", err.msg);
		return -1;
	}
	if (o->debug) {
		fprintf(stderr, "debug: credentials from %s",
		    a->r53.creds_provider->source);
		if (a->r53.creds_provider->expiration != 0) {
			aws_time_format(a->r53.creds_provider->expiration,
			    when);
			fprintf(stderr, ", until %s", when);
		}
		fputc('\n', stderr);
	}
	return 0;
}

/*
 * The region as the credentials chain reads it (AWS_REGION,
 * AWS_DEFAULT_REGION, the selected profile's region), malloc'd into
 * *region, or NULL when none is set; -1 after printing.
 */
int
cli_aws_endpoint(const struct cli_global *o, enum aws_service service,
    const char *region, struct aws_endpoint *ep)
{
	struct err	 err;

	err_clear(&err);
	if (aws_endpoint_resolve(service, region, o->endpoint_url, env_lookup,
	    NULL, ep, &err) == -1 ||
	    http_endpoint_check(ep->url, o->allow_insecure, &err) == -1) {
		cli_error("%s", err.msg);
		aws_endpoint_release(ep);
		return -1;
	}
	return 0;
}

static int
find_region(const struct cli_global *o, char **region)
{
	struct aws_chain_opts	 co;
	struct err		 err;

	memset(&co, 0, sizeof(co));
	co.env = env_lookup;
	co.clock = now;
	co.profile = o->profile;
	err_clear(&err);
	if (aws_chain_region(&co, region, &err) == -1) {
		cli_error("%s", err.msg);
		return -1;
	}
	return 0;
}

const struct aws_partition *
cli_aws_partition(const struct cli_global *o)
{
	const struct aws_partition	*pt;
	char				*region;

	if (find_region(o, &region) == -1)
		return NULL;
	pt = aws_partition_of(region);
	free(region);
	return pt;
}

int
cli_aws_open(const struct cli_global *o, struct cli_aws *a)
{
	memset(a, 0, sizeof(*a));
	if (find_region(o, &a->region) == -1)
		return -1;
	a->partition = aws_partition_of(a->region);
	if (open_transport(o, a) == -1) {
		free(a->region);
		a->region = NULL;
		return -1;
	}
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
	aws_creds_provider_free(a->r53.creds_provider);
	free(a->endpoint);
	free(a->region);
	free(a->http.ctx);	/* the struct paced */
	free(a->sts_http.ctx);
	http_curl_global_cleanup();
	memset(a, 0, sizeof(*a));
}


int
cli_aws_open_account(const struct cli_global *o, struct cli_aws *base,
    const struct cfg_account *acct, struct cli_aws *a)
{
	struct cli_global	 g;
	struct aws_role_opts	 ro;
	struct err		 err;
	char			 when[21];

	if (acct->profile != NULL) {
		g = *o;
		g.profile = acct->profile;
		if (cli_aws_open(&g, a) == -1) {
			cli_error("account '%s' (profile '%s') cannot be "
			    "reached", acct->name, acct->profile);
			return -1;
		}
		a->account = acct->name;
		return 0;
	}
	memset(a, 0, sizeof(*a));
	if (base->endpoint == NULL && cli_aws_open(o, base) == -1)
		return -1;
	a->region = base->region != NULL ? xstrdup(base->region) : NULL;
	a->partition = base->partition;
	a->account = acct->name;
	if (open_transport(o, a) == -1) {
		free(a->region);
		a->region = NULL;
		return -1;
	}
	memset(&ro, 0, sizeof(ro));
	ro.account = acct->name;
	ro.role_arn = acct->role_arn;
	ro.external_id = acct->external_id;
	ro.session_name = acct->session_name;
	ro.duration_s = acct->duration;
	ro.base = base->r53.creds_provider;
	/* The chain's STS client, sending through this account's own
	 * transport: the account's thread refreshes the role. */
	if ((ro.sts = aws_chain_sts(base->r53.creds_provider)) != NULL) {
		a->role_sts = *ro.sts;
		a->role_sts.http = &a->sts_http;
		ro.sts = &a->role_sts;
	}
	err_clear(&err);
	if (ro.sts == NULL)
		err_set(&err, "account '%s': no STS client to assume role "
		    "'%s' with", acct->name, acct->role_arn);
	else
		a->r53.creds_provider = aws_creds_role_open(&ro, now(), &err);
	if (a->r53.creds_provider == NULL) {
		cli_error("%s", err.msg);
		cli_aws_close(a);
		return -1;
	}
	if (o->debug) {
		aws_time_format(a->r53.creds_provider->expiration, when);
		fprintf(stderr, "debug: account %s: credentials from %s, "
		    "until %s\n", acct->name, a->r53.creds_provider->source,
		    when);
	}
	return 0;
}

void
cli_accounts_init(struct cli_accounts *ac, struct cli_aws *def,
    const struct cfg *cfg)
{
	memset(ac, 0, sizeof(*ac));
	ac->def = def;
	ac->cfg = cfg;
	ac->n = cfg != NULL ? cfg->naccounts : 0;
	if (ac->n > 0)
		ac->v = xcalloc(ac->n, sizeof(*ac->v));
}

struct cli_aws *
cli_accounts_get(const struct cli_global *o, struct cli_accounts *ac,
    const char *name)
{
	size_t	 i;

	if (name == NULL) {
		if (ac->def->endpoint == NULL && cli_aws_open(o, ac->def) == -1)
			return NULL;
		return ac->def;
	}
	for (i = 0; i < ac->n; i++)
		if (strcmp(ac->cfg->accounts[i].name, name) == 0)
			break;
	if (i == ac->n) {
		cli_error("account '%s' is not under accounts: in '%s'", name,
		    o->config);
		return NULL;
	}
	if (ac->v[i].endpoint == NULL && cli_aws_open_account(o, ac->def,
	    &ac->cfg->accounts[i], &ac->v[i]) == -1)
		return NULL;
	return &ac->v[i];
}

void
cli_accounts_close(struct cli_accounts *ac)
{
	size_t	 i;

	for (i = 0; i < ac->n; i++)
		cli_aws_close(&ac->v[i]);
	free(ac->v);
	memset(ac, 0, sizeof(*ac));
}
