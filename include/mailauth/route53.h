/*
 * route53.h - the Amazon Route 53 API client (REST, XML, API 2013-04-01).
 *
 * Requests go through the call core (mailauth/call.h), signed with SigV4
 * for service route53 and the partition's Route 53 region (us-east-1).  Response bodies are parsed with
 * libxml2's tree API with network access, DTD loading and entity expansion
 * off; request bodies are written with xmlTextWriter.
 *
 * Every failure fills err with one line that names the operation and, for an
 * AWS error response, its Code and Message (aws_xml_error_parse()):
 *   Route 53 ChangeResourceRecordSets: InvalidChangeBatch: ...
 * and sets err->http_status and err->aws_code.
 */
#ifndef MAILAUTH_ROUTE53_H
#define MAILAUTH_ROUTE53_H

#include <stddef.h>
#include <time.h>

#include "mailauth/dns.h"

struct aws_creds;
struct aws_creds_provider;
struct buf;
struct err;
struct http_transport;

#define R53_DEFAULT_ENDPOINT	"https://route53.amazonaws.com"
#define R53_API_VERSION		"2013-04-01"

struct r53_client {
	const struct http_transport	*http;
	/* aws_endpoint_resolve() of "route53"; NULL: Route 53's own in the
	 * aws partition.  No trailing slash needed. */
	const char			*endpoint;
	const char			*region;	/* signing; NULL: that
							 * of the aws partition */
	const struct aws_creds		*creds;
	time_t				(*clock)(void);	/* for signing */
	/* Sleeps between GetChange polls; tests pass a no-op. */
	void				(*sleep)(unsigned int seconds);
	/* When set, asked for the credentials before each signature
	 * (refreshed before they lapse) instead of using creds. */
	struct aws_creds_provider	*creds_provider;
};

struct r53_zone {
	char	*id;		/* "Z123...", without "/hostedzone/" */
	char	*name;		/* canonical, trailing dot */
	int	 private_zone;
	long	 record_count;	/* -1 when the response does not say */
	/* GetHostedZone only: its DelegationSet's name servers,
	 * canonical (none for a private zone or a listing). */
	char	**name_servers;
	size_t	  nname_servers;
};

/* Frees what each of the n zones holds, not the array itself. */
void	r53_zones_release(struct r53_zone *, size_t);

/*
 * ListHostedZonesByName from dnsname (any form; canonicalised), one page of
 * at most maxitems zones, in Route 53's order.  *truncated is set when more
 * follow.  The caller frees *zones with r53_zones_release() and free().
 */
int	r53_zones_by_name(const struct r53_client *, const char *dnsname,
	    int maxitems, struct r53_zone **zones, size_t *nzones,
	    int *truncated, struct err *);

#define R53_ZONES_PAGE_MAX	100	/* Route 53's largest maxitems */

/*
 * One page of ListHostedZonesByName, as r53_zones_by_name() but from any
 * place in the listing: dnsname NULL starts at the account's first zone;
 * zone_id (with or without "/hostedzone/"; it needs a dnsname) starts at
 * the zone of that name and id, which Route 53 then sends first, so a
 * listing goes on from the last zone of the page before.  maxitems is 1 to
 * R53_ZONES_PAGE_MAX, or 0 to leave it to Route 53.  When next_name is
 * not NULL it receives the NextDNSName of a truncated page, canonical (the
 * first zone of the next page), or NULL when Route 53 sent none; the
 * caller frees it.  The caller frees *zones with r53_zones_release() and
 * free().
 */
int	r53_zones_page(const struct r53_client *, const char *dnsname,
	    const char *zone_id, int maxitems, struct r53_zone **zones,
	    size_t *nzones, int *truncated, char **next_name, struct err *);

/* GetHostedZone: fills zone, its name servers included; release it with
 * r53_zones_release(zone, 1). */
int	r53_zone_get(const struct r53_client *, const char *zone_id,
	    struct r53_zone *zone, struct err *);

/*
 * The record sets at exactly name (canonicalised), of every type, read with
 * ListResourceRecordSets starting at that name, following NextRecordName
 * only while it is still that name: the number of requests does not depend
 * on the other records in the zone.  Record sets with a routing policy
 * (SetIdentifier) are returned with the rest; NextRecordIdentifier is
 * followed when a page ends inside them.  The caller frees with
 * r53_rrsets_release().
 */
int	r53_rrsets_at(const struct r53_client *, const char *zone_id,
	    const char *name, struct rrset **sets, size_t *nsets, struct err *);
void	r53_rrsets_release(struct rrset *, size_t);

#define R53_RRSETS_PAGE_MAX	300	/* Route 53's largest maxitems */

/* One page of ListResourceRecordSets and where the listing goes on. */
struct r53_rrsets_page {
	struct rrset	*sets;		/* in Route 53's order (dns_name_cmp,
					 * then type, then identifier) */
	size_t		 nsets;
	int		 truncated;	/* more record sets follow */
	/* The first record set not returned, when truncated (else NULL):
	 * next_name canonical, next_identifier NULL unless the response
	 * gave one.  Pass them back as the start of the next page. */
	char		*next_name;
	char		*next_type;
	char		*next_identifier;
};

/*
 * One ListResourceRecordSets request: at most maxitems (1 to
 * R53_RRSETS_PAGE_MAX; 0 leaves it to Route 53, which then sends 300)
 * record sets of the zone, starting at the first one whose name, type and
 * identifier are not below name (canonicalised), type and identifier.
 * name NULL starts at the zone's first record set; type and identifier
 * may each be NULL, but type needs a name and identifier a type, as Route
 * 53 requires.  Nothing is followed: the caller decides whether to ask for
 * the next page.  On -1 page holds nothing; otherwise release it with
 * r53_rrsets_page_release().
 */
int	r53_rrsets_page(const struct r53_client *, const char *zone_id,
	    const char *name, const char *type, const char *identifier,
	    int maxitems, struct r53_rrsets_page *page, struct err *);
void	r53_rrsets_page_release(struct r53_rrsets_page *);

enum r53_action {
	R53_CREATE,
	R53_DELETE,
	R53_UPSERT
};

struct r53_change {
	enum r53_action		 action;
	const struct rrset	*rrset;
};

/*
 * ChangeResourceRecordSets: one batch, applied by Route 53 all or nothing.
 * comment may be NULL.  Alias record sets cannot be changed (mailauth does
 * not write them): a change of one fails before any request.  On success
 * *change_id (malloc'd, without "/change/") and *status ("PENDING" or
 * "INSYNC", malloc'd) are set.
 */
int	r53_change(const struct r53_client *, const char *zone_id,
	    const char *comment, const struct r53_change *, size_t nchanges,
	    char **change_id, char **status, struct err *);

/*
 * GetChange, once: *status (malloc'd) is the change's status as Route 53
 * gives it, "PENDING" or "INSYNC".  change_id may carry the "/change/"
 * prefix.  On -1 *status is NULL.
 */
int	r53_change_status(const struct r53_client *, const char *change_id,
	    char **status, struct err *);


const char *r53_action_name(enum r53_action);

/*
 * The XML layer, exposed for tests and fuzzing.  Each parser takes a whole
 * response body, which may be anything: documents that are not well-formed
 * or carry a DTD (refused before any entity is declared) fail, and so does
 * a document of another kind, with err naming what is missing.  Elements
 * are matched by local name, so older API namespaces parse too.  On -1 the
 * outputs hold nothing to free.
 *
 * Zones: ListHostedZonesByNameResponse or ListHostedZonesResponse; a
 * missing IsTruncated counts as false.  Names are canonicalised.  When
 * next_name is not NULL it receives the canonical NextDNSName of a
 * truncated page (the first zone of the next page; the caller frees it),
 * or NULL when there is none.
 */
int	r53_xml_parse_zones(const char *xml, size_t len, struct r53_zone **,
	    size_t *, int *truncated, char **next_name, struct err *);
/* GetHostedZoneResponse, with the DelegationSet's NameServers. */
int	r53_xml_parse_zone(const char *xml, size_t len, struct r53_zone *,
	    struct err *);
/*
 * ListResourceRecordSetsResponse.  Names are canonicalised, values kept as
 * Route 53 wrote them, alias record sets get ttl -1 and alias_target (the
 * AliasTarget DNSName as written).  next_name (canonicalised), next_type
 * and next_identifier are malloc'd, or NULL when not truncated;
 * next_identifier is also NULL when the response has none.  A truncated
 * response without NextRecordName and NextRecordType fails.
 */
int	r53_xml_parse_rrsets(const char *xml, size_t len, struct rrset **,
	    size_t *, int *truncated, char **next_name, char **next_type,
	    char **next_identifier, struct err *);
/* ChangeResourceRecordSetsResponse or GetChangeResponse; id without
 * "/change/". */
int	r53_xml_parse_change_info(const char *xml, size_t len, char **id,
	    char **status, struct err *);
/*
 * Appends a ChangeResourceRecordSetsRequest (UTF-8, XML declaration,
 * namespace of API 2013-04-01) to out: comment (omitted when NULL), then
 * each change's action, name, type, TTL (omitted when negative) and
 * values, escaped by libxml2.  Alias targets are not written.
 */
void	r53_xml_build_change_batch(const char *comment,
	    const struct r53_change *, size_t nchanges, struct buf *out);

#endif
