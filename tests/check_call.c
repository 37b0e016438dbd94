/*
 * check_call.c - the AWS call core: endpoint resolution over the partition
 * table, the percent-encoder, the request a call becomes, the error code
 * of each protocol, redaction of secrets in the error line of every
 * client, and signing again before each retry.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/retry.h"
#include "mailauth/route53.h"
#include "mailauth/s3.h"
#include "mailauth/ses.h"
#include "mailauth/sts.h"

#define SECRET	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
#define TOKEN	"FwoGZXIvYXdzEXAMPLETOKEN"
#define WEBTOKEN "eyJhbGciOiJSUzI1NiJ9.web-identity"
#define PAD	"0123456789012345678901234567890123456789012345678901234567890123456789"

/* ---- endpoints ----------------------------------------------------------- */

/* An environment of "NAME=value" strings, NULL-terminated. */
static const char *
fake_env(void *ctx, const char *name)
{
	const char *const	*v = ctx;
	size_t			 n = strlen(name);

	for (; v != NULL && *v != NULL; v++)
		if (strncmp(*v, name, n) == 0 && (*v)[n] == '=')
			return *v + n + 1;
	return NULL;
}

static const char *const env_none[] = { NULL };
static const char *const env_r53[] = {
	"AWS_ENDPOINT_URL_ROUTE_53=http://127.0.0.1:5000//",
	"AWS_ENDPOINT_URL=http://127.0.0.1:6000", NULL
};
static const char *const env_all[] = {
	"AWS_ENDPOINT_URL=http://127.0.0.1:6000/", NULL
};
static const char *const env_empty[] = {
	"AWS_ENDPOINT_URL_S3=", "AWS_ENDPOINT_URL=http://127.0.0.1:6000",
	NULL
};
static const char *const env_ignored[] = {
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true",
	"AWS_ENDPOINT_URL_SESV2=http://127.0.0.1:7000",
	"AWS_ENDPOINT_URL=http://127.0.0.1:6000", NULL
};
/* Any case of "true" ignores them, as the AWS SDKs read it; anything
 * else does not. */
static const char *const env_ignored_upper[] = {
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=TRUE",
	"AWS_ENDPOINT_URL_STS=https://sts.example", NULL
};
static const char *const env_not_ignored[] = {
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=1",
	"AWS_ENDPOINT_URL_STS=https://sts.example", NULL
};

static const struct {
	enum aws_service	 service;
	const char		*region;
	const char		*explicit_url;
	const char *const	*env;
	const char		*url;		/* NULL: an error */
	const char		*signing;	/* or the error */
	int			 configured;
} endpoints[] = {
	/* The aws partition, as mailauth always sent them. */
	{ AWS_ROUTE53, NULL, NULL, env_none, "https://route53.amazonaws.com",
	  "us-east-1", 0 },
	{ AWS_ROUTE53, "eu-west-1", NULL, NULL, "https://route53.amazonaws.com",
	  "us-east-1", 0 },
	{ AWS_SESV2, "eu-west-1", NULL, env_none,
	  "https://email.eu-west-1.amazonaws.com", "eu-west-1", 0 },
	{ AWS_STS, "us-east-1", NULL, env_none,
	  "https://sts.us-east-1.amazonaws.com", "us-east-1", 0 },
	{ AWS_S3, "us-west-2", NULL, env_none,
	  "https://s3.us-west-2.amazonaws.com", "us-west-2", 0 },
	/* The other partitions: one row of the table each. */
	{ AWS_ROUTE53, "cn-north-1", NULL, env_none,
	  "https://route53.amazonaws.com.cn", "cn-northwest-1", 0 },
	{ AWS_ROUTE53, "us-gov-east-1", NULL, env_none,
	  "https://route53.us-gov.amazonaws.com", "us-gov-west-1", 0 },
	{ AWS_STS, "cn-north-1", NULL, env_none,
	  "https://sts.cn-north-1.amazonaws.com.cn", "cn-north-1", 0 },
	{ AWS_SESV2, "cn-northwest-1", NULL, env_none,
	  "https://email.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1",
	  0 },
	{ AWS_S3, "us-gov-west-1", NULL, env_none,
	  "https://s3.us-gov-west-1.amazonaws.com", "us-gov-west-1", 0 },
	/* Overrides: --endpoint-url, the service's variable, the general
	 * one, final slashes dropped, empty ones skipped. */
	{ AWS_ROUTE53, NULL, "https://r53.example/", env_r53,
	  "https://r53.example", "us-east-1", 1 },
	{ AWS_ROUTE53, NULL, NULL, env_r53, "http://127.0.0.1:5000",
	  "us-east-1", 1 },
	{ AWS_SESV2, "eu-west-1", NULL, env_all, "http://127.0.0.1:6000",
	  "eu-west-1", 1 },
	{ AWS_S3, "us-west-2", NULL, env_empty, "http://127.0.0.1:6000",
	  "us-west-2", 1 },
	{ AWS_SESV2, "eu-west-1", NULL, env_ignored,
	  "https://email.eu-west-1.amazonaws.com", "eu-west-1", 0 },
	{ AWS_ROUTE53, NULL, "http://127.0.0.1:1", env_ignored,
	  "http://127.0.0.1:1", "us-east-1", 1 },
	/* An override changes where Route 53 requests go, never the region
	 * of the partition they are signed for. */
	{ AWS_ROUTE53, "cn-north-1", "https://r53.example/", env_none,
	  "https://r53.example", "cn-northwest-1", 1 },
	{ AWS_ROUTE53, "cn-northwest-1", NULL, env_r53,
	  "http://127.0.0.1:5000", "cn-northwest-1", 1 },
	{ AWS_ROUTE53, "us-gov-west-1", NULL, env_r53,
	  "http://127.0.0.1:5000", "us-gov-west-1", 1 },
	{ AWS_ROUTE53, "eu-west-1", "https://r53.example", env_none,
	  "https://r53.example", "us-east-1", 1 },
	{ AWS_STS, "eu-west-1", NULL, env_ignored_upper,
	  "https://sts.eu-west-1.amazonaws.com", "eu-west-1", 0 },
	{ AWS_STS, "eu-west-1", NULL, env_not_ignored, "https://sts.example",
	  "eu-west-1", 1 },
	/* Refused. */
	{ AWS_STS, "us-east-1/../evil", NULL, env_none, NULL,
	  "'us-east-1/../evil' is not an AWS region", 0 },
	{ AWS_SESV2, NULL, NULL, env_none, NULL, "'' is not an AWS region", 0 },
};

START_TEST(endpoint_table)
{
	struct aws_endpoint	 ep;
	struct err		 err;
	int			 rc;

	err_clear(&err);
	rc = aws_endpoint_resolve(endpoints[_i].service, endpoints[_i].region,
	    endpoints[_i].explicit_url, fake_env, (void *)endpoints[_i].env,
	    &ep, &err);
	if (endpoints[_i].url == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_str_eq(err.msg, endpoints[_i].signing);
		ck_assert_ptr_null(ep.url);
		return;
	}
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_str_eq(ep.url, endpoints[_i].url);
	ck_assert_str_eq(ep.region, endpoints[_i].signing);
	ck_assert_int_eq(ep.configured, endpoints[_i].configured);
	aws_endpoint_release(&ep);
}
END_TEST

START_TEST(endpoint_partitions)
{
	struct aws_endpoint	 ep;
	struct err		 err;

	ck_assert_str_eq(aws_partition_of(NULL)->name, "aws");
	ck_assert_str_eq(aws_partition_of("eu-central-1")->name, "aws");
	ck_assert_str_eq(aws_partition_of("cn-north-1")->name, "aws-cn");
	ck_assert_str_eq(aws_partition_of("us-gov-west-1")->name,
	    "aws-us-gov");
	ck_assert_str_eq(aws_partition_of("us-east-1")->route53_host,
	    "route53.amazonaws.com");
	/* Route 53 has public hosted zones in aws and aws-cn only. */
	/* No environment, no override: STS's regional endpoint. */
	ck_assert_int_eq(aws_endpoint_resolve(AWS_STS, "eu-west-1", NULL, NULL,
	    NULL, &ep, NULL), 0);
	ck_assert_str_eq(ep.url, "https://sts.eu-west-1.amazonaws.com");
	aws_endpoint_release(&ep);
	err_clear(&err);
	ck_assert_int_eq(aws_endpoint_resolve(AWS_STS, "EU", NULL, NULL, NULL,
	    &ep, &err), -1);
	ck_assert_ptr_null(ep.url);
	ck_assert_str_eq(err.msg, "'EU' is not an AWS region");
}
END_TEST

/* ---- the encoder ---------------------------------------------------------- */

static const struct {
	const char	*in;
	int		 keep_slash;
	const char	*out;
} encodings[] = {
	{ "AZaz09-._~", 0, "AZaz09-._~" },
	{ "a b+c=d&e", 0, "a%20b%2Bc%3Dd%26e" },
	{ "!*'();:@$,?#[]%", 0, "%21%2A%27%28%29%3B%3A%40%24%2C%3F%23%5B%5D%25" },
	{ "caf\xc3\xa9 \xe1\x88\xb4", 0, "caf%C3%A9%20%E1%88%B4" },
	{ "rua/x y/", 0, "rua%2Fx%20y%2F" },
	{ "rua/x y/", 1, "rua/x%20y/" },
	{ "", 1, "" },
	{ "\x7f\x01", 0, "%7F%01" },
};

START_TEST(encoder)
{
	struct buf	 b = BUF_INIT;

	buf_add_encoded(&b, encodings[_i].in, strlen(encodings[_i].in),
	    encodings[_i].keep_slash);
	ck_assert_str_eq(buf_str(&b), encodings[_i].out);
	buf_release(&b);
}
END_TEST

/* ---- a transport that records and answers --------------------------------- */

struct peer {
	long		 status[4];	/* one per attempt; 0 ends */
	const char	*error_type;	/* x-amzn-ErrorType, or NULL */
	const char	*body;		/* "%s": the Authorization sent */
	size_t		 n;		/* attempts */
	char		*url[4], *auth[4], *date[4], *body_sent[4];
	char		*content_type;
};

static time_t	 clock_now;

static time_t
fake_clock(void)
{
	return clock_now;
}

static int
peer_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct peer	*p = ctx;
	const char	*auth = http_request_header_get(req, "Authorization");
	const char	*date = http_request_header_get(req, "X-Amz-Date");
	const char	*ct = http_request_header_get(req, "Content-Type");
	size_t		 i = p->n < 3 ? p->n : 3;

	(void)err;
	http_response_init(resp);
	p->url[i] = xstrdup(req->url);
	p->auth[i] = xstrdup(auth != NULL ? auth : "");
	p->date[i] = xstrdup(date != NULL ? date : "");
	p->body_sent[i] = xstrdup(req->body != NULL ? req->body : "");
	free(p->content_type);
	p->content_type = ct != NULL ? xstrdup(ct) : NULL;
	resp->status = p->status[i] != 0 ? p->status[i] : 200;
	if (p->error_type != NULL)
		http_response_header_add(resp, "x-amzn-ErrorType",
		    p->error_type);
	if (p->body != NULL)
		buf_addf(&resp->body, p->body, auth != NULL ? auth : "");
	p->n++;
	clock_now += 10;	/* the next attempt is signed later */
	return 0;
}

static void
peer_release(struct peer *p)
{
	size_t	 i;

	for (i = 0; i < 4; i++) {
		free(p->url[i]);
		free(p->auth[i]);
		free(p->date[i]);
		free(p->body_sent[i]);
	}
	free(p->content_type);
}

static struct aws_creds	 creds = {
	(char *)"AKIDEXAMPLE", (char *)SECRET, (char *)TOKEN
};

static void
call_init(struct aws_call *c, const char *op, enum aws_protocol proto)
{
	memset(c, 0, sizeof(*c));
	c->service = "route53";
	c->op = op;
	c->protocol = proto;
	c->method = "GET";
	c->endpoint = "https://host.example//";
	c->region = "us-east-1";
	c->creds = &creds;
	c->clock = fake_clock;
}

START_TEST(request_built)
{
	static const char *const path[] = { "2013-04-01", "hostedzone",
	    "Z1/..", "rrset" };
	static const struct aws_param params[] = {
		{ "name", "a b.example.com." }, { "type", "TXT" },
	};
	static const struct aws_param form[] = {
		{ "Action", "AssumeRole" }, { "RoleSessionName", "a b/c+d" },
	};
	struct peer		 p;
	struct http_transport	 http = { peer_send, &p };
	struct http_response	 resp;
	struct aws_call		 c;
	struct err		 err;

	memset(&p, 0, sizeof(p));
	clock_now = 1767225600;
	call_init(&c, "Route 53 ListResourceRecordSets",
	    AWS_PROTOCOL_REST_XML);
	c.path = path;
	c.npath = 4;
	c.path_dir = 1;
	c.params = params;
	c.nparams = 2;
	err_clear(&err);
	ck_assert_int_eq(aws_call_send(&http, &c, &resp, &err), 0);
	http_response_release(&resp);
	/* Each segment and parameter encoded once, '/' in one included. */
	ck_assert_str_eq(p.url[0], "https://host.example/2013-04-01/"
	    "hostedzone/Z1%2F../rrset/?name=a%20b.example.com.&type=TXT");
	ck_assert_ptr_nonnull(strstr(p.auth[0],
	    "/20260101/us-east-1/route53/aws4_request"));

	/* A host prefix (an S3 bucket), no path: "/". */
	c.service = "s3";
	c.path = NULL;
	c.npath = 0;
	c.nparams = 0;
	c.host_prefix = "bucket.";
	c.endpoint = "http://s3.example:9000";
	ck_assert_int_eq(aws_call_send(&http, &c, &resp, &err), 0);
	http_response_release(&resp);
	ck_assert_str_eq(p.url[1], "http://bucket.s3.example:9000/");

	/* The query protocol: a form body, unsigned when anonymous. */
	call_init(&c, "STS AssumeRole", AWS_PROTOCOL_QUERY);
	c.method = "POST";
	c.params = form;
	c.nparams = 2;
	c.anonymous = 1;
	ck_assert_int_eq(aws_call_send(&http, &c, &resp, &err), 0);
	http_response_release(&resp);
	ck_assert_str_eq(p.url[2], "https://host.example/");
	ck_assert_str_eq(p.body_sent[2],
	    "Action=AssumeRole&RoleSessionName=a%20b%2Fc%2Bd");
	ck_assert_str_eq(p.content_type,
	    "application/x-www-form-urlencoded; charset=utf-8");
	ck_assert_str_eq(p.auth[2], "");
	peer_release(&p);
}
END_TEST

/* ---- error codes ------------------------------------------------------------ */

static const struct {
	const char	*body;
	const char	*code;		/* NULL: none */
	const char	*message;
} xml_errors[] = {
	{ "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate "
	  "exceeded</Message></Error></ErrorResponse>", "Throttling",
	  "Rate exceeded" },
	{ "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
	  "</Error>", "AccessDenied", "Access Denied" },
	{ "<Error><Code>Throttling</Code></Error>", "Throttling", "" },
	{ "<InvalidChangeBatch><Messages><Message>a</Message><Message>b"
	  "</Message></Messages></InvalidChangeBatch>", "InvalidChangeBatch",
	  "a; b" },
	{ "<ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/"
	  "2013-04-01/\"><Error><Type>Sender</Type><Code>NoSuchHostedZone"
	  "</Code></Error></ErrorResponse>", "NoSuchHostedZone", "" },
	{ "<html/>", NULL, NULL },
	{ "<Error><Message>no code</Message></Error>", NULL, NULL },
	{ "", NULL, NULL },
	{ "<!DOCTYPE x [<!ENTITY e \"boom\">]><Error><Code>&e;</Code></Error>",
	  NULL, NULL },
};

START_TEST(xml_error_codes)
{
	char	*code, *msg;
	int	 rc;

	rc = aws_xml_error_parse(xml_errors[_i].body,
	    strlen(xml_errors[_i].body), &code, &msg);
	if (xml_errors[_i].code == NULL) {
		ck_assert_int_eq(rc, -1);
		ck_assert_ptr_null(code);
		ck_assert_ptr_null(msg);
		return;
	}
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(code, xml_errors[_i].code);
	ck_assert_str_eq(msg, xml_errors[_i].message);
	free(code);
	free(msg);
}
END_TEST

static const struct {
	const char	*header;
	const char	*body;
	const char	*code;		/* NULL: none */
} json_errors[] = {
	{ "BadRequestException:http://internal.amazon.com/", "{}",
	  "BadRequestException" },
	{ "aws.protocol#TooManyRequestsException", "",
	  "TooManyRequestsException" },
	{ NULL, "{\"__type\":\"com.amazon#AccessDeniedException\"}",
	  "AccessDeniedException" },
	{ NULL, "{\"code\":\"NotFoundException\"}", "NotFoundException" },
	{ NULL, "{\"message\":\"no code\"}", NULL },
	{ NULL, "<html>oops</html>", NULL },
	{ "", "{\"__type\":5}", NULL },
};

START_TEST(json_error_codes)
{
	struct http_response	 resp;
	char			 code[64];

	http_response_init(&resp);
	if (json_errors[_i].header != NULL)
		http_response_header_add(&resp, "x-amzn-ErrorType",
		    json_errors[_i].header);
	buf_adds(&resp.body, json_errors[_i].body);
	if (json_errors[_i].code == NULL)
		ck_assert_int_eq(aws_json_error_code(&resp, code,
		    sizeof(code)), -1);
	else {
		ck_assert_int_eq(aws_json_error_code(&resp, code,
		    sizeof(code)), 0);
		ck_assert_str_eq(code, json_errors[_i].code);
	}
	http_response_release(&resp);
}
END_TEST

/* ---- redaction in each client's error line -------------------------------- */

static void
starts(const char *msg, const char *prefix)
{
	ck_assert_msg(strncmp(msg, prefix, strlen(prefix)) == 0, "%s", msg);
}

static void
no_secrets(const char *msg)
{
	ck_assert_msg(strstr(msg, SECRET) == NULL, "%s", msg);
	ck_assert_msg(strstr(msg, TOKEN) == NULL, "%s", msg);
	ck_assert_msg(strstr(msg, WEBTOKEN) == NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "Signature=[redacted]") != NULL ||
	    strstr(msg, "Signature=") == NULL, "%s", msg);
	ck_assert_msg(strstr(msg, "[redacted]") != NULL, "%s", msg);
}

START_TEST(redacted_route53)
{
	struct peer		 p;
	struct http_transport	 http = { peer_send, &p };
	struct r53_client	 c;
	struct r53_zone		 z;
	struct err		 err;

	memset(&p, 0, sizeof(p));
	p.status[0] = 403;
	p.body = "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code>"
	    "<Message>key " SECRET " token " TOKEN " yours: %s</Message>"
	    "</Error></ErrorResponse>";
	memset(&c, 0, sizeof(c));
	c.http = &http;
	c.endpoint = "https://route53.example";
	c.creds = &creds;
	c.clock = fake_clock;
	err_clear(&err);
	ck_assert_int_eq(r53_zone_get(&c, "Z1", &z, &err), -1);
	ck_assert_str_eq(err.aws_code, "SignatureDoesNotMatch");
	ck_assert_int_eq(err.http_status, 403);
	starts(err.msg, "Route 53 GetHostedZone: SignatureDoesNotMatch: key "
	    "[redacted] token [redacted] yours: AWS4-HMAC-SHA256 ");
	no_secrets(err.msg);
	peer_release(&p);
}
END_TEST

START_TEST(redacted_ses)
{
	struct peer		 p;
	struct http_transport	 http = { peer_send, &p };
	struct ses_client	 c;
	struct ses_identity	 id;
	struct err		 err;

	memset(&p, 0, sizeof(p));
	p.status[0] = 400;
	p.error_type = "BadRequestException";
	p.body = "{\"message\":\"bad key " SECRET " and token " TOKEN
	    "\\nsigned %s " PAD PAD PAD "\"}";
	memset(&c, 0, sizeof(c));
	c.http = &http;
	c.endpoint = "https://email.eu-west-1.amazonaws.com";
	c.region = "eu-west-1";
	c.creds = &creds;
	c.clock = fake_clock;
	err_clear(&err);
	ck_assert_int_eq(ses_identity_get(&c, "example.com", &id, &err), -1);
	ck_assert_str_eq(err.aws_code, "BadRequestException");
	starts(err.msg, "SES GetEmailIdentity: BadRequestException: bad key "
	    "[redacted] and token [redacted] signed AWS4-HMAC-SHA256 ");
	no_secrets(err.msg);
	/* Cut to 300 characters after redaction, with "...". */
	ck_assert_ptr_nonnull(strstr(err.msg, "..."));
	peer_release(&p);
}
END_TEST

START_TEST(redacted_sts)
{
	struct peer		 p;
	struct http_transport	 http = { peer_send, &p };
	struct sts_client	 c = { &http, "https://sts.example", "us-east-1",
				    fake_clock };
	struct sts_assume_role	 ar = { "arn:aws:iam::1:role/r", "s", NULL, 0 };
	struct sts_session	 s;
	struct err		 err;

	memset(&p, 0, sizeof(p));
	p.status[0] = 400;
	p.body = "<html>token " WEBTOKEN " rejected</html>";
	err_clear(&err);
	ck_assert_int_eq(sts_assume_role_web_identity(&c, &ar, WEBTOKEN, &s,
	    &err), -1);
	ck_assert_str_eq(err.msg, "STS AssumeRoleWithWebIdentity: HTTP 400: "
	    "<html>token [redacted] rejected</html>");
	/* Unsigned: the token is the proof. */
	ck_assert_str_eq(p.auth[0], "");
	ck_assert_ptr_nonnull(strstr(p.body_sent[0],
	    "&WebIdentityToken=eyJhbGciOiJSUzI1NiJ9.web-identity"));
	peer_release(&p);

	memset(&p, 0, sizeof(p));
	p.status[0] = 403;
	p.body = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>"
	    "secret " SECRET " %s</Message></Error></ErrorResponse>";
	err_clear(&err);
	ck_assert_int_eq(sts_assume_role(&c, &creds, &ar, &s, &err), -1);
	ck_assert_str_eq(err.aws_code, "AccessDenied");
	no_secrets(err.msg);
	peer_release(&p);
}
END_TEST

START_TEST(redacted_s3)
{
	struct peer		 p;
	struct http_transport	 http = { peer_send, &p };
	struct s3_client	 c;
	struct buf		 b = BUF_INIT;
	struct err		 err;

	memset(&p, 0, sizeof(p));
	p.status[0] = 403;
	p.body = "<p>" SECRET " " TOKEN " %s</p>";
	memset(&c, 0, sizeof(c));
	c.http = &http;
	c.region = "eu-west-1";
	c.creds = &creds;
	c.clock = fake_clock;
	err_clear(&err);
	ck_assert_int_eq(s3_get_object(&c, "bucket", "k", 10, &b, &err), -1);
	ck_assert_str_eq(p.url[0], "https://bucket.s3.eu-west-1.amazonaws.com"
	    "/k");
	starts(err.msg, "S3 GetObject 's3://bucket/k': HTTP 403: <p>[redacted] "
	    "[redacted] AWS4-HMAC-SHA256 ");
	ck_assert_msg(strstr(err.msg, " (needs s3:GetObject)") != NULL, "%s",
	    err.msg);
	no_secrets(err.msg);
	ck_assert_uint_eq(b.len, 0);
	peer_release(&p);
}
END_TEST

/* ---- signing again before each retry ---------------------------------------- */

struct rotating {
	int		 fetches;
};

static int
rotating_fetch(void *ctx, time_t now, struct aws_creds *out,
    time_t *expiration, struct err *err)
{
	struct rotating	*r = ctx;
	char		 key[32];

	(void)err;
	r->fetches++;
	snprintf(key, sizeof(key), "AKID%d", r->fetches);
	out->access_key_id = xstrdup(key);
	out->secret_access_key = xstrdup(SECRET);
	out->session_token = NULL;
	/* Lapses before the next attempt, 10 s later. */
	*expiration = now + AWS_CREDS_REFRESH_S + 5;
	return 0;
}

static double
mono(void *ctx)
{
	(void)ctx;
	return (double)clock_now;
}

static void
no_sleep(void *ctx, unsigned long ms)
{
	(void)ctx;
	(void)ms;
}

static double
half(void *ctx)
{
	(void)ctx;
	return 0.5;
}

START_TEST(resigned_on_retry)
{
	struct peer			 p;
	struct http_transport		 next = { peer_send, &p }, http;
	struct aws_retry		 r;
	struct rotating			 rot = { 0 };
	struct aws_creds_provider	 prov;
	struct http_response		 resp;
	struct aws_call			 c;
	struct err			 err;

	memset(&p, 0, sizeof(p));
	p.status[0] = 503;
	p.body = "<ErrorResponse><Error><Code>ServiceUnavailable</Code>"
	    "</Error></ErrorResponse>";
	memset(&prov, 0, sizeof(prov));
	prov.fetch = rotating_fetch;
	prov.ctx = &rot;
	prov.source = (char *)"test";
	aws_retry_init(&r, &next);
	r.max_attempts = 3;
	r.now = mono;
	r.sleep_ms = no_sleep;
	r.random = half;
	http.send = aws_retry_send;
	http.ctx = &r;
	clock_now = 1767225600;
	call_init(&c, "Route 53 GetChange", AWS_PROTOCOL_REST_XML);
	c.creds = NULL;
	c.creds_provider = &prov;
	err_clear(&err);
	ck_assert_msg(aws_call_send(&http, &c, &resp, &err) == 0, "%s",
	    err.msg);
	http_response_release(&resp);
	ck_assert_uint_eq(p.n, 2);
	/* The provider was asked again, and the retry signed afresh. */
	ck_assert_int_eq(rot.fetches, 2);
	ck_assert_ptr_nonnull(strstr(p.auth[0], "Credential=AKID1/"));
	ck_assert_ptr_nonnull(strstr(p.auth[1], "Credential=AKID2/"));
	ck_assert_str_eq(p.date[0], "20260101T000000Z");
	ck_assert_str_eq(p.date[1], "20260101T000010Z");
	ck_assert_str_ne(p.auth[0], p.auth[1]);
	aws_creds_release(&prov.creds);
	peer_release(&p);
}
END_TEST

/* A retry is signed again: its signature, echoed, is redacted too. */
START_TEST(resigned_signature_redacted)
{
	struct peer		 p;
	struct http_transport	 next = { peer_send, &p }, http;
	struct aws_retry	 r;
	struct http_response	 resp;
	struct aws_call		 c;
	struct err		 err;

	memset(&p, 0, sizeof(p));
	p.status[0] = 503;
	p.status[1] = 403;
	p.body = "<p>you sent %s</p>";
	aws_retry_init(&r, &next);
	r.max_attempts = 3;
	r.now = mono;
	r.sleep_ms = no_sleep;
	r.random = half;
	http.send = aws_retry_send;
	http.ctx = &r;
	clock_now = 1767225600;
	call_init(&c, "Route 53 GetChange", AWS_PROTOCOL_REST_XML);
	err_clear(&err);
	ck_assert_int_eq(aws_call_send(&http, &c, &resp, &err), -1);
	ck_assert_uint_eq(p.n, 2);
	ck_assert_int_eq(err.http_status, 403);
	ck_assert_msg(strstr(err.msg, "Signature=[redacted]") != NULL, "%s",
	    err.msg);
	ck_assert_ptr_null(strstr(err.msg, strstr(p.auth[1], "Signature=") +
	    strlen("Signature=")));
	peer_release(&p);
}
END_TEST

/* The Route 53 client as src/cli builds it for a region: the request goes
 * to the partition's endpoint, or the override, and is signed for the
 * partition's Route 53 region either way. */
static const struct {
	const char	*region;
	const char	*override;
	const char	*url;		/* the start of the request's */
	const char	*scope;		/* of the Credential */
} signed_for[] = {
	{ NULL, NULL, "https://route53.amazonaws.com/2013-04-01/change/C1",
	  "/us-east-1/route53/aws4_request" },
	{ "eu-west-1", NULL, "https://route53.amazonaws.com/",
	  "/us-east-1/route53/aws4_request" },
	{ "cn-north-1", NULL, "https://route53.amazonaws.com.cn/2013-04-01/",
	  "/cn-northwest-1/route53/aws4_request" },
	{ "cn-northwest-1", NULL, "https://route53.amazonaws.com.cn/",
	  "/cn-northwest-1/route53/aws4_request" },
	{ "cn-north-1", "http://127.0.0.1:5000", "http://127.0.0.1:5000/",
	  "/cn-northwest-1/route53/aws4_request" },
	{ "eu-west-1", "http://127.0.0.1:5000", "http://127.0.0.1:5000/",
	  "/us-east-1/route53/aws4_request" },
};

START_TEST(route53_signed_for_partition)
{
	struct peer		 p;
	struct http_transport	 http = { peer_send, &p };
	struct aws_endpoint	 ep;
	struct r53_client	 c;
	struct err		 err;
	char			*status = NULL;

	memset(&p, 0, sizeof(p));
	p.body = "<GetChangeResponse><ChangeInfo><Id>/change/C1</Id>"
	    "<Status>INSYNC</Status></ChangeInfo></GetChangeResponse>";
	err_clear(&err);
	ck_assert_int_eq(aws_endpoint_resolve(AWS_ROUTE53,
	    signed_for[_i].region, signed_for[_i].override, NULL, NULL, &ep,
	    &err), 0);
	memset(&c, 0, sizeof(c));
	c.http = &http;
	c.endpoint = ep.url;
	c.region = ep.region;
	c.creds = &creds;
	c.clock = fake_clock;
	ck_assert_msg(r53_change_status(&c, "C1", &status, &err) == 0, "%s",
	    err.msg);
	ck_assert_str_eq(status, "INSYNC");
	ck_assert_uint_eq(p.n, 1);
	ck_assert_msg(strncmp(p.url[0], signed_for[_i].url,
	    strlen(signed_for[_i].url)) == 0, "%s", p.url[0]);
	ck_assert_msg(strstr(p.auth[0], signed_for[_i].scope) != NULL, "%s",
	    p.auth[0]);
	free(status);
	aws_endpoint_release(&ep);
	peer_release(&p);
}
END_TEST

Suite *
call_suite(void)
{
	Suite	*s = suite_create("call");
	TCase	*tc = tcase_create("call");

	tcase_add_loop_test(tc, endpoint_table, 0,
	    (int)(sizeof(endpoints) / sizeof(endpoints[0])));
	tcase_add_test(tc, endpoint_partitions);
	tcase_add_loop_test(tc, encoder, 0,
	    (int)(sizeof(encodings) / sizeof(encodings[0])));
	tcase_add_test(tc, request_built);
	tcase_add_loop_test(tc, xml_error_codes, 0,
	    (int)(sizeof(xml_errors) / sizeof(xml_errors[0])));
	tcase_add_loop_test(tc, json_error_codes, 0,
	    (int)(sizeof(json_errors) / sizeof(json_errors[0])));
	tcase_add_test(tc, redacted_route53);
	tcase_add_test(tc, redacted_ses);
	tcase_add_test(tc, redacted_sts);
	tcase_add_test(tc, redacted_s3);
	tcase_add_test(tc, resigned_on_retry);
	tcase_add_test(tc, resigned_signature_redacted);
	tcase_add_loop_test(tc, route53_signed_for_partition, 0,
	    (int)(sizeof(signed_for) / sizeof(signed_for[0])));
	suite_add_tcase(s, tc);
	return s;
}
