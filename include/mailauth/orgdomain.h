/*
 * orgdomain.h - the Organizational Domain of a name (src/dns/orgdomain.c):
 * the name one label below its public suffix, from the Public Suffix List
 * built into libpsl.  Pure: no DNS, no files, no clock.
 *
 * RFC 9989 §4.10 finds the Organizational Domain with a DNS Tree Walk
 * (_dmarc records and their psd= tags, up to eight queries); RFC 7489
 * §3.2 used a public suffix list.  mailauth must answer offline, in plan,
 * lint and validate, so it uses the list, as most receivers still do; for
 * a registered domain under a listed suffix both methods agree, and they
 * differ only where a suffix operator publishes psd= records
 * (docs/records.md).
 */
#ifndef MAILAUTH_ORGDOMAIN_H
#define MAILAUTH_ORGDOMAIN_H

struct buf;

/*
 * Appends to out the Organizational Domain of name: an ASCII name (IDNs as
 * A-labels, see dns_name_to_ascii()), any case, with or without the final
 * dot.  out receives it in lower case without the final dot.  Returns 0; 1
 * when name is itself a public suffix ("co.uk"), and out then receives the
 * name itself (it is its own organisation: nothing is above it but
 * suffixes); -1 when name is empty, has an empty label, holds a byte
 * outside printable ASCII or is over 253 bytes, and out is unchanged.
 */
int	org_domain(const char *name, struct buf *out);

/* 1 when a and b have the same Organizational Domain; 0 when they differ
 * or either is not a name org_domain() accepts. */
int	org_domain_same(const char *a, const char *b);

#endif
