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
 * with "; " between tags and only the tags the config sets.
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

/* 1 when text is a DMARC record: it starts with "v=DMARC1" (white space
 * allowed around '=', "v" and "DMARC1" in any case) followed by ';', white
 * space or the end. */
int	dmarc_is_record(const char *text);

/*
 * Splits text into tags.  Fails (-1, err) when text is not a DMARC record,
 * when a tag has no '=' or a name that is not a tag name, or when a tag is
 * repeated.  Tags mailauth does not know are kept: receivers ignore them.
 */
int	dmarc_parse(const char *text, struct dmarc_record *, struct err *);
void	dmarc_record_release(struct dmarc_record *);
/* The value of the tag, or NULL. */
const char *dmarc_tag_get(const struct dmarc_record *, const char *name);

/*
 * 1 when a and b mean the same to a receiver: the same tags with the same
 * values, ignoring white space, tag order, the case of tag names and of
 * keyword values (p, sp, np, t, adkim, aspf, fo, v), and white space around
 * the commas of URI lists.  0 otherwise, or when either does not parse.
 */
int	dmarc_equivalent(const char *a, const char *b);

/*
 * Checks a live record, adding warnings and errors to d located at
 * (file, 0, 0) with messages that start with where (e.g. the record name):
 * rf= present (removed by RFC 9989), pct=/ri= present (legacy), missing or
 * invalid p=, values out of range, unknown tags.
 */
void	dmarc_check(const char *text, const char *where, struct diags *d);

#endif
