/*
 * xml.h - reading untrusted XML response bodies with libxml2 (Route 53,
 * STS, S3): one parser set up once, safely, for every client.
 */
#ifndef MAILAUTH_XML_H
#define MAILAUTH_XML_H

#include <stddef.h>

#include <libxml/parser.h>

struct err;

#define XML_ERRTEXT_MAX	200	/* characters of libxml2's message kept */

/* What a structured error handler is handed: const since libxml2 2.12. */
#if LIBXML_VERSION >= 21200
#define XML_ERROR_T	const xmlError
#else
#define XML_ERROR_T	xmlError
#endif

/*
 * What libxml2 reports while a parse runs.  libxml2 prints some errors
 * itself, whatever XML_PARSE_NOERROR says: those raised without a parser
 * context (a byte the declared encoding cannot convert: "encoding error",
 * "I/O error : encoder error") go to its global handlers, which write to
 * stderr.  Between xml_errors_begin() and xml_errors_end() every report
 * of this thread comes here instead, and nothing is printed; end puts the
 * handlers that were there back (so begin/end nest).
 *
 * first is the first error (warnings are not kept) as one line of
 * printable ASCII (buf_add_clean()), at most XML_ERRTEXT_MAX characters,
 * its first letter lower-cased and its trailing "!" dropped; "" when there
 * was none.  line is its line, or the line the parser had reached when the
 * error came without one (ctxt set), or 0.  count counts the errors.
 */
struct xml_errors {
	char			 first[XML_ERRTEXT_MAX + 4];
	int			 line;
	size_t			 count;
	/* The parser, once made, for the line of an error without one. */
	const xmlParserCtxt	*ctxt;
	/* The handlers begin found, for end. */
	xmlStructuredErrorFunc	 saved_serror;
	void			*saved_sctx;
	xmlGenericErrorFunc	 saved_generic;
	void			*saved_gctx;
};

/*
 * Sets libxml2 up (xmlInitParser()); call it once before starting threads
 * that parse (plan and apply, one thread per account): libxml2 2.9's own
 * set-up is not safe to race.  After it, libxml2 built with threads (as
 * Debian's is) keeps its error handlers per thread, so each thread's
 * xml_errors_begin() takes its own parses' reports only.  Returns -1 when
 * this libxml2 has no thread support.
 */
int	 xml_init(void);
/* Empties xe and sends libxml2's reports of this thread to it. */
void	 xml_errors_begin(struct xml_errors *xe);
/* Puts back the handlers xml_errors_begin() found; xe keeps what came. */
void	 xml_errors_end(struct xml_errors *xe);

/*
 * Parses a whole body into a document (free with xmlFreeDoc()): no network,
 * a <!DOCTYPE> refused before its subset is read (so no entity can be
 * declared), nothing printed on stderr (libxml2's reports are taken as
 * xml_errors_begin() says; their text is not folded into err, since it may
 * quote bytes of a body that holds secrets); options adds XML_PARSE_* flags
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
