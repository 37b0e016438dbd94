/*
 * client.c - the Amazon SES API v2 client: GetEmailIdentity, sent through
 * the call core (mailauth/call.h) for service "ses" in the identity's
 * region, its JSON answer read with cJSON into struct ses_identity, and
 * its errors turned into messages that say what to do.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "mailauth/buf.h"
#include "mailauth/call.h"
#include "mailauth/err.h"
#include "mailauth/http.h"
#include "mailauth/ses.h"

#define OP		"SES GetEmailIdentity"
#define MESSAGE_MAX	300	/* characters of an AWS message kept */

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

/* The error line after "SES GetEmailIdentity: ": what to do about a
 * missing identity or a denial, else the code and message. */
static void
explain(const struct aws_call *ac, const struct aws_fault *f,
    struct buf *line)
{
	const char	*identity = ac->arg;

	if (strcmp(f->code, "NotFoundException") == 0 ||
	    (*f->code == '\0' && f->status == 404))
		buf_addf(line, "SES has no identity '%s' in region '%s'; "
		    "create it with 'aws sesv2 create-email-identity "
		    "--email-identity %s --region %s', or correct ses.region "
		    "or ses.identity", identity, ac->region, identity,
		    ac->region);
	else if (strncmp(f->code, "AccessDenied", 12) == 0 ||
	    (*f->code == '\0' && f->status == 403))
		buf_addf(line, "access denied to identity '%s' in region "
		    "'%s': the credentials need the IAM action "
		    "ses:GetEmailIdentity (policies/iam)%s%s", identity,
		    ac->region, *f->text != '\0' ? ": " : "", f->text);
	else
		aws_fault_describe(f, line);
}

int
ses_identity_get(const struct ses_client *c, const char *identity,
    struct ses_identity *id, struct err *err)
{
	const char		*path[4] = { "v2", "email", "identities",
				    identity };
	struct aws_call		 ac;
	struct http_response	 resp;
	int			 rc;

	memset(id, 0, sizeof(*id));
	memset(&ac, 0, sizeof(ac));
	ac.service = SES_SERVICE;
	ac.op = OP;
	ac.protocol = AWS_PROTOCOL_JSON;
	ac.method = "GET";
	ac.idempotent = 1;
	ac.endpoint = c->endpoint;
	/* The identity stays one path segment, whatever it holds. */
	ac.path = path;
	ac.npath = 4;
	ac.region = c->region;
	ac.creds = c->creds;
	ac.creds_provider = c->creds_provider;
	ac.clock = c->clock;
	ac.message_max = MESSAGE_MAX;
	ac.explain = explain;
	ac.arg = (void *)identity;
	if (aws_call_send(c->http, &ac, &resp, err) == -1)
		return -1;
	rc = ses_identity_parse(resp.body.data, resp.body.len, id, err);
	http_response_release(&resp);
	return rc;
}
