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
	case GATE_NONE:
		break;
	}
	return "not gated";
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
	if (v->messages < (uint64_t)g->min_messages || v->messages == 0)
		v->state = GATE_NO_DATA;
	else if (v->rate < g->min_pass_rate) {
		v->state = GATE_HOLD;
		if (rd != NULL)
			failing_sources(rd, v);
	} else
		v->state = GATE_READY;
}
