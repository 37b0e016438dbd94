/*
 * check_plan.c - desired vs live -> plan, the plan as text, and the change
 * batches apply sends, with no network: live state is built by hand and
 * Route 53 is a recording transport.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/creds.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/apply.h"
#include "mailauth/plan.h"
#include "testutil.h"
#include "mailauth/route53.h"

#define NAME	"_dmarc.example.com."
#define WANT	"v=DMARC1; p=quarantine; rua=mailto:d@example.com"
#define QWANT	"\"" WANT "\""
#define SEL	"s1._domainkey.example.com."
#define ED_KEY	"11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

/* One managed name with the live sets given as (type, ttl, values...). */
struct world {
	struct cfg_domain	 dom;
	struct desired		 want;
	struct zone		 zone;
	struct live		 live;
	struct live_state	 ls;
	struct plan		 plan;
	struct diags		 d;
};

static void
world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	w->dom.name = "example.com";
	w->dom.ttl = 3600;
	w->want.domain = &w->dom;
	w->want.kind = RECORD_DMARC;
	w->want.name = NAME;
	w->want.type = "TXT";
	w->want.ttl = 3600;
	w->want.text = WANT;
	w->zone.id = "Z1EXAMPLE";
	w->zone.name = "example.com.";
	w->live.desired = &w->want;
	w->live.zone = &w->zone;
	w->ls.zones = &w->zone;
	w->ls.nzones = 1;
	w->ls.lives = &w->live;
	w->ls.nlives = 1;
}

static struct rrset *
live_set(struct world *w, const char *type, long ttl)
{
	struct rrset	*rs = xappend(&w->live.sets, &w->live.nsets,
			    sizeof(*w->live.sets));

	rrset_init(rs, NAME, type, ttl);
	return rs;
}

static void
world_release(struct world *w)
{
	r53_rrsets_release(w->live.sets, w->live.nsets);
	plan_release(&w->plan);
	diags_release(&w->d);
}

static const struct plan_change *
diff(struct world *w, int want_rc)
{
	ck_assert_int_eq(plan_diff(&w->want, 1, &w->ls, NULL, 0, &w->plan,
	    &w->d), want_rc);
	ck_assert_uint_eq(w->plan.nchanges, 1);
	return &w->plan.changes[0];
}

START_TEST(create_when_nothing_is_live)
{
	struct world			 w;
	const struct plan_change	*c;

	world_init(&w);
	live_set(&w, "MX", 300);	/* another type at the name */
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_CREATE);
	ck_assert_str_eq(c->after.name, NAME);
	ck_assert_int_eq(c->after.ttl, 3600);
	ck_assert_uint_eq(c->after.nvalues, 1);
	ck_assert_str_eq(c->after.values[0], QWANT);
	ck_assert_uint_eq(w.plan.nadd, 1);
	ck_assert(plan_has_changes(&w.plan));
	world_release(&w);
}
END_TEST

START_TEST(equivalent_value_is_kept)
{
	struct world			 w;
	const struct plan_change	*c;
	const char			*live = "\"v=DMARC1 ;p=Quarantine;"
					    "rua = mailto:d@example.com\"";

	world_init(&w);
	rrset_value_add(live_set(&w, "TXT", 3600), live);
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_NONE);
	ck_assert_str_eq(c->after.values[0], live);
	ck_assert_ptr_nonnull(c->note);
	ck_assert_ptr_nonnull(strstr(c->note, "equivalent"));
	ck_assert(!plan_has_changes(&w.plan));
	world_release(&w);
}
END_TEST

START_TEST(dmarc_tag_name_case_is_replaced)
{
	struct world			 w;
	const struct plan_change	*c;

	/* Mail::DMARC ignores "P=" (it sees rua= and no policy: p=none),
	 * OpenDMARC reads it: plan writes the record every receiver reads
	 * the same way. */
	world_init(&w);
	rrset_value_add(live_set(&w, "TXT", 3600), "\"v=DMARC1; P=quarantine; "
	    "rua=mailto:d@example.com\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_str_eq(c->after.values[0], QWANT);
	world_release(&w);
}
END_TEST

START_TEST(identical_value_is_no_change)
{
	struct world			 w;
	const struct plan_change	*c;

	world_init(&w);
	rrset_value_add(live_set(&w, "TXT", 3600), QWANT);
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_NONE);
	ck_assert_ptr_null(c->note);
	world_release(&w);
}
END_TEST

#define TESTING	"v=DMARC1; p=quarantine; t=y; pct=0; rua=mailto:d@example.com"

/*
 * A live value mailauth itself wrote is not linted again: the testing
 * stage's pct=0 would warn every day (issue 18).  The same text written
 * by hand, where the config asks for another record, still warns.
 */
START_TEST(own_value_is_not_linted_again)
{
	struct world	 w;
	struct cfg_stage st[2];
	char		*rua[] = { "mailto:d@example.com" };

	/* Today's desired record is the testing stage, and it is live. */
	world_init(&w);
	w.want.text = TESTING;
	rrset_value_add(live_set(&w, "TXT", 3600), "\"" TESTING "\"");
	ck_assert_int_eq(diff(&w, 0)->op, PLAN_NONE);
	ck_assert_uint_eq(w.d.nwarnings, 0);
	world_release(&w);

	/* Hand-written pct=0 outside the config: the warning stays. */
	world_init(&w);
	rrset_value_add(live_set(&w, "TXT", 3600), "\"" TESTING "\"");
	ck_assert_int_eq(diff(&w, 0)->op, PLAN_UPDATE);
	ck_assert_msg(test_warned(&w.d, "live record: _dmarc.example.com: "
	    "'pct=0': RFC 9989 removed pct"), "no pct warning");
	world_release(&w);

	/* The step after the testing stage: the live record is the
	 * rollout's stage 1, which mailauth wrote too. */
	world_init(&w);
	memset(st, 0, sizeof(st));
	st[0].policy = DMARC_POLICY_QUARANTINE;
	st[0].testing = 1;
	st[0].pct = -1;
	st[1].policy = DMARC_POLICY_QUARANTINE;
	st[1].pct = -1;
	st[1].from = 10;
	w.dom.dmarc.present = 1;
	w.dom.dmarc.spec.testing = -1;
	w.dom.dmarc.spec.pct = -1;
	w.dom.dmarc.spec.ri = -1;
	w.dom.dmarc.spec.rua = rua;
	w.dom.dmarc.spec.nrua = 1;
	w.dom.dmarc.rollout.stages = st;
	w.dom.dmarc.rollout.nstages = 2;
	rrset_value_add(live_set(&w, "TXT", 3600), "\"" TESTING "\"");
	ck_assert_int_eq(diff(&w, 0)->op, PLAN_UPDATE);
	ck_assert_msg(!test_warned(&w.d, "pct"), "pct warning on a stage record");
	ck_assert(plan_text_is_own(&w.want, TESTING, strlen(TESTING)));
	/* A NUL after the text is not what mailauth writes. */
	ck_assert(!plan_text_is_own(&w.want, TESTING "\0x",
	    strlen(TESTING) + 2));
	world_release(&w);
}
END_TEST

static void
other(struct live_state *ls, const struct zone *z, const char *name,
    const char *type, const char *value)
{
	struct live_other	*o = xappend(&ls->others, &ls->nothers,
				    sizeof(*ls->others));

	o->zone = z;
	rrset_init(&o->set, name, type, 300);
	rrset_value_add(&o->set, value);
}

#define DKIM_KEY	"\"v=DKIM1; k=ed25519; " \
			"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\""

/*
 * Records plan read that look like mailauth's but that no config entry
 * manages are named once each (issue 18); desired names, stale tokens,
 * other domains' names and values that are not records are not.
 */
START_TEST(unmanaged_look_alikes_are_named)
{
	struct world		 w;
	struct cfg		 cfg;
	struct plan_stale	 st;
	struct rrset		 tok;
	struct live_below	 b;
	struct plan_notice	*notes = NULL;
	size_t			 n = 0;

	world_init(&w);
	memset(&cfg, 0, sizeof(cfg));
	cfg.domains = &w.dom;
	cfg.ndomains = 1;
	other(&w.ls, &w.zone, "old._domainkey.example.com.", "TXT", DKIM_KEY);
	other(&w.ls, &w.zone, "_dmarc.example.com.", "TXT", QWANT);
	other(&w.ls, &w.zone, "misc._domainkey.example.com.", "TXT", "\"hi\"");
	other(&w.ls, &w.zone, "a.b._domainkey.example.com.", "TXT", DKIM_KEY);
	other(&w.ls, &w.zone, "_dmarc.other.example.", "TXT", QWANT);
	other(&w.ls, &w.zone, "_dmarc.sub.example.com.", "TXT", QWANT);
	other(&w.ls, &w.zone, "gone._domainkey.example.com.", "CNAME",
	    "gone.dkim.example.net.");
	other(&w.ls, &w.zone, "tok._domainkey.example.com.", "CNAME",
	    "tok.dkim.amazonses.com");
	/* Found again below _domainkey (an SES domain): named once. */
	memset(&b, 0, sizeof(b));
	b.zone = &w.zone;
	b.sets = &w.ls.others[0].set;
	b.nsets = 1;
	w.ls.belows = &b;
	w.ls.nbelows = 1;
	rrset_init(&tok, "tok._domainkey.example.com.", "CNAME", 300);
	memset(&st, 0, sizeof(st));
	st.set = &tok;
	plan_unmanaged(&cfg, &w.want, 1, &w.ls, &st, 1, &notes, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(notes[0].message, "'old._domainkey.example.com' looks "
	    "like a DKIM selector but is not in the config; mailauth leaves it "
	    "alone (remove it by hand or declare it with state: absent)");
	ck_assert_str_eq(notes[0].domain, "example.com");
	ck_assert_str_eq(notes[0].name, "old._domainkey.example.com.");
	ck_assert_str_eq(notes[1].name, "gone._domainkey.example.com.");
	plan_notices_release(notes, n);
	/* Without the desired DMARC record, _dmarc is a look-alike too. */
	notes = NULL;
	n = 0;
	w.want.name = "_dmarc.elsewhere.example.com.";
	plan_unmanaged(&cfg, &w.want, 1, &w.ls, &st, 1, &notes, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(notes[1].message, "'_dmarc.example.com' looks like a "
	    "DMARC record but is not in the config; mailauth leaves it alone "
	    "(remove it by hand or declare dmarc: for 'example.com')");
	plan_notices_release(notes, n);
	w.ls.belows = NULL;
	w.ls.nbelows = 0;
	rrset_release(&tok);
	for (n = 0; n < w.ls.nothers; n++)
		rrset_release(&w.ls.others[n].set);
	free(w.ls.others);
	world_release(&w);
}
END_TEST

/* A warning names its domain and record where its message does. */
START_TEST(review_locates_warnings)
{
	struct world		 w;
	struct cfg		 cfg;
	struct plan_inputs	 in;
	struct plan_built	 b;
	struct diags		 before = DIAGS_INIT, d = DIAGS_INIT;
	struct plan		 p;

	world_init(&w);
	w.want.key = "domains.example.com.dmarc";
	memset(&cfg, 0, sizeof(cfg));
	cfg.domains = &w.dom;
	cfg.ndomains = 1;
	diags_add(&before, DIAG_WARNING, "mailauth.yaml", 7, 9,
	    "domains.example.com.dmarc.ri: legacy tag");
	diags_add(&before, DIAG_WARNING, NULL, 0, 0, "not read: 'x'");
	diags_add(&d, DIAG_ERROR, NULL, 0, 0, "an error is no warning");
	diags_add(&d, DIAG_WARNING, NULL, 0, 0, "live record: "
	    "_dmarc.example.com: 'pct=5': pct");
	diags_add(&d, DIAG_WARNING, NULL, 0, 0, "domains.example.com: hosted "
	    "zone 'example.com.' is not delegated");
	memset(&in, 0, sizeof(in));
	memset(&b, 0, sizeof(b));
	in.cfg = &cfg;
	in.warned = &before;
	b.desired = b.settled = &w.want;
	b.ndesired = 1;
	memset(&p, 0, sizeof(p));
	plan_review(&in, &b, &d, &p);
	ck_assert_uint_eq(p.nwarnings, 4);
	ck_assert_str_eq(p.warnings[0].message, "mailauth.yaml:7:9: warning: "
	    "domains.example.com.dmarc.ri: legacy tag");
	ck_assert_str_eq(p.warnings[0].domain, "example.com");
	ck_assert_str_eq(p.warnings[0].name, NAME);
	ck_assert_ptr_null(p.warnings[1].domain);
	ck_assert_str_eq(p.warnings[2].name, NAME);
	ck_assert_str_eq(p.warnings[3].domain, "example.com");
	ck_assert_ptr_null(p.warnings[3].name);
	plan_release(&p);
	/* Past DIAGS_MAX, the rest are counted in one last line. */
	while (d.nwarnings < DIAGS_MAX + 5)
		diags_add(&d, DIAG_WARNING, NULL, 0, 0, "w");
	plan_review(&in, &b, &d, &p);
	ck_assert_uint_eq(p.nwarnings, 2 + (DIAGS_MAX - 1) + 1);
	ck_assert_str_eq(p.warnings[p.nwarnings - 1].message,
	    "... and 6 more warnings");
	plan_release(&p);
	diags_release(&before);
	diags_release(&d);
	world_release(&w);
}
END_TEST

START_TEST(update_keeps_other_values_in_place)
{
	struct world			 w;
	const struct plan_change	*c;
	struct rrset			*rs;

	world_init(&w);
	rs = live_set(&w, "TXT", 3600);
	rrset_value_add(rs, "\"vendor=1\"");
	rrset_value_add(rs, "\"v=DMARC1; p=none\"");
	rrset_value_add(rs, "\"zz\" \"split\"");
	rrset_value_add(rs, "\"unterminated");	/* not ours to judge */
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_uint_eq(c->before.nvalues, 4);
	ck_assert_uint_eq(c->after.nvalues, 4);
	ck_assert_str_eq(c->after.values[0], "\"vendor=1\"");
	ck_assert_str_eq(c->after.values[1], QWANT);
	ck_assert_str_eq(c->after.values[2], "\"zz\" \"split\"");
	ck_assert_str_eq(c->after.values[3], "\"unterminated");
	ck_assert_uint_eq(w.plan.nchange, 1);
	world_release(&w);
}
END_TEST

START_TEST(ttl_difference_is_an_update)
{
	struct world			 w;
	const struct plan_change	*c;

	world_init(&w);
	rrset_value_add(live_set(&w, "TXT", 300), QWANT);
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_int_eq(c->before.ttl, 300);
	ck_assert_int_eq(c->after.ttl, 3600);
	world_release(&w);
}
END_TEST

START_TEST(shared_set_keeps_its_live_ttl)
{
	struct world			 w;
	const struct plan_change	*c;
	struct rrset			*rs;

	/* Another value shares the set: its TTL is not ours to change. */
	world_init(&w);
	rs = live_set(&w, "TXT", 300);
	rrset_value_add(rs, "\"vendor=1\"");
	rrset_value_add(rs, "\"v=DMARC1; p=none\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_int_eq(c->after.ttl, 300);
	ck_assert_str_eq(c->after.values[1], QWANT);
	world_release(&w);

	/* Only a foreign value there, nothing of ours yet: still its TTL. */
	world_init(&w);
	rrset_value_add(live_set(&w, "TXT", 300), "\"vendor=1\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_int_eq(c->after.ttl, 300);
	ck_assert_uint_eq(c->after.nvalues, 2);
	world_release(&w);
}
END_TEST

START_TEST(two_records_become_one)
{
	struct world			 w;
	const struct plan_change	*c;
	struct rrset			*rs;

	world_init(&w);
	rs = live_set(&w, "TXT", 3600);
	rrset_value_add(rs, "\"v=DMARC1; p=reject\"");
	rrset_value_add(rs, "\"other\"");
	rrset_value_add(rs, QWANT);
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_uint_eq(c->after.nvalues, 2);
	ck_assert_str_eq(c->after.values[0], QWANT);
	ck_assert_str_eq(c->after.values[1], "\"other\"");
	ck_assert_uint_eq(w.d.nwarnings, 1);
	ck_assert_ptr_nonnull(strstr(w.d.v[0].msg, "2 DMARC records"));
	world_release(&w);
}
END_TEST

START_TEST(conflicts_are_errors)
{
	static const char	*types[] = { "CNAME", "alias", "routing" };
	static const char	*msgs[] = { "is a CNAME", "is an alias",
				    "routing policies" };
	size_t			 i;

	for (i = 0; i < 3; i++) {
		struct world	 w;
		struct rrset	*rs;

		world_init(&w);
		if (i == 0)
			rrset_value_add(live_set(&w, "CNAME", 300),
			    "dmarc.vendor.example.");
		else if (i == 1) {
			rs = live_set(&w, "TXT", -1);
			rs->alias_target = xstrdup("other.example.com.");
		} else {
			rrset_value_add(live_set(&w, "TXT", 60), "\"a\"");
			rrset_value_add(live_set(&w, "TXT", 60), "\"b\"");
		}
		ck_assert_int_eq(plan_diff(&w.want, 1, &w.ls, NULL, 0, &w.plan,
		    &w.d), -1);
		ck_assert_msg(w.d.nerrors == 1, "%s: %zu errors", types[i],
		    w.d.nerrors);
		ck_assert_msg(strstr(w.d.v[0].msg, msgs[i]) != NULL,
		    "%s: %s", types[i], w.d.v[0].msg);
		ck_assert_ptr_nonnull(strstr(w.d.v[0].msg,
		    "_dmarc.example.com"));
		world_release(&w);
	}
}
END_TEST

START_TEST(render_create_and_update)
{
	struct world	 w;
	struct buf	 out = BUF_INIT;
	struct rrset	*rs;

	world_init(&w);
	diff(&w, 0);
	plan_render_text(&w.plan, 0, &out);
	ck_assert_str_eq(buf_str(&out),
	    "  # _dmarc.example.com TXT: DMARC for example.com (zone Z1EXAMPLE)\n"
	    "  + _dmarc.example.com TXT ttl 3600\n"
	    "      + " QWANT "\n"
	    "\n"
	    "Plan: 1 to add, 0 to change, 0 to destroy.\n");
	world_release(&w);

	world_init(&w);
	rs = live_set(&w, "TXT", 300);
	rrset_value_add(rs, "\"v=DMARC1; p=none\"");
	rrset_value_add(rs, "\"keep\"");
	diff(&w, 0);
	buf_reset(&out);
	plan_render_text(&w.plan, 0, &out);
	ck_assert_str_eq(buf_str(&out),
	    "  # _dmarc.example.com TXT: DMARC for example.com (zone Z1EXAMPLE)\n"
	    "  ~ _dmarc.example.com TXT ttl 300\n"
	    "      - \"v=DMARC1; p=none\"\n"
	    "      + " QWANT "\n"
	    "        \"keep\"  (unchanged)\n"
	    "\n"
	    "Plan: 0 to add, 1 to change, 0 to destroy.\n");
	buf_reset(&out);
	plan_render_text(&w.plan, 1, &out);
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "\033[33m~\033[0m"));
	buf_release(&out);
	world_release(&w);
}
END_TEST

/* A DKIM selector: the world's desired record moved to a selector name. */
static void
selector(struct world *w, const char *type, const char *text, int absent)
{
	w->want.kind = RECORD_DKIM;
	w->want.name = SEL;
	w->want.type = (char *)type;
	w->want.text = (char *)text;
	w->want.absent = absent;
}

static struct rrset *
sel_set(struct world *w, const char *type, long ttl)
{
	struct rrset	*rs = live_set(w, type, ttl);

	free(rs->name);
	rs->name = xstrdup(SEL);
	return rs;
}

START_TEST(dkim_txt_to_cname_is_one_update)
{
	struct world			 w;
	const struct plan_change	*c;

	world_init(&w);
	selector(&w, "CNAME", "tok.dkim.amazonses.com.", 0);
	rrset_value_add(sel_set(&w, "TXT", 3600), "\"v=DKIM1; k=rsa; p=MIIB\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_str_eq(c->before.type, "TXT");
	ck_assert_str_eq(c->after.type, "CNAME");
	ck_assert_str_eq(c->after.values[0], "tok.dkim.amazonses.com.");
	world_release(&w);
}
END_TEST

START_TEST(dkim_cname_to_txt_is_one_update)
{
	struct world			 w;
	const struct plan_change	*c;

	world_init(&w);
	selector(&w, "TXT", "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", 0);
	rrset_value_add(sel_set(&w, "CNAME", 3600), "tok.dkim.amazonses.com");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_str_eq(c->before.type, "CNAME");
	ck_assert_str_eq(c->after.type, "TXT");
	world_release(&w);
}
END_TEST

START_TEST(live_value_with_nul_is_replaced)
{
	struct world			 w;
	const struct plan_change	*c;
	size_t				 i;
	int				 seen = 0;

	/* Route 53 answers "\000" for a NUL byte; decoded, the record runs
	 * on past it.  It is not the record mailauth writes (cut at the
	 * NUL it would be), so plan replaces it, and says why. */
	world_init(&w);
	rrset_value_add(live_set(&w, "TXT", 3600), "\"" WANT "\\000; p=none\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_str_eq(c->after.values[0], QWANT);
	for (i = 0; i < w.d.n; i++)
		if (strstr(w.d.v[i].msg, "live record: ") != NULL &&
		    strstr(w.d.v[i].msg, "byte 0x00 at offset 48") != NULL)
			seen = 1;
	ck_assert(seen);
	world_release(&w);
}
END_TEST

START_TEST(dkim_live_empty_tag_is_replaced)
{
	static const char *const live[] = {
		"\"v=DKIM1;; k=ed25519; p=" ED_KEY "\"",
		"\"v=DKIM1; k=ed25519;; p=" ED_KEY "\"",
		"\"v=DKIM1; k=ed25519; p=" ED_KEY ";;\"",
		/* Tag names are case-sensitive: verifiers find no key. */
		"\"v=DKIM1; K=ed25519; P=" ED_KEY "\"",
		/* A NUL ("\000") after the key is part of the value. */
		"\"v=DKIM1; k=ed25519; p=" ED_KEY "\\000\"",
	};
	struct world			 w;
	const struct plan_change	*c;
	size_t				 i;

	/* RFC 6376 §3.2 has no empty tag, and §6.1.2 makes a key record
	 * that does not parse a PERMFAIL: the live selector is broken, not
	 * "equivalent", and plan replaces it with the record it writes. */
	for (i = 0; i < sizeof(live) / sizeof(live[0]); i++) {
		world_init(&w);
		selector(&w, "TXT", "v=DKIM1; k=ed25519; p=" ED_KEY, 0);
		rrset_value_add(sel_set(&w, "TXT", 3600), live[i]);
		c = diff(&w, 0);
		ck_assert_msg(c->op == PLAN_UPDATE, "%s", live[i]);
		ck_assert_str_eq(c->after.values[0],
		    "\"v=DKIM1; k=ed25519; p=" ED_KEY "\"");
		world_release(&w);
	}
	/* A single final ';' is allowed (tag-list = tag-spec *( ";"
	 * tag-spec ) [ ";" ]): that record stays as it is. */
	world_init(&w);
	selector(&w, "TXT", "v=DKIM1; k=ed25519; p=" ED_KEY, 0);
	rrset_value_add(sel_set(&w, "TXT", 3600),
	    "\"v=DKIM1; k=ed25519; p=" ED_KEY ";\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_NONE);
	world_release(&w);
}
END_TEST

START_TEST(dkim_cname_compared_without_final_dot)
{
	struct world			 w;
	const struct plan_change	*c;

	world_init(&w);
	selector(&w, "CNAME", "tok.dkim.amazonses.com.", 0);
	rrset_value_add(sel_set(&w, "CNAME", 3600), "TOK.dkim.amazonses.com");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_NONE);
	world_release(&w);
}
END_TEST

START_TEST(dkim_cname_beside_foreign_txt_is_refused)
{
	struct world	 w;

	world_init(&w);
	selector(&w, "CNAME", "tok.dkim.amazonses.com.", 0);
	rrset_value_add(sel_set(&w, "TXT", 3600), "\"someone-else=1\"");
	ck_assert_int_eq(plan_diff(&w.want, 1, &w.ls, NULL, 0, &w.plan, &w.d),
	    -1);
	ck_assert_ptr_nonnull(strstr(w.d.v[0].msg, "does not delete what it does not own"));
	world_release(&w);
}
END_TEST

START_TEST(dkim_absent_deletes_only_what_is_owned)
{
	struct world			 w;
	const struct plan_change	*c;
	struct rrset			*rs;

	/* A CNAME: deleted. */
	world_init(&w);
	selector(&w, NULL, NULL, 1);
	rrset_value_add(sel_set(&w, "CNAME", 300), "old.dkim.amazonses.com.");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_DELETE);
	ck_assert_str_eq(c->before.type, "CNAME");
	ck_assert_uint_eq(w.plan.ndestroy, 1);
	world_release(&w);

	/* A key record beside a foreign value: the key goes, the value stays. */
	world_init(&w);
	selector(&w, NULL, NULL, 1);
	rs = sel_set(&w, "TXT", 300);
	rrset_value_add(rs, "\"v=DKIM1; p=MIIB\"");
	rrset_value_add(rs, "\"note\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_uint_eq(c->after.nvalues, 1);
	ck_assert_str_eq(c->after.values[0], "\"note\"");
	world_release(&w);

	/* Nothing of ours, or nothing at all: no change. */
	world_init(&w);
	selector(&w, NULL, NULL, 1);
	rrset_value_add(sel_set(&w, "TXT", 300), "\"note\"");
	ck_assert_int_eq(diff(&w, 0)->op, PLAN_NONE);
	world_release(&w);
	world_init(&w);
	selector(&w, NULL, NULL, 1);
	ck_assert_int_eq(diff(&w, 0)->op, PLAN_NONE);
	world_release(&w);
}
END_TEST

START_TEST(spf_at_apex_keeps_foreign_values)
{
	struct world			 w;
	const struct plan_change	*c;
	struct rrset			*rs;

	world_init(&w);
	w.want.kind = RECORD_SPF;
	w.want.name = "example.com.";
	w.want.text = "v=spf1 include:amazonses.com -all";
	rs = live_set(&w, "TXT", 3600);
	free(rs->name);
	rs->name = xstrdup("example.com.");
	rrset_value_add(rs, "\"google-site-verification=abc\"");
	rrset_value_add(rs, "\"v=spf1 mx ~all\"");
	rrset_value_add(rs, "\"MS=ms123\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_uint_eq(c->after.nvalues, 3);
	ck_assert_str_eq(c->after.values[0], "\"google-site-verification=abc\"");
	ck_assert_str_eq(c->after.values[1], "\"v=spf1 include:amazonses.com -all\"");
	ck_assert_str_eq(c->after.values[2], "\"MS=ms123\"");
	world_release(&w);
}
END_TEST

START_TEST(spf_split_differently_is_equivalent)
{
	struct world			 w;
	const struct plan_change	*c;
	struct rrset			*rs;

	world_init(&w);
	w.want.kind = RECORD_SPF;
	w.want.name = "example.com.";
	w.want.text = "v=spf1 include:amazonses.com -all";
	rs = live_set(&w, "TXT", 3600);
	free(rs->name);
	rs->name = xstrdup("example.com.");
	rrset_value_add(rs, "\"v=spf1 include:ama\" \"zonses.com -all\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_NONE);
	world_release(&w);
}
END_TEST

START_TEST(render_type_switch_and_delete)
{
	struct world	 w;
	struct buf	 out = BUF_INIT;

	world_init(&w);
	selector(&w, "CNAME", "tok.dkim.amazonses.com.", 0);
	rrset_value_add(sel_set(&w, "TXT", 3600), "\"v=DKIM1; p=MIIB\"");
	diff(&w, 0);
	plan_render_text(&w.plan, 0, &out);
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "~ s1._domainkey.example.com TXT -> CNAME"));
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "- \"v=DKIM1; p=MIIB\""));
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "+ tok.dkim.amazonses.com."));
	world_release(&w);

	world_init(&w);
	selector(&w, NULL, NULL, 1);
	rrset_value_add(sel_set(&w, "CNAME", 300), "old.dkim.amazonses.com.");
	diff(&w, 0);
	buf_reset(&out);
	plan_render_text(&w.plan, 0, &out);
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "- s1._domainkey.example.com CNAME ttl 300"));
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "Plan: 0 to add, 0 to change, 1 to destroy."));
	buf_release(&out);
	world_release(&w);
}
END_TEST

/*
 * A scripted Route 53: records each request; answers ChangeResourceRecordSets
 * (or fails it, as the network or Route 53 would), ListResourceRecordSets
 * from the state "before" or, once a batch landed, "after", and GetChange
 * with PENDING a set number of times.
 */
struct fake {
	struct buf	 bodies;	/* every POST body */
	int		 posts, lists, polls;
	int		 drop_posts;	/* this many POSTs get no answer... */
	int		 drop_lands;	/* ...after reaching Route 53 */
	const char	*refuse_zone;	/* POSTs to this zone get a 400 */
	int		 landed;
	const char	*before_xml, *after_xml;	/* record sets */
	int		 pending;	/* GetChange says PENDING this often */
};

static unsigned int	 slept;

#define R53NS	"xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\""

static int
fake_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct fake	*f = ctx;
	const char	*sets;

	resp->status = 200;
	if (strcmp(req->method, "POST") == 0) {
		f->posts++;
		buf_add(&f->bodies, req->body, req->body_len);
		if (f->refuse_zone != NULL && strstr(req->url, f->refuse_zone)) {
			resp->status = 400;
			buf_addf(&resp->body, "<ErrorResponse " R53NS "><Error>"
			    "<Type>Sender</Type><Code>InvalidChangeBatch</Code>"
			    "<Message>[Tried to delete resource record set "
			    "but it was not found]</Message></Error>"
			    "</ErrorResponse>");
			return 0;
		}
		if (f->drop_posts > 0) {
			f->drop_posts--;
			if (f->drop_lands)
				f->landed = 1;
			return err_set(err, "cannot reach '%s': Empty reply "
			    "from server", req->url);
		}
		f->landed = 1;
		buf_addf(&resp->body, "<ChangeResourceRecordSetsResponse "
		    R53NS "><ChangeInfo><Id>/change/C42</Id><Status>PENDING"
		    "</Status><SubmittedAt>2026-11-28T00:00:00Z</SubmittedAt>"
		    "</ChangeInfo></ChangeResourceRecordSetsResponse>");
	} else if (strstr(req->url, "/rrset") != NULL) {
		f->lists++;
		sets = f->landed ? f->after_xml : f->before_xml;
		buf_addf(&resp->body, "<ListResourceRecordSetsResponse " R53NS
		    "><ResourceRecordSets>%s</ResourceRecordSets><IsTruncated>"
		    "false</IsTruncated><MaxItems>300</MaxItems>"
		    "</ListResourceRecordSetsResponse>", sets ? sets : "");
	} else {
		f->polls++;
		buf_addf(&resp->body, "<GetChangeResponse " R53NS "><ChangeInfo>"
		    "<Id>/change/C42</Id><Status>%s</Status><SubmittedAt>"
		    "2026-11-28T00:00:00Z</SubmittedAt></ChangeInfo>"
		    "</GetChangeResponse>", f->pending-- > 0 ? "PENDING" :
		    "INSYNC");
	}
	return 0;
}

static time_t
fixed_clock(void)
{
	return 1764288000;
}

static void
count_sleep(unsigned int s)
{
	slept += s;
}

#define TXT_SET(name, ttl, value)					\
	"<ResourceRecordSet><Name>" name "</Name><Type>TXT</Type><TTL>"	\
	#ttl "</TTL><ResourceRecords><ResourceRecord><Value>" value	\
	"</Value></ResourceRecord></ResourceRecords></ResourceRecordSet>"

struct applied {
	struct apply_zone_result	*r;
	size_t				 n;
	int				 rc;
};

/* Every line plan_apply() said in run_apply(). */
static struct buf	 said = BUF_INIT;

static void
say_line(void *ctx, const char *line)
{
	(void)ctx;
	buf_addf(&said, "%s\n", line);
}

static void
run_apply(struct plan *plan, struct fake *f, unsigned int timeout,
    struct applied *out)
{
	struct http_transport	 http = { fake_send, f };
	struct aws_creds	 creds = { "AKIDEXAMPLE", "secret", NULL };
	struct r53_client	 c = { .http = &http,
				    .endpoint = "http://127.0.0.1:1",
				    .creds = &creds, .clock = fixed_clock,
				    .sleep = count_sleep };
	struct apply_opts	 o = { 1, timeout, say_line, NULL, NULL };
	struct plan_batch	*b;
	struct diags		 d = DIAGS_INIT;
	size_t			 nb;

	slept = 0;
	buf_reset(&said);
	ck_assert_int_eq(plan_batches(plan, &b, &nb, &d), 0);
	out->rc = plan_apply(&c, plan, b, nb, &o, &out->r, &out->n);
	plan_batches_release(b, nb);
	diags_release(&d);
}

/* The world's plan: _dmarc goes from p=none (ttl 300) to WANT. */
static void
dmarc_update(struct world *w)
{
	world_init(w);
	rrset_value_add(live_set(w, "TXT", 300), "\"v=DMARC1; p=none\"");
	diff(w, 0);
}

#define LIVE_BEFORE	TXT_SET(NAME, 300, "\"v=DMARC1; p=none\"")
#define LIVE_AFTER	TXT_SET(NAME, 3600, QWANT)

START_TEST(apply_sends_delete_of_exact_live_set_and_create)
{
	struct world	 w;
	struct fake	 f = { .bodies = BUF_INIT };
	struct applied	 a;
	const char	*body, *del, *cre;

	dmarc_update(&w);
	run_apply(&w.plan, &f, 60, &a);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_uint_eq(a.n, 1);
	ck_assert_int_eq(a.r[0].outcome, APPLY_DONE);
	ck_assert_int_eq(f.posts, 1);
	ck_assert_int_eq(f.polls, 1);
	body = buf_str(&f.bodies);
	del = strstr(body, "<Action>DELETE</Action>");
	cre = strstr(body, "<Action>CREATE</Action>");
	ck_assert_ptr_nonnull(del);
	ck_assert_ptr_nonnull(cre);
	ck_assert(del < cre);
	/* The DELETE names the live TTL and value, as read. */
	ck_assert_ptr_nonnull(strstr(del, "<TTL>300</TTL>"));
	ck_assert_ptr_nonnull(strstr(del, "v=DMARC1; p=none"));
	ck_assert_ptr_nonnull(strstr(cre, "<TTL>3600</TTL>"));
	ck_assert_ptr_nonnull(strstr(cre, WANT));
	apply_results_release(a.r, a.n);
	buf_release(&f.bodies);
	world_release(&w);
}
END_TEST

START_TEST(apply_sends_nothing_without_changes)
{
	struct world	 w;
	struct fake	 f = { .bodies = BUF_INIT };
	struct applied	 a;

	world_init(&w);
	rrset_value_add(live_set(&w, "TXT", 3600), QWANT);
	diff(&w, 0);
	run_apply(&w.plan, &f, 60, &a);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_uint_eq(a.n, 0);
	ck_assert_int_eq(f.posts + f.lists + f.polls, 0);
	world_release(&w);
}
END_TEST

START_TEST(apply_lost_answer_of_a_landed_batch_is_not_sent_again)
{
	struct world	 w;
	struct fake	 f = { .bodies = BUF_INIT, .drop_posts = 1,
			    .drop_lands = 1, .before_xml = LIVE_BEFORE,
			    .after_xml = LIVE_AFTER };
	struct applied	 a;

	dmarc_update(&w);
	run_apply(&w.plan, &f, 60, &a);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_int_eq(a.r[0].outcome, APPLY_DONE);
	ck_assert_int_eq(f.posts, 1);		/* never twice */
	ck_assert_int_eq(f.lists, 1);		/* the names re-read */
	ck_assert_int_eq(f.polls, 0);		/* no change id to wait on */
	apply_results_release(a.r, a.n);
	buf_release(&f.bodies);
	world_release(&w);
}
END_TEST

START_TEST(apply_lost_request_that_did_not_land_is_sent_once_more)
{
	struct world	 w;
	struct fake	 f = { .bodies = BUF_INIT, .drop_posts = 1,
			    .before_xml = LIVE_BEFORE, .after_xml = LIVE_AFTER };
	struct applied	 a;

	dmarc_update(&w);
	run_apply(&w.plan, &f, 60, &a);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_int_eq(a.r[0].outcome, APPLY_DONE);
	ck_assert_int_eq(f.posts, 2);
	ck_assert_int_eq(f.lists, 1);
	ck_assert_int_eq(f.polls, 1);
	apply_results_release(a.r, a.n);
	buf_release(&f.bodies);
	world_release(&w);

	/* Lost twice: it stops, it does not loop. */
	memset(&f, 0, sizeof(f));
	f.drop_posts = 5;
	f.before_xml = LIVE_BEFORE;
	dmarc_update(&w);
	run_apply(&w.plan, &f, 60, &a);
	ck_assert_int_eq(a.rc, -1);
	ck_assert_int_eq(a.r[0].outcome, APPLY_FAILED);
	ck_assert_int_eq(f.posts, 2);
	ck_assert_ptr_nonnull(strstr(a.r[0].msg, "Empty reply"));
	apply_results_release(a.r, a.n);
	buf_release(&f.bodies);
	world_release(&w);
}
END_TEST

START_TEST(apply_lost_answer_and_someone_elses_change_fails)
{
	struct world	 w;
	struct fake	 f = { .bodies = BUF_INIT, .drop_posts = 1,
			    .drop_lands = 1, .before_xml = LIVE_BEFORE,
			    .after_xml = TXT_SET(NAME, 300,
			    "\"v=DMARC1; p=reject\"") };
	struct applied	 a;

	dmarc_update(&w);
	run_apply(&w.plan, &f, 60, &a);
	ck_assert_int_eq(a.rc, -1);
	ck_assert_int_eq(a.r[0].outcome, APPLY_FAILED);
	ck_assert_int_eq(f.posts, 1);
	ck_assert_ptr_nonnull(strstr(a.r[0].msg, "the outcome of the request "
	    "is unknown and the records are neither as before nor as "
	    "planned"));
	apply_results_release(a.r, a.n);
	buf_release(&f.bodies);
	world_release(&w);
}
END_TEST

START_TEST(apply_waits_with_backoff_and_gives_up_pending)
{
	struct world	 w;
	struct fake	 f = { .bodies = BUF_INIT, .pending = 100 };
	struct applied	 a;

	dmarc_update(&w);
	run_apply(&w.plan, &f, 20, &a);
	ck_assert_int_eq(a.rc, -1);
	ck_assert_int_eq(a.r[0].outcome, APPLY_PENDING);
	/* 1 + 2 + 4 + 8 + 5 (cut at the timeout) */
	ck_assert_uint_eq(slept, 20);
	ck_assert_int_eq(f.polls, 6);
	ck_assert_ptr_nonnull(strstr(a.r[0].msg, "change C42 is still PENDING "
	    "after 20 s"));
	apply_results_release(a.r, a.n);
	buf_release(&f.bodies);
	world_release(&w);

	memset(&f, 0, sizeof(f));
	f.pending = 2;
	dmarc_update(&w);
	run_apply(&w.plan, &f, 300, &a);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_uint_eq(slept, 3);		/* 1 + 2 */
	apply_results_release(a.r, a.n);
	buf_release(&f.bodies);
	world_release(&w);
}
END_TEST

/* A plan over two zones, built by hand: n creates per zone, each of nv
 * values of len characters, at NAMEi.zoneZ.example. */
static void
plan_two_zones(struct plan *p, size_t n, size_t nv, size_t len, int update)
{
	struct buf	 v = BUF_INIT;
	size_t		 z, i, j;

	memset(p, 0, sizeof(*p));
	p->nzones = 2;
	p->zones = xcalloc(2, sizeof(*p->zones));
	p->zones[0].id = xstrdup("Z1ONE");
	p->zones[0].name = xstrdup("one.example.");
	p->zones[1].id = xstrdup("Z2TWO");
	p->zones[1].name = xstrdup("two.example.");
	buf_addc(&v, '"');
	for (j = 0; j < len - 2; j++)
		buf_addc(&v, 'x');
	buf_addc(&v, '"');
	for (i = 0; i < n; i++)
		for (z = 0; z < 2; z++) {
			struct plan_change	*c = xappend(&p->changes,
						    &p->nchanges,
						    sizeof(*p->changes));
			char			*name = xasprintf("n%zu.%s",
						    i, p->zones[z].name);

			c->op = update ? PLAN_UPDATE : PLAN_CREATE;
			c->kind = RECORD_DKIM;
			c->domain = xstrdup(p->zones[z].name);
			c->zone = &p->zones[z];
			rrset_init(&c->after, name, "TXT", 300);
			for (j = 0; j < nv; j++)
				rrset_value_add(&c->after, buf_str(&v));
			if (update) {
				rrset_init(&c->before, name, "TXT", 60);
				rrset_value_add(&c->before, "\"old\"");
			}
			free(name);
		}
	plan_count(p);
	buf_release(&v);
}

static void
expect_batches(struct plan *p, const size_t *sizes, size_t nsizes)
{
	struct plan_batch		*b;
	struct diags			 d = DIAGS_INIT;
	const struct plan_change	*last = NULL;
	size_t				 nb, i, k, seen = 0;

	ck_assert_int_eq(plan_batches(p, &b, &nb, &d), 0);
	ck_assert_uint_eq(nb, nsizes);
	for (i = 0; i < nb; i++) {
		ck_assert_uint_eq(b[i].nchanges, sizes[i]);
		/* A zone's changes in plan order (the plan interleaves the
		 * two zones' changes). */
		if (i == nb / 2)
			last = NULL;
		for (k = 0; k < b[i].nchanges; k++) {
			ck_assert(last == NULL || b[i].changes[k] > last);
			last = b[i].changes[k];
		}
		ck_assert_uint_le(b[i].nrecords, BATCH_MAX_RECORDS);
		ck_assert_uint_le(b[i].nchars, BATCH_MAX_CHARS);
		/* Zone one's batches first, all of a batch in one zone. */
		ck_assert_ptr_eq(b[i].zone, &p->zones[i < nb / 2 ? 0 : 1]);
		ck_assert_ptr_eq(b[i].changes[0]->zone, b[i].zone);
		seen += b[i].nchanges;
	}
	ck_assert_uint_eq(seen, p->nadd + p->nchange);
	plan_batches_release(b, nb);
	diags_release(&d);
}

START_TEST(batches_split_only_at_the_limits)
{
	/* Per zone: n changes of nv values of len characters (update: an
	 * update, whose old value counts too; plus: one more value of one
	 * character in each zone's last change), and the batches expected. */
	static const struct {
		size_t	 n, nv, len;
		int	 update, plus;
		size_t	 sizes[4], nsizes;
	} t[] = {
		/* Small: one batch per zone. */
		{ 3, 1, 20, 0, 0, { 3, 3 }, 2 },
		/* No cap on changes: 1,000 creates of one value each are
		 * 1,000 ResourceRecord elements, one batch; one more starts
		 * another. */
		{ 1000, 1, 20, 0, 0, { 1000, 1000 }, 2 },
		{ 1001, 1, 20, 0, 0, { 1000, 1, 1000, 1 }, 4 },
		/* An update sends its before- and after-values (DELETE and
		 * CREATE, kept together): 500 updates are 1,000 values. */
		{ 500, 1, 20, 1, 0, { 500, 500 }, 2 },
		{ 501, 1, 20, 1, 0, { 500, 1, 500, 1 }, 4 },
		/* 100 sets of 10 values: 1,000 values; 101 sets, two. */
		{ 100, 10, 20, 0, 0, { 100, 100 }, 2 },
		{ 101, 10, 20, 0, 0, { 100, 1, 100, 1 }, 4 },
		/* 8 values of 4,000 characters: 32,000 characters, one batch;
		 * one character more (32,001) and the eighth starts another. */
		{ 8, 1, 4000, 0, 0, { 8, 8 }, 2 },
		{ 8, 1, 4000, 0, 1, { 7, 1, 7, 1 }, 4 },
	};
	struct plan	 p;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		plan_two_zones(&p, t[i].n, t[i].nv, t[i].len, t[i].update);
		if (t[i].plus) {
			rrset_value_add(&p.changes[p.nchanges - 2].after, "x");
			rrset_value_add(&p.changes[p.nchanges - 1].after, "x");
		}
		expect_batches(&p, t[i].sizes, t[i].nsizes);
		plan_release(&p);
	}
}
END_TEST

START_TEST(batches_refuse_what_route53_cannot_take)
{
	struct plan		 p;
	struct plan_batch	*b;
	struct diags		 d = DIAGS_INIT;
	size_t			 nb;

	plan_two_zones(&p, 1, 1, VALUE_MAX_CHARS + 1, 0);
	ck_assert_int_eq(plan_batches(&p, &b, &nb, &d), -1);
	ck_assert_ptr_null(b);
	ck_assert_uint_eq(d.nerrors, 2);
	ck_assert_str_eq(d.v[0].msg, "n0.one.example TXT: a value of 4001 "
	    "characters; Route 53 takes at most 4000 in one value");
	plan_release(&p);
	diags_release(&d);

	plan_two_zones(&p, 1, 1001, 10, 0);
	ck_assert_int_eq(plan_batches(&p, &b, &nb, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.v[0].msg, "1001 values"));
	plan_release(&p);
	diags_release(&d);
}
END_TEST

START_TEST(apply_zones_are_independent)
{
	struct plan	 p;
	struct fake	 f = { .bodies = BUF_INIT, .refuse_zone = "Z1ONE" };
	struct applied	 a;

	plan_two_zones(&p, 2, 1, 20, 0);
	run_apply(&p, &f, 60, &a);
	ck_assert_int_eq(a.rc, -1);
	ck_assert_uint_eq(a.n, 2);
	ck_assert_int_eq(a.r[0].outcome, APPLY_FAILED);
	ck_assert_ptr_nonnull(strstr(a.r[0].msg, "Route 53 refused the batch, "
	    "so none of it was applied"));
	ck_assert_ptr_nonnull(strstr(a.r[0].msg, "InvalidChangeBatch"));
	ck_assert_int_eq(a.r[1].outcome, APPLY_DONE);
	ck_assert_int_eq(f.posts, 2);
	apply_results_release(a.r, a.n);
	buf_release(&f.bodies);
	plan_release(&p);
}
END_TEST

/* A plan over nz zones ZMANY0.. (zoneN.example.), one create in each but
 * the last, which has nothing to change. */
static void
plan_many_zones(struct plan *p, size_t nz)
{
	struct plan_change	*c;
	size_t			 z;
	char			*name;

	memset(p, 0, sizeof(*p));
	p->nzones = nz;
	p->zones = xcalloc(nz, sizeof(*p->zones));
	for (z = 0; z < nz; z++) {
		p->zones[z].id = xasprintf("ZMANY%zu", z);
		p->zones[z].name = xasprintf("zone%zu.example.", z);
	}
	for (z = 0; z + 1 < nz; z++) {
		c = xappend(&p->changes, &p->nchanges, sizeof(*p->changes));
		name = xasprintf("n.%s", p->zones[z].name);
		c->op = PLAN_CREATE;
		c->kind = RECORD_DKIM;
		c->domain = xstrdup(p->zones[z].name);
		c->zone = &p->zones[z];
		rrset_init(&c->after, name, "TXT", 300);
		rrset_value_add(&c->after, "\"x\"");
		free(name);
	}
	plan_count(p);
}

/* The wait after the sends finds each batch's own zone result, in an array
 * that grew with every zone (ASan watches for a stale pointer into it):
 * the first change waited on stays PENDING, a refused zone is not waited
 * on, the others are INSYNC; the last zone, with nothing to send, has no
 * result. */
START_TEST(apply_waits_on_each_zone_of_many)
{
	struct plan	 p;
	struct fake	 f = { .bodies = BUF_INIT, .refuse_zone = "ZMANY3",
			    .pending = 1 };
	struct applied	 a;
	size_t		 z;

	plan_many_zones(&p, 8);
	run_apply(&p, &f, 0, &a);
	ck_assert_int_eq(a.rc, -1);
	ck_assert_uint_eq(a.n, 7);
	for (z = 0; z < a.n; z++) {
		ck_assert_ptr_eq(a.r[z].zone, &p.zones[z]);
		ck_assert_uint_eq(a.r[z].nbatches, 1);
		ck_assert_int_eq(a.r[z].outcome, z == 0 ? APPLY_PENDING :
		    z == 3 ? APPLY_FAILED : APPLY_DONE);
	}
	/* The summary names the zone: the message does not again. */
	ck_assert_str_eq(a.r[0].msg, "change C42 is still PENDING after 0 s; "
	    "Route 53 accepted it and will still apply it");
	ck_assert_ptr_nonnull(strstr(a.r[3].msg, "InvalidChangeBatch"));
	ck_assert_int_eq(f.posts, 7);
	ck_assert_int_eq(f.polls, 6);
	apply_results_release(a.r, a.n);
	buf_release(&f.bodies);
	plan_release(&p);
}
END_TEST

/*
 * Applies plan to a zone that holds live_xml and whose Route 53 refuses
 * the batch (as it refuses a DELETE or CREATE that does not meet what is
 * live): the zone is read once, and its message, or NULL when it found
 * the batch already in place (the zone is then done).
 */
static char *
drift_of(struct plan *plan, const char *live_xml)
{
	struct fake	 f = { .bodies = BUF_INIT, .before_xml = live_xml,
			    .refuse_zone = plan->zones[0].id };
	struct applied	 a;
	char		*msg = NULL;

	run_apply(plan, &f, 0, &a);
	ck_assert_int_eq(f.posts, 1);
	ck_assert_int_eq(f.lists, 1);
	ck_assert_int_eq(f.polls, 0);
	ck_assert_uint_eq(a.n, 1);
	if (a.r[0].outcome == APPLY_DONE)
		ck_assert_int_eq(a.rc, 0);
	else {
		ck_assert_int_eq(a.r[0].outcome, APPLY_FAILED);
		msg = xstrdup(a.r[0].msg);
	}
	apply_results_release(a.r, a.n);
	buf_release(&f.bodies);
	return msg;
}

#define DRIFT_TAIL	"; 1 record set changed since the plan was made, so " \
	"Route 53 refused the batch and none of it was applied: run "	\
	"'mailauth plan' again and review it"

START_TEST(drift_is_found_and_named)
{
	struct world	 w;
	char		*msg;

	dmarc_update(&w);
	/* As the plan saw it: refused for another reason, said as is. */
	msg = drift_of(&w.plan, LIVE_BEFORE);
	ck_assert_ptr_nonnull(strstr(msg, "InvalidChangeBatch"));
	ck_assert_ptr_null(strstr(msg, "TXT changed since"));
	free(msg);
	msg = drift_of(&w.plan, TXT_SET(NAME, 300, "\"v=DMARC1; p=reject\""));
	ck_assert_str_eq(msg, "_dmarc.example.com TXT changed since the "
	    "plan: at plan time TXT ttl 300 \"v=DMARC1; p=none\"; now TXT "
	    "ttl 300 \"v=DMARC1; p=reject\"" DRIFT_TAIL);
	free(msg);
	msg = drift_of(&w.plan, "");
	ck_assert_str_eq(msg, "_dmarc.example.com TXT changed since the "
	    "plan: at plan time TXT ttl 300 \"v=DMARC1; p=none\"; now "
	    "nothing" DRIFT_TAIL);
	free(msg);
	/* Already as planned: done, nothing changed. */
	ck_assert_ptr_null(drift_of(&w.plan, LIVE_AFTER));
	world_release(&w);

	/* A create: drift is anything now there. */
	world_init(&w);
	diff(&w, 0);
	msg = drift_of(&w.plan, "");
	ck_assert_ptr_null(strstr(msg, "TXT changed since"));
	free(msg);
	msg = drift_of(&w.plan, LIVE_BEFORE);
	ck_assert_str_eq(msg, "_dmarc.example.com TXT changed since the "
	    "plan: at plan time nothing; now TXT ttl 300 "
	    "\"v=DMARC1; p=none\"" DRIFT_TAIL);
	free(msg);
	world_release(&w);
}
END_TEST

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Lines a string holds. */
static size_t
count_of(const char *s, const char *what)
{
	size_t	 n = 0;

	for (; (s = strstr(s, what)) != NULL; s++)
		n++;
	return n;
}

/*
 * The drift lines of a refused batch are bounded: 20 record sets said,
 * then how many more; the zone's message names the first and the count.
 */
START_TEST(drift_lines_are_bounded)
{
	size_t	 n;

	for (n = 20; n <= 21; n++) {
		struct plan	 p;
		struct buf	 live = BUF_INIT;
		struct fake	 f = { .bodies = BUF_INIT, .refuse_zone = "Z1ONE" };
		struct applied	 a;
		char		*names[21];
		size_t		 i;

		/* Someone else's TXT at each name the plan creates in zone
		 * one, in Route 53's order. */
		plan_two_zones(&p, n, 1, 20, 0);
		for (i = 0; i < n; i++)
			names[i] = xasprintf("n%zu.one.example.", i);
		qsort(names, n, sizeof(*names), str_cmp);
		for (i = 0; i < n; i++) {
			buf_addf(&live, TXT_SET("%s", 300, "\"theirs\""),
			    names[i]);
			free(names[i]);
		}
		f.before_xml = buf_str(&live);
		run_apply(&p, &f, 0, &a);
		ck_assert_int_eq(a.rc, -1);
		ck_assert_int_eq(a.r[0].outcome, APPLY_FAILED);
		ck_assert_int_eq(a.r[1].outcome, APPLY_DONE);
		ck_assert_uint_eq(count_of(buf_str(&said), "): refused: n"), 20);
		ck_assert_ptr_nonnull(strstr(buf_str(&said), n == 20 ?
		    "(20 record sets): refused: changed since the plan\n" :
		    "(21 record sets): refused: 1 more record sets changed "
		    "since the plan\n"));
		ck_assert_ptr_nonnull(strstr(a.r[0].msg, " TXT changed since "
		    "the plan: at plan time nothing; now TXT ttl 300 "
		    "\"theirs\" (and more, listed above); "));
		ck_assert_ptr_nonnull(strstr(a.r[0].msg, n == 20 ? "; 20 record "
		    "sets changed" : "; 21 record sets changed"));
		apply_results_release(a.r, a.n);
		buf_release(&f.bodies);
		buf_release(&live);
		plan_release(&p);
	}
	buf_release(&said);
}
END_TEST

Suite *
plan_suite(void)
{
	Suite	*s = suite_create("plan");
	TCase	*tc = tcase_create("diff");

	tcase_add_test(tc, create_when_nothing_is_live);
	tcase_add_test(tc, equivalent_value_is_kept);
	tcase_add_test(tc, dmarc_tag_name_case_is_replaced);
	tcase_add_test(tc, live_value_with_nul_is_replaced);
	tcase_add_test(tc, dkim_live_empty_tag_is_replaced);
	tcase_add_test(tc, identical_value_is_no_change);
	tcase_add_test(tc, own_value_is_not_linted_again);
	tcase_add_test(tc, unmanaged_look_alikes_are_named);
	tcase_add_test(tc, review_locates_warnings);
	tcase_add_test(tc, update_keeps_other_values_in_place);
	tcase_add_test(tc, ttl_difference_is_an_update);
	tcase_add_test(tc, two_records_become_one);
	tcase_add_test(tc, conflicts_are_errors);
	tcase_add_test(tc, dkim_txt_to_cname_is_one_update);
	tcase_add_test(tc, dkim_cname_to_txt_is_one_update);
	tcase_add_test(tc, dkim_cname_compared_without_final_dot);
	tcase_add_test(tc, dkim_cname_beside_foreign_txt_is_refused);
	tcase_add_test(tc, dkim_absent_deletes_only_what_is_owned);
	tcase_add_test(tc, spf_at_apex_keeps_foreign_values);
	tcase_add_test(tc, shared_set_keeps_its_live_ttl);
	tcase_add_test(tc, spf_split_differently_is_equivalent);
	suite_add_tcase(s, tc);
	tc = tcase_create("render");
	tcase_add_test(tc, render_create_and_update);
	tcase_add_test(tc, render_type_switch_and_delete);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_test(tc, apply_sends_delete_of_exact_live_set_and_create);
	tcase_add_test(tc, apply_sends_nothing_without_changes);
	tcase_add_test(tc, apply_lost_answer_of_a_landed_batch_is_not_sent_again);
	tcase_add_test(tc, apply_lost_request_that_did_not_land_is_sent_once_more);
	tcase_add_test(tc, apply_lost_answer_and_someone_elses_change_fails);
	tcase_add_test(tc, apply_waits_with_backoff_and_gives_up_pending);
	tcase_add_test(tc, apply_zones_are_independent);
	tcase_add_test(tc, apply_waits_on_each_zone_of_many);
	tcase_add_test(tc, drift_is_found_and_named);
	tcase_add_test(tc, drift_lines_are_bounded);
	suite_add_tcase(s, tc);
	tc = tcase_create("batches");
	tcase_add_test(tc, batches_split_only_at_the_limits);
	tcase_add_test(tc, batches_refuse_what_route53_cannot_take);
	suite_add_tcase(s, tc);
	return s;
}
