/*
 * internal.h - private to src/live: what zones.c (zone discovery) gives
 * live.c (reading record sets), and the delegation checks of delegation.c
 * that live.c runs on what it read.
 */
#ifndef MAILAUTH_LIVE_INTERNAL_H
#define MAILAUTH_LIVE_INTERNAL_H

#include <stddef.h>

struct cfg;
struct cfg_domain;
struct diags;
struct err;
struct live_state;
struct r53_client;
struct rrset;
struct zone;

/* Pages of one name (or of a whole zone) before
 * giving up on a server that never ends its list. */
#define NAME_PAGES_MAX	100
#define ZONE_PAGES_MAX	1000

/* --- zone discovery (zones.c) --- */

/* A zone of ls->zones below a public zone of the account, its parent. */
struct subzone {
	size_t			 zone;		/* index in ls->zones */
	const struct cfg_domain	*domain;	/* its first domain */
	char			*parent_id;
	char			*parent_name;	/* canonical */
	char			**name_servers;	/* the subzone's, canonical
						 * (GetHostedZone) */
	size_t			 nname_servers;
};

/*
 * Finds the hosted zone of every domain of cfg (see zones.c), sharing the
 * lookups: ls->zones receives each zone once, zone_of[i] (cfg->ndomains
 * entries, allocated by the caller) the index of domain i's zone, or
 * (size_t)-1 when it has none, which is an error in d.  *counts (malloc'd,
 * parallel to ls->zones, also on -1) receives each zone's
 * ResourceRecordSetCount, -1 when unknown.  When subs is not NULL and d
 * received no error, each zone found is then given the nearest public zone
 * above it in the account, looked up as a domain's zones are (sharing the
 * listings), and, when there is one, the zone's name servers
 * (GetHostedZone): *subs, *nsubs (release with subzones_release(), also on
 * -1).  Returns -1 only when an API call failed (err).
 */
int	zones_find(const struct r53_client *, const struct cfg *,
	    struct live_state *ls, size_t *zone_of, long **counts,
	    struct subzone **subs, size_t *nsubs, struct diags *d,
	    struct err *err);
void	subzones_release(struct subzone *, size_t);

/* --- delegation (delegation.c) --- */

/*
 * Refuses, in d, every domain (groups[i], a struct cfg_domain) whose names
 * in zone z (names[i] with the record sets read there, sets[i], nsets[i]:
 * the domain's managed names and every name between them and the apex)
 * meet an NS record set below the apex: the name is delegated elsewhere.
 */
void	delegation_refuse(const struct cfg *, const struct zone *z,
	    const char *const *names, const void *const *groups,
	    struct rrset *const *sets, const size_t *nsets, size_t n,
	    struct diags *d);
/*
 * Warns, in d, of each subzone whose parent zone holds no NS record set
 * at its name, or one naming other name servers than the subzone's: one
 * ListResourceRecordSets at the subzone's name in the parent each.
 */
int	delegation_subzones(const struct r53_client *, const struct cfg *,
	    const struct live_state *ls, const struct subzone *subs,
	    size_t nsubs, struct diags *d, struct err *err);

#endif
