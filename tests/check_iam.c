/*
 * check_iam.c - the least-privilege IAM policy (src/plan/iam.c): for
 * configs of each shape, the statements, the zone ARNs, and the names,
 * types and actions ChangeResourceRecordSets is held to; the zone ids of
 * --offline; the refusals.
 */
#include <check.h>
#include <cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"

Suite	*iam_suite(void);

#define ED_KEY	"MCowBQYDK2VwAyEAiv4NWld6xN45Wcr/In7Z00awLP+lxYkxemOez6oMSBs="
#define NAMES	"route53:ChangeResourceRecordSetsNormalizedRecordNames"
#define TYPES	"route53:ChangeResourceRecordSetsRecordTypes"
#define ACTIONS	"route53:ChangeResourceRecordSetsActions"

struct world {
	struct cfg	 cfg;
	struct desired	*desired;
	size_t		 ndesired;
	cJSON		*doc;
};

static void
load(struct world *w, const char *text)
{
	struct diags	 d = DIAGS_INIT;

	memset(w, 0, sizeof(*w));
	ck_assert_msg(cfg_load_string(&w->cfg, "m.yaml", text, strlen(text),
	    &d) == 0, "config: %s", d.n > 0 ? d.v[0].msg : "?");
	ck_assert_int_eq(desired_build(&w->cfg, 20000, &w->desired,
	    &w->ndesired, &d), 0);
	diags_release(&d);
}

/* Builds the policy of partition (NULL: the default) with ids (one per
 * domain) and parses it back. */
static void
build_in(struct world *w, const char *const *ids, const char *partition)
{
	struct buf	 out = BUF_INIT;
	struct err	 err;

	err_clear(&err);
	ck_assert_msg(iam_policy_build(&w->cfg, w->desired, w->ndesired, ids,
	    partition, &out, &err) == 0, "%s", err.msg);
	ck_assert(out.len > 0 && buf_str(&out)[out.len - 1] == '\n');
	w->doc = cJSON_Parse(buf_str(&out));
	ck_assert_ptr_nonnull(w->doc);
	buf_release(&out);
}

static void
build(struct world *w, const char *const *ids)
{
	build_in(w, ids, NULL);
}

static void
release(struct world *w)
{
	cJSON_Delete(w->doc);
	desired_release(w->desired, w->ndesired);
	cfg_release(&w->cfg);
}

static const cJSON *
find_sid(const struct world *w, const char *sid)
{
	const cJSON	*st, *s;

	cJSON_ArrayForEach(st, cJSON_GetObjectItem(w->doc, "Statement")) {
		s = cJSON_GetObjectItem(st, "Sid");
		if (s != NULL && strcmp(s->valuestring, sid) == 0)
			return st;
	}
	return NULL;
}

/* The strings of a JSON string or array of strings, joined with ' '. */
static char *
joined(const cJSON *v)
{
	struct buf	 b = BUF_INIT;
	const cJSON	*e;

	ck_assert_ptr_nonnull(v);
	if (cJSON_IsString(v))
		return xstrdup(v->valuestring);
	ck_assert(cJSON_IsArray(v));
	cJSON_ArrayForEach(e, v) {
		ck_assert(cJSON_IsString(e));
		if (b.len > 0)
			buf_addc(&b, ' ');
		buf_adds(&b, e->valuestring);
	}
	return buf_detach(&b);
}

static void
expect(const cJSON *v, const char *want)
{
	char	*got = joined(v);

	ck_assert_str_eq(got, want);
	free(got);
}

static const cJSON *
condition(const cJSON *st, const char *key)
{
	const cJSON	*c = cJSON_GetObjectItem(st, "Condition");

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(cJSON_GetArraySize(c), 1);
	c = cJSON_GetObjectItem(c, "ForAllValues:StringEquals");
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(cJSON_GetArraySize(c), 3);
	return cJSON_GetObjectItem(c, key);
}

START_TEST(one_domain_every_kind)
{
	static const char *const ids[] = { "Z0123456789ABC" };
	struct world	 w;
	const cJSON	*st;

	load(&w, "version: 1\ndomains:\n"
	    "  Mail.Example.COM.:\n"
	    "    spf: { include: [amazonses.com], all: fail }\n"
	    "    dkim:\n"
	    "      s2026: { public_key: " ED_KEY " }\n"
	    "      google: { cname: google.dkim.example.net }\n"
	    "      old: { state: absent }\n"
	    "    dmarc: { policy: none }\n");
	build(&w, ids);
	expect(cJSON_GetObjectItem(w.doc, "Version"), "2012-10-17");
	ck_assert_int_eq(cJSON_GetArraySize(cJSON_GetObjectItem(w.doc,
	    "Statement")), 4);

	st = find_sid(&w, "FindHostedZones");
	ck_assert_ptr_nonnull(st);
	expect(cJSON_GetObjectItem(st, "Effect"), "Allow");
	expect(cJSON_GetObjectItem(st, "Action"),
	    "route53:ListHostedZonesByName");
	expect(cJSON_GetObjectItem(st, "Resource"), "*");

	/* No zone: id in the config, so no GetHostedZone. */
	st = find_sid(&w, "ReadManagedZones");
	expect(cJSON_GetObjectItem(st, "Action"),
	    "route53:ListResourceRecordSets");
	expect(cJSON_GetObjectItem(st, "Resource"),
	    "arn:aws:route53:::hostedzone/Z0123456789ABC");

	st = find_sid(&w, "ChangeManagedRecordsInZ0123456789ABC");
	ck_assert_ptr_nonnull(st);
	expect(cJSON_GetObjectItem(st, "Action"),
	    "route53:ChangeResourceRecordSets");
	expect(cJSON_GetObjectItem(st, "Resource"),
	    "arn:aws:route53:::hostedzone/Z0123456789ABC");
	expect(condition(st, NAMES), "mail.example.com "
	    "s2026._domainkey.mail.example.com "
	    "google._domainkey.mail.example.com "
	    "old._domainkey.mail.example.com _dmarc.mail.example.com "
	    "_mailauth.mail.example.com");
	expect(condition(st, TYPES), "CNAME TXT");
	expect(condition(st, ACTIONS), "CREATE DELETE");

	st = find_sid(&w, "WaitForInsync");
	expect(cJSON_GetObjectItem(st, "Action"), "route53:GetChange");
	expect(cJSON_GetObjectItem(st, "Resource"),
	    "arn:aws:route53:::change/*");
	release(&w);
}
END_TEST

START_TEST(txt_only_without_selectors)
{
	static const char *const ids[] = { "ZA" };
	struct world	 w;

	load(&w, "version: 1\ndomains:\n  example.com:\n"
	    "    spf: { mx: true, all: softfail }\n"
	    "    dmarc: { policy: reject }\n");
	build(&w, ids);
	expect(condition(find_sid(&w, "ChangeManagedRecordsInZA"), NAMES),
	    "example.com _dmarc.example.com _mailauth.example.com");
	expect(condition(find_sid(&w, "ChangeManagedRecordsInZA"), TYPES),
	    "TXT");
	release(&w);
}
END_TEST

/* Each zone's statement names only its own domains' records. */
START_TEST(zones_apart)
{
	static const char *const ids[] = { "ZONEA", "ZONEB", "ZONEA" };
	struct world	 w;
	const cJSON	*st;

	load(&w, "version: 1\ndomains:\n"
	    "  a.example:\n    zone: ZONEA\n    dmarc: { policy: none }\n"
	    "  b.example:\n    zone: b.example\n"
	    "    dkim: { s1: { cname: s1.example.net } }\n"
	    "  x.a.example:\n    zone: ZONEA\n    dmarc: { policy: none }\n");
	build(&w, ids);
	/* One domain is found by name, two by id: both ways are granted. */
	ck_assert_ptr_nonnull(find_sid(&w, "FindHostedZones"));
	st = find_sid(&w, "ReadManagedZones");
	expect(cJSON_GetObjectItem(st, "Action"),
	    "route53:GetHostedZone route53:ListResourceRecordSets");
	expect(cJSON_GetObjectItem(st, "Resource"),
	    "arn:aws:route53:::hostedzone/ZONEA "
	    "arn:aws:route53:::hostedzone/ZONEB");
	st = find_sid(&w, "ChangeManagedRecordsInZONEA");
	expect(condition(st, NAMES), "_dmarc.a.example _dmarc.x.a.example "
	    "_mailauth.a.example _mailauth.x.a.example");
	expect(condition(st, TYPES), "TXT");
	st = find_sid(&w, "ChangeManagedRecordsInZONEB");
	expect(condition(st, NAMES), "s1._domainkey.b.example _mailauth.b.example");
	expect(condition(st, TYPES), "CNAME TXT");
	expect(cJSON_GetObjectItem(st, "Resource"),
	    "arn:aws:route53:::hostedzone/ZONEB");
	release(&w);
}
END_TEST

/* Every zone by id: nothing is looked up by name, so nothing on "*". */
START_TEST(ids_only)
{
	static const char *const ids[] = { "Z1" };
	struct world	 w;
	const cJSON	*st;

	load(&w, "version: 1\ndomains:\n  example.com:\n    zone: Z1\n"
	    "    dmarc: { policy: none }\n");
	build(&w, ids);
	ck_assert_ptr_null(find_sid(&w, "FindHostedZones"));
	cJSON_ArrayForEach(st, cJSON_GetObjectItem(w.doc, "Statement")) {
		char	*r = joined(cJSON_GetObjectItem(st, "Resource"));

		ck_assert_msg(strcmp(r, "*") != 0, "a statement on '*'");
		free(r);
	}
	release(&w);
}
END_TEST

/* A dotted selector is one name; names lose the trailing dot and are
 * lower case (what the loader accepts needs no escapes). */
START_TEST(dotted_selector)
{
	static const char *const ids[] = { "Z1" };
	struct world	 w;

	load(&w, "version: 1\ndomains:\n  example.com:\n"
	    "    dkim: { sel.one: { cname: x.example.net } }\n");
	build(&w, ids);
	expect(condition(find_sid(&w, "ChangeManagedRecordsInZ1"), NAMES),
	    "sel.one._domainkey.example.com _mailauth.example.com");
	release(&w);
}
END_TEST

START_TEST(bad_zone_ids)
{
	static const char *const lower[] = { "z1" };
	static const char *const slash[] = { "Z1/../x" };
	static const char *const none[] = { NULL };
	const char *const	*cases[] = { lower, slash, none };
	struct world		 w;
	struct buf		 out = BUF_INIT;
	struct err		 err;
	size_t			 i;

	load(&w, "version: 1\ndomains:\n  example.com:\n"
	    "    dmarc: { policy: none }\n");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err_clear(&err);
		ck_assert_int_eq(iam_policy_build(&w.cfg, w.desired,
		    w.ndesired, cases[i], NULL, &out, &err), -1);
		ck_assert_msg(strncmp(err.msg, "domains.example.com: '", 22) ==
		    0 && strstr(err.msg, "is not a hosted zone id") != NULL,
		    "%s", err.msg);
		ck_assert_uint_eq(out.len, 0);
	}
	release(&w);
}
END_TEST

START_TEST(offline_ids)
{
	struct world	 w;
	struct diags	 d = DIAGS_INIT;
	const char	*ids[3];

	load(&w, "version: 1\ndomains:\n"
	    "  a.example:\n    zone: ZAAA\n    dmarc: { policy: none }\n"
	    "  b.example:\n    zone: b.example\n    dmarc: { policy: none }\n"
	    "  c.example:\n    dmarc: { policy: none }\n");
	ck_assert_int_eq(iam_zone_ids_offline(&w.cfg, ids, &d), -1);
	ck_assert_str_eq(ids[0], "ZAAA");
	ck_assert_ptr_null(ids[1]);
	ck_assert_ptr_null(ids[2]);
	ck_assert_uint_eq(d.nerrors, 2);
	ck_assert_str_eq(d.v[0].msg, "domains.b.example.zone: --offline needs "
	    "a hosted zone id (Z...), not the zone name 'b.example'");
	ck_assert_int_eq(d.v[0].line, 6);
	ck_assert_str_eq(d.v[1].msg, "domains.c.example: --offline needs "
	    "zone: set to the hosted zone id (Z...) of 'c.example'");
	ck_assert_int_eq(d.v[1].line, 9);
	diags_release(&d);
	release(&w);

	load(&w, "version: 1\ndomains:\n"
	    "  a.example:\n    zone: ZAAA\n    dmarc: { policy: none }\n");
	ck_assert_int_eq(iam_zone_ids_offline(&w.cfg, ids, &d), 0);
	ck_assert_str_eq(ids[0], "ZAAA");
	ck_assert_uint_eq(d.n, 0);
	diags_release(&d);
	release(&w);
}
END_TEST

/* With ses: GetEmailIdentity on the identity, the MAIL FROM domain's MX
 * and SPF, and a pattern for the Easy DKIM tokens SES names. */
START_TEST(ses_identity)
{
	static const char *const ids[] = { "Z1", "Z1" };
	struct world	 w;
	const cJSON	*st, *cond;

	load(&w, "version: 1\ndomains:\n  example.com:\n"
	    "    dmarc: { policy: none }\n"
	    "    ses: { region: eu-west-1, mail_from: Bounce.Example.com }\n"
	    "  b.example.com:\n"
	    "    ses: { region: us-east-1, identity: example.com }\n");
	build(&w, ids);
	st = find_sid(&w, "ReadSesIdentities");
	ck_assert_ptr_nonnull(st);
	expect(cJSON_GetObjectItem(st, "Action"), "ses:GetEmailIdentity");
	expect(cJSON_GetObjectItem(st, "Resource"),
	    "arn:aws:ses:eu-west-1:*:identity/example.com "
	    "arn:aws:ses:us-east-1:*:identity/example.com");
	st = find_sid(&w, "ChangeManagedRecordsInZ1");
	cond = cJSON_GetObjectItem(st, "Condition");
	ck_assert_int_eq(cJSON_GetArraySize(cond), 2);
	expect(cJSON_GetObjectItem(cJSON_GetObjectItem(cond,
	    "ForAllValues:StringLike"), NAMES), "_dmarc.example.com "
	    "_mailauth.example.com _mailauth.b.example.com "
	    "bounce.example.com *._domainkey.example.com "
	    "*._domainkey.b.example.com");
	cond = cJSON_GetObjectItem(cond, "ForAllValues:StringEquals");
	ck_assert_ptr_null(cJSON_GetObjectItem(cond, NAMES));
	expect(cJSON_GetObjectItem(cond, TYPES), "CNAME MX TXT");
	expect(cJSON_GetObjectItem(cond, ACTIONS), "CREATE DELETE");
	ck_assert_ptr_nonnull(find_sid(&w, "WaitForInsync"));
	release(&w);
}
END_TEST

/* Every ARN is of the partition given: "aws" by default, "aws-cn" in the
 * China regions. */
static const struct {
	const char	*partition;
	const char	*zone, *change, *ses;
} partitions[] = {
	{ NULL, "arn:aws:route53:::hostedzone/Z1",
	  "arn:aws:route53:::change/*",
	  "arn:aws:ses:eu-west-1:*:identity/example.com" },
	{ "aws", "arn:aws:route53:::hostedzone/Z1",
	  "arn:aws:route53:::change/*",
	  "arn:aws:ses:eu-west-1:*:identity/example.com" },
	{ "aws-cn", "arn:aws-cn:route53:::hostedzone/Z1",
	  "arn:aws-cn:route53:::change/*",
	  "arn:aws-cn:ses:eu-west-1:*:identity/example.com" },
	{ "aws-us-gov", "arn:aws-us-gov:route53:::hostedzone/Z1",
	  "arn:aws-us-gov:route53:::change/*",
	  "arn:aws-us-gov:ses:eu-west-1:*:identity/example.com" },
};

START_TEST(partition_arns)
{
	static const char *const ids[] = { "Z1" };
	struct world	 w;

	load(&w, "version: 1\ndomains:\n  example.com:\n"
	    "    dmarc: { policy: none }\n"
	    "    ses: { region: eu-west-1 }\n");
	build_in(&w, ids, partitions[_i].partition);
	expect(cJSON_GetObjectItem(find_sid(&w, "ReadManagedZones"),
	    "Resource"), partitions[_i].zone);
	expect(cJSON_GetObjectItem(find_sid(&w, "ChangeManagedRecordsInZ1"),
	    "Resource"), partitions[_i].zone);
	expect(cJSON_GetObjectItem(find_sid(&w, "WaitForInsync"),
	    "Resource"), partitions[_i].change);
	expect(cJSON_GetObjectItem(find_sid(&w, "ReadSesIdentities"),
	    "Resource"), partitions[_i].ses);
	release(&w);
}
END_TEST

Suite *
iam_suite(void)
{
	Suite	*s = suite_create("iam");
	TCase	*tc = tcase_create("policy");

	tcase_add_test(tc, one_domain_every_kind);
	tcase_add_test(tc, txt_only_without_selectors);
	tcase_add_test(tc, zones_apart);
	tcase_add_test(tc, ids_only);
	tcase_add_test(tc, dotted_selector);
	tcase_add_test(tc, bad_zone_ids);
	tcase_add_test(tc, offline_ids);
	tcase_add_test(tc, ses_identity);
	tcase_add_loop_test(tc, partition_arns, 0,
	    (int)(sizeof(partitions) / sizeof(partitions[0])));
	suite_add_tcase(s, tc);
	return s;
}
