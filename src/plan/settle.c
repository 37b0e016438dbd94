/*
 * settle.c - the rollout gate once Route 53 has been read: a domain the
 * gate holds stays at the stage Route 53 already holds (a new desired
 * array: the one built before the read is left as it was).
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/dmarc.h"
#include "mailauth/dns.h"
#include "mailauth/gate.h"
#include "mailauth/desired.h"
#include "mailauth/live.h"

/* The DMARC record the live TXT sets of l hold, or NULL (malloc'd). */
static char *
live_dmarc(const struct live *l)
{
	struct buf	 text = BUF_INIT;
	size_t		 i, j;

	for (i = 0; i < l->nsets; i++) {
		const struct rrset	*rs = &l->sets[i];

		if (strcmp(rs->type, "TXT") != 0 || rs->alias_target != NULL)
			continue;
		for (j = 0; j < rs->nvalues; j++) {
			buf_reset(&text);
			/* A NUL inside ("\000") makes it a record no stage
			 * is: where the rollout stands is not known. */
			if (txt_decode(rs->values[j], &text, NULL) == 0 &&
			    memchr(buf_str(&text), '\0', text.len) == NULL &&
			    record_kind_owns(RECORD_DMARC, buf_str(&text)))
				return buf_detach(&text);
		}
	}
	buf_release(&text);
	return NULL;
}

static char *
stage_text(const struct cfg_dmarc *dm, const struct cfg_stage *st)
{
	struct dmarc_spec	 at;
	struct buf		 b = BUF_INIT;

	cfg_dmarc_at(dm, st, &at);
	dmarc_render(&at, &b);
	return buf_detach(&b);
}

/* Moves w to stage number n (1-based) of its rollout. */
static void
move_to(struct desired *w, size_t n)
{
	const struct cfg_rollout	*ro = &w->domain->dmarc.rollout;

	free(w->text);
	w->text = stage_text(&w->domain->dmarc, &ro->stages[n - 1]);
	free(w->stage);
	w->stage = desired_stage(ro, &ro->stages[n - 1]);
}

struct desired *
gate_settle(const struct desired *v, size_t n, const struct live_state *ls)
{
	const struct cfg_rollout	*ro;
	struct desired			*out = desired_copy(v, n);
	char				*live, *text;
	size_t				 i, j, k;

	for (i = 0; i < ls->nlives && i < n; i++) {
		struct desired	*w = &out[i];

		if (!w->held || w->kind != RECORD_DMARC ||
		    ls->lives[i].desired != &v[i])
			continue;
		if ((live = live_dmarc(&ls->lives[i])) == NULL)
			continue;
		ro = &w->domain->dmarc.rollout;
		/* The stage due is the one after the held one. */
		k = (size_t)w->stage->number + 1;
		if (k > ro->nstages) {
			free(live);
			continue;
		}
		for (j = k; j >= 1; j--) {
			text = stage_text(&w->domain->dmarc,
			    &ro->stages[j - 1]);
			if (record_kind_equivalent(RECORD_DMARC, live,
			    strlen(live), text)) {
				free(text);
				break;
			}
			free(text);
		}
		if (j >= 1 && j != (size_t)w->stage->number)
			move_to(w, j);
		if (j == k)
			w->held = 0;
		free(live);
	}
	return out;
}
