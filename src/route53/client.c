/*
 * client.c - the Route 53 API calls: building each request, signing it,
 * sending it through the transport, and turning the response into results
 * or into one error line that names the operation.
 *
 * Bodies are parsed in xml.c.  Nothing here retries: a retrying transport
 * (mailauth/retry.h) does, told by each request's hooks how to sign it
 * again and read its error code; what reaches the caller is the last
 * attempt's error, with err->aws_code and err->http_status set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/route53.h"
#include "mailauth/sigv4.h"

#ifndef MAILAUTH_VERSION
#define MAILAUTH_VERSION	"dev"
#endif

#define R53_REGION	"us-east-1"
#define R53_SERVICE	"route53"
#define API		"/" R53_API_VERSION

#define RRSETS_PAGE	10	/* maxitems of each ListResourceRecordSets */
#define RRSETS_PAGES_MAX 100	/* a server that never ends its list */
#define EXCERPT_MAX	200	/* of a non-XML error body, in characters */
#define ID_MAX		64
#define REDACTED	"[redacted]"

/* Appends s percent-encoded (RFC 3986: all but A-Z a-z 0-9 - _ . ~), the
 * form SigV4 signs, so the URL needs no further normalising. */
static void
add_encoded(struct buf *b, const char *s)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~')
			buf_addc(b, (char)*p);
		else
			buf_addf(b, "%%%02X", *p);
	}
}

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

/* What must never reach err: the credentials and the request's signature. */
struct secrets {
	const char	*v[3];
	size_t		 n;
};

static void
secrets_of(const struct r53_client *c, const struct http_request *req,
    struct secrets *s)
{
	const struct aws_creds	*creds = c->creds_provider != NULL ?
				    &c->creds_provider->creds : c->creds;
	const char		*auth, *sig;

	s->n = 0;
	if (creds != NULL) {
		s->v[s->n++] = creds->secret_access_key;
		s->v[s->n++] = creds->session_token;
	}
	auth = http_request_header_get(req, "Authorization");
	if (auth != NULL && (sig = strstr(auth, "Signature=")) != NULL)
		s->v[s->n++] = sig + strlen("Signature=");
}

/*
 * Appends len bytes of s with every secret replaced by REDACTED.  Done on
 * the whole text before it is cut to length, so no part of a secret can
 * survive the cut.
 */
static void
add_redacted(struct buf *b, const char *s, size_t len,
    const struct secrets *sec)
{
	size_t	 i, j, n;

	for (i = 0; i < len; ) {
		for (j = 0; j < sec->n; j++) {
			if (sec->v[j] == NULL || (n = strlen(sec->v[j])) < 4 ||
			    n > len - i || memcmp(s + i, sec->v[j], n) != 0)
				continue;
			buf_adds(b, REDACTED);
			i += n;
			break;
		}
		if (j == sec->n)
			buf_addc(b, s[i++]);
	}
}

static void
scrub(const struct secrets *sec, struct err *err)
{
	struct buf	 b = BUF_INIT;

	if (err == NULL)
		return;
	add_redacted(&b, err->msg, strlen(err->msg), sec);
	snprintf(err->msg, sizeof(err->msg), "%s", buf_str(&b));
	buf_release(&b);
}

/* Fills err from a response whose status is not 2xx. */
static void
response_error(const char *op, const struct http_response *resp,
    const struct secrets *sec, struct err *err)
{
	struct buf	 b = BUF_INIT, body = BUF_INIT;
	char		*code = NULL, *msg = NULL;

	add_redacted(&body, resp->body.data, resp->body.len, sec);
	buf_addf(&b, "Route 53 %s: ", op);
	if (r53_xml_parse_error(body.data, body.len, &code, &msg) == 0) {
		buf_add_clean(&b, code, strlen(code), NULL, 0, 0);
		if (*msg != '\0') {
			buf_adds(&b, ": ");
			buf_add_clean(&b, msg, strlen(msg), NULL, 0, 0);
		}
	} else {
		buf_addf(&b, "HTTP %ld", resp->status);
		if (body.len > 0) {
			buf_adds(&b, ": ");
			buf_add_clean(&b, body.data, body.len, NULL, 0,
			    EXCERPT_MAX);
		}
	}
	err_set(err, "%s", buf_str(&b));
	if (err != NULL) {
		err->http_status = resp->status;
		if (code != NULL)
			snprintf(err->aws_code, sizeof(err->aws_code), "%s",
			    code);
	}
	free(code);
	free(msg);
	buf_release(&b);
	buf_release(&body);
}

/* Signs req for Route 53 at the client's time: the first attempt, and
 * each retry (the transport's req->sign hook). */
static int
sign(void *arg, struct http_request *req, struct err *err)
{
	const struct r53_client	*c = arg;
	const struct aws_creds	*creds = c->creds;
	time_t			 now = c->clock();

	/* A provider's credentials are refreshed before they lapse. */
	if (c->creds_provider != NULL && aws_creds_provider_get(
	    c->creds_provider, now, &creds, err) == -1)
		return -1;
	return sigv4_sign_request(req, creds, R53_REGION, R53_SERVICE, now,
	    err);
}

/* The Code of a Route 53 error body, for a retrying transport to tell a
 * throttle from a refusal (req->error_code hook). */
static int
error_code(const struct http_response *resp, char *code, size_t size)
{
	char	*c = NULL, *m = NULL;

	if (r53_xml_parse_error(resp->body.data, resp->body.len, &c,
	    &m) == -1)
		return -1;
	snprintf(code, size, "%s", c);
	free(c);
	free(m);
	return 0;
}

/*
 * One exchange: method on target (path and query, starting with the API
 * version), with an optional XML body.  On 0, resp holds a 2xx response
 * (the caller releases it); on -1 err names op and resp holds nothing.
 *
 * The request carries what a retrying transport (mailauth/retry.h) needs:
 * its name, the signing hook and the error-code hook.  Only GETs are
 * idempotent: a ChangeResourceRecordSets that may have been processed is
 * never sent again by the transport, its error comes back here (and apply
 * settles it by reading the names again).
 */
static int
call(const struct r53_client *c, const char *op, const char *method,
    const char *target, const struct buf *body, struct http_response *resp,
    struct err *err)
{
	struct http_request	 req;
	struct secrets		 sec;
	struct buf		 url = BUF_INIT;
	const char		*ep;
	size_t			 n;
	int			 rc = -1;

	http_response_init(resp);
	ep = c->endpoint != NULL ? c->endpoint : R53_DEFAULT_ENDPOINT;
	n = strlen(ep);
	while (n > 0 && ep[n - 1] == '/')
		n--;
	buf_add(&url, ep, n);
	buf_adds(&url, target);
	http_request_init(&req, method, buf_str(&url));
	http_request_header_set(&req, "User-Agent",
	    "mailauth/" MAILAUTH_VERSION);
	if (body != NULL) {
		http_request_header_set(&req, "Content-Type", "text/xml");
		http_request_body_set(&req, buf_str(body), body->len);
	}
	if (err != NULL) {
		err->http_status = 0;
		err->aws_code[0] = '\0';
	}
	req.op = xasprintf("Route 53 %s", op);
	req.sign = sign;
	req.sign_arg = (void *)c;
	req.error_code = error_code;
	if (sign((void *)c, &req, err) == -1) {
		err_prefix(err, "Route 53 %s", op);
		goto out;
	}
	if (c->http->send(c->http->ctx, &req, resp, err) == -1) {
		err_prefix(err, "Route 53 %s", op);
		goto out;
	}
	if (resp->status < 200 || resp->status > 299) {
		secrets_of(c, &req, &sec);
		response_error(op, resp, &sec, err);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1) {
		secrets_of(c, &req, &sec);
		scrub(&sec, err);
		http_response_release(resp);
		http_response_init(resp);
	}
	http_request_release(&req);
	buf_release(&url);
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
	    truncated, err);
}

int
r53_zones_page(const struct r53_client *c, const char *dnsname,
    const char *zone_id, int maxitems, struct r53_zone **zones,
    size_t *nzones, int *truncated, struct err *err)
{
	struct http_response	 resp;
	struct buf		 target = BUF_INIT;
	char			*canon = NULL;
	const char		*id = NULL;
	char			 sep = '?';
	int			 rc = -1;

	*zones = NULL;
	*nzones = 0;
	*truncated = 0;
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
	buf_adds(&target, API "/hostedzonesbyname");
	if (canon != NULL) {
		buf_addf(&target, "%cdnsname=", sep);
		add_encoded(&target, canon);
		sep = '&';
	}
	if (id != NULL) {
		buf_addf(&target, "%chostedzoneid=", sep);
		add_encoded(&target, id);
	}
	if (maxitems > 0)
		buf_addf(&target, "%cmaxitems=%d", sep, maxitems);
	if (call(c, "ListHostedZonesByName", "GET", buf_str(&target), NULL,
	    &resp, err) == -1)
		goto out;
	if (r53_xml_parse_zones(resp.body.data, resp.body.len, zones, nzones,
	    truncated, err) == -1)
		bad_body("ListHostedZonesByName", err);
	else
		rc = 0;
	http_response_release(&resp);
out:
	free(canon);
	buf_release(&target);
	return rc;
}

int
r53_zone_get(const struct r53_client *c, const char *zone_id,
    struct r53_zone *zone, struct err *err)
{
	struct http_response	 resp;
	char			*target;
	const char		*id;
	int			 rc = -1;

	memset(zone, 0, sizeof(*zone));
	if (clean_id("hosted zone id", zone_id, "/hostedzone/", &id,
	    err) == -1)
		return err_prefix(err, "Route 53 GetHostedZone");
	target = xasprintf(API "/hostedzone/%s", id);
	if (call(c, "GetHostedZone", "GET", target, NULL, &resp, err) == -1)
		goto out;
	if (r53_xml_parse_zone(resp.body.data, resp.body.len, zone, err) == -1)
		bad_body("GetHostedZone", err);
	else
		rc = 0;
	http_response_release(&resp);
out:
	free(target);
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
	struct http_response	 resp;
	struct buf		 target = BUF_INIT;
	char			 sep = '?';
	int			 rc = -1;

	memset(pg, 0, sizeof(*pg));
	buf_addf(&target, API "/hostedzone/%s/rrset", id);
	if (name != NULL) {
		buf_adds(&target, "?name=");
		add_encoded(&target, name);
		sep = '&';
	}
	if (type != NULL) {
		buf_adds(&target, "&type=");
		add_encoded(&target, type);
	}
	if (ident != NULL) {
		buf_adds(&target, "&identifier=");
		add_encoded(&target, ident);
	}
	if (maxitems > 0)
		buf_addf(&target, "%cmaxitems=%d", sep, maxitems);
	if (call(c, "ListResourceRecordSets", "GET", buf_str(&target), NULL,
	    &resp, err) == -1)
		goto out;
	if (r53_xml_parse_rrsets(resp.body.data, resp.body.len, &pg->sets,
	    &pg->nsets, &pg->truncated, &pg->next_name, &pg->next_type,
	    &pg->next_identifier, err) == -1)
		bad_body("ListResourceRecordSets", err);
	else
		rc = 0;
	http_response_release(&resp);
out:
	buf_release(&target);
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
	char			*target = NULL;
	const char		*id;
	size_t			 i;
	int			 rc = -1;

	*change_id = *status = NULL;
	if (clean_id("hosted zone id", zone_id, "/hostedzone/", &id,
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
	target = xasprintf(API "/hostedzone/%s/rrset/", id);
	if (call(c, op, "POST", target, &body, &resp, err) == -1)
		goto out;
	if (r53_xml_parse_change_info(resp.body.data, resp.body.len, change_id,
	    status, err) == -1)
		bad_body(op, err);
	else
		rc = 0;
	http_response_release(&resp);
out:
	free(target);
	buf_release(&body);
	return rc;
}

/* GetChange once: the change's status, malloc'd. */
static char *
change_status(const struct r53_client *c, const char *id, struct err *err)
{
	struct http_response	 resp;
	char			*target, *got_id = NULL, *status = NULL;

	target = xasprintf(API "/change/%s", id);
	if (call(c, "GetChange", "GET", target, NULL, &resp, err) == -1)
		goto out;
	if (r53_xml_parse_change_info(resp.body.data, resp.body.len, &got_id,
	    &status, err) == -1)
		bad_body("GetChange", err);
	http_response_release(&resp);
out:
	free(got_id);
	free(target);
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
