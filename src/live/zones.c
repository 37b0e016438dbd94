/*
 * zones.c - zone discovery: finds the hosted zone of every domain with as
 * few requests as the account allows (see live.c for what a plan costs).
 *
 * Zone lookups are shared, and made before any domain is answered
 * (prefetch()): every name a domain may need (its own and each parent
 * down to two labels, or its zone: name) is looked up in Route 53's order
 * of zones (zone_cmp()), each with ListHostedZonesByName from that name
 * unless a listing already made holds it.  A listing from a name lists the
 * account's zones from that name on, so a page in that order holds every
 * zone from where it starts up to the first zone of the next page
 * (NextDNSName): the names on that stretch need no request of their own.
 * A listing that cannot show where it ends is not trusted (see
 * listing_holds()): then the account's first page takes its place when it
 * holds every zone, or else each name is looked up on its own.  Either way
 * each name gets exactly the zones of that name.  A domain without zone:
 * then gets the longest public zone among its name and its parents.
 *
 * A private zone is never chosen by name and is refused when zone: names
 * it.  For live_read(), each zone found then gets the nearest public zone
 * above it from the same lookups, and its name servers (GetHostedZone),
 * for delegation.c.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/live.h"
#include "mailauth/route53.h"
#include "mailauth/zoneref.h"
#include "internal.h"

#define ZONES_PAGE	R53_ZONES_PAGE_MAX
#define NO_ZONE		((size_t)-1)

/* A GetHostedZone answer, its failure included, kept for the whole run. */
struct lookup {
	char		*id;
	struct r53_zone	 zone;		/* zone.id NULL when failed */
	struct err	 err;		/* why it failed */
};

/* What a listing holds in full: every zone... */
enum holds {
	HOLDS_NAME,		/* ...of the name it is from */
	HOLDS_RANGE,		/* ...from that name up to the next page's
				 * first zone (or on to the end) */
	HOLDS_ALL		/* ...of the account */
};

/*
 * A ListHostedZonesByName listing from a name (or from the account's first
 * zone), its pages joined in the order Route 53 sent them, kept for the
 * whole run.
 */
struct listing {
	char		*from;		/* canonical; NULL: the first zone */
	struct r53_zone	*zones;
	size_t		 nzones;
	int		 truncated;	/* more zones follow the last */
	char		*next;		/* NextDNSName when truncated, or
					 * NULL */
	enum holds	 holds;
};

struct reader {
	const struct r53_client	*c;
	struct live_state	*ls;
	long			*counts;	/* parallel to ls->zones: record
						 * sets in the zone, -1 unknown */
	struct lookup		*lookups;
	size_t			 nlookups;
	struct listing		*listings;
	size_t			 nlistings;
	int			 account_read;	/* its first page asked for */
	char			**wanted;	/* prefetch(): the names to look
						 * up, in zone_cmp order */
	size_t			 nwanted, iwanted;
};

/* One managed name of a zone, and what is live there. */

static void
lookups_release(struct reader *r)
{
	size_t	 i;

	for (i = 0; i < r->nlookups; i++) {
		free(r->lookups[i].id);
		r53_zones_release(&r->lookups[i].zone, 1);
	}
	free(r->lookups);
	r->lookups = NULL;
	r->nlookups = 0;
	for (i = 0; i < r->nlistings; i++) {
		free(r->listings[i].from);
		free(r->listings[i].next);
		r53_zones_release(r->listings[i].zones, r->listings[i].nzones);
		free(r->listings[i].zones);
	}
	free(r->listings);
	r->listings = NULL;
	r->nlistings = 0;
}

/*
 * Route 53's order of hosted zone names (ListHostedZonesByName): the name
 * with its labels reversed and a dot after each ("com.example.www."), in
 * ASCII order of the escaped form, which is the canonical form.  Labels
 * are compared from the root down, the end of a label counting as '.'.
 * Unlike dns_name_cmp() (the order of record sets), escapes are compared
 * as written, not as the bytes they stand for.
 */
static int
zone_cmp(const char *a, const char *b)
{
	const char	*ae, *be, *as, *bs;
	size_t		 i;
	int		 ca, cb;

	ae = a + strlen(a);
	be = b + strlen(b);
	if (ae > a && ae[-1] == '.')
		ae--;
	if (be > b && be[-1] == '.')
		be--;
	for (;;) {
		if (ae == NULL || be == NULL)
			return (ae != NULL) - (be != NULL);
		for (as = ae; as > a && as[-1] != '.'; as--)
			;
		for (bs = be; bs > b && bs[-1] != '.'; bs--)
			;
		for (i = 0; as + i < ae || bs + i < be; i++) {
			ca = as + i < ae ? (unsigned char)as[i] : '.';
			cb = bs + i < be ? (unsigned char)bs[i] : '.';
			if (ca != cb)
				return ca - cb;
		}
		ae = as > a ? as - 1 : NULL;
		be = bs > b ? bs - 1 : NULL;
	}
}

/* GetHostedZone of id, once per run, its failure included. */
static int
zone_with_id(struct reader *r, const char *id, const struct r53_zone **zone,
    struct err *err)
{
	struct lookup	*l = NULL;
	struct r53_zone	 z;
	size_t		 i;

	for (i = 0; i < r->nlookups && l == NULL; i++)
		if (strcmp(r->lookups[i].id, id) == 0)
			l = &r->lookups[i];
	if (l == NULL) {
		if (r53_zone_get(r->c, id, &z, err) == -1 &&
		    strcmp(err->aws_code, "NoSuchHostedZone") != 0)
			return -1;
		l = xappend(&r->lookups, &r->nlookups, sizeof(*r->lookups));
		l->id = xstrdup(id);
		l->zone = z;
		if (z.id == NULL)
			l->err = *err;
	}
	if (l->zone.id == NULL) {
		*err = l->err;
		return -1;
	}
	*zone = &l->zone;
	return 0;
}

/*
 * 1 when l holds every zone named name (canonical).  A listing from a name
 * holds that name's zones (listing_read() follows them over pages); one
 * in Route 53's order holds, in full, every name from where it starts up
 * to the first zone of the page after it (NextDNSName), or up to its last
 * zone's name when Route 53 did not say, or on to the end when nothing
 * follows.
 */
static int
answers(const struct listing *l, const char *name)
{
	if (l->holds == HOLDS_ALL)
		return 1;
	if (l->from != NULL && strcmp(l->from, name) == 0)
		return 1;
	if (l->holds != HOLDS_RANGE || zone_cmp(l->from, name) > 0)
		return 0;
	if (!l->truncated)
		return 1;
	if (l->next != NULL)
		return zone_cmp(name, l->next) < 0;
	return l->nzones > 0 && zone_cmp(name, l->zones[l->nzones - 1].name) < 0;
}

/* The listing that holds every zone named name (canonical), or NULL. */
static struct listing *
listing_holding(struct reader *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nlistings; i++)
		if (answers(&r->listings[i], name))
			return &r->listings[i];
	return NULL;
}

/* 1 when z is already in l: among its last zones, those of z's name,
 * where the next page starts again. */
static int
listed(const struct listing *l, const struct r53_zone *z)
{
	size_t	 i;

	for (i = l->nzones; i > 0 && strcmp(l->zones[i - 1].name,
	    z->name) == 0; i--)
		if (strcmp(l->zones[i - 1].id, z->id) == 0)
			return 1;
	return 0;
}

/* Appends the next page of l (not empty, truncated): from its last zone,
 * which Route 53 sends again first. */
static int
listing_next(const struct r53_client *c, struct listing *l, struct err *err)
{
	const struct r53_zone	*last = &l->zones[l->nzones - 1];
	struct r53_zone		*z = NULL;
	size_t			 nz = 0, i, added = 0;
	int			 truncated;

	free(l->next);
	l->next = NULL;
	if (r53_zones_page(c, last->name, last->id, ZONES_PAGE, &z, &nz,
	    &truncated, &l->next, err) == -1)
		return -1;
	for (i = 0; i < nz; i++) {
		if (listed(l, &z[i])) {
			r53_zones_release(&z[i], 1);
			continue;
		}
		*(struct r53_zone *)xappend(&l->zones, &l->nzones,
		    sizeof(*l->zones)) = z[i];
		added++;
	}
	free(z);
	l->truncated = truncated;
	if (truncated && added == 0)
		return err_set(err, "Route 53 ListHostedZonesByName: the "
		    "listing from '%s' does not advance", l->from != NULL ?
		    l->from : ".");
	return 0;
}

/*
 * What a listing from a name shows in full.  In Route 53's order
 * (zone_cmp) it holds every zone from that name up to the next page; but
 * a listing that cannot show that is not trusted: zones out of that order
 * (a server that sorts otherwise), or only the zones of the name itself
 * and nothing after them, which is what Route 53 sends when nothing
 * follows in the account, but also all that a server answering a name
 * with the zones of that name alone sends (moto does).
 */
static enum holds
listing_holds(const struct listing *l)
{
	size_t	 i;
	int	 other = 0;

	for (i = 0; i < l->nzones; i++) {
		if (zone_cmp(i > 0 ? l->zones[i - 1].name : l->from,
		    l->zones[i].name) > 0)
			return HOLDS_NAME;
		if (strcmp(l->zones[i].name, l->from) != 0)
			other = 1;
	}
	if (l->next != NULL && l->nzones > 0 &&
	    zone_cmp(l->zones[l->nzones - 1].name, l->next) > 0)
		return HOLDS_NAME;
	return other || l->truncated ? HOLDS_RANGE : HOLDS_NAME;
}

/*
 * A new listing from name (canonical; NULL: the account's first zone),
 * its index in *out: one page, and further pages while the last zone is
 * still named name, so that it holds every zone of that name.
 */
static int
listing_read(struct reader *r, const char *name, size_t *out,
    struct err *err)
{
	struct listing	*l;
	struct r53_zone	*z = NULL;
	size_t		 nz = 0, pages;
	char		*next = NULL;
	int		 truncated;

	if (r53_zones_page(r->c, name, NULL, ZONES_PAGE, &z, &nz, &truncated,
	    &next, err) == -1)
		return -1;
	l = xappend(&r->listings, &r->nlistings, sizeof(*r->listings));
	*out = r->nlistings - 1;
	l->from = name != NULL ? xstrdup(name) : NULL;
	l->zones = z;
	l->nzones = nz;
	l->truncated = truncated;
	l->next = next;
	for (pages = 1; name != NULL && l->truncated && l->nzones > 0 &&
	    strcmp(l->zones[l->nzones - 1].name, name) == 0; pages++) {
		if (pages == NAME_PAGES_MAX)
			return err_set(err, "Route 53 ListHostedZonesByName: "
			    "more than %d pages of hosted zones named '%s'",
			    NAME_PAGES_MAX, name);
		if (listing_next(r->c, l, err) == -1)
			return -1;
	}
	if (name != NULL)
		l->holds = listing_holds(l);
	return 0;
}

/* The account's first page, once per run; when it is the only page, it
 * holds every zone, whatever order the server lists them in. */
static int
account_read(struct reader *r, struct err *err)
{
	struct listing	*l;
	size_t		 li;

	if (r->account_read)
		return 0;
	r->account_read = 1;
	if (listing_read(r, NULL, &li, err) == -1)
		return -1;
	l = &r->listings[li];
	if (!l->truncated) {
		l->holds = HOLDS_ALL;
		return 0;
	}
	/* Part of a big account: it shows nothing in full. */
	r53_zones_release(l->zones, l->nzones);
	free(l->zones);
	free(l->next);
	r->nlistings--;
	return 0;
}

/* 1 when a name prefetch() still has to look up (after the one at hand)
 * is held by no listing. */
static int
wanted_later(const struct reader *r)
{
	size_t	 i, j;

	for (i = r->iwanted + 1; i < r->nwanted; i++) {
		for (j = 0; j < r->nlistings &&
		    !answers(&r->listings[j], r->wanted[i]); j++)
			;
		if (j == r->nlistings)
			return 1;
	}
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
 * from r until its next lookup), 0 none, -1 on an API error.  When several
 * match, a public one wins; two public zones of one name are ambiguous
 * (*ambiguous set).
 */
static int
zone_by_name(struct reader *r, const char *name, const struct r53_zone **zone,
    int *ambiguous, struct err *err)
{
	const struct listing	*l;
	const struct r53_zone	*z;
	size_t			 i, li;
	int			 npublic = 0;

	*zone = NULL;
	*ambiguous = 0;
	if ((l = listing_holding(r, name)) == NULL) {
		if (listing_read(r, name, &li, err) == -1)
			return -1;
		/* Where this listing ends is not known: when names are left
		 * that it may have held, the account's first page may hold
		 * them all (l moves). */
		if (r->listings[li].holds == HOLDS_NAME && wanted_later(r) &&
		    account_read(r, err) == -1)
			return -1;
		l = &r->listings[li];
	}
	for (i = 0; i < l->nzones; i++) {
		z = &l->zones[i];
		if (strcmp(z->name, name) != 0)
			continue;
		if (!z->private_zone)
			npublic++;
		if (*zone == NULL || ((*zone)->private_zone &&
		    !z->private_zone))
			*zone = z;
	}
	*ambiguous = npublic > 1;
	return *zone != NULL;
}

/* A private zone answers only inside its VPCs, never to a receiver. */
static void
private_error(const struct cfg *cfg, const struct cfg_domain *dom,
    struct diags *d)
{
	diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line, dom->pos.col,
	    "domains.%s.zone: hosted zone '%s' is private: mail "
	    "authentication records must be public, and receivers never see "
	    "a private zone; set zone: to the id of the public hosted zone "
	    "of '%s', or remove zone: to use the longest public one",
	    dom->name, dom->zone, dom->name);
}

static int
find_zone(struct reader *r, const struct cfg *cfg,
    const struct cfg_domain *dom, size_t *out, struct diags *d,
    struct err *err)
{
	const struct r53_zone	*z;
	struct zone_ref		 ref;
	char			*canon = NULL, *want = NULL;
	const char		*p;
	int			 rc = -1, ambiguous = 0, found;

	*out = NO_ZONE;
	canon = dns_name_canon(dom->name, err);
	if (canon == NULL)
		goto out;

	if (dom->zone != NULL)
		zone_ref_parse(dom->zone, &ref);
	if (dom->zone != NULL && ref.kind == ZONE_REF_ID) {
		if (zone_with_id(r, ref.value, &z, err) == -1) {
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
		if (z->private_zone) {
			private_error(cfg, dom, d);
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
		else if (z->private_zone)
			private_error(cfg, dom, d);
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
		if (ambiguous)
			diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
			    dom->pos.col, "domains.%s: several public hosted "
			    "zones are named '%s'; set zone: to the id of the "
			    "one to use", dom->name, p);
		else
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

/*
 * The nearest public zone above zone zi, looked up as find_zone() looks
 * (two public zones of one name: none is known to serve), and zi's name
 * servers: a new entry of *subs when there is one.
 */
static int
find_parent(struct reader *r, const struct cfg_domain *dom, size_t zi,
    struct subzone **subs, size_t *nsubs, struct err *err)
{
	const struct r53_zone	*z;
	struct subzone		*s;
	const char		*p;
	char			*pid = NULL, *pname = NULL;
	size_t			 i;
	int			 found, ambiguous;

	p = strchr(r->ls->zones[zi].name, '.');
	for (p = p != NULL ? p + 1 : ""; strchr(p, '.') != strrchr(p, '.');
	    p = strchr(p, '.') + 1) {
		if ((found = zone_by_name(r, p, &z, &ambiguous, err)) == -1)
			return -1;
		if (!found || z->private_zone)
			continue;
		if (ambiguous)
			return 0;
		pid = xstrdup(z->id);
		pname = xstrdup(p);
		break;
	}
	if (pid == NULL)
		return 0;
	if (zone_with_id(r, r->ls->zones[zi].id, &z, err) == -1) {
		free(pid);
		free(pname);
		return -1;
	}
	s = xappend(subs, nsubs, sizeof(**subs));
	s->zone = zi;
	s->domain = dom;
	s->parent_id = pid;
	s->parent_name = pname;
	for (i = 0; i < z->nname_servers; i++)
		*(char **)xappend(&s->name_servers, &s->nname_servers,
		    sizeof(*s->name_servers)) = xstrdup(z->name_servers[i]);
	return 0;
}

/* find_parent() of each zone found, once, in the order of its first
 * domain. */
static int
find_parents(struct reader *r, const struct cfg *cfg, const size_t *zone_of,
    struct subzone **subs, size_t *nsubs, struct err *err)
{
	size_t	 i, j;

	for (i = 0; i < cfg->ndomains; i++) {
		for (j = 0; j < i && zone_of[j] != zone_of[i]; j++)
			;
		if (j == i && zone_of[i] != NO_ZONE && find_parent(r,
		    &cfg->domains[i], zone_of[i], subs, nsubs, err) == -1)
			return -1;
	}
	return 0;
}

static int
wanted_cmp(const void *a, const void *b)
{
	return zone_cmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Looks up every name the domains of cfg may need (a zone: name; a
 * domain's own name and each parent down to two labels), before any
 * domain is answered, in Route 53's order of zones rather than the
 * config's.  A listing then holds every name from where it starts to the
 * next page, so the names after it on that stretch need no request of
 * their own: a parent's listing usually holds its subzones and the
 * domains below it, and a fleet of domains each in its own zone costs one
 * lookup per page of zones, not one per domain.  Only the lookups are made
 * here; find_zone() then answers each domain from them, in the config's
 * order, and find_parent() each zone's parent.
 */
static int
prefetch(struct reader *r, const struct cfg *cfg, struct err *err)
{
	const struct r53_zone	*z;
	const struct cfg_domain	*dom;
	struct zone_ref		 ref;
	const char		*p;
	char			*canon;
	size_t			 i, n = 0;
	int			 rc = -1, ambiguous;

	for (i = 0; i < cfg->ndomains; i++) {
		dom = &cfg->domains[i];
		if (dom->zone != NULL) {
			zone_ref_parse(dom->zone, &ref);
			if (ref.kind == ZONE_REF_ID)
				continue;
		}
		canon = dns_name_canon(dom->zone != NULL ? dom->zone :
		    dom->name, NULL);
		if (canon == NULL)
			continue;	/* find_zone() says why */
		for (p = canon; dom->zone == NULL && strchr(p, '.') !=
		    strrchr(p, '.') && (p = strchr(p, '.') + 1) != NULL &&
		    strchr(p, '.') != strrchr(p, '.'); )
			*(char **)xappend(&r->wanted, &r->nwanted,
			    sizeof(*r->wanted)) = xstrdup(p);
		*(char **)xappend(&r->wanted, &r->nwanted,
		    sizeof(*r->wanted)) = canon;
	}
	if (r->nwanted > 0)
		qsort(r->wanted, r->nwanted, sizeof(*r->wanted), wanted_cmp);
	for (i = 0; i < r->nwanted; i++) {
		if (n > 0 && strcmp(r->wanted[n - 1], r->wanted[i]) == 0) {
			free(r->wanted[i]);
			continue;
		}
		r->wanted[n++] = r->wanted[i];
	}
	r->nwanted = n;
	for (r->iwanted = 0; r->iwanted < r->nwanted; r->iwanted++)
		if (listing_holding(r, r->wanted[r->iwanted]) == NULL &&
		    zone_by_name(r, r->wanted[r->iwanted], &z, &ambiguous,
		    err) == -1)
			goto out;
	rc = 0;
out:
	for (i = 0; i < r->nwanted; i++)
		free(r->wanted[i]);
	free(r->wanted);
	r->wanted = NULL;
	r->nwanted = r->iwanted = 0;
	return rc;
}

int
zones_find(const struct r53_client *c, const struct cfg *cfg,
    struct live_state *ls, size_t *zone_of, long **counts,
    struct subzone **subs, size_t *nsubs, struct diags *d, struct err *err)
{
	struct reader	 r;
	size_t		 i, nerrors = d->nerrors;
	int		 rc = -1;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.ls = ls;
	if (prefetch(&r, cfg, err) == -1)
		goto out;
	/* Every domain, so that all the domains without a zone are reported
	 * together, sharing lookups. */
	for (i = 0; i < cfg->ndomains; i++)
		if (find_zone(&r, cfg, &cfg->domains[i], &zone_of[i], d,
		    err) == -1)
			goto out;
	if (subs != NULL && d->nerrors == nerrors &&
	    find_parents(&r, cfg, zone_of, subs, nsubs, err) == -1)
		goto out;
	rc = 0;
out:
	lookups_release(&r);
	*counts = r.counts;
	return rc;
}

void
subzones_release(struct subzone *subs, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		free(subs[i].parent_id);
		free(subs[i].parent_name);
		for (j = 0; j < subs[i].nname_servers; j++)
			free(subs[i].name_servers[j]);
		free(subs[i].name_servers);
	}
	free(subs);
}

int
live_zones(const struct r53_client *c, const struct cfg *cfg,
    struct live_state *ls, size_t *zone_of, struct diags *d,
    struct err *err)
{
	long	*counts = NULL;
	size_t	 nerrors = d->nerrors;
	int	 rc = -1;

	memset(ls, 0, sizeof(*ls));
	if (zones_find(c, cfg, ls, zone_of, &counts, NULL, NULL, d,
	    err) == 0 &&
	    d->nerrors == nerrors)
		rc = 0;
	free(counts);
	if (rc == -1)
		live_release(ls);
	return rc;
}
