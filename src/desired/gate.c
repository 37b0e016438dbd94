/*
 * gate.c - the rollout gate: a verdict per domain from a report summary,
 * which decides the DMARC stage a domain's desired record takes
 * (desired_build_gated()).  What a held domain does once Route 53 has been
 * read is src/plan/settle.c.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/date.h"
#include "mailauth/dmarc.h"
#include "mailauth/dns.h"
#include "mailauth/gate.h"
#include "mailauth/desired.h"
#include "mailauth/report.h"

void
gate_window(const struct cfg_gate *g, long day, long *since, long *until)
{
	*until = day;
	*since = day - g->window_days + 1;
}

const char *
gate_state_name(enum gate_state s)
{
	switch (s) {
	case GATE_READY:
		return "ready";
	case GATE_HOLD:
		return "hold";
	case GATE_NO_DATA:
		return "insufficient data";
	case GATE_IGNORED:
		return "ignored";
	case GATE_NONE:
		break;
	}
	return "not gated";
}

const char *
gate_verdict_name(const struct gate_verdict *v)
{
	if (v->state == GATE_NO_DATA && v->no_reports)
		return "no reports given";
	return gate_state_name(v->state);
}

void
gate_ignore(struct gate_verdict *v)
{
	size_t	 current = v->current, next = v->next;
	long	 since = v->since, until = v->until;

	if (v->state == GATE_NONE)
		return;
	gate_verdict_release(v);
	v->state = GATE_IGNORED;
	v->current = current;
	v->next = next;
	v->since = since;
	v->until = until;
	v->rate = -1;
}

void
gate_why(const struct cfg_domain *dom, const struct gate_verdict *v,
    enum gate_outcome outcome, size_t stays, struct buf *out)
{
	const struct cfg_rollout	*ro = &dom->dmarc.rollout;
	char				 a[11], b[11], due[11];

	date_format(v->since, a);
	date_format(v->until, b);
	date_format(ro->stages[v->next - 1].from, due);
	if (outcome == GATE_HELD && v->no_reports) {
		buf_addf(out, "held: no reports given: '%s' stays at stage %zu "
		    "of %zu (stage %zu was due on %s); give --reports SOURCE "
		    "to check the gate, or --ignore-gate to take the stage on "
		    "its date alone", dom->name, stays, ro->nstages, v->next,
		    due);
		return;
	}
	if (outcome == GATE_HELD) {
		buf_addf(out, "'%s' stays at stage %zu of %zu: stage %zu was "
		    "due on %s, but ", dom->name, stays, ro->nstages, v->next,
		    due);
		if (v->state == GATE_NO_DATA)
			buf_addf(out, "the reports from %s to %s hold %llu "
			    "message%s from it, fewer than the gate's %ld", a,
			    b, (unsigned long long)v->messages,
			    v->messages == 1 ? "" : "s",
			    dom->dmarc.gate.min_messages);
		else
			buf_addf(out, "%.2f%% of its %llu messages from %s to "
			    "%s passed DMARC, below the gate's %.2f%%", v->rate,
			    (unsigned long long)v->messages, a, b,
			    dom->dmarc.gate.min_pass_rate);
	} else if (outcome == GATE_TAKEN && v->state == GATE_IGNORED)
		buf_addf(out, "'%s' takes stage %zu of %zu on its date alone: "
		    "--ignore-gate was given, so the rollout gate was not "
		    "checked", dom->name, v->next, ro->nstages);
	else if (outcome == GATE_TAKEN && v->state == GATE_READY)
		buf_addf(out, "'%s' takes stage %zu of %zu: %.2f%% of its %llu "
		    "messages passed DMARC (the gate asks %.2f%%)", dom->name,
		    v->next, ro->nstages, v->rate,
		    (unsigned long long)v->messages,
		    dom->dmarc.gate.min_pass_rate);
	else
		buf_addf(out, "'%s' keeps stage %zu of %zu, which Route 53 "
		    "already holds: a stage taken is never stepped back (the "
		    "gate says %s)", dom->name, v->next, ro->nstages,
		    gate_verdict_name(v));
}

void
gate_verdict_release(struct gate_verdict *v)
{
	size_t	 i;

	for (i = 0; i < v->nfailing; i++)
		free(v->failing[i].ip);
	free(v->failing);
	memset(v, 0, sizeof(*v));
}

static int
by_failed(const void *a, const void *b)
{
	const struct gate_source	*x = a, *y = b;

	if (x->failed != y->failed)
		return x->failed > y->failed ? -1 : 1;
	return strcmp(x->ip, y->ip);
}

/* The sources of rd with messages failing DMARC, most failing first. */
static void
failing_sources(const struct report_domain *rd, struct gate_verdict *v)
{
	struct gate_source	*all = NULL, *gs;
	size_t			 n = 0, i;

	for (i = 0; i < rd->nsources; i++) {
		const struct report_source	*s = &rd->sources[i];

		if (s->n.dmarc_pass >= s->n.messages)
			continue;
		gs = xappend(&all, &n, sizeof(*all));
		gs->ip = s->ip;		/* borrowed until copied below */
		gs->messages = s->n.messages;
		gs->failed = s->n.messages - s->n.dmarc_pass;
	}
	if (n > 0)
		qsort(all, n, sizeof(*all), by_failed);
	v->nfailing_all = n;
	v->nfailing = n < GATE_SOURCES_MAX ? n : GATE_SOURCES_MAX;
	v->failing = v->nfailing > 0 ? xcalloc(v->nfailing,
	    sizeof(*v->failing)) : NULL;
	for (i = 0; i < v->nfailing; i++) {
		v->failing[i] = all[i];
		v->failing[i].ip = xstrdup(all[i].ip);
	}
	free(all);
}

void
gate_decide(const struct cfg_domain *dom, long day,
    const struct report_summary *sum, struct gate_verdict *v)
{
	const struct cfg_rollout	*ro = &dom->dmarc.rollout;
	const struct cfg_gate		*g = &dom->dmarc.gate;
	const struct cfg_stage		*st;
	const struct report_domain	*rd = NULL;
	size_t				 k;

	memset(v, 0, sizeof(*v));
	v->state = GATE_NONE;
	v->rate = -1;
	if (!dom->dmarc.present || !g->present || ro->nstages == 0 ||
	    (st = cfg_rollout_at(ro, day)) == NULL)
		return;
	k = (size_t)(st - ro->stages) + 1;
	if (k < 2 || st->rollback)
		return;
	v->next = k;
	v->current = k - 1;
	gate_window(g, day, &v->since, &v->until);
	if (sum != NULL && (rd = report_summary_find(sum, dom->name)) !=
	    NULL) {
		v->messages = rd->n.messages;
		v->passed = rd->n.dmarc_pass;
		v->rate = report_rate(v->passed, v->messages);
	}
	if (sum == NULL) {
		/* No report given at all: the gate fails closed. */
		v->state = GATE_NO_DATA;
		v->no_reports = 1;
	} else if (v->messages < (uint64_t)g->min_messages ||
	    v->messages == 0)
		v->state = GATE_NO_DATA;
	else if (v->rate < g->min_pass_rate) {
		v->state = GATE_HOLD;
		if (rd != NULL)
			failing_sources(rd, v);
	} else
		v->state = GATE_READY;
}
