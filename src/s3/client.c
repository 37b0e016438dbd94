/*
 * client.c - the S3 calls "mailauth report s3://..." makes: ListObjectsV2 and
 * GetObject, each sent through the call core (mailauth/call.h) for
 * service "s3", and their XML read with libxml2's tree API.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/err.h"
#include "mailauth/xml.h"
#include "mailauth/http.h"
#include "mailauth/s3.h"

#define SERVICE		"s3"

/* --- XML --- */

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

	key = xml_text(xml_child(c, "Key"));
	size = xml_text(xml_child(c, "Size"));
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
	t = xml_text(xml_child(r, "IsTruncated"));
	out->truncated = t != NULL && strcmp(t, "true") == 0;
	free(t);
	out->next_token = xml_text(xml_child(r, "NextContinuationToken"));
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

/* --- exchanges --- */

/* What one S3 call is about, for its error line. */
struct about {
	const char	*action;	/* the IAM action AccessDenied means */
};

/* "CODE: MESSAGE" or "HTTP N: EXCERPT", and for a denial the IAM action
 * the call needs. */
static void
explain(const struct aws_call *ac, const struct aws_fault *f,
    struct buf *line)
{
	const struct about	*ab = ac->arg;

	aws_fault_describe(f, line);
	if (strcmp(f->code, "AccessDenied") == 0 ||
	    (*f->code == '\0' && f->status == 403))
		buf_addf(line, " (needs %s)", ab->action);
}

/*
 * One GET of key (may be "") in bucket through the call core, with the
 * parameters as its query: path-style (ENDPOINT/BUCKET/KEY) to a
 * configured endpoint, else virtual-hosted (BUCKET.s3.REGION.SUFFIX/KEY).
 * what names the call in messages ("S3 GetObject 's3://b/k'"), action the
 * IAM action for AccessDenied.  On 0 resp holds a 2xx answer (the caller
 * releases it); on -1 err says why and resp holds nothing.
 */
static int
get(const struct s3_client *c, const char *op, const char *what,
    const char *action, const char *bucket, const char *key,
    const struct aws_param *params, size_t nparams,
    struct http_response *resp, struct err *err)
{
	struct aws_endpoint	 ep;
	struct aws_call		 ac;
	struct about		 ab;
	const char		**path = NULL, *p, *slash;
	char			*label, *prefix = NULL, *copy;
	size_t			 npath = 0;
	int			 rc = -1;

	http_response_init(resp);
	if (aws_endpoint_resolve(AWS_S3, c->region, c->endpoint, NULL, NULL, &ep,
	    err) == -1)
		return err_prefix(err, "%s", what);
	/* The key keeps its '/': each part between them is one segment. */
	copy = xstrdup(key);
	if (ep.configured)
		*(const char **)xappend(&path, &npath, sizeof(*path)) = bucket;
	else
		prefix = xasprintf("%s.", bucket);
	for (p = copy; ; p = slash + 1) {
		if ((slash = strchr(p, '/')) != NULL)
			copy[slash - copy] = '\0';
		*(const char **)xappend(&path, &npath, sizeof(*path)) = p;
		if (slash == NULL)
			break;
	}
	label = xasprintf("S3 %s", op);
	ab.action = action;
	memset(&ac, 0, sizeof(ac));
	ac.service = SERVICE;
	ac.op = label;
	ac.what = what;
	ac.protocol = AWS_PROTOCOL_REST_XML;
	ac.method = "GET";
	ac.idempotent = 1;
	ac.endpoint = ep.url;
	ac.host_prefix = prefix;
	ac.path = path;
	ac.npath = npath;
	/* An empty key: the bucket's own path, ending in '/'. */
	ac.path_dir = *key == '\0' && ep.configured;
	if (*key == '\0')
		ac.npath--;
	ac.params = params;
	ac.nparams = nparams;
	ac.region = c->region;
	ac.creds = c->creds;
	ac.creds_provider = c->creds_provider;
	ac.clock = c->clock;
	ac.message_max = AWS_EXCERPT_MAX;
	ac.explain = explain;
	ac.arg = &ab;
	rc = aws_call_send(c->http, &ac, resp, err);
	free(label);
	free(prefix);
	free(copy);
	free(path);
	aws_endpoint_release(&ep);
	return rc;
}

int
s3_list_objects(const struct s3_client *c, const char *bucket,
    const char *prefix, const char *token, struct s3_list *out,
    struct err *err)
{
	struct http_response	 resp;
	struct aws_param	 params[4];
	struct buf		 what = BUF_INIT;
	char			 max[24];
	size_t			 n = 0;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	params[n++] = (struct aws_param){ "list-type", "2" };
	if (token != NULL)
		params[n++] = (struct aws_param){ "continuation-token", token };
	snprintf(max, sizeof(max), "%d", S3_LIST_MAX_KEYS);
	params[n++] = (struct aws_param){ "max-keys", max };
	if (*prefix != '\0')
		params[n++] = (struct aws_param){ "prefix", prefix };
	buf_addf(&what, "S3 ListObjectsV2 's3://%s/%s'", bucket, prefix);
	if (get(c, "ListObjectsV2", buf_str(&what), "s3:ListBucket", bucket,
	    "", params, n, &resp, err) == -1)
		goto out;
	if (s3_xml_parse_list(resp.body.data, resp.body.len, out, err) == -1)
		err_prefix(err, "%s: unexpected response", buf_str(&what));
	else
		rc = 0;
	http_response_release(&resp);
out:
	buf_release(&what);
	return rc;
}

int
s3_list_next(const struct s3_client *c, struct s3_listing *l,
    struct s3_list *out, struct err *err)
{
	memset(out, 0, sizeof(*out));
	if (l->pages >= S3_LIST_MAX_PAGES)
		return err_set(err, "S3 ListObjectsV2 's3://%s/%s': more than "
		    "%d pages of objects", l->bucket, l->prefix,
		    S3_LIST_MAX_PAGES);
	if (s3_list_objects(c, l->bucket, l->prefix, l->token, out,
	    err) == -1)
		return -1;
	l->pages++;
	free(l->token);
	l->token = out->truncated ? xstrdup(out->next_token) : NULL;
	l->done = l->token == NULL;
	return 0;
}

void
s3_listing_release(struct s3_listing *l)
{
	free(l->token);
	l->token = NULL;
}

int
s3_get_object(const struct s3_client *c, const char *bucket, const char *key,
    uint64_t max, struct buf *out, struct err *err)
{
	struct http_response	 resp;
	struct buf		 what = BUF_INIT;
	int			 rc = -1;

	buf_addf(&what, "S3 GetObject 's3://%s/%s'", bucket, key);
	if (get(c, "GetObject", buf_str(&what), "s3:GetObject", bucket, key,
	    NULL, 0, &resp, err) == -1)
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
	buf_release(&what);
	return rc;
}
