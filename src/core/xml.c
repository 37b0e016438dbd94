/*
 * xml.c - the one safe way mailauth parses an XML response body.
 */
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>
#include <openssl/crypto.h>

#include "mailauth/buf.h"

#include "mailauth/err.h"
#include "mailauth/xml.h"

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
	xmlParserCtxt	*ctxt;
	xmlDoc		*doc;

	if (len > INT_MAX) {
		err_set(err, "response too large to parse");
		return NULL;
	}
	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		err_set(err, "out of memory creating an XML parser");
		return NULL;
	}
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
