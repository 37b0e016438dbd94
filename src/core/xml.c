/*
 * xml.c - the one safe way mailauth parses an XML response body.
 */
#include <limits.h>
#include <string.h>

#include <libxml/parser.h>

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
