/*
 * dmarc.h - DMARC record text: render from a spec, parse, compare, check;
 * the names of the policies.
 *
 * DMARC is RFC 9989 (May 2026), which obsoletes RFC 7489: it adds np= and
 * t=, and removes pct=, rf= and ri=.  mailauth still renders pct and ri when
 * the config asks (with a warning from the config loader), never renders
 * rf, and reads a live record carrying rf with a warning.
 *
 * Rendered tag order is fixed and documented (docs/records.md):
 *   v=DMARC1; p=; sp=; np=; t=; pct=; rua=; ruf=; adkim=; aspf=; fo=; ri=
 * with "; " between tags and only the tags the spec sets.  t=y is written
 * for testing: true; testing: false writes nothing, t=n being the default.
 */
#ifndef MAILAUTH_DMARC_H
#define MAILAUTH_DMARC_H

#include <stddef.h>

struct buf;
struct diags;
struct err;

enum dmarc_policy {
	DMARC_POLICY_UNSET,
	DMARC_POLICY_NONE,
	DMARC_POLICY_QUARANTINE,
	DMARC_POLICY_REJECT
};

enum dmarc_align {
	DMARC_ALIGN_UNSET,
	DMARC_ALIGN_RELAXED,	/* r */
	DMARC_ALIGN_STRICT	/* s */
};

/*
 * What mailauth renders into a DMARC record; UNSET values and empty lists
 * are not written.  The lists are arrays of n strings; whoever fills the
 * spec owns them (the config does for its domains).
 */
struct dmarc_spec {
	enum dmarc_policy	policy;		/* p= */
	enum dmarc_policy	subdomain_policy;		/* sp= */
	enum dmarc_policy	nonexistent_subdomain_policy;	/* np= */
	int			testing;	/* -1 unset, 0 false (t=n), 1 true (t=y) */
	int			pct;		/* -1 unset, else 0..100 */
	char			**rua;
	size_t			 nrua;
	char			**ruf;
	size_t			 nruf;
	enum dmarc_align	adkim;
	enum dmarc_align	aspf;
	char			**fo;		/* each "0", "1", "d" or "s" */
	size_t			 nfo;
	long			ri;		/* -1 unset, else seconds */
};

/* How dmarc_policy_parse() compares a name. */
enum dmarc_case {
	DMARC_CASE_EXACT,	/* as mailauth.yaml writes it: lower case */
	DMARC_CASE_ANY,		/* as receivers read records and reports */
};

/* "none", "quarantine", "reject"; NULL for UNSET or another value. */
const char *dmarc_policy_name(enum dmarc_policy);
/* The policy a name stands for, compared as cmp says, or
 * DMARC_POLICY_UNSET when it is none of them. */
enum dmarc_policy dmarc_policy_parse(const char *name, enum dmarc_case cmp);

struct dmarc_tag {
	char	*name;		/* lower case */
	char	*value;		/* white space around it removed */
};

struct dmarc_record {
	struct dmarc_tag	*tags;	/* in the order written */
	size_t			 ntags;
};

/* Appends the record text (unquoted) for spec to out. */
void	dmarc_render(const struct dmarc_spec *, struct buf *out);

/*
 * 1 when text is a DMARC record: it starts with "v=DMARC1" (white space
 * allowed around '=', "v" and "DMARC1" in any case) followed by ';', white
 * space or the end.  Leading white space is allowed too, so that mailauth
 * owns such a broken record and replaces it; dmarc_check() reports it, and
 * a version not written exactly "DMARC1", as errors.
 */
int	dmarc_is_record(const char *text);

/*
 * Splits text into tags.  Fails (-1, err) when text is not a DMARC record,
 * when a tag has no '=' or a name that is not a tag name (a letter, then
 * letters, digits or '_'), or when a tag is repeated; rec then holds
 * nothing.  Empty tags (";;", a final ';') are skipped.  Tags mailauth does
 * not know are kept: receivers ignore them.  v is always tags[0].  On
 * success the caller releases rec.
 */
int	dmarc_parse(const char *text, struct dmarc_record *, struct err *);
void	dmarc_record_release(struct dmarc_record *);
/* The value of the tag, or NULL. */
const char *dmarc_tag_get(const struct dmarc_record *, const char *name);

/*
 * 1 when a and b mean the same to a receiver: the same tags with the same
 * values, ignoring white space, tag order, the case of keyword values (p,
 * sp, np, t, psd, adkim, aspf, and the items of fo and rf), and white
 * space around the ':' and ',' of lists.  Tag names must be in lower case
 * on both sides (or the bytes the same): Mail::DMARC ignores "P=", which
 * OpenDMARC reads as "p=".  The version is
 * compared exactly: receivers ignore "v=dmarc1".  A tag missing from one
 * side makes them differ even when the other side has its default value.
 * 0 otherwise, or when either does not parse (a NUL byte included).
 * dmarc_equivalent_bytes() takes lengths, for text decoded from a TXT
 * value, which may hold NUL bytes.
 */
int	dmarc_equivalent(const char *a, const char *b);
int	dmarc_equivalent_bytes(const char *a, size_t alen, const char *b,
	    size_t blen);

/*
 * Checks a record (live, or one mailauth is about to write) against RFC
 * 9989, adding every problem to d with no location and a message that
 * starts with "where: " (e.g. the record name; NULL: "DMARC record").
 * Errors, for what makes receivers ignore the record or a tag: not a DMARC
 * record, leading white space, a version other than "DMARC1", a tag without
 * '=', a bad tag name, a repeated tag, bytes outside printable ASCII (a NUL
 * included: the record is checked to its length), bad
 * p/sp/np/t/psd/adkim/aspf/fo values, rua/ruf entries that are not URIs
 * or are mailto: URIs without an address, no p= without a valid rua=
 * (with one, receivers assume p=none: a warning).  pct, ri and rf, which
 * RFC 9989 removed, are one diagnostic each: a warning, or an error when
 * the value is one RFC 7489 did not allow (pct outside 0-100, ri not a
 * number, rf other than afrf and iodef), for which older receivers may
 * ignore the whole record.  Warnings: unknown tags, a known tag name not
 * in lower case (OpenDMARC reads it, Mail::DMARC ignores it), empty tags
 * (";;"), p= not right after v= (RFC 7489 wants it there), report URIs
 * that are not mailto:.  dmarc_check_bytes() checks len bytes.
 */
void	dmarc_check(const char *text, const char *where, struct diags *d);
void	dmarc_check_bytes(const char *text, size_t len, const char *where,
	    struct diags *d);

#endif
