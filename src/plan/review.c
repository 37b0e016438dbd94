/*
 * review.c - what the reviewer of a plan reads beside its changes (the
 * saved plan's format 4, docs/plan-json.md, and the Markdown comment):
 * every warning plan prints on stderr, with the domain and the name it is
 * about where the message names them; the rollout gate's verdict for each
 * domain and why; and the notes on records that look like mailauth's but
 * that no config entry manages (plan_unmanaged(), stale.c).
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dmarc.h"
#include "mailauth/dns.h"
#include "mailauth/gate.h"
#include "mailauth/plan.h"

const char *
plan_gate_verdict_name(enum plan_gate_verdict v)
{
	switch (v) {
	case PLAN_GATE_ADVANCE:
		return "advance";
	case PLAN_GATE_HOLD:
		return "hold";
	case PLAN_GATE_KEEP:
		return "keep";
	case PLAN_GATE_NONE:
		break;
	}
	return "none";
}

void
plan_notice_add(struct plan_notice **v, size_t *n, const char *message,
    const char *domain, const char *name)
{
	struct plan_notice	*pn = xappend(v, n, sizeof(**v));
	struct buf		 shown = BUF_INIT;

	/* Shown on terminals and in pull requests, and read back by the
	 * strict reader: printable, as on stderr (a no-op on a message
	 * made printable already). */
	buf_add_printable_msg(&shown, message, strlen(message), 0);
	pn->message = buf_detach(&shown);
	pn->domain = domain != NULL ? xstrdup(domain) : NULL;
	pn->name = name != NULL ? xstrdup(name) : NULL;
}

void
plan_notices_release(struct plan_notice *v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(v[i].message);
		free(v[i].domain);
		free(v[i].name);
	}
	free(v);
}

void
plan_review_release(struct plan *p)
{
	size_t	 i;

	plan_notices_release(p->warnings, p->nwarnings);
	plan_notices_release(p->notes, p->nnotes);
	for (i = 0; i < p->ngates; i++) {
		free(p->gates[i].domain);
		free(p->gates[i].reason);
	}
	free(p->gates);
	p->warnings = p->notes = NULL;
	p->gates = NULL;
	p->nwarnings = p->nnotes = p->ngates = 0;
}

/* --- what mailauth itself writes --- */

int
plan_text_is_own(const struct desired *want, const char *text, size_t len)
{
	const struct cfg_rollout	*ro;
	struct dmarc_spec		 at;
	struct buf			 b = BUF_INIT;
	size_t				 i;
	int				 own = 0;

	if (memchr(text, '\0', len) != NULL)
		return 0;
	if (want->text != NULL && strcmp(text, want->text) == 0)
		return 1;
	if (want->kind != RECORD_DMARC || want->domain == NULL ||
	    !want->domain->dmarc.present)
		return 0;
	/* Any stage of the rollout: the one before a step, or a held one. */
	ro = &want->domain->dmarc.rollout;
	for (i = 0; i < ro->nstages && !own; i++) {
		buf_reset(&b);
		cfg_dmarc_at(&want->domain->dmarc, &ro->stages[i], &at);
		dmarc_render(&at, &b);
		own = strcmp(buf_str(&b), text) == 0;
	}
	buf_release(&b);
	return own;
}

/* --- warnings --- */

/* 1 when msg starts with key followed by the end of a key path. */
static int
starts_key(const char *msg, const char *key)
{
	size_t	 n = strlen(key);

	return strncmp(msg, key, n) == 0 && (msg[n] == '\0' ||
	    strchr(".:[ ", msg[n]) != NULL);
}

/*
 * The domain and the name a warning's message is about, where it names
 * them: a desired record's key path ("domains.example.com.dmarc.rua") or
 * its name as shown ("_dmarc.example.com: ..."), else a domain's key path
 * ("domains.example.com: ...").  The longest match wins.
 */
static void
locate(const char *msg, const struct cfg *cfg, const struct desired *v,
    size_t n, const char **domain, const char **name)
{
	const char	*m = msg;
	size_t		 i, best = 0, len;
	char		*shown, *key;

	*domain = *name = NULL;
	if (strncmp(m, "live record: ", 13) == 0)
		m += 13;
	for (i = 0; i < n; i++) {
		shown = dns_name_display(v[i].name);
		if ((len = strlen(v[i].key)) > best && starts_key(m, v[i].key)) {
			best = len;
			*domain = v[i].domain->name;
			*name = v[i].name;
		}
		if ((len = strlen(shown)) > best && starts_key(m, shown)) {
			best = len;
			*domain = v[i].domain->name;
			*name = v[i].name;
		}
		free(shown);
	}
	if (*domain != NULL)
		return;
	for (i = 0; i < cfg->ndomains; i++) {
		key = xasprintf("domains.%s", cfg->domains[i].name);
		if ((len = strlen(key)) > best && starts_key(m, key)) {
			best = len;
			*domain = cfg->domains[i].name;
		}
		free(key);
	}
}

/* The warnings of d, as cli_diags() prints them, into p. */
static void
add_warnings(struct plan *p, const struct diags *d, const struct cfg *cfg,
    const struct desired *v, size_t n)
{
	struct buf	 line = BUF_INIT;
	const char	*domain, *name;
	size_t		 i, kept = 0, more;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++) {
		if (d->v[i].level != DIAG_WARNING)
			continue;
		kept++;
		buf_reset(&line);
		diag_format(&d->v[i], &line);
		locate(d->v[i].msg, cfg, v, n, &domain, &name);
		plan_notice_add(&p->warnings, &p->nwarnings, buf_str(&line),
		    domain, name);
	}
	/* The rest were only counted (diags_add()). */
	if ((more = d->nwarnings - kept) > 0) {
		buf_reset(&line);
		buf_addf(&line, "... and %zu more warning%s", more,
		    more == 1 ? "" : "s");
		plan_notice_add(&p->warnings, &p->nwarnings, buf_str(&line),
		    NULL, NULL);
	}
	buf_release(&line);
}

/* --- the rollout gate --- */

static void
add_gates(struct plan *p, const struct cfg *cfg,
    const struct gate_verdict *gates, const struct desired *settled,
    size_t n)
{
	const struct desired	*w;
	struct plan_gate	*g;
	struct buf		 why = BUF_INIT;
	enum gate_outcome	 outcome;
	size_t			 i, j;

	p->gates = cfg->ndomains > 0 ? xcalloc(cfg->ndomains,
	    sizeof(*p->gates)) : NULL;
	p->ngates = cfg->ndomains;
	for (i = 0; i < cfg->ndomains; i++) {
		g = &p->gates[i];
		g->domain = xstrdup(cfg->domains[i].name);
		g->verdict = PLAN_GATE_NONE;
		if (gates == NULL || gates[i].state == GATE_NONE)
			continue;
		for (j = 0, w = NULL; j < n && w == NULL; j++)
			if (settled[j].kind == RECORD_DMARC &&
			    settled[j].domain == &cfg->domains[i] &&
			    settled[j].stage != NULL)
				w = &settled[j];
		if (w == NULL)
			continue;
		if (w->held)
			outcome = GATE_HELD;
		else if (gates[i].state == GATE_READY ||
		    gates[i].state == GATE_IGNORED)
			outcome = GATE_TAKEN;
		else
			outcome = GATE_KEPT;
		g->verdict = outcome == GATE_HELD ? PLAN_GATE_HOLD :
		    outcome == GATE_TAKEN ? PLAN_GATE_ADVANCE : PLAN_GATE_KEEP;
		buf_reset(&why);
		gate_why(&cfg->domains[i], &gates[i], outcome,
		    (size_t)w->stage->number, &why);
		g->reason = xstrdup(buf_str(&why));
		buf_reset(&why);
		buf_add_printable_msg(&why, g->reason, strlen(g->reason), 0);
		free(g->reason);
		g->reason = xstrdup(buf_str(&why));
	}
	buf_release(&why);
}

void
plan_review(const struct plan_inputs *in, const struct plan_built *b,
    const struct diags *d, struct plan *p)
{
	add_warnings(p, in->warned, in->cfg, b->desired, b->ndesired);
	add_warnings(p, d, in->cfg, b->desired, b->ndesired);
	add_gates(p, in->cfg, in->gates, b->settled, b->ndesired);
	plan_unmanaged(in->cfg, b->desired, b->ndesired, &b->live, b->stale,
	    b->nstale, &p->notes, &p->nnotes);
	plan_registry_notes(b->removals, b->nremovals, &p->notes, &p->nnotes);
}
