/*
 * stale.c - the Easy DKIM token CNAMEs a DKIM key regeneration in Amazon
 * SES leaves behind (docs/ses.md): which names below "_domainkey.<domain>"
 * the live read lists, and which of the sets found there are stale, for
 * plan_diff() to delete or keep with a note.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/desired.h"
#include "mailauth/dns.h"
#include "mailauth/live.h"
#include "mailauth/plan.h"
#include "mailauth/ses.h"

/* --- stale tokens --- */

static int
is_token(const struct ses_identity *id, const char *label)
{
	size_t	 i;

	for (i = 0; i < id->ntokens; i++)
		if (strcmp(id->tokens[i], label) == 0)
			return 1;
	return 0;
}

static int
is_selector(const struct cfg_domain *dom, const char *label)
{
	size_t	 i;

	for (i = 0; i < dom->ndkim; i++)
		if (strcmp(dom->dkim[i].selector, label) == 0)
			return 1;
	return 0;
}

/*
 * The x of a CNAME set <x>._domainkey.<domain> -> <x>.dkim.amazonses.com
 * (malloc'd), or NULL when rs is anything else.  top is
 * "_domainkey.<domain>." canonical.
 */
static char *
token_cname(const struct rrset *rs, const char *top)
{
	size_t	 n = strlen(rs->name), tl = strlen(top);
	char	*x, *y = NULL;

	if (strcmp(rs->type, "CNAME") != 0 || rs->alias_target != NULL ||
	    rs->nvalues != 1 || n <= tl + 1 || rs->name[n - tl - 1] != '.')
		return NULL;
	x = xstrndup(rs->name, n - tl - 1);
	if (strchr(x, '.') != NULL || !ses_token_target_parse(rs->values[0],
	    &y) || strcmp(x, y) != 0) {
		free(x);
		x = NULL;
	}
	free(y);
	return x;
}

static void
stale(const struct cfg_domain *dom, const struct live_below *b,
    const struct rrset *rs, struct plan_stale **v, size_t *n)
{
	struct plan_stale	*st;

	st = xappend(v, n, sizeof(**v));
	st->below = b;
	st->set = rs;
	st->remove = dom->ses.prune_stale_tokens;
	if (st->remove)
		st->note = xasprintf("stale Easy DKIM token: no longer a token "
		    "of SES identity '%s'; deleted (ses.prune_stale_tokens)",
		    dom->ses.identity);
	else
		st->note = xasprintf("stale Easy DKIM token: no longer a token "
		    "of SES identity '%s'; kept (set "
		    "ses.prune_stale_tokens: true to delete it)",
		    dom->ses.identity);
}

/* "_domainkey.<domain>." canonical (malloc'd). */
static char *
token_top(const struct cfg_domain *dom)
{
	char	*x = xasprintf("_domainkey.%s", dom->name), *top;

	if ((top = dns_name_canon(x, NULL)) == NULL)
		top = xstrdup(x);
	free(x);
	return top;
}

char **
ses_token_tops(const struct cfg *cfg, const struct desired *v, size_t n)
{
	char	**tops = xcalloc(cfg->ndomains + 1, sizeof(*tops));
	size_t	  i, j;

	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain	*dom = &cfg->domains[i];

		if (!dom->ses.present)
			continue;
		/* Only in a zone the plan reads: a domain with records. */
		for (j = 0; j < n; j++)
			if (v[j].domain == dom)
				break;
		if (j < n)
			tops[i] = token_top(dom);
	}
	return tops;
}

void
ses_token_tops_release(char **tops, size_t n)
{
	size_t	 i;

	for (i = 0; tops != NULL && i < n; i++)
		free(tops[i]);
	free(tops);
}

void
ses_stale_tokens(const struct cfg *cfg, const struct ses_identity *ids,
    const struct live_state *ls, struct plan_stale **v, size_t *n)
{
	size_t	 i, j, k;
	char	*x;

	*v = NULL;
	*n = 0;
	for (i = 0; i < ls->nbelows; i++) {
		const struct live_below	*b = &ls->belows[i];
		const struct cfg_domain	*dom = b->domain;

		k = (size_t)(dom - cfg->domains);
		for (j = 0; j < b->nsets; j++) {
			if ((x = token_cname(&b->sets[j], b->name)) == NULL)
				continue;
			if (!is_token(&ids[k], x) && !is_selector(dom, x))
				stale(dom, b, &b->sets[j], v, n);
			free(x);
		}
	}
}

void
plan_stale_release(struct plan_stale *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i].note);
	free(v);
}
