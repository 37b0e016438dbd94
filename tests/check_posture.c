/*
 * check_posture.c - parked domains and TLS-RPT from the config to the
 * plan: the records desired_build() makes for "parked: true" and tls_rpt,
 * their rows in the record-kind table, the null MX in plan_diff() (kept,
 * created, refused beside foreign MX records), the TLS-RPT record beside
 * foreign values at _smtp._tls, and the guard: parking weakens nothing,
 * un-parking weakens SPF and DMARC.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/desired.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/live.h"
#include "mailauth/plan.h"
#include "mailauth/route53.h"

Suite	*posture_suite(void);

#define CFG \
	"version: 1\n" \
	"domains:\n" \
	"  parked.example:\n" \
	"    parked: true\n" \
	"    ttl: 300\n" \
	"  mail.example:\n" \
	"    spf: { all: fail }\n" \
	"    tls_rpt:\n" \
	"      rua: [mailto:tls@mail.example, https://r.example.net/v1]\n"

static void
load(struct cfg *cfg, const char *text)
{
	struct diags	 d = DIAGS_INIT;
	int		 rc;

	rc = cfg_load_string(cfg, "m.yaml", text, strlen(text), &d);
	ck_assert_msg(rc == 0, "load failed: %s", d.n > 0 ? d.v[0].msg : "?");
	diags_release(&d);
}

static const struct desired *
find(const struct desired *v, size_t n, enum record_kind k, const char *name)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].kind == k && strcmp(v[i].name, name) == 0)
			return &v[i];
	ck_abort_msg("no %s record at '%s'", record_kind_name(k), name);
	return NULL;
}

START_TEST(desired_records)
{
	struct cfg		 cfg;
	struct diags		 d = DIAGS_INIT;
	struct desired		*v;
	const struct desired	*w;
	size_t			 n;

	load(&cfg, CFG);
	ck_assert_int_eq(cfg.domains[0].parked, 1);
	ck_assert_int_eq(cfg.domains[0].parked_pos.line, 4);
	ck_assert_int_eq(cfg.domains[1].parked, 0);
	ck_assert_uint_eq(cfg.domains[1].tls_rpt.nrua, 2);
	ck_assert_int_eq(desired_build(&cfg, 20000, &v, &n, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(n, 6);

	w = find(v, n, RECORD_SPF, "parked.example.");
	ck_assert_str_eq(w->text, "v=spf1 -all");
	ck_assert_str_eq(w->key, "domains.parked.example.parked");
	ck_assert_int_eq(w->line, 4);
	ck_assert_int_eq(w->ttl, 300);
	w = find(v, n, RECORD_NULL_MX, "parked.example.");
	ck_assert_str_eq(w->type, "MX");
	ck_assert_str_eq(w->text, "0 .");
	w = find(v, n, RECORD_DMARC, "_dmarc.parked.example.");
	ck_assert_str_eq(w->text, "v=DMARC1; p=reject; sp=reject");
	ck_assert_ptr_null(w->stage);
	/* The wildcard in Route 53's form, as ListResourceRecordSets
	 * returns it. */
	w = find(v, n, RECORD_DKIM, "\\052._domainkey.parked.example.");
	ck_assert_str_eq(w->type, "TXT");
	ck_assert_str_eq(w->text, "v=DKIM1; p=");
	w = find(v, n, RECORD_TLSRPT, "_smtp._tls.mail.example.");
	ck_assert_str_eq(w->text, "v=TLSRPTv1; "
	    "rua=mailto:tls@mail.example,https://r.example.net/v1");
	ck_assert_str_eq(w->key, "domains.mail.example.tls_rpt");
	ck_assert_int_eq(w->line, 8);
	desired_release(v, n);
	diags_release(&d);
	cfg_release(&cfg);
}
END_TEST

/* Reports sent to a parked domain never arrive: its null MX refuses all
 * mail.  Each such address is a warning at the key that lists it; an
 * address at another domain, or at a subdomain of the parked one, is
 * not. */
START_TEST(reports_to_parked)
{
	static const char text[] =
	    "version: 1\n"
	    "domains:\n"
	    "  Parked.example:\n"
	    "    parked: true\n"
	    "  mail.example:\n"
	    "    dmarc:\n"
	    "      policy: none\n"
	    "      rua: [mailto:d@PARKED.example., mailto:d@mail.example,"
	    " \"mailto:e@mail.example?cc=x@parked.example\"]\n"
	    "      ruf: [mailto:f@parked.example!10m]\n"
	    "    tls_rpt:\n"
	    "      rua: [mailto:t@parked.example, mailto:t@sub.parked.example,"
	    " https://parked.example/tlsrpt]\n";
	struct cfg	 cfg;
	struct diags	 d = DIAGS_INIT;
	struct desired	*v;
	size_t		 n, i;

	load(&cfg, text);
	ck_assert_int_eq(desired_build(&cfg, 20000, &v, &n, &d), 0);
	for (i = 0; i < d.n; i++)
		ck_assert_int_eq(d.v[i].level, DIAG_WARNING);
	ck_assert_uint_eq(d.n, 3);
	ck_assert_str_eq(d.v[0].msg, "domains.mail.example.dmarc: reports go "
	    "to 'mailto:d@PARKED.example.', but domains.parked.example is "
	    "parked: its null MX refuses all mail, so no report arrives");
	ck_assert_int_eq(d.v[0].line, 6);
	ck_assert_str_eq(d.v[1].msg, "domains.mail.example.dmarc: reports go "
	    "to 'mailto:f@parked.example!10m', but domains.parked.example is "
	    "parked: its null MX refuses all mail, so no report arrives");
	ck_assert_str_eq(d.v[2].msg, "domains.mail.example.tls_rpt: reports "
	    "go to 'mailto:t@parked.example', but domains.parked.example is "
	    "parked: its null MX refuses all mail, so no report arrives");
	ck_assert_int_eq(d.v[2].line, 10);
	desired_release(v, n);
	diags_release(&d);
	cfg_release(&cfg);
}
END_TEST

START_TEST(kinds)
{
	enum record_kind	 k;
	struct diags		 d = DIAGS_INIT;

	ck_assert_str_eq(record_kind_name(RECORD_NULL_MX), "null MX");
	ck_assert_str_eq(record_kind_name(RECORD_TLSRPT), "TLS-RPT");
	ck_assert_int_eq(record_kind_parse("null MX", &k), 0);
	ck_assert_int_eq(k, RECORD_NULL_MX);
	ck_assert_int_eq(record_kind_parse("TLS-RPT", &k), 0);
	ck_assert_int_eq(k, RECORD_TLSRPT);
	/* The null MX owns no TXT value; TLS-RPT owns its own only. */
	ck_assert_int_eq(record_kind_owns(RECORD_NULL_MX, "v=spf1 -all"), 0);
	ck_assert_int_eq(record_kind_owns(RECORD_TLSRPT,
	    "v=TLSRPTv1; rua=mailto:t@example.com"), 1);
	ck_assert_int_eq(record_kind_owns(RECORD_TLSRPT, "v=STSv1; id=1"), 0);
	ck_assert_int_eq(record_kind_equivalent(RECORD_TLSRPT,
	    "v=TLSRPTv1;rua=mailto:t@example.com;", 36,
	    "v=TLSRPTv1; rua=mailto:t@example.com"), 1);
	record_kind_check(RECORD_TLSRPT, "v=TLSRPTv1", 10, "x", &d);
	ck_assert_uint_eq(d.nerrors, 1);
	diags_release(&d);
}
END_TEST

/* --- plan_diff at one name --- */

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
world_init(struct world *w, enum record_kind kind, const char *name,
    const char *type, const char *text)
{
	memset(w, 0, sizeof(*w));
	w->dom.name = "parked.example";
	w->dom.ttl = 3600;
	w->want.domain = &w->dom;
	w->want.kind = kind;
	w->want.name = (char *)name;
	w->want.type = (char *)type;
	w->want.ttl = 3600;
	w->want.text = (char *)text;
	w->zone.id = "Z1EXAMPLE";
	w->zone.name = "parked.example.";
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

	rrset_init(rs, w->want.name, type, ttl);
	return rs;
}

static const struct plan_change *
diff(struct world *w, int want_rc)
{
	ck_assert_int_eq(plan_diff(&w->want, 1, &w->ls, NULL, 0, &w->plan,
	    &w->d), want_rc);
	ck_assert_uint_eq(w->plan.nchanges, 1);
	return &w->plan.changes[0];
}

static void
world_release(struct world *w)
{
	r53_rrsets_release(w->live.sets, w->live.nsets);
	plan_release(&w->plan);
	diags_release(&w->d);
}

#define APEX	"parked.example."

START_TEST(null_mx)
{
	struct world			 w;
	const struct plan_change	*c;
	struct rrset			*rs;
	int				 i;

	/* Nothing there: created, beside the apex TXT set it leaves. */
	world_init(&w, RECORD_NULL_MX, APEX, "MX", "0 .");
	rrset_value_add(live_set(&w, "TXT", 300), "\"v=spf1 -all\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_CREATE);
	ck_assert_str_eq(c->after.type, "MX");
	ck_assert_str_eq(c->after.values[0], "0 .");
	ck_assert_int_eq(c->kind, RECORD_NULL_MX);
	world_release(&w);

	/* Already there: kept; the set is mailauth's, TTL included. */
	world_init(&w, RECORD_NULL_MX, APEX, "MX", "0 .");
	rrset_value_add(live_set(&w, "MX", 3600), "0 .");
	ck_assert_int_eq(diff(&w, 0)->op, PLAN_NONE);
	world_release(&w);
	world_init(&w, RECORD_NULL_MX, APEX, "MX", "0 .");
	rrset_value_add(live_set(&w, "MX", 300), "0 .");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_int_eq(c->after.ttl, 3600);
	world_release(&w);

	/* A foreign MX: refused, naming it, and nothing planned. */
	world_init(&w, RECORD_NULL_MX, APEX, "MX", "0 .");
	rs = live_set(&w, "MX", 300);
	rrset_value_add(rs, "0 .");
	rrset_value_add(rs, "10 mx.example.net.");
	c = diff(&w, -1);
	ck_assert_int_eq(c->op, PLAN_NONE);
	ck_assert_uint_eq(w.d.nerrors, 1);
	ck_assert_str_eq(w.d.v[0].msg, "parked.example: the MX record set "
	    "holds '10 mx.example.net.'; a parked domain publishes the null "
	    "MX \"0 .\", which must be its only MX record (RFC 7505), and "
	    "mailauth does not delete what it does not own: delete those MX "
	    "records or drop parked from the config");
	world_release(&w);

	/* At most five named, the rest counted. */
	world_init(&w, RECORD_NULL_MX, APEX, "MX", "0 .");
	rs = live_set(&w, "MX", 300);
	for (i = 1; i <= 7; i++) {
		char	*v = xasprintf("%d mx%d.example.net.", i, i);

		rrset_value_add(rs, v);
		free(v);
	}
	diff(&w, -1);
	ck_assert_ptr_nonnull(strstr(w.d.v[0].msg, "'5 mx5.example.net.' "
	    "and 2 more;"));
	ck_assert_ptr_null(strstr(w.d.v[0].msg, "mx6"));
	world_release(&w);

	/* A weighted MX set at the apex: refused as at any name mailauth
	 * writes, and a weighted TXT set is not the null MX's concern. */
	world_init(&w, RECORD_NULL_MX, APEX, "MX", "0 .");
	rs = live_set(&w, "MX", 300);
	rrset_value_add(rs, "0 .");
	rrset_field_set(rs, RRSET_SET_IDENTIFIER, "a");
	rrset_field_set(rs, RRSET_WEIGHT, "10");
	diff(&w, -1);
	ck_assert_ptr_nonnull(strstr(w.d.v[0].msg, "the MX record set with "
	    "SetIdentifier 'a' has the weighted routing policy"));
	ck_assert_ptr_nonnull(strstr(w.d.v[0].msg, "drop null MX from"));
	world_release(&w);
	world_init(&w, RECORD_NULL_MX, APEX, "MX", "0 .");
	rs = live_set(&w, "TXT", 300);
	rrset_value_add(rs, "\"x\"");
	rrset_field_set(rs, RRSET_SET_IDENTIFIER, "a");
	rrset_field_set(rs, RRSET_WEIGHT, "10");
	ck_assert_int_eq(diff(&w, 0)->op, PLAN_CREATE);
	world_release(&w);

	/* The SES MAIL FROM set stays mailauth's whole. */
	world_init(&w, RECORD_MAIL_FROM, "mail." APEX, "MX",
	    "10 feedback-smtp.eu-west-1.amazonses.com");
	rrset_value_add(live_set(&w, "MX", 300), "10 other.example.net.");
	ck_assert_int_eq(diff(&w, 0)->op, PLAN_UPDATE);
	world_release(&w);
}
END_TEST

START_TEST(tlsrpt_beside_foreign)
{
	struct world			 w;
	const struct plan_change	*c;
	struct rrset			*rs;

	world_init(&w, RECORD_TLSRPT, "_smtp._tls." APEX, "TXT",
	    "v=TLSRPTv1; rua=mailto:new@parked.example");
	rs = live_set(&w, "TXT", 300);
	rrset_value_add(rs, "\"foreign=1\"");
	rrset_value_add(rs, "\"v=TLSRPTv1; rua=mailto:old@parked.example\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_uint_eq(c->after.nvalues, 2);
	ck_assert_str_eq(c->after.values[0], "\"foreign=1\"");
	ck_assert_str_eq(c->after.values[1],
	    "\"v=TLSRPTv1; rua=mailto:new@parked.example\"");
	ck_assert_ptr_null(plan_change_weakens(c));
	world_release(&w);

	/* Written differently but the same URIs: kept as it is. */
	world_init(&w, RECORD_TLSRPT, "_smtp._tls." APEX, "TXT",
	    "v=TLSRPTv1; rua=mailto:new@parked.example");
	rrset_value_add(live_set(&w, "TXT", 3600),
	    "\"v=TLSRPTv1;rua=MAILTO:new@parked.example;\"");
	c = diff(&w, 0);
	ck_assert_int_eq(c->op, PLAN_NONE);
	ck_assert_ptr_nonnull(c->note);
	world_release(&w);
}
END_TEST

/* The guard's reason for a TXT change of kind from before to after. */
static char *
weakens(enum record_kind kind, const char *before, const char *after)
{
	struct plan_change	 c;
	char			*why;

	memset(&c, 0, sizeof(c));
	c.kind = kind;
	c.op = PLAN_UPDATE;
	rrset_init(&c.before, "x.", "TXT", 300);
	rrset_value_add(&c.before, before);
	rrset_init(&c.after, "x.", "TXT", 300);
	rrset_value_add(&c.after, after);
	why = plan_change_weakens(&c);
	rrset_release(&c.before);
	rrset_release(&c.after);
	return why;
}

START_TEST(guard)
{
	char	*why;

	/* Parking strengthens. */
	ck_assert_ptr_null(weakens(RECORD_SPF, "\"v=spf1 mx ~all\"",
	    "\"" PARKED_SPF "\""));
	ck_assert_ptr_null(weakens(RECORD_DMARC, "\"v=DMARC1; p=none\"",
	    "\"" PARKED_DMARC "\""));
	ck_assert_ptr_null(weakens(RECORD_DMARC, "\"v=DMARC1; p=reject; "
	    "sp=quarantine; np=reject\"", "\"" PARKED_DMARC "\""));
	/* Un-parking: the domain's new records weaken both. */
	why = weakens(RECORD_SPF, "\"" PARKED_SPF "\"",
	    "\"v=spf1 include:_spf.example.net ~all\"");
	ck_assert_str_eq(why, "SPF all -all -> ~all");
	free(why);
	why = weakens(RECORD_DMARC, "\"" PARKED_DMARC "\"",
	    "\"v=DMARC1; p=none\"");
	ck_assert_str_eq(why, "DMARC policy p=reject -> p=none, subdomain "
	    "policy sp=reject -> sp=none (from p)");
	free(why);
	/* Neither a DKIM key nor TLS-RPT protects anything to weaken. */
	ck_assert_ptr_null(weakens(RECORD_DKIM, "\"" PARKED_DKIM "\"",
	    "\"v=DKIM1; p=MFkw\""));
	ck_assert_ptr_null(weakens(RECORD_TLSRPT, "\"v=TLSRPTv1; "
	    "rua=mailto:a@b.example\"", "\"foo\""));
}
END_TEST

Suite *
posture_suite(void)
{
	Suite	*s = suite_create("posture");
	TCase	*tc = tcase_create("posture");

	tcase_add_test(tc, desired_records);
	tcase_add_test(tc, reports_to_parked);
	tcase_add_test(tc, kinds);
	tcase_add_test(tc, null_mx);
	tcase_add_test(tc, tlsrpt_beside_foreign);
	tcase_add_test(tc, guard);
	suite_add_tcase(s, tc);
	return s;
}
