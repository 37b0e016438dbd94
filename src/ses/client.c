/*
 * client.c - the Amazon SES API v2 client: GetEmailIdentity, signed for
 * service "ses" in the identity's region, its JSON answer read with
 * cJSON into struct ses_identity, and its errors turned into messages
 * that say what to do.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "mailauth/buf.h"
#include "mailauth/creds.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/ses.h"
#include "mailauth/sigv4.h"

#define OP		"SES GetEmailIdentity"
#define MESSAGE_MAX	300	/* characters of an AWS message kept */

char *
ses_endpoint_default(const char *region)
{
	return xasprintf("https://email.%s.amazonaws.com", region);
}

/* 1 when s is one DNS label mailauth will build names from. */
static int
label_ok(const char *s)
{
	size_t	 n = strlen(s), i;

	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '_')
			return 0;
	return 1;
}

/* 1 when s is a host name of labels label_ok() accepts. */
static int
name_ok(const char *s)
{
	char	*copy, *lab, *save = NULL;
	size_t	 n = strlen(s), labels = 0;
	int	 ok = 1;

	if (n == 0 || n > 253 || s[0] == '.' || s[n - 1] == '.' ||
	    strstr(s, "..") != NULL)
		return 0;
	copy = xstrdup(s);
	for (lab = strtok_r(copy, ".", &save); lab != NULL;
	    lab = strtok_r(NULL, ".", &save), labels++)
		if (!label_ok(lab))
			ok = 0;
	free(copy);
	return ok && labels >= 2;
}

static char *
lower_dup(const char *s)
{
	char	*out = xstrdup(s), *p;

	for (p = out; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return out;
}

char *
ses_token_target(const char *token)
{
	return xasprintf("%s%s", token, SES_DKIM_TARGET);
}

int
ses_token_target_parse(const char *target, char **label)
{
	size_t	 n = strlen(target), suffix = strlen(SES_DKIM_TARGET);
	char	*t;
	int	 ok;

	if (n > 0 && target[n - 1] == '.')
		n--;
	if (n <= suffix || strncasecmp(target + n - suffix, SES_DKIM_TARGET,
	    suffix) != 0)
		return 0;
	t = xstrndup(target, n - suffix);
	ok = label_ok(t);
	if (ok && label != NULL)
		*label = lower_dup(t);
	free(t);
	return ok;
}

void
ses_identity_release(struct ses_identity *id)
{
	size_t	 i;

	free(id->identity_type);
	free(id->verification_status);
	free(id->dkim_status);
	free(id->dkim_origin_name);
	for (i = 0; i < id->ntokens; i++)
		free(id->tokens[i]);
	free(id->tokens);
	free(id->dkim_key_length);
	free(id->mail_from_domain);
	free(id->mail_from_status);
	free(id->mail_from_behavior);
	memset(id, 0, sizeof(*id));
}

/* An optional string member of o into *out; -1 when it is not a string. */
static int
get_string(const cJSON *o, const char *obj, const char *key, char **out,
    struct err *err)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		return err_set(err, "%s: %s%s%s: expected a string", OP,
		    obj != NULL ? obj : "", obj != NULL ? "." : "", key);
	*out = xstrdup(v->valuestring);
	return 0;
}

static int
get_bool(const cJSON *o, const char *obj, const char *key, int *out,
    struct err *err)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsBool(v))
		return err_set(err, "%s: %s%s%s: expected true or false", OP,
		    obj != NULL ? obj : "", obj != NULL ? "." : "", key);
	*out = cJSON_IsTrue(v);
	return 0;
}

/* An optional object member; -1 when it is there and not an object. */
static int
get_object(const cJSON *o, const char *key, const cJSON **out,
    struct err *err)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, key);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsObject(v))
		return err_set(err, "%s: %s: expected an object", OP, key);
	*out = v;
	return 0;
}

static int
parse_dkim(const cJSON *dk, struct ses_identity *id, struct err *err)
{
	const cJSON	*tokens, *t;
	size_t		 i = 0;

	if (get_bool(dk, "DkimAttributes", "SigningEnabled",
	    &id->dkim_signing_enabled, err) == -1 ||
	    get_string(dk, "DkimAttributes", "Status", &id->dkim_status,
	    err) == -1 ||
	    get_string(dk, "DkimAttributes", "SigningAttributesOrigin",
	    &id->dkim_origin_name, err) == -1 ||
	    get_string(dk, "DkimAttributes", "CurrentSigningKeyLength",
	    &id->dkim_key_length, err) == -1)
		return -1;
	if (id->dkim_origin_name == NULL)
		id->dkim_origin = SES_DKIM_UNKNOWN;
	else if (strcmp(id->dkim_origin_name, "EXTERNAL") == 0)
		id->dkim_origin = SES_DKIM_EXTERNAL;
	else if (strncmp(id->dkim_origin_name, "AWS_SES", 7) == 0)
		id->dkim_origin = SES_DKIM_EASY;
	tokens = cJSON_GetObjectItemCaseSensitive(dk, "Tokens");
	if (tokens == NULL || cJSON_IsNull(tokens))
		return 0;
	if (!cJSON_IsArray(tokens))
		return err_set(err, "%s: DkimAttributes.Tokens: expected a "
		    "list", OP);
	cJSON_ArrayForEach(t, tokens) {
		if (!cJSON_IsString(t) || t->valuestring == NULL ||
		    !label_ok(t->valuestring))
			return err_set(err, "%s: DkimAttributes.Tokens[%zu]: "
			    "expected a DNS label (letters, digits, '-', '_')",
			    OP, i);
		*(char **)xappend(&id->tokens, &id->ntokens,
		    sizeof(*id->tokens)) = lower_dup(t->valuestring);
		i++;
	}
	return 0;
}

static int
parse_mail_from(const cJSON *mf, struct ses_identity *id, struct err *err)
{
	char	*domain = NULL;

	if (get_string(mf, "MailFromAttributes", "MailFromDomain", &domain,
	    err) == -1 ||
	    get_string(mf, "MailFromAttributes", "MailFromDomainStatus",
	    &id->mail_from_status, err) == -1 ||
	    get_string(mf, "MailFromAttributes", "BehaviorOnMxFailure",
	    &id->mail_from_behavior, err) == -1) {
		free(domain);
		return -1;
	}
	if (domain == NULL || *domain == '\0') {
		free(domain);
		return 0;
	}
	if (domain[strlen(domain) - 1] == '.')
		domain[strlen(domain) - 1] = '\0';
	if (!name_ok(domain)) {
		free(domain);
		return err_set(err, "%s: MailFromAttributes.MailFromDomain: "
		    "expected a domain name", OP);
	}
	id->mail_from_domain = lower_dup(domain);
	free(domain);
	return 0;
}

int
ses_identity_parse(const char *json, size_t len, struct ses_identity *id,
    struct err *err)
{
	cJSON		*root;
	const cJSON	*dk, *mf;
	int		 rc = -1;

	memset(id, 0, sizeof(*id));
	if ((root = cJSON_ParseWithLength(json, len)) == NULL)
		return err_set(err, "%s: the answer is not JSON", OP);
	if (!cJSON_IsObject(root)) {
		err_set(err, "%s: the answer is not a JSON object", OP);
		goto out;
	}
	if (get_string(root, NULL, "IdentityType", &id->identity_type,
	    err) == -1 ||
	    get_bool(root, NULL, "VerifiedForSendingStatus",
	    &id->verified_for_sending, err) == -1 ||
	    get_string(root, NULL, "VerificationStatus",
	    &id->verification_status, err) == -1 ||
	    get_object(root, "DkimAttributes", &dk, err) == -1 ||
	    get_object(root, "MailFromAttributes", &mf, err) == -1)
		goto out;
	if (dk != NULL && parse_dkim(dk, id, err) == -1)
		goto out;
	if (mf != NULL && parse_mail_from(mf, id, err) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		ses_identity_release(id);
	cJSON_Delete(root);
	return rc;
}

/* --- the request --- */

static int
sign(void *arg, struct http_request *req, struct err *err)
{
	const struct ses_client	*c = arg;
	const struct aws_creds	*creds = c->creds;
	time_t			 now = c->clock();

	if (c->creds_provider != NULL && aws_creds_provider_get(
	    c->creds_provider, now, &creds, err) == -1)
		return -1;
	return sigv4_sign_request(req, creds, c->region, SES_SERVICE, now, err);
}

/*
 * The error code of an answer that is not 2xx: the x-amzn-ErrorType
 * header, else the body's "__type" or "code", without the namespace
 * before '#' and anything after ':'.
 */
static int
error_code(const struct http_response *resp, char *code, size_t size)
{
	const char	*v = http_response_header_get(resp, "x-amzn-ErrorType");
	cJSON		*root = NULL;
	const cJSON	*t = NULL;
	const char	*p;
	size_t		 n;

	if (v == NULL || *v == '\0') {
		root = cJSON_ParseWithLength(resp->body.data, resp->body.len);
		if (root != NULL && cJSON_IsObject(root) &&
		    (t = cJSON_GetObjectItemCaseSensitive(root, "__type")) ==
		    NULL)
			t = cJSON_GetObjectItemCaseSensitive(root, "code");
		v = t != NULL && cJSON_IsString(t) ? t->valuestring : NULL;
	}
	if (v == NULL || *v == '\0') {
		cJSON_Delete(root);
		return -1;
	}
	if ((p = strrchr(v, '#')) != NULL)
		v = p + 1;
	n = strcspn(v, ":");
	snprintf(code, size, "%.*s", (int)n, v);
	cJSON_Delete(root);
	return 0;
}

/* The answer's "message" (or "Message"), printable and cut short. */
static void
error_message(const struct http_response *resp, struct buf *out)
{
	cJSON		*root;
	const cJSON	*m = NULL;
	const char	*s;
	size_t		 i;

	root = cJSON_ParseWithLength(resp->body.data, resp->body.len);
	if (root != NULL && cJSON_IsObject(root) &&
	    (m = cJSON_GetObjectItemCaseSensitive(root, "message")) == NULL)
		m = cJSON_GetObjectItemCaseSensitive(root, "Message");
	if (m != NULL && cJSON_IsString(m) && m->valuestring != NULL) {
		s = m->valuestring;
		for (i = 0; s[i] != '\0' && i < MESSAGE_MAX; i++)
			buf_addc(out, isprint((unsigned char)s[i]) ? s[i] :
			    '?');
		if (s[i] != '\0')
			buf_adds(out, "...");
	}
	cJSON_Delete(root);
}

static void
response_error(const struct ses_client *c, const char *identity,
    const struct http_response *resp, struct err *err)
{
	struct buf	 msg = BUF_INIT;
	char		 code[128] = "";

	error_code(resp, code, sizeof(code));
	error_message(resp, &msg);
	if (strcmp(code, "NotFoundException") == 0 ||
	    (code[0] == '\0' && resp->status == 404))
		err_set(err, "%s: SES has no identity '%s' in region '%s'; "
		    "create it with 'aws sesv2 create-email-identity "
		    "--email-identity %s --region %s', or correct ses.region "
		    "or ses.identity", OP, identity, c->region, identity,
		    c->region);
	else if (strncmp(code, "AccessDenied", 12) == 0 ||
	    (code[0] == '\0' && resp->status == 403))
		err_set(err, "%s: access denied to identity '%s' in region "
		    "'%s': the credentials need the IAM action "
		    "ses:GetEmailIdentity (policies/iam)%s%s", OP, identity,
		    c->region, msg.len > 0 ? ": " : "", buf_str(&msg));
	else if (code[0] != '\0')
		err_set(err, "%s: %s%s%s", OP, code, msg.len > 0 ? ": " : "",
		    buf_str(&msg));
	else
		err_set(err, "%s: HTTP %ld%s%s", OP, resp->status,
		    msg.len > 0 ? ": " : "", buf_str(&msg));
	if (err != NULL) {
		err->http_status = resp->status;
		snprintf(err->aws_code, sizeof(err->aws_code), "%s", code);
	}
	buf_release(&msg);
}

int
ses_identity_get(const struct ses_client *c, const char *identity,
    struct ses_identity *id, struct err *err)
{
	struct http_request	 req;
	struct http_response	 resp;
	struct buf		 url = BUF_INIT;
	const char		*p;
	size_t			 n;
	int			 rc = -1;

	memset(id, 0, sizeof(*id));
	http_response_init(&resp);
	if (err != NULL) {
		err->http_status = 0;
		err->aws_code[0] = '\0';
	}
	n = strlen(c->endpoint);
	while (n > 0 && c->endpoint[n - 1] == '/')
		n--;
	buf_add(&url, c->endpoint, n);
	buf_adds(&url, "/v2/email/identities/");
	/* A domain identity is letters, digits, '-', '_' and dots; anything
	 * else is percent-encoded so that it stays one path segment. */
	for (p = identity; *p != '\0'; p++)
		if (isalnum((unsigned char)*p) || strchr("-._~", *p) != NULL)
			buf_addc(&url, *p);
		else
			buf_addf(&url, "%%%02X", (unsigned char)*p);
	http_request_init(&req, "GET", buf_str(&url));
	http_request_header_set(&req, "User-Agent",
	    "mailauth/" MAILAUTH_VERSION);
	req.op = xstrdup(OP);
	req.idempotent = 1;
	req.sign = sign;
	req.sign_arg = (void *)c;
	req.error_code = error_code;
	if (sign((void *)c, &req, err) == -1) {
		err_prefix(err, "%s", OP);
		goto out;
	}
	if (c->http->send(c->http->ctx, &req, &resp, err) == -1) {
		err_prefix(err, "%s", OP);
		goto out;
	}
	if (resp.status < 200 || resp.status > 299) {
		response_error(c, identity, &resp, err);
		goto out;
	}
	rc = ses_identity_parse(resp.body.data, resp.body.len, id, err);
out:
	http_response_release(&resp);
	http_request_release(&req);
	buf_release(&url);
	return rc;
}
