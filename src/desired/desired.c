/*
 * desired.c - config -> desired records: what mailauth wants each domain to
 * publish on a given day (a DMARC rollout's stage of that day), rendered,
 * checked against its RFC, and which live values each kind of record owns.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mailauth/bimi.h"
#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/date.h"
#include "mailauth/diag.h"
#include "mailauth/dkim.h"
#include "mailauth/dmarc.h"
#include "mailauth/dmarc-report.h"
#include "mailauth/gate.h"
#include "mailauth/desired.h"
#include "mailauth/mtasts.h"
#include "mailauth/spf.h"
#include "mailauth/tlsrpt.h"

/* Moves the findings of found into d, located at the record's key. */
static void
relocate(struct diags *found, const struct cfg *cfg, const struct desired *w,
    int errors_only, struct diags *d)
{
	size_t	 i;

	for (i = 0; i < found->n; i++)
		if (!errors_only || found->v[i].level == DIAG_ERROR)
			diags_add(d, found->v[i].level, cfg->path, w->line,
			    w->col, "%s", found->v[i].msg);
	diags_release(found);
}

static struct desired *
add(struct desired **v, size_t *n, const struct cfg_domain *dom,
    enum record_kind kind, const char *prefix, const struct cfg_pos *pos,
    const char *key)
{
	struct desired	*w = xappend(v, n, sizeof(**v));
	char		*name = xasprintf("%s%s", prefix, dom->name);

	w->domain = dom;
	w->kind = kind;
	w->key = xstrdup(key);
	w->line = pos->line;
	w->col = pos->col;
	/* The loader checked the names, so they canonicalise. */
	if ((w->name = dns_name_canon(name, NULL)) == NULL)
		w->name = xstrdup(name);
	w->ttl = dom->ttl;
	free(name);
	return w;
}

/* The TXT record of a selector from its public key; -1 on errors in d. */
static int
dkim_text(const struct cfg_dkim *sel, const char *key, struct buf *out,
    struct diags *found)
{
	if (sel->kind == DKIM_PUBLIC_KEY_FILE)
		return dkim_record_from_file(sel->value, key, out, found);
	return dkim_record_from_spki_base64(sel->value, key, out, found);
}

/*
 * A revoked key record (RFC 6376 §3.6.1): text, as dkim_record_from_*()
 * write it ("v=DKIM1; k=TYPE; p=KEY"), with its key removed.
 */
static char *
revoked(const struct buf *text)
{
	const char	*p = strstr(buf_str(text), "; p=");

	if (p == NULL)
		return xstrdup(buf_str(text));
	return xstrndup(buf_str(text), (size_t)(p - buf_str(text)) +
	    strlen("; p="));
}

/*
 * Warns when dom's dkim: has no selector active on day, or none on the
 * day, within DKIM_RETIRE_NOTICE days, that a selector active now
 * retires.  A dkim: of state: absent alone (a clean-up) is no rotation.
 */
#define DKIM_RETIRE_NOTICE	14

static void
warn_inactive(const struct cfg *cfg, const struct cfg_domain *dom, long day,
    struct diags *d)
{
	const struct cfg_dkim	*soon = NULL, *sel;
	size_t			 i, kept = 0;
	char			 date[11];

	for (i = 0; i < dom->ndkim; i++)
		kept += dom->dkim[i].kind != DKIM_ABSENT;
	if (kept == 0)
		return;
	if (cfg_dkim_active(dom, day) == 0) {
		date_format(day, date);
		diags_add(d, DIAG_WARNING, cfg->path, dom->dkim[0].pos.line,
		    dom->dkim[0].pos.col, "domains.%s.dkim: no selector is "
		    "active on %s (each is pending, retired or absent): mail "
		    "signed with any of them fails DKIM", dom->name, date);
		return;
	}
	for (i = 0; i < dom->ndkim; i++) {
		sel = &dom->dkim[i];
		if (cfg_dkim_at(sel, day) == CFG_DKIM_ACTIVE &&
		    sel->retire >= 0 && sel->retire - day <= DKIM_RETIRE_NOTICE &&
		    (soon == NULL || sel->retire < soon->retire) &&
		    cfg_dkim_active(dom, sel->retire) == 0)
			soon = sel;
	}
	if (soon == NULL)
		return;
	date_format(soon->retire, date);
	diags_add(d, DIAG_WARNING, cfg->path, soon->pos.line, soon->pos.col,
	    "domains.%s.dkim.%s: retires on %s (in %ld day%s) and no other "
	    "selector is active then: publish the next key with from: and "
	    "switch the signer to it first", dom->name, soon->selector, date,
	    soon->retire - day, soon->retire - day == 1 ? "" : "s");
}

/* The selectors of dom as they stand on day (docs/rotation.md). */
static void
build_dkim(const struct cfg *cfg, const struct cfg_domain *dom, long day,
    struct desired **out, size_t *nout, struct diags *d)
{
	struct diags	 found = DIAGS_INIT;
	struct buf	 text = BUF_INIT;
	size_t		 i;

	for (i = 0; i < dom->ndkim; i++) {
		const struct cfg_dkim	*sel = &dom->dkim[i];
		enum cfg_dkim_state	 st = cfg_dkim_at(sel, day);
		struct desired		*w;
		char			*prefix, *key;

		prefix = xasprintf("%s._domainkey.", sel->selector);
		key = xasprintf("domains.%s.dkim.%s", dom->name, sel->selector);
		w = add(out, nout, dom, RECORD_DKIM, prefix, &sel->pos, key);
		if (st == CFG_DKIM_PENDING)
			w->leave = 1;
		else if (sel->kind == DKIM_ABSENT)
			w->absent = 1;
		else if (sel->kind == DKIM_CNAME) {
			w->type = xstrdup("CNAME");
			if ((w->text = dns_name_canon(sel->value, NULL)) ==
			    NULL)
				w->text = xstrdup(sel->value);
		} else {
			w->type = xstrdup("TXT");
			buf_reset(&text);
			/* The key is still read when retired: its type
			 * stays in the record, and the config checkable. */
			if (dkim_text(sel, key, &text, &found) == 0 &&
			    st == CFG_DKIM_ACTIVE)
				dkim_check(buf_str(&text), key, &found);
			w->text = st == CFG_DKIM_RETIRED ? revoked(&text) :
			    xstrdup(buf_str(&text));
			relocate(&found, cfg, w, 0, d);
		}
		free(prefix);
		free(key);
	}
	buf_release(&text);
	warn_inactive(cfg, dom, day, d);
}

/* Where the rollout stands at stage st (NULL: before the first), for the
 * plan. */
struct plan_stage *
desired_stage(const struct cfg_rollout *ro, const struct cfg_stage *st)
{
	struct plan_stage	*ps = xcalloc(1, sizeof(*ps));
	size_t			 i = st != NULL ? (size_t)(st - ro->stages) + 1 : 0;

	ps->number = (int)i;
	ps->count = (int)ro->nstages;
	ps->pct = -1;
	if (st != NULL) {
		date_format(st->from, ps->from);
		ps->policy = st->policy;
		ps->testing = st->testing;
		ps->pct = st->pct;
		ps->rollback = st->rollback;
	}
	if (i < ro->nstages)
		date_format(ro->stages[i].from, ps->next);
	return ps;
}

/*
 * The record of every stage, checked: a later stage's record is as much
 * the config's as today's.  Errors are located at the stage.
 */
static void
check_stages(const struct cfg *cfg, const struct cfg_domain *dom,
    struct diags *d)
{
	const struct cfg_rollout	*ro = &dom->dmarc.rollout;
	struct diags			 found = DIAGS_INIT;
	struct buf			 text = BUF_INIT;
	struct dmarc_spec		 at;
	size_t				 i, j;
	char				*key;

	for (i = 0; i < ro->nstages; i++) {
		cfg_dmarc_at(&dom->dmarc, &ro->stages[i], &at);
		buf_reset(&text);
		dmarc_render(&at, &text);
		key = xasprintf("domains.%s.dmarc.rollout[%zu]", dom->name, i);
		dmarc_check(buf_str(&text), key, &found);
		for (j = 0; j < found.n; j++)
			if (found.v[j].level == DIAG_ERROR)
				diags_add(d, DIAG_ERROR, cfg->path,
				    ro->stages[i].pos.line,
				    ro->stages[i].pos.col, "%s",
				    found.v[j].msg);
		diags_release(&found);
		free(key);
	}
	buf_release(&text);
}

static void
build_dmarc(const struct cfg *cfg, const struct cfg_domain *dom, long day,
    const struct gate_verdict *gate, struct desired **out, size_t *nout,
    struct diags *d)
{
	const struct cfg_stage	*st = NULL;
	struct diags		 found = DIAGS_INIT;
	struct buf		 text = BUF_INIT;
	struct dmarc_spec	 at;
	struct desired		*w;
	char			*key;

	key = xasprintf("domains.%s.dmarc", dom->name);
	w = add(out, nout, dom, RECORD_DMARC, "_dmarc.", &dom->dmarc.pos, key);
	at = dom->dmarc.spec;
	if (dom->dmarc.rollout.nstages > 0) {
		check_stages(cfg, dom, d);
		st = cfg_rollout_at(&dom->dmarc.rollout, day);
		/* Held by the gate: the stage before the one due. */
		if (gate != NULL && (gate->state == GATE_HOLD ||
		    gate->state == GATE_NO_DATA) && gate->current > 0) {
			st = &dom->dmarc.rollout.stages[gate->current - 1];
			w->held = 1;
		}
		w->stage = desired_stage(&dom->dmarc.rollout, st);
		if (st == NULL) {
			w->leave = 1;
			goto out;
		}
		cfg_dmarc_at(&dom->dmarc, st, &at);
	}
	dmarc_render(&at, &text);
	w->type = xstrdup("TXT");
	w->text = xstrdup(buf_str(&text));
	/* The loader already warned about legacy tags; the stages were
	 * checked above. */
	if (st == NULL) {
		dmarc_check(w->text, key, &found);
		relocate(&found, cfg, w, 1, d);
	}
out:
	buf_release(&text);
	free(key);
}

/* The domain of cfg named name (lower case, A-labels, no final dot), or
 * NULL. */
static const struct cfg_domain *
cfg_domain_named(const struct cfg *cfg, const char *name)
{
	size_t	 i;

	for (i = 0; i < cfg->ndomains; i++)
		if (strcmp(cfg->domains[i].name, name) == 0)
			return &cfg->domains[i];
	return NULL;
}

/*
 * The parked domain of cfg that receives the reports sent to uri, a
 * mailto: URI as the config holds it (an address, then "!SIZE" or
 * "?..." maybe), or NULL: a parked domain's null MX refuses all mail
 * (RFC 7505), so reports sent there never arrive.
 */
static const struct cfg_domain *
parked_report_domain(const struct cfg *cfg, const char *uri)
{
	const struct cfg_domain	*rd = NULL;
	char			*host;

	if ((host = dmarc_mailto_domain(uri, strlen(uri))) != NULL) {
		rd = cfg_domain_named(cfg, host);
		free(host);
	}
	return rd != NULL && rd->parked ? rd : NULL;
}

/* Warns at key (pos) for each of the n report URIs whose domain is
 * parked. */
static void
warn_parked_reports(const struct cfg *cfg, const char *key,
    const struct cfg_pos *pos, char *const *uris, size_t n,
    struct diags *d)
{
	const struct cfg_domain	*rd;
	size_t			 i;

	for (i = 0; i < n; i++)
		if ((rd = parked_report_domain(cfg, uris[i])) != NULL)
			diags_add(d, DIAG_WARNING, cfg->path, pos->line,
			    pos->col, "%s: reports go to '%s', but "
			    "domains.%s is parked: its null MX refuses all "
			    "mail, so no report arrives", key, uris[i],
			    rd->name);
}

/* The authorizations the rua and ruf of dom's DMARC config need: the
 * same for every stage of a rollout, which changes only the policy. */
static void
spec_auths(const struct cfg_domain *dom, struct dmarc_report_auth **v,
    size_t *n)
{
	const struct dmarc_spec	*sp = &dom->dmarc.spec;
	size_t			 i;

	for (i = 0; i < sp->nrua; i++)
		dmarc_report_auths(dom->name, sp->rua[i], v, n);
	for (i = 0; i < sp->nruf; i++)
		dmarc_report_auths(dom->name, sp->ruf[i], v, n);
}

/*
 * The report authorization records the DMARC record of (*out)[i] needs
 * (RFC 9990 §4): a desired record in the report domain's zone when that
 * domain is in cfg, else a warning at the DMARC key.  Before a rollout's
 * first stage the _dmarc record is left as it is, and so is the
 * authorization: its name is still managed (read, shown, and in the IAM
 * policy that must allow the stage to come).
 */
static void
build_report_auths(const struct cfg *cfg, struct desired **out,
    size_t *nout, size_t i, struct diags *d)
{
	struct dmarc_report_auth	*v = NULL;
	size_t				 n = 0, j;

	spec_auths((*out)[i].domain, &v, &n);
	for (j = 0; j < n; j++) {
		const struct desired	*dm = &(*out)[i];
		const struct cfg_domain	*rd;
		struct desired		*w;

		rd = cfg_domain_named(cfg, v[j].report_domain);
		if (v[j].too_long) {
			diags_add(d, DIAG_WARNING, cfg->path, dm->line, dm->col,
			    "%s: the report authorization name '%s' is longer "
			    "than a DNS name can be, so no report domain can "
			    "publish it: receivers ignore the report addresses "
			    "at '%s' (RFC 9990 §4)", dm->key, v[j].name,
			    v[j].report_domain);
			continue;
		}
		if (rd == NULL) {
			diags_add(d, DIAG_WARNING, cfg->path, dm->line, dm->col,
			    "%s: reports go to '%s', another organisation: "
			    "receivers ignore those addresses unless '%s' "
			    "publishes TXT \"" DMARC_REPORT_AUTH_TEXT "\" at "
			    "'%s' (RFC 9990 §4); mailauth publishes it only "
			    "for a domain of this config", dm->key,
			    v[j].report_domain, v[j].report_domain,
			    v[j].name);
			continue;
		}
		w = xappend(out, nout, sizeof(**out));
		dm = &(*out)[i];
		w->domain = rd;
		w->kind = RECORD_REPORT_AUTH;
		w->key = xstrdup(dm->key);
		w->line = dm->line;
		w->col = dm->col;
		if ((w->name = dns_name_canon(v[j].name, NULL)) == NULL)
			w->name = xstrdup(v[j].name);
		w->ttl = rd->ttl;
		if ((w->leave = dm->leave) == 0) {
			w->type = xstrdup("TXT");
			w->text = xstrdup(DMARC_REPORT_AUTH_TEXT);
		}
	}
	dmarc_report_auths_release(v, n);
}

/* --- posture: parked domains and TLS-RPT --- */

/* A desired record of text, fixed by the config key at pos. */
static void
add_text(struct desired **out, size_t *nout, const struct cfg_domain *dom,
    enum record_kind kind, const char *prefix, const struct cfg_pos *pos,
    const char *key, const char *type, const char *text)
{
	struct desired	*w = add(out, nout, dom, kind, prefix, pos, key);

	w->type = xstrdup(type);
	w->text = xstrdup(text);
}

/*
 * A parked domain sends and receives no mail: SPF allows no host, the
 * null MX says no mail is accepted (RFC 7505), DMARC rejects what claims
 * to come from it or its subdomains, and the wildcard below _domainkey
 * revokes every key (RFC 6376 §3.6.1).
 */
static void
build_parked(const struct cfg_domain *dom, struct desired **out,
    size_t *nout)
{
	char	*key = xasprintf("domains.%s.parked", dom->name);

	add_text(out, nout, dom, RECORD_SPF, "", &dom->parked_pos, key, "TXT",
	    PARKED_SPF);
	add_text(out, nout, dom, RECORD_NULL_MX, "", &dom->parked_pos, key,
	    "MX", PARKED_NULL_MX);
	add_text(out, nout, dom, RECORD_DMARC, "_dmarc.", &dom->parked_pos,
	    key, "TXT", PARKED_DMARC);
	add_text(out, nout, dom, RECORD_DKIM, "*._domainkey.",
	    &dom->parked_pos, key, "TXT", PARKED_DKIM);
	free(key);
}

static void
build_tls_rpt(const struct cfg_domain *dom, struct desired **out,
    size_t *nout)
{
	struct buf	 text = BUF_INIT;
	char		*key = xasprintf("domains.%s.tls_rpt", dom->name);

	tlsrpt_render(dom->tls_rpt.rua, dom->tls_rpt.nrua, &text);
	add_text(out, nout, dom, RECORD_TLSRPT, TLSRPT_NAME_PREFIX,
	    &dom->tls_rpt.pos, key, "TXT", buf_str(&text));
	buf_release(&text);
	free(key);
}

/* The MTA-STS record: its id is the policy file's (mailauth/mtasts.h). */
static void
build_mta_sts(const struct cfg *cfg, const struct cfg_domain *dom,
    struct desired **out, size_t *nout, struct diags *d)
{
	struct diags	 found = DIAGS_INIT;
	struct buf	 text = BUF_INIT;
	struct desired	*w;
	char		*key = xasprintf("domains.%s.mta_sts", dom->name);

	w = add(out, nout, dom, RECORD_MTA_STS, "_mta-sts.", &dom->mta_sts.pos,
	    key);
	mtasts_render(&dom->mta_sts.spec, &text);
	w->type = xstrdup("TXT");
	w->text = buf_detach(&text);
	mtasts_check_bytes(w->text, strlen(w->text), key, &found);
	relocate(&found, cfg, w, 0, d);
	free(key);
}

/*
 * 0 when the DMARC record dom publishes (dmarc; NULL: none that day) is
 * at enforcement as BIMI receivers want it: p=quarantine or p=reject, no
 * pct= other than 100, no t=y, no sp=none (the BIMI draft, §2 "Domain
 * Owners"); else -1 with why.
 */
static int
bimi_dmarc_ok(const struct cfg_domain *dom, const char *dmarc,
    struct buf *why)
{
	struct dmarc_record	 rec;
	const char		*p, *pct, *t, *sp;
	int			 ok;

	if (!dom->dmarc.present) {
		buf_adds(why, "the domain has no dmarc key");
		return -1;
	}
	if (dmarc == NULL) {
		buf_adds(why, "its DMARC rollout has not begun");
		return -1;
	}
	if (dmarc_parse(dmarc, &rec, NULL) == -1) {
		buf_addf(why, "the DMARC record '%s' does not parse", dmarc);
		return -1;
	}
	p = dmarc_tag_get(&rec, "p");
	pct = dmarc_tag_get(&rec, "pct");
	t = dmarc_tag_get(&rec, "t");
	sp = dmarc_tag_get(&rec, "sp");
	ok = p != NULL && (dmarc_policy_parse(p, DMARC_CASE_ANY) ==
	    DMARC_POLICY_QUARANTINE || dmarc_policy_parse(p, DMARC_CASE_ANY) ==
	    DMARC_POLICY_REJECT) && (pct == NULL || strcmp(pct, "100") == 0) &&
	    (t == NULL || strcasecmp(t, "y") != 0) && (sp == NULL ||
	    dmarc_policy_parse(sp, DMARC_CASE_ANY) != DMARC_POLICY_NONE);
	if (!ok)
		buf_addf(why, "the DMARC record is '%s'", dmarc);
	dmarc_record_release(&rec);
	return ok ? 0 : -1;
}

/*
 * The BIMI record, refused (an error at the bimi key) unless the DMARC
 * record dom publishes on day (dmarc, NULL: none) is at enforcement.
 */
static void
build_bimi(const struct cfg *cfg, const struct cfg_domain *dom, long day,
    const char *dmarc, struct desired **out, size_t *nout, struct diags *d)
{
	struct bimi_spec	 spec = { dom->bimi.logo, dom->bimi.authority };
	struct diags		 found = DIAGS_INIT;
	struct buf		 text = BUF_INIT, why = BUF_INIT;
	struct desired		*w;
	char			 date[11];
	char			*key = xasprintf("domains.%s.bimi", dom->name);

	if (bimi_dmarc_ok(dom, dmarc, &why) == -1) {
		date_format(day, date);
		diags_add(d, DIAG_ERROR, cfg->path, dom->bimi.pos.line,
		    dom->bimi.pos.col, "%s: receivers show a BIMI logo only "
		    "when DMARC is at enforcement (p=quarantine or p=reject "
		    "for all mail: no pct below 100, no t=y, no sp=none), but "
		    "on %s %s", key, date, buf_str(&why));
		goto out;
	}
	w = add(out, nout, dom, RECORD_BIMI, "default._bimi.", &dom->bimi.pos,
	    key);
	bimi_render(&spec, &text);
	w->type = xstrdup("TXT");
	w->text = buf_detach(&text);
	bimi_check_bytes(w->text, strlen(w->text), key, &found);
	relocate(&found, cfg, w, 0, d);
out:
	buf_release(&why);
	free(key);
}

int
desired_build(const struct cfg *cfg, long day, struct desired **out,
    size_t *nout, struct diags *d)
{
	return desired_build_gated(cfg, day, NULL, out, nout, d);
}

int
desired_build_gated(const struct cfg *cfg, long day,
    const struct gate_verdict *gates, struct desired **out, size_t *nout,
    struct diags *d)
{
	struct diags	 found = DIAGS_INIT;
	struct buf	 text = BUF_INIT;
	size_t		 i, n, nerrors = d->nerrors, dm;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < cfg->ndomains; i++) {
		const struct cfg_domain	*dom = &cfg->domains[i];
		struct desired		*w;
		char			*key;

		if (dom->spf.present) {
			key = xasprintf("domains.%s.spf", dom->name);
			w = add(out, nout, dom, RECORD_SPF, "", &dom->spf.pos,
			    key);
			buf_reset(&text);
			spf_render(&dom->spf.spec, &text);
			w->type = xstrdup("TXT");
			w->text = xstrdup(buf_str(&text));
			spf_check_at(dom->name, w->text, strlen(w->text), key,
			    SPF_CHECK_ALL, &found);
			relocate(&found, cfg, w, 0, d);
			free(key);
		}
		build_dkim(cfg, dom, day, out, nout, d);
		dm = *nout;
		if (dom->dmarc.present)
			build_dmarc(cfg, dom, day, gates != NULL ?
			    &gates[i] : NULL, out, nout, d);
		if (dom->parked)
			build_parked(dom, out, nout);
		if (dom->tls_rpt.present)
			build_tls_rpt(dom, out, nout);
		if (dom->dmarc.present) {
			key = xasprintf("domains.%s.dmarc", dom->name);
			warn_parked_reports(cfg, key, &dom->dmarc.pos,
			    dom->dmarc.spec.rua, dom->dmarc.spec.nrua, d);
			warn_parked_reports(cfg, key, &dom->dmarc.pos,
			    dom->dmarc.spec.ruf, dom->dmarc.spec.nruf, d);
			free(key);
		}
		if (dom->tls_rpt.present) {
			key = xasprintf("domains.%s.tls_rpt", dom->name);
			warn_parked_reports(cfg, key, &dom->tls_rpt.pos,
			    dom->tls_rpt.rua, dom->tls_rpt.nrua, d);
			free(key);
		}
		if (dom->mta_sts.present)
			build_mta_sts(cfg, dom, out, nout, d);
		if (dom->bimi.present)
			build_bimi(cfg, dom, day, dom->dmarc.present ?
			    (*out)[dm].text : NULL, out, nout, d);
	}
	/* The DMARC records published on day, once every domain is
	 * known: a report domain may come later in the config. */
	for (i = 0, n = *nout; i < n; i++)
		if ((*out)[i].kind == RECORD_DMARC)
			build_report_auths(cfg, out, nout, i, d);
	buf_release(&text);
	return d->nerrors > nerrors ? -1 : 0;
}

void
desired_release(struct desired *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].name);
		free(v[i].type);
		free(v[i].text);
		free(v[i].stage);
	}
	free(v);
}

static char *
strdup_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct desired *
desired_copy(const struct desired *v, size_t n)
{
	struct desired	*out = xcalloc(n + 1, sizeof(*out));
	size_t		 i;

	for (i = 0; i < n; i++) {
		out[i] = v[i];
		out[i].key = strdup_null(v[i].key);
		out[i].name = strdup_null(v[i].name);
		out[i].type = strdup_null(v[i].type);
		out[i].text = strdup_null(v[i].text);
		if (v[i].stage != NULL) {
			out[i].stage = xmalloc(sizeof(*out[i].stage));
			*out[i].stage = *v[i].stage;
		}
	}
	return out;
}
