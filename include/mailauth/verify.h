/*
 * verify.h - what receivers see in DNS, checked against what the config
 * wants (src/verify/): the records of one domain asked of a resolver
 * (mailauth/resolve.h) and compared with its desired records
 * (mailauth/desired.h) by the equivalence plan uses
 * (record_kind_equivalent()), and the SPF include tree counted as
 * check_host() counts it (RFC 7208 §4.6.4).
 *
 * A finding is something receivers see that differs from the config or
 * breaks the record; a name that could not be asked (timeout, SERVFAIL,
 * REFUSED, an answer that does not parse, the query budget spent) is
 * never made a finding: it is reported as "could not check NAME: why".
 */
#ifndef MAILAUTH_VERIFY_H
#define MAILAUTH_VERIFY_H

#include <stddef.h>

struct cfg_domain;
struct desired;
struct resolve;

/* Short ids of the checks (docs/verify-json.md lists them). */
#define VERIFY_UNCHECKED	"unchecked"	/* could not check */

struct verify_finding {
	char	*name;		/* the DNS name, no final dot, printable */
	char	*check;		/* short id: "spf-lookups", ... */
	char	*message;	/* printable, house style */
	int	 unchecked;	/* a "could not check" line, not a finding */
};

struct verify_report {
	char			*domain;
	struct verify_finding	*v;	/* in the order found */
	size_t			 n;
	size_t			 nfindings;	/* of v, not unchecked */
	size_t			 nunchecked;
	size_t			 queries;	/* DNS queries it cost */
};

/*
 * Checks what r's servers answer for dom against the desired records
 * among v (those whose domain is dom; the others are skipped): the SPF
 * records (apex and SES MAIL FROM) published once, equivalent to the
 * config's, and their include/redirect tree within RFC 7208's limits; each
 * DKIM selector's key record (following CNAMEs), an absent selector not
 * resolving; _dmarc published once and equivalent; the report
 * authorization record of every external rua/ruf domain; the SES MAIL
 * FROM MX.  The queries of one step go out together.  The budget of r is
 * reset for the domain first.  Appends to out (its domain set here).
 */
void	verify_domain(struct resolve *r, const struct cfg_domain *dom,
	    const struct desired *v, size_t n, struct verify_report *out);

/*
 * Compares the NS set the public DNS gives for zone (asked of sys, the
 * system's resolver) with ns (canonical names, the hosted zone's
 * delegation set): a difference is the finding "delegation", appended to
 * out; an NS query that fails is an unchecked line.
 */
void	verify_delegation(struct resolve *sys, const char *zone,
	    char *const *ns, size_t nns, struct verify_report *out);

/* The DNS-querying terms of an SPF record (RFC 7208 §4.6.4), as the tree
 * walk reads them from DNS: pure, for tests and the fuzz harness. */
enum verify_spf_kind {
	VERIFY_SPF_INCLUDE,
	VERIFY_SPF_A,
	VERIFY_SPF_MX,
	VERIFY_SPF_PTR,
	VERIFY_SPF_EXISTS,
	VERIFY_SPF_REDIRECT	/* only when applied: no all in the record */
};

struct verify_spf_lookup {
	enum verify_spf_kind	 kind;
	/* The target, canonical, its CIDR length cut (a, mx); NULL for the
	 * record's own domain (a, mx without one), a macro, no name. */
	char			*target;
	int			 macro;		/* holds a macro: needs a sender */
	int			 invalid;	/* not a name */
};

/*
 * The terms of the SPF record text (len bytes, NUL bytes allowed) that
 * query DNS, in order, an applied redirect last, into *v (release with
 * verify_spf_lookups_release()); returns how many.
 */
size_t	verify_spf_lookups(const char *text, size_t len,
	    struct verify_spf_lookup **v);
void	verify_spf_lookups_release(struct verify_spf_lookup *, size_t);

/* Appends a finding (unchecked 0) or a could-not-check line. */
void	verify_add(struct verify_report *, const char *name, const char *check,
	    int unchecked, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
void	verify_report_release(struct verify_report *);

#endif
