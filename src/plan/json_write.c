/*
 * json_write.c - saved plans, written: a plan and where it came from as one
 * JSON document (the format is docs/plan-json.md), for "mailauth plan
 * --out" and "--format json"; and what the reader (json_read.c) shares
 * with it, declared in json.h.
 */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/plan.h"
#include "mailauth/replay.h"
#include "json.h"

/* --- shared with the reader --- */

void
plan_json_hooks(void)
{
	cJSON_Hooks	 hooks = { xmalloc, free };

	cJSON_InitHooks(&hooks);
}

const char *
plan_json_op_name(enum plan_op op)
{
	switch (op) {
	case PLAN_CREATE:
		return "create";
	case PLAN_UPDATE:
		return "update";
	case PLAN_DELETE:
		return "delete";
	case PLAN_NONE:
		break;
	}
	return "none";
}

const struct rrset *
plan_json_shown(const struct plan_change *c)
{
	return c->op == PLAN_DELETE ? &c->before : &c->after;
}

static void
strv_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "shard": {"domains": [...], "zones": [...]}, when a shard is set. */
static void
add_shard(cJSON *root, const struct plan_meta *m)
{
	cJSON	*o, *a;
	size_t	 i;

	if (m->nshard_domains == 0 && m->nshard_zones == 0)
		return;
	o = cJSON_AddObjectToObject(root, "shard");
	a = cJSON_AddArrayToObject(o, "domains");
	for (i = 0; i < m->nshard_domains; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(m->shard_domains[i]));
	a = cJSON_AddArrayToObject(o, "zones");
	for (i = 0; i < m->nshard_zones; i++)
		cJSON_AddItemToArray(a, cJSON_CreateString(m->shard_zones[i]));
}

void
plan_meta_release(struct plan_meta *meta)
{
	free(meta->mailauth_version);
	free(meta->config_path);
	free(meta->created);
	strv_free(meta->shard_domains, meta->nshard_domains);
	strv_free(meta->shard_zones, meta->nshard_zones);
	memset(meta, 0, sizeof(*meta));
}

/* --- writing --- */

static void
add_str_or_null(cJSON *o, const char *key, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(o, key, s);
	else
		cJSON_AddNullToObject(o, key);
}

/* The routing fields of rs, or null for a simple record set. */
static cJSON *
routing_json(const struct rrset *rs)
{
	cJSON	*o;
	size_t	 i;

	if (rrset_policy(rs) == NULL)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	for (i = 0; i < RRSET_NFIELDS; i++)
		add_str_or_null(o, rrset_field_name(i)->json, rs->routing[i]);
	return o;
}

static cJSON *
rrset_json(const struct rrset *rs)
{
	cJSON	*o, *values;
	size_t	 i;

	if (rs->name == NULL)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", rs->name);
	cJSON_AddStringToObject(o, "type", rs->type);
	cJSON_AddNumberToObject(o, "ttl", (double)rs->ttl);
	values = cJSON_AddArrayToObject(o, "values");
	for (i = 0; i < rs->nvalues; i++)
		cJSON_AddItemToArray(values, cJSON_CreateString(rs->values[i]));
	cJSON_AddItemToObject(o, "routing", routing_json(rs));
	return o;
}

static cJSON *
stage_json(const struct plan_stage *st)
{
	cJSON	*o;

	if (st == NULL)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "number", st->number);
	cJSON_AddNumberToObject(o, "count", st->count);
	add_str_or_null(o, "from", st->number > 0 ? st->from : NULL);
	add_str_or_null(o, "policy", dmarc_policy_name(st->policy));
	cJSON_AddBoolToObject(o, "testing", st->testing);
	if (st->pct >= 0)
		cJSON_AddNumberToObject(o, "pct", st->pct);
	else
		cJSON_AddNullToObject(o, "pct");
	cJSON_AddBoolToObject(o, "rollback", st->rollback);
	add_str_or_null(o, "next", st->next[0] != '\0' ? st->next : NULL);
	return o;
}

/* --- for review (format 4) --- */

/* "weakening": the guard's reason (plan_change_weakens()), or null. */
static void
add_weakening(cJSON *o, const struct plan_change *c)
{
	char	*why = plan_change_weakens(c);

	add_str_or_null(o, "weakening", why);
	free(why);
}

static cJSON *
notices_json(const struct plan_notice *v, size_t n)
{
	cJSON	*a = cJSON_CreateArray(), *o;
	size_t	 i;

	for (i = 0; i < n; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "message", v[i].message);
		add_str_or_null(o, "domain", v[i].domain);
		add_str_or_null(o, "name", v[i].name);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
domains_json(const struct plan *p)
{
	cJSON	*a = cJSON_CreateArray(), *o, *g;
	size_t	 i;

	for (i = 0; i < p->ngates; i++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "domain", p->gates[i].domain);
		g = cJSON_AddObjectToObject(o, "gate");
		cJSON_AddStringToObject(g, "verdict",
		    plan_gate_verdict_name(p->gates[i].verdict));
		add_str_or_null(g, "reason", p->gates[i].reason);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

/* "replay": the policy replay of a DMARC change (format 5), or null. */
static cJSON *
replay_json(const struct plan_replay *r)
{
	cJSON	*o, *a, *s;
	size_t	 i;

	if (r == NULL)
		return cJSON_CreateNull();
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "since", r->since);
	cJSON_AddStringToObject(o, "until", r->until);
	cJSON_AddNumberToObject(o, "messages", (double)r->messages);
	cJSON_AddNumberToObject(o, "failing", (double)r->failing);
	cJSON_AddNumberToObject(o, "quarantine", (double)r->quarantine);
	cJSON_AddNumberToObject(o, "reject", (double)r->reject);
	cJSON_AddNumberToObject(o, "sources", (double)r->sources);
	a = cJSON_AddArrayToObject(o, "top_sources");
	for (i = 0; i < r->ntop; i++) {
		s = cJSON_CreateObject();
		cJSON_AddStringToObject(s, "source_ip", r->top[i].ip);
		cJSON_AddNumberToObject(s, "quarantine",
		    (double)r->top[i].quarantine);
		cJSON_AddNumberToObject(s, "reject", (double)r->top[i].reject);
		cJSON_AddItemToArray(a, s);
	}
	return o;
}

static cJSON *
change_json(const struct plan_change *c)
{
	const struct rrset	*shown = plan_json_shown(c);
	cJSON			*o, *zone;

	o = cJSON_CreateObject();
	zone = cJSON_AddObjectToObject(o, "zone");
	add_str_or_null(zone, "id", c->zone != NULL ? c->zone->id : NULL);
	add_str_or_null(zone, "name", c->zone != NULL ? c->zone->name : NULL);
	if (c->zone != NULL && c->zone->account != NULL)	/* accounts: */
		cJSON_AddStringToObject(zone, "account", c->zone->account);
	add_str_or_null(o, "domain", c->domain);
	cJSON_AddStringToObject(o, "kind", record_kind_name(c->kind));
	cJSON_AddStringToObject(o, "action", plan_json_op_name(c->op));
	add_str_or_null(o, "name", shown->name);
	add_str_or_null(o, "type", shown->name != NULL ? shown->type : NULL);
	if (shown->name != NULL)
		cJSON_AddNumberToObject(o, "ttl", (double)shown->ttl);
	else
		cJSON_AddNullToObject(o, "ttl");
	add_str_or_null(o, "note", c->note);
	add_weakening(o, c);
	cJSON_AddItemToObject(o, "stage", stage_json(c->stage));
	cJSON_AddItemToObject(o, "replay", replay_json(c->replay));
	cJSON_AddItemToObject(o, "before", rrset_json(&c->before));
	cJSON_AddItemToObject(o, "after", rrset_json(&c->after));
	return o;
}

void
plan_to_json(const struct plan *p, const struct plan_meta *meta,
    struct buf *out)
{
	cJSON	*root, *o, *changes;
	char	*text;
	size_t	 i;

	plan_json_hooks();
	root = cJSON_CreateObject();
	cJSON_AddNumberToObject(root, "format_version", PLAN_FORMAT_VERSION);
	add_str_or_null(root, "mailauth_version", meta->mailauth_version);
	o = cJSON_AddObjectToObject(root, "config");
	add_str_or_null(o, "path", meta->config_path);
	cJSON_AddStringToObject(o, "sha256", meta->config_sha256);
	add_str_or_null(root, "created", meta->created);
	add_shard(root, meta);
	o = cJSON_AddObjectToObject(root, "summary");
	cJSON_AddNumberToObject(o, "add", (double)p->nadd);
	cJSON_AddNumberToObject(o, "change", (double)p->nchange);
	cJSON_AddNumberToObject(o, "destroy", (double)p->ndestroy);
	cJSON_AddItemToObject(root, "domains", domains_json(p));
	cJSON_AddItemToObject(root, "warnings", notices_json(p->warnings,
	    p->nwarnings));
	cJSON_AddItemToObject(root, "notes", notices_json(p->notes,
	    p->nnotes));
	changes = cJSON_AddArrayToObject(root, "changes");
	for (i = 0; i < p->nchanges; i++)
		cJSON_AddItemToArray(changes, change_json(&p->changes[i]));
	text = cJSON_Print(root);
	buf_adds(out, text);
	buf_addc(out, '\n');
	cJSON_free(text);
	cJSON_Delete(root);
}
