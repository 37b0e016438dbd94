/*
 * xml.c - the one safe way mailauth parses an XML response body, and the
 * one place libxml2's error reports are taken (so none reaches stderr).
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <openssl/crypto.h>

#include "mailauth/buf.h"

#include "mailauth/err.h"
#include "mailauth/xml.h"

/* Keeps msg (up to its first line break) as xe's first error. */
static void
keep(struct xml_errors *xe, const char *msg, int line)
{
	struct buf	 b = BUF_INIT;
	size_t		 n;

	buf_add_clean(&b, msg, strcspn(msg, "\r\n"), NULL, 0,
	    XML_ERRTEXT_MAX);
	n = b.len;
	/* libxml2 ends some messages with " !" */
	while (n > 0 && (b.data[n - 1] == ' ' || b.data[n - 1] == '!'))
		n--;
	if (n == 0) {
		buf_release(&b);
		snprintf(xe->first, sizeof(xe->first), "unknown error");
	} else {
		snprintf(xe->first, sizeof(xe->first), "%.*s", (int)n,
		    b.data);
		buf_release(&b);
	}
	/* "Opening and ending tag mismatch" but "EntityRef: ...". */
	if (xe->first[0] >= 'A' && xe->first[0] <= 'Z' &&
	    !(xe->first[1] >= 'A' && xe->first[1] <= 'Z'))
		xe->first[0] = (char)(xe->first[0] - 'A' + 'a');
	if (line <= 0 && xe->ctxt != NULL && xe->ctxt->input != NULL)
		line = xe->ctxt->input->line;
	xe->line = line > 0 ? line : 0;
}

static void
on_structured(void *arg, XML_ERROR_T *e)
{
	struct xml_errors	*xe = arg;

	if (e == NULL || e->level < XML_ERR_ERROR)
		return;
	if (xe->count++ == 0)
		keep(xe, e->message != NULL ? e->message : "", e->line);
}

/* What libxml2 writes through xmlGenericError() itself, outside its
 * structured reports (rare, and maybe a fragment of a line). */
static void
on_generic(void *arg, const char *fmt, ...)
{
	struct xml_errors	*xe = arg;
	char			 text[XML_ERRTEXT_MAX + 1];
	va_list			 ap;

	if (xe->count++ > 0)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	keep(xe, text, 0);
}

int
xml_init(void)
{
	xmlInitParser();
	return xmlHasFeature(XML_WITH_THREAD) ? 0 : -1;
}

void
xml_errors_begin(struct xml_errors *xe)
{
	memset(xe, 0, sizeof(*xe));
	xmlInitParser();
	xe->saved_serror = xmlStructuredError;
	xe->saved_sctx = xmlStructuredErrorContext;
	xe->saved_generic = xmlGenericError;
	xe->saved_gctx = xmlGenericErrorContext;
	xmlSetStructuredErrorFunc(xe, on_structured);
	xmlSetGenericErrorFunc(xe, on_generic);
}

void
xml_errors_end(struct xml_errors *xe)
{
	xmlSetStructuredErrorFunc(xe->saved_sctx, xe->saved_serror);
	xmlSetGenericErrorFunc(xe->saved_gctx, xe->saved_generic);
	xe->ctxt = NULL;
}

/* Called when the parser meets <!DOCTYPE: stop before the subset is read. */
static void
refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id,
    const xmlChar *system_id)
{
	(void)name;
	(void)external_id;
	(void)system_id;
	xmlStopParser(ctx);
}

xmlDoc *
xml_parse_untrusted(const char *xml, size_t len, int options,
    struct err *err)
{
	struct xml_errors	 xe;
	xmlParserCtxt		*ctxt;
	xmlDoc			*doc;

	if (len > INT_MAX) {
		err_set(err, "response too large to parse");
		return NULL;
	}
	xml_errors_begin(&xe);
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		xml_errors_end(&xe);
		err_set(err, "out of memory creating an XML parser");
		return NULL;
	}
	xe.ctxt = ctxt;
	ctxt->sax->internalSubset = refuse_dtd;
	doc = xmlCtxtReadMemory(ctxt, xml != NULL ? xml : "", (int)len, NULL,
	    NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING | options);
	if (ctxt->errNo == XML_ERR_USER_STOP) {
		err_set(err, "unexpected DTD in response");
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (doc == NULL)
		err_set(err, "response is not well-formed XML");
	else if (doc->intSubset != NULL || doc->extSubset != NULL) {
		/* Not reached while refuse_dtd() works; kept as a backstop. */
		err_set(err, "unexpected DTD in response");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	xml_errors_end(&xe);
	return doc;
}

int
xml_named(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    strcmp((const char *)n->name, name) == 0;
}

xmlNode *
xml_child(const xmlNode *parent, const char *name)
{
	xmlNode	*n;

	if (parent == NULL)
		return NULL;
	for (n = parent->children; n != NULL; n = n->next)
		if (xml_named(n, name))
			return n;
	return NULL;
}

char *
xml_text(const xmlNode *n)
{
	xmlChar	*t;
	char	*s;

	if (n == NULL)
		return NULL;
	t = xmlNodeGetContent(n);
	s = xstrdup(t != NULL ? (const char *)t : "");
	if (t != NULL) {
		OPENSSL_cleanse(t, (size_t)xmlStrlen(t));
		xmlFree(t);
	}
	return s;
}

static void
wipe_nodes(xmlNode *n)
{
	for (; n != NULL; n = n->next) {
		/* Text interned in the parser's dictionary is shared: not
		 * ours to overwrite (bodies that may hold secrets are parsed
		 * with XML_PARSE_NODICT). */
		if (n->content != NULL && (n->doc == NULL ||
		    n->doc->dict == NULL ||
		    !xmlDictOwns(n->doc->dict, n->content)))
			OPENSSL_cleanse(n->content,
			    (size_t)xmlStrlen(n->content));
		wipe_nodes(n->children);
	}
}

void
xml_free_wiped(xmlDoc *doc)
{
	if (doc == NULL)
		return;
	wipe_nodes(doc->children);
	xmlFreeDoc(doc);
}
