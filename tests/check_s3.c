/*
 * check_s3.c - the S3 client reading reports: s3:// URLs, recorded
 * ListObjectsV2 and error XML, and the requests it sends (path-style with
 * an endpoint, virtual-hosted without, continuation tokens, SigV4 for s3
 * with X-Amz-Content-Sha256), replayed through the transport hook.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/s3.h"

#define NOW	1799884800	/* 2027-01-14T00:00:00Z */

static const char PAGE1[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
    "<Name>dmarc-in</Name><Prefix>rua/</Prefix><KeyCount>2</KeyCount>"
    "<MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>"
    "<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM="
    "</NextContinuationToken>"
    "<Contents><Key>rua/google.com!example.com!1.xml.gz</Key>"
    "<LastModified>2027-01-13T10:00:00.000Z</LastModified>"
    "<ETag>&quot;x&quot;</ETag><Size>1043</Size>"
    "<StorageClass>STANDARD</StorageClass></Contents>"
    "<Contents><Key>rua/ses/0a1b</Key><Size>70011</Size></Contents>"
    "</ListBucketResult>";

static const char PAGE2[] =
    "<ListBucketResult><IsTruncated>false</IsTruncated>"
    "<Contents><Key>rua/z.xml</Key><Size>0</Size></Contents>"
    "</ListBucketResult>";

static const char DENIED[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
    "<RequestId>R1</RequestId></Error>";

static const char NOTOKEN[] =
    "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>";
static const char BADSIZE[] =
    "<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents>"
    "</ListBucketResult>";
static const char DTD[] =
    "<!DOCTYPE x [<!ENTITY a \"b\">]><ListBucketResult/>";

static time_t
fake_clock(void)
{
	return NOW;
}

struct exchange {
	const char	*url;
	long		 status;
	const char	*body;
};

struct replay {
	const struct exchange	*x;
	size_t			 n, done;
};

static int
replay_send(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct replay		*r = ctx;
	const struct exchange	*x;
	const char		*auth;

	(void)err;
	ck_assert_msg(r->done < r->n, "unexpected request %s", req->url);
	x = &r->x[r->done++];
	ck_assert_str_eq(req->method, "GET");
	ck_assert_str_eq(req->url, x->url);
	ck_assert_int_eq(req->idempotent, 1);
	auth = http_request_header_get(req, "Authorization");
	ck_assert_ptr_nonnull(auth);
	ck_assert_ptr_nonnull(strstr(auth, "/us-west-2/s3/aws4_request"));
	ck_assert_ptr_nonnull(strstr(auth, "x-amz-content-sha256"));
	ck_assert_str_eq(http_request_header_get(req, "X-Amz-Content-Sha256"),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	resp->status = x->status;
	buf_adds(&resp->body, x->body);
	return 0;
}

struct fixture {
	struct replay		replay;
	struct http_transport	http;
	struct aws_creds	creds;
	struct s3_client	c;
	struct err		err;
};

static void
setup(struct fixture *f, const struct exchange *x, size_t n,
    const char *endpoint)
{
	memset(f, 0, sizeof(*f));
	f->replay.x = x;
	f->replay.n = n;
	f->http.send = replay_send;
	f->http.ctx = &f->replay;
	f->creds.access_key_id = (char *)"AKIDEXAMPLE";
	f->creds.secret_access_key = (char *)"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
	f->c.http = &f->http;
	f->c.endpoint = endpoint;
	f->c.region = "us-west-2";
	f->c.creds = &f->creds;
	f->c.clock = fake_clock;
	err_clear(&f->err);
}

START_TEST(s3_url)
{
	char		*b, *p;
	struct err	 err;

	ck_assert_int_eq(s3_url_parse("s3://dmarc-in/rua/x", &b, &p, NULL), 0);
	ck_assert_str_eq(b, "dmarc-in");
	ck_assert_str_eq(p, "rua/x");
	free(b);
	free(p);
	ck_assert_int_eq(s3_url_parse("s3://dmarc.in", &b, &p, NULL), 0);
	ck_assert_str_eq(p, "");
	free(b);
	free(p);
	err_clear(&err);
	ck_assert_int_eq(s3_url_parse("s3://Dmarc/x", &b, &p, &err), -1);
	ck_assert_ptr_null(b);
	ck_assert_str_eq(err.msg, "'s3://Dmarc/x': 'Dmarc' is not an S3 "
	    "bucket name (3 to 63 lower-case letters, digits, '.' and '-')");
	ck_assert_int_eq(s3_url_parse("s3://ab/", &b, &p, NULL), -1);
	ck_assert_int_eq(s3_url_parse("s3://-ab/", &b, &p, NULL), -1);
	ck_assert_int_eq(s3_url_parse("https://x/y", &b, &p, NULL), -1);
}
END_TEST

START_TEST(s3_xml)
{
	struct s3_list	 l;
	struct err	 err;
	char		*code, *msg;

	ck_assert_int_eq(s3_xml_parse_list(PAGE1, strlen(PAGE1), &l, NULL), 0);
	ck_assert_uint_eq(l.nobjects, 2);
	ck_assert_str_eq(l.objects[0].key,
	    "rua/google.com!example.com!1.xml.gz");
	ck_assert_uint_eq(l.objects[0].size, 1043);
	ck_assert_uint_eq(l.objects[1].size, 70011);
	ck_assert_int_eq(l.truncated, 1);
	ck_assert_str_eq(l.next_token,
	    "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=");
	s3_list_release(&l);
	err_clear(&err);
	ck_assert_int_eq(s3_xml_parse_list(NOTOKEN, strlen(NOTOKEN), &l,
	    &err), -1);
	ck_assert_str_eq(err.msg, "IsTruncated without NextContinuationToken");
	ck_assert_int_eq(s3_xml_parse_list(BADSIZE, strlen(BADSIZE), &l,
	    &err), -1);
	ck_assert_str_eq(err.msg, "Contents 'k' has no valid Size");
	ck_assert_int_eq(s3_xml_parse_list(DTD, strlen(DTD), &l, &err), -1);
	ck_assert_str_eq(err.msg, "unexpected DTD in response");
	ck_assert_int_eq(aws_xml_error_parse(DENIED, strlen(DENIED), &code,
	    &msg), 0);
	ck_assert_str_eq(code, "AccessDenied");
	ck_assert_str_eq(msg, "Access Denied");
	free(code);
	free(msg);
	ck_assert_int_eq(aws_xml_error_parse("<html/>", 7, &code, &msg), -1);
}
END_TEST

START_TEST(s3_list_pages_path_style)
{
	static const struct exchange	 x[] = {
		{ "http://127.0.0.1:5000/dmarc-in/?list-type=2&max-keys=1000"
		  "&prefix=rua%2F", 200, PAGE1 },
		{ "http://127.0.0.1:5000/dmarc-in/?list-type=2&continuation-"
		  "token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D"
		  "&max-keys=1000&prefix=rua%2F", 200, PAGE2 },
		{ "http://127.0.0.1:5000/dmarc-in/rua/google.com%21example.com"
		  "%211.xml.gz", 200, "<feedback/>" },
	};
	struct fixture	 f;
	struct s3_list	 l, l2;
	struct buf	 b = BUF_INIT;

	setup(&f, x, 3, "http://127.0.0.1:5000/");
	ck_assert_int_eq(s3_list_objects(&f.c, "dmarc-in", "rua/", NULL, &l,
	    &f.err), 0);
	ck_assert_uint_eq(l.nobjects, 2);
	ck_assert_int_eq(s3_list_objects(&f.c, "dmarc-in", "rua/",
	    l.next_token, &l2, &f.err), 0);
	ck_assert_uint_eq(l2.nobjects, 1);
	ck_assert_int_eq(l2.truncated, 0);
	ck_assert_ptr_null(l2.next_token);
	s3_list_release(&l);
	s3_list_release(&l2);
	ck_assert_int_eq(s3_get_object(&f.c, "dmarc-in",
	    "rua/google.com!example.com!1.xml.gz", 100, &b, &f.err), 0);
	ck_assert_str_eq(buf_str(&b), "<feedback/>");
	buf_release(&b);
	ck_assert_uint_eq(f.replay.done, 3);
}
END_TEST

static const char ENDLESS[] =
    "<ListBucketResult><IsTruncated>true</IsTruncated>"
    "<NextContinuationToken>t</NextContinuationToken>"
    "<Contents><Key>rua/a</Key><Size>1</Size></Contents>"
    "</ListBucketResult>";

/* s3_list_next() reads every page, and stops a listing that never ends
 * after S3_LIST_MAX_PAGES pages without asking for one more. */
START_TEST(s3_list_next_pages_capped)
{
	struct exchange		*x;
	struct fixture		 f;
	struct s3_listing	 ls;
	struct s3_list		 page;
	size_t			 i, n = S3_LIST_MAX_PAGES;
	int			 rc;

	x = xcalloc(n, sizeof(*x));
	x[0].url = "http://127.0.0.1:5000/dmarc-in/?list-type=2&max-keys=1000"
	    "&prefix=rua%2F";
	for (i = 0; i < n; i++) {
		if (i > 0)
			x[i].url = "http://127.0.0.1:5000/dmarc-in/?list-type=2"
			    "&continuation-token=t&max-keys=1000&prefix=rua%2F";
		x[i].status = 200;
		x[i].body = ENDLESS;
	}
	setup(&f, x, n, "http://127.0.0.1:5000/");
	memset(&ls, 0, sizeof(ls));
	ls.bucket = "dmarc-in";
	ls.prefix = "rua/";
	do {
		rc = s3_list_next(&f.c, &ls, &page, &f.err);
		if (rc == 0) {
			ck_assert_uint_eq(page.nobjects, 1);
			s3_list_release(&page);
		}
	} while (rc == 0 && !ls.done);
	ck_assert_int_eq(rc, -1);
	ck_assert_str_eq(f.err.msg, "S3 ListObjectsV2 's3://dmarc-in/rua/': "
	    "more than 10000 pages of objects");
	ck_assert_uint_eq(f.replay.done, S3_LIST_MAX_PAGES);
	ck_assert_uint_eq(ls.pages, S3_LIST_MAX_PAGES);
	s3_listing_release(&ls);

	/* A listing that ends: done after its last page. */
	setup(&f, (const struct exchange[]){
		{ "http://127.0.0.1:5000/dmarc-in/?list-type=2&max-keys=1000"
		  "&prefix=rua%2F", 200, PAGE1 },
		{ "http://127.0.0.1:5000/dmarc-in/?list-type=2&continuation-"
		  "token=1ueGcxLPRx1Tr%2FXYExHnhbYLgveDs2J%2Fwm36Hy4vbOwM%3D"
		  "&max-keys=1000&prefix=rua%2F", 200, PAGE2 } }, 2,
	    "http://127.0.0.1:5000/");
	memset(&ls, 0, sizeof(ls));
	ls.bucket = "dmarc-in";
	ls.prefix = "rua/";
	ck_assert_int_eq(s3_list_next(&f.c, &ls, &page, &f.err), 0);
	ck_assert_int_eq(ls.done, 0);
	s3_list_release(&page);
	ck_assert_int_eq(s3_list_next(&f.c, &ls, &page, &f.err), 0);
	ck_assert_int_eq(ls.done, 1);
	ck_assert_uint_eq(page.nobjects, 1);
	s3_list_release(&page);
	s3_listing_release(&ls);
	free(x);
}
END_TEST

START_TEST(s3_errors_virtual_hosted)
{
	static const struct exchange	 x[] = {
		{ "https://dmarc-in.s3.us-west-2.amazonaws.com/?list-type=2"
		  "&max-keys=1000", 403, DENIED },
		{ "https://dmarc-in.s3.us-west-2.amazonaws.com/k", 403, DENIED },
		{ "https://dmarc-in.s3.us-west-2.amazonaws.com/k", 404,
		  "<Error><Code>NoSuchKey</Code><Message>The specified key "
		  "does not exist.</Message></Error>" },
		{ "https://dmarc-in.s3.us-west-2.amazonaws.com/k", 200,
		  "0123456789" },
	};
	struct fixture	 f;
	struct s3_list	 l;
	struct buf	 b = BUF_INIT;

	setup(&f, x, 4, NULL);
	ck_assert_int_eq(s3_list_objects(&f.c, "dmarc-in", "", NULL, &l,
	    &f.err), -1);
	ck_assert_str_eq(f.err.msg, "S3 ListObjectsV2 's3://dmarc-in/': "
	    "AccessDenied: Access Denied (needs s3:ListBucket)");
	ck_assert_str_eq(f.err.aws_code, "AccessDenied");
	ck_assert_int_eq(f.err.http_status, 403);
	ck_assert_int_eq(s3_get_object(&f.c, "dmarc-in", "k", 100, &b,
	    &f.err), -1);
	ck_assert_str_eq(f.err.msg, "S3 GetObject 's3://dmarc-in/k': "
	    "AccessDenied: Access Denied (needs s3:GetObject)");
	ck_assert_int_eq(s3_get_object(&f.c, "dmarc-in", "k", 100, &b,
	    &f.err), -1);
	ck_assert_str_eq(f.err.msg, "S3 GetObject 's3://dmarc-in/k': "
	    "NoSuchKey: The specified key does not exist.");
	/* A body over the bound, whatever the listing said. */
	ck_assert_int_eq(s3_get_object(&f.c, "dmarc-in", "k", 9, &b,
	    &f.err), -1);
	ck_assert_str_eq(f.err.msg, "S3 GetObject 's3://dmarc-in/k': the "
	    "object is larger than 9 bytes");
	ck_assert_uint_eq(b.len, 0);
	buf_release(&b);
}
END_TEST

Suite *
s3_suite(void)
{
	Suite	*s = suite_create("s3");
	TCase	*tc = tcase_create("s3");

	tcase_add_test(tc, s3_url);
	tcase_add_test(tc, s3_xml);
	tcase_add_test(tc, s3_list_pages_path_style);
	tcase_add_test(tc, s3_list_next_pages_capped);
	tcase_add_test(tc, s3_errors_virtual_hosted);
	suite_add_tcase(s, tc);
	return s;
}
