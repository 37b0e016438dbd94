/*
 * client.c - the STS calls the credentials chain and "mailauth whoami" make:
 * the parameters of each request, sent through the call core
 * (mailauth/call.h) signed or not, and the XML answer read, with every
 * copy of a secret wiped.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/xml.h"
#include "mailauth/http.h"
#include "mailauth/sts.h"

#define SERVICE		"sts"

/* ---- XML --------------------------------------------------------------- */

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
	char	*s = xml_text(xml_child(parent, name));

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
	out->arn = xml_text(xml_child(xml_child(res, "AssumedRoleUser"), "Arn"));
	rc = 0;
out:
	if (rc == -1)
		sts_session_release(out);
	free(exp);
	buf_release(&rname);
	xml_free_wiped(doc);
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
	out->user_id = xml_text(xml_child(res, "UserId"));
	rc = 0;
out:
	if (rc == -1)
		sts_identity_release(out);
	xml_free_wiped(doc);
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

/* At most: Action, Version, RoleArn, RoleSessionName, ExternalId,
 * DurationSeconds, WebIdentityToken. */
#define NPARAMS		7

/* The parameters of one call, in the order the AWS CLI sends them. */
struct form {
	struct aws_param	 v[NPARAMS];
	size_t			 n;
	char			 duration[24];
};

static void
form_add(struct form *f, const char *name, const char *value)
{
	f->v[f->n].name = name;
	f->v[f->n++].value = value;
}

/*
 * One exchange: the form posted to "/" through the call core, signed with
 * signer unless it is NULL; secret (may be NULL) is kept out of messages
 * besides the signer's.  On 0 resp holds a 2xx answer (the caller wipes
 * it); on -1 err names op and resp holds nothing.  Every STS call here may
 * be repeated.
 */
static int
call(const struct sts_client *c, const char *op,
    const struct aws_creds *signer, const struct form *form,
    const char *secret, struct http_response *resp, struct err *err)
{
	struct aws_call	 ac;
	char		*label = xasprintf("STS %s", op);
	int		 rc;

	memset(&ac, 0, sizeof(ac));
	ac.service = SERVICE;
	ac.op = label;
	ac.protocol = AWS_PROTOCOL_QUERY;
	ac.method = "POST";
	ac.idempotent = 1;
	ac.endpoint = c->endpoint;
	ac.params = form->v;
	ac.nparams = form->n;
	ac.region = c->region;
	ac.creds = signer;
	ac.anonymous = signer == NULL;
	ac.clock = c->clock;
	ac.secrets = &secret;
	ac.nsecrets = secret != NULL;
	rc = aws_call_send(c->http, &ac, resp, err);
	free(label);
	return rc;
}

static void
role_params(struct form *form, const char *op,
    const struct sts_assume_role *p)
{
	form_add(form, "Action", op);
	form_add(form, "Version", STS_API_VERSION);
	form_add(form, "RoleArn", p->role_arn);
	form_add(form, "RoleSessionName", p->session_name);
	if (p->external_id != NULL)
		form_add(form, "ExternalId", p->external_id);
	snprintf(form->duration, sizeof(form->duration), "%ld",
	    p->duration_s);
	if (p->duration_s > 0)
		form_add(form, "DurationSeconds", form->duration);
}

static int
session_call(const struct sts_client *c, const char *op,
    const struct aws_creds *signer, const struct form *form,
    const char *secret, struct sts_session *out, struct err *err)
{
	struct http_response	 resp;
	struct buf		 result = BUF_INIT;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (call(c, op, signer, form, secret, &resp, err) == -1)
		goto out;
	buf_addf(&result, "%sResult", op);
	if (sts_xml_parse_session(resp.body.data, resp.body.len,
	    buf_str(&result), out, err) == -1)
		err_prefix(err, "STS %s: unexpected response", op);
	else
		rc = 0;
	http_response_release_wiped(&resp);
out:
	buf_release(&result);
	return rc;
}

int
sts_assume_role(const struct sts_client *c, const struct aws_creds *source,
    const struct sts_assume_role *p, struct sts_session *out,
    struct err *err)
{
	struct form	 form;

	if (source == NULL) {
		memset(out, 0, sizeof(*out));
		return err_set(err, "STS AssumeRole: no credentials to sign "
		    "with");
	}
	memset(&form, 0, sizeof(form));
	role_params(&form, "AssumeRole", p);
	return session_call(c, "AssumeRole", source, &form, NULL, out, err);
}

int
sts_assume_role_web_identity(const struct sts_client *c,
    const struct sts_assume_role *p, const char *token,
    struct sts_session *out, struct err *err)
{
	struct form	 form;

	if (token == NULL || *token == '\0') {
		memset(out, 0, sizeof(*out));
		return err_set(err, "STS AssumeRoleWithWebIdentity: no token");
	}
	memset(&form, 0, sizeof(form));
	role_params(&form, "AssumeRoleWithWebIdentity", p);
	form_add(&form, "WebIdentityToken", token);
	return session_call(c, "AssumeRoleWithWebIdentity", NULL, &form, token,
	    out, err);
}

int
sts_get_caller_identity(const struct sts_client *c,
    const struct aws_creds *creds, struct sts_identity *out, struct err *err)
{
	struct http_response	 resp;
	struct form		 form;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (creds == NULL)
		return err_set(err, "STS GetCallerIdentity: no credentials "
		    "to sign with");
	memset(&form, 0, sizeof(form));
	form_add(&form, "Action", "GetCallerIdentity");
	form_add(&form, "Version", STS_API_VERSION);
	if (call(c, "GetCallerIdentity", creds, &form, NULL, &resp, err) == -1)
		return -1;
	if (sts_xml_parse_identity(resp.body.data, resp.body.len, out,
	    err) == -1)
		err_prefix(err, "STS GetCallerIdentity: unexpected response");
	else
		rc = 0;
	http_response_release_wiped(&resp);
	return rc;
}
