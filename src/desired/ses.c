/*
 * ses.c - the records an Amazon SES identity asks for (docs/ses.md): Easy
 * DKIM token CNAMEs and the custom MAIL FROM domain's MX and SPF records,
 * made into desired records beside the config's; the stale token CNAMEs a
 * DKIM key regeneration leaves behind; and how SES mail aligns with DMARC.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/date.h"
#include "mailauth/diag.h"
#include "mailauth/desired.h"
#include "mailauth/ses.h"

static char *
canon(const char *name)
{
	char	*c = dns_name_canon(name, NULL);

	return c != NULL ? c : xstrdup(name);
}

/* The desired record already at name of kind, or NULL. */
static struct desired *
find(struct desired *v, size_t n, const char *name, enum record_kind kind)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].kind == kind && strcmp(v[i].name, name) == 0)
			return &v[i];
	return NULL;
}

static struct desired *
add(struct desired **v, size_t *n, const struct cfg_domain *dom,
    enum record_kind kind, const char *name, const char *key,
    const struct cfg_pos *pos, const char *type, const char *text)
{
	struct desired	*w = xappend(v, n, sizeof(**v));

	w->domain = dom;
	w->kind = kind;
	w->key = xstrdup(key);
	w->line = pos->line;
	w->col = pos->col;
	w->name = canon(name);
	w->type = xstrdup(type);
	w->ttl = dom->ttl;
	w->text = xstrdup(text);
	return w;
}

static void
easy_dkim(const struct cfg *cfg, const struct cfg_domain *dom,
    const struct ses_identity *id, struct desired **v, size_t *n,
    struct diags *d)
{
	const struct cfg_ses	*ses = &dom->ses;
	const struct desired	*old;
	size_t			 i;
	char			*name, *target, *key, *cname, *x;

	if (id->ntokens == 0)
		diags_add(d, DIAG_WARNING, cfg->path, ses->pos.line,
		    ses->pos.col, "domains.%s.ses: SES identity '%s' in "
		    "region '%s' lists no Easy DKIM tokens yet; plan again "
		    "once it does", dom->name, ses->identity, ses->region);
	key = xasprintf("domains.%s.ses", dom->name);
	for (i = 0; i < id->ntokens; i++) {
		name = xasprintf("%s._domainkey.%s", id->tokens[i], dom->name);
		x = ses_token_target(id->tokens[i]);
		target = canon(x);	/* as desired.c has CNAME targets */
		free(x);
		cname = canon(name);
		old = find(*v, *n, cname, RECORD_DKIM);
		free(cname);
		if (old == NULL)
			add(v, n, dom, RECORD_DKIM, name, key, &ses->pos,
			    "CNAME", target);
		else if (old->type == NULL || strcmp(old->type, "CNAME") != 0 ||
		    strcmp(old->text, target) != 0)
			diags_add(d, DIAG_ERROR, cfg->path, old->line, old->col,
			    "%s: '%s' is an Easy DKIM token of SES identity "
			    "'%s', which needs a CNAME to '%s' there; remove "
			    "the selector from dkim:", old->key, name,
			    ses->identity, target);
		free(name);
		free(target);
	}
	free(key);
}

/*
 * SES signs with each of id's BYODKIM selectors: each must be one of
 * dom's dkim: that publishes its key on day, not one still pending (its
 * from: is later) or retired (published revoked), or SES signs with a key
 * receivers cannot find.
 */
static void
byodkim(const struct cfg *cfg, const struct cfg_domain *dom,
    const struct ses_identity *id, long day, struct diags *d)
{
	const struct cfg_dkim	*sel;
	struct buf		 why = BUF_INIT;
	char			 date[11];
	size_t			 i, j;

	for (i = 0; i < id->ntokens; i++) {
		for (j = 0; j < dom->ndkim; j++)
			if (strcmp(dom->dkim[j].selector, id->tokens[i]) == 0)
				break;
		sel = j < dom->ndkim ? &dom->dkim[j] : NULL;
		buf_reset(&why);
		switch (sel == NULL ? CFG_DKIM_ABSENT : cfg_dkim_at(sel, day)) {
		case CFG_DKIM_ACTIVE:
			continue;
		case CFG_DKIM_PENDING:
			date_format(sel->from, date);
			buf_addf(&why, "publishes only from %s; switch SES to "
			    "it from that day", date);
			break;
		case CFG_DKIM_RETIRED:
			date_format(sel->retire, date);
			buf_addf(&why, "retired on %s; switch SES to an active "
			    "selector first", date);
			break;
		case CFG_DKIM_ABSENT:
			buf_adds(&why, "does not publish; add the selector's "
			    "public key there");
			break;
		}
		diags_add(d, DIAG_ERROR, cfg->path, dom->ses.pos.line,
		    dom->ses.pos.col, "domains.%s.ses: SES identity '%s' signs "
		    "with its own key (BYODKIM) under selector '%s', which "
		    "domains.%s.dkim %s", dom->name, dom->ses.identity,
		    id->tokens[i], dom->name, buf_str(&why));
	}
	buf_release(&why);
}

static void
mail_from(const struct cfg *cfg, const struct cfg_domain *dom,
    const struct ses_identity *id, struct desired **v, size_t *n,
    struct diags *d)
{
	const struct cfg_ses	*ses = &dom->ses;
	const struct cfg_pos	*pos = &ses->mail_from_pos;
	const struct desired	*old;
	char			*key, *name, *mx;

	if (ses->mail_from == NULL) {
		if (id->mail_from_domain != NULL)
			diags_add(d, DIAG_WARNING, cfg->path, ses->pos.line,
			    ses->pos.col, "domains.%s.ses: SES identity '%s' "
			    "uses the MAIL FROM domain '%s', which mail_from "
			    "does not name: its MX and SPF records are not "
			    "managed", dom->name, ses->identity,
			    id->mail_from_domain);
		return;
	}
	key = xasprintf("domains.%s.ses.mail_from", dom->name);
	name = canon(ses->mail_from);
	if ((old = find(*v, *n, name, RECORD_SPF)) != NULL)
		diags_add(d, DIAG_ERROR, cfg->path, pos->line, pos->col,
		    "%s: %s already publishes the SPF record at '%s'; remove "
		    "one of them", key, old->key, ses->mail_from);
	else if ((old = find(*v, *n, name, RECORD_MAIL_FROM)) != NULL)
		diags_add(d, DIAG_ERROR, cfg->path, pos->line, pos->col,
		    "%s: %s already names '%s'; a MAIL FROM domain serves one "
		    "identity", key, old->key, ses->mail_from);
	else {
		mx = xasprintf("%d feedback-smtp.%s.amazonses.com",
		    SES_MAIL_FROM_PRIORITY, ses->region);
		add(v, n, dom, RECORD_MAIL_FROM, ses->mail_from, key, pos,
		    "MX", mx);
		add(v, n, dom, RECORD_SPF, ses->mail_from, key, pos, "TXT",
		    SES_MAIL_FROM_SPF);
		free(mx);
	}
	if (id->mail_from_domain == NULL)
		diags_add(d, DIAG_WARNING, cfg->path, pos->line, pos->col,
		    "%s: SES identity '%s' has no custom MAIL FROM domain; "
		    "set it with 'aws sesv2 put-email-identity-mail-from-"
		    "attributes --email-identity %s --mail-from-domain %s "
		    "--region %s'", key, ses->identity, ses->identity,
		    ses->mail_from, ses->region);
	else if (strcmp(id->mail_from_domain, ses->mail_from) != 0)
		diags_add(d, DIAG_WARNING, cfg->path, pos->line, pos->col,
		    "%s: SES identity '%s' uses the MAIL FROM domain '%s', "
		    "not '%s'; SES bounces go to its own until they agree",
		    key, ses->identity, id->mail_from_domain, ses->mail_from);
	free(name);
	free(key);
}

int
desired_build_ses(const struct cfg *cfg, long day,
    const struct ses_identity *ids, struct desired **v, size_t *n,
    struct diags *d)
{
	size_t	 i, nerrors = d->nerrors;

	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain		*dom = &cfg->domains[i];
		const struct ses_identity	*id = &ids[i];

		if (!dom->ses.present)
			continue;
		switch (id->dkim_origin) {
		case SES_DKIM_EASY:
			easy_dkim(cfg, dom, id, v, n, d);
			break;
		case SES_DKIM_EXTERNAL:
			byodkim(cfg, dom, id, day, d);
			break;
		case SES_DKIM_UNKNOWN:
			diags_add(d, DIAG_WARNING, cfg->path, dom->ses.pos.line,
			    dom->ses.pos.col, "domains.%s.ses: SES identity "
			    "'%s' gives %s%s%s; no DKIM record is planned for "
			    "it", dom->name, dom->ses.identity,
			    id->dkim_origin_name != NULL ? "the DKIM signing "
			    "origin '" : "no DKIM signing origin",
			    id->dkim_origin_name != NULL ?
			    id->dkim_origin_name : "",
			    id->dkim_origin_name != NULL ? "', which mailauth "
			    "does not know" : "");
			break;
		}
		mail_from(cfg, dom, id, v, n, d);
	}
	return d->nerrors > nerrors ? -1 : 0;
}


/* --- alignment --- */

void
ses_alignment(const struct cfg_domain *dom, const struct ses_identity *id,
    struct buf *out)
{
	const char	*mf = dom->ses.mail_from;

	buf_addf(out, "%s: mail sent through SES ", dom->name);
	if (id->dkim_origin == SES_DKIM_UNKNOWN)
		buf_adds(out, "has no DKIM signature mailauth knows of");
	else
		buf_addf(out, "aligns on DKIM (%s, d=%s%s%s)",
		    id->dkim_origin == SES_DKIM_EASY ? "Easy DKIM" : "BYODKIM",
		    dom->ses.identity, id->dkim_status != NULL &&
		    strcmp(id->dkim_status, "SUCCESS") != 0 ?
		    ", once SES verifies it: now " : "",
		    id->dkim_status != NULL &&
		    strcmp(id->dkim_status, "SUCCESS") != 0 ?
		    id->dkim_status : "");
	if (mf == NULL)
		buf_adds(out, "; SPF does not align: SES's default MAIL FROM "
		    "is below amazonses.com (set ses.mail_from for SPF)");
	else if (dom->dmarc.spec.aspf == DMARC_ALIGN_STRICT)
		buf_addf(out, "; SPF does not align: aspf=s wants the MAIL "
		    "FROM domain to be %s itself, not %s", dom->name, mf);
	else
		buf_addf(out, "; SPF aligns through the MAIL FROM domain %s",
		    mf);
	if (id->dkim_origin == SES_DKIM_UNKNOWN && mf == NULL)
		buf_adds(out, "; DMARC does not pass");
	else if (mf == NULL || dom->dmarc.spec.aspf == DMARC_ALIGN_STRICT)
		buf_adds(out, "; DMARC passes on DKIM alone");
}
