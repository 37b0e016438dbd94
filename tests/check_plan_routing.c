/*
 * check_plan_routing.c - a managed name holding a record set with a
 * routing policy stops the plan (src/plan/routing.c, through plan_diff()),
 * with an error naming the set; sets of types mailauth does not write at
 * the name are left alone.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dns.h"
#include "mailauth/plan.h"
#include "mailauth/route53.h"

Suite	*plan_routing_suite(void);

#define ADVICE	"; mailauth manages only simple record sets: make it a " \
		"simple record set in the Route 53 console, or drop "

/* A live set: type, SetIdentifier (or NULL), one routing field. */
struct live_spec {
	const char		*type;
	const char		*ident;
	enum rrset_field	 field;
	const char		*value;
};

static const struct {
	enum record_kind	 kind;
	const char		*name;
	const char		*type;		/* desired */
	struct live_spec	 live[3];	/* type NULL ends */
	const char		*want;		/* the error; NULL: none */
} cases[] = {
	{ RECORD_DMARC, "_dmarc.example.com.", "TXT",
	  { { "TXT", "blue", RRSET_WEIGHT, "10" } },
	  "_dmarc.example.com: the TXT record set with SetIdentifier 'blue' "
	  "has the weighted routing policy" ADVICE "DMARC from the config" },
	{ RECORD_DMARC, "_dmarc.example.com.", "TXT",
	  { { "TXT", "blue", RRSET_WEIGHT, "10" },
	    { "TXT", "green", RRSET_WEIGHT, "0" } },
	  "_dmarc.example.com: the TXT record set with SetIdentifier 'blue' "
	  "has the weighted routing policy (and 1 more set there)" ADVICE
	  "DMARC from the config" },
	{ RECORD_SPF, "example.com.", "TXT",
	  { { "MX", NULL, 0, NULL },
	    { "TXT", "tokyo", RRSET_REGION, "ap-northeast-1" } },
	  "example.com: the TXT record set with SetIdentifier 'tokyo' has "
	  "the latency routing policy" ADVICE "SPF from the config" },
	{ RECORD_DKIM, "s1._domainkey.example.com.", "TXT",
	  { { "CNAME", "de", RRSET_GEO_COUNTRY, "DE" } },
	  "s1._domainkey.example.com: the CNAME record set with SetIdentifier "
	  "'de' has the geolocation routing policy" ADVICE "DKIM from the "
	  "config" },
	{ RECORD_DKIM, "s1._domainkey.example.com.", "CNAME",
	  { { "TXT", "a", RRSET_MULTIVALUE, "true" },
	    { "TXT", "b", RRSET_MULTIVALUE, "true" },
	    { "TXT", "c", RRSET_MULTIVALUE, "true" } },
	  "s1._domainkey.example.com: the TXT record set with SetIdentifier "
	  "'a' has the multivalue answer routing policy (and 2 more sets "
	  "there)" ADVICE "DKIM from the config" },
	{ RECORD_MAIL_FROM, "mail.example.com.", "MX",
	  { { "MX", "primary", RRSET_FAILOVER, "PRIMARY" } },
	  "mail.example.com: the MX record set with SetIdentifier 'primary' "
	  "has the failover routing policy" ADVICE "MAIL FROM from the "
	  "config" },
	{ RECORD_SPF, "example.com.", "TXT",
	  { { "TXT", "office", RRSET_CIDR_LOCATION, "office" } },
	  "example.com: the TXT record set with SetIdentifier 'office' has "
	  "the IP-based routing policy" ADVICE "SPF from the config" },
	{ RECORD_SPF, "example.com.", "TXT",
	  { { "TXT", "near", RRSET_GEOPROX_BIAS, "-20" } },
	  "example.com: the TXT record set with SetIdentifier 'near' has "
	  "the geoproximity routing policy" ADVICE "SPF from the config" },
	{ RECORD_SPF, "example.com.", "TXT",
	  { { "TXT", NULL, RRSET_TRAFFIC_POLICY, "12345678-abcd" } },
	  "example.com: the TXT record set has the traffic flow routing "
	  "policy" ADVICE "SPF from the config" },
	/* An untrusted SetIdentifier is shown printable and cut. */
	{ RECORD_SPF, "example.com.", "TXT",
	  { { "TXT", "a\033[31m\tb\xff"
	      "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc",
	      RRSET_WEIGHT, "1" } },
	  "example.com: the TXT record set with SetIdentifier 'a [31m b?"
	  "ccccccccccccccccccccccccccccccccccccccccccccccccccccccc...' has "
	  "the weighted routing policy" ADVICE "SPF from the config" },
	/* Types mailauth does not write at the name are not its business. */
	{ RECORD_DMARC, "_dmarc.example.com.", "TXT",
	  { { "A", "blue", RRSET_WEIGHT, "10" } }, NULL },
	{ RECORD_MAIL_FROM, "mail.example.com.", "MX",
	  { { "TXT", "blue", RRSET_WEIGHT, "10" } }, NULL },
	/* A simple set is what mailauth manages. */
	{ RECORD_SPF, "example.com.", "TXT",
	  { { "TXT", NULL, 0, NULL } }, NULL },
};

START_TEST(routing_sets_are_refused)
{
	struct cfg_domain	 dom;
	struct desired		 want;
	struct zone		 zone = { "Z1EXAMPLE", "example.com.", NULL };
	struct live		 live;
	struct live_state	 ls;
	struct plan		 plan;
	struct diags		 d = DIAGS_INIT;
	const struct live_spec	*sp;
	struct rrset		*rs;
	size_t			 i;

	memset(&dom, 0, sizeof(dom));
	memset(&want, 0, sizeof(want));
	memset(&live, 0, sizeof(live));
	memset(&ls, 0, sizeof(ls));
	dom.name = "example.com";
	want.domain = &dom;
	want.kind = cases[_i].kind;
	want.name = (char *)cases[_i].name;
	want.type = (char *)cases[_i].type;
	want.ttl = 300;
	want.text = want.kind == RECORD_MAIL_FROM ?
	    "10 feedback-smtp.us-east-1.amazonses.com" :
	    strcmp(want.type, "CNAME") == 0 ? "s1.dkim.example.net." :
	    want.kind == RECORD_DKIM ? "v=DKIM1; p=MFkw" :
	    want.kind == RECORD_SPF ? "v=spf1 -all" : "v=DMARC1; p=none";
	live.desired = &want;
	live.zone = &zone;
	for (i = 0; i < 3 && cases[_i].live[i].type != NULL; i++) {
		sp = &cases[_i].live[i];
		rs = xappend(&live.sets, &live.nsets, sizeof(*live.sets));
		rrset_init(rs, cases[_i].name, sp->type, 300);
		rrset_value_add(rs, strcmp(sp->type, "CNAME") == 0 ?
		    "other.example.net." : "\"x\"");
		rrset_field_set(rs, RRSET_SET_IDENTIFIER, sp->ident);
		if (sp->value != NULL)
			rrset_field_set(rs, sp->field, sp->value);
	}
	ls.zones = &zone;
	ls.nzones = 1;
	ls.lives = &live;
	ls.nlives = 1;
	ck_assert_int_eq(plan_diff(&want, 1, &ls, NULL, 0, &plan, &d),
	    cases[_i].want != NULL ? -1 : 0);
	if (cases[_i].want != NULL) {
		ck_assert_uint_eq(d.nerrors, 1);
		ck_assert_str_eq(d.v[0].msg, cases[_i].want);
		/* Nothing to send for it. */
		ck_assert_int_eq(plan.changes[0].op, PLAN_NONE);
	} else
		ck_assert_uint_eq(d.nerrors, 0);
	plan_release(&plan);
	diags_release(&d);
	r53_rrsets_release(live.sets, live.nsets);
}
END_TEST

/* rrset_policy() names each policy; a simple set has none. */
START_TEST(policy_names)
{
	static const struct {
		enum rrset_field	 field;
		const char		*policy;
	} names[] = {
		{ RRSET_WEIGHT, "weighted" },
		{ RRSET_REGION, "latency" },
		{ RRSET_GEO_CONTINENT, "geolocation" },
		{ RRSET_GEO_COUNTRY, "geolocation" },
		{ RRSET_GEO_SUBDIVISION, "geolocation" },
		{ RRSET_FAILOVER, "failover" },
		{ RRSET_MULTIVALUE, "multivalue answer" },
		{ RRSET_HEALTH_CHECK, "health-checked" },
		{ RRSET_TRAFFIC_POLICY, "traffic flow" },
		{ RRSET_CIDR_COLLECTION, "IP-based" },
		{ RRSET_CIDR_LOCATION, "IP-based" },
		{ RRSET_GEOPROX_REGION, "geoproximity" },
		{ RRSET_GEOPROX_LOCAL_ZONE, "geoproximity" },
		{ RRSET_GEOPROX_LATITUDE, "geoproximity" },
		{ RRSET_GEOPROX_LONGITUDE, "geoproximity" },
		{ RRSET_GEOPROX_BIAS, "geoproximity" },
		{ RRSET_SET_IDENTIFIER, "non-simple" },
	};
	struct rrset	 rs, copy;
	size_t		 i;

	rrset_init(&rs, "example.com.", "TXT", 300);
	ck_assert_ptr_null(rrset_policy(&rs));
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rrset_field_set(&rs, names[i].field, "x");
		ck_assert_str_eq(rrset_policy(&rs), names[i].policy);
		rrset_copy(&copy, &rs);
		ck_assert(rrset_equal(&rs, &copy));
		rrset_field_set(&copy, names[i].field, "y");
		ck_assert(!rrset_equal(&rs, &copy));
		ck_assert(!rrset_routing_equal(&rs, &copy));
		rrset_release(&copy);
		rrset_field_set(&rs, names[i].field, NULL);
		ck_assert_ptr_null(rrset_policy(&rs));
	}
	rrset_release(&rs);
}
END_TEST

Suite *
plan_routing_suite(void)
{
	Suite	*s = suite_create("plan_routing");
	TCase	*tc = tcase_create("routing");

	tcase_add_loop_test(tc, routing_sets_are_refused, 0,
	    sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, policy_names);
	suite_add_tcase(s, tc);
	return s;
}
