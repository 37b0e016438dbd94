/*
 * call.c - the one AWS call path: endpoint resolution over the partition
 * table, the request built from a struct aws_call (URL, query or form
 * encoded once, User-Agent), SigV4 signing before the first attempt and
 * each retry, the error code of each protocol for the retrying transport,
 * and the error line of a failed call with every secret redacted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/sigv4.h"
#include "mailauth/xml.h"

#ifndef MAILAUTH_VERSION
#define MAILAUTH_VERSION	"dev"
#endif

#define USER_AGENT	"mailauth/" MAILAUTH_VERSION
#define FORM_TYPE	"application/x-www-form-urlencoded; charset=utf-8"
#define REGION_MAX	64
#define NSECRETS_OWN	3	/* secret key, session token, signature */

/* ---- endpoints ----------------------------------------------------------- */

/* The first row whose prefix starts the region wins; "aws" is last. */
static const struct aws_partition partitions[] = {
	{ "aws-cn", "cn-", "amazonaws.com.cn", "route53.amazonaws.com.cn",
	  "cn-northwest-1" },
	{ "aws-us-gov", "us-gov-", "amazonaws.com",
	  "route53.us-gov.amazonaws.com", "us-gov-west-1" },
	{ "aws", "", "amazonaws.com", "route53.amazonaws.com", "us-east-1" },
};

/* Each service (by enum aws_service): its AWS_ENDPOINT_URL_ variable and
 * the first label of its regional host (NULL: Route 53's global one). */
static const struct {
	const char	*env;
	const char	*host;
} services[] = {
	[AWS_ROUTE53] = { "AWS_ENDPOINT_URL_ROUTE_53", NULL },
	[AWS_SESV2] = { "AWS_ENDPOINT_URL_SESV2", "email" },
	[AWS_STS] = { "AWS_ENDPOINT_URL_STS", "sts" },
	[AWS_S3] = { "AWS_ENDPOINT_URL_S3", "s3" },
};

const struct aws_partition *
aws_partition_of(const char *region)
{
	size_t	 i;

	for (i = 0; region != NULL &&
	    i < sizeof(partitions) / sizeof(partitions[0]) - 1; i++)
		if (strncmp(region, partitions[i].region_prefix,
		    strlen(partitions[i].region_prefix)) == 0)
			return &partitions[i];
	return &partitions[sizeof(partitions) / sizeof(partitions[0]) - 1];
}

static int
region_ok(const char *region, struct err *err)
{
	const char	*p;

	if (region == NULL || *region == '\0' || strlen(region) > REGION_MAX)
		return err_set(err, "'%s' is not an AWS region",
		    region != NULL ? region : "");
	for (p = region; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return err_set(err, "'%.64s' is not an AWS region",
			    region);
	return 0;
}

/* The variable through env, or NULL when unset or empty. */
static const char *
env_get(const char *(*env)(void *, const char *), void *ctx,
    const char *name)
{
	const char	*v;

	if (env == NULL || (v = env(ctx, name)) == NULL || *v == '\0')
		return NULL;
	return v;
}

int
aws_endpoint_resolve(enum aws_service i, const char *region,
    const char *explicit_url, const char *(*env)(void *, const char *),
    void *env_ctx, struct aws_endpoint *out, struct err *err)
{
	const struct aws_partition	*pt;
	const char			*v, *url = explicit_url;
	size_t				 n;

	memset(out, 0, sizeof(*out));
	v = env_get(env, env_ctx, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	if (url == NULL && (v == NULL || strcasecmp(v, "true") != 0) &&
	    (url = env_get(env, env_ctx, services[i].env)) == NULL)
		url = env_get(env, env_ctx, "AWS_ENDPOINT_URL");
	pt = aws_partition_of(region);
	if (services[i].host != NULL && region_ok(region, err) == -1)
		return -1;
	if (url != NULL) {
		out->url = xstrdup(url);
		out->configured = 1;
	} else if (services[i].host == NULL)
		out->url = xasprintf("https://%s", pt->route53_host);
	else
		out->url = xasprintf("https://%s.%s.%s", services[i].host,
		    region, pt->dns_suffix);
	n = strlen(out->url);
	while (n > 0 && out->url[n - 1] == '/')
		out->url[--n] = '\0';
	out->region = services[i].host == NULL ? pt->route53_region : region;
	return 0;
}

void
aws_endpoint_release(struct aws_endpoint *ep)
{
	free(ep->url);
	memset(ep, 0, sizeof(*ep));
}

/* ---- error bodies -------------------------------------------------------- */

/* The older InvalidChangeBatch body: every Messages/Message, joined. */
static char *
joined_messages(const xmlNode *root)
{
	struct buf	 b = BUF_INIT;
	xmlNode		*m;
	char		*t;

	for (m = xml_child(xml_child(root, "Messages"), "Message"); m != NULL;
	    m = m->next) {
		if (!xml_named(m, "Message"))
			continue;
		t = xml_text(m);
		buf_addf(&b, "%s%s", b.len > 0 ? "; " : "", t);
		free(t);
	}
	if (b.len == 0)
		return xml_text(xml_child(root, "Message"));
	return buf_detach(&b);
}

int
aws_xml_error_parse(const char *xml, size_t len, char **code,
    char **message)
{
	xmlDoc	*doc;
	xmlNode	*root, *e = NULL;
	int	 rc = -1;

	*code = *message = NULL;
	if (xml == NULL || len == 0 || (doc = xml_parse_untrusted(xml, len,
	    XML_PARSE_NODICT, NULL)) == NULL)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (xml_named(root, "ErrorResponse"))
		e = xml_child(root, "Error");
	else if (xml_named(root, "Error"))
		e = root;
	else if (xml_named(root, "InvalidChangeBatch")) {
		*code = xstrdup("InvalidChangeBatch");
		*message = joined_messages(root);
	}
	if (e != NULL) {
		*code = xml_text(xml_child(e, "Code"));
		*message = xml_text(xml_child(e, "Message"));
	}
	if (*code == NULL || **code == '\0')
		goto out;
	if (*message == NULL)
		*message = xstrdup("");
	rc = 0;
out:
	if (rc == -1) {
		free(*code);
		free(*message);
		*code = *message = NULL;
	}
	xml_free_wiped(doc);
	return rc;
}

/* The error code hook of an XML protocol (http_request.error_code). */
static int
xml_error_code(const struct http_response *resp, char *code, size_t size)
{
	char	*c = NULL, *m = NULL;

	if (aws_xml_error_parse(resp->body.data, resp->body.len, &c,
	    &m) == -1)
		return -1;
	snprintf(code, size, "%s", c);
	free(c);
	free(m);
	return 0;
}

/* The body's string member key, or NULL. */
static const char *
json_string(const cJSON *root, const char *key)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(root, key);

	return v != NULL && cJSON_IsString(v) ? v->valuestring : NULL;
}

int
aws_json_error_code(const struct http_response *resp, char *code,
    size_t size)
{
	const char	*v = http_response_header_get(resp, "x-amzn-ErrorType");
	cJSON		*root = NULL;
	const char	*p;

	if (v == NULL || *v == '\0') {
		root = cJSON_ParseWithLength(resp->body.data, resp->body.len);
		if (root != NULL && cJSON_IsObject(root) &&
		    cJSON_GetObjectItemCaseSensitive(root, "__type") != NULL)
			v = json_string(root, "__type");
		else if (root != NULL && cJSON_IsObject(root))
			v = json_string(root, "code");
	}
	if (v == NULL || *v == '\0') {
		cJSON_Delete(root);
		return -1;
	}
	if ((p = strrchr(v, '#')) != NULL)
		v = p + 1;
	snprintf(code, size, "%.*s", (int)strcspn(v, ":"), v);
	cJSON_Delete(root);
	return 0;
}

/* The "message" (or "Message") of a JSON body, malloc'd, or NULL. */
static char *
json_message(const char *body, size_t len)
{
	cJSON		*root;
	const char	*m = NULL;
	char		*s = NULL;

	root = cJSON_ParseWithLength(body, len);
	if (root != NULL && cJSON_IsObject(root)) {
		if (cJSON_GetObjectItemCaseSensitive(root, "message") != NULL)
			m = json_string(root, "message");
		else
			m = json_string(root, "Message");
	}
	if (m != NULL)
		s = xstrdup(m);
	cJSON_Delete(root);
	return s;
}

/* ---- the request --------------------------------------------------------- */

/* Signs req for the call at the call's time: the first attempt, and each
 * retry (the transport's req->sign hook). */
static int
sign(void *arg, struct http_request *req, struct err *err)
{
	const struct aws_call	*c = arg;
	struct aws_creds	 copy;
	time_t			 now = c->clock();
	int			 rc;

	if (c->creds_provider == NULL)
		return sigv4_sign_request(req, c->creds, c->region, c->service,
		    now, err);
	/* A provider's credentials are refreshed before they lapse; a copy,
	 * because another thread may refresh a shared provider meanwhile. */
	if (aws_creds_provider_copy(c->creds_provider, now, &copy, err) == -1)
		return -1;
	rc = sigv4_sign_request(req, &copy, c->region, c->service, now, err);
	aws_creds_release(&copy);
	return rc;
}

/* The parameters, "n=v&n=v", each half encoded. */
static void
add_params(struct buf *b, const struct aws_param *p, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(b, '&');
		buf_add_encoded(b, p[i].name, strlen(p[i].name), 0);
		buf_addc(b, '=');
		buf_add_encoded(b, p[i].value, strlen(p[i].value), 0);
	}
}

/* The URL of the call: endpoint (host_prefix before its host), path and,
 * but for the query protocol, the parameters. */
static void
call_url(const struct aws_call *c, struct buf *url)
{
	const char	*ep = c->endpoint, *host;
	size_t		 n = strlen(ep), i;

	while (n > 0 && ep[n - 1] == '/')
		n--;
	host = strstr(ep, "://");
	if (c->host_prefix != NULL && host != NULL &&
	    (size_t)(host - ep) + 3 <= n) {
		host += 3;
		buf_add(url, ep, (size_t)(host - ep));
		buf_adds(url, c->host_prefix);
		buf_add(url, host, n - (size_t)(host - ep));
	} else
		buf_add(url, ep, n);
	buf_addc(url, '/');
	for (i = 0; i < c->npath; i++) {
		if (i > 0)
			buf_addc(url, '/');
		buf_add_encoded(url, c->path[i], strlen(c->path[i]), 0);
	}
	if (c->path_dir && c->npath > 0)
		buf_addc(url, '/');
	if (c->protocol != AWS_PROTOCOL_QUERY && c->nparams > 0) {
		buf_addc(url, '?');
		add_params(url, c->params, c->nparams);
	}
}

/* What must never reach err: the credentials, the request's signature and
 * the call's own secrets.  *sec is malloc'd; a provider's credentials are
 * copied into held (released by the caller with aws_creds_release()). */
static size_t
secrets_of(const struct aws_call *c, const struct http_request *req,
    struct aws_creds *held, const char ***sec)
{
	const struct aws_creds	*creds = c->creds;
	const char		*auth, *sig;
	size_t			 n = 0, i;

	memset(held, 0, sizeof(*held));
	if (c->creds_provider != NULL) {
		aws_creds_provider_peek(c->creds_provider, held);
		creds = held;
	}

	*sec = xcalloc(NSECRETS_OWN + c->nsecrets, sizeof(**sec));
	if (creds != NULL && !c->anonymous) {
		(*sec)[n++] = creds->secret_access_key;
		(*sec)[n++] = creds->session_token;
	}
	auth = http_request_header_get(req, "Authorization");
	if (auth != NULL && (sig = strstr(auth, "Signature=")) != NULL)
		(*sec)[n++] = sig + strlen("Signature=");
	for (i = 0; i < c->nsecrets; i++)
		(*sec)[n++] = c->secrets[i];
	return n;
}

void
aws_fault_describe(const struct aws_fault *f, struct buf *line)
{
	if (*f->code != '\0')
		buf_adds(line, f->code);
	else
		buf_addf(line, "HTTP %ld", f->status);
	if (*f->text != '\0') {
		buf_adds(line, ": ");
		buf_adds(line, f->text);
	}
}

/* Replaces the 64 hex digits after every "Signature=" in b: a retry was
 * signed again, and its signature is not the one secrets_of() knows. */
static void
redact_signatures(struct buf *b)
{
	static const char	 label[] = "Signature=";
	const size_t		 nl = sizeof(label) - 1;
	struct buf		 out = BUF_INIT;
	size_t			 i, n;

	for (i = 0; i < b->len; ) {
		if (b->len - i < nl || memcmp(b->data + i, label, nl) != 0) {
			buf_addc(&out, b->data[i++]);
			continue;
		}
		buf_add(&out, label, nl);
		i += nl;
		for (n = 0; i + n < b->len && n <= 64 &&
		    strchr("0123456789abcdef", b->data[i + n]) != NULL &&
		    b->data[i + n] != '\0'; n++)
			;
		if (n == 64) {
			buf_adds(&out, "[redacted]");
			i += n;
		}
	}
	buf_release_wiped(b);
	*b = out;
}

/* The code and message of an error answer of the call's protocol, read
 * from body (already redacted); NULL when it holds none. */
static void
read_fault(const struct aws_call *c, const struct http_response *resp,
    const struct buf *body, char **code, char **msg)
{
	struct http_response	 r = *resp;
	char			 jcode[128];

	*code = *msg = NULL;
	if (c->protocol != AWS_PROTOCOL_JSON) {
		aws_xml_error_parse(body->data, body->len, code, msg);
		return;
	}
	r.body = *body;
	if (aws_json_error_code(&r, jcode, sizeof(jcode)) == 0)
		*code = xstrdup(jcode);
	*msg = json_message(body->data, body->len);
}

/* Fills err from an answer that is not 2xx. */
static void
response_error(const struct aws_call *c, const struct http_request *req,
    const struct http_response *resp, struct err *err)
{
	struct aws_fault	 f;
	struct buf		 body = BUF_INIT, code = BUF_INIT;
	struct buf		 txt = BUF_INIT, line = BUF_INIT;
	struct aws_creds	 held;
	const char		**sec;
	char			*raw_code, *msg;
	size_t			 nsec;

	nsec = secrets_of(c, req, &held, &sec);
	/* Redacted before it is read, so that no reading can split one. */
	buf_add_redacted(&body, resp->body.data != NULL ? resp->body.data :
	    "", resp->body.len, sec, nsec);
	redact_signatures(&body);
	read_fault(c, resp, &body, &raw_code, &msg);
	if (raw_code != NULL)
		buf_add_clean(&code, raw_code, strlen(raw_code), sec, nsec,
		    AWS_CODE_MAX);
	if (msg != NULL)
		buf_add_clean(&txt, msg, strlen(msg), sec, nsec,
		    c->message_max);
	else if (raw_code == NULL && c->protocol != AWS_PROTOCOL_JSON)
		buf_add_clean(&txt, body.data != NULL ? body.data : "",
		    body.len, sec, nsec, AWS_EXCERPT_MAX);
	f.status = resp->status;
	f.code = buf_str(&code);
	f.text = buf_str(&txt);
	buf_addf(&line, "%s: ", c->what != NULL ? c->what : c->op);
	if (c->explain != NULL)
		c->explain(c, &f, &line);
	else
		aws_fault_describe(&f, &line);
	err_set(err, "%s", buf_str(&line));
	if (err != NULL) {
		err->http_status = resp->status;
		snprintf(err->aws_code, sizeof(err->aws_code), "%s",
		    raw_code != NULL ? raw_code : "");
	}
	if (msg != NULL)
		OPENSSL_cleanse(msg, strlen(msg));
	free(raw_code);
	free(msg);
	free(sec);
	aws_creds_release(&held);
	buf_release_wiped(&body);
	buf_release_wiped(&txt);
	buf_release(&code);
	buf_release_wiped(&line);
}

/* Prefixes err with what the call is and takes every secret out of it (a
 * transport's message may quote what it was sent). */
static void
failed(const struct aws_call *c, const struct http_request *req,
    struct err *err)
{
	struct aws_creds held;
	struct buf	 b = BUF_INIT;
	const char	**sec;
	size_t		 nsec;

	if (err == NULL)
		return;
	nsec = secrets_of(c, req, &held, &sec);
	buf_add_clean(&b, err->msg, strlen(err->msg), sec, nsec, 0);
	snprintf(err->msg, sizeof(err->msg), "%s", buf_str(&b));
	err_prefix(err, "%s", c->what != NULL ? c->what : c->op);
	free(sec);
	aws_creds_release(&held);
	buf_release_wiped(&b);
}

int
aws_call_send(const struct http_transport *http, const struct aws_call *c,
    struct http_response *resp, struct err *err)
{
	struct http_request	 req;
	struct buf		 url = BUF_INIT, form = BUF_INIT;
	int			 rc = -1;

	http_response_init(resp);
	if (err != NULL) {
		err->http_status = 0;
		err->aws_code[0] = '\0';
	}
	call_url(c, &url);
	http_request_init(&req, c->method, buf_str(&url));
	http_request_header_set(&req, "User-Agent", USER_AGENT);
	if (c->protocol == AWS_PROTOCOL_QUERY) {
		add_params(&form, c->params, c->nparams);
		http_request_header_set(&req, "Content-Type", FORM_TYPE);
		http_request_body_set(&req, buf_str(&form), form.len);
	} else if (c->body != NULL) {
		if (c->content_type != NULL)
			http_request_header_set(&req, "Content-Type",
			    c->content_type);
		http_request_body_set(&req, c->body, c->body_len);
	}
	req.op = xstrdup(c->op);
	req.idempotent = c->idempotent;
	req.error_code = c->protocol == AWS_PROTOCOL_JSON ?
	    aws_json_error_code : xml_error_code;
	if (!c->anonymous) {
		req.sign = sign;
		req.sign_arg = (void *)c;
		if (sign((void *)c, &req, err) == -1) {
			failed(c, &req, err);
			goto out;
		}
	}
	if (http->send(http->ctx, &req, resp, err) == -1) {
		failed(c, &req, err);
		goto out;
	}
	if (resp->status < 200 || resp->status > 299) {
		response_error(c, &req, resp, err);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1) {
		buf_release_wiped(&resp->body);
		http_response_release(resp);
		http_response_init(resp);
	}
	http_request_release_wiped(&req);
	buf_release_wiped(&form);
	buf_release(&url);
	return rc;
}
