/*
 * retry.h - the AWS SDKs' standard retry mode and a client-side token
 * bucket, as a struct http_transport wrapped around another one.
 *
 * One struct aws_retry serves a whole run: its retry quota and its pacer
 * (the token bucket) are shared by every request sent through it.  It has
 * no lock: one thread sends through it at a time (each account of plan and
 * apply has its own, and its own for STS).  A
 * caller sends through it as through any transport and describes the
 * request with the hooks of struct http_request:
 *
 *	http_request_init(&req, "POST", url);
 *	req.op = xstrdup("STS AssumeRole");	names it in retry messages
 *	req.idempotent = 1;			safe to repeat
 *	req.sign = my_sign;			re-signs before each retry
 *	req.sign_arg = my_ctx;
 *	req.error_code = my_error_code;		Code of an error body
 *	sign the first attempt, then
 *	rc = retry_transport->send(retry_transport->ctx, &req, &resp, &err);
 *
 * and gets back what the last attempt got: 0 and a response (2xx, or an
 * error response that was not retried or whose attempts ran out), or -1
 * with err filled and resp->failure telling why no response arrived.
 *
 * Nothing here reads the clock, sleeps or draws random numbers by itself:
 * the caller passes functions for each, so tests are exact.  Retries are
 * told to the caller's on_retry; debug lines go to the FILE it gives.
 */
#ifndef MAILAUTH_RETRY_H
#define MAILAUTH_RETRY_H

#include <stddef.h>

#include "mailauth/http.h"

struct buf;
struct err;

/* Standard retry mode, as the AWS SDKs have it since 2026. */
#define AWS_RETRY_ATTEMPTS_DEFAULT	5	/* AWS_MAX_ATTEMPTS unset */
#define AWS_RETRY_ATTEMPTS_MAX		100	/* AWS_MAX_ATTEMPTS at most */
#define AWS_RETRY_BACKOFF_MAX_MS	20000	/* before jitter */
#define AWS_RETRY_BASE_THROTTLE_MS	1000
#define AWS_RETRY_BASE_TRANSIENT_MS	50
#define AWS_RETRY_AFTER_EXTRA_MS	5000	/* x-amz-retry-after adds */
#define AWS_RETRY_QUOTA			500
#define AWS_RETRY_COST_THROTTLE		5
#define AWS_RETRY_COST_TRANSIENT	14

/* What an attempt's outcome means for another one. */
enum aws_retry_kind {
	AWS_RETRY_NONE,		/* success, or an error that trying again
				 * cannot cure (AccessDenied, any other 4xx,
				 * TLS verification) */
	AWS_RETRY_THROTTLED,	/* refused for the request rate (Throttling,
				 * PriorRequestNotComplete, HTTP 429, ...):
				 * not processed, safe to send again */
	AWS_RETRY_UNSENT,	/* no connection: nothing was sent */
	AWS_RETRY_TRANSIENT	/* HTTP 500/502/503/504, RequestTimeout, a
				 * timeout or a connection lost after
				 * sending: it may have been processed */
};

/*
 * Whether code is one of the SDKs' throttling error codes: Throttling,
 * ThrottlingException, ThrottledException, RequestThrottledException,
 * TooManyRequestsException, ProvisionedThroughputExceededException,
 * TransactionInProgressException, RequestLimitExceeded,
 * BandwidthLimitExceeded, LimitExceededException, RequestThrottled,
 * SlowDown, PriorRequestNotComplete, EC2ThrottledException.
 */
int	aws_retry_code_is_throttle(const char *code);
/*
 * The kind of an attempt's outcome: failure when no response arrived
 * (HTTP_FAILURE_CONNECT is UNSENT, LOST and TIMEOUT are TRANSIENT, NONE is
 * NONE), else by status and AWS error code (code may be NULL or ""): a
 * throttling code or HTTP 429 is THROTTLED whatever the status;
 * RequestTimeout, RequestTimeoutException and HTTP 500, 502, 503, 504 are
 * TRANSIENT; anything else is NONE.
 */
enum aws_retry_kind aws_retry_classify(long status, const char *code,
	    enum http_failure failure);
/*
 * Whether req may be sent again after an outcome of that kind: always
 * after THROTTLED and UNSENT; after TRANSIENT only when it is idempotent
 * (GET, HEAD, or req->idempotent), because a request that changes state
 * (a ChangeResourceRecordSets) may already have been applied; never after
 * NONE.
 */
int	aws_retry_safe(enum aws_retry_kind, const struct http_request *req);
/*
 * The delay before retry number retry (1 before the second attempt):
 * "full jitter", r * min(base * 2^(retry - 1), AWS_RETRY_BACKOFF_MAX_MS)
 * with base AWS_RETRY_BASE_THROTTLE_MS for THROTTLED and
 * AWS_RETRY_BASE_TRANSIENT_MS otherwise; r is uniform in [0, 1).
 */
unsigned long aws_retry_backoff_ms(enum aws_retry_kind, unsigned int retry,
	    double r);
/*
 * The delay once a response's x-amz-retry-after header (value, a number
 * of milliseconds, may be NULL) is heeded: that number, but no less than
 * backoff_ms and no more than backoff_ms + AWS_RETRY_AFTER_EXTRA_MS;
 * backoff_ms when the header is absent or not a number.
 */
unsigned long aws_retry_after_ms(unsigned long backoff_ms,
	    const char *value);

/*
 * The token bucket: every attempt, retries included, takes a token; when
 * none is left the attempt waits until one has been earned.
 *
 * The bucket earns rate tokens a second and holds at most capacity.
 * Unthrottled, rate is max_rate and capacity is burst.  A throttling
 * answer cuts rate to half of the lower of the current rate and the rate
 * actually sent over the last AWS_PACER_WINDOW requests (no lower than
 * AWS_PACER_MIN_RATE, or max_rate if that is lower), and capacity to one
 * second of that rate (at least 1 token), so no burst follows.  The rate
 * then grows back linearly, by max_rate / AWS_PACER_RECOVERY_S a second,
 * with capacity following it, until it is max_rate again and capacity
 * burst.  Another throttle meanwhile cuts it again from where it is.
 * This is the SDKs' adaptive mode in spirit (cut on throttles, measured
 * send rate, gradual recovery) with a linear instead of a cubic recovery.
 */
/* Half of Route 53's 10/s since July 2026, its whole rate before: room
 * for the other tools of the account (docs/network.md#pacing). */
#define AWS_PACER_RATE_DEFAULT	5.0
/* The burst: one second of the rate.  A deeper bucket saves a fleet run
 * a few seconds at most and spends the account's shared burst on them. */
#define AWS_PACER_BURST_S	1.0
#define AWS_PACER_MIN_RATE	0.5
#define AWS_PACER_RECOVERY_S	10.0
#define AWS_PACER_WINDOW	8

struct aws_pacer {
	double	 max_rate;	/* requests a second */
	double	 burst;		/* tokens */
	double	 tokens;	/* negative: attempts already promised a
				 * slot that is still to come */
	double	 last;		/* when tokens was last updated */
	int	 throttled;	/* recovering from a throttle */
	double	 low_rate;	/* the rate right after it */
	double	 throttled_at;
	double	 sent[AWS_PACER_WINDOW];	/* when attempts went */
	size_t	 nsent;
};

/* A full bucket at now (seconds on a monotonic clock); max_rate 0 is
 * AWS_PACER_RATE_DEFAULT; burst is AWS_PACER_BURST_S seconds of it, at
 * least 1. */
void	aws_pacer_init(struct aws_pacer *, double max_rate, double now);
/* The rate and the capacity at now. */
double	aws_pacer_rate(const struct aws_pacer *, double now);
double	aws_pacer_capacity(const struct aws_pacer *, double now);
/* Takes a token for an attempt made at now; returns how many seconds
 * the attempt must wait first (0 when a token was there). */
double	aws_pacer_take(struct aws_pacer *, double now);
/* A throttling answer arrived at now. */
void	aws_pacer_throttled(struct aws_pacer *, double now);

/* One retry, as announced to the caller's on_retry before the delay. */
struct aws_retry_event {
	const char	*op;		/* req->op, or "METHOD HOST" */
	/* "Throttling (HTTP 400)", "HTTP 503", "timed out", "connection
	 * lost", "connection failed" */
	const char	*reason;
	unsigned int	 attempt;	/* the one about to be made: 2.. */
	unsigned int	 max_attempts;
	unsigned long	 delay_ms;
};

struct aws_retry {
	const struct http_transport *next;	/* sends each attempt */
	unsigned int	 max_attempts;	/* 0: the default */
	struct aws_pacer *pacer;	/* NULL: attempts are not paced */
	/* Required: seconds on a monotonic clock; sleeping; a uniform
	 * random number in [0, 1). */
	double		(*now)(void *ctx);
	void		(*sleep_ms)(void *ctx, unsigned long ms);
	double		(*random)(void *ctx);
	/* Optional: told of each retry before its delay, to announce it. */
	void		(*on_retry)(void *ctx,
			    const struct aws_retry_event *);
	void		*ctx;
	/* FILE *, or NULL: when set, each attempt's SigV4 canonical request
	 * (aws_canonical_request_log()), pacing waits and why an error was
	 * not retried are logged there, one "debug: " line each. */
	void		*debug;
	/* Send to plain http:// URLs that are not on a loopback address
	 * too (http_endpoint_check()); unset, such a request fails before
	 * it is sent.  Requests through this transport are signed. */
	int		 allow_insecure;
	unsigned int	 quota;		/* the retry quota left */
};

/* Zeroes r, sets next and fills the retry quota. */
void	aws_retry_init(struct aws_retry *,
	    const struct http_transport *next);
/*
 * The transport's send function (ctx: struct aws_retry *): sends req
 * through r->next, each attempt paced, up to max_attempts times while the
 * outcome is retryable (aws_retry_classify()), safe (aws_retry_safe()),
 * and the retry quota (AWS_RETRY_QUOTA, shared by the run) still holds
 * the retry's cost: AWS_RETRY_COST_THROTTLE after a throttle, else
 * AWS_RETRY_COST_TRANSIENT.  A success gives back the cost of the retry
 * that led to it, or 1 when there was none.  A request to an insecure
 * URL is refused first, as r->allow_insecure says, with resp->failure
 * HTTP_FAILURE_NONE.  Between attempts it waits
 * aws_retry_backoff_ms() (and x-amz-retry-after), having announced the
 * retry, and re-signs a copy of req with req->sign; req itself is never
 * changed.  When re-signing fails, that error is returned.  Once the run
 * is interrupted (interrupt_requested(), mailauth/interrupt.h) nothing is
 * retried: the outcome of the attempt made stands, whether the flag was
 * up before the retry or rose during its delay (r->sleep_ms is expected
 * to end early then, as interrupt_sleep_ms() does); a pacing wait cut
 * short that way lets its attempt go at once.
 */
int	aws_retry_send(void *ctx, const struct http_request *,
	    struct http_response *, struct err *);

/*
 * Appends the canonical request of a request signed with SigV4
 * (Authorization: AWS4-HMAC-SHA256 ...) as the signer computed it
 * (sigv4_canonical_request() on the signed request), for debugging a
 * signature mismatch, with the values of secret headers
 * (http_header_is_secret(): X-Amz-Security-Token, ...) and secret query
 * parameters (http_query_log()) replaced by "<redacted>".  -1 when the
 * request is not signed that way.
 */
int	aws_canonical_request_log(const struct http_request *,
	    struct buf *out);

#endif
