/*
 * bimi.h - BIMI assertion records (draft-brand-indicators-for-message-
 * identification-10 §4.3, src/dns/bimi.c): render, parse, compare, check,
 * and the https URLs its l= and a= tags hold.  Pure: nothing is fetched.
 *
 * mailauth publishes at default._bimi.<domain>
 *
 *   v=BIMI1; l=LOGO-URL                      (no authority)
 *   v=BIMI1; l=LOGO-URL; a=AUTHORITY-URL
 *
 * leaving a= out when there is no authority: the draft reads a missing
 * a= as an empty one.
 */
#ifndef MAILAUTH_BIMI_H
#define MAILAUTH_BIMI_H

#include <stddef.h>

struct buf;
struct diags;
struct err;

/* What mailauth renders; the strings are borrowed. */
struct bimi_spec {
	const char	*logo;		/* l=: an https URL of an SVG */
	const char	*authority;	/* a=: an https URL of a VMC/CMC;
					 * NULL: none */
};

/*
 * Checks an https URL for l= or a= (len bytes): it starts with
 * "https://" (any case), has a host name (dns_hostname_check(); an
 * optional ":PORT"; no user name), holds only printable ASCII without
 * white space, and no ',' or ';' (which end the URI or the tag: they
 * must be written %2C and %3B).  -1 with err.
 */
int	bimi_url_check(const char *url, size_t len, struct err *);

/* Appends the record text for spec to out. */
void	bimi_render(const struct bimi_spec *, struct buf *out);

/*
 * 1 when text is a value mailauth owns at a BIMI name: it starts with
 * "v=BIMI1" in any case, white space allowed around '=' and before it,
 * followed by ';', white space or the end (a broken record is owned, and
 * replaced; the check reports it).
 */
int	bimi_is_record(const char *text);

/* The tags receivers read, as parsed (malloc'd strings, white space
 * around them removed; NULL when the tag is absent). */
struct bimi_record {
	char	*l;
	char	*a;
	char	*lps;
	char	*avp;
	char	*unknown;	/* the first tag the draft lacks */
};

/*
 * Parses len bytes of record text: tags as DKIM's (RFC 6376 §3.2), v=
 * first and exactly "BIMI1", each tag at most once, l= present, l= and
 * a= empty or an https URL (bimi_url_check()), lps= "true" or "false",
 * avp= "brand" or "personal", only printable ASCII (a NUL is an error).
 * -1 with err (and rec holding nothing) when receivers ignore the
 * record; else the caller releases rec.
 */
int	bimi_parse(const char *text, size_t len, struct bimi_record *,
	    struct err *);
void	bimi_record_release(struct bimi_record *);

/* 1 when both parse and carry the same l=, a= (missing and empty are the
 * same), lps= and avp=; other tags are ignored, as receivers do. */
int	bimi_equivalent_bytes(const char *a, size_t alen, const char *b,
	    size_t blen);
/*
 * Checks len bytes of record text: what bimi_parse() refuses is an
 * error; an unknown tag a warning, and so is an empty l= (the domain
 * declines to show a logo).  Messages start with "where: " (NULL: "BIMI
 * record").
 */
void	bimi_check_bytes(const char *text, size_t len, const char *where,
	    struct diags *);

#endif
