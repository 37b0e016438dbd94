/*
 * iam.c - the least-privilege IAM policy of a config (mailauth iam-policy):
 * the Route 53 actions plan and apply send, on the hosted zones of the
 * config only, and ChangeResourceRecordSets held by Route 53's condition
 * keys to the names, types and actions apply writes.  Pure: the zone ids
 * are given; docs/security.md explains each statement.
 */
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "mailauth/registry.h"
#include "mailauth/zoneref.h"

#define DEFAULT_PARTITION "aws"

/* A hosted zone of the policy and what apply may change in it. */
struct pzone {
	const char	*id;
	cJSON		*names;		/* normalized record names, or
					 * patterns when like is set */
	int		 txt, cname, mx;
	int		 like;		/* a name is a pattern (SES tokens) */
};

/* The ARN of hosted zone id in partition, malloc'd. */
static char *
zone_arn(const char *partition, const char *id)
{
	return xasprintf("arn:%s:route53:::hostedzone/%s", partition, id);
}

/* The domain's zone: when it is a hosted zone id (borrowed), else NULL. */
static const char *
zone_id_of(const struct cfg_domain *dom)
{
	struct zone_ref	 ref;

	if (dom->zone == NULL)
		return NULL;
	zone_ref_parse(dom->zone, &ref);
	return ref.kind == ZONE_REF_ID ? ref.value : NULL;
}

int
iam_zone_ids_offline(const struct cfg *cfg, const char **ids,
    struct diags *d)
{
	const struct cfg_domain	*dom;
	size_t			 i, nerrors = d->nerrors;

	for (i = 0; i < cfg->ndomains; i++) {
		dom = &cfg->domains[i];
		if ((ids[i] = zone_id_of(dom)) != NULL)
			continue;
		if (dom->zone != NULL)
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s.zone: --offline needs a "
			    "hosted zone id (Z...), not the zone name '%s'",
			    dom->name, dom->zone);
		else
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s: --offline needs zone: "
			    "set to the hosted zone id (Z...) of '%s'",
			    dom->name, dom->name);
	}
	return d->nerrors == nerrors ? 0 : -1;
}

/* The name as the condition key route53:ChangeResourceRecordSets-
 * NormalizedRecordNames has it: the canonical form without its dot. */
static char *
normalized(const char *canon)
{
	size_t	 n = strlen(canon);

	if (n > 1 && canon[n - 1] == '.')
		n--;
	return xstrndup(canon, n);
}

/* The normalized form of a name as the config has it (lower case, no
 * trailing dot, but not escaped). */
static char *
normalized_name(const char *name)
{
	char	*canon, *n;

	if ((canon = dns_name_canon(name, NULL)) == NULL)
		return xstrdup(name);
	n = normalized(canon);
	free(canon);
	return n;
}

static int
has_string(const cJSON *array, const char *s)
{
	const cJSON	*v;

	cJSON_ArrayForEach(v, array)
		if (strcmp(v->valuestring, s) == 0)
			return 1;
	return 0;
}

static cJSON *
statement(cJSON *list, const char *sid)
{
	cJSON	*st = cJSON_CreateObject();

	cJSON_AddStringToObject(st, "Sid", sid);
	cJSON_AddStringToObject(st, "Effect", "Allow");
	cJSON_AddItemToArray(list, st);
	return st;
}

static void
add_strings(cJSON *obj, const char *key, const char *const *v)
{
	cJSON	*a = cJSON_AddArrayToObject(obj, key);

	for (; *v != NULL; v++)
		cJSON_AddItemToArray(a, cJSON_CreateString(*v));
}

static void
add_zone_arns(cJSON *obj, const char *partition, const struct pzone *z,
    size_t n)
{
	cJSON	*a = cJSON_AddArrayToObject(obj, "Resource");
	char	*arn;
	size_t	 i;

	for (i = 0; i < n; i++) {
		arn = zone_arn(partition, z[i].id);
		cJSON_AddItemToArray(a, cJSON_CreateString(arn));
		free(arn);
	}
}

static void
change_statement(cJSON *list, const char *partition, const struct pzone *z)
{
	static const char *const action[] = {
		"route53:ChangeResourceRecordSets", NULL
	};
	/* plan_apply() sends an update as DELETE and CREATE, never UPSERT. */
	static const char *const ops[] = { "CREATE", "DELETE", NULL };
	const char	*types[4] = { NULL, NULL, NULL, NULL };
	cJSON		*st, *cond, *eq, *like;
	char		*sid, *arn;
	size_t		 n = 0;

	sid = xasprintf("ChangeManagedRecordsIn%s", z->id);
	st = statement(list, sid);
	add_strings(st, "Action", action);
	arn = zone_arn(partition, z->id);
	cJSON_AddStringToObject(st, "Resource", arn);
	cond = cJSON_AddObjectToObject(st, "Condition");
	/* Every name must be one of the list: exact names, or with SES a
	 * pattern for the Easy DKIM tokens, which SES chooses.  An exact
	 * name is a StringLike pattern that matches only itself (normalized
	 * names escape '*' and '?'). */
	like = z->like ? cJSON_AddObjectToObject(cond,
	    "ForAllValues:StringLike") : NULL;
	eq = cJSON_AddObjectToObject(cond, "ForAllValues:StringEquals");
	cJSON_AddItemToObject(like != NULL ? like : eq,
	    "route53:ChangeResourceRecordSetsNormalizedRecordNames",
	    cJSON_Duplicate(z->names, 1));
	if (z->cname)
		types[n++] = "CNAME";
	if (z->mx)
		types[n++] = "MX";
	if (z->txt)
		types[n++] = "TXT";
	add_strings(eq, "route53:ChangeResourceRecordSetsRecordTypes", types);
	add_strings(eq, "route53:ChangeResourceRecordSetsActions", ops);
	free(sid);
	free(arn);
}

static void
add_name(struct pzone *z, const char *name)
{
	if (!has_string(z->names, name))
		cJSON_AddItemToArray(z->names, cJSON_CreateString(name));
}

/*
 * What apply writes for a domain's ses key (docs/ses.md): at mail_from its
 * MX set and SPF record; the Easy DKIM token CNAMEs, whose names SES
 * chooses (and, with prune_stale_tokens, deletes stale ones), below
 * _domainkey; hence a pattern.
 */
static void
add_ses(struct pzone *z, const struct cfg_domain *dom)
{
	char	*n, *pat;

	if (dom->ses.mail_from != NULL) {
		n = normalized_name(dom->ses.mail_from);
		add_name(z, n);
		free(n);
		z->mx = z->txt = 1;
	}
	n = normalized_name(dom->name);
	pat = xasprintf("*._domainkey.%s", n);
	add_name(z, pat);
	free(pat);
	free(n);
	z->cname = z->like = 1;
}

static void
ses_statement(cJSON *list, const char *partition, const struct cfg *cfg)
{
	static const char *const action[] = { "ses:GetEmailIdentity", NULL };
	cJSON	*st = NULL, *res = NULL;
	char	*arn;
	size_t	 i;

	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_ses	*ses = &cfg->domains[i].ses;

		if (!ses->present)
			continue;
		if (st == NULL) {
			st = statement(list, "ReadSesIdentities");
			add_strings(st, "Action", action);
			res = cJSON_AddArrayToObject(st, "Resource");
		}
		arn = xasprintf("arn:%s:ses:%s:*:identity/%s", partition,
		    ses->region, ses->identity);
		if (!has_string(res, arn))
			cJSON_AddItemToArray(res, cJSON_CreateString(arn));
		free(arn);
	}
}

/* The zone of id in zs, added when new. */
static struct pzone *
zone_of(struct pzone **zs, size_t *n, const char *id)
{
	struct pzone	*z;
	size_t		 i;

	for (i = 0; i < *n; i++)
		if (strcmp((*zs)[i].id, id) == 0)
			return &(*zs)[i];
	z = xappend(zs, n, sizeof(**zs));
	z->id = id;
	z->names = cJSON_CreateArray();
	return z;
}

int
iam_policy_build(const struct cfg *cfg, const struct desired *desired,
    size_t ndesired, const char *const *zone_ids, const char *partition,
    struct buf *out, struct err *err)
{
	static const char *const find[] = {
		"route53:ListHostedZonesByName", NULL
	};
	static const char *const read_by_id[] = {
		"route53:GetHostedZone", "route53:ListResourceRecordSets", NULL
	};
	static const char *const read[] = {
		"route53:ListResourceRecordSets", NULL
	};
	static const char *const wait[] = { "route53:GetChange", NULL };
	cJSON_Hooks	 hooks = { xmalloc, free };
	struct pzone	*zs = NULL, *z;
	cJSON		*doc = NULL, *list, *st;
	char		*name, *text, *arn;
	size_t		 nz = 0, nses = 0, i, j;
	int		 by_name = 0, by_id = 0, rc = -1;

	if (partition == NULL)
		partition = DEFAULT_PARTITION;
	/* cJSON allocates through xmalloc(), as src/plan/json.h has it. */
	cJSON_InitHooks(&hooks);
	for (i = 0; i < cfg->ndomains; i++) {
		if (zone_ids[i] == NULL || !zone_ref_is_id(zone_ids[i])) {
			err_set(err, "domains.%s: '%s' is not a hosted zone id",
			    cfg->domains[i].name, zone_ids[i] != NULL ?
			    zone_ids[i] : "");
			goto out;
		}
		if (zone_id_of(&cfg->domains[i]) != NULL)
			by_id = 1;
		else
			by_name = 1;
	}
	for (i = 0; i < cfg->ndomains; i++)
		zone_of(&zs, &nz, zone_ids[i]);
	for (i = 0; i < ndesired; i++) {
		for (j = 0; j < cfg->ndomains; j++)
			if (&cfg->domains[j] == desired[i].domain)
				break;
		if (j == cfg->ndomains) {
			err_set(err, "'%s': not a record of the config",
			    desired[i].name);
			goto out;
		}
		z = zone_of(&zs, &nz, zone_ids[j]);
		name = normalized(desired[i].name);
		add_name(z, name);
		free(name);
		/* Every kind writes TXT.  A DKIM selector may also hold a
		 * CNAME that mailauth owns: apply deletes it when the selector
		 * becomes a key (and a key when it becomes a CNAME), so any
		 * selector needs both types. */
		z->txt = 1;
		if (desired[i].kind == RECORD_DKIM)
			z->cname = 1;
		if (desired[i].kind == RECORD_NULL_MX)
			z->mx = 1;
	}
	/* Each domain's ownership registry (mailauth/registry.h). */
	for (i = 0; i < cfg->ndomains; i++) {
		char	*canon = dns_name_canon(cfg->domains[i].name, NULL);

		z = zone_of(&zs, &nz, zone_ids[i]);
		text = registry_name(canon != NULL ? canon :
		    cfg->domains[i].name);
		name = normalized(text);
		add_name(z, name);
		z->txt = 1;
		free(name);
		free(text);
		free(canon);
	}
	for (i = 0; i < cfg->ndomains; i++)
		if (cfg->domains[i].ses.present) {
			add_ses(zone_of(&zs, &nz, zone_ids[i]),
			    &cfg->domains[i]);
			nses++;
		}

	doc = cJSON_CreateObject();
	cJSON_AddStringToObject(doc, "Version", "2012-10-17");
	list = cJSON_AddArrayToObject(doc, "Statement");
	if (by_name) {
		st = statement(list, "FindHostedZones");
		add_strings(st, "Action", find);
		cJSON_AddStringToObject(st, "Resource", "*");
	}
	if (nz > 0) {
		st = statement(list, "ReadManagedZones");
		add_strings(st, "Action", by_id ? read_by_id : read);
		add_zone_arns(st, partition, zs, nz);
	}
	for (i = 0; i < nz; i++)
		if (cJSON_GetArraySize(zs[i].names) > 0)
			change_statement(list, partition, &zs[i]);
	ses_statement(list, partition, cfg);
	if (ndesired > 0 || nses > 0) {
		st = statement(list, "WaitForInsync");
		add_strings(st, "Action", wait);
		arn = xasprintf("arn:%s:route53:::change/*", partition);
		cJSON_AddStringToObject(st, "Resource", arn);
		free(arn);
	}
	text = cJSON_Print(doc);
	buf_adds(out, text);
	buf_addc(out, '\n');
	free(text);
	rc = 0;
out:
	for (i = 0; i < nz; i++)
		cJSON_Delete(zs[i].names);
	free(zs);
	cJSON_Delete(doc);
	return rc;
}
