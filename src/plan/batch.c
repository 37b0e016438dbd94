/*
 * batch.c - plan -> change batches: the plan's changes to each hosted zone
 * packed into as few ChangeResourceRecordSets requests as Route 53's limits
 * allow (mailauth/plan.h), zone by zone, each change whole in one batch.
 * src/apply/apply.c sends them.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/diag.h"
#include "mailauth/plan.h"

/* --- the order within a zone --- */

/*
 * Where a change goes among its zone's: 0 when it leaves no value of its
 * kind at its name (a delete, or an update whose TXT set keeps none of
 * them), 1 a registry record, 2 anything else.  In that order, wherever
 * a zone's changes are cut into batches, the registry never omits a name
 * mailauth has a value at: before the registry's change only values go,
 * after it only values come (docs/records.md, "The ownership registry").
 */
static int
phase(const struct plan_change *c)
{
	struct buf	 text = BUF_INIT;
	size_t		 i;
	int		 left = 0;

	if (c->kind == RECORD_REGISTRY)
		return 1;
	if (c->op == PLAN_DELETE)
		return 0;
	if (c->op != PLAN_UPDATE || c->after.type == NULL ||
	    strcmp(c->after.type, "TXT") != 0)
		return 2;
	for (i = 0; i < c->after.nvalues && !left; i++) {
		buf_reset(&text);
		left = txt_decode(c->after.values[i], &text, NULL) == 0 &&
		    record_kind_owns(c->kind, buf_str(&text));
	}
	buf_release(&text);
	return left ? 2 : 0;
}

/* --- batches --- */

static size_t
value_chars(const struct rrset *rs, size_t *nrecords)
{
	size_t	 i, n = 0;

	if (rs->name == NULL)
		return 0;
	for (i = 0; i < rs->nvalues; i++)
		n += strlen(rs->values[i]);
	*nrecords += rs->nvalues;
	return n;
}

static int
too_long(const struct plan_change *c, struct diags *d)
{
	const struct rrset	*rs = &c->after;
	size_t			 i;

	char			*name;

	if (rs->name == NULL)
		return 0;
	for (i = 0; i < rs->nvalues; i++)
		if (strlen(rs->values[i]) > VALUE_MAX_CHARS) {
			name = dns_name_display(rs->name);
			diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s %s: a value "
			    "of %zu characters; Route 53 takes at most %d in "
			    "one value", name, rs->type,
			    strlen(rs->values[i]), VALUE_MAX_CHARS);
			free(name);
			return 1;
		}
	return 0;
}

/* Puts c in the zone's batch *b, or in a new one when it would break a
 * limit; a change that alone breaks one is an error in d. */
static void
pack(const struct plan *p, size_t z, const struct plan_change *c,
    struct plan_batch **out, size_t *nout, struct plan_batch **b,
    struct diags *d)
{
	size_t	 nrec = 0, nch;
	char	*name;

	if (too_long(c, d))
		return;
	nch = value_chars(&c->before, &nrec) + value_chars(&c->after, &nrec);
	if (nrec > BATCH_MAX_RECORDS || nch > BATCH_MAX_CHARS) {
		name = dns_name_display(plan_change_name(c));
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: %zu values of %zu "
		    "characters in one change; Route 53 takes at most %d "
		    "values and %d characters in one request", name, nrec,
		    nch, BATCH_MAX_RECORDS, BATCH_MAX_CHARS);
		free(name);
		return;
	}
	if (*b == NULL || (*b)->nrecords + nrec > BATCH_MAX_RECORDS ||
	    (*b)->nchars + nch > BATCH_MAX_CHARS) {
		*b = xappend(out, nout, sizeof(**out));
		(*b)->zone = &p->zones[z];
	}
	*(const struct plan_change **)xappend(&(*b)->changes, &(*b)->nchanges,
	    sizeof(*(*b)->changes)) = c;
	(*b)->nrecords += nrec;
	(*b)->nchars += nch;
}

int
plan_batches(const struct plan *p, struct plan_batch **out, size_t *nout,
    struct diags *d)
{
	struct plan_batch	*b = NULL;
	size_t			*start, *order, z, i, k, nerrors = d->nerrors;
	int			 ph;

	*out = NULL;
	*nout = 0;
	/* The changes zone by zone, each zone's in plan order (a counting
	 * sort): scanning every change for every zone took zones x changes. */
	start = xcalloc(p->nzones + 1, sizeof(*start));
	order = xcalloc(p->nchanges + 1, sizeof(*order));
	for (i = 0; i < p->nchanges; i++)
		start[p->changes[i].zone - p->zones + 1]++;
	for (z = 0; z < p->nzones; z++)
		start[z + 1] += start[z];
	for (i = 0; i < p->nchanges; i++)
		order[start[p->changes[i].zone - p->zones]++] = i;
	for (z = 0, k = 0; z < p->nzones; k = start[z++]) {
		b = NULL;
		for (ph = 0; ph < 3; ph++)
			for (i = k; i < start[z]; i++) {
				const struct plan_change *c = &p->changes[order[i]];

				if (c->op != PLAN_NONE && phase(c) == ph)
					pack(p, z, c, out, nout, &b, d);
			}
	}
	free(start);
	free(order);
	if (d->nerrors > nerrors) {
		plan_batches_release(*out, *nout);
		*out = NULL;
		*nout = 0;
		return -1;
	}
	return 0;
}

void
plan_batches_release(struct plan_batch *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(b[i].changes);
	free(b);
}
