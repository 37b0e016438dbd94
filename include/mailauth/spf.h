/*
 * spf.h - SPF record text (RFC 7208): render from a spec, recognise,
 * compare, check, and encode as one Route 53 TXT value.
 *
 * The rendered record is
 *   v=spf1 ip4:X... ip6:X... a mx include:X... [-all|~all|?all]
 * each list in the order written, duplicates (case ignored) dropped, one
 * space between terms (docs/records.md).
 */
#ifndef MAILAUTH_SPF_H
#define MAILAUTH_SPF_H

#include <stddef.h>

struct buf;
struct diags;

enum spf_all {
	SPF_ALL_UNSET,		/* no all: the record ends without it */
	SPF_ALL_FAIL,		/* -all */
	SPF_ALL_SOFTFAIL,	/* ~all */
	SPF_ALL_NEUTRAL		/* ?all */
};

/*
 * What mailauth renders into an SPF record.  The lists are arrays of n
 * strings; whoever fills the spec owns them (the config does for its
 * domains).
 */
struct spf_spec {
	char		**include;	/* host names */
	size_t		  ninclude;
	char		**ip4;		/* addresses or "net/prefix" */
	size_t		  nip4;
	char		**ip6;
	size_t		  nip6;
	int		  a;		/* bool */
	int		  mx;		/* bool */
	enum spf_all	  all;
};

/* The limit of DNS-querying terms per evaluation (RFC 7208 §4.6.4). */
#define SPF_DNS_TERMS_MAX	10
/* Over this many bytes a record is warned about (RFC 7208 §3.4). */
#define SPF_SIZE_WARN		450

/* Appends the record text (unquoted) for spec to out. */
void	spf_render(const struct spf_spec *, struct buf *out);

/*
 * 1 when text is an SPF record: it starts with "v=spf1" (any case)
 * followed by a space or the end (RFC 7208 §4.5).  No leading white space:
 * receivers do not select such a record either.
 */
int	spf_is_record(const char *text);

/*
 * Checks a record, adding every problem to d with no location and a message
 * that starts with "where: " (NULL: "SPF record") and ends with the RFC
 * 7208 section, e.g. "(RFC 7208 §4.6.4)".
 *
 * Syntax (errors; receivers return permerror): not an SPF record, a byte
 * outside printable ASCII or a separator other than a space, an unknown
 * mechanism, a mechanism with arguments it does not take or without those
 * it needs, bad ip4/ip6 networks and CIDR lengths (no leading zeros, at most
 * 32 and 128), domain-specs that do not end in a macro or a "." and a valid
 * top label, bad macro syntax (c, r and t are for exp text only), modifier
 * names that do not start with a letter, a redirect or exp modifier given
 * twice.
 *
 * Policy: more than SPF_DNS_TERMS_MAX terms among include, a, mx, ptr,
 * exists and redirect (error; 9 or 10 warns, since included records count
 * too); ptr and the %{p} macro in a domain (warning); a term that passes
 * every host, whether +all, a bare all, or a pass ip4, ip6, a or mx with a
 * prefix length of 0 (error, one rule); an include, or a redirect of a
 * record without all, whose target is the record itself (%{d}, %{o}, or
 * the domain when known: a loop, error) or a literal name with an empty
 * label, a label over 63 bytes or over 253 bytes (permerror, error);
 * neither all nor redirect (warning); terms after all, or redirect beside
 * all, which receivers ignore (warning); such a literal name after a, mx,
 * ptr, exists or exp, which can never match (warning); over SPF_SIZE_WARN
 * bytes (warning).
 */
void	spf_check(const char *text, const char *where, struct diags *d);

/* The syntax findings of spf_check() only. */
void	spf_check_syntax(const char *text, const char *where, struct diags *d);

#define SPF_CHECK_SYNTAX	0x01u
#define SPF_CHECK_POLICY	0x02u
#define SPF_CHECK_ALL		(SPF_CHECK_SYNTAX | SPF_CHECK_POLICY)

/* The same on len bytes that may hold NUL bytes (an error), as a TXT value
 * decodes; what is either SPF_CHECK_* set of findings.  Every check of a
 * decoded TXT value goes through here or spf_check_at(), never through a
 * NUL-terminated copy. */
void	spf_check_bytes(const char *text, size_t len, const char *where,
	    unsigned int what, struct diags *d);

/* spf_check_bytes() of the record published at domain (NULL: unknown),
 * so that an include or redirect of the domain itself is found too. */
void	spf_check_at(const char *domain, const char *text, size_t len,
	    const char *where, unsigned int what, struct diags *d);

/*
 * 1 when a and b are the same record to mailauth: both SPF records whose
 * terms, split at runs of spaces (leading and trailing ones ignored), are
 * pairwise equal in the same order.  Terms compare with the version, the
 * mechanism and modifier names in any case, and '+' the same as no
 * qualifier (RFC 7208 §4.6.2); arguments (names, addresses, macros) are
 * compared exactly.  Callers compare joined text (txt_decode), so a record
 * split into other character-strings is the same record.  0 otherwise.
 */
int	spf_equivalent(const char *a, const char *b);

/*
 * What a receiver falls back to for hosts no other mechanism matches: when
 * text is an SPF record with an all mechanism, sets *q to its qualifier
 * ('+' also for a bare "all", '-', '~' or '?') and returns 1.  Only the
 * first all counts: terms after it are never evaluated.  Returns 0 when
 * text has no all or is not an SPF record (then see spf_has_redirect()).
 */
int	spf_all_qualifier(const char *text, char *q);

/* 1 when text is an SPF record with a redirect= modifier (name in any
 * case), else 0. */
int	spf_has_redirect(const char *text);

/*
 * Appends text as one Route 53 TXT value, like txt_encode(), but split
 * only at term boundaries: each character-string (at most TXT_STRING_MAX
 * bytes) ends before a space and the next begins with it, so that the
 * joined text is unchanged and each string reads as whole terms.  A term
 * over TXT_STRING_MAX bytes is cut inside, there being no other way.
 */
void	spf_txt_encode(const char *text, struct buf *out);

#endif
