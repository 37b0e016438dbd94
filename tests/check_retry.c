/*
 * check_retry.c - the standard retry mode and the token bucket: which
 * outcomes are retried, which requests are never sent twice, how long each
 * wait is, the retry quota, pacing and its slowing down on throttles, and
 * the canonical request --debug shows.  Time, sleep and randomness are the
 * test's: every delay is exact.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/retry.h"
#include "mailauth/sigv4.h"
#include "testutil.h"

Suite	*retry_suite(void);

/* ---- classification, backoff ---- */

START_TEST(classify)
{
	static const struct {
		long			 status;
		const char		*code;
		enum http_failure	 failure;
		enum aws_retry_kind	 want;
	} t[] = {
		{ 200, NULL, HTTP_FAILURE_NONE, AWS_RETRY_NONE },
		{ 204, "", HTTP_FAILURE_NONE, AWS_RETRY_NONE },
		{ 301, NULL, HTTP_FAILURE_NONE, AWS_RETRY_NONE },
		{ 400, "Throttling", HTTP_FAILURE_NONE, AWS_RETRY_THROTTLED },
		{ 400, "ThrottlingException", HTTP_FAILURE_NONE,
		    AWS_RETRY_THROTTLED },
		{ 400, "PriorRequestNotComplete", HTTP_FAILURE_NONE,
		    AWS_RETRY_THROTTLED },
		{ 400, "RequestLimitExceeded", HTTP_FAILURE_NONE,
		    AWS_RETRY_THROTTLED },
		{ 503, "SlowDown", HTTP_FAILURE_NONE, AWS_RETRY_THROTTLED },
		{ 429, NULL, HTTP_FAILURE_NONE, AWS_RETRY_THROTTLED },
		{ 500, NULL, HTTP_FAILURE_NONE, AWS_RETRY_TRANSIENT },
		{ 502, "", HTTP_FAILURE_NONE, AWS_RETRY_TRANSIENT },
		{ 503, "ServiceUnavailable", HTTP_FAILURE_NONE,
		    AWS_RETRY_TRANSIENT },
		{ 504, NULL, HTTP_FAILURE_NONE, AWS_RETRY_TRANSIENT },
		{ 400, "RequestTimeout", HTTP_FAILURE_NONE,
		    AWS_RETRY_TRANSIENT },
		{ 501, NULL, HTTP_FAILURE_NONE, AWS_RETRY_NONE },
		{ 505, NULL, HTTP_FAILURE_NONE, AWS_RETRY_NONE },
		{ 400, "InvalidChangeBatch", HTTP_FAILURE_NONE,
		    AWS_RETRY_NONE },
		{ 403, "AccessDenied", HTTP_FAILURE_NONE, AWS_RETRY_NONE },
		{ 403, "SignatureDoesNotMatch", HTTP_FAILURE_NONE,
		    AWS_RETRY_NONE },
		{ 404, "NoSuchHostedZone", HTTP_FAILURE_NONE, AWS_RETRY_NONE },
		{ 400, "throttling", HTTP_FAILURE_NONE, AWS_RETRY_NONE },
		{ 400, NULL, HTTP_FAILURE_NONE, AWS_RETRY_NONE },
		{ 0, NULL, HTTP_FAILURE_CONNECT, AWS_RETRY_UNSENT },
		{ 0, NULL, HTTP_FAILURE_LOST, AWS_RETRY_TRANSIENT },
		{ 0, NULL, HTTP_FAILURE_TIMEOUT, AWS_RETRY_TRANSIENT },
		{ 0, NULL, HTTP_FAILURE_NONE, AWS_RETRY_NONE },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(aws_retry_classify(t[i].status, t[i].code,
		    t[i].failure) == t[i].want, "case %zu: %ld %s", i,
		    t[i].status, t[i].code != NULL ? t[i].code : "-");
}
END_TEST

START_TEST(safe)
{
	static const struct {
		enum aws_retry_kind	 kind;
		const char		*method;
		int			 idempotent;
		int			 want;
	} t[] = {
		{ AWS_RETRY_THROTTLED, "POST", 0, 1 },
		{ AWS_RETRY_UNSENT, "POST", 0, 1 },
		{ AWS_RETRY_TRANSIENT, "POST", 0, 0 },
		{ AWS_RETRY_TRANSIENT, "POST", 1, 1 },
		{ AWS_RETRY_TRANSIENT, "PUT", 0, 0 },
		{ AWS_RETRY_TRANSIENT, "DELETE", 0, 0 },
		{ AWS_RETRY_TRANSIENT, "GET", 0, 1 },
		{ AWS_RETRY_TRANSIENT, "HEAD", 0, 1 },
		{ AWS_RETRY_NONE, "GET", 1, 0 },
	};
	struct http_request	 req;
	size_t			 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		http_request_init(&req, t[i].method, "https://h/");
		req.idempotent = t[i].idempotent;
		ck_assert_msg(aws_retry_safe(t[i].kind, &req) == t[i].want,
		    "case %zu", i);
		http_request_release(&req);
	}
}
END_TEST

START_TEST(backoff)
{
	static const struct {
		enum aws_retry_kind	 kind;
		unsigned int		 retry;
		double			 r;
		unsigned long		 want;
	} t[] = {
		/* Throttles: 1 s doubling, capped at 20 s before jitter. */
		{ AWS_RETRY_THROTTLED, 1, 0.5, 500 },
		{ AWS_RETRY_THROTTLED, 2, 0.5, 1000 },
		{ AWS_RETRY_THROTTLED, 3, 0.25, 1000 },
		{ AWS_RETRY_THROTTLED, 5, 0.999, 15984 },
		{ AWS_RETRY_THROTTLED, 6, 0.999, 19980 },
		{ AWS_RETRY_THROTTLED, 40, 0.5, 10000 },
		{ AWS_RETRY_THROTTLED, 1, 0, 0 },
		/* Everything else: 50 ms doubling. */
		{ AWS_RETRY_TRANSIENT, 1, 0.5, 25 },
		{ AWS_RETRY_TRANSIENT, 4, 0.5, 200 },
		{ AWS_RETRY_UNSENT, 2, 1, 100 },
		{ AWS_RETRY_TRANSIENT, 10, 0.5, 10000 },
		{ AWS_RETRY_TRANSIENT, 11, 0.999, 19980 },
		{ AWS_RETRY_TRANSIENT, 1000, 0.5, 10000 },
		/* Out-of-range randomness is clamped. */
		{ AWS_RETRY_TRANSIENT, 1, -1, 0 },
		{ AWS_RETRY_TRANSIENT, 1, 7, 50 },
		{ AWS_RETRY_TRANSIENT, 0, 1, 50 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(aws_retry_backoff_ms(t[i].kind, t[i].retry,
		    t[i].r) == t[i].want, "case %zu: got %lu, want %lu", i,
		    aws_retry_backoff_ms(t[i].kind, t[i].retry, t[i].r),
		    t[i].want);
}
END_TEST

START_TEST(retry_after)
{
	ck_assert_uint_eq(aws_retry_after_ms(500, NULL), 500);
	ck_assert_uint_eq(aws_retry_after_ms(500, "3000"), 3000);
	ck_assert_uint_eq(aws_retry_after_ms(500, "100"), 500);
	ck_assert_uint_eq(aws_retry_after_ms(500, "60000"), 5500);
	ck_assert_uint_eq(aws_retry_after_ms(500, "1200 "), 1200);
	ck_assert_uint_eq(aws_retry_after_ms(500, "-1"), 500);
	ck_assert_uint_eq(aws_retry_after_ms(500, "1e3"), 500);
	ck_assert_uint_eq(aws_retry_after_ms(500, ""), 500);
	ck_assert_uint_eq(aws_retry_after_ms(500, "soon"), 500);
}
END_TEST

/* ---- the token bucket ---- */

static int
near(double a, double b)
{
	return fabs(a - b) < 1e-9;
}

START_TEST(pacer_burst_then_rate)
{
	struct aws_pacer	 p;
	int			 i;

	/* The default: 5 a second, a burst of one second's worth. */
	aws_pacer_init(&p, 0, 100);
	ck_assert(near(p.max_rate, 5));
	ck_assert(near(p.burst, 5));
	for (i = 0; i < 5; i++)
		ck_assert(near(aws_pacer_take(&p, 100), 0));
	/* The 6th waits for one token at 5/s, the 7th for two, the 8th
	 * for three. */
	ck_assert(near(aws_pacer_take(&p, 100), 0.2));
	ck_assert(near(aws_pacer_take(&p, 100), 0.4));
	ck_assert(near(aws_pacer_take(&p, 100), 0.6));
	/* Once those slots have passed, one more waits its own 0.2 s. */
	ck_assert(near(aws_pacer_take(&p, 100.6), 0.2));
	/* Idle for long: the bucket refills to 5, no more. */
	ck_assert(near(aws_pacer_take(&p, 1000), 0));
	ck_assert(near(p.tokens, 4));

	/* --max-rps 2: a burst of 2. */
	aws_pacer_init(&p, 2, 0);
	ck_assert(near(p.burst, 2));
	for (i = 0; i < 2; i++)
		ck_assert(near(aws_pacer_take(&p, 0), 0));
	ck_assert(near(aws_pacer_take(&p, 0), 0.5));
	ck_assert(near(aws_pacer_take(&p, 0), 1.0));

	/* --max-rps 0.1: a burst of one request (never less), then one per
	 * 10 s. */
	aws_pacer_init(&p, 0.1, 0);
	ck_assert(near(p.burst, 1));
	ck_assert(near(aws_pacer_take(&p, 0), 0));
	ck_assert(near(aws_pacer_take(&p, 0), 10));

	/* --max-rps 1000, the tests' against moto. */
	aws_pacer_init(&p, 1000, 0);
	ck_assert(near(p.burst, 1000));
}
END_TEST

/* 40 requests, each sent as soon as the bucket lets it: the first 5 at
 * once, then one every 0.2 s, the 40th 7 s after the start; a run of any
 * length never beats (n - 5) / 5 seconds. */
START_TEST(pacer_default_rate_over_a_run)
{
	struct aws_pacer	 p;
	double			 now = 50, want;
	int			 i;

	aws_pacer_init(&p, 0, now);
	for (i = 0; i < 40; i++) {
		now += aws_pacer_take(&p, now);
		want = 50 + (i < 5 ? 0 : (i - 4) * 0.2);
		ck_assert_msg(fabs(now - want) < 1e-6, "request %d at %.9f, "
		    "not %.9f", i + 1, now, want);
	}
	ck_assert(fabs(now - 57) < 1e-6);
}
END_TEST

START_TEST(pacer_throttle_and_recovery)
{
	struct aws_pacer	 p;
	int			 i;

	/* The default 5/s.  Nothing measured yet: half the bucket's rate,
	 * and no burst (capacity one second of 2.5/s). */
	aws_pacer_init(&p, 0, 0);
	aws_pacer_throttled(&p, 0);
	ck_assert(near(aws_pacer_rate(&p, 0), 2.5));
	ck_assert(near(aws_pacer_capacity(&p, 0), 2.5));
	ck_assert(near(p.tokens, 2.5));
	for (i = 0; i < 2; i++)
		ck_assert(near(aws_pacer_take(&p, 0), 0));
	/* Half a token left: the third waits for the other half at
	 * 2.5/s. */
	ck_assert(near(aws_pacer_take(&p, 0), 0.2));
	/* Back by 0.5/s (5 / 10 s): 3.5/s after 2 s, having earned the
	 * integral 2.5 * 2 + 1 = 6 tokens, less the half owed, but holding
	 * at most 3.5. */
	ck_assert(near(aws_pacer_rate(&p, 1), 3));
	ck_assert(near(aws_pacer_rate(&p, 2), 3.5));
	ck_assert(near(aws_pacer_capacity(&p, 2), 3.5));
	ck_assert(near(aws_pacer_take(&p, 2), 0));
	ck_assert(near(p.tokens, 2.5));
	ck_assert_int_eq(p.throttled, 1);
	/* 5/s and its burst of 5 again after 5 s, and then it stays. */
	ck_assert(near(aws_pacer_rate(&p, 4.999), 4.9995));
	ck_assert(near(aws_pacer_rate(&p, 5), 5));
	ck_assert(near(aws_pacer_capacity(&p, 5), 5));
	ck_assert(near(aws_pacer_take(&p, 20), 0));
	ck_assert_int_eq(p.throttled, 0);
	ck_assert(near(p.tokens, 4));
	for (i = 0; i < 4; i++)
		ck_assert(near(aws_pacer_take(&p, 20), 0));
	ck_assert(near(aws_pacer_take(&p, 20), 0.2));

	/* Throttles in a row halve it each time, down to 0.5/s. */
	aws_pacer_init(&p, 10, 0);
	for (i = 0; i < 10; i++)
		aws_pacer_throttled(&p, 0);
	ck_assert(near(aws_pacer_rate(&p, 0), AWS_PACER_MIN_RATE));
	ck_assert(near(aws_pacer_capacity(&p, 0), 1));
	/* A throttle while recovering cuts from where it is. */
	aws_pacer_throttled(&p, 4.5);	/* rate 5, cut to 2.5 */
	ck_assert(near(aws_pacer_rate(&p, 4.5), 2.5));

	/* A very low --max-rps is never cut below itself. */
	aws_pacer_init(&p, 0.1, 0);
	aws_pacer_throttled(&p, 0);
	ck_assert(near(aws_pacer_rate(&p, 0), 0.1));
}
END_TEST

START_TEST(pacer_measured_rate)
{
	struct aws_pacer	 p;
	int			 i;

	/* Sending at 2/s (the network is the bottleneck, not the bucket):
	 * halving the bucket's 10/s would not slow anything; halving what
	 * was sent does. */
	aws_pacer_init(&p, 10, 0);
	for (i = 0; i < 12; i++)
		ck_assert(near(aws_pacer_take(&p, i * 0.5), 0));
	aws_pacer_throttled(&p, 5.6);
	ck_assert(near(aws_pacer_rate(&p, 5.6), 1));
	ck_assert(near(aws_pacer_capacity(&p, 5.6), 1));
	ck_assert(near(aws_pacer_take(&p, 5.6), 0));
	ck_assert(near(aws_pacer_take(&p, 5.6), 1.0 / aws_pacer_rate(&p,
	    5.6)));
}
END_TEST

/* ---- the retrying transport, against a scripted one ---- */

struct step {
	long			 status;	/* 0: fail with failure */
	const char		*code;		/* X-Test-Code of the answer */
	enum http_failure	 failure;
	const char		*retry_after;
};

#define MAX_STEPS	16

struct fake {
	double			 now;
	double			 rnd;
	unsigned long		 slept[MAX_STEPS * 2];
	size_t			 nslept;
	struct aws_retry_event	 ev[MAX_STEPS];
	char			 reason[MAX_STEPS][64];
	size_t			 nev;
	struct step		 steps[MAX_STEPS];
	size_t			 nsteps, sent;
	char			 date[MAX_STEPS][32];	/* of each sent */
	int			 sign_fails;
};

static double
fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static void
fake_sleep(void *ctx, unsigned long ms)
{
	struct fake	*f = ctx;

	ck_assert_uint_lt(f->nslept, sizeof(f->slept) / sizeof(f->slept[0]));
	f->slept[f->nslept++] = ms;
	f->now += (double)ms / 1000;
}

static double
fake_random(void *ctx)
{
	return ((struct fake *)ctx)->rnd;
}

static void
fake_on_retry(void *ctx, const struct aws_retry_event *ev)
{
	struct fake	*f = ctx;

	ck_assert_uint_lt(f->nev, MAX_STEPS);
	f->ev[f->nev] = *ev;
	snprintf(f->reason[f->nev], sizeof(f->reason[0]), "%s", ev->reason);
	f->ev[f->nev].reason = f->reason[f->nev];
	f->ev[f->nev].op = NULL;
	f->nev++;
}

static int
fake_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct fake	*f = ctx;
	struct step	*s;
	const char	*d;

	http_response_init(resp);
	ck_assert_msg(f->sent < f->nsteps, "attempt %zu was not scripted",
	    f->sent + 1);
	d = http_request_header_get(req, "X-Amz-Date");
	snprintf(f->date[f->sent], sizeof(f->date[0]), "%s",
	    d != NULL ? d : "");
	s = &f->steps[f->sent++];
	if (s->status == 0) {
		resp->failure = s->failure;
		return err_set(err, "cannot reach '%s': scripted", req->url);
	}
	resp->status = s->status;
	if (s->code != NULL)
		http_response_header_add(resp, "X-Test-Code", s->code);
	if (s->retry_after != NULL)
		http_response_header_add(resp, "x-amz-retry-after",
		    s->retry_after);
	buf_adds(&resp->body, "<answer/>");
	return 0;
}

/* The request's error-code hook: the scripted code. */
static int
test_code(const struct http_response *resp, char *code, size_t size)
{
	const char	*c = http_response_header_get(resp, "X-Test-Code");

	if (c == NULL)
		return -1;
	snprintf(code, size, "%s", c);
	return 0;
}

/* The request's sign hook: a date from the fake clock. */
static int
test_sign(void *arg, struct http_request *req, struct err *err)
{
	struct fake	*f = arg;
	char		 d[32];

	if (f->sign_fails)
		return err_set(err, "cannot sign: scripted");
	snprintf(d, sizeof(d), "t=%.3f", f->now);
	http_request_header_set(req, "X-Amz-Date", d);
	return 0;
}

struct rig {
	struct fake		 f;
	struct http_transport	 next;
	struct aws_retry	 r;
	struct http_request	 req;
	struct http_response	 resp;
	struct err		 err;
};

static void
rig_init(struct rig *g, const char *method, const struct step *steps,
    size_t nsteps)
{
	memset(g, 0, sizeof(*g));
	g->f.now = 1000;
	g->f.rnd = 0.5;
	memcpy(g->f.steps, steps, nsteps * sizeof(*steps));
	g->f.nsteps = nsteps;
	g->next.send = fake_send;
	g->next.ctx = &g->f;
	aws_retry_init(&g->r, &g->next);
	g->r.now = fake_now;
	g->r.sleep_ms = fake_sleep;
	g->r.random = fake_random;
	g->r.on_retry = fake_on_retry;
	g->r.ctx = &g->f;
	http_request_init(&g->req, method, "https://route53.amazonaws.com/x");
	g->req.op = xstrdup("Route 53 Test");
	g->req.sign = test_sign;
	g->req.sign_arg = &g->f;
	g->req.error_code = test_code;
	test_sign(&g->f, &g->req, NULL);
	err_clear(&g->err);
}

static int
rig_send(struct rig *g)
{
	return aws_retry_send(&g->r, &g->req, &g->resp, &g->err);
}

static void
rig_release(struct rig *g)
{
	http_request_release(&g->req);
	http_response_release(&g->resp);
}

START_TEST(two_throttles_then_success)
{
	static const struct step s[] = {
		{ 400, "Throttling", 0, NULL },
		{ 400, "Throttling", 0, NULL },
		{ 200, NULL, 0, NULL },
	};
	struct rig	 g;

	rig_init(&g, "GET", s, 3);
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_int_eq(g.resp.status, 200);
	ck_assert_str_eq(buf_str(&g.resp.body), "<answer/>");
	ck_assert_uint_eq(g.f.sent, 3);
	/* Announced before each wait: attempt, limit, reason, delay. */
	ck_assert_uint_eq(g.f.nev, 2);
	ck_assert_uint_eq(g.f.ev[0].attempt, 2);
	ck_assert_uint_eq(g.f.ev[0].max_attempts, 5);
	ck_assert_str_eq(g.f.ev[0].reason, "Throttling (HTTP 400)");
	ck_assert_uint_eq(g.f.ev[0].delay_ms, 500);
	ck_assert_uint_eq(g.f.ev[1].attempt, 3);
	ck_assert_uint_eq(g.f.ev[1].delay_ms, 1000);
	ck_assert_uint_eq(g.f.nslept, 2);
	ck_assert_uint_eq(g.f.slept[0], 500);
	ck_assert_uint_eq(g.f.slept[1], 1000);
	/* Each retry was signed again, at its own time; the caller's
	 * request is untouched. */
	ck_assert_str_eq(g.f.date[0], "t=1000.000");
	ck_assert_str_eq(g.f.date[1], "t=1000.500");
	ck_assert_str_eq(g.f.date[2], "t=1001.500");
	ck_assert_str_eq(http_request_header_get(&g.req, "X-Amz-Date"),
	    "t=1000.000");
	/* Two throttle retries cost 5 each; the success gives 5 back. */
	ck_assert_uint_eq(g.r.quota, AWS_RETRY_QUOTA - 5);
	rig_release(&g);
}
END_TEST

START_TEST(state_change_not_resent_once_maybe_processed)
{
	static const struct {
		struct step	 step;
		int		 rc;
	} t[] = {
		{ { 503, NULL, 0, NULL }, 0 },
		{ { 500, "InternalError", 0, NULL }, 0 },
		{ { 504, NULL, 0, NULL }, 0 },
		{ { 0, NULL, HTTP_FAILURE_TIMEOUT, NULL }, -1 },
		{ { 0, NULL, HTTP_FAILURE_LOST, NULL }, -1 },
	};
	struct rig	 g;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rig_init(&g, "POST", &t[i].step, 1);
		ck_assert_int_eq(rig_send(&g), t[i].rc);
		ck_assert_uint_eq(g.f.sent, 1);
		ck_assert_uint_eq(g.f.nev, 0);
		ck_assert_uint_eq(g.f.nslept, 0);
		if (t[i].rc == 0)
			ck_assert_int_eq(g.resp.status, t[i].step.status);
		else {
			ck_assert_int_eq(g.resp.failure, t[i].step.failure);
			ck_assert_ptr_nonnull(strstr(g.err.msg, "scripted"));
		}
		rig_release(&g);
	}
}
END_TEST

START_TEST(state_change_resent_when_never_processed)
{
	static const struct step s[] = {
		{ 0, NULL, HTTP_FAILURE_CONNECT, NULL },
		{ 400, "Throttling", 0, NULL },
		{ 400, "PriorRequestNotComplete", 0, NULL },
		{ 200, NULL, 0, NULL },
	};
	struct rig	 g;

	rig_init(&g, "POST", s, 4);
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_int_eq(g.resp.status, 200);
	ck_assert_uint_eq(g.f.sent, 4);
	ck_assert_uint_eq(g.f.nev, 3);
	ck_assert_str_eq(g.f.ev[0].reason, "connection failed");
	ck_assert_uint_eq(g.f.ev[0].delay_ms, 25);
	ck_assert_str_eq(g.f.ev[1].reason, "Throttling (HTTP 400)");
	ck_assert_uint_eq(g.f.ev[1].delay_ms, 1000);
	ck_assert_str_eq(g.f.ev[2].reason,
	    "PriorRequestNotComplete (HTTP 400)");
	ck_assert_uint_eq(g.f.ev[2].delay_ms, 2000);
	rig_release(&g);

	/* A POST that says it is idempotent is retried like a GET. */
	{
		static const struct step s2[] = {
			{ 503, NULL, 0, NULL },
			{ 0, NULL, HTTP_FAILURE_TIMEOUT, NULL },
			{ 200, NULL, 0, NULL },
		};

		rig_init(&g, "POST", s2, 3);
		g.req.idempotent = 1;
		ck_assert_int_eq(rig_send(&g), 0);
		ck_assert_uint_eq(g.f.sent, 3);
		ck_assert_str_eq(g.f.ev[0].reason, "HTTP 503");
		ck_assert_str_eq(g.f.ev[1].reason, "timed out");
		rig_release(&g);
	}
}
END_TEST

START_TEST(refusals_sent_once)
{
	static const struct {
		const char	*method;
		struct step	 step;
	} t[] = {
		{ "GET", { 403, "AccessDenied", 0, NULL } },
		{ "GET", { 403, "SignatureDoesNotMatch", 0, NULL } },
		{ "POST", { 400, "InvalidChangeBatch", 0, NULL } },
		{ "GET", { 404, "NoSuchHostedZone", 0, NULL } },
		{ "GET", { 400, NULL, 0, NULL } },
		{ "GET", { 0, NULL, HTTP_FAILURE_NONE, NULL } },
	};
	struct rig	 g;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		rig_init(&g, t[i].method, &t[i].step, 1);
		rig_send(&g);
		ck_assert_msg(g.f.sent == 1, "case %zu sent %zu times", i,
		    g.f.sent);
		ck_assert_uint_eq(g.f.nev, 0);
		ck_assert_uint_eq(g.r.quota, AWS_RETRY_QUOTA);
		rig_release(&g);
	}
}
END_TEST

START_TEST(attempts_run_out)
{
	static const struct step s[] = {
		{ 503, NULL, 0, NULL }, { 503, NULL, 0, NULL },
		{ 0, NULL, HTTP_FAILURE_LOST, NULL }, { 503, NULL, 0, NULL },
		{ 502, NULL, 0, NULL },
	};
	struct rig	 g;

	rig_init(&g, "GET", s, 5);
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_int_eq(g.resp.status, 502);	/* the last answer */
	ck_assert_uint_eq(g.f.sent, 5);
	ck_assert_uint_eq(g.f.nev, 4);
	ck_assert_uint_eq(g.f.ev[3].attempt, 5);
	ck_assert_uint_eq(g.f.slept[0], 25);
	ck_assert_uint_eq(g.f.slept[1], 50);
	ck_assert_uint_eq(g.f.slept[2], 100);
	ck_assert_uint_eq(g.f.slept[3], 200);
	ck_assert_str_eq(g.f.ev[2].reason, "connection lost");
	ck_assert_uint_eq(g.r.quota, AWS_RETRY_QUOTA - 4 * 14);
	rig_release(&g);

	/* AWS_MAX_ATTEMPTS=2; and 1 is no retry at all. */
	rig_init(&g, "GET", s, 5);
	g.r.max_attempts = 2;
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_uint_eq(g.f.sent, 2);
	rig_release(&g);
	rig_init(&g, "GET", s, 5);
	g.r.max_attempts = 1;
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_uint_eq(g.f.sent, 1);
	ck_assert_uint_eq(g.f.nev, 0);
	rig_release(&g);

	/* A failure on the last attempt is returned as it is. */
	{
		static const struct step s2[] = {
			{ 503, NULL, 0, NULL },
			{ 0, NULL, HTTP_FAILURE_CONNECT, NULL },
		};

		rig_init(&g, "GET", s2, 2);
		g.r.max_attempts = 2;
		ck_assert_int_eq(rig_send(&g), -1);
		ck_assert_int_eq(g.resp.failure, HTTP_FAILURE_CONNECT);
		ck_assert_str_eq(g.err.msg, "cannot reach "
		    "'https://route53.amazonaws.com/x': scripted");
		rig_release(&g);
	}
}
END_TEST

START_TEST(quota)
{
	static const struct step s[] = {
		{ 503, NULL, 0, NULL }, { 503, NULL, 0, NULL },
		{ 503, NULL, 0, NULL },
	};
	static const struct step ok[] = {
		{ 400, "Throttling", 0, NULL }, { 200, NULL, 0, NULL },
	};
	struct rig	 g;

	/* 20 left: one transient retry (14), not a second. */
	rig_init(&g, "GET", s, 3);
	g.r.quota = 20;
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_uint_eq(g.f.sent, 2);
	ck_assert_uint_eq(g.r.quota, 6);
	rig_release(&g);

	/* A throttle retry (5) still fits in 6; its success refunds it,
	 * a success without retries adds 1. */
	rig_init(&g, "GET", ok, 2);
	g.r.quota = 6;
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_uint_eq(g.f.sent, 2);
	ck_assert_uint_eq(g.r.quota, 6);
	rig_release(&g);

	rig_init(&g, "GET", &ok[1], 1);
	g.r.quota = 6;
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_uint_eq(g.r.quota, 7);
	rig_release(&g);

	/* Never above the full quota. */
	rig_init(&g, "GET", &ok[1], 1);
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_uint_eq(g.r.quota, AWS_RETRY_QUOTA);
	rig_release(&g);
}
END_TEST

START_TEST(retry_after_header)
{
	static const struct step s[] = {
		{ 400, "Throttling", 0, "3000" }, { 200, NULL, 0, NULL },
	};
	struct rig	 g;

	rig_init(&g, "GET", s, 2);
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_uint_eq(g.f.ev[0].delay_ms, 3000);
	ck_assert_uint_eq(g.f.slept[0], 3000);
	rig_release(&g);
}
END_TEST

START_TEST(sign_failure_stops)
{
	static const struct step s[] = {
		{ 503, NULL, 0, NULL }, { 200, NULL, 0, NULL },
	};
	struct rig	 g;

	rig_init(&g, "GET", s, 2);
	g.f.sign_fails = 1;
	ck_assert_int_eq(rig_send(&g), -1);
	ck_assert_str_eq(g.err.msg, "cannot sign: scripted");
	ck_assert_uint_eq(g.f.sent, 1);
	ck_assert_int_eq(g.resp.status, 0);
	rig_release(&g);

	/* Without a sign hook the same request goes again. */
	rig_init(&g, "GET", s, 2);
	g.req.sign = NULL;
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_uint_eq(g.f.sent, 2);
	ck_assert_str_eq(g.f.date[1], "t=1000.000");
	rig_release(&g);
}
END_TEST

START_TEST(paced_sends)
{
	struct step	 ok = { 200, NULL, 0, NULL };
	struct aws_pacer p;
	struct rig	 g;
	size_t		 i;

	/* 20 requests at once at the default rate: 5 go at once, then
	 * each waits 200 ms. */
	rig_init(&g, "GET", &ok, 1);
	aws_pacer_init(&p, 0, g.f.now);
	g.r.pacer = &p;
	for (i = 0; i < 20; i++) {
		g.f.sent = 0;
		ck_assert_int_eq(rig_send(&g), 0);
		http_response_release(&g.resp);
	}
	ck_assert_uint_eq(g.f.nslept, 15);
	for (i = 0; i < g.f.nslept; i++)
		ck_assert_uint_eq(g.f.slept[i], 200);
	rig_release(&g);

	/* A throttling answer halves the rate for what follows (the
	 * retry included), and 5 s later it is 5/s again. */
	{
		static const struct step s[] = {
			{ 400, "Throttling", 0, NULL },
			{ 200, NULL, 0, NULL },
		};

		rig_init(&g, "GET", s, 2);
		aws_pacer_init(&p, 0, g.f.now);
		g.r.pacer = &p;
		ck_assert_int_eq(rig_send(&g), 0);
		ck_assert_uint_eq(g.f.sent, 2);
		/* The retry waited 500 ms (full jitter, r 0.5, of 1 s),
		 * the rate meanwhile back from 2.5 to 2.75. */
		ck_assert_uint_eq(g.f.nslept, 1);
		ck_assert_uint_eq(g.f.slept[0], 500);
		ck_assert(p.throttled);
		ck_assert(near(aws_pacer_rate(&p, g.f.now), 2.75));
		ck_assert(near(aws_pacer_rate(&p, g.f.now + 4.5), 5));
		ck_assert(near(aws_pacer_capacity(&p, g.f.now + 4.5), 5));
		rig_release(&g);
	}
}
END_TEST

/* Two accounts, each with its transport and bucket (src/cli/aws.c): a
 * throttle answered to one slows that one only, which is back to 5/s 5 s
 * later; the other keeps its rate and its burst throughout. */
START_TEST(paced_per_account)
{
	static const struct step s[] = {
		{ 400, "Throttling", 0, NULL },
		{ 200, NULL, 0, NULL },
	};
	struct step	 ok = { 200, NULL, 0, NULL };
	struct aws_pacer pa, pb;
	struct rig	 a, b;
	size_t		 i;

	rig_init(&a, "GET", s, 2);
	aws_pacer_init(&pa, 0, a.f.now);
	a.r.pacer = &pa;
	rig_init(&b, "GET", &ok, 1);
	aws_pacer_init(&pb, 0, b.f.now);
	b.r.pacer = &pb;
	ck_assert_int_eq(rig_send(&a), 0);
	ck_assert(pa.throttled);
	ck_assert(aws_pacer_rate(&pa, a.f.now) < 5);
	for (i = 0; i < 5; i++) {
		b.f.sent = 0;
		ck_assert_int_eq(rig_send(&b), 0);
		http_response_release(&b.resp);
	}
	ck_assert_uint_eq(b.f.nslept, 0);
	ck_assert(!pb.throttled);
	ck_assert(near(aws_pacer_rate(&pb, b.f.now), 5));
	ck_assert(near(aws_pacer_rate(&pa, a.f.now + 5), 5));
	rig_release(&a);
	rig_release(&b);
}
END_TEST

START_TEST(insecure_urls_refused)
{
	static const struct step ok = { 200, NULL, 0, NULL };
	struct rig	 g;

	rig_init(&g, "POST", &ok, 1);
	free(g.req.url);
	g.req.url = xstrdup("http://sts.example.com/");
	ck_assert_int_eq(rig_send(&g), -1);
	ck_assert_uint_eq(g.f.sent, 0);
	ck_assert_int_eq(g.resp.failure, HTTP_FAILURE_NONE);
	ck_assert_ptr_nonnull(strstr(g.err.msg, "endpoint "
	    "'http://sts.example.com/' is plain http:// to a host that is not "
	    "a loopback address"));
	g.r.allow_insecure = 1;
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_uint_eq(g.f.sent, 1);
	rig_release(&g);

	/* Loopback needs no permission. */
	rig_init(&g, "POST", &ok, 1);
	free(g.req.url);
	g.req.url = xstrdup("http://127.0.0.1:5000/");
	ck_assert_int_eq(rig_send(&g), 0);
	ck_assert_uint_eq(g.f.sent, 1);
	rig_release(&g);
}
END_TEST

/* ---- what --debug shows ---- */

#define AKID	"AKIDEXAMPLE"
#define SECRET	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN	"IQoJb3JpZ2luX2VjEXAMPLEsessionTOKENvalue"

/* The canonical request shown is the one that was signed: signing it
 * again by hand gives the request's signature. */
START_TEST(canonical_request_is_what_was_signed)
{
	struct aws_creds	 creds = { AKID, SECRET, NULL };
	struct http_request	 req;
	struct buf		 creq = BUF_INIT, sts = BUF_INIT;
	unsigned char		 key[32];
	char			 sig[65], amz[17];
	const char		*auth;
	struct err		 err;

	http_request_init(&req, "GET", "https://route53.amazonaws.com/"
	    "2013-04-01/hostedzone/Z1/rrset?name=a.example.com.&maxitems=10");
	ck_assert_int_eq(sigv4_sign_request(&req, &creds, "us-east-1",
	    "route53", 1700000000, &err), 0);
	ck_assert_int_eq(aws_canonical_request_log(&req, &creq), 0);
	ck_assert_str_eq(buf_str(&creq), "GET\n"
	    "/2013-04-01/hostedzone/Z1/rrset\n"
	    "maxitems=10&name=a.example.com.\n"
	    "host:route53.amazonaws.com\n"
	    "x-amz-date:20231114T221320Z\n"
	    "\n"
	    "host;x-amz-date\n"
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sigv4_amz_date(1700000000, amz);
	ck_assert_int_eq(sigv4_string_to_sign(amz,
	    "20231114/us-east-1/route53/aws4_request", buf_str(&creq), &sts),
	    0);
	ck_assert_int_eq(sigv4_signing_key(SECRET, "20231114", "us-east-1",
	    "route53", key), 0);
	ck_assert_int_eq(sigv4_signature(key, buf_str(&sts), sig), 0);
	auth = http_request_header_get(&req, "Authorization");
	ck_assert_ptr_nonnull(strstr(auth, sig));

	/* Not a SigV4 request: nothing to show. */
	http_request_header_set(&req, "Authorization", "Bearer x");
	buf_reset(&creq);
	ck_assert_int_eq(aws_canonical_request_log(&req, &creq), -1);
	http_request_header_del(&req, "Authorization");
	ck_assert_int_eq(aws_canonical_request_log(&req, &creq), -1);
	http_request_release(&req);
	buf_release(&creq);
	buf_release(&sts);
}
END_TEST

START_TEST(debug_log_redacts)
{
	static const struct step s[] = {
		{ 400, "Throttling", 0, NULL }, { 200, NULL, 0, NULL },
	};
	struct aws_creds	 creds = { AKID, SECRET, TOKEN };
	struct aws_pacer	 p;
	struct rig		 g;
	struct err		 err;
	char			*text = NULL, *sig;
	size_t			 len = 0;
	FILE			*f;

	rig_init(&g, "POST", s, 2);
	ck_assert_ptr_nonnull(f = open_memstream(&text, &len));
	g.r.debug = f;
	aws_pacer_init(&p, 0, g.f.now);
	g.r.pacer = &p;
	free(g.req.url);
	g.req.url = xstrdup("https://sts.amazonaws.com/?X-Amz-Signature=abc"
	    "def0123&Action=AssumeRole");
	http_request_body_set(&g.req, "<x/>", 4);
	http_request_header_del(&g.req, "X-Amz-Date");
	ck_assert_int_eq(sigv4_sign_request(&g.req, &creds, "us-east-1",
	    "sts", 1700000000, &err), 0);
	sig = strstr(http_request_header_get(&g.req, "Authorization"),
	    "Signature=") + strlen("Signature=");
	g.req.sign = NULL;
	ck_assert_int_eq(rig_send(&g), 0);
	fclose(f);

	ck_assert_ptr_nonnull(strstr(text, "debug: Route 53 Test: canonical "
	    "request (SigV4):\ndebug: | POST\ndebug: | /\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "debug: | Action=AssumeRole&X-Amz-Signature=<redacted>\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "debug: | x-amz-security-token:<redacted>\n"));
	ck_assert_ptr_nonnull(strstr(text,
	    "debug: | host;x-amz-date;x-amz-security-token\n"));
	ck_assert_ptr_nonnull(strstr(text, "debug: Route 53 Test: throttled; "
	    "at most 2.50 requests a second for now\n"));
	ck_assert_ptr_null(strstr(text, TOKEN));
	ck_assert_ptr_null(strstr(text, SECRET));
	ck_assert_ptr_null(strstr(text, sig));
	ck_assert_ptr_null(strstr(text, "abcdef0123"));
	free(text);
	rig_release(&g);
}
END_TEST

START_TEST(debug_says_why_not_retried)
{
	static const struct step s[] = {
		{ 0, NULL, HTTP_FAILURE_TIMEOUT, NULL },
	};
	struct rig	 g;
	char		*text = NULL;
	size_t		 len = 0;
	FILE		*f;

	rig_init(&g, "POST", s, 1);
	ck_assert_ptr_nonnull(f = open_memstream(&text, &len));
	g.r.debug = f;
	ck_assert_int_eq(rig_send(&g), -1);
	fclose(f);
	ck_assert_str_eq(text, "debug: Route 53 Test: timed out; not sent "
	    "again: it may have been processed\n");
	free(text);
	rig_release(&g);
}
END_TEST

Suite *
retry_suite(void)
{
	Suite	*s = suite_create("retry");
	TCase	*tc;

	tc = tcase_create("decisions");
	tcase_add_test(tc, classify);
	tcase_add_test(tc, safe);
	tcase_add_test(tc, backoff);
	tcase_add_test(tc, retry_after);
	suite_add_tcase(s, tc);

	tc = tcase_create("pacer");
	tcase_add_test(tc, pacer_burst_then_rate);
	tcase_add_test(tc, pacer_default_rate_over_a_run);
	tcase_add_test(tc, pacer_throttle_and_recovery);
	tcase_add_test(tc, pacer_measured_rate);
	suite_add_tcase(s, tc);

	tc = tcase_create("send");
	tcase_add_test(tc, two_throttles_then_success);
	tcase_add_test(tc, state_change_not_resent_once_maybe_processed);
	tcase_add_test(tc, state_change_resent_when_never_processed);
	tcase_add_test(tc, refusals_sent_once);
	tcase_add_test(tc, attempts_run_out);
	tcase_add_test(tc, quota);
	tcase_add_test(tc, retry_after_header);
	tcase_add_test(tc, sign_failure_stops);
	tcase_add_test(tc, paced_sends);
	tcase_add_test(tc, paced_per_account);
	tcase_add_test(tc, insecure_urls_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("debug");
	tcase_add_test(tc, canonical_request_is_what_was_signed);
	tcase_add_test(tc, debug_log_redacts);
	tcase_add_test(tc, debug_says_why_not_retried);
	suite_add_tcase(s, tc);
	return s;
}
