/*
 * check_route53.c - the Route 53 client: XML parsing and building, and the
 * API calls replayed through a transport that checks each request and
 * answers with recorded bodies from tests/fixtures/route53/.
 */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/creds.h"
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/route53.h"
#include "testutil.h"

#define ENDPOINT	"https://route53.amazonaws.com"
#define FIX		FIXTURES "/route53/"
#define AKID		"AKIDEXAMPLE"
#define SECRET		"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN		"IQoJb3JpZ2luX2VjEXAMPLEsessionTOKENvalue"
#define NOW		1700000000	/* 2023-11-14T22:13:20Z */
#define AUTH_PREFIX	"AWS4-HMAC-SHA256 Credential=" AKID \
			    "/20231114/us-east-1/route53/aws4_request"
#define ZONE		"Z1PA6795UKMFR9"
#define CHANGE		"C2682N5HXP0BZ4"
#define RRSET		"/2013-04-01/hostedzone/" ZONE "/rrset"
#define GETCHANGE	"/2013-04-01/change/" CHANGE

Suite	*route53_suite(void);

/* ---- helpers ---------------------------------------------------------- */

static void
slurp(const char *path, struct buf *out)
{
	FILE	*f;
	char	 chunk[4096];
	size_t	 n;

	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open '%s'", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
}

/* ---- the replay transport --------------------------------------------- */

enum echo {
	ECHO_NONE,
	ECHO_XML,	/* an ErrorResponse whose Message repeats the secrets */
	ECHO_HTML,	/* the same as a non-XML body */
	ECHO_LONG	/* the secret across the cut of a long excerpt */
};

struct exchange {
	const char	*method;
	const char	*target;	/* path?query after the endpoint */
	long		 status;	/* -1: the transport fails */
	const char	*fixture;	/* file under FIX, or NULL */
	const char	*body;		/* used when fixture is NULL */
	enum echo	 echo;
};

struct replay {
	const struct exchange	*x;
	size_t			 n;
	size_t			 done;
	/* The last request, as sent. */
	char			*user_agent;
	char			*content_type;
	char			*token;
	char			*body;
};

static unsigned int	slept[32];
static size_t		nslept;

static void
fake_sleep(unsigned int s)
{
	if (nslept < sizeof(slept) / sizeof(slept[0]))
		slept[nslept] = s;
	nslept++;
}

static time_t
fake_clock(void)
{
	return NOW;
}

static char	 akid[] = AKID;
static char	 secret[] = SECRET;
static char	 token[] = TOKEN;

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static int
replay_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct replay		*r = ctx;
	const struct exchange	*x;
	const char		*auth;
	char			*url, path[512];

	ck_assert_msg(r->done < r->n, "unexpected request %s %s", req->method,
	    req->url);
	x = &r->x[r->done++];
	ck_assert_str_eq(req->method, x->method);
	url = xasprintf("%s%s", ENDPOINT, x->target);
	ck_assert_str_eq(req->url, url);
	free(url);
	auth = http_request_header_get(req, "Authorization");
	ck_assert_ptr_nonnull(auth);
	ck_assert_msg(strncmp(auth, AUTH_PREFIX, strlen(AUTH_PREFIX)) == 0,
	    "Authorization: %s", auth);
	ck_assert_ptr_nonnull(strstr(auth, "Signature="));

	free(r->user_agent);
	free(r->content_type);
	free(r->token);
	free(r->body);
	r->user_agent = dup_or_null(http_request_header_get(req, "User-Agent"));
	r->content_type = dup_or_null(http_request_header_get(req,
	    "Content-Type"));
	r->token = dup_or_null(http_request_header_get(req,
	    "X-Amz-Security-Token"));
	r->body = req->body != NULL ? xstrndup(req->body, req->body_len) :
	    NULL;

	if (x->status < 0)
		return err_set(err, "connection refused");
	resp->status = x->status;
	if (x->fixture != NULL) {
		snprintf(path, sizeof(path), "%s%s", FIX, x->fixture);
		slurp(path, &resp->body);
	} else if (x->body != NULL)
		buf_adds(&resp->body, x->body);
	else if (x->echo == ECHO_XML)
		buf_addf(&resp->body, "<ErrorResponse><Error><Code>"
		    "SignatureDoesNotMatch</Code><Message>computed with key "
		    "%s and token %s, yours: %s</Message></Error>"
		    "</ErrorResponse>", SECRET, TOKEN, auth);
	else if (x->echo == ECHO_HTML)
		buf_addf(&resp->body, "<p>%s %s %s", SECRET, TOKEN,
		    strstr(auth, "Signature="));
	else if (x->echo == ECHO_LONG)
		buf_addf(&resp->body, "%0190d %s", 0, SECRET);
	return 0;
}

struct fixture {
	struct replay		replay;
	struct http_transport	http;
	struct aws_creds	creds;
	struct r53_client	client;
	struct err		err;
};

static void
setup(struct fixture *f, const struct exchange *x, size_t n)
{
	memset(f, 0, sizeof(*f));
	f->replay.x = x;
	f->replay.n = n;
	f->http.send = replay_send;
	f->http.ctx = &f->replay;
	f->creds.access_key_id = akid;
	f->creds.secret_access_key = secret;
	f->creds.session_token = token;
	f->client.http = &f->http;
	f->client.endpoint = ENDPOINT "/";
	f->client.creds = &f->creds;
	f->client.clock = fake_clock;
	f->client.sleep = fake_sleep;
	nslept = 0;
}

static void
teardown(struct fixture *f)
{
	free(f->replay.user_agent);
	free(f->replay.content_type);
	free(f->replay.token);
	free(f->replay.body);
}

#define SETUP(f, x)	setup((f), (x), sizeof(x) / sizeof((x)[0]))

/* ---- zones ------------------------------------------------------------ */

START_TEST(test_zones_by_name)
{
	static const struct exchange x[] = {
		{ "GET", "/2013-04-01/hostedzonesbyname?dnsname=example.com."
		    "&maxitems=2", 200, "list_hosted_zones_by_name.xml", NULL,
		    ECHO_NONE },
	};
	struct fixture	 f;
	struct r53_zone	*z;
	size_t		 n;
	int		 truncated;

	SETUP(&f, x);
	ck_assert_int_eq(r53_zones_by_name(&f.client, "Example.COM", 2, &z, &n,
	    &truncated, &f.err), 0);
	ck_assert_uint_eq(f.replay.done, 1);
	ck_assert_uint_eq(n, 2);
	ck_assert_int_eq(truncated, 1);
	ck_assert_str_eq(z[0].id, ZONE);
	ck_assert_str_eq(z[0].name, "example.com.");
	ck_assert_int_eq(z[0].private_zone, 0);
	ck_assert_int_eq(z[0].record_count, 17);
	ck_assert_str_eq(z[1].id, "Z1D633PJN98FT9");
	ck_assert_int_eq(z[1].private_zone, 1);
	ck_assert_int_eq(z[1].record_count, 4);
	/* Signed (checked by the transport), identified, temporary creds. */
	ck_assert_ptr_nonnull(f.replay.user_agent);
	ck_assert_int_eq(strncmp(f.replay.user_agent, "mailauth/", 9), 0);
	ck_assert_ptr_null(f.replay.content_type);
	ck_assert_ptr_null(f.replay.body);
	ck_assert_ptr_nonnull(f.replay.token);
	ck_assert_str_eq(f.replay.token, TOKEN);
	r53_zones_release(z, n);
	free(z);
	teardown(&f);
}
END_TEST

START_TEST(test_zone_get)
{
	static const struct exchange x[] = {
		{ "GET", "/2013-04-01/hostedzone/" ZONE, 200,
		    "get_hosted_zone.xml", NULL, ECHO_NONE },
	};
	struct fixture	 f;
	struct r53_zone	 z;

	SETUP(&f, x);
	ck_assert_int_eq(r53_zone_get(&f.client, "/hostedzone/" ZONE, &z,
	    &f.err), 0);
	ck_assert_uint_eq(f.replay.done, 1);
	ck_assert_str_eq(z.id, ZONE);
	ck_assert_str_eq(z.name, "example.com.");
	ck_assert_int_eq(z.record_count, 17);
	r53_zones_release(&z, 1);
	teardown(&f);
}
END_TEST

/* Ids go into URL paths: anything but an id is refused before sending. */
START_TEST(test_bad_ids)
{
	static const char *const bad[] = { "Z1/../../x", "", "Z1?x=1",
	    "Z1 Z2", "/hostedzone/", "Z%2F" };
	struct fixture	 f;
	struct r53_zone	 z;
	struct rrset	*sets;
	size_t		 i, n;
	char		*id, *status;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(&f, NULL, 0);
		ck_assert_int_eq(r53_zone_get(&f.client, bad[i], &z, &f.err),
		    -1);
		ck_assert_msg(strstr(f.err.msg, "Route 53 GetHostedZone: ") ==
		    f.err.msg && strstr(f.err.msg, "not a hosted zone id") !=
		    NULL, "%s", f.err.msg);
		ck_assert_int_eq(r53_rrsets_at(&f.client, bad[i], "example.com",
		    &sets, &n, &f.err), -1);
		ck_assert_int_eq(r53_change(&f.client, bad[i], NULL, NULL, 0,
		    &id, &status, &f.err), -1);
		ck_assert_int_eq(r53_change_status(&f.client, bad[i], &status,
		    &f.err), -1);
		ck_assert_msg(strstr(f.err.msg, "not a change id") != NULL,
		    "%s", f.err.msg);
		ck_assert_uint_eq(f.replay.done, 0);
		teardown(&f);
	}
}
END_TEST

/* ---- record sets ------------------------------------------------------ */

START_TEST(test_rrsets_stop_at_other_name)
{
	static const struct exchange x[] = {
		{ "GET", RRSET "?name=_dmarc.example.com.&maxitems=10", 200,
		    "rrsets_dmarc.xml", NULL, ECHO_NONE },
	};
	struct fixture	 f;
	struct rrset	*sets;
	size_t		 n;

	SETUP(&f, x);
	ck_assert_int_eq(r53_rrsets_at(&f.client, ZONE, "_DMARC.example.com",
	    &sets, &n, &f.err), 0);
	/* The page is truncated, but it went past our name: no second call. */
	ck_assert_uint_eq(f.replay.done, 1);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(sets[0].name, "_dmarc.example.com.");
	ck_assert_str_eq(sets[0].type, "TXT");
	ck_assert_int_eq(sets[0].ttl, 3600);
	ck_assert_uint_eq(sets[0].nvalues, 1);
	ck_assert_str_eq(sets[0].values[0], "\"v=DMARC1; p=quarantine; "
	    "rua=mailto:dmarc-reports@example.com\"");
	ck_assert_ptr_null(sets[0].alias_target);
	r53_rrsets_release(sets, n);
	teardown(&f);
}
END_TEST

START_TEST(test_rrsets_continue_same_name)
{
	static const struct exchange x[] = {
		{ "GET", RRSET "?name=example.com.&maxitems=10", 200,
		    "rrsets_apex_page1.xml", NULL, ECHO_NONE },
		{ "GET", RRSET "?name=example.com.&type=TXT&maxitems=10", 200,
		    "rrsets_apex_page2.xml", NULL, ECHO_NONE },
	};
	static const char *const types[] = { "A", "AAAA", "CAA", "HTTPS", "MX",
	    "NAPTR", "NS", "SOA", "SPF", "SSHFP", "TXT" };
	struct fixture	 f;
	struct rrset	*sets;
	size_t		 n, i;

	SETUP(&f, x);
	ck_assert_int_eq(r53_rrsets_at(&f.client, ZONE, "example.com.", &sets,
	    &n, &f.err), 0);
	ck_assert_uint_eq(f.replay.done, 2);
	ck_assert_uint_eq(n, 11);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(sets[i].name, "example.com.");
		ck_assert_str_eq(sets[i].type, types[i]);
	}
	/* An alias has no TTL and no values. */
	ck_assert_int_eq(sets[0].ttl, -1);
	ck_assert_uint_eq(sets[0].nvalues, 0);
	ck_assert_str_eq(sets[0].alias_target,
	    "dualstack.my-lb-1234567890.us-east-1.elb.amazonaws.com.");
	ck_assert_uint_eq(sets[2].nvalues, 2);
	ck_assert_str_eq(sets[2].values[0], "0 issue \"amazon.com\"");
	ck_assert_int_eq(sets[6].ttl, 172800);
	ck_assert_uint_eq(sets[6].nvalues, 4);
	ck_assert_uint_eq(sets[10].nvalues, 2);
	ck_assert_str_eq(sets[10].values[0],
	    "\"v=spf1 include:_spf.google.com ~all\"");
	r53_rrsets_release(sets, n);
	teardown(&f);
}
END_TEST

/* A page that ends inside record sets with a routing policy. */
START_TEST(test_rrsets_continue_identifier)
{
	static const struct exchange x[] = {
		{ "GET", RRSET "?name=example.com.&maxitems=10", 200,
		    "rrsets_latency_page1.xml", NULL, ECHO_NONE },
		{ "GET", RRSET "?name=example.com.&type=A&identifier=us-east-1"
		    "&maxitems=10", 200, "rrsets_latency_page2.xml", NULL,
		    ECHO_NONE },
	};
	struct fixture	 f;
	struct rrset	*sets;
	size_t		 n, i;

	SETUP(&f, x);
	ck_assert_int_eq(r53_rrsets_at(&f.client, ZONE, "example.com", &sets,
	    &n, &f.err), 0);
	ck_assert_uint_eq(f.replay.done, 2);
	ck_assert_uint_eq(n, 12);
	for (i = 0; i < n; i++) {
		ck_assert_str_eq(sets[i].type, "A");
		ck_assert_int_eq(sets[i].ttl, 60);
	}
	ck_assert_str_eq(sets[11].values[0], "198.51.100.12");
	r53_rrsets_release(sets, n);
	teardown(&f);
}
END_TEST

#define EMPTY_PAGE \
	"<ListResourceRecordSetsResponse><ResourceRecordSets/>" \
	"<IsTruncated>false</IsTruncated><MaxItems>10</MaxItems>" \
	"</ListResourceRecordSetsResponse>"
#define NEXT_OTHER_PAGE \
	"<ListResourceRecordSetsResponse><ResourceRecordSets>" \
	"<ResourceRecordSet><Name>_dmarc.example.com.</Name><Type>TXT</Type>" \
	"<TTL>300</TTL><ResourceRecords><ResourceRecord><Value>\"v=DMARC1; " \
	"p=none\"</Value></ResourceRecord></ResourceRecords>" \
	"</ResourceRecordSet></ResourceRecordSets><IsTruncated>true" \
	"</IsTruncated><NextRecordName>_domainkey.example.com." \
	"</NextRecordName><NextRecordType>TXT</NextRecordType>" \
	"<MaxItems>1</MaxItems></ListResourceRecordSetsResponse>"
#define STUCK_PAGE \
	"<ListResourceRecordSetsResponse><ResourceRecordSets/>" \
	"<IsTruncated>true</IsTruncated><NextRecordName>example.com." \
	"</NextRecordName><NextRecordType>TXT</NextRecordType>" \
	"<MaxItems>10</MaxItems></ListResourceRecordSetsResponse>"

START_TEST(test_rrsets_edge_cases)
{
	static const struct exchange wild[] = {
		{ "GET", RRSET "?name=%5C052.example.com.&maxitems=10", 200,
		    NULL, EMPTY_PAGE, ECHO_NONE },
	};
	static const struct exchange stuck[] = {
		{ "GET", RRSET "?name=example.com.&maxitems=10", 200, NULL,
		    STUCK_PAGE, ECHO_NONE },
		{ "GET", RRSET "?name=example.com.&type=TXT&maxitems=10", 200,
		    NULL, STUCK_PAGE, ECHO_NONE },
	};
	static const struct exchange next_other[] = {
		{ "GET", RRSET "?name=_dmarc.example.com.&maxitems=10", 200,
		    NULL, NEXT_OTHER_PAGE, ECHO_NONE },
	};
	static const struct exchange garbage[] = {
		{ "GET", RRSET "?name=example.com.&maxitems=10", 200, NULL,
		    "<html>not xml", ECHO_NONE },
	};
	struct fixture	 f;
	struct rrset	*sets;
	size_t		 n;

	/* A wildcard is asked for in Route 53's escaped form. */
	SETUP(&f, wild);
	ck_assert_int_eq(r53_rrsets_at(&f.client, ZONE, "*.Example.com", &sets,
	    &n, &f.err), 0);
	ck_assert_uint_eq(f.replay.done, 1);
	ck_assert_uint_eq(n, 0);
	r53_rrsets_release(sets, n);
	teardown(&f);

	/* A server that keeps answering with the same Next* never loops. */
	SETUP(&f, stuck);
	ck_assert_int_eq(r53_rrsets_at(&f.client, ZONE, "example.com", &sets,
	    &n, &f.err), -1);
	ck_assert_uint_eq(f.replay.done, 2);
	ck_assert_str_eq(f.err.msg, "Route 53 ListResourceRecordSets: the "
	    "listing of 'example.com.' does not advance");
	ck_assert_ptr_null(sets);
	teardown(&f);

	/* Truncated, but what follows is another name: one request. */
	SETUP(&f, next_other);
	ck_assert_int_eq(r53_rrsets_at(&f.client, ZONE, "_dmarc.example.com",
	    &sets, &n, &f.err), 0);
	ck_assert_uint_eq(f.replay.done, 1);
	ck_assert_uint_eq(n, 1);
	r53_rrsets_release(sets, n);
	teardown(&f);

	SETUP(&f, garbage);
	ck_assert_int_eq(r53_rrsets_at(&f.client, ZONE, "example.com", &sets,
	    &n, &f.err), -1);
	ck_assert_str_eq(f.err.msg, "Route 53 ListResourceRecordSets: "
	    "unexpected response: response is not well-formed XML");
	teardown(&f);

	setup(&f, NULL, 0);
	ck_assert_int_eq(r53_rrsets_at(&f.client, ZONE, "a..b", &sets, &n,
	    &f.err), -1);
	ck_assert_str_eq(f.err.msg, "Route 53 ListResourceRecordSets: 'a..b': "
	    "empty label in DNS name");
	ck_assert_uint_eq(f.replay.done, 0);
	teardown(&f);
}
END_TEST

/* One page at a time: the start and maxitems go into the query as given,
 * and Next* come back for the caller to follow or not. */
START_TEST(test_rrsets_page)
{
	static const struct exchange x[] = {
		{ "GET", RRSET "?maxitems=300", 200,
		    "rrsets_latency_page1.xml", NULL, ECHO_NONE },
		{ "GET", RRSET "?name=example.com.&type=A&identifier=us-east-1"
		    "&maxitems=50", 200, "rrsets_latency_page2.xml", NULL,
		    ECHO_NONE },
		{ "GET", RRSET "?name=%5C052.example.com.", 200, NULL,
		    EMPTY_PAGE, ECHO_NONE },
	};
	struct fixture		 f;
	struct r53_rrsets_page	 pg;

	SETUP(&f, x);
	/* From the zone's first record set. */
	ck_assert_int_eq(r53_rrsets_page(&f.client, ZONE, NULL, NULL, NULL,
	    R53_RRSETS_PAGE_MAX, &pg, &f.err), 0);
	ck_assert_uint_eq(pg.nsets, 10);
	ck_assert_int_eq(pg.truncated, 1);
	ck_assert_str_eq(pg.next_name, "example.com.");
	ck_assert_str_eq(pg.next_type, "A");
	ck_assert_str_eq(pg.next_identifier, "us-east-1");
	/* Not followed: one request. */
	ck_assert_uint_eq(f.replay.done, 1);
	r53_rrsets_page_release(&pg);
	ck_assert_ptr_null(pg.sets);

	ck_assert_int_eq(r53_rrsets_page(&f.client, "/hostedzone/" ZONE,
	    "Example.com", "A", "us-east-1", 50, &pg, &f.err), 0);
	ck_assert_int_eq(pg.truncated, 0);
	ck_assert_ptr_null(pg.next_name);
	ck_assert_ptr_null(pg.next_type);
	ck_assert_ptr_null(pg.next_identifier);
	ck_assert_str_eq(pg.sets[pg.nsets - 1].name, "_dmarc.example.com.");
	r53_rrsets_page_release(&pg);

	/* maxitems 0 leaves the page size to Route 53. */
	ck_assert_int_eq(r53_rrsets_page(&f.client, ZONE, "*.example.com",
	    NULL, NULL, 0, &pg, &f.err), 0);
	ck_assert_uint_eq(pg.nsets, 0);
	ck_assert_int_eq(pg.truncated, 0);
	r53_rrsets_page_release(&pg);
	ck_assert_uint_eq(f.replay.done, 3);
	teardown(&f);
}
END_TEST

/* What Route 53 would refuse is refused before any request. */
START_TEST(test_rrsets_page_refused_locally)
{
	static const struct {
		const char	*zone, *name, *type, *ident;
		int		 maxitems;
		const char	*msg;
	} bad[] = {
		{ ZONE, "example.com", NULL, NULL, 301,
		    "Route 53 ListResourceRecordSets: maxitems 301 is not "
		    "between 1 and 300" },
		{ ZONE, "example.com", NULL, NULL, -1,
		    "Route 53 ListResourceRecordSets: maxitems -1 is not "
		    "between 1 and 300" },
		{ ZONE, NULL, "TXT", NULL, 10,
		    "Route 53 ListResourceRecordSets: a start type needs a "
		    "start name" },
		{ ZONE, "example.com", NULL, "us-east-1", 10,
		    "Route 53 ListResourceRecordSets: a start identifier "
		    "needs a start type" },
		{ ZONE, "a..b", NULL, NULL, 10,
		    "Route 53 ListResourceRecordSets: 'a..b': empty label in "
		    "DNS name" },
		{ "Z1/../x", "example.com", NULL, NULL, 10,
		    "Route 53 ListResourceRecordSets: 'Z1/../x': not a hosted "
		    "zone id" },
	};
	struct fixture		 f;
	struct r53_rrsets_page	 pg;
	size_t			 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setup(&f, NULL, 0);
		ck_assert_int_eq(r53_rrsets_page(&f.client, bad[i].zone,
		    bad[i].name, bad[i].type, bad[i].ident, bad[i].maxitems,
		    &pg, &f.err), -1);
		ck_assert_str_eq(f.err.msg, bad[i].msg);
		ck_assert_ptr_null(pg.sets);
		ck_assert_ptr_null(pg.next_name);
		ck_assert_uint_eq(f.replay.done, 0);
		teardown(&f);
	}
}
END_TEST

/* ---- change batches --------------------------------------------------- */

/* GetChange once: no polling, no sleeping. */
START_TEST(test_change_status)
{
	static const struct exchange x[] = {
		{ "GET", GETCHANGE, 200, "get_change_pending.xml", NULL,
		    ECHO_NONE },
		{ "GET", GETCHANGE, 200, "get_change_insync.xml", NULL,
		    ECHO_NONE },
		{ "GET", GETCHANGE, 400, "error_throttling.xml", NULL,
		    ECHO_NONE },
		{ "GET", GETCHANGE, 200, NULL, "<html>", ECHO_NONE },
	};
	struct fixture	 f;
	char		*status;

	SETUP(&f, x);
	ck_assert_int_eq(r53_change_status(&f.client, CHANGE, &status,
	    &f.err), 0);
	ck_assert_str_eq(status, "PENDING");
	free(status);
	ck_assert_int_eq(r53_change_status(&f.client, "/change/" CHANGE,
	    &status, &f.err), 0);
	ck_assert_str_eq(status, "INSYNC");
	free(status);
	ck_assert_int_eq(r53_change_status(&f.client, CHANGE, &status,
	    &f.err), -1);
	ck_assert_ptr_null(status);
	ck_assert_str_eq(f.err.msg, "Route 53 GetChange: Throttling: Rate "
	    "exceeded");
	ck_assert_str_eq(f.err.aws_code, "Throttling");
	ck_assert_int_eq(r53_change_status(&f.client, CHANGE, &status,
	    &f.err), -1);
	ck_assert_ptr_null(status);
	ck_assert_ptr_nonnull(strstr(f.err.msg, "Route 53 GetChange: "
	    "unexpected response"));
	ck_assert_uint_eq(f.replay.done, 4);
	ck_assert_uint_eq(nslept, 0);
	teardown(&f);

	setup(&f, NULL, 0);
	ck_assert_int_eq(r53_change_status(&f.client, "C1/../x", &status,
	    &f.err), -1);
	ck_assert_ptr_null(status);
	ck_assert_str_eq(f.err.msg, "Route 53 GetChange: 'C1/../x': not a "
	    "change id");
	ck_assert_uint_eq(f.replay.done, 0);
	teardown(&f);
}
END_TEST

/* The text of the first child element of n named name, or NULL. */
static xmlNode *
elem(xmlNode *n, const char *name)
{
	for (n = n != NULL ? n->children : NULL; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			return n;
	return NULL;
}

static void
assert_text(xmlNode *n, const char *want)
{
	xmlChar	*t;

	ck_assert_ptr_nonnull(n);
	t = xmlNodeGetContent(n);
	ck_assert_str_eq((const char *)t, want);
	xmlFree(t);
}

static size_t
count_children(xmlNode *n, const char *name)
{
	size_t	 c = 0;

	for (n = n->children; n != NULL; n = n->next)
		if (n->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)n->name, name) == 0)
			c++;
	return c;
}

/* Element local names and texts, one "path=text" line per leaf. */
static void
flatten(xmlNode *n, const char *path, struct buf *out)
{
	xmlNode	*c;
	xmlChar	*t;
	char	*p;
	int	 leaf;

	for (; n != NULL; n = n->next) {
		if (n->type != XML_ELEMENT_NODE)
			continue;
		p = xasprintf("%s/%s", path, (const char *)n->name);
		leaf = 1;
		for (c = n->children; c != NULL; c = c->next)
			if (c->type == XML_ELEMENT_NODE)
				leaf = 0;
		if (leaf) {
			t = xmlNodeGetContent(n);
			buf_addf(out, "%s=%s\n", p, (const char *)t);
			xmlFree(t);
		} else
			flatten(n->children, p, out);
		free(p);
	}
}

static void
flatten_doc(const char *xml, size_t len, struct buf *out)
{
	xmlDoc	*doc = xmlReadMemory(xml, (int)len, NULL, NULL,
		    XML_PARSE_NONET | XML_PARSE_NOBLANKS);

	ck_assert_ptr_nonnull(doc);
	flatten(xmlDocGetRootElement(doc), "", out);
	xmlFreeDoc(doc);
}

START_TEST(test_build_change_batch)
{
	struct rrset		 txt, dmarc, cname;
	struct r53_change	 ch[3];
	struct buf		 out = BUF_INIT;
	xmlDoc			*doc;
	xmlNode			*root, *changes, *c, *rs, *rrs;
	const char		*hostile = "\"a \\\"quoted\\\" & <b>bold</b> "
				    "]]> text\"";

	rrset_init(&txt, "example.com.", "TXT", 300);
	rrset_value_add(&txt, hostile);
	rrset_value_add(&txt, "\"v=spf1 -all\"");
	rrset_init(&dmarc, "_dmarc.example.com.", "TXT", 3600);
	rrset_value_add(&dmarc, "\"v=DMARC1; p=none\"");
	rrset_init(&cname, "s1._domainkey.example.com.", "CNAME", -1);
	rrset_value_add(&cname, "s1.domainkey.u1234.wl.sendgrid.net");
	ch[0].action = R53_UPSERT;
	ch[0].rrset = &txt;
	ch[1].action = R53_CREATE;
	ch[1].rrset = &dmarc;
	ch[2].action = R53_DELETE;
	ch[2].rrset = &cname;

	r53_xml_build_change_batch("mailauth <apply> & co", ch, 3, &out);
	ck_assert_int_eq(strncmp(buf_str(&out),
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 38), 0);
	/* The library escapes '&' and '<'; the raw text never appears. */
	ck_assert_ptr_nonnull(strstr(buf_str(&out), "&amp; &lt;b&gt;bold"));
	ck_assert_ptr_null(strstr(buf_str(&out), "<b>"));
	ck_assert_ptr_null(strstr(buf_str(&out), "& co"));

	doc = xmlReadMemory(out.data, (int)out.len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	ck_assert_ptr_nonnull(doc);
	root = xmlDocGetRootElement(doc);
	ck_assert_str_eq((const char *)root->name,
	    "ChangeResourceRecordSetsRequest");
	ck_assert_ptr_nonnull(root->ns);
	ck_assert_str_eq((const char *)root->ns->href,
	    "https://route53.amazonaws.com/doc/2013-04-01/");
	assert_text(elem(elem(root, "ChangeBatch"), "Comment"),
	    "mailauth <apply> & co");
	changes = elem(elem(root, "ChangeBatch"), "Changes");
	ck_assert_ptr_nonnull(changes);
	ck_assert_uint_eq(count_children(changes, "Change"), 3);

	c = elem(changes, "Change");
	assert_text(elem(c, "Action"), "UPSERT");
	rs = elem(c, "ResourceRecordSet");
	assert_text(elem(rs, "Name"), "example.com.");
	assert_text(elem(rs, "Type"), "TXT");
	assert_text(elem(rs, "TTL"), "300");
	rrs = elem(rs, "ResourceRecords");
	ck_assert_uint_eq(count_children(rrs, "ResourceRecord"), 2);
	assert_text(elem(elem(rrs, "ResourceRecord"), "Value"), hostile);

	c = c->next;
	assert_text(elem(c, "Action"), "CREATE");
	assert_text(elem(elem(c, "ResourceRecordSet"), "Name"),
	    "_dmarc.example.com.");

	c = c->next;
	assert_text(elem(c, "Action"), "DELETE");
	rs = elem(c, "ResourceRecordSet");
	ck_assert_ptr_null(elem(rs, "TTL"));
	assert_text(elem(elem(elem(rs, "ResourceRecords"), "ResourceRecord"),
	    "Value"), "s1.domainkey.u1234.wl.sendgrid.net");
	xmlFreeDoc(doc);

	/* No comment: no Comment element. */
	buf_reset(&out);
	r53_xml_build_change_batch(NULL, ch, 1, &out);
	ck_assert_ptr_null(strstr(buf_str(&out), "Comment"));

	buf_release(&out);
	rrset_release(&txt);
	rrset_release(&dmarc);
	rrset_release(&cname);
}
END_TEST

START_TEST(test_change_and_wait)
{
	static const struct exchange x[] = {
		{ "POST", "/2013-04-01/hostedzone/" ZONE "/rrset/", 200,
		    "change_pending.xml", NULL, ECHO_NONE },
		{ "GET", GETCHANGE, 200, "get_change_pending.xml", NULL,
		    ECHO_NONE },
		{ "GET", GETCHANGE, 200, "get_change_insync.xml", NULL,
		    ECHO_NONE },
	};
	struct fixture		 f;
	struct rrset		 rs;
	struct r53_change	 ch;
	struct buf		 want = BUF_INIT;
	char			*id, *status;

	rrset_init(&rs, "_dmarc.example.com.", "TXT", 3600);
	rrset_value_add(&rs, "\"v=DMARC1; p=reject\"");
	ch.action = R53_UPSERT;
	ch.rrset = &rs;
	SETUP(&f, x);
	ck_assert_int_eq(r53_change(&f.client, ZONE, "mailauth apply", &ch, 1,
	    &id, &status, &f.err), 0);
	ck_assert_str_eq(id, CHANGE);
	ck_assert_str_eq(status, "PENDING");
	ck_assert_ptr_nonnull(f.replay.content_type);
	ck_assert_str_eq(f.replay.content_type, "text/xml");
	r53_xml_build_change_batch("mailauth apply", &ch, 1, &want);
	ck_assert_ptr_nonnull(f.replay.body);
	ck_assert_str_eq(f.replay.body, buf_str(&want));

	free(status);
	ck_assert_int_eq(r53_change_status(&f.client, id, &status, &f.err), 0);
	ck_assert_str_eq(status, "PENDING");
	free(status);
	ck_assert_int_eq(r53_change_status(&f.client, id, &status, &f.err), 0);
	ck_assert_str_eq(status, "INSYNC");
	ck_assert_uint_eq(f.replay.done, 3);
	ck_assert_uint_eq(nslept, 0);	/* polling is apply's (src/plan) */

	free(id);
	free(status);
	buf_release(&want);
	rrset_release(&rs);
	teardown(&f);
}
END_TEST

START_TEST(test_change_refused_locally)
{
	struct fixture		 f;
	struct rrset		 rs;
	struct r53_change	 ch;
	char			*id, *status;

	setup(&f, NULL, 0);
	ck_assert_int_eq(r53_change(&f.client, ZONE, NULL, NULL, 0, &id,
	    &status, &f.err), -1);
	ck_assert_str_eq(f.err.msg, "Route 53 ChangeResourceRecordSets: no "
	    "changes to send");
	rrset_init(&rs, "example.com.", "A", -1);
	rs.alias_target = xstrdup("d111111abcdef8.cloudfront.net.");
	ch.action = R53_DELETE;
	ch.rrset = &rs;
	ck_assert_int_eq(r53_change(&f.client, ZONE, NULL, &ch, 1, &id,
	    &status, &f.err), -1);
	ck_assert_str_eq(f.err.msg, "Route 53 ChangeResourceRecordSets: "
	    "'example.com.' A is an alias record, which mailauth does not "
	    "change");
	ck_assert_ptr_null(id);
	ck_assert_uint_eq(f.replay.done, 0);
	rrset_release(&rs);
	teardown(&f);
}
END_TEST

/* ---- errors ----------------------------------------------------------- */

enum op {
	OP_ZONES,
	OP_ZONE,
	OP_RRSETS,
	OP_CHANGE,
	OP_WAIT
};

static int
run_op(struct fixture *f, enum op op)
{
	struct r53_zone		*zones = NULL, z;
	struct rrset		*sets = NULL, rs;
	struct r53_change	 ch;
	size_t			 n = 0;
	char			*id = NULL, *status = NULL;
	int			 truncated, rc = -1;

	switch (op) {
	case OP_ZONES:
		rc = r53_zones_by_name(&f->client, "example.com", 2, &zones,
		    &n, &truncated, &f->err);
		ck_assert_ptr_null(zones);
		break;
	case OP_ZONE:
		rc = r53_zone_get(&f->client, ZONE, &z, &f->err);
		ck_assert_ptr_null(z.id);
		break;
	case OP_RRSETS:
		rc = r53_rrsets_at(&f->client, ZONE, "example.com", &sets, &n,
		    &f->err);
		ck_assert_ptr_null(sets);
		break;
	case OP_CHANGE:
		rrset_init(&rs, "_dmarc.example.com.", "TXT", 300);
		rrset_value_add(&rs, "\"v=DMARC1; p=none\"");
		ch.action = R53_CREATE;
		ch.rrset = &rs;
		rc = r53_change(&f->client, ZONE, NULL, &ch, 1, &id, &status,
		    &f->err);
		ck_assert_ptr_null(id);
		ck_assert_ptr_null(status);
		rrset_release(&rs);
		break;
	case OP_WAIT:
		rc = r53_change_status(&f->client, CHANGE, &status, &f->err);
		ck_assert_ptr_null(status);
		break;
	}
	return rc;
}

static const struct exchange ex_zones[] = {
	{ "GET", "/2013-04-01/hostedzonesbyname?dnsname=example.com."
	    "&maxitems=2", 403, "error_access_denied.xml", NULL, ECHO_NONE } };
static const struct exchange ex_zone[] = {
	{ "GET", "/2013-04-01/hostedzone/" ZONE, 404,
	    "error_no_such_hosted_zone.xml", NULL, ECHO_NONE } };
static const struct exchange ex_rrsets[] = {
	{ "GET", RRSET "?name=example.com.&maxitems=10", 400,
	    "error_throttling.xml", NULL, ECHO_NONE } };
static const struct exchange ex_change[] = {
	{ "POST", "/2013-04-01/hostedzone/" ZONE "/rrset/", 400,
	    "error_invalid_change_batch.xml", NULL, ECHO_NONE } };
static const struct exchange ex_change_old[] = {
	{ "POST", "/2013-04-01/hostedzone/" ZONE "/rrset/", 400,
	    "invalid_change_batch_messages.xml", NULL, ECHO_NONE } };
static const struct exchange ex_wait_500[] = {
	{ "GET", GETCHANGE, 500, "error_500.html", NULL, ECHO_NONE } };
static const struct exchange ex_wait_503[] = {
	{ "GET", GETCHANGE, 503, NULL, "\tService  \r\n Unavailable \x01\xff"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "4567890123456789012345678901234567890123456789012345678901234567"
	    "8901234567890123456789012345678901234567890123456789012345678901"
	    "TAIL", ECHO_NONE } };
static const struct exchange ex_wait_empty[] = {
	{ "GET", GETCHANGE, 502, NULL, "", ECHO_NONE } };
static const struct exchange ex_wait_nomsg[] = {
	{ "GET", GETCHANGE, 500, NULL, "<ErrorResponse><Error><Type>Receiver"
	    "</Type><Code>InternalFailure</Code></Error></ErrorResponse>",
	    ECHO_NONE } };
static const struct exchange ex_refused[] = {
	{ "GET", "/2013-04-01/hostedzone/" ZONE, -1, NULL, NULL, ECHO_NONE } };

static const struct {
	const struct exchange	*x;
	enum op			 op;
	long			 status;
	const char		*code;
	const char		*msg;
} error_cases[] = {
	{ ex_zones, OP_ZONES, 403, "AccessDenied",
	    "Route 53 ListHostedZonesByName: AccessDenied: User: "
	    "arn:aws:iam::123456789012:user/ci-mailauth is not authorized to "
	    "perform: route53:ListHostedZonesByName because no identity-based "
	    "policy allows the route53:ListHostedZonesByName action" },
	{ ex_zone, OP_ZONE, 404, "NoSuchHostedZone",
	    "Route 53 GetHostedZone: NoSuchHostedZone: No hosted zone found "
	    "with ID: Z0000000000000000000" },
	{ ex_rrsets, OP_RRSETS, 400, "Throttling",
	    "Route 53 ListResourceRecordSets: Throttling: Rate exceeded" },
	{ ex_change, OP_CHANGE, 400, "InvalidChangeBatch",
	    "Route 53 ChangeResourceRecordSets: InvalidChangeBatch: [Tried to "
	    "create resource record set [name='_dmarc.example.com.', "
	    "type='TXT'] but it already exists]" },
	{ ex_change_old, OP_CHANGE, 400, "InvalidChangeBatch",
	    "Route 53 ChangeResourceRecordSets: InvalidChangeBatch: Tried to "
	    "create resource record set _dmarc.example.com. type TXT, but it "
	    "already exists; Tried to delete resource record set "
	    "s1._domainkey.example.com. type CNAME, but it was not found" },
	{ ex_wait_500, OP_WAIT, 500, "",
	    "Route 53 GetChange: HTTP 500: <html> <head><title>500 Internal "
	    "Server Error</title></head> <body> <center><h1>500 Internal "
	    "Server Error</h1></center> </body> </html>" },
	/* White space folded, other bytes shown as '?', cut at 200. */
	{ ex_wait_503, OP_WAIT, 503, "",
	    "Route 53 GetChange: HTTP 503: Service Unavailable ?"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "4567890123456789012345678901234567890123456789012345678901234567"
	    "890123456789012345678901234567890123456789012345678..." },
	{ ex_wait_empty, OP_WAIT, 502, "", "Route 53 GetChange: HTTP 502" },
	{ ex_wait_nomsg, OP_WAIT, 500, "InternalFailure",
	    "Route 53 GetChange: InternalFailure" },
	{ ex_refused, OP_ZONE, 0, "",
	    "Route 53 GetHostedZone: connection refused" },
};

START_TEST(test_errors)
{
	struct fixture	 f;

	setup(&f, error_cases[_i].x, 1);
	ck_assert_int_eq(run_op(&f, error_cases[_i].op), -1);
	ck_assert_uint_eq(f.replay.done, 1);
	ck_assert_str_eq(f.err.msg, error_cases[_i].msg);
	ck_assert_str_eq(f.err.aws_code, error_cases[_i].code);
	ck_assert_int_eq(f.err.http_status, error_cases[_i].status);
	ck_assert_ptr_null(strstr(f.err.msg, SECRET));
	teardown(&f);
}
END_TEST

/* A server that repeats secrets back does not get them into err. */
START_TEST(test_secrets_scrubbed)
{
	static const struct exchange xml[] = {
		{ "GET", "/2013-04-01/hostedzone/" ZONE, 403, NULL, NULL,
		    ECHO_XML } };
	static const struct exchange html[] = {
		{ "GET", "/2013-04-01/hostedzone/" ZONE, 403, NULL, NULL,
		    ECHO_HTML } };
	static const struct exchange cut[] = {
		{ "GET", "/2013-04-01/hostedzone/" ZONE, 403, NULL, NULL,
		    ECHO_LONG } };
	const struct exchange	*cases[] = { xml, html };
	struct fixture		 f;
	size_t			 i;
	char			 prefix[9];

	for (i = 0; i < 2; i++) {
		setup(&f, cases[i], 1);
		ck_assert_int_eq(run_op(&f, OP_ZONE), -1);
		ck_assert_ptr_null(strstr(f.err.msg, SECRET));
		ck_assert_ptr_null(strstr(f.err.msg, TOKEN));
		ck_assert_ptr_nonnull(strstr(f.err.msg, "[redacted]"));
		/* The signature is gone; its label stays. */
		ck_assert_ptr_nonnull(strstr(f.err.msg,
		    "Signature=[redacted]"));
		ck_assert_int_eq(f.err.http_status, 403);
		teardown(&f);
	}

	/* Redacted before the excerpt is cut: no part of it survives. */
	setup(&f, cut, 1);
	ck_assert_int_eq(run_op(&f, OP_ZONE), -1);
	memcpy(prefix, SECRET, sizeof(prefix) - 1);
	prefix[sizeof(prefix) - 1] = '\0';
	ck_assert_msg(strstr(f.err.msg, prefix) == NULL, "%s", f.err.msg);
	ck_assert_msg(strstr(f.err.msg, " [redacted...") != NULL, "%s",
	    f.err.msg);
	teardown(&f);
}
END_TEST

/* ---- the XML layer on its own ----------------------------------------- */

enum parser {
	P_ZONES = 1,
	P_ZONE = 2,
	P_RRSETS = 4,
	P_CHANGE = 8,
	P_ERROR = 16
};

/* Runs every parser on body; returns the mask of those that accepted it
 * and leaves the message of the last failure in err. */
static int
parse_all(const char *body, size_t len, struct err *err)
{
	struct r53_zone	*zones, z;
	struct rrset	*sets;
	size_t		 n;
	char		*a, *b, *c;
	int		 mask = 0, truncated;

	if (r53_xml_parse_zones(body, len, &zones, &n, &truncated, err) == 0) {
		mask |= P_ZONES;
		r53_zones_release(zones, n);
		free(zones);
	} else
		ck_assert_ptr_null(zones);
	if (r53_xml_parse_zone(body, len, &z, err) == 0) {
		mask |= P_ZONE;
		r53_zones_release(&z, 1);
	} else
		ck_assert_ptr_null(z.id);
	if (r53_xml_parse_rrsets(body, len, &sets, &n, &truncated, &a, &b, &c,
	    err) == 0) {
		mask |= P_RRSETS;
		r53_rrsets_release(sets, n);
		free(a);
		free(b);
		free(c);
	} else
		ck_assert_ptr_null(sets);
	if (r53_xml_parse_change_info(body, len, &a, &b, err) == 0) {
		mask |= P_CHANGE;
		free(a);
		free(b);
	}
	if (aws_xml_error_parse(body, len, &a, &b) == 0) {
		mask |= P_ERROR;
		free(a);
		free(b);
	}
	return mask;
}

static const struct {
	const char	*body;
	int		 mask;
	const char	*msg;	/* of r53_xml_parse_change_info() */
} hostile_cases[] = {
	{ "", 0, "response is not well-formed XML" },
	{ "not xml at all", 0, "response is not well-formed XML" },
	{ "<GetChangeResponse><ChangeInfo>", 0,
	    "response is not well-formed XML" },
	{ "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
	    "<!ENTITY lol \"lol\">\n"
	    "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
	    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
	    "]>\n<GetChangeResponse><ChangeInfo><Id>&lol3;</Id><Status>INSYNC"
	    "</Status></ChangeInfo></GetChangeResponse>", 0,
	    "unexpected DTD in response" },
	{ "<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
	    "<ErrorResponse><Error><Code>&x;</Code></Error></ErrorResponse>", 0,
	    "unexpected DTD in response" },
	/* Refused at <!DOCTYPE: what follows is never read. */
	{ "<!DOCTYPE r [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p; "
	    "<!BROKEN>]><GetChangeResponse/>", 0,
	    "unexpected DTD in response" },
	{ "<!DOCTYPE GetChangeResponse SYSTEM \"http://127.0.0.1:9/x.dtd\">"
	    "<GetChangeResponse/>", 0, "unexpected DTD in response" },
	{ "<GetChangeResponse><ChangeInfo><Id>&x;</Id></ChangeInfo>"
	    "</GetChangeResponse>", 0, "response is not well-formed XML" },
	{ "<GetChangeResponse/>", 0,
	    "GetChangeResponse: missing 'ChangeInfo'" },
	{ "<GetChangeResponse><ChangeInfo><Id>/change/C1</Id></ChangeInfo>"
	    "</GetChangeResponse>", 0, "ChangeInfo: missing 'Status'" },
	{ "<GetChangeResponse><ChangeInfo><Id/><Status>INSYNC</Status>"
	    "</ChangeInfo></GetChangeResponse>", 0,
	    "ChangeInfo: missing 'Id'" },
	{ "<x:GetChangeResponse xmlns:x=\"urn:other\"><x:ChangeInfo><x:Id>C1"
	    "</x:Id><x:Status>INSYNC</x:Status></x:ChangeInfo>"
	    "</x:GetChangeResponse>", P_CHANGE, NULL },
	{ "<ListResourceRecordSetsResponse><ResourceRecordSets/>"
	    "<IsTruncated>true</IsTruncated></ListResourceRecordSetsResponse>",
	    0, "unexpected 'ListResourceRecordSetsResponse' document, expected "
	    "'ChangeResourceRecordSetsResponse'" },
	{ "<ListResourceRecordSetsResponse><ResourceRecordSets/>"
	    "<IsTruncated>false</IsTruncated>"
	    "</ListResourceRecordSetsResponse>", P_RRSETS, NULL },
	{ "<ErrorResponse><Error><Code>Throttling</Code></Error>"
	    "</ErrorResponse>", P_ERROR, NULL },
	{ "<ErrorResponse><Error><Message>no code</Message></Error>"
	    "</ErrorResponse>", 0, NULL },
	{ "<html><body>Bad Gateway</body></html>", 0, NULL },
};

START_TEST(test_xml_hostile)
{
	struct err	 err;
	char		*id, *status;
	const char	*body = hostile_cases[_i].body;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(parse_all(body, strlen(body), &err),
	    hostile_cases[_i].mask);
	if (hostile_cases[_i].msg != NULL) {
		ck_assert_int_eq(r53_xml_parse_change_info(body, strlen(body),
		    &id, &status, &err), -1);
		ck_assert_str_eq(err.msg, hostile_cases[_i].msg);
		ck_assert_ptr_null(id);
		ck_assert_ptr_null(status);
	}
}
END_TEST

static const struct {
	const char	*body;
	const char	*msg;
} rrsets_bad[] = {
	{ "<ListResourceRecordSetsResponse/>",
	    "ListResourceRecordSetsResponse: missing 'ResourceRecordSets'" },
	{ "<ListResourceRecordSetsResponse><ResourceRecordSets/>"
	    "<IsTruncated>true</IsTruncated></ListResourceRecordSetsResponse>",
	    "ListResourceRecordSetsResponse: missing 'NextRecordName'" },
	{ "<ListResourceRecordSetsResponse><ResourceRecordSets/>"
	    "<IsTruncated>yes</IsTruncated></ListResourceRecordSetsResponse>",
	    "IsTruncated: expected 'true' or 'false', got 'yes'" },
	{ "<ListResourceRecordSetsResponse><ResourceRecordSets>"
	    "<ResourceRecordSet><Name>a.example.</Name><Type>TXT</Type>"
	    "<TTL>-5</TTL></ResourceRecordSet></ResourceRecordSets>"
	    "</ListResourceRecordSetsResponse>",
	    "ResourceRecordSet 'a.example.' TXT: TTL: expected a number, got "
	    "'-5'" },
	{ "<ListResourceRecordSetsResponse><ResourceRecordSets>"
	    "<ResourceRecordSet><Name>a.example.</Name><Type>TXT</Type>"
	    "<TTL>99999999999</TTL></ResourceRecordSet></ResourceRecordSets>"
	    "</ListResourceRecordSetsResponse>",
	    "ResourceRecordSet 'a.example.' TXT: TTL: expected a number, got "
	    "'99999999999'" },
	{ "<ListResourceRecordSetsResponse><ResourceRecordSets>"
	    "<ResourceRecordSet><Name>a..example.</Name><Type>TXT</Type>"
	    "</ResourceRecordSet></ResourceRecordSets>"
	    "</ListResourceRecordSetsResponse>",
	    "ResourceRecordSet Name: 'a..example.': empty label in DNS name" },
	{ "<ListResourceRecordSetsResponse><ResourceRecordSets>"
	    "<ResourceRecordSet><Name>a.example.</Name></ResourceRecordSet>"
	    "</ResourceRecordSets></ListResourceRecordSetsResponse>",
	    "ResourceRecordSet: missing 'Type'" },
	{ "<ListResourceRecordSetsResponse><ResourceRecordSets>"
	    "<ResourceRecordSet><Name>a.example.</Name><Type>A</Type>"
	    "<AliasTarget/></ResourceRecordSet></ResourceRecordSets>"
	    "</ListResourceRecordSetsResponse>",
	    "ResourceRecordSet 'a.example.' A: AliasTarget: missing "
	    "'DNSName'" },
};

START_TEST(test_xml_rrsets_bad)
{
	struct err	 err;
	struct rrset	*sets;
	size_t		 n;
	char		*a, *b, *c;
	int		 truncated;
	const char	*body = rrsets_bad[_i].body;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(r53_xml_parse_rrsets(body, strlen(body), &sets, &n,
	    &truncated, &a, &b, &c, &err), -1);
	ck_assert_str_eq(err.msg, rrsets_bad[_i].msg);
	ck_assert_ptr_null(sets);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(a);
	ck_assert_ptr_null(b);
	ck_assert_ptr_null(c);
}
END_TEST

/* Values come back exactly as written, whatever XML spelled them with. */
START_TEST(test_xml_rrsets_values)
{
	const char	*body =
	    "<?xml version=\"1.0\"?>"
	    "<ListResourceRecordSetsResponse xmlns=\"https://route53.amazonaws"
	    ".com/doc/2013-04-01/\"><ResourceRecordSets><ResourceRecordSet>"
	    "<Name>WWW.Example.COM</Name><Type>TXT</Type><TTL>0</TTL>"
	    "<SetIdentifier>blue</SetIdentifier><Weight>10</Weight>"
	    "<ResourceRecords><ResourceRecord><Value>\"a &amp; b &lt;c&gt; "
	    "&#x41;\"</Value></ResourceRecord><ResourceRecord><Value><![CDATA["
	    "\"x <y> & z\"]]></Value></ResourceRecord><ResourceRecord><Value>"
	    "  spaced  </Value></ResourceRecord><ResourceRecord><Value></Value>"
	    "</ResourceRecord><ResourceRecord/></ResourceRecords>"
	    "</ResourceRecordSet><ResourceRecordSet><Name>\\052.example.com."
	    "</Name><Type>CNAME</Type><TTL>60</TTL><ResourceRecords>"
	    "<ResourceRecord><Value>example.com</Value></ResourceRecord>"
	    "</ResourceRecords></ResourceRecordSet><ResourceRecordSet><Name>"
	    "alias.example.com.</Name><Type>A</Type><TTL>300</TTL><AliasTarget>"
	    "<HostedZoneId>Z2FDTNDATAQYW2</HostedZoneId><DNSName>x.example.net."
	    "</DNSName><EvaluateTargetHealth>false</EvaluateTargetHealth>"
	    "</AliasTarget></ResourceRecordSet></ResourceRecordSets>"
	    "<IsTruncated>true</IsTruncated><NextRecordName>Mail.Example.com"
	    "</NextRecordName><NextRecordType>MX</NextRecordType>"
	    "<NextRecordIdentifier>green</NextRecordIdentifier>"
	    "</ListResourceRecordSetsResponse>";
	struct err	 err;
	struct rrset	*sets;
	size_t		 n;
	char		*a, *b, *c;
	int		 truncated;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(r53_xml_parse_rrsets(body, strlen(body), &sets, &n,
	    &truncated, &a, &b, &c, &err), 0);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(sets[0].name, "www.example.com.");
	ck_assert_int_eq(sets[0].ttl, 0);
	ck_assert_uint_eq(sets[0].nvalues, 4);
	ck_assert_str_eq(sets[0].values[0], "\"a & b <c> A\"");
	ck_assert_str_eq(sets[0].values[1], "\"x <y> & z\"");
	ck_assert_str_eq(sets[0].values[2], "  spaced  ");
	ck_assert_str_eq(sets[0].values[3], "");
	ck_assert_str_eq(sets[1].name, "\\052.example.com.");
	/* An alias has no TTL of its own, whatever the document says. */
	ck_assert_int_eq(sets[2].ttl, -1);
	ck_assert_str_eq(sets[2].alias_target, "x.example.net.");
	ck_assert_uint_eq(sets[2].nvalues, 0);
	ck_assert_int_eq(truncated, 1);
	ck_assert_str_eq(a, "mail.example.com.");
	ck_assert_str_eq(b, "MX");
	ck_assert_str_eq(c, "green");
	r53_rrsets_release(sets, n);
	free(a);
	free(b);
	free(c);
}
END_TEST

static const struct {
	const char	*body;
	const char	*code;
	const char	*message;
} error_shapes[] = {
	{ "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/"
	    "2013-04-01/\"><Error><Type>Sender</Type>"
	    "<Code>PriorRequestNotComplete</Code>"
	    "<Message>The request was rejected because Route 53 was still "
	    "processing a prior request.</Message></Error><RequestId>x"
	    "</RequestId></ErrorResponse>", "PriorRequestNotComplete",
	    "The request was rejected because Route 53 was still processing a "
	    "prior request." },
	{ "<Error><Code>AccessDenied</Code><Message>denied</Message></Error>",
	    "AccessDenied", "denied" },
	{ "<ErrorResponse><Error><Code>InternalFailure</Code></Error>"
	    "</ErrorResponse>", "InternalFailure", "" },
	{ "<InvalidChangeBatch><Messages><Message>one</Message></Messages>"
	    "</InvalidChangeBatch>", "InvalidChangeBatch", "one" },
	{ "<InvalidChangeBatch><Messages><Message>one</Message><Message>two"
	    "</Message><Message>three</Message></Messages>"
	    "</InvalidChangeBatch>", "InvalidChangeBatch", "one; two; three" },
	{ "<ErrorResponse/>", NULL, NULL },
	{ "<ErrorResponse><Error><Code/></Error></ErrorResponse>", NULL, NULL },
	{ "<GetChangeResponse/>", NULL, NULL },
	{ "{\"message\": \"json\"}", NULL, NULL },
};

START_TEST(test_xml_error_shapes)
{
	char	*code, *message;
	int	 rc;

	rc = aws_xml_error_parse(error_shapes[_i].body,
	    strlen(error_shapes[_i].body), &code, &message);
	if (error_shapes[_i].code == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_null(code);
		ck_assert_ptr_null(message);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(code, error_shapes[_i].code);
	ck_assert_str_eq(message, error_shapes[_i].message);
	free(code);
	free(message);
}
END_TEST

/* ---- the corpus of other clients' Route 53 XML ------------------------ */

static const struct {
	const char	*file;
	int		 mask;
} corpus_expect[] = {
	{ "jclouds/batch_rrs_request.xml", 0 },
	{ "jclouds/change.xml", P_CHANGE },
	{ "jclouds/create_hosted_zone.xml", 0 },
	{ "jclouds/create_rrs_request.xml", 0 },
	{ "jclouds/delete_rrs_request.xml", 0 },
	{ "jclouds/hosted_zone.xml", P_ZONE },
	{ "jclouds/hosted_zones.xml", P_ZONES },
	{ "jclouds/invalid_change_batch.xml", P_ERROR },
	{ "jclouds/new_zone.xml", 0 },
	{ "jclouds/rrsets.xml", P_RRSETS },
	{ "lego/changeResourceRecordSetsResponse.xml", P_CHANGE },
	{ "lego/getChangeResponse.xml", P_CHANGE },
	{ "lego/listHostedZonesByNameResponse.xml", P_ZONES },
	{ "libcloud/create_zone.xml", 0 },
	{ "libcloud/get_zone.xml", P_ZONE },
	{ "libcloud/invalid_change_batch.xml", P_ERROR },
	{ "libcloud/list_records.xml", P_RRSETS },
	{ "libcloud/list_zones.xml", P_ZONES },
	{ "libcloud/record_does_not_exist.xml", P_RRSETS },
	{ "libcloud/zone_does_not_exist.xml", P_ERROR },
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every "dir/file.xml" under root, sorted. */
static size_t
corpus_files(const char *root, char ***out)
{
	DIR		*top, *sub;
	struct dirent	*d, *e;
	char		**v = NULL, *path, *slot;
	size_t		 n = 0, len;
	struct stat	 st;

	top = opendir(root);
	ck_assert_msg(top != NULL, "cannot open '%s'", root);
	while ((d = readdir(top)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", root, d->d_name);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
		    (sub = opendir(path)) != NULL) {
			while ((e = readdir(sub)) != NULL) {
				len = strlen(e->d_name);
				if (len < 5 ||
				    strcmp(e->d_name + len - 4, ".xml") != 0)
					continue;
				slot = xasprintf("%s/%s", d->d_name, e->d_name);
				*(char **)xappend(&v, &n, sizeof(*v)) = slot;
			}
			closedir(sub);
		}
		free(path);
	}
	closedir(top);
	qsort(v, n, sizeof(*v), cmp_str);
	*out = v;
	return n;
}

static void
load_corpus(const char *root, const char *file, struct buf *b)
{
	char	*path = xasprintf("%s/%s", root, file);

	buf_reset(b);
	slurp(path, b);
	free(path);
}

/* What the parsers make of particular corpus files. */
static void
corpus_contents(const char *root)
{
	static const char *const names[] = { "wibble.t.com.", "www.t.com.",
	    "blahblah.t.com.", "testdomain.com.", "foo.test.com." };
	struct buf	 b = BUF_INIT, flat = BUF_INIT, ours = BUF_INIT;
	struct err	 err;
	struct r53_zone	*zones, z;
	struct rrset	*sets, del, cre;
	struct r53_change ch[2];
	size_t		 n, i;
	char		*x, *y, *id;
	int		 truncated;

	memset(&err, 0, sizeof(err));
	load_corpus(root, "libcloud/list_records.xml", &b);
	ck_assert_int_eq(r53_xml_parse_rrsets(b.data, b.len, &sets, &n,
	    &truncated, &x, &y, &id, &err), 0);
	ck_assert_uint_eq(n, 5);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(sets[i].name, names[i]);
	ck_assert_str_eq(sets[3].type, "MX");
	ck_assert_uint_eq(sets[3].nvalues, 5);
	ck_assert_str_eq(sets[3].values[0], "1 ASPMX.L.GOOGLE.COM.");
	ck_assert_int_eq(truncated, 0);
	ck_assert_ptr_null(x);
	r53_rrsets_release(sets, n);

	load_corpus(root, "jclouds/rrsets.xml", &b);
	ck_assert_int_eq(r53_xml_parse_rrsets(b.data, b.len, &sets, &n,
	    &truncated, &x, &y, &id, &err), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(sets[1].nvalues, 4);
	ck_assert_int_eq(truncated, 1);
	ck_assert_str_eq(x, "testdoc2.example.com.");
	ck_assert_str_eq(y, "NS");
	ck_assert_ptr_null(id);
	r53_rrsets_release(sets, n);
	free(x);
	free(y);

	load_corpus(root, "libcloud/list_zones.xml", &b);
	ck_assert_int_eq(r53_xml_parse_zones(b.data, b.len, &zones, &n,
	    &truncated, &err), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(zones[0].id, "47234");
	ck_assert_str_eq(zones[1].name, "newbug.net.");
	ck_assert_int_eq(zones[4].record_count, 0);
	ck_assert_int_eq(truncated, 0);
	r53_zones_release(zones, n);
	free(zones);

	load_corpus(root, "lego/listHostedZonesByNameResponse.xml", &b);
	ck_assert_int_eq(r53_xml_parse_zones(b.data, b.len, &zones, &n,
	    &truncated, &err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(zones[0].id, "ABCDEFG");
	ck_assert_int_eq(zones[0].record_count, 10);
	ck_assert_int_eq(truncated, 1);
	r53_zones_release(zones, n);
	free(zones);

	load_corpus(root, "jclouds/hosted_zone.xml", &b);
	ck_assert_int_eq(r53_xml_parse_zone(b.data, b.len, &z, &err), 0);
	ck_assert_str_eq(z.id, "Z21DW1QVGID6NG");
	ck_assert_int_eq(z.record_count, -1);
	r53_zones_release(&z, 1);

	load_corpus(root, "lego/changeResourceRecordSetsResponse.xml", &b);
	ck_assert_int_eq(r53_xml_parse_change_info(b.data, b.len, &x, &y,
	    &err), 0);
	ck_assert_str_eq(x, "123456");
	ck_assert_str_eq(y, "PENDING");
	free(x);
	free(y);

	load_corpus(root, "libcloud/zone_does_not_exist.xml", &b);
	ck_assert_int_eq(aws_xml_error_parse(b.data, b.len, &x, &y), 0);
	ck_assert_str_eq(x, "NoSuchHostedZone");
	ck_assert_str_eq(y, "No hosted zone found with ID: 47234");
	free(x);
	free(y);

	load_corpus(root, "jclouds/invalid_change_batch.xml", &b);
	ck_assert_int_eq(aws_xml_error_parse(b.data, b.len, &x, &y), 0);
	ck_assert_str_eq(x, "InvalidChangeBatch");
	ck_assert_str_eq(y, "Tried to create resource record set "
	    "duplicate.example.com. type A, but it already exists; Tried to "
	    "delete resource record set noexist.example.com. type A, but it "
	    "was not found");
	free(x);
	free(y);

	/* Our request has the shape of jclouds' (namespaces aside). */
	load_corpus(root, "jclouds/batch_rrs_request.xml", &b);
	flatten_doc(b.data, b.len, &flat);
	rrset_init(&del, "jclouds.org.", "TXT", 300);
	rrset_value_add(&del, "my texts");
	rrset_init(&cre, "jclouds.org.", "TXT", 300);
	rrset_value_add(&cre, "my better texts");
	ch[0].action = R53_DELETE;
	ch[0].rrset = &del;
	ch[1].action = R53_CREATE;
	ch[1].rrset = &cre;
	buf_reset(&b);
	r53_xml_build_change_batch(NULL, ch, 2, &b);
	flatten_doc(b.data, b.len, &ours);
	ck_assert_str_eq(buf_str(&ours), buf_str(&flat));
	rrset_release(&del);
	rrset_release(&cre);

	buf_release(&b);
	buf_release(&flat);
	buf_release(&ours);
}

START_TEST(test_xml_corpus)
{
	const char	*p = test_corpus("route53-xml");
	char		*root, **files;
	struct buf	 b = BUF_INIT;
	struct err	 err;
	size_t		 n, i, j, cut, parses = 0, matched = 0;
	int		 mask;

	if (p == NULL) {
		printf("route53-xml corpus: 0 files\n");
		return;
	}
	root = xstrdup(p);
	n = corpus_files(root, &files);
	ck_assert_uint_gt(n, 0);
	for (i = 0; i < n; i++) {
		memset(&err, 0, sizeof(err));
		load_corpus(root, files[i], &b);
		mask = parse_all(b.data, b.len, &err);
		parses += 5;
		for (j = 0; j < sizeof(corpus_expect) /
		    sizeof(corpus_expect[0]); j++) {
			if (strcmp(corpus_expect[j].file, files[i]) != 0)
				continue;
			ck_assert_msg(mask == corpus_expect[j].mask,
			    "%s: parsers %#x accepted it, expected %#x",
			    files[i], mask, corpus_expect[j].mask);
			matched++;
		}
		/* Every prefix of a document fails cleanly or parses. */
		for (cut = 0; cut < b.len; cut += 7) {
			parse_all(b.data, cut, &err);
			parses += 5;
		}
	}
	ck_assert_uint_eq(matched, sizeof(corpus_expect) /
	    sizeof(corpus_expect[0]));
	corpus_contents(root);
	printf("route53-xml corpus: %zu files, %zu with known results, %zu "
	    "parser runs\n", n, matched, parses);
	for (i = 0; i < n; i++)
		free(files[i]);
	free(files);
	free(root);
	buf_release(&b);
}
END_TEST

Suite *
route53_suite(void)
{
	Suite	*s = suite_create("route53");
	TCase	*tc;

	tc = tcase_create("client");
	tcase_add_test(tc, test_zones_by_name);
	tcase_add_test(tc, test_zone_get);
	tcase_add_test(tc, test_bad_ids);
	tcase_add_test(tc, test_rrsets_stop_at_other_name);
	tcase_add_test(tc, test_rrsets_continue_same_name);
	tcase_add_test(tc, test_rrsets_continue_identifier);
	tcase_add_test(tc, test_rrsets_edge_cases);
	tcase_add_test(tc, test_rrsets_page);
	tcase_add_test(tc, test_rrsets_page_refused_locally);
	tcase_add_test(tc, test_change_status);
	tcase_add_test(tc, test_change_and_wait);
	tcase_add_test(tc, test_change_refused_locally);
	tcase_add_loop_test(tc, test_errors, 0,
	    sizeof(error_cases) / sizeof(error_cases[0]));
	tcase_add_test(tc, test_secrets_scrubbed);
	suite_add_tcase(s, tc);

	tc = tcase_create("xml");
	tcase_add_test(tc, test_build_change_batch);
	tcase_add_loop_test(tc, test_xml_hostile, 0,
	    sizeof(hostile_cases) / sizeof(hostile_cases[0]));
	tcase_add_loop_test(tc, test_xml_rrsets_bad, 0,
	    sizeof(rrsets_bad) / sizeof(rrsets_bad[0]));
	tcase_add_test(tc, test_xml_rrsets_values);
	tcase_add_loop_test(tc, test_xml_error_shapes, 0,
	    sizeof(error_shapes) / sizeof(error_shapes[0]));
	tcase_add_test(tc, test_xml_corpus);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
