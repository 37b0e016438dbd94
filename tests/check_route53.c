/*
 * check_route53.c - the Route 53 client: building change batches, and the
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
		ck_assert_msg(test_slurp(path, &resp->body) == 0,
		    "cannot open '%s'", path);
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
	ck_assert_int_eq(z.private_zone, 0);
	/* The DelegationSet, canonical: what the parent's NS set should
	 * name. */
	ck_assert_uint_eq(z.nname_servers, 4);
	ck_assert_str_eq(z.name_servers[0], "ns-2048.awsdns-64.com.");
	ck_assert_str_eq(z.name_servers[3], "ns-2051.awsdns-67.co.uk.");
	r53_zones_release(&z, 1);
	teardown(&f);
}
END_TEST

/* A private zone has no DelegationSet; a bad NameServer fails the
 * parse. */
START_TEST(test_zone_name_servers_xml)
{
	static const char priv[] = "<GetHostedZoneResponse><HostedZone><Id>"
	    "/hostedzone/ZP</Id><Name>example.com.</Name><Config>"
	    "<PrivateZone>true</PrivateZone></Config></HostedZone>"
	    "<VPCs><VPC><VPCRegion>us-east-1</VPCRegion><VPCId>vpc-1</VPCId>"
	    "</VPC></VPCs></GetHostedZoneResponse>";
	static const char bad[] = "<GetHostedZoneResponse><HostedZone><Id>"
	    "/hostedzone/Z1</Id><Name>example.com.</Name></HostedZone>"
	    "<DelegationSet><NameServers><NameServer>a..b</NameServer>"
	    "</NameServers></DelegationSet></GetHostedZoneResponse>";
	struct r53_zone	 z;
	struct err	 err;

	ck_assert_int_eq(r53_xml_parse_zone(priv, sizeof(priv) - 1, &z,
	    &err), 0);
	ck_assert_int_eq(z.private_zone, 1);
	ck_assert_uint_eq(z.nname_servers, 0);
	ck_assert_ptr_null(z.name_servers);
	r53_zones_release(&z, 1);
	ck_assert_int_eq(r53_xml_parse_zone(bad, sizeof(bad) - 1, &z, &err),
	    -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "NameServer"));
	ck_assert_ptr_null(z.id);
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


Suite *
route53_suite(void)
{
	Suite	*s = suite_create("route53");
	TCase	*tc;

	tc = tcase_create("client");
	tcase_add_test(tc, test_zones_by_name);
	tcase_add_test(tc, test_zone_get);
	tcase_add_test(tc, test_zone_name_servers_xml);
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
	suite_add_tcase(s, tc);
	return s;
}
