/*
 * dmarc-report.h - which report authorization records a DMARC record
 * needs (src/dns/dmarc-report.c): RFC 9990 §4 and RFC 9991 §3, "Verifying
 * External Destinations".  Pure: no DNS.
 *
 * When the Organizational Domain (mailauth/orgdomain.h) of a rua/ruf
 * mailto: address's domain R differs from that of the domain D whose
 * _dmarc record names it, receivers send reports to that address only if
 * R publishes a TXT record at
 *
 *   D._report._dmarc.R        (D: the domain the policy was found at)
 *
 * whose value starts with "v=DMARC1"; a wildcard *._report._dmarc.R, being
 * DNS, answers for every D.  Without it they drop the address (RFC 9990
 * §4: "a positive determination of the external reporting relationship
 * cannot be made").
 */
#ifndef MAILAUTH_DMARC_REPORT_H
#define MAILAUTH_DMARC_REPORT_H

#include <stddef.h>

/* One authorization record a DMARC record needs. */
struct dmarc_report_auth {
	char	*name;		/* "D._report._dmarc.R": lower case, A-labels,
				 * no final dot */
	char	*report_domain;	/* R, the same form */
	/* The name is over 253 octets or a label over 63: it cannot exist,
	 * so receivers cannot verify R and never send there. */
	int	 too_long;
};

/*
 * Appends to *v (n entries) the authorization records that domain (the
 * domain D whose _dmarc record it is; as dns_name_to_ascii() accepts it)
 * needs for the report URIs in uris: one rua= or ruf= value, a ','
 * separated list as written in a record, or one config entry.  Only
 * mailto: URIs count (receivers send reports by mail only); an address
 * whose domain is not a host name (dns_hostname_check(), after IDNA) or
 * that has the same Organizational Domain as D needs nothing.  A pair
 * already in *v is not added again.  Returns -1, adding nothing, when
 * domain itself is not a host name; else 0.
 */
/*
 * The domain of the mailto: URI [s, s + n): the part after the last '@'
 * of the address, which ends at '?' (headers) or '!' (a size limit), as
 * an ASCII host name in lower case without the final dot (malloc'd); NULL
 * for another scheme, a percent-encoded domain or one that is no host.
 */
char	*dmarc_mailto_domain(const char *s, size_t n);
int	dmarc_report_auths(const char *domain, const char *uris,
	    struct dmarc_report_auth **v, size_t *n);
void	dmarc_report_auths_release(struct dmarc_report_auth *, size_t);

/* The text mailauth publishes at an authorization name. */
#define DMARC_REPORT_AUTH_TEXT	"v=DMARC1"

struct diags;

/*
 * The record at an authorization name, as the record-kind table uses it
 * (src/desired/kinds.c).  Owned values are those dmarc_is_record() takes:
 * they start with "v=DMARC1".  Two are equivalent when both parse
 * (dmarc_parse()) and carry the same rua= and ruf= (both absent, or equal
 * after white space around them is dropped): RFC 9990 §4 lets the report
 * domain name other addresses there, and receivers read no other tag.
 * The check reports, with a message that starts with where, a value that
 * does not parse as an error: receivers discard it, so the report domain
 * has not authorized anything.
 */
int	dmarc_report_auth_equivalent(const char *a, const char *b);
void	dmarc_report_auth_check(const char *text, const char *where,
	    struct diags *);

#endif
