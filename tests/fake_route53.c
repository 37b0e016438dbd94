/*
 * fake_route53.c - a fake Route 53 for the unit tests (fake_route53.h):
 * ListHostedZonesByName, GetHostedZone and ListResourceRecordSets as
 * Route 53 documents them, served from memory.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/route53.h"
#include "fake_route53.h"

#define ENDPOINT	"https://route53.test"
#define API		"/2013-04-01/"

void
fake_reversed(const char *name, char *out, size_t size)
{
	const char	*end = name + strlen(name), *p, *q;
	size_t		 n = 0;

	if (end > name && end[-1] == '.')
		end--;
	for (q = end; q > name; q = p - 1) {
		for (p = q; p > name && p[-1] != '.'; p--)
			;
		ck_assert_uint_lt(n + (size_t)(q - p) + 1, size);
		memcpy(out + n, p, (size_t)(q - p));
		n += (size_t)(q - p);
		out[n++] = '.';
		if (p == name)
			break;
	}
	out[n] = '\0';
}

struct fzone *
fake_zone(struct fake *f, const char *id, const char *name)
{
	struct fzone	*z = &f->zones[f->nzones++];

	ck_assert_uint_le(f->nzones, FAKE_ZONES_MAX);
	ck_assert_uint_lt(strlen(id), sizeof(z->id));
	ck_assert_uint_lt(strlen(name), sizeof(z->name));
	strcpy(z->id, id);
	strcpy(z->name, name);
	return z;
}

struct fset *
fake_add(struct fzone *z, const char *name, const char *type,
    const char *value)
{
	struct fset	*s = xappend(&z->sets, &z->nsets, sizeof(*z->sets));
	struct err	 err;

	s->name = dns_name_canon(name, &err);
	ck_assert_ptr_nonnull(s->name);
	s->type = xstrdup(type);
	s->ttl = 300;
	s->value = xstrdup(value);
	z->sorted = 0;
	return s;
}

void
fake_release(struct fake *f)
{
	size_t	 i, j;

	for (i = 0; i < f->nzones; i++) {
		for (j = 0; j < f->zones[i].nsets; j++) {
			free(f->zones[i].sets[j].name);
			free(f->zones[i].sets[j].type);
			free(f->zones[i].sets[j].ident);
			free(f->zones[i].sets[j].value);
			free(f->zones[i].sets[j].alias);
		}
		free(f->zones[i].sets);
	}
	for (i = 0; i < f->by_name && i < 256; i++) {
		free(f->queries[i]);
		free(f->query_ids[i]);
	}
	for (i = 0; i < f->nlog; i++)
		free(f->log[i]);
	f->nlog = 0;
}

static int	(*sort_order)(const char *, const char *);

static int
cmp_opt(const char *a, const char *b)
{
	return strcmp(a != NULL ? a : "", b != NULL ? b : "");
}

/* Name in the server's order, then type, then identifier. */
static int
fset_cmp(const void *va, const void *vb)
{
	const struct fset	*a = va, *b = vb;
	int			 c;

	if ((c = sort_order(a->name, b->name)) != 0)
		return c;
	if ((c = strcmp(a->type, b->type)) != 0)
		return c;
	return cmp_opt(a->ident, b->ident);
}

int
fake_moto_order(const char *a, const char *b)
{
	char	 ra[300], rb[300];
	size_t	 n;

	fake_reversed(a, ra, sizeof(ra));
	fake_reversed(b, rb, sizeof(rb));
	if ((n = strlen(ra)) > 0)
		ra[n - 1] = '\0';
	if ((n = strlen(rb)) > 0)
		rb[n - 1] = '\0';
	return strcmp(ra, rb);
}

static char *
decode(const char *s, size_t n)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;
	unsigned int	 c;

	for (i = 0; i < n; i++) {
		if (s[i] == '%' && n - i >= 3 &&
		    sscanf(s + i + 1, "%2x", &c) == 1) {
			buf_addc(&b, (char)c);
			i += 2;
		} else
			buf_addc(&b, s[i]);
	}
	return buf_detach(&b);
}

/* The decoded value of key in query, malloc'd, or NULL. */
static char *
param(const char *query, const char *key)
{
	const char	*p = query, *amp;
	size_t		 k = strlen(key);

	while (p != NULL && *p != '\0') {
		amp = strchr(p, '&');
		if (strncmp(p, key, k) == 0 && p[k] == '=')
			return decode(p + k + 1, amp != NULL ?
			    (size_t)(amp - p - k - 1) : strlen(p + k + 1));
		p = amp != NULL ? amp + 1 : NULL;
	}
	return NULL;
}

static void
add_zone_xml(struct buf *b, const struct fzone *z)
{
	buf_addf(b, "<HostedZone><Id>/hostedzone/%s</Id><Name>%s</Name>"
	    "<CallerReference>x</CallerReference><Config><PrivateZone>%s"
	    "</PrivateZone></Config>", z->id, z->name,
	    z->private_zone ? "true" : "false");
	if (!z->hide_count)
		buf_addf(b, "<ResourceRecordSetCount>%zu"
		    "</ResourceRecordSetCount>", z->nsets);
	buf_adds(b, "</HostedZone>");
}

int
fake_zone_order(const char *a, const char *b)
{
	char	 ra[300], rb[300];

	fake_reversed(a, ra, sizeof(ra));
	fake_reversed(b, rb, sizeof(rb));
	return strcmp(ra, rb);
}

static int	(*zone_sort_order)(const char *, const char *);

static int
fzone_cmp(const void *va, const void *vb)
{
	const struct fzone	*a = *(const struct fzone *const *)va;
	const struct fzone	*b = *(const struct fzone *const *)vb;
	int			 c;

	if ((c = zone_sort_order(a->name, b->name)) != 0)
		return c;
	return strcmp(a->id, b->id);
}

/*
 * ListHostedZonesByName as Route 53 documents it: the zones in the
 * server's zone order from the first at or after dnsname (and
 * hostedzoneid), at most maxitems, with NextDNSName and NextHostedZoneId
 * when more follow; or, exact_only, what moto does: the zones named
 * dnsname, or every zone without one, never truncated.
 */
static void
zones_by_name(struct fake *f, const char *query, struct buf *out)
{
	const struct fzone	*z[FAKE_ZONES_MAX];
	char			*dnsname = param(query, "dnsname");
	char			*id = param(query, "hostedzoneid");
	char			*max = param(query, "maxitems");
	size_t			 n = 0, i, start = 0, limit = 100, end;

	ck_assert(id == NULL || dnsname != NULL);
	if (max != NULL) {
		limit = (size_t)atoi(max);
		ck_assert_uint_ge(limit, 1);
		ck_assert_uint_le(limit, 100);
		free(max);
	}
	if (f->by_name < 256) {
		f->queries[f->by_name] = xstrdup(dnsname != NULL ? dnsname : "");
		f->query_ids[f->by_name] = id != NULL ? xstrdup(id) : NULL;
	}
	f->by_name++;
	for (i = 0; i < f->nzones; i++)
		if (!f->exact_only || dnsname == NULL ||
		    strcmp(f->zones[i].name, dnsname) == 0)
			z[n++] = &f->zones[i];
	zone_sort_order = f->zone_order;
	qsort(z, n, sizeof(*z), fzone_cmp);
	buf_adds(out, "<ListHostedZonesByNameResponse><HostedZones>");
	if (f->exact_only) {
		for (i = 0; i < n; i++)
			add_zone_xml(out, z[i]);
		buf_adds(out, "</HostedZones>");
		if (dnsname != NULL)
			buf_addf(out, "<DNSName>%s</DNSName>", dnsname);
		buf_adds(out, "</ListHostedZonesByNameResponse>");
		goto out;
	}
	while (dnsname != NULL && start < n) {
		int	 c = f->zone_order(z[start]->name, dnsname);

		if (c > 0 || (c == 0 && (id == NULL || f->stuck ||
		    strcmp(z[start]->id, id) >= 0)))
			break;
		start++;
	}
	end = start + limit < n ? start + limit : n;
	for (i = start; i < end; i++)
		add_zone_xml(out, z[i]);
	buf_adds(out, "</HostedZones>");
	if (end < n)
		buf_addf(out, "<IsTruncated>true</IsTruncated><NextDNSName>%s"
		    "</NextDNSName><NextHostedZoneId>%s</NextHostedZoneId>",
		    z[end]->name, z[end]->id);
	else
		buf_adds(out, "<IsTruncated>false</IsTruncated>");
	buf_addf(out, "<MaxItems>%zu</MaxItems>"
	    "</ListHostedZonesByNameResponse>", limit);
out:
	free(dnsname);
	free(id);
}

static void
add_set_xml(struct buf *b, const struct fset *s)
{
	const char	*v, *nl;

	buf_addf(b, "<ResourceRecordSet><Name>%s</Name><Type>%s</Type>",
	    s->name, s->type);
	if (s->ident != NULL)
		buf_addf(b, "<SetIdentifier>%s</SetIdentifier><Weight>1"
		    "</Weight>", s->ident);
	if (s->alias != NULL)
		buf_addf(b, "<AliasTarget><HostedZoneId>Z2</HostedZoneId>"
		    "<DNSName>%s</DNSName><EvaluateTargetHealth>false"
		    "</EvaluateTargetHealth></AliasTarget>", s->alias);
	else {
		buf_addf(b, "<TTL>%ld</TTL><ResourceRecords>", s->ttl);
		for (v = s->value; v != NULL; v = nl != NULL ? nl + 1 : NULL) {
			nl = strchr(v, '\n');
			buf_addf(b, "<ResourceRecord><Value>%.*s</Value>"
			    "</ResourceRecord>", nl != NULL ? (int)(nl - v) :
			    (int)strlen(v), v);
		}
		buf_adds(b, "</ResourceRecords>");
	}
	buf_adds(b, "</ResourceRecordSet>");
}

static void
list_rrsets(struct fake *f, struct fzone *z, const char *query,
    struct buf *out)
{
	char	*name = param(query, "name"), *type = param(query, "type");
	char	*ident = param(query, "identifier"), *max;
	size_t	 i = 0, end, limit = 300;
	int	 c;

	if ((max = param(query, "maxitems")) != NULL) {
		limit = (size_t)atoi(max);
		f->last_maxitems = limit;
		ck_assert_uint_ge(limit, 1);
		ck_assert_uint_le(limit, 300);
		free(max);
	}
	if (!z->sorted && z->nsets > 0) {
		sort_order = f->order;
		qsort(z->sets, z->nsets, sizeof(*z->sets), fset_cmp);
		z->sorted = 1;
	}
	ck_assert(type == NULL || name != NULL);
	ck_assert(ident == NULL || type != NULL);
	for (; name != NULL && i < z->nsets; i++) {
		const struct fset	*s = &z->sets[i];

		if ((c = f->order(s->name, name)) > 0)
			break;
		if (c < 0)
			continue;
		if (type == NULL || (c = strcmp(s->type, type)) > 0)
			break;
		if (c == 0 && cmp_opt(s->ident, ident) >= 0)
			break;
	}
	end = i + limit < z->nsets ? i + limit : z->nsets;
	buf_adds(out, "<ListResourceRecordSetsResponse><ResourceRecordSets>");
	for (; i < end; i++)
		add_set_xml(out, &z->sets[i]);
	buf_adds(out, "</ResourceRecordSets>");
	if (end < z->nsets) {
		buf_addf(out, "<IsTruncated>true</IsTruncated><NextRecordName>"
		    "%s</NextRecordName><NextRecordType>%s</NextRecordType>",
		    z->sets[end].name, z->sets[end].type);
		if (z->sets[end].ident != NULL)
			buf_addf(out, "<NextRecordIdentifier>%s"
			    "</NextRecordIdentifier>", z->sets[end].ident);
	} else
		buf_adds(out, "<IsTruncated>false</IsTruncated>");
	buf_addf(out, "<MaxItems>%zu</MaxItems>"
	    "</ListResourceRecordSetsResponse>", limit);
	free(name);
	free(type);
	free(ident);
}

static struct fzone *
zone_of_id(struct fake *f, const char *id, size_t n)
{
	size_t	 i;

	for (i = 0; i < f->nzones; i++)
		if (strlen(f->zones[i].id) == n &&
		    strncmp(f->zones[i].id, id, n) == 0)
			return &f->zones[i];
	return NULL;
}

static int
fake_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct fake	*f = ctx;
	struct fzone	*z;
	const char	*path, *query, *slash;

	(void)err;
	ck_assert_str_eq(req->method, "GET");
	ck_assert_int_eq(strncmp(req->url, ENDPOINT API, strlen(ENDPOINT API)),
	    0);
	path = req->url + strlen(ENDPOINT API);
	if (f->nlog < FAKE_LOG_MAX)
		f->log[f->nlog++] = xstrdup(path);
	query = strchr(path, '?') != NULL ? strchr(path, '?') + 1 : "";
	resp->status = 200;
	if (strncmp(path, "hostedzonesbyname", 17) == 0) {
		if (f->by_name + 1 == (size_t)f->fail_by_name_at) {
			f->by_name++;
			resp->status = 400;
			buf_adds(&resp->body, "<ErrorResponse><Error><Code>"
			    "Throttling</Code><Message>Rate exceeded</Message>"
			    "</Error></ErrorResponse>");
			return 0;
		}
		zones_by_name(f, query, &resp->body);
		return 0;
	}
	ck_assert_int_eq(strncmp(path, "hostedzone/", 11), 0);
	path += 11;
	slash = strchr(path, '/');
	if (slash == NULL) {
		f->get_zone++;
		if ((z = zone_of_id(f, path, strlen(path))) == NULL) {
			resp->status = 404;
			buf_adds(&resp->body, "<ErrorResponse><Error><Code>"
			    "NoSuchHostedZone</Code><Message>No hosted zone "
			    "found with ID: x</Message></Error>"
			    "</ErrorResponse>");
			return 0;
		}
		buf_adds(&resp->body, "<GetHostedZoneResponse>");
		add_zone_xml(&resp->body, z);
		/* Route 53 gives a public zone four name servers. */
		if (!z->private_zone)
			buf_addf(&resp->body, "<DelegationSet><NameServers>"
			    "<NameServer>ns-1.%s.test</NameServer><NameServer>"
			    "ns-2.%s.test</NameServer></NameServers>"
			    "</DelegationSet>", z->id, z->id);
		buf_adds(&resp->body, "</GetHostedZoneResponse>");
		return 0;
	}
	ck_assert_int_eq(strncmp(slash, "/rrset", 6), 0);
	z = zone_of_id(f, path, (size_t)(slash - path));
	ck_assert_ptr_nonnull(z);
	if (++f->rrsets == (size_t)f->fail_rrsets_at) {
		resp->status = 400;
		buf_adds(&resp->body, "<ErrorResponse><Error><Code>Throttling"
		    "</Code><Message>Rate exceeded</Message></Error>"
		    "</ErrorResponse>");
		return 0;
	}
	list_rrsets(f, z, query, &resp->body);
	return 0;
}

static time_t
fake_clock(void)
{
	return 1700000000;
}

static void
no_sleep(unsigned int s)
{
	(void)s;
}

static char	 akid[] = "AKIDEXAMPLE";
static char	 secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

void
fake_open(struct fake *f, struct http_transport *http,
    struct aws_creds *creds, struct r53_client *c)
{
	f->order = dns_name_cmp;
	f->zone_order = fake_zone_order;
	http->send = fake_send;
	http->ctx = f;
	creds->access_key_id = akid;
	creds->secret_access_key = secret;
	c->http = http;
	c->endpoint = ENDPOINT;
	c->creds = creds;
	c->clock = fake_clock;
	c->sleep = no_sleep;
}
