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

/* --- look-alikes that no config entry manages --- */

/*
 * What a set found at a name of dom (canonical dcanon) looks like to
 * mailauth: "a DMARC record" at _dmarc.<domain>, "a DKIM selector" at
 * <selector>._domainkey.<domain> (a key record or a CNAME); NULL for
 * anything else.
 */
static const char *
look_alike(const struct rrset *rs, const char *dcanon)
{
	struct buf	 text = BUF_INIT;
	size_t		 n = strlen(rs->name), dn = strlen(dcanon), i;
	const char	*what = NULL, *dot;
	enum record_kind kind;

	if (rs->alias_target != NULL || n <= dn ||
	    strcmp(rs->name + n - dn, dcanon) != 0 ||
	    rs->name[n - dn - 1] != '.')
		return NULL;
	if (n - dn == 7 && strncmp(rs->name, "_dmarc.", 7) == 0)
		kind = RECORD_DMARC;
	else if ((dot = strchr(rs->name, '.')) != NULL &&
	    (size_t)(dot - rs->name) + 12 == n - dn &&
	    strncmp(dot + 1, "_domainkey.", 11) == 0)
		kind = RECORD_DKIM;
	else
		return NULL;
	if (kind == RECORD_DKIM && strcmp(rs->type, "CNAME") == 0)
		return "a DKIM selector";
	if (strcmp(rs->type, "TXT") != 0)
		return NULL;
	for (i = 0; i < rs->nvalues && what == NULL; i++) {
		buf_reset(&text);
		if (txt_decode(rs->values[i], &text, NULL) == 0 &&
		    record_kind_owns(kind, buf_str(&text)))
			what = kind == RECORD_DMARC ? "a DMARC record" :
			    "a DKIM selector";
	}
	buf_release(&text);
	return what;
}

/* 1 when a note, a desired record or a stale token is at name already. */
static int
spoken_for(const char *name, const struct desired *v, size_t n,
    const struct plan_stale *stale, size_t nstale,
    const struct plan_notice *notes, size_t nnotes)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return 1;
	for (i = 0; i < nstale; i++)
		if (strcmp(stale[i].set->name, name) == 0)
			return 1;
	for (i = 0; i < nnotes; i++)
		if (strcmp(notes[i].name, name) == 0)
			return 1;
	return 0;
}

static void
unmanaged_one(const struct cfg *cfg, const struct zone *z,
    const struct rrset *rs, const struct desired *v, size_t n,
    const struct plan_stale *stale, size_t nstale,
    struct plan_notice **notes, size_t *nnotes)
{
	const struct cfg_domain	*dom;
	const char		*what = NULL;
	char			*canon, *shown, *msg;
	size_t			 i, j;

	for (i = 0; i < cfg->ndomains && what == NULL; i++) {
		dom = &cfg->domains[i];
		if ((canon = dns_name_canon(dom->name, NULL)) == NULL)
			continue;
		/* Only in the zone that holds the domain's records. */
		for (j = 0; j < n; j++)
			if (v[j].domain == dom)
				break;
		if (dns_name_in_zone(canon, z->name) && j < n)
			what = look_alike(rs, canon);
		free(canon);
	}
	if (what == NULL || spoken_for(rs->name, v, n, stale, nstale, *notes,
	    *nnotes))
		return;
	dom = &cfg->domains[i - 1];
	shown = dns_name_display(rs->name);
	if (strcmp(what, "a DKIM selector") == 0)
		msg = xasprintf("'%s' looks like %s but is not in the config; "
		    "mailauth leaves it alone (remove it by hand or declare it "
		    "with state: absent)", shown, what);
	else
		msg = xasprintf("'%s' looks like %s but is not in the config; "
		    "mailauth leaves it alone (remove it by hand or declare "
		    "dmarc: for '%s')", shown, what, dom->name);
	plan_notice_add(notes, nnotes, msg, dom->name, rs->name);
	free(msg);
	free(shown);
}

void
plan_unmanaged(const struct cfg *cfg, const struct desired *v, size_t n,
    const struct live_state *ls, const struct plan_stale *stale,
    size_t nstale, struct plan_notice **notes, size_t *nnotes)
{
	size_t	 i, j;

	for (i = 0; i < ls->nothers; i++)
		unmanaged_one(cfg, ls->others[i].zone, &ls->others[i].set, v, n,
		    stale, nstale, notes, nnotes);
	for (i = 0; i < ls->nbelows; i++)
		for (j = 0; j < ls->belows[i].nsets; j++)
			unmanaged_one(cfg, ls->belows[i].zone,
			    &ls->belows[i].sets[j], v, n, stale, nstale, notes,
			    nnotes);
}
