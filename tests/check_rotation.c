/*
 * check_rotation.c - DKIM selectors on dates (from, retire;
 * docs/rotation.md): the state of a selector on the day before, of and
 * after each date, the record desired_build() makes then (nothing, the
 * key, the revoked key "v=DKIM1; k=TYPE; p="), the plan against a live key
 * (left alone while pending, revoked on retire, never weakening), and the
 * warnings when a domain is left with no active selector.  The located
 * errors of the keys are the golden fixture config/bad/dkim-dates.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/date.h"
#include "mailauth/desired.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/live.h"
#include "mailauth/plan.h"
#include "testutil.h"

/* Relative public_key_file paths are read from here. */
#define CONFIG		FIXTURES "/dkim/mailauth.yaml"
#define RSA_RECORD	"v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIB"
#define RSA_REVOKED	"v=DKIM1; k=rsa; p="
#define ED_RECORD	"v=DKIM1; k=ed25519; " \
			"p=1fA0z6fTK1A7i/BKdDtUdx3aht/a0YvL4IRqoGgeY/M="

/* s2026 retires on 2027-02-10; s2027 is published from 2027-01-10. */
static const char ROTATION[] =
    "version: 1\n"
    "domains:\n"
    "  example.com:\n"
    "    dkim:\n"
    "      s2026: { public_key_file: rsa2048.pub.pem, retire: 2027-02-10 }\n"
    "      s2027: { public_key_file: ed25519.pub.pem, from: 2027-01-10 }\n"
    "      ses: { cname: tok.dkim.amazonses.com, from: 2027-01-10 }\n"
    "      old: { state: absent }\n";

static void
load(struct cfg *cfg, const char *text)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 msgs = BUF_INIT;
	size_t		 i;
	int		 rc;

	rc = cfg_load_string(cfg, CONFIG, text, strlen(text), &d);
	for (i = 0; i < d.n; i++) {
		diag_format(&d.v[i], &msgs);
		buf_addc(&msgs, '\n');
	}
	ck_assert_msg(rc == 0 && d.n == 0, "load:\n%s", buf_str(&msgs));
	diags_release(&d);
	buf_release(&msgs);
}

/* --- the state of a selector on a day --- */

static const struct {
	const char		*day;
	enum cfg_dkim_state	 s2026, s2027;
	const char		*next2026, *next2027;	/* NULL: -1 */
} states[] = {
	{ "2027-01-09", CFG_DKIM_ACTIVE, CFG_DKIM_PENDING,
	    "2027-02-10", "2027-01-10" },
	{ "2027-01-10", CFG_DKIM_ACTIVE, CFG_DKIM_ACTIVE, "2027-02-10", NULL },
	{ "2027-02-09", CFG_DKIM_ACTIVE, CFG_DKIM_ACTIVE, "2027-02-10", NULL },
	{ "2027-02-10", CFG_DKIM_RETIRED, CFG_DKIM_ACTIVE, NULL, NULL },
	{ "2099-12-31", CFG_DKIM_RETIRED, CFG_DKIM_ACTIVE, NULL, NULL },
};

static long
day_or_none(const char *s)
{
	return s != NULL ? test_day(s) : -1;
}

START_TEST(state_at_boundaries)
{
	struct cfg	 cfg;
	size_t		 i;
	long		 day;

	load(&cfg, ROTATION);
	ck_assert_uint_eq(cfg.domains[0].ndkim, 4);
	ck_assert_int_eq(cfg.domains[0].dkim[0].from, -1);
	ck_assert_int_eq(cfg.domains[0].dkim[0].retire, test_day("2027-02-10"));
	ck_assert_int_eq(cfg.domains[0].dkim[1].from, test_day("2027-01-10"));
	ck_assert_int_eq(cfg.domains[0].dkim[1].retire, -1);
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		day = test_day(states[i].day);
		ck_assert_msg(cfg_dkim_at(&cfg.domains[0].dkim[0], day) ==
		    states[i].s2026, "s2026 on %s", states[i].day);
		ck_assert_msg(cfg_dkim_at(&cfg.domains[0].dkim[1], day) ==
		    states[i].s2027, "s2027 on %s", states[i].day);
		ck_assert_int_eq(cfg_dkim_next(&cfg.domains[0].dkim[0], day),
		    day_or_none(states[i].next2026));
		ck_assert_int_eq(cfg_dkim_next(&cfg.domains[0].dkim[1], day),
		    day_or_none(states[i].next2027));
		/* state: absent is absent whatever the day. */
		ck_assert(cfg_dkim_at(&cfg.domains[0].dkim[3], day) ==
		    CFG_DKIM_ABSENT);
		ck_assert_int_eq(cfg_dkim_next(&cfg.domains[0].dkim[3], day),
		    -1);
	}
	cfg_release(&cfg);
}
END_TEST

/* --- the records of a day --- */

struct built {
	struct cfg	 cfg;
	struct desired	*v;
	size_t		 n;
	struct diags	 d;
};

static void
build(struct built *b, const char *text, const char *day)
{
	memset(b, 0, sizeof(*b));
	load(&b->cfg, text);
	ck_assert_int_eq(desired_build(&b->cfg, test_day(day), &b->v, &b->n,
	    &b->d), 0);
}

static void
built_release(struct built *b)
{
	desired_release(b->v, b->n);
	cfg_release(&b->cfg);
	diags_release(&b->d);
}

/* NULL: nothing is written at the name (leave); "-": deleted (absent). */
static void
want_record(const struct desired *w, const char *type, const char *text,
    const char *day)
{
	if (text == NULL) {
		ck_assert_msg(w->leave && w->type == NULL && w->text == NULL,
		    "%s on %s: not left alone", w->name, day);
		return;
	}
	ck_assert_msg(!w->leave, "%s on %s: left alone", w->name, day);
	if (strcmp(text, "-") == 0) {
		ck_assert(w->absent && w->type == NULL);
		return;
	}
	ck_assert_str_eq(w->type, type);
	ck_assert_msg(strncmp(w->text, text, strlen(text)) == 0 &&
	    (strcmp(text, RSA_REVOKED) != 0 || strcmp(w->text, text) == 0),
	    "%s on %s: '%s', wanted '%s'", w->name, day, w->text, text);
}

START_TEST(records_at_boundaries)
{
	static const struct {
		const char	*day;
		const char	*s2026, *s2027, *ses;
	} want[] = {
		{ "2027-01-09", RSA_RECORD, NULL, NULL },
		{ "2027-01-10", RSA_RECORD, ED_RECORD, "tok.dkim.amazonses.com." },
		{ "2027-02-09", RSA_RECORD, ED_RECORD, "tok.dkim.amazonses.com." },
		{ "2027-02-10", RSA_REVOKED, ED_RECORD,
		    "tok.dkim.amazonses.com." },
	};
	struct built	 b;
	size_t		 i;

	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		build(&b, ROTATION, want[i].day);
		ck_assert_uint_eq(b.n, 4);
		ck_assert_str_eq(b.v[0].name, "s2026._domainkey.example.com.");
		want_record(&b.v[0], "TXT", want[i].s2026, want[i].day);
		want_record(&b.v[1], "TXT", want[i].s2027, want[i].day);
		want_record(&b.v[2], "CNAME", want[i].ses, want[i].day);
		want_record(&b.v[3], NULL, "-", want[i].day);
		/* One selector is active every day: no warning. */
		ck_assert_uint_eq(b.d.n, 0);
		built_release(&b);
	}
}
END_TEST

/* The revoked record keeps the key's type (k=ed25519), and a retired
 * key is not checked any more: an RSA key of 1024 bits, a warning while
 * it is published, is none once revoked. */
START_TEST(revoked_keeps_type_and_is_not_linted)
{
	static const char	 text[] =
	    "version: 1\n"
	    "domains:\n"
	    "  example.com:\n"
	    "    dkim:\n"
	    "      weak: { public_key_file: rsa1024.pub.pem, retire: 2027-03-01 }\n"
	    "      ed: { public_key_file: ed25519.pub.pem, retire: 2027-03-01 }\n"
	    "      next: { public_key_file: rsa2048.pub.pem }\n";
	struct built		 b;

	build(&b, text, "2027-02-28");
	ck_assert(test_warned(&b.d, "1024"));
	built_release(&b);
	build(&b, text, "2027-03-01");
	ck_assert_str_eq(b.v[0].text, "v=DKIM1; k=rsa; p=");
	ck_assert_str_eq(b.v[1].text, "v=DKIM1; k=ed25519; p=");
	ck_assert_uint_eq(b.d.n, 0);
	built_release(&b);
}
END_TEST

/* --- warnings --- */

static const char *
only_warning(const struct built *b)
{
	static char	 line[512];
	struct buf	 out = BUF_INIT;

	ck_assert_uint_eq(b->d.n, 1);
	ck_assert_int_eq(b->d.v[0].level, DIAG_WARNING);
	diag_format(&b->d.v[0], &out);
	snprintf(line, sizeof(line), "%s", buf_str(&out));
	buf_release(&out);
	return line;
}

static const char LAST[] =
    "version: 1\n"
    "domains:\n"
    "  example.com:\n"
    "    dkim:\n"
    "      old: { state: absent }\n"
    "      s1: { public_key_file: rsa2048.pub.pem, retire: 2027-03-01 }\n"
    "      s2: { public_key_file: rsa2048.pub.pem, from: 2027-04-01 }\n";

/* The warning of each day: NULL for none, else the whole line or, after
 * '~', a part of it. */
static const struct {
	const char	*day;
	const char	*want;
} warnings[] = {
	/* 15 days ahead: nothing yet; 14: the notice. */
	{ "2027-02-14", NULL },
	{ "2027-02-15", CONFIG ":6:7: warning: domains.example.com.dkim.s1: "
	    "retires on 2027-03-01 (in 14 days) and no other selector is "
	    "active then: publish the next key with from: and switch the "
	    "signer to it first" },
	{ "2027-02-28", "~(in 1 day) " },
	/* From retire to the day before s2: none active. */
	{ "2027-03-01", CONFIG ":5:7: warning: domains.example.com.dkim: no "
	    "selector is active on 2027-03-01 (each is pending, retired or "
	    "absent): mail signed with any of them fails DKIM" },
	{ "2027-03-31", "~no selector is active on 2027-03-31" },
	{ "2027-04-01", NULL },
};

START_TEST(no_active_selector_warns)
{
	struct built	 b;
	size_t		 i;

	for (i = 0; i < sizeof(warnings) / sizeof(warnings[0]); i++) {
		build(&b, LAST, warnings[i].day);
		if (warnings[i].want == NULL)
			ck_assert_msg(b.d.n == 0, "%s: warned",
			    warnings[i].day);
		else if (warnings[i].want[0] == '~')
			ck_assert_ptr_nonnull(strstr(only_warning(&b),
			    warnings[i].want + 1));
		else
			ck_assert_str_eq(only_warning(&b), warnings[i].want);
		built_release(&b);
	}
}
END_TEST

/* A successor active on the retire day, or a dkim: of state: absent
 * alone (a clean-up), is no reason to warn. */
START_TEST(no_warning_with_a_successor_or_cleanup)
{
	struct built	 b;
	char		*text;

	text = xasprintf("%s", LAST);
	memcpy(strstr(text, "2027-04-01"), "2027-03-01", 10);
	build(&b, text, "2027-02-20");
	ck_assert_uint_eq(b.d.n, 0);
	built_release(&b);
	build(&b, text, "2027-03-01");
	ck_assert_uint_eq(b.d.n, 0);
	built_release(&b);
	free(text);
	build(&b, "version: 1\ndomains:\n  example.com:\n    dkim:\n"
	    "      a: { state: absent }\n      b: { state: absent }\n",
	    "2027-01-01");
	ck_assert_uint_eq(b.d.n, 0);
	built_release(&b);
}
END_TEST

/* --- the plan against what is live --- */

static void
plan_one(const struct desired *w, const char *live, struct plan *p)
{
	struct zone		 zone = { "Z1EXAMPLE", "example.com.", NULL };
	struct live		 l;
	struct live_state	 ls;
	struct diags		 d = DIAGS_INIT;

	memset(&l, 0, sizeof(l));
	memset(&ls, 0, sizeof(ls));
	l.desired = w;
	l.zone = &zone;
	if (live != NULL) {
		l.sets = xcalloc(1, sizeof(*l.sets));
		l.nsets = 1;
		rrset_init(&l.sets[0], w->name, "TXT", 3600);
		rrset_value_add(&l.sets[0], live);
	}
	ls.zones = &zone;
	ls.nzones = 1;
	ls.lives = &l;
	ls.nlives = 1;
	ck_assert_int_eq(plan_diff(w, 1, &ls, NULL, 0, p, &d), 0);
	ck_assert_uint_eq(p->nchanges, 1);
	if (live != NULL) {
		rrset_release(&l.sets[0]);
		free(l.sets);
	}
	diags_release(&d);
}

START_TEST(plan_across_dates)
{
	struct built	 b;
	struct plan	 p;
	char		*live = xasprintf("\"%s\"", "v=DKIM1; p=OLDKEY");
	char		*why;

	/* Pending: a record already there is left as it is. */
	build(&b, ROTATION, "2027-01-09");
	plan_one(&b.v[1], live, &p);
	ck_assert_int_eq(p.changes[0].op, PLAN_NONE);
	ck_assert(rrset_equal(&p.changes[0].before, &p.changes[0].after));
	plan_release(&p);
	plan_one(&b.v[1], NULL, &p);
	ck_assert_int_eq(p.changes[0].op, PLAN_NONE);
	ck_assert_ptr_null(p.changes[0].after.name);
	plan_release(&p);
	built_release(&b);
	/* From: the key is created. */
	build(&b, ROTATION, "2027-01-10");
	plan_one(&b.v[1], NULL, &p);
	ck_assert_int_eq(p.changes[0].op, PLAN_CREATE);
	ck_assert_str_eq(p.changes[0].after.values[0], "\"" ED_RECORD "\"");
	plan_release(&p);
	built_release(&b);
	/* Retire: the live key becomes the revoked record, and that is
	 * not weakening (the guard judges DMARC and SPF). */
	build(&b, ROTATION, "2027-02-10");
	plan_one(&b.v[0], live, &p);
	ck_assert_int_eq(p.changes[0].op, PLAN_UPDATE);
	ck_assert_uint_eq(p.changes[0].after.nvalues, 1);
	ck_assert_str_eq(p.changes[0].after.values[0], "\"" RSA_REVOKED "\"");
	why = plan_change_weakens(&p.changes[0]);
	ck_assert_ptr_null(why);
	plan_release(&p);
	built_release(&b);
	free(live);
}
END_TEST

Suite *
rotation_suite(void)
{
	Suite	*s = suite_create("rotation");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, state_at_boundaries);
	tcase_add_test(tc, records_at_boundaries);
	tcase_add_test(tc, revoked_keeps_type_and_is_not_linted);
	tcase_add_test(tc, no_active_selector_warns);
	tcase_add_test(tc, no_warning_with_a_successor_or_cleanup);
	tcase_add_test(tc, plan_across_dates);
	suite_add_tcase(s, tc);
	return s;
}
