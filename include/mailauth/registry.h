/*
 * registry.h - the ownership registry (src/desired/registry.c): one TXT
 * record per configured domain, at _mailauth.<domain>, listing the names
 * (relative to the domain) and the kinds of record mailauth has a value
 * at, so that a plan knows what it wrote once the config no longer says
 * so.  The format is docs/records.md ("The ownership registry"):
 *
 *   v=mailauth1; dmarc=_dmarc; spf=@,bounce; dkim=s1._domainkey
 *
 * Pure: no I/O.  What a plan does with it is src/plan/registry.c.
 */
#ifndef MAILAUTH_REGISTRY_H
#define MAILAUTH_REGISTRY_H

#include <stddef.h>

#include "mailauth/desired.h"

struct buf;
struct err;

#define REGISTRY_LABEL		"_mailauth"	/* the record's first label */
#define REGISTRY_VERSION	"v=mailauth1"
/* Bytes of registry text, written or read: its names' "\ooo" escapes
 * cost at most a quarter more once TXT-encoded, so a registry at the
 * limit stays well within one Route 53 value (VALUE_MAX_CHARS, 4000). */
#define REGISTRY_TEXT_MAX	2048

/* One name mailauth owns a value of kind at: relative to the domain, in
 * canonical form without the trailing dot ("s1._domainkey", "\052.x"),
 * "@" for the domain itself. */
struct registry_entry {
	enum record_kind	 kind;
	char			*name;
};

struct registry {
	struct registry_entry	*v;
	size_t			 n;
};

/* What registry_parse() found wrong. */
enum registry_fault {
	REGISTRY_OK,
	REGISTRY_MALFORMED,	/* does not parse */
	REGISTRY_OUTSIDE	/* parses, but names a name absolutely (with
				 * a trailing dot): outside what the domain's
				 * registry may claim */
};

/* 1 when the decoded TXT text is a registry value: it starts with
 * "v=mailauth" (any version; registry_parse() reads only version 1). */
int	registry_is_record(const char *text);
/*
 * Parses len bytes of registry text (untrusted: a NUL is an error): the
 * version tag, then "; TOKEN=NAME,NAME..." per kind (record_kind_token()),
 * white space allowed around ';', '=' and ','; an empty last tag after a
 * final ';' is allowed.  Refused: text over REGISTRY_TEXT_MAX bytes, an
 * unknown or repeated token, an empty list, a name listed twice under one
 * token, a name that is not "@" or a relative name in canonical form
 * (labels of a-z, 0-9, '-', '_' and "\ooo" escapes of other bytes, 1 to
 * 63 bytes each).  Returns REGISTRY_OK with r filled (release with
 * registry_release()), or the fault with err saying why and r empty.
 */
enum registry_fault registry_parse(const char *text, size_t len,
	    struct registry *r, struct err *err);
/* Adds (kind, name) unless it is there (name copied). */
void	registry_add(struct registry *, enum record_kind, const char *name);
/* 1 when r lists (kind, name). */
int	registry_has(const struct registry *, enum record_kind,
	    const char *name);
/*
 * Appends the registry text to out: kinds in the order of enum
 * record_kind, names sorted (byte order), so that equal registries give
 * equal text.  Returns -1 with err, out unchanged, when the text would be
 * over REGISTRY_TEXT_MAX bytes.
 */
int	registry_render(const struct registry *, struct buf *out,
	    struct err *err);
void	registry_release(struct registry *);

/* The registry's own name for the domain canonical dcanon (malloc'd). */
char	*registry_name(const char *dcanon);
/* canon (canonical) relative to dcanon as the registry writes it
 * (malloc'd): "@" for the domain itself; NULL when canon is not dcanon or
 * below it. */
char	*registry_relative(const char *canon, const char *dcanon);
/* The canonical name of the registry name rel in dcanon (malloc'd); NULL
 * when the name would be too long. */
char	*registry_absolute(const char *rel, const char *dcanon);

#endif
