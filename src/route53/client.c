/*
 * client.c - the Route 53 API calls: building each request and turning
 * each response into results.  Sending, signing, retrying and the error
 * line of a failed call are the call core's (mailauth/call.h); bodies are
 * parsed in xml.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/route53.h"

#define R53_SERVICE	"route53"

#define RRSETS_PAGE	10	/* maxitems of each ListResourceRecordSets */
#define RRSETS_PAGES_MAX 100	/* a server that never ends its list */
#define ID_MAX		64

/*
 * A zone or change id as it goes into a URL path: the "/hostedzone/" or
 * "/change/" prefix is dropped when given, and only letters, digits, '-'
 * and '_' are allowed, so an id can never change the path it is put in.
 */
static int
clean_id(const char *what, const char *id, const char *prefix,
    const char **out, struct err *err)
{
	const char	*p;
	size_t		 n;

	if (id == NULL)
		return err_set(err, "no %s given", what);
	n = strlen(prefix);
	if (strncmp(id, prefix, n) == 0)
		id += n;
	if (*id == '\0' || strlen(id) > ID_MAX)
		return err_set(err, "'%.80s': not a %s", id, what);
	for (p = id; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_'))
			return err_set(err, "'%.80s': not a %s", id, what);
	*out = id;
	return 0;
}

/*
 * One exchange through the call core: method on the path segments after
 * the API version (dir: with a final '/'), with the parameters as the
 * query and an optional XML body.  On 0, resp holds a 2xx response (the
 * caller releases it); on -1 err names op and resp holds nothing.
 *
 * Only GETs are idempotent: a ChangeResourceRecordSets that may have been
 * processed is never sent again by the transport, its error comes back
 * here (and apply settles it by reading the names again).
 */
static int
call(const struct r53_client *c, const char *op, const char *method,
    const char *const *path, size_t npath, int dir,
    const struct aws_param *params, size_t nparams, const struct buf *body,
    struct http_response *resp, struct err *err)
{
	struct aws_endpoint	 ep;
	struct aws_call		 ac;
	const char		*segs[4];
	char			*label;
	size_t			 i;
	int			 rc;

	memset(&ep, 0, sizeof(ep));
	if (c->endpoint == NULL && aws_endpoint_resolve(AWS_ROUTE53, NULL, NULL,
	    NULL, NULL, &ep, err) == -1) {
		http_response_init(resp);
		return err_prefix(err, "Route 53 %s", op);
	}
	segs[0] = R53_API_VERSION;
	for (i = 0; i < npath && i + 1 < sizeof(segs) / sizeof(segs[0]); i++)
		segs[i + 1] = path[i];
	label = xasprintf("Route 53 %s", op);
	memset(&ac, 0, sizeof(ac));
	ac.service = R53_SERVICE;
	ac.op = label;
	ac.protocol = AWS_PROTOCOL_REST_XML;
	ac.method = method;
	ac.endpoint = c->endpoint != NULL ? c->endpoint : ep.url;
	ac.path = segs;
	ac.npath = i + 1;
	ac.path_dir = dir;
	ac.params = params;
	ac.nparams = nparams;
	if (body != NULL) {
		ac.content_type = "text/xml";
		ac.body = buf_str(body);
		ac.body_len = body->len;
	}
	ac.region = c->region != NULL ? c->region : c->endpoint == NULL ?
	    ep.region : aws_partition_of(NULL)->route53_region;
	ac.creds = c->creds;
	ac.creds_provider = c->creds_provider;
	ac.clock = c->clock;
	rc = aws_call_send(c->http, &ac, resp, err);
	free(label);
	aws_endpoint_release(&ep);
	return rc;
}

/* A 2xx body that does not parse is an error of the operation too. */
static int
bad_body(const char *op, struct err *err)
{
	return err_prefix(err, "Route 53 %s: unexpected response", op);
}

int
r53_zones_by_name(const struct r53_client *c, const char *dnsname,
    int maxitems, struct r53_zone **zones, size_t *nzones, int *truncated,
    struct err *err)
{
	if (dnsname == NULL) {
		*zones = NULL;
		*nzones = 0;
		*truncated = 0;
		return err_set(err, "Route 53 ListHostedZonesByName: no DNS "
		    "name given");
	}
	return r53_zones_page(c, dnsname, NULL, maxitems, zones, nzones,
	    truncated, NULL, err);
}

int
r53_zones_page(const struct r53_client *c, const char *dnsname,
    const char *zone_id, int maxitems, struct r53_zone **zones,
    size_t *nzones, int *truncated, char **next_name, struct err *err)
{
	static const char *const path[] = { "hostedzonesbyname" };
	struct http_response	 resp;
	struct aws_param	 params[3];
	char			*canon = NULL, max[24];
	const char		*id = NULL;
	size_t			 n = 0;
	int			 rc = -1;

	*zones = NULL;
	*nzones = 0;
	*truncated = 0;
	if (next_name != NULL)
		*next_name = NULL;
	if (zone_id != NULL && dnsname == NULL)
		return err_set(err, "Route 53 ListHostedZonesByName: a hosted "
		    "zone id needs a DNS name");
	if (dnsname != NULL && (canon = dns_name_canon(dnsname, err)) == NULL)
		return err_prefix(err, "Route 53 ListHostedZonesByName");
	if (zone_id != NULL && clean_id("hosted zone id", zone_id,
	    "/hostedzone/", &id, err) == -1) {
		err_prefix(err, "Route 53 ListHostedZonesByName");
		goto out;
	}
	/* The parameters in the order SigV4 sorts them. */
	if (canon != NULL)
		params[n++] = (struct aws_param){ "dnsname", canon };
	if (id != NULL)
		params[n++] = (struct aws_param){ "hostedzoneid", id };
	snprintf(max, sizeof(max), "%d", maxitems);
	if (maxitems > 0)
		params[n++] = (struct aws_param){ "maxitems", max };
	if (call(c, "ListHostedZonesByName", "GET", path, 1, 0, params, n,
	    NULL, &resp, err) == -1)
		goto out;
	if (r53_xml_parse_zones(resp.body.data, resp.body.len, zones, nzones,
	    truncated, next_name, err) == -1)
		bad_body("ListHostedZonesByName", err);
	else
		rc = 0;
	http_response_release(&resp);
out:
	free(canon);
	return rc;
}

int
r53_zone_get(const struct r53_client *c, const char *zone_id,
    struct r53_zone *zone, struct err *err)
{
	struct http_response	 resp;
	const char		*path[2] = { "hostedzone", NULL };
	int			 rc = -1;

	memset(zone, 0, sizeof(*zone));
	if (clean_id("hosted zone id", zone_id, "/hostedzone/", &path[1],
	    err) == -1)
		return err_prefix(err, "Route 53 GetHostedZone");
	if (call(c, "GetHostedZone", "GET", path, 2, 0, NULL, 0, NULL, &resp,
	    err) == -1)
		return -1;
	if (r53_xml_parse_zone(resp.body.data, resp.body.len, zone, err) == -1)
		bad_body("GetHostedZone", err);
	else
		rc = 0;
	http_response_release(&resp);
	return rc;
}

void
r53_rrsets_page_release(struct r53_rrsets_page *pg)
{
	r53_rrsets_release(pg->sets, pg->nsets);
	free(pg->next_name);
	free(pg->next_type);
	free(pg->next_identifier);
	memset(pg, 0, sizeof(*pg));
}

/* One page of ListResourceRecordSets from (name, type, ident), each
 * optional, with id and name already checked and canonical. */
static int
rrsets_page(const struct r53_client *c, const char *id, const char *name,
    const char *type, const char *ident, int maxitems,
    struct r53_rrsets_page *pg, struct err *err)
{
	const char		*path[3] = { "hostedzone", id, "rrset" };
	struct http_response	 resp;
	struct aws_param	 params[4];
	char			 max[24];
	size_t			 n = 0;
	int			 rc = -1;

	memset(pg, 0, sizeof(*pg));
	/* In the order SigV4 sorts them; type needs a name, identifier a
	 * type. */
	if (name != NULL)
		params[n++] = (struct aws_param){ "name", name };
	if (type != NULL)
		params[n++] = (struct aws_param){ "type", type };
	if (ident != NULL)
		params[n++] = (struct aws_param){ "identifier", ident };
	snprintf(max, sizeof(max), "%d", maxitems);
	if (maxitems > 0)
		params[n++] = (struct aws_param){ "maxitems", max };
	if (call(c, "ListResourceRecordSets", "GET", path, 3, 0, params, n,
	    NULL, &resp, err) == -1)
		return -1;
	if (r53_xml_parse_rrsets(resp.body.data, resp.body.len, &pg->sets,
	    &pg->nsets, &pg->truncated, &pg->next_name, &pg->next_type,
	    &pg->next_identifier, err) == -1)
		bad_body("ListResourceRecordSets", err);
	else
		rc = 0;
	http_response_release(&resp);
	return rc;
}

int
r53_rrsets_page(const struct r53_client *c, const char *zone_id,
    const char *name, const char *type, const char *identifier, int maxitems,
    struct r53_rrsets_page *pg, struct err *err)
{
	const char	*op = "Route 53 ListResourceRecordSets";
	const char	*id;
	char		*canon = NULL;
	int		 rc;

	memset(pg, 0, sizeof(*pg));
	if (clean_id("hosted zone id", zone_id, "/hostedzone/", &id,
	    err) == -1)
		return err_prefix(err, "%s", op);
	if (maxitems < 0 || maxitems > R53_RRSETS_PAGE_MAX)
		return err_set(err, "%s: maxitems %d is not between 1 and %d",
		    op, maxitems, R53_RRSETS_PAGE_MAX);
	if ((type != NULL && name == NULL) ||
	    (identifier != NULL && type == NULL))
		return err_set(err, "%s: a start %s needs a start %s", op,
		    type != NULL && name == NULL ? "type" : "identifier",
		    type != NULL && name == NULL ? "name" : "type");
	if (name != NULL && (canon = dns_name_canon(name, err)) == NULL)
		return err_prefix(err, "%s", op);
	rc = rrsets_page(c, id, canon, type, identifier, maxitems, pg, err);
	free(canon);
	return rc;
}

static int
streq_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

int
r53_rrsets_at(const struct r53_client *c, const char *zone_id,
    const char *name, struct rrset **setsp, size_t *nsetsp, struct err *err)
{
	struct r53_rrsets_page pg;
	struct rrset	*sets = NULL, *rs;
	size_t		 nsets = 0, i, pages;
	const char	*id;
	char		*canon, *type = NULL, *ident = NULL;
	int		 rc = -1, past = 0;

	*setsp = NULL;
	*nsetsp = 0;
	memset(&pg, 0, sizeof(pg));
	if (clean_id("hosted zone id", zone_id, "/hostedzone/", &id,
	    err) == -1)
		return err_prefix(err, "Route 53 ListResourceRecordSets");
	if ((canon = dns_name_canon(name, err)) == NULL)
		return err_prefix(err, "Route 53 ListResourceRecordSets");
	for (pages = 0; ; pages++) {
		if (pages == RRSETS_PAGES_MAX) {
			err_set(err, "Route 53 ListResourceRecordSets: more "
			    "than %d pages of record sets at '%s'",
			    RRSETS_PAGES_MAX, canon);
			goto out;
		}
		if (rrsets_page(c, id, canon, type, ident, RRSETS_PAGE, &pg,
		    err) == -1)
			goto out;
		/* The list starts at our name: the first other name ends it. */
		for (i = 0; i < pg.nsets; i++) {
			if (strcmp(pg.sets[i].name, canon) != 0) {
				past = 1;
				break;
			}
			rs = xappend(&sets, &nsets, sizeof(*sets));
			*rs = pg.sets[i];
			memset(&pg.sets[i], 0, sizeof(pg.sets[i]));
		}
		if (past || !pg.truncated || strcmp(pg.next_name, canon) != 0)
			break;
		/* Asking for the same start again would never end. */
		if (streq_null(pg.next_type, type) &&
		    streq_null(pg.next_identifier, ident)) {
			err_set(err, "Route 53 ListResourceRecordSets: the "
			    "listing of '%s' does not advance", canon);
			goto out;
		}
		free(type);
		free(ident);
		type = pg.next_type;
		ident = pg.next_identifier;
		pg.next_type = pg.next_identifier = NULL;
		r53_rrsets_page_release(&pg);
	}
	*setsp = sets;
	*nsetsp = nsets;
	sets = NULL;
	nsets = 0;
	rc = 0;
out:
	r53_rrsets_page_release(&pg);
	r53_rrsets_release(sets, nsets);
	free(canon);
	free(type);
	free(ident);
	return rc;
}

int
r53_change(const struct r53_client *c, const char *zone_id,
    const char *comment, const struct r53_change *changes, size_t nchanges,
    char **change_id, char **status, struct err *err)
{
	const char		*op = "ChangeResourceRecordSets";
	struct http_response	 resp;
	struct buf		 body = BUF_INIT;
	const char		*path[3] = { "hostedzone", NULL, "rrset" };
	size_t			 i;
	int			 rc = -1;

	*change_id = *status = NULL;
	if (clean_id("hosted zone id", zone_id, "/hostedzone/", &path[1],
	    err) == -1)
		return err_prefix(err, "Route 53 %s", op);
	if (nchanges == 0)
		return err_set(err, "Route 53 %s: no changes to send", op);
	for (i = 0; i < nchanges; i++)
		if (changes[i].rrset->alias_target != NULL)
			return err_set(err, "Route 53 %s: '%s' %s is an alias "
			    "record, which mailauth does not change", op,
			    changes[i].rrset->name, changes[i].rrset->type);
	r53_xml_build_change_batch(comment, changes, nchanges, &body);
	if (call(c, op, "POST", path, 3, 1, NULL, 0, &body, &resp, err) == -1)
		goto out;
	if (r53_xml_parse_change_info(resp.body.data, resp.body.len, change_id,
	    status, err) == -1)
		bad_body(op, err);
	else
		rc = 0;
	http_response_release(&resp);
out:
	buf_release(&body);
	return rc;
}

/* GetChange once: the change's status, malloc'd. */
static char *
change_status(const struct r53_client *c, const char *id, struct err *err)
{
	const char		*path[2] = { "change", id };
	struct http_response	 resp;
	char			*got_id = NULL, *status = NULL;

	if (call(c, "GetChange", "GET", path, 2, 0, NULL, 0, NULL, &resp,
	    err) == -1)
		return NULL;
	if (r53_xml_parse_change_info(resp.body.data, resp.body.len, &got_id,
	    &status, err) == -1)
		bad_body("GetChange", err);
	http_response_release(&resp);
	free(got_id);
	return status;
}

int
r53_change_status(const struct r53_client *c, const char *change_id,
    char **status, struct err *err)
{
	const char	*id;

	*status = NULL;
	if (clean_id("change id", change_id, "/change/", &id, err) == -1)
		return err_prefix(err, "Route 53 GetChange");
	if ((*status = change_status(c, id, err)) == NULL)
		return -1;
	return 0;
}
