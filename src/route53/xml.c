/*
 * xml.c - Route 53 XML: response bodies parsed with libxml2's tree API,
 * change batches written with xmlTextWriter.
 *
 * Response bodies come from the network and are treated as hostile: no
 * network access, no DTD loading, no entity expansion, and a document that
 * declares a DTD at all is refused as soon as the parser reaches it, before
 * any entity can be declared.  Elements are found by local name so that
 * documents of older API versions (other namespaces) parse the same way.
 * A record set is read whole (routing fields and AliasTarget included) and
 * written back in the order of Route 53's schema, so a DELETE of a set
 * read from Route 53 matches it.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include "mailauth/buf.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/xml.h"
#include "mailauth/route53.h"

#define R53_XMLNS	"https://route53.amazonaws.com/doc/" R53_API_VERSION "/"
#define ZONE_PREFIX	"/hostedzone/"
#define CHANGE_PREFIX	"/change/"





/* The next sibling element of n with the same local name, or NULL. */
static xmlNode *
next_named(const xmlNode *n)
{
	xmlNode	*s;

	for (s = n->next; s != NULL; s = s->next)
		if (xml_named(s, (const char *)n->name))
			return s;
	return NULL;
}

static char *
child_text(const xmlNode *parent, const char *name)
{
	return xml_text(xml_child(parent, name));
}

/* The root element if its local name is one of names (NULL-terminated). */
static xmlNode *
root_of(xmlDoc *doc, const char *const *names, struct err *err)
{
	xmlNode	*root = xmlDocGetRootElement(doc);
	size_t	 i;

	if (root == NULL) {
		err_set(err, "response has no root element");
		return NULL;
	}
	for (i = 0; names[i] != NULL; i++)
		if (xml_named(root, names[i]))
			return root;
	err_set(err, "unexpected '%s' document, expected '%s'",
	    (const char *)root->name, names[0]);
	return NULL;
}

/* *out = 1 for "true", 0 for "false" or no element; -1 otherwise. */
static int
child_bool(const xmlNode *parent, const char *name, int *out,
    struct err *err)
{
	char	*t = child_text(parent, name);
	int	 rc = 0;

	*out = 0;
	if (t == NULL)
		return 0;
	if (strcmp(t, "true") == 0)
		*out = 1;
	else if (strcmp(t, "false") != 0)
		rc = err_set(err, "%s: expected 'true' or 'false', got '%.64s'",
		    name, t);
	free(t);
	return rc;
}

/* A non-negative decimal number that fits a 32-bit int, as Route 53 sends. */
static int
number(const char *name, const char *t, long *out, struct err *err)
{
	char	*end;
	long	 v;

	errno = 0;
	if (t[0] < '0' || t[0] > '9')
		return err_set(err, "%s: expected a number, got '%.64s'", name,
		    t);
	v = strtol(t, &end, 10);
	if (*end != '\0' || errno != 0 || v > INT_MAX)
		return err_set(err, "%s: expected a number, got '%.64s'", name,
		    t);
	*out = v;
	return 0;
}

/* The text of a required child, malloc'd; NULL with err when absent or
 * empty. */
static char *
required(const xmlNode *parent, const char *name, struct err *err)
{
	char	*t = child_text(parent, name);

	if (t == NULL || *t == '\0') {
		free(t);
		err_set(err, "%s: missing '%s'", (const char *)parent->name,
		    name);
		return NULL;
	}
	return t;
}

/* Drops prefix from the front of *s when it is there. */
static void
strip_prefix(char *s, const char *prefix)
{
	size_t	 n = strlen(prefix);

	if (strncmp(s, prefix, n) == 0)
		memmove(s, s + n, strlen(s + n) + 1);
}

static char *
canon_or_err(const char *what, const char *name, struct err *err)
{
	char	*c = dns_name_canon(name, err);

	if (c == NULL)
		err_prefix(err, "%s", what);
	return c;
}

static int
zone_from(const xmlNode *hz, struct r53_zone *z, struct err *err)
{
	char	*name = NULL, *count = NULL;
	int	 rc = -1;

	memset(z, 0, sizeof(*z));
	z->record_count = -1;
	if ((z->id = required(hz, "Id", err)) == NULL)
		goto out;
	strip_prefix(z->id, ZONE_PREFIX);
	if ((name = required(hz, "Name", err)) == NULL)
		goto out;
	if ((z->name = canon_or_err("HostedZone Name", name, err)) == NULL)
		goto out;
	if (child_bool(xml_child(hz, "Config"), "PrivateZone", &z->private_zone,
	    err) == -1)
		goto out;
	count = child_text(hz, "ResourceRecordSetCount");
	if (count != NULL && number("ResourceRecordSetCount", count,
	    &z->record_count, err) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		r53_zones_release(z, 1);
	free(name);
	free(count);
	return rc;
}

void
r53_zones_release(struct r53_zone *zones, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		free(zones[i].id);
		free(zones[i].name);
		for (j = 0; j < zones[i].nname_servers; j++)
			free(zones[i].name_servers[j]);
		free(zones[i].name_servers);
		memset(&zones[i], 0, sizeof(zones[i]));
	}
}

int
r53_xml_parse_zones(const char *xml, size_t len, struct r53_zone **zonesp,
    size_t *nzonesp, int *truncated, char **next_name, struct err *err)
{
	static const char *const roots[] = { "ListHostedZonesByNameResponse",
	    "ListHostedZonesResponse", NULL };
	xmlDoc		*doc;
	xmlNode		*root, *list, *hz;
	struct r53_zone	*zones = NULL, *z;
	char		*t;
	size_t		 n = 0;
	int		 rc = -1;

	*zonesp = NULL;
	*nzonesp = 0;
	*truncated = 0;
	if (next_name != NULL)
		*next_name = NULL;
	if ((doc = xml_parse_untrusted(xml, len, 0, err)) == NULL)
		return -1;
	if ((root = root_of(doc, roots, err)) == NULL)
		goto out;
	if ((list = xml_child(root, "HostedZones")) == NULL) {
		err_set(err, "%s: missing 'HostedZones'",
		    (const char *)root->name);
		goto out;
	}
	for (hz = xml_child(list, "HostedZone"); hz != NULL; hz = next_named(hz)) {
		z = xappend(&zones, &n, sizeof(*zones));
		if (zone_from(hz, z, err) == -1) {
			n--;
			goto out;
		}
	}
	if (child_bool(root, "IsTruncated", truncated, err) == -1)
		goto out;
	if (*truncated && next_name != NULL &&
	    (t = child_text(root, "NextDNSName")) != NULL) {
		*next_name = canon_or_err("NextDNSName", t, err);
		free(t);
		if (*next_name == NULL)
			goto out;
	}
	*zonesp = zones;
	*nzonesp = n;
	zones = NULL;
	n = 0;
	rc = 0;
out:
	if (rc == -1) {
		*truncated = 0;
		if (next_name != NULL) {
			free(*next_name);
			*next_name = NULL;
		}
	}
	r53_zones_release(zones, n);
	free(zones);
	xmlFreeDoc(doc);
	return rc;
}

/* DelegationSet/NameServers of a GetHostedZoneResponse (none for a
 * private zone), canonicalised. */
static int
name_servers_from(const xmlNode *root, struct r53_zone *z, struct err *err)
{
	xmlNode	*ns;
	char	*t, *c;

	ns = xml_child(xml_child(root, "DelegationSet"), "NameServers");
	for (ns = xml_child(ns, "NameServer"); ns != NULL; ns = next_named(ns)) {
		t = xml_text(ns);
		c = canon_or_err("NameServer", t, err);
		free(t);
		if (c == NULL)
			return -1;
		*(char **)xappend(&z->name_servers, &z->nname_servers,
		    sizeof(*z->name_servers)) = c;
	}
	return 0;
}

int
r53_xml_parse_zone(const char *xml, size_t len, struct r53_zone *z,
    struct err *err)
{
	static const char *const roots[] = { "GetHostedZoneResponse", NULL };
	xmlDoc	*doc;
	xmlNode	*root, *hz;
	int	 rc = -1;

	memset(z, 0, sizeof(*z));
	if ((doc = xml_parse_untrusted(xml, len, 0, err)) == NULL)
		return -1;
	if ((root = root_of(doc, roots, err)) == NULL)
		goto out;
	if ((hz = xml_child(root, "HostedZone")) == NULL) {
		err_set(err, "%s: missing 'HostedZone'",
		    (const char *)root->name);
		goto out;
	}
	if ((rc = zone_from(hz, z, err)) == 0 &&
	    (rc = name_servers_from(root, z, err)) == -1)
		r53_zones_release(z, 1);
out:
	xmlFreeDoc(doc);
	return rc;
}

/* The element at path ("A/B/C", local names) below n, or NULL. */
static xmlNode *
at_path(const xmlNode *n, const char *path)
{
	char	 part[64];
	size_t	 len;

	while (n != NULL && *path != '\0') {
		len = strcspn(path, "/");
		if (len >= sizeof(part))
			return NULL;
		memcpy(part, path, len);
		part[len] = '\0';
		n = xml_child(n, part);
		path += len + (path[len] == '/');
	}
	return (xmlNode *)n;
}

/* The routing fields and the rest of AliasTarget, as Route 53 wrote them. */
static void
routing_from(const xmlNode *n, const xmlNode *alias, struct rrset *rs)
{
	size_t	 i;

	for (i = 0; i < RRSET_NFIELDS; i++)
		rs->routing[i] = xml_text(at_path(n, rrset_field_name(i)->xml));
	if (alias != NULL) {
		rs->alias_zone = child_text(alias, "HostedZoneId");
		rs->alias_health = child_text(alias, "EvaluateTargetHealth");
	}
}

static int
rrset_from(const xmlNode *n, struct rrset *rs, struct err *err)
{
	xmlNode	*alias, *rr, *v;
	char	*name = NULL, *canon = NULL, *type = NULL, *ttl = NULL;
	char	*value;
	long	 t = -1;
	int	 rc = -1;

	memset(rs, 0, sizeof(*rs));
	if ((name = required(n, "Name", err)) == NULL ||
	    (type = required(n, "Type", err)) == NULL)
		goto out;
	if ((canon = canon_or_err("ResourceRecordSet Name", name, err)) == NULL)
		goto out;
	alias = xml_child(n, "AliasTarget");
	ttl = child_text(n, "TTL");
	/* Alias record sets have no TTL of their own. */
	if (alias == NULL && ttl != NULL &&
	    number("TTL", ttl, &t, err) == -1) {
		err_prefix(err, "ResourceRecordSet '%s' %s", canon, type);
		goto out;
	}
	rrset_init(rs, canon, type, t);
	if (alias != NULL) {
		rs->alias_target = required(alias, "DNSName", err);
		if (rs->alias_target == NULL) {
			err_prefix(err, "ResourceRecordSet '%s' %s", canon,
			    type);
			rrset_release(rs);
			goto out;
		}
	}
	routing_from(n, alias, rs);
	for (rr = xml_child(xml_child(n, "ResourceRecords"), "ResourceRecord");
	    rr != NULL; rr = next_named(rr)) {
		if ((v = xml_child(rr, "Value")) == NULL)
			continue;
		value = xml_text(v);
		rrset_value_add(rs, value);
		free(value);
	}
	rc = 0;
out:
	free(name);
	free(canon);
	free(type);
	free(ttl);
	return rc;
}

void
r53_rrsets_release(struct rrset *sets, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		rrset_release(&sets[i]);
	free(sets);
}

int
r53_xml_parse_rrsets(const char *xml, size_t len, struct rrset **setsp,
    size_t *nsetsp, int *truncated, char **next_name, char **next_type,
    char **next_identifier, struct err *err)
{
	static const char *const roots[] = { "ListResourceRecordSetsResponse",
	    NULL };
	xmlDoc		*doc;
	xmlNode		*root, *list, *n;
	struct rrset	*sets = NULL, *rs;
	size_t		 nsets = 0;
	char		*name = NULL;
	int		 rc = -1;

	*setsp = NULL;
	*nsetsp = 0;
	*truncated = 0;
	*next_name = *next_type = *next_identifier = NULL;
	if ((doc = xml_parse_untrusted(xml, len, 0, err)) == NULL)
		return -1;
	if ((root = root_of(doc, roots, err)) == NULL)
		goto out;
	if ((list = xml_child(root, "ResourceRecordSets")) == NULL) {
		err_set(err, "%s: missing 'ResourceRecordSets'",
		    (const char *)root->name);
		goto out;
	}
	for (n = xml_child(list, "ResourceRecordSet"); n != NULL;
	    n = next_named(n)) {
		rs = xappend(&sets, &nsets, sizeof(*sets));
		if (rrset_from(n, rs, err) == -1) {
			nsets--;
			goto out;
		}
	}
	if (child_bool(root, "IsTruncated", truncated, err) == -1)
		goto out;
	if (*truncated) {
		name = required(root, "NextRecordName", err);
		if (name == NULL)
			goto out;
		*next_type = required(root, "NextRecordType", err);
		if (*next_type == NULL)
			goto out;
		if ((*next_name = canon_or_err("NextRecordName", name,
		    err)) == NULL)
			goto out;
		*next_identifier = child_text(root, "NextRecordIdentifier");
	}
	*setsp = sets;
	*nsetsp = nsets;
	sets = NULL;
	nsets = 0;
	rc = 0;
out:
	if (rc == -1) {
		*truncated = 0;
		free(*next_name);
		free(*next_type);
		free(*next_identifier);
		*next_name = *next_type = *next_identifier = NULL;
	}
	free(name);
	r53_rrsets_release(sets, nsets);
	xmlFreeDoc(doc);
	return rc;
}

int
r53_xml_parse_change_info(const char *xml, size_t len, char **id,
    char **status, struct err *err)
{
	static const char *const roots[] = {
	    "ChangeResourceRecordSetsResponse", "GetChangeResponse", NULL };
	xmlDoc	*doc;
	xmlNode	*root, *info;
	int	 rc = -1;

	*id = *status = NULL;
	if ((doc = xml_parse_untrusted(xml, len, 0, err)) == NULL)
		return -1;
	if ((root = root_of(doc, roots, err)) == NULL)
		goto out;
	if ((info = xml_child(root, "ChangeInfo")) == NULL) {
		err_set(err, "%s: missing 'ChangeInfo'",
		    (const char *)root->name);
		goto out;
	}
	if ((*id = required(info, "Id", err)) == NULL ||
	    (*status = required(info, "Status", err)) == NULL)
		goto out;
	strip_prefix(*id, CHANGE_PREFIX);
	rc = 0;
out:
	if (rc == -1) {
		free(*id);
		free(*status);
		*id = *status = NULL;
	}
	xmlFreeDoc(doc);
	return rc;
}

/* xmlTextWriter only fails when memory runs out: exit, as xmalloc() does. */
static void nomem(void) __attribute__((noreturn));

static void
nomem(void)
{
	fputs("mailauth: out of memory writing XML\n", stderr);
	exit(1);
}

static void
wr(int rc)
{
	if (rc < 0)
		nomem();
}

static void
element(xmlTextWriter *w, const char *name, const char *content)
{
	wr(xmlTextWriterWriteElement(w, BAD_CAST name, BAD_CAST content));
}

/* The number of leading path components ("A/B/") a and b share. */
static size_t
shared_parents(const char *a, const char *b)
{
	size_t	 n = 0, i;

	for (i = 0; a[i] != '\0' && a[i] == b[i]; i++)
		if (a[i] == '/')
			n++;
	return n;
}

static size_t
parents(const char *path)
{
	size_t	 n = 0;

	for (; *path != '\0'; path++)
		n += *path == '/';
	return n;
}

/*
 * Writes the routing fields [from, to) that are set, opening and closing
 * their parent elements (GeoLocation, Coordinates, ...) as the paths go.
 */
static void
write_routing(xmlTextWriter *w, const struct rrset *rs, size_t from,
    size_t to)
{
	const char	*open = "", *path, *p;
	size_t		 i, depth = 0, keep, k;

	for (i = from; i < to; i++) {
		if (rs->routing[i] == NULL)
			continue;
		path = rrset_field_name(i)->xml;
		keep = shared_parents(open, path);
		for (; depth > keep; depth--)
			wr(xmlTextWriterEndElement(w));
		for (p = path, k = 0; k < depth; k++)
			p = strchr(p, '/') + 1;
		for (; depth < parents(path); depth++) {
			char	 part[64];
			size_t	 len = strcspn(p, "/");

			snprintf(part, sizeof(part), "%.*s", (int)len, p);
			wr(xmlTextWriterStartElement(w, BAD_CAST part));
			p += len + 1;
		}
		element(w, p, rs->routing[i]);
		open = path;
	}
	for (; depth > 0; depth--)
		wr(xmlTextWriterEndElement(w));
}

static void
write_rrset(xmlTextWriter *w, const struct rrset *rs)
{
	char	 ttl[32];
	size_t	 i;

	wr(xmlTextWriterStartElement(w, BAD_CAST "ResourceRecordSet"));
	element(w, "Name", rs->name);
	element(w, "Type", rs->type);
	write_routing(w, rs, 0, RRSET_TTL_AFTER);
	if (rs->ttl >= 0) {
		snprintf(ttl, sizeof(ttl), "%ld", rs->ttl);
		element(w, "TTL", ttl);
	}
	if (rs->nvalues > 0) {
		wr(xmlTextWriterStartElement(w, BAD_CAST "ResourceRecords"));
		for (i = 0; i < rs->nvalues; i++) {
			wr(xmlTextWriterStartElement(w,
			    BAD_CAST "ResourceRecord"));
			element(w, "Value", rs->values[i]);
			wr(xmlTextWriterEndElement(w));
		}
		wr(xmlTextWriterEndElement(w));
	}
	if (rs->alias_target != NULL) {
		wr(xmlTextWriterStartElement(w, BAD_CAST "AliasTarget"));
		if (rs->alias_zone != NULL)
			element(w, "HostedZoneId", rs->alias_zone);
		element(w, "DNSName", rs->alias_target);
		if (rs->alias_health != NULL)
			element(w, "EvaluateTargetHealth", rs->alias_health);
		wr(xmlTextWriterEndElement(w));
	}
	write_routing(w, rs, RRSET_TTL_AFTER, RRSET_NFIELDS);
	wr(xmlTextWriterEndElement(w));
}

void
r53_xml_build_change_batch(const char *comment,
    const struct r53_change *changes, size_t nchanges, struct buf *out)
{
	xmlBuffer	*xb;
	xmlTextWriter	*w;
	size_t		 i;

	if ((xb = xmlBufferCreate()) == NULL ||
	    (w = xmlNewTextWriterMemory(xb, 0)) == NULL)
		nomem();
	wr(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL));
	wr(xmlTextWriterStartElementNS(w, NULL,
	    BAD_CAST "ChangeResourceRecordSetsRequest", BAD_CAST R53_XMLNS));
	wr(xmlTextWriterStartElement(w, BAD_CAST "ChangeBatch"));
	if (comment != NULL)
		element(w, "Comment", comment);
	wr(xmlTextWriterStartElement(w, BAD_CAST "Changes"));
	for (i = 0; i < nchanges; i++) {
		wr(xmlTextWriterStartElement(w, BAD_CAST "Change"));
		element(w, "Action", r53_action_name(changes[i].action));
		write_rrset(w, changes[i].rrset);
		wr(xmlTextWriterEndElement(w));
	}
	wr(xmlTextWriterEndDocument(w));
	/* Freeing the writer flushes it into xb. */
	xmlFreeTextWriter(w);
	buf_add(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	xmlBufferFree(xb);
}

const char *
r53_action_name(enum r53_action a)
{
	switch (a) {
	case R53_CREATE:
		return "CREATE";
	case R53_DELETE:
		return "DELETE";
	case R53_UPSERT:
		return "UPSERT";
	}
	/* Not an action: Route 53 refuses it rather than doing a wrong one. */
	return "INVALID";
}
