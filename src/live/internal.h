/*
 * internal.h - private to src/live: what zones.c (zone discovery) gives live.c
 * (reading record sets).
 */
#ifndef MAILAUTH_LIVE_INTERNAL_H
#define MAILAUTH_LIVE_INTERNAL_H

#include <stddef.h>

struct cfg;
struct diags;
struct err;
struct live_state;
struct r53_client;

/* Pages of one name (or of a whole zone, or of a zone's subzones) before
 * giving up on a server that never ends its list. */
#define NAME_PAGES_MAX	100
#define ZONE_PAGES_MAX	1000

/*
 * Finds the hosted zone of every domain of cfg (see zones.c), sharing the
 * lookups: ls->zones receives each zone once, zone_of[i] (cfg->ndomains
 * entries, allocated by the caller) the index of domain i's zone, or
 * (size_t)-1 when it has none, which is an error in d.  *counts (malloc'd,
 * parallel to ls->zones, also on -1) receives each zone's
 * ResourceRecordSetCount, -1 when unknown.  Returns -1 only when an API
 * call failed (err).
 */
int	zones_find(const struct r53_client *, const struct cfg *,
	    struct live_state *ls, size_t *zone_of, long **counts,
	    struct diags *d, struct err *err);

#endif
