/*
 * live.h - the records Route 53 holds at the names mailauth manages, read
 * at the fewest requests (src/live/): zone discovery, then
 * ListResourceRecordSets at the desired names.
 */
#ifndef MAILAUTH_LIVE_H
#define MAILAUTH_LIVE_H

#include <stddef.h>

#include "mailauth/desired.h"

struct cfg;
struct cfg_domain;
struct diags;
struct err;
struct r53_client;
struct rrset;

/* --- live records (src/live/zones.c finds the zones, src/live/live.c
 * reads them) --- */

struct zone {
	char	*id;		/* "Z..." */
	char	*name;		/* canonical */
	char	*account;	/* the config's accounts: name of the account
				 * that holds it; NULL: the default chain's
				 * (a plan's zones only, owned there) */
};

/* What Route 53 holds at one desired record's name. */
struct live {
	const struct desired	*desired;	/* borrowed */
	const struct zone	*zone;		/* borrowed from struct live_state */
	struct rrset		*sets;		/* every type at the name */
	size_t			 nsets;
};

/* What Route 53 holds below one name of a domain's zone (live_read()'s
 * below). */
struct live_below {
	const struct cfg_domain	*domain;	/* borrowed from the config */
	const struct zone	*zone;		/* borrowed from live_state */
	char			*name;		/* canonical */
	struct rrset		*sets;		/* every set strictly below
						 * name */
	size_t			 nsets;
};

/* A record set that came in the pages read for the managed names, at
 * none of them, whose name looks like one mailauth writes: _dmarc.X or
 * X._domainkey.Y (plan_unmanaged() says which it does not manage). */
struct live_other {
	const struct zone	*zone;		/* borrowed from live_state */
	struct rrset		 set;
};

struct live_state {
	struct zone	*zones;
	size_t		 nzones;
	struct live	*lives;		/* parallel to the desired array */
	size_t		 nlives;
	struct live_below *belows;	/* in the order of cfg->domains */
	size_t		 nbelows;
	struct live_other *others;	/* in the order read */
	size_t		 nothers;
};

/*
 * Finds the hosted zone of every domain (the config's zone: id or name, or
 * else the longest matching public zone; a private zone named by zone: is
 * an error) and reads the record sets at every desired name: each live
 * gets every type at its name, exactly what r53_rrsets_at() gives.  The
 * zone lookups are made in Route 53's order of zones, each once however
 * many domains need it, and a page of zones answers every name between
 * its first zone and the next page's: a fleet of domains in their own
 * zones costs one ListHostedZonesByName per 100 zones; each zone is read either in ListResourceRecordSets
 * pages from its domains' managed names (the requests do not grow with
 * the unrelated records in the zone: at most one per managed name, plus
 * one per further page of a name with that many record sets) or, when its
 * ResourceRecordSetCount says that costs no more requests than one per
 * domain of the zone, as one whole listing.  The TXT and CNAME sets those
 * pages hold at other names that look like mailauth's (_dmarc.X,
 * X._domainkey.Y) are kept in ls->others; nothing more is read for
 * them.  The names between each
 * desired name and its zone's apex are read with them, as further managed
 * names of its domain: an NS record set at one of them, or at a desired
 * name below the apex, delegates the name elsewhere, and that domain is
 * an error in d.  Each zone found that has a public parent zone in the
 * account (looked up as the domains' zones are, sharing the listings)
 * costs one GetHostedZone (its name servers) and one
 * ListResourceRecordSets at its name in the parent: when the parent holds
 * no NS record set there, or one naming other name servers, d receives a
 * warning (the subzone is not delegated).  Then, when below is not NULL
 * (cfg->ndomains entries), for each domain i whose below[i] (canonical)
 * is not NULL, every record set strictly below that name in the domain's
 * zone is read as live_read_below() reads it, into ls->belows.  Problems
 * that are the user's to fix (no zone for a domain, a zone that does not
 * contain the domain, a private zone, a delegated name) go to d as errors, all of them; a failed API call
 * fails at once with err.  Returns -1 when either happened.
 */
int	live_read(const struct r53_client *, const struct cfg *,
	    const struct desired *, size_t, const char *const *below,
	    struct live_state *, struct diags *d, struct err *);
void	live_release(struct live_state *);
/*
 * Finds the hosted zone of every domain of cfg exactly as live_read() does
 * (the same lookups, the same errors in d and err) and reads no record
 * set: no delegation is checked, so no parent zone is looked up.  ls receives the zones only (lives stay NULL); zone_of, which the
 * caller allocates with cfg->ndomains entries, receives each domain's
 * index in ls->zones.  Returns -1 when d received an error or an API call
 * failed (err); ls then holds nothing.  Release ls with live_release().
 */
int	live_zones(const struct r53_client *, const struct cfg *,
	    struct live_state *, size_t *zone_of, struct diags *d,
	    struct err *);
/*
 * Reads what Route 53 holds at each of the n names (canonical) of zone z,
 * as live_read() reads a zone: count is the zone's ResourceRecordSetCount
 * (-1 when unknown, which means targeted pages); groups[i] (may be NULL)
 * tells which names belong together (one domain's names), for the choice.
 * sets[i], nsets[i] receive every type at names[i] (release each with
 * r53_rrsets_release()); on -1 they hold nothing.
 */
int	live_read_names(const struct r53_client *, const struct zone *,
	    long count, const char *const *names, const void *const *groups,
	    size_t n, struct rrset **sets, size_t *nsets, struct err *);

/*
 * Every record set of zone z at name (canonical) or below it: pages of
 * ListResourceRecordSets from name, followed while the listing stays
 * below name (Route 53 lists a subtree contiguously: names in the order of
 * their reversed labels), so the cost is one request per page of the
 * subtree, whatever else the zone holds.  A server that lists in another
 * order is read whole and filtered.  *sets (release with
 * r53_rrsets_release()) holds nothing on -1.
 */
int	live_read_below(const struct r53_client *, const struct zone *z,
	    const char *name, struct rrset **sets, size_t *nsets,
	    struct err *);

#endif
