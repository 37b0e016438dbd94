/*
 * check_ses.c - the Amazon SES client and records: GetEmailIdentity
 * answers recorded from SES (tests/fixtures/ses: Easy DKIM, BYODKIM,
 * failed and pending states) and malformed ones, errors replayed through
 * the HTTP hook, the desired records an identity produces, the MAIL FROM
 * MX diff and the alignment line.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/config.h"
#include "mailauth/creds.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/plan.h"
#include "mailauth/ses.h"
#include "testutil.h"

#define FIX	FIXTURES "/ses/"

static void
slurp(const char *name, struct buf *out)
{
	char	 path[256], chunk[4096];
	FILE	*f;
	size_t	 n;

	snprintf(path, sizeof(path), "%s%s", FIX, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(out, chunk, n);
	fclose(f);
}

static void
parse_fixture(const char *name, struct ses_identity *id)
{
	struct buf	 b = BUF_INIT;
	struct err	 err;

	err_clear(&err);
	slurp(name, &b);
	ck_assert_msg(ses_identity_parse(b.data, b.len, id, &err) == 0,
	    "%s: %s", name, err.msg);
	buf_release(&b);
}

START_TEST(test_parse_easy_dkim)
{
	struct ses_identity	 id;

	parse_fixture("easy-dkim.json", &id);
	ck_assert_str_eq(id.identity_type, "DOMAIN");
	ck_assert_int_eq(id.verified_for_sending, 1);
	ck_assert_str_eq(id.verification_status, "SUCCESS");
	ck_assert_int_eq(id.dkim_origin, SES_DKIM_EASY);
	ck_assert_int_eq(id.dkim_signing_enabled, 1);
	ck_assert_str_eq(id.dkim_status, "SUCCESS");
	ck_assert_str_eq(id.dkim_key_length, "RSA_2048_BIT");
	ck_assert_uint_eq(id.ntokens, 3);
	/* Lower-cased: they become DNS names. */
	ck_assert_str_eq(id.tokens[0], "q4zwd2bhxmkyamudrkoqrlsu3dmqh7ns");
	ck_assert_str_eq(id.tokens[2], "6lr2qrwxzfyuszwxkaigqfrxu4grcbcm");
	ck_assert_str_eq(id.mail_from_domain, "bounce.example.com");
	ck_assert_str_eq(id.mail_from_status, "SUCCESS");
	ck_assert_str_eq(id.mail_from_behavior, "USE_DEFAULT_VALUE");
	ses_identity_release(&id);
}
END_TEST

START_TEST(test_parse_byodkim_failed_pending)
{
	struct ses_identity	 id;

	parse_fixture("byodkim.json", &id);
	ck_assert_int_eq(id.dkim_origin, SES_DKIM_EXTERNAL);
	ck_assert_uint_eq(id.ntokens, 1);
	ck_assert_str_eq(id.tokens[0], "s2026");
	ck_assert_ptr_null(id.mail_from_domain);	/* "" is none */
	ck_assert_str_eq(id.mail_from_status, "FAILED");
	ses_identity_release(&id);

	parse_fixture("failed.json", &id);
	ck_assert_int_eq(id.dkim_origin, SES_DKIM_EASY);	/* AWS_SES_<R> */
	ck_assert_str_eq(id.dkim_origin_name, "AWS_SES_EU_WEST_1");
	ck_assert_uint_eq(id.ntokens, 0);
	ck_assert_str_eq(id.dkim_status, "FAILED");
	ck_assert_int_eq(id.verified_for_sending, 0);
	ck_assert_str_eq(id.verification_status, "FAILED");
	ck_assert_str_eq(id.mail_from_status, "TEMPORARY_FAILURE");
	ck_assert_str_eq(id.mail_from_behavior, "REJECT_MESSAGE");
	ses_identity_release(&id);

	parse_fixture("pending.json", &id);
	ck_assert_str_eq(id.dkim_status, "PENDING");
	ck_assert_uint_eq(id.ntokens, 3);
	ck_assert_ptr_null(id.mail_from_domain);
	ck_assert_ptr_null(id.mail_from_status);
	ses_identity_release(&id);
}
END_TEST

static const struct {
	const char	*json;
	const char	*msg;
} malformed[] = {
	{ "", "the answer is not JSON" },
	{ "{\"IdentityType\": ", "the answer is not JSON" },
	{ "[1, 2]", "the answer is not a JSON object" },
	{ "{\"IdentityType\": 7}", "IdentityType: expected a string" },
	{ "{\"VerifiedForSendingStatus\": \"yes\"}",
	  "VerifiedForSendingStatus: expected true or false" },
	{ "{\"DkimAttributes\": \"x\"}", "DkimAttributes: expected an object" },
	{ "{\"DkimAttributes\": {\"Tokens\": \"abc\"}}",
	  "DkimAttributes.Tokens: expected a list" },
	{ "{\"DkimAttributes\": {\"Tokens\": [\"abc\", 5]}}",
	  "DkimAttributes.Tokens[1]: expected a DNS label" },
	{ "{\"DkimAttributes\": {\"Tokens\": [\"a.b\"]}}",
	  "DkimAttributes.Tokens[0]: expected a DNS label" },
	{ "{\"DkimAttributes\": {\"Tokens\": [\"evil\\n.example\"]}}",
	  "DkimAttributes.Tokens[0]: expected a DNS label" },
	{ "{\"DkimAttributes\": {\"Status\": []}}",
	  "DkimAttributes.Status: expected a string" },
	{ "{\"MailFromAttributes\": {\"MailFromDomain\": \"a b.example\"}}",
	  "MailFromAttributes.MailFromDomain: expected a domain name" },
	{ "{\"MailFromAttributes\": {\"MailFromDomain\": \"localhost\"}}",
	  "MailFromAttributes.MailFromDomain: expected a domain name" },
};

START_TEST(test_parse_malformed)
{
	struct ses_identity	 id;
	struct err		 err;
	const char		*j = malformed[_i].json;

	err_clear(&err);
	ck_assert_int_eq(ses_identity_parse(j, strlen(j), &id, &err), -1);
	ck_assert_msg(strstr(err.msg, malformed[_i].msg) != NULL &&
	    strncmp(err.msg, "SES GetEmailIdentity: ", 22) == 0,
	    "%s: got '%s'", j, err.msg);
	ck_assert_uint_eq(id.ntokens, 0);
	ck_assert_ptr_null(id.identity_type);
}
END_TEST

START_TEST(test_token_target)
{
	char	*x = NULL, *t;

	t = ses_token_target("abc");
	ck_assert_str_eq(t, "abc.dkim.amazonses.com");
	free(t);
	ck_assert_int_eq(ses_token_target_parse("ABC.dkim.amazonses.com.",
	    &x), 1);
	ck_assert_str_eq(x, "abc");
	free(x);
	ck_assert_int_eq(ses_token_target_parse("a.b.dkim.amazonses.com",
	    NULL), 0);
	ck_assert_int_eq(ses_token_target_parse("dkim.amazonses.com", NULL),
	    0);
	ck_assert_int_eq(ses_token_target_parse(".dkim.amazonses.com", NULL),
	    0);
	ck_assert_int_eq(ses_token_target_parse("abc.dkim.amazonses.com.evil",
	    NULL), 0);
	{
		struct aws_endpoint	 ep;

		ck_assert_int_eq(aws_endpoint_resolve(AWS_SESV2, "eu-west-1",
		    NULL, NULL, NULL, &ep, NULL), 0);
		ck_assert_str_eq(ep.url,
		    "https://email.eu-west-1.amazonaws.com");
		aws_endpoint_release(&ep);
	}
}
END_TEST

/* --- the request, replayed --- */

struct answer {
	long		 status;
	const char	*error_type;	/* x-amzn-ErrorType, or NULL */
	const char	*body;		/* or a fixture name after "@" */
	char		*url, *auth;	/* what was asked */
};

static int
answer_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct answer	*a = ctx;
	const char	*auth = http_request_header_get(req, "Authorization");

	(void)err;
	a->url = xstrdup(req->url);
	a->auth = xstrdup(auth != NULL ? auth : "");
	resp->status = a->status;
	if (a->error_type != NULL)
		http_response_header_add(resp, "x-amzn-ErrorType",
		    a->error_type);
	if (a->body[0] == '@')
		slurp(a->body + 1, &resp->body);
	else
		buf_adds(&resp->body, a->body);
	return 0;
}

static time_t
fake_clock(void)
{
	return 1767225600;
}

static int
get(struct answer *a, struct ses_identity *id, struct err *err)
{
	static char		 akid[] = "AKIDEXAMPLE";
	static char		 secret[] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	struct http_transport	 http;
	struct aws_creds	 creds;
	struct ses_client	 c;

	memset(&creds, 0, sizeof(creds));
	creds.access_key_id = akid;
	creds.secret_access_key = secret;
	http.send = answer_send;
	http.ctx = a;
	memset(&c, 0, sizeof(c));
	c.http = &http;
	c.endpoint = "https://email.eu-west-1.amazonaws.com/";
	c.region = "eu-west-1";
	c.creds = &creds;
	c.clock = fake_clock;
	err_clear(err);
	return ses_identity_get(&c, "example.com", id, err);
}

static void
answer_release(struct answer *a)
{
	free(a->url);
	free(a->auth);
}

START_TEST(test_get_ok)
{
	struct answer		 a = { 200, NULL, "@easy-dkim.json", NULL, NULL };
	struct ses_identity	 id;
	struct err		 err;

	ck_assert_int_eq(get(&a, &id, &err), 0);
	ck_assert_str_eq(a.url, "https://email.eu-west-1.amazonaws.com"
	    "/v2/email/identities/example.com");
	ck_assert_msg(strstr(a.auth, "/20260101/eu-west-1/ses/aws4_request")
	    != NULL, "%s", a.auth);
	ck_assert_uint_eq(id.ntokens, 3);
	ses_identity_release(&id);
	answer_release(&a);
}
END_TEST

static const struct {
	long		 status;
	const char	*error_type;
	const char	*body;
	const char	*msg;
	const char	*code;
} failures[] = {
	{ 404, "NotFoundException", "{\"message\":\"Email identity "
	  "example.com does not exist.\"}", "SES GetEmailIdentity: SES has no "
	  "identity 'example.com' in region 'eu-west-1'; create it with 'aws "
	  "sesv2 create-email-identity --email-identity example.com --region "
	  "eu-west-1', or correct ses.region or ses.identity",
	  "NotFoundException" },
	{ 403, NULL, "{\"__type\":\"com.amazon#AccessDeniedException\","
	  "\"message\":\"not authorized\"}", "SES GetEmailIdentity: access "
	  "denied to identity 'example.com' in region 'eu-west-1': the "
	  "credentials need the IAM action ses:GetEmailIdentity "
	  "(policies/iam): not authorized", "AccessDeniedException" },
	{ 400, "BadRequestException:http://internal", "{\"message\":\"bad\\n"
	  "thing\"}", "SES GetEmailIdentity: BadRequestException: bad thing",
	  "BadRequestException" },
	{ 500, NULL, "<html>oops</html>", "SES GetEmailIdentity: HTTP 500",
	  "" },
	{ 200, NULL, "{\"DkimAttributes\": []}", "SES GetEmailIdentity: "
	  "DkimAttributes: expected an object", "" },
};

START_TEST(test_get_errors)
{
	struct answer		 a = { failures[_i].status,
				    failures[_i].error_type, failures[_i].body,
				    NULL, NULL };
	struct ses_identity	 id;
	struct err		 err;

	ck_assert_int_eq(get(&a, &id, &err), -1);
	ck_assert_str_eq(err.msg, failures[_i].msg);
	ck_assert_str_eq(err.aws_code, failures[_i].code);
	if (failures[_i].status != 200)
		ck_assert_int_eq(err.http_status, failures[_i].status);
	ck_assert_ptr_null(id.tokens);
	answer_release(&a);
}
END_TEST

/* --- desired records --- */

static void
load(struct cfg *cfg, const char *text)
{
	struct diags	 d = DIAGS_INIT;

	ck_assert_msg(cfg_load_string(cfg, "m.yaml", text, strlen(text),
	    &d) == 0, "%s", d.n > 0 ? d.v[0].msg : "?");
	diags_release(&d);
}

static int
has_diag(const struct diags *d, enum diag_level level, const char *part)
{
	size_t	 i;

	for (i = 0; i < d->n; i++)
		if (d->v[i].level == level && strstr(d->v[i].msg, part) != NULL)
			return 1;
	return 0;
}

static const char	*easy_cfg =
    "version: 1\n"
    "domains:\n"
    "  example.com:\n"
    "    ses:\n"
    "      region: eu-west-1\n"
    "      mail_from: bounce.example.com\n";

START_TEST(test_desired_easy_dkim)
{
	struct cfg		 cfg;
	struct ses_identity	 id;
	struct desired		*w = NULL;
	struct diags		 d = DIAGS_INIT;
	size_t			 n = 0;

	load(&cfg, easy_cfg);
	parse_fixture("easy-dkim.json", &id);
	ck_assert_int_eq(desired_build_ses(&cfg, 0, &id, &w, &n, &d), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(w[0].kind, RECORD_DKIM);
	ck_assert_str_eq(w[0].name,
	    "q4zwd2bhxmkyamudrkoqrlsu3dmqh7ns._domainkey.example.com.");
	ck_assert_str_eq(w[0].type, "CNAME");
	ck_assert_str_eq(w[0].text,
	    "q4zwd2bhxmkyamudrkoqrlsu3dmqh7ns.dkim.amazonses.com.");
	ck_assert_str_eq(w[0].key, "domains.example.com.ses");
	ck_assert_int_eq(w[3].kind, RECORD_MAIL_FROM);
	ck_assert_str_eq(w[3].name, "bounce.example.com.");
	ck_assert_str_eq(w[3].type, "MX");
	ck_assert_str_eq(w[3].text,
	    "10 feedback-smtp.eu-west-1.amazonses.com");
	ck_assert_int_eq(w[4].kind, RECORD_SPF);
	ck_assert_str_eq(w[4].text, "v=spf1 include:amazonses.com ~all");
	ck_assert_int_eq(w[4].line, 6);
	desired_release(w, n);
	ses_identity_release(&id);

	/* SES without a MAIL FROM domain, and with another one. */
	parse_fixture("pending.json", &id);
	w = NULL;
	n = 0;
	ck_assert_int_eq(desired_build_ses(&cfg, 0, &id, &w, &n, &d), 0);
	ck_assert(has_diag(&d, DIAG_WARNING, "has no custom MAIL FROM domain; "
	    "set it with 'aws sesv2 put-email-identity-mail-from-attributes "
	    "--email-identity example.com --mail-from-domain "
	    "bounce.example.com --region eu-west-1'"));
	desired_release(w, n);
	free(id.mail_from_domain);
	id.mail_from_domain = xstrdup("mail.example.com");
	diags_release(&d);
	w = NULL;
	n = 0;
	ck_assert_int_eq(desired_build_ses(&cfg, 0, &id, &w, &n, &d), 0);
	ck_assert(has_diag(&d, DIAG_WARNING, "uses the MAIL FROM domain "
	    "'mail.example.com', not 'bounce.example.com'"));
	desired_release(w, n);
	ses_identity_release(&id);
	diags_release(&d);

	/* No tokens yet: a warning, no DKIM record. */
	parse_fixture("failed.json", &id);
	w = NULL;
	n = 0;
	ck_assert_int_eq(desired_build_ses(&cfg, 0, &id, &w, &n, &d), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert(has_diag(&d, DIAG_WARNING, "lists no Easy DKIM tokens yet"));
	desired_release(w, n);
	ses_identity_release(&id);
	diags_release(&d);
	cfg_release(&cfg);
}
END_TEST

START_TEST(test_desired_byodkim_and_clashes)
{
	struct cfg		 cfg;
	struct ses_identity	 id;
	struct desired		*w = NULL;
	struct diags		 d = DIAGS_INIT;
	size_t			 n = 0;

	load(&cfg, "version: 1\ndomains:\n  example.com:\n"
	    "    dkim:\n      other: { cname: x.example.net }\n"
	    "    ses: { region: eu-west-1 }\n");
	parse_fixture("byodkim.json", &id);
	ck_assert_int_eq(desired_build_ses(&cfg, 0, &id, &w, &n, &d), -1);
	ck_assert(has_diag(&d, DIAG_ERROR, "signs with its own key (BYODKIM) "
	    "under selector 's2026', which domains.example.com.dkim does not "
	    "publish"));
	ck_assert_uint_eq(n, 0);
	diags_release(&d);
	cfg_release(&cfg);

	load(&cfg, "version: 1\ndomains:\n  example.com:\n"
	    "    dkim:\n      s2026: { cname: x.example.net }\n"
	    "    ses: { region: eu-west-1 }\n");
	ck_assert_int_eq(desired_build_ses(&cfg, 0, &id, &w, &n, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_uint_eq(n, 0);
	cfg_release(&cfg);

	/* SES's selector is declared but, on the day, pending or retired:
	 * SES would sign with a key receivers cannot use. */
	load(&cfg, "version: 1\ndomains:\n  example.com:\n"
	    "    dkim:\n      s2026: { public_key_file: " FIXTURES "/dkim/rsa2048.pub.pem, "
	    "from: 2027-01-10, retire: 2027-02-01 }\n"
	    "    ses: { region: eu-west-1 }\n");
	ck_assert_int_eq(desired_build_ses(&cfg, test_day("2027-01-09"), &id, &w,
	    &n, &d), -1);
	ck_assert(has_diag(&d, DIAG_ERROR, "under selector 's2026', which "
	    "domains.example.com.dkim publishes only from 2027-01-10; switch "
	    "SES to it from that day"));
	diags_release(&d);
	ck_assert_int_eq(desired_build_ses(&cfg, test_day("2027-01-10"), &id, &w,
	    &n, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(desired_build_ses(&cfg, test_day("2027-01-31"), &id, &w,
	    &n, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_int_eq(desired_build_ses(&cfg, test_day("2027-02-01"), &id, &w,
	    &n, &d), -1);
	ck_assert(has_diag(&d, DIAG_ERROR, "under selector 's2026', which "
	    "domains.example.com.dkim retired on 2027-02-01; switch SES to an "
	    "active selector first"));
	ck_assert_uint_eq(n, 0);
	diags_release(&d);
	ses_identity_release(&id);
	cfg_release(&cfg);

	/* A selector that is a token: the same CNAME is fine, another is
	 * an error at the selector. */
	load(&cfg, "version: 1\ndomains:\n  example.com:\n"
	    "    dkim:\n      aaaa: { cname: aaaa.dkim.amazonses.com }\n"
	    "      bbbb: { cname: elsewhere.example.net }\n"
	    "    ses: { region: eu-west-1 }\n  bounce.example.org:\n"
	    "    spf: { include: [x.example] }\n  example.org:\n"
	    "    ses: { region: eu-west-1, mail_from: bounce.example.org }\n");
	ck_assert_int_eq(desired_build(&cfg, 0, &w, &n, &d), 0);
	ck_assert_uint_eq(n, 3);
	parse_fixture("pending.json", &id);
	{
		struct ses_identity	 ids[3];

		memset(ids, 0, sizeof(ids));
		ids[0] = id;
		ids[2] = id;
		ck_assert_int_eq(desired_build_ses(&cfg, 0, ids, &w, &n, &d), -1);
	}
	ck_assert(has_diag(&d, DIAG_ERROR, "domains.example.com.dkim.bbbb: "
	    "'bbbb._domainkey.example.com' is an Easy DKIM token of SES "
	    "identity 'example.com'"));
	ck_assert(!has_diag(&d, DIAG_ERROR, "dkim.aaaa"));
	ck_assert(has_diag(&d, DIAG_ERROR, "domains.example.org.ses.mail_from: "
	    "domains.bounce.example.org.spf already publishes the SPF record "
	    "at 'bounce.example.org'"));
	/* cccc only: aaaa is the config's, bbbb clashes; example.org
	 * adds cccc's siblings too. */
	ck_assert_uint_eq(n, 3 + 1 + 3);
	desired_release(w, n);
	ses_identity_release(&id);
	diags_release(&d);
	cfg_release(&cfg);
}
END_TEST

/* --- the MAIL FROM MX --- */

static enum plan_op
mx_diff(const char *const *values, size_t nvalues, struct plan *p)
{
	struct desired		 want;
	struct cfg_domain	 dom;
	struct zone		 z = { "Z1", "example.com.", NULL };
	struct rrset		 live;
	struct live		 l;
	struct live_state	 ls;
	struct diags		 d = DIAGS_INIT;
	size_t			 i;

	memset(&dom, 0, sizeof(dom));
	dom.name = "example.com";
	memset(&want, 0, sizeof(want));
	want.domain = &dom;
	want.kind = RECORD_MAIL_FROM;
	want.name = "bounce.example.com.";
	want.type = "MX";
	want.ttl = 3600;
	want.text = "10 feedback-smtp.eu-west-1.amazonses.com";
	memset(&live, 0, sizeof(live));
	rrset_init(&live, "bounce.example.com.", "MX", 3600);
	for (i = 0; i < nvalues; i++)
		rrset_value_add(&live, values[i]);
	memset(&l, 0, sizeof(l));
	l.desired = &want;
	l.zone = &z;
	l.sets = nvalues > 0 ? &live : NULL;
	l.nsets = nvalues > 0 ? 1 : 0;
	memset(&ls, 0, sizeof(ls));
	ls.zones = &z;
	ls.nzones = 1;
	ls.lives = &l;
	ls.nlives = 1;
	ck_assert_int_eq(plan_diff(&want, 1, &ls, NULL, 0, p, &d), 0);
	rrset_release(&live);
	diags_release(&d);
	return p->changes[0].op;
}

START_TEST(test_mail_from_mx)
{
	static const char *const same[] = {
		"10 FEEDBACK-SMTP.eu-west-1.amazonses.com."
	};
	static const char *const other[] = {
		"10 mx.example.net.", "20 feedback-smtp.eu-west-1.amazonses.com"
	};
	struct plan	 p;

	ck_assert_int_eq(mx_diff(NULL, 0, &p), PLAN_CREATE);
	ck_assert_str_eq(p.changes[0].after.type, "MX");
	ck_assert_str_eq(record_kind_name(p.changes[0].kind), "MAIL FROM");
	plan_release(&p);
	ck_assert_int_eq(mx_diff(same, 1, &p), PLAN_NONE);
	plan_release(&p);
	ck_assert_int_eq(mx_diff(other, 2, &p), PLAN_UPDATE);
	ck_assert_uint_eq(p.changes[0].after.nvalues, 1);
	ck_assert_str_eq(p.changes[0].after.values[0],
	    "10 feedback-smtp.eu-west-1.amazonses.com");
	ck_assert_ptr_nonnull(p.changes[0].note);
	plan_release(&p);
}
END_TEST

START_TEST(test_alignment)
{
	struct cfg		 cfg;
	struct ses_identity	 id;
	struct buf		 b = BUF_INIT;

	load(&cfg, easy_cfg);
	parse_fixture("easy-dkim.json", &id);
	ses_alignment(&cfg.domains[0], &id, &b);
	ck_assert_str_eq(buf_str(&b), "example.com: mail sent through SES "
	    "aligns on DKIM (Easy DKIM, d=example.com); SPF aligns through "
	    "the MAIL FROM domain bounce.example.com");
	cfg_release(&cfg);
	load(&cfg, "version: 1\ndomains:\n  example.com:\n"
	    "    ses: { region: eu-west-1 }\n");
	buf_reset(&b);
	free(id.dkim_status);
	id.dkim_status = xstrdup("PENDING");
	ses_alignment(&cfg.domains[0], &id, &b);
	ck_assert_str_eq(buf_str(&b), "example.com: mail sent through SES "
	    "aligns on DKIM (Easy DKIM, d=example.com, once SES verifies it: "
	    "now PENDING); SPF does not align: SES's default MAIL FROM is "
	    "below amazonses.com (set ses.mail_from for SPF); DMARC passes "
	    "on DKIM alone");
	ses_identity_release(&id);
	cfg_release(&cfg);
	buf_release(&b);
}
END_TEST

Suite *
ses_suite(void)
{
	Suite	*s = suite_create("ses");
	TCase	*tc = tcase_create("ses");

	tcase_add_test(tc, test_parse_easy_dkim);
	tcase_add_test(tc, test_parse_byodkim_failed_pending);
	tcase_add_loop_test(tc, test_parse_malformed, 0,
	    (int)(sizeof(malformed) / sizeof(malformed[0])));
	tcase_add_test(tc, test_token_target);
	tcase_add_test(tc, test_get_ok);
	tcase_add_loop_test(tc, test_get_errors, 0,
	    (int)(sizeof(failures) / sizeof(failures[0])));
	tcase_add_test(tc, test_desired_easy_dkim);
	tcase_add_test(tc, test_desired_byodkim_and_clashes);
	tcase_add_test(tc, test_mail_from_mx);
	tcase_add_test(tc, test_alignment);
	suite_add_tcase(s, tc);
	return s;
}
