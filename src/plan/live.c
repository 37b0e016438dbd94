/*
 * live.c - live records: finds the hosted zone of every domain and reads
 * what Route 53 holds at every name mailauth manages.
 *
 * Only the managed names are read (ListResourceRecordSets starting at each
 * name), never the whole zone, so the request count does not grow with the
 * records mailauth does not manage.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "mailauth/route53.h"

#define ZONES_PAGE	10
#define NO_ZONE		((size_t)-1)

static int
is_zone_id(const char *s)
{
	return s[0] == 'Z' && strchr(s, '.') == NULL;
}

/* The index of the zone already known by id, or of a new entry.  Indexes,
 * not pointers: the array moves as it grows. */
static size_t
remember(struct live_state *ls, const char *id, const char *name)
{
	struct zone	*z;
	size_t		 i;

	for (i = 0; i < ls->nzones; i++)
		if (strcmp(ls->zones[i].id, id) == 0)
			return i;
	z = xappend(&ls->zones, &ls->nzones, sizeof(*ls->zones));
	z->id = xstrdup(id);
	z->name = xstrdup(name);
	return ls->nzones - 1;
}

/*
 * The zones named exactly name (canonical): 1 found (*id, *priv set),
 * 0 none, -1 on an API error.  When several match, a public one wins; two
 * public zones of one name are ambiguous (*ambiguous set).
 */
static int
zone_by_name(const struct r53_client *c, const char *name, char **id,
    int *priv, int *ambiguous, struct err *err)
{
	struct r53_zone	*zones = NULL;
	size_t		 n = 0, i;
	int		 truncated = 0, found = 0, npublic = 0;

	*id = NULL;
	*ambiguous = 0;
	if (r53_zones_by_name(c, name, ZONES_PAGE, &zones, &n, &truncated,
	    err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(zones[i].name, name) != 0)
			break;
		if (!zones[i].private_zone)
			npublic++;
		if (*id == NULL || (*priv && !zones[i].private_zone)) {
			free(*id);
			*id = xstrdup(zones[i].id);
			*priv = zones[i].private_zone;
		}
		found = 1;
	}
	*ambiguous = npublic > 1;
	r53_zones_release(zones, n);
	free(zones);
	return found;
}

static int
find_zone(const struct r53_client *c, const struct cfg *cfg,
    const struct cfg_domain *dom, struct live_state *ls,
    size_t *out, struct diags *d, struct err *err)
{
	struct r53_zone	 z;
	char		*canon = NULL, *id = NULL, *want = NULL;
	const char	*p;
	int		 rc = -1, priv = 0, ambiguous = 0, found;

	*out = NO_ZONE;
	memset(&z, 0, sizeof(z));
	canon = dns_name_canon(dom->name, err);
	if (canon == NULL)
		goto out;

	if (dom->zone != NULL && is_zone_id(dom->zone)) {
		if (r53_zone_get(c, dom->zone, &z, err) == -1) {
			if (strcmp(err->aws_code, "NoSuchHostedZone") != 0)
				goto out;
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s.zone: no hosted zone "
			    "with id '%s' (%s)", dom->name, dom->zone, err->msg);
			err_clear(err);
			rc = 0;
			goto out;
		}
		if (!dns_name_in_zone(canon, z.name)) {
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s.zone: hosted zone '%s' "
			    "is '%s', which does not contain '%s'", dom->name,
			    dom->zone, z.name, dom->name);
			rc = 0;
			goto out;
		}
		*out = remember(ls, z.id, z.name);
		rc = 0;
		goto out;
	}

	if (dom->zone != NULL) {
		if ((want = dns_name_canon(dom->zone, err)) == NULL)
			goto out;
		if (!dns_name_in_zone(canon, want)) {
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s.zone: '%s' does not "
			    "contain '%s'", dom->name, dom->zone, dom->name);
			rc = 0;
			goto out;
		}
		if ((found = zone_by_name(c, want, &id, &priv, &ambiguous,
		    err)) == -1)
			goto out;
		if (!found)
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s.zone: no hosted zone "
			    "named '%s' in this account", dom->name, dom->zone);
		else if (ambiguous)
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s.zone: several public "
			    "hosted zones are named '%s'; set zone: to the id "
			    "of the one to use", dom->name, dom->zone);
		else
			*out = remember(ls, id, want);
		rc = 0;
		goto out;
	}

	/* The longest matching public zone: try the domain, then each
	 * parent, down to two labels. */
	for (p = canon; p != NULL && strchr(p, '.') != strrchr(p, '.');
	    p = strchr(p, '.') != NULL ? strchr(p, '.') + 1 : NULL) {
		free(id);
		id = NULL;
		if ((found = zone_by_name(c, p, &id, &priv, &ambiguous,
		    err)) == -1)
			goto out;
		if (!found || priv)
			continue;
		if (ambiguous) {
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s: several public hosted "
			    "zones are named '%s'; set zone: to the id of the "
			    "one to use", dom->name, p);
			rc = 0;
			goto out;
		}
		*out = remember(ls, id, p);
		rc = 0;
		goto out;
	}
	diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line, dom->pos.col,
	    "domains.%s: no public hosted zone in this account contains "
	    "'%s'; create one, or set zone: to a hosted zone id", dom->name,
	    dom->name);
	rc = 0;
out:
	r53_zones_release(&z, 1);
	free(canon);
	free(id);
	free(want);
	return rc;
}

int
live_read(const struct r53_client *c, const struct cfg *cfg,
    const struct desired *desired, size_t ndesired, struct live_state *ls,
    struct diags *d, struct err *err)
{
	size_t	*zone_of = NULL;
	size_t	 i, j, nerrors = d->nerrors;
	int	 rc = -1;

	memset(ls, 0, sizeof(*ls));
	zone_of = xcalloc(cfg->ndomains, sizeof(*zone_of));
	/* Every zone first, so that all the domains without one are
	 * reported together and nothing is read before they are fixed. */
	for (i = 0; i < cfg->ndomains; i++)
		if (find_zone(c, cfg, &cfg->domains[i], ls, &zone_of[i], d,
		    err) == -1)
			goto out;
	if (d->nerrors > nerrors)
		goto out;

	ls->lives = xcalloc(ndesired, sizeof(*ls->lives));
	ls->nlives = ndesired;
	for (i = 0; i < ndesired; i++) {
		struct live	*l = &ls->lives[i];

		l->desired = &desired[i];
		for (j = 0; j < cfg->ndomains; j++)
			if (&cfg->domains[j] == desired[i].domain)
				l->zone = &ls->zones[zone_of[j]];
		if (r53_rrsets_at(c, l->zone->id, desired[i].name, &l->sets,
		    &l->nsets, err) == -1)
			goto out;
	}
	rc = 0;
out:
	free(zone_of);
	return rc;
}

void
live_release(struct live_state *ls)
{
	size_t	 i;

	for (i = 0; i < ls->nlives; i++)
		r53_rrsets_release(ls->lives[i].sets, ls->lives[i].nsets);
	free(ls->lives);
	for (i = 0; i < ls->nzones; i++) {
		free(ls->zones[i].id);
		free(ls->zones[i].name);
	}
	free(ls->zones);
	memset(ls, 0, sizeof(*ls));
}
