/*
 * dmarc.h - DMARC record text: render from the config, parse, compare, check.
 *
 * DMARC is RFC 9989 (May 2026), which obsoletes RFC 7489: it adds np= and
 * t=, and removes pct=, rf= and ri=.  mailauth still renders pct and ri when
 * the config asks (with a warning from the config loader), never renders
 * rf, and reads a live record carrying rf with a warning.
 *
 * Rendered tag order is fixed and documented (docs/records.md):
 *   v=DMARC1; p=; sp=; np=; t=; pct=; rua=; ruf=; adkim=; aspf=; fo=; ri=
 * with "; " between tags and only the tags the config sets.  t=y is written
 * for testing: true; testing: false writes nothing, t=n being the default.
 */
#ifndef MAILAUTH_DMARC_H
#define MAILAUTH_DMARC_H

#include <stddef.h>

struct buf;
struct cfg_dmarc;
struct diags;
struct err;

struct dmarc_tag {
	char	*name;		/* lower case */
	char	*value;		/* white space around it removed */
};

struct dmarc_record {
	struct dmarc_tag	*tags;	/* in the order written */
	size_t			 ntags;
};

/* Appends the record text (unquoted) for the config to out. */
void	dmarc_render(const struct cfg_dmarc *, struct buf *out);

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
 * values, ignoring white space, tag order, the case of tag names and of
 * keyword values (p, sp, np, t, psd, adkim, aspf, and the items of fo and
 * rf), and white space around the ':' and ',' of lists.  The version is
 * compared exactly: receivers ignore "v=dmarc1".  A tag missing from one
 * side makes them differ even when the other side has its default value.
 * 0 otherwise, or when either does not parse.
 */
int	dmarc_equivalent(const char *a, const char *b);

/*
 * Checks a record (live, or one mailauth is about to write) against RFC
 * 9989, adding every problem to d with no location and a message that
 * starts with "where: " (e.g. the record name; NULL: "DMARC record").
 * Errors, for what makes receivers ignore the record or a tag: not a DMARC
 * record, leading white space, a version other than "DMARC1", a tag without
 * '=', a bad tag name, a repeated tag, bytes outside printable ASCII, bad
 * p/sp/np/t/psd/adkim/aspf/fo values, rua/ruf entries that are not URIs,
 * no p= without a valid rua= (with one, receivers assume p=none: a warning),
 * and, for older receivers that still read them, pct outside 0-100, ri not
 * a number, rf other than afrf.  Warnings: pct, ri, rf present (not in RFC
 * 9989), unknown tags, empty tags (";;"), p= not right after v= (RFC 7489
 * wants it there), report URIs that are not mailto: or have no address.
 */
void	dmarc_check(const char *text, const char *where, struct diags *d);

#endif
