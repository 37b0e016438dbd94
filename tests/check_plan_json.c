/*
 * check_plan_json.c - saved plans (plan_to_json, plan_from_json): the
 * round trip, every class of malformed input with its message (a rollout
 * stage's fields and the fields for review included), versions 3 and 2
 * read, what the writer and the reader share (src/plan/json.h), and that
 * docs/plan-json.md documents exactly the fields the writer emits.  The
 * plan built by hand is fake_plan.c's; the Markdown is check_plan_markdown.c.
 *
 * cJSON is used here only to walk and edit documents the writer made.
 */
#include <cJSON.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "mailauth/replay.h"
#include "../src/plan/json.h"
#include "fake_plan.h"

#define DOC		"docs/plan-json.md"

/* --- round trip --- */

/* record_kind_names(): every kind a saved plan may name. */
#define KINDS	"DMARC, SPF, DKIM, MAIL FROM, DMARC report authorization, " \
		"null MX, TLS-RPT, MTA-STS, BIMI or mailauth registry"

static void
assert_stage_eq(const struct plan_stage *a, const struct plan_stage *b)
{
	if (a == NULL) {
		ck_assert_ptr_null(b);
		return;
	}
	ck_assert_ptr_nonnull(b);
	ck_assert_int_eq(a->number, b->number);
	ck_assert_int_eq(a->count, b->count);
	ck_assert_str_eq(a->from, b->from);
	ck_assert_int_eq(a->policy, b->policy);
	ck_assert_int_eq(a->testing, b->testing);
	ck_assert_int_eq(a->pct, b->pct);
	ck_assert_int_eq(a->rollback, b->rollback);
	ck_assert_str_eq(a->next, b->next);
}

static void
assert_rrset_eq(const struct rrset *a, const struct rrset *b)
{
	if (a->name == NULL) {
		ck_assert_ptr_null(b->name);
		return;
	}
	ck_assert_ptr_nonnull(b->name);
	ck_assert(rrset_equal(a, b));
}

START_TEST(round_trip)
{
	struct plan	 p, q;
	struct plan_meta m, n;
	struct buf	 one = BUF_INIT, two = BUF_INIT;
	struct err	 err;
	size_t		 i;

	fx_plan(&p);
	fx_meta(&m);
	plan_to_json(&p, &m, &one);
	err_clear(&err);
	ck_assert_msg(plan_from_json(one.data, one.len, &q, &n, &err) == 0,
	    "%s", err.msg);

	ck_assert_int_eq(n.format_version, PLAN_FORMAT_VERSION);
	ck_assert_str_eq(n.mailauth_version, "0.1.0");
	ck_assert_str_eq(n.config_path, "mailauth.yaml");
	ck_assert_str_eq(n.config_sha256, SHA);
	ck_assert_str_eq(n.created, "2026-11-29T01:02:03Z");

	/* One zone per distinct id, in order of first appearance. */
	ck_assert_uint_eq(q.nzones, 2);
	ck_assert_str_eq(q.zones[0].id, "Z1EXAMPLE");
	ck_assert_str_eq(q.zones[1].name, "example.org.");
	ck_assert_uint_eq(q.nchanges, p.nchanges);
	ck_assert_uint_eq(q.nadd, 1);
	ck_assert_uint_eq(q.nchange, 2);
	ck_assert_uint_eq(q.ndestroy, 2);
	for (i = 0; i < p.nchanges; i++) {
		const struct plan_change	*a = &p.changes[i];
		const struct plan_change	*b = &q.changes[i];

		ck_assert_int_eq(a->op, b->op);
		ck_assert_int_eq(a->kind, b->kind);
		ck_assert_str_eq(a->domain, b->domain);
		ck_assert_ptr_eq(b->zone, &q.zones[a->zone - p.zones]);
		if (a->note != NULL)
			ck_assert_str_eq(a->note, b->note);
		else
			ck_assert_ptr_null(b->note);
		assert_rrset_eq(&a->before, &b->before);
		assert_rrset_eq(&a->after, &b->after);
		assert_stage_eq(a->stage, b->stage);
	}
	ck_assert_ptr_nonnull(q.changes[0].stage);
	ck_assert_str_eq(q.changes[2].before.type, "TXT");
	ck_assert_str_eq(q.changes[2].after.type, "CNAME");

	plan_to_json(&q, &n, &two);
	fx_assert_same_text(buf_str(&two), buf_str(&one));

	buf_release(&one);
	buf_release(&two);
	plan_release(&p);
	plan_release(&q);
	plan_meta_release(&m);
	plan_meta_release(&n);
}
END_TEST

/* accounts: and shards: each zone's account and the plan's shard are
 * written and read back, and written again the same. */
START_TEST(round_trip_accounts_and_shard)
{
	struct plan	 p, q;
	struct plan_meta m, n;
	struct buf	 one = BUF_INIT, two = BUF_INIT;
	struct err	 err;

	fx_plan(&p);
	fx_meta(&m);
	p.zones[1].account = xstrdup("prod");
	*(char **)xappend(&m.shard_domains, &m.nshard_domains,
	    sizeof(char *)) = xstrdup("*.example.org");
	*(char **)xappend(&m.shard_zones, &m.nshard_zones,
	    sizeof(char *)) = xstrdup("Z2*");
	*(char **)xappend(&m.shard_zones, &m.nshard_zones,
	    sizeof(char *)) = xstrdup("example.com");
	plan_to_json(&p, &m, &one);
	ck_assert_ptr_nonnull(strstr(buf_str(&one), "\"prod\""));
	err_clear(&err);
	ck_assert_msg(plan_from_json(one.data, one.len, &q, &n, &err) == 0,
	    "%s", err.msg);
	ck_assert_ptr_null(q.zones[0].account);
	ck_assert_str_eq(q.zones[1].account, "prod");
	ck_assert_uint_eq(n.nshard_domains, 1);
	ck_assert_str_eq(n.shard_domains[0], "*.example.org");
	ck_assert_uint_eq(n.nshard_zones, 2);
	ck_assert_str_eq(n.shard_zones[1], "example.com");
	plan_to_json(&q, &n, &two);
	fx_assert_same_text(buf_str(&two), buf_str(&one));
	buf_release(&one);
	buf_release(&two);
	plan_release(&p);
	plan_release(&q);
	plan_meta_release(&m);
	plan_meta_release(&n);
}
END_TEST

START_TEST(round_trip_escapes)
{
	struct plan	 p, q;
	struct plan_meta m, n;
	struct buf	 one = BUF_INIT, two = BUF_INIT;
	struct plan_change *c;
	struct err	 err;

	/* Quotes, backslashes and non-ASCII text survive unchanged. */
	fx_zones(&p, 1);
	c = fx_change(&p, 0, PLAN_CREATE, RECORD_SPF, "example.com",
	    "caf\xc3\xa9 \"quoted\" back\\slash");
	fx_set(&c->after, "example.com.", "TXT", 0,
	    "\"v=spf1 a:\\\"x\\\" \\233 -all\"", "\"\"");
	plan_count(&p);
	fx_meta(&m);
	plan_to_json(&p, &m, &one);
	err_clear(&err);
	ck_assert_msg(plan_from_json(one.data, one.len, &q, &n, &err) == 0,
	    "%s", err.msg);
	ck_assert_str_eq(q.changes[0].note, p.changes[0].note);
	ck_assert(rrset_equal(&q.changes[0].after, &p.changes[0].after));
	plan_to_json(&q, &n, &two);
	fx_assert_same_text(buf_str(&two), buf_str(&one));
	buf_release(&one);
	buf_release(&two);
	plan_release(&p);
	plan_release(&q);
	plan_meta_release(&m);
	plan_meta_release(&n);
}
END_TEST

/* Every shape of stage: not started (nothing live), testing, pct, a
 * rollback, the last; each survives the round trip unchanged. */
START_TEST(round_trip_stages)
{
	struct plan		 p, q;
	struct plan_meta	 m, n;
	struct buf		 one = BUF_INIT, two = BUF_INIT;
	struct plan_change	*c;
	struct err		 err;
	size_t			 i;

	fx_zones(&p, 1);
	c = fx_change(&p, 0, PLAN_NONE, RECORD_DMARC, "example.com", NULL);
	c->stage = fx_stage(0, 5, "", DMARC_POLICY_UNSET, 0, -1, 0, "2026-12-01");
	c = fx_change(&p, 0, PLAN_CREATE, RECORD_DMARC, "a.example.com",
	    NULL);
	fx_set(&c->after, "_dmarc.a.example.com.", "TXT", 300,
	    "\"v=DMARC1; p=quarantine; t=y; pct=0\"", NULL);
	c->stage = fx_stage(2, 5, "2027-01-05", DMARC_POLICY_QUARANTINE, 1, -1,
	    0, "2027-02-01");
	c = fx_change(&p, 0, PLAN_CREATE, RECORD_DMARC, "b.example.com",
	    NULL);
	fx_set(&c->after, "_dmarc.b.example.com.", "TXT", 300,
	    "\"v=DMARC1; p=reject; pct=25\"", NULL);
	c->stage = fx_stage(4, 5, "2027-03-01", DMARC_POLICY_REJECT, 0, 25, 1,
	    "2027-04-01");
	c = fx_change(&p, 0, PLAN_CREATE, RECORD_DMARC, "c.example.com",
	    NULL);
	fx_set(&c->after, "_dmarc.c.example.com.", "TXT", 300,
	    "\"v=DMARC1; p=reject\"", NULL);
	c->stage = fx_stage(5, 5, "2027-04-01", DMARC_POLICY_REJECT, 0, -1, 0, "");
	plan_count(&p);
	fx_meta(&m);
	plan_to_json(&p, &m, &one);
	ck_assert_ptr_nonnull(strstr(buf_str(&one), "\"stage\":\t{\n"
	    "\t\t\t\t\"number\":\t0,\n\t\t\t\t\"count\":\t5,\n"
	    "\t\t\t\t\"from\":\tnull,\n\t\t\t\t\"policy\":\tnull,\n"));
	err_clear(&err);
	ck_assert_msg(plan_from_json(one.data, one.len, &q, &n, &err) == 0,
	    "%s", err.msg);
	ck_assert_uint_eq(q.nchanges, 4);
	for (i = 0; i < 4; i++)
		assert_stage_eq(p.changes[i].stage, q.changes[i].stage);
	plan_to_json(&q, &n, &two);
	fx_assert_same_text(buf_str(&two), buf_str(&one));
	buf_release(&one);
	buf_release(&two);
	plan_release(&p);
	plan_release(&q);
	plan_meta_release(&m);
	plan_meta_release(&n);
}
END_TEST

START_TEST(empty_plan)
{
	struct plan	 p, q;
	struct plan_meta m, n;
	struct buf	 one = BUF_INIT;
	struct err	 err;

	memset(&p, 0, sizeof(p));
	fx_meta(&m);
	plan_to_json(&p, &m, &one);
	ck_assert_ptr_nonnull(strstr(buf_str(&one), "\"changes\":\t[]"));
	err_clear(&err);
	ck_assert_msg(plan_from_json(one.data, one.len, &q, &n, &err) == 0,
	    "%s", err.msg);
	ck_assert_uint_eq(q.nchanges, 0);
	ck_assert_uint_eq(q.nzones, 0);
	ck_assert(!plan_has_changes(&q));
	buf_release(&one);
	plan_release(&q);
	plan_meta_release(&m);
	plan_meta_release(&n);
}
END_TEST

/* --- malformed input --- */

/*
 * Expects plan_from_json(text) to fail with want (an exact message, or
 * with a leading '*' a part of it) and to leave nothing to free.
 */
static void
assert_fails(const char *text, size_t len, const char *want, const char *what)
{
	struct plan	 p;
	struct plan_meta m;
	struct err	 err;

	err_clear(&err);
	ck_assert_msg(plan_from_json(text, len, &p, &m, &err) == -1,
	    "%s: accepted", what);
	if (want[0] == '*')
		ck_assert_msg(strstr(err.msg, want + 1) != NULL,
		    "%s: got '%s', want '%s'", what, err.msg, want + 1);
	else
		ck_assert_msg(strcmp(err.msg, want) == 0,
		    "%s: got '%s', want '%s'", what, err.msg, want);
	ck_assert_ptr_null(p.changes);
	ck_assert_ptr_null(p.zones);
	ck_assert_uint_eq(p.nchanges, 0);
	ck_assert_ptr_null(m.created);
	ck_assert_ptr_null(m.mailauth_version);
	ck_assert_ptr_null(m.config_path);
}

/*
 * One edit of the fixture's document: at path ("changes[3].before.ttl"),
 * value (JSON text, put in as is) replaces the value; NULL deletes the
 * field; a last step "+key" adds a field key even when one is there.
 */
struct edit {
	const char	*path;
	const char	*value;
};

struct bad_case {
	struct edit	 edits[2];
	const char	*want;
};

static cJSON *
step(cJSON *at, const char **pp, char *key, size_t keysz, int *index)
{
	const char	*p = *pp;
	size_t		 n = 0;

	*index = -1;
	if (*p == '[') {
		*index = atoi(p + 1);
		p = strchr(p, ']') + 1;
	} else {
		while (*p != '\0' && *p != '.' && *p != '[' && n + 1 < keysz)
			key[n++] = *p++;
	}
	key[n] = '\0';
	if (*p == '.')
		p++;
	*pp = p;
	if (*index >= 0)
		return cJSON_GetArrayItem(at, *index);
	return key[0] == '+' ? NULL : cJSON_GetObjectItemCaseSensitive(at, key);
}

static void
apply_edit(cJSON *root, const struct edit *e, const char *mark)
{
	cJSON		*at = root, *parent = NULL;
	const char	*p = e->path;
	char		 key[64];
	int		 index = -1;

	while (*p != '\0') {
		parent = at;
		at = step(parent, &p, key, sizeof(key), &index);
		if (*p != '\0')
			ck_assert_msg(at != NULL, "no '%s' in the fixture",
			    e->path);
	}
	ck_assert_ptr_nonnull(parent);
	if (e->value == NULL) {
		if (index >= 0)
			cJSON_DeleteItemFromArray(parent, index);
		else
			cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
	} else if (key[0] == '+')
		cJSON_AddItemToObject(parent, key + 1, cJSON_CreateString(mark));
	else if (index >= 0)
		cJSON_ReplaceItemInArray(parent, index,
		    cJSON_CreateString(mark));
	else {
		ck_assert_msg(at != NULL, "no '%s' in the fixture", e->path);
		cJSON_ReplaceItemInObjectCaseSensitive(parent, key,
		    cJSON_CreateString(mark));
	}
}

/* Replaces the first "\"mark\"" in b by text. */
static void
put_raw(struct buf *b, const char *mark, const char *text)
{
	struct buf	 q = BUF_INIT, out = BUF_INIT;
	const char	*at;

	buf_addf(&q, "\"%s\"", mark);
	if ((at = strstr(buf_str(b), buf_str(&q))) != NULL) {
		buf_add(&out, b->data, (size_t)(at - b->data));
		buf_adds(&out, text);
		buf_adds(&out, at + q.len);
		buf_release(b);
		*b = out;
	}
	buf_release(&q);
}

static const char RSET_CREATE[] = "{\"name\": \"_dmarc.example.com.\", "
    "\"type\": \"TXT\", \"ttl\": 1, \"values\": [\"\\\"x\\\"\"], "
    "\"routing\": null}";
static const char RSET_SPF_BEFORE[] = "{\"name\": \"example.com.\", "
    "\"type\": \"TXT\", \"ttl\": 300, \"values\": "
    "[\"\\\"google-site-verification=abc\\\"\", \"\\\"v=spf1 ~all\\\"\"], "
    "\"routing\": null}";

/* A stage, in full, for the cases that put one where it does not belong. */
#define STAGE_JSON(number, from, policy, testing, pct, next) \
	"{\"number\": " number ", \"count\": 5, \"from\": " from ", " \
	"\"policy\": " policy ", \"testing\": " testing ", \"pct\": " pct \
	", \"rollback\": false, \"next\": " next "}"
#define STAGE_OK	STAGE_JSON("1", "\"2026-12-01\"", "\"none\"", "false", \
			    "null", "\"2027-01-05\"")
#define STAGE_0		STAGE_JSON("0", "null", "null", "false", "null", \
			    "\"2026-12-01\"")

/* A routing object of a weighted set. */
#define ROUTING_W	"{\"set_identifier\": \"a\", \"weight\": \"1\", " \
	"\"region\": null, \"geo_continent_code\": null, " \
	"\"geo_country_code\": null, \"geo_subdivision_code\": null, " \
	"\"failover\": null, \"multivalue_answer\": null, " \
	"\"health_check_id\": null, \"traffic_policy_instance_id\": null, " \
	"\"cidr_collection_id\": null, \"cidr_location_name\": null, " \
	"\"geoproximity_aws_region\": null, " \
	"\"geoproximity_local_zone_group\": null, " \
	"\"geoproximity_latitude\": null, \"geoproximity_longitude\": null, " \
	"\"geoproximity_bias\": null}"

static const struct bad_case bad_cases[] = {
	/* the version, first */
	{ { { "format_version", "1" } },
	  "format_version: unsupported version 1 (this mailauth reads "
	  "versions 2 to 5)" },
	{ { { "format_version", "6" }, { "+future", "true" } },
	  "format_version: unsupported version 6 (this mailauth reads "
	  "versions 2 to 5)" },
	{ { { "format_version", NULL } }, "format_version: missing" },
	{ { { "format_version", "\"1\"" } },
	  "format_version: expected an integer" },
	{ { { "format_version", "1.5" } },
	  "format_version: expected an integer" },
	/* missing, unknown, duplicate and wrongly typed fields */
	{ { { "mailauth_version", "7" } },
	  "mailauth_version: expected a string" },
	{ { { "mailauth_version", "\"\"" } },
	  "mailauth_version: expected a non-empty string" },
	{ { { "config.path", NULL } }, "config.path: missing" },
	{ { { "config", "[]" } }, "config: expected an object" },
	{ { { "config.sha256", "\"9F86D081\"" } },
	  "config.sha256: expected 64 lower-case hexadecimal digits" },
	{ { { "created", "\"yesterday\"" } },
	  "created: expected a UTC time as 2026-11-29T01:02:03Z" },
	{ { { "created", "\"2026-13-29T01:02:03Z\"" } },
	  "created: expected a UTC time as 2026-11-29T01:02:03Z" },
	{ { { "+extra", "1" } }, "unknown field 'extra'" },
	{ { { "changes[0].+colour", "1" } },
	  "changes[0]: unknown field 'colour'" },
	{ { { "changes[3].before.+alias_target", "null" } },
	  "changes[3].before: unknown field 'alias_target'" },
	{ { { "changes[1].+note", "null" } },
	  "changes[1].note: duplicate field" },
	{ { { "changes[0].zone", NULL } }, "changes[0].zone: missing" },
	{ { { "changes[3].before.values", NULL } },
	  "changes[3].before.values: missing" },
	{ { { "changes", "{}" } }, "changes: expected an array" },
	{ { { "changes[0]", "7" } }, "changes[0]: expected an object" },
	{ { { "changes[0].domain", "\"\"" } },
	  "changes[0].domain: expected a non-empty string" },
	{ { { "changes[1].note", "false" } },
	  "changes[1].note: expected a string or null" },
	{ { { "changes[1].before", "\"x\"" } },
	  "changes[1].before: expected an object or null" },
	/* numbers */
	{ { { "changes[3].before.ttl", "\"600\"" } },
	  "changes[3].before.ttl: expected an integer" },
	{ { { "changes[3].before.ttl", "600.5" } },
	  "changes[3].before.ttl: expected an integer" },
	{ { { "changes[3].before.ttl", "-1" } },
	  "changes[3].before.ttl: out of range (0 to 2147483647)" },
	{ { { "changes[3].before.ttl", "2147483648" } },
	  "changes[3].before.ttl: out of range (0 to 2147483647)" },
	{ { { "changes[3].before.ttl", "1e400" } },
	  "changes[3].before.ttl: out of range (0 to 2147483647)" },
	{ { { "changes[0].after.ttl",
	    "123456789012345678901234567890123456789012345678901234567890" } },
	  "changes[0].after.ttl: out of range (0 to 2147483647)" },
	{ { { "changes[0].ttl", "null" } },
	  "changes[0].ttl: expected an integer" },
	{ { { "summary.add", "5" } },
	  "summary.add: 5, but 1 change has action 'create'" },
	{ { { "summary.destroy", "0" } },
	  "summary.destroy: 0, but 2 changes have action 'delete'" },
	{ { { "summary.change", "-2" } },
	  "summary.change: out of range (0 to 2147483647)" },
	/* names, kinds, actions */
	{ { { "changes[0].action", "\"upsert\"" } },
	  "changes[0].action: unknown action 'upsert' (expected create, "
	  "update, delete or none)" },
	{ { { "changes[0].kind", "\"NOPE\"" } },
	  "changes[0].kind: unknown kind 'NOPE' (expected " KINDS ")" },
	{ { { "changes[0].kind", "\"spf\"" } },
	  "changes[0].kind: unknown kind 'spf' (expected " KINDS ")" },
	{ { { "changes[0].zone.id", "\"/hostedzone/Z1EXAMPLE\"" } },
	  "changes[0].zone.id: '/hostedzone/Z1EXAMPLE' is not a hosted zone "
	  "id (1 to 32 upper-case letters and digits)" },
	{ { { "changes[0].zone.id", "\"z1example\"" } },
	  "changes[0].zone.id: 'z1example' is not a hosted zone id (1 to 32 "
	  "upper-case letters and digits)" },
	{ { { "changes[0].zone.id", "\"Z123456789012345678901234567890123\"" } },
	  "*is not a hosted zone id" },
	{ { { "changes[0].zone.id", "\"\"" } },
	  "changes[0].zone.id: '' is not a hosted zone id (1 to 32 upper-case "
	  "letters and digits)" },
	{ { { "changes[1].zone.name", "\"example.net.\"" } },
	  "changes[1].zone.name: zone Z1EXAMPLE is named 'example.com.' in "
	  "changes[0]" },
	/* shard: the patterns of plan --domain and --zone */
	{ { { "+shard", "{\"domains\": [], \"zones\": []}" } },
	  "shard: no pattern: a plan of the whole config has no shard" },
	{ { { "+shard", "{\"domains\": [\"a\"]}" } },
	  "shard.zones: missing" },
	{ { { "+shard", "{\"domains\": [\"\"], \"zones\": []}" } },
	  "shard.domains[0]: expected a non-empty string" },
	{ { { "+shard", "{\"domains\": \"a\", \"zones\": []}" } },
	  "shard.domains: expected an array" },
	/* accounts: a zone names its account, the same in every change */
	{ { { "changes[1].zone.+account", "\"prod\"" } },
	  "changes[1].zone.account: zone Z1EXAMPLE is in another account in "
	  "changes[0]" },
	{ { { "changes[0].zone.+account", "\"\"" } },
	  "changes[0].zone.account: expected a non-empty string" },
	{ { { "changes[0].zone.+account", "null" } },
	  "changes[0].zone.account: expected a string" },
	{ { { "changes[0].name", "\"_DMARC.example.com\"" } },
	  "changes[0].name: not a DNS name in canonical form (lower case, "
	  "escaped, with the final dot)" },
	{ { { "changes[0].after.name", "\"a..b.\"" } },
	  "changes[0].after.name: not a DNS name in canonical form (lower "
	  "case, escaped, with the final dot)" },
	{ { { "changes[0].name", "\"_dmarc.example.net.\"" },
	    { "changes[0].after.name", "\"_dmarc.example.net.\"" } },
	  "changes[0].name: '_dmarc.example.net.' is not in zone "
	  "'example.com.'" },
	{ { { "changes[2].after.type", "\"A\"" } },
	  "changes[2].after.type: unsupported record type 'A' (a plan holds "
	  "TXT, CNAME and MX record sets)" },
	/* values */
	{ { { "changes[0].after.values[0]", "1" } },
	  "changes[0].after.values[0]: expected a string" },
	{ { { "changes[1].before.values[1]", "\"\"" } },
	  "changes[1].before.values[1]: expected a non-empty string" },
	{ { { "changes[0].after.values", "[]" } },
	  "changes[0].after.values: expected at least one value" },
	{ { { "changes[0].after.values", "\"x\"" } },
	  "changes[0].after.values: expected an array" },
	{ { { "changes[2].after.values",
	    "[\"a.example.net.\", \"b.example.net.\"]" } },
	  "changes[2].after.values: a CNAME record set holds exactly one "
	  "value" },
	/* the fields for review (version 4) */
	{ { { "changes[0].weakening", "7" } },
	  "changes[0].weakening: expected a string or null" },
	{ { { "changes[0].weakening", "\"\"" } },
	  "changes[0].weakening: expected a non-empty string" },
	{ { { "changes[0].weakening", NULL } },
	  "changes[0].weakening: missing" },
	{ { { "warnings", NULL } }, "warnings: missing" },
	{ { { "warnings", "{}" } }, "warnings: expected an array" },
	{ { { "warnings[0]", "\"x\"" } }, "warnings[0]: expected an object" },
	{ { { "warnings[1].message", "null" } },
	  "warnings[1].message: expected a string" },
	{ { { "warnings[0].name", "\"Old.example.com\"" } },
	  "warnings[0].name: not a DNS name in canonical form (lower case, "
	  "escaped, with the final dot)" },
	{ { { "notes[0].message", "\"red \\u001b[31m\"" } },
	  "notes[0].message: control character in string" },
	{ { { "notes[0].+colour", "1" } }, "notes[0]: unknown field 'colour'" },
	{ { { "domains[0].gate.verdict", "\"maybe\"" } },
	  "domains[0].gate.verdict: unknown verdict 'maybe' (expected none, "
	  "advance, hold or keep)" },
	{ { { "domains[1].gate", "null" } },
	  "domains[1].gate: expected an object" },
	{ { { "domains[0].gate.reason", "\"\"" } },
	  "domains[0].gate.reason: expected a non-empty string" },
	{ { { "domains[1].domain", "\"\"" } },
	  "domains[1].domain: expected a non-empty string" },
	/* strings that could hurt */
	{ { { "changes[1].note", "\"red \\u001b[31m\"" } },
	  "changes[1].note: control character in string" },
	{ { { "changes[1].note", "\"\\u009b31m\"" } },
	  "changes[1].note: control character in string" },
	{ { { "changes[1].note", "\"a\\nb\"" } },
	  "changes[1].note: control character in string" },
	{ { { "changes[1].note", "\"\xff\"" } },
	  "changes[1].note: not valid UTF-8" },
	{ { { "changes[1].note", "\"\xc0\xaf\"" } },
	  "changes[1].note: not valid UTF-8" },
	{ { { "changes[1].note", "\"\\ud800\"" } }, "*: not valid JSON" },
	{ { { "changes[1].after.values[0]", "\"a\\u0000b\"" } },
	  "*: \\u0000 in a string" },
	{ { { "changes[1].note", "\"\\\\u0000 is text\"" } }, NULL },
	{ { { "+bad\x1bkey", "1" } }, "unknown field 'bad?key'" },
	/* before and after against the action */
	{ { { "changes[0].before", RSET_CREATE } },
	  "changes[0].before: expected null for action 'create'" },
	{ { { "changes[0].after", "null" } },
	  "changes[0].after: expected an object for action 'create'" },
	{ { { "changes[3].after", RSET_CREATE } },
	  "changes[3].after: expected null for action 'delete'" },
	{ { { "changes[3].before", "null" } },
	  "changes[3].before: expected an object for action 'delete'" },
	{ { { "changes[1].after", "null" } },
	  "changes[1].after: expected an object for action 'update'" },
	{ { { "changes[1].after", RSET_SPF_BEFORE } },
	  "changes[1].after: same as before, but the action is 'update'" },
	{ { { "changes[1].after.name", "\"www.example.com.\"" } },
	  "changes[1].after.name: differs from before.name" },
	{ { { "changes[4].after.ttl", "1" } },
	  "changes[4].after: differs from before, but the action is 'none'" },
	{ { { "changes[4].after", "null" } },
	  "changes[4].after: expected an object for action 'none' (before "
	  "and after are both null or the same)" },
	{ { { "changes[0].action", "\"delete\"" } },
	  "changes[0].before: expected an object for action 'delete'" },
	/* name, type, ttl repeat the set shown */
	{ { { "changes[2].type", "\"TXT\"" } },
	  "changes[2].type: differs from after.type" },
	{ { { "changes[2].ttl", "3600" } },
	  "changes[2].ttl: differs from after.ttl" },
	{ { { "changes[3].name", "\"x.example.org.\"" } },
	  "changes[3].name: differs from before.name" },
	{ { { "changes[5].name", "\"x.example.org.\"" } },
	  "changes[5].name: expected null when before and after are null" },
	{ { { "changes[5].ttl", "300" } },
	  "changes[5].ttl: expected null when before and after are null" },
	/* rollout stages */
	{ { { "changes[0].stage", "[]" } },
	  "changes[0].stage: expected an object or null" },
	{ { { "changes[0].stage", "null" } }, NULL },
	{ { { "changes[0].stage.+phase", "1" } },
	  "changes[0].stage: unknown field 'phase'" },
	{ { { "changes[0].stage.rollback", NULL } },
	  "changes[0].stage.rollback: missing" },
	{ { { "changes[1].stage", STAGE_OK } },
	  "changes[1].stage: expected null for kind 'SPF' (only DMARC is "
	  "rolled out in stages)" },
	{ { { "changes[0].stage.number", "6" } },
	  "changes[0].stage.number: 6, but count is 5" },
	{ { { "changes[0].stage.number", "-1" } },
	  "changes[0].stage.number: out of range (0 to 1000)" },
	{ { { "changes[0].stage.count", "0" } },
	  "changes[0].stage.count: expected at least 1" },
	{ { { "changes[0].stage.number", "0" } },
	  "changes[0].stage.number: 0 (not started), but the action is not "
	  "'none'" },
	{ { { "changes[0].stage.from", "\"2027-02-30\"" } },
	  "changes[0].stage.from: expected a date as YYYY-MM-DD" },
	{ { { "changes[0].stage.from", "null" } },
	  "changes[0].stage.from: expected a date as YYYY-MM-DD" },
	{ { { "changes[0].stage.from", "20261201" } },
	  "changes[0].stage.from: expected a string or null" },
	{ { { "changes[0].stage.policy", "\"strict\"" } },
	  "changes[0].stage.policy: unknown policy 'strict' (expected none, "
	  "quarantine or reject)" },
	{ { { "changes[0].stage.policy", "null" } },
	  "changes[0].stage.policy: expected none, quarantine or reject" },
	{ { { "changes[0].stage.testing", "1" } },
	  "changes[0].stage.testing: expected true or false" },
	{ { { "changes[0].stage.pct", "101" } },
	  "changes[0].stage.pct: out of range (0 to 100)" },
	{ { { "changes[0].stage.pct", "\"25\"" } },
	  "changes[0].stage.pct: expected an integer or null" },
	{ { { "changes[0].stage.testing", "true" },
	    { "changes[0].stage.pct", "0" } },
	  "changes[0].stage.pct: expected null with testing (which publishes "
	  "pct=0)" },
	{ { { "changes[0].stage.next", "null" } },
	  "changes[0].stage.next: expected a date as YYYY-MM-DD" },
	{ { { "changes[0].stage.next", "\"2026-12-01\"" } },
	  "changes[0].stage.next: '2026-12-01' is not after from "
	  "('2026-12-01')" },
	{ { { "changes[0].stage.number", "5" } },
	  "changes[0].stage.next: expected null after the last stage" },
	{ { { "changes[0].stage.number", "5" },
	    { "changes[0].stage.next", "null" } }, NULL },
	/* not started: only on a DMARC change that changes nothing */
	{ { { "changes[4].kind", "\"DMARC\"" }, { "changes[4].stage", STAGE_0 } },
	  NULL },
	{ { { "changes[4].kind", "\"DMARC\"" },
	    { "changes[4].stage", STAGE_JSON("0", "\"2026-11-01\"", "null",
	    "false", "null", "\"2026-12-01\"") } },
	  "changes[4].stage.from: expected null when number is 0" },
	{ { { "changes[4].kind", "\"DMARC\"" },
	    { "changes[4].stage", STAGE_JSON("0", "null", "\"none\"",
	    "false", "null", "\"2026-12-01\"") } },
	  "changes[4].stage.policy: expected null when number is 0" },
	{ { { "changes[4].kind", "\"DMARC\"" },
	    { "changes[4].stage", STAGE_JSON("0", "null", "null", "true",
	    "null", "\"2026-12-01\"") } },
	  "changes[4].stage.testing: expected false when number is 0" },
	{ { { "changes[4].kind", "\"DMARC\"" },
	    { "changes[4].stage", STAGE_JSON("0", "null", "null", "false",
	    "0", "\"2026-12-01\"") } },
	  "changes[4].stage.pct: expected null when number is 0" },
	/* routing fields (changes[6] is a weighted set, kept) */
	{ { { "changes[6].before.routing", NULL } },
	  "changes[6].before.routing: missing" },
	{ { { "changes[6].before.routing", "[]" } },
	  "changes[6].before.routing: expected an object or null" },
	{ { { "changes[6].before.routing.weight", "7" } },
	  "changes[6].before.routing.weight: expected a string or null" },
	{ { { "changes[6].before.routing.weight", "\"\"" } },
	  "changes[6].before.routing.weight: expected a non-empty string" },
	{ { { "changes[6].before.routing.region", NULL } },
	  "changes[6].before.routing.region: missing" },
	{ { { "changes[6].before.routing.+colour", "1" } },
	  "changes[6].before.routing: unknown field 'colour'" },
	{ { { "changes[6].before.routing.set_identifier", "null" },
	    { "changes[6].before.routing.weight", "null" } },
	  "changes[6].before.routing: no routing field is set (a simple "
	  "record set has routing null)" },
	{ { { "changes[6].after.routing.weight", "\"20\"" } },
	  "changes[6].after: differs from before, but the action is 'none'" },
	{ { { "changes[6].after.routing", "null" } },
	  "changes[6].after: differs from before, but the action is 'none'" },
	/* routing only on a set deleted or left alone */
	{ { { "changes[0].after.routing", ROUTING_W } },
	  "changes[0].after.routing: expected null for action 'create'" },
	{ { { "changes[1].after.routing", ROUTING_W } },
	  "changes[1].after.routing: expected null for action 'update'" },
	{ { { "changes[1].before.routing", ROUTING_W } },
	  "changes[1].before.routing: expected null for action 'update'" },
	{ { { "changes[3].before.routing", ROUTING_W } }, NULL },
	/* nesting */
	{ { { "changes[0].note", "[[[[1]]]]" } },
	  "changes[0].note: expected a string or null" },
};

START_TEST(malformed_fields)
{
	const struct bad_case	*bc = &bad_cases[_i];
	char			*text = fx_json();
	cJSON			*root = cJSON_Parse(text);
	struct buf		 doc = BUF_INIT;
	struct plan		 p;
	struct plan_meta	 m;
	struct err		 err;
	char			*printed, what[64];
	size_t			 k;

	ck_assert_ptr_nonnull(root);
	for (k = 0; k < 2 && bc->edits[k].path != NULL; k++) {
		snprintf(what, sizeof(what), "@@raw%zu@@", k);
		apply_edit(root, &bc->edits[k], what);
	}
	printed = cJSON_Print(root);
	buf_adds(&doc, printed);
	for (k = 0; k < 2 && bc->edits[k].path != NULL; k++) {
		snprintf(what, sizeof(what), "@@raw%zu@@", k);
		if (bc->edits[k].value != NULL)
			put_raw(&doc, what, bc->edits[k].value);
	}
	snprintf(what, sizeof(what), "case %d (%s)", _i, bc->edits[0].path);
	if (bc->want != NULL)
		assert_fails(doc.data, doc.len, bc->want, what);
	else {
		/* Cases that look bad but are not. */
		err_clear(&err);
		ck_assert_msg(plan_from_json(doc.data, doc.len, &p, &m,
		    &err) == 0, "%s: %s", what, err.msg);
		plan_release(&p);
		plan_meta_release(&m);
	}
	cJSON_free(printed);
	cJSON_Delete(root);
	buf_release(&doc);
	free(text);
}
END_TEST

/*
 * A version 2 plan (no routing fields) is read, its sets simple ones; in
 * version 2 a routing field is unknown.
 */
START_TEST(version_2_read)
{
	struct plan	 p, q;
	struct plan_meta m, n;
	struct buf	 one = BUF_INIT, two = BUF_INIT, four = BUF_INIT;
	struct err	 err;
	const char	*s = NULL, *at;
	size_t		 i;

	fx_plan(&p);
	/* Without the routing-policy sets, which version 2 cannot hold. */
	for (i = 6; i < p.nchanges; i++) {
		rrset_release(&p.changes[i].before);
		rrset_release(&p.changes[i].after);
		free(p.changes[i].note);
		free(p.changes[i].domain);
	}
	p.nchanges = 6;
	plan_count(&p);
	fx_meta(&m);
	plan_to_json(&p, &m, &four);
	/* Version 2's text: no "routing" lines, its version number. */
	fx_downgrade(buf_str(&four), 3, &one);
	fx_downgrade(buf_str(&four), 2, &two);
	(void)s;
	ck_assert_ptr_null(strstr(buf_str(&two), "routing"));
	err_clear(&err);
	ck_assert_msg(plan_from_json(two.data, two.len, &q, &n, &err) == 0,
	    "%s", err.msg);
	ck_assert_int_eq(n.format_version, 2);
	ck_assert_uint_eq(q.nchanges, 6);
	for (i = 0; i < 6; i++) {
		assert_rrset_eq(&p.changes[i].before, &q.changes[i].before);
		assert_rrset_eq(&p.changes[i].after, &q.changes[i].after);
	}
	plan_release(&q);
	plan_meta_release(&n);
	/* A routing field in a version 2 plan is refused. */
	at = strstr(buf_str(&one), "\"format_version\":\t3");
	one.data[at - one.data + strlen("\"format_version\":\t")] = '2';
	assert_fails(one.data, one.len,
	    "changes[0].after: unknown field 'routing'", "version 2");
	buf_release(&one);
	buf_release(&two);
	buf_release(&four);
	plan_release(&p);
	plan_meta_release(&m);
}
END_TEST

/* A version 3 plan (no field for review) is read and applied as before;
 * a field of version 4 in it is refused. */
START_TEST(version_3_read)
{
	struct plan	 p, q;
	struct plan_meta m, n;
	struct buf	 four = BUF_INIT, three = BUF_INIT;
	struct err	 err;
	const char	*at;
	size_t		 i;

	fx_plan(&p);
	fx_meta(&m);
	plan_to_json(&p, &m, &four);
	fx_downgrade(buf_str(&four), 3, &three);
	ck_assert_ptr_null(strstr(buf_str(&three), "weakening"));
	ck_assert_ptr_null(strstr(buf_str(&three), "\"warnings\""));
	err_clear(&err);
	ck_assert_msg(plan_from_json(three.data, three.len, &q, &n, &err) == 0,
	    "%s", err.msg);
	ck_assert_int_eq(n.format_version, 3);
	ck_assert_uint_eq(q.nchanges, p.nchanges);
	for (i = 0; i < p.nchanges; i++) {
		ck_assert_int_eq(q.changes[i].op, p.changes[i].op);
		assert_rrset_eq(&p.changes[i].before, &q.changes[i].before);
		assert_rrset_eq(&p.changes[i].after, &q.changes[i].after);
	}
	ck_assert_uint_eq(q.nwarnings, 0);
	ck_assert_uint_eq(q.nnotes, 0);
	ck_assert_uint_eq(q.ngates, 0);
	plan_release(&q);
	plan_meta_release(&n);
	/* The version 5 text under version 3: its new fields are unknown. */
	at = strstr(buf_str(&four), "\"format_version\":\t5");
	ck_assert_ptr_nonnull(at);
	four.data[at - four.data + strlen("\"format_version\":\t")] = '3';
	assert_fails(four.data, four.len, "unknown field 'domains'",
	    "version 3 with version 4 fields");
	buf_release(&four);
	buf_release(&three);
	plan_release(&p);
	plan_meta_release(&m);
}
END_TEST

/* The fields for review come back as written; weakening is the guard's
 * reason for a weakening change and null for the others. */
START_TEST(review_round_trip)
{
	struct plan		 p, q;
	struct plan_meta	 m, n;
	struct plan_change	*c;
	struct buf		 one = BUF_INIT;
	struct err		 err;
	cJSON			*root, *ch;
	size_t			 i;

	fx_plan(&p);
	/* A weakening change: p=reject -> p=none. */
	c = fx_change(&p, 0, PLAN_UPDATE, RECORD_DMARC, "example.com", NULL);
	fx_set(&c->before, "_dmarc.x.example.com.", "TXT", 300,
	    "\"v=DMARC1; p=reject\"", NULL);
	fx_set(&c->after, "_dmarc.x.example.com.", "TXT", 300,
	    "\"v=DMARC1; p=none\"", NULL);
	plan_count(&p);
	plan_notice_add(&p.notes, &p.nnotes, "'a\x1b[31m._domainkey.example.com' "
	    "looks like a DKIM selector", "example.com", NULL);
	fx_meta(&m);
	plan_to_json(&p, &m, &one);
	root = cJSON_Parse(buf_str(&one));
	ck_assert_ptr_nonnull(root);
	i = 0;
	cJSON_ArrayForEach(ch, cJSON_GetObjectItem(root, "changes")) {
		const cJSON	*w = cJSON_GetObjectItem(ch, "weakening");

		if (i++ == p.nchanges - 1)
			ck_assert_str_eq(cJSON_GetStringValue(w),
			    "DMARC policy p=reject -> p=none");
		else
			ck_assert_msg(cJSON_IsNull(w), "change %zu", i - 1);
	}
	cJSON_Delete(root);
	err_clear(&err);
	ck_assert_msg(plan_from_json(one.data, one.len, &q, &n, &err) == 0,
	    "%s", err.msg);
	ck_assert_uint_eq(q.ngates, 2);
	ck_assert_str_eq(q.gates[0].domain, "example.com");
	ck_assert_int_eq(q.gates[0].verdict, PLAN_GATE_HOLD);
	ck_assert_str_eq(q.gates[0].reason, GATE_HELD);
	ck_assert_int_eq(q.gates[1].verdict, PLAN_GATE_NONE);
	ck_assert_ptr_null(q.gates[1].reason);
	ck_assert_uint_eq(q.nwarnings, 2);
	ck_assert_str_eq(q.warnings[0].message, WARN_LIVE);
	ck_assert_str_eq(q.warnings[0].domain, "example.com");
	ck_assert_str_eq(q.warnings[0].name, "_dmarc.example.com.");
	ck_assert_ptr_null(q.warnings[1].domain);
	ck_assert_ptr_null(q.warnings[1].name);
	ck_assert_uint_eq(q.nnotes, 2);
	ck_assert_str_eq(q.notes[0].message, NOTE_OLD);
	/* A control character is escaped when the notice is made, so the
	 * saved plan can be read back. */
	ck_assert_str_eq(q.notes[1].message, "'a\\x1b[31m._domainkey."
	    "example.com' looks like a DKIM selector");
	plan_release(&q);
	plan_meta_release(&n);
	buf_release(&one);
	plan_release(&p);
	plan_meta_release(&m);
}
END_TEST

START_TEST(malformed_documents)
{
	char		*text = fx_json();
	struct buf	 b = BUF_INIT;
	size_t		 i;

	assert_fails("", 0, "the document is empty", "empty");
	assert_fails("   \n", 4, "*: not valid JSON", "blank");
	assert_fails("[]", 2, "expected a JSON object", "array");
	assert_fails("\"plan\"", 6, "expected a JSON object", "string");
	assert_fails("{}", 2, "format_version: missing", "empty object");
	assert_fails("{\"format_version\": 1,}", 22,
	    "*line 1, column", "trailing comma");
	assert_fails("{\"format_version\": 1,}", 22,
	    "*: not valid JSON", "trailing comma");

	/* Only white space may follow the document. */
	buf_adds(&b, text);
	buf_adds(&b, "{}");
	assert_fails(b.data, b.len, "*: text after the JSON document",
	    "trailing text");
	buf_reset(&b);

	/* A NUL byte within len, which a C string would end at. */
	buf_adds(&b, text);
	b.data[strstr(b.data, "mailauth.yaml") - b.data + 8] = '\0';
	assert_fails(b.data, b.len, "*: NUL byte in the document", "NUL");
	buf_reset(&b);

	/* A nesting bomb, stopped before cJSON recurses. */
	for (i = 0; i < 100000; i++)
		buf_addc(&b, '[');
	assert_fails(b.data, b.len, "line 1, column 17: nested more than 16 "
	    "levels deep", "nesting bomb");
	buf_reset(&b);
	buf_adds(&b, "{\"format_version\": 1, \"x\": ");
	for (i = 0; i < 20; i++)
		buf_addc(&b, '{');
	assert_fails(b.data, b.len, "*: nested more than 16 levels deep",
	    "nested objects");
	buf_reset(&b);

	/* Cut short anywhere, the document fails and leaks nothing. */
	for (i = 1; i + 1 < strlen(text); i += 97)
		assert_fails(text, i, "*line ", "truncated");

	buf_release(&b);
	free(text);
}
END_TEST

/* --- docs/plan-json.md --- */

/* Adds "\npath\n" to set unless it is there. */
static void
set_add(struct buf *set, const char *path)
{
	struct buf	 key = BUF_INIT;

	buf_addf(&key, "\n%s\n", path);
	if (strstr(buf_str(set), buf_str(&key)) == NULL)
		buf_addf(set, "%s\n", path);
	buf_release(&key);
}

static int
set_has(const struct buf *set, const char *path)
{
	struct buf	 key = BUF_INIT;
	int		 found;

	buf_addf(&key, "\n%s\n", path);
	found = strstr(buf_str(set), buf_str(&key)) != NULL;
	buf_release(&key);
	return found;
}

/* Every field path of o: "config.sha256", "changes[].before.values". */
static void
collect(const cJSON *o, const char *prefix, struct buf *set)
{
	const cJSON	*it, *el;
	char		 path[256];

	for (it = o->child; it != NULL; it = it->next) {
		snprintf(path, sizeof(path), "%s%s", prefix, it->string);
		set_add(set, path);
		if (cJSON_IsObject(it)) {
			snprintf(path, sizeof(path), "%s%s.", prefix,
			    it->string);
			collect(it, path, set);
		} else if (cJSON_IsArray(it)) {
			snprintf(path, sizeof(path), "%s%s[].", prefix,
			    it->string);
			for (el = it->child; el != NULL; el = el->next)
				if (cJSON_IsObject(el))
					collect(el, path, set);
		}
	}
}

static char *
read_doc(void)
{
	struct buf	 b = BUF_INIT;
	char		 chunk[4096];
	size_t		 n;
	FILE		*f = fopen(DOC, "r");

	ck_assert_msg(f != NULL, "cannot read '%s'", DOC);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	return buf_detach(&b);
}

/*
 * The fields the tables under "## Fields" name: the first cell of each row,
 * below a "### " heading whose code spans name the objects the table
 * describes ("### `changes[].before` and `changes[].after`"; none: the
 * document itself).
 */
static void
doc_fields(const char *doc, struct buf *set)
{
	const char	*p = strstr(doc, "\n## Fields\n"), *end, *q, *tick;
	char		 prefixes[4][64], path[256];
	size_t		 nprefix = 1, i;
	int		 n;

	ck_assert_msg(p != NULL, "no '## Fields' section in %s", DOC);
	prefixes[0][0] = '\0';
	for (p++; (p = strchr(p, '\n')) != NULL; p++) {
		p++;
		if (strncmp(p, "## ", 3) == 0)
			break;
		end = strchr(p, '\n');
		if (end == NULL)
			end = p + strlen(p);
		if (strncmp(p, "### ", 4) == 0) {
			nprefix = 0;
			for (q = p; (q = memchr(q, '`', (size_t)(end - q))) !=
			    NULL && nprefix < 4; q = tick + 1) {
				tick = memchr(q + 1, '`', (size_t)(end - q - 1));
				ck_assert_ptr_nonnull(tick);
				snprintf(prefixes[nprefix++], sizeof(prefixes[0]),
				    "%.*s.", (int)(tick - q - 1), q + 1);
			}
			if (nprefix == 0) {
				prefixes[0][0] = '\0';
				nprefix = 1;
			}
		} else if (strncmp(p, "| `", 3) == 0) {
			tick = memchr(p + 3, '`', (size_t)(end - p - 3));
			ck_assert_ptr_nonnull(tick);
			for (i = 0; i < nprefix; i++) {
				n = snprintf(path, sizeof(path), "%s%.*s",
				    prefixes[i], (int)(tick - p - 3), p + 3);
				ck_assert(n > 0 && (size_t)n < sizeof(path));
				set_add(set, path);
			}
		}
		p = end - 1;
	}
}

START_TEST(doc_matches_writer)
{
	char		*text = fx_json(), *doc = read_doc();
	cJSON		*root = cJSON_Parse(text);
	struct buf	 emitted = BUF_INIT, documented = BUF_INIT;
	const char	*p, *nl;
	char		 path[256];

	ck_assert_ptr_nonnull(root);
	buf_addc(&emitted, '\n');
	buf_addc(&documented, '\n');
	collect(root, "", &emitted);
	/* The fields only some plans have: a shard, a zone's account. */
	{
		struct plan	 op;
		struct plan_meta om;
		struct buf	 ot = BUF_INIT;
		cJSON		*oroot;

		fx_plan(&op);
		fx_meta(&om);
		op.zones[0].account = xstrdup("prod");
		/* A replay with a top source (a DMARC change's). */
		op.changes[0].replay = xcalloc(1, sizeof(struct plan_replay));
		op.changes[0].replay->sources = op.changes[0].replay->ntop = 1;
		op.changes[0].replay->top = xcalloc(1,
		    sizeof(struct replay_source));
		op.changes[0].replay->top[0].ip = xstrdup("192.0.2.1");
		*(char **)xappend(&om.shard_zones, &om.nshard_zones,
		    sizeof(char *)) = xstrdup("Z1*");
		plan_to_json(&op, &om, &ot);
		ck_assert_ptr_nonnull(oroot = cJSON_Parse(buf_str(&ot)));
		collect(oroot, "", &emitted);
		cJSON_Delete(oroot);
		buf_release(&ot);
		plan_release(&op);
		plan_meta_release(&om);
	}
	doc_fields(doc, &documented);
	for (p = emitted.data + 1; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		snprintf(path, sizeof(path), "%.*s", (int)(nl - p), p);
		ck_assert_msg(set_has(&documented, path), "field '%s' is "
		    "written but not in the table of %s", path, DOC);
	}
	for (p = documented.data + 1; (nl = strchr(p, '\n')) != NULL;
	    p = nl + 1) {
		snprintf(path, sizeof(path), "%.*s", (int)(nl - p), p);
		ck_assert_msg(set_has(&emitted, path), "field '%s' is in the "
		    "table of %s but never written", path, DOC);
	}
	cJSON_Delete(root);
	buf_release(&emitted);
	buf_release(&documented);
	free(doc);
	free(text);
}
END_TEST

START_TEST(doc_example_is_what_the_writer_writes)
{
	char		*doc = read_doc();
	const char	*start, *end;
	struct buf	 example = BUF_INIT, again = BUF_INIT;
	struct plan	 p;
	struct plan_meta m;
	struct err	 err;

	start = strstr(doc, "\n```json\n");
	ck_assert_msg(start != NULL, "no json example in %s", DOC);
	start += strlen("\n```json\n");
	end = strstr(start, "\n```\n");
	ck_assert_ptr_nonnull(end);
	buf_add(&example, start, (size_t)(end - start) + 1);
	err_clear(&err);
	ck_assert_msg(plan_from_json(example.data, example.len, &p, &m,
	    &err) == 0, "the example in %s: %s", DOC, err.msg);
	plan_to_json(&p, &m, &again);
	fx_assert_same_text(buf_str(&again), buf_str(&example));
	plan_release(&p);
	plan_meta_release(&m);
	buf_release(&example);
	buf_release(&again);
	free(doc);
}
END_TEST

/* The action names the writer writes and the reader takes: one per op. */
START_TEST(shared_op_names_and_shown_set)
{
	static const struct {
		enum plan_op	 op;
		const char	*name;
		int		 shows_before;
	} ops[] = {
		{ PLAN_NONE, "none", 0 },
		{ PLAN_CREATE, "create", 0 },
		{ PLAN_UPDATE, "update", 0 },
		{ PLAN_DELETE, "delete", 1 },
	};
	struct plan_change	 c;
	size_t			 i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		c.op = ops[i].op;
		ck_assert_str_eq(plan_json_op_name(ops[i].op), ops[i].name);
		ck_assert_ptr_eq(plan_json_shown(&c),
		    ops[i].shows_before ? &c.before : &c.after);
	}
}
END_TEST

Suite *
plan_json_suite(void)
{
	Suite	*s = suite_create("plan_json");
	TCase	*tc = tcase_create("json");

	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, round_trip_accounts_and_shard);
	tcase_add_test(tc, round_trip_escapes);
	tcase_add_test(tc, round_trip_stages);
	tcase_add_test(tc, empty_plan);
	tcase_add_test(tc, version_2_read);
	tcase_add_test(tc, version_3_read);
	tcase_add_test(tc, review_round_trip);
	tcase_add_loop_test(tc, malformed_fields, 0,
	    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, malformed_documents);
	tcase_add_test(tc, shared_op_names_and_shown_set);
	suite_add_tcase(s, tc);
	tc = tcase_create("doc");
	tcase_add_test(tc, doc_matches_writer);
	tcase_add_test(tc, doc_example_is_what_the_writer_writes);
	suite_add_tcase(s, tc);
	return s;
}
