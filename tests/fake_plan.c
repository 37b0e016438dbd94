/*
 * fake_plan.c - a plan built by hand (fake_plan.h).
 */
#include <cJSON.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/plan.h"
#include "fake_plan.h"

struct plan_change *
fx_change(struct plan *p, size_t zone, enum plan_op op,
    enum record_kind kind, const char *domain, const char *note)
{
	struct plan_change	*c = xappend(&p->changes, &p->nchanges,
				    sizeof(*p->changes));

	c->op = op;
	c->kind = kind;
	c->domain = xstrdup(domain);
	c->zone = &p->zones[zone];
	c->note = note != NULL ? xstrdup(note) : NULL;
	return c;
}

void
fx_set(struct rrset *rs, const char *name, const char *type, long ttl,
    const char *v1, const char *v2)
{
	rrset_init(rs, name, type, ttl);
	rrset_value_add(rs, v1);
	if (v2 != NULL)
		rrset_value_add(rs, v2);
}

void
fx_zones(struct plan *p, size_t n)
{
	static const char *const	 ids[] = { "Z1EXAMPLE", "Z2OTHER" };
	static const char *const	 names[] = {
		"example.com.", "example.org."
	};
	size_t				 i;

	memset(p, 0, sizeof(*p));
	p->zones = xcalloc(n, sizeof(*p->zones));
	for (i = 0; i < n; i++) {
		p->zones[i].id = xstrdup(ids[i]);
		p->zones[i].name = xstrdup(names[i]);
	}
	p->nzones = n;
}

struct plan_stage *
fx_stage(int number, int count, const char *from, enum dmarc_policy policy,
    int testing, int pct, int rollback, const char *next)
{
	struct plan_stage	*st = xcalloc(1, sizeof(*st));

	st->number = number;
	st->count = count;
	snprintf(st->from, sizeof(st->from), "%s", from);
	st->policy = policy;
	st->testing = testing;
	st->pct = pct;
	st->rollback = rollback;
	snprintf(st->next, sizeof(st->next), "%s", next);
	return st;
}


/* What plan_review() adds: a gate per domain, warnings and a note. */
void
fx_review(struct plan *p)
{
	p->gates = xcalloc(2, sizeof(*p->gates));
	p->ngates = 2;
	p->gates[0].domain = xstrdup("example.com");
	p->gates[0].verdict = PLAN_GATE_HOLD;
	p->gates[0].reason = xstrdup(GATE_HELD);
	p->gates[1].domain = xstrdup("example.org");
	p->gates[1].verdict = PLAN_GATE_NONE;
	plan_notice_add(&p->warnings, &p->nwarnings, WARN_LIVE, "example.com",
	    "_dmarc.example.com.");
	plan_notice_add(&p->warnings, &p->nwarnings, "warning: not read: "
	    "'r/x.xml': not a DMARC aggregate report", NULL, NULL);
	plan_notice_add(&p->notes, &p->nnotes, NOTE_OLD, "example.com",
	    "old._domainkey.example.com.");
}

/*
 * The JSON of a version 5 plan as an older version wrote it: 4 without
 * the replay, 3 without the fields for review either, 2 without routing.
 */
void
fx_downgrade(const char *json, int version, struct buf *out)
{
	cJSON	*root = cJSON_Parse(json), *c, *side;
	char	*text;
	int	 k;

	ck_assert_ptr_nonnull(root);
	cJSON_ReplaceItemInObject(root, "format_version",
	    cJSON_CreateNumber(version));
	for (k = 0; version < 4 && k < 3; k++)
		cJSON_DeleteItemFromObject(root, k == 0 ? "domains" : k == 1 ?
		    "warnings" : "notes");
	cJSON_ArrayForEach(c, cJSON_GetObjectItem(root, "changes")) {
		cJSON_DeleteItemFromObject(c, "replay");
		if (version < 4)
			cJSON_DeleteItemFromObject(c, "weakening");
		for (k = 0; version == 2 && k < 2; k++) {
			side = cJSON_GetObjectItem(c, k == 0 ? "before" :
			    "after");
			if (cJSON_IsObject(side))
				cJSON_DeleteItemFromObject(side, "routing");
		}
	}
	text = cJSON_Print(root);
	buf_adds(out, text);
	buf_addc(out, '\n');
	cJSON_free(text);
	cJSON_Delete(root);
}

/*
 * Every kind of change across two zones: create (DMARC, the first stage
 * of a rollout), update, a TXT -> CNAME switch, delete, an unchanged set
 * with a note, an absent selector with nothing live.
 */
void
fx_plan(struct plan *p)
{
	struct plan_change	*c;

	fx_zones(p, 2);
	c = fx_change(p, 0, PLAN_CREATE, RECORD_DMARC, "example.com", NULL);
	fx_set(&c->after, "_dmarc.example.com.", "TXT", 3600,
	    "\"v=DMARC1; p=none; rua=mailto:d@example.com\"", NULL);
	c->stage = fx_stage(1, 5, "2026-12-01", DMARC_POLICY_NONE, 0, -1, 0,
	    "2027-01-05");
	c = fx_change(p, 0, PLAN_UPDATE, RECORD_SPF, "example.com", NULL);
	fx_set(&c->before, "example.com.", "TXT", 300,
	    "\"google-site-verification=abc\"", "\"v=spf1 ~all\"");
	fx_set(&c->after, "example.com.", "TXT", 300,
	    "\"google-site-verification=abc\"", "\"v=spf1 -all\"");
	c = fx_change(p, 0, PLAN_UPDATE, RECORD_DKIM, "example.com",
	    "the selector's key record is replaced by its CNAME, in one batch");
	fx_set(&c->before, "s1._domainkey.example.com.", "TXT", 3600,
	    "\"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"",
	    NULL);
	fx_set(&c->after, "s1._domainkey.example.com.", "CNAME", 1800,
	    "s1.dkim.example.net.", NULL);
	c = fx_change(p, 1, PLAN_DELETE, RECORD_DKIM, "example.org", NULL);
	fx_set(&c->before, "old._domainkey.example.org.", "TXT", 600,
	    "\"v=DKIM1; p=MFkwEwYHKoZIzj0CAQ\" \"YIKoZIzj0DAQcDQgAE\"", NULL);
	c = fx_change(p, 1, PLAN_NONE, RECORD_SPF, "example.org", SPF_NOTE);
	fx_set(&c->before, "example.org.", "TXT", 900,
	    "\"v=spf1  -all\"", NULL);
	fx_set(&c->after, "example.org.", "TXT", 900, "\"v=spf1  -all\"", NULL);
	fx_change(p, 1, PLAN_NONE, RECORD_DKIM, "example.org", NULL);
	/* Stale Easy DKIM tokens with routing policies: one kept, one
	 * deleted, whose DELETE must repeat every routing field. */
	c = fx_change(p, 1, PLAN_NONE, RECORD_DKIM, "example.org", TOKEN_NOTE);
	fx_set(&c->before, "tok1._domainkey.example.org.", "CNAME", 1800,
	    "tok1.dkim.amazonses.com", NULL);
	rrset_field_set(&c->before, RRSET_SET_IDENTIFIER, "blue");
	rrset_field_set(&c->before, RRSET_WEIGHT, "10");
	rrset_copy(&c->after, &c->before);
	c = fx_change(p, 1, PLAN_DELETE, RECORD_DKIM, "example.org", NULL);
	fx_set(&c->before, "tok2._domainkey.example.org.", "CNAME", 300,
	    "tok2.dkim.amazonses.com", NULL);
	rrset_field_set(&c->before, RRSET_SET_IDENTIFIER, "near");
	rrset_field_set(&c->before, RRSET_GEOPROX_LATITUDE, "49.22");
	rrset_field_set(&c->before, RRSET_GEOPROX_LONGITUDE, "-74.01");
	rrset_field_set(&c->before, RRSET_GEOPROX_BIAS, "-20");
	rrset_field_set(&c->before, RRSET_HEALTH_CHECK,
	    "abcdef11-2222-3333-4444-555555fedcba");
	plan_count(p);
	fx_review(p);
}

void
fx_meta(struct plan_meta *m)
{
	memset(m, 0, sizeof(*m));
	m->format_version = PLAN_FORMAT_VERSION;
	m->mailauth_version = xstrdup("0.1.0");
	m->config_path = xstrdup("mailauth.yaml");
	memcpy(m->config_sha256, SHA, sizeof(m->config_sha256));
	m->created = xstrdup("2026-11-29T01:02:03Z");
}

/* The fixture as JSON (free() it). */
char *
fx_json(void)
{
	struct plan	 p;
	struct plan_meta m;
	struct buf	 out = BUF_INIT;

	fx_plan(&p);
	fx_meta(&m);
	plan_to_json(&p, &m, &out);
	plan_release(&p);
	plan_meta_release(&m);
	return buf_detach(&out);
}

/* Like ck_assert_str_eq, with a message short enough for Check: the
 * first line that differs. */
void
fx_assert_same_text(const char *got, const char *want)
{
	size_t	 i, line = 1, start = 0;

	for (i = 0; got[i] != '\0' && got[i] == want[i]; i++)
		if (got[i] == '\n') {
			line++;
			start = i + 1;
		}
	ck_assert_msg(got[i] == want[i], "line %zu differs: got '%.*s', "
	    "want '%.*s'", line, (int)strcspn(got + start, "\n"), got + start,
	    (int)strcspn(want + start, "\n"), want + start);
}
