/*
 * sts.c - the STS calls the credentials chain and "mailauth whoami" make:
 * building each form-encoded request, signing it (or not), sending it, and
 * reading the XML answer, with every secret kept out of messages and wiped.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <openssl/crypto.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/xml.h"
#include "mailauth/http.h"
#include "mailauth/sigv4.h"
#include "mailauth/sts.h"

#ifndef MAILAUTH_VERSION
#define MAILAUTH_VERSION	"dev"
#endif

#define SERVICE		"sts"
#define FORM_TYPE	"application/x-www-form-urlencoded; charset=utf-8"
#define EXCERPT_MAX	200
#define NSECRETS	3

/* ---- XML --------------------------------------------------------------- */


static void
wipe_nodes(xmlNode *n)
{
	for (; n != NULL; n = n->next) {
		if (n->content != NULL && (n->doc == NULL ||
		    n->doc->dict == NULL ||
		    !xmlDictOwns(n->doc->dict, n->content)))
			OPENSSL_cleanse(n->content,
			    (size_t)xmlStrlen(n->content));
		wipe_nodes(n->children);
	}
}

static void
free_doc(xmlDoc *doc)
{
	if (doc == NULL)
		return;
	wipe_nodes(doc->children);
	xmlFreeDoc(doc);
}


/* The text of n, malloc'd, or NULL when n is NULL; the copy libxml2 made
 * is wiped. */
static char *
text(const xmlNode *n)
{
	xmlChar	*t;
	char	*s;

	if (n == NULL)
		return NULL;
	t = xmlNodeGetContent(n);
	s = xstrdup(t != NULL ? (const char *)t : "");
	if (t != NULL) {
		OPENSSL_cleanse(t, (size_t)xmlStrlen(t));
		xmlFree(t);
	}
	return s;
}

/* The root element if its local name is name, else NULL with err set. */
static xmlNode *
root(xmlDoc *doc, const char *name, struct err *err)
{
	xmlNode	*r = xmlDocGetRootElement(doc);

	if (r == NULL || strcmp((const char *)r->name, name) != 0) {
		err_set(err, "not a %s", name);
		return NULL;
	}
	return r;
}

/* The text of a required element, or NULL with err naming it. */
static char *
need(const xmlNode *parent, const char *name, struct err *err)
{
	char	*s = text(xml_child(parent, name));

	if (s == NULL || *s == '\0') {
		aws_secret_free(s);
		err_set(err, "no %s in the response", name);
		return NULL;
	}
	return s;
}

int
sts_xml_parse_session(const char *xml, size_t len, const char *result,
    struct sts_session *out, struct err *err)
{
	struct buf	 rname = BUF_INIT;
	xmlDoc		*doc;
	xmlNode		*r, *res, *cr;
	char		*exp = NULL;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((doc = xml_parse_untrusted(xml, len, XML_PARSE_NODICT,
	    err)) == NULL)
		return -1;
	/* "AssumeRoleResult" is in an "AssumeRoleResponse". */
	buf_add(&rname, result, strlen(result) - strlen("Result"));
	buf_adds(&rname, "Response");
	if ((r = root(doc, buf_str(&rname), err)) == NULL)
		goto out;
	if ((res = xml_child(r, result)) == NULL ||
	    (cr = xml_child(res, "Credentials")) == NULL) {
		err_set(err, "no %s/Credentials in the response", result);
		goto out;
	}
	if ((out->creds.access_key_id = need(cr, "AccessKeyId", err)) == NULL ||
	    (out->creds.secret_access_key = need(cr, "SecretAccessKey",
	    err)) == NULL ||
	    (out->creds.session_token = need(cr, "SessionToken", err)) ==
	    NULL || (exp = need(cr, "Expiration", err)) == NULL)
		goto out;
	if (aws_time_parse(exp, &out->expiration) == -1) {
		err_set(err, "Expiration '%.40s' is not an ISO 8601 time", exp);
		goto out;
	}
	out->arn = text(xml_child(xml_child(res, "AssumedRoleUser"), "Arn"));
	rc = 0;
out:
	if (rc == -1)
		sts_session_release(out);
	free(exp);
	buf_release(&rname);
	free_doc(doc);
	return rc;
}

int
sts_xml_parse_identity(const char *xml, size_t len, struct sts_identity *out,
    struct err *err)
{
	xmlDoc	*doc;
	xmlNode	*r, *res;
	int	 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((doc = xml_parse_untrusted(xml, len, XML_PARSE_NODICT,
	    err)) == NULL)
		return -1;
	if ((r = root(doc, "GetCallerIdentityResponse", err)) == NULL)
		goto out;
	if ((res = xml_child(r, "GetCallerIdentityResult")) == NULL) {
		err_set(err, "no GetCallerIdentityResult in the response");
		goto out;
	}
	if ((out->account = need(res, "Account", err)) == NULL ||
	    (out->arn = need(res, "Arn", err)) == NULL)
		goto out;
	out->user_id = text(xml_child(res, "UserId"));
	rc = 0;
out:
	if (rc == -1)
		sts_identity_release(out);
	free_doc(doc);
	return rc;
}

int
sts_xml_parse_error(const char *xml, size_t len, char **code, char **message)
{
	xmlDoc	*doc;
	xmlNode	*r, *e;
	char	*c;
	int	 rc = -1;

	*code = *message = NULL;
	if ((doc = xml_parse_untrusted(xml, len, XML_PARSE_NODICT, NULL)) == NULL)
		return -1;
	r = xmlDocGetRootElement(doc);
	e = r != NULL && strcmp((const char *)r->name, "Error") == 0 ? r :
	    xml_child(r, "Error");
	if ((c = text(xml_child(e, "Code"))) != NULL && *c != '\0') {
		*code = c;
		*message = text(xml_child(e, "Message"));
		if (*message == NULL)
			*message = xstrdup("");
		rc = 0;
	} else
		free(c);
	free_doc(doc);
	return rc;
}

void
sts_session_release(struct sts_session *s)
{
	aws_creds_release(&s->creds);
	free(s->arn);
	memset(s, 0, sizeof(*s));
}

void
sts_identity_release(struct sts_identity *id)
{
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof(*id));
}

/* ---- requests ---------------------------------------------------------- */

int
sts_endpoint_for_region(const char *region, char **url, struct err *err)
{
	const char	*p;

	*url = NULL;
	if (region == NULL || *region == '\0' || strlen(region) > 64)
		return err_set(err, "'%s' is not an AWS region",
		    region != NULL ? region : "");
	for (p = region; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		    *p == '-'))
			return err_set(err, "'%.64s' is not an AWS region",
			    region);
	*url = xasprintf("https://sts.%s.amazonaws.com%s", region,
	    strncmp(region, "cn-", 3) == 0 ? ".cn" : "");
	return 0;
}

/* Appends "&key=value", the value percent-encoded as a form wants it. */
static void
add_param(struct buf *b, const char *key, const char *value)
{
	const unsigned char	*p;

	buf_addf(b, "&%s=", key);
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~')
			buf_addc(b, (char)*p);
		else
			buf_addf(b, "%%%02X", *p);
	}
}

static void
wipe_buf(struct buf *b)
{
	if (b->data != NULL)
		OPENSSL_cleanse(b->data, b->cap);
	buf_release(b);
}

/* Releases req after wiping its headers (X-Amz-Security-Token) and body
 * (a web-identity token). */
static void
wipe_request(struct http_request *req)
{
	size_t	 i;

	for (i = 0; i < req->nheaders; i++)
		if (req->headers[i].value != NULL)
			OPENSSL_cleanse(req->headers[i].value,
			    strlen(req->headers[i].value));
	if (req->body != NULL)
		OPENSSL_cleanse(req->body, req->body_len);
	http_request_release(req);
}

static void
wipe_response(struct http_response *resp)
{
	if (resp->body.data != NULL)
		OPENSSL_cleanse(resp->body.data, resp->body.cap);
	http_response_release(resp);
	http_response_init(resp);
}

static void
response_error(const char *op, const struct http_response *resp,
    const char *const *sec, struct err *err)
{
	struct buf	 b = BUF_INIT;
	char		*code = NULL, *msg = NULL;

	buf_addf(&b, "STS %s: ", op);
	if (sts_xml_parse_error(resp->body.data, resp->body.len, &code,
	    &msg) == 0) {
		buf_add_clean(&b, code, strlen(code), sec, NSECRETS, 100);
		if (*msg != '\0') {
			buf_adds(&b, ": ");
			buf_add_clean(&b, msg, strlen(msg), sec, NSECRETS, 0);
		}
	} else {
		buf_addf(&b, "HTTP %ld", resp->status);
		if (resp->body.len > 0) {
			buf_adds(&b, ": ");
			buf_add_clean(&b, resp->body.data, resp->body.len,
			    sec, NSECRETS, EXCERPT_MAX);
		}
	}
	err_set(err, "%s", buf_str(&b));
	if (err != NULL) {
		err->http_status = resp->status;
		if (code != NULL)
			snprintf(err->aws_code, sizeof(err->aws_code), "%s",
			    code);
	}
	aws_secret_free(code);
	aws_secret_free(msg);
	buf_release(&b);
}

/* Replaces every secret in err's message (a transport's message may quote
 * what it was sent). */
static void
scrub(struct err *err, const char *const *sec)
{
	struct buf	 b = BUF_INIT;

	if (err == NULL)
		return;
	buf_add_clean(&b, err->msg, strlen(err->msg), sec, NSECRETS, 0);
	snprintf(err->msg, sizeof(err->msg), "%s", buf_str(&b));
	buf_release(&b);
}

/* What re-signs a request before a retry of the transport. */
struct signing {
	const struct sts_client	*c;
	const struct aws_creds	*creds;
};

static int
sign(void *arg, struct http_request *req, struct err *err)
{
	const struct signing	*sg = arg;

	return sigv4_sign_request(req, sg->creds, sg->c->region, SERVICE,
	    sg->c->clock(), err);
}

/* The Code of an STS error body, so a retrying transport can tell a
 * throttle from a refusal. */
static int
error_code(const struct http_response *resp, char *code, size_t size)
{
	char	*c = NULL, *m = NULL;

	if (sts_xml_parse_error(resp->body.data, resp->body.len, &c,
	    &m) == -1)
		return -1;
	snprintf(code, size, "%s", c);
	free(c);
	aws_secret_free(m);
	return 0;
}

/*
 * One exchange: the form body (wiped by the caller) posted to "/", signed
 * with signer unless it is NULL.  On 0 resp holds a 2xx answer (the caller
 * wipes it); on -1 err names op and resp holds nothing.
 */
static int
call(const struct sts_client *c, const char *op,
    const struct aws_creds *signer, const struct buf *form,
    const char *const *sec, struct http_response *resp, struct err *err)
{
	struct http_request	 req;
	struct signing		 sg;
	struct buf		 url = BUF_INIT;
	size_t			 n;
	int			 rc = -1;

	http_response_init(resp);
	if (err != NULL) {
		err->http_status = 0;
		err->aws_code[0] = '\0';
	}
	n = strlen(c->endpoint);
	while (n > 0 && c->endpoint[n - 1] == '/')
		n--;
	buf_add(&url, c->endpoint, n);
	buf_addc(&url, '/');
	http_request_init(&req, "POST", buf_str(&url));
	http_request_header_set(&req, "User-Agent",
	    "mailauth/" MAILAUTH_VERSION);
	http_request_header_set(&req, "Content-Type", FORM_TYPE);
	http_request_body_set(&req, form->data, form->len);
	/* For a retrying transport: every STS call here may be repeated. */
	req.op = xasprintf("STS %s", op);
	req.idempotent = 1;
	req.error_code = error_code;
	if (signer != NULL) {
		sg.c = c;
		sg.creds = signer;
		req.sign = sign;
		req.sign_arg = &sg;
		if (sign(&sg, &req, err) == -1) {
			err_prefix(err, "STS %s", op);
			goto out;
		}
	}
	if (c->http->send(c->http->ctx, &req, resp, err) == -1) {
		scrub(err, sec);
		err_prefix(err, "STS %s", op);
		goto out;
	}
	if (resp->status < 200 || resp->status > 299) {
		response_error(op, resp, sec, err);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1)
		wipe_response(resp);
	wipe_request(&req);
	buf_release(&url);
	return rc;
}

static void
role_params(struct buf *form, const struct sts_assume_role *p)
{
	add_param(form, "RoleArn", p->role_arn);
	add_param(form, "RoleSessionName", p->session_name);
	if (p->external_id != NULL)
		add_param(form, "ExternalId", p->external_id);
	if (p->duration_s > 0)
		buf_addf(form, "&DurationSeconds=%ld", p->duration_s);
}

static int
session_call(const struct sts_client *c, const char *op,
    const struct aws_creds *signer, struct buf *form, const char *const *sec,
    struct sts_session *out, struct err *err)
{
	struct http_response	 resp;
	struct buf		 result = BUF_INIT;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (call(c, op, signer, form, sec, &resp, err) == -1)
		goto out;
	buf_addf(&result, "%sResult", op);
	if (sts_xml_parse_session(resp.body.data, resp.body.len,
	    buf_str(&result), out, err) == -1)
		err_prefix(err, "STS %s: unexpected response", op);
	else
		rc = 0;
	wipe_response(&resp);
out:
	wipe_buf(form);
	buf_release(&result);
	return rc;
}

int
sts_assume_role(const struct sts_client *c, const struct aws_creds *source,
    const struct sts_assume_role *p, struct sts_session *out,
    struct err *err)
{
	struct buf	 form = BUF_INIT;
	const char	*sec[NSECRETS] = { NULL, NULL, NULL };

	if (source == NULL) {
		memset(out, 0, sizeof(*out));
		return err_set(err, "STS AssumeRole: no credentials to sign "
		    "with");
	}
	sec[0] = source->secret_access_key;
	sec[1] = source->session_token;
	buf_adds(&form, "Action=AssumeRole&Version=" STS_API_VERSION);
	role_params(&form, p);
	return session_call(c, "AssumeRole", source, &form, sec, out, err);
}

int
sts_assume_role_web_identity(const struct sts_client *c,
    const struct sts_assume_role *p, const char *token,
    struct sts_session *out, struct err *err)
{
	struct buf	 form = BUF_INIT;
	const char	*sec[NSECRETS] = { NULL, NULL, NULL };

	if (token == NULL || *token == '\0') {
		memset(out, 0, sizeof(*out));
		return err_set(err, "STS AssumeRoleWithWebIdentity: no token");
	}
	sec[0] = token;
	buf_adds(&form, "Action=AssumeRoleWithWebIdentity&Version="
	    STS_API_VERSION);
	role_params(&form, p);
	add_param(&form, "WebIdentityToken", token);
	return session_call(c, "AssumeRoleWithWebIdentity", NULL, &form, sec,
	    out, err);
}

int
sts_get_caller_identity(const struct sts_client *c,
    const struct aws_creds *creds, struct sts_identity *out, struct err *err)
{
	struct http_response	 resp;
	struct buf		 form = BUF_INIT;
	const char		*sec[NSECRETS] = { NULL, NULL, NULL };
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (creds == NULL)
		return err_set(err, "STS GetCallerIdentity: no credentials "
		    "to sign with");
	sec[0] = creds->secret_access_key;
	sec[1] = creds->session_token;
	buf_adds(&form, "Action=GetCallerIdentity&Version=" STS_API_VERSION);
	if (call(c, "GetCallerIdentity", creds, &form, sec, &resp, err) == -1)
		goto out;
	if (sts_xml_parse_identity(resp.body.data, resp.body.len, out,
	    err) == -1)
		err_prefix(err, "STS GetCallerIdentity: unexpected response");
	else
		rc = 0;
	wipe_response(&resp);
out:
	buf_release(&form);
	return rc;
}
