/*
 * delegation.c - whether receivers will ever query what mailauth writes in
 * the zones zones.c found: a name the zone hands to other name servers
 * (an NS record set below its apex, at or above the name) is refused, and
 * a hosted subzone that its parent zone in the account does not delegate
 * to it is warned about.
 *
 * The NS sets between a managed name and its zone's apex are read with
 * the managed names themselves (live.c adds those names to the zone's
 * read); a subzone's own name servers come from GetHostedZone, and the
 * parent's NS set at the subzone from one ListResourceRecordSets.
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

/* How much of an NS set a message shows. */
#define NS_SHOWN_MAX	200

/* The NS record set among sets, or NULL. */
static const struct rrset *
ns_of(const struct rrset *sets, size_t nsets)
{
	size_t	 i;

	for (i = 0; i < nsets; i++)
		if (strcmp(sets[i].type, "NS") == 0 &&
		    sets[i].alias_target == NULL)
			return &sets[i];
	return NULL;
}

/* Appends the values of ns, comma-separated, as printable text. */
static void
ns_values(struct buf *b, char *const *values, size_t n)
{
	struct buf	 all = BUF_INIT;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_adds(&all, ", ");
		buf_adds(&all, values[i]);
	}
	buf_add_clean(b, buf_str(&all), strlen(buf_str(&all)), NULL, 0,
	    NS_SHOWN_MAX);
	buf_release(&all);
}

/* A name's index and its group, to sort the names group by group. */
struct gref {
	uintptr_t	 group;
	size_t		 i;
};

static int
gref_cmp(const void *a, const void *b)
{
	const struct gref	*x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/*
 * For each group (domain) of the n names, the index of its name nearest
 * the apex holding an NS set, plus one, at the index of the group's first
 * name in top[] (0: none).  The names sorted by group once: matching each
 * name with every other grew with their square.
 */
static void
tops_of(const struct zone *z, const char *const *names,
    const void *const *groups, struct rrset *const *sets,
    const size_t *nsets, size_t n, size_t *top)
{
	struct gref	*r = xcalloc(n + 1, sizeof(*r));
	size_t		 a, b, k, j, t;

	for (k = 0; k < n; k++) {
		r[k].group = (uintptr_t)groups[k];
		r[k].i = k;
	}
	if (n > 0)
		qsort(r, n, sizeof(*r), gref_cmp);
	for (a = 0; a < n; a = b) {
		for (b = a + 1; b < n && r[b].group == r[a].group; b++)
			;
		if (r[a].group == 0)
			continue;
		/* The NS set nearest the apex is where the name leaves the
		 * zone; the first such name of that length, in name order. */
		t = 0;
		for (k = a; k < b; k++) {
			j = r[k].i;
			if (strcmp(names[j], z->name) == 0 ||
			    ns_of(sets[j], nsets[j]) == NULL)
				continue;
			if (t == 0 || strlen(names[j]) < strlen(names[t - 1]))
				t = j + 1;
		}
		top[r[a].i] = t;
	}
	free(r);
}

void
delegation_refuse(const struct cfg *cfg, const struct zone *z,
    const char *const *names, const void *const *groups,
    struct rrset *const *sets, const size_t *nsets, size_t n,
    struct diags *d)
{
	const struct cfg_domain	*dom;
	const struct rrset	*ns;
	const char		*top_name;
	struct buf		 vals = BUF_INIT;
	char			*shown;
	size_t			*top = xcalloc(n + 1, sizeof(*top));
	size_t			 i;

	tops_of(z, names, groups, sets, nsets, n, top);
	/* Once per domain, in the order of its first name. */
	for (i = 0; i < n; i++) {
		if (top[i] == 0)
			continue;
		/* Not NULL: tops_of() chose that name for its NS set. */
		if ((ns = ns_of(sets[top[i] - 1], nsets[top[i] - 1])) == NULL)
			continue;
		top_name = names[top[i] - 1];
		dom = groups[i];
		ns_values(&vals, ns->values, ns->nvalues);
		shown = dns_name_display(top_name);
		diags_add(d, DIAG_ERROR, cfg->path, dom->pos.line,
		    dom->pos.col, "domains.%s: '%s' is delegated to other name "
		    "servers (%s) by an NS record set in hosted zone '%s', so "
		    "records written there are never queried; manage '%s' in "
		    "the hosted zone those name servers serve, or remove the "
		    "delegation", dom->name, shown, buf_str(&vals), z->name,
		    dom->name);
		free(shown);
		buf_release(&vals);
	}
	free(top);
}

/* 1 when every value of ns is one of the zone's name servers. */
static int
ns_matches(const struct rrset *ns, const struct subzone *s)
{
	char	*c;
	size_t	 i, j;
	int	 ok = 1;

	for (i = 0; i < ns->nvalues && ok; i++) {
		if ((c = dns_name_canon(ns->values[i], NULL)) == NULL)
			return 0;
		for (j = 0; j < s->nname_servers; j++)
			if (strcmp(c, s->name_servers[j]) == 0)
				break;
		ok = j < s->nname_servers;
		free(c);
	}
	return ok;
}

static void
subzone_warn(const struct cfg *cfg, const struct zone *z,
    const struct subzone *s, const struct rrset *ns, struct diags *d)
{
	const struct cfg_domain	*dom = s->domain;
	struct buf		 have = BUF_INIT, want = BUF_INIT;

	ns_values(&want, s->name_servers, s->nname_servers);
	if (ns != NULL)
		ns_values(&have, ns->values, ns->nvalues);
	diags_add(d, DIAG_WARNING, cfg->path, dom->pos.line, dom->pos.col,
	    "domains.%s: hosted zone '%s' is not delegated from its parent "
	    "zone '%s' (%s%s%s): receivers see what '%s' holds at these "
	    "names, not these records; set the NS record set at '%s' in "
	    "'%s' to the zone's name servers (%s)", dom->name, z->name,
	    s->parent_name, ns == NULL ? "no NS record set there" :
	    "its NS record set there names ", buf_str(&have),
	    ns == NULL ? "" : ", not this zone's name servers",
	    s->parent_name, z->name, s->parent_name, buf_str(&want));
	buf_release(&have);
	buf_release(&want);
}

int
delegation_subzones(const struct r53_client *c, const struct cfg *cfg,
    const struct live_state *ls, const struct subzone *subs, size_t nsubs,
    struct diags *d, struct err *err)
{
	const struct zone	*z;
	const struct rrset	*ns;
	struct rrset		*sets = NULL;
	size_t			 i, nsets = 0;

	for (i = 0; i < nsubs; i++) {
		z = &ls->zones[subs[i].zone];
		if (r53_rrsets_at(c, subs[i].parent_id, z->name, &sets, &nsets,
		    err) == -1)
			return -1;
		ns = ns_of(sets, nsets);
		/* Without its name servers, only a missing NS set is sure
		 * to be wrong. */
		if (ns == NULL || (subs[i].nname_servers > 0 &&
		    !ns_matches(ns, &subs[i])))
			subzone_warn(cfg, z, &subs[i], ns, d);
		r53_rrsets_release(sets, nsets);
		sets = NULL;
		nsets = 0;
	}
	return 0;
}
