/*
 * check_replay.c - the policy replay (src/plan/replay.c): report rows
 * tallied per domain and source, replayed under the live and the new DMARC
 * record of a plan's DMARC change; and the replay in text, Markdown and
 * the saved plan (format 5).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "mailauth/replay.h"
#include "fake_plan.h"

Suite	*replay_suite(void);

#define DAY		20000L		/* 2024-10-04: the plan's day */
#define Q(s)		"\"v=DMARC1; " s "\""
#define NONE		DMARC_POLICY_NONE
#define QUAR		DMARC_POLICY_QUARANTINE
#define REJ		DMARC_POLICY_REJECT

/* example.com (its DMARC record managed), shop.example.com (its own
 * record), mail.example.com (no record of its own), each over 14 days. */
static struct replay_tally *
tally(void)
{
	static const struct replay_domain	 v[] = {
		{ "example.com", 1, DAY - 13, DAY },
		{ "shop.example.com", 1, DAY - 13, DAY },
		{ "mail.example.com", 0, DAY - 13, DAY },
	};

	return replay_tally_new(v, 3);
}

/* A plan of one DMARC change of example.com: before (NULL: none) ->
 * after (NULL: deleted). */
static void
plan_one(struct plan *p, enum plan_op op, const char *before,
    const char *after)
{
	struct plan_change	*c;

	memset(p, 0, sizeof(*p));
	fx_zones(p, 1);
	c = fx_change(p, 0, op, RECORD_DMARC, "example.com", NULL);
	if (before != NULL)
		fx_set(&c->before, "_dmarc.example.com.", "TXT", 300, before,
		    NULL);
	if (after != NULL)
		fx_set(&c->after, "_dmarc.example.com.", "TXT", 300, after,
		    NULL);
	plan_count(p);
}

/* The replay of example.com's change from before to after over t. */
static struct plan_replay *
replay(struct plan *p, struct replay_tally *t, const char *before,
    const char *after)
{
	plan_one(p, before == NULL ? PLAN_CREATE : after == NULL ?
	    PLAN_DELETE : PLAN_UPDATE, before, after);
	replay_tally_finish(t);
	plan_replay(t, p, NULL);
	return p->changes[0].replay;
}

static void
add(struct replay_tally *t, const char *hfrom, const char *ip, uint64_t n,
    int pass, enum dmarc_policy disp)
{
	replay_tally_add(t, DAY - 1, hfrom, ip, n, pass, disp);
}

static void
assert_counts(const struct plan_replay *r, uint64_t messages,
    uint64_t failing, uint64_t quarantine, uint64_t reject, size_t sources)
{
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->messages, messages);
	ck_assert_uint_eq(r->failing, failing);
	ck_assert_uint_eq(r->quarantine, quarantine);
	ck_assert_uint_eq(r->reject, reject);
	ck_assert_uint_eq(r->sources, sources);
}

START_TEST(test_pass_never_counted)
{
	struct replay_tally	*t = tally();
	struct plan		 p;
	struct plan_replay	*r;

	add(t, "example.com", "192.0.2.1", 100, 1, NONE);
	add(t, "example.com", "192.0.2.2", 10, 0, NONE);
	/* A passing row of a source that also fails: only the failing. */
	add(t, "example.com", "192.0.2.2", 5, 1, NONE);
	r = replay(&p, t, Q("p=none"), Q("p=reject"));
	assert_counts(r, 115, 10, 0, 10, 1);
	ck_assert_str_eq(r->top[0].ip, "192.0.2.2");
	ck_assert_uint_eq(r->top[0].reject, 10);
	ck_assert_str_eq(r->since, "2024-09-21");
	ck_assert_str_eq(r->until, "2024-10-04");
	plan_release(&p);
	replay_tally_free(t);
}
END_TEST

START_TEST(test_none_to_quarantine)
{
	struct replay_tally	*t = tally();
	struct plan		 p;
	struct plan_replay	*r;

	add(t, "example.com", "192.0.2.1", 40, 1, NONE);
	add(t, "example.com", "198.51.100.9", 30, 0, NONE);
	add(t, "example.com", "192.0.2.7", 20, 0, NONE);
	add(t, "example.com", "192.0.2.5", 20, 0, NONE);
	r = replay(&p, t, Q("p=none; rua=mailto:d@example.com"),
	    Q("p=quarantine; rua=mailto:d@example.com"));
	assert_counts(r, 110, 70, 70, 0, 3);
	/* Most first, then by address. */
	ck_assert_str_eq(r->top[0].ip, "198.51.100.9");
	ck_assert_str_eq(r->top[1].ip, "192.0.2.5");
	ck_assert_str_eq(r->top[2].ip, "192.0.2.7");
	plan_release(&p);
	replay_tally_free(t);
}
END_TEST

/* quarantine -> reject counts only the newly rejected; none -> reject
 * with t=y is a quarantine. */
START_TEST(test_quarantine_to_reject)
{
	struct replay_tally	*t = tally();
	struct plan		 p;
	struct plan_replay	*r;

	add(t, "example.com", "192.0.2.1", 40, 0, QUAR);
	r = replay(&p, t, Q("p=quarantine"), Q("p=reject"));
	assert_counts(r, 40, 40, 0, 40, 1);
	plan_release(&p);
	r = replay(&p, t, Q("p=none"), Q("p=reject; t=y; pct=0"));
	assert_counts(r, 40, 40, 40, 0, 1);
	plan_release(&p);
	/* A step back handles nothing harder. */
	r = replay(&p, t, Q("p=reject"), Q("p=quarantine"));
	assert_counts(r, 40, 40, 0, 0, 0);
	ck_assert_uint_eq(r->ntop, 0);
	plan_release(&p);
	replay_tally_free(t);
}
END_TEST

START_TEST(test_testing)
{
	struct replay_tally	*t = tally();
	struct plan		 p;
	struct plan_replay	*r;

	add(t, "example.com", "192.0.2.1", 40, 0, NONE);
	/* mailauth's testing stage: none for both kinds of receiver. */
	r = replay(&p, t, Q("p=none"), Q("p=quarantine; t=y; pct=0"));
	assert_counts(r, 40, 40, 0, 0, 0);
	plan_release(&p);
	/* Leaving the testing stage quarantines. */
	r = replay(&p, t, Q("p=quarantine; t=y; pct=0"), Q("p=quarantine"));
	assert_counts(r, 40, 40, 40, 0, 1);
	plan_release(&p);
	/* t=y without pct=0: RFC 7489 receivers ignore t: the worst case
	 * quarantines. */
	r = replay(&p, t, Q("p=none"), Q("p=quarantine; t=y"));
	assert_counts(r, 40, 40, 40, 0, 1);
	plan_release(&p);
	/* pct=50 live: RFC 7489 receivers left half unquarantined; the
	 * worst case counts them all as newly quarantined. */
	r = replay(&p, t, Q("p=quarantine; pct=50"), Q("p=quarantine"));
	assert_counts(r, 40, 40, 40, 0, 1);
	plan_release(&p);
	replay_tally_free(t);
}
END_TEST

/* Subdomains take sp; one with its own record is not the parent's; a
 * domain of the config without a record of its own is. */
START_TEST(test_subdomains)
{
	struct replay_tally	*t = tally();
	struct plan		 p;
	struct plan_replay	*r;

	add(t, "example.com", "192.0.2.1", 10, 0, NONE);
	add(t, "news.example.com", "192.0.2.2", 20, 0, NONE);
	add(t, "a.b.example.com", "192.0.2.3", 5, 0, NONE);
	add(t, "mail.example.com", "192.0.2.4", 7, 0, NONE);
	add(t, "shop.example.com", "192.0.2.5", 1000, 0, NONE);
	add(t, "example.org", "192.0.2.6", 1000, 0, NONE);
	r = replay(&p, t, Q("p=none"), Q("p=reject; sp=none"));
	assert_counts(r, 42, 42, 0, 10, 1);
	plan_release(&p);
	r = replay(&p, t, Q("p=none"), Q("p=none; sp=quarantine"));
	assert_counts(r, 42, 42, 32, 0, 3);
	ck_assert_str_eq(r->top[0].ip, "192.0.2.2");
	ck_assert_str_eq(r->top[1].ip, "192.0.2.4");
	ck_assert_str_eq(r->top[2].ip, "192.0.2.3");
	plan_release(&p);
	replay_tally_free(t);
}
END_TEST

/* np applies where the report says so: the live np and sp differ and the
 * receiver reported np's disposition. */
START_TEST(test_np_where_reported)
{
	struct replay_tally	*t = tally();
	struct plan		 p;
	struct plan_replay	*r;

	add(t, "x.example.com", "192.0.2.1", 8, 0, QUAR);
	add(t, "news.example.com", "192.0.2.2", 20, 0, NONE);
	r = replay(&p, t, Q("p=none; np=quarantine"),
	    Q("p=none; sp=quarantine; np=reject"));
	/* x.: np, quarantine -> reject; news.: sp, none -> quarantine. */
	assert_counts(r, 28, 28, 20, 8, 2);
	plan_release(&p);
	/* Without a live np differing from sp, every subdomain is sp. */
	r = replay(&p, t, Q("p=none"), Q("p=none; np=reject"));
	assert_counts(r, 28, 28, 0, 0, 0);
	plan_release(&p);
	replay_tally_free(t);
}
END_TEST

START_TEST(test_top_sources_and_window)
{
	struct replay_tally	*t = tally();
	struct plan		 p;
	struct plan_replay	*r;
	char			 ip[32];
	int			 i;

	for (i = 1; i <= 7; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%d", i);
		add(t, "example.com", ip, (uint64_t)(i % 3 + 1), 0, NONE);
	}
	/* Outside the window: before it, and after the plan's day. */
	replay_tally_add(t, DAY - 14, "example.com", "203.0.113.1", 500, 0,
	    NONE);
	replay_tally_add(t, DAY + 1, "example.com", "203.0.113.2", 500, 0,
	    NONE);
	r = replay(&p, t, NULL, Q("p=reject"));
	/* counts 2 3 1 2 3 1 2 for .1 to .7 */
	assert_counts(r, 14, 14, 0, 14, 7);
	ck_assert_uint_eq(r->ntop, REPLAY_TOP_SOURCES);
	ck_assert_str_eq(r->top[0].ip, "192.0.2.2");
	ck_assert_str_eq(r->top[1].ip, "192.0.2.5");
	ck_assert_str_eq(r->top[2].ip, "192.0.2.1");
	ck_assert_str_eq(r->top[3].ip, "192.0.2.4");
	ck_assert_str_eq(r->top[4].ip, "192.0.2.7");
	plan_release(&p);
	replay_tally_free(t);
}
END_TEST

/* No rows, no change of policy, no action: what shows and what does not. */
START_TEST(test_zero_and_none)
{
	struct replay_tally	*t = tally();
	struct plan		 p;
	struct plan_replay	*r;
	struct buf		 out = BUF_INIT;

	r = replay(&p, t, Q("p=none"), Q("p=reject"));
	assert_counts(r, 0, 0, 0, 0, 0);
	plan_render_text(&p, 0, &out);
	ck_assert_msg(strstr(buf_str(&out), "policy replay of the reports "
	    "from 2024-09-21 to 2024-10-04: no message under this record in "
	    "the reports\n") != NULL, "%s", buf_str(&out));
	plan_release(&p);
	/* Only rua changes: no replay. */
	r = replay(&p, t, Q("p=none; rua=mailto:a@example.com"),
	    Q("p=none; rua=mailto:b@example.com"));
	ck_assert_ptr_null(r);
	plan_release(&p);
	/* No action, or not DMARC: no replay. */
	plan_one(&p, PLAN_NONE, Q("p=none"), Q("p=none"));
	plan_replay(t, &p, NULL);
	ck_assert_ptr_null(p.changes[0].replay);
	plan_release(&p);
	plan_one(&p, PLAN_UPDATE, Q("p=none"), Q("p=reject"));
	p.changes[0].kind = RECORD_SPF;
	plan_replay(t, &p, NULL);
	ck_assert_ptr_null(p.changes[0].replay);
	/* Without a tally (no --reports): nothing. */
	p.changes[0].kind = RECORD_DMARC;
	plan_replay(NULL, &p, NULL);
	ck_assert_ptr_null(p.changes[0].replay);
	plan_release(&p);
	/* Two live records: receivers ignore both, as none. */
	plan_one(&p, PLAN_UPDATE, Q("p=reject"), Q("p=reject"));
	rrset_value_add(&p.changes[0].before, Q("p=quarantine"));
	plan_replay(t, &p, NULL);
	ck_assert_ptr_nonnull(p.changes[0].replay);
	plan_release(&p);
	buf_release(&out);
	replay_tally_free(t);
}
END_TEST

START_TEST(test_text_and_markdown)
{
	struct replay_tally	*t = tally();
	struct plan		 p;
	struct buf		 out = BUF_INIT;
	char			 ip[32];
	int			 i;

	add(t, "example.com", "192.0.2.200", 40, 1, NONE);
	for (i = 1; i <= 6; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%d", i);
		add(t, "example.com", ip, 10, 0, i == 1 ? QUAR : NONE);
	}
	replay(&p, t, Q("p=quarantine; t=y; pct=0"), Q("p=reject"));
	plan_render_text(&p, 0, &out);
	ck_assert_msg(strstr(buf_str(&out), "      policy replay of the "
	    "reports from 2024-09-21 to 2024-10-04: of 100 messages (60 "
	    "failing DMARC), 60 (60.00%) would newly be quarantined or "
	    "rejected (0 quarantined, 60 rejected), from 6 sources:\n"
	    "        192.0.2.1: 10 rejected\n") != NULL, "%s", buf_str(&out));
	ck_assert_msg(strstr(buf_str(&out), "        192.0.2.5: 10 rejected\n"
	    "        ... and 1 more source\n") != NULL, "%s", buf_str(&out));
	buf_reset(&out);
	plan_render_markdown(&p, &out);
	ck_assert_msg(strstr(buf_str(&out), "**Policy replay** of "
	    "`_dmarc.example.com`, reports from 2024-09-21 to 2024-10-04\\: "
	    "of 100 messages (60 failing DMARC), 60 (60.00%) would newly be "
	    "quarantined or rejected (0 quarantined, 60 rejected), from 6 "
	    "sources:\n\n| Source | Newly quarantined | Newly rejected |\n"
	    "|---|---|---|\n| `192.0.2.1` | 0 | 10 |\n") != NULL, "%s",
	    buf_str(&out));
	ck_assert_msg(strstr(buf_str(&out), "\n... and 1 more source\n") !=
	    NULL, "%s", buf_str(&out));
	plan_release(&p);
	buf_release(&out);
	replay_tally_free(t);
}
END_TEST

/* The replay comes back from a saved plan as written; what does not fit
 * is refused. */
START_TEST(test_json_round_trip)
{
	struct replay_tally	*t = tally();
	struct plan		 p, q;
	struct plan_meta	 m, n;
	struct buf		 json = BUF_INIT, old = BUF_INIT;
	struct err		 err;
	const struct plan_replay *a, *b;
	char			*at;
	size_t			 i;

	add(t, "example.com", "192.0.2.1", 30, 0, NONE);
	add(t, "news.example.com", "192.0.2.2", 12, 0, NONE);
	replay(&p, t, Q("p=none"), Q("p=quarantine"));
	fx_meta(&m);
	plan_to_json(&p, &m, &json);
	err_clear(&err);
	ck_assert_msg(plan_from_json(json.data, json.len, &q, &n, &err) == 0,
	    "%s", err.msg);
	a = p.changes[0].replay;
	b = q.changes[0].replay;
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(a->since, b->since);
	ck_assert_str_eq(a->until, b->until);
	ck_assert_uint_eq(b->messages, 42);
	ck_assert_uint_eq(b->quarantine, 42);
	ck_assert_uint_eq(b->sources, 2);
	ck_assert_uint_eq(b->ntop, 2);
	for (i = 0; i < 2; i++) {
		ck_assert_str_eq(a->top[i].ip, b->top[i].ip);
		ck_assert_uint_eq(a->top[i].quarantine, b->top[i].quarantine);
	}
	plan_release(&q);
	plan_meta_release(&n);
	/* A version 4 plan has no replay: the field is unknown there. */
	at = strstr(json.data, "\"format_version\":\t5");
	ck_assert_ptr_nonnull(at);
	at[strlen("\"format_version\":\t")] = '4';
	ck_assert_int_eq(plan_from_json(json.data, json.len, &q, &n, &err),
	    -1);
	ck_assert_str_eq(err.msg, "changes[0]: unknown field 'replay'");
	fx_downgrade(json.data, 4, &old);
	ck_assert_msg(plan_from_json(old.data, old.len, &q, &n, &err) == 0,
	    "%s", err.msg);
	ck_assert_int_eq(n.format_version, 4);
	ck_assert_ptr_null(q.changes[0].replay);
	plan_release(&q);
	plan_meta_release(&n);
	plan_release(&p);
	plan_meta_release(&m);
	buf_release(&json);
	buf_release(&old);
	replay_tally_free(t);
}
END_TEST

/* Each replaced text of the written plan, and the error it must give. */
START_TEST(test_json_refused)
{
	static const struct {
		const char	*from, *to, *want;
	} cases[] = {
		{ "\"failing\":\t42", "\"failing\":\t43",
		  "changes[0].replay: more failing messages than messages, or "
		  "more quarantined and rejected than failing" },
		{ "\"sources\":\t2", "\"sources\":\t0",
		  "changes[0].replay: sources is 0 exactly when no message is "
		  "quarantined or rejected" },
		{ "\"sources\":\t2", "\"sources\":\t3",
		  "changes[0].replay.top_sources: expected the 5 first of the "
		  "sources" },
		{ "\"since\":\t\"2024-09-21\"", "\"since\":\t\"2024-10-05\"",
		  "changes[0].replay: since is after until" },
		{ "\"since\":\t\"2024-09-21\"", "\"since\":\t\"yesterday\"",
		  "changes[0].replay.since: expected a date as YYYY-MM-DD" },
		{ "\"quarantine\":\t30", "\"quarantine\":\t0",
		  "changes[0].replay.top_sources[0]: a source with no message "
		  "newly quarantined or rejected" },
		{ "\"quarantine\":\t12", "\"quarantine\":\t31",
		  "changes[0].replay.top_sources[1]: not in order (most "
		  "messages first, then by address)" },
		{ "\"kind\":\t\"DMARC\"", "\"kind\":\t\"SPF\"",
		  "changes[0].replay: expected null (a replay is of a DMARC "
		  "change with an action)" },
		{ "\"messages\":\t42", "\"messages\":\t9007199254740992",
		  "changes[0].replay.messages: out of range (0 to "
		  "9007199254740991)" },
	};
	struct replay_tally	*t = tally();
	struct plan		 p, q;
	struct plan_meta	 m, n;
	struct buf		 json = BUF_INIT, bad = BUF_INIT;
	struct err		 err;
	const char		*at;
	size_t			 i;

	add(t, "example.com", "192.0.2.1", 30, 0, NONE);
	add(t, "news.example.com", "192.0.2.2", 12, 0, NONE);
	replay(&p, t, Q("p=none"), Q("p=quarantine"));
	fx_meta(&m);
	plan_to_json(&p, &m, &json);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		at = strstr(buf_str(&json), cases[i].from);
		ck_assert_msg(at != NULL, "case %zu: no '%s'", i,
		    cases[i].from);
		buf_reset(&bad);
		buf_add(&bad, json.data, (size_t)(at - json.data));
		buf_adds(&bad, cases[i].to);
		buf_adds(&bad, at + strlen(cases[i].from));
		err_clear(&err);
		ck_assert_int_eq(plan_from_json(bad.data, bad.len, &q, &n,
		    &err), -1);
		ck_assert_msg(strcmp(err.msg, cases[i].want) == 0,
		    "case %zu: got '%s', want '%s'", i, err.msg,
		    cases[i].want);
	}
	plan_release(&p);
	plan_meta_release(&m);
	buf_release(&json);
	buf_release(&bad);
	replay_tally_free(t);
}
END_TEST

/* More messages than a saved plan holds exactly: no replay, a warning. */
START_TEST(test_count_limit)
{
	struct replay_tally	*t = tally();
	struct plan		 p;
	struct diags		 d = DIAGS_INIT;
	uint64_t		 n = 0;

	while (n <= REPLAY_COUNT_MAX) {
		add(t, "example.com", "192.0.2.1", 4294967295u, 0, NONE);
		n += 4294967295u;
	}
	plan_one(&p, PLAN_UPDATE, Q("p=none"), Q("p=reject"));
	replay_tally_finish(t);
	plan_replay(t, &p, &d);
	ck_assert_ptr_null(p.changes[0].replay);
	ck_assert_uint_eq(d.nwarnings, 1);
	ck_assert_str_eq(d.v[0].msg, "'example.com': the reports count more "
	    "than 9007199254740991 messages under its DMARC record; no policy "
	    "replay");
	plan_release(&p);
	diags_release(&d);
	replay_tally_free(t);
}
END_TEST

/* The fuzz seed with a replay of two sources is a plan apply reads and
 * shows (an IPv6 source among them). */
START_TEST(test_seed_reads)
{
	const char	*path = "tests/fuzz/corpus/plan/replay-v5.json";
	struct buf	 text = BUF_INIT, out = BUF_INIT;
	struct plan	 p;
	struct plan_meta m;
	struct err	 err;
	char		 chunk[4096];
	size_t		 n;
	FILE		*f = fopen(path, "r");

	ck_assert_msg(f != NULL, "cannot read '%s'", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&text, chunk, n);
	fclose(f);
	err_clear(&err);
	ck_assert_msg(plan_from_json(text.data, text.len, &p, &m, &err) == 0,
	    "%s", err.msg);
	plan_render_text(&p, 0, &out);
	ck_assert_msg(strstr(buf_str(&out), "(20 quarantined, 10 rejected), "
	    "from 2 sources:\n        203.0.113.7: 20 quarantined\n"
	    "        2001:db8::1: 10 rejected\n") != NULL, "%s", buf_str(&out));
	plan_release(&p);
	plan_meta_release(&m);
	buf_release(&text);
	buf_release(&out);
}
END_TEST

Suite *
replay_suite(void)
{
	Suite	*s = suite_create("replay");
	TCase	*tc = tcase_create("replay");

	tcase_add_test(tc, test_pass_never_counted);
	tcase_add_test(tc, test_none_to_quarantine);
	tcase_add_test(tc, test_quarantine_to_reject);
	tcase_add_test(tc, test_testing);
	tcase_add_test(tc, test_subdomains);
	tcase_add_test(tc, test_np_where_reported);
	tcase_add_test(tc, test_top_sources_and_window);
	tcase_add_test(tc, test_zero_and_none);
	tcase_add_test(tc, test_text_and_markdown);
	tcase_add_test(tc, test_json_round_trip);
	tcase_add_test(tc, test_json_refused);
	tcase_add_test(tc, test_seed_reads);
	tcase_add_test(tc, test_count_limit);
	suite_add_tcase(s, tc);
	return s;
}
