/*
 * live.c - live records: reads what Route 53 holds at every name mailauth
 * manages, in the zones zones.c finds.
 *
 * Requests are what a plan costs (Route 53 throttles them per account,
 * all operations together), so each is made once and as few as the zone
 * allows:
 *
 * - Zone lookups are shared between the domains of a zone (zones.c).
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
 * The names between a managed name and its zone's apex count as managed
 * names of the same domain (delegation.c looks for NS record sets there);
 * in Route 53's order each sorts just before the names below it, so it
 * usually shares their page.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/live.h"
#include "mailauth/route53.h"
#include "internal.h"

/* A targeted page asks for the domain's managed names plus this many
 * record sets: the apex's own types and the verification records that
 * usually sit between a domain's apex and its DKIM selectors. */
#define PAGE_SLACK	40

/* One managed name of a zone, and what is live there. */
struct wanted {
	const char		*name;		/* canonical, from a desired */
	const void		*group;		/* its domain: names of one
						 * domain are near each other */
	size_t			 siblings;	/* names of that group here */
	struct rrset		*sets;
	size_t			 nsets;
};

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

/* A name or a group and where it was: sorting these finds equal ones in
 * n log n, where comparing each with all before it took n squared. */
struct ref {
	const char	*name;
	uintptr_t	 group;
	size_t		 i;
};

static int
ref_name_cmp(const void *a, const void *b)
{
	const struct ref	*x = a, *y = b;
	int			 c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

static int
ref_group_cmp(const void *a, const void *b)
{
	const struct ref	*x = a, *y = b;

	return x->group < y->group ? -1 : x->group > y->group;
}

/* What read_zone() keeps of the sets at no managed name (struct
 * live_other); NULL for live_read_names(). */
struct extra {
	struct rrset	*sets;
	size_t		 n;
};

/* 1 for a TXT or CNAME set at _dmarc.X or X._domainkey.Y. */
static int
looks_managed(const struct rrset *rs)
{
	const char	*dot;

	if (strcmp(rs->type, "TXT") != 0 && strcmp(rs->type, "CNAME") != 0)
		return 0;
	if (strncmp(rs->name, "_dmarc.", 7) == 0)
		return 1;
	return (dot = strchr(rs->name, '.')) != NULL &&
	    strncmp(dot + 1, "_domainkey.", 11) == 0;
}

/* Moves the page's record sets at managed names to them, in order, and
 * those of the others that look managed to x (may be NULL). */
static void
take_sets(struct r53_rrsets_page *pg, struct wanted *w, size_t n,
    struct extra *x)
{
	struct wanted	*t;
	size_t		 i;

	for (i = 0; i < pg->nsets; i++) {
		if ((t = wanted_find(w, n, pg->sets[i].name)) == NULL) {
			if (x == NULL || !looks_managed(&pg->sets[i]))
				continue;
			*(struct rrset *)xappend(&x->sets, &x->n,
			    sizeof(*x->sets)) = pg->sets[i];
			memset(&pg->sets[i], 0, sizeof(pg->sets[i]));
			continue;
		}
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
    size_t n, struct extra *x, struct err *err)
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
		take_sets(&pg, w, n, x);
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
    struct wanted *w, size_t n, struct extra *x, struct err *err)
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
		take_sets(&pg, w, n, x);
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
 * Reads the n names w (unsorted, distinct) of zone z, choosing the cheaper
 * way: the whole zone when count (its ResourceRecordSetCount, or -1 when
 * unknown) says that costs no more requests than one per group, else
 * targeted pages.  Sorts w.
 */
static int
read_wanted(const struct r53_client *c, const struct zone *z, long count,
    struct wanted *w, size_t n, struct extra *x, struct err *err)
{
	struct ref	*r;
	size_t		 i, j, k, ngroups = 0;
	int		 got;

	/* Runs of one group after sorting: its siblings, one group each. */
	r = xcalloc(n, sizeof(*r));
	for (i = 0; i < n; i++) {
		r[i].group = (uintptr_t)w[i].group;
		r[i].i = i;
	}
	qsort(r, n, sizeof(*r), ref_group_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && r[j].group == r[i].group; j++)
			;
		ngroups++;
		for (k = i; k < j; k++)
			w[r[k].i].siblings = j - i;
	}
	free(r);
	qsort(w, n, sizeof(*w), wanted_cmp);
	if (count >= 0 && (size_t)(count + R53_RRSETS_PAGE_MAX - 1) /
	    R53_RRSETS_PAGE_MAX <= ngroups)
		got = read_full(c, z, w, n, x, err);
	else if ((got = read_targeted(c, z, w, n, x, err)) == 1)
		got = read_each(c, z, w, n, err);
	return got == -1 ? -1 : 0;
}

static int
read_names(const struct r53_client *c, const struct zone *z, long count,
    const char *const *names, const void *const *groups, size_t n,
    struct rrset **sets, size_t *nsets, struct extra *x, struct err *err)
{
	struct wanted	*w = NULL, *t;
	struct ref	*r = NULL;
	size_t		 i, nw = 0, k;
	int		 rc = -1;

	/* Each name once, with the group of its first mention. */
	if (n > 0) {
		r = xcalloc(n, sizeof(*r));
		w = xcalloc(n, sizeof(*w));
	}
	for (i = 0; i < n; i++) {
		sets[i] = NULL;
		nsets[i] = 0;
		r[i].name = names[i];
		r[i].i = i;
	}
	if (n > 0)
		qsort(r, n, sizeof(*r), ref_name_cmp);
	for (i = 0; i < n; i++) {
		if (i > 0 && strcmp(r[i].name, r[i - 1].name) == 0)
			continue;
		t = &w[nw++];
		t->name = names[r[i].i];
		t->group = groups != NULL ? groups[r[i].i] : NULL;
	}
	free(r);
	if (nw > 0 && read_wanted(c, z, count, w, nw, x, err) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		t = wanted_find(w, nw, names[i]);
		for (k = 0; k < t->nsets; k++)
			rrset_copy(xappend(&sets[i], &nsets[i],
			    sizeof(*sets[i])), &t->sets[k]);
	}
	rc = 0;
out:
	if (rc == -1)
		for (i = 0; i < n; i++) {
			r53_rrsets_release(sets[i], nsets[i]);
			sets[i] = NULL;
			nsets[i] = 0;
		}
	wanted_release(w, nw);
	return rc;
}

int
live_read_names(const struct r53_client *c, const struct zone *z,
    long count, const char *const *names, const void *const *groups,
    size_t n, struct rrset **sets, size_t *nsets, struct err *err)
{
	return read_names(c, z, count, names, groups, n, sets, nsets, NULL,
	    err);
}

/* The names strictly between name and the apex of zone z, nearest first,
 * as pointers into name (canonical, in z): where an NS record set would
 * delegate name away from z.  Returns how many were put in out, which has
 * room for the labels of name. */
static size_t
between(const char *name, const struct zone *z, const char **out)
{
	const char	*p = name;
	size_t		 n = 0;

	while ((p = strchr(p, '.')) != NULL && *++p != '\0' &&
	    strcmp(p, z->name) != 0 && dns_name_in_zone(p, z->name))
		out[n++] = p;
	return n;
}

/* Labels of a canonical name, an upper bound of between()'s count. */
static size_t
labels(const char *name)
{
	size_t	 n = 0;

	for (; *name != '\0'; name++)
		n += *name == '.';
	return n;
}

/*
 * Reads the names of the lives in zone zi, and the names between each of
 * them and the apex, which only an NS record set there matters at (read in
 * the same pages: they sort just before the names below them), gives
 * each live a copy of the record sets at its name, and refuses in d the
 * domains delegated elsewhere.
 */
static int
read_zone(const struct r53_client *c, const struct cfg *cfg,
    struct live_state *ls, const long *counts, size_t zi,
    const size_t *in_zone, size_t nin, struct diags *d, struct err *err)
{
	const struct zone	 *z = &ls->zones[zi];
	const char		**names = NULL;
	const void		**groups = NULL;
	struct live		**lives = NULL;
	struct rrset		**sets;
	struct extra		  x = { NULL, 0 };
	struct live_other	 *o;
	size_t			 *nsets;
	size_t			  n = 0, nlives, i, k, m;
	int			  rc;

	for (i = 0; i < nin; i++)
		n += 1 + labels(ls->lives[in_zone[i]].desired->name);
	names = xcalloc(n + 1, sizeof(*names));
	groups = xcalloc(n + 1, sizeof(*groups));
	lives = xcalloc(n + 1, sizeof(*lives));
	sets = xcalloc(n + 1, sizeof(*sets));
	nsets = xcalloc(n + 1, sizeof(*nsets));
	n = 0;
	for (i = 0; i < nin; i++) {
		lives[n] = &ls->lives[in_zone[i]];
		names[n] = lives[n]->desired->name;
		groups[n] = lives[n]->desired->domain;
		n++;
	}
	nlives = n;
	for (i = 0; i < nlives; i++) {
		m = between(names[i], z, &names[n]);
		for (k = 0; k < m; k++)
			groups[n + k] = groups[i];
		n += m;
	}
	rc = read_names(c, z, counts[zi], names, groups, n, sets, nsets, &x,
	    err);
	for (i = 0; i < x.n; i++) {
		o = xappend(&ls->others, &ls->nothers, sizeof(*ls->others));
		o->zone = z;
		o->set = x.sets[i];
	}
	free(x.sets);
	if (rc == 0)
		delegation_refuse(cfg, z, names, groups, sets, nsets, n, d);
	for (i = 0; i < nlives; i++) {
		lives[i]->sets = sets[i];
		lives[i]->nsets = nsets[i];
	}
	for (; i < n; i++)
		r53_rrsets_release(sets[i], nsets[i]);
	free(names);
	free(groups);
	free(lives);
	free(sets);
	free(nsets);
	return rc;
}

/* Reads what lies below below[i] in the zone of each domain i that asks. */
static int
read_belows(const struct r53_client *c, const struct cfg *cfg,
    const char *const *below, const size_t *zone_of, struct live_state *ls,
    struct err *err)
{
	struct live_below	*b;
	size_t			 i;

	for (i = 0; i < cfg->ndomains; i++) {
		if (below[i] == NULL)
			continue;
		b = xappend(&ls->belows, &ls->nbelows, sizeof(*ls->belows));
		b->domain = &cfg->domains[i];
		b->zone = &ls->zones[zone_of[i]];
		b->name = xstrdup(below[i]);
		if (live_read_below(c, b->zone, b->name, &b->sets, &b->nsets,
		    err) == -1)
			return -1;
	}
	return 0;
}

/* The index in cfg->domains of dom, which points into it; cfg->ndomains
 * when it does not. */
static size_t
domain_index(const struct cfg *cfg, const struct cfg_domain *dom)
{
	uintptr_t	 p = (uintptr_t)dom, b = (uintptr_t)cfg->domains;

	if (p < b || (p - b) % sizeof(*dom) != 0 ||
	    (p - b) / sizeof(*dom) >= cfg->ndomains)
		return cfg->ndomains;
	return (p - b) / sizeof(*dom);
}

int
live_read(const struct r53_client *c, const struct cfg *cfg,
    const struct desired *desired, size_t ndesired,
    const char *const *below, struct live_state *ls, struct diags *d,
    struct err *err)
{
	struct subzone	*subs = NULL;
	size_t		*zone_of = NULL, *start = NULL, *order = NULL;
	long		*counts = NULL;
	size_t		 i, j, nsubs = 0, nerrors = d->nerrors;
	int		 rc = -1;

	memset(ls, 0, sizeof(*ls));
	zone_of = xcalloc(cfg->ndomains, sizeof(*zone_of));
	/* Every zone first, so that all the domains without one are
	 * reported together and nothing is read before they are fixed. */
	if (zones_find(c, cfg, ls, zone_of, &counts, &subs, &nsubs, d,
	    err) == -1 || d->nerrors > nerrors)
		goto out;

	ls->lives = xcalloc(ndesired, sizeof(*ls->lives));
	ls->nlives = ndesired;
	/* Each live's zone, then the lives zone by zone in their order (a
	 * counting sort): matching every live with every domain, or every
	 * zone with every live, grew with their product. */
	start = xcalloc(ls->nzones + 1, sizeof(*start));
	order = xcalloc(ndesired + 1, sizeof(*order));
	for (i = 0; i < ndesired; i++) {
		ls->lives[i].desired = &desired[i];
		if ((j = domain_index(cfg, desired[i].domain)) < cfg->ndomains) {
			ls->lives[i].zone = &ls->zones[zone_of[j]];
			start[zone_of[j] + 1]++;
		}
	}
	for (i = 0; i < ls->nzones; i++)
		start[i + 1] += start[i];
	for (i = 0; i < ndesired; i++)
		if (ls->lives[i].zone != NULL)
			order[start[ls->lives[i].zone - ls->zones]++] = i;
	for (i = ls->nzones; i > 0; i--)
		start[i] = start[i - 1];
	start[0] = 0;
	for (i = 0; i < ls->nzones; i++)
		if (read_zone(c, cfg, ls, counts, i, &order[start[i]],
		    start[i + 1] - start[i], d, err) == -1)
			goto out;
	if (delegation_subzones(c, cfg, ls, subs, nsubs, d, err) == -1 ||
	    d->nerrors > nerrors)
		goto out;
	if (below != NULL && read_belows(c, cfg, below, zone_of, ls,
	    err) == -1)
		goto out;
	rc = 0;
out:
	subzones_release(subs, nsubs);
	free(counts);
	free(zone_of);
	free(start);
	free(order);
	return rc;
}

void
live_release(struct live_state *ls)
{
	size_t	 i;

	for (i = 0; i < ls->nlives; i++)
		r53_rrsets_release(ls->lives[i].sets, ls->lives[i].nsets);
	free(ls->lives);
	for (i = 0; i < ls->nbelows; i++) {
		free(ls->belows[i].name);
		r53_rrsets_release(ls->belows[i].sets, ls->belows[i].nsets);
	}
	free(ls->belows);
	for (i = 0; i < ls->nothers; i++)
		rrset_release(&ls->others[i].set);
	free(ls->others);
	for (i = 0; i < ls->nzones; i++) {
		free(ls->zones[i].id);
		free(ls->zones[i].name);
	}
	free(ls->zones);
	memset(ls, 0, sizeof(*ls));
}

/* 1 when canon is below (not equal to) the canonical name top. */
static int
strictly_below(const char *canon, const char *top)
{
	return strcmp(canon, top) != 0 && dns_name_in_zone(canon, top);
}

/* Moves the page's record sets below top to *sets. */
static void
take_below(struct r53_rrsets_page *pg, const char *top, struct rrset **sets,
    size_t *nsets)
{
	size_t	 i;

	for (i = 0; i < pg->nsets; i++) {
		if (!strictly_below(pg->sets[i].name, top))
			continue;
		*(struct rrset *)xappend(sets, nsets, sizeof(**sets)) =
		    pg->sets[i];
		memset(&pg->sets[i], 0, sizeof(pg->sets[i]));
	}
}

int
live_read_below(const struct r53_client *c, const struct zone *z,
    const char *name, struct rrset **sets, size_t *nsets, struct err *err)
{
	struct r53_rrsets_page	 pg;
	struct start		 s;
	char			*what;
	size_t			 pages;
	int			 whole = 0, rc = -1;

	*sets = NULL;
	*nsets = 0;
	memset(&pg, 0, sizeof(pg));
	memset(&s, 0, sizeof(s));
	what = xasprintf("'%s'", name);
	s.name = xstrdup(name);
	for (pages = 0; ; pages++) {
		if (pages == (whole ? ZONE_PAGES_MAX : NAME_PAGES_MAX)) {
			err_set(err, "Route 53 ListResourceRecordSets: more "
			    "than %d pages of record sets below %s",
			    pages == ZONE_PAGES_MAX ? ZONE_PAGES_MAX :
			    NAME_PAGES_MAX, what);
			goto out;
		}
		if (r53_rrsets_page(c, z->id, s.name, s.type, s.ident,
		    R53_RRSETS_PAGE_MAX, &pg, err) == -1)
			goto out;
		if (!whole && !page_in_order(&pg, name)) {
			/* Another order than Route 53's: read it all. */
			r53_rrsets_release(*sets, *nsets);
			*sets = NULL;
			*nsets = 0;
			r53_rrsets_page_release(&pg);
			start_release(&s);
			whole = 1;
			pages = (size_t)-1;
			continue;
		}
		take_below(&pg, name, sets, nsets);
		if (!pg.truncated)
			break;
		/* Past the subtree: nothing below name follows. */
		if (!whole && !strictly_below(pg.next_name, name) &&
		    dns_name_cmp(pg.next_name, name) > 0)
			break;
		if (start_advance(&s, &pg, what, err) == -1)
			goto out;
		r53_rrsets_page_release(&pg);
	}
	rc = 0;
out:
	if (rc == -1) {
		r53_rrsets_release(*sets, *nsets);
		*sets = NULL;
		*nsets = 0;
	}
	r53_rrsets_page_release(&pg);
	start_release(&s);
	free(what);
	return rc;
}

