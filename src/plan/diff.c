/*
 * diff.c - desired vs live -> plan.
 *
 * For each managed name the new record set is the live one with only the
 * owned value replaced: values mailauth does not own keep their bytes and
 * their order, the owned value keeps its position, and a live value that
 * means the same as the desired one is kept as it is written.
 */
#include <stdlib.h>
#include <string.h>

#include "mailauth/buf.h"
#include "mailauth/config.h"
#include "mailauth/diag.h"
#include "mailauth/dmarc.h"
#include "mailauth/err.h"
#include "mailauth/plan.h"

static int
equivalent(enum record_kind kind, const char *a, const char *b)
{
	switch (kind) {
	case RECORD_DMARC:
		return dmarc_equivalent(a, b);
	}
	return strcmp(a, b) == 0;
}

/*
 * Reports what is wrong with a live value mailauth owns.  Only as warnings:
 * the plan replaces a broken record, so its faults must not stop the plan.
 */
static void
check_live(enum record_kind kind, const char *text, const char *where,
    struct diags *d)
{
	struct diags	 found = DIAGS_INIT;
	size_t		 i;

	switch (kind) {
	case RECORD_DMARC:
		dmarc_check(text, where, &found);
		break;
	}
	for (i = 0; i < found.n; i++)
		diags_add(d, DIAG_WARNING, NULL, 0, 0, "live record: %s",
		    found.v[i].msg);
	diags_release(&found);
}

/*
 * The live set of the desired type at the name, or NULL.  Anything at the
 * name that stops mailauth from writing there is an error in d.
 */
static const struct rrset *
usable_set(const struct live *l, const char *display, struct diags *d)
{
	const struct rrset	*found = NULL;
	size_t			 i, n = 0;

	for (i = 0; i < l->nsets; i++) {
		const struct rrset	*rs = &l->sets[i];

		if (strcmp(rs->type, "CNAME") == 0) {
			diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: is a CNAME "
			    "to '%s'; a %s record cannot be added beside it, "
			    "and mailauth does not remove records it does not "
			    "own: delete the CNAME or drop %s from the config",
			    display, rs->nvalues > 0 ? rs->values[0] : "?",
			    l->desired->type, record_kind_name(l->desired->kind));
			return NULL;
		}
		if (strcmp(rs->type, l->desired->type) != 0)
			continue;
		if (rs->alias_target != NULL) {
			diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: the %s record "
			    "is an alias to '%s'; mailauth does not replace "
			    "aliases", display, rs->type, rs->alias_target);
			return NULL;
		}
		found = rs;
		n++;
	}
	if (n > 1) {
		diags_add(d, DIAG_ERROR, NULL, 0, 0, "%s: %zu %s record sets "
		    "with routing policies; mailauth manages only simple "
		    "record sets", display, n, l->desired->type);
		return NULL;
	}
	return found;
}

/* Fills c from one live name; returns -1 when d received an error. */
static int
diff_one(const struct live *l, struct plan_change *c, struct diags *d)
{
	const struct desired	*want = l->desired;
	const struct rrset	*live;
	struct buf		 text = BUF_INIT, value = BUF_INIT;
	char			*display = dns_name_display(want->name);
	size_t			 i, owned = 0, errors = d->nerrors;
	int			 kept = 0;

	c->desired = want;
	c->zone = l->zone;
	live = usable_set(l, display, d);
	if (d->nerrors > errors)
		goto out;

	txt_encode(want->text, &value);
	rrset_init(&c->after, want->name, want->type, want->ttl);
	if (live == NULL) {
		rrset_value_add(&c->after, buf_str(&value));
		c->op = PLAN_CREATE;
		goto out;
	}
	rrset_copy(&c->before, live);

	for (i = 0; i < live->nvalues; i++) {
		buf_reset(&text);
		if (txt_decode(live->values[i], &text, NULL) == -1 ||
		    !record_kind_owns(want->kind, buf_str(&text))) {
			rrset_value_add(&c->after, live->values[i]);
			continue;
		}
		if (owned++ > 0)
			continue;
		check_live(want->kind, buf_str(&text), display, d);
		if (equivalent(want->kind, buf_str(&text), want->text)) {
			rrset_value_add(&c->after, live->values[i]);
			kept = strcmp(buf_str(&text), want->text) != 0;
		} else
			rrset_value_add(&c->after, buf_str(&value));
	}
	if (owned == 0)
		rrset_value_add(&c->after, buf_str(&value));
	if (owned > 1) {
		diags_add(d, DIAG_WARNING, NULL, 0, 0, "%s: %zu %s records "
		    "are published; receivers then ignore them all, so "
		    "mailauth replaces them with one", display, owned,
		    record_kind_name(want->kind));
		c->note = xasprintf("%zu %s records replaced by one", owned,
		    record_kind_name(want->kind));
	} else if (kept)
		c->note = xasprintf("the live %s record is equivalent (it "
		    "differs only in spacing, tag case or order) and is left "
		    "as it is", record_kind_name(want->kind));
	c->op = rrset_equal(&c->before, &c->after) ? PLAN_NONE : PLAN_UPDATE;
out:
	buf_release(&text);
	buf_release(&value);
	free(display);
	return d->nerrors > errors ? -1 : 0;
}

int
plan_diff(const struct live_state *ls, struct plan *p, struct diags *d)
{
	size_t	 i;
	int	 rc = 0;

	memset(p, 0, sizeof(*p));
	for (i = 0; i < ls->nlives; i++) {
		struct plan_change	*c;

		c = xappend(&p->changes, &p->nchanges, sizeof(*p->changes));
		if (diff_one(&ls->lives[i], c, d) == -1)
			rc = -1;
		switch (c->op) {
		case PLAN_CREATE:
			p->nadd++;
			break;
		case PLAN_UPDATE:
			p->nchange++;
			break;
		case PLAN_DELETE:
			p->ndestroy++;
			break;
		case PLAN_NONE:
			break;
		}
	}
	return rc;
}

int
plan_has_changes(const struct plan *p)
{
	return p->nadd + p->nchange + p->ndestroy > 0;
}

void
plan_release(struct plan *p)
{
	size_t	 i;

	for (i = 0; i < p->nchanges; i++) {
		rrset_release(&p->changes[i].before);
		rrset_release(&p->changes[i].after);
		free(p->changes[i].note);
	}
	free(p->changes);
	memset(p, 0, sizeof(*p));
}
