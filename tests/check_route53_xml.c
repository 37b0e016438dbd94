/*
 * check_route53_xml.c - the Route 53 XML layer on its own: hostile and
 * malformed bodies, record-set values, error shapes, and the corpus of
 * other clients' Route 53 XML.
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
#include "mailauth/dns.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/route53.h"
#include "testutil.h"

#define FIX		FIXTURES "/route53/"

Suite	*route53_xml_suite(void);

/* ---- helpers ---------------------------------------------------------- */

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

	if (r53_xml_parse_zones(body, len, &zones, &n, &truncated, NULL,
	    err) == 0) {
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

/* ---- routing policies ------------------------------------------------ */

/* What rrsets_routing.xml holds: per set, its policy and one field. */
static const struct {
	const char		*name;
	const char		*policy;	/* NULL: simple */
	enum rrset_field	 field;
	const char		*value;
} routing_expect[] = {
	{ "_dmarc.example.com.", "weighted", RRSET_WEIGHT, "10" },
	{ "_dmarc.example.com.", "weighted", RRSET_HEALTH_CHECK,
	  "abcdef11-2222-3333-4444-555555fedcba" },
	{ "example.com.", "latency", RRSET_REGION, "ap-northeast-1" },
	{ "example.com.", "geolocation", RRSET_GEO_COUNTRY, "DE" },
	{ "example.com.", "geolocation", RRSET_GEO_SUBDIVISION, "WA" },
	{ "example.com.", "geolocation", RRSET_GEO_CONTINENT, "EU" },
	{ "mail.example.com.", "failover", RRSET_FAILOVER, "PRIMARY" },
	{ "mail.example.com.", "failover", RRSET_SET_IDENTIFIER, "secondary" },
	{ "s1._domainkey.example.com.", "multivalue answer", RRSET_MULTIVALUE,
	  "true" },
	{ "s2._domainkey.example.com.", "IP-based", RRSET_CIDR_LOCATION,
	  "office" },
	{ "s3._domainkey.example.com.", "geoproximity", RRSET_GEOPROX_LONGITUDE,
	  "-74.01" },
	{ "s4._domainkey.example.com.", "geoproximity", RRSET_GEOPROX_REGION,
	  "eu-west-1" },
	{ "s5._domainkey.example.com.", "geoproximity",
	  RRSET_GEOPROX_LOCAL_ZONE, "us-west-2-lax-1" },
	{ "www.example.com.", "traffic flow", RRSET_TRAFFIC_POLICY,
	  "12345678-abcd-abcd-abcd-123456789012" },
	{ "cdn.example.com.", "weighted", RRSET_WEIGHT, "1" },
	{ "plain.example.com.", NULL, RRSET_SET_IDENTIFIER, NULL },
};
#define NROUTING	(sizeof(routing_expect) / sizeof(routing_expect[0]))

static void
load_routing(struct buf *b, struct rrset **sets, size_t *n)
{
	struct err	 err;
	char		*a, *t, *c;
	int		 truncated;

	buf_reset(b);
	ck_assert_int_eq(test_slurp(FIX "rrsets_routing.xml", b), 0);
	memset(&err, 0, sizeof(err));
	ck_assert_msg(r53_xml_parse_rrsets(b->data, b->len, sets, n,
	    &truncated, &a, &t, &c, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(*n, NROUTING);
}

/* The i-th "<ResourceRecordSet>...</ResourceRecordSet>" of xml. */
static char *
nth_set(const char *xml, size_t i)
{
	const char	*p = xml, *end;

	for (;;) {
		p = strstr(p, "<ResourceRecordSet>");
		ck_assert_ptr_nonnull(p);
		end = strstr(p, "</ResourceRecordSet>");
		ck_assert_ptr_nonnull(end);
		end += strlen("</ResourceRecordSet>");
		if (i-- == 0)
			return xstrndup(p, (size_t)(end - p));
		p = end;
	}
}

/* s with xmlTextWriter's "&quot;" back as '"' (the same XML text). */
static char *
unquot(char *s)
{
	char	*p;

	while ((p = strstr(s, "&quot;")) != NULL) {
		*p = '"';
		memmove(p + 1, p + 6, strlen(p + 6) + 1);
	}
	return s;
}

START_TEST(test_xml_routing_parse)
{
	struct buf	 b = BUF_INIT;
	struct rrset	*sets;
	size_t		 n, i;

	load_routing(&b, &sets, &n);
	for (i = 0; i < n; i++) {
		const char	*policy = rrset_policy(&sets[i]);

		ck_assert_str_eq(sets[i].name, routing_expect[i].name);
		if (routing_expect[i].policy == NULL)
			ck_assert_ptr_null(policy);
		else
			ck_assert_msg(policy != NULL &&
			    strcmp(policy, routing_expect[i].policy) == 0,
			    "set %zu: policy %s, want %s", i,
			    policy != NULL ? policy : "none",
			    routing_expect[i].policy);
		if (routing_expect[i].value == NULL)
			ck_assert_ptr_null(
			    sets[i].routing[routing_expect[i].field]);
		else
			ck_assert_pstr_eq(
			    sets[i].routing[routing_expect[i].field],
			    routing_expect[i].value);
	}
	/* The rest of what a few sets hold. */
	ck_assert_str_eq(sets[0].routing[RRSET_SET_IDENTIFIER], "blue");
	ck_assert_ptr_null(sets[0].routing[RRSET_HEALTH_CHECK]);
	ck_assert_str_eq(sets[4].routing[RRSET_GEO_COUNTRY], "US");
	ck_assert_ptr_null(sets[4].routing[RRSET_GEO_CONTINENT]);
	ck_assert_str_eq(sets[9].routing[RRSET_CIDR_COLLECTION],
	    "c8c02a84-aaaa-bbbb-cccc-ddddeeeeffff");
	ck_assert_str_eq(sets[10].routing[RRSET_GEOPROX_LATITUDE], "49.22");
	ck_assert_str_eq(sets[10].routing[RRSET_GEOPROX_BIAS], "-20");
	ck_assert_str_eq(sets[14].alias_target,
	    "d111111abcdef8.cloudfront.net.");
	ck_assert_str_eq(sets[14].alias_zone, "Z2FDTNDATAQYW2");
	ck_assert_str_eq(sets[14].alias_health, "false");
	/* Sets that differ only in a routing field are different sets. */
	ck_assert(!rrset_equal(&sets[3], &sets[4]));
	r53_rrsets_release(sets, n);
	buf_release(&b);
}
END_TEST

/*
 * A DELETE repeats every field Route 53 returned, in its schema's order:
 * each set written is, byte for byte, the set as the response had it, and
 * reads back equal.
 */
START_TEST(test_xml_routing_write)
{
	struct buf		 b = BUF_INIT, batch = BUF_INIT, again = BUF_INIT;
	struct r53_change	 changes[NROUTING];
	struct rrset		*sets, *back;
	struct err		 err;
	size_t			 n, nback, i;
	char			*want, *got, *a, *t, *c;
	int			 truncated;

	load_routing(&b, &sets, &n);
	for (i = 0; i < n; i++) {
		changes[i].action = R53_DELETE;
		changes[i].rrset = &sets[i];
	}
	r53_xml_build_change_batch(NULL, changes, n, &batch);
	buf_adds(&again, "<ListResourceRecordSetsResponse><ResourceRecordSets>");
	for (i = 0; i < n; i++) {
		want = nth_set(buf_str(&b), i);
		got = unquot(nth_set(buf_str(&batch), i));
		ck_assert_str_eq(got, want);
		buf_adds(&again, got);
		free(want);
		free(got);
	}
	buf_adds(&again, "</ResourceRecordSets><IsTruncated>false</IsTruncated>"
	    "</ListResourceRecordSetsResponse>");
	memset(&err, 0, sizeof(err));
	ck_assert_msg(r53_xml_parse_rrsets(again.data, again.len, &back, &nback,
	    &truncated, &a, &t, &c, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(nback, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(rrset_equal(&sets[i], &back[i]), "set %zu", i);
	r53_rrsets_release(back, nback);
	r53_rrsets_release(sets, n);
	buf_release(&b);
	buf_release(&batch);
	buf_release(&again);
}
END_TEST

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
	ck_assert_msg(test_slurp(path, b) == 0, "cannot open '%s'", path);
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
	    &truncated, &x, &err), 0);
	ck_assert_ptr_null(x);
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(zones[0].id, "47234");
	ck_assert_str_eq(zones[1].name, "newbug.net.");
	ck_assert_int_eq(zones[4].record_count, 0);
	ck_assert_int_eq(truncated, 0);
	r53_zones_release(zones, n);
	free(zones);

	load_corpus(root, "lego/listHostedZonesByNameResponse.xml", &b);
	ck_assert_int_eq(r53_xml_parse_zones(b.data, b.len, &zones, &n,
	    &truncated, &x, &err), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(zones[0].id, "ABCDEFG");
	ck_assert_int_eq(zones[0].record_count, 10);
	ck_assert_int_eq(truncated, 1);
	/* The first zone of the next page, canonical. */
	ck_assert_str_eq(x, "example2.com.");
	free(x);
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
route53_xml_suite(void)
{
	Suite	*s = suite_create("route53_xml");
	TCase	*tc = tcase_create("xml");

	tcase_add_loop_test(tc, test_xml_hostile, 0,
	    sizeof(hostile_cases) / sizeof(hostile_cases[0]));
	tcase_add_loop_test(tc, test_xml_rrsets_bad, 0,
	    sizeof(rrsets_bad) / sizeof(rrsets_bad[0]));
	tcase_add_test(tc, test_xml_rrsets_values);
	tcase_add_test(tc, test_xml_routing_parse);
	tcase_add_test(tc, test_xml_routing_write);
	tcase_add_loop_test(tc, test_xml_error_shapes, 0,
	    sizeof(error_shapes) / sizeof(error_shapes[0]));
	tcase_add_test(tc, test_xml_corpus);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}
