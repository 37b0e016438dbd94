/*
 * xml.h - reading untrusted XML response bodies with libxml2 (Route 53,
 * STS, S3): one parser set up once, safely, for every client.
 */
#ifndef MAILAUTH_XML_H
#define MAILAUTH_XML_H

#include <stddef.h>

#include <libxml/tree.h>

struct err;

/*
 * Parses a whole body into a document (free with xmlFreeDoc()): no network,
 * a <!DOCTYPE> refused before its subset is read (so no entity can be
 * declared), nothing printed on stderr; options adds XML_PARSE_* flags
 * (e.g. XML_PARSE_NODICT).  NULL with err set: "response is not
 * well-formed XML", "unexpected DTD in response", "response too large to
 * parse".
 */
xmlDoc	*xml_parse_untrusted(const char *xml, size_t len, int options,
	    struct err *);
/* 1 when n is an element with that local name. */
int	 xml_named(const xmlNode *n, const char *name);
/* The first child element of parent with that local name, or NULL. */
xmlNode	*xml_child(const xmlNode *parent, const char *name);
/* The text of n exactly as written (malloc'd), or NULL when n is NULL;
 * libxml2's own copy is wiped, since bodies may hold secrets. */
char	*xml_text(const xmlNode *n);
/* Overwrites every text node of doc, then frees it; NULL is fine.  For
 * bodies that may hold secrets (credentials, tokens, echoed requests). */
void	 xml_free_wiped(xmlDoc *doc);

#endif
