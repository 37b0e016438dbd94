/*
 * dns.h - the record model shared by every layer, DNS names and TXT text.
 *
 * Pure code, no I/O.  A struct rrset is one Route 53 resource record set:
 * a name, a type, a TTL and values in Route 53's presentation format (a TXT
 * value is one or more quoted character-strings, e.g. "\"v=DMARC1; p=none\""),
 * and every other field Route 53 returns (alias target, routing fields),
 * so that a DELETE can name exactly the set Route 53 holds.
 *
 * Names: Route 53 returns names in lower case with a trailing dot, and every
 * character outside a-z, 0-9, '-' and '_' as a "\ooo" octal escape ('*' is
 * "\052").  dns_name_canon() puts any name into exactly that form, so two
 * names are the same name when their canonical forms are equal strings.
 */
#ifndef MAILAUTH_DNS_H
#define MAILAUTH_DNS_H

#include <stddef.h>

struct buf;
struct err;

#define TXT_STRING_MAX	255	/* bytes in one character-string (RFC 1035) */

/*
 * The routing fields of a record set, in the order Route 53's schema
 * places them (RRSET_TTL_AFTER: those before that one come before TTL and
 * ResourceRecords, the others after AliasTarget).  A simple record set has
 * none; a set with a routing policy has SetIdentifier and the field of its
 * policy.  Each is kept as the text Route 53 returned, so a DELETE can
 * repeat it exactly.
 */
enum rrset_field {
	RRSET_SET_IDENTIFIER,
	RRSET_WEIGHT,
	RRSET_REGION,
	RRSET_GEO_CONTINENT,
	RRSET_GEO_COUNTRY,
	RRSET_GEO_SUBDIVISION,
	RRSET_FAILOVER,
	RRSET_MULTIVALUE,
	RRSET_HEALTH_CHECK,	/* = RRSET_TTL_AFTER */
	RRSET_TRAFFIC_POLICY,
	RRSET_CIDR_COLLECTION,
	RRSET_CIDR_LOCATION,
	RRSET_GEOPROX_REGION,
	RRSET_GEOPROX_LOCAL_ZONE,
	RRSET_GEOPROX_LATITUDE,
	RRSET_GEOPROX_LONGITUDE,
	RRSET_GEOPROX_BIAS,
	RRSET_NFIELDS
};
#define RRSET_TTL_AFTER	RRSET_HEALTH_CHECK

/* What one routing field is called where it is written. */
struct rrset_field_name {
	const char	*xml;		/* Route 53's element path, e.g.
					 * "GeoLocation/CountryCode" */
	const char	*json;		/* the saved plan's key, e.g.
					 * "geo_country_code" */
	const char	*policy;	/* the routing policy it makes, e.g.
					 * "geolocation"; NULL for none */
};

/* The names of field f (f < RRSET_NFIELDS). */
const struct rrset_field_name *rrset_field_name(enum rrset_field f);

struct rrset {
	char	 *name;		/* canonical (see dns_name_canon) */
	char	 *type;		/* "TXT", "CNAME", "MX", ... */
	long	  ttl;		/* -1 for alias records, which have none */
	char	**values;	/* presentation format, as Route 53 has them */
	size_t	  nvalues;
	char	 *alias_target;	/* NULL unless an alias record: DNSName */
	char	 *alias_zone;	/* its AliasTarget HostedZoneId, or NULL */
	char	 *alias_health;	/* its EvaluateTargetHealth text, or NULL */
	char	 *routing[RRSET_NFIELDS];	/* NULL when absent */
};

void	rrset_init(struct rrset *, const char *name, const char *type,
	    long ttl);
void	rrset_value_add(struct rrset *, const char *value);
void	rrset_copy(struct rrset *dst, const struct rrset *src);
void	rrset_release(struct rrset *);
/* Sets field f to value (copied; NULL clears it). */
void	rrset_field_set(struct rrset *, enum rrset_field f, const char *value);
/* 1 when both have the same name, type, TTL, values in the same order,
 * alias target and routing fields. */
int	rrset_equal(const struct rrset *, const struct rrset *);
/* 1 when both have the same alias target and routing fields. */
int	rrset_routing_equal(const struct rrset *, const struct rrset *);
/*
 * NULL for a simple record set (no routing field); else its routing
 * policy as people name it: "weighted", "latency", "geolocation",
 * "failover", "multivalue answer", "traffic flow", "IP-based",
 * "geoproximity", or "health-checked" for a set with only a health check
 * or "non-simple" with only a SetIdentifier.
 */
const char *rrset_policy(const struct rrset *);

/*
 * Returns the canonical form of name (malloc'd): lower case, one trailing
 * dot, "\ooo" escapes for every byte outside [a-z0-9_-] except the dots
 * between labels.  Accepts names with or without the trailing dot and with
 * "\ooo" or "\c" escapes already in them.  NULL with err filled when name is
 * empty, has an empty label or a label over 63 bytes, or is over 255 bytes.
 */
char	*dns_name_canon(const char *name, struct err *);
/* The canonical name as people write it (malloc'd): no trailing dot,
 * escapes of printable characters decoded ("\052" shows as '*'). */
char	*dns_name_display(const char *canon);
/* 1 when canon (canonical) equals or is below zone (canonical). */
int	dns_name_in_zone(const char *canon, const char *zone);
/*
 * Compares two canonical names in the order of Route 53's
 * ListResourceRecordSets, returning <0, 0 or >0 as strcmp() does.  Route
 * 53 documents its order as "ASCII order" of the name with its labels
 * reversed and a dot after each label ("com.example.www."), and warns that
 * the dot changes the order of names holding characters below '.' (46):
 * ! " # $ % & ' ( ) * + , -.  Those are characters, not their escapes, so
 * labels are compared from the root down, each byte by byte as unsigned
 * values with escapes decoded ("\052" is '*', 42), and the end of a label
 * counts as the byte '.' (46):
 *
 *   example.com. < 1.example.com. < _dmarc.example.com.
 *     < x._dmarc.example.com. < s1._domainkey.example.com.
 *     < a.example.com. < www.example.com.
 *   a-b.example.com. < a.example.com. < a0.example.com.
 *
 * An ancestor sorts before its descendants.  Where a label holds an escaped
 * dot at the place the other label ends, the shorter label sorts first.
 */
int	dns_name_cmp(const char *a, const char *b);
/*
 * Checks that name is a host name a mail domain can have: labels of
 * letters, digits, '-' and '_' (1 to 63 bytes, not starting or ending with
 * '-'), at least two labels, at most 253 bytes, no trailing dot needed.
 * Returns 0 or -1 with err explaining which rule failed; a name with bytes
 * outside ASCII is refused whole, quoted as printable ASCII (an IDN goes
 * through dns_name_to_ascii() first).
 */
int	dns_hostname_check(const char *name, struct err *);
/*
 * The name with every label in ASCII, as DNS and Route 53 hold it
 * (malloc'd).  When a label holds Unicode (UTF-8) or starts with "xn--",
 * the whole name goes through IDNA2008 (RFC 5891, libidn2) with the UTS #46
 * non-transitional mapping on NFC input: upper-case letters are lowered and
 * compatibility forms mapped first, so "Bücher.example" gives
 * "xn--bcher-kva.example"; an "xn--" label must be a valid A-label.  Any
 * other ASCII name is returned as it is, unchecked (dns_hostname_check()
 * checks it).  NULL with err filled when the name is not UTF-8 or not valid
 * IDNA; the message quotes the name as printable ASCII.
 */
char	*dns_name_to_ascii(const char *name, struct err *);
/*
 * An ASCII name as people read it (malloc'd): its Unicode form with the
 * ASCII form after it, "bücher.example (xn--bcher-kva.example)", when a
 * label is an A-label; otherwise (or when it does not decode) a copy.
 */
char	*dns_name_both(const char *name);
/*
 * 0 when name, in presentation form with or without the final dot, is at
 * most 253 octets without that dot and no label is over 63; -1 with err
 * naming the name and its length otherwise.
 */
int	dns_name_length_check(const char *name, struct err *);

/*
 * TXT values.  txt_decode() appends to out the text of one Route 53 TXT
 * value: its character-strings joined with no separator (as receivers join
 * them), with "\"", "\\" and "\ooo" (three octal digits, as Route 53
 * writes them) undone.  A value may also be one unquoted word, which Route
 * 53 accepts; it is taken as is, with escapes undone the same way.  On an
 * empty value, an unterminated string, text outside quotes, a bad escape
 * or a quoted string of more than TXT_STRING_MAX bytes once decoded (RFC
 * 1035 §3.3.14; exactly TXT_STRING_MAX is fine) it returns -1 with err
 * filled and out as it was.  The text may hold NUL bytes ("\000"): use
 * out->len, never strlen().
 *
 * txt_encode() does the reverse: appends text quoted as one value, split
 * into character-strings of at most TXT_STRING_MAX bytes of text each,
 * separated by one space, escaping '"' and '\' with a backslash and bytes
 * outside 0x20-0x7e as "\ooo".  The split counts text bytes, so an escape
 * is never cut apart.  Empty text encodes as "\"\"".
 */
int	txt_decode(const char *value, struct buf *out, struct err *);
void	txt_encode(const char *text, struct buf *out);

/*
 * Where txt_encode_split() may end a character-string: TXT_SPLIT_BYTES
 * fills each string (txt_encode); TXT_SPLIT_TERMS ends it before the last
 * space that lets it fit, so the next string starts with that space, and
 * cuts inside a run without spaces only when it is over TXT_STRING_MAX
 * bytes (spf_txt_encode).
 */
enum txt_split {
	TXT_SPLIT_BYTES,
	TXT_SPLIT_TERMS
};

void	txt_encode_split(const char *text, enum txt_split, struct buf *out);

/*
 * Tag lists (RFC 6376 §3.2, which DMARC's record reuses): tag_trim() drops
 * spaces and tabs from both ends of [*s, *s + *n); tag_next_item() sets *s,
 * *n to the next sep-separated item of *pp, trimmed, and returns 1, or
 * returns 0 once *pp is exhausted (NULL).  An empty list yields one empty
 * item.
 */
void	tag_trim(const char **s, size_t *n);
int	tag_next_item(const char **pp, char sep, const char **s, size_t *n);
/* 1 when text starts, after spaces and tabs, with "v=" and version (each
 * in any case, spaces and tabs around '=') followed by ';', a space, a tab
 * or the end: a record of that version, whose owner replaces it even when
 * it is broken (the DMARC1, TLSRPTv1, STSv1 and BIMI1 kinds). */
int	tag_version_is(const char *text, const char *version);

#endif
