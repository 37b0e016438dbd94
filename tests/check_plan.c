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
#include "mailauth/plan.h"
#include "mailauth/route53.h"

#define NAME	"_dmarc.example.com."
#define WANT	"v=DMARC1; p=quarantine; rua=mailto:d@example.com"
#define QWANT	"\"" WANT "\""
#define SEL	"s1._domainkey.example.com."

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
	ck_assert_int_eq(plan_diff(&w->ls, &w->plan, &w->d), want_rc);
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
	const char			*live = "\"v=DMARC1 ;P=Quarantine;"
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
		ck_assert_int_eq(plan_diff(&w.ls, &w.plan, &w.d), -1);
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
	ck_assert_int_eq(plan_diff(&w.ls, &w.plan, &w.d), -1);
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

/* A Route 53 that records each request and answers with a ChangeInfo. */
struct recorder {
	struct buf	 bodies;
	int		 posts;
	int		 gets;
};

static int
record_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct recorder	*r = ctx;
	const char	*status = "PENDING";

	(void)err;
	if (strcmp(req->method, "POST") == 0) {
		r->posts++;
		buf_add(&r->bodies, req->body, req->body_len);
	} else {
		r->gets++;
		status = "INSYNC";
	}
	resp->status = 200;
	buf_addf(&resp->body, "<?xml version=\"1.0\"?>"
	    "<%sResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
	    "<ChangeInfo><Id>/change/C42</Id><Status>%s</Status>"
	    "<SubmittedAt>2026-11-28T00:00:00Z</SubmittedAt></ChangeInfo>"
	    "</%sResponse>", req->body ? "ChangeResourceRecordSets" :
	    "GetChange", status, req->body ? "ChangeResourceRecordSets" :
	    "GetChange");
	return 0;
}

static time_t
fixed_clock(void)
{
	return 1764288000;
}

static void
no_sleep(unsigned int s)
{
	(void)s;
}

START_TEST(apply_sends_delete_of_exact_live_set_and_create)
{
	struct world		 w;
	struct recorder		 r = { BUF_INIT, 0, 0 };
	struct http_transport	 http = { record_send, &r };
	struct aws_creds	 creds = { "AKIDEXAMPLE", "secret", NULL };
	struct r53_client	 c = { &http, "http://127.0.0.1:1", &creds,
				    fixed_clock, no_sleep };
	struct err		 err;
	const char		*body, *del, *cre;

	world_init(&w);
	rrset_value_add(live_set(&w, "TXT", 300), "\"v=DMARC1; p=none\"");
	diff(&w, 0);
	err_clear(&err);
	ck_assert_int_eq(plan_apply(&c, &w.plan, 60, NULL, NULL, &err), 0);
	ck_assert_int_eq(r.posts, 1);
	ck_assert_int_eq(r.gets, 1);
	body = buf_str(&r.bodies);
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
	buf_release(&r.bodies);
	world_release(&w);
}
END_TEST

START_TEST(apply_sends_nothing_without_changes)
{
	struct world		 w;
	struct recorder		 r = { BUF_INIT, 0, 0 };
	struct http_transport	 http = { record_send, &r };
	struct aws_creds	 creds = { "AKIDEXAMPLE", "secret", NULL };
	struct r53_client	 c = { &http, "http://127.0.0.1:1", &creds,
				    fixed_clock, no_sleep };
	struct err		 err;

	world_init(&w);
	rrset_value_add(live_set(&w, "TXT", 3600), QWANT);
	diff(&w, 0);
	err_clear(&err);
	ck_assert_int_eq(plan_apply(&c, &w.plan, 60, NULL, NULL, &err), 0);
	ck_assert_int_eq(r.posts + r.gets, 0);
	world_release(&w);
}
END_TEST

Suite *
plan_suite(void)
{
	Suite	*s = suite_create("plan");
	TCase	*tc = tcase_create("diff");

	tcase_add_test(tc, create_when_nothing_is_live);
	tcase_add_test(tc, equivalent_value_is_kept);
	tcase_add_test(tc, identical_value_is_no_change);
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
	suite_add_tcase(s, tc);
	return s;
}
