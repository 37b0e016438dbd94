/*
 * live.c - live records: finds the hosted zone of every domain and reads
 * what Route 53 holds at every name mailauth manages.
 *
 * Requests are what a plan costs (Route 53 throttles them per account,
 * all operations together), so each is made once and as few as the zone
 * allows:
 *
 * - Zone lookups are shared: each ListHostedZonesByName query and each
 *   GetHostedZone is sent once per run, whatever number of domains needs
 *   it.
 * - Per zone, the managed names are read one of two ways, whichever costs
 *   fewer requests.  Targeted: ListResourceRecordSets pages from each
 *   domain's apex.  In Route 53's order (dns_name_cmp) a domain's apex,
 *   _dmarc and S._domainkey names are usually close together, so one page
 *   covers the domain; a page that ends in unrelated records before the
 *   next managed name is not followed: the next page starts at that name.
 *   The requests are then at most one per managed name (plus one per
 *   further page of a name with more record sets than a page holds),
 *   however many unrelated records the zone has.  Full: the whole zone,
 *   R53_RRSETS_PAGE_MAX record sets a page, chosen when the zone's
 *   ResourceRecordSetCount (which came with the zone lookup) says that
 *   takes no more requests than one per domain of the zone.
 *
 * Either way, each managed name gets exactly the record sets
 * r53_rrsets_at() would give: every type at that name, in Route 53's order.
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
/* A targeted page asks for the domain's managed names plus this many
 * record sets: the apex's own types and the verification records that
 * usually sit between a domain's apex and its DKIM selectors. */
#define PAGE_SLACK	40
/* Pages of one name (or of a whole zone) before giving up on a server
 * that never ends its list. */
#define NAME_PAGES_MAX	100
#define ZONE_PAGES_MAX	1000

/* A zone lookup's answer, kept for the whole run. */
struct lookup {
	char		*key;		/* canonical name, or zone id */
	int		 by_id;
	struct r53_zone	*zones;		/* by name: the page; by id: one */
	size_t		 nzones;
	int		 failed;	/* by id: GetHostedZone failed with err */
	struct err	 err;
};

struct reader {
	const struct r53_client	*c;
	struct live_state	*ls;
	long			*counts;	/* parallel to ls->zones: record
						 * sets in the zone, -1 unknown */
	struct lookup		*lookups;
	size_t			 nlookups;
};

/* One managed name of a zone, and what is live there. */
struct wanted {
	const char		*name;		/* canonical, from a desired */
	const struct cfg_domain	*domain;	/* the first that wants it */
	size_t			 siblings;	/* names of that domain here */
	struct rrset		*sets;
	size_t			 nsets;
};

static int
is_zone_id(const char *s)
{
	return s[0] == 'Z' && strchr(s, '.') == NULL;
}

static void
lookups_release(struct reader *r)
{
	size_t	 i;

	for (i = 0; i < r->nlookups; i++) {
		free(r->lookups[i].key);
		r53_zones_release(r->lookups[i].zones, r->lookups[i].nzones);
		free(r->lookups[i].zones);
	}
	free(r->lookups);
	r->lookups = NULL;
	r->nlookups = 0;
}

static struct lookup *
lookup_find(struct reader *r, const char *key, int by_id)
{
	size_t	 i;

	for (i = 0; i < r->nlookups; i++)
		if (r->lookups[i].by_id == by_id &&
		    strcmp(r->lookups[i].key, key) == 0)
			return &r->lookups[i];
	return NULL;
}

/* ListHostedZonesByName from name (canonical), once per run.  The result
 * is owned by r. */
static int
zones_from(struct reader *r, const char *name, const struct r53_zone **zones,
    size_t *n, struct err *err)
{
	struct lookup	*l;
	struct r53_zone	*z = NULL;
	size_t		 nz = 0;
	int		 truncated;

	if ((l = lookup_find(r, name, 0)) == NULL) {
		if (r53_zones_by_name(r->c, name, ZONES_PAGE, &z, &nz,
		    &truncated, err) == -1)
			return -1;
		l = xappend(&r->lookups, &r->nlookups, sizeof(*r->lookups));
		l->key = xstrdup(name);
		l->zones = z;
		l->nzones = nz;
	}
	*zones = l->zones;
	*n = l->nzones;
	return 0;
}

/* GetHostedZone of id, once per run, its failure included. */
static int
zone_with_id(struct reader *r, const char *id, const struct r53_zone **zone,
    struct err *err)
{
	struct lookup	*l;
	struct r53_zone	 z;

	if ((l = lookup_find(r, id, 1)) == NULL) {
		if (r53_zone_get(r->c, id, &z, err) == -1 &&
		    strcmp(err->aws_code, "NoSuchHostedZone") != 0)
			return -1;
		l = xappend(&r->lookups, &r->nlookups, sizeof(*r->lookups));
		l->key = xstrdup(id);
		l->by_id = 1;
		if (z.id == NULL) {
			l->failed = 1;
			l->err = *err;
		} else {
			l->zones = xcalloc(1, sizeof(*l->zones));
			*l->zones = z;
			l->nzones = 1;
		}
	}
	if (l->failed) {
		*err = l->err;
		return -1;
	}
	*zone = l->zones;
	return 0;
}

/* The index of the zone already known by id, or of a new entry.  Indexes,
 * not pointers: the array moves as it grows. */
static size_t
remember(struct reader *r, const char *id, const char *name, long count)
{
	struct live_state	*ls = r->ls;
	struct zone		*z;
	size_t			 i, n;

	for (i = 0; i < ls->nzones; i++)
		if (strcmp(ls->zones[i].id, id) == 0) {
			if (r->counts[i] < 0)
				r->counts[i] = count;
			return i;
		}
	n = ls->nzones;
	z = xappend(&ls->zones, &ls->nzones, sizeof(*ls->zones));
	z->id = xstrdup(id);
	z->name = xstrdup(name);
	*(long *)xappend(&r->counts, &n, sizeof(*r->counts)) = count;
	return ls->nzones - 1;
}

/*
 * The zones named exactly name (canonical): 1 found (*zone set, borrowed
 * from r), 0 none, -1 on an API error.  When several match, a public one
 * wins; two public zones of one name are ambiguous (*ambiguous set).
 */
static int
zone_by_name(struct reader *r, const char *name, const struct r53_zone **zone,
    int *ambiguous, struct err *err)
{
	const struct r53_zone	*zones;
	size_t			 n, i;
	int			 npublic = 0;

	*zone = NULL;
	*ambiguous = 0;
	if (zones_from(r, name, &zones, &n, err) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (strcmp(zones[i].name, name) != 0)
			break;
		if (!zones[i].private_zone)
			npublic++;
		if (*zone == NULL || ((*zone)->private_zone &&
		    !zones[i].private_zone))
			*zone = &zones[i];
	}
	*ambiguous = npublic > 1;
	return *zone != NULL;
}

static int
find_zone(struct reader *r, const struct cfg *cfg,
    const struct cfg_domain *dom, size_t *out, struct diags *d,
    struct err *err)
{
	const struct r53_zone	*z;
	char			*canon = NULL, *want = NULL;
	const char		*p;
	int			 rc = -1, ambiguous = 0, found;

	*out = NO_ZONE;
	canon = dns_name_canon(dom->name, err);
	if (canon == NULL)
		goto out;

	if (dom->zone != NULL && is_zone_id(dom->zone)) {
		if (zone_with_id(r, dom->zone, &z, err) == -1) {
			if (strcmp(err->aws_code, "NoSuchHostedZone") != 0)
				goto out;
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s.zone: no hosted zone "
			    "with id '%s' (%s)", dom->name, dom->zone, err->msg);
			err_clear(err);
			rc = 0;
			goto out;
		}
		if (!dns_name_in_zone(canon, z->name)) {
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s.zone: hosted zone '%s' "
			    "is '%s', which does not contain '%s'", dom->name,
			    dom->zone, z->name, dom->name);
			rc = 0;
			goto out;
		}
		*out = remember(r, z->id, z->name, z->record_count);
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
		if ((found = zone_by_name(r, want, &z, &ambiguous, err)) == -1)
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
			*out = remember(r, z->id, want, z->record_count);
		rc = 0;
		goto out;
	}

	/* The longest matching public zone: try the domain, then each
	 * parent, down to two labels. */
	for (p = canon; p != NULL && strchr(p, '.') != strrchr(p, '.');
	    p = strchr(p, '.') != NULL ? strchr(p, '.') + 1 : NULL) {
		if ((found = zone_by_name(r, p, &z, &ambiguous, err)) == -1)
			goto out;
		if (!found || z->private_zone)
			continue;
		if (ambiguous) {
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s: several public hosted "
			    "zones are named '%s'; set zone: to the id of the "
			    "one to use", dom->name, p);
			rc = 0;
			goto out;
		}
		*out = remember(r, z->id, p, z->record_count);
		rc = 0;
		goto out;
	}
	diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line, dom->pos.col,
	    "domains.%s: no public hosted zone in this account contains "
	    "'%s'; create one, or set zone: to a hosted zone id", dom->name,
	    dom->name);
	rc = 0;
out:
	free(canon);
	free(want);
	return rc;
}

/* --- reading the managed names of one zone --- */

static int
wanted_cmp(const void *a, const void *b)
{
	return dns_name_cmp(((const struct wanted *)a)->name,
	    ((const struct wanted *)b)->name);
}

static void
wanted_release(struct wanted *w, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		r53_rrsets_release(w[i].sets, w[i].nsets);
	free(w);
}

/* The managed name equal to name, or NULL; w is in Route 53's order. */
static struct wanted *
wanted_find(struct wanted *w, size_t n, const char *name)
{
	size_t	 lo = 0, hi = n, mid;
	int	 c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if ((c = dns_name_cmp(name, w[mid].name)) == 0)
			return strcmp(name, w[mid].name) == 0 ? &w[mid] : NULL;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* Moves the page's record sets at managed names to them, in order. */
static void
take_sets(struct r53_rrsets_page *pg, struct wanted *w, size_t n)
{
	struct wanted	*t;
	size_t		 i;

	for (i = 0; i < pg->nsets; i++) {
		if ((t = wanted_find(w, n, pg->sets[i].name)) == NULL)
			continue;
		*(struct rrset *)xappend(&t->sets, &t->nsets,
		    sizeof(*t->sets)) = pg->sets[i];
		memset(&pg->sets[i], 0, sizeof(pg->sets[i]));
	}
}

static int
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Where a listing goes on: the next page's start.  name NULL: the zone's
 * first record set. */
struct start {
	char	*name;
	char	*type;
	char	*ident;
};

static void
start_release(struct start *s)
{
	free(s->name);
	free(s->type);
	free(s->ident);
	memset(s, 0, sizeof(*s));
}

/* Makes the page's Next* the new start; -1 when it is the start it was
 * asked from, which would never end. */
static int
start_advance(struct start *s, struct r53_rrsets_page *pg, const char *what,
    struct err *err)
{
	if (streq_null(pg->next_name, s->name) &&
	    streq_null(pg->next_type, s->type) &&
	    streq_null(pg->next_identifier, s->ident))
		return err_set(err, "Route 53 ListResourceRecordSets: the "
		    "listing of %s does not advance", what);
	start_release(s);
	s->name = pg->next_name;
	s->type = pg->next_type;
	s->ident = pg->next_identifier;
	pg->next_name = pg->next_type = pg->next_identifier = NULL;
	return 0;
}

/* Every record set of the zone, R53_RRSETS_PAGE_MAX a page. */
static int
read_full(const struct r53_client *c, const struct zone *z, struct wanted *w,
    size_t n, struct err *err)
{
	struct r53_rrsets_page	 pg;
	struct start		 s;
	char			*what;
	size_t			 pages;
	int			 rc = -1;

	memset(&pg, 0, sizeof(pg));
	memset(&s, 0, sizeof(s));
	what = xasprintf("zone '%s'", z->name);
	for (pages = 0; ; pages++) {
		if (pages == ZONE_PAGES_MAX) {
			err_set(err, "Route 53 ListResourceRecordSets: more "
			    "than %d pages of record sets in %s",
			    ZONE_PAGES_MAX, what);
			goto out;
		}
		if (r53_rrsets_page(c, z->id, s.name, s.type, s.ident,
		    R53_RRSETS_PAGE_MAX, &pg, err) == -1)
			goto out;
		take_sets(&pg, w, n);
		if (!pg.truncated)
			break;
		if (start_advance(&s, &pg, what, err) == -1)
			goto out;
		r53_rrsets_page_release(&pg);
	}
	rc = 0;
out:
	r53_rrsets_page_release(&pg);
	start_release(&s);
	free(what);
	return rc;
}

/* 1 when the page is in the order dns_name_cmp() expects, from start. */
static int
page_in_order(const struct r53_rrsets_page *pg, const char *start)
{
	const char	*prev = start;
	size_t		 i;

	for (i = 0; i < pg->nsets; i++) {
		if (dns_name_cmp(prev, pg->sets[i].name) > 0)
			return 0;
		prev = pg->sets[i].name;
	}
	return !pg->truncated || dns_name_cmp(prev, pg->next_name) <= 0;
}

static int
page_size(const struct wanted *w)
{
	size_t	 n = PAGE_SLACK + w->siblings;

	return n < R53_RRSETS_PAGE_MAX ? (int)n : R53_RRSETS_PAGE_MAX;
}

/*
 * Pages from each managed name not yet read: a page settles every managed
 * name below its Next name.  When it ends inside the record sets of a
 * managed name, the listing goes on from there; when it ends before the
 * next managed name, the next page starts at that name instead of walking
 * through whatever lies between.  Returns 1, having read nothing it keeps,
 * when Route 53 lists in another order than dns_name_cmp() says.
 */
static int
read_targeted(const struct r53_client *c, const struct zone *z,
    struct wanted *w, size_t n, struct err *err)
{
	struct r53_rrsets_page	 pg;
	struct start		 s;
	char			*what = NULL;
	size_t			 k = 0, pages = 0;
	int			 rc = -1;

	memset(&pg, 0, sizeof(pg));
	memset(&s, 0, sizeof(s));
	while (k < n) {
		if (s.name == NULL) {
			s.name = xstrdup(w[k].name);
			pages = 0;
		}
		if (++pages > NAME_PAGES_MAX) {
			err_set(err, "Route 53 ListResourceRecordSets: more "
			    "than %d pages of record sets at '%s'",
			    NAME_PAGES_MAX, w[k].name);
			goto out;
		}
		if (r53_rrsets_page(c, z->id, s.name, s.type, s.ident,
		    page_size(&w[k]), &pg, err) == -1)
			goto out;
		if (!page_in_order(&pg, s.name)) {
			rc = 1;
			goto out;
		}
		take_sets(&pg, w, n);
		if (!pg.truncated)
			break;
		while (k < n && dns_name_cmp(w[k].name, pg.next_name) < 0)
			k++;
		if (k < n && strcmp(w[k].name, pg.next_name) == 0) {
			free(what);
			what = xasprintf("'%s'", w[k].name);
			if (start_advance(&s, &pg, what, err) == -1)
				goto out;
		} else
			start_release(&s);
		r53_rrsets_page_release(&pg);
	}
	rc = 0;
out:
	r53_rrsets_page_release(&pg);
	start_release(&s);
	free(what);
	return rc;
}

/* Each managed name on its own, for a server whose order is not the one
 * dns_name_cmp() expects. */
static int
read_each(const struct r53_client *c, const struct zone *z, struct wanted *w,
    size_t n, struct err *err)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		r53_rrsets_release(w[i].sets, w[i].nsets);
		w[i].sets = NULL;
		w[i].nsets = 0;
		if (r53_rrsets_at(c, z->id, w[i].name, &w[i].sets,
		    &w[i].nsets, err) == -1)
			return -1;
	}
	return 0;
}

/*
 * Reads the names of the lives in zone zi, choosing the cheaper way, and
 * gives each live a copy of the record sets at its name.
 */
static int
read_zone(const struct reader *r, size_t zi, struct err *err)
{
	const struct zone	*z = &r->ls->zones[zi];
	struct live		*l;
	struct wanted		*w = NULL, *t;
	const struct cfg_domain	**doms = NULL;
	size_t			 n = 0, ndoms = 0, i, j, k;
	long			 count = r->counts[zi];
	int			 rc = -1, got;

	for (i = 0; i < r->ls->nlives; i++) {
		l = &r->ls->lives[i];
		if (l->zone != z)
			continue;
		for (j = 0; j < n; j++)
			if (strcmp(w[j].name, l->desired->name) == 0)
				break;
		if (j == n) {
			t = xappend(&w, &n, sizeof(*w));
			t->name = l->desired->name;
			t->domain = l->desired->domain;
		}
		for (j = 0; j < ndoms; j++)
			if (doms[j] == l->desired->domain)
				break;
		if (j == ndoms)
			*(const struct cfg_domain **)xappend(&doms, &ndoms,
			    sizeof(*doms)) = l->desired->domain;
	}
	if (n == 0) {
		rc = 0;
		goto out;
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			if (w[j].domain == w[i].domain)
				w[i].siblings++;
	qsort(w, n, sizeof(*w), wanted_cmp);

	if (count >= 0 && (size_t)(count + R53_RRSETS_PAGE_MAX - 1) /
	    R53_RRSETS_PAGE_MAX <= ndoms)
		got = read_full(r->c, z, w, n, err);
	else if ((got = read_targeted(r->c, z, w, n, err)) == 1)
		got = read_each(r->c, z, w, n, err);
	if (got == -1)
		goto out;

	for (i = 0; i < r->ls->nlives; i++) {
		l = &r->ls->lives[i];
		if (l->zone != z)
			continue;
		t = wanted_find(w, n, l->desired->name);
		for (k = 0; k < t->nsets; k++)
			rrset_copy(xappend(&l->sets, &l->nsets,
			    sizeof(*l->sets)), &t->sets[k]);
	}
	rc = 0;
out:
	wanted_release(w, n);
	free(doms);
	return rc;
}

int
live_read(const struct r53_client *c, const struct cfg *cfg,
    const struct desired *desired, size_t ndesired, struct live_state *ls,
    struct diags *d, struct err *err)
{
	struct reader	 r;
	size_t		*zone_of = NULL;
	size_t		 i, j, nerrors = d->nerrors;
	int		 rc = -1;

	memset(ls, 0, sizeof(*ls));
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.ls = ls;
	zone_of = xcalloc(cfg->ndomains, sizeof(*zone_of));
	/* Every zone first, so that all the domains without one are
	 * reported together and nothing is read before they are fixed. */
	for (i = 0; i < cfg->ndomains; i++)
		if (find_zone(&r, cfg, &cfg->domains[i], &zone_of[i], d,
		    err) == -1)
			goto out;
	if (d->nerrors > nerrors)
		goto out;

	ls->lives = xcalloc(ndesired, sizeof(*ls->lives));
	ls->nlives = ndesired;
	for (i = 0; i < ndesired; i++) {
		ls->lives[i].desired = &desired[i];
		for (j = 0; j < cfg->ndomains; j++)
			if (&cfg->domains[j] == desired[i].domain)
				ls->lives[i].zone = &ls->zones[zone_of[j]];
	}
	for (i = 0; i < ls->nzones; i++)
		if (read_zone(&r, i, err) == -1)
			goto out;
	rc = 0;
out:
	lookups_release(&r);
	free(r.counts);
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
