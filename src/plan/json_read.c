/*
 * json_read.c - saved plans, read back: the strict reader of the document
 * json_write.c writes (the format is docs/plan-json.md), for "mailauth
 * apply FILE".
 *
 * A saved plan is untrusted input: it travels between pipeline jobs and
 * is applied without re-planning.  So the reader accepts exactly what the
 * writer produces: every field present and well-typed, no field it does
 * not know (a field it would skip could carry meaning the user reviewed),
 * no duplicate keys (other JSON readers keep the last one, cJSON the
 * first), no NUL or control characters in strings (they would cut a
 * string short or reach a terminal), before and after consistent with the
 * action, and the summary matching the changes.
 */
#include <cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "mailauth/replay.h"
#include "mailauth/zoneref.h"
#include "json.h"

/* The format is 5 levels deep; a little more lets a slightly wrong
 * document get an error naming its field instead of this limit. */
#define MAX_DEPTH	16
#define TTL_MAX		2147483647.0
#define STAGES_MAX	1000.0
#define COUNT_MAX	((double)REPLAY_COUNT_MAX)

static const char *const top_fields[] = {
	"format_version", "mailauth_version", "config", "created", "summary",
	"domains", "warnings", "notes", "changes", NULL
};
/* Versions 2 and 3 had none of the fields for review. */
static const char *const top_fields_v3[] = {
	"format_version", "mailauth_version", "config", "created", "summary",
	"changes", NULL
};
static const char *const notice_fields[] = {
	"message", "domain", "name", NULL
};
static const char *const domain_fields[] = { "domain", "gate", NULL };
static const char *const gate_fields[] = { "verdict", "reason", NULL };
/* A plan of a shard (plan --domain, --zone) says which. */
static const char *const top_fields_shard[] = {
	"format_version", "mailauth_version", "config", "created", "shard",
	"summary", "domains", "warnings", "notes", "changes", NULL
};
static const char *const shard_fields[] = { "domains", "zones", NULL };
static const char *const config_fields[] = { "path", "sha256", NULL };
static const char *const summary_fields[] = {
	"add", "change", "destroy", NULL
};
static const char *const change_fields[] = {
	"zone", "domain", "kind", "action", "name", "type", "ttl", "note",
	"weakening", "stage", "replay", "before", "after", NULL
};
/* Version 4 had no replay. */
static const char *const change_fields_v4[] = {
	"zone", "domain", "kind", "action", "name", "type", "ttl", "note",
	"weakening", "stage", "before", "after", NULL
};
static const char *const replay_fields[] = {
	"since", "until", "messages", "failing", "quarantine", "reject",
	"sources", "top_sources", NULL
};
static const char *const source_fields[] = {
	"source_ip", "quarantine", "reject", NULL
};
static const char *const change_fields_v3[] = {
	"zone", "domain", "kind", "action", "name", "type", "ttl", "note",
	"stage", "before", "after", NULL
};
static const char *const stage_fields[] = {
	"number", "count", "from", "policy", "testing", "pct", "rollback",
	"next", NULL
};
static const char *const zone_fields[] = { "id", "name", NULL };
/* A zone in an account of the config's accounts: names it. */
static const char *const zone_fields_account[] = {
	"id", "name", "account", NULL
};
static const char *const rrset_fields[] = {
	"name", "type", "ttl", "values", "routing", NULL
};
/* Version 2 had no routing fields: a set in it is a simple one. */
static const char *const rrset_fields_v2[] = {
	"name", "type", "ttl", "values", NULL
};

static int
op_parse(const char *s, enum plan_op *op)
{
	static const enum plan_op	 all[] = {
		PLAN_NONE, PLAN_CREATE, PLAN_UPDATE, PLAN_DELETE
	};
	size_t				 i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(s, plan_json_op_name(all[i])) == 0) {
			*op = all[i];
			return 0;
		}
	return -1;
}

/* Where the reader is in the document, for messages. */
struct rd {
	struct err	*err;
	char		 path[256];
	size_t		 len;
	long		 version;	/* the document's format_version */
};

static size_t
enter(struct rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends a step to the path; returns the mark to go back to. */
static size_t
enter(struct rd *r, const char *fmt, ...)
{
	size_t	 mark = r->len;
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(r->path + r->len, sizeof(r->path) - r->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		r->len += (size_t)n < sizeof(r->path) - r->len ? (size_t)n :
		    sizeof(r->path) - r->len - 1;
	return mark;
}

static void
leave(struct rd *r, size_t mark)
{
	r->len = mark;
	r->path[mark] = '\0';
}

static int
fail(struct rd *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets the error "PATH: message", the path without its leading dot. */
static int
fail(struct rd *r, const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	const char	*path = r->path[0] == '.' ? r->path + 1 : r->path;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	if (*path != '\0')
		err_set(r->err, "%s: %s", path, buf_str(&msg));
	else
		err_set(r->err, "%s", buf_str(&msg));
	buf_release(&msg);
	return -1;
}

/* Untrusted text, cut and made printable for a message. */
static const char *
show(const char *s, char *tmp, size_t size)
{
	size_t	 i, n = 0;

	for (i = 0; s[i] != '\0' && n + 4 < size; i++)
		tmp[n++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	if (s[i] != '\0') {
		memcpy(tmp + n, "...", 3);
		n += 3;
	}
	tmp[n] = '\0';
	return tmp;
}

static void
line_col(const char *json, size_t off, size_t *line, size_t *col)
{
	size_t	 i;

	*line = *col = 1;
	for (i = 0; i < off; i++) {
		if (json[i] == '\n') {
			(*line)++;
			*col = 1;
		} else
			(*col)++;
	}
}

static int
fail_at(struct rd *r, const char *json, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets the error "line L, column C: message" for byte off of json. */
static int
fail_at(struct rd *r, const char *json, size_t off, const char *fmt, ...)
{
	struct buf	 msg = BUF_INIT;
	size_t		 line, col;
	va_list		 ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	line_col(json, off, &line, &col);
	fail(r, "line %zu, column %zu: %s", line, col, buf_str(&msg));
	buf_release(&msg);
	return -1;
}

/*
 * What cJSON would let through or handle badly, found before it parses:
 * NUL bytes, raw or as "\u0000" (a C string would end there), and nesting
 * deeper than any saved plan needs.
 */
static int
prescan(struct rd *r, const char *json, size_t len)
{
	size_t	 i, depth = 0;
	int	 in_string = 0;

	for (i = 0; i < len; i++) {
		char	 ch = json[i];

		if (ch == '\0')
			return fail_at(r, json, i, "NUL byte in the document");
		if (in_string) {
			if (ch == '"')
				in_string = 0;
			else if (ch == '\\' && i + 1 < len) {
				if (json[i + 1] == 'u' && i + 5 < len &&
				    strncmp(json + i + 2, "0000", 4) == 0)
					return fail_at(r, json, i, "\\u0000 in "
					    "a string");
				i++;
			}
			continue;
		}
		if (ch == '"')
			in_string = 1;
		else if ((ch == '{' || ch == '[') && ++depth > MAX_DEPTH)
			return fail_at(r, json, i, "nested more than %d "
			    "levels deep", MAX_DEPTH);
		else if ((ch == '}' || ch == ']') && depth > 0)
			depth--;
	}
	return 0;
}

/*
 * 0 when s is UTF-8 with no control character (C0, DEL or C1): strings
 * of a plan end up on terminals and in pull-request comments.
 */
static int
check_text(struct rd *r, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	unsigned long		 cp;
	size_t			 n, i;

	while (*p != '\0') {
		if (*p < 0x80) {
			if (*p < 0x20 || *p == 0x7f)
				return fail(r, "control character in string");
			p++;
			continue;
		}
		if (*p >= 0xc2 && *p <= 0xdf) {
			n = 1;
			cp = *p & 0x1f;
		} else if (*p >= 0xe0 && *p <= 0xef) {
			n = 2;
			cp = *p & 0x0f;
		} else if (*p >= 0xf0 && *p <= 0xf4) {
			n = 3;
			cp = *p & 0x07;
		} else
			return fail(r, "not valid UTF-8");
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return fail(r, "not valid UTF-8");
			cp = cp << 6 | (p[i] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return fail(r, "not valid UTF-8");
		if (cp >= 0x80 && cp <= 0x9f)
			return fail(r, "control character in string");
		p += n + 1;
	}
	return 0;
}

/*
 * Checks that o (an object) has exactly the keys in names, each once.
 */
static int
check_fields(struct rd *r, const cJSON *o, const char *const *names)
{
	const cJSON	*it, *prev;
	char		 tmp[64];
	size_t		 i, mark;
	int		 known;

	for (it = o->child; it != NULL; it = it->next) {
		known = 0;
		for (i = 0; names[i] != NULL; i++)
			if (strcmp(it->string, names[i]) == 0)
				known = 1;
		if (!known)
			return fail(r, "unknown field '%s'",
			    show(it->string, tmp, sizeof(tmp)));
		for (prev = o->child; prev != it; prev = prev->next)
			if (strcmp(prev->string, it->string) == 0) {
				mark = enter(r, ".%s", it->string);
				fail(r, "duplicate field");
				leave(r, mark);
				return -1;
			}
	}
	for (i = 0; names[i] != NULL; i++)
		if (cJSON_GetObjectItemCaseSensitive(o, names[i]) == NULL) {
			mark = enter(r, ".%s", names[i]);
			fail(r, "missing");
			leave(r, mark);
			return -1;
		}
	return 0;
}

/* What get_str() accepts besides a string. */
#define F_NULL		0x01	/* null */
#define F_NONEMPTY	0x02	/* not "" */
#define F_NAME		0x04	/* a canonical DNS name */

/* The string at key in o, copied to *out (NULL for null). */
static int
get_str(struct rd *r, const cJSON *o, const char *key, int flags, char **out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);
	size_t		 mark = enter(r, ".%s", key);
	char		*canon;
	int		 rc = -1;

	*out = NULL;
	if ((flags & F_NULL) && cJSON_IsNull(v))
		rc = 0;
	else if (!cJSON_IsString(v) || v->valuestring == NULL)
		fail(r, (flags & F_NULL) ? "expected a string or null" :
		    "expected a string");
	else if (check_text(r, v->valuestring) == -1)
		;
	else if ((flags & F_NONEMPTY) && *v->valuestring == '\0')
		fail(r, "expected a non-empty string");
	else if (flags & F_NAME) {
		canon = dns_name_canon(v->valuestring, NULL);
		if (canon == NULL || strcmp(canon, v->valuestring) != 0)
			fail(r, "not a DNS name in canonical form (lower case, "
			    "escaped, with the final dot)");
		else
			rc = 0;
		free(canon);
	} else
		rc = 0;
	if (rc == 0 && !cJSON_IsNull(v))
		*out = xstrdup(v->valuestring);
	leave(r, mark);
	return rc;
}

/* The integer in [0, max] at key in o; with isnull, null is accepted. */
static int
get_int(struct rd *r, const cJSON *o, const char *key, double max,
    long *out, int *isnull)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);
	size_t		 mark = enter(r, ".%s", key);
	double		 d;
	int		 rc = -1;

	*out = 0;
	if (isnull != NULL)
		*isnull = 0;
	if (isnull != NULL && cJSON_IsNull(v)) {
		*isnull = 1;
		rc = 0;
	} else if (!cJSON_IsNumber(v))
		fail(r, isnull != NULL ? "expected an integer or null" :
		    "expected an integer");
	else {
		/* cJSON keeps numbers as doubles: 1e400 is infinite. */
		d = v->valuedouble;
		if (!isfinite(d) || d < -1e18 || d > 1e18)
			fail(r, "out of range (0 to %.0f)", max);
		else if (d != (double)(long long)d)
			fail(r, "expected an integer");
		else if (d < 0 || d > max)
			fail(r, "out of range (0 to %.0f)", max);
		else {
			*out = (long)d;
			rc = 0;
		}
	}
	leave(r, mark);
	return rc;
}

/* Enters key of o, which must hold an object (or null, with nullable). */
static const cJSON *
enter_object(struct rd *r, const cJSON *o, const char *key, int nullable,
    const char *const *fields, size_t *mark)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	*mark = enter(r, ".%s", key);
	if (nullable && cJSON_IsNull(v))
		return v;
	if (!cJSON_IsObject(v)) {
		fail(r, nullable ? "expected an object or null" :
		    "expected an object");
		return NULL;
	}
	if (check_fields(r, v, fields) == -1)
		return NULL;
	return v;
}

static int
check_type(struct rd *r, const char *type)
{
	char	 tmp[64];
	size_t	 mark;

	/* MX: the MX set at an SES MAIL FROM domain (docs/ses.md). */
	if (strcmp(type, "TXT") == 0 || strcmp(type, "CNAME") == 0 ||
	    strcmp(type, "MX") == 0)
		return 0;
	mark = enter(r, ".type");
	fail(r, "unsupported record type '%s' (a plan holds TXT, CNAME and "
	    "MX record sets)", show(type, tmp, sizeof(tmp)));
	leave(r, mark);
	return -1;
}

/*
 * The routing fields of a set (v3): null for a simple set, else an object
 * with every field, each a non-empty string or null, at least one set.
 */
static int
read_routing(struct rd *r, const cJSON *o, struct rrset *rs)
{
	const char	*names[RRSET_NFIELDS + 1];
	const cJSON	*v;
	size_t		 mark, i;

	for (i = 0; i < RRSET_NFIELDS; i++)
		names[i] = rrset_field_name(i)->json;
	names[RRSET_NFIELDS] = NULL;
	if ((v = enter_object(r, o, "routing", 1, names, &mark)) == NULL)
		return -1;
	if (cJSON_IsNull(v)) {
		leave(r, mark);
		return 0;
	}
	for (i = 0; i < RRSET_NFIELDS; i++)
		if (get_str(r, v, names[i], F_NULL | F_NONEMPTY,
		    &rs->routing[i]) == -1)
			return -1;
	if (rrset_policy(rs) == NULL)
		return fail(r, "no routing field is set (a simple record set "
		    "has routing null)");
	leave(r, mark);
	return 0;
}

/* The record set at key of o into rs; rs->name stays NULL for null. */
static int
read_rrset(struct rd *r, const cJSON *o, const char *key, struct rrset *rs)
{
	const cJSON	*v, *values, *it;
	size_t		 mark, mark2, i;
	char		*s;

	if ((v = enter_object(r, o, key, 1, r->version == 2 ? rrset_fields_v2 :
	    rrset_fields, &mark)) == NULL)
		return -1;
	if (cJSON_IsNull(v)) {
		leave(r, mark);
		return 0;
	}
	if (get_str(r, v, "name", F_NAME, &rs->name) == -1 ||
	    get_str(r, v, "type", 0, &rs->type) == -1 ||
	    check_type(r, rs->type) == -1 ||
	    get_int(r, v, "ttl", TTL_MAX, &rs->ttl, NULL) == -1)
		return -1;
	values = cJSON_GetObjectItemCaseSensitive(v, "values");
	mark2 = enter(r, ".values");
	if (!cJSON_IsArray(values))
		return fail(r, "expected an array");
	if (values->child == NULL)
		return fail(r, "expected at least one value");
	for (it = values->child, i = 0; it != NULL; it = it->next, i++) {
		enter(r, "[%zu]", i);
		if (!cJSON_IsString(it) || it->valuestring == NULL)
			return fail(r, "expected a string");
		if (check_text(r, it->valuestring) == -1)
			return -1;
		s = it->valuestring;
		if (*s == '\0')
			return fail(r, "expected a non-empty string");
		rrset_value_add(rs, s);
		leave(r, mark2 + strlen(".values"));
	}
	if (strcmp(rs->type, "CNAME") == 0 && rs->nvalues != 1)
		return fail(r, "a CNAME record set holds exactly one value");
	leave(r, mark2);
	if (r->version != 2 && read_routing(r, v, rs) == -1)
		return -1;
	leave(r, mark);
	return 0;
}

/*
 * The zones named so far, found by id in a hash table (open addressing):
 * looking each change's zone up among all the zones before it took time in
 * the square of the changes.
 */
struct seen {
	size_t	*first;		/* per zone: the change that named it first */
	size_t	*slot;		/* a zone's index + 1; 0: empty */
	size_t	 cap;		/* a power of two, at least twice the zones */
};

static void
seen_init(struct seen *s, size_t n)
{
	s->cap = 1;
	while (s->cap < 2 * n)
		s->cap *= 2;
	s->slot = xcalloc(s->cap, sizeof(*s->slot));
	s->first = xcalloc(n > 0 ? n : 1, sizeof(*s->first));
}

static void
seen_release(struct seen *s)
{
	free(s->slot);
	free(s->first);
}

/* The slot of zone id in s: its zone's, or the empty one to take. */
static size_t *
seen_slot(const struct seen *s, const struct plan *p, const char *id)
{
	size_t		 h = 2166136261u;
	const char	*c;

	for (c = id; *c != '\0'; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	for (h &= s->cap - 1; s->slot[h] != 0; h = (h + 1) & (s->cap - 1))
		if (strcmp(p->zones[s->slot[h] - 1].id, id) == 0)
			break;
	return &s->slot[h];
}

/*
 * The zone of change i: an index into p->zones, which gets an entry per
 * distinct zone id.  Nothing points into p->zones yet, so it may move.
 */
static int
read_zone(struct rd *r, const cJSON *o, struct plan *p, struct seen *seen,
    size_t i, size_t *idx)
{
	const cJSON	*v;
	struct zone	*z;
	char		*id = NULL, *name = NULL, *acct = NULL, tmp[64];
	size_t		 mark, mark2, j, *slot;
	int		 rc = -1;

	v = cJSON_GetObjectItemCaseSensitive(o, "zone");
	if ((v = enter_object(r, o, "zone", 0, cJSON_IsObject(v) &&
	    cJSON_HasObjectItem(v, "account") ? zone_fields_account :
	    zone_fields, &mark)) == NULL)
		return -1;
	if (cJSON_HasObjectItem(v, "account") && get_str(r, v, "account",
	    F_NONEMPTY, &acct) == -1)
		goto out;
	if (get_str(r, v, "id", 0, &id) == -1)
		goto out;
	if (!zone_ref_is_id(id)) {
		enter(r, ".id");
		fail(r, "'%s' is not a hosted zone id (1 to %d upper-case "
		    "letters and digits)", show(id, tmp, sizeof(tmp)),
		    ZONE_ID_MAX);
		goto out;
	}
	if (get_str(r, v, "name", F_NAME, &name) == -1)
		goto out;
	slot = seen_slot(seen, p, id);
	j = *slot != 0 ? *slot - 1 : p->nzones;
	if (j < p->nzones && strcmp(p->zones[j].name, name) != 0) {
		mark2 = enter(r, ".name");
		fail(r, "zone %s is named '%s' in changes[%zu]", id,
		    p->zones[j].name, seen->first[j]);
		leave(r, mark2);
		goto out;
	}
	if (j < p->nzones && ((acct == NULL) != (p->zones[j].account ==
	    NULL) || (acct != NULL && strcmp(acct, p->zones[j].account) !=
	    0))) {
		mark2 = enter(r, ".account");
		fail(r, "zone %s is in another account in changes[%zu]", id,
		    seen->first[j]);
		leave(r, mark2);
		goto out;
	}
	if (j == p->nzones) {
		z = xappend(&p->zones, &p->nzones, sizeof(*p->zones));
		z->id = id;
		z->name = name;
		z->account = acct;
		id = name = acct = NULL;
		seen->first[j] = i;
		*slot = j + 1;
	}
	*idx = j;
	leave(r, mark);
	rc = 0;
out:
	free(id);
	free(name);
	free(acct);
	return rc;
}

/*
 * Routing fields only where a plan can have them: on the set a delete
 * removes and on a set left as it is (a stale Easy DKIM token).  A set
 * mailauth creates, and both sides of an update, are simple: plan refuses
 * to replace a set with a routing policy.
 */
static int
check_routing(struct rd *r, const struct plan_change *c)
{
	size_t	 mark;

	if (c->op == PLAN_UPDATE && rrset_policy(&c->before) != NULL) {
		mark = enter(r, ".before.routing");
		fail(r, "expected null for action 'update'");
		leave(r, mark);
		return -1;
	}
	if ((c->op == PLAN_UPDATE || c->op == PLAN_CREATE) &&
	    rrset_policy(&c->after) != NULL) {
		mark = enter(r, ".after.routing");
		fail(r, "expected null for action '%s'", plan_json_op_name(c->op));
		leave(r, mark);
		return -1;
	}
	return 0;
}

/* before and after as the action wants them. */
static int
check_action(struct rd *r, const struct plan_change *c, const char *action)
{
	int	 has_before = c->before.name != NULL;
	int	 has_after = c->after.name != NULL;

	switch (c->op) {
	case PLAN_CREATE:
	case PLAN_DELETE:
		if (has_before != (c->op == PLAN_DELETE)) {
			enter(r, ".before");
			return fail(r, "expected %s for action '%s'",
			    has_before ? "null" : "an object", action);
		}
		if (has_after != (c->op == PLAN_CREATE)) {
			enter(r, ".after");
			return fail(r, "expected %s for action '%s'",
			    has_after ? "null" : "an object", action);
		}
		break;
	case PLAN_UPDATE:
		if (!has_before || !has_after) {
			enter(r, has_before ? ".after" : ".before");
			return fail(r, "expected an object for action '%s'",
			    action);
		}
		if (strcmp(c->before.name, c->after.name) != 0) {
			enter(r, ".after.name");
			return fail(r, "differs from before.name");
		}
		if (rrset_equal(&c->before, &c->after)) {
			enter(r, ".after");
			return fail(r, "same as before, but the action is "
			    "'%s'", action);
		}
		break;
	case PLAN_NONE:
		if (has_before != has_after) {
			enter(r, has_before ? ".after" : ".before");
			return fail(r, "expected %s for action '%s' (before "
			    "and after are both null or the same)",
			    has_before ? "an object" : "null", action);
		}
		if (has_before && !rrset_equal(&c->before, &c->after)) {
			enter(r, ".after");
			return fail(r, "differs from before, but the action "
			    "is '%s'", action);
		}
		break;
	}
	return 0;
}

/* name, type and ttl repeat the set the change is shown by. */
static int
check_shown(struct rd *r, const struct plan_change *c, const char *name,
    const char *type, long ttl, int ttlnull)
{
	const struct rrset	*rs = plan_json_shown(c);
	const char		*from = c->op == PLAN_DELETE ? "before" : "after";

	if (rs->name == NULL) {
		if (name != NULL)
			enter(r, ".name");
		else if (type != NULL)
			enter(r, ".type");
		else if (!ttlnull)
			enter(r, ".ttl");
		else
			return 0;
		return fail(r, "expected null when before and after are null");
	}
	if (name == NULL || strcmp(name, rs->name) != 0) {
		enter(r, ".name");
		return fail(r, name == NULL ? "expected a string" :
		    "differs from %s.name", from);
	}
	if (type == NULL || strcmp(type, rs->type) != 0) {
		enter(r, ".type");
		return fail(r, type == NULL ? "expected a string" :
		    "differs from %s.type", from);
	}
	if (ttlnull || ttl != rs->ttl) {
		enter(r, ".ttl");
		return fail(r, ttlnull ? "expected an integer" :
		    "differs from %s.ttl", from);
	}
	return 0;
}

/* The boolean at key in o. */
static int
get_bool(struct rd *r, const cJSON *o, const char *key, int *out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);
	size_t		 mark = enter(r, ".%s", key);

	*out = 0;
	if (!cJSON_IsBool(v))
		return fail(r, "expected true or false");
	*out = cJSON_IsTrue(v);
	leave(r, mark);
	return 0;
}

/* The date at key of o into out (YYYY-MM-DD), or "" for null; with
 * want_null, null and nothing else is accepted, and the reverse. */
static int
get_date(struct rd *r, const cJSON *o, const char *key, int want_null,
    const char *why_null, char out[11], long *day)
{
	char	*s = NULL;
	size_t	 mark;
	int	 rc = -1;

	out[0] = '\0';
	if (get_str(r, o, key, F_NULL, &s) == -1)
		return -1;
	mark = enter(r, ".%s", key);
	if (want_null && s != NULL)
		fail(r, "expected null %s", why_null);
	else if (!want_null && s == NULL)
		fail(r, "expected a date as YYYY-MM-DD");
	else if (s != NULL && date_parse(s, day, NULL) == -1)
		fail(r, "expected a date as YYYY-MM-DD");
	else {
		if (s != NULL)
			memcpy(out, s, 11);
		leave(r, mark);
		rc = 0;
	}
	free(s);
	return rc;
}

/* The rollout stage of change c, which must be a DMARC change's. */
static int
read_stage(struct rd *r, const cJSON *o, struct plan_change *c)
{
	const cJSON		*v;
	struct plan_stage	*st;
	char			*pol = NULL, tmp[64];
	size_t			 mark, m2;
	long			 l, from = 0, next = 0;
	int			 isnull, rc = -1;

	if ((v = enter_object(r, o, "stage", 1, stage_fields, &mark)) == NULL)
		return -1;
	if (cJSON_IsNull(v)) {
		leave(r, mark);
		return 0;
	}
	if (c->kind != RECORD_DMARC)
		return fail(r, "expected null for kind '%s' (only DMARC is "
		    "rolled out in stages)", record_kind_name(c->kind));
	st = c->stage = xcalloc(1, sizeof(*c->stage));
	if (get_int(r, v, "number", STAGES_MAX, &l, NULL) == -1)
		goto out;
	st->number = (int)l;
	if (get_int(r, v, "count", STAGES_MAX, &l, NULL) == -1)
		goto out;
	st->count = (int)l;
	m2 = enter(r, "%s", st->count < 1 ? ".count" : ".number");
	if (st->count < 1) {
		fail(r, "expected at least 1");
		goto out;
	}
	if (st->number > st->count) {
		fail(r, "%d, but count is %d", st->number, st->count);
		goto out;
	}
	if (st->number == 0 && c->op != PLAN_NONE) {
		fail(r, "0 (not started), but the action is not 'none'");
		goto out;
	}
	leave(r, m2);
	if (get_date(r, v, "from", st->number == 0, "when number is 0",
	    st->from, &from) == -1 ||
	    get_str(r, v, "policy", F_NULL, &pol) == -1)
		goto out;
	m2 = enter(r, ".policy");
	if (st->number == 0 && pol != NULL) {
		fail(r, "expected null when number is 0");
		goto out;
	}
	if (st->number > 0 && pol == NULL) {
		fail(r, "expected none, quarantine or reject");
		goto out;
	}
	if (pol != NULL) {
		static const enum dmarc_policy	 all[] = {
			DMARC_POLICY_NONE, DMARC_POLICY_QUARANTINE,
			DMARC_POLICY_REJECT
		};
		size_t				 k;

		for (k = 0; k < sizeof(all) / sizeof(all[0]); k++)
			if (strcmp(pol, dmarc_policy_name(all[k])) == 0)
				st->policy = all[k];
		if (st->policy == DMARC_POLICY_UNSET) {
			fail(r, "unknown policy '%s' (expected none, "
			    "quarantine or reject)", show(pol, tmp,
			    sizeof(tmp)));
			goto out;
		}
	}
	leave(r, m2);
	if (get_bool(r, v, "testing", &st->testing) == -1 ||
	    get_int(r, v, "pct", 100, &l, &isnull) == -1 ||
	    get_bool(r, v, "rollback", &st->rollback) == -1)
		goto out;
	st->pct = isnull ? -1 : (int)l;
	if (st->number == 0 && (st->testing || st->rollback || !isnull)) {
		enter(r, "%s", st->testing ? ".testing" : st->rollback ?
		    ".rollback" : ".pct");
		fail(r, "expected %s when number is 0", st->testing ||
		    st->rollback ? "false" : "null");
		goto out;
	}
	if (st->testing && !isnull) {
		enter(r, ".pct");
		fail(r, "expected null with testing (which publishes pct=0)");
		goto out;
	}
	if (get_date(r, v, "next", st->number == st->count,
	    "after the last stage", st->next, &next) == -1)
		goto out;
	if (st->number > 0 && st->next[0] != '\0' && next <= from) {
		enter(r, ".next");
		fail(r, "'%s' is not after from ('%s')", st->next, st->from);
		goto out;
	}
	leave(r, mark);
	rc = 0;
out:
	free(pol);
	return rc;
}

/* --- the fields for review (version 4) --- */

/* weakening: a non-empty string or null.  apply asks the guard again. */
static int
check_weakening(struct rd *r, const cJSON *o)
{
	char	*why;

	if (get_str(r, o, "weakening", F_NULL | F_NONEMPTY, &why) == -1)
		return -1;
	free(why);
	return 0;
}

/* Enters the array at key of root; NULL after failing. */
static const cJSON *
enter_array(struct rd *r, const cJSON *root, const char *key, size_t *mark)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(root, key);

	*mark = enter(r, ".%s", key);
	if (!cJSON_IsArray(v)) {
		fail(r, "expected an array");
		return NULL;
	}
	return v;
}

/* warnings, notes: objects of a message and a domain and name or null,
 * into *out. */
static int
read_notices(struct rd *r, const cJSON *root, const char *key,
    struct plan_notice **out, size_t *nout)
{
	const cJSON	*v, *it;
	char		*msg, *dom, *name;
	size_t		 mark, i = 0;
	int		 rc;

	if ((v = enter_array(r, root, key, &mark)) == NULL)
		return -1;
	for (it = v->child; it != NULL; it = it->next, i++) {
		enter(r, "[%zu]", i);
		msg = dom = name = NULL;
		if (!cJSON_IsObject(it))
			return fail(r, "expected an object");
		rc = check_fields(r, it, notice_fields) == -1 ||
		    get_str(r, it, "message", F_NONEMPTY, &msg) == -1 ||
		    get_str(r, it, "domain", F_NULL | F_NONEMPTY, &dom) == -1 ||
		    get_str(r, it, "name", F_NULL | F_NAME, &name) == -1;
		if (!rc)
			plan_notice_add(out, nout, msg, dom, name);
		free(msg);
		free(dom);
		free(name);
		if (rc)
			return -1;
		leave(r, mark + strlen(key) + 1);
	}
	leave(r, mark);
	return 0;
}

static int
read_gate(struct rd *r, const cJSON *o, struct plan_gate *pg)
{
	static const enum plan_gate_verdict	 all[] = {
		PLAN_GATE_NONE, PLAN_GATE_ADVANCE, PLAN_GATE_HOLD,
		PLAN_GATE_KEEP
	};
	const cJSON				*g;
	char					*verdict = NULL, *reason = NULL;
	char					 tmp[64];
	size_t					 mark, i;
	int					 rc = -1;

	if ((g = enter_object(r, o, "gate", 0, gate_fields, &mark)) == NULL ||
	    get_str(r, g, "verdict", 0, &verdict) == -1 ||
	    get_str(r, g, "reason", F_NULL | F_NONEMPTY, &reason) == -1)
		goto out;
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(verdict, plan_gate_verdict_name(all[i])) == 0)
			break;
	if (i == sizeof(all) / sizeof(all[0])) {
		enter(r, ".verdict");
		fail(r, "unknown verdict '%s' (expected none, advance, hold or "
		    "keep)", show(verdict, tmp, sizeof(tmp)));
		goto out;
	}
	pg->verdict = all[i];
	pg->reason = reason;
	reason = NULL;
	leave(r, mark);
	rc = 0;
out:
	free(verdict);
	free(reason);
	return rc;
}

/* domains: objects of a domain name and its gate, into p->gates. */
static int
read_domains(struct rd *r, const cJSON *root, struct plan *p)
{
	const cJSON		*v, *it;
	struct plan_gate	*pg;
	size_t			 mark, i = 0;

	if ((v = enter_array(r, root, "domains", &mark)) == NULL)
		return -1;
	for (it = v->child; it != NULL; it = it->next, i++) {
		enter(r, "[%zu]", i);
		if (!cJSON_IsObject(it))
			return fail(r, "expected an object");
		pg = xappend(&p->gates, &p->ngates, sizeof(*p->gates));
		memset(pg, 0, sizeof(*pg));
		if (check_fields(r, it, domain_fields) == -1 ||
		    get_str(r, it, "domain", F_NONEMPTY, &pg->domain) == -1 ||
		    read_gate(r, it, pg) == -1)
			return -1;
		leave(r, mark + strlen(".domains"));
	}
	leave(r, mark);
	return 0;
}

/* The fields for review (version 4), which apply shows and does not
 * need: the guard judges each change again. */
static int
read_review(struct rd *r, const cJSON *root, struct plan *p)
{
	if (r->version < 4)
		return 0;
	if (read_domains(r, root, p) == -1 ||
	    read_notices(r, root, "warnings", &p->warnings,
	    &p->nwarnings) == -1 ||
	    read_notices(r, root, "notes", &p->notes, &p->nnotes) == -1)
		return -1;
	return 0;
}

/* replay.top_sources[i]: most first, then by address, within the totals. */
static int
read_source(struct rd *r, const cJSON *it, struct plan_replay *rp, size_t i)
{
	struct replay_source	*s = &rp->top[i], *prev = s - 1;
	long			 q, j;

	if (!cJSON_IsObject(it))
		return fail(r, "expected an object");
	if (check_fields(r, it, source_fields) == -1 ||
	    get_str(r, it, "source_ip", F_NONEMPTY, &s->ip) == -1 ||
	    get_int(r, it, "quarantine", COUNT_MAX, &q, NULL) == -1 ||
	    get_int(r, it, "reject", COUNT_MAX, &j, NULL) == -1)
		return -1;
	s->quarantine = (uint64_t)q;
	s->reject = (uint64_t)j;
	if (q + j == 0)
		return fail(r, "a source with no message newly quarantined or "
		    "rejected");
	if (i > 0 && (prev->quarantine + prev->reject < (uint64_t)(q + j) ||
	    (prev->quarantine + prev->reject == (uint64_t)(q + j) &&
	    strcmp(prev->ip, s->ip) >= 0)))
		return fail(r, "not in order (most messages first, then by "
		    "address)");
	return 0;
}

/* replay: null, or on a DMARC change with an action (version 5). */
static int
read_replay(struct rd *r, const cJSON *o, struct plan_change *c)
{
	const cJSON		*v, *a, *it;
	struct plan_replay	*rp;
	uint64_t		 q = 0, j = 0;
	long			 n[5], since, until;
	size_t			 mark, m, i;
	int			 k;

	if (r->version < 5)
		return 0;
	if ((v = enter_object(r, o, "replay", 1, replay_fields,
	    &mark)) == NULL)
		return -1;
	if (cJSON_IsNull(v)) {
		leave(r, mark);
		return 0;
	}
	if (c->kind != RECORD_DMARC || c->op == PLAN_NONE)
		return fail(r, "expected null (a replay is of a DMARC change "
		    "with an action)");
	rp = c->replay = xcalloc(1, sizeof(*rp));
	if (get_date(r, v, "since", 0, NULL, rp->since, &since) == -1 ||
	    get_date(r, v, "until", 0, NULL, rp->until, &until) == -1)
		return -1;
	for (k = 0; k < 5; k++)
		if (get_int(r, v, replay_fields[k + 2], COUNT_MAX, &n[k],
		    NULL) == -1)
			return -1;
	rp->messages = (uint64_t)n[0];
	rp->failing = (uint64_t)n[1];
	rp->quarantine = (uint64_t)n[2];
	rp->reject = (uint64_t)n[3];
	rp->sources = (size_t)n[4];
	if (since > until)
		return fail(r, "since is after until");
	if (n[1] > n[0] || n[2] + n[3] > n[1])
		return fail(r, "more failing messages than messages, or more "
		    "quarantined and rejected than failing");
	if ((n[4] == 0) != (n[2] + n[3] == 0))
		return fail(r, "sources is 0 exactly when no message is "
		    "quarantined or rejected");
	if ((a = enter_array(r, v, "top_sources", &m)) == NULL)
		return -1;
	if ((size_t)cJSON_GetArraySize(a) != (rp->sources < REPLAY_TOP_SOURCES ?
	    rp->sources : REPLAY_TOP_SOURCES))
		return fail(r, "expected the %d first of the sources",
		    REPLAY_TOP_SOURCES);
	rp->ntop = (size_t)cJSON_GetArraySize(a);
	rp->top = rp->ntop > 0 ? xcalloc(rp->ntop, sizeof(*rp->top)) : NULL;
	for (it = a->child, i = 0; it != NULL; it = it->next, i++) {
		size_t	 mi = enter(r, "[%zu]", i);

		if (read_source(r, it, rp, i) == -1)
			return -1;
		q += rp->top[i].quarantine;
		j += rp->top[i].reject;
		leave(r, mi);
	}
	if (q > rp->quarantine || j > rp->reject)
		return fail(r, "more than the replay's quarantine or reject");
	leave(r, m);
	leave(r, mark);
	return 0;
}

static int
read_change(struct rd *r, const cJSON *o, struct plan *p, struct seen *seen,
    size_t i, size_t *idx)
{
	struct plan_change	*c = &p->changes[i];
	char			*kind = NULL, *action = NULL, *name = NULL;
	char			*type = NULL, tmp[64];
	long			 ttl;
	int			 ttlnull, rc = -1;
	enum plan_op		 op;

	if (!cJSON_IsObject(o)) {
		fail(r, "expected an object");
		goto out;
	}
	if (check_fields(r, o, r->version >= 5 ? change_fields :
	    r->version == 4 ? change_fields_v4 : change_fields_v3) == -1 ||
	    (r->version >= 4 && check_weakening(r, o) == -1) ||
	    read_zone(r, o, p, seen, i, idx) == -1 ||
	    get_str(r, o, "domain", F_NONEMPTY, &c->domain) == -1 ||
	    get_str(r, o, "kind", 0, &kind) == -1)
		goto out;
	if (record_kind_parse(kind, &c->kind) == -1) {
		struct buf	 names = BUF_INIT;

		record_kind_names(&names);
		enter(r, ".kind");
		fail(r, "unknown kind '%s' (expected %s)",
		    show(kind, tmp, sizeof(tmp)), buf_str(&names));
		buf_release(&names);
		goto out;
	}
	if (get_str(r, o, "action", 0, &action) == -1)
		goto out;
	if (op_parse(action, &op) == -1) {
		enter(r, ".action");
		fail(r, "unknown action '%s' (expected create, update, delete "
		    "or none)", show(action, tmp, sizeof(tmp)));
		goto out;
	}
	c->op = op;
	if (get_str(r, o, "name", F_NULL | F_NAME, &name) == -1 ||
	    get_str(r, o, "type", F_NULL, &type) == -1 ||
	    get_int(r, o, "ttl", TTL_MAX, &ttl, &ttlnull) == -1 ||
	    get_str(r, o, "note", F_NULL, &c->note) == -1 ||
	    read_stage(r, o, c) == -1 || read_replay(r, o, c) == -1 ||
	    read_rrset(r, o, "before", &c->before) == -1 ||
	    read_rrset(r, o, "after", &c->after) == -1 ||
	    check_action(r, c, action) == -1 ||
	    check_routing(r, c) == -1 ||
	    check_shown(r, c, name, type, ttl, ttlnull) == -1)
		goto out;
	if (name != NULL && !dns_name_in_zone(name, p->zones[*idx].name)) {
		enter(r, ".name");
		fail(r, "'%s' is not in zone '%s'", name, p->zones[*idx].name);
		goto out;
	}
	rc = 0;
out:
	free(kind);
	free(action);
	free(name);
	free(type);
	return rc;
}

static int
is_utc_time(const char *s)
{
	static const char	 pat[] = "dddd-dd-ddTdd:dd:ddZ";
	size_t			 i;
	int			 mon, day, hour, min, sec;

	if (strlen(s) != sizeof(pat) - 1)
		return 0;
	for (i = 0; pat[i] != '\0'; i++)
		if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') :
		    s[i] != pat[i])
			return 0;
	mon = (s[5] - '0') * 10 + s[6] - '0';
	day = (s[8] - '0') * 10 + s[9] - '0';
	hour = (s[11] - '0') * 10 + s[12] - '0';
	min = (s[14] - '0') * 10 + s[15] - '0';
	sec = (s[17] - '0') * 10 + s[18] - '0';
	return mon >= 1 && mon <= 12 && day >= 1 && day <= 31 && hour <= 23 &&
	    min <= 59 && sec <= 60;
}

static int
is_sha256_hex(const char *s)
{
	size_t	 n;

	for (n = 0; s[n] != '\0'; n++)
		if (!(s[n] >= '0' && s[n] <= '9') && !(s[n] >= 'a' &&
		    s[n] <= 'f'))
			return 0;
	return n == 64;
}

/* The patterns of shard.KEY: an array of non-empty strings. */
static int
read_patterns(struct rd *r, const cJSON *o, const char *key, char ***v,
    size_t *n)
{
	const cJSON	*a = cJSON_GetObjectItemCaseSensitive(o, key), *it;
	size_t		 mark = enter(r, ".%s", key), m;

	if (!cJSON_IsArray(a))
		return fail(r, "expected an array");
	cJSON_ArrayForEach(it, a) {
		m = enter(r, "[%zu]", *n);
		if (!cJSON_IsString(it) || it->valuestring[0] == '\0')
			return fail(r, "expected a non-empty string");
		if (check_text(r, it->valuestring) == -1)
			return -1;
		*(char **)xappend(v, n, sizeof(char *)) =
		    xstrdup(it->valuestring);
		leave(r, m);
	}
	leave(r, mark);
	return 0;
}

/* The optional shard: {"domains": [...], "zones": [...]}. */
static int
read_shard(struct rd *r, const cJSON *root, struct plan_meta *meta)
{
	const cJSON	*v;
	size_t		 mark;

	if (!cJSON_HasObjectItem(root, "shard"))
		return 0;
	if ((v = enter_object(r, root, "shard", 0, shard_fields,
	    &mark)) == NULL ||
	    read_patterns(r, v, "domains", &meta->shard_domains,
	    &meta->nshard_domains) == -1 ||
	    read_patterns(r, v, "zones", &meta->shard_zones,
	    &meta->nshard_zones) == -1)
		return -1;
	if (meta->nshard_domains + meta->nshard_zones == 0)
		return fail(r, "no pattern: a plan of the whole config has no "
		    "shard");
	leave(r, mark);
	return 0;
}

static int
read_meta(struct rd *r, const cJSON *root, struct plan_meta *meta)
{
	const cJSON	*v;
	char		*sha = NULL;
	size_t		 mark;
	int		 rc = -1;

	if (get_str(r, root, "mailauth_version", F_NONEMPTY,
	    &meta->mailauth_version) == -1)
		return -1;
	if ((v = enter_object(r, root, "config", 0, config_fields,
	    &mark)) == NULL ||
	    get_str(r, v, "path", F_NONEMPTY, &meta->config_path) == -1 ||
	    get_str(r, v, "sha256", 0, &sha) == -1)
		goto out;
	if (!is_sha256_hex(sha)) {
		enter(r, ".sha256");
		fail(r, "expected 64 lower-case hexadecimal digits");
		goto out;
	}
	memcpy(meta->config_sha256, sha, sizeof(meta->config_sha256));
	leave(r, mark);
	if (get_str(r, root, "created", 0, &meta->created) == -1)
		goto out;
	if (!is_utc_time(meta->created)) {
		enter(r, ".created");
		fail(r, "expected a UTC time as 2026-11-29T01:02:03Z");
		goto out;
	}
	rc = 0;
out:
	free(sha);
	return rc;
}

/* The summary must say what the changes do. */
static int
check_summary(struct rd *r, const cJSON *root, const struct plan *p)
{
	static const char *const	 actions[] = {
		"create", "update", "delete"
	};
	const cJSON			*v;
	size_t				 mark, i, have[3];
	long				 said;

	have[0] = p->nadd;
	have[1] = p->nchange;
	have[2] = p->ndestroy;
	if ((v = enter_object(r, root, "summary", 0, summary_fields,
	    &mark)) == NULL)
		return -1;
	for (i = 0; i < 3; i++) {
		if (get_int(r, v, summary_fields[i], TTL_MAX, &said,
		    NULL) == -1)
			return -1;
		if ((size_t)said != have[i]) {
			enter(r, ".%s", summary_fields[i]);
			return fail(r, "%ld, but %zu change%s action '%s'",
			    said, have[i], have[i] == 1 ? " has" : "s have",
			    actions[i]);
		}
	}
	leave(r, mark);
	return 0;
}

static int
read_changes(struct rd *r, const cJSON *root, struct plan *p)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(root, "changes");
	const cJSON	*it;
	struct seen	 seen = { NULL, NULL, 0 };
	size_t		*idx = NULL, mark, i, n = 0;
	int		 rc = -1;

	mark = enter(r, ".changes");
	if (!cJSON_IsArray(v)) {
		fail(r, "expected an array");
		goto out;
	}
	for (it = v->child; it != NULL; it = it->next)
		n++;
	if (n > 0) {
		p->changes = xcalloc(n, sizeof(*p->changes));
		idx = xcalloc(n, sizeof(*idx));
	}
	seen_init(&seen, n);
	p->nchanges = n;
	for (it = v->child, i = 0; it != NULL; it = it->next, i++) {
		enter(r, "[%zu]", i);
		if (read_change(r, it, p, &seen, i, &idx[i]) == -1)
			goto out;
		leave(r, mark + strlen(".changes"));
	}
	/* p->zones is complete: point at it. */
	for (i = 0; i < n; i++)
		p->changes[i].zone = &p->zones[idx[i]];
	leave(r, mark);
	rc = 0;
out:
	free(idx);
	seen_release(&seen);
	return rc;
}

int
plan_from_json(const char *json, size_t len, struct plan *p,
    struct plan_meta *meta, struct err *err)
{
	struct rd	 r;
	cJSON		*root = NULL;
	const char	*end = NULL;
	size_t		 off;
	long		 version;
	int		 rc = -1;

	memset(p, 0, sizeof(*p));
	memset(meta, 0, sizeof(*meta));
	memset(&r, 0, sizeof(r));
	r.err = err;
	plan_json_hooks();
	if (json == NULL || len == 0) {
		fail(&r, "the document is empty");
		goto out;
	}
	if (prescan(&r, json, len) == -1)
		goto out;
	if ((root = cJSON_ParseWithLengthOpts(json, len, &end, 0)) == NULL) {
		off = end != NULL && end >= json ? (size_t)(end - json) : 0;
		fail_at(&r, json, off < len ? off : len, "not valid JSON");
		goto out;
	}
	for (off = (size_t)(end - json); off < len; off++)
		if (strchr(" \t\r\n", json[off]) == NULL) {
			fail_at(&r, json, off, "text after the JSON document");
			goto out;
		}
	if (!cJSON_IsObject(root)) {
		fail(&r, "expected a JSON object");
		goto out;
	}
	/* The version first: another version may have other fields. */
	if (cJSON_GetObjectItemCaseSensitive(root, "format_version") == NULL) {
		fail(&r, "format_version: missing");
		goto out;
	}
	if (get_int(&r, root, "format_version", TTL_MAX, &version,
	    NULL) == -1)
		goto out;
	if (version != PLAN_FORMAT_VERSION && (version < 2 || version > 4)) {
		fail(&r, "format_version: unsupported version %ld (this "
		    "mailauth reads versions 2 to %d)", version,
		    PLAN_FORMAT_VERSION);
		goto out;
	}
	r.version = version;
	meta->format_version = (int)version;
	if (check_fields(&r, root, version < 4 ? top_fields_v3 :
	    cJSON_HasObjectItem(root, "shard") ? top_fields_shard :
	    top_fields) == -1 ||
	    read_meta(&r, root, meta) == -1 ||
	    read_shard(&r, root, meta) == -1 ||
	    read_review(&r, root, p) == -1 ||
	    read_changes(&r, root, p) == -1)
		goto out;
	plan_count(p);
	if (check_summary(&r, root, p) == -1)
		goto out;
	rc = 0;
out:
	cJSON_Delete(root);
	if (rc == -1) {
		plan_release(p);
		plan_meta_release(meta);
	}
	return rc;
}
