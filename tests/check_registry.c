/*
 * check_registry.c - the ownership registry (mailauth/registry.h): its
 * text written and read back, its limit exactly at and past, the texts
 * the strict parser refuses, and what a plan decides from it
 * (plan_build() against the fake Route 53): removals of mailauth's values
 * only, nothing removed through a registry that is missing, corrupt,
 * doubled or outside its domain, the request count, and the order of the
 * changes in their batches.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/creds.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/plan.h"
#include "mailauth/registry.h"
#include "mailauth/route53.h"
#include "fake_route53.h"

Suite	*registry_suite(void);

/* ---- the format -------------------------------------------------------- */

START_TEST(registry_round_trip)
{
	struct registry	 r, back;
	struct buf	 text = BUF_INIT;
	struct err	 err;

	memset(&r, 0, sizeof(r));
	registry_add(&r, RECORD_DKIM, "s2._domainkey");
	registry_add(&r, RECORD_SPF, "bounce");
	registry_add(&r, RECORD_DKIM, "s1._domainkey");
	registry_add(&r, RECORD_DMARC, "_dmarc");
	registry_add(&r, RECORD_SPF, "@");
	registry_add(&r, RECORD_MAIL_FROM, "bounce");
	registry_add(&r, RECORD_REPORT_AUTH, "example.org._report._dmarc");
	registry_add(&r, RECORD_DKIM, "\\052._domainkey");
	registry_add(&r, RECORD_DKIM, "s1._domainkey");	/* once */
	ck_assert_uint_eq(r.n, 8);
	ck_assert_int_eq(registry_render(&r, &text, &err), 0);
	/* Kinds in the order of the enum, names sorted. */
	ck_assert_str_eq(buf_str(&text), "v=mailauth1; dmarc=_dmarc; "
	    "spf=@,bounce; dkim=\\052._domainkey,s1._domainkey,s2._domainkey; "
	    "mailfrom=bounce; reportauth=example.org._report._dmarc");
	ck_assert_int_eq(registry_parse(text.data, text.len, &back, &err),
	    REGISTRY_OK);
	ck_assert_uint_eq(back.n, 8);
	ck_assert(registry_has(&back, RECORD_SPF, "bounce"));
	ck_assert(registry_has(&back, RECORD_MAIL_FROM, "bounce"));
	ck_assert(registry_has(&back, RECORD_DKIM, "\\052._domainkey"));
	ck_assert(!registry_has(&back, RECORD_DMARC, "bounce"));
	registry_release(&back);
	registry_release(&r);
	buf_release(&text);

	/* Nothing listed: the version alone. */
	ck_assert_int_eq(registry_render(&r, &text, &err), 0);
	ck_assert_str_eq(buf_str(&text), "v=mailauth1");
	buf_release(&text);
	ck_assert_int_eq(record_kind_token(RECORD_REGISTRY) == NULL, 1);
}
END_TEST

/* A registry of one DKIM list whose text is exactly len bytes: names of
 * 50 bytes, the last one of what is left (4 to 54 bytes). */
static void
text_of(size_t len, struct registry *r, struct buf *text)
{
	const char	*head = "v=mailauth1; dkim=";
	size_t		 room = len - strlen(head), k, i, n;
	char		 name[64];

	memset(r, 0, sizeof(*r));
	buf_reset(text);
	buf_adds(text, head);
	k = (room + 1 + 50) / 51;
	if (room - (k - 1) * 51 < 4)
		k--;
	for (i = 0; i < k; i++) {
		n = i + 1 < k ? 50 : room - (k - 1) * 51;
		memset(name, 'a', n);
		name[n] = '\0';
		memcpy(name, "0000", 4);
		name[0] = (char)('0' + i / 1000 % 10);
		name[1] = (char)('0' + i / 100 % 10);
		name[2] = (char)('0' + i / 10 % 10);
		name[3] = (char)('0' + i % 10);
		if (i > 0)
			buf_addc(text, ',');
		buf_adds(text, name);
		registry_add(r, RECORD_DKIM, name);
	}
	ck_assert_uint_eq(text->len, len);
}

START_TEST(registry_limit)
{
	struct registry	 r, back;
	struct buf	 text = BUF_INIT, out = BUF_INIT;
	struct err	 err;

	text_of(REGISTRY_TEXT_MAX, &r, &text);
	ck_assert_int_eq(registry_parse(text.data, text.len, &back, &err),
	    REGISTRY_OK);
	registry_release(&back);
	ck_assert_int_eq(registry_render(&r, &out, &err), 0);
	ck_assert_uint_eq(out.len, REGISTRY_TEXT_MAX);
	registry_release(&r);

	text_of(REGISTRY_TEXT_MAX + 1, &r, &text);
	ck_assert_int_eq(registry_parse(text.data, text.len, &back, &err),
	    REGISTRY_MALFORMED);
	ck_assert_str_eq(err.msg, "2049 bytes, over the limit of 2048");
	ck_assert_uint_eq(back.n, 0);
	buf_reset(&out);
	ck_assert_int_eq(registry_render(&r, &out, &err), -1);
	ck_assert_uint_eq(out.len, 0);
	ck_assert_str_eq(err.msg, "the registry would be 2049 bytes, over "
	    "the limit of 2048");
	registry_release(&r);

	/* At the limit, it is one Route 53 value well within its own. */
	text_of(REGISTRY_TEXT_MAX, &r, &text);
	buf_reset(&out);
	record_kind_encode(RECORD_REGISTRY, buf_str(&text), &out);
	ck_assert_uint_lt(out.len, VALUE_MAX_CHARS);
	registry_release(&r);
	buf_release(&text);
	buf_release(&out);
}
END_TEST

static const struct {
	const char		*text;
	enum registry_fault	 fault;
	const char		*msg;		/* NULL: any */
} parses[] = {
	{ "v=mailauth1", REGISTRY_OK, NULL },
	{ "v=mailauth1;", REGISTRY_OK, NULL },
	{ " v = mailauth1 ;\tdkim = a , b ; spf=@ ;", REGISTRY_OK, NULL },
	{ "v=mailauth1; dkim=\\052._domainkey", REGISTRY_OK, NULL },
	{ "v=mailauth1; dkim=" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaa", REGISTRY_OK, NULL },		/* 63 bytes */
	{ "v=mailauth1; dkim=" "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	  "aaaaaaaaaaaaaaa", REGISTRY_MALFORMED, NULL },	/* 64 */
	{ "", REGISTRY_MALFORMED, "does not start with 'v=mailauth1'" },
	{ "v=mailauth2; dkim=a", REGISTRY_MALFORMED,
	  "does not start with 'v=mailauth1'" },
	{ "dkim=a; v=mailauth1", REGISTRY_MALFORMED, NULL },
	{ "v=mailauth1;; dkim=a", REGISTRY_MALFORMED, "an empty tag" },
	{ "v=mailauth1; bogus=a", REGISTRY_MALFORMED,
	  "unknown kind 'bogus'" },
	{ "v=mailauth1; DKIM=a", REGISTRY_MALFORMED, "unknown kind 'DKIM'" },
	{ "v=mailauth1; dkim", REGISTRY_MALFORMED,
	  "'dkim' is not TOKEN=NAMES" },
	{ "v=mailauth1; dkim=", REGISTRY_MALFORMED,
	  "kind 'dkim' lists no name" },
	{ "v=mailauth1; dkim=a; dkim=b", REGISTRY_MALFORMED,
	  "kind 'dkim' listed twice" },
	{ "v=mailauth1; dkim=a,a", REGISTRY_MALFORMED,
	  "'a' listed twice for kind 'dkim'" },
	{ "v=mailauth1; dkim=a,", REGISTRY_MALFORMED, NULL },
	{ "v=mailauth1; dkim=A", REGISTRY_MALFORMED,
	  "'A' is not '@' or a relative name in canonical form" },
	{ "v=mailauth1; dkim=a..b", REGISTRY_MALFORMED, NULL },
	{ "v=mailauth1; dkim=.a", REGISTRY_MALFORMED, NULL },
	{ "v=mailauth1; dkim=@.a", REGISTRY_MALFORMED, NULL },
	{ "v=mailauth1; dkim=a b", REGISTRY_MALFORMED, NULL },
	{ "v=mailauth1; dkim=\\141", REGISTRY_MALFORMED, NULL }, /* 'a' */
	/* 'D': a canonical name has 'd' (found by the fuzzer). */
	{ "v=mailauth1; dkim=\\104._domainkey", REGISTRY_MALFORMED, NULL },
	{ "v=mailauth1; dkim=\\400", REGISTRY_MALFORMED, NULL },
	{ "v=mailauth1; dkim=\\05", REGISTRY_MALFORMED, NULL },
	{ "v=mailauth1; registry=a", REGISTRY_MALFORMED, NULL },
	{ "v=mailauth1; spf=www.example.org.", REGISTRY_OUTSIDE,
	  "'www.example.org.' is not relative to the domain: the registry "
	  "lists names below its own domain only" },
	{ "v=mailauth1; spf=x.; bogus=1", REGISTRY_MALFORMED, NULL },
};

START_TEST(registry_parse_table)
{
	struct registry	 r;
	struct err	 err;
	size_t		 i;

	for (i = 0; i < sizeof(parses) / sizeof(parses[0]); i++) {
		err_clear(&err);
		ck_assert_msg(registry_parse(parses[i].text,
		    strlen(parses[i].text), &r, &err) == parses[i].fault,
		    "'%s': %s", parses[i].text, err.msg);
		if (parses[i].msg != NULL)
			ck_assert_str_eq(err.msg, parses[i].msg);
		if (parses[i].fault != REGISTRY_OK)
			ck_assert_uint_eq(r.n, 0);
		registry_release(&r);
	}
	/* A NUL is a byte of the text, never its end. */
	ck_assert_int_eq(registry_parse("v=mailauth1\0; dkim=a", 20, &r, &err),
	    REGISTRY_MALFORMED);
	ck_assert_str_eq(err.msg, "holds a NUL byte");
	ck_assert(registry_is_record("v=mailauth1; x"));
	ck_assert(registry_is_record("v=mailauth2"));
	ck_assert(!registry_is_record("v=DMARC1"));
}
END_TEST

START_TEST(registry_names)
{
	char	*s;

	s = registry_relative("example.com.", "example.com.");
	ck_assert_str_eq(s, "@");
	free(s);
	s = registry_relative("s1._domainkey.example.com.", "example.com.");
	ck_assert_str_eq(s, "s1._domainkey");
	free(s);
	ck_assert_ptr_null(registry_relative("xexample.com.", "example.com."));
	ck_assert_ptr_null(registry_relative("example.org.", "example.com."));
	s = registry_absolute("@", "example.com.");
	ck_assert_str_eq(s, "example.com.");
	free(s);
	s = registry_absolute("\\052._domainkey", "example.com.");
	ck_assert_str_eq(s, "\\052._domainkey.example.com.");
	free(s);
	s = registry_name("example.com.");
	ck_assert_str_eq(s, "_mailauth.example.com.");
	free(s);
}
END_TEST

/* ---- what a plan decides ----------------------------------------------- */

#define ZONE_ID		"ZREG1"
#define KEY		"MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
#define KEY_TXT		"\"v=DKIM1; k=ed25519; " \
			"p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\""
#define REG		"_mailauth.example.com."

struct world {
	struct fake		 fake;
	struct http_transport	 http;
	struct aws_creds	 creds;
	struct r53_client	 client;
	struct fzone		*zone;
	struct cfg		 cfg;
	struct plan_inputs	 in;
	struct plan_built	 built;
	struct diags		 d;
	struct err		 err;
};

static int
world_connect(void *ctx, const struct r53_client **r53,
    const struct ses_identity **ses)
{
	struct world	*w = ctx;

	*r53 = &w->client;
	*ses = NULL;
	return 0;
}

static void
world_init(struct world *w)
{
	memset(w, 0, sizeof(*w));
	fake_open(&w->fake, &w->http, &w->creds, &w->client);
	w->zone = fake_zone(&w->fake, ZONE_ID, "example.com.");
	fake_add(w->zone, "example.com.", "NS", "ns1.example.net.");
}

static void
set(struct world *w, const char *name, const char *type, const char *value)
{
	fake_add(w->zone, name, type, value)->ttl = CFG_DEFAULT_TTL;
}

/* Plans cfg (a YAML text) against the zone. */
static int
world_plan(struct world *w, const char *cfg)
{
	struct diags	 d = DIAGS_INIT;

	ck_assert_msg(cfg_load_string(&w->cfg, "m.yaml", cfg, strlen(cfg),
	    &d) == 0, "%s", d.n > 0 ? d.v[0].msg : "?");
	diags_release(&d);
	w->in.cfg = &w->cfg;
	w->in.config_path = "m.yaml";
	w->in.day = 20833;
	w->in.created = "2027-01-15T00:00:00Z";
	w->in.scope = PLAN_SCOPE_ALL;
	w->in.connect = world_connect;
	w->in.ctx = w;
	return plan_build(&w->in, &w->built, &w->d, &w->err);
}

static void
world_release(struct world *w)
{
	plan_built_release(&w->built);
	cfg_release(&w->cfg);
	diags_release(&w->d);
	fake_release(&w->fake);
}

static const struct plan_change *
change_at(const struct plan *p, const char *name)
{
	size_t	 i;

	for (i = 0; i < p->nchanges; i++)
		if (plan_change_name(&p->changes[i]) != NULL &&
		    strcmp(plan_change_name(&p->changes[i]), name) == 0)
			return &p->changes[i];
	return NULL;
}

/* The one value of the registry's new set, or "" when it goes. */
static const char *
reg_after(const struct world *w)
{
	const struct plan_change	*c = change_at(&w->built.plan, REG);

	ck_assert_ptr_nonnull(c);
	return c->after.name != NULL && c->after.nvalues == 1 ?
	    c->after.values[0] : "";
}

static int
warned(const struct world *w, const char *part)
{
	size_t	 i;

	for (i = 0; i < w->d.n; i++)
		if (strstr(w->d.v[i].msg, part) != NULL)
			return 1;
	return 0;
}

#define CFG_S1 \
    "version: 1\ndomains:\n  example.com:\n" \
    "    dkim:\n      s1: { public_key: \"" KEY "\" }\n"

START_TEST(registry_no_registry_removes_nothing)
{
	struct world	 w;

	world_init(&w);
	set(&w, "s1._domainkey.example.com.", "TXT", KEY_TXT);
	set(&w, "s2._domainkey.example.com.", "TXT", KEY_TXT);
	ck_assert_int_eq(world_plan(&w, CFG_S1), 0);
	ck_assert_ptr_null(change_at(&w.built.plan,
	    "s2._domainkey.example.com."));
	ck_assert_int_eq(change_at(&w.built.plan, REG)->op, PLAN_CREATE);
	ck_assert_str_eq(reg_after(&w), "\"v=mailauth1; dkim=s1._domainkey\"");
	ck_assert_uint_eq(w.built.nremovals, 0);
	/* The registry came in the domain's one page. */
	ck_assert_uint_eq(w.fake.rrsets, 1);
	world_release(&w);
}
END_TEST

START_TEST(registry_removes_a_selector)
{
	struct world	 w;
	const struct plan_change *c;

	world_init(&w);
	set(&w, "s1._domainkey.example.com.", "TXT", KEY_TXT);
	set(&w, "s2._domainkey.example.com.", "TXT", KEY_TXT);
	set(&w, "s3._domainkey.example.com.", "CNAME", "s3.example.net.");
	set(&w, REG, "TXT", "\"v=mailauth1; dkim=s1._domainkey,s2._domainkey,"
	    "s3._domainkey\"");
	ck_assert_int_eq(world_plan(&w, CFG_S1), 0);
	c = change_at(&w.built.plan, "s2._domainkey.example.com.");
	ck_assert_int_eq(c->op, PLAN_DELETE);
	ck_assert_int_eq(c->kind, RECORD_DKIM);
	ck_assert_ptr_nonnull(strstr(c->note, "no longer in the config"));
	/* mailauth owns the CNAME at a selector, as with state: absent. */
	ck_assert_int_eq(change_at(&w.built.plan,
	    "s3._domainkey.example.com.")->op, PLAN_DELETE);
	ck_assert_str_eq(reg_after(&w), "\"v=mailauth1; dkim=s1._domainkey\"");
	/* Not also a look-alike the plan leaves alone. */
	ck_assert_uint_eq(w.built.plan.nnotes, 0);
	ck_assert_uint_eq(w.built.plan.ndestroy, 2);
	ck_assert_uint_eq(w.built.plan.nchange, 1);
	/* One page for the domain, one for the removed names. */
	ck_assert_uint_eq(w.fake.rrsets, 2);
	/* Deletes before the registry's update, in one batch. */
	ck_assert_uint_eq(w.built.nbatches, 1);
	ck_assert_int_eq(w.built.batches[0].changes[2]->kind,
	    RECORD_REGISTRY);
	world_release(&w);
}
END_TEST

START_TEST(registry_removes_only_mailauths_values)
{
	struct world	 w;
	const struct plan_change *c;
	char		*why;

	world_init(&w);
	set(&w, "example.com.", "TXT", "\"v=spf1 -all\"\n\"ms=1\"");
	set(&w, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=reject\"");
	/* Now someone else's only: nothing of mailauth's to remove. */
	set(&w, "s9._domainkey.example.com.", "TXT", "\"hello\"");
	set(&w, "s1._domainkey.example.com.", "TXT", KEY_TXT);
	set(&w, REG, "TXT", "\"v=mailauth1; dmarc=_dmarc; spf=@; "
	    "dkim=s1._domainkey,s9._domainkey\"");
	ck_assert_int_eq(world_plan(&w, CFG_S1), 0);
	c = change_at(&w.built.plan, "example.com.");
	ck_assert_int_eq(c->op, PLAN_UPDATE);
	ck_assert_uint_eq(c->after.nvalues, 1);
	ck_assert_str_eq(c->after.values[0], "\"ms=1\"");
	why = plan_change_weakens(c);
	ck_assert_str_eq(why, "SPF record removed");
	free(why);
	c = change_at(&w.built.plan, "_dmarc.example.com.");
	ck_assert_int_eq(c->op, PLAN_DELETE);
	why = plan_change_weakens(c);
	ck_assert_str_eq(why, "DMARC record removed");
	free(why);
	ck_assert_ptr_null(change_at(&w.built.plan,
	    "s9._domainkey.example.com."));
	ck_assert_str_eq(reg_after(&w), "\"v=mailauth1; dkim=s1._domainkey\"");
	ck_assert_ptr_null(plan_change_weakens(change_at(&w.built.plan, REG)));
	/* The apex update leaves no SPF value: it goes before the
	 * registry's update too. */
	ck_assert_int_eq(w.built.batches[0].changes[2]->kind,
	    RECORD_REGISTRY);
	world_release(&w);
}
END_TEST

/* A domain retired down to one absent selector: everything the registry
 * lists goes (a MAIL FROM domain's MX set included), then the registry. */
START_TEST(registry_retires_a_domain)
{
	static const char cfg[] =
	    "version: 1\ndomains:\n  example.com:\n"
	    "    dkim:\n      old: { state: absent }\n";
	struct world	 w;
	const char	*gone[] = { "_dmarc.example.com.", "example.com.",
	    "bounce.example.com.", "s1._domainkey.example.com.", REG };
	size_t		 i, n = 0;

	world_init(&w);
	set(&w, "example.com.", "TXT", "\"v=spf1 -all\"");
	set(&w, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=reject\"");
	set(&w, "bounce.example.com.", "MX",
	    "10 feedback-smtp.eu-west-1.amazonses.com");
	set(&w, "bounce.example.com.", "TXT",
	    "\"v=spf1 include:amazonses.com ~all\"");
	set(&w, "s1._domainkey.example.com.", "TXT", KEY_TXT);
	set(&w, REG, "TXT", "\"v=mailauth1; dmarc=_dmarc; spf=@,bounce; "
	    "dkim=s1._domainkey; mailfrom=bounce\"");
	ck_assert_int_eq(world_plan(&w, cfg), 0);
	ck_assert_uint_eq(w.d.nerrors, 0);
	for (i = 0; i < w.built.plan.nchanges; i++) {
		const struct plan_change *c = &w.built.plan.changes[i];

		if (c->op == PLAN_NONE)
			continue;
		ck_assert_int_eq(c->op, PLAN_DELETE);
		n++;
	}
	/* bounce holds two sets: MX (MAIL FROM) and TXT (SPF). */
	ck_assert_uint_eq(n, 6);
	for (i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
		ck_assert_msg(change_at(&w.built.plan, gone[i]) != NULL, "%s",
		    gone[i]);
	/* The registry goes last. */
	ck_assert_uint_eq(w.built.nbatches, 1);
	ck_assert_int_eq(w.built.batches[0].changes[5]->kind,
	    RECORD_REGISTRY);
	world_release(&w);
}
END_TEST

static const struct {
	const char	*value;		/* at _mailauth.example.com */
	const char	*warning;
} bad[] = {
	{ "\"v=mailauth1; dkim=s2._domainkey; oops\"",
	  "the registry record does not parse ('oops' is not TOKEN=NAMES)" },
	{ "\"v=mailauth1; dkim=s2._domainkey\"\n\"v=mailauth1\"",
	  "2 registry records; mailauth reads none of them" },
	{ "\"v=mailauth1; dkim=s2._domainkey.example.org.\"",
	  "the registry record claims names outside its domain" },
	{ "\"v=mailauth9; dkim=s2._domainkey\"",
	  "does not start with 'v=mailauth1'" },
};

START_TEST(registry_bad_ones_remove_nothing)
{
	struct world	 w;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		world_init(&w);
		set(&w, "s1._domainkey.example.com.", "TXT", KEY_TXT);
		set(&w, "s2._domainkey.example.com.", "TXT", KEY_TXT);
		set(&w, "s2._domainkey.example.org.", "TXT", KEY_TXT);
		set(&w, REG, "TXT", bad[i].value);
		ck_assert_int_eq(world_plan(&w, CFG_S1), 0);
		ck_assert_msg(warned(&w, bad[i].warning), "%zu: %s", i,
		    w.d.n > 0 ? w.d.v[0].msg : "no warning");
		ck_assert_uint_eq(w.built.plan.ndestroy, 0);
		ck_assert_uint_eq(w.built.nremovals, 0);
		ck_assert_str_eq(reg_after(&w),
		    "\"v=mailauth1; dkim=s1._domainkey\"");
		world_release(&w);
	}
}
END_TEST

START_TEST(registry_keeps_what_it_cannot_remove)
{
	struct world	 w;
	struct fset	*f;

	world_init(&w);
	set(&w, "s1._domainkey.example.com.", "TXT", KEY_TXT);
	f = fake_add(w.zone, "s2._domainkey.example.com.", "TXT", KEY_TXT);
	f->ident = xstrdup("blue");
	set(&w, REG, "TXT", "\"v=mailauth1; dkim=s1._domainkey,"
	    "s2._domainkey\"");
	ck_assert_int_eq(world_plan(&w, CFG_S1), 0);
	ck_assert(warned(&w, "s2._domainkey.example.com: no longer in the "
	    "config, but not removed"));
	ck_assert_uint_eq(w.built.plan.ndestroy, 0);
	/* Still listed: nothing changes at the registry. */
	ck_assert_int_eq(change_at(&w.built.plan, REG)->op, PLAN_NONE);
	world_release(&w);
}
END_TEST

/* A DMARC record left as it is (its rollout has not started) stays
 * listed when the registry lists it, and is not claimed when not. */
START_TEST(registry_leave_keeps_ownership)
{
	static const char cfg[] =
	    "version: 1\ndomains:\n  example.com:\n"
	    "    dmarc:\n      rollout:\n"
	    "        - { policy: none, from: 2030-01-01 }\n";
	struct world	 w;

	world_init(&w);
	set(&w, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=none\"");
	set(&w, REG, "TXT", "\"v=mailauth1; dmarc=_dmarc\"");
	ck_assert_int_eq(world_plan(&w, cfg), 0);
	ck_assert_int_eq(change_at(&w.built.plan, REG)->op, PLAN_NONE);
	ck_assert_int_eq(change_at(&w.built.plan,
	    "_dmarc.example.com.")->op, PLAN_NONE);
	world_release(&w);

	world_init(&w);
	set(&w, "_dmarc.example.com.", "TXT", "\"v=DMARC1; p=none\"");
	ck_assert_int_eq(world_plan(&w, cfg), 0);
	/* Nothing of mailauth's there yet: no registry is written. */
	ck_assert_ptr_null(change_at(&w.built.plan, REG) != NULL &&
	    change_at(&w.built.plan, REG)->op != PLAN_NONE ? "x" : NULL);
	world_release(&w);
}
END_TEST

/* Past the limit, a warning: the registry is left as it is, and the
 * plan goes on. */
START_TEST(registry_too_many_names)
{
	struct world	 w;
	struct buf	 cfg = BUF_INIT;
	size_t		 i;

	world_init(&w);
	set(&w, REG, "TXT", "\"v=mailauth1; dkim=old._domainkey\"");
	buf_adds(&cfg, "version: 1\ndomains:\n  example.com:\n    dkim:\n");
	for (i = 0; i < 60; i++)
		buf_addf(&cfg, "      selector-with-a-rather-long-name-%02zu: "
		    "{ public_key: \"" KEY "\" }\n", i);
	ck_assert_int_eq(world_plan(&w, buf_str(&cfg)), 0);
	ck_assert_msg(warned(&w, "domains.example.com: the registry would be "
	    "2837 bytes, over the limit of 2048 (60 names); it is left as it "
	    "is"), "%s", w.d.n > 0 ? w.d.v[0].msg : "?");
	ck_assert_uint_eq(w.d.nerrors, 0);
	ck_assert_int_eq(change_at(&w.built.plan, REG)->op, PLAN_NONE);
	ck_assert_uint_eq(w.built.plan.nadd, 60);
	buf_release(&cfg);
	world_release(&w);
}
END_TEST

/* ---- the order of a zone's changes in its batches ----------------------- */

static void
change(struct plan *p, enum plan_op op, enum record_kind kind,
    const char *name, const char *before, const char *after)
{
	struct plan_change	*c = xappend(&p->changes, &p->nchanges,
	    sizeof(*p->changes));

	c->op = op;
	c->kind = kind;
	c->domain = xstrdup("example.com");
	c->zone = &p->zones[0];
	if (before != NULL) {
		rrset_init(&c->before, name, "TXT", 300);
		rrset_value_add(&c->before, before);
	}
	if (after != NULL) {
		rrset_init(&c->after, name, "TXT", 300);
		rrset_value_add(&c->after, after);
	}
}

START_TEST(registry_batch_order)
{
	struct plan		 p;
	struct plan_batch	*b;
	struct diags		 d = DIAGS_INIT;
	size_t			 nb, i;
	char			 big[3000];

	memset(&p, 0, sizeof(p));
	p.zones = xcalloc(1, sizeof(*p.zones));
	p.nzones = 1;
	p.zones[0].id = xstrdup(ZONE_ID);
	p.zones[0].name = xstrdup("example.com.");
	change(&p, PLAN_CREATE, RECORD_DKIM, "a._domainkey.example.com.",
	    NULL, "\"v=DKIM1; p=x\"");
	change(&p, PLAN_UPDATE, RECORD_SPF, "example.com.",
	    "\"v=spf1 -all\" \"ms=1\"", "\"ms=1\"");
	change(&p, PLAN_UPDATE, RECORD_REGISTRY, REG, "\"v=mailauth1; spf=@\"",
	    "\"v=mailauth1; dkim=a._domainkey\"");
	change(&p, PLAN_UPDATE, RECORD_DMARC, "_dmarc.example.com.",
	    "\"v=DMARC1; p=none\"", "\"v=DMARC1; p=reject\"");
	change(&p, PLAN_DELETE, RECORD_DKIM, "b._domainkey.example.com.",
	    "\"v=DKIM1; p=y\"", NULL);
	plan_count(&p);
	ck_assert_int_eq(plan_batches(&p, &b, &nb, &d), 0);
	ck_assert_uint_eq(nb, 1);
	ck_assert_ptr_eq(b[0].changes[0], &p.changes[1]);	/* SPF out */
	ck_assert_ptr_eq(b[0].changes[1], &p.changes[4]);	/* delete */
	ck_assert_ptr_eq(b[0].changes[2], &p.changes[2]);	/* registry */
	ck_assert_ptr_eq(b[0].changes[3], &p.changes[0]);	/* create */
	ck_assert_ptr_eq(b[0].changes[4], &p.changes[3]);	/* update */
	plan_batches_release(b, nb);
	plan_release(&p);

	/* Cut into batches by the character limit, the registry's update
	 * still comes after every removal and before every addition. */
	memset(&p, 0, sizeof(p));
	p.zones = xcalloc(1, sizeof(*p.zones));
	p.nzones = 1;
	p.zones[0].id = xstrdup(ZONE_ID);
	p.zones[0].name = xstrdup("example.com.");
	memset(big, 'k', sizeof(big) - 1);
	memcpy(big, "\"v=DKIM1; p=", 12);
	big[sizeof(big) - 2] = '"';
	big[sizeof(big) - 1] = '\0';
	for (i = 0; i < 12; i++) {
		char	 name[64];

		snprintf(name, sizeof(name), "n%zu._domainkey.example.com.", i);
		change(&p, PLAN_CREATE, RECORD_DKIM, name, NULL, big);
		snprintf(name, sizeof(name), "o%zu._domainkey.example.com.", i);
		change(&p, PLAN_DELETE, RECORD_DKIM, name, big, NULL);
		if (i == 5)
			change(&p, PLAN_UPDATE, RECORD_REGISTRY, REG,
			    "\"v=mailauth1\"", "\"v=mailauth1; dkim=n\"");
	}
	plan_count(&p);
	ck_assert_int_eq(plan_batches(&p, &b, &nb, &d), 0);
	ck_assert_uint_gt(nb, 1);
	{
		int	 seen_reg = 0;
		size_t	 j;

		for (i = 0; i < nb; i++)
			for (j = 0; j < b[i].nchanges; j++) {
				const struct plan_change *c = b[i].changes[j];

				if (c->kind == RECORD_REGISTRY)
					seen_reg = 1;
				else if (c->op == PLAN_DELETE)
					ck_assert_int_eq(seen_reg, 0);
				else
					ck_assert_int_eq(seen_reg, 1);
			}
		ck_assert_int_eq(seen_reg, 1);
	}
	plan_batches_release(b, nb);
	plan_release(&p);
	diags_release(&d);
}
END_TEST

Suite *
registry_suite(void)
{
	Suite	*s = suite_create("registry");
	TCase	*tc = tcase_create("registry");

	tcase_add_test(tc, registry_round_trip);
	tcase_add_test(tc, registry_limit);
	tcase_add_test(tc, registry_parse_table);
	tcase_add_test(tc, registry_names);
	tcase_add_test(tc, registry_no_registry_removes_nothing);
	tcase_add_test(tc, registry_removes_a_selector);
	tcase_add_test(tc, registry_removes_only_mailauths_values);
	tcase_add_test(tc, registry_retires_a_domain);
	tcase_add_test(tc, registry_bad_ones_remove_nothing);
	tcase_add_test(tc, registry_keeps_what_it_cannot_remove);
	tcase_add_test(tc, registry_leave_keeps_ownership);
	tcase_add_test(tc, registry_too_many_names);
	tcase_add_test(tc, registry_batch_order);
	suite_add_tcase(s, tc);
	return s;
}
