/*
 * apply.c - change batches -> Route 53.
 *
 * The plan's changes to each hosted zone go to Route 53 in as few
 * ChangeResourceRecordSets requests as its limits allow, each applied all
 * or nothing.  An update is the DELETE of the exact live set (values and
 * TTL as read at plan time) and the CREATE of the new one, so Route 53
 * refuses the whole batch if anyone changed the set since, rather than
 * overwriting their change; a CREATE of a set that exists is refused the
 * same way.  So nothing is read again before sending: only a zone whose
 * batch Route 53 refused is read (refused()), to say what changed since
 * the plan, or to find the batch already in place (a saved plan applied
 * again after an interrupted apply).
 *
 * A first Ctrl-C or SIGTERM (mailauth/interrupt.h) stops the sending
 * between batches: the request in flight is settled, nothing new is sent
 * or waited for, and each batch's line says what became of it.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/apply.h"
#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/err.h"
#include "mailauth/interrupt.h"
#include "mailauth/plan.h"
#include "mailauth/route53.h"

#define BATCH_COMMENT	"mailauth apply"
#define POLL_FIRST_S	1
#define POLL_MAX_S	10

/* --- the state of a name, before and after --- */

/* 1 when a and b are the same set: Route 53 does not order values. */
static int
same_set(const struct rrset *a, const struct rrset *b)
{
	char	*used;
	size_t	 i, j;
	int	 same = 1;

	if (strcmp(a->type, b->type) != 0 || a->ttl != b->ttl ||
	    a->nvalues != b->nvalues || !rrset_routing_equal(a, b))
		return 0;
	used = xcalloc(a->nvalues + 1, 1);
	for (i = 0; i < a->nvalues && same; i++) {
		for (j = 0; j < b->nvalues; j++)
			if (!used[j] && strcmp(a->values[i], b->values[j]) == 0)
				break;
		if (j == b->nvalues)
			same = 0;
		else
			used[j] = 1;
	}
	free(used);
	return same;
}

static const struct rrset *
set_of_type(const struct rrset *sets, size_t n, const char *type)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(sets[i].type, type) == 0)
			return &sets[i];
	return NULL;
}

/*
 * 1 when the live sets at a name are as one side of c says: the set of
 * that side's type is that side (or absent, for an empty side), and the
 * other side's type, when it differs, is absent.
 */
static int
name_is(const struct rrset *sets, size_t n, const struct rrset *side,
    const struct rrset *other)
{
	const struct rrset	*live;

	if (side->name != NULL) {
		live = set_of_type(sets, n, side->type);
		if (live == NULL || !same_set(live, side))
			return 0;
	}
	if (other->name != NULL && (side->name == NULL ||
	    strcmp(other->type, side->type) != 0) &&
	    set_of_type(sets, n, other->type) != NULL)
		return 0;
	return 1;
}

static void
describe(struct buf *out, const struct rrset *rs)
{
	size_t	 i;

	if (rs == NULL || rs->name == NULL) {
		buf_adds(out, "nothing");
		return;
	}
	buf_addf(out, "%s ttl %ld", rs->type, rs->ttl);
	for (i = 0; i < rs->nvalues; i++)
		buf_addf(out, " %s", rs->values[i]);
	if (rs->alias_target != NULL)
		buf_addf(out, " alias %s", rs->alias_target);
}

/*
 * Reads the names of the n changes (all in zone z) the way plan reads a
 * zone, so the requests do not grow with the zone.  sets, nsets are
 * parallel to changes; release with release_read().
 */
static int
read_changes(const struct r53_client *client, const struct zone *z,
    const struct plan_change *const *changes, size_t n,
    struct rrset ***sets, size_t **nsets, struct err *err)
{
	const char	**names = xcalloc(n + 1, sizeof(*names));
	size_t		  i;
	int		  rc;

	*sets = xcalloc(n + 1, sizeof(**sets));
	*nsets = xcalloc(n + 1, sizeof(**nsets));
	for (i = 0; i < n; i++)
		names[i] = plan_change_name(changes[i]);
	rc = live_read_names(client, z, -1, names, NULL, n, *sets, *nsets,
	    err);
	free(names);
	return rc;
}

static void
release_read(struct rrset **sets, size_t *nsets, size_t n)
{
	size_t	 i;

	for (i = 0; sets != NULL && i < n; i++)
		r53_rrsets_release(sets[i], nsets[i]);
	free(sets);
	free(nsets);
}

/* Adds to d what changed at c's name since the plan, when it is neither
 * as the plan saw it nor as the plan leaves it. */
static void
drift_of(const struct plan_change *c, const struct rrset *sets, size_t n,
    struct diags *d)
{
	struct buf		 then = BUF_INIT, now = BUF_INIT;
	const struct rrset	*live;
	const char		*type;
	char			*name;

	/* Say what was seen of the type that differs. */
	type = c->before.name != NULL &&
	    ((live = set_of_type(sets, n, c->before.type)) == NULL ||
	    !same_set(live, &c->before)) ? c->before.type : c->after.type;
	describe(&then, c->before.name != NULL &&
	    strcmp(c->before.type, type) == 0 ? &c->before : NULL);
	describe(&now, set_of_type(sets, n, type));
	name = dns_name_display(plan_change_name(c));
	diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s %s changed since the plan: "
	    "at plan time %s; now %s", name, type, buf_str(&then),
	    buf_str(&now));
	free(name);
	buf_release(&then);
	buf_release(&now);
}

enum refusal {
	REFUSED_APPLIED,	/* every change already in place */
	REFUSED_MIXED,		/* some in place, the others as before */
	REFUSED_DRIFT,		/* some name changed since the plan */
	REFUSED_OTHER,		/* every name as the plan saw it */
	REFUSED_UNREAD		/* the names could not be read (err) */
};

/*
 * Reads the names of b, and only those, and counts its changes whose names
 * stand as planned (*nafter) and as the plan saw them (*nbefore); d (may
 * be NULL) receives what changed at each other name.  -1 when they cannot
 * be read (err).
 */
static int
batch_state(const struct r53_client *client, const struct plan_batch *b,
    struct diags *d, size_t *nafter, size_t *nbefore, struct err *err)
{
	struct rrset	**sets = NULL;
	size_t		 *nsets = NULL;
	size_t		  i;
	int		  rc;

	*nafter = *nbefore = 0;
	rc = read_changes(client, b->zone, b->changes, b->nchanges, &sets,
	    &nsets, err);
	for (i = 0; rc == 0 && i < b->nchanges; i++) {
		const struct plan_change	*c = b->changes[i];

		if (name_is(sets[i], nsets[i], &c->after, &c->before))
			(*nafter)++;
		else if (name_is(sets[i], nsets[i], &c->before, &c->after))
			(*nbefore)++;
		else if (d != NULL)
			drift_of(c, sets[i], nsets[i], d);
	}
	release_read(sets, nsets, b->nchanges);
	return rc;
}

/*
 * After Route 53 refused b (InvalidChangeBatch, all or nothing): reads the
 * names of b, and only those, and decides change by change.  d receives
 * what changed at each name that is neither as the plan saw it nor as it
 * leaves it.
 */
static enum refusal
refused(const struct r53_client *client, const struct plan_batch *b,
    struct diags *d, struct err *err)
{
	size_t	 nafter, nbefore;

	if (batch_state(client, b, d, &nafter, &nbefore, err) == -1)
		return REFUSED_UNREAD;
	if (d->nerrors > 0)
		return REFUSED_DRIFT;
	if (nafter == b->nchanges)
		return REFUSED_APPLIED;
	return nafter > 0 ? REFUSED_MIXED : REFUSED_OTHER;
}

/* --- sending --- */

static void
say(const struct apply_opts *o, struct buf *line)
{
	if (o->progress != NULL)
		o->progress(o->ctx, buf_str(line));
	buf_reset(line);
}

static void
batch_changes(const struct plan_batch *b, struct r53_change **out,
    size_t *nout)
{
	struct r53_change	*rc;
	size_t			 i;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < b->nchanges; i++) {
		const struct plan_change	*c = b->changes[i];

		if (c->op == PLAN_UPDATE || c->op == PLAN_DELETE) {
			rc = xappend(out, nout, sizeof(**out));
			rc->action = R53_DELETE;
			rc->rrset = &c->before;
		}
		if (c->op == PLAN_UPDATE || c->op == PLAN_CREATE) {
			rc = xappend(out, nout, sizeof(**out));
			rc->action = R53_CREATE;
			rc->rrset = &c->after;
		}
	}
}

enum landed {
	LANDED_NO,		/* every name as before */
	LANDED_YES,		/* every name as after */
	LANDED_UNKNOWN		/* a mixture, or the names cannot be read */
};

/* After a request whose outcome is unknown: did the batch land? */
static enum landed
batch_landed(const struct r53_client *client, const struct plan_batch *b,
    struct err *err)
{
	size_t	 nafter, nbefore;

	if (batch_state(client, b, NULL, &nafter, &nbefore, err) == -1)
		return LANDED_UNKNOWN;
	if (nafter == b->nchanges)
		return LANDED_YES;
	return nbefore == b->nchanges ? LANDED_NO : LANDED_UNKNOWN;
}

/* A request's failure leaves its outcome unknown when it may have reached
 * Route 53: no HTTP answer at all, or a server error. */
static int
outcome_unknown(const struct err *err)
{
	return err->http_status == 0 || err->http_status >= 500;
}

/*
 * Sends one batch; on success *id is the change id, or NULL when the batch
 * is known to have landed although its answer was lost.  -1 with err when
 * it did not (or may not have) landed; -2 with err when its request was
 * lost, it did not land, and the run was interrupted before it could be
 * sent again.
 */
static int
send_batch(const struct r53_client *client, const struct plan_batch *b,
    char **id, struct err *err)
{
	struct r53_change	*changes = NULL;
	struct err		 again;
	char			*status = NULL;
	size_t			 n = 0, attempt;
	int			 rc = -1;

	*id = NULL;
	batch_changes(b, &changes, &n);
	for (attempt = 0; attempt < 2; attempt++) {
		err_clear(err);
		if (r53_change(client, b->zone->id, BATCH_COMMENT, changes, n,
		    id, &status, err) == 0) {
			rc = 0;
			goto out;
		}
		if (!outcome_unknown(err))
			goto out;
		err_clear(&again);
		switch (batch_landed(client, b, &again)) {
		case LANDED_YES:
			rc = 0;
			goto out;
		case LANDED_NO:
			if (!interrupt_requested())
				continue;	/* nothing happened: again */
			err_prefix(err, "not applied: the records are as "
			    "before, and it was not sent again because of "
			    "the interrupt");
			rc = -2;
			goto out;
		case LANDED_UNKNOWN:
			err_prefix(err, "the outcome of the request is unknown "
			    "and the records %s; run 'mailauth plan' to see "
			    "where they stand", again.msg[0] != '\0' ?
			    "cannot be read again" : "are neither as before "
			    "nor as planned");
			goto out;
		}
	}
out:
	if (rc == -1 && strcmp(err->aws_code, "InvalidChangeBatch") == 0)
		err_prefix(err, "Route 53 refused the batch, so none of it was "
		    "applied (a record may have changed since the plan: run "
		    "'mailauth plan' again)");
	free(status);
	free(changes);
	return rc;
}

/* Waits for one change; 0 INSYNC, 1 still PENDING at the deadline, 2
 * still PENDING when interrupted, -1 on an error.  *waited counts the
 * seconds slept across all changes. */
static int
wait_change(const struct r53_client *client, const char *id,
    const struct apply_opts *o, unsigned int *waited, struct err *err)
{
	char		*status = NULL;
	unsigned int	 step = POLL_FIRST_S;
	int		 rc;

	for (;;) {
		if (r53_change_status(client, id, &status, err) == -1)
			return -1;
		rc = strcmp(status, "INSYNC") == 0 ? 0 : 1;
		free(status);
		status = NULL;
		if (rc == 0 || *waited >= o->wait_timeout_s)
			return rc;
		if (step > o->wait_timeout_s - *waited)
			step = o->wait_timeout_s - *waited;
		client->sleep(step);
		if (interrupt_requested())
			return 2;
		*waited += step;
		if (o->waiting != NULL)
			o->waiting(o->ctx, *waited);
		step = step * 2 > POLL_MAX_S ? POLL_MAX_S : step * 2;
	}
}

/* The result of zone in v, or NULL.  Looked up afresh for each batch: a
 * pointer kept from an earlier batch, or from before the array grew,
 * would be another zone's or stale. */
static struct apply_zone_result *
result_of(struct apply_zone_result *v, size_t n, const struct zone *zone)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (v[i].zone == zone)
			return &v[i];
	return NULL;
}

/* A zone keeps the worst of its outcomes, and the first message. */
static void
result_fail(struct apply_zone_result *r, enum apply_outcome outcome,
    const char *msg)
{
	if (outcome > r->outcome)
		r->outcome = outcome;
	if (r->msg == NULL)
		r->msg = xstrdup(msg);
}

/* At most this many drift lines per batch; the rest are counted. */
#define DRIFT_LINES	20

/*
 * What became of b, refused by Route 53 with err, once its names are read
 * again: line (after its prefix at pre) says it, and the zone's result r
 * takes it.  Returns 0 when the zone may go on with its next batch.
 */
static int
after_refusal(const struct r53_client *client, const struct plan_batch *b,
    const struct apply_opts *o, struct apply_zone_result *r,
    struct buf *line, size_t pre, const struct err *err)
{
	struct diags	 d = DIAGS_INIT;
	struct buf	 msg = BUF_INIT, each = BUF_INIT;
	struct err	 rerr;
	size_t		 i, head = line->len;
	int		 rc = -1;

	err_clear(&rerr);
	switch (refused(client, b, &d, &rerr)) {
	case REFUSED_APPLIED:
		buf_adds(line, "already applied (the records are as planned); "
		    "Route 53 refused it again, so nothing changed");
		r->nsent++;
		rc = 0;
		break;
	case REFUSED_MIXED:
		buf_adds(line, "refused: some of its record sets are already "
		    "as planned and others are not; run 'mailauth plan' "
		    "again");
		result_fail(r, APPLY_FAILED, buf_str(line) + pre);
		break;
	case REFUSED_DRIFT:
		buf_addf(&msg, "%s%s; %zu record set%s changed since the plan "
		    "was made, so Route 53 refused the batch and none of it "
		    "was applied: run 'mailauth plan' again and review it",
		    d.v[0].msg, d.nerrors > 1 ? " (and more, listed above)" :
		    "", d.nerrors, d.nerrors == 1 ? "" : "s");
		for (i = 0; i < d.n && i < DRIFT_LINES; i++) {
			buf_add(&each, line->data, head);
			buf_addf(&each, "refused: %s", d.v[i].msg);
			say(o, &each);
		}
		if (d.n > DRIFT_LINES)
			buf_addf(line, "refused: %zu more record sets changed "
			    "since the plan", d.n - DRIFT_LINES);
		else
			buf_adds(line, "refused: changed since the plan");
		result_fail(r, APPLY_FAILED, buf_str(&msg));
		break;
	case REFUSED_OTHER:
		buf_addf(line, "failed: %s", err->msg);
		result_fail(r, APPLY_FAILED, err->msg);
		break;
	case REFUSED_UNREAD:
		buf_addf(line, "failed: %s; reading its records again failed: "
		    "%s", err->msg, rerr.msg);
		result_fail(r, APPLY_FAILED, buf_str(line) + pre);
		break;
	}
	diags_release(&d);
	buf_release(&msg);
	buf_release(&each);
	return rc;
}

/*
 * Sends b, the k-th batch of its zone (result r), unless the run is
 * interrupted; says what became of it.  Returns 0 when the zone may go on
 * with its next batch.
 */
static int
send_one(const struct r53_client *client, const struct plan_batch *b,
    const struct apply_opts *o, struct apply_zone_result *r, size_t k,
    const char *zname, char **id)
{
	struct buf	 line = BUF_INIT;
	struct err	 err;
	size_t		 pre;
	int		 sent, rc = -1;

	buf_addf(&line, "%s (%s): ", zname, b->zone->id);
	pre = line.len;		/* the zone's message leaves the zone out */
	buf_addf(&line, "batch %zu of %zu (%zu record sets): ", k,
	    r->nbatches, b->nchanges);
	err_clear(&err);
	if (interrupt_requested()) {
		buf_adds(&line, "not sent: interrupted");
		result_fail(r, APPLY_INTERRUPTED, r->nsent == 0 ? "interrupted "
		    "before its first batch was sent: nothing was applied" :
		    "interrupted: the batches after the last one sent were "
		    "not sent");
	} else if ((sent = send_batch(client, b, id, &err)) == -1 &&
	    strcmp(err.aws_code, "InvalidChangeBatch") == 0) {
		rc = after_refusal(client, b, o, r, &line, pre, &err);
	} else if (sent < 0) {
		buf_reset(&line);
		buf_addf(&line, "%s (%s): batch %zu of %zu failed: %s", zname,
		    b->zone->id, k, r->nbatches, err.msg);
		result_fail(r, sent == -2 ? APPLY_INTERRUPTED : APPLY_FAILED,
		    err.msg);
	} else {
		r->nsent++;
		if (*id != NULL)
			buf_addf(&line, "change %s submitted", *id);
		else
			buf_adds(&line, "landed, although Route 53's answer "
			    "was lost; its change id is unknown");
		rc = 0;
	}
	say(o, &line);
	buf_release(&line);
	return rc;
}

int
plan_apply(const struct r53_client *client, const struct plan *p,
    const struct plan_batch *batches, size_t nbatches,
    const struct apply_opts *o, struct apply_zone_result **results,
    size_t *nresults)
{
	struct apply_zone_result	*r = NULL;
	struct buf			 line = BUF_INIT;
	struct err			 err;
	char				**ids;
	char				*zname = NULL;
	size_t				 i, k, z, pre;
	unsigned int			 waited = 0;
	int				 w, rc = 0;

	*results = NULL;
	*nresults = 0;
	ids = xcalloc(nbatches + 1, sizeof(*ids));
	for (z = 0; z < p->nzones; z++) {
		r = NULL;
		for (i = 0; i < nbatches; i++) {
			if (batches[i].zone != &p->zones[z])
				continue;
			if (r == NULL) {
				r = xappend(results, nresults,
				    sizeof(**results));
				r->zone = &p->zones[z];
			}
			r->nbatches++;
		}
		if (r == NULL)
			continue;
		free(zname);
		zname = dns_name_display(p->zones[z].name);
		for (i = 0, k = 0; i < nbatches; i++) {
			if (batches[i].zone != &p->zones[z])
				continue;
			/* An interrupted zone lists each batch not sent. */
			if (send_one(client, &batches[i], o, r, ++k, zname,
			    &ids[i]) == -1 && r->outcome == APPLY_FAILED)
				break;
		}
	}

	for (i = 0; i < nbatches && o->wait; i++) {
		/* A batch with a change id was sent, so its zone has a
		 * result; the check keeps that visible to the analysers. */
		if (ids[i] == NULL || (r = result_of(*results, *nresults,
		    batches[i].zone)) == NULL || r->outcome == APPLY_FAILED)
			continue;
		err_clear(&err);
		free(zname);
		zname = dns_name_display(batches[i].zone->name);
		w = interrupt_requested() ? 2 :
		    wait_change(client, ids[i], o, &waited, &err);
		/* The zone's message is the line without the zone: the
		 * summary names the zone itself. */
		buf_addf(&line, "%s (%s): ", zname, batches[i].zone->id);
		pre = line.len;
		if (w == 0)
			buf_addf(&line, "change %s is INSYNC", ids[i]);
		else if (w == 1)
			buf_addf(&line, "change %s is still PENDING after %u s; "
			    "Route 53 accepted it and will still apply it",
			    ids[i], waited);
		else if (w == 2)
			buf_addf(&line, "change %s was accepted and is "
			    "propagating: Route 53 applies it whatever happens "
			    "now (not waited for: interrupted)", ids[i]);
		else
			buf_addf(&line, "change %s: %s", ids[i], err.msg);
		if (w != 0)
			result_fail(r, APPLY_PENDING, buf_str(&line) + pre);
		say(o, &line);
	}

	for (z = 0; z < *nresults; z++)
		if ((*results)[z].outcome != APPLY_DONE)
			rc = -1;
	for (i = 0; i < nbatches; i++)
		free(ids[i]);
	free(ids);
	free(zname);
	buf_release(&line);
	return rc;
}

void
apply_results_release(struct apply_zone_result *r, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(r[i].msg);
	free(r);
}
