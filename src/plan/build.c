/*
 * build.c - the plan, built in one pass: the desired records (the
 * config's for the day, held back by the rollout gate, then, once the
 * caller has connected to AWS, what the SES identities ask for), one read
 * of Route 53 (the managed names, and what lies below _domainkey.<domain>
 * for the stale Easy DKIM tokens), the gate's settlement against what is
 * live, the diff, and the change batches.  Each step reads the results of
 * the steps before it and never changes them; nothing reads Route 53
 * after the read.  Last, what the reviewer reads beside the changes
 * (review.c): the warnings, the gate's verdicts, the unmanaged look-alikes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/gate.h"
#include "mailauth/plan.h"
#include "mailauth/replay.h"

#ifndef MAILAUTH_VERSION
#define MAILAUTH_VERSION	"dev"
#endif

/*
 * The desired records of the scope, asking the caller for the AWS side
 * once the config's own are sound; -1 when that failed or d received an
 * error that stops the plan, with the step in out->failed.
 */
static int
build_desired(const struct plan_inputs *in, const struct r53_client **r53,
    const struct ses_identity **ses, struct plan_built *out, struct diags *d)
{
	int	 status = in->scope == PLAN_SCOPE_SES_STATUS;

	if (!status && desired_build_gated(in->cfg, in->day, in->gates,
	    &out->desired, &out->ndesired, d) == -1) {
		out->failed = PLAN_STEP_DESIRED;
		return -1;
	}
	if (in->connect(in->ctx, r53, ses) == -1) {
		out->failed = PLAN_STEP_CONNECT;
		return -1;
	}
	/* What the SES identities ask for joins the config's records
	 * before anything is read from Route 53. */
	if (*ses != NULL && desired_build_ses(in->cfg, in->day, *ses, &out->desired,
	    &out->ndesired, d) == -1 && !status) {
		out->failed = PLAN_STEP_SES;
		return -1;
	}
	return 0;
}

static void
build_meta(const struct plan_inputs *in, struct plan_meta *meta)
{
	meta->format_version = PLAN_FORMAT_VERSION;
	meta->mailauth_version = xstrdup(MAILAUTH_VERSION);
	meta->config_path = xstrdup(in->config_path);
	if (in->config_sha256 != NULL)
		snprintf(meta->config_sha256, sizeof(meta->config_sha256),
		    "%s", in->config_sha256);
	meta->created = xstrdup(in->created);
}

int
plan_build(const struct plan_inputs *in, struct plan_built *out,
    struct diags *d, struct err *err)
{
	const struct r53_client		*r53 = NULL;
	const struct ses_identity	*ses = NULL;
	char				**tops = NULL;
	int				  status, rc = -1;

	memset(out, 0, sizeof(*out));
	status = in->scope == PLAN_SCOPE_SES_STATUS;
	if (build_desired(in, &r53, &ses, out, d) == -1)
		return -1;
	if (!status)
		plan_registry_desired(in->cfg, &out->desired, &out->ndesired);
	if (ses != NULL)
		tops = ses_token_tops(in->cfg, out->desired, out->ndesired);
	if (live_read(r53, in->cfg, out->desired, out->ndesired,
	    (const char *const *)tops, &out->live, d, err) == -1) {
		out->failed = PLAN_STEP_LIVE;
		goto out;
	}
	out->settled = gate_settle(out->desired, out->ndesired, &out->live);
	if (ses != NULL)
		ses_stale_tokens(in->cfg, ses, &out->live, &out->stale,
		    &out->nstale);
	/* The settling ends with the registries, whose removals read what
	 * is at the names they list (nothing when none is removed). */
	if (!status && plan_registry_settle(r53, out->settled, out->ndesired,
	    &out->live, out->stale, out->nstale, &out->removals,
	    &out->nremovals, d, err) == -1) {
		out->failed = PLAN_STEP_LIVE;
		goto out;
	}
	if (plan_diff(out->settled, out->ndesired, &out->live, out->stale,
	    out->nstale, &out->plan, d) == -1 && !status) {
		out->failed = PLAN_STEP_DIFF;
		goto out;
	}
	plan_diff_removals(out->removals, out->nremovals, &out->live,
	    &out->plan, d);
	if (!status)
		plan_replay(in->replay, &out->plan, d);
	if (!status && plan_batches(&out->plan, &out->batches,
	    &out->nbatches, d) == -1) {
		out->failed = PLAN_STEP_BATCHES;
		goto out;
	}
	if (!status) {
		build_meta(in, &out->meta);
		plan_review(in, out, d, &out->plan);
	}
	rc = 0;
out:
	ses_token_tops_release(tops, in->cfg->ndomains);
	return rc;
}

/* Moves the n elements of size sz at src to the end of the array *dst
 * of *ndst. */
static void
append(void *dst, size_t *ndst, const void *src, size_t n, size_t sz)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		memcpy(xappend(dst, ndst, sz), (const char *)src + i * sz, sz);
}

void
plan_merge(struct plan *v, const char *const *accounts, size_t n,
    struct plan *out, size_t *first)
{
	struct plan_change	*c;
	size_t			 i, j, nz = 0, nc = 0, zoff = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < n; i++) {
		nz += v[i].nzones;
		nc += v[i].nchanges;
	}
	out->zones = nz > 0 ? xcalloc(nz, sizeof(*out->zones)) : NULL;
	out->changes = nc > 0 ? xcalloc(nc, sizeof(*out->changes)) : NULL;
	for (i = 0; i < n; i++) {
		for (j = 0; j < v[i].nzones; j++) {
			out->zones[zoff + j] = v[i].zones[j];
			out->zones[zoff + j].account = accounts[i] != NULL ?
			    xstrdup(accounts[i]) : NULL;
		}
		first[i] = out->nchanges;
		for (j = 0; j < v[i].nchanges; j++) {
			c = &out->changes[out->nchanges++];
			*c = v[i].changes[j];
			if (c->zone != NULL)
				c->zone = out->zones + zoff +
				    (size_t)(c->zone - v[i].zones);
		}
		zoff += v[i].nzones;
		append(&out->warnings, &out->nwarnings, v[i].warnings,
		    v[i].nwarnings, sizeof(*v[i].warnings));
		append(&out->notes, &out->nnotes, v[i].notes, v[i].nnotes,
		    sizeof(*v[i].notes));
		append(&out->gates, &out->ngates, v[i].gates, v[i].ngates,
		    sizeof(*v[i].gates));
		free(v[i].zones);
		free(v[i].changes);
		free(v[i].warnings);
		free(v[i].notes);
		free(v[i].gates);
		memset(&v[i], 0, sizeof(v[i]));
	}
	out->nzones = nz;
	plan_count(out);
}

void
plan_built_release(struct plan_built *b)
{
	plan_meta_release(&b->meta);
	plan_batches_release(b->batches, b->nbatches);
	plan_release(&b->plan);
	plan_stale_release(b->stale, b->nstale);
	plan_removals_release(b->removals, b->nremovals);
	live_release(&b->live);
	desired_release(b->settled, b->settled != NULL ? b->ndesired : 0);
	desired_release(b->desired, b->ndesired);
	memset(b, 0, sizeof(*b));
}
