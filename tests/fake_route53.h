/*
 * fake_route53.h - a fake Route 53 for the unit tests (fake_route53.c):
 * hosted zones and record sets served from memory through the HTTP hook,
 * in Route 53's orders (or another, or moto's), every request counted and
 * logged, and errors injected on request.
 */
#ifndef MAILAUTH_FAKE_ROUTE53_H
#define MAILAUTH_FAKE_ROUTE53_H

#include <stddef.h>

struct aws_creds;
struct http_transport;
struct r53_client;

#define FAKE_ZONES_MAX	300
#define FAKE_LOG_MAX	256

struct fset {
	char	*name;		/* canonical */
	char	*type;
	char	*ident;		/* SetIdentifier, or NULL */
	long	 ttl;
	char	*value;	/* several: separated by newlines */
	char	*alias;		/* alias DNSName, or NULL */
};

/* A public zone's name servers (GetHostedZone's DelegationSet) are
 * ns-1.ID.test. and ns-2.ID.test. */
struct fzone {
	char		 id[16];
	char		 name[64];	/* canonical */
	int		 private_zone;
	int		 hide_count;	/* no ResourceRecordSetCount */
	struct fset	*sets;
	size_t		 nsets;
	int		 sorted;
};

struct fake {
	struct fzone	 zones[FAKE_ZONES_MAX];
	size_t		 nzones;
	/* The order the server lists names in (dns_name_cmp, or another). */
	int		(*order)(const char *, const char *);
	/* The order it lists zones in (Route 53's: fake_zone_order, or
	 * another), then by id. */
	int		(*zone_order)(const char *, const char *);
	int		 exact_only;	/* a name gets the zones of that name
					 * alone, all of them (moto) */
	int		 stuck;		/* hostedzoneid is ignored */
	size_t		 by_name, get_zone, rrsets;	/* requests */
	size_t		 last_maxitems;			/* of rrsets */
	/* Of each ListHostedZonesByName: dnsname ("" for none) and
	 * hostedzoneid (NULL for none). */
	char		*queries[256];
	char		*query_ids[256];
	/* Every request's path and query after the API version, in order. */
	char		*log[FAKE_LOG_MAX];
	size_t		 nlog;
	int		 fail_rrsets_at;		/* 1-based; 0 never */
	int		 fail_by_name_at;		/* 1-based; 0 never */
};

/* Points c, through http and creds, at f, which lists in Route 53's
 * orders. */
void	 fake_open(struct fake *f, struct http_transport *http,
	    struct aws_creds *creds, struct r53_client *c);
struct fzone *fake_zone(struct fake *, const char *id, const char *name);
/* A record set of one value (as Route 53 writes it; several separated by
 * newlines) and TTL 300. */
struct fset *fake_add(struct fzone *, const char *name, const char *type,
	    const char *value);
void	 fake_release(struct fake *);

/* Route 53's own description of its order of names: the reversed name
 * with a dot after each label ("com.example.www."). */
void	 fake_reversed(const char *name, char *out, size_t size);
/* Route 53's order of zones: fake_reversed() names, as text. */
int	 fake_zone_order(const char *, const char *);
/* moto's order: the reversed name without its trailing dot, as text. */
int	 fake_moto_order(const char *, const char *);

#endif
