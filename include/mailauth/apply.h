/*
 * apply.h - change batches -> Route 53 (src/apply/): sending the batches
 * plan_batches() made (mailauth/plan.h), drift found from Route 53's
 * refusals, lost answers, waiting for INSYNC.
 */
#ifndef MAILAUTH_APPLY_H
#define MAILAUTH_APPLY_H

#include <stddef.h>

#include "mailauth/plan.h"

struct err;
struct r53_client;

/* --- apply (src/apply/apply.c) --- */

/* What apply reports, one line at a time, and how it waits. */
struct apply_opts {
	int		 wait;		/* 0: do not wait for INSYNC */
	unsigned int	 wait_timeout_s;
	/* A finished line of text; may be NULL. */
	void		(*progress)(void *ctx, const char *line);
	/* While waiting: called after each poll with the seconds waited so
	 * far; may be NULL. */
	void		(*waiting)(void *ctx, unsigned int elapsed_s);
	void		*ctx;
};

/* Per zone, what became of its batches. */
enum apply_outcome {
	APPLY_DONE,		/* sent and INSYNC (or sent, with wait 0) */
	APPLY_PENDING,		/* sent, not INSYNC within the timeout (or
				 * not waited for: interrupted) */
	APPLY_INTERRUPTED,	/* interrupted before every batch was sent:
				 * nsent of nbatches went, the rest did not */
	APPLY_FAILED		/* not (completely) applied: see msg */
};

struct apply_zone_result {
	const struct zone	*zone;
	enum apply_outcome	 outcome;
	size_t			 nbatches, nsent;	/* nsent: sent, or
							 * already applied */
	char			*msg;		/* why, when not DONE */
};

/*
 * Sends the batches (see plan_batches), zone by zone, reading nothing
 * first: each batch DELETEs the exact sets the plan saw and CREATEs sets
 * it saw absent, so Route 53 refuses it whole (InvalidChangeBatch) when
 * anything changed since.  Only then are that batch's names read, and
 * each change decided: every change already in place (a saved plan
 * applied again after an interrupted apply) is "already applied" and the
 * zone goes on; a name neither as the plan saw it nor as planned is drift,
 * said in a line of its own ("NAME TYPE changed since the plan: at plan
 * time ...; now ...", at most 20 a batch) and in the zone's message, and
 * fails the zone; some in place and the others not fails the zone too.
 * A zone whose request fails stops there and the other zones still go
 * on.  When a request's
 * outcome is unknown (the connection failed or the answer was a 5xx after
 * the request may have been received), the batch's names are re-read
 * before anything else: a batch that landed is recognised and not sent
 * again; one that left every name as it was is sent once more; anything
 * else fails the zone.  Then, unless o->wait is 0, waits for every change
 * to be INSYNC (GetChange, 1 s doubling to 10 s, at most wait_timeout_s in
 * all), after every batch was sent: one GetChange per batch when Route 53
 * is quick.
 *
 * Interruption (interrupt_requested(), mailauth/interrupt.h): no batch is
 * sent once the flag is up; the request in flight is settled first (its
 * answer, or the re-read of a lost one; a batch found not to have landed
 * is not sent again).  Batches not sent are said so, one line each, and
 * their zones are APPLY_INTERRUPTED.  Nothing is waited for: a change
 * Route 53 accepted is said to be propagating and its zone is
 * APPLY_PENDING.
 *
 * Fills one result per zone with changes (*results, release with
 * apply_results_release()); returns 0 when every zone is DONE, else -1.
 */
int	plan_apply(const struct r53_client *, const struct plan *,
	    const struct plan_batch *, size_t nbatches,
	    const struct apply_opts *, struct apply_zone_result **,
	    size_t *);
void	apply_results_release(struct apply_zone_result *, size_t);

#endif
