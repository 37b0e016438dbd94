/*
 * apply.c - plan -> change batches -> Route 53.
 *
 * One ChangeResourceRecordSets batch per hosted zone, which Route 53
 * applies all or nothing.  An update is sent as the DELETE of the exact
 * live set (values and TTL as read) and the CREATE of the new one, so
 * Route 53 refuses the whole batch if anyone changed the set since it was
 * read, rather than overwriting their change.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"
#include "mailauth/route53.h"

#define BATCH_COMMENT	"mailauth apply"

static void
say(void (*progress)(void *, const char *), void *ctx, struct buf *line)
{
	if (progress != NULL)
		progress(ctx, buf_str(line));
	buf_reset(line);
}

/* The changes of the plan that fall in zone, as Route 53 changes. */
static void
batch_for(const struct plan *p, const struct zone *zone,
    struct r53_change **out, size_t *nout)
{
	struct r53_change	*rc;
	size_t			 i;

	*out = NULL;
	*nout = 0;
	for (i = 0; i < p->nchanges; i++) {
		const struct plan_change	*c = &p->changes[i];

		if (c->zone != zone || c->op == PLAN_NONE)
			continue;
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

int
plan_apply(const struct r53_client *client, const struct plan *p,
    unsigned int wait_s, void (*progress)(void *, const char *), void *ctx,
    struct err *err)
{
	struct r53_change	*changes = NULL;
	struct buf		 line = BUF_INIT, done = BUF_INIT;
	char			*id = NULL, *status = NULL;
	size_t			 i, j, n = 0;
	int			 rc = -1;

	for (i = 0; i < p->nchanges; i++) {
		const struct zone	*zone = p->changes[i].zone;
		char			*zname;

		/* Each zone once, at its first change. */
		for (j = 0; j < i; j++)
			if (p->changes[j].zone == zone)
				break;
		if (j < i || zone == NULL)
			continue;
		batch_for(p, zone, &changes, &n);
		if (n == 0)
			continue;
		zname = dns_name_display(zone->name);
		if (r53_change(client, zone->id, BATCH_COMMENT, changes, n,
		    &id, &status, err) == -1) {
			free(zname);
			goto fail;
		}
		buf_addf(&line, "%s (%s): change %s submitted, %s", zname,
		    zone->id, id, strcmp(status, "INSYNC") == 0 ? "in sync" :
		    "waiting for it to be in sync");
		say(progress, ctx, &line);
		if (strcmp(status, "INSYNC") != 0 &&
		    r53_change_wait(client, id, wait_s, err) == -1) {
			free(zname);
			goto fail;
		}
		buf_addf(&line, "%s (%s): change %s is INSYNC", zname,
		    zone->id, id);
		say(progress, ctx, &line);
		buf_addf(&done, "%s%s (change %s)", done.len ? ", " : "",
		    zone->id, id);
		free(zname);
		free(id);
		free(status);
		free(changes);
		id = status = NULL;
		changes = NULL;
	}
	rc = 0;
	goto out;
fail:
	if (done.len > 0)
		err_prefix(err, "only part of the plan was applied (done: "
		    "%s)", buf_str(&done));
out:
	free(id);
	free(status);
	free(changes);
	buf_release(&line);
	buf_release(&done);
	return rc;
}
