/*
 * accounts.c - the accounts: map (the AWS accounts some domains live in,
 * each reached by STS AssumeRole or through a profile) and a domain's
 * account: key, which must name one of them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/err.h"
#include "mailauth/suggest.h"
#include "internal.h"

#define ACCOUNT_NAME_MAX	64
#define ROLE_NAME_MAX		512	/* IAM: path and name of a role ARN */
#define EXTERNAL_ID_MIN		2
#define EXTERNAL_ID_MAX		1224
#define SESSION_NAME_MIN	2
#define SESSION_NAME_MAX	64

static const char *const account_keys[] = {
	"role_arn", "external_id", "session_name", "duration", "profile"
};

enum { A_ROLE, A_EXTERNAL, A_SESSION, A_DURATION, A_PROFILE };

/* 1 when every byte of s is alphanumeric or in extra. */
static int
all_of(const char *s, const char *extra)
{
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && strchr(extra, *s) == NULL)
			return 0;
	return 1;
}

/* arn:PARTITION:iam::ACCOUNT:role/NAME, ACCOUNT twelve digits. */
static int
role_arn_ok(const char *s)
{
	const char	*p, *acct;
	size_t		 i;

	if (strncmp(s, "arn:", 4) != 0)
		return 0;
	p = s + 4;
	for (i = 0; p[i] == '-' || islower((unsigned char)p[i]); i++)
		continue;
	if (i == 0 || strncmp(p + i, ":iam::", 6) != 0)
		return 0;
	acct = p + i + 6;
	for (i = 0; i < 12; i++)
		if (!isdigit((unsigned char)acct[i]))
			return 0;
	if (strncmp(acct + 12, ":role/", 6) != 0)
		return 0;
	p = acct + 18;
	return *p != '\0' && p[strlen(p) - 1] != '/' &&
	    strlen(p) <= ROLE_NAME_MAX && all_of(p, "_+=,.@/-");
}

/* The string value of n when its length is from min to max and its
 * bytes are alphanumeric or in extra; else NULL after reporting. */
static const char *
get_token(struct ctx *c, const struct node *n, const char *path,
    size_t min, size_t max, const char *extra, const char *what)
{
	const char	*s;
	size_t		 len;

	if ((s = cfg_get_str(c, n, path)) == NULL)
		return NULL;
	len = strlen(s);
	if (len < min || len > max || !all_of(s, extra)) {
		cfg_error_at(c, n, path, "expected %s: %zu to %zu letters, "
		    "digits or any of \"%s\"", what, min, max, extra);
		return NULL;
	}
	return s;
}

static void
load_account(struct ctx *c, struct cfg *cfg, const struct node *key,
    const struct node *n)
{
	const struct node	*k[nitems(account_keys)];
	const struct node	*v[nitems(account_keys)];
	struct cfg_account	*a;
	const char		*s;
	char			*path, *p;
	size_t			 i;
	long			 l;

	path = cfg_join("accounts", key->str);
	if (key->len == 0 || key->len > ACCOUNT_NAME_MAX ||
	    !all_of(key->str, "_-")) {
		cfg_error_at(c, key, path, "an account name is 1 to %d "
		    "letters, digits, '-' or '_'", ACCOUNT_NAME_MAX);
		goto out;
	}
	a = xappend(&cfg->accounts, &cfg->naccounts, sizeof(*a));
	a->name = xstrdup(key->str);
	a->pos = cfg_pos_of(key);
	if (cfg_is_null(n)) {
		cfg_error_at(c, key, path, "expected role_arn (the role to "
		    "assume in the account) or profile (whose credentials "
		    "reach it)");
		goto out;
	}
	if (cfg_map_fields(c, n, path, account_keys, nitems(account_keys), k,
	    v) == -1)
		goto out;
	if (v[A_ROLE] == NULL && v[A_PROFILE] == NULL)
		cfg_error_at(c, key, path, "expected role_arn (the role to "
		    "assume in the account) or profile (whose credentials "
		    "reach it)");
	if (v[A_ROLE] != NULL && v[A_PROFILE] != NULL)
		cfg_error_at(c, k[A_PROFILE], path, "role_arn and profile "
		    "cannot both be given; give the role to assume, or a "
		    "profile (which may itself name a role_arn)");
	for (i = A_EXTERNAL; i <= A_DURATION; i++)
		if (v[i] != NULL && v[A_ROLE] == NULL) {
			p = cfg_join(path, account_keys[i]);
			cfg_error_at(c, k[i], p, "only goes with role_arn");
			free(p);
		}
	if (v[A_ROLE] != NULL) {
		p = cfg_join(path, "role_arn");
		if ((s = cfg_get_str(c, v[A_ROLE], p)) != NULL) {
			if (role_arn_ok(s))
				a->role_arn = xstrdup(s);
			else
				cfg_error_at(c, v[A_ROLE], p, "expected a role "
				    "ARN, arn:aws:iam::123456789012:role/NAME");
		}
		free(p);
	}
	if (v[A_EXTERNAL] != NULL) {
		p = cfg_join(path, "external_id");
		if ((s = get_token(c, v[A_EXTERNAL], p, EXTERNAL_ID_MIN,
		    EXTERNAL_ID_MAX, "_+=,.@:/-", "an external id")) != NULL)
			a->external_id = xstrdup(s);
		free(p);
	}
	if (v[A_SESSION] != NULL) {
		p = cfg_join(path, "session_name");
		if ((s = get_token(c, v[A_SESSION], p, SESSION_NAME_MIN,
		    SESSION_NAME_MAX, "_+=,.@-", "a session name")) != NULL)
			a->session_name = xstrdup(s);
		free(p);
	}
	if (v[A_DURATION] != NULL) {
		p = cfg_join(path, "duration");
		if (cfg_get_int(c, v[A_DURATION], p, CFG_ROLE_DURATION_MIN,
		    CFG_ROLE_DURATION_MAX, &l) == 0)
			a->duration = l;
		free(p);
	}
	if (v[A_PROFILE] != NULL) {
		p = cfg_join(path, "profile");
		if ((s = cfg_get_str(c, v[A_PROFILE], p)) != NULL)
			a->profile = xstrdup(s);
		free(p);
	}
out:
	free(path);
}

void
cfg_load_accounts(struct ctx *c, struct cfg *cfg, const struct node *n)
{
	size_t	 i, j;

	if (n->type == NODE_ALIAS)
		return;
	if (n->type != NODE_MAP) {
		cfg_expect(c, n, "accounts", "a mapping of account names", 0);
		return;
	}
	for (i = 0; i + 1 < n->nkids; i += 2) {
		if (!cfg_key_ok(c, n->kids[i], "accounts"))
			continue;
		/* Names are compared as written: they are not DNS names. */
		for (j = 0; j < i; j += 2)
			if (n->kids[j]->type == NODE_SCALAR &&
			    strcmp(n->kids[j]->str, n->kids[i]->str) == 0)
				break;
		if (j < i) {
			cfg_error_at(c, n->kids[i], "accounts", "duplicate "
			    "account '%s' (first at line %d)", n->kids[i]->str,
			    n->kids[j]->line);
			continue;
		}
		load_account(c, cfg, n->kids[i], n->kids[i + 1]);
	}
}

void
cfg_load_account_ref(struct ctx *c, const struct cfg *cfg,
    struct cfg_domain *dom, const struct node *n, const char *path)
{
	struct buf	 msg = BUF_INIT;
	const char	**names;
	const char	*s, *near;
	char		*shown;
	size_t		 i;

	if ((s = cfg_get_str(c, n, path)) == NULL)
		return;
	if (cfg_account_find(cfg, s) != NULL) {
		dom->account = xstrdup(s);
		return;
	}
	shown = cfg_printable(s);
	buf_addf(&msg, "unknown account '%s'", shown);
	if (cfg->naccounts == 0)
		buf_adds(&msg, "; declare it under the top-level accounts: key");
	else {
		names = xcalloc(cfg->naccounts, sizeof(*names));
		for (i = 0; i < cfg->naccounts; i++)
			names[i] = cfg->accounts[i].name;
		buf_adds(&msg, "; accounts: ");
		cfg_join_names(&msg, names, cfg->naccounts);
		if ((near = suggest_closest(s, names, cfg->naccounts)) != NULL)
			buf_addf(&msg, "; did you mean \"%s\"?", near);
		free(names);
	}
	cfg_error_at(c, n, path, "%s", buf_str(&msg));
	buf_release(&msg);
	free(shown);
}

const struct cfg_account *
cfg_account_find(const struct cfg *cfg, const char *name)
{
	size_t	 i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < cfg->naccounts; i++)
		if (strcmp(cfg->accounts[i].name, name) == 0)
			return &cfg->accounts[i];
	return NULL;
}

void
cfg_accounts_release(struct cfg *cfg)
{
	size_t	 i;

	for (i = 0; i < cfg->naccounts; i++) {
		free(cfg->accounts[i].name);
		free(cfg->accounts[i].role_arn);
		free(cfg->accounts[i].external_id);
		free(cfg->accounts[i].session_name);
		free(cfg->accounts[i].profile);
	}
	free(cfg->accounts);
	cfg->accounts = NULL;
	cfg->naccounts = 0;
}
