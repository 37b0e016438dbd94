/*
 * retry.c - the AWS SDKs' standard retry mode (which errors, how long to
 * wait, the retry quota, what is never sent twice) and the token bucket
 * that paces every attempt, wrapped around a transport.  Also the SigV4
 * canonical request as --debug shows it.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/interrupt.h"
#include "mailauth/retry.h"
#include "mailauth/sigv4.h"

#define CODE_MAX	128
#define SIGV4_SCHEME	"AWS4-HMAC-SHA256 "

/* ---- classification ---- */

int
aws_retry_code_is_throttle(const char *code)
{
	static const char *const codes[] = {
		"Throttling", "ThrottlingException", "ThrottledException",
		"RequestThrottledException", "TooManyRequestsException",
		"ProvisionedThroughputExceededException",
		"TransactionInProgressException", "RequestLimitExceeded",
		"BandwidthLimitExceeded", "LimitExceededException",
		"RequestThrottled", "SlowDown", "PriorRequestNotComplete",
		"EC2ThrottledException"
	};
	size_t	 i;

	if (code == NULL)
		return 0;
	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return 1;
	return 0;
}

enum aws_retry_kind
aws_retry_classify(long status, const char *code, enum http_failure failure)
{
	switch (failure) {
	case HTTP_FAILURE_CONNECT:
		return AWS_RETRY_UNSENT;
	case HTTP_FAILURE_LOST:
	case HTTP_FAILURE_TIMEOUT:
		return AWS_RETRY_TRANSIENT;
	case HTTP_FAILURE_NONE:
		break;
	}
	if (status >= 200 && status <= 399)
		return AWS_RETRY_NONE;
	if (aws_retry_code_is_throttle(code) || status == 429)
		return AWS_RETRY_THROTTLED;
	if (code != NULL && (strcmp(code, "RequestTimeout") == 0 ||
	    strcmp(code, "RequestTimeoutException") == 0))
		return AWS_RETRY_TRANSIENT;
	if (status == 500 || status == 502 || status == 503 || status == 504)
		return AWS_RETRY_TRANSIENT;
	return AWS_RETRY_NONE;
}

static int
idempotent(const struct http_request *req)
{
	return req->idempotent || strcmp(req->method, "GET") == 0 ||
	    strcmp(req->method, "HEAD") == 0;
}

int
aws_retry_safe(enum aws_retry_kind kind, const struct http_request *req)
{
	switch (kind) {
	case AWS_RETRY_THROTTLED:
	case AWS_RETRY_UNSENT:
		return 1;
	case AWS_RETRY_TRANSIENT:
		return idempotent(req);
	case AWS_RETRY_NONE:
		break;
	}
	return 0;
}

unsigned long
aws_retry_backoff_ms(enum aws_retry_kind kind, unsigned int retry, double r)
{
	double	 base, cap = AWS_RETRY_BACKOFF_MAX_MS;

	base = kind == AWS_RETRY_THROTTLED ? AWS_RETRY_BASE_THROTTLE_MS :
	    AWS_RETRY_BASE_TRANSIENT_MS;
	if (retry < 1)
		retry = 1;
	/* 2^15 times either base is past the cap already. */
	if (retry <= 16)
		base *= (double)(1u << (retry - 1));
	else
		base = cap;
	if (base > cap)
		base = cap;
	if (!(r >= 0))
		r = 0;
	if (r >= 1)
		r = 1;
	return (unsigned long)(r * base);
}

unsigned long
aws_retry_after_ms(unsigned long backoff, const char *value)
{
	unsigned long	 v;
	char		*end;

	if (value == NULL || *value < '0' || *value > '9')
		return backoff;
	v = strtoul(value, &end, 10);
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end != '\0')
		return backoff;
	if (v < backoff)
		return backoff;
	if (v > backoff + AWS_RETRY_AFTER_EXTRA_MS)
		return backoff + AWS_RETRY_AFTER_EXTRA_MS;
	return v;
}

/* ---- the token bucket ---- */

void
aws_pacer_init(struct aws_pacer *p, double max_rate, double now)
{
	memset(p, 0, sizeof(*p));
	p->max_rate = max_rate > 0 ? max_rate : AWS_PACER_RATE_DEFAULT;
	p->burst = p->max_rate * AWS_PACER_BURST_S;
	if (p->burst < 1)
		p->burst = 1;
	p->tokens = p->burst;
	p->last = now;
}

static double
slope(const struct aws_pacer *p)
{
	return p->max_rate / AWS_PACER_RECOVERY_S;
}

/* When a recovering rate is back at max_rate. */
static double
recovered_at(const struct aws_pacer *p)
{
	return p->throttled_at + (p->max_rate - p->low_rate) / slope(p);
}

double
aws_pacer_rate(const struct aws_pacer *p, double now)
{
	double	 r;

	if (!p->throttled)
		return p->max_rate;
	if (now < p->throttled_at)
		now = p->throttled_at;
	r = p->low_rate + slope(p) * (now - p->throttled_at);
	return r < p->max_rate ? r : p->max_rate;
}

double
aws_pacer_capacity(const struct aws_pacer *p, double now)
{
	double	 r = aws_pacer_rate(p, now);

	if (!p->throttled || r >= p->max_rate)
		return p->burst;
	return r > 1 ? r : 1;
}

/* The tokens earned from a to b: the integral of the rate. */
static double
earned(const struct aws_pacer *p, double a, double b)
{
	double	 full, mid, sum = 0;

	if (b <= a)
		return 0;
	if (!p->throttled)
		return p->max_rate * (b - a);
	full = recovered_at(p);
	mid = b < full ? b : full;
	if (mid > a)
		sum += (aws_pacer_rate(p, a) + aws_pacer_rate(p, mid)) / 2 *
		    (mid - a);
	if (b > full)
		sum += p->max_rate * (b - (a > full ? a : full));
	return sum;
}

static void
refill(struct aws_pacer *p, double now)
{
	double	 cap;

	if (now <= p->last)
		return;
	p->tokens += earned(p, p->last, now);
	p->last = now;
	if (p->throttled && aws_pacer_rate(p, now) >= p->max_rate)
		p->throttled = 0;
	cap = aws_pacer_capacity(p, now);
	if (p->tokens > cap)
		p->tokens = cap;
}

double
aws_pacer_take(struct aws_pacer *p, double now)
{
	double	 wait = 0;

	refill(p, now);
	p->tokens -= 1;
	if (p->tokens < 0)
		wait = -p->tokens / aws_pacer_rate(p, now);
	if (p->nsent == AWS_PACER_WINDOW) {
		memmove(p->sent, p->sent + 1, sizeof(p->sent[0]) *
		    (AWS_PACER_WINDOW - 1));
		p->nsent--;
	}
	p->sent[p->nsent++] = now + wait;
	return wait;
}

/* Requests a second over the recent attempts; HUGE_VAL when unknown. */
static double
measured_rate(const struct aws_pacer *p)
{
	double	 span;

	if (p->nsent < 2)
		return HUGE_VAL;
	span = p->sent[p->nsent - 1] - p->sent[0];
	if (span <= 0)
		return HUGE_VAL;
	return (double)(p->nsent - 1) / span;
}

void
aws_pacer_throttled(struct aws_pacer *p, double now)
{
	double	 r, m, floor, cap;

	refill(p, now);
	r = aws_pacer_rate(p, now);
	m = measured_rate(p);
	floor = AWS_PACER_MIN_RATE < p->max_rate ? AWS_PACER_MIN_RATE :
	    p->max_rate;
	r = (m < r ? m : r) / 2;
	p->low_rate = r > floor ? r : floor;
	p->throttled_at = now;
	p->throttled = p->low_rate < p->max_rate;
	cap = aws_pacer_capacity(p, now);
	if (p->tokens > cap)
		p->tokens = cap;
}

/* ---- the canonical request, for --debug ---- */

/* The service of a SigV4 Authorization header's credential scope. */
static int
scope_service(const char *auth, char *out, size_t size)
{
	const char	*p, *end;
	size_t		 n;

	if ((p = strstr(auth, "/aws4_request")) == NULL)
		return -1;
	for (end = p; p > auth && p[-1] != '/'; p--)
		;
	n = (size_t)(end - p);
	if (n == 0 || n >= size)
		return -1;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* Appends one line of a canonical request with secrets redacted:
 * line 3 is the query, lines from 4 up to the blank one are headers. */
static void
add_line(struct buf *out, const char *line, size_t n, int lineno,
    int in_headers)
{
	const char	*colon;
	char		*name;

	if (lineno == 3) {
		char	*q = xstrndup(line, n);

		http_query_log(q, out);
		free(q);
		return;
	}
	if (in_headers && (colon = memchr(line, ':', n)) != NULL) {
		name = xstrndup(line, (size_t)(colon - line));
		if (http_header_is_secret(name)) {
			buf_add(out, line, (size_t)(colon + 1 - line));
			buf_adds(out, "<redacted>");
			free(name);
			return;
		}
		free(name);
	}
	buf_add(out, line, n);
}

int
aws_canonical_request_log(const struct http_request *req, struct buf *out)
{
	struct sigv4_input	 in;
	struct buf		 creq = BUF_INIT, names = BUF_INIT;
	struct http_url		 u;
	const char		*auth, *p, *nl, *hash;
	char			 service[64], payload[65];
	int			 lineno, in_headers = 0, rc = -1;

	auth = http_request_header_get(req, "Authorization");
	if (auth == NULL || strncmp(auth, SIGV4_SCHEME,
	    strlen(SIGV4_SCHEME)) != 0 ||
	    scope_service(auth, service, sizeof(service)) == -1)
		return -1;
	if (http_url_parse(req->url, &u) != HTTP_URL_OK)
		return -1;
	if ((hash = http_request_header_get(req, "X-Amz-Content-Sha256")) ==
	    NULL) {
		if (sigv4_sha256_hex(req->body, req->body != NULL ?
		    req->body_len : 0, payload) == -1)
			goto out;
		hash = payload;
	}
	memset(&in, 0, sizeof(in));
	in.method = req->method;
	in.path = u.path;
	in.query = u.query != NULL ? u.query : "";
	in.headers = req->headers;
	in.nheaders = req->nheaders;
	in.payload_hash = hash;
	in.normalize_path = strcmp(service, "s3") != 0;
	if (sigv4_canonical_request(&in, &creq, &names, NULL) == -1)
		goto out;
	for (p = buf_str(&creq), lineno = 1; ; p = nl + 1, lineno++) {
		nl = strchr(p, '\n');
		if (lineno == 4)
			in_headers = 1;
		if (in_headers && (nl == p || *p == '\0'))
			in_headers = 0;
		add_line(out, p, nl != NULL ? (size_t)(nl - p) : strlen(p),
		    lineno, in_headers);
		if (nl == NULL)
			break;
		buf_addc(out, '\n');
	}
	rc = 0;
out:
	if (creq.data != NULL)
		OPENSSL_cleanse(creq.data, creq.len);
	buf_release(&creq);
	buf_release(&names);
	http_url_release(&u);
	return rc;
}

/* ---- the retrying transport ---- */

static void
debugf(const struct aws_retry *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
debugf(const struct aws_retry *r, const char *fmt, ...)
{
	va_list	 ap;

	if (r->debug == NULL)
		return;
	fputs("debug: ", r->debug);
	va_start(ap, fmt);
	vfprintf(r->debug, fmt, ap);
	va_end(ap);
	fputc('\n', r->debug);
}

static void
log_canonical(const struct aws_retry *r, const char *op,
    const struct http_request *req)
{
	struct buf	 b = BUF_INIT;
	const char	*p, *nl;

	if (r->debug == NULL || aws_canonical_request_log(req, &b) == -1)
		goto out;
	debugf(r, "%s: canonical request (SigV4):", op);
	for (p = buf_str(&b); ; p = nl + 1) {
		nl = strchr(p, '\n');
		debugf(r, "| %.*s", (int)(nl != NULL ? (size_t)(nl - p) :
		    strlen(p)), p);
		if (nl == NULL)
			break;
	}
out:
	buf_release(&b);
}

/* The AWS error code of a response that is not 2xx, "" when none. */
static void
error_code(const struct http_request *req, const struct http_response *resp,
    char *code, size_t size)
{
	const char	*h;
	size_t		 n;

	code[0] = '\0';
	if (resp->status >= 200 && resp->status <= 299)
		return;
	if (req->error_code != NULL &&
	    req->error_code(resp, code, size) == 0)
		return;
	code[0] = '\0';
	/* The JSON protocols' "Code:namespace..." form. */
	if ((h = http_response_header_get(resp, "x-amzn-ErrorType")) != NULL) {
		n = strcspn(h, ":");
		if (n < size) {
			memcpy(code, h, n);
			code[n] = '\0';
		}
	}
}

/* Appends s keeping only what may stand in a one-line message. */
static void
add_code(struct buf *b, const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i < 64; i++)
		buf_addc(b, (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' &&
		    s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '.' || s[i] == '_' || s[i] == '-' ? s[i] : '?');
}

static void
reason(int rc, const struct http_response *resp, const char *code,
    struct buf *b)
{
	if (rc == -1) {
		switch (resp->failure) {
		case HTTP_FAILURE_CONNECT:
			buf_adds(b, "connection failed");
			break;
		case HTTP_FAILURE_TIMEOUT:
			buf_adds(b, "timed out");
			break;
		case HTTP_FAILURE_LOST:
			buf_adds(b, "connection lost");
			break;
		case HTTP_FAILURE_NONE:
			buf_adds(b, "failed");
			break;
		}
		return;
	}
	if (*code != '\0') {
		add_code(b, code);
		buf_addf(b, " (HTTP %ld)", resp->status);
	} else
		buf_addf(b, "HTTP %ld", resp->status);
}

/* The request's name in messages: its op, or its method and host. */
static void
op_name(const struct http_request *req, struct buf *b)
{
	struct http_url	 u;

	if (req->op != NULL) {
		buf_adds(b, req->op);
		return;
	}
	buf_adds(b, req->method);
	/* aws_retry_send() refused a URL that cannot be read first. */
	if (http_url_parse(req->url, &u) != HTTP_URL_OK)
		return;
	buf_addf(b, " %s", u.host);
	if (u.port != 0)
		buf_addf(b, ":%ld", u.port);
	http_url_release(&u);
}

/* Waits for the pacer's token, if there is a pacer. */
static void
pace(struct aws_retry *r, const char *op)
{
	double	 wait;

	if (r->pacer == NULL)
		return;
	wait = aws_pacer_take(r->pacer, r->now(r->ctx));
	if (wait <= 0)
		return;
	debugf(r, "%s: waiting %.3f s for the request rate (%.2f/s)", op,
	    wait, aws_pacer_rate(r->pacer, r->now(r->ctx)));
	r->sleep_ms(r->ctx, (unsigned long)ceil(wait * 1000));
}

/* Releases the copy made for retries, wiping what may be secret in it:
 * header values (tokens, signatures) and the body (an STS form may hold a
 * web-identity token). */
static void
release_copy(struct http_request *req)
{
	size_t	 i;

	for (i = 0; i < req->nheaders; i++)
		OPENSSL_cleanse(req->headers[i].value,
		    strlen(req->headers[i].value));
	if (req->body != NULL)
		OPENSSL_cleanse(req->body, req->body_len);
	http_request_release(req);
}

void
aws_retry_init(struct aws_retry *r, const struct http_transport *next)
{
	memset(r, 0, sizeof(*r));
	r->next = next;
	r->quota = AWS_RETRY_QUOTA;
}

int
aws_retry_send(void *ctx, const struct http_request *req0,
    struct http_response *resp, struct err *err)
{
	struct aws_retry		*r = ctx;
	const struct http_request	*req = req0;
	struct http_request		 copy;
	struct aws_retry_event		 ev;
	struct buf			 op = BUF_INIT, why = BUF_INIT;
	enum aws_retry_kind		 kind;
	char				 code[CODE_MAX];
	unsigned int			 max, attempt, cost = 0;
	unsigned long			 delay;
	int				 copied = 0, rc;

	max = r->max_attempts > 0 ? r->max_attempts :
	    AWS_RETRY_ATTEMPTS_DEFAULT;
	if (http_endpoint_check(req0->url, r->allow_insecure, err) == -1) {
		http_response_init(resp);
		return -1;
	}
	op_name(req0, &op);
	for (attempt = 1; ; attempt++) {
		pace(r, buf_str(&op));
		if (attempt > 1 && req0->sign != NULL) {
			if (!copied) {
				http_request_copy(&copy, req0);
				copied = 1;
				req = &copy;
			}
			if (req0->sign(req0->sign_arg, &copy, err) == -1) {
				http_response_init(resp);
				rc = -1;
				break;
			}
		}
		log_canonical(r, buf_str(&op), req);
		rc = r->next->send(r->next->ctx, req, resp, err);
		if (rc == 0)
			error_code(req, resp, code, sizeof(code));
		else
			code[0] = '\0';
		kind = aws_retry_classify(rc == 0 ? resp->status : 0, code,
		    rc == 0 ? HTTP_FAILURE_NONE : resp->failure);
		if (kind == AWS_RETRY_THROTTLED && r->pacer != NULL) {
			aws_pacer_throttled(r->pacer, r->now(r->ctx));
			debugf(r, "%s: throttled; at most %.2f requests a "
			    "second for now", buf_str(&op),
			    aws_pacer_rate(r->pacer, r->now(r->ctx)));
		}
		if (kind == AWS_RETRY_NONE) {
			if (rc == 0 && resp->status >= 200 &&
			    resp->status <= 299) {
				r->quota += cost > 0 ? cost : 1;
				if (r->quota > AWS_RETRY_QUOTA)
					r->quota = AWS_RETRY_QUOTA;
			}
			break;
		}
		buf_reset(&why);
		reason(rc, resp, code, &why);
		if (!aws_retry_safe(kind, req)) {
			debugf(r, "%s: %s; not sent again: it may have been "
			    "processed", buf_str(&op), buf_str(&why));
			break;
		}
		/* Interrupted (mailauth/interrupt.h): the run is stopping and
		 * starts nothing new; the last outcome stands. */
		if (interrupt_requested()) {
			debugf(r, "%s: %s; not retried: interrupted",
			    buf_str(&op), buf_str(&why));
			break;
		}
		if (attempt >= max) {
			debugf(r, "%s: %s; giving up after %u attempts",
			    buf_str(&op), buf_str(&why), attempt);
			break;
		}
		cost = kind == AWS_RETRY_THROTTLED ? AWS_RETRY_COST_THROTTLE :
		    AWS_RETRY_COST_TRANSIENT;
		if (r->quota < cost) {
			debugf(r, "%s: %s; not retried: the retry quota is "
			    "spent (too many failures in this run)",
			    buf_str(&op), buf_str(&why));
			break;
		}
		r->quota -= cost;
		delay = aws_retry_backoff_ms(kind, attempt, r->random(r->ctx));
		if (rc == 0)
			delay = aws_retry_after_ms(delay,
			    http_response_header_get(resp,
			    "x-amz-retry-after"));
		memset(&ev, 0, sizeof(ev));
		ev.op = buf_str(&op);
		ev.reason = buf_str(&why);
		ev.attempt = attempt + 1;
		ev.max_attempts = max;
		ev.delay_ms = delay;
		if (r->on_retry != NULL)
			r->on_retry(r->ctx, &ev);
		r->sleep_ms(r->ctx, delay);
		if (interrupt_requested()) {
			debugf(r, "%s: %s; not retried: interrupted during "
			    "the delay", buf_str(&op), buf_str(&why));
			break;
		}
		http_response_release(resp);
	}
	if (copied)
		release_copy(&copy);
	buf_release(&op);
	buf_release(&why);
	return rc;
}
