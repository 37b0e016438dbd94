/*
 * check_rollout.c - staged DMARC rollouts (dmarc.rollout): dates, the stage
 * active on the day before, of and after each boundary, the records each
 * stage publishes (t=y with pct=0), ordering and strictness checks (inline
 * fixtures in tests/fixtures/config/, template fixtures here), template
 * expansion, lookup and name clashes, the shipped templates, and how a
 * plan carries and shows a stage (a rollback among the weakening changes).
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/date.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "../src/cli/cli.h"
#include "testutil.h"

#define ROLLOUT		FIXTURES "/rollout"
#define USER_DIR	ROLLOUT "/templates"
#define BUILTIN_DIR	"policies/dmarc"

/* The ramp of the issue and of docs/rollout.md. */
static const char RAMP[] =
    "version: 1\n"
    "domains:\n"
    "  example.com:\n"
    "    dmarc:\n"
    "      rua: [mailto:dmarc@example.com]\n"
    "      rollout:\n"
    "        - { policy: none, from: 2026-12-01 }\n"
    "        - { policy: quarantine, testing: true, from: 2027-01-05 }\n"
    "        - { policy: quarantine, from: 2027-02-01 }\n"
    "        - { policy: reject, testing: true, from: 2027-03-01 }\n"
    "        - { policy: reject, from: 2027-04-01, subdomain_policy: "
    "reject }\n";

static void
load(struct cfg *cfg, const char *text, const char *user)
{
	struct cfg_load_opts	 lo = { user, BUILTIN_DIR };
	struct diags		 d = DIAGS_INIT;
	struct buf		 msgs = BUF_INIT;
	size_t			 i;
	int			 rc;

	rc = cfg_load_string_with(cfg, "mailauth.yaml", text, strlen(text),
	    &lo, &d);
	for (i = 0; i < d.n; i++) {
		diag_format(&d.v[i], &msgs);
		buf_addc(&msgs, '\n');
	}
	ck_assert_msg(rc == 0 && d.nerrors == 0, "load failed:\n%s",
	    buf_str(&msgs));
	diags_release(&d);
	buf_release(&msgs);
}

/* --- stage selection --- */

/* The stage numbers active on the day before, of and after each
 * boundary of RAMP: 0 is "not started". */
START_TEST(stage_at_boundaries)
{
	static const struct {
		const char	*from;
		int		 number;
	} b[] = {
		{ "2026-12-01", 1 }, { "2027-01-05", 2 }, { "2027-02-01", 3 },
		{ "2027-03-01", 4 }, { "2027-04-01", 5 }
	};
	const struct cfg_stage	*st;
	const struct cfg_rollout *ro;
	struct cfg_rollout	 none;
	struct cfg		 cfg;
	size_t			 i;
	long			 d = 0;
	int			 got;

	load(&cfg, RAMP, NULL);
	ro = &cfg.domains[0].dmarc.rollout;
	ck_assert_uint_eq(ro->nstages, 5);
	ck_assert_ptr_null(ro->template);
	for (i = 0; i < 5; i++) {
		d = test_day(b[i].from);
		ck_assert_int_eq(ro->stages[i].from, d);
		st = cfg_rollout_at(ro, d - 1);
		got = st == NULL ? 0 : (int)(st - ro->stages) + 1;
		ck_assert_msg(got == b[i].number - 1, "day before %s: stage %d",
		    b[i].from, got);
		st = cfg_rollout_at(ro, d);
		ck_assert_ptr_eq(st, &ro->stages[i]);
		st = cfg_rollout_at(ro, d + 1);
		ck_assert_ptr_eq(st, &ro->stages[i]);
	}
	ck_assert_ptr_eq(cfg_rollout_at(ro, DATE_DAY_MAX), &ro->stages[4]);
	ck_assert_ptr_null(cfg_rollout_at(ro, 0));
	/* No rollout: no stage, whatever the day. */
	memset(&none, 0, sizeof(none));
	ck_assert_ptr_null(cfg_rollout_at(&none, d));
	cfg_release(&cfg);
}
END_TEST

START_TEST(records_of_each_stage)
{
	static const struct {
		const char	*day;
		const char	*text;		/* NULL: left alone */
		int		 number;
		const char	*from, *next;
	} want[] = {
		{ "2026-11-30", NULL, 0, "", "2026-12-01" },
		{ "2026-12-01", "v=DMARC1; p=none; rua=mailto:dmarc@example.com",
		  1, "2026-12-01", "2027-01-05" },
		{ "2027-01-04", "v=DMARC1; p=none; rua=mailto:dmarc@example.com",
		  1, "2026-12-01", "2027-01-05" },
		{ "2027-01-05", "v=DMARC1; p=quarantine; t=y; pct=0; "
		  "rua=mailto:dmarc@example.com", 2, "2027-01-05", "2027-02-01" },
		{ "2027-02-01", "v=DMARC1; p=quarantine; "
		  "rua=mailto:dmarc@example.com", 3, "2027-02-01", "2027-03-01" },
		{ "2027-03-31", "v=DMARC1; p=reject; t=y; pct=0; "
		  "rua=mailto:dmarc@example.com", 4, "2027-03-01", "2027-04-01" },
		{ "2027-04-01", "v=DMARC1; p=reject; sp=reject; "
		  "rua=mailto:dmarc@example.com", 5, "2027-04-01", "" },
		{ "2099-01-01", "v=DMARC1; p=reject; sp=reject; "
		  "rua=mailto:dmarc@example.com", 5, "2027-04-01", "" },
	};
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;
	struct desired	*w;
	size_t		 i, n;

	load(&cfg, RAMP, NULL);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		ck_assert_int_eq(desired_build(&cfg, test_day(want[i].day), &w,
		    &n, &d), 0);
		ck_assert_uint_eq(n, 1);
		ck_assert_str_eq(w[0].name, "_dmarc.example.com.");
		ck_assert_ptr_nonnull(w[0].stage);
		ck_assert_int_eq(w[0].stage->number, want[i].number);
		ck_assert_int_eq(w[0].stage->count, 5);
		ck_assert_str_eq(w[0].stage->from, want[i].from);
		ck_assert_str_eq(w[0].stage->next, want[i].next);
		if (want[i].text == NULL) {
			ck_assert_int_eq(w[0].leave, 1);
			ck_assert_ptr_null(w[0].text);
			ck_assert_ptr_null(w[0].type);
		} else {
			ck_assert_int_eq(w[0].leave, 0);
			ck_assert_msg(strcmp(w[0].text, want[i].text) == 0,
			    "%s: '%s'", want[i].day, w[0].text);
			ck_assert_int_eq(w[0].stage->testing,
			    strstr(want[i].text, "t=y") != NULL);
		}
		desired_release(w, n);
	}
	ck_assert_uint_eq(d.n, 0);
	diags_release(&d);
	cfg_release(&cfg);
}
END_TEST

/* A domain without a rollout has no stage, whatever the day. */
START_TEST(no_rollout_no_stage)
{
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;
	struct desired	*w;
	size_t		 n;

	load(&cfg, "version: 1\ndomains:\n  example.com:\n    dmarc: "
	    "{ policy: reject, testing: true }\n", NULL);
	ck_assert_int_eq(desired_build(&cfg, 0, &w, &n, &d), 0);
	ck_assert_ptr_null(w[0].stage);
	ck_assert_int_eq(w[0].leave, 0);
	ck_assert_str_eq(w[0].text, "v=DMARC1; p=reject; t=y");
	desired_release(w, n);
	diags_release(&d);
	cfg_release(&cfg);
}
END_TEST

/* --- templates --- */

START_TEST(template_expansion)
{
	static const char *const standard[] = {
		"2026-12-01", "2027-01-05", "2027-01-19", "2027-02-16",
		"2027-03-02"
	};
	static const enum dmarc_policy	 pols[] = {
		DMARC_POLICY_NONE, DMARC_POLICY_QUARANTINE,
		DMARC_POLICY_QUARANTINE, DMARC_POLICY_REJECT, DMARC_POLICY_REJECT
	};
	const struct cfg_rollout	*ro;
	struct cfg			 cfg;
	char				 out[11];
	size_t				 i;

	load(&cfg, "version: 1\ndomains:\n"
	    "  example.com:\n    dmarc:\n      rua: [mailto:d@example.com]\n"
	    "      rollout: { template: standard, start: 2026-12-01 }\n"
	    "  example.org:\n    dmarc:\n"
	    "      rollout: { template: quick, start: 2027-01-05 }\n",
	    USER_DIR);
	ro = &cfg.domains[0].dmarc.rollout;
	ck_assert_str_eq(ro->template, "standard");
	ck_assert_str_eq(ro->template_path, BUILTIN_DIR "/standard.yaml");
	ck_assert_int_eq(ro->start, test_day("2026-12-01"));
	ck_assert_uint_eq(ro->nstages, 5);
	for (i = 0; i < 5; i++) {
		date_format(ro->stages[i].from, out);
		ck_assert_str_eq(out, standard[i]);
		ck_assert_int_eq(ro->stages[i].policy, pols[i]);
		ck_assert_int_eq(ro->stages[i].testing, i == 1 || i == 3);
		ck_assert_int_eq(ro->stages[i].rollback, 0);
		/* Located at the template key of the config. */
		ck_assert_int_eq(ro->stages[i].pos.line, 6);
	}
	ro = &cfg.domains[1].dmarc.rollout;
	ck_assert_str_eq(ro->template, "quick");
	ck_assert_str_eq(ro->template_path, USER_DIR "/quick.yaml");
	ck_assert_uint_eq(ro->nstages, 3);
	date_format(ro->stages[2].from, out);
	ck_assert_str_eq(out, "2027-01-19");
	ck_assert_int_eq(ro->stages[1].pct, 50);
	ck_assert_int_eq(ro->stages[2].subdomain_policy, DMARC_POLICY_REJECT);
	cfg_release(&cfg);
}
END_TEST

/* The shipped templates: valid, every offset a whole number of weeks
 * (steps fall on the start's weekday), from none to reject. */
START_TEST(shipped_templates)
{
	static const char *const names[] = { "standard", "cautious", "fast" };
	const struct cfg_rollout	*ro;
	struct cfg			 cfg;
	struct buf			 text = BUF_INIT;
	size_t				 i, j;

	for (i = 0; i < 3; i++) {
		buf_reset(&text);
		buf_addf(&text, "version: 1\ndomains:\n  example.com:\n"
		    "    dmarc: { rollout: { template: %s, start: 2026-12-01 }"
		    " }\n", names[i]);
		load(&cfg, buf_str(&text), NULL);
		ro = &cfg.domains[0].dmarc.rollout;
		ck_assert_uint_ge(ro->nstages, 3);
		ck_assert_int_eq(ro->stages[0].policy, DMARC_POLICY_NONE);
		ck_assert_int_eq(ro->stages[ro->nstages - 1].policy,
		    DMARC_POLICY_REJECT);
		ck_assert_int_eq(ro->stages[ro->nstages - 1].testing, 0);
		for (j = 0; j < ro->nstages; j++) {
			ck_assert_msg((ro->stages[j].from - ro->start) % 7 == 0,
			    "%s: stage %zu is not on a whole week", names[i],
			    j + 1);
			ck_assert_int_eq(ro->stages[j].pct, -1);
			ck_assert_int_eq(ro->stages[j].rollback, 0);
		}
		cfg_release(&cfg);
	}
	buf_release(&text);
}
END_TEST

/* The template fixture name, from memory: the number of stages, or -1
 * and its diagnostics, one a line, in out. */
static int
template_from_memory(const char *name, struct buf *out)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 text = BUF_INIT;
	char		*path = xasprintf(USER_DIR "/%s.yaml", name);
	size_t		 i;
	int		 rc;

	ck_assert_int_eq(test_slurp(path, &text), 0);
	rc = cfg_template_load_string(path, text.data, text.len, &d);
	for (i = 0; i < d.n; i++) {
		diag_format(&d.v[i], out);
		buf_addc(out, '\n');
	}
	diags_release(&d);
	buf_release(&text);
	free(path);
	return rc;
}

/* The lines of the .err file of ROLLOUT/bad/err that name the template
 * fixture name. */
static void
template_golden(const char *err, const char *name, struct buf *out)
{
	struct buf	 all = BUF_INIT;
	char		*path = xasprintf(ROLLOUT "/bad/%s.err", err);
	char		*prefix = xasprintf(USER_DIR "/%s.yaml", name);
	const char	*p, *nl;

	ck_assert_int_eq(test_slurp(path, &all), 0);
	for (p = buf_str(&all); *p != '\0'; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			buf_add(out, p, (size_t)(nl - p) + 1);
	}
	buf_release(&all);
	free(path);
	free(prefix);
}

#define ONE_STAGE	"stages:\n  - { day: 0, policy: none }\n"

/* A template from memory goes the way a template file a config names
 * goes: the same diagnostics, word for word, as the golden files hold. */
START_TEST(template_from_memory_same_path)
{
	static const struct {
		const char	*name;
		const char	*err;
	} bad[] = {
		{ "bad-order", "broken-templates" },
		{ "empty", "broken-templates" },
		{ "syntax", "broken-templates" },
		{ "no-stages", "broken-templates" },
		{ "alias", "alias" },
	};
	struct buf	 got = BUF_INIT, want = BUF_INIT;
	struct diags	 d = DIAGS_INIT;
	char		*big;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		buf_reset(&got);
		buf_reset(&want);
		ck_assert_int_eq(template_from_memory(bad[i].name, &got), -1);
		template_golden(bad[i].err, bad[i].name, &want);
		ck_assert_uint_gt(want.len, 0);
		ck_assert_str_eq(buf_str(&got), buf_str(&want));
	}
	/* A good one: its stages, and only the warning it has. */
	buf_reset(&got);
	ck_assert_int_eq(template_from_memory("quick", &got), 3);
	ck_assert_ptr_nonnull(strstr(buf_str(&got), "quick.yaml:6:"));
	/* No name, NUL bytes, and the size limit of a file. */
	ck_assert_int_eq(cfg_template_load_string(NULL, ONE_STAGE,
	    strlen(ONE_STAGE), &d), 1);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(cfg_template_load_string("t.yaml",
	    "stages: [\0]", 11, &d), -1);
	ck_assert_uint_ge(d.nerrors, 1);
	diags_release(&d);
	big = xcalloc(1, 1024 * 1024 + 1);
	memset(big, '#', 1024 * 1024 + 1);
	ck_assert_int_eq(cfg_template_load_string("big.yaml", big,
	    1024 * 1024 + 1, &d), -1);
	buf_reset(&got);
	diag_format(&d.v[0], &got);
	ck_assert_str_eq(buf_str(&got), "big.yaml: larger than 1 MiB, the "
	    "limit for a template");
	diags_release(&d);
	free(big);
	buf_release(&got);
	buf_release(&want);
}
END_TEST

START_TEST(template_name_clash)
{
	struct cfg_load_opts	 lo = { ROLLOUT "/clash", BUILTIN_DIR };
	static const char	 text[] = "version: 1\ndomains:\n"
				    "  example.com:\n    dmarc:\n"
				    "      rollout: { template: standard, "
				    "start: 2026-12-01 }\n";
	struct diags		 d = DIAGS_INIT;
	struct buf		 got = BUF_INIT;
	struct cfg		 cfg;

	ck_assert_int_eq(cfg_load_string_with(&cfg, "m.yaml", text,
	    strlen(text), &lo, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	diag_format(&d.v[0], &got);
	ck_assert_str_eq(buf_str(&got), "m.yaml:5:28: "
	    "domains.example.com.dmarc.rollout.template: template 'standard' "
	    "is both in '" ROLLOUT "/clash/standard.yaml' (--policies) and "
	    "built in ('" BUILTIN_DIR "/standard.yaml'); give yours another "
	    "name");
	/* Without the user's folder, the built-in one is used. */
	diags_release(&d);
	lo.user_templates = NULL;
	ck_assert_int_eq(cfg_load_string_with(&cfg, "m.yaml", text,
	    strlen(text), &lo, &d), 0);
	ck_assert_str_eq(cfg.domains[0].dmarc.rollout.template_path,
	    BUILTIN_DIR "/standard.yaml");
	cfg_release(&cfg);
	diags_release(&d);
	buf_release(&got);
}
END_TEST

START_TEST(template_folder_empty)
{
	struct cfg_load_opts	 lo = { ROLLOUT, NULL };
	static const char	 text[] = "version: 1\ndomains:\n"
				    "  example.com:\n    dmarc:\n"
				    "      rollout: { template: standard, "
				    "start: 2026-12-01 }\n";
	struct diags		 d = DIAGS_INIT;
	struct cfg		 cfg;

	ck_assert_int_eq(cfg_load_string_with(&cfg, NULL, text, strlen(text),
	    &lo, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.v[0].msg, "domains.example.com.dmarc.rollout."
	    "template: unknown template 'standard': no templates in '"
	    ROLLOUT "'");
	diags_release(&d);
}
END_TEST

/* --- fixtures: each NAME.yaml of good/ and bad/ against NAME.err --- */

static size_t
run_fixtures(const char *dir, int want_rc, struct buf *fail)
{
	struct cfg_load_opts	 lo = { USER_DIR, BUILTIN_DIR };
	struct dirent		*de;
	DIR			*dp;
	size_t			 n = 0, len, i;

	dp = opendir(dir);
	ck_assert_msg(dp != NULL, "cannot open '%s'", dir);
	while ((de = readdir(dp)) != NULL) {
		struct buf	 got = BUF_INIT, want = BUF_INIT;
		struct diags	 d = DIAGS_INIT;
		struct cfg	 cfg;
		char		*path, *golden;
		int		 rc;

		len = strlen(de->d_name);
		if (len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		n++;
		path = xasprintf("%s/%s", dir, de->d_name);
		golden = xasprintf("%s/%.*s.err", dir, (int)(len - 5),
		    de->d_name);
		if (test_slurp(golden, &want) == -1 && want_rc == -1)
			buf_addf(fail, "%s: no golden file\n", path);
		rc = cfg_load_with(&cfg, path, &lo, &d);
		for (i = 0; i < d.n; i++) {
			diag_format(&d.v[i], &got);
			buf_addc(&got, '\n');
		}
		if (rc != want_rc)
			buf_addf(fail, "%s: returned %d\n", path, rc);
		if (strcmp(buf_str(&got), buf_str(&want)) != 0)
			buf_addf(fail, "%s: diagnostics differ\n--- wanted\n%s"
			    "--- got\n%s", path, buf_str(&want), buf_str(&got));
		if (rc == 0)
			cfg_release(&cfg);
		diags_release(&d);
		buf_release(&got);
		buf_release(&want);
		free(path);
		free(golden);
	}
	closedir(dp);
	return n;
}

START_TEST(fixtures)
{
	struct buf	 fail = BUF_INIT;
	size_t		 good, bad;

	good = run_fixtures(ROLLOUT "/good", 0, &fail);
	bad = run_fixtures(ROLLOUT "/bad", -1, &fail);
	printf("rollout: %zu good and %zu bad template fixtures\n", good, bad);
	ck_assert_uint_ge(good, 1);
	ck_assert_uint_ge(bad, 3);
	/* Check cannot carry a message of more than about 4 KiB. */
	ck_assert_msg(fail.len == 0, "%.3000s", buf_str(&fail));
	buf_release(&fail);
}
END_TEST

/* --- plans --- */

/* The plan of RAMP on date against a live _dmarc TXT set (NULL: none). */
struct world {
	struct cfg		 cfg;
	struct desired		*want;
	size_t			 nwant;
	struct zone		 zone;
	struct live		 live;
	struct live_state	 ls;
	struct plan		 plan;
	struct diags		 d;
};

static void
world_plan(struct world *w, const char *text, const char *date,
    const char *live)
{
	memset(w, 0, sizeof(*w));
	load(&w->cfg, text, NULL);
	ck_assert_int_eq(desired_build(&w->cfg, test_day(date), &w->want,
	    &w->nwant, &w->d), 0);
	ck_assert_uint_eq(w->nwant, 1);
	w->zone.id = "Z1EXAMPLE";
	w->zone.name = "example.com.";
	w->live.desired = &w->want[0];
	w->live.zone = &w->zone;
	if (live != NULL) {
		w->live.sets = xcalloc(1, sizeof(*w->live.sets));
		w->live.nsets = 1;
		rrset_init(&w->live.sets[0], "_dmarc.example.com.", "TXT",
		    3600);
		rrset_value_add(&w->live.sets[0], live);
	}
	w->ls.zones = &w->zone;
	w->ls.nzones = 1;
	w->ls.lives = &w->live;
	w->ls.nlives = 1;
	ck_assert_int_eq(plan_diff(w->want, 1, &w->ls, NULL, 0, &w->plan,
	    &w->d), 0);
	ck_assert_uint_eq(w->plan.nchanges, 1);
}

static void
world_release(struct world *w)
{
	if (w->live.sets != NULL) {
		rrset_release(&w->live.sets[0]);
		free(w->live.sets);
	}
	plan_release(&w->plan);
	desired_release(w->want, w->nwant);
	cfg_release(&w->cfg);
	diags_release(&w->d);
}

#define LIVE_NONE	"\"v=DMARC1; p=none; rua=mailto:dmarc@example.com\""

START_TEST(plan_names_the_stage)
{
	struct world	 w;
	struct buf	 out = BUF_INIT;

	world_plan(&w, RAMP, "2027-01-20", LIVE_NONE);
	ck_assert_int_eq(w.plan.changes[0].op, PLAN_UPDATE);
	ck_assert_ptr_nonnull(w.plan.changes[0].stage);
	ck_assert_ptr_ne(w.plan.changes[0].stage, w.want[0].stage);
	plan_render_text(&w.plan, 0, &out);
	ck_assert_str_eq(buf_str(&out),
	    "  # _dmarc.example.com TXT: DMARC for example.com (zone "
	    "Z1EXAMPLE)\n"
	    "  ~ _dmarc.example.com TXT ttl 3600\n"
	    "      stage 2 of 5: quarantine (testing) since 2027-01-05; next "
	    "stage on 2027-02-01\n"
	    "      - " LIVE_NONE "\n"
	    "      + \"v=DMARC1; p=quarantine; t=y; pct=0; "
	    "rua=mailto:dmarc@example.com\"\n"
	    "\n"
	    "Plan: 0 to add, 1 to change, 0 to destroy.\n");
	buf_reset(&out);
	plan_render_markdown(&w.plan, &out);
	ck_assert_msg(strstr(buf_str(&out), " | stage 2 of 5\\: quarantine "
	    "(testing) since 2027-01-05; next stage on 2027-02-01 |\n") !=
	    NULL, "%s", buf_str(&out));
	buf_release(&out);
	world_release(&w);
}
END_TEST

/* An unchanged record of a rollout is still shown, with its stage: a
 * daily pipeline says where the rollout is. */
START_TEST(plan_shows_unchanged_stage)
{
	struct world	 w;
	struct buf	 out = BUF_INIT;

	world_plan(&w, RAMP, "2027-04-02", "\"v=DMARC1; p=reject; sp=reject; "
	    "rua=mailto:dmarc@example.com\"");
	ck_assert_int_eq(w.plan.changes[0].op, PLAN_NONE);
	ck_assert(!plan_has_changes(&w.plan));
	plan_render_text(&w.plan, 0, &out);
	ck_assert_str_eq(buf_str(&out),
	    "  # _dmarc.example.com TXT: DMARC for example.com (zone "
	    "Z1EXAMPLE)\n"
	    "  = _dmarc.example.com TXT: no change\n"
	    "      stage 5 of 5: reject since 2027-04-01; the last stage\n"
	    "\n");
	buf_release(&out);
	world_release(&w);
}
END_TEST

/* Before the first stage: nothing is written, the live record is shown as
 * it is, and the plan says when the rollout starts. */
START_TEST(plan_before_the_start)
{
	static const char	*const lives[] = {
		"\"v=DMARC1; p=reject\"", NULL
	};
	struct world		 w;
	struct buf		 out = BUF_INIT, md = BUF_INIT;
	size_t			 i;

	for (i = 0; i < 2; i++) {
		world_plan(&w, RAMP, "2026-11-30", lives[i]);
		ck_assert_int_eq(w.plan.changes[0].op, PLAN_NONE);
		ck_assert_int_eq(w.plan.changes[0].stage->number, 0);
		ck_assert(!plan_has_changes(&w.plan));
		if (lives[i] != NULL)
			ck_assert(rrset_equal(&w.plan.changes[0].before,
			    &w.plan.changes[0].after));
		else
			ck_assert_ptr_null(w.plan.changes[0].after.name);
		buf_reset(&out);
		plan_render_text(&w.plan, 0, &out);
		ck_assert_str_eq(buf_str(&out), i == 0 ?
		    "  # _dmarc.example.com TXT: DMARC for example.com (zone "
		    "Z1EXAMPLE)\n"
		    "  = _dmarc.example.com TXT: no change\n"
		    "      rollout not started: stage 1 of 5 begins on "
		    "2026-12-01; DMARC is left alone until then\n\n" :
		    "  # _dmarc.example.com: DMARC for example.com (zone "
		    "Z1EXAMPLE)\n"
		    "  = _dmarc.example.com: nothing published, no change\n"
		    "      rollout not started: stage 1 of 5 begins on "
		    "2026-12-01; DMARC is left alone until then\n\n");
		buf_reset(&md);
		plan_render_markdown(&w.plan, &md);
		ck_assert_msg(strstr(buf_str(&md), "| rollout not started\\: "
		    "stage 1 of 5 begins on 2026-12-01; DMARC is left alone "
		    "until then |\n") != NULL, "%s", buf_str(&md));
		ck_assert_ptr_nonnull(strstr(buf_str(&md), "No changes.\n"));
		world_release(&w);
	}
	/* What is live is not judged either: a broken record, which a
	 * plan that replaces it warns about, passes without a word. */
	world_plan(&w, RAMP, "2026-11-30", "\"v=DMARC1; p=bogus\"");
	ck_assert_uint_eq(w.d.n, 0);
	world_release(&w);
	world_plan(&w, RAMP, "2026-12-01", "\"v=DMARC1; p=bogus\"");
	ck_assert_uint_gt(w.d.nwarnings, 0);
	world_release(&w);
	buf_release(&out);
	buf_release(&md);
}
END_TEST

static const char ROLLBACK[] =
    "version: 1\n"
    "domains:\n"
    "  example.com:\n"
    "    dmarc:\n"
    "      rollout:\n"
    "        - { policy: quarantine, from: 2026-12-01 }\n"
    "        - { policy: reject, from: 2027-01-05 }\n"
    "        - { policy: quarantine, from: 2027-02-01, rollback: true }\n"
    "        - { policy: reject, from: 2027-03-01 }\n";

START_TEST(rollback_is_highlighted_and_weakens)
{
	struct world	 w;
	struct buf	 out = BUF_INIT;
	char		*why;

	world_plan(&w, ROLLBACK, "2027-02-01", "\"v=DMARC1; p=reject\"");
	ck_assert_int_eq(w.plan.changes[0].stage->rollback, 1);
	plan_render_text(&w.plan, 0, &out);
	ck_assert_msg(strstr(buf_str(&out), "      stage 3 of 4: ROLLBACK to "
	    "quarantine since 2027-02-01; next stage on 2027-03-01\n") !=
	    NULL, "%s", buf_str(&out));
	buf_reset(&out);
	plan_render_text(&w.plan, 1, &out);
	ck_assert_ptr_nonnull(strstr(buf_str(&out),
	    "\033[31m\033[1mROLLBACK\033[0m to quarantine"));
	buf_reset(&out);
	plan_render_markdown(&w.plan, &out);
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "stage 3 of 4\\: "
	    "**ROLLBACK** to quarantine since 2027-02-01"));
	/* The guard judges the records: the rollback weakens DMARC, so
	 * apply needs --allow-weaken, and the list says why. */
	why = plan_change_weakens(&w.plan.changes[0]);
	ck_assert_ptr_nonnull(why);
	ck_assert_str_eq(why, "DMARC policy p=reject -> p=quarantine");
	free(why);
	buf_reset(&out);
	ck_assert_uint_eq(cli_plan_weakens(&w.plan, &out, 0), 1);
	ck_assert_str_eq(buf_str(&out), "Weakens protection (apply refuses "
	    "these unless --allow-weaken is given):\n"
	    "  ! _dmarc.example.com: DMARC policy p=reject -> p=quarantine "
	    "(stage 3 of 4 is a rollback)\n\n");
	world_release(&w);
	/* Once the rollback is live, the next stage tightens again and
	 * weakens nothing. */
	world_plan(&w, ROLLBACK, "2027-03-01", "\"v=DMARC1; p=quarantine\"");
	ck_assert_ptr_null(plan_change_weakens(&w.plan.changes[0]));
	world_release(&w);
	buf_release(&out);
}
END_TEST

/* A normal step never trips the guard: stages only tighten. */
START_TEST(steps_do_not_weaken)
{
	static const char *const days[] = {
		"2026-12-01", "2027-01-05", "2027-02-01", "2027-03-01",
		"2027-04-01"
	};
	struct world	 w;
	struct buf	 prev = BUF_INIT;
	size_t		 i;

	buf_adds(&prev, LIVE_NONE);
	for (i = 1; i < 5; i++) {
		world_plan(&w, RAMP, days[i], buf_str(&prev));
		ck_assert_int_eq(w.plan.changes[0].op, PLAN_UPDATE);
		ck_assert_ptr_null(plan_change_weakens(&w.plan.changes[0]));
		buf_reset(&prev);
		buf_adds(&prev, w.plan.changes[0].after.values[0]);
		world_release(&w);
	}
	buf_release(&prev);
}
END_TEST

Suite *
rollout_suite(void)
{
	Suite	*s = suite_create("rollout");
	TCase	*tc = tcase_create("stages");

	tcase_add_test(tc, stage_at_boundaries);
	tcase_add_test(tc, records_of_each_stage);
	tcase_add_test(tc, no_rollout_no_stage);
	suite_add_tcase(s, tc);
	tc = tcase_create("templates");
	tcase_add_test(tc, template_expansion);
	tcase_add_test(tc, shipped_templates);
	tcase_add_test(tc, template_name_clash);
	tcase_add_test(tc, template_from_memory_same_path);
	tcase_add_test(tc, template_folder_empty);
	tcase_add_test(tc, fixtures);
	suite_add_tcase(s, tc);
	tc = tcase_create("plan");
	tcase_add_test(tc, plan_names_the_stage);
	tcase_add_test(tc, plan_shows_unchanged_stage);
	tcase_add_test(tc, plan_before_the_start);
	tcase_add_test(tc, rollback_is_highlighted_and_weakens);
	tcase_add_test(tc, steps_do_not_weaken);
	suite_add_tcase(s, tc);
	return s;
}
