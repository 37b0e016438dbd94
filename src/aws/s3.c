/*
 * s3.c - the S3 calls "mailauth report s3://..." makes: ListObjectsV2 and
 * GetObject, each signed with SigV4 (service "s3"), sent through the
 * retrying transport, and their XML read with libxml2's tree API.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/xml.h"
#include "mailauth/http.h"
#include "mailauth/s3.h"
#include "mailauth/sigv4.h"

#ifndef MAILAUTH_VERSION
#define MAILAUTH_VERSION	"dev"
#endif

#define SERVICE		"s3"
#define EXCERPT_MAX	200

/* --- XML --- */





/* The text of n, malloc'd, or NULL when n is NULL. */
static char *
text(const xmlNode *n)
{
	xmlChar	*t;
	char	*s;

	if (n == NULL)
		return NULL;
	t = xmlNodeGetContent(n);
	s = xstrdup(t != NULL ? (const char *)t : "");
	xmlFree(t);
	return s;
}

void
s3_list_release(struct s3_list *l)
{
	size_t	 i;

	for (i = 0; i < l->nobjects; i++)
		free(l->objects[i].key);
	free(l->objects);
	free(l->next_token);
	memset(l, 0, sizeof(*l));
}

/* A decimal size of at most 20 digits. */
static int
size_parse(const char *s, uint64_t *out)
{
	uint64_t	 v = 0;

	if (*s == '\0' || strlen(s) > 19)
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	*out = v;
	return 0;
}

static int
one_object(const xmlNode *c, struct s3_list *out, struct err *err)
{
	struct s3_object	*o;
	char			*key, *size;
	uint64_t		 n;
	int			 rc = -1;

	key = text(xml_child(c, "Key"));
	size = text(xml_child(c, "Size"));
	if (key == NULL || *key == '\0')
		err_set(err, "a Contents without Key");
	else if (size == NULL || size_parse(size, &n) == -1)
		err_set(err, "Contents '%.100s' has no valid Size", key);
	else {
		o = xappend(&out->objects, &out->nobjects,
		    sizeof(*out->objects));
		o->key = key;
		o->size = n;
		key = NULL;
		rc = 0;
	}
	free(key);
	free(size);
	return rc;
}

int
s3_xml_parse_list(const char *xml, size_t len, struct s3_list *out,
    struct err *err)
{
	xmlDoc	*doc;
	xmlNode	*r, *n;
	char	*t;
	int	 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((doc = xml_parse_untrusted(xml, len, 0, err)) == NULL)
		return -1;
	r = xmlDocGetRootElement(doc);
	if (!xml_named(r, "ListBucketResult")) {
		err_set(err, "not a ListBucketResult");
		goto out;
	}
	for (n = r->children; n != NULL; n = n->next)
		if (xml_named(n, "Contents") && one_object(n, out, err) == -1)
			goto out;
	t = text(xml_child(r, "IsTruncated"));
	out->truncated = t != NULL && strcmp(t, "true") == 0;
	free(t);
	out->next_token = text(xml_child(r, "NextContinuationToken"));
	if (out->next_token != NULL && *out->next_token == '\0') {
		free(out->next_token);
		out->next_token = NULL;
	}
	if (out->truncated && out->next_token == NULL) {
		err_set(err, "IsTruncated without NextContinuationToken");
		goto out;
	}
	rc = 0;
out:
	if (rc == -1)
		s3_list_release(out);
	xmlFreeDoc(doc);
	return rc;
}

int
s3_xml_parse_error(const char *xml, size_t len, char **code, char **message)
{
	xmlDoc	*doc;
	xmlNode	*r;
	int	 rc = -1;

	*code = *message = NULL;
	if (xml == NULL || len == 0 ||
	    (doc = xml_parse_untrusted(xml, len, 0, NULL)) == NULL)
		return -1;
	r = xmlDocGetRootElement(doc);
	if (xml_named(r, "Error") && (*code = text(xml_child(r, "Code"))) != NULL &&
	    **code != '\0') {
		*message = text(xml_child(r, "Message"));
		if (*message == NULL)
			*message = xstrdup("");
		rc = 0;
	} else {
		free(*code);
		*code = NULL;
	}
	xmlFreeDoc(doc);
	return rc;
}

/* --- names --- */

static int
bucket_ok(const char *b, size_t n)
{
	size_t	 i;

	if (n < 3 || n > 63)
		return 0;
	for (i = 0; i < n; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') ||
		    (b[i] >= '0' && b[i] <= '9') || b[i] == '.' || b[i] == '-'))
			return 0;
	return b[0] != '.' && b[0] != '-' && b[n - 1] != '.' &&
	    b[n - 1] != '-';
}

int
s3_url_parse(const char *src, char **bucket, char **prefix, struct err *err)
{
	const char	*b, *slash;
	size_t		 n;

	*bucket = *prefix = NULL;
	if (strncmp(src, "s3://", 5) != 0)
		return err_set(err, "'%.200s' is not an s3://BUCKET/PREFIX URL",
		    src);
	b = src + 5;
	slash = strchr(b, '/');
	n = slash != NULL ? (size_t)(slash - b) : strlen(b);
	if (!bucket_ok(b, n))
		return err_set(err, "'%.200s': '%.*s' is not an S3 bucket name "
		    "(3 to 63 lower-case letters, digits, '.' and '-')", src,
		    (int)(n > 63 ? 63 : n), b);
	*bucket = xstrndup(b, n);
	*prefix = xstrdup(slash != NULL ? slash + 1 : "");
	return 0;
}

/* Appends s percent-encoded as RFC 3986 wants a query value or a path
 * (keep_slash): every byte but A-Z a-z 0-9 - . _ ~ as %XX. */
static void
add_encoded(struct buf *b, const char *s, int keep_slash)
{
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~' || (keep_slash && *p == '/'))
			buf_addc(b, (char)*p);
		else
			buf_addf(b, "%%%02X", *p);
	}
}

/* The URL of key (may be "") in bucket, without a query. */
static void
object_url(const struct s3_client *c, const char *bucket, const char *key,
    struct buf *url)
{
	size_t	 n;

	if (c->endpoint != NULL) {
		n = strlen(c->endpoint);
		while (n > 0 && c->endpoint[n - 1] == '/')
			n--;
		buf_add(url, c->endpoint, n);
		buf_addf(url, "/%s/", bucket);
	} else
		buf_addf(url, "https://%s.s3.%s.amazonaws.com%s/", bucket,
		    c->region, strncmp(c->region, "cn-", 3) == 0 ? ".cn" : "");
	add_encoded(url, key, 1);
}

/* --- exchanges --- */

static int
sign(void *arg, struct http_request *req, struct err *err)
{
	const struct s3_client	*c = arg;
	const struct aws_creds	*creds = c->creds;
	time_t			 now = c->clock();

	if (c->creds_provider != NULL && aws_creds_provider_get(
	    c->creds_provider, now, &creds, err) == -1)
		return -1;
	return sigv4_sign_request(req, creds, c->region, SERVICE, now, err);
}

static int
error_code(const struct http_response *resp, char *code, size_t size)
{
	char	*c = NULL, *m = NULL;

	if (s3_xml_parse_error(resp->body.data, resp->body.len, &c, &m) == -1)
		return -1;
	snprintf(code, size, "%s", c);
	free(c);
	free(m);
	return 0;
}

/*
 * The error of a response that is not 2xx: "S3 OP 'SRC': Code: Message",
 * and for AccessDenied the IAM action the call needs.  A HEAD-like answer
 * without a body (GetObject of a missing key answers with one) is named
 * by its status.
 */
static void
response_error(const char *what, const char *action,
    const struct http_response *resp, const char *const *sec, size_t nsec,
    struct err *err)
{
	struct buf	 b = BUF_INIT;
	char		*code = NULL, *msg = NULL;

	buf_addf(&b, "%s: ", what);
	if (s3_xml_parse_error(resp->body.data, resp->body.len, &code,
	    &msg) == 0) {
		buf_add_clean(&b, code, strlen(code), sec, nsec, 100);
		if (*msg != '\0') {
			buf_adds(&b, ": ");
			buf_add_clean(&b, msg, strlen(msg), sec, nsec,
			    EXCERPT_MAX);
		}
		if (strcmp(code, "AccessDenied") == 0)
			buf_addf(&b, " (needs %s)", action);
	} else {
		buf_addf(&b, "HTTP %ld", resp->status);
		if (resp->body.len > 0) {
			buf_adds(&b, ": ");
			buf_add_clean(&b, resp->body.data, resp->body.len, sec,
			    nsec, EXCERPT_MAX);
		}
		if (resp->status == 403)
			buf_addf(&b, " (needs %s)", action);
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
}

/*
 * One GET of url, signed.  what names the call in messages ("S3 GetObject
 * 's3://b/k'"), action the IAM action for AccessDenied.  On 0 resp holds a
 * 2xx answer (the caller releases it); on -1 err says why and resp holds
 * nothing.
 */
static int
get(const struct s3_client *c, const char *op, const char *what,
    const char *action, const char *url, struct http_response *resp,
    struct err *err)
{
	struct http_request	 req;
	const struct aws_creds	*creds;
	const char		*sec[3], *auth;
	size_t			 nsec = 0;
	int			 rc = -1;

	http_response_init(resp);
	if (err != NULL) {
		err->http_status = 0;
		err->aws_code[0] = '\0';
	}
	http_request_init(&req, "GET", url);
	http_request_header_set(&req, "User-Agent",
	    "mailauth/" MAILAUTH_VERSION);
	req.op = xasprintf("S3 %s", op);
	req.idempotent = 1;
	req.sign = sign;
	req.sign_arg = (void *)c;
	req.error_code = error_code;
	if (sign((void *)c, &req, err) == -1) {
		err_prefix(err, "%s", what);
		goto out;
	}
	if (c->http->send(c->http->ctx, &req, resp, err) == -1) {
		err_prefix(err, "%s", what);
		goto out;
	}
	if (resp->status >= 200 && resp->status <= 299) {
		rc = 0;
		goto out;
	}
	creds = c->creds_provider != NULL ? &c->creds_provider->creds :
	    c->creds;
	if (creds != NULL) {
		sec[nsec++] = creds->secret_access_key;
		sec[nsec++] = creds->session_token;
	}
	if ((auth = http_request_header_get(&req, "Authorization")) != NULL &&
	    (auth = strstr(auth, "Signature=")) != NULL)
		sec[nsec++] = auth + strlen("Signature=");
	response_error(what, action, resp, sec, nsec, err);
out:
	if (rc == -1) {
		http_response_release(resp);
		http_response_init(resp);
	}
	http_request_release(&req);
	return rc;
}

int
s3_list_objects(const struct s3_client *c, const char *bucket,
    const char *prefix, const char *token, struct s3_list *out,
    struct err *err)
{
	struct http_response	 resp;
	struct buf		 url = BUF_INIT, what = BUF_INIT;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	object_url(c, bucket, "", &url);
	buf_adds(&url, "?list-type=2");
	if (token != NULL) {
		buf_adds(&url, "&continuation-token=");
		add_encoded(&url, token, 0);
	}
	buf_addf(&url, "&max-keys=%d", S3_LIST_MAX_KEYS);
	if (*prefix != '\0') {
		buf_adds(&url, "&prefix=");
		add_encoded(&url, prefix, 0);
	}
	buf_addf(&what, "S3 ListObjectsV2 's3://%s/%s'", bucket, prefix);
	if (get(c, "ListObjectsV2", buf_str(&what), "s3:ListBucket",
	    buf_str(&url), &resp, err) == -1)
		goto out;
	if (s3_xml_parse_list(resp.body.data, resp.body.len, out, err) == -1)
		err_prefix(err, "%s: unexpected response", buf_str(&what));
	else
		rc = 0;
	http_response_release(&resp);
out:
	buf_release(&url);
	buf_release(&what);
	return rc;
}

int
s3_get_object(const struct s3_client *c, const char *bucket, const char *key,
    uint64_t max, struct buf *out, struct err *err)
{
	struct http_response	 resp;
	struct buf		 url = BUF_INIT, what = BUF_INIT;
	int			 rc = -1;

	object_url(c, bucket, key, &url);
	buf_addf(&what, "S3 GetObject 's3://%s/%s'", bucket, key);
	if (get(c, "GetObject", buf_str(&what), "s3:GetObject",
	    buf_str(&url), &resp, err) == -1)
		goto out;
	if ((uint64_t)resp.body.len > max)
		err_set(err, "%s: the object is larger than %llu bytes",
		    buf_str(&what), (unsigned long long)max);
	else {
		buf_add(out, resp.body.data != NULL ? resp.body.data : "",
		    resp.body.len);
		rc = 0;
	}
	http_response_release(&resp);
out:
	buf_release(&url);
	buf_release(&what);
	return rc;
}
