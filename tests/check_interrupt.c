/*
 * check_interrupt.c - Ctrl-C and SIGTERM during apply: the handlers (in a
 * child process: a real signal, the lines on stderr, exit 130 on the
 * second), the sleep the flag ends, the retry transport that retries
 * nothing once it is up, and plan_apply() stopping between batches,
 * settling the one in flight and skipping what a saved plan finds already
 * applied.
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mailauth/apply.h"
#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/file.h"
#include "mailauth/http.h"
#include "mailauth/interrupt.h"
#include "mailauth/plan.h"
#include "mailauth/retry.h"
#include "mailauth/route53.h"
#include "testutil.h"

Suite	*interrupt_suite(void);

static double
mono_s(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the flag and the sleep ---- */

START_TEST(flag_set_and_cleared)
{
	interrupt_clear();
	ck_assert_int_eq(interrupt_requested(), 0);
	interrupt_request();
	ck_assert_int_eq(interrupt_requested(), 1);
	interrupt_clear();
	ck_assert_int_eq(interrupt_requested(), 0);
}
END_TEST

START_TEST(sleep_full_without_the_flag)
{
	double	 t;

	interrupt_clear();
	t = mono_s();
	ck_assert_int_eq(interrupt_sleep_ms(30), 0);
	ck_assert(mono_s() - t >= 0.029);
	ck_assert_int_eq(interrupt_sleep_ms(0), 0);
}
END_TEST

START_TEST(sleep_ends_at_once_with_the_flag)
{
	double	 t;

	interrupt_request();
	t = mono_s();
	/* An hour, were the flag not up: the test would time out. */
	ck_assert_int_eq(interrupt_sleep_ms(3600000), 1);
	ck_assert(mono_s() - t < 1.0);
	interrupt_clear();
}
END_TEST

/* ---- real signals, in a child ---- */

struct child {
	int		 err[2];	/* the child's stderr */
	int		 ready[2];	/* the child says it is ready */
	int		 what;
	const char	*path;		/* REPLACER's file */
};

/* The child's stderr, read to its end. */
static void
read_all(int fd, struct buf *out)
{
	char	 chunk[512];
	ssize_t	 n;

	while ((n = read(fd, chunk, sizeof(chunk))) > 0 ||
	    (n == -1 && errno == EINTR))
		if (n > 0)
			buf_add(out, chunk, (size_t)n);
}

enum { ONE_SIGNAL, TWO_SIGNALS, SLEEPER, BROKEN_PIPE, UNINSTALLED,
    REPLACER, CREATOR, SLEEPERS };

/* apply sleeps in one thread per account: each sleeper of SLEEPERS. */
struct sleeper {
	pthread_t	 thread;
	int		 woken;		/* interrupt_sleep_ms() said 1 */
	double		 took;
};

static void *
sleeper_run(void *arg)
{
	struct sleeper	*sl = arg;
	double		 t = mono_s();

	sl->woken = interrupt_sleep_ms(15000);
	sl->took = mono_s() - t;
	return NULL;
}

/* Three threads asleep, the signal to the process (whichever thread the
 * kernel gives it to): every one wakes, well before its 15 s. */
static void
sleepers(int ready)
{
	struct sleeper	 sl[3];
	size_t		 i;

	memset(sl, 0, sizeof(sl));
	for (i = 0; i < 3; i++)
		if (pthread_create(&sl[i].thread, NULL, sleeper_run,
		    &sl[i]) != 0)
			_exit(6);
	(void)write(ready, "r", 1);
	for (i = 0; i < 3; i++)
		pthread_join(sl[i].thread, NULL);
	for (i = 0; i < 3; i++)
		if (sl[i].woken != 1 || sl[i].took >= 10)
			_exit(7);
	_exit(0);
}

#define KEY_SIZE	(256 * 1024)

static void
child_main(void *arg)
{
	struct child	*c = arg;

	struct sigaction sa;
	int		 p[2];
	double		 t;

	dup2(c->err[1], STDERR_FILENO);
	close(c->err[0]);
	close(c->ready[0]);
	if (c->what == REPLACER) {
		/* Rewrites a file until SIGTERM (the default: death) comes. */
		(void)write(c->ready[1], "r", 1);
		for (;;)
			if (file_replace(c->path, "{}\n", 3, NULL) == -1)
				_exit(3);
	}
	if (c->what == CREATOR) {
		/* Creates KEY_SIZE-byte files key0, key1, ... until then. */
		static char	 key[KEY_SIZE];
		char		 name[256];
		int		 i;

		memset(key, 'k', sizeof(key));
		(void)write(c->ready[1], "r", 1);
		for (i = 0; i < 100000; i++) {
			snprintf(name, sizeof(name), "%s/key%d", c->path, i);
			if (file_create(name, 0600, key, sizeof(key),
			    NULL) == -1)
				_exit(3);
		}
		_exit(4);
	}
	if (interrupt_install() == -1)
		_exit(2);
	switch (c->what) {
	case ONE_SIGNAL:
		raise(SIGINT);
		/* Still here, with the flag up. */
		_exit(interrupt_requested() ? 0 : 3);
	case TWO_SIGNALS:
		raise(SIGTERM);
		if (!interrupt_requested())
			_exit(3);
		raise(SIGINT);
		_exit(4);		/* not reached: _exit(130) in the handler */
	case SLEEPER:
		t = mono_s();
		(void)write(c->ready[1], "r", 1);
		/* Woken by the parent's SIGINT, whenever it comes. */
		if (interrupt_sleep_ms(15000) != 1)
			_exit(3);
		_exit(mono_s() - t < 14 ? 0 : 4);
	case BROKEN_PIPE:
		if (pipe(p) == -1)
			_exit(3);
		close(p[0]);
		/* SIGPIPE is ignored: the write fails instead. */
		_exit(write(p[1], "x", 1) == -1 && errno == EPIPE ? 0 : 4);
	case SLEEPERS:
		sleepers(c->ready[1]);
		break;
	case UNINSTALLED:
		interrupt_uninstall();
		sigaction(SIGINT, NULL, &sa);
		if (sa.sa_handler != SIG_DFL)
			_exit(3);
		sigaction(SIGPIPE, NULL, &sa);
		_exit(sa.sa_handler == SIG_DFL ? 0 : 4);
	}
	_exit(5);
}

/* Runs child_main(what); returns its exit status, or minus the signal
 * that killed it; its stderr in out. */
static int
run_child_at(int what, const char *path, struct buf *out)
{
	struct child	 c;
	siginfo_t	 info;
	char		 r;
	pid_t		 pid;

	memset(&c, 0, sizeof(c));
	c.what = what;
	c.path = path;
	ck_assert_int_eq(pipe(c.err), 0);
	ck_assert_int_eq(pipe(c.ready), 0);
	pid = test_child_start(child_main, &c);
	close(c.err[1]);
	close(c.ready[1]);
	if (what == SLEEPER || what == SLEEPERS || what == REPLACER ||
	    what == CREATOR) {
		ck_assert_int_eq(read(c.ready[0], &r, 1), 1);
		ck_assert_int_eq(kill(pid, what == SLEEPER || what == SLEEPERS ?
		    SIGINT : SIGTERM), 0);
	}
	read_all(c.err[0], out);
	/* The status, leaving the child to test_child_stop() to reap. */
	memset(&info, 0, sizeof(info));
	while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) == -1)
		ck_assert_int_eq(errno, EINTR);
	test_child_stop(pid);
	close(c.err[0]);
	close(c.ready[0]);
	return info.si_code == CLD_EXITED ? info.si_status : -info.si_status;
}

static int
run_child(int what, struct buf *out)
{
	return run_child_at(what, NULL, out);
}

/* One signal, two, one during the sleep: the exit status and stderr. */
START_TEST(signals_flag_lines_and_exit)
{
	static const struct {
		int		 what, status;
		const char	*err;
	} t[] = {
		{ ONE_SIGNAL, 0, INTERRUPT_FIRST_LINE },
		{ TWO_SIGNALS, INTERRUPT_EXIT, INTERRUPT_FIRST_LINE
		    INTERRUPT_AGAIN_LINE },
		{ SLEEPER, 0, INTERRUPT_FIRST_LINE },
		{ SLEEPERS, 0, INTERRUPT_FIRST_LINE }
	};
	struct buf	 err = BUF_INIT;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_reset(&err);
		ck_assert_int_eq(run_child(t[i].what, &err), t[i].status);
		ck_assert_str_eq(buf_str(&err), t[i].err);
	}
	buf_release(&err);
}
END_TEST

START_TEST(sigpipe_ignored_and_restored)
{
	struct buf	 err = BUF_INIT;

	ck_assert_int_eq(run_child(BROKEN_PIPE, &err), 0);
	ck_assert_int_eq(run_child(UNINSTALLED, &err), 0);
	ck_assert_str_eq(buf_str(&err), "");
	buf_release(&err);
}
END_TEST

/* plan --out (file_replace): a SIGTERM (or Ctrl-C) that comes while the
 * temporary exists waits until it is renamed, so none is left behind.
 * The child rewrites the file in a loop, most of its time with a
 * temporary; without the signals held, one of these runs leaves one. */
START_TEST(replace_leaves_no_temporary)
{
	struct buf	 err = BUF_INIT;
	struct dirent	*de;
	char		 dir[] = "/tmp/mailauth-check-XXXXXX", path[64];
	DIR		*d;
	int		 i, n;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/plan.json", dir);
	for (i = 0; i < 20; i++) {
		ck_assert_int_eq(run_child_at(REPLACER, path, &err), -SIGTERM);
		ck_assert_ptr_nonnull(d = opendir(dir));
		n = 0;
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' || strncmp(de->d_name,
			    ".mailauth-", 10) == 0) {
				ck_assert_msg(strcmp(de->d_name, "plan.json") ==
				    0, "run %d left '%s'", i, de->d_name);
				n++;
			}
		closedir(d);
		ck_assert_int_le(n, 1);
	}
	ck_assert_str_eq(buf_str(&err), "");
	unlink(path);
	ck_assert_int_eq(rmdir(dir), 0);
	buf_release(&err);
}
END_TEST

/* dkim keygen (file_create): a key file is whole or absent, however a
 * SIGTERM falls. */
START_TEST(create_leaves_no_part)
{
	struct buf	 err = BUF_INIT;
	struct dirent	*de;
	struct stat	 st;
	char		 dir[] = "/tmp/mailauth-check-XXXXXX", path[320];
	DIR		*d;
	int		 i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < 10; i++) {
		ck_assert_int_eq(run_child_at(CREATOR, dir, &err), -SIGTERM);
		ck_assert_ptr_nonnull(d = opendir(dir));
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			ck_assert_int_eq(stat(path, &st), 0);
			ck_assert_msg(st.st_size == KEY_SIZE, "run %d left "
			    "'%s' of %lld bytes", i, de->d_name,
			    (long long)st.st_size);
			unlink(path);
		}
		closedir(d);
	}
	ck_assert_int_eq(rmdir(dir), 0);
	buf_release(&err);
}
END_TEST

/* ---- the retry transport ---- */

struct rfake {
	int	 sent;
	int	 raise_in_sleep;	/* the flag rises during the delay */
	int	 slept;
};

static int
rfake_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct rfake	*f = ctx;

	(void)req;
	(void)err;
	http_response_init(resp);
	f->sent++;
	resp->status = 400;
	http_response_header_add(resp, "x-amzn-ErrorType", "Throttling");
	buf_adds(&resp->body, "<throttled/>");
	return 0;
}

static double
rfake_now(void *ctx)
{
	(void)ctx;
	return 0;
}

static void
rfake_sleep(void *ctx, unsigned long ms)
{
	struct rfake	*f = ctx;

	(void)ms;
	f->slept++;
	if (f->raise_in_sleep)
		interrupt_request();
}

static double
rfake_random(void *ctx)
{
	(void)ctx;
	return 0.5;
}

/* Sends one throttled GET through the retry transport; returns attempts. */
static int
throttled_get(int flag_before, int raise_in_sleep, int *slept)
{
	struct rfake		 f = { 0, raise_in_sleep, 0 };
	struct http_transport	 next = { rfake_send, &f };
	struct aws_retry	 r;
	struct http_request	 req;
	struct http_response	 resp;
	struct err		 err;
	int			 rc;

	interrupt_clear();
	if (flag_before)
		interrupt_request();
	aws_retry_init(&r, &next);
	r.now = rfake_now;
	r.sleep_ms = rfake_sleep;
	r.random = rfake_random;
	r.ctx = &f;
	http_request_init(&req, "GET", "https://route53.amazonaws.com/x");
	err_clear(&err);
	rc = aws_retry_send(&r, &req, &resp, &err);
	/* The last attempt's answer stands, whole. */
	ck_assert_int_eq(rc, 0);
	ck_assert_int_eq(resp.status, 400);
	ck_assert_str_eq(buf_str(&resp.body), "<throttled/>");
	http_response_release(&resp);
	http_request_release(&req);
	interrupt_clear();
	*slept = f.slept;
	return f.sent;
}

START_TEST(retry_nothing_once_interrupted)
{
	int	 slept;

	ck_assert_int_eq(throttled_get(0, 0, &slept),
	    AWS_RETRY_ATTEMPTS_DEFAULT);
	ck_assert_int_eq(slept, AWS_RETRY_ATTEMPTS_DEFAULT - 1);
	/* Up before: one attempt, no delay. */
	ck_assert_int_eq(throttled_get(1, 0, &slept), 1);
	ck_assert_int_eq(slept, 0);
	/* Up during the first delay: no second attempt. */
	ck_assert_int_eq(throttled_get(0, 1, &slept), 1);
	ck_assert_int_eq(slept, 1);
}
END_TEST

/* ---- apply ---- */

#define R53NS	"xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\""
#define ZA	"ZAAAA"
#define ZB	"ZBBBB"
#define VA	"\"v=DMARC1; p=none\""

/* Route 53 for two zones, one TXT set each to create.  As Route 53, it
 * refuses a batch whose CREATE meets a set that exists. */
struct afake {
	int		 posts, lists, polls;
	int		 landed[2];	/* per zone: ZA, ZB */
	int		 foreign[2];	/* per zone: someone else's value there
					 * (drift) */
	int		 raise_at_post;	/* the flag rises during POST n */
	int		 drop_post;	/* POST n gets no answer... */
	int		 drop_lands;	/* ...after landing */
	int		 pending;	/* GetChange says PENDING */
	int		 raise_in_sleep;
};

static int
zone_of(const char *url)
{
	return strstr(url, ZB) != NULL;
}

static int
afake_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct afake	*f = ctx;
	int		 z = zone_of(req->url);

	http_response_init(resp);
	resp->status = 200;
	if (strcmp(req->method, "POST") == 0) {
		f->posts++;
		if (f->raise_at_post == f->posts)
			interrupt_request();
		if (f->drop_post == f->posts) {
			f->landed[z] = f->drop_lands;
			resp->failure = HTTP_FAILURE_LOST;
			return err_set(err, "cannot reach '%s': Empty reply "
			    "from server", req->url);
		}
		if (f->landed[z] || f->foreign[z]) {
			resp->status = 400;
			buf_addf(&resp->body, "<ErrorResponse " R53NS "><Error>"
			    "<Type>Sender</Type><Code>InvalidChangeBatch</Code>"
			    "<Message>[Tried to create resource record set "
			    "[name='_dmarc.%s.', type='TXT'] but it already "
			    "exists]</Message></Error></ErrorResponse>",
			    z ? "b.example" : "a.example");
			return 0;
		}
		f->landed[z] = 1;
		buf_addf(&resp->body, "<ChangeResourceRecordSetsResponse "
		    R53NS "><ChangeInfo><Id>/change/C%d</Id><Status>PENDING"
		    "</Status><SubmittedAt>2026-11-28T00:00:00Z</SubmittedAt>"
		    "</ChangeInfo></ChangeResourceRecordSetsResponse>",
		    f->posts);
	} else if (strstr(req->url, "/rrset") != NULL) {
		f->lists++;
		buf_addf(&resp->body, "<ListResourceRecordSetsResponse " R53NS
		    "><ResourceRecordSets>");
		if (f->landed[z] || f->foreign[z])
			buf_addf(&resp->body, "<ResourceRecordSet><Name>"
			    "_dmarc.%s.</Name><Type>TXT</Type><TTL>3600</TTL>"
			    "<ResourceRecords><ResourceRecord><Value>%s"
			    "</Value></ResourceRecord></ResourceRecords>"
			    "</ResourceRecordSet>", z ? "b.example" :
			    "a.example", f->landed[z] ? VA :
			    "\"v=DMARC1; p=reject\"");
		buf_addf(&resp->body, "</ResourceRecordSets><IsTruncated>false"
		    "</IsTruncated><MaxItems>300</MaxItems>"
		    "</ListResourceRecordSetsResponse>");
	} else {
		f->polls++;
		buf_addf(&resp->body, "<GetChangeResponse " R53NS "><ChangeInfo>"
		    "<Id>/change/C1</Id><Status>%s</Status><SubmittedAt>"
		    "2026-11-28T00:00:00Z</SubmittedAt></ChangeInfo>"
		    "</GetChangeResponse>", f->pending ? "PENDING" : "INSYNC");
	}
	return 0;
}

static struct afake	*sleeping;

static void
afake_sleep(unsigned int s)
{
	(void)s;
	if (sleeping != NULL && sleeping->raise_in_sleep)
		interrupt_request();
}

static time_t
afake_clock(void)
{
	return 1764288000;
}

#define CHANGE(zid, zname, name)					\
	"{\"zone\":{\"id\":\"" zid "\",\"name\":\"" zname "\"},"	\
	"\"domain\":\"" zname "\",\"kind\":\"DMARC\","			\
	"\"action\":\"create\",\"name\":\"" name "\",\"type\":\"TXT\","	\
	"\"ttl\":3600,\"note\":null,\"stage\":null,\"before\":null,"	\
	"\"after\":{\"name\":\"" name "\",\"type\":\"TXT\",\"ttl\":3600,"	\
	"\"values\":[\"\\\"v=DMARC1; p=none\\\"\"],\"routing\":null}}"

#define SAVED(changes)							\
	"{\"format_version\":3,\"mailauth_version\":\"0.1.0\","		\
	"\"config\":{\"path\":\"mailauth.yaml\",\"sha256\":"		\
	"\"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\"},"	\
	"\"created\":\"2026-11-29T01:02:03Z\","				\
	"\"summary\":{\"add\":2,\"change\":0,\"destroy\":0},"		\
	"\"changes\":[" changes "]}"

/* One batch in each of two zones. */
static const char	 two_zones[] = SAVED(
	CHANGE(ZA, "a.example.", "_dmarc.a.example.") ","
	CHANGE(ZB, "b.example.", "_dmarc.b.example."));
/* One batch of two changes in one zone. */
static const char	 one_batch[] = SAVED(
	CHANGE(ZA, "a.example.", "_dmarc.a.example.") ","
	CHANGE(ZA, "a.example.", "_dmarc.c.a.example."));

struct arun {
	struct plan			 plan;
	struct plan_meta		 meta;
	struct apply_zone_result	*r;
	size_t				 n;
	struct buf			 lines;
	int				 rc;
};

static void
collect(void *ctx, const char *line)
{
	struct buf	*b = ctx;

	buf_addf(b, "%s\n", line);
}

static void
arun_load_json(struct arun *a, const char *json)
{
	struct err	 err;

	memset(a, 0, sizeof(*a));
	err_clear(&err);
	ck_assert_msg(plan_from_json(json, strlen(json), &a->plan, &a->meta,
	    &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(a->plan.nchanges, 2);
}

static void
arun_load(struct arun *a)
{
	arun_load_json(a, two_zones);
}

/* A Route 53 client of f. */
struct aclient {
	struct http_transport	 http;
	struct aws_creds	 creds;
	struct r53_client	 c;
};

static const struct r53_client *
aclient_open(struct aclient *ac, struct afake *f)
{
	memset(ac, 0, sizeof(*ac));
	ac->http.send = afake_send;
	ac->http.ctx = f;
	ac->creds.access_key_id = (char *)"AKIDEXAMPLE";
	ac->creds.secret_access_key = (char *)"secret";
	ac->c.http = &ac->http;
	ac->c.endpoint = "http://127.0.0.1:1";
	ac->c.creds = &ac->creds;
	ac->c.clock = afake_clock;
	ac->c.sleep = afake_sleep;
	return &ac->c;
}

static void
arun_apply(struct arun *a, struct afake *f)
{
	struct aclient		 ac;
	struct apply_opts	 o;
	struct plan_batch	*b;
	struct diags		 d = DIAGS_INIT;
	size_t			 nb;

	memset(&o, 0, sizeof(o));
	o.wait = 1;
	o.wait_timeout_s = 60;
	o.progress = collect;
	o.ctx = &a->lines;
	sleeping = f;
	ck_assert_int_eq(plan_batches(&a->plan, &b, &nb, &d), 0);
	ck_assert_uint_eq(nb, a->plan.nzones);
	a->rc = plan_apply(aclient_open(&ac, f), &a->plan, b, nb, &o, &a->r,
	    &a->n);
	plan_batches_release(b, nb);
	diags_release(&d);
	sleeping = NULL;
	interrupt_clear();
}

static void
arun_release(struct arun *a)
{
	apply_results_release(a->r, a->n);
	plan_release(&a->plan);
	plan_meta_release(&a->meta);
	buf_release(&a->lines);
}

static void
has(const struct arun *a, const char *text)
{
	ck_assert_msg(strstr(buf_str(&a->lines), text) != NULL,
	    "no '%s' in:\n%s", text, buf_str(&a->lines));
}

START_TEST(apply_interrupted_during_the_first_batch)
{
	struct afake	 f = { .raise_at_post = 1 };
	struct arun	 a;

	arun_load(&a);
	arun_apply(&a, &f);
	ck_assert_int_eq(a.rc, -1);
	ck_assert_int_eq(f.posts, 1);		/* no second batch */
	ck_assert_int_eq(f.polls, 0);		/* nothing waited for */
	ck_assert_uint_eq(a.n, 2);
	ck_assert_int_eq(a.r[0].outcome, APPLY_PENDING);
	ck_assert_uint_eq(a.r[0].nsent, 1);
	ck_assert_int_eq(a.r[1].outcome, APPLY_INTERRUPTED);
	ck_assert_uint_eq(a.r[1].nsent, 0);
	has(&a, "a.example (ZAAAA): batch 1 of 1 (1 record sets): change "
	    "C1 submitted\n");
	has(&a, "b.example (ZBBBB): batch 1 of 1 (1 record sets): not sent: "
	    "interrupted\n");
	has(&a, "a.example (ZAAAA): change C1 was accepted and is "
	    "propagating: Route 53 applies it whatever happens now (not "
	    "waited for: interrupted)\n");
	ck_assert_str_eq(a.r[1].msg, "interrupted before its first batch was "
	    "sent: nothing was applied");
	arun_release(&a);

	/* Without the interrupt, the same run sends and waits for both. */
	memset(&f, 0, sizeof(f));
	arun_load(&a);
	arun_apply(&a, &f);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_int_eq(f.posts, 2);
	ck_assert_int_eq(f.polls, 2);
	arun_release(&a);
}
END_TEST

START_TEST(apply_interrupted_lost_answer_is_read_not_resent)
{
	struct afake	 f = { .raise_at_post = 1, .drop_post = 1 };
	struct arun	 a;

	/* Lost and not landed: not sent again, the zone is interrupted. */
	arun_load(&a);
	arun_apply(&a, &f);
	ck_assert_int_eq(f.posts, 1);
	ck_assert_int_eq(f.lists, 1);
	ck_assert_int_eq(a.r[0].outcome, APPLY_INTERRUPTED);
	ck_assert_int_eq(a.r[1].outcome, APPLY_INTERRUPTED);
	has(&a, "a.example (ZAAAA): batch 1 of 1 failed: not applied: the "
	    "records are as before, and it was not sent again because of the "
	    "interrupt");
	arun_release(&a);

	/* Lost and landed: recognised, and the zone is applied. */
	memset(&f, 0, sizeof(f));
	f.raise_at_post = 1;
	f.drop_post = 1;
	f.drop_lands = 1;
	arun_load(&a);
	arun_apply(&a, &f);
	ck_assert_int_eq(f.posts, 1);
	ck_assert_int_eq(a.r[0].outcome, APPLY_DONE);
	ck_assert_int_eq(a.r[1].outcome, APPLY_INTERRUPTED);
	has(&a, "a.example (ZAAAA): batch 1 of 1 (1 record sets): landed, "
	    "although Route 53's answer was lost");
	arun_release(&a);
}
END_TEST

START_TEST(apply_interrupted_while_waiting_stops_waiting)
{
	struct afake	 f = { .pending = 1, .raise_in_sleep = 1 };
	struct arun	 a;

	arun_load(&a);
	arun_apply(&a, &f);
	ck_assert_int_eq(f.posts, 2);		/* both sent before */
	ck_assert_int_eq(f.polls, 1);		/* one poll, then stop */
	ck_assert_int_eq(a.r[0].outcome, APPLY_PENDING);
	ck_assert_int_eq(a.r[1].outcome, APPLY_PENDING);
	has(&a, "a.example (ZAAAA): change C1 was accepted and is "
	    "propagating");
	has(&a, "b.example (ZBBBB): change C2 was accepted and is "
	    "propagating");
	arun_release(&a);
}
END_TEST

/*
 * A saved plan applied again after an interrupted apply: nothing is read
 * first; the zone whose batch landed before is refused by Route 53 (its
 * CREATE meets the set), read (that zone only), found in place and said
 * so; the other zone is sent.
 */
START_TEST(apply_skips_batches_already_applied)
{
	struct afake	 f = { .landed = { 1, 0 } };
	struct arun	 a;

	arun_load(&a);
	arun_apply(&a, &f);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_int_eq(f.posts, 2);
	ck_assert_int_eq(f.lists, 1);
	ck_assert_int_eq(f.polls, 1);
	ck_assert_int_eq(a.r[0].outcome, APPLY_DONE);
	ck_assert_uint_eq(a.r[0].nsent, 1);
	has(&a, "a.example (ZAAAA): batch 1 of 1 (1 record sets): already "
	    "applied (the records are as planned); Route 53 refused it again, "
	    "so nothing changed\n");
	has(&a, "b.example (ZBBBB): batch 1 of 1 (1 record sets): change C2 "
	    "submitted\n");
	arun_release(&a);
}
END_TEST

/*
 * Someone else's value where the plan creates one: Route 53 refuses the
 * batch, the zone is read (only it) and the line and the zone's message
 * say what changed; the other zone is applied.
 */
START_TEST(apply_refused_batch_says_what_changed)
{
	struct afake	 f = { .foreign = { 1, 0 } };
	struct arun	 a;

	arun_load(&a);
	arun_apply(&a, &f);
	ck_assert_int_eq(a.rc, -1);
	ck_assert_int_eq(f.posts, 2);
	ck_assert_int_eq(f.lists, 1);
	ck_assert_int_eq(a.r[0].outcome, APPLY_FAILED);
	ck_assert_uint_eq(a.r[0].nsent, 0);
	ck_assert_int_eq(a.r[1].outcome, APPLY_DONE);
	ck_assert_str_eq(a.r[0].msg, "_dmarc.a.example TXT changed since the "
	    "plan: at plan time nothing; now TXT ttl 3600 \"v=DMARC1; "
	    "p=reject\"; 1 record set changed since the plan was made, so "
	    "Route 53 refused the batch and none of it was applied: run "
	    "'mailauth plan' again and review it");
	has(&a, "a.example (ZAAAA): batch 1 of 1 (1 record sets): refused: "
	    "_dmarc.a.example TXT changed since the plan: at plan time "
	    "nothing; now TXT ttl 3600 \"v=DMARC1; p=reject\"\n");
	has(&a, "a.example (ZAAAA): batch 1 of 1 (1 record sets): refused: "
	    "changed since the plan\n");
	arun_release(&a);
}
END_TEST

/* A batch half in place is someone else's doing: refused, read, and said
 * so; the zone fails. */
START_TEST(apply_refuses_a_batch_half_applied)
{
	struct afake	 f;
	struct arun	 a;

	memset(&f, 0, sizeof(f));
	f.landed[0] = 1;	/* _dmarc.a.example is in place, not the
				 * other */
	arun_load_json(&a, one_batch);
	arun_apply(&a, &f);
	ck_assert_int_eq(a.rc, -1);
	ck_assert_int_eq(f.posts, 1);
	ck_assert_int_eq(f.lists, 1);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_int_eq(a.r[0].outcome, APPLY_FAILED);
	ck_assert_str_eq(a.r[0].msg, "batch 1 of 1 (2 record sets): refused: "
	    "some of its record sets are already as planned and others are "
	    "not; run 'mailauth plan' again");
	arun_release(&a);
}
END_TEST

Suite *
interrupt_suite(void)
{
	Suite	*s = suite_create("interrupt");
	TCase	*tc = tcase_create("flag");

	tcase_add_test(tc, flag_set_and_cleared);
	tcase_add_test(tc, sleep_full_without_the_flag);
	tcase_add_test(tc, sleep_ends_at_once_with_the_flag);
	suite_add_tcase(s, tc);
	tc = tcase_create("signals");
	tcase_add_checked_fixture(tc, NULL, test_children_stop);
	tcase_add_test(tc, signals_flag_lines_and_exit);
	tcase_add_test(tc, sigpipe_ignored_and_restored);
	tcase_add_test(tc, replace_leaves_no_temporary);
	tcase_add_test(tc, create_leaves_no_part);
	suite_add_tcase(s, tc);
	tc = tcase_create("retry");
	tcase_add_test(tc, retry_nothing_once_interrupted);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_test(tc, apply_interrupted_during_the_first_batch);
	tcase_add_test(tc, apply_interrupted_lost_answer_is_read_not_resent);
	tcase_add_test(tc, apply_interrupted_while_waiting_stops_waiting);
	tcase_add_test(tc, apply_skips_batches_already_applied);
	tcase_add_test(tc, apply_refuses_a_batch_half_applied);
	tcase_add_test(tc, apply_refused_batch_says_what_changed);
	suite_add_tcase(s, tc);
	return s;
}
