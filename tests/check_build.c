/*
 * check_build.c - plan_build() end to end against the fake Route 53
 * (fake_route53.h) serving one zone and logging every request: the plan
 * of one day, the metadata of the bytes the caller hashed, the desired
 * records left as they were built while the gate settles and the stale
 * Easy DKIM tokens are found, every request made by the one read of
 * Route 53 (the same requests, in the same order, as live_read() alone),
 * and the AWS side asked for only once the config's records are sound.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/creds.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/gate.h"
#include "mailauth/http.h"
#include "mailauth/plan.h"
#include "mailauth/route53.h"
#include "mailauth/ses.h"
#include "fake_route53.h"
#include "testutil.h"

#define ZONE_ID		"ZEX1"
#define SHA256		"0123456789abcdef0123456789abcdef" \
			"0123456789abcdef0123456789abcdef"
#define CREATED		"2027-01-20T23:59:59Z"

Suite	*build_suite(void);

/* ---- the inputs -------------------------------------------------------- */

static const char CFG[] =
    "version: 1\n"
    "domains:\n"
    "  example.com:\n"
    "    spf: { all: fail }\n"
    "    dmarc:\n"
    "      rua: [mailto:d@example.com]\n"
    "      rollout:\n"
    "        - { policy: none, from: 2027-01-01 }\n"
    "        - { policy: quarantine, testing: true, from: 2027-01-15 }\n"
    "        - { policy: quarantine, from: 2027-01-21 }\n"
    "      gate: { min_pass_rate: 98.0, window_days: 14, "
    "min_messages: 500 }\n"
    "    ses:\n"
    "      region: eu-west-1\n"
    "      prune_stale_tokens: %s\n"
    "  www.example.com:\n"
    "    zone: example.com\n"
    "    dmarc:\n"
    "      rollout:\n"
    "        - { policy: none, from: 2027-01-01 }\n"
    "        - { policy: reject, from: 2027-01-21 }\n";

#define STAGE1	"v=DMARC1; p=none; rua=mailto:d@example.com"
#define STAGE2	"v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:d@example.com"
#define STAGE3	"v=DMARC1; p=quarantine; rua=mailto:d@example.com"

struct world {
	struct fake		 fake;
	struct http_transport	 http;
	struct aws_creds	 creds;
	struct r53_client	 client;
	struct cfg		 cfg;
	char			*tokens[2];
	struct ses_identity	 ids[2];	/* parallel to cfg.domains */
	struct gate_verdict	 gates[2];
	struct plan_inputs	 in;
	int			 connects;	/* connect() calls */
	struct plan_built	 built;
	struct diags		 d;
	struct err		 err;
};

/* The AWS side, counted. */
static int
world_connect(void *ctx, const struct r53_client **r53,
    const struct ses_identity **ses)
{
	struct world	*w = ctx;

	w->connects++;
	*r53 = &w->client;
	*ses = w->ids;
	return 0;
}

/* A record set at the config's TTL. */
static void
set(struct fzone *z, const char *name, const char *type, const char *value)
{
	fake_add(z, name, type, value)->ttl = CFG_DEFAULT_TTL;
}

/*
 * Route 53 holds stage 1 at _dmarc.example.com, an SPF record beside a
 * foreign value, the CNAME of SES token "toka", and a stale token "old".
 */
static void
world_init(struct world *w, int prune, const char *day)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 text = BUF_INIT;
	struct fzone	*z;

	memset(w, 0, sizeof(*w));
	fake_open(&w->fake, &w->http, &w->creds, &w->client);
	z = fake_zone(&w->fake, ZONE_ID, "example.com.");
	set(z, "example.com.", "TXT",
	    "\"v=spf1 ~all\" \"google-site-verification=x\"");
	set(z, "example.com.", "NS", "ns1.example.net.");
	set(z, "_dmarc.example.com.", "TXT", "\"" STAGE1 "\"");
	set(z, "toka._domainkey.example.com.", "CNAME",
	    "toka.dkim.amazonses.com");
	set(z, "old._domainkey.example.com.", "CNAME",
	    "old.dkim.amazonses.com");
	set(z, "www.example.com.", "A", "192.0.2.1");

	buf_addf(&text, CFG, prune ? "true" : "false");
	ck_assert_msg(cfg_load_string(&w->cfg, "m.yaml", buf_str(&text),
	    text.len, &d) == 0, "%s", d.n > 0 ? d.v[0].msg : "?");
	buf_release(&text);
	diags_release(&d);
	w->tokens[0] = xstrdup("toka");
	w->tokens[1] = xstrdup("tokb");
	w->ids[0].dkim_origin = SES_DKIM_EASY;
	w->ids[0].tokens = w->tokens;
	w->ids[0].ntokens = 2;

	w->in.cfg = &w->cfg;
	w->in.config_path = "m.yaml";
	w->in.config_sha256 = SHA256;
	w->in.day = test_day(day);
	w->in.created = CREATED;
	w->in.scope = PLAN_SCOPE_ALL;
	w->in.connect = world_connect;
	w->in.ctx = w;
}

/* Gate verdicts of day with no reports: example.com is held. */
static void
world_gate(struct world *w)
{
	gate_decide(&w->cfg.domains[0], w->in.day, NULL, &w->gates[0]);
	gate_decide(&w->cfg.domains[1], w->in.day, NULL, &w->gates[1]);
	ck_assert_int_eq(w->gates[0].state, GATE_NO_DATA);
	w->in.gates = w->gates;
}

static void
world_release(struct world *w)
{
	plan_built_release(&w->built);
	gate_verdict_release(&w->gates[0]);
	gate_verdict_release(&w->gates[1]);
	free(w->tokens[0]);
	free(w->tokens[1]);
	cfg_release(&w->cfg);
	diags_release(&w->d);
	fake_release(&w->fake);
}

static int
build(struct world *w)
{
	return plan_build(&w->in, &w->built, &w->d, &w->err);
}

/* The change of kind at name (canonical, before or after), or NULL. */
static const struct plan_change *
change_at(const struct plan *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change	*c = &p->changes[i];

		if ((c->after.name != NULL && strcmp(c->after.name, name) ==
		    0) || (c->before.name != NULL && strcmp(c->before.name,
		    name) == 0))
			return c;
	}
	return NULL;
}

/* ---- the tests --------------------------------------------------------- */

START_TEST(build_end_to_end)
{
	struct world			 w;
	const struct plan_change	*c;

	world_init(&w, 0, "2027-01-16");
	ck_assert_msg(build(&w) == 0, "%s", w.err.msg);
	ck_assert_uint_eq(w.d.nerrors, 0);
	ck_assert_int_eq(w.connects, 1);
	/* The SPF record replaced among the apex's values. */
	c = change_at(&w.built.plan, "example.com.");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	/* The DMARC records of the day's stages. */
	c = change_at(&w.built.plan, "_dmarc.example.com.");
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_int_eq(c->stage->number, 2);
	c = change_at(&w.built.plan, "_dmarc.www.example.com.");
	ck_assert_int_eq(c->op, PLAN_CREATE);
	ck_assert_int_eq(c->stage->number, 1);
	/* SES: one token there, one to create, the stale one kept. */
	ck_assert_int_eq(change_at(&w.built.plan,
	    "toka._domainkey.example.com.")->op, PLAN_NONE);
	ck_assert_int_eq(change_at(&w.built.plan,
	    "tokb._domainkey.example.com.")->op, PLAN_CREATE);
	c = change_at(&w.built.plan, "old._domainkey.example.com.");
	ck_assert_int_eq(c->op, PLAN_NONE);
	ck_assert_ptr_nonnull(strstr(c->note, "stale Easy DKIM token"));
	ck_assert_ptr_nonnull(strstr(c->note, "kept"));
	ck_assert_uint_eq(w.built.nstale, 1);
	/* And each domain's registry, the SES tokens not in it. */
	ck_assert_str_eq(change_at(&w.built.plan,
	    "_mailauth.example.com.")->after.values[0],
	    "\"v=mailauth1; dmarc=_dmarc; spf=@\"");
	ck_assert_str_eq(change_at(&w.built.plan,
	    "_mailauth.www.example.com.")->after.values[0],
	    "\"v=mailauth1; dmarc=_dmarc\"");
	ck_assert_uint_eq(w.built.plan.nadd, 4);
	ck_assert_uint_eq(w.built.plan.nchange, 2);
	ck_assert_uint_eq(w.built.plan.ndestroy, 0);
	ck_assert_uint_eq(w.built.nbatches, 1);
	/* The metadata: the bytes the caller hashed, and its clock. */
	ck_assert_str_eq(w.built.meta.config_sha256, SHA256);
	ck_assert_str_eq(w.built.meta.config_path, "m.yaml");
	ck_assert_str_eq(w.built.meta.created, CREATED);
	ck_assert_int_eq(w.built.meta.format_version, PLAN_FORMAT_VERSION);
	world_release(&w);

	/* With prune_stale_tokens, the diff deletes it. */
	world_init(&w, 1, "2027-01-16");
	ck_assert_int_eq(build(&w), 0);
	c = change_at(&w.built.plan, "old._domainkey.example.com.");
	ck_assert_int_eq(c->op, PLAN_DELETE);
	ck_assert_str_eq(c->zone->id, ZONE_ID);
	ck_assert_uint_eq(w.built.plan.ndestroy, 1);
	world_release(&w);
}
END_TEST

/* Every stage in the plan is the one of in.day, for every domain: the
 * day before both rollouts step, and the day they do. */
START_TEST(build_one_day)
{
	static const char *const days[] = { "2027-01-20", "2027-01-21" };
	static const int	 want[][2] = { { 2, 1 }, { 3, 2 } };
	struct world		 w;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		world_init(&w, 0, days[i]);
		ck_assert_int_eq(build(&w), 0);
		ck_assert_int_eq(change_at(&w.built.plan,
		    "_dmarc.example.com.")->stage->number, want[i][0]);
		ck_assert_int_eq(change_at(&w.built.plan,
		    "_dmarc.www.example.com.")->stage->number, want[i][1]);
		world_release(&w);
	}
}
END_TEST

static void
assert_same(const struct desired *a, const struct desired *b)
{
	ck_assert_str_eq(a->name, b->name);
	ck_assert_int_eq(a->kind, b->kind);
	ck_assert_str_eq(a->type != NULL ? a->type : "",
	    b->type != NULL ? b->type : "");
	ck_assert_str_eq(a->text != NULL ? a->text : "",
	    b->text != NULL ? b->text : "");
	ck_assert_int_eq(a->held, b->held);
	ck_assert_int_eq(a->stage != NULL, b->stage != NULL);
	if (a->stage != NULL)
		ck_assert_int_eq(a->stage->number, b->stage->number);
}

/*
 * The gate holds example.com at stage 2 and Route 53 holds stage 1: the
 * plan publishes stage 1 (the settled records), while the desired records
 * stay exactly as desired_build_gated() and desired_build_ses() make them
 * before anything is read.
 */
START_TEST(build_leaves_desired_alone)
{
	struct world	 w;
	struct diags	 d = DIAGS_INIT;
	struct desired	*before = NULL;
	size_t		 n = 0, i;

	world_init(&w, 0, "2027-01-21");
	world_gate(&w);
	ck_assert_int_eq(desired_build_gated(&w.cfg, w.in.day, w.gates,
	    &before, &n, &d), 0);
	ck_assert_int_eq(desired_build_ses(&w.cfg, w.in.day, w.ids, &before, &n, &d),
	    0);
	ck_assert_int_eq(build(&w), 0);
	/* The registry records follow, one per domain. */
	ck_assert_uint_eq(w.built.ndesired, n + 2);
	ck_assert_int_eq(w.built.desired[n].kind, RECORD_REGISTRY);
	ck_assert_int_eq(w.built.desired[n + 1].kind, RECORD_REGISTRY);
	for (i = 0; i < n; i++)
		assert_same(&w.built.desired[i], &before[i]);
	for (i = 0; i < n; i++) {
		if (before[i].kind != RECORD_DMARC ||
		    before[i].domain != &w.cfg.domains[0])
			continue;
		ck_assert_int_eq(w.built.desired[i].stage->number, 2);
		ck_assert_int_eq(w.built.desired[i].held, 1);
		ck_assert_int_eq(w.built.settled[i].stage->number, 1);
		ck_assert_str_eq(w.built.settled[i].text, STAGE1);
	}
	ck_assert_int_eq(change_at(&w.built.plan,
	    "_dmarc.example.com.")->op, PLAN_NONE);
	desired_release(before, n);
	diags_release(&d);
	world_release(&w);
}
END_TEST

/*
 * plan_build() makes exactly the requests of live_read() with the same
 * desired records and the token names below: nothing reads Route 53
 * after the read (the stale tokens come from it), in the same order.
 */
START_TEST(build_reads_route53_once)
{
	struct world		 w;
	struct live_state	 ls;
	struct desired		*v = NULL;
	char			**tops;
	char			*log[FAKE_LOG_MAX];
	size_t			 n = 0, nlog, i;

	world_init(&w, 1, "2027-01-16");
	ck_assert_int_eq(desired_build(&w.cfg, w.in.day, &v, &n, &w.d), 0);
	ck_assert_int_eq(desired_build_ses(&w.cfg, w.in.day, w.ids, &v, &n, &w.d), 0);
	tops = ses_token_tops(&w.cfg, v, n);
	ck_assert_str_eq(tops[0], "_domainkey.example.com.");
	ck_assert_ptr_null(tops[1]);
	ck_assert_int_eq(live_read(&w.client, &w.cfg, v, n,
	    (const char *const *)tops, &ls, &w.d, &w.err), 0);
	ck_assert_uint_eq(ls.nbelows, 1);
	nlog = w.fake.nlog;
	memcpy(log, w.fake.log, nlog * sizeof(*log));
	w.fake.nlog = 0;

	ck_assert_int_eq(build(&w), 0);
	ck_assert_uint_eq(w.fake.nlog, nlog);
	for (i = 0; i < nlog; i++)
		ck_assert_str_eq(w.fake.log[i], log[i]);
	/* The last request lists below _domainkey: the read's last step. */
	ck_assert_ptr_nonnull(strstr(log[nlog - 1], "_domainkey"));
	for (i = 0; i < nlog; i++)
		free(log[i]);
	live_release(&ls);
	ses_token_tops_release(tops, w.cfg.ndomains);
	desired_release(v, n);
	world_release(&w);
}
END_TEST

/* The world with another config. */
static void
world_config(struct world *w, const char *text)
{
	struct diags	 d = DIAGS_INIT;

	cfg_release(&w->cfg);
	ck_assert_int_eq(cfg_load_string(&w->cfg, "m.yaml", text,
	    strlen(text), &d), 0);
	diags_release(&d);
}

/* A step that fails says which, having sent nothing after it. */
START_TEST(build_failed_steps)
{
	struct world	 w;

	/* The config's records are wrong: the AWS side is not even
	 * opened. */
	world_init(&w, 0, "2027-01-16");
	world_config(&w, "version: 1\ndomains:\n  example.com:\n"
	    "    dkim:\n      s1: { public_key_file: /nonexistent.pem }\n");
	ck_assert_int_eq(build(&w), -1);
	ck_assert_int_eq(w.built.failed, PLAN_STEP_DESIRED);
	ck_assert_uint_ge(w.d.nerrors, 1);
	ck_assert_int_eq(w.connects, 0);
	world_release(&w);

	/* SES names the config's selector "sel" as a token of its own:
	 * connected, but nothing sent to Route 53. */
	world_init(&w, 0, "2027-01-16");
	free(w.tokens[1]);
	w.tokens[1] = xstrdup("sel");
	world_config(&w, "version: 1\ndomains:\n  example.com:\n"
	    "    ses: { region: eu-west-1 }\n"
	    "    dkim:\n      sel: { cname: x.example.net }\n");
	ck_assert_int_eq(build(&w), -1);
	ck_assert_int_eq(w.built.failed, PLAN_STEP_SES);
	ck_assert_uint_ge(w.d.nerrors, 1);
	ck_assert_int_eq(w.connects, 1);
	ck_assert_uint_eq(w.fake.nlog, 0);
	ck_assert_ptr_null(w.built.settled);
	world_release(&w);

	/* In the status scope it is a report: a BYODKIM selector that
	 * dkim: does not publish is an error, and it goes on, without
	 * batches or metadata, with SES's records alone. */
	world_init(&w, 0, "2027-01-16");
	w.ids[0].dkim_origin = SES_DKIM_EXTERNAL;
	w.in.scope = PLAN_SCOPE_SES_STATUS;
	ck_assert_int_eq(build(&w), 0);
	ck_assert_uint_ge(w.d.nerrors, 1);
	ck_assert_ptr_null(w.built.batches);
	ck_assert_ptr_null(w.built.meta.created);
	ck_assert_uint_eq(w.built.ndesired, 0);
	ck_assert_uint_eq(w.built.plan.nchanges, 0);
	world_release(&w);

	/* No zone for a domain: the read fails, in d. */
	world_init(&w, 0, "2027-01-16");
	free(w.cfg.domains[1].zone);
	w.cfg.domains[1].zone = xstrdup("example.org");
	ck_assert_int_eq(build(&w), -1);
	ck_assert_int_eq(w.built.failed, PLAN_STEP_LIVE);
	ck_assert_uint_ge(w.d.nerrors, 1);
	world_release(&w);
}
END_TEST

/* A plan of n zones named Zk with one change per zone, in reverse zone
 * order, each a create (PLAN_NONE for the last). */
static void
hand_plan(struct plan *p, const char *prefix, size_t n)
{
	size_t	 i;

	memset(p, 0, sizeof(*p));
	p->zones = xcalloc(n, sizeof(*p->zones));
	p->changes = xcalloc(n, sizeof(*p->changes));
	for (i = 0; i < n; i++) {
		p->zones[i].id = xasprintf("Z%s%zu", prefix, i);
		p->zones[i].name = xasprintf("%s%zu.example.", prefix, i);
		p->changes[i].zone = &p->zones[n - 1 - i];
		p->changes[i].domain = xasprintf("%s%zu.example", prefix,
		    n - 1 - i);
		p->changes[i].op = i + 1 < n ? PLAN_CREATE : PLAN_NONE;
	}
	p->nzones = p->nchanges = n;
	plan_count(p);
}

/* With accounts:, each account's plan joins one: changes in order, each
 * pointing at its own zone, which names the account. */
START_TEST(build_merge_accounts)
{
	struct plan		 v[3], out;
	const char *const	 names[3] = { NULL, "prod", "empty" };
	size_t			 first[3], i;

	hand_plan(&v[0], "d", 2);
	hand_plan(&v[1], "p", 3);
	hand_plan(&v[2], "e", 0);
	plan_merge(v, names, 3, &out, first);
	ck_assert_uint_eq(out.nzones, 5);
	ck_assert_uint_eq(out.nchanges, 5);
	ck_assert_uint_eq(first[0], 0);
	ck_assert_uint_eq(first[1], 2);
	ck_assert_uint_eq(first[2], 5);
	ck_assert_uint_eq(out.nadd, 3);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(v[i].nchanges + v[i].nzones, 0);
	ck_assert_str_eq(out.changes[0].zone->id, "Zd1");
	ck_assert_ptr_null(out.changes[0].zone->account);
	ck_assert_str_eq(out.changes[1].domain, "d0.example");
	ck_assert_str_eq(out.changes[1].zone->name, "d0.example.");
	for (i = 2; i < 5; i++) {
		ck_assert(out.changes[i].zone >= out.zones &&
		    out.changes[i].zone < out.zones + 5);
		ck_assert_str_eq(out.changes[i].zone->account, "prod");
	}
	ck_assert_str_eq(out.changes[2].zone->id, "Zp2");
	ck_assert_str_eq(out.changes[4].zone->id, "Zp0");
	ck_assert_str_eq(out.changes[4].domain, "p0.example");
	ck_assert_ptr_ne(out.zones[2].account, names[1]);	/* a copy */
	plan_release(&out);
	for (i = 0; i < 3; i++)
		plan_release(&v[i]);
}
END_TEST

Suite *
build_suite(void)
{
	Suite	*s = suite_create("build");
	TCase	*tc = tcase_create("build");

	tcase_add_test(tc, build_end_to_end);
	tcase_add_test(tc, build_one_day);
	tcase_add_test(tc, build_leaves_desired_alone);
	tcase_add_test(tc, build_reads_route53_once);
	tcase_add_test(tc, build_failed_steps);
	tcase_add_test(tc, build_merge_accounts);
	suite_add_tcase(s, tc);
	return s;
}
