/*
 * check_gate.c - the rollout gate (dmarc.gate): its keys in the config,
 * the three verdicts and their edges (min_messages, min_pass_rate), the
 * window's first and last day, which stages are gated at all, and how a
 * held domain's record follows what Route 53 holds, in a new array.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/gate.h"
#include "mailauth/plan.h"
#include "mailauth/report.h"

#define DAY_S	86400L

static const char CFG[] =
    "version: 1\n"
    "domains:\n"
    "  example.com:\n"
    "    dmarc:\n"
    "      rua: [mailto:d@example.com]\n"
    "      rollout:\n"
    "        - { policy: none, from: 2027-01-01 }\n"
    "        - { policy: quarantine, testing: true, from: 2027-01-15 }\n"
    "        - { policy: quarantine, from: 2027-02-01 }\n"
    "        - { policy: none, from: 2027-02-10, rollback: true }\n"
    "      gate: { min_pass_rate: 98.0, window_days: 14, "
    "min_messages: 500 }\n"
    "  plain.example:\n"
    "    dmarc:\n"
    "      rollout:\n"
    "        - { policy: none, from: 2027-01-01 }\n"
    "        - { policy: reject, from: 2027-01-15 }\n";

static long
day_of(const char *s)
{
	long	 d;

	ck_assert_int_eq(date_parse(s, &d, NULL), 0);
	return d;
}

static void
load(struct cfg *cfg)
{
	struct diags	 d = DIAGS_INIT;

	ck_assert_int_eq(cfg_load_string(cfg, "gate.yaml", CFG,
	    strlen(CFG), &d), 0);
	diags_release(&d);
}

/* A report on day with one row per (ip, count, passing). */
struct row_in {
	const char	*ip;
	uint64_t	 count;
	int		 pass;
};

static void
add_report(struct report_summary *s, long day, const char *id,
    const struct row_in *in, size_t n)
{
	struct report		 r;
	struct report_row	*rows = calloc(n, sizeof(*rows));
	size_t			 i;

	memset(&r, 0, sizeof(r));
	r.org_name = (char *)"example";
	r.report_id = (char *)id;
	r.begin = day * DAY_S;
	r.end = r.begin + DAY_S - 1;
	r.domain = (char *)"example.com";
	for (i = 0; i < n; i++) {
		rows[i].source_ip = (char *)in[i].ip;
		rows[i].count = in[i].count;
		rows[i].dkim_pass = in[i].pass;
		rows[i].spf_pass = in[i].pass;
		rows[i].header_from = (char *)"example.com";
	}
	r.rows = rows;
	r.nrows = n;
	report_summary_add(s, &r);
	free(rows);
}

/* The verdict for example.com on day with the reports in[] on rday. */
static void
decide(const struct cfg *cfg, long day, long rday, const struct row_in *in,
    size_t n, struct gate_verdict *v)
{
	struct report_summary	 s;
	struct report_filter	 f;

	gate_window(&cfg->domains[0].dmarc.gate, day, &f.since, &f.until);
	f.domain = NULL;
	report_summary_init(&s, &f);
	if (n > 0)
		add_report(&s, rday, "r1", in, n);
	report_summary_finish(&s);
	gate_decide(&cfg->domains[0], day, &s, v);
	report_summary_release(&s);
}

START_TEST(gate_keys_and_defaults)
{
	struct cfg	 cfg;

	load(&cfg);
	ck_assert_int_eq(cfg.domains[0].dmarc.gate.present, 1);
	ck_assert_double_eq(cfg.domains[0].dmarc.gate.min_pass_rate, 98.0);
	ck_assert_int_eq(cfg.domains[0].dmarc.gate.window_days, 14);
	ck_assert_int_eq(cfg.domains[0].dmarc.gate.min_messages, 500);
	ck_assert_int_eq(cfg.domains[0].dmarc.gate.pos.line, 11);
	ck_assert_int_eq(cfg.domains[1].dmarc.gate.present, 0);
	cfg_release(&cfg);
}
END_TEST

START_TEST(gate_three_verdicts)
{
	static const struct row_in	 ready[] = {
		{ "192.0.2.1", 490, 1 }, { "203.0.113.5", 10, 0 }
	};
	static const struct row_in	 hold[] = {
		{ "192.0.2.1", 489, 1 }, { "203.0.113.5", 8, 0 },
		{ "198.51.100.7", 3, 0 }
	};
	static const struct row_in	 thin[] = { { "192.0.2.1", 499, 1 } };
	struct cfg			 cfg;
	struct gate_verdict		 v;
	long				 day = day_of("2027-01-20");

	load(&cfg);
	/* 490 of 500: exactly 98.00%, exactly min_messages: ready. */
	decide(&cfg, day, day - 1, ready, 2, &v);
	ck_assert_int_eq(v.state, GATE_READY);
	ck_assert_uint_eq(v.current, 1);
	ck_assert_uint_eq(v.next, 2);
	ck_assert_uint_eq(v.messages, 500);
	ck_assert_uint_eq(v.passed, 490);
	ck_assert_double_eq(v.rate, 98.0);
	ck_assert_uint_eq(v.nfailing, 0);
	gate_verdict_release(&v);
	/* 489 of 500: 97.80%: hold, the failing sources most first. */
	decide(&cfg, day, day - 1, hold, 3, &v);
	ck_assert_int_eq(v.state, GATE_HOLD);
	ck_assert_double_eq_tol(v.rate, 97.8, 0.001);
	ck_assert_uint_eq(v.nfailing, 2);
	ck_assert_uint_eq(v.nfailing_all, 2);
	ck_assert_str_eq(v.failing[0].ip, "203.0.113.5");
	ck_assert_uint_eq(v.failing[0].failed, 8);
	ck_assert_str_eq(v.failing[1].ip, "198.51.100.7");
	ck_assert_str_eq(gate_state_name(v.state), "hold");
	gate_verdict_release(&v);
	/* 499 messages, all passing: fewer than min_messages. */
	decide(&cfg, day, day - 1, thin, 1, &v);
	ck_assert_int_eq(v.state, GATE_NO_DATA);
	ck_assert_str_eq(gate_state_name(v.state), "insufficient data");
	gate_verdict_release(&v);
	/* No report at all. */
	gate_decide(&cfg.domains[0], day, NULL, &v);
	ck_assert_int_eq(v.state, GATE_NO_DATA);
	ck_assert_double_eq(v.rate, -1);
	gate_verdict_release(&v);
	cfg_release(&cfg);
}
END_TEST

START_TEST(gate_window_edges)
{
	static const struct row_in	 rows[] = { { "192.0.2.1", 600, 1 } };
	struct cfg			 cfg;
	struct gate_verdict		 v;
	long				 day = day_of("2027-01-20"), since, until;

	load(&cfg);
	gate_window(&cfg.domains[0].dmarc.gate, day, &since, &until);
	ck_assert_int_eq(until, day);
	ck_assert_int_eq(since, day - 13);
	/* The window's last day (the day itself) and first day count. */
	decide(&cfg, day, day, rows, 1, &v);
	ck_assert_int_eq(v.state, GATE_READY);
	ck_assert_int_eq(v.since, day - 13);
	gate_verdict_release(&v);
	decide(&cfg, day, day - 13, rows, 1, &v);
	ck_assert_int_eq(v.state, GATE_READY);
	gate_verdict_release(&v);
	/* The day before the window and the day after it do not. */
	decide(&cfg, day, day - 14, rows, 1, &v);
	ck_assert_int_eq(v.state, GATE_NO_DATA);
	ck_assert_uint_eq(v.messages, 0);
	gate_verdict_release(&v);
	decide(&cfg, day, day + 1, rows, 1, &v);
	ck_assert_int_eq(v.state, GATE_NO_DATA);
	gate_verdict_release(&v);
	cfg_release(&cfg);
}
END_TEST

START_TEST(gate_which_stages)
{
	struct cfg		 cfg;
	struct gate_verdict	 v;

	load(&cfg);
	/* Before the rollout, during the first stage: nothing is gated. */
	gate_decide(&cfg.domains[0], day_of("2026-12-31"), NULL, &v);
	ck_assert_int_eq(v.state, GATE_NONE);
	gate_decide(&cfg.domains[0], day_of("2027-01-14"), NULL, &v);
	ck_assert_int_eq(v.state, GATE_NONE);
	/* The second stage's first day, and the third's. */
	gate_decide(&cfg.domains[0], day_of("2027-01-15"), NULL, &v);
	ck_assert_int_eq(v.state, GATE_NO_DATA);
	ck_assert_uint_eq(v.next, 2);
	gate_decide(&cfg.domains[0], day_of("2027-02-01"), NULL, &v);
	ck_assert_uint_eq(v.next, 3);
	ck_assert_uint_eq(v.current, 2);
	/* A rollback is never held back; a domain without a gate never. */
	gate_decide(&cfg.domains[0], day_of("2027-02-10"), NULL, &v);
	ck_assert_int_eq(v.state, GATE_NONE);
	gate_decide(&cfg.domains[1], day_of("2027-01-15"), NULL, &v);
	ck_assert_int_eq(v.state, GATE_NONE);
	cfg_release(&cfg);
}
END_TEST

/* A live state with the DMARC record text (NULL: none) at desired i. */
static void
live_with(struct live_state *ls, struct desired *w, size_t n, size_t i,
    const char *text)
{
	struct buf	 v = BUF_INIT;

	memset(ls, 0, sizeof(*ls));
	ls->lives = calloc(n, sizeof(*ls->lives));
	ls->nlives = n;
	for (size_t j = 0; j < n; j++)
		ls->lives[j].desired = &w[j];
	if (text == NULL)
		return;
	ls->lives[i].sets = calloc(1, sizeof(struct rrset));
	ls->lives[i].nsets = 1;
	rrset_init(&ls->lives[i].sets[0], w[i].name, "TXT", 3600);
	buf_addf(&v, "\"%s\"", text);
	rrset_value_add(&ls->lives[i].sets[0], buf_str(&v));
	rrset_value_add(&ls->lives[i].sets[0], "\"other\"");
	buf_release(&v);
}

static void
live_free(struct live_state *ls)
{
	for (size_t j = 0; j < ls->nlives; j++)
		if (ls->lives[j].sets != NULL) {
			rrset_release(&ls->lives[j].sets[0]);
			free(ls->lives[j].sets);
		}
	free(ls->lives);
}

static size_t
dmarc_index(const struct desired *w, size_t n, const char *domain)
{
	for (size_t i = 0; i < n; i++)
		if (w[i].kind == RECORD_DMARC &&
		    strcmp(w[i].domain->name, domain) == 0)
			return i;
	ck_abort_msg("no DMARC desired for %s", domain);
	return 0;
}

#define STAGE1	"v=DMARC1; p=none; rua=mailto:d@example.com"
#define STAGE2	"v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:d@example.com"
#define STAGE3	"v=DMARC1; p=quarantine; rua=mailto:d@example.com"

/*
 * The settlement leaves the desired records it reads as they were (w[i]
 * is still the held stage 2) and copies the others as they are.
 */
static void
unchanged(const struct desired *w, const struct desired *s, size_t n,
    size_t i)
{
	ck_assert_str_eq(w[i].text, STAGE2);
	ck_assert_int_eq(w[i].stage->number, 2);
	ck_assert_int_eq(w[i].held, 1);
	for (size_t j = 0; j < n; j++) {
		ck_assert_ptr_ne(s[j].name, w[j].name);
		ck_assert_str_eq(s[j].name, w[j].name);
		ck_assert_ptr_eq(s[j].domain, w[j].domain);
		if (j != i)
			ck_assert_str_eq(s[j].text != NULL ? s[j].text : "",
			    w[j].text != NULL ? w[j].text : "");
	}
}

START_TEST(gate_held_desired_and_settle)
{
	struct cfg		 cfg;
	struct diags		 d = DIAGS_INIT;
	struct gate_verdict	 v[2];
	struct desired		*w, *s;
	struct live_state	 ls;
	size_t			 n, i;
	long			 day = day_of("2027-02-02");

	load(&cfg);
	gate_decide(&cfg.domains[0], day, NULL, &v[0]);
	gate_decide(&cfg.domains[1], day, NULL, &v[1]);
	ck_assert_int_eq(v[0].state, GATE_NO_DATA);
	ck_assert_uint_eq(v[0].next, 3);
	/* Held: the stage before the one due. */
	ck_assert_int_eq(desired_build_gated(&cfg, day, v, &w, &n, &d), 0);
	i = dmarc_index(w, n, "example.com");
	ck_assert_int_eq(w[i].held, 1);
	ck_assert_str_eq(w[i].text, STAGE2);
	ck_assert_int_eq(w[i].stage->number, 2);
	ck_assert_int_eq(w[dmarc_index(w, n, "plain.example")].held, 0);
	/* Route 53 holds stage 1 (held there for a while): it stays. */
	live_with(&ls, w, n, i, STAGE1);
	s = gate_settle(w, n, &ls);
	ck_assert_str_eq(s[i].text, STAGE1);
	ck_assert_int_eq(s[i].stage->number, 1);
	ck_assert_int_eq(s[i].held, 1);
	unchanged(w, s, n, i);
	live_free(&ls);
	desired_release(s, n);
	desired_release(w, n);
	/* Route 53 already holds the stage due: kept, no longer held. */
	ck_assert_int_eq(desired_build_gated(&cfg, day, v, &w, &n, &d), 0);
	live_with(&ls, w, n, i, STAGE3);
	s = gate_settle(w, n, &ls);
	ck_assert_str_eq(s[i].text, STAGE3);
	ck_assert_int_eq(s[i].stage->number, 3);
	ck_assert_int_eq(s[i].held, 0);
	unchanged(w, s, n, i);
	live_free(&ls);
	desired_release(s, n);
	desired_release(w, n);
	/* Nothing live, or a record of no stage: the held stage. */
	ck_assert_int_eq(desired_build_gated(&cfg, day, v, &w, &n, &d), 0);
	live_with(&ls, w, n, i, "v=DMARC1; p=reject");
	s = gate_settle(w, n, &ls);
	ck_assert_str_eq(s[i].text, STAGE2);
	ck_assert_int_eq(s[i].held, 1);
	unchanged(w, s, n, i);
	live_free(&ls);
	desired_release(s, n);
	desired_release(w, n);
	/* Stage 1 with a NUL after it ("\000" in Route 53's answer) is no
	 * stage: it is not where the rollout stands (issue 16). */
	ck_assert_int_eq(desired_build_gated(&cfg, day, v, &w, &n, &d), 0);
	live_with(&ls, w, n, i, STAGE1 "\\000");
	s = gate_settle(w, n, &ls);
	ck_assert_str_eq(s[i].text, STAGE2);
	ck_assert_int_eq(s[i].held, 1);
	unchanged(w, s, n, i);
	live_free(&ls);
	desired_release(s, n);
	desired_release(w, n);
	/* Without verdicts: the dates alone. */
	ck_assert_int_eq(desired_build_gated(&cfg, day, NULL, &w, &n, &d), 0);
	ck_assert_str_eq(w[i].text, STAGE3);
	ck_assert_int_eq(w[i].held, 0);
	desired_release(w, n);
	gate_verdict_release(&v[0]);
	gate_verdict_release(&v[1]);
	diags_release(&d);
	cfg_release(&cfg);
}
END_TEST

/* The plan's gate verdict for example.com (plan_review()) with the
 * verdicts v and the settled records s. */
static const struct plan_gate *
reviewed(const struct cfg *cfg, const struct gate_verdict *v,
    struct desired *s, size_t n, struct plan *p)
{
	struct plan_inputs	 in;
	struct plan_built	 b;

	memset(&in, 0, sizeof(in));
	memset(&b, 0, sizeof(b));
	memset(p, 0, sizeof(*p));
	in.cfg = cfg;
	in.gates = v;
	b.desired = b.settled = s;
	b.ndesired = n;
	plan_review(&in, &b, NULL, p);
	ck_assert_uint_eq(p->ngates, cfg->ndomains);
	ck_assert_str_eq(p->gates[1].domain, "plain.example");
	ck_assert_int_eq(p->gates[1].verdict, PLAN_GATE_NONE);
	ck_assert_ptr_null(p->gates[1].reason);
	return &p->gates[0];
}

#define HELD_NO_REPORTS	"held: no reports given: 'example.com' stays at stage 2 " \
			"of 4 (stage 3 was due on 2027-02-01); give --reports " \
			"SOURCE to check the gate, or --ignore-gate to take the " \
			"stage on its date alone"

/*
 * Without reports the gate fails closed (issue 18): a stage due is held,
 * and says why; --ignore-gate takes it on its date; each outcome has its
 * line, which the plan carries as the domain's gate verdict.
 */
START_TEST(gate_fails_closed_and_ignore)
{
	static const struct row_in	 ready[] = { { "192.0.2.1", 600, 1 } };
	struct cfg			 cfg;
	struct diags			 d = DIAGS_INIT;
	struct gate_verdict		 v[2];
	struct desired			*w, *s;
	struct live_state		 ls;
	struct plan			 p;
	struct buf			 why = BUF_INIT;
	const struct plan_gate		*g;
	size_t				 n, i;
	long				 day = day_of("2027-02-02");

	load(&cfg);
	/* No report given at all: held, "no reports given". */
	gate_decide(&cfg.domains[0], day, NULL, &v[0]);
	gate_decide(&cfg.domains[1], day, NULL, &v[1]);
	ck_assert_int_eq(v[0].state, GATE_NO_DATA);
	ck_assert_int_eq(v[0].no_reports, 1);
	ck_assert_str_eq(gate_verdict_name(&v[0]), "no reports given");
	ck_assert_int_eq(v[1].no_reports, 0);
	ck_assert_int_eq(desired_build_gated(&cfg, day, v, &w, &n, &d), 0);
	i = dmarc_index(w, n, "example.com");
	ck_assert_int_eq(w[i].held, 1);
	ck_assert_str_eq(w[i].text, STAGE2);
	g = reviewed(&cfg, v, w, n, &p);
	ck_assert_int_eq(g->verdict, PLAN_GATE_HOLD);
	ck_assert_str_eq(g->reason, HELD_NO_REPORTS);
	ck_assert_str_eq(plan_gate_verdict_name(g->verdict), "hold");
	plan_release(&p);
	/* Route 53 already holds the stage due: kept, never stepped back. */
	live_with(&ls, w, n, i, STAGE3);
	s = gate_settle(w, n, &ls);
	g = reviewed(&cfg, v, s, n, &p);
	ck_assert_int_eq(g->verdict, PLAN_GATE_KEEP);
	ck_assert_str_eq(g->reason, "'example.com' keeps stage 3 of 4, which "
	    "Route 53 already holds: a stage taken is never stepped back (the "
	    "gate says no reports given)");
	plan_release(&p);
	live_free(&ls);
	desired_release(s, n);
	desired_release(w, n);
	/* --ignore-gate: taken on its date, not held. */
	gate_ignore(&v[0]);
	gate_ignore(&v[1]);
	ck_assert_int_eq(v[0].state, GATE_IGNORED);
	ck_assert_int_eq(v[0].no_reports, 0);
	ck_assert_uint_eq(v[0].next, 3);
	ck_assert_int_eq(v[1].state, GATE_NONE);
	ck_assert_int_eq(desired_build_gated(&cfg, day, v, &w, &n, &d), 0);
	ck_assert_int_eq(w[i].held, 0);
	ck_assert_str_eq(w[i].text, STAGE3);
	g = reviewed(&cfg, v, w, n, &p);
	ck_assert_int_eq(g->verdict, PLAN_GATE_ADVANCE);
	ck_assert_str_eq(g->reason, "'example.com' takes stage 3 of 4 on its "
	    "date alone: --ignore-gate was given, so the rollout gate was not "
	    "checked");
	plan_release(&p);
	desired_release(w, n);
	gate_verdict_release(&v[0]);
	/* An empty summary is reports given that hold nothing. */
	decide(&cfg, day, day, NULL, 0, &v[0]);
	ck_assert_int_eq(v[0].state, GATE_NO_DATA);
	ck_assert_int_eq(v[0].no_reports, 0);
	ck_assert_str_eq(gate_verdict_name(&v[0]), "insufficient data");
	gate_why(&cfg.domains[0], &v[0], GATE_HELD, 2, &why);
	ck_assert_str_eq(buf_str(&why), "'example.com' stays at stage 2 of 4: "
	    "stage 3 was due on 2027-02-01, but the reports from 2027-01-20 to "
	    "2027-02-02 hold 0 messages from it, fewer than the gate's 500");
	gate_verdict_release(&v[0]);
	decide(&cfg, day, day, ready, 1, &v[0]);
	buf_reset(&why);
	gate_why(&cfg.domains[0], &v[0], GATE_TAKEN, 3, &why);
	ck_assert_str_eq(buf_str(&why), "'example.com' takes stage 3 of 4: "
	    "100.00% of its 600 messages passed DMARC (the gate asks 98.00%)");
	buf_release(&why);
	gate_verdict_release(&v[0]);
	gate_verdict_release(&v[1]);
	diags_release(&d);
	cfg_release(&cfg);
}
END_TEST

Suite *
gate_suite(void)
{
	Suite	*s = suite_create("gate");
	TCase	*tc = tcase_create("gate");

	tcase_add_test(tc, gate_keys_and_defaults);
	tcase_add_test(tc, gate_three_verdicts);
	tcase_add_test(tc, gate_window_edges);
	tcase_add_test(tc, gate_which_stages);
	tcase_add_test(tc, gate_held_desired_and_settle);
	tcase_add_test(tc, gate_fails_closed_and_ignore);
	suite_add_tcase(s, tc);
	return s;
}
